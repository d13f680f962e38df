# Building the fixture site: pages, links, escaping, figures.
t_begin "build exits 0"
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/site" --as-of 2026-11-23 --jobs 2
assert_stderr_contains "built 4 postmortems into"
for p in index.html postmortems/fx-001/index.html postmortems/fx-002/index.html postmortems/fx-003/index.html \
	postmortems/fx-004/index.html timeline/index.html services/index.html services/checkout-api/index.html \
	services/payments-db/index.html services/search/index.html factors/index.html \
	factors/connection-pool-exhaustion/index.html factors/missing-rate-limiting/index.html \
	factors/alert-fatigue/index.html tags/database/index.html owners/lee-park/index.html actions/index.html \
	metrics/index.html start/index.html api/postmortems.json api/stats.json api/actions.csv; do
	assert_file "$T/site/$p"
done

t_begin "every internal link resolves"
assert_exit 0 node tests/e2e/check-links.mjs "$T/site"

t_begin "stylesheet has a content hash"
run sh -c "ls $T/site/assets/"
assert_eq "$(ls "$T/site/assets/" | grep -cE '^style\.[0-9a-f]{8}\.css$')" 1 "hashed stylesheet"

t_begin "HTML in fields is escaped, raw HTML and javascript: links are dropped"
P="$T/site/postmortems/fx-002/index.html"
assert_contains "$P" 'Pool exhaustion again &lt;script&gt;alert(1)&lt;/script&gt;'
assert_not_contains "$P" '<script>alert(1)</script>'
assert_not_contains "$P" 'alert("raw")'
assert_not_contains "$P" 'javascript:'
assert_contains "$P" '&quot;quotes&quot; &amp; &lt;b&gt;bold&lt;/b&gt;'
assert_contains "$P" '<a href="https://example.com/">good one</a>'

t_begin "headings get unique ids and wiki-links become titled links"
assert_contains "$P" '<h2 id="summary">Summary<a class="anchor" href="#summary" aria-label="Link to this section">#</a></h2>'
assert_contains "$P" '<h2 id="summary-2">Summary<a class="anchor" href="#summary-2" aria-label="Link to this section">#</a></h2>'
assert_contains "$P" '<a class="wikilink" href="../../postmortems/fx-001/">Checkout outage from pool exhaustion</a>'

t_begin "the search index reads wiki-links as the page shows them"
assert_contains "$T/site/search/index.js" 'Same failure as Checkout outage from pool exhaustion, months later.'
assert_not_contains "$T/site/search/index.js" '[[FX-001]]'

t_begin "durations computed across time zones"
assert_contains "$P" '20 min'
assert_contains "$P" '1 h 30 min'

t_begin "aliases and slugs merge services and factors"
assert_contains "$T/site/api/postmortems.json" '"services": ["checkout-api", "payments-db"], "factors": ["connection-pool-exhaustion"]'
assert_no_file "$T/site/services/payments-database/index.html"
assert_contains "$T/site/factors/connection-pool-exhaustion/index.html" '<h1>connection pool exhaustion</h1>'

t_begin "recurring factor and recurred after a fix"
assert_contains "$P" 'Recurred after a fix'
assert_contains "$P" 'whose action item for it was closed on <time datetime="2024-01-28">2024-01-28</time>'
assert_contains "$T/site/factors/connection-pool-exhaustion/index.html" 'fix closed on <time datetime="2024-01-28">2024-01-28</time>'
assert_contains "$T/site/postmortems/fx-001/index.html" 'term factor recurring'
assert_not_contains "$T/site/factors/alert-fatigue/index.html" 'term factor recurring">recurring'

t_begin "related: explicit, backlinks and similar"
assert_contains "$P" 'why-related">related</span> <a href="../../postmortems/fx-001/">FX-001'
assert_contains "$P" 'why-links-here">links here</span> <a href="../../postmortems/fx-004/">FX-004'
assert_contains "$T/site/postmortems/fx-001/index.html" 'why-links-here">links here</span> <a href="../../postmortems/fx-002/">FX-002'

t_begin "stats.json has the hand-computed figures"
S="$T/site/api/stats.json"
assert_contains "$S" '"action_items": {"total": 8, "done": 4, "open": 2, "in_progress": 1, "wont_do": 1, "overdue": 2, "completion_rate": 0.5714}'
assert_contains "$S" '"checkout-api": {"total": 6, "done": 3, "open": 1, "in_progress": 1, "wont_do": 1, "overdue": 1, "completion_rate": 0.6}'
assert_contains "$S" '"search": {"total": 2, "done": 1, "open": 1, "in_progress": 0, "wont_do": 0, "overdue": 1, "completion_rate": 0.5}'
assert_contains "$S" '"tom-ruiz": {"total": 2, "done": 0, "open": 1, "in_progress": 0, "wont_do": 1, "overdue": 1, "completion_rate": 0}'
assert_contains "$S" '"nice": {"total": 1, "done": 0, "open": 0, "in_progress": 0, "wont_do": 1, "overdue": 0, "completion_rate": null}'
assert_contains "$S" '"SEV1": {"count": 1, "detect_minutes": {"count": 1, "median": 9, "p90": 9}, "mitigate_minutes": {"count": 1, "median": 40, "p90": 40}, "resolve_minutes": {"count": 1, "median": 90, "p90": 90}}'
assert_contains "$S" '"SEV3": {"count": 0,'

t_begin "actions.csv: one row per item, quoted where needed"
assert_eq "$(wc -l < "$T/site/api/actions.csv")" 9 "rows including header"
assert_contains "$T/site/api/actions.csv" 'FX-001,"Raise pool size, with a load test",Lee Park,2024-01-30,done,should,,false'
assert_contains "$T/site/api/actions.csv" 'FX-003,Add a runbook for the search alerts,Ana Diaz,2025-04-01,open,should,SRCH-9,true'

t_begin "as-of date decides overdue and is shown"
assert_contains "$T/site/actions/index.html" 'as of <time datetime="2026-11-23">2026-11-23</time>'
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/early" --as-of 2024-01-31
assert_contains "$T/early/api/stats.json" '"overdue": 0'
assert_exit 0 env SOURCE_DATE_EPOCH=1706659200 "$AFTERMATH" build tests/fixtures/site -o "$T/sde"
assert_contains "$T/sde/api/stats.json" '"as_of": "2024-01-31"'

t_begin "charts are valid SVG"
node -e '
const fs = require("fs");
let n = 0;
const [dir, ...pages] = process.argv.slice(1);
for (const p of pages) {
  for (const m of fs.readFileSync(p, "utf8").matchAll(/<svg[\s\S]*?<\/svg>/g)) fs.writeFileSync(`${dir}/chart-${n++}.svg`, m[0]);
}
console.log(n);' "$T" "$T/site/actions/index.html" "$T/site/metrics/index.html" "$T/site/factors/index.html" "$T/site/services/checkout-api/index.html" > "$T/nsvg"
assert_eq "$([ "$(cat "$T/nsvg")" -ge 8 ] && echo yes)" yes "at least 8 charts"
assert_exit 0 sh -c "xmllint --noout $T/chart-*.svg"

t_begin "actions.csv round-trips titles with commas, quotes and line breaks"
mkdir -p "$T/csv/postmortems"
printf -- '---\nid: C-1\ntitle: T\ndate: 2024-01-01\naction_items:\n  - title: "Say \\"no\\", then stop"\n    owner: "Ruiz, Tom"\n    status: open\n  - title: "two\\nlines"\n---\n' > "$T/csv/postmortems/c.md"
assert_exit 0 "$AFTERMATH" build "$T/csv" -o "$T/csv-out"
assert_exit 0 node -e '
const t = require("fs").readFileSync(process.argv[1], "utf8");
const rows = []; let row = [], f = "", q = false;
for (let i = 0; i < t.length; i++) { const c = t[i];
  if (q) { if (c === "\"") { if (t[i+1] === "\"") { f += "\""; i++; } else q = false; } else f += c; }
  else if (c === "\"") q = true; else if (c === ",") { row.push(f); f = ""; } else if (c === "\r") {} else if (c === "\n") { row.push(f); rows.push(row); row = []; f = ""; } else f += c; }
if (rows.length !== 3 || rows[1][1] !== "Say \"no\", then stop" || rows[1][2] !== "Ruiz, Tom" || rows[2][1] !== "two\nlines") { console.log(JSON.stringify(rows)); process.exit(1); }' "$T/csv-out/api/actions.csv"

t_begin "feed.xml and sitemap.xml are well-formed, with every page"
assert_exit 0 xmllint --noout "$T/site/feed.xml" "$T/site/sitemap.xml"
assert_eq "$(grep -c '<entry>' "$T/site/feed.xml")" 4 "feed entries"
assert_contains "$T/site/sitemap.xml" '<loc>/postmortems/fx-002/</loc>'
assert_exit 0 "$AFTERMATH" build tests/fixtures/site -o "$T/abs" --base-url https://kb.example.com/postmortems
assert_contains "$T/abs/feed.xml" '<id>https://kb.example.com/postmortems/postmortems/fx-001/</id>'
assert_contains "$T/abs/postmortems/fx-001/index.html" '<link rel="canonical" href="https://kb.example.com/postmortems/postmortems/fx-001/">'
assert_contains "$T/abs/postmortems/fx-001/index.html" '<meta property="og:title"'

t_begin "/start/ shows the intro, featured postmortems and recurring factors"
assert_exit 0 "$AFTERMATH" build content -o "$T/sample" --as-of 2026-11-23
assert_contains "$T/sample/start/index.html" "What &quot;blameless&quot; means here"
assert_contains "$T/sample/start/index.html" "Read these first"
assert_contains "$T/sample/start/index.html" 'href="../postmortems/pm-2024-003/"'
assert_contains "$T/sample/start/index.html" "Failures that keep coming back"
assert_contains "$T/sample/start/index.html" 'href="../factors/connection-pool-exhaustion/"'

t_begin "a service missing from the registry is an error at its line"
mkdir -p "$T/reg/postmortems"
printf 'services:\n  checkout-api: {team: Checkout}\n' > "$T/reg/site.yaml"
printf -- '---\nid: R-1\ntitle: T\ndate: 2024-01-01\nservices: [checkout-api, billing-api]\n---\n' > "$T/reg/postmortems/r.md"
assert_exit 1 "$AFTERMATH" check "$T/reg"
assert_stderr_contains "$T/reg/postmortems/r.md:5:26: error: unknown service \"billing-api\" (not in site.yaml's services registry; add it there or use a registered name)"

t_begin "aftermath stats prints the same figures"
assert_exit 0 "$AFTERMATH" stats tests/fixtures/site --as-of 2026-11-23 --format json
assert_stdout_contains '"action_items": {"total": 8, "done": 4, "open": 2, "in_progress": 1, "wont_do": 1, "overdue": 2, "completion_rate": 0.5714}'
assert_exit 0 "$AFTERMATH" stats tests/fixtures/site --as-of 2026-11-23
assert_stdout_contains "4 postmortems, as of 2026-11-23 (internal profile)"
assert_stdout_contains "checkout-api"
assert_stdout_contains "57.1%"

t_begin "a custom template reads a node's overdue items (made when first read)"
cp -R tests/fixtures/site "$T/overdue"
mkdir -p "$T/overdue/layouts"
printf '%s\n' '[{{ count(service.overdue) }}|{% for _, a in ipairs(service.overdue) do %}{{ a.pm.id }}: {{ a.title }} ({{ a.days_overdue }});{% end %}]' \
	> "$T/overdue/layouts/service.html"
printf '%s\n' '[{{ count(owner.overdue) }}|{% for _, a in ipairs(owner.overdue) do %}{{ a.pm.id }}: {{ a.owner }};{% end %}]' \
	> "$T/overdue/layouts/owner.html"
assert_exit 0 "$AFTERMATH" build "$T/overdue" -o "$T/overdue-out" --as-of 2026-11-23
assert_contains "$T/overdue-out/services/checkout-api/index.html" "[1|FX-001: Add rate limiting to checkout (1026);]"
assert_contains "$T/overdue-out/services/search/index.html" "[1|FX-003: Add a runbook for the search alerts (601);]"
assert_contains "$T/overdue-out/owners/tom-ruiz/index.html" "[1|FX-001: Tom Ruiz;]"
assert_contains "$T/overdue-out/owners/lee-park/index.html" "[0|]"

t_begin "a custom template reads pm.fields: the front matter as written, unknown keys too"
cp -R tests/fixtures/site "$T/fields"
mkdir -p "$T/fields/layouts"
sed -i 's/^published: 2024-01-12$/published: 2024-01-12\nrunbook: https:\/\/wiki.example\/pool/' "$T/fields/postmortems/2024/fx-001.md"
printf '%s\n' '[{{ pm.fields.title }}|{{ (pm.fields.impact or {}).customers_affected }}|{{ ((pm.fields.action_items or {})[1] or {}).ticket }}|{{ pm.fields.runbook }}|{{ pm.fields.nope }}|{{ pm.nope }}]' \
	> "$T/fields/layouts/postmortem.html"
assert_exit 0 "$AFTERMATH" build "$T/fields" -o "$T/fields-out" --as-of 2026-11-23
assert_contains "$T/fields-out/postmortems/fx-001/index.html" "[Checkout outage from pool exhaustion|1200|OPS-1|https://wiki.example/pool||]"
printf '%s\n' '[{% if pm.fields then %}fields{% else %}none{% end %}]' > "$T/fields/layouts/postmortem.html"
assert_exit 0 "$AFTERMATH" build "$T/fields" -o "$T/fields-public" --as-of 2026-11-23 --profile public
assert_eq "$(grep -rl '\[none\]' "$T/fields-public/postmortems" | wc -l | tr -d ' ')" 2 "public pages without pm.fields (the 2 public ones)"
assert_eq "$(grep -rl '\[none\]' "$T/fields-public/postmortems" | wc -l)" \
	"$(find "$T/fields-public/postmortems" -mindepth 2 -name index.html | wc -l)" "public pages without pm.fields"
