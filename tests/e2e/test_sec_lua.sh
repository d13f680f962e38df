# Issue 17, classes 2 (Lua) and 3: no template, helper, hook or lint rule can
# hold the build past its time budget or grow without bound; each fails with
# its file and line.  Every case hung or exploded before (checked with the
# binary of main: timeouts, 5.8 GB states, 13 GB pages).

# A site of N postmortems (default 1) in $T/s, with empty layouts/ and scripts/lint/.
lua_site() {
	rm -rf "$T/s" "$T/out"
	mkdir -p "$T/s/postmortems" "$T/s/layouts" "$T/s/scripts/lint"
	for i in $(seq 1 "${1:-1}"); do
		printf -- '---\nid: L-%d\ntitle: Page %d\ndate: 2024-01-%02d\nvisibility: public\nstatus: complete\n---\nBody %d.\n' \
			"$i" "$i" "$i" "$i" > "$T/s/postmortems/l-$i.md"
	done
}
# 4 GB of address space (none under ASan, which reserves far more), 20 s at most.
lua_limited() (
	if [ -z "${ASAN_OPTIONS:-}" ]; then ulimit -v 4000000; fi
	AFTERMATH_THEME="$ROOT/layouts" timeout 20 "$@"
)
lua_build() { run lua_limited "$AFTERMATH" build "$T/s" -o "$T/out" -j1 -q "$@"; }
# A template (layouts/NAME) whose build must fail with MESSAGE.
lua_template_fails() { # NAME TEXT MESSAGE
	printf '%s\n' "$2" > "$T/s/layouts/$1"
	lua_build
	assert_eq "$RC" 1 "exit"
	assert_stderr_contains "$3"
}
BUDGET="error: time budget of 1000 ms exceeded (endless loop?)"

t_begin "a backtracking find in a template ends at its budget"
lua_site
lua_template_fails postmortem.html '{% local s = string.rep("a", 40000) %}
{{ s:find(".-.-.-.-b") }}' "$T/s/layouts/postmortem.html:2: $BUDGET"

t_begin "string.match, gsub and gmatch too"
lua_template_fails postmortem.html '{{ string.match(string.rep("a", 40000), "(.-)(.-)(.-)b") }}' \
	"$T/s/layouts/postmortem.html:1: $BUDGET"
lua_template_fails postmortem.html '<p>
{% for w in string.rep("a", 40000):gmatch(".-.-.-b") do %}{{ w }}{% end %}' \
	"$T/s/layouts/postmortem.html:2: $BUDGET"

t_begin "a helper's gsub ends at its budget, at the helper's line"
lua_site
printf 'function slow(s)\n  return (s:rep(30000):gsub(".-.-.-b", ""))\nend\n' > "$T/s/layouts/helpers.lua"
lua_template_fails postmortem.html '{{ slow("a") }}' "$T/s/layouts/helpers.lua:2: $BUDGET"
assert_stderr_contains "note: called from $T/s/layouts/postmortem.html:1"

t_begin "an xpcall message handler cannot loop past the budget"
lua_site
lua_template_fails postmortem.html '{{ xpcall(function() while true do end end, function(m) while true do end end) }}' \
	"$T/s/layouts/postmortem.html:1: $BUDGET"

t_begin "a __gc finalizer is refused (it ran with no hook, even after the render)"
lua_template_fails postmortem.html '{% setmetatable({}, {__gc = function() while true do end end}) %}' \
	"$T/s/layouts/postmortem.html:1: error: a __gc metamethod (finalizer) is not allowed in the sandbox"

t_begin "string.rep of nothing a quadrillion times is empty at once; of something, bounded"
printf '%s\n' '[{{ string.rep("", 1e15) }}]' > "$T/s/layouts/postmortem.html"
lua_build
assert_eq "$RC" 0 "exit"
assert_contains "$T/out/postmortems/l-1/index.html" "[]"
lua_template_fails postmortem.html '{{ #string.rep("ab", 2^40) }}' \
	"$T/s/layouts/postmortem.html:1: error: string.rep would make more than 256 MB (the limit of a string)"

t_begin "table functions cannot loop over a huge range or a lying __len"
lua_template_fails postmortem.html '{% table.move({}, 1, 1e15, 2) %}' \
	"$T/s/layouts/postmortem.html:1: error: table.move of more than 16777216 elements is not allowed in the sandbox"
lua_template_fails postmortem.html '{% table.insert(setmetatable({}, {__len = function() return 1e15 end}), 1, "x") %}' \
	"$T/s/layouts/postmortem.html:1: error: table.insert of more than 16777216 elements is not allowed in the sandbox"

t_begin "a string doubled in a loop stops at its line (memory limit or budget, whichever comes first)"
printf '%s\n' '<p>' '{% local s = "x" for i = 1, 40 do s = s .. s end %}' > "$T/s/layouts/postmortem.html"
lua_build
assert_eq "$RC" 1 "exit"
assert_stderr_matches "$T/s/layouts/postmortem.html:2: error: (memory limit of 1024 MB|time budget of 1000 ms) exceeded"

# (--lua-memory 64 keeps these quick; with the default, 12 pages keeping 100 MB each
# stop at 1 GB, where main's binary built them all, its states holding 1.2 GB)
t_begin "memory a helper keeps from page to page counts: one limit for the whole build"
lua_site 12
cp "$ROOT/layouts/helpers.lua" "$T/s/layouts/helpers.lua"
printf '\nlocal kept = {}\nfunction keep()\n  kept[#kept + 1] = string.rep("k", 10000000)\n  return #kept\nend\n' \
	>> "$T/s/layouts/helpers.lua"
line=$(grep -n 'kept\[#kept + 1\]' "$T/s/layouts/helpers.lua" | cut -d: -f1)
printf '%s\n' '{{ keep() }}' > "$T/s/layouts/postmortem.html"
lua_build --lua-memory 64
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/s/layouts/helpers.lua:$line: error: memory limit of 64 MB exceeded"

t_begin "a page's output is capped"
lua_site
lua_template_fails postmortem.html '{% local s = string.rep("0123456789", 1000) %}{% for i = 1, 30000 do %}{{{ s }}}{% end %}' \
	"$T/s/layouts/postmortem.html:1: error: page output over the limit of 256 MB (see --page-output)"
printf '%s\n' '{% for i = 1, 3e5 do %}0123456789{% end %}' > "$T/s/layouts/postmortem.html"
run lua_limited "$AFTERMATH" build "$T/s" -o "$T/out" -j1 -q --page-output 2
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/s/layouts/postmortem.html:1: error: page output over the limit of 2 MB (see --page-output)"

t_begin "the standard library stays read-only, pairs() included"
lua_template_fails postmortem.html '{% local _, lib = pairs(string) %}{% lib.format = nil %}' \
	"$T/s/layouts/postmortem.html:1: error: cannot assign string.format (the standard library is read-only)"

t_begin "a lint rule: backtracking ends at its budget; memory kept across postmortems is capped"
lua_site
printf 'return { id = "slow", check = function(pm, report)\n  local x = string.rep("a", 40000):find(".-.-.-.-b")\nend }\n' \
	> "$T/s/scripts/lint/slow.lua"
run lua_limited "$AFTERMATH" check "$T/s"
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/s/scripts/lint/slow.lua:2: $BUDGET"
lua_site 12
printf 'kept = {}\nreturn { id = "hoard", check = function(pm, report)\n  kept[#kept + 1] = string.rep(pm.id, 3000000)\nend }\n' \
	> "$T/s/scripts/lint/slow.lua"
run lua_limited "$AFTERMATH" check "$T/s" --lua-memory 64
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/s/scripts/lint/slow.lua:3: error: memory limit of 64 MB exceeded"

t_begin "the redaction hook: backtracking ends at its budget, an xpcall handler too"
lua_site
printf 'function redact(text)\n  return text:rep(20000):match("(.-)(.-)(.-)#")\nend\n' > "$T/s/scripts/redact.lua"
run lua_limited "$AFTERMATH" build "$T/s" -o "$T/out" -j1 -q --profile public
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/s/scripts/redact.lua:2: $BUDGET"
printf 'function redact(text)\n  xpcall(function() while true do end end, function(m)\n    while true do end\n  end)\nend\n' \
	> "$T/s/scripts/redact.lua"
run lua_limited "$AFTERMATH" build "$T/s" -o "$T/out" -j1 -q --profile public
assert_eq "$RC" 1 "exit"
assert_stderr_contains "$T/s/scripts/redact.lua:5: $BUDGET" # where xpcall returned to

t_begin "print() writes at most 1 MB a state to the CI log"
lua_site 3
printf '%s\n' '{% for i = 1, 3 do print(string.rep("p", 600000)) end %}' > "$T/s/layouts/postmortem.html"
lua_build
assert_eq "$RC" 0 "exit"
assert_stderr_contains "aftermath: print() wrote 1 MB; the rest of this script's output is dropped"
size=$(wc -c < "$ERR")
if [ "$size" -lt 1100000 ]; then _pass; else _fail "stderr has $size bytes"; fi
