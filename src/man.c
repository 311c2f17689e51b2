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
 * or .MT/.ME; other links, raw HTML and images keep only their text.
 * Pages are ragged right without hyphenation (.ad l, .nh), so commands and
 * host names stay whole and copyable.
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

#include "render.h"

#define MAN_WIDTH	71	/* text columns: 78 less the 7 of the indent */
#define MAN_GAP		3	/* tbl's gap between columns */
#define MAN_MINCOL	12	/* narrowest column a wrapped table gets */
#define MAN_MAXRS	12	/* deepest .RS written */

struct man {
	const struct site	*site;
};

enum font {
	F_R, F_I, F_B, F_BI, F_CR, F_CI, F_CB
};

static const char *const font_esc[] = {
	"\\fR", "\\fI", "\\fB", "\\f(BI", "\\f(CR", "\\f(CI", "\\f(CB"
};

/* Where inline content goes. */
enum imode {
	IM_TEXT,	/* filled text: macros may interrupt it */
	IM_CELL,	/* one tbl cell: one line, no macros */
	IM_ARG		/* inside a quoted macro argument: no fonts */
};

/* How a link is shown. */
enum lkind {
	LK_TEXT,	/* its text only (anchors, files, broken, unsafe) */
	LK_PAGE,	/* another runbook, text is its name: name(7) */
	LK_PAGE_TEXT,	/* another runbook: text (name(7)) */
	LK_URL,		/* .UR / .UE */
	LK_MAIL,	/* .MT / .ME */
	LK_BARE		/* a URL that is its own text: literal */
};

struct lframe {
	int	 ordered;
	int	 num;
	char	 delim;
	int	 width;
	int	 task;
};

/* A link shown before the index existed, as man_render_pre guessed. */
struct guess {
	size_t		 link;	/* in r->links */
	char		*text;	/* its plain text */
	enum lkind	 kind;
	char		*what;	/* the guessed runbook's name, or NULL */
};

/* One render: everything lives here, nothing global. */
struct mr {
	const struct site	*site;
	const struct runbook	*r;
	struct buf		*out;
	int			 bold, ital, code;
	enum font		 cur;		/* the font in effect */
	enum imode		 mode;
	int			 rs[MAN_MAXRS];	/* widths of open .RS */
	size_t			 rsat[MAN_MAXRS]; /* where each .RS line starts */
	size_t			 rsend[MAN_MAXRS]; /* and ends */
	int			 nrs;
	int			 rsskip;	/* .RS not written (too deep) */
	int			 indent;	/* sum of open .RS */
	struct lframe		*lists;
	size_t			 nlists, caplists;
	int			 in_section;
	cmark_node		*skip_node;	/* text whose head a macro took */
	size_t			 skip;
	int			 guessing;	/* man_render_pre */
	uint32_t		*slot;		/* then: link_slots */
	struct guess		*guess;
	size_t			 nguess, capguess;
};

/* A table cell: a cmark cell node, or a string from the front-matter. */
struct tcell {
	cmark_node	*node;
	const char	*s;
	size_t		 n;
	int		 flags;		/* ROFF_LIT for values and commands */
};

struct table {
	struct tcell	*cells;		/* rows * cols, row 0 the header */
	size_t		 rows, cols;
	char		*align;		/* 'l', 'c' or 'r' per column */
};

static void	inlines(struct mr *, cmark_node *, enum imode, int);
static void	paragraph(struct mr *, cmark_node *);

/* ------------------------------------------------------------ output */

/* Returns the font that the counted nesting asks for. */
static enum font
font_want(const struct mr *m)
{
	if (m->code)
		return m->bold ? F_CB : m->ital ? F_CI : F_CR;
	if (m->bold && m->ital)
		return F_BI;
	return m->bold ? F_B : m->ital ? F_I : F_R;
}

/* Returns nothing; writes the wanted font if it is not in effect. */
static void
font_sync(struct mr *m)
{
	enum font f = font_want(m);

	if (f != m->cur) {
		buf_puts(m->out, font_esc[f]);
		m->cur = f;
	}
}

/*
 * Returns nothing; goes back to \fR before a macro line or a cell's end.
 * At the start of a line the escape joins the text line before (which is
 * text: only text changes the font), so no line holds just "\fR".
 */
static void
font_reset(struct mr *m)
{
	struct buf *b = m->out;
	int nl;

	if (m->cur == F_R)
		return;
	if ((nl = b->len > 0 && roff_bol(b)))
		b->len--;
	/* A blank before the end of a line or a cell means nothing. */
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->len--;
	BUF_PUTSL(b, "\\fR");
	if (nl)
		buf_putc(b, '\n');
	m->cur = F_R;
}

/* Returns nothing; writes text s[0..n) in the current context. */
static void
put_text(struct mr *m, const char *s, size_t n, int flags)
{
	if (m->mode != IM_ARG) {
		if (roff_bol(m->out))
			while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n'))
				s++, n--;
		if (n == 0)
			return;
		font_sync(m);
	}
	if (m->mode == IM_ARG)
		flags |= ROFF_ARG;
	else if (m->mode == IM_CELL)
		flags |= ROFF_ONELINE;
	roff_esc(m->out, s, n, flags);
}

/*
 * Returns nothing; writes s[0..n) as one word that is never hyphenated
 * (URLs, addresses), in code glyphs.
 */
static void
put_word(struct mr *m, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (m->mode != IM_ARG) {
		font_sync(m);
		BUF_PUTSL(m->out, "\\%");
	}
	roff_esc(m->out, s, n, ROFF_LIT | (m->mode == IM_TEXT ? 0 :
	    ROFF_ONELINE));
}

/*
 * Returns 1 if the last complete line written is one of the macros in
 * the space-separated list (".SH .PP"), whatever its arguments.
 */
static int
last_is(const struct buf *b, const char *list)
{
	size_t s, n;
	const char *p, *nl;

	if (b->len == 0 || !roff_bol(b))
		return 0;
	nl = b->len > 1 ? memrchr(b->data, '\n', b->len - 1) : NULL;
	s = nl != NULL ? (size_t)(nl - b->data) + 1 : 0;
	if (b->data[s] != '.')
		return 0;
	for (p = list; *p != '\0'; p += n + (p[n] == ' ')) {
		n = strcspn(p, " ");
		if (b->len - s > n && memcmp(b->data + s, p, n) == 0 &&
		    (b->data[s + n] == ' ' || b->data[s + n] == '\n'))
			return 1;
	}
	return 0;
}

/*
 * Returns 1 if the last line written already opens a paragraph.  Not
 * .IP: a block after an empty item is not in the item.
 */
static int
fresh(const struct buf *b)
{
	return last_is(b, ".SH .SS .PP");
}

/* Returns nothing; takes back a .br that nothing followed. */
static void
drop_br(struct mr *m)
{
	struct buf *b = m->out;

	if (last_is(b, ".br")) {
		b->len -= 4;
		b->data[b->len] = '\0';
	}
}

/* Returns nothing; starts macro line name (".SH") on a fresh line. */
static void
mac(struct mr *m, const char *name)
{
	font_reset(m);
	roff_nl(m->out);
	/* A break before a block macro is one too many for mandoc. */
	if (strncmp(name, ".br", 3) != 0 && strncmp(name, ".B", 2) != 0 &&
	    strncmp(name, ".RB", 3) != 0 && strncmp(name, ".U", 2) != 0 &&
	    strncmp(name, ".M", 2) != 0)
		drop_br(m);
	buf_puts(m->out, name);
}

/* Returns nothing; appends one macro argument, quoted when it must be. */
static void
arg(struct mr *m, const char *s, size_t n, int flags)
{
	size_t i;
	int q = n == 0;

	for (i = 0; i < n && !q; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
			q = 1;
	buf_putc(m->out, ' ');
	if (q)
		buf_putc(m->out, '"');
	roff_esc(m->out, s, n, flags | ROFF_ARG);
	if (q)
		buf_putc(m->out, '"');
}

/* Returns nothing; appends argument s, a C string. */
static void
args(struct mr *m, const char *s, int flags)
{
	arg(m, s, strlen(s), flags);
}

/* Returns nothing; ends a macro line. */
static void
mac_end(struct mr *m)
{
	roff_nl(m->out);
}

/* Returns nothing; opens a section if the body has none yet. */
static void
need_section(struct mr *m)
{
	if (m->in_section)
		return;
	mac(m, ".SH DESCRIPTION");
	mac_end(m);
	m->in_section = 1;
}

/* Returns nothing; starts a paragraph unless one was just opened. */
static void
para(struct mr *m)
{
	need_section(m);
	font_reset(m);
	roff_nl(m->out);
	drop_br(m);
	if (!fresh(m->out))
		BUF_PUTSL(m->out, ".PP\n");
}

/* Returns nothing; opens .RS n (or only counts it, past MAN_MAXRS). */
static void
rs_push(struct mr *m, int n)
{
	if (m->nrs == MAN_MAXRS) {
		m->rsskip++;
		return;
	}
	mac(m, ".RS");
	m->rsat[m->nrs] = m->out->len - 3;
	buf_printf(m->out, " %d", n);
	mac_end(m);
	m->rsend[m->nrs] = m->out->len;
	m->rs[m->nrs++] = n;
	m->indent += n;
}

/* Returns nothing; closes the innermost rs_push(). */
static void
rs_pop(struct mr *m)
{
	if (m->rsskip > 0) {
		m->rsskip--;
		return;
	}
	m->indent -= m->rs[--m->nrs];
	font_reset(m);
	roff_nl(m->out);
	drop_br(m);
	/* An empty block is taken back whole. */
	if (m->out->len == m->rsend[m->nrs]) {
		m->out->len = m->rsat[m->nrs];
		m->out->data[m->out->len] = '\0';
		return;
	}
	mac(m, ".RE");
	mac_end(m);
}

/* Returns nothing; takes back a paragraph that wrote nothing after mark. */
static void
take_back(struct mr *m, size_t mark, size_t after, int in_section)
{
	if (m->out->len != after)
		return;
	m->out->len = mark;
	if (m->out->data != NULL)
		m->out->data[mark] = '\0';
	m->in_section = in_section;
}

/* ------------------------------------------------------------ helpers */

/* Returns 1 if node n is of the extension type named t ("table"). */
static int
is_ext(cmark_node *n, const char *t)
{
	const char *s = cmark_node_get_type_string(n);

	return s != NULL && strcmp(s, t) == 0;
}

/* Returns the literal of n, never NULL. */
static const char *
lit(cmark_node *n)
{
	const char *s = cmark_node_get_literal(n);

	return s != NULL ? s : "";
}

/* Returns nothing; appends the plain text of n's subtree to b. */
static void
plain(cmark_node *n, struct buf *b)
{
	md_text(n, b, 1);
}

/* Returns 1 if s starts with prefix p, ignoring ASCII case. */
static int
prefix(const char *s, const char *p)
{
	return strncasecmp(s, p, strlen(p)) == 0;
}

/* Returns 1 if s has a character that shows (not blank, not control). */
static int
visible(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s > 0x20 && *s != 0x7f)
			return 1;
	return 0;
}

/* Returns the scalar text of key in map, or NULL if absent or empty. */
static const char *
fm_str(const struct ynode *map, const char *key)
{
	const char *s = ystr(ymap_get(map, key));

	return s != NULL && *s != '\0' ? s : NULL;
}

/* ------------------------------------------------------------ links */

/*
 * Returns 1 if t is the runbook being rendered.  By id, not by pointer:
 * a build's render workers hold their own copy of the runbook.
 */
static int
is_self(const struct mr *m, const struct runbook *t)
{
	return t == m->r || (t->id != NULL && m->r->id != NULL &&
	    strcmp(t->id, m->r->id) == 0);
}

/* Returns 1 if text names runbook t (name, id or title) or is dest. */
static int
names(const char *text, const char *name, const char *id,
    const char *title, const char *dest)
{
	return strcasecmp(text, name) == 0 || strcasecmp(text, id) == 0 ||
	    strcmp(text, dest) == 0 ||
	    (title != NULL && strcasecmp(text, title) == 0);
}

/*
 * Returns how a link the index resolves is shown, given its plain text,
 * with the other runbook's name in *what.
 */
static enum lkind
page_kind(const struct mr *m, const struct link *l, const char *text,
    const char **what)
{
	const struct runbook *t;

	if (l->broken || l->target < 0 || (size_t)l->target >= m->site->n ||
	    is_self(m, t = m->site->rb[l->target]))
		return LK_TEXT;
	*what = t->name;
	return names(text, t->name, t->id, t->title, l->dest) ? LK_PAGE :
	    LK_PAGE_TEXT;
}

/*
 * The same before the index exists (man_render_pre): the target guessed
 * from the destination alone, as if the runbook it names were there with
 * the id its path gives, and the guess noted for man_finish to check.
 */
static enum lkind
guess_kind(struct mr *m, const struct link *l, const char *text,
    const char **what)
{
	char *id = link_guess(m->r, l), *name = NULL, *p;
	struct guess *g;
	enum lkind k = LK_TEXT;

	if (id != NULL && strcmp(id, m->r->id) != 0) {
		name = xstrdup(id);
		for (p = name; *p != '\0'; p++)
			if (*p == '/')
				*p = '-';
		*what = name;
		k = names(text, name, id, NULL, l->dest) ? LK_PAGE :
		    LK_PAGE_TEXT;
	}
	free(id);
	if (m->nguess == m->capguess) {
		m->capguess = m->capguess ? m->capguess * 2 : 16;
		m->guess = xreallocarray(m->guess, m->capguess,
		    sizeof(*m->guess));
	}
	g = &m->guess[m->nguess++];
	g->link = m->slot[l - m->r->links];	/* the light runbook's */
	g->text = xstrdup(text);
	g->kind = k;
	g->what = name;
	return k;
}

/*
 * Returns how link node n is shown, with the other runbook's name or the
 * URL (or mail address) in *what.
 */
static enum lkind
link_kind(struct mr *m, cmark_node *n, const char **what)
{
	const struct link *l = md_node_link(m->r, n);
	const char *url = cmark_node_get_url(n);
	struct buf b = { NULL, 0, 0 };
	enum lkind k;

	if (url == NULL)
		url = "";
	*what = url;
	if (l != NULL && !link_external(l)) {
		plain(n, &b);
		buf_cstr(&b);
		k = m->guessing ? guess_kind(m, l, b.data, what) :
		    page_kind(m, l, b.data, what);
		buf_free(&b);
		return k;
	}
	if (prefix(url, "mailto:") && url[7] != '\0') {
		*what = url + 7;
		k = LK_MAIL;
	} else if (prefix(url, "http://") || prefix(url, "https://") ||
	    prefix(url, "ftp://"))
		k = LK_URL;
	else
		return LK_TEXT;	/* javascript:, data:, tel:, relative */
	plain(n, &b);
	buf_cstr(&b);
	if (!visible(b.data) || strcmp(b.data, *what) == 0 ||
	    strcmp(b.data, url) == 0)
		k = LK_BARE;	/* .UR wants a text, and this one is it */
	else if (k == LK_URL && strcmp(b.data, strstr(url, "//") + 2) == 0) {
		*what = strstr(url, "//") + 2;	/* www.example.test */
		k = LK_BARE;
	}
	buf_free(&b);
	return k;
}

/*
 * Returns nothing; ends a macro line that closes a link, moving the word
 * glued to the link (",", ").", "'s") onto it and out of the next text.
 */
static void
link_tail(struct mr *m, cmark_node *n, int sep)
{
	cmark_node *next = cmark_node_next(n);
	const char *s;
	size_t k = 0;

	if (next != NULL && cmark_node_get_type(next) == CMARK_NODE_TEXT) {
		s = lit(next);
		while (s[k] != '\0' && s[k] != ' ' && s[k] != '\t' &&
		    s[k] != '\n')
			k++;
		if (k > 0) {
			if (sep)
				buf_putc(m->out, ' ');
			roff_esc(m->out, s, k, ROFF_ARG);
			m->skip_node = next;
			m->skip = k;
		}
	}
	mac_end(m);	/* trims the blank if the tail was all controls */
}

/* Returns nothing; writes name(7) inside text, bold name. */
static void
page_inline(struct mr *m, const char *name)
{
	m->bold++;
	put_text(m, name, strlen(name), ROFF_LIT);
	m->bold--;
	put_text(m, "(7)", 3, 0);
}

/*
 * Returns 1 if the link's children are to be skipped.  Called on entering
 * and on leaving a link node.
 */
static int
link_event(struct mr *m, cmark_node *n, int enter, int flags)
{
	const char *what;
	enum lkind k = link_kind(m, n, &what);
	size_t wn = strlen(what);

	if (m->mode == IM_ARG) {
		if (k == LK_PAGE && enter) {
			put_text(m, what, wn, (flags & ~ROFF_UPPER) | ROFF_LIT);
			put_text(m, "(7)", 3, flags);
			return 1;
		}
		return 0;
	}
	switch (k) {
	case LK_TEXT:
		return 0;
	case LK_BARE:
		if (enter)
			put_word(m, what, wn);
		return 1;
	case LK_PAGE:
		if (!enter)
			return 1;
		if (m->mode == IM_CELL) {
			page_inline(m, what);
			return 1;
		}
		mac(m, ".BR");
		arg(m, what, wn, ROFF_LIT);
		BUF_PUTSL(m->out, " (7)");
		link_tail(m, n, 0);
		return 1;
	case LK_PAGE_TEXT:
		if (enter)
			return 0;
		if (m->mode == IM_CELL) {
			put_text(m, " (", 2, 0);
			page_inline(m, what);
			put_text(m, ")", 1, 0);
			return 0;
		}
		mac(m, ".RB (");
		arg(m, what, wn, ROFF_LIT);
		BUF_PUTSL(m->out, " (7))");
		link_tail(m, n, 0);
		return 0;
	case LK_URL:
	case LK_MAIL:
		if (m->mode == IM_CELL) {
			if (!enter) {
				put_text(m, " <", 2, 0);
				put_text(m, what, wn, ROFF_LIT);
				put_text(m, ">", 1, 0);
			}
			return 0;
		}
		if (enter) {
			mac(m, k == LK_URL ? ".UR" : ".MT");
			arg(m, what, wn, ROFF_LIT);
			mac_end(m);
			return 0;
		}
		mac(m, k == LK_URL ? ".UE" : ".ME");
		link_tail(m, n, 1);
		return 0;
	}
	return 0;
}

/* ------------------------------------------------------------ inlines */

/*
 * Returns nothing; writes the inline content of parent in mode, with
 * roff_esc flags (ROFF_UPPER for .SH).
 */
static void
inlines(struct mr *m, cmark_node *parent, enum imode mode, int flags)
{
	cmark_iter *it = cmark_iter_new(parent);
	cmark_event_type ev;
	cmark_node *n;
	enum imode saved = m->mode;
	struct buf alt = { NULL, 0, 0 };
	const char *s;
	size_t len;
	int enter;

	m->mode = mode;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		n = cmark_iter_get_node(it);
		if (n == parent)
			continue;
		enter = ev == CMARK_EVENT_ENTER;
		switch (cmark_node_get_type(n)) {
		case CMARK_NODE_TEXT:
			s = lit(n);
			len = strlen(s);
			if (n == m->skip_node) {
				s += m->skip;
				len -= m->skip;
				m->skip_node = NULL;
			}
			put_text(m, s, len, flags);
			break;
		case CMARK_NODE_CODE:
			m->code++;
			s = lit(n);
			put_text(m, s, strlen(s),
			    (flags & ~ROFF_UPPER) | ROFF_LIT);
			m->code--;
			break;
		case CMARK_NODE_SOFTBREAK:
			if (mode == IM_TEXT) {
				/* A font just closed ends with its text. */
				if (!roff_bol(m->out) && font_want(m) == F_R)
					font_reset(m);
				roff_nl(m->out);
			} else
				put_text(m, " ", 1, flags);
			break;
		case CMARK_NODE_LINEBREAK:
			if (mode == IM_TEXT) {
				font_reset(m);
				roff_nl(m->out);
				/* Nothing to break yet. */
				if (m->out->len == 0 || last_is(m->out,
				    ".SH .SS .PP .IP .TP .RS .br"))
					break;
				mac(m, ".br");
				mac_end(m);
			} else
				put_text(m, " ", 1, flags);
			break;
		case CMARK_NODE_EMPH:
			m->ital += enter ? 1 : -1;
			break;
		case CMARK_NODE_STRONG:
			m->bold += enter ? 1 : -1;
			break;
		case CMARK_NODE_IMAGE:
			buf_reset(&alt);
			plain(n, &alt);
			if (alt.len > 0) {
				put_text(m, "[image: ", 8, flags);
				put_text(m, alt.data, alt.len, flags);
				put_text(m, "]", 1, flags);
			} else
				put_text(m, "[image]", 7, flags);
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_LINK:
			if (link_event(m, n, enter, flags) && enter)
				cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_HTML_INLINE:
			break;		/* raw HTML means nothing here */
		default:
			if (is_ext(n, "strikethrough"))
				put_text(m, "~~", 2, flags);
			break;
		}
	}
	cmark_iter_free(it);
	buf_free(&alt);
	m->mode = saved;
}

/* ------------------------------------------------------------ tables */

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
static void
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
static void
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
	struct buf b = { NULL, 0, 0 };
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
	if (level == 1 && first_block(n) && m->r->title != NULL) {
		plain(n, &b);
		buf_cstr(&b);
		if (strcmp(b.data, m->r->title) == 0) {
			buf_free(&b);
			return;
		}
		buf_free(&b);
	}
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

	font_reset(m);
	if (!initem)
		roff_nl(m->out);
	mark = m->out->len;
	if (!initem)
		para(m);
	after = m->out->len;
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

/* Returns nothing; writes a code block, every line literal. */
static void
code_block(struct mr *m, cmark_node *n)
{
	const char *s = lit(n);

	para(m);
	rs_push(m, 4);
	mac(m, ".EX");
	mac_end(m);
	roff_esc_block(m->out, s, strlen(s));
	mac(m, ".EE");
	mac_end(m);
	rs_pop(m);
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
		case CMARK_NODE_THEMATIC_BREAK:
			para(m);
			BUF_PUTSL(m->out, ".ce\n* * *\n");
			break;
		case CMARK_NODE_HTML_BLOCK:
			break;		/* raw HTML means nothing here */
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
		tset(&t, i + 1, 2, id != NULL ? contact_label(m, id) : NULL,
		    0);
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
	BUF_PUTSL(m->out, ".ad l\n.nh\n.SH NAME\n");
	roff_esc(m->out, r->name, strlen(r->name), ROFF_LIT | ROFF_ONELINE);
	BUF_PUTSL(m->out, " \\- ");
	/* Indexers read named glyphs here, not \[uXXXX]. */
	roff_esc(m->out, what, strlen(what), ROFF_ONELINE | ROFF_GLYPH);
	roff_nl(m->out);
}

/* Returns a man page renderer for the site. */
struct man *
man_new(const struct site *site)
{
	struct man *mn = xcalloc(1, sizeof(*mn));

	mn->site = site;
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
	size_t i;

	for (i = 0; i < m->nguess; i++) {
		free(m->guess[i].text);
		free(m->guess[i].what);
	}
	free(m->guess);
	free(m->lists);
	free(m->slot);
}

/* Returns nothing; appends runbook r's page to out. */
void
man_render(struct man *mn, const struct runbook *r, struct buf *out)
{
	struct mr m;
	size_t start;

	begin(&m, mn, r, out);
	roff_nl(out);
	start = out->len;
	buf_grow(out, r->raw.len * 2 + 4096);	/* most pages fit at once */
	page(&m);
	sec_see_also(&m);
	roff_nl(out);
	roff_wrap(out, start, 78);	/* mandoc -Tlint: under 80 */
	end(&m);
}

/*
 * Returns nothing; appends runbook r's page but its SEE ALSO to out, as
 * a build does during the scan, before the index exists: a link to
 * another runbook is shown as if it reached the runbook its destination
 * names (guess_kind), and each such guess goes to guesses for man_finish.
 */
void
man_render_pre(struct man *mn, const struct runbook *r, struct buf *out,
    struct buf *guesses)
{
	struct mr m;
	size_t start, i;

	begin(&m, mn, r, out);
	m.guessing = 1;
	m.slot = link_slots(r);
	roff_nl(out);
	start = out->len;
	buf_grow(out, r->raw.len * 2 + 4096);
	page(&m);
	roff_nl(out);
	roff_wrap(out, start, 78);
	for (i = 0; i < m.nguess; i++) {
		buf_put_u32(guesses, (uint32_t)m.guess[i].link);
		buf_put_u32(guesses, (uint32_t)m.guess[i].kind);
		buf_put_str(guesses, m.guess[i].text);
		buf_put_str(guesses, m.guess[i].what);
	}
	end(&m);
}

/*
 * Completes out, a page from man_render_pre, for r as the index left it
 * (same id, links resolved, backlinks): checks every guess and appends
 * the SEE ALSO.  Returns 0, or -1 if a guess was wrong (or the guesses
 * are damaged): out is then not the page, and man_render must make it.
 */
int
man_finish(struct man *mn, const struct runbook *r, struct buf *out,
    const char *guesses, size_t n)
{
	struct rd rd = { (const unsigned char *)guesses, guesses != NULL ?
	    (const unsigned char *)guesses + n : NULL, NULL, 0, 0 };
	const char *what, *text, *gwhat;
	size_t tn, wn, start;
	uint32_t li, kind;
	struct mr m;
	char *t;
	int ok = 1;

	begin(&m, mn, r, out);
	while (ok && rd.p < rd.end) {
		li = rd_u32(&rd);
		kind = rd_u32(&rd);
		text = rd_mem(&rd, &tn);
		gwhat = rd_mem(&rd, &wn);
		if (rd.bad || text == NULL || li >= r->nlinks) {
			ok = 0;
			break;
		}
		t = xstrndup(text, tn);
		what = NULL;
		if (page_kind(&m, &r->links[li], t, &what) != (enum lkind)kind ||
		    (kind != LK_TEXT && (what == NULL || gwhat == NULL ||
		    strlen(what) != wn || memcmp(what, gwhat, wn) != 0)))
			ok = 0;
		free(t);
	}
	if (ok) {
		start = out->len;
		sec_see_also(&m);
		roff_nl(out);
		roff_wrap(out, start, 78);
	}
	end(&m);
	return ok ? 0 : -1;
}

/* Returns nothing; frees the renderer. */
void
man_free(struct man *mn)
{
	free(mn);
}
