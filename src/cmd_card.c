/*
 * rbc card: the quick-reference cards of the runbooks named.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static void
card_usage(FILE *f)
{
	fputs("usage: rbc card [--content DIR] [--paper a4|letter] "
	    "[-o FILE.pdf|FILE.html] ID...\n", f);
}

/*
 * rbc card: the named runbooks' quick-reference card on one page, as PDF
 * or HTML by the -o file's extension (default: <name>.pdf here).
 */
int
cmd_card(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "paper", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *content = "content", *paper = NULL, *outf = NULL;
	const char *today = NULL;
	const struct runbook **sel = NULL;
	struct buf pdf = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct diags all;
	struct build b;
	struct card *c;
	char *path = NULL, *tmp;
	size_t n = 0;
	int ch, rc = 0, i, k, as_html;
	memset(&b, 0, sizeof(b));

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:p:o:t:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "a4") != 0 &&
			    strcmp(optarg, "letter") != 0) {
				fprintf(stderr, "rbc card: --paper is a4 or "
				    "letter\n");
				return 2;
			}
			paper = optarg;
			break;
		case 'o':
			outf = optarg;
			break;
		case 't':
			today = optarg;
			break;
		case 'h':
			card_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rbc card: bad option %s\n",
			    argv[optind - 1]);
			card_usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		card_usage(stderr);
		return 2;
	}
	if (site_load(&b, content, today, ncpus()) == -1) {
		build_close(&b);
		return 2;
	}
	/* Not site.yaml's severities: a card asked for and not made fails. */
	diags_init(&all, NULL);
	for (i = optind; i < argc; i++) {
		if ((k = site_find(&b.site, argv[i])) == -1) {
			fprintf(stderr, "rbc card: no runbook has the id "
			    "'%s'\n", argv[i]);
			rc = 2;
			continue;
		}
		sel = xreallocarray(sel, n + 1, sizeof(*sel));
		sel[n++] = runbook_reload(&b.site, b.site.rb[k]);
		diags_append(&all, &b.site.rb[k]->diags);
	}
	if (rc == 0 && diags_worst(&all) == SEV_ERROR)
		rc = 1;
	if (rc == 0) {
		path = outf != NULL ? xstrdup(outf) :
		    xasprintf("%s.pdf", sel[0]->name);
		as_html = str_has_suffix(path, ".html") ||
		    str_has_suffix(path, ".htm");
		c = card_new(&b.site, paper != NULL ? paper : b.site.cfg.paper);
		if (card_render(c, (const struct runbook *const *)sel, n,
		    as_html ? NULL : &pdf, as_html ? &html : NULL,
		    &all) == -1)
			rc = 1;
		card_free(c);
		if (rc == 0) {
			struct buf *ob = as_html ? &html : &pdf;
			/* Whole or not at all: a temporary, then rename. */
			tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
			if (write_file(tmp, ob->data, ob->len) == -1 ||
			    rename(tmp, path) == -1) {
				fprintf(stderr, "rbc card: cannot write %s: "
				    "%s\n", path, strerror(errno));
				unlink(tmp);
				rc = 2;
			}
			free(tmp);
		}
	}
	diags_sort(&all);
	diags_print(&all, DFMT_TEXT, stderr, want_colour(stderr));
	diags_free(&all);
	buf_free(&pdf);
	buf_free(&html);
	free(path);
	for (i = 0; i < (int)n; i++)
		runbook_free((struct runbook *)sel[i]);
	free(sel);
	build_close(&b);
	return rc;
}
