/*
 * rbc lint: the checks of a build without the output, for pre-commit
 * hooks and editors.  Diagnostics go to standard output in text, JSON,
 * SARIF or GitHub workflow-command form; the exit status is 1 for errors
 * (or warnings under --strict), 0 otherwise, 2 for usage and I/O.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static void
lint_usage(FILE *f)
{
	fputs("usage: rbc lint [--content DIR] [--format text|json|sarif|"
	    "github] [--strict]\n"
	    "                [--today YYYY-MM-DD] [--staged] "
	    "[FILE|DIR|RULES.yaml...]\n"
	    "  Checks runbooks without writing anything: the named files "
	    "or folders\n"
	    "  (default: every runbook), their links resolved against the "
	    "whole tree;\n"
	    "  a Prometheus rule file (.yaml) is checked against the "
	    "runbooks.\n"
	    "  --content DIR   the content folder (default: content)\n"
	    "  --format FMT    text, json, sarif or github (default: "
	    "text)\n"
	    "  --strict        exit 1 on warnings too (default: only "
	    "errors)\n"
	    "  --today DATE    the date review staleness is judged on "
	    "(default:\n"
	    "                  SOURCE_DATE_EPOCH, else today)\n"
	    "  --staged        the runbooks the git index adds, changes "
	    "or renames, and\n"
	    "                  those linking to what it deletes or "
	    "renames (pre-commit)\n"
	    "example: rbc lint --format github content/db\n", f);
}

/*
 * Runs git with argv (argv[0] "git") and puts its standard output in
 * out.  Returns 0, or -1 (git missing, or its exit status not 0; its
 * messages went to standard error).
 */
static int
run_git(const char *argv[], struct buf *out)
{
	char chunk[65536];
	ssize_t n;
	pid_t pid;
	int p[2], st;

	if (pipe(p) == -1)
		return -1;
	fflush(NULL);
	if ((pid = fork()) == -1) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		close(p[0]);
		if (dup2(p[1], 1) == -1)
			_exit(127);
		close(p[1]);
		execvp("git", (char *const *)argv);
		fprintf(stderr, "rbc lint: --staged: cannot run git: %s\n",
		    strerror(errno));
		_exit(127);
	}
	close(p[1]);
	for (;;) {
		n = read(p[0], chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_put(out, chunk, (size_t)n);
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static char *content_rel(const char *, const char *);

/* Appends s to *v (a growing array of n strings). */
static void
push(char ***v, size_t *n, char *s)
{
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = s;
}

/*
 * --staged: the runbooks of the content tree that the git index adds,
 * changes or renames to (into rels), and the content-relative paths it
 * deletes or renames away (into gone).  Returns 0, or -1 with a message.
 */
static int
staged_files(const char *content, const char *content_real, char ***rels,
    size_t *nrels, char ***gone, size_t *ngone)
{
	const char *top_argv[] = { "git", "-C", NULL, "rev-parse",
	    "--show-toplevel", NULL };
	const char *diff_argv[] = { "git", "-C", NULL, "diff", "--cached",
	    "--name-status", "-z", "--no-renames", "--no-ext-diff",
	    "--no-color", "--ignore-submodules", NULL };
	struct buf top = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	char top_real[PATH_MAX];
	size_t at, n = strlen(content_real);
	int rc = -1;

	top_argv[2] = content;
	if (run_git(top_argv, &top) == -1) {
		fprintf(stderr, "rbc lint: --staged: %s is not in a git "
		    "repository (git rev-parse failed)\n", content);
		goto done;
	}
	buf_cstr(&top);
	top.data[strcspn(top.data, "\n")] = '\0';
	if (realpath(top.data, top_real) == NULL) {
		fprintf(stderr, "rbc lint: --staged: %s: %s\n", top.data,
		    strerror(errno));
		goto done;
	}
	/* Renames count as a deletion and an addition: both sides matter. */
	diff_argv[2] = top_real;
	if (run_git(diff_argv, &out) == -1) {
		fprintf(stderr, "rbc lint: --staged: git diff --cached "
		    "failed in %s\n", top_real);
		goto done;
	}
	buf_cstr(&out);
	for (at = 0; at < out.len; ) {
		const char *status = out.data + at, *path;
		char *full, *rel;

		at += strlen(status) + 1;
		if (at >= out.len)
			break;
		path = out.data + at;
		at += strlen(path) + 1;
		full = path_join(top_real, path);
		if (strncmp(full, content_real, n) != 0 || full[n] != '/' ||
		    !str_has_suffix(full, ".md")) {
			free(full);
			continue;
		}
		if (status[0] == 'D')
			push(gone, ngone, xstrdup(full + n + 1));
		else if ((rel = content_rel(content_real, full)) != NULL)
			push(rels, nrels, rel);
		free(full);
	}
	rc = 0;
done:
	buf_free(&top);
	buf_free(&out);
	return rc;
}

/* Returns 1 if a link of r names one of the n paths in gone. */
static int
links_to_gone(const struct runbook *r, char **gone, size_t n)
{
	size_t i, k, len;
	char *dec, *to;
	int hit = 0;

	for (i = 0; i < r->nlinks && !hit; i++) {
		const struct link *l = &r->links[i];

		if (l->external || l->dest == NULL)
			continue;
		len = strcspn(l->dest, "#?");
		if (len == 0)
			continue;
		dec = pct_decode(l->dest, len);
		to = resolve_path(r->rel, dec);
		free(dec);
		if (to == NULL)
			continue;
		len = strlen(to);
		for (k = 0; k < n && !hit; k++) {
			size_t g = strlen(gone[k]) - 3;	/* without .md */

			hit = strcmp(to, gone[k]) == 0 ||
			    (len == g && strncmp(to, gone[k], g) == 0) ||
			    (len == g + 5 && strncmp(to, gone[k], g) == 0 &&
			    strcmp(to + g, ".html") == 0);
		}
		free(to);
	}
	return hit;
}

/*
 * Returns the content-relative path of file, or NULL when it is not a
 * runbook of the content tree (outside it, or a _/. name: such files are
 * skipped, as a pre-commit hook hands over every staged Markdown file).
 */
static char *
content_rel(const char *content_real, const char *file)
{
	char real[PATH_MAX];
	size_t n = strlen(content_real);
	const char *p;

	if (realpath(file, real) == NULL)
		return NULL;
	if (strcmp(real, content_real) == 0)
		return xstrdup("");
	if (strncmp(real, content_real, n) != 0 || real[n] != '/')
		return NULL;
	for (p = real + n; *p != '\0'; p++)
		if (p[0] == '/' && (p[1] == '_' || p[1] == '.'))
			return NULL;
	return xstrdup(real + n + 1);
}

/* Returns 1 if the runbook path rel is dir (content-relative) or under
 * it ("" is the content folder). */
static int
under(const char *rel, const char *dir)
{
	size_t n = strlen(dir);

	return n == 0 || (strncmp(rel, dir, n) == 0 && rel[n] == '/');
}

/* Appends to shown the diagnostics of from that are in one of the n
 * rule files named (the same file, however its path is spelled). */
static void
rule_diags(struct diags *shown, const struct diags *from, char **named,
    size_t n)
{
	char real[PATH_MAX], **reals;
	const char *last = NULL;
	struct diags one;
	size_t i, j;
	int want = 0;

	if (n == 0)
		return;
	reals = xcalloc(n, sizeof(*reals));
	for (j = 0; j < n; j++)
		reals[j] = realpath(named[j], real) != NULL ? xstrdup(real) :
		    xstrdup(named[j]);
	for (i = 0; i < from->n; i++) {
		if (last == NULL || strcmp(last, from->v[i].file) != 0) {
			last = from->v[i].file;
			want = 0;
			if (realpath(last, real) != NULL)
				for (j = 0; j < n && !want; j++)
					want = strcmp(real, reals[j]) == 0;
		}
		if (!want)
			continue;
		diags_init(&one, NULL);
		one.v = &from->v[i];
		one.n = 1;
		diags_append(shown, &one);
	}
	for (j = 0; j < n; j++)
		free(reals[j]);
	free(reals);
	diags_sort(shown);
}

/*
 * Adds to r's diagnostics a card-overflow when its quick-reference card
 * cannot fit one page, measured by the card's own layout (nothing is
 * drawn); c is made on first use, which loads the card's libraries.
 */
static void
card_fit(struct build *b, struct card **c, struct runbook *r)
{
	struct runbook *whole;

	if (!diag_on(&r->diags, R_CARD_OVERFLOW) || r->unreadable ||
	    r->bad_utf8)
		return;
	if (*c == NULL)
		*c = card_new(&b->site, b->site.cfg.paper);
	/* A runbook linted by name is whole already; one of a whole-site
	 * lint is light, its front-matter in the scan's spool. */
	whole = r->light ? runbook_reload(&b->site, r) : r;
	(void)card_render(*c, (const struct runbook *const *)&whole, 1, NULL,
	    NULL, &r->diags);
	if (whole != r)
		runbook_free(whole);
}

/* rbc lint: returns the exit status. */
int
cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "today", required_argument, NULL, 't' },
		{ "staged", no_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *content = "content", *today = NULL;
	enum diag_format fmt = DFMT_TEXT;
	char content_real[PATH_MAX], **rels = NULL, **dirs = NULL;
	char **rules = NULL, **gone = NULL;
	struct card *card = NULL;
	struct diags all, shown;
	struct build b;
	struct stat st;
	size_t nrels = 0, ndirs = 0, nrules = 0, ngone = 0, i, j;
	int ch, strict = 0, rc, all_files, io = 0, staged = 0, given = 0;
	enum severity worst;
	memset(&b, 0, sizeof(b));

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:f:st:Sh", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
			given = 1;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				fmt = DFMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				fmt = DFMT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				fmt = DFMT_SARIF;
			else if (strcmp(optarg, "github") == 0)
				fmt = DFMT_GITHUB;
			else {
				fprintf(stderr, "rbc lint: unknown format '%s' "
				    "(text, json, sarif, github)\n", optarg);
				return 2;
			}
			break;
		case 's':
			strict = 1;
			break;
		case 't':
			today = optarg;
			break;
		case 'S':
			staged = 1;
			break;
		case 'h':
			lint_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rbc lint: bad option %s\n",
			    argv[optind - 1]);
			lint_usage(stderr);
			return 2;
		}
	}
	all_files = optind == argc && !staged;
	if (staged && optind != argc) {
		fprintf(stderr, "rbc lint: --staged takes its files from the "
		    "git index: name no FILE\n");
		lint_usage(stderr);
		return 2;
	}
	/* From inside the content folder, it is the content folder. */
	if ((content = content_folder("lint", content, given, 1)) == NULL)
		return 2;
	if (realpath(content, content_real) == NULL) {
		fprintf(stderr, "rbc lint: %s: %s\n", content, strerror(errno));
		return 2;
	}
	if (staged && staged_files(content, content_real, &rels, &nrels,
	    &gone, &ngone) == -1)
		return 2;
	for (i = (size_t)optind; i < (size_t)argc; i++) {
		char *rel;
		if (stat(argv[i], &st) == -1 || access(argv[i], R_OK) == -1) {
			fprintf(stderr, "rbc lint: %s: %s\n", argv[i],
			    strerror(errno));
			io = 1;
			continue;
		}
		rel = content_rel(content_real, argv[i]);
		if (S_ISDIR(st.st_mode) && rel != NULL) {
			/* The runbooks under it, linted with the whole tree. */
			dirs = xreallocarray(dirs, ndirs + 1, sizeof(*dirs));
			dirs[ndirs++] = rel;
			continue;
		}
		if (rel == NULL && S_ISREG(st.st_mode) &&
		    (str_has_suffix(argv[i], ".yaml") ||
		    str_has_suffix(argv[i], ".yml"))) {
			/* An alert rule file, checked against the site. */
			rules = xreallocarray(rules, nrules + 1,
			    sizeof(*rules));
			rules[nrules++] = argv[i];
			continue;
		}
		if (rel == NULL || !S_ISREG(st.st_mode) ||
		    !str_has_suffix(rel, ".md")) {
			/* Never silence: say why it was not linted. */
			fprintf(stderr, "rbc lint: note: %s is not a runbook of "
			    "%s (%s); not linted\n", argv[i], content,
			    rel == NULL ? "outside it, or under a name that "
			    "starts with _ or ." : S_ISDIR(st.st_mode) ?
			    "a folder outside it" : !S_ISREG(st.st_mode) ?
			    "not a regular file" : "not a .md file");
			free(rel);
			continue;
		}
		rels = xreallocarray(rels, nrels + 1, sizeof(*rels));
		rels[nrels++] = rel;
	}
	if (ndirs > 0 || nrules > 0 || ngone > 0)
		all_files = 1;	/* loaded whole, shown by folder below */
	if (!all_files && nrels == 0 && !io) {
		/* Nothing of ours was named: a clean, quiet pass. */
		if (fmt == DFMT_JSON)
			puts("[]");
		else if (fmt == DFMT_SARIF) {
			diags_init(&shown, NULL);
			diags_print(&shown, fmt, stdout, 0);
		}
		free(rels);
		return 0;
	}
	if ((all_files ? site_load(&b, content, today, ncpus()) :
	    site_load_some(&b.site, content, today, rels, nrels)) == -1) {
		rc = 2;
		goto out;
	}
	for (i = 0; i < nrules; i++)
		alerts_add(&b.site, rules[i]);
	if (nrules > 0)
		alerts_check(&b.site);
	/* Card fit, for the runbooks whose diagnostics are shown. */
	for (i = 0; i < b.site.n; i++) {
		const char *rel = b.site.rb[i]->rel;
		int want = all_files && ndirs == 0 && nrules == 0 && !staged;

		for (j = 0; j < nrels && !want; j++)
			want = strcmp(rel, rels[j]) == 0;
		for (j = 0; j < ndirs && !want; j++)
			want = under(rel, dirs[j]);
		if (!want && ngone > 0)
			want = links_to_gone(b.site.rb[i], gone, ngone);
		if (want)
			card_fit(&b, &card, b.site.rb[i]);
	}
	if (card != NULL)
		card_free(card);
	diags_init(&all, NULL);
	site_diags(&b.site, &all);
	diags_init(&shown, NULL);
	if (all_files && ndirs == 0 && nrules == 0 && !staged)
		diags_append(&shown, &all);
	else if (nrules > 0 && ndirs == 0 && nrels == 0)
		rule_diags(&shown, &b.site.alerts.diags, rules, nrules);
	else {
		/* Only the named runbooks' diagnostics. */
		struct diags one;
		for (i = 0; i < b.site.n; i++) {
			const char *rel = b.site.rb[i]->rel;
			int want = 0;

			for (j = 0; j < nrels && !want; j++)
				want = strcmp(rel, rels[j]) == 0;
			for (j = 0; j < ndirs && !want; j++)
				want = under(rel, dirs[j]);
			/* What a deletion or a rename breaks. */
			if (!want && ngone > 0)
				want = links_to_gone(b.site.rb[i], gone, ngone);
			if (want)
				diags_append(&shown, &b.site.rb[i]->diags);
		}
		rule_diags(&shown, &b.site.alerts.diags, rules, nrules);
		/* Errors of site.yaml concern every runbook. */
		for (i = 0; i < b.site.diags.n; i++)
			if (b.site.diags.v[i].sev == SEV_ERROR) {
				diags_init(&one, NULL);
				one.v = &b.site.diags.v[i];
				one.n = 1;
				diags_append(&shown, &one);
			}
		diags_sort(&shown);
	}
	diags_print(&shown, fmt, stdout, fmt == DFMT_TEXT &&
	    want_colour(stdout));
	worst = diags_worst(&shown);
	rc = worst == SEV_ERROR || (strict && worst == SEV_WARNING) ? 1 : 0;
	if (io)
		rc = 2;
	diags_free(&shown);
	diags_free(&all);
out:
	build_close(&b);
	for (i = 0; i < nrels; i++)
		free(rels[i]);
	free(rels);
	for (i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	free(rules);
	for (i = 0; i < ngone; i++)
		free(gone[i]);
	free(gone);
	return rc;
}
