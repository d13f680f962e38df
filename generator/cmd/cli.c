/* cli: the shared command line (see cli.h). */
#include "cmd/cli.h"

#include "base/confine.h"
#include "base/fsutil.h"
#include "base/url.h"
#include "cmd/help.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Written by the Makefile: `git describe` in a clone, else the VERSION file. */
extern const char aftermath_version[];

int usage_error(const char *fmt, const char *arg)
{
	fputs("aftermath: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(run 'aftermath help' for usage)\n", stderr);
	return EXIT_USAGE;
}

int cli_as_of(char out[11], const char *arg)
{
	struct when w;
	if (arg) {
		if (when_parse(&w, arg) < 0 || w.has_time)
			return usage_error("invalid --as-of date \"%s\" (expected YYYY-MM-DD)",
					   arg);
		when_date(&w, out);
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
			return usage_error(
				"invalid SOURCE_DATE_EPOCH \"%s\" (expected seconds since 1970; "
				"unset it to build as of today)",
				sde);
		t = (time_t)v;
	}
	w = (struct when){.set = true, .epoch = (int64_t)t / 86400 * 86400};
	when_date(&w, out);
	return 0;
}

int parse_options(struct options *o, int argc, char **argv)
{
	enum {
		OPT_PROFILE = 256,
		OPT_AS_OF,
		OPT_BASE_URL,
		OPT_STRICT,
		OPT_FORMAT,
		OPT_TITLE,
		OPT_PORT,
		OPT_MAX_SECONDS,
		OPT_TIMINGS,
		OPT_ALLOW_OUTSIDE,
		OPT_VERSION,
		OPT_LUA_MEMORY,
		OPT_PAGE_OUTPUT,
		OPT_EXPLAIN,
		OPT_SEVERITY,
		OPT_SERVICE,
		OPT_DATE,
		OPT_OWNER,
		OPT_SINCE
	};
	static const struct option longopts[] = {
		{"output", required_argument, NULL, 'o'},
		{"profile", required_argument, NULL, OPT_PROFILE},
		{"as-of", required_argument, NULL, OPT_AS_OF},
		{"base-url", required_argument, NULL, OPT_BASE_URL},
		{"jobs", required_argument, NULL, 'j'},
		{"strict", no_argument, NULL, OPT_STRICT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"title", required_argument, NULL, OPT_TITLE},
		{"timings", no_argument, NULL, OPT_TIMINGS},
		{"port", required_argument, NULL, OPT_PORT},
		{"max-seconds", required_argument, NULL, OPT_MAX_SECONDS},
		{"allow-outside-links", no_argument, NULL, OPT_ALLOW_OUTSIDE},
		{"version", no_argument, NULL, OPT_VERSION},
		{"lua-memory", required_argument, NULL, OPT_LUA_MEMORY},
		{"page-output", required_argument, NULL, OPT_PAGE_OUTPUT},
		{"explain", required_argument, NULL, OPT_EXPLAIN},
		{"since", required_argument, NULL, OPT_SINCE},
		{"severity", required_argument, NULL, OPT_SEVERITY},
		{"service", required_argument, NULL, OPT_SERVICE},
		{"date", required_argument, NULL, OPT_DATE},
		{"owner", required_argument, NULL, OPT_OWNER},
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
				return usage_error(
					"unknown profile \"%s\" (expected internal or public)",
					optarg);
			break;
		case OPT_AS_OF: as_of = optarg; break;
		case OPT_BASE_URL:
			if (!url_safe(optarg))
				return usage_error(
					"--base-url \"%s\" is not allowed (expected " URL_SAFE_EXPECTED
					")",
					optarg);
			o->base_url = optarg;
			break;
		case 'j': {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 256)
				return usage_error(
					"invalid --jobs \"%s\" (expected a number from 1 to 256)",
					optarg);
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
				return usage_error(
					"unknown format \"%s\" (expected text, json, github or gitlab)",
					optarg);
			break;
		case 'q': o->quiet = true; break;
		case OPT_TITLE: o->title = optarg; break;
		case OPT_SEVERITY: o->severity = optarg; break;
		case OPT_OWNER: o->owner = optarg; break;
		case OPT_DATE: o->date = optarg; break;
		case OPT_SERVICE:
			o->services =
				xrealloc(o->services, (o->nservices + 1) * sizeof(*o->services));
			o->services[o->nservices++] = optarg;
			break;
		case OPT_TIMINGS: o->timings = true; break;
		case OPT_ALLOW_OUTSIDE: o->allow_outside_links = true; break;
		case OPT_EXPLAIN: o->explain = optarg; break;
		case OPT_SINCE: {
			struct when w;
			if (when_parse(&w, optarg) < 0 || w.has_time)
				return usage_error(
					"invalid --since date \"%s\" (expected YYYY-MM-DD)",
					optarg);
			o->since = optarg;
			break;
		}
		case OPT_PORT:
		case OPT_MAX_SECONDS: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 0 || n > 65535)
				return usage_error("invalid number \"%s\" (expected 0 to 65535)",
						   optarg);
			if (c == OPT_PORT)
				o->port = (int)n;
			else
				o->max_seconds = (int)n;
			break;
		}
		case OPT_VERSION: printf("aftermath %s\n", aftermath_version); exit(0);
		case 'h':
			fputs(help_command(o->command) ? help_command(o->command) : help_usage(),
			      stdout);
			exit(0);
		case OPT_LUA_MEMORY:
		case OPT_PAGE_OUTPUT: {
			char *end;
			long n = strtol(optarg, &end, 10);
			if (*end || n < 1 || n > 65536)
				return usage_error(
					"invalid size \"%s\" (expected megabytes, 1 to 65536)",
					optarg);
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
	const char *new_only = o->severity    ? "--severity"
			       : o->nservices ? "--service"
			       : o->date      ? "--date"
			       : o->owner     ? "--owner"
					      : NULL;
	if (new_only && strcmp(o->command, "new"))
		return usage_error("%s is an option of new only (expected it after aftermath new)",
				   new_only);
	return cli_as_of(o->as_of, as_of);
}

char *find_shipped(const char *env, const char *rel, const char *installed, const char *probe)
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

char *find_theme(void)
{
	return find_shipped("AFTERMATH_THEME", "layouts", "layouts", "base.html");
}

char *find_lint(void)
{
	return find_shipped("AFTERMATH_LINT", "lint", "lint", "blame-language.lua");
}

void confine_roots(const struct options *o)
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

bool content_dir_missing(const struct options *o)
{
	if (fs_is_dir(o->content_dir))
		return false;
	fprintf(stderr, "aftermath: content directory \"%s\" not found\n", o->content_dir);
	return true;
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

int report(const struct options *o)
{
	bool failed = diag_count(DIAG_ERROR) || (o->strict && diag_count(DIAG_WARNING));
	diag_flush(diag_stream(o), o->format);
	return failed ? EXIT_CONTENT : 0;
}

void progress(const struct options *o, const char *what)
{
	const char *ci = getenv("CI");
	if (o->quiet || !isatty(STDERR_FILENO) || (ci && *ci && strcmp(ci, "false")))
		return;
	fprintf(stderr, "\r\033[Kaftermath: %s", what);
	if (!*what)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

char *normalized_base_url(const char *url, const struct site *s)
{
	if (!url || !*url)
		url = s->base_url;
	if (!url || !*url)
		return xstrdup("/");
	return str_ends(url, "/") ? xstrdup(url) : xstrfmt("%s/", url);
}

bool build_blocked(const struct options *o)
{
	return diag_count(DIAG_ERROR) || (o->strict && diag_count(DIAG_WARNING));
}
