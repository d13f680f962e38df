/*
 * luasafe: the sandbox's versions of the library functions whose work in C
 * is not bounded by Lua's instruction count: the pattern functions, string.rep,
 * the table functions that loop over a length, setmetatable and xpcall.
 *
 * Each does what Lua's own does (same results, same messages) except:
 *  - string.find, match, gmatch and gsub run a pattern matcher that asks
 *    sandbox_check() every few thousand steps, so a backtracking pattern on a
 *    long subject ends at its time budget, at the script's line; a plain
 *    find is glibc's memmem (linear, where Lua's search is quadratic);
 *  - string.rep of an empty string (or with n < 1) is "" at once (Lua's loops
 *    n times), and a result over LUASAFE_MAX_STRING bytes is an error;
 *  - table.insert, remove, move, concat and unpack take #t once (a __len
 *    metamethod may answer anything, and differently each time) and refuse to
 *    loop over more than LUASAFE_MAX_RANGE elements; table.sort refuses a
 *    table with a __len metamethod, or longer than that;
 *  - setmetatable refuses a metatable with __gc: a finalizer runs inside the
 *    collector, where no hook fires and no error comes out;
 *  - xpcall's message handler is not run once the budget is spent (Lua runs
 *    a handler for an error raised in a hook with hooks off).
 */
#ifndef AFTERMATH_LUASAFE_H
#define AFTERMATH_LUASAFE_H

struct lua_State;

/* The longest string string.rep makes. */
#define LUASAFE_MAX_STRING ((size_t)256 << 20)
/* The most elements one call of a table function loops over. */
#define LUASAFE_MAX_RANGE  ((long long)1 << 24)

/*
 * Replace the functions above in the string and table libraries (opened with
 * luaL_requiref: the string metatable's __index is that same table) and in
 * the global table at index g.  Call before the libraries are made read-only.
 */
void luasafe_install(struct lua_State *L, int g);

#endif
