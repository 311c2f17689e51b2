/*
 * The card's parts, shared by card.c (the model and its layout),
 * card_pdf.c (the PDF, through Cairo or pdf.c) and card_html.c (the HTML
 * card): their sizes, the display list and the layout's state.
 */
#ifndef RBC_CARD_H
#define RBC_CARD_H

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

struct ccontact {
	const char	*id, *name, *role, *phone, *chat, *email, *pager;
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
	const char	*alerts;	/* the alerts that point here, or NULL */
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

/* The layout: what a density at a font size took (lay_card). */
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

/* card_layout.c */
extern const double thr6_frac[];
extern const double thr5_frac[];
extern const char *const thr_head[2][6];
extern const double esc_frac[];
extern const double sev_frac[];
extern const double quick_frac[];
double	 qr_size(double fs, int dens);
int	 qr_quiet(int dens);
int	 sev_rank(const char *name, size_t i);
double	 zpt(double z, double fs);
char	*footer_text(const struct site *site, const struct cmodel *m, size_t n);
const char *contact_name(const struct ccontact *c, const char **role);
void	 model_build(struct arena *a, const struct site *site,
	    const struct runbook *r, struct cmodel *m);
double	 lay_card(struct card *c, const struct cmodel *ms, size_t n, double fs,
	    int dens, double ymax, struct lay *L);

/* card_pdf.c: the run of dark modules at or after *j in row i of q. */
int	 qr_run(const QRcode *q, int i, int *j);
int	 fast_pdf(struct card *c, const struct cmodel *ms, size_t n, double fs,
	    struct buf *out);
/* card_layout.c: Pango and Cairo set up for c, on first need. */
void	 card_pango(struct card *);
int	 pdf_make(struct card *c, const struct cmodel *ms, size_t n, double fs,
	    struct buf *out);

/* card_html.c */
void	 html_make(struct card *c, const struct cmodel *ms, size_t n, double fs,
	    int dens, struct buf *b);


#endif /* RBC_CARD_H */
