# The public build's leak check against a contributor who hides what it looks
# for (issue 17, class 5): look-alike letters and invisible characters in deny
# strings, ids, titles and redactable text; static files in other encodings;
# stripped fields spelled so the source-level strip misses them, or written by
# something that forgot to strip.  Every refused case below was published
# without a word by the binary before the fix.
FIX="$ROOT/tests/fixtures/public-canary"
AS_OF=2026-11-23
S="$T/site"

# A fresh copy of the canary site to plant one leak in.
fresh() { rm -rf "$S" "$T/out"; cp -R "$FIX" "$S"; mkdir -p "$S/static"; }
# body TEXT: a paragraph appended to a published postmortem (CAN-202), printf-style.
body() { printf "\n$1\n" >> "$S/postmortems/2025/can-202.md"; }
# refused TEXT: the public build of $S fails, says TEXT, and writes no site.
refused() {
	assert_exit 1 "$AFTERMATH" build "$S" -o "$T/out" --profile public --as-of $AS_OF
	assert_stderr_contains "$1"
	assert_no_file "$T/out/index.html"
}
# published: the public build of $S succeeds with no canary word in any output byte.
published() {
	assert_exit 0 "$AFTERMATH" build "$S" -o "$T/out" --profile public --as-of $AS_OF
	assert_eq "$(grep -rlaiE 'canary' "$T/out" | sort)" "" "files with a canary"
}
DENY='"Project Canarydeny" (public.deny) is in the output'
ID101='CAN-101 is not published (the public profile keeps public, complete postmortems) but its id is in the output'

t_begin "deny string with a zero-width space"
fresh; body 'Part of Project Canary\342\200\213deny.'
refused "can-202.md:28:9: error: $DENY"

t_begin "deny string with a soft hyphen typed as &shy; and as &#173;"
fresh; body 'Part of Project Cana&shy;ry&#173;deny.'
refused "$DENY"

t_begin "deny string with a narrow no-break space and fullwidth letters"
fresh; body 'Part of Project\342\200\257\357\274\243\357\275\201\357\275\216\357\275\201\357\275\222\357\275\231deny.'
refused "$DENY"

t_begin "deny string with a word joiner, a byte order mark and a thin space"
fresh; body 'Part of Project\342\200\211Can\342\201\240ary\357\273\277deny.'
refused "$DENY"

t_begin "left-out id with a Cyrillic A"
fresh; body 'Like C\320\220N-101 before it.'
refused "$ID101"
assert_stderr_contains "can-202.md:28:6: note: mentions CAN-101, which is not published"

t_begin "left-out id in Greek capitals, fullwidth digits and a non-breaking hyphen"
fresh; body 'Like C\316\221\316\235\342\200\221\357\274\221\357\274\220\357\274\221 before it.'
refused "$ID101"

t_begin "left-out id in mathematical sans-serif"
fresh; body 'Like \360\235\226\242\360\235\226\240\360\235\226\255-101 before it.'
refused "$ID101"

t_begin "left-out title with soft hyphens and a Cyrillic e"
fresh; body 'Canarytitle\302\255internal payments outage aft\320\265r a database failover'
refused 'CAN-101 is not published but its title "Canarytitleinternal payments outage after a database failover" is in the output'

t_begin "redactable address in fullwidth digits"
fresh; body 'The host 10.\357\274\222\357\274\220.30.40 was busy.'
refused "still matches \"10.20.30.40\" in the output"

t_begin "redactable host name with a Cyrillic o and a zero-width joiner"
fresh; body 'Through api.corp.canaryh\320\276st.ex\342\200\215ample today.'
refused "still matches \"api.corp.canaryhost.example\" in the output"

t_begin "static file in UTF-16 LE with a BOM"
fresh
printf 'Notes on Project Canarydeny\n' | iconv -f UTF-8 -t UTF-16 > "$S/static/notes.txt"
refused "$DENY: $T/out/notes.txt:1"

t_begin "static file in UTF-16 BE without a BOM"
fresh
printf 'See CAN-101 for the notes.\n' | iconv -f UTF-8 -t UTF-16BE > "$S/static/notes.html"
refused "$ID101: $T/out/notes.html:1"

t_begin "static file in Latin-1 and in Windows-1252"
fresh
printf 'Caf\351 notes on\nProject\240Canarydeny\n' > "$S/static/latin1.txt"
refused "$DENY: $T/out/latin1.txt:2"
fresh
printf '\223Project Canary\255deny\224 \226 notes\n' > "$S/static/cp1252.csv"
refused "$DENY: $T/out/cp1252.csv:1"
fresh
printf 'Caf\351 host 10.20.30.40\n' > "$S/static/hosts.txt"
refused "still matches \"10.20.30.40\" in the output: $T/out/hosts.txt:1"

t_begin "static text the check cannot read is refused; images and fonts are published"
fresh
printf 'Project Canarydeny\001\002\003\377\004' > "$S/static/blob.dat"
refused "$T/out/blob.dat: error: the leak check cannot read this file (expected UTF-8, UTF-16 or Windows-1252 text, or an image, font or archive)"
fresh
printf '\211PNG\r\n\032\n\000\000\000\rIHDR\377\376\001' > "$S/static/logo.png"
printf 'wOF2\000\001\000\000\377\376\001' > "$S/static/font.woff2"
published
assert_file "$T/out/logo.png"
assert_file "$T/out/font.woff2"

t_begin "task-list annotations the source-level strip missed: wrapped, &#58;, \\:, *owner*:"
fresh
cat >> "$S/postmortems/2025/can-202.md" <<'EOF'
- [ ] Wrapped (priority: must, owner:
  Canarywrap Seventh, due: 2025-04-01)
- [ ] Entity (owner&#58; Canaryentity Eighth, due: 2025-04-01)
- [ ] Escaped (owner\: Canaryescape Ninth)
- [ ] Emphasis (*owner*: Canaryemph Tenth, ticket: CANARYT-77)
EOF
published
PAGE="$T/out/postmortems/2025-03-04-slow/index.html"
assert_contains "$PAGE" "Wrapped (priority: must, due: 2025-04-01)"
assert_contains "$PAGE" "Entity (due: 2025-04-01)"
assert_contains "$PAGE" "Escaped</"
assert_contains "$PAGE" "Emphasis</"

t_begin "a stripped value written by something that forgot to strip it"
fresh
printf 'On call: Canaryowner Another\n' > "$S/static/team.txt"
printf '{"ticket": "CANARYTICKET-17", "who": "Canarybodyowner Sixth"}\n' > "$S/static/tickets.json"
refused '"Canaryowner Another" (owner of CAN-202) is stripped by public.strip but is in the output: '"$T/out/team.txt:1"
assert_stderr_contains '"CANARYTICKET-17" (action_items.ticket of CAN-201) is stripped by public.strip but is in the output: '"$T/out/tickets.json:1"
assert_stderr_contains 'can-202.md:26:41: error: "Canarybodyowner Sixth" (action_items.owner of CAN-202) is stripped by public.strip'

t_begin "the sample site's public build and the canary site still pass"
assert_exit 0 "$AFTERMATH" build "$ROOT/content" -o "$T/sample" --profile public --as-of 2026-01-01
fresh
published
