/* template: Lua templates compiled once, rendered sandboxed (see template.h). */
#include "render/template.h"

#include "base/diag.h"
#include "base/fsutil.h"
#include "base/strmap.h"
#include "base/url.h"
#include "lua/sandbox.h"

#include <ctype.h>
#include <errno.h>
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* include() nesting; each level uses a few of Lua's 200 C calls. */
#define MAX_DEPTH 32

/* Registry key (only its address is used) under which a render's environment keeps its context. */
static const char ctx_key;
/*
 * The value of ctx.content while tmpl_render_page() renders: it stands for
 * the page's text, which only a template that writes `content` with
 * {{{ content }}} and uses it no other way (tfile.page_raw) sees; push_call()
 * gives every other template the text as a string.
 */
static const char page_key;

/* A template file: its name ("partials/head.html") and where it was found. */
struct tfile {
	char *name;
	char *path;
	int ref; /* the compiled function, in the registry */
	/* names `content` only in {{{ content }}} (and never _ENV or __raw): see page_key */
	bool page_raw;
	size_t calls;
	size_t cached;	      /* include_cached() calls answered from the cache */
	uint64_t ns, self_ns; /* time in its renders, with and without its includes */
};

struct tmpl {
	lua_State *L;
	struct tfile *files; /* sorted by name */
	size_t nfiles;
	struct buf *cur;		  /* where __out, __esc, __raw, __inc and __incc append */
	int depth;			  /* include() nesting of the render in progress */
	struct buf bufs[MAX_DEPTH + 1];	  /* include() output, by depth (reused) */
	uint64_t child_ns[MAX_DEPTH + 2]; /* time in includes made at each depth, for self time */
	struct buf scratch;		  /* esc()'s result */
	/* metatable of a render's environment over a context with a metatable */
	int env_mt;
	int env_fast_mt;	  /* the same over a plain context (copied into the environment) */
	int helpers;		  /* helpers.lua's globals */
	int ctxs;		  /* ctxs[depth + 1]: the context at each depth */
	int writers[5];		  /* __out, __esc, __raw, __inc, __incc */
	struct tmpl_cache *cache; /* include_cached()'s texts (maybe shared) */
	bool own_cache;
	struct buf key;	  /* include_cached()'s full key */
	const char *page; /* tmpl_render_page()'s text (ctx.content), while it renders */
	size_t page_len;
	/* the most text one render may write (sandbox_output_limit() when made) */
	size_t out_limit;
	size_t out_held; /* text in the include buffers below the one being written */
};

/* An include buffer that grew past this is freed after the render, not kept for the next. */
#define KEEP_BUF_BYTES ((size_t)4 << 20)

void tmpl_share_cache(struct tmpl *t, struct tmpl_cache *c)
{
	if (t->own_cache)
		tmpl_cache_free(t->cache);
	t->cache = c;
	t->own_cache = false;
}

/* ---- translating a template into Lua --------------------------------------- */

/*
 * The Lua code keeps the template's lines: text becomes a string literal with
 * each newline written as a backslash and a real newline, code is copied as
 * it is.  `ahead` counts newlines the code has that the template has not yet
 * (after a tag that ends in a line comment); the next text newlines are then
 * written as \n until the lines agree again.
 *
 * Text and the {{ }} tags between it go out in runs, one writer call each:
 * __out(text, value, text, value, ...), texts at odd places (written as they
 * are), values at even places (escaped as __esc does).  A 10k build made 10.7
 * million writer calls, one per piece; a run makes one for a line's worth.
 * A run only takes values that cannot write output while they are evaluated
 * (no call: the arguments of a call are all evaluated before it writes
 * anything) and keeps them on the line the run starts on (a message from the
 * writer names the line of its call); it ends at a newline in the text.
 */
struct xlate {
	const char *path;
	const char *src;
	struct buf *code;
	int ahead;
	int run;	 /* pieces in the open run (0: none open) */
	bool want_value; /* the run's next place is a value's */
};

/* At most this many pieces to a run: a Lua call takes at most about 250 arguments. */
#define RUN_MAX 64

static void run_close(struct xlate *x)
{
	if (x->run)
		buf_adds(x->code, "); ");
	x->run = 0;
}

/* Open the place of the next piece (a value when `value`) in the current run, or a new one. */
static void run_next(struct xlate *x, bool value)
{
	if (x->run && (x->run >= RUN_MAX || (!value && !x->want_value)))
		run_close(x);
	if (!x->run) {
		buf_adds(x->code, "__out(");
		x->want_value = false;
	} else {
		buf_addch(x->code, ',');
	}
	if (value && !x->want_value) {
		buf_adds(x->code, "\"\",");
		x->run++;
	}
	x->run++;
	x->want_value = !value;
}

enum tag_kind { TAG_STMT, TAG_ESC, TAG_RAW };

struct tag {
	enum tag_kind kind;
	const char *code, *code_end; /* the Lua inside the tag */
	const char *next;	     /* after the closing tag */
	bool trim_before, trim_after;
	bool in_comment; /* the code ends inside a -- comment */
};

/* The template has k newlines the code does not need. */
static void skip_newlines(struct xlate *x, int k)
{
	for (; k > 0; k--) {
		if (x->ahead > 0) {
			x->ahead--;
		} else {
			run_close(x);
			buf_addch(x->code, '\n');
		}
	}
}

static int count_newlines(const char *s, const char *end)
{
	int n = 0;
	for (; s < end; s++)
		n += *s == '\n';
	return n;
}

/* Text as a piece of a run: a Lua string whose newlines stay on their lines; one ends the run. */
static void emit_text(struct xlate *x, const char *s, const char *end)
{
	struct buf *c = x->code;
	if (s == end)
		return;
	bool newline = memchr(s, '\n', (size_t)(end - s)) != NULL;
	run_next(x, false);
	buf_addch(c, '"');
	for (const char *run = s; s <= end; s++) {
		if (s < end && *s != '\n' && *s != '\r' && *s != '\\' && *s != '"')
			continue;
		buf_add(c, run, (size_t)(s - run));
		run = s + 1;
		if (s == end)
			break;
		if (*s == '\n' && x->ahead > 0) {
			buf_adds(c, "\\n"); /* pays back a line the code is ahead */
			x->ahead--;
		} else if (*s == '\n') {
			/* backslash-newline: a newline in the string and in the code */
			buf_adds(c, "\\\n");
		} else {
			buf_addch(c, '\\');
			buf_addch(c, *s == '\r' ? 'r' : *s);
		}
	}
	buf_addch(c, '"');
	if (newline)
		run_close(x);
}

/* Text after -%}: drop blanks up to and including one newline. */
static const char *trim_front(struct xlate *x, const char *s, const char *end)
{
	const char *p = s;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p < end && *p == '\r' && p + 1 < end && p[1] == '\n')
		p++;
	if (p < end && *p == '\n') {
		skip_newlines(x, 1);
		return p + 1;
	}
	return p;
}

/* Text before {%-: the end after dropping blanks back to and including one newline. */
static const char *trim_back(const char *s, const char *end)
{
	const char *p = end;
	while (p > s && (p[-1] == ' ' || p[-1] == '\t'))
		p--;
	if (p > s && p[-1] == '\n') {
		p--;
		if (p > s && p[-1] == '\r')
			p--;
	}
	return p;
}

/* The length of the long bracket "[==[" at s (0 if none), and its level. */
static size_t long_open(const char *s, int *level)
{
	size_t i = 1;
	if (*s != '[')
		return 0;
	while (s[i] == '=')
		i++;
	if (s[i] != '[')
		return 0;
	*level = (int)i - 1;
	return i + 1;
}

/* Past the "]==]" of `level` in s, or NULL. */
static const char *long_close(const char *s, int level)
{
	for (const char *p = strchr(s, ']'); p; p = strchr(p + 1, ']')) {
		int i = 1;
		while (p[i] == '=')
			i++;
		if (i - 1 == level && p[i] == ']')
			return p + i + 1;
	}
	return NULL;
}

/* Past a quoted string starting at s (or at the end of its line). */
static const char *skip_quoted(const char *s)
{
	char q = *s++;
	while (*s && *s != q && *s != '\n') {
		if (*s == '\\' && s[1])
			s++;
		s++;
	}
	return *s == q ? s + 1 : s;
}

/*
 * Find the closing `tag` of a tag's Lua code, skipping strings and comments
 * as Lua reads them: `{% x = "%}" %}` closes at the second %}.  A line comment
 * ends at the closing tag; *comment is then where it starts.  NULL when the
 * tag is not closed.
 */
static const char *find_close(const char *p, const char *tag, const char **comment)
{
	size_t tlen = strlen(tag), n;
	int level;
	*comment = NULL;
	while (*p) {
		if (!strncmp(p, tag, tlen))
			return p;
		if (p[0] == '-' && p[1] == '-') {
			const char *start = p;
			n = long_open(p + 2, &level);
			if (n) {
				p = long_close(p + 2 + n, level);
				if (!p)
					return NULL;
				continue;
			}
			while (*p && *p != '\n' && strncmp(p, tag, tlen))
				p++;
			if (*p && *p != '\n')
				*comment = start;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p);
			continue;
		}
		n = long_open(p, &level);
		if (n) {
			p = long_close(p + n, level);
			if (!p)
				return NULL;
			continue;
		}
		p++;
	}
	return NULL;
}

/* The next "{{" or "{%" at or after p, or NULL. */
static const char *next_tag(const char *p)
{
	for (p = strchr(p, '{'); p; p = strchr(p + 1, '{'))
		if (p[1] == '{' || p[1] == '%')
			return p;
	return NULL;
}

static int unclosed(const struct xlate *x, const char *open, const char *opener, const char *closer)
{
	const char *bol = open;
	while (bol > x->src && bol[-1] != '\n')
		bol--;
	struct loc loc = {x->path, 1 + count_newlines(x->src, open), 1 + (int)(open - bol)};
	return error(&loc, "unclosed %s (expected %s)", opener, closer);
}

static int parse_tag(const struct xlate *x, const char *open, struct tag *tg)
{
	static const char *const openers[] = {"{%", "{{", "{{{"}, *const closers[] = {"%}", "}}",
										      "}}}"};
	const char *comment;
	memset(tg, 0, sizeof(*tg));
	tg->kind = open[1] == '%' ? TAG_STMT : open[2] == '{' ? TAG_RAW : TAG_ESC;
	tg->code = open + strlen(openers[tg->kind]);
	if (tg->kind == TAG_STMT && tg->code[0] == '-' && tg->code[1] != '-') {
		tg->trim_before = true;
		tg->code++;
	}
	const char *close = find_close(tg->code, closers[tg->kind], &comment);
	if (!close)
		return unclosed(x, open, openers[tg->kind], closers[tg->kind]);
	tg->code_end = close;
	if (tg->kind == TAG_STMT && close > tg->code && close[-1] == '-') {
		tg->trim_after = true;
		tg->code_end--;
		if (comment && comment + 2 > tg->code_end)
			comment = NULL; /* "--%}" is "-" and "-%}" */
	}
	tg->in_comment = comment != NULL;
	tg->next = close + strlen(closers[tg->kind]);
	return 0;
}

static bool ident_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_';
}

/*
 * Whether code[0..end) is one call of `fn` and nothing else (blanks aside):
 * "include(...)".  *paren is set to its "(".  Strings are skipped as Lua
 * reads them; code with a comment never matches.
 */
static bool whole_call(const char *code, const char *end, const char *fn, const char **paren)
{
	const char *p = code;
	size_t n = strlen(fn);
	while (p < end && isspace((unsigned char)*p))
		p++;
	if ((size_t)(end - p) < n || strncmp(p, fn, n) || (p + n < end && ident_char(p[n])))
		return false;
	for (p += n; p < end && isspace((unsigned char)*p); p++)
		;
	if (p == end || *p != '(')
		return false;
	*paren = p;
	int depth = 0, level;
	size_t open;
	while (p < end) {
		if (*p == '"' || *p == '\'') {
			p = skip_quoted(p);
		} else if (p[0] == '-' && p + 1 < end && p[1] == '-') {
			return false;
		} else if ((open = long_open(p, &level)) != 0) {
			p = long_close(p + open, level);
			if (!p)
				return false;
		} else {
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
			if (*p++ == ')' && depth == 0)
				break;
		}
	}
	if (depth != 0 || p > end)
		return false;
	while (p < end && isspace((unsigned char)*p))
		p++;
	return p == end;
}

/*
 * `{{{ include(args) }}}` becomes `__inc(include, args)`, which renders the
 * partial straight into the output instead of into a string that is then
 * copied (the same for include_cached and __incc).  The function is passed
 * as the name resolves, so a context that defines its own `include` still
 * gets it called.
 */
static bool emit_include(struct xlate *x, const struct tag *tg)
{
	static const char *const fns[] = {"include", "include_cached"}, *const writers[] = {
										"__inc(",
										"__incc("};
	const char *paren;
	for (size_t i = 0; i < ARRAY_SIZE(fns); i++) {
		if (!whole_call(tg->code, tg->code_end, fns[i], &paren))
			continue;
		const char *args = paren + 1;
		while (args < tg->code_end && isspace((unsigned char)*args))
			args++;
		buf_adds(x->code, writers[i]);
		buf_add(x->code, tg->code, (size_t)(paren - tg->code));
		if (*args != ')')
			buf_addch(x->code, ',');
		buf_add(x->code, paren + 1, (size_t)(tg->code_end - paren - 1));
		buf_adds(x->code, " ; ");
		return true;
	}
	return false;
}

/* Whether {{ code }} can be a piece of a run: one line, no call, no comma (one value). */
static bool run_value(const struct tag *tg)
{
	if (tg->kind != TAG_ESC || tg->in_comment)
		return false;
	for (const char *p = tg->code; p < tg->code_end; p++)
		if (*p == '(' || *p == ',' || *p == '\n' || *p == '\r')
			return false;
	return true;
}

static void emit_tag(struct xlate *x, const struct tag *tg)
{
	struct buf *c = x->code;
	if (run_value(tg)) {
		run_next(x, true);
		buf_addch(c, '(');
		buf_add(c, tg->code, (size_t)(tg->code_end - tg->code));
		buf_addch(c, ')');
		return;
	}
	run_close(x);
	if (tg->kind == TAG_RAW && !tg->in_comment && emit_include(x, tg))
		return;
	if (tg->kind != TAG_STMT)
		buf_adds(c, tg->kind == TAG_RAW ? "__raw(" : "__esc(");
	buf_add(c, tg->code, (size_t)(tg->code_end - tg->code));
	if (tg->in_comment) {
		buf_addch(c, '\n');
		x->ahead++;
	}
	buf_adds(c, tg->kind == TAG_STMT ? " ; " : "); ");
}

/* Whether identifier `word` occurs in code[0..end) (in strings and comments too: callers want "maybe"). */
static bool mentions(const char *code, const char *end, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = code; p + n <= end; p++)
		if (!memcmp(p, word, n) && (p == code || !ident_char(p[-1])) &&
		    (p + n == end || !ident_char(p[n])))
			return true;
	return false;
}

/* Whether the tag is exactly {{{ content }}} (blanks aside). */
static bool writes_content(const struct tag *tg)
{
	const char *p = tg->code, *end = tg->code_end;
	while (p < end && isspace((unsigned char)*p))
		p++;
	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	return tg->kind == TAG_RAW && end - p == 7 && !memcmp(p, "content", 7);
}

/*
 * Translate template src into Lua; -1 (with a diagnostic) on an unclosed tag.
 * *page_raw: whether the code names `content` only as {{{ content }}}, and
 * never _ENV (the globals as a table) or __raw (the writer it calls).
 */
static int translate(const char *path, const char *src, struct buf *code, bool *page_raw)
{
	struct xlate x = {path, src, code, 0, 0, false};
	const char *p = src;
	bool trim = false;
	*page_raw = true;
	buf_adds(code, "local _ENV, __out, __esc, __raw, __inc, __incc = ...; ");
	for (;;) {
		const char *open = next_tag(p);
		const char *end = open ? open : p + strlen(p), *keep = end;
		struct tag tg = {0};
		if (trim)
			p = trim_front(&x, p, end);
		if (open && parse_tag(&x, open, &tg) < 0)
			return -1;
		if (tg.trim_before)
			keep = trim_back(p, end);
		emit_text(&x, p, keep);
		skip_newlines(&x, count_newlines(keep, end));
		if (!open) {
			run_close(&x);
			return 0;
		}
		if (!writes_content(&tg) && (mentions(tg.code, tg.code_end, "content") ||
					     mentions(tg.code, tg.code_end, "_ENV") ||
					     mentions(tg.code, tg.code_end, "__raw")))
			*page_raw = false;
		emit_tag(&x, &tg);
		p = tg.next;
		trim = tg.trim_after;
	}
}

/* ---- rendering ------------------------------------------------------------------ */

/* name against a file name, as if name ended in ".html" when `ext` */
static int cmp_name(const char *name, bool ext, const char *file)
{
	while (*name && *name == *file)
		name++, file++;
	if (*name || !ext)
		return (unsigned char)*name - (unsigned char)*file;
	return strcmp(".html", file);
}

/* The template called `name`, with or without ".html" (without: no string built). */
static struct tfile *tmpl_find(const struct tmpl *t, const char *name)
{
	for (int ext = 0; ext < 2; ext++) {
		if (ext && str_ends(name, ".html"))
			break;
		size_t lo = 0, hi = t->nfiles;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			int c = cmp_name(name, ext, t->files[mid].name);
			if (!c)
				return &t->files[mid];
			if (c < 0)
				hi = mid;
			else
				lo = mid + 1;
		}
	}
	return NULL;
}

/* The buffer the running template writes to. */
static struct buf *sink(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	if (!t->cur)
		luaL_error(L, "template output outside a render");
	return t->cur;
}

static void output_over(lua_State *L, const struct tmpl *t)
{
	luaL_error(L, "page output over the limit of %d MB (see --page-output)",
		   (int)(t->out_limit >> 20));
}

/*
 * Append s[0..len) to b, HTML-escaped when `html`.  The text a render holds
 * (its output and the partials' texts being written, t->out_held) never
 * grows past t->out_limit: the append that would is an error at the
 * template's line, and b is left as it was.
 */
static void out_add(lua_State *L, const struct tmpl *t, struct buf *b, const char *s, size_t len,
		    bool html)
{
	size_t room = t->out_limit - (t->out_held < t->out_limit ? t->out_held : t->out_limit);
	if (len > room || b->len > room - len)
		output_over(L, t);
	if (!html) {
		buf_add(b, s, len);
		return;
	}
	size_t old = b->len;
	buf_add_html(b, s, len);
	if (b->len > room) {
		b->len = old;
		b->ptr[old] = '\0';
		output_over(L, t);
	}
}

/* Decimal digits of v into num (at least 21 bytes), as Lua's tostring writes an integer. */
static const char *int_text(lua_Integer v, char *num, size_t *len)
{
	char tmp[24];
	size_t n = 0;
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do
		tmp[n++] = (char)('0' + u % 10);
	while (u /= 10);
	size_t k = 0;
	if (v < 0)
		num[k++] = '-';
	while (n)
		num[k++] = tmp[--n];
	num[k] = '\0';
	*len = k;
	return num;
}

/* The text of value idx for {{ }} and {{{ }}}; num is room for an integer's digits. */
static const char *insert_text(lua_State *L, int idx, size_t *len, char *num)
{
	switch (lua_type(L, idx)) {
	case LUA_TNONE:
	case LUA_TNIL: *len = 0; return "";
	case LUA_TSTRING: return lua_tolstring(L, idx, len);
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) /* the common case, without snprintf */
			return int_text(lua_tointeger(L, idx), num, len);
		return luaL_tolstring(L, idx, len);
	case LUA_TBOOLEAN: return luaL_tolstring(L, idx, len);
	default:
		if (luaL_getmetafield(L, idx, "__tostring") == LUA_TNIL)
			luaL_error(L, "cannot insert a %s (expected text)", luaL_typename(L, idx));
		lua_pop(L, 1);
		return luaL_tolstring(L, idx, len);
	}
}

/* __out(text, value, text, ...): a run (see struct xlate); texts are string literals. */
static int w_out(lua_State *L)
{
	struct buf *b = sink(L);
	const struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	int n = lua_gettop(L);
	for (int i = 1; i <= n; i++) {
		size_t len;
		char num[24];
		if (i & 1) {
			const char *s = lua_tolstring(L, i, &len);
			out_add(L, t, b, s, len, false);
		} else {
			const char *s = insert_text(L, i, &len, num);
			out_add(L, t, b, s, len, true);
			if (lua_gettop(L) != n)
				lua_settop(L, n); /* what a __tostring left */
		}
	}
	return 0;
}

/* __esc(v): {{ v }}. */
static int w_esc(lua_State *L)
{
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	out_add(L, lua_touserdata(L, lua_upvalueindex(1)), sink(L), s, len, true);
	return 0;
}

/* __raw(v): {{{ v }}}. */
static int w_raw(lua_State *L)
{
	const struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	if (lua_touserdata(L, 1) == &page_key) { /* {{{ content }}} in a page_raw template */
		out_add(L, t, sink(L), t->page, t->page_len, false);
		return 0;
	}
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	out_add(L, t, sink(L), s, len, false);
	return 0;
}

/* esc(v): v as escaped HTML text (built in the engine's scratch buffer: no leak on error). */
static int l_esc(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	buf_reset(&t->scratch);
	out_add(L, t, &t->scratch, s, len, true);
	lua_pushlstring(L, buf_cstr(&t->scratch), t->scratch.len);
	return 1;
}

/* raw(v): v as text, unescaped. */
static int l_raw(lua_State *L)
{
	size_t len;
	char num[24];
	const char *s = insert_text(L, 1, &len, num);
	lua_pushlstring(L, s, len);
	return 1;
}

/* safe_url(v): v when it is a URL url_safe() allows (url.h), else nil. */
static int l_safe_url(lua_State *L)
{
	const char *s = lua_type(L, 1) == LUA_TSTRING ? lua_tostring(L, 1) : NULL;
	if (s && url_safe(s))
		lua_pushvalue(L, 1);
	else
		lua_pushnil(L);
	return 1;
}

/*
 * __index of every render's environment (upvalues: helpers, library): a
 * name is looked up in the context, then the helpers, then the library.
 */
static int env_index(lua_State *L)
{
	/* E k */
	if (lua_rawgetp(L, 1, &ctx_key) == LUA_TTABLE) { /* E k ctx */
		lua_pushvalue(L, 2);
		if (lua_gettable(L, 3) != LUA_TNIL)
			return 1;
		lua_pop(L, 1);
	}
	lua_pushvalue(L, 2);
	if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL)
		return 1;
	lua_pop(L, 1);
	lua_pushvalue(L, 2);
	lua_rawget(L, lua_upvalueindex(2));
	return 1;
}

/*
 * Push f's function and its arguments: a fresh environment over ctx, the
 * writers.  A plain context (no metatable, as every one aftermath builds) is
 * copied into the environment, whose __index is the helpers table (whose
 * __index is the library): a name then resolves inside the VM, with no C
 * call per lookup.  A context with a metatable keeps env_index, which asks it
 * with its metamethods.  Either way a name is the context's, else a helper's,
 * else the library's.
 */
static void push_call(lua_State *L, const struct tmpl *t, const struct tfile *f, int ctx)
{
	lua_rawgeti(L, LUA_REGISTRYINDEX, f->ref);
	if (!lua_getmetatable(L, ctx)) {
		lua_createtable(L, 0, 8); /* the render's own globals, over a copy of ctx */
		lua_pushnil(L);
		while (lua_next(L, ctx)) { /* E k v */
			if (lua_type(L, -2) == LUA_TSTRING) {
				if (lua_touserdata(L, -1) == &page_key && !f->page_raw) {
					lua_pop(L, 1);
					lua_pushlstring(L, t->page ? t->page : "", t->page_len);
				}
				lua_pushvalue(L, -2);
				lua_insert(L, -2);
				lua_rawset(L, -4);
			} else {
				lua_pop(L, 1);
			}
		}
		lua_rawgeti(L, LUA_REGISTRYINDEX, t->env_fast_mt);
		lua_setmetatable(L, -2);
	} else {
		lua_pop(L, 1);
		lua_createtable(L, 0, 1); /* the render's own globals */
		lua_rawgeti(L, LUA_REGISTRYINDEX, t->env_mt);
		lua_setmetatable(L, -2);
		lua_pushvalue(L, ctx);
		lua_rawsetp(L, -2, &ctx_key);
	}
	for (size_t i = 0; i < ARRAY_SIZE(t->writers); i++)
		lua_rawgeti(L, LUA_REGISTRYINDEX, t->writers[i]);
}

/* Monotonic nanoseconds, for the template timings. */
static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Account a render of f at `depth` that began at t0 (includes it made are in child_ns[depth + 1]). */
static void account(struct tmpl *t, struct tfile *f, int depth, uint64_t t0)
{
	uint64_t spent = now_ns() - t0;
	f->calls++;
	f->ns += spent;
	f->self_ns += spent - (t->child_ns[depth + 1] < spent ? t->child_ns[depth + 1] : spent);
	t->child_ns[depth] += spent;
}

/*
 * Render the partial named at index `at` with the context at at + 1 (nil:
 * the current one), the top two values on the stack, appending to b.  On an
 * error b is cut back to where it was and the error is raised again.
 */
static void render_include(lua_State *L, struct tmpl *t, struct buf *b, int at)
{
	const char *name = luaL_checkstring(L, at);
	int ctx = at + 1, ctxs = at + 2;
	struct tfile *f = tmpl_find(t, name);
	if (!f)
		luaL_error(L, "no template \"%s\" to include", name);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ctxs); /* name ctx ctxs */
	if (lua_isnil(L, ctx)) {
		lua_rawgeti(L, ctxs, t->depth + 1);
		lua_replace(L, ctx);
	}
	if (!lua_istable(L, ctx))
		luaL_error(L, "the context of include(\"%s\") must be a table, not %s", name,
			   luaL_typename(L, ctx));
	if (t->depth >= MAX_DEPTH)
		luaL_error(L, "includes nested more than %d deep (does \"%s\" include itself?)",
			   MAX_DEPTH, name);
	push_call(L, t, f, ctx); /* name ctx ctxs fn E writers... */
	struct buf *saved = t->cur;
	/* the caller's text, while b grows */
	size_t old = b->len, held = saved && saved != b ? saved->len : 0;
	lua_pushvalue(L, ctx);
	lua_rawseti(L, ctxs, t->depth + 2); /* preallocated: cannot fail */
	t->depth++;
	t->cur = b;
	t->child_ns[t->depth + 1] = 0;
	uint64_t t0 = now_ns();
	t->out_held += held;
	int r = lua_pcall(L, 1 + (int)ARRAY_SIZE(t->writers), 0, 0);
	t->out_held -= held;
	account(t, f, t->depth, t0);
	t->depth--;
	t->cur = saved;
	lua_pushnil(L);
	lua_rawseti(L, ctxs, t->depth + 2);
	if (r != LUA_OK) {
		b->len = old;
		if (b->ptr)
			b->ptr[old] = '\0';
		lua_error(L);
	}
	lua_settop(L, ctx);
}

/* include(name [, ctx]): render a partial into a string. */
static int l_include(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	lua_settop(L, 2);
	struct buf *b = &t->bufs[t->depth + 1];
	buf_reset(b);
	render_include(L, t, b, 1);
	lua_pushlstring(L, buf_cstr(b), b->len);
	return 1;
}

/*
 * include_cached(name, key, ctx): include(name, ctx) the first time the
 * build sees (name, key), the same text after that.  The cache is dropped
 * stripe by stripe when it would hold more than TMPL_CACHE_BYTES, so it stays bounded;
 * the text never depends on what was dropped.  Texts are copied out under
 * the lock, into memory Lua does not own, so a Lua error cannot leave it held.
 */

/* Check the key at index 2 and set t->key to "name\nkey". */
static void cache_key(lua_State *L, struct tmpl *t, const char *name)
{
	int kt = lua_type(L, 2);
	if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
		luaL_error(
			L,
			"the key of include_cached(\"%s\", key, ctx) must be a string or a number, not %s",
			name, luaL_typename(L, 2));
	size_t klen;
	const char *key = lua_tolstring(L, 2, &klen);
	if (memchr(key, '\0', klen))
		luaL_error(
			L,
			"the key of include_cached(\"%s\", key, ctx) must not contain a zero byte",
			name);
	buf_reset(&t->key);
	buf_adds(&t->key, name);
	buf_addch(&t->key, '\n');
	buf_add(&t->key, key, klen);
}

/* Append the text cached under t->key to b: false when there is none. */
static bool cache_get(struct tmpl *t, const char *name, struct buf *b)
{
	if (!textcache_get(t->cache, t->key.ptr, t->key.len, b))
		return false;
	struct tfile *f = tmpl_find(t, name);
	if (f)
		f->cached++;
	return true;
}

/* Cache text under t->key (unless another engine did meanwhile). */
static void cache_put(struct tmpl *t, const char *text, size_t len)
{
	textcache_put(t->cache, t->key.ptr, t->key.len, text, len);
}

/*
 * include_cached with name, key and ctx at 1, 2, 3 (the whole stack),
 * appending to b.  A render may use t->key (an include_cached of its own),
 * so the key is made again before the text is stored.
 */
static void include_cached_into(lua_State *L, struct tmpl *t, struct buf *b)
{
	lua_settop(L, 3);
	const char *name = luaL_checkstring(L, 1);
	cache_key(L, t, name);
	size_t old = b->len;
	if (cache_get(t, name, b)) {
		if (b->len >
		    t->out_limit - (t->out_held < t->out_limit ? t->out_held : t->out_limit)) {
			b->len = old;
			b->ptr[old] = '\0';
			output_over(L, t);
		}
		return;
	}
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 3); /* name key ctx name ctx */
	size_t start = b->len;
	render_include(L, t, b, 4);
	cache_key(L, t, name);
	cache_put(t, b->ptr + start, b->len - start);
}

static int l_include_cached(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	struct buf *b = &t->bufs[t->depth + 1];
	buf_reset(b);
	include_cached_into(L, t, b);
	lua_pushlstring(L, buf_cstr(b), b->len);
	return 1;
}

/*
 * __inc(fn, ...) and __incc(fn, ...) (w_include): {{{ include(...) }}} and
 * {{{ include_cached(...) }}}, rendered straight into the output when fn is
 * the library's function (upvalue 2), else fn(...) inserted as __raw would.
 */
static int insert_call(lua_State *L)
{
	lua_call(L, lua_gettop(L) - 1, 1);
	size_t len;
	char num[24];
	const char *s = insert_text(L, -1, &len, num);
	out_add(L, lua_touserdata(L, lua_upvalueindex(1)), sink(L), s, len, false);
	return 0;
}

/* luaL_checkstring's message for argument 1, naming the function as the template does. */
static void check_name(lua_State *L, const char *fn)
{
	if (!lua_isstring(L, 1))
		luaL_error(L, "bad argument #1 to '%s' (string expected, got %s)", fn,
			   luaL_typename(L, 1));
}

/* Upvalues: the engine, the library's function, whether it is include_cached. */
static int w_include(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, lua_upvalueindex(1));
	if (!lua_rawequal(L, 1, lua_upvalueindex(2)))
		return insert_call(L);
	bool cached = lua_toboolean(L, lua_upvalueindex(3));
	struct buf *b = sink(L);
	lua_remove(L, 1);
	check_name(L, cached ? "include_cached" : "include");
	if (cached) {
		include_cached_into(L, t, b);
	} else {
		lua_settop(L, 2);
		render_include(L, t, b, 1);
	}
	return 0;
}

/* Run by sandbox_call: ctx, t and f are the arguments. */
static int render_entry(lua_State *L)
{
	struct tmpl *t = lua_touserdata(L, 2);
	const struct tfile *f = lua_touserdata(L, 3);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ctxs);
	lua_pushvalue(L, 1);
	lua_rawseti(L, -2, 1);
	push_call(L, t, f, 1);
	lua_call(L, 1 + (int)ARRAY_SIZE(t->writers), 0);
	return 0;
}

/* After a render: an include buffer that a big page grew is not kept for every later page. */
static void release_big_buffers(struct tmpl *t)
{
	for (size_t i = 0; i < ARRAY_SIZE(t->bufs); i++)
		if (t->bufs[i].alloc > KEEP_BUF_BYTES)
			buf_release(&t->bufs[i]);
	if (t->scratch.alloc > KEEP_BUF_BYTES)
		buf_release(&t->scratch);
}

int tmpl_render(struct tmpl *t, const char *name, struct buf *out)
{
	lua_State *L = t->L;
	struct tfile *f = tmpl_find(t, name);
	size_t old = out->len;
	if (!f) {
		lua_pop(L, 1);
		return error(NULL, "no template \"%s\" in the layout directories", name);
	}
	if (!lua_istable(L, -1))
		BUG("context of %s is a %s", name, luaL_typename(L, -1));
	lua_pushcfunction(L, render_entry); /* ctx entry */
	lua_insert(L, -2);		    /* entry ctx */
	lua_pushlightuserdata(L, t);
	lua_pushlightuserdata(L, (void *)f);
	t->cur = out;
	t->depth = 0;
	t->child_ns[0] = t->child_ns[1] = 0;
	uint64_t t0 = now_ns();
	int r = sandbox_call(L, 3, 0, f->path);
	account(t, f, 0, t0);
	t->cur = NULL;
	release_big_buffers(t);
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->ctxs);
	lua_pushnil(L);
	lua_rawseti(L, -2, 1); /* let the context go */
	lua_pop(L, 1);
	if (r < 0) {
		out->len = old;
		if (out->ptr)
			out->ptr[old] = '\0';
	}
	return r;
}

int tmpl_render_page(struct tmpl *t, const char *name, const char *text, size_t len,
		     struct buf *out)
{
	lua_State *L = t->L;
	/* env_index would hand page_key to any template: a string then */
	if (lua_getmetatable(L, -1)) {
		lua_pop(L, 1);
		lua_pushlstring(L, text, len);
	} else {
		lua_pushlightuserdata(L, (void *)&page_key);
	}
	lua_setfield(L, -2, "content");
	t->page = text;
	t->page_len = len;
	int r = tmpl_render(t, name, out);
	t->page = NULL;
	t->page_len = 0;
	return r;
}

struct tmpl_stat *tmpl_stats(const struct tmpl *t, size_t *n)
{
	struct tmpl_stat *v = xcalloc(t->nfiles ? t->nfiles : 1, sizeof(*v));
	for (size_t i = 0; i < t->nfiles; i++)
		v[i] = (struct tmpl_stat){t->files[i].name, t->files[i].calls, t->files[i].cached,
					  (double)t->files[i].ns / 1e9,
					  (double)t->files[i].self_ns / 1e9};
	*n = t->nfiles;
	return v;
}

/* ---- opening ---------------------------------------------------------------- */

/* Writers, include(), esc(), raw(), the helpers table and the environment's metatable. */
static void engine_setup(struct tmpl *t)
{
	static const lua_CFunction writers[] = {w_out, w_esc, w_raw};
	lua_State *L = t->L;
	lua_pushglobaltable(L);
	int g = lua_gettop(L);
	lua_newtable(L); /* G H: helpers fall back to the library */
	lua_createtable(L, 0, 1);
	lua_pushvalue(L, g);
	lua_setfield(L, -2, "__index");
	lua_setmetatable(L, -2);
	lua_createtable(L, 0, 2); /* G H mt */
	lua_pushvalue(L, -2);
	lua_pushvalue(L, g);
	lua_pushcclosure(L, env_index, 2);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	t->env_mt = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_createtable(L, 0, 2); /* G H fastmt */
	lua_pushvalue(L, -2);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	t->env_fast_mt = luaL_ref(L, LUA_REGISTRYINDEX);
	t->helpers = luaL_ref(L, LUA_REGISTRYINDEX); /* G */
	for (size_t i = 0; i < ARRAY_SIZE(writers); i++) {
		lua_pushlightuserdata(L, t);
		lua_pushcclosure(L, writers[i], 1);
		t->writers[i] = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	static const struct {
		const char *name;
		lua_CFunction fn;
	} includes[] = {{"include", l_include}, {"include_cached", l_include_cached}};
	for (size_t i = 0; i < ARRAY_SIZE(includes); i++) { /* and their writers __inc, __incc */
		lua_pushlightuserdata(L, t);
		lua_pushcclosure(L, includes[i].fn, 1);
		lua_pushvalue(L, -1);
		lua_setfield(L, g, includes[i].name); /* G fn */
		lua_pushlightuserdata(L, t);
		lua_insert(L, -2);
		lua_pushboolean(L, i == 1);
		lua_pushcclosure(L, w_include, 3);
		t->writers[ARRAY_SIZE(writers) + i] = luaL_ref(L, LUA_REGISTRYINDEX);
	}
	lua_pushlightuserdata(L, t);
	lua_pushcclosure(L, l_esc, 1);
	lua_setfield(L, g, "esc");
	lua_pushcfunction(L, l_raw);
	lua_setfield(L, g, "raw");
	lua_pushcfunction(L, l_safe_url);
	lua_setfield(L, g, "safe_url");
	lua_createtable(L, MAX_DEPTH + 2, 0);
	t->ctxs = luaL_ref(L, LUA_REGISTRYINDEX);
	lua_pop(L, 1);
}

static int cmp_tfile(const void *a, const void *b)
{
	return strcmp(((const struct tfile *)a)->name, ((const struct tfile *)b)->name);
}

/* Every *.html below dirs; the first dir that has a name wins. */
static int collect_files(struct tmpl *t, const char *const *dirs, size_t ndirs)
{
	size_t alloc = 0;
	int ret = 0;
	for (size_t d = 0; d < ndirs; d++) {
		struct fs_entry *e;
		size_t n, have = t->nfiles;
		if (fs_walk(dirs[d], ".html", &e, &n) < 0)
			ret = -1;
		for (size_t i = 0; i < n; i++) {
			struct tfile key = {.name = e[i].rel};
			if (have && bsearch(&key, t->files, have, sizeof(*t->files), cmp_tfile))
				continue; /* overridden by an earlier dir */
			ALLOC_GROW(t->files, t->nfiles + 1, alloc);
			t->files[t->nfiles++] = (struct tfile){.name = xstrdup(e[i].rel),
							       .path = xstrdup(e[i].path),
							       .ref = LUA_NOREF};
		}
		fs_entries_free(e, n);
		sort_array(t->files, t->nfiles, sizeof(*t->files), cmp_tfile);
	}
	return ret;
}

/* Where the NUL byte in src[0..len) is, as a diagnostic. */
static int nul_byte(const char *path, const char *src)
{
	const char *bol = src + strlen(src);
	while (bol > src && bol[-1] != '\n')
		bol--;
	struct loc loc = {path, 1 + count_newlines(src, bol), 1 + (int)(src + strlen(src) - bol)};
	return error(&loc, "NUL byte in template");
}

static int compile_file(struct tmpl *t, struct tfile *f)
{
	lua_State *L = t->L;
	struct buf code = BUF_INIT;
	char *src, *chunk = NULL;
	size_t len;
	int ret = -1;
	if (fs_read(f->path, &src, &len) < 0)
		return -1;
	if (strlen(src) != len) {
		nul_byte(f->path, src);
		goto out;
	}
	if (translate(f->path, src, &code, &f->page_raw) < 0)
		goto out;
	chunk = xstrfmt("@%s", f->path);
	int r = luaL_loadbufferx(L, code.ptr, code.len, chunk, "t");
	if (r != LUA_OK) {
		sandbox_report_load(L, r, f->path, true);
		goto out;
	}
	sandbox_register_source(L, f->path);
	f->ref = luaL_ref(L, LUA_REGISTRYINDEX);
	ret = 0;
out:
	free(src);
	free(chunk);
	buf_release(&code);
	return ret;
}

/* Run helpers.lua with the helpers table as its globals, then make them read-only. */
static int run_helpers(struct tmpl *t, const char *path)
{
	lua_State *L = t->L;
	if (sandbox_load(L, path) < 0)
		return -1;
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->helpers); /* chunk H */
	lua_setupvalue(L, -2, 1);		       /* _ENV = H */
	lua_pushvalue(L, -1);			       /* chunk chunk */
	if (sandbox_call(L, 0, 0, path) < 0) {
		lua_pop(L, 1);
		return -1;
	}
	/* The chunk's functions share its _ENV: point it at a read-only view. */
	lua_rawgeti(L, LUA_REGISTRYINDEX, t->helpers);
	sandbox_make_readonly(L, "cannot assign global '",
			      "' in a helper (helpers are shared by every page: use a local)");
	lua_setupvalue(L, -2, 1);
	lua_pop(L, 1);
	return 0;
}

/* Load the first helpers.lua found in dirs. */
static int load_helpers(struct tmpl *t, const char *const *dirs, size_t ndirs)
{
	for (size_t d = 0; d < ndirs; d++) {
		char *path = path_join(dirs[d], "helpers.lua");
		int ret = 0;
		bool found = fs_exists(path);
		if (found)
			ret = run_helpers(t, path);
		free(path);
		if (found)
			return ret;
	}
	return 0;
}

struct tmpl *tmpl_open(const char *const *dirs, size_t ndirs)
{
	struct tmpl *t = xcalloc(1, sizeof(*t));
	int ret = 0;
	t->cache = tmpl_cache_new();
	t->own_cache = true;
	t->out_limit = sandbox_output_limit();
	t->L = sandbox_new();
	engine_setup(t);
	if (collect_files(t, dirs, ndirs) < 0)
		ret = -1;
	for (size_t i = 0; i < t->nfiles; i++)
		if (compile_file(t, &t->files[i]) < 0)
			ret = -1;
	if (load_helpers(t, dirs, ndirs) < 0)
		ret = -1;
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
	if (t->own_cache)
		tmpl_cache_free(t->cache);
	buf_release(&t->key);
	for (size_t i = 0; i < t->nfiles; i++) {
		free(t->files[i].name);
		free(t->files[i].path);
	}
	free(t->files);
	for (size_t i = 0; i < ARRAY_SIZE(t->bufs); i++)
		buf_release(&t->bufs[i]);
	buf_release(&t->scratch);
	free(t);
}

void tmpl_set_output_limit(struct tmpl *t, size_t bytes)
{
	t->out_limit = bytes;
}

struct lua_State *tmpl_lua(struct tmpl *t)
{
	return t->L;
}

bool tmpl_exists(struct tmpl *t, const char *name)
{
	return tmpl_find(t, name) != NULL;
}
