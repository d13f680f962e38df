/* textcache: include_cached()'s texts, striped for the workers (see textcache.h). */
#include "render/textcache.h"

#include "base/strmap.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * include_cached()'s texts by "name\nkey", shared by the engines of a build.
 * A key belongs to one of CACHE_STRIPES stripes (by its hash), each with its
 * own lock, table and share of TMPL_CACHE_BYTES: workers asking for different
 * keys at once then rarely wait for each other (one lock made a worker sleep
 * while the other copied a text out, and moved its cache line at every call).
 */
#define CACHE_STRIPES 64 /* stripe_of() takes the top 6 bits of a hash */

struct cache_stripe {
	pthread_mutex_t lock;
	struct strmap index; /* full key -> slot */
	struct buf *texts;
	size_t n, alloc, bytes;
} __attribute__((aligned(64)));

struct tmpl_cache {
	struct cache_stripe stripes[CACHE_STRIPES];
};

struct tmpl_cache *tmpl_cache_new(void)
{
	/* stripes on cache lines of their own */
	struct tmpl_cache *c = aligned_alloc(64, sizeof(*c));
	if (!c)
		die("out of memory");
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < CACHE_STRIPES; i++) {
		pthread_mutex_init(&c->stripes[i].lock, NULL);
		c->stripes[i].index = (struct strmap)STRMAP_INIT;
	}
	return c;
}

static void cache_clear(struct cache_stripe *s)
{
	for (size_t i = 0; i < s->n; i++)
		buf_release(&s->texts[i]);
	strmap_release(&s->index);
	s->index = (struct strmap)STRMAP_INIT;
	s->n = s->bytes = 0;
}

void tmpl_cache_free(struct tmpl_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_STRIPES; i++) {
		cache_clear(&c->stripes[i]);
		free(c->stripes[i].texts);
		pthread_mutex_destroy(&c->stripes[i].lock);
	}
	free(c);
}

/* The key's stripe (by the top bits of its hash: the map of the stripe uses the low ones). */
static struct cache_stripe *stripe_of(struct tmpl_cache *c, uint64_t hash)
{
	return &c->stripes[hash >> 58];
}

bool textcache_get(struct tmpl_cache *c, const char *key, size_t keylen, struct buf *out)
{
	uint64_t hash = hash_fnv1a(key, keylen);
	struct cache_stripe *s = stripe_of(c, hash);
	bool found = false;
	pthread_mutex_lock(&s->lock);
	size_t slot = strmap_get_hashed(&s->index, key, hash);
	if (slot != SIZE_MAX) {
		buf_add(out, s->texts[slot].ptr, s->texts[slot].len);
		found = true;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

void textcache_put(struct tmpl_cache *c, const char *key, size_t keylen, const char *text,
		   size_t len)
{
	uint64_t hash = hash_fnv1a(key, keylen);
	struct cache_stripe *s = stripe_of(c, hash);
	pthread_mutex_lock(&s->lock);
	if (strmap_get_hashed(&s->index, key, hash) == SIZE_MAX) {
		if (s->bytes + keylen + len > TMPL_CACHE_BYTES / CACHE_STRIPES)
			cache_clear(s);
		if (s->n == s->alloc)
			s->texts = xrealloc(s->texts, (s->alloc = s->alloc ? s->alloc * 2 : 64) *
							      sizeof(*s->texts));
		s->texts[s->n] = (struct buf)BUF_INIT;
		buf_add(&s->texts[s->n], text, len);
		strmap_put_hashed(&s->index, key, hash, s->n++);
		s->bytes += keylen + len;
	}
	pthread_mutex_unlock(&s->lock);
}
