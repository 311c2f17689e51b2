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
 * begins, are in one part or a few consecutive ones.  Parts are cut by
 * size: a small site has one of each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Bytes a part grows to before the next begins. */
#define DOC_PART	((size_t)24 << 10)
#define TERM_PART	((size_t)64 << 10)

struct gterm {
	uint32_t	 off, len;	/* in names */
	uint32_t	 prev;		/* the runbook last written */
	uint32_t	 last;		/* pending runbook, or NONE */
	uint8_t		 lastf;		/* and its field */
	unsigned char	*p;		/* postings, as varints */
	uint32_t	 plen, pcap;
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
	size_t k, na;
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
	for (k = 0; k < r->nheads; k++) {
		if (k)
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

/*
 * Writes the search index of every runbook of s through put (paths under
 * html/), each runbook's words from terms(arg, r, out) (NULL, or a
 * runbook it cannot answer for: terms_collect).  Returns 0 or -1.
 */
int
search_write(const struct site *s, html_terms_fn terms, void *targ,
    put_fn put, void *arg)
{
	struct agg a;
	struct buf o = { NULL, 0, 0 }, t = { NULL, 0, 0 }, u = { NULL, 0, 0 };
	struct buf man = { NULL, 0, 0 };
	struct sword *order = NULL;
	size_t i, k, nd = 0, nt = 0, *dstart = NULL, *tstart = NULL;
	int rc = -1;

	memset(&a, 0, sizeof(a));
	for (i = 0; i < s->n; i++) {
		const struct runbook *r = s->rb[i];
		const char *p, *e;
		size_t na;
		const int *ai;

		buf_reset(&t);
		if (terms == NULL || !r->light || terms(targ, r, &t) == -1) {
			buf_reset(&t);
			terms_collect(s, r, &t);
		}
		a.doc = (uint32_t)i;
		/* Eight bytes to spare past the last word (agg_add). */
		buf_grow(&t, 8);
		/* The shown lines, then a NUL, then the words. */
		for (p = t.data, e = t.data + t.len; p < e && *p != '\0';
		    p += strlen(p) + 1)
			;
		for (p++; e - p >= 2 && (size_t)(e - p) >= 2u +
		    (unsigned char)p[1]; p += 2 + (unsigned char)p[1])
			if (*p >= '0' && *p < '0' + TF__N)
				agg_add(&a, p + 2, (unsigned char)p[1],
				    *p - '0');
		if (s->alerts.configured) {
			ai = alerts_of(s, r, &na);
			a.field = TF_ALERT;
			for (k = 0; k < na; k++) {
				const char *nm = s->alerts.v[ai[k]].name;
				terms_words(nm, strlen(nm), agg_word, &a);
			}
		}
		if (o.len == 0) {
			dstart = xreallocarray(dstart, nd + 1, sizeof(*dstart));
			dstart[nd] = i;
			buf_printf(&o, "rbcSearchPart(\"d\",%zu,[\n", nd);
		} else
			BUF_PUTSL(&o, ",\n");
		doc_entry(&o, s, r, t.data, t.len, &u);
		if (o.len > DOC_PART || i + 1 == s->n) {
			BUF_PUTSL(&o, "]");
			if (put_part(put, arg, 'd', nd++, &o) == -1)
				goto out;
			buf_reset(&o);
		}
	}
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
		const struct gterm *g = &a.t[order[i].i];
		struct rd rd;

		if (o.len == 0) {
			tstart = xreallocarray(tstart, nt + 1, sizeof(*tstart));
			tstart[nt] = order[i].i;
			buf_printf(&o, "rbcSearchPart(\"t\",%zu,{\n", nt);
		} else
			BUF_PUTSL(&o, ",\n");
		js_str(&o, a.names.data + g->off, g->len);
		BUF_PUTSL(&o, ":[");
		rd.p = g->p;
		rd.end = g->p + g->plen;
		rd.a = NULL;
		rd.bad = 0;
		rd.inplace = 0;
		buf_grow(&o, (size_t)g->plen * 4 + 16);
		for (k = 0; rd.p < rd.end && !rd.bad; k++) {
			char d[24];
			size_t dn = 0;
			uint64_t v = rd_var(&rd);

			if (k)
				o.data[o.len++] = ',';
			do
				d[dn++] = (char)('0' + v % 10);
			while ((v /= 10) != 0);
			while (dn > 0)
				o.data[o.len++] = d[--dn];
		}
		buf_putc(&o, ']');
		if (o.len > TERM_PART || i + 1 == a.n) {
			BUF_PUTSL(&o, "}");
			if (put_part(put, arg, 't', nt++, &o) == -1)
				goto out;
			buf_reset(&o);
		}
	}
	buf_printf(&man, "window.RBC_SEARCH_INDEX = {\"v\":1,\"n\":%zu,"
	    "\"d\":[", s->n);
	for (k = 0; k < nd; k++)
		buf_printf(&man, k ? ",%zu" : "%zu", dstart[k]);
	BUF_PUTSL(&man, "],\"t\":[");
	for (k = 0; k < nt; k++) {
		if (k)
			buf_putc(&man, ',');
		if (k == 0)
			BUF_PUTSL(&man, "\"\"");
		else
			js_str(&man, a.names.data + a.t[tstart[k]].off,
			    a.t[tstart[k]].len);
	}
	BUF_PUTSL(&man, "]};\n");
	rc = put(arg, RBC_DIR "/search/index.js", &man, 0);
out:
	for (i = 0; i < a.n; i++)
		free(a.t[i].p);
	free(a.t);
	free(a.hash);
	free(a.slot);
	buf_free(&a.names);
	free(order);
	free(dstart);
	free(tstart);
	buf_free(&o);
	buf_free(&t);
	buf_free(&u);
	buf_free(&man);
	return rc;
}
