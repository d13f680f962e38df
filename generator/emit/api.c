/* api: postmortems.json, stats.json and actions.csv (see api.h). */
#include "emit/api.h"

#include "analyze/stats.h"
#include "load/taxonomy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void json_str(struct buf *b, const char *s)
{
	buf_addch(b, '"');
	buf_add_json(b, s, strlen(s));
	buf_addch(b, '"');
}

static void json_slugs(struct buf *b, const struct graph *g, enum term_kind k, const size_t *v, size_t n)
{
	buf_addch(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_adds(b, ", ");
		json_str(b, g->nodes[k][v[i]].slug);
	}
	buf_addch(b, ']');
}

/* A YAML tree as JSON: scalars as strings, lists as arrays, mappings as objects. */
static void json_ynode(struct buf *b, const struct ynode *n)
{
	if (n->type == YN_SCALAR) {
		json_str(b, n->scalar);
		return;
	}
	buf_addch(b, n->type == YN_SEQ ? '[' : '{');
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			buf_adds(b, ", ");
		if (n->type == YN_MAP) {
			json_str(b, n->keys[i]);
			buf_adds(b, ": ");
		}
		json_ynode(b, n->items[i]);
	}
	buf_addch(b, n->type == YN_SEQ ? ']' : '}');
}

/* pm's terms of each site.yaml taxonomy, by slug: , "taxonomies": {"company": ["acme"]}. */
static void json_taxonomies(struct buf *b, const struct corpus *c, const struct postmortem *pm)
{
	buf_adds(b, ", \"taxonomies\": {");
	for (size_t t = 0; t < c->ntax; t++) {
		json_str(b, c->tax[t].t->name);
		buf_adds(b, ": [");
		const struct termlist *tl = pm->taxa ? &pm->taxa[c->tax[t].field] : NULL;
		for (size_t k = 0; tl && k < tl->n; k++) {
			if (k)
				buf_adds(b, ", ");
			json_str(b, tl->v[k].slug);
		}
		buf_adds(b, t + 1 < c->ntax ? "], " : "]");
	}
	buf_addch(b, '}');
}

void api_postmortems_json(struct buf *b, const struct corpus *c, const struct graph *g, int64_t as_of_day)
{
	buf_addch(b, '[');
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		const struct pm_links *l = &g->pm[i];
		char date[11];
		struct counts cnt;
		when_date(&pm->date, date);
		buf_adds(b, i ? ",\n {\"id\": " : "\n {\"id\": ");
		json_str(b, pm->id);
		buf_adds(b, ", \"title\": ");
		json_str(b, pm->title);
		buf_addf(b, ", \"date\": \"%s\", \"severity\": ", date);
		json_str(b, c->site.severities[pm->severity]);
		buf_addf(b, ", \"status\": \"%s\", \"visibility\": \"%s\", \"url\": ", status_name(pm->status),
			 visibility_name(pm->visibility));
		buf_adds(b, "\"postmortems/");
		buf_add_json(b, pm->slug, strlen(pm->slug));
		buf_adds(b, "/\", \"services\": ");
		json_slugs(b, g, TERM_SERVICE, l->services, l->nservices);
		buf_adds(b, ", \"factors\": ");
		json_slugs(b, g, TERM_FACTOR, l->factors, l->nfactors);
		buf_adds(b, ", \"tags\": ");
		json_slugs(b, g, TERM_TAG, l->tags, l->ntags);
		buf_adds(b, ", \"action_items\": ");
		counts_of_pm(&cnt, pm, as_of_day);
		counts_json(b, &cnt);
		if (c->ntax) /* site.yaml taxonomies: */
			json_taxonomies(b, c, pm);
		if (pm->computed && pm->computed->n) { /* on_postmortem hooks' fields (hooks.h) */
			buf_adds(b, ", \"computed\": ");
			json_ynode(b, pm->computed);
		}
		buf_addch(b, '}');
	}
	buf_adds(b, c->npms ? "\n]\n" : "]\n");
}

/* ---- stats.json ------------------------------------------------------------ */

struct group {
	size_t n;
	char **keys; /* owned */
	struct counts *counts;
};

static void group_init(struct group *gr, size_t n)
{
	gr->n = n;
	gr->keys = xcalloc(n ? n : 1, sizeof(char *));
	gr->counts = xcalloc(n ? n : 1, sizeof(struct counts));
}

static void group_release(struct group *gr)
{
	for (size_t i = 0; i < gr->n; i++)
		free(gr->keys[i]);
	free(gr->keys);
	free(gr->counts);
}

static void group_json(struct buf *b, const char *name, const struct group *gr)
{
	buf_addf(b, ",\n \"%s\": {", name);
	bool first = true;
	for (size_t i = 0; i < gr->n; i++) {
		if (!gr->keys[i])
			continue;
		buf_adds(b, first ? "\n  " : ",\n  ");
		first = false;
		json_str(b, gr->keys[i]);
		buf_adds(b, ": ");
		counts_json(b, &gr->counts[i]);
	}
	buf_adds(b, first ? "}" : "\n }");
}

/* Each item once per distinct node of kind k of its postmortem. */
static void group_by_nodes(struct group *gr, const struct corpus *c, const struct graph *g, enum term_kind k,
			   int64_t as_of_day)
{
	group_init(gr, g->nnodes[k]);
	for (size_t i = 0; i < g->nnodes[k]; i++)
		if (g->nodes[k][i].npms)
			gr->keys[i] = xstrdup(g->nodes[k][i].slug);
	for (size_t i = 0; i < c->npms; i++) {
		const struct pm_links *l = &g->pm[i];
		struct counts cnt;
		counts_of_pm(&cnt, &c->pms[i], as_of_day);
		const size_t *v = k == TERM_SERVICE ? l->services : l->factors;
		size_t n = k == TERM_SERVICE ? l->nservices : l->nfactors;
		for (size_t j = 0; j < n; j++)
			counts_merge(&gr->counts[v[j]], &cnt);
	}
}

/* Each item once per term of taxonomy x its postmortem has (taxonomy.h). */
static void group_by_taxonomy(struct group *gr, const struct corpus *c, const struct tax_index *x, int64_t as_of_day)
{
	group_init(gr, x->nterms);
	for (size_t j = 0; j < x->nterms; j++) {
		gr->keys[j] = xstrdup(x->terms[j].slug);
		for (size_t i = 0; i < x->terms[j].npms; i++) {
			struct counts cnt;
			counts_of_pm(&cnt, &c->pms[x->terms[j].pms[i]], as_of_day);
			counts_merge(&gr->counts[j], &cnt);
		}
	}
}

static void group_by_owner(struct group *gr, const struct corpus *c, const struct graph *g, int64_t as_of_day)
{
	group_init(gr, g->nnodes[TERM_OWNER]);
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		for (size_t k = 0; k < pm->nactions; k++) {
			const struct action_item *a = &pm->actions[k];
			size_t o = g->pm[i].ai_owner[k];
			if (o == SIZE_MAX)
				continue;
			if (!gr->keys[o])
				gr->keys[o] = xstrdup(g->nodes[TERM_OWNER][o].slug);
			counts_add(&gr->counts[o], a, as_of_day);
		}
	}
}

static void group_by_severity(struct group *gr, const struct corpus *c, int64_t as_of_day)
{
	group_init(gr, c->site.nseverities);
	for (size_t i = 0; i < c->site.nseverities; i++)
		gr->keys[i] = xstrdup(c->site.severities[i]);
	for (size_t i = 0; i < c->npms; i++) {
		struct counts cnt;
		counts_of_pm(&cnt, &c->pms[i], as_of_day);
		counts_merge(&gr->counts[c->pms[i].severity], &cnt);
	}
}

static void group_by_priority(struct group *gr, const struct corpus *c, int64_t as_of_day)
{
	static const enum ai_priority pris[] = {PRI_MUST, PRI_SHOULD, PRI_NICE};
	group_init(gr, 3);
	for (size_t i = 0; i < 3; i++)
		gr->keys[i] = xstrdup(priority_name(pris[i]));
	for (size_t i = 0; i < c->npms; i++)
		for (size_t k = 0; k < c->pms[i].nactions; k++) {
			const struct action_item *a = &c->pms[i].actions[k];
			if (a->priority != PRI_NONE)
				counts_add(&gr->counts[a->priority - PRI_MUST], a, as_of_day);
		}
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;
	return x < y ? -1 : x > y;
}

void percentiles(long long *v, size_t n, double *median, long long *p90)
{
	sort_array(v, n, sizeof(*v), cmp_ll);
	*median = n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2.0;
	size_t rank = (size_t)ceil(0.9 * (double)n);
	*p90 = v[rank ? rank - 1 : 0];
}

static void duration_json(struct buf *b, const char *name, long long *v, size_t n)
{
	double median;
	long long p90;
	buf_addf(b, ", \"%s\": ", name);
	if (!n) {
		buf_adds(b, "{\"count\": 0, \"median\": null, \"p90\": null}");
		return;
	}
	percentiles(v, n, &median, &p90);
	buf_addf(b, "{\"count\": %zu, \"median\": %.10g, \"p90\": %lld}", n, median, p90);
}

/* Durations of incidents (drills and near-misses left out) of one severity. */
static void durations_json(struct buf *b, const struct corpus *c, int severity)
{
	long long *v[3];
	size_t n[3] = {0}, count = 0;
	for (int k = 0; k < 3; k++)
		v[k] = xmalloc((c->npms ? c->npms : 1) * sizeof(long long));
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		if (pm->severity != severity || pm->kind != KIND_INCIDENT)
			continue;
		count++;
		const struct when *to[3] = {&pm->impact.detected, &pm->impact.mitigated, &pm->impact.resolved};
		for (int k = 0; k < 3; k++) {
			long long m = duration_minutes(&pm->impact, to[k]);
			if (m >= 0)
				v[k][n[k]++] = m;
		}
	}
	buf_addf(b, "{\"count\": %zu", count);
	duration_json(b, "detect_minutes", v[0], n[0]);
	duration_json(b, "mitigate_minutes", v[1], n[1]);
	duration_json(b, "resolve_minutes", v[2], n[2]);
	buf_addch(b, '}');
	for (int k = 0; k < 3; k++)
		free(v[k]);
}

void api_stats_json(struct buf *b, const struct corpus *c, const struct graph *g, const char *as_of)
{
	struct when w;
	when_parse(&w, as_of);
	int64_t day = when_day(&w);
	struct counts total = {0};
	for (size_t i = 0; i < c->npms; i++) {
		struct counts cnt;
		counts_of_pm(&cnt, &c->pms[i], day);
		counts_merge(&total, &cnt);
	}
	buf_addf(b, "{\"as_of\": \"%s\", \"profile\": \"%s\", \"postmortems\": %zu,\n \"action_items\": ", as_of,
		 c->profile == PROFILE_PUBLIC ? "public" : "internal", c->npms);
	counts_json(b, &total);
	struct group gr;
	group_by_nodes(&gr, c, g, TERM_SERVICE, day);
	group_json(b, "by_service", &gr);
	group_release(&gr);
	group_by_nodes(&gr, c, g, TERM_FACTOR, day);
	group_json(b, "by_factor", &gr);
	group_release(&gr);
	group_by_owner(&gr, c, g, day);
	group_json(b, "by_owner", &gr);
	group_release(&gr);
	group_by_severity(&gr, c, day);
	group_json(b, "by_severity", &gr);
	group_release(&gr);
	group_by_priority(&gr, c, day);
	group_json(b, "by_priority", &gr);
	group_release(&gr);
	for (size_t t = 0; t < c->ntax; t++) { /* site.yaml taxonomies: by_<name> */
		char *name = xstrfmt("by_%s", c->tax[t].t->name);
		group_by_taxonomy(&gr, c, &c->tax[t], day);
		group_json(b, name, &gr);
		group_release(&gr);
		free(name);
	}
	buf_adds(b, ",\n \"durations\": {\"by_severity\": {");
	for (size_t s = 0; s < c->site.nseverities; s++) {
		buf_adds(b, s ? ",\n  " : "\n  ");
		json_str(b, c->site.severities[s]);
		buf_adds(b, ": ");
		durations_json(b, c, (int)s);
	}
	buf_adds(b, c->site.nseverities ? "\n }}}\n" : "}}}\n");
}

/* ---- actions.csv -------------------------------------------------------- */

/* RFC 4180: quote a field holding a comma, quote or line break. */
/*
 * A cell a spreadsheet would read as a formula (starting with =, +, -, @,
 * tab or CR) gets a ' in front and is quoted, as OWASP's "CSV injection"
 * page recommends: the cell then shows the text as written after the quote.
 */
static bool csv_formula(const char *s)
{
	return *s && strchr("=+-@\t\r", *s);
}

static void csv_field(struct buf *b, const char *s)
{
	if (!s)
		s = "";
	bool formula = csv_formula(s);
	if (!formula && !strpbrk(s, ",\"\r\n")) {
		buf_adds(b, s);
		return;
	}
	buf_addch(b, '"');
	if (formula)
		buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(b, '"');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

static bool is_stripped(const struct corpus *c, const char *field)
{
	if (c->profile != PROFILE_PUBLIC)
		return false;
	for (size_t i = 0; i < c->site.nstrip; i++)
		if (!strcmp(c->site.strip[i], field))
			return true;
	return false;
}

void api_actions_csv(struct buf *b, const struct corpus *c, int64_t as_of_day)
{
	bool no_owner = is_stripped(c, "action_items.owner"), no_ticket = is_stripped(c, "action_items.ticket");
	buf_adds(b, "postmortem_id,title,owner,due,status,priority,ticket,overdue\r\n");
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		for (size_t k = 0; k < pm->nactions; k++) {
			const struct action_item *a = &pm->actions[k];
			char due[11] = "";
			if (a->due.set)
				when_date(&a->due, due);
			csv_field(b, pm->id);
			buf_addch(b, ',');
			csv_field(b, a->title);
			buf_addch(b, ',');
			csv_field(b, no_owner ? "" : a->owner);
			buf_addf(b, ",%s,%s,%s,", due, ai_status_name(a->status), priority_name(a->priority));
			csv_field(b, no_ticket ? "" : a->ticket);
			buf_addf(b, ",%s\r\n", ai_overdue(a, as_of_day) ? "true" : "false");
		}
	}
}

int api_write(const struct corpus *c, const struct graph *g, const struct render_opts *o, struct output *out)
{
	struct buf b = BUF_INIT;
	int ret = 0;
	api_postmortems_json(&b, c, g, o->as_of_day);
	ret |= output_write_buf(out, "api/postmortems.json", &b);
	buf_reset(&b);
	api_stats_json(&b, c, g, o->as_of);
	ret |= output_write_buf(out, "api/stats.json", &b);
	buf_reset(&b);
	api_actions_csv(&b, c, o->as_of_day);
	ret |= output_write_buf(out, "api/actions.csv", &b);
	buf_release(&b);
	return ret;
}
