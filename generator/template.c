/* template: Lua templates compiled once, rendered sandboxed (see template.h). */
#include "template.h"

#include "diag.h"
#include "fsutil.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdlib.h>
#include <string.h>

#define MEMORY_CAP ((size_t)512 << 20)
#define HOOK_EVERY 10000

/* Per-state bookkeeping, reachable from the hook through lua_getextraspace. */
struct limits {
	size_t used;
	long budget, spent;
};

struct tmpl {
	lua_State *L;
	struct limits *lim;
	int render_ref; /* the prelude's render(name, ctx) */
	char **names;
	size_t nnames;
};

/* ---- sandbox ------------------------------------------------------------------ */

static void *capped_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct limits *lim = ud;
	if (!ptr)
		osize = 0;
	if (nsize == 0) {
		free(ptr);
		lim->used -= osize;
		return NULL;
	}
	if (nsize > osize && lim->used + (nsize - osize) > MEMORY_CAP)
		return NULL; /* Lua raises "not enough memory" */
	void *p = realloc(ptr, nsize);
	if (p)
		lim->used = lim->used - osize + nsize;
	return p;
}

/* Counts instructions; past the budget, fails with the running chunk's file and line. */
static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct limits *lim = *(struct limits **)lua_getextraspace(L);
	lim->spent += HOOK_EVERY;
	if (lim->spent <= lim->budget)
		return;
	if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
		lua_pushfstring(L, "%s:%d: instruction budget exceeded (an endless loop?)", ar->short_src, ar->currentline);
	else
		lua_pushliteral(L, "instruction budget exceeded (an endless loop?)");
	lua_error(L);
}

static void keep(lua_State *L, int from, int to, const char *const *names)
{
	for (; *names; names++) {
		lua_getfield(L, from, *names);
		lua_setfield(L, to, *names);
	}
}

/* The safe globals: a new table at the top of the stack. */
static void push_safe_globals(lua_State *L)
{
	static const char *const base[] = {"assert", "error",    "getmetatable", "ipairs", "next",   "pairs",
					   "pcall",  "rawequal", "rawget",       "rawlen", "select", "setmetatable",
					   "tonumber", "tostring", "type",       "xpcall", NULL};
	static const char *const libs[] = {"string", "table", "math", "utf8", NULL};
	static const char *const os_ok[] = {"time", "date", "clock", NULL};
	lua_newtable(L);
	int safe = lua_gettop(L);
	lua_pushglobaltable(L);
	int g = lua_gettop(L);
	keep(L, g, safe, base);
	keep(L, g, safe, libs);
	lua_newtable(L);
	lua_getfield(L, g, "os");
	keep(L, lua_gettop(L), lua_gettop(L) - 1, os_ok);
	lua_pop(L, 1);
	lua_setfield(L, safe, "os");
	lua_getfield(L, safe, "string");
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pop(L, 2); /* string, globals */
	lua_pushvalue(L, safe);
	lua_setfield(L, safe, "_G");
}

lua_State *sandbox_new(void)
{
	struct limits *lim = xcalloc(1, sizeof(*lim));
	lim->budget = TMPL_BUDGET;
	lua_State *L = lua_newstate(capped_alloc, lim);
	if (!L)
		die("cannot create a Lua state");
	*(struct limits **)lua_getextraspace(L) = lim;
	static const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},         {LUA_STRLIBNAME, luaopen_string},
					{LUA_TABLIBNAME, luaopen_table},   {LUA_MATHLIBNAME, luaopen_math},
					{LUA_UTF8LIBNAME, luaopen_utf8},   {LUA_OSLIBNAME, luaopen_os}};
	for (size_t i = 0; i < ARRAY_SIZE(libs); i++) {
		luaL_requiref(L, libs[i].name, libs[i].func, 1);
		lua_pop(L, 1);
	}
	/* Replace the global table's contents by the safe set. */
	push_safe_globals(L);
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2)) { /* clear globals */
		lua_pop(L, 1);
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, -4);
	}
	lua_pushnil(L);
	while (lua_next(L, -3)) { /* copy safe ones in */
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
	lua_pop(L, 2);
	lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
	return L;
}

void sandbox_free(lua_State *L)
{
	struct limits *lim = *(struct limits **)lua_getextraspace(L);
	lua_close(L);
	free(lim);
}

void tmpl_set_budget(struct lua_State *L, long budget)
{
	(*(struct limits **)lua_getextraspace(L))->budget = budget;
}

static int msghandler(lua_State *L)
{
	if (!lua_isstring(L, 1)) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			return 1;
		lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	return 1;
}

/* "file:12: message" -> a diagnostic at file:12; else at `what`. */
static int report(const char *msg, const char *what)
{
	const char *colon = strchr(msg, ':');
	while (colon) {
		char *end;
		long line = strtol(colon + 1, &end, 10);
		if (end != colon + 1 && *end == ':' && line > 0) {
			char *file = xstrndup(msg, (size_t)(colon - msg));
			const char *text = end + 1;
			while (*text == ' ')
				text++;
			struct loc loc = {file, (int)line, 0};
			error(&loc, "%s", text);
			free(file);
			return -1;
		}
		colon = strchr(colon + 1, ':');
	}
	struct loc loc = {what, 0, 0};
	return error(&loc, "%s", msg);
}

int sandbox_call(struct lua_State *L, int nargs, int nresults, const char *what)
{
	struct limits *lim = *(struct limits **)lua_getextraspace(L);
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	lim->spent = 0;
	int r = lua_pcall(L, nargs, nresults, base);
	lua_remove(L, base);
	if (r == LUA_OK)
		return 0;
	const char *msg = lua_tostring(L, -1);
	report(msg ? msg : "unknown error", what);
	lua_pop(L, 1);
	return -1;
}

/* ---- compiling ----------------------------------------------------------------- */

static int lua_esc(lua_State *L)
{
	size_t len;
	const char *s;
	switch (lua_type(L, 1)) {
	case LUA_TNIL:
	case LUA_TNONE: lua_pushliteral(L, ""); return 1;
	case LUA_TBOOLEAN: lua_pushstring(L, lua_toboolean(L, 1) ? "true" : "false"); return 1;
	case LUA_TNUMBER:
	case LUA_TSTRING:
		s = lua_tolstring(L, 1, &len);
		break;
	default:
		if (!luaL_callmeta(L, 1, "__tostring"))
			return luaL_error(L, "cannot insert a %s (expected text)", luaL_typename(L, 1));
		s = lua_tolstring(L, -1, &len);
	}
	if (!memchr(s, '&', len) && !memchr(s, '<', len) && !memchr(s, '>', len) && !memchr(s, '"', len) &&
	    !memchr(s, '\'', len)) {
		/* Nothing to escape (the common case): the value itself, as text. */
		if (lua_type(L, -1) != LUA_TSTRING)
			lua_pushlstring(L, s, len);
		return 1;
	}
	luaL_Buffer lb;
	luaL_buffinit(L, &lb);
	size_t start = 0;
	for (size_t i = 0; i < len; i++) {
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		luaL_addlstring(&lb, s + start, i - start);
		luaL_addstring(&lb, rep);
		start = i + 1;
	}
	luaL_addlstring(&lb, s + start, len - start);
	luaL_pushresult(&lb);
	return 1;
}

static int lua_raw(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_pushliteral(L, "");
		return 1;
	}
	if (lua_type(L, 1) == LUA_TTABLE && !luaL_getmetafield(L, 1, "__tostring"))
		return luaL_error(L, "cannot insert a table (expected text)");
	luaL_tolstring(L, 1, NULL);
	return 1;
}

/* A long-bracket level whose closing bracket does not occur in s. */
static int bracket_level(const char *s, size_t n)
{
	for (int level = 0;; level++) {
		char close[64];
		close[0] = ']';
		memset(close + 1, '=', (size_t)level);
		close[level + 1] = ']';
		close[level + 2] = '\0';
		if (!memmem(s, n, close, (size_t)level + 2))
			return level;
	}
}

static void emit_text(struct buf *code, const char *s, size_t n)
{
	if (!n)
		return;
	size_t lead = 0;
	while (lead < n && s[lead] == '\n') {
		buf_adds(code, "__out('\\n')\n");
		lead++;
	}
	if (lead == n)
		return;
	int level = bracket_level(s + lead, n - lead);
	buf_adds(code, "__out([");
	for (int i = 0; i < level; i++)
		buf_addch(code, '=');
	buf_addch(code, '[');
	buf_add(code, s + lead, n - lead);
	buf_addch(code, ']');
	for (int i = 0; i < level; i++)
		buf_addch(code, '=');
	buf_adds(code, "]) ");
}

static int count_newlines(const char *s, size_t n)
{
	int k = 0;
	for (size_t i = 0; i < n; i++)
		k += s[i] == '\n';
	return k;
}

/* Translate a template into Lua; -1 (with a diagnostic) on an unclosed tag. */
static int translate(const char *path, const char *src, struct buf *code)
{
	const char *p = src;
	bool trim_next = false;
	buf_adds(code, "local _ENV, __out, __esc, __raw = ...; ");
	for (;;) {
		const char *open = strstr(p, "{{");
		const char *stmt = strstr(p, "{%");
		if (stmt && (!open || stmt < open))
			open = stmt;
		size_t n = open ? (size_t)(open - p) : strlen(p);
		const char *text = p;
		if (trim_next) { /* -%} trims the whitespace after it, up to one newline */
			size_t k = 0;
			while (k < n && (text[k] == ' ' || text[k] == '\t'))
				k++;
			if (k < n && text[k] == '\n')
				k++;
			for (int i = count_newlines(text, k); i > 0; i--)
				buf_addch(code, '\n');
			text += k;
			n -= k;
			trim_next = false;
		}
		if (!open) {
			emit_text(code, text, n);
			return 0;
		}
		bool is_stmt = open[1] == '%', is_raw = !is_stmt && open[2] == '{';
		const char *inner = open + (is_raw ? 3 : 2);
		if (is_stmt && *inner == '-') { /* {%- trims the whitespace before it */
			inner++;
			size_t keep_n = n;
			while (keep_n && (text[keep_n - 1] == ' ' || text[keep_n - 1] == '\t'))
				keep_n--;
			if (keep_n && text[keep_n - 1] == '\n')
				keep_n--;
			emit_text(code, text, keep_n);
			for (int i = count_newlines(text + keep_n, n - keep_n); i > 0; i--)
				buf_addch(code, '\n');
		} else {
			emit_text(code, text, n);
		}
		const char *close_tag = is_stmt ? "%}" : is_raw ? "}}}" : "}}";
		const char *close = strstr(inner, close_tag);
		if (!close) {
			int line = 1 + count_newlines(src, (size_t)(open - src));
			const char *ls = open;
			while (ls > src && ls[-1] != '\n')
				ls--;
			struct loc loc = {path, line, (int)(open - ls) + 1};
			return error(&loc, "unclosed %.*s (expected %s)", is_raw ? 3 : 2, open, close_tag);
		}
		const char *inner_end = close;
		if (is_stmt && close > inner && close[-1] == '-') {
			inner_end--;
			trim_next = true;
		}
		if (is_stmt) {
			buf_add(code, inner, (size_t)(inner_end - inner));
			buf_adds(code, " ; ");
		} else {
			buf_adds(code, is_raw ? "__out(__raw(" : "__out(__esc(");
			buf_add(code, inner, (size_t)(inner_end - inner));
			buf_adds(code, ")) ");
		}
		p = close + strlen(close_tag);
	}
}

/* ---- the engine ---------------------------------------------------------------- */

static const char prelude[] =
	"local templates, H, esc, raw = ...\n"
	"local concat = table.concat\n"
	"local function render(name, ctx)\n"
	"  local f = templates[name] or templates[name .. '.html']\n"
	"  if not f then error('no template \"' .. tostring(name) .. '\"', 2) end\n"
	"  if type(ctx) ~= 'table' then error('the context of \"' .. name .. '\" must be a table', 2) end\n"
	"  local parts, n = {}, 0\n"
	"  local function out(s) n = n + 1; parts[n] = s end\n"
	"  local E = setmetatable({}, {__index = function(_, k) local v = ctx[k]\n"
	"    if v ~= nil then return v end return H[k] end})\n"
	"  E.include = function(nm, c) return render(nm, c or ctx) end\n"
	"  f(E, out, esc, raw)\n"
	"  return concat(parts)\n"
	"end\n"
	"return render\n";

static int compile_one(struct tmpl *t, int templates, const char *name, const char *path)
{
	char *src;
	size_t len;
	struct buf code = BUF_INIT;
	int ret = -1;
	if (fs_read(path, &src, &len) < 0)
		return -1;
	if (translate(path, src, &code) < 0)
		goto out;
	char *chunk = xstrfmt("=%s", path);
	int r = luaL_loadbuffer(t->L, code.ptr, code.len, chunk);
	free(chunk);
	if (r != LUA_OK) {
		report(lua_tostring(t->L, -1), path);
		lua_pop(t->L, 1);
		goto out;
	}
	lua_setfield(t->L, templates, name);
	ret = 0;
out:
	free(src);
	buf_release(&code);
	return ret;
}

static bool known(const struct tmpl *t, const char *name)
{
	for (size_t i = 0; i < t->nnames; i++)
		if (!strcmp(t->names[i], name))
			return true;
	return false;
}

/* Load helpers.lua (the first found) into H, the table at index h. */
static int load_helpers(struct tmpl *t, int h, const char *const *dirs, size_t ndirs)
{
	for (size_t d = 0; d < ndirs; d++) {
		char *path = path_join(dirs[d], "helpers.lua");
		if (!fs_exists(path)) {
			free(path);
			continue;
		}
		char *chunk = xstrfmt("=%s", path);
		int r = luaL_loadfilex(t->L, path, "t");
		if (r == LUA_OK) {
			lua_pushvalue(t->L, h);
			lua_setupvalue(t->L, -2, 1); /* _ENV = H */
			r = sandbox_call(t->L, 0, 0, path);
		} else {
			report(lua_tostring(t->L, -1), path);
			lua_pop(t->L, 1);
		}
		free(chunk);
		free(path);
		return r == LUA_OK ? 0 : -1;
	}
	return 0;
}

struct tmpl *tmpl_open(const char *const *dirs, size_t ndirs)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	int ret = 0;
	t->L = sandbox_new();
	lua_State *L = t->L;
	lua_newtable(L); /* templates */
	int templates = lua_gettop(L);
	lua_newtable(L); /* H: helpers, falling back to the safe globals */
	int h = lua_gettop(L);
	lua_newtable(L);
	lua_pushglobaltable(L);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, h);
	for (size_t d = 0; d < ndirs; d++) {
		struct fs_entry *e;
		size_t n;
		fs_walk(dirs[d], ".html", &e, &n);
		for (size_t i = 0; i < n; i++) {
			if (known(t, e[i].rel))
				continue; /* overridden by an earlier dir */
			t->names = xrealloc(t->names, (t->nnames + 1) * sizeof(char *));
			t->names[t->nnames++] = xstrdup(e[i].rel);
			if (compile_one(t, templates, e[i].rel, e[i].path) < 0)
				ret = -1;
		}
		fs_entries_free(e, n);
	}
	if (load_helpers(t, h, dirs, ndirs) < 0)
		ret = -1;
	if (luaL_loadbuffer(L, prelude, sizeof(prelude) - 1, "=prelude") != LUA_OK)
		BUG("template prelude: %s", lua_tostring(L, -1));
	lua_pushvalue(L, templates);
	lua_pushvalue(L, h);
	lua_pushcfunction(L, lua_esc);
	lua_pushcfunction(L, lua_raw);
	if (sandbox_call(L, 4, 1, "prelude") < 0)
		BUG("template prelude failed");
	t->render_ref = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 2);
	if (ret < 0) {
		tmpl_free(t);
		return NULL;
	}
	return t;
}

void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	sandbox_free(t->L);
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t);
}

struct lua_State *tmpl_lua(struct tmpl *t)
{
	return t->L;
}

bool tmpl_exists(struct tmpl *t, const char *name)
{
	return known(t, name);
}

int tmpl_render(struct tmpl *t, const char *name, struct buf *out)
{
	lua_State *L = t->L;
	/* ctx -> render name ctx */
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->render_ref);
	lua_insert(L, -2);
	lua_pushstring(L, name);
	lua_insert(L, -2);
	if (sandbox_call(L, 2, 1, name) < 0)
		return -1;
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	buf_add(out, s ? s : "", s ? len : 0);
	lua_pop(L, 1);
	return 0;
}
