/* overdue: `aftermath overdue`, the follow-through digest (see overdue.h). */
#include "cmd/overdue.h"

#include "analyze/figures.h"
#include "analyze/followup.h"
#include "analyze/graph.h"
#include "analyze/stats.h"
#include "base/confine.h"
#include "base/diag.h"
#include "base/fsutil.h"
#include "base/parallel.h"
#include "base/url.h"
#include "cmd/cli.h"
#include "cmd/help.h"
#include "load/corpus.h"
#include "model/slug.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum format { FMT_TEXT, FMT_MARKDOWN, FMT_JSON };
#define FAIL_ANY 4 /* --fail-on any: beyond enum ai_priority */

struct overdue_opts {
	const char *dir;
	enum format format;
	const char *owner, *service;
	int fail_on;	/* 0: never; PRI_MUST, PRI_SHOULD or FAIL_ANY */
	char *base_url; /* ending in '/', or NULL */
	char as_of[11];
	bool outside;
};

/* The items and write-ups for one person (name NULL: items without an owner). */
struct group {
	char *slug;
	const char *name;
	size_t *v[4]; /* indices into followup items (overdue, due soon, escalated) and writeups */
	size_t n[4], alloc[4];
};
enum { G_OVERDUE, G_SOON, G_ESCALATED, G_LATE };

struct digest {
	const struct corpus *c;
	const struct graph *g;
	const struct overdue_opts *o;
	const struct followup *f; /* the figures' (figures.h) */
	struct group *groups;
	size_t ngroups, alloc;
	size_t counts[4];
};

static int usage(const char *fmt, const char *arg)
{
	fputs("aftermath: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(run 'aftermath help overdue' for usage)\n", stderr);
	return 2;
}

static int parse_opts(struct overdue_opts *o, int argc, char **argv)
{
	enum {
		OPT_FORMAT = 256,
		OPT_OWNER,
		OPT_SERVICE,
		OPT_FAIL_ON,
		OPT_BASE_URL,
		OPT_AS_OF,
		OPT_OUTSIDE
	};
	static const struct option longopts[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"owner", required_argument, NULL, OPT_OWNER},
		{"service", required_argument, NULL, OPT_SERVICE},
		{"fail-on", required_argument, NULL, OPT_FAIL_ON},
		{"base-url", required_argument, NULL, OPT_BASE_URL},
		{"as-of", required_argument, NULL, OPT_AS_OF},
		{"allow-outside-links", no_argument, NULL, OPT_OUTSIDE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *as_of = NULL;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = FMT_TEXT;
			else if (!strcmp(optarg, "markdown"))
				o->format = FMT_MARKDOWN;
			else if (!strcmp(optarg, "json"))
				o->format = FMT_JSON;
			else
				return usage(
					"unknown format \"%s\" (expected text, markdown or json)",
					optarg);
			break;
		case OPT_OWNER: o->owner = optarg; break;
		case OPT_SERVICE: o->service = optarg; break;
		case OPT_FAIL_ON:
			if (!strcmp(optarg, "must"))
				o->fail_on = PRI_MUST;
			else if (!strcmp(optarg, "should"))
				o->fail_on = PRI_SHOULD;
			else if (!strcmp(optarg, "any"))
				o->fail_on = FAIL_ANY;
			else
				return usage(
					"unknown --fail-on \"%s\" (expected must, should or any)",
					optarg);
			break;
		case OPT_BASE_URL:
			if (!url_safe(optarg) ||
			    !(str_starts(optarg, "http://") || str_starts(optarg, "https://")))
				return usage(
					"--base-url \"%s\" is not allowed (expected an absolute http or https URL)",
					optarg);
			o->base_url =
				str_ends(optarg, "/") ? xstrdup(optarg) : xstrfmt("%s/", optarg);
			break;
		case OPT_AS_OF: as_of = optarg; break;
		case OPT_OUTSIDE: o->outside = true; break;
		case 'h': fputs(help_command("overdue"), stdout); exit(0);
		case ':': return usage("option %s needs a value", argv[optind - 1]);
		default: return usage("unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->dir = argv[optind++];
	if (optind < argc)
		return usage("unexpected argument \"%s\"", argv[optind]);
	return cli_as_of(o->as_of, as_of) ? 2 : 0;
}

/* ---- grouping ------------------------------------------------------------ */

static struct group *group_for(struct digest *d, const char *name)
{
	char *slug = name ? slugify(name) : xstrdup("");
	for (size_t i = 0; i < d->ngroups; i++)
		if (!strcmp(d->groups[i].slug, slug)) {
			free(slug);
			return &d->groups[i];
		}
	ALLOC_GROW(d->groups, d->ngroups + 1, d->alloc);
	struct group *gr = &d->groups[d->ngroups++];
	memset(gr, 0, sizeof(*gr));
	gr->slug = slug;
	gr->name = name;
	return gr;
}

static void group_add(struct group *gr, int list, size_t index)
{
	ALLOC_GROW(gr->v[list], gr->n[list] + 1, gr->alloc[list]);
	gr->v[list][gr->n[list]++] = index;
}

/* The owner's name as the site shows it (its node's), or NULL. */
static const char *item_owner(const struct digest *d, const struct fu_item *it)
{
	size_t o = d->g->pm[it->pm].ai_owner[it->item];
	return o == SIZE_MAX ? NULL : d->g->nodes[TERM_OWNER][o].name;
}

static const char *pm_owner(const struct digest *d, size_t pm)
{
	size_t o = d->g->pm[pm].owner;
	return o == SIZE_MAX ? NULL : d->g->nodes[TERM_OWNER][o].name;
}

/* --service: whether postmortem pm names that service (aliases applied). */
static bool in_service(const struct digest *d, size_t pm)
{
	if (!d->o->service)
		return true;
	char *slug = graph_canonical(d->g, d->o->service);
	bool found = false;
	const struct pm_links *l = &d->g->pm[pm];
	for (size_t s = 0; s < l->nservices && !found; s++)
		found = !strcmp(d->g->nodes[TERM_SERVICE][l->services[s]].slug, slug);
	free(slug);
	return found;
}

static int cmp_group(const void *va, const void *vb)
{
	const struct group *a = va, *b = vb;
	if (!*a->slug != !*b->slug)
		return *a->slug ? -1 : 1; /* no owner last */
	return strcmp(a->slug, b->slug);
}

static void digest_build(struct digest *d)
{
	const struct followup *f = d->f;
	for (size_t i = 0; i < f->nitems; i++) {
		const struct fu_item *it = &f->items[i];
		if (!in_service(d, it->pm))
			continue;
		group_add(group_for(d, item_owner(d, it)), it->overdue ? G_OVERDUE : G_SOON, i);
		if (!it->escalated)
			continue;
		const char *to[16];
		size_t n = followup_escalate_to(d->g, it->pm, to, ARRAY_SIZE(to));
		for (size_t k = 0; k < n; k++)
			group_add(group_for(d, to[k]), G_ESCALATED, i);
	}
	for (size_t i = 0; i < f->nwriteups; i++)
		if (f->writeups[i].days_late > 0 && in_service(d, f->writeups[i].pm))
			group_add(group_for(d, pm_owner(d, f->writeups[i].pm)), G_LATE, i);
	char *want = d->o->owner ? slugify(d->o->owner) : NULL;
	size_t kept = 0;
	for (size_t i = 0; i < d->ngroups; i++) {
		struct group *gr = &d->groups[i];
		if (want && strcmp(gr->slug, want)) {
			for (int l = 0; l < 4; l++)
				free(gr->v[l]);
			free(gr->slug);
			continue;
		}
		d->groups[kept++] = *gr;
	}
	d->ngroups = kept;
	free(want);
	sort_array(d->groups, d->ngroups, sizeof(*d->groups), cmp_group);
	/* Counts: each item or write-up once, however many groups list it; an
	 * escalated item is overdue too. */
	size_t nseen = f->nitems > f->nwriteups ? f->nitems : f->nwriteups;
	bool *seen = xcalloc(2 * (nseen ? nseen : 1), sizeof(bool));
	for (size_t i = 0; i < d->ngroups; i++)
		for (int l = 0; l < 4; l++)
			for (size_t k = 0; k < d->groups[i].n[l]; k++) {
				size_t x = d->groups[i].v[l][k];
				bool *s = &seen[l == G_LATE ? nseen + x : x];
				if (*s)
					continue;
				*s = true;
				if (l == G_LATE)
					d->counts[G_LATE]++;
				else
					d->counts[f->items[x].overdue ? G_OVERDUE : G_SOON]++;
				d->counts[G_ESCALATED] += l != G_LATE && f->items[x].escalated;
			}
	free(seen);
}

static void digest_release(struct digest *d)
{
	for (size_t i = 0; i < d->ngroups; i++) {
		for (int l = 0; l < 4; l++)
			free(d->groups[i].v[l]);
		free(d->groups[i].slug);
	}
	free(d->groups);
}

/* Exit 1 for --fail-on: an overdue item that urgent (or any, and any late write-up). */
static bool fails(const struct digest *d)
{
	if (!d->o->fail_on)
		return false;
	if (d->o->fail_on == FAIL_ANY)
		return d->counts[G_OVERDUE] || d->counts[G_ESCALATED] || d->counts[G_LATE];
	static const int lists[] = {G_OVERDUE, G_ESCALATED};
	for (size_t i = 0; i < d->ngroups; i++)
		for (size_t x = 0; x < ARRAY_SIZE(lists); x++)
			for (size_t k = 0, l = (size_t)lists[x]; k < d->groups[i].n[l]; k++) {
				const struct fu_item *it = &d->f->items[d->groups[i].v[l][k]];
				enum ai_priority p = d->c->pms[it->pm].actions[it->item].priority;
				if (p != PRI_NONE && (int)p <= d->o->fail_on)
					return true;
			}
	return false;
}

/* ---- formatting ------------------------------------------------------------ */

static void day_text(char out[11], int64_t day)
{
	struct when w = {.set = true, .epoch = day * 86400};
	when_date(&w, out);
}

static char *pm_url(const struct digest *d, size_t pm)
{
	if (!d->o->base_url)
		return NULL;
	return xstrfmt("%spostmortems/%s/", d->o->base_url, d->c->pms[pm].slug);
}

static void json_item(struct buf *b, const struct digest *d, size_t index)
{
	const struct fu_item *it = &d->f->items[index];
	const struct postmortem *pm = &d->c->pms[it->pm];
	const struct action_item *a = &pm->actions[it->item];
	char due[11];
	day_text(due, it->due_day);
	buf_adds(b, "{\"postmortem\": ");
	buf_add_json_str(b, pm->id);
	buf_adds(b, ", \"postmortem_title\": ");
	buf_add_json_str(b, pm->title);
	buf_addf(b, ", \"item\": %zu, \"title\": ", it->item);
	buf_add_json_str(b, a->title);
	buf_adds(b, ", \"owner\": ");
	buf_add_json_str(b, item_owner(d, it));
	buf_adds(b, ", \"priority\": ");
	buf_add_json_str(b, a->priority == PRI_NONE ? NULL : priority_name(a->priority));
	buf_addf(b, ", \"status\": \"%s\", \"due\": \"%s\", \"due_source\": \"%s\", ",
		 ai_status_name(a->status), due, a->due_by_policy ? "policy" : "written");
	buf_addf(b, "\"%s\": %lld, \"escalated\": %s, \"escalated_to\": [",
		 it->overdue ? "days_overdue" : "days_left", (long long)it->days,
		 it->escalated ? "true" : "false");
	const char *to[16];
	size_t n = it->escalated ? followup_escalate_to(d->g, it->pm, to, ARRAY_SIZE(to)) : 0;
	for (size_t k = 0; k < n; k++) {
		buf_adds(b, k ? ", " : "");
		buf_add_json_str(b, to[k]);
	}
	buf_adds(b, "], \"services\": [");
	const struct pm_links *l = &d->g->pm[it->pm];
	for (size_t s = 0; s < l->nservices; s++) {
		buf_adds(b, s ? ", " : "");
		buf_add_json_str(b, d->g->nodes[TERM_SERVICE][l->services[s]].slug);
	}
	char *url = pm_url(d, it->pm);
	buf_adds(b, "], \"url\": ");
	buf_add_json_str(b, url);
	free(url);
	buf_addch(b, '}');
}

static void json_writeup(struct buf *b, const struct digest *d, size_t index)
{
	const struct fu_writeup *w = &d->f->writeups[index];
	const struct postmortem *pm = &d->c->pms[w->pm];
	char from[11], due[11];
	day_text(from, w->from_day);
	day_text(due, w->due_day);
	buf_adds(b, "{\"postmortem\": ");
	buf_add_json_str(b, pm->id);
	buf_adds(b, ", \"title\": ");
	buf_add_json_str(b, pm->title);
	buf_adds(b, ", \"severity\": ");
	buf_add_json_str(b, d->c->site.severities[pm->severity]);
	buf_addf(b, ", \"status\": \"%s\", \"owner\": ", status_name(pm->status));
	buf_add_json_str(b, pm_owner(d, w->pm));
	buf_addf(b, ", \"from\": \"%s\", \"due\": \"%s\", \"days_late\": %lld, \"url\": ", from,
		 due, (long long)w->days_late);
	char *url = pm_url(d, w->pm);
	buf_add_json_str(b, url);
	free(url);
	buf_addch(b, '}');
}

static const char *const list_key[] = {"overdue", "due_soon", "escalated", "late_write_ups"};

static void format_json(struct buf *b, const struct digest *d)
{
	const struct policy *p = &d->c->site.policy;
	buf_addf(
		b,
		"{\"as_of\": \"%s\",\n \"policy\": {\"due_soon_days\": %d, \"escalate_after_days\": ",
		d->o->as_of, p->due_soon);
	if (p->escalate_after == POLICY_NONE)
		buf_adds(b, "null");
	else
		buf_addf(b, "%d", p->escalate_after);
	buf_addf(
		b,
		"},\n \"counts\": {\"overdue\": %zu, \"due_soon\": %zu, \"escalated\": %zu, \"late_write_ups\": %zu},\n \"owners\": [",
		d->counts[G_OVERDUE], d->counts[G_SOON], d->counts[G_ESCALATED], d->counts[G_LATE]);
	for (size_t i = 0; i < d->ngroups; i++) {
		const struct group *gr = &d->groups[i];
		buf_adds(b, i ? ",\n  {\"owner\": " : "\n  {\"owner\": ");
		buf_add_json_str(b, gr->name);
		for (int l = 0; l < 4; l++) {
			buf_addf(b, ",\n   \"%s\": [", list_key[l]);
			for (size_t k = 0; k < gr->n[l]; k++) {
				buf_adds(b, k ? ",\n    " : "\n    ");
				if (l == G_LATE)
					json_writeup(b, d, gr->v[l][k]);
				else
					json_item(b, d, gr->v[l][k]);
			}
			buf_adds(b, "]");
		}
		buf_adds(b, "}");
	}
	buf_adds(b, d->ngroups ? "\n ]}\n" : "]}\n");
}

/* Text from the content for Markdown: one line, the characters Markdown and HTML act on escaped. */
static void md_text(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch < 0x20 || ch == 0x7f)
			buf_addch(b, ' ');
		else if (ch == '<')
			buf_adds(b, "&lt;");
		else if (ch == '>')
			buf_adds(b, "&gt;");
		else if (ch == '&')
			buf_adds(b, "&amp;");
		else if (strchr("\\`*_[]()#!|~@", ch)) {
			buf_addch(b, '\\');
			buf_addch(b, (char)ch);
		} else
			buf_addch(b, (char)ch);
	}
}

/* A line's text: Markdown-escaped, or as plain text (controls shown, for a terminal). */
static void add_text(struct buf *b, const struct digest *d, const char *s)
{
	if (d->o->format == FMT_MARKDOWN)
		md_text(b, s);
	else
		buf_add_visible(b, s, false);
}

static void text_pm_ref(struct buf *b, const struct digest *d, size_t pm)
{
	char *url = pm_url(d, pm);
	if (d->o->format == FMT_MARKDOWN && url) {
		buf_addch(b, '[');
		md_text(b, d->c->pms[pm].id);
		buf_addf(b, "](%s)", url);
	} else {
		add_text(b, d, d->c->pms[pm].id);
	}
	if (d->o->format == FMT_TEXT && url)
		buf_addf(b, " <%s>", url);
	free(url);
}

static void text_item(struct buf *b, const struct digest *d, size_t index, int list)
{
	const struct fu_item *it = &d->f->items[index];
	const struct action_item *a = &d->c->pms[it->pm].actions[it->item];
	bool md = d->o->format == FMT_MARKDOWN;
	char due[11];
	day_text(due, it->due_day);
	buf_adds(b, md ? "- **" : "    ");
	add_text(b, d, a->title);
	buf_adds(b, md ? "** — " : " — ");
	text_pm_ref(b, d, it->pm);
	const char *owner = item_owner(d, it);
	if (list == G_ESCALATED) {
		buf_adds(b, " · owner ");
		add_text(b, d, owner ? owner : "none");
	}
	if (a->priority != PRI_NONE)
		buf_addf(b, " · %s", priority_name(a->priority));
	buf_addf(b, " · due %s%s · ", due, a->due_by_policy ? " by policy" : "");
	if (it->overdue)
		buf_addf(b, "%lld day%s overdue", (long long)it->days, it->days == 1 ? "" : "s");
	else if (it->days == 0)
		buf_adds(b, "due today");
	else
		buf_addf(b, "in %lld day%s", (long long)it->days, it->days == 1 ? "" : "s");
	if (it->escalated && list != G_ESCALATED)
		buf_adds(b, " · escalated");
	buf_addch(b, '\n');
}

static void text_writeup(struct buf *b, const struct digest *d, size_t index)
{
	const struct fu_writeup *w = &d->f->writeups[index];
	const struct postmortem *pm = &d->c->pms[w->pm];
	bool md = d->o->format == FMT_MARKDOWN;
	char due[11];
	day_text(due, w->due_day);
	buf_adds(b, md ? "- " : "    ");
	text_pm_ref(b, d, w->pm);
	buf_adds(b, md ? " **" : " ");
	add_text(b, d, pm->title);
	buf_adds(b, md ? "** — " : " — ");
	add_text(b, d, d->c->site.severities[pm->severity]);
	buf_addf(b, ", %s, write-up due %s · %lld day%s late\n", status_name(pm->status), due,
		 (long long)w->days_late, w->days_late == 1 ? "" : "s");
}

static void format_text(struct buf *b, const struct digest *d)
{
	static const char *const heads[] = {"Overdue", "Due soon", "Escalated to you",
					    "Late write-ups"};
	bool md = d->o->format == FMT_MARKDOWN;
	buf_addf(b, "%sFollow-through as of %s\n\n", md ? "## " : "", d->o->as_of);
	buf_addf(b, "%zu overdue (%zu escalated), %zu due soon, %zu late write-up%s.\n",
		 d->counts[G_OVERDUE], d->counts[G_ESCALATED], d->counts[G_SOON], d->counts[G_LATE],
		 d->counts[G_LATE] == 1 ? "" : "s");
	if (!d->ngroups)
		buf_adds(b, md ? "\nNothing to follow up.\n" : "Nothing to follow up.\n");
	for (size_t i = 0; i < d->ngroups; i++) {
		const struct group *gr = &d->groups[i];
		buf_adds(b, md ? "\n### " : "\n");
		add_text(b, d, gr->name ? gr->name : "No owner");
		buf_addch(b, '\n');
		for (int l = 0; l < 4; l++) {
			if (!gr->n[l])
				continue;
			if (md)
				buf_addf(b, "\n**%s**\n\n", heads[l]);
			else
				buf_addf(b, "  %s\n", heads[l]);
			for (size_t k = 0; k < gr->n[l]; k++) {
				if (l == G_LATE)
					text_writeup(b, d, gr->v[l][k]);
				else
					text_item(b, d, gr->v[l][k], l);
			}
		}
	}
}

int overdue_main(int argc, char **argv)
{
	struct overdue_opts o = {.dir = "content"};
	int ret = parse_opts(&o, argc, argv);
	if (ret)
		goto out;
	if (!fs_is_dir(o.dir)) {
		fprintf(stderr, "aftermath: content directory \"%s\" not found\n", o.dir);
		ret = 2;
		goto out;
	}
	confine_add_root(o.dir, "the content directory");
	confine_allow_outside(o.outside);
	struct corpus c;
	struct graph g;
	corpus_load(&c, o.dir, PROFILE_INTERNAL, parallel_cpus(), false);
	graph_link(&g, &c, parallel_cpus());
	if (diag_count(DIAG_ERROR)) {
		diag_flush(stderr, DIAG_TEXT);
		ret = 1;
	} else {
		struct figures fig;
		struct when w;
		when_parse(&w, o.as_of);
		figures_compute(&fig, &c, &g, when_day(&w));
		struct digest d = {.c = &c, .g = &g, .o = &o, .f = &fig.fu};
		digest_build(&d);
		struct buf b = BUF_INIT;
		if (o.format == FMT_JSON)
			format_json(&b, &d);
		else
			format_text(&b, &d);
		fwrite(buf_cstr(&b), 1, b.len, stdout);
		buf_release(&b);
		ret = fails(&d) ? 1 : 0;
		digest_release(&d);
		figures_release(&fig);
	}
	graph_release(&g);
	corpus_release(&c);
out:
	free(o.base_url);
	return ret;
}
