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
