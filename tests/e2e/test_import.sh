# Import (issue 19): collections written for other tools build unchanged, with what was read
# checked: a foreign front-matter schema (fields:, defaults:, empty values), a team's archive
# without front matter (file-name ids, timeline tables, Stats lists), the two common templates,
# and misuse of every site.yaml key at its file:line:col.  Fixtures: tests/fixtures/import/.
FX="$ROOT/tests/fixtures/import"

# pm_json SITE ID FIELD...: a value of postmortem ID in SITE/api/postmortems.json ("a.b" for nested).
pm_json() {
	node -e 'const [f, id, ...path] = process.argv.slice(1);
		const p = JSON.parse(require("fs").readFileSync(f + "/api/postmortems.json")).find(x => x.id === id);
		let v = p; for (const k of path) v = v === undefined ? undefined : v[k];
		console.log(v === undefined ? "(none)" : JSON.stringify(v));' "$@"
}
pm_count() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1] + "/api/postmortems.json")).length)' "$1"; }

t_begin "a foreign schema builds: fields: with fallbacks, split and dotted targets, defaults:, empty values are notes"
assert_exit 0 "$AFTERMATH" build "$FX/foreign" -o "$T/foreign" --as-of 2026-01-01
assert_eq "$(pm_count "$T/foreign")" 5 "postmortems built (6 files, 1 left out)"
assert_eq "$(grep -c 'hooli-undated.md:1:1: warning: left out of the build' "$ERR")" 1 "the skipped file named once"
assert_stderr_contains 'hooli-undated.md:2:1: note: missing required field "date" (looked for start_time, Date in the front matter, then in the body)'
assert_stderr_contains 'globex-cdn.md:6:10: note: product is empty: taken as absent (for services)'
assert_not_contains "$ERR" "error:"
S=5b0f2c1e-7d3a-4e51-9a7c-2f1d0c9e8b01
assert_eq "$(pm_json "$T/foreign" $S services)" '["payments-api","dashboard"]' "services split at commas"
assert_eq "$(pm_json "$T/foreign" $S factors)" '["config-change","database"]' "contributing_factors from categories"
assert_eq "$(pm_json "$T/foreign" $S tags)" '["failover","replication"]' "tags from keywords"
assert_eq "$(pm_json "$T/foreign" $S status)" '"complete"' "status from defaults"
assert_eq "$(pm_json "$T/foreign" $S severity)" '"SEV3"' "severity from defaults"
assert_contains "$T/foreign/postmortems/$S/index.html" '<dt>Original write-up</dt><dd><a href="https://example.com/rca/2019-07-10"'
assert_contains "$T/foreign/postmortems/$S/index.html" '<span class="dur-label">Resolved</span><span class="dur-value">+2 h 45 min'
G=8c1d0e5a-1b2c-4d3e-8f90-112233445566
assert_eq "$(pm_json "$T/foreign" $G services)" '[]' "product: \"\" is absent"
assert_eq "$(pm_json "$T/foreign" $G date)" '"2020-01-02"' "a date-time without T and zone is read"
assert_contains "$T/foreign/postmortems/$G/index.html" '<span class="dur-label">Resolved</span><span class="dur-value">+2 h'
assert_eq "$(pm_json "$T/foreign" 0a1b2c3d-0000-4000-8000-000000000003 title)" '"Invoices sent twice"' "title from the H1"
assert_eq "$(pm_json "$T/foreign" 0a1b2c3d-0000-4000-8000-000000000004 title)" '"Initech no heading"' "title from the file name"
assert_eq "$(pm_json "$T/foreign" 0a1b2c3d-0000-4000-8000-000000000005 date)" '"2022-11-15"' "date: [start_time, Date] falls back to a body line"
assert_eq "$(pm_json "$T/foreign" 0a1b2c3d-0000-4000-8000-000000000005 tags)" '["indexing"]' "tags: [keywords, Category] falls back to a body line"

t_begin "a team archive without front matter: ids from file names, timeline tables, Stats lists, action-item lists"
assert_exit 0 "$AFTERMATH" build "$FX/team" -o "$T/team" --as-of 2026-01-01
assert_eq "$(pm_count "$T/team")" 3 "postmortems built"
assert_eq "$(pm_json "$T/team" PM2021-005 title)" '"All services returning 503"' "title"
assert_eq "$(pm_json "$T/team" PM2021-005 date)" '"2021-06-22"' "date from the timeline's first row"
assert_eq "$(pm_json "$T/team" PM2021-005 tags)" '["kubernetes"]' "Category: mapped to tags"
assert_eq "$(pm_json "$T/team" PM2021-005 action_items total)" 3 "a plain list under Action Items"
assert_eq "$(pm_json "$T/team" PM2021-005 action_items open)" 3 "plain items are open"
P5="$T/team/postmortems/pm2021-005/index.html"
assert_contains "$P5" '<time datetime="2021-06-22T08:21:00Z">08:21 UTC'
assert_contains "$P5" '<span class="dur-label">Detected</span><span class="dur-value">+8 min'
assert_contains "$P5" '<span class="dur-label">Mitigated</span><span class="dur-value">+19 min'
assert_contains "$P5" '<span class="dur-label">Resolved</span><span class="dur-value">+25 min'
assert_contains "$P5" 'These times are read from the timeline.'
assert_eq "$(pm_json "$T/team" PM2021-009 action_items total)" 3 "a table under Action Items"
assert_eq "$(pm_json "$T/team" PM2021-009 action_items done)" 1 "its Status column"
assert_eq "$(pm_json "$T/team" PM2021-009 tags)" '["payments","queues"]' "a list in one line"
assert_contains "$T/team/postmortems/pm2021-009/index.html" '<span class="dur-label">Detected</span><span class="dur-value">+40 min'
assert_contains "$T/team/postmortems/pm2021-009/index.html" '<span class="dur-label">Resolved</span><span class="dur-value">+2 h'
assert_stderr_contains 'PM2021-009 - Payment webhooks delayed.md:20:56: warning: deadline "next month" is not a date'
assert_eq "$(grep -c 'Ana Silva' "$T/team/api/actions.csv")" 2 "owners from the table and from a task list's annotation"
assert_contains "$T/team/api/actions.csv" "2021-08-10"
assert_eq "$(pm_json "$T/team" PM2022-001 action_items total)" 2 "a task list (markdown.c's, as before)"
assert_contains "$T/team/postmortems/pm2022-001/index.html" '<span class="dur-label">Resolved</span><span class="dur-value">+1 h 3 min'

t_begin "contributing factors from the body's list: bold lead-ins, the words before a colon or dash, short items; sentences are a note"
assert_exit 0 "$AFTERMATH" build "$FX/team" -o "$T/teamf" --as-of 2026-01-01
assert_eq "$(pm_json "$T/teamf" PM2021-005 factors)" '["config-drift","no-canary"]' "**Config drift**: ... and No canary - ..."
assert_eq "$(pm_json "$T/teamf" PM2022-001 factors)" '["config-drift","memory-limits","missing-load-test"]' "an em dash, a short item, a link's text; the nested item is not one"
assert_eq "$(pm_json "$T/teamf" PM2021-009 factors)" '[]' "a Root Causes list of sentences gives none"
assert_stderr_contains 'PM2021-009 - Payment webhooks delayed.md:24:3: note: 2 items of the contributing-factors list are sentences, not a factor'"'"'s name: left in the text'
assert_eq "$(grep -c 'contributing-factors list' "$ERR")" 1 "one note, for the file with sentences"
assert_eq "$(ls "$T/teamf/factors" | tr '\n' ' ')" "config-drift index.html memory-limits missing-load-test no-canary " "a factor page per name, none per sentence"
assert_contains "$T/teamf/factors/config-drift/index.html" '<h1>Config drift</h1>'
assert_eq "$(grep -c 'class="pm-title"' "$T/teamf/factors/config-drift/index.html")" 2 "config drift recurs in two postmortems"
assert_exit 0 "$AFTERMATH" check "$FX/team" --explain "$FX/team/postmortems/PM2022-001 - DNS resolution failures.md"
assert_stdout_contains "from body: the contributing-factors section, $FX/team/postmortems/PM2022-001 - DNS resolution failures.md:21:1"
cp -r "$FX/team" "$T/teamf-off"
printf 'fields: {tags: Category, contributing_factors: Factors}\nimport: {front_matter: optional}\ndefaults: {status: complete}\n' > "$T/teamf-off/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/teamf-off" -o "$T/teamf-off-out" --as-of 2026-01-01
assert_eq "$(pm_json "$T/teamf-off-out" PM2021-005 factors)" '[]' "a fields: entry for contributing_factors turns the list off"
assert_not_contains "$ERR" 'contributing-factors list'
mkdir -p "$T/fmf/postmortems"
printf -- '---\nid: F-1\ntitle: T\ndate: 2024-01-01\n---\n## Contributing factors\n- Config drift\n' > "$T/fmf/postmortems/a.md"
assert_exit 0 "$AFTERMATH" build "$T/fmf" -o "$T/fmf-out" --as-of 2026-01-01
assert_eq "$(pm_json "$T/fmf-out" F-1 factors)" '[]' "without import: the body is not read for factors (as before)"

t_begin "the seeds' two templates: - Label: lines with an Action Item table; **Label:** lines with a bold Action Items: section"
assert_exit 0 "$AFTERMATH" build "$FX/seeds" -o "$T/seeds" --as-of 2026-01-01
assert_not_contains "$ERR" "warning:"
assert_eq "$(pm_count "$T/seeds")" 2 "postmortems built"
assert_eq "$(pm_json "$T/seeds" INC-2024-0042 title)" '"Checkout latency spike"' "H1 without \"Postmortem:\""
assert_eq "$(pm_json "$T/seeds" INC-2024-0042 severity)" '"SEV2"' "- Severity:"
assert_eq "$(pm_json "$T/seeds" INC-2024-0042 status)" '"complete"' "- Status:"
assert_eq "$(pm_json "$T/seeds" INC-2024-0042 action_items total)" 3 "| Action Item | Owner | Deadline |"
assert_contains "$T/seeds/api/actions.csv" "Lee Park"
assert_contains "$T/seeds/api/actions.csv" "2024-02-20"
assert_contains "$T/seeds/postmortems/inc-2024-0042/index.html" '<dt>Authors</dt><dd>Dana Ruiz, Lee Park</dd>'
assert_eq "$(pm_json "$T/seeds" shakespeare-sonnet status)" '"complete"' "**Status:** Complete, action items in progress"
assert_eq "$(pm_json "$T/seeds" shakespeare-sonnet action_items total)" 5 "**Action Items:** table"
assert_contains "$T/seeds/postmortems/shakespeare-sonnet/index.html" '<time datetime="2015-10-21T14:54:00Z">'
assert_contains "$T/seeds/postmortems/shakespeare-sonnet/index.html" '<span class="dur-label">Resolved</span><span class="dur-value">+1 h 6 min'
assert_contains "$T/seeds/postmortems/shakespeare-sonnet/index.html" 'Read from the “Action items” section above.'

t_begin "front matter with action items only in a table: read, not a silent 0; a section with none is a warning"
assert_exit 0 "$AFTERMATH" build "$FX/seeds-fm" -o "$T/seeds-fm" --as-of 2026-01-01
assert_eq "$(pm_json "$T/seeds-fm" PM-2024-031 action_items total)" 2 "table items"
assert_contains "$T/seeds-fm/api/actions.csv" "Ben Okafor"
assert_stderr_contains 'pm-2024-032.md:6:1: warning: the "Action items" section has no item aftermath can read'
assert_exit 1 "$AFTERMATH" build "$FX/seeds-fm" -o "$T/seeds-fm2" --as-of 2026-01-01 --strict

t_begin "site.yaml misuse of fields:, defaults:, import:, taxonomies: is an error at its file:line:col"
mkdir -p "$T/bad/postmortems"
printf -- '---\nid: A-1\ntitle: T\ndate: 2024-01-01\n---\nx\n' > "$T/bad/postmortems/a.md"
bad_site() { # YAML EXPECTED-DIAGNOSTIC
	printf '%s\n' "$1" > "$T/bad/site.yaml"
	assert_exit 1 "$AFTERMATH" check "$T/bad"
	assert_stderr_contains "$T/bad/site.yaml:$2"
}
bad_site 'fields: {nope: x}' '1:10: error: unknown field "nope" in fields (expected id, title'
bad_site 'fields: {impact.ended: x}' '1:10: error: unknown field "impact.ended" in fields'
bad_site 'fields: {tags: {from: k, split: ""}}' '1:33: error: fields.tags.split must be the text between the values'
bad_site 'fields: {id: []}' '1:14: error: fields.id is an empty list (expected at least one field name)'
bad_site 'fields: {id: [uuid, {a: b}]}' '1:21: error: fields.id must be a field name (got a mapping)'
bad_site 'fields: {title: {split: ","}}' '1:17: error: fields.title needs from: the author'
bad_site 'fields: {date: {from: d, sep: x}}' '1:26: error: unknown key "sep" in fields.date (expected from, split)'
bad_site 'fields: [id, uuid]' '1:9: error: fields must be a mapping from our field name to yours (got a list)'
bad_site 'defaults: [status]' '1:11: error: defaults must be a mapping'
bad_site 'defaults: {title: Untitled}' '1:12: error: defaults.title would give every postmortem the same title'
bad_site 'defaults: {colour: red}' '1:12: error: unknown field "colour" in defaults'
bad_site 'defaults: {severity: SEV9}' '1:22: error: unknown severity "SEV9" (expected SEV1, SEV2, SEV3, SEV4)'
bad_site 'import: yes' '1:9: error: import must be a mapping of front_matter, on_invalid, read_body (got a text value)'
bad_site 'import: {front_matter: maybe}' '1:24: error: unknown import.front_matter "maybe" (expected required, optional)'
bad_site 'import: {on_invalid: ignore}' '1:22: error: unknown import.on_invalid "ignore" (expected error, skip)'
bad_site 'import: {read_body: sometimes}' '1:21: error: import.read_body must be true or false'
bad_site 'import: {frontmatter: optional}' '1:10: error: unknown key "frontmatter" in import (expected front_matter, on_invalid, read_body)'
bad_site 'taxonomies: {services: {}}' '1:14: error: taxonomy name "services" is taken'
bad_site 'taxonomies: {Bad-Name: {}}' '1:14: error: taxonomy name "Bad-Name" must be 1 to 40 lower-case letters'
bad_site 'taxonomies: {company: {titel: X}}' '1:24: error: unknown key "titel" in taxonomies.company (expected title, singular)'
bad_site 'taxonomies: [company]' '1:13: error: taxonomies must be a mapping'
bad_site 'taxonomies: {company: [Companies]}' '1:23: error: taxonomies.company must be a mapping of title and singular (got a list)'
bad_site 'taxonomies: {company: {title: ""}}' '1:31: error: taxonomies.company.title must be a text value'
bad_site 'taxonomies: {company: {singular: [a]}}' '1:34: error: taxonomies.company.singular must be a text value'

t_begin "defaults: validated once at site load: one diagnostic at the site.yaml line, however many postmortems take it"
mkdir -p "$T/dv/postmortems"
for i in 1 2 3 4 5; do printf -- '---\nid: D-%d\ntitle: T\ndate: 2024-01-0%d\n---\nx\n' $i $i > "$T/dv/postmortems/d$i.md"; done
printf 'defaults:\n  severity: SEV9\n  status: finished\n  impact.started: soon\n' > "$T/dv/site.yaml"
assert_exit 1 "$AFTERMATH" check "$T/dv"
assert_eq "$(grep -c 'error:' "$ERR")" 3 "one error per bad default"
assert_stderr_contains "$T/dv/site.yaml:2:13: error: unknown severity \"SEV9\" (expected SEV1, SEV2, SEV3, SEV4)"
assert_stderr_contains "$T/dv/site.yaml:3:11: error:"
assert_stderr_contains "$T/dv/site.yaml:4:19: error:"
assert_not_contains "$ERR" 'times)'
assert_not_contains "$ERR" 'postmortems/d'
printf -- '---\nid: D-1\ntitle: T\ndate: 2024-01-01\nseverity: SEV1\nstatus: complete\nimpact: {started: 2024-01-01}\n---\nx\n' > "$T/dv/postmortems/d1.md"
rm "$T/dv/postmortems/d"[2-5].md
assert_exit 1 "$AFTERMATH" build "$T/dv" -o "$T/dv-out" --as-of 2026-01-01
assert_stderr_contains "$T/dv/site.yaml:2:13: error: unknown severity \"SEV9\""
assert_exit 1 "$AFTERMATH" check "$T/dv" --explain "$T/dv/postmortems/d1.md"
assert_eq "$(grep -c 'error:' "$ERR")" 3 "--explain: the same, once"
printf 'defaults:\n  severity: SEV2\n  impact.started: 2024-01-01T10:00:00Z\n' > "$T/dv/site.yaml"
assert_exit 0 "$AFTERMATH" check "$T/dv"

t_begin "fields: reads the author's names only: a swap is a swap, a self-mapping is the field, no chain or cycle"
mkdir -p "$T/swap/postmortems"
printf 'fields: {id: title, title: id, date: date}\n' > "$T/swap/site.yaml"
printf -- '---\nid: The title\ntitle: S-1\ndate: 2024-01-01\n---\nx\n' > "$T/swap/postmortems/a.md"
assert_exit 0 "$AFTERMATH" build "$T/swap" -o "$T/swap-out" --as-of 2026-01-01
assert_eq "$(pm_json "$T/swap-out" S-1 title)" '"The title"' "swapped"

t_begin "without import: a file without front matter is an error as before; with it, a file without a date is one too"
mkdir -p "$T/nofm/postmortems"
printf '# Just a heading\n\nText.\n' > "$T/nofm/postmortems/x-1 - Just.md"
assert_exit 1 "$AFTERMATH" check "$T/nofm"
assert_stderr_contains 'x-1 - Just.md:1:1: error: missing front matter'
printf 'import: {front_matter: optional}\n' > "$T/nofm/site.yaml"
assert_exit 1 "$AFTERMATH" check "$T/nofm"
assert_stderr_contains 'x-1 - Just.md:1:1: error: missing required field "date" (looked for date in the front matter, then in the body)'
printf 'import: {front_matter: optional, on_invalid: skip}\n' > "$T/nofm/site.yaml"
assert_exit 0 "$AFTERMATH" check "$T/nofm"
assert_stderr_contains 'x-1 - Just.md:1:1: warning: left out of the build (import.on_invalid: skip)'

# (60 columns: past the body reader's 32, under the Markdown screen's 64, which refuses wider tables)
t_begin "hostile body: thousands of labels, a huge action table, odd Unicode, empty cells, 60 columns"
mkdir -p "$T/hb/postmortems"
printf 'import: {front_matter: optional}\n' > "$T/hb/site.yaml"
{
	printf '# Many labels\n\nDate: 2024-01-01\n\n## Stats\n\n'
	i=0; while [ $i -lt 5000 ]; do printf -- '- Label %d: value %d\n' $i $i; i=$((i + 1)); done
	printf -- '- Приоритет: высокий\n- 日付: 2021-01-01\n- Owner: Zoë Ñúñez\n'
	printf '\n## Action items\n\n| Action | Owner | Deadline |\n|---|---|---|\n'
	i=0; while [ $i -lt 3000 ]; do printf '| Item %d | | |\n' $i; i=$((i + 1)); done
	printf '|  | Nobody | 2024-01-01 |\n'
} > "$T/hb/postmortems/hb-1 - Many.md"
{
	printf '# Wide\n\nDate: 2024-01-01\n\n## Action items\n\n|'
	i=0; while [ $i -lt 60 ]; do printf ' c%d |' $i; i=$((i + 1)); done; printf '\n|'
	i=0; while [ $i -lt 60 ]; do printf -- '---|'; i=$((i + 1)); done; printf '\n|'
	i=0; while [ $i -lt 60 ]; do printf ' v%d |' $i; i=$((i + 1)); done; printf '\n'
} > "$T/hb/postmortems/hb-2 - Wide.md"
assert_exit 0 timeout 60 "$AFTERMATH" build "$T/hb" -o "$T/hb-out" --as-of 2026-01-01
assert_stderr_contains 'hb-1 - Many.md:1006:3: warning: more than 1000 metadata lines in one file: the rest are not read'
assert_stderr_contains 'warning: more than 1000 action items in one section: the rest are not read'
assert_eq "$(pm_json "$T/hb-out" hb-1 action_items total)" 1000 "capped"
assert_eq "$(pm_json "$T/hb-out" hb-2 action_items total)" 1 "a 60-column table: its first column"
assert_contains "$T/hb-out/api/actions.csv" "v0"
{
	printf '# Many factors\n\nDate: 2024-01-01\n\n## Contributing factors\n\n'
	i=0; while [ $i -lt 3000 ]; do printf -- '- **Factor %d**: text\n- - - -\n- **\n-   \n' $i; i=$((i + 1)); done
	printf -- '- **<script>alert(1)</script>**: x\n'
} > "$T/hb/postmortems/hb-3 - Factors.md"
assert_exit 0 timeout 60 "$AFTERMATH" build "$T/hb" -o "$T/hb-out2" --as-of 2026-01-01
assert_stderr_contains 'hb-3 - Factors.md:407:3: warning: more than 100 contributing factors in one section: the rest are not read'
assert_eq "$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).find(p => p.id === "hb-3").factors.length)' "$T/hb-out2/api/postmortems.json")" 100 "factors capped"

t_begin "file names: only punctuation, Unicode, a leading token without a digit"
mkdir -p "$T/fn/postmortems"
printf 'import: {front_matter: optional}\n' > "$T/fn/site.yaml"
printf 'Date: 2024-01-01\n\nText.\n' > "$T/fn/postmortems/---.md"
printf 'Date: 2024-01-02\n\nText.\n' > "$T/fn/postmortems/Ünïcödé outage.md"
printf 'Date: 2024-01-03\n\nText.\n' > "$T/fn/postmortems/PM-7 – Dash title.md"
assert_exit 1 "$AFTERMATH" check "$T/fn"
assert_stderr_contains '---.md:1:1: error: missing required field "id"'
rm "$T/fn/postmortems/---.md"
assert_exit 0 "$AFTERMATH" build "$T/fn" -o "$T/fn-out" --as-of 2026-01-01
assert_eq "$(pm_json "$T/fn-out" "Ünïcödé-outage" title)" '"Ünïcödé outage"' "a name without an id token"
assert_eq "$(pm_json "$T/fn-out" PM-7 title)" '"Dash title"' "an en dash after the token"

t_begin "taxonomies: an index page, a page per term with its postmortems and action items, chips, by_<name> in stats.json"
assert_exit 0 "$AFTERMATH" build "$FX/foreign" -o "$T/tax" --as-of 2026-01-01
assert_file "$T/tax/company/index.html"
assert_eq "$(ls "$T/tax/company" | tr '\n' ' ')" "globex hooli index.html initech stripe " "a page per term"
assert_contains "$T/tax/company/index.html" '<h1>Companies</h1>'
assert_contains "$T/tax/index.html" '<li><a href="./company/">Companies</a></li>'
assert_contains "$T/tax/company/index.html" '<a href="../company/initech/">Initech</a>'
assert_contains "$T/tax/company/initech/index.html" '<p class="node-kicker">Company</p>'
assert_contains "$T/tax/company/initech/index.html" '<p class="lede">2 postmortems.</p>'
assert_eq "$(grep -c 'class="pm-title"' "$T/tax/company/initech/index.html")" 2 "its postmortems listed"
assert_contains "$T/tax/postmortems/5b0f2c1e-7d3a-4e51-9a7c-2f1d0c9e8b01/index.html" '<dt>Company</dt><dd><a class="term taxonomy-company" href="../../company/stripe/">Stripe</a>'
assert_eq "$(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(Object.keys(s.by_company).join(","))' "$T/tax/api/stats.json")" \
	"globex,hooli,initech,stripe" "by_company in api/stats.json"
mkdir -p "$T/taxs/postmortems"
printf 'taxonomies: {team: {title: Teams, singular: Team}}\n' > "$T/taxs/site.yaml"
printf -- '---\nid: T-1\ntitle: One\ndate: 2024-01-01\nteam: [Payments, payments, Ledger]\naction_items: [{title: Fix, owner: Ana}]\n---\nx\n' > "$T/taxs/postmortems/t1.md"
printf -- '---\nid: T-2\ntitle: Two\ndate: 2024-01-02\nteam: Payments\n---\nx\n' > "$T/taxs/postmortems/t2.md"
assert_exit 0 "$AFTERMATH" build "$T/taxs" -o "$T/taxs-out" --as-of 2026-01-01
assert_contains "$T/taxs-out/team/payments/index.html" '<p class="lede">2 postmortems.</p>'
assert_contains "$T/taxs-out/team/payments/index.html" 'Fix'
assert_eq "$(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(s.by_team.payments.total, s.by_team.ledger.total)' "$T/taxs-out/api/stats.json")" "1 1" "items counted once per term"
mkdir -p "$T/taxs/pages"
printf '# A page\n' > "$T/taxs/pages/team.md"
assert_exit 1 "$AFTERMATH" check "$T/taxs"
assert_stderr_contains 'pages/team.md:1:1: error: pages/team.md would be at /team/, the page of the taxonomy team'

t_begin "public builds: a file left out by the profile is not 'left out by on_invalid'"
assert_exit 0 "$AFTERMATH" build "$FX/foreign" -o "$T/taxp" --as-of 2026-01-01 --profile public
assert_eq "$(grep -c 'left out of the build' "$ERR")" 1 "only the file with a problem"

t_begin "taxonomies in a public build: values through public.redact and redact.lua, public.strip leaves one out, a denied term fails the build"
mkdir -p "$T/tp/postmortems" "$T/tp/scripts"
printf 'taxonomies: {customer: {title: Customers, singular: Customer}, region: {title: Regions}}\nvisibility: public\npublic:\n  redact:\n    - pattern: "Acme Corp"\n      replace: "a retailer"\n' > "$T/tp/site.yaml"
printf -- '---\nid: C-1\ntitle: Checkout down\ndate: 2024-01-01\nstatus: complete\ncustomer: [Acme Corp, Globex]\nregion: eu-west\n---\nx\n' > "$T/tp/postmortems/c1.md"
printf -- '---\nid: C-2\ntitle: Search slow\ndate: 2024-02-01\nstatus: complete\ncustomer: Acme Corp\nregion: Larkspur Ring\n---\ny\n' > "$T/tp/postmortems/c2.md"
printf 'function redact(text, field, doc)\n  if field == "region" then return (text:gsub("Larkspur Ring", "private region")) end\nend\n' > "$T/tp/scripts/redact.lua"
assert_exit 0 "$AFTERMATH" build "$T/tp" -o "$T/tp-int" --as-of 2026-01-01
assert_file "$T/tp-int/customer/acme-corp/index.html"
assert_exit 0 "$AFTERMATH" build "$T/tp" -o "$T/tp-pub" --as-of 2026-01-01 --profile public
assert_file "$T/tp-pub/customer/index.html"
assert_file "$T/tp-pub/customer/a-retailer/index.html"
assert_file "$T/tp-pub/region/private-region/index.html"
assert_no_file "$T/tp-pub/customer/acme-corp/index.html"
assert_contains "$T/tp-pub/customer/a-retailer/index.html" '<p class="lede">2 postmortems.</p>'
assert_eq "$(grep -rl 'Acme\|Larkspur' "$T/tp-pub" | wc -l)" 0 "no redacted value in any output file"
assert_contains "$T/tp-pub/postmortems/2024-01-01-checkout/index.html" '>a retailer</a>'
assert_eq "$(node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(Object.keys(s.by_customer).join(","))' "$T/tp-pub/api/stats.json")" "a-retailer,globex" "by_customer from the redacted values"
assert_eq "$(pm_json "$T/tp-pub" 2024-01-01-checkout taxonomies)" '{"customer":["a-retailer","globex"],"region":["eu-west"]}' "postmortems.json"
printf 'taxonomies: {customer: {title: Customers}, region: {title: Regions}}\nvisibility: public\npublic:\n  strip: [owner, customer]\n' > "$T/tp/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/tp" -o "$T/tp-strip" --as-of 2026-01-01 --profile public
assert_no_file "$T/tp-strip/customer/index.html"
assert_file "$T/tp-strip/region/index.html"
assert_eq "$(grep -rl 'Acme' "$T/tp-strip" | wc -l)" 0 "a stripped taxonomy's values are nowhere"
assert_not_contains "$T/tp-strip/index.html" 'Customers'
assert_eq "$(pm_json "$T/tp-strip" 2024-01-01-checkout taxonomies)" '{"region":["eu-west"]}' "postmortems.json without it"
assert_not_contains "$T/tp-strip/api/stats.json" 'by_customer'
printf 'taxonomies: {customer: {title: Customers}}\nvisibility: public\npublic:\n  deny: [Acme Corp]\n' > "$T/tp/site.yaml"
rm "$T/tp/scripts/redact.lua"
assert_exit 1 "$AFTERMATH" build "$T/tp" -o "$T/tp-deny" --as-of 2026-01-01 --profile public
assert_stderr_contains "$T/tp/postmortems/c1.md:6:12: error: \"Acme Corp\" (public.deny) is in the output: "
assert_stderr_contains 'customer/acme-corp/index.html'
assert_no_file "$T/tp-deny/index.html"
printf 'taxonomies: {customer: {title: Customers}}\nvisibility: public\npublic:\n  strip: [customers]\n' > "$T/tp/site.yaml"
assert_exit 1 "$AFTERMATH" check "$T/tp" --profile public
assert_stderr_contains "$T/tp/site.yaml:4:11: error: public.strip cannot remove \"customers\" (expected owner, authors, action_items.owner, action_items.ticket or a taxonomy's name)"

t_begin "check --explain FILE: every field with its value and where it came from"
F5="$FX/team/postmortems/PM2021-005 - All services returning 503.md"
assert_exit 0 "$AFTERMATH" check "$FX/team" --explain "$F5"
assert_stdout_contains "$F5: what aftermath read"
assert_eq "$(grep -A1 '^  id ' "$OUT" | tr -s ' ' | tr '\n' '|')" " id PM2021-005| from file name, $F5:1:1|" "id from the file name"
assert_eq "$(grep -A1 '^  title ' "$OUT" | tr -s ' ' | tr '\n' '|')" " title All services returning 503| from body: H1, $F5:1:3|" "title from the H1"
assert_eq "$(grep -A1 '^  date ' "$OUT" | tr -s ' ' | tr '\n' '|')" " date 2021-06-22T08:21:00Z| from timeline row, $F5:12:3|" "date from a timeline row"
assert_eq "$(grep -A1 '^  status ' "$OUT" | tr -s ' ' | tr '\n' '|')" " status complete| from default (site.yaml), $FX/team/site.yaml:6:11|" "status from defaults"
assert_eq "$(grep -A1 '^  tags ' "$OUT" | tr -s ' ' | tr '\n' '|')" " tags Kubernetes| from fields: Category (body line), $F5:24:13|" "tags mapped from a body line"
assert_eq "$(grep -A1 '^  impact.mitigated ' "$OUT" | tr -s ' ' | tr '\n' '|')" " impact.mitigated 2021-06-22T08:40:00Z| from timeline row, $F5:14:3|" "a timeline row"
assert_eq "$(grep -A1 '^  action_items ' "$OUT" | tr -s ' ' | tr '\n' '|')" " action_items 3 items| from body: the action-item section, $F5:28:1|" "action items"
assert_eq "$(grep -A1 '^  severity ' "$OUT" | tr -s ' ' | tr '\n' '|')" " severity SEV4| aftermath's default (the last of site.yaml's severities)|" "aftermath's own default"
F9="$FX/team/postmortems/PM2021-009 - Payment webhooks delayed.md"
assert_exit 0 "$AFTERMATH" check "$FX/team" --explain "$F9"
assert_eq "$(grep -A1 '^  impact.detected ' "$OUT" | tr -s ' ' | tr '\n' '|')" " impact.detected 2021-08-03T00:40:00Z| from body line: time to detection, $F9:7:22|" "a duration"
G="$FX/foreign/postmortems/globex-cdn.md"
assert_exit 0 "$AFTERMATH" check "$FX/foreign" --explain "$G"
assert_eq "$(grep -A1 '^  id ' "$OUT" | tr -s ' ' | tr '\n' '|')" " id 8c1d0e5a-1b2c-4d3e-8f90-112233445566| from fields: uuid, $G:2:7|" "a mapped field"
assert_eq "$(grep -A1 '^  impact.resolved ' "$OUT" | tr -s ' ' | tr '\n' '|')" " impact.resolved 2020-01-02T12:00:00Z| from fields: end_time, $G:5:11|" "a dotted target"
assert_stderr_contains "$G:6:10: note: product is empty: taken as absent (for services)"
assert_exit 0 "$AFTERMATH" check content --explain content/postmortems/2024/pm-2024-001.md
assert_eq "$(grep -A1 '^  owner ' "$OUT" | tr -s ' ' | tr '\n' '|')" " owner Lee Park| from front matter, content/postmortems/2024/pm-2024-001.md:9:8|" "a field as written"
assert_exit 1 "$AFTERMATH" check "$FX/foreign" --explain "$FX/foreign/postmortems/hooli-undated.md"
assert_stdout_contains "what aftermath read (the file has errors: see below)"
assert_stderr_contains 'hooli-undated.md:2:1: error: missing required field "date"'
assert_exit 2 "$AFTERMATH" build content --explain content/postmortems/2024/pm-2024-001.md
assert_stderr_contains "--explain is an option of check"
assert_exit 1 "$AFTERMATH" check content --explain "$T/nope.md"
assert_stderr_contains "nope.md: error: cannot read file"

t_begin "site.yaml: an unknown key is a warning at its file:line:col (a typo names the key it resembles); params: reach templates"
mkdir -p "$T/keys/postmortems" "$T/keys/layouts"
printf -- '---\nid: K-1\ntitle: T\ndate: 2024-01-01\n---\nx\n' > "$T/keys/postmortems/a.md"
printf 'title: Keys\nfileds: {id: uuid}\nteam_name: Platform\nparams:\n  team_name: Platform\n  oncall: {url: https://oncall.example}\n' > "$T/keys/site.yaml"
assert_exit 0 "$AFTERMATH" check "$T/keys"
assert_stderr_contains "$T/keys/site.yaml:2:1: warning: unknown key \"fileds\" in site.yaml (did you mean \"fields\"? a site's own values go under params:)"
assert_stderr_contains "$T/keys/site.yaml:3:1: warning: unknown key \"team_name\" in site.yaml (a site's own values go under params:, which templates read as site.params)"
assert_eq "$(grep -c 'warning:' "$ERR")" 2 "params: itself is known"
assert_exit 1 "$AFTERMATH" check "$T/keys" --strict
printf '[{{ site.params.team_name }}|{{ site.params.oncall.url }}|{{ site.fields.team_name }}]\n' > "$T/keys/layouts/postmortem.html"
assert_exit 0 "$AFTERMATH" build "$T/keys" -o "$T/keys-out" --as-of 2026-01-01
assert_contains "$T/keys-out/postmortems/k-1/index.html" "[Platform|https://oncall.example|Platform]"
printf 'params: [a, b]\n' > "$T/keys/site.yaml"
assert_exit 1 "$AFTERMATH" check "$T/keys"
assert_stderr_contains "$T/keys/site.yaml:1:9: error: params must be a mapping of the site's own values (got a list)"
printf 'lint: {}\nparams: {}\n' > "$T/keys/site.yaml"
assert_exit 0 "$AFTERMATH" check "$T/keys"
assert_not_contains "$ERR" "warning:"

t_begin "hostile front matter through fields:: an impact with many keys of its own and a dotted target, a 1,000-name split"
mkdir -p "$T/hf/postmortems"
printf 'fields: {impact.resolved: end, services: {from: product, split: ","}}\n' > "$T/hf/site.yaml"
{
	printf -- '---\nid: HF-1\ntitle: T\ndate: 2024-01-01\nend: 2024-01-01T05:00:00Z\nimpact:\n  started: 2024-01-01T01:00:00Z\n'
	i=0; while [ $i -lt 40 ]; do printf '  extra_%d: %d\n' $i $i; i=$((i + 1)); done
	printf 'product: "'; i=0; while [ $i -lt 1000 ]; do printf 's%d,' $i; i=$((i + 1)); done; printf ',,"\n---\nx\n'
} > "$T/hf/postmortems/a.md"
assert_exit 0 timeout 60 "$AFTERMATH" build "$T/hf" -o "$T/hf-out" --as-of 2026-01-01
assert_contains "$T/hf-out/postmortems/hf-1/index.html" '<span class="dur-label">Resolved</span><span class="dur-value">+4 h'
assert_eq "$(pm_json "$T/hf-out" HF-1 services | tr ',' '\n' | wc -l | tr -d ' ')" 1000 "services split"

t_begin "on_load hooks: scripts/*.lua change the fields before validation, in file order; errors name the script and line"
mkdir -p "$T/hk/postmortems/archive" "$T/hk/scripts/lint"
cat > "$T/hk/scripts/10-severity.lua" <<'LUA'
-- Old write-ups say "P1".."P4": map them onto the site's severities.
local map = {P1 = "SEV1", P2 = "SEV2", P3 = "SEV3", P4 = "SEV4"}
function on_load(raw, file)
  if raw.priority and map[raw.priority] then raw.severity = map[raw.priority] end
  if file:match("/archive/") then raw.tags = raw.tags or {}; table.insert(raw.tags, "archive") end
  return raw
end
LUA
printf 'function on_load(raw, file)\n  if not raw.owner then raw.owner = "Unowned" end\n  return raw\nend\n' > "$T/hk/scripts/20-owner.lua"
printf 'error("a lint rule is not a hook")\n' > "$T/hk/scripts/lint/not-a-hook.lua"
printf -- '---\nid: H-1\ntitle: One\ndate: 2024-01-01\npriority: P2\n---\nx\n' > "$T/hk/postmortems/a.md"
printf -- '---\nid: H-2\ntitle: Two\ndate: 2024-01-02\nowner: Ana\ntags: [db]\n---\nx\n' > "$T/hk/postmortems/archive/b.md"
assert_exit 0 "$AFTERMATH" build "$T/hk" -o "$T/hk-out" --as-of 2026-01-01
assert_eq "$(pm_json "$T/hk-out" H-1 severity)" '"SEV2"' "severity set by a hook from an unknown key"
assert_eq "$(pm_json "$T/hk-out" H-2 tags)" '["db","archive"]' "a list appended to"
assert_contains "$T/hk-out/postmortems/h-1/index.html" '<dt>Owner</dt><dd><a href="../../owners/unowned/">Unowned</a>'
assert_contains "$T/hk-out/postmortems/h-2/index.html" '<dt>Owner</dt><dd><a href="../../owners/ana/">Ana</a>'
assert_exit 0 "$AFTERMATH" check "$T/hk" --explain "$T/hk/postmortems/a.md"
assert_eq "$(grep -A1 '^  severity ' "$OUT" | tail -1 | tr -s ' ')" " from hook: on_load in $T/hk/scripts/10-severity.lua, $T/hk/scripts/10-severity.lua:3:1" "--explain names the hook"
hook_fails() { # LUA EXPECTED
	rm -f "$T/hk/scripts/"*.lua
	printf "$1" > "$T/hk/scripts/bad.lua"
	assert_exit 1 timeout 60 "$AFTERMATH" check "$T/hk"
	assert_stderr_contains "$T/hk/scripts/bad.lua:$2"
}
hook_fails 'function on_load(raw, file)\n  error("boom")\nend\n' '2: error: boom'
assert_stderr_contains "$T/hk/postmortems/a.md:1:1: note: while on_load of $T/hk/scripts/bad.lua ran on this file"
hook_fails 'function on_load(raw, file)\n  while true do end\nend\n' '2: error: time budget of 1000 ms exceeded (endless loop?)'
hook_fails 'function on_load(raw, file)\n  return nil\nend\n' '1:1: error: on_load must return the fields table (got nil)'
hook_fails '\nfunction on_load(raw, file)\n  raw.severity = "SEV9"\n  return raw\nend\n' '2:1: error: unknown severity "SEV9"'
hook_fails 'function on_load(raw, file)\n  raw.x = raw\n  return raw\nend\n' '1:1: error: on_load returned fields nested deeper than 64'
hook_fails 'function on_load(raw, file)\n  raw.f = print\n  return raw\nend\n' '1:1: error: on_load returned a function among the fields'
hook_fails 'function on_load(raw, file\n' '2: error:'
hook_fails 'os.exit(1)\n' "1: error: attempt to call a nil value (field 'exit')"
hook_fails 'function on_load(raw, file)\n  return {[1] = "a", x = "b"}\nend\n' '1:1: error: on_load returned a table with keys that are neither 1..n nor text'
assert_stderr_contains "$T/hk/postmortems/a.md:1:1: note: this file's fields went through the on_load hooks of scripts/"

t_begin "check --explain on a file with errors in a site without import settings"
mkdir -p "$T/ex/postmortems"
printf -- '---\nid: E-1\ndate: 2024-01-01\nseverity: SEV9\n---\nx\n' > "$T/ex/postmortems/e.md"
assert_exit 1 "$AFTERMATH" check "$T/ex" --explain "$T/ex/postmortems/e.md"
assert_stdout_contains "what aftermath read (the file has errors: see below)"
assert_stderr_contains "$T/ex/postmortems/e.md:2:1: error: missing required field \"title\""
assert_stderr_contains "$T/ex/postmortems/e.md:4:11: error: unknown severity \"SEV9\""

t_begin "on_postmortem hooks: computed fields templates read as pm.computed; errors name the script and line"
mkdir -p "$T/hp/postmortems" "$T/hp/scripts" "$T/hp/layouts"
cat > "$T/hp/scripts/metrics.lua" <<'LUA'
function on_postmortem(pm)
  local open = 0
  for _, a in ipairs(pm.action_items) do if a.status ~= "done" then open = open + 1 end end
  return {open_items = open, label = pm.severity .. "/" .. pm.status, services = #pm.services, started = pm.impact.started}
end
LUA
printf 'function on_postmortem(pm)\n  return {label = "later wins"}\nend\n' > "$T/hp/scripts/z-last.lua"
printf -- '---\nid: P-1\ntitle: One\ndate: 2024-01-01\nseverity: SEV2\nservices: [a, b]\nimpact: {started: 2024-01-01T10:00:00Z}\naction_items: [{title: x}, {title: y, status: done}]\n---\nx\n' > "$T/hp/postmortems/a.md"
printf '[{{ pm.computed.open_items }}|{{ pm.computed.label }}|{{ pm.computed.services }}|{{ pm.computed.started }}]\n' > "$T/hp/layouts/postmortem.html"
assert_exit 0 "$AFTERMATH" build "$T/hp" -o "$T/hp-out" --as-of 2026-01-01
assert_contains "$T/hp-out/postmortems/p-1/index.html" "[1|later wins|2|2024-01-01T10:00:00Z]"
assert_exit 0 "$AFTERMATH" check "$T/hp" --explain "$T/hp/postmortems/a.md"
assert_eq "$(grep -A1 '^  computed.label ' "$OUT" | tr -s ' ' | tr '\n' '|')" " computed.label later wins| from hook: on_postmortem, $T/hp/scripts/z-last.lua:1:1|" "--explain shows computed fields"
rm "$T/hp/scripts/z-last.lua"
pm_hook_fails() { # LUA EXPECTED
	printf "$1" > "$T/hp/scripts/metrics.lua"
	assert_exit 1 timeout 60 "$AFTERMATH" check "$T/hp"
	assert_stderr_contains "$T/hp/scripts/metrics.lua:$2"
}
pm_hook_fails 'function on_postmortem(pm)\n  return pm.nope.x\nend\n' "2: error: attempt to index a nil value (field 'nope')"
assert_stderr_contains "$T/hp/postmortems/a.md:1:1: note: while on_postmortem of $T/hp/scripts/metrics.lua ran on this file"
pm_hook_fails 'function on_postmortem(pm)\n  return "x"\nend\n' '1:1: error: on_postmortem must return a table of computed fields or nil (got string)'
pm_hook_fails 'function on_postmortem(pm)\n  return {1, 2}\nend\n' '1:1: error: on_postmortem must return a table of named fields (got a list)'
pm_hook_fails 'function on_postmortem(pm)\n  while true do end\nend\n' '2: error: time budget of 1000 ms exceeded (endless loop?)'
printf 'function on_postmortem(pm)\n  return nil\nend\n' > "$T/hp/scripts/metrics.lua"
assert_exit 0 "$AFTERMATH" build "$T/hp" -o "$T/hp-out2" --as-of 2026-01-01
assert_contains "$T/hp-out2/postmortems/p-1/index.html" "[|||]"

t_begin "source: only an http or https URL is shown; anything else is a warning at its line, a list an error"
mkdir -p "$T/src/postmortems"
printf -- '---\nid: S-1\ntitle: T\ndate: 2024-01-01\nsource: javascript:alert(1)\n---\nx\n' > "$T/src/postmortems/a.md"
assert_exit 0 "$AFTERMATH" build "$T/src" -o "$T/src-out" --as-of 2026-01-01
assert_stderr_contains "$T/src/postmortems/a.md:5:9: warning: source \"javascript:alert(1)\" is not an http or https URL; left out"
assert_not_contains "$T/src-out/postmortems/s-1/index.html" "Original write-up"
printf -- '---\nid: S-1\ntitle: T\ndate: 2024-01-01\nsource: [https://a.example]\n---\nx\n' > "$T/src/postmortems/a.md"
assert_exit 1 "$AFTERMATH" check "$T/src"
assert_stderr_contains "$T/src/postmortems/a.md:5:9: error: source must be a text value (got a list)"

t_begin "on_postmortem's computed fields: in lists, api/postmortems.json and (computed.search) the search records"
mkdir -p "$T/cf/postmortems" "$T/cf/scripts" "$T/cf/layouts/partials"
cat > "$T/cf/scripts/metrics.lua" <<'LUA'
function on_postmortem(pm)
  local open = 0
  for _, a in ipairs(pm.action_items) do if a.status ~= "done" then open = open + 1 end end
  return {open_items = open, lead = pm.owner or "nobody", team = {size = #pm.authors}}
end
LUA
printf -- '---\nid: P-1\ntitle: One\ndate: 2024-01-01\nstatus: complete\nvisibility: public\nowner: Priya Natarajan\nauthors: [Priya Natarajan, Tom Ruiz]\naction_items: [{title: x, owner: Lee Park}, {title: y, status: done}]\n---\nx\n' > "$T/cf/postmortems/a.md"
printf -- '---\nid: P-2\ntitle: Two\ndate: 2024-02-01\nstatus: complete\nvisibility: public\n---\ny\n' > "$T/cf/postmortems/b.md"
printf '<ul class="cl">{%% for _, p in ipairs(list or {}) do %%}<li>{{ p.id }}:{{ p.computed and p.computed.open_items or "-" }}:{{ p.computed and p.computed.lead or "-" }}</li>{%% end %%}</ul>\n' > "$T/cf/layouts/partials/pm-list.html"
printf '<p class="pc">[{{ pm.computed and pm.computed.lead or "-" }}]</p>\n' > "$T/cf/layouts/postmortem.html"
printf 'computed:\n  search: [open_items, team]\n' > "$T/cf/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/cf" -o "$T/cf-out" --as-of 2026-01-01
assert_contains "$T/cf-out/timeline/index.html" '<li>P-1:1:Priya Natarajan</li>'
assert_contains "$T/cf-out/timeline/index.html" '<li>P-2:0:nobody</li>'
assert_contains "$T/cf-out/postmortems/p-1/index.html" '[Priya Natarajan]'
assert_eq "$(pm_json "$T/cf-out" P-1 computed)" '{"lead":"Priya Natarajan","open_items":"1","team":{"size":"2"}}' "computed in postmortems.json"
assert_eq "$(pm_json "$T/cf-out" P-2 computed open_items)" '"0"' "every postmortem's"
assert_contains "$T/cf-out/search/index.js" '["P-1","One","2024-01-01",3,2,"","p-1",{"open_items":"1","team":{"size":"2"}}]'
assert_not_contains "$T/cf-out/search/index.js" '"lead"'
printf '' > "$T/cf/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/cf" -o "$T/cf-out2" --as-of 2026-01-01
assert_not_contains "$T/cf-out2/search/index.js" 'open_items'
assert_eq "$(pm_json "$T/cf-out2" P-1 computed open_items)" '"1"' "postmortems.json has them without computed:"

t_begin "computed fields in a public build: none unless computed.public names them; hooks do not see public.strip's fields"
printf 'computed:\n  search: [open_items, lead]\n' > "$T/cf/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/cf" -o "$T/cfp" --as-of 2026-01-01 --profile public
assert_not_contains "$T/cfp/timeline/index.html" ':1:'
assert_contains "$T/cfp/postmortems/2024-01-01-one/index.html" '<p class="pc">[-]</p>'
assert_eq "$(pm_json "$T/cfp" 2024-01-01-one computed)" '(none)' "no computed fields in a public postmortems.json"
assert_not_contains "$T/cfp/search/index.js" 'open_items'
printf 'computed:\n  search: [open_items, lead]\n  public: [open_items, lead]\n' > "$T/cf/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/cf" -o "$T/cfp2" --as-of 2026-01-01 --profile public
assert_contains "$T/cfp2/timeline/index.html" '<li>2024-01-01-one:1:nobody</li>'
assert_contains "$T/cfp2/postmortems/2024-01-01-one/index.html" '<p class="pc">[nobody]</p>'
assert_eq "$(pm_json "$T/cfp2" 2024-01-01-one computed)" '{"lead":"nobody","open_items":"1"}' "computed.public's fields, from what the public build shows"
assert_contains "$T/cfp2/search/index.js" '{"lead":"nobody","open_items":"1"}'
assert_not_contains "$T/cfp2/search/index.js" 'Priya'
assert_not_contains "$T/cfp2/postmortems/2024-01-01-one/index.html" 'Priya'
printf 'function on_postmortem(pm)\n  return {leads = pm.authors[1] or "none", tickets = (pm.action_items[1] or {}).owner or "none"}\nend\n' > "$T/cf/scripts/metrics.lua"
printf 'computed: {public: [leads, tickets]}\npublic: {strip: [authors]}\n' > "$T/cf/site.yaml"
assert_exit 0 "$AFTERMATH" build "$T/cf" -o "$T/cfp3" --as-of 2026-01-01 --profile public
assert_eq "$(pm_json "$T/cfp3" 2024-01-01-one computed)" '{"leads":"none","tickets":"Lee Park"}' "only the fields public.strip names are hidden from hooks"

t_begin "computed: misuse is an error at its line; a name no hook returns is a warning"
printf 'function on_postmortem(pm)\n  return {open_items = 1}\nend\n' > "$T/cf/scripts/metrics.lua"
cf_site_fails() { # YAML EXPECTED
	printf "$1" > "$T/cf/site.yaml"
	assert_exit 1 "$AFTERMATH" check "$T/cf"
	assert_stderr_contains "$T/cf/site.yaml:$2"
}
cf_site_fails 'computed: [open_items]\n' '1:11: error: computed must be a mapping of search, public (got a list)'
cf_site_fails 'computed:\n  serch: [open_items]\n' '2:3: error: unknown key "serch" in computed (expected search, public)'
cf_site_fails 'computed:\n  search: {open_items: 1}\n' '2:11: error: computed.search must be a list of computed field names (got a mapping)'
cf_site_fails 'computed:\n  public: [open_items, ""]\n' '2:24: error: computed.public must be a list of computed field names (got an empty name)'
printf 'computed:\n  search: [open_itemz]\n  public: open_items\n' > "$T/cf/site.yaml"
assert_exit 0 "$AFTERMATH" check "$T/cf"
assert_stderr_contains "$T/cf/site.yaml:2:12: warning: computed.search names \"open_itemz\", which no on_postmortem hook returned"
assert_not_contains "$ERR" '"open_items", which'
