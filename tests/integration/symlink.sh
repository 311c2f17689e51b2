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
it_symlink
