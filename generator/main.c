/*
 * aftermath: a static site generator for a postmortem knowledge base.
 *
 * main.c parses the command line and drives the pipeline:
 *   corpus_load   find files, parse front matter and Markdown
 *   graph_link    services, factors, related postmortems, recurrences
 *   output_open   a temporary sibling of the output directory
 *   render_*      assets, pages through the Lua templates
 *   api_write     the JSON and CSV files
 *   output_commit swap the new site in
 */
#include "api.h"
#include "corpus.h"
#include "diag.h"
#include "fsutil.h"
#include "graph.h"
#include "output.h"
#include "parallel.h"
#include "render.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define EXIT_CONTENT 1
#define EXIT_USAGE 2
#define EXIT_IO 3

static const char usage_text[] =
	"usage: aftermath <command> [options]\n"
	"\n"
	"commands:\n"
	"  build [CONTENT_DIR]   build the site (default content dir: content)\n"
	"  check [CONTENT_DIR]   check the postmortems and report problems; writes nothing\n"
	"\n"
	"options:\n"
	"  -o, --output DIR      output directory (default: public)\n"
	"  --profile NAME        internal (default) or public\n"
	"  --as-of YYYY-MM-DD    the date overdue items are measured against\n"
	"                        (default: SOURCE_DATE_EPOCH, else today in UTC)\n"
	"  --base-url URL        absolute URL the site is served from (for canonical links)\n"
	"  -j, --jobs N          worker threads (default: number of CPUs)\n"
	"  --strict              treat warnings as errors\n"
	"  --format FMT          diagnostics as text (default), json or github\n"
	"  -q, --quiet           print nothing but diagnostics\n"
	"  -h, --help            show this help\n"
	"\n"
	"exit status: 0 success, 1 content errors (or warnings with --strict),\n"
	"2 usage error, 3 I/O or internal error\n";

struct options {
	const char *command;
	const char *content_dir;
	const char *out_dir;
	enum profile profile;
	char as_of[11];
	const char *base_url;
	int jobs;
	bool strict, quiet;
	enum diag_format format;
};

static int usage_error(const char *fmt, const char *arg)
{
	fputs("aftermath: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(run 'aftermath --help' for usage)\n", stderr);
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
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long v = strtoll(sde, &end, 10);
		if (errno || *end || v < 0)
			return usage_error("invalid SOURCE_DATE_EPOCH \"%s\" (expected seconds since 1970)", sde);
		t = (time_t)v;
	}
	w = (struct when){.set = true, .epoch = (int64_t)t / 86400 * 86400};
	when_date(&w, o->as_of);
	return 0;
}

static int parse_options(struct options *o, int argc, char **argv)
{
	enum { OPT_PROFILE = 256, OPT_AS_OF, OPT_BASE_URL, OPT_STRICT, OPT_FORMAT };
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},   {"profile", required_argument, NULL, OPT_PROFILE},
		{"as-of", required_argument, NULL, OPT_AS_OF}, {"base-url", required_argument, NULL, OPT_BASE_URL},
		{"jobs", required_argument, NULL, 'j'},     {"strict", no_argument, NULL, OPT_STRICT},
		{"format", required_argument, NULL, OPT_FORMAT}, {"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0},
	};
	const char *as_of = NULL;
	int c;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+o:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->out_dir = optarg; break;
		case OPT_PROFILE:
			if (!strcmp(optarg, "internal"))
				o->profile = PROFILE_INTERNAL;
			else if (!strcmp(optarg, "public"))
				o->profile = PROFILE_PUBLIC;
			else
				return usage_error("unknown profile \"%s\" (expected internal or public)", optarg);
			break;
		case OPT_AS_OF: as_of = optarg; break;
		case OPT_BASE_URL: o->base_url = optarg; break;
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
			else
				return usage_error("unknown format \"%s\" (expected text, json or github)", optarg);
			break;
		case 'q': o->quiet = true; break;
		case 'h': fputs(usage_text, stdout); exit(0);
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

/* The default theme: $AFTERMATH_THEME, else beside the binary, else installed. */
static char *find_theme(void)
{
	const char *env = getenv("AFTERMATH_THEME");
	if (env && *env)
		return xstrdup(env);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		static const char *const rel[] = {"/../layouts", "/../../layouts", "/../share/aftermath/layouts"};
		char *slash = strrchr(exe, '/');
		*slash = '\0';
		for (size_t i = 0; i < ARRAY_SIZE(rel); i++) {
			char *dir = xstrfmt("%s%s", exe, rel[i]);
			char *base = path_join(dir, "base.html");
			bool ok = fs_exists(base);
			free(base);
			if (ok)
				return dir;
			free(dir);
		}
	}
	return xstrdup(AFTERMATH_THEME_DIR);
}

/* Print diagnostics; the exit status they call for (0 or EXIT_CONTENT). */
static int report(const struct options *o)
{
	bool failed = diag_count(DIAG_ERROR) || (o->strict && diag_count(DIAG_WARNING));
	diag_flush(stderr, o->format);
	return failed ? EXIT_CONTENT : 0;
}

static char *normalized_base_url(const char *url)
{
	if (!url || !*url)
		return xstrdup("/");
	return str_ends(url, "/") ? xstrdup(url) : xstrfmt("%s/", url);
}

static int build_output(const struct options *o, struct corpus *c, struct graph *g)
{
	struct output out;
	char *theme = find_theme();
	char *site_layouts = path_join(o->content_dir, "layouts");
	const char *dirs[] = {site_layouts, theme};
	char *base_url = normalized_base_url(o->base_url);
	struct render_opts ro = {
		.layout_dirs = dirs,
		.nlayout_dirs = 2,
		.as_of = o->as_of,
		.base_url = base_url,
		.jobs = o->jobs,
	};
	struct when asof;
	when_parse(&asof, o->as_of);
	ro.as_of_day = when_day(&asof);
	int ret = EXIT_USAGE;
	if (output_open(&out, o->out_dir, o->content_dir) < 0)
		goto out;
	ret = EXIT_CONTENT;
	char *static_dir = path_join(o->content_dir, "static");
	int ok = render_assets(&ro, &out) | output_copy_tree(&out, static_dir, "");
	free(static_dir);
	ok |= render_site(c, g, &ro, &out);
	ok |= api_write(c, g, &ro, &out);
	if (ok < 0 || (o->strict && diag_count(DIAG_WARNING))) {
		output_abort(&out);
		goto out;
	}
	ret = output_commit(&out) < 0 ? EXIT_IO : 0;
out:
	render_opts_release(&ro);
	free(base_url);
	free(theme);
	free(site_layouts);
	return ret;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmd_build(struct options *o, bool write)
{
	struct corpus c;
	struct graph g;
	double start = now_seconds();
	int ret = 0;
	if (!fs_is_dir(o->content_dir)) {
		fprintf(stderr, "aftermath: content directory \"%s\" not found\n", o->content_dir);
		return EXIT_USAGE;
	}
	corpus_load(&c, o->content_dir, o->profile, o->jobs);
	graph_link(&g, &c, o->jobs);
	if (diag_count(DIAG_ERROR) || (o->strict && diag_count(DIAG_WARNING)) || !write) {
		ret = report(o);
		if (!write && !o->quiet && !ret)
			fprintf(stderr, "aftermath: %zu postmortems checked, no problems\n", c.npms);
		goto out;
	}
	ret = build_output(o, &c, &g);
	int diag_ret = report(o);
	if (!ret)
		ret = diag_ret;
	if (!ret && !o->quiet)
		fprintf(stderr, "aftermath: built %zu postmortems into %s/ in %.2f s (as of %s, %s profile)\n",
			c.npms, o->out_dir, now_seconds() - start, o->as_of,
			o->profile == PROFILE_PUBLIC ? "public" : "internal");
out:
	graph_release(&g);
	corpus_release(&c);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = {.content_dir = "content", .out_dir = "public", .jobs = parallel_cpus()};
	if (argc < 2) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	o.command = argv[1];
	if (!strcmp(o.command, "-h") || !strcmp(o.command, "--help") || !strcmp(o.command, "help")) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(o.command, "build") && strcmp(o.command, "check"))
		return usage_error("unknown command \"%s\" (expected build or check)", o.command);
	int ret = parse_options(&o, argc - 1, argv + 1);
	if (ret)
		return ret;
	return cmd_build(&o, !strcmp(o.command, "build"));
}
