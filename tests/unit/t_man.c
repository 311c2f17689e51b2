/*
 * Man page tests.
 *
 * tests/man/ is a small content tree, loaded through the real pipeline
 * (load, front-matter, markdown, index): every runbook tests/man/X.md is
 * rendered with man_render and compared byte for byte with tests/man/X.7
 * (the expected roff: the spec).  Each page must also
 *  - keep its shape: no empty line, no trailing blank, no line starting
 *    with '\'' or with a request rbc does not write, no \fP or \f[;
 *  - lint clean: `mandoc -Tlint` and `groff -man -t -ww -z -Tutf8` print
 *    nothing (and groff's default device too, for ASCII-only pages: it
 *    has no glyph for emoji or U+FFFD);
 *  - where tests/man/X.lit exists, show each of its lines literally in
 *    `mandoc -Tutf8`;
 *  - give man-db's lexgrog its NAME line, and be found by mandoc's
 *    makewhatis + apropos -M, and man-db's mandb + apropos -M, by a word
 *    of its summary.
 * Then roff_esc.c's contexts on their own (invalid UTF-8 included), pages
 * of hostile structure (deep nesting, long words, wide tables) and 300
 * random documents, all of which must keep their shape and lint clean.
 *
 * Usage: t_man [DIR].  UPDATE=1 (UPDATE=1 make check, as for the case
 * folders) rewrites the .7 files that differ, after reporting them as
 * failures (review the diff: they are the spec); RBC_MAN_FUZZ=N runs N
 * random documents from another seed; RBC_MAN_KEEP=1 keeps them (with
 * their Markdown) in a temporary folder.  A missing tool is a SKIP line.
 * Prints PASS/FAIL per check, "N passed, N failed", exits 1 on failure.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "cmd.h"
#include "harness.h"

/* What pages() does with the expected .7 files. */
enum expect {
	EXP_COMPARE,	/* compare, byte for byte */
	EXP_UPDATE,	/* compare, and rewrite those that differ (UPDATE) */
	EXP_NONE	/* the example site: lint only */
};

/* Returns 1 if the program is on PATH. */
static int
have(const char *prog)
{
	char *cmd = xasprintf("command -v %s >/dev/null 2>&1", prog);
	int rc = system(cmd);

	free(cmd);
	return rc == 0;
}

/*
 * Returns the exit status of shell command cmd, with its standard output
 * and error in out.
 */
static int
run(const char *cmd, struct buf *out)
{
	char chunk[4096];
	size_t n;
	FILE *p;
	int st;

	buf_reset(out);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_put(out, chunk, n);
	st = pclose(p);
	buf_cstr(out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Returns nothing; shows where got and want first differ. */
static void
diff(const char *name, const struct buf *got, const struct buf *want)
{
	size_t i = 0, line = 1, ls = 0, ge, we;

	while (i < got->len && i < want->len && got->data[i] == want->data[i]) {
		if (got->data[i] == '\n') {
			line++;
			ls = i + 1;
		}
		i++;
	}
	for (ge = ls; ge < got->len && got->data[ge] != '\n'; ge++)
		;
	for (we = ls; we < want->len && want->data[we] != '\n'; we++)
		;
	FAIL(test_name("man/%s", name),
	    "line %zu: expected \"%.*s\" got \"%.*s\"", line,
	    (int)(we - ls), want->data + ls, (int)(ge - ls), got->data + ls);
}

/* Returns NULL if every line of the page is well-formed, else a reason. */
static const char *
shape(const struct buf *b, size_t *lineno)
{
	static const char *const ok[] = {
		".TH ", ".SH ", ".SS ", ".PP\n", ".IP ", ".TP\n", ".RS ",
		".RE\n", ".EX\n", ".EE\n", ".br\n", ".B ", ".BR ", ".RB ",
		".UR ", ".UE", ".MT ", ".ME", ".TS\n", ".TE\n", ".ce\n",
		".na\n", ".nh\n", ".nr HY 0\n", ".ad l\n", NULL
	};
	size_t s, e, i;
	int found;

	*lineno = 0;
	for (s = 0; s < b->len; s = e + 1) {
		(*lineno)++;
		for (e = s; e < b->len && b->data[e] != '\n'; e++)
			;
		if (e == b->len)
			return "no newline at the end";
		if (e == s)
			return "empty line";
		if (b->data[e - 1] == ' ' || b->data[e - 1] == '\t')
			return "trailing blank";
		if (b->data[s] == '\'')
			return "line starts with '";
		if (b->data[s] == '.') {
			found = 0;
			for (i = 0; ok[i] != NULL; i++)
				if (strncmp(b->data + s, ok[i],
				    strlen(ok[i])) == 0)
					found = 1;
			if (!found)
				return "a request rbc does not write";
		}
		for (i = s; i + 1 < e; i++)
			if (b->data[i] == '\\' && b->data[i + 1] == '\\')
				i++;
			else if (b->data[i] == '\\' && b->data[i + 1] == 'f' &&
			    i + 2 < e && (b->data[i + 2] == 'P' ||
			    b->data[i + 2] == '['))
				return "\\fP or \\f[";
	}
	return NULL;
}

/* Returns nothing; drops the overstrike of mandoc -Tutf8 ("x\bx"). */
static void
unstrike(struct buf *b)
{
	size_t i, o = 0, k;

	for (i = 0; i < b->len; i++) {
		if (b->data[i] == '\b') {
			/* Drop the \b and the (UTF-8) character before it. */
			k = o;
			while (k > 0 && ((unsigned char)b->data[k - 1] & 0xc0)
			    == 0x80)
				k--;
			o = k > 0 ? k - 1 : 0;
			continue;
		}
		b->data[o++] = b->data[i];
	}
	b->len = o;
	buf_cstr(b);
}

/* Returns nothing; checks one rendered page against its files. */
static void
check_page(const char *dir, const char *tmp, const struct runbook *r,
    const struct buf *page, enum expect ex, const char *prefix)
{
	struct buf want = { NULL, 0, 0 }, out = { NULL, 0, 0 };
	char *base, *exp, *lit, *file, *cmd;
	const char *why, *p, *e;
	size_t line;
	int rc, ascii;

	base = xasprintf("%s%.*s", prefix, (int)strlen(r->rel) - 3, r->rel);
	exp = xasprintf("%s/%.*s.7", dir, (int)strlen(r->rel) - 3, r->rel);
	lit = xasprintf("%s/%.*s.lit", dir, (int)strlen(r->rel) - 3, r->rel);
	file = xasprintf("%s/%s.7", tmp, r->name);

	if (ex == EXP_NONE)
		;
	else if (read_file(exp, &want, RBC_MAX_FILE) != 0)
		FAIL(test_name("man/%s", base), "no expected output %s", exp);
	else if (want.len != page->len ||
	    memcmp(want.data, page->data, page->len) != 0)
		diff(base, page, &want);
	else {
		test_pass(test_name("man/%s", base));
		ex = EXP_COMPARE;	/* nothing to rewrite */
	}
	/* UPDATE=1 make check: the page that failed becomes the spec. */
	if (ex == EXP_UPDATE) {
		if (write_file(exp, page->data, page->len) == -1)
			FAIL(test_name("man/%s", base), "cannot write %s", exp);
		else
			test_info(test_name("man/%s", base), "rewrote %s", exp);
	}

	if ((why = shape(page, &line)) != NULL)
		FAIL(test_name("man-shape/%s", base), "line %zu: %s", line,
		    why);
	else
		test_pass(test_name("man-shape/%s", base));

	if (write_file(file, page->data, page->len) == -1) {
		FAIL(test_name("man/%s", base), "cannot write %s", file);
		goto out;
	}
	if (have("mandoc")) {
		cmd = xasprintf("mandoc -Tlint '%s' 2>&1", file);
		rc = run(cmd, &out);
		free(cmd);
		if (out.len > 0 || rc != 0)
			FAIL(test_name("mandoc-lint/%s", base), "%s", out.data);
		else
			test_pass(test_name("mandoc-lint/%s", base));
	} else
		test_skip(test_name("mandoc-lint/%s", base), "no mandoc");

	/*
	 * groff's default device (ps) has no glyph for many code points
	 * (emoji, CJK, U+FFFD), which -ww reports; a terminal has them.
	 * Every page is checked for the terminal, the ASCII-only ones for
	 * the default device as well.
	 */
	if (have("groff")) {
		ascii = strstr(page->data, "\\[u") == NULL;
		cmd = xasprintf("groff -man -t -ww -z -Tutf8 '%s' 2>&1%s%s%s",
		    file, ascii ? " && groff -man -t -ww -z '" : "",
		    ascii ? file : "", ascii ? "' 2>&1" : "");
		rc = run(cmd, &out);
		free(cmd);
		if (out.len > 0 || rc != 0)
			FAIL(test_name("groff-lint/%s", base), "%s", out.data);
		else
			test_pass(test_name("groff-lint/%s", base));
	} else
		test_skip(test_name("groff-lint/%s", base), "no groff");

	/* man-db reads the NAME line too (mandb, whatis). */
	if (have("lexgrog")) {
		cmd = xasprintf("lexgrog '%s' 2>&1", file);
		rc = run(cmd, &out);
		free(cmd);
		p = xasprintf(": \"%s - ", r->name);
		if (rc != 0 || strstr(out.data, p) == NULL ||
		    strstr(out.data, "[u") != NULL)
			FAIL(test_name("lexgrog/%s", base), "%s", out.data);
		else
			test_pass(test_name("lexgrog/%s", base));
		free((char *)p);
	} else
		test_skip(test_name("lexgrog/%s", base),
		    "no lexgrog (man-db)");

	if (read_file(lit, &want, RBC_MAX_FILE) == 0 && have("mandoc")) {
		cmd = xasprintf("mandoc -Tutf8 -Owidth=500 '%s' 2>&1", file);
		run(cmd, &out);
		free(cmd);
		unstrike(&out);
		rc = 0;
		for (p = want.data; p < want.data + want.len; p = e + 1) {
			e = memchr(p, '\n', want.len - (size_t)(p - want.data));
			if (e == NULL)
				e = want.data + want.len;
			if (e == p)
				continue;
			{
				char *needle = xstrndup(p, (size_t)(e - p));
				if (strstr(out.data, needle) == NULL) {
					FAIL(test_name("mandoc-literal/%s",
					    base), "\"%s\" is not shown "
					    "literally", needle);
					rc = 1;
				}
				free(needle);
			}
		}
		if (rc == 0)
			test_pass(test_name("mandoc-literal/%s", base));
	}
out:
	buf_free(&want);
	buf_free(&out);
	free(base);
	free(exp);
	free(lit);
	free(file);
}

/* Returns nothing; asks apropos for each page by a word of its summary. */
static void
check_apropos(const struct site *s, const char *tmp, const char *prefix)
{
	struct buf out = { NULL, 0, 0 };
	char *cmd, *word, *want;
	const char *p, *best;
	size_t i, n, bestn;
	int mandb;

	if (!have("makewhatis") || !have("mapropos")) {
		test_skip("apropos", "no makewhatis/mapropos (mandoc)");
		return;
	}
	cmd = xasprintf("makewhatis '%s' 2>&1", tmp);
	if (run(cmd, &out) != 0) {
		FAIL("apropos/makewhatis", "%s", out.data);
		free(cmd);
		buf_free(&out);
		return;
	}
	free(cmd);
	if ((mandb = have("mandb") && have("apropos"))) {
		cmd = xasprintf("mandb -q '%s' 2>&1", tmp);
		if (run(cmd, &out) != 0) {
			FAIL("mandb-apropos/mandb", "%s", out.data);
			mandb = 0;
		}
		free(cmd);
	}
	for (i = 0; i < s->n; i++) {
		const struct runbook *r = s->rb[i];
		if (r->summary == NULL)
			continue;
		/* makewhatis keeps the first 150 bytes or so. */
		best = NULL;
		bestn = 0;
		for (p = r->summary; *p != '\0' && p < r->summary + 100;
		    p += n) {
			for (n = 0; isalnum((unsigned char)p[n]); n++)
				;
			if (n > bestn) {
				best = p;
				bestn = n;
			}
			if (n == 0)
				n = 1;
		}
		if (best == NULL)
			continue;
		word = xstrndup(best, bestn);
		cmd = xasprintf("mapropos -M '%s' '%s' 2>&1", tmp, word);
		run(cmd, &out);
		want = xasprintf("%s(7)", r->name);
		if (strstr(out.data, want) != NULL)
			test_pass(test_name("apropos/%s%s", prefix, r->name));
		else
			FAIL(test_name("apropos/%s", r->name),
			    "'%s' does not find it: %s", word, out.data);
		free(want);
		free(cmd);
		/* man-db's index of the same tree. */
		if (mandb) {
			cmd = xasprintf("apropos -M '%s' '%s' 2>&1", tmp, word);
			run(cmd, &out);
			want = xasprintf("%s (7)", r->name);
			if (strstr(out.data, want) != NULL)
				test_pass(test_name("mandb-apropos/%s%s",
				    prefix, r->name));
			else
				FAIL(test_name("mandb-apropos/%s", r->name),
				    "'%s' does not find it: %s", word,
				    out.data);
			free(want);
			free(cmd);
		}
		free(word);
	}
	buf_free(&out);
}

/*
 * Returns nothing; renders and checks every runbook of site dir, naming
 * the checks prefix + path.
 */
static void
pages(const char *dir, enum expect ex, const char *prefix)
{
	struct site s;
	struct man *m;
	struct buf page = { NULL, 0, 0 };
	char tmpl[] = "/tmp/t_man.XXXXXX", *tmp, *man7, *cmd;
	size_t i;

	if ((tmp = mkdtemp(tmpl)) == NULL) {
		FAIL(test_name("man/%s", dir), "mkdtemp: %s", strerror(errno));
		return;
	}
	man7 = path_join(tmp, "man7");
	mkdir_p(man7);
	if (site_open(&s, dir, "2026-01-01") == -1) {
		FAIL(test_name("man/%s", dir), "cannot open the site");
		goto out;
	}
	site_walk(&s);
	for (i = 0; i < s.nrbpaths; i++) {
		struct runbook *r = runbook_read(&s, s.rbpaths[i]);
		md_parse(&s, r);
		s.rb[s.n++] = r;
	}
	index_build(&s, NULL);
	if (s.n == 0)
		FAIL(test_name("man/%s", dir), "no runbooks");
	m = man_new(&s, NULL, NULL);
	for (i = 0; i < s.n; i++) {
		buf_reset(&page);
		man_render(m, s.rb[i], &page);
		buf_cstr(&page);
		check_page(dir, man7, s.rb[i], &page, ex, prefix);
		/* The same page again: no state may leak between renders. */
		{
			struct buf again = { NULL, 0, 0 };
			man_render(m, s.rb[i], &again);
			if (again.len != page.len ||
			    memcmp(again.data, page.data, page.len) != 0)
				FAIL(test_name("man-repeat/%s",
				    s.rb[i]->name), "second render differs");
			buf_free(&again);
		}
	}
	man_free(m);
	check_apropos(&s, tmp, prefix);
	site_close(&s);
out:
	cmd = xasprintf("rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		fprintf(stderr, "t_man: cannot remove %s\n", tmp);
	free(cmd);
	free(man7);
	buf_free(&page);
}

/* ------------------------------------------------------- roff_esc.c */

struct esc_case {
	const char	*name;
	const char	*before;	/* already in the buffer */
	const char	*in;
	size_t		 inlen;		/* 0: strlen(in) */
	int		 flags;
	const char	*want;
};

static const struct esc_case esc_cases[] = {
	{ "text-plain", "", "hello world", 0, 0, "hello world" },
	{ "text-dot-bol", "", ".SH X", 0, 0, "\\&.SH X" },
	{ "text-quote-bol", "", "'br", 0, 0, "\\&'br" },
	{ "text-dot-mid", "x", ".SH X", 0, 0, "x.SH X" },
	{ "text-dot-after-nl", "x\n", ".SH", 0, 0, "x\n\\&.SH" },
	{ "text-newline-dot", "", "a\n.b\n'c", 0, 0, "a\n\\&.b\n\\&'c" },
	{ "text-lead-blank", "x\n", "   .x", 0, 0, "x\n\\&.x" },
	{ "text-blank-lines", "", "a\n\n\nb", 0, 0, "a\nb" },
	{ "text-trailing", "", "a   \nb", 0, 0, "a\nb" },
	{ "text-backslash", "", "C:\\new\\temp \\fB", 0, 0,
	    "C:\\enew\\etemp \\efB" },
	{ "text-specials", "", "a`b^c~d\"e-f", 0, 0,
	    "a\\(gab\\(hac\\(tid\"e-f" },
	{ "text-utf8", "", "Z\xc3\xbcrich \xe2\x80\x94 \xf0\x9f\x9a\xa8",
	    0, 0, "Z\\[u00FC]rich \\[u2014] \\[u1F6A8]" },
	{ "text-bad-utf8", "", "a\xff" "b\xc3(\xe2\x82", 0, 0,
	    "a\\[uFFFD]b\\[uFFFD](\\[uFFFD]\\[uFFFD]" },
	{ "text-overlong", "", "\xc0\xaf", 0, 0, "\\[uFFFD]\\[uFFFD]" },
	{ "text-surrogate", "", "\xed\xa0\x80", 0, 0,
	    "\\[uFFFD]\\[uFFFD]\\[uFFFD]" },
	{ "text-nul", "", "a\0b", 3, 0, "ab" },
	{ "text-controls", "", "a\x01\x1b[1mb\x7f", 0, 0, "a[1mb" },
	{ "text-nbsp", "", "a\xc2\xa0" "b", 0, 0, "a\\~b" },
	{ "text-tab", "", "a\tb", 0, 0, "a b" },
	{ "code-dash", "", "rm -rf '$x'", 0, ROFF_LIT,
	    "rm \\-rf \\(aq$x\\(aq" },
	{ "code-dot-bol", "", ".hidden", 0, ROFF_LIT, "\\&.hidden" },
	{ "code-quote-bol", "", "'x'", 0, ROFF_LIT, "\\(aqx\\(aq" },
	{ "arg-quotes", "", "say \"hi\"\nnow", 0, ROFF_ARG,
	    "say \\(dqhi\\(dq now" },
	{ "arg-dot", "", ".SH", 0, ROFF_ARG, ".SH" },
	{ "arg-upper", "", "Fix it: \xc3\xa9t\xc3\xa9", 0,
	    ROFF_ARG | ROFF_UPPER, "FIX IT: \\[u00C9]T\\[u00C9]" },
	{ "oneline", "", "a\n.b", 0, ROFF_ONELINE, "a .b" },
	{ "glyph", "x ", "Z\xc3\xbcrich \xe2\x80\x94 \xe2\x80\x9cq\xe2\x80\x9d "
	    "\xc3\x97 \xf0\x9f\x9a\xa8", 0, ROFF_ONELINE | ROFF_GLYPH,
	    "x Z\\(:urich \\(em \\(lqq\\(rq \\(mu \\[u1F6A8]" },
	{ "nofill-lines", ".EX\n", "a\n.SH INJECTED\n'br\n\\fB", 0,
	    ROFF_LIT | ROFF_NOFILL,
	    ".EX\na\n\\&.SH INJECTED\n\\(aqbr\n\\efB" },
	{ "nofill-indent", "", "  x\n\ty\n", 0, ROFF_LIT | ROFF_NOFILL,
	    "  x\n        y\n" },
	{ "nofill-empty", "", "a\n\n  \nb", 0, ROFF_LIT | ROFF_NOFILL,
	    "a\n\\&\n\\&\nb" },
	{ "nofill-tabstop", "", "ab\tc", 0, ROFF_LIT | ROFF_NOFILL,
	    "ab      c" },
};

/* Returns nothing; runs the roff_esc cases and the block helper. */
static void
escapes(void)
{
	struct buf b = { NULL, 0, 0 };
	size_t i, n;
	const struct esc_case *c;

	for (i = 0; i < sizeof(esc_cases) / sizeof(esc_cases[0]); i++) {
		c = &esc_cases[i];
		buf_reset(&b);
		buf_puts(&b, c->before);
		n = c->inlen ? c->inlen : strlen(c->in);
		roff_esc(&b, c->in, n, c->flags);
		buf_cstr(&b);
		if (strcmp(b.data, c->want) == 0)
			test_pass(test_name("roff-esc/%s", c->name));
		else
			FAIL(test_name("roff-esc/%s", c->name),
			    "expected \"%s\" got \"%s\"", c->want, b.data);
	}

	buf_reset(&b);
	roff_esc_text(&b, ".x\n'y", 5);
	BUF_PUTSL(&b, " ");
	roff_esc_arg(&b, "\"a\" b\n.c", 9);
	buf_cstr(&b);
	if (strcmp(b.data, "\\&.x\n\\&'y \\(dqa\\(dq b .c") == 0)
		test_pass("roff-esc/text-and-arg");
	else
		FAIL("roff-esc/text-and-arg", "got \"%s\"", b.data);

	buf_reset(&b);
	BUF_PUTSL(&b, ".EX");
	roff_esc_block(&b, "first\n.second\n'third\n\n", 22);
	buf_cstr(&b);
	if (strcmp(b.data, ".EX\nfirst\n\\&.second\n\\(aqthird\n\\&\n") == 0)
		test_pass("roff-esc/block");
	else
		FAIL("roff-esc/block", "got \"%s\"", b.data);

	buf_reset(&b);
	roff_esc_block(&b, "a\n   \n", 6);
	buf_cstr(&b);
	if (strcmp(b.data, "a\n\\&\n") == 0)
		test_pass("roff-esc/block-blank-end");
	else
		FAIL("roff-esc/block-blank-end", "got \"%s\"", b.data);

	buf_reset(&b);
	roff_esc_block(&b, "", 0);
	buf_cstr(&b);
	if (strcmp(b.data, "\\&\n") == 0)
		test_pass("roff-esc/block-empty");
	else
		FAIL("roff-esc/block-empty", "got \"%s\"", b.data);

	/* Wrapping: at a blank (a '.' after it escaped), \c in a word,
	 * break points in long words; code and tbl lines stay whole. */
	buf_reset(&b);
	BUF_PUTSL(&b, "keep\n"
	    "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee .SH ggg\n"
	    ".EX\n"
	    "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee .SH ggg\n"
	    ".EE\n"
	    ".TS\n"
	    "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee .SH ggg\n"
	    ".TE\n"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"
	    ".SH \"a https://example.test/abcdefghij/klmnopqrstuvwxyz\"\n");
	roff_wrap(&b, 5, 50);
	buf_cstr(&b);
	if (strcmp(b.data, "keep\n"
	    "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee\n"
	    "\\&.SH ggg\n"
	    ".EX\n"
	    "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee .SH ggg\n"
	    ".EE\n"
	    ".TS\n"
	    "aaaaaaaaa bbbbbbbbb ccccccccc ddddddddd eeeeeeeee .SH ggg\n"
	    ".TE\n"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\:xxxxxxxxxxxxxxxx\\c\n"
	    "xxxxxxxxxxxxxx\\:xxx\n"
	    ".SH \"a https://\\:example.test/\\:abcdefghij/\\:"
	    "klmnopqrstuvwxyz\"\n") == 0)
		test_pass("roff-esc/wrap");
	else
		FAIL("roff-esc/wrap", "got \"%s\"", b.data);

	/* A word gets break points exactly when it is longer than 40
	 * bytes, wherever it starts (roff_wrap looks eight bytes at a
	 * time first) and however long the line around it. */
	{
		int len, lead, tail, bad = 0;
		for (len = 30; len <= 50 && !bad; len++)
			for (lead = 0; lead <= 17 && !bad; lead++)
				for (tail = 0; tail <= 9 && !bad; tail++) {
					int j, want = len > 40, got;
					buf_reset(&b);
					for (j = 0; j < lead; j++)
						buf_putc(&b, j % 3 == 2 ? ' ' : 'a');
					if (lead > 0)
						buf_putc(&b, ' ');
					for (j = 0; j < len; j++)
						buf_putc(&b, 'w');
					if (tail > 0)
						buf_putc(&b, ' ');
					for (j = 0; j < tail; j++)
						buf_putc(&b, 'z');
					buf_putc(&b, '\n');
					roff_wrap(&b, 0, 200);
					buf_cstr(&b);
					got = strstr(b.data, "\\:") != NULL;
					if (got != want) {
						FAIL("roff-esc/long-word",
						    "word of %d after %d bytes, "
						    "%d after: break points %d, "
						    "want %d", len, lead, tail,
						    got, want);
						bad = 1;
					}
				}
		if (!bad)
			test_pass("roff-esc/long-word");
	}
	/* roff_width: plain ASCII (the fast path) as the token path counts
	 * it, and escapes and UTF-8 as before. */
	{
		static const struct { const char *s; size_t cols, word; } w[] = {
			{ "", 0, 0 },
			{ "abc", 3, 3 },
			{ "ab cdef g", 9, 4 },
			{ "ab\ncdefgh ij", 12, 6 },
			{ "  lead and trail  ", 18, 5 },
			{ "a\\-b c", 5, 3 },
			{ "caf\xc3\xa9 au lait", 12, 4 },
			{ "x\\fBbold\\fR y", 7, 5 },
		};
		size_t k, word, cols;
		int bad = 0;
		for (k = 0; k < sizeof(w) / sizeof(w[0]); k++) {
			cols = roff_width(w[k].s, strlen(w[k].s), &word);
			if (cols != w[k].cols || word != w[k].word) {
				FAIL("roff-esc/width-plain", "\"%s\": %zu "
				    "columns, widest %zu; want %zu, %zu",
				    w[k].s, cols, word, w[k].cols, w[k].word);
				bad = 1;
			}
		}
		if (!bad)
			test_pass("roff-esc/width-plain");
	}

	if (roff_width("\\fBab\\fR \\[u4E2D]\\&x", 18, &n) == 6 && n == 3)
		test_pass("roff-esc/width");
	else
		FAIL("roff-esc/width", "got %zu, word %zu",
		    roff_width("\\fBab\\fR \\[u4E2D]\\&x", 18, &n), n);

	buf_reset(&b);
	BUF_PUTSL(&b, "text   ");
	roff_nl(&b);
	roff_nl(&b);
	buf_cstr(&b);
	if (strcmp(b.data, "text\n") == 0)
		test_pass("roff-esc/nl");
	else
		FAIL("roff-esc/nl", "got \"%s\"", b.data);
	buf_free(&b);
}

/* ------------------------------------------------ hostile structure */

/* Returns a parsed Markdown document, with the GFM extensions. */
static cmark_node *
parse(const char *md, size_t len)
{
	static const char *const exts[] = {
		"table", "strikethrough", "autolink", "tagfilter", "tasklist",
		NULL
	};
	cmark_parser *p;
	cmark_node *doc;
	size_t i;

	cmark_gfm_core_extensions_ensure_registered();
	p = cmark_parser_new(CMARK_OPT_DEFAULT);
	for (i = 0; exts[i] != NULL; i++)
		cmark_parser_attach_syntax_extension(p,
		    cmark_find_syntax_extension(exts[i]));
	cmark_parser_feed(p, md, len);
	doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	return doc;
}

/*
 * Returns nothing; renders Markdown md as a runbook of its own (no
 * front-matter, no links resolved) into page.
 */
static void
render_md(const char *md, size_t len, struct buf *page)
{
	struct site s;
	struct runbook r;
	struct man *m;

	memset(&s, 0, sizeof(s));
	memcpy(s.today, "2026-01-01", 11);
	memset(&r, 0, sizeof(r));
	r.id = r.name = r.title = (char *)"stress";
	r.doc = parse(md, len);
	m = man_new(&s, NULL, NULL);
	buf_reset(page);
	man_render(m, &r, page);
	buf_cstr(page);
	man_free(m);
	cmark_node_free(r.doc);
}

/* Returns nothing; lints every page in dir at once, for one check. */
static void
lint_dir(const char *name, const char *dir)
{
	struct buf out = { NULL, 0, 0 };
	char *cmd;
	int rc;

	if (have("mandoc")) {
		cmd = xasprintf("mandoc -Tlint '%s'/*.7 2>&1", dir);
		rc = run(cmd, &out);
		free(cmd);
		if (out.len > 0 || rc != 0)
			FAIL(test_name("mandoc-lint/%s", name), "%.2000s",
			    out.data);
		else
			test_pass(test_name("mandoc-lint/%s", name));
	}
	if (have("groff")) {
		cmd = xasprintf("for f in '%s'/*.7; do groff -man -t -ww -z "
		    "-Tutf8 \"$f\" 2>&1; done", dir);
		rc = run(cmd, &out);
		free(cmd);
		if (out.len > 0 || rc != 0)
			FAIL(test_name("groff-lint/%s", name), "%.2000s",
			    out.data);
		else
			test_pass(test_name("groff-lint/%s", name));
	}
	buf_free(&out);
}

/* Returns nothing; checks a rendered stress page and keeps it in dir. */
static void
stress_page(const char *name, const char *dir, const struct buf *page)
{
	const char *why;
	char *file;
	size_t line;

	if ((why = shape(page, &line)) != NULL)
		FAIL(test_name("man-shape/%s", name), "line %zu: %s", line,
		    why);
	else
		test_pass(test_name("man-shape/%s", name));
	file = xasprintf("%s/%s.7", dir, name);
	if (write_file(file, page->data, page->len) == -1)
		FAIL(test_name("man/%s", name), "cannot write %s", file);
	free(file);
}

/*
 * Returns nothing; deep nesting (which a recursive writer would pay for
 * in stack), long words and lines, wide tables.
 */
static void
structure(const char *dir)
{
	struct buf md = { NULL, 0, 0 }, page = { NULL, 0, 0 };
	size_t i, k;

	for (i = 0; i < 5000; i++)
		buf_putc(&md, '>');
	BUF_PUTSL(&md, " .SH deep quote\n");
	render_md(md.data, md.len, &page);
	stress_page("deep-quotes", dir, &page);

	buf_reset(&md);
	for (i = 0; i < 300; i++) {
		for (k = 0; k < i * 2; k++)
			buf_putc(&md, ' ');
		BUF_PUTSL(&md, "- .item\n");
	}
	render_md(md.data, md.len, &page);
	stress_page("deep-lists", dir, &page);

	buf_reset(&md);
	for (i = 0; i < 3000; i++)
		BUF_PUTSL(&md, "*_");
	BUF_PUTSL(&md, "x `.code`");
	for (i = 0; i < 3000; i++)
		BUF_PUTSL(&md, "_*");
	render_md(md.data, md.len, &page);
	stress_page("deep-emphasis", dir, &page);

	buf_reset(&md);
	BUF_PUTSL(&md, "word ");
	for (i = 0; i < 20000; i++)
		buf_putc(&md, "ab/.'-\\"[i % 7]);
	BUF_PUTSL(&md, " end\n\n");
	for (i = 0; i < 3000; i++)
		BUF_PUTSL(&md, ".x 'y ");
	render_md(md.data, md.len, &page);
	stress_page("long-lines", dir, &page);

	buf_reset(&md);
	for (k = 0; k < 3; k++) {
		buf_putc(&md, '|');
		for (i = 0; i < 200; i++)
			buf_puts(&md, k == 1 ? "-|" : ".c|");
		buf_putc(&md, '\n');
	}
	render_md(md.data, md.len, &page);
	stress_page("wide-table", dir, &page);

	buf_free(&md);
	buf_free(&page);
}

/* Returns the next number of a fixed xorshift sequence. */
static uint32_t
rnd(uint32_t *st)
{
	*st ^= *st << 13;
	*st ^= *st >> 17;
	*st ^= *st << 5;
	return *st;
}

/*
 * Returns nothing; random documents built from the pieces Markdown and
 * roff care about: every page must keep its shape and lint clean.
 */
static void
fuzz(const char *dir)
{
	static const char *const bits[] = {
		".", "'", "\\", "\\f", "B", "*", "_", "`", "```\n", "\n",
		"\n\n", " ", "  \n", "- ", "1. ", "> ", "# ", "## ", "### ",
		"|", "| a | b |\n|---|:-:|\n", "---\n", "[", "]", "(", ")",
		"<", ">", "\"", "~~", "x", "\xc3\xa9", "\xf0\x9f\x9a\xa8",
		"\xff", "\t", "[[x]]", "https://e.test/a", "<https://e.test>",
		"[t](https://e.test)", "![i](p.png)", "<b>", "&amp;", ".SH",
		"'br", "T{", "T}", "=", "- [ ] ", "    ", "\x01", "\\\n",
		"\n  - ", "\n    1) ", "<div>\n", "\n===\n", "\n> - ",
		"[r]: https://e.test\n", "[r]", "**", "&#0;", "\r", "\n\t",
		"| x |\n", "\n- | a |\n  |---|\n  | b |\n", "<!-- c -->",
		"\\fP", "\\(em", "\xc2\xa0", "\xe4\xb8\xad",
	};
	struct buf md = { NULL, 0, 0 }, page = { NULL, 0, 0 };
	char name[32];
	uint32_t st = 0x9e3779b9;
	size_t i, k, n, bad = 0, count = 300;
	const char *why;
	char *path;

	if (getenv("RBC_MAN_FUZZ") != NULL) {
		count = strtoul(getenv("RBC_MAN_FUZZ"), NULL, 10);
		st += (uint32_t)count;
	}
	for (i = 0; i < count; i++) {
		buf_reset(&md);
		n = 20 + rnd(&st) % 200;
		for (k = 0; k < n; k++)
			buf_puts(&md, bits[rnd(&st) % (sizeof(bits) /
			    sizeof(bits[0]))]);
		render_md(md.data, md.len, &page);
		snprintf(name, sizeof(name), "fuzz-%04zu", i);
		if ((why = shape(&page, &k)) != NULL && bad++ < 3)
			FAIL("man-shape/fuzz", "%s line %zu: %s", name, k,
			    why);
		snprintf(name + strlen(name), sizeof(name) - strlen(name),
		    ".7");
		path = path_join(dir, name);
		if (write_file(path, page.data, page.len) == -1)
			FAIL(test_name("man/%s", name), "cannot write %s",
			    path);
		free(path);
		if (getenv("RBC_MAN_KEEP") != NULL) {
			/* The input beside the page, as fuzz-NNNN.md. */
			path = xasprintf("%s/fuzz-%04zu.md", dir, i);
			if (write_file(path, md.data, md.len) == -1)
				FAIL(test_name("man/%s", name),
				    "cannot write %s", path);
			free(path);
		}
	}
	if (bad == 0)
		test_pass("man-shape/fuzz");
	buf_free(&md);
	buf_free(&page);
}

int
main(int argc, char **argv)
{
	char tmpl[] = "/tmp/t_man.XXXXXX", *tmp, *cmd;

	const char *site = getenv("RBC_MAN_SITE");
	struct stat st;

	escapes();
	pages(argc > 1 ? argv[1] : "tests/man", test_update() ? EXP_UPDATE :
	    EXP_COMPARE, "");
	/* The example site: every page lints clean too. */
	if (site == NULL)
		site = "content";
	if (argc <= 1 && stat(site, &st) == 0 && S_ISDIR(st.st_mode))
		pages(site, EXP_NONE, "site/");
	else if (argc <= 1)
		test_skip("site", "no %s", site);
	if ((tmp = mkdtemp(tmpl)) == NULL)
		FAIL("man/stress", "mkdtemp: %s", strerror(errno));
	else {
		structure(tmp);
		lint_dir("structure", tmp);
		cmd = xasprintf("rm -f '%s'/*.7", tmp);
		if (system(cmd) != 0)
			fprintf(stderr, "t_man: cannot clean %s\n", tmp);
		free(cmd);
		fuzz(tmp);
		lint_dir("fuzz", tmp);
		if (getenv("RBC_MAN_KEEP") != NULL)
			cmd = xasprintf("echo 'kept %s'", tmp);
		else
			cmd = xasprintf("rm -rf '%s'", tmp);
		if (system(cmd) != 0)
			fprintf(stderr, "t_man: cannot remove %s\n", tmp);
		free(cmd);
	}
	return test_summary();
}
