/* figures: the counts and durations of a build, once (see figures.h). */
#include "analyze/figures.h"

#include "analyze/taxonomy.h"

#include <stdlib.h>
#include <string.h>

/* The items of the given postmortems, each postmortem once. */
static void counts_of_pms(struct counts *into, const struct figures *f, const size_t *pms, size_t n)
{
	*into = (struct counts){0};
	for (size_t i = 0; i < n; i++)
		counts_merge(into, &f->pm[pms[i]]);
}

/* The items owner node `o` owns, in the postmortems it appears in. */
static void counts_owned(struct counts *into, const struct corpus *c, const struct graph *g,
			 size_t o, int64_t day)
{
	const struct node *nd = &g->nodes[TERM_OWNER][o];
	*into = (struct counts){0};
	for (size_t p = 0; p < nd->npms; p++) {
		const struct postmortem *pm = &c->pms[nd->pms[p]];
		for (size_t a = 0; a < pm->nactions; a++)
			if (g->pm[nd->pms[p]].ai_owner[a] == o)
				counts_add(into, &pm->actions[a], day);
	}
}

void figures_compute(struct figures *f, const struct corpus *c, const struct graph *g,
		     int64_t as_of_day)
{
	memset(f, 0, sizeof(*f));
	f->pm = xcalloc(c->npms ? c->npms : 1, sizeof(*f->pm));
	f->severity = xcalloc(c->site.nseverities ? c->site.nseverities : 1, sizeof(*f->severity));
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		counts_of_pm(&f->pm[i], pm, as_of_day);
		counts_merge(&f->total, &f->pm[i]);
		counts_merge(&f->severity[pm->severity], &f->pm[i]);
		for (size_t k = 0; k < pm->nactions; k++) {
			const struct action_item *a = &pm->actions[k];
			counts_add(&f->priority[a->priority], a, as_of_day);
			if (!a->due.set)
				f->due_none++;
			else if (a->due_by_policy)
				f->due_policy++;
			else
				f->due_written++;
		}
	}
	for (int k = 0; k < NTERM_KINDS; k++) {
		f->node[k] = xcalloc(g->nnodes[k] ? g->nnodes[k] : 1, sizeof(struct counts));
		for (size_t i = 0; i < g->nnodes[k]; i++) {
			const struct node *nd = &g->nodes[k][i];
			if (k == TERM_OWNER)
				counts_owned(&f->node[k][i], c, g, i, as_of_day);
			else
				counts_of_pms(&f->node[k][i], f, nd->pms, nd->npms);
		}
	}
	f->nterm = g->ntax;
	f->term = xcalloc(g->ntax ? g->ntax : 1, sizeof(*f->term));
	for (size_t t = 0; t < g->ntax; t++) {
		const struct tax_index *x = &g->tax[t];
		f->term[t] = xcalloc(x->nterms ? x->nterms : 1, sizeof(struct counts));
		for (size_t j = 0; j < x->nterms; j++)
			counts_of_pms(&f->term[t][j], f, x->terms[j].pms, x->terms[j].npms);
	}
	insights_compute(&f->in, c, g, as_of_day);
	followup_compute(&f->fu, c, as_of_day);
}

void figures_release(struct figures *f)
{
	free(f->pm);
	free(f->severity);
	for (int k = 0; k < NTERM_KINDS; k++)
		free(f->node[k]);
	for (size_t t = 0; t < f->nterm; t++)
		free(f->term[t]);
	free(f->term);
	insights_release(&f->in);
	followup_release(&f->fu);
	memset(f, 0, sizeof(*f));
}
