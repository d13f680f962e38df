/* yamltree: YAML to a located node tree, by yamlfast or from libyaml's events (see yamltree.h). */
#include "yamltree.h"

#include "yamlfast.h"

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

static struct ynode *node_new(enum ynode_type t, struct loc loc)
{
	struct ynode *n = xcalloc(1, sizeof(*n));
	n->type = t;
	n->loc = loc;
	return n;
}

static size_t tree_size(const struct ynode *n)
{
	size_t s = 1;
	for (size_t i = 0; n->type != YN_SCALAR && i < n->n; i++)
		s += tree_size(n->items[i]);
	return s;
}

static struct ynode *tree_copy(const struct ynode *n)
{
	struct ynode *c = node_new(n->type, n->loc);
	c->plain = n->plain;
	c->scalar = n->scalar ? xstrdup(n->scalar) : NULL;
	c->n = n->n;
	if (n->type != YN_SCALAR) {
		c->items = xcalloc(n->n ? n->n : 1, sizeof(*c->items));
		for (size_t i = 0; i < n->n; i++)
			c->items[i] = tree_copy(n->items[i]);
	}
	if (n->type == YN_MAP) {
		c->keys = xcalloc(n->n ? n->n : 1, sizeof(char *));
		c->key_locs = xcalloc(n->n ? n->n : 1, sizeof(struct loc));
		for (size_t i = 0; i < n->n; i++) {
			c->keys[i] = xstrdup(n->keys[i]);
			c->key_locs[i] = n->key_locs[i];
		}
	}
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
	return error(&loc, "invalid YAML: %s%s%s", b->parser.problem ? b->parser.problem : "syntax error",
		     b->parser.context ? " " : "", b->parser.context ? b->parser.context : "");
}

static int count_node(struct builder *b, const struct loc *loc, size_t add)
{
	b->nodes += add;
	if (b->nodes > YAML_MAX_NODES)
		return error(loc, "YAML document too large (more than %d nodes after expanding aliases)", YAML_MAX_NODES);
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

static int parse_seq(struct builder *b, struct ynode *n, int depth)
{
	size_t alloc = 0;
	for (;;) {
		yaml_event_t ev;
		if (next_event(b, &ev) < 0)
			return -1;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		struct ynode *item = NULL;
		int r = parse_node(b, &ev, depth + 1, &item);
		yaml_event_delete(&ev);
		if (r < 0)
			return -1;
		ALLOC_GROW(n->items, n->n + 1, alloc);
		n->items[n->n++] = item;
	}
}

static int parse_map(struct builder *b, struct ynode *n, int depth)
{
	size_t alloc = 0, kalloc = 0, lalloc = 0;
	for (;;) {
		yaml_event_t ev;
		if (next_event(b, &ev) < 0)
			return -1;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return 0;
		}
		struct loc kloc = mark_loc(b, ev.start_mark);
		if (ev.type != YAML_SCALAR_EVENT) {
			yaml_event_delete(&ev);
			return error(&kloc, "keys must be plain text (got a list or mapping as a key)");
		}
		char *key = xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
		yaml_event_delete(&ev);
		for (size_t i = 0; i < n->n; i++) {
			if (!strcmp(n->keys[i], key)) {
				error(&kloc, "duplicate key \"%s\" (first at line %d)", key, n->key_locs[i].line);
				free(key);
				return -1;
			}
		}
		if (next_event(b, &ev) < 0) {
			free(key);
			return -1;
		}
		struct ynode *val = NULL;
		int r = parse_node(b, &ev, depth + 1, &val);
		yaml_event_delete(&ev);
		if (r < 0) {
			free(key);
			return -1;
		}
		ALLOC_GROW(n->items, n->n + 1, alloc);
		ALLOC_GROW(n->keys, n->n + 1, kalloc);
		ALLOC_GROW(n->key_locs, n->n + 1, lalloc);
		n->items[n->n] = val;
		n->keys[n->n] = key;
		n->key_locs[n->n++] = kloc;
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
		*out = tree_copy(b->anchors[i].node);
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
		n = node_new(YN_SCALAR, loc);
		n->scalar = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		remember_anchor(b, ev->data.scalar.anchor, n);
		break;
	case YAML_SEQUENCE_START_EVENT:
		n = node_new(YN_SEQ, loc);
		r = parse_seq(b, n, depth);
		if (r == 0)
			remember_anchor(b, ev->data.sequence_start.anchor, n);
		break;
	case YAML_MAPPING_START_EVENT:
		n = node_new(YN_MAP, loc);
		r = parse_map(b, n, depth);
		if (r == 0)
			remember_anchor(b, ev->data.mapping_start.anchor, n);
		break;
	default:
		return error(&loc, "invalid YAML: unexpected event");
	}
	if (r < 0) {
		ynode_free(n);
		return -1;
	}
	*out = n;
	return 0;
}

int yaml_parse(const char *file, const char *text, size_t len, int first_line, struct ynode **out)
{
	if (yaml_fast_parse(file, text, len, first_line, out) == 0)
		return 0;
	return yaml_parse_libyaml(file, text, len, first_line, out);
}

int yaml_parse_libyaml(const char *file, const char *text, size_t len, int first_line, struct ynode **out)
{
	struct builder b = {.file = file, .line0 = first_line};
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
	if (ret < 0) {
		ynode_free(*out);
		*out = NULL;
	}
	for (size_t i = 0; i < b.nanchors; i++)
		free(b.anchors[i].name);
	free(b.anchors);
	yaml_parser_delete(&b.parser);
	return ret;
}

void ynode_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; n->type != YN_SCALAR && i < n->n; i++) {
		ynode_free(n->items[i]);
		if (n->type == YN_MAP)
			free(n->keys[i]);
	}
	free(n->items);
	free(n->keys);
	free(n->key_locs);
	free(n->scalar);
	free(n);
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
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

const char *ynode_kind(const struct ynode *n)
{
	if (!n)
		return "nothing";
	return n->type == YN_MAP ? "a mapping" : n->type == YN_SEQ ? "a list" : "a text value";
}
