/* hooks: the site's own Lua run on every postmortem as it loads (see hooks.h). */
#include "hooks.h"

#include "fieldmap.h"
#include "fsutil.h"
#include "template.h"

#include <lauxlib.h>
#include <lua.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* One thread's Lua state with every script loaded, and its on_load functions (registry refs). */
struct hstate {
	lua_State *L;
	int *refs;
	int *lines;          /* where each on_load is defined */
	const char **scripts; /* its script's path (the hooks' own strings) */
	size_t n;
	bool ok;
};

struct hooks {
	unsigned long id; /* tells this set from one freed before at the same address */
	char **paths;
	size_t npaths;
	pthread_mutex_t lock;
	struct hstate **states;
	size_t nstates, alloc;
};

static atomic_ulong next_id = 1;
static _Thread_local struct {
	unsigned long id;
	struct hstate *st;
} mine;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct hooks *hooks_open(const char *content_dir)
{
	char *dir = path_join(content_dir, "scripts");
	struct fs_entry *files = NULL;
	size_t n = 0;
	if (fs_is_dir(dir))
		fs_walk(dir, ".lua", &files, &n);
	free(dir);
	struct hooks *h = xcalloc(1, sizeof(*h));
	h->paths = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		if (!strchr(files[i].rel, '/') && strcmp(files[i].rel, "redact.lua"))
			h->paths[h->npaths++] = xstrdup(files[i].path);
	fs_entries_free(files, n);
	if (!h->npaths) {
		free(h->paths);
		free(h);
		return NULL;
	}
	qsort(h->paths, h->npaths, sizeof(char *), cmp_str);
	h->id = atomic_fetch_add(&next_id, 1);
	pthread_mutex_init(&h->lock, NULL);
	return h;
}

void hooks_free(struct hooks *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->nstates; i++) {
		sandbox_free(h->states[i]->L);
		free(h->states[i]->refs);
		free(h->states[i]->lines);
		free(h->states[i]->scripts);
		free(h->states[i]);
	}
	free(h->states);
	for (size_t i = 0; i < h->npaths; i++)
		free(h->paths[i]);
	free(h->paths);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* Load script i into st: its on_load, if it defines one, is kept by reference. */
static int load_script(const struct hooks *h, struct hstate *st, size_t i)
{
	lua_State *L = st->L;
	if (sandbox_load(L, h->paths[i]) < 0 || sandbox_call(L, 0, 0, h->paths[i]) < 0)
		return -1;
	lua_getglobal(L, "on_load");
	if (!lua_isfunction(L, -1)) {
		lua_pop(L, 1);
		return 0;
	}
	lua_Debug ar;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	st->lines[st->n] = ar.linedefined > 0 ? ar.linedefined : 1;
	st->scripts[st->n] = h->paths[i];
	st->refs[st->n++] = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the function */
	lua_pushnil(L);
	lua_setglobal(L, "on_load"); /* the next script defines its own */
	return 0;
}

/* This thread's state for h, made on first use. */
static struct hstate *state(struct hooks *h)
{
	if (mine.id == h->id)
		return mine.st;
	struct hstate *st = xcalloc(1, sizeof(*st));
	st->L = sandbox_new();
	st->refs = xcalloc(h->npaths, sizeof(int));
	st->lines = xcalloc(h->npaths, sizeof(int));
	st->scripts = xcalloc(h->npaths, sizeof(char *));
	st->ok = true;
	for (size_t i = 0; i < h->npaths && st->ok; i++)
		st->ok = load_script(h, st, i) == 0;
	pthread_mutex_lock(&h->lock);
	ALLOC_GROW(h->states, h->nstates + 1, h->alloc);
	h->states[h->nstates++] = st;
	pthread_mutex_unlock(&h->lock);
	mine.id = h->id;
	mine.st = st;
	return st;
}

/* ---- YAML tree <-> Lua table ------------------------------------------------ */

static void push_tree(lua_State *L, const struct ynode *n, int depth)
{
	luaL_checkstack(L, 4, "fields nested too deep");
	if (n->type == YN_SCALAR) {
		lua_pushstring(L, n->scalar);
		return;
	}
	lua_createtable(L, n->type == YN_SEQ ? (int)n->n : 0, n->type == YN_MAP ? (int)n->n : 0);
	for (size_t i = 0; i < n->n && depth < YAML_MAX_DEPTH; i++) {
		push_tree(L, n->items[i], depth + 1);
		if (n->type == YN_SEQ)
			lua_rawseti(L, -2, (lua_Integer)i + 1);
		else
			lua_setfield(L, -2, n->keys[i]);
	}
}

struct back {
	struct arena *a;
	struct loc at; /* where a value a hook made is reported */
	size_t nodes;
	int ret;
};

static const struct ynode *pull_value(lua_State *L, struct back *b, const struct ynode *was, int depth);

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The table on top of L as a list (keys 1..n) or a mapping (text keys, sorted). */
static const struct ynode *pull_table(lua_State *L, struct back *b, const struct ynode *was, int depth)
{
	size_t len = lua_rawlen(L, -1), count = 0;
	bool text_keys = true;
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		count++;
		text_keys &= lua_type(L, -2) == LUA_TSTRING;
		lua_pop(L, 1);
	}
	bool seq = count == len;
	if (!seq && !text_keys) {
		b->ret = error(&b->at, "on_load returned a table with keys that are neither 1..n nor text");
		return NULL;
	}
	struct ynode *n = ynode_new(b->a, seq ? YN_SEQ : YN_MAP, was ? was->loc : b->at);
	n->items = arena_alloc(b->a, (count ? count : 1) * sizeof(*n->items));
	if (seq) {
		for (size_t i = 0; i < len && b->ret == 0; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			const struct ynode *w = was && was->type == YN_SEQ && i < was->n ? was->items[i] : NULL;
			n->items[n->n++] = (struct ynode *)pull_value(L, b, w, depth + 1);
			lua_pop(L, 1);
		}
		return b->ret ? NULL : n;
	}
	n->keys = arena_alloc(b->a, (count ? count : 1) * sizeof(char *));
	n->key_locs = arena_alloc(b->a, (count ? count : 1) * sizeof(struct loc));
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		size_t klen;
		const char *k = lua_tolstring(L, -2, &klen);
		n->keys[n->n++] = arena_strndup(b->a, k, klen);
		lua_pop(L, 1);
	}
	qsort(n->keys, n->n, sizeof(char *), cmp_key); /* the same order every run */
	for (size_t i = 0; i < n->n && b->ret == 0; i++) {
		lua_getfield(L, -1, n->keys[i]);
		const struct ynode *w = ynode_get(was, n->keys[i]);
		n->items[i] = (struct ynode *)pull_value(L, b, w, depth + 1);
		n->key_locs[i] = n->items[i] ? n->items[i]->loc : b->at;
		lua_pop(L, 1);
	}
	return b->ret ? NULL : n;
}

/* The value on top of L as a node: `was` itself when the hook left it as it was. */
static const struct ynode *pull_value(lua_State *L, struct back *b, const struct ynode *was, int depth)
{
	if (depth > YAML_MAX_DEPTH || ++b->nodes > YAML_MAX_NODES) {
		b->ret = error(&b->at, "on_load returned fields nested deeper than %d or more than %d values (a table that holds itself?)",
			       YAML_MAX_DEPTH, YAML_MAX_NODES);
		return NULL;
	}
	int t = lua_type(L, -1);
	if (t == LUA_TTABLE)
		return pull_table(L, b, was, depth);
	if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TBOOLEAN && t != LUA_TNIL) {
		b->ret = error(&b->at, "on_load returned a %s among the fields (expected text, numbers, booleans and tables)",
			       lua_typename(L, t));
		return NULL;
	}
	const char *s = t == LUA_TBOOLEAN ? (lua_toboolean(L, -1) ? "true" : "false") : t == LUA_TNIL ? "" : lua_tostring(L, -1);
	if (was && was->type == YN_SCALAR && !strcmp(was->scalar, s))
		return was;
	struct ynode *n = ynode_new(b->a, YN_SCALAR, b->at);
	n->scalar = arena_strndup(b->a, s, strlen(s));
	n->plain = t == LUA_TNIL;
	return n;
}

/* ---- on_load ------------------------------------------------------------------ */

static void explain_changes(struct explain *ex, const struct ynode *before, const struct ynode *after, const char *script)
{
	char *how = xstrfmt("hook: on_load in %s", script);
	for (size_t i = 0; i < after->n; i++) {
		if (ynode_get(before, after->keys[i]) == after->items[i])
			continue;
		ALLOC_GROW(ex->v, ex->n + 1, ex->alloc);
		struct field_source *fs = &ex->v[ex->n++];
		fs->field = xstrdup(after->keys[i]);
		fs->how = xstrdup(how);
		fs->value = after->items[i]->type == YN_SCALAR ? xstrdup(after->items[i]->scalar) : NULL;
		fs->loc = after->items[i]->loc;
	}
	free(how);
}

struct ynode *hooks_on_load(struct hooks *h, struct arena *a, const struct ynode *root, const char *path,
			    const char *rel, struct explain *ex)
{
	struct hstate *st = state(h);
	if (!st->ok)
		return NULL;
	lua_State *L = st->L;
	const struct ynode *cur = root;
	for (size_t k = 0; k < st->n; k++) {
		struct back b = {.a = a, .at = {st->scripts[k], st->lines[k], 1}};
		lua_rawgeti(L, LUA_REGISTRYINDEX, st->refs[k]);
		push_tree(L, cur, 0);
		lua_pushstring(L, rel);
		if (sandbox_call(L, 2, 1, st->scripts[k]) < 0) {
			struct loc loc = {path, 1, 1};
			note(&loc, "while on_load of %s ran on this file", st->scripts[k]);
			return NULL;
		}
		if (!lua_istable(L, -1)) {
			error(&b.at, "on_load must return the fields table (got %s) for %s", luaL_typename(L, -1), path);
			lua_pop(L, 1);
			return NULL;
		}
		const struct ynode *next = pull_value(L, &b, cur, 0);
		lua_pop(L, 1);
		if (!next)
			return NULL;
		if (next->type != YN_MAP && !(next->type == YN_SEQ && next->n == 0)) {
			error(&b.at, "on_load must return the fields table as a mapping (got a list) for %s", path);
			return NULL;
		}
		if (ex && next->type == YN_MAP)
			explain_changes(ex, cur, next, st->scripts[k]);
		cur = next;
	}
	if (cur->type != YN_MAP) { /* {} comes back as an empty list */
		struct ynode *m = ynode_new(a, YN_MAP, root->loc);
		cur = m;
	}
	return (struct ynode *)cur;
}
