/*
 * Man page text: fonts from counted state, macros and their arguments,
 * indentation, and inline content (emphasis, code, links) written for
 * filled text, a table cell or a macro argument.
 */
#define _GNU_SOURCE	/* memrchr */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "man.h"

static const char *const font_esc[] = {
	"\\fR", "\\fI", "\\fB", "\\f(BI", "\\f(CR", "\\f(CI", "\\f(CB"
};

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
void
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
void
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
 * Returns nothing; puts \% at the start of the word the text ends in
 * (at its end if it ends in a blank).  Inside a word ("(" before a URL),
 * \% would be a hyphenation point instead, and groff would break there
 * with a hyphen.
 */
static void
nohyph(struct buf *o)
{
	size_t i = o->len;

	while (i > 0 && o->data[i - 1] != ' ' && o->data[i - 1] != '\t' &&
	    o->data[i - 1] != '\n')
		i--;
	if (o->len - i >= 2 && o->data[i] == '\\' && o->data[i + 1] == '%')
		return;
	BUF_PUTSL(o, "\\%");
	memmove(o->data + i + 2, o->data + i, o->len - 2 - i);
	memcpy(o->data + i, "\\%", 2);
}

/*
 * Returns nothing; writes s[0..n) as one word that is never hyphenated
 * (URLs, addresses), in code glyphs.
 */
void
put_word(struct mr *m, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (m->mode != IM_ARG) {
		font_sync(m);
		nohyph(m->out);
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
void
drop_br(struct mr *m)
{
	struct buf *b = m->out;

	if (last_is(b, ".br")) {
		b->len -= 4;
		b->data[b->len] = '\0';
	}
}

/* Returns nothing; starts macro line name (".SH") on a fresh line. */
void
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

/*
 * Returns nothing; appends URL s (n bytes) as a macro argument that may
 * break after each "/" (\:): groff prints the URL of .UR as text, and
 * would warn of a line it cannot break; mandoc and the link ignore it.
 */
static void
url_arg(struct mr *m, const char *s, size_t n)
{
	size_t i, from = 0;
	int q = n == 0;

	for (i = 0; i < n && !q; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')
			q = 1;
	buf_putc(m->out, ' ');
	if (q)
		buf_putc(m->out, '"');
	for (i = 0; i < n; i++)
		if (s[i] == '/' && i + 1 < n && s[i + 1] != '/' &&
		    (i == 0 || s[i - 1] != '/')) {
			roff_esc(m->out, s + from, i + 1 - from,
			    ROFF_LIT | ROFF_ARG);
			BUF_PUTSL(m->out, "\\:");
			from = i + 1;
		}
	roff_esc(m->out, s + from, n - from, ROFF_LIT | ROFF_ARG);
	if (q)
		buf_putc(m->out, '"');
}

/* Returns nothing; appends argument s, a C string. */
void
args(struct mr *m, const char *s, int flags)
{
	arg(m, s, strlen(s), flags);
}

/* Returns nothing; ends a macro line. */
void
mac_end(struct mr *m)
{
	roff_nl(m->out);
}

/* Returns nothing; opens a section if the body has none yet. */
void
need_section(struct mr *m)
{
	if (m->in_section)
		return;
	mac(m, ".SH DESCRIPTION");
	mac_end(m);
	m->in_section = 1;
}

/* Returns nothing; starts a paragraph unless one was just opened. */
void
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
void
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
void
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
void
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
int
is_ext(cmark_node *n, const char *t)
{
	const char *s = cmark_node_get_type_string(n);

	return s != NULL && strcmp(s, t) == 0;
}

/* Returns the literal of n, never NULL. */
const char *
lit(cmark_node *n)
{
	const char *s = cmark_node_get_literal(n);

	return s != NULL ? s : "";
}

/* Returns nothing; appends the plain text of n's subtree to b. */
void
plain(cmark_node *n, struct buf *b)
{
	md_text(n, b, MD_TEXT_IMAGES);
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
const char *
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
int
is_self(const struct mr *m, const struct runbook *t)
{
	return t == m->r || (t->id != NULL && m->r->id != NULL &&
	    strcmp(t->id, m->r->id) == 0);
}

/*
 * Returns 1 if a link's text names the page t (its name, id or title, or
 * the link as written), so that name(7) alone shows it.
 */
int
man_names(const char *text, const char *dest, const struct man_target *t)
{
	return strcasecmp(text, t->name) == 0 ||
	    strcasecmp(text, t->id) == 0 || strcmp(text, dest) == 0 ||
	    (t->title != NULL && strcasecmp(text, t->title) == 0);
}

/*
 * The default man_link_fn (arg: the site): the runbook the index found
 * for link l of r, unless it is r itself or the link is broken.
 */
int
man_target_index(void *arg, const struct runbook *r, const struct link *l,
    const char *text, struct man_target *t)
{
	const struct site *s = arg;
	const struct runbook *to;

	(void)text;
	if (l->broken || l->target < 0 || (size_t)l->target >= s->n)
		return 0;
	to = s->rb[l->target];
	if (to == r || (to->id != NULL && r->id != NULL &&
	    strcmp(to->id, r->id) == 0))
		return 0;
	t->name = to->name;
	t->id = to->id;
	t->title = to->title;
	return 1;
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
		struct man_target to;

		plain(n, &b);
		buf_cstr(&b);
		if (!m->link(m->link_arg, m->r, l, b.data, &to))
			k = LK_TEXT;
		else {
			*what = to.name;
			k = man_names(b.data, l->dest, &to) ? LK_PAGE :
			    LK_PAGE_TEXT;
		}
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

/*
 * Takes off the end of the text line an opening bracket glued to the
 * link that follows ("(" of "(see name(7))"), so that the link's macro
 * carries it and no blank comes between them.  Returns its length (0
 * for none), the bracket in lead.
 */
static size_t
lead_take(struct mr *m, char lead[4])
{
	struct buf *o = m->out;
	size_t k = 0, ls;

	while (k < 3 && k < o->len && o->data[o->len - 1 - k] != '\0' &&
	    strchr("([{", o->data[o->len - 1 - k]) != NULL)
		k++;
	if (k == 0 || (o->len > k && o->data[o->len - 1 - k] != ' ' &&
	    o->data[o->len - 1 - k] != '\n'))
		return 0;
	for (ls = o->len - k; ls > 0 && o->data[ls - 1] != '\n'; ls--)
		;
	if (o->data[ls] == '.' || o->data[ls] == '\'')
		return 0;	/* a request's line, not text */
	memcpy(lead, o->data + o->len - k, k);
	lead[k] = '\0';
	o->len -= k;
	return k;
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
		{
			char lead[4];

			if (lead_take(m, lead) > 0) {
				mac(m, ".RB ");
				buf_puts(m->out, lead);
			} else
				mac(m, ".BR");
		}
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
			if (k == LK_URL)
				url_arg(m, what, wn);
			else
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

/* Writes text s[0..n) with GitHub's :emoji: shortcodes as the emoji. */
static void
put_prose(struct mr *m, const char *s, size_t n, int flags)
{
	size_t at, len;
	const char *emo;

	while ((emo = emoji_next(s, n, &at, &len)) != NULL) {
		put_text(m, s, at, flags);
		put_text(m, emo, strlen(emo), flags);
		s += at + len;
		n -= at + len;
	}
	put_text(m, s, n, flags);
}

/* Returns 1 if image node n came from raw HTML (sanitize.c). */
static int
html_image(cmark_node *n)
{
	cmark_node *k;
	const struct htmlel *e;

	for (k = cmark_node_first_child(n); k != NULL; k = cmark_node_next(k))
		if ((e = md_node_html(k)) != NULL && (e->flags & HE_ATTRS))
			return 1;
	return 0;
}

/*
 * Returns 1 if the iterator is to skip n's content; sets the fonts a
 * raw-HTML inline element (sanitize.c) stands for: <kbd>, <b>, <strong>
 * bold, <i>, <em> italic, <code> constant width; <br> a break.
 */
static int
html_inline(struct mr *m, cmark_node *n, int enter, int flags)
{
	const struct htmlel *e = md_node_html(n);
	int d = enter ? 1 : -1;

	if (e == NULL)
		return 0;
	if (e->flags & (HE_HIDDEN | HE_ATTRS))
		return 1;
	if (e->flags & HE_BOLD)
		m->bold += d;
	else if (e->flags & HE_ITALIC)
		m->ital += d;
	else if (e->flags & HE_CODE)
		m->code += d;
	else if ((e->flags & HE_BREAK) && enter) {
		if (m->mode != IM_TEXT) {
			put_text(m, " ", 1, flags);
			return 1;
		}
		font_reset(m);
		roff_nl(m->out);
		if (m->out->len > 0 && !last_is(m->out,
		    ".SH .SS .PP .IP .TP .RS .br")) {
			mac(m, ".br");
			mac_end(m);
		}
	}
	return 0;
}

/*
 * Returns nothing; writes the inline content of parent in mode, with
 * roff_esc flags (ROFF_UPPER for .SH).
 */
void
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
			put_prose(m, s, len, flags);
			break;
		case CMARK_NODE_CUSTOM_INLINE:
			if (html_inline(m, n, enter, flags))
				cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
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
			/* Raw HTML's images say where they are. */
			if (html_image(n) && (s = cmark_node_get_url(n)) !=
			    NULL && *s != '\0') {
				put_text(m, " (", 2, flags);
				put_text(m, s, strlen(s), (flags &
				    ~ROFF_UPPER) | ROFF_LIT);
				put_text(m, ")", 1, flags);
			}
			cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_LINK:
			if (link_event(m, n, enter, flags) && enter)
				cmark_iter_reset(it, n, CMARK_EVENT_EXIT);
			break;
		case CMARK_NODE_HTML_INLINE:
			break;		/* raw HTML means nothing here */
		case CMARK_NODE_FOOTNOTE_REFERENCE:
			/* [1]: its note's number (cmark's), as NOTES has it. */
			if (enter && (s = lit(n)) != NULL) {
				put_text(m, "[", 1, flags);
				put_text(m, s, strlen(s), flags);
				put_text(m, "]", 1, flags);
			}
			break;
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

