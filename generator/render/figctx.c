/* figctx: the contexts of taxonomy pages, /actions/, /metrics/, follow-through, the review agenda and /start/ (see renderint.h). */
#include "render/renderint.h"

/* ---- taxonomies (site.yaml taxonomies:, taxonomy.h) --------------------------- */

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

void ctx_taxonomy(lua_State *L, const struct render *r, size_t t)
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

void ctx_tax_term(lua_State *L, struct render *r, struct worker *w, size_t index)
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
void push_pm_taxonomies(lua_State *L, const struct render *r, const struct postmortem *pm)
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
		push_group_row(L, pris[p] == PRI_NONE ? "no priority" : priority_name(pris[p]),
			       NULL, cnt);
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
static void push_buckets(lua_State *L, const char *key, const char *(*name)(size_t),
			 const size_t *counts, size_t n)
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
static void month_chart(lua_State *L, struct buf *svg, const char *key, const char *title,
			const struct insights *in, const struct series s[2])
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
	chart_hbars(&svg, "Action-item completion by service (percent done)", labels, values, m,
		    100, "%");
	set_svg(L, "completion", &svg);
	struct series s[2] = {{"opened", in->opened_per_month}, {"closed", in->closed_per_month}};
	month_chart(L, &svg, "months", "Action items opened and closed by month", in, s);
	bucket_chart(L, &svg, "ageing", "Overdue action items by how late they are",
		     insights_age_bucket_name, in->ageing, NAGE_BUCKETS);
	lua_setfield(L, -2, "charts");
	free(labels);
	free(values);
	buf_release(&svg);
}

/* ---- follow-through (followup.h): escalated, due soon, late write-ups ---- */

/* Lists of follow-up items on one page stop here (the digest and actions.csv have every one). */
#define FOLLOWUP_LISTED 200

/* An item's due_soon/days_left, escalated and (internal builds: people) escalated_to. */
void set_followup_fields(lua_State *L, const struct render *r, size_t pm, size_t k)
{
	unsigned char st = r->fu_state[r->item_base[pm] + k];
	if (st == FU_SOON) {
		set_bool(L, "due_soon", true);
		set_int(L, "days_left",
			(long long)(when_day(&r->c->pms[pm].actions[k].due) - r->o->as_of_day));
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
void push_followup_items(lua_State *L, const struct render *r, struct worker *w, int want,
			 size_t service)
{
	lua_newtable(L);
	size_t listed = 0;
	for (size_t i = 0; i < r->f->fu.nitems && listed < FOLLOWUP_LISTED; i++) {
		const struct fu_item *it = &r->f->fu.items[i];
		if (r->fu_state[r->item_base[it->pm] + it->item] != want ||
		    !has_service(r, it->pm, service))
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
void push_writeups(lua_State *L, const struct render *r, struct worker *w, int64_t min_late)
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
static void push_refs(lua_State *L, const struct render *r, struct worker *w,
		      const struct fu_ref *v, size_t n)
{
	lua_createtable(L, (int)(n < FOLLOWUP_LISTED ? n : FOLLOWUP_LISTED), 0);
	for (size_t i = 0; i < n && i < FOLLOWUP_LISTED; i++) {
		push_listed_item(L, r, w, v[i].pm, v[i].item);
		append(L);
	}
}

/* /actions/review/: the review meeting's agenda (followup_review in followup.h). */
void ctx_review(lua_State *L, struct render *r, struct worker *w)
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

void ctx_actions(lua_State *L, struct render *r, struct worker *w)
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
	push_month_rows(L, "months", in, "opened", in->opened_per_month, "closed",
			in->closed_per_month);
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

static void push_duration_row(lua_State *L, const char *name, const char *url,
			      const struct duration_row *row)
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
	bucket_chart(L, &svg, "resolve_histogram", "Incidents by time to resolve",
		     insights_resolve_bucket_name, in->resolve_hist, NRESOLVE_BUCKETS);
	size_t ns = r->c->site.nseverities;
	const char **sev = xmalloc(ns * sizeof(char *));
	double *med = xmalloc(ns * sizeof(double));
	for (size_t i = 0; i < ns; i++) {
		sev[i] = r->c->site.severities[i];
		med[i] = in->by_severity[i].resolve.count ? in->by_severity[i].resolve.median : 0;
	}
	chart_hbars_minutes(&svg, "Median time to resolve by severity", sev, med, ns);
	set_svg(L, "resolve_by_severity", &svg);
	struct series s[2] = {{"incidents", in->incidents_per_month},
			      {"near-misses", in->near_misses_per_month}};
	month_chart(L, &svg, "per_month", "Incidents and near-misses per month", in, s);
	lua_setfield(L, -2, "charts");
	free(sev);
	free(med);
	buf_release(&svg);
}

void ctx_metrics(lua_State *L, struct render *r)
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
	push_buckets(L, "resolve_histogram", insights_resolve_bucket_name, in->resolve_hist,
		     NRESOLVE_BUCKETS);
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

/* How many recurring factors /start/ shows, and incidents of each. */
#define START_FACTORS 8

#define START_INCIDENTS 3

void ctx_start(lua_State *L, struct render *r, struct worker *w, const char *root)
{
	const struct page *intro = start_page(r->c);
	if (intro) {
		push_html(L, r, intro->html, root);
		lua_setfield(L, -2, "intro_html");
		push_toc(L, intro->toc, intro->ntoc);
		lua_setfield(L, -2, "toc");
	}
	push_featured(L, r, w);
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
		push_summaries(L, r, w, nd->pms,
			       nd->npms < START_INCIDENTS ? nd->npms : START_INCIDENTS);
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

void followup_prepare(struct render *r)
{
	const struct corpus *c = r->c;
	size_t total = c->npms ? r->item_base[c->npms - 1] + c->pms[c->npms - 1].nactions : 0;
	r->fu_state = xcalloc(total ? total : 1, 1);
	for (size_t i = 0; i < r->f->fu.nitems; i++) {
		const struct fu_item *it = &r->f->fu.items[i];
		r->fu_state[r->item_base[it->pm] + it->item] = it->escalated ? FU_ESCALATED
							       : it->overdue ? FU_OVERDUE
									     : FU_SOON;
	}
}

/* pages/start.md, the introduction of /start/, or NULL. */
const struct page *start_page(const struct corpus *c)
{
	for (size_t i = 0; i < c->npages; i++)
		if (!strcmp(c->pages[i].slug, "start"))
			return &c->pages[i];
	return NULL;
}
