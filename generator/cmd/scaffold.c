/* scaffold: a new postmortem from the template, for `aftermath new` (see scaffold.h). */
#include "cmd/scaffold.h"

#include "base/confine.h"

#include "base/fsutil.h"
#include "model/slug.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Expand {year} in s[0..n) into out. */
static void expand_year(struct buf *out, const char *s, size_t n, int year)
{
	for (size_t i = 0; i < n;) {
		if (n - i >= 6 && !strncmp(s + i, "{year}", 6)) {
			buf_addf(out, "%04d", year);
			i += 6;
		} else {
			buf_addch(out, s[i++]);
		}
	}
}

char *newpm_next_id(const char *pattern, int year, const struct strmap *ids)
{
	const char *seq = strstr(pattern, "{seq");
	const char *end = seq ? strchr(seq, '}') : NULL;
	if (!seq || !end) {
		struct loc loc = {"site.yaml", 0, 0};
		error(&loc,
		      "id_pattern \"%s\" has no {seq} part (expected e.g. \"PM-{year}-{seq:3}\")",
		      pattern);
		return NULL;
	}
	int width = seq[4] == ':' ? atoi(seq + 5) : 1;
	struct buf prefix = BUF_INIT, suffix = BUF_INIT;
	expand_year(&prefix, pattern, (size_t)(seq - pattern), year);
	expand_year(&suffix, end + 1, strlen(end + 1), year);
	long next = 1;
	for (size_t i = 0; i < ids->cap; i++) {
		const char *id = ids->e[i].key;
		if (!id || !str_starts(id, buf_cstr(&prefix)) ||
		    strlen(id) < prefix.len + suffix.len || !str_ends(id, buf_cstr(&suffix)))
			continue;
		const char *p = id + prefix.len, *q = id + strlen(id) - suffix.len;
		if (p == q)
			continue;
		bool digits = true;
		for (const char *d = p; d < q; d++)
			digits &= isdigit((unsigned char)*d) != 0;
		long v = digits ? strtol(p, NULL, 10) : 0;
		if (digits && v >= next)
			next = v + 1;
	}
	char *id = xstrfmt("%s%0*ld%s", buf_cstr(&prefix),
			   width < 1   ? 1
			   : width > 9 ? 9
				       : width,
			   next, buf_cstr(&suffix));
	buf_release(&prefix);
	buf_release(&suffix);
	return id;
}

/* ---- YAML text ------------------------------------------------------------ */

/* Plain (unquoted) only for a simple name that YAML reads back as that text. */
static bool plain_safe(const char *v)
{
	static const char *const words[] = {"null", "true", "false", "yes", "no",
					    "on",   "off",  "y",     "n"};
	if (!isalpha((unsigned char)*v))
		return false;
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcasecmp(v, words[i]))
			return false;
	return true;
}

/*
 * v as a YAML double-quoted scalar.  A line break (LF, CR, NEL, U+2028,
 * U+2029) or a tab becomes a space (a name is one line); other control
 * characters are escaped.
 */
static void put_quoted(struct buf *out, const char *v)
{
	buf_addch(out, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			buf_addch(out, ' ');
		} else if (p[0] == 0xc2 && p[1] == 0x85) {
			buf_addch(out, ' ');
			p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			buf_addch(out, ' ');
			p += 2;
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_addf(out, "\\x%02x", *p);
		} else {
			if (*p == '"' || *p == '\\')
				buf_addch(out, '\\');
			buf_addch(out, (char)*p);
		}
	}
	buf_addch(out, '"');
}

/* v plain when plain_safe, else double-quoted. */
static void put_scalar(struct buf *out, const char *v)
{
	if (plain_safe(v))
		buf_adds(out, v);
	else
		put_quoted(out, v);
}

/* ---- the values ------------------------------------------------------------ */

struct scaffold {
	const char *id, *title, *date, *owner, *severity;
	char **services; /* the site's spelling of each */
	size_t nservices;
	const struct site *site;
};

static void put_value(struct buf *out, const char *key, const struct scaffold *v)
{
	const struct site *s = v->site;
	if (!strcmp(key, "id")) {
		buf_adds(out, v->id);
	} else if (!strcmp(key, "title")) {
		put_quoted(out, v->title); /* always quoted: a title reads as text whatever it is */
	} else if (!strcmp(key, "owner")) {
		put_scalar(out, v->owner ? v->owner : "");
	} else if (!strcmp(key, "date")) {
		buf_adds(out, v->date);
	} else if (!strcmp(key, "year")) {
		buf_add(out, v->date, 4);
	} else if (!strcmp(key, "severity")) {
		put_scalar(out, v->severity);
	} else if (!strcmp(key, "services")) {
		for (size_t i = 0; i < v->nservices; i++) {
			buf_adds(out, i ? ", " : "");
			put_scalar(out, v->services[i]);
		}
	} else if (!strcmp(key, "severities")) {
		for (size_t i = 0; i < s->nseverities; i++)
			buf_addf(out, "%s%s", i ? " | " : "", s->severities[i]);
	} else {
		buf_addf(out, "{{%s}}", key);
	}
}
/* One template line into out (its newline included); a line that uses {{owner}} is left out when there is none. */
static void fill_line(struct buf *out, const char *p, size_t n, const struct scaffold *v)
{
	size_t start = out->len;
	const char *end = p + n;
	while (p < end) {
		const char *open = memmem(p, (size_t)(end - p), "{{", 2);
		const char *close =
			open ? memmem(open + 2, (size_t)(end - open - 2), "}}", 2) : NULL;
		if (!close) {
			buf_add(out, p, (size_t)(end - p));
			return;
		}
		buf_add(out, p, (size_t)(open - p));
		char *key = xstrndup(open + 2, (size_t)(close - open - 2));
		bool drop = !strcmp(key, "owner") && !v->owner;
		if (!drop)
			put_value(out, key, v);
		free(key);
		if (drop) {
			out->len = start;
			out->ptr[start] = '\0';
			return;
		}
		p = close + 2;
	}
}

static void fill_template(struct buf *out, const char *tpl, const struct scaffold *v)
{
	for (const char *p = tpl; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p + 1) : strlen(p);
		fill_line(out, p, n, v);
		p += n;
	}
}

char *newpm_template(const char *const *dirs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *path = path_join(dirs[i], "new/postmortem.md");
		char *data = NULL;
		size_t len;
		if (fs_exists(path) && fs_read(path, &data, &len) < 0)
			data = NULL;
		free(path);
		if (data)
			return data;
	}
	return NULL;
}

static char *read_template(const char *const *dirs, size_t n)
{
	char *data = newpm_template(dirs, n);
	if (!data) {
		struct loc loc = {dirs[n - 1], 0, 0};
		error(&loc,
		      "no postmortem template (expected new/postmortem.md in the site's or the theme's layouts)");
	}
	return data;
}

/* ---- the options, checked against the site ------------------------------ */

const char *newpm_default_severity(const struct site *s)
{
	const struct ynode *d = ynode_get(ynode_get(s->front, "defaults"), "severity");
	int i = d && d->type == YN_SCALAR ? site_severity(s, d->scalar) : -1;
	return s->severities[i >= 0 ? (size_t)i : s->nseverities - 1];
}

/*
 * A command-line value the site does not allow: told at the site.yaml key it
 * was checked against, or with no place when site.yaml does not have the key
 * (the defaults apply) or key is NULL.
 */
static int option_error(const struct site *s, const char *key, const char *fmt, const char *a,
			const char *b)
{
	for (size_t i = 0; key && s->front && s->front->type == YN_MAP && i < s->front->n; i++)
		if (!strcmp(s->front->keys[i], key))
			return error(&s->front->key_locs[i], fmt, a, b);
	return error(NULL, fmt, a, b);
}

static int check_severity(const struct site *s, const char *name, const char **out)
{
	int i = site_severity(s, name);
	if (i >= 0) {
		*out = s->severities[i];
		return 0;
	}
	struct buf exp = BUF_INIT;
	for (size_t k = 0; k < s->nseverities; k++)
		buf_addf(&exp, "%s%s", k ? ", " : "", s->severities[k]);
	option_error(s, "severities", "unknown severity \"%s\" in --severity (expected %s)", name,
		     buf_cstr(&exp));
	buf_release(&exp);
	return -1;
}

static int add_service(const struct site *s, struct scaffold *v, const char *name)
{
	char *slug = slugify(name);
	bool named = *slug != '\0';
	free(slug);
	if (!named)
		return option_error(s, NULL,
				    "service \"%s\" in --service has no letters or digits%s", name,
				    " (expected a name such as checkout-api)");
	const char *spelling = name;
	if (s->has_registry && !(spelling = site_service_registered(s, name))) {
		struct buf exp = BUF_INIT;
		for (size_t i = 0; i < s->nservices; i++)
			buf_addf(&exp, "%s%s", i ? ", " : "", s->services[i].name);
		option_error(
			s, "services",
			"unknown service \"%s\" in --service (expected one of site.yaml's services: %s)",
			name, buf_cstr(&exp));
		buf_release(&exp);
		return -1;
	}
	for (size_t i = 0; i < v->nservices; i++)
		if (!strcmp(v->services[i], spelling))
			return 0;
	v->services = xrealloc(v->services, (v->nservices + 1) * sizeof(*v->services));
	v->services[v->nservices++] = xstrdup(spelling);
	return 0;
}

/* Each --service value, split at commas, blanks trimmed, empty parts skipped. */
static int add_services(const struct site *s, struct scaffold *v, const char *arg)
{
	int ret = 0;
	for (const char *p = arg;;) {
		const char *comma = strchr(p, ',');
		const char *e = comma ? comma : p + strlen(p);
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t'))
			e--;
		if (e > p) {
			char *name = xstrndup(p, (size_t)(e - p));
			if (add_service(s, v, name) < 0)
				ret = -1;
			free(name);
		}
		if (!comma)
			return ret;
		p = comma + 1;
	}
}

/* Every option checked, every problem reported: -1 when any is wrong. */
static int check_options(const struct site *s, const struct newpm_opts *o, struct scaffold *v)
{
	int ret = 0;
	for (size_t i = 0; i < o->nservices; i++)
		if (add_services(s, v, o->services[i]) < 0)
			ret = -1;
	v->severity = newpm_default_severity(s);
	if (o->severity && check_severity(s, o->severity, &v->severity) < 0)
		ret = -1;
	return ret;
}

/* A value given on the command line that the template has no place for: a warning, not a silent loss. */
static void unused_options(const char *tpl, const struct newpm_opts *o, struct scaffold *v)
{
	static const char *const keys[] = {"{{severity}}", "{{services}}", "{{owner}}",
					   "{{title}}"};
	const bool given[] = {o->severity != NULL, v->nservices > 0, o->owner_given && v->owner,
			      o->title != NULL};
	static const char *const flags[] = {"--severity", "--service", "--owner", "--title"};
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (given[i] && !strstr(tpl, keys[i]))
			warning(NULL,
				"%s is not written: the template has no %s (expected it in layouts/new/postmortem.md)",
				flags[i], keys[i]);
}

char *newpm_git_user(const char *dir)
{
	int fd[2];
	if (pipe(fd) < 0)
		return NULL;
	char *const argv[] = {"git", "-C", (char *)dir, "config", "user.name", NULL};
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
	posix_spawn_file_actions_addclose(&fa, fd[0]);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	pid_t pid;
	int spawned = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd[1]);
	struct buf out = BUF_INIT;
	char chunk[256];
	ssize_t n;
	while (spawned == 0 && (n = read(fd[0], chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || out.len > 4096) /* a name, not a file */
			break;
		buf_add(&out, chunk, (size_t)n);
	}
	close(fd[0]);
	int status = 0;
	if (spawned == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	while (out.len && (out.ptr[out.len - 1] == '\n' || out.ptr[out.len - 1] == '\r'))
		out.ptr[--out.len] = '\0';
	bool ok = spawned == 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 && out.len &&
		  utf8_valid(out.ptr, out.len) == out.len && !memchr(out.ptr, '\0', out.len);
	if (!ok) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

int newpm_create(const struct corpus *c, const char *const *layout_dirs, size_t ndirs,
		 const struct newpm_opts *o, char **path)
{
	struct scaffold v = {.title = o->title && *o->title ? o->title : NEWPM_DEFAULT_TITLE,
			     .date = o->date,
			     .owner = o->owner && *o->owner ? o->owner : NULL,
			     .site = &c->site};
	char *tpl = NULL, *slug = NULL, *dir = NULL, *id = NULL;
	struct buf text = BUF_INIT;
	int ret = -2;
	*path = NULL;
	if (check_options(&c->site, o, &v) < 0)
		goto out;
	ret = -1;
	if (!(tpl = read_template(layout_dirs, ndirs)))
		goto out;
	if (!(id = newpm_next_id(c->site.id_pattern, atoi(o->date), &c->all_ids)))
		goto out;
	v.id = id;
	unused_options(tpl, o, &v);
	slug = slugify(id);
	dir = xstrfmt("%s/postmortems/%.4s", c->dir, o->date);
	*path = xstrfmt("%s/%s.md", dir, slug);
	fill_template(&text, tpl, &v);
	/* The year's folder may be a link: written through only when it stays inside (confine.h). */
	if (fs_mkdirs(dir) < 0 || confine_check_path(dir) < 0)
		goto out;
	int fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	struct loc loc = {*path, 0, 0};
	if (fd < 0) {
		error(&loc,
		      errno == EEXIST ? "file already exists; not overwritten"
				      : "cannot create file: %s",
		      strerror(errno));
		goto out;
	}
	ssize_t w = write(fd, text.ptr, text.len);
	if (close(fd) < 0 || w != (ssize_t)text.len) {
		error(&loc, "cannot write file: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (ret < 0) {
		free(*path);
		*path = NULL;
	}
	buf_release(&text);
	for (size_t i = 0; i < v.nservices; i++)
		free(v.services[i]);
	free(v.services);
	free(tpl);
	free(id);
	free(slug);
	free(dir);
	return ret;
}
