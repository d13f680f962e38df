/*
 * cli: the command line every command shares: its options, their parsing,
 * the exit statuses, and what commands have in common (where the theme and
 * the lint rules are, what a run may read, printing diagnostics, progress).
 * Each command is a file of cmd/ (build.c, check.c, stats.c, new.c,
 * serve.c, init.c, help.c); main.c dispatches.
 */
#ifndef AFTERMATH_CLI_H
#define AFTERMATH_CLI_H

#include "base/diag.h"
#include "model/corpus.h"

#include <stdio.h>

#define EXIT_CONTENT 1 /* the content has errors (or warnings with --strict) */
#define EXIT_USAGE   2 /* the command line is wrong */
#define EXIT_IO	     3 /* the output could not be written or swapped in */

struct options {
	const char *command;
	const char *content_dir;
	const char *out_dir;
	enum profile profile;
	char as_of[11];
	/* build: the previous review's date (/actions/review/); NULL: 14 days before as_of */
	const char *since;
	const char *base_url;
	int jobs;
	bool strict, quiet, timings;
	/* only from the command line: site.yaml arrives with the pull request */
	bool allow_outside_links;
	enum diag_format format;
	const char *title;
	/* new: --severity, --owner, --date (NULL: not given) */
	const char *severity, *owner, *date;
	const char **services; /* new: every --service value, in order */
	size_t nservices;
	const char *explain; /* check --explain FILE */
	bool out_set;
	int port;	      /* serve: 8080 unless given; 0: any free port */
	int max_seconds;      /* serve: stop after this long (tests) */
	FILE *diag_out;	      /* where diagnostics go (stderr; serve captures them) */
	bool exit_when_built; /* the process ends with this build (not serve's) */
	size_t lua_memory_mb, page_output_mb; /* 0: the defaults */
};

/* "aftermath: " fmt (with arg), a hint, on stderr; EXIT_USAGE. */
int usage_error(const char *fmt, const char *arg);
/* --as-of `arg`, else SOURCE_DATE_EPOCH, else today (UTC), into out; 0 or EXIT_USAGE after a message. */
int cli_as_of(char out[11], const char *arg);
/* argv after the command into *o (defaults set by the caller); 0 or EXIT_USAGE after a message. */
int parse_options(struct options *o, int argc, char **argv);

/*
 * A directory shipped with aftermath: `env` if set, else `rel` beside the
 * binary (the source tree: build/ and build/asan/), else installed under
 * share/aftermath.  `probe` is a file that must be in it.  Caller frees.
 */
char *find_shipped(const char *env, const char *rel, const char *installed, const char *probe);
/* The default theme: $AFTERMATH_THEME, else beside the binary, else installed. */
char *find_theme(void);
/* The shipped lint rules, found the same way ($AFTERMATH_LINT). */
char *find_lint(void);
/* What a run may read (confine.h): the content directory, the theme and the shipped lint rules. */
void confine_roots(const struct options *o);

/* True, after saying so, when the content directory does not exist. */
bool content_dir_missing(const struct options *o);
/* Print diagnostics; the exit status they call for (0 or EXIT_CONTENT). */
int report(const struct options *o);
/* Whether the diagnostics so far stop a build (errors, or warnings with --strict). */
bool build_blocked(const struct options *o);
/* A progress line on a terminal only: never in CI logs or with --quiet ("" clears it). */
void progress(const struct options *o, const char *what);
/* --base-url, else site.yaml's base_url, else "/"; always ending in '/'.  Caller frees. */
char *normalized_base_url(const char *url, const struct site *s);

#endif
