# rbc's own manual pages are clean for both formatters Debian users have:
# mandoc -Tlint reports nothing at warning level or above, and groff
# -ww is silent.
it_manuals() {
	for page in doc/rbc.1 doc/rbc-runbook.5 doc/rbc-rules.7; do
		mandoc -Tlint -W warning "$page" >"$TMP/lint" 2>&1
		if [ ! -s "$TMP/lint" ]; then
			pass "manual $page: mandoc -Tlint"
		else
			fail "manual $page: mandoc -Tlint" "$(head -10 "$TMP/lint")"
		fi
		groff -man -ww -z "$page" >"$TMP/groff" 2>&1
		if [ ! -s "$TMP/groff" ]; then
			pass "manual $page: groff -ww"
		else
			fail "manual $page: groff -ww" "$(head -10 "$TMP/groff")"
		fi
	done
}
it_manuals
