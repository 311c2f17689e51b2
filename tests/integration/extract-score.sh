# How well rbc reads plain runbooks (SPEC §7): tests/extract/score.py
# compares `rbc import --json` with hand-made labels, over the corpus of
# tests/extract/corpus and over the five seeds of ../shared/seeds; each
# set must reach recall 0.85 and precision 0.90 in every kind.  The
# scorer itself is checked first: the labels read back score 100%, the
# same in other but equal forms too, and a perturbed reading fails.
it_extract_score() {
	x=tests/extract
	sc="python3 $x/score.py"
	item='^  [^ ]+\.(md|txt)(:[0-9]+)?: '	# a --verbose line: one item
	if $sc --check "$RBC" $x/labels/corpus $x/corpus >"$TMP/check.log" 2>&1 &&
	    $x/fake-rbc.py import --json $x/corpus/payments-api.md >/dev/null 2>&1 &&
	    $sc "$x/fake-rbc.py" $x/labels/corpus $x/corpus >"$TMP/echo.log" 2>&1 &&
	    FAKE_RBC=equivalent $sc "$x/fake-rbc.py" $x/labels/corpus $x/corpus \
	    >>"$TMP/echo.log" 2>&1 &&
	    ! FAKE_RBC=perturb $sc "$x/fake-rbc.py" $x/labels/corpus $x/corpus \
	    >>"$TMP/echo.log" 2>&1 &&
	    ! FAKE_RBC=subtle $sc "$x/fake-rbc.py" $x/labels/corpus $x/corpus \
	    >>"$TMP/echo.log" 2>&1; then
		pass "extract-score: the labels are well-formed and the scorer tells right from wrong"
	else
		fail "extract-score: the labels are well-formed and the scorer tells right from wrong" \
		    "$(cat "$TMP/check.log")" "$(grep -E 'BELOW|ERROR' "$TMP/echo.log" | head -10)"
	fi

	if $sc --verbose "$RBC" $x/labels/corpus $x/corpus >"$TMP/corpus.log" 2>&1; then
		pass "extract-score: corpus ($(ls $x/labels/corpus | wc -l) runbooks) reaches recall 0.85, precision 0.90"
	else
		fail "extract-score: corpus reaches recall 0.85, precision 0.90" \
		    "$(grep -vE "$item" "$TMP/corpus.log")" \
		    "$(grep -E "$item" "$TMP/corpus.log" | head -20)"
	fi

	if [ ! -d "$RBC_SHARED/seeds" ]; then
		missing "extract-score: seeds: $RBC_SHARED/seeds not found"
		return
	fi
	if $sc --verbose "$RBC" $x/labels/seeds "$RBC_SHARED/seeds" >"$TMP/seeds.log" 2>&1; then
		pass "extract-score: the five seeds reach recall 0.85, precision 0.90"
	else
		fail "extract-score: the five seeds reach recall 0.85, precision 0.90" \
		    "$(grep -vE "$item" "$TMP/seeds.log")" \
		    "$(grep -E "$item" "$TMP/seeds.log" | head -20)"
	fi
}
it_extract_score
