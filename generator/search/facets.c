/* facets: the search page's filters as the index's "f" part (see facets.h). */
#include "search/facets.h"

#include "analyze/taxonomy.h"
#include "search/encode.h"

#include <stdlib.h>
#include <string.h>

struct facet {
	const char *name, *label;
	bool multi;
	struct buf list; /* its values: [value,label,count],... */
	size_t *vals;	 /* every doc's value indices, doc after doc */
	size_t *from;	 /* doc i's are vals[from[i] .. from[i + 1]) */
	size_t nvals, alloc;
};

struct facets {
	struct facet *v;
	size_t n, alloc;
	size_t ndocs;
};

static struct facet *facet_new(struct facets *fs, const char *name, const char *label, bool multi)
{
	ALLOC_GROW(fs->v, fs->n + 1, fs->alloc);
	struct facet *f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->label = label;
	f->multi = multi;
	f->list = (struct buf)BUF_INIT;
	f->from = xcalloc(fs->ndocs + 1, sizeof(size_t));
	return f;
}

static void facet_value(struct facet *f, const char *value, const char *label, size_t count)
{
	if (f->list.len)
		buf_addch(&f->list, ',');
	buf_addch(&f->list, '[');
	search_add_json(&f->list, value);
	buf_addch(&f->list, ',');
	search_add_json(&f->list, label);
	buf_addf(&f->list, ",%zu]", count);
}

/* Doc `doc`'s values (called for every doc in order). */
static void facet_doc(struct facet *f, size_t doc, const size_t *v, size_t n)
{
	if (n) { /* v may be NULL for none */
		ALLOC_GROW(f->vals, f->nvals + n, f->alloc);
		memcpy(f->vals + f->nvals, v, n * sizeof(*v));
		f->nvals += n;
	}
	f->from[doc + 1] = f->nvals;
}

static void add_nodes(struct facets *fs, const struct graph *g, enum term_kind k, const char *name,
		      const char *label)
{
	struct facet *f = facet_new(fs, name, label, true);
	for (size_t i = 0; i < g->nnodes[k]; i++)
		facet_value(f, g->nodes[k][i].slug, g->nodes[k][i].name, g->nodes[k][i].npms);
	for (size_t d = 0; d < fs->ndocs; d++) {
		const struct pm_links *l = &g->pm[d];
		const size_t *v = k == TERM_SERVICE  ? l->services
				  : k == TERM_FACTOR ? l->factors
						     : l->tags;
		size_t n = k == TERM_SERVICE  ? l->nservices
			   : k == TERM_FACTOR ? l->nfactors
					      : l->ntags;
		facet_doc(f, d, v, n);
	}
}

/* A single facet of `nvalues` names whose doc values value_of() gives. */
static void add_single(struct facets *fs, const struct corpus *c, const char *name,
		       const char *label, const char *const *values, size_t nvalues,
		       size_t (*value_of)(const struct postmortem *))
{
	struct facet *f = facet_new(fs, name, label, false);
	size_t *count = xcalloc(nvalues + 1, sizeof(size_t));
	for (size_t d = 0; d < fs->ndocs; d++) {
		size_t v = value_of(&c->pms[d]);
		count[v]++;
		facet_doc(f, d, &v, 1);
	}
	for (size_t i = 0; i < nvalues; i++)
		facet_value(f, values[i], values[i], count[i]);
	free(count);
}

static size_t severity_of(const struct postmortem *pm)
{
	return (size_t)pm->severity;
}

static size_t status_of(const struct postmortem *pm)
{
	return pm->status;
}

static size_t kind_of(const struct postmortem *pm)
{
	return pm->kind;
}

/* Years, newest first (docs are newest first, so they come in that order). */
static void add_years(struct facets *fs, const struct corpus *c)
{
	struct facet *f = facet_new(fs, "year", "Year", false);
	char(*years)[5] = xcalloc(fs->ndocs ? fs->ndocs : 1, sizeof(*years));
	size_t *count = xcalloc(fs->ndocs + 1, sizeof(size_t)), n = 0;
	for (size_t d = 0; d < fs->ndocs; d++) {
		char date[11];
		when_date(&c->pms[d].date, date);
		date[4] = '\0';
		size_t k = 0;
		while (k < n && strcmp(years[k], date))
			k++;
		if (k == n)
			memcpy(years[n++], date, 5);
		count[k]++;
		facet_doc(f, d, &k, 1);
	}
	for (size_t i = 0; i < n; i++)
		facet_value(f, years[i], years[i], count[i]);
	free(years);
	free(count);
}

/* The postmortems' owners (not the action items'): the owner nodes that own one. */
static void add_owners(struct facets *fs, const struct graph *g)
{
	struct facet *f = facet_new(fs, "owner", "Owner", true);
	size_t n = g->nnodes[TERM_OWNER], *count = xcalloc(n + 1, sizeof(size_t)),
	       *at = xcalloc(n + 1, sizeof(size_t));
	for (size_t d = 0; d < fs->ndocs; d++)
		if (g->pm[d].owner != SIZE_MAX)
			count[g->pm[d].owner]++;
	for (size_t i = 0, k = 0; i < n; i++) {
		if (!count[i])
			continue;
		at[i] = k++;
		facet_value(f, g->nodes[TERM_OWNER][i].slug, g->nodes[TERM_OWNER][i].name,
			    count[i]);
	}
	for (size_t d = 0; d < fs->ndocs; d++) {
		size_t o = g->pm[d].owner;
		facet_doc(f, d, o == SIZE_MAX ? NULL : &at[o], o != SIZE_MAX);
	}
	free(count);
	free(at);
}

/* A site.yaml taxonomy: its terms, and each doc's (from the terms' lists of docs). */
static void add_taxonomy(struct facets *fs, const struct tax_index *x)
{
	struct facet *f = facet_new(fs, x->t->name, x->t->singular, true);
	size_t *n = xcalloc(fs->ndocs + 1, sizeof(size_t)),
	       *from = xcalloc(fs->ndocs + 1, sizeof(size_t));
	for (size_t j = 0; j < x->nterms; j++) {
		facet_value(f, x->terms[j].slug, x->terms[j].name, x->terms[j].npms);
		for (size_t k = 0; k < x->terms[j].npms; k++)
			n[x->terms[j].pms[k]]++;
	}
	for (size_t d = 0; d < fs->ndocs; d++)
		from[d + 1] = from[d] + n[d];
	size_t *v = xcalloc(from[fs->ndocs] + 1, sizeof(size_t));
	memset(n, 0, (fs->ndocs + 1) * sizeof(size_t));
	for (size_t j = 0; j < x->nterms; j++) /* terms in order, so each doc's come ascending */
		for (size_t k = 0; k < x->terms[j].npms; k++) {
			size_t d = x->terms[j].pms[k];
			v[from[d] + n[d]++] = j;
		}
	for (size_t d = 0; d < fs->ndocs; d++)
		facet_doc(f, d, v + from[d], from[d + 1] - from[d]);
	free(n);
	free(from);
	free(v);
}

/* A taxonomy named like a facet or a parameter of the search page's URL (q, sort) or a key of the part has no filter. */
static bool name_taken(const struct facets *fs, const char *name)
{
	if (!strcmp(name, "q") || !strcmp(name, "sort") || !strcmp(name, "fs") ||
	    !strcmp(name, "a"))
		return true;
	for (size_t i = 0; i < fs->n; i++)
		if (!strcmp(fs->v[i].name, name))
			return true;
	return false;
}

static void write_part(struct buf *b, const struct facets *fs)
{
	buf_adds(b, "{\"fs\":[");
	for (size_t i = 0; i < fs->n; i++) {
		buf_adds(b, i ? ",[" : "[");
		search_add_json(b, fs->v[i].name);
		buf_addch(b, ',');
		search_add_json(b, fs->v[i].label);
		buf_addf(b, ",%d]", fs->v[i].multi);
	}
	buf_addch(b, ']');
	for (size_t i = 0; i < fs->n; i++) {
		buf_addch(b, ',');
		search_add_json(b, fs->v[i].name);
		buf_adds(b, ":[");
		buf_add(b, fs->v[i].list.ptr, fs->v[i].list.len);
		buf_addch(b, ']');
	}
	buf_adds(b, ",\"a\":\"");
	for (size_t d = 0; d < fs->ndocs; d++)
		for (size_t i = 0; i < fs->n; i++) {
			const struct facet *f = &fs->v[i];
			if (f->multi)
				search_add_varint(b, f->from[d + 1] - f->from[d]);
			for (size_t k = f->from[d]; k < f->from[d + 1]; k++)
				search_add_varint(b, f->vals[k]);
		}
	buf_adds(b, "\"}");
}

void search_facets_write(struct buf *b, const struct corpus *c, const struct graph *g, bool people)
{
	struct facets fs = {.ndocs = c->npms};
	const char *statuses[3], *kinds[3];
	for (int i = 0; i < 3; i++) {
		statuses[i] = status_name((enum pm_status)i);
		kinds[i] = kind_name((enum pm_kind)i);
	}
	add_nodes(&fs, g, TERM_SERVICE, "service", "Service");
	add_nodes(&fs, g, TERM_FACTOR, "factor", "Factor");
	add_nodes(&fs, g, TERM_TAG, "tag", "Tag");
	add_single(&fs, c, "severity", "Severity", (const char *const *)c->site.severities,
		   c->site.nseverities, severity_of);
	add_single(&fs, c, "status", "Status", statuses, 3, status_of);
	add_single(&fs, c, "kind", "Kind", kinds, 3, kind_of);
	add_years(&fs, c);
	if (people)
		add_owners(&fs, g);
	for (size_t t = 0; t < g->ntax; t++)
		if (!name_taken(&fs, g->tax[t].t->name))
			add_taxonomy(&fs, &g->tax[t]);
	write_part(b, &fs);
	for (size_t i = 0; i < fs.n; i++) {
		buf_release(&fs.v[i].list);
		free(fs.v[i].vals);
		free(fs.v[i].from);
	}
	free(fs.v);
}
