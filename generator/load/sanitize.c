/* sanitize: raw HTML through gumbo and an allow-list (see sanitize.h). */
#include "load/sanitize.h"

#include "base/url.h"

#include <gumbo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum verdict { UNWRAP, KEEP, DROP }; /* UNWRAP: the tag goes, its content stays */

static const char *const kept_tags[] = {
	"a",	  "abbr",   "b",     "bdi",	 "bdo",	       "blockquote", "br",	"caption",
	"cite",	  "code",   "col",   "colgroup", "dd",	       "del",	     "details", "dfn",
	"div",	  "dl",	    "dt",    "em",	 "figcaption", "figure",     "h1",	"h2",
	"h3",	  "h4",	    "h5",    "h6",	 "hr",	       "i",	     "img",	"input",
	"ins",	  "kbd",    "li",    "mark",	 "ol",	       "p",	     "pre",	"q",
	"rp",	  "rt",	    "ruby",  "s",	 "samp",       "section",    "small",	"span",
	"strike", "strong", "sub",   "summary",	 "sup",	       "table",	     "tbody",	"td",
	"tfoot",  "th",	    "thead", "time",	 "tr",	       "tt",	     "u",	"ul",
	"var",	  "wbr",
};
/* Gone with their content: code, styles, frames, plugins, forms' text areas, document-level tags. */
static const char *const dropped_tags[] = {
	"script",    "style",	 "template", "iframe", "object", "embed",    "applet", "noscript",
	"noembed",   "noframes", "frameset", "frame",  "title",	 "textarea", "select", "xmp",
	"plaintext", "math",	 "svg",	     "head",   "meta",	 "link",     "base",   "canvas",
	"audio",     "video",	 "source",   "track",  "param",
};
static const char *const void_tags[] = {
	"area",	 "base", "br",	 "col",	  "embed",  "hr",    "img",
	"input", "link", "meta", "param", "source", "track", "wbr",
};
static const char *const kept_attrs[] = {
	"id",
	"class",
	"title",
	"lang",
	"dir",
	"align",
	"colspan",
	"rowspan",
	"scope",
	"start",
	"reversed",
	"value",
	"alt",
	"width",
	"height",
	"datetime",
	"open",
	"checked",
	"disabled",
	"aria-label",
	"aria-hidden",
	"data-footnotes",
	"data-footnote-ref",
	"data-footnote-backref",
	"data-footnote-backref-idx",
};
static const char *const url_attrs[] = {"href", "src", "cite"};

/* Per tag: its verdict, and whether it is void; filled once from the lists. */
static unsigned char tag_verdict[GUMBO_TAG_LAST + 1];
static bool tag_void[GUMBO_TAG_LAST + 1];
static pthread_once_t tables_once = PTHREAD_ONCE_INIT;

static void fill_tables(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(kept_tags); i++)
		tag_verdict[gumbo_tag_enum(kept_tags[i])] = KEEP;
	for (size_t i = 0; i < ARRAY_SIZE(dropped_tags); i++)
		tag_verdict[gumbo_tag_enum(dropped_tags[i])] = DROP;
	for (size_t i = 0; i < ARRAY_SIZE(void_tags); i++)
		tag_void[gumbo_tag_enum(void_tags[i])] = true;
	tag_verdict[GUMBO_TAG_UNKNOWN] = UNWRAP;
	tag_void[GUMBO_TAG_UNKNOWN] = false;
}

static bool listed(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

struct san {
	struct buf out;
	const struct loc *report; /* where to report what is dropped; NULL: say nothing */
	struct arena *mem;
};

/* The tag's name as written (an unknown one has no normalized name). */
static void tag_name(struct buf *b, const GumboElement *e)
{
	if (e->tag != GUMBO_TAG_UNKNOWN) {
		buf_adds(b, gumbo_normalized_tagname(e->tag));
		return;
	}
	GumboStringPiece t = e->original_tag;
	size_t i = t.length && t.data[0] == '<' ? 1 : 0, start = i;
	while (i < t.length && i - start < 40 && !strchr(" \t\n\f\r/>", t.data[i]))
		i++;
	buf_add(b, t.data + start, i - start);
}

static void warn_element(struct san *s, const GumboElement *e, const char *what)
{
	if (!s->report)
		return;
	struct buf name = BUF_INIT;
	tag_name(&name, e);
	warning(s->report,
		"raw HTML <%s> dropped%s (markdown.unsafe_html keeps only allow-listed HTML)",
		buf_cstr(&name), what);
	buf_release(&name);
}

static enum verdict judge(const GumboNode *n)
{
	if (n->type == GUMBO_NODE_TEMPLATE)
		return DROP;
	const GumboElement *e = &n->v.element;
	if (e->tag_namespace != GUMBO_NAMESPACE_HTML)
		return DROP;
	if (e->tag == GUMBO_TAG_INPUT) { /* only a task list's box */
		const GumboAttribute *t = gumbo_get_attribute(&e->attributes, "type");
		return t && !strcmp(t->value, "checkbox") ? KEEP : DROP;
	}
	return (enum verdict)tag_verdict[e->tag];
}

/* Text or an attribute value, escaped as cmark-gfm escapes it. */
static void add_escaped(struct buf *b, const char *s)
{
	for (const char *p = s;; p++) {
		const char *rep = *p == '&'   ? "&amp;"
				  : *p == '<' ? "&lt;"
				  : *p == '>' ? "&gt;"
				  : *p == '"' ? "&quot;"
					      : NULL;
		if (!rep && *p)
			continue;
		buf_add(b, s, (size_t)(p - s));
		if (!*p)
			return;
		buf_adds(b, rep);
		s = p + 1;
	}
}

static bool attr_allowed(struct san *s, const GumboElement *e, const GumboAttribute *a)
{
	if (listed(url_attrs, ARRAY_SIZE(url_attrs), a->name)) {
		if (url_safe(a->value))
			return true;
		if (!s->report)
			return false;
		struct buf q = BUF_INIT;
		url_quote(&q, a->value, 60);
		warning(s->report,
			"raw HTML %s \"%s\" on <%s> dropped (expected " URL_SAFE_EXPECTED ")",
			a->name, buf_cstr(&q),
			e->tag == GUMBO_TAG_A ? "a" : gumbo_normalized_tagname(e->tag));
		buf_release(&q);
		return false;
	}
	if (listed(kept_attrs, ARRAY_SIZE(kept_attrs), a->name))
		return true;
	if (!strcmp(a->name, "type") &&
	    (e->tag == GUMBO_TAG_INPUT ||
	     (e->tag == GUMBO_TAG_OL && strlen(a->value) == 1 && strchr("1aAiI", a->value[0]))))
		return true;
	if (s->report)
		warning(s->report,
			"raw HTML attribute %s on <%s> dropped (markdown.unsafe_html keeps only allow-listed HTML)",
			a->name, gumbo_normalized_tagname(e->tag));
	return false;
}

static void start_tag(struct san *s, const GumboElement *e)
{
	buf_addch(&s->out, '<');
	buf_adds(&s->out, gumbo_normalized_tagname(e->tag));
	for (unsigned i = 0; i < e->attributes.length; i++) {
		const GumboAttribute *a = e->attributes.data[i];
		if (!attr_allowed(s, e, a))
			continue;
		buf_addch(&s->out, ' ');
		buf_adds(&s->out, a->name);
		/* `data-footnotes` stays bare (gumbo gives a bare one its name as original value), `checked=""` not */
		if (a->original_value.data != a->original_name.data) {
			buf_adds(&s->out, "=\"");
			add_escaped(&s->out, a->value);
			buf_addch(&s->out, '"');
		}
	}
	buf_adds(&s->out, tag_void[e->tag] ? " />" : ">");
}

static void leave(struct san *s, const GumboNode *n);

/* Writes node n's opening (or the whole of a leaf); returns whether to go into its children. */
static bool enter(struct san *s, const GumboNode *n)
{
	switch (n->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE: add_escaped(&s->out, n->v.text.text); return false;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE: break;
	default: /* comments, CDATA (in svg or math, dropped), the document */ return false;
	}
	enum verdict v = judge(n);
	if (v == DROP) {
		warn_element(s, &n->v.element, " with its content");
		return false;
	}
	if (v == UNWRAP)
		warn_element(s, &n->v.element, ", its content kept");
	else
		start_tag(s, &n->v.element);
	if (n->v.element.children.length)
		return true;
	leave(s, n); /* an empty element: its end tag now */
	return false;
}

static void leave(struct san *s, const GumboNode *n)
{
	if (judge(n) != KEEP || tag_void[n->v.element.tag])
		return;
	buf_adds(&s->out, "</");
	buf_adds(&s->out, gumbo_normalized_tagname(n->v.element.tag));
	buf_addch(&s->out, '>');
}

static const GumboNode *child(const GumboNode *n, size_t i)
{
	const GumboVector *v = &n->v.element.children;
	return i < v->length ? v->data[i] : NULL;
}

/*
 * The fragment's nodes in document order, without recursion (a body may
 * nest tags a million deep): down into a node's children, else on to its
 * next sibling, closing the elements left on the way up.
 */
static void walk(struct san *s, const GumboNode *root)
{
	const GumboNode *n = child(root, 0);
	while (n) {
		if (enter(s, n)) {
			n = child(n, 0);
			continue;
		}
		const GumboNode *next;
		while (!(next = child(n->parent, n->index_within_parent + 1))) {
			n = n->parent;
			if (n == root)
				return;
			leave(s, n);
		}
		n = next;
	}
}

/* gumbo's memory comes from an arena dropped in one call (its own free walks the tree recursively). */
static void *arena_allocator(void *userdata, size_t size)
{
	return arena_alloc(userdata, size);
}

static void arena_deallocator(void *userdata, void *ptr)
{
	(void)userdata;
	(void)ptr;
}

/*
 * A private-use character (U+E000 to U+E0FF) that html does not contain, in
 * out[4]; false when it has every one.  gumbo turns control characters into
 * U+FFFD, so `keep` travels through it as this character.
 */
static bool find_stand_in(const char *html, size_t len, char out[4])
{
	for (unsigned cp = 0xe000; cp <= 0xe0ff; cp++) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		out[3] = '\0';
		if (!memmem(html, len, out, 3))
			return true;
	}
	return false;
}

/* html with each `from` byte replaced by the string `to` ("" drops it). */
static char *swap(const char *html, size_t len, char from, const char *to)
{
	struct buf b = BUF_INIT;
	const char *p = html, *end = html + len, *q;
	while ((q = memchr(p, from, (size_t)(end - p)))) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, to);
		p = q + 1;
	}
	buf_add(&b, p, (size_t)(end - p));
	return buf_detach(&b, NULL);
}

/* The output with the stand-in turned back into `keep`. */
static void unswap(struct buf *out, const char *stand_in, char keep)
{
	char *p = out->ptr, *end = out->ptr + out->len, *w = out->ptr;
	while (p < end) {
		if (end - p >= 3 && !memcmp(p, stand_in, 3)) {
			*w++ = keep;
			p += 3;
		} else {
			*w++ = *p++;
		}
	}
	out->len = (size_t)(w - out->ptr);
	out->ptr[out->len] = '\0';
}

char *html_sanitize(const char *html, size_t len, const struct loc *report, char keep)
{
	pthread_once(&tables_once, fill_tables);
	char stand_in[4] = "";
	char *swapped = NULL;
	if (memchr(html, keep, len)) {
		if (!find_stand_in(html, len, stand_in))
			stand_in[0] = '\0'; /* every one taken: the kept bytes are dropped */
		swapped = swap(html, len, keep, stand_in);
		html = swapped;
		len = strlen(swapped);
	}
	struct san s = {BUF_INIT, report, arena_new(4 * len + 4096)};
	GumboOptions opts = kGumboDefaultOptions;
	opts.allocator = arena_allocator;
	opts.deallocator = arena_deallocator;
	opts.userdata = s.mem;
	opts.max_errors = 0;
	opts.fragment_context = GUMBO_TAG_DIV;
	opts.fragment_namespace = GUMBO_NAMESPACE_HTML;
	GumboOutput *g = gumbo_parse_with_options(&opts, html, len);
	buf_grow(&s.out, len);
	s.out.ptr[0] = '\0'; /* buf_grow leaves the bytes as they were */
	walk(&s, g->root);
	arena_free(s.mem);
	if (stand_in[0])
		unswap(&s.out, stand_in, keep);
	free(swapped);
	return buf_detach(&s.out, NULL);
}
