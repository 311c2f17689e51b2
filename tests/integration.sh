# Integration checks, sourced by tests/run.sh (pass/fail/skip, $RBC, $TMP).

TODAY=2026-11-23

# The example site builds clean: no diagnostic at all.
it_example_clean() {
	rm -rf "$TMP/ex"
	"$RBC" build --content content --out "$TMP/ex" --today $TODAY \
	    >"$TMP/ex.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ "$(grep -vc '^rbc: .* built into' "$TMP/ex.log")" = 0 ]; then
		pass "example site builds with no diagnostic"
	else
		fail "example site builds with no diagnostic" "exit $rc" "$(head -20 "$TMP/ex.log")"
	fi
	"$RBC" lint --content content --today $TODAY --strict >"$TMP/lint.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && [ ! -s "$TMP/lint.log" ]; then
		pass "example site lints clean under --strict"
	else
		fail "example site lints clean under --strict" "exit $rc" "$(head -20 "$TMP/lint.log")"
	fi
}

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

# A build renders during the scan what needs no index, and completes it
# from the index (links, SEE ALSO; man links guessed, a wrong guess
# rendered again): the same bytes as rendering from the source after the
# index (RBC_NO_PRERENDER=1), on the example site, the seeds, a generated
# corpus and a site whose links defeat every guess.  (The cache may
# differ: a source changed within the last second is marked for hashing.)
it_prerender() {
	d=$TMP/pre
	rm -rf "$d" && mkdir -p "$d/tricky/dir" "$d/tricky/sub"
	cat >"$d/tricky/site.yaml" <<'YAML'
title: Tricky
rules:
  link-broken: warning
  anchor-broken: warning
  id-invalid: warning
  related-unknown: warning
YAML
	cat >"$d/tricky/a.md" <<'MD'
---
id: ops/custom
title: Alpha page
owner: team-x
---
# Alpha page

## Top

Back to [[b]] and [Beta](b.md) and [b](b.md#top "Titled").
MD
	cat >"$d/tricky/b.md" <<'MD'
---
title: Beta
owner: team-x
related: [ops/custom, nothing-here]
---
# Beta

## Top

[Alpha page](a.md) (text is its title), [ops/custom](a.md),
[[ops/custom#top]], [[a]], [x](dir/), [y](a.html#top), [self](#top),
[gone](nothing.md), [far](../out.md), ![diagram](img.png "T"),
![missing](nope.png), [mail](mailto:x@acme.test), <https://acme.test>.
URLs the index leaves alone, written by the scan itself (the record
keeps none): [empty](), [proto](//cdn.acme.test/x.png "P"),
![remote](https://acme.test/r.png), [[https://acme.test/wiki]],
[unsafe](javascript:alert(1)), [tel](tel:+1-555-0100), www.acme.test.

## See [[ops/custom]] and [Beta](b.md)

| what | where |
|------|-------|
| alpha | [Alpha page](a.md) |
| beta | [[b]] |
MD
	cat >"$d/tricky/dir/README.md" <<'MD'
---
id: "bad id!"
title: Dir
owner: team-x
---
Up: [[b]], [a](../a.md), [sub](../sub/c.md).
MD
	cat >"$d/tricky/sub/c.md" <<'MD'
---
title: C
owner: team-x
---
[Dir](../dir/README.md) [[bad id!]] [B](/b.md)
MD
	printf 'png' >"$d/tricky/img.png"
	sites="content tricky"
	[ -d "$RBC_SHARED/seeds" ] && {
		mkdir -p "$d/seeds"
		for f in "$RBC_SHARED"/seeds/*.txt; do
			cp "$f" "$d/seeds/$(basename "$f" .txt).md"
		done
		printf 'rules:\n  link-broken: warning\n  anchor-broken: warning\n  contact-placeholder: warning\n' \
		    >"$d/seeds/site.yaml"
		sites="$sites seeds"
	}
	[ -f "$RBC_SHARED/bench/gen_corpus.py" ] &&
	    python3 "$RBC_SHARED/bench/gen_corpus.py" -n 300 -o "$d/gen" >/dev/null 2>&1 &&
	    printf 'rules:\n  contact-placeholder: off\n' >"$d/gen/site.yaml" &&
	    sites="$sites gen"
	for site in $sites; do
		c=$d/$site
		[ "$site" = content ] && c=content
		RBC_TIMING=1 "$RBC" build --content "$c" --out "$d/$site-fast" -j 2 \
		    --today $TODAY >"$d/$site-fast.log" 2>&1
		RBC_NO_PRERENDER=1 "$RBC" build --content "$c" --out "$d/$site-slow" \
		    -j 2 --today $TODAY >"$d/$site-slow.log" 2>&1
		spooled=$(sed -n 's/^rbc: render worker: \([0-9]*\) runbooks from the spool.*/\1/p' \
		    "$d/$site-fast.log" | awk '{ n += $1 } END { print n + 0 }')
		# Every runbook from the spool, none parsed again (tricky's
		# custom id makes one stale on purpose): a spool entry lost
		# or released before it was read would show here.
		parsed=$(sed -n 's/^rbc: render worker: .*, \([0-9]*\) parsed again.*/\1/p' \
		    "$d/$site-fast.log" | awk '{ n += $1 } END { print n + 0 }')
		total=$(sed -n 's/^rbc: \([0-9]*\) runbooks\{0,1\} built into.*/\1/p' "$d/$site-fast.log")
		if [ -d "$d/$site-fast/html" ] && [ "$spooled" -gt 0 ] &&
		    { [ "$site" = tricky ] || { [ "$parsed" = 0 ] && [ "$spooled" = "$total" ]; }; } &&
		    diff -r -x .rbc-cache "$d/$site-fast" "$d/$site-slow" >"$d/diff"; then
			pass "prerendered build of $site ($spooled of $total runbooks from the spool) equals the plain build"
		else
			fail "prerendered build of $site equals the plain build" \
			    "spooled: $spooled of $total, parsed again: $parsed" "$(head -20 "$d/diff")" "$(grep -v warning "$d/$site-fast.log" | head)"
		fi
	done
	# -j2 resolves the links of a site this size on two threads, -j1 on
	# one: the trees, the cache included, are the same bytes.  (Built
	# now, seconds after the corpus was written: a source changed within
	# a second of a build is noted as such in the cache.)
	if [ -d "$d/gen" ]; then
		"$RBC" build --content "$d/gen" --out "$d/gen-j1" -j1 --today $TODAY \
		    >/dev/null 2>&1
		"$RBC" build --content "$d/gen" --out "$d/gen-j2" -j2 --today $TODAY \
		    >/dev/null 2>&1
		if [ -d "$d/gen-j1/html" ] && diff -r "$d/gen-j2" "$d/gen-j1" >"$d/diff"; then
			pass "generated site: -j1 (links resolved on one thread) and -j2 (two) give the same bytes, cache included"
		else
			fail "generated site: -j1 and -j2 give the same bytes" "$(head -20 "$d/diff")"
		fi
	fi
	reman=$(sed -n 's/^rbc: render worker: .* \([0-9]*\) man pages rendered again/\1/p' \
	    "$d/tricky-fast.log" | awk '{ n += $1 } END { print n + 0 }')
	if [ "$reman" -gt 0 ]; then
		pass "a wrong guess of a man page link is rendered again ($reman pages)"
	else
		fail "a wrong guess of a man page link is rendered again" "$(cat "$d/tricky-fast.log")"
	fi
}

# Every card of the example site: one page of A4, with its phone numbers
# and metrics as real text.
it_cards() {
	if ! command -v pdfinfo >/dev/null 2>&1; then
		fail "cards: pdfinfo is not installed (tools/deps.sh check)"
		return
	fi
	n=0 bad=""
	for pdf in "$TMP/d1"/card/*.pdf; do
		n=$((n + 1))
		pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
		size=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Page size:/ { print $3 "x" $5 }')
		[ "$pages" = 1 ] && [ "$size" = "595.276x841.89" ] || bad="$bad $(basename "$pdf"):$pages:$size"
	done
	if [ $n -gt 0 ] && [ -z "$bad" ]; then
		pass "$n example cards are one A4 page each"
	else
		fail "example cards are one A4 page each" "$n cards;$bad"
	fi
	pdftotext "$TMP/d1/card/db-postgres-failover.pdf" "$TMP/card.txt" 2>/dev/null
	missing=""
	sed -n 's/^ *phone: "\(.*\)"$/\1/p; s/^ *- metric: \(.*\)$/\1/p' \
	    content/db/postgres-failover.md >"$TMP/want.txt"
	while IFS= read -r w; do
		grep -qF -- "$w" "$TMP/card.txt" || missing="$missing [$w]"
	done <"$TMP/want.txt"
	if [ -s "$TMP/card.txt" ] && [ -z "$missing" ]; then
		pass "card text has every phone number and metric"
	else
		fail "card text has every phone number and metric" "missing:$missing"
	fi
}

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

# Symlinks that leave the content tree are refused with a diagnostic.
it_symlink() {
	rm -rf "$TMP/sl" && mkdir -p "$TMP/sl/content"
	printf -- '---\ntitle: A\nowner: x\n---\n# A\n' >"$TMP/sl/content/a.md"
	printf 'secret\n' >"$TMP/sl/outside.md"
	ln -s ../outside.md "$TMP/sl/content/leak.md"
	ln -s /etc "$TMP/sl/content/etc"
	(cd "$TMP/sl" && "$RBC" build --out out --today $TODAY) >"$TMP/sl/log" 2>&1
	rc=$?
	if [ $rc -eq 1 ] && [ "$(grep -c 'leaves the content directory' "$TMP/sl/log")" = 2 ] &&
	    [ ! -e "$TMP/sl/out" ]; then
		pass "symlinks leaving the content tree are refused"
	else
		fail "symlinks leaving the content tree are refused" "exit $rc" "$(cat "$TMP/sl/log")"
	fi
}

# The five seeds compile into pages (their defects demoted to warnings).
it_seeds() {
	if [ ! -d "$RBC_SHARED/seeds" ]; then
		skip "seeds compile: $RBC_SHARED/seeds not found"
		return
	fi
	rm -rf "$TMP/seeds" && mkdir -p "$TMP/seeds/content"
	for f in "$RBC_SHARED"/seeds/*.txt; do
		cp "$f" "$TMP/seeds/content/$(basename "$f" .txt).md"
	done
	cat >"$TMP/seeds/content/site.yaml" <<'YAML'
title: Seeds
rules:
  link-broken: warning
  anchor-broken: warning
  contact-placeholder: warning
YAML
	"$RBC" build --content "$TMP/seeds/content" --out "$TMP/seeds/out" \
	    --today $TODAY >"$TMP/seeds/log" 2>&1
	rc=$?
	n=$(ls "$TMP/seeds/out/html/"0*.html 2>/dev/null | wc -l)
	w=$(grep -c 'front-matter-missing' "$TMP/seeds/log")
	if [ $rc -eq 0 ] && [ "$n" = 5 ] && [ "$w" = 5 ]; then
		pass "the five seeds compile into pages"
	else
		fail "the five seeds compile into pages" "exit $rc, pages $n, front-matter-missing $w" \
		    "$(grep -v 'front-matter-missing' "$TMP/seeds/log" | head -10)"
	fi
}

# Every page of the example site is valid HTML5 (the Nu HTML checker).
it_vnu() {
	jar="$ROOT/build/npm/node_modules/vnu-jar/build/dist/vnu.jar"
	if [ ! -f "$jar" ] || ! command -v java >/dev/null 2>&1; then
		fail "vnu: the Nu HTML checker is not installed (tools/deps.sh check)"
		return
	fi
	[ -d "$TMP/ex/html" ] || "$RBC" build --content content --out "$TMP/ex" --today $TODAY >/dev/null 2>&1
	files=$(find "$TMP/ex/html" "$TMP/seeds/out/html" -name '*.html' 2>/dev/null | sort)
	if java -jar "$jar" --errors-only --exit-zero-always $files >"$TMP/vnu.log" 2>&1 &&
	    [ ! -s "$TMP/vnu.log" ]; then
		pass "vnu: $(echo "$files" | wc -l) pages, no error"
	else
		fail "vnu reports errors" "$(head -20 "$TMP/vnu.log")"
	fi
}

it_example_clean
it_deterministic
it_prerender
it_cards
it_atomic
it_symlink
it_seeds
it_vnu

# The search index is a script that defines every runbook, and the pages'
# scripts run without an error in a real browser from file://.
it_search() {
	idx="$TMP/ex/html/search-index.js"
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

# The shipped pre-commit hook, with the real pre-commit tool.
. "$ROOT/tests/precommit.sh"

# The JSON Schema Test Suite through the real command, rbc schema --check.
it_schema_cli() {
	suite="$RBC_SHARED/testsuites/json-schema-draft2020-12"
	if [ ! -d "$suite" ]; then
		skip "schema-cli: $suite not found"
		return
	fi
	python3 "$ROOT/tests/schema_suite_cli.py" "$RBC" "$suite" "$TMP/schema-cli" \
	    >"$TMP/schema-cli.log" 2>&1
	p=$(grep -c '^PASS ' "$TMP/schema-cli.log")
	f=$(grep -c '^FAIL ' "$TMP/schema-cli.log")
	s=$(grep -c '^SKIP ' "$TMP/schema-cli.log")
	PASSN=$((PASSN + p))
	SKIPN=$((SKIPN + s))
	if [ "$f" -gt 0 ] || [ "$p" -lt 900 ]; then
		FAILN=$((FAILN + (f > 0 ? f : 1)))
		echo "FAIL schema-cli: $f failed, $p passed"
		grep '^FAIL ' "$TMP/schema-cli.log" | head -10
	fi
}
it_schema_cli

# The built site's man pages: mandoc -Tlint silent on every one, and
# apropos finds a runbook by a word of its summary.
it_man_site() {
	if ! command -v mandoc >/dev/null 2>&1; then
		fail "man pages: mandoc is not installed (tools/deps.sh check)"
		return
	fi
	mandoc -Tlint "$TMP/d1"/man/man7/*.7 >"$TMP/manlint.log" 2>&1
	n=$(ls "$TMP/d1"/man/man7/*.7 | wc -l)
	if [ -s "$TMP/manlint.log" ] || [ "$n" = 0 ]; then
		fail "mandoc -Tlint is silent on the site's $n man pages" "$(head -5 "$TMP/manlint.log")"
	else
		pass "mandoc -Tlint is silent on the site's $n man pages"
	fi
	rm -rf "$TMP/mandb" && cp -R "$TMP/d1/man" "$TMP/mandb"
	if command -v makewhatis >/dev/null 2>&1; then
		makewhatis "$TMP/mandb" >/dev/null 2>&1
		if mapropos -M "$TMP/mandb" ledger 2>/dev/null | grep -q "db-postgres-failover" ||
		    mapropos -M "$TMP/mandb" Zurich 2>/dev/null | grep -q "db-postgres-failover"; then
			pass "apropos finds a runbook by its summary"
		else
			fail "apropos finds a runbook by its summary" "$(mapropos -M "$TMP/mandb" . 2>&1 | head -3)"
		fi
	else
		fail "makewhatis (mandoc) is not installed"
	fi
}
it_man_site

# Incremental rebuilds (the cache in out/.rbc-cache) give the same bytes as
# a clean build, after each kind of edit.
it_incremental() {
	w="$TMP/inc"
	rm -rf "$w" && mkdir -p "$w" && cp -R content "$w/content"
	b() { "$RBC" build --content "$w/content" --out "$w/$1" --today $TODAY -j 2 >"$w/log" 2>&1; }
	b out
	ok=1 why=""
	# Each step also checks that the tree the build replaced, now the
	# spare (out/.rbc-spare), is byte for byte what was live before it:
	# the build wrote through none of the files the trees share.
	step() {
		rm -rf "$w/prev" && cp -R "$w/out" "$w/prev" && rm -rf "$w/prev/.rbc-spare"
		b out || { ok=0; why="$why $1: build failed;"; }
		rm -rf "$w/clean"
		b clean
		rm -f "$w/clean/.rbc-cache" "$w/out/.rbc-cache.cmp"
		if ! diff -r -x .rbc-cache -x .rbc-spare "$w/clean" "$w/out" >/dev/null; then
			ok=0
			why="$why $1 differs from a clean build;"
		fi
		if [ -d "$w/out/.rbc-spare" ] &&
		    ! diff -r "$w/prev" "$w/out/.rbc-spare" >/dev/null; then
			ok=0
			why="$why $1: the previous tree changed;"
		fi
		[ -d "$w/out/.rbc-spare" ] && spares=$((spares + 1))
	}
	spares=0
	step unchanged
	echo "One more line." >>"$w/content/db/redis-cache.md"
	step "body edit"
	sed -i 's/^title: .*/title: Redis cache, renamed/' "$w/content/db/redis-cache.md"
	step "title edit"
	sed -i 's/^## Rollback (manual)/## Manual rollback/' "$w/content/db/postgres-failover.md"
	sed -i 's/#rollback-manual/#manual-rollback/g' "$w"/content/*/*.md "$w"/content/*/*/*.md 2>/dev/null
	step "anchor edit"
	printf -- '---\ntitle: New one\nowner: team-x\n---\n# New one\n\nSee [[db/redis-cache]].\n' >"$w/content/new-one.md"
	step "file added"
	rm "$w/content/new-one.md"
	step "file removed"
	# A spare tree tampered with: a stray file, a page replaced, a
	# folder where a page should be.  None of it may reach the output.
	sp="$w/out/.rbc-spare"
	if [ -d "$sp/html" ]; then
		echo stray >"$sp/html/stray.html"
		rm -f "$sp/html/db/redis-cache.html" && echo junk >"$sp/html/db/redis-cache.html"
		rm -f "$sp/man/man7/db-postgres-failover.7" && mkdir -p "$sp/man/man7/db-postgres-failover.7/x"
	else
		ok=0 why="$why no spare tree after an edit;"
	fi
	step "spare tampered with"
	# A spare that is a link to a folder elsewhere: removed as a link,
	# never followed (a full rebuild removes the old tree and its spare).
	mkdir -p "$w/victim/html" "$w/victim/man"
	echo keep >"$w/victim/html/keep.html"
	echo keep >"$w/victim/man/keep.7"
	rm -rf "$w/out/.rbc-spare" && ln -s "$w/victim" "$w/out/.rbc-spare"
	sed -i 's/^title: .*/title: Renamed site/' "$w/content/site.yaml"
	step "site.yaml edit"
	[ -f "$w/victim/html/keep.html" ] && [ -f "$w/victim/man/keep.7" ] ||
	    { ok=0; why="$why a linked spare was followed;"; }
	# Nothing shared with the tree it replaced: that one is not kept.
	[ -d "$w/out/.rbc-spare" ] && { ok=0; why="$why a full rebuild kept a spare;"; }
	# Shown on the site pages only: their digest must see it.
	sed -i 's/^summary: .*/summary: A summary edited/' "$w/content/db/redis-cache.md"
	step "summary edit"
	# The last record's end overwritten: built without the cache.
	c="$w/out/.rbc-cache"
	sz=$(stat -c %s "$c")
	truncate -s $((sz - 16)) "$c"
	printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' >>"$c"
	b out || { ok=0; why="$why damaged cache: build failed;"; }
	grep -q 'build cache is damaged: building without it' "$w/log" ||
	    { ok=0; why="$why damaged cache: not reported;"; }
	step "damaged cache"
	[ "$spares" -ge 5 ] || { ok=0; why="$why spare trees kept $spares times;"; }
	if [ $ok = 1 ]; then
		pass "incremental rebuilds equal clean builds after 10 kinds of edit"
	else
		fail "incremental rebuilds equal clean builds" "$why"
	fi
}
it_incremental
