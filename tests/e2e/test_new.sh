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
