/*
 * Logic-less Mustache over struct ynode contexts: the spec's core modules
 * (interpolation, sections, inverted, comments, partials, delimiters).
 *
 * mustache_add() compiles a template once into a flat token array; a
 * section token knows the index of its close token, so rendering is a walk
 * over ranges.  Standalone lines are removed at compile time.  A partial
 * tag on a standalone line indents every line of the partial: each token
 * that starts a source line carries a flag, and the renderer writes the
 * current indentation before it (and after each inner newline of text),
 * which is the spec's "indent the partial's source" without recompiling.
 *
 * mustache_render() keeps all of its state on its own stack and heap, so
 * one set may render from many processes or threads at once.  Hostile
 * templates are bounded: partial depth, section nesting, render depth, and
 * an effort budget against exponential templates ({{>a}}{{>a}} in a).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

#define MU_MAX_PARTIAL	64		/* partials within partials */
#define MU_MAX_NEST	1024		/* open sections in one template */
#define MU_MAX_DEPTH	2048		/* sections + partials, rendering */
#define MU_MAX_STEPS	(1UL << 24)	/* tokens executed per render */
#define MU_MAX_OUT	((size_t)256 << 20)	/* bytes written per render */
#define MU_FLUSH	((size_t)256 << 10)	/* streaming: bytes held */
#define MU_MAX_DELIM	32		/* bytes of a delimiter */

enum mtype {
	MT_TEXT,	/* src[off, off+len) verbatim */
	MT_VAR,		/* {{name}}, escaped */
	MT_RAW,		/* {{{name}}} and {{&name}} */
	MT_SECTION,	/* {{#name}}; body is (i, end] */
	MT_INVERTED,	/* {{^name}} */
	MT_CLOSE,	/* {{/name}}; renders nothing */
	MT_PARTIAL,	/* {{>name}}; indent src[ioff, ioff+ilen) */
	MT_NOP		/* a comment or delimiter tag that starts a line */
};

struct mtok {
	enum mtype	 type;
	int		 bol;	/* starts a source line: indent before it */
	size_t		 off, len;	/* text, or the tag's name */
	size_t		 plen;		/* names: the part before any dot */
	uint32_t	 h;		/* names: that part's hash (key_hash) */
	size_t		 end;		/* sections: index of the close */
	int		 standalone;	/* partials: alone on their line */
	size_t		 ioff, ilen;	/* standalone partials: indentation */
};

struct mtpl {
	char		*name;
	size_t		 namelen;
	char		*src;
	size_t		 srclen;
	struct mtok	*tok;
	size_t		 n, cap;
};

struct mustache {
	struct mtpl	**v;
	size_t		  n, cap;
};

/*
 * One level of the context stack.  A map of MU_INDEX_MIN keys or more
 * gets a hash index the first time a name is looked up in it (a page's
 * context has some 60 keys and hundreds of tags): slots hold a key's
 * position + 1, the first of equal keys only, as the linear search finds.
 */
#define MU_INDEX_MIN	8

struct mlevel {
	const struct ynode	 *v;
	uint16_t		 *slot;		/* kept across pushes */
	size_t			  nslot;	/* 0: not indexed (yet) */
	size_t			  capslot;
	int			  indexed;	/* slot is v's index */
};

/* What one render carries down its recursion. */
struct mrender {
	const struct mustache	 *m;
	struct buf		 *out;
	size_t			  out0;		/* out->len on entry */
	/* Streaming: what is past out0 goes to flush() every 256 kB. */
	int			(*flush)(void *, const char *, size_t);
	void			 *farg;
	size_t			  flushed;
	struct mlevel		 *ctx;		/* the context stack */
	size_t			  nctx, capctx;
	int			  partials;	/* partial depth */
	int			  depth;	/* section + partial depth */
	unsigned long		  steps;
	int			  blown;	/* a limit was hit: stop */
};

/* Escapes for {{name}}: HTML text and quoted attributes alike. */
static const char *const esc_tab[256] = {
	['&'] = "&amp;",
	['<'] = "&lt;",
	['>'] = "&gt;",
	['"'] = "&quot;",
	['\''] = "&#39;",
};

/* ------------------------------------------------------------ compiling */

/* Returns 1 for the blanks that may surround a standalone tag. */
static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Returns 1 for whitespace inside a tag. */
static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v';
}

/* Returns 1 if [s, e) holds whitespace. */
static int
has_space(const char *s, const char *e)
{
	for (; s < e; s++)
		if (is_space(*s))
			return 1;
	return 0;
}

/* Returns the first occurrence of needle in hay[from, len), or NULL. */
static const char *
find(const char *hay, size_t from, size_t len, const char *needle,
    size_t nlen)
{
	const char *p = hay + from, *e = hay + len;

	if (nlen == 0)
		return NULL;
	while ((size_t)(e - p) >= nlen) {
		p = memchr(p, needle[0], (size_t)(e - p) - nlen + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, nlen) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* The hash of a context key or of a name's first part. */
static uint32_t
key_hash(const char *s, size_t len)
{
	return (uint32_t)hash64(HASH64_INIT, s, len);
}

/* Returns a pointer to the new token, zeroed. */
static struct mtok *
tok_push(struct mtpl *t, enum mtype type)
{
	struct mtok *k;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->tok = xreallocarray(t->tok, t->cap, sizeof(*t->tok));
	}
	k = &t->tok[t->n++];
	memset(k, 0, sizeof(*k));
	k->type = type;
	return k;
}

/* Returns 1 if src[off] starts a line. */
static int
at_bol(const char *src, size_t off)
{
	return off == 0 || src[off - 1] == '\n';
}

/* Adds the text src[from, to) unless empty. */
static void
add_text(struct mtpl *t, size_t from, size_t to)
{
	struct mtok *k;

	if (to <= from)
		return;
	k = tok_push(t, MT_TEXT);
	k->off = from;
	k->len = to - from;
	k->bol = at_bol(t->src, from);
}

/* Returns the 1-based line of src[off], counting on from *line at *at. */
static int
line_of(const char *src, size_t off, size_t *at, int *line)
{
	const char *p;

	while (*at < off && (p = memchr(src + *at, '\n', off - *at)) != NULL) {
		(*line)++;
		*at = (size_t)(p - src) + 1;
	}
	if (*at < off)
		*at = off;
	return *line;
}

/* Returns 1 if name (len bytes) is "." or dot-separated non-empty parts. */
static int
name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return 0;
	if (len == 1 && s[0] == '.')
		return 1;
	if (s[0] == '.' || s[len - 1] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		if (is_space(s[i]))
			return 0;
		if (s[i] == '.' && s[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* Returns 0 with t's tokens built from t->src, or -1 with *err set. */
static int
compile(struct mtpl *t, char **err)
{
	const char *src = t->src, *p, *c, *s, *e;
	size_t len = t->srclen, pos = 0, text = 0, tag, after, ls, la;
	size_t *open = NULL, nopen = 0, capopen = 0, cl;
	char otag[MU_MAX_DELIM + 1] = "{{", ctag[MU_MAX_DELIM + 2] = "}}";
	char close[MU_MAX_DELIM + 2];
	size_t olen = 2, clen = 2, closelen, nlen;
	size_t lat = 0;
	int line = 1, tagline, standalone;
	char type;
	struct mtok *k;

	for (;;) {
		p = find(src, pos, len, otag, olen);
		if (p == NULL)
			break;
		tag = (size_t)(p - src);
		tagline = line_of(src, tag, &lat, &line);
		after = tag + olen;
		type = after < len ? src[after] : '\0';
		switch (type) {
		case '#': case '^': case '/': case '!': case '>': case '&':
		case '{': case '=':
			after++;
			break;
		default:
			type = 'v';
			break;
		}
		/* The closer: "}" or "=" before the close delimiter. */
		closelen = 0;
		if (type == '{' || type == '=')
			close[closelen++] = type == '{' ? '}' : '=';
		memcpy(close + closelen, ctag, clen);
		closelen += clen;
		c = find(src, after, len, close, closelen);
		if (c == NULL) {
			*err = xasprintf("line %d: unclosed tag \"%.*s\"",
			    tagline, (int)olen, otag);
			goto fail;
		}
		s = src + after;
		e = c;
		while (s < e && is_space(*s))
			s++;
		while (e > s && is_space(e[-1]))
			e--;
		nlen = (size_t)(e - s);
		pos = (size_t)(c - src) + closelen;

		/*
		 * Standalone: only blanks between the line's start and the
		 * tag, and between the tag and the line's end.  Delimiters
		 * hold no blanks, so blanks before mean no other tag there.
		 */
		standalone = 0;
		ls = la = 0;
		if (type != 'v' && type != '{' && type != '&') {
			for (ls = tag; ls > 0 && is_blank(src[ls - 1]); ls--)
				continue;
			for (la = pos; la < len && is_blank(src[la]); la++)
				continue;
			if (at_bol(src, ls)) {
				if (la == len)
					standalone = 1;
				else if (src[la] == '\n') {
					standalone = 1;
					la++;
				} else if (src[la] == '\r' && la + 1 < len &&
				    src[la + 1] == '\n') {
					standalone = 1;
					la += 2;
				}
			}
		}
		add_text(t, text, standalone ? ls : tag);
		text = standalone ? la : pos;

		if (type == '!')
			goto nop;
		if (type == '=') {
			const char *a = s, *ae, *b;

			for (ae = a; ae < e && !is_space(*ae); ae++)
				continue;
			for (b = ae; b < e && is_space(*b); b++)
				continue;
			if (ae == a || b == e || has_space(b, e)) {
				*err = xasprintf("line %d: set-delimiter tag "
				    "needs two delimiters, as in "
				    "{{=<%% %%>=}}", tagline);
				goto fail;
			}
			if ((size_t)(ae - a) > MU_MAX_DELIM ||
			    (size_t)(e - b) > MU_MAX_DELIM) {
				*err = xasprintf("line %d: delimiter longer "
				    "than %d bytes", tagline, MU_MAX_DELIM);
				goto fail;
			}
			olen = (size_t)(ae - a);
			memcpy(otag, a, olen);
			otag[olen] = '\0';
			clen = (size_t)(e - b);
			memcpy(ctag, b, clen);
			ctag[clen] = '\0';
			goto nop;
		}
		if (!name_ok(s, nlen)) {
			*err = nlen == 0 ?
			    xasprintf("line %d: empty tag", tagline) :
			    xasprintf("line %d: bad name \"%.*s\"", tagline,
			    (int)nlen, s);
			goto fail;
		}
		switch (type) {
		case '#':
		case '^':
			if (nopen == MU_MAX_NEST) {
				*err = xasprintf("line %d: sections nested "
				    "deeper than %d", tagline, MU_MAX_NEST);
				goto fail;
			}
			if (nopen == capopen) {
				capopen = capopen ? capopen * 2 : 16;
				open = xreallocarray(open, capopen,
				    sizeof(*open));
			}
			open[nopen++] = t->n;
			k = tok_push(t, type == '#' ? MT_SECTION :
			    MT_INVERTED);
			break;
		case '/':
			if (nopen == 0) {
				*err = xasprintf("line %d: \"%.*s\" closes "
				    "no open section", tagline, (int)nlen, s);
				goto fail;
			}
			k = &t->tok[open[nopen - 1]];
			if (k->len != nlen ||
			    memcmp(src + k->off, s, nlen) != 0) {
				lat = 0;
				line = 1;
				*err = xasprintf("line %d: \"%.*s\" closes "
				    "section \"%.*s\" opened on line %d",
				    tagline, (int)nlen, s, (int)k->len,
				    src + k->off, line_of(src, k->off, &lat,
				    &line));
				goto fail;
			}
			cl = t->n;
			t->tok[open[--nopen]].end = cl;
			k = tok_push(t, MT_CLOSE);
			break;
		case '>':
			k = tok_push(t, MT_PARTIAL);
			k->standalone = standalone;
			if (standalone) {
				k->ioff = ls;
				k->ilen = tag - ls;
			}
			break;
		case '{':
		case '&':
			k = tok_push(t, MT_RAW);
			break;
		default:
			k = tok_push(t, MT_VAR);
			break;
		}
		k->off = (size_t)(s - src);
		k->len = nlen;
		k->bol = !standalone && at_bol(src, tag);
		{
			const char *dot = memchr(s, '.', nlen);
			k->plen = dot != NULL && nlen > 1 ?
			    (size_t)(dot - s) : nlen;
			k->h = key_hash(s, k->plen);
		}
		continue;
nop:
		if (!standalone && at_bol(src, tag))
			tok_push(t, MT_NOP)->bol = 1;
	}
	add_text(t, text, len);
	if (nopen > 0) {
		k = &t->tok[open[nopen - 1]];
		lat = 0;
		line = 1;
		*err = xasprintf("line %d: section \"%.*s\" is never closed",
		    line_of(src, k->off, &lat, &line), (int)k->len,
		    src + k->off);
		goto fail;
	}
	free(open);
	return 0;
fail:
	free(open);
	return -1;
}

/* -------------------------------------------------------------- the set */

/* Returns an empty template set. */
struct mustache *
mustache_new(void)
{
	return xcalloc(1, sizeof(struct mustache));
}

/* Frees a template and everything it owns. */
static void
tpl_free(struct mtpl *t)
{
	if (t == NULL)
		return;
	free(t->name);
	free(t->src);
	free(t->tok);
	free(t);
}

/* Returns the template called name, or NULL. */
static const struct mtpl *
tpl_find(const struct mustache *m, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (m->v[i]->namelen == len &&
		    memcmp(m->v[i]->name, name, len) == 0)
			return m->v[i];
	return NULL;
}

/* Returns 0, or -1 with *err (malloc'd "line N: ...") if src is malformed. */
int
mustache_add(struct mustache *m, const char *name, const char *src,
    size_t len, char **err)
{
	struct mtpl *t;
	char *msg = NULL;
	size_t i;

	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	t->namelen = strlen(name);
	t->src = xstrndup(src, len);
	t->srclen = len;
	if (compile(t, &msg) == -1) {
		tpl_free(t);
		if (err != NULL)
			*err = msg;
		else
			free(msg);
		return -1;
	}
	if (err != NULL)
		*err = NULL;
	for (i = 0; i < m->n; i++)
		if (strcmp(m->v[i]->name, name) == 0) {
			tpl_free(m->v[i]);
			m->v[i] = t;
			return 0;
		}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 8;
		m->v = xreallocarray(m->v, m->cap, sizeof(*m->v));
	}
	m->v[m->n++] = t;
	return 0;
}

/* Returns 1 if the set holds a template called name. */
int
mustache_has(const struct mustache *m, const char *name)
{
	return tpl_find(m, name, strlen(name)) != NULL;
}

/* Frees the set and every template in it. */
void
mustache_free(struct mustache *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		tpl_free(m->v[i]);
	free(m->v);
	free(m);
}

/* ------------------------------------------------------------ rendering */

/* Returns the value of key (len bytes) in map n, or NULL. */
static const struct ynode *
map_get(const struct ynode *n, const char *key, size_t len)
{
	size_t i;

	if (n == NULL || n->type != Y_MAP)
		return NULL;
	for (i = 0; i < n->n; i++) {
		const struct ynode *k = n->keys[i];

		if (k != NULL && k->s != NULL && k->slen == len &&
		    memcmp(k->s, key, len) == 0)
			return n->items[i];
	}
	return NULL;
}

/* Indexes level l's map (MU_INDEX_MIN keys or more) for level_get. */
static void
level_index(struct mlevel *l)
{
	const struct ynode *n = l->v, *k;
	size_t i, j, want;

	for (want = 64; want < 2 * n->n; want *= 2)
		;
	if (want > l->capslot) {
		free(l->slot);
		l->slot = xreallocarray(NULL, want, sizeof(*l->slot));
		l->capslot = want;
	}
	l->nslot = want;
	memset(l->slot, 0, want * sizeof(*l->slot));
	for (i = 0; i < n->n; i++) {
		if ((k = n->keys[i]) == NULL || k->s == NULL)
			continue;
		for (j = key_hash(k->s, k->slen) & (want - 1);
		    l->slot[j] != 0; j = (j + 1) & (want - 1)) {
			const struct ynode *o = n->keys[l->slot[j] - 1];
			if (o->slen == k->slen &&
			    memcmp(o->s, k->s, k->slen) == 0)
				break;	/* the first one stays */
		}
		if (l->slot[j] == 0)
			l->slot[j] = (uint16_t)(i + 1);
	}
	l->indexed = 1;
}

/* map_get on level l's value, by its index when it is a big map. */
static const struct ynode *
level_get(struct mlevel *l, const char *key, size_t len, uint32_t h)
{
	const struct ynode *n = l->v, *k;
	size_t j;

	if (n == NULL || n->type != Y_MAP || n->n < MU_INDEX_MIN ||
	    n->n > UINT16_MAX - 1)
		return map_get(n, key, len);
	if (!l->indexed)
		level_index(l);
	for (j = h & (l->nslot - 1); l->slot[j] != 0;
	    j = (j + 1) & (l->nslot - 1)) {
		k = n->keys[l->slot[j] - 1];
		if (k->slen == len && memcmp(k->s, key, len) == 0)
			return n->items[l->slot[j] - 1];
	}
	return NULL;
}

/* Returns what token k's name resolves to on the stack, or NULL. */
static const struct ynode *
lookup(struct mrender *r, const struct mtpl *t, const struct mtok *k)
{
	const struct ynode *v = NULL;
	const char *name = t->src + k->off, *e = name + k->len, *dot;
	size_t i, plen;

	if (k->len == 1 && name[0] == '.')
		return r->nctx > 0 ? r->ctx[r->nctx - 1].v : NULL;
	for (i = r->nctx; i > 0 && v == NULL; i--)
		v = level_get(&r->ctx[i - 1], name, k->plen, k->h);
	dot = k->plen < k->len ? name + k->plen : NULL;
	while (v != NULL && dot != NULL) {
		name = dot + 1;
		dot = memchr(name, '.', (size_t)(e - name));
		plen = dot != NULL ? (size_t)(dot - name) : (size_t)(e - name);
		v = map_get(v, name, plen);
	}
	return v;
}

/* Returns 1 if a section over v renders (null, false, [] do not). */
static int
truthy(const struct ynode *v)
{
	if (v == NULL)
		return 0;
	switch (v->type) {
	case Y_NULL:
		return 0;
	case Y_BOOL:
		return v->b != 0;
	case Y_SEQ:
		return v->n > 0;
	default:
		return 1;
	}
}

/* Returns 1 if s (len bytes) is -?(0|[1-9][0-9]*). */
static int
canonical_int(const char *s, size_t len)
{
	size_t i = 0;

	if (s == NULL)
		return 0;
	if (i < len && s[i] == '-')
		i++;
	if (i == len)
		return 0;
	if (s[i] == '0')
		return i + 1 == len;
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Returns the length of the shortest %.15g-%.17g text that reads back as d. */
static int
fmt_double(char *out, size_t size, double d)
{
	int prec, n = 0;

	for (prec = 15; prec <= 17; prec++) {
		n = snprintf(out, size, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	return n;
}

/* Writes s (len bytes), escaped when esc. */
static void
put_esc(struct buf *out, const char *s, size_t len, int esc)
{
	size_t i, from = 0;
	const char *x;

	if (!esc) {
		buf_put(out, s, len);
		return;
	}
	for (i = 0; i < len; i++) {
		i += html_plain_span(s + i, len - i, 1);
		if (i == len)
			break;
		x = esc_tab[(unsigned char)s[i]];
		buf_put(out, s + from, i - from);
		buf_puts(out, x);
		from = i + 1;
	}
	buf_put(out, s + from, len - from);
}

/* Writes a scalar's text; maps and sequences write nothing. */
static void
put_value(struct buf *out, const struct ynode *v, int esc)
{
	char num[64];
	int n;

	if (v == NULL)
		return;
	switch (v->type) {
	case Y_BOOL:
		if (v->b)
			BUF_PUTSL(out, "true");
		else
			BUF_PUTSL(out, "false");
		break;
	case Y_INT:
		if (canonical_int(v->s, v->slen))
			buf_put(out, v->s, v->slen);
		else if (fabs(v->num) < 9.2e18)
			buf_printf(out, "%lld", (long long)v->num);
		else if ((n = fmt_double(num, sizeof(num), v->num)) > 0)
			buf_put(out, num, (size_t)n);
		break;
	case Y_FLOAT:
		if (isfinite(v->num)) {
			n = fmt_double(num, sizeof(num), v->num);
			if (n > 0)
				buf_put(out, num, (size_t)n);
		} else if (v->s != NULL)
			put_esc(out, v->s, v->slen, esc);
		break;
	case Y_STR:
		if (v->s != NULL)
			put_esc(out, v->s, v->slen, esc);
		break;
	default:
		break;
	}
}

/* Writes text, indenting every line after the first by indent. */
static void
put_text(struct buf *out, const char *s, size_t len, const char *indent,
    size_t ilen)
{
	const char *nl, *e = s + len;

	if (ilen == 0) {
		buf_put(out, s, len);
		return;
	}
	while ((nl = memchr(s, '\n', (size_t)(e - s))) != NULL &&
	    nl + 1 < e) {
		buf_put(out, s, (size_t)(nl + 1 - s));
		buf_put(out, indent, ilen);
		s = nl + 1;
	}
	buf_put(out, s, (size_t)(e - s));
}

/* Pushes v onto the context stack. */
static void
ctx_push(struct mrender *r, const struct ynode *v)
{
	if (r->nctx == r->capctx) {
		r->capctx = r->capctx ? r->capctx * 2 : 16;
		r->ctx = xreallocarray(r->ctx, r->capctx, sizeof(*r->ctx));
		memset(r->ctx + r->nctx, 0, (r->capctx - r->nctx) *
		    sizeof(*r->ctx));
	}
	r->ctx[r->nctx].v = v;
	r->ctx[r->nctx++].indexed = 0;
}

static void render(struct mrender *, const struct mtpl *, size_t, size_t,
    const char *, size_t);

/* Renders the section body (i, end] once per element of v. */
static void
render_section(struct mrender *r, const struct mtpl *t, size_t i,
    const struct ynode *v, const char *indent, size_t ilen)
{
	size_t j, end = t->tok[i].end;

	if (v->type != Y_SEQ) {
		ctx_push(r, v);
		render(r, t, i + 1, end + 1, indent, ilen);
		r->nctx--;
		return;
	}
	for (j = 0; j < v->n && !r->blown; j++) {
		struct arena *a = NULL;
		const struct ynode *it;
		if (v->lazy != NULL) {
			a = arena_new();
			it = v->lazy->item(v->lazy->arg, j, a);
		} else
			it = v->items[j];
		if (it != NULL) {
			ctx_push(r, it);
			render(r, t, i + 1, end + 1, indent, ilen);
			r->nctx--;
		}
		if (a != NULL)
			arena_free(a);
	}
}

/* Renders the partial named by token k. */
static void
render_partial(struct mrender *r, const struct mtpl *t, const struct mtok *k,
    const char *indent, size_t ilen)
{
	const struct mtpl *p;
	char *both = NULL;

	if ((p = tpl_find(r->m, t->src + k->off, k->len)) == NULL)
		return;
	/* Only runaway recursion gets this deep: fail, do not truncate. */
	if (r->partials >= MU_MAX_PARTIAL) {
		r->blown = 1;
		return;
	}
	/*
	 * The spec indents the partial's source by the standalone tag's
	 * blanks; inside an indented partial that adds to the outer
	 * indentation.  An inline partial's lines are not indented.
	 */
	if (!k->standalone)
		ilen = 0;
	else if (k->ilen > 0 && ilen > 0) {
		both = xmalloc(ilen + k->ilen);
		memcpy(both, indent, ilen);
		memcpy(both + ilen, t->src + k->ioff, k->ilen);
		indent = both;
		ilen += k->ilen;
	} else if (k->ilen > 0) {
		indent = t->src + k->ioff;
		ilen = k->ilen;
	}
	r->partials++;
	render(r, p, 0, p->n, indent, ilen);
	r->partials--;
	free(both);
}

/* Renders tokens [from, to) of t. */
static void
render(struct mrender *r, const struct mtpl *t, size_t from, size_t to,
    const char *indent, size_t ilen)
{
	const struct mtok *k;
	const struct ynode *v;
	size_t i;

	if (r->depth >= MU_MAX_DEPTH) {
		r->blown = 1;
		return;
	}
	r->depth++;
	for (i = from; i < to && !r->blown; i++) {
		k = &t->tok[i];
		if (++r->steps > MU_MAX_STEPS ||
		    r->out->len - r->out0 + r->flushed > MU_MAX_OUT) {
			r->blown = 1;
			break;
		}
		if (r->flush != NULL && r->out->len - r->out0 > MU_FLUSH) {
			if (r->flush(r->farg, r->out->data + r->out0,
			    r->out->len - r->out0) == -1) {
				r->blown = 1;
				break;
			}
			r->flushed += r->out->len - r->out0;
			r->out->len = r->out0;
		}
		if (k->bol && ilen > 0)
			buf_put(r->out, indent, ilen);
		switch (k->type) {
		case MT_TEXT:
			put_text(r->out, t->src + k->off, k->len, indent,
			    ilen);
			break;
		case MT_VAR:
		case MT_RAW:
			put_value(r->out, lookup(r, t, k), k->type == MT_VAR);
			break;
		case MT_SECTION:
			v = lookup(r, t, k);
			if (truthy(v))
				render_section(r, t, i, v, indent, ilen);
			i = k->end;
			break;
		case MT_INVERTED:
			v = lookup(r, t, k);
			if (!truthy(v))
				render(r, t, i + 1, k->end + 1, indent, ilen);
			i = k->end;
			break;
		case MT_PARTIAL:
			render_partial(r, t, k, indent, ilen);
			break;
		case MT_CLOSE:
		case MT_NOP:
			break;
		}
	}
	r->depth--;
}

/*
 * Returns 0 with the template appended to out, or -1 if there is no such
 * template or the render hit a limit (partials 64 deep, or its effort
 * budget); out then holds a truncated page.
 */
int
mustache_render(const struct mustache *m, const char *name,
    const struct ynode *ctx, struct buf *out)
{
	return mustache_render_stream(m, name, ctx, out, NULL, NULL);
}

/*
 * The same, handing the output to flush(arg, bytes, n) as it goes (a
 * site page over 10,000 runbooks is tens of megabytes); what is left at
 * the end stays in out.  -1 also if flush() failed.
 */
int
mustache_render_stream(const struct mustache *m, const char *name,
    const struct ynode *ctx, struct buf *out,
    int (*flush)(void *, const char *, size_t), void *arg)
{
	struct mrender r;
	const struct mtpl *t;
	size_t i;

	if ((t = tpl_find(m, name, strlen(name))) == NULL)
		return -1;
	memset(&r, 0, sizeof(r));
	r.m = m;
	r.out = out;
	r.out0 = out->len;
	r.flush = flush;
	r.farg = arg;
	if (ctx != NULL)
		ctx_push(&r, ctx);
	render(&r, t, 0, t->n, "", 0);
	for (i = 0; i < r.capctx; i++)
		free(r.ctx[i].slot);
	free(r.ctx);
	buf_cstr(out);
	return r.blown ? -1 : 0;
}
