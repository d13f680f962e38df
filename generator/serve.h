/*
 * serve: `aftermath serve`, a local preview that rebuilds on change.
 *
 * Builds once, serves the output directory on 127.0.0.1 only (libmicrohttpd),
 * watches the content directory and the theme with inotify, rebuilds after
 * a change settles, and makes open pages reload themselves: every HTML page
 * it serves gets a small script that polls /__aftermath/build.  When a build
 * fails, pages show its diagnostics in a banner (and the last good site stays
 * served).  Only files inside the output directory are served: paths with
 * "..", and symbolic links that lead outside it, are refused with 404.
 */
#ifndef AFTERMATH_SERVE_H
#define AFTERMATH_SERVE_H

#include "util.h"

/*
 * Rebuild the site: returns 0 on success; the diagnostics of the build (as
 * text, possibly empty) go to *diags (caller frees).
 */
typedef int (*serve_build_fn)(void *ctx, char **diags);

struct serve_opts {
	const char *out_dir;         /* what is served */
	const char *const *watch;    /* directories whose changes trigger a rebuild */
	size_t nwatch;
	int port;                    /* 0: any free port */
	serve_build_fn build;
	void *ctx;
	int max_seconds;             /* stop after this long (tests); 0: run until killed */
};

/* Run the server; returns an exit status (0 when stopped by max_seconds). */
int serve_run(const struct serve_opts *o);

/*
 * Map a request path to a file below root: NULL when it would leave root
 * (after percent-decoding), else the file path (caller frees); a path ending
 * in '/' maps to its index.html.
 */
char *serve_resolve(const char *root, const char *url);

#endif
