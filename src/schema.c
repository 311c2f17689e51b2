/*
 * JSON Schema (draft 2020-12) over struct ynode: a schema is compiled once
 * (keywords looked up, patterns compiled, $refs resolved) into a graph of
 * struct snode, then validates any number of documents.  Violations are
 * reported at the offending value's line:col with its friendly path
 * (contacts[1].phone) and its JSON pointer (/contacts/1/phone).
 *
 * Out of scope, and ignored like unknown keywords: unevaluatedProperties,
 * unevaluatedItems, $dynamicRef ($dynamicAnchor only acts as a plain
 * $anchor), $vocabulary and remote references: a $ref resolves only inside
 * the schema document, through $id, $anchor and JSON pointers.
 *
 * Validation allocates almost nothing (one pcre2 match block per call, a
 * path stack only past 32 levels) because it runs on every runbook of
 * sites with thousands of them.  Effort is bounded: $ref loops that do not
 * consume the value, nesting, the number of keyword evaluations and each
 * pattern match (pcre2 match, depth and heap limits) all have limits, and
 * hitting one is an R_LIMIT diagnostic, never a silent answer.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rbc.h"

#define COMPILE_MAX_NEST	600		/* schema object nesting */
#define VALIDATE_MAX_FRAMES	1000		/* nested subschema evaluations */
#define VALIDATE_MAX_STEPS	10000000UL	/* keyword evaluations per call */
#define RE_MATCH_LIMIT		1000000		/* pcre2 match() calls */
#define RE_DEPTH_LIMIT		10000		/* pcre2 backtracking depth */
#define RE_HEAP_LIMIT		8192		/* pcre2 heap, KiB */
#define CHECK_MAX_FILE		(64u * 1024 * 1024)

#define BUILTIN_NAME		"schemas/runbook.schema.json"

/* Instance types as a bit set; T_INT is "integer", T_NUM "number". */
#define T_NULL	0x01
#define T_BOOL	0x02
#define T_INT	0x04
#define T_NUM	0x08
#define T_STR	0x10
#define T_ARR	0x20
#define T_OBJ	0x40

enum fmt {
	F_NONE,
	F_DATE,
	F_EMAIL,
	F_URI,
	F_DURATION,
	F_PHONE
};

struct regex {
	pcre2_code		*re;
	const struct ynode	*src;	/* the pattern as written */
};

struct prop {
	const char		*name;
	size_t			 len;
	struct snode		*s;
};

struct pprop {
	struct regex		 re;
	struct snode		*s;
};

/* One compiled schema: a boolean schema or a schema object. */
struct snode {
	const struct ynode	*y;
	int			 boolv;		/* 0 false, 1 true, -1 object */
	unsigned		 types;		/* 0: any */
	const struct ynode	*enumv;
	const struct ynode	*constv;
	/* Numbers: the keyword values, NULL when absent. */
	const struct ynode	*minimum, *maximum, *xminimum, *xmaximum;
	const struct ynode	*multipleof;
	/* Strings. */
	long long		 minlen, maxlen;	/* -1: absent */
	struct regex		 pattern;
	enum fmt		 format;
	const char		*fmtname;
	/* Arrays. */
	long long		 minitems, maxitems;
	int			 unique;
	struct snode		**prefix;
	size_t			 nprefix;
	struct snode		*items;
	struct snode		*contains;
	long long		 mincontains, maxcontains;
	/* Objects. */
	long long		 minprops, maxprops;
	const struct ynode	*required;
	const struct ynode	*depreq;
	struct prop		*props;		/* sorted by name */
	size_t			 nprops;
	struct pprop		*pprops;
	size_t			 npprops;
	struct snode		*addl;
	struct snode		*propnames;
	struct prop		*depschemas;
	size_t			 ndepschemas;
	/* Applicators. */
	struct snode		**allof, **anyof, **oneof;
	size_t			 nallof, nanyof, noneof;
	struct snode		*not, *if_, *then_, *else_;
	struct snode		*ref;
	const struct ynode	*refsrc;
};

struct schema {
	struct arena		*a;	/* snodes, URIs */
	struct arena		*docs;	/* schema documents loaded here */
	struct snode		*root;
	pcre2_code		**res;
	size_t			 nres, capres;
	pcre2_match_context	*mctx;
	int			 flags;
};

/* ------------------------------------------------------------ helpers */

/* Returns the value of key in map y (keys compared with their length). */
static const struct ynode *
mget(const struct ynode *y, const char *key)
{
	size_t i, n = strlen(key);

	if (y == NULL || y->type != Y_MAP)
		return NULL;
	for (i = 0; i < y->n; i++)
		if (y->keys[i]->s != NULL && y->keys[i]->slen == n &&
		    memcmp(y->keys[i]->s, key, n) == 0)
			return y->items[i];
	return NULL;
}

/* Returns 1 if map y has a key of n bytes at k. */
static int
mhas(const struct ynode *y, const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < y->n; i++)
		if (y->keys[i]->s != NULL && y->keys[i]->slen == n &&
		    memcmp(y->keys[i]->s, k, n) == 0)
			return 1;
	return 0;
}

static int
isnum(const struct ynode *y)
{
	return y->type == Y_INT || y->type == Y_FLOAT;
}

static int
isintegral(const struct ynode *y)
{
	return y->type == Y_INT ||
	    (y->type == Y_FLOAT && isfinite(y->num) && y->num == floor(y->num));
}

/* Returns the JSON type name of y ("integer" for whole numbers). */
static const char *
tname(const struct ynode *y)
{
	switch (y->type) {
	case Y_NULL:
		return "null";
	case Y_BOOL:
		return "boolean";
	case Y_INT:
		return "integer";
	case Y_FLOAT:
		return isintegral(y) ? "integer" : "number";
	case Y_STR:
		return "string";
	case Y_SEQ:
		return "array";
	case Y_MAP:
		return "object";
	}
	return "value";
}

/* Returns 1 if a and b are equal JSON values (1 equals 1.0). */
static int
jeq(const struct ynode *a, const struct ynode *b)
{
	size_t i, j;

	if (isnum(a) && isnum(b))
		return a->num == b->num;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case Y_NULL:
		return 1;
	case Y_BOOL:
		return !a->b == !b->b;
	case Y_STR:
		return a->slen == b->slen &&
		    (a->slen == 0 || memcmp(a->s, b->s, a->slen) == 0);
	case Y_SEQ:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++)
			if (!jeq(a->items[i], b->items[i]))
				return 0;
		return 1;
	case Y_MAP:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++) {
			for (j = 0; j < b->n; j++)
				if (a->keys[i]->slen == b->keys[j]->slen &&
				    memcmp(a->keys[i]->s, b->keys[j]->s,
				    a->keys[i]->slen) == 0)
					break;
			if (j == b->n || !jeq(a->items[i], b->items[j]))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

static uint64_t
hbytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *u = p;

	while (n-- > 0)
		h = (h ^ *u++) * 0x100000001b3ULL;
	return h;
}

/* Returns a hash consistent with jeq() (map key order does not count). */
static uint64_t
jhash(const struct ynode *y)
{
	uint64_t h = 0xcbf29ce484222325ULL, m;
	double d;
	size_t i;

	switch (y->type) {
	case Y_NULL:
		return 1;
	case Y_BOOL:
		return y->b ? 3 : 2;
	case Y_INT:
	case Y_FLOAT:
		d = y->num == 0 ? 0 : y->num;	/* -0 equals 0 */
		return hbytes(h, &d, sizeof(d));
	case Y_STR:
		return hbytes(h, y->s, y->slen);
	case Y_SEQ:
		for (i = 0; i < y->n; i++)
			h = (h ^ jhash(y->items[i])) * 0x100000001b3ULL;
		return h;
	case Y_MAP:
		m = 0x51ed27;
		for (i = 0; i < y->n; i++)
			m += hbytes(h, y->keys[i]->s, y->keys[i]->slen) *
			    31 + jhash(y->items[i]);
		return m;
	}
	return 0;
}

/* Appends s (n bytes) as a quoted, escaped string, cut after max chars. */
static void
putq(struct buf *b, const char *s, size_t n, size_t max)
{
	size_t i, chars = 0;

	buf_putc(b, '"');
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) != 0x80 && ++chars > max) {
			BUF_PUTSL(b, "...");
			break;
		}
		if (c == '"' || c == '\\')
			buf_printf(b, "\\%c", c);
		else if (c == '\n')
			BUF_PUTSL(b, "\\n");
		else if (c == '\t')
			BUF_PUTSL(b, "\\t");
		else if (c < 0x20 || c == 0x7f)
			buf_printf(b, "\\u%04x", c);
		else
			buf_putc(b, c);
	}
	buf_putc(b, '"');
}

/* Appends a short rendering of a value for messages. */
static void
show(struct buf *b, const struct ynode *y)
{
	switch (y->type) {
	case Y_NULL:
		BUF_PUTSL(b, "null");
		break;
	case Y_BOOL:
		buf_puts(b, y->b ? "true" : "false");
		break;
	case Y_INT:
	case Y_FLOAT:
		if (y->s != NULL && y->slen > 0 && y->slen < 40)
			buf_put(b, y->s, y->slen);
		else
			buf_printf(b, "%.17g", y->num);
		break;
	case Y_STR:
		putq(b, y->s != NULL ? y->s : "", y->slen, 60);
		break;
	case Y_SEQ:
		BUF_PUTSL(b, "the array");
		break;
	case Y_MAP:
		BUF_PUTSL(b, "the object");
		break;
	}
}

/* ---------------------------------------------------- multipleOf */

/* A decimal: the value is the digit string dig (no leading zeros) * 10^exp. */
struct dec {
	char	 dig[64];
	size_t	 n;
	long	 exp;
};

/* Returns 1 if the number text s parses as a decimal that fits in d. */
static int
dec_parse(const char *s, size_t len, struct dec *d)
{
	const char *end = s + len;
	long e = 0, frac = 0;
	int infrac = 0, esign = 1;

	d->n = 0;
	if (s == NULL)
		return 0;
	if (s < end && (*s == '-' || *s == '+'))
		s++;
	for (; s < end; s++) {
		if (*s == '.' && !infrac) {
			infrac = 1;
			continue;
		}
		if (*s < '0' || *s > '9')
			break;
		if (infrac)
			frac++;
		if (d->n == 0 && *s == '0')
			continue;
		if (d->n >= sizeof(d->dig))
			return 0;
		d->dig[d->n++] = *s;
	}
	if (s < end && (*s == 'e' || *s == 'E')) {
		s++;
		if (s < end && (*s == '-' || *s == '+'))
			esign = *s++ == '-' ? -1 : 1;
		if (s >= end)
			return 0;
		for (; s < end && *s >= '0' && *s <= '9'; s++)
			if ((e = e * 10 + (*s - '0')) > 100000)
				return 0;
	}
	if (s != end)
		return 0;
	d->exp = esign * e - frac;
	return 1;
}

/*
 * Returns 1 if x is a multiple of m.  Exact on the decimal source text
 * (0.0075 is a multiple of 0.0001 although the doubles disagree); falls
 * back on floating point with a tolerance when the text is unusable.
 */
static int
multiple_of(const struct ynode *x, const struct ynode *m)
{
	struct dec a, b;
	uint64_t B = 0, r = 0;
	long e, k;
	size_t i;
	double q;

	if (x->num == 0)
		return 1;
	if (dec_parse(x->s, x->slen, &a) && dec_parse(m->s, m->slen, &b) &&
	    b.n > 0) {
		while (b.n > 0 && b.dig[b.n - 1] == '0') {
			b.n--;
			b.exp++;
		}
		if (a.n == 0)
			return 1;
		e = a.exp < b.exp ? a.exp : b.exp;
		if (b.n <= 17 && b.exp - e <= 17 && a.exp - e <= 4000) {
			for (i = 0; i < b.n; i++)
				B = B * 10 + (uint64_t)(b.dig[i] - '0');
			for (k = 0; k < b.exp - e && B < UINT64_MAX / 100; k++)
				B *= 10;
			if (k == b.exp - e && B < UINT64_MAX / 100) {
				for (i = 0; i < a.n; i++)
					r = (r * 10 + (uint64_t)(a.dig[i] -
					    '0')) % B;
				for (k = 0; k < a.exp - e; k++)
					r = r * 10 % B;
				return r == 0;
			}
		}
	}
	q = x->num / m->num;
	if (!isfinite(q))
		return 0;
	return fabs(q - nearbyint(q)) <= 1e-9;
}

/* -------------------------------------------------------------- formats */

static int
isdigitc(int c)
{
	return c >= '0' && c <= '9';
}

static int
isalnumc(int c)
{
	return isdigitc(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
hexval(int c)
{
	if (isdigitc(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3339 full-date: YYYY-MM-DD, a real day (leap years counted). */
static int
fmt_date(const char *s, size_t n)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, i;

	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigitc(s[i]))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	    (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 ||
	    y % 400 == 0)))
		return 0;
	return 1;
}

/* An addr-spec: dot-atom or quoted local part, host name or [literal]. */
static int
fmt_email(const char *s, size_t n)
{
	const char *at = NULL, *p, *end = s + n;
	size_t lab;

	for (p = s; p < end; p++)
		if (*p == '@')
			at = p;
	if (at == NULL || at == s || at + 1 >= end || at - s > 64)
		return 0;
	if (s[0] == '"') {
		if (at - s < 2 || at[-1] != '"')
			return 0;
		for (p = s + 1; p < at - 1; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f ||
			    (*p == '"' && p[-1] != '\\'))
				return 0;
	} else {
		if (s[0] == '.' || at[-1] == '.')
			return 0;
		for (p = s; p < at; p++) {
			if (isalnumc(*p) || strchr("!#$%&'*+-/=?^_`{|}~",
			    *p) != NULL)
				continue;
			if (*p == '.' && p[1] != '.')
				continue;
			return 0;
		}
	}
	p = at + 1;
	if (*p == '[')
		return end[-1] == ']' && end - p > 2;
	if (end - p > 253)
		return 0;
	for (lab = 0; p < end; p++) {
		if (*p == '.') {
			if (lab == 0 || p[-1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if (!isalnumc(*p) && !(*p == '-' && lab > 0))
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0 && end[-1] != '-';
}

/* An absolute URI (RFC 3986): scheme ":" and only URI characters. */
static int
fmt_uri(const char *s, size_t n)
{
	size_t i;
	int hash = 0;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < n && s[i] != ':'; i++)
		if (!isalnumc(s[i]) && s[i] != '+' && s[i] != '-' &&
		    s[i] != '.')
			return 0;
	if (i == n)
		return 0;
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || hexval(s[i + 1]) < 0 ||
			    hexval(s[i + 2]) < 0)
				return 0;
			i += 2;
			continue;
		}
		if (c == '#' && hash++)
			return 0;
		if (c >= 0x80 || !(isalnumc(c) ||
		    strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL) || c == '\0')
			return 0;
	}
	return 1;
}

/* rbc's duration: [0-9]+[mhdw] (minutes, hours, days, weeks). */
static int
fmt_duration(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || strchr("mhdw", s[n - 1]) == NULL || s[n - 1] == '\0')
		return 0;
	for (i = 0; i + 1 < n; i++)
		if (!isdigitc(s[i]))
			return 0;
	return 1;
}

/*
 * A dialable phone number: digits, spaces, "+" (leading only), "-", "(",
 * ")" and "."; at least 7 digits.  Letters, so also placeholders such as
 * "+1-XXX-XXX-XXXX" or "[Phone]", fail.
 */
static int
fmt_phone(const char *s, size_t n)
{
	size_t i, digits = 0;
	int seen = 0;

	for (i = 0; i < n; i++) {
		if (isdigitc(s[i]))
			digits++;
		else if (s[i] == '+') {
			if (seen)
				return 0;
		} else if (strchr(" -().", s[i]) == NULL || s[i] == '\0')
			return 0;
		if (s[i] != ' ')
			seen = 1;
	}
	return digits >= 7;
}

static const struct {
	const char	*name;
	enum fmt	 f;
	const char	*what;
} formats[] = {
	{ "date", F_DATE, "a valid date (YYYY-MM-DD)" },
	{ "email", F_EMAIL, "a valid email address" },
	{ "uri", F_URI, "a valid URI" },
	{ "duration", F_DURATION, "a valid duration (a number and m, h, d "
	    "or w: 15m, 4h, 90d, 2w)" },
	{ "phone", F_PHONE, "a valid phone number" },
};

static int
fmt_ok(enum fmt f, const char *s, size_t n)
{
	switch (f) {
	case F_DATE:
		return fmt_date(s, n);
	case F_EMAIL:
		return fmt_email(s, n);
	case F_URI:
		return fmt_uri(s, n);
	case F_DURATION:
		return fmt_duration(s, n);
	case F_PHONE:
		return fmt_phone(s, n);
	default:
		return 1;
	}
}

/* ----------------------------------------------------------------- URIs */

struct uri {
	const char	*scheme, *auth, *path, *query, *frag;
	size_t		 schemel, authl, pathl, queryl, fragl;
	int		 hasauth, hasquery, hasfrag;
};

static void
uri_split(const char *s, struct uri *u)
{
	const char *p = s;

	memset(u, 0, sizeof(*u));
	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')) {
		while (isalnumc(*p) || *p == '+' || *p == '-' || *p == '.')
			p++;
		if (*p == ':') {
			u->scheme = s;
			u->schemel = (size_t)(p - s);
			s = p + 1;
		}
	}
	if (s[0] == '/' && s[1] == '/') {
		u->hasauth = 1;
		u->auth = s += 2;
		u->authl = strcspn(s, "/?#");
		s += u->authl;
	}
	u->path = s;
	u->pathl = strcspn(s, "?#");
	s += u->pathl;
	if (*s == '?') {
		u->hasquery = 1;
		u->query = ++s;
		u->queryl = strcspn(s, "#");
		s += u->queryl;
	}
	if (*s == '#') {
		u->hasfrag = 1;
		u->frag = ++s;
		u->fragl = strlen(s);
	}
}

/* Appends path with "." and ".." segments removed (RFC 3986 5.2.4). */
static void
uri_dots(struct buf *out, const char *path, size_t n)
{
	char *in = xstrndup(path, n), *p = in;
	size_t start = out->len, k;

	while (*p != '\0') {
		if (strncmp(p, "../", 3) == 0)
			p += 3;
		else if (strncmp(p, "./", 2) == 0)
			p += 2;
		else if (strncmp(p, "/./", 3) == 0)
			p += 2;
		else if (strcmp(p, "/.") == 0)
			p[1] = '\0';
		else if (strncmp(p, "/../", 4) == 0 || strcmp(p, "/..") == 0) {
			p += 3;
			if (*p == '\0')
				*--p = '/';
			else
				p--;
			*p = '/';
			for (k = out->len; k > start && out->data[k - 1] != '/';)
				k--;
			out->len = k > start ? k - 1 : start;
		} else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0)
			break;
		else {
			k = strcspn(p + 1, "/") + 1;
			buf_put(out, p, k);
			p += k;
		}
	}
	buf_cstr(out);
	free(in);
}

/* Returns ref resolved against base (RFC 3986 5.2.2), from arena a. */
static char *
uri_resolve(struct arena *a, const char *base, const char *ref)
{
	struct uri b, r;
	struct buf o = { NULL, 0, 0 };
	const char *slash;
	char *res;

	uri_split(base, &b);
	uri_split(ref, &r);
	if (r.scheme != NULL) {
		buf_put(&o, r.scheme, r.schemel);
		buf_putc(&o, ':');
		b = r;
		goto authpath;
	}
	if (b.scheme != NULL) {
		buf_put(&o, b.scheme, b.schemel);
		buf_putc(&o, ':');
	}
	if (r.hasauth) {
		b = r;
		goto authpath;
	}
	if (b.hasauth) {
		BUF_PUTSL(&o, "//");
		buf_put(&o, b.auth, b.authl);
	}
	if (r.pathl == 0) {
		buf_put(&o, b.path, b.pathl);
		if (r.hasquery || b.hasquery) {
			buf_putc(&o, '?');
			if (r.hasquery)
				buf_put(&o, r.query, r.queryl);
			else
				buf_put(&o, b.query, b.queryl);
		}
		goto frag;
	}
	if (r.path[0] == '/')
		uri_dots(&o, r.path, r.pathl);
	else {
		struct buf m = { NULL, 0, 0 };
		if (b.hasauth && b.pathl == 0)
			buf_putc(&m, '/');
		else {
			for (slash = b.path + b.pathl; slash > b.path &&
			    slash[-1] != '/'; slash--)
				continue;
			buf_put(&m, b.path, (size_t)(slash - b.path));
		}
		buf_put(&m, r.path, r.pathl);
		uri_dots(&o, buf_cstr(&m), m.len);
		buf_free(&m);
	}
	goto query;
authpath:
	if (b.hasauth) {
		BUF_PUTSL(&o, "//");
		buf_put(&o, b.auth, b.authl);
	}
	uri_dots(&o, b.path, b.pathl);
query:
	if (r.hasquery) {
		buf_putc(&o, '?');
		buf_put(&o, r.query, r.queryl);
	}
frag:
	if (r.hasfrag) {
		buf_putc(&o, '#');
		buf_put(&o, r.frag, r.fragl);
	}
	res = arena_strdup(a, buf_cstr(&o));
	buf_free(&o);
	return res;
}

/* Decodes %XX escapes of s in place; returns the new length. */
static size_t
pct_decode(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			s[o++] = (char)(hexval(s[i + 1]) * 16 +
			    hexval(s[i + 2]));
			i += 2;
		} else
			s[o++] = s[i];
	}
	s[o] = '\0';
	return o;
}

/* ------------------------------------------------------------ compiling */

/* A resource ($id) or an anchor ("uri#name") and the node it names. */
struct named {
	const char		*uri;
	const struct ynode	*y;
};

struct pending {
	struct snode		*s;
	const struct ynode	*ref;
	const char		*base;
};

struct cctx {
	struct schema		*sc;
	const char		*file;
	struct diags		*diags;
	int			 err;
	/* ynode -> snode, open addressing. */
	const struct ynode	**mkey;
	struct snode		**mval;
	size_t			 mcap, mn;
	struct named		*names;
	size_t			 nnames, capnames;
	struct pending		*pend;
	size_t			 npend, cappend;
};

static struct snode *compile(struct cctx *, const struct ynode *,
	    const char *, int);

/* Reports a problem with the schema itself; compile fails. */
static void
cerr(struct cctx *cc, const struct ynode *at, enum rule r, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
cerr(struct cctx *cc, const struct ynode *at, enum rule r, const char *fmt,
    ...)
{
	struct buf b = { NULL, 0, 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(cc->diags, cc->file, at->line, at->col, r, "invalid schema: "
	    "%s", buf_cstr(&b));
	buf_free(&b);
	cc->err = 1;
}

static size_t
memo_slot(const struct cctx *cc, const struct ynode *y)
{
	uintptr_t h = (uintptr_t)y;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 7) & (cc->mcap - 1);
}

static struct snode *
memo_get(const struct cctx *cc, const struct ynode *y)
{
	size_t i;

	if (cc->mcap == 0)
		return NULL;
	for (i = memo_slot(cc, y); cc->mkey[i] != NULL;
	    i = (i + 1) & (cc->mcap - 1))
		if (cc->mkey[i] == y)
			return cc->mval[i];
	return NULL;
}

static void
memo_put(struct cctx *cc, const struct ynode *y, struct snode *s)
{
	const struct ynode **ok = cc->mkey;
	struct snode **ov = cc->mval;
	size_t i, ocap = cc->mcap;

	if ((cc->mn + 1) * 2 > cc->mcap) {
		cc->mcap = cc->mcap ? cc->mcap * 2 : 64;
		cc->mkey = xcalloc(cc->mcap, sizeof(*cc->mkey));
		cc->mval = xcalloc(cc->mcap, sizeof(*cc->mval));
		cc->mn = 0;
		for (i = 0; i < ocap; i++)
			if (ok[i] != NULL)
				memo_put(cc, ok[i], ov[i]);
		free(ok);
		free(ov);
	}
	for (i = memo_slot(cc, y); cc->mkey[i] != NULL;
	    i = (i + 1) & (cc->mcap - 1))
		continue;
	cc->mkey[i] = y;
	cc->mval[i] = s;
	cc->mn++;
}

static void
name_add(struct cctx *cc, const char *uri, const struct ynode *y)
{
	if (cc->nnames == cc->capnames) {
		cc->capnames = cc->capnames ? cc->capnames * 2 : 16;
		cc->names = xreallocarray(cc->names, cc->capnames,
		    sizeof(*cc->names));
	}
	cc->names[cc->nnames].uri = uri;
	cc->names[cc->nnames++].y = y;
}

static const struct ynode *
name_find(const struct cctx *cc, const char *uri)
{
	size_t i;

	/* The first definition wins, as the document reads. */
	for (i = 0; i < cc->nnames; i++)
		if (strcmp(cc->names[i].uri, uri) == 0)
			return cc->names[i].y;
	return NULL;
}

/* Returns the base URI that y's "$id" sets, or base if it has none. */
static const char *
id_base(struct cctx *cc, const struct ynode *y, const char *base)
{
	const struct ynode *id = mget(y, "$id");
	char *u, *h;

	if (id == NULL || id->type != Y_STR || id->slen == 0 ||
	    id->s[0] == '#' || memchr(id->s, '\0', id->slen) != NULL)
		return base;
	u = uri_resolve(cc->sc->a, base, id->s);
	if ((h = strchr(u, '#')) != NULL)
		*h = '\0';
	return u;
}

/* Returns a compiled regex for the pattern string y, or a NULL re. */
static struct regex
re_compile(struct cctx *cc, const struct ynode *y)
{
	struct regex r = { NULL, y };
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int ec;

	/*
	 * JSON Schema patterns are ECMA-262: "$" only at the very end, and
	 * \C (one byte, splitting a character) makes no sense there.
	 */
	r.re = pcre2_compile((PCRE2_SPTR)y->s, y->slen, PCRE2_UTF |
	    PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C, &ec, &off, NULL);
	if (r.re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		struct buf b = { NULL, 0, 0 };
		putq(&b, y->s, y->slen, 60);
		cerr(cc, y, R_SCHEMA, "pattern %s does not compile: %s (at "
		    "offset %zu)", buf_cstr(&b), (const char *)msg,
		    (size_t)off);
		buf_free(&b);
		return r;
	}
	if (cc->sc->nres == cc->sc->capres) {
		cc->sc->capres = cc->sc->capres ? cc->sc->capres * 2 : 8;
		cc->sc->res = xreallocarray(cc->sc->res, cc->sc->capres,
		    sizeof(*cc->sc->res));
	}
	cc->sc->res[cc->sc->nres++] = r.re;
	return r;
}

/* Returns the subschema y compiled, reporting a value that is not one. */
static struct snode *
sub(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
    const char *base, int depth)
{
	if (y->type != Y_MAP && y->type != Y_BOOL) {
		cerr(cc, y, R_SCHEMA, "the value of \"%s\" must be a schema "
		    "(an object or a boolean)", kw->s);
		return NULL;
	}
	return compile(cc, y, base, depth + 1);
}

/* Returns an array of compiled subschemas, *n of them. */
static struct snode **
subs(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
    const char *base, int depth, size_t *n)
{
	struct snode **v;
	size_t i;

	*n = 0;
	if (y->type != Y_SEQ || y->n == 0) {
		cerr(cc, y, R_SCHEMA, "the value of \"%s\" must be a "
		    "non-empty array of schemas", kw->s);
		return NULL;
	}
	v = arena_calloc(cc->sc->a, y->n, sizeof(*v));
	for (i = 0; i < y->n; i++)
		if ((v[i] = sub(cc, kw, y->items[i], base, depth)) == NULL)
			return NULL;
	*n = y->n;
	return v;
}

/* Returns a map of name -> compiled subschema, sorted by name. */
static struct prop *
propmap(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
    const char *base, int depth, size_t *n);

static int
propcmp(const void *x, const void *y)
{
	const struct prop *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = n ? memcmp(a->name, b->name, n) : 0;

	if (c != 0)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static struct prop *
propmap(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
    const char *base, int depth, size_t *n)
{
	struct prop *v;
	size_t i;

	*n = 0;
	if (y->type != Y_MAP) {
		cerr(cc, y, R_SCHEMA, "the value of \"%s\" must be an "
		    "object", kw->s);
		return NULL;
	}
	v = arena_calloc(cc->sc->a, y->n, sizeof(*v));
	for (i = 0; i < y->n; i++) {
		v[i].name = y->keys[i]->s != NULL ? y->keys[i]->s : "";
		v[i].len = y->keys[i]->slen;
		if ((v[i].s = sub(cc, kw, y->items[i], base, depth)) == NULL)
			return NULL;
	}
	qsort(v, y->n, sizeof(*v), propcmp);
	*n = y->n;
	return v;
}

/* Stores a non-negative integer keyword value in *out. */
static void
count(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
    long long *out)
{
	if (!isnum(y) || !isintegral(y) || y->num < 0) {
		cerr(cc, y, R_SCHEMA, "\"%s\" must be a non-negative integer",
		    kw->s);
		return;
	}
	*out = y->num > 9e18 ? (long long)9e18 : (long long)y->num;
}

static const struct ynode *
number(struct cctx *cc, const struct ynode *kw, const struct ynode *y)
{
	if (!isnum(y)) {
		cerr(cc, y, R_SCHEMA, "\"%s\" must be a number", kw->s);
		return NULL;
	}
	return y;
}

static unsigned
typebit(const struct ynode *y)
{
	static const struct {
		const char	*name;
		unsigned	 bit;
	} t[] = {
		{ "null", T_NULL }, { "boolean", T_BOOL },
		{ "integer", T_INT }, { "number", T_NUM | T_INT },
		{ "string", T_STR }, { "array", T_ARR }, { "object", T_OBJ },
	};
	size_t i;

	if (y->type != Y_STR)
		return 0;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(y->s, t[i].name) == 0)
			return t[i].bit;
	return 0;
}

static void
pend_add(struct cctx *cc, struct snode *s, const struct ynode *ref,
    const char *base)
{
	if (cc->npend == cc->cappend) {
		cc->cappend = cc->cappend ? cc->cappend * 2 : 16;
		cc->pend = xreallocarray(cc->pend, cc->cappend,
		    sizeof(*cc->pend));
	}
	cc->pend[cc->npend].s = s;
	cc->pend[cc->npend].ref = ref;
	cc->pend[cc->npend++].base = base;
}

/* Compiles one keyword k: v of schema object s. */
static void
keyword(struct cctx *cc, struct snode *s, const struct ynode *k,
    const struct ynode *v, const char *base, int depth)
{
	const char *kw = k->s != NULL ? k->s : "";
	unsigned bit;
	size_t i;

	if (strcmp(kw, "type") == 0) {
		if (v->type == Y_STR) {
			if ((s->types = typebit(v)) == 0)
				cerr(cc, v, R_SCHEMA, "unknown type \"%s\"",
				    v->s);
			return;
		}
		if (v->type != Y_SEQ) {
			cerr(cc, v, R_SCHEMA, "\"type\" must be a string or "
			    "an array of strings");
			return;
		}
		for (i = 0; i < v->n; i++) {
			if ((bit = typebit(v->items[i])) == 0)
				cerr(cc, v->items[i], R_SCHEMA, "unknown "
				    "type in \"type\"");
			s->types |= bit;
		}
		if (s->types == 0)	/* "type": [] allows nothing */
			s->types = 0x80;
	} else if (strcmp(kw, "enum") == 0) {
		if (v->type != Y_SEQ)
			cerr(cc, v, R_SCHEMA, "\"enum\" must be an array");
		else
			s->enumv = v;
	} else if (strcmp(kw, "const") == 0)
		s->constv = v;
	else if (strcmp(kw, "minimum") == 0)
		s->minimum = number(cc, k, v);
	else if (strcmp(kw, "maximum") == 0)
		s->maximum = number(cc, k, v);
	else if (strcmp(kw, "exclusiveMinimum") == 0)
		s->xminimum = number(cc, k, v);
	else if (strcmp(kw, "exclusiveMaximum") == 0)
		s->xmaximum = number(cc, k, v);
	else if (strcmp(kw, "multipleOf") == 0) {
		if ((s->multipleof = number(cc, k, v)) != NULL &&
		    !(v->num > 0)) {
			cerr(cc, v, R_SCHEMA, "\"multipleOf\" must be greater "
			    "than 0");
			s->multipleof = NULL;
		}
	} else if (strcmp(kw, "minLength") == 0)
		count(cc, k, v, &s->minlen);
	else if (strcmp(kw, "maxLength") == 0)
		count(cc, k, v, &s->maxlen);
	else if (strcmp(kw, "pattern") == 0) {
		if (v->type != Y_STR)
			cerr(cc, v, R_SCHEMA, "\"pattern\" must be a string");
		else
			s->pattern = re_compile(cc, v);
	} else if (strcmp(kw, "format") == 0) {
		if (v->type != Y_STR)
			return;
		s->fmtname = v->s;
		if (!(cc->sc->flags & SCHEMA_ASSERT_FORMATS))
			return;
		for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
			if (strcmp(v->s, formats[i].name) == 0)
				s->format = formats[i].f;
	} else if (strcmp(kw, "minItems") == 0)
		count(cc, k, v, &s->minitems);
	else if (strcmp(kw, "maxItems") == 0)
		count(cc, k, v, &s->maxitems);
	else if (strcmp(kw, "uniqueItems") == 0)
		s->unique = v->type == Y_BOOL && v->b;
	else if (strcmp(kw, "items") == 0) {
		if (v->type == Y_SEQ)
			cerr(cc, v, R_SCHEMA, "\"items\" must be a schema "
			    "(draft 2020-12 writes tuples as \"prefixItems\")");
		else
			s->items = sub(cc, k, v, base, depth);
	} else if (strcmp(kw, "prefixItems") == 0)
		s->prefix = subs(cc, k, v, base, depth, &s->nprefix);
	else if (strcmp(kw, "contains") == 0)
		s->contains = sub(cc, k, v, base, depth);
	else if (strcmp(kw, "minContains") == 0)
		count(cc, k, v, &s->mincontains);
	else if (strcmp(kw, "maxContains") == 0)
		count(cc, k, v, &s->maxcontains);
	else if (strcmp(kw, "minProperties") == 0)
		count(cc, k, v, &s->minprops);
	else if (strcmp(kw, "maxProperties") == 0)
		count(cc, k, v, &s->maxprops);
	else if (strcmp(kw, "required") == 0) {
		if (v->type != Y_SEQ) {
			cerr(cc, v, R_SCHEMA, "\"required\" must be an array "
			    "of strings");
			return;
		}
		for (i = 0; i < v->n; i++)
			if (v->items[i]->type != Y_STR) {
				cerr(cc, v->items[i], R_SCHEMA, "\"required\" "
				    "must be an array of strings");
				return;
			}
		s->required = v;
	} else if (strcmp(kw, "dependentRequired") == 0) {
		if (v->type != Y_MAP) {
			cerr(cc, v, R_SCHEMA, "\"dependentRequired\" must be "
			    "an object of string arrays");
			return;
		}
		for (i = 0; i < v->n; i++)
			if (v->items[i]->type != Y_SEQ) {
				cerr(cc, v->items[i], R_SCHEMA, "\"dependent"
				    "Required\" must be an object of string "
				    "arrays");
				return;
			}
		s->depreq = v;
	} else if (strcmp(kw, "properties") == 0)
		s->props = propmap(cc, k, v, base, depth, &s->nprops);
	else if (strcmp(kw, "patternProperties") == 0) {
		if (v->type != Y_MAP) {
			cerr(cc, v, R_SCHEMA, "\"patternProperties\" must be "
			    "an object");
			return;
		}
		s->pprops = arena_calloc(cc->sc->a, v->n, sizeof(*s->pprops));
		for (i = 0; i < v->n; i++) {
			s->pprops[i].re = re_compile(cc, v->keys[i]);
			s->pprops[i].s = sub(cc, k, v->items[i], base, depth);
			if (s->pprops[i].re.re == NULL || s->pprops[i].s ==
			    NULL)
				return;
		}
		s->npprops = v->n;
	} else if (strcmp(kw, "additionalProperties") == 0)
		s->addl = sub(cc, k, v, base, depth);
	else if (strcmp(kw, "propertyNames") == 0)
		s->propnames = sub(cc, k, v, base, depth);
	else if (strcmp(kw, "dependentSchemas") == 0)
		s->depschemas = propmap(cc, k, v, base, depth,
		    &s->ndepschemas);
	else if (strcmp(kw, "allOf") == 0)
		s->allof = subs(cc, k, v, base, depth, &s->nallof);
	else if (strcmp(kw, "anyOf") == 0)
		s->anyof = subs(cc, k, v, base, depth, &s->nanyof);
	else if (strcmp(kw, "oneOf") == 0)
		s->oneof = subs(cc, k, v, base, depth, &s->noneof);
	else if (strcmp(kw, "not") == 0)
		s->not = sub(cc, k, v, base, depth);
	else if (strcmp(kw, "if") == 0)
		s->if_ = sub(cc, k, v, base, depth);
	else if (strcmp(kw, "then") == 0)
		s->then_ = sub(cc, k, v, base, depth);
	else if (strcmp(kw, "else") == 0)
		s->else_ = sub(cc, k, v, base, depth);
	else if (strcmp(kw, "$ref") == 0) {
		if (v->type != Y_STR || memchr(v->s, '\0', v->slen) != NULL)
			cerr(cc, v, R_SCHEMA, "\"$ref\" must be a string");
		else {
			s->refsrc = v;
			pend_add(cc, s, v, base);
		}
	} else if (strcmp(kw, "$defs") == 0 ||
	    strcmp(kw, "definitions") == 0) {
		/* Compiled for their $id and $anchor, and their errors. */
		if (v->type != Y_MAP) {
			cerr(cc, v, R_SCHEMA, "\"%s\" must be an object", kw);
			return;
		}
		for (i = 0; i < v->n; i++)
			sub(cc, k, v->items[i], base, depth);
	}
	/* Anything else is an annotation or out of scope: ignored. */
}

/* Returns "base#name" for an anchor, from the schema's arena. */
static const char *
anchor_uri(struct cctx *cc, const char *base, const struct ynode *name)
{
	struct buf b = { NULL, 0, 0 };
	const char *u;

	buf_puts(&b, base);
	buf_putc(&b, '#');
	buf_put(&b, name->s, name->slen);
	u = arena_strdup(cc->sc->a, buf_cstr(&b));
	buf_free(&b);
	return u;
}

/* Returns y compiled (once: later calls return the same node). */
static struct snode *
compile(struct cctx *cc, const struct ynode *y, const char *base, int depth)
{
	static const char *const anchors[] = { "$anchor", "$dynamicAnchor" };
	const struct ynode *a;
	struct snode *s;
	size_t i;

	if ((s = memo_get(cc, y)) != NULL)
		return s;
	s = arena_calloc(cc->sc->a, 1, sizeof(*s));
	s->y = y;
	s->minlen = s->maxlen = s->minitems = s->maxitems = -1;
	s->minprops = s->maxprops = s->maxcontains = -1;
	s->mincontains = 1;
	memo_put(cc, y, s);
	if (y->type == Y_BOOL) {
		s->boolv = y->b != 0;
		return s;
	}
	s->boolv = 1;
	if (y->type != Y_MAP) {
		cerr(cc, y, R_SCHEMA, "a schema must be an object or a "
		    "boolean, not %s", tname(y));
		return s;
	}
	if (depth > COMPILE_MAX_NEST) {
		cerr(cc, y, R_LIMIT, "schema nested deeper than %d levels",
		    COMPILE_MAX_NEST);
		return s;
	}
	s->boolv = -1;
	if ((base = id_base(cc, y, base)) != NULL && mget(y, "$id") != NULL)
		name_add(cc, base, y);
	for (i = 0; i < sizeof(anchors) / sizeof(anchors[0]); i++)
		if ((a = mget(y, anchors[i])) != NULL && a->type == Y_STR)
			name_add(cc, anchor_uri(cc, base, a), y);
	for (i = 0; i < y->n; i++)
		keyword(cc, s, y->keys[i], y->items[i], base, depth);
	return s;
}
