#!/bin/sh
# make bench: rbc against the floor (the libraries alone, bench/floor.c)
# and Hugo, on generated corpora of 1,000 and 10,000 runbooks
# (../shared/bench/gen_corpus.py), interleaved in one run so that the
# ratios compare like with like on a shared, noisy machine.  Prints a
# table and writes it to bench/results.md.
#
#   ROUNDS=9 HUGO_ROUNDS=3 SIZES="1000 10000" HUGO=1 sh bench/run.sh
#
# Hugo, the slowest by far (23 s a round for 10,000 runbooks), runs in
# the first HUGO_ROUNDS rounds only, so that nine rounds of the rest fit
# in the time five took: a median of nine is steadier on a noisy machine.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
GEN=${RBC_SHARED:-$ROOT/../shared}/bench/gen_corpus.py
ROUNDS=${ROUNDS:-9}
HUGO_ROUNDS=${HUGO_ROUNDS:-3}
SIZES=${SIZES:-"1000 10000"}
HUGO=${HUGO:-1}
# One-word queries for the search figures: a command, a body word, a
# title word, a person, a metric, a prefix being typed.
SEARCH_QUERIES=${SEARCH_QUERIES:-"kubectl replication failover Zhang http_5xx_ratio rollb"}
W=$ROOT/build/bench
RES=$ROOT/bench/results.md
mkdir -p "$W"
# A private copy: a rebuild during the benchmark must not change it.
# RBC_BENCH names another binary to measure (an older rbc, to compare).
cp "${RBC_BENCH:-$ROOT/build/rbc}" "$W/rbc"
RBC=$W/rbc

[ -f "$GEN" ] || { echo "bench: $GEN not found" >&2; exit 2; }
cc -O2 -o "$W/floor" bench/floor.c $(pkg-config --cflags --libs libcmark-gfm yaml-0.1) \
    -lcmark-gfm-extensions
if [ "$HUGO" = 1 ] && ! command -v hugo >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hugo >/dev/null 2>&1 || HUGO=0
fi

# time LABEL COMMAND...: one run; appends "label seconds kilobytes".
# The dirty pages of the runs before are written out first, and the
# corpus ($c) read once, untimed: this machine drops clean pages from its
# cache within a minute (most of the 10,000 files are gone 40 s after
# they were read), so without it whichever run comes first after a pause
# (the floor, each round) would also wait for the disk.
t() {
	label=$1
	shift
	sync
	# The runbooks the run reads in memory, as after a checkout: its
	# --content folder (the corpus for the floor), and the alert rules.
	warm=$c
	prev=
	for a in "$@"; do
		[ "$prev" = --content ] && warm=$a
		prev=$a
	done
	find "$warm" -name '*.md' -exec cat {} + >/dev/null
	[ "$warm" = "$c-alerts" ] && cat "$W/rules-$n"/*.yaml >/dev/null
	if /usr/bin/time -f "%e %M" -o "$W/time" "$@" >"$W/log" 2>&1; then
		echo "$label $(cat "$W/time")" >>"$W/runs"
	else
		echo "$label FAILED" >>"$W/runs"
		tail -3 "$W/log" >&2
	fi
}

hugo_site() {
	d=$W/hugo-$1
	rm -rf "$d" && mkdir -p "$d/layouts/_default"
	ln -s "$W/corpus-$1" "$d/content"
	printf 'baseURL = "https://example.test/"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n' >"$d/hugo.toml"
	echo '{{ .Content }}' >"$d/layouts/_default/single.html"
	echo '{{ range .Pages }}{{ .Title }}{{ end }}' >"$d/layouts/_default/list.html"
}

# fresh NAME DIR: F becomes DIR inside an empty file system of its own,
# mounted at $W/mnt-NAME, made anew (the last one there unmounted and
# thrown away).  This machine's ext4 makes creating files dearer the
# more files it holds and the more it lost in the last minutes (its
# inode search steps around recently freed inodes): 80 builds of 20,000
# files each into one file system made the same run 1x to 2x slower from
# one round to the next.  A fresh file system for every run is what a CI
# job on a fresh disk sees, the same for every run.  It is made like this
# machine's own (ext4 without a journal), in a file on a loop device;
# FRESH_FS=0, or a machine that cannot mount one, writes into folders
# under build/bench instead, as before, kept until the end.
FRESH_FS=${FRESH_FS:-1}
fresh() {
	F=$W/out-$n-$r/$2
	mkdir -p "$W/out-$n-$r"
	[ "$FRESH_FS" = 1 ] || return 0
	m=$W/mnt-$1
	img=$W/fs-$1.img
	sync
	if mountpoint -q "$m"; then
		umount "$m" || { echo "bench: cannot unmount $m" >&2; exit 1; }
	fi
	rm -f "$img"
	mkdir -p "$m"
	if truncate -s 4G "$img" &&
	    mkfs.ext4 -q -F -O ^has_journal -E nodiscard,lazy_itable_init=0 \
	    "$img" >/dev/null 2>&1 && mount -o loop "$img" "$m" 2>/dev/null; then
		F=$m/$2
		return 0
	fi
	echo "bench: cannot mount a fresh file system: writing into $W (FRESH_FS=0)" >&2
	rm -f "$img"
	FRESH_FS=0
}
unfresh() {
	for m in "$W"/mnt-*; do
		mountpoint -q "$m" 2>/dev/null && umount "$m"
	done
	rm -f "$W"/fs-*.img
	rm -rf "$W"/mnt-* "$W"/out-*
	return 0
}
trap unfresh EXIT
trap 'unfresh; exit 1' INT TERM

unfresh
: >"$W/runs"
for n in $SIZES; do
	c=$W/corpus-$n
	[ -d "$c" ] || python3 "$GEN" -n "$n" -o "$c" >/dev/null
	# The generator writes @example.com addresses, which rbc rightly
	# reports as placeholders (RFC 2606 domains reach nobody); the
	# benchmark measures a complete build, so that rule is off here.
	printf 'title: Benchmark\nrules:\n  contact-placeholder: off\n' >"$c/site.yaml"
	one=$(ls "$c" | sed -n 500p)
	# The same corpus with extraction off (site.yaml extract: false),
	# for what reading the text costs a build.
	rm -rf "$c-noext"
	cp -r "$c" "$c-noext"
	rm -f "$c-noext/site.yaml"
	printf 'title: Benchmark\nextract: false\nrules:\n  contact-placeholder: off\n' >"$c-noext/site.yaml"
	# The same corpus with 10,000 alert rules pointing at its runbooks
	# (one in a hundred at one that does not exist), for what checking
	# alerts costs a build and a lint.
	rm -rf "$c-alerts" "$W/rules-$n"
	cp -r "$c" "$c-alerts"
	mkdir -p "$W/rules-$n"
	ls "$c" | sed -n 's/\.md$//p' | awk -v dir="$W/rules-$n" '
	    { id[n++] = $0 }
	    END {
		for (k = 0; k < 10000; k++) {
			if (k % 2500 == 0) {
				if (k) close(r)
				r = dir "/r" k ".yaml"
				print "groups:\n  - name: g" k "\n    rules:" > r
			}
			print "      - alert: A" k "\n        expr: ratio{job=\"x\"} > 0.05\n        for: 5m\n        labels:\n          severity: critical" > r
			u = (k % 100 == 99) ? "https://rb.test/gone/" k : "https://rb.test/" id[k % n] ".html"
			print "        annotations:\n          runbook_url: " u > r
		}
	    }'
	printf 'title: Benchmark\nbase_url: https://rb.test/\nalerts:\n  - %s/rules-%s/*.yaml\nrules:\n  contact-placeholder: off\n  alert-runbook-broken: warning\n' "$W" "$n" >"$c-alerts/site.yaml"
	r=ref
	# What rbc writes, file by file, for the floor that writes as many
	# bytes (floor_rbc_bytes: the floor's work, rbc's output volume).
	fresh run ref
	"$RBC" build --content "$c" --out "$F" --formats html,man -j 2 \
	    --today 2026-11-23 >/dev/null 2>&1
	(cd "$F" && find . -type f -printf '%s %P\n') >"$W/sizes-$n"
	# The search index: its size against the HTML's, and one-word
	# queries typed in headless Chromium from file://, each in a fresh
	# page (every part it needs is loaded for it).
	awk '$2 ~ /^html\// { h += $1 } $2 ~ /^html\/_rbc\/search\// { s += $1 }
	    END { print h, s }' "$W/sizes-$n" >"$W/search-size-$n"
	node tools/search_probe.js "$F/html/index.html" $SEARCH_QUERIES \
	    >"$W/search-$n" 2>>"$W/log" || true
	[ "$HUGO" = 1 ] && hugo_site "$n"
	r=1
	while [ $r -le "$ROUNDS" ]; do
		# The target's two runs back to back, so that the host
		# changes as little as possible between them.
		fresh run fl
		t "$n floor_html_man" "$W/floor" -j 2 "$c" "$F"
		# The build the rebuilds below start from: its own file
		# system, kept for the round.
		fresh o2 o2
		o2=$F
		t "$n rbc_html_man_j2" "$RBC" build --content "$c" --out "$o2" --formats html,man -j 2 --today 2026-11-23
		fresh run oy
		t "$n rbc_html_man_j2_alerts" "$RBC" build --content "$c-alerts" --out "$F" --formats html,man -j 2 --today 2026-11-23
		t "$n rbc_lint_one_alerts" "$RBC" lint --content "$c-alerts" --today 2026-11-23 "$c-alerts/$one"
		# rbc serve: from saving a file to the page's reload event,
		# three edits, and the server's memory once idle.
		fresh run sv
		python3 "$(dirname "$0")/serve.py" "$RBC" "$c-alerts" \
		    "$c-alerts/$one" "$F" 3 2>"$W/log" | while read -r what v; do
			case $what in
			reload) echo "$n serve_reload $v 0" >>"$W/runs" ;;
			idle_rss) echo "$n serve_idle_rss 0 $v" >>"$W/runs" ;;
			esac
		done
		fresh run ox
		t "$n rbc_html_man_j2_noextract" "$RBC" build --content "$c-noext" --out "$F" --formats html,man -j 2 --today 2026-11-23
		fresh run fb
		t "$n floor_rbc_bytes" "$W/floor" -j 2 --like "$W/sizes-$n" "$c" "$F"
		fresh run fh
		t "$n floor_html" "$W/floor" -j 2 --html-only "$c" "$F"
		fresh run f1
		t "$n floor_html_man_j1" "$W/floor" -j 1 "$c" "$F"
		fresh run o1
		t "$n rbc_html_man_j1" "$RBC" build --content "$c" --out "$F" --formats html,man -j 1 --today 2026-11-23
		fresh run oa
		t "$n rbc_all_j2" "$RBC" build --content "$c" --out "$F" -j 2 --today 2026-11-23
		t "$n rbc_lint_one" "$RBC" lint --content "$c" --today 2026-11-23 "$c/$one"
		echo "edited in the benchmark" >>"$c/$one"
		t "$n rbc_rebuild_one_edit" "$RBC" build --content "$c" --out "$o2" --formats html,man -j 2 --today 2026-11-23
		# A second edit: this rebuild finds the spare tree the first
		# one kept (out/.rbc-spare), as every rebuild but the first does.
		echo "edited again in the benchmark" >>"$c/$one"
		t "$n rbc_rebuild_next_edit" "$RBC" build --content "$c" --out "$o2" --formats html,man -j 2 --today 2026-11-23
		sed -i '$d' "$c/$one"
		sed -i '$d' "$c/$one"
		if [ "$HUGO" = 1 ] && [ "$r" -le "$HUGO_ROUNDS" ]; then
			fresh run oh
			t "$n hugo" hugo --quiet -s "$W/hugo-$n" -d "$F"
		fi
		r=$((r + 1))
	done
done

# median_range SEP: the median, lowest and highest of the numbers on
# standard input, as "MEDIAN (LOWEST<SEP>HIGHEST)"; nothing for none.
median_range() {
	sort -n | awk -v sep="$1" '
	    { v[NR] = $1 }
	    END {
		if (NR > 0)
			printf "%.3f (%.3f%s%.3f)", v[int((NR + 1) / 2)], v[1], sep, v[NR]
	    }'
}

# per_round N A B [diff]: the median, lowest and highest of A / B (with
# diff: A - B, in seconds), round by round (the r-th run of each in the
# runs file; a failed one is skipped).
per_round() {
	awk -v n="$1" -v a="$2" -v b="$3" -v op="${4:-ratio}" '
	    $1 == n && $2 == a { x[++na] = $3 }
	    $1 == n && $2 == b { y[++nb] = $3 }
	    END {
		for (i = 1; i <= na; i++) {
			if (x[i] == "FAILED" || y[i] == "FAILED")
				continue
			if (op == "diff")
				printf "%.3f\n", x[i] - y[i]
			else if (y[i] + 0 > 0)
				printf "%.3f\n", x[i] / y[i]
		}
	    }' "$W/runs" | if [ "${4:-ratio}" = diff ]; then
		median_range " to "
	else
		median_range -
	fi
}

# ratio_rows "A B label" ...: a table row per corpus and pair, the
# per-round ratio of A to B.
ratio_rows() {
	pairs=$(printf '%s\n' "$@")
	for n in $SIZES; do
		echo "$pairs" | while read -r a b label; do
			echo "| $n | $label | $(per_round "$n" "$a" "$b") |"
		done
	done
}

# Medians, ratios against the floor, peak memory, files/s.
{
	echo "# rbc benchmark"
	echo
	echo "$(date -u +%Y-%m-%d), $(nproc) CPUs, $ROUNDS rounds interleaved (Hugo in the first $HUGO_ROUNDS), median wall time."
	echo "Corpora from ../shared/bench/gen_corpus.py. Floor: bench/floor.c (2 workers)."
	if [ "$FRESH_FS" = 1 ]; then
		echo "Every run wrote into a fresh ext4 (no journal, as this machine's root) of its own."
	else
		echo "Every run wrote into a folder of its own on the build folder's file system."
	fi
	echo
	echo "The rounds are interleaved, so each round's run divided by that round's"
	echo "floor cancels the machine's drift: 'x floor per round' is the median of"
	echo "those ratios, with the lowest and highest."
	echo
	echo "| corpus | what | median s | x floor | x floor per round | peak MiB | files/s |"
	echo "|---:|---|---:|---:|---|---:|---:|"
	for n in $SIZES; do
		for what in floor_html_man floor_html floor_rbc_bytes floor_html_man_j1 rbc_html_man_j2 rbc_html_man_j2_noextract rbc_html_man_j2_alerts rbc_html_man_j1 rbc_all_j2 rbc_lint_one rbc_lint_one_alerts rbc_rebuild_one_edit rbc_rebuild_next_edit hugo; do
			grep "^$n $what " "$W/runs" | grep -v FAILED | awk '{ print $3, $4 }' | sort -n >"$W/sel"
			k=$(wc -l <"$W/sel")
			if [ "$k" = 0 ]; then
				grep -q "^$n $what FAILED" "$W/runs" && echo "| $n | $what | failed | | | | |"
				continue
			fi
			med=$(awk -v k="$k" 'NR == int((k + 1) / 2) { print $1 }' "$W/sel")
			mem=$(sort -k2 -n "$W/sel" | tail -1 | awk '{ printf "%.0f", $2 / 1024 }')
			fl=$(grep "^$n floor_html_man " "$W/runs" | awk '{ print $3 }' | sort -n | awk -v k="$k" 'NR == int((k + 1) / 2)')
			ratio=$(awk -v a="$med" -v b="$fl" 'BEGIN { if (b > 0) printf "%.2f", a / b }')
			fps=$(awk -v a="$med" -v n="$n" -v w="$what" 'BEGIN { if (a > 0 && w !~ /^rbc_lint_one/) printf "%.0f", n / a }')
			rounds=$(per_round "$n" "$what" floor_html_man)
			case $what in rbc_lint_one*) rounds= ;; esac
			echo "| $n | $what | $med | $ratio | $rounds | $mem | $fps |"
		done
	done
	# The targets, each a ratio of two runs of the same round.
	echo
	echo "The targets, round by round: median (lowest-highest)."
	echo
	echo "| corpus | target | per round |"
	echo "|---:|---|---|"
	ratio_rows "rbc_html_man_j2 floor_html_man html,man -j2 / floor: <= 1.2" \
	    "rbc_html_man_j1 rbc_html_man_j2 -j1 / -j2 (scaling): >= 1.8" \
	    "rbc_all_j2 rbc_html_man_j2 with cards / without: <= 2" \
	    "rbc_rebuild_one_edit rbc_html_man_j2 first rebuild / build: <= 0.10" \
	    "rbc_rebuild_next_edit rbc_html_man_j2 next rebuild / build: <= 0.10" \
	    "rbc_html_man_j2 rbc_html_man_j2_noextract build / build with extract false: <= 1.10"
	echo
	echo "What 10,000 alert rules add, round by round, in seconds: median"
	echo "(lowest-highest); the target is under 0.1 s."
	echo
	echo "| corpus | what | added s per round |"
	echo "|---:|---|---|"
	for n in $SIZES; do
		echo "| $n | build html,man -j2 | $(per_round "$n" rbc_html_man_j2_alerts rbc_html_man_j2 diff) |"
		echo "| $n | lint of one file | $(per_round "$n" rbc_lint_one_alerts rbc_lint_one diff) |"
	done
	echo
	echo "rbc serve on the corpus with its alert rules: from saving a file to"
	echo "the open page's reload event (every edit of every round), and the"
	echo "server's resident memory when idle (the highest)."
	echo
	echo "| corpus | reload s: median (lowest-highest) | target | idle MiB | target |"
	echo "|---:|---|---|---:|---|"
	for n in $SIZES; do
		rl=$(awk -v n="$n" '$1 == n && $2 == "serve_reload" { print $3 }' "$W/runs" | median_range -)
		rs=$(awk -v n="$n" '$1 == n && $2 == "serve_idle_rss" { print $4 }' "$W/runs" | sort -n | tail -1 | awk '{ printf "%.0f", $1 / 1024 }')
		echo "| $n | $rl | <= 0.5 | $rs | <= 50 |"
	done
	echo
	echo "Search: the index (html/_rbc/search/) against the HTML output, and"
	echo "one-word queries in headless Chromium from file://, each in a fresh"
	echo "page: from the keystroke to the results shown, and the index bytes"
	echo "loaded for it (index.js and the parts). Targets: index at most 25%"
	echo "of the HTML, at most 2 MB loaded, at most 100 ms."
	echo
	echo "| corpus | index MB | HTML MB | index / HTML |"
	echo "|---:|---:|---:|---:|"
	for n in $SIZES; do
		awk -v n="$n" '{ printf "| %s | %.1f | %.1f | %.1f%% |\n", n, $2 / 1e6, $1 / 1e6, 100 * $2 / $1 }' "$W/search-size-$n"
	done
	echo
	echo "| corpus | query | ms | kB loaded | files | results |"
	echo "|---:|---|---:|---:|---:|---|"
	for n in $SIZES; do
		node -e 'require("fs").readFileSync(process.argv[1], "utf8").split("\n").forEach(function (l) {
			if (!l) return; var r = JSON.parse(l);
			console.log("| " + process.argv[2] + " | `" + r.query + "` | " + r.ms + " | " +
			    Math.round(r.bytes / 1000) + " | " + r.files + " | " + r.status + " |"); })' \
		    "$W/search-$n" "$n" 2>/dev/null || echo "| $n | (Chromium could not be driven) | | | | |"
	done
	# What the targets are made of: the floor writing rbc's bytes.
	echo
	echo "The floor writing as many bytes as rbc (floor_rbc_bytes: the floor's"
	echo "work, each page padded to rbc's size, plus rbc's site pages, assets and"
	echo "cache), and the floor's own scaling, round by round."
	echo
	echo "| corpus | ratio | per round |"
	echo "|---:|---|---|"
	ratio_rows "floor_rbc_bytes floor_html_man floor writing rbc's bytes / floor" \
	    "rbc_html_man_j2 floor_rbc_bytes rbc html,man -j2 / floor writing rbc's bytes" \
	    "floor_html_man_j1 floor_html_man floor -j1 / -j2 (the floor's scaling)"
} >"$RES"
cat "$RES"
