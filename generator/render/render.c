/* render: the pages a build has, their kinds, rendering them on the workers, and the assets (see render.h). */
#include "render/render.h"

#include "render/renderint.h"

static void make_cards(struct render *r)
{
	const struct corpus *c = r->c;
	size_t total = 0;
	for (size_t i = 0; i < c->npms; i++)
		total += strlen(c->pms[i].id) + strlen(c->pms[i].title) + strlen(c->pms[i].slug) +
			 sizeof("postmortems//") + 2;
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

/* ---- running the jobs ---------------------------------------------------- */

static char *pm_url(const struct render *r, size_t i)
{
	return xstrdup(r->cards[i].url);
}

static const char *pm_title(const struct render *r, size_t i)
{
	return r->c->pms[i].title;
}

static char *page_url(const struct render *r, size_t i)
{
	return xstrfmt("%s/", r->c->pages[i].slug);
}

static const char *page_title(const struct render *r, size_t i)
{
	return r->c->pages[i].title;
}

static const char *site_title(const struct render *r, size_t i)
{
	(void)i;
	return r->c->site.title;
}

static const char *start_title(const struct render *r, size_t i)
{
	(void)i;
	return start_page(r->c) ? start_page(r->c)->title : "Start here";
}

static char *node_url_of(const struct render *r, enum term_kind k, size_t i)
{
	return node_url(k, &r->g->nodes[k][i]);
}

static char *taxonomy_url(const struct render *r, size_t t)
{
	return tax_url(&r->g->tax[t], NULL);
}

static const char *taxonomy_title(const struct render *r, size_t t)
{
	return r->g->tax[t].t->title;
}

static char *term_url(const struct render *r, size_t index)
{
	const struct tax_index *x = &r->g->tax[TAX_OF(index)];
	return tax_url(x, &x->terms[TERM_OF(index)]);
}

static const char *term_title(const struct render *r, size_t index)
{
	return r->g->tax[TAX_OF(index)].terms[TERM_OF(index)].name;
}

static char *team_url_of(const struct render *r, size_t i)
{
	return team_url(&r->c->site.links.teams[i]);
}

static const char *team_title(const struct render *r, size_t i)
{
	return r->c->site.links.teams[i].name;
}

static void pm_page_ctx(lua_State *L, struct render *r, struct worker *w, size_t i,
			const char *root)
{
	(void)w;
	push_pm_full(L, r, i, root);
	lua_setfield(L, -2, "pm");
	free(r->bodies->pms[i].html); /* Lua has its copy; one job per postmortem */
	r->bodies->pms[i].html = NULL;
}

static void extra_page_ctx(lua_State *L, struct render *r, struct worker *w, size_t i,
			   const char *root)
{
	(void)w;
	const struct page *pg = &r->c->pages[i];
	push_html(L, r, pg->html, root);
	lua_setfield(L, -2, "content_html");
	push_toc(L, pg->toc, pg->ntoc);
	lua_setfield(L, -2, "toc");
}

#define UNUSED_INDEX (void)i, (void)root

static void home_ctx(lua_State *L, struct render *r, struct worker *w, size_t i, const char *root)
{
	UNUSED_INDEX;
	ctx_home(L, r, w);
}

static void timeline_ctx(lua_State *L, struct render *r, struct worker *w, size_t i,
			 const char *root)
{
	UNUSED_INDEX;
	ctx_timeline(L, r, w);
}

static void factors_ctx(lua_State *L, struct render *r, struct worker *w, size_t i,
			const char *root)
{
	UNUSED_INDEX;
	(void)w;
	ctx_factors(L, r);
}

static void actions_ctx(lua_State *L, struct render *r, struct worker *w, size_t i,
			const char *root)
{
	UNUSED_INDEX;
	ctx_actions(L, r, w);
}

static void metrics_ctx(lua_State *L, struct render *r, struct worker *w, size_t i,
			const char *root)
{
	UNUSED_INDEX;
	(void)w;
	ctx_metrics(L, r);
}

static void start_ctx(lua_State *L, struct render *r, struct worker *w, size_t i, const char *root)
{
	(void)i;
	ctx_start(L, r, w, root);
}

static void taxonomy_ctx(lua_State *L, struct render *r, struct worker *w, size_t i,
			 const char *root)
{
	(void)w, (void)root;
	ctx_taxonomy(L, r, i);
}

static void term_ctx(lua_State *L, struct render *r, struct worker *w, size_t i, const char *root)
{
	(void)root;
	ctx_tax_term(L, r, w, i);
}

static void review_ctx(lua_State *L, struct render *r, struct worker *w, size_t i, const char *root)
{
	UNUSED_INDEX;
	ctx_review(L, r, w);
}

static void teams_ctx(lua_State *L, struct render *r, struct worker *w, size_t i, const char *root)
{
	UNUSED_INDEX;
	ctx_teams(L, r, w);
}

static void team_ctx(lua_State *L, struct render *r, struct worker *w, size_t i, const char *root)
{
	(void)root;
	push_team(L, r, w, i, true);
	lua_setfield(L, -2, "team");
}

#undef UNUSED_INDEX

/*
 * The page kinds, one row each: what a page of the kind is called in
 * templates (page.kind), its template, its URL from the root ("" for home)
 * and its title, fixed or its item's (the item is the job's index: a
 * postmortem, a node, a taxonomy, a team...), and how its context is made.
 * plan_jobs() decides which pages a build has.
 */
struct page_kind_def {
	const char *name;
	const char *template;
	const char *url;   /* NULL: item_url */
	const char *title; /* NULL: item_title */
	char *(*item_url)(const struct render *r, size_t index);
	const char *(*item_title)(const struct render *r, size_t index);
	/* The page's own fields of the context table on top of L (NULL: none, or a node kind's). */
	void (*context)(lua_State *L, struct render *r, struct worker *w, size_t index,
			const char *root);
	/*
	 * A service, factor, tag or owner page (node_list false: the item is the
	 * node) or the index of them all (node_list true): its term kind + 1, 0
	 * otherwise.  Its URL, title and context are the node's, the context under
	 * `name` ("service", "services").
	 */
	int node;
	bool node_list;
};

static const struct page_kind_def page_kinds[] = {
	[PG_HOME] = {"home", "home.html", "", NULL, NULL, site_title, home_ctx},
	[PG_PM] = {"postmortem", "postmortem.html", NULL, NULL, pm_url, pm_title, pm_page_ctx},
	[PG_TIMELINE] = {"timeline", "timeline.html", "timeline/", "Timeline", NULL, NULL,
			 timeline_ctx},
	[PG_POSTMORTEMS] = {"postmortems", "timeline.html", "postmortems/", "Postmortems", NULL,
			    NULL, timeline_ctx},
	[PG_SERVICES] = {"services", "services.html", "services/", "Services",
			 .node = TERM_SERVICE + 1, .node_list = true},
	[PG_SERVICE] = {"service", "service.html", .node = TERM_SERVICE + 1},
	[PG_FACTORS] = {"factors", "factors.html", "factors/", "Contributing factors", NULL, NULL,
			factors_ctx},
	[PG_FACTOR] = {"factor", "factor.html", .node = TERM_FACTOR + 1},
	[PG_TAGS] = {"tags", "tags.html", "tags/", "Tags", .node = TERM_TAG + 1, .node_list = true},
	[PG_TAG] = {"tag", "tag.html", .node = TERM_TAG + 1},
	[PG_OWNERS] = {"owners", "owners.html", "owners/", "Owners", .node = TERM_OWNER + 1,
		       .node_list = true},
	[PG_OWNER] = {"owner", "owner.html", .node = TERM_OWNER + 1},
	[PG_TEAMS] = {"teams", "teams.html", "teams/", "Teams", NULL, NULL, teams_ctx},
	[PG_TEAM] = {"team", "team.html", NULL, NULL, team_url_of, team_title, team_ctx},
	[PG_PAGE] = {"page", "page.html", NULL, NULL, page_url, page_title, extra_page_ctx},
	[PG_ACTIONS] = {"actions", "actions.html", "actions/", "Action items", NULL, NULL,
			actions_ctx},
	[PG_REVIEW] = {"review", "review.html", "actions/review/", "Review agenda", NULL, NULL,
		       review_ctx},
	[PG_METRICS] = {"metrics", "metrics.html", "metrics/", "Incident metrics", NULL, NULL,
			metrics_ctx},
	[PG_START] = {"start", "start.html", "start/", NULL, NULL, start_title, start_ctx},
	[PG_SEARCH] = {"search", "search.html", "search/", "Search", NULL, NULL,
		       NULL}, /* search.js fills it */
	[PG_TAXONOMY] = {"taxonomy", "taxonomy.html", NULL, NULL, taxonomy_url, taxonomy_title,
			 taxonomy_ctx},
	[PG_TAX_TERM] = {"term", "term.html", NULL, NULL, term_url, term_title, term_ctx},
};

/* URL of a page from the root, "" for home; caller frees. */
static char *job_url(const struct render *r, const struct page_job *j)
{
	const struct page_kind_def *k = &page_kinds[j->kind];
	if (k->url)
		return xstrdup(k->url);
	return k->node ? node_url_of(r, (enum term_kind)(k->node - 1), j->index)
		       : k->item_url(r, j->index);
}

static const char *job_title(const struct render *r, const struct page_job *j)
{
	const struct page_kind_def *k = &page_kinds[j->kind];
	if (k->title)
		return k->title;
	return k->node ? r->g->nodes[k->node - 1][j->index].name : k->item_title(r, j->index);
}

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

static void push_page(lua_State *L, const struct render *r, const struct page_job *j,
		      const char *url)
{
	lua_createtable(L, 0, 6);
	set_str(L, "kind", page_kinds[j->kind].name);
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
	/* "Edit this page": internal builds only (the source path names the internal id). */
	const char *rel = j->kind == PG_PM     ? r->c->pms[j->index].rel
			  : j->kind == PG_PAGE ? r->c->pages[j->index].rel
					       : NULL;
	struct buf edit = BUF_INIT;
	if (r->c->allow.sources && site_edit_url(&r->c->site.links, rel, &edit))
		set_str(L, "edit_url", buf_cstr(&edit));
	buf_release(&edit);
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
	const struct page_kind_def *k = &page_kinds[j->kind];
	if (k->node && k->node_list)
		ctx_node_list(L, r, (enum term_kind)(k->node - 1), k->name);
	else if (k->node)
		ctx_node(L, r, w, (enum term_kind)(k->node - 1), j->index, k->name);
	else if (k->context)
		k->context(L, r, w, j->index, root);
}

static void render_one(void *ctx, size_t i, int worker)
{
	struct render *r = ctx;
	struct worker *w = &r->w[worker];
	const struct page_job *j = &r->jobs[i];
	lua_State *L = tmpl_lua(w->t);
	deadline_file(j->kind == PG_PM ? r->bodies->pms[j->index].path
				       : page_kinds[j->kind].template);
	char *url = job_url(r, j);
	char *root = root_of(url);
	int top = lua_gettop(L);
	push_context(L, r, w, j, url, root);
	lua_pushvalue(L, -1); /* ctx ctx */
	buf_reset(&w->content);
	buf_reset(&w->page);
	if (tmpl_render(w->t, page_kinds[j->kind].template, &w->content) < 0) {
		r->failed[i] = true;
		goto out;
	}
	/* ctx: wrap the page's content in base.html */
	if (tmpl_render_page(w->t, "base.html", buf_cstr(&w->content), w->content.len, &w->page) <
	    0) {
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
	/* its page was the last reader of its front matter's text (pm.fields) */
	if (j->kind == PG_PM) {
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
	add_job(r, &alloc, PG_POSTMORTEMS, 0);
	for (size_t t = 0; has_teams(r) && t < r->c->site.links.nteams; t++)
		add_job(r, &alloc, PG_TEAM, t);
	r->nlisting = r->njobs;
	for (size_t i = 0; i < r->c->npms; i++)
		add_job(r, &alloc, PG_PM, i);
	add_job(r, &alloc, PG_SERVICES, 0);
	add_job(r, &alloc, PG_FACTORS, 0);
	add_job(r, &alloc, PG_METRICS, 0);
	add_job(r, &alloc, PG_SEARCH, 0);
	add_job(r, &alloc, PG_TAGS, 0);
	if (r->c->allow.owners) /* names people */
		add_job(r, &alloc, PG_OWNERS, 0);
	if (has_teams(r))
		add_job(r, &alloc, PG_TEAMS, 0);
	for (size_t i = 0; i < r->c->npages; i++)
		if (strcmp(r->c->pages[i].slug,
			   "start")) /* pages/start.md is the intro of /start/ */
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
		fprintf(stderr, "timings:   template %s: %zu %s", sum[i].name, sum[i].calls,
			plural(sum[i].calls, "call", "calls"));
		if (sum[i].cached)
			fprintf(stderr, " (and %zu from include_cached)", sum[i].cached);
		fprintf(stderr, ", %.3f s (%.3f s with its partials)\n", sum[i].self_seconds,
			sum[i].seconds);
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

int render_site(struct corpus *c, const struct graph *g, const struct figures *f,
		struct render_opts *o, struct output *out)
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
	/* closing a Lua state takes a while */
	parallel_for((size_t)jobs, jobs, worker_release, r.w);
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
			char *path =
				xstrfmt("assets/%.*s.%08llx%s", (int)stem, e[i].rel,
					(unsigned long long)(hash_fnv1a(data, len) & 0xffffffffULL),
					dot ? dot : "");
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
