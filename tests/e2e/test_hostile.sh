# Hostile input: every case gets a diagnostic and exit 1, or builds safely; never a crash or a hang.
mkdir -p "$T/h/postmortems"
good() { printf -- '---\nid: %s\ntitle: %s\ndate: 2024-01-01\n---\nBody.\n' "$1" "$2" > "$T/h/postmortems/$3"; }

t_begin "binary file"
good H-1 Fine fine.md
head -c 4096 /dev/urandom > "$T/h/postmortems/blob.md"
printf '\0' >> "$T/h/postmortems/blob.md"
run timeout 20 "$AFTERMATH" check "$T/h"
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/h/postmortems/blob.md:"
rm "$T/h/postmortems/blob.md"

t_begin "empty file"
: > "$T/h/postmortems/empty.md"
assert_exit 1 "$AFTERMATH" check "$T/h"
assert_stderr_contains "$T/h/postmortems/empty.md:1:1: error: empty file"
rm "$T/h/postmortems/empty.md"

t_begin "huge file"
{ printf -- '---\nid: H-2\ntitle: Huge\ndate: 2024-01-01\n---\n'; head -c 17000000 /dev/zero | tr '\0' 'a'; } > "$T/h/postmortems/huge.md"
assert_exit 1 timeout 20 "$AFTERMATH" check "$T/h"
assert_stderr_contains "$T/h/postmortems/huge.md: error: file too large"
rm "$T/h/postmortems/huge.md"

t_begin "a 1 MB line builds"
{ printf -- '---\nid: H-3\ntitle: Long line\ndate: 2024-01-01\n---\n'; head -c 1000000 /dev/zero | tr '\0' 'b'; echo; } > "$T/h/postmortems/long.md"
assert_exit 0 timeout 30 "$AFTERMATH" build "$T/h" -o "$T/out"
assert_file "$T/out/postmortems/h-3/index.html"
rm "$T/h/postmortems/long.md"

t_begin "a symbolic link loop in the content tree"
mkdir -p "$T/h/postmortems/sub"
ln -s .. "$T/h/postmortems/sub/loop"
assert_exit 0 timeout 20 "$AFTERMATH" check "$T/h"
assert_stderr_contains "warning: directory already visited through another path (symbolic link loop?); skipped"
rm -rf "$T/h/postmortems/sub"

t_begin "a dangling symbolic link"
ln -s /nonexistent/file.md "$T/h/postmortems/dangling.md"
assert_exit 1 "$AFTERMATH" check "$T/h"
assert_stderr_contains "$T/h/postmortems/dangling.md: error: cannot read: No such file or directory"
rm "$T/h/postmortems/dangling.md"

t_begin "alias bomb and deep nesting fail fast"
cp tests/frontmatter/alias-bomb.md tests/frontmatter/deep-nesting.md "$T/h/postmortems/"
assert_exit 1 timeout 20 "$AFTERMATH" check "$T/h"
assert_stderr_contains "error: YAML document too large (more than 100000 nodes after expanding aliases)"
assert_stderr_contains "error: YAML nested too deeply (more than 64 levels)"
rm "$T/h/postmortems/alias-bomb.md" "$T/h/postmortems/deep-nesting.md"

t_begin "a long value behind thousands of aliases is not copied for each"
# 2 MB behind 5,000 aliases: 10 GB when each alias copied it (it did until session 7)
{ printf -- '---\nid: H-4\ntitle: Aliases\ndate: 2024-01-01\nnotes: &x '; head -c 2000000 /dev/zero | tr '\0' 'c'
  printf '\nmore: [*x'; for _ in $(seq 4999); do printf ', *x'; done; printf -- ']\n---\nBody.\n'; } > "$T/h/postmortems/aliases.md"
limit_memory() ( # 2 GB of address space (in a subshell), except under ASan (which reserves far more)
	if [ -z "${ASAN_OPTIONS:-}" ]; then ulimit -v 2000000; fi
	"$@"
)
assert_exit 0 limit_memory timeout 20 "$AFTERMATH" build "$T/h" -o "$T/out-aliases"
assert_exit 0 limit_memory timeout 20 "$AFTERMATH" check "$T/h"
rm "$T/h/postmortems/aliases.md"

t_begin "an id that would escape the output directory"
good "../../../tmp/escaped" Escape escape.md
assert_exit 1 "$AFTERMATH" build "$T/h" -o "$T/out2"
assert_stderr_contains "cannot be used as a page name"
assert_no_file "$T/out2"
rm "$T/h/postmortems/escape.md"

t_begin "HTML and script in every field are escaped everywhere"
P='<script>alert("xss")</script>'
cat > "$T/h/postmortems/xss.md" <<XSS
---
id: H-XSS
title: '$P'
date: 2024-01-01
owner: '$P'
authors: ['$P']
summary: '$P'
services: ['$P svc']
contributing_factors: ['$P factor']
tags: ['$P tag']
impact:
  description: '$P'
action_items:
  - title: '$P'
    owner: '$P'
    ticket: '$P'
    success_criteria: '$P'
custom: '$P'
---
## $P

$P

[x](javascript:alert(1)) <img src=x onerror=alert(1)>
XSS
# a base URL with the payload too, so the canonical link and og:url (written only for an absolute base) see one
assert_exit 0 "$AFTERMATH" build "$T/h" -o "$T/out3" --base-url "https://kb.example/?$P"
assert_contains "$T/out3/postmortems/h-xss/index.html" '<link rel="canonical" href="https://kb.example/?&lt;script&gt;'
assert_contains "$T/out3/postmortems/h-xss/index.html" '<meta property="og:url" content="https://kb.example/?&lt;script&gt;'
if grep -rl 'alert("xss")</script>' "$T/out3" | grep -v '\.csv$' > "$T/leaks"; then _fail "unescaped payload in: $(cat "$T/leaks" | tr '\n' ' ')"; else _pass; fi
if grep -rl 'onerror=alert' "$T/out3" > "$T/leaks"; then _fail "raw HTML kept in: $(cat "$T/leaks")"; else _pass; fi
if grep -rl 'href="javascript' "$T/out3" > "$T/leaks"; then _fail "javascript: link in: $(cat "$T/leaks")"; else _pass; fi
assert_contains "$T/out3/postmortems/h-xss/index.html" '&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;'

t_begin "an unreadable file is an error at that file; the previous site stays"
# Root reads every file whatever its mode, so as root the build runs as nobody,
# from a copy of the binary and its theme: the checkout may be in a directory
# only its owner can enter (a clone into mktemp -d).
as_user() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi; }
mkdir -p "$T/unr/app/build"
cp "$AFTERMATH" "$T/unr/app/build/aftermath"
cp -R layouts "$T/unr/app/layouts"
cp -R lint "$T/unr/app/lint"
cp -R tests/fixtures/site "$T/unr/c"
chmod 755 "$T" && chmod -R a+rX "$T/unr" && chmod 777 "$T/unr"
run as_user "$T/unr/app/build/aftermath" build "$T/unr/c" -o "$T/unr/out" --as-of 2026-11-23
assert_eq "$RC" 0 "exit of the first build"
cp -R "$T/unr/out" "$T/unr/before"
chmod 000 "$T/unr/c/postmortems/2024/fx-002.md"
run as_user "$T/unr/app/build/aftermath" build "$T/unr/c" -o "$T/unr/out" --as-of 2026-11-23
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/unr/c/postmortems/2024/fx-002.md: error: cannot read file: Permission denied"
assert_same_tree "$T/unr/before" "$T/unr/out"
chmod 644 "$T/unr/c/postmortems/2024/fx-002.md"

t_begin "a named pipe among the postmortems is an error, never read (no hang)"
mkfifo "$T/h/postmortems/pipe.md"
run timeout 20 "$AFTERMATH" check "$T/h"
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/h/postmortems/pipe.md: error: not a regular file or directory (a pipe, socket or device); refusing to read it"
rm "$T/h/postmortems/pipe.md"
