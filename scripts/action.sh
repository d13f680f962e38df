#!/bin/sh
# action.sh: the shell of action.yml (the GitHub Action), run by the tests too.
#
# Inputs from the environment: INPUT_VERSION, INPUT_CONTENT_DIR, INPUT_PROFILE,
# INPUT_STRICT, INPUT_OUTPUT, INPUT_COMMIT_TIME, INPUT_MAX_SECONDS (see action.yml).  Writes
# output=, version= and as-of= to $GITHUB_OUTPUT when it is set.
#
#   1. aftermath: the one on PATH if it is the version asked for, else built
#      from this checkout (the action's ref) after installing its build
#      dependencies; a version that is neither is an error (exit 2).
#   2. The as-of date: SOURCE_DATE_EPOCH from INPUT_COMMIT_TIME when given
#      (a malformed one is an error), else today.
#   3. aftermath check --format github (annotations), then aftermath build.
#      The exit status is aftermath's.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
version=${INPUT_VERSION-}
content=${INPUT_CONTENT_DIR:-.}
profile=${INPUT_PROFILE:-internal}
output=${INPUT_OUTPUT:-public}

say() { echo "aftermath action: $*" >&2; }
fail() { echo "::error::aftermath action: $*"; exit 2; }

case ${INPUT_STRICT:-true} in
true) strict=--strict ;;
false) strict= ;;
*) fail "strict must be true or false, not \"$INPUT_STRICT\"" ;;
esac
case $profile in internal | public) ;; *) fail "profile must be internal or public, not \"$profile\"" ;; esac
max_seconds=${INPUT_MAX_SECONDS:-600}
case $max_seconds in '' | *[!0-9]*) fail "max-seconds must be a whole number of seconds, not \"$max_seconds\"" ;; esac

# 1. aftermath
bin=""
if command -v aftermath >/dev/null 2>&1; then
	have=$(aftermath --version | cut -d' ' -f2)
	if [ -z "$version" ] || [ "$have" = "$version" ]; then
		bin=$(command -v aftermath)
	else
		say "aftermath $have on PATH is not $version"
	fi
fi
if [ -z "$bin" ]; then
	here=$("$src/scripts/version")
	if [ -n "$version" ] && [ "$here" != "$version" ]; then
		fail "this action's source is aftermath $here, not $version (use the action at the tag v$version)"
	fi
	say "building aftermath $here"
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	if ! command -v make >/dev/null 2>&1 || ! command -v cc >/dev/null 2>&1; then
		$SUDO apt-get update -qq >&2
		$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make gcc libc6-dev >&2
	fi
	make -C "$src" -s -j"$(nproc)" >&2
	bin=$src/build/aftermath
fi
have=$("$bin" --version | cut -d' ' -f2)

# 2. the as-of date
if [ -n "${INPUT_COMMIT_TIME-}" ]; then
	SOURCE_DATE_EPOCH=$(date -u -d "$INPUT_COMMIT_TIME" +%s 2>/dev/null) ||
		fail "commit-time \"$INPUT_COMMIT_TIME\" is not a date-time (expected ISO 8601)"
	export SOURCE_DATE_EPOCH
fi
if [ -n "${SOURCE_DATE_EPOCH+set}" ]; then
	as_of=$(date -u -d "@$SOURCE_DATE_EPOCH" +%F 2>/dev/null) || as_of=invalid
else
	as_of=$(date -u +%F)
fi

# 3. check, then build
say "aftermath $have: check and build $content ($profile profile, as of $as_of)"
status=0
# shellcheck disable=SC2086
"$bin" check "$content" --profile "$profile" $strict --format github --max-seconds "$max_seconds" || status=$?
if [ "$status" = 0 ]; then
	# shellcheck disable=SC2086
	"$bin" build "$content" -o "$output" --profile "$profile" $strict --max-seconds "$max_seconds" || status=$?
fi
if [ -n "${GITHUB_OUTPUT-}" ]; then
	{
		echo "output=$output"
		echo "version=$have"
		echo "as-of=$as_of"
	} >>"$GITHUB_OUTPUT"
fi
exit "$status"
