/*
 * rbc schema: print the effective front-matter schema, or validate YAML
 * and JSON documents against a JSON Schema (--check).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

/* Returns the exit status after printing the usage to f. */
static int
schema_usage(FILE *f)
{
	fputs("usage: rbc schema [--content DIR]      print the effective "
	    "runbook schema (JSON)\n"
	    "       rbc schema --check [--formats] SCHEMA FILE...\n"
	    "                                       validate YAML/JSON "
	    "documents (exit 0 valid, 1 not)\n"
	    "  --content DIR   the content folder whose site.yaml schema "
	    "is added\n"
	    "                  (default: content)\n"
	    "  --formats       assert \"format\" (date, email, uri, "
	    "duration, phone;\n"
	    "                  default: formats are annotations only)\n"
	    "example: rbc schema > runbook.schema.json\n", f);
	return f == stdout ? 0 : 2;
}

/*
 * Prints the effective schema as pretty JSON: the built-in one, or, when
 * the site's site.yaml names a schema of its own, both under allOf (as
 * validation applies them).  Returns the exit status.
 */
static int
print_builtin(const char *content)
{
	struct diags d;
	struct arena *a = arena_new();
	struct buf b = { NULL, 0, 0 };
	struct ynode *y = NULL;
	const char *s;
	size_t n;
	int rc = 0;

	diags_init(&d, NULL);
	if ((s = schema_builtin(&n)) != NULL)
		y = json_load(a, s, n, SCHEMA_BUILTIN_NAME, &d);
	if (y != NULL && content != NULL) {
		struct site site;
		struct ynode *own, *all;
		char *path;
		int ioerr = 0;

		if (site_open(&site, content, NULL) == -1) {
			site_close(&site);
			arena_free(a);
			return 2;
		}
		if (site.cfg.schema != NULL) {
			path = site.cfg.schema[0] == '/' ?
			    xstrdup(site.cfg.schema) :
			    path_join(site.content, site.cfg.schema);
			own = schema_doc_load(a, path, &d, &ioerr);
			free(path);
			if (own == NULL)
				y = NULL;
			else {
				all = ynew(a, Y_MAP);
				ymap_setz(a, all, "$schema", "https://json-schema"
				    ".org/draft/2020-12/schema");
				ymap_setz(a, all, "title", "Runbook front-matter "
				    "(rbc built-in and site schema)");
				ymap_set(a, all, "allOf", ynew(a, Y_SEQ));
				yseq_push(a, (struct ynode *)ymap_get(all,
				    "allOf"), y);
				yseq_push(a, (struct ynode *)ymap_get(all,
				    "allOf"), own);
				y = all;
			}
		}
		diags_append(&d, &site.diags);
		site_close(&site);
	}
	if (y == NULL) {
		diags_print(&d, DFMT_TEXT, stderr, 0);
		fputs("rbc schema: the built-in schema is missing or "
		    "broken\n", stderr);
		rc = 2;
	} else {
		yjson(&b, y, 1);
		buf_putc(&b, '\n');
		if (fwrite(b.data, 1, b.len, stdout) != b.len ||
		    fflush(stdout) != 0) {
			fprintf(stderr, "rbc schema: stdout: %s\n",
			    strerror(errno));
			rc = 2;
		}
	}
	buf_free(&b);
	diags_free(&d);
	arena_free(a);
	return rc;
}

/*
 * rbc schema [--check [--formats] SCHEMA FILE...].  Returns the exit
 * status: 0 valid, 1 a document is invalid, 2 usage, I/O or a schema
 * that does not compile.
 */
int
cmd_schema(int argc, char **argv)
{
	struct diags d;
	struct schema *sc;
	struct arena *a;
	struct ynode *y;
	const char *content = NULL;
	int i, check = 0, formats = 0, ioerr = 0, rc;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != '\0';
	    i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--content") == 0 && i + 1 < argc)
			content = argv[++i];
		else if (strcmp(argv[i], "--check") == 0)
			check = 1;
		else if (strcmp(argv[i], "--formats") == 0)
			formats = 1;
		else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0)
			return schema_usage(stdout);
		else {
			fprintf(stderr, "rbc schema: unknown option %s\n",
			    argv[i]);
			return schema_usage(stderr);
		}
	}
	if (!check) {
		if (i < argc || formats)
			return schema_usage(stderr);
		return print_builtin(content);
	}
	if (argc - i < 2)
		return schema_usage(stderr);
	diags_init(&d, NULL);
	if ((sc = schema_load(argv[i], formats ? SCHEMA_ASSERT_FORMATS : 0,
	    &d)) == NULL) {
		diags_sort(&d);
		diags_print(&d, DFMT_TEXT, stderr, 0);
		diags_free(&d);
		return 2;
	}
	for (i++; i < argc; i++) {
		a = arena_new();
		if ((y = schema_doc_load(a, argv[i], &d, &ioerr)) != NULL)
			schema_validate(sc, y, argv[i], &d);
		arena_free(a);
	}
	diags_sort(&d);
	diags_print(&d, DFMT_TEXT, stderr, 0);
	rc = ioerr ? 2 : diags_worst(&d) == SEV_ERROR ? 1 : 0;
	diags_free(&d);
	schema_free(sc);
	return rc;
}
