/*
 * Unit tests for feeds.c: the Atom feed's text as XML 1.0 allows it.  Every
 * byte a title or summary can hold is written escaped (& < > " '), kept
 * (tab, newline, carriage return, everything from space up, UTF-8), or
 * dropped (the other C0 controls, U+FFFE and U+FFFF, which no XML parser
 * accepts), and nothing else around it changes.
 */
#include "emit/feeds.h"
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>

/* A corpus of one postmortem whose summary is `summary`. */
static void one_pm(struct corpus *c, const char *summary)
{
	memset(c, 0, sizeof(*c));
	site_init(&c->site);
	c->pms = xcalloc(1, sizeof(*c->pms));
	c->npms = 1;
	struct postmortem *pm = &c->pms[0];
	pm->id = xstrdup("PM-1");
	pm->slug = xstrdup("pm-1");
	pm->title = xstrdup("T");
	pm->date = (struct when){.set = true, .epoch = 86400};
	pm->summary = xstrdup(summary);
}

/* The text of the feed's <summary> element, or "(none)". */
static char *summary_of(const char *summary)
{
	struct corpus c;
	one_pm(&c, summary);
	struct buf b = BUF_INIT;
	feeds_atom(&b, &c, "https://kb.example/");
	const char *s = strstr(buf_cstr(&b), "<summary>"),
		   *e = s ? strstr(s, "</summary>\n</entry>") : NULL;
	char *out = s && e ? xstrndup(s + 9, (size_t)(e - s - 9)) : xstrdup("(none)");
	buf_release(&b);
	corpus_release(&c);
	return out;
}

/* Bug class: a control character left in the feed (a reader rejects the whole feed) or a kept one dropped. */
static void test_every_control_character(void)
{
	int bad = 0;
	for (int c = 1; c < 0x80; c++) {
		char in[4] = {'a', (char)c, 'b', '\0'}, want[16];
		if (c == '&')
			strcpy(want, "a&amp;b");
		else if (c == '<')
			strcpy(want, "a&lt;b");
		else if (c == '>')
			strcpy(want, "a&gt;b");
		else if (c == '"')
			strcpy(want, "a&quot;b");
		else if (c == '\'')
			strcpy(want, "a&#39;b");
		else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			strcpy(want, "ab");
		else
			strcpy(want, in);
		char *got = summary_of(in);
		if (strcmp(got, want) != 0 && bad++ < 5) {
			fprintf(stderr, "byte 0x%02x:\n", c);
			CHECK_STR(got, want);
		}
		free(got);
	}
	CHECK_INT(bad, 0);
}

/* Bug class: the noncharacters U+FFFE and U+FFFF kept, or their neighbours dropped. */
static void test_noncharacters(void)
{
	char *got = summary_of("a\xef\xbf\xbe"
			       "b\xef\xbf\xbf"
			       "c");
	CHECK_STR(got, "abc");
	free(got);
	/* U+FFFD, U+FFBE, U+EFBE, U+FEFF and text right after a dropped one stay */
	got = summary_of(
		"\xef\xbf\xbd\xef\xbe\xbe\xee\xbe\xbe\xef\xbb\xbf\x01<\x02\x03x\xef\xbf\xbe\xef\xbf\xbf");
	CHECK_STR(got, "\xef\xbf\xbd\xef\xbe\xbe\xee\xbe\xbe\xef\xbb\xbf&lt;x");
	free(got);
	got = summary_of("\x1f\x1f\x1f");
	CHECK_STR(got, "");
	free(got);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_every_control_character),
		TEST(test_noncharacters),
	};
	return harness_run("feeds", cases, ARRAY_SIZE(cases));
}
