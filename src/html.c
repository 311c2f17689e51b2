/*
 * HTML output: the runbook body rendered over the cmark-gfm tree (heading
 * ids and self-links, links rewritten through index.c, raw HTML as
 * sanitize.c rebuilt it, or as written where site.yaml says unsafe_html;
 * GitHub's alerts and :emoji:), and every page of the site through
 * the Mustache templates, with contexts built from the front-matter.
 * Front-matter values reach templates as data and are escaped there;
 * only the rendered body goes in raw.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "render.h"

struct html {
	const struct site	*s;
	const struct mustache	*tpl;
	html_fm_fn		 fm;	/* a light runbook's front-matter */
	void			*fmarg;
	html_terms_fn		 terms;	/* a light runbook's search terms */
	void			*termsarg;
	const struct search_prev *prev;	/* the previous build's index */
	const char		*intro;	/* the home page's text, HTML */
};

struct rctx {
	struct buf		*o;
	const struct site	*s;
	const struct runbook	*r;
	struct buf		 scratch;
	int			 skipped_h1;
	uint8_t			*align;
	int			 col;
	int			 in_header;
	html_link_fn		 link;	/* writes where links go */
	void			*link_arg;
	/* Footnotes: the notes made, and each note's references so far
	 * (for their ids), by number. */
	int			 nnotes;
	int			*nrefs;
	struct {
		const char	*s;	/* the label, in the source */
		size_t		 n;
	}			*labels;
	size_t			 caprefs;
};

static const char *const tagfilter[] = {
	"title", "textarea", "style", "xmp", "iframe", "noembed", "noframes",
	"script", "plaintext", NULL
};

/* Writes raw HTML with GFM's tagfilter applied (unsafe_html sites only). */
static void
put_raw_html(struct buf *o, const char *s)
{
	size_t i, k, n = strlen(s), run = 0, tl;

	for (i = 0; i < n; i++) {
		if (s[i] != '<')
			continue;
		k = i + 1 + (s[i + 1] == '/');
		for (size_t t = 0; tagfilter[t] != NULL; t++) {
			tl = strlen(tagfilter[t]);
			if (strncasecmp(s + k, tagfilter[t], tl) == 0 &&
			    (s[k + tl] == '>' || s[k + tl] == '/' ||
			    isspace((unsigned char)s[k + tl]) ||
			    s[k + tl] == '\0')) {
				buf_put(o, s + run, i - run);
				BUF_PUTSL(o, "&lt;");
				run = i + 1;
				break;
			}
		}
	}
	buf_put(o, s + run, n - run);
}

static void
put_text(struct buf *o, const char *s)
{
	if (s != NULL)
		html_esc_text(o, s, strlen(s));
}

/* Appends text s with GitHub's :emoji: shortcodes as their emoji. */
static void
put_prose(struct buf *o, const char *s)
{
	if (s != NULL)
		emoji_put(o, s, strlen(s), html_esc_text);
}

/* GitHub's alert icons: octicons (MIT licence, GitHub Inc.), 16 px. */
static const char *const alert_icon[] = {
	/* info */
	"M0 8a8 8 0 1 1 16 0A8 8 0 0 1 0 8Zm8-6.5a6.5 6.5 0 1 0 0 13 6.5 6.5 0 "
	"0 0 0-13ZM6.5 7.75A.75.75 0 0 1 7.25 7h1a.75.75 0 0 1 .75.75v2.75h.25"
	"a.75.75 0 0 1 0 1.5h-2a.75.75 0 0 1 0-1.5h.25v-2h-.25a.75.75 0 0 1-.75"
	"-.75ZM8 6a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z",
	/* light-bulb */
	"M8 1.5c-2.363 0-4 1.69-4 3.75 0 .984.424 1.625.984 2.304l.214.253c.22"
	"3.264.47.556.673.848.284.411.537.896.621 1.49a.75.75 0 0 1-1.484.211c"
	"-.04-.282-.163-.547-.37-.847a8.456 8.456 0 0 0-.542-.68c-.084-.1-.173-"
	".205-.268-.32C3.201 7.75 2.5 6.766 2.5 5.25 2.5 2.31 4.863 0 8 0s5.5 "
	"2.31 5.5 5.25c0 1.516-.701 2.5-1.328 3.259-.095.115-.184.22-.268.319-"
	".207.245-.383.453-.541.681-.208.3-.33.565-.37.847a.751.751 0 0 1-1.48"
	"5-.212c.084-.593.337-1.078.621-1.489.203-.292.45-.584.673-.848.075-.08"
	"8.147-.173.213-.253.561-.679.985-1.32.985-2.304 0-2.06-1.637-3.75-4-3."
	"75ZM5.75 12h4.5a.75.75 0 0 1 0 1.5h-4.5a.75.75 0 0 1 0-1.5ZM6 15.25a.7"
	"5.75 0 0 1 .75-.75h2.5a.75.75 0 0 1 0 1.5h-2.5a.75.75 0 0 1-.75-.75Z",
	/* report */
	"M0 1.75C0 .784.784 0 1.75 0h12.5C15.216 0 16 .784 16 1.75v9.5A1.75 1.7"
	"5 0 0 1 14.25 13H8.06l-2.573 2.573A1.458 1.458 0 0 1 3 14.543V13H1.75A"
	"1.75 1.75 0 0 1 0 11.25Zm1.75-.25a.25.25 0 0 0-.25.25v9.5c0 .138.112."
	"25.25.25h2a.75.75 0 0 1 .75.75v2.19l2.72-2.72a.749.749 0 0 1 .53-.22h6"
	".5a.25.25 0 0 0 .25-.25v-9.5a.25.25 0 0 0-.25-.25Zm7 2.25v2.5a.75.75 0"
	" 0 1-1.5 0v-2.5a.75.75 0 0 1 1.5 0ZM9 9a1 1 0 1 1-2 0 1 1 0 0 1 2 0Z",
	/* alert */
	"M6.457 1.047c.659-1.234 2.427-1.234 3.086 0l6.082 11.378A1.75 1.75 0 0"
	" 1 14.082 15H1.918a1.75 1.75 0 0 1-1.543-2.575Zm1.763.707a.25.25 0 0 "
	"0-.44 0L1.698 13.132a.25.25 0 0 0 .22.368h12.164a.25.25 0 0 0 .22-.36"
	"8Zm.53 3.996v2.5a.75.75 0 0 1-1.5 0v-2.5a.75.75 0 0 1 1.5 0ZM9 11a1 1 "
	"0 1 1-2 0 1 1 0 0 1 2 0Z",
	/* stop */
	"M4.47.22A.749.749 0 0 1 5 0h6c.199 0 .389.079.53.22l4.25 4.25c.141.14."
	"22.331.22.53v6a.749.749 0 0 1-.22.53l-4.25 4.25A.749.749 0 0 1 11 16H"
	"5a.749.749 0 0 1-.53-.22L.22 11.53A.749.749 0 0 1 0 11V5c0-.199.079-."
	"389.22-.53Zm.84 1.28L1.5 5.31v5.38l3.81 3.81h5.38l3.81-3.81V5.31L10.6"
	"9 1.5ZM8 4a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0"
	" 1 8 4Zm0 8a1 1 0 1 1 0-2 1 1 0 0 1 0 2Z",
};

/* Writes a GitHub alert's opening: its box, icon and label. */
static void
alert_open(struct buf *o, const struct htmlel *e, int kind)
{
	const char *cls = e->name;

	BUF_PUTSL(o, "<div class=\"markdown-alert markdown-alert-");
	for (; *cls != '\0'; cls++)
		buf_putc(o, (char)tolower((unsigned char)*cls));
	BUF_PUTSL(o, "\">\n<p class=\"markdown-alert-title\"><svg class=\""
	    "octicon\" viewBox=\"0 0 16 16\" width=\"16\" height=\"16\" "
	    "aria-hidden=\"true\"><path d=\"");
	buf_puts(o, alert_icon[kind]);
	BUF_PUTSL(o, "\"></path></svg>");
	buf_puts(o, e->name);
	BUF_PUTSL(o, "</p>\n");
}

static void children(struct rctx *, cmark_node *);

/* Renders a custom node: raw HTML as sanitize.c rebuilt it, or an
 * alert. */
static void
render_custom(struct rctx *c, cmark_node *n)
{
	const struct htmlel *e = md_node_html(n);
	const char *s;
	int block = cmark_node_get_type(n) == CMARK_NODE_CUSTOM_BLOCK;

	if (e == NULL) {
		children(c, n);
		return;
	}
	if (e->flags & (HE_HIDDEN | HE_ATTRS))
		return;
	if (e->flags & HE_ALERT) {
		alert_open(c->o, e, (int)((uintptr_t)
		    cmark_node_get_user_data(n) - HEL_ALERT));
		children(c, n);
		BUF_PUTSL(c->o, "</div>\n");
		return;
	}
	if ((s = cmark_node_get_on_enter(n)) != NULL)
		buf_puts(c->o, s);
	children(c, n);
	if ((s = cmark_node_get_on_exit(n)) != NULL)
		buf_puts(c->o, s);
	if (block && e->name[0] != '\0')
		buf_putc(c->o, '\n');
}

/* Appends an <img>'s own attributes (raw HTML's width, height,
 * alignment), kept in a child node: after its alt text, in its quotes. */
static void
img_attrs(struct buf *o, cmark_node *img)
{
	cmark_node *k;
	const struct htmlel *e;
	const char *s;

	for (k = cmark_node_first_child(img); k != NULL; k = cmark_node_next(k))
		if ((e = md_node_html(k)) != NULL && (e->flags & HE_ATTRS) &&
		    (s = cmark_node_get_on_enter(k)) != NULL)
			buf_puts(o, s);
}

static int
is_type(cmark_node *n, const char *t)
{
	return strcmp(cmark_node_get_type_string(n), t) == 0;
}

/* Returns 1 if paragraph n sits in a tight list item (no <p>). */
static int
tight(cmark_node *n)
{
	cmark_node *item = cmark_node_parent(n), *list;

	if (item == NULL || cmark_node_get_type(item) != CMARK_NODE_ITEM)
		return 0;
	list = cmark_node_parent(item);
	return list != NULL && cmark_node_get_list_tight(list);
}

static void render(struct rctx *, cmark_node *);

static void
children(struct rctx *c, cmark_node *n)
{
	cmark_node *k;

	for (k = cmark_node_first_child(n); k != NULL; k = cmark_node_next(k))
		render(c, k);
}

static void
alt_text(struct buf *o, cmark_node *n)
{
	cmark_node *k;

	for (k = cmark_node_first_child(n); k != NULL; k = cmark_node_next(k)) {
		if (cmark_node_get_literal(k) != NULL &&
		    (cmark_node_get_type(k) == CMARK_NODE_TEXT ||
		    cmark_node_get_type(k) == CMARK_NODE_CODE))
			html_esc_attr(o, cmark_node_get_literal(k),
			    strlen(cmark_node_get_literal(k)));
		else
			alt_text(o, k);
	}
}

/* Appends the title attribute, if there is a title. */
static void
title_attr(struct buf *o, const char *title, size_t n)
{
	if (title != NULL && n > 0) {
		BUF_PUTSL(o, " title=\"");
		html_esc_attr(o, title, n);
		buf_putc(o, '"');
	}
}

/* Appends what comes before a link's text or an image's alt text. */
static void
link_open(struct buf *o, const char *href, int flags, const char *title,
    size_t tn, int broken)
{
	if (flags & HTML_LINK_IMG) {
		BUF_PUTSL(o, "<img src=\"");
		html_esc_url(o, href, strlen(href));
		BUF_PUTSL(o, "\" alt=\"");
		return;
	}
	BUF_PUTSL(o, "<a href=\"");
	html_esc_url(o, href, strlen(href));
	buf_putc(o, '"');
	title_attr(o, title, tn);
	if (broken)
		BUF_PUTSL(o, " class=\"broken\"");
	buf_putc(o, '>');
}

/* Appends what comes after them. */
static void
link_close(struct buf *o, int flags, const char *title, size_t tn)
{
	if (flags & HTML_LINK_IMG) {
		buf_putc(o, '"');
		title_attr(o, title, tn);
		buf_putc(o, '>');
	} else
		BUF_PUTSL(o, "</a>");
}

/*
 * Appends the start of link l of r (flags 0, or HTML_LINK_IMG for an
 * image), or its end (| HTML_LINK_CLOSE), as the index resolved it:
 * nothing where it goes nowhere.  The default html_link_fn.
 */
void
html_link_put(void *site, struct buf *o, const struct runbook *r,
    const struct link *l, int flags, const char *title, size_t tn,
    struct buf *scratch)
{
	const char *href = link_href(site, r, l, scratch);

	if (href == NULL)
		return;
	if (flags & HTML_LINK_CLOSE)
		link_close(o, flags, title, tn);
	else
		link_open(o, href, flags, title, tn, l->broken);
}

static void
render_link(struct rctx *c, cmark_node *n)
{
	const struct link *l = md_node_link(c->r, n);
	const char *url = cmark_node_get_url(n), *title, *href = NULL;
	struct buf *o = c->o;
	size_t mark;

	/*
	 * An image from another site would be a request leaving the page,
	 * which its policy blocks (a broken image): a link to it instead,
	 * its alt text the link's.
	 */
	if (cmark_node_get_type(n) == CMARK_NODE_IMAGE && url != NULL &&
	    (strncasecmp(url, "https://", 8) == 0 ||
	    strncasecmp(url, "http://", 7) == 0 || strncmp(url, "//", 2) == 0)) {
		cmark_node *p;
		/* In a link (a badge), a link of its own cannot be. */
		for (p = cmark_node_parent(n); p != NULL &&
		    cmark_node_get_type(p) != CMARK_NODE_LINK;
		    p = cmark_node_parent(p))
			;
		if (p != NULL) {
			BUF_PUTSL(o, "<span class=\"external-image\">");
			mark = o->len;
			alt_text(o, n);
			if (o->len == mark)
				BUF_PUTSL(o, "image");
			BUF_PUTSL(o, "</span>");
			return;
		}
		BUF_PUTSL(o, "<a class=\"external-image\" href=\"");
		html_esc_url(o, url, strlen(url));
		BUF_PUTSL(o, "\">");
		mark = o->len;
		alt_text(o, n);
		if (o->len == mark)
			BUF_PUTSL(o, "image");
		BUF_PUTSL(o, "</a>");
		return;
	}
	if (l != NULL) {
		int img = cmark_node_get_type(n) == CMARK_NODE_IMAGE ?
		    HTML_LINK_IMG : 0;

		title = cmark_node_get_title(n);
		c->link(c->link_arg, o, c->r, l, img, title,
		    title != NULL ? strlen(title) : 0, &c->scratch);
		if (img) {
			alt_text(o, n);
			img_attrs(o, n);
		} else
			children(c, n);
		if (!img)
			title = NULL;
		c->link(c->link_arg, o, c->r, l, img | HTML_LINK_CLOSE, title,
		    title != NULL ? strlen(title) : 0, &c->scratch);
		return;
	}
	if (url != NULL && url_safe(url, strlen(url)))
		href = url;
	title = cmark_node_get_title(n);
	if (title == NULL)
		title = "";
	if (cmark_node_get_type(n) == CMARK_NODE_IMAGE) {
		if (href == NULL) {
			alt_text(o, n);
			return;
		}
		link_open(o, href, HTML_LINK_IMG, title, strlen(title), 0);
		alt_text(o, n);
		img_attrs(o, n);
		link_close(o, HTML_LINK_IMG, title, strlen(title));
		return;
	}
	if (href == NULL) {
		children(c, n);
		return;
	}
	link_open(o, href, 0, title, strlen(title), l != NULL && l->broken);
	children(c, n);
	link_close(o, 0, title, strlen(title));
}

static void
render_heading(struct rctx *c, cmark_node *n)
{
	const struct heading *h = md_node_heading(c->r, n);
	int level = cmark_node_get_heading_level(n);
	struct buf *o = c->o;

	/* The page template shows the title (with this heading's id);
	 * skip the H1 that repeats it. */
	if (!c->skipped_h1 && level == 1 && h != NULL &&
	    h == title_heading(c->r)) {
		c->skipped_h1 = 1;
		return;
	}
	BUF_PUTSL(o, "<h");
	buf_putc(o, '0' + level);
	if (h != NULL && h->slug[0] != '\0') {
		BUF_PUTSL(o, " id=\"");
		html_esc_attr(o, h->slug, strlen(h->slug));
		BUF_PUTSL(o, "\"><a class=\"anchor\" href=\"#");
		html_esc_url(o, h->slug, strlen(h->slug));
		BUF_PUTSL(o, "\" aria-label=\"Permalink to this section\">"
		    "#</a>");
	} else
		buf_putc(o, '>');
	children(c, n);
	BUF_PUTSL(o, "</h");
	buf_putc(o, '0' + level);
	BUF_PUTSL(o, ">\n");
}

/*
 * Appends the table of contents GitLab's [[_TOC_]] or [TOC] asks for:
 * the page's headings as nested lists, each a link to its id.
 */
static void
render_toc(struct rctx *c)
{
	const struct runbook *r = c->r;
	struct buf *o = c->o;
	int lv[7], depth = 0;
	size_t i;

	for (i = 0; i < r->nheads && r->heads[i].level == 0; i++)
		;
	if (i == r->nheads)	/* no heading: anchors' ids only */
		return;
	BUF_PUTSL(o, "<nav class=\"toc-inline\" aria-label=\"Contents\">\n");
	for (i = 0; i < r->nheads; i++) {
		const struct heading *h = &r->heads[i];
		if (h->slug[0] == '\0' || h->level == 0)
			continue;
		if (depth == 0) {
			BUF_PUTSL(o, "<ul>\n<li>");
			lv[depth++] = h->level;
		} else if (h->level > lv[depth - 1] && depth < 7) {
			BUF_PUTSL(o, "\n<ul>\n<li>");
			lv[depth++] = h->level;
		} else {
			while (depth > 1 && h->level < lv[depth - 1]) {
				BUF_PUTSL(o, "</li>\n</ul>\n");
				depth--;
			}
			BUF_PUTSL(o, "</li>\n<li>");
		}
		BUF_PUTSL(o, "<a href=\"#");
		html_esc_url(o, h->slug, strlen(h->slug));
		BUF_PUTSL(o, "\">");
		html_esc_text(o, h->text, strlen(h->text));
		BUF_PUTSL(o, "</a>");
	}
	while (depth-- > 0)
		BUF_PUTSL(o, "</li>\n</ul>\n");
	BUF_PUTSL(o, "</nav>\n");
}

/* A body table's header cell longer than this gives its column no
 * label: a label is repeated in every row. */
#define LABEL_MAX	40

/*
 * Writes the header cells' text of table n into lab, attribute-escaped,
 * and sets (*at)[k], (*len)[k] to column k's label (length 0: none);
 * returns the number of columns.  On a phone a row stacks and each cell
 * shows its column's label (data-label).
 */
static size_t
table_labels(cmark_node *n, struct buf *lab, size_t **at, size_t **len)
{
	cmark_node *row = cmark_node_first_child(n), *cell;
	size_t k = 0, cap = 0, mark;

	*at = *len = NULL;
	if (row == NULL || !is_type(row, "table_header"))
		return 0;
	for (cell = cmark_node_first_child(row); cell != NULL;
	    cell = cmark_node_next(cell), k++) {
		if (k == cap) {
			cap = cap ? cap * 2 : 8;
			*at = xreallocarray(*at, cap, sizeof(**at));
			*len = xreallocarray(*len, cap, sizeof(**len));
		}
		mark = lab->len;
		alt_text(lab, cell);
		(*at)[k] = mark;
		(*len)[k] = lab->len - mark <= LABEL_MAX ? lab->len - mark : 0;
		lab->len = mark + (*len)[k];
	}
	return k;
}

static void
render_table(struct rctx *c, cmark_node *n)
{
	cmark_node *row, *cell;
	struct buf *o = c->o, lab = { NULL, 0, 0 };
	size_t *lat, *llen, ncol, k;
	int header, body_open = 0;

	c->align = cmark_gfm_extensions_get_table_alignments(n);
	ncol = table_labels(n, &lab, &lat, &llen);
	BUF_PUTSL(o, "<div class=\"table\"><table>\n");
	for (row = cmark_node_first_child(n); row != NULL;
	    row = cmark_node_next(row)) {
		header = is_type(row, "table_header");
		if (header)
			BUF_PUTSL(o, "<thead>\n");
		else if (!body_open) {
			BUF_PUTSL(o, "<tbody>\n");
			body_open = 1;
		}
		BUF_PUTSL(o, "<tr>\n");
		c->col = 0;
		for (cell = cmark_node_first_child(row), k = 0; cell != NULL;
		    cell = cmark_node_next(cell), k++) {
			const char *tag = header ? "th" : "td";
			uint8_t al = c->align != NULL ? c->align[c->col] : 0;
			buf_putc(o, '<');
			buf_puts(o, tag);
			if (al == 'l')
				BUF_PUTSL(o, " class=\"left\"");
			else if (al == 'c')
				BUF_PUTSL(o, " class=\"center\"");
			else if (al == 'r')
				BUF_PUTSL(o, " class=\"right\"");
			if (!header && k < ncol && llen[k] > 0) {
				BUF_PUTSL(o, " data-label=\"");
				buf_put(o, lab.data + lat[k], llen[k]);
				buf_putc(o, '"');
			}
			buf_putc(o, '>');
			children(c, cell);
			BUF_PUTSL(o, "</");
			buf_puts(o, tag);
			BUF_PUTSL(o, ">\n");
			if (c->align != NULL && c->align[c->col] != 0)
				c->col++;
			else if (c->align != NULL)
				c->col++;
		}
		BUF_PUTSL(o, "</tr>\n");
		if (header)
			BUF_PUTSL(o, "</thead>\n");
	}
	if (body_open)
		BUF_PUTSL(o, "</tbody>\n");
	BUF_PUTSL(o, "</table></div>\n");
	c->align = NULL;
	free(lat);
	free(llen);
	buf_free(&lab);
}

static void render(struct rctx *, cmark_node *);

/* Appends GitHub's id of note k ("fn-") or of a reference to it
 * ("fnref-"): its label as the references spell it, or its number if
 * the source did not give one. */
static void
note_id(const struct rctx *c, struct buf *o, const char *prefix, long k)
{
	if ((size_t)k < c->caprefs && c->labels[k].s != NULL)
		md_note_id(o, prefix, c->labels[k].s, c->labels[k].n);
	else
		buf_printf(o, "%s%ld", prefix, k);
}

/*
 * A footnote's reference, as GitHub shows it: its number raised, linking
 * to the note; ids as GitHub's: the note's first reference fnref-LABEL,
 * the next ones fnref-LABEL-2 and on (the note links back to the first),
 * the note fn-LABEL.  cmark numbers the notes in the order they are
 * first referred to.
 */
static void
render_note_ref(struct rctx *c, cmark_node *n)
{
	const char *num = cmark_node_get_literal(n);
	long k = num != NULL ? strtol(num, NULL, 10) : 0;
	struct buf *o = c->o;
	size_t old;

	if (k <= 0 || k > RBC_MAX_NOTES) {
		put_text(o, num != NULL ? num : "");
		return;
	}
	if ((size_t)k >= c->caprefs) {
		old = c->caprefs;
		c->caprefs = (size_t)k + 16;
		c->nrefs = xreallocarray(c->nrefs, c->caprefs,
		    sizeof(*c->nrefs));
		memset(c->nrefs + old, 0, (c->caprefs - old) *
		    sizeof(*c->nrefs));
		c->labels = xreallocarray(c->labels, c->caprefs,
		    sizeof(*c->labels));
		memset(c->labels + old, 0, (c->caprefs - old) *
		    sizeof(*c->labels));
	}
	if (c->nrefs[k]++ == 0 && c->r != NULL)
		c->labels[k].s = md_note_label(c->r, n, &c->labels[k].n);
	BUF_PUTSL(o, "<sup class=\"footnote-ref\"><a href=\"#");
	note_id(c, o, "fn-", k);
	BUF_PUTSL(o, "\" id=\"");
	note_id(c, o, "fnref-", k);
	if (c->nrefs[k] > 1)
		buf_printf(o, "-%d", c->nrefs[k]);
	buf_printf(o, "\">%ld</a></sup>", k);
}

/*
 * A footnote: cmark puts the notes at the end of the document, in the
 * order they are referred to (one never referred to is dropped).  The
 * first opens their list, the last closes it; each ends with a link back
 * to its first reference.
 */
static void
render_note(struct rctx *c, cmark_node *n)
{
	struct buf *o = c->o;
	cmark_node *prev = cmark_node_previous(n), *next = cmark_node_next(n);
	int k = ++c->nnotes;

	if (prev == NULL || cmark_node_get_type(prev) !=
	    CMARK_NODE_FOOTNOTE_DEFINITION)
		BUF_PUTSL(o, "<section class=\"footnotes\" "
		    "aria-label=\"Footnotes\">\n<ol>\n");
	BUF_PUTSL(o, "<li id=\"");
	note_id(c, o, "fn-", k);
	BUF_PUTSL(o, "\">\n");
	children(c, n);
	BUF_PUTSL(o, "<p class=\"footnote-back\"><a href=\"#");
	note_id(c, o, "fnref-", k);
	BUF_PUTSL(o, "\" aria-label=\"Back to the text\">&#8617;</a></p>\n"
	    "</li>\n");
	if (next == NULL || cmark_node_get_type(next) !=
	    CMARK_NODE_FOOTNOTE_DEFINITION)
		BUF_PUTSL(o, "</ol>\n</section>\n");
}

static void
render(struct rctx *c, cmark_node *n)
{
	struct buf *o = c->o;
	const char *lit, *info;
	int start;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_DOCUMENT:
		children(c, n);
		return;
	case CMARK_NODE_BLOCK_QUOTE:
		BUF_PUTSL(o, "<blockquote>\n");
		children(c, n);
		BUF_PUTSL(o, "</blockquote>\n");
		return;
	case CMARK_NODE_LIST:
		if (cmark_node_get_list_type(n) == CMARK_ORDERED_LIST) {
			start = cmark_node_get_list_start(n);
			if (start != 1)
				buf_printf(o, "<ol start=\"%d\">\n", start);
			else
				BUF_PUTSL(o, "<ol>\n");
			children(c, n);
			BUF_PUTSL(o, "</ol>\n");
		} else {
			BUF_PUTSL(o, "<ul>\n");
			children(c, n);
			BUF_PUTSL(o, "</ul>\n");
		}
		return;
	case CMARK_NODE_ITEM:
		if (is_type(n, "tasklist")) {
			BUF_PUTSL(o, "<li class=\"task\"><input type=\"checkbox\""
			    " disabled");
			if (cmark_gfm_extensions_get_tasklist_item_checked(n))
				BUF_PUTSL(o, " checked");
			BUF_PUTSL(o, "> ");
		} else
			BUF_PUTSL(o, "<li>");
		children(c, n);
		BUF_PUTSL(o, "</li>\n");
		return;
	case CMARK_NODE_CODE_BLOCK:
		info = cmark_node_get_fence_info(n);
		if (md_diagram(n)) {
			/* The source, which the page's script draws
			 * (PAGE_MERMAID): readable without it. */
			BUF_PUTSL(o, "<pre class=\"mermaid\">");
			put_text(o, cmark_node_get_literal(n));
			BUF_PUTSL(o, "</pre>\n");
			return;
		}
		BUF_PUTSL(o, "<pre><code");
		if (info != NULL && *info != '\0') {
			size_t k = strcspn(info, " \t");
			BUF_PUTSL(o, " class=\"language-");
			html_esc_attr(o, info, k);
			buf_putc(o, '"');
		}
		buf_putc(o, '>');
		put_text(o, cmark_node_get_literal(n));
		BUF_PUTSL(o, "</code></pre>\n");
		return;
	case CMARK_NODE_HTML_BLOCK:
		if (c->s->cfg.unsafe_html)
			put_raw_html(o, cmark_node_get_literal(n));
		return;
	case CMARK_NODE_HTML_INLINE:
		if (c->s->cfg.unsafe_html)
			put_raw_html(o, cmark_node_get_literal(n));
		return;
	case CMARK_NODE_PARAGRAPH:
		if (tight(n)) {
			children(c, n);
			if (cmark_node_next(n) != NULL)
				buf_putc(o, '\n');
			return;
		}
		BUF_PUTSL(o, "<p>");
		children(c, n);
		BUF_PUTSL(o, "</p>\n");
		return;
	case CMARK_NODE_HEADING:
		render_heading(c, n);
		return;
	case CMARK_NODE_THEMATIC_BREAK:
		BUF_PUTSL(o, "<hr>\n");
		return;
	case CMARK_NODE_TEXT:
		put_prose(o, cmark_node_get_literal(n));
		return;
	case CMARK_NODE_CUSTOM_BLOCK:
	case CMARK_NODE_CUSTOM_INLINE:
		if (md_node_toc(n))
			render_toc(c);
		else
			render_custom(c, n);
		return;
	case CMARK_NODE_SOFTBREAK:
		buf_putc(o, '\n');
		return;
	case CMARK_NODE_LINEBREAK:
		BUF_PUTSL(o, "<br>\n");
		return;
	case CMARK_NODE_CODE:
		BUF_PUTSL(o, "<code>");
		put_text(o, cmark_node_get_literal(n));
		BUF_PUTSL(o, "</code>");
		return;
	case CMARK_NODE_EMPH:
		BUF_PUTSL(o, "<em>");
		children(c, n);
		BUF_PUTSL(o, "</em>");
		return;
	case CMARK_NODE_STRONG:
		BUF_PUTSL(o, "<strong>");
		children(c, n);
		BUF_PUTSL(o, "</strong>");
		return;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		render_link(c, n);
		return;
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		render_note_ref(c, n);
		return;
	case CMARK_NODE_FOOTNOTE_DEFINITION:
		render_note(c, n);
		return;
	default:
		break;
	}
	if (is_type(n, "table")) {
		render_table(c, n);
		return;
	}
	if (is_type(n, "strikethrough")) {
		BUF_PUTSL(o, "<del>");
		children(c, n);
		BUF_PUTSL(o, "</del>");
		return;
	}
	/* Custom nodes are not enabled: their text only. */
	lit = cmark_node_get_literal(n);
	if (lit != NULL)
		put_text(o, lit);
	children(c, n);
}

/*
 * Renders r's Markdown body as HTML into o; link(arg, ...) writes where
 * each link and image goes (NULL: html_link_put, from the index).
 */
void
html_body(struct buf *o, const struct site *s, const struct runbook *r,
    html_link_fn link, void *arg)
{
	struct rctx c;

	memset(&c, 0, sizeof(c));
	c.o = o;
	c.s = s;
	c.r = r;
	c.link = link != NULL ? link : html_link_put;
	c.link_arg = link != NULL ? arg : (void *)(uintptr_t)s;
	if (r->doc != NULL)
		render(&c, r->doc);
	buf_free(&c.scratch);
	free(c.nrefs);
	free(c.labels);
}

/* ------------------------------------------------------------ contexts */

/*
 * Sets key to the string s, or to null when s is NULL: every documented
 * key is present, so a missing one never resolves to an outer context's
 * value of the same name (Mustache's context stack).
 */
static void
kv(struct arena *a, struct ynode *m, const char *key, const char *s)
{
	ymap_add(a, m, key, s != NULL ? ynew_strz(a, s) : ynew(a, Y_NULL));
}

/* Returns the text of scalar key in map, or NULL. */
static const char *
fmstr(const struct ynode *map, const char *key)
{
	return ystr(ymap_get(map, key));
}

/* The pages rbc makes itself (at: where a link on them starts). */
#define AT_INDEX	"index"
#define AT_CONTACTS	RBC_DIR "/contacts"
#define AT_THRESHOLDS	RBC_DIR "/thresholds"
#define AT_ALERTS	RBC_DIR "/alerts"

/* Sets key to the href of runbook to's page (at frag) on the page at
 * (its path without .html). */
static void
set_href(struct arena *a, struct ynode *m, const char *key,
    const char *at, const struct runbook *to, const char *frag)
{
	struct buf b = { NULL, 0, 0 };

	href_root(&b, at);
	href_path(&b, to->page);
	BUF_PUTSL(&b, ".html");
	if (frag != NULL && *frag != '\0') {
		buf_putc(&b, '#');
		buf_puts(&b, frag);
	}
	kv(a, m, key, buf_cstr(&b));
	buf_free(&b);
}

/* Returns a tel: URL for a phone number (digits and a leading +). */
static char *
tel_url(const char *phone)
{
	struct buf b = { NULL, 0, 0 };
	const char *p;
	int digits = 0;

	BUF_PUTSL(&b, "tel:");
	for (p = phone; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p)) {
			buf_putc(&b, *p);
			digits++;
		} else if (*p == '+' && digits == 0 && b.len == 4)
			buf_putc(&b, '+');
		else if (*p == ' ' || *p == '-' || *p == '(' || *p == ')' ||
		    *p == '.')
			continue;
		else if (*p == ',' || *p == ';' || *p == 'x' || *p == 'X') {
			/* An extension: keep it as a pause for dialers. */
			if (digits == 0)
				break;
			if (*p == ',' || *p == ';') {
				buf_putc(&b, ',');
				continue;
			}
			break;
		} else {
			buf_free(&b);
			return NULL;
		}
	}
	if (digits < 3) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b);
}

/* Returns a mailto: URL, or NULL for something that is not an address. */
static char *
mailto_url(const char *email)
{
	const char *at = strchr(email, '@'), *p;

	if (at == NULL || at == email || at[1] == '\0')
		return NULL;
	for (p = email; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || strchr("\"<>()[]\\,;:", *p))
			return NULL;
	return xasprintf("mailto:%s", email);
}

/* Returns a web URL that may be linked (http/https only), or NULL. */
static const char *
web_url(const char *u)
{
	if (u == NULL)
		return NULL;
	if (strncasecmp(u, "https://", 8) != 0 &&
	    strncasecmp(u, "http://", 7) != 0)
		return NULL;
	return url_safe(u, strlen(u)) ? u : NULL;
}

static struct ynode *
contact_ctx(struct arena *a, const struct ynode *c)
{
	struct ynode *m = ynew(a, Y_MAP);
	const char *phone = fmstr(c, "phone"), *email = fmstr(c, "email");
	char *u;

	kv(a, m, "id", fmstr(c, "id"));
	kv(a, m, "role", fmstr(c, "role"));
	kv(a, m, "name", fmstr(c, "name"));
	kv(a, m, "phone", phone);
	if (phone != NULL && (u = tel_url(phone)) != NULL) {
		kv(a, m, "tel", u);
		free(u);
	}
	kv(a, m, "email", email);
	if (email != NULL && (u = mailto_url(email)) != NULL) {
		kv(a, m, "mailto", u);
		free(u);
	}
	kv(a, m, "chat", fmstr(c, "chat"));
	kv(a, m, "pager", fmstr(c, "pager"));
	kv(a, m, "url", web_url(fmstr(c, "url")));
	return m;
}

static void
set_list(struct arena *a, struct ynode *m, const char *key,
    const char *has, struct ynode *list)
{
	ymap_add(a, m, key, list);
	ymap_add(a, m, has, ynew_bool(a, list->n > 0));
}

/* Sets m's key to whether any map of list has a pager: its table then
 * has a column for it. */
static void
set_pager_col(struct arena *a, struct ynode *m, const char *key,
    const struct ynode *list)
{
	size_t i;
	int any = 0;

	for (i = 0; i < list->n && !any; i++)
		any = ystr(ymap_get(list->items[i], "pager")) != NULL;
	ymap_add(a, m, key, ynew_bool(a, any));
}

static void
seq_of_maps(struct arena *a, const struct ynode *src, struct ynode *out,
    const char *const *keys)
{
	size_t i, k;
	struct ynode *m;

	if (src == NULL || src->type != Y_SEQ)
		return;
	for (i = 0; i < src->n; i++) {
		if (src->items[i]->type != Y_MAP)
			continue;
		m = ynew(a, Y_MAP);
		for (k = 0; keys[k] != NULL; k++)
			kv(a, m, keys[k], fmstr(src->items[i], keys[k]));
		yseq_push(a, out, m);
	}
}

/* The contexts made of a runbook's contacts, for its escalation to reuse
 * (a page shows a contact in both). */
struct cmemo {
	const struct ynode	**src;
	struct ynode		**ctx;
	size_t			  n;
};

/* Returns the list of r's contacts' contexts, noting them in memo. */
static struct ynode *
contacts_ctx(struct arena *a, const struct runbook *r, struct cmemo *memo)
{
	const struct ynode *v = ymap_get(r->fm, "contacts");
	struct ynode *l = ynew(a, Y_SEQ), *m;
	size_t i;

	memset(memo, 0, sizeof(*memo));
	if (v == NULL || v->type != Y_SEQ)
		return l;
	memo->src = arena_calloc(a, v->n ? v->n : 1, sizeof(*memo->src));
	memo->ctx = arena_calloc(a, v->n ? v->n : 1, sizeof(*memo->ctx));
	for (i = 0; i < v->n; i++)
		if (v->items[i]->type == Y_MAP) {
			m = contact_ctx(a, v->items[i]);
			memo->src[memo->n] = v->items[i];
			memo->ctx[memo->n++] = m;
			yseq_push(a, l, m);
		}
	return l;
}

static struct ynode *
escalation_ctx(struct arena *a, const struct site *s, const struct runbook *r,
    const struct cmemo *memo)
{
	const struct ynode *esc = ymap_get(r->fm, "escalation"), *e, *c;
	struct ynode *out = ynew(a, Y_SEQ), *m, *cm;
	const char *id;
	size_t i, k;
	static const char *const ck[] = { "name", "role", "phone", "tel",
	    "email", "mailto", "chat", "pager", NULL };

	if (esc == NULL || esc->type != Y_SEQ)
		return out;
	for (i = 0; i < esc->n; i++) {
		e = esc->items[i];
		if (e->type != Y_MAP)
			continue;
		m = ynew(a, Y_MAP);
		kv(a, m, "level", fmstr(e, "level"));
		kv(a, m, "after", fmstr(e, "after"));
		id = fmstr(e, "contact");
		kv(a, m, "contact", id);
		cm = NULL;
		if (id != NULL && (c = contact_find(s, r, id)) != NULL) {
			for (k = 0; k < memo->n && memo->src[k] != c; k++)
				;
			cm = k < memo->n ? memo->ctx[k] : contact_ctx(a, c);
		}
		for (k = 0; ck[k] != NULL; k++) {
			const struct ynode *v = ymap_get(cm, ck[k]);

			/* A step the text names someone at, no contact of
			 * the runbook: its "who". */
			if (v == NULL && id == NULL && k == 0)
				v = ymap_get(e, "who");
			ymap_add(a, m, ck[k], v != NULL ? (struct ynode *)v :
			    ynew(a, Y_NULL));
		}
		yseq_push(a, out, m);
	}
	return out;
}

/*
 * Marks what the page shows that was read from the runbook's text rather
 * than its front-matter: KEY_from_text is the line it starts at; an owner
 * from CODEOWNERS, owner_from_codeowners its line there.
 */
static void
from_text(struct arena *a, struct ynode *m, const struct site *s,
    const struct runbook *r)
{
	static const struct {
		const char	*key, *field;
		unsigned	 bit;
	} k[] = {
		{ "severity_levels", "severity_from_text", TEXT_SEVERITY },
		{ "contacts", "contacts_from_text", TEXT_CONTACTS },
		{ "escalation", "escalation_from_text", TEXT_ESCALATION },
		{ "thresholds", "thresholds_from_text", TEXT_THRESHOLDS },
		{ "quickref", "quickref_from_text", TEXT_QUICKREF },
		{ "summary", "summary_from_text", TEXT_SUMMARY },
		{ "owner", "owner_from_text", TEXT_OWNER },
	};
	const struct ynode *v;
	char line[24];
	size_t i;

	for (i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		if (!(r->from_text & k[i].bit) ||
		    (v = ymap_get(r->fm, k[i].key)) == NULL ||
		    (v->type == Y_SEQ && v->n == 0))
			continue;
		snprintf(line, sizeof(line), "%d", v->type == Y_SEQ ?
		    v->items[0]->line : v->line);
		kv(a, m, k[i].field, line);
	}
	if (r->from_text & TEXT_CODEOWNERS) {
		snprintf(line, sizeof(line), "%d", r->owner_line);
		kv(a, m, "owner_from_codeowners", line);
		kv(a, m, "codeowners_file", codeowners_name(s));
	}
}

/* Returns 1 if e is one of r's own contacts (not the site's, not none). */
static int
own_contact(const struct runbook *r, const struct ynode *e)
{
	const struct ynode *v = ymap_get(r->fm, "contacts");
	size_t i;

	if (e == NULL || v == NULL || v->type != Y_SEQ)
		return 0;
	for (i = 0; i < v->n; i++)
		if (v->items[i] == e)
			return 1;
	return 0;
}

/*
 * Returns whom the on-call box at the top of r's page says to call
 * first, or NULL: the first escalation step (esc, its context) when it
 * names someone, else the contact whose id is "primary", else the first
 * contact (cl, the contacts' contexts).  The fields are documented in
 * templates/CONTEXT.md.
 */
static struct ynode *
first_call_ctx(struct arena *a, const struct site *s, const struct runbook *r,
    const struct ynode *esc, const struct ynode *cl)
{
	static const char *const ck[] = { "contact", "name", "role", "phone",
	    "tel", "email", "mailto", "chat", "pager", NULL };
	static const char *const who[] = { "name", "phone", "email", "chat",
	    "pager", NULL };
	const struct ynode *fmv, *src = NULL, *step = NULL, *c = NULL, *v;
	struct ynode *m;
	const char *id;
	char line[24];
	size_t i, k, primary;
	int at = 0;

	for (primary = 0; primary < cl->n; primary++)
		if ((id = ystr(ymap_get(cl->items[primary], "id"))) != NULL &&
		    strcmp(id, "primary") == 0)
			break;
	/* A step that names nobody this page can show (an unknown
	 * contact id): the primary contact instead; so too a step read
	 * from the text that is no contact of it ("operator restarts the
	 * job") where a contact is "primary" ("24x7, call first"). */
	for (k = 0; esc->n > 0 && who[k] != NULL && src == NULL; k++)
		if (ystr(ymap_get(esc->items[0], who[k])) != NULL)
			src = esc->items[0];
	if (src != NULL && ystr(ymap_get(src, "contact")) == NULL &&
	    (r->from_text & TEXT_ESCALATION) && primary < cl->n)
		src = NULL;
	if (src != NULL) {
		/* The step as the front-matter (or the text) gives it. */
		fmv = ymap_get(r->fm, "escalation");
		for (i = 0; fmv != NULL && i < fmv->n; i++)
			if (fmv->items[i]->type == Y_MAP) {
				step = fmv->items[i];
				break;
			}
		if (step != NULL && (id = fmstr(step, "contact")) != NULL)
			c = contact_find(s, r, id);
	} else if (cl->n > 0) {
		fmv = ymap_get(r->fm, "contacts");
		i = primary < cl->n ? primary : 0;
		src = cl->items[i];
		/* contacts_ctx keeps the maps' order: the i-th map. */
		for (k = 0; fmv != NULL && k < fmv->n; k++)
			if (fmv->items[k]->type == Y_MAP && i-- == 0) {
				c = fmv->items[k];
				break;
			}
	} else
		return NULL;

	m = ynew(a, Y_MAP);
	ymap_add(a, m, "escalation", ynew_bool(a, step != NULL));
	kv(a, m, "level", step != NULL ? ystr(ymap_get(src, "level")) : NULL);
	kv(a, m, "after", step != NULL ? ystr(ymap_get(src, "after")) : NULL);
	for (k = 0; ck[k] != NULL; k++) {
		v = ymap_get(src, k == 0 && step == NULL ? "id" : ck[k]);
		ymap_add(a, m, ck[k], v != NULL ? (struct ynode *)v :
		    ynew(a, Y_NULL));
	}
	/* Where the text gave it: the contact's line, else the step's. */
	if ((r->from_text & TEXT_CONTACTS) && own_contact(r, c))
		at = c->line;
	else if (step != NULL && (r->from_text & TEXT_ESCALATION))
		at = step->line;
	if (at > 0) {
		snprintf(line, sizeof(line), "%d", at);
		kv(a, m, "from_text", line);
	} else
		kv(a, m, "from_text", NULL);
	/* No number with whom it names, but one with another contact:
	 * the box must not say the runbook has none. */
	for (k = 0; k < cl->n; k++)
		if (ystr(ymap_get(cl->items[k], "phone")) != NULL)
			break;
	ymap_add(a, m, "phone_elsewhere", ynew_bool(a, k < cl->n &&
	    ystr(ymap_get(m, "phone")) == NULL));
	return m;
}

static struct ynode *
severity_ctx(struct arena *a, const struct site *s, const struct runbook *r)
{
	const struct ynode *sl = ymap_get(r->fm, "severity_levels"), *e, *nt;
	struct ynode *out = ynew(a, Y_SEQ), *m;
	struct buf b = { NULL, 0, 0 };
	size_t i, k;

	if (sl == NULL || sl->type != Y_SEQ)
		return out;
	for (i = 0; i < sl->n; i++) {
		e = sl->items[i];
		if (e->type != Y_MAP)
			continue;
		m = ynew(a, Y_MAP);
		kv(a, m, "name", fmstr(e, "name"));
		kv(a, m, "description", fmstr(e, "description"));
		kv(a, m, "response", fmstr(e, "response"));
		if ((nt = ymap_get(e, "notify")) != NULL && nt->type == Y_SEQ) {
			buf_reset(&b);
			for (k = 0; k < nt->n; k++) {
				const char *who = ystr(nt->items[k]);
				const struct ynode *c = who != NULL ?
				    contact_find(s, r, who) : NULL;

				/* A contact's id: whom it names. */
				if (c != NULL && ystr(ymap_get(c, "name")) != NULL)
					who = ystr(ymap_get(c, "name"));
				else if (c != NULL && ystr(ymap_get(c, "role")) !=
				    NULL)
					who = ystr(ymap_get(c, "role"));
				if (who != NULL)
					buf_printf(&b, "%s%s", b.len ? ", " : "",
					    who);
			}
			kv(a, m, "notify", buf_cstr(&b));
		} else
			kv(a, m, "notify", fmstr(e, "notify"));
		yseq_push(a, out, m);
	}
	buf_free(&b);
	return out;
}

static struct ynode *
threshold_ctx(struct arena *a, const struct runbook *from,
    const struct runbook *r, const struct ynode *t)
{
	static const char *const keys[] = { "metric", "description", "unit",
	    "target", "warning", "critical", "for", "section", NULL };
	struct ynode *m = ynew(a, Y_MAP);
	const char *sec, *dir;
	size_t k;

	for (k = 0; keys[k] != NULL; k++)
		kv(a, m, keys[k], fmstr(t, keys[k]));
	dir = fmstr(t, "direction");
	kv(a, m, "direction", dir != NULL ? dir : "above");
	sec = fmstr(t, "section");
	if (from == r && sec != NULL) {
		char *h = xasprintf("#%s", sec);
		kv(a, m, "section_href", h);
		free(h);
	} else if (from != r)
		set_href(a, m, "href", from != NULL ? from->page :
		    AT_THRESHOLDS, r, sec);
	return m;
}

static struct ynode *
ctx_common(struct arena *a, const struct site *s, const char *id,
    const char *kind, const char *title)
{
	struct ynode *c = ynew(a, Y_MAP), *site = ynew(a, Y_MAP);
	struct buf b = { NULL, 0, 0 };

	kv(a, site, "title", s->cfg.title);
	kv(a, site, "organisation", s->cfg.organisation);
	ymap_add(a, c, "site", site);
	href_root(&b, id);
	kv(a, c, "root", buf_cstr(&b));
	BUF_PUTSL(&b, RBC_DIR "/");
	kv(a, c, "rbc", buf_cstr(&b));
	buf_free(&b);
	kv(a, c, "page_title", title);
	kv(a, c, "page_kind", kind);
	kv(a, c, "rbc_version", RBC_VERSION);
	kv(a, c, "today", s->today);
	return c;
}

static void
review_ctx(struct arena *a, struct ynode *m, const struct runbook *r)
{
	const char *lr = fmstr(r->fm, "last_reviewed");

	/* "[Date]" left in a template is no review: the page says never. */
	int known = lr != NULL && date_valid(lr);

	kv(a, m, "last_reviewed", known ? lr : NULL);
	kv(a, m, "review_by", r->review_by);
	/* OK only with a date and a cycle it is within; no date is never
	 * reviewed; a date without a cycle is neither. */
	ymap_add(a, m, "review_ok", ynew_bool(a, known &&
	    r->review_by != NULL && !r->stale));
	ymap_add(a, m, "review_stale", ynew_bool(a, known && r->stale));
	ymap_add(a, m, "review_unknown", ynew_bool(a, !known));
	ymap_add(a, m, "review_unscheduled", ynew_bool(a, known &&
	    r->review_by == NULL));
}

static struct ynode *
tags_ctx(struct arena *a, const struct runbook *r)
{
	const struct ynode *t = ymap_get(r->fm, "tags");
	struct ynode *out = ynew(a, Y_SEQ);
	size_t i;

	if (t != NULL && t->type == Y_SEQ)
		for (i = 0; i < t->n; i++)
			if (ystr(t->items[i]) != NULL)
				yseq_push(a, out, ynew_strz(a, t->items[i]->s));
	return out;
}

static struct ynode *
ref_ctx(struct arena *a, const struct runbook *from, const struct runbook *t)
{
	struct ynode *m = ynew(a, Y_MAP);

	kv(a, m, "id", t->id);
	kv(a, m, "title", t->title);
	set_href(a, m, "href", from != NULL ? from->page : AT_INDEX, t, NULL);
	return m;
}

/* The context of alert a; from: the page it is shown on (NULL: the
 * site's root), for the link to its runbook. */
static struct ynode *
alert_ctx(struct arena *a, const struct site *s, const struct runbook *from,
    const struct alert *al)
{
	struct ynode *m = ynew(a, Y_MAP);
	char *h;

	kv(a, m, "name", al->name);
	kv(a, m, "group", al->group);
	kv(a, m, "severity", al->severity);
	kv(a, m, "for", al->dur);
	kv(a, m, "expr", al->expr);
	kv(a, m, "summary", al->summary);
	kv(a, m, "file", al->file);
	ymap_add(a, m, "line", ynew_int(a, al->line));
	kv(a, m, "runbook_url", al->url);
	kv(a, m, "problem", al->problem);
	ymap_add(a, m, "ok", ynew_bool(a, al->problem == NULL));
	kv(a, m, "section", al->frag);
	if (from != NULL && al->frag != NULL) {
		h = xasprintf("#%s", al->frag);
		kv(a, m, "section_href", h);
		free(h);
	}
	if (al->target >= 0) {
		kv(a, m, "runbook_id", s->rb[al->target]->id);
		kv(a, m, "runbook_title", s->rb[al->target]->title);
		if (from == NULL)
			set_href(a, m, "href", AT_ALERTS, s->rb[al->target],
			    al->problem == NULL ? al->frag : NULL);
	}
	return m;
}

/* Item i of the alerts page's lazy list (struct ylazy). */
static struct ynode *
alert_item(void *arg, size_t i, struct arena *a)
{
	const struct site *s = arg;

	return alert_ctx(a, s, NULL, &s->alerts.v[i]);
}

/*
 * Sets the fields that say which scripts page c loads (head.mustache),
 * from the HTML of its text (html, n bytes, as html_body wrote it):
 * has_code (a code block, a diagram or quick-reference commands: the
 * script that gives them their buttons, colours and drawings),
 * has_highlight (a code block with a language), has_mermaid (a diagram;
 * its policy also lets the diagrams' own styles apply).
 */
static void
page_scripts(struct arena *a, struct ynode *c, const char *html, size_t n,
    int commands)
{
	static const char lang[] = "<pre><code class=\"language-";
	static const char code[] = "<pre><code>";
	static const char mermaid[] = "<pre class=\"mermaid\">";
	const char *p = html, *end = html + n;
	int has_code = commands, has_hl = 0, has_mermaid = 0;
	size_t left;

	while (html != NULL && p < end &&
	    (p = memchr(p, '<', (size_t)(end - p))) != NULL) {
		left = (size_t)(end - p);
		if (left >= sizeof(lang) - 1 &&
		    memcmp(p, lang, sizeof(lang) - 1) == 0)
			has_code = has_hl = 1;
		else if (left >= sizeof(code) - 1 &&
		    memcmp(p, code, sizeof(code) - 1) == 0)
			has_code = 1;
		else if (left >= sizeof(mermaid) - 1 &&
		    memcmp(p, mermaid, sizeof(mermaid) - 1) == 0)
			has_mermaid = 1;
		p++;
	}
	ymap_add(a, c, "has_code", ynew_bool(a, has_code || has_mermaid));
	ymap_add(a, c, "has_highlight", ynew_bool(a, has_hl));
	ymap_add(a, c, "has_mermaid", ynew_bool(a, has_mermaid));
}

/* Returns the context of r's page. */
static struct ynode *
runbook_ctx(struct arena *a, const struct site *s, const struct runbook *r,
    const char *pre, size_t prelen)
{
	static const char *const qk[] = { "label", "command", NULL };
	struct ynode *c = ctx_common(a, s, r->page, "runbook", r->title);
	struct ynode *m = ynew(a, Y_MAP), *l, *x;
	const struct ynode *v;
	const struct heading *th;
	struct buf body = { NULL, 0, 0 };
	struct cmemo memo;
	size_t i;
	int t;

	ymap_add(a, c, "runbook", m);
	kv(a, m, "id", r->id);
	kv(a, m, "title", r->title);
	th = title_heading(r);
	kv(a, m, "title_id", th != NULL && th->slug[0] != '\0' ? th->slug :
	    NULL);
	kv(a, m, "summary", r->summary);
	kv(a, m, "service", r->service);
	kv(a, m, "owner", r->owner);
	kv(a, m, "version", r->version);
	set_list(a, m, "tags", "has_tags", tags_ctx(a, r));
	review_ctx(a, m, r);

	l = ynew(a, Y_SEQ);
	for (i = 0; i < r->nheads; i++) {
		const struct heading *h = &r->heads[i];
		if (h->level < 2 || h->level > 3 || h->slug[0] == '\0')
			continue;
		x = ynew(a, Y_MAP);
		ymap_add(a, x, "level", ynew_int(a, h->level));
		kv(a, x, "text", h->text);
		kv(a, x, "slug", h->slug);
		ymap_add(a, x, "sub", ynew_bool(a, h->level > 2));
		yseq_push(a, l, x);
	}
	set_list(a, m, "toc", "has_toc", l);

	if (pre == NULL) {
		html_body(&body, s, r, NULL, NULL);
		pre = arena_strndup(a, buf_cstr(&body), body.len);
		prelen = body.len;
		buf_free(&body);
	}
	ymap_add(a, m, "body", ynew_ref(a, pre, prelen));

	set_list(a, m, "severity_levels", "has_severity", severity_ctx(a, s, r));
	l = contacts_ctx(a, r, &memo);
	set_list(a, m, "contacts", "has_contacts", l);
	set_pager_col(a, m, "contacts_pager", l);
	x = escalation_ctx(a, s, r, &memo);
	set_list(a, m, "escalation", "has_escalation", x);
	set_pager_col(a, m, "escalation_pager", x);
	from_text(a, m, s, r);
	/* The on-call box: whom to call first, the response times. */
	x = first_call_ctx(a, s, r, x, l);
	ymap_add(a, m, "first_call", x != NULL ? x : ynew(a, Y_NULL));
	ymap_add(a, m, "has_oncall", ynew_bool(a, l->n > 0 ||
	    ymap_get(m, "escalation")->n > 0 ||
	    ymap_get(m, "severity_levels")->n > 0));
	l = ynew(a, Y_SEQ);
	if ((v = ymap_get(r->fm, "thresholds")) != NULL && v->type == Y_SEQ)
		for (i = 0; i < v->n; i++)
			if (v->items[i]->type == Y_MAP)
				yseq_push(a, l, threshold_ctx(a, r, r,
				    v->items[i]));
	set_list(a, m, "thresholds", "has_thresholds", l);
	l = ynew(a, Y_SEQ);
	{
		size_t na;
		const int *ai = alerts_of(s, r, &na);

		for (i = 0; i < na; i++)
			yseq_push(a, l, alert_ctx(a, s, r,
			    &s->alerts.v[ai[i]]));
	}
	set_list(a, m, "alerts", "has_alerts", l);
	l = ynew(a, Y_SEQ);
	seq_of_maps(a, ymap_get(r->fm, "quickref"), l, qk);
	set_list(a, m, "quickref", "has_quickref", l);
	page_scripts(a, c, pre, prelen, l->n > 0);

	l = ynew(a, Y_SEQ);
	for (i = 0; i < r->nlinks; i++) {
		const struct link *k = &r->links[i];
		if (k->kind != LINK_RELATED)
			continue;
		if (k->target >= 0)
			yseq_push(a, l, ref_ctx(a, r, s->rb[k->target]));
		else {
			x = ynew(a, Y_MAP);
			kv(a, x, "id", k->dest);
			kv(a, x, "title", k->dest);
			yseq_push(a, l, x);
		}
	}
	set_list(a, m, "related", "has_related", l);
	l = ynew(a, Y_SEQ);
	for (i = 0; i < r->nbacklinks; i++) {
		t = r->backlinks[i];
		yseq_push(a, l, ref_ctx(a, r, s->rb[t]));
	}
	set_list(a, m, "backlinks", "has_backlinks", l);
	return c;
}

/* ----------------------------------------------------- the site pages */

static int
render_page(struct html *h, const char *tpl, const struct ynode *ctx,
    struct buf *out)
{
	buf_reset(out);
	if (mustache_render(h->tpl, tpl, ctx, out) == -1) {
		fprintf(stderr, "rbc: template '%s' %s\n", tpl,
		    mustache_has(h->tpl, tpl) ? "ran away (too deep or too "
		    "much output)" : "is missing");
		return -1;
	}
	return 0;
}

/* A site page written as its template renders. */
struct stream {
	int		(*put)(void *, const char *, const struct buf *, int);
	void		*arg;
	const char	*rel;
	int		 more;
};

static int
stream_flush(void *arg, const char *p, size_t n)
{
	struct stream *st = arg;
	struct buf b = { (char *)p, n, n };

	if (st->put(st->arg, st->rel, &b, st->more) == -1)
		return -1;
	st->more = 1;
	return 0;
}

/* Renders template tpl over ctx into the file rel; 0 or -1. */
static int
site_page(struct html *h, const char *tpl, const struct ynode *ctx,
    struct buf *out, int (*put)(void *, const char *, const struct buf *,
    int), void *arg, const char *rel)
{
	struct stream st = { put, arg, rel, 0 };

	buf_reset(out);
	if (mustache_render_stream(h->tpl, tpl, ctx, out, stream_flush,
	    &st) == -1) {
		fprintf(stderr, "rbc: template '%s' %s\n", tpl,
		    mustache_has(h->tpl, tpl) ? "ran away (too deep or too "
		    "much output) or could not be written" : "is missing");
		return -1;
	}
	return stream_flush(&st, out->data != NULL ? out->data : "",
	    out->len);
}

/*
 * Returns a new HTML renderer over the templates tpl.  Where a runbook's
 * fm is NULL, the site pages ask fm(fmarg, ...) for it (NULL: none).
 */
struct html *
html_new(const struct site *s, const struct mustache *tpl, html_fm_fn fm,
    void *fmarg)
{
	struct html *h = xcalloc(1, sizeof(*h));

	h->s = s;
	h->tpl = tpl;
	h->fm = fm;
	h->fmarg = fmarg;
	return h;
}

/* Renders r's page into out; returns 0 or -1. */
int
html_render(struct html *h, const struct runbook *r, struct buf *out)
{
	struct arena *a = arena_new();
	int rc;

	rc = render_page(h, "runbook", runbook_ctx(a, h->s, r, NULL, 0), out);
	arena_free(a);
	return rc;
}

/* The same, with the body already rendered (html_fill). */
int
html_render_body(struct html *h, const struct runbook *r, const char *body,
    size_t len, struct buf *out)
{
	struct arena *a = arena_new();
	int rc;

	rc = render_page(h, "runbook", runbook_ctx(a, h->s, r, body, len),
	    out);
	arena_free(a);
	return rc;
}

/* Sets the HTML (NUL-terminated, kept by the caller) that introduces
 * the runbook list on the index: the content root's index.md or
 * README.md, rendered. */
void
html_intro(struct html *h, const char *intro)
{
	h->intro = intro;
}

/* The previous build's search index, to update rather than write anew
 * (search_write); NULL for none. */
void
html_search_prev(struct html *h, const struct search_prev *prev)
{
	h->prev = prev;
}

void
html_terms(struct html *h, html_terms_fn fn, void *arg)
{
	h->terms = fn;
	h->termsarg = arg;
}

void
html_free(struct html *h)
{
	free(h);
}

/* Orders runbooks by title in natural order, then id. */
static int
title_cmp(const void *a, const void *b)
{
	const struct runbook *x = *(struct runbook *const *)a;
	const struct runbook *y = *(struct runbook *const *)b;
	int c;

	if ((c = natcmp(x->title, y->title)) != 0)
		return c;
	return strcmp(x->id, y->id);
}

/* Orders runbooks by group (group_cmp, index.c), then title_cmp. */
static int
svc_cmp(const void *a, const void *b)
{
	const struct runbook *x = *(struct runbook *const *)a;
	const struct runbook *y = *(struct runbook *const *)b;
	int c;

	if ((c = group_cmp(x, y)) != 0)
		return c;
	return title_cmp(a, b);
}

static struct runbook **
by_service(const struct site *s)
{
	struct runbook **v = xreallocarray(NULL, s->n ? s->n : 1, sizeof(*v));

	memcpy(v, s->rb, s->n * sizeof(*v));
	qsort(v, s->n, sizeof(*v), svc_cmp);
	return v;
}

/*
 * The site pages list every runbook, so on a large site their contexts
 * are made as the templates render them (struct ylazy): a service, then
 * each of its entries, each from the runbook's front-matter read back
 * for that moment (the parent keeps it compact, see workers.c).
 */

/* Light runbook r, its front-matter read into a (in tmp) if need be. */
static const struct runbook *
site_view(const struct html *h, const struct runbook *r, struct runbook *tmp,
    struct arena *a, unsigned keys)
{
	if (r->fm != NULL || h->fm == NULL)
		return r;
	*tmp = *r;
	tmp->fm = h->fm(h->fmarg, r, a, keys);
	return tmp;
}

/* Entry k of runbook r on a site page's list. */
struct entry {
	const struct runbook	*r;
	size_t			 k;
};

/* A site page's list of services, {name, <key>: [entries]}. */
struct spage {
	const struct html	*h;
	const struct site	*s;
	const char		*key;
	struct ynode		*(*make)(struct arena *, const struct spage *,
				    const struct runbook *, size_t k);
	unsigned		 keys;	/* of the front-matter: FMK_ */
	/* twin[i]: runbook i's title is another's too (index page). */
	const unsigned char	*twin;
	struct entry		*e;
	size_t			 ne;
	size_t			*g;	/* service j is e[g[j] .. g[j + 1]) */
	size_t			 ng;
	struct ylazy		 services;
	/* The runbook of the last entry, its front-matter read once for
	 * all its entries (a runbook's thresholds follow each other). */
	const struct runbook	*vr, *vp;
	struct runbook		 view;
	struct arena		*va;
};

/* One service of a page, while it renders. */
struct sgroup {
	struct spage		*p;
	size_t			 j;
	struct ylazy		 items;
};

static struct ynode *
entry_item(void *arg, size_t i, struct arena *a)
{
	struct sgroup *sg = arg;
	struct spage *p = sg->p;
	const struct entry *e = &p->e[p->g[sg->j] + i];

	if (e->r != p->vr) {
		arena_free(p->va);
		p->va = arena_new();
		p->vp = site_view(p->h, e->r, &p->view, p->va, p->keys);
		p->vr = e->r;
	}
	return p->make(a, p, p->vp, e->k);
}

static struct ynode *
service_item(void *arg, size_t j, struct arena *a)
{
	struct spage *p = arg;
	struct sgroup *sg = arena_calloc(a, 1, sizeof(*sg));
	struct ynode *m = ynew(a, Y_MAP), *list = ynew(a, Y_SEQ);
	const char *name;
	size_t n;
	int kind = runbook_group(p->e[p->g[j]].r, &name, &n);
	char *folder;
	struct buf b = { NULL, 0, 0 };

	sg->p = p;
	sg->j = j;
	sg->items.item = entry_item;
	sg->items.arg = sg;
	list->n = p->g[j + 1] - p->g[j];
	list->lazy = &sg->items;
	if (kind == 1) {
		/* Hugo's section title names it, its folder beside. */
		const char *title = section_title(p->s, name, n);

		folder = xasprintf("%.*s/", (int)n, name);
		kv(a, m, "name", title != NULL ? title : folder);
		if (title != NULL)
			kv(a, m, "folder_path", folder);
		free(folder);
	} else
		kv(a, m, "name", kind == 0 ? name : "Other");
	ymap_add(a, m, "folder", ynew_bool(a, kind == 1));
	group_anchor(&b, kind, name, n);
	ymap_add(a, m, "anchor", ynew_str(a, b.data, b.len));
	buf_free(&b);
	ymap_add(a, m, p->key, list);
	return m;
}

/*
 * Returns page p's list of services over v (every runbook, sorted by
 * service): count(r) entries for each runbook, a service with none left
 * out; make() makes each entry.
 */
static struct ynode *
services(struct arena *a, struct spage *p, const struct html *h,
    struct runbook **v, const char *key,
    size_t (*count)(const struct runbook *),
    struct ynode *(*make)(struct arena *, const struct spage *,
    const struct runbook *, size_t), unsigned keys)
{
	struct ynode *list = ynew(a, Y_SEQ);
	const struct runbook *cur = NULL;
	size_t i, k, c, cap = 0;

	const struct site *s = h->s;

	memset(p, 0, sizeof(*p));
	p->h = h;
	p->s = s;
	p->key = key;
	p->make = make;
	p->keys = keys;
	p->g = xcalloc(s->n + 1, sizeof(*p->g));
	for (i = 0; i < s->n; i++) {
		if ((c = count(v[i])) == 0)
			continue;
		if (p->ne == 0 || group_cmp(cur, v[i]) != 0)
			p->g[p->ng++] = p->ne;
		cur = v[i];
		for (k = 0; k < c; k++) {
			if (p->ne == cap) {
				cap = cap ? cap * 2 : 64;
				p->e = xreallocarray(p->e, cap, sizeof(*p->e));
			}
			p->e[p->ne].r = v[i];
			p->e[p->ne++].k = k;
		}
	}
	p->g[p->ng] = p->ne;
	p->services.item = service_item;
	p->services.arg = p;
	list->n = p->ng;
	list->lazy = &p->services;
	return list;
}

static void
spage_free(struct spage *p)
{
	free(p->e);
	free(p->g);
	arena_free(p->va);
}

/* Listed on the index: every runbook but the home page's text. */
static size_t
listed(const struct runbook *r)
{
	return !r->home;
}

/* From the scan's counts (a light runbook), or from the front-matter. */
static size_t
has_contacts(const struct runbook *r)
{
	return (r->fm != NULL ? ymaps(r->fm, "contacts") +
	    ymaps(r->fm, "escalation") : r->nreach) > 0;
}

static size_t
thresholds(const struct runbook *r)
{
	return r->fm != NULL ? ymaps(r->fm, "thresholds") : r->nthr;
}

static struct ynode *
index_item(struct arena *a, const struct spage *p, const struct runbook *r,
    size_t k)
{
	const struct site *s = p->s;
	struct ynode *m = ynew(a, Y_MAP);

	(void)k;
	kv(a, m, "id", r->id);
	kv(a, m, "title", r->title);
	ymap_add(a, m, "show_id", ynew_bool(a, p->twin != NULL &&
	    r->idx < s->n && p->twin[r->idx]));
	set_href(a, m, "href", AT_INDEX, r, NULL);
	kv(a, m, "summary", r->summary);
	kv(a, m, "owner", r->owner);
	/* Where they came from, when not the front-matter. */
	ymap_add(a, m, "summary_from_text", ynew_bool(a,
	    (r->from_text & TEXT_SUMMARY) != 0));
	ymap_add(a, m, "owner_from_text", ynew_bool(a,
	    (r->from_text & TEXT_OWNER) != 0));
	kv(a, m, "owner_from_codeowners", (r->from_text & TEXT_CODEOWNERS) ?
	    codeowners_name(s) : NULL);
	set_list(a, m, "tags", "has_tags", tags_ctx(a, r));
	review_ctx(a, m, r);
	return m;
}

static struct ynode *
contacts_item(struct arena *a, const struct spage *p, const struct runbook *r,
    size_t k)
{
	const struct site *s = p->s;
	struct ynode *m = ynew(a, Y_MAP), *l, *x;
	struct cmemo memo;

	(void)k;
	l = contacts_ctx(a, r, &memo);
	kv(a, m, "id", r->id);
	kv(a, m, "title", r->title);
	set_href(a, m, "href", AT_CONTACTS, r, NULL);
	set_list(a, m, "contacts", "has_contacts", l);
	set_pager_col(a, m, "contacts_pager", l);
	x = escalation_ctx(a, s, r, &memo);
	set_list(a, m, "escalation", "has_escalation", x);
	set_pager_col(a, m, "escalation_pager", x);
	return m;
}

/* The k-th threshold (map) of r. */
static struct ynode *
thresholds_item(struct arena *a, const struct spage *p,
    const struct runbook *r, size_t k)
{
	const struct ynode *v = ymap_get(r->fm, "thresholds");
	struct ynode *m;
	size_t i;

	(void)p;
	for (i = 0; v != NULL && v->type == Y_SEQ && i < v->n; i++) {
		if (v->items[i]->type != Y_MAP || k-- > 0)
			continue;
		m = threshold_ctx(a, NULL, r, v->items[i]);
		kv(a, m, "runbook_title", r->title);
		kv(a, m, "runbook_id", r->id);
		return m;
	}
	return NULL;	/* not reached: count() counted them */
}

/*
 * The index's lists of the folders of other files only that runbooks link
 * to (GitHub shows such a folder as the list of its files): each folder's
 * name and anchor, and its files (RBC_MAX_LISTED at most, copied beside
 * the pages), named below it.
 */
static struct ynode *
folders_ctx(struct arena *a, const struct site *s)
{
	struct ynode *list = ynew(a, Y_SEQ), *m, *files, *f;
	struct buf b = { NULL, 0, 0 };
	const char **dirs;
	size_t nd = site_listed(s, &dirs), first, nf, nl, i, k, dl;
	char *name;

	for (i = 0; i < nd; i++) {
		m = ynew(a, Y_MAP);
		name = xasprintf("%s/", dirs[i]);
		kv(a, m, "name", name);
		free(name);
		buf_reset(&b);
		group_anchor(&b, 3, dirs[i], strlen(dirs[i]));
		ymap_add(a, m, "anchor", ynew_str(a, b.data, b.len));
		files = ynew(a, Y_SEQ);
		first = site_files_below(s, dirs[i], &nf, &nl);
		dl = strlen(dirs[i]) + 1;
		for (k = first; k < first + nl; k++) {
			f = ynew(a, Y_MAP);
			kv(a, f, "name", s->files[k] + dl);
			buf_reset(&b);
			href_path(&b, s->files[k]);
			ymap_add(a, f, "href", ynew_str(a, b.data, b.len));
			yseq_push(a, files, f);
		}
		set_list(a, m, "files", "has_files", files);
		if (nf > nl)
			ymap_add(a, m, "more", ynew_int(a,
			    (long long)(nf - nl)));
		yseq_push(a, list, m);
	}
	free(dirs);
	buf_free(&b);
	return list;
}

/*
 * Renders the site-wide pages (index, contacts, thresholds, search
 * index), calling put(arg, path under html/, bytes) for each; of them,
 * the k-th share of jobs (page i when i % jobs == k), so that workers can
 * split them; but none that skip names (HTML_SKIP_PAGES: all but the
 * search index; HTML_SKIP_SEARCH: that).  Returns 0 or -1 when put
 * failed.
 */
int
html_site(struct html *h, int (*put)(void *, const char *,
    const struct buf *, int), void *arg, int k, int jobs, int skip)
{
	const struct site *s = h->s;
	struct runbook **v = by_service(s), **byt;
	unsigned char *twin;
	struct arena *a = arena_new();
	struct ynode *c, *l;
	struct buf out = { NULL, 0, 0 };
	struct spage p;
	size_t i, n;
	int rc = -1, made;

#define MINE(i)	((i) % jobs == k && !(skip & ((i) == 3 ? HTML_SKIP_SEARCH : \
	    HTML_SKIP_PAGES)))
	if (!MINE(0))
		goto contacts;
	c = ctx_common(a, s, AT_INDEX, "index", s->cfg.title);
	ymap_add(a, c, "services", services(a, &p, h, v, "runbooks", listed,
	    index_item, FMK_TAGS | FMK_REVIEWED));
	/* By title: twins, and the list of runbooks nothing links to. */
	byt = xreallocarray(NULL, s->n ? s->n : 1, sizeof(*byt));
	memcpy(byt, s->rb, s->n * sizeof(*byt));
	qsort(byt, s->n, sizeof(*byt), title_cmp);
	twin = xcalloc(s->n ? s->n : 1, 1);
	for (i = 0; i + 1 < s->n; i++)
		if (strcasecmp(byt[i]->title, byt[i + 1]->title) == 0)
			twin[byt[i]->idx] = twin[byt[i + 1]->idx] = 1;
	p.twin = twin;
	l = ynew(a, Y_SEQ);
	for (i = 0, n = 0; i < s->n; i++) {
		n += !byt[i]->home;
		if (byt[i]->nbacklinks == 0 && !byt[i]->home)
			yseq_push(a, l, ref_ctx(a, NULL, byt[i]));
	}
	set_list(a, c, "orphans", "has_orphans", l);
	set_list(a, c, "folders", "has_folders", folders_ctx(a, s));
	/* A list of most runbooks says little: folded under its count. */
	ymap_add(a, c, "orphan_count", ynew_int(a, (long long)l->n));
	ymap_add(a, c, "orphans_folded", ynew_bool(a, l->n * 2 >= n));
	ymap_add(a, c, "count", ynew_int(a, (long long)n));
	kv(a, c, "intro", h->intro);
	/* The home page's title heading is the index's: links to it land. */
	for (i = 0; i < s->n; i++)
		if (s->rb[i]->home) {
			const struct heading *th = title_heading(s->rb[i]);
			kv(a, c, "title_id", th != NULL && th->slug[0] != '\0' ?
			    th->slug : NULL);
			break;
		}
	page_scripts(a, c, h->intro, h->intro != NULL ? strlen(h->intro) : 0,
	    0);
	ymap_add(a, c, "has_alerts", ynew_bool(a, s->alerts.configured));
	made = site_page(h, "index", c, &out, put, arg, "index.html") == 0;
	spage_free(&p);
	free(byt);
	free(twin);
	if (!made)
		goto out;
contacts:
	if (!MINE(1))
		goto thresholds;
	c = ctx_common(a, s, AT_CONTACTS, "contacts", "Contacts");
	l = ynew(a, Y_SEQ);
	if (s->cfg.contacts != NULL)
		for (i = 0; i < s->cfg.contacts->n; i++)
			if (s->cfg.contacts->items[i]->type == Y_MAP)
				yseq_push(a, l, contact_ctx(a,
				    s->cfg.contacts->items[i]));
	set_list(a, c, "site_contacts", "has_site_contacts", l);
	set_pager_col(a, c, "site_contacts_pager", l);
	ymap_add(a, c, "services", services(a, &p, h, v, "runbooks",
	    has_contacts, contacts_item, FMK_CONTACTS | FMK_ESCALATION));
	made = site_page(h, "contacts", c, &out, put, arg, RBC_DIR "/contacts.html") == 0;
	spage_free(&p);
	if (!made)
		goto out;
thresholds:
	if (!MINE(2))
		goto search;
	c = ctx_common(a, s, AT_THRESHOLDS, "thresholds", "Thresholds");
	ymap_add(a, c, "services", services(a, &p, h, v, "thresholds",
	    thresholds, thresholds_item, FMK_THRESHOLDS));
	made = site_page(h, "thresholds", c, &out, put, arg, RBC_DIR "/thresholds.html") == 0;
	spage_free(&p);
	if (!made)
		goto out;
search:
	if (MINE(3)) {
		if (search_write(s, h->terms, h->termsarg, h->prev, put,
		    arg) == -1)
			goto out;
	}
	if (MINE(4) && s->alerts.configured) {
		struct ylazy lz = { alert_item, (void *)s };
		size_t bad = 0;

		c = ctx_common(a, s, AT_ALERTS, "alerts", "Alerts");
		/* Each alert made as the template reaches it: 10,000 of
		 * them never exist at once. */
		l = ynew(a, Y_SEQ);
		l->n = s->alerts.n;
		l->lazy = &lz;
		for (i = 0; i < s->alerts.n; i++)
			bad += s->alerts.v[i].problem != NULL;
		set_list(a, c, "alerts", "has_alerts", l);
		ymap_add(a, c, "count", ynew_int(a, (long long)s->alerts.n));
		ymap_add(a, c, "ok_count", ynew_int(a,
		    (long long)(s->alerts.n - bad)));
		ymap_add(a, c, "problem_count", ynew_int(a, (long long)bad));
		if (site_page(h, "alerts", c, &out, put, arg,
		    RBC_DIR "/alerts.html") != 0)
			goto out;
	}
#undef MINE
	rc = 0;
out:
	buf_free(&out);
	arena_free(a);
	free(v);
	return rc;
}
