/* pmctx: a postmortem in a template context (its summary, links, items, full page) and the site table (see renderint.h). */
#include "render/renderint.h"

/* ---- small Lua helpers -------------------------------------------------- */

void set_when(lua_State *L, const char *k, const struct when *w, bool iso)
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

void push_counts(lua_State *L, const struct counts *c)
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

/* pm.fields: the front matter as written (parsed again from its text: a build does not keep the tree). */
static void push_front(lua_State *L, const struct postmortem *pm)
{
	struct ynode *tree = NULL;
	if (pm->yaml && yaml_parse(pm->path, pm->yaml, pm->yaml_len, 2, &tree) < 0)
		BUG("%s: front matter that parsed once did not parse again", pm->path);
	push_ynode(L, tree);
	ynode_free(tree);
}

/* A new table {name, slug, url, count[, category, recurring]} for node i of kind k. */
void push_node_fresh(lua_State *L, const struct render *r, enum term_kind k, size_t i)
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
void push_node_ref(lua_State *L, const struct render *r, enum term_kind k, size_t i)
{
	static const char *const keys[] = {"aftermath.services", "aftermath.factors",
					   "aftermath.tags", "aftermath.owners"};
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

static void push_node_refs(lua_State *L, const struct render *r, enum term_kind k, const size_t *v,
			   size_t n)
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
void push_summary(lua_State *L, const struct render *r, struct worker *w, size_t i)
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

/* t.ticket_url: the ticket in site.yaml's tickets: template (a ticket that is a URL itself links as it is). */
static void push_ticket_url(lua_State *L, const struct render *r, const char *ticket)
{
	struct buf b = BUF_INIT;
	if (ticket && !str_starts(ticket, "http://") && !str_starts(ticket, "https://") &&
	    site_ticket_url(&r->c->site.links, ticket, &b))
		set_str(L, "ticket_url", buf_cstr(&b));
	buf_release(&b);
}

/* Item k of postmortem pm; owner_url when its owner has a page (internal builds). */
static void push_action_item(lua_State *L, const struct render *r, size_t pm, size_t k)
{
	const struct action_item *a = &r->c->pms[pm].actions[k];
	size_t owner = r->g->pm[pm].ai_owner[k]; /* SIZE_MAX in public builds: no owner nodes */
	lua_createtable(L, 0, 12);
	set_str(L, "title", a->title);
	set_str(L, "owner", a->owner); /* NULL when public.strip removed it (publish/profile.h) */
	if (owner != SIZE_MAX && *r->g->nodes[TERM_OWNER][owner].slug) {
		char *url = node_url(TERM_OWNER, &r->g->nodes[TERM_OWNER][owner]);
		set_str(L, "owner_url", url);
		free(url);
	}
	set_when(L, "due", &a->due, false);
	if (a->due_by_policy)
		set_bool(L, "due_by_policy", true);
	set_str(L, "status", ai_status_name(a->status));
	if (a->priority != PRI_NONE)
		set_str(L, "priority", priority_name(a->priority));
	set_str(L, "ticket", a->ticket); /* NULL when public.strip removed it */
	push_ticket_url(L, r, a->ticket);
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
void push_listed_item(lua_State *L, const struct render *r, struct worker *w, size_t pm, size_t k)
{
	lua_Integer key = (lua_Integer)(r->item_base[pm] + k) + 1;
	lua_rawgeti(L, LUA_REGISTRYINDEX, w->items_ref);
	if (lua_rawgeti(L, -1, key) == LUA_TNIL) {
		lua_pop(L, 1);
		push_action_item(L, r, pm, k);
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
	set_str(L, "kind", kind_name(r->c->pms[i].kind));
}

/* t[key]: the nodes of kind k in both a and b (a's order): what two postmortems share. */
static void push_shared(lua_State *L, const struct render *r, enum term_kind k, const size_t *a,
			size_t na, const size_t *b, size_t nb, const char *key)
{
	lua_newtable(L);
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++)
			if (a[i] == b[j]) {
				push_node_ref(L, r, k, a[i]);
				append(L);
				break;
			}
	lua_setfield(L, -2, key);
}

/* pm.related: each with why, and the services and factors it shares with this one (the reason it is similar). */
static void push_related(lua_State *L, const struct render *r, const struct pm_links *l)
{
	static const char *const why[] = {"related", "links here", "similar"};
	lua_createtable(L, (int)l->nrelated, 0);
	for (size_t k = 0; k < l->nrelated; k++) {
		const struct pm_links *o = &r->g->pm[l->related[k].pm];
		push_link(L, r, l->related[k].pm);
		set_str(L, "why", why[l->related[k].why]);
		push_shared(L, r, TERM_SERVICE, l->services, l->nservices, o->services,
			    o->nservices, "shared_services");
		push_shared(L, r, TERM_FACTOR, l->factors, l->nfactors, o->factors, o->nfactors,
			    "shared_factors");
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

void push_html(lua_State *L, const struct render *r, const char *html, const char *root)
{
	size_t len = html ? strlen(html) : 0;
	/* most bodies: no [[ID]] to resolve, no copy */
	if (!len || !memchr(html, WIKILINK_MARK, len)) {
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

void push_toc(lua_State *L, const struct toc_entry *toc, size_t n)
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

static int lazy_index(lua_State *L)
{
	static const char *const names[] = {
		[LAZY_PM_FIELDS] = "fields", [LAZY_NODE_OVERDUE] = "overdue"};
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
		push_overdue(L, r, w, nd->pms, nd->npms, NODE_LISTED,
			     k == TERM_OWNER ? i : SIZE_MAX);
	}
	lua_pushvalue(L, 2);
	lua_pushvalue(L, -2);
	lua_rawset(L, 1); /* made once per page */
	return 1;
}

/* Give the table on top the metatable that makes field `what` on demand. */
void set_lazy(lua_State *L, const struct render *r, struct worker *w, enum lazy_field what,
	      enum term_kind k, size_t i)
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

void push_pm_full(lua_State *L, const struct render *r, size_t i, const char *root)
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
		push_action_item(L, r, i, k);
		append(L);
	}
	lua_setfield(L, -2, "action_items");
	set_bool(L, "actions_from_body", pm->actions_from_body);
	/* imported (fieldmap.h) */
	if (pm->source || pm->impact_from_timeline || pm->actions_section.line)
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
	push_nav_item(L, "Postmortems", "postmortems/");
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

void worker_prepare(struct render *r, struct worker *w)
{
	lua_State *L = tmpl_lua(w->t);
	push_site(L, r);
	w->site_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, (int)r->c->npms, 0); /* filled by push_summary */
	w->summaries_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	size_t nitems =
		r->c->npms ? r->item_base[r->c->npms - 1] + r->c->pms[r->c->npms - 1].nactions : 0;
	lua_createtable(L, (int)nitems, 0); /* filled by push_listed_item */
	w->items_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}

const char *asset_path(const struct render_opts *o, const char *name)
{
	for (size_t i = 0; i < o->nassets; i++)
		if (!strcmp(o->asset_names[i], name))
			return o->asset_paths[i];
	return NULL;
}

void push_summaries(lua_State *L, const struct render *r, struct worker *w, const size_t *v,
		    size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_summary(L, r, w, v[i]);
		append(L);
	}
}

void push_featured(lua_State *L, const struct render *r, struct worker *w)
{
	lua_newtable(L);
	for (size_t i = 0; i < r->c->npms; i++) {
		if (!r->c->pms[i].featured)
			continue;
		push_summary(L, r, w, i);
		append(L);
	}
}
