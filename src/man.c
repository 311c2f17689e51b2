/*
 * Man pages: every runbook as a section-7 page in man(7) macros, written
 * by rbc's own roff writer over the cmark-gfm tree.  cmark's man renderer
 * is not used: it escapes '.' and '\'' only on the first line of a code
 * block, writes \f[C] and \fP, and stops at the first bad UTF-8 byte.
 *
 * The page: .TH, NAME ("name \- summary"), the runbook's own body, then
 * SEVERITY, CONTACTS, ESCALATION, THRESHOLDS, QUICK REFERENCE and SEE ALSO
 * from the front-matter, related: ids and backlinks.
 *
 * Rules of the writer, each decided from what was already written:
 *  - every macro starts on a fresh line (roff_nl), no line is empty and
 *    none ends in blanks, text never starts a line with '.' or '\''
 *    (roff_esc.c); text lines stay under 80 bytes and long words get
 *    break points (roff_wrap);
 *  - fonts are absolute (\fR \fI \fB \f(BI \f(CR \f(CI \f(CB), computed
 *    from counted nesting and written lazily just before text; before
 *    any macro line the font goes back to \fR;
 *  - a paragraph macro is not written where the last line already opens
 *    a paragraph (.SH, .SS, .PP); a paragraph, a .RS block or a .br that
 *    comes to nothing is taken back, so mandoc -Tlint has nothing to say.
 *
 * Headings: a first H1 equal to the title is the page's title, already in
 * NAME, and is dropped; every other H1, and every H2, is a .SH (upper-cased,
 * as man pages do); H3 to H6 are .SS.  Body text before the first heading
 * goes under DESCRIPTION.  A heading inside a list or a quote cannot be a
 * section: it is a bold paragraph.
 *
 * Lists are .IP (bullets, numbers, [ ] and [x] for tasks), blocks after an
 * item's first paragraph go in .RS; quotes are .RS 4; code is .EX in .RS 4.
 * Tables go through tbl when they fit the page, wrapping long cells into
 * continuation rows, and become "Header: value" paragraphs when they do
 * not.  Links to other runbooks are .BR name (7), external ones .UR/.UE
 * or .MT/.ME; other links and images keep only their text.  Raw HTML,
 * as sanitize.c rebuilt it, keeps its text: <details>'s <summary> and
 * headings are bold paragraphs, <kbd> and <b> bold, <img> its alt text
 * and URL.  GitHub's alerts are indented under a bold label.
 * Pages are ragged right without hyphenation (.ad l, .nh), so commands and
 * host names stay whole and copyable; .nr HY 0 keeps it off after code
 * blocks, whose .EE in groff's an-ext.tmac turns hyphenation back on.
 *
 * The tree is walked with cmark's iterator, not recursion, so hostile
 * nesting costs heap, not stack; .RS nesting stops at MAN_MAXRS.
 */
#define _GNU_SOURCE	/* memrchr */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "man.h"


static void	paragraph(struct mr *, cmark_node *);

/* ------------------------------------------------------------ blocks */

/* Returns 1 if n is the document's first block (HTML blocks aside). */
static int
first_block(cmark_node *n)
{
	cmark_node *p;

	if (cmark_node_get_type(cmark_node_parent(n)) != CMARK_NODE_DOCUMENT)
		return 0;
	for (p = cmark_node_previous(n); p != NULL; p = cmark_node_previous(p))
		if (cmark_node_get_type(p) != CMARK_NODE_HTML_BLOCK)
			return 0;
	return 1;
}

/*
 * Returns nothing; writes a heading as .SH or .SS, or as a bold paragraph
 * in a list or a quote.
 */
static void
heading(struct mr *m, cmark_node *n)
{
	int level = cmark_node_get_heading_level(n);
	size_t mark, after;
	int in = m->in_section;

	/* Only the page's own headings are sections. */
	if (cmark_node_get_type(cmark_node_parent(n)) != CMARK_NODE_DOCUMENT) {
		m->bold++;
		paragraph(m, n);
		m->bold--;
		return;
	}
	font_reset(m);
	roff_nl(m->out);
	mark = m->out->len;
	if (level == 1 && first_block(n) && md_node_heading(m->r, n) != NULL &&
	    md_node_heading(m->r, n) == title_heading(m->r))
		return;
	if (level > 2)
		need_section(m);
	mac(m, level > 2 ? ".SS \"" : ".SH \"");
	after = m->out->len;
	inlines(m, n, IM_ARG, level > 2 ? 0 : ROFF_UPPER);
	if (m->out->len == after) {
		take_back(m, mark, m->out->len, in);
		return;
	}
	buf_putc(m->out, '"');
	mac_end(m);
	if (level <= 2)
		m->in_section = 1;
}

/* Returns nothing; writes a paragraph (an item's first one inline). */
static void
paragraph(struct mr *m, cmark_node *n)
{
	cmark_node *p = cmark_node_parent(n);
	struct lframe *f;
	size_t mark, after;
	int in = m->in_section;
	int initem = cmark_node_get_type(p) == CMARK_NODE_ITEM &&
	    cmark_node_previous(n) == NULL;
	int note = cmark_node_get_type(p) == CMARK_NODE_FOOTNOTE_DEFINITION &&
	    cmark_node_previous(n) == NULL;
	char tag[24];

	font_reset(m);
	if (!initem)
		roff_nl(m->out);
	mark = m->out->len;
	if (!initem)
		para(m);
	after = m->out->len;
	/* A footnote's first paragraph begins with its number. */
	if (note) {
		snprintf(tag, sizeof(tag), "[%d] ", m->nnotes);
		put_text(m, tag, strlen(tag), 0);
	}
	inlines(m, n, IM_TEXT, 0);
	font_reset(m);
	roff_nl(m->out);
	drop_br(m);	/* a break that nothing followed */
	if (!initem)
		take_back(m, mark, after, in);
	else if (cmark_node_next(n) != NULL && m->nlists > 0) {
		f = &m->lists[m->nlists - 1];
		rs_push(m, f->width);
	}
}

/* Returns the number of decimal digits of v. */
static int
digits(int v)
{
	int d = 1;

	while (v >= 10 || v <= -10) {
		v /= 10;
		d++;
	}
	return d;
}

/* Returns nothing; enters a list: its numbering, tags and width. */
static void
list_enter(struct mr *m, cmark_node *n)
{
	struct lframe *f;
	cmark_node *it;
	int items = 0;

	need_section(m);
	if (m->nlists == m->caplists) {
		m->caplists = m->caplists ? m->caplists * 2 : 8;
		m->lists = xreallocarray(m->lists, m->caplists,
		    sizeof(*m->lists));
	}
	f = &m->lists[m->nlists++];
	memset(f, 0, sizeof(*f));
	f->ordered = cmark_node_get_list_type(n) == CMARK_ORDERED_LIST;
	f->num = cmark_node_get_list_start(n);
	f->delim = cmark_node_get_list_delim(n) == CMARK_PAREN_DELIM ?
	    ')' : '.';
	for (it = cmark_node_first_child(n); it != NULL;
	    it = cmark_node_next(it)) {
		items++;
		if (is_ext(it, "tasklist"))
			f->task = 1;
	}
	if (f->ordered)
		f->width = digits(f->num + (items > 0 ? items - 1 : 0)) + 3;
	else
		f->width = f->task ? 4 : 2;
}

/* Returns 1 if n is written as a paragraph (headings in items are). */
static int
para_like(cmark_node *n)
{
	return cmark_node_get_type(n) == CMARK_NODE_PARAGRAPH ||
	    cmark_node_get_type(n) == CMARK_NODE_HEADING;
}

/* Returns 1 if item n puts blocks after its first paragraph in .RS. */
static int
item_rs(cmark_node *n)
{
	cmark_node *c = cmark_node_first_child(n);

	return c != NULL && (!para_like(c) || cmark_node_next(c) != NULL);
}

/* Returns nothing; starts a list item with its .IP tag. */
static void
item_enter(struct mr *m, cmark_node *n)
{
	struct lframe *f;
	char tag[32];
	int task = is_ext(n, "tasklist");
	int done = task && cmark_gfm_extensions_get_tasklist_item_checked(n);
	cmark_node *c = cmark_node_first_child(n);

	if (m->nlists == 0)
		return;
	f = &m->lists[m->nlists - 1];
	mac(m, ".IP");
	if (f->ordered) {
		snprintf(tag, sizeof(tag), "%d%c", f->num++, f->delim);
		args(m, tag, 0);
	} else if (task)
		args(m, done ? "[x]" : "[ ]", 0);
	else
		BUF_PUTSL(m->out, " \\(bu");
	buf_printf(m->out, " %d", f->width);
	mac_end(m);
	if (f->ordered && task)
		put_text(m, done ? "[x] " : "[ ] ", 4, 0);
	if (c != NULL && !para_like(c))
		rs_push(m, f->width);
}

/* Returns nothing; writes a code block, every line literal; a diagram
 * is its source, labelled. */
static void
code_block(struct mr *m, cmark_node *n)
{
	const char *s = lit(n);

	para(m);
	if (md_diagram(n))
		put_text(m, "Diagram (mermaid):", 18, 0);
	rs_push(m, 4);
	mac(m, ".EX");
	mac_end(m);
	roff_esc_block(m->out, s, strlen(s));
	mac(m, ".EE");
	mac_end(m);
	rs_pop(m);
}

/* Returns 1 if n is the first child of a raw-HTML list item. */
static int
html_item_head(cmark_node *n)
{
	const struct htmlel *e = md_node_html(cmark_node_parent(n));

	return e != NULL && (e->flags & HE_ITEM) &&
	    cmark_node_previous(n) == NULL;
}

/* Returns nothing; writes a raw-HTML block whose content is inline (a
 * run of text, <p>, <summary>, <h1>...) as a paragraph, bold for a
 * label, or <pre> as code. */
static void
html_para(struct mr *m, cmark_node *n, const struct htmlel *e)
{
	struct buf b = { NULL, 0, 0 };
	size_t mark, after;
	int in = m->in_section, head = html_item_head(n);

	if (e->flags & HE_PRE) {
		md_text(n, &b, 0);
		para(m);
		rs_push(m, 4);
		mac(m, ".EX");
		mac_end(m);
		roff_esc_block(m->out, buf_cstr(&b), b.len);
		mac(m, ".EE");
		mac_end(m);
		rs_pop(m);
		buf_free(&b);
		return;
	}
	font_reset(m);
	if (!head)
		roff_nl(m->out);
	mark = m->out->len;
	if (!head)
		para(m);
	after = m->out->len;
	if (e->flags & HE_LABEL)
		m->bold++;
	inlines(m, n, IM_TEXT, 0);
	if (e->flags & HE_LABEL)
		m->bold--;
	font_reset(m);
	roff_nl(m->out);
	drop_br(m);
	if (!head)
		take_back(m, mark, after, in);
}

/*
 * Returns 1 if the iterator is to skip n's content; writes what a
 * custom node (raw HTML, sanitize.c; a GitHub alert) opens or closes.
 */
static int
html_block(struct mr *m, cmark_node *n, int enter)
{
	const struct htmlel *e = md_node_html(n);

	if (e == NULL || (e->flags & HE_HIDDEN))
		return 1;
	if (e->flags & HE_ALERT) {
		if (enter) {
			need_section(m);
			rs_push(m, 4);
			para(m);
			m->bold++;
			put_text(m, e->name, strlen(e->name), 0);
			m->bold--;
			font_reset(m);
			roff_nl(m->out);
		} else
			rs_pop(m);
		return 0;
	}
	if (e->flags & HE_PARA) {
		if (enter)
			html_para(m, n, e);
		return 1;
	}
	if (e->flags & HE_QUOTE) {
		if (enter) {
			need_section(m);
			rs_push(m, 4);
		} else
			rs_pop(m);
	} else if ((e->flags & HE_RULE) && enter) {
		para(m);
		BUF_PUTSL(m->out, ".ce\n* * *\n");
	} else if ((e->flags & HE_ITEM) && enter) {
		need_section(m);
		mac(m, ".IP");
		BUF_PUTSL(m->out, " \\(bu 2");
		mac_end(m);
	}
	return 0;
}

/* Returns nothing; writes the runbook's Markdown body. */
static void
body(struct mr *m, cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	cmark_node *n;
	int enter;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		enter = ev == CMARK_EVENT_ENTER;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_HEADING:
			heading(m, n);
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_PARAGRAPH:
			paragraph(m, n);
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_BLOCK_QUOTE:
			if (enter) {
				need_section(m);
				rs_push(m, 4);
			} else
				rs_pop(m);
			break;
		case CMARK_NODE_LIST:
			if (enter)
				list_enter(m, n);
			else if (m->nlists > 0)
				m->nlists--;
			break;
		case CMARK_NODE_ITEM:
			if (enter)
				item_enter(m, n);
			else if (item_rs(n))
				rs_pop(m);
			break;
		case CMARK_NODE_CODE_BLOCK:
			code_block(m, n);
			break;
		case CMARK_NODE_FOOTNOTE_DEFINITION:
			/* cmark puts the notes last, in the order they are
			 * referred to: a NOTES section of their own. */
			if (enter && m->nnotes++ == 0) {
				font_reset(m);
				roff_nl(m->out);
				mac(m, ".SH \"NOTES\"");
				mac_end(m);
				m->in_section = 1;
			}
			break;
		case CMARK_NODE_THEMATIC_BREAK:
			para(m);
			BUF_PUTSL(m->out, ".ce\n* * *\n");
			break;
		case CMARK_NODE_HTML_BLOCK:
			break;		/* sanitize.c made it nodes */
		case CMARK_NODE_CUSTOM_BLOCK:
			if (html_block(m, n, enter) && enter)
				cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		default:
			if (enter && is_ext(n, "table")) {
				md_table(m, n);
				cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			}
			break;
		}
	}
	cmark_iter_free(it);
}

/* ------------------------------------------------ generated sections */

/* Returns how a contact is named: its name, else role, else id. */
static const char *
contact_label(const struct mr *m, const char *id)
{
	const struct ynode *c = contact_find(m->site, m->r, id);
	const char *s;

	if (c != NULL && ((s = fm_str(c, "name")) != NULL ||
	    (s = fm_str(c, "role")) != NULL))
		return s;
	return id;
}

/* Returns nothing; writes a "Label: value" line of a .TP body. */
static void
field(struct mr *m, int *first, const char *label, const char *v,
    int flags)
{
	if (v == NULL)
		return;
	if (!*first) {
		mac(m, ".br");
		mac_end(m);
	}
	*first = 0;
	if (label != NULL) {
		put_text(m, label, strlen(label), 0);
		put_text(m, ": ", 2, 0);
	}
	if (flags & ROFF_LIT)
		put_word(m, v, strlen(v));
	else
		put_text(m, v, strlen(v), flags | ROFF_ONELINE);
	roff_nl(m->out);
}

/* Returns nothing; starts a .TP entry with a bold tag. */
static void
tp(struct mr *m, const char *tag, int flags)
{
	mac(m, ".TP");
	mac_end(m);
	mac(m, ".B");
	args(m, tag, flags);
	mac_end(m);
}

/* Returns nothing; writes SEVERITY from severity_levels. */
static void
sec_severity(struct mr *m)
{
	const struct ynode *l = ymap_get(m->r->fm, "severity_levels"), *s,
	    *nt;
	struct buf b = { NULL, 0, 0 };
	size_t i, j;
	int first;

	if (l == NULL || l->type != Y_SEQ || l->n == 0)
		return;
	mac(m, ".SH SEVERITY");
	mac_end(m);
	for (i = 0; i < l->n; i++) {
		s = l->items[i];
		tp(m, fm_str(s, "name") ? fm_str(s, "name") : "?", 0);
		first = 1;
		field(m, &first, NULL, fm_str(s, "description"), 0);
		field(m, &first, "Response", fm_str(s, "response"), 0);
		nt = ymap_get(s, "notify");
		buf_reset(&b);
		if (nt != NULL && nt->type == Y_SEQ)
			for (j = 0; j < nt->n; j++) {
				if (ystr(nt->items[j]) == NULL)
					continue;
				if (b.len > 0)
					BUF_PUTSL(&b, ", ");
				buf_puts(&b, contact_label(m,
				    ystr(nt->items[j])));
			}
		else if (ystr(nt) != NULL)
			buf_puts(&b, contact_label(m, ystr(nt)));
		if (b.len > 0)
			field(m, &first, "Notify", buf_cstr(&b), 0);
	}
	buf_free(&b);
}

/* Returns nothing; writes one contact as a .TP entry. */
static void
contact(struct mr *m, const struct ynode *c)
{
	const char *tag = fm_str(c, "role");
	int first = 1;

	if (tag == NULL)
		tag = fm_str(c, "name");
	if (tag == NULL)
		tag = fm_str(c, "id");
	tp(m, tag != NULL ? tag : "?", 0);
	if (fm_str(c, "role") != NULL)
		field(m, &first, NULL, fm_str(c, "name"), 0);
	field(m, &first, "Phone", fm_str(c, "phone"), ROFF_LIT);
	field(m, &first, "Email", fm_str(c, "email"), ROFF_LIT);
	field(m, &first, "Chat", fm_str(c, "chat"), ROFF_LIT);
	field(m, &first, "Pager", fm_str(c, "pager"), ROFF_LIT);
	field(m, &first, "Web", fm_str(c, "url"), ROFF_LIT);
}

/* Returns 1 if site contact c is named by escalation or notify. */
static int
site_contact_used(const struct mr *m, const struct ynode *c)
{
	const struct ynode *e = ymap_get(m->r->fm, "escalation");
	const struct ynode *sl = ymap_get(m->r->fm, "severity_levels"), *nt;
	const char *id = fm_str(c, "id"), *v;
	size_t i, j;

	if (id == NULL || contact_find(m->site, m->r, id) != c)
		return 0;
	if (e != NULL && e->type == Y_SEQ)
		for (i = 0; i < e->n; i++)
			if ((v = fm_str(e->items[i], "contact")) != NULL &&
			    strcmp(v, id) == 0)
				return 1;
	if (sl != NULL && sl->type == Y_SEQ)
		for (i = 0; i < sl->n; i++) {
			nt = ymap_get(sl->items[i], "notify");
			if (nt == NULL || nt->type != Y_SEQ)
				continue;
			for (j = 0; j < nt->n; j++)
				if ((v = ystr(nt->items[j])) != NULL &&
				    strcmp(v, id) == 0)
					return 1;
		}
	return 0;
}

/*
 * Returns nothing; writes CONTACTS: the runbook's own, then the site-wide
 * ones its escalation and notify lists name.
 */
static void
sec_contacts(struct mr *m)
{
	const struct ynode *own = ymap_get(m->r->fm, "contacts");
	const struct ynode *site = m->site->cfg.contacts;
	size_t i, n = 0;

	if (own != NULL && own->type == Y_SEQ)
		n += own->n;
	if (site != NULL && site->type == Y_SEQ)
		for (i = 0; i < site->n; i++)
			n += site_contact_used(m, site->items[i]);
	if (n == 0)
		return;
	mac(m, ".SH CONTACTS");
	mac_end(m);
	if (own != NULL && own->type == Y_SEQ)
		for (i = 0; i < own->n; i++)
			if (own->items[i]->type == Y_MAP)
				contact(m, own->items[i]);
	if (site != NULL && site->type == Y_SEQ)
		for (i = 0; i < site->n; i++)
			if (site_contact_used(m, site->items[i]))
				contact(m, site->items[i]);
}

/* Returns nothing; sets a string cell. */
static void
tset(struct table *t, size_t r, size_t k, const char *s, int flags)
{
	struct tcell *c = &t->cells[r * t->cols + k];

	c->s = s != NULL ? s : "";
	c->n = strlen(c->s);
	c->flags = flags;
}

/* Returns nothing; drops the columns that are empty below the header. */
static void
tdrop_empty(struct table *t)
{
	size_t r, k, o = 0;
	int used;

	for (k = 0; k < t->cols; k++) {
		used = 0;
		for (r = 1; r < t->rows; r++)
			if (t->cells[r * t->cols + k].n > 0)
				used = 1;
		if (!used)
			continue;
		for (r = 0; r < t->rows; r++)
			t->cells[r * t->cols + o] = t->cells[r * t->cols + k];
		t->align[o] = t->align[k];
		o++;
	}
	/* Repack rows to the new width. */
	for (r = 0; r < t->rows; r++)
		for (k = 0; k < o; k++)
			t->cells[r * o + k] = t->cells[r * t->cols + k];
	t->cols = o;
}

/* Returns nothing; writes ESCALATION as a table. */
static void
sec_escalation(struct mr *m)
{
	static const char *const head[] = {
		"Level", "After", "Contact", "Role", "Phone"
	};
	const struct ynode *e = ymap_get(m->r->fm, "escalation"), *c;
	struct table t;
	const char *id;
	size_t i, k;

	if (e == NULL || e->type != Y_SEQ || e->n == 0)
		return;
	memset(&t, 0, sizeof(t));
	t.cols = 5;
	t.rows = e->n + 1;
	t.cells = xcalloc(t.rows * t.cols, sizeof(*t.cells));
	t.align = xcalloc(t.cols, 1);
	for (k = 0; k < t.cols; k++) {
		tset(&t, 0, k, head[k], 0);
		t.align[k] = k == 0 ? 'r' : 'l';
	}
	for (i = 0; i < e->n; i++) {
		id = fm_str(e->items[i], "contact");
		c = id != NULL ? contact_find(m->site, m->r, id) : NULL;
		tset(&t, i + 1, 0, fm_str(e->items[i], "level"), ROFF_LIT);
		tset(&t, i + 1, 1, fm_str(e->items[i], "after"), ROFF_LIT);
		tset(&t, i + 1, 2, id != NULL ? contact_label(m, id) :
		    fm_str(e->items[i], "who"), 0);
		tset(&t, i + 1, 3, fm_str(c, "role"), 0);
		tset(&t, i + 1, 4, fm_str(c, "phone"), ROFF_LIT);
	}
	tdrop_empty(&t);
	mac(m, ".SH ESCALATION");
	mac_end(m);
	table(m, &t);
	free(t.cells);
	free(t.align);
}

/* Returns the text of r's heading with this slug, or NULL. */
static const char *
heading_text(const struct runbook *r, const char *slug)
{
	size_t i;

	for (i = 0; slug != NULL && i < r->nheads; i++)
		if (strcmp(r->heads[i].slug, slug) == 0)
			return r->heads[i].text;
	return NULL;
}

/*
 * Returns nothing; writes THRESHOLDS: a table of the numbers (the
 * direction as "> " or "< " before warning and critical), then each
 * metric's description and the section that handles it.
 */
static void
sec_thresholds(struct mr *m)
{
	static const char *const head[] = {
		"Metric", "Warning", "Critical", "Target", "Unit", "For"
	};
	static const char *const key[] = {
		"metric", "warning", "critical", "target", "unit", "for"
	};
	static const char align[] = "lrrrlr";
	const struct ynode *l = ymap_get(m->r->fm, "thresholds"), *th;
	const char *v, *dir, *desc, *sect;
	struct table t;
	struct buf *vals;
	size_t i, k;
	int first;

	if (l == NULL || l->type != Y_SEQ || l->n == 0)
		return;
	memset(&t, 0, sizeof(t));
	t.cols = 6;
	t.rows = l->n + 1;
	t.cells = xcalloc(t.rows * t.cols, sizeof(*t.cells));
	t.align = xcalloc(t.cols, 1);
	vals = xcalloc(l->n * 2, sizeof(*vals));
	for (k = 0; k < t.cols; k++) {
		tset(&t, 0, k, head[k], 0);
		t.align[k] = align[k];
	}
	for (i = 0; i < l->n; i++) {
		th = l->items[i];
		dir = fm_str(th, "direction");
		for (k = 0; k < t.cols; k++) {
			v = fm_str(th, key[k]);
			if ((k == 1 || k == 2) && v != NULL) {
				buf_puts(&vals[i * 2 + k - 1], dir != NULL &&
				    strcmp(dir, "below") == 0 ? "< " : "> ");
				buf_puts(&vals[i * 2 + k - 1], v);
				v = buf_cstr(&vals[i * 2 + k - 1]);
			}
			tset(&t, i + 1, k, v, k == 4 ? 0 : ROFF_LIT);
		}
	}
	tdrop_empty(&t);
	mac(m, ".SH THRESHOLDS");
	mac_end(m);
	table(m, &t);
	for (i = 0; i < l->n; i++) {
		th = l->items[i];
		desc = fm_str(th, "description");
		sect = heading_text(m->r, fm_str(th, "section"));
		if ((v = fm_str(th, "metric")) == NULL ||
		    (desc == NULL && sect == NULL))
			continue;
		tp(m, v, ROFF_LIT);
		first = 1;
		field(m, &first, NULL, desc, 0);
		field(m, &first, "See", sect, 0);
	}
	for (i = 0; i < l->n * 2; i++)
		buf_free(&vals[i]);
	free(vals);
	free(t.cells);
	free(t.align);
}

/* Returns nothing; writes QUICK REFERENCE: each command as an example. */
static void
sec_quickref(struct mr *m)
{
	const struct ynode *l = ymap_get(m->r->fm, "quickref"), *q;
	const char *label, *cmd;
	size_t i;

	if (l == NULL || l->type != Y_SEQ || l->n == 0)
		return;
	mac(m, ".SH \"QUICK REFERENCE\"");
	mac_end(m);
	for (i = 0; i < l->n; i++) {
		q = l->items[i];
		label = fm_str(q, "label");
		cmd = fm_str(q, "command");
		if (label == NULL && cmd == NULL)
			continue;
		para(m);
		if (label != NULL) {
			put_text(m, label, strlen(label), ROFF_ONELINE);
			if (cmd != NULL)
				put_text(m, ":", 1, 0);
		}
		if (cmd == NULL)
			continue;
		rs_push(m, 4);
		mac(m, ".EX");
		mac_end(m);
		roff_esc_block(m->out, cmd, strlen(cmd));
		mac(m, ".EE");
		mac_end(m);
		rs_pop(m);
	}
}

/* Returns the strcmp order of two names. */
static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * Returns nothing; writes SEE ALSO: the related: ids that exist and the
 * backlinks, by name, each once.
 */
static void
sec_see_also(struct mr *m)
{
	const struct ynode *rel = ymap_get(m->r->fm, "related");
	const char **v;
	size_t n = 0, i, o;
	int k;

	v = xcalloc((rel != NULL && rel->type == Y_SEQ ? rel->n : 0) +
	    m->r->nbacklinks + 1, sizeof(*v));
	if (rel != NULL && rel->type == Y_SEQ)
		for (i = 0; i < rel->n; i++)
			if (ystr(rel->items[i]) != NULL &&
			    (k = site_find(m->site, ystr(rel->items[i]))) >= 0 &&
			    !is_self(m, m->site->rb[k]))
				v[n++] = m->site->rb[k]->name;
	for (i = 0; i < m->r->nbacklinks; i++) {
		k = m->r->backlinks[i];
		if (k >= 0 && (size_t)k < m->site->n &&
		    !is_self(m, m->site->rb[k]))
			v[n++] = m->site->rb[k]->name;
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), namecmp);
	for (i = 0, o = 0; i < n; i++)
		if (o == 0 || strcmp(v[o - 1], v[i]) != 0)
			v[o++] = v[i];
	if (o > 0) {
		mac(m, ".SH \"SEE ALSO\"");
		mac_end(m);
		for (i = 0; i < o; i++) {
			mac(m, ".BR");
			args(m, v[i], ROFF_LIT);
			buf_puts(m->out, i + 1 < o ? " (7)," : " (7)");
			mac_end(m);
		}
	}
	free(v);
}

/*
 * Returns nothing; writes ALERTS: the alert rules whose runbook_url
 * names this runbook, each with its severity, for:, expression and
 * summary.  Made with SEE ALSO, once the alerts are mapped.
 */
static void
sec_alerts(struct mr *m)
{
	const struct site *s = m->site;
	const struct alert *a;
	struct buf e = { NULL, 0, 0 };
	const char *p;
	const int *ai;
	size_t n, i;
	int first;

	if ((ai = alerts_of(s, m->r, &n)) == NULL || n == 0)
		return;
	mac(m, ".SH ALERTS");
	mac_end(m);
	for (i = 0; i < n; i++) {
		a = &s->alerts.v[ai[i]];
		tp(m, a->name, ROFF_LIT);
		first = 1;
		field(m, &first, "Severity", a->severity, 0);
		field(m, &first, "For", a->dur, ROFF_LIT);
		/* A multi-line expression on one line, spaces collapsed. */
		buf_reset(&e);
		for (p = a->expr; p != NULL && *p != '\0'; p++)
			if (*p != ' ' && *p != '\t' && *p != '\n' &&
			    *p != '\r')
				buf_putc(&e, *p);
			else if (e.len > 0 && e.data[e.len - 1] != ' ' &&
			    p[1] != '\0')
				buf_putc(&e, ' ');
		field(m, &first, "Expression", a->expr != NULL ?
		    buf_cstr(&e) : NULL, 0);
		field(m, &first, "Summary", a->summary, 0);
		field(m, &first, "Section", heading_text(m->r, a->frag), 0);
		field(m, &first, "Problem", a->problem, 0);
	}
	buf_free(&e);
}

/* ------------------------------------------------------------ the page */

/* Returns nothing; writes .TH and NAME. */
static void
head(struct mr *m)
{
	const struct runbook *r = m->r;
	const char *date = fm_str(r->fm, "last_reviewed");
	const char *what = r->summary != NULL && *r->summary != '\0' ?
	    r->summary : r->title != NULL && *r->title != '\0' ? r->title :
	    r->name;

	/* A page needs a date mandoc can read: the review, else today. */
	if (!date_valid(date))
		date = date_valid(m->site->today) ? m->site->today : "1970-01-01";
	mac(m, ".TH");
	args(m, r->name, ROFF_LIT | ROFF_UPPER);
	BUF_PUTSL(m->out, " 7");
	args(m, date, 0);
	args(m, m->site->cfg.title != NULL && *m->site->cfg.title != '\0' ?
	    m->site->cfg.title : "rbc", 0);
	args(m, "Runbooks", 0);
	mac_end(m);
	/* Ragged right, no hyphens: commands and hosts stay copyable. */
	BUF_PUTSL(m->out, ".ad l\n.nh\n.nr HY 0\n.SH NAME\n");
	roff_esc(m->out, r->name, strlen(r->name), ROFF_LIT | ROFF_ONELINE);
	BUF_PUTSL(m->out, " \\- ");
	/* Indexers read named glyphs here, not \[uXXXX]. */
	roff_esc(m->out, what, strlen(what), ROFF_ONELINE | ROFF_GLYPH);
	roff_nl(m->out);
}

/* Returns a man page renderer for the site. */
struct man *
man_new(const struct site *site, man_link_fn link, void *arg)
{
	struct man *mn = xcalloc(1, sizeof(*mn));

	mn->site = site;
	mn->link = link != NULL ? link : man_target_index;
	mn->link_arg = link != NULL ? arg : (void *)(uintptr_t)site;
	cmark_gfm_core_extensions_ensure_registered();
	return mn;
}

/* Returns nothing; starts m, a render of r into out. */
static void
begin(struct mr *m, const struct man *mn, const struct runbook *r,
    struct buf *out)
{
	memset(m, 0, sizeof(*m));
	m->site = mn->site;
	m->link = mn->link;
	m->link_arg = mn->link_arg;
	m->r = r;
	m->out = out;
	m->cur = F_R;
	m->mode = IM_TEXT;
}

/* Returns nothing; writes all of the page but its SEE ALSO. */
static void
page(struct mr *m)
{
	struct buf *out = m->out;

	head(m);
	if (m->r->doc != NULL)
		body(m, m->r->doc);
	while (m->nrs > 0 || m->rsskip > 0)
		rs_pop(m);
	font_reset(m);
	roff_nl(out);
	sec_severity(m);
	sec_contacts(m);
	sec_escalation(m);
	sec_thresholds(m);
	sec_quickref(m);
}

static void
end(struct mr *m)
{
	free(m->lists);
}

/* Appends r's page, but its SEE ALSO (man_see_also), to out. */
void
man_render_page(struct man *mn, const struct runbook *r, struct buf *out)
{
	struct mr m;
	size_t start;

	begin(&m, mn, r, out);
	roff_nl(out);
	start = out->len;
	buf_grow(out, r->raw.len * 2 + 4096);	/* most pages fit at once */
	page(&m);
	roff_nl(out);
	roff_wrap(out, start, 78);	/* mandoc -Tlint: under 80 */
	end(&m);
}

/* Appends r's SEE ALSO section (related runbooks and backlinks). */
void
man_see_also(struct man *mn, const struct runbook *r, struct buf *out)
{
	struct mr m;
	size_t start;

	begin(&m, mn, r, out);
	start = out->len;
	sec_alerts(&m);
	sec_see_also(&m);
	roff_nl(out);
	roff_wrap(out, start, 78);
	end(&m);
}

/* Appends r's section-7 page to out. */
void
man_render(struct man *mn, const struct runbook *r, struct buf *out)
{
	man_render_page(mn, r, out);
	man_see_also(mn, r, out);
}

/* Returns nothing; frees the renderer. */
void
man_free(struct man *mn)
{
	free(mn);
}
