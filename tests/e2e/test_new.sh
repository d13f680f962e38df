# aftermath new: a fresh postmortem from the template that check accepts.
t_begin "new writes the next free id and check accepts it"
cp -R content "$T/kb"
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 GIT_AUTHOR_NAME="Ana Diaz" "$AFTERMATH" new "$T/kb" --title 'Cart errors: "quotes" & colons'
assert_eq "$(cat "$OUT")" "$T/kb/postmortems/2026/pm-2026-009.md" "printed path"
assert_file "$T/kb/postmortems/2026/pm-2026-009.md"
assert_contains "$T/kb/postmortems/2026/pm-2026-009.md" 'id: PM-2026-009'
assert_contains "$T/kb/postmortems/2026/pm-2026-009.md" 'title: "Cart errors: \"quotes\" & colons"'
assert_contains "$T/kb/postmortems/2026/pm-2026-009.md" '## Where we got lucky'
assert_exit 0 "$AFTERMATH" check "$T/kb"
assert_not_contains "$ERR" "error:"

t_begin "a second new takes the next id and never overwrites"
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 "$AFTERMATH" new "$T/kb"
assert_eq "$(cat "$OUT")" "$T/kb/postmortems/2026/pm-2026-010.md" "second path"

t_begin "a site's own template wins"
mkdir -p "$T/kb/layouts/new"
printf -- '---\nid: {{id}}\ntitle: {{title}}\ndate: {{date}}\n---\nOur template.\n' > "$T/kb/layouts/new/postmortem.md"
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 "$AFTERMATH" new "$T/kb" --title T
assert_contains "$T/kb/postmortems/2026/pm-2026-011.md" "Our template."

# ---- the site's own vocabulary, the flags, the owner ----------------------------
newsite() { # DIR SITE_YAML: an empty knowledge base with that site.yaml
	mkdir -p "$1/postmortems"
	printf '%s' "$2" > "$1/site.yaml"
}
fm() { # FILE KEY: the front-matter line of KEY
	sed -n "/^---$/,/^---$/p" "$1" | grep -E "^$2:" | head -1
}

t_begin "new takes the site's default severity (defaults: severity) and check accepts it"
newsite "$T/own" 'severities: [P1, P2, P3]
defaults:
  severity: p2
'
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 GIT_AUTHOR_NAME=Ana "$AFTERMATH" new "$T/own" -q
F=$(cat "$OUT")
assert_eq "$(fm "$F" severity | sed 's/ *#.*//')" "severity: P2" "severity line"
assert_contains "$F" "# P1 | P2 | P3"
assert_exit 0 "$AFTERMATH" check "$T/own" --strict
assert_not_contains "$ERR" "error:"

t_begin "without defaults: severity, new takes the least severe of the site's severities"
newsite "$T/own2" 'severities: [critical, major, minor]
'
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 GIT_AUTHOR_NAME=Ana "$AFTERMATH" new "$T/own2"
assert_eq "$(fm "$(cat "$OUT")" severity | sed 's/ *#.*//')" "severity: minor" "severity line"
assert_exit 0 "$AFTERMATH" check "$T/own2"
assert_not_contains "$ERR" "error:"

t_begin "--severity is checked against the site, in any case, and written as the site spells it"
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 GIT_AUTHOR_NAME=Ana "$AFTERMATH" new "$T/own2" --severity MAJOR
assert_eq "$(fm "$(cat "$OUT")" severity | sed 's/ *#.*//')" "severity: major" "severity line"
ls "$T/own2/postmortems/2026" > "$T/before"
assert_exit 2 env SOURCE_DATE_EPOCH=1790000000 "$AFTERMATH" new "$T/own2" --severity SEV3
assert_stderr_contains "$T/own2/site.yaml:1:1: error: unknown severity \"SEV3\" in --severity (expected critical, major, minor)"
ls "$T/own2/postmortems/2026" > "$T/after"
assert_eq "$(cat "$T/after")" "$(cat "$T/before")" "files after a refused new"

t_begin "--service, repeated or a comma list, through the registry and its aliases"
newsite "$T/reg" 'title: Reg
aliases:
  payments-db: [PaymentsDB]
services:
  checkout-api: {team: Payments}
  payments-db: {team: Payments}
  search: {}
'
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 GIT_AUTHOR_NAME=Ana "$AFTERMATH" new "$T/reg" --service 'Checkout API, PaymentsDB' --service search --service checkout-api
F=$(cat "$OUT")
assert_eq "$(fm "$F" services | sed 's/ *#.*//')" "services: [checkout-api, payments-db, search]" "services line"
assert_exit 0 "$AFTERMATH" check "$T/reg"
assert_not_contains "$ERR" "error:"

t_begin "an unknown --service is a usage error at site.yaml's services, every one told, nothing written"
assert_exit 2 env SOURCE_DATE_EPOCH=1790000000 "$AFTERMATH" new "$T/reg" --service 'checkout-api,cart' --service billing --severity SEV9
assert_stderr_contains "$T/reg/site.yaml:4:1: error: unknown service \"cart\" in --service (expected one of site.yaml's services: checkout-api, payments-db, search)"
assert_stderr_contains "$T/reg/site.yaml:4:1: error: unknown service \"billing\" in --service"
assert_stderr_contains "aftermath: error: unknown severity \"SEV9\" in --severity (expected SEV1, SEV2, SEV3, SEV4)"
assert_eq "$(ls "$T/reg/postmortems/2026" | wc -l | tr -d ' ')" 1 "files in 2026"
assert_exit 2 "$AFTERMATH" new "$T/reg" --service '!!!'
assert_stderr_contains "aftermath: error: service \"!!!\" in --service has no letters or digits (expected a name such as checkout-api)"

t_begin "--date picks the year folder and the date; a bad one is a usage error"
assert_exit 0 env GIT_AUTHOR_NAME=Ana "$AFTERMATH" new "$T/own2" --date 2025-03-04
assert_eq "$(cat "$OUT")" "$T/own2/postmortems/2025/pm-2025-001.md" "path for --date"
assert_eq "$(fm "$T/own2/postmortems/2025/pm-2025-001.md" date)" "date: 2025-03-04" "date line"
for bad in 2025-13-01 2025-3-4 yesterday 2025-03-04T10:00:00Z; do
	assert_exit 2 "$AFTERMATH" new "$T/own2" --date "$bad"
	assert_stderr_contains "aftermath: invalid --date \"$bad\" (expected YYYY-MM-DD)"
done
assert_no_file "$T/own2/postmortems/2025/pm-2025-002.md"

t_begin "the flags of new are refused by the other commands"
assert_exit 2 "$AFTERMATH" check "$T/own2" --severity P1
assert_stderr_contains "aftermath: --severity is an option of new only (expected it after aftermath new)"
assert_exit 2 "$AFTERMATH" build "$T/own2" --service x
assert_stderr_contains "aftermath: --service is an option of new only"

t_begin "the scaffold has no impact times (no 0-minute durations) and stats count none"
F=$T/own2/postmortems/2025/pm-2025-001.md
assert_not_contains "$F" "T00:00:00Z"
assert_eq "$(grep -cE '^  (started|detected|mitigated|resolved):' "$F")" 0 "impact time lines"
sed -i 's/^status: draft/status: complete/' "$F"
assert_exit 0 "$AFTERMATH" stats "$T/own2" --format json --as-of 2026-01-01
assert_stdout_contains '"detect_minutes": {"count": 0, "median": null'
assert_eq "$(grep -cE '_minutes": \{"count": [1-9]' "$OUT")" 0 "severities with a duration"

t_begin "--owner, else git's user.name, else no owner line"
assert_exit 0 "$AFTERMATH" new "$T/own2" --date 2025-03-05 --owner 'Bo Li'
assert_eq "$(fm "$(cat "$OUT")" owner | sed 's/ *#.*//')" 'owner: "Bo Li"' "owner line"
assert_eq "$(fm "$(cat "$OUT")" authors)" 'authors: ["Bo Li"]' "authors line"
mkdir -p "$T/home"
newsite "$T/gitkb" 'title: G
'
if command -v git >/dev/null; then
	git init -q "$T/gitkb"
	git -C "$T/gitkb" config user.name 'Chen Wu'
	assert_exit 0 env -u GIT_AUTHOR_NAME HOME="$T/home" GIT_CONFIG_NOSYSTEM=1 "$AFTERMATH" new "$T/gitkb" --date 2025-01-01
	assert_eq "$(fm "$(cat "$OUT")" owner | sed 's/ *#.*//')" 'owner: "Chen Wu"' "owner from git"
fi
mkdir -p "$T/nogit"
ln -s "$(command -v env)" "$T/nogit/env"
assert_exit 0 env -u GIT_AUTHOR_NAME PATH="$T/nogit" HOME="$T/home" "$AFTERMATH" new "$T/gitkb" --date 2025-01-02
F=$(cat "$OUT")
assert_eq "$(fm "$F" owner)" "" "owner line without git"
assert_eq "$(fm "$F" authors)" "" "authors line without git"
assert_exit 0 "$AFTERMATH" check "$T/gitkb"
assert_not_contains "$ERR" "error:"

t_begin "hostile --service, --owner and git user.name: quoted YAML that reads back as the text"
newsite "$T/hostile" 'title: H
'
nl='
'
assert_exit 0 "$AFTERMATH" new "$T/hostile" --date 2025-02-01 \
	--owner "Eve${nl}severity: SEV1 # \"x\" \\ [a]: {b}" \
	--service "db]${nl}status: complete" --service 'a: b #c' --service '*ref' --service 'yes' \
	--title "T${nl}visibility: public"
F=$(cat "$OUT")
assert_eq "$(fm "$F" status)" "status: draft" "status line (not injected)"
assert_eq "$(grep -c '^severity:' "$F")" 1 "severity lines"
assert_eq "$(grep -c '^visibility:' "$F")" 1 "visibility lines"
assert_exit 0 "$AFTERMATH" check "$T/hostile" --explain "$F"
assert_contains "$OUT" "owner                  Eve severity: SEV1 # \"x\" \\ [a]: {b}"
assert_contains "$OUT" "services               db] status: complete, a: b #c, *ref, yes"
assert_contains "$OUT" "title                  T visibility: public"
assert_contains "$OUT" "status                 draft"
assert_exit 0 "$AFTERMATH" check "$T/hostile"
assert_not_contains "$ERR" "error:"
if command -v git >/dev/null; then
	git init -q "$T/hostile2"
	newsite "$T/hostile2" 'title: H2
'
	git -C "$T/hostile2" config user.name "Mallory\" ]${nl}kind: drill"
	assert_exit 0 env -u GIT_AUTHOR_NAME HOME="$T/home" GIT_CONFIG_NOSYSTEM=1 "$AFTERMATH" new "$T/hostile2" --date 2025-01-01
	F=$(cat "$OUT")
	assert_eq "$(grep -c '^kind:' "$F")" 1 "kind lines"
	assert_exit 0 "$AFTERMATH" check "$T/hostile2" --explain "$F"
	assert_contains "$OUT" "kind                   incident"
fi

t_begin "text that is not UTF-8 is a usage error"
assert_exit 2 "$AFTERMATH" new "$T/hostile" --owner "$(printf 'A\377')"
assert_stderr_contains "aftermath: --owner is not valid UTF-8 (expected UTF-8 text)"
assert_exit 2 "$AFTERMATH" new "$T/hostile" --service "$(printf 'x\300')"
assert_stderr_contains "aftermath: --service is not valid UTF-8 (expected UTF-8 text)"

t_begin "help, the man page and bash completion know new's options"
assert_exit 0 "$AFTERMATH" help new
for opt in --title --severity --service --date --owner; do
	assert_stdout_contains "  $opt "
	assert_contains man/aftermath.1 "$(printf '%s' "$opt" | sed 's/-/\\-/g')"
done
assert_eq "$(bash -c '. completions/aftermath.bash; COMP_WORDS=(aftermath new --s); COMP_CWORD=2; _aftermath; echo "${COMPREPLY[*]}"')" "--severity --service" "new --s<TAB>"
assert_eq "$(bash -c '. completions/aftermath.bash; COMP_WORDS=(aftermath new "$1" --severity ""); COMP_CWORD=4; _aftermath; echo "${COMPREPLY[*]}"' _ "$T/own2")" "critical major minor" "new DIR --severity <TAB>: the site's severities"

t_begin "a value the site's own template has no place for is told, not lost"
assert_exit 0 "$AFTERMATH" new "$T/kb" --date 2026-02-01 --severity SEV1 --service checkout-api --owner Ana --title Tt
assert_stderr_contains "warning: --severity is not written: the template has no {{severity}} (expected it in layouts/new/postmortem.md)"
assert_stderr_contains "warning: --service is not written: the template has no {{services}}"
assert_stderr_contains "warning: --owner is not written: the template has no {{owner}}"
assert_not_contains "$ERR" "--title is not written"

t_begin "an empty --title gives the default title; an empty --owner, no owner line"
assert_exit 0 env -u GIT_AUTHOR_NAME PATH="$T/nogit" HOME="$T/home" "$AFTERMATH" new "$T/gitkb" --date 2025-01-03 --title '' --owner ''
F=$(cat "$OUT")
assert_eq "$(fm "$F" title)" 'title: "Untitled incident"' "title line"
assert_eq "$(fm "$F" owner)" "" "owner line"
assert_exit 0 "$AFTERMATH" check "$T/gitkb"
assert_not_contains "$ERR" "error:"
