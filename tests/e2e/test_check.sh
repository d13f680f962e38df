# aftermath check: every problem of every file, compiler-style, exit 1.
B=tests/fixtures/broken
t_begin "check reports every problem and exits 1"
assert_exit 1 "$AFTERMATH" check $B
assert_stderr_contains "$B/postmortems/a-dangling.md:5:11: error: unknown postmortem \"BR-404\" in related (no postmortem has this id)"
assert_stderr_contains "$B/postmortems/a-dangling.md:7:5: error: unknown postmortem \"BR-405\" in a [[link]] (no postmortem has this id)"
assert_stderr_contains "$B/postmortems/b-enums.md:5:11: error: unknown severity \"SEV9\" (expected SEV1, SEV2, SEV3, SEV4)"
assert_stderr_contains "$B/postmortems/b-enums.md:6:9: error: unknown status \"finished\" (expected draft, in-review, complete)"
assert_stderr_contains "$B/postmortems/c-duplicate.md:2:5: error: duplicate id \"BR-1\" (already used by $B/postmortems/a-dangling.md:2)"
assert_stderr_contains "$B/postmortems/d-yaml.md:"
assert_stderr_contains "error: invalid YAML"
assert_stderr_contains "$B/postmortems/e-nofence.md:1:1: error: missing front matter: the file must start with a line \"---\""
assert_eq "$(grep -c ': error: ' "$ERR")" 7 "error count"

t_begin "diagnostics are sorted by file and line"
assert_eq "$(grep -v '^aftermath: ' "$ERR" | grep -o '^[^:]*' | uniq | tr '\n' ' ')" "$B/postmortems/a-dangling.md $B/postmortems/b-enums.md $B/postmortems/c-duplicate.md $B/postmortems/d-yaml.md $B/postmortems/e-nofence.md " "file order"

t_begin "a failed build writes nothing"
assert_exit 1 "$AFTERMATH" build $B -o "$T/out"
assert_no_file "$T/out"

t_begin "--format json (on stdout)"
assert_exit 1 "$AFTERMATH" check $B --format json
cp "$OUT" "$T/diag.json"
assert_exit 0 node -e "const d = JSON.parse(require('fs').readFileSync('$T/diag.json', 'utf8')); if (d.length !== 7 || d[0].line !== 5 || d[0].column !== 11 || d[0].severity !== 'error' || !d[0].file.endsWith('a-dangling.md')) process.exit(1)"

t_begin "--format github"
assert_exit 1 "$AFTERMATH" check $B --format github
assert_stderr_contains "::error file=$B/postmortems/b-enums.md,line=5,col=11::unknown severity \"SEV9\" (expected SEV1, SEV2, SEV3, SEV4)"

t_begin "warnings fail only under --strict"
mkdir -p "$T/w/postmortems"
printf -- '---\nid: W-1\ntitle: T\ndate: 2024-01-01\nimpact:\n  started: 2024-01-01T10:00:00Z\n  resolved: 2024-01-01T09:00:00Z\n---\n' > "$T/w/postmortems/w.md"
assert_exit 0 "$AFTERMATH" check "$T/w"
assert_stderr_contains "$T/w/postmortems/w.md:7:13: warning: impact.resolved is before impact.started"
assert_exit 1 "$AFTERMATH" check "$T/w" --strict
assert_exit 1 "$AFTERMATH" build "$T/w" -o "$T/wout" --strict
assert_no_file "$T/wout"

t_begin "the sample site checks clean"
assert_exit 0 "$AFTERMATH" check content --strict

t_begin "a page cannot take a generated page's URL or another page's"
cp -R tests/fixtures/site "$T/pages-site"
printf -- '---\ntitle: Ours\n---\nHello\n' > "$T/pages-site/pages/actions.md"
printf -- '---\ntitle: Ours\n---\nHello\n' > "$T/pages-site/pages/search.md"
printf -- '---\ntitle: One\n---\nHello\n' > "$T/pages-site/pages/On Call.md"
printf -- '---\ntitle: Two\n---\nHello\n' > "$T/pages-site/pages/on-call.md"
assert_exit 1 "$AFTERMATH" check "$T/pages-site"
assert_stderr_contains "$T/pages-site/pages/actions.md:1:1: error: pages/actions.md would be at /actions/, which aftermath's own pages use (expected another file name)"
assert_stderr_contains "$T/pages-site/pages/search.md:1:1: error: pages/search.md would be at /search/, which aftermath's own pages use (expected another file name)"
assert_stderr_contains "$T/pages-site/pages/on-call.md:1:1: error: pages/on-call.md has the URL /on-call/ of pages/On Call.md (expected one page per URL)"
rm "$T/pages-site/pages/actions.md" "$T/pages-site/pages/search.md" "$T/pages-site/pages/on-call.md"
assert_exit 0 "$AFTERMATH" build "$T/pages-site" -o "$T/pages-out" --as-of 2026-11-23
assert_contains "$T/pages-out/on-call/index.html" "<title>One"

t_begin "a template that fails on every page is reported once, with a count"
cp -R tests/fixtures/site "$T/terr"
mkdir -p "$T/terr/layouts"
printf '{{ pm.nope.x }}\n' > "$T/terr/layouts/postmortem.html"
assert_exit 1 "$AFTERMATH" build "$T/terr" -o "$T/terr-out" --as-of 2026-11-23
assert_eq "$(grep -c 'postmortem.html:1: error' "$ERR")" 1 "lines for the failing template"
assert_stderr_contains "$T/terr/layouts/postmortem.html:1: error: attempt to index a nil value (field 'nope') (4 times)"
run "$AFTERMATH" build "$T/terr" -o "$T/terr-out" --as-of 2026-11-23 --format json
assert_eq "$RC" 1 "exit of the build with --format json"
assert_stdout_contains '"times": 4'

t_begin "every problem of a file in one run: its fields, its services, its body"
mkdir -p "$T/all/postmortems"
printf 'services:\n  checkout-api: {}\n' > "$T/all/site.yaml"
printf -- '---\nid: ALL-1\ntitle: Three\ndate: 2024-02-30\nseverity: SEV9\nstatus: finished\nservices: [checkout-api, cart]\n---\n## Action items\n\n- [ ] Fix it (owner: Ana, due: someday)\n' > "$T/all/postmortems/a.md"
assert_exit 1 "$AFTERMATH" check "$T/all"
assert_stderr_contains "$T/all/postmortems/a.md:4:7: error: date \"2024-02-30\" is not a date (expected YYYY-MM-DD"
assert_stderr_contains "$T/all/postmortems/a.md:5:11: error: unknown severity \"SEV9\" (expected SEV1, SEV2, SEV3, SEV4)"
assert_stderr_contains "$T/all/postmortems/a.md:6:9: error: unknown status \"finished\" (expected draft, in-review, complete)"
assert_stderr_contains "$T/all/postmortems/a.md:7:26: error: unknown service \"cart\" (not in site.yaml's services registry; add it there or use a registered name)"
assert_stderr_contains "$T/all/postmortems/a.md:11:32: error: due \"someday\" in action item is not a date (expected YYYY-MM-DD)"
assert_stderr_contains "aftermath: 0 postmortems checked: 5 errors in 1 file"
# the same services error in a file with nothing else wrong: told once
printf -- '---\nid: ALL-2\ntitle: One\ndate: 2024-02-03\nservices: [cart]\n---\n' > "$T/all/postmortems/b.md"
assert_exit 1 "$AFTERMATH" check "$T/all"
assert_eq "$(grep -c 'b.md:5:12: error: unknown service "cart"' "$ERR")" 1 "reports of b.md's service"
assert_eq "$(grep -c 'a.md:7:26: error: unknown service "cart"' "$ERR")" 1 "reports of a.md's service"
