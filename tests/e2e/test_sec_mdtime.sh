# Time (issue 17, class 2): Markdown that cmark-gfm parses in quadratic time is
# refused before it parses, a redaction pattern cannot run for hours, and
# --max-seconds ends a slow build cleanly, keeping the previous site.  Each case
# took from half a minute to hours before (the `timeout`s are far above what the
# cases take now: well under a second each, but the deadline cases' seconds).

S="$T/s"
mkdir -p "$S/postmortems" "$S/pages"
pm() { printf -- '---\nid: %s\ntitle: %s\ndate: 2024-01-01\nstatus: complete\nvisibility: public\n---\n' "$1" "$2"; }
pm M-1 Fine > "$S/postmortems/fine.md"
echo "Body." >> "$S/postmortems/fine.md"
# rep PIECE N: PIECE written N times
rep() { awk -v s="$1" -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s }'; }
# slow BODY...: a postmortem whose body is what the commands print
slow() { { pm M-2 Slow; "$@"; echo; } > "$S/postmortems/slow.md"; }

t_begin "images never closed, links after them (36 s before)"
slow rep '![[]()' 60000
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/postmortems/slow.md:8:769: error: more than 128 images (\"![\") in one paragraph (expected at most 128: markdown.max_images)"

t_begin "a table 20,000 columns wide"
slow sh -c "printf '|'; awk 'BEGIN { for (i = 0; i < 20000; i++) printf \"a|\"; printf \"\\n|\"; for (i = 0; i < 20000; i++) printf \"-|\" }'"
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/postmortems/slow.md:9:1: error: table has 20000 columns (expected at most 64: markdown.max_table_columns)"

t_begin "a table row far wider than its header"
slow sh -c "printf '|a|\n|-|\n'; awk 'BEGIN { for (i = 0; i < 30000; i++) printf \"x|\" }'"
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/postmortems/slow.md:10:1: error: table row has 30000 cells (expected at most 64: markdown.max_table_columns)"

t_begin "short rows that cmark-gfm fills with empty cells"
slow sh -c "printf '|'; awk 'BEGIN { for (i = 0; i < 60; i++) printf \"a|\"; printf \"\\n|\"; for (i = 0; i < 60; i++) printf \"-|\"; printf \"\\n\"; for (i = 0; i < 40000; i++) print \"|\" }'"
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "error: tables have more than 100000 cells in this file, counting the cells cmark-gfm adds to short rows (expected at most 100000: markdown.max_table_cells)"

t_begin "extended autolinks in one long word"
slow rep 'www.a_' 40000
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/postmortems/slow.md:8:97: error: more than 16 autolinks (\"www.\", \"://\", \"@\", \"&#\") in one word (expected at most 16: markdown.max_autolinks)"

t_begin "block quotes nested 20,000 deep, then lazy lines"
slow sh -c "awk 'BEGIN { for (i = 0; i < 20000; i++) printf \"> \"; print \"a\"; for (i = 0; i < 20000; i++) print \"b\" }'"
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/postmortems/slow.md:8:40001: error: block quotes and lists nested 20000 deep (expected at most 32: markdown.max_nesting)"

t_begin "a page is screened too"
rm "$S/postmortems/slow.md"
{ printf -- '---\ntitle: About\n---\n'; rep '- ' 40; echo x; } > "$S/pages/about.md"
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/pages/about.md:4:81: error: block quotes and lists nested 40 deep (expected at most 32: markdown.max_nesting)"
rm "$S/pages/about.md"

t_begin "a Markdown body over markdown.max_size"
slow sh -c "head -c 1100000 /dev/zero | tr '\\0' 'b'"
assert_exit 1 timeout 60 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/postmortems/slow.md:8:1: error: Markdown body too large (1100001 bytes; expected at most 1048576: markdown.max_size)"

t_begin "site.yaml moves the limits, both ways"
slow sh -c "printf '|'; awk 'BEGIN { for (i = 0; i < 100; i++) printf \"a|\"; printf \"\\n|\"; for (i = 0; i < 100; i++) printf \"-|\" }'"
assert_exit 1 "$AFTERMATH" check "$S"
printf 'markdown:\n  max_table_columns: 100\n' > "$S/site.yaml"
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/out-wide"
assert_contains "$T/out-wide/postmortems/m-2/index.html" "<th>a</th>"
printf 'markdown:\n  max_size: 5\n' > "$S/site.yaml"
assert_exit 1 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/postmortems/fine.md:8:1: error: Markdown body too large (6 bytes; expected at most 5: markdown.max_size)"
printf 'markdown:\n  max_nesting: 0\n' > "$S/site.yaml"
assert_exit 1 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/site.yaml:2:16: error: markdown.max_nesting must be a whole number from 1 to 128 (got \"0\")"
printf 'markdown:\n  max_images: 100000\n' > "$S/site.yaml"
assert_exit 1 "$AFTERMATH" check "$S"
assert_stderr_contains "$S/site.yaml:2:15: error: markdown.max_images must be a whole number from 1 to 1024 (got \"100000\")"
rm "$S/site.yaml" "$S/postmortems/slow.md"

t_begin "the sample site is not refused"
assert_exit 0 "$AFTERMATH" check "$ROOT/content"

# ---- redaction ----------------------------------------------------------------

redact_site() { printf 'public:\n  redact:\n    - pattern: %s\n      replace: x\n' "$1" > "$S/site.yaml"; }

t_begin "a pattern that backtracks over the rest of the body at every match (minutes before)"
redact_site "'q(?=(?:q|b)*\$)'"
slow rep q 40000
assert_exit 1 timeout 60 "$AFTERMATH" build "$S" -o "$T/out-r" --profile public
assert_stderr_contains "$S/site.yaml:3:16: error: redact pattern is too slow on body of M-2: the file's matching budget ran out after"
assert_stderr_contains "$S/postmortems/slow.md:8:1: note: the text it was matching starts here"

t_begin "a pattern that matches every character"
redact_site "'q'"
slow rep q 60000
assert_exit 1 timeout 60 "$AFTERMATH" check "$S" --profile public
assert_stderr_contains "error: redact pattern is too slow on body of M-2: more than 50000 matches after 50001 matches in the file"
rm "$S/site.yaml" "$S/postmortems/slow.md"

# ---- --max-seconds ------------------------------------------------------------

t_begin "a build within --max-seconds is the same build"
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/out"
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/out2" --max-seconds 600
assert_same_tree "$T/out" "$T/out2"
cp -a "$T/out" "$T/out.before"

t_begin "--max-seconds ends a build stuck in cmark-gfm, keeping the previous site"
# site.yaml's ceilings: 8 MB of paragraphs of 1024 "![[]()" take cmark-gfm seconds
printf 'markdown:\n  max_images: 1024\n  max_size: 16777216\n' > "$S/site.yaml"
slow sh -c "awk 'BEGIN { for (j = 0; j < 1300; j++) { for (i = 0; i < 1024; i++) printf \"![[]()\"; printf \"\\n\\n\" } }'"
assert_exit 1 timeout 60 "$AFTERMATH" build "$S" -o "$T/out" --max-seconds 2
assert_stderr_contains "$S/postmortems/slow.md: error: --max-seconds 2 ran out while reading and parsing postmortems, at this file (the build stopped; the previous output is kept)"
assert_same_tree "$T/out" "$T/out.before"

t_begin "--max-seconds in check, with JSON diagnostics (on stdout, flushed before the process ends)"
assert_exit 1 timeout 60 "$AFTERMATH" check "$S" --max-seconds 1 --format json
assert_stdout_contains "\"file\": \"$S/postmortems/slow.md\""
assert_stdout_contains "--max-seconds 1 ran out while reading and parsing postmortems"
node -e 'JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))' "$OUT" && _pass || _fail "stdout is not one JSON document"
rm "$S/site.yaml" "$S/postmortems/slow.md"

t_begin "--max-seconds ends a slow render and removes its temporary directory"
mkdir -p "$S/layouts"
for i in $(seq 1 40); do { pm "R-$i" "Render $i"; echo "Body $i."; } > "$S/postmortems/r$i.md"; done
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/out"
cp -a "$T/out" "$T/out.before2"
{ printf '{%% local x = 0; for i = 1, 30000000 do x = x + i %% 7 end %%}'; cat "$ROOT/layouts/postmortem.html"; } > "$S/layouts/postmortem.html"
assert_exit 1 timeout 120 "$AFTERMATH" build "$S" -o "$T/out" --max-seconds 2 --jobs 2
assert_stderr_matches "$S/postmortems/[a-z0-9]+\\.md: error: --max-seconds 2 ran out while rendering pages, at this file"
assert_same_tree "$T/out" "$T/out.before2"
left=$(ls -A "$T" | grep -c 'aftermath-tmp')
assert_eq "$left" 0 "temporary directories left"
rm -rf "$S/layouts"
