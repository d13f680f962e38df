/* render: build template contexts and write every page (see render.h). */
#include "render/render.h"

#include "render/charts.h"
#include "base/deadline.h"
#include "base/fsutil.h"
#include "analyze/figures.h"
#include "analyze/followup.h"
#include "lua/luaglue.h"
#include "load/markdown.h"
#include "base/parallel.h"
#include "analyze/stats.h"
#include "analyze/taxonomy.h"
#include "render/template.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

enum page_kind {
	PG_HOME, PG_PM, PG_TIMELINE, PG_SERVICES, PG_SERVICE, PG_FACTORS, PG_FACTOR, PG_TAG,
	PG_OWNER, PG_PAGE, PG_ACTIONS, PG_METRICS, PG_START, PG_SEARCH,
	PG_TAXONOMY, PG_TAX_TERM, /* site.yaml taxonomies: index = taxonomy, or taxonomy << 32 | term */
	PG_REVIEW                 /* /actions/review/: internal builds */
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
	int site_ref;      /* registry: the `site` table */
	int summaries_ref; /* registry: array of postmortem summaries */
	int items_ref;     /* registry: array of listed action items, by item_base + k */
	struct buf content, page;
};

struct render {
	const struct corpus *c;
	struct corpus *bodies; /* the same, for freeing a body and front matter once its page is done */
	const struct graph *g;
	const struct render_opts *o;
	struct output *out;
	struct worker *w;
	struct page_job *jobs;
	size_t njobs;
	size_t nlisting; /* jobs[0..nlisting): the pages that list many postmortems (plan_jobs) */
	bool *failed;
	const struct figures *f; /* every count and duration shown (analyze/figures.h) */
	struct card *cards; /* by postmortem */
	size_t *item_base;  /* by postmortem: the number of action items before its first */
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

static void make_cards(struct render *r)
{
	const struct corpus *c = r->c;
	size_t total = 0;
	for (size_t i = 0; i < c->npms; i++)
		total += strlen(c->pms[i].id) + strlen(c->pms[i].title) + strlen(c->pms[i].slug) + sizeof("postmortems//") + 2;
	r->cards = xcalloc(c->npms ? c->npms : 1, sizeof(*r->cards));
	char *p = r->card_text = xmalloc(total ? total : 1);
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		struct card *k = &r->cards[i];
		k->id = p;
		k->id_len = strlen(pm->id);
		p = (char *)memcpy(p, pm->id, k->id_len + 1) + k->id_len + 1;
		k->title = p;
		k->title_len = strlen(pm->title);
		p = (char *)memcpy(p, pm->title, k->title_len + 1) + k->title_len + 1;
		k->url = p;
		size_t slug = strlen(pm->slug);
		memcpy(p, "postmortems/", 12);
		memcpy(p + 12, pm->slug, slug);
		memcpy(p + 12 + slug, "/", 2);
		k->url_len = 12 + slug + 1;
		p += k->url_len + 1;
		k->severity = pm->severity;
		when_date(&pm->date, k->date);
	}
}

static const struct page *start_page(const struct corpus *c);
enum { FU_NONE, FU_SOON, FU_OVERDUE, FU_ESCALATED }; /* an item's follow-up state (render.fu_state) */
static void set_followup_fields(lua_State *L, const struct render *r, size_t pm, size_t k);
static void push_followup_items(lua_State *L, const struct render *r, struct worker *w, int want, size_t service);
static void push_writeups(lua_State *L, const struct render *r, struct worker *w, int64_t min_late);
static void push_pm_taxonomies(lua_State *L, const struct render *r, const struct postmortem *pm);

/* ---- small Lua helpers -------------------------------------------------- */

static void set_when(lua_State *L, const char *k, const struct when *w, bool iso)
{
	char s[21];
	if (!w->set)
		return;
	if (iso)
		when_iso(w, s);
	else
		when_date(w, s);
	set_str(L, k, s);
}


static void push_counts(lua_State *L, const struct counts *c)
{
	double rate;
	lua_createtable(L, 0, 7);
	set_int(L, "total", (long long)c->total);
	set_int(L, "done", (long long)c->done);
	set_int(L, "open", (long long)c->open);
	set_int(L, "in_progress", (long long)c->in_progress);
	set_int(L, "wont_do", (long long)c->wont_do);
	set_int(L, "overdue", (long long)c->overdue);
	if (counts_rate(c, &rate)) {
		lua_pushnumber(L, rate);
		lua_setfield(L, -2, "completion_rate");
	}
}

/* A YAML tree as Lua values: scalars are strings, lists arrays, maps tables. */
static void push_ynode(lua_State *L, const struct ynode *n)
{
	if (!n) {
		lua_pushnil(L);
		return;
	}
	if (n->type == YN_SCALAR) {
		lua_pushstring(L, n->scalar);
		return;
	}
	lua_createtable(L, n->type == YN_SEQ ? (int)n->n : 0, n->type == YN_MAP ? (int)n->n : 0);
	for (size_t i = 0; i < n->n; i++) {
		push_ynode(L, n->items[i]);
		if (n->type == YN_SEQ)
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		else
			lua_setfield(L, -2, n->keys[i]);
	}
}

/* pm.fields: the front matter as written (parsed again from its text: a build does not keep the tree). */
static void push_front(lua_State *L, const struct postmortem *pm)
{
	struct ynode *tree = NULL;
	if (pm->yaml && yaml_parse(pm->path, pm->yaml, pm->yaml_len, 2, &tree) < 0)
		BUG("%s: front matter that parsed once did not parse again", pm->path);
	push_ynode(L, tree);
	ynode_free(tree);
}

static char *node_url(enum term_kind k, const struct node *nd)
{
	struct buf b = BUF_INIT;
	buf_adds(&b, term_kind_dir(k));
	buf_addch(&b, '/');
	buf_adds(&b, nd->slug);
	buf_addch(&b, '/');
	return buf_detach(&b, NULL);
}

/* A new table {name, slug, url, count[, category, recurring]} for node i of kind k. */
static void push_node_fresh(lua_State *L, const struct render *r, enum term_kind k, size_t i)
{
	const struct node *nd = &r->g->nodes[k][i];
	char *url = node_url(k, nd);
	lua_createtable(L, 0, 6);
	set_str(L, "name", nd->name);
	set_str(L, "slug", nd->slug);
	set_str(L, "url", url);
	set_int(L, "count", (long long)nd->npms);
	if (k == TERM_FACTOR) {
		set_str(L, "category", category_name(nd->category));
		set_bool(L, "recurring", nd->recurring);
	}
	free(url);
}

/*
 * The same, shared: one table per node and Lua state, cached in the
 * registry, so 100,000 postmortem summaries do not hold 300,000 copies.
 */
static void push_node_ref(lua_State *L, const struct render *r, enum term_kind k, size_t i)
{
	static const char *const keys[] = {"aftermath.services", "aftermath.factors", "aftermath.tags",
					   "aftermath.owners"};
	if (lua_getfield(L, LUA_REGISTRYINDEX, keys[k]) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_createtable(L, (int)r->g->nnodes[k], 0);
		lua_pushvalue(L, -1);
		lua_setfield(L, LUA_REGISTRYINDEX, keys[k]);
	}
	if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TNIL) {
		lua_pop(L, 1);
		push_node_fresh(L, r, k, i);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, (lua_Integer)i + 1);
	}
	lua_remove(L, -2); /* the cache */
}

static void push_node_refs(lua_State *L, const struct render *r, enum term_kind k, const size_t *v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_node_ref(L, r, k, v[i]);
		append(L);
	}
}

/* ---- postmortems -------------------------------------------------------- */

static void push_pm_summary(lua_State *L, const struct render *r, size_t i)
{
	const struct postmortem *pm = &r->c->pms[i];
	const struct pm_links *l = &r->g->pm[i];
	const struct card *k = &r->cards[i];
	lua_createtable(L, 0, 20);
	set_lstr(L, "id", k->id, k->id_len);
	set_str(L, "slug", pm->slug);
	set_lstr(L, "title", k->title, k->title_len);
	set_lstr(L, "url", k->url, k->url_len);
	set_str(L, "date", k->date);
	set_int(L, "year", atoi(k->date));
	set_str(L, "status", status_name(pm->status));
	set_str(L, "severity", r->c->site.severities[pm->severity]);
	set_int(L, "severity_rank", pm->severity + 1);
	set_str(L, "kind", kind_name(pm->kind));
	set_str(L, "visibility", visibility_name(pm->visibility));
	set_str(L, "summary", pm->summary);
	set_bool(L, "featured", pm->featured);
	push_node_refs(L, r, TERM_SERVICE, l->services, l->nservices);
	lua_setfield(L, -2, "services");
	push_node_refs(L, r, TERM_FACTOR, l->factors, l->nfactors);
	lua_setfield(L, -2, "factors");
	push_node_refs(L, r, TERM_TAG, l->tags, l->ntags);
	lua_setfield(L, -2, "tags");
	push_counts(L, &r->f->pm[i]);
	lua_setfield(L, -2, "actions");
	if (pm->computed) { /* on_postmortem hooks (hooks.h): in lists too */
		push_ynode(L, pm->computed);
		lua_setfield(L, -2, "computed");
	}
}

/* Postmortem i's summary table: made the first time this worker needs it, then shared. */
static void push_summary(lua_State *L, const struct render *r, struct worker *w, size_t i)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, w->summaries_ref);
	if (lua_rawgeti(L, -1, (lua_Integer)i + 1) == LUA_TNIL) {
		lua_pop(L, 1);
		push_pm_summary(L, r, i);
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, (lua_Integer)i + 1);
	}
	lua_remove(L, -2);
}

static void push_summaries(lua_State *L, const struct render *r, struct worker *w, const size_t *v, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_summary(L, r, w, v[i]);
		append(L);
	}
}

static void push_action_item(lua_State *L, const struct render *r, const struct action_item *a)
{
	lua_createtable(L, 0, 12);
	set_str(L, "title", a->title);
	set_str(L, "owner", a->owner); /* NULL when public.strip removed it (publish/profile.h) */
	set_when(L, "due", &a->due, false);
	if (a->due_by_policy)
		set_bool(L, "due_by_policy", true);
	set_str(L, "status", ai_status_name(a->status));
	if (a->priority != PRI_NONE)
		set_str(L, "priority", priority_name(a->priority));
	set_str(L, "ticket", a->ticket);
	set_when(L, "closed", &a->closed, false);
	set_str(L, "success_criteria", a->success_criteria);
	set_bool(L, "overdue", ai_overdue(a, r->o->as_of_day));
	set_int(L, "days_overdue", (long long)ai_days_overdue(a, r->o->as_of_day));
}

/*
 * Item k of postmortem pm with its `pm` (a summary), as every list of items
 * across postmortems shows it (a node's open items, overdue, recently
 * closed): made the first time this worker needs it, then shared.  An item
 * is open on its services', factors' and owner's pages alike, so a 10k build
 * makes each once a worker instead of about five times.
 */
static void push_listed_item(lua_State *L, const struct render *r, struct worker *w, size_t pm, size_t k)
{
	lua_Integer key = (lua_Integer)(r->item_base[pm] + k) + 1;
	lua_rawgeti(L, LUA_REGISTRYINDEX, w->items_ref);
	if (lua_rawgeti(L, -1, key) == LUA_TNIL) {
		lua_pop(L, 1);
		push_action_item(L, r, &r->c->pms[pm].actions[k]);
		set_followup_fields(L, r, pm, k);
		push_summary(L, r, w, pm);
		lua_setfield(L, -2, "pm");
		lua_pushvalue(L, -1);
		lua_rawseti(L, -3, key);
	}
	lua_remove(L, -2);
}

static void push_durations(lua_State *L, const struct impact *im)
{
	static const char *const names[] = {"detect", "mitigate", "resolve"};
	const struct when *to[] = {&im->detected, &im->mitigated, &im->resolved};
	struct buf b = BUF_INIT;
	lua_createtable(L, 0, 4);
	lua_createtable(L, 0, 3);
	for (int k = 0; k < 3; k++) {
		long long m = duration_minutes(im, to[k]);
		if (m < 0)
			continue;
		buf_reset(&b);
		duration_text(&b, m);
		set_str(L, names[k], buf_cstr(&b));
		lua_pushinteger(L, m);
		lua_setfield(L, -3, names[k]);
	}
	lua_setfield(L, -2, "text");
	buf_release(&b);
}

/* What an imported postmortem's page says about where it was read from: pm.source, pm.impact_from_timeline, pm.actions_from_section. */
static void push_import_marks(lua_State *L, const struct postmortem *pm)
{
	set_str(L, "source", pm->source);
	if (pm->impact_from_timeline)
		set_bool(L, "impact_from_timeline", true);
	if (pm->actions_from_body && pm->actions_section.line && !pm->actions_from_tasks)
		set_bool(L, "actions_from_section", true);
}

static void push_impact(lua_State *L, const struct impact *im)
{
	lua_createtable(L, 0, 6);
	set_when(L, "started", &im->started, true);
	set_when(L, "detected", &im->detected, true);
	set_when(L, "mitigated", &im->mitigated, true);
	set_when(L, "resolved", &im->resolved, true);
	if (im->customers_affected >= 0)
		set_int(L, "customers_affected", im->customers_affected);
	set_str(L, "description", im->description);
}

static void push_link(lua_State *L, const struct render *r, size_t i)
{
	const struct card *k = &r->cards[i];
	lua_createtable(L, 0, 6);
	set_lstr(L, "id", k->id, k->id_len);
	set_lstr(L, "title", k->title, k->title_len);
	set_lstr(L, "url", k->url, k->url_len);
	set_str(L, "date", k->date);
	set_str(L, "severity", r->c->site.severities[k->severity]);
}

static void push_related(lua_State *L, const struct render *r, const struct pm_links *l)
{
	static const char *const why[] = {"related", "links here", "similar"};
	lua_createtable(L, (int)l->nrelated, 0);
	for (size_t k = 0; k < l->nrelated; k++) {
		push_link(L, r, l->related[k].pm);
		set_str(L, "why", why[l->related[k].why]);
		append(L);
	}
}

static void push_recurred(lua_State *L, const struct render *r, const struct pm_links *l)
{
	lua_createtable(L, (int)l->nrecurred, 0);
	for (size_t k = 0; k < l->nrecurred; k++) {
		const struct recurrence *rc = &l->recurred[k];
		int y, m, d;
		char day[11];
		civil_from_days(rc->fixed_day, &y, &m, &d);
		snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
		lua_createtable(L, 0, 3);
		push_node_ref(L, r, TERM_FACTOR, rc->factor);
		lua_setfield(L, -2, "factor");
		push_link(L, r, rc->earlier);
		lua_setfield(L, -2, "after");
		set_str(L, "fixed_on", day);
		append(L);
	}
}

struct resolve_ctx {
	const struct render *r;
	const char *root;
	struct buf url;
};

static bool resolve_link(void *vctx, const char *id, const char **url, const char **title)
{
	struct resolve_ctx *x = vctx;
	size_t i = corpus_find(x->r->c, id);
	if (i == SIZE_MAX && strmap_get(&x->r->c->all_ids, id) != SIZE_MAX) {
		*url = NULL; /* not in this profile's build: neither its id nor its title is shown */
		*title = "an unpublished postmortem";
		return true;
	}
	if (i == SIZE_MAX)
		return false;
	buf_reset(&x->url);
	buf_addf(&x->url, "%spostmortems/%s/", x->root, x->r->c->pms[i].slug);
	*url = buf_cstr(&x->url);
	*title = x->r->c->pms[i].title;
	return true;
}

static void push_html(lua_State *L, const struct render *r, const char *html, const char *root)
{
	size_t len = html ? strlen(html) : 0;
	if (!len || !memchr(html, WIKILINK_MARK, len)) { /* most bodies: no [[ID]] to resolve, no copy */
		lua_pushlstring(L, len ? html : "", len);
		return;
	}
	struct resolve_ctx x = {r, root, BUF_INIT};
	struct buf out = BUF_INIT;
	link_resolve(&out, html, resolve_link, &x);
	lua_pushlstring(L, out.ptr ? out.ptr : "", out.len);
	buf_release(&out);
	buf_release(&x.url);
}

static void push_toc(lua_State *L, const struct toc_entry *toc, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_createtable(L, 0, 3);
		set_int(L, "level", toc[i].level);
		set_str(L, "id", toc[i].id);
		set_str(L, "text", toc[i].text);
		append(L);
	}
}

/*
 * Fields made when a template first reads them, because the default theme
 * never does and making them for every page cost 4% of a build each:
 * pm.fields (the front matter as written) and the `overdue` list of a
 * service, factor or owner page.  __index of the page's table; upvalues:
 * the render, the worker, which field, the term kind and the index.
 */
enum lazy_field { LAZY_PM_FIELDS, LAZY_NODE_OVERDUE };

static void push_overdue(lua_State *L, const struct render *r, struct worker *w, const size_t *pms, size_t n,
			 size_t limit, size_t owner);

static int lazy_index(lua_State *L)
{
	static const char *const names[] = {[LAZY_PM_FIELDS] = "fields", [LAZY_NODE_OVERDUE] = "overdue"};
	const struct render *r = lua_touserdata(L, lua_upvalueindex(1));
	struct worker *w = lua_touserdata(L, lua_upvalueindex(2));
	enum lazy_field what = (enum lazy_field)lua_tointeger(L, lua_upvalueindex(3));
	enum term_kind k = (enum term_kind)lua_tointeger(L, lua_upvalueindex(4));
	size_t i = (size_t)lua_tointeger(L, lua_upvalueindex(5));
	if (lua_type(L, 2) != LUA_TSTRING || strcmp(lua_tostring(L, 2), names[what]))
		return 0;
	if (what == LAZY_PM_FIELDS) {
		push_front(L, &r->c->pms[i]);
	} else {
		const struct node *nd = &r->g->nodes[k][i];
		push_overdue(L, r, w, nd->pms, nd->npms, NODE_LISTED, k == TERM_OWNER ? i : SIZE_MAX);
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1); /* made once per page */
	return 1;
}

/* Give the table on top the metatable that makes field `what` on demand. */
static void set_lazy(lua_State *L, const struct render *r, struct worker *w, enum lazy_field what, enum term_kind k,
		     size_t i)
{
	lua_createtable(L, 0, 1);
	lua_pushlightuserdata(L, (void *)r);
	lua_pushlightuserdata(L, w);
	lua_pushinteger(L, (lua_Integer)what);
	lua_pushinteger(L, (lua_Integer)k);
	lua_pushinteger(L, (lua_Integer)i);
	lua_pushcclosure(L, lazy_index, 5);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
}

static void push_pm_full(lua_State *L, const struct render *r, size_t i, const char *root)
{
	const struct postmortem *pm = &r->c->pms[i];
	const struct pm_links *l = &r->g->pm[i];
	push_pm_summary(L, r, i);
	if (pm->owner) {
		lua_createtable(L, 0, 3);
		set_str(L, "name", pm->owner);
		if (l->owner != SIZE_MAX) {
			char *url = node_url(TERM_OWNER, &r->g->nodes[TERM_OWNER][l->owner]);
			set_str(L, "url", url);
			set_str(L, "slug", r->g->nodes[TERM_OWNER][l->owner].slug);
			free(url);
		}
		lua_setfield(L, -2, "owner");
	}
	lua_createtable(L, (int)pm->nauthors, 0);
	for (size_t k = 0; k < pm->nauthors; k++) {
		lua_pushstring(L, pm->authors[k].name);
		append(L);
	}
	lua_setfield(L, -2, "authors");
	set_when(L, "published", &pm->published, false);
	push_html(L, r, pm->html, root);
	lua_setfield(L, -2, "html");
	push_toc(L, pm->toc, pm->ntoc);
	lua_setfield(L, -2, "toc");
	push_impact(L, &pm->impact);
	lua_setfield(L, -2, "impact");
	push_durations(L, &pm->impact);
	lua_setfield(L, -2, "durations");
	lua_createtable(L, (int)pm->nactions, 0);
	for (size_t k = 0; k < pm->nactions; k++) {
		push_action_item(L, r, &pm->actions[k]);
		append(L);
	}
	lua_setfield(L, -2, "action_items");
	set_bool(L, "actions_from_body", pm->actions_from_body);
	if (pm->source || pm->impact_from_timeline || pm->actions_section.line) /* imported (fieldmap.h) */
		push_import_marks(L, pm);
	if (r->g->ntax && pm->taxa)
		push_pm_taxonomies(L, r, pm);
	push_related(L, r, l);
	lua_setfield(L, -2, "related");
	if (l->newer != SIZE_MAX) {
		push_link(L, r, l->newer);
		lua_setfield(L, -2, "next");
	}
	if (l->older != SIZE_MAX) {
		push_link(L, r, l->older);
		lua_setfield(L, -2, "prev");
	}
	push_recurred(L, r, l);
	lua_setfield(L, -2, "recurred");
	if (r->c->allow.front_matter)
		set_lazy(L, r, NULL, LAZY_PM_FIELDS, TERM_SERVICE, i);
}

/* ---- the site table ----------------------------------------------------- */

static const char *asset_path(const struct render_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nassets; i++)
		if (!strcmp(o->asset_names[i], name))
			return o->asset_paths[i];
	return NULL;
}

static void push_nav_item(lua_State *L, const char *title, const char *url)
{
	lua_createtable(L, 0, 2);
	set_str(L, "title", title);
	set_str(L, "url", url);
	append(L);
}

static void push_site(lua_State *L, const struct render *r)
{
	const struct site *s = &r->c->site;
	lua_createtable(L, 0, 16);
	set_str(L, "title", s->title);
	set_str(L, "description", s->description);
	set_str(L, "base_url", r->o->base_url);
	set_str(L, "language", s->language);
	set_str(L, "profile", r->c->profile == PROFILE_PUBLIC ? "public" : "internal");
	set_bool(L, "internal", r->c->profile == PROFILE_INTERNAL);
	set_str(L, "as_of", r->o->as_of);
	set_str(L, "css", asset_path(r->o, "style.css"));
	set_int(L, "count", (long long)r->c->npms);
	set_int(L, "recurring_threshold", s->recurring_threshold);
	lua_createtable(L, 0, (int)r->o->nassets);
	for (size_t i = 0; i < r->o->nassets; i++)
		set_str(L, r->o->asset_names[i], r->o->asset_paths[i]);
	lua_setfield(L, -2, "assets");
	lua_createtable(L, 8, 0);
	push_nav_item(L, "Postmortems", "timeline/");
	push_nav_item(L, "Services", "services/");
	push_nav_item(L, "Factors", "factors/");
	push_nav_item(L, "Actions", "actions/");
	push_nav_item(L, "Metrics", "metrics/");
	for (size_t t = 0; t < r->g->ntax; t++) { /* site.yaml taxonomies: */
		char *url = xstrfmt("%s/", r->g->tax[t].t->name);
		push_nav_item(L, r->g->tax[t].t->title, url);
		free(url);
	}
	if (!start_page(r->c))
		push_nav_item(L, "Start here", "start/");
	for (size_t i = 0; i < r->c->npages; i++) {
		char *url = xstrfmt("%s/", r->c->pages[i].slug);
		push_nav_item(L, r->c->pages[i].title, url);
		free(url);
	}
	lua_setfield(L, -2, "nav");
	lua_createtable(L, (int)r->c->npages, 0);
	for (size_t i = 0; i < r->c->npages; i++) {
		char *url = xstrfmt("%s/", r->c->pages[i].slug);
		push_nav_item(L, r->c->pages[i].title, url);
		free(url);
	}
	lua_setfield(L, -2, "pages");
	lua_createtable(L, (int)s->nseverities, 0);
	for (size_t i = 0; i < s->nseverities; i++) {
		lua_pushstring(L, s->severities[i]);
		append(L);
	}
	lua_setfield(L, -2, "severities");
	push_ynode(L, s->front);
	lua_setfield(L, -2, "fields");
	if (ynode_get(s->front, "params")) { /* the site's own values */
		push_ynode(L, ynode_get(s->front, "params"));
		lua_setfield(L, -2, "params");
	}
}

static void worker_prepare(struct render *r, struct worker *w)
{
	lua_State *L = tmpl_lua(w->t);
	push_site(L, r);
	w->site_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, (int)r->c->npms, 0); /* filled by push_summary */
	w->summaries_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	size_t nitems = r->c->npms ? r->item_base[r->c->npms - 1] + r->c->pms[r->c->npms - 1].nactions : 0;
	lua_createtable(L, (int)nitems, 0); /* filled by push_listed_item */
	w->items_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

/* ---- page contexts ------------------------------------------------------ */

static void ctx_home(lua_State *L, struct render *r, struct worker *w)
{
	size_t n = r->c->npms < 10 ? r->c->npms : 10;
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_summary(L, r, w, i);
		append(L);
	}
	lua_setfield(L, -2, "recent");
	lua_newtable(L);
	for (size_t i = 0; i < r->c->npms; i++) {
		if (!r->c->pms[i].featured)
			continue;
		push_summary(L, r, w, i);
		append(L);
	}
	lua_setfield(L, -2, "featured");
	/* Most recurring factors: by count, then slug. */
	const struct graph *g = r->g;
	size_t nf = g->nnodes[TERM_FACTOR];
	size_t *order = xmalloc((nf ? nf : 1) * sizeof(size_t));
	for (size_t i = 0; i < nf; i++)
		order[i] = i;
	for (size_t i = 1; i < nf; i++) { /* insertion sort: stable, small n */
		size_t v = order[i], j = i;
		while (j > 0 && g->nodes[TERM_FACTOR][order[j - 1]].npms < g->nodes[TERM_FACTOR][v].npms) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	lua_newtable(L);
	for (size_t i = 0; i < nf && i < 8; i++) {
		if (!g->nodes[TERM_FACTOR][order[i]].recurring)
			break;
		push_node_ref(L, r, TERM_FACTOR, order[i]);
		append(L);
	}
	lua_setfield(L, -2, "top_factors");
	free(order);
	size_t *all = xmalloc((r->c->npms ? r->c->npms : 1) * sizeof(size_t));
	for (size_t i = 0; i < r->c->npms; i++)
		all[i] = i;
	push_overdue(L, r, w, all, r->c->npms, 10, SIZE_MAX);
	lua_setfield(L, -2, "overdue");
	push_writeups(L, r, w, 0);
	lua_setfield(L, -2, "late_write_ups");
	free(all);
	lua_createtable(L, 0, 6);
	set_int(L, "postmortems", (long long)r->c->npms);
	set_int(L, "services", (long long)g->nnodes[TERM_SERVICE]);
	set_int(L, "factors", (long long)g->nnodes[TERM_FACTOR]);
	push_counts(L, &r->f->total);
	lua_setfield(L, -2, "actions");
	lua_setfield(L, -2, "counts");
}

struct overdue_item {
	size_t pm, item;
	int64_t days;
};

static int cmp_overdue(const void *va, const void *vb)
{
	const struct overdue_item *a = va, *b = vb;
	if (a->days != b->days)
		return a->days > b->days ? -1 : 1;
	if (a->pm != b->pm)
		return a->pm < b->pm ? -1 : 1;
	return a->item < b->item ? -1 : a->item > b->item;
}

/* Whether item k of postmortem pm is owned by owner node `owner` (SIZE_MAX: anyone's counts). */
static bool owned_by(const struct render *r, size_t pm, size_t k, size_t owner)
{
	return owner == SIZE_MAX || r->g->pm[pm].ai_owner[k] == owner;
}

/* Overdue action items of the given postmortems, latest first (at most limit; 0: all). */
static void push_overdue(lua_State *L, const struct render *r, struct worker *w, const size_t *pms, size_t n,
			 size_t limit, size_t owner)
{
	struct overdue_item *v = NULL;
	size_t nv = 0, alloc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct postmortem *pm = &r->c->pms[pms[i]];
		for (size_t k = 0; k < pm->nactions; k++) {
			if (!ai_overdue(&pm->actions[k], r->o->as_of_day) || !owned_by(r, pms[i], k, owner))
				continue;
			ALLOC_GROW(v, nv + 1, alloc);
			v[nv++] = (struct overdue_item){pms[i], k, ai_days_overdue(&pm->actions[k], r->o->as_of_day)};
		}
	}
	sort_array(v, nv, sizeof(*v), cmp_overdue);
	if (limit && nv > limit)
		nv = limit;
	lua_createtable(L, (int)nv, 0);
	for (size_t i = 0; i < nv; i++) {
		push_listed_item(L, r, w, v[i].pm, v[i].item);
		append(L);
	}
	free(v);
}

/*
 * The open and in-progress action items of the given postmortems (owned by
 * `owner` unless NULL), each with its `pm`: what is still to do.  Done and
 * won't-do items are counted, not listed, so a busy service's page stays small.
 */
static void push_items_of(lua_State *L, const struct render *r, struct worker *w, const size_t *pms, size_t n,
			  size_t owner)
{
	lua_newtable(L);
	size_t listed = 0;
	for (size_t i = 0; i < n && listed < NODE_LISTED; i++) {
		const struct postmortem *pm = &r->c->pms[pms[i]];
		for (size_t k = 0; k < pm->nactions && listed < NODE_LISTED; k++) {
			enum ai_status st = pm->actions[k].status;
			if ((st != AI_OPEN && st != AI_IN_PROGRESS) || !owned_by(r, pms[i], k, owner))
				continue;
			push_listed_item(L, r, w, pms[i], k);
			append(L);
			listed++;
		}
	}
}

static int date_part(const struct postmortem *pm, int which)
{
	char date[11];
	when_date(&pm->date, date);
	return which == 0 ? atoi(date) : atoi(date + 5);
}

static void ctx_timeline(lua_State *L, struct render *r, struct worker *w)
{
	static const char *const months[] = {"January", "February", "March", "April", "May", "June", "July",
					     "August", "September", "October", "November", "December"};
	const struct postmortem *pms = r->c->pms;
	size_t n = r->c->npms, i = 0;
	lua_newtable(L); /* years */
	while (i < n) {
		int y = date_part(&pms[i], 0);
		size_t first = i;
		lua_createtable(L, 0, 3);
		set_int(L, "year", y);
		lua_newtable(L); /* months */
		while (i < n && date_part(&pms[i], 0) == y) {
			int m = date_part(&pms[i], 1);
			lua_createtable(L, 0, 3);
			set_int(L, "month", m);
			set_str(L, "name", months[m - 1]);
			lua_newtable(L);
			while (i < n && date_part(&pms[i], 0) == y && date_part(&pms[i], 1) == m) {
				if (i < TIMELINE_LISTED) {
					push_summary(L, r, w, i);
					append(L);
				}
				i++;
			}
			bool any = lua_rawlen(L, -1) > 0;
			lua_setfield(L, -2, "postmortems");
			if (any)
				append(L);
			else
				lua_pop(L, 1); /* a month beyond the listing */
		}
		lua_setfield(L, -2, "months");
		set_int(L, "count", (long long)(i - first));
		set_int(L, "listed", (long long)(i < TIMELINE_LISTED ? i - first : first < TIMELINE_LISTED ? TIMELINE_LISTED - first : 0));
		append(L);
	}
	lua_setfield(L, -2, "years");
	set_int(L, "timeline_listed", (long long)(n < TIMELINE_LISTED ? n : TIMELINE_LISTED));
}

struct tally {
	size_t node, count;
};

static int cmp_tally(const void *va, const void *vb)
{
	const struct tally *a = va, *b = vb;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

/*
 * Push the nodes of kind k that the postmortems `pms` mention, with how many
 * of them mention each, most first (skipping node `self` of the same kind).
 */
static void push_tally(lua_State *L, const struct render *r, enum term_kind k, const size_t *pms, size_t n,
		       size_t self)
{
	size_t nn = r->g->nnodes[k];
	size_t *count = xcalloc(nn ? nn : 1, sizeof(size_t));
	for (size_t i = 0; i < n; i++) {
		const struct pm_links *l = &r->g->pm[pms[i]];
		const size_t *v = k == TERM_SERVICE ? l->services : l->factors;
		size_t m = k == TERM_SERVICE ? l->nservices : l->nfactors;
		for (size_t j = 0; j < m; j++)
			count[v[j]]++;
	}
	struct tally *t = xmalloc((nn ? nn : 1) * sizeof(*t));
	size_t nt = 0;
	for (size_t i = 0; i < nn; i++)
		if (count[i] && i != self)
			t[nt++] = (struct tally){i, count[i]};
	sort_array(t, nt, sizeof(*t), cmp_tally);
	lua_createtable(L, (int)nt, 0);
	for (size_t i = 0; i < nt; i++) {
		push_node_fresh(L, r, k, t[i].node);
		set_int(L, "shared", (long long)t[i].count);
		append(L);
	}
	free(t);
	free(count);
}

static void push_severity_mix(lua_State *L, const struct render *r, const size_t *pms, size_t n)
{
	const struct site *s = &r->c->site;
	size_t *count = xcalloc(s->nseverities, sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		count[r->c->pms[pms[i]].severity]++;
	lua_createtable(L, (int)s->nseverities, 0);
	for (size_t i = 0; i < s->nseverities; i++) {
		lua_createtable(L, 0, 2);
		set_str(L, "severity", s->severities[i]);
		set_int(L, "count", (long long)count[i]);
		append(L);
	}
	free(count);
}

/* Fields every node page and list shares: name, url, count, dates, action counts. */
static void push_node_common(lua_State *L, const struct render *r, enum term_kind k, size_t i)
{
	const struct node *nd = &r->g->nodes[k][i];
	push_node_fresh(L, r, k, i);
	if (nd->npms) {
		set_when(L, "last_seen", &r->c->pms[nd->pms[0]].date, false);
		set_when(L, "first_seen", &r->c->pms[nd->pms[nd->npms - 1]].date, false);
	}
	push_counts(L, &r->f->node[k][i]);
	lua_setfield(L, -2, "actions");
	if (k == TERM_SERVICE && nd->info) {
		set_str(L, "description", nd->info->description);
		set_str(L, "team", nd->info->team);
		if (nd->info->tier)
			set_int(L, "tier", nd->info->tier);
		lua_createtable(L, (int)nd->info->nlinks, 0);
		for (size_t l = 0; l < nd->info->nlinks; l++)
			push_nav_item(L, nd->info->link_titles[l], nd->info->link_urls[l]);
		lua_setfield(L, -2, "links");
	}
}

static void ctx_node_list(lua_State *L, struct render *r, enum term_kind k, const char *field)
{
	lua_createtable(L, (int)r->g->nnodes[k], 0);
	for (size_t i = 0; i < r->g->nnodes[k]; i++) {
		push_node_common(L, r, k, i);
		append(L);
	}
	lua_setfield(L, -2, field);
}

/* Node indices of kind k ordered by how many postmortems they have (then slug). */
static size_t *nodes_by_count(const struct render *r, enum term_kind k)
{
	size_t n = r->g->nnodes[k];
	struct tally *t = xmalloc((n ? n : 1) * sizeof(*t));
	for (size_t i = 0; i < n; i++)
		t[i] = (struct tally){i, r->g->nodes[k][i].npms};
	sort_array(t, n, sizeof(*t), cmp_tally);
	size_t *order = xmalloc((n ? n : 1) * sizeof(size_t));
	for (size_t i = 0; i < n; i++)
		order[i] = t[i].node;
	free(t);
	return order;
}

#define MATRIX_ROWS 15
#define MATRIX_COLS 12

/* The recurring factors x the most affected services, as table data and a heat map. */
static void push_matrix(lua_State *L, const struct render *r)
{
	const struct graph *g = r->g;
	size_t *fo = nodes_by_count(r, TERM_FACTOR), *so = nodes_by_count(r, TERM_SERVICE);
	size_t rows = 0, cols = g->nnodes[TERM_SERVICE] < MATRIX_COLS ? g->nnodes[TERM_SERVICE] : MATRIX_COLS;
	while (rows < g->nnodes[TERM_FACTOR] && rows < MATRIX_ROWS && g->nodes[TERM_FACTOR][fo[rows]].recurring)
		rows++;
	size_t *col_of = xmalloc((g->nnodes[TERM_SERVICE] ? g->nnodes[TERM_SERVICE] : 1) * sizeof(size_t));
	for (size_t i = 0; i < g->nnodes[TERM_SERVICE]; i++)
		col_of[i] = SIZE_MAX;
	for (size_t c = 0; c < cols; c++)
		col_of[so[c]] = c;
	size_t ncells = rows * cols;
	double *v = xcalloc(ncells ? ncells : 1, sizeof(double));
	const char **rl = xmalloc((rows ? rows : 1) * sizeof(char *)), **cl = xmalloc((cols ? cols : 1) * sizeof(char *));
	for (size_t ri = 0; ri < rows; ri++) {
		const struct node *f = &g->nodes[TERM_FACTOR][fo[ri]];
		rl[ri] = f->name;
		for (size_t p = 0; p < f->npms; p++) {
			const struct pm_links *l = &g->pm[f->pms[p]];
			for (size_t k = 0; k < l->nservices; k++)
				if (col_of[l->services[k]] != SIZE_MAX)
					v[ri * cols + col_of[l->services[k]]]++;
		}
	}
	for (size_t c = 0; c < cols; c++)
		cl[c] = g->nodes[TERM_SERVICE][so[c]].name;
	lua_createtable(L, 0, 3);
	lua_createtable(L, (int)cols, 0);
	for (size_t c = 0; c < cols; c++) {
		push_node_ref(L, r, TERM_SERVICE, so[c]);
		append(L);
	}
	lua_setfield(L, -2, "services");
	lua_createtable(L, (int)rows, 0);
	for (size_t ri = 0; ri < rows; ri++) {
		lua_createtable(L, 0, 2);
		push_node_ref(L, r, TERM_FACTOR, fo[ri]);
		lua_setfield(L, -2, "factor");
		lua_createtable(L, (int)cols, 0);
		for (size_t c = 0; c < cols; c++) {
			lua_pushinteger(L, (lua_Integer)v[ri * cols + c]);
			append(L);
		}
		lua_setfield(L, -2, "cells");
		append(L);
	}
	lua_setfield(L, -2, "rows");
	struct buf svg = BUF_INIT;
	chart_heatmap(&svg, "Incidents per recurring factor and service", rl, rows, cl, cols, v);
	lua_pushlstring(L, buf_cstr(&svg), svg.len);
	lua_setfield(L, -2, "svg");
	lua_setfield(L, -2, "matrix");
	buf_release(&svg);
	free(fo);
	free(so);
	free(col_of);
	free(v);
	free(rl);
	free(cl);
}

static void ctx_factors(lua_State *L, struct render *r)
{
	push_matrix(L, r);
	static const enum factor_category cats[] = {CAT_TECHNICAL, CAT_PROCESS, CAT_COMMUNICATION, CAT_EXTERNAL,
						    CAT_NONE};
	ctx_node_list(L, r, TERM_FACTOR, "factors");
	lua_createtable(L, 5, 0);
	for (size_t c = 0; c < ARRAY_SIZE(cats); c++) {
		lua_createtable(L, 0, 2);
		set_str(L, "name", cats[c] == CAT_NONE ? "uncategorized" : category_name(cats[c]));
		lua_newtable(L);
		for (size_t i = 0; i < r->g->nnodes[TERM_FACTOR]; i++) {
			if (r->g->nodes[TERM_FACTOR][i].category != cats[c])
				continue;
			push_node_common(L, r, TERM_FACTOR, i);
			append(L);
		}
		if (lua_rawlen(L, -1) == 0) {
			lua_pop(L, 2);
			continue;
		}
		lua_setfield(L, -2, "factors");
		append(L);
	}
	lua_setfield(L, -2, "categories");
}

static void push_per_year(lua_State *L, const struct render *r, const size_t *pms, size_t n)
{
	lua_newtable(L);
	for (size_t i = n; i-- > 0;) { /* oldest first */
		int y = date_part(&r->c->pms[pms[i]], 0);
		size_t len = lua_rawlen(L, -1);
		if (len) {
			lua_rawgeti(L, -1, (lua_Integer)len);
			lua_getfield(L, -1, "year");
			bool same = lua_tointeger(L, -1) == y;
			lua_pop(L, 1);
			if (same) {
				lua_getfield(L, -1, "count");
				lua_Integer c = lua_tointeger(L, -1);
				lua_pop(L, 1);
				set_int(L, "count", c + 1);
				lua_pop(L, 1);
				continue;
			}
			lua_pop(L, 1);
		}
		lua_createtable(L, 0, 2);
		set_int(L, "year", y);
		set_int(L, "count", 1);
		append(L);
	}
}

/* Incidents per year on a time axis, first to last year (empty years included), by severity. */
static void push_history_chart(lua_State *L, const struct render *r, const struct node *nd)
{
	struct buf svg = BUF_INIT;
	if (!nd->npms) {
		lua_pushliteral(L, "");
		return;
	}
	int first = date_part(&r->c->pms[nd->pms[nd->npms - 1]], 0), last = date_part(&r->c->pms[nd->pms[0]], 0);
	size_t years = (size_t)(last - first + 1), ns = r->c->site.nseverities < 3 ? r->c->site.nseverities : 3;
	char (*labels)[8] = xcalloc(years, sizeof(*labels));
	const char **lp = xcalloc(years, sizeof(char *));
	double *v = xcalloc(years * 3, sizeof(double));
	for (size_t y = 0; y < years; y++) {
		snprintf(labels[y], sizeof(labels[y]), "%04u", (unsigned)(first + (int)y) % 10000u);
		lp[y] = labels[y];
	}
	for (size_t p = 0; p < nd->npms; p++) {
		const struct postmortem *pm = &r->c->pms[nd->pms[p]];
		size_t band = (size_t)pm->severity < ns - 1 ? (size_t)pm->severity : ns - 1;
		v[band * years + (size_t)(date_part(pm, 0) - first)]++;
	}
	/* Series: the most severe, the next, and everything else. */
	char *names[3];
	struct series s[3];
	for (size_t k = 0; k < ns; k++) {
		names[k] = k + 1 < ns || ns == r->c->site.nseverities ? xstrdup(r->c->site.severities[k])
								      : xstrfmt("%s and lower", r->c->site.severities[k]);
		s[k] = (struct series){names[k], v + k * years};
	}
	chart_columns(&svg, "Incidents per year by severity", lp, years, s, ns);
	lua_pushlstring(L, buf_cstr(&svg), svg.len);
	for (size_t k = 0; k < ns; k++)
		free(names[k]);
	free(labels);
	free(lp);
	free(v);
	buf_release(&svg);
}

static void ctx_node(lua_State *L, struct render *r, struct worker *w, enum term_kind k, size_t i, const char *field)
{
	const struct node *nd = &r->g->nodes[k][i];
	push_node_common(L, r, k, i);
	push_summaries(L, r, w, nd->pms, nd->npms < NODE_LISTED ? nd->npms : NODE_LISTED);
	lua_setfield(L, -2, "postmortems");
	if (k == TERM_SERVICE || k == TERM_FACTOR || k == TERM_OWNER) {
		size_t owner = k == TERM_OWNER ? i : SIZE_MAX;
		push_items_of(L, r, w, nd->pms, nd->npms, owner);
		lua_setfield(L, -2, "open_items");
		set_lazy(L, r, w, LAZY_NODE_OVERDUE, k, i);
	}
	if (k == TERM_SERVICE) {
		push_followup_items(L, r, w, FU_ESCALATED, i);
		lua_setfield(L, -2, "escalated");
		if (r->c->allow.owners && nd->info) /* a person: internal builds only */
			set_str(L, "owner", nd->info->owner);
	}
	if (k == TERM_SERVICE || k == TERM_FACTOR) {
		push_tally(L, r, TERM_FACTOR, nd->pms, nd->npms, k == TERM_FACTOR ? i : SIZE_MAX);
		lua_setfield(L, -2, k == TERM_FACTOR ? "related_factors" : "factors");
		push_tally(L, r, TERM_SERVICE, nd->pms, nd->npms, k == TERM_SERVICE ? i : SIZE_MAX);
		lua_setfield(L, -2, k == TERM_SERVICE ? "related_services" : "services");
		push_severity_mix(L, r, nd->pms, nd->npms);
		lua_setfield(L, -2, "severity_mix");
		push_per_year(L, r, nd->pms, nd->npms);
		lua_setfield(L, -2, "per_year");
		push_history_chart(L, r, nd);
		lua_setfield(L, -2, "history_svg");
	}
	if (k == TERM_FACTOR) {
		size_t total = 0;
		lua_createtable(L, nd->nrecurrences < RECURRENCES_LISTED ? (int)nd->nrecurrences : RECURRENCES_LISTED, 0);
		for (size_t j = 0; j < nd->nrecurrences; j++) {
			const struct pm_links *l = &r->g->pm[nd->recurrences[j]];
			for (size_t x = 0; x < l->nrecurred; x++) {
				if (l->recurred[x].factor != i || total++ >= RECURRENCES_LISTED)
					continue;
				int y, m, d;
				char day[11];
				civil_from_days(l->recurred[x].fixed_day, &y, &m, &d);
				snprintf(day, sizeof(day), "%04d-%02d-%02d", y, m, d);
				lua_createtable(L, 0, 3);
				push_summary(L, r, w, nd->recurrences[j]);
				lua_setfield(L, -2, "pm");
				push_summary(L, r, w, l->recurred[x].earlier);
				lua_setfield(L, -2, "after");
				set_str(L, "fixed_on", day);
				append(L);
			}
		}
		lua_setfield(L, -2, "recurrences");
		set_int(L, "recurrence_count", (long long)total);
	}
	lua_setfield(L, -2, field);
}

/* ---- taxonomies (site.yaml taxonomies:, taxonomy.h) --------------------------- */

#define TAX_OF(index) ((index) >> 32)
#define TERM_OF(index) ((index) & 0xffffffffu)

static char *tax_url(const struct tax_index *x, const struct tax_term *tm)
{
	return tm ? xstrfmt("%s/%s/", x->t->name, tm->slug) : xstrfmt("%s/", x->t->name);
}

/* {name, title, singular, url} of taxonomy x. */
static void push_taxonomy_head(lua_State *L, const struct tax_index *x)
{
	char *url = tax_url(x, NULL);
	lua_createtable(L, 0, 4);
	set_str(L, "name", x->t->name);
	set_str(L, "title", x->t->title);
	set_str(L, "singular", x->t->singular);
	set_str(L, "url", url);
	free(url);
}

/* {name, slug, url, count} of term tm. */
static void push_term_ref(lua_State *L, const struct tax_index *x, const struct tax_term *tm)
{
	char *url = tax_url(x, tm);
	lua_createtable(L, 0, 4);
	set_str(L, "name", tm->name);
	set_str(L, "slug", tm->slug);
	set_str(L, "url", url);
	set_int(L, "count", (long long)tm->npms);
	free(url);
}

static void ctx_taxonomy(lua_State *L, const struct render *r, size_t t)
{
	const struct tax_index *x = &r->g->tax[t];
	push_taxonomy_head(L, x);
	lua_createtable(L, (int)x->nterms, 0);
	for (size_t j = 0; j < x->nterms; j++) {
		push_term_ref(L, x, &x->terms[j]);
		append(L);
	}
	lua_setfield(L, -2, "terms");
	lua_setfield(L, -2, "taxonomy");
}

static void ctx_tax_term(lua_State *L, struct render *r, struct worker *w, size_t index)
{
	const struct tax_index *x = &r->g->tax[TAX_OF(index)];
	const struct tax_term *tm = &x->terms[TERM_OF(index)];
	push_term_ref(L, x, tm);
	push_taxonomy_head(L, x);
	lua_setfield(L, -2, "taxonomy");
	push_summaries(L, r, w, tm->pms, tm->npms < NODE_LISTED ? tm->npms : NODE_LISTED);
	lua_setfield(L, -2, "postmortems");
	push_items_of(L, r, w, tm->pms, tm->npms, SIZE_MAX);
	lua_setfield(L, -2, "open_items");
	push_counts(L, &r->f->term[TAX_OF(index)][TERM_OF(index)]);
	lua_setfield(L, -2, "actions");
	lua_setfield(L, -2, "term");
}

/* pm.taxonomies: [{name, title, singular, url, terms = [{name, url, count}]}], the taxonomies it has terms in. */
static void push_pm_taxonomies(lua_State *L, const struct render *r, const struct postmortem *pm)
{
	lua_createtable(L, (int)r->g->ntax, 0);
	for (size_t t = 0; t < r->g->ntax; t++) {
		const struct tax_index *x = &r->g->tax[t];
		const struct termlist *tl = &pm->taxa[x->field];
		if (!tl->n)
			continue;
		push_taxonomy_head(L, x);
		lua_createtable(L, (int)tl->n, 0);
		size_t prev = SIZE_MAX; /* the values are sorted: a repeat follows its first */
		for (size_t k = 0; k < tl->n; k++) {
			size_t j = taxonomy_term(x, tl->v[k].slug);
			bool repeat = k && j == prev;
			prev = j;
			if (j == SIZE_MAX || repeat)
				continue;
			push_term_ref(L, x, &x->terms[j]);
			append(L);
		}
		lua_setfield(L, -2, "terms");
		append(L);
	}
	lua_setfield(L, -2, "taxonomies");
}

/* ---- /actions/ and /metrics/ ------------------------------------------------ */

/* The overdue table of /actions/ lists the latest this many; the CSV has all. */
#define ACTIONS_OVERDUE_LISTED 200

/* A table row: counts plus name (and url when the group has a page). */
static void push_group_row(lua_State *L, const char *name, const char *url, const struct counts *c)
{
	push_counts(L, c);
	set_str(L, "name", name);
	set_str(L, "url", url);
}

static void push_node_groups(lua_State *L, const struct render *r, enum term_kind k)
{
	lua_createtable(L, (int)r->g->nnodes[k], 0);
	for (size_t i = 0; i < r->g->nnodes[k]; i++) {
		const struct node *nd = &r->g->nodes[k][i];
		const struct counts *cnt = &r->f->node[k][i];
		if (!cnt->total)
			continue;
		char *url = node_url(k, nd);
		push_group_row(L, nd->name, url, cnt);
		free(url);
		append(L);
	}
}

static void push_severity_groups(lua_State *L, const struct render *r)
{
	const struct site *s = &r->c->site;
	lua_createtable(L, (int)s->nseverities, 0);
	for (size_t v = 0; v < s->nseverities; v++) {
		push_group_row(L, s->severities[v], NULL, &r->f->severity[v]);
		append(L);
	}
}

static void push_priority_groups(lua_State *L, const struct render *r)
{
	static const enum ai_priority pris[] = {PRI_MUST, PRI_SHOULD, PRI_NICE, PRI_NONE};
	lua_createtable(L, 4, 0);
	for (size_t p = 0; p < ARRAY_SIZE(pris); p++) {
		const struct counts *cnt = &r->f->priority[pris[p]];
		if (pris[p] == PRI_NONE && !cnt->total)
			continue;
		push_group_row(L, pris[p] == PRI_NONE ? "no priority" : priority_name(pris[p]), NULL, cnt);
		append(L);
	}
}

static void set_svg(lua_State *L, const char *k, struct buf *svg)
{
	lua_pushlstring(L, buf_cstr(svg), svg->len);
	lua_setfield(L, -2, k);
	buf_reset(svg);
}

/* A list of {name, count} rows, one per bucket, as t[key]. */
static void push_buckets(lua_State *L, const char *key, const char *(*name)(size_t), const size_t *counts, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_createtable(L, 0, 2);
		set_str(L, "name", name(i));
		set_int(L, "count", (long long)counts[i]);
		append(L);
	}
	lua_setfield(L, -2, key);
}

/* Two figures per month (insights' months) as a list of {month, a, b} rows, as t[key]. */
static void push_month_rows(lua_State *L, const char *key, const struct insights *in, const char *a,
			    const double *va, const char *b, const double *vb)
{
	lua_createtable(L, (int)in->nmonths, 0);
	for (size_t i = 0; i < in->nmonths; i++) {
		lua_createtable(L, 0, 3);
		set_str(L, "month", in->months[i]);
		set_int(L, a, (long long)va[i]);
		set_int(L, b, (long long)vb[i]);
		append(L);
	}
	lua_setfield(L, -2, key);
}

/* The same buckets as a bar chart, as t[key]. */
static void bucket_chart(lua_State *L, struct buf *svg, const char *key, const char *title,
			 const char *(*name)(size_t), const size_t *counts, size_t n)
{
	const char *labels[NAGE_BUCKETS > NRESOLVE_BUCKETS ? NAGE_BUCKETS : NRESOLVE_BUCKETS];
	double v[ARRAY_SIZE(labels)];
	if (n > ARRAY_SIZE(labels))
		BUG("%zu buckets", n);
	for (size_t i = 0; i < n; i++) {
		labels[i] = name(i);
		v[i] = (double)counts[i];
	}
	chart_hbars(svg, title, labels, v, n, 0, "");
	set_svg(L, key, svg);
}

/* Two series by month (insights' months) as columns, as t[key]. */
static void month_chart(lua_State *L, struct buf *svg, const char *key, const char *title, const struct insights *in,
			const struct series s[2])
{
	const char **months = xmalloc((in->nmonths ? in->nmonths : 1) * sizeof(char *));
	for (size_t i = 0; i < in->nmonths; i++)
		months[i] = in->months[i];
	chart_columns(svg, title, months, in->nmonths, s, 2);
	set_svg(L, key, svg);
	free(months);
}

static void action_charts(lua_State *L, const struct render *r)
{
	const struct insights *in = &r->f->in;
	struct buf svg = BUF_INIT;
	size_t n = r->g->nnodes[TERM_SERVICE], m = 0;
	const char **labels = xmalloc((n ? n : 1) * sizeof(char *));
	double *values = xmalloc((n ? n : 1) * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		const struct node *nd = &r->g->nodes[TERM_SERVICE][i];
		double rate;
		if (!counts_rate(&r->f->node[TERM_SERVICE][i], &rate))
			continue;
		labels[m] = nd->name;
		values[m++] = rate * 100.0;
	}
	lua_createtable(L, 0, 3);
	chart_hbars(&svg, "Action-item completion by service (percent done)", labels, values, m, 100, "%");
	set_svg(L, "completion", &svg);
	struct series s[2] = {{"opened", in->opened_per_month}, {"closed", in->closed_per_month}};
	month_chart(L, &svg, "months", "Action items opened and closed by month", in, s);
	bucket_chart(L, &svg, "ageing", "Overdue action items by how late they are", insights_age_bucket_name,
		     in->ageing, NAGE_BUCKETS);
	lua_setfield(L, -2, "charts");
	free(labels);
	free(values);
	buf_release(&svg);
}

/* ---- follow-through (followup.h): escalated, due soon, late write-ups ---- */

/* Lists of follow-up items on one page stop here (the digest and actions.csv have every one). */
#define FOLLOWUP_LISTED 200

static void followup_prepare(struct render *r)
{
	const struct corpus *c = r->c;
	size_t total = c->npms ? r->item_base[c->npms - 1] + c->pms[c->npms - 1].nactions : 0;
	r->fu_state = xcalloc(total ? total : 1, 1);
	for (size_t i = 0; i < r->f->fu.nitems; i++) {
		const struct fu_item *it = &r->f->fu.items[i];
		r->fu_state[r->item_base[it->pm] + it->item] = it->escalated ? FU_ESCALATED : it->overdue ? FU_OVERDUE : FU_SOON;
	}
}

/* An item's due_soon/days_left, escalated and (internal builds: people) escalated_to. */
static void set_followup_fields(lua_State *L, const struct render *r, size_t pm, size_t k)
{
	unsigned char st = r->fu_state[r->item_base[pm] + k];
	if (st == FU_SOON) {
		set_bool(L, "due_soon", true);
		set_int(L, "days_left", (long long)(when_day(&r->c->pms[pm].actions[k].due) - r->o->as_of_day));
	}
	if (st != FU_ESCALATED)
		return;
	set_bool(L, "escalated", true);
	if (!r->c->allow.owners)
		return;
	const char *to[16];
	size_t n = followup_escalate_to(r->g, pm, to, ARRAY_SIZE(to));
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, to[i]);
		append(L);
	}
	lua_setfield(L, -2, "escalated_to");
}

static bool has_service(const struct render *r, size_t pm, size_t service)
{
	const struct pm_links *l = &r->g->pm[pm];
	for (size_t s = 0; s < l->nservices; s++)
		if (l->services[s] == service)
			return true;
	return service == SIZE_MAX;
}

/* The items in state `want` (FU_SOON or FU_ESCALATED), of postmortems with `service` (SIZE_MAX: any), in followup order. */
static void push_followup_items(lua_State *L, const struct render *r, struct worker *w, int want, size_t service)
{
	lua_newtable(L);
	size_t listed = 0;
	for (size_t i = 0; i < r->f->fu.nitems && listed < FOLLOWUP_LISTED; i++) {
		const struct fu_item *it = &r->f->fu.items[i];
		if (r->fu_state[r->item_base[it->pm] + it->item] != want || !has_service(r, it->pm, service))
			continue;
		push_listed_item(L, r, w, it->pm, it->item);
		append(L);
		listed++;
	}
}

static void push_day(lua_State *L, const char *k, int64_t day)
{
	struct when d = {.set = true, .epoch = day * 86400};
	set_when(L, k, &d, false);
}

/* Write-ups still draft or in review, late by more than min_late days (negative: due within -min_late days too). */
static void push_writeups(lua_State *L, const struct render *r, struct worker *w, int64_t min_late)
{
	lua_newtable(L);
	for (size_t i = 0; i < r->f->fu.nwriteups; i++) {
		const struct fu_writeup *wu = &r->f->fu.writeups[i];
		if (wu->days_late <= min_late)
			continue;
		lua_createtable(L, 0, 6);
		push_summary(L, r, w, wu->pm);
		lua_setfield(L, -2, "pm");
		push_day(L, "from", wu->from_day);
		push_day(L, "due", wu->due_day);
		set_int(L, "days_late", (long long)wu->days_late);
		if (r->c->allow.owners) /* NULL when public.strip removed it */
			set_str(L, "owner", r->c->pms[wu->pm].owner);
		append(L);
	}
}

static void push_policy(lua_State *L, const struct render *r)
{
	const struct policy *p = &r->c->site.policy;
	lua_createtable(L, 0, 4);
	set_bool(L, "set", p->set);
	set_int(L, "due_soon", p->due_soon);
	if (p->escalate_after != POLICY_NONE)
		set_int(L, "escalate_after", p->escalate_after);
}

/* Items of refs, each a listed item with its pm (at most FOLLOWUP_LISTED). */
static void push_refs(lua_State *L, const struct render *r, struct worker *w, const struct fu_ref *v, size_t n)
{
	lua_createtable(L, (int)(n < FOLLOWUP_LISTED ? n : FOLLOWUP_LISTED), 0);
	for (size_t i = 0; i < n && i < FOLLOWUP_LISTED; i++) {
		push_listed_item(L, r, w, v[i].pm, v[i].item);
		append(L);
	}
}

/* /actions/review/: the review meeting's agenda (followup_review in followup.h). */
static void ctx_review(lua_State *L, struct render *r, struct worker *w)
{
	struct fu_review rv;
	followup_review(&rv, &r->f->fu, r->c, r->g, r->o->since_day);
	lua_createtable(L, 0, 12);
	push_day(L, "since", rv.since_day);
	push_day(L, "from", r->o->as_of_day - REVIEW_WINDOW);
	push_day(L, "to", r->o->as_of_day + REVIEW_WINDOW);
	set_int(L, "window", REVIEW_WINDOW);
	push_refs(L, r, w, rv.due, rv.ndue);
	lua_setfield(L, -2, "due");
	set_int(L, "due_count", (long long)rv.ndue);
	push_refs(L, r, w, rv.newly_overdue, rv.nnewly_overdue);
	lua_setfield(L, -2, "newly_overdue");
	set_int(L, "newly_overdue_count", (long long)rv.nnewly_overdue);
	push_followup_items(L, r, w, FU_ESCALATED, SIZE_MAX);
	lua_setfield(L, -2, "escalated");
	set_int(L, "escalated_count", (long long)r->f->fu.nescalated);
	push_writeups(L, r, w, -REVIEW_WINDOW - 1);
	lua_setfield(L, -2, "write_ups");
	lua_createtable(L, (int)rv.nteams, 0);
	for (size_t i = 0; i < rv.nteams; i++) {
		const struct fu_team *t = &rv.teams[i];
		lua_createtable(L, 0, 5);
		set_str(L, "name", t->name);
		set_int(L, "done_since", (long long)t->done_since);
		set_int(L, "open", (long long)t->open);
		set_int(L, "overdue", (long long)t->overdue);
		set_int(L, "escalated", (long long)t->escalated);
		append(L);
	}
	lua_setfield(L, -2, "teams");
	push_policy(L, r);
	lua_setfield(L, -2, "policy");
	lua_setfield(L, -2, "review");
	followup_review_release(&rv);
}

static void ctx_actions(lua_State *L, struct render *r, struct worker *w)
{
	const struct insights *in = &r->f->in;
	size_t *all = xmalloc((r->c->npms ? r->c->npms : 1) * sizeof(size_t));
	for (size_t i = 0; i < r->c->npms; i++)
		all[i] = i;
	lua_createtable(L, 0, 12);
	push_counts(L, &r->f->total);
	lua_setfield(L, -2, "counts");
	push_node_groups(L, r, TERM_SERVICE);
	lua_setfield(L, -2, "by_service");
	push_node_groups(L, r, TERM_FACTOR);
	lua_setfield(L, -2, "by_factor");
	if (r->c->allow.owners) {
		push_node_groups(L, r, TERM_OWNER);
		lua_setfield(L, -2, "by_owner");
	}
	push_severity_groups(L, r);
	lua_setfield(L, -2, "by_severity");
	push_priority_groups(L, r);
	lua_setfield(L, -2, "by_priority");
	push_overdue(L, r, w, all, r->c->npms, ACTIONS_OVERDUE_LISTED, SIZE_MAX);
	lua_setfield(L, -2, "overdue");
	set_int(L, "overdue_listed", ACTIONS_OVERDUE_LISTED);
	push_followup_items(L, r, w, FU_ESCALATED, SIZE_MAX);
	lua_setfield(L, -2, "escalated");
	push_followup_items(L, r, w, FU_SOON, SIZE_MAX);
	lua_setfield(L, -2, "due_soon");
	push_writeups(L, r, w, 0);
	lua_setfield(L, -2, "late_write_ups");
	push_policy(L, r);
	lua_setfield(L, -2, "policy");
	lua_createtable(L, (int)in->nrecently_closed, 0);
	for (size_t i = 0; i < in->nrecently_closed; i++) {
		const struct item_ref *ir = &in->recently_closed[i];
		push_listed_item(L, r, w, ir->pm, ir->item);
		append(L);
	}
	lua_setfield(L, -2, "recently_closed");
	push_month_rows(L, "months", in, "opened", in->opened_per_month, "closed", in->closed_per_month);
	push_buckets(L, "ageing", insights_age_bucket_name, in->ageing, NAGE_BUCKETS);
	action_charts(L, r);
	lua_setfield(L, -2, "actions");
	free(all);
}

static void push_dist(lua_State *L, const char *k, const struct dist *d)
{
	lua_createtable(L, 0, 3);
	set_int(L, "count", (long long)d->count);
	if (d->count) {
		lua_pushnumber(L, d->median);
		lua_setfield(L, -2, "median");
		set_int(L, "p90", d->p90);
	}
	lua_setfield(L, -2, k);
}

static void push_duration_row(lua_State *L, const char *name, const char *url, const struct duration_row *row)
{
	lua_createtable(L, 0, 6);
	set_str(L, "name", name);
	set_str(L, "url", url);
	set_int(L, "count", (long long)row->count);
	push_dist(L, "detect", &row->detect);
	push_dist(L, "mitigate", &row->mitigate);
	push_dist(L, "resolve", &row->resolve);
}

static void metric_charts(lua_State *L, const struct render *r)
{
	const struct insights *in = &r->f->in;
	struct buf svg = BUF_INIT;
	lua_createtable(L, 0, 3);
	bucket_chart(L, &svg, "resolve_histogram", "Incidents by time to resolve", insights_resolve_bucket_name,
		     in->resolve_hist, NRESOLVE_BUCKETS);
	size_t ns = r->c->site.nseverities;
	const char **sev = xmalloc(ns * sizeof(char *));
	double *med = xmalloc(ns * sizeof(double));
	for (size_t i = 0; i < ns; i++) {
		sev[i] = r->c->site.severities[i];
		med[i] = in->by_severity[i].resolve.count ? in->by_severity[i].resolve.median : 0;
	}
	chart_hbars(&svg, "Median minutes to resolve by severity", sev, med, ns, 0, " min");
	set_svg(L, "resolve_by_severity", &svg);
	struct series s[2] = {{"incidents", in->incidents_per_month}, {"near-misses", in->near_misses_per_month}};
	month_chart(L, &svg, "per_month", "Incidents and near-misses per month", in, s);
	lua_setfield(L, -2, "charts");
	free(sev);
	free(med);
	buf_release(&svg);
}

static void ctx_metrics(lua_State *L, struct render *r)
{
	const struct insights *in = &r->f->in;
	lua_createtable(L, 0, 12);
	set_int(L, "incidents", (long long)in->incidents);
	set_int(L, "near_misses", (long long)in->near_misses);
	set_int(L, "drills", (long long)in->drills);
	set_int(L, "drafts", (long long)in->drafts);
	lua_createtable(L, (int)r->c->site.nseverities, 0);
	for (size_t i = 0; i < r->c->site.nseverities; i++) {
		push_duration_row(L, r->c->site.severities[i], NULL, &in->by_severity[i]);
		append(L);
	}
	lua_setfield(L, -2, "by_severity");
	lua_createtable(L, (int)in->nby_service, 0);
	for (size_t i = 0; i < in->nby_service; i++) {
		const struct node *nd = &r->g->nodes[TERM_SERVICE][in->by_service[i].node];
		char *url = node_url(TERM_SERVICE, nd);
		push_duration_row(L, nd->name, url, &in->by_service[i]);
		free(url);
		append(L);
	}
	lua_setfield(L, -2, "by_service");
	push_buckets(L, "resolve_histogram", insights_resolve_bucket_name, in->resolve_hist, NRESOLVE_BUCKETS);
	lua_createtable(L, 0, 5);
	push_dist(L, "days", &in->timeliness);
	set_int(L, "within3_pct", (long long)(in->within3 * 100.0 + 0.5));
	set_int(L, "within7_pct", (long long)(in->within7 * 100.0 + 0.5));
	if (in->npolicy) { /* measured against site.yaml's policy.write_up_within */
		set_int(L, "policy_count", (long long)in->npolicy);
		set_int(L, "within_policy_pct", (long long)(in->within_policy * 100.0 + 0.5));
	}
	lua_setfield(L, -2, "timeliness");
	push_month_rows(L, "per_month", in, "incidents", in->incidents_per_month, "near_misses",
			in->near_misses_per_month);
	metric_charts(L, r);
	lua_setfield(L, -2, "metrics");
}

/* ---- /start/ -------------------------------------------------------------------- */

/* pages/start.md, the introduction of /start/, or NULL. */
static const struct page *start_page(const struct corpus *c)
{
	for (size_t i = 0; i < c->npages; i++)
		if (!strcmp(c->pages[i].slug, "start"))
			return &c->pages[i];
	return NULL;
}

/* How many recurring factors /start/ shows, and incidents of each. */
#define START_FACTORS 8
#define START_INCIDENTS 3

static void ctx_start(lua_State *L, struct render *r, struct worker *w, const char *root)
{
	const struct page *intro = start_page(r->c);
	if (intro) {
		push_html(L, r, intro->html, root);
		lua_setfield(L, -2, "intro_html");
		push_toc(L, intro->toc, intro->ntoc);
		lua_setfield(L, -2, "toc");
	}
	lua_newtable(L);
	for (size_t i = 0; i < r->c->npms; i++) {
		if (!r->c->pms[i].featured)
			continue;
		push_summary(L, r, w, i);
		append(L);
	}
	lua_setfield(L, -2, "featured");
	size_t *order = nodes_by_count(r, TERM_FACTOR);
	lua_newtable(L);
	for (size_t k = 0; k < r->g->nnodes[TERM_FACTOR] && k < START_FACTORS; k++) {
		const struct node *nd = &r->g->nodes[TERM_FACTOR][order[k]];
		if (!nd->recurring)
			break;
		lua_createtable(L, 0, 2);
		push_node_fresh(L, r, TERM_FACTOR, order[k]);
		lua_setfield(L, -2, "factor");
		push_summaries(L, r, w, nd->pms, nd->npms < START_INCIDENTS ? nd->npms : START_INCIDENTS);
		lua_setfield(L, -2, "postmortems");
		append(L);
	}
	lua_setfield(L, -2, "recurring");
	free(order);
	lua_newtable(L);
	for (size_t i = 0; i < r->c->npages; i++) {
		if (!strcmp(r->c->pages[i].slug, "start"))
			continue;
		char *url = xstrfmt("%s/", r->c->pages[i].slug);
		push_nav_item(L, r->c->pages[i].title, url);
		free(url);
	}
	lua_setfield(L, -2, "pages");
}

/* ---- running the jobs ---------------------------------------------------- */

/* URL of a page from the root, "" for home; caller frees. */
static char *job_url(const struct render *r, const struct page_job *j)
{
	static const enum term_kind kinds[] = {[PG_SERVICE] = TERM_SERVICE, [PG_FACTOR] = TERM_FACTOR,
					       [PG_TAG] = TERM_TAG, [PG_OWNER] = TERM_OWNER};
	switch (j->kind) {
	case PG_HOME: return xstrdup("");
	case PG_PM: return xstrdup(r->cards[j->index].url);
	case PG_TIMELINE: return xstrdup("timeline/");
	case PG_SERVICES: return xstrdup("services/");
	case PG_FACTORS: return xstrdup("factors/");
	case PG_PAGE: return xstrfmt("%s/", r->c->pages[j->index].slug);
	case PG_ACTIONS: return xstrdup("actions/");
	case PG_METRICS: return xstrdup("metrics/");
	case PG_START: return xstrdup("start/");
	case PG_SEARCH: return xstrdup("search/");
	case PG_SERVICE:
	case PG_FACTOR:
	case PG_TAG:
	case PG_OWNER: return node_url(kinds[j->kind], &r->g->nodes[kinds[j->kind]][j->index]);
	case PG_TAXONOMY: return tax_url(&r->g->tax[j->index], NULL);
	case PG_TAX_TERM:
		return tax_url(&r->g->tax[TAX_OF(j->index)], &r->g->tax[TAX_OF(j->index)].terms[TERM_OF(j->index)]);
	case PG_REVIEW: return xstrdup("actions/review/");
	}
	BUG("bad page kind %d", (int)j->kind);
}

static const char *const job_template[] = {
	[PG_HOME] = "home.html",       [PG_PM] = "postmortem.html",   [PG_TIMELINE] = "timeline.html",
	[PG_SERVICES] = "services.html", [PG_SERVICE] = "service.html", [PG_FACTORS] = "factors.html",
	[PG_FACTOR] = "factor.html",   [PG_TAG] = "tag.html",         [PG_OWNER] = "owner.html",
	[PG_PAGE] = "page.html",       [PG_ACTIONS] = "actions.html", [PG_METRICS] = "metrics.html",
	[PG_START] = "start.html",     [PG_SEARCH] = "search.html",   [PG_TAXONOMY] = "taxonomy.html",
	[PG_TAX_TERM] = "term.html",     [PG_REVIEW] = "review.html",
};

static const char *const job_kind_name[] = {
	[PG_HOME] = "home",         [PG_PM] = "postmortem", [PG_TIMELINE] = "timeline",
	[PG_SERVICES] = "services", [PG_SERVICE] = "service", [PG_FACTORS] = "factors",
	[PG_FACTOR] = "factor",     [PG_TAG] = "tag",         [PG_OWNER] = "owner",
	[PG_PAGE] = "page",         [PG_ACTIONS] = "actions", [PG_METRICS] = "metrics",
	[PG_START] = "start",       [PG_SEARCH] = "search",   [PG_TAXONOMY] = "taxonomy",
	[PG_TAX_TERM] = "term",     [PG_REVIEW] = "review",
};

static char *root_of(const char *url)
{
	struct buf b = BUF_INIT;
	for (const char *p = url; *p; p++)
		if (*p == '/')
			buf_adds(&b, "../");
	if (!b.len)
		buf_adds(&b, "./");
	return buf_detach(&b, NULL);
}

static const char *job_title(const struct render *r, const struct page_job *j)
{
	static const enum term_kind kinds[] = {[PG_SERVICE] = TERM_SERVICE, [PG_FACTOR] = TERM_FACTOR,
					       [PG_TAG] = TERM_TAG, [PG_OWNER] = TERM_OWNER};
	switch (j->kind) {
	case PG_HOME: return r->c->site.title;
	case PG_PM: return r->c->pms[j->index].title;
	case PG_TIMELINE: return "Timeline";
	case PG_SERVICES: return "Services";
	case PG_FACTORS: return "Contributing factors";
	case PG_PAGE: return r->c->pages[j->index].title;
	case PG_ACTIONS: return "Action items";
	case PG_METRICS: return "Incident metrics";
	case PG_START: return start_page(r->c) ? start_page(r->c)->title : "Start here";
	case PG_SEARCH: return "Search";
	case PG_TAXONOMY: return r->g->tax[j->index].t->title;
	case PG_TAX_TERM: return r->g->tax[TAX_OF(j->index)].terms[TERM_OF(j->index)].name;
	case PG_REVIEW: return "Review agenda";
	default: return r->g->nodes[kinds[j->kind]][j->index].name;
	}
}

static void push_page(lua_State *L, const struct render *r, const struct page_job *j, const char *url)
{
	lua_createtable(L, 0, 6);
	set_str(L, "kind", job_kind_name[j->kind]);
	set_str(L, "title", job_title(r, j));
	set_str(L, "url", url);
	if (str_starts(r->o->base_url, "http://") || str_starts(r->o->base_url, "https://")) {
		char *canon = xstrfmt("%s%s", r->o->base_url, url);
		set_str(L, "canonical", canon);
		free(canon);
	}
	if (j->kind == PG_PM)
		set_str(L, "description", r->c->pms[j->index].summary);
	else
		set_str(L, "description", r->c->site.description);
}

static void push_context(lua_State *L, struct render *r, struct worker *w, const struct page_job *j,
			 const char *url, const char *root)
{
	lua_createtable(L, 0, 12);
	set_str(L, "root", root);
	lua_rawgeti(L, LUA_REGISTRYINDEX, w->site_ref);
	lua_setfield(L, -2, "site");
	push_page(L, r, j, url);
	lua_setfield(L, -2, "page");
	switch (j->kind) {
	case PG_HOME: ctx_home(L, r, w); break;
	case PG_PM:
		push_pm_full(L, r, j->index, root);
		lua_setfield(L, -2, "pm");
		free(r->bodies->pms[j->index].html); /* Lua has its copy; one job per postmortem */
		r->bodies->pms[j->index].html = NULL;
		break;
	case PG_TIMELINE: ctx_timeline(L, r, w); break;
	case PG_SERVICES: ctx_node_list(L, r, TERM_SERVICE, "services"); break;
	case PG_FACTORS: ctx_factors(L, r); break;
	case PG_SERVICE: ctx_node(L, r, w, TERM_SERVICE, j->index, "service"); break;
	case PG_FACTOR: ctx_node(L, r, w, TERM_FACTOR, j->index, "factor"); break;
	case PG_TAG: ctx_node(L, r, w, TERM_TAG, j->index, "tag"); break;
	case PG_OWNER: ctx_node(L, r, w, TERM_OWNER, j->index, "owner"); break;
	case PG_ACTIONS: ctx_actions(L, r, w); break;
	case PG_METRICS: ctx_metrics(L, r); break;
	case PG_START: ctx_start(L, r, w, root); break;
	case PG_SEARCH: break; /* search.js fills the page from the index */
	case PG_TAXONOMY: ctx_taxonomy(L, r, j->index); break;
	case PG_TAX_TERM: ctx_tax_term(L, r, w, j->index); break;
	case PG_REVIEW: ctx_review(L, r, w); break;
	case PG_PAGE: {
		const struct page *pg = &r->c->pages[j->index];
		push_html(L, r, pg->html, root);
		lua_setfield(L, -2, "content_html");
		push_toc(L, pg->toc, pg->ntoc);
		lua_setfield(L, -2, "toc");
		break;
	}
	}
}

static void render_one(void *ctx, size_t i, int worker)
{
	struct render *r = ctx;
	struct worker *w = &r->w[worker];
	const struct page_job *j = &r->jobs[i];
	lua_State *L = tmpl_lua(w->t);
	deadline_file(j->kind == PG_PM ? r->bodies->pms[j->index].path : job_template[j->kind]);
	char *url = job_url(r, j);
	char *root = root_of(url);
	int top = lua_gettop(L);
	push_context(L, r, w, j, url, root);
	lua_pushvalue(L, -1); /* ctx ctx */
	buf_reset(&w->content);
	buf_reset(&w->page);
	if (tmpl_render(w->t, job_template[j->kind], &w->content) < 0) {
		r->failed[i] = true;
		goto out;
	}
	/* ctx: wrap the page's content in base.html */
	if (tmpl_render_page(w->t, "base.html", buf_cstr(&w->content), w->content.len, &w->page) < 0) {
		r->failed[i] = true;
		goto out;
	}
	char *path = xstrcat3(url, "index.html", "");
	if (output_write_buf(r->out, path, &w->page) < 0)
		r->failed[i] = true;
	free(path);
out:
	deadline_file(NULL);
	lua_settop(L, top);
	free(url);
	free(root);
	if (j->kind == PG_PM) { /* its page was the last reader of its front matter's text (pm.fields) */
		free(r->bodies->pms[j->index].yaml);
		r->bodies->pms[j->index].yaml = NULL;
	}
}

static void add_job(struct render *r, size_t *alloc, enum page_kind kind, size_t index)
{
	ALLOC_GROW(r->jobs, r->njobs + 1, *alloc);
	r->jobs[r->njobs++] = (struct page_job){kind, index};
}

/*
 * The pages, those that list postmortems and action items from many
 * postmortems first (r->nlisting of them): they share the worker's summary
 * and item tables (push_summary, push_listed_item), so they go to one
 * worker (parallel_for_split), which makes each table once; the others
 * render the postmortems' own pages.
 */
static void plan_jobs(struct render *r)
{
	size_t alloc = 0;
	add_job(r, &alloc, PG_HOME, 0);
	add_job(r, &alloc, PG_TIMELINE, 0);
	add_job(r, &alloc, PG_ACTIONS, 0);
	static const enum page_kind kinds[] = {PG_SERVICE, PG_FACTOR, PG_TAG, PG_OWNER};
	for (int k = 0; k < NTERM_KINDS; k++) {
		if (k == TERM_OWNER && !r->c->allow.owners)
			continue;
		for (size_t i = 0; i < r->g->nnodes[k]; i++)
			if (*r->g->nodes[k][i].slug)
				add_job(r, &alloc, kinds[k], i);
	}
	for (size_t t = 0; t < r->g->ntax; t++) {
		add_job(r, &alloc, PG_TAXONOMY, t);
		for (size_t j = 0; j < r->g->tax[t].nterms && j <= 0xffffffffu; j++)
			add_job(r, &alloc, PG_TAX_TERM, (size_t)t << 32 | j);
	}
	add_job(r, &alloc, PG_START, 0);
	if (r->c->allow.owners) /* an agenda that names owners */
		add_job(r, &alloc, PG_REVIEW, 0);
	r->nlisting = r->njobs;
	for (size_t i = 0; i < r->c->npms; i++)
		add_job(r, &alloc, PG_PM, i);
	add_job(r, &alloc, PG_SERVICES, 0);
	add_job(r, &alloc, PG_FACTORS, 0);
	add_job(r, &alloc, PG_METRICS, 0);
	add_job(r, &alloc, PG_SEARCH, 0);
	for (size_t i = 0; i < r->c->npages; i++)
		if (strcmp(r->c->pages[i].slug, "start")) /* pages/start.md is the intro of /start/ */
			add_job(r, &alloc, PG_PAGE, i);
}

static int cmp_stat_self(const void *va, const void *vb)
{
	const struct tmpl_stat *a = va, *b = vb;
	if (a->self_seconds != b->self_seconds)
		return a->self_seconds > b->self_seconds ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* The templates that took longest (their own time, every worker's added up). */
static void print_template_timings(struct worker *w, int jobs)
{
	size_t n;
	struct tmpl_stat *sum = tmpl_stats(w[0].t, &n);
	for (int k = 1; k < jobs; k++) {
		size_t m;
		struct tmpl_stat *s = tmpl_stats(w[k].t, &m);
		for (size_t i = 0; i < n && i < m; i++) { /* same files, same order */
			sum[i].calls += s[i].calls;
			sum[i].cached += s[i].cached;
			sum[i].seconds += s[i].seconds;
			sum[i].self_seconds += s[i].self_seconds;
		}
		free(s);
	}
	sort_array(sum, n, sizeof(*sum), cmp_stat_self);
	for (size_t i = 0; i < n && i < 8 && sum[i].calls; i++) {
		fprintf(stderr, "timings:   template %s: %zu %s", sum[i].name, sum[i].calls, plural(sum[i].calls, "call", "calls"));
		if (sum[i].cached)
			fprintf(stderr, " (and %zu from include_cached)", sum[i].cached);
		fprintf(stderr, ", %.3f s (%.3f s with its partials)\n", sum[i].self_seconds, sum[i].seconds);
	}
	free(sum);
}

static void worker_release(void *ctx, size_t i, int worker)
{
	(void)worker;
	struct worker *w = (struct worker *)ctx + i;
	if (w->t)
		tmpl_free(w->t);
	buf_release(&w->content);
	buf_release(&w->page);
}

int render_site(struct corpus *c, const struct graph *g, const struct figures *f, struct render_opts *o,
		struct output *out)
{
	struct render r = {.c = c, .bodies = c, .g = g, .f = f, .o = o, .out = out};
	int jobs = o->jobs < 1 ? 1 : o->jobs;
	int ret = 0;
	plan_jobs(&r);
	make_cards(&r);
	r.item_base = xcalloc(c->npms ? c->npms : 1, sizeof(size_t));
	for (size_t i = 1; i < c->npms; i++)
		r.item_base[i] = r.item_base[i - 1] + c->pms[i - 1].nactions;
	followup_prepare(&r);
	if ((size_t)jobs > r.njobs)
		jobs = (int)r.njobs;
	r.w = xcalloc((size_t)jobs, sizeof(*r.w));
	struct tmpl_cache *cache = tmpl_cache_new(); /* include_cached: one for all workers */
	for (int k = 0; k < jobs; k++) {
		r.w[k].t = tmpl_open(o->layout_dirs, o->nlayout_dirs);
		if (!r.w[k].t) {
			ret = -1;
			goto out;
		}
		tmpl_share_cache(r.w[k].t, cache);
		worker_prepare(&r, &r.w[k]);
	}
	r.failed = xcalloc(r.njobs, sizeof(bool));
	parallel_for_split(r.nlisting, r.njobs, jobs, render_one, &r);
	for (size_t i = 0; i < r.njobs; i++)
		if (r.failed[i])
			ret = -1;
	if (o->timings)
		print_template_timings(r.w, jobs);
out:
	parallel_for((size_t)jobs, jobs, worker_release, r.w); /* closing a Lua state takes a while */
	tmpl_cache_free(cache);
	free(r.w);
	free(r.jobs);
	free(r.failed);
	free(r.cards);
	free(r.item_base);
	free(r.card_text);
	free(r.fu_state);
	return ret;
}

/* ---- assets ------------------------------------------------------------- */

static void add_asset(struct render_opts *o, const char *name, const char *path)
{
	o->asset_names = xrealloc(o->asset_names, (o->nassets + 1) * sizeof(char *));
	o->asset_paths = xrealloc(o->asset_paths, (o->nassets + 1) * sizeof(char *));
	o->asset_names[o->nassets] = xstrdup(name);
	o->asset_paths[o->nassets++] = xstrdup(path);
}

int render_assets(struct render_opts *o, struct output *out)
{
	int ret = 0;
	for (size_t d = 0; d < o->nlayout_dirs; d++) {
		char *dir = path_join(o->layout_dirs[d], "assets");
		struct fs_entry *e;
		size_t n;
		if (fs_walk(dir, "", &e, &n) < 0)
			ret = -1;
		free(dir);
		for (size_t i = 0; i < n; i++) {
			char *data;
			size_t len;
			if (asset_path(o, e[i].rel))
				continue; /* overridden by an earlier dir */
			if (fs_read(e[i].path, &data, &len) < 0) {
				ret = -1;
				continue;
			}
			const char *dot = strrchr(e[i].rel, '.');
			const char *slash = strrchr(e[i].rel, '/');
			if (dot && slash && dot < slash)
				dot = NULL;
			size_t stem = dot ? (size_t)(dot - e[i].rel) : strlen(e[i].rel);
			char *path = xstrfmt("assets/%.*s.%08llx%s", (int)stem, e[i].rel,
					     (unsigned long long)(hash_fnv1a(data, len) & 0xffffffffULL), dot ? dot : "");
			if (output_write(out, path, data, len) < 0)
				ret = -1;
			add_asset(o, e[i].rel, path);
			free(path);
			free(data);
		}
		fs_entries_free(e, n);
	}
	return ret;
}

void render_opts_release(struct render_opts *o)
{
	for (size_t i = 0; i < o->nassets; i++) {
		free(o->asset_names[i]);
		free(o->asset_paths[i]);
	}
	free(o->asset_names);
	free(o->asset_paths);
	o->asset_names = o->asset_paths = NULL;
	o->nassets = 0;
}
