/*
 * Slug tests: GitHub's slug fixtures (../shared/testsuites/github-slugger,
 * fed in order through one slugger, as github-slugger's own test does),
 * then GitLab-style cases and hostile inputs.  Prints PASS/FAIL per case
 * and "N passed, N failed"; exits 1 on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "harness.h"

/* A string out of the fixtures: bytes, maybe with NULs. */
struct str {
	char	*p;
	size_t	 len;
};

/* Reports one case, at the caller's line: see check_at(). */
#define check(name, want, wantlen, got) \
	check_at(__FILE__, __LINE__, (name), (want), (wantlen), (got))
/* The same for a fresh slug got, which it frees. */
#define check_free(name, want, got) \
	check_free_at(__FILE__, __LINE__, (name), (want), (got))

/* Returns s with quotes and escapes as a C literal would, in b. */
static const char *
quoted(struct buf *b, const char *s, size_t len)
{
	size_t i;
	unsigned char c;

	buf_reset(b);
	buf_putc(b, '"');
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, c);
	}
	buf_putc(b, '"');
	return buf_cstr(b);
}

/* Returns nothing; reports one case, comparing got with want. */
static void
check_at(const char *file, int line, const char *name, const char *want,
    size_t wantlen, const char *got)
{
	struct buf w = { NULL, 0, 0 }, g = { NULL, 0, 0 };

	if (strlen(got) == wantlen && memcmp(got, want, wantlen) == 0) {
		test_pass(test_name("slug/%s", name));
		return;
	}
	test_fail_at(file, line, test_name("slug/%s", name),
	    "expected %s got %s", quoted(&w, want, wantlen),
	    quoted(&g, got, strlen(got)));
	buf_free(&w);
	buf_free(&g);
}

/* Returns nothing; checks the fresh slug got (which it frees). */
static void
check_free_at(const char *file, int line, const char *name,
    const char *want, char *got)
{
	check_at(file, line, name, want, strlen(want), got);
	free(got);
}

/* ------------------------------------------------ a small JSON reader */

struct json {
	const char	*s;
	size_t		 len;
	size_t		 i;
	int		 bad;
};

/* Returns nothing; skips blanks. */
static void
j_ws(struct json *j)
{
	while (j->i < j->len && strchr(" \t\r\n", j->s[j->i]) != NULL &&
	    j->s[j->i] != '\0')
		j->i++;
}

/* Returns whether the next non-blank character is c, consuming it. */
static int
j_eat(struct json *j, char c)
{
	j_ws(j);
	if (j->i < j->len && j->s[j->i] == c) {
		j->i++;
		return 1;
	}
	return 0;
}

/* Returns the value of four hex digits, or -1. */
static long
j_hex4(struct json *j)
{
	long v = 0;
	int k;
	char c;

	if (j->len - j->i < 4)
		return -1;
	for (k = 0; k < 4; k++) {
		c = j->s[j->i++];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Returns 1 and the decoded string in *out (when out is not NULL), or 0.
 * Surrogate pairs become one code point; a lone surrogate is written as
 * its three bytes, which is not UTF-8, as JavaScript would keep it.
 */
static int
j_string(struct json *j, struct str *out)
{
	struct buf b = { NULL, 0, 0 };
	long u, lo;
	char enc[4];
	char c;

	if (!j_eat(j, '"'))
		return 0;
	while (j->i < j->len && j->s[j->i] != '"') {
		c = j->s[j->i++];
		if (c != '\\') {
			buf_putc(&b, c);
			continue;
		}
		if (j->i >= j->len)
			break;
		c = j->s[j->i++];
		switch (c) {
		case 'b': buf_putc(&b, '\b'); break;
		case 'f': buf_putc(&b, '\f'); break;
		case 'n': buf_putc(&b, '\n'); break;
		case 'r': buf_putc(&b, '\r'); break;
		case 't': buf_putc(&b, '\t'); break;
		case 'u':
			if ((u = j_hex4(j)) < 0)
				goto bad;
			if (u >= 0xd800 && u <= 0xdbff &&
			    j->len - j->i >= 6 && j->s[j->i] == '\\' &&
			    j->s[j->i + 1] == 'u') {
				j->i += 2;
				if ((lo = j_hex4(j)) < 0)
					goto bad;
				if (lo >= 0xdc00 && lo <= 0xdfff)
					u = 0x10000 + ((u - 0xd800) << 10) +
					    (lo - 0xdc00);
				else
					j->i -= 6;	/* a lone one */
			}
			if (u >= 0xd800 && u <= 0xdfff) {
				buf_putc(&b, 0xe0 | (int)(u >> 12));
				buf_putc(&b, 0x80 | (int)((u >> 6) & 0x3f));
				buf_putc(&b, 0x80 | (int)(u & 0x3f));
			} else
				buf_put(&b, enc, (size_t)utf8_encode(
				    (uint32_t)u, enc));
			break;
		default:
			buf_putc(&b, c);	/* \" \\ \/ */
			break;
		}
	}
	if (j->i >= j->len)
		goto bad;
	j->i++;
	if (out != NULL) {
		out->len = b.len;
		out->p = buf_detach(&b);
	} else
		buf_free(&b);
	return 1;
bad:
	buf_free(&b);
	return 0;
}

/* Returns 1 after skipping any JSON value, or 0 on bad syntax. */
static int
j_skip(struct json *j)
{
	j_ws(j);
	if (j->i >= j->len)
		return 0;
	if (j->s[j->i] == '"')
		return j_string(j, NULL);
	if (j_eat(j, '[')) {
		if (j_eat(j, ']'))
			return 1;
		do {
			if (!j_skip(j))
				return 0;
		} while (j_eat(j, ','));
		return j_eat(j, ']');
	}
	if (j_eat(j, '{')) {
		if (j_eat(j, '}'))
			return 1;
		do {
			if (!j_string(j, NULL) || !j_eat(j, ':') || !j_skip(j))
				return 0;
		} while (j_eat(j, ','));
		return j_eat(j, '}');
	}
	while (j->i < j->len && strchr(",]} \t\r\n", j->s[j->i]) == NULL)
		j->i++;
	return 1;
}

/* ------------------------------------------------------- the fixtures */

/* Returns 1 after running one fixture {name, input, expected}, 0 if bad. */
static int
fixture(struct json *j, struct slugger *sg)
{
	struct str key, name = { NULL, 0 }, in = { NULL, 0 },
	    want = { NULL, 0 }, *dst;
	char *got;
	int ok = 0;

	if (!j_eat(j, '{'))
		return 0;
	if (!j_eat(j, '}')) {
		do {
			if (!j_string(j, &key) || !j_eat(j, ':'))
				goto out;
			dst = strcmp(key.p, "name") == 0 ? &name :
			    strcmp(key.p, "input") == 0 ? &in :
			    strcmp(key.p, "expected") == 0 ? &want : NULL;
			free(key.p);
			if (dst != NULL) {
				free(dst->p);
				if (!j_string(j, dst))
					goto out;
			} else if (!j_skip(j))
				goto out;
		} while (j_eat(j, ','));
		if (!j_eat(j, '}'))
			goto out;
	}
	if (name.p == NULL || in.p == NULL || want.p == NULL)
		goto out;
	got = slugger_slug(sg, in.p, in.len);
	check(name.p, want.p, want.len, got);
	free(got);
	ok = 1;
out:
	free(name.p);
	free(in.p);
	free(want.p);
	return ok;
}

/* Returns nothing; runs every fixture of the shared GitHub suite. */
static void
github_fixtures(void)
{
	const char *shared = getenv("RBC_SHARED");
	struct buf b = { NULL, 0, 0 };
	struct json j;
	struct slugger *sg;
	char *path;
	int n = 0;

	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	path = xasprintf("%s/testsuites/github-slugger/fixtures.json", shared);
	if (read_file(path, &b, 64u * 1024 * 1024) != 0) {
		test_missing("slug-fixtures", "%s not found", path);
		free(path);
		return;
	}
	j.s = b.data;
	j.len = b.len;
	j.i = 0;
	j.bad = 0;
	sg = slugger_new(SLUG_GITHUB);
	if (j_eat(&j, '[') && !j_eat(&j, ']')) {
		do {
			if (!fixture(&j, sg)) {
				j.bad = 1;
				break;
			}
			n++;
		} while (j_eat(&j, ','));
		if (!j.bad && !j_eat(&j, ']'))
			j.bad = 1;
	}
	if (j.bad || n == 0)
		FAIL("slug/fixtures", "%s: bad JSON near byte %zu", path,
		    j.i);
	slugger_free(sg);
	buf_free(&b);
	free(path);
}

/* --------------------------------------------------- our own cases */

/* Returns nothing; GitHub cases the fixtures leave out. */
static void
github_more(void)
{
	struct slugger *sg;
	static const struct {
		const char *name, *in, *want;
	} t[] = {
		{ "github/final-sigma", "ΟΔΟΣ", "οδος" },
		{ "github/final-sigma-words", "ΣΑΣ ΣΑΣ", "σας-σας" },
		{ "github/final-sigma-before-dot", "ΟΔΟΣ.", "οδος" },
		{ "github/medial-sigma", "ΑΣΑ", "ασα" },
		{ "github/lone-sigma", "Σ", "σ" },
		{ "github/sigma-ignorable-then-letter", "ΑΣ\xcc\x81" "Β",
		    "ασ\xcc\x81" "β" },
		{ "github/sigma-ignorable-end", "ΑΣ\xcc\x81", "ας\xcc\x81" },
		{ "github/sigma-after-modifier", "Aʰ" "Σ", "aʰ" "ς" },
		{ "github/dotted-capital-i", "İstanbul", "i\xcc\x87stanbul" },
		{ "github/grows-when-lowered", "Ⱥ", "ⱥ" },
		{ "github/tab-and-nbsp-removed", "a\tb\xc2\xa0" "c", "abc" },
		{ "github/runbook-heading", "Step 2: Fail over (manual!)",
		    "step-2-fail-over-manual" },
	};
	size_t i;
	char *got;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_free(t[i].name, t[i].want,
		    slug_make(t[i].in, strlen(t[i].in), SLUG_GITHUB));

	/* github-slugger: "" is a slug like any other, so "" then "-1". */
	sg = slugger_new(SLUG_GITHUB);
	check_free("github/empty", "", slugger_slug(sg, "", 0));
	check_free("github/empty-again", "-1", slugger_slug(sg, "", 0));
	check_free("github/x", "x", slugger_slug(sg, "x", 1));
	check_free("github/x-1-literal", "x-1", slugger_slug(sg, "x-1", 3));
	check_free("github/x-skips-taken", "x-2", slugger_slug(sg, "X", 1));
	check_free("github/x-1-again", "x-1-1", slugger_slug(sg, "x 1", 3));
	slugger_free(sg);

	/* Many repeats: the table grows, the numbers keep counting. */
	sg = slugger_new(SLUG_GITHUB);
	for (i = 0; i < 10000; i++) {
		got = slugger_slug(sg, "Retry", 5);
		if (i < 9999)
			free(got);
	}
	check_free("github/10000-repeats", "retry-9999", got);
	slugger_free(sg);
}

/* Returns nothing; the GitLab (kramdown-like) style. */
static void
gitlab(void)
{
	static const struct {
		const char *name, *in, *want;
	} t[] = {
		{ "gitlab/double-dash", "Rollback -- manual",
		    "rollback-manual" },
		{ "gitlab/spaces", "  Spaces  ", "spaces" },
		{ "gitlab/dashes-trimmed", "-Leading and trailing-",
		    "leading-and-trailing" },
		{ "gitlab/punctuation", "C++ & Rust!", "c-rust" },
		{ "gitlab/step", "Step 1: Drain the node",
		    "step-1-drain-the-node" },
		{ "gitlab/underscore", "snake_case_name", "snake_case_name" },
		{ "gitlab/cyrillic", "Привет Мир", "привет-мир" },
		{ "gitlab/only-punctuation", "?!", "" },
		{ "gitlab/only-dashes", " - - ", "" },
		{ "gitlab/emoji", "😄 Deploy 😄", "deploy" },
		{ "gitlab/empty", "", "" },
	};
	struct slugger *sg;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_free(t[i].name, t[i].want,
		    slug_make(t[i].in, strlen(t[i].in), SLUG_GITLAB));
	sg = slugger_new(SLUG_GITLAB);
	check_free("gitlab/dup", "overview", slugger_slug(sg, "Overview", 8));
	check_free("gitlab/dup-1", "overview-1",
	    slugger_slug(sg, "Overview", 8));
	check_free("gitlab/dup-2", "overview-2",
	    slugger_slug(sg, "Overview!", 9));
	check_free("gitlab/dup-literal", "overview-3",
	    slugger_slug(sg, "Overview -- 3", 13));
	check_free("gitlab/dup-skips-literal", "overview-4",
	    slugger_slug(sg, "overview", 8));
	slugger_free(sg);
}

/* Returns a heading of n bytes: unit repeated, cut to whole units. */
static char *
repeat(const char *unit, size_t n, size_t *len)
{
	size_t u = strlen(unit), i;
	char *p = xmalloc(n + 1);

	for (i = 0; u > 0 && i + u <= n; i += u)
		memcpy(p + i, unit, u);
	p[i] = '\0';
	*len = i;
	return p;
}

/* Returns nothing; checks a 1 MiB heading of unit against want's unit. */
static void
big(const char *name, const char *unit, const char *wantunit,
    enum slug_style style)
{
	size_t len, wlen, ulen = strlen(unit);
	char *in, *want, *got;

	in = repeat(unit, 1024 * 1024, &len);
	want = repeat(wantunit, len / ulen * strlen(wantunit), &wlen);
	got = slug_make(in, len, style);
	check(name, want, wlen, got);
	free(got);
	free(want);
	free(in);
}

/*
 * Returns nothing; 1 MiB of "ΑΣ'": every sigma looks past an apostrophe
 * (case-ignorable) to decide; only the last one is final.
 */
static void
sigma_run(void)
{
	size_t len, wlen;
	char *in, *want, *got;

	in = repeat("ΑΣ'", 1024 * 1024, &len);
	want = repeat("ασ", len / 5 * 4, &wlen);
	want[wlen - 1] = '\x82';	/* σ CF 83 to ς CF 82 */
	got = slug_make(in, len, SLUG_GITHUB);
	check("hostile/1mib-sigma-lookahead", want, wlen, got);
	free(got);
	free(want);
	free(in);
}

/* Returns nothing; inputs meant to break things. */
static void
hostile(void)
{
	static const struct {
		const char *name, *in;
		size_t len;
		const char *want;
	} t[] = {
		{ "hostile/invalid-bytes", "a\xff\xfe" "b\xc3", 6, "ab" },
		{ "hostile/overlong-slash", "a\xc0\xaf" "b", 4, "ab" },
		{ "hostile/encoded-surrogate", "a\xed\xa0\x80" "b", 5, "ab" },
		{ "hostile/above-10ffff", "a\xf4\x90\x80\x80" "b", 6, "ab" },
		{ "hostile/truncated-4-byte", "a\xf0\x9f\x98", 4, "a" },
		{ "hostile/lone-continuation", "\x80\x80 x", 4, "-x" },
		{ "hostile/nul-inside", "a\0b", 3, "ab" },
		{ "hostile/sigma-then-invalid", "ΑΣ\xff", 5, "ας" },
		{ "hostile/empty", "", 0, "" },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		check_free(t[i].name, t[i].want,
		    slug_make(t[i].in, t[i].len, SLUG_GITHUB));
	check_free("hostile/null-pointer-empty", "",
	    slug_make(NULL, 0, SLUG_GITHUB));
	big("hostile/1mib-ascii", "A", "a", SLUG_GITHUB);
	big("hostile/1mib-dotted-i", "İ", "i\xcc\x87", SLUG_GITHUB);
	big("hostile/1mib-grows", "Ⱥ", "ⱥ", SLUG_GITHUB);
	big("hostile/1mib-sigma", "ΑΣ ", "ας-", SLUG_GITHUB);
	sigma_run();
	big("hostile/1mib-invalid", "\xff", "", SLUG_GITHUB);
	big("hostile/1mib-emoji", "😄", "", SLUG_GITHUB);
	big("hostile/1mib-spaces-github", " ", "-", SLUG_GITHUB);
	big("hostile/1mib-spaces-gitlab", " ", "", SLUG_GITLAB);
}

int
main(void)
{
	github_fixtures();
	github_more();
	gitlab();
	hostile();
	return test_summary();
}
