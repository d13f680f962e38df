/* Unit tests for calendar.c: RFC 5545 TEXT escaping and line folding at 75 octets. */
#include "emit/calendar.h"
#include "harness.h"

#include <stdlib.h>

static char *text(const char *s)
{
	struct buf b = BUF_INIT;
	ical_text(&b, s);
	return buf_detach(&b, NULL);
}

static char *line(const char *s)
{
	struct buf b = BUF_INIT;
	ical_line(&b, s, strlen(s));
	return buf_detach(&b, NULL);
}

static void test_escaping(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"plain", "plain"},
		{"a,b;c\\d", "a\\,b\\;c\\\\d"},
		{"one\r\ntwo\nthree\rfour", "one\\ntwo\\nthree\\nfour"},
		{"\r\nBEGIN:VEVENT", "\\nBEGIN:VEVENT"},
		{"tab\there", "tab\there"},
		{"bell\a esc\x1b del\x7f", "bell esc del"},
		{"é,漢", "é\\,漢"},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *got = text(cases[i].in);
		CHECK_STR(got, cases[i].want);
		free(got);
	}
}

static void test_folding(void)
{
	char s75[76], s76[77];
	memset(s75, 'a', 75);
	s75[75] = '\0';
	memset(s76, 'a', 76);
	s76[76] = '\0';
	char *got = line(s75);
	CHECK(strlen(got) == 77 && !strcmp(got + 75, "\r\n")); /* 75 octets: not folded */
	free(got);
	got = line(s76);
	/* the 76th goes on a continuation line */
	CHECK(strlen(got) == 81 && !memcmp(got + 75, "\r\n a\r\n", 6));
	free(got);
	/* 74 ASCII then "é" (2 octets): the é moves whole to the next line. */
	char mixed[80];
	memset(mixed, 'b', 74);
	strcpy(mixed + 74, "é");
	got = line(mixed);
	CHECK(!memcmp(got + 74, "\r\n é\r\n", 7));
	free(got);
	/* Every physical line of a long multibyte line has at most 75 octets. */
	struct buf in = BUF_INIT;
	for (int i = 0; i < 100; i++)
		buf_adds(&in, "漢é");
	got = line(buf_cstr(&in));
	size_t run = 0, longest = 0;
	for (const char *p = got; *p; p++) {
		if (*p == '\r') {
			longest = run > longest ? run : longest;
			run = 0;
			p++;
			continue;
		}
		run++;
	}
	CHECK(longest <= 75 && longest >= 73);
	buf_release(&in);
	free(got);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_escaping),
		TEST(test_folding),
	};
	return harness_run("calendar", cases, ARRAY_SIZE(cases));
}
