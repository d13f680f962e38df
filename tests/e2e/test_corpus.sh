# A synthetic corpus of 1,000 postmortems: builds, one page each, same bytes for any --jobs.
GEN="$(dirname "$AFTERMATH")/gen-corpus"
t_begin "generate 1k"
assert_exit 0 "$GEN" 1000 "$T/c1k"

t_begin "1k builds with one page per postmortem"
assert_exit 0 "$AFTERMATH" build "$T/c1k" -o "$T/j1" --as-of 2026-11-23 --jobs 1
assert_eq "$(ls -I index.html "$T/j1/postmortems" | wc -l)" 1000 "postmortem pages"
assert_eq "$(grep -c '"id": "PM-' "$T/j1/api/postmortems.json")" 1000 "entries in postmortems.json"
assert_eq "$(find "$T/c1k/postmortems" -name '*.md' | wc -l)" 1000 "source files"

t_begin "a factor page lists its newest 25 recurrences and says how many there are"
f="$T/j1/factors/connection-pool-exhaustion/index.html"
recurred=$(sed -n '/<section class="callout callout-warn recurred"/,/<\/section>/p' "$f")
assert_eq "$(printf '%s' "$recurred" | grep -o '<li>' | wc -l)" 25 "recurrences listed"
assert_contains "$f" '<p class="note">The newest 25 of '
total=$(printf '%s' "$recurred" | sed -n 's/.*The newest 25 of \([0-9,]*\) recurrences.*/\1/p' | tr -d ,)
assert_eq "$([ "${total:-0}" -gt 25 ] && echo more)" more "recurrences counted beyond the listed ones"

t_begin "--jobs 1 and --jobs 2 give identical trees"
assert_exit 0 "$AFTERMATH" build "$T/c1k" -o "$T/j2" --as-of 2026-11-23 --jobs 2
assert_same_tree "$T/j1" "$T/j2"

t_begin "every service and factor of postmortems.json has its page"
missing=0
for s in $(grep -o '"services": \[[^]]*\]' "$T/j1/api/postmortems.json" | sed 's/"services": //' | grep -o '"[a-z0-9-]*"' | sort -u | tr -d '"'); do
	[ -f "$T/j1/services/$s/index.html" ] || missing=$((missing + 1))
done
for f in $(grep -o '"factors": \[[^]]*\]' "$T/j1/api/postmortems.json" | sed 's/"factors": //' | grep -o '"[a-z0-9-]*"' | sort -u | tr -d '"'); do
	[ -f "$T/j1/factors/$f/index.html" ] || missing=$((missing + 1))
done
assert_eq "$missing" 0 "services and factors without a page"

t_begin "every link of the 1k site resolves"
assert_exit 0 node tests/e2e/check-links.mjs "$T/j1"

t_begin "every figure of stats.json matches an independent computation from the brief's definitions"
assert_exit 0 node tests/e2e/verify-stats.mjs "$T/c1k" "$T/j1" 2026-11-23
assert_stdout_contains "stats: 0 differences over"

t_begin "actions.csv has one row per action item"
items=$(grep -c '^    status: \|^- \[[ x]\] ' -r "$T/c1k/postmortems" | awk -F: '{ s += $2 } END { print s }')
assert_eq "$(( $(wc -l < "$T/j1/api/actions.csv") - 1 ))" "$items" "CSV rows"

t_begin "postmortems.json lists every postmortem with exactly its services and factors as slugs"
assert_exit 0 node tests/e2e/verify-links.mjs "$T/c1k" "$T/j1"
assert_stdout_contains "links: 1000 postmortems checked, 0 differences"
assert_exit 0 "$AFTERMATH" build content -o "$T/sample" --as-of 2026-11-23
assert_exit 0 node tests/e2e/verify-links.mjs content "$T/sample"
