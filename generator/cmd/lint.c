/* lint: Lua lint rules over the corpus (see lint.h). */
#include "cmd/lint.h"

#include "base/deadline.h"
#include "base/fsutil.h"
#include "cmd/scaffold.h"
#include "lua/luaglue.h"
#include "lua/sandbox.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <string.h>

struct rule {
	char *id, *path;
	enum diag_level level;
	bool off;
	int ref; /* the rule table */
};

struct lint {
	lua_State *L;
	int scaffold; /* registry ref of pm.scaffold (shared by every pm) */
	struct rule *rules;
	size_t n;
	const struct postmortem *pm; /* the one being checked */
	const struct rule *rule;     /* the rule running */
};

static int parse_level(const char *s, enum diag_level *out, bool *off)
{
	*off = false;
	if (!strcmp(s, "off"))
		*off = true;
	else if (!strcmp(s, "note"))
		*out = DIAG_NOTE;
	else if (!strcmp(s, "warning"))
		*out = DIAG_WARNING;
	else if (!strcmp(s, "error"))
		*out = DIAG_ERROR;
	else
		return -1;
	return 0;
}

static struct rule *find_rule(struct lint *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->rules[i].id, id))
			return &l->rules[i];
	return NULL;
}

/* Load one rule file: it must return a table with id and check. */
static int load_rule(struct lint *l, const char *path)
{
	lua_State *L = l->L;
	struct loc loc = {path, 0, 0};
	if (sandbox_load(L, path) < 0)
		return -1;
	if (sandbox_call(L, 0, 1, path) < 0)
		return -1;
	lua_getfield(L, -1, "id");
	lua_getfield(L, -2, "check");
	if (!lua_istable(L, -3) || !lua_isstring(L, -2) || !lua_isfunction(L, -1)) {
		lua_pop(L, 3);
		return error(
			&loc,
			"a lint rule must return a table with an id (text) and a check (function)");
	}
	const char *id = lua_tostring(L, -2);
	enum diag_level level = DIAG_WARNING;
	bool off;
	lua_getfield(L, -3, "level");
	if (lua_isstring(L, -1) && parse_level(lua_tostring(L, -1), &level, &off) < 0)
		error(&loc,
		      "unknown level \"%s\" in rule %s (expected note, warning, error or off)",
		      lua_tostring(L, -1), id);
	lua_pop(L, 1);
	struct rule *r = find_rule(l, id);
	if (!r) {
		l->rules = xrealloc(l->rules, (l->n + 1) * sizeof(*l->rules));
		r = &l->rules[l->n++];
		r->id = xstrdup(id);
		r->path = NULL;
	} else {
		luaL_unref(L, LUA_REGISTRYINDEX, r->ref);
		free(r->path);
	}
	r->path = xstrdup(path);
	r->level = level;
	r->off = false;
	lua_pop(L, 2);
	r->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	return 0;
}

/* site.yaml lint: {id: level} */
static int apply_config(struct lint *l, const struct site *s)
{
	const struct ynode *cfg = ynode_get(s->front, "lint");
	int ret = 0;
	if (!cfg)
		return 0;
	if (cfg->type != YN_MAP)
		return error(
			&cfg->loc,
			"lint must be a mapping from rule id to off, note, warning or error (got %s)",
			ynode_kind(cfg));
	for (size_t i = 0; i < cfg->n; i++) {
		struct rule *r = find_rule(l, cfg->keys[i]);
		const struct ynode *v = cfg->items[i];
		if (!r) {
			ret = error(&cfg->key_locs[i], "unknown lint rule \"%s\"", cfg->keys[i]);
			continue;
		}
		if (v->type != YN_SCALAR || parse_level(v->scalar, &r->level, &r->off) < 0)
			ret = error(
				&v->loc,
				"unknown level \"%s\" for lint rule %s (expected off, note, warning, error)",
				v->type == YN_SCALAR ? v->scalar : ynode_kind(v), r->id);
	}
	return ret;
}

/* report(line, col, message) or report(line, message): a finding of the running rule. */
static int lua_report(lua_State *L)
{
	struct lint *l = lua_touserdata(L, lua_upvalueindex(1));
	int line = (int)luaL_checkinteger(L, 1);
	int col = lua_gettop(L) >= 3 ? (int)luaL_checkinteger(L, 2) : 0;
	const char *msg = luaL_checkstring(L, lua_gettop(L) >= 3 ? 3 : 2);
	struct loc loc = {l->pm->path, line, col};
	diag_add(l->rule->level, &loc, l->rule->id, "%s", msg);
	return 0;
}

/* Body lines with their file line numbers, and the ATX headings outside code fences. */
static void push_body(lua_State *L, const struct postmortem *pm)
{
	lua_newtable(L); /* lines */
	lua_newtable(L); /* sections */
	const char *p = pm->body ? pm->body : "";
	int line = pm->body_line, nlines = 0, nsec = 0;
	bool fence = false;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		lua_createtable(L, 0, 2);
		set_int(L, "n", line);
		lua_pushlstring(L, p, len);
		lua_setfield(L, -2, "text");
		lua_rawseti(L, -3, ++nlines);
		if (len >= 3 && (!strncmp(p, "```", 3) || !strncmp(p, "~~~", 3)))
			fence = !fence;
		size_t hashes = 0;
		while (hashes < len && p[hashes] == '#')
			hashes++;
		if (!fence && hashes >= 1 && hashes <= 6 && hashes < len && p[hashes] == ' ') {
			lua_createtable(L, 0, 3);
			set_int(L, "level", (long long)hashes);
			set_int(L, "line", line);
			size_t s = hashes + 1, e = len;
			while (e > s && (p[e - 1] == ' ' || p[e - 1] == '#' || p[e - 1] == '\r'))
				e--;
			lua_pushlstring(L, p + s, e - s);
			lua_setfield(L, -2, "title");
			lua_rawseti(L, -2, ++nsec);
		}
		line++;
		p = nl ? nl + 1 : p + len;
	}
	lua_setfield(L, -3, "sections");
	lua_setfield(L, -2, "lines");
}

/* One {field, text, line, col} of pm.texts, when n is a text. */
static void push_text(lua_State *L, int *n, const char *field, const struct ynode *v)
{
	if (!v || v->type != YN_SCALAR || !*v->scalar)
		return;
	lua_createtable(L, 0, 4);
	set_str(L, "field", field);
	set_str(L, "text", v->scalar);
	set_int(L, "line", v->loc.line);
	set_int(L, "col", v->loc.col);
	lua_rawseti(L, -2, ++*n);
}

/*
 * pm.texts: the front matter's prose, each at its value: title, summary,
 * impact.description, each contributing factor, each action item's title
 * and success_criteria.
 */
static void push_texts(lua_State *L, const struct site *s, const struct postmortem *pm)
{
	const struct ynode *f = pm->front;
	int n = 0;
	lua_newtable(L);
	static const char *const plain[] = {"title", "summary"};
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		push_text(L, &n, plain[i], ynode_get(f, site_field(s, plain[i])));
	push_text(L, &n, "impact.description",
		  ynode_get(ynode_get(f, site_field(s, "impact")), "description"));
	const struct ynode *cf = ynode_get(f, site_field(s, "contributing_factors"));
	for (size_t i = 0; cf && cf->type == YN_SEQ && i < cf->n; i++) {
		const struct ynode *it = cf->items[i];
		push_text(L, &n, "contributing_factors",
			  it->type == YN_MAP ? ynode_get(it, "name") : it);
	}
	const struct ynode *ai = ynode_get(f, site_field(s, "action_items"));
	for (size_t i = 0; ai && ai->type == YN_SEQ && i < ai->n; i++) {
		push_text(L, &n, "action_items.title", ynode_get(ai->items[i], "title"));
		push_text(L, &n, "action_items.success_criteria",
			  ynode_get(ai->items[i], "success_criteria"));
	}
	lua_setfield(L, -2, "texts");
}

/* pm.scaffold: what `aftermath new` writes, for the template-text rule (NULL template: no text). */
static int make_scaffold(lua_State *L, const char *template)
{
	lua_createtable(L, 0, 2);
	set_str(L, "title", NEWPM_DEFAULT_TITLE);
	set_str(L, "text", template);
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

static void push_pm(const struct lint *l, const struct corpus *c, const struct postmortem *pm)
{
	lua_State *L = l->L;
	char d[21];
	lua_createtable(L, 0, 24);
	set_str(L, "id", pm->id);
	set_str(L, "title", pm->title);
	set_str(L, "path", pm->path);
	set_str(L, "summary", pm->summary);
	set_str(L, "status", status_name(pm->status));
	set_str(L, "kind", kind_name(pm->kind));
	set_str(L, "severity", c->site.severities[pm->severity]);
	set_str(L, "owner", pm->owner);
	set_str(L, "impact_description", pm->impact.description);
	set_int(L, "line", pm->id_loc.line ? 1 : 1);
	if (pm->published.set) {
		when_date(&pm->published, d);
		set_str(L, "published", d);
		set_int(L, "published_day", when_day(&pm->published));
	}
	if (pm->impact.resolved.set) {
		when_iso(&pm->impact.resolved, d);
		set_str(L, "resolved", d);
		set_int(L, "resolved_day", when_day(&pm->impact.resolved));
	}
	lua_createtable(L, (int)pm->nauthors, 0);
	for (size_t i = 0; i < pm->nauthors; i++) {
		lua_pushstring(L, pm->authors[i].name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "authors");
	lua_createtable(L, (int)pm->nfactors, 0);
	for (size_t i = 0; i < pm->nfactors; i++) {
		lua_pushstring(L, pm->factors[i].name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "factors");
	lua_createtable(L, (int)pm->nservices, 0);
	for (size_t i = 0; i < pm->nservices; i++) {
		lua_pushstring(L, pm->services[i].name);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "services");
	lua_createtable(L, (int)pm->nactions, 0);
	for (size_t i = 0; i < pm->nactions; i++) {
		const struct action_item *a = &pm->actions[i];
		lua_createtable(L, 0, 9);
		set_str(L, "title", a->title);
		set_str(L, "owner", a->owner);
		if (a->due.set) {
			when_date(&a->due, d);
			set_str(L, "due", d);
			if (a->due_by_policy) /* site.yaml's policy.due gave it (policy.h) */
				set_bool(L, "due_by_policy", true);
		}
		set_str(L, "status", ai_status_name(a->status));
		set_str(L, "priority", priority_name(a->priority));
		set_str(L, "ticket", a->ticket);
		set_str(L, "success_criteria", a->success_criteria);
		set_int(L, "line", a->loc.line);
		set_int(L, "col", a->loc.col);
		lua_rawseti(L, -2, (lua_Integer)i + 1);
	}
	lua_setfield(L, -2, "action_items");
	lua_pushboolean(L, pm->actions_from_body);
	lua_setfield(L, -2, "actions_from_body");
	set_int(L, "front_line", 2);
	/* field_lines: the line of every top-level front-matter key */
	lua_newtable(L);
	for (size_t i = 0; pm->front && pm->front->type == YN_MAP && i < pm->front->n; i++)
		set_int(L, pm->front->keys[i], pm->front->key_locs[i].line);
	lua_setfield(L, -2, "field_lines");
	push_texts(L, &c->site, pm);
	lua_rawgeti(L, LUA_REGISTRYINDEX, l->scaffold);
	lua_setfield(L, -2, "scaffold");
	push_body(L, pm);
}

static int load_rules(struct lint *l, const char *const *dirs, size_t ndirs)
{
	int ret = 0;
	for (size_t d = 0; d < ndirs; d++) {
		struct fs_entry *e;
		size_t n;
		fs_walk(dirs[d], ".lua", &e, &n);
		for (size_t i = 0; i < n; i++)
			if (load_rule(l, e[i].path) < 0)
				ret = -1;
		fs_entries_free(e, n);
	}
	return ret;
}

int lint_run(const struct corpus *c, const char *const *dirs, size_t ndirs, const char *scaffold)
{
	struct lint l = {.L = sandbox_new()};
	lua_State *L = l.L;
	l.scaffold = make_scaffold(L, scaffold);
	int ret = load_rules(&l, dirs, ndirs);
	if (apply_config(&l, &c->site) < 0)
		ret = -1;
	lua_pushlightuserdata(L, &l);
	lua_pushcclosure(L, lua_report, 1);
	int report = luaL_ref(L, LUA_REGISTRYINDEX);
	for (size_t p = 0; p < c->npms; p++) {
		l.pm = &c->pms[p];
		deadline_file(l.pm->path);
		push_pm(&l, c, l.pm);
		int pmt = luaL_ref(L, LUA_REGISTRYINDEX);
		for (size_t r = 0; r < l.n; r++) {
			if (l.rules[r].off)
				continue;
			l.rule = &l.rules[r];
			lua_rawgeti(L, LUA_REGISTRYINDEX, l.rules[r].ref);
			lua_getfield(L, -1, "check");
			lua_remove(L, -2);
			lua_rawgeti(L, LUA_REGISTRYINDEX, pmt);
			lua_rawgeti(L, LUA_REGISTRYINDEX, report);
			if (sandbox_call(L, 2, 0, l.rules[r].path) < 0)
				ret = -1;
		}
		luaL_unref(L, LUA_REGISTRYINDEX, pmt);
		deadline_file(NULL);
	}
	for (size_t r = 0; r < l.n; r++) {
		free(l.rules[r].id);
		free(l.rules[r].path);
	}
	free(l.rules);
	sandbox_free(L);
	return ret;
}
