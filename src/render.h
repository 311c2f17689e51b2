/*
 * The renderers, one file per output (html.c, man.c, card.c), each a
 * new / render / free trio over the model, and the templates they share
 * (mustache.c).  Includes only stages.h.
 */
#ifndef RBC_RENDER_H
#define RBC_RENDER_H

#include "stages.h"

/* ------------------------------------------------------------- mustache.c */

/*
 * Logic-less Mustache (the spec's core modules: interpolation, sections,
 * inverted, comments, partials, delimiters) over struct ynode contexts.
 * Templates are compiled when added; rendering does not change the set, so
 * many renders may run at once.
 */
struct mustache;
struct mustache *mustache_new(void);
/* 0, or -1 with *err (malloc'd "line N: ...") for a malformed template. */
int	 mustache_add(struct mustache *, const char *name,
	    const char *src, size_t len, char **err);
int	 mustache_has(const struct mustache *, const char *name);
/* 0, or -1 if no such template or a limit was hit (partials 64 deep, or
 * runaway effort); appends to out.  Missing partials render as empty. */
int	 mustache_render(const struct mustache *, const char *name,
	    const struct ynode *ctx, struct buf *out);
int	 mustache_render_stream(const struct mustache *, const char *name,
	    const struct ynode *ctx, struct buf *out,
	    int (*flush)(void *, const char *, size_t), void *);
void	 mustache_free(struct mustache *);


/* Renderers: one file per output, each a new / render / free trio; render
 * touches no global mutable state (runs in worker processes). */

/* html.c */
struct html;
/*
 * Where a page's links go: link(arg, o, r, l, flags, title, tn, scratch)
 * appends the start of link l (flags 0; HTML_LINK_IMG for an image) or
 * its end (| HTML_LINK_CLOSE).  html_link_put answers from the index
 * (arg: the site); a caller may answer otherwise.
 */
#define HTML_LINK_CLOSE	0x1
#define HTML_LINK_IMG	0x2
typedef void (*html_link_fn)(void *, struct buf *, const struct runbook *,
	    const struct link *, int flags, const char *title, size_t tn,
	    struct buf *scratch);
void	 html_link_put(void *, struct buf *, const struct runbook *,
	    const struct link *, int, const char *, size_t, struct buf *);
/* r's Markdown body, links through link (NULL: html_link_put). */
void	 html_body(struct buf *, const struct site *, const struct runbook *,
	    html_link_fn link, void *arg);
/* The front-matter keys a site page reads of a light runbook. */
#define FMK_TAGS	0x01
#define FMK_REVIEWED	0x02
#define FMK_CONTACTS	0x04
#define FMK_ESCALATION	0x08
#define FMK_THRESHOLDS	0x10
/* A light runbook's front-matter (its FMK_ keys made in the arena), for a
 * caller that keeps it out of memory; NULL if it has none. */
typedef struct ynode *(*html_fm_fn)(void *, const struct runbook *,
	    struct arena *, unsigned keys);
struct html *html_new(const struct site *, const struct mustache *tpl,
	    html_fm_fn, void *);
/* A light runbook's search terms (terms_collect) appended to out: 0, or
 * -1 if the caller cannot say (then they are made from the runbook). */
typedef int (*html_terms_fn)(void *, const struct runbook *, struct buf *);
void	 html_terms(struct html *, html_terms_fn, void *);
int	 html_render(struct html *, const struct runbook *, struct buf *out);
int	 html_render_body(struct html *, const struct runbook *,
	    const char *body, size_t, struct buf *out);
/* put(arg, path, bytes, more): more is 0 for a file's first (or only)
 * bytes, 1 for bytes to append to it. */
/* What html_site leaves out (linked from the previous build instead). */
#define HTML_SKIP_PAGES		1	/* index, contacts, thresholds, alerts */
#define HTML_SKIP_SEARCH	2	/* the search index */
int	 html_site(struct html *, int (*put)(void *, const char *path,
	    const struct buf *, int more), void *, int k, int jobs, int skip);
void	 html_intro(struct html *, const char *);
void	 html_free(struct html *);

/* What a rebuild's search index is made from besides the runbooks: the
 * previous build's (search.c).  Paths are under html/. */
struct search_prev {
	/* The previous build's file rel into b: 0, or -1. */
	int	(*read)(void *, const char *rel, struct buf *b);
	/* The previous build's file rel made this one's: 0, or -1. */
	int	(*link)(void *, const char *rel);
	/* Every file of this build's index removed (before the index is
	 * written whole): 0, or -1. */
	int	(*clear)(void *);
	/* Whether runbook i's entry may have changed since: 0 no; 1 yes,
	 * with the previous build's terms of it (terms_collect) in b; -1
	 * when it cannot say. */
	int	(*changed)(void *, size_t i, struct buf *b);
	void	*arg;
};
/* search.c: the search index (_rbc/search/), written through put as
 * html_site's pages are; terms NULL: made from each runbook; prev NULL:
 * written whole, else updated from the previous one where it can be.
 * 0 or -1. */
int	 search_write(const struct site *, html_terms_fn terms, void *,
	    const struct search_prev *prev,
	    int (*put)(void *, const char *, const struct buf *, int), void *);
void	 html_search_prev(struct html *, const struct search_prev *);

/* banner.c: a preview page's diagnostics (rbc serve) as HTML under
 * heading, appended to out; nothing when there are none. */
void	 banner_html(struct buf *out, const struct diags *,
	    const char *heading);

/* man.c: a section-7 page (rbc's own roff writer, not cmark's). */
struct man;
/* A runbook a page links to: its page name, id and title (NULL: unknown). */
struct man_target {
	const char	*name, *id, *title;
};
/*
 * Where link l of r (its text, text) goes: link(arg, r, l, text, t) is 1
 * with *t another runbook's page (its strings valid while r renders), or
 * 0 for the text alone.  man_target_index answers from the index (arg:
 * the site); a caller may answer otherwise.
 */
typedef int (*man_link_fn)(void *, const struct runbook *,
	    const struct link *, const char *text, struct man_target *);
int	 man_target_index(void *, const struct runbook *, const struct link *,
	    const char *, struct man_target *);
/* 1 if a link's text names t, so that name(7) alone shows the link. */
int	 man_names(const char *text, const char *dest,
	    const struct man_target *);
/* link NULL: man_target_index. */
struct man *man_new(const struct site *, man_link_fn link, void *arg);
void	 man_render(struct man *, const struct runbook *, struct buf *out);
/* man_render in two: the page but its SEE ALSO, and the SEE ALSO. */
void	 man_render_page(struct man *, const struct runbook *, struct buf *);
void	 man_see_also(struct man *, const struct runbook *, struct buf *);
void	 man_free(struct man *);

/*
 * card.c: the one-page quick-reference card, PDF (pdf.c, or Cairo/Pango
 * for scripts that need shaping) and HTML.
 * card_new: paper "a4" or "letter" (NULL: the site's card: paper:, else
 * A4); NULL for any other paper.  card_render lays out rbs[0..n-1] on one
 * page (text from 10 pt down to 6 pt) and appends the PDF to pdf and the
 * HTML card to html (either may be NULL); it returns 0, or -1 after a
 * card-overflow (or, if cairo fails, io) diagnostic with nothing appended.
 * Output is deterministic.  A struct card is for one thread at a time.
 */
struct card;
struct card *card_new(const struct site *, const char *paper);
int	 card_render(struct card *, const struct runbook *const *rbs,
	    size_t n, struct buf *pdf, struct buf *html, struct diags *);
void	 card_free(struct card *);
/* cardlib.c: the card's libraries, loaded when first wanted (exits 2 if
 * they cannot be). */
void	 cardlib_load(void);

/*
 * pdf.c: the card's own PDF writer, its fast path.  pdf_fonts_new reads
 * the fonts fontconfig matches for the patterns, once, limited to Latin,
 * Greek, Cyrillic and common punctuation (NULL if one cannot serve);
 * pdf_glyph is 0 for a code point outside that set.  Metrics are in ems.
 * A page numbers the glyphs its content stream shows (pdf_use, fonts
 * /F0../F2); pdf_page_end appends the whole one-page document with
 * subsets of just those glyphs, and empties the page for the next.
 */
#define PDF_NFONTS	3
struct pdffonts;
struct pdfpage;
struct pdflink {
	double		 rect[4];	/* x0 y0 x1 y1, PDF space */
	const char	*uri;
};
struct pdffonts *pdf_fonts_new(const char *const pat[PDF_NFONTS]);
void	 pdf_fonts_free(struct pdffonts *);
unsigned pdf_glyph(const struct pdffonts *, int, uint32_t);
double	 pdf_advance(const struct pdffonts *, int, unsigned);
double	 pdf_kern(const struct pdffonts *, int, unsigned, unsigned);
double	 pdf_ascent(const struct pdffonts *, int);
double	 pdf_descent(const struct pdffonts *, int);
void	 pdf_num(struct buf *, double);
void	 pdf_glyph_hex(struct buf *, unsigned);
struct pdfpage *pdf_page_new(const struct pdffonts *);
unsigned pdf_use(struct pdfpage *, int, unsigned);
void	 pdf_page_end(struct pdfpage *, struct buf *, double pw, double ph,
	    const struct buf *content, const struct pdflink *, size_t,
	    const char *title, const char *creator, const char *date);
void	 pdf_page_free(struct pdfpage *);

#endif /* RBC_RENDER_H */
