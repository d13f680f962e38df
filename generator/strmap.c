/* strmap: string -> index hash map (see strmap.h). */
#include "strmap.h"

#include <stdlib.h>
#include <string.h>

static size_t slot_of(const struct strmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = (size_t)hash_fnv1a(key, strlen(key)) & mask;
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & mask;
	return i;
}

size_t strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return SIZE_MAX;
	size_t i = slot_of(m, key);
	return m->keys[i] ? m->vals[i] : SIZE_MAX;
}

static void grow(struct strmap *m)
{
	struct strmap bigger = {
		.cap = m->cap ? m->cap * 2 : 16,
	};
	bigger.keys = xcalloc(bigger.cap, sizeof(char *));
	bigger.vals = xcalloc(bigger.cap, sizeof(size_t));
	for (size_t i = 0; i < m->cap; i++) {
		if (!m->keys[i])
			continue;
		size_t j = slot_of(&bigger, m->keys[i]);
		bigger.keys[j] = m->keys[i];
		bigger.vals[j] = m->vals[i];
	}
	bigger.n = m->n;
	free(m->keys);
	free(m->vals);
	*m = bigger;
}

void strmap_put(struct strmap *m, const char *key, size_t val)
{
	if ((m->n + 1) * 4 >= m->cap * 3)
		grow(m);
	size_t i = slot_of(m, key);
	if (!m->keys[i]) {
		m->keys[i] = xstrdup(key);
		m->n++;
	}
	m->vals[i] = val;
}

void strmap_release(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	m->keys = NULL;
	m->vals = NULL;
	m->cap = m->n = 0;
}
