# The pre-commit hook of .pre-commit-hooks.yaml, run by the real pre-commit
# tool in a throwaway git repository.
#
# The repository's .pre-commit-config.yaml is the shipped hook definition
# itself under "repo: local" (language: system, so nothing is fetched), and
# `rbc` on PATH is a wrapper around the binary under test.  HOME,
# PRE_COMMIT_HOME and the git identity are all inside $TMP.

it_precommit() {
	if ! command -v pre-commit >/dev/null 2>&1 ||
	    ! command -v git >/dev/null 2>&1; then
		fail "pre-commit: pre-commit or git is not installed (tools/deps.sh check)"
		return
	fi
	pc_dir=$TMP/precommit
	pc_repo=$pc_dir/repo
	case $RBC in
	/*) pc_rbc=$RBC ;;
	*) pc_rbc=$ROOT/$RBC ;;
	esac
	rm -rf "$pc_dir"
	mkdir -p "$pc_repo/content" "$pc_dir/bin" "$pc_dir/home"
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$pc_rbc" >"$pc_dir/bin/rbc"
	chmod +x "$pc_dir/bin/rbc"
	{
		echo "repos:"
		echo "  - repo: local"
		echo "    hooks:"
		sed 's/^/      /' "$ROOT/.pre-commit-hooks.yaml"
	} >"$pc_repo/.pre-commit-config.yaml"
	cat >"$pc_repo/content/payments.md" <<'EOF'
---
title: Payments API
owner: team-payments
contacts:
  - id: primary
    name: Dana Whitfield
    phone: "+44 20 7946 0958"
escalation:
  - level: 1
    contact: primary
---
# Payments API
EOF
	printf '# A repository of runbooks\n' >"$pc_repo/README.md"
	# Untracked and broken: never staged, so never reported.
	printf -- '---\ntitle: Draft\nowner: x\n---\n[x](nowhere.md)\n' \
	    >"$pc_repo/content/draft.md"

	# pc_run CMD...: runs CMD in the repository, isolated from the
	# caller's git and pre-commit settings.
	pc_run() {
		(
			cd "$pc_repo" || exit 2
			unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE \
			    GIT_OBJECT_DIRECTORY GIT_CONFIG
			HOME=$pc_dir/home PRE_COMMIT_HOME=$pc_dir/cache \
			    PRE_COMMIT_COLOR=never GIT_CONFIG_NOSYSTEM=1 \
			    PATH=$pc_dir/bin:$PATH "$@"
		)
	}
	if ! pc_run git init -q -b main . >"$pc_dir/log" 2>&1 ||
	    ! pc_run git config user.name "rbc tests" >>"$pc_dir/log" 2>&1 ||
	    ! pc_run git config user.email rbc-tests@northwind.test \
	    >>"$pc_dir/log" 2>&1 ||
	    ! pc_run git config commit.gpgsign false >>"$pc_dir/log" 2>&1 ||
	    ! pc_run pre-commit install >>"$pc_dir/log" 2>&1; then
		fail "pre-commit: cannot set up the repository" "$(tail -5 "$pc_dir/log")"
		return
	fi

	# A clean commit passes (README.md is staged too: not a runbook).
	pc_run git add .pre-commit-config.yaml README.md content/payments.md
	pc_run git commit -q -m "Payments runbook" >"$pc_dir/clean.log" 2>&1
	pc_rc=$?
	if [ $pc_rc -eq 0 ] && grep -q '^rbc lint\.*Passed' "$pc_dir/clean.log" &&
	    [ "$(pc_run git rev-list --count HEAD 2>/dev/null)" = 1 ]; then
		pass "pre-commit: a clean commit passes the rbc-lint hook"
	else
		fail "pre-commit: a clean commit passes the rbc-lint hook" \
		    "git commit exit $pc_rc" "$(head -20 "$pc_dir/clean.log")"
	fi

	# A placeholder phone number blocks the commit, with the diagnostic;
	# its link to the committed runbook resolves against the tree.
	cat >"$pc_repo/content/billing.md" <<'EOF'
---
title: Billing
owner: team-billing
contacts:
  - id: primary
    name: Dana Whitfield
    phone: "[Phone]"
---
# Billing

Escalate as in [the payments runbook](payments.md).
EOF
	pc_run git add content/billing.md
	pc_run git commit -q -m "Billing runbook" >"$pc_dir/bad.log" 2>&1
	pc_rc=$?
	pc_want='content/billing.md:7:12: error: contact '\''primary'\'' has placeholder phone "[Phone]" [contact-placeholder]'
	if [ $pc_rc -ne 0 ] && grep -q '^rbc lint\.*Failed' "$pc_dir/bad.log" &&
	    grep -qF "$pc_want" "$pc_dir/bad.log" &&
	    ! grep -q 'draft\.md\|payments\.md:\|link-broken' "$pc_dir/bad.log" &&
	    [ "$(pc_run git rev-list --count HEAD 2>/dev/null)" = 1 ]; then
		pass "pre-commit: a placeholder phone number blocks the commit"
	else
		fail "pre-commit: a placeholder phone number blocks the commit" \
		    "git commit exit $pc_rc, expected a failure showing:" \
		    "$pc_want" "$(head -20 "$pc_dir/bad.log")"
	fi

	# pc_commit NAME MESSAGE: commits what is staged; prints the exit
	# status, the log in $pc_dir/NAME.log.
	pc_commit() {
		pc_run git commit -q -m "$2" >"$pc_dir/$1.log" 2>&1
		echo $?
	}
	# A plain edit that fixes the phone number passes.
	sed -i 's/"\[Phone\]"/"+44 20 7946 0959"/' "$pc_repo/content/billing.md"
	pc_run git add content/billing.md
	pc_rc=$(pc_commit edit "Billing phone")
	if [ "$pc_rc" = 0 ] && grep -q '^rbc lint\.*Passed' "$pc_dir/edit.log" &&
	    [ "$(pc_run git rev-list --count HEAD 2>/dev/null)" = 2 ]; then
		pass "pre-commit: a plain edit passes"
	else
		fail "pre-commit: a plain edit passes" "exit $pc_rc" "$(head -20 "$pc_dir/edit.log")"
	fi

	# Deleting a runbook that another links to blocks the commit, at the
	# link (the linking runbook is not staged).
	pc_run git rm -q content/payments.md
	pc_rc=$(pc_commit delete "Remove payments")
	if [ "$pc_rc" != 0 ] && grep -q '^rbc lint\.*Failed' "$pc_dir/delete.log" &&
	    grep -q '^content/billing.md:11:[0-9]*: error: .*payments.md.*\[link-broken\]' "$pc_dir/delete.log" &&
	    [ "$(pc_run git rev-list --count HEAD 2>/dev/null)" = 2 ]; then
		pass "pre-commit: deleting a runbook that is linked to blocks the commit"
	else
		fail "pre-commit: deleting a runbook that is linked to blocks the commit" \
		    "exit $pc_rc" "$(head -20 "$pc_dir/delete.log")"
	fi
	pc_run git reset -q HEAD -- content/payments.md
	pc_run git checkout -q -- content/payments.md

	# Renaming it away breaks the same link; renaming and fixing passes.
	pc_run git mv content/payments.md content/payments-api.md
	pc_rc=$(pc_commit rename "Rename payments")
	if [ "$pc_rc" != 0 ] && grep -q '^rbc lint\.*Failed' "$pc_dir/rename.log" &&
	    grep -q '^content/billing.md:11:[0-9]*: error: .*payments.md.*\[link-broken\]' "$pc_dir/rename.log" &&
	    [ "$(pc_run git rev-list --count HEAD 2>/dev/null)" = 2 ]; then
		pass "pre-commit: renaming a runbook away from its links blocks the commit"
	else
		fail "pre-commit: renaming a runbook away from its links blocks the commit" \
		    "exit $pc_rc" "$(head -20 "$pc_dir/rename.log")"
	fi
	sed -i 's/(payments.md)/(payments-api.md)/' "$pc_repo/content/billing.md"
	pc_run git add content/billing.md
	pc_rc=$(pc_commit renamefix "Rename payments, fix the link")
	if [ "$pc_rc" = 0 ] && grep -q '^rbc lint\.*Passed' "$pc_dir/renamefix.log" &&
	    [ "$(pc_run git rev-list --count HEAD 2>/dev/null)" = 3 ]; then
		pass "pre-commit: a rename with its links fixed passes"
	else
		fail "pre-commit: a rename with its links fixed passes" \
		    "exit $pc_rc" "$(head -20 "$pc_dir/renamefix.log")"
	fi
}

it_precommit
