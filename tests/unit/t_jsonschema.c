/*
 * The JSON Schema engine: the official JSON Schema Test Suite (draft
 * 2020-12, from $RBC_SHARED or ../shared), hostile schemas and patterns,
 * the built-in runbook schema, and `rbc schema` printing it.  (The
 * command's diagnostics are case folders: tests/cases/schema-NAME/.)
 * One PASS/FAIL/SKIP line per case, "N passed, N failed" at the end, exit
 * 1 on any failure.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "harness.h"

#define SUITE	"testsuites/json-schema-draft2020-12"

/* Whole files for keywords rbc does not implement. */
static const struct {
	const char	*file;
	const char	*why;
} skip_files[] = {
	{ "dynamicRef", "$dynamicRef and $dynamicAnchor" },
	{ "refRemote", "remote $ref (documents fetched by URI)" },
	{ "unevaluatedItems", "unevaluatedItems" },
	{ "unevaluatedProperties", "unevaluatedProperties" },
	{ "vocabulary", "$vocabulary (custom metaschemas)" },
};

/* Groups (test NULL: all of its tests) that need out-of-scope features. */
static const struct {
	const char	*file;
	const char	*group;
	const char	*test;
	const char	*why;
} skip_tests[] = {
	{ "defs", "validate definition against metaschema", NULL,
	    "needs the draft 2020-12 metaschema (remote $ref, $dynamicRef)" },
	{ "ref", "remote ref, containing refs itself", NULL,
	    "needs the draft 2020-12 metaschema (remote $ref)" },
	{ "ref", "ref creates new scope when adjacent to keywords", NULL,
	    "unevaluatedProperties" },
	{ "not", "collect annotations inside a 'not', even if collection "
	    "is disabled", NULL, "unevaluatedProperties" },
};

/* Reports a failing case at the caller's line: see fail_at(). */
#define fail(name, why, d) \
	fail_at(__FILE__, __LINE__, (name), (why), (d))

/* Prints a failing case's FAIL line, with up to 8 diagnostics. */
static void
fail_at(const char *file, int line, const char *name, const char *why,
    const struct diags *d)
{
	size_t i;

	test_fail_at(file, line, name, "%s", why);
	for (i = 0; d != NULL && i < d->n && i < 8; i++)
		printf("    %d:%d: %s [%s]\n", d->v[i].line, d->v[i].col,
		    d->v[i].msg, rule_table[d->v[i].rule].id);
}

/* Returns 1 if d holds a diagnostic of rule r containing substr. */
static int
has_rule(const struct diags *d, enum rule r, const char *substr)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].rule == r && (substr == NULL ||
		    strstr(d->v[i].msg, substr) != NULL))
			return 1;
	return 0;
}

/* Returns monotonic seconds. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Returns the text of a string node, or "" for anything else. */
static const char *
text(const struct ynode *y)
{
	return y != NULL && y->type == Y_STR ? y->s : "";
}

/* Returns the value of key in map y, or NULL. */
static const struct ynode *
get(const struct ynode *y, const char *key)
{
	size_t i;

	for (i = 0; y != NULL && y->type == Y_MAP && i < y->n; i++)
		if (strcmp(y->keys[i]->s, key) == 0)
			return y->items[i];
	return NULL;
}

/* Returns why a suite test is skipped, or NULL to run it. */
static const char *
skip_reason(const char *file, const char *group, const char *test)
{
	size_t i;

	for (i = 0; i < sizeof(skip_tests) / sizeof(skip_tests[0]); i++)
		if (strcmp(skip_tests[i].file, file) == 0 &&
		    strcmp(skip_tests[i].group, group) == 0 &&
		    (skip_tests[i].test == NULL ||
		    strcmp(skip_tests[i].test, test) == 0))
			return skip_tests[i].why;
	return NULL;
}

/* Runs every group and test of one suite file. */
static void
suite_file(const char *dir, const char *fname)
{
	char stem[256], name[1024];
	struct buf b = { NULL, 0, 0 };
	struct diags d, cd;
	struct arena *a = arena_new();
	const struct ynode *root, *g, *tests, *t, *valid;
	struct schema *sc;
	char *path;
	size_t i, j;
	int got;

	snprintf(stem, sizeof(stem), "%.*s", (int)(strlen(fname) - 5), fname);
	for (i = 0; i < sizeof(skip_files) / sizeof(skip_files[0]); i++)
		if (strcmp(skip_files[i].file, stem) == 0) {
			snprintf(name, sizeof(name), "jsonschema/%s", stem);
			test_skip(name, "out of scope");
			goto done;
		}
	path = path_join(dir, fname);
	diags_init(&d, NULL);
	if (read_file(path, &b, 16u << 20) != 0 ||
	    (root = json_load(a, b.data, b.len, path, &d)) == NULL ||
	    root->type != Y_SEQ) {
		snprintf(name, sizeof(name), "jsonschema/%s", stem);
		fail(name, "cannot load the file", &d);
		diags_free(&d);
		free(path);
		goto done;
	}
	diags_free(&d);
	for (i = 0; i < root->n; i++) {
		g = root->items[i];
		tests = get(g, "tests");
		diags_init(&cd, NULL);
		sc = schema_compile_opts(get(g, "schema"), path, 0, &cd);
		for (j = 0; tests != NULL && j < tests->n; j++) {
			const char *why;
			t = tests->items[j];
			valid = get(t, "valid");
			snprintf(name, sizeof(name), "jsonschema/%s/%s/%s",
			    stem, text(get(g, "description")),
			    text(get(t, "description")));
			if ((why = skip_reason(stem,
			    text(get(g, "description")),
			    text(get(t, "description")))) != NULL) {
				test_skip(name, "%s", why);
				continue;
			}
			if (sc == NULL) {
				fail(name, "the schema does not compile", &cd);
				continue;
			}
			diags_init(&d, NULL);
			got = schema_validate(sc, get(t, "data"), "data", &d);
			if (valid == NULL || valid->type != Y_BOOL)
				fail(name, "no \"valid\" in the test", NULL);
			else if ((got == 0) == (valid->b != 0))
				test_pass(name);
			else
				fail(name, valid->b ? "expected valid" :
				    "expected invalid", &d);
			/* A valid document reports nothing at all. */
			if (got == 0 && d.n > 0)
				fail(name, "diagnostic on a valid document",
				    &d);
			diags_free(&d);
		}
		schema_free(sc);
		diags_free(&cd);
	}
	free(path);
done:
	buf_free(&b);
	arena_free(a);
}

/* Returns the strcmp order of two names (for qsort). */
static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns -1 (reported) if the suite is not there. */
static int
suite(void)
{
	const char *shared = getenv("RBC_SHARED");
	struct dirent *de;
	char *dir, **names = NULL;
	size_t n = 0, i;
	DIR *dp;

	dir = path_join(shared != NULL && *shared ? shared : "../shared",
	    SUITE);
	if ((dp = opendir(dir)) == NULL) {
		test_missing("jsonschema-suite", "%s not found", dir);
		free(dir);
		return -1;
	}
	while ((de = readdir(dp)) != NULL)
		if (str_has_suffix(de->d_name, ".json")) {
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
	closedir(dp);
	qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		suite_file(dir, names[i]);
		free(names[i]);
	}
	free(names);
	free(dir);
	return 0;
}

/* ------------------------------------------------------------- hostile */

/*
 * Compiles schema (JSON text) and validates doc (JSON text).  Returns the
 * compiled schema's verdict: -2 schema refused, else the problem count;
 * diagnostics are left in d and the time taken in *secs.
 */
static int
run(const char *schema, const char *doc, int flags, struct diags *d,
    double *secs)
{
	struct arena *a = arena_new();
	struct ynode *sy, *dy;
	struct schema *sc;
	double t0 = now();
	int rc = -2;

	sy = json_load(a, schema, strlen(schema), "schema.json", d);
	dy = json_load(a, doc, strlen(doc), "doc.json", d);
	if (sy == NULL || dy == NULL) {
		printf("# test bug: bad JSON\n");
		rc = -3;
	} else if ((sc = schema_compile_opts(sy, "schema.json", flags, d)) !=
	    NULL) {
		rc = schema_validate(sc, dy, "doc.json", d);
		schema_free(sc);
	}
	if (secs != NULL)
		*secs = now() - t0;
	arena_free(a);
	return rc;
}

/* Runs the hostile schemas, patterns and documents. */
static void
hostile(void)
{
	struct buf s = { NULL, 0, 0 }, doc = { NULL, 0, 0 };
	struct diags d;
	double secs;
	int rc, i;

	/* Catastrophic backtracking: a limit, reported, fast. */
	diags_init(&d, NULL);
	buf_puts(&doc, "\"");
	for (i = 0; i < 30; i++)
		buf_putc(&doc, 'a');
	buf_puts(&doc, "b\"");
	rc = run("{\"pattern\": \"^(a+)+$\"}", buf_cstr(&doc), 0, &d, &secs);
	if (rc > 0 && secs < 1.0 && has_rule(&d, R_LIMIT,
	    "pattern \"^(a+)+$\" gave up: match limit exceeded"))
		test_pass("hostile/pattern ^(a+)+$ on 30 a's and b");
	else
		fail("hostile/pattern ^(a+)+$ on 30 a's and b", "expected an "
		    "R_LIMIT diagnostic in under a second", &d);
	printf("# ^(a+)+$: %.3f s\n", secs);
	diags_free(&d);

	diags_init(&d, NULL);
	rc = run("{\"patternProperties\": {\"^(a|aa)+$\": false}}",
	    "{\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\": 1}",
	    0, &d, &secs);
	if (rc > 0 && secs < 1.0 && has_rule(&d, R_LIMIT, "gave up"))
		test_pass("hostile/patternProperties (a|aa)+ on a long key");
	else
		fail("hostile/patternProperties (a|aa)+ on a long key",
		    "expected an R_LIMIT diagnostic", &d);
	diags_free(&d);

	/* \C would split a UTF-8 character: refused at compile time. */
	diags_init(&d, NULL);
	rc = run("{\"pattern\": \"a\\\\Cb\"}", "\"a\\u00e9b\"", 0, &d, NULL);
	if (rc == -2 && has_rule(&d, R_SCHEMA, "does not compile"))
		test_pass("hostile/pattern with \\C");
	else
		fail("hostile/pattern with \\C", "expected a compile "
		    "diagnostic", &d);
	diags_free(&d);

	/* 300 nested groups: refused (pcre2's nesting limit) or fine. */
	diags_init(&d, NULL);
	buf_reset(&s);
	buf_puts(&s, "{\"pattern\": \"^");
	for (i = 0; i < 300; i++)
		buf_putc(&s, '(');
	buf_putc(&s, 'a');
	for (i = 0; i < 300; i++)
		buf_putc(&s, ')');
	buf_puts(&s, "$\"}");
	rc = run(buf_cstr(&s), "\"a\"", 0, &d, NULL);
	if ((rc == -2 && has_rule(&d, R_SCHEMA, "does not compile")) ||
	    rc == 0)
		test_pass("hostile/pattern with 300 nested groups");
	else
		fail("hostile/pattern with 300 nested groups", "expected a "
		    "compile diagnostic or a match", &d);
	diags_free(&d);

	/* An invalid pattern points into the schema file. */
	diags_init(&d, NULL);
	rc = run("{\n  \"properties\": {\n    \"x\": {\"pattern\": \"[a-\"}}}",
	    "{}", 0, &d, NULL);
	if (rc == -2 && d.n == 1 && d.v[0].line == 3 && d.v[0].col == 22 &&
	    strcmp(d.v[0].file, "schema.json") == 0)
		test_pass("hostile/invalid pattern at schema.json:3:22");
	else
		fail("hostile/invalid pattern at schema.json:3:22",
		    "expected one diagnostic there", &d);
	diags_free(&d);

	/* $ref loops that consume nothing: reported, no hang. */
	diags_init(&d, NULL);
	rc = run("{\"$ref\": \"#\"}", "1", 0, &d, NULL);
	if (rc > 0 && has_rule(&d, R_LIMIT, "loops"))
		test_pass("hostile/$ref to itself");
	else
		fail("hostile/$ref to itself", "expected a loop diagnostic",
		    &d);
	diags_free(&d);

	diags_init(&d, NULL);
	rc = run("{\"$defs\": {\"a\": {\"anyOf\": [{\"$ref\": \"#/$defs/b\"}]},"
	    " \"b\": {\"not\": {\"$ref\": \"#/$defs/a\"}}},"
	    " \"$ref\": \"#/$defs/a\"}", "{}", 0, &d, NULL);
	if (rc > 0 && has_rule(&d, R_LIMIT, "loops"))
		test_pass("hostile/$ref cycle through anyOf and not");
	else
		fail("hostile/$ref cycle through anyOf and not",
		    "expected a loop diagnostic", &d);
	diags_free(&d);

	/* A recursive schema over a deep document is fine (it consumes). */
	diags_init(&d, NULL);
	buf_reset(&doc);
	for (i = 0; i < 200; i++)
		buf_puts(&doc, "{\"c\": ");
	buf_puts(&doc, "1");
	for (i = 0; i < 200; i++)
		buf_puts(&doc, "}");
	rc = run("{\"type\": [\"object\", \"integer\"], \"properties\": "
	    "{\"c\": {\"$ref\": \"#\"}}}", buf_cstr(&doc), 0, &d, NULL);
	if (rc == 0 && d.n == 0)
		test_pass("hostile/recursive $ref over 200 levels");
	else
		fail("hostile/recursive $ref over 200 levels",
		    "expected valid", &d);
	diags_free(&d);

	/* Exponential work (2^40 paths): the step budget stops it. */
	diags_init(&d, NULL);
	buf_reset(&s);
	buf_puts(&s, "{\"$ref\": \"#/$defs/a0\", \"$defs\": {");
	for (i = 0; i < 40; i++)
		buf_printf(&s, "\"a%d\": {\"allOf\": [{\"$ref\": "
		    "\"#/$defs/a%d\"}, {\"$ref\": \"#/$defs/a%d\"}]}, ", i,
		    i + 1, i + 1);
	buf_puts(&s, "\"a40\": {\"type\": \"integer\"}}}");
	rc = run(buf_cstr(&s), "1", 0, &d, &secs);
	if (rc > 0 && secs < 10 && has_rule(&d, R_LIMIT, "too much work"))
		test_pass("hostile/exponential allOf chain");
	else
		fail("hostile/exponential allOf chain", "expected the step "
		    "limit", &d);
	printf("# 2^40 allOf: %.3f s\n", secs);
	diags_free(&d);

	/* JSON nesting past the limit: a diagnostic, not a stack overflow. */
	diags_init(&d, NULL);
	buf_reset(&doc);
	for (i = 0; i < 100000; i++)
		buf_putc(&doc, '[');
	{
		struct arena *a = arena_new();
		if (json_load(a, doc.data, doc.len, "deep.json", &d) == NULL &&
		    has_rule(&d, R_LIMIT, "nesting"))
			test_pass("hostile/JSON nested 100000 deep");
		else
			fail("hostile/JSON nested 100000 deep", "expected a "
			    "limit diagnostic", &d);
		arena_free(a);
	}
	diags_free(&d);

	buf_free(&s);
	buf_free(&doc);
}

/*
 * $ref resolution against $id follows RFC 3986 section 5.4: each ref,
 * read against http://a/b/c/d;p?q, must land on the $id it resolves to.
 */
static void
uri_tests(void)
{
	static const char *const t[][2] = {
		{ "g:h", "g:h" }, { "g", "http://a/b/c/g" },
		{ "./g", "http://a/b/c/g" }, { "g/", "http://a/b/c/g/" },
		{ "/g", "http://a/g" }, { "//g", "http://g" },
		{ "?y", "http://a/b/c/d;p?y" }, { "g?y", "http://a/b/c/g?y" },
		{ ";x", "http://a/b/c/;x" }, { "g;x?y", "http://a/b/c/g;x?y" },
		{ ".", "http://a/b/c/" }, { "..", "http://a/b/" },
		{ "../g", "http://a/b/g" }, { "../..", "http://a/" },
		{ "../../../g", "http://a/g" }, { "/./g", "http://a/g" },
		{ "/../g", "http://a/g" }, { "g.", "http://a/b/c/g." },
		{ "..g", "http://a/b/c/..g" }, { "./../g", "http://a/b/g" },
		{ "./g/.", "http://a/b/c/g/" }, { "g/../h", "http://a/b/c/h" },
		{ "g;x=1/../y", "http://a/b/c/y" },
	};
	struct buf s = { NULL, 0, 0 };
	struct diags d;
	char name[128];
	size_t i;
	int r1, r2;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "uri/\"%s\" -> %s", t[i][0],
		    t[i][1]);
		buf_reset(&s);
		buf_printf(&s, "{\"$id\": \"http://a/b/c/d;p?q\", \"$defs\": "
		    "{\"t\": {\"$id\": \"%s\", \"type\": \"integer\"}}, "
		    "\"allOf\": [{\"$ref\": \"%s\"}]}", t[i][1], t[i][0]);
		diags_init(&d, NULL);
		r1 = run(buf_cstr(&s), "1", 0, &d, NULL);
		r2 = run(buf_cstr(&s), "\"x\"", 0, &d, NULL);
		if (r1 == 0 && r2 > 0)
			test_pass(name);
		else
			fail(name, "the $ref does not reach that $id", &d);
		diags_free(&d);
	}
	buf_free(&s);
}

/* ------------------------------------------------------ JSON in and out */

/* Loads in and writes it back: want, or NULL for a load error. */
static void
json_case(const char *name, const char *in, const char *want, int pretty)
{
	struct arena *a = arena_new();
	struct buf out = { NULL, 0, 0 };
	struct diags d;
	struct ynode *y;
	char full[256];

	snprintf(full, sizeof(full), "json/%s", name);
	diags_init(&d, NULL);
	if ((y = json_load(a, in, strlen(in), "in.json", &d)) == NULL) {
		if (want == NULL)
			test_pass(full);
		else
			fail(full, "does not load", &d);
	} else if (want == NULL)
		fail(full, "loads, expected an error", NULL);
	else {
		yjson(&out, y, pretty);
		if (strcmp(buf_cstr(&out), want) == 0)
			test_pass(full);
		else {
			printf("# got %s\n", buf_cstr(&out));
			fail(full, "output differs", NULL);
		}
	}
	buf_free(&out);
	diags_free(&d);
	arena_free(a);
}

/* Runs the JSON reader and writer cases. */
static void
json_tests(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct ynode *y;
	const char *in;

	json_case("scalars", "[1, -0, 1.0, 1.5e3, 0.1, 1e400, true, null, "
	    "\"\\u00e9\\ud83d\\ude00\\n\\u0001\\\"\"]",
	    "[1,-0,1,1500,0.1,null,true,null,\"\xc3\xa9\xf0\x9f\x98\x80\\n"
	    "\\u0001\\\"\"]", 0);
	json_case("pretty", "{\"a\": [1, {}], \"b\": {\"c\": []}}",
	    "{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": {\n    \"c\": []\n"
	    "  }\n}", 1);
	json_case("big integer kept", "12345678901234567890",
	    "12345678901234567890", 0);
	json_case("nul in string", "\"a\\u0000b\"", "\"a\\u0000b\"", 0);
	json_case("trailing comma", "[1,]", NULL, 0);
	json_case("leading zero", "01", NULL, 0);
	json_case("lone surrogate", "\"\\udc00\"", NULL, 0);
	json_case("bad utf-8", "\"\xff\"", NULL, 0);
	json_case("raw control", "\"a\tb\"", NULL, 0);
	json_case("two values", "1 2", NULL, 0);
	json_case("empty", "  ", NULL, 0);
	json_case("duplicate key", "{\"a\": 1, \"a\": 2}", NULL, 0);

	/* Positions: line and column in characters, after multi-byte text. */
	diags_init(&d, NULL);
	in = "{\n  \"\xc3\xa9t\xc3\xa9\": 1,\n  \"x\": [true, nul]\n}";
	y = json_load(a, in, strlen(in), "p.json", &d);
	if (y == NULL && d.n == 1 && d.v[0].line == 3 && d.v[0].col == 15 &&
	    d.v[0].rule == R_YAML_SYNTAX)
		test_pass("json/error position");
	else
		fail("json/error position", "expected 3:15", &d);
	diags_free(&d);
	diags_init(&d, NULL);
	in = "{\"\xc3\xa9\": {\"k\": 1, \"k\": 2}}";
	y = json_load(a, in, strlen(in), "p.json", &d);
	if (y == NULL && d.n == 1 && d.v[0].line == 1 && d.v[0].col == 16 &&
	    d.v[0].rule == R_DUPLICATE_KEY)
		test_pass("json/duplicate key position");
	else
		fail("json/duplicate key position", "expected 1:16", &d);
	diags_free(&d);
	diags_init(&d, NULL);
	in = "{\"a\":\n  {\"b\": [10, 2.5]}}";
	y = json_load(a, in, strlen(in), "p.json", &d);
	if (y != NULL && y->items[0]->items[0]->items[1]->line == 2 &&
	    y->items[0]->items[0]->items[1]->col == 14 &&
	    y->items[0]->items[0]->items[1]->type == Y_FLOAT &&
	    y->items[0]->items[0]->items[0]->type == Y_INT)
		test_pass("json/value positions and types");
	else
		fail("json/value positions and types", "expected 2:14", &d);
	diags_free(&d);
	arena_free(a);
}

/* -------------------------------------------------- the runbook schema */

static const char good_fm[] =
    "id: payments-api\n"
    "title: Payments API\n"
    "summary: Card payments REST API\n"
    "service: payments\n"
    "owner: team-payments\n"
    "tags: [api, postgres]\n"
    "last_reviewed: 2026-10-01\n"
    "review_every: 90d\n"
    "severity_levels:\n"
    "  - name: SEV1\n"
    "    description: Complete outage or data loss\n"
    "    response: 15m\n"
    "    notify: [primary, manager]\n"
    "contacts:\n"
    "  - id: primary\n"
    "    role: Primary on-call\n"
    "    name: Dana Whitfield\n"
    "    phone: \"+44 20 7946 0958\"\n"
    "    email: payments-oncall@acme.test\n"
    "    chat: \"#payments-oncall\"\n"
    "    url: https://acme.test/oncall/payments\n"
    "escalation:\n"
    "  - level: 1\n"
    "    contact: primary\n"
    "    after: 0m\n"
    "  - level: 2\n"
    "    contact: lead\n"
    "    after: 15m\n"
    "thresholds:\n"
    "  - metric: error_rate\n"
    "    description: HTTP 5xx share of requests\n"
    "    unit: \"%\"\n"
    "    direction: above\n"
    "    target: 0.1\n"
    "    warning: 1\n"
    "    critical: 5\n"
    "    for: 5m\n"
    "    section: high-error-rate\n"
    "quickref:\n"
    "  - label: Health check\n"
    "    command: curl -f https://api.acme.test/health\n"
    "related: [database-recovery, cache-recovery]\n"
    "weight: 10\n";

static const char bad_fm[] =
    "title: Payments API\n"			/* line 2 of the file */
    "review_every: 90 days\n"
    "last_reviewed: 2026-02-30\n"
    "tags: api\n"
    "contacts:\n"
    "  - id: primary\n"
    "    phone: \"[Phone]\"\n"
    "    email: not-an-email\n"
    "  - role: Lead\n"
    "    phone: +1-XXX-XXX-XXXX\n"
    "    url: \"not a uri\"\n"
    "escalation:\n"
    "  - level: 0\n"
    "    contact: primary\n"
    "  - contact: lead\n"
    "    after: soon\n"
    "thresholds:\n"
    "  - metric: error_rate\n"
    "    direction: sideways\n"
    "    warning: high\n"
    "related: [ok-id, \"../evil\"]\n";

static const char *const bad_want[] = {
	"3:15: schema: review_every: \"90 days\" is not a valid duration (a "
	    "number and m, h, d or w: 15m, 4h, 90d, 2w) (/review_every)",
	"4:16: schema: last_reviewed: \"2026-02-30\" is not a valid date "
	    "(YYYY-MM-DD) (/last_reviewed)",
	"5:7: schema: tags: expected array, got string (/tags)",
	"8:12: schema: contacts[0].phone: \"[Phone]\" is not a valid phone "
	    "number (/contacts/0/phone)",
	"9:12: schema: contacts[0].email: \"not-an-email\" is not a valid "
	    "email address (/contacts/0/email)",
	"10:5: schema: contacts[1]: missing required property \"id\" "
	    "(/contacts/1)",
	"11:12: schema: contacts[1].phone: \"+1-XXX-XXX-XXXX\" is not a "
	    "valid phone number (/contacts/1/phone)",
	"12:10: schema: contacts[1].url: \"not a uri\" is not a valid URI "
	    "(/contacts/1/url)",
	"14:12: schema: escalation[0].level: 0 is less than the minimum 1 "
	    "(/escalation/0/level)",
	"16:5: schema: escalation[1]: missing required property \"level\" "
	    "(/escalation/1)",
	"17:12: schema: escalation[1].after: \"soon\" is not a valid "
	    "duration (a number and m, h, d or w: 15m, 4h, 90d, 2w) "
	    "(/escalation/1/after)",
	"20:16: schema: thresholds[0].direction: \"sideways\" is not one of "
	    "\"above\", \"below\" (/thresholds/0/direction)",
	"21:14: schema: thresholds[0].warning: expected number, got string "
	    "(/thresholds/0/warning)",
	"22:18: schema: related[1]: \"../evil\" does not match the pattern "
	    "\"^[^/_.\\\\x00-\\\\x1f\\\\x7f][^/\\\\x00-\\\\x1f\\\\x7f]*"
	    "(/[^/_.\\\\x00-\\\\x1f\\\\x7f][^/\\\\x00-\\\\x1f\\\\x7f]*)*$\" "
	    "(/related/1)",
	"2:1: schema: missing required property \"owner\"",
};

/* Validates good and bad front-matter with the built-in schema. */
static void
builtin_tests(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct schema *sc;
	struct ynode *y;
	char line[512];
	size_t i, j, nwant = sizeof(bad_want) / sizeof(bad_want[0]);
	int ok;

	diags_init(&d, NULL);
	if ((sc = schema_runbook(&d)) == NULL) {
		fail("runbook-schema/compiles", "it does not", &d);
		goto done;
	}
	test_pass("runbook-schema/compiles");
	y = yaml_load(a, good_fm, sizeof(good_fm) - 1, "good.md", 2, &d);
	if (y != NULL && schema_validate(sc, y, "good.md", &d) == 0 &&
	    d.n == 0)
		test_pass("runbook-schema/SPEC example is valid");
	else
		fail("runbook-schema/SPEC example is valid", "it is not", &d);
	diags_free(&d);

	diags_init(&d, NULL);
	y = yaml_load(a, bad_fm, sizeof(bad_fm) - 1, "bad.md", 2, &d);
	if (y == NULL) {
		fail("runbook-schema/bad document", "does not load", &d);
		schema_free(sc);
		goto done;
	}
	schema_validate(sc, y, "bad.md", &d);
	diags_sort(&d);
	ok = 1;
	for (i = 0; i < nwant; i++) {
		for (j = 0; j < d.n; j++) {
			snprintf(line, sizeof(line), "%d:%d: %s", d.v[j].line,
			    d.v[j].col, d.v[j].msg);
			if (strcmp(line, bad_want[i]) == 0 &&
			    d.v[j].rule == R_SCHEMA)
				break;
		}
		if (j == d.n) {
			printf("# missing: %s\n", bad_want[i]);
			ok = 0;
		}
	}
	if (d.n != nwant) {
		printf("# %zu diagnostics, expected %zu:\n", d.n, nwant);
		for (j = 0; j < d.n; j++)
			printf("#   %d:%d: %s\n", d.v[j].line, d.v[j].col,
			    d.v[j].msg);
		ok = 0;
	}
	if (ok)
		test_pass("runbook-schema/bad document: messages and "
		    "positions");
	else
		fail("runbook-schema/bad document: messages and positions",
		    "see above", NULL);
	schema_free(sc);
done:
	diags_free(&d);
	arena_free(a);
}

/* ------------------------------------------------------ rbc schema */

/* Returns what fd (a temporary file) holds. */
static void
drain(FILE *f, struct buf *b)
{
	char tmp[4096];
	size_t n;

	buf_reset(b);
	rewind(f);
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_put(b, tmp, n);
	buf_cstr(b);
}

/* `rbc schema` prints the embedded schema, as pretty JSON, unchanged. */
static void
print_test(void)
{
	struct buf got = { NULL, 0, 0 };
	char *av[] = { (char *)"schema", NULL };
	const char *want;
	size_t n;
	FILE *of;
	int saved, rc;

	if ((want = schema_builtin(&n)) == NULL) {
		fail("schema-print/embedded", "schemas/runbook.schema.json is "
		    "not embedded", NULL);
		return;
	}
	if ((of = tmpfile()) == NULL) {
		fail("schema-print/output", "no temporary file", NULL);
		return;
	}
	fflush(stdout);
	saved = dup(1);
	dup2(fileno(of), 1);
	rc = cmd_schema(1, av);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	drain(of, &got);
	fclose(of);
	if (rc == 0 && got.len == n && memcmp(got.data, want, n) == 0)
		test_pass("schema-print/output is the embedded file");
	else
		fail("schema-print/output is the embedded file", "it differs",
		    NULL);
	buf_free(&got);
}

/* Returns 1 if any case failed. */
int
main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	suite();
	hostile();
	uri_tests();
	json_tests();
	builtin_tests();
	print_test();
	return test_summary();
}
