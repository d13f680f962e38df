/*
 * fsutil: reading, walking and writing the file system.
 *
 * Functions that can fail for a reason the user can fix report a diagnostic
 * naming the path and return -1; they never exit.
 */
#ifndef AFTERMATH_FSUTIL_H
#define AFTERMATH_FSUTIL_H

#include "base/util.h"

/* Files larger than this are refused with a diagnostic (not read). */
#define FS_MAX_FILE (16u << 20)

/*
 * Read the whole of `path` into *data (NUL-terminated, caller frees) and
 * its length into *len.  Only a regular file inside the roots (confine.h)
 * is read; a pipe is refused without waiting for a writer.  0 or -1.
 */
int fs_read(const char *path, char **data, size_t *len);

/* A found file: its full path and its path relative to the walked root. */
struct fs_entry {
	char *path;
	char *rel;
};

/*
 * Collect every regular file below `dir` whose name ends in `suffix` (any
 * file when suffix is ""), skipping names that start with '.'.  The result
 * is sorted by relative path (byte order), so it is the same on every
 * machine.  Symbolic links are followed when they stay inside the roots
 * (confine.h; a link that leaves them is an error), and a directory reached
 * twice (a loop) is reported and skipped; a pipe, socket or device with the
 * suffix is an error.  A missing `dir` gives no entries.  Returns
 * 0, or -1 after reporting unreadable directories (the entries found are
 * still returned).
 */
int fs_walk(const char *dir, const char *suffix, struct fs_entry **out, size_t *n);
void fs_entries_free(struct fs_entry *e, size_t n);

bool fs_is_dir(const char *path);
bool fs_exists(const char *path);
/* mkdir -p; 0 or -1 (with a diagnostic). */
int fs_mkdirs(const char *path);
/* Write data to path (creating parent directories); 0 or -1. */
int fs_write(const char *path, const void *data, size_t len);
/*
 * The same for `rel` below the directory open as dirfd, whose path is `base`
 * (for messages): shorter lookups, and the parent directory is made before
 * the file is opened (most files a build writes are the index.html of a new
 * directory), two calls where fs_write's open, mkdir, open are three.
 */
int fs_write_at(int dirfd, const char *base, const char *rel, const void *data, size_t len);
/* rm -rf (symbolic links are removed, not followed); 0 or -1. */
int fs_remove_tree(const char *path);
/* The same on `jobs` threads (a level of the tree at a time). */
int fs_remove_tree_jobs(const char *path, int jobs);
/* Join two path parts with one '/'; caller frees. */
char *path_join(const char *a, const char *b);
/* Absolute, normalized path (no symlinks resolved for missing tails); caller frees. */
char *path_absolute(const char *p);

/*
 * Read a file again without diagnostics (it was read once already, and
 * reported then): its contents (*len bytes, NUL-terminated, "" when empty;
 * caller frees), or NULL when it cannot be read now.
 */
char *fs_read_quiet(const char *path, size_t *len);

#endif
