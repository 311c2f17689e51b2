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
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "schema.h"

#define COMPILE_MAX_NEST	600		/* schema object nesting */
#define VALIDATE_MAX_FRAMES	1000		/* nested subschemas */
#define VALIDATE_STEPS		1000000UL	/* evaluations per call, */
#define VALIDATE_STEPS_NODE	100UL		/* plus this per node */
#define RE_MATCH_LIMIT		1000000		/* pcre2 match() calls */
#define RE_DEPTH_LIMIT		10000		/* pcre2 backtracking depth */
#define RE_HEAP_LIMIT		8192		/* pcre2 heap, KiB */
#define CHECK_MAX_FILE		(64u * 1024 * 1024)


/* Instance types as a bit set; T_INT is "integer", T_NUM "number". */
#define T_NULL	0x01
#define T_BOOL	0x02
#define T_INT	0x04
#define T_NUM	0x08
#define T_STR	0x10
#define T_ARR	0x20
#define T_OBJ	0x40


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

/* Returns 1 if y is a number. */
static int
isnum(const struct ynode *y)
{
	return y->type == Y_INT || y->type == Y_FLOAT;
}

/* Returns 1 if y is a whole number (1.0 too, as JSON Schema says). */
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

/* Returns h updated with n bytes (FNV-1a). */
static uint64_t
hbytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *u = p;

	while (n-- > 0)
		h = (h ^ *u++) * 0x100000001b3ULL;
	return h;
}

/* Returns a hash consistent with yequal() (map key order does not count). */
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
put_q(struct buf *b, const char *s, size_t n, size_t max)
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
show_val(struct buf *b, const struct ynode *y)
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
		put_q(b, y->s != NULL ? y->s : "", y->slen, 60);
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

/* ----------------------------------------------------------------- URIs */

struct uri {
	const char	*scheme, *auth, *path, *query, *frag;
	size_t		 schemel, authl, pathl, queryl, fragl;
	int		 hasauth, hasquery, hasfrag;
};

/* Splits s into its RFC 3986 components (pointers into s). */
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
			k = out->len;
			while (k > start && out->data[k - 1] != '/')
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
uri_unescape(char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hex_val(s[i + 1]) >= 0 &&
		    hex_val(s[i + 2]) >= 0) {
			s[o++] = (char)(hex_val(s[i + 1]) * 16 +
			    hex_val(s[i + 2]));
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
	pcre2_compile_context	*ccx;
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

/* Returns the first hash slot for y. */
static size_t
memo_slot(const struct cctx *cc, const struct ynode *y)
{
	uintptr_t h = (uintptr_t)y;

	h ^= h >> 17;
	h *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 7) & (cc->mcap - 1);
}

/* Returns the node already compiled for y, or NULL. */
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

/* Remembers that y compiled to s. */
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

/* Records that uri ($id or anchor) names y. */
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

/* Returns the schema that uri names, or NULL. */
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

/* ECMA-262 long General_Category names; pcre2 10.42 knows the short. */
static const struct {
	const char	*lng, *shrt;
} gc_names[] = {
	{ "Letter", "L" }, { "Cased_Letter", "L&" },
	{ "Uppercase_Letter", "Lu" }, { "Lowercase_Letter", "Ll" },
	{ "Titlecase_Letter", "Lt" }, { "Modifier_Letter", "Lm" },
	{ "Other_Letter", "Lo" }, { "Mark", "M" }, { "Combining_Mark", "M" },
	{ "Nonspacing_Mark", "Mn" }, { "Spacing_Mark", "Mc" },
	{ "Enclosing_Mark", "Me" }, { "Number", "N" },
	{ "Decimal_Number", "Nd" }, { "digit", "Nd" },
	{ "Letter_Number", "Nl" }, { "Other_Number", "No" },
	{ "Punctuation", "P" }, { "punct", "P" },
	{ "Connector_Punctuation", "Pc" }, { "Dash_Punctuation", "Pd" },
	{ "Open_Punctuation", "Ps" }, { "Close_Punctuation", "Pe" },
	{ "Initial_Punctuation", "Pi" }, { "Final_Punctuation", "Pf" },
	{ "Other_Punctuation", "Po" }, { "Symbol", "S" },
	{ "Math_Symbol", "Sm" }, { "Currency_Symbol", "Sc" },
	{ "Modifier_Symbol", "Sk" }, { "Other_Symbol", "So" },
	{ "Separator", "Z" }, { "Space_Separator", "Zs" },
	{ "Line_Separator", "Zl" }, { "Paragraph_Separator", "Zp" },
	{ "Other", "C" }, { "Control", "Cc" }, { "cntrl", "Cc" },
	{ "Format", "Cf" }, { "Surrogate", "Cs" }, { "Private_Use", "Co" },
	{ "Unassigned", "Cn" },
};

/*
 * Appends pattern s with ECMA-262's \p{Letter}, \p{Script=Greek} and
 * \p{gc=Lu} spelt as pcre2 10.42 spells them (\p{L}, \p{Greek}, \p{Lu}).
 */
static void
re_ecma(struct buf *b, const char *s, size_t n)
{
	static const char *const pre[] = { "General_Category=", "gc=",
	    "Script_Extensions=", "scx=", "Script=", "sc=" };
	const char *name, *end;
	size_t i, k, len;

	for (i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			buf_putc(b, s[i]);
			continue;
		}
		if ((s[i + 1] == 'p' || s[i + 1] == 'P') && i + 2 < n &&
		    s[i + 2] == '{' && (end = memchr(s + i + 3, '}',
		    n - i - 3)) != NULL) {
			name = s + i + 3;
			len = (size_t)(end - name);
			for (k = 0; k < sizeof(pre) / sizeof(pre[0]); k++)
				if (len > strlen(pre[k]) && strncmp(name,
				    pre[k], strlen(pre[k])) == 0) {
					name += strlen(pre[k]);
					len -= strlen(pre[k]);
					break;
				}
			for (k = 0; k < sizeof(gc_names) / sizeof(gc_names[0]);
			    k++)
				if (strlen(gc_names[k].lng) == len &&
				    strncmp(gc_names[k].lng, name, len) == 0) {
					name = gc_names[k].shrt;
					len = strlen(name);
					break;
				}
			buf_putc(b, '\\');
			buf_putc(b, s[i + 1]);
			buf_putc(b, '{');
			buf_put(b, name, len);
			buf_putc(b, '}');
			i = (size_t)(end - s);
			continue;
		}
		buf_put(b, s + i, 2);
		i++;
	}
	buf_cstr(b);
}

/*
 * Returns the offset of the first PCRE2 construct that ECMA-262 lacks and
 * that would change how rbc runs the pattern, "(*" (start-of-pattern
 * options such as (*LIMIT_MATCH=), verbs) or "(?C" (callouts), outside a
 * character class and not escaped; (PCRE2_SIZE)-1 if there is none.
 */
static PCRE2_SIZE
pcre_only(const char *s, size_t n)
{
	size_t i;
	int cls = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\') {
			i++;
			continue;
		}
		if (cls) {
			cls = s[i] != ']';
			continue;
		}
		if (s[i] == '[')
			cls = 1;
		else if (s[i] == '(' && i + 1 < n && (s[i + 1] == '*' ||
		    (s[i + 1] == '?' && i + 2 < n && s[i + 2] == 'C')))
			return i;
	}
	return (PCRE2_SIZE)-1;
}

/* Returns a compiled regex for the pattern string y, or a NULL re. */
static struct regex
re_compile(struct cctx *cc, const struct ynode *y)
{
	struct regex r = { NULL, y };
	struct buf b = { NULL, 0, 0 };
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE off;
	int ec;

	if (cc->ccx == NULL) {
		if ((cc->ccx = pcre2_compile_context_create(NULL)) == NULL) {
			fputs("rbc: out of memory\n", stderr);
			exit(2);
		}
		/* ECMA-262 escapes: \uHHHH, \u{H...}, \xHH. */
		pcre2_set_compile_extra_options(cc->ccx,
		    PCRE2_EXTRA_ALT_BSUX);
	}
	if ((off = pcre_only(y->s, y->slen)) != (PCRE2_SIZE)-1) {
		put_q(&b, y->s, y->slen, 60);
		cerr(cc, y, R_SCHEMA, "pattern %s is not an ECMA-262 regular "
		    "expression: PCRE2's %s at offset %zu is refused",
		    buf_cstr(&b), y->s[off + 1] == '*' ? "(*...) options and "
		    "verbs" : "(?C) callouts", (size_t)off);
		buf_free(&b);
		return r;
	}
	re_ecma(&b, y->s, y->slen);
	/*
	 * JSON Schema patterns are ECMA-262: "$" only at the very end, and
	 * \C (one byte, splitting a character) makes no sense there.
	 */
	r.re = pcre2_compile((PCRE2_SPTR)b.data, b.len, PCRE2_UTF |
	    PCRE2_ALT_BSUX | PCRE2_DOLLAR_ENDONLY | PCRE2_NEVER_BACKSLASH_C,
	    &ec, &off, cc->ccx);
	if (r.re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		buf_reset(&b);
		put_q(&b, y->s, y->slen, 60);
		cerr(cc, y, R_SCHEMA, "pattern %s does not compile: %s (at "
		    "offset %zu)", buf_cstr(&b), (const char *)msg,
		    (size_t)off);
		buf_free(&b);
		return r;
	}
	buf_free(&b);
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
kw_sub(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
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
kw_subs(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
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
		if ((v[i] = kw_sub(cc, kw, y->items[i], base, depth)) == NULL)
			return NULL;
	*n = y->n;
	return v;
}

/* Returns <0, 0 or >0 as a's name sorts before, with or after b's. */
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

/* Returns a map of name -> compiled subschema, sorted by name. */
static struct prop *
kw_propmap(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
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
		if ((v[i].s = kw_sub(cc, kw, y->items[i], base, depth)) == NULL)
			return NULL;
	}
	qsort(v, y->n, sizeof(*v), propcmp);
	*n = y->n;
	return v;
}

/* Stores a non-negative integer keyword value in *out. */
static void
kw_count(struct cctx *cc, const struct ynode *kw, const struct ynode *y,
    long long *out)
{
	if (!isnum(y) || !isintegral(y) || y->num < 0) {
		cerr(cc, y, R_SCHEMA, "\"%s\" must be a non-negative integer",
		    kw->s);
		return;
	}
	*out = y->num > 9e18 ? (long long)9e18 : (long long)y->num;
}

/* Returns y if it is a number, else NULL after a diagnostic. */
static const struct ynode *
kw_number(struct cctx *cc, const struct ynode *kw, const struct ynode *y)
{
	if (!isnum(y)) {
		cerr(cc, y, R_SCHEMA, "\"%s\" must be a number", kw->s);
		return NULL;
	}
	return y;
}

/* Returns the T_* bits of a type name, 0 for an unknown one. */
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

/* Queues a $ref of s, read against base, for resolve_refs(). */
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
		s->minimum = kw_number(cc, k, v);
	else if (strcmp(kw, "maximum") == 0)
		s->maximum = kw_number(cc, k, v);
	else if (strcmp(kw, "exclusiveMinimum") == 0)
		s->xminimum = kw_number(cc, k, v);
	else if (strcmp(kw, "exclusiveMaximum") == 0)
		s->xmaximum = kw_number(cc, k, v);
	else if (strcmp(kw, "multipleOf") == 0) {
		if ((s->multipleof = kw_number(cc, k, v)) != NULL &&
		    !(v->num > 0)) {
			cerr(cc, v, R_SCHEMA, "\"multipleOf\" must be greater "
			    "than 0");
			s->multipleof = NULL;
		}
	} else if (strcmp(kw, "minLength") == 0)
		kw_count(cc, k, v, &s->minlen);
	else if (strcmp(kw, "maxLength") == 0)
		kw_count(cc, k, v, &s->maxlen);
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
		s->format = fmt_lookup(v->s);
	} else if (strcmp(kw, "minItems") == 0)
		kw_count(cc, k, v, &s->minitems);
	else if (strcmp(kw, "maxItems") == 0)
		kw_count(cc, k, v, &s->maxitems);
	else if (strcmp(kw, "uniqueItems") == 0)
		s->unique = v->type == Y_BOOL && v->b;
	else if (strcmp(kw, "items") == 0) {
		if (v->type == Y_SEQ)
			cerr(cc, v, R_SCHEMA, "\"items\" must be a schema "
			    "(draft 2020-12 writes tuples as \"prefixItems\")");
		else
			s->items = kw_sub(cc, k, v, base, depth);
	} else if (strcmp(kw, "prefixItems") == 0)
		s->prefix = kw_subs(cc, k, v, base, depth, &s->nprefix);
	else if (strcmp(kw, "contains") == 0)
		s->contains = kw_sub(cc, k, v, base, depth);
	else if (strcmp(kw, "minContains") == 0)
		kw_count(cc, k, v, &s->mincontains);
	else if (strcmp(kw, "maxContains") == 0)
		kw_count(cc, k, v, &s->maxcontains);
	else if (strcmp(kw, "minProperties") == 0)
		kw_count(cc, k, v, &s->minprops);
	else if (strcmp(kw, "maxProperties") == 0)
		kw_count(cc, k, v, &s->maxprops);
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
		s->props = kw_propmap(cc, k, v, base, depth, &s->nprops);
	else if (strcmp(kw, "patternProperties") == 0) {
		if (v->type != Y_MAP) {
			cerr(cc, v, R_SCHEMA, "\"patternProperties\" must be "
			    "an object");
			return;
		}
		s->pprops = arena_calloc(cc->sc->a, v->n, sizeof(*s->pprops));
		for (i = 0; i < v->n; i++) {
			s->pprops[i].re = re_compile(cc, v->keys[i]);
			s->pprops[i].s = kw_sub(cc, k, v->items[i], base,
			    depth);
			if (s->pprops[i].re.re == NULL || s->pprops[i].s ==
			    NULL)
				return;
		}
		s->npprops = v->n;
	} else if (strcmp(kw, "additionalProperties") == 0)
		s->addl = kw_sub(cc, k, v, base, depth);
	else if (strcmp(kw, "propertyNames") == 0)
		s->propnames = kw_sub(cc, k, v, base, depth);
	else if (strcmp(kw, "dependentSchemas") == 0)
		s->depschemas = kw_propmap(cc, k, v, base, depth,
		    &s->ndepschemas);
	else if (strcmp(kw, "allOf") == 0)
		s->allof = kw_subs(cc, k, v, base, depth, &s->nallof);
	else if (strcmp(kw, "anyOf") == 0)
		s->anyof = kw_subs(cc, k, v, base, depth, &s->nanyof);
	else if (strcmp(kw, "oneOf") == 0)
		s->oneof = kw_subs(cc, k, v, base, depth, &s->noneof);
	else if (strcmp(kw, "not") == 0)
		s->not = kw_sub(cc, k, v, base, depth);
	else if (strcmp(kw, "if") == 0)
		s->if_ = kw_sub(cc, k, v, base, depth);
	else if (strcmp(kw, "then") == 0)
		s->then_ = kw_sub(cc, k, v, base, depth);
	else if (strcmp(kw, "else") == 0)
		s->else_ = kw_sub(cc, k, v, base, depth);
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
			kw_sub(cc, k, v->items[i], base, depth);
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

/*
 * Returns the node that ref, read against base, names in this schema
 * document, with in *tbase the base URI in force around it; NULL if it
 * names nothing here (remote documents are never fetched).
 */
static const struct ynode *
ref_target(struct cctx *cc, const char *base, const struct ynode *ref,
    const char **tbase)
{
	const struct ynode *y, *c;
	char *full, *frag, *tok, *next, *p, *q;
	const char *b;
	struct buf ab = { NULL, 0, 0 };
	size_t i, len;
	int first = 1;

	full = uri_resolve(cc->sc->a, base, ref->s);
	if ((frag = strchr(full, '#')) != NULL)
		*frag++ = '\0';
	if ((y = name_find(cc, full)) == NULL)
		return NULL;
	b = full;
	*tbase = b;
	if (frag == NULL || *frag == '\0')
		return y;
	uri_unescape(frag, strlen(frag));
	if (frag[0] != '/') {
		buf_puts(&ab, full);
		buf_putc(&ab, '#');
		buf_puts(&ab, frag);
		y = name_find(cc, buf_cstr(&ab));
		buf_free(&ab);
		return y;
	}
	for (tok = frag + 1; ; tok = next + 1) {
		if ((next = strchr(tok, '/')) != NULL)
			*next = '\0';
		for (p = q = tok; *p != '\0'; p++) {
			if (p[0] == '~' && p[1] == '1')
				*q++ = '/', p++;
			else if (p[0] == '~' && p[1] == '0')
				*q++ = '~', p++;
			else
				*q++ = *p;
		}
		*q = '\0';
		len = (size_t)(q - tok);
		if (!first)
			b = id_base(cc, y, b);
		first = 0;
		c = NULL;
		if (y->type == Y_MAP) {
			for (i = 0; i < y->n; i++)
				if (y->keys[i]->slen == len &&
				    memcmp(y->keys[i]->s, tok, len) == 0) {
					c = y->items[i];
					break;
				}
		} else if (y->type == Y_SEQ && len > 0 &&
		    strspn(tok, "0123456789") == len &&
		    (tok[0] != '0' || len == 1) && len < 10) {
			i = (size_t)strtoul(tok, NULL, 10);
			c = i < y->n ? y->items[i] : NULL;
		}
		if ((y = c) == NULL)
			return NULL;
		if (next == NULL)
			break;
	}
	*tbase = b;
	return y;
}

/* Points every $ref at its compiled target; targets may add more refs. */
static void
resolve_refs(struct cctx *cc)
{
	struct pending p;
	const struct ynode *t;
	const char *tb;
	struct buf q = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < cc->npend; i++) {
		p = cc->pend[i];
		tb = p.base;
		if ((t = ref_target(cc, p.base, p.ref, &tb)) == NULL ||
		    (t->type != Y_MAP && t->type != Y_BOOL)) {
			buf_reset(&q);
			put_q(&q, p.ref->s, p.ref->slen, 200);
			cerr(cc, p.ref, R_SCHEMA, "$ref %s %s", buf_cstr(&q),
			    t == NULL ? "names nothing in this schema (only "
			    "references within the document are supported)" :
			    "does not name a schema");
			continue;
		}
		p.s->ref = compile(cc, t, tb, 0);
	}
	buf_free(&q);
}

/* ----------------------------------------------------------- validating */

struct pseg {
	const char	*key;	/* NULL for an array index */
	size_t		 len;	/* key length, or the index */
};

struct rframe {
	const struct snode	*s;
	const struct ynode	*y;
};

struct gaveup {
	const pcre2_code	*re;
	const struct ynode	*y;
};

/*
 * Patterns that gave up (match, depth or heap limit) in this process, and
 * how many may before none is matched any more: a pattern's work is
 * bounded for a document and for a build, not only for one value.
 */
#define PATTERN_GIVEUPS	16
static atomic_uint giveups;

struct vctx {
	const struct schema	*sc;
	const char		*file;
	struct diags		*diags;
	struct pseg		*path;
	size_t			 depth, cap;
	struct pseg		 path0[32];
	struct rframe		*refs;		/* $refs being followed */
	size_t			 nrefs, caprefs;
	struct gaveup		*gave;		/* pattern failures reported */
	size_t			 ngave, capgave;
	pcre2_match_data	*md;
	int			 frames;
	unsigned long		 steps, maxsteps;
	int			 stopped;	/* a global limit was hit */
	int			 nomatch;	/* patterns given up (budget) */
	int			 looped;	/* a $ref loop was reported */
	int			 nreport;
};

static int validate(struct vctx *, const struct snode *,
	    const struct ynode *, int);

/* Pushes a property name onto the value's path. */
static void
ppush(struct vctx *v, const char *key, size_t len)
{
	if (v->depth == v->cap) {
		v->cap *= 2;
		if (v->path == v->path0) {
			v->path = xreallocarray(NULL, v->cap, sizeof(*v->path));
			memcpy(v->path, v->path0, sizeof(v->path0));
		} else
			v->path = xreallocarray(v->path, v->cap,
			    sizeof(*v->path));
	}
	v->path[v->depth].key = key != NULL ? key : "";
	v->path[v->depth++].len = len;
}

/* Pushes an array index onto the value's path. */
static void
ppush_idx(struct vctx *v, size_t i)
{
	ppush(v, NULL, i);
	v->path[v->depth - 1].key = NULL;
}

/* Returns 1 if a key can print as .key in a friendly path. */
static int
is_ident(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || !(isalnumc(s[0]) || s[0] == '_' || s[0] == '$') ||
	    isdigitc(s[0]))
		return 0;
	for (i = 1; i < n; i++)
		if (!isalnumc(s[i]) && s[i] != '_' && s[i] != '-' &&
		    s[i] != '$')
			return 0;
	return 1;
}

/* Appends the friendly path: contacts[1].phone, tags[0], ["a b"].c */
static void
path_friendly(struct buf *b, const struct vctx *v)
{
	const struct pseg *p;
	size_t i;

	for (i = 0; i < v->depth; i++) {
		p = &v->path[i];
		if (p->key == NULL)
			buf_printf(b, "[%zu]", p->len);
		else if (is_ident(p->key, p->len)) {
			if (i > 0)
				buf_putc(b, '.');
			buf_put(b, p->key, p->len);
		} else {
			buf_putc(b, '[');
			put_q(b, p->key, p->len, 60);
			buf_putc(b, ']');
		}
	}
}

/* Appends the JSON pointer (RFC 6901): /contacts/1/phone */
static void
path_pointer(struct buf *b, const struct vctx *v)
{
	const struct pseg *p;
	size_t i, j;

	for (i = 0; i < v->depth; i++) {
		p = &v->path[i];
		buf_putc(b, '/');
		if (p->key == NULL) {
			buf_printf(b, "%zu", p->len);
			continue;
		}
		for (j = 0; j < p->len; j++) {
			unsigned char c = (unsigned char)p->key[j];
			if (c == '~')
				BUF_PUTSL(b, "~0");
			else if (c == '/')
				BUF_PUTSL(b, "~1");
			else if (c < 0x20 || c == 0x7f)	/* keep lines whole */
				buf_printf(b, "\\u%04x", c);
			else
				buf_putc(b, c);
		}
	}
}

/*
 * Reports msg at y: "schema: PATH: MSG (POINTER)", or just "schema: MSG"
 * for the document itself.
 */
static void
v_report(struct vctx *v, const struct ynode *at, enum rule r,
    const char *msg)
{
	struct buf b = { NULL, 0, 0 };

	BUF_PUTSL(&b, "schema: ");
	if (v->depth > 0) {
		path_friendly(&b, v);
		BUF_PUTSL(&b, ": ");
	}
	buf_puts(&b, msg);
	if (v->depth > 0) {
		BUF_PUTSL(&b, " (");
		path_pointer(&b, v);
		buf_putc(&b, ')');
	}
	diag_add(v->diags, v->file, at->line, at->col, r, "%s", buf_cstr(&b));
	buf_free(&b);
	v->nreport++;
}

/* Reports "VALUE TEXT", the value rendered by show_val(). */
static void
v_report_val(struct vctx *v, const struct ynode *y, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
v_report_val(struct vctx *v, const struct ynode *y, const char *fmt, ...)
{
	struct buf b = { NULL, 0, 0 };
	va_list ap;

	show_val(&b, y);
	buf_putc(&b, ' ');
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	v_report(v, y, R_SCHEMA, buf_cstr(&b));
	buf_free(&b);
}

/* Reports a formatted message at the value at. */
static void
v_reportf(struct vctx *v, const struct ynode *at, enum rule r,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
v_reportf(struct vctx *v, const struct ynode *at, enum rule r,
    const char *fmt, ...)
{
	struct buf b = { NULL, 0, 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	v_report(v, at, r, buf_cstr(&b));
	buf_free(&b);
}

/* Stops the whole validation after reporting why, once. */
static int
v_stop(struct vctx *v, const struct ynode *at, const char *msg)
{
	if (!v->stopped)
		v_report(v, at, R_LIMIT, msg);
	v->stopped = 1;
	return 0;
}

/*
 * Returns 1 if the pattern matches s, 0 if not, -1 if pcre2 gave up (a
 * limit, bad UTF-8), which is reported once per pattern and value.
 */
static int
re_match(struct vctx *v, const struct regex *r, const struct ynode *at,
    const char *s, size_t n)
{
	PCRE2_UCHAR msg[256];
	struct buf b = { NULL, 0, 0 };
	size_t i;
	int rc;

	if (r->re == NULL)
		return 1;
	/*
	 * The effort budget: a runbook whose pattern gave up matches no
	 * more patterns, and past PATTERN_GIVEUPS in the process none does;
	 * each runbook is told once.
	 */
	if (!v->nomatch && atomic_load(&giveups) >= PATTERN_GIVEUPS) {
		v->nomatch = 1;
		BUF_PUTSL(&b, "patterns not matched: the schema's patterns "
		    "used up their effort budget on earlier values");
		v_report(v, at, R_LIMIT, buf_cstr(&b));
		buf_free(&b);
	}
	if (v->nomatch)
		return -1;
	if (v->md == NULL &&
	    (v->md = pcre2_match_data_create(1, NULL)) == NULL) {
		fputs("rbc: out of memory\n", stderr);
		exit(2);
	}
	rc = pcre2_match(r->re, (PCRE2_SPTR)(s != NULL ? s : ""), n, 0, 0,
	    v->md, v->sc->mctx);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	for (i = 0; i < v->ngave; i++)
		if (v->gave[i].re == r->re && v->gave[i].y == at)
			return -1;
	if (v->ngave == v->capgave) {
		v->capgave = v->capgave ? v->capgave * 2 : 4;
		v->gave = xreallocarray(v->gave, v->capgave, sizeof(*v->gave));
	}
	v->gave[v->ngave].re = r->re;
	v->gave[v->ngave++].y = at;
	v->nomatch = 1;
	atomic_fetch_add(&giveups, 1);
	BUF_PUTSL(&b, "pattern ");
	put_q(&b, r->src->s, r->src->slen, 80);
	BUF_PUTSL(&b, " gave up: ");
	switch (rc) {
	case PCRE2_ERROR_MATCHLIMIT:
		BUF_PUTSL(&b, "match limit exceeded");
		break;
	case PCRE2_ERROR_DEPTHLIMIT:
		BUF_PUTSL(&b, "depth limit exceeded");
		break;
	case PCRE2_ERROR_HEAPLIMIT:
		BUF_PUTSL(&b, "heap limit exceeded");
		break;
	default:
		pcre2_get_error_message(rc, msg, sizeof(msg));
		buf_puts(&b, (const char *)msg);
		break;
	}
	BUF_PUTSL(&b, "; no other value of this document is matched");
	v_report(v, at, R_LIMIT, buf_cstr(&b));
	buf_free(&b);
	return -1;
}

/* Returns 1 if y is one of the types in t. */
static int
type_ok(unsigned t, const struct ynode *y)
{
	switch (y->type) {
	case Y_NULL:
		return (t & T_NULL) != 0;
	case Y_BOOL:
		return (t & T_BOOL) != 0;
	case Y_INT:
		return (t & (T_INT | T_NUM)) != 0;
	case Y_FLOAT:
		return (t & T_NUM) || ((t & T_INT) && isintegral(y));
	case Y_STR:
		return (t & T_STR) != 0;
	case Y_SEQ:
		return (t & T_ARR) != 0;
	case Y_MAP:
		return (t & T_OBJ) != 0;
	}
	return 0;
}

/* Appends "string or null", "integer, string or array" and the like. */
static void
typelist(struct buf *b, unsigned t)
{
	static const struct {
		unsigned	 bit;
		const char	*name;
	} names[] = {
		{ T_OBJ, "object" }, { T_ARR, "array" }, { T_STR, "string" },
		{ T_NUM, "number" }, { T_INT, "integer" },
		{ T_BOOL, "boolean" }, { T_NULL, "null" },
	};
	size_t i, n = 0, k = 0;

	if (t & T_NUM)
		t &= ~(unsigned)T_INT;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (t & names[i].bit)
			n++;
	if (n == 0) {
		BUF_PUTSL(b, "nothing");
		return;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(t & names[i].bit))
			continue;
		if (k > 0)
			buf_puts(b, k + 1 == n ? " or " : ", ");
		buf_puts(b, names[i].name);
		k++;
	}
}

/* Returns 1 and the first repeat (items *i and *j, i < j) if any. */
static int
find_dup(const struct ynode *y, size_t *pi, size_t *pj)
{
	struct hidx {
		uint64_t	h;
		size_t		i;
	} *v, t;
	size_t i, j, k, bi = 0, bj = SIZE_MAX;

	if (y->n <= 16) {
		for (j = 1; j < y->n; j++)
			for (i = 0; i < j; i++)
				if (yequal(y->items[i], y->items[j])) {
					*pi = i;
					*pj = j;
					return 1;
				}
		return 0;
	}
	v = xreallocarray(NULL, y->n, sizeof(*v));
	for (i = 0; i < y->n; i++) {
		v[i].h = jhash(y->items[i]);
		v[i].i = i;
	}
	/* Insertion into hash order would be quadratic; sort instead. */
	for (k = y->n / 2; ; k = k > 2 ? k * 10 / 22 : k - 1) {
		/* Shell sort by (h, i): no comparator function needed. */
		if (k == 0)
			break;
		for (i = k; i < y->n; i++) {
			t = v[i];
			for (j = i; j >= k && (v[j - k].h > t.h ||
			    (v[j - k].h == t.h && v[j - k].i > t.i)); j -= k)
				v[j] = v[j - k];
			v[j] = t;
		}
	}
	for (i = 0; i < y->n; i = j) {
		for (j = i + 1; j < y->n && v[j].h == v[i].h; j++)
			continue;
		for (k = i + 1; k < j; k++) {
			size_t a;
			for (a = i; a < k; a++)
				if (v[k].i < bj && yequal(y->items[v[a].i],
				    y->items[v[k].i])) {
					bi = v[a].i;
					bj = v[k].i;
					break;
				}
		}
	}
	free(v);
	if (bj == SIZE_MAX)
		return 0;
	*pi = bi;
	*pj = bj;
	return 1;
}

/* Reports why y matches none of the alternatives of anyOf/oneOf. */
static void
alt_report(struct vctx *v, struct snode **alts, size_t n,
    const struct ynode *y, const char *kw)
{
	size_t i, cand = 0, ncand = 0;

	/*
	 * When only one alternative accepts this type of value, its own
	 * errors say what is wrong; otherwise one line, not every branch.
	 */
	for (i = 0; i < n; i++)
		if (alts[i]->boolv == 1 || (alts[i]->boolv == -1 &&
		    (alts[i]->types == 0 || type_ok(alts[i]->types, y)))) {
			cand = i;
			ncand++;
		}
	if (ncand == 1 && alts[cand]->boolv == -1 && n > 1) {
		int before = v->nreport;
		if (!validate(v, alts[cand], y, 1) && v->nreport > before)
			return;
	}
	v_report_val(v, y, "matches none of the %zu alternatives of %s", n, kw);
}

/* Returns the property schema for key, or NULL. */
static const struct prop *
prop_find(const struct prop *v, size_t n, const struct ynode *key)
{
	struct prop k;

	if (n == 0)
		return NULL;
	k.name = key->s != NULL ? key->s : "";
	k.len = key->slen;
	return bsearch(&k, v, n, sizeof(*v), propcmp);
}

/* Returns 1 if the number or string y passes s's keywords for it. */
static int
v_scalar(struct vctx *v, const struct snode *s, const struct ynode *y,
    int rep)
{
	struct buf b = { NULL, 0, 0 };
	size_t n;
	int ok = 1, r;

	if (isnum(y)) {
		if (s->minimum != NULL && y->num < s->minimum->num) {
			if (!rep)
				return 0;
			ok = 0;
			show_val(&b, s->minimum);
			v_report_val(v, y, "is less than the minimum %s",
			    buf_cstr(&b));
		}
		if (s->maximum != NULL && y->num > s->maximum->num) {
			if (!rep)
				return 0;
			ok = 0;
			buf_reset(&b);
			show_val(&b, s->maximum);
			v_report_val(v, y, "is greater than the maximum %s",
			    buf_cstr(&b));
		}
		if (s->xminimum != NULL && y->num <= s->xminimum->num) {
			if (!rep)
				return 0;
			ok = 0;
			buf_reset(&b);
			show_val(&b, s->xminimum);
			v_report_val(v, y, "must be greater than %s",
			    buf_cstr(&b));
		}
		if (s->xmaximum != NULL && y->num >= s->xmaximum->num) {
			if (!rep)
				return 0;
			ok = 0;
			buf_reset(&b);
			show_val(&b, s->xmaximum);
			v_report_val(v, y, "must be less than %s",
			    buf_cstr(&b));
		}
		if (s->multipleof != NULL && !multiple_of(y, s->multipleof)) {
			if (!rep)
				return 0;
			ok = 0;
			buf_reset(&b);
			show_val(&b, s->multipleof);
			v_report_val(v, y, "is not a multiple of %s",
			    buf_cstr(&b));
		}
	} else if (y->type == Y_STR) {
		if (s->minlen >= 0 || s->maxlen >= 0) {
			n = utf8_count(y->s, y->slen);
			if (s->minlen >= 0 && n < (size_t)s->minlen) {
				if (!rep)
					return 0;
				ok = 0;
				v_report_val(v, y, "is shorter than %lld "
				    "character%s", s->minlen,
				    s->minlen == 1 ? "" : "s");
			}
			if (s->maxlen >= 0 && n > (size_t)s->maxlen) {
				if (!rep)
					return 0;
				ok = 0;
				v_report_val(v, y, "is longer than %lld "
				    "character%s", s->maxlen,
				    s->maxlen == 1 ? "" : "s");
			}
		}
		if (s->pattern.re != NULL) {
			r = re_match(v, &s->pattern, y, y->s, y->slen);
			if (r <= 0) {
				if (!rep)
					return 0;
				ok = 0;
			}
			if (r == 0) {
				buf_reset(&b);
				put_q(&b, s->pattern.src->s,
				    s->pattern.src->slen, 80);
				v_report_val(v, y, "does not match the pattern "
				    "%s", buf_cstr(&b));
			}
		}
		if (s->format != F_NONE && !fmt_ok(s->format, y->s, y->slen)) {
			if (!rep)
				return 0;
			ok = 0;
			v_report_val(v, y, "is not %s", fmt_what(s->format));
		}
	}
	buf_free(&b);
	return ok;
}

/* Returns 1 if the array y passes s's array keywords. */
static int
v_array(struct vctx *v, const struct snode *s, const struct ynode *y,
    int rep)
{
	const struct snode *it;
	size_t i, j, cnt;
	int ok = 1;

	if (s->minitems >= 0 && y->n < (size_t)s->minitems) {
		if (!rep)
			return 0;
		ok = 0;
		v_reportf(v, y, R_SCHEMA, "has %zu item%s, at least %lld "
		    "required", y->n, y->n == 1 ? "" : "s", s->minitems);
	}
	if (s->maxitems >= 0 && y->n > (size_t)s->maxitems) {
		if (!rep)
			return 0;
		ok = 0;
		v_reportf(v, y, R_SCHEMA, "has %zu items, at most %lld "
		    "allowed", y->n, s->maxitems);
	}
	if (s->unique && y->n > 1 && find_dup(y, &i, &j)) {
		if (!rep)
			return 0;
		ok = 0;
		ppush_idx(v, j);
		v_report_val(v, y->items[j], "repeats item [%zu] (the items "
		    "must be unique)", i);
		v->depth--;
	}
	for (i = 0; i < y->n; i++) {
		it = i < s->nprefix ? s->prefix[i] : s->items;
		if (it == NULL)
			continue;
		if (it->boolv == 0 && i >= s->nprefix) {
			/* "items": false: one message for all extra items. */
			if (!rep)
				return 0;
			ok = 0;
			ppush_idx(v, i);
			v_reportf(v, y->items[i], R_SCHEMA, "item not allowed: "
			    "the array allows at most %zu item%s", s->nprefix,
			    s->nprefix == 1 ? "" : "s");
			v->depth--;
			break;
		}
		ppush_idx(v, i);
		if (!validate(v, it, y->items[i], rep))
			ok = 0;
		v->depth--;
		if (!ok && !rep)
			return 0;
	}
	if (s->contains != NULL) {
		for (i = cnt = 0; i < y->n; i++) {
			ppush_idx(v, i);
			if (validate(v, s->contains, y->items[i], 0))
				cnt++;
			v->depth--;
			if (s->maxcontains >= 0 &&
			    cnt > (size_t)s->maxcontains && !rep)
				return 0;
		}
		if (cnt < (size_t)s->mincontains) {
			if (!rep)
				return 0;
			ok = 0;
			if (cnt == 0)
				v_reportf(v, y, R_SCHEMA, "has no item that "
				    "matches \"contains\"");
			else
				v_reportf(v, y, R_SCHEMA, "has %zu item%s that "
				    "match%s \"contains\", at least %lld "
				    "required", cnt, cnt == 1 ? "" : "s",
				    cnt == 1 ? "es" : "", s->mincontains);
		}
		if (s->maxcontains >= 0 && cnt > (size_t)s->maxcontains) {
			if (!rep)
				return 0;
			ok = 0;
			v_reportf(v, y, R_SCHEMA, "has %zu items that match "
			    "\"contains\", at most %lld allowed", cnt,
			    s->maxcontains);
		}
	}
	return ok;
}

/* Returns 1 if the object y passes s's object keywords. */
static int
v_object(struct vctx *v, const struct snode *s, const struct ynode *y,
    int rep)
{
	const struct ynode *k, *req;
	const struct prop *p;
	struct ynode kn;
	struct buf b = { NULL, 0, 0 };
	size_t i, j;
	int ok = 1, matched, r;

	if (s->minprops >= 0 && y->n < (size_t)s->minprops) {
		if (!rep)
			return 0;
		ok = 0;
		v_reportf(v, y, R_SCHEMA, "has %zu propert%s, at least %lld "
		    "required", y->n, y->n == 1 ? "y" : "ies", s->minprops);
	}
	if (s->maxprops >= 0 && y->n > (size_t)s->maxprops) {
		if (!rep)
			return 0;
		ok = 0;
		v_reportf(v, y, R_SCHEMA, "has %zu properties, at most %lld "
		    "allowed", y->n, s->maxprops);
	}
	for (i = 0; s->required != NULL && i < s->required->n; i++) {
		req = s->required->items[i];
		if (mhas(y, req->s, req->slen))
			continue;
		if (!rep)
			return 0;
		ok = 0;
		buf_reset(&b);
		put_q(&b, req->s, req->slen, 80);
		v_reportf(v, y, R_SCHEMA, "missing required property %s",
		    buf_cstr(&b));
	}
	for (i = 0; s->depreq != NULL && i < s->depreq->n; i++) {
		k = s->depreq->keys[i];
		if (!mhas(y, k->s, k->slen))
			continue;
		for (j = 0; j < s->depreq->items[i]->n; j++) {
			req = s->depreq->items[i]->items[j];
			if (req->type != Y_STR || mhas(y, req->s, req->slen))
				continue;
			if (!rep)
				return 0;
			ok = 0;
			buf_reset(&b);
			put_q(&b, req->s, req->slen, 80);
			BUF_PUTSL(&b, " is required when ");
			put_q(&b, k->s, k->slen, 80);
			v_reportf(v, y, R_SCHEMA, "property %s is present",
			    buf_cstr(&b));
		}
	}
	buf_free(&b);
	for (i = 0; i < y->n; i++) {
		k = y->keys[i];
		matched = 0;
		ppush(v, k->s, k->slen);
		if ((p = prop_find(s->props, s->nprops, k)) != NULL) {
			matched = 1;
			if (!validate(v, p->s, y->items[i], rep))
				ok = 0;
		}
		for (j = 0; j < s->npprops && (ok || rep); j++) {
			if ((r = re_match(v, &s->pprops[j].re, k, k->s,
			    k->slen)) < 0)
				ok = 0;
			else if (r > 0) {
				matched = 1;
				if (!validate(v, s->pprops[j].s, y->items[i],
				    rep))
					ok = 0;
			}
		}
		if (!matched && s->addl != NULL && (ok || rep)) {
			if (s->addl->boolv == 0) {
				ok = 0;
				if (rep) {
					buf_reset(&b);
					put_q(&b, k->s, k->slen, 80);
					v_reportf(v, k, R_SCHEMA, "property %s "
					    "is not allowed", buf_cstr(&b));
					buf_free(&b);
				}
			} else if (!validate(v, s->addl, y->items[i], rep))
				ok = 0;
		}
		if (s->propnames != NULL && (ok || rep)) {
			/* A name is a string, whatever YAML made of it. */
			kn = *k;
			kn.type = Y_STR;
			if (!validate(v, s->propnames, &kn, rep))
				ok = 0;
		}
		v->depth--;
		if (!ok && !rep)
			return 0;
	}
	for (i = 0; i < s->ndepschemas; i++) {
		p = &s->depschemas[i];
		if (mhas(y, p->name, p->len) && !validate(v, p->s, y, rep)) {
			ok = 0;
			if (!rep)
				return 0;
		}
	}
	return ok;
}

/* Returns 1 if y passes allOf, anyOf, oneOf, not and if/then/else. */
static int
v_apply(struct vctx *v, const struct snode *s, const struct ynode *y,
    int rep)
{
	size_t i, first = 0, cnt;
	int ok = 1;

	for (i = 0; i < s->nallof; i++)
		if (!validate(v, s->allof[i], y, rep)) {
			ok = 0;
			if (!rep)
				return 0;
		}
	if (s->nanyof > 0) {
		for (i = 0; i < s->nanyof; i++)
			if (validate(v, s->anyof[i], y, 0))
				break;
		if (i == s->nanyof) {
			if (!rep)
				return 0;
			ok = 0;
			alt_report(v, s->anyof, s->nanyof, y, "anyOf");
		}
	}
	if (s->noneof > 0) {
		for (i = cnt = 0; i < s->noneof && cnt < 2; i++)
			if (validate(v, s->oneof[i], y, 0)) {
				if (cnt++ == 0)
					first = i;
			}
		if (cnt != 1) {
			if (!rep)
				return 0;
			ok = 0;
			if (cnt == 0)
				alt_report(v, s->oneof, s->noneof, y, "oneOf");
			else
				v_report_val(v, y, "matches more than one "
				    "alternative of oneOf (#%zu and #%zu)",
				    first + 1, i);
		}
	}
	if (s->not != NULL && validate(v, s->not, y, 0)) {
		if (!rep)
			return 0;
		ok = 0;
		v_report_val(v, y, "must not match the schema in \"not\"");
	}
	if (s->if_ != NULL && (s->then_ != NULL || s->else_ != NULL)) {
		const struct snode *br = validate(v, s->if_, y, 0) ?
		    s->then_ : s->else_;
		if (br != NULL && !validate(v, br, y, rep))
			ok = 0;
	}
	return ok;
}

/* Returns 1 if y is valid against s; reports why not when rep is set. */
static int
validate(struct vctx *v, const struct snode *s, const struct ynode *y,
    int rep)
{
	struct buf b = { NULL, 0, 0 };
	size_t i;
	int ok = 1;

	if (v->stopped)
		return 0;
	if (s->boolv == 1)
		return 1;
	if (s->boolv == 0) {
		if (rep)
			v_report(v, y, R_SCHEMA, "no value is allowed here");
		return 0;
	}
	if (++v->steps > v->maxsteps)
		return v_stop(v, y, "evaluation gave up: too much work (the "
		    "schema is too complex for this document)");
	if (v->frames >= VALIDATE_MAX_FRAMES)
		return v_stop(v, y, "evaluation gave up: subschemas nested "
		    "too deeply");
	if (s->types != 0 && !type_ok(s->types, y)) {
		if (!rep)
			return 0;
		/* One message: the other keywords would only add noise. */
		BUF_PUTSL(&b, "expected ");
		typelist(&b, s->types);
		buf_printf(&b, ", got %s", tname(y));
		if ((s->types & T_STR) && !y->quoted && (y->type == Y_BOOL ||
		    isnum(y))) {
			BUF_PUTSL(&b, " ");
			show_val(&b, y);
			BUF_PUTSL(&b, " (quote it to make it a string)");
		}
		v_report(v, y, R_SCHEMA, buf_cstr(&b));
		buf_free(&b);
		return 0;
	}
	v->frames++;
	if (s->enumv != NULL) {
		for (i = 0; i < s->enumv->n; i++)
			if (yequal(y, s->enumv->items[i]))
				break;
		if (i == s->enumv->n) {
			ok = 0;
			if (!rep)
				goto out;
			for (i = 0; i < s->enumv->n && i < 8; i++) {
				buf_puts(&b, i ? ", " : "");
				show_val(&b, s->enumv->items[i]);
			}
			if (s->enumv->n > 8)
				buf_printf(&b, " (and %zu more)",
				    s->enumv->n - 8);
			if (s->enumv->n == 0)
				v_report_val(v, y, "is not allowed (the enum "
				    "is empty)");
			else
				v_report_val(v, y, "is not one of %s",
				    buf_cstr(&b));
			buf_reset(&b);
		}
	}
	if (s->constv != NULL && !yequal(y, s->constv)) {
		ok = 0;
		if (!rep)
			goto out;
		show_val(&b, s->constv);
		v_report_val(v, y, "is not %s (const)", buf_cstr(&b));
		buf_reset(&b);
	}
	if (y->type == Y_SEQ) {
		if (!v_array(v, s, y, rep))
			ok = 0;
	} else if (y->type == Y_MAP) {
		if (!v_object(v, s, y, rep))
			ok = 0;
	} else if (!v_scalar(v, s, y, rep))
		ok = 0;
	if (!ok && !rep)
		goto out;
	if (s->ref != NULL) {
		for (i = 0; i < v->nrefs; i++)
			if (v->refs[i].s == s && v->refs[i].y == y)
				break;
		if (i < v->nrefs) {
			/* Back at the same place with nothing consumed. */
			if (!v->looped) {
				v->looped = 1;
				buf_reset(&b);
				BUF_PUTSL(&b, "$ref ");
				put_q(&b, s->refsrc->s, s->refsrc->slen, 80);
				BUF_PUTSL(&b, " loops back to itself without "
				    "going deeper into the value");
				v_report(v, y, R_LIMIT, buf_cstr(&b));
			}
			ok = 0;
			goto out;
		}
		if (v->nrefs == v->caprefs) {
			v->caprefs = v->caprefs ? v->caprefs * 2 : 16;
			v->refs = xreallocarray(v->refs, v->caprefs,
			    sizeof(*v->refs));
		}
		v->refs[v->nrefs].s = s;
		v->refs[v->nrefs++].y = y;
		if (!validate(v, s->ref, y, rep))
			ok = 0;
		v->nrefs--;
		if (!ok && !rep)
			goto out;
	}
	if (!v_apply(v, s, y, rep))
		ok = 0;
out:
	buf_free(&b);
	v->frames--;
	return ok && !v->stopped;
}

/* ------------------------------------------------------------ interface */

/* Returns the number of nodes in y. */
static unsigned long
count_nodes(const struct ynode *y)
{
	unsigned long n = 1;
	size_t i;

	if (y->type == Y_SEQ || y->type == Y_MAP)
		for (i = 0; i < y->n; i++)
			n += count_nodes(y->items[i]);
	return n;
}

/*
 * Returns the schema in root compiled, or NULL after diagnostics (at the
 * schema file's positions) for what is wrong with it.  The schema keeps
 * pointers into root, which must outlive it.  flags: SCHEMA_ASSERT_FORMATS
 * makes "format" (date, email, uri, duration, phone) an assertion; without
 * it "format" is an annotation, as draft 2020-12 says by default.
 */
struct schema *
schema_compile_opts(const struct ynode *root, const char *file, int flags,
    struct diags *diags)
{
	struct schema *sc;
	struct cctx cc;

	if (root == NULL)
		return NULL;
	sc = xcalloc(1, sizeof(*sc));
	sc->a = arena_new();
	sc->flags = flags;
	if ((sc->mctx = pcre2_match_context_create(NULL)) == NULL) {
		fputs("rbc: out of memory\n", stderr);
		exit(2);
	}
	pcre2_set_match_limit(sc->mctx, RE_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mctx, RE_DEPTH_LIMIT);
	pcre2_set_heap_limit(sc->mctx, RE_HEAP_LIMIT);
	memset(&cc, 0, sizeof(cc));
	cc.sc = sc;
	cc.file = file;
	cc.diags = diags;
	name_add(&cc, "", root);
	sc->root = compile(&cc, root, "", 0);
	resolve_refs(&cc);
	free(cc.mkey);
	free(cc.mval);
	free(cc.names);
	free(cc.pend);
	pcre2_compile_context_free(cc.ccx);
	if (cc.err) {
		schema_free(sc);
		return NULL;
	}
	return sc;
}

/* Returns root compiled with formats asserted (rbc's own use), or NULL. */
struct schema *
schema_compile(const struct ynode *root, const char *file,
    struct diags *diags)
{
	return schema_compile_opts(root, file, SCHEMA_ASSERT_FORMATS, diags);
}

/*
 * Returns the number of problems reported for doc: R_SCHEMA violations
 * and R_LIMIT diagnostics (a pattern or the evaluation gave up).  Safe to
 * call from several threads at once on the same schema.
 */
int
schema_validate(const struct schema *sc, const struct ynode *doc,
    const char *file, struct diags *diags)
{
	struct vctx v;
	int ok;

	if (sc == NULL || doc == NULL)
		return 0;
	memset(&v, 0, sizeof(v));
	v.sc = sc;
	v.file = file;
	v.diags = diags;
	v.path = v.path0;
	v.cap = sizeof(v.path0) / sizeof(v.path0[0]);
	/* Work in proportion to the document; past it, a hostile schema. */
	v.maxsteps = VALIDATE_STEPS + VALIDATE_STEPS_NODE * count_nodes(doc);
	ok = validate(&v, sc->root, doc, 1);
	if (!ok && v.nreport == 0)
		v_report(&v, doc, R_SCHEMA, "the document does not match the "
		    "schema");
	if (v.path != v.path0)
		free(v.path);
	free(v.refs);
	free(v.gave);
	pcre2_match_data_free(v.md);
	return v.nreport;
}

/* ------------------------------------------------------------ typos */

/*
 * key-unknown: a key no schema knows, within a typo of one they know at
 * that place ("contcts" for "contacts", "Phone" for "phone").  The walk
 * follows the document through properties, items and the applicators
 * ($ref, allOf, anyOf, oneOf, then, else), so a key is judged at any
 * depth of the known structure; where patternProperties or propertyNames
 * decide what is allowed, nothing is said.
 */
#define TYPO_SET	64	/* schemas that apply at one place */
#define TYPO_DEPTH	64	/* of the document and of the applicators */

struct typoset {
	const struct snode	*v[TYPO_SET];
	size_t			 n;
};

static void
typo_gather(struct typoset *t, const struct snode *s, int depth)
{
	size_t i;

	if (s == NULL || depth > TYPO_DEPTH || t->n >= TYPO_SET)
		return;
	for (i = 0; i < t->n; i++)
		if (t->v[i] == s)
			return;
	t->v[t->n++] = s;
	typo_gather(t, s->ref, depth + 1);
	for (i = 0; i < s->nallof; i++)
		typo_gather(t, s->allof[i], depth + 1);
	for (i = 0; i < s->nanyof; i++)
		typo_gather(t, s->anyof[i], depth + 1);
	for (i = 0; i < s->noneof; i++)
		typo_gather(t, s->oneof[i], depth + 1);
	typo_gather(t, s->then_, depth + 1);
	typo_gather(t, s->else_, depth + 1);
}

/* The known name nearest to key, within a typo of it, or NULL. */
static const struct prop *
typo_near(const struct typoset *t, const struct ynode *key)
{
	const struct prop *best = NULL;
	size_t i, j, d, bestd = SIZE_MAX, most;

	/* One slip in a short key, two in a long one. */
	most = key->slen >= 8 ? 2 : 1;
	if (key->slen < 3)
		return NULL;
	for (i = 0; i < t->n; i++)
		for (j = 0; j < t->v[i]->nprops; j++) {
			const struct prop *p = &t->v[i]->props[j];

			d = str_distance(key->s, key->slen, p->name, p->len);
			if (d == 0)	/* the same letters in another case */
				d = 1;
			if (d <= most && (d < bestd || (d == bestd &&
			    strcmp(p->name, best->name) < 0))) {
				best = p;
				bestd = d;
			}
		}
	return best;
}

static void
typo_walk(const struct typoset *t, const struct ynode *y, const char *file,
    struct diags *d, int depth)
{
	struct typoset sub;
	const struct prop *p;
	size_t i, k;
	int known, free_keys = 0;

	if (y == NULL || depth > TYPO_DEPTH || t->n == 0)
		return;
	if (y->type == Y_SEQ) {
		for (i = 0; i < y->n; i++) {
			sub.n = 0;
			for (k = 0; k < t->n; k++) {
				if (i < t->v[k]->nprefix)
					typo_gather(&sub, t->v[k]->prefix[i],
					    0);
				else
					typo_gather(&sub, t->v[k]->items, 0);
			}
			typo_walk(&sub, y->items[i], file, d, depth + 1);
		}
		return;
	}
	if (y->type != Y_MAP)
		return;
	for (k = 0; k < t->n; k++)
		if (t->v[k]->npprops > 0 || t->v[k]->propnames != NULL)
			free_keys = 1;
	for (i = 0; i < y->n; i++) {
		const struct ynode *key = y->keys[i];

		if (key == NULL || key->s == NULL)
			continue;
		sub.n = 0;
		known = 0;
		for (k = 0; k < t->n; k++)
			if ((p = prop_find(t->v[k]->props, t->v[k]->nprops,
			    key)) != NULL) {
				known = 1;
				typo_gather(&sub, p->s, 0);
			}
		if (known) {
			typo_walk(&sub, y->items[i], file, d, depth + 1);
			continue;
		}
		if (free_keys || (p = typo_near(t, key)) == NULL)
			continue;
		diag_add(d, file, key->line, key->col, R_KEY_UNKNOWN,
		    "unknown key '%.*s': did you mean '%s'?",
		    (int)(key->slen > 80 ? 80 : key->slen), key->s, p->name);
	}
}

/*
 * Reports the keys of doc that neither schema knows but that are within a
 * typo of one they know at that place (own may be NULL).
 */
void
schema_typos(const struct schema *builtin, const struct schema *own,
    const struct ynode *doc, const char *file, struct diags *d)
{
	struct typoset t;

	t.n = 0;
	if (builtin != NULL)
		typo_gather(&t, builtin->root, 0);
	if (own != NULL)
		typo_gather(&t, own->root, 0);
	typo_walk(&t, doc, file, d, 0);
}

/* Frees the schema and what it owns. */
void
schema_free(struct schema *sc)
{
	size_t i;

	if (sc == NULL)
		return;
	for (i = 0; i < sc->nres; i++)
		pcre2_code_free(sc->res[i]);
	free(sc->res);
	pcre2_match_context_free(sc->mctx);
	arena_free(sc->a);
	arena_free(sc->docs);
	free(sc);
}

/* Returns the built-in runbook schema (JSON text, len bytes), or NULL. */
const char *
schema_builtin(size_t *len)
{
	const struct embedded *e;

	for (e = embedded_files; e->name != NULL; e++)
		if (strcmp(e->name, SCHEMA_BUILTIN_NAME) == 0) {
			if (len != NULL)
				*len = e->len;
			return (const char *)e->data;
		}
	if (len != NULL)
		*len = 0;
	return NULL;
}

/*
 * Returns the YAML front-matter of a Markdown file (between a first line
 * "---" and the next "---" or "...") and its first line in *line0, or
 * NULL when there is none.
 */
static const char *
md_front(const char *s, size_t n, size_t *flen, int *line0)
{
	const char *p = s, *end = s + n, *start, *nl;
	size_t len;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (end - p < 3 || memcmp(p, "---", 3) != 0)
		return NULL;
	for (nl = p + 3; nl < end && (*nl == ' ' || *nl == '\t' ||
	    *nl == '\r'); nl++)
		continue;
	if (nl >= end || *nl != '\n')
		return NULL;
	start = p = nl + 1;
	while (p < end) {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		len = (size_t)(nl - p);
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' ' ||
		    p[len - 1] == '\t'))
			len--;
		if (len == 3 && (memcmp(p, "---", 3) == 0 ||
		    memcmp(p, "...", 3) == 0)) {
			*flen = (size_t)(p - start);
			*line0 = 2;
			return start;
		}
		p = nl + 1;
	}
	return NULL;
}

/*
 * Returns the document in path: JSON for *.json, the front-matter of
 * *.md, YAML otherwise; NULL after a diagnostic.  *ioerr is set when the
 * file cannot be read at all.
 */
struct ynode *
schema_doc_load(struct arena *a, const char *path, struct diags *d, int *ioerr)
{
	struct buf b = { NULL, 0, 0 };
	struct ynode *y = NULL;
	const char *fm;
	size_t flen;
	int rc, line0;

	if ((rc = read_file(path, &b, CHECK_MAX_FILE)) != 0) {
		if (rc == -2)
			diag_add(d, path, 0, 0, R_LIMIT, "file larger than "
			    "%u MiB", CHECK_MAX_FILE >> 20);
		else
			diag_add(d, path, 0, 0, R_IO, "cannot read: %s",
			    read_error(rc));
		*ioerr = 1;
	} else if (str_has_suffix(path, ".json"))
		y = json_load(a, b.data != NULL ? b.data : "", b.len, path, d);
	else if (str_has_suffix(path, ".md")) {
		if ((fm = md_front(buf_cstr(&b), b.len, &flen, &line0)) ==
		    NULL)
			diag_add(d, path, 1, 1, R_FRONT_MATTER_MISSING,
			    "no front-matter (a first line \"---\" and a "
			    "closing \"---\")");
		else
			y = yaml_load(a, fm, flen, path, line0, d);
	} else
		y = yaml_load(a, buf_cstr(&b), b.len, path, 1, d);
	buf_free(&b);
	return y;
}

/* Returns the schema in a YAML or JSON file compiled, or NULL. */
struct schema *
schema_load(const char *path, int flags, struct diags *d)
{
	struct arena *a = arena_new();
	struct schema *sc;
	struct ynode *y;
	int ioerr = 0;

	if ((y = schema_doc_load(a, path, d, &ioerr)) == NULL ||
	    (sc = schema_compile_opts(y, path, flags, d)) == NULL) {
		arena_free(a);
		return NULL;
	}
	sc->docs = a;
	return sc;
}

/* Returns the built-in runbook schema compiled, formats asserted. */
struct schema *
schema_runbook(struct diags *d)
{
	struct arena *a;
	struct schema *sc;
	struct ynode *y;
	const char *s;
	size_t n;

	if ((s = schema_builtin(&n)) == NULL) {
		diag_add(d, SCHEMA_BUILTIN_NAME, 0, 0, R_IO, "the built-in schema "
		    "is missing from this rbc binary");
		return NULL;
	}
	a = arena_new();
	if ((y = json_load(a, s, n, SCHEMA_BUILTIN_NAME, d)) == NULL ||
	    (sc = schema_compile(y, SCHEMA_BUILTIN_NAME, d)) == NULL) {
		arena_free(a);
		return NULL;
	}
	sc->docs = a;
	return sc;
}
