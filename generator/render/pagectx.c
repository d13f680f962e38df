/* pagectx: the contexts of home, the timeline, and the service, factor, tag, owner and team pages (see renderint.h). */
#include "render/renderint.h"

/* ---- page contexts ------------------------------------------------------ */

void ctx_home(lua_State *L, struct render *r, struct worker *w)
{
	size_t n = r->c->npms < 10 ? r->c->npms : 10;
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		push_summary(L, r, w, i);
		append(L);
	}
	lua_setfield(L, -2, "recent");
	push_featured(L, r, w);
	lua_setfield(L, -2, "featured");
	/* Most recurring factors: by count, then slug. */
	const struct graph *g = r->g;
	size_t nf = g->nnodes[TERM_FACTOR];
	size_t *order = xmalloc((nf ? nf : 1) * sizeof(size_t));
	for (size_t i = 0; i < nf; i++)
		order[i] = i;
	for (size_t i = 1; i < nf; i++) { /* insertion sort: stable, small n */
		size_t v = order[i], j = i;
		while (j > 0 &&
		       g->nodes[TERM_FACTOR][order[j - 1]].npms < g->nodes[TERM_FACTOR][v].npms) {
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
	set_int(L, "owners", (long long)g->nnodes[TERM_OWNER]);
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
void push_overdue(lua_State *L, const struct render *r, struct worker *w, const size_t *pms,
		  size_t n, size_t limit, size_t owner)
{
	struct overdue_item *v = NULL;
	size_t nv = 0, alloc = 0;
	for (size_t i = 0; i < n; i++) {
		const struct postmortem *pm = &r->c->pms[pms[i]];
		for (size_t k = 0; k < pm->nactions; k++) {
			if (!ai_overdue(&pm->actions[k], r->o->as_of_day) ||
			    !owned_by(r, pms[i], k, owner))
				continue;
			ALLOC_GROW(v, nv + 1, alloc);
			v[nv++] = (struct overdue_item){
				pms[i], k, ai_days_overdue(&pm->actions[k], r->o->as_of_day)};
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
void push_items_of(lua_State *L, const struct render *r, struct worker *w, const size_t *pms,
		   size_t n, size_t owner)
{
	lua_newtable(L);
	size_t listed = 0;
	for (size_t i = 0; i < n && listed < NODE_LISTED; i++) {
		const struct postmortem *pm = &r->c->pms[pms[i]];
		for (size_t k = 0; k < pm->nactions && listed < NODE_LISTED; k++) {
			enum ai_status st = pm->actions[k].status;
			if ((st != AI_OPEN && st != AI_IN_PROGRESS) ||
			    !owned_by(r, pms[i], k, owner))
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

void ctx_timeline(lua_State *L, struct render *r, struct worker *w)
{
	static const char *const months[] = {"January",	  "February", "March",	  "April",
					     "May",	  "June",     "July",	  "August",
					     "September", "October",  "November", "December"};
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
		set_int(L, "listed",
			(long long)(i < TIMELINE_LISTED	      ? i - first
				    : first < TIMELINE_LISTED ? TIMELINE_LISTED - first
							      : 0));
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
static void push_tally(lua_State *L, const struct render *r, enum term_kind k, const size_t *pms,
		       size_t n, size_t self)
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

/* ---- teams (site.yaml teams:, sitelinks.h; internal builds only: they name people) ---- */

/* t.team_url: the page of the team named `name` (a service's team:), when site.yaml has that team. */
static void push_team_url(lua_State *L, const struct render *r, const char *name)
{
	if (!name || !has_teams(r))
		return;
	char *slug = slugify(name);
	for (size_t i = 0; i < r->c->site.links.nteams; i++)
		if (!strcmp(r->c->site.links.teams[i].slug, slug)) {
			char *url = team_url(&r->c->site.links.teams[i]);
			set_str(L, "team_url", url);
			free(url);
			break;
		}
	free(slug);
}

/* The owner node of each member of team t that owns anything, each once, into out (t->nmembers long). */
static size_t team_owners(const struct render *r, const struct team *t, size_t *out)
{
	size_t n = 0;
	for (size_t m = 0; m < t->nmembers; m++) {
		char *slug = graph_canonical(r->g, t->members[m]);
		size_t o = graph_find(r->g, TERM_OWNER, slug);
		free(slug);
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = out[k] == o;
		if (o != SIZE_MAX && !seen)
			out[n++] = o;
	}
	return n;
}

static int cmp_size(const void *va, const void *vb)
{
	size_t a = *(const size_t *)va, b = *(const size_t *)vb;
	return a < b ? -1 : a > b;
}

/* The postmortems of the given owner nodes, each once, newest first; *n gets how many. */
static size_t *owners_pms(const struct render *r, const size_t *owners, size_t nowners, size_t *n)
{
	size_t total = 0, k = 0;
	for (size_t i = 0; i < nowners; i++)
		total += r->g->nodes[TERM_OWNER][owners[i]].npms;
	size_t *v = xmalloc((total ? total : 1) * sizeof(size_t));
	for (size_t i = 0; i < nowners; i++) {
		const struct node *nd = &r->g->nodes[TERM_OWNER][owners[i]];
		memcpy(v + k, nd->pms, nd->npms * sizeof(size_t));
		k += nd->npms;
	}
	sort_array(v, total, sizeof(size_t), cmp_size);
	k = 0;
	for (size_t i = 0; i < total; i++)
		if (!k || v[k - 1] != v[i])
			v[k++] = v[i];
	*n = k;
	return v;
}

/*
 * Team t: {name, slug, url, count, actions, members = [{name, url, count,
 * actions}]}; with `full`, also its postmortems (owned by, or with action
 * items of, a member) and the open items its members own.
 */
void push_team(lua_State *L, struct render *r, struct worker *w, size_t ti, bool full)
{
	const struct team *t = &r->c->site.links.teams[ti];
	size_t *owners = xmalloc((t->nmembers ? t->nmembers : 1) * sizeof(size_t));
	size_t nowners = team_owners(r, t, owners), npms;
	size_t *pms = owners_pms(r, owners, nowners, &npms);
	struct counts total = {0};
	char *url = team_url(t);
	lua_createtable(L, 0, 8);
	set_str(L, "name", t->name);
	set_str(L, "slug", t->slug);
	set_str(L, "url", url);
	set_int(L, "count", (long long)npms);
	lua_createtable(L, (int)t->nmembers, 0);
	for (size_t m = 0; m < t->nmembers; m++) {
		char *slug = graph_canonical(r->g, t->members[m]);
		size_t o = graph_find(r->g, TERM_OWNER, slug);
		free(slug);
		if (o == SIZE_MAX) { /* owns nothing yet */
			lua_createtable(L, 0, 2);
			set_str(L, "name", t->members[m]);
			set_int(L, "count", 0);
		} else {
			push_node_common(L, r, TERM_OWNER, o);
		}
		append(L);
	}
	lua_setfield(L, -2, "members");
	/* an owner's node counts: the items it owns (figures.h) */
	for (size_t i = 0; i < nowners; i++)
		counts_merge(&total, &r->f->node[TERM_OWNER][owners[i]]);
	push_counts(L, &total);
	lua_setfield(L, -2, "actions");
	if (full) {
		push_summaries(L, r, w, pms, npms < NODE_LISTED ? npms : NODE_LISTED);
		lua_setfield(L, -2, "postmortems");
		lua_newtable(L); /* open items */
		size_t listed = 0;
		for (size_t i = 0; i < npms && listed < NODE_LISTED; i++) {
			const struct postmortem *pm = &r->c->pms[pms[i]];
			for (size_t k = 0; k < pm->nactions && listed < NODE_LISTED; k++) {
				enum ai_status st = pm->actions[k].status;
				bool mine = false;
				for (size_t o = 0; o < nowners && !mine; o++)
					mine = r->g->pm[pms[i]].ai_owner[k] == owners[o];
				if ((st != AI_OPEN && st != AI_IN_PROGRESS) || !mine)
					continue;
				push_listed_item(L, r, w, pms[i], k);
				append(L);
				listed++;
			}
		}
		lua_setfield(L, -2, "open_items");
	}
	free(url);
	free(pms);
	free(owners);
}

/* owner.teams: the teams an owner node is in ({name, url}). */
static void push_owner_teams(lua_State *L, const struct render *r, size_t owner)
{
	lua_newtable(L);
	for (size_t ti = 0; has_teams(r) && ti < r->c->site.links.nteams; ti++) {
		const struct team *t = &r->c->site.links.teams[ti];
		bool in = false;
		for (size_t m = 0; m < t->nmembers && !in; m++) {
			char *slug = graph_canonical(r->g, t->members[m]);
			in = !strcmp(slug, r->g->nodes[TERM_OWNER][owner].slug);
			free(slug);
		}
		if (!in)
			continue;
		char *url = team_url(t);
		push_nav_item(L, t->name, url);
		free(url);
	}
	lua_setfield(L, -2, "teams");
}

/* Fields every node page and list shares: name, url, count, dates, action counts. */
void push_node_common(lua_State *L, const struct render *r, enum term_kind k, size_t i)
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
		push_team_url(L, r, nd->info->team);
		if (nd->info->tier)
			set_int(L, "tier", nd->info->tier);
		lua_createtable(L, (int)nd->info->nlinks, 0);
		for (size_t l = 0; l < nd->info->nlinks; l++)
			push_nav_item(L, nd->info->link_titles[l], nd->info->link_urls[l]);
		lua_setfield(L, -2, "links");
	}
}

/* Node indices of kind k ordered by how many postmortems they have (then slug). */
size_t *nodes_by_count(const struct render *r, enum term_kind k)
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
	size_t rows = 0,
	       cols = g->nnodes[TERM_SERVICE] < MATRIX_COLS ? g->nnodes[TERM_SERVICE] : MATRIX_COLS;
	while (rows < g->nnodes[TERM_FACTOR] && rows < MATRIX_ROWS &&
	       g->nodes[TERM_FACTOR][fo[rows]].recurring)
		rows++;
	size_t *col_of =
		xmalloc((g->nnodes[TERM_SERVICE] ? g->nnodes[TERM_SERVICE] : 1) * sizeof(size_t));
	for (size_t i = 0; i < g->nnodes[TERM_SERVICE]; i++)
		col_of[i] = SIZE_MAX;
	for (size_t c = 0; c < cols; c++)
		col_of[so[c]] = c;
	size_t ncells = rows * cols;
	double *v = xcalloc(ncells ? ncells : 1, sizeof(double));
	const char **rl = xmalloc((rows ? rows : 1) * sizeof(char *)),
		   **cl = xmalloc((cols ? cols : 1) * sizeof(char *));
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

void ctx_factors(lua_State *L, struct render *r)
{
	push_matrix(L, r);
	static const enum factor_category cats[] = {CAT_TECHNICAL, CAT_PROCESS, CAT_COMMUNICATION,
						    CAT_EXTERNAL, CAT_NONE};
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
	int first = date_part(&r->c->pms[nd->pms[nd->npms - 1]], 0),
	    last = date_part(&r->c->pms[nd->pms[0]], 0);
	size_t years = (size_t)(last - first + 1),
	       ns = r->c->site.nseverities < 3 ? r->c->site.nseverities : 3;
	char(*labels)[8] = xcalloc(years, sizeof(*labels));
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
		names[k] = k + 1 < ns || ns == r->c->site.nseverities
				   ? xstrdup(r->c->site.severities[k])
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

void ctx_node(lua_State *L, struct render *r, struct worker *w, enum term_kind k, size_t i,
	      const char *field)
{
	const struct node *nd = &r->g->nodes[k][i];
	push_node_common(L, r, k, i);
	push_summaries(L, r, w, nd->pms, nd->npms < NODE_LISTED ? nd->npms : NODE_LISTED);
	lua_setfield(L, -2, "postmortems");
	if (k == TERM_OWNER)
		push_owner_teams(L, r, i);
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
		lua_createtable(L,
				nd->nrecurrences < RECURRENCES_LISTED ? (int)nd->nrecurrences
								      : RECURRENCES_LISTED,
				0);
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

void ctx_teams(lua_State *L, struct render *r, struct worker *w)
{
	lua_createtable(L, (int)r->c->site.links.nteams, 0);
	for (size_t ti = 0; ti < r->c->site.links.nteams; ti++) {
		push_team(L, r, w, ti, false);
		append(L);
	}
	lua_setfield(L, -2, "teams");
}

void ctx_node_list(lua_State *L, struct render *r, enum term_kind k, const char *field)
{
	lua_createtable(L, (int)r->g->nnodes[k], 0);
	for (size_t i = 0; i < r->g->nnodes[k]; i++) {
		push_node_common(L, r, k, i);
		append(L);
	}
	lua_setfield(L, -2, field);
}
