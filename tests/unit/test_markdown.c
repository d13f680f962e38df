/* Unit tests for markdown.c: HTML, ids, safety, wiki-links, body action items. */
#include "harness.h"
#include "markdown.h"

#include <stdlib.h>

static struct postmortem parse(const char *body, struct md_opts opts)
{
	struct postmortem pm = {0};
	pm.path = xstrdup("pm.md");
	pm.body = xstrdup(body);
	pm.body_line = 10;
	markdown_parse(&pm, &opts);
	return pm;
}

static bool contains(const char *s, const char *needle)
{
	return s && strstr(s, needle) != NULL;
}

static const char *first_diag(void)
{
	size_t n;
	const struct diag *d = diag_list(&n);
	return n ? d[0].msg : "";
}

static void test_headings_ids_and_toc(void)
{
	struct postmortem pm = parse("## Root cause\n\ntext\n\n### Root cause\n\n## What went *well*\n", (struct md_opts){0});
	CHECK(contains(pm.html, "<h2 id=\"root-cause\">Root cause</h2>"));
	CHECK(contains(pm.html, "<h3 id=\"root-cause-2\">Root cause</h3>"));
	CHECK(contains(pm.html, "<h2 id=\"what-went-well\">What went <em>well</em></h2>"));
	CHECK_INT(pm.ntoc, 3);
	CHECK_STR(pm.toc[2].text, "What went well");
	CHECK_INT(pm.toc[1].level, 3);
	pm_release(&pm);
}

static void test_gfm_extensions(void)
{
	struct postmortem pm = parse("| a | b |\n|---|---|\n| 1 | 2 |\n\n~~old~~ https://example.com\n\n- [x] done\n\nNote[^1]\n\n[^1]: the note\n",
				     (struct md_opts){0});
	CHECK(contains(pm.html, "<table>"));
	CHECK(contains(pm.html, "<del>old</del>"));
	CHECK(contains(pm.html, "<a href=\"https://example.com\">https://example.com</a>"));
	CHECK(contains(pm.html, "type=\"checkbox\""));
	CHECK(contains(pm.html, "footnote"));
	pm_release(&pm);
}

static void test_raw_html_filtered_unless_allowed(void)
{
	struct postmortem pm = parse("<script>alert(1)</script>\n\nhi <b>there</b>\n", (struct md_opts){0});
	CHECK(!contains(pm.html, "<script"));
	CHECK(!contains(pm.html, "<b>"));
	CHECK(contains(pm.html, "hi there"));
	pm_release(&pm);
	pm = parse("hi <b>there</b>\n\n<script>x</script>\n", (struct md_opts){.allow_html = true});
	CHECK(contains(pm.html, "<b>there</b>"));
	CHECK(!contains(pm.html, "<script>")); /* tagfilter still applies */
	pm_release(&pm);
}

static void test_dangerous_links_dropped(void)
{
	static const char *const bad[] = {"javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x",
					  "vbscript:x", "java%0ascript:x"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		char *md = xstrfmt("[click](%s) and ![img](%s)\n", bad[i], bad[i]);
		struct postmortem pm = parse(md, (struct md_opts){0});
		bool has_scheme = contains(pm.html, "href=\"javascript") || contains(pm.html, "href=\"JaVa") ||
				  contains(pm.html, "data:") || contains(pm.html, "vbscript");
		CHECK(!has_scheme);
		CHECK(contains(pm.html, "click"));
		free(md);
		pm_release(&pm);
	}
	struct postmortem ok = parse("[a](https://x.example/) [b](mailto:a@b.c) [c](../other/) [d](#top)\n", (struct md_opts){0});
	CHECK(contains(ok.html, "href=\"https://x.example/\""));
	CHECK(contains(ok.html, "href=\"mailto:a@b.c\""));
	CHECK(contains(ok.html, "href=\"../other/\""));
	CHECK(contains(ok.html, "href=\"#top\""));
	pm_release(&ok);
}

static bool resolver(void *ctx, const char *id, const char **url, const char **title)
{
	(void)ctx;
	if (strcmp(id, "PM-1"))
		return false;
	*url = "../pm-1/";
	*title = "Pool <script> & co";
	return true;
}

static void test_wikilinks(void)
{
	struct postmortem pm = parse("See [[PM-1]] and [[PM-404]].\n\n`[[PM-1]]` in code\n\n    [[PM-1]] block\n",
				     (struct md_opts){0});
	CHECK_INT(pm.nwikilinks, 2);
	CHECK_STR(pm.wikilinks[0].id, "PM-1");
	CHECK_INT(pm.wikilinks[0].loc.line, 10);
	CHECK_INT(pm.wikilinks[0].loc.col, 5);
	struct buf out = BUF_INIT;
	link_resolve(&out, pm.html, resolver, NULL);
	CHECK(contains(buf_cstr(&out), "<a class=\"wikilink\" href=\"../pm-1/\">Pool &lt;script&gt; &amp; co</a>"));
	CHECK(contains(buf_cstr(&out), "[[PM-404]]"));
	CHECK(contains(buf_cstr(&out), "<code>[[PM-1]]</code>"));
	buf_release(&out);
	pm_release(&pm);
}

static void test_internal_blocks(void)
{
	const char *md = "public\n\n<!-- internal -->\nsecret host\n<!-- /internal -->\n\nmore\n";
	struct postmortem pm = parse(md, (struct md_opts){.strip_internal = true});
	CHECK(!contains(pm.html, "secret"));
	CHECK(!contains(pm.text, "secret"));
	CHECK(contains(pm.html, "more"));
	pm_release(&pm);
	pm = parse(md, (struct md_opts){0});
	CHECK(contains(pm.html, "secret host"));
	pm_release(&pm);
	diag_clear();
	pm = parse("a\n<!-- internal -->\nb\n", (struct md_opts){.strip_internal = true});
	CHECK_STR(first_diag(), "internal block opened here is never closed (expected <!-- /internal -->)");
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n ? d[0].line : 0, 11);
	diag_clear();
	pm_release(&pm);
}

static void test_body_action_items(void)
{
	struct postmortem pm = parse("## Summary\n\nx\n\n### ACTION ITEMS\n\n"
				     "- [x] Add an alert (owner: Lee Park, due: 2025-02-01, priority: must, ticket: OPS-1)\n"
				     "- [ ] Write the runbook\n"
				     "- [ ] Tune it (owner: Ana, status: in-progress)\n\n## After\n\n- [ ] not an item\n",
				     (struct md_opts){0});
	CHECK(pm.actions_from_body);
	CHECK_INT(pm.nactions, 3);
	CHECK_STR(pm.actions[0].title, "Add an alert");
	CHECK_STR(pm.actions[0].owner, "Lee Park");
	CHECK_INT(pm.actions[0].status, AI_DONE);
	CHECK_INT(pm.actions[0].priority, PRI_MUST);
	CHECK_STR(pm.actions[0].ticket, "OPS-1");
	CHECK(pm.actions[0].due.set);
	CHECK_INT(pm.actions[0].loc.line, 16);
	CHECK_STR(pm.actions[1].title, "Write the runbook");
	CHECK_INT(pm.actions[1].status, AI_OPEN);
	CHECK_INT(pm.actions[2].status, AI_IN_PROGRESS);
	pm_release(&pm);
	diag_clear();
	pm = parse("## Action items\n\n- [ ] X (owner: A, priority: urgent)\n", (struct md_opts){0});
	CHECK_STR(first_diag(), "unknown priority \"urgent\" in action item (expected must, should, nice)");
	diag_clear();
	pm_release(&pm);
}

static void test_plain_text(void)
{
	struct postmortem pm = parse("# Title\n\nSome *emphasis* and `code`.\n\n```\nkubectl get pods\n```\n", (struct md_opts){0});
	CHECK(contains(pm.text, "Some emphasis and code."));
	CHECK(contains(pm.text, "kubectl get pods"));
	CHECK(!contains(pm.text, "*"));
	pm_release(&pm);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_headings_ids_and_toc), TEST(test_gfm_extensions), TEST(test_raw_html_filtered_unless_allowed),
		TEST(test_dangerous_links_dropped), TEST(test_wikilinks), TEST(test_internal_blocks),
		TEST(test_body_action_items), TEST(test_plain_text),
	};
	return harness_run("markdown", cases, ARRAY_SIZE(cases));
}
