/* redact: public.redact rules and scripts/redact.lua over published text (see redact.h). */
#include "publish/redact.h"

#include "base/fsutil.h"
#include "lua/sandbox.h"
#include "model/internal.h"
#include "model/slug.h"
#include "publish/profile.h"
#include "publish/tokdiff.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <lauxlib.h>
#include <lua.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* PCRE2 gives up (an error, never a silent pass) after this much backtracking. */
#define MATCH_LIMIT  10000000u
/*
 * PCRE2's limits hold for one match, and a pattern may match at every
 * character of a long text.  So a file (a postmortem or a page: all its
 * fields, every rule) has a budget too: call k of pcre2_match gets
 * FILE_STEPS / k of match limit (at most MATCH_LIMIT, at least CALL_STEPS),
 * which adds up to FILE_STEPS times about ln(calls): a pattern that
 * backtracks over the rest of the text at each match fails after a few
 * hundred matches, while one that looks at a few characters a match never
 * comes near it.  Work PCRE2 does not count (a scan of a long subject with
 * no backtracking) is bounded by FILE_MATCHES and by FILE_SECONDS of the
 * thread's CPU time.  Past any of them the file is an error naming the rule.
 */
#define FILE_STEPS   10000000u
#define CALL_STEPS   1000u
#define FILE_MATCHES 50000u
#define FILE_SECONDS 5.0
/* The heap PCRE2's interpreter may use for backtracking, in KiB. */
#define HEAP_LIMIT   (64u << 10)

struct rule {
	pcre2_code *re;
	const struct redact_rule *src;
};

struct slot {
	pcre2_match_data *md;
	pcre2_match_context *mctx; /* its limits change from call to call */
	size_t calls, matches;	   /* in the file being redacted (budget_reset) */
	double cpu0;		   /* the thread's CPU time when that file began */
	lua_State *L;
	bool tried, ok; /* the hook was loaded into L (ok: without error) */
	struct redaction *log;
	size_t nlog, alog;
	struct internal_block *blocks;
	size_t nblocks, ablocks;
};

struct redactor {
	const struct site *site;
	struct rule *rules;
	size_t nrules;
	pcre2_match_context *mctx;
	char *hook;	   /* scripts/redact.lua, or NULL */
	char **strip_keys; /* annotation keys public.strip removes ("owner", "ticket") */
	size_t nstrip_keys;
	struct slot *slots;
	int nslots;
	struct redaction *log; /* merged views of the slots' records */
	struct internal_block *blocks;
};

/*
 * Where a text came from, to place what is replaced in it: `at` is the
 * text's first byte; a verbatim text is the source from there on, else the
 * replaced text is looked for in src[.. src_end) from `at` on.
 */
struct origin {
	const char *field, *id, *rel;
	struct loc at;
	bool verbatim;
	const char *src;
	size_t src_end;
};

/* A change found in one text, in offsets of the text as it was. */
struct change {
	size_t os, oe; /* the original bytes replaced */
	char *before, *after;
	int rule;
};

/*
 * One text being redacted: cur is the text now; for each byte of cur,
 * ms/me give the range of the original it stands for (NULL: cur is the
 * original).
 */
struct work {
	struct buf cur;
	size_t *ms, *me;
	const char *orig;
	size_t olen;
	struct change *ch;
	size_t nch, ach;
};

/* ---- small helpers ---------------------------------------------------------- */

static size_t map_start(const struct work *w, size_t i)
{
	return w->ms ? w->ms[i] : i;
}

static size_t map_end(const struct work *w, size_t i)
{
	return w->me ? w->me[i] : i + 1;
}

/* A text rebuilt with its map, by copying and replacing ranges of another. */
struct rebuild {
	struct buf out;
	size_t *ms, *me;
	size_t alloc;
};

static void rebuild_byte(struct rebuild *b, char c, size_t s, size_t e)
{
	if (b->out.len + 1 > b->alloc) {
		b->alloc = b->alloc < 64 ? 64 : b->alloc * 2;
		b->ms = xrealloc(b->ms, b->alloc * sizeof(*b->ms));
		b->me = xrealloc(b->me, b->alloc * sizeof(*b->me));
	}
	b->ms[b->out.len] = s;
	b->me[b->out.len] = e;
	buf_addch(&b->out, c);
}

static void rebuild_copy(struct rebuild *b, const struct work *w, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		rebuild_byte(b, w->cur.ptr[i], map_start(w, i), map_end(w, i));
}

static void rebuild_insert(struct rebuild *b, const char *s, size_t len, size_t os, size_t oe)
{
	for (size_t i = 0; i < len; i++)
		rebuild_byte(b, s[i], os, oe);
}

/* Make the rebuilt text the current one. */
static void rebuild_finish(struct rebuild *b, struct work *w)
{
	buf_release(&w->cur);
	free(w->ms);
	free(w->me);
	w->cur = b->out;
	w->ms = b->ms;
	w->me = b->me;
}

static void add_change(struct work *w, size_t os, size_t oe, char *before, char *after, int rule)
{
	ALLOC_GROW(w->ch, w->nch + 1, w->ach);
	w->ch[w->nch++] = (struct change){os, oe, before, after, rule};
}

static size_t next_char(const char *s, size_t len, size_t i)
{
	i++;
	while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
		i++;
	return i;
}

/* Advance (line, col) over s[0..n): lines at '\n', columns in code points. */
static void advance(const char *s, size_t n, int *line, int *col)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			(*line)++;
			*col = 1;
		} else if (((unsigned char)s[i] & 0xC0) != 0x80) {
			(*col)++;
		}
	}
}

/* Byte offset in src of (line, col) (col in code points), clamped to len. */
static size_t offset_of(const char *src, size_t len, int line, int col)
{
	size_t i = 0;
	for (int l = 1; l < line && i < len; i++)
		if (src[i] == '\n')
			l++;
	for (int c = 1; c < col && i < len && src[i] != '\n'; c++)
		i = next_char(src, len, i);
	return i < len ? i : len;
}

/* ---- placing and recording ----------------------------------------------------- */

static struct loc place(const struct origin *o, const struct work *w, const struct change *c)
{
	struct loc loc = o->at;
	if (o->verbatim) {
		advance(w->orig, c->os, &loc.line, &loc.col);
		return loc;
	}
	if (!o->src || !loc.line)
		return loc;
	size_t p0 = offset_of(o->src, o->src_end, loc.line, loc.col ? loc.col : 1);
	size_t nlen = c->oe - c->os, from = p0 + c->os;
	const char *needle = w->orig + c->os;
	const char *hit = NULL;
	/* YAML quoting and escapes only ever make the source longer */
	if (nlen && from < o->src_end)
		hit = memmem(o->src + from, o->src_end - from, needle, nlen);
	if (!hit && nlen && p0 < o->src_end)
		hit = memmem(o->src + p0, o->src_end - p0, needle, nlen);
	if (!nlen && from <= o->src_end) /* inserted text: where it went, for a plain value */
		hit = o->src + from;
	if (!hit)
		return loc;
	loc.line = 1;
	loc.col = 1;
	advance(o->src, (size_t)(hit - o->src), &loc.line, &loc.col);
	return loc;
}

/* Move the changes of w into the slot's log. */
static void record(struct slot *sl, const struct origin *o, struct work *w)
{
	for (size_t i = 0; i < w->nch; i++) {
		const struct change *c = &w->ch[i];
		struct loc loc = place(o, w, c);
		ALLOC_GROW(sl->log, sl->nlog + 1, sl->alog);
		sl->log[sl->nlog++] = (struct redaction){
			.file = xstrdup(loc.file ? loc.file : ""),
			.line = loc.line,
			.col = loc.col,
			.id = o->id ? xstrdup(o->id) : NULL,
			.field = xstrdup(o->field),
			.before = c->before,
			.after = c->after,
			.rule = c->rule,
		};
	}
	w->nch = 0;
}

/* ---- rules ------------------------------------------------------------------- */

/* Append the replacement `rep` for the match in ov (rc pairs) of subject s: $N, ${N}, $$. */
static void expand(struct buf *out, const char *rep, const char *s, const PCRE2_SIZE *ov, int rc)
{
	for (const char *p = rep; *p; p++) {
		const char *q = p + 1;
		int n = -1;
		if (*p == '$' && *q == '$') {
			buf_addch(out, '$');
			p++;
			continue;
		}
		if (*p == '$' && *q >= '0' && *q <= '9') {
			n = *q - '0';
		} else if (*p == '$' && *q == '{' && q[1] >= '0' && q[1] <= '9') {
			for (n = 0, q++; *q >= '0' && *q <= '9' && n < 1000; q++)
				n = n * 10 + (*q - '0');
			if (*q != '}')
				n = -1;
		}
		if (n < 0) {
			buf_addch(out, *p);
			continue;
		}
		if (n < rc && ov[2 * n] != PCRE2_UNSET)
			buf_add(out, s + ov[2 * n], ov[2 * n + 1] - ov[2 * n]);
		p = q; /* the digit, or the closing brace */
	}
}

static int match_error(const struct rule *rule, int rc, const struct origin *o)
{
	PCRE2_UCHAR msg[256];
	pcre2_get_error_message(rc, msg, sizeof(msg));
	error(&rule->src->loc, "redact pattern failed on %s%s%s: %s", o->field, o->id ? " of " : "",
	      o->id ? o->id : "", (const char *)msg);
	note(&o->at, "the text that made it fail starts here");
	return -1;
}

static double thread_cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The slot of a worker (slot 0 for the main thread and out-of-range workers). */
static struct slot *slot_of(struct redactor *r, int worker)
{
	return &r->slots[worker >= 0 && worker < r->nslots ? worker : 0];
}

/* Start a file's budget on the worker's slot. */
static void budget_reset(struct redactor *r, int worker)
{
	struct slot *sl = slot_of(r, worker);
	sl->calls = sl->matches = 0;
	sl->cpu0 = thread_cpu();
}

/* What of a file's budget ran out. */
enum spent { SPENT_NONE, SPENT_STEPS, SPENT_MATCHES, SPENT_CPU };

/* A file over its budget: a diagnostic naming the rule and the file. */
static int over_budget(const struct rule *rule, const struct slot *sl, const struct origin *o,
		       enum spent what)
{
	char why[96];
	if (what == SPENT_MATCHES)
		snprintf(why, sizeof(why), "more than %u matches", FILE_MATCHES);
	else if (what == SPENT_CPU)
		snprintf(why, sizeof(why), "more than %.0f s of CPU time", FILE_SECONDS);
	else
		snprintf(why, sizeof(why), "the file's matching budget ran out");
	error(&rule->src->loc,
	      "redact pattern is too slow on %s%s%s: %s after %zu matches in the file "
	      "(expected a pattern that does not scan or backtrack over the rest of the text at every match)",
	      o->field, o->id ? " of " : "", o->id ? o->id : "", why, sl->matches);
	note(&o->at, "the text it was matching starts here");
	return -1;
}

/* One pcre2_match call from pos, within the file's budget (see FILE_STEPS). */
static int budget_match(const struct rule *rule, struct slot *sl, const char *s, size_t len,
			size_t pos)
{
	size_t steps = FILE_STEPS / ++sl->calls;
	pcre2_set_match_limit(sl->mctx, (uint32_t)(steps > MATCH_LIMIT	? MATCH_LIMIT
						   : steps < CALL_STEPS ? CALL_STEPS
									: steps));
	int rc = pcre2_match(rule->re, (PCRE2_SPTR)s, len, pos, PCRE2_NO_UTF_CHECK, sl->md,
			     sl->mctx);
	if (rc == PCRE2_ERROR_JIT_STACKLIMIT) /* the interpreter has no such limit */
		rc = pcre2_match(rule->re, (PCRE2_SPTR)s, len, pos,
				 PCRE2_NO_UTF_CHECK | PCRE2_NO_JIT, sl->md, sl->mctx);
	return rc;
}

/* Whether the file is past a budget PCRE2 does not see, and which. */
static enum spent budget_spent(const struct slot *sl)
{
	if (sl->matches > FILE_MATCHES)
		return SPENT_MATCHES;
	if (sl->calls % 32 == 0 && thread_cpu() - sl->cpu0 > FILE_SECONDS)
		return SPENT_CPU;
	return SPENT_NONE;
}

static int rule_pass(struct redactor *r, struct slot *sl, size_t ri, struct work *w,
		     const struct origin *o)
{
	const struct rule *rule = &r->rules[ri];
	const char *s = w->cur.ptr ? w->cur.ptr : "";
	size_t len = w->cur.len, pos = 0, last = 0;
	struct rebuild b = {BUF_INIT, NULL, NULL, 0};
	struct buf rep = BUF_INIT;
	bool changed = false;
	int ret = 0;
	while (pos <= len) {
		int rc = budget_match(rule, sl, s, len, pos);
		enum spent spent = budget_spent(sl);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc == PCRE2_ERROR_MATCHLIMIT && sl->calls > FILE_STEPS / MATCH_LIMIT)
			spent = SPENT_STEPS; /* its own share was smaller than PCRE2's limit */
		if (spent) {
			ret = over_budget(rule, sl, o, spent);
			goto out;
		}
		if (rc < 0) {
			ret = match_error(rule, rc, o);
			goto out;
		}
		const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sl->md);
		size_t ms = ov[0], me = ov[1];
		if (me <= ms || ms < last) {
			pos = next_char(s, len, ms > pos ? ms : pos);
			continue;
		}
		sl->matches++;
		buf_reset(&rep);
		expand(&rep, rule->src->replace, s, ov, rc == 0 ? 1 : rc);
		rebuild_copy(&b, w, last, ms);
		size_t os = map_start(w, ms), oe = map_end(w, me - 1);
		rebuild_insert(&b, buf_cstr(&rep), rep.len, os, oe);
		add_change(w, os, oe, xstrndup(s + ms, me - ms), xstrdup(buf_cstr(&rep)), (int)ri);
		changed = true;
		last = pos = me;
	}
	if (changed) {
		rebuild_copy(&b, w, last, len);
		rebuild_finish(&b, w);
		b.out = (struct buf)BUF_INIT;
		b.ms = b.me = NULL;
	}
out:
	buf_release(&rep);
	buf_release(&b.out);
	free(b.ms);
	free(b.me);
	return ret;
}

/* ---- public.strip in body annotations ------------------------------------------------ */

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A GFM task-list item's first line: "- [ ] ", "* [x] ", "1. [X] " after any indent. */
static bool task_line(const char *p, const char *end)
{
	while (p < end && blank(*p))
		p++;
	if (p < end && (*p == '-' || *p == '*' || *p == '+')) {
		p++;
	} else {
		const char *d = p;
		while (p < end && *p >= '0' && *p <= '9' && p - d < 9)
			p++;
		if (p == d || p >= end || (*p != '.' && *p != ')'))
			return false;
		p++;
	}
	if (p >= end || !blank(*p))
		return false;
	while (p < end && blank(*p))
		p++;
	return end - p >= 3 && p[0] == '[' && (p[1] == ' ' || p[1] == 'x' || p[1] == 'X') &&
	       p[2] == ']' && (end - p == 3 || blank(p[3]));
}

/* markdown.c's key comparison: case aside, '_' and ' ' as '-'. */
static bool same_key(const char *a, size_t alen, const char *b)
{
	size_t i = 0;
	for (; i < alen && b[i]; i++) {
		int x = (unsigned char)a[i], y = (unsigned char)b[i];
		x = x == '_' || x == ' ' ? '-' : x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x;
		y = y == '_' || y == ' ' ? '-' : y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y;
		if (x != y)
			return false;
	}
	return i == alen && !b[i];
}

static bool strip_key(const struct redactor *r, const char *k, size_t len)
{
	while (len && blank(*k)) {
		k++;
		len--;
	}
	while (len && blank(k[len - 1]))
		len--;
	for (size_t i = 0; i < r->nstrip_keys; i++)
		if (same_key(k, len, r->strip_keys[i]))
			return true;
	return false;
}

/* Cut the stripped keys from the annotation of the task line [ls, le) of w; false if none. */
static bool strip_line(const struct redactor *r, struct work *w, struct rebuild *b, size_t *last,
		       size_t ls, size_t le)
{
	const char *s = w->cur.ptr;
	size_t e = le, open = SIZE_MAX;
	while (e > ls && blank(s[e - 1]))
		e--;
	if (e == ls || s[e - 1] != ')')
		return false;
	for (size_t i = ls; i < e - 1; i++)
		if (s[i] == '(')
			open = i;
	if (open == SIZE_MAX || !memchr(s + open, ':', e - 1 - open))
		return false;
	struct buf kept = BUF_INIT;
	size_t removed = 0, nkept = 0;
	for (size_t ps = open + 1; ps < e - 1;) {
		size_t pe = ps;
		while (pe < e - 1 && s[pe] != ',')
			pe++;
		const char *colon = memchr(s + ps, ':', pe - ps);
		size_t a = ps, z = pe;
		while (a < z && blank(s[a]))
			a++;
		while (z > a && blank(s[z - 1]))
			z--;
		if (colon && strip_key(r, s + ps, (size_t)(colon - (s + ps)))) {
			add_change(w, map_start(w, a), map_end(w, z - 1), xstrndup(s + a, z - a),
				   xstrdup(""), REDACT_STRIP);
			removed++;
		} else if (z > a) {
			buf_addf(&kept, "%s%.*s", nkept++ ? ", " : "", (int)(z - a), s + a);
		}
		ps = pe + 1;
	}
	if (!removed) {
		buf_release(&kept);
		return false;
	}
	size_t from = open;
	if (!nkept)
		while (from > ls && blank(s[from - 1]))
			from--;
	rebuild_copy(b, w, *last, from);
	if (nkept) {
		buf_addch(&kept, ')');
		rebuild_insert(b, "(", 1, map_start(w, open), map_end(w, e - 1));
		rebuild_insert(b, kept.ptr, kept.len, map_start(w, open), map_end(w, e - 1));
	}
	*last = e;
	buf_release(&kept);
	return true;
}

static void strip_pass(const struct redactor *r, struct work *w)
{
	struct rebuild b = {BUF_INIT, NULL, NULL, 0};
	size_t last = 0, len = w->cur.len;
	bool changed = false;
	for (size_t ls = 0; ls < len;) {
		const char *nl = memchr(w->cur.ptr + ls, '\n', len - ls);
		size_t le = nl ? (size_t)(nl - w->cur.ptr) : len;
		if (task_line(w->cur.ptr + ls, w->cur.ptr + le) &&
		    strip_line(r, w, &b, &last, ls, le))
			changed = true;
		ls = le + 1;
	}
	if (!changed)
		return;
	rebuild_copy(&b, w, last, len);
	rebuild_finish(&b, w);
}

/* ---- the hook's changes --------------------------------------------------------- */

/* Make `nw` (the hook's result) the current text, recording the hunks. */
static void apply_hook_result(struct work *w, const char *nw, size_t nlen)
{
	struct tok *ta, *tb;
	size_t nh, na, nb;
	const char *old = w->cur.ptr ? w->cur.ptr : "";
	struct hunk *h = diff_texts(old, w->cur.len, nw, nlen, &ta, &na, &tb, &nb, &nh);
	struct rebuild b = {BUF_INIT, NULL, NULL, 0};
	size_t last = 0;
	for (size_t i = 0; i < nh; i++) {
		size_t a0 = tok_off(ta, na, h[i].a0, w->cur.len),
		       a1 = tok_off(ta, na, h[i].a1, w->cur.len);
		size_t b0 = tok_off(tb, nb, h[i].b0, nlen), b1 = tok_off(tb, nb, h[i].b1, nlen);
		size_t os, oe;
		if (a1 > a0) {
			os = map_start(w, a0);
			oe = map_end(w, a1 - 1);
		} else {
			os = oe =
				a0 < w->cur.len ? map_start(w, a0) : (a0 ? map_end(w, a0 - 1) : 0);
		}
		rebuild_copy(&b, w, last, a0);
		rebuild_insert(&b, nw + b0, b1 - b0, os, oe);
		add_change(w, os, oe, xstrndup(old + a0, a1 - a0), xstrndup(nw + b0, b1 - b0),
			   REDACT_HOOK);
		last = a1;
	}
	rebuild_copy(&b, w, last, w->cur.len);
	rebuild_finish(&b, w);
	free(h);
	free(ta);
	free(tb);
}

/* ---- the hook ----------------------------------------------------------------- */

/* The slot's Lua state with the hook loaded, or NULL after a diagnostic. */
static lua_State *slot_lua(struct redactor *r, struct slot *sl)
{
	if (sl->tried)
		return sl->ok ? sl->L : NULL;
	sl->tried = true;
	sl->L = sandbox_new();
	if (sandbox_load(sl->L, r->hook) < 0 || sandbox_call(sl->L, 0, 0, r->hook) < 0)
		return NULL;
	lua_getglobal(sl->L, "redact");
	bool fn = lua_isfunction(sl->L, -1);
	lua_pop(sl->L, 1);
	if (!fn) {
		struct loc loc = {r->hook, 0, 0};
		error(&loc, "scripts/redact.lua defines no function redact(text, field, doc)");
		return NULL;
	}
	sl->ok = true;
	return sl->L;
}

/* The line where function `redact` is defined (for errors about what it returned). */
static int hook_line(lua_State *L)
{
	lua_Debug ar;
	lua_getglobal(L, "redact");
	lua_getinfo(L, ">S", &ar);
	return ar.linedefined > 0 ? ar.linedefined : 0;
}

static int hook_fail(const struct origin *o)
{
	note(&o->at, "while redacting %s%s%s", o->field, o->id ? " of " : "", o->id ? o->id : "");
	return -1;
}

static int hook_pass(struct redactor *r, struct slot *sl, struct work *w, const struct origin *o)
{
	lua_State *L = slot_lua(r, sl);
	if (!L)
		return hook_fail(o);
	lua_getglobal(L, "redact");
	lua_pushlstring(L, w->cur.ptr ? w->cur.ptr : "", w->cur.len);
	lua_pushstring(L, o->field);
	lua_createtable(L, 0, 2); /* redact text field doc */
	if (o->id) {
		lua_pushstring(L, o->id);
		lua_setfield(L, -2, "id");
	}
	if (o->rel) {
		lua_pushstring(L, o->rel);
		lua_setfield(L, -2, "path");
	}
	if (sandbox_call(L, 3, 1, r->hook) < 0) {
		lua_settop(L, 0);
		return hook_fail(o);
	}
	int ret = 0, type = lua_type(L, -1); /* result */
	size_t nlen = 0;
	const char *nw = type == LUA_TSTRING ? lua_tolstring(L, -1, &nlen) : NULL;
	if (type != LUA_TNIL && type != LUA_TSTRING) {
		struct loc loc = {r->hook, hook_line(L), 0};
		ret = error(&loc, "redact() must return a text or nil (got a %s)",
			    lua_typename(L, type));
	} else if (nw && (utf8_valid(nw, nlen) != nlen || memchr(nw, '\0', nlen))) {
		struct loc loc = {r->hook, hook_line(L), 0};
		ret = error(&loc, "redact() returned text that is not valid UTF-8");
	} else if (nw && (nlen != w->cur.len || memcmp(nw, buf_cstr(&w->cur), nlen))) {
		apply_hook_result(w, nw, nlen);
	}
	lua_settop(L, 0);
	return ret < 0 ? hook_fail(o) : 0;
}

/* ---- one text ---------------------------------------------------------------------- */

static bool active(const struct redactor *r)
{
	return r->nrules || r->hook || r->nstrip_keys;
}

static bool is_body(const struct origin *o)
{
	return !strcmp(o->field, "body") || !strcmp(o->field, "page.body");
}

/* Redact *text (replaced when changed); 1 changed, 0 unchanged, -1 after a diagnostic. */
static int redact_with(struct redactor *r, int worker, char **text, const struct origin *o)
{
	if (!*text || !(r->nrules || r->hook || (r->nstrip_keys && is_body(o))))
		return 0;
	struct slot *sl = slot_of(r, worker);
	struct work w = {BUF_INIT, NULL, NULL, *text, strlen(*text), NULL, 0, 0};
	int ret = 0;
	buf_add(&w.cur, w.orig, w.olen);
	if (utf8_valid(w.orig, w.olen) != w.olen) {
		ret = error(&o->at, "%s is not valid UTF-8 (it cannot be redacted)", o->field);
		goto out;
	}
	if (r->nstrip_keys && is_body(o))
		strip_pass(r, &w);
	for (size_t i = 0; i < r->nrules && ret == 0; i++)
		ret = rule_pass(r, sl, i, &w, o);
	if (ret == 0 && r->hook)
		ret = hook_pass(r, sl, &w, o);
	if (ret < 0 || !w.nch)
		goto out;
	record(sl, o, &w);
	free(*text);
	*text = buf_detach(&w.cur, NULL);
	ret = 1;
out:
	for (size_t i = 0; i < w.nch; i++) {
		free(w.ch[i].before);
		free(w.ch[i].after);
	}
	free(w.ch);
	free(w.ms);
	free(w.me);
	buf_release(&w.cur);
	return ret;
}

int redact_text(struct redactor *r, int worker, char **text, const char *field,
		const struct loc *at, bool verbatim, const char *id, const char *rel)
{
	struct origin o = {field, id, rel, *at, verbatim, NULL, 0};
	if (!o.at.line)
		o.at.line = 1;
	if (!o.at.col)
		o.at.col = 1;
	budget_reset(r, worker);
	return redact_with(r, worker, text, &o) < 0 ? -1 : 0;
}

/* ---- bodies: everything but <!-- internal --> blocks ---------------------------------- */

struct body {
	struct redactor *r;
	int worker;
	struct origin o; /* at: the body's first line */
	struct buf out;
	int ret;
};

/* Redact body text [from, to) that starts at `line`, appending it to out. */
static void body_segment(struct body *b, const char *from, const char *to, int line)
{
	if (from == to)
		return;
	char *seg = xstrndup(from, (size_t)(to - from));
	struct origin o = b->o;
	o.at.line = line;
	o.at.col = 1;
	if (redact_with(b->r, b->worker, &seg, &o) < 0)
		b->ret = -1;
	buf_adds(&b->out, seg);
	free(seg);
}

static void add_block(struct slot *sl, const struct origin *o, int first, int last)
{
	ALLOC_GROW(sl->blocks, sl->nblocks + 1, sl->ablocks);
	sl->blocks[sl->nblocks++] = (struct internal_block){
		xstrdup(o->at.file ? o->at.file : ""), o->id ? xstrdup(o->id) : NULL, first, last};
}

static int redact_body(struct redactor *r, int worker, char **text, const struct origin *o)
{
	struct body b = {r, worker, *o, BUF_INIT, 0};
	struct slot *sl = slot_of(r, worker);
	const char *p = *text, *seg = p;
	int line = o->at.line, seg_line = line, open = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		const char *end = nl ? nl + 1 : p + strlen(p);
		enum internal_marker marker = internal_marker(p, nl ? nl : end);
		bool opening = marker == MARK_OPEN, closing = marker == MARK_CLOSE;
		if (opening || closing || open) {
			if (!open)
				body_segment(&b, seg, p, seg_line);
			buf_add(&b.out, p, (size_t)(end - p));
			if (opening && !open)
				open = line;
			else if (closing && open) {
				add_block(sl, o, open, line);
				open = 0;
			}
			seg = end;
			seg_line = line + 1;
		}
		p = end;
		line++;
	}
	if (open)
		add_block(sl, o, open, 0);
	else
		body_segment(&b, seg, p, seg_line);
	if (b.ret == 0 &&
	    (b.out.len != strlen(*text) || memcmp(b.out.ptr ? b.out.ptr : "", *text, b.out.len))) {
		free(*text);
		*text = buf_detach(&b.out, NULL);
	}
	buf_release(&b.out);
	return b.ret;
}

/* ---- postmortems, pages, site.yaml ------------------------------------------------- */

struct pmctx {
	struct redactor *r;
	int worker;
	const struct postmortem *pm;
	const char *src;
	size_t src_end; /* the front matter's end in src */
	int ret;
};

/* Redact one front-matter text at `at`; 1 when it changed. */
static int fm_text(struct pmctx *x, char **text, const char *field, const struct loc *at)
{
	const struct postmortem *pm = x->pm;
	struct origin o = {field, pm->id, pm->rel, {pm->path, 1, 1}, false, x->src, x->src_end};
	if (at && at->line)
		o.at = *at;
	if (!o.at.col)
		o.at.col = 1;
	int r = redact_with(x->r, x->worker, text, &o);
	if (r < 0)
		x->ret = -1;
	return r > 0;
}

static void fm_name(struct pmctx *x, char **name, char **slug, const char *field,
		    const struct loc *at)
{
	if (fm_text(x, name, field, at) && slug) {
		free(*slug);
		*slug = slugify(*name);
	}
}

static const struct loc *node_loc(const struct ynode *n)
{
	return n ? &n->loc : NULL;
}

static const struct ynode *front(const struct redactor *r, const struct postmortem *pm,
				 const char *ours)
{
	return ynode_get(pm->front, site_field(r->site, ours));
}

/* The front-matter mapping of action item a (found by its place). */
static const struct ynode *action_node(const struct redactor *r, const struct postmortem *pm,
				       const struct action_item *a)
{
	const struct ynode *seq = front(r, pm, "action_items");
	if (!seq || seq->type != YN_SEQ)
		return NULL;
	for (size_t i = 0; i < seq->n; i++)
		if (seq->items[i]->loc.line == a->loc.line && seq->items[i]->loc.col == a->loc.col)
			return seq->items[i];
	return NULL;
}

static void redact_terms(struct pmctx *x, struct term *t, size_t n, const char *field)
{
	for (size_t i = 0; i < n; i++)
		fm_name(x, &t[i].name, &t[i].slug, field, &t[i].loc);
}

static void redact_actions(struct pmctx *x, struct postmortem *pm)
{
	for (size_t i = 0; i < pm->nactions; i++) {
		struct action_item *a = &pm->actions[i];
		const struct ynode *n = action_node(x->r, pm, a);
		fm_text(x, &a->title, "action_items.title", node_loc(ynode_get(n, "title")));
		fm_name(x, &a->owner, &a->owner_slug, "action_items.owner",
			node_loc(ynode_get(n, "owner")));
		fm_text(x, &a->ticket, "action_items.ticket", node_loc(ynode_get(n, "ticket")));
		fm_text(x, &a->success_criteria, "action_items.success_criteria",
			node_loc(ynode_get(n, "success_criteria")));
	}
}

/* Offset in src where line `line` starts. */
static size_t line_offset(const char *src, size_t len, int line)
{
	return offset_of(src, len, line, 1);
}

int redact_pm(struct redactor *r, int worker, struct postmortem *pm, const char *src, size_t len)
{
	char *own = NULL;
	if (!src && active(r))
		src = own = fs_read_quiet(pm->path, &len);
	struct pmctx x = {r, worker, pm, src, 0, 0};
	budget_reset(r, worker);
	if (src)
		x.src_end = pm->body_line > 0 ? line_offset(src, len, pm->body_line) : len;
	fm_text(&x, &pm->title, "title", &pm->title_loc);
	fm_text(&x, &pm->summary, "summary", node_loc(front(r, pm, "summary")));
	fm_name(&x, &pm->owner, &pm->owner_slug, "owner", node_loc(front(r, pm, "owner")));
	redact_terms(&x, pm->authors, pm->nauthors, "authors");
	redact_terms(&x, pm->services, pm->nservices, "services");
	redact_terms(&x, pm->tags, pm->ntags, "tags");
	for (size_t i = 0; i < pm->nfactors; i++)
		fm_name(&x, &pm->factors[i].name, &pm->factors[i].slug, "factors",
			&pm->factors[i].loc);
	/* site.yaml taxonomies: the field is the name */
	for (size_t t = 0; pm->taxa && t < r->site->ntaxonomies; t++)
		redact_terms(&x, pm->taxa[t].v, pm->taxa[t].n, r->site->taxonomies[t]);
	fm_text(&x, &pm->impact.description, "impact.description",
		node_loc(ynode_get(front(r, pm, "impact"), "description")));
	redact_actions(&x, pm);
	if (pm->body) {
		struct loc at = {pm->path, pm->body_line > 0 ? pm->body_line : 1, 1};
		struct origin o = {"body", pm->id, pm->rel, at, true, NULL, 0};
		if (redact_body(r, worker, &pm->body, &o) < 0)
			x.ret = -1;
	}
	free(own);
	return x.ret;
}

int redact_page(struct redactor *r, int worker, struct page *pg, char **body, int body_line)
{
	size_t len = 0;
	char *src = active(r) ? fs_read_quiet(pg->path, &len) : NULL;
	const struct ynode *t = ynode_get(pg->front, "title");
	struct origin o = {"page.title", NULL, pg->rel, {pg->path, 1, 1}, false, src, len};
	int ret = 0;
	budget_reset(r, worker);
	if (src && body_line > 0)
		o.src_end = line_offset(src, len, body_line);
	if (t)
		o.at = t->loc;
	if (redact_with(r, worker, &pg->title, &o) < 0)
		ret = -1;
	if (body && *body) {
		struct origin ob = {
			"page.body", NULL, pg->rel, {pg->path, body_line > 0 ? body_line : 1, 1},
			true,	     NULL, 0};
		if (redact_body(r, worker, body, &ob) < 0)
			ret = -1;
	}
	free(src);
	return ret;
}

static int site_text(struct redactor *r, const struct origin *base, char **text, const char *field,
		     const struct loc *at)
{
	struct origin o = *base;
	o.field = field;
	if (at && at->line)
		o.at = *at;
	return redact_with(r, 0, text, &o);
}

int redact_site(struct redactor *r, struct site *s)
{
	size_t len = 0;
	char *src = s->path && active(r) ? fs_read_quiet(s->path, &len) : NULL;
	struct origin o = {"site", NULL, "site.yaml", {s->path, 1, 1}, false, src, len};
	int ret = 0;
	budget_reset(r, 0);
	if (site_text(r, &o, &s->title, "site.title", node_loc(ynode_get(s->front, "title"))) < 0 ||
	    site_text(r, &o, &s->description, "site.description",
		      node_loc(ynode_get(s->front, "description"))) < 0)
		ret = -1;
	for (size_t i = 0; i < s->nservices; i++) {
		struct service_info *sv = &s->services[i];
		int c = site_text(r, &o, &sv->name, "services.name", &sv->loc);
		if (c > 0) {
			free(sv->slug);
			sv->slug = slugify(sv->name);
		}
		if (c < 0 ||
		    site_text(r, &o, &sv->description, "services.description", &sv->loc) < 0 ||
		    site_text(r, &o, &sv->team, "services.team", &sv->loc) < 0)
			ret = -1;
		for (size_t k = 0; k < sv->nlinks; k++)
			if (site_text(r, &o, &sv->link_titles[k], "services.links.title",
				      &sv->loc) < 0 ||
			    site_text(r, &o, &sv->link_urls[k], "services.links.url", &sv->loc) < 0)
				ret = -1;
	}
	free(src);
	return ret;
}

/* ---- the redactor ------------------------------------------------------------------- */

static pcre2_code *compile(const struct redact_rule *rule)
{
	int code;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)rule->pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF,
				       &code, &off, NULL);
	if (!re) {
		PCRE2_UCHAR msg[256];
		pcre2_get_error_message(code, msg, sizeof(msg));
		error(&rule->loc, "invalid redact pattern: %s at offset %zu", (const char *)msg,
		      (size_t)off);
		return NULL;
	}
	/* falls back to the interpreter when JIT is missing */
	pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* Whether re has a non-empty match in s. */
static bool matches(const pcre2_code *re, const char *s, size_t len, pcre2_match_data *md,
		    pcre2_match_context *mctx)
{
	for (size_t pos = 0; pos <= len;) {
		if (pcre2_match(re, (PCRE2_SPTR)s, len, pos, 0, md, mctx) < 0)
			return false;
		const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
		if (ov[1] > ov[0])
			return true;
		pos = next_char(s, len, ov[0] > pos ? ov[0] : pos);
	}
	return false;
}

/*
 * A replacement that a rule would still match (after the rules after it
 * ran) leaves text the leak check finds in every build: refuse it here.
 */
static int check_replacements(struct redactor *r)
{
	int ret = 0;
	pcre2_match_data *md = r->slots[0].md;
	for (size_t i = 0; i < r->nrules; i++) {
		const struct redact_rule *rule = r->rules[i].src;
		if (strchr(rule->replace, '$') || !*rule->replace)
			continue;
		char *text = xstrdup(rule->replace);
		struct origin o = {"replace", NULL, NULL, rule->loc, false, NULL, 0};
		struct work w = {BUF_INIT, NULL, NULL, text, strlen(text), NULL, 0, 0};
		buf_adds(&w.cur, text);
		budget_reset(r, 0); /* each replacement is a text of its own, with its own budget */
		for (size_t k = i + 1; k < r->nrules; k++)
			rule_pass(r, &r->slots[0], k, &w, &o);
		for (size_t k = 0; k < r->nrules; k++) {
			if (!matches(r->rules[k].re, buf_cstr(&w.cur), w.cur.len, md, r->mctx))
				continue;
			ret = error(
				&rule->loc,
				"the replacement \"%s\" is matched by redact pattern %zu ('%s'), so every "
				"public build would fail its leak check (pick a replacement no pattern matches)",
				rule->replace, k + 1, r->rules[k].src->pattern);
			break;
		}
		for (size_t k = 0; k < w.nch; k++) {
			free(w.ch[k].before);
			free(w.ch[k].after);
		}
		free(w.ch);
		free(w.ms);
		free(w.me);
		buf_release(&w.cur);
		free(text);
	}
	return ret;
}

/* Whether `name` is one of site.yaml's taxonomies. */
static bool site_taxonomy(const struct site *s, const char *name)
{
	for (size_t i = 0; i < s->ntaxonomies; i++)
		if (!strcmp(s->taxonomies[i], name))
			return true;
	return false;
}

/* A public.strip name the build cannot strip would publish what it names: refuse it. */
static int check_strip(const struct site *s)
{
	const char *const *known = strip_field_names;
	const struct ynode *list = ynode_get(ynode_get(s->front, "public"), "strip");
	int ret = 0;
	for (size_t i = 0; i < s->nstrip; i++) {
		size_t k = 0;
		while (k < NSTRIP_FIELDS && strcmp(known[k], s->strip[i]))
			k++;
		if (k < NSTRIP_FIELDS || site_taxonomy(s, s->strip[i]))
			continue;
		struct loc loc = {s->path, 0, 0};
		if (list && list->type == YN_SEQ && i < list->n)
			loc = list->items[i]->loc;
		ret = error(
			&loc,
			"public.strip cannot remove \"%s\" (expected owner, authors, action_items.owner, "
			"action_items.ticket or a taxonomy's name); use a redact rule or an internal block",
			s->strip[i]);
	}
	return ret;
}

struct redactor *redactor_new(const struct site *s, const char *content_dir, int workers)
{
	struct redactor *r = xcalloc(1, sizeof(*r));
	int ret = 0;
	r->site = s;
	r->nslots = workers < 1 ? 1 : workers;
	r->slots = xcalloc((size_t)r->nslots, sizeof(*r->slots));
	r->rules = xcalloc(s->nredact ? s->nredact : 1, sizeof(*r->rules));
	r->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(r->mctx, MATCH_LIMIT);
	pcre2_set_heap_limit(r->mctx, HEAP_LIMIT);
	for (size_t i = 0; i < s->nredact; i++) {
		r->rules[r->nrules].src = &s->redact[i];
		r->rules[r->nrules].re = compile(&s->redact[i]);
		if (!r->rules[r->nrules].re)
			ret = -1;
		r->nrules++;
	}
	uint32_t groups = 9;
	for (size_t i = 0; i < r->nrules; i++) {
		uint32_t n = 0;
		if (r->rules[i].re &&
		    pcre2_pattern_info(r->rules[i].re, PCRE2_INFO_CAPTURECOUNT, &n) == 0 &&
		    n > groups)
			groups = n;
	}
	for (int i = 0; i < r->nslots; i++) {
		r->slots[i].md = pcre2_match_data_create(groups + 1, NULL);
		r->slots[i].mctx = pcre2_match_context_create(NULL);
		pcre2_set_heap_limit(r->slots[i].mctx, HEAP_LIMIT);
	}
	r->strip_keys = xcalloc(s->nstrip ? s->nstrip : 1, sizeof(char *));
	for (size_t i = 0; i < s->nstrip; i++)
		if (str_starts(s->strip[i], "action_items.") && s->strip[i][13])
			r->strip_keys[r->nstrip_keys++] = s->strip[i] + 13; /* "owner", "ticket" */
	char *hook = content_dir ? path_join(content_dir, "scripts/redact.lua") : NULL;
	if (hook && fs_exists(hook))
		r->hook = hook;
	else
		free(hook);
	if (check_strip(s) < 0)
		ret = -1;
	if (ret == 0)
		ret = check_replacements(r);
	if (ret == 0 && r->hook && !slot_lua(r, &r->slots[0]))
		ret = -1;
	if (ret < 0) {
		redactor_free(r);
		return NULL;
	}
	return r;
}

static void slot_release(struct slot *sl)
{
	pcre2_match_data_free(sl->md);
	pcre2_match_context_free(sl->mctx);
	sandbox_free(sl->L);
	for (size_t i = 0; i < sl->nlog; i++) {
		free(sl->log[i].file);
		free(sl->log[i].id);
		free(sl->log[i].field);
		free(sl->log[i].before);
		free(sl->log[i].after);
	}
	free(sl->log);
	for (size_t i = 0; i < sl->nblocks; i++) {
		free(sl->blocks[i].file);
		free(sl->blocks[i].id);
	}
	free(sl->blocks);
}

void redactor_free(struct redactor *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nslots; i++)
		slot_release(&r->slots[i]);
	free(r->slots);
	for (size_t i = 0; i < r->nrules; i++)
		pcre2_code_free(r->rules[i].re);
	free(r->rules);
	pcre2_match_context_free(r->mctx);
	free(r->hook);
	free(r->strip_keys);
	free(r->log);
	free(r->blocks);
	free(r);
}

bool redactor_active(const struct redactor *r)
{
	return r && active(r);
}

static int strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_redaction(const void *va, const void *vb)
{
	const struct redaction *a = va, *b = vb;
	int c = strcmp(a->file, b->file);
	if (!c)
		c = a->line != b->line ? (a->line < b->line ? -1 : 1) : 0;
	if (!c)
		c = a->col != b->col ? (a->col < b->col ? -1 : 1) : 0;
	if (!c)
		c = strcmp(a->field, b->field);
	if (!c)
		c = a->rule != b->rule ? (a->rule < b->rule ? -1 : 1) : 0;
	if (!c)
		c = strcmp(a->before, b->before);
	if (!c)
		c = strcmp_null(a->id, b->id);
	return c ? c : strcmp(a->after, b->after);
}

static int cmp_block(const void *va, const void *vb)
{
	const struct internal_block *a = va, *b = vb;
	int c = strcmp(a->file, b->file);
	return c ? c : (a->first > b->first) - (a->first < b->first);
}

const struct redaction *redactor_log(struct redactor *r, size_t *n)
{
	size_t total = 0;
	for (int i = 0; i < r->nslots; i++)
		total += r->slots[i].nlog;
	free(r->log);
	r->log = xcalloc(total ? total : 1, sizeof(*r->log));
	*n = 0;
	for (int i = 0; i < r->nslots; i++)
		for (size_t k = 0; k < r->slots[i].nlog; k++)
			r->log[(*n)++] = r->slots[i].log[k];
	sort_array(r->log, *n, sizeof(*r->log), cmp_redaction);
	return r->log;
}

const struct internal_block *redactor_blocks(struct redactor *r, size_t *n)
{
	size_t total = 0;
	for (int i = 0; i < r->nslots; i++)
		total += r->slots[i].nblocks;
	free(r->blocks);
	r->blocks = xcalloc(total ? total : 1, sizeof(*r->blocks));
	*n = 0;
	for (int i = 0; i < r->nslots; i++)
		for (size_t k = 0; k < r->slots[i].nblocks; k++)
			r->blocks[(*n)++] = r->slots[i].blocks[k];
	sort_array(r->blocks, *n, sizeof(*r->blocks), cmp_block);
	return r->blocks;
}
