# Adoption (issue 20): the GitHub Action.  action.yml is a composite action
# whose shell is scripts/action.sh; the tests run that script locally against
# a knowledge base made by `aftermath init`, as the runner would.
V=$("$AFTERMATH" --version | cut -d' ' -f2)
PY=${PYTHON:-python3}
mkdir -p "$T/bin"
ln -s "$AFTERMATH" "$T/bin/aftermath"
"$AFTERMATH" init "$T/kb" --quiet
# action [VAR=VALUE...]: scripts/action.sh with the runner's environment.
adopt_action() {
	run env -u MAKEFLAGS -u MAKELEVEL -u SOURCE_DATE_EPOCH PATH="$T/bin:$PATH" GITHUB_OUTPUT="$T/gh-output" \
		INPUT_CONTENT_DIR="$T/kb" "$@" "$ROOT/scripts/action.sh"
}

t_begin "action.yml is a composite action whose inputs reach scripts/action.sh"
assert_exit 0 "$PY" -c "
import yaml
a = yaml.safe_load(open('action.yml'))
assert a['runs']['using'] == 'composite'
for i in ['version', 'content-dir', 'profile', 'strict', 'output', 'commit-time']:
    assert i in a['inputs'], i
    env = 'INPUT_' + i.upper().replace('-', '_')
    assert a['runs']['steps'][0]['env'][env] == '\${{ inputs.%s }}' % i, env
assert 'scripts/action.sh' in a['runs']['steps'][0]['run']
for o in ['output', 'version', 'as-of']:
    assert a['outputs'][o]['value'] == '\${{ steps.run.outputs.%s }}' % o
"

t_begin "the action checks and builds the public site, pinned to the commit's time"
rm -f "$T/gh-output"
adopt_action INPUT_VERSION="$V" INPUT_PROFILE=public INPUT_STRICT=true INPUT_OUTPUT="$T/pub" \
	INPUT_COMMIT_TIME=2025-06-01T12:00:00+02:00
assert_eq "$RC" 0 "exit status"
assert_file "$T/pub/index.html"
assert_contains "$T/pub/api/stats.json" '"profile": "public"'
assert_contains "$T/pub/api/stats.json" '"as_of": "2025-06-01"'
assert_eq "$(cat "$T/gh-output")" "output=$T/pub
version=$V
as-of=2025-06-01" "the action's outputs"
assert_stdout_contains "publish report for $T/kb (public profile)"

t_begin "with no commit time (pull requests, the nightly run) it builds as of today"
rm -f "$T/gh-output"
adopt_action INPUT_VERSION= INPUT_PROFILE=internal INPUT_OUTPUT="$T/int"
assert_eq "$RC" 0 "exit status"
assert_contains "$T/int/api/stats.json" "\"as_of\": \"$(date -u +%F)\""
assert_contains "$T/gh-output" "as-of=$(date -u +%F)"

t_begin "content errors: annotations, exit 1, no site"
cp -R "$T/kb" "$T/bad"
printf -- '---\nid: B-1\ntitle: T\ndate: 2024-01-01\nseverity: SEV9\n---\n' > "$T/bad/postmortems/bad.md"
adopt_action INPUT_CONTENT_DIR="$T/bad" INPUT_OUTPUT="$T/bad-out"
assert_eq "$RC" 1 "exit status"
assert_stderr_contains "::error file=$T/bad/postmortems/bad.md,line=5,col=11::unknown severity \"SEV9\""
assert_no_file "$T/bad-out"

t_begin "strict: warnings fail only when strict is true"
cp -R "$T/kb" "$T/warn"
sed -i 's/^## Timeline$/## Time line/' "$T/warn/postmortems/2025/pm-2025-001.md"
adopt_action INPUT_CONTENT_DIR="$T/warn" INPUT_STRICT=true INPUT_OUTPUT="$T/warn-strict"
assert_eq "$RC" 1 "exit status with strict: true"
assert_stderr_contains "::warning file=$T/warn/postmortems/2025/pm-2025-001.md"
adopt_action INPUT_CONTENT_DIR="$T/warn" INPUT_STRICT=false INPUT_OUTPUT="$T/warn-lax"
assert_eq "$RC" 0 "exit status with strict: false"
assert_file "$T/warn-lax/index.html"

t_begin "bad inputs are errors (exit 2) that say what was expected"
adopt_action INPUT_VERSION=9.9.9 INPUT_OUTPUT="$T/v"
assert_eq "$RC" 2 "a version that is neither on PATH nor this source"
assert_stdout_contains "::error::aftermath action: this action's source is aftermath $(scripts/version), not 9.9.9 (use the action at the tag v9.9.9)"
assert_no_file "$T/v"
adopt_action INPUT_COMMIT_TIME=yesterday-ish INPUT_OUTPUT="$T/ct"
assert_eq "$RC" 2 "a malformed commit-time"
assert_stdout_contains 'commit-time "yesterday-ish" is not a date-time (expected ISO 8601)'
adopt_action INPUT_PROFILE=secret
assert_eq "$RC" 2 "an unknown profile"
adopt_action INPUT_STRICT=yes
assert_eq "$RC" 2 "strict neither true nor false"

t_begin "without aftermath on PATH, the action builds it from its own source"
mkdir -p "$T/nobin"
for tool in sh env make cc date cut id nproc readlink dirname pwd cat sed grep mkdir rm pkg-config gcc ld as \
	collect2 printf echo test uname tr sort expr basename ls git; do
	p=$(command -v "$tool" 2>/dev/null) && [ -x "$p" ] && ln -sf "$p" "$T/nobin/$tool"
done
run env -u MAKEFLAGS -u MAKELEVEL -u SOURCE_DATE_EPOCH PATH="$T/nobin:/usr/lib/gcc/x86_64-linux-gnu/12" \
	INPUT_CONTENT_DIR="$T/kb" INPUT_OUTPUT="$T/built" "$ROOT/scripts/action.sh"
assert_eq "$RC" 0 "exit status"
assert_stderr_contains "aftermath action: aftermath $(scripts/version): check and build $T/kb"
assert_file "$T/built/index.html"
