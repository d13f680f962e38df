/*
 * renderint: what the page-rendering files share (render.c runs the jobs and
 * owns the page kinds; pmctx.c: a postmortem in a context, its summaries and
 * links, and the site table; pagectx.c: home, the timeline, service, factor,
 * tag, owner and team pages; figctx.c: taxonomies, /actions/, /metrics/,
 * follow-through, /start/).  Only those files include it: the stage's face is
 * render.h.
 */
#ifndef AFTERMATH_RENDERINT_H
#define AFTERMATH_RENDERINT_H

#include "render/render.h"

#include "analyze/figures.h"
#include "analyze/followup.h"
#include "analyze/stats.h"
#include "analyze/taxonomy.h"
#include "base/deadline.h"
#include "base/fsutil.h"
#include "base/parallel.h"
#include "load/markdown.h"
#include "lua/luaglue.h"
#include "model/slug.h"
#include "render/charts.h"
#include "render/template.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

enum page_kind {
	PG_HOME,
	PG_PM,
	PG_TIMELINE,
	PG_SERVICES,
	PG_SERVICE,
	PG_FACTORS,
	PG_FACTOR,
	PG_TAG,
	PG_OWNER,
	PG_PAGE,
	PG_ACTIONS,
	PG_METRICS,
	PG_START,
	PG_SEARCH,
	PG_TAXONOMY,
	PG_TAX_TERM, /* site.yaml taxonomies: index = taxonomy, or taxonomy << 32 | term */
	PG_REVIEW,   /* /actions/review/: internal builds */
	/* the indexes of postmortems/, tags/, owners/; teams: */
	PG_POSTMORTEMS,
	PG_TAGS,
	PG_OWNERS,
	PG_TEAMS,
	PG_TEAM
};

/*
 * A service, factor, tag or owner page lists its newest this many
 * postmortems and open items (its counts and charts cover all of them).
 */
#define NODE_LISTED 500

/* A factor page lists its newest this many recurrences (the count says how many in all). */
#define RECURRENCES_LISTED 25

/* /timeline/ lists the newest this many postmortems; years further back show their counts. */
#define TIMELINE_LISTED 5000

struct page_job {
	enum page_kind kind;
	size_t index;
};

struct worker {
	struct tmpl *t;
	int site_ref;	   /* registry: the `site` table */
	int summaries_ref; /* registry: array of postmortem summaries */
	int items_ref;	   /* registry: array of listed action items, by item_base + k */
	struct buf content, page;
};

struct render {
	const struct corpus *c;
	/* the same, for freeing a body and front matter once its page is done */
	struct corpus *bodies;
	const struct graph *g;
	const struct render_opts *o;
	struct output *out;
	struct worker *w;
	struct page_job *jobs;
	size_t njobs;
	size_t nlisting; /* jobs[0..nlisting): the pages that list many postmortems (plan_jobs) */
	bool *failed;
	const struct figures *f; /* every count and duration shown (analyze/figures.h) */
	struct card *cards;	 /* by postmortem */
	size_t *item_base;	 /* by postmortem: the number of action items before its first */
	char *card_text;
	unsigned char *fu_state; /* by item_base + k: FU_NONE, FU_SOON, FU_OVERDUE, FU_ESCALATED */
};

/*
 * What a link to a postmortem shows (push_link: related incidents, the pager,
 * recurrences; the summaries and page URLs use it too), copied into one block
 * in corpus order when rendering starts:
 * a page that links to other postmortems then reads one place for each, with
 * the lengths known, instead of a few strings allocated here and there while
 * parsing (cache misses that were 5% of a 10k build).
 */
struct card {
	const char *id, *title, *url;
	size_t id_len, title_len, url_len;
	int severity;
	char date[11];
};

enum {
	FU_NONE,
	FU_SOON,
	FU_OVERDUE,
	FU_ESCALATED
}; /* an item's follow-up state (render.fu_state) */

/*
 * Fields made when a template first reads them, because the default theme
 * never does and making them for every page cost 4% of a build each:
 * pm.fields (the front matter as written) and the `overdue` list of a
 * service, factor or owner page.  __index of the page's table; upvalues:
 * the render, the worker, which field, the term kind and the index.
 */
enum lazy_field { LAZY_PM_FIELDS, LAZY_NODE_OVERDUE };

#define TAX_OF(index) ((index) >> 32)

#define TERM_OF(index) ((index)&0xffffffffu)

void set_when(lua_State *L, const char *k, const struct when *w, bool iso);
void push_counts(lua_State *L, const struct counts *c);
/* A new table {name, slug, url, count[, category, recurring]} for node i of kind k. */
void push_node_fresh(lua_State *L, const struct render *r, enum term_kind k, size_t i);
/*
 * The same, shared: one table per node and Lua state, cached in the
 * registry, so 100,000 postmortem summaries do not hold 300,000 copies.
 */
void push_node_ref(lua_State *L, const struct render *r, enum term_kind k, size_t i);
/* Postmortem i's summary table: made the first time this worker needs it, then shared. */
void push_summary(lua_State *L, const struct render *r, struct worker *w, size_t i);
/*
 * Item k of postmortem pm with its `pm` (a summary), as every list of items
 * across postmortems shows it (a node's open items, overdue, recently
 * closed): made the first time this worker needs it, then shared.  An item
 * is open on its services', factors' and owner's pages alike, so a 10k build
 * makes each once a worker instead of about five times.
 */
void push_listed_item(lua_State *L, const struct render *r, struct worker *w, size_t pm, size_t k);
void push_html(lua_State *L, const struct render *r, const char *html, const char *root);
void push_toc(lua_State *L, const struct toc_entry *toc, size_t n);
/* Give the table on top the metatable that makes field `what` on demand. */
void set_lazy(lua_State *L, const struct render *r, struct worker *w, enum lazy_field what,
	      enum term_kind k, size_t i);
void push_pm_full(lua_State *L, const struct render *r, size_t i, const char *root);
void worker_prepare(struct render *r, struct worker *w);
void ctx_home(lua_State *L, struct render *r, struct worker *w);
/* Overdue action items of the given postmortems, latest first (at most limit; 0: all). */
void push_overdue(lua_State *L, const struct render *r, struct worker *w, const size_t *pms,
		  size_t n, size_t limit, size_t owner);
/*
 * The open and in-progress action items of the given postmortems (owned by
 * `owner` unless NULL), each with its `pm`: what is still to do.  Done and
 * won't-do items are counted, not listed, so a busy service's page stays small.
 */
void push_items_of(lua_State *L, const struct render *r, struct worker *w, const size_t *pms,
		   size_t n, size_t owner);
void ctx_timeline(lua_State *L, struct render *r, struct worker *w);
/*
 * Team t: {name, slug, url, count, actions, members = [{name, url, count,
 * actions}]}; with `full`, also its postmortems (owned by, or with action
 * items of, a member) and the open items its members own.
 */
void push_team(lua_State *L, struct render *r, struct worker *w, size_t ti, bool full);
/* Node indices of kind k ordered by how many postmortems they have (then slug). */
size_t *nodes_by_count(const struct render *r, enum term_kind k);
void ctx_factors(lua_State *L, struct render *r);
void ctx_node(lua_State *L, struct render *r, struct worker *w, enum term_kind k, size_t i,
	      const char *field);
void ctx_taxonomy(lua_State *L, const struct render *r, size_t t);
void ctx_tax_term(lua_State *L, struct render *r, struct worker *w, size_t index);
/* pm.taxonomies: [{name, title, singular, url, terms = [{name, url, count}]}], the taxonomies it has terms in. */
void push_pm_taxonomies(lua_State *L, const struct render *r, const struct postmortem *pm);
/* An item's due_soon/days_left, escalated and (internal builds: people) escalated_to. */
void set_followup_fields(lua_State *L, const struct render *r, size_t pm, size_t k);
/* The items in state `want` (FU_SOON or FU_ESCALATED), of postmortems with `service` (SIZE_MAX: any), in followup order. */
void push_followup_items(lua_State *L, const struct render *r, struct worker *w, int want,
			 size_t service);
/* Write-ups still draft or in review, late by more than min_late days (negative: due within -min_late days too). */
void push_writeups(lua_State *L, const struct render *r, struct worker *w, int64_t min_late);
/* /actions/review/: the review meeting's agenda (followup_review in followup.h). */
void ctx_review(lua_State *L, struct render *r, struct worker *w);
void ctx_actions(lua_State *L, struct render *r, struct worker *w);
void ctx_metrics(lua_State *L, struct render *r);
void ctx_start(lua_State *L, struct render *r, struct worker *w, const char *root);
/* Fields every node page and list shares: name, url, count, dates, action counts. */
void push_node_common(lua_State *L, const struct render *r, enum term_kind k, size_t i);
void ctx_teams(lua_State *L, struct render *r, struct worker *w);
void ctx_node_list(lua_State *L, struct render *r, enum term_kind k, const char *field);
void followup_prepare(struct render *r);
/* pages/start.md, the introduction of /start/, or NULL. */
const struct page *start_page(const struct corpus *c);
const char *asset_path(const struct render_opts *o, const char *name);
void push_summaries(lua_State *L, const struct render *r, struct worker *w, const size_t *v,
		    size_t n);
/* The summaries of the postmortems marked featured (newest first), as a list on L. */
void push_featured(lua_State *L, const struct render *r, struct worker *w);

static inline char *node_url(enum term_kind k, const struct node *nd)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, term_kind_dir(k));
	buf_addch(&b, '/');
	buf_adds(&b, nd->slug);
	buf_addch(&b, '/');
	return buf_detach(&b, NULL);
}

static inline void push_nav_item(lua_State *L, const char *title, const char *url)
{
	lua_createtable(L, 0, 2);
	set_str(L, "title", title);
	set_str(L, "url", url);
	append(L);
}

static inline bool has_teams(const struct render *r)
{
	return r->c->allow.owners && r->c->site.links.nteams; /* team pages name people */
}

static inline char *team_url(const struct team *t)
{
	return xstrfmt("teams/%s/", t->slug);
}

static inline char *tax_url(const struct tax_index *x, const struct tax_term *tm)
{
	return tm ? xstrfmt("%s/%s/", x->t->name, tm->slug) : xstrfmt("%s/", x->t->name);
}

#endif
