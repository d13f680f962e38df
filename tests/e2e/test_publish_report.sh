# The publish report of `check --profile public` (publish.c), line for line,
# in text and in JSON, for the canary fixture with what it lacks added: a
# title not checked, one checked only where it stands alone, one cut at 80
# characters (not bytes) with quotes and a backslash, a strip list without
# authors, singular counts (1 action-item owner, 1 ticket, 1 redaction), a
# rule that matched nothing and deny strings that need quoting.  The whole
# report is compared because a reviewer reads all of it before a release:
# a count, a heading or a line that goes missing is a release audited blind.
# (When the report's format changes on purpose, update the expected text.)

publish_site() { # the canary fixture with the additions above, in $T/site
	cp -r "$ROOT/tests/fixtures/public-canary" "$T/site"
	python3 - "$T/site" <<'EOF'
import sys, os
d = sys.argv[1]
p = os.path.join(d, "site.yaml")
s = open(p).read()
s = s.replace("strip: [owner, authors, action_items.owner, action_items.ticket]",
              "strip: [owner, action_items.owner, action_items.ticket]")
s = s.replace("      replace: '[internal host]'\n",
              "      replace: '[internal host]'\n"
              "    - pattern: 'Canaryonce\\d+'\n      replace: 'a number'\n"
              "    - pattern: 'NEVERMATCHES\\d+'\n      replace: 'a \"quoted\" \\\\ one'\n")
s = s.replace("deny: [Project Canarydeny]", "deny: [Project Canarydeny, 'say \"hi\" \\ there']")
open(p, "w").write(s)
def pm(name, text):
    open(os.path.join(d, "postmortems", "2025", name), "w").write(text)
def left_out(name, id_, title):
    pm(name, "---\nid: %s\ntitle: %s\ndate: 2025-05-01\nstatus: complete\nseverity: SEV3\n"
             "visibility: internal\n---\nBody.\n" % (id_, title))
left_out("can-104.md", "CAN-104", "Outage")
left_out("can-105.md", "CAN-105", "Canaryshort slow deploys")
left_out("can-106.md", "CAN-106", "'Canarylong \"quoted\" back\\slash t\u00edtulo with \u00fcn\u00efc\u00f6d\u00e9 "
         "letters that goes on and on well past eighty characters'")
pm("can-203.md", """---
id: CAN-203
title: Queue backlog after a config push
date: 2025-06-01
status: complete
severity: SEV3
visibility: public
owner: Canaryowner Seventh
authors: [Canaryauthor Eighth]
summary: A queue backed up.
services: [queue]
action_items:
  - title: Add a config rollout check
    owner: Canaryaiowner Ninth
    ticket: CANARYTICKET-99
    due: 2025-07-01
    status: open
    priority: must
---
The queue held Canaryonce42 messages.
""")
EOF
}

t_begin "publish report (text): every section line for line: counts, singulars, a title cut at 80 characters, quoting"
publish_site
cd "$T" || exit 3
run "$AFTERMATH" check site --profile public --as-of 2026-11-23
cd "$ROOT" || exit 3
assert_eq "$RC" 0 "exit of check --profile public"
cat >"$T/want.txt" <<'EOF'
publish report for site (public profile): 3 of 9 postmortems published

published (3):
  site/postmortems/2025/can-203.md  CAN-203 as 2025-06-01-queue  2025-06-01  Queue backlog after a config push
  site/postmortems/2025/can-202.md  CAN-202 as 2025-03-04-slow  2025-03-04  Slow search results during a regional network incident
  site/postmortems/2024/can-201.md  CAN-201 as 2024-06-12-checkout  2024-06-12  Checkout errors through [internal host]
  site/pages/about.md  page /about/  About these postmortems

left out (6): the build fails if one of their ids or titles is in the output
  site/postmortems/2024/can-101.md:2  CAN-101  "Canarytitleinternal payments outage after a database failover"
  site/postmortems/2024/can-102.md:2  CAN-102  "Canarytitledraft checkout errors during a deploy"
  site/postmortems/2025/can-103.md:2  CAN-103  "Canarytitlereview search outage after an index swap"
  site/postmortems/2025/can-104.md:2  CAN-104  "Outage" (title not checked: fewer than 2 words or 10 characters)
  site/postmortems/2025/can-105.md:2  CAN-105  "Canaryshort slow deploys" (title checked where it stands alone: shorter than 6 words or 30 characters)
  site/postmortems/2025/can-106.md:2  CAN-106  "Canarylong \"quoted\" back\\slash título with ünïcödé letters that goes on and on w..."

stripped (public.strip: owner action_items.owner action_items.ticket):
  CAN-203: 1 owner, 1 action-item owner, 1 ticket
  CAN-202: 1 owner
  CAN-201: 1 owner, 2 action-item owners, 2 tickets

internal blocks removed (2):
  site/pages/about.md:6-8
  site/postmortems/2024/can-201.md:45-47  CAN-201

redactions (12):
  site/postmortems/2024/can-201.md:3:32: title: "api.corp.canaryhost.example" -> "[internal host]" (rule 2)
  site/postmortems/2024/can-201.md:10:30: summary: "Canarycustomer Inc" -> "a customer" (scripts/redact.lua)
  site/postmortems/2024/can-201.md:10:55: summary: "10.20.30.40" -> "[internal address]" (rule 1)
  site/postmortems/2024/can-201.md:24:16: impact.description: "Canaryclient GmbH" -> "a customer" (scripts/redact.lua)
  site/postmortems/2024/can-201.md:33:17: action_items.title: "Canarycustomer Inc" -> "a customer" (scripts/redact.lua)
  site/postmortems/2024/can-201.md:43:1: body: "db-7.corp.canaryhost.example" -> "[internal host]" (rule 2)
  site/postmortems/2024/can-201.md:43:33: body: "10.20.30.41" -> "[internal address]" (rule 1)
  site/postmortems/2024/can-201.md:52:1: body: "Canarycustomer Inc" -> "a customer" (scripts/redact.lua)
  site/postmortems/2025/can-202.md:25:34: body: "owner: Canarybodyowner Fifth" -> "" (public.strip)
  site/postmortems/2025/can-202.md:25:97: body: "ticket: CANARYBODYTICKET-9" -> "" (public.strip)
  site/postmortems/2025/can-202.md:26:34: body: "owner: Canarybodyowner Sixth" -> "" (public.strip)
  site/postmortems/2025/can-203.md:20:16: body: "Canaryonce42" -> "a number" (rule 3)
  rule 1 at site/site.yaml:10: '\b10\.\d+\.\d+\.\d+\b' -> "[internal address]": 2 redactions
  rule 2 at site/site.yaml:12: '(?i)\b[a-z0-9-]+\.corp\.canaryhost\.example\b' -> "[internal host]": 2 redactions
  rule 3 at site/site.yaml:14: 'Canaryonce\d+' -> "a number": 1 redaction
  rule 4 at site/site.yaml:16: 'NEVERMATCHES\d+' -> "a \"quoted\" \\\\ one": 0 redactions

denied (public.deny, 2): the build fails if one is in the output
  "Project Canarydeny"
  "say \"hi\" \\ there"
EOF
assert_eq "$(diff "$T/want.txt" "$OUT")" "" "the report against the expected text"

t_begin "publish report (JSON): every section line for line, and valid JSON"
cd "$T" || exit 3
run "$AFTERMATH" check site --profile public --as-of 2026-11-23 --format json
cd "$ROOT" || exit 3
assert_eq "$RC" 0 "exit of check --profile public --format json"
assert_eq "$(node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log("ok")' "$OUT")" ok "JSON.parse"
cat >"$T/want.json" <<'EOF'
{"profile": "public",
"published": [
  {"id": "CAN-203", "public_id": "2025-06-01-queue", "title": "Queue backlog after a config push", "path": "site/postmortems/2025/can-203.md"},
  {"id": "CAN-202", "public_id": "2025-03-04-slow", "title": "Slow search results during a regional network incident", "path": "site/postmortems/2025/can-202.md"},
  {"id": "CAN-201", "public_id": "2024-06-12-checkout", "title": "Checkout errors through [internal host]", "path": "site/postmortems/2024/can-201.md"}],
"left_out": [
  {"id": "CAN-101", "title": "Canarytitleinternal payments outage after a database failover", "path": "site/postmortems/2024/can-101.md", "line": 2, "title_checked": "anywhere", "because": null},
  {"id": "CAN-102", "title": "Canarytitledraft checkout errors during a deploy", "path": "site/postmortems/2024/can-102.md", "line": 2, "title_checked": "anywhere", "because": null},
  {"id": "CAN-103", "title": "Canarytitlereview search outage after an index swap", "path": "site/postmortems/2025/can-103.md", "line": 2, "title_checked": "anywhere", "because": null},
  {"id": "CAN-104", "title": "Outage", "path": "site/postmortems/2025/can-104.md", "line": 2, "title_checked": "no", "because": "fewer than 2 words or 10 characters"},
  {"id": "CAN-105", "title": "Canaryshort slow deploys", "path": "site/postmortems/2025/can-105.md", "line": 2, "title_checked": "alone", "because": "shorter than 6 words or 30 characters"},
  {"id": "CAN-106", "title": "Canarylong \"quoted\" back\\slash título with ünïcödé letters that goes on and on well past eighty characters", "path": "site/postmortems/2025/can-106.md", "line": 2, "title_checked": "anywhere", "because": null}],
"strip": ["owner", "action_items.owner", "action_items.ticket"],
"stripped": [
  {"id": "CAN-203", "fields": {"owner": 1, "action_items.owner": 1, "action_items.ticket": 1}},
  {"id": "CAN-202", "fields": {"owner": 1}},
  {"id": "CAN-201", "fields": {"owner": 1, "action_items.owner": 2, "action_items.ticket": 2}}],
"internal_blocks": [
  {"path": "site/pages/about.md", "first": 6, "last": 8, "id": null},
  {"path": "site/postmortems/2024/can-201.md", "first": 45, "last": 47, "id": "CAN-201"}],
"redactions": [
  {"path": "site/postmortems/2024/can-201.md", "line": 3, "col": 32, "id": "CAN-201", "field": "title", "before": "api.corp.canaryhost.example", "after": "[internal host]", "rule": 2},
  {"path": "site/postmortems/2024/can-201.md", "line": 10, "col": 30, "id": "CAN-201", "field": "summary", "before": "Canarycustomer Inc", "after": "a customer", "rule": "scripts/redact.lua"},
  {"path": "site/postmortems/2024/can-201.md", "line": 10, "col": 55, "id": "CAN-201", "field": "summary", "before": "10.20.30.40", "after": "[internal address]", "rule": 1},
  {"path": "site/postmortems/2024/can-201.md", "line": 24, "col": 16, "id": "CAN-201", "field": "impact.description", "before": "Canaryclient GmbH", "after": "a customer", "rule": "scripts/redact.lua"},
  {"path": "site/postmortems/2024/can-201.md", "line": 33, "col": 17, "id": "CAN-201", "field": "action_items.title", "before": "Canarycustomer Inc", "after": "a customer", "rule": "scripts/redact.lua"},
  {"path": "site/postmortems/2024/can-201.md", "line": 43, "col": 1, "id": "CAN-201", "field": "body", "before": "db-7.corp.canaryhost.example", "after": "[internal host]", "rule": 2},
  {"path": "site/postmortems/2024/can-201.md", "line": 43, "col": 33, "id": "CAN-201", "field": "body", "before": "10.20.30.41", "after": "[internal address]", "rule": 1},
  {"path": "site/postmortems/2024/can-201.md", "line": 52, "col": 1, "id": "CAN-201", "field": "body", "before": "Canarycustomer Inc", "after": "a customer", "rule": "scripts/redact.lua"},
  {"path": "site/postmortems/2025/can-202.md", "line": 25, "col": 34, "id": "CAN-202", "field": "body", "before": "owner: Canarybodyowner Fifth", "after": "", "rule": "public.strip"},
  {"path": "site/postmortems/2025/can-202.md", "line": 25, "col": 97, "id": "CAN-202", "field": "body", "before": "ticket: CANARYBODYTICKET-9", "after": "", "rule": "public.strip"},
  {"path": "site/postmortems/2025/can-202.md", "line": 26, "col": 34, "id": "CAN-202", "field": "body", "before": "owner: Canarybodyowner Sixth", "after": "", "rule": "public.strip"},
  {"path": "site/postmortems/2025/can-203.md", "line": 20, "col": 16, "id": "CAN-203", "field": "body", "before": "Canaryonce42", "after": "a number", "rule": 3}],
"deny": ["Project Canarydeny", "say \"hi\" \\ there"],
EOF
assert_eq "$(sed '/^"diagnostics"/,$d' "$OUT" | diff "$T/want.json" -)" "" "the JSON report (before its diagnostics) against the expected text"

t_begin "publish report with public.show_ids: the internal ids, no public ones"
sed -i 's/^public:$/public:\n  show_ids: true/' "$T/site/site.yaml"
cd "$T" || exit 3
run "$AFTERMATH" check site --profile public --as-of 2026-11-23
cd "$ROOT" || exit 3
assert_eq "$RC" 0 "exit of check --profile public (show_ids)"
assert_stdout_contains "  site/postmortems/2025/can-203.md  CAN-203  2025-06-01  Queue backlog after a config push"
assert_stdout_contains "  CAN-201: 1 owner, 2 action-item owners, 2 tickets"
assert_not_contains "$OUT" " as 2025-"
