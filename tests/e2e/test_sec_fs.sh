# Files outside the content directory (issue 17, class 1): a pull request can add
# symbolic links (git stores them); nothing may be read through one that leaves the
# content directory or the theme, nothing but regular files and directories is read,
# and the previous site stays when a build refuses.
SECRET=canary-7f3a9c-not-for-publication
printf 'db_password=%s\n' "$SECRET" > "$T/secret.txt"
mkdir -p "$T/outside-dir" && cp "$T/secret.txt" "$T/outside-dir/creds.txt"
printf -- '---\nid: OUT-1\ntitle: Outside %s\ndate: 2024-01-01\n---\nBody %s.\n' "$SECRET" "$SECRET" > "$T/outside.md"

fresh() { # a copy of the fixture site in $T/c, built once into $T/out (kept in $T/before)
	rm -rf "$T/c" "$T/out" "$T/before"
	cp -r tests/fixtures/site "$T/c"
	"$AFTERMATH" build "$T/c" -o "$T/out" --as-of 2026-01-01 -q 2>/dev/null
	cp -r "$T/out" "$T/before"
}

build_refused() { # build_refused PATH-IN-MESSAGE [PROFILE]: exit 1, the error, old site kept, no secret out
	run env AFTERMATH_CANARY="$SECRET" timeout 60 "$AFTERMATH" build "$T/c" -o "$T/out" \
		--as-of 2026-01-01 --profile "${2:-internal}"
	assert_eq "$RC" 1 "exit"
	assert_stderr_contains "$1: error: symbolic link leads"
	assert_same_tree "$T/before" "$T/out"
	if grep -rqF "$SECRET" "$T/out" "$T"/.out.aftermath-tmp-* 2>/dev/null; then
		_fail "the secret was written to the site"
	else
		_pass
	fi
}

t_begin "static/ link to /proc/self/environ: the CI job's environment is not published"
fresh
mkdir -p "$T/c/static"
ln -s /proc/self/environ "$T/c/static/env.txt"
build_refused "$T/c/static/env.txt"
assert_stderr_contains 'a file of the kernel'"'"'s (/proc or /sys); refusing to read it'
build_refused "$T/c/static/env.txt" public

t_begin "static/ link to a file outside, and to a directory outside"
fresh
mkdir -p "$T/c/static"
ln -s "$T/secret.txt" "$T/c/static/notes.txt"
build_refused "$T/c/static/notes.txt"
assert_stderr_contains "leads outside the content directory and the theme, to \"$(cd "$T" && pwd -P)/secret.txt\""
assert_stderr_contains "pass --allow-outside-links to follow it anyway"
rm "$T/c/static/notes.txt"
ln -s "$T/outside-dir" "$T/c/static/more"
build_refused "$T/c/static/more"

t_begin "a relative link climbing out of static/"
fresh
mkdir -p "$T/c/static"
ln -s ../../secret.txt "$T/c/static/up.txt"
build_refused "$T/c/static/up.txt"

t_begin "postmortems/ and pages/ links to files and directories outside"
fresh
ln -s "$T/outside.md" "$T/c/postmortems/2024/outside.md"
build_refused "$T/c/postmortems/2024/outside.md"
rm "$T/c/postmortems/2024/outside.md"
ln -s "$T/outside-dir" "$T/c/postmortems/linked"
cp "$T/outside.md" "$T/outside-dir/pm.md"
build_refused "$T/c/postmortems/linked"
rm "$T/c/postmortems/linked" "$T/outside-dir/pm.md"
ln -s "$T/outside.md" "$T/c/pages/leak.md"
build_refused "$T/c/pages/leak.md"

t_begin "site.yaml and layouts/ links outside"
fresh
mv "$T/c/site.yaml" "$T/site-real.yaml"
ln -s "$T/site-real.yaml" "$T/c/site.yaml"
build_refused "$T/c/site.yaml"
rm "$T/c/site.yaml" && mv "$T/site-real.yaml" "$T/c/site.yaml"
mkdir -p "$T/c/layouts" "$T/evil-theme"
printf '{{ pm.title }}\n' > "$T/evil-theme/base.html"
ln -s "$T/evil-theme/base.html" "$T/c/layouts/base.html"
build_refused "$T/c/layouts/base.html"
rm -rf "$T/c/layouts"
ln -s "$T/evil-theme" "$T/c/layouts"
build_refused "$T/c/layouts"

t_begin "scripts/: a redaction hook and a lint rule linked outside"
fresh
mkdir -p "$T/c/scripts/lint"
printf 'return function(text) return text end\n' > "$T/hook.lua"
ln -s "$T/hook.lua" "$T/c/scripts/redact.lua"
build_refused "$T/c/scripts/redact.lua" public
rm "$T/c/scripts/redact.lua"
printf 'return {id = "x", check = function() end}\n' > "$T/rule.lua"
ln -s "$T/rule.lua" "$T/c/scripts/lint/x.lua"
run timeout 60 "$AFTERMATH" check "$T/c"
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/c/scripts/lint/x.lua: error: symbolic link leads outside"

t_begin "a link that stays inside the content directory is followed"
fresh
mkdir -p "$T/c/static"
ln -s ../pages/start.md "$T/c/static/start.txt"
ln -s ../postmortems "$T/c/static/pms"
assert_exit 0 "$AFTERMATH" build "$T/c" -o "$T/out" --as-of 2026-01-01
cmp -s "$T/c/pages/start.md" "$T/out/start.txt" && _pass || _fail "static/start.txt not copied through its link"
assert_file "$T/out/pms/2024/$(ls "$T/c/postmortems/2024" | head -1)"

t_begin "--allow-outside-links follows a link out on purpose, never to /proc"
fresh
mkdir -p "$T/c/static"
ln -s "$T/secret.txt" "$T/c/static/notes.txt"
assert_exit 0 "$AFTERMATH" build "$T/c" -o "$T/out" --as-of 2026-01-01 --allow-outside-links
assert_contains "$T/out/notes.txt" "$SECRET"
ln -s /proc/self/environ "$T/c/static/env.txt"
run env AFTERMATH_CANARY="$SECRET" "$AFTERMATH" build "$T/c" -o "$T/out2" --as-of 2026-01-01 --allow-outside-links
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/c/static/env.txt: error: symbolic link leads to"
assert_no_file "$T/out2"

t_begin "site.yaml cannot allow outside links (only the command line can)"
fresh
mkdir -p "$T/c/static"
printf 'allow_outside_links: true\nallow-outside-links: true\n' >> "$T/c/site.yaml"
ln -s "$T/secret.txt" "$T/c/static/notes.txt"
"$AFTERMATH" build "$T/c" -o "$T/out" --as-of 2026-01-01 -q 2>/dev/null
assert_no_file "$T/out/notes.txt"

t_begin "a FIFO in static/, a link to a device, a FIFO for site.yaml: refused without hanging"
fresh
mkdir -p "$T/c/static"
mkfifo "$T/c/static/pipe.txt"
run timeout 20 "$AFTERMATH" build "$T/c" -o "$T/out" --as-of 2026-01-01
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/c/static/pipe.txt: error: not a regular file or directory"
assert_same_tree "$T/before" "$T/out"
rm "$T/c/static/pipe.txt"
ln -s /dev/zero "$T/c/static/zero.bin"
run timeout 20 "$AFTERMATH" build "$T/c" -o "$T/out" --as-of 2026-01-01 --allow-outside-links
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/c/static/zero.bin: error: not a regular file or directory"
rm "$T/c/static/zero.bin"
mkfifo "$T/c/site.yaml.fifo" && rm "$T/c/site.yaml" && mv "$T/c/site.yaml.fifo" "$T/c/site.yaml"
run timeout 20 "$AFTERMATH" build "$T/c" -o "$T/out" --as-of 2026-01-01
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/c/site.yaml: error: not a regular file"

t_begin "new does not write through a year folder linked outside"
fresh
mkdir -p "$T/elsewhere"
ln -s "$T/elsewhere" "$T/c/postmortems/2026"
run "$AFTERMATH" new "$T/c" --as-of 2026-03-01 --title "Linked year"
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/c/postmortems/2026: error: symbolic link leads outside"
[ -z "$(ls -A "$T/elsewhere")" ] && _pass || _fail "new wrote outside the content directory: $(ls "$T/elsewhere")"
rm "$T/c/postmortems/2026"
ln -s 2024 "$T/c/postmortems/2026"
assert_exit 0 "$AFTERMATH" new "$T/c" --as-of 2026-03-01 --title "Linked inside"
