# The built site's man pages: mandoc -Tlint silent on every one, and
# apropos finds a runbook by a word of its summary.
it_man_site() {
	if ! command -v mandoc >/dev/null 2>&1; then
		fail "man pages: mandoc is not installed (tools/deps.sh check)"
		return
	fi
	example_site "$TMP/d1" -j1
	mandoc -Tlint "$TMP/d1"/man/man7/*.7 >"$TMP/manlint.log" 2>&1
	n=$(ls "$TMP/d1"/man/man7/*.7 | wc -l)
	if [ -s "$TMP/manlint.log" ] || [ "$n" = 0 ]; then
		fail "mandoc -Tlint is silent on the site's $n man pages" "$(head -5 "$TMP/manlint.log")"
	else
		pass "mandoc -Tlint is silent on the site's $n man pages"
	fi
	rm -rf "$TMP/mandb" && cp -R "$TMP/d1/man" "$TMP/mandb"
	if command -v makewhatis >/dev/null 2>&1; then
		makewhatis "$TMP/mandb" >/dev/null 2>&1
		if mapropos -M "$TMP/mandb" ledger 2>/dev/null | grep -q "db-postgres-failover" ||
		    mapropos -M "$TMP/mandb" Zurich 2>/dev/null | grep -q "db-postgres-failover"; then
			pass "apropos finds a runbook by its summary"
		else
			fail "apropos finds a runbook by its summary" "$(mapropos -M "$TMP/mandb" . 2>&1 | head -3)"
		fi
	else
		fail "makewhatis (mandoc) is not installed"
	fi
}
it_man_site

# The man pages as Debian shows them: groff (man -l) never hyphenates or
# breaks a page name, host name or command (the words the renderer marks
# with \%), no blank stands inside a cross-reference's brackets
# ("( db-redis-cache(7))"), and groff -ww and mandoc -Tlint -W warning
# are silent, on the example site and on tests/man.
it_man_groff() {
	if ! command -v man >/dev/null 2>&1 || ! command -v groff >/dev/null 2>&1; then
		fail "man pages under groff: man or groff is not installed (tools/deps.sh check)"
		return
	fi
	[ -d "$TMP/d1/man" ] || example_site "$TMP/d1" -j1
	mg_bad=
	mg_lint=
	mg_n=0
	for f in "$TMP"/d1/man/man7/*.7 tests/man/*.7; do
		mg_n=$((mg_n + 1))
		mg_lint="$mg_lint$(groff -man -ww -Tutf8 -z "$f" 2>&1)$(mandoc -Tlint -W warning "$f" 2>&1)"
		# man -l at three widths, and groff itself (which, unlike
		# man-db, hyphenates unless the page says not to).
		for w in 80 60 50 groff; do
			if [ $w = groff ]; then
				groff -man -Tutf8 -rLL=50n "$f" 2>/dev/null | col -b >"$TMP/mg.txt"
			else
				MANWIDTH=$w LC_ALL=C.UTF-8 man -l "$f" 2>/dev/null | col -b >"$TMP/mg.txt"
			fi
			r=$(python3 - "$f" "$TMP/mg.txt" <<'EOF2'
import re, sys, os
src = open(sys.argv[1], encoding='utf-8').read()
out = open(sys.argv[2], encoding='utf-8').read().split('\n')
def plain(s):
    s = re.sub(r'\\f(\(..|\[[^]]*\]|.)', '', s)
    return s.replace('\\-', '-').replace('\\&', '').replace('\\(ti', '~')
words = {plain(w) for w in re.findall(r'\\%([^\s"]+)', src)}
words |= {plain(w) for w in re.findall(r'^\.[BR]{2} (\S+) \(7\)', src, re.M)}
words |= {os.path.basename(sys.argv[1])[:-2]}
words = {w.strip('.,;:()[]{}') for w in words if len(w) > 3}
bad = []
for i, line in enumerate(out[:-1]):
    # An explicit hyphen, or groff's (U+2010 under -Tutf8).
    m = re.search('(\\S+?)[-\u2010\u00ad]$', line)
    nxt = out[i + 1].split()
    if not m or not nxt:
        continue
    a, b = m.group(1).lstrip('([{"'), nxt[0].strip('.,;:()[]{}')
    for w in words:
        if w.startswith(a) and len(w) > len(a):
            # The rest of w begins the next line: w was broken.
            rest = w[len(a):]
            rest = rest[1:] if rest.startswith('-') else rest
            if rest and b.startswith(rest):
                bad.append('%s|%s (%s)' % (line.strip(), nxt[0], w))
for line in out:
    if re.search(r'[(\[{] [\w.-]+\(7\)', line):
        bad.append('blank in a cross-reference: ' + line.strip())
print('\n'.join(bad))
EOF2
)
			[ -n "$r" ] && mg_bad="$mg_bad
$f at $w columns: $r"
		done
	done
	if [ -z "$mg_bad" ] && [ "$mg_n" -gt 10 ]; then
		pass "man -l and groff break no page name, host name or command and puts no blank in a cross-reference, on $mg_n pages"
	else
		fail "man -l and groff break no page name, host name or command and puts no blank in a cross-reference, on $mg_n pages" "$mg_bad"
	fi
	if [ -z "$mg_lint" ]; then
		pass "groff -man -ww and mandoc -Tlint -W warning are silent on $mg_n pages"
	else
		fail "groff -man -ww and mandoc -Tlint -W warning are silent on $mg_n pages" "$(printf '%s\n' "$mg_lint" | head -10)"
	fi
}
it_man_groff
