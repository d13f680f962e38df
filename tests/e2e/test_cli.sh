# The command line: help, usage errors and exit codes.
t_begin "help"
assert_exit 0 "$AFTERMATH" --help
for cmd in build check new serve stats; do assert_stdout_contains "$cmd"; done

t_begin "no command"
assert_exit 2 "$AFTERMATH"

t_begin "unknown command"
assert_exit 2 "$AFTERMATH" frobnicate
assert_stderr_contains 'unknown command "frobnicate" (expected build, check, init, new, overdue, serve or stats)'

t_begin "unknown option"
assert_exit 2 "$AFTERMATH" build --bogus
assert_stderr_contains 'unknown option "--bogus"'

t_begin "an option without its value"
assert_exit 2 "$AFTERMATH" build tests/fixtures/site --jobs
assert_stderr_contains 'option --jobs needs a value'
assert_exit 2 "$AFTERMATH" build tests/fixtures/site -o
assert_stderr_contains 'option -o needs a value'

t_begin "bad --as-of"
assert_exit 2 "$AFTERMATH" build tests/fixtures/site --as-of 2026-13-01
assert_stderr_contains 'invalid --as-of date "2026-13-01" (expected YYYY-MM-DD)'

t_begin "bad --profile"
assert_exit 2 "$AFTERMATH" build tests/fixtures/site --profile secret
assert_stderr_contains 'unknown profile "secret" (expected internal or public)'

t_begin "missing content directory"
assert_exit 2 "$AFTERMATH" build "$T/nowhere" -o "$T/out"
assert_stderr_contains "content directory \"$T/nowhere\" not found"
assert_no_file "$T/out"

t_begin "a quiet build that works prints nothing (no allocator complaint about the settings the binary gives it)"
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/quiet" --as-of 2026-11-23 --quiet
# (but for the warning about the fixture's javascript: link, which --quiet keeps)
assert_eq "$(grep -v 'fx-002.md:38:3: warning: link URL "javascript:alert(1)" dropped' "$ERR")" "" "stderr of a quiet build"
assert_eq "$(cat "$OUT")" "" "stdout of a quiet build"

t_begin "--timings names the stages and the slowest templates"
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/timings" --as-of 2026-11-23 --timings
assert_stderr_contains "timings: parse "
assert_stderr_contains "timings: search index, api and feeds "
assert_stderr_matches "timings: pages [0-9.]+ s \(cpu [0-9.]+ s, peak RSS so far [0-9]+ MB\)"
# Which eight templates were slowest depends on the machine's load: check the lines' shape
# and count, not which templates they name (base.html fell out of them on a busy run).
assert_stderr_matches "timings:   template [a-z/-]+\.html: [0-9]+ calls.*, [0-9.]+ s \([0-9.]+ s with its partials\)"
assert_eq "$(grep -c '^timings:   template ' "$ERR")" 8 "template lines"

t_begin "messages count in the singular for one"
mkdir -p "$T/one/postmortems"
printf -- '---\nid: ONE-1\ntitle: One\ndate: 2025-01-01\nstatus: complete\nkind: drill\ncontributing_factors: [x]\n---\n## Action items\n\n- [ ] Raise the limit to 200 (owner: Ana, due: 2025-02-01)\n' > "$T/one/postmortems/one.md"
assert_exit 0 "$AFTERMATH" check "$T/one"
assert_stderr_contains "aftermath: 1 postmortem checked:"
assert_exit 0 "$AFTERMATH" build "$T/one" -o "$T/one-out" --as-of 2025-06-01
assert_stderr_contains "aftermath: built 1 postmortem into $T/one-out/"
assert_exit 0 "$AFTERMATH" stats "$T/one" --as-of 2025-06-01
assert_stdout_contains "1 postmortem, as of 2025-06-01"
assert_stdout_contains "0 incidents, 0 near-misses (durations exclude them), 1 drill"
assert_exit 0 "$AFTERMATH" check "$T/one" --explain "$T/one/postmortems/one.md"
assert_stdout_contains "action_items           1 item"
assert_not_contains "$ERR" "1 postmortems"
