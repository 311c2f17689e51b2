# Identical input, identical bytes: twice, with SOURCE_DATE_EPOCH, and
# whatever the number of workers.
it_deterministic() {
	rm -rf "$TMP/d1" "$TMP/d2" "$TMP/d3"
	"$RBC" build --content content --out "$TMP/d1" -j1 --today $TODAY >/dev/null 2>&1
	SOURCE_DATE_EPOCH=1795392000 "$RBC" build --content content \
	    --out "$TMP/d2" -j1 >/dev/null 2>&1
	if [ -d "$TMP/d1/html" ] && diff -r "$TMP/d1" "$TMP/d2" >"$TMP/d.diff"; then
		pass "two builds are byte-identical"
	else
		fail "two builds are byte-identical" "$(head -20 "$TMP/d.diff")"
	fi
	"$RBC" build --content content --out "$TMP/d3" -j 3 --today $TODAY >/dev/null 2>&1
	if [ -d "$TMP/d3/html" ] && diff -r "$TMP/d1" "$TMP/d3" >"$TMP/d.diff"; then
		pass "-j1 and -j3 builds are byte-identical"
	else
		fail "-j1 and -j3 builds are byte-identical" "$(head -20 "$TMP/d.diff")"
	fi
	# The workers claim runbooks as they go: what the render pass
	# reports (here 30 cards that cannot fit a page, made a warning by
	# site.yaml) comes out in the same order whatever the number of
	# workers.
	w=$TMP/dj
	rm -rf "$w" && mkdir -p "$w/c"
	printf 'rules:\n  card-overflow: warning\n' >"$w/c/site.yaml"
	for k in $(seq 10 49); do
		{
			echo ---
			if [ $((k % 4)) != 0 ]; then
				sed -n '/^id:/,$p' tests/card/overflow.yaml |
				    sed "s/^id: too-big/id: big-$k/"
			else
				printf 'id: fine-%s\ntitle: Fine %s\nowner: team-a\n' $k $k
			fi
			echo ---
			printf '# Runbook %s\n\nText.\n' $k
		} >"$w/c/r$k.md"
	done
	"$RBC" build --content "$w/c" --out "$w/o" -j1 --today $TODAY 2>"$w/e1" >/dev/null
	ok=$([ -f "$w/o/html/big-10.html" ] && [ ! -f "$w/o/card/big-10.pdf" ] &&
	    [ -f "$w/o/card/fine-12.pdf" ] && echo yes)
	rm -rf "$w/o"
	"$RBC" build --content "$w/c" --out "$w/o" -j 3 --today $TODAY 2>"$w/e3" >/dev/null
	n=$(grep -c ': warning: .*\[card-overflow\]' "$w/e1")
	if [ "$n" = 30 ] && [ "$ok" = yes ] && cmp -s "$w/e1" "$w/e3"; then
		pass "-j1 and -j3 report the render pass's diagnostics in the same order, with site.yaml's severity"
	else
		fail "-j1 and -j3 report the render pass's diagnostics in the same order, with site.yaml's severity" \
		    "card-overflow warnings: $n, outputs as expected: $ok" "$(diff "$w/e1" "$w/e3" | head -10)"
	fi
}
it_deterministic
