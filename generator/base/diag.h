/*
 * diag: compiler-style diagnostics ("file:line:col: error: ...").
 *
 * Every module reports problems here instead of printing.  Diagnostics are
 * collected (thread-safe) and printed together, sorted by file, line and
 * column, so the output is the same whatever order the work ran in.
 * error() and diag_error() return -1 so a caller can write
 *     return error(&loc, "unknown severity \"%s\"", s);
 */
#ifndef AFTERMATH_DIAG_H
#define AFTERMATH_DIAG_H

#include "base/util.h"

/* A place in a source file.  line and col start at 1; 0 means unknown. */
struct loc {
	const char *file; /* not owned; lives as long as the corpus */
	int line;	  /* from 1; 0: the whole file */
	/* in characters (code points) from 1, as editors count: see diag_column(); 0: the whole line */
	int col;
};

/*
 * The column of byte `off` of a line that starts at `line`, as every
 * diagnostic counts it: 1 + the characters (UTF-8 code points) before it.
 * YAML (libyaml counts so), Markdown (cmark counts bytes: converted) and the
 * body readers all use it.
 */
/* Where byte `off` of `text` (the contents of `file`) is: its line, and its column as diag_column() counts. */
struct loc diag_loc_at(const char *file, const char *text, size_t off);

static inline int diag_column(const char *line, size_t off)
{
	int col = 1;
	for (size_t i = 0; i < off; i++)
		col += ((unsigned char)line[i] & 0xc0) != 0x80;
	return col;
}

enum diag_level { DIAG_NOTE, DIAG_WARNING, DIAG_ERROR };
enum diag_format { DIAG_TEXT, DIAG_JSON, DIAG_GITHUB, DIAG_GITLAB };

struct diag {
	enum diag_level level;
	char *file;
	int line, col;
	char *rule; /* lint rule id, or NULL */
	char *msg;
	size_t times; /* identical diagnostics collapsed into this one (1: none) */
};

int error(const struct loc *loc, const char *fmt, ...) ATTR_PRINTF(2, 3);
void warning(const struct loc *loc, const char *fmt, ...) ATTR_PRINTF(2, 3);
void note(const struct loc *loc, const char *fmt, ...) ATTR_PRINTF(2, 3);
/* Full form: any level, an optional rule id (copied). */
void diag_add(enum diag_level level, const struct loc *loc, const char *rule, const char *fmt, ...)
	ATTR_PRINTF(4, 5);

/*
 * While on (calls nest), errors reported by this thread are recorded as
 * notes (error() still returns -1): for a file that import.on_invalid: skip
 * leaves out, whose problems are told but do not fail the build.
 */
void diag_demote(bool on);

size_t diag_count(enum diag_level level);
/* Sorted view of all diagnostics so far; valid until the next diag_* call. */
const struct diag *diag_list(size_t *n);
/*
 * Print all diagnostics to `out` in `fmt` and clear them.  DIAG_JSON: an
 * array of {file, line, column, severity, rule, message, times}; DIAG_GITLAB:
 * GitLab's Code Quality report, an array of {description, check_name,
 * fingerprint, severity, location: {path, lines: {begin}}} whose fingerprint
 * is a hash of the file, place, rule and message (the same on every run).
 */
void diag_flush(void *file, enum diag_format fmt);
/*
 * The closing line of `check` for people, without a newline: "3 errors and
 * 2 warnings in 4 files" (notes are not counted), "no errors or warnings".
 * Call before diag_flush.
 */
void diag_summary(struct buf *out);
/*
 * From now on, a thread adding a diagnostic waits forever: the caller can
 * then list and print them safely while other threads still run, just
 * before the process ends (--max-seconds).
 */
void diag_hold(void);
void diag_clear(void);

#endif
