/* sandbox: sandboxed Lua states, their safe library and their errors (see sandbox.h). */
#include "lua/sandbox.h"

#include "base/diag.h"
#include "base/fsutil.h"
#include "lua/budget.h"
#include "lua/luasafe.h"

#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The limits of the states and engines made from now on (sandbox_set_limits,
 * before any worker starts; read-only after that).
 */
static size_t memory_limit = (size_t)SANDBOX_MEMORY_MB << 20;
static size_t output_limit = (size_t)SANDBOX_OUTPUT_MB << 20;
/* Callers named in the "called from" note. */
#define MAX_CALLERS 4

/* Registry key (only its address is used): the table mapping a chunk's short name, as Lua prints it, to its full path. */
static const char sources_key;

static int panic(lua_State *L)
{
	const char *msg = lua_tostring(L, -1);
	die("unprotected Lua error: %s", msg ? msg : "(not a string)");
}

/* ---- the safe library ----------------------------------------------------- */

static const char *const safe_base[] = {
	"_VERSION",	"assert",   "error",	"getmetatable", "ipairs", "next",
	"pairs",	"pcall",    "rawequal", "rawget",	"rawlen", "select",
	"setmetatable", "tonumber", "tostring", "type",		"xpcall", NULL,
};

static bool listed(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* What print() may write for one state; the rest is dropped (CI logs are not for gigabytes). */
#define PRINT_BYTES ((size_t)1 << 20)

/* print() writes to stderr, for debugging a template (PRINT_BYTES at most). */
static int l_print(lua_State *L)
{
	struct sandbox *sb = sandbox_of(L);
	if (sb->printed >= PRINT_BYTES)
		return 0;
	int n = lua_gettop(L);
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_addchar(&b, '\n');
	luaL_pushresult(&b);
	size_t len;
	const char *s = lua_tolstring(L, -1, &len);
	if (len > PRINT_BYTES - sb->printed)
		len = PRINT_BYTES - sb->printed;
	sb->printed += len;
	fwrite(s, 1, len, stderr);
	if (sb->printed == PRINT_BYTES)
		fprintf(stderr,
			"\naftermath: print() wrote %zu MB; the rest of this script's output is dropped\n",
			PRINT_BYTES >> 20);
	return 0;
}

/* __newindex of a read-only table: upvalues are the message's two halves. */
static int ro_newindex(lua_State *L)
{
	const char *key = luaL_tolstring(L, 2, NULL);
	return luaL_error(L, "%s%s%s", lua_tostring(L, lua_upvalueindex(1)), key,
			  lua_tostring(L, lua_upvalueindex(2)));
}

/* The iterator over a read-only table: next() over the real one (upvalue 1), whatever it is given. */
static int ro_next(lua_State *L)
{
	lua_settop(L, 2);
	if (lua_next(L, lua_upvalueindex(1)))
		return 2;
	lua_pushnil(L);
	return 1;
}

/*
 * __pairs of a read-only table (upvalue 1: its iterator).  The state the
 * loop is given is the proxy: handing out the real table, as next(real)
 * would, lets a script write to it (it did: pairs(string) was the way to
 * replace string.format for every later page).
 */
static int ro_pairs(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushnil(L);
	return 3;
}

/* Replace the table on top by an empty proxy that reads it and refuses writes. */
void sandbox_make_readonly(lua_State *L, const char *before, const char *after)
{
	lua_newtable(L);	  /* real proxy */
	lua_createtable(L, 0, 4); /* real proxy mt */
	lua_pushvalue(L, -3);
	lua_setfield(L, -2, "__index");
	lua_pushstring(L, before);
	lua_pushstring(L, after);
	lua_pushcclosure(L, ro_newindex, 2);
	lua_setfield(L, -2, "__newindex");
	lua_pushvalue(L, -3);
	lua_pushcclosure(L, ro_next, 1);
	lua_pushcclosure(L, ro_pairs, 1);
	lua_setfield(L, -2, "__pairs");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_setmetatable(L, -2);
	lua_remove(L, -2); /* proxy */
}

static void set_library(lua_State *L, int g, const char *name)
{
	char *before = xstrfmt("cannot assign %s.", name);
	sandbox_make_readonly(L, before, " (the standard library is read-only)");
	lua_setfield(L, g, name);
	free(before);
}

/* Open a library without making it global and publish it read-only (only `keep`, if given). */
static void add_library(lua_State *L, int g, const char *name, lua_CFunction open,
			const char *const *keep)
{
	luaL_requiref(L, name, open, 0); /* lib */
	if (keep) {
		lua_createtable(L, 0, 4);
		for (const char *const *k = keep; *k; k++) {
			lua_getfield(L, -2, *k);
			lua_setfield(L, -2, *k);
		}
		lua_remove(L, -2);
	}
	set_library(L, g, name);
}

/* Remove from the global table (at g) what safe_base does not list. */
static void drop_unsafe_base(lua_State *L, int g)
{
	lua_pushnil(L);
	while (lua_next(L, g)) { /* key value */
		lua_pop(L, 1);
		if (lua_type(L, -1) == LUA_TSTRING && listed(safe_base, lua_tostring(L, -1)))
			continue;
		lua_pushvalue(L, -1);
		lua_pushnil(L);
		lua_rawset(L, g); /* clearing a field while traversing is allowed */
	}
}

/* No string.dump, and no reaching the string library through getmetatable(""). */
static void harden_strings(lua_State *L)
{
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
	lua_pushnil(L);
	lua_setfield(L, -2, "dump");
	lua_pushliteral(L, ""); /* string "" */
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 3);
}

/* math.random gives the same numbers on every run. */
static void seed_random(lua_State *L)
{
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, 0);
	lua_call(L, 1, 0);
	lua_pop(L, 1);
}

static void open_safe_libs(lua_State *L)
{
	static const char *const os_keep[] = {"time", "date", "clock", NULL};
	luaL_requiref(L, LUA_GNAME, luaopen_base, 1); /* G */
	int g = lua_gettop(L);
	drop_unsafe_base(L, g);
	lua_pushcfunction(L, l_print);
	lua_setfield(L, g, "print");
	luasafe_install(L, g);
	harden_strings(L);
	seed_random(L);
	add_library(L, g, LUA_STRLIBNAME, luaopen_string, NULL);
	add_library(L, g, LUA_TABLIBNAME, luaopen_table, NULL);
	add_library(L, g, LUA_MATHLIBNAME, luaopen_math, NULL);
	add_library(L, g, LUA_UTF8LIBNAME, luaopen_utf8, NULL);
	add_library(L, g, LUA_OSLIBNAME, luaopen_os, os_keep);
	lua_pushvalue(L, g);
	set_library(L, g, "_G");
	lua_pop(L, 1);
}

lua_State *sandbox_new(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, budget_install_handler);
	struct sandbox *sb = xcalloc(1, sizeof(*sb));
	sb->budget = SANDBOX_BUDGET_MS;
	sb->limit = memory_limit;
	sb->polling = budget_poll_always;
	lua_State *L = lua_newstate(budget_alloc, sb);
	if (!L)
		die("cannot create a Lua state: out of memory");
	*(struct sandbox **)lua_getextraspace(L) = sb;
	lua_atpanic(L, panic);
	open_safe_libs(L);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &sources_key);
	sb->L = L;
	lua_gc(L, LUA_GCGEN, 0, 0); /* page contexts die young, summaries and templates live long */
	return L;
}

static void error_reset(struct sandbox *sb)
{
	free(sb->err_file);
	free(sb->err_msg);
	free(sb->err_callers);
	sb->err_file = sb->err_msg = sb->err_callers = NULL;
	sb->err_line = 0;
	sb->err_over = false;
}

void sandbox_free(lua_State *L)
{
	if (!L)
		return;
	struct sandbox *sb = sandbox_of(L);
	lua_close(L);
	if (sb->has_timer)
		timer_delete(sb->timer);
	error_reset(sb);
	free(sb->cap_file);
	free(sb);
}

void sandbox_set_limits(size_t memory_bytes, size_t output_bytes)
{
	if (memory_bytes)
		memory_limit = memory_bytes;
	if (output_bytes)
		output_limit = output_bytes;
}

/* ---- errors ------------------------------------------------------------------- */

/*
 * Split "file:12: text" into the length of "file", the line and the text;
 * false when the first line of msg has no such prefix.
 */
static bool split_position(const char *msg, size_t *flen, int *line, const char **text)
{
	for (const char *c = msg; *c && *c != '\n'; c++) {
		if (*c != ':' || c == msg)
			continue;
		const char *d = c + 1;
		long n = 0;
		while (*d >= '0' && *d <= '9' && n < 100000000)
			n = n * 10 + (*d++ - '0');
		if (d == c + 1 || *d != ':' || n == 0)
			continue;
		*flen = (size_t)(c - msg);
		*line = (int)n;
		*text = d[1] == ' ' ? d + 2 : d + 1;
		return true;
	}
	return false;
}

/* The full path of the chunk that Lua's messages call `name` (n bytes). */
static char *resolve_source(lua_State *L, const char *name, size_t n)
{
	char *path = NULL;
	lua_Debug ar;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &sources_key);
	lua_pushlstring(L, name, n);
	if (lua_rawget(L, -2) == LUA_TSTRING)
		path = xstrdup(lua_tostring(L, -1));
	lua_pop(L, 2);
	for (int level = 1; !path && level < MAX_FRAMES && lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "S", &ar);
		if (strlen(ar.short_src) == n && !memcmp(ar.short_src, name, n))
			path = xstrdup(frame_file(&ar));
	}
	return path ? path : xstrndup(name, n);
}

/*
 * "file:line, file:line" of the Lua frames that called the one where the
 * error is (all Lua frames when it is not on the stack: a partial's error
 * passed on by include), for a note; NULL when there are none.
 */
char *sandbox_callers(lua_State *L, const char *file, int line)
{
	char *frames[MAX_FRAMES];
	int n = 0, from = 0, named = 0;
	lua_Debug ar;
	struct buf b = BUF_INIT;
	for (int level = 1; n < MAX_FRAMES && lua_getstack(L, level, &ar); level++) {
		lua_getinfo(L, "Sl", &ar);
		if (ar.currentline > 0)
			frames[n++] = xstrfmt("%s:%d", frame_file(&ar), ar.currentline);
	}
	char *own = xstrfmt("%s:%d", file ? file : "", line);
	for (int i = 0; i < n && !from; i++)
		if (!strcmp(frames[i], own))
			from = i + 1;
	for (int i = from; i < n; i++) {
		if (!strcmp(frames[i], own) || (i > from && !strcmp(frames[i], frames[i - 1])))
			continue; /* recursion */
		if (named++ == MAX_CALLERS) {
			buf_adds(&b, ", ...");
			break;
		}
		buf_adds(&b, b.len ? ", " : "");
		buf_adds(&b, frames[i]);
	}
	for (int i = 0; i < n; i++)
		free(frames[i]);
	free(own);
	return b.len ? buf_detach(&b, NULL) : NULL;
}

/* Remember where the error happened: its position, else the innermost Lua frame. */
static void record_error(lua_State *L, struct sandbox *sb, const char *msg)
{
	size_t flen;
	const char *text;
	lua_Debug ar;
	error_reset(sb);
	if (split_position(msg, &flen, &sb->err_line, &text)) {
		sb->err_file = resolve_source(L, msg, flen);
		sb->err_msg = xstrdup(text);
	} else {
		sb->err_msg = xstrdup(msg);
		for (int level = 1; level < MAX_FRAMES && lua_getstack(L, level, &ar); level++) {
			lua_getinfo(L, "Sl", &ar);
			if (ar.currentline > 0) {
				sb->err_file = xstrdup(frame_file(&ar));
				sb->err_line = ar.currentline;
				break;
			}
		}
	}
	sb->err_callers = sandbox_callers(L, sb->err_file, sb->err_line);
	sb->err_over = sb->over;
}

/* The message handler of sandbox_call: runs where the error happened. */
static int msghandler(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)",
					      luaL_typename(L, 1));
	}
	struct sandbox *sb = sandbox_of(L);
	/*
	 * Once the budget is spent, the first error says where the script was;
	 * the later ones come from what runs while the stack unwinds (a
	 * to-be-closed variable's __close is a call, and calls are stopped too).
	 */
	if (!(sb->over && sb->err_over))
		record_error(L, sb, msg);
	return 1;
}

/* A memory error: at the line where the limit was hit, if a script was running. */
static void report_memory(const struct sandbox *sb, const struct loc *at)
{
	struct loc loc = *at;
	if (!sb->hit_cap) {
		error(&loc, "out of memory");
		return;
	}
	if (sb->cap_file) {
		loc.file = sb->cap_file;
		loc.line = sb->cap_line;
	}
	error(&loc,
	      "memory limit of %zu MB exceeded (what the scripts of a Lua state hold, for the whole build; "
	      "see --lua-memory)",
	      sb->limit >> 20);
}

/*
 * The diagnostic for a failed call: where msghandler found the error, else
 * at `what`.  A memory error has no handler and no place; one passed on by
 * include() reads "not enough memory" at the include.
 */
static void report(const struct sandbox *sb, int status, const char *msg, const char *what)
{
	struct loc loc = {what, 0, 0};
	if (status == LUA_ERRMEM) {
		report_memory(sb, &loc);
		return;
	}
	if (status != LUA_ERRRUN || !sb->err_msg) {
		error(&loc, "%s", msg ? msg : "unknown error");
		return;
	}
	if (sb->err_file) {
		loc.file = sb->err_file;
		loc.line = sb->err_line;
	}
	if (!strcmp(sb->err_msg, "not enough memory"))
		report_memory(sb, &loc);
	else
		error(&loc, "%s", sb->err_msg);
	if (sb->err_callers)
		note(&loc, "called from %s", sb->err_callers);
}

int sandbox_call(struct lua_State *L, int nargs, int nresults, const char *what)
{
	struct sandbox *sb = sandbox_of(L);
	int base = lua_gettop(L) - nargs;
	lua_pushcfunction(L, msghandler);
	lua_insert(L, base);
	if (sb->calls++ == 0) {
		sb->what = what;
		sb->hit_cap = false;
		free(sb->cap_file);
		sb->cap_file = NULL;
		budget_start(sb);
	}
	error_reset(sb);
	int r = lua_pcall(L, nargs, nresults, base);
	if (--sb->calls == 0)
		budget_stop(sb);
	lua_remove(L, base);
	if (r == LUA_OK)
		return 0;
	report(sb, r, lua_tostring(L, -1), what);
	error_reset(sb);
	lua_pop(L, 1);
	return -1;
}

/* Remember the full path of the function on top (Lua shortens long names). */
void sandbox_register_source(lua_State *L, const char *path)
{
	lua_Debug ar;
	lua_pushvalue(L, -1);
	lua_getinfo(L, ">S", &ar);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &sources_key);
	lua_pushstring(L, path);
	lua_setfield(L, -2, ar.short_src);
	lua_pop(L, 1);
}

/* A template's message with the names the translation made up said as the user wrote them. */
static char *user_words(const char *msg)
{
	static const char *const from[] = {"'__out'", "'__esc'", "'__raw'", "'__inc'", "'__incc'"};
	static const char *const to[] = {"template text", "'{{'", "'{{{'", "'include'",
					 "'include_cached'"};
	struct buf b = BUF_INIT;
	while (*msg) {
		size_t i = 0;
		while (i < ARRAY_SIZE(from) && !str_starts(msg, from[i]))
			i++;
		if (i < ARRAY_SIZE(from)) {
			buf_adds(&b, to[i]);
			msg += strlen(from[i]);
		} else {
			buf_addch(&b, *msg++);
		}
	}
	return buf_detach(&b, NULL);
}

/* A load error "path:7: msg" (on top of the stack, popped) becomes a diagnostic at path:7. */
void sandbox_report_load(lua_State *L, int status, const char *path, bool is_template)
{
	const char *msg = lua_tostring(L, -1), *text;
	struct loc loc = {path, 0, 0};
	size_t flen;
	char *words = NULL;
	if (msg && is_template) {
		words = user_words(msg);
		msg = words;
	}
	if (status == LUA_ERRMEM)
		error(&loc, "out of memory");
	else if (msg && split_position(msg, &flen, &loc.line, &text))
		error(&loc, "%s", text);
	else
		error(&loc, "%s", msg ? msg : "cannot load");
	free(words);
	lua_pop(L, 1);
}

int sandbox_load(struct lua_State *L, const char *path)
{
	char *src, *chunk;
	size_t len;
	if (fs_read(path, &src, &len) < 0)
		return -1;
	chunk = xstrfmt("@%s", path);
	int r = luaL_loadbufferx(L, src, len, chunk, "t");
	free(chunk);
	free(src);
	if (r != LUA_OK) {
		sandbox_report_load(L, r, path, false);
		return -1;
	}
	sandbox_register_source(L, path);
	return 0;
}

void sandbox_set_budget(struct lua_State *L, long ms)
{
	sandbox_of(L)->budget = ms;
}

void sandbox_set_memory(struct lua_State *L, size_t bytes)
{
	sandbox_of(L)->limit = bytes;
}

void sandbox_poll_budget(struct lua_State *L)
{
	sandbox_of(L)->polling = true;
}

size_t sandbox_output_limit(void)
{
	return output_limit;
}
