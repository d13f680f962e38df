/*
 * devserver: the local preview server of `aftermath serve` (cmd/serve.c), which rebuilds on change.
 *
 * Builds once, serves the output directory on 127.0.0.1 only (libmicrohttpd),
 * watches the content directory and the theme with inotify, rebuilds after
 * a change settles, and makes open pages reload themselves: every HTML page
 * it serves gets a small script that polls /__aftermath/build.  When a build
 * fails, pages show its diagnostics in a banner (and the last good site stays
 * served).
 *
 * What a web page in the same browser, or a client on this machine, can do
 * to it is bounded:
 * - a request whose Host is not localhost, 127.0.0.1 or [::1] (with an
 *   optional port) is refused with 421, so a site that rebinds its own name
 *   to 127.0.0.1 cannot read the preview;
 * - only regular files that really lie below the output directory are
 *   served: paths with "..", "\", NUL or control bytes (after decoding
 *   once), symbolic links that lead outside, FIFOs and devices get 404;
 * - a directory asked for without its final '/' is redirected to its
 *   cleaned path ("/a/b/", one slash each, percent-encoded), never to
 *   "//host" or "/\host";
 * - connections idle for SERVE_TIMEOUT seconds are closed, at most
 *   SERVE_MAX_CONNECTIONS are open at once (SERVE_MAX_CONNECTIONS_PER_IP
 *   from one address), a request's line and headers fit in
 *   SERVE_MAX_REQUEST bytes;
 * - SIGINT, SIGTERM and SIGHUP stop it cleanly (serve_run returns 0 and
 *   the caller removes its temporary site); a second one ends it at once.
 * The watcher walks real directories only, and a symbolic link to a
 * directory only when it resolves inside the watched tree; each directory
 * once, so link loops end.
 */
#ifndef AFTERMATH_DEVSERVER_H
#define AFTERMATH_DEVSERVER_H

#include "base/util.h"

#define SERVE_TIMEOUT		     10 /* seconds a connection may stay idle */
#define SERVE_MAX_CONNECTIONS	     64 /* open at once */
#define SERVE_MAX_CONNECTIONS_PER_IP 32 /* open at once from one address */
#define SERVE_MAX_REQUEST \
	(32u << 10) /* bytes of request line and headers (and MHD's bookkeeping) */

/*
 * Rebuild the site: returns 0 on success; the diagnostics of the build (as
 * text, possibly empty) go to *diags (caller frees).
 */
typedef int (*serve_build_fn)(void *ctx, char **diags);

struct serve_opts {
	const char *out_dir;	  /* what is served */
	const char *const *watch; /* directories whose changes trigger a rebuild */
	size_t nwatch;
	int port; /* 0: any free port */
	serve_build_fn build;
	void *ctx;
	int max_seconds;     /* stop after this long (tests); 0: run until killed */
	bool follow_outside; /* --allow-outside-links: the watcher follows links out too */
};

/* Run the server; returns an exit status (0 when stopped by max_seconds). */
int serve_run(const struct serve_opts *o);

/* True for "localhost", "127.0.0.1" or "[::1]" (any case), with an optional ":PORT". */
bool serve_host_allowed(const char *host);

/*
 * The request path (as sent: still percent-encoded) decoded once and
 * cleaned: "/" and then its segments, one '/' between, "." and empty ones
 * dropped, a final '/' kept.  NULL when it must not be served: not starting
 * with '/', a ".." segment, or a NUL, control byte or '\' (encoded or not).
 * Caller frees.
 */
char *serve_clean_path(const char *url);

/*
 * The Location for a directory asked for without its final '/': path (from
 * serve_clean_path) percent-encoded, with '/' appended.  It starts with one
 * '/' followed by a segment, so it never names another host.  Caller frees.
 */
char *serve_redirect(const char *path);

#endif
