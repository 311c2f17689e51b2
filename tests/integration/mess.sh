# A "realistic mess" (tests/mess/gen_mess.py): runbooks written for Hugo,
# GOV.UK tech-docs, GitLab and GitHub, with odd file names, folder pages
# at every level, CODEOWNERS, raw HTML, Hugo refs, mixed-case and
# GitLab-style anchors.  Every link works on the forge the repository is
# on, so rbc reports nothing false: only what is true of every such
# repository (a page without front-matter, a review that is overdue, a
# fragment that works on GitHub only in another case).  A link planted
# broken is found.  And -j1 and -j4 give the same trees.
it_mess() {
	for forge in github gitlab; do
		m=$TMP/mess-$forge
		python3 "$ROOT/tests/mess/gen_mess.py" "$m" --forge $forge -n 60
		"$RBC" lint --content "$m/docs" --today $TODAY --format json \
		    >"$m/lint.json" 2>"$m/lint.err"
		bad=$(python3 - "$m/lint.json" <<'PY'
import json, sys
allowed = {"front-matter-missing", "review-stale", "anchor-case"}
d = json.load(open(sys.argv[1]))
for x in d:
    if x["rule"] not in allowed:
        print("%s:%s:%s: %s [%s]" % (x["file"], x["line"], x["column"],
                                     x["message"], x["rule"]))
PY
)
		if [ -s "$m/lint.json" ] && [ -z "$bad" ]; then
			pass "realistic mess ($forge): no false diagnostic"
		else
			fail "realistic mess ($forge): no false diagnostic" \
			    "$(printf '%s\n' "$bad" | head -30)" \
			    "$(printf '%s\n' "$bad" | wc -l) in all" "$(head -5 "$m/lint.err")"
		fi
		f=$(ls "$m/docs/payments/"*.md | head -1)
		cp "$f" "$m/saved"
		printf '\nSee [the gone page](gone.md) and [x](#no-such-heading).\n' >>"$f"
		n=$("$RBC" lint --content "$m/docs" --today $TODAY 2>&1 |
		    grep -c 'link-broken\]\|anchor-broken\]')
		cp "$m/saved" "$f"
		if [ "$n" = 2 ]; then
			pass "realistic mess ($forge): a broken link and anchor planted are found"
		else
			fail "realistic mess ($forge): a broken link and anchor planted are found" \
			    "$n reported, 2 expected"
		fi
		"$RBC" build --content "$m/docs" --out "$m/o1" -j1 --today $TODAY \
		    >"$m/b1.log" 2>&1
		"$RBC" build --content "$m/docs" --out "$m/o4" -j4 --today $TODAY \
		    >"$m/b4.log" 2>&1
		if [ -f "$m/o1/html/index.html" ] &&
		    diff -r -x .rbc-cache -x .rbc-cache-records "$m/o1" "$m/o4" >"$m/diff"; then
			pass "realistic mess ($forge): -j1 and -j4 give the same tree"
		else
			fail "realistic mess ($forge): -j1 and -j4 give the same tree" \
			    "$(head -10 "$m/diff")" "$(tail -3 "$m/b1.log")"
		fi
	done
}
it_mess
