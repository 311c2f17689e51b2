# Runbook pages in a real browser (headless Chromium over the DevTools
# protocol, tests/integration/layout.mjs), 1280 px and 390 px wide, light
# and dark: the on-call box is within the first screen, the page never
# scrolls sideways, and on a phone no table is wider than its place nor
# has to scroll, and no phone number breaks across lines.  Printed to
# PDF, the box (its phone number) is on page 1.  LAYOUT_SHOTS=DIR keeps
# the screenshots there, to look at.
it_layout() {
	browser layout || return
	if ! example_site "$TMP/ex"; then
		fail "layout: the example site does not build"
		return
	fi
	h="file://$TMP/ex/html"
	# The runbook with every section, and the widest body tables.
	pages="db/postgres-failover platform/messaging/rabbitmq-backlog
	    platform/edge/dns-cdn incident-response
	    warehouse/scanner-sync api/shipments-api"
	urls=
	for p in $pages; do
		urls="$urls $h/$p.html"
	done
	mkdir -p "$TMP/shots"
	# shellcheck disable=SC2086
	if ! node "$ROOT/tests/integration/layout.mjs" chromium "$TMP/shots" \
	    $urls >"$TMP/layout.json" 2>"$TMP/layout.err"; then
		fail "layout: Chromium measured the pages" \
		    "$(tail -5 "$TMP/layout.err")"
		return
	fi
	if [ -n "${LAYOUT_SHOTS:-}" ]; then
		mkdir -p "$LAYOUT_SHOTS" && cp "$TMP"/shots/*.png "$LAYOUT_SHOTS/"
	fi
	python3 - "$TMP/layout.json" <<'PY'
import json, sys

fails = {}
def bad(check, what):
    fails.setdefault(check, []).append(what)

views = [json.loads(l) for l in open(sys.argv[1])]
for v in views:
    page = v["url"].split("/html/", 1)[1] + " " + v["view"]
    w, h = v["viewport"]
    b = v["box"]
    if b is None:
        bad("the on-call box is within the first screen", page + ": no box")
    elif b["top"] < 0 or b["bottom"] > h or b["telBottom"] is None:
        bad("the on-call box is within the first screen",
            "%s: box from %d to %d px, screen %d px, phone %s" %
            (page, b["top"], b["bottom"], h, b["tel"]))
    if v["pageOverflow"] > 0:
        bad("no page scrolls sideways", "%s: %d px too wide: %s" %
            (page, v["pageOverflow"], "; ".join(v["wide"])))
    if w > 400:
        continue
    for t in v["tables"]:
        if t["over"] > 0 or t["scroll"] > 0:
            bad("no table overflows at 390 px",
                "%s: table %s sticks out %d px, scrolls %d px" %
                (page, t["cls"], t["over"], t["scroll"]))
    for t in v["tels"]:
        if t["lines"] != 1:
            bad("no phone number breaks at 390 px",
                "%s: %s on %d lines" % (page, t["text"], t["lines"]))

n = len(views)
for check in ["the on-call box is within the first screen",
              "no page scrolls sideways", "no table overflows at 390 px",
              "no phone number breaks at 390 px"]:
    if check in fails:
        print("FAIL layout: " + check)
        for f in fails[check][:10]:
            print("    " + f)
    else:
        print("PASS layout: %s (%d views)" % (check, n))
PY
	# On paper, the box is on page 1, whole: the first escalation
	# step's phone number and the response times.
	if timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$TMP/chr" \
	    --no-pdf-header-footer --print-to-pdf="$TMP/page.pdf" \
	    "$h/db/postgres-failover.html" >/dev/null 2>&1 &&
	    pdftotext -f 1 -l 1 "$TMP/page.pdf" "$TMP/page1.txt"; then
		if grep -q '+44 20 7946 0321' "$TMP/page1.txt" &&
		    grep -q 'Respond within' "$TMP/page1.txt" &&
		    grep -q 'SEV2' "$TMP/page1.txt"; then
			pass "layout: printed, the on-call box is whole on page 1"
		else
			fail "layout: printed, the on-call box is whole on page 1" \
			    "$(head -20 "$TMP/page1.txt")"
		fi
	else
		fail "layout: chromium --print-to-pdf and pdftotext"
	fi
}
it_layout
