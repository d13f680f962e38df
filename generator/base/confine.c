/* confine: the directories a run may read from (see confine.h). */
#include "base/confine.h"

#include "base/diag.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#define PROC_MAGIC  0x9fa0
#define SYSFS_MAGIC 0x62656572

static struct root {
	char *real; /* realpath, no trailing '/' unless it is "/" */
	const char *what;
} * roots;
static size_t nroots, roots_alloc;
static bool outside_allowed;

void confine_add_root(const char *dir, const char *what)
{
	char *real = realpath(dir, NULL);
	if (!real)
		return;
	for (size_t i = 0; i < nroots; i++)
		if (!strcmp(roots[i].real, real)) {
			free(real);
			return;
		}
	ALLOC_GROW(roots, nroots + 1, roots_alloc);
	roots[nroots++] = (struct root){real, what};
}

void confine_allow_outside(bool allow)
{
	outside_allowed = allow;
}

void confine_reset(void)
{
	for (size_t i = 0; i < nroots; i++)
		free(roots[i].real);
	free(roots);
	roots = NULL;
	nroots = roots_alloc = 0;
	outside_allowed = false;
}

static bool kernel_fs(long type)
{
	return type == PROC_MAGIC || type == SYSFS_MAGIC;
}

/* "the content directory or the theme": the roots' names, for messages. */
static void root_names(struct buf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < nroots; i++)
		n += roots[i].what != NULL;
	for (size_t i = 0, k = 0; i < nroots; i++) {
		if (!roots[i].what)
			continue;
		if (k++)
			buf_adds(b, k == n ? " and " : ", ");
		buf_adds(b, roots[i].what);
	}
}

static bool inside_a_root(const char *real)
{
	for (size_t i = 0; i < nroots; i++)
		if (path_within(roots[i].real, real))
			return true;
	return false;
}

/* `real` is what `path` resolves to, outside every root; `type` its file system's magic number. */
static int check_outside(const char *path, const char *real, long type)
{
	struct loc loc = {path, 0, 0};
	if (kernel_fs(type))
		return error(
			&loc,
			"symbolic link leads to \"%s\", a file of the kernel's (/proc or /sys); refusing to read it",
			real);
	if (outside_allowed)
		return 0;
	struct buf names = BUF_INIT;
	root_names(&names);
	error(&loc,
	      "symbolic link leads outside %s, to \"%s\" (expected a link that stays inside; "
	      "pass --allow-outside-links to follow it anyway)",
	      buf_cstr(&names), real);
	buf_release(&names);
	return -1;
}

int confine_check_fd(int fd, const char *path)
{
	if (!nroots)
		return 0;
	char link[64], real[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	ssize_t n = readlink(link, real, sizeof(real) - 1);
	/* no /proc, or cut short: resolve the name */
	if (n <= 0 || (size_t)n >= sizeof(real) - 1 || real[0] != '/')
		return confine_check_path(path);
	real[n] = '\0';
	if (inside_a_root(real)) /* a root is no kernel file system: one syscall a file */
		return 0;
	struct statfs sf;
	return check_outside(path, real, fstatfs(fd, &sf) ? 0 : (long)sf.f_type);
}

int confine_check_path(const char *path)
{
	if (!nroots)
		return 0;
	struct loc loc = {path, 0, 0};
	char *real = realpath(path, NULL);
	if (!real)
		return error(&loc, "cannot resolve: %s", strerror(errno));
	struct statfs sf;
	int ret = inside_a_root(real)
			  ? 0
			  : check_outside(path, real, statfs(real, &sf) ? 0 : (long)sf.f_type);
	free(real);
	return ret;
}

bool path_within(const char *root, const char *path)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return path[0] == '/';
	return !strncmp(path, root, n) && (path[n] == '/' || path[n] == '\0');
}
