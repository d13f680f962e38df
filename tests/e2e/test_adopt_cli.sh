# Adoption (issue 20), the command line: --version, help COMMAND,
# SOURCE_DATE_EPOCH that is set must be meant, machine formats on stdout,
# GitLab's Code Quality report, check's summary line.

# json FILE EXPR: evaluate EXPR with d = FILE's JSON (fails on invalid JSON).
adopt_json() { node -e "const d = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8')); console.log($2)" "$1"; }

t_begin "--version prints the version the build was made at"
assert_exit 0 "$AFTERMATH" --version
assert_eq "$(cat "$OUT")" "aftermath $(scripts/version)" "--version"
assert_eq "$(cat "$ERR")" "" "stderr of --version"
assert_exit 0 "$AFTERMATH" build --version
assert_eq "$(cat "$OUT")" "aftermath $(scripts/version)" "build --version"

t_begin "a release tarball (no .git) gets the plain version of its VERSION file"
mkdir -p "$T/rel/scripts"
cp scripts/version "$T/rel/scripts/"
echo 2.3.4 > "$T/rel/VERSION"
assert_eq "$("$T/rel/scripts/version")" "2.3.4" "version without .git"

t_begin "help COMMAND and COMMAND --help print that command's options"
for cmd in build check new serve stats init help; do
	assert_exit 0 "$AFTERMATH" help "$cmd"
	assert_stdout_contains "usage: aftermath $cmd"
	cp "$OUT" "$T/help-$cmd"
	if [ "$cmd" != help ]; then
		assert_exit 0 "$AFTERMATH" "$cmd" --help
		assert_eq "$(cat "$OUT")" "$(cat "$T/help-$cmd")" "$cmd --help and help $cmd"
	fi
done
assert_contains "$T/help-check" "--format"
assert_contains "$T/help-check" "gitlab"
assert_contains "$T/help-init" "non-empty"
assert_exit 0 "$AFTERMATH" help
assert_stdout_contains "init [DIR]"
assert_exit 2 "$AFTERMATH" help frobnicate
assert_stderr_contains 'no help for "frobnicate" (expected build, check, init, new, overdue, serve, stats or help)'

t_begin "SOURCE_DATE_EPOCH set but empty or malformed is a usage error naming it"
for bad in "" "abc" " 1706659200" "-5" "17e8" "1706659200x"; do
	assert_exit 2 env SOURCE_DATE_EPOCH="$bad" "$AFTERMATH" build tests/fixtures/site -o "$T/sde-bad"
	assert_stderr_contains "invalid SOURCE_DATE_EPOCH \"$bad\" (expected seconds since 1970; unset it to build as of today)"
	assert_no_file "$T/sde-bad"
	assert_exit 2 env SOURCE_DATE_EPOCH="$bad" "$AFTERMATH" check tests/fixtures/site
done
assert_exit 0 env SOURCE_DATE_EPOCH=1706659200 "$AFTERMATH" build tests/fixtures/site -o "$T/sde-good" --quiet
assert_contains "$T/sde-good/api/stats.json" '"as_of": "2024-01-31"'
# --as-of wins: the variable is not read at all
assert_exit 0 env SOURCE_DATE_EPOCH= "$AFTERMATH" build tests/fixtures/site -o "$T/sde-asof" --as-of 2024-02-01 --quiet
assert_exit 0 env -u SOURCE_DATE_EPOCH "$AFTERMATH" check tests/fixtures/site

t_begin "check --format json: the JSON on stdout, nothing else there or on stderr"
B=tests/fixtures/broken
assert_exit 1 "$AFTERMATH" check $B --format json
cp "$OUT" "$T/broken.json"
assert_eq "$(cat "$ERR")" "" "stderr of check --format json"
assert_eq "$(adopt_json "$T/broken.json" 'd.length')" 7 "diagnostics in the JSON"
assert_eq "$(adopt_json "$T/broken.json" 'd.filter(x => x.severity === "error").length')" 7 "errors in the JSON"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint-clean --format json
assert_eq "$(cat "$OUT")" "[]" "stdout of a clean check --format json"
assert_eq "$(cat "$ERR")" "" "stderr of a clean check --format json"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint --format json
assert_eq "$(adopt_json "$OUT" 'd.filter(x => x.severity === "warning").length')" 27 "warnings in the JSON"
# a pipe gets it: the JSON is the whole of stdout
assert_eq "$("$AFTERMATH" check $B --format json 2>/dev/null | node -e 'let s="";process.stdin.on("data",c=>s+=c).on("end",()=>console.log(JSON.parse(s)[0].rule === null ? "null rule" : "?"))')" "null rule" "check | node"

t_begin "check --profile public --format json: one JSON object, the diagnostics inside"
assert_exit 0 "$AFTERMATH" check tests/fixtures/public-canary --profile public --as-of 2026-11-23 --format json
assert_eq "$(adopt_json "$OUT" 'd.profile + " " + Array.isArray(d.diagnostics) + " " + Array.isArray(d.published)')" "public true true" "publish report with diagnostics"
assert_exit 1 "$AFTERMATH" check $B --profile public --format json
assert_eq "$(adopt_json "$OUT" 'd.diagnostics.length > 0 && d.diagnostics.every(x => x.severity === "error")')" true "diagnostics inside the publish report"

t_begin "--format gitlab: GitLab's Code Quality report on stdout"
assert_exit 1 "$AFTERMATH" check $B --format gitlab
cp "$OUT" "$T/gl1.json"
assert_eq "$(cat "$ERR")" "" "stderr of check --format gitlab"
assert_eq "$(adopt_json "$T/gl1.json" 'd.length')" 7 "findings"
assert_eq "$(adopt_json "$T/gl1.json" 'd.every(x => typeof x.description === "string" && x.description.length > 0 && x.check_name === "aftermath" && /^[0-9a-f]{32}$/.test(x.fingerprint) && x.severity === "major" && x.location.path.startsWith("tests/fixtures/broken/postmortems/") && Number.isInteger(x.location.lines.begin) && x.location.lines.begin >= 1)')" true "every finding has the fields GitLab reads"
assert_eq "$(adopt_json "$T/gl1.json" 'new Set(d.map(x => x.fingerprint)).size')" 7 "distinct fingerprints"
assert_eq "$(adopt_json "$T/gl1.json" 'd.find(x => x.description.includes("SEV9")).location.lines.begin')" 5 "line of the SEV9 finding"
assert_exit 1 "$AFTERMATH" check $B --format gitlab
assert_eq "$(cat "$OUT")" "$(cat "$T/gl1.json")" "the same report on a second run (stable fingerprints)"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint --format gitlab
assert_eq "$(adopt_json "$OUT" 'd.filter(x => x.severity === "minor" && x.check_name === "blame-language").length > 0')" true "lint warnings: minor, named by their rule"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint-clean --format gitlab
assert_eq "$(cat "$OUT")" "[]" "a clean report"
assert_exit 2 "$AFTERMATH" check $B --format gitlib
assert_stderr_contains 'unknown format "gitlib" (expected text, json, github or gitlab)'

t_begin "check ends with a one-line summary on stderr in text mode"
assert_exit 1 "$AFTERMATH" check $B
assert_eq "$(tail -1 "$ERR")" "aftermath: 1 postmortem checked: 7 errors in 5 files" "summary of the broken fixture"
assert_eq "$(cat "$OUT")" "" "stdout of check"
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint
assert_eq "$(tail -1 "$ERR")" "aftermath: 12 postmortems checked: 27 warnings in 9 files" "summary of warnings"
mkdir -p "$T/mixed/postmortems"
printf -- '---\nid: M-1\ntitle: T\ndate: 2024-01-01\nseverity: SEV9\n---\n' > "$T/mixed/postmortems/a.md"
printf -- '---\nid: M-2\ntitle: T\ndate: 2024-01-01\nimpact:\n  started: 2024-01-01T10:00:00Z\n  resolved: 2024-01-01T09:00:00Z\n---\n' > "$T/mixed/postmortems/b.md"
assert_exit 1 "$AFTERMATH" check "$T/mixed"
assert_stderr_matches '^aftermath: [0-9]+ postmortems? checked: 1 error and 1 warning in 2 files$'
assert_exit 0 "$AFTERMATH" check tests/fixtures/lint-clean
assert_eq "$(tail -1 "$ERR")" "aftermath: 1 postmortem checked: no errors or warnings" "summary of a clean check"
assert_exit 1 "$AFTERMATH" check $B --quiet
assert_not_contains "$ERR" "postmortems checked"
assert_exit 1 "$AFTERMATH" check $B --format github
assert_not_contains "$ERR" "postmortems checked"
