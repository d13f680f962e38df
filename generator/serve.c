/* serve: local preview server with rebuild on change (see serve.h). */
#include "serve.h"

#include "fsutil.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct server {
	const struct serve_opts *o;
	char *root; /* realpath of out_dir, refreshed after each build */
	atomic_int generation;
	pthread_mutex_t lock;
	char *diags;  /* of the last build */
	bool failed;  /* the last build failed */
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

char *serve_resolve(const char *root, const char *url)
{
	struct buf path = BUF_INIT;
	const char *q = strpbrk(url, "?#");
	size_t n = q ? (size_t)(q - url) : strlen(url);
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)url[i];
		if (c == '%' && i + 2 < n && hexval(url[i + 1]) >= 0 && hexval(url[i + 2]) >= 0) {
			c = hexval(url[i + 1]) * 16 + hexval(url[i + 2]);
			i += 2;
		}
		if (c == '\0' || c == '\\')
			goto refuse;
		buf_addch(&path, c);
	}
	/* Refuse any ".." segment outright rather than normalising it. */
	const char *p = buf_cstr(&path);
	for (const char *s = p; (s = strstr(s, "..")) != NULL; s += 2)
		if ((s == p || s[-1] == '/') && (s[2] == '/' || s[2] == '\0'))
			goto refuse;
	char *file = xstrfmt("%s%s%s%s", root, *p == '/' ? "" : "/", p,
			     !path.len || p[path.len - 1] == '/' ? "index.html" : "");
	buf_release(&path);
	return file;
refuse:
	buf_release(&path);
	return NULL;
}

/* True when file (which must exist) really lies below root: no symlink escape. */
static bool inside(const char *root, const char *file)
{
	char real[PATH_MAX];
	if (!realpath(file, real))
		return false;
	size_t n = strlen(root);
	return !strncmp(real, root, n) && (real[n] == '/' || real[n] == '\0');
}

/* Read a file without diagnostics: a missing page is a 404, not a build problem. */
static int read_quietly(const char *path, char **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	bool bad = ferror(f) != 0;
	fclose(f);
	if (bad) {
		buf_release(&b);
		return -1;
	}
	*data = buf_detach(&b, len);
	return 0;
}

static const char *content_type(const char *path)
{
	static const char *const types[][2] = {
		{".html", "text/html; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".js", "text/javascript; charset=utf-8"}, {".json", "application/json"},
		{".svg", "image/svg+xml"}, {".xml", "application/xml"}, {".csv", "text/csv; charset=utf-8"},
		{".png", "image/png"}, {".jpg", "image/jpeg"}, {".txt", "text/plain; charset=utf-8"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(types); i++)
		if (str_ends(path, types[i][0]))
			return types[i][1];
	return "application/octet-stream";
}

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned int status, const char *type, const char *data,
			    size_t len)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_MUST_COPY);
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
		buf_adds(&extra, "<div role=\"alert\" style=\"position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;"
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

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct server *s = cls;
	(void)version, (void)upload, (void)upload_size, (void)state;
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return respond(conn, MHD_HTTP_METHOD_NOT_ALLOWED, "text/plain", "method not allowed\n", 19);
	if (!strcmp(url, "/__aftermath/build")) {
		char gen[32];
		int n = snprintf(gen, sizeof(gen), "%d", atomic_load(&s->generation));
		return respond(conn, MHD_HTTP_OK, "text/plain", gen, (size_t)n);
	}
	pthread_mutex_lock(&s->lock);
	char *root = xstrdup(s->root);
	pthread_mutex_unlock(&s->lock);
	char *file = serve_resolve(root, url);
	enum MHD_Result ret;
	char *data = NULL;
	size_t len;
	if (file && fs_is_dir(file) && !str_ends(file, "/")) {
		/* /services -> /services/ so relative links resolve */
		struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
		char *loc = xstrfmt("%s/", url);
		MHD_add_response_header(r, "Location", loc);
		ret = MHD_queue_response(conn, MHD_HTTP_MOVED_PERMANENTLY, r);
		MHD_destroy_response(r);
		free(loc);
		goto out;
	}
	if (!file || !inside(root, file) || read_quietly(file, &data, &len) < 0) {
		ret = respond(conn, MHD_HTTP_NOT_FOUND, "text/plain", "not found\n", 10);
		goto out;
	}
	if (str_ends(file, ".html")) {
		struct buf page = BUF_INIT;
		buf_add(&page, data, len);
		decorate_html(s, &page);
		ret = respond(conn, MHD_HTTP_OK, content_type(file), page.ptr, page.len);
		buf_release(&page);
	} else {
		ret = respond(conn, MHD_HTTP_OK, content_type(file), data, len);
	}
out:
	free(data);
	free(file);
	free(root);
	return ret;
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
	fprintf(stderr, "aftermath: %s\n", ret ? "build failed; still serving the previous site" : "rebuilt");
}

static void watch_tree(int fd, const char *dir)
{
	if (inotify_add_watch(fd, dir, IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO) < 0)
		return;
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		char *p = path_join(dir, de->d_name);
		if (fs_is_dir(p))
			watch_tree(fd, p);
		free(p);
	}
	closedir(d);
}

static int watch_all(const struct serve_opts *o)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	for (size_t i = 0; fd >= 0 && i < o->nwatch; i++)
		watch_tree(fd, o->watch[i]);
	return fd;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for changes; rebuild 150 ms after the last one. */
static void watch_loop(struct server *s)
{
	int fd = watch_all(s->o);
	double start = now(), pending = 0;
	char ev[8192];
	for (;;) {
		if (s->o->max_seconds && now() - start > s->o->max_seconds)
			break;
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, fd >= 0 ? 1 : 0, 100);
		if (r > 0) {
			while (read(fd, ev, sizeof(ev)) > 0)
				;
			pending = now();
		}
		if (pending && now() - pending > 0.15) {
			pending = 0;
			rebuild(s);
			/* New directories need watches too: start over. */
			if (fd >= 0)
				close(fd);
			fd = watch_all(s->o);
		}
	}
	if (fd >= 0)
		close(fd);
}

int serve_run(const struct serve_opts *o)
{
	struct server s = {.o = o};
	pthread_mutex_init(&s.lock, NULL);
	atomic_init(&s.generation, 0);
	s.root = xstrdup(o->out_dir);
	rebuild(&s);
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)o->port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
						handle, &s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
						MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "aftermath: cannot listen on 127.0.0.1:%d: %s\n", o->port, strerror(errno));
		free(s.root);
		free(s.diags);
		return 3;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	printf("serving %s at http://127.0.0.1:%u/ (rebuilds on change; Ctrl-C stops)\n", o->out_dir,
	       info ? info->port : (unsigned)o->port);
	fflush(stdout);
	watch_loop(&s);
	MHD_stop_daemon(d);
	free(s.root);
	free(s.diags);
	pthread_mutex_destroy(&s.lock);
	return 0;
}
