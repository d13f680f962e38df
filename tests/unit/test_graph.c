/* Unit tests for graph.c: names, aliases, recurrence, related and similar. */
#include "analyze/graph.h"
#include "harness.h"
#include "model/slug.h"

#include <stdlib.h>

static void term(struct term **v, size_t *n, const char *name)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[*n] = (struct term){xstrdup(name), slugify(name), {"x.md", 1, 1}};
	(*n)++;
}

static void factor(struct postmortem *pm, const char *name, enum factor_category cat)
{
	pm->factors = xrealloc(pm->factors, (pm->nfactors + 1) * sizeof(*pm->factors));
	pm->factors[pm->nfactors++] =
		(struct factor){xstrdup(name), slugify(name), cat, {"x.md", 1, 1}};
}

static void done_item(struct postmortem *pm, const char *closed)
{
	pm->actions = xrealloc(pm->actions, (pm->nactions + 1) * sizeof(*pm->actions));
	struct action_item a = {.title = xstrdup("fix"), .status = AI_DONE};
	when_parse(&a.closed, closed);
	pm->actions[pm->nactions++] = a;
}

/* A corpus of n postmortems, newest first, with ids P<n-i> and dates a month apart. */
static void corpus_new(struct corpus *c, size_t n)
{
	memset(c, 0, sizeof(*c));
	site_init(&c->site);
	c->dir = xstrdup("t");
	c->pms = xcalloc(n, sizeof(*c->pms));
	c->npms = n;
	for (size_t i = 0; i < n; i++) {
		struct postmortem *pm = &c->pms[i];
		pm->id = xstrfmt("P%zu", n - i);
		pm->slug = slugify(pm->id);
		pm->title = xstrfmt("Incident %zu", n - i);
		pm->path = xstrdup("x.md");
		char *d = xstrfmt("2024-%02zu-01", n - i);
		when_parse(&pm->date, d);
		free(d);
		strmap_put(&c->by_id, pm->id, i);
		strmap_put(&c->all_ids, pm->id, i);
	}
}

static const struct node *node(const struct graph *g, enum term_kind k, const char *slug)
{
	size_t i = graph_find(g, k, slug);
	return i == SIZE_MAX ? NULL : &g->nodes[k][i];
}

static void test_slugs_aliases_and_names(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 3);
	c.site.aliases = xcalloc(1, sizeof(*c.site.aliases));
	c.site.aliases[0].canonical = xstrdup("payments-db");
	c.site.aliases[0].names = xcalloc(1, sizeof(char *));
	c.site.aliases[0].names[0] = xstrdup("Payments Database");
	c.site.aliases[0].nnames = 1;
	c.site.naliases = 1;
	term(&c.pms[0].services, &c.pms[0].nservices, "payments database");
	term(&c.pms[1].services, &c.pms[1].nservices, "PAYMENTS-DB");
	term(&c.pms[0].services, &c.pms[0].nservices, "Checkout API");
	term(&c.pms[1].services, &c.pms[1].nservices, "checkout-api");
	term(&c.pms[2].services, &c.pms[2].nservices, "checkout-api");
	CHECK(graph_link(&g, &c, 1) == 0);
	CHECK_INT(g.nnodes[TERM_SERVICE], 2);
	const struct node *db = node(&g, TERM_SERVICE, "payments-db");
	CHECK(db && !strcmp(db->name, "payments-db")); /* the canonical alias */
	CHECK_INT(db ? db->npms : 0, 2);
	const struct node *api = node(&g, TERM_SERVICE, "checkout-api");
	CHECK(api && !strcmp(api->name, "checkout-api")); /* the most common spelling */
	CHECK_INT(api ? api->npms : 0, 3);
	graph_release(&g);
	corpus_release(&c);
}

static void test_tie_goes_to_first_naming(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 2);
	factor(&c.pms[0], "Connection-Pool  Exhaustion", CAT_NONE);	/* newer */
	factor(&c.pms[1], "connection pool exhaustion", CAT_TECHNICAL); /* older */
	graph_link(&g, &c, 1);
	const struct node *f = node(&g, TERM_FACTOR, "connection-pool-exhaustion");
	CHECK(f && !strcmp(f->name, "connection pool exhaustion"));
	CHECK(f && f->category == CAT_TECHNICAL);
	CHECK(f && f->recurring);
	graph_release(&g);
	corpus_release(&c);
}

static void test_recurred_after_fix(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 3); /* P3 (March), P2 (February), P1 (January) */
	factor(&c.pms[2], "retry storm", CAT_NONE);
	done_item(&c.pms[2], "2024-01-20");	    /* P1 fixed it in January */
	factor(&c.pms[0], "retry storm", CAT_NONE); /* P3 in March: recurred */
	factor(&c.pms[1], "disk full", CAT_NONE);
	done_item(&c.pms[1], "2024-04-01"); /* closed after P3: not a fix for it */
	factor(&c.pms[0], "disk full", CAT_NONE);
	graph_link(&g, &c, 1);
	CHECK_INT(g.pm[0].nrecurred, 1);
	if (g.pm[0].nrecurred) {
		CHECK_STR(g.nodes[TERM_FACTOR][g.pm[0].recurred[0].factor].slug, "retry-storm");
		CHECK_STR(c.pms[g.pm[0].recurred[0].earlier].id, "P1");
	}
	CHECK_INT(g.pm[2].nrecurred, 0);
	const struct node *f = node(&g, TERM_FACTOR, "retry-storm");
	CHECK_INT(f ? f->nrecurrences : 0, 1);
	graph_release(&g);
	corpus_release(&c);
}

static void test_related_backlinks_and_dangling(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 3);
	term(&c.pms[0].related, &c.pms[0].nrelated, "P1");
	term(&c.pms[0].related, &c.pms[0].nrelated, "P404");
	CHECK(graph_link(&g, &c, 1) == -1);
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n, 1);
	CHECK_STR(n ? d[0].msg : "",
		  "unknown postmortem \"P404\" in related (no postmortem has this id)");
	diag_clear();
	CHECK_INT(g.pm[0].nrelated, 1);
	CHECK(g.pm[0].related[0].pm == 2 && g.pm[0].related[0].why == REL_EXPLICIT);
	CHECK_INT(g.pm[2].nrelated, 1);
	CHECK(g.pm[2].related[0].pm == 0 && g.pm[2].related[0].why == REL_BACKLINK);
	CHECK(g.pm[1].newer == 0 && g.pm[1].older == 2);
	graph_release(&g);
	corpus_release(&c);
}

static void test_similar_prefers_rare_shared_terms(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 8);
	for (size_t i = 0; i < 8; i++)
		term(&c.pms[i].services, &c.pms[i].nservices, "web"); /* everywhere: worth little */
	factor(&c.pms[0], "clock skew", CAT_NONE);
	factor(&c.pms[5], "clock skew", CAT_NONE); /* rare and shared with pms[0] */
	graph_link(&g, &c, 2);
	CHECK(g.pm[0].nrelated >= 1);
	CHECK(g.pm[0].nrelated <= GRAPH_SIMILAR);
	CHECK(g.pm[0].nrelated && g.pm[0].related[0].pm == 5 &&
	      g.pm[0].related[0].why == REL_SIMILAR);
	graph_release(&g);
	corpus_release(&c);
}

/*
 * Budget bug class: the rarest shared term scored last, after a common one
 * used up the walk's budget (4000 postings).  4201 postmortems share a
 * service; the newest and the oldest alone share a factor.  The walk scores
 * the rare factor first, so the oldest is the newest's most similar, though
 * the service's 4000 nearest postings do not reach it.
 */
static void test_similar_rare_term_first_within_the_budget(void)
{
	struct corpus c;
	struct graph g;
	size_t n = 4201;
	memset(&c, 0, sizeof(c));
	site_init(&c.site);
	c.dir = xstrdup("t");
	c.pms = xcalloc(n, sizeof(*c.pms));
	c.npms = n;
	for (size_t i = 0; i < n; i++) {
		struct postmortem *pm = &c.pms[i];
		pm->id = xstrfmt("P%zu", n - i);
		pm->slug = slugify(pm->id);
		pm->title = xstrfmt("Incident %zu", n - i);
		pm->path = xstrdup("x.md");
		pm->date = (struct when){.set = true, .epoch = (int64_t)(n - i) * 86400};
		strmap_put(&c.by_id, pm->id, i);
		strmap_put(&c.all_ids, pm->id, i);
		term(&pm->services, &pm->nservices, "web");
	}
	factor(&c.pms[0], "clock skew", CAT_NONE);
	factor(&c.pms[n - 1], "clock skew", CAT_NONE);
	graph_link(&g, &c, 2);
	CHECK(g.pm[0].nrelated >= 1);
	CHECK(g.pm[0].nrelated && g.pm[0].related[0].pm == n - 1 &&
	      g.pm[0].related[0].why == REL_SIMILAR);
	graph_release(&g);
	corpus_release(&c);
}

/* Majority bug class: a factor's category is the one most of its postmortems give, not the last one seen. */
static void test_category_majority(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 4);
	factor(&c.pms[0], "alert fatigue", CAT_TECHNICAL);
	factor(&c.pms[1], "alert fatigue", CAT_PROCESS);
	factor(&c.pms[2], "alert fatigue", CAT_PROCESS);
	factor(&c.pms[3], "alert fatigue", CAT_COMMUNICATION);
	graph_link(&g, &c, 1);
	const struct node *f = node(&g, TERM_FACTOR, "alert-fatigue");
	CHECK_INT(f ? (int)f->category : -1, CAT_PROCESS);
	graph_release(&g);
	corpus_release(&c);
}

/* Order bug class: three recurrences of a factor are listed newest first. */
static void test_recurrences_newest_first(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 4); /* P4 (April) ... P1 (January) */
	factor(&c.pms[3], "retry storm", CAT_NONE);
	done_item(&c.pms[3], "2024-01-20");
	for (int i = 2; i >= 0; i--)
		factor(&c.pms[i], "retry storm", CAT_NONE);
	graph_link(&g, &c, 1);
	const struct node *f = node(&g, TERM_FACTOR, "retry-storm");
	CHECK_INT(f ? f->nrecurrences : 0, 3);
	if (f && f->nrecurrences == 3) {
		CHECK_STR(c.pms[f->recurrences[0]].id, "P4");
		CHECK_STR(c.pms[f->recurrences[1]].id, "P3");
		CHECK_STR(c.pms[f->recurrences[2]].id, "P2");
	}
	graph_release(&g);
	corpus_release(&c);
}

/*
 * Order bug class in similar: equal scores go to the newer postmortem
 * whatever order they were met in, and a better candidate met later moves
 * ahead of the ones already listed.
 */
static void test_similar_ties_and_order(void)
{
	struct corpus c;
	struct graph g;
	corpus_new(&c, 8);
	/* pms[0] shares "a factor" with pms[6] and "b factor" with pms[2]: equal scores,
	 * met in the order 6 then 2 (terms by rarity, then name). */
	factor(&c.pms[0], "a factor", CAT_NONE);
	factor(&c.pms[0], "b factor", CAT_NONE);
	factor(&c.pms[6], "a factor", CAT_NONE);
	factor(&c.pms[2], "b factor", CAT_NONE);
	/* pms[7] shares "x" with pms[3] (rarer, met first) and "y", "z" with pms[4] and pms[5]. */
	factor(&c.pms[7], "x", CAT_NONE);
	factor(&c.pms[3], "x", CAT_NONE);
	for (size_t i = 4; i <= 5; i++) {
		factor(&c.pms[i], "y", CAT_NONE);
		factor(&c.pms[i], "z", CAT_NONE);
	}
	factor(&c.pms[7], "y", CAT_NONE);
	factor(&c.pms[7], "z", CAT_NONE);
	graph_link(&g, &c, 1);
	CHECK_INT(g.pm[0].nrelated, 2);
	if (g.pm[0].nrelated == 2) {
		CHECK_INT(g.pm[0].related[0].pm, 2);
		CHECK_INT(g.pm[0].related[1].pm, 6);
	}
	CHECK_INT(g.pm[7].nrelated, 3);
	if (g.pm[7].nrelated == 3) {
		CHECK_INT(g.pm[7].related[0].pm, 4);
		CHECK_INT(g.pm[7].related[1].pm, 5);
		CHECK_INT(g.pm[7].related[2].pm, 3);
	}
	graph_release(&g);
	corpus_release(&c);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_slugs_aliases_and_names),
		TEST(test_tie_goes_to_first_naming),
		TEST(test_recurred_after_fix),
		TEST(test_related_backlinks_and_dangling),
		TEST(test_similar_prefers_rare_shared_terms),
		TEST(test_similar_rare_term_first_within_the_budget),
		TEST(test_category_majority),
		TEST(test_recurrences_newest_first),
		TEST(test_similar_ties_and_order),
	};
	return harness_run("graph", cases, ARRAY_SIZE(cases));
}
