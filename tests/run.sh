#!/bin/sh
# rbc's test runner.  Runs, from the repository root:
#   1. the unit programs ($UNITDIR/t_*, from tests/unit/t_*.c and their
#      harness, tests/unit/harness.h);
#   2. every case folder tests/cases/NAME/ (see tests/cases/README.md):
#      `cmd` is run in a copy of the folder, its output and exit status are
#      compared with expected.out / expected.exit, and every file under
#      expected/ with the file of the same path that the command produced;
#   3. every integration check tests/integration/NAME.sh, in name order,
#      each in a shell of its own that has sourced tests/harness.sh, with a
#      scratch folder of its own ($TMP).
# Each prints PASS, FAIL and SKIP lines, which are counted here; the FAIL
# and SKIP lines are shown (with VERBOSE=1, the PASS lines too).  A program
# or check that stops before its end, exits non-zero with no FAIL line,
# reports no check at all or trips a sanitizer fails as well.
# Ends with "N passed, N failed" (", N skipped" if any) and exits 1 on any
# failure.
#
# Environment: RBC (the binary under test), UNITDIR (unit programs),
# RBC_SHARED (../shared by default; what needs it says "skipped" when it is
# missing, and fails under CI=true), UPDATE=1 (rewrite the expectations of
# the failing cases and man pages: review the diff).

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

. "$ROOT/tests/harness.sh"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rbc-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
PASSN=0
FAILN=0
SKIPN=0

# flunk NAME [DETAIL...]: a failure the runner finds itself, counted here.
flunk() {
	fail "$@"
	FAILN=$((FAILN + 1))
}

# tally NAME LOG: counts the PASS, FAIL and SKIP lines of LOG, the output
# of NAME (T_PASS, T_FAIL and T_SKIP are its own counts), and shows its
# FAIL lines (with their indented details) and SKIP lines, at most 50 of
# them (all, and the PASS lines, with VERBOSE).  Returns 1 if NAME
# reported no check at all.
tally() {
	T_PASS=$(grep -c '^PASS ' "$2")
	T_FAIL=$(grep -c '^FAIL ' "$2")
	T_SKIP=$(grep -c '^SKIP ' "$2")
	PASSN=$((PASSN + T_PASS))
	FAILN=$((FAILN + T_FAIL))
	SKIPN=$((SKIPN + T_SKIP))
	awk -v all="${VERBOSE:-}" '
	    /^FAIL / { more = 1; print; next }
	    /^    / && more { print; next }
	    { more = 0 }
	    /^SKIP / || (all != "" && /^PASS /) { print }' "$2" |
	    if [ -n "${VERBOSE:-}" ]; then cat; else head -50; fi
	if grep -q 'Sanitizer' "$2"; then
		flunk "$1: sanitizer report" "$(grep -A8 'Sanitizer' "$2" | head -20)"
	fi
	[ $((T_PASS + T_FAIL + T_SKIP)) -gt 0 ]
}

# Returns 0 if UPDATE asks for the expectations to be rewritten.
update() {
	case ${UPDATE:-} in
	'' | 0) return 1 ;;
	esac
	return 0
}

# run_case DIR: runs the case folder DIR, printing its PASS, FAIL or SKIP
# line; with UPDATE, rewrites the expectations of a failing case.
run_case() {
	dir=${1%/}
	name=case/$(basename "$dir")
	if [ ! -f "$dir/cmd" ]; then
		fail "$name: no cmd: a case folder needs its command (tests/cases/README.md)"
		return
	fi
	work="$TMP/case"
	rm -rf "$work"
	cp -R "$dir" "$work"
	rm -rf "$work/expected"
	(cd "$work" && sh ./cmd) >"$TMP/out" 2>&1
	rc=$?
	if [ $rc = 77 ]; then
		# The case needs something absent here (../shared): say so.
		missing "$name: $(tail -1 "$TMP/out")"
		return
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
	if update && [ $ok = 0 ]; then
		# UPDATE=1 make check: rewrite the expectations (review the diff!).
		cp "$TMP/out" "$dir/expected.out"
		echo "$rc" >"$dir/expected.exit"
		if [ -d "$dir/expected" ]; then
			for f in $(cd "$dir/expected" && find . -type f); do
				[ -f "$work/$f" ] && cp "$work/$f" "$dir/expected/$f"
			done
		fi
	fi
}

# --- 1. unit programs -----------------------------------------------------
for t in "$UNITDIR"/t_*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	out="$TMP/$name.out"
	"$t" >"$out" 2>&1
	rc=$?
	tally "$name" "$out" || flunk "$name reported no check" "$(tail -20 "$out")"
	if [ "$rc" -ne 0 ] && [ "$T_FAIL" -eq 0 ]; then
		flunk "$name exited $rc with no FAIL line" "$(tail -20 "$out")"
	fi
done

# --- 2. case folders ------------------------------------------------------
for c in tests/cases/*/; do
	run_case "$c" >"$TMP/case.log"
	tally "case/$(basename "$c")" "$TMP/case.log"
done

# --- 3. integration checks ------------------------------------------------
# Each in its own shell: one that stops early (an exit, a syntax error)
# never prints the line that says it ran to its end.
for it in tests/integration/*.sh; do
	name=integration/$(basename "$it" .sh)
	dir="$TMP/it/$(basename "$it" .sh)"
	mkdir -p "$dir"
	TMP=$dir sh -c '. "$ROOT/tests/harness.sh"; . "$1"; echo "END OF $1"' \
	    sh "$it" >"$dir.log" 2>&1
	rc=$?
	tally "$name" "$dir.log" || flunk "$name reported no check" "$(tail -20 "$dir.log")"
	if ! grep -qx "END OF $it" "$dir.log"; then
		flunk "$name stopped before its end (exit $rc)" "$(tail -20 "$dir.log")"
	fi
done

echo
if [ "$SKIPN" -gt 0 ]; then
	echo "$PASSN passed, $FAILN failed, $SKIPN skipped"
else
	echo "$PASSN passed, $FAILN failed"
fi
[ "$FAILN" -eq 0 ]
