/* luaglue: building Lua tables from C (see luaglue.h). */
#include "lua/luaglue.h"

#include "yaml/ynode.h"

#include <lauxlib.h>

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

void push_ynode(lua_State *L, const struct ynode *n)
{
	if (!n)
		lua_pushnil(L);
	else
		push_tree(L, n, 0);
}
