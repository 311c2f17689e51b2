/*
 * Tables in man pages: tbl(1) where the table fits the page, a list of
 * its rows where it does not, cells wrapped to their column.
 */
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "man.h"


/* Returns nothing; writes a cell's content (in bold for a header). */
static void
cell_put(struct mr *m, const struct tcell *c, int header)
{
	enum imode saved = m->mode;

	m->mode = IM_CELL;
	m->bold += header;
	if (c->node != NULL)
		inlines(m, c->node, IM_CELL, 0);
	else
		put_text(m, c->s, c->n, c->flags);
	m->bold -= header;
	font_reset(m);
	m->mode = saved;
}

/*
 * Returns nothing; renders a cell into b as it would go mid-line (the
 * start of a line is decided when a piece of it is written).
 */
static size_t
cell_render(struct mr *m, const struct tcell *c, int header, struct buf *b)
{
	struct buf *saved = m->out;
	size_t at;

	/* A line of its own before it: what came before is not its line. */
	BUF_PUTSL(b, "\nx");
	at = b->len;
	m->out = b;
	cell_put(m, c, header);
	m->out = saved;
	return at;
}

/* Returns 1 if roff text s[0..n) sets the font back to roman. */
static int
is_roman(const char *f, size_t n)
{
	return f == NULL || (n == 3 && memcmp(f, "\\fR", 3) == 0);
}

/*
 * Returns the number of pieces (at most width columns each, unless a word
 * is wider) that roff text s[0..n) is broken into, appended to pv.  A
 * font that spans a break is closed before it and opened again after.
 */
static size_t
cell_split(const char *s, size_t n, size_t width, struct buf *pv)
{
	const char *font = NULL, *sfont = NULL, *pfont;
	size_t flen = 0, sflen = 0, pflen, i = 0, j, k, c, pw, sp, end, np = 0;
	int broke;

	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		if (i >= n)
			break;
		pfont = font;
		pflen = flen;
		pw = 0;
		sp = 0;
		broke = 0;
		for (j = i; j < n; j += k) {
			k = roff_token(s + j, n - j, &c);
			if (s[j] == ' ') {
				sp = j;
				sfont = font;
				sflen = flen;
			} else if (pw + c > width && sp > i) {
				broke = 1;
				break;
			}
			if (s[j] == '\\' && k > 1 && s[j + 1] == 'f') {
				font = s + j;
				flen = k;
			}
			pw += c;
		}
		end = broke ? sp : n;
		while (end > i && s[end - 1] == ' ')
			end--;
		buf_reset(&pv[np]);
		if (!is_roman(pfont, pflen))
			buf_put(&pv[np], pfont, pflen);
		buf_put(&pv[np], s + i, end - i);
		if (broke ? !is_roman(sfont, sflen) : !is_roman(font, flen))
			BUF_PUTSL(&pv[np], "\\fR");
		np++;
		if (!broke)
			break;
		font = sfont;
		flen = sflen;
		i = sp + 1;
	}
	return np;
}

/*
 * Returns nothing; writes a table that does not fit as a list: a
 * paragraph per row, a "Header: value" line per non-empty cell.
 */
static void
table_list(struct mr *m, const struct table *t, const struct buf *cells)
{
	const struct tcell *h;
	size_t r, k;
	int first;

	for (r = t->rows > 1 ? 1 : 0; r < t->rows; r++) {
		para(m);
		first = 1;
		for (k = 0; k < t->cols; k++) {
			h = &t->cells[k];
			if (cells[r * t->cols + k].len == 0)
				continue;
			if (!first) {
				mac(m, ".br");
				mac_end(m);
			}
			first = 0;
			if (r == 0) {
				cell_put(m, h, 1);
				continue;
			}
			m->bold++;
			m->mode = IM_CELL;
			if (h->node != NULL)
				inlines(m, h->node, IM_CELL, 0);
			else
				put_text(m, h->s, h->n, h->flags);
			put_text(m, ":", 1, 0);
			m->bold--;
			font_reset(m);
			buf_putc(m->out, ' ');
			cell_put(m, &t->cells[r * t->cols + k], 0);
			m->mode = IM_TEXT;
		}
		roff_nl(m->out);
	}
}

/* Returns nothing; writes one piece of a cell, s[0..n), on a tbl data
 * line, and "\fR" after it if fr is set. */
static void
piece_put(struct mr *m, const char *s, size_t n, int fr)
{
	if (n == 0)
		return;
	/* A request, or what tbl reads as a rule or a text block. */
	if ((roff_bol(m->out) && (s[0] == '.' || s[0] == '\'')) ||
	    s[0] == '_' || s[0] == '=' || (s[0] == 'T' && n > 1 &&
	    (s[1] == '{' || s[1] == '}')))
		BUF_PUTSL(m->out, "\\&");
	buf_put(m->out, s, n);
	if (fr)
		BUF_PUTSL(m->out, "\\fR");
}

/*
 * Returns the number of pieces (0 or 1) of roff text s[0..n) that fits
 * its column whole: what cell_split gives then, found without measuring
 * every token again.  The piece is s without its outer blanks (*p, *pn);
 * *fr says whether the last font it sets is not roman, so that "\fR"
 * must follow it.  Most tables fit the page: this is their path.
 */
static size_t
cell_whole(const char *s, size_t n, const char **p, size_t *pn, int *fr)
{
	const char *q, *font = NULL;
	size_t i = 0, k, c, flen = 0;

	while (i < n && s[i] == ' ')
		i++;
	while (n > i && s[n - 1] == ' ')
		n--;
	if (i == n)
		return 0;
	/* Only an escape holds a backslash (text's are \e): from one to
	 * the next, as cell_split's tokens would go. */
	for (q = s + i; (q = memchr(q, '\\', (size_t)(s + n - q))) != NULL;
	    q += k) {
		k = roff_token(q, (size_t)(s + n - q), &c);
		if (k > 1 && q[1] == 'f') {
			font = q;
			flen = k;
		}
	}
	*p = s + i;
	*pn = n - i;
	*fr = !is_roman(font, flen);
	return 1;
}

/* Ends the tbl data line begun at ls: an empty row still needs a line
 * of its own. */
static void
row_end(struct mr *m, size_t ls)
{
	size_t j;

	for (j = ls; j < m->out->len; j++)
		if (m->out->data[j] != '\t')
			break;
	if (j == m->out->len) {
		m->out->len = ls;
		BUF_PUTSL(m->out, "\\&");
	}
	roff_nl(m->out);
}

/*
 * Returns nothing; writes t through tbl.  Columns keep their natural
 * width if the table fits the page; else the widest are narrowed to a
 * common cap (never below their longest word or MAN_MINCOL) and their
 * long cells are broken into continuation rows (rbc's own filling: tbl's
 * T{ T} blocks make groff warn under continuous rendering); if even that
 * does not fit, the table becomes a list.
 */
void
table(struct mr *m, const struct table *t)
{
	size_t *nat, *minw, *w, r, k, i, total, gaps, cap, lo, hi, mid, word;
	size_t budget, sum, nlines, *np, maxp = 0, stride, words, j, ls;
	struct buf *cells, *pieces, all = { NULL, 0, 0 };
	size_t *at;
	int wrap = 0;

	if (t->rows == 0 || t->cols == 0)
		return;
	nat = xcalloc(t->cols, sizeof(*nat));
	minw = xcalloc(t->cols, sizeof(*minw));
	w = xcalloc(t->cols, sizeof(*w));
	np = xcalloc(t->cols, sizeof(*np));
	cells = xcalloc(t->rows * t->cols, sizeof(*cells));
	at = xcalloc(t->rows * t->cols, sizeof(*at));
	pieces = NULL;
	/* Every cell rendered into one buffer; cells[] are views of it. */
	for (r = 0; r < t->rows; r++)
		for (k = 0; k < t->cols; k++) {
			i = r * t->cols + k;
			at[i] = cell_render(m, &t->cells[i], r == 0, &all);
			cells[i].len = all.len - at[i];
			total = roff_width(all.data + at[i], cells[i].len,
			    &word);
			if (total > nat[k])
				nat[k] = total;
			if (word > minw[k])
				minw[k] = word;
		}
	for (i = 0; i < t->rows * t->cols; i++)
		cells[i].data = all.data + at[i];
	budget = m->indent + 20 < MAN_WIDTH ? MAN_WIDTH - (size_t)m->indent :
	    20;
	gaps = MAN_GAP * (t->cols - 1);
	total = gaps;
	for (k = 0; k < t->cols; k++) {
		if (minw[k] < MAN_MINCOL)
			minw[k] = nat[k] < MAN_MINCOL ? nat[k] : MAN_MINCOL;
		total += nat[k];
		w[k] = nat[k];
	}
	if (total > budget) {
		/* The largest cap that fits, by bisection. */
		lo = 0;
		hi = 0;
		for (k = 0; k < t->cols; k++)
			if (nat[k] > hi)
				hi = nat[k];
		cap = (size_t)-1;
		while (lo <= hi) {
			mid = lo + (hi - lo) / 2;
			sum = gaps;
			for (k = 0; k < t->cols; k++)
				sum += nat[k] < mid ? nat[k] :
				    mid > minw[k] ? mid : minw[k];
			if (sum <= budget) {
				cap = mid;
				lo = mid + 1;
			} else if (mid == 0)
				break;
			else
				hi = mid - 1;
		}
		if (cap == (size_t)-1) {
			table_list(m, t, cells);
			goto out;
		}
		for (k = 0; k < t->cols; k++)
			if (nat[k] > cap) {
				w[k] = cap > minw[k] ? cap : minw[k];
				wrap = 1;
			}
	}
	para(m);
	/* Kept sections make groff -ww warn under continuous rendering. */
	BUF_PUTSL(m->out, ".TS\nnokeep;\n");
	for (k = 0; k < t->cols; k++) {
		if (k > 0)
			buf_putc(m->out, ' ');
		buf_putc(m->out, t->align[k]);
	}
	BUF_PUTSL(m->out, ".\n");
	for (r = 0; r < t->rows; r++) {
		if (r == 1 || (r > 1 && wrap))
			BUF_PUTSL(m->out, "_\n");
		if (!wrap) {
			/* Every cell fits its column: one line, a piece each. */
			const char *p;
			size_t pn;
			int fr;

			ls = m->out->len;
			for (k = 0; k < t->cols; k++) {
				i = r * t->cols + k;
				if (k > 0)
					buf_putc(m->out, '\t');
				if (cell_whole(cells[i].data, cells[i].len, &p,
				    &pn, &fr) == 1)
					piece_put(m, p, pn, fr);
			}
			row_end(m, ls);
			continue;
		}
		/* Room for every piece of this row: a piece per word. */
		stride = 1;
		for (k = 0; k < t->cols; k++) {
			i = r * t->cols + k;
			for (words = 1, j = 0; j < cells[i].len; j++)
				words += cells[i].data[j] == ' ';
			if (words > stride)
				stride = words;
		}
		if (stride * t->cols > maxp) {
			pieces = xreallocarray(pieces, stride * t->cols,
			    sizeof(*pieces));
			memset(pieces + maxp, 0, (stride * t->cols - maxp) *
			    sizeof(*pieces));
			maxp = stride * t->cols;
		}
		nlines = 1;
		for (k = 0; k < t->cols; k++) {
			i = r * t->cols + k;
			np[k] = cell_split(cells[i].data, cells[i].len, w[k],
			    pieces + k * stride);
			if (np[k] > nlines)
				nlines = np[k];
		}
		for (i = 0; i < nlines; i++) {
			ls = m->out->len;
			for (k = 0; k < t->cols; k++) {
				if (k > 0)
					buf_putc(m->out, '\t');
				if (i < np[k])
					piece_put(m, pieces[k * stride + i].data,
					    pieces[k * stride + i].len, 0);
			}
			row_end(m, ls);
		}
	}
	BUF_PUTSL(m->out, ".TE\n");
out:
	buf_free(&all);
	free(at);
	for (i = 0; i < maxp; i++)
		buf_free(&pieces[i]);
	free(pieces);
	free(cells);
	free(np);
	free(nat);
	free(minw);
	free(w);
}

/* Returns nothing; writes a GFM table node. */
void
md_table(struct mr *m, cmark_node *tn)
{
	struct table t;
	cmark_node *row, *cell;
	const uint8_t *al;
	size_t r, k;

	memset(&t, 0, sizeof(t));
	t.cols = cmark_gfm_extensions_get_table_columns(tn);
	for (row = cmark_node_first_child(tn); row != NULL;
	    row = cmark_node_next(row))
		t.rows++;
	if (t.cols == 0 || t.rows == 0)
		return;
	t.cells = xcalloc(t.rows * t.cols, sizeof(*t.cells));
	t.align = xcalloc(t.cols, 1);
	al = cmark_gfm_extensions_get_table_alignments(tn);
	for (k = 0; k < t.cols; k++)
		t.align[k] = al == NULL ? 'l' : al[k] == 'c' ? 'c' :
		    al[k] == 'r' ? 'r' : 'l';
	for (r = 0, row = cmark_node_first_child(tn); row != NULL;
	    row = cmark_node_next(row), r++)
		for (k = 0, cell = cmark_node_first_child(row);
		    cell != NULL && k < t.cols;
		    cell = cmark_node_next(cell), k++)
			t.cells[r * t.cols + k].node = cell;
	for (k = 0; k < t.rows * t.cols; k++)
		if (t.cells[k].node == NULL)
			t.cells[k].s = "";
	table(m, &t);
	free(t.cells);
	free(t.align);
}

