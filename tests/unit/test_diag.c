/* Unit tests for diag.c: what reaches the terminal. */
#include "diag.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

/* The diagnostics so far, flushed in fmt (allocated). */
static char *flushed(enum diag_format fmt)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	diag_flush(f, fmt);
	fclose(f);
	return text;
}

static bool has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && *p != '\n') || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0))
			return true;
	return false;
}

static void test_controls_shown_escaped(void)
{
	struct loc loc = {"pm\x1b[2J.md", 3, 4};
	error(&loc, "unknown severity \"%s\"", "SEV\x1b[31m9\x07");
	warning(&loc, "title \"%s\"", "a\nb.md:1:1: error: forged\r\t\x7f\xc2\x9b" "2J\xff");
	for (int fmt = DIAG_TEXT; fmt <= DIAG_GITHUB; fmt++) {
		error(&loc, "id \"%s\"", "PM-\x1b]0;title\x07");
		char *out = flushed((enum diag_format)fmt);
		CHECK(!has_control(out));
		/* JSON escapes the backslash once more */
		CHECK(strstr(out, fmt == DIAG_JSON ? "PM-\\\\x1b]0;title\\\\x07" : "PM-\\x1b]0;title\\x07") != NULL);
		free(out);
	}
}

static void test_text_format(void)
{
	struct loc loc = {"pm.md", 3, 4};
	error(&loc, "unknown severity \"%s\"", "SEV\x1b[31m9");
	warning(&loc, "title \"%s\"", "a\nb.md:1:1: error: forged\r\t\x7f\xc2\x9b" "2J\xff é");
	char *out = flushed(DIAG_TEXT);
	CHECK_STR(out, "pm.md:3:4: error: unknown severity \"SEV\\x1b[31m9\"\n"
		       "pm.md:3:4: warning: title \"a\\nb.md:1:1: error: forged\\r\\t\\x7f\\u009b2J\\xff é\"\n");
	free(out);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_controls_shown_escaped),
		TEST(test_text_format),
	};
	return harness_run("diag", cases, ARRAY_SIZE(cases));
}
