/*
 * markdown: a Markdown body to HTML, table of contents, plain text and links.
 *
 * Uses cmark-gfm with the table, tasklist, strikethrough, autolink, tagfilter
 * and footnotes extensions.  Headings get ids (slug of their text, made
 * unique per page).  Raw HTML is dropped unless the site allows it, and a
 * link or image whose URL has a scheme other than http, https, mailto or
 * none (javascript:, data:, vbscript:, ...) is rendered without its URL.
 *
 * `[[ID]]` in text (not in code, link text or image alt text) is a
 * wiki-link: it is recorded with its location and left in the HTML as a
 * marker (the id, HTML-escaped, between two WIKILINK_MARK bytes) that
 * link_resolve() later turns into a link to that postmortem with its title,
 * once the corpus is known.  An id is 1 to 100 characters other than '[',
 * ']' and newline, trimmed; `\[[ID]]` is plain text.
 *
 * Safe to call from several threads at once.  cmark-gfm's own parsing is
 * serialised inside (its inline extensions share one global table), our
 * passes and the rendering are not.
 */
#ifndef AFTERMATH_MARKDOWN_H
#define AFTERMATH_MARKDOWN_H

#include "model/internal.h"
#include "model/mdscreen.h"
#include "model/model.h"
#include "model/siteconfig.h"

/* The marker byte around wiki-link placeholders; stripped from all input. */
#define WIKILINK_MARK '\x1a'

struct md_opts {
	bool allow_html;		/* keep raw HTML (site.yaml markdown.unsafe_html) */
	bool strip_internal;		/* drop <!-- internal --> ... <!-- /internal --> blocks */
	const struct md_limits *limits; /* what md_screen() allows (NULL: md_limits_default) */
	/*
	 * Annotation keys public.strip removes ("owner", "ticket"; borrowed):
	 * cut from the trailing "(key: value, ...)" of every task item as the
	 * parser read it (entities, escapes, emphasis and line breaks resolved),
	 * before anything reads the tree; the values go to pm->stripped.
	 */
	const char *const *strip_keys;
	size_t nstrip_keys;
};

/*
 * Render pm->body into pm->html, pm->toc (h2 and h3), pm->text (no markup;
 * code kept) and pm->wikilinks.  When the front matter had no action_items
 * (pm->nactions == 0 and no action_items key), the GFM task items of the
 * lists under the first heading named "Action items" (any level, any case),
 * up to the next heading of the same or a higher level, become pm->actions:
 * "[x]" means done, and a trailing "(owner: NAME, due: YYYY-MM-DD,
 * priority: must, ticket: X, status: in-progress, closed: YYYY-MM-DD)" is
 * parsed (with the front matter's spellings); pm->actions_from_body is then
 * set.  A body md_screen() refuses is reported and not parsed (it renders
 * as nothing).  With opts->strip_internal, the lines from "<!-- internal -->" to
 * "<!-- /internal -->" are dropped before parsing.  Returns 0, or -1 after
 * reporting problems (an unclosed, nested or stray internal marker, a bad
 * annotation) at their file:line:col; the outputs are set either way.
 */
int markdown_parse(struct postmortem *pm, const struct md_opts *opts);

/* The same for an extra page (no action items, no plain text). */
int markdown_parse_page(struct page *pg, const char *body, int body_line,
			const struct md_opts *opts);

/*
 * Resolves a wiki-link target for link_resolve: sets *url and *title
 * (borrowed) and returns true, or returns false for an unknown id.  A
 * NULL *url says the postmortem exists but is not in this build: *title is
 * then shown as plain text, without the id or a link.
 */
typedef bool (*link_resolver)(void *ctx, const char *id, const char **url, const char **title);

/*
 * Append `html` to `out` with every wiki-link marker replaced: a known id
 * becomes <a class="wikilink" href="URL">TITLE</a> (escaped), an unknown one
 * the literal text [[ID]] (escaped).  fn gets the id as written.
 */
void link_resolve(struct buf *out, const char *html, link_resolver fn, void *ctx);

/*
 * The same for plain text (a postmortem's `text`, which keeps [[ID]] as
 * written): append `text` to `out` with each [[ID]] replaced by the title fn
 * gives, as the page shows it; an unknown id stays as written.
 */
void text_resolve(struct buf *out, const char *text, link_resolver fn, void *ctx);

#endif
