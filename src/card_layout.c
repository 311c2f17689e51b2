/*
 * The card's model and layout (card.c has the interface).
 *
 * The quick-reference card: exactly one printed page per runbook (or
 * several runbooks stacked on one page), as PDF made in-process with Cairo
 * and Pango, and as a standalone HTML document that prints on one page.
 *
 * A card is laid out from a small model extracted from the front-matter
 * (struct cmodel).  Layout measures every text with Pango and records
 * what to draw in a display list; it starts at a base font size of 10 pt
 * and shrinks by 0.5 pt until everything fits the page, down to 6 pt.
 * At each size it tries three densities: roomy; a long thresholds table
 * in two halves side by side; and compact (contacts on one line each,
 * tighter rows), so that a crowded card keeps the largest type it can.
 * Only the display list of the layout chosen is replayed onto the PDF
 * surface, so nothing is shaped twice.  Text wraps at words, or
 * inside a word that is wider than its column, so nothing is cut off;
 * what does not fit at 6 pt is refused with card-overflow and no output
 * at all.  No text is smaller than 6 pt.  The HTML card uses the same
 * text sizes, line height and columns, and the spacing a little tighter,
 * because browsers round their metrics their own way.
 *
 * Output is deterministic: no clock reading (the PDF's CreationDate is the
 * newest last_reviewed date, or absent), fonts found by fontconfig, and
 * cairo's font subset names derive from the glyphs used.
 *
 * A struct card is used by one thread at a time: it owns a Pango context,
 * the layouts and the display list that every render reuses.
 */

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "card.h"








/* Column widths, fractions of the content (or half-table) width. */
const double esc_frac[] = { 0.10, 0.30, 0.31, 0.29 };
const double sev_frac[] = { 0.10, 0.18, 0.44, 0.28 };
const double thr6_frac[] = { 0.36, 0.13, 0.14, 0.14, 0.12, 0.11 };
const double thr5_frac[] = { 0.42, 0.14, 0.15, 0.15, 0.14 };
const double quick_frac[] = { 0.27, 0.73 };

/* The thresholds table's column heads, whole and in halves. */
const char *const thr_head[2][6] = {
	{ "METRIC", "WHEN", "WARNING", "CRITICAL", "UNIT", "FOR" },
	{ "METRIC", "WHEN", "WARN", "CRIT", "UNIT", "FOR" }
};








/* ------------------------------------------------------------ the model */







/*
 * Returns s as valid UTF-8 without control characters (invalid bytes
 * become U+FFFD; newlines kept unless oneline), trimmed, in the arena;
 * NULL when s is NULL or blank.
 */
static const char *
clean(struct arena *a, const char *s, int oneline)
{
	struct buf b = { NULL, 0, 0 };
	const char *r;
	size_t i, n, start, end;
	uint32_t cp;
	int k;

	if (s == NULL)
		return NULL;
	n = strlen(s);
	for (i = 0; i < n; ) {
		unsigned char ch = (unsigned char)s[i];

		if (ch < 0x80) {
			if (ch == '\n' && !oneline)
				buf_putc(&b, '\n');
			else if (ch < 0x20 || ch == 0x7f)
				buf_putc(&b, ' ');
			else
				buf_putc(&b, ch);
			i++;
			continue;
		}
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
			BUF_PUTSL(&b, "\xef\xbf\xbd");
			i++;
			continue;
		}
		/* C1 controls and bidirectional overrides. */
		if ((cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a &&
		    cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
			buf_putc(&b, ' ');
		else
			buf_put(&b, s + i, (size_t)k);
		i += (size_t)k;
	}
	start = 0;
	end = b.len;
	while (start < end && (b.data[start] == ' ' || b.data[start] == '\n'))
		start++;
	while (end > start && (b.data[end - 1] == ' ' ||
	    b.data[end - 1] == '\n'))
		end--;
	r = start < end ? arena_strndup(a, b.data + start, end - start) :
	    NULL;
	buf_free(&b);
	return r;
}

/* Returns the cleaned one-line text of key in map m, or NULL. */
static const char *
field(struct arena *a, const struct ynode *m, const char *key)
{
	return clean(a, ystr(ymap_get(m, key)), 1);
}


/* Fills a contact from its front-matter map. */
static void
contact_fill(struct arena *a, const struct ynode *m, struct ccontact *c)
{
	c->id = field(a, m, "id");
	c->name = field(a, m, "name");
	c->role = field(a, m, "role");
	c->phone = field(a, m, "phone");
	c->chat = field(a, m, "chat");
	c->email = field(a, m, "email");
	c->pager = field(a, m, "pager");
}

/* Returns the contact node for id: the runbook's own, else the site's. */
static const struct ynode *
contact_lookup(const struct site *site, const struct runbook *r,
    const char *id)
{
	return id != NULL ? contact_find(site, r, id) : NULL;
}

/* Returns the runbook page's absolute URL, or NULL without a base_url. */
static const char *
page_url(struct arena *a, const struct site *site, const char *id)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *base = site != NULL ? site->cfg.base_url : NULL;
	struct buf b = { NULL, 0, 0 };
	const char *r, *p;

	if (base == NULL || id == NULL || (strncmp(base, "https://", 8) &&
	    strncmp(base, "http://", 7)))
		return NULL;
	for (p = base; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '"' || *p == '\'' ||
		    *p == '<' || *p == '>' || *p == '\\' || *p == 0x7f)
			return NULL;
	buf_puts(&b, base);
	if (b.len == 0 || b.data[b.len - 1] != '/')
		buf_putc(&b, '/');
	for (p = id; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~/", ch) != NULL)
			buf_putc(&b, ch);
		else {
			buf_putc(&b, '%');
			buf_putc(&b, hex[ch >> 4]);
			buf_putc(&b, hex[ch & 15]);
		}
	}
	BUF_PUTSL(&b, ".html");
	r = arena_strdup(a, b.data);
	buf_free(&b);
	return r;
}

/* Returns "after 15m", "at once" for a zero delay, or NULL. */
static const char *
after_text(struct arena *a, const char *after)
{
	const char *p;
	char *s;

	if (after == NULL)
		return NULL;
	for (p = after; *p == '0'; p++)
		continue;
	if (p != after && (*p == '\0' || (strchr("smhdw", *p) != NULL &&
	    p[1] == '\0')))
		return "at once";
	s = xasprintf("after %s", after);
	p = arena_strdup(a, s);
	free(s);
	return p;
}

/* Returns the length of a sequence node, or 0 when it is something else. */
static size_t
seqlen(const struct ynode *y)
{
	return y != NULL && y->type == Y_SEQ ? y->n : 0;
}

/* Returns the runbook's text for key: its parsed field, else front-matter. */
static const char *
rb_text(struct arena *a, const char *have, const struct runbook *r,
    const char *key)
{
	return clean(a, have != NULL ? have : ystr(ymap_get(r->fm, key)), 1);
}

/* Builds the card's model of runbook r, its strings in the arena. */
void
model_build(struct arena *a, const struct site *site,
    const struct runbook *r, struct cmodel *m)
{
	const struct ynode *fm = r->fm, *y, *e, *c, *list;
	struct buf b = { NULL, 0, 0 };
	const char **used;
	size_t i, j, k, nused = 0;

	memset(m, 0, sizeof(*m));
	m->r = r;
	m->id = clean(a, r->id, 1);
	m->title = rb_text(a, r->title, r, "title");
	if (m->title == NULL)
		m->title = m->id != NULL ? m->id : "Untitled runbook";
	m->summary = rb_text(a, r->summary, r, "summary");
	m->service = rb_text(a, r->service, r, "service");
	m->owner = rb_text(a, r->owner, r, "owner");
	m->review_by = clean(a, r->review_by, 1);
	m->version = clean(a, r->version, 1);
	m->url = page_url(a, site, r->page != NULL ? r->page : r->id);
	{
		/* The alerts that page for this runbook, the first few. */
		size_t na, ka;
		const int *ai = alerts_of(site, r, &na);

		for (ka = 0; ka < na && ka < 6; ka++) {
			if (ka)
				BUF_PUTSL(&b, ", ");
			buf_puts(&b, site->alerts.v[ai[ka]].name);
		}
		if (na > 6) {
			char more[32];
			snprintf(more, sizeof(more), " (+%zu more)", na - 6);
			buf_puts(&b, more);
		}
		if (na > 0)
			m->alerts = clean(a, buf_cstr(&b), 1);
		buf_reset(&b);
	}
	if (date_valid(ystr(ymap_get(fm, "last_reviewed"))))
		m->date = ystr(ymap_get(fm, "last_reviewed"));

	/* The escalation chain, contacts resolved. */
	y = ymap_get(fm, "escalation");
	m->esc = arena_calloc(a, seqlen(y) + 1, sizeof(*m->esc));
	used = xcalloc(seqlen(y) + 1, sizeof(*used));
	for (i = 0; i < seqlen(y); i++) {
		struct cesc *x = &m->esc[m->nesc];

		e = y->items[i];
		if (e->type != Y_MAP)
			continue;
		m->nesc++;
		x->level = field(a, e, "level");
		if (x->level == NULL) {
			char num[24];

			snprintf(num, sizeof(num), "%zu", m->nesc);
			x->level = arena_strdup(a, num);
		}
		x->after = after_text(a, field(a, e, "after"));
		c = ymap_get(e, "contact");
		if (c != NULL && c->type == Y_MAP) {
			contact_fill(a, c, &x->c);
			x->known = 1;
		} else if (ystr(c) != NULL) {
			used[nused++] = ystr(c);
			x->c.id = clean(a, ystr(c), 1);
			if ((c = contact_lookup(site, r, ystr(c))) != NULL) {
				contact_fill(a, c, &x->c);
				x->known = 1;
			}
		} else if (c == NULL && ystr(ymap_get(e, "who")) != NULL) {
			/* Someone the text names, no contact of the
			 * runbook: shown as written. */
			x->c.name = clean(a, ystr(ymap_get(e, "who")), 1);
			x->known = 1;
		}
	}

	/* The runbook's contacts that the chain does not name. */
	list = ymap_get(fm, "contacts");
	m->others = arena_calloc(a, seqlen(list) + 1, sizeof(*m->others));
	for (i = 0; i < seqlen(list); i++) {
		const char *id = ystr(ymap_get(list->items[i], "id"));

		if (list->items[i]->type != Y_MAP)
			continue;
		for (j = 0; j < nused; j++)
			if (id != NULL && strcmp(used[j], id) == 0)
				break;
		if (j == nused)
			contact_fill(a, list->items[i],
			    &m->others[m->nothers++]);
	}
	free(used);

	/* Severity levels, notify ids shown as names. */
	y = ymap_get(fm, "severity_levels");
	m->sev = arena_calloc(a, seqlen(y) + 1, sizeof(*m->sev));
	for (i = 0; i < seqlen(y); i++) {
		struct csev *s = &m->sev[m->nsev];
		const struct ynode *nt;

		e = y->items[i];
		if (e->type != Y_MAP)
			continue;
		m->nsev++;
		s->name = field(a, e, "name");
		s->response = field(a, e, "response");
		s->desc = clean(a, ystr(ymap_get(e, "description")), 0);
		nt = ymap_get(e, "notify");
		buf_reset(&b);
		for (k = 0; k < seqlen(nt); k++) {
			const char *id = ystr(nt->items[k]), *nm = NULL;

			if (id == NULL)
				continue;
			if ((c = contact_lookup(site, r, id)) != NULL &&
			    (nm = ystr(ymap_get(c, "name"))) == NULL)
				nm = ystr(ymap_get(c, "role"));
			if (b.len > 0)
				BUF_PUTSL(&b, ", ");
			buf_puts(&b, nm != NULL ? nm : id);
		}
		if (ystr(nt) != NULL)
			buf_puts(&b, ystr(nt));
		s->notify = b.len > 0 ? clean(a, b.data, 1) : NULL;
	}

	/* Thresholds. */
	y = ymap_get(fm, "thresholds");
	m->thr = arena_calloc(a, seqlen(y) + 1, sizeof(*m->thr));
	for (i = 0; i < seqlen(y); i++) {
		struct cthr *t = &m->thr[m->nthr];

		e = y->items[i];
		if (e->type != Y_MAP)
			continue;
		m->nthr++;
		t->metric = field(a, e, "metric");
		t->dir = field(a, e, "direction");
		if (t->dir == NULL)
			t->dir = "above";
		t->warn = field(a, e, "warning");
		t->crit = field(a, e, "critical");
		t->unit = field(a, e, "unit");
		if ((t->dur = field(a, e, "for")) != NULL)
			m->anydur = 1;
	}

	/* Quick-reference commands; a bare string is a command. */
	y = ymap_get(fm, "quickref");
	m->quick = arena_calloc(a, seqlen(y) + 1, sizeof(*m->quick));
	for (i = 0; i < seqlen(y); i++) {
		struct cquick *q = &m->quick[m->nquick];

		e = y->items[i];
		if (e->type == Y_MAP) {
			q->label = field(a, e, "label");
			q->cmd = clean(a, ystr(ymap_get(e, "command")), 0);
		} else
			q->cmd = clean(a, ystr(e), 0);
		if (q->label != NULL || q->cmd != NULL)
			m->nquick++;
	}
	buf_free(&b);

	if (m->url != NULL) {
		m->qr = QRcode_encodeString(m->url, 0, QR_ECLEVEL_M,
		    QR_MODE_8, 1);
		if (m->qr != NULL && m->qr->version > QR_MAXVER) {
			QRcode_free(m->qr);
			m->qr = NULL;
		}
	}
}

/* ------------------------------------------------------- layout engine */


/* Appends an operation to the card's display list. */
static void
op_add(struct card *c, const struct op *o)
{
	if (c->nops == c->opcap) {
		c->opcap = c->opcap ? c->opcap * 2 : 256;
		c->ops = xreallocarray(c->ops, c->opcap, sizeof(*c->ops));
	}
	c->ops[c->nops++] = *o;
}

/* Returns the size in pt of text z base sizes large: never below 6 pt. */
double
zpt(double z, double fs)
{
	return z * fs < FS_MIN ? FS_MIN : z * fs;
}

/* Returns 1 once measuring has gone past any chance of fitting. */
static int
full(const struct lay *L)
{
	return L->y > L->ymax;
}

/* Returns a layout of the card's pool, made on first use. */
static PangoLayout *
layout_get(struct lay *L)
{
	struct card *c = L->c;

	card_pango(c);
	if (L->npl == c->npl) {
		c->pl = xreallocarray(c->pl, c->npl + 1, sizeof(*c->pl));
		c->pl[c->npl] = pango_layout_new(c->pctx);
		pango_layout_set_wrap(c->pl[c->npl], PANGO_WRAP_WORD_CHAR);
		c->npl++;
	}
	return c->pl[L->npl++];
}

/* Adds a styled range [from, to) to an attribute list. */
static void
span_attrs(PangoAttrList *al, size_t from, size_t to, int bold, double pt,
    uint32_t col)
{
	PangoAttribute *at[3];
	int i;

	at[0] = pango_attr_weight_new(bold ? PANGO_WEIGHT_BOLD :
	    PANGO_WEIGHT_NORMAL);
	at[1] = pango_attr_size_new((int)(pt * PANGO_SCALE + 0.5));
	at[2] = pango_attr_foreground_new(((col >> 16) & 255) * 257,
	    ((col >> 8) & 255) * 257, (col & 255) * 257);
	for (i = 0; i < 3; i++) {
		at[i]->start_index = (guint)from;
		at[i]->end_index = (guint)to;
		pango_attr_list_insert(al, at[i]);
	}
}

/* Records the first text wider than its box: its first 40 bytes or
 * fewer, cut between characters. */
static void
wide_set(struct lay *L, const char *s)
{
	size_t n = 0, k;

	if (L->haswide == 1)
		return;
	L->haswide = 1;
	while (s[n] != '\0') {
		for (k = 1; (s[n + k] & 0xc0) == 0x80; k++)
			;
		if (n + k > 40)
			break;
		n += k;
	}
	memcpy(L->wide, s, n);
	L->wide[n] = '\0';
}

/* Returns a free character of the fast path's text. */
static struct fch *
fch_get(struct card *c, size_t n)
{
	if (n == c->chcap) {
		c->chcap = c->chcap ? 2 * c->chcap : 256;
		c->ch = xreallocarray(c->ch, c->chcap, sizeof(*c->ch));
	}
	return &c->ch[n];
}

/* Returns 1 for a letter after which a hyphen may break a line. */
static int
is_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
	    (cp >= 0xc0 && cp <= 0x17f && cp != 0xd7 && cp != 0xf7);
}

/*
 * Places characters ch[from..to-1] as one line whose top is top, in a
 * box w wide aligned al, as runs of glyphs; returns its height.
 */
static double
fline(struct lay *L, size_t from, size_t to, double top, double w,
    PangoAlignment al, enum font f, double pt, uint32_t col,
    const struct span *sp)
{
	struct card *c = L->c;
	const struct fch *ch = c->ch;
	double asc = 0, desc = 0, lw = 0, x, a;
	size_t te = to, j;
	struct frun *r = NULL;

	for (j = from; j < to; j++) {
		if ((a = pdf_ascent(c->pf, ch[j].f) * ch[j].pt) > asc)
			asc = a;
		if ((a = pdf_descent(c->pf, ch[j].f) * ch[j].pt) > desc)
			desc = a;
	}
	if (from == to) {
		asc = pdf_ascent(c->pf, f) * pt;
		desc = pdf_descent(c->pf, f) * pt;
	}
	while (te > from && ch[te - 1].cp == ' ')
		te--;
	for (j = from; j < te; j++)
		lw += ch[j].w + (j > from ? ch[j].k : 0);
	if (lw > w + 0.25 && L->haswide == 0)
		L->haswide = 2;	/* fprep() records the text */
	x = al == PANGO_ALIGN_CENTER ? (w - lw) / 2 :
	    al == PANGO_ALIGN_RIGHT ? w - lw : 0;
	for (j = from; j < te; j++) {
		if (j > from)
			x += ch[j].k;
		if (r == NULL || ch[j].st != ch[j - 1].st) {
			if (c->nruns == c->runcap) {
				c->runcap = c->runcap ? 2 * c->runcap : 256;
				c->runs = xreallocarray(c->runs, c->runcap,
				    sizeof(*c->runs));
			}
			r = &c->runs[c->nruns++];
			r->f = ch[j].f;
			r->pt = ch[j].pt;
			r->rgb = ch[j].st < 0 ? col : sp[ch[j].st].rgb;
			r->x = x;
			r->y = top + asc;
			r->g0 = c->nfg;
			r->ng = 0;
		}
		if (c->nfg == c->fgcap) {
			c->fgcap = c->fgcap ? 2 * c->fgcap : 1024;
			c->fg = xreallocarray(c->fg, c->fgcap, sizeof(*c->fg));
		}
		c->fg[c->nfg].g = ch[j].g;
		c->fg[c->nfg++].k = r->ng > 0 ? ch[j].k : 0;
		r->ng++;
		x += ch[j].w;
	}
	return asc + desc;
}

/*
 * The fast path's prep_attr(): sets s with the fonts' own metrics and
 * kerning, wrapped at spaces and after a hyphen between letters, inside a
 * word only if it is wider than the box (as Pango's PANGO_WRAP_WORD_CHAR).
 * Returns the height, and the runs in o; on a character the subset
 * lacks, sets c->slow and returns 0.
 */
static double
fprep(struct lay *L, const char *s, enum font f, double pt, double w,
    PangoAlignment al, uint32_t col, const struct span *sp, size_t nsp,
    struct op *o)
{
	struct card *c = L->c;
	size_t len = strlen(s), b = 0, n = 0, i, j, ls, brk, end, q;
	struct fch *h;
	double width, wj, ht = 0;
	uint32_t cp;
	int k, st;

	while (b < len) {
		if ((k = utf8_decode(s + b, len - b, &cp)) <= 0) {
			c->slow = 1;
			return 0;
		}
		st = -1;
		for (q = 0; q < nsp; q++)
			if (b >= sp[q].from && b < sp[q].to)
				st = (int)q;
		h = fch_get(c, n);
		h->cp = cp;
		h->st = st;
		h->f = st < 0 ? f : sp[st].f;
		h->pt = st < 0 ? pt : zpt(sp[st].z, L->fs);
		h->g = 0;
		h->w = h->k = 0;
		if (cp != '\n') {
			if ((h->g = pdf_glyph(c->pf, h->f, cp)) == 0) {
				c->slow = 1;
				return 0;
			}
			h->w = pdf_advance(c->pf, h->f, h->g) * h->pt;
			if (n > 0 && c->ch[n - 1].g != 0 &&
			    c->ch[n - 1].st == st)
				h->k = pdf_kern(c->pf, h->f, c->ch[n - 1].g,
				    h->g) * h->pt;
		}
		n++;
		b += (size_t)k;
	}
	o->pl = NULL;
	o->r0 = c->nruns;
	i = 0;
	do {
		ls = brk = end = i;
		width = 0;
		for (j = ls; j < n && c->ch[j].cp != '\n'; j++) {
			wj = c->ch[j].w + (j > ls ? c->ch[j].k : 0);
			if (c->ch[j].cp == ' ') {
				width += wj;
				brk = j + 1;
				continue;
			}
			if (j > ls && width + wj > w + 1e-9)
				break;
			width += wj;
			if (c->ch[j].cp == '-' && j > ls && j + 1 < n &&
			    c->ch[j - 1].cp != ' ' &&
			    is_letter(c->ch[j - 1].cp) &&
			    is_letter(c->ch[j + 1].cp))
				brk = j + 1;
		}
		end = j < n && c->ch[j].cp != '\n' && brk > ls ? brk : j;
		ht += fline(L, ls, end, ht, w, al, f, pt, col, sp);
		i = end;
		if (i < n && c->ch[i].cp == '\n')
			i++;
	} while (i < n);
	o->nr = c->nruns - o->r0;
	if (L->haswide == 2)
		wide_set(L, s);
	return ht;
}

/*
 * Returns the height of text s set in font f at size sz (in base sizes),
 * wrapped into a box w wide whose top left is (x, y); queued for the
 * display list by flush().  Spans, when given, style parts of s.
 */
static double
prep_attr(struct lay *L, const char *s, enum font f, double sz, double x,
    double y, double w, PangoAlignment al, uint32_t col,
    const struct span *sp, size_t nsp)
{
	PangoFontDescription *fd = L->c->fd[f];
	PangoAttrList *attrs = NULL;
	PangoLayout *pl;
	PangoRectangle lr;
	struct op *o;
	double h;
	size_t i;

	if (s == NULL || *s == '\0')
		return 0;
	assert(L->npend < NPEND);
	o = &L->pend[L->npend++];
	memset(o, 0, sizeof(*o));
	o->k = OP_TEXT;
	o->x = x;
	o->y = y;
	o->rgb = col;
	if (L->c->fast)
		return fprep(L, s, f, zpt(sz, L->fs), w, al, col, sp, nsp, o);
	pl = layout_get(L);
	fd = L->c->fd[f];	/* set up by layout_get's card_pango */
	pango_font_description_set_size(fd,
	    (gint)(zpt(sz, L->fs) * PANGO_SCALE + 0.5));
	pango_layout_set_font_description(pl, fd);
	pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
	pango_layout_set_alignment(pl, al);
	if (nsp > 0) {
		attrs = pango_attr_list_new();
		pango_attr_list_insert(attrs,
		    pango_attr_insert_hyphens_new(FALSE));
		for (i = 0; i < nsp; i++)
			span_attrs(attrs, sp[i].from, sp[i].to,
			    sp[i].f == F_BOLD, zpt(sp[i].z, L->fs), sp[i].rgb);
	}
	pango_layout_set_attributes(pl, attrs != NULL ? attrs :
	    L->c->nohyph);
	if (attrs != NULL)
		pango_attr_list_unref(attrs);
	pango_layout_set_text(pl, s, -1);
	pango_layout_get_extents(pl, NULL, &lr);
	if (lr.width > (int)(w * PANGO_SCALE) + PANGO_SCALE / 4)
		wide_set(L, s);
	o->pl = pl;
	h = (double)lr.height / PANGO_SCALE;
	return h;
}

/* Returns the height of s: prep_attr() without spans. */
static double
prep(struct lay *L, const char *s, enum font f, double sz, double x,
    double y, double w, PangoAlignment al, uint32_t col)
{
	return prep_attr(L, s, f, sz, x, y, w, al, col, NULL, 0);
}

/*
 * Returns the height of "a  b" on one line (wrapped if need be): a in
 * font fa at size za and colour ca, b in the muted small style.
 */
static double
prep2(struct lay *L, const char *a, enum font fa, double za, uint32_t ca,
    const char *b, double zb, double x, double y, double w)
{
	struct buf t = { NULL, 0, 0 };
	struct span sp[2];
	double h;

	if (a == NULL || b == NULL)
		return prep(L, a != NULL ? a : b, a != NULL ? fa : F_SANS,
		    a != NULL ? za : zb, x, y, w, PANGO_ALIGN_LEFT,
		    a != NULL ? ca : C_MUTED);
	buf_puts(&t, a);
	sp[0].from = 0;
	sp[0].to = t.len;
	sp[0].f = fa == F_BOLD ? F_BOLD : F_SANS;
	sp[0].z = za;
	sp[0].rgb = ca;
	BUF_PUTSL(&t, "  ");
	sp[1].from = t.len;
	buf_puts(&t, b);
	sp[1].to = t.len;
	sp[1].f = F_SANS;
	sp[1].z = zb;
	sp[1].rgb = C_MUTED;
	h = prep_attr(L, t.data, F_SANS, za, x, y, w, PANGO_ALIGN_LEFT, ca,
	    sp, 2);
	buf_free(&t);
	return h;
}

/* Moves the queued texts to the display list, after what is there. */
static void
flush(struct lay *L)
{
	size_t i;

	for (i = 0; i < L->npend; i++)
		op_add(L->c, &L->pend[i]);
	L->npend = 0;
}

/* Records a filled rectangle. */
static void
fillrect(struct lay *L, double x, double y, double w, double h, uint32_t c)
{
	struct op o;

	memset(&o, 0, sizeof(o));
	o.k = OP_RECT;
	o.x = x;
	o.y = y;
	o.w = w;
	o.h = h;
	o.rgb = c;
	op_add(L->c, &o);
}

/* Records a rule across the content box at y, wd thick. */
static void
hline(struct lay *L, double y, double wd, uint32_t c)
{
	fillrect(L, L->x, y, L->w, wd, c);
}

/* Returns the QR code's printed size at base font size fs. */
double
qr_size(double fs, int dens)
{
	double q = (dens >= 2 ? 6.0 : 6.6) * fs, min = dens >= 2 ? 40 : 48;

	return q < min ? min : q > 72 ? 72 : q;
}

/* Returns the QR code's quiet zone, in modules. */
int
qr_quiet(int dens)
{
	return dens >= 2 ? QR_QUIET_C : QR_QUIET;
}

/* Appends a "LABEL value" pair to a meta line, styling both parts. */
static void
meta_add(struct buf *b, struct span *sp, size_t *nsp, const char *label,
    const char *val)
{
	if (val == NULL)
		return;
	if (b->len > 0)
		BUF_PUTSL(b, "   ");
	sp[*nsp].from = b->len;
	buf_puts(b, label);
	sp[*nsp].to = b->len;
	sp[*nsp].f = F_SANS;
	sp[*nsp].z = Z_METALABEL;
	sp[*nsp].rgb = C_BANDMUTED;
	(*nsp)++;
	buf_putc(b, ' ');
	sp[*nsp].from = b->len;
	buf_puts(b, val);
	sp[*nsp].to = b->len;
	sp[*nsp].f = F_BOLD;
	sp[*nsp].z = Z_META;
	sp[*nsp].rgb = C_BANDTXT;
	(*nsp)++;
}

/* The header band: title, summary, meta line, and the QR code. */
static void
lay_header(struct lay *L, const struct cmodel *m)
{
	double fs = L->fs, pad = P_BAND * L->pf * fs, q = 0, tw, y, h;
	double y0 = L->y, x = L->x + pad, cap = 0, capgap = 0;
	struct buf b = { NULL, 0, 0 };
	struct span sp[12];	/* two for each meta_add */
	size_t nsp = 0;
	struct op o;

	if (m->qr != NULL)
		q = qr_size(fs, L->dens);
	tw = L->w - 2 * pad - (q > 0 ? q + pad : 0);
	y = y0 + pad;
	y += prep(L, m->title, F_BOLD, Z_TITLE, x, y, tw, PANGO_ALIGN_LEFT,
	    C_BANDTXT);
	if (m->summary != NULL) {
		y += P_SUMMARY * fs;
		y += prep(L, m->summary, F_SANS, Z_SUMMARY, x, y, tw,
		    PANGO_ALIGN_LEFT, C_BANDMUTED);
	}
	meta_add(&b, sp, &nsp, "SERVICE", m->service);
	meta_add(&b, sp, &nsp, "OWNER", m->owner);
	meta_add(&b, sp, &nsp, "REVIEW BY", m->review_by);
	/* No review date: the card never looks reviewed. */
	meta_add(&b, sp, &nsp, "REVIEW", m->date == NULL ? "never reviewed" :
	    NULL);
	meta_add(&b, sp, &nsp, "VERSION", m->version);
	meta_add(&b, sp, &nsp, "ALERTS", m->alerts);
	if (b.len > 0) {
		y += P_META * fs;
		y += prep_attr(L, b.data, F_SANS, Z_META, x, y, tw,
		    PANGO_ALIGN_LEFT, C_BANDTXT, sp, nsp);
	}
	buf_free(&b);
	/* The compact layout has no room for the QR code's caption. */
	if (q > 0 && L->dens < 2) {
		capgap = P_CAPTION * fs;
		cap = prep(L, "Scan: full runbook", F_SANS, Z_CAPTION,
		    L->x + L->w - pad - q, y0 + pad + q + capgap, q,
		    PANGO_ALIGN_CENTER, C_BANDMUTED);
	}
	h = y - y0;
	if (q > 0 && pad + q + capgap + cap > h)
		h = pad + q + capgap + cap;
	h += pad;

	memset(&o, 0, sizeof(o));
	o.k = OP_BAND;
	o.x = L->x;
	o.y = y0;
	o.w = L->w;
	o.h = h;
	o.rgb = C_BAND;
	op_add(L->c, &o);
	if (q > 0) {
		o.k = OP_QR;
		o.x = L->x + L->w - pad - q;
		o.y = y0 + pad;
		o.w = o.h = q;
		o.qr = m->qr;
		o.uri = m->url;
		o.quiet = qr_quiet(L->dens);
		op_add(L->c, &o);
	}
	flush(L);
	L->y = y0 + h;
}

/* A section heading: small capitals in the accent colour over a rule. */
static void
lay_heading(struct lay *L, const char *s)
{
	double fs = L->fs, h;

	L->y += P_HEAD * L->pf * fs;
	h = prep(L, s, F_BOLD, Z_HEAD, L->x, L->y, L->w, PANGO_ALIGN_LEFT,
	    C_ACCENT);
	flush(L);
	L->y += h + P_HEADRULE * fs;
	hline(L, L->y, W_HEADRULE, C_ACCENT);
	L->y += W_HEADRULE;
}

/* Column geometry: n columns over width w0 from x0, by fractions. */
static void
cols(double x0, double w0, double fs, const double *frac, size_t n,
    double *x, double *w)
{
	double gut = P_GUT * fs;
	size_t i;

	for (i = 0; i < n; i++) {
		x[i] = x0;
		w[i] = frac[i] * w0 - (i + 1 < n ? gut : 0);
		x0 += frac[i] * w0;
	}
}

/* Returns the name a contact row shows, and its role line in *role. */
const char *
contact_name(const struct ccontact *c, const char **role)
{
	*role = c->role;
	if (c->name != NULL)
		return c->name;
	*role = NULL;
	return c->role != NULL ? c->role : c->id;
}

/* One contact row: level, who, phone (large: it gets dialled), chat. */
static void
lay_contact(struct lay *L, const char *level, const char *after,
    const struct ccontact *c, int known, int last)
{
	double fs = L->fs, pad = P_ESC * L->pf * fs, x[4], w[4], h[4];
	double y = L->y + pad;
	double rh = 0;
	const char *name, *role;
	char *unk = NULL, *page = NULL;
	int i;

	cols(L->x, L->w, fs, esc_frac, 4, x, w);
	if (known)
		name = contact_name(c, &role);
	else {
		unk = xasprintf("%s (unknown contact)",
		    c->id != NULL ? c->id : "?");
		name = unk;
		role = NULL;
	}
	if (L->dens >= 2) {
		/* Compact: each cell's two parts on one line. */
		h[0] = prep2(L, level, F_BOLD, Z_LEVEL, C_ACCENT, after,
		    Z_SUB, x[0], y, w[0]);
		h[1] = prep2(L, name, F_BOLD, Z_NAME, C_INK, role, Z_SUB,
		    x[1], y, w[1]);
		h[3] = prep2(L, c->chat, F_SANS, Z_CHAT, C_INK, c->email,
		    Z_SUB, x[3], y, w[3]);
	} else {
		h[0] = prep(L, level, F_BOLD, Z_LEVEL, x[0], y, w[0],
		    PANGO_ALIGN_LEFT, C_ACCENT);
		h[0] += prep(L, after, F_SANS, Z_SUB, x[0], y + h[0], w[0],
		    PANGO_ALIGN_LEFT, C_MUTED);
		h[1] = prep(L, name, F_BOLD, Z_NAME, x[1], y, w[1],
		    PANGO_ALIGN_LEFT, C_INK);
		h[1] += prep(L, role, F_SANS, Z_SUB, x[1], y + h[1], w[1],
		    PANGO_ALIGN_LEFT, C_MUTED);
		h[3] = prep(L, c->chat, F_SANS, Z_CHAT, x[3], y, w[3],
		    PANGO_ALIGN_LEFT, C_INK);
		h[3] += prep(L, c->email, F_SANS, Z_SUB, x[3], y + h[3],
		    w[3], PANGO_ALIGN_LEFT, C_MUTED);
	}
	if (c->phone != NULL)
		h[2] = prep(L, c->phone, F_BOLD, Z_PHONE, x[2], y, w[2],
		    PANGO_ALIGN_LEFT, C_INK);
	else if (c->pager != NULL) {
		/* What to page, where a number to dial would be. */
		page = xasprintf("Page %s", c->pager);
		h[2] = prep(L, page, F_BOLD, Z_CHAT, x[2], y, w[2],
		    PANGO_ALIGN_LEFT, C_INK);
	} else
		h[2] = prep(L, "no phone", F_SANS, Z_SUB, x[2], y, w[2],
		    PANGO_ALIGN_LEFT, C_MUTED);
	free(unk);
	free(page);
	for (i = 0; i < 4; i++)
		if (h[i] > rh)
			rh = h[i];
	rh += 2 * pad;
	flush(L);
	if (!last)
		hline(L, L->y + rh - W_RULE, W_RULE, C_RULE);
	L->y += rh;
}

/* The escalation chain, in order, contacts resolved. */
static void
lay_escalation(struct lay *L, const struct cmodel *m)
{
	size_t i;

	if (m->nesc == 0)
		return;
	lay_heading(L, "ESCALATION \xe2\x80\x94 CALL IN THIS ORDER");
	for (i = 0; i < m->nesc && !full(L); i++)
		lay_contact(L, m->esc[i].level, m->esc[i].after, &m->esc[i].c,
		    m->esc[i].known, i + 1 == m->nesc);
}

/* The runbook's contacts that the chain does not name. */
static void
lay_others(struct lay *L, const struct cmodel *m)
{
	size_t i;

	if (m->nothers == 0)
		return;
	lay_heading(L, m->nesc > 0 ? "OTHER CONTACTS" : "CONTACTS");
	for (i = 0; i < m->nothers && !full(L); i++)
		lay_contact(L, NULL, NULL, &m->others[i], 1,
		    i + 1 == m->nothers);
}

/*
 * Returns the rank of a severity level for its colour: 0 most severe to
 * 3.  The number in its name decides ("SEV1", "P2"; 0 and 1 rank 0),
 * else its place in the list.
 */
int
sev_rank(const char *name, size_t i)
{
	const char *p;

	for (p = name; p != NULL && *p != '\0'; p++)
		if (*p >= '0' && *p <= '9')
			return *p <= '1' ? 0 : *p == '2' ? 1 : *p == '3' ? 2 : 3;
	return i < 3 ? (int)i : 3;
}

/* Returns the colour of a severity level's name, by rank. */
static uint32_t
sev_colour(int rank)
{
	static const uint32_t c[] = { C_CRIT, C_WARN, C_ACCENT, C_INK };

	return c[rank];
}

static void
lay_severity(struct lay *L, const struct cmodel *m)
{
	double fs = L->fs, pad = P_SEV * L->pf * fs, x[4], w[4], h[4], rh, y;
	char *resp, *notify;
	size_t i;
	int k;

	if (m->nsev == 0)
		return;
	lay_heading(L, "SEVERITY LEVELS");
	cols(L->x, L->w, fs, sev_frac, 4, x, w);
	for (i = 0; i < m->nsev && !full(L); i++) {
		const struct csev *s = &m->sev[i];

		y = L->y + pad;
		resp = s->response != NULL ?
		    xasprintf("respond in %s", s->response) : NULL;
		notify = s->notify != NULL ?
		    xasprintf("notify %s", s->notify) : NULL;
		h[0] = prep(L, s->name, F_BOLD, Z_SEVNAME, x[0], y, w[0],
		    PANGO_ALIGN_LEFT, sev_colour(sev_rank(s->name, i)));
		h[1] = prep(L, resp, F_BOLD, Z_RESP, x[1], y, w[1],
		    PANGO_ALIGN_LEFT, C_INK);
		h[2] = prep(L, s->desc, F_SANS, Z_DESC, x[2], y, w[2],
		    PANGO_ALIGN_LEFT, C_INK);
		h[3] = prep(L, notify, F_SANS, Z_SUB, x[3], y, w[3],
		    PANGO_ALIGN_LEFT, C_MUTED);
		free(resp);
		free(notify);
		rh = 0;
		for (k = 0; k < 4; k++)
			if (h[k] > rh)
				rh = h[k];
		rh += 2 * pad;
		flush(L);
		if (i + 1 < m->nsev)
			hline(L, L->y + rh - W_RULE, W_RULE, C_RULE);
		L->y += rh;
	}
}

/* Returns the number of halves a runbook's thresholds table is split in. */
static size_t
thr_halves(const struct lay *L, const struct cmodel *m)
{
	return L->dens >= 1 && m->nthr >= THR_SPLIT ? 2 : 1;
}

/* The thresholds table, in two halves side by side when dens >= 1. */
static void
lay_thresholds(struct lay *L, const struct cmodel *m)
{
	double fs = L->fs, pad = P_THR * L->pf * fs, x[2][6], w[2][6], hx[2];
	double hw;
	double h, rh, y;
	size_t nc = m->anydur ? 6 : 5, nh = thr_halves(L, m), rows, r, k, j;
	PangoAlignment al;

	if (m->nthr == 0)
		return;
	lay_heading(L, "ALERT THRESHOLDS");
	hw = nh == 2 ? (L->w - P_HALVES * fs) / 2 : L->w;
	rows = (m->nthr + nh - 1) / nh;
	for (j = 0; j < nh; j++) {
		hx[j] = L->x + (double)j * (hw + P_HALVES * fs);
		cols(hx[j], hw, fs, m->anydur ? thr6_frac : thr5_frac, nc,
		    x[j], w[j]);
		/* Inset, so that the text keeps off a stripe's edge. */
		x[j][0] += P_ZEBRA * fs;
		w[j][0] -= P_ZEBRA * fs;
	}
	rh = 0;
	for (j = 0; j < nh; j++)
		for (k = 0; k < nc; k++) {
			al = k == 2 || k == 3 ? PANGO_ALIGN_RIGHT :
			    PANGO_ALIGN_LEFT;
			h = prep(L, thr_head[nh == 2][k], F_BOLD, Z_THHEAD,
			    x[j][k], L->y + pad, w[j][k], al, C_MUTED);
			if (h > rh)
				rh = h;
		}
	flush(L);
	L->y += rh + 2 * pad;
	for (r = 0; r < rows && !full(L); r++) {
		y = L->y + pad;
		rh = 0;
		for (j = 0; j < nh && r + j * rows < m->nthr; j++) {
			const struct cthr *t = &m->thr[r + j * rows];
			const char *v[6];

			v[0] = t->metric;
			v[1] = t->dir;
			v[2] = t->warn != NULL ? t->warn : "\xe2\x80\x94";
			v[3] = t->crit != NULL ? t->crit : "\xe2\x80\x94";
			v[4] = t->unit;
			v[5] = t->dur;
			for (k = 0; k < nc; k++) {
				uint32_t col = k == 2 ? C_WARN : k == 3 ?
				    C_CRIT : k == 0 ? C_INK : C_MUTED;

				al = k == 2 || k == 3 ? PANGO_ALIGN_RIGHT :
				    PANGO_ALIGN_LEFT;
				h = prep(L, v[k], k == 0 ? F_MONO : k == 3 ?
				    F_BOLD : F_SANS, k == 0 ? Z_METRIC : Z_THR,
				    x[j][k], y, w[j][k], al, col);
				if (h > rh)
					rh = h;
			}
		}
		rh += 2 * pad;
		if (r % 2 == 0)
			for (j = 0; j < nh && r + j * rows < m->nthr; j++)
				fillrect(L, hx[j], L->y, hw, rh, C_ZEBRA);
		flush(L);
		L->y += rh;
	}
}

/* The quickref commands: a label, and the command in monospace. */
static void
lay_quickref(struct lay *L, const struct cmodel *m)
{
	double fs = L->fs, pad = P_QUICK * L->pf * fs, ip = P_CMD * L->pf * fs;
	double x[2], w[2];
	double h0, h1, rh;
	size_t i;

	if (m->nquick == 0)
		return;
	lay_heading(L, "QUICK REFERENCE");
	cols(L->x, L->w, fs, quick_frac, 2, x, w);
	for (i = 0; i < m->nquick && !full(L); i++) {
		const struct cquick *q = &m->quick[i];

		h0 = prep(L, q->label, F_BOLD, Z_QLABEL, x[0],
		    L->y + pad + ip, w[0], PANGO_ALIGN_LEFT, C_INK);
		h1 = prep(L, q->cmd, F_MONO, Z_CMD, x[1] + W_CMDBAR + ip,
		    L->y + pad + ip, w[1] - W_CMDBAR - 2 * ip,
		    PANGO_ALIGN_LEFT, C_INK);
		if (h1 > 0)
			h1 += 2 * ip;
		rh = (h0 + ip > h1 ? h0 + ip : h1) + 2 * pad;
		if (q->cmd != NULL) {
			fillrect(L, x[1], L->y + pad, w[1], h1, C_CMDBG);
			fillrect(L, x[1], L->y + pad, W_CMDBAR, h1, C_CMDBAR);
		}
		flush(L);
		L->y += rh;
	}
}

/* Returns the footer's text. */
char *
footer_text(const struct site *site, const struct cmodel *m, size_t n)
{
	struct buf b = { NULL, 0, 0 };
	size_t i;

	if (site != NULL && site->cfg.organisation != NULL)
		buf_printf(&b, "%s \xc2\xb7 ", site->cfg.organisation);
	if (site != NULL && site->cfg.title != NULL)
		buf_printf(&b, "%s \xc2\xb7 ", site->cfg.title);
	if (n == 1 && m->url != NULL)
		buf_printf(&b, "%s \xc2\xb7 ", m->url);
	BUF_PUTSL(&b, "Printed card made by rbc " RBC_VERSION ".");
	/* Only a card with a review-by date can be past it. */
	for (i = 0; i < n && m[i].review_by == NULL; i++)
		;
	if (i < n)
		BUF_PUTSL(&b, " Past its review-by date, get a fresh copy.");
	/* A card of runbooks none of which has a review date. */
	for (i = 0; i < n && m[i].date == NULL; i++)
		;
	if (n > 0 && i == n)
		BUF_PUTSL(&b, " Never reviewed: check each step before relying "
		    "on it.");
	return buf_detach(&b);
}

/* Returns the footer's height, laid out at y. */
static double
lay_footer(struct lay *L, const struct cmodel *m, size_t n, double y)
{
	char *s = footer_text(L->c->site, m, n);
	double h;

	hline(L, y, W_RULE, C_RULE);
	h = prep(L, s, F_SANS, Z_FOOT, L->x, y + W_RULE + P_FOOT * L->fs,
	    L->w, PANGO_ALIGN_LEFT, C_MUTED);
	flush(L);
	free(s);
	return W_RULE + P_FOOT * L->fs + h;
}

/*
 * Lays out the whole card at base size fs into the card's display list.
 * Returns the height it needs, footer included (measuring stops soon
 * after ymax).
 */
double
lay_card(struct card *c, const struct cmodel *ms, size_t n, double fs,
    int dens, double ymax, struct lay *L)
{
	double y0, top = MARGIN, bottom = c->ph - MARGIN, fh, dy;
	size_t i, f0;

	memset(L, 0, sizeof(*L));
	L->c = c;
	L->fs = fs;
	L->x = MARGIN;
	L->w = c->pw - 2 * MARGIN;
	L->y = top;
	L->ymax = ymax;
	L->dens = dens;
	L->pf = dens >= 2 ? PF_COMPACT : 1;
	c->nops = 0;
	c->nruns = c->nfg = 0;
	for (i = 0; i < n && !full(L); i++) {
		if (i > 0)
			L->y += P_RB * fs;
#define SECT(k, fn) do {						\
		y0 = L->y;						\
		fn(L, &ms[i]);						\
		L->sect[k] += L->y - y0;				\
	} while (0)
		SECT(S_HEADER, lay_header);
		SECT(S_ESC, lay_escalation);
		SECT(S_OTHERS, lay_others);
		SECT(S_SEV, lay_severity);
		SECT(S_THR, lay_thresholds);
		SECT(S_QUICK, lay_quickref);
#undef SECT
	}
	L->y += P_RB * fs;
	/* The footer goes to the foot of the page. */
	f0 = c->nops;
	fh = lay_footer(L, &ms[0], n, L->y);
	L->sect[S_FOOTER] = fh;
	dy = bottom - fh - L->y;
	if (dy > 0)
		for (i = f0; i < c->nops; i++)
			c->ops[i].y += dy;
	return L->y - top + fh;
}


/*
 * Sets up Pango and Cairo for c, once: the slow path's layouts and every
 * PDF Cairo draws need them; the fast path, and so a lint's measure of a
 * Latin card, does not, and never loads them.
 */
void
card_pango(struct card *c)
{
	static const char *const face[F__MAX] = {
		"DejaVu Sans", "DejaVu Sans Bold", "DejaVu Sans Mono"
	};
	cairo_font_options_t *fo;
	size_t i;

	if (c->fontmap != NULL)
		return;
	cardlib_load();
	/* A private font map, so that no Pango state is shared. */
	c->fontmap = pango_cairo_font_map_new();
	c->pctx = pango_font_map_create_context(c->fontmap);
	/* What a PDF surface uses: outlines, no hinting, 1 unit = 1 pt. */
	fo = cairo_font_options_create();
	cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
	cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
	cairo_font_options_set_antialias(fo, CAIRO_ANTIALIAS_GRAY);
	pango_cairo_context_set_font_options(c->pctx, fo);
	cairo_font_options_destroy(fo);
	pango_cairo_context_set_resolution(c->pctx, 72);
	pango_context_set_round_glyph_positions(c->pctx, FALSE);
	for (i = 0; i < F__MAX; i++)
		c->fd[i] = pango_font_description_from_string(face[i]);
	c->nohyph = pango_attr_list_new();
	pango_attr_list_insert(c->nohyph, pango_attr_insert_hyphens_new(FALSE));
}
