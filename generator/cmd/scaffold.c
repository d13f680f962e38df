/* scaffold: a new postmortem from the template, for `aftermath new` (see scaffold.h). */
#include "cmd/scaffold.h"

#include "base/confine.h"

#include "base/fsutil.h"
#include "model/slug.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		error(&loc, "id_pattern \"%s\" has no {seq} part (expected e.g. \"PM-{year}-{seq:3}\")", pattern);
		return NULL;
	}
	int width = seq[4] == ':' ? atoi(seq + 5) : 1;
	struct buf prefix = BUF_INIT, suffix = BUF_INIT;
	expand_year(&prefix, pattern, (size_t)(seq - pattern), year);
	expand_year(&suffix, end + 1, strlen(end + 1), year);
	long next = 1;
	for (size_t i = 0; i < ids->cap; i++) {
		const char *id = ids->e[i].key;
		if (!id || !str_starts(id, buf_cstr(&prefix)) || strlen(id) < prefix.len + suffix.len ||
		    !str_ends(id, buf_cstr(&suffix)))
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
	char *id = xstrfmt("%s%0*ld%s", buf_cstr(&prefix), width < 1 ? 1 : width > 9 ? 9 : width, next,
			   buf_cstr(&suffix));
	buf_release(&prefix);
	buf_release(&suffix);
	return id;
}

static void put_value(struct buf *out, const char *key, const char *id, const char *title, const char *date,
		      const char *owner, const struct site *s)
{
	if (!strcmp(key, "id")) {
		buf_adds(out, id);
	} else if (!strcmp(key, "title") || !strcmp(key, "owner")) {
		/* As a YAML double-quoted scalar: any title is safe. */
		const char *v = !strcmp(key, "title") ? title : owner;
		buf_addch(out, '"');
		for (; *v; v++) {
			if (*v == '"' || *v == '\\')
				buf_addch(out, '\\');
			buf_addch(out, *v == '\n' ? ' ' : *v);
		}
		buf_addch(out, '"');
	} else if (!strcmp(key, "date")) {
		buf_adds(out, date);
	} else if (!strcmp(key, "year")) {
		buf_add(out, date, 4);
	} else if (!strcmp(key, "severities")) {
		for (size_t i = 0; i < s->nseverities; i++)
			buf_addf(out, "%s%s", i ? " | " : "", s->severities[i]);
	} else {
		buf_addf(out, "{{%s}}", key);
	}
}

static void fill_template(struct buf *out, const char *tpl, const char *id, const char *title, const char *date,
			  const char *owner, const struct site *s)
{
	const char *p = tpl;
	for (;;) {
		const char *open = strstr(p, "{{");
		const char *close = open ? strstr(open + 2, "}}") : NULL;
		if (!close) {
			buf_adds(out, p);
			return;
		}
		buf_add(out, p, (size_t)(open - p));
		char *key = xstrndup(open + 2, (size_t)(close - open - 2));
		put_value(out, key, id, title, date, owner, s);
		free(key);
		p = close + 2;
	}
}

static char *read_template(const char *const *dirs, size_t n)
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
	struct loc loc = {dirs[n - 1], 0, 0};
	error(&loc, "no postmortem template (expected new/postmortem.md in the site's or the theme's layouts)");
	return NULL;
}

int newpm_create(const struct corpus *c, const char *const *layout_dirs, size_t ndirs, const char *title,
		 const char *date, const char *owner, char **path)
{
	char *tpl = read_template(layout_dirs, ndirs);
	char *id = NULL, *slug = NULL, *dir = NULL;
	struct buf text = BUF_INIT;
	int ret = -1;
	if (!tpl)
		goto out;
	id = newpm_next_id(c->site.id_pattern, atoi(date), &c->all_ids);
	if (!id)
		goto out;
	slug = slugify(id);
	dir = xstrfmt("%s/postmortems/%.4s", c->dir, date);
	*path = xstrfmt("%s/%s.md", dir, slug);
	fill_template(&text, tpl, id, title, date, owner, &c->site);
	/* The year's folder may be a link: written through only when it stays inside (confine.h). */
	if (fs_mkdirs(dir) < 0 || confine_check_path(dir) < 0)
		goto out;
	int fd = open(*path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	struct loc loc = {*path, 0, 0};
	if (fd < 0) {
		error(&loc, errno == EEXIST ? "file already exists; not overwritten" : "cannot create file: %s",
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
	if (ret < 0 && path) {
		free(*path);
		*path = NULL;
	}
	buf_release(&text);
	free(tpl);
	free(id);
	free(slug);
	free(dir);
	return ret;
}
