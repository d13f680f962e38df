/*
 * strmap: a hash map from strings to indices (open addressing).
 *
 * Keys are copied and owned by the map.  Lookups are O(1) on average; the
 * map never iterates in hash order for output (callers keep their own
 * ordered arrays), so hashing cannot make output nondeterministic.
 */
#ifndef AFTERMATH_STRMAP_H
#define AFTERMATH_STRMAP_H

#include "base/util.h"

struct strmap_entry {
	char *key; /* NULL: an empty slot */
	size_t val;
	uint64_t hash; /* hash_fnv1a of key */
};

struct strmap {
	struct strmap_entry *e;
	size_t cap, n;
};
#define STRMAP_INIT        \
	{                  \
		NULL, 0, 0 \
	}

/* The value stored for key, or SIZE_MAX. */
size_t strmap_get(const struct strmap *m, const char *key);
/* Store val for key (replacing any old value). */
void strmap_put(struct strmap *m, const char *key, size_t val);
/* The same with key's hash_fnv1a(key, strlen(key)) already made (a caller that needs it too). */
size_t strmap_get_hashed(const struct strmap *m, const char *key, uint64_t hash);
void strmap_put_hashed(struct strmap *m, const char *key, uint64_t hash, size_t val);
void strmap_release(struct strmap *m);

#endif
