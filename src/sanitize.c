/*
 * Raw HTML, sanitized the way GitHub does (html-pipeline's sanitization
 * filter): parsed by a real HTML5 parser (libgumbo), an allowlist of
 * elements and attributes kept, the rest removed and reported
 * (raw-html).  Nothing of the input's bytes is published: what survives
 * is rebuilt as tree nodes and serialized from the parser's tree.
 *
 * cmark-gfm gives raw HTML in pieces: an HTML block ends at a blank line
 * and an inline tag is one node, so "<details>", a Markdown paragraph and
 * "</details>" are three siblings, and so are "<kbd>", text and
 * "</kbd>".  The pieces of one container are parsed together: every
 * Markdown sibling stands in the parsed string as one private-use
 * character (a placeholder), and where the parser puts it is where the
 * sibling goes back.  Elements become custom nodes, text becomes text
 * nodes, <a href> a link node and <img src> an image node, so links in
 * raw HTML are collected, resolved, checked, copied and rewritten by the
 * same code as Markdown's.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm/node.h>	/* positions of the nodes made here */
#include <gumbo.h>

#include "stages.h"

#define PH_BASE		0xF0000u	/* placeholders: plane 15, private */
#define PH_MAX		65000u
#define MAX_TAGS	50000		/* start tags in one container */
#define MAX_OPENFMT	64		/* formatting elements left open */
#define MAX_REPORTS	100		/* raw-html reports per runbook */

/*
 * The allowlist.  The first entries are rbc's own nodes (HEL_*, in
 * that order); the elements follow.
 */
static const struct htmlel els[] = {
	{ "", HE_BLOCK | HE_PARA },			/* HEL_RUN */
	{ "", HE_ATTRS },				/* HEL_ATTRS */
	{ "", HE_BLOCK | HE_HIDDEN },			/* HEL_HIDDEN */
	{ "Note", HE_BLOCK | HE_ALERT | HE_QUOTE },	/* HEL_ALERT */
	{ "Tip", HE_BLOCK | HE_ALERT | HE_QUOTE },
	{ "Important", HE_BLOCK | HE_ALERT | HE_QUOTE },
	{ "Warning", HE_BLOCK | HE_ALERT | HE_QUOTE },
	{ "Caution", HE_BLOCK | HE_ALERT | HE_QUOTE },
#define FIRST_EL	8
	{ "a", HE_ANCHOR },
	{ "abbr", 0 },
	{ "b", HE_BOLD },
	{ "blockquote", HE_BLOCK | HE_QUOTE },
	{ "br", HE_VOID | HE_BREAK },
	{ "caption", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "cite", HE_ITALIC },
	{ "code", HE_CODE },
	{ "dd", HE_BLOCK | HE_ITEM },
	{ "del", 0 },
	{ "details", HE_BLOCK },
	{ "dfn", HE_ITALIC },
	{ "div", HE_BLOCK },
	{ "dl", HE_BLOCK },
	{ "dt", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "em", HE_ITALIC },
	{ "figcaption", HE_BLOCK | HE_PARA },
	{ "figure", HE_BLOCK },
	{ "h1", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "h2", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "h3", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "h4", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "h5", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "h6", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "hr", HE_BLOCK | HE_VOID | HE_RULE },
	{ "i", HE_ITALIC },
	{ "img", HE_VOID },
	{ "ins", 0 },
	{ "kbd", HE_BOLD },
	{ "li", HE_BLOCK | HE_ITEM },
	{ "mark", 0 },
	{ "ol", HE_BLOCK },
	{ "p", HE_BLOCK | HE_PARA },
	{ "pre", HE_BLOCK | HE_PARA | HE_PRE },
	{ "q", 0 },
	{ "rp", 0 },
	{ "rt", 0 },
	{ "ruby", 0 },
	{ "s", 0 },
	{ "samp", HE_CODE },
	{ "small", 0 },
	{ "span", 0 },
	{ "strong", HE_BOLD },
	{ "sub", 0 },
	{ "summary", HE_BLOCK | HE_PARA | HE_LABEL },
	{ "sup", 0 },
	{ "table", HE_BLOCK },
	{ "tbody", HE_BLOCK },
	{ "td", HE_BLOCK },
	{ "tfoot", HE_BLOCK },
	{ "th", HE_BLOCK },
	{ "thead", HE_BLOCK },
	{ "time", 0 },
	{ "tr", HE_BLOCK },
	{ "ul", HE_BLOCK },
	{ "var", HE_ITALIC },
	{ "wbr", HE_VOID },
	{ NULL, 0 }
};

/* Removed with everything in them (GitHub keeps the text of others). */
static const char *const drop_content[] = {
	"script", "style", "template", "iframe", "object", "embed",
	"noscript", "title", "textarea", "select", "xmp", "noembed",
	"noframes", "plaintext", "svg", "math", "head", "frameset", NULL
};

/* A piece of raw HTML in the parsed string. */
struct seg {
	size_t		 off, len;
	int		 line, col;	/* cmark's: body line, byte column */
};

struct sctx {
	struct runbook	*r;
	cmark_mem	*mem;
	int		 unsafe;
	int		 reports;
	struct buf	 s;		/* the string parsed */
	struct seg	*seg;
	size_t		 nseg, capseg;
	cmark_node	**moved;	/* the Markdown siblings */
	unsigned char	*done;		/* each put back once */
	size_t		 nmoved, capmoved;
	cmark_node	**inert;	/* the raw HTML inline nodes */
	size_t		 ninert, capinert;
};

/* Returns the element of custom node n, or NULL. */
const struct htmlel *
md_node_html(void *node)
{
	uintptr_t k = (uintptr_t)cmark_node_get_user_data(node);
	cmark_node_type t = cmark_node_get_type(node);

	if ((t != CMARK_NODE_CUSTOM_BLOCK && t != CMARK_NODE_CUSTOM_INLINE) ||
	    k == 0 || k > sizeof(els) / sizeof(els[0]) - 1)
		return NULL;
	return &els[k - 1];
}

/* Returns the id of an <a id> node (on-enter `<a id="ID">`), or NULL. */
const char *
html_anchor_id(void *node, size_t *n)
{
	const struct htmlel *e = md_node_html(node);
	const char *s;

	if (e == NULL || !(e->flags & HE_ANCHOR))
		return NULL;
	s = cmark_node_get_on_enter(node);
	if (s == NULL || strncmp(s, "<a id=\"", 7) != 0)
		return NULL;
	*n = strcspn(s + 7, "\"");
	return s + 7;
}

static const struct htmlel *
el_find(const char *name)
{
	size_t i;

	for (i = FIRST_EL; els[i].name != NULL; i++)
		if (strcmp(els[i].name, name) == 0)
			return &els[i];
	return NULL;
}

static uintptr_t
el_key(const struct htmlel *e)
{
	return (uintptr_t)(e - els) + 1;
}

/* ------------------------------------------------------------ positions */

/* Sets *line, *col (cmark's) of offset off of the parsed string. */
static void
pos_of(const struct sctx *x, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = x->nseg, i, nl;
	const struct seg *g;

	*line = 0;
	*col = 1;
	if (x->nseg == 0)
		return;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (x->seg[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	g = &x->seg[lo];
	if (off < g->off)
		off = g->off;
	if (off > g->off + g->len)
		off = g->off + g->len;
	*line = g->line;
	*col = g->col;
	for (i = g->off, nl = g->off; i < off; i++)
		if (x->s.data[i] == '\n') {
			++*line;
			nl = i + 1;
			*col = 1;
		}
	*col += (int)(off - nl);
}

/* Gives node n the position of offset off. */
static void
set_pos(const struct sctx *x, cmark_node *n, size_t off)
{
	int line, col;

	pos_of(x, off, &line, &col);
	n->start_line = n->end_line = line;
	n->start_column = n->end_column = col;
}

/* Returns where gumbo node g starts in the parsed string. */
static size_t
g_off(const GumboNode *g)
{
	for (; g != NULL; g = g->parent) {
		if (g->type == GUMBO_NODE_ELEMENT &&
		    g->v.element.original_tag.length > 0)
			return g->v.element.start_pos.offset;
		if (g->type == GUMBO_NODE_TEXT ||
		    g->type == GUMBO_NODE_WHITESPACE ||
		    g->type == GUMBO_NODE_CDATA)
			return g->v.text.start_pos.offset;
	}
	return 0;
}

/* Reports a removal at offset off. */
static void
report(struct sctx *x, size_t off, const char *fmt, const char *what,
    const char *more)
{
	struct runbook *r = x->r;
	int line, col;

	if (x->reports > MAX_REPORTS)
		return;
	pos_of(x, off, &line, &col);
	line = line > 0 ? line + r->body_line - 1 : r->body_line;
	col = src_col(&r->src, line, col);
	if (++x->reports > MAX_REPORTS) {
		diag_add(&r->diags, r->src.path, line, col, R_RAW_HTML,
		    "more than %d removals from raw HTML: the rest are not "
		    "reported", MAX_REPORTS);
		return;
	}
	diag_add(&r->diags, r->src.path, line, col, R_RAW_HTML, fmt, what,
	    more);
}

/* The name of element g as written (lower-cased by the parser). */
static void
el_name(const GumboNode *g, char *out, size_t n)
{
	const GumboElement *e = &g->v.element;
	GumboStringPiece p = e->original_tag;
	size_t i;

	if (e->tag != GUMBO_TAG_UNKNOWN) {
		snprintf(out, n, "%s", gumbo_normalized_tagname(e->tag));
		return;
	}
	gumbo_tag_from_original_text(&p);
	for (i = 0; i < p.length && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)p.data[i]);
	out[i] = '\0';
	if (i == 0)
		snprintf(out, n, "?");
}

/* --------------------------------------------------------- node making */

static cmark_node *
new_node(struct sctx *x, cmark_node_type t, size_t off)
{
	cmark_node *n = cmark_node_new_with_mem(t, x->mem);

	set_pos(x, n, off);
	return n;
}

static cmark_node *
new_custom(struct sctx *x, int block, uintptr_t key, const char *enter,
    const char *exit, size_t off)
{
	cmark_node *n = new_node(x, block ? CMARK_NODE_CUSTOM_BLOCK :
	    CMARK_NODE_CUSTOM_INLINE, off);

	cmark_node_set_user_data(n, (void *)key);
	cmark_node_set_on_enter(n, enter);
	cmark_node_set_on_exit(n, exit);
	return n;
}

/* Returns parent's last child if it is a run of inlines still open
 * (its on-exit is empty: closed ones end with a newline), or NULL. */
static cmark_node *
open_run(cmark_node *parent)
{
	cmark_node *l = cmark_node_last_child(parent);
	const char *e;

	if (l != NULL && cmark_node_get_type(l) == CMARK_NODE_CUSTOM_BLOCK &&
	    (uintptr_t)cmark_node_get_user_data(l) == HEL_RUN &&
	    ((e = cmark_node_get_on_exit(l)) == NULL || *e == '\0'))
		return l;
	return NULL;
}

/* Where inline content goes in a block: the open run, or a new one. */
static cmark_node *
run_of(struct sctx *x, cmark_node *parent, size_t off)
{
	cmark_node *l = open_run(parent);

	if (l != NULL)
		return l;
	l = new_custom(x, 1, HEL_RUN, "", "", off);
	cmark_node_append_child(parent, l);
	return l;
}

/*
 * Links child into parent after prev (first if prev is NULL), by hand:
 * where an extension's node refuses a custom inline that cmark's own
 * calls would not link.
 */
static void
link_after(cmark_node *parent, cmark_node *prev, cmark_node *child)
{
	cmark_node_unlink(child);
	child->parent = parent;
	child->prev = prev;
	child->next = prev != NULL ? prev->next : parent->first_child;
	if (child->next != NULL)
		child->next->prev = child;
	else
		parent->last_child = child;
	if (prev != NULL)
		prev->next = child;
	else
		parent->first_child = child;
}

/*
 * Appends child to parent, also where an extension's node refuses a
 * custom node (a table cell takes only the inlines it knows; custom
 * inlines render as their content).  Returns 0 only for a block node
 * in an inline one.
 */
static int
append(cmark_node *parent, cmark_node *child)
{
	cmark_node_type t = cmark_node_get_type(child);

	if (cmark_node_append_child(parent, child))
		return 1;
	if (t != CMARK_NODE_CUSTOM_INLINE || parent->extension == NULL)
		return 0;
	link_after(parent, parent->last_child, child);
	return 1;
}

/*
 * Inserts child after node, also where an extension's node refuses a
 * custom inline (a table cell), as append does.  Returns 0 only for a
 * block node where no block can go.
 */
static int
insert_after(cmark_node *node, cmark_node *child)
{
	cmark_node *parent = node->parent;

	if (cmark_node_insert_after(node, child))
		return 1;
	if (cmark_node_get_type(child) != CMARK_NODE_CUSTOM_INLINE ||
	    parent == NULL || parent->extension == NULL)
		return 0;
	link_after(parent, node, child);
	return 1;
}

/* Appends inline node n to parent (block: into a run of inlines). */
static void
put_inline(struct sctx *x, cmark_node *parent, int block, cmark_node *n,
    size_t off)
{
	if (block)
		parent = run_of(x, parent, off);
	if (!append(parent, n))
		cmark_node_free(n);
}

/* Appends a block node to parent: the run before it is closed. */
static void
put_block(struct sctx *x, cmark_node *parent, cmark_node *n)
{
	cmark_node *l = open_run(parent);

	(void)x;
	if (l != NULL)
		cmark_node_set_on_exit(l, "\n");	/* closed */
	if (!cmark_node_append_child(parent, n))
		cmark_node_free(n);
}

/* Returns 1 if s[0..n) is blanks only. */
static int
blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

/* Appends text s[0..n) (placeholders among it) to parent. */
static void
put_text(struct sctx *x, cmark_node *parent, int block, const char *s,
    size_t n, size_t off)
{
	size_t i = 0, from = 0;
	uint32_t cp;
	int k;
	char *t;
	cmark_node *c;

	while (from < n) {
		/* The next placeholder. */
		for (i = from; i < n; i++)
			if ((unsigned char)s[i] == 0xF3 && i + 3 < n &&
			    (k = utf8_decode(s + i, n - i, &cp)) == 4 &&
			    cp >= PH_BASE && cp - PH_BASE < x->nmoved &&
			    !x->done[cp - PH_BASE])
				break;
		/* Blanks between blocks are not content. */
		if (i > from && !(block && blank(s + from, i - from) &&
		    open_run(parent) == NULL)) {
			c = new_node(x, CMARK_NODE_TEXT, off);
			t = xstrndup(s + from, i - from);
			cmark_node_set_literal(c, t);
			free(t);
			put_inline(x, parent, block, c, off);
		}
		if (i >= n)
			break;
		utf8_decode(s + i, n - i, &cp);
		cp -= PH_BASE;
		x->done[cp] = 1;
		c = x->moved[cp];
		if (block)
			put_block(x, parent, c);
		else if (!append(parent, c))
			x->done[cp] = 0;
		from = i + 4;
	}
}

/* ---------------------------------------------------------- attributes */

/* Returns 1 if s is digits only, 1 to max of them. */
static int
digits(const char *s, size_t max)
{
	size_t n = strlen(s);

	return n > 0 && n <= max && strspn(s, "0123456789") == n;
}

/*
 * Returns the URL of attribute value v cleaned as a browser reads it
 * (leading and trailing blanks and controls gone, tabs and newlines
 * dropped), malloc'd, or NULL if its scheme is not allowed (img: http,
 * https or none; a: also mailto and tel).
 */
static char *
url_clean(const char *v, int img)
{
	size_t n = strlen(v), i, k = 0;
	char *u;

	while (n > 0 && (unsigned char)v[n - 1] <= 0x20)
		n--;
	while (n > 0 && (unsigned char)*v <= 0x20) {
		v++;
		n--;
	}
	u = xmalloc(n + 1);
	for (i = 0; i < n; i++) {
		if (v[i] == '\t' || v[i] == '\n' || v[i] == '\r')
			continue;
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			free(u);
			return NULL;
		}
		u[k++] = v[i];
	}
	u[k] = '\0';
	if (!url_safe(u, k) || (img && (strncasecmp(u, "mailto:", 7) == 0 ||
	    strncasecmp(u, "tel:", 4) == 0))) {
		free(u);
		return NULL;
	}
	return u;
}

/* Returns 1 if v can be an anchor id rbc writes as it is. */
static int
id_ok(const char *v)
{
	size_t n = strlen(v);

	return n > 0 && n <= 200 && strcspn(v, " \t\n\r\f\"'<>&`") == n;
}

/* Appends ` name="value"` (escaped) to b. */
static void
attr(struct buf *b, const char *name, const char *v)
{
	buf_putc(b, ' ');
	buf_puts(b, name);
	BUF_PUTSL(b, "=\"");
	html_esc_attr(b, v, strlen(v));
	buf_putc(b, '"');
}

/* -------------------------------------------------------------- rebuild */

static void build(struct sctx *, GumboNode *, cmark_node *, int block,
    int inlink);

static void
children(struct sctx *x, GumboNode *g, cmark_node *parent, int block,
    int inlink)
{
	GumboVector *v = &g->v.element.children;
	unsigned i;

	for (i = 0; i < v->length; i++)
		build(x, v->data[i], parent, block, inlink);
}

/* Returns 1 if g's subtree holds a placeholder of a block node. */
static int
has_block(struct sctx *x, GumboNode *g)
{
	const char *s;
	size_t n, i;
	uint32_t cp;
	unsigned k;

	if (g->type == GUMBO_NODE_TEXT || g->type == GUMBO_NODE_WHITESPACE ||
	    g->type == GUMBO_NODE_CDATA) {
		s = g->v.text.text;
		n = strlen(s);
		for (i = 0; i + 3 < n; i++)
			if ((unsigned char)s[i] == 0xF3 &&
			    utf8_decode(s + i, n - i, &cp) == 4 &&
			    cp >= PH_BASE && cp - PH_BASE < x->nmoved)
				return 1;
		return 0;
	}
	if (g->type != GUMBO_NODE_ELEMENT && g->type != GUMBO_NODE_TEMPLATE)
		return 0;
	for (k = 0; k < g->v.element.children.length; k++)
		if (has_block(x, g->v.element.children.data[k]))
			return 1;
	return 0;
}

/* An <img>: an image node with its alt text, or its alt text alone. */
static void
build_img(struct sctx *x, GumboNode *g, cmark_node *parent, int block,
    size_t off)
{
	GumboVector *av = &g->v.element.attributes;
	const char *src = NULL, *alt = NULL, *title = NULL;
	struct buf more = { NULL, 0, 0 };
	cmark_node *n, *t;
	char *url = NULL;
	unsigned i;

	for (i = 0; i < av->length; i++) {
		GumboAttribute *a = av->data[i];
		const char *v = a->value;
		if (strcmp(a->name, "src") == 0)
			src = v;
		else if (strcmp(a->name, "alt") == 0)
			alt = v;
		else if (strcmp(a->name, "title") == 0)
			title = v;
		else if ((strcmp(a->name, "width") == 0 ||
		    strcmp(a->name, "height") == 0) && digits(v, 5)) {
			BUF_PUTSL(&more, "\" ");
			buf_puts(&more, a->name);
			BUF_PUTSL(&more, "=\"");
			buf_puts(&more, v);
		} else if (strcmp(a->name, "align") == 0 &&
		    (strcasecmp(v, "left") == 0 || strcasecmp(v, "right") == 0 ||
		    strcasecmp(v, "center") == 0)) {
			BUF_PUTSL(&more, "\" class=\"align-");
			buf_putc(&more, (char)tolower((unsigned char)v[0]));
			buf_puts(&more, strcasecmp(v, "left") == 0 ? "eft" :
			    strcasecmp(v, "right") == 0 ? "ight" : "enter");
		} else
			report(x, a->name_start.offset, "raw HTML: attribute '%s' of <img> removed%s",
			    a->name, "");
	}
	if (src != NULL && (url = url_clean(src, 1)) == NULL)
		report(x, off, "raw HTML: <img src=\"%.80s\"> removed: %s",
		    src, "not an http, https or relative URL");
	else if (src == NULL)
		report(x, off, "raw HTML: <img> removed%s%s",
		    " (no src)", "");
	if (url == NULL) {
		if (alt != NULL && *alt != '\0')
			put_text(x, parent, block, alt, strlen(alt), off);
		buf_free(&more);
		return;
	}
	n = new_node(x, CMARK_NODE_IMAGE, off);
	cmark_node_set_url(n, url);
	if (title != NULL)
		cmark_node_set_title(n, title);
	if (alt != NULL && *alt != '\0') {
		t = new_node(x, CMARK_NODE_TEXT, off);
		cmark_node_set_literal(t, alt);
		cmark_node_append_child(n, t);
	}
	t = new_custom(x, 0, HEL_ATTRS, buf_cstr(&more), "", off);
	cmark_node_append_child(n, t);
	put_inline(x, parent, block, n, off);
	free(url);
	buf_free(&more);
}

/* Returns a new <a id> node. */
static cmark_node *
new_anchor(struct sctx *x, const char *id, size_t off)
{
	struct buf b = { NULL, 0, 0 };
	cmark_node *n;

	BUF_PUTSL(&b, "<a id=\"");
	buf_puts(&b, id);
	BUF_PUTSL(&b, "\">");
	n = new_custom(x, 0, el_key(el_find("a")), buf_cstr(&b), "</a>", off);
	buf_free(&b);
	return n;
}

/* An <a>: a link node (href), an anchor (id, name), or its content. */
static void
build_a(struct sctx *x, GumboNode *g, cmark_node *parent, int block,
    int inlink, size_t off)
{
	GumboVector *av = &g->v.element.attributes;
	const char *href = NULL, *id = NULL, *title = NULL;
	cmark_node *n = NULL;
	char *url = NULL;
	unsigned i;

	for (i = 0; i < av->length; i++) {
		GumboAttribute *a = av->data[i];
		if (strcmp(a->name, "href") == 0)
			href = a->value;
		else if (strcmp(a->name, "title") == 0)
			title = a->value;
		else if ((strcmp(a->name, "id") == 0 ||
		    strcmp(a->name, "name") == 0) && id_ok(a->value)) {
			if (id == NULL || strcmp(a->name, "id") == 0)
				id = a->value;
		} else
			report(x, a->name_start.offset, "raw HTML: attribute "
			    "'%s' of <a> removed%s", a->name,
			    strcmp(a->name, "id") == 0 ||
			    strcmp(a->name, "name") == 0 ?
			    " (not a plain id)" : "");
	}
	if (href != NULL && (url = url_clean(href, 0)) == NULL)
		report(x, off, "raw HTML: <a href=\"%.80s\"> removed: %s",
		    href, "not an http, https, mailto, tel or relative URL");
	if (inlink && url != NULL) {
		report(x, off, "raw HTML: <a href=\"%.80s\"> removed%s", url,
		    ": a link inside a link");
		free(url);
		url = NULL;
	}
	/* An anchor is a point: empty, whether or not it was closed. */
	if (id != NULL)
		put_inline(x, parent, block, new_anchor(x, id, off), off);
	if (url != NULL && block && has_block(x, g)) {
		report(x, off, "raw HTML: <a href=\"%.80s\"> removed%s", url,
		    " (around Markdown blocks; its content kept)");
		free(url);
		url = NULL;
	}
	if (url != NULL) {
		n = new_node(x, CMARK_NODE_LINK, off);
		cmark_node_set_url(n, url);
		if (title != NULL)
			cmark_node_set_title(n, title);
		put_inline(x, parent, block, n, off);
		children(x, g, n, 0, 1);
		free(url);
		return;
	}
	children(x, g, parent, block, inlink);
}

/* Rebuilds gumbo node g under parent (block: a block context). */
static void
build(struct sctx *x, GumboNode *g, cmark_node *parent, int block,
    int inlink)
{
	const struct htmlel *e;
	GumboVector *av;
	struct buf b = { NULL, 0, 0 };
	char name[48];
	size_t off = g_off(g), i;
	cmark_node *n;
	unsigned k;

	switch (g->type) {
	case GUMBO_NODE_TEXT:
	case GUMBO_NODE_WHITESPACE:
	case GUMBO_NODE_CDATA:
		put_text(x, parent, block, g->v.text.text,
		    strlen(g->v.text.text), off);
		return;
	case GUMBO_NODE_ELEMENT:
	case GUMBO_NODE_TEMPLATE:
		break;
	default:
		return;		/* comments, as GitHub: silently */
	}
	el_name(g, name, sizeof(name));
	if (g->v.element.tag_namespace != GUMBO_NAMESPACE_HTML) {
		if (g->parent != NULL && g->parent->type == GUMBO_NODE_ELEMENT &&
		    g->parent->v.element.tag_namespace != GUMBO_NAMESPACE_HTML)
			return;		/* reported with its root */
		report(x, off, "raw HTML: <%s> removed with its content%s",
		    name, "");
		return;
	}
	for (i = 0; drop_content[i] != NULL; i++)
		if (strcmp(name, drop_content[i]) == 0) {
			report(x, off, "raw HTML: <%s> removed with its "
			    "content%s", name, "");
			return;
		}
	e = el_find(name);
	if (e == NULL) {
		if (g->v.element.original_tag.length > 0)
			report(x, off, "raw HTML: <%s> removed%s", name,
			    g->v.element.children.length > 0 &&
			    g->v.element.original_end_tag.length > 0 ?
			    " (its text "
			    "kept)" : ": not shown (in code, `<...>` is shown "
			    "as written)");
		children(x, g, parent, block, inlink);
		return;
	}
	if (strcmp(name, "img") == 0) {
		build_img(x, g, parent, block, off);
		return;
	}
	if (strcmp(name, "a") == 0) {
		build_a(x, g, parent, block, inlink, off);
		return;
	}
	if ((e->flags & HE_BLOCK) && !block) {
		if (g->v.element.original_tag.length > 0)
			report(x, off, "raw HTML: <%s> removed%s", name,
			    " (a block inside a paragraph; its text kept)");
		children(x, g, parent, 0, inlink);
		return;
	}
	if (block && (!(e->flags & HE_BLOCK) || (e->flags & HE_PARA) ||
	    g->v.element.original_end_tag.length == 0) && has_block(x, g)) {
		if (g->v.element.original_tag.length > 0)
			report(x, off, "raw HTML: <%s> removed%s", name,
			    (!(e->flags & HE_BLOCK) || (e->flags & HE_PARA)) ?
			    " (around Markdown blocks; its text kept)" :
			    " (not closed before the Markdown after it)");
		children(x, g, parent, block, inlink);
		return;
	}
	/* Its start tag, with the attributes it may keep. */
	buf_putc(&b, '<');
	buf_puts(&b, name);
	av = &g->v.element.attributes;
	for (k = 0; k < av->length; k++) {
		GumboAttribute *a = av->data[k];
		const char *v = a->value;
		int td = strcmp(name, "td") == 0 || strcmp(name, "th") == 0;

		if (strcmp(a->name, "title") == 0)
			attr(&b, "title", v);
		else if (td && (strcmp(a->name, "colspan") == 0 ||
		    strcmp(a->name, "rowspan") == 0) && digits(v, 4))
			attr(&b, a->name, v);
		else if (td && strcmp(a->name, "align") == 0 &&
		    (strcasecmp(v, "left") == 0 ||
		    strcasecmp(v, "center") == 0 ||
		    strcasecmp(v, "right") == 0)) {
			char cls[8];
			for (i = 0; v[i] != '\0' && i + 1 < sizeof(cls); i++)
				cls[i] = (char)tolower((unsigned char)v[i]);
			cls[i] = '\0';
			attr(&b, "class", cls);
		} else if (strcmp(name, "ol") == 0 &&
		    strcmp(a->name, "start") == 0 &&
		    digits(v[0] == '-' ? v + 1 : v, 9))
			attr(&b, "start", v);
		else if (strcmp(name, "details") == 0 &&
		    strcmp(a->name, "open") == 0)
			BUF_PUTSL(&b, " open");
		else
			report(x, a->name_start.offset, "raw HTML: attribute "
			    "'%s' of <%s> removed", a->name, name);
	}
	buf_putc(&b, '>');
	{
		char end[56];
		snprintf(end, sizeof(end), "</%s>", name);
		n = new_custom(x, (e->flags & HE_BLOCK) != 0, el_key(e),
		    buf_cstr(&b), (e->flags & HE_VOID) ? "" : end, off);
	}
	buf_free(&b);
	if (e->flags & HE_BLOCK)
		put_block(x, parent, n);
	else
		put_inline(x, parent, block, n, off);
	if (!(e->flags & HE_VOID))
		children(x, g, n, (e->flags & HE_BLOCK) && !(e->flags & HE_PARA),
		    inlink);
}

/* ---------------------------------------------------------------- limits */

/*
 * Returns 0 if the string is too much for the parser to be bounded:
 * too many start tags, elements nested too deep (its tree is freed by
 * recursion), or formatting elements left open (the parser copies them
 * into every later block).
 */
static int
bounded(const char *s, size_t n)
{
	static const char *const fmt[] = { "a", "b", "big", "code", "em",
	    "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
	    NULL };
	static const char *const flat[] = { "area", "base", "br", "col",
	    "embed", "hr", "img", "input", "link", "meta", "source", "track",
	    "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "tbody", "thead",
	    "tfoot", "option", "colgroup", "caption", "rb", "rt", "rp",
	    NULL };
	size_t i, k, tags = 0;
	long depth = 0, openfmt = 0;
	char t[12];
	int end;

	for (i = 0; i + 1 < n; i++) {
		if (s[i] != '<')
			continue;
		end = s[i + 1] == '/';
		for (k = 0; k + 1 < sizeof(t) && i + 1 + end + k < n &&
		    isalnum((unsigned char)s[i + 1 + end + k]); k++)
			t[k] = (char)tolower((unsigned char)s[i + 1 + end + k]);
		t[k] = '\0';
		if (k == 0 || !isalpha((unsigned char)t[0]))
			continue;
		if (!end && ++tags > MAX_TAGS)
			return 0;
		for (k = 0; fmt[k] != NULL && strcmp(fmt[k], t) != 0; k++)
			;
		if (fmt[k] != NULL) {
			openfmt += end ? (openfmt > 0 ? -1 : 0) : 1;
			if (openfmt > MAX_OPENFMT)
				return 0;
		}
		for (k = 0; flat[k] != NULL && strcmp(flat[k], t) != 0; k++)
			;
		if (flat[k] != NULL)
			continue;
		depth += end ? (depth > 0 ? -1 : 0) : 1;
		if (depth > RBC_MAX_NEST)
			return 0;
	}
	return 1;
}

/* ------------------------------------------------------------ containers */

static void
seg_add(struct sctx *x, const char *lit, cmark_node *c)
{
	struct seg *g;

	if (x->nseg == x->capseg) {
		x->capseg = x->capseg ? x->capseg * 2 : 8;
		x->seg = xreallocarray(x->seg, x->capseg, sizeof(*x->seg));
	}
	g = &x->seg[x->nseg++];
	g->off = x->s.len;
	g->len = strlen(lit);
	g->line = cmark_node_get_start_line(c);
	g->col = cmark_node_get_start_column(c);
	if (g->col < 1)
		g->col = 1;
	buf_put(&x->s, lit, g->len);
}

static int
is_html(cmark_node *c)
{
	cmark_node_type t = cmark_node_get_type(c);

	return t == CMARK_NODE_HTML_BLOCK || t == CMARK_NODE_HTML_INLINE;
}

/* Sanitizes the raw HTML among container p's children together. */
static void
container(struct sctx *x, cmark_node *p)
{
	int block = cmark_node_get_type(p) == CMARK_NODE_DOCUMENT ||
	    cmark_node_get_type(p) == CMARK_NODE_BLOCK_QUOTE ||
	    cmark_node_get_type(p) == CMARK_NODE_ITEM;
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *out;
	cmark_node *c, *next;
	char ph[4];
	size_t i;

	buf_reset(&x->s);
	x->nseg = x->nmoved = x->ninert = 0;
	for (c = cmark_node_first_child(p); c != NULL; c = next) {
		next = cmark_node_next(c);
		cmark_node_unlink(c);
		if (is_html(c)) {
			seg_add(x, cmark_node_get_literal(c) != NULL ?
			    cmark_node_get_literal(c) : "", c);
			if (x->ninert == x->capinert) {
				x->capinert = x->capinert ? x->capinert * 2 : 8;
				x->inert = xreallocarray(x->inert, x->capinert,
				    sizeof(*x->inert));
			}
			x->inert[x->ninert++] = c;
			continue;
		}
		if (x->nmoved == x->capmoved) {
			x->capmoved = x->capmoved ? x->capmoved * 2 : 8;
			x->moved = xreallocarray(x->moved, x->capmoved,
			    sizeof(*x->moved));
			x->done = xrealloc(x->done, x->capmoved);
		}
		x->done[x->nmoved] = 0;
		x->moved[x->nmoved++] = c;
		if (x->nmoved <= PH_MAX) {
			utf8_encode(PH_BASE + (uint32_t)x->nmoved - 1, ph);
			buf_put(&x->s, ph, 4);
		}
	}
	if (x->nmoved > PH_MAX || !bounded(x->s.data, x->s.len)) {
		report(x, 0, "raw HTML: %s%s removed", "too much of it "
		    "(tags, nesting or Markdown among it) in one place: ",
		    "all of it");
		for (i = 0; i < x->nmoved; i++)
			cmark_node_append_child(p, x->moved[i]);
		goto inert;
	}
	opt.max_errors = 0;
	opt.fragment_context = block ? GUMBO_TAG_DIV : GUMBO_TAG_SPAN;
	out = gumbo_parse_with_options(&opt, x->s.data != NULL ? x->s.data :
	    "", x->s.len);
	{
		GumboNode *root = out->root;
		GumboVector *v = &root->v.element.children;
		unsigned k;
		for (k = 0; k < v->length; k++)
			build(x, v->data[k], p, block, cmark_node_get_type(p) ==
			    CMARK_NODE_LINK);
	}
	gumbo_destroy_output(&kGumboDefaultOptions, out);
	/* Markdown the parser put nowhere (inside <script>): gone too. */
	for (i = 0; i < x->nmoved; i++)
		if (!x->done[i])
			cmark_node_free(x->moved[i]);
	if (block) {
		c = cmark_node_last_child(p);
		if (c != NULL && (uintptr_t)cmark_node_get_user_data(c) ==
		    HEL_RUN && cmark_node_get_type(c) == CMARK_NODE_CUSTOM_BLOCK)
			cmark_node_set_on_exit(c, "\n");
	}
inert:
	/* The raw inline HTML stays, unrendered, for the placeholder check
	 * (contacts' "<phone>"); blocks go. */
	for (i = 0; i < x->ninert; i++)
		if (cmark_node_get_type(x->inert[i]) == CMARK_NODE_HTML_INLINE)
			cmark_node_append_child(p, x->inert[i]);
		else
			cmark_node_free(x->inert[i]);
}

/* unsafe_html: the raw HTML stays; its links and anchors are added in
 * a hidden node after it, to be checked and copied. */
static void
unsafe_refs(struct sctx *x, cmark_node *h)
{
	int block = cmark_node_get_type(h) == CMARK_NODE_HTML_BLOCK;
	GumboOptions opt = kGumboDefaultOptions;
	GumboOutput *out;
	GumboNode *g;
	cmark_node *hid, *n;
	const char *lit = cmark_node_get_literal(h);
	GumboNode **st = NULL;
	size_t nst = 0, cap = 0, off;
	unsigned k;

	if (lit == NULL || strchr(lit, '<') == NULL)
		return;
	buf_reset(&x->s);
	x->nseg = 0;
	seg_add(x, lit, h);
	if (!bounded(x->s.data, x->s.len))
		return;
	opt.max_errors = 0;
	opt.fragment_context = block ? GUMBO_TAG_DIV : GUMBO_TAG_SPAN;
	out = gumbo_parse_with_options(&opt, x->s.data, x->s.len);
	hid = new_custom(x, block, HEL_HIDDEN, "", "", 0);
	st = xreallocarray(NULL, cap = 16, sizeof(*st));
	st[nst++] = out->root;
	while (nst > 0) {
		g = st[--nst];
		if (g->type != GUMBO_NODE_ELEMENT)
			continue;
		off = g_off(g);
		if (g->v.element.tag == GUMBO_TAG_A ||
		    g->v.element.tag == GUMBO_TAG_IMG) {
			int img = g->v.element.tag == GUMBO_TAG_IMG;
			GumboAttribute *a = gumbo_get_attribute(
			    &g->v.element.attributes, img ? "src" : "href");
			char *url = a != NULL ? url_clean(a->value, img) : NULL;
			if (url != NULL) {
				n = new_node(x, img ? CMARK_NODE_IMAGE :
				    CMARK_NODE_LINK, off);
				cmark_node_set_url(n, url);
				free(url);
				cmark_node_append_child(block ? run_of(x, hid,
				    off) : hid, n);
			}
			a = gumbo_get_attribute(&g->v.element.attributes, "id");
			if (a == NULL)
				a = gumbo_get_attribute(
				    &g->v.element.attributes, "name");
			if (!img && a != NULL && id_ok(a->value))
				cmark_node_append_child(block ? run_of(x, hid,
				    off) : hid, new_anchor(x, a->value, off));
		}
		/* Children pushed last first: visited in order. */
		for (k = g->v.element.children.length; k > 0; k--) {
			if (nst == cap)
				st = xreallocarray(st, cap *= 2, sizeof(*st));
			st[nst++] = g->v.element.children.data[k - 1];
		}
	}
	free(st);
	gumbo_destroy_output(&kGumboDefaultOptions, out);
	if (cmark_node_first_child(hid) == NULL || !insert_after(h, hid))
		cmark_node_free(hid);
}

/*
 * Sanitizes the raw HTML of r's tree doc (nodes made with mem): see
 * the top of this file.
 */
void
html_sanitize(struct runbook *r, void *doc, void *mem, int unsafe)
{
	struct sctx x;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node *n, **todo = NULL;
	size_t ntodo = 0, cap = 0, i;

	memset(&x, 0, sizeof(x));
	x.r = r;
	x.mem = mem;
	x.unsafe = unsafe;
	/* Containers, inner ones first (an outer one may drop them). */
	it = cmark_iter_new(doc);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (ev == CMARK_EVENT_ENTER && !unsafe)
			continue;
		if (unsafe ? !is_html(n) : cmark_node_get_type(n) ==
		    CMARK_NODE_IMAGE)
			continue;
		if (!unsafe) {
			cmark_node *c;
			for (c = cmark_node_first_child(n); c != NULL &&
			    !is_html(c); c = cmark_node_next(c))
				;
			if (c == NULL)
				continue;
		}
		if (ntodo == cap) {
			cap = cap ? cap * 2 : 16;
			todo = xreallocarray(todo, cap, sizeof(*todo));
		}
		todo[ntodo++] = n;
	}
	cmark_iter_free(it);
	for (i = 0; i < ntodo; i++)
		if (unsafe)
			unsafe_refs(&x, todo[i]);
		else
			container(&x, todo[i]);
	free(todo);
	buf_free(&x.s);
	free(x.seg);
	free(x.moved);
	free(x.done);
	free(x.inert);
}
