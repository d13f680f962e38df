/* Unit tests for diag.c's outputs for people and machines: check's summary
 * line and GitLab's Code Quality report. */
#include "diag.h"
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
	CHECK(strstr(one, "{\"description\": \"whole-build problem\", \"check_name\": \"aftermath\", \"fingerprint\": \"") != NULL);
	CHECK(strstr(one, "\"severity\": \"major\", \"location\": {\"path\": \".\", \"lines\": {\"begin\": 1}}}") != NULL);
	CHECK(strstr(one, "{\"description\": \"\\\"who\\\" \\\\ looks for a person\", \"check_name\": \"blame-language\"") != NULL);
	CHECK(strstr(one, "\"severity\": \"minor\", \"location\": {\"path\": \"postmortems/a.md\", \"lines\": {\"begin\": 5}}}") != NULL);
	/* the same findings give the same fingerprints; another line, another */
	diag_add(DIAG_WARNING, &a, "blame-language", "\"who\" \\ looks for a person");
	error(&none, "whole-build problem");
	char *again = flushed(DIAG_GITLAB);
	CHECK_STR(again, one);
	a.line = 6;
	diag_add(DIAG_WARNING, &a, "blame-language", "\"who\" \\ looks for a person");
	char *moved = flushed(DIAG_GITLAB);
	const char *f1 = strstr(strstr(one, "blame-language"), "fingerprint"), *f2 = strstr(moved, "fingerprint");
	CHECK(f1 && f2 && strncmp(f1, f2, 50) != 0);
	free(one);
	free(again);
	free(moved);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_summary_counts),
		TEST(test_gitlab_report),
	};
	return harness_run("diag", cases, ARRAY_SIZE(cases));
}
