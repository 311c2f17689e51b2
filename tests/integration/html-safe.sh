# Nothing executable survives into a built page: every page of the
# example site, of the raw-HTML site (tests/rawhtml, hostile HTML
# included) and of the seeds when ../shared has them is parsed, and any
# <script> but rbc's own assets, on* attribute, javascript:, vbscript: or
# data: URL, style with url(), or <iframe>/<object>/<embed>/<form> fails.
it_html_safe() {
	example_site "$TMP/hs-ex"
	"$RBC" build --content "$ROOT/tests/rawhtml/content" --out "$TMP/hs-raw" \
	    --today $TODAY >/dev/null 2>&1
	if [ ! -f "$TMP/hs-raw/html/hostile.html" ]; then
		fail "html-safe: the raw-HTML site did not build"
		return
	fi
	seeds_content "$TMP/hs-seeds/content" &&
	    "$RBC" build --content "$TMP/hs-seeds/content" --out "$TMP/hs-seeds/out" \
	    --today $TODAY >/dev/null 2>&1
	files=$(find "$TMP/hs-ex/html" "$TMP/hs-raw/html" "$TMP/hs-seeds/out/html" \
	    -name '*.html' 2>/dev/null | sort)
	if python3 "$ROOT/tests/rawhtml/check_html.py" $files >"$TMP/hs.log" 2>&1; then
		pass "html-safe: $(echo "$files" | wc -l) pages, nothing executable"
	else
		fail "html-safe: executable HTML in built pages" "$(head -20 "$TMP/hs.log")"
	fi
}
it_html_safe
