/*
 * confine: which files a run may read — the directories it was given, and
 * nothing reached from them through a symbolic link that leads elsewhere.
 *
 * A knowledge base arrives in pull requests, and git stores symbolic links:
 * `static/env.txt -> /proc/self/environ` would publish the CI job's secrets.
 * So every file the build reads is checked against a set of roots (the
 * content directory, the theme, the shipped lint rules, the build's own
 * output), by the path the kernel resolved for the open file descriptor, not
 * by the name (no race between the check and the read).  A link that stays
 * inside a root may be followed.
 *
 * Invariants:
 * - Roots are added before any worker thread starts and never removed while
 *   one runs; the checks only read them, so they are thread-safe.
 * - With no root added every path is allowed (unit tests that read their own
 *   temporary files); every command of the program adds its roots first.
 * - Files on /proc and /sys are refused even when --allow-outside-links lets
 *   links leave the roots: they are the kernel's, not anyone's content.
 */
#ifndef AFTERMATH_CONFINE_H
#define AFTERMATH_CONFINE_H

#include "base/util.h"

/*
 * Allow reading below `dir` (resolved with realpath; a missing directory is
 * ignored: nothing can be read through it).  `what` names it in messages
 * ("the content directory", "the theme"; it must outlive the run), or is
 * NULL for a root the user did not name (the site being written).
 */
void confine_add_root(const char *dir, const char *what);
/* --allow-outside-links: links may lead anywhere but /proc and /sys. */
void confine_allow_outside(bool allow);
/* Forget every root and the flag (tests). */
void confine_reset(void);

/*
 * Whether the file open as `fd` (found as `path`) may be read: inside a
 * root, or outside with --allow-outside-links and not on /proc or /sys.
 * 0, or -1 after an error naming `path` and the file it resolves to.
 */
int confine_check_fd(int fd, const char *path);
/*
 * The same for a path not yet opened (a directory about to be walked):
 * resolves it with realpath.  0, or -1 with an error; a path that does not
 * resolve (a dangling link) is an error too.
 */
int confine_check_path(const char *path);

/*
 * Whether `path` is `root` or lies below it, both absolute and normalised
 * ("/a/bc" is not below "/a/b"; everything is below "/").
 */
bool path_within(const char *root, const char *path);

#endif
