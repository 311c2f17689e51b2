# A build with errors exits 1 and leaves the previous output untouched.
it_atomic() {
	rm -rf "$TMP/at" && mkdir -p "$TMP/at"
	cp -R content "$TMP/at/content"
	"$RBC" build --content "$TMP/at/content" --out "$TMP/at/out" \
	    --today $TODAY >/dev/null 2>&1
	cp -R "$TMP/at/out" "$TMP/at/snapshot"
	printf -- '---\ntitle: Broken\nowner: x\nbad: [\n---\n# Broken\n' \
	    >"$TMP/at/content/broken.md"
	echo "edited" >>"$TMP/at/content/db/redis-cache.md"
	"$RBC" build --content "$TMP/at/content" --out "$TMP/at/out" \
	    --today $TODAY >"$TMP/at/log" 2>&1
	rc=$?
	left=$(ls -d "$TMP/at/out".tmp-* 2>/dev/null | wc -l)
	if [ $rc -eq 1 ] && diff -r "$TMP/at/snapshot" "$TMP/at/out" >/dev/null &&
	    [ "$left" = 0 ] && grep -q 'broken.md:5:1: error' "$TMP/at/log"; then
		pass "failed build leaves previous output byte-identical"
	else
		fail "failed build leaves previous output byte-identical" \
		    "exit $rc, temporaries left: $left" "$(head -5 "$TMP/at/log")"
	fi
	# A successful rebuild replaces the output whole.
	rm "$TMP/at/content/broken.md"
	"$RBC" build --content "$TMP/at/content" --out "$TMP/at/out" \
	    --today $TODAY >/dev/null 2>&1
	left=$(ls -d "$TMP/at/out".tmp-* "$TMP/at/out".tmp-*.old 2>/dev/null | wc -l)
	if ! diff -r "$TMP/at/snapshot" "$TMP/at/out" >/dev/null && [ "$left" = 0 ]; then
		pass "successful rebuild swaps the new output in"
	else
		fail "successful rebuild swaps the new output in" "temporaries: $left"
	fi
	# Never replaces a directory that is not rbc output.
	mkdir -p "$TMP/at/precious" && echo keep >"$TMP/at/precious/file"
	"$RBC" build --content "$TMP/at/content" --out "$TMP/at/precious" \
	    --today $TODAY >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 2 ] && [ "$(cat "$TMP/at/precious/file")" = keep ]; then
		pass "refuses to replace a folder that is not rbc output"
	else
		fail "refuses to replace a folder that is not rbc output" "exit $rc"
	fi
}
it_atomic
