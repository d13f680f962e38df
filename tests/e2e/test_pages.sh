# Pages for readers (issue 22): the index pages a trimmed URL lands on, similar
# incidents with their reason, Open Graph tags, site.yaml's tickets:,
# edit_url: and teams: (with their diagnostics), the home page's overdue
# count, heading permalinks, chart durations and plurals.

# A small site: P-1 and P-2 share checkout-api and a factor; D-1 is a drill
# that shares more with P-1 than P-2 does.
site() { # site DIR: the three postmortems, no site.yaml
	mkdir -p "$1/postmortems"
	cat >"$1/postmortems/p1.md" <<'EOF'
---
id: P-1
title: Checkout errors after the pool change
date: 2025-03-01
status: complete
visibility: public
owner: Priya Natarajan
services: [checkout-api, payments-db]
contributing_factors: [connection pool exhaustion, missing load test]
impact:
  started: 2025-03-01T10:00:00Z
  resolved: 2025-03-03T16:30:00Z
action_items:
  - {title: Alert on pool saturation, owner: Lee Park, due: 2025-04-01, status: open, ticket: "OPS-1 a/b?c#d\"><x>"}
  - {title: Load-test every pool change, owner: Lee Park, due: 2025-04-02, status: open, ticket: OPS-2}
---
## Root cause

The pool.
EOF
	cat >"$1/postmortems/p2.md" <<'EOF'
---
id: P-2
title: Slow checkout during the sale
date: 2025-02-01
status: complete
owner: Tom Ruiz
services: [checkout-api]
contributing_factors: [missing load test]
action_items:
  - {title: Autoscale checkout, owner: Tom Ruiz, due: 2025-03-01, status: open}
---
Body.
EOF
	cat >"$1/postmortems/d1.md" <<'EOF'
---
id: D-1
title: Game day on payments-db
date: 2025-01-01
status: complete
kind: drill
services: [checkout-api, payments-db]
contributing_factors: [connection pool exhaustion, missing load test]
---
Body.
EOF
}

site "$T/s"
t_begin "index pages: /postmortems/, /tags/ and /owners/ answer; the nav's Postmortems opens a page of that title"
printf 'title: KB\n' >"$T/s/site.yaml"
sed -i 's/^owner: Tom Ruiz$/owner: Tom Ruiz\ntags: [sale]/' "$T/s/postmortems/p2.md"
assert_exit 0 "$AFTERMATH" build "$T/s" -o "$T/o" --as-of 2026-01-01
assert_contains "$T/o/postmortems/index.html" "<title>Postmortems · KB</title>"
assert_contains "$T/o/postmortems/index.html" "<h1>Postmortems</h1>"
assert_contains "$T/o/postmortems/index.html" 'href="../postmortems/p-1/"'
assert_contains "$T/o/index.html" '<li><a href="./postmortems/">Postmortems</a></li>'
assert_contains "$T/o/tags/index.html" '<h1>Tags</h1>'
assert_contains "$T/o/tags/index.html" 'href="../tags/sale/">#sale</a> <span class="node-count">1 postmortem'
assert_contains "$T/o/owners/index.html" 'href="../owners/lee-park/">Lee Park</a>'
assert_contains "$T/o/postmortems/p-1/index.html" '<li><a href="../../postmortems/">Postmortems</a></li>'
assert_contains "$T/o/tags/sale/index.html" '<a href="../../tags/">Tags</a>'

t_begin "the home page says how many items are overdue, not how many it lists"
assert_contains "$T/o/index.html" '<dt>Overdue action items</dt><dd><a href="./actions/">3</a>'
assert_not_contains "$T/o/index.html" 'All 3 overdue items'
for i in 1 2 3 4 5 6 7 8 9 10 11; do
	printf -- '---\nid: Q-%s\ntitle: Q %s\ndate: 2025-01-%02d\naction_items:\n  - {title: Item %s, due: 2025-01-20, status: open}\n---\nB.\n' \
		"$i" "$i" "$i" "$i" >"$T/s/postmortems/q$i.md"
done
assert_exit 0 "$AFTERMATH" build "$T/s" -o "$T/o14" --as-of 2026-01-01
assert_contains "$T/o14/index.html" '<dt>Overdue action items</dt><dd><a href="./actions/">14</a>'
assert_contains "$T/o14/index.html" 'All 14 overdue items →'
rm "$T/s/postmortems"/q*.md

t_begin "similar incidents: an incident ranks above a drill that shares more, and each says what it shares"
P="$T/o/postmortems/p-1/index.html"
assert_contains "$P" '<h3>Similar incidents</h3>'
first=$(grep -o 'why-similar">similar</span> <a href="[^"]*">[^<]*' "$P" | head -1)
assert_eq "$(echo "$first" | sed 's/.*">//')" "P-2: Slow checkout during the sale" "first similar"
assert_contains "$P" '<span class="chip kind kind-drill">Drill</span>'
assert_contains "$P" 'Shares <a class="shared-service" href="../../services/checkout-api/">checkout-api</a>; <a class="shared-factor" href="../../factors/missing-load-test/">missing load test</a></span>'
assert_contains "$P" 'Shares <a class="shared-service" href="../../services/checkout-api/">checkout-api</a>, <a class="shared-service" href="../../services/payments-db/">payments-db</a>; <a class="shared-factor" href="../../factors/connection-pool-exhaustion/">connection pool exhaustion</a>, <a class="shared-factor" href="../../factors/missing-load-test/">missing load test</a>'

t_begin "body headings have permalink anchors"
assert_contains "$P" '<h2 id="root-cause">Root cause<a class="anchor" href="#root-cause" aria-label="Link to this section">#</a></h2>'

t_begin "Open Graph tags on every page, escaped; og:url only with a base URL"
site "$T/og"
printf 'title: "KB \\"&<b>"\ndescription: "Our <i>\\"failures\\""\n' >"$T/og/site.yaml"
sed -i 's/^title: Checkout errors after the pool change$/title: "Pool \\"x\\" <script>alert(1)<\/script> \& co"/' "$T/og/postmortems/p1.md"
sed -i 's/^status: complete$/status: complete\nsummary: "It <img src=x onerror=alert(1)> \\"broke\\""/' "$T/og/postmortems/p1.md"
assert_exit 0 "$AFTERMATH" build "$T/og" -o "$T/og-o" --as-of 2026-01-01
P="$T/og-o/postmortems/p-1/index.html"
assert_contains "$P" '<meta property="og:title" content="Pool &quot;x&quot; &lt;script&gt;alert(1)&lt;/script&gt; &amp; co">'
assert_contains "$P" '<meta property="og:description" content="It &lt;img src=x onerror=alert(1)&gt; &quot;broke&quot;">'
assert_contains "$P" '<meta property="og:type" content="article">'
assert_contains "$P" '<meta property="og:site_name" content="KB &quot;&amp;&lt;b&gt;">'
assert_contains "$T/og-o/services/index.html" '<meta property="og:description" content="Our &lt;i&gt;&quot;failures&quot;">'
assert_not_contains "$P" 'og:url'
assert_not_contains "$P" '<script>alert(1)'
assert_exit 0 "$AFTERMATH" build "$T/og" -o "$T/og-u" --as-of 2026-01-01 --base-url 'https://kb.example.com/x/'
assert_contains "$T/og-u/postmortems/p-1/index.html" '<meta property="og:url" content="https://kb.example.com/x/postmortems/p-1/">'
assert_contains "$T/og-u/index.html" '<meta property="og:url" content="https://kb.example.com/x/">'

t_begin "tickets: ticket ids link through the template, percent-encoded"
site "$T/tk"
printf 'tickets: "https://jira.example.com/browse/{}?from=kb"\n' >"$T/tk/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/tk" -o "$T/tk-o" --as-of 2026-01-01
A="$T/tk-o/actions/index.html"
assert_contains "$A" '<a href="https://jira.example.com/browse/OPS-2?from=kb">OPS-2</a>'
assert_contains "$A" '<a href="https://jira.example.com/browse/OPS-1%20a%2Fb%3Fc%23d%22%3E%3Cx%3E?from=kb">OPS-1 a/b?c#d&quot;&gt;&lt;x&gt;</a>'
assert_not_contains "$A" '"><x>'
assert_exit 0 "$AFTERMATH" build "$T/tk" -o "$T/tk-p" --as-of 2026-01-01 --profile public
assert_not_contains "$T/tk-p/postmortems/2025-03-01-checkout/index.html" 'jira.example.com'

t_begin "tickets: and edit_url: are checked: http or https, the placeholder exactly once"
for bad in 'tickets: "ftp://jira.example.com/{}"|1:10: error: tickets "ftp://jira.example.com/{}" must be an http or https URL' \
	'tickets: "javascript:alert(1)//{}"|1:10: error: tickets "javascript:alert(1)//{}" must be an http or https URL' \
	'tickets: "https://jira.example.com/browse/"|1:10: error: tickets "https://jira.example.com/browse/" must hold {} exactly once (it holds it 0 times' \
	'tickets: "https://j.example.com/{}/{}"|1:10: error: tickets "https://j.example.com/{}/{}" must hold {} exactly once (it holds it 2 times' \
	'tickets: [a, b]|1:10: error: tickets must be a URL template such as "https://jira.example.com/browse/{}" (got a list)' \
	'edit_url: "https://github.com/o/kb/edit/main/"|1:11: error: edit_url "https://github.com/o/kb/edit/main/" must hold {path} exactly once' \
	'edit_url: "/edit/{path}"|1:11: error: edit_url "/edit/{path}" must be an http or https URL (expected a template such as "https://github.com/org/kb/edit/main/{path}")'; do
	printf '%s\n' "${bad%%|*}" >"$T/tk/site.yaml"
	assert_exit 1 "$AFTERMATH" check "$T/tk"
	assert_stderr_contains "$T/tk/site.yaml:${bad#*|}"
done

t_begin "edit_url: an Edit this page link on postmortems and pages, internal builds only"
site "$T/ed"
mkdir -p "$T/ed/pages"
printf -- '---\ntitle: On call\n---\nHello.\n' >"$T/ed/pages/on call.md"
printf 'edit_url: "https://github.com/org/kb/edit/main/content/{path}"\n' >"$T/ed/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/ed" -o "$T/ed-o" --as-of 2026-01-01
assert_contains "$T/ed-o/postmortems/p-1/index.html" '<a href="https://github.com/org/kb/edit/main/content/postmortems/p1.md" rel="nofollow">Edit this page</a>'
assert_contains "$T/ed-o/on-call/index.html" '<a href="https://github.com/org/kb/edit/main/content/pages/on%20call.md" rel="nofollow">Edit this page</a>'
assert_exit 0 "$AFTERMATH" build "$T/ed" -o "$T/ed-p" --as-of 2026-01-01 --profile public
assert_eq "$(grep -rl 'Edit this page' "$T/ed-p" | wc -l | tr -d ' ')" 0 "public pages with an edit link"

t_begin "teams: owners roll up to team pages; owners and services link to them"
site "$T/tm"
cat >"$T/tm/site.yaml" <<'EOF'
services:
  checkout-api: {team: Checkout Crew}
  payments-db: {}
teams:
  Checkout Crew: [Priya Natarajan, Tom Ruiz, New Person]
  Reliability: Lee Park
EOF
assert_exit 0 "$AFTERMATH" build "$T/tm" -o "$T/tm-o" --as-of 2026-01-01
TP="$T/tm-o/teams/checkout-crew/index.html"
assert_contains "$TP" '<h1>Checkout Crew</h1>'
assert_contains "$TP" '3 members; they own or have action items in 2 postmortems.'
assert_contains "$TP" '<a href="../../owners/priya-natarajan/">Priya Natarajan</a>'
assert_contains "$TP" '<h3 class="card-title">New Person</h3>'
assert_contains "$TP" 'Autoscale checkout'
assert_not_contains "$TP" 'Alert on pool saturation'
assert_contains "$T/tm-o/teams/reliability/index.html" 'Alert on pool saturation'
assert_contains "$T/tm-o/teams/index.html" '<a href="../teams/reliability/">Reliability</a>'
assert_contains "$T/tm-o/owners/tom-ruiz/index.html" 'Team: <a href="../../teams/checkout-crew/">Checkout Crew</a>'
assert_contains "$T/tm-o/services/checkout-api/index.html" 'Owned by <a href="../../teams/checkout-crew/">Checkout Crew</a>'
assert_contains "$T/tm-o/actions/index.html" '<td class="ai-owner" data-label="Owner"><a href="../owners/lee-park/">Lee Park</a></td>'

t_begin "teams: a public build has no team or owner page and names no one"
sed -i 's/^status: complete$/status: complete\nvisibility: public/' "$T/tm/postmortems/p2.md"
assert_exit 0 "$AFTERMATH" build "$T/tm" -o "$T/tm-p" --as-of 2026-01-01 --profile public
assert_no_file "$T/tm-p/teams"
assert_no_file "$T/tm-p/owners"
assert_eq "$(grep -rl 'Priya\|Tom Ruiz\|Lee Park\|New Person\|teams/' "$T/tm-p" | wc -l | tr -d ' ')" 0 "public files naming a person or a team page"
assert_contains "$T/tm-p/services/checkout-api/index.html" 'Owned by Checkout Crew</p>'

t_begin "teams: misuse is reported at its line and column"
tm_bad() { # YAML EXPECTED-STDERR [exit]
	printf '%s\n' "$1" >"$T/tm/site.yaml"
	assert_exit "${3:-1}" "$AFTERMATH" check "$T/tm"
	assert_stderr_contains "$T/tm/site.yaml:$2"
}
tm_bad 'teams: [a, b]' '1:8: error: teams must be a mapping from a team'"'"'s name to its members (got a list)'
tm_bad 'teams:
  Checkout: {lead: Priya}' '2:13: error: team "Checkout" must be a list of its members'"'"' names (got a mapping)'
tm_bad 'teams:
  Checkout: [Priya, [Tom]]' '2:21: error: a member of team "Checkout" must be a person'"'"'s name (got a list)'
tm_bad 'teams:
  Checkout: [Priya]
  checkout: [Tom]' '3:3: error: team "checkout" is the same team as "Checkout" at line 2 (team names are matched by slug)'
tm_bad 'teams:
  "!!": [Priya]' '2:3: error: team "!!" needs a letter or digit in its name'
tm_bad 'teams:
  Checkout: [Priya, Tom, priya]' '2:26: warning: "priya" is listed twice in team "Checkout" (names are matched by slug)' 0
tm_bad 'teams:
  Checkout: []' '2:13: warning: team "Checkout" has no members (expected a list of names)' 0
mkdir -p "$T/tm/pages" && printf -- '---\ntitle: Teams\n---\nx\n' >"$T/tm/pages/teams.md"
printf 'teams: {A: [Priya]}\n' >"$T/tm/site.yaml"
assert_exit 1 "$AFTERMATH" check "$T/tm"
assert_stderr_contains "$T/tm/pages/teams.md:1:1: error: pages/teams.md would be at /teams/, the index of site.yaml's teams (expected another file name)"
rm -r "$T/tm/pages"

t_begin "charts write durations as the tables do, and a phrase for one is singular"
mkdir -p "$T/one/postmortems"
printf -- '---\nid: O-1\ntitle: One\ndate: 2025-01-01\nstatus: complete\nimpact:\n  started: 2025-01-01T10:00:00Z\n  resolved: 2025-01-03T16:30:00Z\n---\n## Timeline\n\n- 10:00 it broke\n' >"$T/one/postmortems/o1.md"
assert_exit 0 "$AFTERMATH" build "$T/one" -o "$T/one-o" --as-of 2026-01-01
assert_contains "$T/one-o/metrics/index.html" 'class="chart-value">2 d 6 h</text>'
assert_not_contains "$T/one-o/metrics/index.html" '3270 min'
assert_stderr_contains "aftermath: built 1 postmortem into"
assert_contains "$T/one-o/index.html" '1 postmortem</p>'
assert_exit 0 "$AFTERMATH" stats "$T/one" --as-of 2026-01-01
assert_stdout_contains "1 postmortem, as of 2026-01-01"
assert_stdout_contains "1 incident, 0 near-misses (durations exclude them), 0 drills"
assert_exit 0 "$AFTERMATH" check "$T/one"
assert_stderr_contains "aftermath: 1 postmortem checked:"
assert_stderr_contains "the timeline has 1 entry;"
