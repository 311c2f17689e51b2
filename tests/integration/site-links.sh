# Every link of a built site leads somewhere (tests/site_links.py): each
# local href and src of every page names a file of the site, and each
# fragment an id of its page.  Over the example site, the raw-HTML site,
# a realistic mess for each forge, the seeds when ../shared has them, and
# the cases whose sites hold every kind of link that resolves (folders,
# Hugo refs and pretty URLs, tables of contents, wiki links, hidden files,
# home and folder pages, rbc's reserved names).
it_site_links() {
	s=$TMP/site-links
	rm -rf "$s"
	mkdir -p "$s"
	example_site "$s/ex"
	"$RBC" build --content "$ROOT/tests/rawhtml/content" --out "$s/raw" \
	    --today $TODAY >/dev/null 2>&1
	dirs="$s/ex/html $s/raw/html"
	for forge in github gitlab; do
		python3 "$ROOT/tests/mess/gen_mess.py" "$s/mess-$forge" \
		    --forge $forge -n 40
		"$RBC" build --content "$s/mess-$forge/docs" \
		    --out "$s/mess-$forge/out" --today $TODAY >/dev/null 2>&1
		dirs="$dirs $s/mess-$forge/out/html"
	done
	if seeds_content "$s/seeds/content"; then
		"$RBC" build --content "$s/seeds/content" --out "$s/seeds/out" \
		    --today $TODAY >/dev/null 2>&1
		dirs="$dirs $s/seeds/out/html"
	fi
	for c in links-folder links-hugo links-hugo-repro links-mess \
	    links-toc links-wiki-shell links-hidden-files home-folder-pages \
	    out-reserved-names; do
		"$RBC" build --content "$ROOT/tests/cases/$c/content" \
		    --out "$s/case-$c" --today $TODAY >/dev/null 2>&1
		dirs="$dirs $s/case-$c/html"
	done
	missing=
	for d in $dirs; do
		[ -f "$d/index.html" ] || missing="$missing $d"
	done
	if [ -n "$missing" ]; then
		fail "site links: some sites did not build:$missing"
	elif python3 "$ROOT/tests/site_links.py" $dirs >"$s/log" 2>&1; then
		pass "site links: every link of $(echo $dirs | wc -w) sites leads somewhere"
	else
		fail "site links: links that lead nowhere" "$(head -20 "$s/log")"
	fi
}
it_site_links
