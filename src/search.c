/*
 * The search index, in parts that search.js loads as it needs them, each
 * a script (so that it works from file://, where nothing can be fetched):
 *
 *   _rbc/search/index.js   window.RBC_SEARCH_INDEX = {"v":1, "n": runbooks,
 *                          "d": [first runbook of each doc part],
 *                          "t": [first word of each word part]}
 *   _rbc/search/dK.js      rbcSearchPart("d", K, [[title, href, service,
 *                          summary, [headings], [alerts], [shown]], ...])
 *   _rbc/search/tK.js      rbcSearchPart("t", K, {"word": [postings]})
 *
 * Runbooks are numbered in the site's order.  A word's postings are one
 * number per runbook that has it: the distance from the previous
 * runbook (the first: its number) times 16, plus the best field it was
 * found in (enum term_field).  Words are in code point order and each
 * word part holds a range of them, so that a word, or the words a prefix
 * begins, are in one part or a few consecutive ones.
 *
 * Where parts begin depends on nothing but the runbooks' order and the
 * words themselves: a doc part holds DOC_GROUP runbooks, and a word part
 * begins at each word whose hash is a multiple of TERM_CUT.  So an edit
 * changes only the parts of the runbooks and words it touched, and a
 * rebuild rewrites those and links the rest (search_update), giving the
 * bytes a clean build gives.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Runbooks a doc part holds (some 30 kB). */
#define DOC_GROUP	16
/* A word part begins at one word in TERM_CUT, and at each word found in
 * HEAVY runbooks or more, so that no part holds many of those (a part is
 * some 40 kB, the largest of 10,000 runbooks some 400 kB). */
#define TERM_CUT	64
#define HEAVY		1000
/* Runbooks whose words a rebuild updates the index for: past this, the
 * index is written anew. */
#define UPDATE_MAX	64

struct gterm {
	uint32_t	 off, len;	/* in names */
	uint32_t	 prev;		/* the runbook last written */
	uint32_t	 last;		/* pending runbook, or NONE */
	uint8_t		 lastf;		/* and its field */
	unsigned char	*p;		/* postings, as varints */
	uint32_t	 plen, pcap;
	uint32_t	 df;		/* postings */
};
#define NONE	UINT32_MAX

struct aslot {
	uint32_t	 i;		/* term index + 1, 0 for empty */
	uint32_t	 hash;
};

struct agg {
	struct buf	 names;
	struct gterm	*t;
	uint32_t	*hash;		/* of each term */
	size_t		 n, cap;
	struct aslot	*slot;
	size_t		 nslot;
	uint32_t	 doc;
	int		 field;
};

static void
put_posting(struct gterm *g)
{
	uint64_t v = ((uint64_t)(g->last - (g->prev == NONE ? 0 : g->prev))
	    << 4) | g->lastf;

	if (g->plen + 10 > g->pcap) {
		/* By half: the postings are most of the index's memory. */
		g->pcap = g->pcap ? g->pcap + g->pcap / 2 : 16;
		g->p = xrealloc(g->p, g->pcap);
	}
	g->plen += (uint32_t)put_var(g->p + g->plen, v);
	g->df++;
	g->prev = g->last;
	g->last = NONE;
}

static void
agg_rehash(struct agg *a)
{
	size_t ns = a->nslot ? a->nslot * 2 : 4096, i, j;
	struct aslot *slot = xcalloc(ns, sizeof(*slot));

	for (i = 0; i < a->n; i++) {
		j = a->hash[i] & (ns - 1);
		while (slot[j].i != 0)
			j = (j + 1) & (ns - 1);
		slot[j].i = (uint32_t)i + 1;
		slot[j].hash = a->hash[i];
	}
	free(a->slot);
	a->slot = slot;
	a->nslot = ns;
}

/* Whether words a and b of n bytes, each with eight more bytes readable,
 * are the same: most words are eight bytes or less. */
static int
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n > 8)
		return memcmp(a, b, n) == 0;
	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	return n == 0 || ((x ^ y) & (~(uint64_t)0 >> (64 - 8 * n))) == 0;
}

/* Runbook a->doc has word w (n bytes, eight more readable) in field f. */
static void
agg_add(struct agg *a, const char *w, size_t n, int f)
{
	struct gterm *g;
	uint32_t h;
	size_t j;

	if (n == 0 || n > 256)
		return;
	if ((a->n + 1) * 2 > a->nslot)
		agg_rehash(a);
	h = terms_hash(w, n);
	j = h & (a->nslot - 1);
	while (a->slot[j].i != 0) {
		if (a->slot[j].hash == h) {
			g = &a->t[a->slot[j].i - 1];
			if (g->len == n && same(a->names.data + g->off, w, n))
				goto found;
		}
		j = (j + 1) & (a->nslot - 1);
	}
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 4096;
		a->t = xreallocarray(a->t, a->cap, sizeof(*a->t));
		a->hash = xreallocarray(a->hash, a->cap, sizeof(*a->hash));
	}
	a->hash[a->n] = h;
	g = &a->t[a->n];
	memset(g, 0, sizeof(*g));
	g->off = (uint32_t)a->names.len;
	g->len = (uint32_t)n;
	g->prev = g->last = NONE;
	buf_put(&a->names, w, n);
	buf_grow(&a->names, 8);		/* for same() */
	a->slot[j].i = (uint32_t)++a->n;
	a->slot[j].hash = h;
found:
	if (g->last == a->doc) {
		if (f < g->lastf)
			g->lastf = (uint8_t)f;
		return;
	}
	if (g->last != NONE)
		put_posting(g);
	g->last = a->doc;
	g->lastf = (uint8_t)f;
}

static void
agg_word(void *arg, const char *w, size_t n)
{
	struct agg *a = arg;

	agg_add(a, w, n, a->field);
}

/* A word to sort: its bytes and its index.  Byte order is code point
 * order, which search.js compares by too. */
struct sword {
	const char	*s;
	uint32_t	 len, i;
};

static int
term_cmp(const void *x, const void *y)
{
	const struct sword *a = x, *b = y;
	int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);

	return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

static void
js_str(struct buf *b, const char *s, size_t n)
{
	json_esc(b, s != NULL ? s : "", s != NULL ? n : 0, 1);
}

static void
js_cstr(struct buf *b, const char *s)
{
	js_str(b, s, s != NULL ? strlen(s) : 0);
}

typedef int (*put_fn)(void *, const char *, const struct buf *, int);

static int
put_part(put_fn put, void *arg, char kind, size_t k, struct buf *o)
{
	char rel[64];

	BUF_PUTSL(o, ");\n");
	snprintf(rel, sizeof(rel), RBC_DIR "/search/%c%zu.js", kind, k);
	return put(arg, rel, o, 0);
}

/* The doc part's entry of runbook r, whose terms blob is t (n bytes). */
static void
doc_entry(struct buf *o, const struct site *s, const struct runbook *r,
    const char *t, size_t n, struct buf *u)
{
	const char *e = t + n, *p, *lead = NULL, *summary = r->summary;
	size_t k, na, nh;
	const int *ai;

	BUF_PUTSL(o, "[");
	js_cstr(o, r->title);
	buf_putc(o, ',');
	buf_reset(u);
	href_path(u, r->page);
	BUF_PUTSL(u, ".html");
	js_str(o, u->data, u->len);
	buf_putc(o, ',');
	js_cstr(o, r->service);
	buf_putc(o, ',');
	for (p = t; p < e && *p != '\0'; p += strlen(p) + 1)
		if (*p == 'l')
			lead = p + 1;
	js_cstr(o, summary != NULL && *summary != '\0' ? summary : lead);
	BUF_PUTSL(o, ",[");
	for (k = 0, nh = 0; k < r->nheads; k++) {
		if (r->heads[k].level == 0)	/* an anchor's id */
			continue;
		if (nh++)
			buf_putc(o, ',');
		js_cstr(o, r->heads[k].text);
	}
	BUF_PUTSL(o, "],[");
	if (s->alerts.configured) {
		ai = alerts_of(s, r, &na);
		for (k = 0; k < na; k++) {
			if (k)
				buf_putc(o, ',');
			js_cstr(o, s->alerts.v[ai[k]].name);
		}
	}
	BUF_PUTSL(o, "],[");
	for (p = t, k = 0; p < e && *p != '\0'; p += strlen(p) + 1)
		if (*p != 'l') {
			if (k++)
				buf_putc(o, ',');
			js_cstr(o, p);
		}
	BUF_PUTSL(o, "]]");
}

/* Whether word w (n bytes, eight more readable), in df runbooks, begins
 * a word part. */
static int
is_cut(const char *w, size_t n, size_t df)
{
	return df >= HEAVY || (terms_hash(w, n) >> 20) % TERM_CUT == 0;
}

/* Runbook r's terms blob into t (terms_collect's format), with eight
 * bytes to spare past its end. */
static void
doc_terms(const struct site *s, const struct runbook *r,
    html_terms_fn terms, void *targ, struct buf *t)
{
	buf_reset(t);
	if (terms == NULL || !r->light || terms(targ, r, t) == -1) {
		buf_reset(t);
		terms_collect(s, r, t);
	}
	buf_grow(t, 8);
}

/* Where the words of blob t (n bytes) begin: past the shown lines. */
static const char *
blob_words(const char *t, size_t n)
{
	const char *p = t, *e = t + n;

	while (p < e && *p != '\0')
		p += strlen(p) + 1;
	return p < e ? p + 1 : e;
}

/* Calls fn(arg, word, len, field) for each word of blob t (n bytes). */
static void
blob_each(const char *t, size_t n, void (*fn)(void *, const char *, size_t,
    int), void *arg)
{
	const char *p = blob_words(t, n), *e = t + n;

	for (; e - p >= 2 && (size_t)(e - p) >= 2u + (unsigned char)p[1];
	    p += 2 + (unsigned char)p[1])
		if (*p >= '0' && *p < '0' + TF__N)
			fn(arg, p + 2, (unsigned char)p[1], *p - '0');
}

static void
agg_blob(void *arg, const char *w, size_t n, int f)
{
	agg_add(arg, w, n, f);
}

/* Gathers into a, as runbook doc, runbook r's words: those of its terms
 * blob t, and its alerts' names. */
static void
agg_doc(struct agg *a, uint32_t doc, const struct site *s,
    const struct runbook *r, const struct buf *t)
{
	size_t k, na;
	const int *ai;

	a->doc = doc;
	blob_each(t->data, t->len, agg_blob, a);
	if (s->alerts.configured) {
		ai = alerts_of(s, r, &na);
		a->field = TF_ALERT;
		for (k = 0; k < na; k++) {
			const char *nm = s->alerts.v[ai[k]].name;
			terms_words(nm, strlen(nm), agg_word, a);
		}
	}
}

static void
agg_free(struct agg *a)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		free(a->t[i].p);
	free(a->t);
	free(a->hash);
	free(a->slot);
	buf_free(&a->names);
}

/* Appends a word part's entry: the word, then its postings (varints
 * p..p + plen) as numbers. */
static void
term_entry(struct buf *o, const char *w, size_t n, const unsigned char *p,
    size_t plen)
{
	struct rd rd;
	size_t k;

	js_str(o, w, n);
	BUF_PUTSL(o, ":[");
	rd.p = p;
	rd.end = p + plen;
	rd.a = NULL;
	rd.bad = 0;
	rd.inplace = 0;
	buf_grow(o, plen * 4 + 16);
	for (k = 0; rd.p < rd.end && !rd.bad; k++) {
		char d[24];
		size_t dn = 0;
		uint64_t v = rd_var(&rd);

		if (k)
			o->data[o->len++] = ',';
		do
			d[dn++] = (char)('0' + v % 10);
		while ((v /= 10) != 0);
		while (dn > 0)
			o->data[o->len++] = d[--dn];
	}
	buf_putc(o, ']');
}

/*
 * Writes doc part g (runbooks g * DOC_GROUP on) through put; with a,
 * gathers their words into it too.  t and u are scratch.  0 or -1.
 */
static int
doc_part(const struct site *s, html_terms_fn terms, void *targ, size_t g,
    struct agg *a, struct buf *o, struct buf *t, struct buf *u, put_fn put,
    void *arg)
{
	size_t i, end = (g + 1) * DOC_GROUP;

	buf_reset(o);
	buf_printf(o, "rbcSearchPart(\"d\",%zu,[\n", g);
	for (i = g * DOC_GROUP; i < end && i < s->n; i++) {
		const struct runbook *r = s->rb[i];

		doc_terms(s, r, terms, targ, t);
		if (a != NULL)
			agg_doc(a, (uint32_t)i, s, r, t);
		if (i > g * DOC_GROUP)
			BUF_PUTSL(o, ",\n");
		doc_entry(o, s, r, t->data, t->len, u);
	}
	BUF_PUTSL(o, "]");
	return put_part(put, arg, 'd', g, o);
}

/* The manifest: the runbooks, the doc parts' first runbooks and the word
 * parts' first words (first[k], flen[k]; the first part's is ""). */
static int
manifest(const struct site *s, char *const *first, const size_t *flen,
    size_t nt, put_fn put, void *arg)
{
	struct buf man = { NULL, 0, 0 };
	size_t k, nd = (s->n + DOC_GROUP - 1) / DOC_GROUP;
	int rc;

	buf_printf(&man, "window.RBC_SEARCH_INDEX = {\"v\":1,\"n\":%zu,"
	    "\"d\":[", s->n);
	for (k = 0; k < nd; k++)
		buf_printf(&man, k ? ",%zu" : "%zu", k * DOC_GROUP);
	BUF_PUTSL(&man, "],\"t\":[");
	for (k = 0; k < nt; k++) {
		if (k)
			buf_putc(&man, ',');
		if (k == 0)
			BUF_PUTSL(&man, "\"\"");
		else
			js_str(&man, first[k], flen[k]);
	}
	BUF_PUTSL(&man, "]};\n");
	rc = put(arg, RBC_DIR "/search/index.js", &man, 0);
	buf_free(&man);
	return rc;
}

/*
 * Writes the search index of every runbook of s whole through put (paths
 * under html/), each runbook's words from terms(arg, r, out) (NULL, or a
 * runbook it cannot answer for: terms_collect).  Returns 0 or -1.
 */
static int
search_whole(const struct site *s, html_terms_fn terms, void *targ,
    put_fn put, void *arg)
{
	struct agg a;
	struct buf o = { NULL, 0, 0 }, t = { NULL, 0, 0 }, u = { NULL, 0, 0 };
	struct sword *order = NULL;
	char **first = NULL;
	size_t i, g, nt = 0, *flen = NULL;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	for (g = 0; g * DOC_GROUP < s->n; g++)
		if (doc_part(s, terms, targ, g, &a, &o, &t, &u, put, arg) ==
		    -1)
			goto out;
	/* The words, in order, cut into parts. */
	order = xreallocarray(NULL, a.n ? a.n : 1, sizeof(*order));
	for (i = 0; i < a.n; i++) {
		if (a.t[i].last != NONE)
			put_posting(&a.t[i]);
		order[i].s = a.names.data + a.t[i].off;
		order[i].len = a.t[i].len;
		order[i].i = (uint32_t)i;
	}
	qsort(order, a.n, sizeof(*order), term_cmp);
	buf_reset(&o);
	for (i = 0; i < a.n; i++) {
		const struct gterm *gt = &a.t[order[i].i];

		if (i == 0 || is_cut(order[i].s, order[i].len, gt->df)) {
			if (i > 0) {
				BUF_PUTSL(&o, "}");
				if (put_part(put, arg, 't', nt - 1, &o) == -1)
					goto out;
				buf_reset(&o);
			}
			first = xreallocarray(first, nt + 1, sizeof(*first));
			flen = xreallocarray(flen, nt + 1, sizeof(*flen));
			first[nt] = (char *)(uintptr_t)order[i].s;
			flen[nt] = order[i].len;
			buf_printf(&o, "rbcSearchPart(\"t\",%zu,{\n", nt++);
		} else
			BUF_PUTSL(&o, ",\n");
		term_entry(&o, order[i].s, order[i].len, gt->p, gt->plen);
	}
	if (nt > 0) {
		BUF_PUTSL(&o, "}");
		if (put_part(put, arg, 't', nt - 1, &o) == -1)
			goto out;
	}
	rc = manifest(s, first, flen, nt, put, arg);
out:
	agg_free(&a);
	free(order);
	free(first);
	free(flen);
	buf_free(&o);
	buf_free(&t);
	buf_free(&u);
	return rc;
}

/* ------------------------------------------------------------ a rebuild */

/* Reading back what search_write wrote: a cursor over its bytes. */
struct cur {
	const char	*p, *e;
	int		 bad;
};

static void
lit(struct cur *c, const char *s, size_t n)
{
	if (c->bad || (size_t)(c->e - c->p) < n || memcmp(c->p, s, n) != 0)
		c->bad = 1;
	else
		c->p += n;
}
#define LIT(c, s)	lit((c), "" s, sizeof(s) - 1)

static uint64_t
num(struct cur *c)
{
	uint64_t v = 0;
	const char *from = c->p;

	while (!c->bad && c->p < c->e && *c->p >= '0' && *c->p <= '9' &&
	    c->p - from < 15)
		v = v * 10 + (uint64_t)(*c->p++ - '0');
	if (c->p == from)
		c->bad = 1;
	return v;
}

/* A word as search_write writes it: quoted, nothing escaped (a word has
 * no character json_esc changes; one that has is refused). */
static void
qword(struct cur *c, const char **w, size_t *n)
{
	const char *q;

	LIT(c, "\"");
	if (c->bad)
		return;
	for (q = c->p; q < c->e && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20 || *q == '<' ||
		    *q == '>' || *q == '&')
			break;
	if (q == c->e || *q != '"' || q - c->p > 256) {
		c->bad = 1;
		return;
	}
	*w = c->p;
	*n = (size_t)(q - c->p);
	c->p = q + 1;
}

static int
word_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	return c != 0 ? c : (an > bn) - (an < bn);
}

/* A word whose field in a changed runbook changed: the runbook, and the
 * field it has now, or -1 for none. */
struct change {
	const char	*w;		/* eight more bytes readable */
	size_t		 n;
	uint32_t	 doc;
	int		 f;
};

static int
change_cmp(const void *x, const void *y)
{
	const struct change *a = x, *b = y;
	int c = word_cmp(a->w, a->n, b->w, b->n);

	return c != 0 ? c : (a->doc > b->doc) - (a->doc < b->doc);
}

/* A runbook's words and their fields (its blob t's and its alerts'), as
 * a one-runbook agg. */
static void
doc_words(struct agg *a, const struct site *s, const struct runbook *r,
    const struct buf *t)
{
	memset(a, 0, sizeof(*a));
	agg_doc(a, 0, s, r, t);
}

static const struct gterm *
agg_find(const struct agg *a, const char *w, size_t n)
{
	uint32_t h;
	size_t j;

	if (a->nslot == 0)
		return NULL;
	h = terms_hash(w, n);
	for (j = h & (a->nslot - 1); a->slot[j].i != 0;
	    j = (j + 1) & (a->nslot - 1))
		if (a->slot[j].hash == h) {
			const struct gterm *g = &a->t[a->slot[j].i - 1];
			if (g->len == n && same(a->names.data + g->off, w, n))
				return g;
		}
	return NULL;
}

/* The changes of old runbook words o against new ones w, appended. */
static void
diff_words(struct change **v, size_t *nv, const struct agg *o,
    const struct agg *w, uint32_t doc)
{
	const struct gterm *g, *h;
	size_t i;

	for (i = 0; i < w->n; i++) {
		g = &w->t[i];
		h = agg_find(o, w->names.data + g->off, g->len);
		if (h != NULL && h->lastf == g->lastf)
			continue;
		*v = xreallocarray(*v, *nv + 1, sizeof(**v));
		(*v)[*nv].w = w->names.data + g->off;
		(*v)[*nv].n = g->len;
		(*v)[*nv].doc = doc;
		(*v)[(*nv)++].f = g->lastf;
	}
	for (i = 0; i < o->n; i++) {
		g = &o->t[i];
		if (agg_find(w, o->names.data + g->off, g->len) != NULL)
			continue;
		*v = xreallocarray(*v, *nv + 1, sizeof(**v));
		(*v)[*nv].w = o->names.data + g->off;
		(*v)[*nv].n = g->len;
		(*v)[*nv].doc = doc;
		(*v)[(*nv)++].f = -1;
	}
}

/* A posting: a runbook and its field. */
struct post {
	uint32_t	 doc;
	int		 f;
};

/*
 * Word w's entry (postings text p..e as written) with changes c[0..nc)
 * applied, appended to o; its postings count in *df.  0, or -1 if the
 * old postings make no sense.
 */
static int
patch_entry(struct buf *o, const char *w, size_t n, const char *p,
    const char *e, const struct change *c, size_t nc, size_t ndocs,
    size_t *df)
{
	struct post *v = NULL;
	struct cur cu = { p, e, 0 };
	unsigned char var[10];
	size_t nv = 0, i, k, m;
	uint64_t doc = 0, x;
	int first = 1;

	while (cu.p < cu.e && !cu.bad) {
		if (!first)
			LIT(&cu, ",");
		x = num(&cu);
		if (cu.bad || (!first && x >> 4 == 0) || (x & 15) >= TF__N ||
		    (doc += x >> 4) >= ndocs)
			goto bad;
		v = xreallocarray(v, nv + 1, sizeof(*v));
		v[nv].doc = (uint32_t)doc;
		v[nv++].f = (int)(x & 15);
		first = 0;
	}
	if (cu.bad)
		goto bad;
	for (k = 0; k < nc; k++) {
		for (i = 0; i < nv && v[i].doc < c[k].doc; i++)
			;
		if (i < nv && v[i].doc == c[k].doc) {
			memmove(v + i, v + i + 1, (nv - i - 1) * sizeof(*v));
			nv--;
		}
		if (c[k].f >= 0) {
			v = xreallocarray(v, nv + 1, sizeof(*v));
			memmove(v + i + 1, v + i, (nv - i) * sizeof(*v));
			v[i].doc = c[k].doc;
			v[i].f = c[k].f;
			nv++;
		}
	}
	*df = nv;
	if (nv > 0) {
		struct buf pb = { NULL, 0, 0 };
		for (i = 0, doc = 0; i < nv; i++) {
			m = put_var(var, ((uint64_t)(v[i].doc - doc) << 4) |
			    (uint64_t)v[i].f);
			buf_put(&pb, var, m);
			doc = v[i].doc;
		}
		term_entry(o, w, n, (const unsigned char *)pb.data, pb.len);
		buf_free(&pb);
	}
	free(v);
	return 0;
bad:
	free(v);
	return -1;
}

/*
 * Whether the entry of word w (n bytes, in df runbooks), the part's
 * count-th, is not where a clean build puts it: the first of a part
 * (but the first part) must be first (the manifest's word, unchanged)
 * and begin a part; no other may.
 */
static int
patch_cut(const char *w, size_t n, size_t df, size_t count,
    const char *first, size_t flen)
{
	if (count > 0)
		return is_cut(w, n, df);
	return first != NULL && (word_cmp(w, n, first, flen) != 0 ||
	    !is_cut(w, n, df));
}

/*
 * Word part p of the previous build (f, its bytes) with changes
 * c[0..nc) applied, into o; first (flen bytes) is the word it must begin
 * with (NULL for the first part).  0, or 1 if the part would not be the
 * one a clean build makes (a part begins or ends elsewhere).
 */
static int
patch_part(struct buf *o, size_t p, const struct buf *f, const char *first,
    size_t flen, const struct change *c, size_t nc, size_t ndocs)
{
	struct cur cu = { f->data, f->data + f->len, 0 };
	const char *w = NULL, *ps = NULL, *pe = NULL;
	size_t n = 0, k = 0, j, at, df, count = 0;
	int done = 0;

	LIT(&cu, "rbcSearchPart(\"t\",");
	if (num(&cu) != p || cu.bad)
		return 1;
	LIT(&cu, ",{\n");
	buf_reset(o);
	buf_printf(o, "rbcSearchPart(\"t\",%zu,{\n", p);
	while (!cu.bad && (!done || k < nc)) {
		int cmp;

		if (!done && w == NULL) {
			qword(&cu, &w, &n);
			LIT(&cu, ":[");
			ps = cu.p;
			while (cu.p < cu.e && *cu.p != ']')
				cu.p++;
			pe = cu.p;
			LIT(&cu, "]");
			if (cu.bad)
				return 1;
		}
		cmp = done ? 1 : k == nc ? -1 : word_cmp(w, n, c[k].w, c[k].n);
		at = o->len;
		if (count > 0)
			BUF_PUTSL(o, ",\n");
		if (cmp < 0) {
			/* Untouched: as it was. */
			buf_put(o, w - 1, (size_t)(pe - w) + 2);
			df = 1;
			for (j = (size_t)(ps - w); j < (size_t)(pe - w); j++)
				df += w[j] == ',';
			if (patch_cut(w, n, df, count, first, flen))
				return 1;
		} else {
			for (j = k; j < nc && word_cmp(c[j].w, c[j].n,
			    c[k].w, c[k].n) == 0; j++)
				;
			if (patch_entry(o, c[k].w, c[k].n, cmp == 0 ? ps :
			    NULL, cmp == 0 ? pe : NULL, c + k, j - k, ndocs,
			    &df) == -1)
				return 1;
			if (df == 0)
				o->len = at;	/* gone */
			else if (patch_cut(c[k].w, c[k].n, df, count, first,
			    flen))
				return 1;
			k = j;
		}
		if (o->len > at)
			count++;
		if (cmp <= 0) {
			w = NULL;
			/* The next entry, or the part's end. */
			if (cu.p < cu.e && *cu.p == '}')
				done = 1;
			else
				LIT(&cu, ",\n");
		}
	}
	LIT(&cu, "});\n");
	if (cu.bad || cu.p != cu.e || count == 0)
		return 1;
	BUF_PUTSL(o, "}");
	BUF_PUTSL(o, ");\n");
	return 0;
}

/* Parts 0..n of kind made the previous build's, but the ones in
 * made[0..nmade) (in order), written anew: 0, or -1. */
static int
link_parts(const struct search_prev *prev, char kind, size_t n,
    const size_t *made, size_t nmade)
{
	char rel[64];
	size_t k, j;

	for (k = 0, j = 0; k < n; k++) {
		if (j < nmade && made[j] == k) {
			j++;
			continue;
		}
		snprintf(rel, sizeof(rel), RBC_DIR "/search/%c%zu.js", kind,
		    k);
		if (prev->link(prev->arg, rel) == -1)
			return -1;
	}
	return 0;
}

/*
 * Writes the search index of s as search_whole would, from the previous
 * build's (prev): the parts of the runbooks whose entries changed and of
 * the words whose postings changed are made again, every other file is
 * linked.  Returns 0, -1 (put or a link failed), or 1 when it cannot:
 * too many runbooks changed, the previous index is not there or not what
 * this one makes, or its parts would begin elsewhere.  Nothing is
 * written before it knows it can.
 */
static int
search_update(const struct site *s, html_terms_fn terms, void *targ,
    const struct search_prev *prev, put_fn put, void *arg)
{
	struct buf man = { NULL, 0, 0 }, t = { NULL, 0, 0 }, u = { NULL, 0, 0 };
	struct buf f = { NULL, 0, 0 }, *out = NULL;
	struct agg *ow = NULL, *nw = NULL;
	struct change *c = NULL;
	struct cur cu;
	const char **first = NULL;
	size_t *flen = NULL, *outp = NULL, *grp = NULL;
	size_t nt = 0, nd, nc = 0, nch = 0, nout = 0, ngrp = 0, i, k, j;
	uint32_t *docs = NULL;
	char rel[64];
	int rc = 1;

	/* The manifest: the same runbooks, the same doc parts. */
	if (s->n == 0 || prev->read(prev->arg, RBC_DIR "/search/index.js",
	    &man) == -1)
		goto out;
	nd = (s->n + DOC_GROUP - 1) / DOC_GROUP;
	cu.p = man.data;
	cu.e = man.data + man.len;
	cu.bad = 0;
	LIT(&cu, "window.RBC_SEARCH_INDEX = {\"v\":1,\"n\":");
	if (num(&cu) != s->n)
		goto out;
	LIT(&cu, ",\"d\":[");
	for (k = 0; k < nd && !cu.bad; k++) {
		if (k)
			LIT(&cu, ",");
		if (num(&cu) != k * DOC_GROUP)
			cu.bad = 1;
	}
	LIT(&cu, "],\"t\":[");
	while (!cu.bad && cu.p < cu.e && *cu.p != ']') {
		if (nt)
			LIT(&cu, ",");
		first = xreallocarray(first, nt + 1, sizeof(*first));
		flen = xreallocarray(flen, nt + 1, sizeof(*flen));
		qword(&cu, &first[nt], &flen[nt]);
		if (!cu.bad && (nt == 0 ? flen[0] != 0 : word_cmp(first[nt],
		    flen[nt], first[nt - 1], flen[nt - 1]) <= 0))
			cu.bad = 1;
		nt++;
	}
	LIT(&cu, "]};\n");
	if (cu.bad || cu.p != cu.e || nt == 0)
		goto out;

	/* The runbooks whose entries changed, and their words' changes. */
	for (i = 0; i < s->n; i++) {
		int ch;

		buf_reset(&f);
		if ((ch = prev->changed(prev->arg, i, &f)) == -1)
			goto out;
		if (ch == 0)
			continue;
		if (nch == UPDATE_MAX)
			goto out;
		docs = xreallocarray(docs, nch + 1, sizeof(*docs));
		ow = xreallocarray(ow, nch + 1, sizeof(*ow));
		nw = xreallocarray(nw, nch + 1, sizeof(*nw));
		docs[nch] = (uint32_t)i;
		buf_grow(&f, 8);
		doc_words(&ow[nch], s, s->rb[i], &f);
		doc_terms(s, s->rb[i], terms, targ, &t);
		doc_words(&nw[nch], s, s->rb[i], &t);
		diff_words(&c, &nc, &ow[nch], &nw[nch], (uint32_t)i);
		nch++;
	}
	if (nc > 1)
		qsort(c, nc, sizeof(*c), change_cmp);

	/* The word parts they fall in, made again. */
	for (k = 0; k < nc; k = j) {
		size_t p, lo = 0, hi = nt;

		/* The last part whose first word is not after it. */
		while (hi - lo > 1) {
			size_t mid = lo + (hi - lo) / 2;
			if (word_cmp(first[mid], flen[mid], c[k].w,
			    c[k].n) <= 0)
				lo = mid;
			else
				hi = mid;
		}
		p = lo;
		for (j = k; j < nc && (p + 1 == nt || word_cmp(c[j].w,
		    c[j].n, first[p + 1], flen[p + 1]) < 0); j++)
			;
		snprintf(rel, sizeof(rel), RBC_DIR "/search/t%zu.js", p);
		buf_reset(&f);
		if (prev->read(prev->arg, rel, &f) == -1)
			goto out;
		buf_grow(&f, 8);
		out = xreallocarray(out, nout + 1, sizeof(*out));
		outp = xreallocarray(outp, nout + 1, sizeof(*outp));
		memset(&out[nout], 0, sizeof(out[nout]));
		outp[nout] = p;
		if (patch_part(&out[nout++], p, &f, p > 0 ? first[p] : NULL,
		    p > 0 ? flen[p] : 0, c + k, j - k, s->n) != 0)
			goto out;
	}

	/* Written, then the rest linked. */
	rc = -1;
	/* put writes a new file, never through the previous build's. */
	for (k = 0; k < nout; k++) {
		snprintf(rel, sizeof(rel), RBC_DIR "/search/t%zu.js", outp[k]);
		if (put(arg, rel, &out[k], 0) == -1)
			goto out;
	}
	for (k = 0; k < nch; k++)
		if (ngrp == 0 || grp[ngrp - 1] != docs[k] / DOC_GROUP) {
			grp = xreallocarray(grp, ngrp + 1, sizeof(*grp));
			grp[ngrp] = docs[k] / DOC_GROUP;
			if (doc_part(s, terms, targ, grp[ngrp++], NULL, &f, &t,
			    &u, put, arg) == -1)
				goto out;
		}
	if (prev->link(prev->arg, RBC_DIR "/search/index.js") == -1 ||
	    link_parts(prev, 'd', nd, grp, ngrp) == -1 ||
	    link_parts(prev, 't', nt, outp, nout) == -1)
		goto out;
	rc = 0;
	if (getenv("RBC_TIMING") != NULL)
		fprintf(stderr, "rbc: search index updated: %zu runbooks, "
		    "%zu word parts, %zu doc parts made again\n", nch, nout,
		    ngrp);
out:
	for (k = 0; k < nch; k++) {
		agg_free(&ow[k]);
		agg_free(&nw[k]);
	}
	for (k = 0; k < nout; k++)
		buf_free(&out[k]);
	free(out);
	free(outp);
	free(grp);
	free(ow);
	free(nw);
	free(c);
	free(docs);
	free(first);
	free(flen);
	buf_free(&man);
	buf_free(&t);
	buf_free(&u);
	buf_free(&f);
	return rc;
}

/*
 * Writes the search index of s through put (paths under html/), each
 * runbook's words from terms (see search_whole).  With prev, from the
 * previous build's index where it can be (search_update); otherwise, or
 * when it cannot be, whole, prev's files first removed.  0 or -1.
 */
int
search_write(const struct site *s, html_terms_fn terms, void *targ,
    const struct search_prev *prev, put_fn put, void *arg)
{
	int u = prev != NULL ? search_update(s, terms, targ, prev, put, arg) :
	    1;

	if (u == 1 && prev != NULL && prev->clear(prev->arg) == -1)
		return -1;
	return u == 1 ? search_whole(s, terms, targ, put, arg) : u;
}
