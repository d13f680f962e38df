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

t_begin "overdue: text digest grouped by owner, the escalated item under the service's owner"
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01
assert_stdout_contains '2 overdue (1 escalated), 1 due soon, 1 late write-up.'
assert_eq "$(grep -c '^[A-Z]' "$OUT")" 5 "the heading and four people"
assert_eq "$(sed -n '/^Dana Boss$/,/^$/p' "$OUT" | grep -c 'Alert on pool saturation — PM-1 · owner Lee Park · must · due 2024-04-11 by policy · 20 days overdue')" 1 "escalated to Dana Boss"
assert_eq "$(sed -n '/^Lee Park$/,/^$/p' "$OUT" | grep -c 'Alert on pool saturation — PM-1 · must · due 2024-04-11 by policy · 20 days overdue · escalated')" 1 "overdue for Lee Park"
assert_eq "$(sed -n '/^Tom Ruiz$/,/^$/p' "$OUT" | grep -c 'PM-2 Search latency after the index rebuild — SEV1, in-review, write-up due 2024-04-25 · 6 days late')" 1 "late write-up for its owner"
assert_stdout_contains 'Load-test the new pool size — PM-1 · should · due 2024-05-10 · in 9 days'

t_begin "overdue: markdown with links, JSON stable, same bytes twice"
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --format markdown --base-url https://kb.example.com/sub
assert_stdout_contains '## Follow-through as of 2024-05-01'
assert_stdout_contains '### Dana Boss'
assert_stdout_contains '- **Alert on pool saturation** — [PM-1](https://kb.example.com/sub/postmortems/pm-1/) · owner Lee Park · must · due 2024-04-11 by policy · 20 days overdue'
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --format json
cp "$OUT" "$T/d1.json"
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --format json
cp "$OUT" "$T/d2.json"
assert_exit 0 cmp "$T/d1.json" "$T/d2.json"
assert_exit 0 node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1]));
	const ok = d.as_of === "2024-05-01" && d.counts.overdue === 2 && d.counts.escalated === 1 && d.owners.length === 4
		&& d.owners[1].owner === "Dana Boss" && d.owners[1].escalated[0].due_source === "policy"
		&& d.owners[1].escalated[0].escalated_to[0] === "Dana Boss" && d.owners[3].late_write_ups[0].days_late === 6
		&& d.owners[0].overdue[0].url === null;
	process.exit(ok ? 0 : 1)' "$T/d1.json"

t_begin "overdue: --owner and --service narrow the digest"
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --owner "dana boss"
assert_stdout_contains '1 overdue (1 escalated), 0 due soon, 0 late write-ups.'
assert_not_contains "$OUT" 'Ana Diaz'
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --service search
assert_stdout_contains '1 overdue (0 escalated), 0 due soon, 1 late write-up.'
assert_not_contains "$OUT" 'pool'
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --owner nobody
assert_stdout_contains 'Nothing to follow up.'

t_begin "overdue: --fail-on exits 1 only when such items are listed"
assert_exit 1 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --fail-on must
assert_exit 1 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --fail-on any
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-04-01 --fail-on any
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --fail-on should --owner "Tom Ruiz"
assert_exit 1 "$AFTERMATH" overdue "$FX" --as-of 2024-05-01 --fail-on any --owner "Tom Ruiz"

t_begin "overdue: usage errors exit 2"
assert_exit 2 "$AFTERMATH" overdue "$FX" --format yaml
assert_stderr_contains 'unknown format "yaml" (expected text, markdown or json)'
assert_exit 2 "$AFTERMATH" overdue "$FX" --fail-on soon
assert_stderr_contains 'unknown --fail-on "soon" (expected must, should or any)'
assert_exit 2 "$AFTERMATH" overdue "$FX" --base-url 'javascript:alert(1)'
assert_exit 2 "$AFTERMATH" overdue "$FX" --as-of 2024-13-01
assert_exit 2 "$AFTERMATH" overdue "$T/nowhere"
assert_exit 0 "$AFTERMATH" help overdue
assert_stdout_contains 'usage: aftermath overdue [CONTENT_DIR]'

t_begin "overdue: a hostile title stays on one line in text and Markdown"
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-10 --format markdown
assert_stdout_contains '- **Rotate keys, now; really\\   BEGIN:VEVENT  SUMMARY:evil line two** — PM-3 · should · due 2024-05-20 · in 10 days'
assert_exit 0 "$AFTERMATH" overdue "$FX" --as-of 2024-05-10
assert_stdout_contains 'Rotate keys, now; really\ \r\nBEGIN:VEVENT\r\nSUMMARY:evil\nline two — PM-3'
assert_eq "$(grep -c 'BEGIN' "$OUT")" 1 "lines naming BEGIN"

t_begin "overdue: the digest equals an independent recomputation on the 1k corpus with a policy"
"$(dirname "$AFTERMATH")/gen-corpus" 1000 "$T/c1k" >/dev/null
{
	echo "services:"
	grep -rh '^services:' "$T/c1k/postmortems" | sed 's/services: //' | tr -d '[]' | tr ',' '\n' | sed 's/^ *//; s/ *$//' | sort -u |
		awk '{ n++; if (n % 3) printf "  %s: {team: Team %d, owner: Owner %d}\n", $0, n % 4, n % 7; else printf "  %s: {team: Team %d}\n", $0, n % 4 }'
	printf 'policy:\n  due: {must: 28d, should: 8w, default: 90d}\n  due_soon: 3w\n  escalate_after: 30d\n  write_up_within: {SEV1: 5d, SEV2: 1w, default: 400d}\n'
} >>"$T/c1k/site.yaml"
for d in 2026-11-23 2019-06-01; do
	assert_exit 0 "$AFTERMATH" overdue "$T/c1k" --format json --as-of $d
	cp "$OUT" "$T/digest-$d.json"
	assert_exit 0 /usr/bin/python3 tests/e2e/verify-digest.py "$T/c1k" "$T/digest-$d.json" $d
	assert_stdout_contains "digest: 0 differences over "
done
assert_eq "$(grep -c '"due_source": "policy"' "$T/digest-2026-11-23.json" | awk '$1 > 50 { print "many" }')" many "items with a policy due date"
sed 's/"days_overdue": 3\([0-9]\)/"days_overdue": 4\1/' "$T/digest-2026-11-23.json" >"$T/digest-bad.json"
assert_exit 1 /usr/bin/python3 tests/e2e/verify-digest.py "$T/c1k" "$T/digest-bad.json" 2026-11-23

t_begin "escalation: on /actions/ and the service page, to the service's owner"
A="$T/site/actions/index.html"
assert_contains "$A" '<h2 id="escalated-title">Escalated</h2>'
assert_eq "$(sed -n '/id="escalated-title"/,/<\/section>/p' "$A" | grep -c '<td class="ai-title">')" 1 "escalated items on /actions/"
assert_contains "$A" '<span class="escalated">escalated to Dana Boss</span>'
S="$T/site/services/checkout-api/index.html"
assert_contains "$S" 'Owned by Payments · escalations go to Dana Boss'
assert_contains "$S" '<caption>Escalated: overdue more than the policy allows, for Dana Boss'
assert_not_contains "$T/site/services/search/index.html" 'Escalated:'
assert_contains "$T/site/services/search/index.html" 'escalations go to Sam Lead'

t_begin "due soon and late write-ups: on /actions/ and home"
assert_contains "$A" '<h2 id="due-soon-title">Due soon</h2>'
assert_contains "$A" '<span class="due-soon">due in 9 days</span>'
assert_eq "$(sed -n '/id="writeups-title"/,/<\/section>/p' "$A" | grep -c '<li>')" 1 "late write-ups on /actions/"
assert_contains "$A" '<span class="pm-id">PM-2</span> · SEV1 · In review · Tom Ruiz · <strong class="late">6 days late</strong>'
H="$T/site/index.html"
assert_contains "$H" '<h2 id="writeups-title" class="panel-title">Late write-ups</h2>'
assert_contains "$H" '<a href="./postmortems/pm-2/">Search latency after the index rebuild</a>'
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/early" --as-of 2024-04-25 --quiet
assert_not_contains "$T/early/index.html" 'Late write-ups'
assert_not_contains "$T/early/actions/index.html" 'id="escalated-title"'

t_begin "a public build names no person: no escalation owner, no owner of anything"
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/public" --as-of 2024-05-01 --profile public --quiet
assert_contains "$T/public/actions/index.html" '<span class="escalated">escalated</span>'
for name in "Dana Boss" "Sam Lead" "Lee Park" "Ana Diaz" "Priya Natarajan" "Tom Ruiz"; do
	if grep -rqF "$name" "$T/public"; then _fail "the public build names $name: $(grep -rlF "$name" "$T/public" | head -3)"; else _pass; fi
done

t_begin "calendars: every .ics parses (python3-icalendar), one event per open dated item, alarms, URLs"
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/cal" --as-of 2024-05-01 --base-url https://kb.example.com/kb --quiet
assert_file "$T/cal/actions/calendar/all.ics"
assert_file "$T/cal/actions/calendar/owner/lee-park.ics"
assert_file "$T/cal/actions/calendar/service/checkout-api.ics"
assert_exit 0 /usr/bin/python3 tests/e2e/verify-ics.py "$T/cal" https://kb.example.com/kb/postmortems/
assert_stdout_contains "ics: 8 files, 12 events, 0 problems"
assert_eq "$(grep -c '^BEGIN:VEVENT' "$T/cal/actions/calendar/all.ics")" 4 "events in all.ics (a hostile title adds none)"
assert_contains "$T/cal/actions/calendar/all.ics" 'SUMMARY:Rotate keys\, now\; really\\ \nBEGIN:VEVENT\nSUMMARY:evil\nline two'
assert_contains "$T/cal/actions/calendar/all.ics" 'UID:pm-1-item-1@aftermath'
assert_contains "$T/cal/actions/calendar/all.ics" 'DTSTAMP:20240501T000000Z'
assert_contains "$T/cal/actions/calendar/all.ics" 'DTSTART;VALUE=DATE:20240411'
assert_contains "$T/cal/actions/calendar/all.ics" 'TRIGGER:-P3D'
assert_eq "$(grep -c '^BEGIN:VEVENT' "$T/cal/actions/calendar/owner/lee-park.ics")" 2 "Lee Park's open dated items"
assert_contains "$T/cal/actions/index.html" '<a href="../actions/calendar/all.ics">'
assert_contains "$T/cal/owners/lee-park/index.html" '<a href="../../actions/calendar/owner/lee-park.ics">'
assert_contains "$T/cal/services/search/index.html" '<a href="../../actions/calendar/service/search.ics">'

t_begin "calendars: UIDs are stable and the bytes depend only on the sources and the as-of date"
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/cal2" --as-of 2024-05-01 --base-url https://kb.example.com/kb --quiet --jobs 1
assert_same_tree "$T/cal/actions/calendar" "$T/cal2/actions/calendar"
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/cal3" --as-of 2024-06-01 --quiet
assert_eq "$(grep '^UID:' "$T/cal3/actions/calendar/all.ics")" "$(grep '^UID:' "$T/cal/actions/calendar/all.ics")" "UIDs on another day"
assert_contains "$T/cal3/actions/calendar/all.ics" 'URL:/postmortems/pm-1/'

t_begin "calendars: hostile and long titles fold at 75 octets and stay one event each"
site_with postmortems/pm-5.md '---
id: PM-5
title: "Long; and, hostile"
date: 2024-04-03
status: draft
severity: SEV3
action_items:
  - title: "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééé 漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字 end"
    due: 2024-05-02
  - title: "cr alone\rEND:VCALENDAR\rBEGIN:VEVENT\tUID:x"
    due: 2024-05-03
---
Body.'
assert_exit 0 "$AFTERMATH" build "$T/var" -o "$T/cal4" --as-of 2024-05-01 --quiet
assert_exit 0 /usr/bin/python3 tests/e2e/verify-ics.py "$T/cal4"
assert_eq "$(grep -c '^BEGIN:VEVENT' "$T/cal4/actions/calendar/all.ics")" 6 "events"
assert_eq "$(grep -c '^END:VCALENDAR' "$T/cal4/actions/calendar/all.ics")" 1 "calendars ended"

t_begin "calendars: none in a public build, and no link to them"
assert_no_file "$T/public/actions/calendar/all.ics"
assert_not_contains "$T/public/actions/index.html" 'calendar'

t_begin "review agenda: due ±14 days, late since --since, escalated, write-ups due, completion by team"
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/rv" --as-of 2024-05-01 --since 2024-04-15 --quiet
R="$T/rv/actions/review/index.html"
assert_contains "$R" '<h1>Follow-through review</h1>'
assert_contains "$R" 'As of <time datetime="2024-05-01">2024-05-01</time> · last review <time datetime="2024-04-15">2024-04-15</time>'
assert_eq "$(sed -n '/id="rv-late"/,/<\/section>/p' "$R" | grep -c 'class="rv-item"')" 1 "late since 2024-04-15 (PM-2's, due 2024-04-25)"
assert_eq "$(sed -n '/id="rv-due"/,/<\/section>/p' "$R" | grep -c 'class="rv-item"')" 2 "due 2024-04-17 to 2024-05-15"
assert_eq "$(sed -n '/id="rv-esc"/,/<\/section>/p' "$R" | grep -c '<span class="rv-to">→ Dana Boss</span>')" 1 "escalated, to Dana Boss"
assert_eq "$(sed -n '/id="rv-wu"/,/<\/section>/p' "$R" | grep -c '<li>')" 2 "write-ups late or due within 14 days"
assert_contains "$R" '<tr><th scope="row">Payments</th><td>1</td><td>3</td><td class="late">1</td><td class="late">1</td></tr>'
assert_contains "$R" '<tr><th scope="row">Discovery</th><td>0</td><td>1</td><td class="late">1</td><td>0</td></tr>'
assert_contains "$T/rv/actions/index.html" '<a href="../actions/review/">'

t_begin "review agenda: --since defaults to 14 days before the as-of date; bad --since is a usage error"
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/rv2" --as-of 2024-05-01 --quiet
assert_contains "$T/rv2/actions/review/index.html" 'last review <time datetime="2024-04-17">2024-04-17</time>'
assert_exit 0 "$AFTERMATH" build "$FX" -o "$T/rv3" --as-of 2024-05-01 --since 2024-04-26 --quiet
assert_contains "$T/rv3/actions/review/index.html" '<tr><th scope="row">Payments</th><td>0</td>'
assert_eq "$(sed -n '/id="rv-late"/,/<\/section>/p' "$T/rv3/actions/review/index.html" | grep -c 'class="rv-item"')" 0 "late since 2024-04-26"
assert_exit 2 "$AFTERMATH" build "$FX" -o "$T/rv4" --since yesterday
assert_stderr_contains 'invalid --since date "yesterday" (expected YYYY-MM-DD)'

t_begin "review agenda: internal builds only"
assert_no_file "$T/public/actions/review/index.html"
assert_not_contains "$T/public/actions/index.html" 'actions/review/'

t_begin "metrics: timeliness against policy.write_up_within"
assert_contains "$T/rv/metrics/index.html" 'Against the policy'"'"'s deadline for their severity (<code>write_up_within</code>), <strong>100%</strong> of 1 postmortem were on time.'
assert_not_contains "$T/plain/metrics/index.html" 'Against the policy'

t_begin "lint: an item whose due date the policy gives is not reported as having none"
assert_exit 0 "$AFTERMATH" check "$FX" --as-of 2024-05-01
assert_not_contains "$ERR" '"Alert on pool saturation" has no due date'
site_with site.yaml 'severities: [SEV1, SEV2, SEV3]'
assert_exit 0 "$AFTERMATH" check "$T/var" --as-of 2024-05-01
assert_stderr_contains '"Alert on pool saturation" has no due date'
