/* yamlfast: common block YAML without libyaml (see yamlfast.h). */
#include "yaml/yamlfast.h"

#include <stdlib.h>
#include <string.h>

/* Declined: the text is outside the subset (yaml_parse() then runs libyaml). */
#define DECLINE 1

/*
 * The children of the lists and mappings being read, innermost last: a
 * list or mapping pushes its children as it reads them (a nested one pushes
 * and takes back its own above them first) and copies them into the arena
 * at its end, so its arrays are allocated once, at their final size.
 */
struct child {
	struct ynode *node;
	const char *key; /* in the text (mappings) */
	size_t klen;
	struct loc key_loc;
};

struct fast {
	const char *text, *end;
	const char *file;
	int line0;
	size_t nodes;
	const char *cur, *eol; /* the current line (cur == end: no more) */
	int lineno;	       /* of cur, from 0 */
	struct arena *mem;
	struct child *stack;
	size_t nstack, stack_alloc;
};

/*
 * Only text libyaml reads the same way: valid UTF-8 of printable characters
 * (as its reader checks them), '\n' as the only line break, no tab, no byte
 * order mark, no Unicode line separators; no line starting a document.  In
 * valid UTF-8 those characters are these byte sequences: C1 controls
 * (U+0080..U+009F) C2 80..9F, U+2028 and U+2029 E2 80 A8/A9, U+FEFF EF BB
 * BF, U+FFFE and U+FFFF EF BF BE/BF.
 */
static bool plain_text(const char *text, size_t len)
{
	if (utf8_valid(text, len) != len)
		return false;
	const unsigned char *s = (const unsigned char *)text, *e = s + len;
	for (bool bol = true; s < e; s++) {
		unsigned char c = *s;
		if (bol && e - s >= 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))
			return false;
		bol = c == '\n';
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			return false;
		if (c == 0xc2 && s[1] < 0xa0)
			return false;
		if (c == 0xe2 && s[1] == 0x80 && (s[2] == 0xa8 || s[2] == 0xa9))
			return false;
		if (c == 0xef && ((s[1] == 0xbb && s[2] == 0xbf) || (s[1] == 0xbf && s[2] >= 0xbe)))
			return false;
	}
	return true;
}

/* Where p (on the current line) is, in characters as libyaml and every diagnostic count (diag.h). */
static struct loc loc_at(const struct fast *f, const char *p)
{
	return (struct loc){f->file, f->line0 + f->lineno,
			    diag_column(f->cur, (size_t)(p - f->cur))};
}

static void set_line(struct fast *f, const char *start)
{
	f->cur = start;
	const char *nl = start < f->end ? memchr(start, '\n', (size_t)(f->end - start)) : NULL;
	f->eol = nl ? nl : f->end;
}

/* Move to the next line that is not blank or a comment; its indent, or -1 at the end. */
static int next_content(struct fast *f, bool skip_current)
{
	if (skip_current) {
		if (f->eol == f->end) {
			set_line(f, f->end);
			return -1;
		}
		set_line(f, f->eol + 1);
		f->lineno++;
	}
	for (;;) {
		if (f->cur == f->end)
			return -1;
		const char *p = f->cur;
		while (p < f->eol && *p == ' ')
			p++;
		if (p < f->eol && *p != '#')
			return (int)(p - f->cur);
		if (f->eol == f->end) {
			set_line(f, f->end);
			return -1;
		}
		set_line(f, f->eol + 1);
		f->lineno++;
	}
}

static bool key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

/* The length of a key at p ("name" of "name: ..."), or 0 when p does not start one. */
static size_t key_at(const struct fast *f, const char *p)
{
	const char *q = p;
	if (q == f->eol || !key_char(*q) || *q == '-')
		return 0;
	while (q < f->eol && key_char(*q))
		q++;
	if (q == f->eol || *q != ':' || q - p > 1000)
		return 0;
	if (q + 1 < f->eol && q[1] != ' ')
		return 0;
	return (size_t)(q - p);
}

/* A node of type t that starts at `at` on the current line. */
static struct ynode *node_at(const struct fast *f, enum ynode_type t, const char *at)
{
	return ynode_new(f->mem, t, loc_at(f, at));
}

static struct ynode *scalar_new(const struct fast *f, const char *at, const char *text, size_t len,
				bool plain)
{
	struct ynode *n = node_at(f, YN_SCALAR, at);
	n->scalar = arena_strndup(f->mem, text, len);
	n->plain = plain;
	return n;
}

static void push(struct fast *f, struct ynode *node, const char *key, size_t klen,
		 struct loc key_loc)
{
	ALLOC_GROW(f->stack, f->nstack + 1, f->stack_alloc);
	f->stack[f->nstack++] = (struct child){node, key, klen, key_loc};
}

/* n's children: what was pushed from `base` on (taken off the stack). */
static struct ynode *pop_children(struct fast *f, struct ynode *n, size_t base)
{
	size_t k = f->nstack - base;
	const struct child *c = f->stack + base;
	n->n = k;
	n->items = arena_alloc(f->mem, k * sizeof(*n->items));
	for (size_t i = 0; i < k; i++)
		n->items[i] = c[i].node;
	if (n->type == YN_MAP) {
		n->keys = arena_alloc(f->mem, k * sizeof(*n->keys));
		n->key_locs = arena_alloc(f->mem, k * sizeof(*n->key_locs));
		for (size_t i = 0; i < k; i++) {
			n->keys[i] = arena_strndup(f->mem, c[i].key, c[i].klen);
			n->key_locs[i] = c[i].key_loc;
		}
	}
	f->nstack = base;
	return n;
}

static bool count(struct fast *f)
{
	return ++f->nodes <= YAML_MAX_NODES;
}

/* After a value: blanks, then the end of the line or a comment. */
static bool line_done(const struct fast *f, const char *p)
{
	const char *q = p;
	while (q < f->eol && *q == ' ')
		q++;
	return q == f->eol || (*q == '#' && q > p);
}

/* Characters that make libyaml read something other than a plain scalar at its start. */
static bool indicator(char c)
{
	return strchr("-?:,[]{}#&*!|>'\"%@`", c) != NULL;
}

/* A plain scalar of a flow list [a, b]: up to ',' or ']'; *p moves past it. */
static struct ynode *flow_item(struct fast *f, const char **p)
{
	const char *s = *p, *q = s;
	if (q == f->eol || indicator(*q) || *q == ' ')
		return NULL;
	while (q < f->eol && *q != ',' && *q != ']') {
		if (strchr("[]{}#:", *q))
			return NULL;
		q++;
	}
	const char *e = q;
	while (e > s && e[-1] == ' ')
		e--;
	if (q == f->eol || !count(f))
		return NULL;
	*p = q;
	return scalar_new(f, s, s, (size_t)(e - s), true);
}

static struct ynode *flow_seq(struct fast *f, const char *open, int depth)
{
	if (depth + 1 > YAML_MAX_DEPTH || !count(f))
		return NULL;
	struct ynode *n = node_at(f, YN_SEQ, open);
	size_t base = f->nstack;
	const char *p = open + 1;
	while (p < f->eol && *p == ' ')
		p++;
	if (p < f->eol && *p == ']')
		return line_done(f, p + 1) ? n : NULL;
	for (;;) {
		struct ynode *item = flow_item(f, &p);
		if (!item)
			return NULL; /* declined: the arena goes, the stack is left as it is */
		push(f, item, NULL, 0, (struct loc){0});
		if (*p == ']')
			break;
		p++; /* ',' */
		while (p < f->eol && *p == ' ')
			p++;
	}
	if (!line_done(f, p + 1))
		return NULL;
	return pop_children(f, n, base);
}

/* A one-line quoted scalar: "..." without escapes, or '...' with '' for a quote. */
static struct ynode *quoted(struct fast *f, const char *open)
{
	char q = *open;
	const char *p = open + 1;
	size_t quotes = 0; /* '' pairs */
	for (;;) {
		if (p == f->eol || (q == '"' && *p == '\\'))
			return NULL;
		if (*p == q) {
			if (q == '\'' && p + 1 < f->eol && p[1] == '\'') {
				quotes++;
				p += 2;
				continue;
			}
			break;
		}
		p++;
	}
	if (!line_done(f, p + 1) || !count(f))
		return NULL;
	struct ynode *n = node_at(f, YN_SCALAR, open);
	size_t len = (size_t)(p - open - 1) - quotes;
	char *s = arena_alloc(f->mem, len + 1), *w = s;
	for (const char *r = open + 1; r < p; r++) {
		*w++ = *r;
		if (q == '\'' && *r == '\'')
			r++; /* the second of '' */
	}
	*w = '\0';
	n->scalar = s;
	return n;
}

/* A plain scalar to the end of the line (or a comment). */
static struct ynode *plain(struct fast *f, const char *s)
{
	const char *q = s;
	while (q < f->eol) {
		if (*q == ':' && (q + 1 == f->eol || q[1] == ' '))
			return NULL; /* libyaml: a mapping value here */
		if (*q == ' ' && q + 1 < f->eol && q[1] == '#')
			break;
		q++;
	}
	while (q > s && q[-1] == ' ')
		q--;
	if (!count(f))
		return NULL;
	return scalar_new(f, s, s, (size_t)(q - s), true);
}

/* The value that starts at p on the current line; NULL: declined. */
static struct ynode *inline_value(struct fast *f, const char *p, int depth)
{
	if (depth > YAML_MAX_DEPTH)
		return NULL;
	if (*p == '[')
		return flow_seq(f, p, depth);
	if (*p == '"' || *p == '\'')
		return quoted(f, p);
	if (indicator(*p))
		return NULL;
	return plain(f, p);
}

static struct ynode *block_map(struct fast *f, int indent, const char *first, int depth);

/* Items "- x" at `indent`, from the current line. */
static struct ynode *block_seq(struct fast *f, int indent, int depth)
{
	if (depth > YAML_MAX_DEPTH || !count(f))
		return NULL;
	struct ynode *n = node_at(f, YN_SEQ, f->cur + indent);
	size_t base = f->nstack;
	for (;;) {
		const char *dash = f->cur + indent;
		if (dash + 1 >= f->eol || dash[1] != ' ')
			goto decline; /* "-" alone: a nested block */
		const char *c = dash + 1;
		while (c < f->eol && *c == ' ')
			c++;
		struct ynode *item;
		int next;
		if (key_at(f, c)) {
			item = block_map(f, (int)(c - f->cur), c, depth + 1);
			next = f->cur == f->end ? -1 : next_content(f, false);
		} else {
			item = c < f->eol ? inline_value(f, c, depth + 1) : NULL;
			next = item ? next_content(f, true) : 0;
		}
		if (!item)
			return NULL;
		push(f, item, NULL, 0, (struct loc){0});
		if (next < indent || (next == indent && f->cur[indent] != '-'))
			return pop_children(f, n, base);
		if (next > indent)
			return NULL;
	}
decline:
	return NULL; /* the arena goes with the whole tree */
}

/*
 * `key: value` lines at `indent`, the first key at `first` on the current
 * line (after "- " for a mapping in a list).  Returns with the current line
 * the first one after the mapping (or at the end).
 */
static struct ynode *block_map(struct fast *f, int indent, const char *first, int depth)
{
	if (depth > YAML_MAX_DEPTH || !count(f))
		return NULL;
	struct ynode *n = node_at(f, YN_MAP, first);
	size_t base = f->nstack;
	const char *k = first;
	for (;;) {
		size_t klen = key_at(f, k);
		if (!klen)
			return NULL;
		for (size_t i = base; i < f->nstack; i++)
			if (f->stack[i].klen == klen && !memcmp(f->stack[i].key, k, klen))
				return NULL; /* a duplicate: libyaml's path reports it */
		if (!count(f))
			goto decline;
		struct loc kloc = loc_at(f, k);
		const char *v = k + klen + 1;
		while (v < f->eol && *v == ' ')
			v++;
		struct ynode *val;
		int next;
		if (v == f->eol || *v == '#') { /* the value is the block below */
			next = next_content(f, true);
			if (next > indent && f->cur[next] == '-')
				val = block_seq(f, next, depth + 1);
			else if (next > indent)
				val = block_map(f, next, f->cur + next, depth + 1);
			else if (next == indent && f->cur[next] == '-')
				val = block_seq(f, next, depth + 1);
			else
				goto decline; /* an empty value */
			if (!val)
				goto decline;
			next = f->cur == f->end ? -1 : next_content(f, false);
		} else {
			val = inline_value(f, v, depth + 1);
			if (!val)
				goto decline;
			next = next_content(f, true);
		}
		push(f, val, k, klen, kloc);
		if (next < indent)
			return pop_children(f, n, base);
		if (next > indent)
			return NULL;
		k = f->cur + indent;
	}
decline:
	return NULL; /* the arena goes with the whole tree */
}

int yaml_fast_parse(const char *file, const char *text, size_t len, int first_line,
		    struct ynode **out)
{
	*out = NULL;
	if (!plain_text(text, len))
		return DECLINE;
	struct fast f = {.text = text, .end = text + len, .file = file, .line0 = first_line};
	set_line(&f, text);
	if (next_content(&f, false) != 0)
		return DECLINE; /* empty, or indented: libyaml */
	f.mem = ynode_arena(len);
	struct ynode *root = block_map(&f, 0, f.cur, 0);
	free(f.stack);
	if (!root || f.cur != f.end) {
		arena_free(f.mem);
		return DECLINE;
	}
	root->arena = f.mem;
	*out = root;
	return 0;
}
