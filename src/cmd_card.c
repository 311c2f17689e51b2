/*
 * rbc card: the quick-reference cards of the runbooks named (on one
 * page), or of every runbook (one card each, into a folder).
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
	    "[-o FILE.pdf|FILE.html|DIR] [ID...]\n"
	    "  With IDs, their runbooks on one card page; without, every "
	    "runbook's card\n"
	    "  (PDF and HTML, one each) into a folder.\n"
	    "  --content DIR   the content folder (default: content)\n"
	    "  --paper SIZE    a4 or letter (default: site.yaml's paper, "
	    "else a4)\n"
	    "  -o FILE|DIR     with IDs: the card file, PDF or HTML by its "
	    "extension\n"
	    "                  (default: ./NAME.pdf, NAME the first "
	    "runbook's); a folder\n"
	    "                  gets one card per ID.  Without IDs: the "
	    "folder (default:\n"
	    "                  out/card)\n"
	    "  --today DATE    the date review status is judged on "
	    "(default: today)\n"
	    "example: rbc card --paper letter -o oncall.pdf "
	    "db/postgres-failover db/redis-cache\n", f);
}

/* Returns 1 if -o names a folder rather than a card file. */
static int
is_dir_arg(const char *o)
{
	size_t n = strlen(o);

	return (n > 0 && o[n - 1] == '/') || !(str_has_suffix(o, ".pdf") ||
	    str_has_suffix(o, ".html") || str_has_suffix(o, ".htm"));
}

/* Writes b to path whole or not at all; returns 0, or -1 (said). */
static int
card_write(const char *path, const struct buf *b)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	int rc = 0;

	if (write_file(tmp, b->data, b->len) == -1 ||
	    rename(tmp, path) == -1) {
		fprintf(stderr, "rbc card: cannot write %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	return rc;
}

/*
 * Each runbook's card (or each of ids[0..nids), if any) into dir, as
 * NAME.pdf and NAME.html.  Returns the exit status.
 */
static int
cards_into(struct build *b, const char *dir, const char *paper,
    char **ids, int nids, struct diags *all)
{
	struct buf pdf = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct card *c;
	size_t i, n = nids > 0 ? (size_t)nids : b->site.n, made = 0;
	int rc = 0, k;

	if (mkdir_p(dir) == -1) {
		fprintf(stderr, "rbc card: cannot make %s: %s\n", dir,
		    strerror(errno));
		return 2;
	}
	c = card_new(&b->site, paper != NULL ? paper : b->site.cfg.paper);
	for (i = 0; i < n; i++) {
		const struct runbook *r;
		struct runbook *whole;
		char *path;

		k = nids > 0 ? site_find(&b->site, ids[i]) : (int)i;
		if (k == -1) {
			fprintf(stderr, "rbc card: no runbook has the id "
			    "'%s'\n", ids[i]);
			rc = 2;
			continue;
		}
		r = b->site.rb[k];
		diags_append(all, &r->diags);
		if (diags_worst(&r->diags) == SEV_ERROR) {
			if (rc == 0)
				rc = 1;
			continue;	/* its errors say why */
		}
		whole = runbook_reload(&b->site, r);
		buf_reset(&pdf);
		buf_reset(&html);
		if (card_render(c, (const struct runbook *const *)&whole, 1,
		    &pdf, &html, all) == -1) {
			if (rc == 0)
				rc = 1;
		} else {
			path = xasprintf("%s/%s.pdf", dir, whole->name);
			if (card_write(path, &pdf) == -1)
				rc = 2;
			free(path);
			path = xasprintf("%s/%s.html", dir, whole->name);
			if (card_write(path, &html) == -1)
				rc = 2;
			else
				made++;
			free(path);
		}
		runbook_free(whole);
	}
	card_free(c);
	buf_free(&pdf);
	buf_free(&html);
	fprintf(stderr, "rbc card: %zu card%s (PDF and HTML) written into "
	    "%s", made, made == 1 ? "" : "s", dir);
	if (made < n)
		fprintf(stderr, "; %zu not made (see above)", n - made);
	fputc('\n', stderr);
	return rc;
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
	char *path = NULL;
	size_t n = 0;
	int ch, rc = 0, i, k, as_html, given = 0;
	memset(&b, 0, sizeof(b));

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:p:o:t:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
			given = 1;
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
	if ((content = content_folder("card", content, given, 0)) == NULL)
		return 2;
	if (site_load(&b, content, today, ncpus()) == -1) {
		build_close(&b);
		return 2;
	}
	/* Not site.yaml's severities: a card asked for and not made fails. */
	diags_init(&all, NULL);
	if (optind == argc || (outf != NULL && is_dir_arg(outf))) {
		/* Every card, or one card per ID: into a folder. */
		rc = cards_into(&b, outf != NULL ? outf : "out/card", paper,
		    argv + optind, argc - optind, &all);
		diags_sort(&all);
		diags_print(&all, DFMT_TEXT, stderr, want_colour(stderr));
		diags_free(&all);
		build_close(&b);
		return rc;
	}
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
		if (rc == 0 && card_write(path, as_html ? &html : &pdf) == -1)
			rc = 2;
		if (rc == 0) {
			/* Say what went where. */
			fprintf(stderr, "rbc card: wrote %s: ", path);
			for (k = 0; k < (int)n; k++)
				fprintf(stderr, "%s%s", k > 0 ? ", " : "",
				    sel[k]->id);
			fprintf(stderr, " on one %s page\n", as_html ? "HTML" :
			    "PDF");
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
