/* Unit tests for sanitize.c: raw HTML through gumbo and the allow-list. */
#include "harness.h"
#include "load/sanitize.h"

#include <stdlib.h>

/* html sanitized must be want, with `warnings` warnings. */
static void check(const char *html, const char *want, size_t warnings)
{
	struct loc loc = {"pm.md", 1, 1};
	char *got = html_sanitize(html, strlen(html), &loc, '\x1a');
	CHECK_STR(got, want);
	if (diag_count(DIAG_WARNING) != warnings)
		fprintf(stderr, "for %s:\n", html);
	CHECK_INT(diag_count(DIAG_WARNING), warnings);
	diag_clear();
	free(got);
}

/* What cmark-gfm writes comes back byte for byte. */
static void test_markdown_html_unchanged(void)
{
	static const char *const same[] = {
		"<p>a <em>b</em> &amp; &lt;c&gt; &quot;d&quot; 'e'</p>\n",
		"<h2 id=\"x\">T</h2>\n<pre lang=\"c\"><code class=\"language-c\">a &lt; b\n</code></pre>\n",
		"<table>\n<thead>\n<tr>\n<th align=\"center\">a</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td align=\"center\">1</td>\n</tr>\n</tbody>\n</table>\n",
		"<ul>\n<li><input type=\"checkbox\" checked=\"\" disabled=\"\" /> done</li>\n</ul>\n",
		"<p>x<sup class=\"footnote-ref\"><a href=\"#fn-1\" id=\"fnref-1\" data-footnote-ref>1</a></sup></p>\n"
		"<section class=\"footnotes\" data-footnotes>\n<ol>\n<li id=\"fn-1\">\n<p>n <a href=\"#fnref-1\" "
		"class=\"footnote-backref\" data-footnote-backref data-footnote-backref-idx=\"1\" aria-label=\"Back to "
		"reference 1\">↩</a></p>\n</li>\n</ol>\n</section>\n",
		"<p><img src=\"/i.png\" alt=\"i\" /> <a href=\"https://x.example/\" title=\"t\">l</a><br />\n<a "
		"href=\"mailto:a@b.c\">m</a></p>\n<hr />\n",
		"<blockquote>\n<p><del>x</del> <kbd>k</kbd></p>\n</blockquote>\n<details open><summary>s</summary>d</details>\n",
	};
	for (size_t i = 0; i < ARRAY_SIZE(same); i++)
		check(same[i], same[i], 0);
}

static void test_event_handlers_and_styles_dropped(void)
{
	check("<p><b onclick=\"x()\">b</b></p>", "<p><b>b</b></p>", 1);
	check("<img src=x onerror=alert(1)>", "<img src=\"x\" />", 1);
	check("<div style=\"position:fixed\" ONMOUSEOVER=x>d</div>", "<div>d</div>", 2);
	check("<a href=\"/x\" target=_blank formaction=y>a</a>", "<a href=\"/x\">a</a>", 2);
}

static void test_urls_checked(void)
{
	check("<a href=\"javascript:alert(1)\">a</a>", "<a>a</a>", 1);
	check("<a href=\" JaVa&#x09;script:alert(1)\">a</a>", "<a>a</a>", 1);
	check("<a href=\"&#106;avascript:alert(1)\">a</a>", "<a>a</a>", 1);
	check("<img src=\"data:image/svg+xml,<svg onload=alert(1)>\">", "<img />", 1);
	check("<blockquote cite=\"vbscript:x\">q</blockquote>", "<blockquote>q</blockquote>", 1);
	check("<a href=\"https://ok.example/?a=1&amp;b=2\">a</a>",
	      "<a href=\"https://ok.example/?a=1&amp;b=2\">a</a>", 0);
}

static void test_dangerous_elements_dropped(void)
{
	check("<script>alert(1)</script>t", "t", 1);
	check("<object data=x.swf><embed src=x></object>t", "t", 1);
	check("<base href=\"https://evil.example/\">t", "t", 1);
	check("<meta http-equiv=refresh content=\"0;url=https://evil.example/\">t", "t", 1);
	check("<svg><script>alert(1)</script></svg><math><mi>x</mi></math>t", "t", 2);
	check("<iframe srcdoc=\"&lt;script&gt;alert(1)&lt;/script&gt;\"></iframe>t", "t", 1);
	check("<style>body{display:none}</style>t", "t", 1);
	check("<template><img src=x onerror=alert(1)></template>t", "t", 1);
	check("<input type=password name=p>t", "t", 1);
}

static void test_unwrapped_elements_keep_text(void)
{
	check("<form action=\"https://evil.example/\"><button formaction=x>go</button></form>",
	      "go", 2);
	check("<font color=red>red</font> <center>c</center>", "red c", 2);
	check("<x-widget onclick=y>w</x-widget>", "w", 1);
}

static void test_comments_dropped_and_markup_balanced(void)
{
	check("a<!-- c --><!--><script>alert(1)</script>-->b", "a--&gt;b", 1);
	check("<b><i>x</b>y", "<b><i>x</i></b><i>y</i>", 0);
	check("<p>a<p>b", "<p>a</p><p>b</p>", 0);
	check("x</p>", "x<p></p>", 0);
}

/* The wiki-link mark (a control byte gumbo would replace) comes back, in text only. */
static void test_kept_byte(void)
{
	check("<p>see \x1aPM-1\x1a and \x1aO&#39;Brien\x1a</p>",
	      "<p>see \x1aPM-1\x1a and \x1aO'Brien\x1a</p>", 0);
	/* the first stand-in is taken */
	check("<p>\xee\x80\x80 \x1aPM-1\x1a</p>", "<p>\xee\x80\x80 \x1aPM-1\x1a</p>", 0);
}

/* Nesting a browser would build a million deep: no recursion to overflow. */
static void test_deep_nesting(void)
{
	size_t n = 5000;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_adds(&b, "<div>");
	buf_adds(&b, "x");
	char *got = html_sanitize(b.ptr, b.len, NULL, '\x1a');
	CHECK(strstr(got, "x</div>") != NULL);
	free(got);
	diag_clear();
	buf_release(&b);
}

/* Without a place to report, nothing is reported; the output is the same. */
static void test_silent(void)
{
	char *got = html_sanitize("<b onclick=x>b</b><script>y</script>", 36, NULL, '\x1a');
	CHECK_STR(got, "<b>b</b>");
	CHECK_INT(diag_count(DIAG_WARNING), 0);
	free(got);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_markdown_html_unchanged),
		TEST(test_event_handlers_and_styles_dropped),
		TEST(test_urls_checked),
		TEST(test_dangerous_elements_dropped),
		TEST(test_unwrapped_elements_keep_text),
		TEST(test_comments_dropped_and_markup_balanced),
		TEST(test_kept_byte),
		TEST(test_deep_nesting),
		TEST(test_silent),
	};
	return harness_run("sanitize", cases, ARRAY_SIZE(cases));
}
