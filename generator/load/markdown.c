/* markdown: cmark-gfm to HTML, toc, text, wiki-links, action items (see markdown.h). */
#include "load/markdown.h"

#include "load/sanitize.h"
#include "model/slug.h"
#include "base/strmap.h"
#include "base/url.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <cmark-gfm/syntax_extension.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest wiki-link id, and how far past "[[" we look for its "]]". */
#define WIKILINK_MAX 100
#define WIKILINK_SCAN 256
#define RAW_TAGS_MAX 5000 /* tags of raw HTML a document may keep (too_much_html) */

/*
 * The extensions, looked up once (cmark-gfm's registry is not safe to fill
 * from several threads) and only read after that.
 */
static pthread_once_t extensions_once = PTHREAD_ONCE_INIT;
static const char *const extension_names[] = {"table", "tasklist", "strikethrough", "autolink", "tagfilter"};
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
		render_extensions = cmark_llist_append(cmark_get_default_mem_allocator(), render_extensions,
						       extensions[i]);
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
	for (const char *p = s, *end = s + len; (p = memchr(p, needle[0], (size_t)(end - p))) != NULL; p++)
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

struct heading {
	cmark_node *node;
	size_t start, end; /* its plain text: m->text.ptr[start..end) */
	bool replaced;     /* node is out of the tree (heading_replace) */
};

/* ---- cmark's memory ----------------------------------------------------- */

/*
 * cmark-gfm allocates every node, chunk and buffer of a document on its own
 * and frees them one by one.  A document's parse takes its memory from one
 * growing block instead (a bump allocator; free does nothing, realloc grows
 * the last block in place when it can) and all of it goes at once when the
 * document is done.  cmark's allocator takes no context, so the document
 * being parsed on this thread is found in a thread-local pointer.  The
 * nodes this module adds are made in the same memory (cmark links only
 * nodes of one allocator), so the tree, the parser and all they hold go
 * with the block, without walking the tree to free each node.  The HTML is
 * rendered into malloc's memory: it outlives the document's.  (A long
 * document is parsed with malloc: see BUMP_MAX.)
 */
struct bump_chunk {
	struct bump_chunk *next;
	size_t used, size;
	_Alignas(16) unsigned char data[];
};

struct bump {
	struct bump_chunk *head;
	void *last; /* the latest block, which realloc may grow in place */
};

/* Each block starts with its size. */
#define BUMP_HEAD 16
#define BUMP_FIRST (64u << 10)
/*
 * A longer document is parsed in malloc's memory: what cmark frees while it
 * parses (a block's text once its inlines are read, a buffer that grew) would
 * stay in the block until the end, about a third more memory at 14 MB.
 */
#define BUMP_MAX (1u << 20)

static _Thread_local struct bump *bump_now;

static void *bump_alloc(size_t n)
{
	struct bump *b = bump_now;
	size_t need = BUMP_HEAD + ((n + 15) & ~(size_t)15);
	struct bump_chunk *c = b->head;
	if (need < n)
		die("out of memory (a block of %zu bytes)", n);
	if (!c || c->size - c->used < need) {
		size_t size = c ? c->size * 2 : BUMP_FIRST;
		if (size < need)
			size = need;
		struct bump_chunk *nc = xmalloc(sizeof(*nc) + size);
		nc->next = c;
		nc->used = 0;
		nc->size = size;
		b->head = c = nc;
	}
	unsigned char *p = c->data + c->used;
	c->used += need;
	memcpy(p, &n, sizeof(n));
	b->last = p + BUMP_HEAD;
	return p + BUMP_HEAD;
}

static void *bump_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die("out of memory (%zu blocks of %zu bytes)", n, size);
	void *p = bump_alloc(n * size);
	memset(p, 0, n * size);
	return p;
}

static void *bump_realloc(void *p, size_t n)
{
	if (!p)
		return bump_alloc(n);
	struct bump *b = bump_now;
	unsigned char *q = p;
	size_t old;
	memcpy(&old, q - BUMP_HEAD, sizeof(old));
	size_t have = (old + 15) & ~(size_t)15, want = (n + 15) & ~(size_t)15;
	struct bump_chunk *c = b->head;
	if (p == b->last && want >= have && c->size - c->used >= want - have) { /* grow in place */
		c->used += want - have;
		memcpy(q - BUMP_HEAD, &n, sizeof(n));
		return p;
	}
	void *np = bump_alloc(n);
	memcpy(np, p, old < n ? old : n);
	return np;
}

static void bump_free(void *p)
{
	(void)p;
}

static cmark_mem bump_mem = {bump_calloc, bump_realloc, bump_free};

static void bump_release(struct bump *b)
{
	for (struct bump_chunk *c = b->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	b->head = NULL;
	b->last = NULL;
}

/* One call's state. */
struct md {
	const char *file;
	int line0; /* the file's line number of body line 1, minus 1 */
	const struct md_opts *opts;
	const char *src; /* the source as parsed (after internal blocks are dropped) */
	size_t srclen;
	struct buf srcbuf;   /* owns src when it is not the body itself */
	bool entities;       /* src has "&#": a numeric entity may spell a wiki-link mark */
	size_t *lines;       /* offsets of line starts in src, built on demand */
	size_t nlines;
	cmark_node *doc;
	struct buf text;     /* the body as plain text */
	struct heading *heads;
	size_t nheads, heads_alloc;
	size_t raw_tags;    /* '<' in the raw HTML kept so far (too_much_html) */
	cmark_node **drops; /* raw HTML and links with unsafe URLs, in document order */
	size_t ndrops, drops_alloc;
	cmark_node **texts; /* text nodes outside links that contain "[[" */
	size_t ntexts, texts_alloc;
	struct toc_entry *toc;
	size_t ntoc, toc_alloc;
	struct wikilink *links;
	size_t nlinks, links_alloc;
	struct strmap ids; /* heading ids used so far */
	char **stripped;   /* values cut from task items' annotations (md_opts.strip_keys) */
	size_t nstripped, stripped_alloc;
	struct bump mem;   /* cmark's memory for this document (bump_now while it is parsed) */
	cmark_mem *cmem;   /* &bump_mem, or malloc's for a long document (BUMP_MAX) */
	int ret;
};

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
			m->ret = error(&loc, "<!-- internal --> inside an internal block opened at line %d "
				       "(expected <!-- /internal --> first)", m->line0 + open_line);
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
		m->ret = error(&loc, "internal block opened here is never closed (expected <!-- /internal -->)");
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
static bool source_line(struct md *m, int line, const char **s, const char **e)
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
static int char_col(struct md *m, int line, int col)
{
	const char *s, *e;
	if (col > 1 && source_line(m, line, &s, &e) && (size_t)(col - 1) <= (size_t)(e - s))
		return diag_column(s, (size_t)(col - 1));
	return col;
}

static struct loc node_loc(struct md *m, cmark_node *n)
{
	int line = cmark_node_get_start_line(n);
	return (struct loc){m->file, m->line0 + line, char_col(m, line, cmark_node_get_start_column(n))};
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
	m->ret = error(&loc, "more than %d tags of raw HTML; the rest of it is dropped (expected at most %d, "
			     "or Markdown instead)", RAW_TAGS_MAX, RAW_TAGS_MAX);
	return true;
}

/*
 * html as GFM's tagfilter extension renders it (the tags it names shown as
 * text), so that the allow-list does not report what the page shows.
 */
static void tag_filtered(struct buf *b, const char *html)
{
	static const char *const filtered[] = {"title", "textarea", "style", "xmp", "iframe",
					       "noembed", "noframes", "script", "plaintext"};
	for (const char *p = html; *p; p++) {
		const char *t = p[0] == '<' ? p + 1 + (p[1] == '/') : NULL;
		size_t k = ARRAY_SIZE(filtered);
		if (t)
			for (k = 0; k < ARRAY_SIZE(filtered); k++) {
				size_t len = strlen(filtered[k]);
				if (!strncasecmp(t, filtered[k], len) && strchr(" \t\n\r\f/>", t[len]) && t[len])
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
	case CMARK_NODE_TEXT:
		visit_text(m, n, *in_link);
		break;
	case CMARK_NODE_CODE:
		buf_adds(&m->text, cmark_node_get_literal(n));
		break;
	case CMARK_NODE_SOFTBREAK:
	case CMARK_NODE_LINEBREAK:
		text_break(&m->text, ' ');
		break;
	case CMARK_NODE_CODE_BLOCK:
		visit_code_block(m, n);
		break;
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
	default:
		break;
	}
}

/* Table cells are the only extension blocks; a cell ends with a space, not a newline. */
static bool is_cell(cmark_node *n, cmark_node_type t)
{
	return t > CMARK_NODE_FOOTNOTE_DEFINITION && !strcmp(cmark_node_get_type_string(n), "table_cell");
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
	for (cmark_event_type ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(it)) {
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

/* ---- wiki-links ------------------------------------------------------------ */

struct wikimatch {
	const char *open; /* the "[[" */
	const char *id;   /* trimmed id, not NUL-terminated */
	size_t idlen;
	const char *end; /* just past the "]]" */
};

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

/*
 * The first [[ID]] at or after s: an id is 1 to WIKILINK_MAX characters
 * other than '[', ']' and newline once trimmed.  Every "[[" is looked at
 * once and scans at most WIKILINK_SCAN bytes, so this is linear.
 */
static bool find_wikilink(const char *s, struct wikimatch *w)
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
	const char *lit, *lp; /* the literal; lp matches sp */
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

static void wikilinks(struct md *m)
{
	struct buf tmp = BUF_INIT;
	for (size_t i = 0; i < m->ntexts; i++)
		split_wikilinks(m, m->texts[i], &tmp);
	buf_release(&tmp);
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
			m->toc[m->ntoc++] = (struct toc_entry){level, xstrdup(buf_cstr(&id)), xstrdup(buf_cstr(&text))};
		}
		heading_replace(m->cmem, h->node, buf_cstr(&id), &tmp);
		h->replaced = true;
	}
	buf_release(&text);
	buf_release(&id);
	buf_release(&tmp);
}

/* ---- action items from the body -------------------------------------------- */

static void plain_text(struct buf *out, cmark_node *n)
{
	cmark_iter *it = cmark_iter_new(n);
	for (cmark_event_type ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(it)) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE)
			buf_adds(out, cmark_node_get_literal(c));
		else if (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK)
			buf_addch(out, ' ');
	}
	cmark_iter_free(it);
}

/* s without leading and trailing blanks, in place. */
static char *trim(char *s)
{
	while (blank(*s))
		s++;
	size_t n = strlen(s);
	while (n && blank(s[n - 1]))
		s[--n] = '\0';
	return s;
}

static void set_text(char **field, const char *v)
{
	free(*field);
	*field = xstrdup(v);
}

static int set_field(struct action_item *a, const struct loc *loc, const struct loc *key_loc, const char *key,
		     const char *v)
{
	if (!*v)
		return error(key_loc, "%s in action item has no value (expected %s: VALUE)", key, key);
	if (same_word(key, "owner")) {
		set_text(&a->owner, v);
		free(a->owner_slug);
		a->owner_slug = slugify(v);
	} else if (same_word(key, "ticket")) {
		set_text(&a->ticket, v);
	} else if (same_word(key, "success_criteria")) {
		set_text(&a->success_criteria, v);
	} else if (same_word(key, "due") || same_word(key, "closed")) {
		struct when *w = same_word(key, "due") ? &a->due : &a->closed;
		if (when_parse(w, v) < 0)
			return error(loc, "%s \"%s\" in action item is not a date (expected YYYY-MM-DD)", key, v);
	} else if (same_word(key, "priority")) {
		if (!ai_priority_parse(v, &a->priority))
			return error(loc, "unknown priority \"%s\" in action item (expected " AI_PRIORITY_EXPECTED ")", v);
	} else if (same_word(key, "status")) {
		if (!ai_status_parse(v, &a->status))
			return error(loc, "unknown status \"%s\" in action item (expected " AI_STATUS_EXPECTED ")", v);
	} else {
		return error(key_loc, "unknown key \"%s\" in action item "
			     "(expected owner, due, priority, ticket, status, closed, success_criteria)", key);
	}
	return 0;
}

/* The last occurrence of needle in [s, e), or NULL. */
static const char *last_in(const char *s, const char *e, const char *needle)
{
	size_t n = strlen(needle);
	const char *found = NULL;
	for (const char *p = s; n && p + n <= e; p++)
		if (!memcmp(p, needle, n))
			found = p;
	return found;
}

/*
 * Where `what` (after `key`, when given) is in the source of paragraph
 * para: the last line of it that has them, searched from the paragraph's
 * end, where the annotation is.  `fallback` (the item) when the source
 * spells them otherwise (an entity, emphasis).
 */
static struct loc part_loc(struct md *m, cmark_node *para, const char *key, const char *what, struct loc fallback,
			   struct loc *key_loc)
{
	if (key_loc)
		*key_loc = fallback;
	if (!para || !*what)
		return fallback;
	int first = cmark_node_get_start_line(para), last = cmark_node_get_end_line(para);
	for (int line = last; line >= first; line--) {
		const char *s, *e;
		if (!source_line(m, line, &s, &e))
			continue;
		const char *from = key ? last_in(s, e, key) : s;
		const char *at = from ? last_in(from + (key ? strlen(key) : 0), e, what) : NULL;
		if (!at)
			continue;
		if (key_loc)
			*key_loc = (struct loc){m->file, m->line0 + line, (int)(from - s) + 1};
		return (struct loc){m->file, m->line0 + line, (int)(at - s) + 1};
	}
	return fallback;
}

/*
 * Cut a trailing "(key: value, key: value)" off text and apply it.  A
 * trailing parenthesis without a ':' is part of the title.  A part without
 * a ':' after success_criteria continues its value ("p99 < 200 ms, for a
 * week").  Each problem is told at its value in the source.
 */
static int annotation(struct md *m, cmark_node *para, struct action_item *a, const struct loc *loc, char *text)
{
	size_t n = strlen(text);
	char *open = strrchr(text, '(');
	int ret = 0;
	bool criteria = false; /* the last part set success_criteria */
	if (!n || text[n - 1] != ')' || !open || !strchr(open, ':'))
		return 0;
	text[n - 1] = '\0';
	*open = '\0';
	char *save = NULL;
	for (char *part = strtok_r(open + 1, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(part, ':');
		if (!colon && criteria && *trim(part)) {
			char *more = xstrfmt("%s, %s", a->success_criteria, trim(part));
			free(a->success_criteria);
			a->success_criteria = more;
			continue;
		}
		if (!colon) {
			struct loc at = part_loc(m, para, NULL, trim(part), *loc, NULL);
			ret = error(&at, "\"%s\" in action-item annotation has no value (expected key: value)",
				    trim(part));
			continue;
		}
		*colon = '\0';
		const char *key = trim(part), *value = trim(colon + 1);
		struct loc key_at, at = part_loc(m, para, key, *value ? value : ":", *loc, &key_at);
		criteria = same_word(key, "success_criteria");
		if (set_field(a, &at, &key_at, key, value) < 0) {
			ret = -1;
			criteria = false;
		}
	}
	trim(text);
	return ret;
}

static void action_free(struct action_item *a)
{
	free(a->title);
	free(a->owner);
	free(a->owner_slug);
	free(a->ticket);
	free(a->success_criteria);
}

static void task_item(struct md *m, struct postmortem *pm, cmark_node *item, size_t *alloc)
{
	struct buf t = BUF_INIT;
	cmark_node *para = cmark_node_first_child(item);
	struct loc loc = node_loc(m, item);
	struct action_item a = {.status = cmark_gfm_extensions_get_tasklist_item_checked(item) ? AI_DONE : AI_OPEN,
				.loc = loc};
	if (para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH)
		plain_text(&t, para);
	char *text = buf_detach(&t, NULL);
	if (annotation(m, para && cmark_node_get_type(para) == CMARK_NODE_PARAGRAPH ? para : NULL, &a, &loc, text) < 0)
		m->ret = -1;
	char *title = trim(text);
	if (!*title) {
		m->ret = error(&loc, "action item without a title (expected text before the annotation)");
		free(text);
		action_free(&a);
		return;
	}
	a.title = xstrdup(title);
	free(text);
	ALLOC_GROW(pm->actions, pm->nactions + 1, *alloc);
	pm->actions[pm->nactions++] = a;
}

static bool is_action_heading(const struct md *m, const struct heading *h)
{
	const char *s = m->text.ptr + h->start, *e = m->text.ptr + h->end;
	while (s < e && blank(*s))
		s++;
	while (e > s && blank(e[-1]))
		e--;
	return e - s == 12 && !strncasecmp(s, "action items", 12);
}

/*
 * The task items of the lists after the first "Action items" heading, up to
 * the next heading of the same or a higher level.
 */
static void body_actions(struct md *m, struct postmortem *pm)
{
	size_t i = 0, alloc = 0;
	while (i < m->nheads && !is_action_heading(m, &m->heads[i]))
		i++;
	if (i == m->nheads)
		return;
	cmark_node *h = m->heads[i].node;
	int level = cmark_node_get_heading_level(h);
	for (cmark_node *b = cmark_node_next(h); b; b = cmark_node_next(b)) {
		cmark_node_type t = cmark_node_get_type(b);
		if (t == CMARK_NODE_HEADING && cmark_node_get_heading_level(b) <= level)
			break;
		if (t != CMARK_NODE_LIST)
			continue;
		for (cmark_node *item = cmark_node_first_child(b); item; item = cmark_node_next(item))
			if (!strcmp(cmark_node_get_type_string(item), "tasklist"))
				task_item(m, pm, item, &alloc);
	}
	pm->actions_from_body = pm->nactions > 0;
	pm->actions_from_tasks = pm->nactions > 0;
}

/* ---- public.strip in task items, as the parser read them ------------------------- */

static size_t plain_len(cmark_node *n)
{
	struct buf b = BUF_INIT;
	plain_text(&b, n);
	size_t len = b.len;
	buf_release(&b);
	return len;
}

/* Drop n and every node after it. */
static void drop_from(cmark_node *n)
{
	while (n) {
		cmark_node *next = cmark_node_next(n);
		cmark_node_unlink(n);
		cmark_node_free(n);
		n = next;
	}
}

/* Keep the inlines below parent whose plain text is its first `keep` bytes (plain_text's count). */
static void keep_inlines(cmark_node *parent, size_t keep)
{
	for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
		size_t len = plain_len(c);
		if (!keep) {
			drop_from(c);
			return;
		}
		if (keep >= len) {
			keep -= len;
			continue;
		}
		cmark_node_type t = cmark_node_get_type(c);
		if (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE) {
			char *lit = xstrndup(cmark_node_get_literal(c), keep);
			cmark_node_set_literal(c, lit);
			free(lit);
		} else {
			keep_inlines(c, keep);
		}
		drop_from(cmark_node_next(c));
		return;
	}
}

static bool strip_key(const struct md_opts *o, const char *key)
{
	for (size_t i = 0; i < o->nstrip_keys; i++)
		if (same_word(key, o->strip_keys[i]))
			return true;
	return false;
}

/*
 * Cut the stripped keys from the trailing "(key: value, ...)" of the task
 * item's text, found the way annotation() finds it; the kept keys stay, as
 * text.  The values cut are recorded in m->stripped.
 */
static void strip_item(struct md *m, cmark_node *item)
{
	cmark_node *para = cmark_node_first_child(item);
	struct buf t = BUF_INIT, kept = BUF_INIT;
	if (!para || cmark_node_get_type(para) != CMARK_NODE_PARAGRAPH)
		return;
	plain_text(&t, para);
	char *text = t.ptr, *open = text ? strrchr(text, '(') : NULL;
	size_t n = t.len, removed = 0;
	if (!n || text[n - 1] != ')' || !open || !strchr(open, ':'))
		goto out;
	size_t at = (size_t)(open - text);
	text[n - 1] = '\0';
	char *save = NULL;
	for (char *part = strtok_r(open + 1, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(part, ':');
		if (colon) {
			char *key = xstrndup(part, (size_t)(colon - part));
			bool cut = strip_key(m->opts, trim(key));
			free(key);
			if (cut) {
				ALLOC_GROW(m->stripped, m->nstripped + 1, m->stripped_alloc);
				m->stripped[m->nstripped++] = xstrdup(trim(colon + 1));
				removed++;
				continue;
			}
		}
		buf_addf(&kept, "%s%s", kept.len ? ", " : "", trim(part));
	}
	if (!removed)
		goto out;
	while (at && blank(text[at - 1]))
		at--;
	keep_inlines(para, at);
	if (kept.len) {
		cmark_node *k = cmark_node_new_with_mem(CMARK_NODE_TEXT, m->cmem);
		char *s = xstrfmt("%s(%s)", at ? " " : "", kept.ptr);
		cmark_node_set_literal(k, s);
		free(s);
		cmark_node_append_child(para, k);
	}
out:
	buf_release(&t);
	buf_release(&kept);
}

static void strip_tasks(struct md *m)
{
	cmark_node **items = NULL;
	size_t n = 0, alloc = 0;
	cmark_iter *it = cmark_iter_new(m->doc);
	for (cmark_event_type ev; (ev = cmark_iter_next(it)) != CMARK_EVENT_DONE;) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_ITEM &&
		    !strcmp(cmark_node_get_type_string(c), "tasklist")) {
			ALLOC_GROW(items, n + 1, alloc);
			items[n++] = c;
		}
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++)
		strip_item(m, items[i]);
	free(items);
}

/* ---- driver -------------------------------------------------------------------- */

static void parse(struct md *m, const char *body)
{
	pthread_once(&extensions_once, extensions_init);
	bump_now = &m->mem; /* until md_release: reading a node may allocate too */
	prepare(m, body);
	if (md_screen(m->src, m->srclen, m->opts->limits ? m->opts->limits : &md_limits_default, m->file, m->line0) < 0) {
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
		{"<input type=\"checkbox\" disabled=\"\" />", "<input type=\"checkbox\" disabled=\"\" aria-label=\"not done\" />"},
	};
	static const char pre_tag[] = "<pre", box_tag[] = "<input type=\"checkbox\"";
	const char *pre = strstr(html, pre_tag), *box = strstr(html, box_tag);
	if (!pre && !box)
		return html;
	struct buf out = BUF_INIT;
	const char *p = html;
	while (pre || box) { /* every fix starts with one of the two: only those places are looked at */
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
	char *html = cmark_render_html_with_mem(m->doc, CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE, render_extensions,
						cmark_get_default_mem_allocator());
	if (m->opts->allow_html) { /* the site's raw HTML, through the allow-list */
		char *clean = html_sanitize(html, strlen(html), NULL, WIKILINK_MARK);
		free(html);
		html = clean;
	}
	return accessible(html);
}

static void md_release(struct md *m)
{
	if (m->cmem != &bump_mem) { /* else the tree, the headings taken out of it and all cmark made are in m->mem */
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
	bump_now = NULL;
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

int markdown_parse_page(struct page *pg, const char *body, int body_line, const struct md_opts *opts)
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

/* ---- link_resolve ------------------------------------------------------------ */

/* Undo buf_add_html() for the id inside a marker. */
static void unescape_id(struct buf *out, const char *s, size_t len)
{
	static const struct {
		const char *entity;
		char c;
	} entities[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}};
	buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		size_t k = 0;
		while (s[i] == '&' && k < ARRAY_SIZE(entities) && !str_starts(s + i, entities[k].entity))
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
