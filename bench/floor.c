/*
 * The benchmark's floor: what the libraries alone cost for a corpus, the
 * way issue 7 defines it.  Worker processes each take every Nth file:
 * read it, pass its front-matter through libyaml's event API, parse the
 * body with libcmark-gfm and its extensions, render HTML and (unless
 * --html-only) cmark's man page, and write both into OUT.  No checks, no
 * links, no templates: the least any compiler of these files must do.
 *
 *   floor [-j N] [--html-only] [--like SIZES] CORPUS OUT
 *
 * --like SIZES makes the floor write as many bytes as rbc does: SIZES
 * lists "BYTES PATH" for every file of an rbc output tree (find -printf
 * '%s %P\n'); each runbook's HTML and man page are padded (with their own
 * text, repeated) to the size of rbc's html/NAME.html and man/man7/NAME.7,
 * and the bytes of every other file rbc writes (site pages, assets, the
 * cache) are written too, shared between the workers.  The work is the
 * floor's, the output volume rbc's: what the output alone costs.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>
#include <yaml.h>

static char	**files;
static size_t	  nfiles;

struct like {
	char	*path;		/* relative to rbc's output tree */
	long	 size;
};
static struct like *likes;
static size_t	    nlikes;
static long	    like_rest;	/* bytes of the files no runbook names */

static int
like_cmp(const void *a, const void *b)
{
	return strcmp(((const struct like *)a)->path,
	    ((const struct like *)b)->path);
}

static void
like_read(const char *fn)
{
	char line[4096], *sp;
	FILE *f = fopen(fn, "r");
	size_t n;

	if (f == NULL) {
		perror(fn);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((n = strlen(line)) > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		likes = realloc(likes, (nlikes + 1) * sizeof(*likes));
		likes[nlikes].size = atol(line);
		likes[nlikes++].path = strdup(sp + 1);
	}
	fclose(f);
	qsort(likes, nlikes, sizeof(*likes), like_cmp);
}

/* The size rbc gave DIR/NAME.EXT, or -1; taken, so the rest is left. */
static long
like_size(const char *dir, const char *base, int len, const char *ext)
{
	struct like key, *l;
	char path[4096];

	snprintf(path, sizeof(path), "%s/%.*s%s", dir, len, base, ext);
	key.path = path;
	l = bsearch(&key, likes, nlikes, sizeof(*likes), like_cmp);
	if (l == NULL)
		return -1;
	return l->size;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
list(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	size_t n;

	if (d == NULL) {
		perror(dir);
		exit(1);
	}
	while ((de = readdir(d)) != NULL) {
		n = strlen(de->d_name);
		if (n < 4 || strcmp(de->d_name + n - 3, ".md") != 0)
			continue;
		files = realloc(files, (nfiles + 1) * sizeof(*files));
		files[nfiles] = malloc(strlen(dir) + n + 2);
		sprintf(files[nfiles++], "%s/%s", dir, de->d_name);
	}
	closedir(d);
	qsort(files, nfiles, sizeof(*files), cmp);
}

static void
put(const char *out, const char *file, const char *ext, const char *s)
{
	const char *base = strrchr(file, '/') + 1;
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%.*s%s", out,
	    (int)(strlen(base) - 3), base, ext);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	/* One write(2) a file, as rbc does: with stdio's 4 kB buffer a
	 * page took three, which cost this machine's ext4 0.1 to 0.2 s for
	 * 20,000 files, a floor slower than it need be. */
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	fputs(s, f);
	if (nlikes > 0) {
		size_t n = strlen(s), k;
		long want = like_size(strcmp(ext, ".7") == 0 ? "man/man7" : "html",
		    base, (int)(strlen(base) - 3), ext);

		for (k = n; n > 0 && want > 0 && (long)k < want; k += n)
			fwrite(s, 1, (long)(k + n) <= want ? n :
			    (size_t)(want - (long)k), f);
	}
	fclose(f);
}

/* The bytes of rbc's files that are no runbook's page. */
static long
like_others(void)
{
	long total = 0, n;
	size_t i;
	const char *base;

	for (i = 0; i < nlikes; i++)
		total += likes[i].size;
	for (i = 0; i < nfiles; i++) {
		base = strrchr(files[i], '/') + 1;
		if ((n = like_size("html", base, (int)(strlen(base) - 3),
		    ".html")) > 0)
			total -= n;
		if ((n = like_size("man/man7", base, (int)(strlen(base) - 3),
		    ".7")) > 0)
			total -= n;
	}
	return total;
}

/* Worker K's share of the bytes of rbc's other files. */
static void
put_rest(const char *out, int k, int jobs)
{
	static char blk[65536];
	char path[4096];
	long left = like_rest / jobs, w;
	FILE *f;

	memset(blk, '.', sizeof(blk));
	snprintf(path, sizeof(path), "%s/rest-%d", out, k);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		exit(1);
	}
	for (; left > 0; left -= w) {
		w = left < (long)sizeof(blk) ? left : (long)sizeof(blk);
		fwrite(blk, 1, (size_t)w, f);
	}
	fclose(f);
}

static void
one(const char *file, const char *out, int html_only)
{
	static const char *const exts[] = { "table", "strikethrough",
	    "autolink", "tagfilter", "tasklist", NULL };
	char *buf, *body = NULL, *end;
	yaml_parser_t yp;
	yaml_event_t ev;
	cmark_parser *p;
	cmark_node *doc;
	char *html, *man;
	FILE *f;
	long n;
	int i;

	if ((f = fopen(file, "rb")) == NULL)
		return;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	n = (long)fread(buf, 1, (size_t)n, f);
	buf[n] = '\0';
	fclose(f);
	body = buf;
	if (strncmp(buf, "---\n", 4) == 0 &&
	    (end = strstr(buf + 4, "\n---\n")) != NULL) {
		yaml_parser_initialize(&yp);
		yaml_parser_set_input_string(&yp, (unsigned char *)buf + 4,
		    (size_t)(end - buf - 3));
		do {
			if (!yaml_parser_parse(&yp, &ev))
				break;
			i = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
		} while (!i);
		yaml_parser_delete(&yp);
		body = end + 5;
	}
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; exts[i] != NULL; i++)
		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension(exts[i]));
	cmark_parser_feed(p, body, strlen(body));
	doc = cmark_parser_finish(p);
	html = cmark_render_html(doc, CMARK_OPT_DEFAULT,
	    cmark_parser_get_syntax_extensions(p));
	put(out, file, ".html", html);
	free(html);
	if (!html_only) {
		man = cmark_render_man(doc, CMARK_OPT_DEFAULT, 0);
		put(out, file, ".7", man);
		free(man);
	}
	cmark_node_free(doc);
	cmark_parser_free(p);
	free(buf);
}

int
main(int argc, char *argv[])
{
	int jobs = 2, html_only = 0, k, st, rc = 0;
	size_t i;

	while (argc > 1 && argv[1][0] == '-') {
		if (strcmp(argv[1], "-j") == 0 && argc > 2) {
			jobs = atoi(argv[2]);
			argv++;
			argc--;
		} else if (strcmp(argv[1], "--like") == 0 && argc > 2) {
			like_read(argv[2]);
			argv++;
			argc--;
		} else if (strcmp(argv[1], "--html-only") == 0)
			html_only = 1;
		else
			break;
		argv++;
		argc--;
	}
	if (argc != 3 || jobs < 1) {
		fputs("usage: floor [-j N] [--html-only] [--like SIZES] CORPUS OUT\n",
		    stderr);
		return 2;
	}
	cmark_gfm_core_extensions_ensure_registered();
	mkdir(argv[2], 0755);
	list(argv[1]);
	if (nlikes > 0)
		like_rest = like_others();
	for (k = 0; k < jobs; k++)
		if (fork() == 0) {
			for (i = (size_t)k; i < nfiles; i += (size_t)jobs)
				one(files[i], argv[2], html_only);
			if (nlikes > 0)
				put_rest(argv[2], k, jobs);
			_exit(0);
		}
	for (k = 0; k < jobs; k++) {
		wait(&st);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			rc = 1;
	}
	return rc;
}
