/*
 * The card as PDF: the display list of the layout chosen replayed onto a
 * Cairo surface, or, where every character is in pdf.c's fonts, written
 * by pdf.c directly (the fast path).
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "card.h"

/* ------------------------------------------------------------------ PDF */

/* Sets cr's source to colour c (0xRRGGBB). */
static void
rgb(cairo_t *cr, uint32_t c)
{
	cairo_set_source_rgb(cr, ((c >> 16) & 255) / 255.0,
	    ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
}

/*
 * Returns the length of the next run of dark modules in row i of q at or
 * after column *j, which it moves to the run's start; 0 when none is left.
 */
int
qr_run(const QRcode *q, int i, int *j)
{
	const unsigned char *row = q->data + i * q->width;
	int k;

	while (*j < q->width && !(row[*j] & 1))
		(*j)++;
	for (k = *j; k < q->width && (row[k] & 1); k++)
		;
	return k - *j;
}

/* The QR code as filled rectangles, one per run of dark modules. */
static void
qr_draw(cairo_t *cr, const QRcode *q, int quiet, double x, double y,
    double size)
{
	double mod = size / (q->width + 2 * quiet);
	int i, j, k;

	rgb(cr, 0xffffff);
	cairo_rectangle(cr, x, y, size, size);
	cairo_fill(cr);
	rgb(cr, 0x000000);
	for (i = 0; i < q->width; i++)
		for (j = 0; (k = qr_run(q, i, &j)) > 0; j += k)
			cairo_rectangle(cr, x + (quiet + j) * mod,
			    y + (quiet + i) * mod, k * mod, mod);
	cairo_fill(cr);
}

/* Replays the display list. */
static void
ops_draw(const struct card *c, cairo_t *cr, double fs)
{
	const struct op *o;
	double r = P_RADIUS * fs;
	char *attr;
	size_t i;

	for (i = 0; i < c->nops; i++) {
		o = &c->ops[i];
		switch (o->k) {
		case OP_RECT:
			rgb(cr, o->rgb);
			cairo_rectangle(cr, o->x, o->y, o->w, o->h);
			cairo_fill(cr);
			break;
		case OP_BAND:
			rgb(cr, o->rgb);
			cairo_new_sub_path(cr);
			cairo_arc(cr, o->x + o->w - r, o->y + r, r, -M_PI / 2,
			    0);
			cairo_arc(cr, o->x + o->w - r, o->y + o->h - r, r, 0,
			    M_PI / 2);
			cairo_arc(cr, o->x + r, o->y + o->h - r, r, M_PI / 2,
			    M_PI);
			cairo_arc(cr, o->x + r, o->y + r, r, M_PI,
			    3 * M_PI / 2);
			cairo_close_path(cr);
			cairo_fill(cr);
			break;
		case OP_TEXT:
			rgb(cr, o->rgb);
			cairo_move_to(cr, o->x, o->y);
			pango_cairo_show_layout(cr, o->pl);
			break;
		case OP_QR:
			/* page_url() let no quote or backslash through. */
			attr = o->uri != NULL ? xasprintf("uri='%s'", o->uri) :
			    NULL;
			if (attr != NULL)
				cairo_tag_begin(cr, CAIRO_TAG_LINK, attr);
			qr_draw(cr, o->qr, o->quiet, o->x, o->y, o->w);
			if (attr != NULL)
				cairo_tag_end(cr, CAIRO_TAG_LINK);
			free(attr);
			break;
		}
	}
}

/* Returns success after appending cairo's PDF bytes to the buffer. */
static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Returns 0 with the PDF appended to out, or -1 if cairo failed. */
int
pdf_make(struct card *c, const struct cmodel *ms, size_t n, double fs,
    struct buf *out)
{
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;
	struct buf t = { NULL, 0, 0 };
	const char *date = NULL;
	char *d;
	size_t i;

	card_pango(c);
	s = cairo_pdf_surface_create_for_stream(pdf_write, &t, c->pw, c->ph);
	/*
	 * No clock reading reaches output: the newest review date, or no
	 * CreationDate at all (cairo writes the clock's otherwise).
	 */
	for (i = 0; i < n; i++)
		if (ms[i].date != NULL && (date == NULL ||
		    strcmp(ms[i].date, date) > 0))
			date = ms[i].date;
	d = date != NULL ? xasprintf("%sT00:00:00Z", date) : xstrdup("");
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, d);
	free(d);
	for (i = 0; i < n; i++) {
		if (i > 0)
			BUF_PUTSL(&t, ", ");
		buf_puts(&t, ms[i].title);
	}
	d = xasprintf("Quick reference: %s", t.len > 0 ? t.data : "");
	buf_reset(&t);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, d);
	free(d);
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR,
	    "rbc " RBC_VERSION);
	cr = cairo_create(s);
	ops_draw(c, cr, fs);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st == CAIRO_STATUS_SUCCESS)
		buf_put(out, t.data, t.len);
	buf_free(&t);
	return st == CAIRO_STATUS_SUCCESS ? 0 : -1;
}

/* ------------------------------------------------- PDF, the fast path */

/* Appends "r g b rg": fill colour c. */
static void
frgb(struct buf *b, uint32_t c)
{
	pdf_num(b, ((c >> 16) & 255) / 255.0);
	pdf_num(b, ((c >> 8) & 255) / 255.0);
	pdf_num(b, (c & 255) / 255.0);
	BUF_PUTSL(b, "rg\n");
}

/* Appends a rectangle to the path. */
static void
frect(struct buf *b, double x, double y, double w, double h)
{
	pdf_num(b, x);
	pdf_num(b, y);
	pdf_num(b, w);
	pdf_num(b, h);
	BUF_PUTSL(b, "re\n");
}

/* Appends a point and an operator: "x y op". */
static void
fpt(struct buf *b, double x, double y, const char *op)
{
	pdf_num(b, x);
	pdf_num(b, y);
	buf_puts(b, op);
}

/* The header band: a rectangle with corners of radius r, filled. */
static void
fband(struct buf *b, const struct op *o, double r)
{
	double x0 = o->x, y0 = o->y, x1 = o->x + o->w, y1 = o->y + o->h;
	double k = 0.5522847498 * r;

	if (r > o->w / 2)
		r = k = 0;
	if (r > o->h / 2)
		r = k = 0;
	fpt(b, x0 + r, y0, "m\n");
	fpt(b, x1 - r, y0, "l\n");
	fpt(b, x1 - r + k, y0, "");
	fpt(b, x1, y0 + r - k, "");
	fpt(b, x1, y0 + r, "c\n");
	fpt(b, x1, y1 - r, "l\n");
	fpt(b, x1, y1 - r + k, "");
	fpt(b, x1 - r + k, y1, "");
	fpt(b, x1 - r, y1, "c\n");
	fpt(b, x0 + r, y1, "l\n");
	fpt(b, x0 + r - k, y1, "");
	fpt(b, x0, y1 - r + k, "");
	fpt(b, x0, y1 - r, "c\n");
	fpt(b, x0, y0 + r, "l\n");
	fpt(b, x0, y0 + r - k, "");
	fpt(b, x0 + r - k, y0, "");
	fpt(b, x0 + r, y0, "c\nh f\n");
}

/* A text operation's runs, inside BT ... ET. */
static void
ftext(struct buf *b, struct card *c, const struct op *o)
{
	const struct frun *r;
	const struct fglyph *g;
	size_t i, j;

	BUF_PUTSL(b, "BT\n");
	for (i = o->r0; i < o->r0 + o->nr; i++) {
		r = &c->runs[i];
		frgb(b, r->rgb);
		buf_printf(b, "/F%d ", (int)r->f);
		pdf_num(b, r->pt);
		BUF_PUTSL(b, "Tf 1 0 0 -1 ");
		pdf_num(b, o->x + r->x);
		pdf_num(b, o->y + r->y);
		BUF_PUTSL(b, "Tm [<");
		for (j = 0; j < r->ng; j++) {
			g = &c->fg[r->g0 + j];
			if (g->k != 0) {
				BUF_PUTSL(b, "> ");
				pdf_num(b, -g->k / r->pt * 1000);
				buf_putc(b, '<');
			}
			pdf_glyph_hex(b, pdf_use(c->pp, (int)r->f, g->g));
		}
		BUF_PUTSL(b, ">] TJ\n");
	}
	BUF_PUTSL(b, "ET\n");
}

/*
 * Returns 0 with the PDF of the card's display list appended to out: the
 * fast path's pdf_make().
 */
int
fast_pdf(struct card *c, const struct cmodel *ms, size_t n, double fs,
    struct buf *out)
{
	struct buf b = { NULL, 0, 0 }, t = { NULL, 0, 0 };
	struct pdflink *links = NULL;
	const struct op *o;
	const char *date = NULL;
	double mod;
	size_t i, nl = 0;
	int row, j, k;

	BUF_PUTSL(&b, "1 0 0 -1 0 ");
	pdf_num(&b, c->ph);
	BUF_PUTSL(&b, "cm\n");
	for (i = 0; i < c->nops; i++) {
		o = &c->ops[i];
		switch (o->k) {
		case OP_RECT:
			frgb(&b, o->rgb);
			frect(&b, o->x, o->y, o->w, o->h);
			BUF_PUTSL(&b, "f\n");
			break;
		case OP_BAND:
			frgb(&b, o->rgb);
			fband(&b, o, P_RADIUS * fs);
			break;
		case OP_TEXT:
			ftext(&b, c, o);
			break;
		case OP_QR:
			frgb(&b, 0xffffff);
			frect(&b, o->x, o->y, o->w, o->w);
			BUF_PUTSL(&b, "f\n");
			frgb(&b, 0x000000);
			mod = o->w / (o->qr->width + 2 * o->quiet);
			for (row = 0; row < o->qr->width; row++)
				for (j = 0; (k = qr_run(o->qr, row, &j)) > 0;
				    j += k)
					frect(&b, o->x + (o->quiet + j) * mod,
					    o->y + (o->quiet + row) * mod,
					    k * mod, mod);
			BUF_PUTSL(&b, "f\n");
			if (o->uri == NULL)
				break;
			links = xreallocarray(links, nl + 1, sizeof(*links));
			links[nl].rect[0] = o->x;
			links[nl].rect[1] = c->ph - o->y - o->w;
			links[nl].rect[2] = o->x + o->w;
			links[nl].rect[3] = c->ph - o->y;
			links[nl++].uri = o->uri;
			break;
		}
	}
	for (i = 0; i < n; i++)
		if (ms[i].date != NULL && (date == NULL ||
		    strcmp(ms[i].date, date) > 0))
			date = ms[i].date;
	BUF_PUTSL(&t, "Quick reference: ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			BUF_PUTSL(&t, ", ");
		buf_puts(&t, ms[i].title);
	}
	pdf_page_end(c->pp, out, c->pw, c->ph, &b, links, nl, buf_cstr(&t),
	    "rbc " RBC_VERSION, date);
	free(links);
	buf_free(&b);
	buf_free(&t);
	return 0;
}

