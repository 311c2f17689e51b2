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
