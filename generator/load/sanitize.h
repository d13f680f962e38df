/*
 * sanitize: the raw HTML a site allows (markdown.unsafe_html: true), parsed
 * as a browser would (gumbo, the HTML5 parsing algorithm) and written back
 * with only allow-listed elements and attributes.
 *
 * Kept: the elements Markdown itself makes (p, a, img, lists, tables, code,
 * headings, footnote sections...) and a few more for text (abbr, kbd, mark,
 * details, summary, sub, sup, ruby...), with global attributes id, class,
 * title, lang, dir and the few each needs (see the tables in sanitize.c).
 * href, src and cite go through url_safe() (url.h).  Dropped with their
 * content: script, style, iframe, object, embed, svg, math, form controls'
 * text areas, base, meta, link and the like; other elements (form, font,
 * center, unknown ones) lose their tag and keep their content.  Comments and
 * every attribute not listed (on*, style, srcdoc, formaction, target, ...)
 * are dropped.  What is dropped is a warning at `report` when that is not
 * NULL (markdown checks each raw HTML node at its place for the warnings,
 * then the whole rendered body silently for the output).
 *
 * Text and attribute values are written escaped the way cmark-gfm escapes
 * them (& < > "), void elements as "<br />", so the HTML of a body without
 * anything to drop comes back as cmark-gfm wrote it.
 */
#ifndef AFTERMATH_SANITIZE_H
#define AFTERMATH_SANITIZE_H

#include "base/diag.h"

/*
 * Returns the allow-listed form of html[0..len) (allocated; the caller frees
 * it).  The control byte `keep` (markdown's wiki-link mark), which a parser
 * would replace, comes back where it was in text.
 */
char *html_sanitize(const char *html, size_t len, const struct loc *report, char keep);

#endif
