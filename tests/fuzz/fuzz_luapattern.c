/*
 * libFuzzer target: the sandbox's pattern functions (luasafe.c) against Lua's own.
 *
 * Input: byte 0 picks the function (find, match, gmatch, gsub, plain find), byte 1 is
 * the start position (signed), then the pattern, a 0x01 byte and the subject.  Both
 * run the same Lua code; their results (or error messages) must be the same bytes.
 * Lua's matcher runs only when the sandbox's finished within its budget (the two do
 * the same steps), so a backtracking input never hangs the fuzzer.
 */
#include "base/diag.h"
#include "render/template.h"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char code[] =
	"local fn, s, p, init = ...\n"
	"local out = {}\n"
	"local function add(ok, ...)\n"
	"  out[#out + 1] = tostring(ok)\n"
	"  for i = 1, select('#', ...) do out[#out + 1] = tostring((select(i, ...))) end\n"
	"  out[#out + 1] = ';'\n"
	"end\n"
	"if fn == 'gmatch' then\n"
	"  local ok, it = pcall(string.gmatch, s, p, init)\n"
	"  if ok then\n"
	"    local n = 0\n"
	"    add(pcall(function()\n"
	"      for a, b in it do out[#out + 1] = tostring(a) .. '|' .. tostring(b); n = n + 1; if n > 64 then break end end\n"
	"    end))\n"
	"  else add(ok, it) end\n"
	"elseif fn == 'gsub' then add(pcall(string.gsub, s, p, '[%0]'))\n"
	"elseif fn == 'plain' then add(pcall(string.find, s, p, init, true))\n"
	"else add(pcall(string[fn], s, p, init)) end\n"
	"return table.concat(out, ' ')\n";

/* Run `code` with the input's arguments; the result (malloc'd) or NULL when the sandbox ran out of budget. */
static char *run(lua_State *L, bool sandboxed, const char *fn, const char *p, size_t lp,
		 const char *s, size_t ls, int init)
{
	if (luaL_loadstring(L, code) != LUA_OK)
		abort();
	lua_pushstring(L, fn);
	lua_pushlstring(L, s, ls);
	lua_pushlstring(L, p, lp);
	lua_pushinteger(L, init);
	int r = sandboxed ? sandbox_call(L, 4, 1, "fuzz") : lua_pcall(L, 4, 1, 0);
	if (r != 0) {
		diag_clear();
		if (!sandboxed)
			lua_pop(L, 1);
		return NULL;
	}
	size_t len;
	const char *res = lua_tolstring(L, -1, &len);
	char *copy = NULL;
	if (!sandboxed || !strstr(res, "time budget"))
		copy = strndup(res, len);
	lua_pop(L, 1);
	return copy;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const fns[] = {"find", "match", "gmatch", "gsub", "plain"};
	static lua_State *safe, *plain;
	if (!safe) {
		safe = sandbox_new();
		sandbox_set_budget(safe, 20);
		plain = luaL_newstate();
		luaL_openlibs(plain);
	}
	if (size < 2 || size > 4096)
		return 0;
	const char *fn = fns[data[0] % 5];
	int init = (int8_t)data[1];
	const char *p = (const char *)data + 2, *end = (const char *)data + size;
	const char *sep = memchr(p, 1, (size_t)(end - p));
	const char *s = sep ? sep + 1 : end;
	size_t lp = (size_t)((sep ? sep : end) - p), ls = (size_t)(end - s);
	char *a = run(safe, true, fn, p, lp, s, ls, init);
	if (!a)
		return 0;
	char *b = run(plain, false, fn, p, lp, s, ls, init);
	if (!b || strcmp(a, b)) {
		fprintf(stderr, "sandbox: %s\nlua:     %s\n", a, b ? b : "(failed)");
		abort();
	}
	free(a);
	free(b);
	lua_gc(safe, LUA_GCCOLLECT, 0);
	return 0;
}
