/* init: a new knowledge base from the shipped templates (see init.h). */
#include "cmd/init.h"

#include "base/diag.h"
#include "base/fsutil.h"
#include "base/util.h"
#include "cmd/cli.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INIT_USAGE 2
#define INIT_IO	   3

/* Template file -> where it goes in the knowledge base (dot files are kept
 * without their dot in the templates so that no tool skips them). */
static const struct {
	const char *from, *to;
} files[] = {
	{"site.yaml", "site.yaml"},
	{"pages/start.md", "pages/start.md"},
	{"postmortems/pm-2025-001.md", "postmortems/2025/pm-2025-001.md"},
	{"gitignore", ".gitignore"},
	{"github-workflow.yml", ".github/workflows/aftermath.yml"},
	{"gitlab-ci.yml", ".gitlab-ci.yml"},
};

static int fail(int status, const char *fmt, const char *a, const char *b)
{
	fputs("aftermath: ", stderr);
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	return status;
}

/* The directory itself, made if missing; -1 with errno when it cannot be
 * opened as a directory without following a symbolic link. */
static int open_root(const char *dir)
{
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		if (errno != ENOENT)
			return -1;
		diag_clear();
		if (fs_mkdirs(dir) < 0) {
			diag_clear();
			errno = ENOENT;
			return -1;
		}
	}
	return open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The first entry of the directory open as fd other than ., .. and .git
 * (a fresh clone); NULL (an empty string's absence) when there is none. */
static char *first_entry(int fd)
{
	int dup_fd = dup(fd);
	DIR *d = dup_fd < 0 ? NULL : fdopendir(dup_fd);
	char *found = NULL;
	if (!d)
		return xstrdup("?");
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strcmp(e->d_name, ".git"))
			found = xstrdup(e->d_name);
	}
	closedir(d);
	return found;
}

/* The directory `rel` (a/b/c) below fd, made as needed, each part opened
 * without following a link; -1 with errno on failure. */
static int open_subdir(int fd, const char *rel)
{
	char *copy = xstrdup(rel), *save = NULL;
	int cur = dup(fd);
	for (char *part = strtok_r(copy, "/", &save); part && cur >= 0;
	     part = strtok_r(NULL, "/", &save)) {
		if (mkdirat(cur, part, 0777) < 0 && errno != EEXIST) {
			close(cur);
			cur = -1;
			break;
		}
		int next = openat(cur, part, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		close(cur);
		cur = next;
	}
	free(copy);
	return cur;
}

/* Write data to `rel` below fd as a new file: never over an existing one,
 * never through a link.  0, or -1 with errno. */
static int write_new(int fd, const char *rel, const char *data, size_t len)
{
	const char *slash = strrchr(rel, '/');
	int dfd = fd;
	if (slash) {
		char *parent = xstrndup(rel, (size_t)(slash - rel));
		dfd = open_subdir(fd, parent);
		free(parent);
		if (dfd < 0)
			return -1;
	}
	int out = openat(dfd, slash ? slash + 1 : rel,
			 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	int saved = errno;
	if (dfd != fd)
		close(dfd);
	if (out < 0) {
		errno = saved;
		return -1;
	}
	for (size_t off = 0; off < len;) {
		ssize_t n = write(out, data + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			saved = n < 0 ? errno : EIO;
			close(out);
			errno = saved;
			return -1;
		}
		off += (size_t)n;
	}
	return close(out);
}

/* text with every {{name}} of the known names replaced; caller frees. */
static char *fill(const char *text, const struct init_opts *o)
{
	static const char github[] = "https://github.com/";
	const char *action = strncmp(o->upstream, github, strlen(github))
				     ? "OWNER/aftermath"
				     : o->upstream + strlen(github);
	const char *names[] = {"{{version}}", "{{upstream}}", "{{action}}"};
	const char *values[] = {o->version, o->upstream, action};
	struct buf b = BUF_INIT;
	while (*text) {
		size_t i;
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			if (!strncmp(text, names[i], strlen(names[i])))
				break;
		}
		if (i < ARRAY_SIZE(names)) {
			buf_adds(&b, values[i]);
			text += strlen(names[i]);
		} else {
			buf_addch(&b, *text++);
		}
	}
	return buf_detach(&b, NULL);
}

/* Every template, read before anything is written: a broken installation
 * leaves no half knowledge base.  0 or INIT_IO. */
static int read_templates(const struct init_opts *o, char **texts)
{
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *path = path_join(o->templates, files[i].from), *raw;
		size_t len;
		int ret = fs_read(path, &raw, &len);
		diag_clear();
		if (ret < 0) {
			fail(INIT_IO,
			     "cannot read the init template %s (%s: is aftermath installed whole?)",
			     path, "expected the init/ directory beside the theme");
			free(path);
			return INIT_IO;
		}
		texts[i] = fill(raw, o);
		free(raw);
		free(path);
	}
	return 0;
}

int init_run(const struct init_opts *o)
{
	char *texts[ARRAY_SIZE(files)] = {0};
	int ret = read_templates(o, texts);
	int fd = -1;
	if (ret)
		goto out;
	struct stat st;
	if (!lstat(o->dir, &st) && S_ISLNK(st.st_mode)) {
		ret = fail(
			INIT_USAGE,
			"\"%s\" is a symbolic link%s (expected a new or empty directory, not a link to one)",
			o->dir, "");
		goto out;
	}
	fd = open_root(o->dir);
	if (fd < 0) {
		ret = fail(
			INIT_USAGE,
			"cannot use \"%s\" for a knowledge base: %s (expected a new or empty directory)",
			o->dir, strerror(errno));
		goto out;
	}
	char *other = first_entry(fd);
	if (other) {
		ret = fail(
			INIT_USAGE,
			"\"%s\" is not empty (it has \"%s\"); init writes only into a new or empty directory",
			o->dir, other);
		free(other);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (write_new(fd, files[i].to, texts[i], strlen(texts[i])) < 0) {
			char *path = path_join(o->dir, files[i].to);
			ret = fail(INIT_IO, "cannot write %s: %s", path, strerror(errno));
			free(path);
			goto out;
		}
	}
	if (!o->quiet && strpbrk(o->version, "+-"))
		fprintf(stderr,
			"aftermath: note: %s is not a release: the CI files pin it all the same (edit them to a "
			"release's version)\n",
			o->version);
	if (!o->quiet)
		fprintf(stderr,
			"aftermath: wrote a knowledge base in %s/ (aftermath %s); next: aftermath check %s && aftermath build %s\n",
			o->dir, o->version, o->dir, o->dir);
out:
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		free(texts[i]);
	return ret;
}

/* ---- the command ---------------------------------------------------------- */

/* Written by the Makefile: `git describe` in a clone, else the VERSION file. */
extern const char aftermath_version[];

#ifndef AFTERMATH_UPSTREAM
#define AFTERMATH_UPSTREAM "https://github.com/aftermath-kb/aftermath"
#endif

int cmd_init(const struct options *o)
{
	char *templates = find_shipped("AFTERMATH_INIT", "init", "init", "site.yaml");
	struct init_opts io = {
		.dir = o->content_dir,
		.templates = templates,
		.version = aftermath_version,
		.upstream = AFTERMATH_UPSTREAM,
		.quiet = o->quiet,
	};
	int ret = init_run(&io);
	free(templates);
	return ret;
}
