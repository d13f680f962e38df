/* Unit tests for policy.c: durations, every key of policy:, each misuse's diagnostic, derived due dates, require:. */
#include "base/fsutil.h"
#include "harness.h"
#include "model/policy.h"
#include "model/siteconfig.h"

#include <stdlib.h>

static char dir[] = "/tmp/aftermath-test-policy-XXXXXX";

static int load(struct site *s, const char *yaml)
{
	char *path = path_join(dir, "site.yaml");
	fs_write(path, yaml, strlen(yaml));
	free(path);
	site_init(s);
	return site_load(s, dir);
}

static void test_durations(void)
{
	CHECK_INT(policy_duration("28d"), 28);
	CHECK_INT(policy_duration("2w"), 14);
	CHECK_INT(policy_duration("0d"), 0);
	CHECK_INT(policy_duration("3650d"), 3650);
	CHECK_INT(policy_duration("3651d"), -1);
	CHECK_INT(policy_duration("522w"), -1);
	CHECK_INT(policy_duration("28"), -1);
	CHECK_INT(policy_duration("28 d"), -1);
	CHECK_INT(policy_duration("28days"), -1);
	CHECK_INT(policy_duration("-1d"), -1);
	CHECK_INT(policy_duration("d"), -1);
	CHECK_INT(policy_duration("1h"), -1);
	CHECK_INT(policy_duration(""), -1);
	CHECK_INT(policy_duration("99999999999999999999d"), -1);
}

static void test_every_key(void)
{
	struct site s;
	CHECK(load(&s,
		   "policy:\n  due: {must: 28d, should: 8w, nice: 90d, default: 120d}\n  due_soon: 1w\n"
		   "  escalate_after: 14d\n  write_up_within: {SEV1: 5d, sev2: 7d, default: 14d}\n"
		   "  require:\n    SEV1: {action_items: 2, priority: should, owner: true, due: false}\n"
		   "severities: [SEV1, SEV2, SEV3]\n") ==
	      0); /* severities after policy: still known */
	CHECK(s.policy.set);
	CHECK_INT(s.policy.due[PRI_MUST], 28);
	CHECK_INT(s.policy.due[PRI_SHOULD], 56);
	CHECK_INT(s.policy.due[PRI_NICE], 90);
	CHECK_INT(s.policy.due[PRI_NONE], 120);
	CHECK_INT(s.policy.due_soon, 7);
	CHECK_INT(s.policy.escalate_after, 14);
	CHECK_INT(policy_write_up_days(&s.policy, 0), 5);
	CHECK_INT(policy_write_up_days(&s.policy, 1), 7);
	CHECK_INT(policy_write_up_days(&s.policy, 2), 14); /* default */
	CHECK(s.policy.require[0].set);
	CHECK(!s.policy.require[1].set);
	CHECK_INT(s.policy.require[0].action_items, 2);
	CHECK_INT(s.policy.require[0].priority, PRI_SHOULD);
	CHECK(s.policy.require[0].owner);
	CHECK(!s.policy.require[0].due);
	CHECK_INT(diag_count(DIAG_WARNING), 0); /* policy: is a known key */
	site_release(&s);

	CHECK(load(&s, "title: no policy\n") == 0);
	CHECK(!s.policy.set);
	CHECK_INT(s.policy.due_soon, 14);
	CHECK_INT(s.policy.escalate_after, POLICY_NONE);
	CHECK_INT(policy_write_up_days(&s.policy, 0), POLICY_NONE);
	site_release(&s);
}

static void test_errors(void)
{
	static const struct {
		const char *yaml, *msg;
		int line, col;
	} cases[] = {
		{"policy: [28d]\n",
		 "policy must be a mapping of due, due_soon, escalate_after, write_up_within, require (got a list)",
		 1, 9},
		{"policy:\n  deu: {must: 28d}\n",
		 "unknown key \"deu\" in policy (expected due, due_soon, escalate_after, write_up_within, require)",
		 2, 3},
		/* due */
		{"policy:\n  due: 28d\n",
		 "policy.due must be a mapping of priority to duration (must, should, nice, default) (got a text value)",
		 2, 8},
		{"policy:\n  due: {urgent: 28d}\n",
		 "unknown priority \"urgent\" in policy.due (expected must, should, nice, default)",
		 2, 9},
		{"policy:\n  due: {must: 28}\n",
		 "policy.due.must must be a duration like 28d or 2w, at most 3650 days (got \"28\")",
		 2, 15},
		{"policy:\n  due: {should: 4 weeks}\n",
		 "policy.due.should must be a duration like 28d or 2w, at most 3650 days (got \"4 weeks\")",
		 2, 17},
		{"policy:\n  due: {must: [28d]}\n",
		 "policy.due.must must be a duration like 28d or 2w, at most 3650 days (got a list)",
		 2, 15},
		{"policy:\n  due: {must: -3d}\n",
		 "policy.due.must must be a duration like 28d or 2w, at most 3650 days (got \"-3d\")",
		 2, 15},
		/* due_soon, escalate_after */
		{"policy:\n  due_soon: soon\n",
		 "policy.due_soon must be a duration like 28d or 2w, at most 3650 days (got \"soon\")",
		 2, 13},
		{"policy:\n  due_soon: 9999d\n",
		 "policy.due_soon must be a duration like 28d or 2w, at most 3650 days (got \"9999d\")",
		 2, 13},
		{"policy:\n  escalate_after: {days: 14}\n",
		 "policy.escalate_after must be a duration like 28d or 2w, at most 3650 days (got a mapping)",
		 2, 19},
		{"policy:\n  escalate_after: 2h\n",
		 "policy.escalate_after must be a duration like 28d or 2w, at most 3650 days (got \"2h\")",
		 2, 19},
		/* write_up_within */
		{"policy:\n  write_up_within: 5d\n",
		 "policy.write_up_within must be a mapping of severity to duration (and default) (got a text value)",
		 2, 20},
		{"policy:\n  write_up_within: {SEV9: 5d}\n",
		 "unknown severity \"SEV9\" in policy.write_up_within (expected SEV1, SEV2, SEV3, SEV4, default)",
		 2, 21},
		{"policy:\n  write_up_within: {SEV1: 72h}\n",
		 "policy.write_up_within.SEV1 must be a duration like 28d or 2w, at most 3650 days (got \"72h\")",
		 2, 27},
		{"policy:\n  write_up_within: {default: five}\n",
		 "policy.write_up_within.default must be a duration like 28d or 2w, at most 3650 days (got \"five\")",
		 2, 30},
		/* require */
		{"policy:\n  require: [SEV1]\n",
		 "policy.require must be a mapping of severity to its rules (got a list)", 2, 12},
		{"policy:\n  require: {P1: {owner: true}}\n",
		 "unknown severity \"P1\" in policy.require (expected SEV1, SEV2, SEV3, SEV4)", 2,
		 13},
		{"policy:\n  require: {default: {owner: true}}\n",
		 "unknown severity \"default\" in policy.require (expected SEV1, SEV2, SEV3, SEV4)",
		 2, 13},
		{"policy:\n  require: {SEV1: true}\n",
		 "policy.require.SEV1 must be a mapping of action_items, priority, owner, due (got a text value)",
		 2, 19},
		{"policy:\n  require:\n    SEV1: {owners: true}\n",
		 "unknown key \"owners\" in policy.require.SEV1 (expected action_items, priority, owner, due)",
		 3, 12},
		{"policy:\n  require:\n    SEV1: {action_items: one}\n",
		 "policy.require.SEV1.action_items must be a whole number from 0 to 1000 (got \"one\")",
		 3, 26},
		{"policy:\n  require:\n    SEV1: {action_items: -1}\n",
		 "policy.require.SEV1.action_items must be a whole number from 0 to 1000 (got \"-1\")",
		 3, 26},
		{"policy:\n  require:\n    SEV1: {priority: urgent}\n",
		 "policy.require.SEV1.priority must be a priority (expected must, should, nice; got \"urgent\")",
		 3, 22},
		{"policy:\n  require:\n    SEV1: {owner: yes}\n",
		 "policy.require.SEV1.owner must be true or false (got \"yes\")", 3, 19},
		{"policy:\n  require:\n    SEV1: {due: [true]}\n",
		 "policy.require.SEV1.due must be true or false (got a list)", 3, 17},
		/* services: owner */
		{"services:\n  api: {owner: [a, b]}\n", "owner must be a text value (got a list)",
		 2, 16},
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct site s;
		size_t n;
		CHECK(load(&s, cases[i].yaml) == -1);
		const struct diag *d = diag_list(&n);
		CHECK_INT(n, 1);
		CHECK_STR(n ? d[0].msg : "(none)", cases[i].msg);
		CHECK_INT(n ? d[0].line : 0, cases[i].line);
		CHECK_INT(n ? d[0].col : 0, cases[i].col);
		CHECK(n && str_ends(d[0].file, "site.yaml"));
		diag_clear();
		site_release(&s);
	}
}

static struct action_item item(const char *title, const char *owner, enum ai_priority pri,
			       const char *due)
{
	struct action_item a = {.title = (char *)title,
				.owner = (char *)owner,
				.priority = pri,
				.loc = {"pm.md", 9, 5}};
	if (due)
		when_parse(&a.due, due);
	return a;
}

static void test_apply(void)
{
	struct site s;
	CHECK(load(&s,
		   "policy:\n  due: {must: 28d, default: 10d}\n"
		   "  require:\n    SEV1: {action_items: 3, priority: must, owner: true, due: true}\n") ==
	      0);
	struct action_item items[] = {
		item("a", "Lee", PRI_MUST, NULL),
		item("b", NULL, PRI_SHOULD, NULL),
		item("c", "Ana", PRI_NICE, "2024-06-01"),
	};
	struct postmortem pm = {.path = "pm.md",
				.id_loc = {"pm.md", 2, 5},
				.severity = 0,
				.status = STATUS_COMPLETE,
				.actions = items,
				.nactions = 3};
	when_parse(&pm.date, "2024-03-14");
	CHECK(policy_apply(&s.policy, &pm, "SEV1") == -1);
	char day[11];
	when_date(&items[0].due, day);
	CHECK_STR(day, "2024-04-11"); /* 28 days after 2024-03-14 */
	CHECK(items[0].due_by_policy);
	when_date(&items[1].due, day);
	CHECK_STR(day, "2024-03-24"); /* should is not set: the default's 10 days */
	CHECK(items[1].due_by_policy);
	when_date(&items[2].due, day);
	CHECK_STR(day, "2024-06-01"); /* written: kept */
	CHECK(!items[2].due_by_policy);
	size_t n;
	const struct diag *d = diag_list(&n);
	CHECK_INT(n, 3); /* b has no owner; a and b have no written due date */
	for (size_t i = 0; i < n; i++)
		CHECK(d[i].line == 9 && strstr(d[i].msg, "policy.require.SEV1 in ") &&
		      strstr(d[i].msg, "site.yaml:4"));
	CHECK(n == 3 && strstr(d[0].msg, "needs a due date") &&
	      strstr(d[2].msg, "\"b\" needs an owner"));
	diag_clear();

	/* Too few items, none of priority must; a draft is exempt; another severity has no rule. */
	struct action_item few[] = {item("x", "Lee", PRI_SHOULD, "2024-04-01")};
	struct postmortem p2 = {.path = "pm2.md",
				.id_loc = {"pm2.md", 2, 5},
				.severity = 0,
				.status = STATUS_IN_REVIEW,
				.actions = few,
				.nactions = 1};
	when_parse(&p2.date, "2024-03-14");
	CHECK(policy_apply(&s.policy, &p2, "SEV1") == -1);
	d = diag_list(&n);
	CHECK_INT(n, 2);
	CHECK(n == 2 &&
	      strstr(d[1].msg, "a SEV1 postmortem needs at least 3 action items (it has 1;") &&
	      d[0].line == 2);
	CHECK(n == 2 &&
	      strstr(d[0].msg, "a SEV1 postmortem needs an action item of priority must (") &&
	      d[1].line == 2);
	diag_clear();
	p2.status = STATUS_DRAFT;
	CHECK(policy_apply(&s.policy, &p2, "SEV1") == 0);
	p2.status = STATUS_COMPLETE;
	p2.severity = 1;
	CHECK(policy_apply(&s.policy, &p2, "SEV2") == 0);
	CHECK_INT(diag_count(DIAG_ERROR), 0);
	site_release(&s);

	/* No policy: nothing derived. */
	CHECK(load(&s, "title: x\n") == 0);
	struct action_item none[] = {item("n", NULL, PRI_MUST, NULL)};
	struct postmortem p3 = {.path = "pm3.md", .actions = none, .nactions = 1};
	when_parse(&p3.date, "2024-03-14");
	CHECK(policy_apply(&s.policy, &p3, "SEV1") == 0);
	CHECK(!none[0].due.set && !none[0].due_by_policy);
	site_release(&s);
}

int main(void)
{
	static const struct harness_case cases[] = {
		TEST(test_durations),
		TEST(test_every_key),
		TEST(test_errors),
		TEST(test_apply),
	};
	if (!mkdtemp(dir))
		return 1;
	int ret = harness_run("policy", cases, ARRAY_SIZE(cases));
	fs_remove_tree(dir);
	return ret;
}
