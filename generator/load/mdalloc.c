/* mdalloc: cmark's memory, one growing block per document (see mdparse.h). */
#include "load/mdparse.h"

#include <stdlib.h>
#include <string.h>

/* Each block starts with its size. */
#define BUMP_HEAD  16
#define BUMP_FIRST (64u << 10)

static _Thread_local struct bump *bump_now;

void bump_use(struct bump *b)
{
	bump_now = b;
}

static void *bump_alloc(size_t n)
{
	struct bump *b = bump_now;
	size_t need = BUMP_HEAD + ((n + 15) & ~(size_t)15);
	struct bump_chunk *c = b->head;
	if (need < n)
		die("out of memory (a block of %zu bytes)", n);
	if (!c || c->size - c->used < need) {
		size_t size = c ? c->size * 2 : BUMP_FIRST;
		if (size < need)
			size = need;
		struct bump_chunk *nc = xmalloc(sizeof(*nc) + size);
		nc->next = c;
		nc->used = 0;
		nc->size = size;
		b->head = c = nc;
	}
	unsigned char *p = c->data + c->used;
	c->used += need;
	memcpy(p, &n, sizeof(n));
	b->last = p + BUMP_HEAD;
	return p + BUMP_HEAD;
}

static void *bump_calloc(size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		die("out of memory (%zu blocks of %zu bytes)", n, size);
	void *p = bump_alloc(n * size);
	memset(p, 0, n * size);
	return p;
}

static void *bump_realloc(void *p, size_t n)
{
	if (!p)
		return bump_alloc(n);
	struct bump *b = bump_now;
	unsigned char *q = p;
	size_t old;
	memcpy(&old, q - BUMP_HEAD, sizeof(old));
	size_t have = (old + 15) & ~(size_t)15, want = (n + 15) & ~(size_t)15;
	struct bump_chunk *c = b->head;
	if (p == b->last && want >= have && c->size - c->used >= want - have) { /* grow in place */
		c->used += want - have;
		memcpy(q - BUMP_HEAD, &n, sizeof(n));
		return p;
	}
	void *np = bump_alloc(n);
	memcpy(np, p, old < n ? old : n);
	return np;
}

static void bump_free(void *p)
{
	(void)p;
}

cmark_mem bump_mem = {bump_calloc, bump_realloc, bump_free};

void bump_release(struct bump *b)
{
	for (struct bump_chunk *c = b->head, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	b->head = NULL;
	b->last = NULL;
}
