/* output: atomic output directory (see output.h). */
#include "base/output.h"

#include "base/confine.h"
#include "base/diag.h"
#include "base/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return false;
	struct dirent *de;
	bool empty = true;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			empty = false;
			break;
		}
	}
	closedir(d);
	return empty;
}

static int check_target(const char *out, const char *content)
{
	struct loc loc = {out, 0, 0};
	if (!strcmp(out, "/"))
		return error(
			&loc,
			"refusing to write the site to / (choose an empty or new directory with -o)");
	if (path_within(out, content))
		return error(
			&loc,
			"refusing to write the site over the content directory %s (choose another directory with -o)",
			content);
	if (!fs_exists(out))
		return 0;
	if (!fs_is_dir(out))
		return error(&loc, "output path exists and is not a directory");
	char *marker = path_join(out, OUTPUT_MARKER);
	bool ours = fs_exists(marker);
	free(marker);
	if (!ours && !dir_is_empty(out))
		return error(
			&loc,
			"refusing to replace a non-empty directory that aftermath did not create (no %s file in it); remove it or choose another directory with -o",
			OUTPUT_MARKER);
	return 0;
}

int output_open(struct output *o, const char *out_dir, const char *content_dir, int jobs)
{
	o->jobs = jobs;
	char *content = path_absolute(content_dir);
	o->dir = path_absolute(out_dir);
	o->tmp = NULL;
	o->tmp_fd = -1;
	int ret = check_target(o->dir, content);
	free(content);
	if (ret < 0) {
		output_abort(o);
		return -1;
	}
	char *slash = strrchr(o->dir, '/');
	struct buf tmp = BUF_INIT;
	buf_add(&tmp, o->dir, (size_t)(slash - o->dir) + 1);
	buf_addf(&tmp, ".%s.aftermath-tmp-%ld", slash + 1, (long)getpid());
	o->tmp = buf_detach(&tmp, NULL);
	if (fs_remove_tree_jobs(o->tmp, o->jobs) < 0 || fs_mkdirs(o->tmp) < 0) {
		output_abort(o);
		return -1;
	}
	confine_add_root(o->tmp, NULL); /* the leak check reads it back */
	o->tmp_fd = open(o->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->tmp_fd < 0) {
		struct loc loc = {o->tmp, 0, 0};
		error(&loc, "cannot open the directory being written: %s", strerror(errno));
		output_abort(o);
		return -1;
	}
	return 0;
}

int output_write(struct output *o, const char *rel, const void *data, size_t len)
{
	return fs_write_at(o->tmp_fd, o->tmp, rel, data, len);
}

static void close_tmp(struct output *o)
{
	if (o->tmp_fd >= 0)
		close(o->tmp_fd);
	o->tmp_fd = -1;
}

int output_write_buf(struct output *o, const char *rel, const struct buf *b)
{
	return output_write(o, rel, buf_cstr(b), b->len);
}

int output_copy_tree(struct output *o, const char *src_dir, const char *rel_dir)
{
	struct fs_entry *e;
	size_t n;
	int ret = fs_walk(src_dir, "", &e, &n);
	for (size_t i = 0; i < n; i++) {
		char *data;
		size_t len;
		if (fs_read(e[i].path, &data, &len) < 0) {
			ret = -1;
			continue;
		}
		char *rel = *rel_dir ? path_join(rel_dir, e[i].rel) : xstrdup(e[i].rel);
		if (output_write(o, rel, data, len) < 0)
			ret = -1;
		free(rel);
		free(data);
	}
	fs_entries_free(e, n);
	return ret;
}

static int swap_in(struct output *o)
{
	struct loc loc = {o->dir, 0, 0};
	if (!fs_exists(o->dir)) {
		if (rename(o->tmp, o->dir) < 0)
			return error(&loc, "cannot move the new site into place: %s",
				     strerror(errno));
		return 0;
	}
	if (renameat2(AT_FDCWD, o->tmp, AT_FDCWD, o->dir, RENAME_EXCHANGE) == 0)
		return 0; /* o->tmp now holds the old site */
	/* No atomic exchange here: move the old aside, then the new in. */
	char *old = xstrfmt("%s.old", o->tmp);
	int ret = 0;
	if (rename(o->dir, old) < 0) {
		ret = error(&loc, "cannot move the old site aside: %s", strerror(errno));
	} else if (rename(o->tmp, o->dir) < 0) {
		ret = error(&loc, "cannot move the new site into place: %s", strerror(errno));
		rename(old, o->dir);
	} else {
		rename(old, o->tmp);
	}
	free(old);
	return ret;
}

int output_commit(struct output *o)
{
	static const char marker[] =
		"This directory is written by aftermath and replaced on every build.\n";
	if (output_write(o, OUTPUT_MARKER, marker, sizeof(marker) - 1) < 0)
		return -1;
	close_tmp(o);
	if (swap_in(o) < 0) {
		output_abort(o); /* the new site goes; the old one is where it was */
		return -1;
	}
	confine_add_root(o->dir, NULL); /* the site is ours: reading it back is allowed */
	fs_remove_tree_jobs(o->tmp, o->jobs);
	free(o->tmp);
	free(o->dir);
	o->tmp = o->dir = NULL;
	return 0;
}

void output_abort(struct output *o)
{
	close_tmp(o);
	if (o->tmp)
		fs_remove_tree_jobs(o->tmp, o->jobs);
	free(o->tmp);
	free(o->dir);
	o->tmp = o->dir = NULL;
}
