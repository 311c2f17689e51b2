/*
 * rbc lint: the checks of a build without the output, for pre-commit
 * hooks and editors.  Diagnostics go to standard output in text, JSON,
 * SARIF or GitHub workflow-command form; the exit status is 1 for errors
 * (or warnings under --strict), 0 otherwise, 2 for usage and I/O.
 */
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
	if (strncmp(real, content_real, n) != 0 || real[n] != '/')
		return NULL;
	for (p = real + n; *p != '\0'; p++)
		if (p[0] == '/' && (p[1] == '_' || p[1] == '.'))
			return NULL;
	return xstrdup(real + n + 1);
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
	char content_real[PATH_MAX], **rels = NULL;
	struct diags all, shown;
	struct build b;
	size_t nrels = 0, i, j;
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
		if (access(argv[i], R_OK) == -1) {
			fprintf(stderr, "rbc lint: %s: %s\n", argv[i],
			    strerror(errno));
			io = 1;
			continue;
		}
		if ((rel = content_rel(content_real, argv[i])) == NULL)
			continue;
		rels = xreallocarray(rels, nrels + 1, sizeof(*rels));
		rels[nrels++] = rel;
	}
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
		return 2;
	}
	diags_init(&all, NULL);
	site_diags(&b.site, &all);
	diags_init(&shown, NULL);
	if (all_files)
		diags_append(&shown, &all);
	else {
		/* Only the named runbooks' diagnostics. */
		struct diags one;
		for (i = 0; i < b.site.n; i++)
			for (j = 0; j < nrels; j++)
				if (strcmp(b.site.rb[i]->rel, rels[j]) == 0) {
					diags_init(&one, NULL);
					diags_append(&shown, &b.site.rb[i]->diags);
					break;
				}
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
	return rc;
}
