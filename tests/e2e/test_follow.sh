# Follow-through (issue 21): site.yaml's policy: (derived due dates, require: rules), the
# `overdue` digest, escalation, late write-ups, the calendars and /actions/review/.
# Fixture: tests/fixtures/follow/ (as of 2024-05-01: PM-1's must item has no due date, so
# the policy gives it 2024-04-11, 20 days overdue and escalated to checkout-api's owner;
# PM-2 is an in-review SEV1 resolved 2024-04-20, its write-up due 2024-04-25).
FX="$ROOT/tests/fixtures/follow"

# site_with FILE TEXT: a copy of the fixture with FILE (relative) replaced by TEXT.
site_with() {
	rm -rf "$T/var"
	cp -r "$FX" "$T/var"
	printf '%s\n' "$2" >"$T/var/$1"
}

t_begin "policy: an item without a due date gets date + policy.due, shown as such"
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/site" --as-of 2024-05-01 --quiet
assert_contains "$T/site/postmortems/pm-1/index.html" '<time datetime="2024-04-11">2024-04-11</time> <span class="by-policy"'
assert_contains "$T/site/postmortems/pm-1/index.html" '>by policy</span><strong class="late">20 days overdue</strong>'
assert_not_contains "$T/site/postmortems/pm-2/index.html" 'by policy'

t_begin "policy: actions.csv says written or policy, stats.json counts each"
assert_contains "$T/site/api/actions.csv" 'postmortem_id,title,owner,due,status,priority,ticket,overdue,due_source'
assert_contains "$T/site/api/actions.csv" 'PM-1,Alert on pool saturation,Lee Park,2024-04-11,open,must,,true,policy'
assert_contains "$T/site/api/actions.csv" 'PM-2,Add the missing index,Ana Diaz,2024-04-25,open,must,,true,written'
assert_contains "$T/site/api/stats.json" '"due_dates": {"written": 4, "policy": 1, "none": 0}'
assert_contains "$T/site/api/stats.json" '"overdue": 2'

t_begin "without policy: no date is derived"
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/plain" --as-of 2024-05-01 --quiet
assert_not_contains "$T/plain/api/actions.csv" ',policy'
assert_contains "$T/plain/api/stats.json" '"policy": 0'

t_begin "require: each rule is an error at the postmortem's file and line, naming the rule"
site_with postmortems/pm-4.md '---
id: PM-4
title: Everything down
date: 2024-04-02
status: complete
severity: SEV1
action_items:
  - title: Write it down
    priority: should
---
Body.'
assert_exit 1 "$AFTERMATH" check "$T/var" --as-of 2024-05-01
assert_stderr_contains 'pm-4.md:2:5: error: a SEV1 postmortem needs an action item of priority must (policy.require.SEV1 in '
assert_stderr_contains "site.yaml:13)"
assert_stderr_contains 'pm-4.md:8:5: error: action item "Write it down" needs an owner (policy.require.SEV1'
assert_stderr_contains 'pm-4.md:8:5: error: action item "Write it down" needs a due date (policy.require.SEV1'
assert_exit 1 "$AFTERMATH" build "$T/var" -o "$T/var-out" --as-of 2024-05-01
assert_stderr_contains 'pm-4.md:2:5: error: a SEV1 postmortem needs an action item of priority must'
assert_no_file "$T/var-out/index.html"

t_begin "require: too few action items; a draft is exempt"
site_with postmortems/pm-4.md '---
id: PM-4
title: Everything down
date: 2024-04-02
status: in-review
severity: SEV1
---
Body.'
assert_exit 1 "$AFTERMATH" check "$T/var" --as-of 2024-05-01
assert_stderr_contains 'pm-4.md:2:5: error: a SEV1 postmortem needs at least 1 action item (it has 0; policy.require.SEV1'
sed -i 's/status: in-review/status: draft/' "$T/var/postmortems/pm-4.md"
assert_exit 0 "$AFTERMATH" check "$T/var" --as-of 2024-05-01
assert_not_contains "$ERR" 'policy.require'

t_begin "policy misuse in site.yaml is an error at its line and column, and nothing is built"
site_with site.yaml 'severities: [SEV1, SEV2, SEV3]
policy:
  due: {must: 4 weeks}
  escalate_after: 2h
  write_up_within: {SEV7: 5d}
  require:
    SEV1: {owners: true}'
assert_exit 1 "$AFTERMATH" build "$T/var" -o "$T/var-out" --as-of 2024-05-01
assert_stderr_contains 'site.yaml:3:15: error: policy.due.must must be a duration like 28d or 2w, at most 3650 days (got "4 weeks")'
assert_stderr_contains 'site.yaml:4:19: error: policy.escalate_after must be a duration like 28d or 2w, at most 3650 days (got "2h")'
assert_stderr_contains 'site.yaml:5:21: error: unknown severity "SEV7" in policy.write_up_within (expected SEV1, SEV2, SEV3, default)'
assert_stderr_contains 'site.yaml:7:12: error: unknown key "owners" in policy.require.SEV1 (expected action_items, priority, owner, due)'
assert_no_file "$T/var-out/index.html"
