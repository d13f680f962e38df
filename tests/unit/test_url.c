/* Unit tests for url.c: the one scheme allow-list. */
#include "base/url.h"
#include "harness.h"

#include <stdlib.h>

static void test_allowed(void)
{
	static const char *const ok[] = {
		"https://x.example/",
		"http://x.example/a?b=c:d",
		"HTTPS://X.EXAMPLE",
		"mailto:a@b.c",
		"MailTo:a@b.c",
		"/abs/path",
		"../rel/",
		"rel/x:y",
		"#top",
		"?q=a:b",
		"//cdn.example/x",
		"",
		"postmortems/pm-1/",
		"/a?x=1&y=2",
		"https://x.example/?a=1&b=2",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (!url_safe(ok[i]))
			fprintf(stderr, "refused: \"%s\"\n", ok[i]);
		CHECK(url_safe(ok[i]));
	}
}

static void test_refused_schemes(void)
{
	static const char *const bad[] = {
		"javascript:alert(1)",
		"JaVaScRiPt:alert(1)",
		"vbscript:msgbox(1)",
		"data:text/html,<script>x</script>",
		"data:image/png;base64,AAAA",
		"file:///etc/passwd",
		"ftp://x.example/",
		"blob:https://x/1",
		"about:blank",
		"x:y",
		"javascriptx:1",
		"http2:x",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (url_safe(bad[i]))
			fprintf(stderr, "allowed: \"%s\"\n", bad[i]);
		CHECK(!url_safe(bad[i]));
	}
	CHECK(!url_safe(NULL));
}

/* The spellings a browser still reads as javascript: */
static void test_refused_obfuscations(void)
{
	static const char *const bad[] = {
		" javascript:x",
		"\x01javascript:x",
		"\x1f\x7f javascript:x",
		"java\tscript:x",
		"java\nscript:x",
		"java\rscript:x",
		"\tjava\x0bscript:x",
		"&#106;avascript:x",
		"&#x6A;avascript:x",
		"javascript&colon;x",
		"java&#9;script:x",
		"javascript&#58;x",
		"jav&#x09;ascript:alert(1)",
		"%6Aavascript:x",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (url_safe(bad[i]))
			fprintf(stderr, "allowed: case %zu\n", i);
		CHECK(!url_safe(bad[i]));
	}
}

static void test_quote(void)
{
	struct buf b = BUF_INIT;
	url_quote(&b, "java\tscript:\x1b[31m", 60);
	CHECK_STR(buf_cstr(&b), "java\\x09script:\\x1b[31m");
	buf_reset(&b);
	url_quote(&b, "abcdef", 3);
	CHECK_STR(buf_cstr(&b), "abc...");
	buf_release(&b);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_allowed),
		TEST(test_refused_schemes),
		TEST(test_refused_obfuscations),
		TEST(test_quote),
	};
	return harness_run("url", cases, ARRAY_SIZE(cases));
}
