/* graph: nodes, related postmortems and recurrences (see graph.h). */
#include "analyze/graph.h"

#include "analyze/taxonomy.h"
#include "base/parallel.h"
#include "model/slug.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *term_kind_dir(enum term_kind k)
{
	static const char *const dirs[] = {"services", "factors", "tags", "owners"};
	return dirs[k];
}

/* ---- aliases and nodes ------------------------------------------------ */

static void build_aliases(struct graph *g)
{
	const struct site *s = &g->c->site;
	for (size_t i = 0; i < s->naliases; i++) {
		char *slug = slugify(s->aliases[i].canonical);
		strmap_put(&g->aliases, slug, i);
		free(slug);
		for (size_t j = 0; j < s->aliases[i].nnames; j++) {
			slug = slugify(s->aliases[i].names[j]);
			strmap_put(&g->aliases, slug, i);
			free(slug);
		}
	}
}

char *graph_canonical(const struct graph *g, const char *name)
{
	char *slug = slugify(name);
	size_t a = strmap_get(&g->aliases, slug);
	if (a == SIZE_MAX)
		return slug;
	free(slug);
	return slugify(g->c->site.aliases[a].canonical);
}

/* One spelling of a node (a name exactly as written), counted while collecting. */
struct spelling {
	size_t node;
	const char *name;
	size_t count;  /* times written */
	size_t oldest; /* the oldest postmortem that writes it (newest first: the largest index) */
};

/* A kind's spellings, found by name (most names are written the same way again and again). */
struct collect {
	struct strmap names; /* name -> spelling */
	struct spelling *v;
	size_t n, alloc;
	int (*cats)[5]; /* per node: how often each factor category was given */
	size_t cats_alloc;
};

/* The node for `name` in kind k, created on first sight; the spelling counted. */
static size_t node_of(struct graph *g, struct collect *col, enum term_kind k, const char *name,
		      int category, size_t pm)
{
	struct collect *cl = &col[k];
	uint64_t hash = hash_fnv1a(name, strlen(name));
	size_t s = strmap_get_hashed(&cl->names, name, hash);
	if (s == SIZE_MAX) {
		char *slug = graph_canonical(g, name);
		size_t i = strmap_get(&g->index[k], slug);
		if (i == SIZE_MAX) {
			size_t n = g->nnodes[k];
			g->nodes[k] = xrealloc(g->nodes[k], (n + 1) * sizeof(struct node));
			memset(&g->nodes[k][n], 0, sizeof(struct node));
			g->nodes[k][n].slug = slug;
			strmap_put(&g->index[k], slug, n);
			g->nnodes[k] = n + 1;
			i = n;
			size_t had = cl->cats_alloc;
			ALLOC_GROW(cl->cats, n + 1, cl->cats_alloc);
			memset(cl->cats + had, 0, (cl->cats_alloc - had) * sizeof(*cl->cats));
		} else {
			free(slug);
		}
		ALLOC_GROW(cl->v, cl->n + 1, cl->alloc);
		cl->v[cl->n] = (struct spelling){i, name, 0, 0};
		strmap_put_hashed(&cl->names, name, hash, s = cl->n++);
	}
	struct spelling *sp = &cl->v[s];
	sp->count++;
	if (pm > sp->oldest)
		sp->oldest = pm;
	cl->cats[sp->node][category]++;
	return sp->node;
}

/* Append node i to list (v, n) unless it is already there. */
static void add_unique(size_t **v, size_t *n, size_t i)
{
	for (size_t k = 0; k < *n; k++)
		if ((*v)[k] == i)
			return;
	*v = xrealloc(*v, (*n + 1) * sizeof(size_t));
	(*v)[(*n)++] = i;
}

static void node_add_pm(struct node *nd, size_t pm)
{
	if (nd->npms && nd->pms[nd->npms - 1] == pm)
		return;
	nd->pms = xrealloc(nd->pms, (nd->npms + 1) * sizeof(size_t));
	nd->pms[nd->npms++] = pm;
}

/* Postmortem i's terms of kind k (services or tags) into its list (v, n), and it into their nodes. */
static void collect_terms(struct graph *g, struct collect *col, enum term_kind k, size_t i,
			  const struct term *t, size_t nt, size_t **v, size_t *n)
{
	for (size_t j = 0; j < nt; j++)
		add_unique(v, n, node_of(g, col, k, t[j].name, 0, i));
	for (size_t j = 0; j < *n; j++)
		node_add_pm(&g->nodes[k][(*v)[j]], i);
}

/* Postmortem i's services, factors, tags or owners (kind k): each kind has fields of its own. */
static void collect_pm(struct graph *g, struct collect *col, enum term_kind k, size_t i)
{
	const struct postmortem *pm = &g->c->pms[i];
	struct pm_links *l = &g->pm[i];
	switch (k) {
	case TERM_SERVICE:
		collect_terms(g, col, k, i, pm->services, pm->nservices, &l->services,
			      &l->nservices);
		break;
	case TERM_TAG: collect_terms(g, col, k, i, pm->tags, pm->ntags, &l->tags, &l->ntags); break;
	case TERM_FACTOR: /* the same with each factor's category */
		for (size_t j = 0; j < pm->nfactors; j++)
			add_unique(&l->factors, &l->nfactors,
				   node_of(g, col, k, pm->factors[j].name,
					   (int)pm->factors[j].category, i));
		for (size_t j = 0; j < l->nfactors; j++)
			node_add_pm(&g->nodes[k][l->factors[j]], i);
		break;
	case TERM_OWNER: {
		bool owners = g->c->allow.owners;
		l->owner = SIZE_MAX;
		if (owners && pm->owner && *pm->owner) {
			l->owner = node_of(g, col, k, pm->owner, 0, i);
			node_add_pm(&g->nodes[k][l->owner], i);
		}
		l->ai_owner = xmalloc((pm->nactions ? pm->nactions : 1) * sizeof(size_t));
		for (size_t j = 0; j < pm->nactions; j++) {
			l->ai_owner[j] = SIZE_MAX;
			if (!owners || !pm->actions[j].owner || !*pm->actions[j].owner)
				continue;
			/* may move nodes */
			size_t o = node_of(g, col, k, pm->actions[j].owner, 0, i);
			node_add_pm(&g->nodes[k][o], i);
			l->ai_owner[j] = o;
		}
		break;
	}
	default: BUG("no such term kind %d", (int)k);
	}
}

/* Whether spelling a names its node better than b: written more often, then by an older postmortem, then
 * the first in byte order. */
static bool better_spelling(const struct spelling *a, const struct spelling *b)
{
	if (a->count != b->count)
		return a->count > b->count;
	if (a->oldest != b->oldest)
		return a->oldest > b->oldest;
	return strcmp(a->name, b->name) < 0;
}

/*
 * Display names: the canonical alias, else the most common spelling; on a
 * tie, the spelling of the oldest postmortem that uses it (first naming wins).
 * A factor's category is the one given most often.
 */
static void name_nodes(struct graph *g, enum term_kind k, struct collect *col)
{
	size_t n = g->nnodes[k];
	size_t *best = xmalloc((n ? n : 1) * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		best[i] = SIZE_MAX;
	for (size_t s = 0; s < col->n; s++) {
		size_t *b = &best[col->v[s].node];
		if (*b == SIZE_MAX || better_spelling(&col->v[s], &col->v[*b]))
			*b = s;
	}
	for (size_t i = 0; i < n; i++) {
		struct node *nd = &g->nodes[k][i];
		size_t a = strmap_get(&g->aliases, nd->slug);
		nd->name = xstrdup(a != SIZE_MAX ? g->c->site.aliases[a].canonical
						 : col->v[best[i]].name);
		const int *cats = col->cats[i];
		int cat = 0;
		for (int c = 1; c < 5; c++)
			if (cats[c] > cats[cat] || (cat == 0 && cats[c]))
				cat = c;
		nd->category = (enum factor_category)cat;
	}
	free(best);
}

/* Sort nodes by slug and renumber every reference to them. */
static void sort_nodes(struct graph *g, enum term_kind k)
{
	size_t n = g->nnodes[k];
	struct node *old = g->nodes[k];
	size_t *order = xmalloc((n ? n : 1) * sizeof(size_t));
	char **slugs = xmalloc((n ? n : 1) * sizeof(char *));
	for (size_t i = 0; i < n; i++)
		slugs[i] = old[i].slug;
	sort_array(slugs, n, sizeof(char *), cmp_strptr);
	struct node *nodes = xmalloc((n ? n : 1) * sizeof(struct node));
	strmap_release(&g->index[k]);
	for (size_t i = 0; i < n; i++)
		strmap_put(&g->index[k], slugs[i], i);
	for (size_t i = 0; i < n; i++) {
		order[i] = strmap_get(&g->index[k], old[i].slug);
		nodes[order[i]] = old[i];
	}
	for (size_t p = 0; p < g->npm; p++) {
		/* only kind k's fields: the other kinds are sorted meanwhile */
		struct pm_links *l = &g->pm[p];
		if (k == TERM_OWNER) {
			if (l->owner != SIZE_MAX)
				l->owner = order[l->owner];
			for (size_t j = 0; j < g->c->pms[p].nactions; j++)
				if (l->ai_owner[j] != SIZE_MAX)
					l->ai_owner[j] = order[l->ai_owner[j]];
			continue;
		}
		size_t *v = k == TERM_SERVICE  ? l->services
			    : k == TERM_FACTOR ? l->factors
					       : l->tags;
		size_t m = k == TERM_SERVICE  ? l->nservices
			   : k == TERM_FACTOR ? l->nfactors
					      : l->ntags;
		for (size_t j = 0; j < m; j++)
			v[j] = order[v[j]];
	}
	free(old);
	free(order);
	free(slugs);
	g->nodes[k] = nodes;
}

static int check_registry(struct graph *g)
{
	const struct site *s = &g->c->site;
	int ret = 0;
	if (!s->has_registry)
		return 0;
	struct strmap known = STRMAP_INIT;
	for (size_t i = 0; i < s->nservices; i++) {
		char *slug = graph_canonical(g, s->services[i].name);
		strmap_put(&known, slug, i);
		free(slug);
	}
	for (size_t i = 0; i < g->nnodes[TERM_SERVICE]; i++) {
		size_t r = strmap_get(&known, g->nodes[TERM_SERVICE][i].slug);
		if (r != SIZE_MAX)
			g->nodes[TERM_SERVICE][i].info = &s->services[r];
	}
	for (size_t p = 0; p < g->npm; p++) {
		const struct postmortem *pm = &g->c->pms[p];
		for (size_t k = 0; k < pm->nservices; k++) {
			char *slug = graph_canonical(g, pm->services[k].name);
			if (strmap_get(&known, slug) == SIZE_MAX)
				ret = error(
					&pm->services[k].loc,
					"unknown service \"%s\" (not in site.yaml's services registry; add it there or use a registered name)",
					pm->services[k].name);
			free(slug);
		}
	}
	strmap_release(&known);
	return ret;
}

/* ---- explicit links and backlinks -------------------------------------- */

static void add_relation(struct pm_links *l, size_t pm, enum rel_why why)
{
	for (size_t k = 0; k < l->nrelated; k++)
		if (l->related[k].pm == pm)
			return;
	l->related = xrealloc(l->related, (l->nrelated + 1) * sizeof(struct relation));
	l->related[l->nrelated++] = (struct relation){pm, why};
}

/* Link i to the postmortem `id`; unknown ids are errors, unselected ones skipped. */
static int link_ref(struct graph *g, size_t i, const char *id, const struct loc *loc,
		    const char *how)
{
	const struct corpus *c = g->c;
	size_t target = corpus_find(c, id);
	if (target == SIZE_MAX) {
		if (strmap_get(&c->all_ids, id) != SIZE_MAX)
			return 0; /* exists, but not in this profile's build */
		return error(loc, "unknown postmortem \"%s\" in %s (no postmortem has this id)", id,
			     how);
	}
	if (target != i)
		add_relation(&g->pm[i], target, REL_EXPLICIT);
	return 0;
}

static int link_explicit(struct graph *g)
{
	int ret = 0;
	for (size_t i = 0; i < g->npm; i++) {
		const struct postmortem *pm = &g->c->pms[i];
		for (size_t k = 0; k < pm->nrelated; k++)
			if (link_ref(g, i, pm->related[k].name, &pm->related[k].loc, "related") < 0)
				ret = -1;
		for (size_t k = 0; k < pm->nwikilinks; k++)
			if (link_ref(g, i, pm->wikilinks[k].id, &pm->wikilinks[k].loc,
				     "a [[link]]") < 0)
				ret = -1;
	}
	/* Backlinks: every explicit A -> B gives B "referenced by A". */
	for (size_t i = 0; i < g->npm; i++) {
		struct pm_links *l = &g->pm[i];
		size_t n = l->nrelated;
		for (size_t k = 0; k < n; k++)
			if (l->related[k].why == REL_EXPLICIT)
				add_relation(&g->pm[l->related[k].pm], i, REL_BACKLINK);
	}
	return ret;
}

/* ---- similar postmortems ----------------------------------------------- */

/* Postings visited per postmortem at most: keeps the whole near-linear. */
#define SIMILAR_BUDGET 4000

struct similar {
	struct graph *g;
	double *idf[2]; /* per service / factor node */
	double **score; /* per worker, per postmortem */
	size_t **touched;
	struct relation **found; /* per postmortem: the similar ones */
	size_t *nfound;
};

struct term_ref {
	const struct node *node;
	double idf;
};

static int cmp_term_ref(const void *va, const void *vb)
{
	const struct term_ref *a = va, *b = vb;
	if (a->idf != b->idf)
		return a->idf > b->idf ? -1 : 1;
	return strcmp(a->node->slug, b->node->slug);
}

/* Position of pm in a newest-first posting list (binary search). */
static size_t posting_pos(const size_t *v, size_t n, size_t pm)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < pm)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Add t's idf to the score of the postmortems near self in t's posting list:
 * outwards from self, the nearest in time first, one on each side in turn
 * (the newer side first) until the budget is spent.  The postings that walk
 * reaches are a range on each side, so they are scored as two plain loops;
 * the order a postmortem is met in does not matter (similar_one picks by
 * score, then id), only the order of the terms (the sums' order).
 */
static void score_term(struct similar *s, int worker, size_t self, const struct term_ref *t,
		       size_t *budget, size_t *ntouched)
{
	const size_t *v = t->node->pms;
	size_t n = t->node->npms, at = posting_pos(v, n, self);
	size_t has = at < n && v[at] == self;	/* it always is: the term is self's */
	size_t left = at, right = n - at - has; /* newer and older candidates */
	size_t b = *budget, nl, nr;
	if (b >= left + right) {
		nl = left, nr = right;
	} else {
		size_t both = left < right ? left : right;
		if (b <= 2 * both) {
			nl = (b + 1) / 2, nr = b / 2; /* the newer side goes first */
		} else if (left < right) {
			nl = left, nr = b - left;
		} else {
			nl = b - right, nr = right;
		}
	}
	double *score = s->score[worker], idf = t->idf;
	size_t *touched = s->touched[worker], nt = *ntouched;
	for (size_t j = at - nl; j < at; j++) {
		size_t p = v[j];
		if (score[p] == 0)
			touched[nt++] = p;
		score[p] += idf;
	}
	for (size_t j = at + has; j < at + has + nr; j++) {
		size_t p = v[j];
		if (score[p] == 0)
			touched[nt++] = p;
		score[p] += idf;
	}
	*ntouched = nt;
	*budget = b - nl - nr;
}

static bool already_related(const struct pm_links *l, size_t pm)
{
	for (size_t k = 0; k < l->nrelated; k++)
		if (l->related[k].pm == pm)
			return true;
	return false;
}

/* Incidents first, then near-misses, then drills: a drill shares services with everything. */
static int kind_tier(const struct graph *g, size_t p)
{
	enum pm_kind k = g->c->pms[p].kind;
	return k == KIND_INCIDENT ? 0 : k == KIND_NEAR_MISS ? 1 : 2;
}

/* Whether candidate p (score sp) ranks above q (score sq): by kind, then score, then the newer. */
static bool ranks_above(const struct graph *g, size_t p, double sp, size_t q, double sq)
{
	int tp = kind_tier(g, p), tq = kind_tier(g, q);
	if (tp != tq)
		return tp < tq;
	if (sp != sq)
		return sp > sq;
	return p < q;
}

static void similar_one(void *ctx, size_t i, int worker)
{
	struct similar *s = ctx;
	struct graph *g = s->g;
	const struct pm_links *l = &g->pm[i];
	size_t nt = l->nservices + l->nfactors, ntouched = 0, budget = SIMILAR_BUDGET;
	struct term_ref *terms = xmalloc((nt ? nt : 1) * sizeof(*terms));
	for (size_t k = 0; k < l->nservices; k++)
		terms[k] = (struct term_ref){&g->nodes[TERM_SERVICE][l->services[k]],
					     s->idf[0][l->services[k]]};
	for (size_t k = 0; k < l->nfactors; k++)
		terms[l->nservices + k] = (struct term_ref){&g->nodes[TERM_FACTOR][l->factors[k]],
							    s->idf[1][l->factors[k]]};
	sort_array(terms, nt, sizeof(*terms), cmp_term_ref);
	for (size_t k = 0; k < nt; k++)
		score_term(s, worker, i, &terms[k], &budget, &ntouched);
	free(terms);

	struct relation best[GRAPH_SIMILAR];
	double best_score[GRAPH_SIMILAR];
	size_t nbest = 0;
	double *score = s->score[worker];
	for (size_t k = 0; k < ntouched; k++) {
		size_t p = s->touched[worker][k];
		double sc = score[p];
		score[p] = 0;
		/* Most candidates lose to the last of a full list: skip them before the related check. */
		if (nbest == GRAPH_SIMILAR &&
		    !ranks_above(g, p, sc, best[nbest - 1].pm, best_score[nbest - 1]))
			continue;
		if (already_related(l, p))
			continue;
		/* Insert keeping best first (ranks_above). */
		size_t at = nbest;
		while (at > 0 && ranks_above(g, p, sc, best[at - 1].pm, best_score[at - 1]))
			at--;
		if (at >= GRAPH_SIMILAR)
			continue;
		if (nbest < GRAPH_SIMILAR)
			nbest++;
		memmove(&best[at + 1], &best[at], (nbest - 1 - at) * sizeof(*best));
		memmove(&best_score[at + 1], &best_score[at],
			(nbest - 1 - at) * sizeof(*best_score));
		best[at] = (struct relation){p, REL_SIMILAR};
		best_score[at] = sc;
	}
	s->found[i] = xmalloc((nbest ? nbest : 1) * sizeof(struct relation));
	memcpy(s->found[i], best, nbest * sizeof(struct relation));
	s->nfound[i] = nbest;
}

static void link_similar(struct graph *g, int jobs)
{
	struct similar s = {.g = g};
	enum term_kind kinds[2] = {TERM_SERVICE, TERM_FACTOR};
	for (int k = 0; k < 2; k++) {
		size_t n = g->nnodes[kinds[k]];
		s.idf[k] = xmalloc((n ? n : 1) * sizeof(double));
		for (size_t i = 0; i < n; i++)
			s.idf[k][i] =
				log(1.0 + (double)g->npm / (double)g->nodes[kinds[k]][i].npms);
	}
	if (jobs < 1)
		jobs = 1;
	s.score = xmalloc((size_t)jobs * sizeof(double *));
	s.touched = xmalloc((size_t)jobs * sizeof(size_t *));
	for (int w = 0; w < jobs; w++) {
		s.score[w] = xcalloc(g->npm ? g->npm : 1, sizeof(double));
		s.touched[w] = xmalloc((SIMILAR_BUDGET + 1) * sizeof(size_t));
	}
	s.found = xcalloc(g->npm ? g->npm : 1, sizeof(*s.found));
	s.nfound = xcalloc(g->npm ? g->npm : 1, sizeof(size_t));
	parallel_for(g->npm, jobs, similar_one, &s);
	for (size_t i = 0; i < g->npm; i++) {
		for (size_t k = 0; k < s.nfound[i]; k++)
			add_relation(&g->pm[i], s.found[i][k].pm, REL_SIMILAR);
		free(s.found[i]);
	}
	for (int w = 0; w < jobs; w++) {
		free(s.score[w]);
		free(s.touched[w]);
	}
	free(s.score);
	free(s.touched);
	free(s.found);
	free(s.nfound);
	free(s.idf[0]);
	free(s.idf[1]);
}

/* ---- recurred after a fix ---------------------------------------------- */

struct fix {
	int64_t day; /* when the earlier postmortem's item was closed as done */
	size_t pm;
};

static int cmp_fix(const void *va, const void *vb)
{
	const struct fix *a = va, *b = vb;
	if (a->day != b->day)
		return a->day < b->day ? -1 : 1;
	return a->pm < b->pm ? 1 : a->pm > b->pm ? -1 : 0;
}

static void add_recurrence(struct graph *g, size_t f, size_t pm, const struct fix *fx)
{
	struct pm_links *l = &g->pm[pm];
	struct node *nd = &g->nodes[TERM_FACTOR][f];
	l->recurred = xrealloc(l->recurred, (l->nrecurred + 1) * sizeof(struct recurrence));
	l->recurred[l->nrecurred++] = (struct recurrence){f, fx->pm, fx->day};
	nd->recurrences = xrealloc(nd->recurrences, (nd->nrecurrences + 1) * sizeof(size_t));
	nd->recurrences[nd->nrecurrences++] = pm;
}

static void find_recurrences(struct graph *g)
{
	const struct postmortem *pms = g->c->pms;
	for (size_t f = 0; f < g->nnodes[TERM_FACTOR]; f++) {
		struct node *nd = &g->nodes[TERM_FACTOR][f];
		struct fix *fixes = NULL;
		size_t nfix = 0, alloc = 0;
		for (size_t k = 0; k < nd->npms; k++) {
			const struct postmortem *pm = &pms[nd->pms[k]];
			for (size_t a = 0; a < pm->nactions; a++) {
				if (pm->actions[a].status != AI_DONE || !pm->actions[a].closed.set)
					continue;
				ALLOC_GROW(fixes, nfix + 1, alloc);
				fixes[nfix++] =
					(struct fix){when_day(&pm->actions[a].closed), nd->pms[k]};
			}
		}
		sort_array(fixes, nfix, sizeof(*fixes), cmp_fix);
		/* Oldest incident first; the latest fix closed before it counts. */
		size_t next = 0;
		struct fix *last = NULL;
		for (size_t k = nd->npms; k-- > 0;) {
			size_t p = nd->pms[k];
			int64_t day = when_day(&pms[p].date);
			while (next < nfix && fixes[next].day < day) {
				if (when_day(&pms[fixes[next].pm].date) < day &&
				    fixes[next].pm != p)
					last = &fixes[next];
				next++;
			}
			if (last)
				add_recurrence(g, f, p, last);
		}
		/* Recurrences were found oldest first; pages list newest first. */
		for (size_t a = 0, b = nd->nrecurrences; b > a + 1; a++, b--) {
			size_t t = nd->recurrences[a];
			nd->recurrences[a] = nd->recurrences[b - 1];
			nd->recurrences[b - 1] = t;
		}
		free(fixes);
	}
}

/* ---- driver ------------------------------------------------------------- */

/* The nodes of one kind, from every postmortem, named and sorted: the kinds share nothing, so they are made in parallel. */
struct collect_ctx {
	struct graph *g;
	struct collect *col;
};

static void collect_kind(void *vctx, size_t k, int worker)
{
	(void)worker;
	struct collect_ctx *cc = vctx;
	for (size_t i = 0; i < cc->g->npm; i++)
		collect_pm(cc->g, cc->col, (enum term_kind)k, i);
	name_nodes(cc->g, (enum term_kind)k, &cc->col[k]);
	strmap_release(&cc->col[k].names);
	free(cc->col[k].v);
	free(cc->col[k].cats);
	sort_nodes(cc->g, (enum term_kind)k);
}

int graph_link(struct graph *g, const struct corpus *c, int jobs)
{
	struct collect col[NTERM_KINDS];
	int ret = 0;
	memset(g, 0, sizeof(*g));
	memset(col, 0, sizeof(col));
	g->c = c;
	g->npm = c->npms;
	g->pm = xcalloc(c->npms ? c->npms : 1, sizeof(*g->pm));
	build_aliases(g);
	struct collect_ctx cc = {g, col};
	parallel_for(NTERM_KINDS, jobs, collect_kind, &cc);
	for (size_t f = 0; f < g->nnodes[TERM_FACTOR]; f++)
		g->nodes[TERM_FACTOR][f].recurring =
			g->nodes[TERM_FACTOR][f].npms >= (size_t)c->site.recurring_threshold;
	for (size_t i = 0; i < c->npms; i++) {
		g->pm[i].newer = i > 0 ? i - 1 : SIZE_MAX;
		g->pm[i].older = i + 1 < c->npms ? i + 1 : SIZE_MAX;
	}
	if (check_registry(g) < 0)
		ret = -1;
	if (link_explicit(g) < 0)
		ret = -1;
	link_similar(g, jobs);
	find_recurrences(g);
	g->tax = taxonomy_build(c, &g->ntax);
	return ret;
}

size_t graph_find(const struct graph *g, enum term_kind k, const char *slug)
{
	return strmap_get(&g->index[k], slug);
}

void graph_release(struct graph *g)
{
	for (int k = 0; k < NTERM_KINDS; k++) {
		for (size_t i = 0; i < g->nnodes[k]; i++) {
			free(g->nodes[k][i].slug);
			free(g->nodes[k][i].name);
			free(g->nodes[k][i].pms);
			free(g->nodes[k][i].recurrences);
		}
		free(g->nodes[k]);
		strmap_release(&g->index[k]);
	}
	for (size_t i = 0; i < g->npm; i++) {
		free(g->pm[i].services);
		free(g->pm[i].factors);
		free(g->pm[i].tags);
		free(g->pm[i].ai_owner);
		free(g->pm[i].related);
		free(g->pm[i].recurred);
	}
	free(g->pm);
	taxonomy_release(g->tax, g->ntax);
	strmap_release(&g->aliases);
	memset(g, 0, sizeof(*g));
}
