/* stats: the `stats` command (see stats.h). */
#include "cmd/stats.h"

#include "cmd/pipeline.h"
#include "emit/api.h"

static void stats_row(struct buf *b, const char *name, const struct counts *c)
{
	double rate;
	buf_addf(b, "  %-32.32s %6zu %6zu %6zu %6zu %6zu %7zu   ", name, c->total, c->done, c->open,
		 c->in_progress, c->wont_do, c->overdue);
	if (counts_rate(c, &rate))
		buf_addf(b, "%5.1f%%\n", rate * 100.0);
	else
		buf_adds(b, "    -\n");
}

static void stats_header(struct buf *b, const char *title)
{
	buf_addf(b, "\n%-34s %6s %6s %6s %6s %6s %7s   %6s\n", title, "total", "done", "open",
		 "doing", "wont", "overdue", "done%");
}

/* The same figures as api/stats.json, as a table for people. */
static void stats_text(struct buf *b, const struct corpus *c, const struct graph *g,
		       const struct figures *f, const char *as_of)
{
	buf_addf(b, "%zu %s, as of %s (%s profile)\n", c->npms,
		 plural(c->npms, "postmortem", "postmortems"), as_of,
		 c->profile == PROFILE_PUBLIC ? "public" : "internal");
	stats_header(b, "action items");
	stats_row(b, "all", &f->total);
	stats_header(b, "by severity");
	for (size_t s = 0; s < c->site.nseverities; s++)
		stats_row(b, c->site.severities[s], &f->severity[s]);
	static const enum term_kind kinds[] = {TERM_SERVICE, TERM_FACTOR};
	static const char *const titles[] = {"by service", "by factor"};
	for (int k = 0; k < 2; k++) {
		stats_header(b, titles[k]);
		for (size_t n = 0; n < g->nnodes[kinds[k]]; n++)
			stats_row(b, g->nodes[kinds[k]][n].name, &f->node[kinds[k]][n]);
	}
	const struct insights *in = &f->in;
	buf_addf(b, "\n%-34s %6s %14s %14s %14s\n", "minutes to (median / p90)", "count", "detect",
		 "mitigate", "resolve");
	for (size_t s = 0; s < c->site.nseverities; s++) {
		const struct duration_row *r = &in->by_severity[s];
		const struct dist *d[3] = {&r->detect, &r->mitigate, &r->resolve};
		buf_addf(b, "  %-32s %6zu", c->site.severities[s], r->count);
		for (int k = 0; k < 3; k++) {
			if (d[k]->count)
				buf_addf(b, " %7.0f / %-4lld", d[k]->median, d[k]->p90);
			else
				buf_addf(b, " %14s", "-");
		}
		buf_addch(b, '\n');
	}
	buf_addf(b, "\n%zu %s, %zu %s (durations exclude them), %zu %s", in->incidents,
		 plural(in->incidents, "incident", "incidents"), in->near_misses,
		 plural(in->near_misses, "near-miss", "near-misses"), in->drills,
		 plural(in->drills, "drill", "drills"));
	if (in->drafts) /* incidents whose times are still being written down */
		buf_addf(b, "; %zu %s still draft (left out of durations)", in->drafts,
			 plural(in->drafts, "incident", "incidents"));
	buf_addch(b, '\n');
}

int cmd_stats(struct options *o)
{
	struct site_model m;
	struct steps st;
	if (content_dir_missing(o))
		return EXIT_USAGE;
	steps_begin(&st, o);
	model_load(&m, o, &st, 0);
	steps_end(&st);
	int ret = report(o);
	if (!ret) {
		struct buf b = BUF_INIT;
		if (o->format == DIAG_JSON)
			api_stats_json(&b, &m.c, &m.g, &m.f, o->as_of);
		else
			stats_text(&b, &m.c, &m.g, &m.f, o->as_of);
		/* names from content, shown on a terminal: no control characters */
		if (o->format != DIAG_JSON) {
			struct buf shown = BUF_INIT;
			buf_add_visible(&shown, buf_cstr(&b), true);
			buf_release(&b);
			b = shown;
		}
		fwrite(buf_cstr(&b), 1, b.len, stdout);
		buf_release(&b);
	}
	model_release(&m);
	return ret;
}
