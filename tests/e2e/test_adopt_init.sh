# Adoption (issue 20): `aftermath init` starts a knowledge base that checks
# clean and builds, with CI files whose commands work; it refuses a non-empty
# directory and never writes through a symbolic link.
V=$("$AFTERMATH" --version | cut -d' ' -f2)
PY=${PYTHON:-python3}

t_begin "init writes site.yaml, a start page, an example, .gitignore and CI files"
assert_exit 0 "$AFTERMATH" init "$T/kb"
for f in site.yaml pages/start.md postmortems/2025/pm-2025-001.md .gitignore .github/workflows/aftermath.yml .gitlab-ci.yml; do
	assert_file "$T/kb/$f"
done
assert_stderr_contains "aftermath: wrote a knowledge base in $T/kb/"
assert_eq "$(grep -rl '{{version}}\|{{upstream}}\|{{action}}' "$T/kb" | wc -l)" 0 "files with a placeholder left"

t_begin "the new knowledge base checks clean, strictly, and builds both profiles"
assert_exit 0 "$AFTERMATH" check "$T/kb" --strict
assert_eq "$(tail -1 "$ERR")" "aftermath: 1 postmortem checked: no errors or warnings" "check of a new knowledge base"
assert_eq "$(grep -c ': warning: \|: note: ' "$ERR")" 0 "warnings and notes"
assert_exit 0 "$AFTERMATH" build "$T/kb" -o "$T/kb-site" --strict --as-of 2026-01-01
assert_file "$T/kb-site/postmortems/pm-2025-001/index.html"
assert_contains "$T/kb-site/start/index.html" "Start here"
assert_exit 0 "$AFTERMATH" check "$T/kb" --profile public --strict
assert_exit 0 "$AFTERMATH" build "$T/kb" -o "$T/kb-public" --profile public --strict --as-of 2026-01-01
cp -R "$T/kb" "$T/kb-new"
assert_exit 0 env SOURCE_DATE_EPOCH=1790000000 "$AFTERMATH" new "$T/kb-new" --title "Second"
assert_stdout_contains "$T/kb-new/postmortems/2026/pm-2026-001.md"

t_begin "site.yaml names every key siteconfig reads, each explained"
for key in title description base_url language visibility severities recurring_threshold id_pattern markdown \
	unsafe_html aliases services fields lint public strip redact deny show_ids; do
	if grep -qE "^#? *$key:" "$T/kb/site.yaml"; then _pass; else _fail "site.yaml has no $key"; fi
done
assert_eq "$(grep -c '^#' "$T/kb/site.yaml" | awk '$1 > 20')" "$(grep -c '^#' "$T/kb/site.yaml")" "comment lines"

t_begin "the CI files are valid YAML and pin this version"
assert_exit 0 "$PY" tests/e2e/adopt-ci-commands.py "$T/kb/.gitlab-ci.yml"
assert_exit 0 "$PY" tests/e2e/adopt-ci-commands.py "$T/kb/.github/workflows/aftermath.yml"
assert_contains "$T/kb/.gitlab-ci.yml" "AFTERMATH_VERSION: \"$V\""
assert_contains "$T/kb/.github/workflows/aftermath.yml" "@v$V"
assert_contains "$T/kb/.github/workflows/aftermath.yml" "version: \"$V\""
assert_contains "$T/kb/.gitlab-ci.yml" "--profile public"
assert_exit 0 "$PY" -c "
import yaml, sys
g = yaml.safe_load(open('$T/kb/.gitlab-ci.yml'))
rules = [r['if'] for r in g['pages']['rules']]
assert rules == ['\$CI_COMMIT_BRANCH == \$CI_DEFAULT_BRANCH'], rules
assert 'codequality' in g['check']['artifacts']['reports']
assert any('--profile public' in l for l in g['pages']['script'])
assert not any('--profile public' not in l and 'build' in l for l in g['pages']['script'])
w = yaml.safe_load(open('$T/kb/.github/workflows/aftermath.yml'))
assert 'schedule' in w[True], w[True]
"

t_begin "the GitLab jobs' commands run against the new knowledge base"
mkdir -p "$T/bin"
ln -s "$AFTERMATH" "$T/bin/aftermath"
"$PY" tests/e2e/adopt-ci-commands.py "$T/kb/.gitlab-ci.yml" > "$T/gitlab.sh"
assert_contains "$T/gitlab.sh" "aftermath check . --strict --max-seconds 300 --format gitlab > gl-code-quality-report.json"
cp -R "$T/kb" "$T/kb-mr"
assert_exit 0 sh -ec "cd '$T/kb-mr' && PATH='$T/bin':\$PATH CI_PIPELINE_SOURCE=merge_request_event CI_COMMIT_TIMESTAMP=2025-06-01T12:00:00+02:00 CI_COMMIT_BRANCH= CI_DEFAULT_BRANCH=main; export CI_PIPELINE_SOURCE CI_COMMIT_TIMESTAMP PATH; . '$T/gitlab.sh'"
assert_eq "$(cat "$T/kb-mr/gl-code-quality-report.json")" "[]" "the Code Quality report"
assert_contains "$T/kb-mr/internal/api/stats.json" '"as_of": "2025-06-01"'
assert_contains "$T/kb-mr/public/api/stats.json" '"profile": "public"'
cp -R "$T/kb" "$T/kb-night"
assert_exit 0 sh -ec "cd '$T/kb-night' && PATH='$T/bin':\$PATH CI_PIPELINE_SOURCE=schedule CI_COMMIT_TIMESTAMP=2025-06-01T12:00:00+02:00; export CI_PIPELINE_SOURCE CI_COMMIT_TIMESTAMP PATH; . '$T/gitlab.sh'"
assert_contains "$T/kb-night/internal/api/stats.json" "\"as_of\": \"$(date -u +%F)\""
cp -R "$T/kb" "$T/kb-bad"
printf -- '---\nid: B-1\ntitle: T\ndate: 2024-01-01\nseverity: SEV9\n---\n' > "$T/kb-bad/postmortems/bad.md"
assert_exit 1 sh -ec "cd '$T/kb-bad' && PATH='$T/bin':\$PATH CI_PIPELINE_SOURCE=merge_request_event CI_COMMIT_TIMESTAMP=2025-06-01T12:00:00Z; export CI_PIPELINE_SOURCE CI_COMMIT_TIMESTAMP PATH; . '$T/gitlab.sh'"
assert_eq "$(node -e "console.log(JSON.parse(require('fs').readFileSync('$T/kb-bad/gl-code-quality-report.json','utf8'))[0].location.path)")" "postmortems/bad.md" "the finding's path, relative to the repository"

t_begin "init refuses a non-empty directory (exit 2) and writes nothing"
mkdir -p "$T/full"
echo notes > "$T/full/notes.txt"
assert_exit 2 "$AFTERMATH" init "$T/full"
assert_stderr_contains "aftermath: \"$T/full\" is not empty (it has \"notes.txt\"); init writes only into a new or empty directory"
assert_eq "$(ls -A "$T/full")" "notes.txt" "files in the refused directory"
assert_exit 2 "$AFTERMATH" init "$T/kb"
assert_file "$T/full/notes.txt"

t_begin "init accepts an empty directory, a fresh clone (.git only) and the current directory"
mkdir -p "$T/empty" "$T/clone/.git" "$T/here"
assert_exit 0 "$AFTERMATH" init "$T/empty" --quiet
assert_eq "$(cat "$ERR")" "" "stderr of init --quiet"
assert_file "$T/empty/site.yaml"
assert_exit 0 "$AFTERMATH" init "$T/clone"
assert_file "$T/clone/.gitlab-ci.yml"
assert_exit 0 sh -c "cd '$T/here' && '$AFTERMATH' init"
assert_file "$T/here/pages/start.md"
assert_exit 0 "$AFTERMATH" init "$T/deep/er/kb"
assert_file "$T/deep/er/kb/site.yaml"

t_begin "init never writes through a symbolic link"
mkdir -p "$T/target"
ln -s "$T/target" "$T/link"
assert_exit 2 "$AFTERMATH" init "$T/link"
assert_stderr_contains "\"$T/link\" is a symbolic link (expected a new or empty directory, not a link to one)"
assert_eq "$(ls -A "$T/target")" "" "files written through the link"
ln -s "$T/nowhere" "$T/dangling"
assert_exit 2 "$AFTERMATH" init "$T/dangling"
assert_no_file "$T/nowhere"

t_begin "the templates are files shipped with aftermath (AFTERMATH_INIT overrides them)"
cp -R init "$T/tpl"
printf 'title: From our own templates\n' > "$T/tpl/site.yaml"
assert_exit 0 env AFTERMATH_INIT="$T/tpl" "$AFTERMATH" init "$T/own"
assert_eq "$(cat "$T/own/site.yaml")" "title: From our own templates" "site.yaml from AFTERMATH_INIT"
rm "$T/tpl/gitignore"
assert_exit 3 env AFTERMATH_INIT="$T/tpl" "$AFTERMATH" init "$T/broken-install"
assert_stderr_contains "cannot read the init template $T/tpl/gitignore"
assert_no_file "$T/broken-install"
