/* Unit tests for template.c: syntax, escaping, partials, overrides, errors, sandbox. */
#include "diag.h"
#include "harness.h"
#include "template.h"

#include <lauxlib.h>
#include <lua.h>
#include <stdlib.h>
#include <time.h>

static struct tmpl *engine(void)
{
	static const char *const dirs[] = {"tests/templates/site", "tests/templates/default"};
	struct tmpl *t = tmpl_open(dirs, 2);
	CHECK(t != NULL);
	return t;
}

/* Render name with a context built by the Lua expression ctx. */
static char *render(struct tmpl *t, const char *name, const char *ctx, int *ret)
{
	lua_State *L = tmpl_lua(t);
	char *code = xstrfmt("return %s", ctx);
	if (luaL_dostring(L, code) != LUA_OK)
		lua_pushnil(L);
	free(code);
	struct buf out = BUF_INIT;
	*ret = tmpl_render(t, name, &out);
	return buf_detach(&out, NULL);
}

static const char *first_diag(void)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	return n ? d[0].msg : "(none)";
}

static void test_escaping_partials_helpers(void)
{
	struct tmpl *t = engine();
	int ret;
	char *s = render(t, "page.html", "{title = '<a href=\"x\">&\\'', items = {'a', 'b'}, n = 3, flag = true}", &ret);
	CHECK_INT(ret, 0);
	CHECK(strstr(s, "<h1>&lt;a href=&quot;x&quot;&gt;&amp;&#39;</h1>") != NULL);
	CHECK(strstr(s, "<li>raw &lt;b&gt;</li>") != NULL);
	CHECK(strstr(s, "1=a;2=b;") != NULL);
	CHECK(strstr(s, "&lt;A HREF=&quot;X&quot;&gt;&amp;&#39;!||3|true") != NULL);
	free(s);
	tmpl_free(t);
}

static void test_site_overrides_default(void)
{
	struct tmpl *t = engine();
	int ret;
	char *s = render(t, "footer.html", "{year = 2026}", &ret);
	CHECK_STR(s, "site footer 2026\n");
	free(s);
	tmpl_free(t);
}

static void test_whitespace_trim(void)
{
	struct tmpl *t = engine();
	int ret;
	char *s = render(t, "trim.html", "{items = {1, 2}}", &ret);
	CHECK_STR(s, "<ul><li>1</li><li>2</li></ul>\n");
	free(s);
	tmpl_free(t);
}

static void test_runtime_error_names_file_and_line(void)
{
	struct tmpl *t = engine();
	int ret;
	char *s = render(t, "runtime-error.html", "{}", &ret);
	CHECK_INT(ret, -1);
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK(n == 1 && str_ends(d[0].file, "tests/templates/default/runtime-error.html"));
	CHECK_INT(n ? d[0].line : 0, 3);
	CHECK_STR(first_diag(), "attempt to index a nil value (global 'pm')");
	diag_clear();
	free(s);
	tmpl_free(t);
}

static void test_compile_errors_reported(void)
{
	static const char *const dirs[] = {"tests/templates/broken"};
	struct tmpl *t = tmpl_open(dirs, 1);
	CHECK(t == NULL);
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(d[0].file, "tests/templates/broken/bad.html");
		CHECK_INT(d[0].line, 3);
		CHECK_STR(d[1].file, "tests/templates/broken/unclosed.html");
		CHECK_STR(d[1].msg, "unclosed {{ (expected }})");
		CHECK_INT(d[1].col, 4);
	}
	diag_clear();
}

static void test_endless_loop_fails_fast(void)
{
	struct tmpl *t = engine();
	int ret;
	tmpl_set_budget(tmpl_lua(t), 20000000L);
	time_t start = time(NULL);
	char *s = render(t, "loop.html", "{}", &ret);
	CHECK_INT(ret, -1);
	CHECK(time(NULL) - start < 5);
	CHECK_STR(first_diag(), "instruction budget exceeded (an endless loop?)");
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n ? d[0].line : 0, 2);
	diag_clear();
	free(s);
	tmpl_free(t);
}

static void test_sandbox(void)
{
	struct tmpl *t = engine();
	int ret;
	char *s = render(t, "sandbox.html", "{}", &ret);
	CHECK_STR(s, "nil nil nil nil nil nil function\n");
	free(s);
	/* memory cap: a huge string is an error, not a crash */
	lua_State *L = tmpl_lua(t);
	CHECK(luaL_loadstring(L, "return string.rep('x', 2^30)") == LUA_OK);
	CHECK(sandbox_call(L, 0, 1, "rep") == -1);
	CHECK(strstr(first_diag(), "memory") != NULL);
	diag_clear();
	tmpl_free(t);
}

static void test_no_state_between_renders(void)
{
	struct tmpl *t = engine();
	int ret;
	char *a = render(t, "leak.html", "{}", &ret);
	char *b = render(t, "leak.html", "{}", &ret);
	CHECK_STR(a, "1\n");
	CHECK_STR(b, "1\n");
	free(a);
	free(b);
	char *c = render(t, "table.html", "{items = {}}", &ret);
	CHECK_INT(ret, -1);
	CHECK_STR(first_diag(), "cannot insert a table (expected text)");
	diag_clear();
	free(c);
	tmpl_free(t);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_escaping_partials_helpers), TEST(test_site_overrides_default), TEST(test_whitespace_trim),
		TEST(test_runtime_error_names_file_and_line), TEST(test_compile_errors_reported),
		TEST(test_endless_loop_fails_fast), TEST(test_sandbox), TEST(test_no_state_between_renders),
	};
	return harness_run("template", cases, ARRAY_SIZE(cases));
}
