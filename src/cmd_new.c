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
#include <strings.h>
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
		fprintf(stderr, "rbc new: '%s' is not a valid id: a part is "
		    "empty, '.' or '..', starts with '_' or '.', or holds a "
		    "control character\n", id);
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
	fputs("usage: rbc import [--dry-run | --json] FILE.md... [-o OUT.md]\n"
	    "  Gives plain runbooks (or another tool's) front-matter from what\n"
	    "  their text says: contacts, severity levels, escalation,\n"
	    "  thresholds, owner and review dates, each with the line it came\n"
	    "  from.  Each FILE is rewritten in place, its body byte for byte;\n"
	    "  keys its front-matter has already are kept.\n"
	    "  -o OUT.md   write the one FILE's result to OUT.md instead\n"
	    "  --dry-run   print the front-matter each FILE would get\n"
	    "  --json      print what was read, as JSON (for tools)\n"
	    "example: rbc import --dry-run docs/runbooks/*.md\n", f);
}

/* Appends a JSON string, or null. */
static void
json_val(struct buf *b, const char *s)
{
	if (s == NULL) {
		BUF_PUTSL(b, "null");
		return;
	}
	json_esc(b, s, strlen(s), 0);
}

/* Appends {"value": ..., "line": N} for key of x, or null. */
static void
json_at(struct buf *b, const struct ynode *x, const char *key)
{
	const struct ynode *v = ymap_get(x, key);

	if (v == NULL || ystr(v) == NULL) {
		BUF_PUTSL(b, "null");
		return;
	}
	BUF_PUTSL(b, "{\"value\": ");
	json_val(b, ystr(v));
	buf_printf(b, ", \"line\": %d}", v->line);
}

/* Appends the list key of x, each item with its line and fields. */
static void
json_list(struct buf *b, const struct ynode *x, const char *key,
    const char *const *fields)
{
	const struct ynode *l = ymap_get(x, key), *it, *v;
	const struct ynode *more = strcmp(key, "escalation") == 0 ?
	    ymap_get(x, "escalation_more") : strcmp(key, "thresholds") == 0 ?
	    ymap_get(x, "thresholds_more") : NULL;
	size_t i, k, n = l != NULL ? l->n : 0;

	BUF_PUTSL(b, "[");
	for (i = 0; i < n + (more != NULL ? more->n : 0); i++) {
		it = i < n ? l->items[i] : more->items[i - n];
		buf_printf(b, "%s\n    {\"line\": %d", i ? "," : "", it->line);
		for (k = 0; fields[k] != NULL; k++) {
			buf_printf(b, ", \"%s\": ", fields[k]);
			v = ymap_get(it, fields[k]);
			if (v != NULL && (v->type == Y_INT ||
			    v->type == Y_FLOAT))
				buf_printf(b, "%.15g", v->num);
			else if (v != NULL && v->type == Y_SEQ) {
				/* notify: ids and names, as a list. */
				size_t q;

				BUF_PUTSL(b, "[");
				for (q = 0; q < v->n; q++) {
					if (q > 0)
						BUF_PUTSL(b, ", ");
					json_val(b, ystr(v->items[q]));
				}
				BUF_PUTSL(b, "]");
			} else
				json_val(b, ystr(v));
		}
		BUF_PUTSL(b, "}");
	}
	buf_puts(b, i > 0 ? "\n  ]" : "]");
}

/* Appends what was read of file, as one JSON object. */
static void
import_json(struct buf *b, const char *file, const struct ynode *x)
{
	static const char *const contact[] = { "id", "role", "name",
	    "phone", "email", "chat", "pager", "url", NULL };
	static const char *const severity[] = { "name", "description",
	    "response", "notify", NULL };
	static const char *const escalation[] = { "level", "who", "contact",
	    "after", "severity", NULL };
	static const char *const threshold[] = { "metric", "unit",
	    "direction", "target", "warning", "critical", "for", NULL };

	BUF_PUTSL(b, "{\n  \"file\": ");
	json_val(b, file);
	BUF_PUTSL(b, ",\n  \"owner\": ");
	json_at(b, x, "owner");
	BUF_PUTSL(b, ",\n  \"last_reviewed\": ");
	json_at(b, x, "last_reviewed");
	BUF_PUTSL(b, ",\n  \"review_every\": ");
	json_at(b, x, "review_every");
	BUF_PUTSL(b, ",\n  \"contacts\": ");
	json_list(b, x, "contacts", contact);
	BUF_PUTSL(b, ",\n  \"severity_levels\": ");
	json_list(b, x, "severity_levels", severity);
	BUF_PUTSL(b, ",\n  \"escalation\": ");
	json_list(b, x, "escalation", escalation);
	BUF_PUTSL(b, ",\n  \"thresholds\": ");
	json_list(b, x, "thresholds", threshold);
	BUF_PUTSL(b, "\n}");
}

/* Appends key: value (a scalar of x) with its source line. */
static void
yaml_line(struct buf *b, const char *indent, const char *key,
    const struct ynode *v)
{
	size_t i;

	buf_printf(b, "%s%s: ", indent, key);
	if (v->type == Y_INT || v->type == Y_FLOAT)
		buf_put(b, v->s, v->slen);
	else if (v->type == Y_SEQ) {
		/* A list of names (notify): one line, as a flow sequence. */
		buf_putc(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				BUF_PUTSL(b, ", ");
			yaml_quoted(b, ystr(v->items[i]) != NULL ?
			    ystr(v->items[i]) : "");
		}
		buf_putc(b, ']');
	} else
		yaml_quoted(b, ystr(v) != NULL ? ystr(v) : "");
	buf_printf(b, "\t# line %d\n", v->line);
}

/* Appends the list key of x as YAML, each item's line in a comment. */
static void
yaml_list(struct buf *b, const struct ynode *x, const char *key)
{
	const struct ynode *l = ymap_get(x, key), *it;
	size_t i, k;

	if (l == NULL || l->type != Y_SEQ || l->n == 0)
		return;
	buf_printf(b, "%s:\n", key);
	for (i = 0; i < l->n; i++) {
		it = l->items[i];
		for (k = 0; k < it->n; k++)
			yaml_line(b, k == 0 ? "  - " : "    ",
			    it->keys[k]->s, it->items[k]);
	}
}

/* Appends key k of a map: bare where it is a plain name, which no YAML
 * reads as anything else ("on" is true to YAML 1.1), else quoted. */
static void
yaml_key(struct buf *b, const struct ynode *k)
{
	static const char *const word[] = { "y", "n", "yes", "no", "on",
	    "off", "true", "false", "null", NULL };
	size_t i, w;

	for (i = 0; i < k->slen; i++)
		if (!(isalpha((unsigned char)k->s[i]) || k->s[i] == '_' ||
		    (i > 0 && (isdigit((unsigned char)k->s[i]) ||
		    k->s[i] == '-'))))
			break;
	for (w = 0; i == k->slen && i > 0 && word[w] != NULL; w++)
		if (strcasecmp(k->s, word[w]) == 0)
			i = 0;
	if (i == k->slen && i > 0)
		buf_put(b, k->s, k->slen);
	else
		json_esc(b, k->s, k->slen, 0);
}

/* Appends v in YAML's flow style, which JSON's is: another format's
 * front-matter (TOML) as YAML. */
static void
yaml_flow(struct buf *b, const struct ynode *v)
{
	size_t i;

	switch (v->type) {
	case Y_NULL:
		BUF_PUTSL(b, "null");
		break;
	case Y_BOOL:
		buf_puts(b, v->b ? "true" : "false");
		break;
	case Y_INT:
	case Y_FLOAT:
		buf_put(b, v->s, v->slen);
		break;
	case Y_SEQ:
	case Y_MAP:
		buf_putc(b, v->type == Y_SEQ ? '[' : '{');
		for (i = 0; i < v->n; i++) {
			if (i > 0)
				BUF_PUTSL(b, ", ");
			if (v->type == Y_MAP) {
				yaml_key(b, v->keys[i]);
				BUF_PUTSL(b, ": ");
			}
			yaml_flow(b, v->items[i]);
		}
		buf_putc(b, v->type == Y_SEQ ? ']' : '}');
		break;
	default:
		json_esc(b, v->s != NULL ? v->s : "", v->slen, 0);
		break;
	}
}

/* The first H1's text. */
static void
first_h1(cmark_node *doc, struct buf *title)
{
	cmark_node *n;

	for (n = cmark_node_first_child(doc); n != NULL && title->len == 0;
	    n = cmark_node_next(n))
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) == 1)
			md_text(n, title, MD_TEXT_IMAGES);
}

/*
 * Reads file as a runbook and makes its new text in out: the front-matter
 * it has, completed with what its text says, then its body byte for
 * byte.  Appends what was read to json when json is not NULL.  Returns
 * the number of keys added, or -1 after a message.
 */
static int
import_one(const char *file, struct buf *out, struct buf *json,
    struct buf *fmonly)
{
	struct site s;
	struct runbook *r;
	const struct ynode *x;
	struct buf title = { NULL, 0, 0 };
	char *dir = xstrdup(file), *slash = strrchr(dir, '/'), *id;
	const char *base = slash != NULL ? slash + 1 : file;
	size_t fmlen = 0;
	int added = 0, rc = 0;
	static const char *const lists[] = { "severity_levels", "contacts",
	    "escalation", "thresholds", "quickref", NULL };
	static const char *const scalars[] = { "owner", "last_reviewed",
	    "review_every", NULL };
	size_t k;

	if (slash != NULL)
		*slash = '\0';
	if (site_open(&s, slash != NULL ? dir : ".", "2026-01-01") == -1) {
		free(dir);
		return -1;
	}
	r = runbook_read(&s, base);
	if (r->unreadable || r->bad_utf8) {
		fprintf(stderr, "rbc import: %s: %s\n", file, r->unreadable ?
		    "cannot be read (or larger than 1 MiB)" : "not UTF-8");
		runbook_free(r);
		site_close(&s);
		free(dir);
		return -1;
	}
	md_parse(&s, r);
	x = extract(r, 1);
	if (json != NULL)
		import_json(json, file, x);
	first_h1(r->doc, &title);
	/* The front-matter as written (another tool's keys kept); TOML's
	 * (Hugo's "+++") as YAML, each key on its line. */
	if (r->fm != NULL && r->body_off > 0 && r->fm_toml) {
		BUF_PUTSL(fmonly, "---\n");
		for (k = 0; k < r->fm->n; k++) {
			yaml_key(fmonly, r->fm->keys[k]);
			BUF_PUTSL(fmonly, ": ");
			yaml_flow(fmonly, r->fm->items[k]);
			buf_putc(fmonly, '\n');
		}
	} else if (r->fm != NULL && r->body_off > 0) {
		const char *p = r->raw.data;
		size_t start = r->raw.len >= 3 && memcmp(p, "\xef\xbb\xbf",
		    3) == 0 ? 3 : 0, end = r->body_off;
		/* Up to its closing line, which is rewritten below. */
		while (end > start && p[end - 1] != '\n')
			end--;
		if (end > start)
			end--;
		while (end > start && p[end - 1] != '\n')
			end--;
		buf_put(fmonly, p + start, end - start);
		fmlen = end - start;
	} else
		BUF_PUTSL(fmonly, "---\n");
	if (ymap_get(r->fm, "id") == NULL && !id_valid(r->id)) {
		id = id_of(file);
		buf_printf(fmonly, "id: %s\n", id);
		free(id);
		added++;
	}
	if (ymap_get(r->fm, "title") == NULL) {
		BUF_PUTSL(fmonly, "title: ");
		yaml_quoted(fmonly, title.len ? buf_cstr(&title) : r->id);
		buf_putc(fmonly, '\n');
		added++;
	}
	if (ymap_get(r->fm, "summary") == NULL &&
	    ystr(ymap_get(r->fm, "description")) == NULL &&
	    ystr(ymap_get(x, "summary")) != NULL) {
		BUF_PUTSL(fmonly, "summary: ");
		yaml_quoted(fmonly, ystr(ymap_get(x, "summary")));
		buf_putc(fmonly, '\n');
		added++;
	}
	for (k = 0; scalars[k] != NULL; k++) {
		const struct ynode *v;
		if (ymap_get(r->fm, scalars[k]) != NULL)
			continue;
		if ((v = ymap_get(x, scalars[k])) != NULL) {
			yaml_line(fmonly, "", scalars[k], v);
			added++;
		} else if (k == 0) {
			/* Said nowhere: a placeholder lint reports. */
			BUF_PUTSL(fmonly, "owner: \"[owning team]\"\n");
			added++;
		}
	}
	for (k = 0; lists[k] != NULL; k++)
		if (ymap_get(r->fm, lists[k]) == NULL &&
		    ymap_get(x, lists[k]) != NULL) {
			yaml_list(fmonly, x, lists[k]);
			added++;
		}
	BUF_PUTSL(fmonly, "---\n");
	buf_put(out, fmonly->data, fmonly->len);
	buf_put(out, r->raw.data + r->body_off, r->raw.len - r->body_off);
	(void)fmlen;
	rc = added;
	buf_free(&title);
	runbook_free(r);
	site_close(&s);
	free(dir);
	return rc;
}

/* rbc import: returns the exit status. */
int
cmd_import(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *outf = NULL;
	struct buf out = { NULL, 0, 0 }, json = { NULL, 0, 0 };
	struct buf fm = { NULL, 0, 0 };
	int ch, i, n, dry = 0, asjson = 0, rc = 0, files;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			dry = 1;
			break;
		case 'j':
			asjson = 1;
			break;
		case 'o':
			outf = optarg;
			break;
		case 'h':
			import_usage(stdout);
			return 0;
		default:
			import_usage(stderr);
			return 2;
		}
	}
	files = argc - optind;
	if (files == 0 || (outf != NULL && files != 1)) {
		import_usage(stderr);
		return 2;
	}
	if (asjson)
		BUF_PUTSL(&json, "[");
	for (i = optind; i < argc; i++) {
		buf_reset(&out);
		buf_reset(&fm);
		if (asjson && i > optind)
			BUF_PUTSL(&json, ",\n");
		if ((n = import_one(argv[i], &out, asjson ? &json : NULL,
		    &fm)) == -1) {
			rc = 2;
			continue;
		}
		if (asjson)
			continue;
		if (dry) {
			printf("%s:\n", argv[i]);
			fwrite(fm.data, 1, fm.len, stdout);
			continue;
		}
		if (write_whole(outf != NULL ? outf : argv[i], out.data,
		    out.len) == -1)
			rc = 2;
		else
			fprintf(stderr, "rbc import: %s: %d key%s added%s%s\n",
			    argv[i], n, n == 1 ? "" : "s", outf != NULL ?
			    " into " : "", outf != NULL ? outf : "");
	}
	if (asjson) {
		BUF_PUTSL(&json, "]\n");
		fwrite(json.data, 1, json.len, stdout);
	}
	buf_free(&out);
	buf_free(&json);
	buf_free(&fm);
	return rc;
}
