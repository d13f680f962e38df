/*
 * Unit tests for mdscreen.c: each case is a body, the limits it is checked
 * against (small ones, so that bodies stay short) and the diagnostic it must
 * produce ("" for none).  Bodies are built from "PIECE*N" repeats.
 */
#include "base/diag.h"
#include "harness.h"
#include "model/mdscreen.h"

#include <stdlib.h>

#define SMALL                           \
	{                               \
		1 << 20, 4, 6, 40, 3, 2 \
	}

struct screen_case {
	const char *name;
	const char *body;
	const char *diag;
};

/* The body of a case: "{PIECE*N}" is PIECE repeated N times; the rest is as written. */
static char *expand(const char *s)
{
	struct buf b = BUF_INIT;
	while (*s) {
		const char *open = strchr(s, '{');
		if (!open) {
			buf_adds(&b, s);
			break;
		}
		buf_add(&b, s, (size_t)(open - s));
		const char *star = strchr(open, '*'), *close = strchr(open, '}');
		long n = strtol(star + 1, NULL, 10);
		for (long i = 0; i < n; i++)
			buf_add(&b, open + 1, (size_t)(star - open - 1));
		s = close + 1;
	}
	return buf_detach(&b, NULL);
}

static const struct screen_case cases[] = {
	{"plain prose",
	 "# Title\n\nSome *text* with [a link](https://x.com) and ![an image](a.png).\n", ""},
	{"nesting at the limit", "> > - - text\n", ""},
	{"nesting over the limit", "> > - - > text\n",
	 "pm.md:1:11: error: block quotes and lists nested 5 deep (expected at most 4: markdown.max_nesting)"},
	{"nesting by indentation", "- a\n  - b\n    - c\n      - d\n        - e\n",
	 "pm.md:5:11: error: block quotes and lists nested 5 deep (expected at most 4: markdown.max_nesting)"},
	{"nesting behind a tab", "\t\t> text\n",
	 "pm.md:1:5: error: block quotes and lists nested 5 deep (expected at most 4: markdown.max_nesting)"},
	{"nesting with ordered items", "1. 2) 3. 4) 5. x\n",
	 "pm.md:1:16: error: block quotes and lists nested 5 deep (expected at most 4: markdown.max_nesting)"},
	{"nesting after a lone CR", "x\r> > > > > y\n",
	 "pm.md:1:13: error: block quotes and lists nested 5 deep (expected at most 4: markdown.max_nesting)"},
	{"a thematic break is not deep", "- - -\n\n* * *\n", ""},
	{"footnote definitions nest", "[^a]: [^b]: > [^c]: - [^d]: [^e]: x\n",
	 "pm.md:1:35: error: block quotes and lists nested 7 deep (expected at most 4: markdown.max_nesting)"},
	{"a vertical tab is not a blank line to cmark-gfm", "|a|\n|-|\n\v\n{x|*8}\n",
	 "pm.md:4:1: error: table row has 8 cells (expected at most 6: markdown.max_table_columns)"},
	{"nor between images", "![[]()![[]()\n\f\n![[]()![[]()\n",
	 "pm.md:3:7: error: more than 3 images (\"![\") in one paragraph (expected at most 3: markdown.max_images)"},
	{"table at the limit", "|a|b|c|d|e|f|\n|-|-|-|-|-|-|\n|1|2|3|4|5|6|\n", ""},
	{"table with too many columns", "a|b|c|d|e|f|g\n-|-|-|-|-|-|-\n",
	 "pm.md:2:1: error: table has 7 columns (expected at most 6: markdown.max_table_columns)"},
	{"table header too wide", "|{a|*9}\n|-|\n",
	 "pm.md:1:1: error: table header has 9 cells (expected at most 6: markdown.max_table_columns)"},
	{"table row too wide", "|a|\n|-|\n|1|\n{x|*8}\n",
	 "pm.md:4:1: error: table row has 8 cells (expected at most 6: markdown.max_table_columns)"},
	{"table in a block quote", "> |a|\n> |-|\n> {x|*8}\n",
	 "pm.md:3:3: error: table row has 8 cells (expected at most 6: markdown.max_table_columns)"},
	{"short rows count as full ones", "|a|b|c|d|e|\n|-|-|-|-|-|\n{|\n*9}",
	 "pm.md:10:1: error: tables have more than 40 cells in this file, counting the cells cmark-gfm adds to short rows (expected at most 40: markdown.max_table_cells)"},
	{"cells of all the tables add up", "{|a|b|c|d|\n|-|-|-|-|\n|1|2|3|4|\n\n*6}",
	 "pm.md:22:1: error: tables have more than 40 cells in this file, counting the cells cmark-gfm adds to short rows (expected at most 40: markdown.max_table_cells)"},
	{"pipes outside tables are text", "{a|*50}\n", ""},
	{"delimiter row without pipes", "a\n-\v\nb{|*9}\n",
	 "pm.md:3:1: error: table row has 9 cells (expected at most 6: markdown.max_table_columns)"},
	{"images at the limit", "![a](b) ![c](d) ![e](f)\n\n![a](b) ![c](d) ![e](f)\n", ""},
	{"images over the limit", "![[]()![[]()\n![[]()![[]()\n",
	 "pm.md:2:7: error: more than 3 images (\"![\") in one paragraph (expected at most 3: markdown.max_images)"},
	{"a blank line ends the paragraph", "![[]()![[]()\n \t\n![[]()![[]()\n", ""},
	{"autolinks in separate words", "www.a.com www.b.com a@b.c https://x.y\n", ""},
	{"www in one word", "www.a_www.b_www.c_\n",
	 "pm.md:1:13: error: more than 2 autolinks (\"www.\", \"://\", \"@\", \"&#\") in one word (expected at most 2: markdown.max_autolinks)"},
	{"emails in one word", "x\na@a.a@a.www.a\n",
	 "pm.md:2:9: error: more than 2 autolinks (\"www.\", \"://\", \"@\", \"&#\") in one word (expected at most 2: markdown.max_autolinks)"},
	{"cmark-gfm takes \"www.\" in lower case only", "WWW.a_WWW.b_Www.c_\n", ""},
	{"entities in one word", "a&#64;b&commat;c://d\n",
	 "pm.md:1:17: error: more than 2 autolinks (\"www.\", \"://\", \"@\", \"&#\") in one word (expected at most 2: markdown.max_autolinks)"},
};

static void test_cases(void)
{
	static const struct md_limits small = SMALL;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *body = expand(cases[i].body);
		int ret = md_screen(body, strlen(body), &small, "pm.md", 0);
		size_t n;
		const struct diag *d = diag_list(&n);
		struct buf got = BUF_INIT;
		if (n)
			buf_addf(&got, "%s:%d:%d: error: %s", d[0].file, d[0].line, d[0].col,
				 d[0].msg);
		if (strcmp(buf_cstr(&got), cases[i].diag))
			fprintf(stderr, "case \"%s\":\n", cases[i].name);
		CHECK_STR(buf_cstr(&got), cases[i].diag);
		CHECK_INT(ret, *cases[i].diag ? -1 : 0);
		buf_release(&got);
		diag_clear();
		free(body);
	}
}

/* A body longer than max_size is refused before it is read. */
static void test_size(void)
{
	struct md_limits small = md_limits_default;
	small.max_size = 10;
	CHECK_INT(md_screen("0123456789", 10, &small, "pm.md", 4), 0);
	CHECK_INT(md_screen("0123456789a", 11, &small, "pm.md", 4), -1);
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n, 1);
	CHECK_STR(n ? d[0].msg : "",
		  "Markdown body too large (11 bytes; expected at most 10: markdown.max_size)");
	CHECK_INT(n ? d[0].line : 0, 5);
	diag_clear();
}

/* The body starts at line line0 + 1 of its file. */
static void test_line_offset(void)
{
	static const struct md_limits small = SMALL;
	const char *body = "text\n\n> > > > > deep\n";
	CHECK_INT(md_screen(body, strlen(body), &small, "pm.md", 9), -1);
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n, 1);
	CHECK_INT(n ? d[0].line : 0, 12);
	diag_clear();
}

/* The defaults let through what a long postmortem writes. */
static void test_defaults_allow_prose(void)
{
	char *body = expand(
		"{## Section\n\nA paragraph with **bold**, _emphasis_, `code`, a [link](https://example.com/a?b=c&d=e) "
		"and user@example.com, www.example.com.\n\n- a\n  - b\n    - c\n\n"
		"| a | b | c |\n|---|:-:|--:|\n| 1 | 2 | 3 |\n\n```\n[[1,2],[3,4]] | x | y |\n```\n\n"
		"![one](1.png) ![two](2.png)\n\n> quote\n> > nested\n\n*200}");
	CHECK_INT(md_screen(body, strlen(body), &md_limits_default, "pm.md", 0), 0);
	CHECK_INT(diag_count(DIAG_ERROR), 0);
	diag_clear();
	free(body);
}

int main(void)
{
	static const struct harness_case tests[] = {
		TEST(test_cases),
		TEST(test_line_offset),
		TEST(test_size),
		TEST(test_defaults_allow_prose),
	};
	return harness_run("mdscreen", tests, ARRAY_SIZE(tests));
}
