# Every card of the example site: one page of A4, with its phone numbers
# and metrics as real text.
it_cards() {
	if ! command -v pdfinfo >/dev/null 2>&1; then
		fail "cards: pdfinfo is not installed (tools/deps.sh check)"
		return
	fi
	example_site "$TMP/d1" -j1
	n=0 bad=""
	for pdf in "$TMP/d1"/card/*.pdf; do
		n=$((n + 1))
		pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
		size=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Page size:/ { print $3 "x" $5 }')
		[ "$pages" = 1 ] && [ "$size" = "595.276x841.89" ] || bad="$bad $(basename "$pdf"):$pages:$size"
	done
	if [ $n -gt 0 ] && [ -z "$bad" ]; then
		pass "$n example cards are one A4 page each"
	else
		fail "example cards are one A4 page each" "$n cards;$bad"
	fi
	pdftotext "$TMP/d1/card/db-postgres-failover.pdf" "$TMP/card.txt" 2>/dev/null
	missing=""
	sed -n 's/^ *phone: "\(.*\)"$/\1/p; s/^ *- metric: \(.*\)$/\1/p' \
	    content/db/postgres-failover.md >"$TMP/want.txt"
	while IFS= read -r w; do
		grep -qF -- "$w" "$TMP/card.txt" || missing="$missing [$w]"
	done <"$TMP/want.txt"
	if [ -s "$TMP/card.txt" ] && [ -z "$missing" ]; then
		pass "card text has every phone number and metric"
	else
		fail "card text has every phone number and metric" "missing:$missing"
	fi
}
it_cards
