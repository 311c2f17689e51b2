# Back to the index in a real browser (headless Chromium,
# tests/integration/back.mjs), 1280 px and 390 px wide: a reader who
# scrolled far down the list of runbooks, followed one and came back
# finds that runbook's row where it was.  The index lays out its groups
# only as they near the screen (content-visibility), so the browser's
# own restored offset would land thousands of pixels away; search.js
# keeps the place.
it_back() {
	browser back || return
	w="$TMP/back"
	rm -rf "$w" && mkdir -p "$w/c"
	# 30 folders of 2 to 30 runbooks: groups far shorter and far
	# taller than the layout's estimate of an unseen group.
	python3 - "$w/c" <<'PY'
import os, sys
d = sys.argv[1]
open(os.path.join(d, "site.yaml"), "w").write("title: Back\n")
for g in range(30):
    f = os.path.join(d, "team-%02d" % g)
    os.makedirs(f)
    for i in range(2 + (g * 7) % 29):
        open(os.path.join(f, "rb-%02d.md" % i), "w").write(
            "---\ntitle: Team %d runbook %d\nowner: team-%d\n"
            "last_reviewed: 2026-11-01\nsummary: What to do when the "
            "service of team %d stops answering, step by step.\n---\n\n"
            "# Team %d runbook %d\n\nText.\n" % (g, i, g, g, g, i))
PY
	if ! "$RBC" build --content "$w/c" --out "$w/out" --today $TODAY \
	    >"$w/log" 2>&1; then
		fail "back: the site does not build" "$(tail -3 "$w/log")"
		return
	fi
	n=$(grep -c 'class="rb-title"' "$w/out/html/index.html")
	# Rows near the end, the middle and a quarter of the way down.
	if ! node "$ROOT/tests/integration/back.mjs" chromium \
	    "file://$w/out/html/index.html" $((n - 3)) $((n / 2)) $((n / 4)) \
	    >"$w/back.json" 2>"$w/back.err"; then
		fail "back: Chromium went back" "$(tail -5 "$w/back.err")"
		return
	fi
	python3 - "$w/back.json" <<'PY'
import json, sys
bad = []
runs = [json.loads(l) for l in open(sys.argv[1])]
for r in runs:
    for when in ("soon", "later"):
        if abs(r[when] - r["before"]) > 3:
            bad.append("%s row %d: at %d px before, %d px %s after Back" %
                       (r["view"], r["row"], r["before"], r[when], when))
if len(runs) != 6:
    bad.append("%d measurements, not 6" % len(runs))
if bad:
    print("FAIL back to the index finds the row where it was")
    for b in bad:
        print("    " + b)
else:
    print("PASS back to the index finds the row where it was "
          "(3 rows, 2 widths)")
PY
}
it_back
