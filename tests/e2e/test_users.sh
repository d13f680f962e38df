# What a user would notice: each case is named after the bug class it guards
# against, and was checked by applying the mutant it kills by hand (issue 23;
# docs/testing.md).  Quick: fixture-sized inputs only.
AS_OF=2026-11-23
# users_site DIR: a copy of the fixture site to edit
users_site() { rm -rf "$1"; cp -R tests/fixtures/site "$1"; }
pm() { # FILE ID EXTRA-FRONT-MATTER-LINES [TITLE]: a small postmortem
	printf -- '---\nid: %s\ntitle: %s\ndate: 2024-05-01\n%s---\nBody.\n' "$2" "${4:-A small postmortem}" "$3" > "$1"
}
# json FILE EXPR: the JavaScript expression EXPR over the parsed FILE (d)
ujson() { node -e 'const d = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(eval(process.argv[2]))' "$1" "$2"; }

t_begin "boundary (off by one): an item due exactly on the as-of date is not overdue, in HTML, CSV and stats"
# FX-003's runbook item is open and due 2025-04-01; overdue means due *before* the as-of date (README).
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/due-on" --as-of 2025-04-01
assert_contains "$T/due-on/api/actions.csv" 'FX-003,Add a runbook for the search alerts,Ana Diaz,2025-04-01,open,should,SRCH-9,false'
assert_contains "$T/due-on/api/stats.json" '"action_items": {"total": 8, "done": 4, "open": 2, "in_progress": 1, "wont_do": 1, "overdue": 1, "completion_rate": 0.5714}'
assert_contains "$T/due-on/api/stats.json" '"search": {"total": 2, "done": 1, "open": 1, "in_progress": 0, "wont_do": 0, "overdue": 0, "completion_rate": 0.5}'
assert_contains "$T/due-on/actions/index.html" '<div class="tile is-late"><dt>Overdue</dt><dd>1</dd>'
assert_not_contains "$T/due-on/actions/index.html" '<time datetime="2025-04-01">2025-04-01</time><strong class="late">'
assert_exit 0 node tests/e2e/verify-stats.mjs tests/fixtures/site "$T/due-on" 2025-04-01
# One day later it is overdue by one day, everywhere.
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/due-after" --as-of 2025-04-02
assert_contains "$T/due-after/api/actions.csv" 'FX-003,Add a runbook for the search alerts,Ana Diaz,2025-04-01,open,should,SRCH-9,true'
assert_contains "$T/due-after/api/stats.json" '"search": {"total": 2, "done": 1, "open": 1, "in_progress": 0, "wont_do": 0, "overdue": 1, "completion_rate": 0.5}'
assert_contains "$T/due-after/actions/index.html" '<time datetime="2025-04-01">2025-04-01</time><strong class="late">1 day overdue</strong>'
assert_contains "$T/due-after/actions/index.html" '<time datetime="2024-02-01">2024-02-01</time><strong class="late">426 days overdue</strong>'
assert_exit 0 node tests/e2e/verify-stats.mjs tests/fixtures/site "$T/due-after" 2025-04-02

t_begin "leftover temporary: a successful rebuild leaves nothing but the site beside it"
mkdir -p "$T/swap"
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/swap/out" --as-of $AS_OF
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/swap/out" --as-of 2025-04-01
assert_eq "$(ls -A "$T/swap")" "out" "entries beside the output"
assert_contains "$T/swap/out/actions/index.html" 'as of 2025-04-01'

t_begin "exit status 3 (I/O error): the new site cannot be swapped in; the old one stays"
# The output's parent is sticky (like /tmp) and the old site belongs to root, so
# another user may write the new site beside it but not move the old one.
if [ "$(id -u)" = 0 ]; then
	mkdir -p "$T/io/app/build"
	cp "$AFTERMATH" "$T/io/app/build/aftermath"
	cp -R layouts "$T/io/app/layouts"
	cp -R lint "$T/io/app/lint"
	cp -R tests/fixtures/site "$T/io/c"
	assert_exit 0 "$AFTERMATH" build "$T/io/c" -o "$T/io/sticky/out" --as-of $AS_OF
	cp -R "$T/io/sticky/out" "$T/io/before"
	chmod 755 "$T" && chmod -R a+rX "$T/io" && chmod 1777 "$T/io/sticky"
	assert_exit 3 setpriv --reuid=65534 --regid=65534 --clear-groups "$T/io/app/build/aftermath" build "$T/io/c" \
		-o "$T/io/sticky/out" --as-of 2025-04-01
	assert_stderr_contains "$T/io/sticky/out: error: cannot move the old site aside: Operation not permitted"
	assert_same_tree "$T/io/before" "$T/io/sticky/out"
	# the new site, which could not be swapped in, is not left beside the old one
	assert_eq "$(ls -A "$T/io/sticky")" "out" "what the sticky parent holds after the failed swap"
else
	# Not root: the old site is ours, so it can always be moved; a parent that
	# is a file is refused before anything is written (exit 2), not an I/O error.
	: > "$T/io-file"
	assert_exit 2 "$AFTERMATH" build tests/fixtures/site -o "$T/io-file/out" --as-of $AS_OF
fi

t_begin "slug collision: ids 'PM 1' and 'pm-1' name the same page, and that is an error, not a lost page"
mkdir -p "$T/coll/postmortems"
pm "$T/coll/postmortems/a.md" "PM 1" ""
pm "$T/coll/postmortems/b.md" "pm-1" ""
assert_exit 1 "$AFTERMATH" build "$T/coll" -o "$T/coll-out" --as-of $AS_OF
assert_stderr_contains 'error: duplicate id "pm-1" (already used by'
assert_stderr_contains 'which has the same page name)'
assert_no_file "$T/coll-out/index.html"
# Different pages are fine: 'PM 1' and 'PM 11'.
pm "$T/coll/postmortems/b.md" "PM 11" ""
assert_exit 0 "$AFTERMATH" build "$T/coll" -o "$T/coll-out" --as-of $AS_OF
assert_file "$T/coll-out/postmortems/pm-1/index.html"
assert_file "$T/coll-out/postmortems/pm-11/index.html"

t_begin "alias table: 'status: review' is accepted as in-review, other spellings are not"
mkdir -p "$T/rev/postmortems"
pm "$T/rev/postmortems/a.md" "RV-1" "status: review
"
pm "$T/rev/postmortems/b.md" "RV-2" "status: In-Review
"
assert_exit 0 "$AFTERMATH" build "$T/rev" -o "$T/rev-out" --as-of $AS_OF
assert_eq "$(ujson "$T/rev-out/api/postmortems.json" 'd.map(p => p.id + " " + p.status).join(",")')" "RV-1 in-review,RV-2 in-review" "statuses"
pm "$T/rev/postmortems/b.md" "RV-2" "status: reviewed
"
assert_exit 1 "$AFTERMATH" check "$T/rev"
assert_stderr_contains 'b.md:5:9: error: unknown status "reviewed" (expected draft, in-review, complete)'

t_begin "default severity: a postmortem without one gets the last (least severe) of site.yaml's severities"
users_site "$T/sev"
pm "$T/sev/postmortems/nosev.md" "SV-1" ""
assert_exit 0 "$AFTERMATH" build "$T/sev" -o "$T/sev-out" --as-of $AS_OF
assert_eq "$(ujson "$T/sev-out/api/postmortems.json" 'd.find(p => p.id === "SV-1").severity')" "SEV4" "default severity"
printf 'severities: [P1, P2, P3]\n' >> "$T/sev/site.yaml"
sed -i 's/^severity: SEV[0-9]$/severity: P1/' "$T/sev/postmortems"/*/*.md
assert_exit 0 "$AFTERMATH" build "$T/sev" -o "$T/sev-out" --as-of $AS_OF
assert_eq "$(ujson "$T/sev-out/api/postmortems.json" 'd.find(p => p.id === "SV-1").severity')" "P3" "default severity of P1..P3"
assert_eq "$(ujson "$T/sev-out/api/postmortems.json" 'd.find(p => p.id === "FX-001").severity')" "P1" "a given severity"

t_begin "default visibility: site.yaml's visibility applies to a postmortem without one"
mkdir -p "$T/vis/postmortems"
pm "$T/vis/postmortems/a.md" "VI-1" "status: complete
"
pm "$T/vis/postmortems/b.md" "VI-2" "status: complete
visibility: internal
"
assert_exit 0 "$AFTERMATH" build "$T/vis" -o "$T/vis-int" --profile public --as-of $AS_OF
assert_eq "$(ujson "$T/vis-int/api/postmortems.json" 'd.length')" 0 "public postmortems (default internal)"
printf 'visibility: public\n' > "$T/vis/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/vis" -o "$T/vis-pub" --profile public --as-of $AS_OF
assert_eq "$(ujson "$T/vis-pub/api/postmortems.json" 'd.map(p => p.title).join(",")')" "A small postmortem" "public postmortems (default public)"
assert_exit 0 "$AFTERMATH" build "$T/vis" -o "$T/vis-all" --as-of $AS_OF
assert_eq "$(ujson "$T/vis-all/api/postmortems.json" 'd.map(p => p.id + " " + p.visibility).sort().join(",")')" "VI-1 public,VI-2 internal" "visibility in postmortems.json"

t_begin "threshold: recurring_threshold decides which factors are recurring"
users_site "$T/rec"
assert_exit 0 "$AFTERMATH" build "$T/rec" -o "$T/rec2" --as-of $AS_OF
assert_contains "$T/rec2/postmortems/fx-001/index.html" 'term factor recurring'
sed -i 's/^recurring_threshold: 2/recurring_threshold: 3/' "$T/rec/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/rec" -o "$T/rec3" --as-of $AS_OF
assert_not_contains "$T/rec3/postmortems/fx-001/index.html" 'term factor recurring'
assert_contains "$T/rec3/factors/connection-pool-exhaustion/index.html" '<p class="node-kicker">Contributing factor · technical</p>'
assert_eq "$(grep -c 'recurring' "$T/rec3/factors/index.html")" 1 "lines with 'recurring' on /factors/ (the legend only)"
sed -i 's/^recurring_threshold: 3/recurring_threshold: 1/' "$T/rec/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/rec" -o "$T/rec1" --as-of $AS_OF
assert_contains "$T/rec1/factors/alert-fatigue/index.html" 'term factor recurring">recurring'

t_begin "link text: a link to a left-out postmortem reads 'an unpublished postmortem', in the page and the index"
assert_exit 0 "$AFTERMATH" build tests/fixtures/public-canary -o "$T/unpub" --profile public --as-of $AS_OF
assert_contains "$T/unpub/postmortems/2024-06-12-checkout/index.html" 'This looked like <span class="wikilink">an unpublished postmortem</span> at first'
assert_contains "$T/unpub/search/index.js" 'looked like an unpublished postmortem at first'

t_begin "cap: the feed has the 30 newest postmortems, no more"
"$(dirname "$AFTERMATH")/gen-corpus" 40 "$T/feed" >/dev/null
assert_eq "$?" 0 "gen-corpus"
assert_exit 0 "$AFTERMATH" build "$T/feed" -o "$T/feed-out" --as-of $AS_OF
assert_eq "$(grep -c '<entry>' "$T/feed-out/feed.xml")" 30 "feed entries"
newest=$(ujson "$T/feed-out/api/postmortems.json" 'd[0].title')
assert_contains "$T/feed-out/feed.xml" "$newest"

# text FILE: the page's text, tags removed and blanks squeezed, for figures that span elements
page_text() { sed 's/<[^>]*>/ /g' "$1" | tr -s ' \n\t' '   ' > "$1.txt"; }

t_begin "figures: /metrics/ and /actions/ of the fixture, computed by hand (months, timeliness, buckets, recently closed)"
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/fig" --as-of 2025-04-02
page_text "$T/fig/metrics/index.html"
M="$T/fig/metrics/index.html.txt"
# FX-001 (SEV1): detect 9, mitigate 40, resolve 90 min; FX-002 (SEV2): 20, 50, 90; both on checkout-api and payments-db.
assert_contains "$M" '2 incidents counted; 1 near-miss and 1 drill are left out of durations.'
assert_contains "$M" 'SEV1 1 9 min / 9 min 40 min / 40 min 1 h 30 min / 1 h 30 min'
assert_contains "$M" 'SEV2 1 20 min / 20 min 50 min / 50 min 1 h 30 min / 1 h 30 min'
assert_contains "$M" 'checkout-api 2 15 min / 20 min 45 min / 50 min 1 h 30 min / 1 h 30 min'
assert_contains "$M" 'payments-db 2 15 min / 20 min 45 min / 50 min 1 h 30 min / 1 h 30 min'
assert_contains "$M" 'Resolved in Incidents under 15 min 0 15–60 min 0 1–4 h 2 4–24 h 0 1–7 days 0 over a week 0'
# Published 2 and 19 days after resolution.
assert_contains "$M" 'published a median of 10.5 days after resolution (p90: 19 days); 50% within 3 days and 50% within 7 days, over 2 postmortems with both dates.'
# Months from the first postmortem's (2024-01) to the last's (2025-03, the drill's); FX-003 is a near-miss.
assert_contains "$M" 'Month Incidents Near-misses 2024-01 1 0 2024-02 0 0 2024-03 0 0 2024-04 0 0 2024-05 0 0 2024-06 1 0 2024-07 0 0'
assert_contains "$M" '2025-01 0 0 2025-02 0 1 2025-03 0 0 '
page_text "$T/fig/actions/index.html"
A="$T/fig/actions/index.html.txt"
# As of 2025-04-02: FX-003's runbook is 1 day late, FX-002's item (due 2024-02-01) 426 days.
assert_contains "$A" 'Late by Items 1–30 days 1 31–90 days 0 91–180 days 0 181–365 days 0 over a year 1'
assert_contains "$A" 'Document the pool limits FX-002 Priya Natarajan 2024-06-15 Done closed 2024-06-10 should — Raise pool size, with a load test FX-001 Lee Park 2024-01-30 Done closed 2024-01-28 should — Alert on pool saturation FX-001 Lee Park 2024-01-25 Done closed 2024-01-20 must OPS-1 '

t_begin "public profile: no owner pages even when owners are not stripped"
mkdir -p "$T/own/postmortems"
pm "$T/own/postmortems/a.md" "OW-1" "status: complete
visibility: public
owner: Dana Lee
"
printf 'public:\n  strip: []\n' > "$T/own/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/own" -o "$T/own-pub" --profile public --as-of $AS_OF
assert_no_file "$T/own-pub/owners"
assert_contains "$T/own-pub/postmortems/2024-05-01-a/index.html" '<div><dt>Owner</dt><dd>Dana Lee</dd></div>'
assert_exit 0 node tests/e2e/check-links.mjs "$T/own-pub"
assert_exit 0 "$AFTERMATH" build "$T/own" -o "$T/own-int" --as-of $AS_OF
assert_file "$T/own-int/owners/dana-lee/index.html"

t_begin "pages: a page without a title is named after its file, '-' and '_' read as spaces"
mkdir -p "$T/pg/pages" "$T/pg/postmortems"
pm "$T/pg/postmortems/a.md" "PG-1" ""
printf 'Who is on call.\n' > "$T/pg/pages/on-call_rota.md"
assert_exit 0 "$AFTERMATH" build "$T/pg" -o "$T/pg-out" --as-of $AS_OF
assert_contains "$T/pg-out/on-call-rota/index.html" "<title>On call rota"

t_begin "escaping: U+2028 and U+2029 in a body reach the search index escaped, never raw in the script"
mkdir -p "$T/ls/postmortems"
printf -- '---\nid: LS-1\ntitle: Line separator\ndate: 2024-05-01\n---\nThe zeppelin alarm\342\200\250rang and the\342\200\251pager too.\n\nNot a separator: \343\200\250 stays.\n' > "$T/ls/postmortems/a.md"
assert_exit 0 "$AFTERMATH" build "$T/ls" -o "$T/ls-out" --as-of $AS_OF
assert_contains "$T/ls-out/search/index.js" 'zeppelin alarm\u2028rang and the\u2029pager too.'
assert_contains "$T/ls-out/search/index.js" "Not a separator: $(printf '\343\200\250') stays."
assert_eq "$(grep -c "$(printf '\342\200\250\|\342\200\251')" "$T/ls-out/search/index.js")" 0 "lines of index.js with a raw U+2028 or U+2029"

t_begin "dropped field: an action item's success criteria are shown with it"
mkdir -p "$T/sc/postmortems"
pm "$T/sc/postmortems/a.md" "SC-1" "action_items:
  - title: Alert on saturation
    success_criteria: the alert fires in the next load test
"
assert_exit 0 "$AFTERMATH" build "$T/sc" -o "$T/sc-out" --as-of $AS_OF
assert_contains "$T/sc-out/postmortems/sc-1/index.html" '<span class="criteria">Done when: the alert fires in the next load test</span>'

t_begin "dropped condition: an empty 'summary:' is no summary (no empty lede, the site's description)"
mkdir -p "$T/sn/postmortems"
pm "$T/sn/postmortems/a.md" "SN-1" "summary:
"
printf 'description: What we learned\n' > "$T/sn/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/sn" -o "$T/sn-out" --as-of $AS_OF
assert_contains "$T/sn-out/postmortems/sn-1/index.html" '<meta name="description" content="What we learned">'
assert_not_contains "$T/sn-out/postmortems/sn-1/index.html" '<p class="lede"></p>'
assert_not_contains "$T/sn-out/index.html" '<p class="pm-summary"></p>'

t_begin "figures: edge cases of /metrics/ and /actions/ (tests/fixtures/insights), computed by hand"
assert_exit 0 "$AFTERMATH" build tests/fixtures/insights -o "$T/ins" --as-of $AS_OF
page_text "$T/ins/metrics/index.html"
M="$T/ins/metrics/index.html.txt"
# IN-1 detect 0 (a zero duration counts), resolve 60; IN-2 detect 10, mitigate 20, resolve 30; IN-4 no times; IN-3 a drill;
# IN-5 a draft whose day-long times would move every SEV1 figure (drafts stay out of durations, as drills do).
assert_contains "$M" '3 incidents counted; 0 near-misses, 1 drill and 1 draft (their times are still being written) are left out of durations.'
assert_contains "$M" 'SEV1 3 5 min / 10 min 20 min / 20 min 45 min / 1 h '
assert_contains "$M" 'Resolved in Incidents under 15 min 0 15–60 min 1 1–4 h 1 4–24 h 0'
assert_exit 0 "$AFTERMATH" stats tests/fixtures/insights --as-of $AS_OF
assert_stdout_contains "3 incidents, 0 near-misses (durations exclude them), 1 drill; 1 incident still draft (left out of durations)"
assert_exit 0 "$AFTERMATH" stats tests/fixtures/insights --as-of $AS_OF --format json
assert_stdout_contains '"SEV1": {"count": 3, "detect_minutes": {"count": 2, "median": 5, "p90": 10}'
# Published 3 and 0 days after resolution; the drill (30 days) and IN-4 (never resolved) are left out.
assert_contains "$M" 'published a median of 1.5 days after resolution (p90: 3 days); 100% within 3 days and 100% within 7 days, over 2 postmortems with both dates.'
page_text "$T/ins/actions/index.html"
# Closed: only done items with a closed date inside the months shown (the wont-do, the undated and the two outside are not).
assert_contains "$T/ins/actions/index.html.txt" 'Month Opened Closed 2024-01 2 0 2024-02 3 1 2024-03 0 0 2024-04 0 0 '

t_begin "cap: 'recently closed' lists the 20 latest, no more"
page_text "$T/feed-out/actions/index.html"
assert_eq "$(grep -o 'Done closed' "$T/feed-out/actions/index.html.txt" | wc -l)" 20 "recently closed rows"

t_begin "dropped condition: an empty owner is no owner (no owner page, no empty link)"
mkdir -p "$T/oe/postmortems"
pm "$T/oe/postmortems/a.md" "OE-1" 'owner: ""
'
assert_exit 0 "$AFTERMATH" build "$T/oe" -o "$T/oe-out" --as-of $AS_OF
assert_no_file "$T/oe-out/owners"
assert_not_contains "$T/oe-out/postmortems/oe-1/index.html" 'href="../../owners/'
assert_exit 0 node tests/e2e/check-links.mjs "$T/oe-out"

t_begin "boundaries of 'closed by month': an item done without a closed date is not closed in 1970; 19 closed items list 19"
mkdir -p "$T/old/postmortems"
pm "$T/old/postmortems/a.md" "OL-1" 'action_items:
  - title: Done, no date
    status: done
'
sed -i 's/^date: 2024-05-01$/date: 1969-12-15/' "$T/old/postmortems/a.md"
printf -- '---\nid: OL-2\ntitle: Later\ndate: 1970-02-01\naction_items:\n' > "$T/old/postmortems/b.md"
for i in $(seq 10 28); do
	printf '  - title: Item %s\n    status: done\n    closed: 1970-02-%s\n' "$i" "$i" >> "$T/old/postmortems/b.md"
done
printf -- '---\nBody.\n' >> "$T/old/postmortems/b.md"
assert_exit 0 "$AFTERMATH" build "$T/old" -o "$T/old-out" --as-of $AS_OF
page_text "$T/old-out/actions/index.html"
assert_contains "$T/old-out/actions/index.html.txt" 'Month Opened Closed 1969-12 1 0 1970-01 0 0 1970-02 19 19 '
assert_eq "$(grep -o 'Done closed' "$T/old-out/actions/index.html.txt" | wc -l)" 19 "recently closed rows"
