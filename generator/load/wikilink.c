/* wikilink: [[ID]] links found in the text and resolved to pages (see mdparse.h, markdown.h). */
#include "load/mdparse.h"

#include "model/slug.h"

#include <stdlib.h>
#include <string.h>

/* ---- wiki-links ------------------------------------------------------------ */

/*
 * The first [[ID]] at or after s: an id is 1 to WIKILINK_MAX characters
 * other than '[', ']' and newline once trimmed.  Every "[[" is looked at
 * once and scans at most WIKILINK_SCAN bytes, so this is linear.
 */
bool find_wikilink(const char *s, struct wikimatch *w)
{
	for (const char *o = strstr(s, "[["); o; o = strstr(o, "[[")) {
		while (o[2] == '[')
			o++;
		const char *a = o + 2, *e = a;
		while (*e && *e != ']' && *e != '[' && *e != '\n' && e - a < WIKILINK_SCAN)
			e++;
		if (e[0] == ']' && e[1] == ']') {
			const char *b = e;
			while (a < b && blank(*a))
				a++;
			while (b > a && blank(b[-1]))
				b--;
			if (b > a && b - a <= WIKILINK_MAX) {
				*w = (struct wikimatch){o, a, (size_t)(b - a), e + 2};
				return true;
			}
		}
		if (!*e)
			return false;
		o = e;
	}
	return false;
}

/*
 * Finds each [[ID]] of a text node's literal in the source line, for its
 * column and to tell "\\[[X]]" (text) from "[[X]]".  When the literal is the
 * source byte for byte, that is an offset from the node's column.
 * Otherwise (backslash escapes, entities, a task-list box) the same
 * "[[ID]]" is looked for in the source after the previous one, else the
 * next "[[".  The literal is never longer than its source and an entity is
 * at most 12 times longer than what it stands for, so the search window is
 * 12 times the literal since the previous match: linear overall.
 */
struct locator {
	const char *lit, *lp;	/* the literal; lp matches sp */
	const char *s, *sp, *e; /* the source line; searched from sp */
	int col0;
	bool exact;
};

static void locator_init(struct locator *l, struct md *m, cmark_node *t, const char *lit)
{
	int line = cmark_node_get_start_line(t), col = cmark_node_get_start_column(t);
	*l = (struct locator){.lit = lit, .lp = lit, .col0 = col};
	l->exact = cmark_node_get_end_line(t) == line &&
		   cmark_node_get_end_column(t) - col + 1 == (int)strlen(lit);
	if (!l->exact && source_line(m, line, &l->s, &l->e) && col >= 1 && col - 1 <= l->e - l->s)
		l->sp = l->s + col - 1;
}

/* Sets *col to the file column of w's "[["; true when a backslash escapes it. */
static bool locate(struct locator *l, const struct wikimatch *w, int *col)
{
	*col = l->col0 + (int)(w->open - l->lit);
	if (l->exact || !l->sp)
		return false;
	size_t n = (size_t)(w->end - w->open), window = 12 * (size_t)(w->end - l->lp);
	size_t room = (size_t)(l->e - l->sp) < window ? (size_t)(l->e - l->sp) : window;
	const char *at = memmem(l->sp, room, w->open, n);
	if (!at)
		at = memmem(l->sp, room, "[[", 2);
	if (!at)
		return false;
	const char *q = at;
	while (q > l->s && q[-1] == '\\')
		q--;
	*col = (int)(at - l->s) + 1;
	l->sp = at + 2;
	l->lp = w->open + 2;
	return (at - q) % 2 == 1;
}

static cmark_node *text_node(cmark_mem *mem, const char *s, size_t len)
{
	cmark_node *t = cmark_node_new_with_mem(CMARK_NODE_TEXT, mem);
	char *copy = xstrndup(s, len);
	cmark_node_set_literal(t, copy);
	free(copy);
	return t;
}

/* Put n after at and return it; or free it and return at where n cannot go. */
static cmark_node *insert_after(cmark_node *at, cmark_node *n)
{
	if (cmark_node_insert_after(at, n))
		return n;
	cmark_node_free(n);
	return at;
}

/*
 * The marker for link_resolve(): the id, HTML-escaped, between two marks,
 * as raw HTML (a table cell may hold raw HTML but no custom inline).
 */
static cmark_node *wikilink_node(cmark_mem *mem, const struct wikimatch *w, struct buf *tmp)
{
	cmark_node *n = cmark_node_new_with_mem(CMARK_NODE_HTML_INLINE, mem);
	buf_reset(tmp);
	buf_addch(tmp, WIKILINK_MARK);
	buf_add_html(tmp, w->id, w->idlen);
	buf_addch(tmp, WIKILINK_MARK);
	cmark_node_set_literal(n, buf_cstr(tmp));
	return n;
}

/* Split text node t at every [[ID]], recording each. */
static void split_wikilinks(struct md *m, cmark_node *t, struct buf *tmp)
{
	char *lit = xstrdup(cmark_node_get_literal(t));
	const char *p = lit, *q = lit; /* text not yet placed; where to look next */
	cmark_node *at = t;
	struct locator l;
	struct wikimatch w;
	int col;
	locator_init(&l, m, t, lit);
	while (find_wikilink(q, &w)) {
		q = w.end;
		if (locate(&l, &w, &col))
			continue;
		if (w.open > p)
			at = insert_after(at, text_node(m->cmem, p, (size_t)(w.open - p)));
		at = insert_after(at, wikilink_node(m->cmem, &w, tmp));
		int line = cmark_node_get_start_line(t);
		struct loc loc = {m->file, m->line0 + line, char_col(m, line, col)};
		ALLOC_GROW(m->links, m->nlinks + 1, m->links_alloc);
		m->links[m->nlinks++] = (struct wikilink){xstrndup(w.id, w.idlen), loc};
		p = w.end;
	}
	if (p > lit) {
		if (*p)
			insert_after(at, text_node(m->cmem, p, strlen(p)));
		cmark_node_free(t);
	}
	free(lit);
}

void wikilinks(struct md *m)
{
	struct buf tmp = BUF_INIT;
	for (size_t i = 0; i < m->ntexts; i++)
		split_wikilinks(m, m->texts[i], &tmp);
	buf_release(&tmp);
}

/* ---- link_resolve ------------------------------------------------------------ */

/* Undo buf_add_html() for the id inside a marker. */
static void unescape_id(struct buf *out, const char *s, size_t len)
{
	static const struct {
		const char *entity;
		char c;
	} entities[] = {
		{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		size_t k = 0;
		while (s[i] == '&' && k < ARRAY_SIZE(entities) &&
		       !str_starts(s + i, entities[k].entity))
			k++;
		if (s[i] != '&' || k == ARRAY_SIZE(entities)) {
			buf_addch(out, s[i]);
			continue;
		}
		buf_addch(out, entities[k].c);
		i += strlen(entities[k].entity) - 1;
	}
}

void link_resolve(struct buf *out, const char *html, link_resolver fn, void *ctx)
{
	struct buf id = BUF_INIT;
	const char *p = html, *end = html + strlen(html);
	for (;;) {
		const char *a = memchr(p, WIKILINK_MARK, (size_t)(end - p));
		const char *b = a ? memchr(a + 1, WIKILINK_MARK, (size_t)(end - a - 1)) : NULL;
		if (!b) {
			buf_add(out, p, (size_t)(end - p));
			break;
		}
		buf_add(out, p, (size_t)(a - p));
		unescape_id(&id, a + 1, (size_t)(b - a - 1));
		const char *url = NULL, *title = NULL;
		bool known = fn(ctx, buf_cstr(&id), &url, &title);
		if (known && !url) { /* not in this build: the text given, no id, no link */
			buf_adds(out, "<span class=\"wikilink\">");
			buf_add_html(out, title, strlen(title));
			buf_adds(out, "</span>");
		} else if (known) {
			buf_adds(out, "<a class=\"wikilink\" href=\"");
			buf_add_html(out, url, strlen(url));
			buf_adds(out, "\">");
			buf_add_html(out, title, strlen(title));
			buf_adds(out, "</a>");
		} else {
			buf_adds(out, "[[");
			buf_add(out, a + 1, (size_t)(b - a - 1)); /* already escaped */
			buf_adds(out, "]]");
		}
		p = b + 1;
	}
	buf_release(&id);
}

void text_resolve(struct buf *out, const char *text, link_resolver fn, void *ctx)
{
	struct wikimatch w;
	const char *p = text;
	while (find_wikilink(p, &w)) {
		char *id = xstrndup(w.id, w.idlen);
		const char *url = NULL, *title = NULL;
		buf_add(out, p, (size_t)(w.open - p));
		if (fn(ctx, id, &url, &title))
			buf_adds(out, title);
		else
			buf_add(out, w.open, (size_t)(w.end - w.open));
		free(id);
		p = w.end;
	}
	buf_adds(out, p);
}
