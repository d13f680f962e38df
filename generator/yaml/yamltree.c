/* yamltree: YAML to a located node tree, by yamlfast or from libyaml's events (see yamltree.h). */
#include "yaml/yamltree.h"

#include "yaml/yamlfast.h"

#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct anchor {
	char *name;
	struct ynode *node;
	size_t size; /* nodes in the subtree */
};

struct builder {
	yaml_parser_t parser;
	struct arena *mem;
	const char *file;
	int line0;
	size_t nodes;
	struct anchor *anchors;
	size_t nanchors, anchors_alloc;
};

static struct loc mark_loc(const struct builder *b, yaml_mark_t m)
{
	return (struct loc){b->file, (int)m.line + b->line0, (int)m.column + 1};
}

/* Arrays items, keys, key_locs (keys and key_locs when a mapping) of count nodes, copied into the arena. */
static void set_children(struct arena *a, struct ynode *n, struct ynode *const *items,
			 char *const *keys, const struct loc *key_locs, size_t count)
{
	n->n = count;
	n->items = arena_memdup(a, items, count * sizeof(*items));
	if (n->type != YN_MAP)
		return;
	n->keys = arena_memdup(a, keys, count * sizeof(*keys));
	n->key_locs = arena_memdup(a, key_locs, count * sizeof(*key_locs));
}

static size_t tree_size(const struct ynode *n)
{
	size_t s = 1;
	for (size_t i = 0; n->type != YN_SCALAR && i < n->n; i++)
		s += tree_size(n->items[i]);
	return s;
}

/* A copy of n in arena a (an alias: strings and locations may be shared, they never change). */
static struct ynode *tree_copy(struct arena *a, const struct ynode *n)
{
	struct ynode *c = ynode_new(a, n->type, n->loc);
	c->plain = n->plain;
	c->scalar = n->scalar;
	c->n = n->n;
	if (n->type != YN_SCALAR) {
		c->items = arena_alloc(a, n->n * sizeof(*c->items));
		for (size_t i = 0; i < n->n; i++)
			c->items[i] = tree_copy(a, n->items[i]);
	}
	c->keys = n->keys;
	c->key_locs = n->key_locs;
	return c;
}

static int next_event(struct builder *b, yaml_event_t *ev)
{
	if (yaml_parser_parse(&b->parser, ev))
		return 0;
	yaml_mark_t m = b->parser.problem_mark;
	struct loc loc = mark_loc(b, m);
	if (b->parser.problem_offset == 0 && m.line == 0 && m.column == 0)
		loc = mark_loc(b, b->parser.context_mark);
	return error(&loc, "invalid YAML: %s%s%s",
		     b->parser.problem ? b->parser.problem : "syntax error",
		     b->parser.context ? " " : "", b->parser.context ? b->parser.context : "");
}

static int count_node(struct builder *b, const struct loc *loc, size_t add)
{
	b->nodes += add;
	if (b->nodes > YAML_MAX_NODES)
		return error(loc,
			     "YAML document too large (more than %d nodes after expanding aliases)",
			     YAML_MAX_NODES);
	return 0;
}

static void remember_anchor(struct builder *b, const yaml_char_t *name, struct ynode *n)
{
	if (!name)
		return;
	ALLOC_GROW(b->anchors, b->nanchors + 1, b->anchors_alloc);
	b->anchors[b->nanchors++] = (struct anchor){xstrdup((const char *)name), n, tree_size(n)};
}

static int parse_node(struct builder *b, yaml_event_t *ev, int depth, struct ynode **out);

/* The children of a list or mapping being read (copied into the arena at its end). */
struct children {
	struct ynode **items;
	char **keys;
	struct loc *key_locs;
	size_t n, alloc, kalloc, lalloc;
};

static int children_done(struct builder *b, struct ynode *n, struct children *c, int ret)
{
	if (ret == 0)
		set_children(b->mem, n, c->items, c->keys, c->key_locs, c->n);
	free(c->items);
	free(c->keys);
	free(c->key_locs);
	return ret;
}

static int parse_seq(struct builder *b, struct ynode *n, int depth)
{
	struct children c = {0};
	for (;;) {
		yaml_event_t ev;
		if (next_event(b, &ev) < 0)
			return children_done(b, n, &c, -1);
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return children_done(b, n, &c, 0);
		}
		struct ynode *item = NULL;
		int r = parse_node(b, &ev, depth + 1, &item);
		yaml_event_delete(&ev);
		if (r < 0)
			return children_done(b, n, &c, -1);
		ALLOC_GROW(c.items, c.n + 1, c.alloc);
		c.items[c.n++] = item;
	}
}

static int parse_map(struct builder *b, struct ynode *n, int depth)
{
	struct children c = {0};
	for (;;) {
		yaml_event_t ev;
		if (next_event(b, &ev) < 0)
			return children_done(b, n, &c, -1);
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return children_done(b, n, &c, 0);
		}
		struct loc kloc = mark_loc(b, ev.start_mark);
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			error(&kloc, "keys must be plain text (got a list or mapping as a key)");
			return children_done(b, n, &c, -1);
		}
		char *key = arena_strndup(b->mem, (const char *)ev.data.scalar.value,
					  ev.data.scalar.length);
		yaml_event_delete(&ev);
		for (size_t i = 0; i < c.n; i++) {
			if (!strcmp(c.keys[i], key)) {
				error(&kloc, "duplicate key \"%s\" (first at line %d)", key,
				      c.key_locs[i].line);
				return children_done(b, n, &c, -1);
			}
		}
		if (next_event(b, &ev) < 0)
			return children_done(b, n, &c, -1);
		struct ynode *val = NULL;
		int r = parse_node(b, &ev, depth + 1, &val);
		yaml_event_delete(&ev);
		if (r < 0)
			return children_done(b, n, &c, -1);
		ALLOC_GROW(c.items, c.n + 1, c.alloc);
		ALLOC_GROW(c.keys, c.n + 1, c.kalloc);
		ALLOC_GROW(c.key_locs, c.n + 1, c.lalloc);
		c.items[c.n] = val;
		c.keys[c.n] = key;
		c.key_locs[c.n++] = kloc;
	}
}

static int parse_alias(struct builder *b, yaml_event_t *ev, struct ynode **out)
{
	struct loc loc = mark_loc(b, ev->start_mark);
	const char *name = (const char *)ev->data.alias.anchor;
	for (size_t i = b->nanchors; i-- > 0;) {
		if (strcmp(b->anchors[i].name, name))
			continue;
		if (count_node(b, &loc, b->anchors[i].size) < 0)
			return -1;
		*out = tree_copy(b->mem, b->anchors[i].node);
		return 0;
	}
	return error(&loc, "unknown YAML alias \"*%s\" (no anchor \"&%s\" before it)", name, name);
}

static int parse_node(struct builder *b, yaml_event_t *ev, int depth, struct ynode **out)
{
	struct loc loc = mark_loc(b, ev->start_mark);
	if (depth > YAML_MAX_DEPTH)
		return error(&loc, "YAML nested too deeply (more than %d levels)", YAML_MAX_DEPTH);
	if (ev->type == YAML_ALIAS_EVENT)
		return parse_alias(b, ev, out);
	if (count_node(b, &loc, 1) < 0)
		return -1;
	struct ynode *n;
	int r = 0;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		n = ynode_new(b->mem, YN_SCALAR, loc);
		n->scalar = arena_strndup(b->mem, (const char *)ev->data.scalar.value,
					  ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		remember_anchor(b, ev->data.scalar.anchor, n);
		break;
	case YAML_SEQUENCE_START_EVENT:
		n = ynode_new(b->mem, YN_SEQ, loc);
		r = parse_seq(b, n, depth);
		if (r == 0)
			remember_anchor(b, ev->data.sequence_start.anchor, n);
		break;
	case YAML_MAPPING_START_EVENT:
		n = ynode_new(b->mem, YN_MAP, loc);
		r = parse_map(b, n, depth);
		if (r == 0)
			remember_anchor(b, ev->data.mapping_start.anchor, n);
		break;
	default: return error(&loc, "invalid YAML: unexpected event");
	}
	if (r < 0)
		return -1; /* n is freed with the arena */
	*out = n;
	return 0;
}

int yaml_parse(const char *file, const char *text, size_t len, int first_line, struct ynode **out)
{
	if (yaml_fast_parse(file, text, len, first_line, out) == 0)
		return 0;
	return yaml_parse_libyaml(file, text, len, first_line, out);
}

int yaml_parse_libyaml(const char *file, const char *text, size_t len, int first_line,
		       struct ynode **out)
{
	struct builder b = {.file = file, .line0 = first_line, .mem = ynode_arena(len)};
	yaml_event_t ev;
	int ret = -1;
	*out = NULL;
	yaml_parser_initialize(&b.parser);
	yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
	/* STREAM-START, then DOCUMENT-START or STREAM-END. */
	if (next_event(&b, &ev) < 0)
		goto out;
	yaml_event_delete(&ev);
	if (next_event(&b, &ev) < 0)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		ret = 0;
		goto out;
	}
	yaml_event_delete(&ev);
	if (next_event(&b, &ev) < 0)
		goto out;
	int r = parse_node(&b, &ev, 0, out);
	yaml_event_delete(&ev);
	if (r < 0)
		goto out;
	if (next_event(&b, &ev) < 0) /* DOCUMENT-END */
		goto out;
	yaml_event_delete(&ev);
	if (next_event(&b, &ev) < 0)
		goto out;
	if (ev.type == YAML_DOCUMENT_START_EVENT) {
		struct loc loc = mark_loc(&b, ev.start_mark);
		yaml_event_delete(&ev);
		error(&loc, "more than one YAML document (expected one)");
		goto out;
	}
	yaml_event_delete(&ev);
	ret = 0;
out:
	if (ret < 0 || !*out) {
		arena_free(b.mem);
		*out = NULL;
	} else {
		(*out)->arena = b.mem;
	}
	for (size_t i = 0; i < b.nanchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	yaml_parser_delete(&b.parser);
	return ret;
}
