/* devserver: the local preview server behind `aftermath serve`, rebuilding on change (see devserver.h). */
#include "cmd/devserver.h"

#include "base/confine.h"
#include "base/fsutil.h"
#include "base/strmap.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct server {
	const struct serve_opts *o;
	char *root; /* realpath of out_dir, refreshed after each build */
	atomic_int generation;
	pthread_mutex_t lock;
	char *diags; /* of the last build */
	bool failed; /* the last build failed */
};

static const char reload_script[] =
	"<script>(function(){var g=%d;function poll(){fetch('/__aftermath/build',{cache:'no-store'})"
	".then(function(r){return r.text()}).then(function(t){if(+t!==g)location.reload();else setTimeout(poll,500)})"
	".catch(function(){setTimeout(poll,1000)})}setTimeout(poll,500)})();</script>";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

bool serve_host_allowed(const char *host)
{
	static const char *const names[] = {"localhost", "127.0.0.1", "[::1]"};
	if (!host)
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		size_t n = strlen(names[i]);
		if (strncasecmp(host, names[i], n))
			continue;
		const char *port = host + n;
		if (!*port)
			return true;
		if (*port != ':')
			continue;
		size_t digits = strspn(port + 1, "0123456789");
		return digits >= 1 && digits <= 5 && !port[1 + digits];
	}
	return false;
}

/* The request path decoded once (up to '?' or '#'), or -1 for a byte no file name here has. */
static int percent_decode(const char *url, struct buf *out)
{
	size_t n = strcspn(url, "?#");
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)url[i];
		if (c == '%' && i + 2 < n && hexval(url[i + 1]) >= 0 && hexval(url[i + 2]) >= 0) {
			c = hexval(url[i + 1]) * 16 + hexval(url[i + 2]);
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return -1;
		buf_addch(out, c);
	}
	return 0;
}

char *serve_clean_path(const char *url)
{
	struct buf dec = BUF_INIT, out = BUF_INIT;
	if (url[0] != '/' || percent_decode(url, &dec) < 0)
		goto refuse;
	const char *p = buf_cstr(&dec);
	while (*p) {
		size_t len = strcspn(p, "/");
		if (len == 2 && p[0] == '.' && p[1] == '.')
			goto refuse; /* refused outright rather than normalised */
		if (len && !(len == 1 && p[0] == '.')) {
			buf_addch(&out, '/');
			buf_add(&out, p, len);
		}
		p += len;
		p += *p == '/';
	}
	if (!out.len || dec.ptr[dec.len - 1] == '/')
		buf_addch(&out, '/');
	buf_release(&dec);
	return buf_detach(&out, NULL);
refuse:
	buf_release(&dec);
	buf_release(&out);
	return NULL;
}

char *serve_redirect(const char *path)
{
	static const char safe[] = "-._~!$&'()*+,;=:@/";
	struct buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr(safe, *p))
			buf_addch(&b, *p);
		else
			buf_addf(&b, "%%%02X", *p);
	}
	buf_addch(&b, '/');
	return buf_detach(&b, NULL);
}

/*
 * Open a file to serve: only a regular file that really lies below root (no
 * symbolic link out of it).  A FIFO or a device is never opened for reading
 * (it would block the server); O_NONBLOCK covers one swapped in meanwhile,
 * and fstat checks what was opened.  An fd, or -1.
 */
static int open_served(const char *root, const char *file)
{
	char real[PATH_MAX];
	struct stat st;
	if (!realpath(file, real) || !path_within(root, real) || stat(real, &st) < 0 ||
	    !S_ISREG(st.st_mode))
		return -1;
	int fd = open(real, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Read an open file without diagnostics: a page that cannot be read is a 404, not a build problem. */
static int read_quietly(int fd, char **data, size_t *len)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	ssize_t n;
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	if (n < 0) {
		buf_release(&b);
		return -1;
	}
	*data = buf_detach(&b, len);
	return 0;
}

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"},
		{".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"},
		{".json", "application/json"},
		{".svg", "image/svg+xml"},
		{".xml", "application/xml"},
		{".csv", "text/csv; charset=utf-8"},
		{".png", "image/png"},
		{".jpg", "image/jpeg"},
		{".txt", "text/plain; charset=utf-8"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (str_ends(path, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned int status, const char *type,
			       const char *data, size_t len)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* The page plus the reload script and, after a failed build, its errors. */
static void decorate_html(struct server *s, struct buf *page)
{
	struct buf extra = BUF_INIT;
	pthread_mutex_lock(&s->lock);
	if (s->failed) {
		buf_adds(
			&extra,
			"<div role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;"
			"background:#7f1d1d;color:#fff;font:14px/1.4 monospace;padding:1em;z-index:9999;white-space:pre-wrap\">"
			"<strong>aftermath: the last build failed; showing the previous site.</strong>\n");
		buf_add_html(&extra, s->diags ? s->diags : "", s->diags ? strlen(s->diags) : 0);
		buf_adds(&extra, "</div>");
	}
	pthread_mutex_unlock(&s->lock);
	buf_addf(&extra, reload_script, atomic_load(&s->generation));
	char *body = strstr(page->ptr, "</body>");
	if (!body) {
		buf_add(page, extra.ptr, extra.len);
	} else {
		size_t at = (size_t)(body - page->ptr);
		struct buf out = BUF_INIT;
		buf_add(&out, page->ptr, at);
		buf_add(&out, extra.ptr, extra.len);
		buf_adds(&out, page->ptr + at);
		buf_release(page);
		*page = out;
	}
	buf_release(&extra);
}

static enum MHD_Result respond_text(struct MHD_Connection *conn, unsigned int status,
				    const char *text)
{
	return respond(conn, status, "text/plain; charset=utf-8", text, strlen(text));
}

static enum MHD_Result count_hosts(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	(void)kind, (void)value;
	if (!strcasecmp(key, MHD_HTTP_HEADER_HOST))
		++*(int *)cls;
	return MHD_YES;
}

/*
 * The request names this machine: one Host header, and a loopback name in
 * it.  A page on another site that has its name resolve to 127.0.0.1 (DNS
 * rebinding) sends its own name, and is refused.
 */
static bool host_ok(struct MHD_Connection *conn)
{
	int n = 0;
	MHD_get_connection_values(conn, MHD_HEADER_KIND, count_hosts, &n);
	return n == 1 && serve_host_allowed(MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
									MHD_HTTP_HEADER_HOST));
}

/* True when file is a directory that really lies below root. */
static bool served_dir(const char *root, const char *file)
{
	char real[PATH_MAX];
	return realpath(file, real) && path_within(root, real) && fs_is_dir(real);
}

/* A directory asked for without its final '/' goes to it, so relative links resolve. */
static enum MHD_Result redirect_dir(struct MHD_Connection *conn, const char *path)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	char *loc = serve_redirect(path);
	MHD_add_response_header(r, "Location", loc);
	MHD_add_response_header(r, "Cache-Control", "no-store");
	enum MHD_Result ret = MHD_queue_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r);
	MHD_destroy_response(r);
	free(loc);
	return ret;
}

static enum MHD_Result serve_file(struct server *s, struct MHD_Connection *conn, const char *root,
				  const char *file)
{
	char *data;
	size_t len;
	int fd = open_served(root, file);
	if (fd < 0)
		return respond_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	int r = read_quietly(fd, &data, &len);
	close(fd);
	if (r < 0)
		return respond_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	enum MHD_Result ret;
	if (str_ends(file, ".html")) {
		struct buf page = BUF_INIT;
		buf_add(&page, data, len);
		decorate_html(s, &page);
		ret = respond(conn, MHD_HTTP_OK, content_type(file), page.ptr, page.len);
		buf_release(&page);
	} else {
		ret = respond(conn, MHD_HTTP_OK, content_type(file), data, len);
	}
	free(data);
	return ret;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url,
			      const char *method, const char *version, const char *upload,
			      size_t *upload_size, void **state)
{
	struct server *s = cls;
	(void)version, (void)upload, (void)upload_size, (void)state;
	if (!host_ok(conn))
		return respond_text(
			conn, MHD_HTTP_MISDIRECTED_REQUEST,
			"refused: the Host header must be localhost, 127.0.0.1 or [::1]\n");
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond_text(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "method not allowed\n");
	if (!strcmp(url, "/__aftermath/build")) {
		char gen[32];
		int n = snprintf(gen, sizeof(gen), "%d", atomic_load(&s->generation));
		return respond(conn, MHD_HTTP_OK, "text/plain", gen, (size_t)n);
	}
	char *path = serve_clean_path(url);
	if (!path)
		return respond_text(conn, MHD_HTTP_NOT_FOUND, "not found\n");
	pthread_mutex_lock(&s->lock);
	char *root = xstrdup(s->root);
	pthread_mutex_unlock(&s->lock);
	bool slash = str_ends(path, "/");
	char *file = xstrfmt("%s%s%s", root, path, slash ? "index.html" : "");
	enum MHD_Result ret;
	if (!slash && served_dir(root, file))
		ret = redirect_dir(conn, path);
	else
		ret = serve_file(s, conn, root, file);
	free(file);
	free(root);
	free(path);
	return ret;
}

/*
 * MHD's unescaping left undone: serve_clean_path decodes the path once
 * itself (decoding twice would turn "%252e" into "."), and a "%00" reaches
 * it to be refused rather than cutting the C string short.
 */
static size_t keep_escapes(void *cls, struct MHD_Connection *conn, char *s)
{
	(void)cls, (void)conn;
	return strlen(s);
}

static void rebuild(struct server *s)
{
	char *diags = NULL;
	int ret = s->o->build(s->o->ctx, &diags);
	char real[PATH_MAX];
	pthread_mutex_lock(&s->lock);
	free(s->diags);
	s->diags = diags;
	s->failed = ret != 0;
	if (realpath(s->o->out_dir, real)) {
		free(s->root);
		s->root = xstrdup(real);
	}
	pthread_mutex_unlock(&s->lock);
	atomic_fetch_add(&s->generation, 1);
	if (diags && *diags)
		fputs(diags, stderr);
	fprintf(stderr, "aftermath: %s\n",
		ret ? "build failed; still serving the previous site" : "rebuilt");
}

/*
 * The watches of one pass over the watched trees.  Only real directories
 * are walked, and a symbolic link to a directory only when it resolves
 * inside the tree's own root (its realpath); each directory is walked once
 * (by device and inode), so a link loop ends and a link to / is not followed.
 */
struct watcher {
	int fd;
	const char *root;
	bool follow_outside; /* links out are followed too (never into /proc or /sys) */
	struct strmap seen;  /* "dev:ino" of every directory watched */
};

static void watch_dir(struct watcher *w, const char *dir, const struct stat *st);

/* Whether a link that resolves to `real` is followed: inside, or out on purpose (confine.h's rule). */
static bool link_allowed(const struct watcher *w, const char *real)
{
	if (path_within(w->root, real))
		return true;
	return w->follow_outside && !path_within("/proc", real) && !path_within("/sys", real);
}

/* (The resolved path is on the heap: this recurses once a directory level.) */
static void watch_entry(struct watcher *w, const char *path)
{
	struct stat st;
	char *real = NULL;
	if (lstat(path, &st) < 0)
		return;
	if (S_ISLNK(st.st_mode)) {
		real = realpath(path, NULL);
		if (!real || !link_allowed(w, real) || stat(real, &st) < 0)
			goto out;
		path = real;
	}
	if (S_ISDIR(st.st_mode))
		watch_dir(w, path, &st);
out:
	free(real);
}

/* dir: a path without symbolic links (so the watch does not follow one). */
static void watch_dir(struct watcher *w, const char *dir, const struct stat *st)
{
	char key[64];
	snprintf(key, sizeof(key), "%ju:%ju", (uintmax_t)st->st_dev, (uintmax_t)st->st_ino);
	if (strmap_get(&w->seen, key) != SIZE_MAX)
		return;
	strmap_put(&w->seen, key, 0);
	if (inotify_add_watch(w->fd, dir,
			      IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO |
				      IN_ONLYDIR | IN_DONT_FOLLOW) < 0)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *p = path_join(dir, de->d_name);
		watch_entry(w, p);
		free(p);
	}
	closedir(d);
}

static int watch_all(const struct serve_opts *o)
{
	struct watcher w = {.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC),
			    .seen = STRMAP_INIT,
			    .follow_outside = o->follow_outside};
	char root[PATH_MAX];
	struct stat st;
	for (size_t i = 0; w.fd >= 0 && i < o->nwatch; i++) {
		if (!realpath(o->watch[i], root) || stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		w.root = root;
		watch_dir(&w, root, &st);
	}
	strmap_release(&w.seen);
	return w.fd;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The signal that asked the server to stop, or 0: set by the handler (on
 * whichever thread took the signal), read by the main thread.  A lock-free
 * atomic, which a handler may write (C11 7.14.1.1).
 */
static atomic_int stop_signal;
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "a signal handler may write only a lock-free atomic");

static void on_stop(int sig)
{
	atomic_store(&stop_signal, sig);
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

/*
 * Stop signals end the watch loop, so serve_run returns and its caller
 * removes the temporary site.  A second one of the same kind ends the
 * process at once (SA_RESETHAND), in case a build takes long.  A signal
 * ignored when serve started stays ignored.
 */
static void catch_stop_signals(struct sigaction old[ARRAY_SIZE(stop_signals)])
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	atomic_store(&stop_signal, 0);
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++) {
		sigaction(stop_signals[i], &sa, &old[i]);
		if (old[i].sa_handler == SIG_IGN) /* nohup, or a background job of a script */
			sigaction(stop_signals[i], &old[i], NULL);
	}
}

static void restore_signals(const struct sigaction old[ARRAY_SIZE(stop_signals)])
{
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaction(stop_signals[i], &old[i], NULL);
}

/* Read the events waiting on the inotify fd: true when there were any. */
static bool drain(int fd)
{
	char ev[8192];
	bool any = false;
	while (read(fd, ev, sizeof(ev)) > 0)
		any = true;
	return any;
}

/* Wait for changes; rebuild 150 ms after the last one; stop on a stop signal. */
static void watch_loop(struct server *s)
{
	int fd = watch_all(s->o);
	double start = now(), pending = 0;
	while (!atomic_load(&stop_signal)) {
		if (s->o->max_seconds && now() - start > s->o->max_seconds)
			break;
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, fd >= 0 ? 1 : 0, 100) > 0 && drain(fd))
			pending = now();
		if (pending && now() - pending > 0.15 && !atomic_load(&stop_signal)) {
			pending = 0;
			rebuild(s);
			/*
			 * New directories need watches too: start over, and keep
			 * what changed during the build (the old watches saw it).
			 */
			int old = fd;
			fd = watch_all(s->o);
			if (old >= 0 && drain(old))
				pending = now();
			if (old >= 0)
				close(old);
		}
	}
	if (fd >= 0)
		close(fd);
}

/*
 * libmicrohttpd's errors, each message once in a row: a client that opens
 * a hundred connections past the limit gets one line, not a hundred.  Only
 * the daemon's thread calls it.
 */
static void log_mhd(void *cls, const char *fmt, va_list ap)
{
	static char last[512];
	char msg[512];
	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!strcmp(msg, last))
		return;
	size_t n = strlen(msg);
	memcpy(last, msg, n + 1);
	fprintf(stderr, "aftermath: %s%s", msg, n && msg[n - 1] == '\n' ? "" : "\n");
}

/*
 * The daemon: on 127.0.0.1 only, with the limits of serve.h.  Its thread
 * starts with the stop signals blocked, so they reach the main thread (and
 * interrupt its poll).
 */
static struct MHD_Daemon *start_daemon(struct server *s, int port)
{
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sigset_t block, old;
	sigemptyset(&block);
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(&block, stop_signals[i]);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr, MHD_OPTION_CONNECTION_TIMEOUT,
		(unsigned int)SERVE_TIMEOUT, MHD_OPTION_CONNECTION_LIMIT,
		(unsigned int)SERVE_MAX_CONNECTIONS, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
		(unsigned int)SERVE_MAX_CONNECTIONS_PER_IP, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
		(size_t)SERVE_MAX_REQUEST, MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_END);
	int err = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return d;
}

/* Listen, say where, and watch until stopped: an exit status. */
static int listen_and_watch(struct server *s)
{
	struct MHD_Daemon *d = start_daemon(s, s->o->port);
	if (!d) {
		fprintf(stderr, "aftermath: cannot listen on 127.0.0.1:%d: %s\n", s->o->port,
			strerror(errno));
		return 3;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("serving %s at http://127.0.0.1:%u/ (rebuilds on change; Ctrl-C stops)\n",
	       s->o->out_dir, info ? info->port : (unsigned)s->o->port);
	fflush(stdout);
	watch_loop(s);
	MHD_stop_daemon(d);
	return 0;
}

int serve_run(const struct serve_opts *o)
{
	struct server s = {.o = o};
	struct sigaction old[ARRAY_SIZE(stop_signals)];
	catch_stop_signals(old);
	pthread_mutex_init(&s.lock, NULL);
	atomic_init(&s.generation, 0);
	s.root = xstrdup(o->out_dir);
	rebuild(&s);
	int ret = atomic_load(&stop_signal) ? 0 : listen_and_watch(&s);
	int sig = atomic_load(&stop_signal);
	if (sig)
		fprintf(stderr, "aftermath: stopped (%s)\n", strsignal(sig));
	restore_signals(old);
	free(s.root);
	free(s.diags);
	pthread_mutex_destroy(&s.lock);
	return ret;
}
