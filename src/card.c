/*
 * The quick-reference card: exactly one printed page per runbook (or
 * several runbooks stacked on one page), as PDF made in-process with Cairo
 * and Pango, and as a standalone HTML document that prints on one page.
 *
 * A card is laid out from a small model extracted from the front-matter
 * (struct cmodel).  The same layout code measures and draws: it runs at a
 * base font size of 10 pt without a cairo_t to measure, shrinking by
 * 0.5 pt until everything fits the page, down to 6 pt; then once more with
 * a cairo_t to draw.  Text wraps at words, or inside a word when a word is
 * wider than its column, so nothing is ever cut off; what does not fit at
 * 6 pt is refused with card-overflow and no output at all.  The HTML card
 * uses the font size the PDF fit chose, a little smaller, because
 * browsers measure text their own way.
 *
 * Output is deterministic: no clock reading (the PDF's CreationDate is the
 * runbooks' last_reviewed date, or absent), fonts found by fontconfig, and
 * cairo's font subset names derive from the glyphs used.
 *
 * A struct card is used by one thread at a time: it owns a Pango context
 * and a pool of layouts that every render reuses.
 */
#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rbc.h"

#define FS_MAX		10.0	/* base font size to start from, pt */
#define FS_MIN		6.0	/* the readable minimum, pt */
#define FS_STEP		0.5
#define HTML_SCALE	0.94	/* HTML font size relative to the PDF's */
#define MARGIN		28.0	/* page margin, pt (about 10 mm) */
#define QR_QUIET	4	/* QR quiet zone, modules */
#define QR_MAXVER	15	/* larger codes are too dense to scan */
#define NPOOL		24	/* layouts queued at once (one row) */
#define MEASURE_PAGES	40	/* stop measuring an overflow past this */

/* Colours, 0xRRGGBB. */
#define C_INK		0x1a1d21
#define C_MUTED		0x5b6470
#define C_BAND		0x1f3a5f
#define C_BANDTXT	0xffffff
#define C_BANDMUTED	0xbfcfe2
#define C_ACCENT	0x1f3a5f
#define C_RULE		0xc5ccd5
#define C_ZEBRA		0xf1f4f7
#define C_WARN		0x8f5200
#define C_CRIT		0xb3261e
#define C_CMDBG		0xeef1f4
#define C_CMDBAR	0x8a9ab0

enum font {
	F_SANS,
	F_BOLD,
	F_MONO,
	F__MAX
};

enum sect {
	S_HEADER,
	S_ESC,
	S_OTHERS,
	S_SEV,
	S_THR,
	S_QUICK,
	S_FOOTER,
	S__MAX
};

static const char *const sectname[S__MAX] = {
	"header", "escalation", "other contacts", "severity levels",
	"thresholds", "quickref commands", "footer"
};

struct card {
	const struct site	*site;
	const char		*paper;		/* CSS name: "A4", "letter" */
	double			 pw, ph;	/* page size, pt */
	PangoFontMap		*fontmap;
	PangoContext		*pctx;
	PangoFontDescription	*fd[F__MAX];
	PangoAttrList		*nohyph;	/* wrapped words get no '-' */
	PangoLayout		*pool[NPOOL];
};

/* ------------------------------------------------------------ the model */

struct ccontact {
	const char	*id, *name, *role, *phone, *chat, *email;
};

struct cesc {
	const char	*level, *after;
	struct ccontact	 c;
	int		 known;
};

struct csev {
	const char	*name, *response, *desc, *notify;
};

struct cthr {
	const char	*metric, *dir, *warn, *crit, *unit, *dur;
};

struct cquick {
	const char	*label, *cmd;
};

struct cmodel {
	const struct runbook *r;
	const char	*id, *title, *summary, *service, *owner;
	const char	*review_by, *version, *url, *date;
	struct cesc	*esc;
	size_t		 nesc;
	struct ccontact	*others;	/* contacts not in the chain */
	size_t		 nothers;
	struct csev	*sev;
	size_t		 nsev;
	struct cthr	*thr;
	size_t		 nthr;
	int		 anydur;
	struct cquick	*quick;
	size_t		 nquick;
	QRcode		*qr;
};

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

/* Returns the contact with this id in a contacts list, or NULL. */
static const struct ynode *
clist_find(const struct ynode *list, const char *id)
{
	const char *s;
	size_t i;

	if (list == NULL || list->type != Y_SEQ || id == NULL)
		return NULL;
	for (i = 0; i < list->n; i++) {
		s = ystr(ymap_get(list->items[i], "id"));
		if (s != NULL && strcmp(s, id) == 0)
			return list->items[i];
	}
	return NULL;
}

static void
contact_fill(struct arena *a, const struct ynode *m, struct ccontact *c)
{
	c->id = field(a, m, "id");
	c->name = field(a, m, "name");
	c->role = field(a, m, "role");
	c->phone = field(a, m, "phone");
	c->chat = field(a, m, "chat");
	c->email = field(a, m, "email");
}

/* Returns the contact node for id: the runbook's own, else the site's. */
static const struct ynode *
contact_lookup(const struct site *site, const struct runbook *r,
    const char *id)
{
	const struct ynode *c;

	if ((c = clist_find(ymap_get(r->fm, "contacts"), id)) != NULL)
		return c;
	return clist_find(site->cfg.contacts, id);
}

/* Returns 1 if s is a YYYY-MM-DD date. */
static int
is_date(const char *s)
{
	static const char pat[] = "dddd-dd-dd";
	size_t i;

	if (s == NULL || strlen(s) != sizeof(pat) - 1)
		return 0;
	for (i = 0; i < sizeof(pat) - 1; i++)
		if (pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
			return 0;
	return 1;
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

static void
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
	m->url = page_url(a, site, r->id);
	if (is_date(ystr(ymap_get(fm, "last_reviewed"))))
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

struct item {
	PangoLayout	*pl;
	double		 x, y;
	uint32_t	 rgb;
};

struct lay {
	struct card	*c;
	cairo_t		*cr;		/* NULL while measuring */
	double		 fs;		/* base font size */
	double		 x, w;		/* the content box */
	double		 y;		/* where the next block goes */
	double		 ymax;		/* measuring stops past this */
	struct item	 it[NPOOL];
	size_t		 nit;
	double		 sect[S__MAX];	/* height each kind of section used */
	const char	*wide;		/* a text wider than its box */
};

static void
rgb(cairo_t *cr, uint32_t c)
{
	cairo_set_source_rgb(cr, ((c >> 16) & 255) / 255.0,
	    ((c >> 8) & 255) / 255.0, (c & 255) / 255.0);
}

/* Returns 1 when measuring has gone past any chance of fitting. */
static int
full(const struct lay *L)
{
	return L->cr == NULL && L->y > L->ymax;
}

/*
 * Returns the height of text s set in font f at size sz, wrapped into a
 * box w wide whose top left is (x, y); the layout is queued for drawing
 * by flush().  Attributes, when given, replace the default list.
 */
static double
prep_attr(struct lay *L, const char *s, enum font f, double sz, double x,
    double y, double w, PangoAlignment al, uint32_t col,
    PangoAttrList *attrs)
{
	PangoLayout *pl;
	PangoRectangle lr;

	if (s == NULL || *s == '\0')
		return 0;
	assert(L->nit < NPOOL);
	pl = L->c->pool[L->nit];
	pango_font_description_set_size(L->c->fd[f],
	    (gint)(sz * PANGO_SCALE + 0.5));
	pango_layout_set_font_description(pl, L->c->fd[f]);
	pango_layout_set_width(pl, (int)(w * PANGO_SCALE));
	pango_layout_set_alignment(pl, al);
	pango_layout_set_attributes(pl, attrs != NULL ? attrs : L->c->nohyph);
	pango_layout_set_text(pl, s, -1);
	pango_layout_get_extents(pl, NULL, &lr);
	if (lr.width > (int)(w * PANGO_SCALE) + PANGO_SCALE / 4 &&
	    L->wide == NULL)
		L->wide = s;
	L->it[L->nit].pl = pl;
	L->it[L->nit].x = x;
	L->it[L->nit].y = y;
	L->it[L->nit].rgb = col;
	L->nit++;
	return (double)lr.height / PANGO_SCALE;
}

static double
prep(struct lay *L, const char *s, enum font f, double sz, double x,
    double y, double w, PangoAlignment al, uint32_t col)
{
	return prep_attr(L, s, f, sz, x, y, w, al, col, NULL);
}

/* Draws the queued layouts (when drawing) and empties the queue. */
static void
flush(struct lay *L)
{
	size_t i;

	if (L->cr != NULL)
		for (i = 0; i < L->nit; i++) {
			rgb(L->cr, L->it[i].rgb);
			cairo_move_to(L->cr, L->it[i].x, L->it[i].y);
			pango_cairo_show_layout(L->cr, L->it[i].pl);
		}
	L->nit = 0;
}

static void
fillrect(struct lay *L, double x, double y, double w, double h, uint32_t c)
{
	if (L->cr == NULL)
		return;
	rgb(L->cr, c);
	cairo_rectangle(L->cr, x, y, w, h);
	cairo_fill(L->cr);
}

static void
hline(struct lay *L, double y, double wd, uint32_t c)
{
	fillrect(L, L->x, y, L->w, wd, c);
}

/* The QR code as filled rectangles, one per run of dark modules. */
static void
qr_draw(struct lay *L, const QRcode *q, double x, double y, double size)
{
	double mod = size / (q->width + 2 * QR_QUIET);
	int i, j, k;

	if (L->cr == NULL)
		return;
	fillrect(L, x, y, size, size, 0xffffff);
	rgb(L->cr, 0x000000);
	for (i = 0; i < q->width; i++)
		for (j = 0; j < q->width; j = k) {
			if (!(q->data[i * q->width + j] & 1)) {
				k = j + 1;
				continue;
			}
			for (k = j; k < q->width &&
			    (q->data[i * q->width + k] & 1); k++)
				continue;
			cairo_rectangle(L->cr, x + (QR_QUIET + j) * mod,
			    y + (QR_QUIET + i) * mod, (k - j) * mod, mod);
		}
	cairo_fill(L->cr);
}

/* Returns the QR code's printed size at base font size fs. */
static double
qr_size(double fs)
{
	double q = 6.6 * fs;

	return q < 56 ? 56 : q > 72 ? 72 : q;
}

/* Appends a "LABEL value" pair to a meta line, styling both parts. */
static void
meta_add(struct buf *b, PangoAttrList *al, const char *label,
    const char *val, double fs)
{
	PangoAttribute *at;
	size_t s0;

	if (val == NULL)
		return;
	if (b->len > 0)
		BUF_PUTSL(b, "   ");
	s0 = b->len;
	buf_puts(b, label);
	at = pango_attr_size_new((int)(0.72 * fs * PANGO_SCALE));
	at->start_index = (guint)s0;
	at->end_index = (guint)b->len;
	pango_attr_list_insert(al, at);
	at = pango_attr_foreground_new(0xbfbf, 0xcfcf, 0xe2e2);
	at->start_index = (guint)s0;
	at->end_index = (guint)b->len;
	pango_attr_list_insert(al, at);
	buf_putc(b, ' ');
	s0 = b->len;
	buf_puts(b, val);
	at = pango_attr_weight_new(PANGO_WEIGHT_BOLD);
	at->start_index = (guint)s0;
	at->end_index = (guint)b->len;
	pango_attr_list_insert(al, at);
}

static void
lay_header(struct lay *L, const struct cmodel *m)
{
	double fs = L->fs, pad = 0.9 * fs, q = 0, tw, y, h, cap = 0;
	double y0 = L->y, x = L->x + pad;
	struct buf b = { NULL, 0, 0 };
	PangoAttrList *al;
	PangoAttribute *at;

	if (m->qr != NULL)
		q = qr_size(fs);
	tw = L->w - 2 * pad - (q > 0 ? q + pad : 0);
	y = y0 + pad;
	y += prep(L, m->title, F_BOLD, 1.85 * fs, x, y, tw,
	    PANGO_ALIGN_LEFT, C_BANDTXT);
	if (m->summary != NULL) {
		y += 0.15 * fs;
		y += prep(L, m->summary, F_SANS, 0.95 * fs, x, y, tw,
		    PANGO_ALIGN_LEFT, C_BANDMUTED);
	}
	al = pango_attr_list_new();
	at = pango_attr_insert_hyphens_new(FALSE);
	pango_attr_list_insert(al, at);
	meta_add(&b, al, "SERVICE", m->service, fs);
	meta_add(&b, al, "OWNER", m->owner, fs);
	meta_add(&b, al, "REVIEW BY", m->review_by, fs);
	meta_add(&b, al, "VERSION", m->version, fs);
	if (b.len > 0) {
		y += 0.45 * fs;
		y += prep_attr(L, b.data, F_SANS, 0.85 * fs, x, y, tw,
		    PANGO_ALIGN_LEFT, C_BANDTXT, al);
	}
	if (q > 0)
		cap = prep(L, "Scan for the full runbook", F_SANS, 0.62 * fs,
		    L->x + L->w - pad - q, y0 + pad + q + 0.2 * fs, q,
		    PANGO_ALIGN_CENTER, C_BANDMUTED);
	h = y - y0;
	if (q > 0 && q + 0.2 * fs + cap + pad > h)
		h = q + 0.2 * fs + cap + pad;
	h += pad;
	if (L->cr != NULL) {
		double r = 0.45 * fs;

		rgb(L->cr, C_BAND);
		cairo_new_sub_path(L->cr);
		cairo_arc(L->cr, L->x + L->w - r, y0 + r, r, -M_PI / 2, 0);
		cairo_arc(L->cr, L->x + L->w - r, y0 + h - r, r, 0, M_PI / 2);
		cairo_arc(L->cr, L->x + r, y0 + h - r, r, M_PI / 2, M_PI);
		cairo_arc(L->cr, L->x + r, y0 + r, r, M_PI, 3 * M_PI / 2);
		cairo_close_path(L->cr);
		cairo_fill(L->cr);
		if (q > 0) {
			if (m->url != NULL) {
				char *attr = xasprintf("uri='%s'", m->url);

				cairo_tag_begin(L->cr, CAIRO_TAG_LINK, attr);
				free(attr);
			}
			qr_draw(L, m->qr, L->x + L->w - pad - q, y0 + pad, q);
			if (m->url != NULL)
				cairo_tag_end(L->cr, CAIRO_TAG_LINK);
		}
	}
	flush(L);
	pango_attr_list_unref(al);
	buf_free(&b);
	L->y = y0 + h;
}

/* A section heading: small capitals in the accent colour over a rule. */
static void
lay_heading(struct lay *L, const char *s, const char *note)
{
	double fs = L->fs, h, hn = 0;

	L->y += 0.85 * fs;
	h = prep(L, s, F_BOLD, 0.8 * fs, L->x, L->y, L->w, PANGO_ALIGN_LEFT,
	    C_ACCENT);
	if (note != NULL)
		hn = prep(L, note, F_SANS, 0.72 * fs, L->x, L->y + 0.06 * fs,
		    L->w, PANGO_ALIGN_RIGHT, C_MUTED);
	if (hn > h)
		h = hn;
	flush(L);
	L->y += h + 0.12 * fs;
	hline(L, L->y, 0.9, C_ACCENT);
	L->y += 0.9;
}

/* Column geometry: fractions of the content width. */
static void
cols(const struct lay *L, const double *frac, size_t n, double *x,
    double *w)
{
	double at = L->x, gut = 0.6 * L->fs;
	size_t i;

	for (i = 0; i < n; i++) {
		x[i] = at;
		w[i] = frac[i] * L->w - (i + 1 < n ? gut : 0);
		at += frac[i] * L->w;
	}
}

static const double esc_frac[] = { 0.11, 0.32, 0.31, 0.26 };

/* One contact row: level, who, phone (large: it gets dialled), chat. */
static void
lay_contact(struct lay *L, const char *level, const char *after,
    const struct ccontact *c, int known, int last)
{
	double fs = L->fs, pad = 0.38 * fs, x[4], w[4], h[4], y = L->y + pad;
	double rh;
	const char *name = c->name, *role = c->role;
	char *unk = NULL;
	int i;

	cols(L, esc_frac, 4, x, w);
	h[0] = h[1] = h[2] = h[3] = 0;
	if (level != NULL) {
		h[0] = prep(L, level, F_BOLD, 1.3 * fs, x[0], y, w[0],
		    PANGO_ALIGN_LEFT, C_ACCENT);
		h[0] += prep(L, after, F_SANS, 0.75 * fs, x[0], y + h[0],
		    w[0], PANGO_ALIGN_LEFT, C_MUTED);
	}
	if (!known) {
		unk = xasprintf("%s (unknown contact)",
		    c->id != NULL ? c->id : "?");
		name = unk;
	} else if (name == NULL) {
		name = role != NULL ? role : c->id;
		role = name == c->role ? NULL : role;
	}
	h[1] = prep(L, name, F_BOLD, 1.05 * fs, x[1], y, w[1],
	    PANGO_ALIGN_LEFT, C_INK);
	h[1] += prep(L, role, F_SANS, 0.8 * fs, x[1], y + h[1], w[1],
	    PANGO_ALIGN_LEFT, C_MUTED);
	h[2] = prep(L, c->phone != NULL ? c->phone : "no phone",
	    F_BOLD, c->phone != NULL ? 1.45 * fs : 0.85 * fs, x[2], y, w[2],
	    PANGO_ALIGN_LEFT, c->phone != NULL ? C_INK : C_MUTED);
	h[3] = prep(L, c->chat, F_SANS, 0.85 * fs, x[3], y, w[3],
	    PANGO_ALIGN_LEFT, C_INK);
	h[3] += prep(L, c->email, F_SANS, 0.78 * fs, x[3], y + h[3], w[3],
	    PANGO_ALIGN_LEFT, C_MUTED);
	rh = 0;
	for (i = 0; i < 4; i++)
		if (h[i] > rh)
			rh = h[i];
	rh += 2 * pad;
	flush(L);
	free(unk);
	if (!last)
		hline(L, L->y + rh - 0.5, 0.5, C_RULE);
	L->y += rh;
}

static void
lay_escalation(struct lay *L, const struct cmodel *m)
{
	size_t i;

	if (m->nesc == 0)
		return;
	lay_heading(L, "ESCALATION \xe2\x80\x94 CALL IN THIS ORDER", NULL);
	for (i = 0; i < m->nesc && !full(L); i++)
		lay_contact(L, m->esc[i].level, m->esc[i].after, &m->esc[i].c,
		    m->esc[i].known, i + 1 == m->nesc);
}

static void
lay_others(struct lay *L, const struct cmodel *m)
{
	size_t i;

	if (m->nothers == 0)
		return;
	lay_heading(L, m->nesc > 0 ? "OTHER CONTACTS" : "CONTACTS", NULL);
	for (i = 0; i < m->nothers && !full(L); i++)
		lay_contact(L, NULL, NULL, &m->others[i], 1,
		    i + 1 == m->nothers);
}

static const double sev_frac[] = { 0.11, 0.15, 0.46, 0.28 };

static void
lay_severity(struct lay *L, const struct cmodel *m)
{
	static const uint32_t sevcol[] = { C_CRIT, C_WARN, C_ACCENT };
	double fs = L->fs, pad = 0.3 * fs, x[4], w[4], h[4], rh, y;
	char *resp, *notify;
	size_t i;
	int k;

	if (m->nsev == 0)
		return;
	lay_heading(L, "SEVERITY LEVELS", NULL);
	cols(L, sev_frac, 4, x, w);
	for (i = 0; i < m->nsev && !full(L); i++) {
		const struct csev *s = &m->sev[i];

		y = L->y + pad;
		resp = s->response != NULL ?
		    xasprintf("respond in %s", s->response) : NULL;
		notify = s->notify != NULL ?
		    xasprintf("notify %s", s->notify) : NULL;
		h[0] = prep(L, s->name, F_BOLD, 1.05 * fs, x[0], y, w[0],
		    PANGO_ALIGN_LEFT, i < 3 ? sevcol[i] : C_INK);
		h[1] = prep(L, resp, F_BOLD, 0.9 * fs, x[1], y, w[1],
		    PANGO_ALIGN_LEFT, C_INK);
		h[2] = prep(L, s->desc, F_SANS, 0.9 * fs, x[2], y, w[2],
		    PANGO_ALIGN_LEFT, C_INK);
		h[3] = prep(L, notify, F_SANS, 0.8 * fs, x[3], y, w[3],
		    PANGO_ALIGN_LEFT, C_MUTED);
		rh = 0;
		for (k = 0; k < 4; k++)
			if (h[k] > rh)
				rh = h[k];
		rh += 2 * pad;
		flush(L);
		free(resp);
		free(notify);
		if (i + 1 < m->nsev)
			hline(L, L->y + rh - 0.5, 0.5, C_RULE);
		L->y += rh;
	}
}

static void
lay_thresholds(struct lay *L, const struct cmodel *m)
{
	static const double f6[] = { 0.36, 0.13, 0.14, 0.14, 0.12, 0.11 };
	static const double f5[] = { 0.42, 0.14, 0.15, 0.15, 0.14 };
	static const char *const head[] = { "METRIC", "ALERT WHEN",
	    "WARNING", "CRITICAL", "UNIT", "FOR" };
	double fs = L->fs, pad = 0.22 * fs, x[6], w[6], h, rh, y;
	size_t i, nc = m->anydur ? 6 : 5;
	PangoAlignment al;
	size_t k;

	if (m->nthr == 0)
		return;
	lay_heading(L, "ALERT THRESHOLDS", NULL);
	cols(L, m->anydur ? f6 : f5, nc, x, w);
	/* Pad the columns' insides so that zebra stripes have a margin. */
	x[0] += 0.3 * fs;
	w[0] -= 0.3 * fs;
	rh = 0;
	for (k = 0; k < nc; k++) {
		al = k == 2 || k == 3 ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
		h = prep(L, head[k], F_BOLD, 0.68 * fs, x[k], L->y + pad, w[k],
		    al, C_MUTED);
		if (h > rh)
			rh = h;
	}
	flush(L);
	L->y += rh + 2 * pad;
	for (i = 0; i < m->nthr && !full(L); i++) {
		const struct cthr *t = &m->thr[i];
		const char *v[6];

		v[0] = t->metric;
		v[1] = t->dir;
		v[2] = t->warn != NULL ? t->warn : "\xe2\x80\x94";
		v[3] = t->crit != NULL ? t->crit : "\xe2\x80\x94";
		v[4] = t->unit;
		v[5] = t->dur;
		y = L->y + pad;
		rh = 0;
		for (k = 0; k < nc; k++) {
			uint32_t col = k == 2 ? C_WARN : k == 3 ? C_CRIT :
			    k == 1 || k >= 4 ? C_MUTED : C_INK;

			al = k == 2 || k == 3 ? PANGO_ALIGN_RIGHT :
			    PANGO_ALIGN_LEFT;
			h = prep(L, v[k], k == 0 ? F_MONO : k == 3 ? F_BOLD :
			    F_SANS, (k == 0 ? 0.9 : 0.92) * fs, x[k], y, w[k],
			    al, col);
			if (h > rh)
				rh = h;
		}
		rh += 2 * pad;
		if (i % 2 == 0)
			fillrect(L, L->x, L->y, L->w, rh, C_ZEBRA);
		flush(L);
		L->y += rh;
	}
}

static void
lay_quickref(struct lay *L, const struct cmodel *m)
{
	static const double frac[] = { 0.27, 0.73 };
	double fs = L->fs, pad = 0.3 * fs, ip = 0.35 * fs, x[2], w[2];
	double h0, h1, rh;
	size_t i;

	if (m->nquick == 0)
		return;
	lay_heading(L, "QUICK REFERENCE", NULL);
	cols(L, frac, 2, x, w);
	for (i = 0; i < m->nquick && !full(L); i++) {
		const struct cquick *q = &m->quick[i];

		h0 = prep(L, q->label, F_BOLD, 0.85 * fs, x[0], L->y + pad +
		    ip, w[0], PANGO_ALIGN_LEFT, C_INK);
		h1 = prep(L, q->cmd, F_MONO, 0.9 * fs, x[1] + ip + 2,
		    L->y + pad + ip, w[1] - 2 * ip - 2, PANGO_ALIGN_LEFT, C_INK);
		if (h1 > 0)
			h1 += 2 * ip;
		rh = (h0 + ip > h1 ? h0 + ip : h1) + 2 * pad;
		if (q->cmd != NULL) {
			fillrect(L, x[1], L->y + pad, w[1], h1, C_CMDBG);
			fillrect(L, x[1], L->y + pad, 2, h1, C_CMDBAR);
		}
		flush(L);
		L->y += rh;
	}
}

/* Returns the footer's height; drawn at y when drawing. */
static double
lay_footer(struct lay *L, const struct cmodel *m, size_t n, double y)
{
	const struct site *site = L->c->site;
	struct buf b = { NULL, 0, 0 };
	const char *org = NULL, *title = NULL;
	double h;

	if (site != NULL) {
		org = site->cfg.organisation;
		title = site->cfg.title;
	}
	if (org != NULL)
		buf_puts(&b, org);
	if (title != NULL) {
		if (b.len > 0)
			BUF_PUTSL(&b, " \xc2\xb7 ");
		buf_puts(&b, title);
	}
	if (b.len > 0)
		BUF_PUTSL(&b, " \xc2\xb7 ");
	if (n == 1 && m->url != NULL)
		buf_printf(&b, "%s \xc2\xb7 ", m->url);
	BUF_PUTSL(&b, "Printed card made by rbc. Past its review-by date, "
	    "get a fresh copy.");
	hline(L, y, 0.5, C_RULE);
	h = prep(L, b.data, F_SANS, 0.7 * L->fs, L->x, y + 0.3 * L->fs, L->w,
	    PANGO_ALIGN_LEFT, C_MUTED);
	flush(L);
	buf_free(&b);
	return h + 0.3 * L->fs;
}

/*
 * Lays out the whole card at base size fs: measures when cr is NULL,
 * draws otherwise.  Returns the height used, footer included.
 */
static double
lay_card(struct card *c, cairo_t *cr, const struct cmodel *ms, size_t n,
    double fs, double ymax, struct lay *L)
{
	double y0, top = MARGIN, avail = c->ph - 2 * MARGIN, fh;
	size_t i;

	memset(L, 0, sizeof(*L));
	L->c = c;
	L->cr = cr;
	L->fs = fs;
	L->x = MARGIN;
	L->w = c->pw - 2 * MARGIN;
	L->y = top;
	L->ymax = ymax;
	/* The footer sits at the bottom of the page: measure it first. */
	L->cr = NULL;
	fh = lay_footer(L, &ms[0], n, 0);
	L->cr = cr;
	L->sect[S_FOOTER] = fh;
	for (i = 0; i < n && !full(L); i++) {
		if (i > 0)
			L->y += 1.4 * fs;
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
	L->y += 0.8 * fs;
	if (cr != NULL) {
		/* Draw the footer again, for real, at the page's foot. */
		struct lay F = *L;

		F.nit = 0;
		lay_footer(&F, &ms[0], n, top + avail - fh);
	}
	return L->y - top + fh;
}

/* ------------------------------------------------------------------ PDF */

static cairo_status_t
pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
	buf_put(closure, data, len);
	return CAIRO_STATUS_SUCCESS;
}

/* Returns 0 with the PDF appended to out, or -1 if cairo failed. */
static int
pdf_make(struct card *c, const struct cmodel *ms, size_t n, double fs,
    struct buf *out)
{
	cairo_surface_t *s;
	cairo_status_t st;
	cairo_t *cr;
	struct buf t = { NULL, 0, 0 };
	struct lay L;
	const char *date = NULL;
	char *d;
	size_t i;

	s = cairo_pdf_surface_create_for_stream(pdf_write, &t, c->pw, c->ph);
	/* No clock reading reaches output: the newest review date, if any. */
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
	lay_card(c, cr, ms, n, fs, c->ph, &L);
	cairo_show_page(cr);
	cairo_destroy(cr);
	cairo_surface_finish(s);
	st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		buf_free(&t);
		return -1;
	}
	buf_put(out, t.data, t.len);
	buf_free(&t);
	return 0;
}

/* ----------------------------------------------------------------- HTML */

static void
esc(struct buf *b, const char *s)
{
	const char *p;

	if (s == NULL)
		return;
	for (p = s; *p; p++)
		switch (*p) {
		case '&':
			BUF_PUTSL(b, "&amp;");
			break;
		case '<':
			BUF_PUTSL(b, "&lt;");
			break;
		case '>':
			BUF_PUTSL(b, "&gt;");
			break;
		case '"':
			BUF_PUTSL(b, "&quot;");
			break;
		case '\'':
			BUF_PUTSL(b, "&#39;");
			break;
		case '\n':
			BUF_PUTSL(b, "<br>");
			break;
		default:
			buf_putc(b, *p);
		}
}

/* <tag class="cls">text</tag>, nothing when s is NULL. */
static void
el(struct buf *b, const char *tag, const char *cls, const char *s)
{
	if (s == NULL)
		return;
	buf_printf(b, "<%s class=\"%s\">", tag, cls);
	esc(b, s);
	buf_printf(b, "</%s>", tag);
}

static void
html_qr(struct buf *b, const struct cmodel *m, double size)
{
	const QRcode *q = m->qr;
	int n = q->width + 2 * QR_QUIET, i, j, k;

	BUF_PUTSL(b, "<a class=\"qr\" href=\"");
	esc(b, m->url);
	buf_printf(b, "\"><svg viewBox=\"0 0 %d %d\" style=\"width:%.1fpt;"
	    "height:%.1fpt\" role=\"img\" aria-label=\"QR code of ", n, n,
	    size, size);
	esc(b, m->url);
	buf_printf(b, "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" "
	    "height=\"%d\" fill=\"#fff\"/><path d=\"", n, n);
	for (i = 0; i < q->width; i++)
		for (j = 0; j < q->width; j = k) {
			if (!(q->data[i * q->width + j] & 1)) {
				k = j + 1;
				continue;
			}
			for (k = j; k < q->width &&
			    (q->data[i * q->width + k] & 1); k++)
				continue;
			buf_printf(b, "M%d %dh%dv1h-%dz", QR_QUIET + j,
			    QR_QUIET + i, k - j, k - j);
		}
	BUF_PUTSL(b, "\"/></svg></a>");
}

static void
html_meta(struct buf *b, const char *label, const char *val)
{
	if (val == NULL)
		return;
	buf_printf(b, "<span><small>%s</small> <b>", label);
	esc(b, val);
	BUF_PUTSL(b, "</b></span>");
}

static void
html_colgroup(struct buf *b, const double *frac, size_t n)
{
	size_t i;

	BUF_PUTSL(b, "<colgroup>");
	for (i = 0; i < n; i++)
		buf_printf(b, "<col style=\"width:%.1f%%\">", frac[i] * 100);
	BUF_PUTSL(b, "</colgroup>");
}

static void
html_contact(struct buf *b, const char *level, const char *after,
    const struct ccontact *c, int known)
{
	const char *name = c->name, *role = c->role;

	BUF_PUTSL(b, "<tr><td>");
	el(b, "div", "lvl", level);
	el(b, "div", "sub", after);
	BUF_PUTSL(b, "</td><td>");
	if (!known) {
		BUF_PUTSL(b, "<div class=\"name\">");
		esc(b, c->id != NULL ? c->id : "?");
		BUF_PUTSL(b, " (unknown contact)</div>");
	} else {
		if (name == NULL) {
			name = role != NULL ? role : c->id;
			role = name == c->role ? NULL : role;
		}
		el(b, "div", "name", name);
		el(b, "div", "sub", role);
	}
	BUF_PUTSL(b, "</td><td>");
	if (c->phone != NULL)
		el(b, "div", "phone", c->phone);
	else
		el(b, "div", "sub", "no phone");
	BUF_PUTSL(b, "</td><td>");
	el(b, "div", "chat", c->chat);
	el(b, "div", "sub", c->email);
	BUF_PUTSL(b, "</td></tr>\n");
}

static const char html_css[] =
	"*{box-sizing:border-box}\n"
	"html{font-family:\"DejaVu Sans\",\"Droid Sans Fallback\","
	"sans-serif;line-height:normal;color:#1a1d21;background:#fff;"
	"-webkit-print-color-adjust:exact;print-color-adjust:exact}\n"
	"body{margin:0}\n"
	"@media screen{body{padding:1em;background:#dde2e8}"
	".page{background:#fff;margin:0 auto;padding:28pt;"
	"box-shadow:0 1px 6px rgba(0,0,0,.25)}}\n"
	".mono,code{font-family:\"DejaVu Sans Mono\",monospace}\n"
	"header{background:#1f3a5f;color:#fff;border-radius:.45em;"
	"padding:.9em;display:flex;gap:.9em;align-items:flex-start}\n"
	"header .txt{flex:1;min-width:0}\n"
	"h1{font-size:1.85em;margin:0;overflow-wrap:anywhere}\n"
	".summary{font-size:.95em;color:#bfcfe2;margin-top:.15em;"
	"overflow-wrap:anywhere}\n"
	".meta{font-size:.85em;margin-top:.45em;overflow-wrap:anywhere}\n"
	".meta span{margin-right:1.5em;white-space:nowrap}\n"
	".meta small{font-size:.85em;color:#bfcfe2}\n"
	".qrbox{text-align:center;font-size:.62em;color:#bfcfe2}\n"
	".qr svg{display:block;margin-bottom:.3em}\n"
	"h2{font-size:.8em;color:#1f3a5f;margin:1.06em 0 0;padding-bottom:"
	".15em;border-bottom:.9pt solid #1f3a5f}\n"
	"table{width:100%;border-collapse:collapse;table-layout:fixed}\n"
	"td,th{vertical-align:top;padding:.38em .6em .38em 0;"
	"overflow-wrap:anywhere;text-align:left}\n"
	"td:last-child,th:last-child{padding-right:0}\n"
	".esc tr+tr td{border-top:.5pt solid #c5ccd5}\n"
	".lvl{font-size:1.3em;font-weight:bold;color:#1f3a5f}\n"
	".sub{font-size:.78em;color:#5b6470}\n"
	".name{font-size:1.05em;font-weight:bold}\n"
	".phone{font-size:1.45em;font-weight:bold}\n"
	".chat{font-size:.85em}\n"
	".sev td{padding-top:.3em;padding-bottom:.3em}\n"
	".sev tr+tr td{border-top:.5pt solid #c5ccd5}\n"
	".sevname{font-size:1.05em;font-weight:bold}\n"
	".s0{color:#b3261e}.s1{color:#8f5200}.s2{color:#1f3a5f}\n"
	".resp{font-size:.9em;font-weight:bold}\n"
	".desc{font-size:.9em}\n"
	".thr td,.thr th{padding-top:.22em;padding-bottom:.22em}\n"
	".thr th{font-size:.68em;color:#5b6470}\n"
	".thr td{font-size:.92em;color:#5b6470}\n"
	".thr td:first-child,.thr th:first-child{padding-left:.3em}\n"
	".thr td.m{font-size:.9em;color:#1a1d21}\n"
	".thr .w{color:#8f5200}.thr .c{color:#b3261e;font-weight:bold}\n"
	".thr .w,.thr .c{text-align:right}\n"
	".thr tbody tr:nth-child(odd){background:#f1f4f7}\n"
	".qref td{padding-top:.3em;padding-bottom:.3em}\n"
	".qref .lab{font-size:.85em;font-weight:bold;padding-top:.7em}\n"
	".qref pre{margin:0;font-size:.9em;background:#eef1f4;border-left:"
	"2pt solid #8a9ab0;padding:.35em;white-space:pre-wrap;"
	"overflow-wrap:anywhere;font-family:\"DejaVu Sans Mono\",monospace}\n"
	".rb+.rb{margin-top:1.4em}\n"
	"footer{font-size:.7em;color:#5b6470;border-top:.5pt solid #c5ccd5;"
	"padding-top:.3em;margin-top:1.2em}\n";

static void
html_runbook(struct buf *b, const struct cmodel *m, double fs)
{
	static const double f6[] = { 0.36, 0.13, 0.14, 0.14, 0.12, 0.11 };
	static const double f5[] = { 0.42, 0.14, 0.15, 0.15, 0.14 };
	static const double qf[] = { 0.27, 0.73 };
	size_t i;

	BUF_PUTSL(b, "<section class=\"rb\">\n<header><div class=\"txt\">");
	el(b, "h1", "title", m->title);
	el(b, "div", "summary", m->summary);
	BUF_PUTSL(b, "<div class=\"meta\">");
	html_meta(b, "SERVICE", m->service);
	html_meta(b, "OWNER", m->owner);
	html_meta(b, "REVIEW BY", m->review_by);
	html_meta(b, "VERSION", m->version);
	BUF_PUTSL(b, "</div></div>");
	if (m->qr != NULL) {
		BUF_PUTSL(b, "<div class=\"qrbox\">");
		html_qr(b, m, qr_size(fs) * HTML_SCALE);
		BUF_PUTSL(b, "Scan for the full runbook</div>");
	}
	BUF_PUTSL(b, "</header>\n");

	if (m->nesc > 0) {
		BUF_PUTSL(b, "<h2>ESCALATION \xe2\x80\x94 CALL IN THIS ORDER"
		    "</h2>\n<table class=\"esc\">");
		html_colgroup(b, esc_frac, 4);
		for (i = 0; i < m->nesc; i++)
			html_contact(b, m->esc[i].level, m->esc[i].after,
			    &m->esc[i].c, m->esc[i].known);
		BUF_PUTSL(b, "</table>\n");
	}
	if (m->nothers > 0) {
		buf_printf(b, "<h2>%s</h2>\n<table class=\"esc\">",
		    m->nesc > 0 ? "OTHER CONTACTS" : "CONTACTS");
		html_colgroup(b, esc_frac, 4);
		for (i = 0; i < m->nothers; i++)
			html_contact(b, NULL, NULL, &m->others[i], 1);
		BUF_PUTSL(b, "</table>\n");
	}
	if (m->nsev > 0) {
		BUF_PUTSL(b, "<h2>SEVERITY LEVELS</h2>\n<table class=\"sev\">");
		html_colgroup(b, sev_frac, 4);
		for (i = 0; i < m->nsev; i++) {
			const struct csev *s = &m->sev[i];

			buf_printf(b, "<tr><td class=\"sevname s%zu\">",
			    i < 3 ? i : 3);
			esc(b, s->name);
			BUF_PUTSL(b, "</td><td class=\"resp\">");
			if (s->response != NULL) {
				BUF_PUTSL(b, "respond in ");
				esc(b, s->response);
			}
			BUF_PUTSL(b, "</td><td class=\"desc\">");
			esc(b, s->desc);
			BUF_PUTSL(b, "</td><td class=\"sub\">");
			if (s->notify != NULL) {
				BUF_PUTSL(b, "notify ");
				esc(b, s->notify);
			}
			BUF_PUTSL(b, "</td></tr>\n");
		}
		BUF_PUTSL(b, "</table>\n");
	}
	if (m->nthr > 0) {
		BUF_PUTSL(b, "<h2>ALERT THRESHOLDS</h2>\n<table class=\"thr\">");
		html_colgroup(b, m->anydur ? f6 : f5, m->anydur ? 6 : 5);
		BUF_PUTSL(b, "<thead><tr><th>METRIC</th><th>ALERT WHEN</th>"
		    "<th class=\"w\">WARNING</th><th class=\"c\">CRITICAL</th>"
		    "<th>UNIT</th>");
		if (m->anydur)
			BUF_PUTSL(b, "<th>FOR</th>");
		BUF_PUTSL(b, "</tr></thead><tbody>\n");
		for (i = 0; i < m->nthr; i++) {
			const struct cthr *t = &m->thr[i];

			BUF_PUTSL(b, "<tr><td class=\"m mono\">");
			esc(b, t->metric);
			BUF_PUTSL(b, "</td><td>");
			esc(b, t->dir);
			BUF_PUTSL(b, "</td><td class=\"w\">");
			esc(b, t->warn != NULL ? t->warn : "\xe2\x80\x94");
			BUF_PUTSL(b, "</td><td class=\"c\">");
			esc(b, t->crit != NULL ? t->crit : "\xe2\x80\x94");
			BUF_PUTSL(b, "</td><td>");
			esc(b, t->unit);
			if (m->anydur) {
				BUF_PUTSL(b, "</td><td>");
				esc(b, t->dur);
			}
			BUF_PUTSL(b, "</td></tr>\n");
		}
		BUF_PUTSL(b, "</tbody></table>\n");
	}
	if (m->nquick > 0) {
		BUF_PUTSL(b, "<h2>QUICK REFERENCE</h2>\n<table class=\"qref\">");
		html_colgroup(b, qf, 2);
		for (i = 0; i < m->nquick; i++) {
			BUF_PUTSL(b, "<tr><td class=\"lab\">");
			esc(b, m->quick[i].label);
			BUF_PUTSL(b, "</td><td>");
			if (m->quick[i].cmd != NULL) {
				BUF_PUTSL(b, "<pre>");
				esc(b, m->quick[i].cmd);
				BUF_PUTSL(b, "</pre>");
			}
			BUF_PUTSL(b, "</td></tr>\n");
		}
		BUF_PUTSL(b, "</table>\n");
	}
	BUF_PUTSL(b, "</section>\n");
}

static void
html_make(struct card *c, const struct cmodel *ms, size_t n, double fs,
    struct buf *b)
{
	const struct site *site = c->site;
	size_t i;

	BUF_PUTSL(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"rbc " RBC_VERSION "\">\n"
	    "<title>Quick reference: ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			BUF_PUTSL(b, ", ");
		esc(b, ms[i].title);
	}
	BUF_PUTSL(b, "</title>\n<style>\n");
	buf_printf(b, "@page{size:%s;margin:%.0fpt}\n", c->paper, MARGIN);
	buf_printf(b, "html{font-size:%.2fpt}\n", fs * HTML_SCALE);
	buf_printf(b, "@media screen{.page{width:%.0fpt}}\n", c->pw);
	buf_puts(b, html_css);
	BUF_PUTSL(b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
	for (i = 0; i < n; i++)
		html_runbook(b, &ms[i], fs);
	BUF_PUTSL(b, "<footer>");
	if (site != NULL && site->cfg.organisation != NULL) {
		esc(b, site->cfg.organisation);
		BUF_PUTSL(b, " \xc2\xb7 ");
	}
	if (site != NULL && site->cfg.title != NULL) {
		esc(b, site->cfg.title);
		BUF_PUTSL(b, " \xc2\xb7 ");
	}
	if (n == 1 && ms[0].url != NULL) {
		esc(b, ms[0].url);
		BUF_PUTSL(b, " \xc2\xb7 ");
	}
	BUF_PUTSL(b, "Printed card made by rbc. Past its review-by date, get "
	    "a fresh copy.</footer>\n</div>\n</body>\n</html>\n");
}

/* ------------------------------------------------------------------ API */

/* Returns a card renderer for paper "a4" or "letter" (NULL: the site's
 * card: paper:, else A4), or NULL for an unknown paper name. */
struct card *
card_new(const struct site *site, const char *paper)
{
	static const char *const face[F__MAX] = {
		"DejaVu Sans", "DejaVu Sans Bold", "DejaVu Sans Mono"
	};
	cairo_font_options_t *fo;
	struct card *c;
	size_t i;

	if (paper == NULL && site != NULL)
		paper = site->cfg.paper;
	if (paper == NULL)
		paper = "a4";
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
	/* A private font map, so that no state is shared with anyone. */
	c->fontmap = pango_cairo_font_map_new();
	c->pctx = pango_font_map_create_context(c->fontmap);
	/* What a PDF surface uses: outlines, no hinting. */
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
	for (i = 0; i < NPOOL; i++) {
		c->pool[i] = pango_layout_new(c->pctx);
		pango_layout_set_wrap(c->pool[i], PANGO_WRAP_WORD_CHAR);
	}
	return c;
}

/* Returns a one-line summary of what the card holds, for card-overflow. */
static char *
overflow_what(const struct cmodel *ms, size_t n, const struct lay *L)
{
	struct buf b = { NULL, 0, 0 };
	size_t i, nesc = 0, noth = 0, nsev = 0, nthr = 0, nq = 0;
	double tot = 0;
	int k;

	for (i = 0; i < n; i++) {
		nesc += ms[i].nesc;
		noth += ms[i].nothers;
		nsev += ms[i].nsev;
		nthr += ms[i].nthr;
		nq += ms[i].nquick;
	}
	for (k = 0; k < S__MAX; k++)
		tot += L->sect[k];
	for (k = S_ESC; k <= S_QUICK; k++) {
		size_t cnt = k == S_ESC ? nesc : k == S_OTHERS ? noth :
		    k == S_SEV ? nsev : k == S_THR ? nthr : nq;

		if (cnt == 0)
			continue;
		if (b.len > 0)
			BUF_PUTSL(&b, ", ");
		buf_printf(&b, "%zu %s (%.0f%%)", cnt, sectname[k],
		    tot > 0 ? 100 * L->sect[k] / tot : 0);
	}
	return buf_detach(&b);
}

/*
 * Renders runbooks rbs[0..n-1] on one page into pdf and html (either may
 * be NULL).  Returns 0, or -1 after a card-overflow diagnostic with
 * nothing appended to either buffer.
 */
int
card_render(struct card *c, const struct runbook *const *rbs, size_t n,
    struct buf *pdf, struct buf *html, struct diags *d)
{
	struct arena *a;
	struct cmodel *ms;
	struct lay L;
	double fs, avail = c->ph - 2 * MARGIN, h = 0;
	size_t i;
	int rc = 0;

	if (n == 0)
		return 0;
	a = arena_new();
	ms = xcalloc(n, sizeof(*ms));
	for (i = 0; i < n; i++)
		model_build(a, c->site, rbs[i], &ms[i]);

	for (fs = FS_MAX; fs >= FS_MIN - 1e-9; fs -= FS_STEP) {
		int last = fs < FS_MIN + FS_STEP / 2;

		h = lay_card(c, NULL, ms, n, fs, MARGIN +
		    (last ? MEASURE_PAGES : 1) * avail, &L);
		if (h <= avail && L.wide == NULL)
			break;
	}
	if (fs < FS_MIN - 1e-9) {
		char *what = overflow_what(ms, n, &L);
		char *who = n == 1 ? xasprintf("card for '%s'", ms[0].id ?
		    ms[0].id : ms[0].title) : xasprintf("card for %zu "
		    "runbooks ('%s', ...)", n, ms[0].id ? ms[0].id :
		    ms[0].title);

		if (L.wide != NULL && h <= avail)
			diag_add(d, rbs[0]->src.path, 0, 0, R_CARD_OVERFLOW,
			    "%s: \"%.40s\" is wider than its column even "
			    "wrapped at 6 pt", who, L.wide);
		else if (h > MEASURE_PAGES * avail)
			diag_add(d, rbs[0]->src.path, 0, 0, R_CARD_OVERFLOW,
			    "%s needs more than %d %s pages at 6 pt: %s", who,
			    MEASURE_PAGES, c->paper, what);
		else
			diag_add(d, rbs[0]->src.path, 0, 0, R_CARD_OVERFLOW,
			    "%s needs %.1f %s pages at 6 pt: %s", who,
			    h / avail, c->paper, what);
		free(what);
		free(who);
		rc = -1;
	} else {
		if (pdf != NULL && pdf_make(c, ms, n, fs, pdf) == -1) {
			diag_add(d, rbs[0]->src.path, 0, 0, R_IO,
			    "cannot make the card's PDF");
			rc = -1;
		}
		if (rc == 0 && html != NULL)
			html_make(c, ms, n, fs, html);
	}
	for (i = 0; i < n; i++)
		if (ms[i].qr != NULL)
			QRcode_free(ms[i].qr);
	free(ms);
	arena_free(a);
	return rc;
}

void
card_free(struct card *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < NPOOL; i++)
		g_object_unref(c->pool[i]);
	for (i = 0; i < F__MAX; i++)
		pango_font_description_free(c->fd[i]);
	pango_attr_list_unref(c->nohyph);
	g_object_unref(c->pctx);
	g_object_unref(c->fontmap);
	free(c);
}
