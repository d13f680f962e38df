/* strmap: string -> index hash map (see strmap.h). */
#include "base/strmap.h"

#include <stdlib.h>
#include <string.h>

/* key's slot: where it is, or the empty slot where it would go.  The hash is
 * compared first, so a probe past another key rarely reads that key's bytes. */
static size_t slot_of(const struct strmap *m, const char *key, uint64_t hash)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash & mask;
	while (m->e[i].key && (m->e[i].hash != hash || strcmp(m->e[i].key, key)))
		i = (i + 1) & mask;
	return i;
}

size_t strmap_get_hashed(const struct strmap *m, const char *key, uint64_t hash)
{
	if (!m->cap)
		return SIZE_MAX;
	size_t i = slot_of(m, key, hash);
	return m->e[i].key ? m->e[i].val : SIZE_MAX;
}

size_t strmap_get(const struct strmap *m, const char *key)
{
	return m->cap ? strmap_get_hashed(m, key, hash_fnv1a(key, strlen(key))) : SIZE_MAX;
}

static void grow(struct strmap *m)
{
	struct strmap bigger = {
		.cap = m->cap ? m->cap * 2 : 16,
	};
	bigger.e = xcalloc(bigger.cap, sizeof(*bigger.e));
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].key)
			bigger.e[slot_of(&bigger, m->e[i].key, m->e[i].hash)] = m->e[i];
	bigger.n = m->n;
	free(m->e);
	*m = bigger;
}

void strmap_put_hashed(struct strmap *m, const char *key, uint64_t hash, size_t val)
{
	if ((m->n + 1) * 4 >= m->cap * 3)
		grow(m);
	size_t i = slot_of(m, key, hash);
	if (!m->e[i].key) {
		m->e[i].key = xstrdup(key);
		m->e[i].hash = hash;
		m->n++;
	}
	m->e[i].val = val;
}

void strmap_put(struct strmap *m, const char *key, size_t val)
{
	strmap_put_hashed(m, key, hash_fnv1a(key, strlen(key)), val);
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->e[i].key);
	free(m->e);
	m->e = NULL;
	m->cap = m->n = 0;
}
