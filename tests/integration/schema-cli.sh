# The JSON Schema Test Suite through the real command, rbc schema --check.
it_schema_cli() {
	suite="$RBC_SHARED/testsuites/json-schema-draft2020-12"
	if [ ! -d "$suite" ]; then
		missing "schema-cli: $suite not found"
		return
	fi
	# Its PASS, FAIL and SKIP lines are this check's: one per test.
	python3 "$ROOT/tests/integration/schema_suite_cli.py" "$RBC" "$suite" "$TMP/schema-cli" \
	    >"$TMP/schema-cli.log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP) ' "$TMP/schema-cli.log"
	p=$(grep -c '^PASS ' "$TMP/schema-cli.log")
	f=$(grep -c '^FAIL ' "$TMP/schema-cli.log")
	if [ "$f" = 0 ] && { [ "$p" -lt 900 ] || [ $rc != 0 ]; }; then
		fail "schema-cli: $p passed (900 at least), exit $rc" \
		    "$(grep -vE '^(PASS|SKIP) ' "$TMP/schema-cli.log" | head -10)"
	fi
}
it_schema_cli
