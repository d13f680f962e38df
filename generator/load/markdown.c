/* markdown: cmark-gfm to HTML, toc, text, wiki-links, action items (see markdown.h). */
#include "load/markdown.h"

#include "base/strmap.h"
#include "base/url.h"
#include "load/mdparse.h"
#include "load/sanitize.h"
#include "model/slug.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cmark-gfm/syntax_extension.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RAW_TAGS_MAX 5000 /* tags of raw HTML a document may keep (too_much_html) */

/*
 * The extensions, looked up once (cmark-gfm's registry is not safe to fill
 * from several threads) and only read after that.
 */
static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;
static const char *const extension_names[] = {"table", "tasklist", "strikethrough", "autolink",
					      "tagfilter"};
static cmark_syntax_extension *extensions[ARRAY_SIZE(extension_names)];
static cmark_llist *render_extensions;
static bool all_exclusive; /* see parse_lock */

static void extensions_init(void)
{
	cmark_gfm_core_extensions_ensure_registered();
	for (size_t i = 0; i < ARRAY_SIZE(extension_names); i++) {
		extensions[i] = cmark_find_syntax_extension(extension_names[i]);
		if (!extensions[i])
			BUG("cmark-gfm has no \"%s\" extension", extension_names[i]);
		render_extensions = cmark_llist_append(cmark_get_default_mem_allocator(),
						       render_extensions, extensions[i]);
	}
	/* The triggers parse_shared() knows; any other (another cmark-gfm) makes every parse exclusive. */
	for (size_t i = 0; i < ARRAY_SIZE(extensions); i++)
		for (cmark_llist *c = extensions[i]->special_inline_chars; c; c = c->next)
			if (!strchr("~:w", (int)(size_t)c->data))
				all_exclusive = true;
}

/*
 * cmark-gfm (0.29.0.gfm.6) keeps the characters that start an inline
 * extension ("~" for strikethrough, ":" and "w" for autolinks) in one
 * global table: every parser with those extensions adds them when it starts
 * parsing inlines (of a paragraph, or of a table row) and removes them when
 * it is done, so two parsers at once can make each other miss "~~x~~",
 * "www.x.com" or "https://x.com".  A document that has none of "~", "www."
 * and "://" cannot be affected: whether those characters are in the table
 * then changes only where text nodes are split, and cmark-gfm joins adjacent
 * text again before it returns the tree.  So such documents parse at the
 * same time (a shared lock), and a document with one of them parses alone
 * (the exclusive lock).  Everything else here (our passes over the tree,
 * rendering) runs in parallel.  all_exclusive: the library has a trigger
 * this reasoning does not cover, so every parse is exclusive.
 */
static pthread_rwlock_t parse_lock = PTHREAD_RWLOCK_INITIALIZER;

/* Whether s[0..len) contains needle (n >= 1): memchr on its first byte, which
 * is rare in prose, beats memmem on these short needles. */
static bool has_seq(const char *s, size_t len, const char *needle, size_t n)
{
	for (const char *p = s, *end = s + len;
	     (p = memchr(p, needle[0], (size_t)(end - p))) != NULL; p++)
		if ((size_t)(end - p) >= n && !memcmp(p, needle, n))
			return true;
	return false;
}

/* Whether src[0..len) has text an inline extension's trigger could match. */
static bool needs_triggers(const char *src, size_t len)
{
	if (all_exclusive || memchr(src, '~', len) || has_seq(src, len, "://", 3))
		return true;
	for (const char *p = src; (p = memchr(p, '.', len - (size_t)(p - src))) != NULL; p++)
		if (p - src >= 3 && !strncasecmp(p - 3, "www", 3))
			return true;
	return false;
}

/* ---- internal blocks ---------------------------------------------------- */

/* Append [p, end) without wiki-link marks. */
static void add_unmarked(struct buf *out, const char *p, const char *end)
{
	for (;;) {
		const char *mark = memchr(p, WIKILINK_MARK, (size_t)(end - p));
		if (!mark)
			break;
		buf_add(out, p, (size_t)(mark - p));
		p = mark + 1;
	}
	buf_add(out, p, (size_t)(end - p));
}

/* Where the marker on line `line` (starting at p) begins. */
static struct loc marker_loc(const struct md *m, int line, const char *p)
{
	const char *end = strchr(p, '\n'), *q = p;
	if (!end)
		end = p + strlen(p);
	while (q < end && (*q == ' ' || *q == '\t' || *q == '\r'))
		q++;
	return (struct loc){m->file, m->line0 + line, (int)(q - p) + 1};
}

/*
 * Copy the body into m->srcbuf without wiki-link marks and, when asked,
 * without internal blocks (their lines become empty so that line numbers
 * stay right).
 */
static void prepare_slow(struct md *m, const char *body)
{
	bool strip = m->opts->strip_internal;
	const char *p = body, *open = NULL;
	int line = 1, open_line = 0;
	struct loc loc;
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		enum internal_marker k = strip ? internal_marker(p, end) : NOT_MARKER;
		if (k == MARK_OPEN && open) {
			loc = marker_loc(m, line, p);
			m->ret = error(
				&loc,
				"<!-- internal --> inside an internal block opened at line %d "
				"(expected <!-- /internal --> first)",
				m->line0 + open_line);
		} else if (k == MARK_OPEN) {
			open = p;
			open_line = line;
		} else if (k == MARK_CLOSE && !open) {
			loc = marker_loc(m, line, p);
			m->ret = error(&loc, "<!-- /internal --> closes no internal block "
					     "(expected <!-- internal --> before it)");
		} else if (k == MARK_CLOSE) {
			open = NULL;
		} else if (!open) {
			add_unmarked(&m->srcbuf, p, end);
		}
		if (!nl)
			break;
		buf_addch(&m->srcbuf, '\n');
		line++;
		p = nl + 1;
	}
	if (open) {
		loc = marker_loc(m, open_line, open);
		m->ret = error(
			&loc,
			"internal block opened here is never closed (expected <!-- /internal -->)");
	}
}

static void prepare(struct md *m, const char *body)
{
	size_t len = strlen(body);
	bool markers = memchr(body, WIKILINK_MARK, len) != NULL;
	bool comments = m->opts->strip_internal && memmem(body, len, "<!--", 4) != NULL;
	if (!markers && !comments) {
		m->src = body;
		m->srclen = len;
		return;
	}
	buf_grow(&m->srcbuf, len);
	prepare_slow(m, body);
	m->src = buf_cstr(&m->srcbuf);
	m->srclen = m->srcbuf.len;
}

/* Line `line` (1-based) of the source as [*s, *e); false past the end. */
bool source_line(struct md *m, int line, const char **s, const char **e)
{
	if (!m->lines) {
		size_t alloc = 0;
		for (size_t off = 0; off <= m->srclen;) {
			const char *nl = memchr(m->src + off, '\n', m->srclen - off);
			ALLOC_GROW(m->lines, m->nlines + 1, alloc);
			m->lines[m->nlines++] = off;
			if (!nl)
				break;
			off = (size_t)(nl - m->src) + 1;
		}
	}
	if (line < 1 || (size_t)line > m->nlines)
		return false;
	*s = m->src + m->lines[line - 1];
	*e = (size_t)line < m->nlines ? m->src + m->lines[line] - 1 : m->src + m->srclen;
	return true;
}

/* ---- the walk: plain text, headings, what to drop, where wiki-links may be --- */

/* End a line (c '\n') or a table cell (c ' ') of the plain text. */
static void text_break(struct buf *b, char c)
{
	if (!b->len || b->ptr[b->len - 1] == '\n' || b->ptr[b->len - 1] == c)
		return;
	if (c == '\n' && b->ptr[b->len - 1] == ' ')
		b->len--;
	buf_addch(b, c);
}

/* Remove wiki-link marks that entities (&#26;) put into a string; NULL when there are none. */
static char *unmarked(const char *s)
{
	if (!s || !strchr(s, WIKILINK_MARK))
		return NULL;
	struct buf b = BUF_INIT;
	add_unmarked(&b, s, s + strlen(s));
	return buf_detach(&b, NULL);
}

/* Fold the text nodes that follow t into it (cmark-gfm usually has already). */
static void merge_texts(cmark_node *t)
{
	cmark_node *next = cmark_node_next(t);
	if (!next || cmark_node_get_type(next) != CMARK_NODE_TEXT)
		return;
	struct buf b = BUF_INIT;
	buf_adds(&b, cmark_node_get_literal(t));
	while (next && cmark_node_get_type(next) == CMARK_NODE_TEXT) {
		cmark_node *after = cmark_node_next(next);
		buf_adds(&b, cmark_node_get_literal(next));
		cmark_node_free(next);
		next = after;
	}
	cmark_node_set_literal(t, buf_cstr(&b));
	buf_release(&b);
}

static void visit_text(struct md *m, cmark_node *n, int in_link)
{
	merge_texts(n);
	const char *lit = cmark_node_get_literal(n);
	char *clean = m->entities ? unmarked(lit) : NULL;
	if (clean) {
		cmark_node_set_literal(n, clean);
		free(clean);
		lit = cmark_node_get_literal(n);
	}
	buf_adds(&m->text, lit);
	if (!in_link && strstr(lit, "[[")) {
		ALLOC_GROW(m->texts, m->ntexts + 1, m->texts_alloc);
		m->texts[m->ntexts++] = n;
	}
}

/* Where node n starts in the file (its line offset by the front matter's). */
/* cmark's byte column `col` of body line `line` as diagnostics count columns: in characters (diag.h). */
int char_col(struct md *m, int line, int col)
{
	const char *s, *e;
	if (col > 1 && source_line(m, line, &s, &e) && (size_t)(col - 1) <= (size_t)(e - s))
		return diag_column(s, (size_t)(col - 1));
	return col;
}

struct loc node_loc(struct md *m, cmark_node *n)
{
	int line = cmark_node_get_start_line(n);
	return (struct loc){m->file, m->line0 + line,
			    char_col(m, line, cmark_node_get_start_column(n))};
}

static void visit_link(struct md *m, cmark_node *n)
{
	char *title = m->entities ? unmarked(cmark_node_get_title(n)) : NULL;
	if (title) {
		cmark_node_set_title(n, title);
		free(title);
	}
	const char *url = cmark_node_get_url(n);
	if (!url_safe(url)) {
		struct loc loc = node_loc(m, n);
		struct buf q = BUF_INIT;
		url_quote(&q, url, 60);
		bool image = cmark_node_get_type(n) == CMARK_NODE_IMAGE;
		warning(&loc, "%s URL \"%s\" dropped, its %s kept (expected " URL_SAFE_EXPECTED ")",
			image ? "image" : "link", buf_cstr(&q), image ? "alt text" : "text");
		buf_release(&q);
		ALLOC_GROW(m->drops, m->ndrops + 1, m->drops_alloc);
		m->drops[m->ndrops++] = n;
	}
}

static void visit_code_block(struct md *m, cmark_node *n)
{
	char *info = m->entities ? unmarked(cmark_node_get_fence_info(n)) : NULL;
	if (info) {
		cmark_node_set_fence_info(n, info);
		free(info);
	}
	text_break(&m->text, '\n');
	buf_adds(&m->text, cmark_node_get_literal(n));
	text_break(&m->text, '\n');
}

/*
 * Whether the allowed raw HTML has gone past RAW_TAGS_MAX tags with node n:
 * then it is an error, and n and the raw HTML after it are dropped.  (An
 * HTML5 parser's work grows with the square of the tags left open: 10,000
 * of them took gumbo 2 s, 40,000 took 15 s.)
 */
static bool too_much_html(struct md *m, cmark_node *n)
{
	if (m->raw_tags > RAW_TAGS_MAX)
		return true;
	for (const char *p = cmark_node_get_literal(n); p && (p = strchr(p, '<')); p++)
		m->raw_tags++;
	if (m->raw_tags <= RAW_TAGS_MAX)
		return false;
	struct loc loc = node_loc(m, n);
	m->ret = error(
		&loc,
		"more than %d tags of raw HTML; the rest of it is dropped (expected at most %d, "
		"or Markdown instead)",
		RAW_TAGS_MAX, RAW_TAGS_MAX);
	return true;
}

/*
 * html as GFM's tagfilter extension renders it (the tags it names shown as
 * text), so that the allow-list does not report what the page shows.
 */
static void tag_filtered(struct buf *b, const char *html)
{
	static const char *const filtered[] = {"title",	   "textarea", "style",
					       "xmp",	   "iframe",   "noembed",
					       "noframes", "script",   "plaintext"};
	for (const char *p = html; *p; p++) {
		const char *t = p[0] == '<' ? p + 1 + (p[1] == '/') : NULL;
		size_t k = ARRAY_SIZE(filtered);
		if (t)
			for (k = 0; k < ARRAY_SIZE(filtered); k++) {
				size_t len = strlen(filtered[k]);
				if (!strncasecmp(t, filtered[k], len) &&
				    strchr(" \t\n\r\f/>", t[len]) && t[len])
					break;
			}
		if (k < ARRAY_SIZE(filtered))
			buf_adds(b, "&lt;");
		else
			buf_addch(b, *p);
	}
	if (!b->ptr)
		buf_adds(b, "");
}

/*
 * What the allow-list will drop from raw HTML node n, as warnings at its
 * place: the node alone through the sanitiser, its output thrown away (the
 * page's HTML is sanitised whole in finish(), where the rendered HTML has
 * no source lines to report).
 */
static void report_raw_html(struct md *m, cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n);
	if (!lit)
		return;
	struct loc loc = node_loc(m, n);
	struct buf b = BUF_INIT;
	tag_filtered(&b, lit);
	free(html_sanitize(b.ptr, b.len, &loc, WIKILINK_MARK));
	buf_release(&b);
}

static void visit_enter(struct md *m, cmark_node *n, int *in_link)
{
	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_TEXT: visit_text(m, n, *in_link); break;
	case CMARK_NODE_CODE: buf_adds(&m->text, cmark_node_get_literal(n)); break;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK: text_break(&m->text, ' '); break;
	case CMARK_NODE_CODE_BLOCK: visit_code_block(m, n); break;
	case CMARK_NODE_HTML_BLOCK:
	case CMARK_NODE_HTML_INLINE:
		if (!m->opts->allow_html || too_much_html(m, n)) {
			ALLOC_GROW(m->drops, m->ndrops + 1, m->drops_alloc);
			m->drops[m->ndrops++] = n;
		} else {
			report_raw_html(m, n);
		}
		break;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		(*in_link)++;
		visit_link(m, n);
		break;
	case CMARK_NODE_HEADING:
		text_break(&m->text, '\n');
		ALLOC_GROW(m->heads, m->nheads + 1, m->heads_alloc);
		m->heads[m->nheads++] = (struct heading){n, m->text.len, m->text.len, false};
		break;
	default: break;
	}
}

/* Table cells are the only extension blocks; a cell ends with a space, not a newline. */
static bool is_cell(cmark_node *n, cmark_node_type t)
{
	return t > CMARK_NODE_FOOTNOTE_DEFINITION &&
	       !strcmp(cmark_node_get_type_string(n), "table_cell");
}

static void visit_exit(struct md *m, cmark_node *n, int *in_link)
{
	cmark_node_type t = cmark_node_get_type(n);
	if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)
		(*in_link)--;
	else if (t == CMARK_NODE_HEADING)
		m->heads[m->nheads - 1].end = m->text.len;
	if ((t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK)
		text_break(&m->text, is_cell(n, t) ? ' ' : '\n');
}

static void walk(struct md *m)
{
	cmark_iter *it = cmark_iter_new(m->doc);
	int in_link = 0;
	for (cmark_event_type ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE;
	     ev = cmark_iter_next(it)) {
		if (ev == CMARK_EVENT_ENTER)
			visit_enter(m, cmark_iter_get_node(it), &in_link);
		else
			visit_exit(m, cmark_iter_get_node(it), &in_link);
	}
	cmark_iter_free(it);
}

/* Replace node n by its children. */
static void unwrap(cmark_node *n)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_first_child(n))
		if (!cmark_node_insert_before(n, c))
			cmark_node_free(c); /* cannot happen: n's parent held n */
	cmark_node_free(n);
}

/* Drop raw HTML and unwrap unsafe links, innermost first. */
static void drop_unsafe(struct md *m)
{
	for (size_t i = m->ndrops; i-- > 0;) {
		cmark_node_type t = cmark_node_get_type(m->drops[i]);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)
			unwrap(m->drops[i]);
		else
			cmark_node_free(m->drops[i]);
	}
}

/* ---- headings -------------------------------------------------------------- */

/*
 * The heading's id into id: its slug ("section" when empty), with "-2",
 * "-3", ... when taken.  m->ids maps every id given to the next suffix to
 * try for it, so that a page of identical headings stays linear.
 */
static void heading_id(struct md *m, const char *text, struct buf *id)
{
	buf_reset(id);
	buf_add_slug(id, text);
	if (!id->len)
		buf_adds(id, "section");
	size_t k = strmap_get(&m->ids, buf_cstr(id));
	if (k != SIZE_MAX) {
		char *base = xstrdup(buf_cstr(id));
		do {
			buf_reset(id);
			buf_addf(id, "%s-%zu", base, k++);
		} while (strmap_get(&m->ids, buf_cstr(id)) != SIZE_MAX);
		strmap_put(&m->ids, base, k);
		free(base);
	}
	strmap_put(&m->ids, buf_cstr(id), 2);
}

/*
 * cmark's renderer gives headings no id, so each heading becomes a custom
 * block holding a custom inline that writes <hN id="ID"> and, after a
 * permalink (<a class="anchor" href="#ID">#</a>), </hN> around the
 * heading's own inlines: the same HTML cmark writes, plus the id and link.  The
 * heading itself must outlive the rendering: its inlines may still point
 * into its text (raw HTML does); it does, in the document's memory.
 */
static void heading_replace(cmark_mem *mem, cmark_node *h, const char *id, struct buf *tmp)
{
	char digit = (char)('0' + cmark_node_get_heading_level(h));
	cmark_node *block = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, mem);
	cmark_node *tag = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_INLINE, mem);
	buf_reset(tmp);
	buf_adds(tmp, "<h");
	buf_addch(tmp, digit);
	buf_adds(tmp, " id=\"");
	buf_add_html(tmp, id, strlen(id));
	buf_adds(tmp, "\">");
	cmark_node_set_on_enter(tag, buf_cstr(tmp));
	buf_reset(tmp);
	buf_adds(tmp, "<a class=\"anchor\" href=\"#"); /* the permalink */
	buf_add_html(tmp, id, strlen(id));
	buf_adds(tmp, "\" aria-label=\"Link to this section\">#</a></h");
	buf_addch(tmp, digit);
	buf_addch(tmp, '>');
	cmark_node_set_on_exit(tag, buf_cstr(tmp));
	for (cmark_node *c = cmark_node_first_child(h); c; c = cmark_node_first_child(h))
		if (!cmark_node_append_child(tag, c))
			cmark_node_unlink(c); /* cannot happen: a heading holds inlines */
	cmark_node_append_child(block, tag);
	cmark_node_replace(h, block); /* cannot fail: what held a heading holds blocks */
}

static void headings(struct md *m)
{
	struct buf text = BUF_INIT, id = BUF_INIT, tmp = BUF_INIT;
	for (size_t i = 0; i < m->nheads; i++) {
		struct heading *h = &m->heads[i];
		int level = cmark_node_get_heading_level(h->node);
		buf_reset(&text);
		buf_add(&text, m->text.ptr + h->start, h->end - h->start);
		heading_id(m, buf_cstr(&text), &id);
		if ((level == 2 || level == 3) && text.len) {
			ALLOC_GROW(m->toc, m->ntoc + 1, m->toc_alloc);
			m->toc[m->ntoc++] = (struct toc_entry){level, xstrdup(buf_cstr(&id)),
							       xstrdup(buf_cstr(&text))};
		}
		heading_replace(m->cmem, h->node, buf_cstr(&id), &tmp);
		h->replaced = true;
	}
	buf_release(&text);
	buf_release(&id);
	buf_release(&tmp);
}

/* ---- driver -------------------------------------------------------------------- */

static void parse(struct md *m, const char *body)
{
	pthread_once(&extensions_once, extensions_init);
	bump_use(&m->mem); /* until md_release: reading a node may allocate too */
	prepare(m, body);
	if (md_screen(m->src, m->srclen, m->opts->limits ? m->opts->limits : &md_limits_default,
		      m->file, m->line0) < 0) {
		m->ret = -1;
		m->src = "";
		m->srclen = 0;
	}
	m->entities = has_seq(m->src, m->srclen, "&#", 2);
	if (needs_triggers(m->src, m->srclen))
		pthread_rwlock_wrlock(&parse_lock);
	else
		pthread_rwlock_rdlock(&parse_lock);
	m->cmem = m->srclen <= BUMP_MAX ? &bump_mem : cmark_get_default_mem_allocator();
	cmark_parser *p = cmark_parser_new_with_mem(CMARK_OPT_FOOTNOTES, m->cmem);
	for (size_t i = 0; i < ARRAY_SIZE(extensions); i++)
		cmark_parser_attach_syntax_extension(p, extensions[i]);
	cmark_parser_feed(p, m->src, m->srclen);
	m->doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	pthread_rwlock_unlock(&parse_lock);
	if (m->opts->nstrip_keys)
		strip_tasks(m);
	walk(m);
	drop_unsafe(m);
}

/*
 * Wiki-links, heading ids and the HTML.  The raw HTML left in the tree is
 * the site's own when allowed, and otherwise only our wiki-link markers
 * (the walk dropped the rest), so it is rendered as it is.
 */
/*
 * What cmark-gfm's HTML lacks for accessibility: code blocks that may scroll
 * get tabindex="0" (so the keyboard can scroll them), and task-list boxes,
 * which are never editable here, get a label.
 */
static char *accessible(char *html)
{
	static const struct {
		const char *from, *to;
	} fix[] = {
		{"<pre>", "<pre tabindex=\"0\">"},
		{"<pre lang=", "<pre tabindex=\"0\" lang="},
		{"<input type=\"checkbox\" checked=\"\" disabled=\"\" />",
		 "<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"done\" />"},
		{"<input type=\"checkbox\" disabled=\"\" />",
		 "<input type=\"checkbox\" disabled=\"\" aria-label=\"not done\" />"},
	};
	static const char pre_tag[] = "<pre", box_tag[] = "<input type=\"checkbox\"";
	const char *pre = strstr(html, pre_tag), *box = strstr(html, box_tag);
	if (!pre && !box)
		return html;
	struct buf out = BUF_INIT;
	const char *p = html;
	/* every fix starts with one of the two: only those places are looked at */
	while (pre || box) {
		const char *lt = pre && (!box || pre < box) ? pre : box;
		buf_add(&out, p, (size_t)(lt - p));
		size_t k;
		for (k = 0; k < ARRAY_SIZE(fix); k++)
			if (!strncmp(lt, fix[k].from, strlen(fix[k].from)))
				break;
		if (k < ARRAY_SIZE(fix)) {
			buf_adds(&out, fix[k].to);
			p = lt + strlen(fix[k].from);
		} else {
			buf_addch(&out, '<');
			p = lt + 1;
		}
		if (pre && pre < p)
			pre = strstr(p, pre_tag);
		if (box && box < p)
			box = strstr(p, box_tag);
	}
	buf_adds(&out, p);
	free(html);
	return buf_detach(&out, NULL);
}

static char *finish(struct md *m)
{
	wikilinks(m);
	headings(m);
	char *html =
		cmark_render_html_with_mem(m->doc, CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE,
					   render_extensions, cmark_get_default_mem_allocator());
	if (m->opts->allow_html) { /* the site's raw HTML, through the allow-list */
		char *clean = html_sanitize(html, strlen(html), NULL, WIKILINK_MARK);
		free(html);
		html = clean;
	}
	return accessible(html);
}

static void md_release(struct md *m)
{
	/* else the tree, the headings taken out of it and all cmark made are in m->mem */
	if (m->cmem != &bump_mem) {
		if (m->doc)
			cmark_node_free(m->doc);
		for (size_t i = 0; i < m->nheads; i++)
			if (m->heads[i].replaced)
				cmark_node_free(m->heads[i].node);
	}
	buf_release(&m->srcbuf);
	buf_release(&m->text);
	free(m->lines);
	free(m->heads);
	free(m->drops);
	free(m->texts);
	for (size_t i = 0; i < m->nstripped; i++)
		free(m->stripped[i]);
	free(m->stripped);
	strmap_release(&m->ids);
	bump_release(&m->mem);
	bump_use(NULL);
}

int markdown_parse(struct postmortem *pm, const struct md_opts *opts)
{
	struct md m = {.file = pm->path, .line0 = pm->body_line - 1, .opts = opts};
	parse(&m, pm->body ? pm->body : "");
	if (pm->nactions == 0 && !ynode_get(pm->front, "action_items"))
		body_actions(&m, pm);
	pm->html = finish(&m);
	pm->text = buf_detach(&m.text, NULL);
	pm->toc = m.toc;
	pm->ntoc = m.ntoc;
	pm->wikilinks = m.links;
	pm->nwikilinks = m.nlinks;
	pm->stripped = m.stripped;
	pm->nstripped = m.nstripped;
	m.stripped = NULL;
	m.nstripped = 0;
	md_release(&m);
	return m.ret;
}

int markdown_parse_page(struct page *pg, const char *body, int body_line,
			const struct md_opts *opts)
{
	struct md m = {.file = pg->path, .line0 = body_line - 1, .opts = opts};
	parse(&m, body ? body : "");
	pg->html = finish(&m);
	pg->toc = m.toc;
	pg->ntoc = m.ntoc;
	pg->wikilinks = m.links;
	pg->nwikilinks = m.nlinks;
	md_release(&m);
	return m.ret;
}
