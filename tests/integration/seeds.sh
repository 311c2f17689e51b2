# The five seeds compile into pages (their defects demoted to warnings).
it_seeds() {
	rm -rf "$TMP/seeds"
	if ! seeds_content "$TMP/seeds/content"; then
		missing "seeds compile: $RBC_SHARED/seeds not found"
		return
	fi
	"$RBC" build --content "$TMP/seeds/content" --out "$TMP/seeds/out" \
	    --today $TODAY >"$TMP/seeds/log" 2>&1
	rc=$?
	n=$(ls "$TMP/seeds/out/html/"0*.html 2>/dev/null | wc -l)
	w=$(grep -c 'front-matter-missing' "$TMP/seeds/log")
	if [ $rc -eq 0 ] && [ "$n" = 5 ] && [ "$w" = 5 ]; then
		pass "the five seeds compile into pages"
	else
		fail "the five seeds compile into pages" "exit $rc, pages $n, front-matter-missing $w" \
		    "$(grep -v 'front-matter-missing' "$TMP/seeds/log" | head -10)"
	fi
}
it_seeds
