/*
 * The card's own PDF writer: the fast path of card.c.
 *
 * Cairo makes a PDF per card by reading, subsetting and compressing its
 * fonts anew each time, which was most of a card's cost.  A card's text
 * is, for nearly every runbook, in scripts that need no shaping (Latin,
 * Greek, Cyrillic) and common punctuation, so this file reads each of
 * the card's fonts once per process (struct pdffonts): the glyphs of a
 * fixed set of code points, without their hinting instructions, with
 * their metrics, kerning pairs and code points.  A page (struct pdfpage)
 * numbers the glyphs its text uses as card.c writes the content stream
 * (pdf_use), and pdf_page_end writes the document: for each font used, a
 * subset of just those glyphs (and the parts of composite ones), stored
 * as it is, since compressing it would cost more time than its bytes do;
 * then the page, its compressed content stream, the document information
 * and the QR codes' links.  A card with any character outside the set is
 * made by Cairo and Pango instead (card.c decides).
 *
 * The subsets are TrueType fonts (glyf outlines) embedded as
 * CIDFontType2 with Identity encoding, each glyph's width in /W and its
 * text in a /ToUnicode map, so that copying and pdftotext give the
 * card's text back.  Metrics come from the same font files that Pango
 * finds through fontconfig.
 *
 * Output is deterministic: glyphs are numbered in order of first use, a
 * subset's tag derives from its glyphs, no clock is read, and numbers are
 * printed without the locale.
 */

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cardlib.h"
#include "render.h"

#define FMAP		0x2200	/* code points below this map directly */
#define FONT_MAX	(32u << 20)	/* a larger font file is refused */

/* The tables a subset copies from its font as they are. */
enum ktab {
	T_OS2,
	T_CVT,
	T_FPGM,
	T_PREP,
	T_HEAD,
	T_HHEA,
	T_MAXP,
	T__MAX
};

static const char *const ktag[T__MAX] = {
	"OS/2", "cvt ", "fpgm", "prep", "head", "hhea", "maxp"
};

/*
 * A font as the fast path uses it: the glyphs of the covered code points
 * and their parts, numbered from 1 in code point order (0 is .notdef).
 */
struct pfont {
	uint16_t	 map[FMAP];	/* code point -> glyph (0: none) */
	uint16_t	 fffd;		/* U+FFFD's glyph */
	size_t		 ng;
	uint16_t	*adv;		/* advance of each glyph, font units */
	uint8_t		*hm;		/* its hmtx entry (4 bytes each) */
	uint32_t	*first;		/* its first code point, 0: none */
	struct buf	 gdata;		/* outlines, without instructions */
	size_t		*goff;		/* glyph g: gdata[goff[g]..goff[g+1]) */
	uint32_t	*kp;		/* kern pairs, left << 16 | right */
	int16_t		*kv;		/* their values, font units */
	size_t		 nk;
	double		 upem;
	double		 asc, desc;	/* ems, both positive */
	double		 cap;		/* ems */
	double		 bbox[4];	/* ems */
	struct buf	 tabs;		/* the tables copied as they are */
	size_t		 toff[T__MAX], tlen[T__MAX];	/* tlen 0: none */
	char		 name[64];	/* PostScript name */
};

struct pdffonts {
	struct pfont	 f[PDF_NFONTS];
};

/* A page's glyphs, numbered in order of first use (0 is .notdef). */
struct pdfpage {
	const struct pdffonts *pf;
	uint16_t	*id[PDF_NFONTS];	/* font glyph -> page's + 1 */
	uint16_t	*order[PDF_NFONTS];	/* page glyph -> font's */
	size_t		 n[PDF_NFONTS];
};

/* A font file, read whole. */
struct ttf {
	const uint8_t	*d;
	size_t		 n;
	const uint8_t	*loca, *glyf, *hmtx;
	size_t		 nloca, nglyf, nhmtx;
	unsigned	 nglyphs, nhm;
	int		 longloca;
};

/* Returns 1 if code point cp is in the subset every fast card uses. */
static int
covered(uint32_t cp)
{
	/* Scripts without shaping or combining marks: Latin (with the
	 * precomposed letters of Latin Extended Additional), Greek and
	 * Cyrillic; common punctuation. */
	return (cp >= 0x20 && cp <= 0x7e) ||
	    (cp >= 0xa0 && cp <= 0x24f && cp != 0xad) ||
	    (cp >= 0x370 && cp <= 0x3ff) ||
	    (cp >= 0x400 && cp <= 0x4ff && (cp < 0x483 || cp > 0x489)) ||
	    (cp >= 0x1e00 && cp <= 0x1fff) ||
	    (cp >= 0x2010 && cp <= 0x2027) ||
	    (cp >= 0x2030 && cp <= 0x203a) ||
	    cp == 0x20ac || cp == 0x2122 ||
	    (cp >= 0x2190 && cp <= 0x2193) || cp == 0xfffd;
}

static unsigned
u16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void
put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
buf_u16(struct buf *b, unsigned v)
{
	uint8_t t[2];

	put16(t, v);
	buf_put(b, t, 2);
}

/* Returns table tag of the font and its length in *len, or NULL. */
static const uint8_t *
table(const struct ttf *t, const char *tag, size_t *len)
{
	unsigned nt, i;

	*len = 0;
	if (t->n < 12)
		return NULL;
	nt = u16(t->d + 4);
	if (12 + 16 * (size_t)nt > t->n)
		return NULL;
	for (i = 0; i < nt; i++) {
		const uint8_t *e = t->d + 12 + 16 * (size_t)i;
		uint32_t off = u32_get(e + 8), ln = u32_get(e + 12);

		if (memcmp(e, tag, 4) != 0)
			continue;
		if (off > t->n || ln > t->n - off)
			return NULL;
		*len = ln;
		return t->d + off;
	}
	return NULL;
}

/* Returns the Unicode cmap subtable, format 12 or 4, or NULL. */
static const uint8_t *
cmap_sub(const struct ttf *t, size_t *slen)
{
	const uint8_t *cm, *best = NULL;
	size_t len, i, n;
	uint32_t off;
	unsigned pid, eid, fmt;

	if ((cm = table(t, "cmap", &len)) == NULL || len < 4)
		return NULL;
	n = u16(cm + 2);
	for (i = 0; i < n && 4 + 8 * i + 8 <= len; i++) {
		pid = u16(cm + 4 + 8 * i);
		eid = u16(cm + 6 + 8 * i);
		off = u32_get(cm + 8 + 8 * i);
		if (pid != 3 || (eid != 1 && eid != 10) || off + 4 > len)
			continue;
		fmt = u16(cm + off);
		if ((fmt == 12 && eid == 10) || (fmt == 4 && best == NULL)) {
			best = cm + off;
			*slen = len - off;
		}
	}
	return best;
}

/* Returns the glyph of code point cp in cmap subtable s, 0 for none. */
static unsigned
cmap_get(const uint8_t *s, size_t len, uint32_t cp)
{
	size_t seg2, i, n;
	unsigned end, start, ro, g;
	const uint8_t *rop;

	if (u16(s) == 12) {
		if (len < 16)
			return 0;
		n = u32_get(s + 12);
		for (i = 0; i < n && 16 + 12 * i + 12 <= len; i++) {
			const uint8_t *gp = s + 16 + 12 * i;

			if (cp >= u32_get(gp) && cp <= u32_get(gp + 4))
				return (unsigned)(u32_get(gp + 8) + cp - u32_get(gp)) &
				    0xffff;
		}
		return 0;
	}
	if (cp > 0xffff || len < 14)
		return 0;
	seg2 = u16(s + 6);
	if (16 + 4 * seg2 > len)
		return 0;
	for (i = 0; i < seg2; i += 2) {
		end = u16(s + 14 + i);
		if (cp > end)
			continue;
		start = u16(s + 16 + seg2 + i);
		if (cp < start)
			return 0;
		rop = s + 16 + 3 * seg2 + i;
		ro = u16(rop);
		if (ro == 0)
			return (cp + u16(s + 16 + 2 * seg2 + i)) & 0xffff;
		if ((size_t)(rop - s) + ro + 2 * (cp - start) + 2 > len)
			return 0;
		g = u16(rop + ro + 2 * (cp - start));
		return g == 0 ? 0 : (g + u16(s + 16 + 2 * seg2 + i)) & 0xffff;
	}
	return 0;
}

/* Returns glyph g's outline data and its length in *len (NULL: none). */
static const uint8_t *
glyph_data(const struct ttf *t, unsigned g, size_t *len)
{
	size_t a, b;

	*len = 0;
	if (g >= t->nglyphs)
		return NULL;
	if (t->longloca) {
		if (4 * (size_t)g + 8 > t->nloca)
			return NULL;
		a = u32_get(t->loca + 4 * g);
		b = u32_get(t->loca + 4 * g + 4);
	} else {
		if (2 * (size_t)g + 4 > t->nloca)
			return NULL;
		a = 2 * (size_t)u16(t->loca + 2 * g);
		b = 2 * (size_t)u16(t->loca + 2 * g + 2);
	}
	if (b < a || b > t->nglyf)
		return NULL;
	*len = b - a;
	return t->glyf + a;
}

static size_t component_size(unsigned);

/*
 * Calls fn on each component glyph index of composite glyph p (len bytes)
 * at its offset in p; returns -1 if the glyph is malformed.
 */
static int
components(const uint8_t *p, size_t len, void (*fn)(void *, size_t,
    unsigned), void *arg)
{
	size_t o = 10;
	unsigned fl;

	if (len < 10 || !(u16(p) & 0x8000))
		return 0;
	do {
		if (o + 4 > len)
			return -1;
		fl = u16(p + o);
		fn(arg, o + 2, u16(p + o + 2));
		o += component_size(fl);
	} while (fl & 0x20);
	return o <= len ? 0 : -1;
}

/* The subset being built: old glyph -> new, and the new glyphs' list. */
struct sub {
	int32_t		*newid;		/* by old glyph, -1: not in */
	unsigned	 nold;
	unsigned	*old;		/* by new glyph */
	size_t		 n;
};

static void
sub_add(struct sub *s, unsigned g)
{
	if (s->newid[g] != -1)
		return;
	s->newid[g] = (int32_t)s->n;
	s->old[s->n++] = g;
}

/* Returns the size of a composite glyph component with flags fl. */
static size_t
component_size(unsigned fl)
{
	return 4 + ((fl & 0x1) ? 4 : 2) + ((fl & 0x8) ? 2 : (fl & 0x40) ? 4 :
	    (fl & 0x80) ? 8 : 0);
}

/*
 * Appends glyph p (len bytes) to out without its hinting instructions
 * (a card is printed, not shown on a coarse grid), a composite's parts
 * renumbered by s.  A malformed glyph becomes an empty one.
 */
static void
glyph_put(struct buf *out, const uint8_t *p, size_t len, const struct sub *s)
{
	size_t nc, il, o = 10, at = out->len;
	unsigned fl, g;
	uint8_t *q;

	if (len < 10)
		return;
	if (!(u16(p) & 0x8000)) {
		nc = u16(p);
		if (12 + 2 * nc > len ||
		    (il = u16(p + 10 + 2 * nc)) > len - 12 - 2 * nc)
			return;
		buf_put(out, p, 10 + 2 * nc);
		buf_u16(out, 0);
		buf_put(out, p + 12 + 2 * nc + il, len - 12 - 2 * nc - il);
		return;
	}
	do {
		if (o + 4 > len)
			return;
		fl = u16(p + o);
		o += component_size(fl);
	} while (fl & 0x20);
	if (o > len)
		return;
	buf_put(out, p, o);
	q = (uint8_t *)out->data + at;
	o = 10;
	do {
		fl = u16(q + o);
		put16(q + o, fl & ~0x100u);
		g = u16(q + o + 2);
		put16(q + o + 2, g < s->nold && s->newid[g] >= 0 ?
		    (unsigned)s->newid[g] : 0);
		o += component_size(fl);
	} while (fl & 0x20);
}

/* Collects composite components: fn for components(). */
struct collect {
	struct sub	*s;
	unsigned	 nglyphs;
};

static void
collect_component(void *arg, size_t off, unsigned g)
{
	struct collect *c = arg;

	(void)off;
	if (g < c->nglyphs)
		sub_add(c->s, g);
}

/* Returns the sum of big-endian 32-bit words of p (padded with zeros). */
static uint32_t
checksum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	uint8_t t[4];
	size_t i;

	for (i = 0; i + 4 <= n; i += 4)
		sum += u32_get(p + i);
	if (i < n) {
		memset(t, 0, 4);
		memcpy(t, p + i, n - i);
		sum += u32_get(t);
	}
	return sum;
}

/* One table of the subset font. */
struct otab {
	char		 tag[5];
	const uint8_t	*p;
	size_t		 n;
};

static void
otab_add(struct otab *tb, size_t *n, const char *tag, const uint8_t *p,
    size_t len)
{
	memcpy(tb[*n].tag, tag, 5);
	tb[*n].p = p;
	tb[*n].n = len;
	(*n)++;
}

static int
otab_cmp(const void *a, const void *b)
{
	return memcmp(((const struct otab *)a)->tag,
	    ((const struct otab *)b)->tag, 4);
}

/* Appends the sfnt of tables tb[0..n-1] (sorted by tag) to out. */
static void
sfnt_write(struct buf *out, struct otab *tb, size_t n)
{
	size_t i, off, head = 0, start = out->len;
	unsigned sr = 1, es = 0;

	while (sr * 2 <= n) {
		sr *= 2;
		es++;
	}
	buf_put_u32(out, 0x00010000);
	buf_u16(out, (unsigned)n);
	buf_u16(out, sr * 16);
	buf_u16(out, es);
	buf_u16(out, (unsigned)n * 16 - sr * 16);
	off = 12 + 16 * n;
	for (i = 0; i < n; i++) {
		buf_put(out, tb[i].tag, 4);
		buf_put_u32(out, checksum(tb[i].p, tb[i].n));
		buf_put_u32(out, (uint32_t)off);
		buf_put_u32(out, (uint32_t)tb[i].n);
		off += (tb[i].n + 3) & ~(size_t)3;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(tb[i].tag, "head") == 0)
			head = out->len;
		buf_put(out, tb[i].p, tb[i].n);
		while ((out->len - start) % 4 != 0)
			buf_putc(out, 0);
	}
	if (head != 0)
		u32_put((uint8_t *)out->data + head + 8, 0xb1b0afbaU -
		    checksum((const uint8_t *)out->data + start,
		    out->len - start));
}

/* Returns the kern value of pair key in f (font units), 0 for none. */
static int
kern_find(const struct pfont *f, uint32_t key)
{
	size_t lo = 0, hi = f->nk, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (f->kp[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < f->nk && f->kp[lo] == key ? f->kv[lo] : 0;
}

static int
kern_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

/* Reads the kern table's horizontal format 0 pairs, mapped to the subset. */
static void
kern_load(const struct ttf *t, const struct sub *s, struct pfont *f)
{
	const uint8_t *k, *st;
	size_t len, o = 4, i, np, sl, n = 0;
	unsigned nt, j, cov, l, r;
	uint64_t *pv = NULL;

	if ((k = table(t, "kern", &len)) == NULL || len < 4 || u16(k) != 0)
		return;
	nt = u16(k + 2);
	for (j = 0; j < nt && o + 6 <= len; j++, o += sl) {
		st = k + o;
		sl = u16(st + 2);
		cov = u16(st + 4);
		if (sl < 6 || o + sl > len)
			break;
		/* Horizontal, values (not minimums), no cross-stream. */
		if ((cov >> 8) != 0 || (cov & 0x7) != 0x1 || sl < 14)
			continue;
		np = u16(st + 6);
		if (14 + 6 * np > sl)
			np = (sl - 14) / 6;
		pv = xreallocarray(pv, n + np, sizeof(*pv));
		for (i = 0; i < np; i++) {
			const uint8_t *p = st + 14 + 6 * i;

			l = u16(p);
			r = u16(p + 2);
			if (l >= t->nglyphs || r >= t->nglyphs ||
			    s->newid[l] < 0 || s->newid[r] < 0 || u16(p + 4) == 0)
				continue;
			pv[n++] = (uint64_t)((uint32_t)s->newid[l] << 16 |
			    (uint32_t)s->newid[r]) << 16 | u16(p + 4);
		}
	}
	if (n == 0) {
		free(pv);
		return;
	}
	qsort(pv, n, sizeof(*pv), kern_cmp);
	f->kp = xreallocarray(NULL, n, sizeof(*f->kp));
	f->kv = xreallocarray(NULL, n, sizeof(*f->kv));
	for (i = 0; i < n; i++) {
		/* The first of duplicate pairs wins. */
		if (f->nk > 0 && f->kp[f->nk - 1] == (uint32_t)(pv[i] >> 16))
			continue;
		f->kp[f->nk] = (uint32_t)(pv[i] >> 16);
		f->kv[f->nk] = (int16_t)(uint16_t)(pv[i] & 0xffff);
		f->nk++;
	}
	free(pv);
}

/* Appends v to b: a PDF number, at most 3 decimals, and a space. */
void
pdf_num(struct buf *b, double v)
{
	char t[32], *p = t + sizeof(t);
	long long m;
	int neg, frac, nd = 0;

	if (!(v > -1e12 && v < 1e12))
		v = 0;
	m = llround(v * 1000);
	neg = m < 0;
	if (neg)
		m = -m;
	frac = (int)(m % 1000);
	m /= 1000;
	*--p = ' ';
	if (frac != 0) {
		nd = 3;
		while (frac % 10 == 0) {
			frac /= 10;
			nd--;
		}
		while (nd-- > 0) {
			*--p = (char)('0' + frac % 10);
			frac /= 10;
		}
		*--p = '.';
	}
	do {
		*--p = (char)('0' + m % 10);
		m /= 10;
	} while (m > 0);
	if (neg)
		*--p = '-';
	buf_put(b, p, (size_t)(t + sizeof(t) - p));
}

/*
 * Appends the bytes of p deflated (fast: these streams are written once
 * each) as a stream object's dictionary and data, and the object's end.
 */
static void
stream_obj(struct buf *b, const void *p, size_t n)
{
	uLongf zn = compressBound((uLong)n);
	unsigned char *z = xmalloc(zn);

	if (compress2(z, &zn, p, (uLong)n, Z_BEST_SPEED) != Z_OK)
		zn = 0;		/* cannot happen: the bound is enough */
	buf_printf(b, "<< /Length %lu /Filter /FlateDecode >>\nstream\n",
	    (unsigned long)zn);
	buf_put(b, z, zn);
	BUF_PUTSL(b, "\nendstream\nendobj\n");
	free(z);
}

/* Appends four hex digits of v. */
static void
hex4(struct buf *b, unsigned v)
{
	static const char hx[] = "0123456789ABCDEF";
	char t[4];

	t[0] = hx[(v >> 12) & 15];
	t[1] = hx[(v >> 8) & 15];
	t[2] = hx[(v >> 4) & 15];
	t[3] = hx[v & 15];
	buf_put(b, t, 4);
}

/*
 * Loads into pf->f[k] the font that fontconfig matches for pattern pat:
 * its glyphs of the covered code points and their metrics.  Returns -1
 * if it cannot serve (not TrueType outlines, or a broken file).
 */
static int
font_load(struct pdffonts *pf, int k, const char *pat)
{
	struct pfont *f = &pf->f[k];
	struct buf raw = { NULL, 0, 0 };
	struct ttf t;
	struct sub s = { NULL, 0, NULL, 0 };
	struct collect col;
	const uint8_t *head, *hhea, *maxp, *cm, *os2, *gd, *x;
	size_t hl, hhl, ml, cml = 0, os2l, gl, i, n;
	FcPattern *p = NULL, *m = NULL;
	FcResult res;
	FcChar8 *file = NULL, *ps = NULL;
	unsigned g, adv0;
	uint32_t cp;
	int idx = 0, rc = -1;

	memset(&t, 0, sizeof(t));
	if ((p = FcNameParse((const FcChar8 *)pat)) == NULL)
		goto out;
	FcConfigSubstitute(NULL, p, FcMatchPattern);
	FcDefaultSubstitute(p);
	if ((m = FcFontMatch(NULL, p, &res)) == NULL ||
	    FcPatternGetString(m, FC_FILE, 0, &file) != FcResultMatch)
		goto out;
	if (FcPatternGetInteger(m, FC_INDEX, 0, &idx) == FcResultMatch &&
	    idx != 0)
		goto out;
	if (FcPatternGetString(m, FC_POSTSCRIPT_NAME, 0, &ps) != FcResultMatch)
		ps = NULL;
	if (read_file((const char *)file, &raw, FONT_MAX) != 0)
		goto out;
	t.d = (const uint8_t *)raw.data;
	t.n = raw.len;
	if (t.n < 12 || (u32_get(t.d) != 0x00010000 && memcmp(t.d, "true", 4)))
		goto out;
	head = table(&t, "head", &hl);
	hhea = table(&t, "hhea", &hhl);
	maxp = table(&t, "maxp", &ml);
	t.loca = table(&t, "loca", &t.nloca);
	t.glyf = table(&t, "glyf", &t.nglyf);
	t.hmtx = table(&t, "hmtx", &t.nhmtx);
	if (head == NULL || hl < 54 || hhea == NULL || hhl < 36 ||
	    maxp == NULL || ml < 6 || t.loca == NULL || t.glyf == NULL ||
	    t.hmtx == NULL || (cm = cmap_sub(&t, &cml)) == NULL)
		goto out;
	t.nglyphs = u16(maxp + 4);
	t.nhm = u16(hhea + 34);
	t.longloca = u16(head + 50) == 1;
	f->upem = u16(head + 18);
	if (t.nglyphs == 0 || t.nhm == 0 || t.nhm > t.nglyphs ||
	    4 * (size_t)t.nhm > t.nhmtx || f->upem < 16)
		goto out;
	f->asc = (double)(int16_t)u16(hhea + 4) / f->upem;
	f->desc = -(double)(int16_t)u16(hhea + 6) / f->upem;
	for (i = 0; i < 4; i++)
		f->bbox[i] = (int16_t)u16(head + 36 + 2 * i) / f->upem;
	f->cap = f->asc;
	os2 = table(&t, "OS/2", &os2l);
	if (os2 != NULL && os2l >= 90 && u16(os2) >= 2)
		f->cap = (double)(int16_t)u16(os2 + 88) / f->upem;

	/* The glyphs: .notdef, the covered code points', their parts. */
	s.newid = xreallocarray(NULL, t.nglyphs, sizeof(*s.newid));
	s.old = xreallocarray(NULL, t.nglyphs, sizeof(*s.old));
	s.nold = t.nglyphs;
	for (g = 0; g < t.nglyphs; g++)
		s.newid[g] = -1;
	sub_add(&s, 0);
	for (cp = 0x20; cp <= 0xfffd; cp++) {
		if (!covered(cp))
			continue;
		g = cmap_get(cm, cml, cp);
		if (g == 0 || g >= t.nglyphs)
			continue;
		sub_add(&s, g);
		if (cp < FMAP)
			f->map[cp] = (uint16_t)s.newid[g];
		else
			f->fffd = (uint16_t)s.newid[g];
	}
	col.s = &s;
	col.nglyphs = t.nglyphs;
	for (i = 0; i < s.n; i++) {
		gd = glyph_data(&t, s.old[i], &gl);
		if (gd != NULL && components(gd, gl, collect_component,
		    &col) == -1)
			goto out;
	}

	/* Each glyph's outline, metrics and first code point. */
	n = f->ng = s.n;
	f->adv = xreallocarray(NULL, n, sizeof(*f->adv));
	f->hm = xreallocarray(NULL, n, 4);
	f->goff = xreallocarray(NULL, n + 1, sizeof(*f->goff));
	f->first = xcalloc(n, sizeof(*f->first));
	adv0 = u16(t.hmtx + 4 * (t.nhm - 1));
	for (i = 0; i < n; i++) {
		g = s.old[i];
		f->goff[i] = f->gdata.len;
		if ((gd = glyph_data(&t, g, &gl)) != NULL && gl > 0)
			glyph_put(&f->gdata, gd, gl, &s);
		if (g < t.nhm)
			memcpy(f->hm + 4 * i, t.hmtx + 4 * g, 4);
		else {
			put16(f->hm + 4 * i, adv0);
			x = t.hmtx + 4 * (size_t)t.nhm + 2 * (g - t.nhm);
			if (x + 2 <= t.hmtx + t.nhmtx)
				memcpy(f->hm + 4 * i + 2, x, 2);
			else
				put16(f->hm + 4 * i + 2, 0);
		}
		f->adv[i] = (uint16_t)u16(f->hm + 4 * i);
	}
	f->goff[n] = f->gdata.len;
	for (cp = 0xfffd; cp >= 0x20; cp--)
		if (covered(cp) && (g = cp < FMAP ? f->map[cp] : f->fffd) != 0)
			f->first[g] = cp;
	kern_load(&t, &s, f);

	/* The tables a subset copies, and the font's name. */
	for (i = 0; i < T__MAX; i++)
		if ((x = table(&t, ktag[i], &gl)) != NULL) {
			f->toff[i] = f->tabs.len;
			f->tlen[i] = gl;
			buf_put(&f->tabs, x, gl);
		}
	gl = 0;
	for (x = ps != NULL ? ps : (const uint8_t *)"Font"; *x != '\0' &&
	    gl < sizeof(f->name) - 1; x++)
		if ((*x >= 'A' && *x <= 'Z') || (*x >= 'a' && *x <= 'z') ||
		    (*x >= '0' && *x <= '9') || *x == '-' || *x == '_')
			f->name[gl++] = (char)*x;
	f->name[gl] = '\0';
	rc = 0;
out:
	if (p != NULL)
		FcPatternDestroy(p);
	if (m != NULL)
		FcPatternDestroy(m);
	free(s.newid);
	free(s.old);
	buf_free(&raw);
	return rc;
}

/*
 * Returns the fonts that fontconfig matches for pat[0..PDF_NFONTS-1],
 * ready for the fast path, or NULL if any cannot serve.
 */
struct pdffonts *
pdf_fonts_new(const char *const pat[PDF_NFONTS])
{
	struct pdffonts *pf;
	int k;

	cardlib_load_fast();
	pf = xcalloc(1, sizeof(*pf));
	for (k = 0; k < PDF_NFONTS; k++)
		if (font_load(pf, k, pat[k]) == -1) {
			pdf_fonts_free(pf);
			return NULL;
		}
	return pf;
}

void
pdf_fonts_free(struct pdffonts *pf)
{
	int k;

	if (pf == NULL)
		return;
	for (k = 0; k < PDF_NFONTS; k++) {
		free(pf->f[k].adv);
		free(pf->f[k].hm);
		free(pf->f[k].first);
		free(pf->f[k].goff);
		free(pf->f[k].kp);
		free(pf->f[k].kv);
		buf_free(&pf->f[k].gdata);
		buf_free(&pf->f[k].tabs);
	}
	free(pf);
}

/* Returns font k's glyph for code point cp, 0 if the subset lacks it. */
unsigned
pdf_glyph(const struct pdffonts *pf, int k, uint32_t cp)
{
	if (cp < FMAP)
		return pf->f[k].map[cp];
	return cp == 0xfffd ? pf->f[k].fffd : 0;
}

/* Returns glyph g's advance in ems. */
double
pdf_advance(const struct pdffonts *pf, int k, unsigned g)
{
	const struct pfont *f = &pf->f[k];

	return g < f->ng ? f->adv[g] / f->upem : 0;
}

/* Returns the kerning between glyphs l and r in ems (negative: closer). */
double
pdf_kern(const struct pdffonts *pf, int k, unsigned l, unsigned r)
{
	const struct pfont *f = &pf->f[k];

	if (f->nk == 0)
		return 0;
	return kern_find(f, (uint32_t)l << 16 | r) / f->upem;
}

/* Font k's ascent and descent, in ems. */
double
pdf_ascent(const struct pdffonts *pf, int k)
{
	return pf->f[k].asc;
}

double
pdf_descent(const struct pdffonts *pf, int k)
{
	return pf->f[k].desc;
}

/* Appends glyph g as four hex digits: text for a TJ array's <...>. */
void
pdf_glyph_hex(struct buf *b, unsigned g)
{
	hex4(b, g);
}

/* Returns a page to be made with fonts pf. */
struct pdfpage *
pdf_page_new(const struct pdffonts *pf)
{
	struct pdfpage *pp = xcalloc(1, sizeof(*pp));
	int k;

	pp->pf = pf;
	for (k = 0; k < PDF_NFONTS; k++) {
		pp->id[k] = xcalloc(pf->f[k].ng, sizeof(*pp->id[k]));
		pp->order[k] = xcalloc(pf->f[k].ng, sizeof(*pp->order[k]));
	}
	return pp;
}

void
pdf_page_free(struct pdfpage *pp)
{
	int k;

	if (pp == NULL)
		return;
	for (k = 0; k < PDF_NFONTS; k++) {
		free(pp->id[k]);
		free(pp->order[k]);
	}
	free(pp);
}

/* Returns the page's number for font k's glyph g, given on first use. */
unsigned
pdf_use(struct pdfpage *pp, int k, unsigned g)
{
	if (g >= pp->pf->f[k].ng)
		g = 0;
	if (pp->n[k] == 0) {
		pp->id[k][0] = 1;
		pp->order[k][pp->n[k]++] = 0;
	}
	if (pp->id[k][g] == 0) {
		pp->order[k][pp->n[k]] = (uint16_t)g;
		pp->id[k][g] = (uint16_t)++pp->n[k];
	}
	return pp->id[k][g] - 1u;
}

/* Adds a composite glyph's part to the page: fn for components(). */
struct parts {
	struct pdfpage	*pp;
	int		 k;
	uint8_t		*patch;		/* non-NULL: renumber the part here */
};

static void
part_use(void *arg, size_t off, unsigned g)
{
	struct parts *pa = arg;
	unsigned id = pdf_use(pa->pp, pa->k, g);

	if (pa->patch != NULL)
		put16(pa->patch + off, id);
}

/* Appends the TrueType subset of font k with the page's glyphs. */
static void
subset(struct pdfpage *pp, int k, struct buf *out)
{
	const struct pfont *f = &pp->pf->f[k];
	struct buf glyf = { NULL, 0, 0 }, loca = { NULL, 0, 0 };
	struct buf hmtx = { NULL, 0, 0 };
	struct otab tb[T__MAX + 3];
	struct parts pa;
	uint8_t head[64], hhea[64], maxp[64];
	const uint8_t *gd;
	size_t i, nt = 0, gl;
	int j;

	/* The parts of composite glyphs join the page's glyphs. */
	pa.pp = pp;
	pa.k = k;
	pa.patch = NULL;
	for (i = 0; i < pp->n[k]; i++) {
		gd = (const uint8_t *)f->gdata.data + f->goff[pp->order[k][i]];
		gl = f->goff[pp->order[k][i] + 1] - f->goff[pp->order[k][i]];
		components(gd, gl, part_use, &pa);
	}
	for (i = 0; i < pp->n[k]; i++) {
		unsigned g = pp->order[k][i];

		buf_put_u32(&loca, (uint32_t)glyf.len);
		gl = f->goff[g + 1] - f->goff[g];
		if (gl > 0) {
			size_t at = glyf.len;

			buf_put(&glyf, f->gdata.data + f->goff[g], gl);
			pa.patch = (uint8_t *)glyf.data + at;
			components((const uint8_t *)glyf.data + at, gl,
			    part_use, &pa);
			while (glyf.len % 4 != 0)
				buf_putc(&glyf, 0);
		}
		buf_put(&hmtx, f->hm + 4 * g, 4);
	}
	buf_put_u32(&loca, (uint32_t)glyf.len);
	for (j = 0; j < T__MAX; j++) {
		const uint8_t *t = (const uint8_t *)f->tabs.data + f->toff[j];
		uint8_t *c = j == T_HEAD ? head : j == T_HHEA ? hhea :
		    j == T_MAXP ? maxp : NULL;

		if (f->tlen[j] == 0)
			continue;
		if (c != NULL) {
			if (f->tlen[j] > 64)
				continue;
			memcpy(c, t, f->tlen[j]);
			t = c;
		}
		otab_add(tb, &nt, ktag[j], t, f->tlen[j]);
	}
	u32_put(head + 8, 0);
	put16(head + 50, 1);
	put16(hhea + 34, (unsigned)pp->n[k]);
	put16(maxp + 4, (unsigned)pp->n[k]);
	otab_add(tb, &nt, "glyf", (const uint8_t *)glyf.data, glyf.len);
	otab_add(tb, &nt, "hmtx", (const uint8_t *)hmtx.data, hmtx.len);
	otab_add(tb, &nt, "loca", (const uint8_t *)loca.data, loca.len);
	qsort(tb, nt, sizeof(*tb), otab_cmp);
	sfnt_write(out, tb, nt);
	buf_free(&glyf);
	buf_free(&loca);
	buf_free(&hmtx);
}

/* Appends font k's five objects from number obj: Type0 font, CID font,
 * descriptor, font file, ToUnicode map.  Offsets go to off[]. */
static void
font_objs(struct pdfpage *pp, int k, struct buf *out, size_t base,
    size_t *off, size_t obj)
{
	const struct pfont *f = &pp->pf->f[k];
	struct buf sf = { NULL, 0, 0 }, cm = { NULL, 0, 0 };
	char tag[7];
	uint64_t h;
	size_t i, j, blk;

	subset(pp, k, &sf);
	h = hash64(0, pp->order[k], pp->n[k] * sizeof(*pp->order[k]));
	for (i = 0; i < 6; i++, h /= 26)
		tag[i] = (char)('A' + h % 26);
	tag[6] = '\0';

	off[obj] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Type /Font /Subtype /Type0 "
	    "/BaseFont /%s+%s /Encoding /Identity-H /DescendantFonts "
	    "[%zu 0 R] /ToUnicode %zu 0 R >>\nendobj\n", obj, tag, f->name,
	    obj + 1, obj + 4);
	off[obj + 1] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Type /Font /Subtype /CIDFontType2 "
	    "/BaseFont /%s+%s /CIDSystemInfo << /Registry (Adobe) "
	    "/Ordering (Identity) /Supplement 0 >> /FontDescriptor %zu 0 R "
	    "/CIDToGIDMap /Identity /W [0 [", obj + 1, tag, f->name, obj + 2);
	for (i = 0; i < pp->n[k]; i++)
		pdf_num(out, f->adv[pp->order[k][i]] * 1000.0 / f->upem);
	BUF_PUTSL(out, "]] >>\nendobj\n");
	off[obj + 2] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Type /FontDescriptor /FontName "
	    "/%s+%s /Flags 4 /FontBBox [", obj + 2, tag, f->name);
	for (i = 0; i < 4; i++)
		pdf_num(out, f->bbox[i] * 1000);
	BUF_PUTSL(out, "] /ItalicAngle 0 /Ascent ");
	pdf_num(out, f->asc * 1000);
	BUF_PUTSL(out, "/Descent ");
	pdf_num(out, -f->desc * 1000);
	BUF_PUTSL(out, "/CapHeight ");
	pdf_num(out, f->cap * 1000);
	buf_printf(out, "/StemV 80 /FontFile2 %zu 0 R >>\nendobj\n",
	    obj + 3);
	off[obj + 3] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Length %zu /Length1 %zu >>\nstream\n",
	    obj + 3, sf.len, sf.len);
	buf_put(out, sf.data, sf.len);
	BUF_PUTSL(out, "\nendstream\nendobj\n");

	BUF_PUTSL(&cm, "/CIDInit /ProcSet findresource begin\n12 dict begin\n"
	    "begincmap\n/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) "
	    "/Supplement 0 >> def\n/CMapName /Adobe-Identity-UCS def\n"
	    "/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\n"
	    "endcodespacerange\n");
	for (i = 1; i < pp->n[k]; i = j) {
		for (blk = 0, j = i; j < pp->n[k] && blk < 100; j++)
			blk += f->first[pp->order[k][j]] != 0;
		if (blk == 0)
			break;
		buf_printf(&cm, "%zu beginbfchar\n", blk);
		for (; i < j; i++) {
			if (f->first[pp->order[k][i]] == 0)
				continue;
			buf_putc(&cm, '<');
			hex4(&cm, (unsigned)i);
			BUF_PUTSL(&cm, "> <");
			hex4(&cm, f->first[pp->order[k][i]]);
			BUF_PUTSL(&cm, ">\n");
		}
		BUF_PUTSL(&cm, "endbfchar\n");
	}
	BUF_PUTSL(&cm, "endcmap\nCMapName currentdict /CMap defineresource "
	    "pop\nend\nend\n");
	off[obj + 4] = out->len - base;
	buf_printf(out, "%zu 0 obj\n", obj + 4);
	stream_obj(out, cm.data, cm.len);
	buf_free(&sf);
	buf_free(&cm);
}

/* Appends s as a PDF text string: literal if printable ASCII, else
 * UTF-16BE in hex with its byte order mark. */
static void
text_string(struct buf *b, const char *s)
{
	const unsigned char *p;
	uint32_t cp;
	size_t n;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			break;
	if (*p == '\0') {
		buf_putc(b, '(');
		for (p = (const unsigned char *)s; *p != '\0'; p++) {
			if (*p == '(' || *p == ')' || *p == '\\')
				buf_putc(b, '\\');
			buf_putc(b, *p);
		}
		buf_putc(b, ')');
		return;
	}
	BUF_PUTSL(b, "<FEFF");
	for (p = (const unsigned char *)s; *p != '\0'; p += n) {
		n = (size_t)utf8_decode((const char *)p,
		    strlen((const char *)p), &cp);
		if (n == 0) {
			n = 1;
			cp = 0xfffd;
		}
		if (cp >= 0x10000) {
			cp -= 0x10000;
			hex4(b, 0xd800 | (cp >> 10));
			hex4(b, 0xdc00 | (cp & 0x3ff));
		} else
			hex4(b, cp);
	}
	buf_putc(b, '>');
}

/*
 * Appends to out the one-page PDF of pw x ph pt: the subsets of the
 * fonts the page used, the content stream, a link annotation per
 * links[] (rectangles in PDF space), and the title, creator and date
 * (YYYY-MM-DD or NULL) in the document information.  The page is then
 * empty again.
 */
void
pdf_page_end(struct pdfpage *pp, struct buf *out, double pw, double ph,
    const struct buf *content, const struct pdflink *links, size_t nlinks,
    const char *title, const char *creator, const char *date)
{
	size_t base = out->len, nobj, i, *off, o, fobj[PDF_NFONTS], obj = 1;
	size_t cat, pages, page, cont, info, annot;
	int k;

	BUF_PUTSL(out, "%PDF-1.5\n%\xb5\xed\xae\xfb\n");
	for (k = 0; k < PDF_NFONTS; k++) {
		fobj[k] = pp->n[k] > 0 ? obj : 0;
		obj += pp->n[k] > 0 ? 5 : 0;
	}
	cat = obj;
	pages = cat + 1;
	page = cat + 2;
	cont = cat + 3;
	info = cat + 4;
	annot = cat + 5;
	nobj = annot + nlinks;
	off = xcalloc(nobj, sizeof(*off));
	for (k = 0; k < PDF_NFONTS; k++)
		if (fobj[k] != 0)
			font_objs(pp, k, out, base, off, fobj[k]);
	off[cat] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Type /Catalog /Pages %zu 0 R >>\n"
	    "endobj\n", cat, pages);
	off[pages] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Type /Pages /Kids [%zu 0 R] /Count 1 "
	    ">>\nendobj\n", pages, page);
	off[page] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Type /Page /Parent %zu 0 R /MediaBox "
	    "[0 0 ", page, pages);
	pdf_num(out, pw);
	pdf_num(out, ph);
	BUF_PUTSL(out, "] /Resources << /Font <<");
	for (k = 0; k < PDF_NFONTS; k++)
		if (fobj[k] != 0)
			buf_printf(out, " /F%d %zu 0 R", k, fobj[k]);
	buf_printf(out, " >> >> /Contents %zu 0 R", cont);
	if (nlinks > 0) {
		BUF_PUTSL(out, " /Annots [");
		for (i = 0; i < nlinks; i++)
			buf_printf(out, "%s%zu 0 R", i ? " " : "", annot + i);
		buf_putc(out, ']');
	}
	BUF_PUTSL(out, " >>\nendobj\n");
	off[cont] = out->len - base;
	buf_printf(out, "%zu 0 obj\n", cont);
	stream_obj(out, content->data, content->len);
	off[info] = out->len - base;
	buf_printf(out, "%zu 0 obj\n<< /Producer (rbc) /Creator ", info);
	text_string(out, creator);
	if (title != NULL) {
		BUF_PUTSL(out, " /Title ");
		text_string(out, title);
	}
	if (date != NULL && strlen(date) == 10)
		buf_printf(out, " /CreationDate (D:%.4s%.2s%.2s000000Z)",
		    date, date + 5, date + 8);
	BUF_PUTSL(out, " >>\nendobj\n");
	for (i = 0; i < nlinks; i++) {
		off[annot + i] = out->len - base;
		buf_printf(out, "%zu 0 obj\n<< /Type /Annot /Subtype /Link "
		    "/Border [0 0 0] /Rect [", annot + i);
		for (o = 0; o < 4; o++)
			pdf_num(out, links[i].rect[o]);
		BUF_PUTSL(out, "] /A << /S /URI /URI ");
		text_string(out, links[i].uri);
		BUF_PUTSL(out, " >> >>\nendobj\n");
	}
	o = out->len - base;
	buf_printf(out, "xref\n0 %zu\n0000000000 65535 f \n", nobj);
	for (i = 1; i < nobj; i++)
		buf_printf(out, "%010zu 00000 n \n", off[i]);
	buf_printf(out, "trailer\n<< /Size %zu /Root %zu 0 R /Info %zu 0 R >>\n"
	    "startxref\n%zu\n%%%%EOF\n", nobj, cat, info, o);
	free(off);
	for (k = 0; k < PDF_NFONTS; k++) {
		for (i = 0; i < pp->n[k]; i++)
			pp->id[k][pp->order[k][i]] = 0;
		pp->n[k] = 0;
	}
}
