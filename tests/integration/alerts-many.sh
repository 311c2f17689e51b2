# 10,000 alert rules against 1,000 runbooks (a generator, below): every
# broken link and every drifting threshold is found, each once, and the
# outputs of -j1 and -j2 are the same bytes.  How long it takes is
# measured by hand or by the benchmark (RBC_TIMING=1 shows the phases),
# never asserted here.
#
# gen_alerts DIR RUNBOOKS ALERTS: runbooks rb/N.md with a threshold tied
# to alert A<N>; alerts A<k> point at rb/<k % RUNBOOKS>, every 100th at a
# runbook that does not exist, every 1000th without a URL; the threshold
# of every 10th runbook drifts (critical 5 against > 0.06).
gen_alerts() {
	awk -v dir="$1" -v nr="$2" -v na="$3" 'BEGIN {
		print "title: many alerts\nbase_url: https://rb.test/\nalerts:\n  - ../rules/*.yaml" > (dir "/content/site.yaml")
		for (i = 0; i < nr; i++) {
			f = dir "/content/rb/" i ".md"
			print "---\ntitle: Runbook " i "\nowner: team\nlast_reviewed: 2026-10-01\nreview_every: 90d" > f
			print "thresholds:\n  - metric: m\n    unit: \"%\"\n    critical: 5\n    for: 5m\n    alert: A" i > f
			print "---\n# Runbook " i "\n\n## Handle it\n\nDo it.\n" > f
			close(f)
		}
		for (k = 0; k < na; k++) {
			if (k % 2500 == 0) {
				if (k) close(r)
				r = dir "/rules/r" k ".yaml"
				print "groups:\n  - name: g" k "\n    rules:" > r
			}
			c = (k < nr && k % 10 == 0) ? "0.06" : "0.05"
			print "      - alert: A" k "\n        expr: ratio{job=\"x\"} > " c "\n        for: 5m\n        labels:\n          severity: critical" > r
			if (k % 1000 == 999) continue
			u = (k % 100 == 99) ? "https://rb.test/gone/" k : "https://rb.test/rb/" (k % nr) ".html#handle-it"
			print "        annotations:\n          runbook_url: " u > r
		}
	}'
}

it_alerts_many() {
	d=$TMP/many
	mkdir -p "$d/content/rb" "$d/rules"
	gen_alerts "$d" 1000 10000
	"$RBC" lint --content "$d/content" --today "$TODAY" >"$TMP/lint.out" 2>&1
	broken=$(grep -c '\[alert-runbook-broken\]' "$TMP/lint.out")
	nourl=$(grep -c '\[alert-no-runbook\]' "$TMP/lint.out")
	drift=$(grep -c '\[threshold-drift\]' "$TMP/lint.out")
	other=$(grep -v '\[alert-runbook-broken\]\|\[alert-no-runbook\]\|\[threshold-drift\]' "$TMP/lint.out" | head -3)
	if [ "$broken" = 90 ] && [ "$nourl" = 10 ] && [ "$drift" = 100 ] && [ -z "$other" ]; then
		pass "10,000 alerts: 90 broken links, 10 without a URL, 100 drifting thresholds, nothing else"
	else
		fail "10,000 alerts: 90 broken links, 10 without a URL, 100 drifting thresholds, nothing else" \
		    "broken $broken, no URL $nourl, drift $drift" "$other"
	fi
	printf 'rules:\n  alert-runbook-broken: warning\n' >>"$d/content/site.yaml"
	"$RBC" build --content "$d/content" --out "$TMP/o1" --formats html,man -j 1 --today "$TODAY" >/dev/null 2>&1
	"$RBC" build --content "$d/content" --out "$TMP/o2" --formats html,man -j 2 --today "$TODAY" >/dev/null 2>&1
	if [ -f "$TMP/o1/html/_rbc/alerts.html" ] && diff -r -x .rbc-cache -x .rbc-cache-records "$TMP/o1" "$TMP/o2" >/dev/null &&
	    [ "$(grep -c '<code>A[0-9]*</code>' "$TMP/o1/html/rb/7.html")" = 10 ]; then
		pass "10,000 alerts: -j1 and -j2 give the same bytes; a runbook lists its 10 alerts"
	else
		fail "10,000 alerts: -j1 and -j2 give the same bytes; a runbook lists its 10 alerts"
	fi
}
it_alerts_many
