/*
 * url: the one scheme allow-list for every URL that comes from content or
 * site.yaml (links in bodies, raw HTML attributes, service links, the base
 * URL) before it is written as an href, a src or a feed link.
 *
 * Allowed: http:, https:, mailto: (any case) and relative URLs (a path, a
 * query, a fragment, "//host").  Everything else is refused: javascript:,
 * vbscript:, data:, file: and any other scheme, including the spellings
 * browsers still read as one: leading blanks and control characters
 * ("\x01javascript:"), tabs, newlines or other controls inside the scheme
 * ("java\tscript:"), mixed case, and a first segment with '&' in it (an
 * entity, "&#106;avascript:" or "javascript&colon;", becomes a scheme once a
 * browser decodes the attribute).
 */
#ifndef AFTERMATH_URL_H
#define AFTERMATH_URL_H

#include "base/util.h"

/* Whether url may be written as a link (see above).  NULL is not a URL. */
bool url_safe(const char *url);

/* What url_safe allows, for diagnostics ("expected ..."). */
#define URL_SAFE_EXPECTED "an http, https or mailto URL, or a relative one"

/*
 * Append s to b for a diagnostic: at most `max` bytes of it (then "..."),
 * with control characters shown as \xNN.  For quoting a refused URL.
 */
void url_quote(struct buf *b, const char *s, size_t max);

#endif
