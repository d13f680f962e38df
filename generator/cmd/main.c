/*
 * aftermath: a static site generator for a postmortem knowledge base.
 *
 * main.c parses the command line and drives the pipeline:
 *   corpus_load   find files, parse front matter and Markdown
 *   graph_link    services, factors, related postmortems, recurrences
 *   output_open   a temporary sibling of the output directory
 *   search_write  the client-side search index
 *   render_*      assets, pages through the Lua templates
 *   api_write     the JSON and CSV files
 *   feeds_write   the Atom feed and the sitemap
 *   leak_check    public profile: nothing internal in any output byte
 *   output_commit swap the new site in
 */
#include "emit/api.h"
#include "base/confine.h"
#include "load/corpus.h"
#include "base/deadline.h"
#include "base/diag.h"
#include "emit/feeds.h"
#include "base/fsutil.h"
#include "analyze/graph.h"
#include "cmd/help.h"
#include "cmd/init.h"
#include "analyze/insights.h"
#include "cmd/explain.h"
#include "publish/leakcheck.h"
#include "cmd/lint.h"
#include "cmd/newpm.h"
#include "base/output.h"
#include "base/parallel.h"
#include "publish/publish.h"
#include "render/render.h"
#include "search/search.h"
#include "cmd/serve.h"
#include "analyze/stats.h"
#include "lua/template.h"
#include "base/url.h"

#include <errno.h>
#include <pthread.h>
#include <getopt.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/*
 * jemalloc's settings (read at its start; glibc's malloc ignores the name):
 * back the heap with transparent huge pages where the kernel allows them
 * (THP "always" or "madvise").  A 10k build walks a few hundred MB of Lua
 * tables, trees and buffers; with 2 MB pages it spends about 10% less time
 * on TLB misses and page faults, for about 20 MB more peak memory
 * (BENCHMARKS.md).  And keep freed pages for a minute rather than 10 s
 * before giving them back to the kernel: a build reuses them soon, and
 * jemalloc gives back a growing share of them as the seconds pass, so a
 * long build (100k postmortems, 17 s) was clearing the same memory again
 * and again: 6-12% of its time, with the same peak memory.  MALLOC_CONF in the
 * environment still overrides both.
 */
const char *malloc_conf = "thp:always,dirty_decay_ms:60000";

/* Written by the Makefile: `git describe` in a clone, else the VERSION file. */
extern const char aftermath_version[];

#ifndef AFTERMATH_UPSTREAM
#define AFTERMATH_UPSTREAM "https://github.com/aftermath-kb/aftermath"
#endif

#define EXIT_CONTENT 1
#define EXIT_USAGE 2
#define EXIT_IO 3

struct options {
	const char *command;
	const char *content_dir;
	const char *out_dir;
	enum profile profile;
	char as_of[11];
	const char *base_url;
	int jobs;
	bool strict, quiet, timings;
	bool allow_outside_links; /* only from the command line: site.yaml arrives with the pull request */
	enum diag_format format;
	const char *title;
	const char *explain; /* check --explain FILE */
	bool out_set;
	int port;        /* serve: 8080 unless given; 0: any free port */
	int max_seconds; /* serve: stop after this long (tests) */
	FILE *diag_out;  /* where diagnostics go (stderr; serve captures them) */
	bool exit_when_built; /* the process ends with this build (not serve's) */
	size_t lua_memory_mb, page_output_mb; /* 0: the defaults */
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("aftermath: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(run 'aftermath help' for usage)\n", stderr);
	return EXIT_USAGE;
}

static int parse_as_of(struct options *o, const char *arg)
{
	struct when w;
	if (arg) {
		if (when_parse(&w, arg) < 0 || w.has_time)
			return usage_error("invalid --as-of date \"%s\" (expected YYYY-MM-DD)", arg);
		when_date(&w, o->as_of);
		return 0;
	}
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	if (sde) {
		/* Set means meant: an empty value is a `$(git log ...)` that failed
		 * (no git in the CI image), not a wish for today. */
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (!*sde || errno || *end || !(*sde >= '0' && *sde <= '9'))
			return usage_error("invalid SOURCE_DATE_EPOCH \"%s\" (expected seconds since 1970; "
					   "unset it to build as of today)", sde);
		t = (time_t)v;
	}
	w = (struct when){.set = true, .epoch = (int64_t)t / 86400 * 86400};
	when_date(&w, o->as_of);
	return 0;
}

static int parse_options(struct options *o, int argc, char **argv)
{
	enum { OPT_PROFILE = 256, OPT_AS_OF, OPT_BASE_URL, OPT_STRICT, OPT_FORMAT, OPT_TITLE, OPT_PORT, OPT_MAX_SECONDS, OPT_TIMINGS,
	       OPT_ALLOW_OUTSIDE, OPT_VERSION,
	       OPT_LUA_MEMORY, OPT_PAGE_OUTPUT, OPT_EXPLAIN };
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},   {"profile", required_argument, NULL, OPT_PROFILE},
		{"as-of", required_argument, NULL, OPT_AS_OF}, {"base-url", required_argument, NULL, OPT_BASE_URL},
		{"jobs", required_argument, NULL, 'j'},     {"strict", no_argument, NULL, OPT_STRICT},
		{"format", required_argument, NULL, OPT_FORMAT}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},           {"title", required_argument, NULL, OPT_TITLE},
		{"timings", no_argument, NULL, OPT_TIMINGS},  {"port", required_argument, NULL, OPT_PORT},   {"max-seconds", required_argument, NULL, OPT_MAX_SECONDS},
		{"allow-outside-links", no_argument, NULL, OPT_ALLOW_OUTSIDE},
		{"version", no_argument, NULL, OPT_VERSION},
		{"lua-memory", required_argument, NULL, OPT_LUA_MEMORY}, {"page-output", required_argument, NULL, OPT_PAGE_OUTPUT},
		{"explain", required_argument, NULL, OPT_EXPLAIN},
		{NULL, 0, NULL, 0},
	};
	const char *as_of = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o->out_dir = optarg;
			o->out_set = true;
			break;
		case OPT_PROFILE:
			if (!strcmp(optarg, "internal"))
				o->profile = PROFILE_INTERNAL;
			else if (!strcmp(optarg, "public"))
				o->profile = PROFILE_PUBLIC;
			else
				return usage_error("unknown profile \"%s\" (expected internal or public)", optarg);
			break;
		case OPT_AS_OF: as_of = optarg; break;
		case OPT_BASE_URL:
			if (!url_safe(optarg))
				return usage_error("--base-url \"%s\" is not allowed (expected " URL_SAFE_EXPECTED ")",
						   optarg);
			o->base_url = optarg;
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256)
				return usage_error("invalid --jobs \"%s\" (expected a number from 1 to 256)", optarg);
			o->jobs = (int)n;
			break;
		}
		case OPT_STRICT: o->strict = true; break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = DIAG_TEXT;
			else if (!strcmp(optarg, "json"))
				o->format = DIAG_JSON;
			else if (!strcmp(optarg, "github"))
				o->format = DIAG_GITHUB;
			else if (!strcmp(optarg, "gitlab"))
				o->format = DIAG_GITLAB;
			else
				return usage_error("unknown format \"%s\" (expected text, json, github or gitlab)", optarg);
			break;
		case 'q': o->quiet = true; break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_TIMINGS: o->timings = true; break;
		case OPT_ALLOW_OUTSIDE: o->allow_outside_links = true; break;
		case OPT_EXPLAIN: o->explain = optarg; break;
		case OPT_PORT:
		case OPT_MAX_SECONDS: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 0 || n > 65535)
				return usage_error("invalid number \"%s\" (expected 0 to 65535)", optarg);
			if (c == OPT_PORT)
				o->port = (int)n;
			else
				o->max_seconds = (int)n;
			break;
		}
		case OPT_VERSION: printf("aftermath %s\n", aftermath_version); exit(0);
		case 'h': fputs(help_command(o->command) ? help_command(o->command) : help_usage(), stdout); exit(0);
		case OPT_LUA_MEMORY:
		case OPT_PAGE_OUTPUT: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 65536)
				return usage_error("invalid size \"%s\" (expected megabytes, 1 to 65536)", optarg);
			*(c == OPT_LUA_MEMORY ? &o->lua_memory_mb : &o->page_output_mb) = (size_t)n;
			break;
		}
		case ':': return usage_error("option %s needs a value", argv[optind - 1]);
		default: return usage_error("unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->content_dir = argv[optind++];
	if (optind < argc)
		return usage_error("unexpected argument \"%s\"", argv[optind]);
	return parse_as_of(o, as_of);
}

/*
 * A directory shipped with aftermath: `env` if set, else `rel` beside the
 * binary (the source tree: build/ and build/asan/), else installed under
 * share/aftermath.  `probe` is a file that must be in it.
 */
static char *find_shipped(const char *env, const char *rel, const char *installed, const char *probe)
{
	const char *e = getenv(env);
	if (e && *e)
		return xstrdup(e);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		static const char *const up[] = {"/../", "/../../", "/../share/aftermath/"};
		*strrchr(exe, '/') = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(up); i++) {
			char *dir = xstrfmt("%s%s%s", exe, up[i], i == 2 ? installed : rel);
			char *p = path_join(dir, probe);
			bool ok = fs_exists(p);
			free(p);
			if (ok) {
				char *clean = path_absolute(dir);
				free(dir);
				return clean;
			}
			free(dir);
		}
	}
	return xstrfmt("%s/../%s", AFTERMATH_THEME_DIR, installed);
}

/* The default theme: $AFTERMATH_THEME, else beside the binary, else installed. */
static char *find_theme(void)
{
	return find_shipped("AFTERMATH_THEME", "layouts", "layouts", "base.html");
}

/* The shipped lint rules, found the same way ($AFTERMATH_LINT). */
static char *find_lint(void)
{
	return find_shipped("AFTERMATH_LINT", "scripts/lint", "lint", "blame-language.lua");
}

/*
 * What a run may read (confine.h): the content directory, the theme and the
 * shipped lint rules; output_open adds the site being written.
 */
static void confine_roots(const struct options *o)
{
	char *theme = find_theme();
	char *lint = find_lint();
	confine_add_root(o->content_dir, "the content directory");
	confine_add_root(theme, "the theme");
	confine_add_root(lint, NULL);
	confine_allow_outside(o->allow_outside_links);
	free(theme);
	free(lint);
}

/*
 * Where diagnostics go: JSON and GitLab's report are for programs, so they
 * go to stdout, alone (`| jq` reads them); stats keeps stdout for its
 * figures.  Text and GitHub annotations go to stderr.
 */
static FILE *diag_stream(const struct options *o)
{
	if (o->diag_out)
		return o->diag_out;
	if ((o->format == DIAG_JSON || o->format == DIAG_GITLAB) && strcmp(o->command, "stats"))
		return stdout;
	return stderr;
}

/* Print diagnostics; the exit status they call for (0 or EXIT_CONTENT). */
static int report(const struct options *o)
{
	bool failed = diag_count(DIAG_ERROR) || (o->strict && diag_count(DIAG_WARNING));
	diag_flush(diag_stream(o), o->format);
	return failed ? EXIT_CONTENT : 0;
}

/*
 * check's output: the publish report (public profile, in `pub`) on stdout,
 * the diagnostics, then in text a summary line on stderr.  With --format
 * json stdout holds one document: the diagnostics' array, or the publish
 * report's object with the array as its "diagnostics".
 */
static int check_output(const struct options *o, const struct buf *pub, size_t npms)
{
	struct buf summary = BUF_INIT;
	diag_summary(&summary);
	bool wrap = o->format == DIAG_JSON && pub->len > 2 && str_ends(buf_cstr(pub), "}\n");
	if (wrap) {
		fwrite(pub->ptr, 1, pub->len - 2, stdout);
		fputs(",\n\"diagnostics\": ", stdout);
	} else if (pub->len) {
		fwrite(pub->ptr, 1, pub->len, o->format == DIAG_GITLAB ? stderr : stdout);
	}
	int ret = report(o);
	if (wrap)
		fputs("}\n", stdout);
	if (!o->quiet && o->format == DIAG_TEXT)
		fprintf(stderr, "aftermath: %zu postmortems checked: %s\n", npms, buf_cstr(&summary));
	buf_release(&summary);
	return ret;
}

/* --base-url, else site.yaml's base_url, else "/"; always ending in '/'. */
static char *normalized_base_url(const char *url, const struct site *s)
{
	if (!url || !*url)
		url = s->base_url;
	if (!url || !*url)
		return xstrdup("/");
	return str_ends(url, "/") ? xstrdup(url) : xstrfmt("%s/", url);
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The peak resident memory so far, in MB (for --timings). */
static long peak_mb(void)
{
	struct rusage ru;
	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_maxrss / 1024;
}

/* User and system CPU seconds of every thread so far (for --timings: a stage's
 * CPU over its wall time is how many cores it kept busy). */
static double cpu_seconds(void)
{
	struct rusage ru;
	if (getrusage(RUSAGE_SELF, &ru))
		return 0;
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

/*
 * The API files and the feeds, written on a thread of their own while the
 * search index is built: the index keeps the cores only partly busy (its
 * merge is serial), and these read nothing the index or the pages change.
 */
struct side_job {
	const struct corpus *c;
	const struct graph *g;
	const struct render_opts *ro;
	const char *base_url;
	struct output *out;
	int ret;
};

static void *write_api_and_feeds(void *arg)
{
	struct side_job *j = arg;
	j->ret = api_write(j->c, j->g, j->ro, j->out) | feeds_write(j->c, j->g, j->base_url, j->out);
	return NULL;
}

static int build_output(const struct options *o, struct corpus *c, struct graph *g)
{
	struct output out;
	char *theme = find_theme();
	char *site_layouts = path_join(o->content_dir, "layouts");
	const char *dirs[] = {site_layouts, theme};
	char *base_url = normalized_base_url(o->base_url, &c->site);
	struct render_opts ro = {
		.layout_dirs = dirs,
		.nlayout_dirs = 2,
		.as_of = o->as_of,
		.base_url = base_url,
		.jobs = o->jobs,
		.timings = o->timings,
	};
	struct when asof;
	when_parse(&asof, o->as_of);
	ro.as_of_day = when_day(&asof);
	int ret = EXIT_USAGE;
	double t_open = now_seconds();
	if (output_open(&out, o->out_dir, o->content_dir, o->jobs) < 0)
		goto out;
	deadline_cleanup(out.tmp);
	ret = EXIT_CONTENT;
	deadline_stage("copying the theme's assets and static files");
	char *static_dir = path_join(o->content_dir, "static");
	int ok = render_assets(&ro, &out) | output_copy_tree(&out, static_dir, "");
	free(static_dir);
	double t0 = now_seconds(), c0 = cpu_seconds();
	if (o->timings)
		fprintf(stderr, "timings: open output and assets %.3f s\n", t0 - t_open);
	deadline_stage("writing the search index, the API files and the feeds");
	struct side_job api = {c, g, &ro, base_url, &out, 0};
	pthread_t api_thread;
	bool api_threaded = !pthread_create(&api_thread, NULL, write_api_and_feeds, &api);
	if (!api_threaded)
		write_api_and_feeds(&api);
	double ts = now_seconds();
	ok |= search_write(c, g, &ro, &out);
	if (o->timings) /* scripts/bench-search reads this line */
		fprintf(stderr, "timings:   search index %.3f s\n", now_seconds() - ts);
	if (api_threaded)
		pthread_join(api_thread, NULL);
	ok |= api.ret;
	if (c->profile == PROFILE_PUBLIC) /* the leak check's last look at what the bodies published */
		leak_note_prose(c);
	corpus_drop_texts(c); /* the index was their last reader: pages need the memory */
	if (o->timings)
		fprintf(stderr, "timings: search index, api and feeds %.3f s (cpu %.3f s, peak RSS so far %ld MB)\n",
			now_seconds() - t0, cpu_seconds() - c0, peak_mb());
	t0 = now_seconds();
	c0 = cpu_seconds();
	deadline_stage("rendering pages");
	ok |= render_site(c, g, &ro, &out);
	if (o->timings)
		fprintf(stderr, "timings: pages %.3f s (cpu %.3f s, peak RSS so far %ld MB)\n", now_seconds() - t0,
			cpu_seconds() - c0, peak_mb());
	deadline_stage("checking the public build for leaks");
	t0 = now_seconds();
	c0 = cpu_seconds();
	if (ok >= 0 && c->profile == PROFILE_PUBLIC && leak_check(c, out.tmp, o->out_dir, o->jobs) < 0)
		ok = -1;
	if (o->timings && c->profile == PROFILE_PUBLIC)
		fprintf(stderr, "timings: leak check %.3f s (cpu %.3f s)\n", now_seconds() - t0, cpu_seconds() - c0);
	deadline_disarm(); /* from here the old site is swapped out or the new one removed: never half */
	if (ok < 0 || (o->strict && diag_count(DIAG_WARNING))) {
		output_abort(&out);
		goto out;
	}
	t0 = now_seconds();
	ret = output_commit(&out) < 0 ? EXIT_IO : 0;
	if (o->timings)
		fprintf(stderr, "timings: swap in and remove the old site %.3f s\n", now_seconds() - t0);
out:
	render_opts_release(&ro);
	free(base_url);
	free(theme);
	free(site_layouts);
	return ret;
}

/* A progress line on a terminal only: never in CI logs or with --quiet. */
static void progress(const struct options *o, const char *what)
{
	const char *ci = getenv("CI");
	if (o->quiet || !isatty(STDERR_FILENO) || (ci && *ci && strcmp(ci, "false")))
		return;
	fprintf(stderr, "\r\033[Kaftermath: %s", what);
	if (!*what)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

/* --max-seconds ran out (deadline.h): print the diagnostics so far and the deadline's. */
static void expire(void *ctx)
{
	const struct options *o = ctx;
	progress(o, "");
	report(o);
	fflush(stdout); /* the process ends with _exit: stdio's buffers are not flushed for us */
	fflush(stderr);
}

static int cmd_build(struct options *o, bool write)
{
	struct corpus c;
	struct graph g;
	double start = now_seconds(), cpu_start = cpu_seconds();
	int ret = 0;
	if (!fs_is_dir(o->content_dir)) {
		fprintf(stderr, "aftermath: content directory \"%s\" not found\n", o->content_dir);
		return EXIT_USAGE;
	}
	progress(o, "reading and parsing postmortems...");
	deadline_stage("reading and parsing postmortems");
	corpus_load(&c, o->content_dir, o->profile, o->jobs, !write); /* check's lint rules read the sources */
	double loaded = now_seconds(), cpu_loaded = cpu_seconds();
	progress(o, "linking services, factors and related incidents...");
	deadline_stage("linking services, factors and related postmortems");
	graph_link(&g, &c, o->jobs);
	double linked = now_seconds(), cpu_linked = cpu_seconds();
	progress(o, write ? "rendering and writing pages..." : "");
	if (o->timings)
		fprintf(stderr,
			"timings: parse %.3f s (cpu %.3f s), link %.3f s (cpu %.3f s) (%zu postmortems, peak RSS so far %ld MB)\n",
			loaded - start, cpu_loaded - cpu_start, linked - loaded, cpu_linked - cpu_loaded, c.npms, peak_mb());
	if (!write) {
		progress(o, "");
		char *builtin = find_lint();
		char *own = path_join(o->content_dir, "scripts/lint");
		const char *dirs[] = {builtin, own};
		deadline_stage("running the lint rules");
		lint_run(&c, dirs, 2);
		free(builtin);
		free(own);
		struct buf pub = BUF_INIT;
		if (o->profile == PROFILE_PUBLIC)
			publish_report(&pub, &c, c.redactor, o->format == DIAG_JSON ? DIAG_JSON : DIAG_TEXT);
		ret = check_output(o, &pub, c.npms);
		buf_release(&pub);
		goto out;
	}
	if (diag_count(DIAG_ERROR) || (o->strict && diag_count(DIAG_WARNING))) {
		ret = report(o);
		goto out;
	}
	ret = build_output(o, &c, &g);
	progress(o, "");
	if (o->timings)
		fprintf(stderr, "timings: render and write %.3f s (peak RSS %ld MB)\n", now_seconds() - linked, peak_mb());
	int diag_ret = report(o);
	if (!ret)
		ret = diag_ret;
	if (!ret && !o->quiet)
		fprintf(stderr, "aftermath: built %zu postmortems into %s/ in %.2f s (as of %s, %s profile)\n",
			c.npms, o->out_dir, now_seconds() - start, o->as_of,
			o->profile == PROFILE_PUBLIC ? "public" : "internal");
out:
	/* The process ends here: the kernel takes the memory back at once, where
	 * freeing every node and YAML tree took 0.1 s of a 10k build.  (exit, not
	 * return: c and g stay on the stack, so leak checkers see them reachable.) */
	if (o->exit_when_built)
		exit(ret);
	graph_release(&g);
	corpus_release(&c);
	return ret;
}

static void stats_row(struct buf *b, const char *name, const struct counts *c)
{
	double rate;
	buf_addf(b, "  %-32.32s %6zu %6zu %6zu %6zu %6zu %7zu   ", name, c->total, c->done, c->open, c->in_progress,
		 c->wont_do, c->overdue);
	if (counts_rate(c, &rate))
		buf_addf(b, "%5.1f%%\n", rate * 100.0);
	else
		buf_adds(b, "    -\n");
}

static void stats_header(struct buf *b, const char *title)
{
	buf_addf(b, "\n%-34s %6s %6s %6s %6s %6s %7s   %6s\n", title, "total", "done", "open", "doing", "wont", "overdue",
		 "done%");
}

/* The same figures as api/stats.json, as a table for people. */
static void stats_text(struct buf *b, const struct corpus *c, const struct graph *g, int64_t day, const char *as_of)
{
	struct counts total = {0};
	for (size_t i = 0; i < c->npms; i++) {
		struct counts one;
		counts_of_pm(&one, &c->pms[i], day);
		counts_merge(&total, &one);
	}
	buf_addf(b, "%zu postmortems, as of %s (%s profile)\n", c->npms, as_of,
		 c->profile == PROFILE_PUBLIC ? "public" : "internal");
	stats_header(b, "action items");
	stats_row(b, "all", &total);
	stats_header(b, "by severity");
	for (size_t s = 0; s < c->site.nseverities; s++) {
		struct counts cnt = {0};
		for (size_t i = 0; i < c->npms; i++) {
			if (c->pms[i].severity != (int)s)
				continue;
			struct counts one;
			counts_of_pm(&one, &c->pms[i], day);
			counts_merge(&cnt, &one);
		}
		stats_row(b, c->site.severities[s], &cnt);
	}
	static const enum term_kind kinds[] = {TERM_SERVICE, TERM_FACTOR};
	static const char *const titles[] = {"by service", "by factor"};
	for (int k = 0; k < 2; k++) {
		stats_header(b, titles[k]);
		for (size_t n = 0; n < g->nnodes[kinds[k]]; n++) {
			const struct node *nd = &g->nodes[kinds[k]][n];
			struct counts cnt = {0};
			for (size_t p = 0; p < nd->npms; p++) {
				struct counts one;
				counts_of_pm(&one, &c->pms[nd->pms[p]], day);
				counts_merge(&cnt, &one);
			}
			stats_row(b, nd->name, &cnt);
		}
	}
	struct insights in;
	insights_compute(&in, c, g, day);
	buf_addf(b, "\n%-34s %6s %14s %14s %14s\n", "minutes to (median / p90)", "count", "detect", "mitigate",
		 "resolve");
	for (size_t s = 0; s < c->site.nseverities; s++) {
		const struct duration_row *r = &in.by_severity[s];
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
	buf_addf(b, "\n%zu incidents, %zu near-misses (durations exclude them), %zu drills\n", in.incidents,
		 in.near_misses, in.drills);
	insights_release(&in);
}

static int cmd_new(struct options *o)
{
	struct corpus c;
	char *theme = find_theme();
	char *site_layouts = path_join(o->content_dir, "layouts");
	const char *dirs[] = {site_layouts, theme};
	const char *owner = getenv("GIT_AUTHOR_NAME");
	char *path = NULL;
	int ret;
	if (!owner || !*owner)
		owner = getenv("USER");
	if (!owner || !*owner)
		owner = "unassigned";
	if (!fs_is_dir(o->content_dir)) {
		fprintf(stderr, "aftermath: content directory \"%s\" not found\n", o->content_dir);
		ret = EXIT_USAGE;
		goto out;
	}
	/* Existing files only matter for their ids: their problems are check's job. */
	corpus_load(&c, o->content_dir, PROFILE_INTERNAL, o->jobs, false);
	diag_clear();
	ret = newpm_create(&c, dirs, 2, o->title ? o->title : "Untitled incident", o->as_of, owner, &path);
	corpus_release(&c);
	if (ret < 0) {
		diag_flush(stderr, o->format);
		ret = EXIT_CONTENT;
		goto out;
	}
	printf("%s\n", path);
	if (!o->quiet)
		fprintf(stderr, "aftermath: wrote %s; fill it in, then run: aftermath check %s\n", path, o->content_dir);
out:
	free(path);
	free(theme);
	free(site_layouts);
	return ret;
}

/* serve's rebuild: a normal build with its diagnostics captured. */
static int serve_build(void *ctx, char **diags)
{
	struct options *o = ctx;
	size_t len;
	FILE *mem = open_memstream(diags, &len);
	o->diag_out = mem;
	int ret = cmd_build(o, true);
	o->diag_out = NULL;
	fclose(mem);
	return ret;
}

/* serve's temporary site: a new directory in $TMPDIR (else /tmp); caller frees. */
static char *serve_tmpdir(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	char *tmp = xstrfmt("%s/aftermath-serve-XXXXXX", dir);
	if (!mkdtemp(tmp))
		die("cannot create a temporary directory in %s: %s", dir, strerror(errno));
	return tmp;
}

static int cmd_serve(struct options *o)
{
	char *tmp = NULL, *out = NULL;
	if (!fs_is_dir(o->content_dir)) {
		fprintf(stderr, "aftermath: content directory \"%s\" not found\n", o->content_dir);
		return EXIT_USAGE;
	}
	if (!o->out_set) {
		tmp = serve_tmpdir();
		out = path_join(tmp, "site");
		o->out_dir = out;
	}
	char *theme = find_theme();
	const char *watch[] = {o->content_dir, theme};
	struct serve_opts so = {
		.out_dir = o->out_dir,
		.watch = watch,
		.nwatch = 2,
		.port = o->port,
		.build = serve_build,
		.ctx = o,
		.max_seconds = o->max_seconds,
		.follow_outside = o->allow_outside_links,
	};
	/* Returns after a stop signal too, so the temporary site goes. */
	int ret = serve_run(&so);
	if (tmp)
		fs_remove_tree(tmp);
	free(tmp);
	free(out);
	free(theme);
	return ret;
}

static int cmd_stats(struct options *o)
{
	struct corpus c;
	struct graph g;
	struct when w;
	int ret;
	if (!fs_is_dir(o->content_dir)) {
		fprintf(stderr, "aftermath: content directory \"%s\" not found\n", o->content_dir);
		return EXIT_USAGE;
	}
	corpus_load(&c, o->content_dir, o->profile, o->jobs, false);
	graph_link(&g, &c, o->jobs);
	ret = report(o);
	if (!ret) {
		struct buf b = BUF_INIT;
		when_parse(&w, o->as_of);
		if (o->format == DIAG_JSON)
			api_stats_json(&b, &c, &g, o->as_of);
		else
			stats_text(&b, &c, &g, when_day(&w), o->as_of);
		if (o->format != DIAG_JSON) { /* names from content, shown on a terminal: no control characters */
			struct buf shown = BUF_INIT;
			buf_add_visible(&shown, buf_cstr(&b), true);
			buf_release(&b);
			b = shown;
		}
		fwrite(buf_cstr(&b), 1, b.len, stdout);
		buf_release(&b);
	}
	graph_release(&g);
	corpus_release(&c);
	return ret;
}

/* `aftermath help [COMMAND]` (and --help): the overview, or one command's. */
static int cmd_help(int argc, char **argv)
{
	if (argc < 3) {
		fputs(help_usage(), stdout);
		return 0;
	}
	if (argc > 3)
		return usage_error("unexpected argument \"%s\" (expected one command)", argv[3]);
	const char *text = help_command(argv[2]);
	if (!text)
		return usage_error("no help for \"%s\" (expected build, check, init, new, serve, stats or help)",
				   argv[2]);
	fputs(text, stdout);
	return 0;
}

static int cmd_init(const struct options *o)
{
	char *templates = find_shipped("AFTERMATH_INIT", "init", "init", "site.yaml");
	struct init_opts io = {
		.dir = o->content_dir,
		.templates = templates,
		.version = aftermath_version,
		.upstream = AFTERMATH_UPSTREAM,
		.quiet = o->quiet,
	};
	int ret = init_run(&io);
	free(templates);
	return ret;
}

/* check --explain FILE: the values of one postmortem and where each came from (explain.h). */
static int cmd_explain(struct options *o)
{
	if (strcmp(o->command, "check"))
		return usage_error("--explain is an option of check (aftermath check %s --explain FILE)", o->content_dir);
	int ret = explain_file(o->content_dir, o->explain, stdout);
	int diag_ret = report(o);
	return ret < 0 ? EXIT_CONTENT : diag_ret;
}

int main(int argc, char **argv)
{
	struct options o = {.content_dir = "content", .out_dir = "public", .jobs = parallel_cpus(), .port = 8080};
	if (argc < 2) {
		fputs(help_usage(), stderr);
		return EXIT_USAGE;
	}
	o.command = argv[1];
	if (!strcmp(o.command, "-h") || !strcmp(o.command, "--help") || !strcmp(o.command, "help"))
		return cmd_help(argc, argv);
	if (!strcmp(o.command, "--version") || !strcmp(o.command, "version")) {
		printf("aftermath %s\n", aftermath_version);
		return 0;
	}
	if (!help_command(o.command) || !strcmp(o.command, "help"))
		return usage_error("unknown command \"%s\" (expected build, check, init, new, serve or stats)", o.command);
	if (!strcmp(o.command, "init"))
		o.content_dir = ".";
	int ret = parse_options(&o, argc - 1, argv + 1);
	if (ret)
		return ret;
	if (!strcmp(o.command, "init")) /* reads only what is shipped; writes O_NOFOLLOW */
		return cmd_init(&o);
	confine_roots(&o);
	sandbox_set_limits(o.lua_memory_mb << 20, o.page_output_mb << 20); /* before any Lua state is made */
	if (!strcmp(o.command, "stats"))
		return cmd_stats(&o);
	if (!strcmp(o.command, "new"))
		return cmd_new(&o);
	if (!strcmp(o.command, "serve"))
		return cmd_serve(&o);
	if (o.explain)
		return cmd_explain(&o);
	o.exit_when_built = true;
	deadline_start(o.max_seconds, expire, &o, EXIT_CONTENT);
	return cmd_build(&o, !strcmp(o.command, "build"));
}
