# The public profile: only public, complete postmortems; no stripped field,
# internal block, redactable text or internal id in any output byte; a leak
# fails the build and leaves the previous output as it was.
FIX="$ROOT/tests/fixtures/public-canary"
AS_OF=2026-11-23

# Files below $1 with a canary word or an internal id (left out or published), any case, binary files too.
canaries() { grep -rlaiE 'canary|can-10[1-3]|can-20[12]' "$1" | sort; }
# json FILE EXPR: the JavaScript expression EXPR over the parsed FILE (d); arrays one item a line.
json() {
	node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const v = eval(process.argv[2]); console.log(Array.isArray(v) ? v.join("\n") : v);' "$1" "$2"
}

t_begin "public build of the canary site: no canary in any output byte"
assert_exit 0 "$AFTERMATH" build "$FIX" -o "$T/pub" --profile public --as-of $AS_OF
assert_eq "$(canaries "$T/pub")" "" "files with a canary"
assert_eq "$(ls -I index.html "$T/pub/postmortems" | tr '\n' ' ')" "2024-06-12-checkout 2025-03-04-slow " "postmortem pages (public ids)"
assert_eq "$(json "$T/pub/api/postmortems.json" 'd.map(p => p.id).join(" ")')" "2025-03-04-slow 2024-06-12-checkout" "ids in postmortems.json"
assert_contains "$T/pub/postmortems/2024-06-12-checkout/index.html" "Checkout errors through [internal host]"
assert_contains "$T/pub/postmortems/2024-06-12-checkout/index.html" "[internal address]"
assert_contains "$T/pub/postmortems/2024-06-12-checkout/index.html" "Checkout failed for a customer"
assert_contains "$T/pub/postmortems/2025-03-04-slow/index.html" "Add a second network path (due: 2025-03-20, priority: must)"
assert_no_file "$T/pub/owners"

t_begin "the internal build of the same site has every canary (they are real)"
assert_exit 0 "$AFTERMATH" build "$FIX" -o "$T/int" --as-of $AS_OF
for word in Canarytitleinternal Canarybodyinternal Canarybodydraft Canarybodyreview Canaryblock \
	Canarypageblock Canarycustomer Canaryowner Canaryaiowner CANARYTICKET-17 Canarybodyowner \
	CANARYBODYTICKET-9 canaryhost; do
	if grep -rqaF "$word" "$T/int"; then _pass; else _fail "internal build lacks canary $word"; fi
done

t_begin "check --profile public prints the publish report"
assert_exit 0 "$AFTERMATH" check "$FIX" --profile public --as-of $AS_OF
assert_stdout_contains "2 of 5 postmortems published"
assert_stdout_contains "can-201.md  CAN-201 as 2024-06-12-checkout  2024-06-12  "
assert_stdout_contains "can-101.md:2  CAN-101  \"Canarytitleinternal payments outage after a database failover\""
assert_stdout_contains "CAN-201: 1 owner, 2 authors, 2 action-item owners, 2 tickets"
assert_stdout_contains "postmortems/2024/can-201.md:45-47  CAN-201"
assert_stdout_contains "pages/about.md:6-8"
assert_stdout_contains "can-201.md:10:55: summary: \"10.20.30.40\" -> \"[internal address]\" (rule 1)"
assert_stdout_contains "can-201.md:52:1: body: \"Canarycustomer Inc\" -> \"a customer\" (scripts/redact.lua)"
assert_stdout_contains "can-202.md:25:97: body: \"ticket: CANARYBODYTICKET-9\" -> \"\" (public.strip)"
assert_stdout_contains "\"Project Canarydeny\""
run "$AFTERMATH" check "$FIX" --profile public --as-of $AS_OF --format json
assert_eq "$RC" 0 "exit of check --profile public --format json"
assert_eq "$(json "$OUT" 'd.redactions.length')" 11 "redactions in the JSON report"
assert_eq "$(json "$OUT" 'd.published.map(p => p.id).join(" ")')" "CAN-202 CAN-201" "published ids in the JSON report"
assert_eq "$(json "$OUT" 'd.published.map(p => p.public_id).join(" ")')" "2025-03-04-slow 2024-06-12-checkout" "their public ids"

t_begin "a deny string in the content fails the build; the previous output stays byte-identical"
cp -R "$FIX" "$T/src"
assert_exit 0 "$AFTERMATH" build "$T/src" -o "$T/out" --profile public --as-of $AS_OF
cp -R "$T/out" "$T/before"
printf '\nThis was part of project   CANARYDENY.\n' >> "$T/src/postmortems/2025/can-202.md"
assert_exit 1 "$AFTERMATH" build "$T/src" -o "$T/out" --profile public --as-of $AS_OF
assert_stderr_contains "can-202.md:28:18: error: \"Project Canarydeny\" (public.deny) is in the output: $T/out/postmortems/2025-03-04-slow/index.html:"
assert_stderr_contains "the public build leaks 1 internal string: the previous output is left as it was"
assert_same_tree "$T/before" "$T/out"
assert_eq "$(ls -a "$T" | grep -c aftermath-tmp)" 0 "temporary directories left"

t_begin "an internal id in published text fails the build, naming both sources"
cp "$FIX/postmortems/2025/can-202.md" "$T/src/postmortems/2025/can-202.md"
printf '\nCompare CAN-101.\n' >> "$T/src/postmortems/2025/can-202.md"
assert_exit 1 "$AFTERMATH" build "$T/src" -o "$T/out" --profile public --as-of $AS_OF
assert_stderr_contains "can-101.md:2:5: error: CAN-101 is not published (the public profile keeps public, complete postmortems) but its id is in the output: $T/out/postmortems/2025-03-04-slow/index.html:"
assert_stderr_contains "can-202.md:28:9: note: mentions CAN-101, which is not published"
assert_same_tree "$T/before" "$T/out"

t_begin "a hook that fails fails the build (nothing unredacted is published)"
cp "$FIX/postmortems/2025/can-202.md" "$T/src/postmortems/2025/can-202.md"
printf 'function redact(text) error("customer list unavailable") end\n' > "$T/src/scripts/redact.lua"
assert_exit 1 "$AFTERMATH" build "$T/src" -o "$T/out" --profile public --as-of $AS_OF
assert_stderr_contains "scripts/redact.lua:1: error: customer list unavailable"
assert_same_tree "$T/before" "$T/out"
cp "$FIX/scripts/redact.lua" "$T/src/scripts/redact.lua"

# Statistics of a public build must be those of its postmortems alone: build
# the same set, with the others deleted, internally (links to them removed).
same_stats() { # PUBLIC_SITE SUBSET_SITE (all but "profile", and "by_owner" a public site has no owners for)
	a=$(json "$1/api/stats.json" 'delete d.profile, delete d.by_owner, JSON.stringify(d)')
	b=$(json "$2/api/stats.json" 'delete d.profile, delete d.by_owner, JSON.stringify(d)')
	if [ -n "$a" ] && [ "$a" = "$b" ]; then _pass; else _fail "stats.json differs: $1 $2"; fi
}
subset() { # SRC DST: only public, complete postmortems, references to others removed
	mkdir -p "$2"
	cp -R "$1/." "$2"
	for f in $(find "$2/postmortems" -name '*.md'); do
		if ! grep -q '^visibility: public' "$f" || ! grep -q '^status: complete' "$f"; then rm "$f"; fi
	done
	find "$2/postmortems" -name '*.md' -exec sed -i -e '/^related:/d' -e 's/\[\[[^]]*\]\]/another incident/g' {} +
}

t_begin "public statistics equal the statistics of the public set alone (fixture)"
subset "$FIX" "$T/fsub"
assert_exit 0 "$AFTERMATH" build "$T/fsub" -o "$T/fsub-site" --as-of $AS_OF
same_stats "$T/pub" "$T/fsub-site"

GEN="$(dirname "$AFTERMATH")/gen-corpus"
t_begin "1k corpus, public: exactly its public, complete postmortems"
assert_exit 0 "$GEN" 1000 "$T/c1k"
assert_exit 0 "$AFTERMATH" build "$T/c1k" -o "$T/p1k" --profile public --as-of $AS_OF
want=$(grep -l '^visibility: public' -r "$T/c1k/postmortems" | xargs grep -l '^status: complete' |
	xargs sed -n 's/^id: //p' | sort)
run "$AFTERMATH" check "$T/c1k" --profile public --as-of $AS_OF --format json
assert_eq "$RC" 0 "exit of check --profile public on the 1k corpus"
got=$(json "$OUT" 'd.published.map(p => p.id)' | sort)
assert_eq "$got" "$want" "published ids (publish report)"
assert_eq "$(json "$T/p1k/api/postmortems.json" 'd.length')" "$(echo "$want" | wc -l)" "entries in postmortems.json"
assert_eq "$(ls -I index.html "$T/p1k/postmortems" | wc -l)" "$(echo "$want" | wc -l)" "postmortem pages"
echo "$want" > "$T/published-ids"
assert_eq "$(grep -rlaiwFf "$T/published-ids" "$T/p1k" | head -5)" "" "files with a published postmortem's internal id"

t_begin "1k corpus, public: no internal id in any output file"
for f in $(find "$T/c1k/postmortems" -name '*.md'); do
	if ! grep -q '^visibility: public' "$f" || ! grep -q '^status: complete' "$f"; then sed -n 's/^id: //p' "$f"; fi
done > "$T/hidden-ids"
assert_eq "$(wc -l < "$T/hidden-ids")" "$((1000 - $(echo "$want" | wc -l)))" "left-out ids"
assert_eq "$(grep -rlaiwFf "$T/hidden-ids" "$T/p1k" | head -5)" "" "files with a left-out id"
assert_eq "$(grep -rlaE '\b10\.[0-9]+\.[0-9]+\.[0-9]+\b|corp\.example\.com' "$T/p1k" | head -5)" "" "files with an internal address"

t_begin "1k corpus, public: statistics of the public set alone, and as the brief defines them"
subset "$T/c1k" "$T/sub1k"
assert_exit 0 "$AFTERMATH" build "$T/sub1k" -o "$T/sub1k-site" --as-of $AS_OF
same_stats "$T/p1k" "$T/sub1k-site"
assert_exit 0 node tests/e2e/verify-stats.mjs "$T/c1k" "$T/p1k" $AS_OF public
assert_stdout_contains "stats: 0 differences over"

t_begin "1k corpus, public: with a redact rule for people's names (nothing stripped), no name in any output file"
{
	grep -rh '^owner: \|^    owner: ' "$T/c1k/postmortems" | sed 's/^ *owner: //'
	grep -rh '^authors: ' "$T/c1k/postmortems" | sed 's/^authors: \[//; s/\]$//' | tr ',' '\n' | sed 's/^ *//'
	grep -rho '(owner: [^,)]*' "$T/c1k/postmortems" | sed 's/^(owner: //'
} | sort -u > "$T/names"
names=$(paste -sd'|' "$T/names")
public_section() { # DENY: site.yaml's public section for these tests (nothing stripped, names redacted)
	printf "public:\n  strip: []\n  redact:\n"
	printf "    - pattern: '\\\\b(?:%s)\\\\b'\n      replace: '[a person]'\n" "$names"
	printf "    - pattern: '\\\\b10\\\\.\\\\d+\\\\.\\\\d+\\\\.\\\\d+\\\\b'\n      replace: '[internal address]'\n"
	printf "    - pattern: '(?i)\\\\b[a-z0-9-]+\\\\.corp\\\\.example\\\\.com\\\\b'\n      replace: '[internal host]'\n"
	printf "  deny: [%s]\n" "$1"
}
with_public() { # DENY: replace the public section of the 1k corpus's site.yaml
	{
		awk '/^public:/ { skip = 1; next } skip && /^[^ #]/ { skip = 0 } !skip' "$T/c1k/site.yaml"
		public_section "$1"
	} > "$T/site.yaml" && mv "$T/site.yaml" "$T/c1k/site.yaml"
}
with_public "Project Canarydeny"
assert_exit 0 "$AFTERMATH" build "$T/c1k" -o "$T/n1k" --profile public --as-of $AS_OF
assert_eq "$(grep -rlaFf "$T/names" "$T/n1k" | head -5)" "" "files with a person's name"
assert_contains "$T/n1k/api/actions.csv" "[a person]"
assert_exit 0 "$AFTERMATH" build "$T/c1k" -o "$T/i1k" --as-of $AS_OF
if grep -rqaFf "$T/names" "$T/i1k"; then _pass; else _fail "the internal build shows no names (the test proves nothing)"; fi

t_begin "1k corpus, public: a deny string in the content fails with exit 1, previous output byte-identical"
with_public "Project Nightjar"
assert_exit 0 "$AFTERMATH" build "$T/c1k" -o "$T/n1k" --profile public --as-of $AS_OF
cp -R "$T/n1k" "$T/n1k-before"
victim=$(grep -l '^visibility: public' -r "$T/c1k/postmortems" | xargs grep -l '^status: complete' | sort | head -1)
printf '\nThis was the week of Project Nightjar.\n' >> "$victim"
assert_exit 1 "$AFTERMATH" build "$T/c1k" -o "$T/n1k" --profile public --as-of $AS_OF
assert_stderr_contains "$victim:"
assert_stderr_contains "error: \"Project Nightjar\" (public.deny) is in the output: $T/n1k/"
assert_same_tree "$T/n1k-before" "$T/n1k"

# A public page is named by a public id, so that ids in sequence cannot tell a
# reader how many postmortems were left out between two published ones.
pub_pm() { # FILE ID DATE TITLE [EXTRA FRONT MATTER LINE]
	mkdir -p "$(dirname "$1")"
	printf -- '---\nid: %s\ntitle: %s\ndate: %s\nstatus: complete\nvisibility: public\n%b---\nBody.\n' \
		"$2" "$3" "$4" "${5:-}" > "$1"
}

t_begin "public ids: the date and the fewest title words that tell postmortems of one day apart; public_id wins"
mkdir -p "$T/ids"
printf 'title: Ids\n' > "$T/ids/site.yaml"
pub_pm "$T/ids/postmortems/a.md" PM-1 "Checkout errors in Europe" 2025-01-10
pub_pm "$T/ids/postmortems/b.md" PM-2 "Checkout errors in Asia" 2025-01-10
pub_pm "$T/ids/postmortems/c.md" PM-3 "Checkout slow" 2025-01-10
pub_pm "$T/ids/postmortems/d.md" PM-4 "Checkout slow" 2025-01-11
pub_pm "$T/ids/postmortems/e.md" PM-5 "Anything" 2025-01-12 'public_id: INC-77\n'
assert_exit 0 "$AFTERMATH" build "$T/ids" -o "$T/ids-out" --profile public --as-of $AS_OF
assert_eq "$(ls -I index.html "$T/ids-out/postmortems" | tr '\n' ' ')" \
	"2025-01-10-checkout-errors-in-asia 2025-01-10-checkout-errors-in-europe 2025-01-10-checkout-slow 2025-01-11-checkout inc-77 " "pages"
assert_eq "$(json "$T/ids-out/api/postmortems.json" 'd.map(p => p.id).join(" ")')" \
	"INC-77 2025-01-11-checkout 2025-01-10-checkout-errors-in-europe 2025-01-10-checkout-errors-in-asia 2025-01-10-checkout-slow" "ids (newest first, then by internal id)"
assert_eq "$(grep -rlaiwE 'pm-[1-5]' "$T/ids-out" | head -3)" "" "files with an internal id"

t_begin "public ids: public.show_ids keeps the internal ids"
printf 'title: Ids\npublic:\n  show_ids: true\n' > "$T/ids/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/ids" -o "$T/ids-shown" --profile public --as-of $AS_OF
assert_eq "$(ls -I index.html "$T/ids-shown/postmortems" | tr '\n' ' ')" "pm-1 pm-2 pm-3 pm-4 pm-5 " "pages"
printf 'title: Ids\n' > "$T/ids/site.yaml"

t_begin "public ids: two postmortems of one day with one title need a public_id"
pub_pm "$T/ids/postmortems/f.md" PM-6 "Checkout slow" 2025-01-10
assert_exit 1 "$AFTERMATH" build "$T/ids" -o "$T/ids-out" --profile public --as-of $AS_OF
assert_stderr_contains "$T/ids/postmortems/c.md:3:8: error: another postmortem published on 2025-01-10 has the same title, so they would get the same public id (expected a public_id in one of them)"
pub_pm "$T/ids/postmortems/f.md" PM-6 "Checkout slow" 2025-01-10 'public_id: INC-77\n'
assert_exit 1 "$AFTERMATH" build "$T/ids" -o "$T/ids-out" --profile public --as-of $AS_OF
assert_stderr_contains "error: PM-6 would have the public id \"INC-77\" of PM-5 (expected another public_id)"
pub_pm "$T/ids/postmortems/f.md" PM-6 "Other" 2025-01-10 'public_id: [INC, 78]\n'
assert_exit 1 "$AFTERMATH" build "$T/ids" -o "$T/ids-out" --profile public --as-of $AS_OF
assert_stderr_contains "$T/ids/postmortems/f.md:7:12: error: public_id must be text with a letter or a digit (it is the public page's URL)"
pub_pm "$T/ids/postmortems/f.md" PM-6 "Other" 2025-01-10 'public_id: "--"\n'
assert_exit 1 "$AFTERMATH" build "$T/ids" -o "$T/ids-out" --profile public --as-of $AS_OF
assert_stderr_contains "$T/ids/postmortems/f.md:7:12: error: public_id must be text with a letter or a digit (it is the public page's URL)"
rm "$T/ids/postmortems/f.md"

t_begin "public ids: a published postmortem's internal id in published text fails the build"
printf '\nSame as PM-3 last week.\n' >> "$T/ids/postmortems/d.md"
assert_exit 1 "$AFTERMATH" build "$T/ids" -o "$T/ids-out" --profile public --as-of $AS_OF
assert_stderr_contains "$T/ids/postmortems/c.md:2:5: error: PM-3 is published as 2025-01-10-checkout-slow, but its internal id is in the output: $T/ids-out/postmortems/2025-01-11-checkout/index.html:"
assert_stderr_contains "note: ids in sequence would tell readers of the postmortems left out between them: write [[PM-3]] (a link to its public page) or redact it (public.show_ids: true publishes ids)"
assert_stderr_contains "$T/ids/postmortems/d.md:10:9: note: mentions PM-3"
sed -i 's/Same as PM-3 last week/Same as [[PM-3]] last week/' "$T/ids/postmortems/d.md"
assert_exit 0 "$AFTERMATH" build "$T/ids" -o "$T/ids-out" --profile public --as-of $AS_OF
assert_contains "$T/ids-out/postmortems/2025-01-11-checkout/index.html" 'Same as <a class="wikilink" href="../../postmortems/2025-01-10-checkout-slow/">Checkout slow</a> last week.'
