/* Unit tests for template.c: syntax, escaping, partials, overrides, errors, sandbox. */
#include "base/diag.h"
#include "base/fsutil.h"
#include "harness.h"
#include "render/template.h"

#include <lauxlib.h>
#include <lua.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define D "tests/templates/default/"

static const char *const theme[] = {"tests/templates/default"};
static const char *const site[] = {"tests/templates/site", "tests/templates/default"};
static const char *const helpers_site[] = {"tests/templates/helpers-site",
					   "tests/templates/default"};

/* All diagnostics as `aftermath` prints them, one per line; clears them. */
static char *diagnostics(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	diag_flush(f, DIAG_TEXT);
	fclose(f);
	return text;
}

static void check_diagnostics(const char *want)
{
	char *got = diagnostics();
	CHECK_STR(got, want);
	free(got);
}

/* Push the table the Lua expression ctx builds (evaluated outside the sandbox). */
static void push_ctx(lua_State *L, const char *ctx)
{
	char *code = xstrfmt("return %s", ctx);
	if (luaL_dostring(L, code) != LUA_OK) {
		fprintf(stderr, "bad test context %s: %s\n", ctx, lua_tostring(L, -1));
		abort();
	}
	free(code);
}

/* The output of template `name` with context ctx, or NULL when it failed. */
static char *render(struct tmpl *t, const char *name, const char *ctx)
{
	struct buf out = BUF_INIT;
	int top = lua_gettop(tmpl_lua(t));
	push_ctx(tmpl_lua(t), ctx);
	int r = tmpl_render(t, name, &out);
	CHECK_INT(lua_gettop(tmpl_lua(t)), top); /* the context is popped, nothing is left */
	if (r < 0) {
		CHECK_INT(out.len, 0);
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

/* ---- output: a template, its context and the exact text it must give -------- */

struct output_case {
	const char *const *dirs;
	size_t ndirs;
	const char *name, *ctx, *want;
};

#define THEME	  theme, 1
#define RUNS_LINE RUNS_10 RUNS_10 RUNS_10 RUNS_10 RUNS_10 RUNS_10 RUNS_10 RUNS_10 RUNS_10 RUNS_10
#define RUNS_10 \
	"a&amp;b,7a&amp;b,7a&amp;b,7a&amp;b,7a&amp;b,7a&amp;b,7a&amp;b,7a&amp;b,7a&amp;b,7a&amp;b,7"
#define SITE site, 2

static const struct output_case outputs[] = {
	{THEME, "escape.html", "{s = [[<a href=\"x\">Tom & Jerry's</a>]]}",
	 "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;|<a href=\"x\">Tom & Jerry's</a>|"
	 "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;|<a href=\"x\">Tom & Jerry's</a>\n"},
	{THEME, "values.html",
	 "{n = 42, f = 1.5, whole = 2.0, yes = true, no = false,"
	 " obj = setmetatable({}, {__tostring = function() return '<obj>' end})}",
	 "[][42][1.5][2.0][true][false][&lt;obj&gt;][<obj>][]\n"},
	{THEME, "integers.html", "{}",
	 "[0][-7][9223372036854775807][-9223372036854775808][-1234567890123][10][-3]\n"},
	{THEME, "list.html", "{items = {{name = 'a'}, {name = 'b&c'}}}",
	 "<ul>\n  <li class=\"odd\">a</li>\n  <li class=\"even\">b&amp;c</li>\n</ul>\nfew\n"},
	{THEME, "list.html", "{items = {}}", "<ul>\n</ul>\nnone\n"},
	{THEME, "list.html", "{items = {{name = 1}, {name = 2}, {name = 3}}}",
	 "<ul>\n  <li class=\"odd\">1</li>\n  <li class=\"even\">2</li>\n  <li class=\"odd\">3</li>\n</ul>\nmany\n"},
	{THEME, "trim.html", "{items = {1, 2}}", "<ul><li>1</li><li>2</li></ul>\n"},
	{THEME, "trim-ws.html", "{}", "<p>\n  yes\n</p>   <i>2</i>\n"},
	{THEME, "include.html", "{name = 'World'}",
	 "Hello, World!\nHello, Ann &amp; Bob!\n<div>Hello, World!</div>\n[Hello, World!]\nHello, World!\n"},
	{THEME, "lines.html", "{a = {b = {c = 'deep'}}, b = 'y'}",
	 "line 1 y\ny  text\n\nmulti\nline\n%} %}\ndeep\n"},
	{THEME, "crlf.html", "{x = 1}", "a\r\n1\r\nb \"q\" \\ c\r\n"},
	{THEME, "order.html", "{type = 'ctx type', plural = 'ctx plural'}",
	 "ctx type|ctx plural|helper rawlen|1|007\n"},
	/* A context with a metatable is asked through it, in the same order. */
	{THEME, "order.html",
	 "setmetatable({}, {__index = {type = 'meta type', plural = 'meta plural'}})",
	 "meta type|meta plural|helper rawlen|1|007\n"},
	{THEME, "order.html",
	 "setmetatable({type = 'own type', plural = 'own plural'}, {__index = {}})",
	 "own type|own plural|helper rawlen|1|007\n"},
	{THEME, "helpers.html", "{}", "HI! 2 pages\n"},
	{helpers_site, 2, "helpers.html", "{}", "site: hi no plural\n"},
	{THEME, "absent.html", "{}",
	 "nil nil nil nil nil nil nil nil nil nil nil function false\n"},
	{THEME, "sandbox.html", "{}", "nil nil nil nil nil nil function\n"},
	{THEME, "pcall-include.html", "{}",
	 "<p>false: " D
	 "partials/bad.html:2: attempt to index a nil value (global &#39;item&#39;)</p>\n"},
	/* {{{ include(...) }}} renders straight into the output: the same text, a
	 * failed partial leaves none of its text, a context's own include is called. */
	{THEME, "include-direct.html", "{name = 'World'}",
	 "Hello, World!|Hello, two lines!|Hello, x!!|Hello, cached!|Hello, cached!\n[\n"},
	{THEME, "include-own.html",
	 "{include = function(n) return '<own ' .. n .. '>' end, include_cached = function(n, k) return '<c ' .. n .. k .. '>' end}",
	 "<own x>|<c y1>\n"},
	/* Runs of text and values in one writer call give what one call a piece gave. */
	{THEME, "runs.html", "{s = 'a&b', n = 7}",
	 "a&amp;b7 \"q\" a&amp;b\n[a&amp;b7] <m>after a&amp;b\n" RUNS_LINE "\n"},
	{THEME, "override.html", "{}", "default override\n"},
	{THEME, "only-default.html", "{}", "only default: default piece\n"},
	{SITE, "override.html", "{}", "site override\n"},
	{SITE, "only-default", "{}", "only default: site piece\n"},
	{SITE, "footer.html", "{year = 2026}", "site footer 2026\n"},
	{THEME, "footer.html", "{year = 2026}", "default footer\n"},
	/* issue 17: string.rep of nothing a quadrillion times is "" at once (Lua's looped for days) */
	{THEME, "sec-rep-empty.html", "{}", "[][][ab,ab]\n"},
	/* Template bug class: a function of the safe library missing (every one a theme may call). */
	{THEME, "safe-base.html", "{}",
	 "string function function function function function function function function function function "
	 "function function function function function function\n"},
	/* raw() and esc() give one string each, whatever they are given (a number as its text, nil as ""). */
	{THEME, "raw-esc-values.html", "{}", "string string 1 1 [] true 7 &lt;b&gt;\n"},
	/* Injection bug class: safe_url() lets a script URL through.  Only links url_safe() allows come back;
	 * anything else (javascript:, data:, mixed case, a number) is nil. */
	{THEME, "safe-url.html",
	 "{a = 'https://kb.example/a?b=1&c=2', b = 'javascript:alert(1)', c = '/postmortems/pm-1/',"
	 " d = 'JaVaScRiPt:alert(1)', e = 'data:text/html,<script>alert(1)</script>', f = 42}",
	 "[https://kb.example/a?b=1&amp;c=2] [] [/postmortems/pm-1/] [] [] [] true 1\n"},
	/* Syntax bug class: a tag closed early inside a long string ("]==" without its "]") or by a
	 * "%}" in a string on the line after a comment (the comment ends at its line). */
	{THEME, "long-bracket.html", "{}", "[x ]== }} y]\n"},
	{THEME, "comment-lines.html", "{}", "[%}]\n"},
	/* Injection bug class: {{ s, t }} with t written as template text (unescaped) in a run. */
	{THEME, "run-comma.html", "{s = 'a', t = '<b>'}", "<p>a|a</p>\n"},
	/* pairs() over the library still walks it */
	{THEME, "sec-pairs-ok.html", "{}", "true 7\n"},
};

static void test_outputs(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(outputs); i++) {
		const struct output_case *c = &outputs[i];
		struct tmpl *t = tmpl_open(c->dirs, c->ndirs);
		CHECK(t != NULL);
		if (!t)
			continue;
		char *got = render(t, c->name, c->ctx);
		if (!got || strcmp(got, c->want))
			fprintf(stderr, "case %zu (%s):\n", i, c->name);
		CHECK_STR(got, c->want);
		check_diagnostics("");
		free(got);
		tmpl_free(t);
	}
}

/* The lead's page fixture: escaping, a partial, a loop and a helper together. */
static void test_page(void)
{
	struct tmpl *t = tmpl_open(site, 2);
	char *s = render(t, "page.html",
			 "{title = '<a href=\"x\">&\\'', items = {'a', 'b'}, n = 3, flag = true}");
	CHECK_STR(
		s,
		"<h1>&lt;a href=&quot;x&quot;&gt;&amp;&#39;</h1>\n<li>raw &lt;b&gt;</li>\n\n1=a;2=b;\n"
		"&lt;A HREF=&quot;X&quot;&gt;&amp;&#39;!||3|true\n");
	free(s);
	tmpl_free(t);
}

/* ---- errors: a template, its context and the exact diagnostics --------------- */

#define BUDGET_100  "time budget of 100 ms exceeded (endless loop?)\n"
#define MEMORY_NOTE " (what the scripts of a Lua state hold, for the whole build; see --lua-memory)"

struct error_case {
	const char *name, *ctx, *want;
	long budget; /* 0: the default */
};

static const struct error_case errors[] = {
	{"insert-table.html", "{list = {}}",
	 D "insert-table.html:1: error: cannot insert a table (expected text)\n", 0},
	/* a value in a run: the line it is on */
	{"runs-error.html", "{s = 'x', t = {}}",
	 D "runs-error.html:2: error: cannot insert a table (expected text)\n", 0},
	{"table.html", "{items = {}}",
	 D "table.html:1: error: cannot insert a table (expected text)\n", 0},
	{"insert-function.html", "{}",
	 D "insert-function.html:1: error: cannot insert a function (expected text)\n", 0},
	{"runtime.html", "{}",
	 D "runtime.html:3: error: attempt to index a nil value (global 'pm')\n", 0},
	{"runtime-error.html", "{}",
	 D "runtime-error.html:3: error: attempt to index a nil value (global 'pm')\n", 0},
	{"lines.html", "{a = {}, b = 'y'}",
	 D "lines.html:9: error: attempt to index a nil value (field 'b')\n", 0},
	{"os-execute.html", "{}",
	 D "os-execute.html:1: error: attempt to call a nil value (field 'execute')\n", 0},
	{"forever.html", "{}",
	 D "forever.html:2: error: time budget of 100 ms exceeded (endless loop?)\n", 100},
	{"rep-loop.html", "{}",
	 D "rep-loop.html:2: error: time budget of 200 ms exceeded (endless loop?)\n", 200},
	/* the state may hold 256 MB here (test_errors); a long budget: sanitizers are slow */
	{"mem.html", "{}",
	 D "mem.html:1: error: string.rep would make more than 256 MB (the limit of a string)\n",
	 60000},
	{"mem-grow.html", "{}",
	 D "mem-grow.html:1: error: memory limit of 256 MB exceeded" MEMORY_NOTE "\n", 60000},
	{"readonly.html", "{}",
	 D
	 "readonly.html:1: error: cannot assign string.upper (the standard library is read-only)\n",
	 0},
	{"readonly-g.html", "{}",
	 D "readonly-g.html:1: error: cannot assign _G.x (the standard library is read-only)\n", 0},
	{"bump.html", "{}",
	 D
	 "helpers.lua:5: error: cannot assign global 'counter' in a helper (helpers are shared by every page: use a "
	 "local)\n" D "helpers.lua:5: note: called from " D "bump.html:1\n",
	 0},
	{"partial-error.html", "{}",
	 D "partials/bad.html:2: error: attempt to index a nil value (global 'item')\n" D
	   "partials/bad.html:2: note: called from " D "partial-error.html:2\n",
	 0},
	{"helper-error.html", "{}",
	 D "helpers.lua:11: error: attempt to index a nil value (local 'x')\n" D
	   "helpers.lua:11: note: called from " D "helper-error.html:1\n",
	 0},
	{"recurse.html", "{}",
	 D
	 "recurse.html:1: error: includes nested more than 32 deep (does \"recurse\" include itself?)\n",
	 0},
	{"include-missing.html", "{}",
	 D "include-missing.html:1: error: no template \"nope\" to include\n", 0},
	{"include-badctx.html", "{}",
	 D
	 "include-badctx.html:1: error: the context of include(\"partials/greeting\") must be a table, not number\n",
	 0},
	{"include-noarg.html", "{}",
	 D
	 "include-noarg.html:1: error: bad argument #1 to 'include' (string expected, got no value)\n",
	 0},
	{"include-lines.html", "{}",
	 D "include-lines.html:2: error: attempt to index a nil value (global 'nope')\n", 0},
	{"cached-badkey.html", "{}",
	 D
	 "cached-badkey.html:1: error: the key of include_cached(\"partials/cached-item\", key, ctx) must be a string or "
	 "a number, not table\n",
	 0},
	{"cached-error.html", "{}",
	 D "partials/bad.html:2: error: attempt to index a nil value (global 'item')\n" D
	   "partials/bad.html:2: note: called from " D "cached-error.html:2\n",
	 0},
	{"overflow.html", "{}", D "overflow.html:1: error: stack overflow\n", 60000},
	{"error-object.html", "{}",
	 D "error-object.html:1: error: (error object is a table value)\n", 0},
	{"nope.html", "{}",
	 "aftermath: error: no template \"nope.html\" in the layout directories\n", 0},
	/*
	 * Issue 17: C work the instruction hook never saw ends at the budget, at
	 * the template's line (each ran for hours or days before).
	 */
	{"sec-find.html", "{}", D "sec-find.html:2: error: " BUDGET_100, 100},
	{"sec-match.html", "{}", D "sec-match.html:1: error: " BUDGET_100, 100},
	{"sec-gsub.html", "{}", D "sec-gsub.html:2: error: " BUDGET_100, 100},
	{"sec-gmatch.html", "{}", D "sec-gmatch.html:1: error: " BUDGET_100, 100},
	{"sec-balance.html", "{}", D "sec-balance.html:2: error: " BUDGET_100, 100},
	/* a message handler ran with hooks off after an error raised by the hook */
	{"sec-xpcall.html", "{}", D "sec-xpcall.html:1: error: " BUDGET_100, 100},
	{"sec-xpcall-error.html", "{}", D "sec-xpcall-error.html:2: error: " BUDGET_100, 100},
	{"sec-move.html", "{}",
	 D
	 "sec-move.html:1: error: table.move of more than 16777216 elements is not allowed in the sandbox\n",
	 0},
	{"sec-remove.html", "{}",
	 D
	 "sec-remove.html:2: error: table.remove of more than 16777216 elements is not allowed in the sandbox\n",
	 0},
	/* a finalizer runs inside the collector: no hook, no error, maybe after the render */
	{"sec-gc.html", "{}",
	 D "sec-gc.html:1: error: a __gc metamethod (finalizer) is not allowed in the sandbox\n",
	 0},
	/* pairs(string) handed out the real table: a page could replace string.format for the next */
	{"sec-pairs.html", "{}",
	 D
	 "sec-pairs.html:1: error: cannot assign string.format (the standard library is read-only)\n",
	 0},
};

static void test_errors(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	CHECK(t != NULL);
	sandbox_set_memory(tmpl_lua(t), (size_t)256 << 20);
	for (size_t i = 0; t && i < ARRAY_SIZE(errors); i++) {
		const struct error_case *c = &errors[i];
		sandbox_set_budget(tmpl_lua(t), c->budget ? c->budget : SANDBOX_BUDGET_MS);
		char *got = render(t, c->name, c->ctx);
		CHECK(got == NULL);
		free(got);
		char *d = diagnostics();
		if (strcmp(d, c->want))
			fprintf(stderr, "case %zu (%s):\n", i, c->name);
		CHECK_STR(d, c->want);
		free(d);
		/* the engine is still fine after the error */
		got = render(t, "override.html", "{}");
		CHECK_STR(got, "default override\n");
		free(got);
	}
	tmpl_free(t);
}

/*
 * include_cached: a key is rendered once per engine, later calls with that key
 * get the first text whatever their context; a failed render is not kept.
 */
static void test_include_cached(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	CHECK(t != NULL);
	if (!t)
		return;
	char *got = render(
		t, "cached.html",
		"{items = {{key = 'a', name = 'one'}, {key = 'b', name = 'two'}, {key = 'a', name = 'changed'},"
		" {key = 1, name = 'n'}, {key = 1, name = 'm'}}}");
	CHECK_STR(got, "[one][two][one][n][n]\n");
	free(got);
	got = render(t, "cached.html",
		     "{items = {{key = 'a', name = 'later'}, {key = 'c', name = 'new'}}}");
	CHECK_STR(got, "[one][new]\n"); /* the cache outlives a render */
	free(got);
	for (int i = 0; i < 2; i++) { /* an error is reported every time */
		CHECK(render(t, "cached-error.html", "{}") == NULL);
		char *d = diagnostics();
		CHECK(strstr(d, "partials/bad.html:2: error:") != NULL);
		free(d);
	}
	size_t n;
	struct tmpl_stat *st = tmpl_stats(t, &n);
	for (size_t i = 0; i < n; i++)
		if (!strcmp(st[i].name, "partials/cached-item.html")) {
			CHECK_INT(st[i].calls, 4);  /* a, b, 1, c */
			CHECK_INT(st[i].cached, 3); /* a, 1, a */
		}
	free(st);
	/* A new engine starts empty. */
	tmpl_free(t);
	t = tmpl_open(theme, 1);
	got = render(t, "cached.html", "{items = {{key = 'a', name = 'fresh'}}}");
	CHECK_STR(got, "[fresh]\n");
	free(got);
	tmpl_free(t);
	/*
	 * Cache bug class: a cached partial that itself includes a cached
	 * partial stored under the inner one's key (the key is worked out
	 * again after the render).  The outer text is kept under "a" and the
	 * inner one under "a-in": each comes back as it was, and the last
	 * call gets the inner text, never the outer.
	 */
	t = tmpl_open(theme, 1);
	char *nest = render(t, "cached-nested.html",
			    "{items = {{key = 'a', name = 'one'}, {key = 'a', name = 'two'}}}");
	CHECK_STR(nest, "<one|[one-in]>;<one|[one-in]>;[one-in]\n");
	free(nest);
	tmpl_free(t);
}

/* The output of tmpl_render_page(name) with ctx and content text, or NULL when it failed. */
static char *render_page(struct tmpl *t, const char *name, const char *ctx, const char *text)
{
	struct buf out = BUF_INIT;
	int top = lua_gettop(tmpl_lua(t));
	push_ctx(tmpl_lua(t), ctx);
	int r = tmpl_render_page(t, name, text, strlen(text), &out);
	CHECK_INT(lua_gettop(tmpl_lua(t)), top);
	if (r < 0) {
		buf_release(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

/*
 * tmpl_render_page: `content` is the page's text in every way a template can
 * use it; a template that only writes it ({{{ content }}}) gets it without a
 * Lua string being made, every other one (a partial with the same context, a
 * template that calls string methods on it, reads _ENV, shadows it, passes it
 * to __raw) sees the string.
 */
static void test_render_page(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	CHECK(t != NULL);
	if (!t)
		return;
	static const struct {
		const char *name, *ctx, *want;
	} cases[] = {
		{"page-wrap.html", "{ctx_given = {content = 'given'}}",
		 "<main>a<b>c</main>a<b>c\n[5:A&lt;B&gt;C]|(a<b>c)|(given)\n"},
		{"page-uses.html", "{}", "has b|a<b>c|a&lt;b&gt;c\n"},
		{"page-env.html", "{}", "a<b>c|a<b>c|string\n"},
		{"page-shadow.html", "{}", "own\n"},
		{"page-writer.html", "{}", "[string]a<b>c\n"},
		{"page-field.html", "{page = {content = 'field'}}", "page.content=field a<b>c\n"},
		/* a context with a metatable gets the string */
		{"page-wrap.html",
		 "setmetatable({ctx_given = {content = 'given'}}, {__index = {}})",
		 "<main>a<b>c</main>a<b>c\n[5:A&lt;B&gt;C]|(a<b>c)|(given)\n"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = render_page(t, cases[i].name, cases[i].ctx, "a<b>c");
		if (!got || strcmp(got, cases[i].want))
			fprintf(stderr, "case %zu (%s):\n", i, cases[i].name);
		CHECK_STR(got, cases[i].want);
		check_diagnostics("");
		free(got);
	}
	/* Only page-wrap.html's own {{{ content }}} skip the string: with the collector
	 * stopped, a 4 MB text grows the state by 4 MB (one string, for the partial that
	 * uses it) in page-wrap, by 4 MB in page-uses. */
	lua_State *L = tmpl_lua(t);
	size_t big_len = (size_t)4 << 20;
	char *big = xmalloc(big_len + 1);
	memset(big, 'x', big_len);
	big[big_len] = '\0';
	static const char *const names[] = {"page-raw-only.html", "page-uses.html"};
	int grew_kb[2];
	for (int k = 0; k < 2; k++) {
		lua_gc(L, LUA_GCCOLLECT);
		lua_gc(L, LUA_GCSTOP);
		int before = lua_gc(L, LUA_GCCOUNT);
		char *got = render_page(t, names[k], "{}", big);
		CHECK(got != NULL && strlen(got) > big_len);
		free(got);
		grew_kb[k] = lua_gc(L, LUA_GCCOUNT) - before;
		lua_gc(L, LUA_GCRESTART);
	}
	CHECK(grew_kb[0] < 256);
	CHECK(grew_kb[1] >= 4096);
	free(big);
	tmpl_free(t);
}

/* An error leaves `out` as it was, with what the caller had put there. */
/*
 * Profile bug class: a partial's self time cut by the time of a sibling's
 * includes (the include time at its depth not reset): stat-d includes
 * nothing, so all of its time is its own, after stat-b's include of stat-c.
 */
static void test_self_time_of_a_partial_after_a_sibling(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	char *got = render(t, "stat-top.html", "{}");
	CHECK_STR(got, "c|d\n");
	free(got);
	size_t n;
	struct tmpl_stat *st = tmpl_stats(t, &n);
	int seen = 0;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(st[i].name, "partials/stat-d.html") ||
		    !strcmp(st[i].name, "partials/stat-c.html")) {
			seen++;
			CHECK_INT(st[i].calls, 1);
			CHECK(st[i].self_seconds == st[i].seconds);
		}
	CHECK_INT(seen, 2);
	free(st);
	tmpl_free(t);
}

static void test_error_keeps_output(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	struct buf out = BUF_INIT;
	buf_adds(&out, "before|");
	push_ctx(tmpl_lua(t), "{}");
	CHECK_INT(tmpl_render(t, "partial-error.html", &out), -1);
	CHECK_STR(buf_cstr(&out), "before|");
	push_ctx(tmpl_lua(t), "{}");
	CHECK_INT(tmpl_render(t, "override", &out), 0);
	CHECK_STR(buf_cstr(&out), "before|default override\n");
	buf_release(&out);
	diag_clear();
	tmpl_free(t);
}

static void test_compile_errors(void)
{
	static const char *const broken[] = {"tests/templates/broken"};
	struct tmpl *t = tmpl_open(broken, 1);
	CHECK(t == NULL);
	check_diagnostics(
		"tests/templates/broken/bad.html:3: error: unexpected symbol near ')'\n"
		"tests/templates/broken/missing-end.html:3: error: 'end' expected (to close 'for' at line 1) "
		"near <eof>\n"
		/* Message bug class: the names the translation made up ('__raw', '__inc') shown to the user */
		"tests/templates/broken/near-include-cached.html:1: error: <eof> expected near 'include_cached'\n"
		"tests/templates/broken/near-include.html:1: error: <eof> expected near 'include'\n"
		"tests/templates/broken/near-raw.html:1: error: <eof> expected near '{{{'\n"
		/* Location bug class: a NUL byte's column counted from the start of the file */
		"tests/templates/broken/nul.html:2:3: error: NUL byte in template\n"
		"tests/templates/broken/return.html:1: error: <eof> expected near template text\n"
		"tests/templates/broken/syntax.html:7: error: ')' expected near '}'\n"
		"tests/templates/broken/unclosed-expr.html:2:6: error: unclosed {{ (expected }})\n"
		"tests/templates/broken/unclosed-stmt.html:1:1: error: unclosed {% (expected %})\n"
		"tests/templates/broken/unclosed.html:1:4: error: unclosed {{ (expected }})\n");
}

static void test_helpers_errors(void)
{
	static const char *const dirs[] = {"tests/templates/broken-helpers",
					   "tests/templates/default"};
	struct tmpl *t = tmpl_open(dirs, 2);
	CHECK(t == NULL);
	check_diagnostics(
		"tests/templates/broken-helpers/helpers.lua:2: error: <name> or '...' expected near 'return'\n");
}

static void test_missing_dir_is_skipped(void)
{
	static const char *const dirs[] = {"tests/templates/no-such-dir",
					   "tests/templates/default"};
	struct tmpl *t = tmpl_open(dirs, 2);
	CHECK(t != NULL);
	check_diagnostics("");
	CHECK(tmpl_exists(t, "partials/greeting"));
	CHECK(tmpl_exists(t, "partials/greeting.html"));
	CHECK(tmpl_exists(t, "override.html"));
	CHECK(!tmpl_exists(t, "nope"));
	CHECK(!tmpl_exists(t, "greeting.html"));
	tmpl_free(t);
}

/* Nothing a render sets is seen by the next one. */
static void test_no_state_between_renders(void)
{
	struct tmpl *t = tmpl_open(site, 2);
	char *a = render(t, "leak.html", "{}");
	char *b = render(t, "leak.html", "{}");
	char *c = render(t, "leak-set.html", "{}");
	char *d = render(t, "leak-get.html", "{}");
	CHECK_STR(a, "1\n");
	CHECK_STR(b, "1\n");
	CHECK_STR(c, "set\n");
	CHECK_STR(d, "[]\n");
	free(a);
	free(b);
	free(c);
	free(d);
	/* nor does the context change: assignments go to the render's own table */
	lua_State *L = tmpl_lua(t);
	push_ctx(L, "{x = 'ctx'}");
	lua_pushvalue(L, -1);
	int ref = luaL_ref(L, LUA_REGISTRYINDEX);
	struct buf out = BUF_INIT;
	CHECK_INT(tmpl_render(t, "leak-set.html", &out), 0);
	lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
	lua_getfield(L, -1, "x");
	CHECK_STR(lua_tostring(L, -1), "ctx");
	lua_pop(L, 2);
	luaL_unref(L, LUA_REGISTRYINDEX, ref);
	buf_release(&out);
	tmpl_free(t);
}

/*
 * What a helper keeps from one page to the next counts against the state's
 * memory limit (it was 512 MB per render, beyond what the state held: a
 * build's states grew to 5.8 GB).
 */
static void test_memory_across_renders(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	sandbox_set_memory(tmpl_lua(t), (size_t)32 << 20);
	int ok = 0;
	char *s;
	while (ok < 100 && (s = render(t, "sec-keep.html", "{}")) != NULL) {
		free(s);
		ok++;
	}
	CHECK(ok > 10);
	CHECK(ok < 40);
	check_diagnostics(D "helpers.lua:17: error: memory limit of 32 MB exceeded" MEMORY_NOTE
			    "\n");
	tmpl_free(t);
}

/* A page's output is capped (13 GB were written), in a loop, a value or a partial. */
static void test_output_limit(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	tmpl_set_output_limit(t, (size_t)1 << 20);
	static const char *const names[] = {"sec-output.html", "sec-output-raw.html",
					    "sec-output-include.html", "sec-output-nested.html"};
	static const char *const want[] = {
		D
		"sec-output.html:1: error: page output over the limit of 1 MB (see --page-output)\n",
		D
		"sec-output-raw.html:2: error: page output over the limit of 1 MB (see --page-output)\n",
		D
		"partials/sec-big.html:2: error: page output over the limit of 1 MB (see --page-output)\n" D
		"partials/sec-big.html:2: note: called from " D "sec-output-include.html:1\n",
		/* the page's text and a partial's, held at once, count together */
		D
		"partials/sec-half.html:1: error: page output over the limit of 1 MB (see --page-output)\n" D
		"partials/sec-half.html:1: note: called from " D "sec-output-nested.html:1\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		char *s = render(t, names[i], "{}");
		CHECK(s == NULL);
		free(s);
		check_diagnostics(want[i]);
	}
	/* Boundary bug class: a page of exactly the limit refused (1 MB: 1048575 bytes and a newline). */
	char *s = render(t, "sec-output-exact.html", "{}");
	CHECK(s != NULL && strlen(s) == ((size_t)1 << 20));
	free(s);
	check_diagnostics("");
	s = render(t, "override.html", "{}"); /* the limit is a page's, not the engine's */
	CHECK_STR(s, "default override\n");
	free(s);
	tmpl_free(t);
}

static double cpu_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A loop ends after its budget of CPU time: not before, and not much after. */
static void test_endless_loop_fails_fast(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	sandbox_set_budget(tmpl_lua(t), 300);
	time_t start = time(NULL);
	double cpu = cpu_seconds();
	char *s = render(t, "loop.html", "{}");
	cpu = cpu_seconds() - cpu;
	CHECK(s == NULL);
	CHECK(cpu >= 0.3);
	CHECK(time(NULL) - start < 5);
	check_diagnostics(D "loop.html:2: error: time budget of 300 ms exceeded (endless loop?)\n");
	/* the default budget is enforced too (no time check: valgrind is slow) */
	sandbox_set_budget(tmpl_lua(t), SANDBOX_BUDGET_MS);
	s = render(t, "forever.html", "{}");
	CHECK(s == NULL);
	check_diagnostics(
		D "forever.html:2: error: time budget of 1000 ms exceeded (endless loop?)\n");
	/* a render after that has its whole budget again */
	s = render(t, "override.html", "{}");
	CHECK_STR(s, "default override\n");
	free(s);
	tmpl_free(t);
}

/* A script that catches the error with pcall is stopped anyway. */
static void test_budget_beats_pcall(void)
{
	lua_State *L = sandbox_new();
	sandbox_set_budget(L, 50);
	CHECK_INT(luaL_loadstring(L, "while true do pcall(function() while true do end end) end"),
		  LUA_OK);
	CHECK_INT(sandbox_call(L, 0, 0, "pcall"), -1);
	check_diagnostics(
		"[string \"while true do pcall(function() while true do ...\"]:1: error: time budget of 50 ms "
		"exceeded (endless loop?)\n");
	sandbox_free(L);
}

/* Without a timer (the system refused one) the budget is checked by polling the clock. */
/* POSIX timers the process holds (/proc/self/timers), or -1 when the kernel does not list them. */
static int process_timers(void)
{
	FILE *f = fopen("/proc/self/timers", "r");
	if (!f)
		return -1;
	char line[256];
	int n = 0;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, "ID:", 3);
	fclose(f);
	return n;
}

/*
 * Bug class: a polling state arming a timer all the same (a signal where
 * the caller asked for none: TSan builds, and hosts out of timers).  The
 * budget still holds, and no timer is made for it.
 */
static void test_budget_polling(void)
{
	int timers = process_timers();
	lua_State *L = sandbox_new();
	sandbox_poll_budget(L);
	sandbox_set_budget(L, 50);
	CHECK_INT(luaL_loadstring(L, "local n = 0\nwhile true do n = n + 1 end"), LUA_OK);
	CHECK_INT(sandbox_call(L, 0, 0, "loop"), -1);
	check_diagnostics(
		"[string \"local n = 0...\"]:2: error: time budget of 50 ms exceeded (endless loop?)\n");
	CHECK_INT(luaL_loadstring(L, "return 1 + 1"), LUA_OK);
	CHECK_INT(sandbox_call(L, 0, 1, "sum"), 0);
	CHECK_INT((int)lua_tointeger(L, -1), 2);
	CHECK_INT(process_timers(), timers); /* no timer armed */
	lua_settop(L, 0);
	sandbox_free(L);
}

/* A state made on one thread and run on others (as a build's workers) gets its timer there. */
struct loop_thread {
	struct tmpl *t;
	int result;
};

static void *render_loop(void *arg)
{
	struct loop_thread *lt = arg;
	struct buf out = BUF_INIT;
	push_ctx(tmpl_lua(lt->t), "{}");
	lt->result = tmpl_render(lt->t, "loop.html", &out);
	buf_release(&out);
	return NULL;
}

static void test_budget_on_threads(void)
{
	struct tmpl *t = tmpl_open(theme, 1);
	sandbox_set_budget(tmpl_lua(t), 100);
	for (int i = 0; i < 2; i++) {
		struct loop_thread lt = {t, 0};
		pthread_t th;
		CHECK_INT(pthread_create(&th, NULL, render_loop, &lt), 0);
		pthread_join(th, NULL);
		CHECK_INT(lt.result, -1);
		check_diagnostics(
			D "loop.html:2: error: time budget of 100 ms exceeded (endless loop?)\n");
	}
	tmpl_free(t);
}

/* ---- the sandbox on its own, as hooks and lint rules use it ------------------ */

static void test_sandbox_call(void)
{
	lua_State *L = sandbox_new();
	CHECK_INT(sandbox_load(L, "tests/templates/scripts/hook.lua"), 0);
	CHECK_INT(sandbox_call(L, 0, 1, "hook.lua"), 0);
	lua_pushvalue(L, -1);
	push_ctx(L, "{title = 'db outage'}");
	CHECK_INT(sandbox_call(L, 1, 3, "hook.lua"), 0);
	CHECK_STR(lua_tostring(L, -3), "DB OUTAGE");
	CHECK_STR(lua_tostring(L, -2), "nil");
	CHECK_STR(lua_tostring(L, -1), "nil");
	lua_pop(L, 3);
	push_ctx(L, "{}");
	CHECK_INT(sandbox_call(L, 1, 0, "hook.lua"), -1);
	check_diagnostics("tests/templates/scripts/hook.lua:4: error: no title\n");
	CHECK_INT(lua_gettop(L), 0);

	CHECK_INT(sandbox_load(L, "tests/templates/scripts/syntax.lua"), -1);
	check_diagnostics(
		"tests/templates/scripts/syntax.lua:2: error: unexpected symbol near '='\n");
	CHECK_INT(lua_gettop(L), 0);

	sandbox_set_budget(L, 50);
	CHECK_INT(luaL_loadstring(L, "local n = 0\nwhile true do n = n + 1 end"), LUA_OK);
	CHECK_INT(sandbox_call(L, 0, 0, "loop"), -1);
	check_diagnostics(
		"[string \"local n = 0...\"]:2: error: time budget of 50 ms exceeded (endless loop?)\n");

	CHECK_INT(luaL_loadstring(L, "return string.rep('x', 2^30)"), LUA_OK);
	CHECK_INT(sandbox_call(L, 0, 1, "rep"), -1);
	check_diagnostics(
		"[string \"return string.rep('x', 2^30)\"]:1: error: string.rep would make more than 256 MB "
		"(the limit of a string)\n");
	sandbox_set_memory(L, (size_t)16 << 20);
	CHECK_INT(luaL_loadstring(L, "local t = {}\nfor i = 1, 1e8 do t[i] = i end"), LUA_OK);
	CHECK_INT(sandbox_call(L, 0, 0, "fill"), -1);
	check_diagnostics(
		"[string \"local t = {}...\"]:2: error: memory limit of 16 MB exceeded" MEMORY_NOTE
		"\n");
	sandbox_set_memory(L, (size_t)SANDBOX_MEMORY_MB << 20);

	sandbox_set_budget(L, SANDBOX_BUDGET_MS);
	CHECK_INT(luaL_loadstring(
			  L, "return io, require, loadfile, dofile, load, os.execute, string.dump, "
			     "debug, package, collectgarbage"),
		  LUA_OK);
	CHECK_INT(sandbox_call(L, 0, LUA_MULTRET, "absent"), 0);
	CHECK_INT(lua_gettop(L), 10);
	for (int i = 1; i <= 10; i++)
		CHECK(lua_isnil(L, i));
	lua_settop(L, 0);
	sandbox_free(L);
}

/* C work that never calls back or checks the budget (none is known in the library). */
static int spin(lua_State *L)
{
	(void)L;
	for (volatile unsigned long n = 0;; n++)
		;
	return 0;
}

static void *spin_call(void *arg)
{
	lua_State *L = sandbox_new();
	sandbox_set_budget(L, 50);
	lua_pushcfunction(L, spin);
	sandbox_call(L, 0, 0, "spin.lua");
	return arg;
}

/*
 * The backstop: a call stuck in C work ten budgets after it was told to stop
 * ends the process, naming what ran (in a child, which must exit 1 with the
 * message instead of spinning).
 */
static void test_backstop(void)
{
#if defined(__SANITIZE_THREAD__)
	/* TSan builds poll the clock instead of arming a timer, and the backstop is the timer's */
	return;
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
	return;
#endif
#endif
	int fds[2];
	CHECK_INT(pipe(fds), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		alarm(30);    /* a broken backstop fails the test instead of hanging it */
		pthread_t th; /* a thread of the child's own: this one's timer id is the parent's */
		pthread_create(&th, NULL, spin_call, NULL);
		pthread_join(th, NULL);
		_exit(0);
	}
	close(fds[1]);
	char text[512] = "";
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(text) - 1 && (r = read(fds[0], text + n, sizeof(text) - 1 - n)) > 0)
		n += (size_t)r;
	text[n] = '\0';
	close(fds[0]);
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	CHECK_STR(
		text,
		"aftermath: error: spin.lua: a script's C work ran far past its time budget and could not be "
		"stopped; the build ends here\n");
}

/* Lua shortens long chunk names; diagnostics still give the whole path. */
static void test_long_paths(void)
{
	char tmp[] = "/tmp/aftermath-test-template-XXXXXX";
	CHECK(mkdtemp(tmp) != NULL);
	char *dir = xstrfmt(
		"%s/a-directory-name-long-enough-to-pass-lua-idsize/and-then-some/layouts", tmp);
	char *page = path_join(dir, "page.html"), *part = path_join(dir, "partials/part.html");
	fs_write(page, "<p>\n{{{ include(\"partials/part\") }}}\n", 37);
	fs_write(part, "x\ny\n{{ nothing.here }}\n", 23);
	const char *dirs[] = {dir};
	struct tmpl *t = tmpl_open(dirs, 1);
	CHECK(t != NULL);
	char *s = t ? render(t, "page.html", "{}") : NULL;
	CHECK(s == NULL);
	char *want = xstrfmt("%s:3: error: attempt to index a nil value (global 'nothing')\n"
			     "%s:3: note: called from %s:2\n",
			     part, part, page);
	check_diagnostics(want);
	free(want);
	tmpl_free(t);
	fs_remove_tree(tmp);
	free(page);
	free(part);
	free(dir);
}

/* Two engines in two threads do not disturb each other (no CHECK in threads). */
struct worker {
	char *first;
	bool differ;
};

static void *render_many(void *arg)
{
	struct worker *w = arg;
	struct tmpl *t = tmpl_open(site, 2);
	lua_State *L = tmpl_lua(t);
	for (int i = 0; i < 300; i++) {
		struct buf out = BUF_INIT;
		lua_createtable(L, 0, 1);
		lua_pushliteral(L, "thread");
		lua_setfield(L, -2, "name");
		if (tmpl_render(t, "include.html", &out) < 0)
			w->differ = true;
		if (!w->first)
			w->first = buf_detach(&out, NULL);
		else if (strcmp(buf_cstr(&out), w->first))
			w->differ = true;
		buf_release(&out);
	}
	tmpl_free(t);
	return NULL;
}

static void test_threads(void)
{
	pthread_t th[2];
	struct worker w[2] = {{NULL, false}, {NULL, false}};
	for (int i = 0; i < 2; i++)
		pthread_create(&th[i], NULL, render_many, &w[i]);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	for (int i = 0; i < 2; i++) {
		CHECK(!w[i].differ);
		CHECK_STR(w[i].first,
			  "Hello, thread!\nHello, Ann &amp; Bob!\n<div>Hello, thread!</div>\n"
			  "[Hello, thread!]\nHello, thread!\n");
		free(w[i].first);
	}
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_outputs),
		TEST(test_page),
		TEST(test_errors),
		TEST(test_include_cached),
		TEST(test_self_time_of_a_partial_after_a_sibling),
		TEST(test_render_page),
		TEST(test_error_keeps_output),
		TEST(test_compile_errors),
		TEST(test_helpers_errors),
		TEST(test_missing_dir_is_skipped),
		TEST(test_no_state_between_renders),
		TEST(test_memory_across_renders),
		TEST(test_output_limit),
		TEST(test_endless_loop_fails_fast),
		TEST(test_budget_beats_pcall),
		TEST(test_budget_polling),
		TEST(test_budget_on_threads),
		TEST(test_sandbox_call),
		TEST(test_backstop),
		TEST(test_long_paths),
		TEST(test_threads),
	};
	return harness_run("template", cases, ARRAY_SIZE(cases));
}
