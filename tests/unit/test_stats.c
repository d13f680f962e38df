/* Unit tests for stats.c and api.c's percentiles: the brief's definitions. */
#include "api.h"
#include "harness.h"
#include "stats.h"

static struct action_item item(enum ai_status st, const char *due)
{
	struct action_item a = {.status = st};
	if (due)
		when_parse(&a.due, due);
	return a;
}

static int64_t day(const char *s)
{
	struct when w;
	when_parse(&w, s);
	return when_day(&w);
}

static void test_overdue_boundary(void)
{
	struct action_item a = item(AI_OPEN, "2026-11-23");
	CHECK(!ai_overdue(&a, day("2026-11-23"))); /* due today: not yet late */
	CHECK(ai_overdue(&a, day("2026-11-24")));
	CHECK_INT(ai_days_overdue(&a, day("2026-11-30")), 7);
	struct action_item done = item(AI_DONE, "2020-01-01");
	CHECK(!ai_overdue(&done, day("2026-11-23")));
	struct action_item wont = item(AI_WONT_DO, "2020-01-01");
	CHECK(!ai_overdue(&wont, day("2026-11-23")));
	struct action_item prog = item(AI_IN_PROGRESS, "2026-01-01");
	CHECK(ai_overdue(&prog, day("2026-11-23")));
	struct action_item nodue = item(AI_OPEN, NULL);
	CHECK(!ai_overdue(&nodue, day("2026-11-23")));
}

static void test_counts_and_rate(void)
{
	struct counts c = {0};
	int64_t asof = day("2026-11-23");
	struct action_item v[] = {item(AI_DONE, NULL), item(AI_DONE, NULL), item(AI_OPEN, "2026-01-01"),
				  item(AI_IN_PROGRESS, NULL), item(AI_WONT_DO, NULL)};
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		counts_add(&c, &v[i], asof);
	CHECK_INT(c.total, 5);
	CHECK_INT(c.done, 2);
	CHECK_INT(c.open, 1);
	CHECK_INT(c.in_progress, 1);
	CHECK_INT(c.wont_do, 1);
	CHECK_INT(c.overdue, 1);
	double rate;
	CHECK(counts_rate(&c, &rate));
	CHECK(rate == 0.5); /* 2 / (5 - 1) */
	struct buf b = BUF_INIT;
	counts_json(&b, &c);
	CHECK_STR(buf_cstr(&b),
		  "{\"total\": 5, \"done\": 2, \"open\": 1, \"in_progress\": 1, \"wont_do\": 1, \"overdue\": 1, \"completion_rate\": 0.5}");
	buf_release(&b);
}

static void test_rate_rounding_and_null(void)
{
	struct counts c = {.total = 3, .done = 2};
	double rate;
	CHECK(counts_rate(&c, &rate));
	CHECK(rate == 0.6667);
	struct counts only_wont = {.total = 2, .wont_do = 2};
	CHECK(!counts_rate(&only_wont, &rate));
	struct buf b = BUF_INIT;
	counts_json(&b, &only_wont);
	CHECK(strstr(buf_cstr(&b), "\"completion_rate\": null") != NULL);
	buf_release(&b);
}

static void test_percentiles(void)
{
	long long v[] = {40, 10, 30, 20};
	double median;
	long long p90;
	percentiles(v, 4, &median, &p90);
	CHECK(median == 25.0);
	CHECK_INT(p90, 40);
	long long w[] = {5, 1, 9, 3, 7, 2, 8, 4, 6, 10};
	percentiles(w, 10, &median, &p90);
	CHECK(median == 5.5);
	CHECK_INT(p90, 9); /* nearest rank: ceil(0.9 * 10) = 9th value */
	long long one[] = {12};
	percentiles(one, 1, &median, &p90);
	CHECK(median == 12.0);
	CHECK_INT(p90, 12);
}

static void test_durations(void)
{
	struct impact im = {.customers_affected = -1};
	when_parse(&im.started, "2024-03-14T14:05:00Z");
	when_parse(&im.detected, "2024-03-14T16:14:00+02:00"); /* 14:14Z */
	CHECK_INT(duration_minutes(&im, &im.detected), 9);
	CHECK_INT(duration_minutes(&im, &im.resolved), -1);
	struct buf b = BUF_INIT;
	duration_text(&b, 9);
	CHECK_STR(buf_cstr(&b), "9 min");
	buf_reset(&b);
	duration_text(&b, 100);
	CHECK_STR(buf_cstr(&b), "1 h 40 min");
	buf_reset(&b);
	duration_text(&b, 120);
	CHECK_STR(buf_cstr(&b), "2 h");
	buf_reset(&b);
	duration_text(&b, 3 * 24 * 60 + 180);
	CHECK_STR(buf_cstr(&b), "3 d 3 h");
	buf_release(&b);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_overdue_boundary), TEST(test_counts_and_rate), TEST(test_rate_rounding_and_null),
		TEST(test_percentiles),      TEST(test_durations),
	};
	return harness_run("stats", cases, ARRAY_SIZE(cases));
}
