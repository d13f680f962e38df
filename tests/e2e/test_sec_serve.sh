# aftermath serve against a hostile page or client (issue 17, class 6): only loopback Host
# names (DNS rebinding), directory redirects that stay on this server, nothing but regular
# files below the site, slow clients timed out and limited, the temporary site removed on
# SIGTERM and SIGINT, and a watcher that survives link loops and does not follow links out.
# Every server listens on 127.0.0.1 only, on a port of its own, and is killed at the end of
# its case, whatever happened.

# sv_start DIR LOG [ARGS...]: start serve in the background on a random high port (another
# one when that is taken, 5 tries); sets SV_PID, SV_PORT and SV_SITE (the directory served)
# once it prints where it serves, or leaves them empty.
sv_start() {
	sv_dir=$1 sv_log=$2
	shift 2
	for _ in 1 2 3 4 5; do
		SV_PORT=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		$SV_WRAP "$AFTERMATH" serve "$sv_dir" --port "$SV_PORT" --max-seconds 120 "$@" >"$sv_log.out" 2>"$sv_log.err" &
		SV_PID=$!
		sv_wait "$sv_log" && break
		grep -q "cannot listen" "$sv_log.err" || break
	done
	assert_eq "${SV_URL:+up}" up "server up (see $sv_log.err)"
}
sv_wait() { # LOG: wait (30 s at most) for the "serving" line; sets SV_URL, SV_SITE
	SV_URL= SV_SITE=
	for _ in $(seq 300); do
		SV_URL=$(sed -n 's|^serving .* at \(http://127\.0\.0\.1:[0-9]*\)/ .*|\1|p' "$1.out" 2>/dev/null)
		[ -n "$SV_URL" ] && break
		kill -0 "$SV_PID" 2>/dev/null || break
		sleep 0.1
	done
	SV_SITE=$(sed -n 's|^serving \(.*\) at http://127\.0\.0\.1:.*|\1|p' "$1.out")
	[ -n "$SV_URL" ]
}
sv_kill() { kill -9 "$SV_PID" 2>/dev/null; wait "$SV_PID" 2>/dev/null; }
# sv_code PATH [CURL-ARGS...]: the status of GET PATH (000 when no answer in 10 s)
sv_code() {
	sv_path=$1
	shift
	curl -s --path-as-is --max-time 10 -o /dev/null -w '%{http_code}' "$@" "$SV_URL$sv_path"
}
# sv_location PATH: the Location of the answer to GET PATH ("none" without one)
sv_location() {
	loc=$(curl -s --path-as-is --max-time 10 -o /dev/null -D - "$SV_URL$1" |
		tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
	echo "${loc:-none}"
}

cp -R tests/fixtures/site "$T/kb"

# Slow clients get their own server, run beside the other cases (its idle timeout is 10 s).
t_begin "slow clients"
sv_start "$T/kb" "$T/slow"
SLOW_PID=$SV_PID
timeout 90 node tests/e2e/slow-clients.mjs "$SV_PORT" >"$T/slow.txt" 2>&1 &
SLOW_JOB=$!

t_begin "only loopback Host names are served (DNS rebinding)"
sv_start "$T/kb" "$T/a"
for h in evil.com "evil.com:$SV_PORT" localhost.evil.com 127.0.0.1.nip.io "localhost:$SV_PORT.evil.com" \
	"localhost:x" 127.0.0.2 "[::2]"; do
	assert_eq "$(sv_code / -H "Host: $h")" 421 "Host: $h"
done
assert_eq "$(sv_code /__aftermath/build -H "Host: evil.com")" 421 "the reload endpoint with Host: evil.com"
assert_eq "$(sv_code /postmortems/fx-001/ -H "Host: evil.com")" 421 "a page with Host: evil.com"
assert_eq "$(sv_code / -H "Host:")" 421 "no Host (HTTP/1.1)"
assert_eq "$(sv_code / -0 -H "Host:")" 421 "no Host (HTTP/1.0)"
# Two Host headers (curl sends one): the status line of a raw request, in either order.
raw_status() { # HEADER|HEADER...
	node -e 'const [port, head] = process.argv.slice(1);
		const s = require("net").connect(+port, "127.0.0.1", () => s.write("GET / HTTP/1.1\r\n" + head.split("|").map(h => h + "\r\n").join("") + "Connection: close\r\n\r\n"));
		let d = ""; s.on("data", c => d += c); s.on("error", () => {});
		s.on("close", () => { console.log(d.split("\r\n")[0]); process.exit(0); });
		setTimeout(() => { console.log("no answer"); process.exit(0); }, 10000);' "${SV_URL##*:}" "$1"
}
assert_eq "$(raw_status "Host: localhost|Host: evil.com")" "HTTP/1.1 421 Misdirected Request" "Host: localhost, then Host: evil.com"
assert_eq "$(raw_status "Host: evil.com|Host: localhost")" "HTTP/1.1 421 Misdirected Request" "Host: evil.com, then Host: localhost"
assert_eq "$(raw_status "Host: localhost")" "HTTP/1.1 200 OK" "one Host: localhost (raw)"
curl -s --max-time 10 -H "Host: evil.com" "$SV_URL/" >"$T/refused.txt"
assert_contains "$T/refused.txt" "the Host header must be localhost, 127.0.0.1 or [::1]"
assert_not_contains "$T/refused.txt" "Fixture"
for h in localhost "localhost:$SV_PORT" "LocalHost:$SV_PORT" 127.0.0.1 "127.0.0.1:$SV_PORT" "[::1]:$SV_PORT"; do
	assert_eq "$(sv_code / -H "Host: $h")" 200 "Host: $h"
done

t_begin "directory redirects stay on this server"
# A directory named like a host: "//evil.com" must not send the browser to evil.com.
mkdir -p "$SV_SITE/evil.com"
echo ok >"$SV_SITE/evil.com/index.html"
for p in //evil.com ///evil.com /%2F%2Fevil.com /%2f/evil.com /.//evil.com //evil.com/. /evil.com; do
	assert_eq "$(sv_location "$p")" /evil.com/ "Location for $p"
done
for p in //postmortems /%2Fpostmortems /./postmortems; do
	assert_eq "$(sv_location "$p")" /postmortems/ "Location for $p"
done
for p in '/\evil.com' '/%5Cevil.com' '/%5cevil.com' '/\\evil.com' '/%2F%5Cevil.com'; do
	assert_eq "$(sv_code "$p")" 404 "$p"
	assert_eq "$(sv_location "$p")" none "Location for $p"
done

t_begin "nothing but regular files below the site is served"
ln -s /etc/passwd "$SV_SITE/passwd.txt"
for p in /passwd.txt /../../../etc/passwd /%2e%2e/%2e%2e/%2e%2e/etc/passwd /..%2f..%2f..%2fetc/passwd \
	/%2E%2E%2F%2E%2E%2Fetc/passwd '/..\..\etc/passwd' /index.html%00.txt /%00/index.html /index.html%0a; do
	assert_eq "$(sv_code "$p")" 404 "$p"
done
mkfifo "$SV_SITE/pipe.txt"
assert_eq "$(sv_code /pipe.txt)" 404 "a FIFO (no hang)"
assert_eq "$(sv_code /)" 200 "still answering after the FIFO"
# A request line and headers past the cap are refused, not buffered.
assert_eq "$(sv_code / -H "X-Big: $(head -c 40000 /dev/zero | tr '\0' a)")" 431 "40 KB of headers"
assert_eq "$(sv_code /)" 200 "still answering after a large request"
sv_kill

t_begin "stop signals remove the temporary site"
mkdir "$T/tmp"
TMPDIR=$T/tmp sv_start "$T/kb" "$T/term"
case $SV_SITE in "$T/tmp/aftermath-serve-"*) in_tmpdir=yes ;; *) in_tmpdir="no: $SV_SITE" ;; esac
assert_eq "$in_tmpdir" yes "the temporary site is made in TMPDIR"
kill -TERM "$SV_PID"
wait "$SV_PID"
assert_eq "$?" 0 "exit status after SIGTERM"
assert_eq "$(ls -A "$T/tmp")" "" "nothing left in TMPDIR after SIGTERM"
assert_eq "$(test -e "$(dirname "$SV_SITE")" && echo left || echo gone)" gone "the temporary site after SIGTERM"
assert_contains "$T/term.err" "aftermath: stopped"
# A background job of a script starts with SIGINT ignored (and keeps it ignored); perl
# gives the server SIGINT's default, as a terminal's Ctrl-C would find it.
sigint_default() { exec perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV or die' -- "$@"; }
SV_WRAP=sigint_default TMPDIR=$T/tmp sv_start "$T/kb" "$T/int"
SV_WRAP=
kill -INT "$SV_PID"
wait "$SV_PID"
assert_eq "$?" 0 "exit status after SIGINT"
assert_eq "$(ls -A "$T/tmp")" "" "nothing left in TMPDIR after SIGINT"
assert_eq "$(test -e "$(dirname "$SV_SITE")" && echo left || echo gone)" gone "the temporary site after SIGINT"
sv_kill

# sv_changed GEN: wait (20 s at most) for the build number to differ from GEN; prints it
sv_changed() {
	for _ in $(seq 100); do
		sleep 0.2
		now=$(curl -s --max-time 10 "$SV_URL/__aftermath/build")
		if [ -n "$now" ] && [ "$now" != "$1" ]; then echo "$now"; return; fi
	done
	echo "$1"
}
# watched: what the server's watcher watches, from the kernel: the inode (hex) of each
# inotify watch, once two looks 0.2 s apart agree.
watched() {
	prev=x
	for _ in $(seq 50); do
		cur=$(for fd in /proc/"$SV_PID"/fd/*; do
			[ "$(readlink "$fd" 2>/dev/null)" = "anon_inode:inotify" ] || continue
			sed -n 's/^inotify wd:[0-9]* ino:\([0-9a-f]*\) .*/\1/p' /proc/"$SV_PID"/fdinfo/"${fd##*/}"
		done | sort -u)
		[ -n "$cur" ] && [ "$cur" = "$prev" ] && break
		prev=$cur
		sleep 0.2
	done
	echo "$cur"
}

t_begin "the watcher does not follow a link out of the content directory"
cp -R tests/fixtures/site "$T/w"
mkdir -p "$T/outside/deep"
ln -s "$T/outside" "$T/w/ext"
sv_start "$T/w" "$T/w"
gen=$(curl -s --max-time 10 "$SV_URL/__aftermath/build")
sed -i 's/^title: Checkout outage from pool exhaustion$/title: Checkout outage, watched/' "$T/w/postmortems/2024/fx-001.md"
gen2=$(sv_changed "$gen")
assert_eq "$([ "$gen2" != "$gen" ] && echo yes)" yes "rebuilt after a change"
watched >"$T/watched"
n=$(grep -c . "$T/watched")
assert_eq "$([ "$n" -ge 5 ] && [ "$n" -le 200 ] && echo ok || echo "$n watches")" ok "watches (content and theme directories)"
for d in "$T/outside" "$T/outside/deep"; do
	assert_eq "$(grep -cx "$(printf '%x' "$(stat -c %i "$d")")" "$T/watched")" 0 "a watch on $d"
done

t_begin "with --allow-outside-links the watcher follows the link out too"
sv_kill
sv_start "$T/w" "$T/w-out" --allow-outside-links
curl -s --max-time 10 "$SV_URL/__aftermath/build" >/dev/null
watched >"$T/watched-out"
for d in "$T/outside" "$T/outside/deep"; do
	assert_eq "$(grep -cx "$(printf '%x' "$(stat -c %i "$d")")" "$T/watched-out")" 1 "a watch on $d"
done
sv_kill
sv_start "$T/w" "$T/w"
gen2=$(curl -s --max-time 10 "$SV_URL/__aftermath/build")

t_begin "the watcher survives link loops"
# Two links up and one to itself: every path through them is a new name for a directory
# already watched.  They arrive in one rename (one rebuild); then an edit must rebuild again.
mkdir -p "$T/stage/sub"
ln -s .. "$T/stage/sub/up1"
ln -s .. "$T/stage/sub/up2"
ln -s . "$T/stage/sub/here"
mv "$T/stage/sub" "$T/w/postmortems/sub"
gen3=$(sv_changed "$gen2")
assert_eq "$([ "$gen3" != "$gen2" ] && echo yes)" yes "rebuilt after the loops arrived"
sed -i 's/^title: Checkout outage, watched$/title: Checkout outage, seen through a loop/' "$T/w/postmortems/2024/fx-001.md"
gen4=$(sv_changed "$gen3")
assert_eq "$([ "$gen4" != "$gen3" ] && echo yes)" yes "rebuilt after a change beside link loops"
for _ in $(seq 50); do
	curl -s --max-time 10 "$SV_URL/postmortems/fx-001/" -o "$T/looped.html"
	grep -q "seen through a loop" "$T/looped.html" && break
	sleep 0.2
done
assert_contains "$T/looped.html" "Checkout outage, seen through a loop"
watched >"$T/watched"
n=$(grep -c . "$T/watched")
assert_eq "$([ "$n" -ge 5 ] && [ "$n" -le 200 ] && echo ok || echo "$n watches")" ok "watches with the loops"
sv_kill

t_begin "--port 0 takes a free port"
"$AFTERMATH" serve "$T/kb" --port 0 --max-seconds 120 >"$T/zero.out" 2>"$T/zero.err" &
SV_PID=$!
sv_wait "$T/zero"
case $SV_URL in http://127.0.0.1:0 | http://127.0.0.1:8080 | "") zero="$SV_URL" ;; *) zero=free ;; esac
assert_eq "$zero" free "the port taken for --port 0"
assert_eq "$(sv_code /)" 200 "answering on it"
sv_kill

t_begin "slow clients"
wait "$SLOW_JOB"
assert_contains "$T/slow.txt" "answered 200 with 8 slow clients connected"
open=$(sed -n 's/^open at once: //p' "$T/slow.txt")
assert_eq "$([ -n "$open" ] && [ "$open" -le 64 ] && echo ok || echo "${open:-?}")" ok "connections open at once (64 at most)"
assert_contains "$T/slow.txt" "slow clients closed by the server: 108 of 108"
SV_PID=$SLOW_PID
sv_kill
