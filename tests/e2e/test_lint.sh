# Lint rules: each fires on its bad fixture, at the right line, and not on a clean one.
t_begin "every rule fires on its fixture with the expected diagnostics"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint
grep -v '^aftermath: ' "$ERR" > "$T/got.txt"
if diff -u tests/fixtures/lint/expected.txt "$T/got.txt" > "$T/lint.diff"; then _pass; else _fail "lint output differs"; cat "$T/lint.diff" >&2; fi

t_begin "blaming sentences are flagged at their line, a specific item is left alone"
assert_contains "$T/got.txt" 'blame.md:29:45: warning: "should have" judges a past decision'
assert_contains "$T/got.txt" 'vague.md:8:5: warning: action item "Improve monitoring" is vague'
assert_not_contains "$T/got.txt" 'Investigate the pool'

t_begin "a clean postmortem passes every rule"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint-clean --strict
assert_stderr_contains "aftermath: 1 postmortem checked: no errors or warnings"

t_begin "warnings fail check --strict"
assert_exit 1 "$AFTERMATH" check tests/fixtures/lint --strict

t_begin "site.yaml re-levels rules and a site adds its own"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint-site
assert_stderr_contains 'clean.md:8:5: warning: action item "Raise the cart pool limit to 200 connections" has no ticket [ticket-required]'
assert_not_contains "$ERR" "missing-sections"

t_begin "a rule that loops forever fails fast with its file and line"
mkdir -p "$T/loop/postmortems" "$T/loop/scripts/lint"
cp tests/fixtures/lint-clean/postmortems/clean.md "$T/loop/postmortems/"
printf 'return { id = "loop", check = function(pm, report)\n  while true do end\nend }\n' > "$T/loop/scripts/lint/loop.lua"
start=$(date +%s)
assert_exit 1 "$AFTERMATH" check "$T/loop"
assert_stderr_contains "$T/loop/scripts/lint/loop.lua:2: error: "
assert_stderr_contains "time budget of 1000 ms exceeded (endless loop?)"
[ $(( $(date +%s) - start )) -lt 20 ] && _pass || _fail "the endless rule took too long"

t_begin "the sandbox has no os.execute or io"
printf 'return { id = "evil", check = function(pm, report)\n  os.execute("touch /tmp/pwned-by-lint")\nend }\n' > "$T/loop/scripts/lint/loop.lua"
assert_exit 1 "$AFTERMATH" check "$T/loop"
assert_stderr_contains "attempt to call a nil value (field 'execute')"
assert_no_file /tmp/pwned-by-lint

t_begin "blame language across wrapped lines, in every section, and in the front matter's prose"
F=tests/fixtures/lint/postmortems/wrapped.md
assert_contains "$T/got.txt" "$F:19:51: warning: \"should have\" judges a past decision"
assert_contains "$T/got.txt" "$F:20:48: warning: \"should've\" judges a past decision"
assert_contains "$T/got.txt" "$F:36:40: warning: \"operator error\" ends the analysis"
assert_contains "$T/got.txt" "$F:45:45: warning: Lee is the subject of a failure"
assert_contains "$T/got.txt" "$F:7:10: warning: in summary: \"careless\" blames a person"
assert_contains "$T/got.txt" "$F:9:5: warning: in contributing_factors: \"human error\" ends the analysis"
assert_contains "$T/got.txt" "$F:10:12: warning: in contributing_factors: \"operator error\" ends the analysis"
assert_not_contains "$T/got.txt" "Ana is the subject"
assert_not_contains "$T/got.txt" "$F:54:"
assert_not_contains "$T/got.txt" "$F:55:"

t_begin "template text left in and sections with only a comment, TBD, TODO or nothing"
F=tests/fixtures/lint/postmortems/placeholder.md
assert_contains "$T/got.txt" "$F:3:8: warning: title is still the template's \"Untitled incident\" (expected your own words) [template-text]"
assert_contains "$T/got.txt" "$F:6:10: warning: summary is still the template's \"One or two sentences on what happened and who was affected.\""
assert_contains "$T/got.txt" "$F:9:16: warning: impact.description is still the template's"
assert_contains "$T/got.txt" "$F:27:1: warning: template text left in: \"| 00:00 | First sign of trouble |\" (expected your own words) [template-text]"
assert_contains "$T/got.txt" "$F:15:4: warning: section \"Summary\" holds only a comment (expected its text under the heading, or no heading) [empty-section]"
assert_contains "$T/got.txt" "$F:19:4: warning: section \"Impact\" holds only \"TBD\""
assert_contains "$T/got.txt" "$F:30:4: warning: section \"Root cause\" holds only \"- TODO: ask the database team\""
assert_contains "$T/got.txt" "$F:34:4: warning: section \"Detection\" holds nothing"
assert_not_contains "$T/got.txt" "section \"Lessons learned\""
assert_not_contains "$T/got.txt" "section \"Action items\""
assert_not_contains "$T/got.txt" "draft.md"

t_begin "a site's own template is the reference for template text"
mkdir -p "$T/own/postmortems" "$T/own/layouts/new"
printf -- '---\nid: {{id}}\ntitle: {{title}}\ndate: {{date}}\nsummary: Write the summary here.\n---\n## What happened\n\nDescribe the outage here.\n' > "$T/own/layouts/new/postmortem.md"
printf -- '---\nid: O-1\ntitle: Real\ndate: 2025-01-01\nstatus: complete\nsummary: Write the summary here.\n---\n## What happened\n\n  Describe the outage here.\n\nOne more line.\n' > "$T/own/postmortems/o.md"
assert_exit 0 "$AFTERMATH" check "$T/own"
assert_stderr_contains "$T/own/postmortems/o.md:6:10: warning: summary is still the template's \"Write the summary here.\""
assert_stderr_contains "$T/own/postmortems/o.md:10:3: warning: template text left in: \"Describe the outage here.\""

t_begin "success_criteria in a task-list annotation answers the vague-item advice"
F=tests/fixtures/lint/postmortems/annotated.md
assert_not_contains "$T/got.txt" 'action item "Improve alerting" is vague'
assert_contains "$T/got.txt" "$F:42:1: warning: action item \"Investigate timeouts\" is vague (\"investigate\"); add success_criteria or a measurable outcome"

t_begin "a fresh scaffold checks clean as a draft, and is told what is left once in review"
mkdir -p "$T/sc/postmortems"
assert_exit 0 "$AFTERMATH" new "$T/sc" --date 2025-01-01 --owner Ana -q
F=$(cat "$OUT")
assert_exit 0 "$AFTERMATH" check "$T/sc" --strict
sed -i 's/^status: draft/status: in-review/' "$F"
assert_exit 0 "$AFTERMATH" check "$T/sc"
assert_stderr_contains "$F:3:8: warning: title is still the template's \"Untitled incident\""
assert_stderr_contains "warning: template text left in: \"| 00:00 | First sign of trouble |\""
assert_stderr_contains "warning: section \"Root cause and contributing factors\" holds only a comment"
assert_stderr_contains "warning: section \"Where we got lucky\" holds nothing"
