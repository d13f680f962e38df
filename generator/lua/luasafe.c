/* luasafe: library functions bounded in time and size for the sandbox (see luasafe.h). */
#include "lua/luasafe.h"

#include "lua/budget.h"

#include <ctype.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* ---- the pattern matcher ------------------------------------------------------ */

/*
 * Lua's pattern language (the manual's section 6.4.1), matched by
 * backtracking as Lua does, with the same results and messages.  What is
 * added is `steps`: every pattern item tried, every character a repetition
 * or %b scans and every byte a back-reference compares counts one, and every
 * STEP_CHECK of them sandbox_check() raises the time-budget error once the
 * budget is spent.  A backtracking pattern on a long subject (".-.-.-x" on
 * 100 KB is 10^15 steps) then ends at its budget instead of running for days.
 */
#define ESC	       '%'
#define SPECIALS       "^$*+?.([%-"
#define MAX_CAPTURES   32 /* Lua's LUA_MAXCAPTURES */
#define CAP_UNFINISHED (-1)
#define CAP_POSITION   (-2)
#define MAX_RECURSION  200 /* Lua's MAXCCALLS: "pattern too complex" */
#define STEP_CHECK     4096

struct matcher {
	const char *src_init, *src_end; /* the subject */
	const char *p_end;		/* the end of the pattern */
	lua_State *L;
	int depth_left;
	int level; /* captures open or closed so far */
	size_t steps;
	struct {
		const char *init;
		ptrdiff_t len; /* or CAP_UNFINISHED, CAP_POSITION */
	} capture[MAX_CAPTURES];
};

static void count_steps(struct matcher *m, size_t n)
{
	m->steps += n;
	if (m->steps >= STEP_CHECK) {
		m->steps = 0;
		sandbox_check(m->L);
	}
}

static void matcher_init(struct matcher *m, lua_State *L, const char *s, size_t ls, const char *p,
			 size_t lp)
{
	m->L = L;
	m->src_init = s;
	m->src_end = s + ls;
	m->p_end = p + lp;
	m->steps = 0;
}

/* Before each attempt at a new position. */
static void matcher_reset(struct matcher *m)
{
	m->level = 0;
	m->depth_left = MAX_RECURSION;
}

static const char *match(struct matcher *m, const char *s, const char *p);

/* Past the single-character class at p ("x", "%a", "[a-z]"). */
static const char *class_end(struct matcher *m, const char *p)
{
	char c = *p++;
	if (c == ESC) {
		if (p == m->p_end)
			luaL_error(m->L, "malformed pattern (ends with '%%')");
		return p + 1;
	}
	if (c != '[')
		return p;
	if (*p == '^')
		p++;
	do { /* the first character is part of the set even when it is ']' */
		if (p == m->p_end)
			luaL_error(m->L, "malformed pattern (missing ']')");
		if (*p++ == ESC && p < m->p_end)
			p++;
	} while (*p != ']');
	return p + 1;
}

/* Whether c is in class %cl (an upper-case letter negates it; a non-letter is itself). */
static bool class_has(int c, int cl)
{
	bool in;
	switch (tolower(cl)) {
	case 'a': in = isalpha(c); break;
	case 'c': in = iscntrl(c); break;
	case 'd': in = isdigit(c); break;
	case 'g': in = isgraph(c); break;
	case 'l': in = islower(c); break;
	case 'p': in = ispunct(c); break;
	case 's': in = isspace(c); break;
	case 'u': in = isupper(c); break;
	case 'w': in = isalnum(c); break;
	case 'x': in = isxdigit(c); break;
	case 'z': in = c == 0; break; /* deprecated, still in Lua 5.4 */
	default: return cl == c;
	}
	return isupper(cl) ? !in : in;
}

/* Whether c is in the set that starts with '[' at p and ends with the ']' at last. */
static bool set_has(int c, const char *p, const char *last)
{
	bool want = true;
	if (p[1] == '^') {
		want = false;
		p++;
	}
	while (++p < last) {
		if (*p == ESC) {
			p++;
			if (class_has(c, (unsigned char)*p))
				return want;
		} else if (p[1] == '-' && p + 2 < last) {
			p += 2;
			if ((unsigned char)p[-2] <= c && c <= (unsigned char)*p)
				return want;
		} else if ((unsigned char)*p == c) {
			return want;
		}
	}
	return !want;
}

/* Whether the character at s matches the class p..ep. */
static bool single_match(const struct matcher *m, const char *s, const char *p, const char *ep)
{
	if (s >= m->src_end)
		return false;
	int c = (unsigned char)*s;
	switch (*p) {
	case '.': return true;
	case ESC: return class_has(c, (unsigned char)p[1]);
	case '[': return set_has(c, p, ep - 1);
	default: return (unsigned char)*p == c;
	}
}

/* %bxy at p: past the balanced x...y at s, or NULL. */
static const char *match_balance(struct matcher *m, const char *s, const char *p)
{
	if (p >= m->p_end - 1)
		luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
	if (s >= m->src_end || *s != *p)
		return NULL;
	const char *start = s;
	int open = 1;
	char b = p[0], e = p[1];
	while (++s < m->src_end) {
		if (*s == e) {
			if (--open == 0) {
				count_steps(m, (size_t)(s - start));
				return s + 1;
			}
		} else if (*s == b) {
			open++;
		}
	}
	count_steps(m, (size_t)(s - start));
	return NULL;
}

/* x* and x+ (s already past the first x for +): the longest run that lets the rest match. */
static const char *max_expand(struct matcher *m, const char *s, const char *p, const char *ep)
{
	ptrdiff_t i = 0;
	while (single_match(m, s + i, p, ep))
		i++;
	count_steps(m, (size_t)i);
	for (; i >= 0; i--) {
		const char *res = match(m, s + i, ep + 1);
		if (res)
			return res;
	}
	return NULL;
}

/* x-: the shortest run that lets the rest match. */
static const char *min_expand(struct matcher *m, const char *s, const char *p, const char *ep)
{
	for (;;) {
		const char *res = match(m, s, ep + 1);
		if (res)
			return res;
		if (!single_match(m, s, p, ep))
			return NULL;
		s++;
	}
}

static const char *start_capture(struct matcher *m, const char *s, const char *p, ptrdiff_t what)
{
	int level = m->level;
	if (level >= MAX_CAPTURES)
		luaL_error(m->L, "too many captures");
	m->capture[level].init = s;
	m->capture[level].len = what;
	m->level = level + 1;
	const char *res = match(m, s, p);
	if (!res)
		m->level--;
	return res;
}

static const char *end_capture(struct matcher *m, const char *s, const char *p)
{
	int l = m->level - 1;
	while (l >= 0 && m->capture[l].len != CAP_UNFINISHED)
		l--;
	if (l < 0)
		luaL_error(m->L, "invalid pattern capture");
	m->capture[l].len = s - m->capture[l].init;
	const char *res = match(m, s, p);
	if (!res)
		m->capture[l].len = CAP_UNFINISHED;
	return res;
}

/* %1 .. %9: the text of capture `digit` again. */
static const char *match_backref(struct matcher *m, const char *s, int digit)
{
	int l = digit - '1';
	if (l < 0 || l >= m->level || m->capture[l].len == CAP_UNFINISHED)
		luaL_error(m->L, "invalid capture index %%%d", l + 1);
	size_t len = (size_t)m->capture[l].len;
	count_steps(m, len);
	if ((size_t)(m->src_end - s) >= len && !memcmp(m->capture[l].init, s, len))
		return s + len;
	return NULL;
}

/* %f[set] at p: a frontier (the set's start), or NULL; *next is past the set. */
static bool match_frontier(struct matcher *m, const char *s, const char *p, const char **next)
{
	if (*p != '[')
		luaL_error(m->L, "missing '[' after '%%f' in pattern");
	const char *ep = class_end(m, p);
	int prev = s == m->src_init ? '\0' : (unsigned char)s[-1];
	int cur = s < m->src_end ? (unsigned char)*s : '\0';
	*next = ep;
	return !set_has(prev, p, ep - 1) && set_has(cur, p, ep - 1);
}

/* A single class, maybe with a repetition suffix: the rest of match(). */
static const char *match_item(struct matcher *m, const char *s, const char *p, const char **cont)
{
	const char *ep = class_end(m, p);
	*cont = NULL;
	if (!single_match(m, s, p, ep)) {
		if (*ep == '*' || *ep == '?' || *ep == '-')
			*cont = ep + 1; /* zero of them: go on with the rest */
		return NULL;
	}
	switch (*ep) {
	case '?': {
		const char *res = match(m, s + 1, ep + 1);
		if (!res)
			*cont = ep + 1;
		return res;
	}
	case '+': return max_expand(m, s + 1, p, ep);
	case '*': return max_expand(m, s, p, ep);
	case '-': return min_expand(m, s, p, ep);
	default:
		*cont = ep; /* one character matched: go on at ep, at s + 1 */
		return s + 1;
	}
}

/*
 * Match pattern p (to m->p_end) at s: past the match, or NULL.  Items that
 * need no backtracking are walked in the loop; the others recurse.
 */
static const char *match(struct matcher *m, const char *s, const char *p)
{
	if (m->depth_left-- == 0)
		luaL_error(m->L, "pattern too complex");
	while (s && p != m->p_end) {
		const char *cont = NULL;
		count_steps(m, 1);
		if (*p == '(') {
			s = p[1] == ')' ? start_capture(m, s, p + 2, CAP_POSITION)
					: start_capture(m, s, p + 1, CAP_UNFINISHED);
			break;
		}
		if (*p == ')') {
			s = end_capture(m, s, p + 1);
			break;
		}
		if (*p == '$' && p + 1 == m->p_end) {
			s = s == m->src_end ? s : NULL;
			break;
		}
		if (*p == ESC && p[1] == 'b') {
			s = match_balance(m, s, p + 2);
			p += 4;
			continue;
		}
		if (*p == ESC && p[1] == 'f') {
			if (!match_frontier(m, s, p + 2, &p))
				s = NULL;
			continue;
		}
		if (*p == ESC && isdigit((unsigned char)p[1])) {
			s = match_backref(m, s, (unsigned char)p[1]);
			p += 2;
			continue;
		}
		const char *res = match_item(m, s, p, &cont);
		if (!cont) {
			s = res;
			break;
		}
		if (res) /* one character, no suffix */
			s = res;
		p = cont;
	}
	m->depth_left++;
	return s;
}

/* Capture i of a match s..e (the whole match when there are no captures); pushes a position. */
static ptrdiff_t get_capture(struct matcher *m, int i, const char *s, const char *e,
			     const char **cap)
{
	if (i >= m->level) {
		if (i != 0)
			luaL_error(m->L, "invalid capture index %%%d", i + 1);
		*cap = s;
		return e - s;
	}
	ptrdiff_t len = m->capture[i].len;
	*cap = m->capture[i].init;
	if (len == CAP_UNFINISHED)
		luaL_error(m->L, "unfinished capture");
	else if (len == CAP_POSITION)
		lua_pushinteger(m->L, (m->capture[i].init - m->src_init) + 1);
	return len;
}

static void push_capture(struct matcher *m, int i, const char *s, const char *e)
{
	const char *cap;
	ptrdiff_t len = get_capture(m, i, s, e, &cap);
	if (len != CAP_POSITION)
		lua_pushlstring(m->L, cap, (size_t)len);
}

/* Push the captures (or the whole match s..e when none; nothing for find when s is NULL). */
static int push_captures(struct matcher *m, const char *s, const char *e)
{
	int n = m->level == 0 && s ? 1 : m->level;
	luaL_checkstack(m->L, n, "too many captures");
	for (int i = 0; i < n; i++)
		push_capture(m, i, s, e);
	return n;
}

/* ---- string.find, match, gmatch, gsub -------------------------------------------- */

/* A 1-based, maybe negative start position as an offset (may be past len). */
static size_t start_offset(lua_Integer pos, size_t len)
{
	if (pos > 0)
		return (size_t)pos - 1;
	if (pos == 0 || pos < -(lua_Integer)len)
		return 0;
	return len + (size_t)pos;
}

static bool no_specials(const char *p, size_t lp)
{
	size_t at = 0;
	do { /* strpbrk stops at a zero byte: look past each */
		if (strpbrk(p + at, SPECIALS))
			return false;
		at += strlen(p + at) + 1;
	} while (at <= lp);
	return true;
}

static int find_or_match(lua_State *L, bool find)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
	if (init > ls) {
		lua_pushnil(L);
		return 1;
	}
	if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
		/* glibc's memmem is linear (two-way), unlike a naive search */
		const char *at = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
		if (at) {
			lua_pushinteger(L, (at - s) + 1);
			lua_pushinteger(L, (lua_Integer)((size_t)(at - s) + lp));
			return 2;
		}
		lua_pushnil(L);
		return 1;
	}
	struct matcher m;
	bool anchor = *p == '^';
	if (anchor) {
		p++;
		lp--;
	}
	matcher_init(&m, L, s, ls, p, lp);
	const char *s1 = s + init;
	do {
		matcher_reset(&m);
		const char *e = match(&m, s1, p);
		if (e && find) {
			lua_pushinteger(L, (s1 - s) + 1);
			lua_pushinteger(L, e - s);
			return push_captures(&m, NULL, NULL) + 2;
		}
		if (e)
			return push_captures(&m, s1, e);
		count_steps(&m, 1);
	} while (s1++ < m.src_end && !anchor);
	lua_pushnil(L);
	return 1;
}

static int safe_find(lua_State *L)
{
	return find_or_match(L, true);
}

static int safe_match(lua_State *L)
{
	return find_or_match(L, false);
}

struct gmatch_state {
	const char *src, *p, *lastmatch;
	struct matcher m;
};

/* The iterator: upvalues are the subject, the pattern and the state. */
static int gmatch_next(lua_State *L)
{
	struct gmatch_state *gm = lua_touserdata(L, lua_upvalueindex(3));
	gm->m.L = L;
	for (const char *src = gm->src; src <= gm->m.src_end; src++) {
		matcher_reset(&gm->m);
		const char *e = match(&gm->m, src, gm->p);
		if (e && e != gm->lastmatch) {
			gm->src = gm->lastmatch = e;
			return push_captures(&gm->m, src, e);
		}
		count_steps(&gm->m, 1);
	}
	return 0;
}

static int safe_gmatch(lua_State *L)
{
	size_t ls, lp;
	const char *s = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
	lua_settop(L, 2); /* the closure keeps s and p alive */
	struct gmatch_state *gm = lua_newuserdatauv(L, sizeof(*gm), 0);
	if (init > ls)
		init = ls + 1;
	matcher_init(&gm->m, L, s, ls, p, lp);
	gm->src = s + init;
	gm->p = p;
	gm->lastmatch = NULL;
	lua_pushcclosure(L, gmatch_next, 3);
	return 1;
}

/* A replacement string (argument 3) for the match s..e: %0-%9 and %%. */
static void add_replacement(struct matcher *m, luaL_Buffer *b, const char *s, const char *e)
{
	lua_State *L = m->L;
	size_t l;
	const char *r = lua_tolstring(L, 3, &l), *pc;
	count_steps(m, l);
	while ((pc = memchr(r, ESC, l)) != NULL) {
		luaL_addlstring(b, r, (size_t)(pc - r));
		pc++;
		if (*pc == ESC) {
			luaL_addchar(b, *pc);
		} else if (*pc == '0') {
			luaL_addlstring(b, s, (size_t)(e - s));
		} else if (isdigit((unsigned char)*pc)) {
			const char *cap;
			ptrdiff_t len = get_capture(m, *pc - '1', s, e, &cap);
			if (len == CAP_POSITION)
				luaL_addvalue(b);
			else
				luaL_addlstring(b, cap, (size_t)len);
		} else {
			luaL_error(L, "invalid use of '%c' in replacement string", ESC);
		}
		l -= (size_t)(pc + 1 - r);
		r = pc + 1;
	}
	luaL_addlstring(b, r, l);
}

/* Add the replacement of match s..e; whether it changed the text. */
static bool add_value(struct matcher *m, luaL_Buffer *b, const char *s, const char *e, int type)
{
	lua_State *L = m->L;
	if (type == LUA_TFUNCTION) {
		lua_pushvalue(L, 3);
		int n = push_captures(m, s, e);
		lua_call(L, n, 1);
	} else if (type == LUA_TTABLE) {
		push_capture(m, 0, s, e);
		lua_gettable(L, 3);
	} else {
		add_replacement(m, b, s, e);
		return true;
	}
	if (!lua_toboolean(L, -1)) { /* nil or false: keep the match */
		lua_pop(L, 1);
		luaL_addlstring(b, s, (size_t)(e - s));
		return false;
	}
	if (!lua_isstring(L, -1))
		luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
	luaL_addvalue(b);
	return true;
}

static int safe_gsub(lua_State *L)
{
	size_t ls, lp;
	const char *src = luaL_checklstring(L, 1, &ls);
	const char *p = luaL_checklstring(L, 2, &lp);
	const char *lastmatch = NULL;
	int type = lua_type(L, 3);
	lua_Integer max = luaL_optinteger(L, 4, (lua_Integer)ls + 1), n = 0;
	bool anchor = *p == '^', changed = false;
	struct matcher m;
	luaL_Buffer b;
	luaL_argexpected(L,
			 type == LUA_TNUMBER || type == LUA_TSTRING || type == LUA_TFUNCTION ||
				 type == LUA_TTABLE,
			 3, "string/function/table");
	luaL_buffinit(L, &b);
	if (anchor) {
		p++;
		lp--;
	}
	matcher_init(&m, L, src, ls, p, lp);
	while (n < max) {
		matcher_reset(&m);
		const char *e = match(&m, src, p);
		if (e && e != lastmatch) {
			n++;
			changed = add_value(&m, &b, src, e, type) || changed;
			src = lastmatch = e;
		} else if (src < m.src_end) {
			luaL_addchar(&b, *src++);
		} else {
			break;
		}
		count_steps(&m, 1);
		if (anchor)
			break;
	}
	if (!changed) {
		lua_pushvalue(L, 1);
	} else {
		luaL_addlstring(&b, src, (size_t)(m.src_end - src));
		luaL_pushresult(&b);
	}
	lua_pushinteger(L, n);
	return 2;
}

static int call_original(lua_State *L);

/* string.rep(s, n [, sep]): Lua's (upvalue 1) once the size is known to be sane. */
static int safe_rep(lua_State *L)
{
	size_t l, lsep;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n <= 0 || (l == 0 && lsep == 0)) {
		lua_pushliteral(L, "");
		return 1;
	}
	if (l + lsep > LUASAFE_MAX_STRING || (size_t)n > LUASAFE_MAX_STRING / (l + lsep))
		return luaL_error(L,
				  "string.rep would make more than %d MB (the limit of a string)",
				  (int)(LUASAFE_MAX_STRING >> 20));
	return call_original(L);
}

/* ---- the table library ---------------------------------------------------------- */

/* Call Lua's function (upvalue 1) with this call's arguments. */
static int call_original(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* A loop from first to last (inclusive) must be short. */
static void check_range(lua_State *L, lua_Integer first, lua_Integer last, const char *fn)
{
	if (last >= first &&
	    (lua_Unsigned)last - (lua_Unsigned)first >= (lua_Unsigned)LUASAFE_MAX_RANGE)
		luaL_error(L, "table.%s of more than %d elements is not allowed in the sandbox", fn,
			   (int)LUASAFE_MAX_RANGE);
}

/*
 * table.insert(t, [pos,] v) and table.remove(t [, pos]) as Lua's, with #t
 * (which a __len metamethod may make anything) taken once and the loop that
 * shifts the elements bounded.
 */
static int safe_insert(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_Integer e = luaL_len(L, 1) + 1; /* the first empty place */
	lua_Integer pos;
	switch (lua_gettop(L)) {
	case 2: pos = e; break;
	case 3:
		pos = luaL_checkinteger(L, 2);
		luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2,
			      "position out of bounds");
		check_range(L, pos, e, "insert");
		for (lua_Integer i = e; i > pos; i--) {
			lua_geti(L, 1, i - 1);
			lua_seti(L, 1, i);
		}
		break;
	default: return luaL_error(L, "wrong number of arguments to 'insert'");
	}
	lua_seti(L, 1, pos);
	return 0;
}

static int safe_remove(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_Integer size = luaL_len(L, 1);
	lua_Integer pos = luaL_optinteger(L, 2, size);
	if (pos != size)
		luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 1,
			      "position out of bounds"); /* #1, as Lua 5.4 says */
	check_range(L, pos, size, "remove");
	lua_geti(L, 1, pos);
	for (; pos < size; pos++) {
		lua_geti(L, 1, pos + 1);
		lua_seti(L, 1, pos);
	}
	lua_pushnil(L);
	lua_seti(L, 1, pos);
	return 1;
}

/* table.sort(t [, comp]): Lua's, for a table whose length is its own (no __len) and bounded. */
static int safe_sort(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TFUNCTION);
	if (luaL_getmetafield(L, 1, "__len") != LUA_TNIL)
		return luaL_error(
			L,
			"table.sort of a table with a __len metamethod is not allowed in the sandbox");
	check_range(L, 1, (lua_Integer)lua_rawlen(L, 1), "sort");
	return call_original(L);
}

/* table.move(a1, f, e, t [, a2]): the range f..e is bounded. */
static int safe_move(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	check_range(L, luaL_checkinteger(L, 2), luaL_checkinteger(L, 3), "move");
	luaL_checkinteger(L, 4);
	if (!lua_isnoneornil(L, 5))
		luaL_checktype(L, 5, LUA_TTABLE);
	return call_original(L);
}

/*
 * table.concat(t [, sep [, i [, j]]]) and table.unpack(t [, i [, j]]): j
 * defaults to #t, which is taken once here and passed on, so a __len cannot
 * answer differently when Lua's function asks again.
 */
static int with_range(lua_State *L, int at, const char *fn)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_Integer i = luaL_optinteger(L, at, 1);
	lua_Integer j = lua_isnoneornil(L, at + 1) ? luaL_len(L, 1) : luaL_checkinteger(L, at + 1);
	check_range(L, i, j, fn);
	lua_settop(L, at + 1);
	lua_pushinteger(L, i);
	lua_replace(L, at);
	lua_pushinteger(L, j);
	lua_replace(L, at + 1);
	return call_original(L);
}

static int safe_concat(lua_State *L)
{
	if (lua_isnoneornil(L, 2)) {
		lua_settop(L, 2);
		lua_pushliteral(L, "");
		lua_replace(L, 2);
	}
	return with_range(L, 3, "concat");
}

static int safe_unpack(lua_State *L)
{
	return with_range(L, 2, "unpack");
}

/* ---- base functions --------------------------------------------------------------- */

/* setmetatable(t, mt): no finalizers. */
static int safe_setmetatable(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	if (lua_istable(L, 2)) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL) /* what Lua itself looks at */
			return luaL_error(
				L, "a __gc metamethod (finalizer) is not allowed in the sandbox");
		lua_pop(L, 1);
	}
	return call_original(L);
}

/* xpcall's handler, guarded: the message as it is once the budget is spent. */
static int guarded_handler(lua_State *L)
{
	if (sandbox_spent(L))
		return 1;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* xpcall(f, msgh, ...) as Lua's, with msgh guarded. */
static int safe_xpcall(lua_State *L)
{
	int n = lua_gettop(L);
	luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_pushvalue(L, 2);
	lua_pushcclosure(L, guarded_handler, 1);
	lua_replace(L, 2);
	lua_pushboolean(L, 1); /* f h args... true */
	lua_pushvalue(L, 1);   /* f h args... true f */
	lua_rotate(L, 3, 2);   /* f h true f args... */
	if (lua_pcall(L, n - 2, LUA_MULTRET, 2) != LUA_OK) {
		lua_pushboolean(L, 0);
		lua_pushvalue(L, -2);
		return 2;
	}
	return lua_gettop(L) - 2;
}

/* ---- installing ------------------------------------------------------------------- */

/* t[name] = fn, with t's old t[name] as fn's upvalue when `wrap` (t at index idx). */
static void replace(lua_State *L, int idx, const char *name, lua_CFunction fn, bool wrap)
{
	idx = lua_absindex(L, idx);
	if (wrap) {
		lua_getfield(L, idx, name);
		lua_pushcclosure(L, fn, 1);
	} else {
		lua_pushcfunction(L, fn);
	}
	lua_setfield(L, idx, name);
}

void luasafe_install(lua_State *L, int g)
{
	g = lua_absindex(L, g);
	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0); /* string */
	replace(L, -1, "find", safe_find, false);
	replace(L, -1, "match", safe_match, false);
	replace(L, -1, "gmatch", safe_gmatch, false);
	replace(L, -1, "gsub", safe_gsub, false);
	replace(L, -1, "rep", safe_rep, true);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0); /* string table */
	replace(L, -1, "insert", safe_insert, true);
	replace(L, -1, "remove", safe_remove, true);
	replace(L, -1, "sort", safe_sort, true);
	replace(L, -1, "move", safe_move, true);
	replace(L, -1, "concat", safe_concat, true);
	replace(L, -1, "unpack", safe_unpack, true);
	lua_pop(L, 2);
	replace(L, g, "setmetatable", safe_setmetatable, true);
	lua_pushcfunction(L, safe_xpcall);
	lua_setfield(L, g, "xpcall");
}
