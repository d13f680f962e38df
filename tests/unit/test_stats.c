/* Unit tests for stats.c and api.c's percentiles: the brief's definitions. */
#include "analyze/stats.h"
#include "emit/api.h"
#include "harness.h"

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
	struct action_item v[] = {item(AI_DONE, NULL), item(AI_DONE, NULL),
				  item(AI_OPEN, "2026-01-01"), item(AI_IN_PROGRESS, NULL),
				  item(AI_WONT_DO, NULL)};
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
	CHECK_STR(
		buf_cstr(&b),
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

/* Contract (stats.h): days past due are 0, not 1, for an item not overdue. */
static void test_days_overdue_zero_when_not_late(void)
{
	struct action_item a = item(AI_OPEN, "2026-11-23");
	CHECK_INT(ai_days_overdue(&a, day("2026-11-23")), 0);
	CHECK_INT(ai_days_overdue(&a, day("2026-11-24")), 1);
	struct action_item done = item(AI_DONE, "2020-01-01");
	CHECK_INT(ai_days_overdue(&done, day("2026-11-23")), 0);
}

static void check_text(long long m, const char *want)
{
	struct buf b = BUF_INIT;
	duration_text(&b, m);
	CHECK_STR(buf_cstr(&b), want);
	buf_release(&b);
}

/* Boundary bug class: minutes, hours and days change unit at 60 and 1440. */
static void test_duration_unit_boundaries(void)
{
	check_text(0, "0 min");
	check_text(59, "59 min");
	check_text(60, "1 h");
	check_text(61, "1 h 1 min");
	check_text(1439, "23 h 59 min");
	check_text(1440, "1 d");
	check_text(1500, "1 d 1 h");
	check_text(2 * 1440 + 23 * 60 + 59, "2 d 23 h");
	check_text(30 * 1440, "30 d");
}

/* Dropped-condition bug class: a duration needs both ends, the end not before the start. */
static void test_duration_needs_both_ends(void)
{
	struct impact im = {.customers_affected = -1};
	struct when end;
	when_parse(&end, "2024-03-14T15:05:00Z");
	CHECK_INT(duration_minutes(&im, &end), -1); /* no start */
	when_parse(&im.started, "2024-03-14T14:05:00Z");
	CHECK_INT(duration_minutes(&im, &end), 60);
	CHECK_INT(duration_minutes(&im, &im.started), 0); /* the same minute: 0, not "none" */
	when_parse(&end, "2024-03-14T14:04:59Z");
	CHECK_INT(duration_minutes(&im, &end), -1); /* before the start */
	struct when unset = {0};
	unset.epoch = im.started.epoch + 600; /* a time that was not given */
	CHECK_INT(duration_minutes(&im, &unset), -1);
}

static bool parses(const char *s)
{
	struct when w;
	return when_parse(&w, s) == 0;
}

/* Boundary bug class in model.c's calendar: leap years, month and day ranges, times. */
static void test_when_parse_calendar_boundaries(void)
{
	CHECK(parses("2024-02-29"));
	CHECK(!parses("2023-02-29"));
	CHECK(!parses("1900-02-29")); /* a century is not leap */
	CHECK(parses("2000-02-29"));  /* unless divisible by 400 */
	CHECK(parses("2023-02-28"));
	CHECK(!parses("2024-04-31"));
	CHECK(parses("2024-12-31"));
	CHECK(!parses("2024-01-00"));
	CHECK(!parses("2024-00-10"));
	CHECK(!parses("2024-13-10"));
	CHECK(parses("2024-01-01T23:59:60Z")); /* a leap second */
	CHECK(!parses("2024-01-01T23:59:61Z"));
	CHECK(!parses("2024-01-01T24:00:00Z"));
	CHECK(!parses("2024-01-01T12:60:00Z"));
	CHECK(parses("2024-01-01T12:00:00z"));
	CHECK(parses("2024-01-01T12:00:00.250Z"));
	CHECK(parses("2024-01-01T12:00:00,5+01:00"));
	CHECK(!parses("2024-01-01T12:00:00.Z"));
	struct when w;
	char out[21];
	CHECK(when_parse(&w, "2024-01-01T12:00:59.999Z") == 0);
	when_iso(&w, out);
	CHECK_STR(out, "2024-01-01T12:00:59Z");
	/* Days before 0000-03-01 (negative days of the era) convert back exactly. */
	CHECK(when_parse(&w, "0000-01-01") == 0);
	when_date(&w, out);
	CHECK_STR(out, "0000-01-01");
	int y, m, d;
	civil_from_days(days_from_civil(-1, 12, 31), &y, &m, &d);
	CHECK(y == -1 && m == 12 && d == 31);
	civil_from_days(days_from_civil(1969, 12, 31), &y, &m, &d);
	CHECK(y == 1969 && m == 12 && d == 31);
}

/* Table bug class: each enum value's name (they are what pages and JSON print). */
static void test_model_names(void)
{
	CHECK_STR(category_name(CAT_NONE), "");
	CHECK_STR(category_name(CAT_TECHNICAL), "technical");
	CHECK_STR(category_name(CAT_PROCESS), "process");
	CHECK_STR(category_name(CAT_COMMUNICATION), "communication");
	CHECK_STR(category_name(CAT_EXTERNAL), "external");
	CHECK_STR(status_name(STATUS_DRAFT), "draft");
	CHECK_STR(status_name(STATUS_IN_REVIEW), "in-review");
	CHECK_STR(status_name(STATUS_COMPLETE), "complete");
	CHECK_STR(ai_status_name(AI_IN_PROGRESS), "in-progress");
	CHECK_STR(ai_status_name(AI_WONT_DO), "wont-do");
	CHECK_STR(priority_name(PRI_NONE), "");
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_overdue_boundary),
		TEST(test_counts_and_rate),
		TEST(test_rate_rounding_and_null),
		TEST(test_percentiles),
		TEST(test_durations),
		TEST(test_days_overdue_zero_when_not_late),
		TEST(test_duration_unit_boundaries),
		TEST(test_duration_needs_both_ends),
		TEST(test_when_parse_calendar_boundaries),
		TEST(test_model_names),
	};
	return harness_run("stats", cases, ARRAY_SIZE(cases));
}
