/*
 * feeds: /feed.xml (Atom, the newest postmortems) and /sitemap.xml.
 *
 * Both are deterministic: the feed's <updated> is the newest entry's date,
 * never the build time.  URLs are the site's base URL (--base-url, else
 * site.yaml's base_url, else "/") followed by the page's path.
 */
#ifndef AFTERMATH_FEEDS_H
#define AFTERMATH_FEEDS_H

#include "analyze/graph.h"
#include "base/output.h"
#include "load/corpus.h"

#define FEED_ENTRIES 30

void feeds_atom(struct buf *out, const struct corpus *c, const char *base_url);
void feeds_sitemap(struct buf *out, const struct corpus *c, const struct graph *g,
		   const char *base_url);
int feeds_write(const struct corpus *c, const struct graph *g, const char *base_url,
		struct output *out);

#endif
