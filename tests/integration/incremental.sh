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
		grep -q 'build cache is damaged' "$w/log" &&
		    { ok=0; why="$why $1: the cache was found damaged;"; }
		rm -rf "$w/clean"
		b clean
		rm -f "$w/clean/.rbc-cache" "$w/out/.rbc-cache.cmp"
		if ! diff -r -x .rbc-cache -x .rbc-cache-records -x .rbc-spare "$w/clean" "$w/out" >/dev/null; then
			ok=0
			why="$why $1 differs from a clean build;"
		fi
		# The records file is shared and only appended to: the
		# previous tree's bytes of it are all still there.
		if [ -d "$w/out/.rbc-spare" ] && {
		    ! diff -r -x .rbc-cache-records "$w/prev" "$w/out/.rbc-spare" >/dev/null ||
		    ! cmp -s -n "$(stat -c %s "$w/prev/.rbc-cache-records")" \
		        "$w/prev/.rbc-cache-records" "$w/out/.rbc-spare/.rbc-cache-records"; }; then
			ok=0
			why="$why $1: the previous tree changed;"
		fi
		[ -d "$w/out/.rbc-spare" ] && spares=$((spares + 1))
	}
	spares=0
	step unchanged
	# A word no page had: only the search index shows it, the site pages
	# are linked from the last build and the index written again.
	echo "One more line, about zanzibarquux." >>"$w/content/db/redis-cache.md"
	step "body edit"
	grep -q '"zanzibarquux"' "$w"/out/html/_rbc/search/t*.js ||
	    { ok=0; why="$why body edit: the search index lacks the new word;"; }
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
	# The live tree tampered with: two outputs of unchanged runbooks
	# replaced by links to a file elsewhere.  The next build makes them
	# anew: it neither links the links nor writes through them.
	echo victim >"$w/victim.txt"
	for f in html/db/redis-cache.html man/man7/db-postgres-failover.7; do
		rm -f "$w/out/$f" && ln -s "$w/victim.txt" "$w/out/$f"
	done
	echo "A line more." >>"$w/content/deploys/rollback.md"
	step "live tree tampered with"
	for f in html/db/redis-cache.html man/man7/db-postgres-failover.7; do
		[ -L "$w/out/$f" ] && { ok=0; why="$why $f is still a link;"; }
	done
	[ "$(cat "$w/victim.txt")" = victim ] ||
	    { ok=0; why="$why a planted link was written through;"; }
	# The records file the next build appends to, planted as a link to
	# a file elsewhere (a symbolic one, then a hard one to a copy of
	# it): read at most, never written.
	r="$w/out/.rbc-cache-records"
	cp "$r" "$w/victim-rec" && cp "$r" "$w/victim-rec.orig"
	rm -f "$r" && ln -s "$w/victim-rec" "$r"
	echo "Another line." >>"$w/content/deploys/rollback.md"
	b out || { ok=0; why="$why symlinked records: build failed;"; }
	cmp -s "$w/victim-rec" "$w/victim-rec.orig" ||
	    { ok=0; why="$why symlinked records were written through;"; }
	[ -L "$r" ] && { ok=0; why="$why the records file is still a link;"; }
	cp "$r" "$w/victim-rec" && cp "$r" "$w/victim-rec.orig"
	rm -f "$r" && ln "$w/victim-rec" "$r"
	echo "Yet another line." >>"$w/content/deploys/rollback.md"
	step "records hard-linked elsewhere"
	cmp -s "$w/victim-rec" "$w/victim-rec.orig" ||
	    { ok=0; why="$why hard-linked records were written through;"; }
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
	# A first rebuild (no spare tree: every unchanged output is linked
	# while the changed ones render) with two unchanged runbooks'
	# outputs gone from the live tree: they cannot be linked, so they
	# are rendered after.
	rm -rf "$w/out/.rbc-spare"
	rm -f "$w/out/html/db/postgres-failover.html" "$w/out/man/man7/db-redis-cache.7"
	echo "A line for the linked rebuild." >>"$w/content/deploys/rollback.md"
	step "outputs gone from the live tree"
	# The index's end overwritten, then a record's (the last, in
	# the file the trees share): each built without the cache.
	for c in "$w/out/.rbc-cache" "$w/out/.rbc-cache-records"; do
		sz=$(stat -c %s "$c")
		truncate -s $((sz - 16)) "$c"
		printf '\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377' >>"$c"
		b out || { ok=0; why="$why damaged ${c##*/}: build failed;"; }
		grep -q 'build cache is damaged: building without it' "$w/log" ||
		    { ok=0; why="$why damaged ${c##*/}: not reported;"; }
		step "damaged ${c##*/}"
	done
	[ "$spares" -ge 6 ] || { ok=0; why="$why spare trees kept $spares times;"; }
	if [ $ok = 1 ]; then
		pass "incremental rebuilds equal clean builds after 14 kinds of edit"
	else
		fail "incremental rebuilds equal clean builds" "$why"
	fi
}
it_incremental
