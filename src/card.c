/*
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

#include "cardlib.h"
#include "render.h"

#define FS_MAX		10.0	/* base font size to start from, pt */
#define FS_MIN		6.0	/* the readable minimum, pt */
#define FS_STEP		0.5
#define HTML_PAD	0.8	/* HTML spacing relative to the PDF's */
#define LINE_HEIGHT	1.1641	/* DejaVu's (ascent + descent) / em */
#define MARGIN		28.0	/* page margin, pt (about 10 mm) */
#define QR_QUIET	4	/* QR quiet zone, modules */
#define QR_QUIET_C	2	/* the compact layout's (the box is white) */
#define QR_MAXVER	15	/* larger codes are too dense to scan */
#define NPEND		16	/* texts of one row, queued at once */
#define MEASURE_PAGES	10	/* stop measuring an overflow past this */
#define KEEP_LAYOUTS	1024	/* layouts a card keeps between renders */
#define THR_SPLIT	6	/* thresholds worth two halves */
#define PF_COMPACT	0.6	/* row spacing of the compact layout */

/* Text sizes, in base font sizes; none goes below FS_MIN. */
#define Z_TITLE		1.85
#define Z_SUMMARY	0.95
#define Z_META		0.85
#define Z_METALABEL	0.72
#define Z_CAPTION	0.62
#define Z_HEAD		0.8
#define Z_LEVEL		1.3
#define Z_NAME		1.05
#define Z_PHONE		1.45
#define Z_CHAT		0.85
#define Z_SUB		0.8
#define Z_SEVNAME	1.05
#define Z_RESP		0.9
#define Z_DESC		0.9
#define Z_THHEAD	0.68
#define Z_THR		0.92
#define Z_METRIC	0.9
#define Z_QLABEL	0.85
#define Z_CMD		0.9
#define Z_FOOT		0.7

/* Spacing, in base font sizes. */
#define P_BAND		0.9	/* inside the header band */
#define P_CAPTION	0.2	/* between the QR code and its caption */
#define P_SUMMARY	0.15	/* above the summary */
#define P_META		0.45	/* above the meta line */
#define P_HEAD		0.75	/* above a section heading */
#define P_HEADRULE	0.12	/* between a heading and its rule */
#define P_ESC		0.32	/* above and below a contact row's text */
#define P_SEV		0.28
#define P_THR		0.2
#define P_QUICK		0.22
#define P_CMD		0.3	/* inside a command's box */
#define P_ZEBRA		0.3	/* a striped row's text from its edge */
#define P_GUT		0.6	/* between columns */
#define P_HALVES	1.2	/* between the halves of a thresholds table */
#define P_RB		1.4	/* between runbooks on one page */
#define P_FOOT		0.3	/* between the footer's rule and text */
#define P_RADIUS	0.45	/* the header band's corners */

/* Colours, 0xRRGGBB, and their CSS spelling. */
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
#define W_RULE		0.5	/* hairlines between rows, pt */
#define W_HEADRULE	0.9	/* under a section heading, pt */
#define W_CMDBAR	2.0	/* left of a command, pt */

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

/* Column widths, fractions of the content (or half-table) width. */
static const double esc_frac[] = { 0.10, 0.30, 0.31, 0.29 };
static const double sev_frac[] = { 0.10, 0.18, 0.44, 0.28 };
static const double thr6_frac[] = { 0.36, 0.13, 0.14, 0.14, 0.12, 0.11 };
static const double thr5_frac[] = { 0.42, 0.14, 0.15, 0.15, 0.14 };
static const double quick_frac[] = { 0.27, 0.73 };

/* The thresholds table's column heads, whole and in halves. */
static const char *const thr_head[2][6] = {
	{ "METRIC", "WHEN", "WARNING", "CRITICAL", "UNIT", "FOR" },
	{ "METRIC", "WHEN", "WARN", "CRIT", "UNIT", "FOR" }
};

/* One drawing operation of the display list. */
enum opk {
	OP_RECT,
	OP_BAND,	/* the header band: a rounded rectangle */
	OP_TEXT,
	OP_QR
};

struct op {
	enum opk	 k;
	double		 x, y, w, h;
	uint32_t	 rgb;
	PangoLayout	*pl;		/* OP_TEXT by Pango */
	size_t		 r0, nr;	/* OP_TEXT by the fast path: runs */
	const QRcode	*qr;		/* OP_QR */
	const char	*uri;		/* OP_QR: the link */
	int		 quiet;		/* OP_QR: quiet zone, modules */
};

/* A styled range of a text: bytes [from, to), z base sizes large. */
struct span {
	size_t		 from, to;
	enum font	 f;
	double		 z;
	uint32_t	 rgb;
};

/* The fast path's text: a run of glyphs in one style on one baseline,
 * placed relative to its operation's origin. */
struct frun {
	enum font	 f;
	double		 pt;
	uint32_t	 rgb;
	double		 x, y;
	size_t		 g0, ng;	/* glyphs fg[g0..g0+ng-1] */
};

struct fglyph {
	unsigned	 g;
	double		 k;		/* kerning before it, pt */
};

/* A character of the text that the fast path is setting. */
struct fch {
	uint32_t	 cp;
	unsigned	 g;
	enum font	 f;
	int		 st;		/* its span, -1: the text's own style */
	double		 pt;
	double		 w;		/* advance, pt */
	double		 k;		/* kerning with the one before, pt */
};

struct card {
	const struct site	*site;
	const char		*paper;		/* CSS name: "A4", "letter" */
	double			 pw, ph;	/* page size, pt */
	PangoFontMap		*fontmap;
	PangoContext		*pctx;
	PangoFontDescription	*fd[F__MAX];
	PangoAttrList		*nohyph;	/* wrapped words get no '-' */
	PangoLayout		**pl;		/* layouts, reused */
	size_t			 npl;
	struct op		*ops;		/* the display list */
	size_t			 nops, opcap;
	/* The fast path (pdf.c): fonts loaded on first use. */
	struct pdffonts		*pf;
	struct pdfpage		*pp;		/* the page being written */
	int			 pfstate;	/* 0 untried, 1 ok, -1 no */
	int			 fast;		/* this layout is the fast path's */
	int			 slow;		/* it met a character pf lacks */
	struct frun		*runs;
	size_t			 nruns, runcap;
	struct fglyph		*fg;
	size_t			 nfg, fgcap;
	struct fch		*ch;
	size_t			 chcap;
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

struct lay {
	struct card	*c;
	double		 fs;		/* base font size */
	double		 x, w;		/* the content box */
	double		 y;		/* where the next block goes */
	double		 ymax;		/* measuring stops past this */
	int		 dens;		/* 0 roomy, 1 halves, 2 compact */
	double		 pf;		/* row spacing factor */
	size_t		 npl;		/* layouts used so far */
	struct op	 pend[NPEND];	/* texts of the row being laid out */
	size_t		 npend;
	double		 sect[S__MAX];	/* height each kind of section used */
	int		 haswide;	/* a text is wider than its box: */
	char		 wide[44];	/* its start (the text may be freed) */
};

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
static double
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
static double
qr_size(double fs, int dens)
{
	double q = (dens >= 2 ? 6.0 : 6.6) * fs, min = dens >= 2 ? 40 : 48;

	return q < min ? min : q > 72 ? 72 : q;
}

/* Returns the QR code's quiet zone, in modules. */
static int
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
	struct span sp[8];
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
	meta_add(&b, sp, &nsp, "VERSION", m->version);
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
static const char *
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
	char *unk = NULL;
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
	else
		h[2] = prep(L, "no phone", F_SANS, Z_SUB, x[2], y, w[2],
		    PANGO_ALIGN_LEFT, C_MUTED);
	free(unk);
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
static int
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
static char *
footer_text(const struct site *site, const struct cmodel *m, size_t n)
{
	struct buf b = { NULL, 0, 0 };

	if (site != NULL && site->cfg.organisation != NULL)
		buf_printf(&b, "%s \xc2\xb7 ", site->cfg.organisation);
	if (site != NULL && site->cfg.title != NULL)
		buf_printf(&b, "%s \xc2\xb7 ", site->cfg.title);
	if (n == 1 && m->url != NULL)
		buf_printf(&b, "%s \xc2\xb7 ", m->url);
	BUF_PUTSL(&b, "Printed card made by rbc " RBC_VERSION ". Past its "
	    "review-by date, get a fresh copy.");
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
static double
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
static int
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
static int
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
static int
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

/* ----------------------------------------------------------------- HTML */

/* Appends s (NULL: nothing) escaped as HTML text. */
static void
esc(struct buf *b, const char *s)
{
	if (s != NULL)
		html_esc_text(b, s, strlen(s));
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

/* The QR code as an inline SVG, one path of runs, in a link. */
static void
html_qr(struct buf *b, const struct cmodel *m, double size, int quiet)
{
	const QRcode *q = m->qr;
	int n = q->width + 2 * quiet, i, j, k;

	BUF_PUTSL(b, "<a class=\"qr\" href=\"");
	html_esc_attr(b, m->url, strlen(m->url));
	buf_printf(b, "\"><svg viewBox=\"0 0 %d %d\" style=\"width:%.2fpt;"
	    "height:%.2fpt\" role=\"img\" aria-label=\"QR code of ", n, n,
	    size, size);
	html_esc_attr(b, m->url, strlen(m->url));
	buf_printf(b, "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" "
	    "height=\"%d\" fill=\"#fff\"/><path d=\"", n, n);
	for (i = 0; i < q->width; i++)
		for (j = 0; (k = qr_run(q, i, &j)) > 0; j += k)
			buf_printf(b, "M%d %dh%dv1h-%dz", quiet + j,
			    quiet + i, k, k);
	BUF_PUTSL(b, "\"/></svg></a>");
}

/* A "LABEL value" pair of the header's meta line. */
static void
html_meta(struct buf *b, const char *label, const char *val)
{
	if (val == NULL)
		return;
	buf_printf(b, "<span><small>%s</small> <b>", label);
	esc(b, val);
	BUF_PUTSL(b, "</b></span> ");
}

/* Column widths, the PDF's fractions. */
static void
html_colgroup(struct buf *b, const double *frac, size_t n)
{
	size_t i;

	BUF_PUTSL(b, "<colgroup>");
	for (i = 0; i < n; i++)
		buf_printf(b, "<col style=\"width:%.1f%%\">", frac[i] * 100);
	BUF_PUTSL(b, "</colgroup>");
}

/* One contact row, as lay_contact() draws it. */
static void
html_contact(struct buf *b, const char *level, const char *after,
    const struct ccontact *c, int known)
{
	const char *name, *role;

	BUF_PUTSL(b, "<tr><td>");
	el(b, "div", "lvl", level);
	el(b, "div", "sub", after);
	BUF_PUTSL(b, "</td><td>");
	if (!known) {
		BUF_PUTSL(b, "<div class=\"name\">");
		esc(b, c->id != NULL ? c->id : "?");
		BUF_PUTSL(b, " (unknown contact)</div>");
	} else {
		name = contact_name(c, &role);
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

/* A thresholds table of thr[from..to-1]. */
static void
html_thr_table(struct buf *b, const struct cmodel *m, size_t from,
    size_t to, int halves)
{
	size_t i, k, nc = m->anydur ? 6 : 5;

	BUF_PUTSL(b, "<table class=\"thr\">");
	html_colgroup(b, m->anydur ? thr6_frac : thr5_frac, nc);
	BUF_PUTSL(b, "<thead><tr>");
	for (k = 0; k < nc; k++)
		buf_printf(b, "<th%s>%s</th>", k == 2 || k == 3 ?
		    " class=\"n\"" : "", thr_head[halves][k]);
	BUF_PUTSL(b, "</tr></thead><tbody>\n");
	for (i = from; i < to; i++) {
		const struct cthr *t = &m->thr[i];

		BUF_PUTSL(b, "<tr><td class=\"m\">");
		esc(b, t->metric);
		BUF_PUTSL(b, "</td><td>");
		esc(b, t->dir);
		BUF_PUTSL(b, "</td><td class=\"n w\">");
		esc(b, t->warn != NULL ? t->warn : "\xe2\x80\x94");
		BUF_PUTSL(b, "</td><td class=\"n c\">");
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

/* One runbook's part of the card, as lay_card() draws it. */
static void
html_runbook(struct buf *b, const struct cmodel *m, double fs, int dens)
{
	size_t i, rows;

	BUF_PUTSL(b, "<section class=\"rb\">\n<header><div class=\"txt\">");
	el(b, "h1", "title", m->title);
	el(b, "p", "summary", m->summary);
	if (m->service || m->owner || m->review_by || m->version) {
		BUF_PUTSL(b, "<p class=\"meta\">");
		html_meta(b, "SERVICE", m->service);
		html_meta(b, "OWNER", m->owner);
		html_meta(b, "REVIEW BY", m->review_by);
		html_meta(b, "VERSION", m->version);
		BUF_PUTSL(b, "</p>");
	}
	BUF_PUTSL(b, "</div>");
	if (m->qr != NULL) {
		BUF_PUTSL(b, "<div class=\"qrbox\">");
		html_qr(b, m, qr_size(fs, dens), qr_quiet(dens));
		if (dens < 2)
			BUF_PUTSL(b, "<p>Scan: full runbook</p>");
		BUF_PUTSL(b, "</div>");
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

			buf_printf(b, "<tr><td class=\"sn s%d\">",
			    sev_rank(s->name, i));
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
		BUF_PUTSL(b, "<h2>ALERT THRESHOLDS</h2>\n");
		if (dens >= 1 && m->nthr >= THR_SPLIT) {
			rows = (m->nthr + 1) / 2;
			BUF_PUTSL(b, "<div class=\"halves\">\n");
			html_thr_table(b, m, 0, rows, 1);
			html_thr_table(b, m, rows, m->nthr, 1);
			BUF_PUTSL(b, "</div>\n");
		} else
			html_thr_table(b, m, 0, m->nthr, 0);
	}
	if (m->nquick > 0) {
		BUF_PUTSL(b, "<h2>QUICK REFERENCE</h2>\n"
		    "<table class=\"qref\">");
		html_colgroup(b, quick_frac, 2);
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

/*
 * The style sheet: the PDF's text sizes, line height and columns, and its
 * spacing a little tighter, because browsers round their metrics their
 * own way (the Chromium print test checks the fullest card that fits).
 */
static void
html_css(struct buf *b, const struct card *c, double fs, int dens)
{
#define CSS(...)	buf_printf(b, __VA_ARGS__)
#define F(z)		zpt((z), fs)
#define S0(p)		((p) * fs * HTML_PAD)
#define S(p)		(S0(p) * (dens >= 2 ? PF_COMPACT : 1))
	CSS("@page{size:%s;margin:%.0fpt}\n", c->paper, MARGIN);
	CSS("*{box-sizing:border-box}\n");
	CSS("html{font-size:%.2fpt;font-family:\"DejaVu Sans\","
	    "\"Droid Sans Fallback\",sans-serif;line-height:%.4f;"
	    "color:#%06x;background:#fff;-webkit-print-color-adjust:exact;"
	    "print-color-adjust:exact}\n", fs, LINE_HEIGHT, C_INK);
	CSS("body,p,pre,h1,h2{margin:0}\n");
	if (dens >= 2)
		CSS(".esc td>div{display:inline;margin-right:.5em}\n");
	CSS("@media screen{body{padding:1em;background:#dde2e8}"
	    ".page{width:%.0fpt;min-height:%.0fpt;background:#fff;"
	    "margin:0 auto;padding:%.0fpt;box-shadow:0 1px 6px "
	    "rgba(0,0,0,.25)}}\n", c->pw, c->ph, MARGIN);
	CSS("header{background:#%06x;color:#%06x;border-radius:%.2fpt;"
	    "padding:%.2fpt;display:flex;gap:%.2fpt;"
	    "align-items:flex-start}\n", C_BAND, C_BANDTXT, P_RADIUS * fs,
	    S(P_BAND), S(P_BAND));
	CSS("header .txt{flex:1;min-width:0;overflow-wrap:anywhere}\n");
	CSS("h1{font-size:%.2fpt}\n", F(Z_TITLE));
	CSS(".summary{font-size:%.2fpt;color:#%06x;margin-top:%.2fpt;"
	    "white-space:pre-line}\n", F(Z_SUMMARY), C_BANDMUTED,
	    S0(P_SUMMARY));
	CSS(".meta{font-size:%.2fpt;margin-top:%.2fpt}\n", F(Z_META),
	    S0(P_META));
	CSS(".meta span{margin-right:.8em}.meta small{font-size:%.2fpt;"
	    "color:#%06x}\n", F(Z_METALABEL), C_BANDMUTED);
	CSS(".qrbox{text-align:center;font-size:%.2fpt;color:#%06x}\n",
	    F(Z_CAPTION), C_BANDMUTED);
	CSS(".qr,.qr svg{display:block}.qrbox p{margin-top:%.2fpt;"
	    "width:%.2fpt}\n", S0(P_CAPTION), qr_size(fs, dens));
	CSS("h2{font-size:%.2fpt;color:#%06x;margin-top:%.2fpt;"
	    "padding-bottom:%.2fpt;border-bottom:%.1fpt solid #%06x}\n",
	    F(Z_HEAD), C_ACCENT, S(P_HEAD), S0(P_HEADRULE), W_HEADRULE,
	    C_ACCENT);
	CSS("table{width:100%%;border-collapse:collapse;"
	    "table-layout:fixed}\n");
	CSS("td,th{vertical-align:top;text-align:left;padding:0 %.2fpt 0 0;"
	    "overflow-wrap:anywhere;white-space:pre-line}\n", P_GUT * fs);
	CSS("td:last-child,th:last-child{padding-right:0}\n");
	CSS(".esc td{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_ESC), S(P_ESC));
	CSS(".esc tr+tr td,.sev tr+tr td{border-top:%.1fpt solid #%06x}\n",
	    W_RULE, C_RULE);
	CSS(".lvl{font-size:%.2fpt;font-weight:bold;color:#%06x}\n",
	    F(Z_LEVEL), C_ACCENT);
	CSS(".sub{font-size:%.2fpt;color:#%06x}\n", F(Z_SUB), C_MUTED);
	CSS(".name{font-size:%.2fpt;font-weight:bold}\n", F(Z_NAME));
	CSS(".phone{font-size:%.2fpt;font-weight:bold}\n", F(Z_PHONE));
	CSS(".chat{font-size:%.2fpt}\n", F(Z_CHAT));
	CSS(".sev td{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_SEV), S(P_SEV));
	CSS(".sn{font-size:%.2fpt;font-weight:bold}\n", F(Z_SEVNAME));
	CSS(".s0{color:#%06x}.s1{color:#%06x}.s2{color:#%06x}\n", C_CRIT,
	    C_WARN, C_ACCENT);
	CSS(".resp{font-size:%.2fpt;font-weight:bold}\n", F(Z_RESP));
	CSS(".desc{font-size:%.2fpt}\n", F(Z_DESC));
	CSS(".thr td,.thr th{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_THR), S(P_THR));
	CSS(".thr th{font-size:%.2fpt;color:#%06x}\n", F(Z_THHEAD), C_MUTED);
	CSS(".thr td{font-size:%.2fpt;color:#%06x}\n", F(Z_THR), C_MUTED);
	CSS(".thr td:first-child,.thr th:first-child{padding-left:%.2fpt}\n",
	    P_ZEBRA * fs);
	CSS(".thr td.m{font-size:%.2fpt;color:#%06x;font-family:"
	    "\"DejaVu Sans Mono\",monospace}\n", F(Z_METRIC), C_INK);
	CSS(".thr .n{text-align:right}.thr td.w{color:#%06x}"
	    ".thr td.c{color:#%06x;font-weight:bold}\n", C_WARN, C_CRIT);
	CSS(".thr tbody tr:nth-child(odd){background:#%06x}\n", C_ZEBRA);
	CSS(".halves{display:flex;justify-content:space-between}"
	    ".halves table{width:calc(50%% - %.2fpt)}\n", P_HALVES * fs / 2);
	CSS(".qref td{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_QUICK), S(P_QUICK));
	CSS(".qref .lab{font-size:%.2fpt;font-weight:bold;"
	    "padding-top:%.2fpt}\n", F(Z_QLABEL), S(P_QUICK + P_CMD));
	CSS(".qref pre{font-size:%.2fpt;background:#%06x;border-left:"
	    "%.0fpt solid #%06x;padding:%.2fpt;white-space:pre-wrap;"
	    "overflow-wrap:anywhere;font-family:\"DejaVu Sans Mono\","
	    "monospace}\n", F(Z_CMD), C_CMDBG, W_CMDBAR, C_CMDBAR, S(P_CMD));
	CSS(".rb+.rb{margin-top:%.2fpt}\n", S0(P_RB));
	CSS("footer{font-size:%.2fpt;color:#%06x;border-top:%.1fpt solid "
	    "#%06x;padding-top:%.2fpt;margin-top:%.2fpt}\n", F(Z_FOOT),
	    C_MUTED, W_RULE, C_RULE, S0(P_FOOT), S0(P_RB));
#undef CSS
#undef F
#undef S
#undef S0
}

/* The whole HTML card: a standalone document, CSP and all. */
static void
html_make(struct card *c, const struct cmodel *ms, size_t n, double fs,
    int dens, struct buf *b)
{
	char *foot;
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
	html_css(b, c, fs, dens);
	BUF_PUTSL(b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
	for (i = 0; i < n; i++)
		html_runbook(b, &ms[i], fs, dens);
	foot = footer_text(c->site, &ms[0], n);
	BUF_PUTSL(b, "<footer>");
	esc(b, foot);
	BUF_PUTSL(b, "</footer>\n</div>\n</body>\n</html>\n");
	free(foot);
}

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
	cardlib_load();
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

/*
 * Returns what the card holds and how much of the height each part took,
 * the largest first: "300 thresholds (92%), 1 escalation step (2%)".
 */
static char *
overflow_what(const struct cmodel *ms, size_t n, const struct lay *L)
{
	struct buf b = { NULL, 0, 0 };
	size_t i, cnt[S__MAX];
	double tot = 0;
	int k, best, done[S__MAX];

	memset(cnt, 0, sizeof(cnt));
	memset(done, 0, sizeof(done));
	cnt[S_HEADER] = n;
	for (i = 0; i < n; i++) {
		cnt[S_ESC] += ms[i].nesc;
		cnt[S_OTHERS] += ms[i].nothers;
		cnt[S_SEV] += ms[i].nsev;
		cnt[S_THR] += ms[i].nthr;
		cnt[S_QUICK] += ms[i].nquick;
	}
	for (k = 0; k < S__MAX; k++)
		tot += L->sect[k];
	for (;;) {
		best = -1;
		for (k = S_HEADER; k <= S_QUICK; k++)
			if (cnt[k] > 0 && !done[k] && (best == -1 ||
			    L->sect[k] > L->sect[best]))
				best = k;
		if (best == -1)
			break;
		done[best] = 1;
		if (b.len > 0)
			BUF_PUTSL(&b, ", ");
		buf_printf(&b, "%zu %s (%.0f%%)", cnt[best],
		    sectname[best][cnt[best] != 1], tot > 0 ?
		    100 * L->sect[best] / tot : 0);
	}
	return buf_detach(&b);
}

/* Reports the card-overflow diagnostic for a card that does not fit. */
static void
overflow(struct card *c, const struct runbook *const *rbs,
    const struct cmodel *ms, size_t n, const struct lay *L, double h,
    struct diags *d)
{
	double avail = c->ph - 2 * MARGIN;
	const char *file = rbs[0]->src.path;
	const char *id = ms[0].id != NULL ? ms[0].id : ms[0].title;
	char *what = overflow_what(ms, n, L), *who;

	who = n == 1 ? xasprintf("card for '%s'", id) :
	    xasprintf("card for %zu runbooks ('%s', ...)", n, id);
	if (h <= avail && L->haswide)
		diag_add(d, file, 0, 0, R_CARD_OVERFLOW, "%s does not fit one "
		    "%s page: \"%.40s\" is wider than its column even wrapped "
		    "at %.0f pt", who, c->paper, L->wide, FS_MIN);
	else if (h > MEASURE_PAGES * avail)
		diag_add(d, file, 0, 0, R_CARD_OVERFLOW, "%s needs more than "
		    "%d %s pages at %.0f pt; share of the height: %s", who,
		    MEASURE_PAGES, c->paper, FS_MIN, what);
	else
		diag_add(d, file, 0, 0, R_CARD_OVERFLOW, "%s needs %.1f %s "
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
	for (i = 0; i < F__MAX; i++)
		pango_font_description_free(c->fd[i]);
	pango_attr_list_unref(c->nohyph);
	g_object_unref(c->pctx);
	g_object_unref(c->fontmap);
	free(c);
}
