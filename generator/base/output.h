/*
 * output: the output directory, written atomically.
 *
 * The build writes into a temporary sibling of the output directory and
 * output_commit() swaps it in with one rename (RENAME_EXCHANGE where the file
 * system has it), so a reader sees the old site or the new one, never half;
 * a failed build calls output_abort() and the old site stays untouched.
 * output_open() refuses an output directory that is `/`, the content
 * directory, an ancestor of it, or a non-empty directory that does not carry
 * aftermath's marker file (so it never deletes a directory it did not make).
 * The temporary, and the site once swapped in, are added to the roots files
 * may be read from (confine.h): the leak check reads the site back.
 */
#ifndef AFTERMATH_OUTPUT_H
#define AFTERMATH_OUTPUT_H

#include "base/util.h"

#define OUTPUT_MARKER ".aftermath-output"

struct output {
	char *dir;  /* the final directory (absolute) */
	char *tmp;  /* the temporary sibling being written */
	int tmp_fd; /* tmp, open (files are written relative to it) */
	int jobs;   /* threads for removing a tree */
};

/*
 * Check out_dir against content_dir and create the temporary; 0, or -1 (o
 * holds nothing).  Trees (the old site after the swap, the temporary on
 * abort) are removed on `jobs` threads.
 */
int output_open(struct output *o, const char *out_dir, const char *content_dir, int jobs);
/* Write `rel` (a path below the output root) with data; thread-safe; 0 or -1. */
int output_write(struct output *o, const char *rel, const void *data, size_t len);
/* Write the text in b to rel; the buffer is left as it was. */
int output_write_buf(struct output *o, const char *rel, const struct buf *b);
/* Copy every file below src_dir to rel_dir below the output root; 0 or -1. */
int output_copy_tree(struct output *o, const char *src_dir, const char *rel_dir);
/*
 * Swap the finished tree in and remove the old one; 0, or -1 (with a
 * diagnostic) when the swap fails: the new tree is removed then, the old
 * site stays, and o holds nothing.
 */
int output_commit(struct output *o);
/* Remove the temporary tree; the old output stays as it was. */
void output_abort(struct output *o);

#endif
