/* markdown: cmark-gfm to HTML, toc, text, wiki-links, action items (see markdown.h). */
#include "markdown.h"

#include "slug.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Marks a heading's id in the HTML until it becomes an attribute. */
#define HEADING_MARK '\x1b'

static pthread_once_t registered = PTHREAD_ONCE_INIT;

static void register_extensions(void)
{
	cmark_gfm_core_extensions_ensure_registered();
}

static const char *const extension_names[] = {"table", "tasklist", "strikethrough", "autolink", "tagfilter"};

struct md {
	const char *file;
	int line0;     /* file line of body line 1, minus 1 */
	const struct md_opts *opts;
	cmark_node *doc;
	struct toc_entry *toc;
	size_t ntoc, toc_alloc;
	struct wikilink *links;
	size_t nlinks, links_alloc;
	char **ids; /* heading ids used so far */
	size_t nids, ids_alloc;
	int ret;
};

/* ---- source preparation --------------------------------------------------- */

static bool marker_line(const char *p, const char *end, bool closing)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *want = closing ? "<!--/internal-->" : "<!--internal-->";
	for (; p < end && *p != '\n' && *p != '\r'; p++) {
		if (*p == ' ' || *p == '\t')
			continue;
		if (!*want || tolower((unsigned char)*p) != *want)
			return false;
		want++;
	}
	return !*want;
}

/*
 * Copy the body without control marks; drop internal blocks when asked
 * (their lines become empty so later line numbers stay right).
 */
static char *prepare(struct md *m, const char *body)
{
	struct buf out = BUF_INIT;
	const char *p = body;
	int line = 1, open_line = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl : p + strlen(p);
		bool opening = marker_line(p, end, false), closing = marker_line(p, end, true);
		if (m->opts->strip_internal && opening) {
			if (open_line) {
				struct loc loc = {m->file, m->line0 + line, 1};
				m->ret = error(&loc, "internal block opened inside another (opened at line %d)",
					       m->line0 + open_line);
			}
			open_line = line;
		} else if (m->opts->strip_internal && closing) {
			if (!open_line) {
				struct loc loc = {m->file, m->line0 + line, 1};
				m->ret = error(&loc, "<!-- /internal --> without an opening <!-- internal -->");
			}
			open_line = 0;
		} else if (!open_line) {
			for (const char *q = p; q < end; q++)
				if (*q != WIKILINK_MARK && *q != HEADING_MARK)
					buf_addch(&out, *q);
		}
		buf_addch(&out, '\n');
		line++;
		p = nl ? nl + 1 : end;
	}
	if (open_line) {
		struct loc loc = {m->file, m->line0 + open_line, 1};
		m->ret = error(&loc, "internal block opened here is never closed (expected <!-- /internal -->)");
	}
	return buf_detach(&out, NULL);
}

/* ---- tree helpers ---------------------------------------------------------- */

static void plain_text(struct buf *out, cmark_node *n)
{
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
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

static bool inside_link(cmark_node *n)
{
	for (cmark_node *p = cmark_node_parent(n); p; p = cmark_node_parent(p))
		if (cmark_node_get_type(p) == CMARK_NODE_LINK || cmark_node_get_type(p) == CMARK_NODE_IMAGE)
			return true;
	return false;
}

static bool safe_url(const char *url)
{
	while (*url && (unsigned char)*url <= ' ')
		url++;
	/* A scheme is letters/digits/+-. before ':' with no '/', '?' or '#' first. */
	const char *p = url;
	while (*p && *p != ':' && *p != '/' && *p != '?' && *p != '#')
		p++;
	if (*p != ':')
		return true;
	struct buf scheme = BUF_INIT;
	for (const char *q = url; q < p; q++)
		if ((unsigned char)*q > ' ')
			buf_addch(&scheme, tolower((unsigned char)*q));
	const char *s = buf_cstr(&scheme);
	bool ok = !strcmp(s, "http") || !strcmp(s, "https") || !strcmp(s, "mailto");
	buf_release(&scheme);
	return ok;
}

/* Replace node n by its children. */
static void unwrap(cmark_node *n)
{
	cmark_node *c;
	while ((c = cmark_node_first_child(n)) != NULL)
		cmark_node_insert_before(n, c);
	cmark_node_free(n);
}

static cmark_node *html_inline(const char *s)
{
	cmark_node *h = cmark_node_new(CMARK_NODE_HTML_INLINE);
	cmark_node_set_literal(h, s);
	return h;
}

/* ---- passes ---------------------------------------------------------------- */

/* Remove raw HTML (unless allowed) and links with unsafe URLs. */
static void sanitize(struct md *m)
{
	cmark_node **victims = NULL;
	size_t n = 0, alloc = 0;
	cmark_iter *it = cmark_iter_new(m->doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		bool raw = t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE;
		bool link = t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE;
		if ((raw && !m->opts->allow_html) || (link && !safe_url(cmark_node_get_url(c)))) {
			ALLOC_GROW(victims, n + 1, alloc);
			victims[n++] = c;
		}
	}
	cmark_iter_free(it);
	/* Innermost last in document order; unwrap from the end so parents stay valid. */
	for (size_t i = n; i-- > 0;) {
		cmark_node_type t = cmark_node_get_type(victims[i]);
		if (t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE)
			unwrap(victims[i]);
		else
			cmark_node_free(victims[i]);
	}
	free(victims);
}

static void add_id(struct md *m, struct buf *id)
{
	if (!id->len)
		buf_adds(id, "section");
	size_t base = id->len;
	for (int k = 2;; k++) {
		bool used = false;
		for (size_t i = 0; i < m->nids && !used; i++)
			used = !strcmp(m->ids[i], buf_cstr(id));
		if (!used)
			break;
		id->len = base;
		buf_addf(id, "-%d", k);
	}
	ALLOC_GROW(m->ids, m->nids + 1, m->ids_alloc);
	m->ids[m->nids++] = xstrdup(buf_cstr(id));
}

/* Give every heading an id (a marker inside it, turned into an attribute later). */
static void headings(struct md *m)
{
	cmark_iter *it = cmark_iter_new(m->doc);
	cmark_event_type ev;
	struct buf text = BUF_INIT, id = BUF_INIT, mark = BUF_INIT;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER || cmark_node_get_type(c) != CMARK_NODE_HEADING)
			continue;
		buf_reset(&text);
		buf_reset(&id);
		plain_text(&text, c);
		buf_add_slug(&id, buf_cstr(&text));
		add_id(m, &id);
		int level = cmark_node_get_heading_level(c);
		if (level == 2 || level == 3) {
			ALLOC_GROW(m->toc, m->ntoc + 1, m->toc_alloc);
			m->toc[m->ntoc++] = (struct toc_entry){level, xstrdup(buf_cstr(&id)), xstrdup(buf_cstr(&text))};
		}
		buf_reset(&mark);
		buf_addch(&mark, HEADING_MARK);
		buf_adds(&mark, buf_cstr(&id));
		buf_addch(&mark, HEADING_MARK);
		cmark_node *h = html_inline(buf_cstr(&mark));
		if (cmark_node_first_child(c))
			cmark_node_insert_before(cmark_node_first_child(c), h);
		else
			cmark_node_append_child(c, h);
	}
	cmark_iter_free(it);
	buf_release(&text);
	buf_release(&id);
	buf_release(&mark);
}

/* Split text node c at every [[ID]]; returns the node to continue after. */
static void wikilinks_in(struct md *m, cmark_node *c)
{
	const char *lit = cmark_node_get_literal(c);
	const char *open = strstr(lit, "[[");
	if (!open)
		return;
	char *s = xstrdup(lit);
	const char *p = s;
	cmark_node *after = c;
	bool changed = false;
	int line = cmark_node_get_start_line(c), col = cmark_node_get_start_column(c);
	while ((open = strstr(p, "[[")) != NULL) {
		const char *close = strstr(open + 2, "]]");
		const char *nl = strchr(open, '\n');
		if (!close || (nl && nl < close) || close - open - 2 > 100 || close == open + 2 || memchr(open + 2, ']', (size_t)(close - open - 2))) {
			break;
		}
		char *id = xstrndup(open + 2, (size_t)(close - open - 2));
		/* trim */
		char *a = id, *b = id + strlen(id);
		while (*a == ' ')
			a++;
		while (b > a && b[-1] == ' ')
			*--b = '\0';
		if (!*a) {
			free(id);
			break;
		}
		char *before = xstrndup(p, (size_t)(open - p));
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(t, before);
		cmark_node_insert_after(after, t);
		after = t;
		struct buf mark = BUF_INIT;
		buf_addch(&mark, WIKILINK_MARK);
		buf_adds(&mark, a);
		buf_addch(&mark, WIKILINK_MARK);
		cmark_node *h = html_inline(buf_cstr(&mark));
		cmark_node_insert_after(after, h);
		after = h;
		buf_release(&mark);
		ALLOC_GROW(m->links, m->nlinks + 1, m->links_alloc);
		m->links[m->nlinks++] = (struct wikilink){
			xstrdup(a), {m->file, m->line0 + line, col + (int)(open - s)}};
		free(before);
		free(id);
		p = close + 2;
		changed = true;
	}
	if (changed) {
		cmark_node *t = cmark_node_new(CMARK_NODE_TEXT);
		cmark_node_set_literal(t, p);
		cmark_node_insert_after(after, t);
		cmark_node_free(c);
	}
	free(s);
}

static void wikilinks(struct md *m)
{
	cmark_node **texts = NULL;
	size_t n = 0, alloc = 0;
	cmark_iter *it = cmark_iter_new(m->doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && cmark_node_get_type(c) == CMARK_NODE_TEXT && !inside_link(c)) {
			ALLOC_GROW(texts, n + 1, alloc);
			texts[n++] = c;
		}
	}
	cmark_iter_free(it);
	for (size_t i = 0; i < n; i++)
		wikilinks_in(m, texts[i]);
	free(texts);
}

/* The body's text: block boundaries become newlines. */
static char *body_text(cmark_node *doc)
{
	struct buf out = BUF_INIT;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *c = cmark_iter_get_node(it);
		cmark_node_type t = cmark_node_get_type(c);
		if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_TEXT || t == CMARK_NODE_CODE))
			buf_adds(&out, cmark_node_get_literal(c));
		else if (ev == CMARK_EVENT_ENTER && t == CMARK_NODE_CODE_BLOCK) {
			buf_adds(&out, cmark_node_get_literal(c));
			buf_addch(&out, '\n');
		} else if (ev == CMARK_EVENT_ENTER && (t == CMARK_NODE_SOFTBREAK || t == CMARK_NODE_LINEBREAK))
			buf_addch(&out, ' ');
		else if (ev == CMARK_EVENT_EXIT && (t & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_BLOCK && out.len &&
			 out.ptr[out.len - 1] != '\n')
			buf_addch(&out, '\n');
	}
	cmark_iter_free(it);
	return buf_detach(&out, NULL);
}

/* <hN>\x1bID\x1b -> <hN id="ID"> */
static char *finish_html(const char *html)
{
	struct buf out = BUF_INIT;
	const char *p = html;
	for (;;) {
		const char *m = strchr(p, HEADING_MARK);
		if (!m) {
			buf_adds(&out, p);
			break;
		}
		const char *e = strchr(m + 1, HEADING_MARK);
		if (!e) {
			buf_adds(&out, p);
			break;
		}
		/* m follows "<hN>": put the id inside the tag. */
		if (m - p >= 4 && m[-1] == '>' && m[-4] == '<' && m[-3] == 'h') {
			buf_add(&out, p, (size_t)(m - 1 - p));
			buf_adds(&out, " id=\"");
			buf_add_html(&out, m + 1, (size_t)(e - m - 1));
			buf_adds(&out, "\">");
		} else {
			buf_add(&out, p, (size_t)(m - p));
		}
		p = e + 1;
	}
	return buf_detach(&out, NULL);
}

/* ---- action items from the body ---------------------------------------------- */

static bool is_action_heading(cmark_node *h)
{
	struct buf t = BUF_INIT;
	plain_text(&t, h);
	char *s = t.ptr ? t.ptr : "";
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	bool yes = n == 12 && !strncasecmp(s, "action items", 12);
	buf_release(&t);
	return yes;
}

static void set_field(struct md *m, struct action_item *a, const struct loc *loc, const char *key, const char *val)
{
	if (!strcmp(key, "owner")) {
		free(a->owner);
		a->owner = xstrdup(val);
		free(a->owner_slug);
		a->owner_slug = slugify(val);
	} else if (!strcmp(key, "due")) {
		if (when_parse(&a->due, val) < 0)
			m->ret = error(loc, "due \"%s\" in action item is not a date (expected YYYY-MM-DD)", val);
	} else if (!strcmp(key, "priority")) {
		if (!strcasecmp(val, "must"))
			a->priority = PRI_MUST;
		else if (!strcasecmp(val, "should"))
			a->priority = PRI_SHOULD;
		else if (!strcasecmp(val, "nice"))
			a->priority = PRI_NICE;
		else
			m->ret = error(loc, "unknown priority \"%s\" in action item (expected must, should, nice)", val);
	} else if (!strcmp(key, "ticket")) {
		free(a->ticket);
		a->ticket = xstrdup(val);
	} else if (!strcmp(key, "status")) {
		if (!strcasecmp(val, "in-progress") || !strcasecmp(val, "in progress"))
			a->status = AI_IN_PROGRESS;
		else if (!strcasecmp(val, "wont-do") || !strcasecmp(val, "won't do"))
			a->status = AI_WONT_DO;
		else if (!strcasecmp(val, "open"))
			a->status = AI_OPEN;
		else if (!strcasecmp(val, "done"))
			a->status = AI_DONE;
		else
			m->ret = error(loc, "unknown status \"%s\" in action item (expected open, in-progress, done, wont-do)", val);
	} else if (!strcmp(key, "closed")) {
		if (when_parse(&a->closed, val) < 0)
			m->ret = error(loc, "closed \"%s\" in action item is not a date (expected YYYY-MM-DD)", val);
	} else {
		m->ret = error(loc, "unknown key \"%s\" in action item (expected owner, due, priority, ticket, status, closed)",
			       key);
	}
}

/* Split a trailing "(key: value, key: value)" off text and apply it. */
static void annotation(struct md *m, struct action_item *a, const struct loc *loc, char *text)
{
	size_t n = strlen(text);
	while (n && (text[n - 1] == ' ' || text[n - 1] == '\n'))
		text[--n] = '\0';
	if (!n || text[n - 1] != ')')
		return;
	char *open = strrchr(text, '(');
	if (!open || !strchr(open, ':'))
		return;
	text[n - 1] = '\0';
	char *save = NULL;
	for (char *part = strtok_r(open + 1, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(part, ':');
		if (!colon) {
			m->ret = error(loc, "action-item annotation \"%s\" is not key: value", part);
			continue;
		}
		*colon = '\0';
		char *k = part, *v = colon + 1;
		while (*k == ' ')
			k++;
		while (*v == ' ')
			v++;
		for (char *e = k + strlen(k); e > k && e[-1] == ' ';)
			*--e = '\0';
		for (char *e = v + strlen(v); e > v && e[-1] == ' ';)
			*--e = '\0';
		for (char *c = k; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		set_field(m, a, loc, k, v);
	}
	*open = '\0';
	for (size_t e = strlen(text); e && text[e - 1] == ' ';)
		text[--e] = '\0';
}

static void task_item(struct md *m, struct postmortem *pm, cmark_node *item, size_t *alloc)
{
	struct buf t = BUF_INIT;
	plain_text(&t, item);
	struct loc loc = {m->file, m->line0 + cmark_node_get_start_line(item), cmark_node_get_start_column(item)};
	struct action_item a = {.status = cmark_gfm_extensions_get_tasklist_item_checked(item) ? AI_DONE : AI_OPEN,
				.loc = loc};
	char *text = buf_detach(&t, NULL);
	annotation(m, &a, &loc, text);
	if (!*text) {
		m->ret = error(&loc, "action item without a title");
		free(text);
		free(a.owner);
		free(a.owner_slug);
		free(a.ticket);
		return;
	}
	a.title = text;
	ALLOC_GROW(pm->actions, pm->nactions + 1, *alloc);
	pm->actions[pm->nactions++] = a;
}

static void body_actions(struct md *m, struct postmortem *pm)
{
	size_t alloc = 0;
	cmark_node *h = cmark_node_first_child(m->doc);
	while (h && !(cmark_node_get_type(h) == CMARK_NODE_HEADING && is_action_heading(h)))
		h = cmark_node_next(h);
	if (!h)
		return;
	int level = cmark_node_get_heading_level(h);
	for (cmark_node *b = cmark_node_next(h); b; b = cmark_node_next(b)) {
		if (cmark_node_get_type(b) == CMARK_NODE_HEADING && cmark_node_get_heading_level(b) <= level)
			break;
		if (cmark_node_get_type(b) != CMARK_NODE_LIST)
			continue;
		for (cmark_node *it = cmark_node_first_child(b); it; it = cmark_node_next(it))
			if (!strcmp(cmark_node_get_type_string(it), "tasklist"))
				task_item(m, pm, it, &alloc);
	}
	pm->actions_from_body = pm->nactions > 0;
}

/* ---- driver -------------------------------------------------------------------- */

static cmark_node *parse(const char *src)
{
	pthread_once(&registered, register_extensions);
	int opts = CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE;
	cmark_parser *p = cmark_parser_new(opts);
	for (size_t i = 0; i < ARRAY_SIZE(extension_names); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(extension_names[i]);
		if (e)
			cmark_parser_attach_syntax_extension(p, e);
	}
	cmark_parser_feed(p, src, strlen(src));
	cmark_node *doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	return doc;
}

static char *render(struct md *m)
{
	cmark_llist *exts = NULL;
	cmark_mem *mem = cmark_get_default_mem_allocator();
	for (size_t i = 0; i < ARRAY_SIZE(extension_names); i++) {
		cmark_syntax_extension *e = cmark_find_syntax_extension(extension_names[i]);
		if (e)
			exts = cmark_llist_append(mem, exts, e);
	}
	/* Raw HTML was removed in sanitize() unless allowed; our markers must pass. */
	char *raw = cmark_render_html(m->doc, CMARK_OPT_FOOTNOTES | CMARK_OPT_UNSAFE, exts);
	cmark_llist_free(mem, exts);
	char *html = finish_html(raw);
	free(raw);
	return html;
}

static void run(struct md *m, const char *body, char **html, char **text)
{
	char *src = prepare(m, body);
	m->doc = parse(src);
	free(src);
	cmark_consolidate_text_nodes(m->doc);
	sanitize(m);
	if (text)
		*text = body_text(m->doc);
	wikilinks(m);
	headings(m);
	*html = render(m);
}

static void md_release(struct md *m)
{
	for (size_t i = 0; i < m->nids; i++)
		free(m->ids[i]);
	free(m->ids);
	if (m->doc)
		cmark_node_free(m->doc);
}

int markdown_parse(struct postmortem *pm, const struct md_opts *opts)
{
	struct md m = {.file = pm->path, .line0 = pm->body_line - 1, .opts = opts};
	char *src = prepare(&m, pm->body ? pm->body : "");
	m.doc = parse(src);
	free(src);
	cmark_consolidate_text_nodes(m.doc);
	sanitize(&m);
	if (pm->nactions == 0 && !ynode_get(pm->front, "action_items"))
		body_actions(&m, pm);
	pm->text = body_text(m.doc);
	wikilinks(&m);
	headings(&m);
	pm->html = render(&m);
	pm->toc = m.toc;
	pm->ntoc = m.ntoc;
	pm->wikilinks = m.links;
	pm->nwikilinks = m.nlinks;
	md_release(&m);
	return m.ret;
}

int markdown_parse_page(struct page *pg, const char *body, int body_line, const struct md_opts *opts)
{
	struct md m = {.file = pg->path, .line0 = body_line - 1, .opts = opts};
	run(&m, body, &pg->html, NULL);
	pg->toc = m.toc;
	pg->ntoc = m.ntoc;
	pg->wikilinks = m.links;
	pg->nwikilinks = m.nlinks;
	md_release(&m);
	return m.ret;
}

void link_resolve(struct buf *out, const char *html, link_resolver fn, void *ctx)
{
	const char *p = html;
	for (;;) {
		const char *a = strchr(p, WIKILINK_MARK);
		const char *b = a ? strchr(a + 1, WIKILINK_MARK) : NULL;
		if (!b) {
			buf_adds(out, p);
			return;
		}
		buf_add(out, p, (size_t)(a - p));
		char *id = xstrndup(a + 1, (size_t)(b - a - 1));
		const char *url, *title;
		if (fn(ctx, id, &url, &title)) {
			buf_adds(out, "<a class=\"wikilink\" href=\"");
			buf_add_html(out, url, strlen(url));
			buf_adds(out, "\">");
			buf_add_html(out, title, strlen(title));
			buf_adds(out, "</a>");
		} else {
			buf_adds(out, "[[");
			buf_add_html(out, id, strlen(id));
			buf_adds(out, "]]");
		}
		free(id);
		p = b + 1;
	}
}
