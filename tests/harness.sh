# The shell side of the test harness (tests/unit/harness.h is the C side),
# sourced by tests/run.sh and by the shell each tests/integration/NAME.sh
# runs in.  Every check prints the lines the runner counts:
#
#	PASS name
#	FAIL name
#	    what went wrong, every line indented
#	SKIP name: why
#
# Environment (tests/run.sh sets it): ROOT (the repository, also the
# working directory), RBC (the binary under test), RBC_SHARED (../shared),
# TMP (a scratch folder of the check's own).  CI=true makes a suite whose
# input is missing from ../shared fail instead of skip (missing).

TODAY=2026-11-23

# browser NAME: returns 0 if chromium and node are there, else fails NAME
# (tools/deps.sh installs both).
browser() {
	for b in chromium node; do
		if ! command -v $b >/dev/null 2>&1; then
			fail "$1: $b is not installed (tools/deps.sh check)"
			return 1
		fi
	done
}

pass() {
	echo "PASS $1"
}

# fail NAME [DETAIL...]: each detail on lines of its own, indented.
fail() {
	echo "FAIL $1"
	shift
	for l in "$@"; do
		printf '%s\n' "$l" | sed 's/^/    /'
	done
	return 0
}

skip() {
	echo "SKIP $1"
}

# Returns 0 if this is a CI run (CI set, and not "false" or "0").
ci() {
	case ${CI:-} in
	'' | false | 0) return 1 ;;
	esac
	return 0
}

# missing NAME: WHY: a suite that cannot run because its input (in
# ../shared) is missing: skipped, or a failure under CI, which has it.
missing() {
	if ci; then
		fail "$1 (CI=true: the suite must run)"
	else
		skip "$1"
	fi
}

# example_site OUT [OPTION...]: builds the example site (content/) into
# OUT, as of $TODAY; returns rbc's exit status.
example_site() {
	o=$1
	shift
	"$RBC" build --content content --out "$o" --today $TODAY "$@" \
	    >/dev/null 2>&1
}

# seeds_content DIR: writes the five seeds of ../shared/seeds/ into DIR
# as runbooks, with a site.yaml that demotes their defects to warnings;
# returns 1 if ../shared has no seeds.
seeds_content() {
	[ -d "$RBC_SHARED/seeds" ] || return 1
	mkdir -p "$1"
	for f in "$RBC_SHARED"/seeds/*.txt; do
		cp "$f" "$1/$(basename "$f" .txt).md"
	done
	cat >"$1/site.yaml" <<'YAML'
title: Seeds
rules:
  link-broken: warning
  anchor-broken: warning
  contact-placeholder: warning
YAML
}
