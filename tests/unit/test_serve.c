/* Unit tests for devserver.c: which Host names it answers, how request paths are cleaned, redirects. */
#include "cmd/devserver.h"
#include "harness.h"

#include <stdlib.h>

static void test_loopback_hosts_allowed(void)
{
	static const char *const ok[] = {
		"localhost", "localhost:8080",	"LOCALHOST", "LocalHost:1",
		"127.0.0.1", "127.0.0.1:65535", "[::1]",     "[::1]:8080",
	};
	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		if (!serve_host_allowed(ok[i]))
			fprintf(stderr, "refused: %s\n", ok[i]);
		CHECK(serve_host_allowed(ok[i]));
	}
}

static void test_other_hosts_refused(void)
{
	static const char *const bad[] = {
		"evil.com",
		"evil.com:8080",
		"localhost.evil.com",
		"localhost.",
		"127.0.0.1.nip.io",
		"localhost:8080.evil.com",
		"localhost:8080@evil.com",
		"localhost:",
		"localhost:x",
		"localhost:123456",
		"localhost:80:80",
		"127.0.0.2",
		"127.1",
		"0x7f000001",
		"[::2]",
		"::1",
		"[::1]x",
		" localhost",
		"localhost ",
		"",
		"localhost\r\nX: y",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (serve_host_allowed(bad[i]))
			fprintf(stderr, "allowed: %s\n", bad[i]);
		CHECK(!serve_host_allowed(bad[i]));
	}
	CHECK(!serve_host_allowed(NULL));
}

/* Each case: a request path as sent, and its cleaned form ("" for refused). */
static const char *const paths[][2] = {
	{"/", "/"},
	{"/postmortems/fx-001/", "/postmortems/fx-001/"},
	{"/postmortems", "/postmortems"},
	{"//evil.com", "/evil.com"},
	{"///evil.com//x", "/evil.com/x"},
	{"/%2F%2Fevil.com", "/evil.com"},
	{"/%2f/evil.com/", "/evil.com/"},
	{"/./a/./b/.", "/a/b"},
	{"/a/b/./", "/a/b/"},
	{"/post%6dortems", "/postmortems"},
	{"/a%20b", "/a b"},
	{"/a?x=//evil.com", "/a"},
	{"/a#//evil.com", "/a"},
	{"/%", "/%"},
	{"/%zz", "/%zz"},
	{"/%2", "/%2"},
	{"/%252e%252e/x", "/%2e%2e/x"}, /* decoded once only */
	{"/..", ""},
	{"/../etc/passwd", ""},
	{"/a/../../etc/passwd", ""},
	{"/%2e%2e/etc/passwd", ""},
	{"/%2E%2e%2Fetc", ""},
	{"/..%2f..%2fetc", ""},
	{"/a/..", ""},
	{"/\\evil.com", ""},
	{"/%5cevil.com", ""},
	{"/%5Cevil.com", ""},
	{"/index.html%00.txt", ""},
	{"/a%0d%0aLocation:%20x", ""},
	{"/a%7f", ""},
	{"/a\tb", ""},
	{"", ""},
	{"evil.com/", ""},
	{"http://evil.com/", ""},
	{"*", ""},
	{"/...", "/..."},
	{"/..a", "/..a"},
	{"/a..", "/a.."},
};

static void test_clean_path(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *got = serve_clean_path(paths[i][0]);
		CHECK_STR(got ? got : "", paths[i][1]);
		free(got);
	}
}

/* Clean paths of directories and the Location each is redirected to. */
static const char *const redirects[][2] = {
	{"/postmortems", "/postmortems/"},
	{"/evil.com", "/evil.com/"},
	{"/a b", "/a%20b/"},
	{"/a%2F", "/a%252F/"},
	{"/a?b#c", "/a%3Fb%23c/"},
	{"/caf\xc3\xa9", "/caf%C3%A9/"},
	{"/a/b", "/a/b/"},
};

static void test_redirect(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(redirects); i++) {
		char *got = serve_redirect(redirects[i][0]);
		CHECK_STR(got, redirects[i][1]);
		free(got);
	}
}

/* Whatever is asked, a directory's redirect is local: one '/', then not '/' or '\'. */
static void test_redirect_of_any_path_is_local(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
		char *clean = serve_clean_path(paths[i][0]);
		if (!clean || !strcmp(clean, "/") || clean[strlen(clean) - 1] == '/') {
			free(clean);
			continue;
		}
		char *loc = serve_redirect(clean);
		CHECK(loc[0] == '/' && loc[1] != '/' && loc[1] != '\\' && !strchr(loc, '\\'));
		CHECK(!strpbrk(loc, "\r\n\t ?#"));
		free(loc);
		free(clean);
	}
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_loopback_hosts_allowed),
		TEST(test_other_hosts_refused),
		TEST(test_clean_path),
		TEST(test_redirect),
		TEST(test_redirect_of_any_path_is_local),
	};
	return harness_run("serve", cases, ARRAY_SIZE(cases));
}
