/*
 * The quick-reference card's interface: card_new, card_render (a layout,
 * then the PDF, card_pdf.c, and the HTML, card_html.c) and card_free.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "card.h"

/* What each section holds, singular and plural, for card-overflow. */
static const char *const sectname[S__MAX][2] = {
	{ "header", "headers" },
	{ "escalation step", "escalation steps" },
	{ "other contact", "other contacts" },
	{ "severity level", "severity levels" },
	{ "threshold", "thresholds" },
	{ "quickref command", "quickref commands" },
	{ "footer", "footers" }
};

/* ------------------------------------------------------------------ API */

/* The fonts of enum font, as fontconfig patterns for the fast path. */
static const char *const fcpat[PDF_NFONTS] = {
	"DejaVu Sans", "DejaVu Sans:bold", "DejaVu Sans Mono"
};

/* Returns a card renderer for paper "a4" or "letter" (NULL: the site's
 * card: paper:, else A4), or NULL for an unknown paper name. */
struct card *
card_new(const struct site *site, const char *paper)
{
	struct card *c;

	if (paper == NULL && site != NULL)
		paper = site->cfg.paper;
	if (paper == NULL)
		paper = "a4";
	cardlib_load_fast();
	c = xcalloc(1, sizeof(*c));
	if (strcasecmp(paper, "a4") == 0) {
		c->paper = "A4";
		c->pw = 595.276;	/* 210 x 297 mm */
		c->ph = 841.89;
	} else if (strcasecmp(paper, "letter") == 0) {
		c->paper = "letter";
		c->pw = 612;
		c->ph = 792;
	} else {
		free(c);
		return NULL;
	}
	c->site = site;
	/* RBC_CARD_PANGO=1: every card by Pango and Cairo (for tests). */
	if (getenv("RBC_CARD_PANGO") != NULL)
		c->pfstate = -1;
	return c;
}

/*
 * Returns 1 if the card fits one page at base size fs and density dens;
 * its height is in *h, its display list in the card.  Measuring stops
 * past pages pages.
 */
static int
fit(struct card *c, const struct cmodel *ms, size_t n, double fs, int dens,
    int pages, struct lay *L, double *h)
{
	double avail = c->ph - 2 * MARGIN;

	*h = lay_card(c, ms, n, fs, dens, MARGIN + pages * avail, L);
	return *h <= avail && !L->haswide;
}

/* Counts what the cards hold, section by section, into cnt. */
static void
sect_counts(const struct cmodel *ms, size_t n, size_t cnt[S__MAX])
{
	size_t i;

	memset(cnt, 0, S__MAX * sizeof(*cnt));
	cnt[S_HEADER] = n;
	for (i = 0; i < n; i++) {
		cnt[S_ESC] += ms[i].nesc;
		cnt[S_OTHERS] += ms[i].nothers;
		cnt[S_SEV] += ms[i].nsev;
		cnt[S_THR] += ms[i].nthr;
		cnt[S_QUICK] += ms[i].nquick;
	}
}

/* Returns the section not done yet that holds something and took the most
 * height, or -1. */
static int
sect_next(const size_t cnt[S__MAX], const int done[S__MAX],
    const struct lay *L)
{
	int k, best = -1;

	for (k = S_HEADER; k <= S_QUICK; k++)
		if (cnt[k] > 0 && !done[k] && (best == -1 ||
		    L->sect[k] > L->sect[best]))
			best = k;
	return best;
}

/*
 * Returns what the card holds and how much of the height each part took,
 * the largest first: "300 thresholds (92%), 1 escalation step (2%)".
 */
static char *
overflow_what(const struct cmodel *ms, size_t n, const struct lay *L)
{
	struct buf b = { NULL, 0, 0 };
	size_t cnt[S__MAX];
	double tot = 0;
	int k, best, done[S__MAX];

	sect_counts(ms, n, cnt);
	memset(done, 0, sizeof(done));
	for (k = 0; k < S__MAX; k++)
		tot += L->sect[k];
	while ((best = sect_next(cnt, done, L)) != -1) {
		done[best] = 1;
		if (b.len > 0)
			BUF_PUTSL(&b, ", ");
		buf_printf(&b, "%zu %s (%.0f%%)", cnt[best],
		    sectname[best][cnt[best] != 1], tot > 0 ?
		    100 * L->sect[best] / tot : 0);
	}
	return buf_detach(&b);
}

/*
 * Stores in *line and *col where the front-matter of r holds section k
 * (its key), or the first line of the body when the data came from the
 * body; 0 when unknown.
 */
static void
sect_pos(const struct runbook *r, int k, int *line, int *col)
{
	static const char *const key[S__MAX] = { "summary", "escalation",
	    "contacts", "severity_levels", "thresholds", "quickref", NULL };
	const struct ynode *v;
	size_t i;

	*line = *col = 0;
	if (k < 0 || k >= S__MAX || key[k] == NULL || r->fm == NULL ||
	    r->fm->type != Y_MAP)
		return;
	for (i = 0; i < r->fm->n; i++)
		if (r->fm->keys[i]->slen == strlen(key[k]) &&
		    memcmp(r->fm->keys[i]->s, key[k], r->fm->keys[i]->slen) ==
		    0) {
			*line = r->fm->keys[i]->line;
			*col = r->fm->keys[i]->col;
			return;
		}
	if ((v = ymap_get(r->fm, key[k])) != NULL && v->line > 0) {
		*line = v->line;	/* extracted from the body */
		*col = v->col;
	}
}

/* Returns the section that took the most height, or -1. */
static int
sect_largest(const struct cmodel *ms, size_t n, const struct lay *L)
{
	size_t cnt[S__MAX];
	int done[S__MAX] = { 0 };

	sect_counts(ms, n, cnt);
	return sect_next(cnt, done, L);
}

/*
 * Reports the card-overflow diagnostic for a card that does not fit, at
 * the line of what takes the most space.
 */
static void
overflow(struct card *c, const struct runbook *const *rbs,
    const struct cmodel *ms, size_t n, const struct lay *L, double h,
    struct diags *d)
{
	double avail = c->ph - 2 * MARGIN;
	const char *file = rbs[0]->src.path;
	const char *id = ms[0].id != NULL ? ms[0].id : ms[0].title;
	char *what = overflow_what(ms, n, L), *who;
	int line, col;

	sect_pos(rbs[0], sect_largest(ms, n, L), &line, &col);
	who = n == 1 ? xasprintf("card for '%s'", id) :
	    xasprintf("card for %zu runbooks ('%s', ...)", n, id);
	if (h <= avail && L->haswide)
		diag_add(d, file, line, col, R_CARD_OVERFLOW, "%s does not fit one "
		    "%s page: \"%.40s\" is wider than its column even wrapped "
		    "at %.0f pt", who, c->paper, L->wide, FS_MIN);
	else if (h > MEASURE_PAGES * avail)
		diag_add(d, file, line, col, R_CARD_OVERFLOW, "%s needs more than "
		    "%d %s pages at %.0f pt; share of the height: %s", who,
		    MEASURE_PAGES, c->paper, FS_MIN, what);
	else
		diag_add(d, file, line, col, R_CARD_OVERFLOW, "%s needs %.1f %s "
		    "pages at %.0f pt; share of the height: %s", who,
		    h / avail, c->paper, FS_MIN, what);
	free(what);
	free(who);
}

/*
 * Chooses the largest size that fits, and at that size the roomiest
 * density: returns 0 with them in *fs and *dens and the layout in L and
 * the card, or -1 when nothing fits (L and *h then measure the most
 * compact layout at 6 pt).  Most cards fit at once; a crowded one is
 * searched for by bisection on the most compact density, which fits
 * whenever any does.
 */
static int
choose(struct card *c, const struct cmodel *ms, size_t n, int split,
    struct lay *L, double *fs, int *dens, double *h)
{
	int lo, hi, mid;

	if (fit(c, ms, n, FS_MAX, 0, 1, L, h)) {
		*fs = FS_MAX;
		*dens = 0;
		return 0;
	}
	if (!fit(c, ms, n, FS_MIN, 2, MEASURE_PAGES, L, h))
		return -1;
	lo = 0;		/* FS_MIN fits */
	hi = (int)((FS_MAX - FS_MIN) / FS_STEP + 0.5);
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		if (fit(c, ms, n, FS_MIN + mid * FS_STEP, 2, 1, L, h))
			lo = mid;
		else
			hi = mid - 1;
	}
	*fs = FS_MIN + lo * FS_STEP;
	for (*dens = *fs < FS_MAX ? 0 : 1; *dens < 2; (*dens)++)
		if ((*dens == 0 || split) && fit(c, ms, n, *fs, *dens, 1, L, h))
			break;
	/* The display list must be the chosen layout's. */
	if (L->fs != *fs || L->dens != *dens)
		fit(c, ms, n, *fs, *dens, 1, L, h);
	return 0;
}

/*
 * Renders runbooks rbs[0..n-1] on one page into pdf and html (either may
 * be NULL).  Returns 0, or -1 after a card-overflow (or, if cairo fails,
 * io) diagnostic with nothing appended to either buffer.
 */
int
card_render(struct card *c, const struct runbook *const *rbs, size_t n,
    struct buf *pdf, struct buf *html, struct diags *d)
{
	struct arena *a;
	struct cmodel *ms;
	struct lay L;
	double fs = FS_MAX, h = 0;
	size_t i;
	int rc = 0, dens = 0, split = 0;

	if (n == 0)
		return 0;
	a = arena_new();
	ms = xcalloc(n, sizeof(*ms));
	for (i = 0; i < n; i++) {
		model_build(a, c->site, rbs[i], &ms[i]);
		split |= ms[i].nthr >= THR_SPLIT;
	}

	/*
	 * The fast path when its fonts load and have every character;
	 * else, or when a text turns out to need another script, Pango.
	 */
	if (c->pfstate == 0) {
		c->pf = pdf_fonts_new(fcpat);
		c->pfstate = c->pf != NULL ? 1 : -1;
		if (c->pf != NULL)
			c->pp = pdf_page_new(c->pf);
	}
	c->fast = c->pfstate == 1;
	c->slow = 0;
	rc = choose(c, ms, n, split, &L, &fs, &dens, &h);
	if (c->fast && c->slow) {
		c->fast = 0;
		rc = choose(c, ms, n, split, &L, &fs, &dens, &h);
	}
	if (rc == -1)
		overflow(c, rbs, ms, n, &L, h, d);
	else if (pdf != NULL && (c->fast ? fast_pdf(c, ms, n, fs, pdf) :
	    pdf_make(c, ms, n, fs, pdf)) == -1) {
		diag_add(d, rbs[0]->src.path, 0, 0, R_IO,
		    "cannot make the card's PDF");
		rc = -1;
	}
	if (rc == 0 && html != NULL)
		html_make(c, ms, n, fs, dens, html);

	for (i = 0; i < n; i++)
		if (ms[i].qr != NULL)
			QRcode_free(ms[i].qr);
	free(ms);
	arena_free(a);
	/* An overflowing card may have made many: keep a few. */
	c->nops = 0;
	while (c->npl > KEEP_LAYOUTS)
		g_object_unref(c->pl[--c->npl]);
	return rc;
}

/* Frees a card renderer and everything it keeps between renders. */
void
card_free(struct card *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->npl; i++)
		g_object_unref(c->pl[i]);
	free(c->pl);
	free(c->ops);
	free(c->runs);
	free(c->fg);
	free(c->ch);
	pdf_page_free(c->pp);
	pdf_fonts_free(c->pf);
	if (c->fontmap != NULL) {
		for (i = 0; i < F__MAX; i++)
			pango_font_description_free(c->fd[i]);
		pango_attr_list_unref(c->nohyph);
		g_object_unref(c->pctx);
		g_object_unref(c->fontmap);
	}
	free(c);
}
