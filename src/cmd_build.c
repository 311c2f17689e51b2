/*
 * rbc build and rbc card: their command lines; the engine does the work.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

static int
parse_formats(const char *arg)
{
	char *s = xstrdup(arg), *tok, *save = NULL;
	int f = 0;

	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "html") == 0)
			f |= FMT_HTML;
		else if (strcmp(tok, "man") == 0)
			f |= FMT_MAN;
		else if (strcmp(tok, "card") == 0)
			f |= FMT_CARD;
		else {
			fprintf(stderr, "rbc build: unknown format '%s' "
			    "(html, man, card)\n", tok);
			f = -1;
			break;
		}
	}
	free(s);
	return f;
}

static void
build_usage(FILE *f)
{
	fputs("usage: rbc build [--content DIR] [--out DIR] "
	    "[--formats html,man,card] [-j N]\n"
	    "                 [--strict] [--today YYYY-MM-DD]\n"
	    "  Checks the runbooks and writes the site; on errors the "
	    "previous output\n"
	    "  stays as it was (exit 1).\n"
	    "  --content DIR   the content folder (default: content)\n"
	    "  --out DIR       the output folder (default: out)\n"
	    "  --formats LIST  any of html, man, card (default: all "
	    "three)\n"
	    "  -j N            worker processes (default: the number of "
	    "CPUs)\n"
	    "  --strict        warnings fail the build too (default: "
	    "only errors)\n"
	    "  --today DATE    the date review staleness is judged on "
	    "(default:\n"
	    "                  SOURCE_DATE_EPOCH, else today)\n"
	    "example: rbc build --content docs/runbooks --out public "
	    "--formats html\n", f);
}

/*
 * Returns the content folder for command cmd: content when it is a
 * folder.  Run from inside the content folder (no ./content, but a
 * site.yaml here) without --content, it is "." when here_ok (a command
 * that writes nothing there), else NULL after saying what to do.  NULL
 * too, with the cause, when content is missing.
 */
const char *
content_folder(const char *cmd, const char *content, int given, int here_ok)
{
	struct stat st;
	int here;

	if (stat(content, &st) == 0 && S_ISDIR(st.st_mode))
		return content;
	here = !given && access("site.yaml", F_OK) == 0;
	if (here && here_ok)
		return ".";
	fprintf(stderr, "rbc %s: %s: %s\n", cmd, content, stat(content,
	    &st) == 0 ? "not a folder" : strerror(errno));
	if (here)
		fprintf(stderr, "rbc %s: this folder has a site.yaml: it "
		    "looks like the content folder itself; run rbc from the "
		    "folder above it, or pass --content .%s\n", cmd,
		    strcmp(cmd, "build") == 0 ? " --out ../out" : "");
	else if (!given)
		fprintf(stderr, "rbc %s: run rbc from the folder that holds "
		    "content/, or name the content folder with --content "
		    "DIR\n", cmd);
	return NULL;
}

/* rbc build: returns the exit status. */
int
cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "formats", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 's' },
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *content = "content", *out = "out", *today = NULL;
	char *outbuf = NULL;
	struct diags all;
	struct build b;
	int ch, formats = FMT_HTML | FMT_MAN | FMT_CARD, strict = 0, rc;
	int jobs = ncpus(), given = 0;
	enum severity worst;
	size_t i, built = 0;

	memset(&b, 0, sizeof(b));
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:o:f:j:st:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
			given = 1;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((formats = parse_formats(optarg)) <= 0)
				return 2;
			break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 256) {
				fprintf(stderr, "rbc build: -j wants 1 to 256\n");
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
			build_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rbc build: bad option %s\n",
			    argv[optind - 1]);
			build_usage(stderr);
			return 2;
		}
	}
	/* "out/" names out: its sibling is out.tmp-*, not out/.tmp-*. */
	if (strlen(out) > 1 && out[strlen(out) - 1] == '/') {
		outbuf = xstrdup(out);
		while (strlen(outbuf) > 1 && outbuf[strlen(outbuf) - 1] == '/')
			outbuf[strlen(outbuf) - 1] = '\0';
		out = outbuf;
	}
	if (optind != argc) {
		build_usage(stderr);
		free(outbuf);
		return 2;
	}
	if ((content = content_folder("build", content, given, 0)) == NULL) {
		free(outbuf);
		return 2;
	}
	if (site_load_cached(&b, content, today, jobs, out, formats) == -1) {
		build_close(&b);
		free(outbuf);
		/* A full disk is the content's problem to fix: exit 1, as
		 * when the output cannot be written (the cause is said). */
		return pool_disk_full() ? 1 : 2;
	}
	if (formats & FMT_HTML)
		load_templates(&b);
	diags_init(&all, NULL);
	site_diags(&b.site, &all);
	worst = diags_worst(&all);
	rc = worst == SEV_ERROR || (strict && worst == SEV_WARNING) ? 1 : 0;
	if (rc == 0)
		rc = build_write(&b, out, formats, jobs, &all);
	if (rc == 2 && pool_disk_full())
		rc = 1;
	phase("finish");
	/* The render workers' come in whatever order they claimed runbooks. */
	diags_sort(&all);
	diags_print(&all, DFMT_TEXT, stderr, want_colour(stderr));
	/* The home page's text is no runbook. */
	for (i = 0; i < b.site.n; i++)
		built += !b.site.rb[i]->home;
	if (rc == 0)
		fprintf(stderr, "rbc: %zu runbook%s built into %s\n", built,
		    built == 1 ? "" : "s", out);
	else if (rc == 1)
		fprintf(stderr, "rbc: %zu error%s, %zu warning%s: %s left "
		    "untouched\n", diags_count(&all, SEV_ERROR),
		    diags_count(&all, SEV_ERROR) == 1 ? "" : "s",
		    diags_count(&all, SEV_WARNING),
		    diags_count(&all, SEV_WARNING) == 1 ? "" : "s", out);
#ifdef RBC_FREE_AT_EXIT
	diags_free(&all);
	build_close(&b);
	free(outbuf);
#else
	/*
	 * rbc exits next, and the system takes the site's 40 MB back at
	 * once: freeing it first, piece by piece, took 10 ms more (of a
	 * 0.25 s rebuild).  The sanitizer builds free it, so that
	 * LeakSanitizer still proves every piece can be.
	 */
	(void)outbuf;
#endif
	return rc;
}
