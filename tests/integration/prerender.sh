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
	if [ -d "$RBC_SHARED/seeds" ]; then
		mkdir -p "$d/seeds"
		for f in "$RBC_SHARED"/seeds/*.txt; do
			cp "$f" "$d/seeds/$(basename "$f" .txt).md"
		done
		printf 'rules:\n  link-broken: warning\n  anchor-broken: warning\n  contact-placeholder: warning\n' \
		    >"$d/seeds/site.yaml"
		sites="$sites seeds"
	else
		missing "prerendered build of seeds: $RBC_SHARED/seeds not found"
	fi
	if [ -f "$RBC_SHARED/bench/gen_corpus.py" ]; then
		if python3 "$RBC_SHARED/bench/gen_corpus.py" -n 300 -o "$d/gen" \
		    >"$d/gen.log" 2>&1; then
			printf 'rules:\n  contact-placeholder: off\n' >"$d/gen/site.yaml"
			sites="$sites gen"
		else
			fail "prerendered build of a generated site: gen_corpus.py failed" \
			    "$(tail -5 "$d/gen.log")"
		fi
	else
		missing "prerendered build of a generated site: $RBC_SHARED/bench/gen_corpus.py not found"
	fi
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
		    diff -r -x .rbc-cache -x .rbc-cache-records "$d/$site-fast" "$d/$site-slow" >"$d/diff"; then
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
it_prerender
