# Atomic output: a failed build leaves the previous site untouched; refusals.
t_begin "a failed build keeps the previous output byte-identical"
cp -R tests/fixtures/site "$T/src"
assert_exit 0 "$AFTERMATH" build "$T/src" -o "$T/out" --as-of 2026-11-23
cp -R "$T/out" "$T/before"
printf -- '---\nid: FX-001\ntitle: Duplicate\ndate: 2024-01-01\n---\n' > "$T/src/postmortems/dup.md"
assert_exit 1 "$AFTERMATH" build "$T/src" -o "$T/out" --as-of 2026-11-23
assert_stderr_contains 'duplicate id "FX-001"'
assert_same_tree "$T/before" "$T/out"
assert_eq "$(ls -a "$T" | grep -c aftermath-tmp)" 0 "temporary directories left"

t_begin "stale files do not survive a successful build"
rm "$T/src/postmortems/dup.md" "$T/src/postmortems/2025/fx-004.md"
assert_exit 0 "$AFTERMATH" build "$T/src" -o "$T/out" --as-of 2026-11-23
assert_no_file "$T/out/postmortems/fx-004/index.html"
assert_file "$T/out/postmortems/fx-003/index.html"

t_begin "refuses the content directory and its ancestors"
assert_exit 2 "$AFTERMATH" build "$T/src" -o "$T/src"
assert_stderr_contains "refusing to write the site over the content directory"
assert_exit 2 "$AFTERMATH" build "$T/src" -o "$T"
assert_file "$T/src/site.yaml"

t_begin "refuses a foreign non-empty directory and touches nothing in it"
mkdir -p "$T/foreign" && echo precious > "$T/foreign/notes.txt"
assert_exit 2 "$AFTERMATH" build "$T/src" -o "$T/foreign"
assert_stderr_contains "refusing to replace a non-empty directory that aftermath did not create"
assert_eq "$(cat "$T/foreign/notes.txt")" precious "foreign file"
assert_eq "$(ls -A "$T/foreign" | wc -l)" 1 "files in the foreign directory"

t_begin "refuses /"
assert_exit 2 "$AFTERMATH" build "$T/src" -o /
assert_stderr_contains "refusing to write the site to /"

t_begin "an empty existing directory is fine"
mkdir -p "$T/empty"
assert_exit 0 "$AFTERMATH" build "$T/src" -o "$T/empty"
assert_file "$T/empty/.aftermath-output"

t_begin "an endless loop in a template fails the build in seconds, on every worker, and keeps the old site"
cp -R tests/fixtures/site "$T/spin"
assert_exit 0 "$AFTERMATH" build "$T/spin" -o "$T/spin-out" --as-of 2026-11-23 --quiet
cp -R "$T/spin-out" "$T/spin-before"
mkdir -p "$T/spin/layouts"
printf '<p>{{ pm.title }}</p>\n{%% while true do end %%}\n' > "$T/spin/layouts/postmortem.html"
start=$(date +%s)
assert_exit 1 "$AFTERMATH" build "$T/spin" -o "$T/spin-out" --as-of 2026-11-23 --jobs 2
assert_stderr_contains "$T/spin/layouts/postmortem.html:2: error: time budget of 1000 ms exceeded (endless loop?)"
[ $(( $(date +%s) - start )) -lt 30 ] && _pass || _fail "the endless template took too long"
assert_same_tree "$T/spin-before" "$T/spin-out"
