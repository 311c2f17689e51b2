/*
 * rbc new and rbc import: runbooks into rbc's form.
 *
 *   rbc new [--content DIR] ID      a runbook from templates/new.md.mustache
 *                                   (the site's own, else rbc's), whose only
 *                                   lint findings are its placeholders
 *   rbc import FILE.md [-o OUT.md]  a plain Markdown runbook with
 *                                   front-matter extracted: the id from the
 *                                   file name, the title from the first H1,
 *                                   the summary from the first paragraph;
 *                                   the body is kept byte for byte
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm.h>

#include "cmd.h"

/* Writes p to path whole or not at all (a temporary, then rename). */
static int
write_whole(const char *path, const char *p, size_t n)
{
	char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
	int rc = 0;

	if (write_file(tmp, p, n) == -1 || rename(tmp, path) == -1) {
		fprintf(stderr, "rbc: cannot write %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
		rc = -1;
	}
	free(tmp);
	return rc;
}

/* Returns "Payments api" for "billing/payments-api": a title to edit. */
static char *
title_of(const char *id)
{
	const char *base = strrchr(id, '/');
	char *t = xstrdup(base != NULL ? base + 1 : id), *p;

	for (p = t; *p != '\0'; p++)
		if (*p == '-' || *p == '_' || *p == '.')
			*p = ' ';
	t[0] = (char)toupper((unsigned char)t[0]);
	return t;
}


static void
new_usage(FILE *f)
{
	fputs("usage: rbc new [--content DIR] ID\n"
	    "  Writes DIR/ID.md from the runbook template; it passes lint "
	    "except for\n"
	    "  its placeholders, which lint names until they are filled "
	    "in.\n"
	    "  --content DIR   the content folder (default: content)\n"
	    "example: rbc new db/postgres-failover\n", f);
}

/* rbc new: returns the exit status. */
int
cmd_new(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *content = "content", *id;
	struct buf src = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	struct mustache *m;
	struct arena *a;
	struct ynode *ctx;
	char *path, *root, *slash, *title, *err, date[11];
	size_t k;
	int ch, rc = 0, given = 0;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
			given = 1;
			break;
		case 'h':
			new_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rbc new: bad option %s\n",
			    argv[optind - 1]);
			new_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc) {
		new_usage(stderr);
		return 2;
	}
	id = argv[optind];
	/* From inside the content folder (a site.yaml here, no content/),
	 * the runbook goes here; otherwise content/ is made if need be. */
	if (!given && access(content, F_OK) != 0 &&
	    access("site.yaml", F_OK) == 0)
		content = ".";
	if (today_date(NULL, date) == -1)
		return 2;
	if (!id_valid(id)) {
		fprintf(stderr, "rbc new: '%s' is not a valid id: each "
		    "/-separated part must match [A-Za-z0-9][A-Za-z0-9._-]*\n",
		    id);
		return 2;
	}
	path = xasprintf("%s/%s.md", content, id);
	if (access(path, F_OK) == 0) {
		fprintf(stderr, "rbc new: %s exists already\n", path);
		free(path);
		return 2;
	}
	/* The site's own template beside its content folder, else rbc's. */
	root = xstrdup(content);
	if ((slash = strrchr(root, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(root, ".");
	{
		char *own = xasprintf("%s/templates/new.md.mustache", root);
		if (read_file(own, &src, RBC_MAX_FILE) != 0) {
			buf_reset(&src);
			for (k = 0; embedded_files[k].name != NULL; k++)
				if (strcmp(embedded_files[k].name,
				    "templates/new.md.mustache") == 0)
					buf_put(&src, embedded_files[k].data,
					    embedded_files[k].len);
		}
		free(own);
	}
	free(root);
	m = mustache_new();
	if (mustache_add(m, "new", buf_cstr(&src), src.len, &err) == -1) {
		fprintf(stderr, "rbc new: templates/new.md.mustache: %s\n", err);
		free(err);
		rc = 2;
	} else {
		a = arena_new();
		ctx = ynew(a, Y_MAP);
		title = title_of(id);
		ymap_setz(a, ctx, "id", id);
		ymap_setz(a, ctx, "title", title);
		ymap_setz(a, ctx, "today", date);
		mustache_render(m, "new", ctx, &out);
		free(title);
		arena_free(a);
		if ((slash = strrchr(path, '/')) != NULL) {
			*slash = '\0';
			mkdir_p(path);
			*slash = '/';
		}
		if (write_whole(path, out.data, out.len) == -1)
			rc = 2;
		else
			printf("%s\n", path);
	}
	mustache_free(m);
	buf_free(&src);
	buf_free(&out);
	free(path);
	return rc;
}

/* Appends s as a double-quoted YAML scalar. */
static void
yaml_quoted(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (; *s != '\0'; s++) {
		if (*s == '"' || *s == '\\')
			buf_putc(b, '\\');
		if (*s == '\n' || *s == '\t')
			buf_putc(b, ' ');
		else
			buf_putc(b, *s);
	}
	buf_putc(b, '"');
}

/* Returns the id of a file name: "Payments API.md" -> "payments-api". */
static char *
id_of(const char *file)
{
	const char *base = strrchr(file, '/');
	struct buf b = { NULL, 0, 0 };
	const char *p;
	size_t n;

	base = base != NULL ? base + 1 : file;
	n = strlen(base);
	/* Without its extension (.md, .txt, .markdown). */
	for (p = base + n; p > base; p--)
		if (*p == '.') {
			n = (size_t)(p - base);
			break;
		}
	for (p = base; p < base + n; p++) {
		if (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
			buf_putc(&b, tolower((unsigned char)*p));
		else if (b.len > 0 && b.data[b.len - 1] != '-')
			buf_putc(&b, '-');
	}
	while (b.len > 0 && (b.data[b.len - 1] == '-' ||
	    b.data[b.len - 1] == '.'))
		b.len--;
	if (b.len == 0 || !isalnum((unsigned char)b.data[0])) {
		buf_reset(&b);
		BUF_PUTSL(&b, "runbook");
	}
	return buf_detach(&b);
}

static void
import_usage(FILE *f)
{
	fputs("usage: rbc import FILE.md [-o OUT.md]\n"
	    "  Turns a plain Markdown runbook into rbc's form: "
	    "front-matter made from\n"
	    "  its text, the body kept.\n"
	    "  -o OUT.md       where to write it (default: standard "
	    "output)\n"
	    "example: rbc import legacy/payments.md -o "
	    "content/payments.md\n", f);
}

/* rbc import: returns the exit status. */
int
cmd_import(int argc, char **argv)
{
	const char *in = NULL, *outf = NULL, *body;
	struct buf raw = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	struct buf title = { NULL, 0, 0 }, summary = { NULL, 0, 0 };
	cmark_node *doc, *n;
	char *id, date[11];
	size_t blen;
	int i, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-o") == 0 && i + 1 < argc)
			outf = argv[++i];
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			import_usage(stdout);
			return 0;
		} else if (argv[i][0] == '-' || in != NULL) {
			import_usage(stderr);
			return 2;
		} else
			in = argv[i];
	}
	if (in == NULL) {
		import_usage(stderr);
		return 2;
	}
	if ((i = read_file(in, &raw, RBC_MAX_FILE)) != 0) {
		fprintf(stderr, "rbc import: %s: %s\n", in, i == -2 ?
		    "larger than 4 MiB" : read_error(i));
		return 2;
	}
	body = buf_cstr(&raw);
	blen = raw.len;
	if (blen >= 3 && memcmp(body, "\xef\xbb\xbf", 3) == 0)
		body += 3, blen -= 3;
	if (strncmp(body, "---\n", 4) == 0 || strncmp(body, "---\r\n", 5) == 0) {
		fprintf(stderr, "rbc import: %s has front-matter already\n", in);
		buf_free(&raw);
		return 1;
	}
	doc = cmark_parse_document(body, blen, CMARK_OPT_DEFAULT);
	for (n = cmark_node_first_child(doc); n != NULL; n = cmark_node_next(n)) {
		if (title.len == 0 &&
		    cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) == 1)
			md_text(n, &title, 1);
		else if (summary.len == 0 &&
		    cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH) {
			char *dot;
			md_text(n, &summary, 1);
			/* The first sentence, at most 160 bytes. */
			buf_cstr(&summary);
			if ((dot = strstr(summary.data, ". ")) != NULL)
				summary.len = (size_t)(dot - summary.data) + 1;
			if (summary.len > 160) {
				summary.len = 157;
				while (summary.len > 0 &&
				    (summary.data[summary.len] & 0xc0) == 0x80)
					summary.len--;
				BUF_PUTSL(&summary, "...");
			}
			summary.data[summary.len] = '\0';
		}
	}
	cmark_node_free(doc);
	if (today_date(NULL, date) == -1) {
		buf_free(&raw);
		return 2;
	}
	id = id_of(in);
	BUF_PUTSL(&b, "---\nid: ");
	buf_puts(&b, id);
	BUF_PUTSL(&b, "\ntitle: ");
	yaml_quoted(&b, title.len ? buf_cstr(&title) : id);
	if (summary.len) {
		BUF_PUTSL(&b, "\nsummary: ");
		yaml_quoted(&b, buf_cstr(&summary));
	}
	buf_printf(&b, "\nowner: \"[owning team]\"\nlast_reviewed: %s\n"
	    "review_every: 90d\n---\n", date);
	buf_put(&b, body, blen);
	if (outf != NULL) {
		if (write_whole(outf, b.data, b.len) == -1)
			rc = 2;
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len)
		rc = 2;
	free(id);
	buf_free(&raw);
	buf_free(&b);
	buf_free(&title);
	buf_free(&summary);
	return rc;
}
