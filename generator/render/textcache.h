/*
 * textcache: include_cached()'s texts by "name\nkey", one cache shared by the
 * template engines of a build (template.h: tmpl_cache_new, tmpl_share_cache).
 * A key belongs to one of 64 stripes by its hash, each with its own lock,
 * table and share of TMPL_CACHE_BYTES, so workers asking for different keys
 * rarely wait for each other; a stripe that would grow past its share is
 * emptied first.  Thread-safe.
 */
#ifndef AFTERMATH_TEXTCACHE_H
#define AFTERMATH_TEXTCACHE_H

#include "base/util.h"

/* Text include_cached() may hold (per cache) before it starts over. */
#define TMPL_CACHE_BYTES (128u << 20)

struct tmpl_cache;
struct tmpl_cache *tmpl_cache_new(void);
void tmpl_cache_free(struct tmpl_cache *c);

/* Append the text cached under key[0..keylen) (NUL-terminated) to out: false when there is none. */
bool textcache_get(struct tmpl_cache *c, const char *key, size_t keylen, struct buf *out);
/* Cache text under key (unless another engine did meanwhile). */
void textcache_put(struct tmpl_cache *c, const char *key, size_t keylen, const char *text,
		   size_t len);

#endif
