/*
 * The Mustache spec (the *.yml files of ../shared/testsuites/mustache, or
 * $RBC_SHARED/testsuites/mustache) and hostile templates: one
 * PASS/FAIL line per case, "N passed, N failed" at the end, exit 1 on any
 * failure.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "harness.h"

#define TPL	"(template)"	/* the spec template's name in the set */

/* Reports a case, at the caller's line: see report_at(). */
#define report(group, name, ok, exp, explen, got, gotlen) \
	report_at(__FILE__, __LINE__, (group), (name), (ok), (exp), \
	    (explen), (got), (gotlen))

/* Returns s (len bytes) quoted, with newlines and the like escaped, in b. */
static const char *
quoted(struct buf *b, const char *s, size_t len)
{
	size_t i;

	buf_reset(b);
	buf_putc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n')
			BUF_PUTSL(b, "\\n");
		else if (c == '\r')
			BUF_PUTSL(b, "\\r");
		else if (c == '\t')
			BUF_PUTSL(b, "\\t");
		else if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, c);
	}
	buf_putc(b, '"');
	return buf_cstr(b);
}

/* Returns ok after printing the case's PASS or FAIL line. */
static int
report_at(const char *file, int line, const char *group, const char *name,
    int ok, const char *exp, size_t explen, const char *got, size_t gotlen)
{
	struct buf e = { NULL, 0, 0 }, g = { NULL, 0, 0 };
	const char *tn = test_name("mustache/%s/%s", group, name);

	if (ok) {
		test_pass(tn);
		return ok;
	}
	test_fail_at(file, line, tn, "expected %s got %s",
	    quoted(&e, exp, explen), quoted(&g, got, gotlen));
	buf_free(&e);
	buf_free(&g);
	return ok;
}

/* Returns a scalar's text and length ("" for anything else). */
static const char *
text_of(const struct ynode *n, size_t *len)
{
	if (n == NULL || n->s == NULL || n->type == Y_SEQ ||
	    n->type == Y_MAP) {
		*len = 0;
		return "";
	}
	*len = n->slen;
	return n->s;
}

/* Runs one spec test; returns 1 if it passed. */
static int
spec_case(const char *group, const struct ynode *t)
{
	const struct ynode *parts;
	struct mustache *m;
	struct buf out = { NULL, 0, 0 };
	const char *name, *tpl, *exp;
	char *err = NULL;
	size_t tlen, elen, nlen, i;
	int ok;

	name = text_of(ymap_get(t, "name"), &nlen);
	tpl = text_of(ymap_get(t, "template"), &tlen);
	exp = text_of(ymap_get(t, "expected"), &elen);
	m = mustache_new();
	parts = ymap_get(t, "partials");
	for (i = 0; parts != NULL && parts->type == Y_MAP && i < parts->n;
	    i++) {
		const char *ps;
		size_t plen;

		ps = text_of(parts->items[i], &plen);
		if (mustache_add(m, parts->keys[i]->s, ps, plen, &err) == -1)
			break;
	}
	if (err == NULL)
		mustache_add(m, TPL, tpl, tlen, &err);
	if (err != NULL) {
		ok = report(group, name, 0, exp, elen, err, strlen(err));
		free(err);
	} else {
		if (mustache_render(m, TPL, ymap_get(t, "data"), &out) == -1)
			BUF_PUTSL(&out, "(render failed)");
		buf_cstr(&out);
		ok = report(group, name, out.len == elen &&
		    memcmp(out.data, exp, elen) == 0, exp, elen, out.data,
		    out.len);
	}
	buf_free(&out);
	mustache_free(m);
	return ok;
}

/* Runs every test of one spec file. */
static void
spec_file(const char *dir, const char *file)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf b = { NULL, 0, 0 };
	const struct ynode *root, *tests;
	char *path, *group;
	size_t i;

	diags_init(&d, NULL);
	path = path_join(dir, file);
	group = xstrndup(file, strlen(file) - 4);
	if (read_file(path, &b, RBC_MAX_FILE) != 0 ||
	    (root = yaml_load(a, b.data, b.len, path, 1, &d)) == NULL ||
	    (tests = ymap_get(root, "tests")) == NULL ||
	    tests->type != Y_SEQ) {
		FAIL(test_name("mustache/%s", group), "cannot load %s", path);
		for (i = 0; i < d.n; i++)
			printf("  line %d: %s\n", d.v[i].line, d.v[i].msg);
	} else
		for (i = 0; i < tests->n; i++)
			spec_case(group, tests->items[i]);
	free(group);
	free(path);
	buf_free(&b);
	diags_free(&d);
	arena_free(a);
}

/* Returns the strcmp order of two file names, for qsort. */
static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns 0 after running the suite, -1 (reported) if it is not there. */
static int
spec_suite(void)
{
	const char *shared = getenv("RBC_SHARED");
	struct dirent *de;
	struct stat st;
	char *dir, **names = NULL;
	size_t n = 0, cap = 0, i;
	DIR *d;

	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	dir = path_join(shared, "testsuites/mustache");
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode) ||
	    (d = opendir(dir)) == NULL) {
		test_missing("mustache-spec", "%s not found", dir);
		free(dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!str_has_suffix(de->d_name, ".yml") ||
		    de->d_name[0] == '~' || de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xreallocarray(names, cap, sizeof(*names));
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		spec_file(dir, names[i]);
		free(names[i]);
	}
	free(names);
	free(dir);
	return 0;
}

/* ------------------------------------------------------ hostile cases */

struct hcase {
	const char	*name;
	const char	*tpl;
	const char	*data;	/* YAML */
	const char	*partials;	/* "name=src\n..." or NULL */
	int		 want;	/* 0 render, 1 add fails, 2 render fails */
	const char	*expect;	/* output or error prefix; NULL: any */
};

static const struct hcase hcases[] = {
	{ "unclosed section", "{{#a}}x", "a: true", NULL, 1,
	    "line 1: section \"a\" is never closed" },
	{ "unclosed section line", "x\n\n  {{#a}}\ny\n", "{}", NULL, 1,
	    "line 3:" },
	{ "mismatched close", "{{#a}}\n{{/b}}", "{}", NULL, 1,
	    "line 2: \"b\" closes section \"a\" opened on line 1" },
	{ "close without open", "x{{/a}}", "{}", NULL, 1, "line 1:" },
	{ "unclosed tag", "a\n{{b", "{}", NULL, 1, "line 2: unclosed tag" },
	{ "unclosed triple", "{{{b}}", "{}", NULL, 1, "line 1: unclosed" },
	{ "unclosed comment", "{{! never", "{}", NULL, 1, "line 1:" },
	{ "empty tag", "{{}}", "{}", NULL, 1, "line 1: empty tag" },
	{ "blank name", "{{ a b }}", "{}", NULL, 1, "line 1: bad name" },
	{ "bad dotted name", "{{a..b}}", "{}", NULL, 1, "line 1: bad name" },
	{ "set delimiter empty", "{{=}}", "{}", NULL, 1, "line 1:" },
	{ "set delimiter one", "{{= x =}}", "{}", NULL, 1, "line 1:" },
	{ "set delimiter three", "{{=a b c=}}", "{}", NULL, 1, "line 1:" },
	{ "set delimiter unclosed", "{{=<% %>", "{}", NULL, 1, "line 1:" },
	{ "set delimiter garbage", "{{=\n=}}{{=}}}=}}", "{}", NULL, 1,
	    NULL },
	{ "set delimiter then unclosed", "{{=<% %>=}}<%x", "{}", NULL, 1,
	    "line 1: unclosed tag \"<%\"" },
	{ "lone opener", "{{", "{}", NULL, 1, NULL },
	{ "closer only", "}} {{{ }}}", "{}", NULL, 1, NULL },
	{ "apostrophe escaped", "{{a}}|{{{a}}}", "a: \"it's <b>\"", NULL, 0,
	    "it&#39;s &lt;b&gt;|it's <b>" },
	/* Escaping skips plain text 16 and 8 bytes at a time. */
	{ "escapes past sixteen bytes",
	    "{{a}}|{{b}}|{{c}}", "a: \"0123456789abcdef<0123456789abcdef\"\n"
	    "b: \"0123456789abcdefghijklmnopqrstu'\"\nc: \"01234567\\\"\"",
	    NULL, 0, "0123456789abcdef&lt;0123456789abcdef|"
	    "0123456789abcdefghijklmnopqrstu&#39;|01234567&quot;" },
	/* A map of eight keys or more is looked up by a hash index: the
	 * same answers as the linear search, the first of equal keys. */
	{ "big map", "{{k1}}{{k9}}{{#s}}{{k2}}{{x}}{{m.k3}}{{/s}}{{^nope}}-{{/nope}}",
	    "{k1: a, k2: b, k3: c, k4: d, k5: e, k6: f, k7: g, k8: h, k9: i, "
	    "s: {x: y}, m: {k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, "
	    "k8: 8}}", NULL, 0, "aiby3-" },
	/* (YAML keeps the later of equal keys only in maps of more than
	 * 16 entries.) */
	{ "big map, a key twice", "{{d}}{{#s}}{{d}}{{/s}}",
	    "{k1: a, d: first, k2: b, k3: c, k4: d, k5: e, k6: f, k7: g, "
	    "k8: h, k9: i, k10: j, k11: k, k12: l, k13: m, k14: n, "
	    "d: second, k15: o, s: {x: y}}", NULL, 0, "firstfirst" },
	{ "raw with delimiters", "{{=<% %>=}}<%{a}%><%&a%><%a%>",
	    "a: '&'", NULL, 0, "&&&amp;" },
	{ "numbers", "{{i}} {{f}} {{g}} {{b}} {{n}}",
	    "{i: -12, f: 0.1, g: 1.5e300, b: false, n: null}", NULL, 0,
	    "-12 0.1 1.5e+300 false " },
	{ "big integer keeps digits", "{{i}}", "i: 123456789012345678901",
	    NULL, 0, "123456789012345678901" },
	{ "scalar section pushes value", "{{#s}}[{{.}}]{{/s}}{{^s}}no{{/s}}",
	    "s: 0", NULL, 0, "[0]" },
	{ "empty map is truthy", "{{#m}}yes{{/m}}", "m: {}", NULL, 0, "yes" },
	{ "map interpolates empty", "[{{m}}][{{l}}]", "{m: {a: 1}, l: [1]}",
	    NULL, 0, "[][]" },
	{ "missing template", NULL, "{}", NULL, 2, NULL },
	{ "self recursion bounded", "{{>self}}", "{}", "self=x{{>self}}", 2,
	    NULL },
	{ "exponential partials", "{{>self}}", "{}",
	    "self={{>self}}{{>self}}", 2, NULL },
	{ "mutual recursion", "{{>a}}", "{}", "a=({{>b}})\nb=[{{>a}}]", 2,
	    NULL },
	{ "recursive indentation", "  {{>self}}\n", "{}",
	    "self=x\n  {{>self}}\n", 2, NULL },
	{ "inline partial in indented partial", "  {{>a}}\n", "{}",
	    "a=1\n2{{>b}}\n\nb=x\ny", 0, "  1\n  2x\ny\n" },
	{ "standalone partial at column 0 keeps indent", "  {{>a}}\n", "{}",
	    "a=1\n{{>b}}\nb=x\ny\n", 0, "  1\n  x\n  y\n" },
	{ "section close indented", "  {{>a}}\n", "l: [1, 2]",
	    "a={{#l}}\n{{.}}\n{{/l}} end\n", 0, "  1\n    2\n   end\n" },
	{ "replaced template", NULL, "{}", NULL, 3, "second" },
};

/* Adds "name=src" lines (a line without '=' continues the source). */
static int
add_partials(struct mustache *m, const char *spec, char **err)
{
	const char *p = spec, *eq, *nl, *next;
	char *name;
	int rc = 0;

	while (p != NULL && *p != '\0' && rc == 0) {
		eq = strchr(p, '=');
		if (eq == NULL)
			break;
		/* The source runs to the next line holding "name=". */
		next = NULL;
		for (nl = strchr(eq, '\n'); nl != NULL;
		    nl = strchr(nl + 1, '\n')) {
			const char *q = nl + 1;

			while (*q >= 'a' && *q <= 'z')
				q++;
			if (q > nl + 1 && *q == '=') {
				next = nl + 1;
				break;
			}
		}
		name = xstrndup(p, (size_t)(eq - p));
		rc = mustache_add(m, name, eq + 1, next != NULL ?
		    (size_t)(next - 1 - (eq + 1)) : strlen(eq + 1), err);
		free(name);
		p = next;
	}
	return rc;
}

/* Runs one hostile case; returns 1 if it passed. */
static int
hostile_case(const struct hcase *c)
{
	struct arena *a = arena_new();
	struct diags d;
	struct mustache *m = mustache_new();
	struct buf out = { NULL, 0, 0 };
	const struct ynode *data;
	char *err = NULL;
	const char *got = "", *exp = c->expect != NULL ? c->expect : "";
	int rc = 0, ok;

	diags_init(&d, NULL);
	data = yaml_load(a, c->data, strlen(c->data), "(data)", 1, &d);
	if (c->partials != NULL && add_partials(m, c->partials, &err) != 0) {
		ok = report("hostile", c->name, 0, "", 0, err, strlen(err));
		goto done;
	}
	if (c->want == 3) {
		mustache_add(m, TPL, "first", 5, &err);
		mustache_add(m, TPL, "second", 6, &err);
	} else if (c->tpl != NULL)
		rc = mustache_add(m, TPL, c->tpl, strlen(c->tpl), &err);
	if (c->want == 1) {
		got = err != NULL ? err : "(compiled)";
		ok = rc == -1 && err != NULL &&
		    strncmp(err, exp, strlen(exp)) == 0;
		report("hostile", c->name, ok, exp, strlen(exp), got,
		    strlen(got));
		goto done;
	}
	if (rc == -1) {
		ok = report("hostile", c->name, 0, exp, strlen(exp), err,
		    strlen(err));
		goto done;
	}
	rc = mustache_render(m, TPL, data, &out);
	buf_cstr(&out);
	if (c->want == 2)
		ok = rc == -1;
	else
		ok = rc == 0 && (c->expect == NULL ||
		    strcmp(out.data, c->expect) == 0);
	report("hostile", c->name, ok, exp, strlen(exp), out.data,
	    out.len > 200 ? 200 : out.len);
done:
	free(err);
	buf_free(&out);
	mustache_free(m);
	diags_free(&d);
	arena_free(a);
	return ok;
}

/* Returns 1 after n nested sections render, or fail cleanly past limit. */
static int
nested_case(size_t n, int want_err)
{
	struct buf t = { NULL, 0, 0 };
	struct buf out = { NULL, 0, 0 };
	struct arena *a = arena_new();
	struct diags d;
	const struct ynode *data;
	struct mustache *m = mustache_new();
	char *err = NULL, name[64];
	size_t i;
	int ok;

	diags_init(&d, NULL);
	data = yaml_load(a, "a: true", 7, "(data)", 1, &d);
	for (i = 0; i < n; i++)
		BUF_PUTSL(&t, "{{#a}}\n");
	BUF_PUTSL(&t, "x\n");
	for (i = 0; i < n; i++)
		BUF_PUTSL(&t, "{{/a}}\n");
	snprintf(name, sizeof(name), "%zu nested sections", n);
	if (mustache_add(m, TPL, t.data, t.len, &err) == -1)
		ok = want_err;
	else
		ok = !want_err && mustache_render(m, TPL, data, &out) == 0 &&
		    out.len == 2 && memcmp(out.data, "x\n", 2) == 0;
	report("hostile", name, ok, want_err ? "an error" : "x\\n", want_err ?
	    8 : 3, err != NULL ? err : buf_cstr(&out), err != NULL ?
	    strlen(err) : out.len);
	free(err);
	buf_free(&t);
	buf_free(&out);
	mustache_free(m);
	diags_free(&d);
	arena_free(a);
	return ok;
}

/* Returns 1 after 2^40 section iterations stopped at the effort limit. */
static int
exp_sections_case(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf t = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	const struct ynode *data;
	struct mustache *m = mustache_new();
	char *err = NULL;
	int i, ok;

	diags_init(&d, NULL);
	data = yaml_load(a, "l: [1, 2]", 9, "(data)", 1, &d);
	for (i = 0; i < 40; i++)
		BUF_PUTSL(&t, "{{#l}}");
	BUF_PUTSL(&t, "x");
	for (i = 0; i < 40; i++)
		BUF_PUTSL(&t, "{{/l}}");
	ok = mustache_add(m, TPL, t.data, t.len, &err) == 0 &&
	    mustache_render(m, TPL, data, &out) == -1;
	report("hostile", "exponential sections", ok, "a render failure", 16,
	    err != NULL ? err : "(rendered)", err != NULL ? strlen(err) : 10);
	free(err);
	buf_free(&t);
	buf_free(&out);
	mustache_free(m);
	diags_free(&d);
	arena_free(a);
	return ok;
}

/* Returns 1 after a partial recursing as deep as its data rendered. */
static int
deep_partial_case(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf y = { NULL, 0, 0 }, want = { NULL, 0, 0 };
	struct buf out = { NULL, 0, 0 };
	const struct ynode *data;
	struct mustache *m = mustache_new();
	char *err = NULL;
	int i, ok, depth = 20;

	diags_init(&d, NULL);
	for (i = 0; i <= depth; i++) {
		BUF_PUTSL(&y, "{n: ");
		BUF_PUTSL(&want, "<");
	}
	BUF_PUTSL(&y, "null");
	for (i = 0; i <= depth; i++) {
		BUF_PUTSL(&y, "}");
		BUF_PUTSL(&want, ">");
	}
	data = yaml_load(a, y.data, y.len, "(data)", 1, &d);
	mustache_add(m, "r", "<{{#n}}{{>r}}{{/n}}>", 20, &err);
	mustache_add(m, TPL, "{{>r}}", 6, &err);
	ok = data != NULL && mustache_render(m, TPL, data, &out) == 0 &&
	    strcmp(buf_cstr(&out), buf_cstr(&want)) == 0;
	report("hostile", "recursion as deep as the data", ok, want.data,
	    want.len, buf_cstr(&out), out.len);
	buf_free(&y);
	buf_free(&want);
	buf_free(&out);
	mustache_free(m);
	diags_free(&d);
	arena_free(a);
	return ok;
}

/* Returns 1 after names holding NUL bytes missed cleanly. */
static int
nul_case(void)
{
	static const char tpl[] = "[{{>p\0q}}|{{p\0}}|{{#p\0}}x{{/p\0}}]";
	struct mustache *m = mustache_new();
	struct buf out = { NULL, 0, 0 };
	char *err = NULL;
	int ok;

	mustache_add(m, "p", "P", 1, &err);
	ok = err == NULL &&
	    mustache_add(m, TPL, tpl, sizeof(tpl) - 1, &err) == 0 &&
	    mustache_render(m, TPL, NULL, &out) == 0 &&
	    strcmp(buf_cstr(&out), "[||]") == 0;
	report("hostile", "NUL in names", ok, "[||]", 4,
	    err != NULL ? err : buf_cstr(&out), err != NULL ? strlen(err) :
	    out.len);
	free(err);
	buf_free(&out);
	mustache_free(m);
	return ok;
}

/* Returns 1 after random templates all compiled or failed cleanly. */
static int
fuzz_case(void)
{
	static const char *const bits[] = {
		"{{", "}}", "{{{", "}}}", "#", "^", "/", "!", ">", "&", "=",
		"a", "b", ".", " ", "\n", "\r\n", "\t", "x", "{{#a}}",
		"{{/a}}", "{{^b}}", "{{/b}}", "{{>p}}", "{{=<% %>=}}", "<%",
		"%>", "{{.}}", "{{a.b}}",
	};
	struct arena *a = arena_new();
	struct diags d;
	const struct ynode *data;
	struct buf t = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	const char *y = "{a: [1, {b: x}, [true]], b: {b: '<&>'}}";
	unsigned long seed = 12345;
	char *err;
	int i, j, len, compiled = 0;

	diags_init(&d, NULL);
	data = yaml_load(a, y, strlen(y), "(fuzz)", 1, &d);
	for (i = 0; i < 20000; i++) {
		struct mustache *m = mustache_new();

		buf_reset(&t);
		seed = seed * 6364136223846793005UL + 1442695040888963407UL;
		len = (int)((seed >> 33) % 24);
		for (j = 0; j < len; j++) {
			seed = seed * 6364136223846793005UL +
			    1442695040888963407UL;
			buf_puts(&t, bits[(seed >> 33) %
			    (sizeof(bits) / sizeof(bits[0]))]);
		}
		/* Recursion would make this slow, not better: see above. */
		err = NULL;
		mustache_add(m, "p", " {{#a}}\n<{{.}}>\n{{/a}}", 22, &err);
		if (mustache_add(m, "q", buf_cstr(&t), t.len, &err) == 0) {
			compiled++;
			buf_reset(&out);
			mustache_render(m, "q", data, &out);
		} else if (err == NULL || strncmp(err, "line ", 5) != 0) {
			report("hostile", "fuzz", 0, "line N: ...", 11,
			    err != NULL ? err : "(null)", err != NULL ?
			    strlen(err) : 6);
			free(err);
			mustache_free(m);
			goto done;
		}
		free(err);
		mustache_free(m);
	}
	report("hostile", "fuzz", compiled > 0, "", 0, "", 0);
done:
	buf_free(&t);
	buf_free(&out);
	diags_free(&d);
	arena_free(a);
	return compiled > 0;
}

int
main(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	spec_suite();
	for (i = 0; i < sizeof(hcases) / sizeof(hcases[0]); i++)
		hostile_case(&hcases[i]);
	nested_case(1000, 0);
	nested_case(5000, 1);
	nul_case();
	deep_partial_case();
	exp_sections_case();
	fuzz_case();
	return test_summary();
}
