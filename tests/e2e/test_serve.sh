# aftermath serve: serves the site on loopback, refuses paths outside it, rebuilds on change.
t_begin "serve answers, refuses escapes and rebuilds"
cp -R tests/fixtures/site "$T/kb"
PORT=$((20000 + $$ % 20000))
"$AFTERMATH" serve "$T/kb" --port "$PORT" --max-seconds 20 >"$T/serve.out" 2>"$T/serve.err" &
SERVE_PID=$!
up=0
for _ in $(seq 50); do
	if curl -sf "http://127.0.0.1:$PORT/" -o "$T/home.html" 2>/dev/null; then up=1; break; fi
	sleep 0.2
done
assert_eq "$up" 1 "server up"
assert_contains "$T/serve.out" "serving "
assert_contains "$T/home.html" "Fixture &lt;KB&gt;"
assert_contains "$T/home.html" "/__aftermath/build"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/postmortems/fx-001/")" 200 "a page"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "http://127.0.0.1:$PORT/../../../../etc/passwd")" 404 "dot-dot path"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' --path-as-is "http://127.0.0.1:$PORT/%2e%2e/%2e%2e/etc/passwd")" 404 "encoded dot-dot"
assert_eq "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/")" 405 "POST"
gen=$(curl -s "http://127.0.0.1:$PORT/__aftermath/build")
sed -i 's/^title: Checkout outage from pool exhaustion$/title: Checkout outage, edited live/' "$T/kb/postmortems/2024/fx-001.md"
rebuilt=0
for _ in $(seq 50); do
	sleep 0.2
	if [ "$(curl -s "http://127.0.0.1:$PORT/__aftermath/build")" != "$gen" ]; then rebuilt=1; break; fi
done
assert_eq "$rebuilt" 1 "rebuilt after a change"
curl -s "http://127.0.0.1:$PORT/postmortems/fx-001/" -o "$T/edited.html"
assert_contains "$T/edited.html" "Checkout outage, edited live"

t_begin "a broken edit shows its errors in the page and keeps the last good site"
printf -- '---\nid: FX-009\ntitle: Broken\ndate: 2024-13-01\n---\n' > "$T/kb/postmortems/2024/broken.md"
# Wait for the page itself: an edit can start more than one rebuild (sed -i's rename,
# a file's creation and then its writing), so a new build number alone may be the
# earlier edit's second build.
for _ in $(seq 50); do
	sleep 0.2
	curl -s "http://127.0.0.1:$PORT/postmortems/fx-001/" -o "$T/failed.html"
	grep -q "broken.md:4:7: error: date" "$T/failed.html" && break
done
assert_contains "$T/failed.html" "the last build failed"
assert_contains "$T/failed.html" "broken.md:4:7: error: date"
assert_contains "$T/failed.html" "Checkout outage, edited live"

t_begin "serve stops by itself after --max-seconds with exit 0 (a sanitizer report would change it)"
# Not killed: a signal would end it before any sanitizer could report.
wait "$SERVE_PID"
assert_eq "$?" 0 "exit of serve"
assert_not_contains "$T/serve.err" "ERROR: AddressSanitizer"
assert_not_contains "$T/serve.err" "runtime error"
