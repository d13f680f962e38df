/* fsutil: reading, walking and writing files (see fsutil.h). */
#include "base/fsutil.h"

#include "base/confine.h"
#include "base/diag.h"
#include "base/parallel.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_read(const char *path, char **data, size_t *len)
{
	struct loc loc = {path, 0, 0};
	struct stat st;
	int ret = -1;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below). */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return error(&loc, "cannot read file: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		error(&loc, "cannot read file: %s", strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		error(&loc,
		      "not a regular file (a directory, pipe, socket or device); refusing to read it");
		goto out;
	}
	if (confine_check_fd(fd, path) < 0)
		goto out;
	if ((size_t)st.st_size > FS_MAX_FILE) {
		error(&loc, "file too large (%lld bytes; the limit is %u MiB)",
		      (long long)st.st_size, FS_MAX_FILE >> 20);
		goto out;
	}
	/* The size stat gives, and one byte to see the end in: growing by 64 KB a read made
	 * every 4 KB postmortem a 128 KB block, fresh pages to fault in (5% of a 10k build). */
	size_t cap = (size_t)st.st_size + 2;
	struct buf b = {xmalloc(cap), 0, cap};
	for (;;) {
		if (b.len + 1 == b.alloc) /* the file grew since fstat */
			buf_grow(&b, b.alloc);
		ssize_t r = read(fd, b.ptr + b.len, b.alloc - b.len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			error(&loc, "cannot read file: %s", strerror(errno));
			buf_release(&b);
			goto out;
		}
		if (r == 0)
			break;
		b.len += (size_t)r;
		if (b.len > FS_MAX_FILE) {
			error(&loc, "file too large (the limit is %u MiB)", FS_MAX_FILE >> 20);
			buf_release(&b);
			goto out;
		}
	}
	b.ptr[b.len] = '\0';
	*data = buf_detach(&b, len);
	ret = 0;
out:
	close(fd);
	return ret;
}

struct walk {
	const char *suffix;
	struct fs_entry *v;
	size_t n, alloc;
	struct dir_id {
		dev_t dev;
		ino_t ino;
	} * seen;
	size_t nseen, seen_alloc;
	int ret;
};

static bool seen_dir(struct walk *w, const struct stat *st)
{
	/* Only the directories on the current path matter for loops, but the
	 * whole set also catches a tree reached twice; trees are small. */
	for (size_t i = 0; i < w->nseen; i++)
		if (w->seen[i].dev == st->st_dev && w->seen[i].ino == st->st_ino)
			return true;
	ALLOC_GROW(w->seen, w->nseen + 1, w->seen_alloc);
	w->seen[w->nseen].dev = st->st_dev;
	w->seen[w->nseen++].ino = st->st_ino;
	return false;
}

static void walk_dir(struct walk *w, const char *path, const char *rel);

/* A regular file found: kept when its name has the walk's suffix. */
static void add_file(struct walk *w, const char *path, const char *rel)
{
	if (!str_ends(rel, w->suffix))
		return;
	ALLOC_GROW(w->v, w->n + 1, w->alloc);
	w->v[w->n].path = xstrdup(path);
	w->v[w->n].rel = xstrdup(rel);
	w->n++;
}

/*
 * One directory entry; `regular`: readdir said it is a regular file (no
 * symbolic link), so no stat.  A link is followed only when it stays inside
 * the roots (confine.h); anything but a file or a directory is refused.
 */
static void walk_entry(struct walk *w, const char *path, const char *rel, bool regular)
{
	struct stat st;
	struct loc loc = {path, 0, 0};
	if (regular) {
		add_file(w, path, rel);
		return;
	}
	/* lstat answers for anything but a link, which stat then follows */
	int got = lstat(path, &st);
	bool link = got == 0 && S_ISLNK(st.st_mode);
	if (got < 0 || (link && stat(path, &st) < 0)) {
		if (errno == ELOOP)
			w->ret = error(&loc, "symbolic link loop");
		else
			w->ret = error(&loc, "cannot read: %s", strerror(errno));
		return;
	}
	bool wanted = S_ISDIR(st.st_mode) || str_ends(rel, w->suffix);
	if (link && wanted && confine_check_path(path) < 0) {
		w->ret = -1;
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		if (seen_dir(w, &st)) {
			warning(&loc,
				"directory already visited through another path (symbolic link loop?); skipped");
			return;
		}
		walk_dir(w, path, rel);
	} else if (S_ISREG(st.st_mode)) {
		add_file(w, path, rel);
	} else if (wanted) {
		w->ret = error(
			&loc,
			"not a regular file or directory (a pipe, socket or device); refusing to read it");
	}
}

/* A directory entry as readdir gave it. */
struct dir_entry {
	char *name;
	bool regular; /* d_type said a regular file */
};

static int cmp_dir_entry(const void *a, const void *b)
{
	return strcmp(((const struct dir_entry *)a)->name, ((const struct dir_entry *)b)->name);
}

static void walk_dir(struct walk *w, const char *path, const char *rel)
{
	struct loc loc = {path, 0, 0};
	DIR *d = opendir(path);
	if (!d) {
		w->ret = error(&loc, "cannot read directory: %s", strerror(errno));
		return;
	}
	struct dir_entry *names = NULL;
	size_t n = 0, alloc = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		ALLOC_GROW(names, n + 1, alloc);
		names[n++] = (struct dir_entry){xstrdup(de->d_name), de->d_type == DT_REG};
	}
	closedir(d);
	sort_array(names, n, sizeof(*names), cmp_dir_entry);
	for (size_t i = 0; i < n; i++) {
		char *p = path_join(path, names[i].name);
		char *r = *rel ? path_join(rel, names[i].name) : xstrdup(names[i].name);
		walk_entry(w, p, r, names[i].regular);
		free(p);
		free(r);
		free(names[i].name);
	}
	free(names);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct fs_entry *)a)->rel, ((const struct fs_entry *)b)->rel);
}

int fs_walk(const char *dir, const char *suffix, struct fs_entry **out, size_t *n)
{
	struct walk w = {.suffix = suffix};
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		if (confine_check_path(dir) < 0) {
			*out = NULL;
			*n = 0;
			return -1;
		}
		seen_dir(&w, &st);
		walk_dir(&w, dir, "");
	}
	/* Directory order is sorted per level; sort whole paths for byte order. */
	sort_array(w.v, w.n, sizeof(*w.v), cmp_entry);
	free(w.seen);
	*out = w.v;
	*n = w.n;
	return w.ret;
}

void fs_entries_free(struct fs_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].path);
		free(e[i].rel);
	}
	free(e);
}

bool fs_is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool fs_exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

int fs_mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int ret = 0;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			struct loc loc = {path, 0, 0};
			ret = error(&loc, "cannot create directory %s: %s", p, strerror(errno));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ret;
}

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int fs_write(const char *path, const void *data, size_t len)
{
	struct loc loc = {path, 0, 0};
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 && errno == ENOENT) {
		/* Usually only the last directory is missing: try it before mkdir -p. */
		char *dir = xstrdup(path);
		char *slash = strrchr(dir, '/');
		if (slash) {
			*slash = '\0';
			if (mkdir(dir, 0777) < 0 && errno != EEXIST)
				fs_mkdirs(dir);
		}
		free(dir);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	}
	if (fd < 0)
		return error(&loc, "cannot write file: %s", strerror(errno));
	int ret = write_all(fd, data, len);
	if (close(fd) < 0)
		ret = -1;
	if (ret < 0)
		return error(&loc, "cannot write file: %s", strerror(errno));
	return 0;
}

int fs_write_at(int dirfd, const char *base, const char *rel, const void *data, size_t len)
{
	const char *slash = strrchr(rel, '/');
	if (slash) {
		char *parent = xstrndup(rel, (size_t)(slash - rel));
		/* its own parent is missing too */
		if (mkdirat(dirfd, parent, 0777) < 0 && errno == ENOENT) {
			char *full = path_join(base, parent);
			fs_mkdirs(full);
			free(full);
		}
		free(parent); /* any other failure: the open below says what it is */
	}
	int fd = openat(dirfd, rel, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	int ret = fd < 0 ? -1 : write_all(fd, data, len);
	if (fd >= 0 && close(fd) < 0)
		ret = -1;
	if (ret < 0) {
		char *path = path_join(base, rel);
		struct loc loc = {path, 0, 0};
		error(&loc, "cannot write file: %s", strerror(errno));
		free(path);
	}
	return ret;
}

/*
 * rm -rf, one level of the tree at a time: the directories of a level are
 * read in parallel, each worker unlinking the files of its directory and
 * noting its subdirectories (the next level); then the directories are
 * removed deepest level first, again in parallel.  Unlinking waits on the
 * file system more than on the CPU, so this pays even on one core.
 */
struct rm_level {
	char **dirs;
	size_t n;
	char ***subs; /* per directory: its subdirectories (full paths) */
	size_t *nsubs;
	int *failed;
};

static void rm_files_of(void *ctx, size_t i, int worker)
{
	(void)worker;
	struct rm_level *lv = ctx;
	const char *path = lv->dirs[i];
	struct loc loc = {path, 0, 0};
	size_t alloc = 0;
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		lv->failed[i] = error(&loc, "cannot remove: %s", strerror(errno));
		return;
	}
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		if (!strcmp(name, ".") || !strcmp(name, ".."))
			continue;
		bool is_dir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN) {
			struct stat st;
			is_dir = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
				 S_ISDIR(st.st_mode);
		}
		if (is_dir) {
			if (lv->nsubs[i] == alloc)
				lv->subs[i] =
					xrealloc(lv->subs[i],
						 (alloc = alloc ? alloc * 2 : 4) * sizeof(char *));
			lv->subs[i][lv->nsubs[i]++] = path_join(path, name);
		} else if (unlinkat(fd, name, 0) < 0) {
			lv->failed[i] = error(&loc, "cannot remove %s: %s", name, strerror(errno));
		}
	}
	closedir(d);
}

static void rm_dir(void *ctx, size_t i, int worker)
{
	(void)worker;
	struct rm_level *lv = ctx;
	struct loc loc = {lv->dirs[i], 0, 0};
	if (!lv->failed[i] && rmdir(lv->dirs[i]) < 0)
		lv->failed[i] = error(&loc, "cannot remove directory: %s", strerror(errno));
}

int fs_remove_tree_jobs(const char *path, int jobs)
{
	struct stat st;
	struct loc loc = {path, 0, 0};
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : error(&loc, "cannot remove: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? error(&loc, "cannot remove: %s", strerror(errno)) : 0;
	struct rm_level *levels = NULL;
	size_t nlevels = 0;
	char **dirs = xmalloc(sizeof(char *));
	dirs[0] = xstrdup(path);
	size_t n = 1;
	while (n) {
		levels = xrealloc(levels, (nlevels + 1) * sizeof(*levels));
		struct rm_level *lv = &levels[nlevels++];
		*lv = (struct rm_level){dirs, n, xcalloc(n, sizeof(char **)),
					xcalloc(n, sizeof(size_t)), xcalloc(n, sizeof(int))};
		parallel_for(n, jobs, rm_files_of, lv);
		size_t next = 0;
		for (size_t i = 0; i < n; i++)
			next += lv->nsubs[i];
		dirs = next ? xmalloc(next * sizeof(char *)) : NULL;
		n = 0;
		for (size_t i = 0; i < lv->n; i++) {
			for (size_t k = 0; k < lv->nsubs[i]; k++)
				dirs[n++] = lv->subs[i][k];
			free(lv->subs[i]);
		}
		free(lv->subs);
		free(lv->nsubs);
	}
	free(dirs);
	int ret = 0;
	for (size_t l = nlevels; l-- > 0;) {
		struct rm_level *lv = &levels[l];
		parallel_for(lv->n, jobs, rm_dir, lv);
		for (size_t i = 0; i < lv->n; i++) {
			if (lv->failed[i])
				ret = -1;
			free(lv->dirs[i]);
		}
		free(lv->dirs);
		free(lv->failed);
	}
	free(levels);
	return ret;
}

int fs_remove_tree(const char *path)
{
	return fs_remove_tree_jobs(path, 1);
}

char *path_join(const char *a, const char *b)
{
	size_t n = strlen(a);
	return xstrcat3(a, n && a[n - 1] == '/' ? "" : "/", b);
}

char *path_absolute(const char *p)
{
	struct buf b = BUF_INIT;
	if (p[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			die("cannot get the current directory: %s", strerror(errno));
		buf_adds(&b, cwd);
	}
	buf_addch(&b, '/');
	buf_adds(&b, p);
	/* Normalize: collapse //, remove /./, resolve /../ lexically. */
	char *s = b.ptr;
	struct buf out = BUF_INIT;
	char *save = NULL;
	for (char *tok = strtok_r(s, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			char *slash = out.len ? strrchr(out.ptr, '/') : NULL;
			if (slash)
				out.len = (size_t)(slash - out.ptr), out.ptr[out.len] = '\0';
			continue;
		}
		buf_addch(&out, '/');
		buf_adds(&out, tok);
	}
	if (!out.len)
		buf_addch(&out, '/');
	buf_release(&b);
	return buf_detach(&out, NULL);
}

char *fs_read_quiet(const char *path, size_t *len)
{
	FILE *f = path ? fopen(path, "rb") : NULL;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	if (!f)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}
