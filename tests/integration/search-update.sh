# A rebuild makes the search index from the previous one: only the parts
# of the runbooks and words an edit touched are made again, the rest is
# kept or linked, and nothing is written through the previous build's
# files.  After each kind of edit the tree must be the clean build's,
# byte for byte; the edits that keep the parts where they were must take
# that path (RBC_TIMING says so), the others must write the index anew.
it_search_update() {
	w="$TMP/su"
	rm -rf "$w" && mkdir -p "$w/c"
	# 1,050 short runbooks: enough for words in 1,000 of them or more,
	# which begin a part of their own; "ninety" is in 999.
	python3 - "$w/c" <<'EOF'
import os, sys
d = sys.argv[1]
open(os.path.join(d, "site.yaml"), "w").write("title: Search update\n")
words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf",
         "hotel", "india", "juliet", "kilo", "lima", "mike", "november"]
for i in range(1050):
    body = " ".join(words[(i * 7 + k) % len(words)] + str((i + k) % 37)
                    for k in range(12))
    extra = "ninety" if i < 999 else "plain"
    open(os.path.join(d, "rb-%04d.md" % i), "w").write(
        "---\nid: rb-%04d\ntitle: \"Runbook %d: the %s case\"\nowner: team-%d\n"
        "last_reviewed: 2026-11-01\n---\n\n# Runbook %d\n\nEvery runbook "
        "says common words. %s %s.\n\n```sh\nkubectl get pods -n ns%d\n```\n"
        % (i, i, words[i % len(words)], i % 9, i, body, extra, i % 50))
EOF
	b() { RBC_TIMING=1 "$RBC" build --content "$w/c" --out "$w/$1" \
	    --formats html --today $TODAY -j 2 >"$w/log" 2>&1; }
	b out
	ok=1 why="" updated=0
	# step NAME WANT: WANT is "update" or "anew".
	step() {
		# The index the build replaces, to compare with what is left
		# of it after (the spare tree): nothing written through.
		rm -rf "$w/prev" && cp -R "$w/out/html/_rbc/search" "$w/prev"
		b out || { ok=0; why="$why $1: build failed;"; }
		# Every cached record read as it is (none found damaged,
		# which would rebuild without the cache).
		grep -q 'build cache is damaged' "$w/log" &&
		    { ok=0; why="$why $1: the cache was found damaged;"; }
		if [ -d "$w/out/.rbc-spare/html/_rbc/search" ] &&
		    ! diff -r "$w/prev" "$w/out/.rbc-spare/html/_rbc/search" \
		    >/dev/null; then
			ok=0
			why="$why $1: the previous index changed;"
		fi
		if grep -q '^rbc: search index updated' "$w/log"; then
			got=update
			updated=$((updated + 1))
		else
			got=anew
		fi
		[ "$got" = "$2" ] || { ok=0; why="$why $1: index made $got, not $2;"; }
		rm -rf "$w/clean"
		b clean
		if ! diff -r -x .rbc-cache -x .rbc-cache-records -x .rbc-spare -x .rbc-output \
		    "$w/clean/html" "$w/out/html" >/dev/null; then
			ok=0
			why="$why $1 differs from a clean build;"
		fi
	}
	echo "A word nobody wrote: zanzibarquux." >>"$w/c/rb-0003.md"
	step "new word" update
	grep -q '"zanzibarquux"' "$w"/out/html/_rbc/search/t*.js ||
	    { ok=0; why="$why new word: not in the index;"; }
	sed -i 's/^Every runbook says common words\./Every runbook says words./' \
	    "$w/c/rb-0010.md" "$w/c/rb-0400.md"
	step "words removed" update
	sed -i 's/^title: "Runbook 20: /title: "Runbook 20 - /' "$w/c/rb-0020.md"
	step "title punctuation" update
	for i in 0030 0031 0500; do
		printf '\n## Rollback\n\nRun `helm rollback app`.\n' >>"$w/c/rb-$i.md"
	done
	step "headings and commands" update
	sed -i 's/zanzibarquux/zanzibarquuy/' "$w/c/rb-0003.md"
	step "word replaced" update
	# In a thousand runbooks now: the word begins a part of its own.
	sed -i 's/ plain\./ plain ninety./' "$w/c/rb-1000.md"
	step "a word's parts move" anew
	echo "Another new word: quetzalquux." >>"$w/c/rb-0009.md"
	step "new word after a rewrite" update
	# Back in 999: one part fewer, written whole, and nothing left of
	# the parts the spare tree kept.
	sed -i 's/ plain ninety\./ plain./' "$w/c/rb-1000.md"
	step "a word's parts merge" anew
	printf -- '---\ntitle: Another\nowner: team-1\nlast_reviewed: 2026-11-01\n---\n\n# Another\n\nNew.\n' >"$w/c/rb-2000.md"
	step "runbook added" anew
	# One that sorts first: every cached record's idx moves by one.
	printf -- '---\ntitle: First\nowner: team-1\nlast_reviewed: 2026-11-01\n---\n\n# First\n\nSee [another](rb-2000.md).\n' >"$w/c/aa-first.md"
	step "runbook added first" anew
	for i in $(seq 100 180); do
		echo "More text $i." >>"$w/c/rb-0$i.md"
	done
	step "many runbooks edited" anew
	echo "garbage" >"$w/out/html/_rbc/search/index.js.new" &&
	    mv "$w/out/html/_rbc/search/index.js.new" "$w/out/html/_rbc/search/index.js"
	echo "One more word: xylophonequux." >>"$w/c/rb-0005.md"
	step "damaged manifest" anew
	if [ $ok = 1 ] && [ $updated = 6 ]; then
		pass "search index updated from the previous build equals a clean build's (12 kinds of edit)"
	else
		fail "search index updated from the previous build equals a clean build's" \
		    "$why (updated $updated times)"
	fi
}
it_search_update
