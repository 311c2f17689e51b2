/*
 * JSON (RFC 8259) to struct ynode and back.  The reader is strict: no
 * comments, no trailing commas, no NaN, UTF-8 only, duplicate keys are
 * errors, and nesting is bounded (JSON_MAX_DEPTH) so that hostile input
 * cannot exhaust the stack.  Every node keeps its line and column, so the
 * schema checker can point into .json documents as it does into YAML.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/*
 * Deeper than RBC_MAX_DEPTH on purpose: JSON Schema documents (and the
 * official test suite) nest well past 32 levels.  Recursion is bounded by
 * this, a few hundred bytes of stack per level.
 */
#define JSON_MAX_DEPTH	512

struct jp {
	struct arena	 *a;
	const char	 *buf, *p, *end;
	const char	 *file;
	struct diags	 *diags;
	int		  line;		/* line of p */
	const char	 *lstart;	/* first byte of that line */
	const char	 *cpos;		/* column cache: cpos is at ccol */
	int		  ccol;
	struct ynode	**stk;		/* children of the open containers */
	size_t		  nstk, capstk;
	struct buf	  sb;		/* string decoding scratch */
	int		  err;
};

static struct ynode *jvalue(struct jp *, int);

/* Returns the 1-based character column of p, which is on the current line. */
static int
jcol(struct jp *jp, const char *p)
{
	if (jp->cpos < jp->lstart || jp->cpos > p) {
		jp->cpos = jp->lstart;
		jp->ccol = 1;
	}
	jp->ccol += (int)utf8_count(jp->cpos, (size_t)(p - jp->cpos));
	jp->cpos = p;
	return jp->ccol;
}

/* Returns NULL, after reporting a syntax error at p. */
static struct ynode *
jerr(struct jp *jp, const char *p, enum rule r, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static struct ynode *
jerr(struct jp *jp, const char *p, enum rule r, const char *fmt, ...)
{
	struct buf b = { NULL, 0, 0 };
	va_list ap;

	if (jp->err)
		return NULL;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(jp->diags, jp->file, jp->line, jcol(jp, p), r, "%s",
	    buf_cstr(&b));
	buf_free(&b);
	jp->err = 1;
	return NULL;
}

/* Skips JSON whitespace, counting lines. */
static void
jws(struct jp *jp)
{
	while (jp->p < jp->end) {
		switch (*jp->p) {
		case '\n':
			jp->line++;
			jp->lstart = jp->p + 1;
			/* FALLTHROUGH */
		case ' ':
		case '\t':
		case '\r':
			jp->p++;
			continue;
		default:
			return;
		}
	}
}

/* Returns a short description of the byte at p for error messages. */
static const char *
jwhat(const struct jp *jp, const char *p, char tmp[8])
{
	unsigned char c;

	if (p >= jp->end)
		return "end of input";
	c = (unsigned char)*p;
	if (c < 0x20 || c >= 0x7f) {
		snprintf(tmp, 8, "0x%02x", c);
		return tmp;
	}
	tmp[0] = '\'';
	tmp[1] = (char)c;
	tmp[2] = '\'';
	tmp[3] = '\0';
	return tmp;
}

/* Returns a new node of type t at line:col. */
static struct ynode *
jnode(struct jp *jp, enum ytype t, int line, int col)
{
	struct ynode *y = arena_calloc(jp->a, 1, sizeof(*y));

	y->type = t;
	y->line = line;
	y->col = col;
	return y;
}

/* Pushes a child of the container being read. */
static void
jpush(struct jp *jp, struct ynode *y)
{
	if (jp->nstk == jp->capstk) {
		jp->capstk = jp->capstk ? jp->capstk * 2 : 64;
		jp->stk = xreallocarray(jp->stk, jp->capstk, sizeof(*jp->stk));
	}
	jp->stk[jp->nstk++] = y;
}

/* Returns the 4 hex digits at p as a number, or -1. */
static long
jhex4(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		char c = p[i];
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

/* Returns a Y_STR node for the string at jp->p (at its '"'), or NULL. */
static struct ynode *
jstring(struct jp *jp)
{
	const char *start = jp->p, *p = jp->p + 1, *run;
	struct ynode *y;
	char u8[4];
	uint32_t cp;
	long hi, lo;
	int k;

	y = jnode(jp, Y_STR, jp->line, jcol(jp, start));
	y->quoted = 1;
	buf_reset(&jp->sb);
	run = p;
	for (;;) {
		if (p >= jp->end)
			return jerr(jp, start, R_YAML_SYNTAX,
			    "JSON: unterminated string");
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20)
			return jerr(jp, p, R_YAML_SYNTAX, "JSON: control "
			    "character 0x%02x in a string (write it as an "
			    "escape such as \\n)", c);
		if (c >= 0x80) {
			if ((k = utf8_decode(p, (size_t)(jp->end - p),
			    &cp)) == 0)
				return jerr(jp, p, R_UTF8_INVALID,
				    "JSON: invalid UTF-8 byte 0x%02x", c);
			p += k;
			continue;
		}
		if (c != '\\') {
			p++;
			continue;
		}
		buf_put(&jp->sb, run, (size_t)(p - run));
		if (p + 1 >= jp->end)
			return jerr(jp, start, R_YAML_SYNTAX,
			    "JSON: unterminated string");
		switch (p[1]) {
		case '"':  buf_putc(&jp->sb, '"');  break;
		case '\\': buf_putc(&jp->sb, '\\'); break;
		case '/':  buf_putc(&jp->sb, '/');  break;
		case 'b':  buf_putc(&jp->sb, '\b'); break;
		case 'f':  buf_putc(&jp->sb, '\f'); break;
		case 'n':  buf_putc(&jp->sb, '\n'); break;
		case 'r':  buf_putc(&jp->sb, '\r'); break;
		case 't':  buf_putc(&jp->sb, '\t'); break;
		case 'u':
			if ((hi = jhex4(p + 2, jp->end)) < 0)
				return jerr(jp, p, R_YAML_SYNTAX, "JSON: "
				    "\\u needs four hex digits");
			if (hi >= 0xdc00 && hi <= 0xdfff)
				return jerr(jp, p, R_YAML_SYNTAX, "JSON: "
				    "lone low surrogate \\u%04lx", hi);
			if (hi >= 0xd800 && hi <= 0xdbff) {
				if (p + 7 >= jp->end || p[6] != '\\' ||
				    p[7] != 'u' ||
				    (lo = jhex4(p + 8, jp->end)) < 0xdc00 ||
				    lo > 0xdfff)
					return jerr(jp, p, R_YAML_SYNTAX,
					    "JSON: high surrogate \\u%04lx "
					    "without its low half", hi);
				cp = 0x10000 + (((uint32_t)hi - 0xd800) << 10) +
				    ((uint32_t)lo - 0xdc00);
				p += 6;
			} else
				cp = (uint32_t)hi;
			buf_put(&jp->sb, u8, (size_t)utf8_encode(cp, u8));
			p += 4;
			break;
		default:
			return jerr(jp, p, R_YAML_SYNTAX,
			    "JSON: invalid escape \\%c", p[1]);
		}
		p += 2;
		run = p;
	}
	if (jp->sb.len == 0 && run == start + 1) {
		y->s = arena_strndup(jp->a, run, (size_t)(p - run));
		y->slen = (size_t)(p - run);
	} else {
		buf_put(&jp->sb, run, (size_t)(p - run));
		y->s = arena_strndup(jp->a, buf_cstr(&jp->sb), jp->sb.len);
		y->slen = jp->sb.len;
	}
	jp->p = p + 1;
	return y;
}

/* Returns a Y_INT or Y_FLOAT node for the number at jp->p, or NULL. */
static struct ynode *
jnumber(struct jp *jp)
{
	const char *p = jp->p, *start = jp->p;
	struct ynode *y;
	int isint = 1;

	if (*p == '-')
		p++;
	if (p < jp->end && *p == '0')
		p++;
	else if (p < jp->end && *p >= '1' && *p <= '9')
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	else
		return jerr(jp, start, R_YAML_SYNTAX,
		    "JSON: invalid number");
	if (p < jp->end && *p == '.') {
		isint = 0;
		if (++p >= jp->end || *p < '0' || *p > '9')
			return jerr(jp, start, R_YAML_SYNTAX, "JSON: invalid "
			    "number (digits must follow the '.')");
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < jp->end && (*p == 'e' || *p == 'E')) {
		isint = 0;
		p++;
		if (p < jp->end && (*p == '+' || *p == '-'))
			p++;
		if (p >= jp->end || *p < '0' || *p > '9')
			return jerr(jp, start, R_YAML_SYNTAX, "JSON: invalid "
			    "number (digits must follow the exponent)");
		while (p < jp->end && *p >= '0' && *p <= '9')
			p++;
	}
	y = jnode(jp, isint ? Y_INT : Y_FLOAT, jp->line, jcol(jp, start));
	y->s = arena_strndup(jp->a, start, (size_t)(p - start));
	y->slen = (size_t)(p - start);
	y->num = strtod(y->s, NULL);
	jp->p = p;
	return y;
}

/* Returns <0, 0 or >0 as key a sorts before, with or after b. */
static int
keycmp(const struct ynode *a, const struct ynode *b)
{
	size_t n = a->slen < b->slen ? a->slen : b->slen;
	int c = memcmp(a->s, b->s, n);

	if (c != 0)
		return c;
	return a->slen < b->slen ? -1 : a->slen > b->slen;
}

/* Returns the qsort order of two keys: by text, then position. */
static int
keyidx_cmp(const void *x, const void *y)
{
	struct ynode *const *a = x, *const *b = y;
	int c = keycmp(*a, *b);

	if (c != 0)
		return c;
	/* Equal keys in document order, so the later one is reported. */
	if ((*a)->line != (*b)->line)
		return (*a)->line < (*b)->line ? -1 : 1;
	return ((*a)->col > (*b)->col) - ((*a)->col < (*b)->col);
}

/* Reports every key of the object that repeats an earlier one. */
static void
jdupkeys(struct jp *jp, struct ynode *obj)
{
	struct ynode **v;
	size_t i, j;

	if (obj->n < 2)
		return;
	if (obj->n <= 8) {
		for (i = 1; i < obj->n; i++)
			for (j = 0; j < i; j++)
				if (keycmp(obj->keys[i], obj->keys[j]) == 0) {
					diag_add(jp->diags, jp->file,
					    obj->keys[i]->line,
					    obj->keys[i]->col, R_DUPLICATE_KEY,
					    "duplicate key '%s' (first at "
					    "line %d)", obj->keys[i]->s,
					    obj->keys[j]->line);
					jp->err = 1;
					break;
				}
		return;
	}
	v = xreallocarray(NULL, obj->n, sizeof(*v));
	memcpy(v, obj->keys, obj->n * sizeof(*v));
	qsort(v, obj->n, sizeof(*v), keyidx_cmp);
	for (i = 1; i < obj->n; i++)
		if (keycmp(v[i], v[i - 1]) == 0) {
			diag_add(jp->diags, jp->file, v[i]->line, v[i]->col,
			    R_DUPLICATE_KEY, "duplicate key '%s' (first at "
			    "line %d)", v[i]->s, v[i - 1]->line);
			jp->err = 1;
		}
	free(v);
}

/* Moves the children pushed since base into the container's arrays. */
static void
jadopt(struct jp *jp, struct ynode *y, size_t base)
{
	size_t n = jp->nstk - base, i;

	if (y->type == Y_MAP) {
		y->n = y->cap = n / 2;
		y->keys = arena_calloc(jp->a, y->n, sizeof(*y->keys));
		y->items = arena_calloc(jp->a, y->n, sizeof(*y->items));
		for (i = 0; i < y->n; i++) {
			y->keys[i] = jp->stk[base + 2 * i];
			y->items[i] = jp->stk[base + 2 * i + 1];
		}
	} else {
		y->n = y->cap = n;
		y->items = arena_calloc(jp->a, n, sizeof(*y->items));
		memcpy(y->items, jp->stk + base, n * sizeof(*y->items));
	}
	jp->nstk = base;
}

/* Returns the object or array at jp->p, or NULL. */
static struct ynode *
jcontainer(struct jp *jp, int depth)
{
	const char *open = jp->p;
	int ismap = *jp->p == '{';
	char close = ismap ? '}' : ']', tmp[8];
	struct ynode *y, *k, *v;
	size_t base = jp->nstk;

	if (depth >= JSON_MAX_DEPTH)
		return jerr(jp, open, R_LIMIT, "JSON nesting deeper than %d "
		    "levels", JSON_MAX_DEPTH);
	y = jnode(jp, ismap ? Y_MAP : Y_SEQ, jp->line, jcol(jp, open));
	jp->p++;
	jws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return y;
	}
	for (;;) {
		if (ismap) {
			if (jp->p >= jp->end || *jp->p != '"')
				return jerr(jp, jp->p, R_YAML_SYNTAX, "JSON: "
				    "expected a string key, found %s",
				    jwhat(jp, jp->p, tmp));
			if ((k = jstring(jp)) == NULL)
				return NULL;
			jws(jp);
			if (jp->p >= jp->end || *jp->p != ':')
				return jerr(jp, jp->p, R_YAML_SYNTAX, "JSON: "
				    "expected ':' after the key, found %s",
				    jwhat(jp, jp->p, tmp));
			jp->p++;
			jws(jp);
			jpush(jp, k);
		}
		if ((v = jvalue(jp, depth + 1)) == NULL)
			return NULL;
		jpush(jp, v);
		jws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			jws(jp);
			if (jp->p < jp->end && *jp->p == close)
				return jerr(jp, jp->p, R_YAML_SYNTAX,
				    "JSON: trailing comma");
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			break;
		}
		return jerr(jp, jp->p, R_YAML_SYNTAX, "JSON: expected ',' or "
		    "'%c', found %s", close, jwhat(jp, jp->p, tmp));
	}
	jadopt(jp, y, base);
	if (ismap)
		jdupkeys(jp, y);
	return y;
}

/* Returns the value at jp->p (after whitespace), or NULL. */
static struct ynode *
jvalue(struct jp *jp, int depth)
{
	static const struct {
		const char	*word;
		size_t		 len;
		enum ytype	 t;
		int		 b;
	} words[] = {
		{ "true", 4, Y_BOOL, 1 },
		{ "false", 5, Y_BOOL, 0 },
		{ "null", 4, Y_NULL, 0 },
	};
	struct ynode *y;
	char tmp[8];
	size_t i;

	jws(jp);
	if (jp->p >= jp->end)
		return jerr(jp, jp->p, R_YAML_SYNTAX,
		    "JSON: expected a value, found end of input");
	switch (*jp->p) {
	case '{':
	case '[':
		return jcontainer(jp, depth);
	case '"':
		return jstring(jp);
	case '-':
	case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return jnumber(jp);
	default:
		break;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if ((size_t)(jp->end - jp->p) < words[i].len ||
		    memcmp(jp->p, words[i].word, words[i].len) != 0)
			continue;
		y = jnode(jp, words[i].t, jp->line, jcol(jp, jp->p));
		y->b = words[i].b;
		y->s = words[i].word;
		y->slen = words[i].len;
		jp->p += words[i].len;
		return y;
	}
	return jerr(jp, jp->p, R_YAML_SYNTAX, "JSON: expected a value, "
	    "found %s", jwhat(jp, jp->p, tmp));
}

/*
 * Returns the document in buf as a tree allocated from a, or NULL after
 * one or more diagnostics (syntax, duplicate keys, nesting, UTF-8).
 */
struct ynode *
json_load(struct arena *a, const char *buf, size_t len, const char *file,
    struct diags *diags)
{
	struct jp jp;
	struct ynode *y;
	char tmp[8];

	memset(&jp, 0, sizeof(jp));
	jp.a = a;
	jp.buf = jp.p = jp.lstart = jp.cpos = buf;
	jp.end = buf + len;
	jp.file = file;
	jp.diags = diags;
	jp.line = 1;
	jp.ccol = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		jp.p = jp.lstart = jp.cpos = buf + 3;
	y = jvalue(&jp, 0);
	if (y != NULL) {
		jws(&jp);
		if (jp.p < jp.end)
			y = jerr(&jp, jp.p, R_YAML_SYNTAX, "JSON: unexpected "
			    "%s after the value", jwhat(&jp, jp.p, tmp));
	}
	free(jp.stk);
	buf_free(&jp.sb);
	return jp.err ? NULL : y;
}

/* ------------------------------------------------------------- writing */

/* Returns 1 if s is an integer in JSON syntax. */
static int
json_int_text(const char *s, size_t n)
{
	size_t i = 0;

	if (s == NULL || n == 0)
		return 0;
	if (s[0] == '-')
		i++;
	if (i >= n || s[i] < '0' || s[i] > '9' || (s[i] == '0' && i + 1 < n))
		return 0;
	for (; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Writes d in the shortest form that reads back as the same double. */
static void
jput_num(struct buf *b, double d)
{
	char tmp[40], *c;
	int prec;

	if (!isfinite(d)) {
		BUF_PUTSL(b, "null");
		return;
	}
	if (d == floor(d) && fabs(d) < 1e17) {
		buf_printf(b, "%.0f", d);
		return;
	}
	for (prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, d);
		if ((c = strchr(tmp, ',')) != NULL)	/* a decimal comma */
			*c = '.';
		if (strtod(tmp, NULL) == d)
			break;
	}
	buf_puts(b, tmp);
}

/* Appends a newline and the indent of depth, when pretty. */
static void
jindent(struct buf *b, int pretty, int depth)
{
	if (!pretty)
		return;
	buf_putc(b, '\n');
	while (depth-- > 0)
		BUF_PUTSL(b, "  ");
}

/* Appends y as JSON at nesting depth. */
static void
yjson_r(struct buf *b, const struct ynode *y, int pretty, int depth)
{
	size_t i;

	if (y == NULL) {
		BUF_PUTSL(b, "null");
		return;
	}
	switch (y->type) {
	case Y_NULL:
		BUF_PUTSL(b, "null");
		break;
	case Y_BOOL:
		if (y->b)
			BUF_PUTSL(b, "true");
		else
			BUF_PUTSL(b, "false");
		break;
	case Y_INT:
		if (json_int_text(y->s, y->slen))
			buf_put(b, y->s, y->slen);
		else
			jput_num(b, y->num);
		break;
	case Y_FLOAT:
		jput_num(b, y->num);
		break;
	case Y_STR:
		json_esc(b, y->s ? y->s : "", y->s ? y->slen : 0, 0);
		break;
	case Y_SEQ:
		if (y->n == 0) {
			BUF_PUTSL(b, "[]");
			break;
		}
		buf_putc(b, '[');
		for (i = 0; i < y->n; i++) {
			if (i > 0)
				buf_putc(b, ',');
			jindent(b, pretty, depth + 1);
			yjson_r(b, y->items[i], pretty, depth + 1);
		}
		jindent(b, pretty, depth);
		buf_putc(b, ']');
		break;
	case Y_MAP:
		if (y->n == 0) {
			BUF_PUTSL(b, "{}");
			break;
		}
		buf_putc(b, '{');
		for (i = 0; i < y->n; i++) {
			const struct ynode *k = y->keys[i];
			if (i > 0)
				buf_putc(b, ',');
			jindent(b, pretty, depth + 1);
			if (k != NULL && k->s != NULL)
				json_esc(b, k->s, k->slen, 0);
			else
				BUF_PUTSL(b, "\"\"");
			if (pretty)
				BUF_PUTSL(b, ": ");
			else
				buf_putc(b, ':');
			yjson_r(b, y->items[i], pretty, depth + 1);
		}
		jindent(b, pretty, depth);
		buf_putc(b, '}');
		break;
	}
}

/*
 * Appends y as JSON: compact, or indented by two spaces when pretty.
 * Numbers print from their value (integers without ".0"; infinities and
 * NaN, which JSON lacks, as null); map keys print as strings whatever
 * their YAML type; strings are escaped, bytes that are not UTF-8 become
 * U+FFFD.  No trailing newline.
 */
void
yjson(struct buf *b, const struct ynode *y, int pretty)
{
	yjson_r(b, y, pretty, 0);
	buf_cstr(b);
}
