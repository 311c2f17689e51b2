# The search index (_rbc/search/) is a manifest and parts that each
# define what they hold, and search in a real browser, from file://,
# finds runbooks by an alert name, a command, a person's name and a body
# word, each result saying where it matched.
it_search() {
	example_site "$TMP/ex"
	idx="$TMP/ex/html/_rbc/search"
	if ! command -v node >/dev/null 2>&1; then
		fail "search: node is not installed"
		return
	fi
	n=$(node -e '
		var fs = require("fs"), d = process.argv[1], n = 0, w = {};
		var window = {};
		eval(fs.readFileSync(d + "/index.js", "utf8"));
		var m = window.RBC_SEARCH_INDEX;
		function rbcSearchPart(k, i, v) {
			if (k === "d") n += v.length; else Object.assign(w, v);
		}
		m.d.forEach(function (_, i) { eval(fs.readFileSync(d + "/d" + i + ".js", "utf8")); });
		m.t.forEach(function (_, i) { eval(fs.readFileSync(d + "/t" + i + ".js", "utf8")); });
		console.log(n === m.n && w.kubectl && w.pg_stat_replication && w.patronictl && w.stat ? n : "bad");
	' "$idx" 2>&1)
	want=$(find content -name '*.md' ! -name '_*' | wc -l)
	if [ "$n" = "$want" ]; then
		pass "search index parts define all $want runbooks and their commands"
	else
		fail "search index parts define all $want runbooks and their commands" "$n"
	fi
	if ! command -v chromium >/dev/null 2>&1; then
		fail "search in Chromium: chromium is not installed (tools/deps.sh check)"
		return
	fi
	# An alert name, a command, a person's name (the alerts case's site).
	"$RBC" build --content tests/cases/alerts-build/content --out "$TMP/al" \
	    --today $TODAY >/dev/null 2>&1
	probe() {
		timeout 120 node tools/search_probe.js "$@" 2>&1
	}
	check() {	# what: the probe's line has each of the patterns
		what=$1 line=$2
		shift 2
		for p in "$@"; do
			if ! printf '%s\n' "$line" | grep -q -- "$p"; then
				fail "$what" "no $p in: $(printf '%s' "$line" | cut -c1-400)"
				return
			fi
		done
		pass "$what"
	}
	out=$(probe "$TMP/al/html/index.html" PaymentsHighErrorRate)
	check "search finds an alert name" "$out" \
	    '"href":"payments-api.html"' '"where":"alert: PaymentsHighErrorRate"'
	out=$(probe "$TMP/ex/html/db/postgres-failover.html" "patronictl switchover" \
	    "Aisha Kar" "pg_stat_replication")
	check "search finds a command, from a page in a folder" \
	    "$(printf '%s\n' "$out" | sed -n 1p)" \
	    '"href":"db/postgres-failover.html"' '"where":"command: patronictl'
	check "search finds a person's name, the last word as a prefix" \
	    "$(printf '%s\n' "$out" | sed -n 2p)" \
	    '"href":"db/postgres-failover.html"' '"where":"contact: Aisha Karimi"'
	check "search finds a whole identifier" \
	    "$(printf '%s\n' "$out" | sed -n 3p)" '"href":"db/postgres-failover.html"'
	# Body words of a runbook with no summary, and Chinese body text.
	mkdir -p "$TMP/zh"
	printf '# Ingest lag\n\nThe collectors fall behind when the broker partition leader flaps; consumers then rebalance in a loop.\n' >"$TMP/zh/ingest-lag.md"
	printf '# 复制延迟\n\n主库写入过多时，从库复制延迟会升高。\n' >"$TMP/zh/lag-zh.md"
	printf 'title: Demo\nrules:\n  front-matter-missing: "off"\n' >"$TMP/zh/site.yaml"
	"$RBC" build --content "$TMP/zh" --out "$TMP/zho" --today $TODAY >/dev/null 2>&1
	out=$(probe "$TMP/zho/html/index.html" rebalance "leader fla" 从库 "no-such-word")
	check "search finds a body word" "$(printf '%s\n' "$out" | sed -n 1p)" \
	    '"href":"ingest-lag.html"' '"status":"1 result"'
	check "search ANDs words, the last a prefix" "$(printf '%s\n' "$out" | sed -n 2p)" \
	    '"href":"ingest-lag.html"'
	check "search finds Chinese body text" "$(printf '%s\n' "$out" | sed -n 3p)" \
	    '"href":"lag-zh.html"'
	check "search says when nothing matches" "$(printf '%s\n' "$out" | sed -n 4p)" \
	    '"status":"No results"'
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
