/*
 * TOML front-matter, Hugo's "+++" block, loaded into the same struct
 * ynode as YAML's, with line:col for every key and value: tables
 * ([params], [[menu.main]]), dotted keys, the four kinds of strings,
 * integers, floats, booleans, dates and times (kept as written, as
 * strings), arrays and inline tables.  Debian packages no C library for
 * TOML; this is the part of TOML 1.0 that a document's front-matter
 * holds, and what it does not read is a yaml-syntax diagnostic at its
 * place, never a guess.  Depth is bounded; the block's size bounds the
 * rest.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stages.h"

#define TOML_DEPTH	32

struct tl {
	struct arena	*a;
	struct diags	*d;
	const char	*file;
	const char	*p, *end;
	const char	*bol;		/* the current line's start */
	int		 line;		/* in the file */
	int		 failed;
};

static void
fail(struct tl *t, const char *what)
{
	if (!t->failed)
		diag_add(t->d, t->file, t->line, (int)(t->p - t->bol) + 1,
		    R_YAML_SYNTAX, "front-matter (TOML): %s", what);
	t->failed = 1;
}

static void
at(struct tl *t, struct ynode *y, const char *from)
{
	y->line = t->line;
	y->col = (int)(from - t->bol) + 1;
}

static void
newline(struct tl *t)
{
	t->p++;
	t->line++;
	t->bol = t->p;
}

/* Skips blanks, and with nl newlines and comments too. */
static void
skip(struct tl *t, int nl)
{
	while (t->p < t->end) {
		if (*t->p == ' ' || *t->p == '\t' || *t->p == '\r')
			t->p++;
		else if (nl && *t->p == '\n')
			newline(t);
		else if (nl && *t->p == '#')
			while (t->p < t->end && *t->p != '\n')
				t->p++;
		else
			break;
	}
}

/* The rest of the line: blanks, then a comment, then its end. */
static void
line_end(struct tl *t)
{
	skip(t, 0);
	if (t->p < t->end && *t->p == '#')
		while (t->p < t->end && *t->p != '\n')
			t->p++;
	if (t->p < t->end && *t->p != '\n')
		fail(t, "unexpected text after a value");
	else if (t->p < t->end)
		newline(t);
}

static int
bare(int c)
{
	return isalnum(c) || c == '_' || c == '-';
}

/* A basic string's escape at t->p (after the backslash), into b. */
static void
escape(struct tl *t, struct buf *b)
{
	uint32_t u = 0;
	char enc[4];
	int n = 0, i, k;

	if (t->p >= t->end) {
		fail(t, "a string's escape is cut off");
		return;
	}
	switch (*t->p++) {
	case 'b': buf_putc(b, '\b'); return;
	case 't': buf_putc(b, '\t'); return;
	case 'n': buf_putc(b, '\n'); return;
	case 'f': buf_putc(b, '\f'); return;
	case 'r': buf_putc(b, '\r'); return;
	case 'e': buf_putc(b, 0x1b); return;
	case '"': buf_putc(b, '"'); return;
	case '\\': buf_putc(b, '\\'); return;
	case 'u': n = 4; break;
	case 'U': n = 8; break;
	default:
		t->p--;
		fail(t, "unknown escape in a string");
		return;
	}
	for (i = 0; i < n; i++, t->p++) {
		if (t->p >= t->end || !isxdigit((unsigned char)*t->p)) {
			fail(t, "a \\u escape needs hexadecimal digits");
			return;
		}
		u = u * 16 + (uint32_t)(isdigit((unsigned char)*t->p) ?
		    *t->p - '0' : (tolower((unsigned char)*t->p) - 'a' + 10));
	}
	if (u > 0x10ffff || (u >= 0xd800 && u <= 0xdfff) ||
	    (k = utf8_encode(u, enc)) <= 0) {
		fail(t, "a \\u escape that is no character");
		return;
	}
	buf_put(b, enc, (size_t)k);
}

/* A string at t->p (its quote); NULL after a diagnostic. */
static struct ynode *
string(struct tl *t)
{
	char q = *t->p;
	int multi = t->end - t->p >= 3 && t->p[1] == q && t->p[2] == q;
	struct buf b = { NULL, 0, 0 };
	struct ynode *y;

	y = ynew(t->a, Y_STR);
	at(t, y, t->p);
	y->quoted = 1;
	t->p += multi ? 3 : 1;
	/* A newline just after the opening quotes is not the string's. */
	if (multi && t->p < t->end && *t->p == '\n')
		newline(t);
	else if (multi && t->end - t->p >= 2 && t->p[0] == '\r' &&
	    t->p[1] == '\n') {
		t->p++;
		newline(t);
	}
	for (;;) {
		if (t->p >= t->end) {
			fail(t, "a string is not closed");
			buf_free(&b);
			return NULL;
		}
		if (*t->p == q && (!multi || (t->end - t->p >= 3 &&
		    t->p[1] == q && t->p[2] == q))) {
			/* """a"""" : up to two quotes more are the string's */
			int more = 0;
			t->p += multi ? 3 : 1;
			while (multi && more < 2 && t->p < t->end && *t->p == q) {
				buf_putc(&b, q);
				t->p++;
				more++;
			}
			break;
		}
		if (*t->p == '\n') {
			if (!multi) {
				fail(t, "a string is not closed on its line");
				buf_free(&b);
				return NULL;
			}
			buf_putc(&b, '\n');
			newline(t);
			continue;
		}
		if (*t->p == '\\' && q == '"') {
			t->p++;
			/* A backslash ending a line joins the next one. */
			if (multi) {
				const char *s = t->p;
				while (s < t->end && (*s == ' ' || *s == '\t' ||
				    *s == '\r'))
					s++;
				if (s < t->end && *s == '\n') {
					t->p = s;
					skip(t, 1);
					continue;
				}
			}
			escape(t, &b);
			if (t->failed) {
				buf_free(&b);
				return NULL;
			}
			continue;
		}
		buf_putc(&b, *t->p++);
	}
	y->s = arena_strndup(t->a, b.data != NULL ? b.data : "", b.len);
	y->slen = b.len;
	buf_free(&b);
	return y;
}

/* A number, boolean, date or time: the token at t->p. */
static struct ynode *
scalar(struct tl *t)
{
	const char *s = t->p, *e = s;
	char *tok, *clean, *q;
	struct ynode *y;
	size_t n, i;

	/* A date and time may hold one space: "1979-05-27 07:32:00Z". */
	while (e < t->end && (bare((unsigned char)*e) || *e == '.' ||
	    *e == ':' || *e == '+' || (*e == ' ' && e - s == 10 &&
	    s[4] == '-' && e + 1 < t->end && isdigit((unsigned char)e[1]))))
		e++;
	n = (size_t)(e - s);
	if (n == 0) {
		fail(t, "a value is missing");
		return NULL;
	}
	tok = arena_strndup(t->a, s, n);
	t->p = e;
	if (strcmp(tok, "true") == 0 || strcmp(tok, "false") == 0) {
		y = ynew_bool(t->a, tok[0] == 't');
		at(t, y, s);
		return y;
	}
	/* Dates and times stay as written: the review date's readers
	 * take them so. */
	if (n >= 8 && ((isdigit((unsigned char)tok[0]) && n >= 10 &&
	    tok[4] == '-' && tok[7] == '-') || (tok[2] == ':' &&
	    isdigit((unsigned char)tok[0])))) {
		y = ynew_str(t->a, tok, n);
		at(t, y, s);
		return y;
	}
	clean = xstrdup(tok);
	for (i = 0, q = clean; tok[i] != '\0'; i++)
		if (tok[i] != '_')
			*q++ = tok[i];
	*q = '\0';
	y = NULL;
	if (strcmp(clean, "inf") == 0 || strcmp(clean, "+inf") == 0 ||
	    strcmp(clean, "-inf") == 0 || strcmp(clean, "nan") == 0 ||
	    strcmp(clean, "+nan") == 0 || strcmp(clean, "-nan") == 0)
		y = ynew_str(t->a, tok, n);	/* JSON has no such number */
	else if (clean[0] == '0' && (clean[1] == 'x' || clean[1] == 'o' ||
	    clean[1] == 'b') && clean[2] != '\0') {
		char *end;
		unsigned long long v = strtoull(clean + 2, &end, clean[1] ==
		    'x' ? 16 : clean[1] == 'o' ? 8 : 2);
		if (*end == '\0' && v <= (unsigned long long)INT64_MAX)
			y = ynew_int(t->a, (long long)v);
	} else {
		char *end;
		const char *num = clean[0] == '+' ? clean + 1 : clean;
		double v = strtod(num, &end);
		if (*end == '\0' && end != num && isdigit((unsigned char)
		    num[num[0] == '-'])) {
			if (strpbrk(num, ".eE") == NULL && v >= -9.0e18 &&
			    v <= 9.0e18)
				y = ynew_int(t->a, strtoll(num, NULL, 10));
			else {
				y = ynew(t->a, Y_FLOAT);
				y->num = v;
				y->s = arena_strdup(t->a, tok);
				y->slen = n;
			}
		}
	}
	free(clean);
	if (y == NULL) {
		t->p = s;
		fail(t, "a value that is neither a string, a number, a "
		    "boolean nor a date (quote text)");
		return NULL;
	}
	at(t, y, s);
	return y;
}

static struct ynode *value(struct tl *, int depth);
static int keyval(struct tl *, struct ynode *table, int depth);

static struct ynode *
array(struct tl *t, int depth)
{
	struct ynode *y = ynew(t->a, Y_SEQ), *v;

	at(t, y, t->p);
	t->p++;
	for (;;) {
		skip(t, 1);
		if (t->p >= t->end) {
			fail(t, "an array is not closed");
			return NULL;
		}
		if (*t->p == ']') {
			t->p++;
			return y;
		}
		if ((v = value(t, depth + 1)) == NULL)
			return NULL;
		yseq_push(t->a, y, v);
		skip(t, 1);
		if (t->p < t->end && *t->p == ',')
			t->p++;
		else if (t->p < t->end && *t->p != ']') {
			fail(t, "an array's values are separated by commas");
			return NULL;
		}
	}
}

static struct ynode *
inline_table(struct tl *t, int depth)
{
	struct ynode *y = ynew(t->a, Y_MAP);

	at(t, y, t->p);
	t->p++;
	for (;;) {
		skip(t, 0);
		if (t->p < t->end && *t->p == '}') {
			t->p++;
			return y;
		}
		if (keyval(t, y, depth + 1) == -1)
			return NULL;
		skip(t, 0);
		if (t->p < t->end && *t->p == ',')
			t->p++;
		else if (t->p >= t->end || *t->p != '}') {
			fail(t, "an inline table's pairs are separated by "
			    "commas and it ends on its line");
			return NULL;
		}
	}
}

static struct ynode *
value(struct tl *t, int depth)
{
	if (depth > TOML_DEPTH) {
		fail(t, "values nested too deep");
		return NULL;
	}
	if (t->p >= t->end || *t->p == '\n') {
		fail(t, "a value is missing");
		return NULL;
	}
	if (*t->p == '"' || *t->p == '\'')
		return string(t);
	if (*t->p == '[')
		return array(t, depth);
	if (*t->p == '{')
		return inline_table(t, depth);
	return scalar(t);
}

/* One key of a dotted key at t->p, as a key scalar; NULL after a
 * diagnostic. */
static struct ynode *
key(struct tl *t)
{
	const char *s;
	struct ynode *k;

	skip(t, 0);
	if (t->p < t->end && (*t->p == '"' || *t->p == '\'')) {
		if (t->end - t->p >= 3 && t->p[1] == t->p[0] &&
		    t->p[2] == t->p[0]) {
			fail(t, "a key cannot be a multi-line string");
			return NULL;
		}
		return string(t);
	}
	for (s = t->p; t->p < t->end && bare((unsigned char)*t->p); t->p++)
		;
	if (t->p == s) {
		fail(t, "a key is missing");
		return NULL;
	}
	k = ynew_str(t->a, s, (size_t)(t->p - s));
	at(t, k, s);
	return k;
}

/* The table of key k in map (made if absent); NULL if k holds another
 * kind of value. */
static struct ynode *
subtable(struct tl *t, struct ynode *map, struct ynode *k, int last_of_seq)
{
	struct ynode *v = (struct ynode *)(uintptr_t)ymap_get(map, k->s);

	if (v == NULL) {
		v = ynew(t->a, Y_MAP);
		v->line = k->line;
		v->col = k->col;
		ymap_put(t->a, map, k, v);
		return v;
	}
	/* [[a]] then [a.b]: the last table of the array. */
	if (v->type == Y_SEQ && last_of_seq && v->n > 0 &&
	    v->items[v->n - 1]->type == Y_MAP)
		return v->items[v->n - 1];
	if (v->type != Y_MAP) {
		t->p = t->bol + k->col - 1;
		fail(t, "a key that is a value is used as a table");
		return NULL;
	}
	return v;
}

/* key = value into table; 0, or -1 after a diagnostic. */
static int
keyval(struct tl *t, struct ynode *table, int depth)
{
	struct ynode *k, *v;

	if ((k = key(t)) == NULL)
		return -1;
	for (skip(t, 0); t->p < t->end && *t->p == '.'; skip(t, 0)) {
		t->p++;
		if ((table = subtable(t, table, k, 0)) == NULL ||
		    (k = key(t)) == NULL)
			return -1;
	}
	if (t->p >= t->end || *t->p != '=') {
		fail(t, "a key is followed by '='");
		return -1;
	}
	t->p++;
	skip(t, 0);
	if ((v = value(t, depth)) == NULL)
		return -1;
	if (ymap_get(table, k->s) != NULL) {
		const struct ynode *first = ymap_get(table, k->s);
		size_t i;
		for (i = 0; i < table->n; i++)
			if (table->items[i] == first)
				break;
		diag_add(t->d, t->file, k->line, k->col, R_DUPLICATE_KEY,
		    "duplicate key '%s' (first at line %d)", k->s,
		    i < table->n ? table->keys[i]->line : k->line);
		return 0;	/* the first stays in force */
	}
	ymap_put(t->a, table, k, v);
	return 0;
}

/* [a.b] or [[a.b]] at t->p: the table the next pairs go to, or NULL. */
static struct ynode *
header(struct tl *t, struct ynode *root)
{
	int arr = t->end - t->p >= 2 && t->p[1] == '[';
	struct ynode *table = root, *k, *v;

	t->p += arr ? 2 : 1;
	if ((k = key(t)) == NULL)
		return NULL;
	for (skip(t, 0); t->p < t->end && *t->p == '.'; skip(t, 0)) {
		t->p++;
		if ((table = subtable(t, table, k, 1)) == NULL ||
		    (k = key(t)) == NULL)
			return NULL;
	}
	if (t->p >= t->end || *t->p != ']' || (arr && (t->end - t->p < 2 ||
	    t->p[1] != ']'))) {
		fail(t, arr ? "a table array's name ends with ']]'" :
		    "a table's name ends with ']'");
		return NULL;
	}
	t->p += arr ? 2 : 1;
	if (!arr)
		return subtable(t, table, k, 1);
	v = (struct ynode *)(uintptr_t)ymap_get(table, k->s);
	if (v == NULL) {
		v = ynew(t->a, Y_SEQ);
		v->line = k->line;
		v->col = k->col;
		ymap_put(t->a, table, k, v);
	} else if (v->type != Y_SEQ) {
		fail(t, "a key that is a value is used as a table array");
		return NULL;
	}
	table = ynew(t->a, Y_MAP);
	table->line = k->line;
	table->col = k->col;
	yseq_push(t->a, v, table);
	return table;
}

/*
 * Loads the TOML text buf[0..len), whose first line is line line0 of
 * file, into a map; NULL after a diagnostic in d.
 */
struct ynode *
toml_load(struct arena *a, const char *buf, size_t len, const char *file,
    int line0, struct diags *d)
{
	struct tl t;
	struct ynode *root = ynew(a, Y_MAP), *table = root;

	memset(&t, 0, sizeof(t));
	t.a = a;
	t.d = d;
	t.file = file;
	t.p = t.bol = buf;
	t.end = buf + len;
	t.line = line0;
	root->line = line0 > 1 ? line0 - 1 : 1;	/* the opening +++ */
	root->col = 1;
	while (!t.failed) {
		skip(&t, 1);
		if (t.p >= t.end)
			break;
		if (*t.p == '[')
			table = header(&t, root);
		else if (keyval(&t, table, 0) == -1)
			break;
		if (t.failed || table == NULL)
			break;
		line_end(&t);
	}
	return t.failed ? NULL : root;
}
