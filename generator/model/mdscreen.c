/* mdscreen: the Markdown constructs cmark-gfm parses in more than linear time (see mdscreen.h). */
#include "model/mdscreen.h"

#include "base/diag.h"

#include <stdlib.h>

const struct md_limits md_limits_default = MD_LIMITS_DEFAULT;

struct screen {
	const char *src, *end;
	const struct md_limits *lim;
	const char *file;
	int line0;
	int line;	/* of the line being read, 1-based */
	const char *ls; /* its start */
	/* the text of the line before (after its container markers), NULL after a blank */
	const char *prev;
	const char *prev_end, *prev_ls;
	int table_cols; /* columns of the table being read; 0 outside tables */
	bool cr;	/* the body has a '\r' (most have none: lines then end at '\n' only) */
	long cells;	/* table cells so far */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_space(char c)
{
	return is_blank(c) || c == '\n';
}

/* Blank as cmark-gfm sees a blank line ("\v" and "\f" are text to it: never fewer blank lines than it sees). */
static bool line_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Where p (on the line starting at ls, numbered line) is, as a location. */
static struct loc loc_at(const struct screen *s, int line, const char *ls, const char *p)
{
	return (struct loc){s->file, s->line0 + line, (int)(p - ls) + 1};
}

/* Skip blanks from *p, counting columns (a tab to the next multiple of 4). */
static int skip_cols(const char **p, const char *le)
{
	int cols = 0;
	for (; *p < le && (**p == ' ' || **p == '\t'); (*p)++)
		cols += **p == '\t' ? 4 - cols % 4 : 1;
	return cols;
}

/* A list marker ("-", "*", "+", "1." or "1)") followed by a blank or the line's end: its length, else 0. */
static size_t list_marker(const char *p, const char *le)
{
	const char *q = p;
	if (q < le && (*q == '-' || *q == '*' || *q == '+'))
		q++;
	else {
		while (q < le && q - p < 10 && *q >= '0' && *q <= '9')
			q++;
		if (q == p || q == le || (*q != '.' && *q != ')'))
			return 0;
		q++;
	}
	return q == le || *q == ' ' || *q == '\t' ? (size_t)(q - p) : 0;
}

/* A footnote definition's "[^label]:": its length, else 0. */
static size_t footnote_marker(const char *p, const char *le)
{
	if (le - p < 4 || p[0] != '[' || p[1] != '^')
		return 0;
	const char *close = memchr(p + 2, ']', (size_t)(le - p - 2));
	return close && close + 1 < le && close[1] == ':' ? (size_t)(close + 2 - p) : 0;
}

/*
 * Read the container markers at the start of [*p, le) (block quotes, list
 * items, footnote definitions): the estimate of the containers the line is
 * inside (markers, and two columns of indentation each), leaving *p at the
 * line's text.
 */
static int containers(const char **p, const char *le)
{
	int depth = skip_cols(p, le) / 2;
	for (;;) {
		size_t n = *p < le && **p == '>' ? 1 : list_marker(*p, le);
		if (!n)
			n = footnote_marker(*p, le);
		if (!n)
			return depth;
		*p += n;
		depth += 1 + skip_cols(p, le) / 2;
	}
}

/* The cells of the table row [p, le) as cmark-gfm splits it ("\\|" counted too: never fewer). */
static int cells(const char *p, const char *le)
{
	while (p < le && is_blank(*p))
		p++;
	while (le > p && is_blank(le[-1]))
		le--;
	if (p == le)
		return 0;
	int n = 1 - (*p == '|') - (le - p > 1 && le[-1] == '|');
	for (const char *q = p; (q = memchr(q, '|', (size_t)(le - q))) != NULL; q++)
		n++;
	return n;
}

/*
 * Whether [p, le) is a table delimiter row as cmark-gfm's scanner may take
 * it: only "|", "-", ":" and blanks, with a "-".  *cols: its cells with a "-".
 */
static bool delimiter_row(const char *p, const char *le, int *cols)
{
	bool dash = false;
	*cols = 0;
	for (; p < le; p++) {
		if (*p == '-') {
			if (!dash)
				++*cols;
			dash = true;
		} else if (*p == '|') {
			dash = false;
		} else if (*p != ':' && !is_blank(*p)) {
			return false;
		}
	}
	return *cols > 0;
}

/* A row [p, le) of line `line` (starting at ls) with more cells than a table may have. */
static int too_many_cells(struct screen *s, int line, const char *ls, const char *p, const char *le,
			  const char *what)
{
	int n = cells(p, le);
	if (n <= s->lim->max_table_columns)
		return 0;
	struct loc loc = loc_at(s, line, ls, p);
	return error(&loc, "%s has %d cells (expected at most %d: markdown.max_table_columns)",
		     what, n, s->lim->max_table_columns);
}

/* Count a row of the table being read (or its header) in s->cells. */
static int add_cells(struct screen *s, const char *p)
{
	s->cells += s->table_cols;
	if (s->cells <= s->lim->max_table_cells)
		return 0;
	struct loc loc = loc_at(s, s->line, s->ls, p);
	return error(
		&loc,
		"tables have more than %d cells in this file, counting the cells cmark-gfm adds to short rows "
		"(expected at most %d: markdown.max_table_cells)",
		s->lim->max_table_cells, s->lim->max_table_cells);
}

/* Tables: the line's text is [p, le). */
static int screen_table(struct screen *s, const char *p, const char *le)
{
	int cols;
	if (s->table_cols) /* a row, until a blank line */
		return add_cells(s, p) < 0 ? -1
					   : too_many_cells(s, s->line, s->ls, p, le, "table row");
	if (!s->prev || (*p != '|' && *p != '-' && *p != ':') || !delimiter_row(p, le, &cols))
		return 0;
	if (cols > s->lim->max_table_columns) {
		struct loc loc = loc_at(s, s->line, s->ls, p);
		return error(
			&loc,
			"table has %d columns (expected at most %d: markdown.max_table_columns)",
			cols, s->lim->max_table_columns);
	}
	s->table_cols = cols;
	if (add_cells(s, p) < 0)
		return -1;
	return too_many_cells(s, s->line - 1, s->prev_ls, s->prev, s->prev_end, "table header");
}

/*
 * The end of the line starting at p: its '\n', a lone '\r' (cmark-gfm ends
 * lines there too), or the end of the body.
 */
static const char *line_end(const char *p, const char *end, bool any_cr)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	const char *le = nl ? nl : end;
	const char *cr = any_cr ? memchr(p, '\r', (size_t)(le - p)) : NULL;
	return cr && cr + 1 < le ? cr : le;
}

/* One line [seg, le): nesting and tables. */
static int screen_line(struct screen *s, const char *seg, const char *le)
{
	const char *p = seg;
	int depth = containers(&p, le);
	if (depth > s->lim->max_nesting) {
		struct loc loc = loc_at(s, s->line, s->ls, p);
		return error(
			&loc,
			"block quotes and lists nested %d deep (expected at most %d: markdown.max_nesting)",
			depth, s->lim->max_nesting);
	}
	const char *text = p;
	while (p < le && line_blank(*p))
		p++;
	if (p == le) { /* a blank line ends paragraphs and tables */
		s->prev = NULL;
		s->table_cols = 0;
		return 0;
	}
	if (screen_table(s, text, le) < 0)
		return -1;
	s->prev = text;
	s->prev_end = le;
	s->prev_ls = s->ls;
	return 0;
}

/* Block structure, line by line (numbered by '\n', as editors do). */
static int screen_lines(struct screen *s)
{
	s->ls = s->src;
	s->line = 1;
	s->cr = memchr(s->src, '\r', (size_t)(s->end - s->src)) != NULL;
	for (const char *seg = s->src;;) {
		const char *le = line_end(seg, s->end, s->cr);
		if (screen_line(s, seg, le) < 0)
			return -1;
		if (le == s->end)
			return 0;
		seg = le + 1;
		if (*le == '\n') {
			s->ls = seg;
			s->line++;
		}
	}
}

/* The location of p in the body (for a report: counts lines from the start). */
static struct loc loc_of(const struct screen *s, const char *p)
{
	int line = 1;
	const char *ls = s->src;
	for (const char *q = s->src; (q = memchr(q, '\n', (size_t)(p - q))) != NULL; q++) {
		line++;
		ls = q + 1;
	}
	return loc_at(s, line, ls, p);
}

/* Whether a blank line lies in [p, e). */
static bool has_blank_line(const char *p, const char *e)
{
	while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		const char *q = ++p;
		while (q < e && line_blank(*q))
			q++;
		if (q < e && *q == '\n')
			return true;
	}
	return false;
}

/* "![" per paragraph. */
static int screen_images(const struct screen *s)
{
	const char *last = NULL;
	int n = 0;
	for (const char *p = s->src; (p = memchr(p, '!', (size_t)(s->end - p))) != NULL; p++) {
		if (p + 1 == s->end || p[1] != '[')
			continue;
		n = last && !has_blank_line(last, p) ? n + 1 : 1;
		last = p;
		if (n > s->lim->max_images) {
			struct loc loc = loc_of(s, p);
			return error(
				&loc,
				"more than %d images (\"![\") in one paragraph (expected at most %d: "
				"markdown.max_images)",
				s->lim->max_images, s->lim->max_images);
		}
	}
	return 0;
}

/* Whether an autolink may start at p (a "@", ":", "&" or "." found by the caller). */
static bool autolink_start(const struct screen *s, const char *p)
{
	size_t left = (size_t)(s->end - p), before = (size_t)(p - s->src);
	switch (*p) {
	case '@': return true;
	case ':': return left >= 3 && p[1] == '/' && p[2] == '/';
	case '&': return left >= 2 && (p[1] == '#' || (left >= 8 && !memcmp(p, "&commat;", 8)));
	default: return before >= 3 && !memcmp(p - 3, "www", 3); /* its "." */
	}
}

/*
 * The autolink starts, in order, into *out (grown); how many.  "www." as
 * cmark-gfm matches it (lower case only), "://", "@", and "&#" or
 * "&commat;" (an entity may spell "@" in the text the extension reads).
 */
static size_t autolink_starts(const struct screen *s, const char ***out, size_t *alloc)
{
	static const char chars[] = "@:&.";
	size_t n = 0;
	for (const char *c = chars; *c; c++)
		for (const char *p = s->src; (p = memchr(p, *c, (size_t)(s->end - p))) != NULL; p++)
			if (autolink_start(s, p)) {
				ALLOC_GROW(*out, n + 1, *alloc);
				(*out)[n++] = *c == '.'
						      ? p - 3
						      : p; /* "www." is reported where it starts */
			}
	return n;
}

static int cmp_ptr(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	return x < y ? -1 : x > y;
}

/* Autolink starts per word. */
static int screen_autolinks(const struct screen *s)
{
	const char **at = NULL;
	size_t alloc = 0, n = autolink_starts(s, &at, &alloc);
	const char *word_end = NULL;
	int count = 0, ret = 0;
	if (n)
		qsort(at, n, sizeof(*at), cmp_ptr);
	for (size_t i = 0; i < n; i++) {
		if (!word_end || at[i] >= word_end) { /* a new word: find where it ends */
			for (word_end = at[i]; word_end < s->end && !is_space(*word_end);)
				word_end++;
			count = 0;
		}
		if (++count > s->lim->max_autolinks) {
			struct loc loc = loc_of(s, at[i]);
			ret = error(
				&loc,
				"more than %d autolinks (\"www.\", \"://\", \"@\", \"&#\") in one word "
				"(expected at most %d: markdown.max_autolinks)",
				s->lim->max_autolinks, s->lim->max_autolinks);
			break;
		}
	}
	free(at);
	return ret;
}

int md_screen(const char *src, size_t len, const struct md_limits *lim, const char *file, int line0)
{
	struct screen s = {.src = src, .end = src + len, .lim = lim, .file = file, .line0 = line0};
	if (len > (size_t)lim->max_size) {
		struct loc loc = {file, line0 + 1, 1};
		return error(
			&loc,
			"Markdown body too large (%zu bytes; expected at most %d: markdown.max_size)",
			len, lim->max_size);
	}
	if (screen_lines(&s) < 0 || screen_images(&s) < 0 || screen_autolinks(&s) < 0)
		return -1;
	return 0;
}
