/* hooks: the site's own Lua run on every postmortem as it loads (see hooks.h). */
#include "load/hooks.h"

#include "lua/luaglue.h"

#include "base/fsutil.h"
#include "lua/sandbox.h"
#include "model/fieldsource.h"
#include "model/model.h"
#include "model/siteconfig.h"

#include <lauxlib.h>
#include <lua.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* One thread's Lua state with every script loaded, and its on_load functions (registry refs). */
struct hfunc {
	int ref;	    /* registry reference */
	int line;	    /* where it is defined */
	const char *script; /* its script's path (the hooks' own strings) */
};

struct hstate {
	lua_State *L;
	struct hfunc *load, *pm; /* on_load and on_postmortem of each script, in file order */
	size_t nload, npm;
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
		free(h->states[i]->load);
		free(h->states[i]->pm);
		free(h->states[i]);
	}
	free(h->states);
	for (size_t i = 0; i < h->npaths; i++)
		free(h->paths[i]);
	free(h->paths);
	pthread_mutex_destroy(&h->lock);
	free(h);
}

/* Global `name`, when the script just run defined it as a function, into *fn (and the global cleared). */
static void take(lua_State *L, const char *name, const char *script, struct hfunc *fn, size_t *n)
{
	lua_getglobal(L, name);
	if (!lua_isfunction(L, -1)) {
		lua_pop(L, 1);
		return;
	}
	lua_Debug ar;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	fn[*n].line = ar.linedefined > 0 ? ar.linedefined : 1;
	fn[*n].script = script;
	fn[(*n)++].ref = luaL_ref(L, LUA_REGISTRYINDEX); /* pops the function */
	lua_pushnil(L);
	lua_setglobal(L, name); /* the next script defines its own */
}

/* Run script i in st, keeping its on_load and on_postmortem. */
static int load_script(const struct hooks *h, struct hstate *st, size_t i)
{
	if (sandbox_load(st->L, h->paths[i]) < 0 || sandbox_call(st->L, 0, 0, h->paths[i]) < 0)
		return -1;
	take(st->L, "on_load", h->paths[i], st->load, &st->nload);
	take(st->L, "on_postmortem", h->paths[i], st->pm, &st->npm);
	return 0;
}

/* This thread's state for h, made on first use. */
static struct hstate *state(struct hooks *h)
{
	if (mine.id == h->id)
		return mine.st;
	struct hstate *st = xcalloc(1, sizeof(*st));
	st->L = sandbox_new();
	st->load = xcalloc(h->npaths, sizeof(*st->load));
	st->pm = xcalloc(h->npaths, sizeof(*st->pm));
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

struct back {
	struct arena *a;
	struct loc at; /* where a value a hook made is reported */
	size_t nodes;
	int ret;
};

static const struct ynode *pull_value(lua_State *L, struct back *b, const struct ynode *was,
				      int depth);

/* The table on top of L as a list (keys 1..n) or a mapping (text keys, sorted). */
static const struct ynode *pull_table(lua_State *L, struct back *b, const struct ynode *was,
				      int depth)
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
		b->ret = error(&b->at,
			       "on_load returned a table with keys that are neither 1..n nor text");
		return NULL;
	}
	struct ynode *n = ynode_new(b->a, seq ? YN_SEQ : YN_MAP, was ? was->loc : b->at);
	n->items = arena_alloc(b->a, (count ? count : 1) * sizeof(*n->items));
	if (seq) {
		for (size_t i = 0; i < len && b->ret == 0; i++) {
			lua_rawgeti(L, -1, (lua_Integer)i + 1);
			const struct ynode *w =
				was && was->type == YN_SEQ && i < was->n ? was->items[i] : NULL;
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
	qsort(n->keys, n->n, sizeof(char *), cmp_str); /* the same order every run */
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
static const struct ynode *pull_value(lua_State *L, struct back *b, const struct ynode *was,
				      int depth)
{
	if (depth > YAML_MAX_DEPTH || ++b->nodes > YAML_MAX_NODES) {
		b->ret = error(
			&b->at,
			"on_load returned fields nested deeper than %d or more than %d values (a table that holds itself?)",
			YAML_MAX_DEPTH, YAML_MAX_NODES);
		return NULL;
	}
	int t = lua_type(L, -1);
	if (t == LUA_TTABLE)
		return pull_table(L, b, was, depth);
	if (t != LUA_TSTRING && t != LUA_TNUMBER && t != LUA_TBOOLEAN && t != LUA_TNIL) {
		b->ret = error(
			&b->at,
			"on_load returned a %s among the fields (expected text, numbers, booleans and tables)",
			lua_typename(L, t));
		return NULL;
	}
	const char *s = t == LUA_TBOOLEAN ? (lua_toboolean(L, -1) ? "true" : "false")
			: t == LUA_TNIL	  ? ""
					  : lua_tostring(L, -1);
	if (was && was->type == YN_SCALAR && !strcmp(was->scalar, s))
		return was;
	struct ynode *n = ynode_new(b->a, YN_SCALAR, b->at);
	n->scalar = arena_strndup(b->a, s, strlen(s));
	n->plain = t == LUA_TNIL;
	return n;
}

/* ---- on_load ------------------------------------------------------------------ */

static void explain_changes(struct explain *ex, const struct ynode *before,
			    const struct ynode *after, const char *script)
{
	char *how = xstrfmt("hook: on_load in %s", script);
	for (size_t i = 0; i < after->n; i++) {
		if (ynode_get(before, after->keys[i]) == after->items[i])
			continue;
		ALLOC_GROW(ex->v, ex->n + 1, ex->alloc);
		struct field_source *fs = &ex->v[ex->n++];
		fs->field = xstrdup(after->keys[i]);
		fs->how = xstrdup(how);
		fs->value = after->items[i]->type == YN_SCALAR ? xstrdup(after->items[i]->scalar)
							       : NULL;
		fs->loc = after->items[i]->loc;
	}
	free(how);
}

struct ynode *hooks_on_load(struct hooks *h, struct arena *a, const struct ynode *root,
			    const char *path, const char *rel, struct explain *ex)
{
	struct hstate *st = state(h);
	if (!st->ok)
		return NULL;
	lua_State *L = st->L;
	const struct ynode *cur = root;
	for (size_t k = 0; k < st->nload; k++) {
		const struct hfunc *fn = &st->load[k];
		struct back b = {.a = a, .at = {fn->script, fn->line, 1}};
		lua_rawgeti(L, LUA_REGISTRYINDEX, fn->ref);
		push_ynode(L, cur);
		lua_pushstring(L, rel);
		if (sandbox_call(L, 2, 1, fn->script) < 0) {
			struct loc loc = {path, 1, 1};
			note(&loc, "while on_load of %s ran on this file", fn->script);
			return NULL;
		}
		if (!lua_istable(L, -1)) {
			error(&b.at, "on_load must return the fields table (got %s) for %s",
			      luaL_typename(L, -1), path);
			lua_pop(L, 1);
			return NULL;
		}
		const struct ynode *next = pull_value(L, &b, cur, 0);
		lua_pop(L, 1);
		if (!next)
			return NULL;
		if (next->type != YN_MAP && !(next->type == YN_SEQ && next->n == 0)) {
			error(&b.at,
			      "on_load must return the fields table as a mapping (got a list) for %s",
			      path);
			return NULL;
		}
		if (ex && next->type == YN_MAP)
			explain_changes(ex, cur, next, fn->script);
		cur = next;
	}
	if (cur->type != YN_MAP) { /* {} comes back as an empty list */
		struct ynode *m = ynode_new(a, YN_MAP, root->loc);
		cur = m;
	}
	return (struct ynode *)cur;
}

/* ---- on_postmortem ------------------------------------------------------------- */

static void set_s(lua_State *L, const char *k, const char *v)
{
	if (v) {
		lua_pushstring(L, v);
		lua_setfield(L, -2, k);
	}
}

static void set_when_s(lua_State *L, const char *k, const struct when *w)
{
	char iso[21];
	if (!w->set)
		return;
	when_iso(w, iso);
	set_s(L, k, iso);
}

static void push_names(lua_State *L, const char *k, const struct term *t, size_t n)
{
	lua_createtable(L, (int)n, 0);
	for (size_t i = 0; i < n; i++) {
		lua_pushstring(L, t[i].name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, k);
}

/* Whether a public build strips `field` (public.strip): hooks then do not see it. */
static bool hidden(const struct site *s, bool public_build, const char *field)
{
	for (size_t i = 0; public_build && i < s->nstrip; i++)
		if (!strcmp(s->strip[i], field))
			return true;
	return false;
}

/* The validated postmortem as hooks see it: our fields, typed values as text (public.strip's left out in a public build). */
static void push_pm(lua_State *L, const struct postmortem *pm, const struct site *s,
		    bool public_build)
{
	bool no_ai_owner = hidden(s, public_build, "action_items.owner");
	bool no_ai_ticket = hidden(s, public_build, "action_items.ticket");
	luaL_checkstack(L, 8, "on_postmortem");
	lua_createtable(L, 0, 24);
	set_s(L, "id", pm->id);
	set_s(L, "title", pm->title);
	set_s(L, "file", pm->rel);
	set_when_s(L, "date", &pm->date);
	set_when_s(L, "published", &pm->published);
	set_s(L, "status", status_name(pm->status));
	set_s(L, "severity", s->severities[pm->severity]);
	set_s(L, "kind", kind_name(pm->kind));
	set_s(L, "visibility", visibility_name(pm->visibility));
	if (!hidden(s, public_build, "owner"))
		set_s(L, "owner", pm->owner);
	set_s(L, "summary", pm->summary);
	set_s(L, "source", pm->source);
	push_names(L, "authors", pm->authors,
		   hidden(s, public_build, "authors") ? 0 : pm->nauthors);
	push_names(L, "services", pm->services, pm->nservices);
	push_names(L, "tags", pm->tags, pm->ntags);
	lua_createtable(L, (int)pm->nfactors, 0);
	for (size_t i = 0; i < pm->nfactors; i++) {
		lua_pushstring(L, pm->factors[i].name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "contributing_factors");
	lua_createtable(L, 0, 6);
	set_when_s(L, "started", &pm->impact.started);
	set_when_s(L, "detected", &pm->impact.detected);
	set_when_s(L, "mitigated", &pm->impact.mitigated);
	set_when_s(L, "resolved", &pm->impact.resolved);
	if (pm->impact.customers_affected >= 0) {
		lua_pushinteger(L, pm->impact.customers_affected);
		lua_setfield(L, -2, "customers_affected");
	}
	set_s(L, "description", pm->impact.description);
	lua_setfield(L, -2, "impact");
	lua_createtable(L, (int)pm->nactions, 0);
	for (size_t i = 0; i < pm->nactions; i++) {
		const struct action_item *ai = &pm->actions[i];
		lua_createtable(L, 0, 8);
		set_s(L, "title", ai->title);
		if (!no_ai_owner)
			set_s(L, "owner", ai->owner);
		set_when_s(L, "due", &ai->due);
		set_when_s(L, "closed", &ai->closed);
		set_s(L, "status", ai_status_name(ai->status));
		if (ai->priority != PRI_NONE)
			set_s(L, "priority", priority_name(ai->priority));
		if (!no_ai_ticket)
			set_s(L, "ticket", ai->ticket);
		set_s(L, "success_criteria", ai->success_criteria);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "action_items");
}

int hooks_on_postmortem(struct hooks *h, const struct postmortem *pm, const struct site *s,
			bool public_build, struct ynode **out)
{
	struct hstate *st = state(h);
	*out = NULL;
	if (!st->ok)
		return -1;
	if (!st->npm)
		return 0;
	lua_State *L = st->L;
	struct arena *a = arena_new(1024);
	struct ynode *all = ynode_new(a, YN_MAP, (struct loc){pm->path, 1, 1});
	size_t cap = 0;
	for (size_t k = 0; k < st->npm; k++) {
		const struct hfunc *fn = &st->pm[k];
		struct back b = {.a = a, .at = {fn->script, fn->line, 1}};
		lua_rawgeti(L, LUA_REGISTRYINDEX, fn->ref);
		push_pm(L, pm, s, public_build);
		if (sandbox_call(L, 1, 1, fn->script) < 0) {
			struct loc loc = {pm->path, 1, 1};
			note(&loc, "while on_postmortem of %s ran on this file", fn->script);
			arena_free(a);
			return -1;
		}
		if (lua_isnil(L, -1)) { /* nothing to add */
			lua_pop(L, 1);
			continue;
		}
		const struct ynode *got = lua_istable(L, -1) ? pull_value(L, &b, NULL, 0) : NULL;
		if (!lua_istable(L, -1))
			error(&b.at,
			      "on_postmortem must return a table of computed fields or nil (got %s) for %s",
			      luaL_typename(L, -1), pm->path);
		lua_pop(L, 1);
		if (!got || got->type != YN_MAP) {
			if (got && got->type == YN_SEQ && !got->n)
				continue; /* {} */
			if (got)
				error(&b.at,
				      "on_postmortem must return a table of named fields (got a list) for %s",
				      pm->path);
			arena_free(a);
			return -1;
		}
		for (size_t i = 0; i < got->n; i++) { /* a later script's value for a name wins */
			size_t j = 0;
			while (j < all->n && strcmp(all->keys[j], got->keys[i]))
				j++;
			if (j == all->n) {
				if (all->n == cap) {
					size_t ncap = cap ? 2 * cap : 8;
					char **keys = arena_alloc(a, ncap * sizeof(char *));
					struct loc *locs =
						arena_alloc(a, ncap * sizeof(struct loc));
					struct ynode **items =
						arena_alloc(a, ncap * sizeof(struct ynode *));
					if (cap) {
						memcpy(keys, all->keys, cap * sizeof(char *));
						memcpy(locs, all->key_locs,
						       cap * sizeof(struct loc));
						memcpy(items, all->items,
						       cap * sizeof(struct ynode *));
					}
					all->keys = keys, all->key_locs = locs, all->items = items,
					cap = ncap;
				}
				all->n++;
			}
			all->keys[j] = got->keys[i];
			all->key_locs[j] = got->key_locs[i];
			all->items[j] = got->items[i];
		}
	}
	all->arena = a;
	*out = all;
	return 0;
}
