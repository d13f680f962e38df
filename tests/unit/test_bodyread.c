/* Unit tests for bodyread: dates and durations as people write them, labels, sections, tables. */
#include "harness.h"
#include "load/bodyread.h"

#include <stdlib.h>

static void test_loose_date(void)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"2021-06-22", "2021-06-22"},
		{"2021/06/22", "2021-06-22"},
		{"2021-06-22 08:21", "2021-06-22T08:21:00Z"},
		{"2021-06-22 08:21:05 UTC", "2021-06-22T08:21:05Z"},
		{"2021-06-22T08:21:00+02:00", "2021-06-22T08:21:00+02:00"},
		{"June 22, 2021", "2021-06-22"},
		{"Jun 22 2021", "2021-06-22"},
		{"22 June 2021", "2021-06-22"},
		{"Sept 3rd, 2021", "2021-09-03"},
		{"2015-10-21 (all times UTC)", "2015-10-21"},
	};
	char out[40];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		out[0] = '\0';
		CHECK(loose_date(cases[i].in, out) > 0);
		CHECK_STR(out, cases[i].want);
	}
	static const char *const bad[] = {
		"",	     "next week",   "2021-13-01", "2021-02-30", "12345-01-01",
		"June 2021", "99 Foo 2021", "2021-06-22x"};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		CHECK_INT(loose_date(bad[i], out), 0);
}

static void test_loose_duration(void)
{
	CHECK_INT(loose_duration("8 minutes"), 480);
	CHECK_INT(loose_duration("2 hours"), 7200);
	CHECK_INT(loose_duration("1h 30m"), 5400);
	CHECK_INT(loose_duration("1 hour and 30 minutes"), 5400);
	CHECK_INT(loose_duration("90 min"), 5400);
	CHECK_INT(loose_duration("1.5 hours"), 5400);
	CHECK_INT(loose_duration("2 days"), 172800);
	CHECK_INT(loose_duration("00:25"), 1500);
	CHECK_INT(loose_duration("~25 min (estimated)"), 1500);
	CHECK_INT(loose_duration("soon"), -1);
	CHECK_INT(loose_duration(""), -1);
	CHECK_INT(loose_duration("5 parsecs"), -1);
	CHECK_INT(loose_duration("-3 hours"), -1);
}

static struct arena *scan(struct body_info *bi, const char *body, bool only_actions)
{
	struct arena *a = arena_new(1024);
	memset(bi, 0, sizeof(*bi));
	bodyread_scan(bi, a, "t.md", body, 10, only_actions);
	return a;
}

static const char *item(const struct body_info *bi, size_t i, const char *key)
{
	const struct ynode *v = ynode_get(bi->actions->items[i], key);
	return v ? v->scalar : "(none)";
}

static void test_labels(void)
{
	struct body_info bi;
	struct arena *a = scan(&bi,
			       "# Title here\n"
			       "Date: 2021-06-22\n"
			       "**Authors:** a, b\n"
			       "**Status**: Complete\n"
			       "- Owner: Dana\n"
			       "See https://example.com for more\n"
			       "```\nSeverity: SEV1\n```\n"
			       "## Stats\n"
			       "Plain: not a label after the first H2\n"
			       "- Category: Kubernetes\n"
			       "- category: second one loses\n",
			       false);
	CHECK_STR(bi.h1->scalar, "Title here");
	CHECK_INT(bi.h1->loc.line, 10);
	CHECK_STR(bodyread_label(&bi, "DATE")->scalar, "2021-06-22");
	CHECK_INT(bodyread_label(&bi, "date")->loc.line, 11);
	CHECK_INT(bodyread_label(&bi, "date")->loc.col, 7);
	CHECK_STR(bodyread_label(&bi, "authors")->scalar, "a, b");
	CHECK_STR(bodyread_label(&bi, "status")->scalar, "Complete");
	CHECK_STR(bodyread_label(&bi, "owner")->scalar, "Dana");
	CHECK(bodyread_label(&bi, "see https") == NULL);
	CHECK(bodyread_label(&bi, "severity") == NULL); /* in fenced code */
	CHECK(bodyread_label(&bi, "plain") == NULL);
	CHECK_STR(bodyread_label(&bi, "category")->scalar, "Kubernetes");
	body_info_release(&bi);
	arena_free(a);
}

static void test_action_table(void)
{
	struct body_info bi;
	struct arena *a = scan(
		&bi,
		"## Action items\n"
		"\n"
		"| # | Task | Assignee | Due date | Priority | Ticket | Type |\n"
		"|:-:|------|----------|---------:|----------|--------|------|\n"
		"| 1 | **Add alert** | Lee | 2024-02-20 | P0 | [OPS-1](https://t/1) | prevent |\n"
		"| 2 | Write runbook | - | TBD | | | |\n"
		"| 3 |  | Ghost | | | | |\n"
		"| 4 | Pipe \\| inside | n/a | soon | urgent | | |\n"
		"\n"
		"## Next\n"
		"| Action | Owner |\n|---|---|\n| not read | x |\n",
		true);
	CHECK_INT(bi.action_loc.line, 10);
	CHECK(bi.actions != NULL);
	CHECK_INT(bi.actions->n, 3);
	CHECK_STR(item(&bi, 0, "title"), "Add alert");
	CHECK_STR(item(&bi, 0, "owner"), "Lee");
	CHECK_STR(item(&bi, 0, "due"), "2024-02-20");
	CHECK_STR(item(&bi, 0, "priority"), "P0");
	CHECK_STR(item(&bi, 0, "ticket"), "OPS-1");
	CHECK_STR(item(&bi, 1, "owner"), "(none)");
	CHECK_STR(item(&bi, 1, "due"), "(none)");
	CHECK_STR(item(&bi, 2, "title"), "Pipe \\| inside");
	CHECK_STR(item(&bi, 2, "due"), "(none)");      /* "soon": a warning */
	CHECK_STR(item(&bi, 2, "priority"), "(none)"); /* "urgent": a warning */
	CHECK_INT(ynode_get(bi.actions->items[0], "owner")->loc.line, 14);
	CHECK_INT(ynode_get(bi.actions->items[0], "owner")->loc.col, 23);
	body_info_release(&bi);
	arena_free(a);
	diag_clear();
}

static void test_action_lists(void)
{
	struct body_info bi;
	/* A bold label section: its task list and plain list are read here. */
	struct arena *a = scan(&bi,
			       "**Action Items:**\n"
			       "- [x] Fix it (owner: Ana, due: 2024-01-02)\n"
			       "- Plain one\n"
			       "  - nested, part of the one above\n"
			       "1. Numbered\n",
			       true);
	CHECK_INT(bi.actions->n, 3);
	CHECK_STR(item(&bi, 0, "title"), "Fix it");
	CHECK_STR(item(&bi, 0, "status"), "done");
	CHECK_STR(item(&bi, 0, "owner"), "Ana");
	CHECK_STR(item(&bi, 0, "due"), "2024-01-02");
	CHECK_STR(item(&bi, 1, "status"), "(none)");
	CHECK_STR(item(&bi, 2, "title"), "Numbered");
	body_info_release(&bi);
	arena_free(a);
	/* A task list under a heading is markdown.c's, with its annotations. */
	a = scan(&bi, "## Action items\n- [ ] Task (owner: X)\n", true);
	CHECK(bi.actions == NULL);
	CHECK(bi.actions_deferred);
	CHECK_INT(bi.action_loc.line, 10);
	body_info_release(&bi);
	arena_free(a);
	/* A section with prose only: found, no items (the caller warns). */
	a = scan(&bi, "## Action Items\n\nTo be filed.\n", true);
	CHECK(bi.actions == NULL);
	CHECK_INT(bi.action_loc.line, 10);
	CHECK(bi.action_text);
	body_info_release(&bi);
	arena_free(a);
	/* An empty section says there are none. */
	a = scan(&bi, "## Action Items\n\n## Next\n\nText.\n", true);
	CHECK(!bi.action_text);
	body_info_release(&bi);
	arena_free(a);
}

static void test_timeline(void)
{
	struct body_info bi;
	struct arena *a = scan(&bi,
			       "## Timeline\n"
			       "2015-10-21 (all times UTC)\n"
			       "- 14:51 News\n"
			       "- 14:54 OUTAGE BEGINS\n"
			       "- 14:55 on-call paged\n"
			       "- 15:23 mitigated by a shift\n"
			       "- 16:00 OUTAGE ENDS\n",
			       false);
	CHECK_STR(bi.timeline[TL_STARTED]->scalar, "2015-10-21T14:54:00Z");
	CHECK_STR(bi.timeline[TL_DETECTED]->scalar, "2015-10-21T14:55:00Z");
	CHECK_STR(bi.timeline[TL_MITIGATED]->scalar, "2015-10-21T15:23:00Z");
	CHECK_STR(bi.timeline[TL_RESOLVED]->scalar, "2015-10-21T16:00:00Z");
	CHECK_INT(bi.timeline[TL_RESOLVED]->loc.line, 16);
	body_info_release(&bi);
	arena_free(a);
	a = scan(
		&bi,
		"## Timeline\n| When | What |\n|--|--|\n| 08:21 | no date: not read |\n| 2021-06-22 08:21 | start |\n",
		false);
	CHECK_STR(bi.timeline[TL_STARTED]->scalar, "2021-06-22T08:21:00Z");
	CHECK(bi.timeline[TL_DETECTED] == NULL);
	body_info_release(&bi);
	arena_free(a);
}

static void test_factors(void)
{
	struct body_info bi;
	struct arena *a =
		scan(&bi,
		     "## Contributing Factors\n"
		     "\n"
		     "- **Config drift**: the ingress configuration was not validated in CI\n"
		     "- __Retry storms.__ Clients retried without backoff\n"
		     "- No canary - changes reached every cluster at once\n"
		     "- Cache size \xe2\x80\x94 changed by hand\n"
		     "- Memory limits\n"
		     "  - set two years ago\n"
		     "- *Missing alert*\n"
		     "- [Load test gap](https://wiki.example/x)\n"
		     "- Nobody noticed the queue growing for an hour\n"
		     "- The rule allowed zero consumers.\n"
		     "- A very long lead in with far too many words: then the rest\n"
		     "- **A bold sentence that goes on and on and on**: text\n"
		     "\n"
		     "## Next\n"
		     "- Not a factor\n",
		     false);
	static const char *const want[] = {"Config drift", "Retry storms",  "No canary",
					   "Cache size",   "Memory limits", "Missing alert",
					   "Load test gap"};
	CHECK(bi.factors != NULL);
	CHECK_INT(bi.factors->n, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want) && i < bi.factors->n; i++)
		CHECK_STR(bi.factors->items[i]->scalar, want[i]);
	CHECK_INT(bi.factors->items[0]->loc.line, 12);
	CHECK_INT(bi.factors->items[0]->loc.col, 5);
	CHECK_INT(bi.factor_loc.line, 10);
	CHECK_INT(bi.factor_sentences, 4);
	CHECK_INT(bi.sentence_loc.line, 20);
	body_info_release(&bi);
	arena_free(a);
	a = scan(&bi, "## Root causes\n- Config drift\n## Contributing factors\n- Second section\n",
		 false);
	CHECK_INT(bi.factors->n, 1); /* the first section only */
	body_info_release(&bi);
	arena_free(a);
	a = scan(&bi, "## Contributing factors\n- Config drift\n", true);
	CHECK(bi.factors == NULL); /* only the action items */
	body_info_release(&bi);
	arena_free(a);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_loose_date),	 TEST(test_loose_duration), TEST(test_labels),
		TEST(test_action_table), TEST(test_action_lists),   TEST(test_timeline),
		TEST(test_factors),
	};
	return harness_run("bodyread", cases, ARRAY_SIZE(cases));
}
