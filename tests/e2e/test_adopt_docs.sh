# Adoption (issue 20): docs/ci.md's examples are extracted and run.  `sh`
# blocks run in a knowledge base made by `aftermath init` with the binary
# under test on PATH (a first line "# exit N" gives the status they must end
# with); `shell` blocks need the network or root and are compared with the
# CI files instead; `yaml` blocks must parse, the GitLab and GitHub ones must
# be what `aftermath init` writes, and the GitLab jobs' scripts are run.
V=$("$AFTERMATH" --version | cut -d' ' -f2)
PY=${PYTHON:-python3}
mkdir -p "$T/bin"
ln -s "$AFTERMATH" "$T/bin/aftermath"
"$AFTERMATH" init "$T/kb" --quiet
"$PY" tests/e2e/adopt-doc-blocks.py docs/ci.md "$T/blocks" > "$T/blocks.list"

t_begin "docs/ci.md has its examples: sh, shell and yaml blocks"
assert_eq "$(grep -c '\.sh$' "$T/blocks.list" | awk '$1 >= 3 { print "ok" }')" ok "sh blocks"
assert_eq "$(grep -c '\.shell$' "$T/blocks.list")" 1 "shell blocks"
assert_eq "$(grep -c '\.yaml$' "$T/blocks.list" | awk '$1 >= 3 { print "ok" }')" ok "yaml blocks"
assert_eq "$(grep -vcE '\.(sh|shell|yaml)$' "$T/blocks.list")" 0 "blocks of another kind"

t_begin "every sh block runs in a new knowledge base"
for b in $(grep '\.sh$' "$T/blocks.list"); do
	want=$(sed -n '1s/^# exit \([0-9]*\).*/\1/p' "$b")
	rm -rf "$T/kb-run"
	cp -R "$T/kb" "$T/kb-run"
	run env -u SOURCE_DATE_EPOCH PATH="$T/bin:$PATH" sh -e -c "cd '$T/kb-run' && . '$b'"
	if [ "$RC" -eq "${want:-0}" ]; then _pass; else _fail "$(basename "$b") ended with $RC, want ${want:-0}:"; sed 's/^/    /' "$b" "$ERR" >&2; fi
done
grep -l '^# exit 2' $(grep '\.sh$' "$T/blocks.list") > "$T/trap"
assert_eq "$(wc -l < "$T/trap")" 1 "blocks that show the empty SOURCE_DATE_EPOCH trap"
run env -u SOURCE_DATE_EPOCH PATH="$T/bin:$PATH" sh -c "cd '$T/kb' && . '$(cat "$T/trap")'"
assert_eq "$RC" 2 "the trap's exit status"
assert_stderr_contains 'aftermath: invalid SOURCE_DATE_EPOCH "" (expected seconds since 1970; unset it to build as of today)'

t_begin "the yaml blocks parse; the GitLab and GitHub ones are what init writes"
sed "s/$V/1.2.0/g" "$T/kb/.gitlab-ci.yml" > "$T/init-gitlab.yml"
sed "s/$V/1.2.0/g" "$T/kb/.github/workflows/aftermath.yml" > "$T/init-github.yml"
assert_exit 0 "$PY" - "$T/blocks" "$T/init-gitlab.yml" "$T/init-github.yml" <<'PY'
import glob, sys, yaml
blocks, gitlab, github = sys.argv[1:4]
docs = {f: yaml.safe_load(open(f)) for f in sorted(glob.glob(blocks + "/*.yaml"))}
gl = [d for d in docs.values() if "pages" in d]
gh = [d for d in docs.values() if "jobs" in d]
assert len(gl) == 1 and len(gh) == 1, (len(gl), len(gh))
assert gl[0] == yaml.safe_load(open(gitlab)), "docs/ci.md's GitLab example differs from init's .gitlab-ci.yml"
assert gh[0] == yaml.safe_load(open(github)), "docs/ci.md's GitHub example differs from init's workflow"
shell = open(glob.glob(blocks + "/*.shell")[0]).read().split("\n")
assert [l for l in shell if l] == gl[0]["default"]["before_script"][-6:] or \
    [l for l in shell if l] == [l for l in gl[0]["default"]["before_script"] if not l.startswith("#")], shell
PY

t_begin "the GitLab jobs of docs/ci.md run: a merge request, the default branch, the nightly schedule"
for f in $(grep '\.yaml$' "$T/blocks.list"); do
	if grep -q '^deploy-internal:' "$f"; then DEPLOY=$f; fi
	if grep -q '^pages:' "$f"; then GITLAB=$f; fi
done
"$PY" tests/e2e/adopt-ci-commands.py "$GITLAB" check internal pages > "$T/jobs.sh"
"$PY" tests/e2e/adopt-ci-commands.py "$DEPLOY" deploy-internal >> "$T/jobs.sh"
for source in merge_request_event push schedule; do
	rm -rf "$T/kb-$source"
	cp -R "$T/kb" "$T/kb-$source"
	assert_exit 0 env -u SOURCE_DATE_EPOCH PATH="$T/bin:$PATH" CI_PIPELINE_SOURCE=$source \
		CI_COMMIT_TIMESTAMP=2025-06-01T23:30:00-02:00 sh -e -c "cd '$T/kb-$source' && . '$T/jobs.sh'"
	assert_eq "$(cat "$T/kb-$source/gl-code-quality-report.json")" "[]" "Code Quality report ($source)"
	assert_contains "$T/kb-$source/public/api/stats.json" '"profile": "public"'
	assert_contains "$T/kb-$source/internal/api/stats.json" '"profile": "internal"'
done
assert_contains "$T/kb-push/internal/api/stats.json" '"as_of": "2025-06-02"'
assert_contains "$T/kb-schedule/internal/api/stats.json" "\"as_of\": \"$(date -u +%F)\""
assert_not_contains "$T/kb-push/public/api/postmortems.json" "PM-2025-001"
