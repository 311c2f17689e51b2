# rbc serve: a live preview on a free loopback port, fetched with curl.
# Every wait is a loop bounded by a count (a hang guard, not a timing
# assertion); curl's --max-time is a hang guard too.

# sv_wait_for FILE PATTERN: waits (at most 60 s) for PATTERN in FILE;
# returns 1 if it never came.
sv_wait_for() {
	sv_n=0
	while ! grep -q "$2" "$1" 2>/dev/null; do
		sv_n=$((sv_n + 1))
		[ $sv_n -gt 600 ] && return 1
		sleep 0.1
	done
	return 0
}

# sv_get PATH [CURL-OPTION...]: prints the status code of GET PATH; the
# body goes to $sv/body, the headers to $sv/headers.
sv_get() {
	sv_p=$1
	shift
	curl -s --max-time 30 -o "$sv/body" -D "$sv/headers" \
	    -w '%{http_code}' "$@" "$sv_url$sv_p"
}

it_serve() {
	if ! command -v curl >/dev/null 2>&1 || ! command -v python3 >/dev/null 2>&1; then
		fail "serve: curl or python3 is not installed (tools/deps.sh check)"
		return
	fi
	sv=$TMP/serve
	rm -rf "$sv" && mkdir -p "$sv/content/db" "$sv/tmp"
	cat >"$sv/content/alpha.md" <<'EOF'
---
title: Alpha service
owner: team-alpha
last_reviewed: 2026-11-01
review_every: 3650d
---
# Alpha service

First version. See [the cache runbook](db/cache.md).
EOF
	cat >"$sv/content/db/cache.md" <<'EOF'
---
title: Cache
owner: team-db
last_reviewed: 2026-11-01
review_every: 3650d
---
# Cache

Read [the missing runbook](nowhere.md).
EOF
	printf 'secret-outside-the-site\n' >"$sv/secret.html"
	TMPDIR=$sv/tmp "$RBC" serve --content "$sv/content" --port 0 \
	    --today $TODAY >"$sv/out.log" 2>"$sv/err.log" &
	sv_pid=$!
	if ! sv_wait_for "$sv/out.log" '^rbc serve: serving'; then
		fail "serve: starts and prints its address" "$(cat "$sv/out.log" "$sv/err.log")"
		kill -9 $sv_pid 2>/dev/null
		return
	fi
	sv_url=$(sed -n 's|.* at \(http://[^ ]*\)/ .*|\1|p' "$sv/out.log")
	sv_port=${sv_url##*:}
	case $sv_url in
	http://127.0.0.1:[0-9]*)
		pass "serve: starts on a free port of 127.0.0.1 by default" ;;
	*)
		fail "serve: starts on a free port of 127.0.0.1 by default" "$(cat "$sv/out.log")" ;;
	esac
	# Listening on loopback only: 127.0.0.1 (0100007F) in /proc/net/tcp.
	sv_hex=$(printf '%04X' "$sv_port")
	if grep -q " 0100007F:$sv_hex 00000000:0000 0A " /proc/net/tcp &&
	    ! grep -q " 00000000:$sv_hex 00000000:0000 0A " /proc/net/tcp; then
		pass "serve: listens on loopback only"
	else
		fail "serve: listens on loopback only" "$(grep ":$sv_hex " /proc/net/tcp)"
	fi
	sv_site=$(echo "$sv"/tmp/rbc-serve-*/site/html)

	# A site with an error is served; its page and the home page say so.
	code=$(sv_get /db/cache.html)
	if [ "$code" = 200 ] && grep -q 'id="rbc-serve-banner"' "$sv/body" &&
	    grep -q 'cache.md:9:[0-9]*</code> error: .*link-broken' "$sv/body" &&
	    grep -qi '^content-type: text/html; charset=utf-8' "$sv/headers"; then
		pass "serve: a page with an error is served with its diagnostics in a banner"
	else
		fail "serve: a page with an error is served with its diagnostics in a banner" \
		    "status $code" "$(head -c 3000 "$sv/body")"
	fi
	code=$(sv_get /)
	if [ "$code" = 200 ] && grep -q 'rbc serve: the site has' "$sv/body" &&
	    grep -q 'link-broken' "$sv/body"; then
		pass "serve: the home page lists every diagnostic"
	else
		fail "serve: the home page lists every diagnostic" "status $code" "$(head -c 3000 "$sv/body")"
	fi
	code=$(sv_get /alpha.html)
	sv_csp="connect-src $sv_url/__rbc/events\""
	if [ "$code" = 200 ] && ! grep -q 'rbc-serve-banner' "$sv/body" &&
	    grep -q 'First version' "$sv/body" &&
	    grep -qF "$sv_csp" "$sv/body" &&
	    grep -q '<script src="/__rbc/reload.js" defer></script>' "$sv/body" &&
	    ! grep -q '__rbc' "$sv_site/alpha.html" &&
	    ! grep -q 'connect-src' "$sv_site/alpha.html"; then
		pass "serve: a clean page has no banner; the CSP allows only the events connection, and only as sent"
	else
		fail "serve: a clean page has no banner; the CSP allows only the events connection, and only as sent" \
		    "status $code" "$(grep -i 'security-policy\|__rbc' "$sv/body")" \
		    "$(grep -c __rbc "$sv_site/alpha.html") in the built file"
	fi
	sv_types=
	for p in /alpha.html:text/html /__rbc/reload.js:text/javascript \
	    /__rbc/serve.css:text/css /_rbc/style.css:text/css \
	    /_rbc/search/index.js:text/javascript; do
		code=$(sv_get "${p%%:*}")
		grep -qi "^content-type: ${p#*:}" "$sv/headers" &&
		    grep -qi '^x-content-type-options: nosniff' "$sv/headers" &&
		    [ "$code" = 200 ] || sv_types="$sv_types ${p%%:*}($code)"
	done
	if [ -z "$sv_types" ]; then
		pass "serve: content types are right, with nosniff"
	else
		fail "serve: content types are right, with nosniff" "wrong:$sv_types"
	fi

	# An edit: the event stream says reload, and the page has changed.
	curl -s -N --max-time 120 "$sv_url/__rbc/events" >"$sv/events" 2>&1 &
	sv_curl=$!
	if sv_wait_for "$sv/events" '^: rbc serve'; then
		sed -i 's/First version/Second version/' "$sv/content/alpha.md"
		sv_wait_for "$sv/events" '^event: reload'
	fi
	code=$(sv_get /alpha.html)
	if grep -q '^event: reload' "$sv/events" && [ "$code" = 200 ] &&
	    grep -q 'Second version' "$sv/body"; then
		pass "serve: an edited runbook is rebuilt and open pages get a reload event"
	else
		fail "serve: an edited runbook is rebuilt and open pages get a reload event" \
		    "events: $(cat "$sv/events")" "$(tail -5 "$sv/err.log")"
	fi
	kill $sv_curl 2>/dev/null
	wait $sv_curl 2>/dev/null
	# Fixing the error removes the banner (incremental rebuild).
	curl -s -N --max-time 120 "$sv_url/__rbc/events" >"$sv/events2" 2>&1 &
	sv_curl=$!
	if sv_wait_for "$sv/events2" '^: rbc serve'; then
		sed -i 's/nowhere.md/..\/alpha.md/' "$sv/content/db/cache.md"
		sv_wait_for "$sv/events2" '^event: reload'
	fi
	code=$(sv_get /db/cache.html)
	if [ "$code" = 200 ] && ! grep -q 'rbc-serve-banner' "$sv/body"; then
		pass "serve: a fixed runbook loses its banner"
	else
		fail "serve: a fixed runbook loses its banner" "status $code" "$(tail -5 "$sv/err.log")"
	fi
	kill $sv_curl 2>/dev/null
	wait $sv_curl 2>/dev/null

	# Nothing outside the built site: traversal, encoded, symlinks, dot
	# files, folders without an index.
	sv_site=$(echo "$sv"/tmp/rbc-serve-*/site/html)
	ln -s "$sv/secret.html" "$sv_site/leak.html"
	ln -s "$sv" "$sv_site/up"
	sv_bad=
	for p in /../secret.html /../../../../etc/passwd /%2e%2e/secret.html \
	    /%2E%2E/%2e%2e/%2e%2e/%2e%2e/etc/passwd /db/%2e%2e/%2e%2e/secret.html \
	    /..%2fsecret.html /%2e%2e%2f%2e%2e%2fetc%2fpasswd /leak.html \
	    /up/secret.html /./alpha.html /.rbc-output /_rbc/ /db//cache.html \
	    '/alpha.html%00.css' /%00 /__rbc/../secret.html; do
		code=$(sv_get "$p" --path-as-is)
		if [ "$code" = 200 ] || grep -q 'secret-outside\|root:' "$sv/body"; then
			sv_bad="$sv_bad $p($code)"
		fi
	done
	if [ -z "$sv_bad" ]; then
		pass "serve: no path outside the site, no symlink, no listing is served"
	else
		fail "serve: no path outside the site, no symlink, no listing is served" "served:$sv_bad"
	fi

	# Malformed requests, a burst, other methods: it answers after all.
	python3 - "$sv_port" >"$sv/raw.log" 2>&1 <<'EOF'
import socket, sys
port = int(sys.argv[1])
bad = [b"GARBAGE\r\n\r\n", b"\x00\xff\xfe binary\r\n\r\n",
       b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
       b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 200000 + b"\r\n\r\n",
       b"GET /" + b"a/" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
       b"GET / HTTP/9.9\r\n\r\n", b"GET / HTTP/1.1\r\n",
       b"GET /%zz%% HTTP/1.1\r\nHost: x\r\n\r\n",
       b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
       b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"]
for req in bad:
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        s.sendall(req)
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except OSError:
        pass
    s.close()
print("sent", len(bad))
EOF
	code=$(curl -s --max-time 30 -o /dev/null -w '%{http_code}' -X POST -d x "$sv_url/alpha.html")
	sv_burst=0
	for i in $(seq 64); do
		curl -s --max-time 60 -o /dev/null -w '%{http_code}\n' "$sv_url/alpha.html" >>"$sv/burst" &
	done
	wait_n=0
	while [ "$(wc -l <"$sv/burst")" -lt 64 ] && [ $wait_n -lt 600 ]; do
		wait_n=$((wait_n + 1))
		sleep 0.1
	done
	sv_burst=$(grep -c '^200$' "$sv/burst")
	if [ "$code" = 405 ] && [ "$sv_burst" = 64 ] && grep -q '^sent 10$' "$sv/raw.log" &&
	    [ "$(sv_get /alpha.html)" = 200 ] && kill -0 $sv_pid 2>/dev/null; then
		pass "serve: survives malformed requests and a burst of 64; POST is 405"
	else
		fail "serve: survives malformed requests and a burst of 64; POST is 405" \
		    "POST $code, $sv_burst of 64 answered 200" "$(cat "$sv/raw.log")"
	fi

	# Ctrl-C: a clean stop, its temporary folder removed.
	kill -INT $sv_pid
	sv_n=0
	while kill -0 $sv_pid 2>/dev/null && [ $sv_n -lt 300 ]; do
		sv_n=$((sv_n + 1))
		sleep 0.1
	done
	if kill -0 $sv_pid 2>/dev/null; then
		kill -9 $sv_pid
		fail "serve: SIGINT stops it" "still running"
	else
		wait $sv_pid
		rc=$?
		if [ $rc -eq 0 ] && [ -z "$(ls -A "$sv/tmp")" ] &&
		    ! curl -s --max-time 10 -o /dev/null "$sv_url/"; then
			pass "serve: SIGINT stops it cleanly (exit 0, nothing left behind)"
		else
			fail "serve: SIGINT stops it cleanly (exit 0, nothing left behind)" \
			    "exit $rc" "$(ls -A "$sv/tmp")" "$(tail -5 "$sv/err.log")"
		fi
	fi
	if grep -q 'Sanitizer\|runtime error' "$sv/err.log"; then
		fail "serve: no sanitizer report" "$(grep -A20 'Sanitizer\|runtime error' "$sv/err.log" | head -40)"
	else
		pass "serve: no sanitizer report"
	fi
}
it_serve
