/* taxonomy: the site's own browsable dimensions (see taxonomy.h). */
#include "analyze/taxonomy.h"

#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

static int cmp_term(const void *va, const void *vb)
{
	const struct tax_term *a = va, *b = vb;
	return strcmp(a->slug, b->slug);
}

static void build_one(struct tax_index *x, const struct corpus *c, size_t t)
{
	struct strmap seen = STRMAP_INIT;
	size_t alloc = 0;
	size_t *allocs = NULL;
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		for (size_t k = 0; pm->taxa && k < pm->taxa[t].n; k++) {
			const struct term *tm = &pm->taxa[t].v[k];
			size_t j = strmap_get(&seen, tm->slug);
			if (j == SIZE_MAX) {
				if (x->nterms == alloc) {
					alloc = alloc ? 2 * alloc : 16;
					x->terms = xrealloc(x->terms, alloc * sizeof(*x->terms));
					allocs = xrealloc(allocs, alloc * sizeof(*allocs));
				}
				j = x->nterms++;
				x->terms[j] = (struct tax_term){xstrdup(tm->slug),
								xstrdup(tm->name), NULL, 0};
				allocs[j] = 0;
				strmap_put(&seen, tm->slug, j);
			}
			struct tax_term *term = &x->terms[j];
			if (term->npms && term->pms[term->npms - 1] == i)
				continue; /* the same term twice in one postmortem */
			ALLOC_GROW(term->pms, term->npms + 1, allocs[j]);
			term->pms[term->npms++] = i;
		}
	}
	free(allocs);
	strmap_release(&seen);
	if (x->nterms)
		qsort(x->terms, x->nterms, sizeof(*x->terms), cmp_term);
}

struct tax_index *taxonomy_build(const struct corpus *c, size_t *n)
{
	const struct import_cfg *ic = c->site.import;
	*n = 0;
	if (!ic || !ic->ntax || !c->allow.taxonomies)
		return NULL;
	struct tax_index *tax = xcalloc(ic->ntax, sizeof(*tax));
	for (size_t t = 0; t < ic->ntax; t++) {
		/* public.strip names it: no pages, chips or groups (publish/profile.h) */
		if (!c->allow.taxonomy[t])
			continue;
		struct tax_index *x = &tax[(*n)++];
		x->t = &ic->tax[t];
		x->field = t;
		build_one(x, c, t);
	}
	return tax;
}

void taxonomy_release(struct tax_index *tax, size_t n)
{
	for (size_t t = 0; t < n; t++) {
		for (size_t j = 0; j < tax[t].nterms; j++) {
			free(tax[t].terms[j].slug);
			free(tax[t].terms[j].name);
			free(tax[t].terms[j].pms);
		}
		free(tax[t].terms);
	}
	free(tax);
}

size_t taxonomy_term(const struct tax_index *x, const char *slug)
{
	size_t lo = 0, hi = x->nterms;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(x->terms[mid].slug, slug);
		if (!d)
			return mid;
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}
