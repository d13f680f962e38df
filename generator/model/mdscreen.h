/*
 * mdscreen: refuses the Markdown that cmark-gfm would take more than linear
 * time over, before cmark-gfm sees it.
 *
 * Debian's cmark-gfm (0.29.0.gfm.6) lacks upstream's 2023 fixes: some
 * constructs cost time that grows with the product of two counts in the
 * same body (360 KB of "![[]()" took 36 s).  md_screen() reads a body once,
 * in linear time, and reports the first construct over its limit (or a
 * body longer than max_size):
 *
 *   nesting        block quotes, list items and footnote definitions one
 *                  inside another, as a line writes them: ">", "-", "*",
 *                  "+", "1.", "1)" or "[^x]:" before the text, and two
 *                  columns of indentation each.
 *                  Every later line costs a step per open container.
 *   table columns  cells of a table's delimiter row, and of its header and
 *                  each of its rows ("|" counted): a row costs the square
 *                  of its cells.
 *   table cells    columns times rows of all the tables of a body: rows
 *                  shorter than the header are filled with empty cells, so
 *                  "|\n" makes as many cells as the header has.
 *   images         "![" in one paragraph: each link closed after them walks
 *                  every "![" still open.
 *   autolinks      "www.", "://", "@" and "&#" (an entity may spell "@") in
 *                  one word (a run without blanks): the autolink extension
 *                  scans the word from each of them.
 *
 * The counts are taken on the lines as written, code blocks included, and a
 * paragraph is what lies between blank lines: they can only count more than
 * cmark-gfm sees, never less, so a body that passes is parsed in time
 * proportional to its length.  The defaults are far above what prose needs.
 */
#ifndef AFTERMATH_MDSCREEN_H
#define AFTERMATH_MDSCREEN_H

#include "base/util.h"

/* site.yaml's markdown.max_* settings. */
struct md_limits {
	int max_size;	       /* bytes of a body */
	int max_nesting;       /* block quotes and list items one inside another */
	int max_table_columns; /* cells of a table row */
	int max_table_cells;   /* cells of all the tables of one body */
	int max_images;	       /* "![" in one paragraph */
	int max_autolinks;     /* autolink starts in one word */
};

#define MD_LIMITS_DEFAULT                        \
	{                                        \
		1 << 20, 32, 64, 100000, 128, 16 \
	}

extern const struct md_limits md_limits_default;

/*
 * Check src[0..len) (a body whose first line is line line0 + 1 of `file`)
 * against lim.  Returns 0, or -1 after reporting the first construct over a
 * limit at its file:line:col, naming the site.yaml setting.
 */
int md_screen(const char *src, size_t len, const struct md_limits *lim, const char *file,
	      int line0);

#endif
