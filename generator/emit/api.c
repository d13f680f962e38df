/* api: postmortems.json, stats.json and actions.csv (see api.h). */
#include "emit/api.h"

#include "analyze/stats.h"
#include "analyze/taxonomy.h"

#include <stdlib.h>
#include <string.h>

static void json_slugs(struct buf *b, const struct graph *g, enum term_kind k, const size_t *v,
		       size_t n)
{
	buf_addch(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_adds(b, ", ");
		buf_add_json_str(b, g->nodes[k][v[i]].slug);
	}
	buf_addch(b, ']');
}

/* A YAML tree as JSON: scalars as strings, lists as arrays, mappings as objects. */
static void json_ynode(struct buf *b, const struct ynode *n)
{
	if (n->type == YN_SCALAR) {
		buf_add_json_str(b, n->scalar);
		return;
	}
	buf_addch(b, n->type == YN_SEQ ? '[' : '{');
	for (size_t i = 0; i < n->n; i++) {
		if (i)
			buf_adds(b, ", ");
		if (n->type == YN_MAP) {
			buf_add_json_str(b, n->keys[i]);
			buf_adds(b, ": ");
		}
		json_ynode(b, n->items[i]);
	}
	buf_addch(b, n->type == YN_SEQ ? ']' : '}');
}

/* pm's terms of each site.yaml taxonomy, by slug: , "taxonomies": {"company": ["acme"]}. */
static void json_taxonomies(struct buf *b, const struct graph *g, const struct postmortem *pm)
{
	buf_adds(b, ", \"taxonomies\": {");
	for (size_t t = 0; t < g->ntax; t++) {
		buf_add_json_str(b, g->tax[t].t->name);
		buf_adds(b, ": [");
		const struct termlist *tl = pm->taxa ? &pm->taxa[g->tax[t].field] : NULL;
		for (size_t k = 0; tl && k < tl->n; k++) {
			if (k)
				buf_adds(b, ", ");
			buf_add_json_str(b, tl->v[k].slug);
		}
		buf_adds(b, t + 1 < g->ntax ? "], " : "]");
	}
	buf_addch(b, '}');
}

void api_postmortems_json(struct buf *b, const struct corpus *c, const struct graph *g,
			  const struct figures *f)
{
	buf_addch(b, '[');
	for (size_t i = 0; i < c->npms; i++) {
		const struct postmortem *pm = &c->pms[i];
		const struct pm_links *l = &g->pm[i];
		char date[11];
		when_date(&pm->date, date);
		buf_adds(b, i ? ",\n {\"id\": " : "\n {\"id\": ");
		buf_add_json_str(b, pm->id);
		buf_adds(b, ", \"title\": ");
		buf_add_json_str(b, pm->title);
		buf_addf(b, ", \"date\": \"%s\", \"severity\": ", date);
		buf_add_json_str(b, c->site.severities[pm->severity]);
		buf_addf(b, ", \"status\": \"%s\", \"visibility\": \"%s\", \"url\": ",
			 status_name(pm->status), visibility_name(pm->visibility));
		buf_adds(b, "\"postmortems/");
		buf_add_json(b, pm->slug, strlen(pm->slug));
		buf_adds(b, "/\", \"services\": ");
		json_slugs(b, g, TERM_SERVICE, l->services, l->nservices);
		buf_adds(b, ", \"factors\": ");
		json_slugs(b, g, TERM_FACTOR, l->factors, l->nfactors);
		buf_adds(b, ", \"tags\": ");
		json_slugs(b, g, TERM_TAG, l->tags, l->ntags);
		buf_adds(b, ", \"action_items\": ");
		counts_json(b, &f->pm[i]);
		if (g->ntax) /* site.yaml taxonomies: */
			json_taxonomies(b, g, pm);
		if (pm->computed && pm->computed->n) { /* on_postmortem hooks' fields (hooks.h) */
			buf_adds(b, ", \"computed\": ");
			json_ynode(b, pm->computed);
		}
		buf_addch(b, '}');
	}
	buf_adds(b, c->npms ? "\n]\n" : "]\n");
}

/* ---- stats.json ------------------------------------------------------------ */

static void counts_entry(struct buf *b, bool *first, const char *key, const struct counts *cnt)
{
	buf_adds(b, *first ? "\n  " : ",\n  ");
	*first = false;
	buf_add_json_str(b, key);
	buf_adds(b, ": ");
	counts_json(b, cnt);
}

static void group_open(struct buf *b, const char *name)
{
	buf_addf(b, ",\n \"%s\": {", name);
}

static void group_close(struct buf *b, bool first)
{
	buf_adds(b, first ? "}" : "\n }");
}

/* by_service, by_factor (nodes with postmortems) or by_owner (owners of items), by slug. */
static void nodes_json(struct buf *b, const char *name, const struct graph *g,
		       const struct figures *f, enum term_kind k)
{
	bool first = true;
	group_open(b, name);
	for (size_t i = 0; i < g->nnodes[k]; i++)
		if (k == TERM_OWNER ? f->node[k][i].total > 0 : g->nodes[k][i].npms > 0)
			counts_entry(b, &first, g->nodes[k][i].slug, &f->node[k][i]);
	group_close(b, first);
}

static void dist_json(struct buf *b, const char *name, const struct dist *d)
{
	buf_addf(b, ", \"%s\": ", name);
	if (!d->count)
		buf_adds(b, "{\"count\": 0, \"median\": null, \"p90\": null}");
	else
		buf_addf(b, "{\"count\": %zu, \"median\": %.10g, \"p90\": %lld}", d->count,
			 d->median, d->p90);
}

void api_stats_json(struct buf *b, const struct corpus *c, const struct graph *g,
		    const struct figures *f, const char *as_of)
{
	bool first;
	buf_addf(
		b,
		"{\"as_of\": \"%s\", \"profile\": \"%s\", \"postmortems\": %zu,\n \"action_items\": ",
		as_of, c->profile == PROFILE_PUBLIC ? "public" : "internal", c->npms);
	counts_json(b, &f->total);
	/* where the due dates came from: written in the postmortem, from site.yaml's policy (policy.h), or none */
	buf_addf(b, ",\n \"due_dates\": {\"written\": %zu, \"policy\": %zu, \"none\": %zu}",
		 f->due_written, f->due_policy, f->due_none);
	nodes_json(b, "by_service", g, f, TERM_SERVICE);
	nodes_json(b, "by_factor", g, f, TERM_FACTOR);
	nodes_json(b, "by_owner", g, f, TERM_OWNER);
	group_open(b, "by_severity");
	first = true;
	for (size_t s = 0; s < c->site.nseverities; s++)
		counts_entry(b, &first, c->site.severities[s], &f->severity[s]);
	group_close(b, first);
	group_open(b, "by_priority");
	first = true;
	for (enum ai_priority p = PRI_MUST; p <= PRI_NICE; p++)
		counts_entry(b, &first, priority_name(p), &f->priority[p]);
	group_close(b, first);
	for (size_t t = 0; t < g->ntax; t++) { /* site.yaml taxonomies: by_<name> */
		char *name = xstrfmt("by_%s", g->tax[t].t->name);
		group_open(b, name);
		first = true;
		for (size_t j = 0; j < g->tax[t].nterms; j++)
			counts_entry(b, &first, g->tax[t].terms[j].slug, &f->term[t][j]);
		group_close(b, first);
		free(name);
	}
	buf_adds(b, ",\n \"durations\": {\"by_severity\": {");
	for (size_t s = 0; s < c->site.nseverities; s++) {
		const struct duration_row *r = &f->in.by_severity[s];
		buf_adds(b, s ? ",\n  " : "\n  ");
		buf_add_json_str(b, c->site.severities[s]);
		buf_addf(b, ": {\"count\": %zu", r->count);
		dist_json(b, "detect_minutes", &r->detect);
		dist_json(b, "mitigate_minutes", &r->mitigate);
		dist_json(b, "resolve_minutes", &r->resolve);
		buf_addch(b, '}');
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

void api_actions_csv(struct buf *b, const struct corpus *c, int64_t as_of_day)
{
	buf_adds(b, "postmortem_id,title,owner,due,status,priority,ticket,overdue,due_source\r\n");
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
			/* NULL when public.strip removed it (publish/profile.h) */
			csv_field(b, a->owner);
			buf_addf(b, ",%s,%s,%s,", due, ai_status_name(a->status),
				 priority_name(a->priority));
			csv_field(b, a->ticket);
			buf_addf(b, ",%s,%s\r\n", ai_overdue(a, as_of_day) ? "true" : "false",
				 !a->due.set	    ? ""
				 : a->due_by_policy ? "policy"
						    : "written");
		}
	}
}

int api_write(const struct corpus *c, const struct graph *g, const struct figures *f,
	      const struct render_opts *o, struct output *out)
{
	struct buf b = BUF_INIT;
	int ret = 0;
	api_postmortems_json(&b, c, g, f);
	ret |= output_write_buf(out, "api/postmortems.json", &b);
	buf_reset(&b);
	api_stats_json(&b, c, g, f, o->as_of);
	ret |= output_write_buf(out, "api/stats.json", &b);
	buf_reset(&b);
	api_actions_csv(&b, c, o->as_of_day);
	ret |= output_write_buf(out, "api/actions.csv", &b);
	buf_release(&b);
	return ret;
}
