/* ynode: the located YAML node tree, its arena and its packing (see ynode.h). */
#include "yaml/ynode.h"

#include <stdlib.h>
#include <string.h>

struct ynode *ynode_new(struct arena *a, enum ynode_type t, struct loc loc)
{
	struct ynode *n = arena_alloc(a, sizeof(*n));
	n->type = t;
	n->loc = loc;
	return n;
}

struct arena *ynode_arena(size_t len)
{
	return arena_new(len * 4 + 1024);
}

/*
 * What the parsed tree shares, the packed tree shares too: an alias's copy
 * points to the anchor's strings and key arrays, and copying them for each
 * copy would make a 10 MB scalar behind 5,000 aliases 50 GB.  The packing
 * remembers each block it copied (old address to new, open addressing).
 */
struct packing {
	struct arena *a;
	const void **from;
	void **to;
	size_t cap, n;
};

static size_t slot_of(const struct packing *p, const void *from)
{
	size_t i = (size_t)(((uintptr_t)from >> 3) * 0x9e3779b97f4a7c15u) & (p->cap - 1);
	while (p->from[i] && p->from[i] != from)
		i = (i + 1) & (p->cap - 1);
	return i;
}

/*
 * The copy of the n bytes at from (a string when n is 0: its length and NUL),
 * made once; *fresh (when not NULL) says whether this call made it.
 */
static void *pack_block(struct packing *p, const void *from, size_t n, bool *fresh)
{
	if (2 * (p->n + 1) > p->cap) {
		struct packing old = *p;
		p->cap = old.cap ? old.cap * 2 : 64;
		p->from = xcalloc(p->cap, sizeof(*p->from));
		p->to = xcalloc(p->cap, sizeof(*p->to));
		for (size_t i = 0; i < old.cap; i++) {
			if (old.from[i]) {
				size_t k = slot_of(p, old.from[i]);
				p->from[k] = old.from[i];
				p->to[k] = old.to[i];
			}
		}
		free(old.from);
		free(old.to);
	}
	size_t k = slot_of(p, from);
	if (fresh)
		*fresh = !p->from[k];
	if (!p->from[k]) {
		p->from[k] = from;
		p->to[k] =
			n ? arena_memdup(p->a, from, n) : arena_strndup(p->a, from, strlen(from));
		p->n++;
	}
	return p->to[k];
}

static struct ynode *tree_pack(struct packing *p, const struct ynode *n)
{
	struct ynode *c = ynode_new(p->a, n->type, n->loc);
	c->plain = n->plain;
	if (n->type == YN_SCALAR) {
		c->scalar = pack_block(p, n->scalar, 0, NULL);
		return c;
	}
	c->n = n->n;
	if (!n->n)
		return c;
	c->items = arena_alloc(p->a, n->n * sizeof(*c->items));
	for (size_t i = 0; i < n->n; i++)
		c->items[i] = tree_pack(p, n->items[i]);
	if (n->type == YN_MAP) {
		bool fresh; /* else the keys of an alias's copy, packed already */
		c->keys = pack_block(p, n->keys, n->n * sizeof(*n->keys), &fresh);
		c->key_locs = pack_block(p, n->key_locs, n->n * sizeof(*n->key_locs), NULL);
		for (size_t i = 0; fresh && i < n->n; i++)
			c->keys[i] = pack_block(p, n->keys[i], 0, NULL);
	}
	return c;
}

struct ynode *ynode_pack(struct ynode *root)
{
	if (!root)
		return NULL;
	struct packing p = {.a = arena_new(arena_used(root->arena))};
	struct ynode *r = tree_pack(&p, root);
	r->arena = p.a;
	free(p.from);
	free(p.to);
	arena_free(root->arena);
	return r;
}

void ynode_free(struct ynode *n)
{
	if (n)
		arena_free(n->arena);
}

const struct ynode *ynode_get(const struct ynode *n, const char *key)
{
	if (!n || n->type != YN_MAP)
		return NULL;
	for (size_t i = 0; i < n->n; i++)
		if (!strcmp(n->keys[i], key))
			return n->items[i];
	return NULL;
}

bool ynode_is_null(const struct ynode *n)
{
	if (!n || n->type != YN_SCALAR || !n->plain)
		return false;
	const char *s = n->scalar;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") ||
	       !strcmp(s, "NULL");
}

const char *ynode_kind(const struct ynode *n)
{
	if (!n)
		return "nothing";
	return n->type == YN_MAP ? "a mapping" : n->type == YN_SEQ ? "a list" : "a text value";
}
