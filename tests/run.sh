#!/bin/sh
# rbc's test runner.  Runs, from the repository root:
#   1. the unit programs ($UNITDIR/t_*), which print PASS/FAIL/SKIP lines;
#   2. every case folder tests/cases/NAME/ (see tests/cases/README.md):
#      `cmd` is run in a copy of the folder, its output and exit status are
#      compared with expected.out / expected.exit, and every file under
#      expected/ with the file of the same path that the command produced;
#   3. the integration checks in tests/integration.sh.
# Ends with "N passed, N failed" and exits 1 on any failure.
#
# Environment: RBC (the binary under test), UNITDIR (unit programs),
# RBC_SHARED (../shared by default; tests that need it say "skipped").

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
RBC=${RBC:-$ROOT/build/san/rbc}
UNITDIR=${UNITDIR:-$ROOT/build/san}
RBC_SHARED=${RBC_SHARED:-$ROOT/../shared}
export RBC RBC_SHARED ROOT
export NO_COLOR=1 LC_ALL=C.UTF-8 TZ=UTC
unset SOURCE_DATE_EPOCH
# Leaks are failures too; fontconfig's caches are not ours (tests/lsan.supp).
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
if [ -f "$ROOT/tests/lsan.supp" ]; then
	export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$ROOT/tests/lsan.supp:print_suppressions=0}
fi
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rbc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
PASSN=0
FAILN=0
SKIPN=0

pass() { PASSN=$((PASSN + 1)); [ -n "${VERBOSE:-}" ] && echo "PASS $1"; return 0; }
fail() { FAILN=$((FAILN + 1)); echo "FAIL $1"; shift; for l in "$@"; do echo "    $l"; done; return 0; }
skip() { SKIPN=$((SKIPN + 1)); echo "SKIP $1"; return 0; }

# --- 1. unit programs -----------------------------------------------------
for t in "$UNITDIR"/t_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out="$TMP/$name.out"
	"$t" >"$out" 2>&1
	rc=$?
	p=$(grep -c '^PASS ' "$out")
	f=$(grep -c '^FAIL ' "$out")
	s=$(grep -c '^SKIP ' "$out")
	PASSN=$((PASSN + p))
	FAILN=$((FAILN + f))
	SKIPN=$((SKIPN + s))
	grep -E '^(FAIL|SKIP) ' "$out" | head -50
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		fail "$name exited $rc with no FAIL line" "$(tail -20 "$out")"
	fi
	if grep -q 'Sanitizer' "$out"; then
		fail "$name: sanitizer report" "$(grep -A8 'Sanitizer' "$out" | head -20)"
	fi
done

# --- 2. case folders ------------------------------------------------------
for dir in tests/cases/*/; do
	[ -f "$dir/cmd" ] || continue
	name=case/$(basename "$dir")
	work="$TMP/case"
	rm -rf "$work"
	cp -R "$dir" "$work"
	rm -rf "$work/expected"
	(cd "$work" && sh ./cmd) >"$TMP/out" 2>&1
	rc=$?
	if [ $rc = 77 ]; then
		# The case needs something absent here (../shared): say so.
		skip "$name: $(tail -1 "$TMP/out")"
		continue
	fi
	ok=1
	msgs=""
	if grep -q 'Sanitizer\|runtime error:' "$TMP/out"; then
		ok=0
		msgs="sanitizer: $(grep -m3 'Sanitizer\|runtime error:' "$TMP/out")"
	fi
	if [ ! -f "$dir/expected.out" ] || [ ! -f "$dir/expected.exit" ]; then
		ok=0
		msgs="no expected.out/expected.exit: a case must state its result;"
	fi
	if [ -f "$dir/expected.exit" ]; then
		want=$(cat "$dir/expected.exit")
		if [ "$rc" != "$want" ]; then
			ok=0
			msgs="$msgs exit $rc, expected $want;"
		fi
	fi
	if [ -f "$dir/expected.out" ] && ! cmp -s "$dir/expected.out" "$TMP/out"; then
		ok=0
		msgs="$msgs output differs: $(diff "$dir/expected.out" "$TMP/out" | head -20)"
	fi
	if [ -d "$dir/expected" ]; then
		for f in $(cd "$dir/expected" && find . -type f | sort); do
			if [ ! -f "$work/$f" ]; then
				ok=0
				msgs="$msgs missing $f;"
			elif ! cmp -s "$dir/expected/$f" "$work/$f"; then
				ok=0
				msgs="$msgs $f differs: $(diff "$dir/expected/$f" "$work/$f" | head -20)"
			fi
		done
	fi
	if [ $ok = 1 ]; then pass "$name"; else fail "$name" "$msgs"; fi
	if [ -n "${UPDATE:-}" ] && [ $ok = 0 ]; then
		# UPDATE=1 make check: rewrite the expectations (review the diff!).
		cp "$TMP/out" "$dir/expected.out"
		echo "$rc" >"$dir/expected.exit"
		if [ -d "$dir/expected" ]; then
			for f in $(cd "$dir/expected" && find . -type f); do
				[ -f "$work/$f" ] && cp "$work/$f" "$dir/expected/$f"
			done
		fi
	fi
done

# --- 3. integration checks ------------------------------------------------
. "$ROOT/tests/integration.sh"

echo
if [ "$SKIPN" -gt 0 ]; then
	echo "$PASSN passed, $FAILN failed, $SKIPN skipped"
else
	echo "$PASSN passed, $FAILN failed"
fi
[ "$FAILN" -eq 0 ]
