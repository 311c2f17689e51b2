# The search index is a script that defines every runbook, and the pages'
# scripts run without an error in a real browser from file://.
it_search() {
	example_site "$TMP/ex"
	idx="$TMP/ex/html/_rbc/search-index.js"
	if command -v node >/dev/null 2>&1; then
		n=$(node -e 'var window = {}; eval(require("fs").readFileSync(process.argv[1], "utf8")); console.log(window.RBC_SEARCH.length)' "$idx" 2>&1)
		want=$(find content -name '*.md' ! -name '_*' | wc -l)
		if [ "$n" = "$want" ]; then
			pass "search-index.js defines all $want runbooks"
		else
			fail "search-index.js defines all $want runbooks" "$n"
		fi
	else
		fail "search-index.js: node is not installed"
	fi
	if ! command -v chromium >/dev/null 2>&1; then
		fail "search in Chromium: chromium is not installed (tools/deps.sh check)"
		return
	fi
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
	    --disable-background-networking --disable-component-update \
	    --disable-sync --no-first-run --user-data-dir="$TMP/chr" \
	    --enable-logging=stderr --v=0 --virtual-time-budget=3000 \
	    --dump-dom "file://$TMP/ex/html/db/postgres-failover.html" \
	    >"$TMP/dom.html" 2>"$TMP/chr.log"
	errs=$(grep 'CONSOLE' "$TMP/chr.log" | grep -v 'Autofill' | head -5)
	if grep -q 'id="rbc-search" role="search">' "$TMP/dom.html" && [ -z "$errs" ]; then
		pass "search box comes alive in Chromium from file://, no console error"
	else
		fail "search box comes alive in Chromium from file://, no console error" "$errs"
	fi
}
it_search
