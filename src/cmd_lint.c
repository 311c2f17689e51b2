/*
 * rbc lint: the checks of a build without the output, for pre-commit
 * hooks and editors.  Diagnostics go to standard output in text, JSON,
 * SARIF or GitHub workflow-command form; the exit status is 1 for errors
 * (or warnings under --strict), 0 otherwise, 2 for usage and I/O.
 */
#include <sys/stat.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
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
	    "                [--today YYYY-MM-DD] [FILE...]\n", f);
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

/* rbc lint: returns the exit status. */
int
cmd_lint(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "format", required_argument, NULL, 'f' },
		{ "strict", no_argument, NULL, 's' },
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *content = "content", *today = NULL;
	enum diag_format fmt = DFMT_TEXT;
	char content_real[PATH_MAX], **rels = NULL, **dirs = NULL;
	char **rules = NULL;
	struct diags all, shown;
	struct build b;
	struct stat st;
	size_t nrels = 0, ndirs = 0, nrules = 0, i, j;
	int ch, strict = 0, rc, all_files, io = 0;
	enum severity worst;
	memset(&b, 0, sizeof(b));

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:f:st:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
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
	all_files = optind == argc;
	if (realpath(content, content_real) == NULL) {
		fprintf(stderr, "rbc lint: %s: %s\n", content, strerror(errno));
		return 2;
	}
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
	if (ndirs > 0 || nrules > 0)
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
		build_close(&b);
		for (i = 0; i < nrels; i++)
			free(rels[i]);
		free(rels);
		for (i = 0; i < ndirs; i++)
			free(dirs[i]);
		free(dirs);
		free(rules);
		return 2;
	}
	for (i = 0; i < nrules; i++)
		alerts_add(&b.site, rules[i]);
	if (nrules > 0)
		alerts_check(&b.site);
	diags_init(&all, NULL);
	site_diags(&b.site, &all);
	diags_init(&shown, NULL);
	if (all_files && ndirs == 0 && nrules == 0)
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
	build_close(&b);
	for (i = 0; i < nrels; i++)
		free(rels[i]);
	free(rels);
	for (i = 0; i < ndirs; i++)
		free(dirs[i]);
	free(dirs);
	free(rules);
	return rc;
}
