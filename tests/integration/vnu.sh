# Every page of the example site, of the raw-HTML site (tests/rawhtml:
# sanitized raw HTML, alerts, emoji), of a realistic mess (tests/mess:
# Hugo, tech-docs and GitLab pages with every construct: TOC markers,
# raw HTML, alerts, emoji, diagrams, code, odd file names, folder and home
# pages) and of the seeds when ../shared has them, is valid HTML5 (the Nu
# HTML checker).
it_vnu() {
	jar="$ROOT/build/npm/node_modules/vnu-jar/build/dist/vnu.jar"
	if [ ! -f "$jar" ] || ! command -v java >/dev/null 2>&1; then
		fail "vnu: the Nu HTML checker is not installed (tools/deps.sh check)"
		return
	fi
	example_site "$TMP/ex"
	"$RBC" build --content "$ROOT/tests/rawhtml/content" --out "$TMP/raw" \
	    --today $TODAY >/dev/null 2>&1
	python3 "$ROOT/tests/mess/gen_mess.py" "$TMP/mess" -n 30
	"$RBC" build --content "$TMP/mess/docs" --out "$TMP/mess/out" \
	    --today $TODAY >/dev/null 2>&1
	seeds_content "$TMP/seeds/content" &&
	    "$RBC" build --content "$TMP/seeds/content" --out "$TMP/seeds/out" \
	    --today $TODAY >/dev/null 2>&1
	files=$(find "$TMP/ex/html" "$TMP/raw/html" "$TMP/mess/out/html" \
	    "$TMP/seeds/out/html" -name '*.html' 2>/dev/null | sort)
	if java -jar "$jar" --errors-only --exit-zero-always $files >"$TMP/vnu.log" 2>&1 &&
	    [ ! -s "$TMP/vnu.log" ]; then
		pass "vnu: $(echo "$files" | wc -l) pages, no error"
	else
		fail "vnu reports errors" "$(head -20 "$TMP/vnu.log")"
	fi
}
it_vnu
