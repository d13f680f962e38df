/* Unit tests for diag.c: what reaches the terminal, check's summary line and
 * GitLab's Code Quality report. */
#include "base/diag.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

static char *summary(void)
{
	struct buf b = BUF_INIT;
	diag_summary(&b);
	return buf_detach(&b, NULL);
}

/* diag_flush's output in fmt, as a string (caller frees). */
static char *flushed(enum diag_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	diag_flush(f, fmt);
	fclose(f);
	char *copy = xstrdup(text); /* (gcc takes text for a local that dangles) */
	free(text);
	return copy;
}

static void test_summary_counts(void)
{
	struct loc a = {"a.md", 3, 1}, b = {"b.md", 4, 2}, c = {"c.md", 1, 1};
	char *s = summary();
	CHECK_STR(s, "no errors or warnings");
	free(s);
	error(&a, "one");
	s = summary();
	CHECK_STR(s, "1 error in 1 file");
	free(s);
	error(&a, "two");
	warning(&b, "three");
	warning(&b, "four");
	note(&c, "a note is not counted, nor its file");
	s = summary();
	CHECK_STR(s, "2 errors and 2 warnings in 2 files");
	free(s);
	diag_clear();
	warning(&c, "w");
	warning(&c, "w"); /* identical: counted once */
	s = summary();
	CHECK_STR(s, "1 warning in 1 file");
	free(s);
	diag_clear();
}

static void test_gitlab_report(void)
{
	struct loc a = {"./postmortems/a.md", 5, 11}, none = {NULL, 0, 0};
	char *empty = flushed(DIAG_GITLAB);
	CHECK_STR(empty, "[]\n");
	free(empty);
	diag_add(DIAG_WARNING, &a, "blame-language", "\"who\" \\ looks for a person");
	error(&none, "whole-build problem");
	char *one = flushed(DIAG_GITLAB);
	CHECK(strstr(one,
		     "{\"description\": \"whole-build problem\", \"check_name\": \"aftermath\", \"fingerprint\": \"") !=
	      NULL);
	CHECK(strstr(one,
		     "\"severity\": \"major\", \"location\": {\"path\": \".\", \"lines\": {\"begin\": 1}}}") !=
	      NULL);
	CHECK(strstr(one,
		     "{\"description\": \"\\\"who\\\" \\\\ looks for a person\", \"check_name\": \"blame-language\"") !=
	      NULL);
	CHECK(strstr(one,
		     "\"severity\": \"minor\", \"location\": {\"path\": \"postmortems/a.md\", \"lines\": {\"begin\": 5}}}") !=
	      NULL);
	/* the same findings give the same fingerprints; another line, another */
	diag_add(DIAG_WARNING, &a, "blame-language", "\"who\" \\ looks for a person");
	error(&none, "whole-build problem");
	char *again = flushed(DIAG_GITLAB);
	CHECK_STR(again, one);
	a.line = 6;
	diag_add(DIAG_WARNING, &a, "blame-language", "\"who\" \\ looks for a person");
	char *moved = flushed(DIAG_GITLAB);
	const char *f1 = strstr(strstr(one, "blame-language"), "fingerprint"),
		   *f2 = strstr(moved, "fingerprint");
	CHECK(f1 && f2 && strncmp(f1, f2, 50) != 0);
	free(one);
	free(again);
	free(moved);
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
			return true;
	return false;
}

static void test_controls_shown_escaped(void)
{
	struct loc loc = {"pm\x1b[2J.md", 3, 4};
	error(&loc, "unknown severity \"%s\"", "SEV\x1b[31m9\x07");
	warning(&loc, "title \"%s\"",
		"a\nb.md:1:1: error: forged\r\t\x7f\xc2\x9b"
		"2J\xff");
	for (int fmt = DIAG_TEXT; fmt <= DIAG_GITLAB; fmt++) {
		error(&loc, "id \"%s\"", "PM-\x1b]0;title\x07");
		char *out = flushed((enum diag_format)fmt);
		CHECK(!has_control(out));
		/* JSON escapes the backslash once more */
		CHECK(strstr(out, fmt == DIAG_JSON || fmt == DIAG_GITLAB
					  ? "PM-\\\\x1b]0;title\\\\x07"
					  : "PM-\\x1b]0;title\\x07") != NULL);
		free(out);
	}
}

static void test_text_format(void)
{
	struct loc loc = {"pm.md", 3, 4};
	error(&loc, "unknown severity \"%s\"", "SEV\x1b[31m9");
	warning(&loc, "title \"%s\"",
		"a\nb.md:1:1: error: forged\r\t\x7f\xc2\x9b"
		"2J\xff é");
	char *out = flushed(DIAG_TEXT);
	CHECK_STR(
		out,
		"pm.md:3:4: error: unknown severity \"SEV\\x1b[31m9\"\n"
		"pm.md:3:4: warning: title \"a\\nb.md:1:1: error: forged\\r\\t\\x7f\\u009b2J\\xff é\"\n");
	free(out);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_summary_counts),
		TEST(test_gitlab_report),
		TEST(test_controls_shown_escaped),
		TEST(test_text_format),
	};
	return harness_run("diag", cases, ARRAY_SIZE(cases));
}
