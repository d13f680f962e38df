# lib.sh: assertions for the end-to-end tests (sourced by tests/e2e/run).
#
# Each tests/e2e/test_*.sh is sourced with $AFTERMATH (the binary), $ROOT (the
# repository) and a fresh temporary directory $T.  Assertions count passes and
# failures; a failure prints the case, the file and what was expected.

E2E_PASSED=0
E2E_FAILED=0
E2E_CASE=""

t_begin() { E2E_CASE="$1"; }

_pass() { E2E_PASSED=$((E2E_PASSED + 1)); }
_fail() {
	E2E_FAILED=$((E2E_FAILED + 1))
	printf 'FAIL %s [%s]: %s\n' "$E2E_FILE" "$E2E_CASE" "$*" >&2
}

# run CMD...: run a command, keeping its exit status in $RC and output in $OUT/$ERR files.
run() {
	"$@" >"$T/.stdout" 2>"$T/.stderr"
	RC=$?
	OUT="$T/.stdout"
	ERR="$T/.stderr"
}

assert_exit() { # assert_exit CODE CMD...
	want=$1; shift
	run "$@"
	if [ "$RC" -eq "$want" ]; then _pass; else _fail "exit $RC, want $want: $*"; sed 's/^/    /' "$ERR" | head -20 >&2; fi
}

assert_file() { if [ -f "$1" ]; then _pass; else _fail "missing file $1"; fi; }
assert_no_file() { if [ ! -e "$1" ]; then _pass; else _fail "unexpected file $1"; fi; }

assert_contains() { # FILE TEXT
	if grep -qF -- "$2" "$1" 2>/dev/null; then _pass; else _fail "$1 does not contain: $2"; fi
}

assert_not_contains() { # FILE TEXT: the file exists and does not contain TEXT
	if [ ! -f "$1" ]; then
		_fail "missing file $1 (so it cannot be shown not to contain: $2)"
	elif ! grep -qF -- "$2" "$1"; then _pass; else _fail "$1 contains: $2"; fi
}

assert_stderr_contains() { assert_contains "$ERR" "$1"; }
assert_stderr_matches() { # EXTENDED-REGEX
	if grep -qE -- "$1" "$ERR" 2>/dev/null; then _pass; else _fail "stderr does not match: $1"; fi
}
assert_stdout_contains() { assert_contains "$OUT" "$1"; }

assert_eq() { # GOT WANT [WHAT]
	if [ "$1" = "$2" ]; then _pass; else _fail "${3:-value}: got '$1', want '$2'"; fi
}

assert_same_tree() { # DIR1 DIR2: byte-identical trees
	if diff -r "$1" "$2" >"$T/diff" 2>&1; then _pass; else _fail "trees differ: $1 $2"; head -20 "$T/diff" >&2; fi
}
