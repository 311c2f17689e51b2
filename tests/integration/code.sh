# Code on the example site's pages, in headless Chromium from file://
# (code-browser.mjs drives it): the diagram is drawn as SVG with no policy
# violation and no request beyond the site's own files; code blocks with
# a language are highlighted (PromQL too); every code block and every
# quick-reference command has a copy button, which copies the text
# exactly, without the last line's line end.
it_code() {
	if ! command -v node >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1; then
		fail "code in Chromium: node or chromium is not installed (tools/deps.sh check)"
		return
	fi
	example_site "$TMP/ex"
	for page in db/postgres-failover api/shipments-api deploys/rollback; do
		f="$TMP/ex/html/$page.html"
		if ! node "$ROOT/tests/integration/code-browser.mjs" "file://$f" \
		    "$TMP/chr-$(echo "$page" | tr / -)" >"$TMP/res.json" 2>"$TMP/node.log"; then
			fail "code in Chromium: $page" "$(cat "$TMP/node.log")"
			continue
		fi
		why=$(node -e '
const fs = require("fs");
const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const html = fs.readFileSync(process.argv[2], "utf8");
const want = (html.match(/<pre class="mermaid">/g) || []).length;
const hl = (html.match(/<pre><code class="language-(bash|sql|promql|yaml|json|python)"/g) || []).length;
const bad = [];
if (!r.drawn) bad.push("the page did not finish drawing");
if (r.diagrams !== want || r.failed !== 0)
	bad.push(`diagrams: ${r.diagrams} drawn, ${r.failed} failed, of ${want}`);
if (r.highlighted.length !== hl) bad.push(`highlighted ${r.highlighted.length} of ${hl}`);
if (r.coloured.length === 0) bad.push("no colours");
if (process.argv[3] && !r.coloured.includes(process.argv[3] + " hljs"))
	bad.push(`no ${process.argv[3]} highlighted`);
if (r.blocks === 0 || r.buttons !== r.blocks) bad.push(`${r.buttons} buttons for ${r.blocks} blocks`);
if (r.copied.length !== r.buttons) bad.push(`${r.copied.length} copies of ${r.buttons}`);
if (r.copied.some((t) => t.endsWith("\n"))) bad.push("a copy ends in a line end");
if (r.status !== "Copied") bad.push("not announced: " + r.status);
if (r.violations.length) bad.push("violations: " + r.violations.join(", "));
const off = r.requests.filter((u) => !u.startsWith("file://"));
if (off.length) bad.push("requests: " + off.join(", "));
if (r.errors.length) bad.push("errors: " + r.errors.join("\n"));
console.log(bad.join("\n"));
' "$TMP/res.json" "$f" "$([ "$page" = api/shipments-api ] && echo language-promql)")
		if [ -z "$why" ]; then
			pass "code in Chromium from file://: $page"
		else
			fail "code in Chromium from file://: $page" "$why"
		fi
	done
	# A diagram is drawn only where there is one: its library and the
	# inline styles it needs are on no other page.
	if grep -q 'mermaid.min.js' "$TMP/ex/html/db/postgres-failover.html" &&
	    ! grep -l "mermaid.min.js\|'unsafe-inline'" $(find "$TMP/ex/html" -name '*.html' ! -name 'postgres-failover.html') >/dev/null 2>&1; then
		pass "mermaid and its style policy only on the page with a diagram"
	else
		fail "mermaid and its style policy only on the page with a diagram"
	fi
}
it_code
