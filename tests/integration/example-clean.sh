# The example site builds clean: no diagnostic at all.
it_example_clean() {
	rm -rf "$TMP/ex"
	"$RBC" build --content content --out "$TMP/ex" --today $TODAY \
	    >"$TMP/ex.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ "$(grep -vc '^rbc: .* built into' "$TMP/ex.log")" = 0 ]; then
		pass "example site builds with no diagnostic"
	else
		fail "example site builds with no diagnostic" "exit $rc" "$(head -20 "$TMP/ex.log")"
	fi
	"$RBC" lint --content content --today $TODAY --strict >"$TMP/lint.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$TMP/lint.log" ]; then
		pass "example site lints clean under --strict"
	else
		fail "example site lints clean under --strict" "exit $rc" "$(head -20 "$TMP/lint.log")"
	fi
}
it_example_clean
