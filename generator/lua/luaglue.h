/*
 * luaglue: the few calls every module that builds Lua tables for scripts
 * (render's page contexts, lint's postmortem tables) makes.  Each works on
 * the table at the top of the stack.
 */
#ifndef AFTERMATH_LUAGLUE_H
#define AFTERMATH_LUAGLUE_H

#include <lua.h>
#include <stdbool.h>
#include <string.h>

/*
 * t[k] = v for the table t on top; nothing when v is NULL (the key stays nil).
 * (lua_pushlstring, not lua_pushstring: the latter first looks v up in Lua's
 * cache by address, with a strcmp that was 3% of a build.)
 */
static inline void set_str(lua_State *L, const char *k, const char *v)
{
	if (!v)
		return;
	lua_pushlstring(L, v, strlen(v));
	lua_setfield(L, -2, k);
}

static inline void set_lstr(lua_State *L, const char *k, const char *v, size_t len)
{
	lua_pushlstring(L, v, len);
	lua_setfield(L, -2, k);
}

static inline void set_int(lua_State *L, const char *k, long long v)
{
	lua_pushinteger(L, v);
	lua_setfield(L, -2, k);
}

static inline void set_bool(lua_State *L, const char *k, bool v)
{
	lua_pushboolean(L, v);
	lua_setfield(L, -2, k);
}

/* t[#t + 1] = the value on top of the stack (popped); t is just below it. */
static inline void append(lua_State *L)
{
	lua_rawseti(L, -2, (lua_Integer)lua_rawlen(L, -2) + 1);
}

/*
 * The YAML tree n as Lua values: a text value a string, a list a sequence, a
 * mapping a table by key; nil for NULL.  At most YAML_MAX_DEPTH levels (the
 * parsers' own limit), with Lua's stack checked as it goes.
 */
struct ynode;
void push_ynode(lua_State *L, const struct ynode *n);

#endif
