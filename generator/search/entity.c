/* entity: the named things a query can name exactly (see entity.h). */
#include "search/entity.h"

#include "analyze/taxonomy.h"
#include "model/slug.h"
#include "search/encode.h"

#include <stdlib.h>
#include <string.h>

/* Kinds 0-3 are the graph's term kinds; a taxonomy's is KIND_TAX + its index. */
#define KIND_TAX NTERM_KINDS

struct collect {
	struct search_entities *es;
	size_t alloc;
	size_t ndocs;
};

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static void add(struct collect *cl, const char *key, unsigned kind, const char *name,
		const char *slug, const size_t *docs, size_t n)
{
	if (!*key)
		return;
	struct buf b = BUF_INIT;
	buf_addch(&b, '[');
	search_add_json(&b, key);
	buf_addf(&b, ",%u,", kind);
	search_add_json(&b, name);
	buf_adds(&b, ",\"");
	if (docs) {
		uint32_t *v = xmalloc((n ? n : 1) * sizeof(*v));
		size_t m = 0;
		for (size_t i = 0; i < n; i++)
			v[i] = (uint32_t)docs[i];
		sort_array(v, n, sizeof(*v), cmp_u32);
		for (size_t i = 0; i < n; i++) /* each once, ascending, as the browser reads them */
			if (!m || v[i] != v[m - 1])
				v[m++] = v[i];
		search_add_docs(&b, v, m, cl->ndocs);
		free(v);
	}
	buf_addch(&b, '"');
	if (strcmp(key, slug)) {
		buf_addch(&b, ',');
		search_add_json(&b, slug);
	}
	buf_addch(&b, ']');
	ALLOC_GROW(cl->es->v, cl->es->n + 1, cl->alloc);
	cl->es->v[cl->es->n].key = xstrdup(key);
	cl->es->v[cl->es->n].json = buf_detach(&b, NULL);
	cl->es->v[cl->es->n++].shard = 0;
}

static void add_node(struct collect *cl, const char *key, enum term_kind k, const struct node *nd)
{
	add(cl, key, (unsigned)k, nd->name, nd->slug, k == TERM_OWNER ? NULL : nd->pms, nd->npms);
}

/* Every alias of a service, factor or tag, under its own slug. */
static void add_aliases(struct collect *cl, const struct corpus *c, const struct graph *g)
{
	for (size_t i = 0; i < c->site.naliases; i++) {
		const struct alias *a = &c->site.aliases[i];
		char *canonical = slugify(a->canonical);
		for (size_t j = 0; j < a->nnames; j++) {
			char *key = slugify(a->names[j]);
			for (int k = TERM_SERVICE; k <= TERM_TAG; k++) {
				size_t n = graph_find(g, (enum term_kind)k, canonical);
				if (n != SIZE_MAX && strcmp(key, canonical))
					add_node(cl, key, (enum term_kind)k, &g->nodes[k][n]);
			}
			free(key);
		}
		free(canonical);
	}
}

/* By key, then by the rest of what is written (kind first). */
static int cmp_entity(const void *pa, const void *pb)
{
	const struct search_entity *a = pa, *b = pb;
	int c = strcmp(a->key, b->key);
	return c ? c : strcmp(a->json, b->json);
}

/* Sort by key, then drop repeats (two aliases with one slug). */
static void sort_unique(struct search_entities *es)
{
	sort_array(es->v, es->n, sizeof(*es->v), cmp_entity);
	size_t out = 0;
	for (size_t i = 0; i < es->n; i++) {
		if (out && !strcmp(es->v[out - 1].json, es->v[i].json)) {
			free(es->v[i].key);
			free(es->v[i].json);
			continue;
		}
		es->v[out++] = es->v[i];
	}
	es->n = out;
}

void search_entities_collect(struct search_entities *es, const struct corpus *c,
			     const struct graph *g, bool internal)
{
	struct collect cl = {.es = es, .ndocs = c->npms};
	memset(es, 0, sizeof(*es));
	for (int k = 0; k < NTERM_KINDS; k++) {
		if (k == TERM_OWNER && !internal)
			continue;
		for (size_t i = 0; i < g->nnodes[k]; i++)
			add_node(&cl, g->nodes[k][i].slug, (enum term_kind)k, &g->nodes[k][i]);
	}
	if (internal) /* a public build's pages never show site.yaml's other spellings */
		add_aliases(&cl, c, g);
	for (size_t t = 0; t < g->ntax; t++)
		for (size_t j = 0; j < g->tax[t].nterms; j++) {
			const struct tax_term *tm = &g->tax[t].terms[j];
			add(&cl, tm->slug, (unsigned)(KIND_TAX + t), tm->name, tm->slug, tm->pms,
			    tm->npms);
		}
	sort_unique(es);
}

void search_entities_release(struct search_entities *es)
{
	for (size_t i = 0; i < es->n; i++) {
		free(es->v[i].key);
		free(es->v[i].json);
	}
	free(es->v);
	memset(es, 0, sizeof(*es));
}

void search_kinds_write(struct buf *b, const struct graph *g)
{
	static const char *const labels[] = {"Service", "Factor", "Tag", "Owner"};
	buf_addch(b, '[');
	for (int k = 0; k < NTERM_KINDS; k++) {
		buf_adds(b, k ? ",[" : "[");
		search_add_json(b, labels[k]);
		buf_addch(b, ',');
		search_add_json(b, term_kind_dir((enum term_kind)k));
		buf_addch(b, ']');
	}
	for (size_t t = 0; t < g->ntax; t++) {
		buf_adds(b, ",[");
		search_add_json(b, g->tax[t].t->singular);
		buf_addch(b, ',');
		search_add_json(b, g->tax[t].t->name);
		buf_addch(b, ']');
	}
	buf_addch(b, ']');
}
