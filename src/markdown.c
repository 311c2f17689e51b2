/*
 * Markdown: the body through libcmark-gfm (table, strikethrough, autolink,
 * tagfilter, tasklist), then one pass over the tree that turns [[wiki]]
 * links into real link nodes, collects headings (with their slugs) and
 * links, each with a line:col in the original file.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "stages.h"

static const char *const exts[] = {
	"table", "strikethrough", "autolink", "tagfilter", "tasklist", NULL
};

/*
 * The tree allocator of a worker, which holds one tree at a time: a bump
 * allocator over chunks that are kept and rewound between runbooks, so
 * parsing costs no malloc or free per node.  Process-wide, as cmark's
 * allocator interface has no context pointer; workers are processes.
 */
struct tchunk {
	struct tchunk	*next;
	size_t		 used, size;
	max_align_t	 data[];
};

static struct tchunk	*tree_chunks, *tree_cur;

static void *
tree_alloc(size_t n)
{
	struct tchunk *c;
	void *p;
	size_t al = sizeof(max_align_t);

	n = (n + sizeof(size_t) + al - 1) / al * al;
	for (c = tree_cur; c != NULL; c = c->next) {
		if (c->size - c->used >= n)
			break;
		if (c->next != NULL)
			c->next->used = 0;
	}
	if (c == NULL) {
		size_t sz = n > 1u << 20 ? n : 1u << 20;
		c = xmalloc(sizeof(*c) + sz);
		c->size = sz;
		c->used = 0;
		c->next = NULL;
		if (tree_cur != NULL) {
			struct tchunk *last = tree_cur;
			while (last->next != NULL)
				last = last->next;
			last->next = c;
		} else
			tree_chunks = c;
	}
	tree_cur = c;
	p = (char *)c->data + c->used;
	c->used += n;
	*(size_t *)p = n - sizeof(size_t);
	return (char *)p + sizeof(size_t);
}

static void *
tree_calloc(size_t n, size_t sz)
{
	void *p;

	if (sz && n > SIZE_MAX / sz / 2)
		return NULL;
	p = tree_alloc(n * sz);
	memset(p, 0, n * sz);
	return p;
}

static void *
tree_realloc(void *old, size_t n)
{
	size_t have;
	void *p;

	if (old == NULL)
		return tree_alloc(n);
	have = ((size_t *)old)[-1];
	if (n <= have)
		return old;
	p = tree_alloc(n);
	memcpy(p, old, have);
	return p;
}

static void
tree_free(void *p)
{
	(void)p;
}

static cmark_mem tree_mem = { tree_calloc, tree_realloc, tree_free };

/* Rewinds the tree allocator: every tree made with it is gone. */
static void
tree_reset(void)
{
	struct tchunk *c;

	for (c = tree_chunks; c != NULL; c = c->next)
		c->used = 0;
	tree_cur = tree_chunks;
}

struct mdctx {
	cmark_mem	*mem;
	struct site	*s;
	struct runbook	*r;
	struct slugger	*sl;
	size_t		 caplinks, capheads;
	int		 too_many;
	size_t		 templates;	/* template-syntax reported */
	struct srccur	 cur;		/* the last link's column */
	cmark_node	**anchors;	/* <a id> nodes */
	size_t		 nanchors, capanchors;
	struct {
		int	 line;		/* of the body */
		char	*title;
	}		*adm;		/* MkDocs admonitions' titles */
	size_t		 nadm;
	struct {
		const char	*label;	/* in the source, or NULL */
		size_t		 len;
		int		 refs, line;
	}		*notes;		/* footnotes, by number */
	size_t		 nnotes, capnotes;
};

/* Returns 1 if node is a code block fenced as mermaid, else 0. */
int
md_diagram(void *node)
{
	const char *info;

	if (cmark_node_get_type(node) != CMARK_NODE_CODE_BLOCK)
		return 0;
	info = cmark_node_get_fence_info(node);
	return info != NULL && strncmp(info, "mermaid", 7) == 0 &&
	    (info[7] == '\0' || info[7] == ' ' || info[7] == '\t');
}

/* Copies s[0..n) to b (emoji_put's text between shortcodes). */
static void
put_plain(struct buf *b, const char *s, size_t n)
{
	buf_put(b, s, n);
}

/*
 * Appends the plain text of n's subtree to b: text and code, a blank for
 * a line break, raw HTML left out, and image alt text only with
 * MD_TEXT_IMAGES in flags (GitHub's heading slugs leave it out); with
 * MD_TEXT_EMOJI, text outside code with its shortcodes as emoji, as the
 * page shows it; with MD_TEXT_BREAKS, a newline for raw HTML's <br>
 * (which parts a table cell's values).  No recursion.
 */
void
md_text(void *node, struct buf *b, int flags)
{
	cmark_node *n = node, *c, *skip = NULL;
	cmark_iter *it = cmark_iter_new(n);
	cmark_event_type ev;
	const char *lit;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		c = cmark_iter_get_node(it);
		if (skip != NULL) {
			if (ev == CMARK_EVENT_EXIT && c == skip)
				skip = NULL;
			continue;
		}
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
			if ((lit = cmark_node_get_literal(c)) != NULL &&
			    (flags & MD_TEXT_EMOJI))
				emoji_put(b, lit, strlen(lit), put_plain);
			else if (lit != NULL)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(c)) != NULL)
				buf_puts(b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(b, ' ');
			break;
		case CMARK_NODE_CUSTOM_INLINE:
			/* Raw HTML's <br>, as a line ends. */
			if ((flags & MD_TEXT_BREAKS) &&
			    md_node_html(c) != NULL &&
			    (md_node_html(c)->flags & HE_BREAK))
				buf_putc(b, '\n');
			break;
		case CMARK_NODE_IMAGE:
			if (!(flags & MD_TEXT_IMAGES) && c != n)
				skip = c;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
}

static struct link *
add_link(struct mdctx *m, enum link_kind kind, const char *dest, size_t n,
    int line, int col)
{
	struct runbook *r = m->r;
	struct link *l;

	if (r->nlinks >= RBC_MAX_LINKS) {
		if (!m->too_many)
			diag_add(&r->diags, r->src.path, line, col, R_LIMIT,
			    "more than %d links: the rest are not checked",
			    RBC_MAX_LINKS);
		m->too_many = 1;
		return NULL;
	}
	if (r->nlinks == m->caplinks) {
		m->caplinks = m->caplinks ? m->caplinks * 2 : 16;
		r->links = xreallocarray(r->links, m->caplinks,
		    sizeof(*r->links));
	}
	l = &r->links[r->nlinks++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->dest = arena_strndup(r->arena, dest, n);
	l->line = line;
	l->col = col;
	l->target = -1;
	return l;
}

/* The first descendant with a real source position, or NULL. */
static cmark_node *
first_positioned(cmark_node *n)
{
	cmark_node *c, *f;

	for (c = cmark_node_first_child(n); c != NULL; c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) == CMARK_NODE_TEXT &&
		    cmark_node_get_start_line(c) > 0)
			return c;
		if ((f = first_positioned(c)) != NULL)
			return f;
	}
	return NULL;
}

/*
 * Stores the file line:col of link node n.  cmark-gfm 0.29 gives a link
 * that spans lines the right column but the line of its end, so the line
 * comes from its first text when that is earlier.
 */
static void
link_pos(struct mdctx *m, cmark_node *n, int *line, int *col)
{
	cmark_node *t = first_positioned(n);
	int bl = cmark_node_get_start_line(n);
	int bc = cmark_node_get_start_column(n);

	if (bl > 0 && t != NULL && cmark_node_get_start_line(t) < bl)
		bl = cmark_node_get_start_line(t);
	else if (bl <= 0 && t != NULL) {
		bl = cmark_node_get_start_line(t);
		bc = cmark_node_get_start_column(t) -
		    (cmark_node_get_type(n) == CMARK_NODE_IMAGE ? 2 : 1);
	}
	if (bl <= 0) {
		cmark_node *p = cmark_node_parent(n);
		while (p != NULL && cmark_node_get_start_line(p) <= 0)
			p = cmark_node_parent(p);
		bl = p != NULL ? cmark_node_get_start_line(p) : 1;
		bc = p != NULL ? cmark_node_get_start_column(p) : 1;
	}
	if (bc < 1)
		bc = 1;
	*line = bl + m->r->body_line - 1;
	*col = src_col_next(&m->r->src, *line, bc, &m->cur);
}

/*
 * Aligns a text node's literal with its source slice, marking which
 * literal bytes came from a backslash escape or an entity (never syntax)
 * and where each byte sits in the source (-1 when unknown).
 */
static void
align(const char *src, size_t sn, const char *lit, size_t ln, char *esc,
    long *pos)
{
	size_t i = 0, j = 0, e;

	while (j < ln) {
		if (i >= sn) {
			esc[j] = 0;
			pos[j++] = -1;
			continue;
		}
		if (src[i] == '\\' && i + 1 < sn &&
		    ispunct((unsigned char)src[i + 1]) && lit[j] == src[i + 1]) {
			esc[j] = 1;
			pos[j++] = (long)i;
			i += 2;
		} else if (src[i] == lit[j]) {
			esc[j] = 0;
			pos[j++] = (long)i;
			i++;
		} else if (src[i] == '&') {
			for (e = i + 1; e < sn && e < i + 40 && src[e] != ';';
			    e++)
				;
			if (e >= sn || src[e] != ';') {
				esc[j] = 0;
				pos[j++] = (long)i++;
				continue;
			}
			/* The entity's bytes run until the source resyncs. */
			do {
				esc[j] = 1;
				pos[j++] = (long)i;
			} while (j < ln && (e + 1 >= sn || lit[j] != src[e + 1]));
			i = e + 1;
		} else {
			/* Lost: the rest counts as unescaped text. */
			while (j < ln) {
				esc[j] = 0;
				pos[j++] = -1;
			}
		}
	}
}

/*
 * Returns 1 if p[0..n), the text between "[[" and "]]" or "|", is the
 * path of an image (Gollum's image tag): no scheme, no fragment, an
 * image's extension.
 */
static int
wiki_image(const char *p, size_t n)
{
	static const char *const ext[] = { ".png", ".jpg", ".jpeg", ".gif",
	    ".svg", ".webp", NULL };
	size_t i, k;

	while (n > 0 && isspace((unsigned char)*p))
		p++, n--;
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == 0 || memchr(p, '#', n) != NULL || memchr(p, ':', n) != NULL)
		return 0;
	for (i = 0; ext[i] != NULL; i++) {
		k = strlen(ext[i]);
		if (n > k && strncasecmp(p + n - k, ext[i], k) == 0)
			return 1;
	}
	return 0;
}

/*
 * An image tag's alt text: its "alt=" option (opts[0..n): "|frame|alt=X",
 * from the first '|'), else the image's file name; malloc'd.
 */
static char *
image_alt(const char *path, const char *opts, size_t n)
{
	const char *a, *e, *base;
	size_t i;

	for (i = 0; i + 5 <= n; i++)
		if (opts[i] == '|' && strncmp(opts + i + 1, "alt=", 4) == 0) {
			a = opts + i + 5;
			e = memchr(a, '|', n - (size_t)(a - opts));
			return xstrndup(a, e != NULL ? (size_t)(e - a) :
			    n - (size_t)(a - opts));
		}
	base = strrchr(path, '/');
	return xstrdup(base != NULL ? base + 1 : path);
}

/*
 * Returns 1 if p[0..n) (blanks around it and a #fragment aside) names a
 * runbook by its path or as a wiki finds a page (site_wiki_page).
 */
static int
wiki_names(struct mdctx *m, const char *p, size_t n)
{
	const char *hash;

	while (n > 0 && isspace((unsigned char)*p))
		p++, n--;
	if ((hash = memchr(p, '#', n)) != NULL)
		n = (size_t)(hash - p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	if (n == 0)
		return 0;
	/* A runbook's path as written ("db/failover"), the common case: no
	 * index of wiki names made for it. */
	{
		char *rel = n > 3 && strncmp(p + n - 3, ".md", 3) == 0 ?
		    xstrndup(p, n) : xasprintf("%.*s.md", (int)n, p);
		long k = strv_find(m->s->rbpaths, m->s->nrbpaths, rel);

		free(rel);
		if (k != -1)
			return 1;
	}
	site_wiki_names(m->s);
	return site_wiki_page(m->s, p, n) != -1;
}

/*
 * Returns 1 if p[0..n), the text between "[[" and "]]" or "|", can name
 * a runbook (SPEC "Ids"): not "-s /etc/x" (a shell test in prose),
 * "/abs", "$x == y", "a//b" or "../x".  What cannot stays text.
 */
static int
wiki_target(const char *p, size_t n)
{
	const char *e, *hash, *q, *seg;

	while (n > 0 && isspace((unsigned char)*p))
		p++, n--;
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	hash = memchr(p, '#', n);
	e = hash != NULL ? hash : p + n;
	if (e == p)
		return hash != NULL && n > 1;	/* [[#section]] */
	if (strchr("-/$!=<>&|'\"`", *p) != NULL)
		return 0;
	for (q = p; q < e; q++) {
		if ((unsigned char)*q < 0x20 || *q == 0x7f ||
		    strchr("\"'`$", *q) != NULL)
			return 0;
		/* A blank-separated word that reads as shell. */
		if (isspace((unsigned char)*q) && q + 1 < e &&
		    strchr("-/$=<>&|!", q[1]) != NULL)
			return 0;
	}
	for (seg = p; seg < e; seg = q + 1) {
		for (q = seg; q < e && *q != '/'; q++)
			;
		if (q == seg || *seg == '_' || *seg == '.' ||
		    isspace((unsigned char)q[-1]) ||
		    isspace((unsigned char)*seg))
			return 0;
		if (q == e)
			break;
	}
	return 1;
}

/* How far a template's closing delimiter is looked for. */
#define TEMPLATE_SPAN	512
/* template-syntax reports per runbook. */
#define TEMPLATE_MAX	100

/*
 * Returns the length of the Hugo shortcode at p (n bytes on): "{{<" or
 * "{{%", a name, arguments, ">}}" or "%}}"; 0 if there is none.  For
 * ref and relref, *arg and *argn are its first argument, unquoted
 * ("x.md#y", 'x.md', or bare); otherwise *arg is NULL.
 */
static size_t
shortcode(const char *p, size_t n, const char **arg, size_t *argn)
{
	const char *e, *q, *name;
	char close[4] = { '%', '}', '}', '\0' };
	size_t k, nn;

	*arg = NULL;
	/* (p[2] is read only when there are 6 bytes) */
	if (n < 6 || p[0] != '{' || p[1] != '{' || (p[2] != '<' && p[2] != '%'))
		return 0;
	if (p[2] == '<')
		close[0] = '>';
	for (k = 3; k + 3 <= n && k < TEMPLATE_SPAN; k++)
		if (memcmp(p + k, close, 3) == 0)
			break;
	if (k + 3 > n || k >= TEMPLATE_SPAN)
		return 0;
	e = p + k;
	for (q = p + 3; q < e && (*q == ' ' || *q == '\t'); q++)
		;
	for (name = q; q < e && !isspace((unsigned char)*q); q++)
		;
	nn = (size_t)(q - name);
	if (nn == 0)
		return 0;
	if ((nn == 3 && memcmp(name, "ref", 3) == 0) ||
	    (nn == 6 && memcmp(name, "relref", 6) == 0)) {
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q < e && (*q == '"' || *q == '\'')) {
			const char *c = memchr(q + 1, *q, (size_t)(e - q - 1));
			if (c != NULL && c > q + 1) {
				*arg = q + 1;
				*argn = (size_t)(c - q - 1);
			}
		} else if (q < e) {
			for (*arg = q; q < e && !isspace((unsigned char)*q); q++)
				;
			*argn = (size_t)(q - *arg);
		}
	}
	return k + 3;
}

/*
 * Returns the length of other template syntax at p (n bytes on) that a
 * page would show as it is: ERB "<% %>", Jinja or Go "{{ }}" and
 * "{% %}", and Hugo shortcodes other than ref and relref; 0 if none.
 */
static size_t
template_at(const char *p, size_t n)
{
	const char *arg;
	const char *close = NULL;
	size_t argn, k, len;

	if (n < 4)
		return 0;
	if (p[0] == '{' && p[1] == '{' && (p[2] == '<' || p[2] == '%')) {
		len = shortcode(p, n, &arg, &argn);
		return arg != NULL ? 0 : len;
	}
	if (p[0] == '<' && p[1] == '%')
		close = "%>";
	else if (p[0] == '{' && p[1] == '{' && p[2] != '{')
		close = "}}";
	else if (p[0] == '{' && p[1] == '%')
		close = "%}";
	if (close == NULL)
		return 0;
	for (k = 2; k + 2 <= n && k < TEMPLATE_SPAN; k++) {
		if (p[k] == '\n')
			return 0;
		if (p[k] == close[0] && p[k + 1] == close[1])
			break;
	}
	if (k + 2 > n || k >= TEMPLATE_SPAN)
		return 0;
	/* Something between the delimiters, not only blanks. */
	for (len = 2; len < k && isspace((unsigned char)p[len]); len++)
		;
	return len < k ? k + 2 : 0;
}

/* Reports template-syntax for each template in literal s (ln bytes) of
 * a text node at file line `line` whose byte k is at column tc + pos[k]. */
static void
template_scan(struct mdctx *m, const char *s, size_t ln, const char *esc,
    const long *pos, int line, int tc)
{
	struct runbook *r = m->r;
	size_t j, len;
	int col;

	for (j = 0; j + 1 < ln; j++) {
		const char *arg;
		size_t argn, sc;

		if ((s[j] != '{' && s[j] != '<' && s[j] != '-') || esc[j])
			continue;
		if (s[j] == '-' && (ln - j < 6 || strncmp(s + j, "--8<--",
		    6) != 0 || (j > 0 && s[j - 1] == '-')))
			continue;
		/* A ref or relref is a link, its delimiters too. */
		if (s[j] == '{' && (sc = shortcode(s + j, ln - j, &arg,
		    &argn)) > 0 && arg != NULL) {
			j += sc - 1;
			continue;
		}
		/* MkDocs' snippets: "--8<-- \"file.md\"", to its end. */
		if (s[j] == '-')
			for (len = 6; j + len < ln && s[j + len] != '\n'; len++)
				;
		else if ((len = template_at(s + j, ln - j)) == 0)
			continue;
		if (m->templates++ == TEMPLATE_MAX) {
			diag_add(&r->diags, r->src.path, line, 1, R_LIMIT,
			    "more than %d template expressions: the rest are "
			    "not reported", TEMPLATE_MAX);
			continue;
		}
		if (m->templates > TEMPLATE_MAX)
			continue;
		col = pos[j] >= 0 ? src_col_next(&r->src, line,
		    tc + (int)pos[j], &m->cur) : 1;
		if (s[j] == '-')
			diag_add(&r->diags, r->src.path, line, col,
			    R_TEMPLATE_SYNTAX, "MkDocs snippet '%.*s%s' is "
			    "published as literal text (rbc does not include "
			    "the file it names)", (int)(len > 60 ? 60 : len),
			    s + j, len > 60 ? "..." : "");
		else
			diag_add(&r->diags, r->src.path, line, col,
			    R_TEMPLATE_SYNTAX, "template syntax '%.*s%s' is "
			    "published as literal text (Hugo shortcode, ERB or "
			    "Jinja: rbc does not run it)",
			    (int)(len > 60 ? 60 : len), s + j,
			    len > 60 ? "..." : "");
		j += len - 1;
	}
}

/*
 * Returns the end (one past) of a Hugo ref link starting at s[j]: either
 * "[label](SHORTCODE)" (*lab, *labn its label) or a bare SHORTCODE
 * (*lab NULL); its ref argument in *arg, *argn.  0 if none starts at j.
 */
static size_t
hugo_ref(const char *s, size_t ln, const char *esc, size_t j,
    const char **lab, size_t *labn, const char **arg, size_t *argn)
{
	size_t k, sc, e;

	*lab = NULL;
	if (s[j] == '{') {
		sc = shortcode(s + j, ln - j, arg, argn);
		return sc > 0 && *arg != NULL ? j + sc : 0;
	}
	if (s[j] != '[' || esc[j])
		return 0;
	for (k = j + 1; k < ln && s[k] != '[' && s[k] != ']'; k++)
		;
	if (k + 1 >= ln || s[k] != ']' || s[k + 1] != '(' || esc[k] ||
	    k == j + 1)
		return 0;
	for (e = k + 2; e < ln && s[e] == ' '; e++)
		;
	if ((sc = shortcode(s + e, ln - e, arg, argn)) == 0 || *arg == NULL)
		return 0;
	for (e += sc; e < ln && s[e] == ' '; e++)
		;
	if (e >= ln || s[e] != ')')
		return 0;
	*lab = s + j + 1;
	*labn = k - j - 1;
	return e + 1;
}

/* Returns 1 if text (n bytes) is one template expression and nothing
 * else, as in "# <%= page_heading %>". */
static int
template_only(const char *t, size_t n)
{
	while (n > 0 && isspace((unsigned char)*t))
		t++, n--;
	while (n > 0 && isspace((unsigned char)t[n - 1]))
		n--;
	return n > 0 && template_at(t, n) == n;
}

/*
 * Inserts after *after a link node for Hugo's ref/relref to arg (argn
 * bytes), its text the label (or the argument), at byte column bc of
 * file line `line` (bc -1: unknown, from text node t of body line tl).
 */
static void
hugo_link(struct mdctx *m, cmark_node *t, cmark_node **after,
    const char *lab, size_t labn, const char *arg, size_t argn, int bc,
    int line, int tl)
{
	struct runbook *r = m->r;
	cmark_node *link, *txt;
	struct link *l;
	char *d, *label;
	int col;

	d = xstrndup(arg, argn);
	label = lab != NULL && labn > 0 ? xstrndup(lab, labn) : xstrdup(d);
	link = cmark_node_new_with_mem(CMARK_NODE_LINK, m->mem);
	cmark_node_set_url(link, d);
	txt = cmark_node_new_with_mem(CMARK_NODE_TEXT, m->mem);
	cmark_node_set_literal(txt, label);
	cmark_node_append_child(link, txt);
	if (bc > 0)
		col = src_col_next(&r->src, line, bc, &m->cur);
	else {
		link_pos(m, t, &line, &col);
		line = tl + r->body_line - 1;
	}
	l = add_link(m, LINK_HUGO, d, strlen(d), line, col);
	if (l != NULL)
		cmark_node_set_user_data(link, (void *)(uintptr_t)r->nlinks);
	cmark_node_insert_after(*after, link);
	*after = link;
	free(d);
	free(label);
}

/* Returns 1 if lit may hold a wiki link or template syntax ("[[", "{{",
 * "{%", "<%"): one pass over the text, most of which has none. */
static int
maybe_syntax(const char *lit)
{
	const char *p;

	for (p = lit; (p = strpbrk(p, "[{<")) != NULL; p++)
		if ((p[0] == '[' && p[1] == '[') || (p[0] == '{' &&
		    (p[1] == '{' || p[1] == '%')) || (p[0] == '<' &&
		    p[1] == '%') || (p[0] == '<' && p >= lit + 3 &&
		    strncmp(p - 3, "--8<--", 6) == 0))
			return 1;
	return 0;
}

/*
 * Splits text node t around [[wiki]] links and Hugo ref/relref
 * shortcodes, which become link nodes, and reports other template
 * syntax (template-syntax).
 */
static void
wiki_text(struct mdctx *m, cmark_node *t)
{
	const char *lit = cmark_node_get_literal(t), *src = NULL;
	struct runbook *r = m->r;
	size_t ln, sn = 0, j, k, close, bar, start;
	int gh, img;
	int tl, tc, te, line, col, bc;
	char *esc, *s;
	long *pos;
	cmark_node *link, *txt, *after;

	if (lit == NULL || !maybe_syntax(lit))
		return;
	ln = strlen(lit);
	tl = cmark_node_get_start_line(t);
	tc = cmark_node_get_start_column(t);
	te = cmark_node_get_end_column(t);
	line = tl + r->body_line - 1;
	if (tl > 0 && tl == cmark_node_get_end_line(t) && tc >= 1 &&
	    te >= tc && line <= (int)r->src.nlines) {
		size_t ls = r->src.lines[line - 1];
		size_t le = (size_t)line < r->src.nlines ?
		    r->src.lines[line] : r->src.len;
		if (ls + (size_t)te <= le) {
			src = r->src.data + ls + tc - 1;
			sn = (size_t)(te - tc + 1);
		}
	}
	esc = xcalloc(ln + 1, 1);
	pos = xcalloc(ln + 1, sizeof(long));
	if (src != NULL)
		align(src, sn, lit, ln, esc, pos);
	else
		for (j = 0; j < ln; j++)
			pos[j] = -1;

	s = xstrdup(lit);
	start = 0;
	after = t;
	template_scan(m, s, ln, esc, pos, line, tc);
	for (j = 0; j + 1 < ln && !m->too_many; j++) {
		const char *lab, *arg;
		size_t labn = 0, argn = 0, end;

		if ((s[j] == '[' || s[j] == '{') && !esc[j] &&
		    (end = hugo_ref(s, ln, esc, j, &lab, &labn, &arg,
		    &argn)) > 0) {
			if (j > start) {
				txt = cmark_node_new_with_mem(CMARK_NODE_TEXT,
				    m->mem);
				s[j] = '\0';
				cmark_node_set_literal(txt, s + start);
				s[j] = lit[j];
				cmark_node_insert_after(after, txt);
				after = txt;
			}
			hugo_link(m, t, &after, lab, labn, arg, argn,
			    pos[j] >= 0 ? tc + (int)pos[j] : -1, line, tl);
			start = end;
			j = end - 1;
			continue;
		}
		if (s[j] != '[' || s[j + 1] != '[' || esc[j] || esc[j + 1])
			continue;
		if (j > 0 && s[j - 1] == '!')
			continue;
		for (k = j + 2; k + 1 < ln; k++)
			if (s[k] == '[' || s[k] == ']')
				break;
		if (k + 1 >= ln || s[k] != ']' || s[k + 1] != ']' || esc[k] ||
		    esc[k + 1] || k == j + 2)
			continue;
		close = k;
		for (bar = j + 2; bar < close && s[bar] != '|'; bar++)
			;
		/* Whitespace-only targets are text. */
		{
			size_t q;
			for (q = j + 2; q < bar && isspace((unsigned char)s[q]);
			    q++)
				;
			if (q == bar)
				continue;
		}
		/* GitHub's and GitLab's wikis put the text first:
		 * [[Link text|Page name]], where a page is named second
		 * and none first. */
		/* Gollum's image tag: [[images/x.png]], [[x.png|alt=X]]. */
		img = wiki_image(s + j + 2, bar - (j + 2));
		gh = !img && bar < close && (!wiki_target(s + j + 2,
		    bar - (j + 2)) || !wiki_names(m, s + j + 2, bar -
		    (j + 2))) &&
		    wiki_target(s + bar + 1, close - bar - 1) &&
		    wiki_names(m, s + bar + 1, close - bar - 1);
		if (!img && !gh && !wiki_target(s + j + 2, bar - (j + 2)))
			continue;
		/* Text before the link. */
		if (j > start) {
			txt = cmark_node_new_with_mem(CMARK_NODE_TEXT, m->mem);
			s[j] = '\0';
			cmark_node_set_literal(txt, s + start);
			s[j] = '[';
			cmark_node_insert_after(after, txt);
			after = txt;
		}
		link = cmark_node_new_with_mem(img ? CMARK_NODE_IMAGE :
		    CMARK_NODE_LINK, m->mem);
		{
			char *dest = gh ? xstrndup(s + bar + 1, close - bar -
			    1) : xstrndup(s + j + 2, bar - (j + 2));
			char *label = img ? image_alt(dest, s + bar, close -
			    bar) : gh ? xstrndup(s + j + 2, bar - (j + 2)) :
			    bar < close ? xstrndup(s + bar + 1, close - bar -
			    1) : xstrdup(dest);
			struct link *l;

			/* Trim blanks around target and label. */
			char *d0 = dest, *d1;
			while (isspace((unsigned char)*d0))
				d0++;
			d1 = d0 + strlen(d0);
			while (d1 > d0 && isspace((unsigned char)d1[-1]))
				*--d1 = '\0';
			cmark_node_set_url(link, d0);
			txt = cmark_node_new_with_mem(CMARK_NODE_TEXT, m->mem);
			{
				char *l0 = label, *l1;
				while (isspace((unsigned char)*l0))
					l0++;
				l1 = l0 + strlen(l0);
				while (l1 > l0 && isspace((unsigned char)l1[-1]))
					*--l1 = '\0';
				cmark_node_set_literal(txt, (img || bar <
				    close) && *l0 ? l0 : d0);
			}
			cmark_node_append_child(link, txt);
			if (pos[j] >= 0) {
				bc = tc + (int)pos[j];
				col = src_col_next(&r->src, line, bc, &m->cur);
			} else {
				link_pos(m, t, &line, &col);
				line = tl + r->body_line - 1;
			}
			/* An image's path is a file's, from the page's folder
			 * (from the content root with a leading '/'). */
			l = add_link(m, img ? LINK_MD : LINK_WIKI, d0,
			    strlen(d0), line, col);
			if (l != NULL)
				cmark_node_set_user_data(link, (void *)(uintptr_t)
				    r->nlinks);
			free(dest);
			free(label);
		}
		cmark_node_insert_after(after, link);
		after = link;
		start = close + 2;
		j = close + 1;
	}
	if (after != t) {
		if (start < ln) {
			txt = cmark_node_new_with_mem(CMARK_NODE_TEXT, m->mem);
			cmark_node_set_literal(txt, s + start);
			cmark_node_insert_after(after, txt);
		}
		cmark_node_free(t);
	}
	free(s);
	free(esc);
	free(pos);
}

static void
add_heading(struct mdctx *m, cmark_node *n)
{
	struct runbook *r = m->r;
	struct heading *h;
	struct buf b = { NULL, 0, 0 };
	char *slug;

	md_text(n, &b, 0);
	if (r->nheads == m->capheads) {
		m->capheads = m->capheads ? m->capheads * 2 : 16;
		r->heads = xreallocarray(r->heads, m->capheads,
		    sizeof(*r->heads));
	}
	h = &r->heads[r->nheads++];
	/* Its id from the text as written (GitHub's slug keeps a
	 * shortcode's name), its text as the page shows it. */
	slug = slugger_slug(m->sl, b.data, b.len);
	if (b.len > 0 && memchr(b.data, ':', b.len) != NULL) {
		buf_reset(&b);
		md_text(n, &b, MD_TEXT_EMOJI);
	}
	h->text = arena_strndup(r->arena, buf_cstr(&b), b.len);
	h->slug = arena_strdup(r->arena, slug);
	free(slug);
	h->level = cmark_node_get_heading_level(n);
	h->line = cmark_node_get_start_line(n) + r->body_line - 1;
	cmark_node_set_user_data(n, (void *)(uintptr_t)r->nheads);
	buf_free(&b);
}

/* What a table-of-contents marker becomes (md_node_toc). */
#define TOC_MARK	"rbc-toc"

/* The source text of node n, which is on one line of r's body: a
 * pointer into r's text, its length in *len; NULL if n spans lines or
 * has no place. */
static const char *
node_src(const struct runbook *r, cmark_node *n, size_t *len)
{
	int sl = cmark_node_get_start_line(n), el = cmark_node_get_end_line(n);
	int sc = cmark_node_get_start_column(n);
	int ec = cmark_node_get_end_column(n), line;
	size_t ls, le;

	if (sl <= 0 || sl != el || sc < 1 || ec < sc)
		return NULL;
	line = sl + r->body_line - 1;
	if (line > (int)r->src.nlines)
		return NULL;
	ls = r->src.lines[line - 1];
	le = (size_t)line < r->src.nlines ? r->src.lines[line] : r->src.len;
	if (ls + (size_t)ec > le)
		return NULL;
	*len = (size_t)(ec - sc + 1);
	return r->src.data + ls + sc - 1;
}

/*
 * Returns 1 if paragraph n is GitLab's table-of-contents marker: its
 * source is "[[_TOC_]]" or "[TOC]" alone, in any case (as GitLab takes
 * them).  Read from the source: cmark makes "_TOC_" emphasis.
 */
static int
toc_marker(struct mdctx *m, cmark_node *n)
{
	size_t len;
	const char *p = node_src(m->r, n, &len);

	return p != NULL && ((len == 9 && strncasecmp(p, "[[_toc_]]", 9) ==
	    0) || (len == 5 && strncasecmp(p, "[toc]", 5) == 0));
}

/*
 * Returns the label of footnote reference node ("pool" of [^pool]), read
 * from r's source (cmark keeps only the note's number), its length in
 * *n; NULL if it cannot be read there.
 */
const char *
md_note_label(const struct runbook *r, void *node, size_t *n)
{
	size_t len, i;
	const char *p;

	if (cmark_node_get_type(node) != CMARK_NODE_FOOTNOTE_REFERENCE ||
	    (p = node_src(r, node, &len)) == NULL || len < 4 ||
	    p[0] != '[' || p[1] != '^' || p[len - 1] != ']')
		return NULL;
	for (i = 2; i < len - 1; i++)
		if (p[i] == '[' || p[i] == ']' || (unsigned char)p[i] <= ' ')
			return NULL;
	*n = len - 3;
	return p + 2;
}

/* Returns 1 if node is where a table of contents goes ([[_TOC_]]). */
int
md_node_toc(void *node)
{
	const char *on;

	if (cmark_node_get_type(node) != CMARK_NODE_CUSTOM_BLOCK)
		return 0;
	on = cmark_node_get_on_enter(node);
	return on != NULL && strcmp(on, TOC_MARK) == 0;
}

static void note_ref(struct mdctx *, cmark_node *);

/* Collects headings and links below n; inlink: n is inside a link or an
 * image (its text makes no wiki links: no links in links). */
static void
walk(struct mdctx *m, cmark_node *n, int inlink)
{
	cmark_node *c, *next;
	cmark_node_type t = cmark_node_get_type(n);
	struct link *l;
	const char *url;
	int line, col;

	switch (t) {
	case CMARK_NODE_TEXT:
		if (!inlink && !m->too_many)
			wiki_text(m, n);
		return;
	case CMARK_NODE_HEADING:
		add_heading(m, n);
		break;
	case CMARK_NODE_PARAGRAPH:
		if (toc_marker(m, n)) {
			cmark_node *toc = cmark_node_new_with_mem(
			    CMARK_NODE_CUSTOM_BLOCK, m->mem);
			cmark_node_set_on_enter(toc, TOC_MARK);
			cmark_node_insert_before(n, toc);
			cmark_node_free(n);
			return;
		}
		break;
	case CMARK_NODE_FOOTNOTE_REFERENCE:
		note_ref(m, n);
		return;
	case CMARK_NODE_CUSTOM_INLINE:
		if (html_anchor_id(n, &(size_t){ 0 }) != NULL) {
			if (m->nanchors == m->capanchors) {
				m->capanchors = m->capanchors ?
				    m->capanchors * 2 : 8;
				m->anchors = xreallocarray(m->anchors,
				    m->capanchors, sizeof(*m->anchors));
			}
			m->anchors[m->nanchors++] = n;
		}
		break;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE:
		if (m->too_many)	/* the limit stops the work too */
			break;
		url = cmark_node_get_url(n);
		if (url == NULL)
			url = "";
		link_pos(m, n, &line, &col);
		l = add_link(m, first_positioned(n) == NULL &&
		    cmark_node_get_start_line(n) == 0 ? LINK_AUTO : LINK_MD,
		    url, strlen(url), line, col);
		if (l != NULL)
			cmark_node_set_user_data(n, (void *)(uintptr_t)
			    m->r->nlinks);
		break;
	default:
		break;
	}
	inlink |= t == CMARK_NODE_LINK || t == CMARK_NODE_IMAGE;
	for (c = cmark_node_first_child(n); c != NULL; c = next) {
		next = cmark_node_next(c);
		walk(m, c, inlink);
	}
}

/* Returns 1 if r already has an element with id s: a heading's, a
 * section of the page's or an earlier anchor's. */
static int
id_taken(const struct runbook *r, const char *s)
{
	size_t k;

	for (k = 0; k < r->nheads; k++)
		if (strcmp(r->heads[k].slug, s) == 0)
			return 1;
	for (k = 0; page_ids[k] != NULL; k++)
		if (strcmp(page_ids[k], s) == 0)
			return 1;
	return 0;
}

/* Makes id s, which the page has at line, a link target (a struct
 * heading of level 0). */
static void
add_target(struct mdctx *m, const char *s, int line)
{
	struct runbook *r = m->r;
	struct heading *h;

	if (r->nheads == m->capheads) {
		m->capheads = m->capheads ? m->capheads * 2 : 16;
		r->heads = xreallocarray(r->heads, m->capheads,
		    sizeof(*r->heads));
	}
	h = &r->heads[r->nheads++];
	h->text = h->slug = arena_strdup(r->arena, s);
	h->level = 0;
	h->line = line;
}

/*
 * Makes raw HTML's <a id> anchors targets (struct heading of level 0),
 * after the headings: an id a heading, a section of the page or an
 * earlier anchor already has is removed (one id, one element).
 */
static void
add_anchors(struct mdctx *m)
{
	struct runbook *r = m->r;
	const char *id;
	size_t i, n;
	int line, col;
	char *s;

	for (i = 0; i < m->nanchors; i++) {
		cmark_node *a = m->anchors[i];
		id = html_anchor_id(a, &n);
		s = xstrndup(id, n);
		line = cmark_node_get_start_line(a) + r->body_line - 1;
		if (id_taken(r, s)) {
			col = src_col(&r->src, line,
			    cmark_node_get_start_column(a));
			diag_add(&r->diags, r->src.path, line, col, R_RAW_HTML,
			    "raw HTML: id '%s' of <a> removed: the page "
			    "already has an element with that id", s);
			cmark_node_set_on_enter(a, "<a>");
			free(s);
			continue;
		}
		add_target(m, s, line);
		free(s);
	}
	free(m->anchors);
}

/*
 * Appends the id GitHub gives a footnote's element: prefix ("fn-", or
 * "fnref-" for a reference) and its label, each byte but a letter, a
 * digit, '-', '_' or '.' as %XX (as cmark-gfm escapes it).
 */
void
md_note_id(struct buf *b, const char *prefix, const char *label, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	buf_puts(b, prefix);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)label[i];

		if (isalnum(c) || c == '-' || c == '_' || c == '.')
			buf_putc(b, (char)c);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

/* Notes the footnote reference n (its note's label, how many refer). */
static void
note_ref(struct mdctx *m, cmark_node *n)
{
	const char *num = cmark_node_get_literal(n);
	long k = num != NULL ? strtol(num, NULL, 10) : 0;
	size_t old;

	if (k <= 0 || k > RBC_MAX_NOTES)
		return;
	if ((size_t)k > m->capnotes) {
		old = m->capnotes;
		m->capnotes = (size_t)k + 16;
		m->notes = xreallocarray(m->notes, m->capnotes,
		    sizeof(*m->notes));
		memset(m->notes + old, 0, (m->capnotes - old) *
		    sizeof(*m->notes));
	}
	if ((size_t)k > m->nnotes)
		m->nnotes = (size_t)k;
	if (m->notes[k - 1].refs++ == 0) {
		m->notes[k - 1].label = md_note_label(m->r, n,
		    &m->notes[k - 1].len);
		m->notes[k - 1].line = cmark_node_get_start_line(n) +
		    m->r->body_line - 1;
	}
}

/* Makes the footnotes' ids link targets, as GitHub names them: fn-LABEL
 * for a note, fnref-LABEL for its first reference, fnref-LABEL-2 on for
 * the next, up to RBC_MAX_NOTE_REFS (an id the page has already is left
 * to it). */
static void
add_notes(struct mdctx *m)
{
	struct runbook *r = m->r;
	struct buf b = { NULL, 0, 0 };
	struct strtab ids;
	size_t i, n = r->nheads + 64;
	int j;

	if (m->nnotes == 0)
		return;
	/* The ids taken, in a table (of room for all: it does not grow): a
	 * page may have thousands. */
	for (i = 0; i < m->nnotes; i++)
		n += (size_t)(m->notes[i].refs < RBC_MAX_NOTE_REFS ?
		    m->notes[i].refs : RBC_MAX_NOTE_REFS) + 1;
	strtab_init(&ids, n);
	for (i = 0; i < r->nheads; i++)
		strtab_add(&ids, r->heads[i].slug, 0);
	for (i = 0; page_ids[i] != NULL; i++)
		strtab_add(&ids, page_ids[i], 0);
	for (i = 0; i < m->nnotes; i++) {
		if (m->notes[i].label == NULL)
			continue;
		for (j = 0; j <= m->notes[i].refs && j <= RBC_MAX_NOTE_REFS;
		    j++) {
			buf_reset(&b);
			md_note_id(&b, j == 0 ? "fn-" : "fnref-",
			    m->notes[i].label, m->notes[i].len);
			if (j > 1)
				buf_printf(&b, "-%d", j);
			if (strtab_find(&ids, buf_cstr(&b)) != -1)
				continue;
			add_target(m, buf_cstr(&b), m->notes[i].line);
			strtab_add(&ids, r->heads[r->nheads - 1].slug, 0);
		}
	}
	strtab_free(&ids);
	buf_free(&b);
	free(m->notes);
}

/* Returns the GitHub alert kind (NOTE ...) a MkDocs admonition type
 * t[0..n) is shown as. */
static const char *
admonition_kind(const char *t, size_t n)
{
	static const struct {
		const char	*type, *kind;
	} map[] = {
		{ "tip", "TIP" }, { "hint", "TIP" }, { "success", "TIP" },
		{ "check", "TIP" }, { "done", "TIP" },
		{ "important", "IMPORTANT" },
		{ "warning", "WARNING" }, { "caution", "WARNING" },
		{ "attention", "WARNING" },
		{ "danger", "CAUTION" }, { "error", "CAUTION" },
		{ "failure", "CAUTION" }, { "fail", "CAUTION" },
		{ "missing", "CAUTION" }, { "bug", "CAUTION" }
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].type) == n &&
		    strncasecmp(map[i].type, t, n) == 0)
			return map[i].kind;
	return "NOTE";
}

/* Returns 1 if the line s[0..n) (without its newline) is a MkDocs
 * admonition's header: "!!! type", "??? type" or "???+ type", then other
 * classes and an optional "title".  The type in *t, *tn; the title in
 * *ti, *tin (0 for none). */
static int
admonition_head(const char *s, size_t n, const char **t, size_t *tn,
    const char **ti, size_t *tin)
{
	const char *q;
	size_t k;

	if (n < 5 || (strncmp(s, "!!! ", 4) != 0 && strncmp(s, "??? ", 4) !=
	    0 && strncmp(s, "???+ ", 5) != 0))
		return 0;
	k = s[3] == '+' ? 5 : 4;
	*t = s + k;
	while (k < n && s[k] >= 'a' && s[k] <= 'z')
		k++;
	if ((*tn = (size_t)(s + k - *t)) == 0)
		return 0;
	/* "!!! note inline end": placed beside the text. */
	if (n - k >= 7 && strncmp(s + k, " inline", 7) == 0)
		k += 7;
	if (n - k >= 4 && strncmp(s + k, " end", 4) == 0)
		k += 4;
	*ti = NULL;
	*tin = 0;
	if (n - k >= 3 && s[k] == ' ' && s[k + 1] == '"' &&
	    (q = memchr(s + k + 2, '"', n - k - 2)) != NULL) {
		*ti = s + k + 2;
		*tin = (size_t)(q - *ti);
		k = (size_t)(q - s) + 1;
	}
	while (k < n && (s[k] == ' ' || s[k] == '\r'))
		k++;
	return k == n;
}

/* Returns 1 if the line at s[0..n) is indented by four (or a tab). */
static int
indented4(const char *s, size_t n)
{
	return (n >= 4 && strncmp(s, "    ", 4) == 0) || (n > 0 && *s == '\t');
}

/*
 * MkDocs' admonitions ("!!! warning \"Title\"" then lines indented by
 * four) are shown as GitHub's alerts: the copy of s[0..n) parsed (*copy,
 * malloc'd, *cn bytes; NULL when there are none) has, line for line,
 * "> [!WARNING]" for the header and "> " for the indent of each line of
 * the body, which keeps every line and column.  Each title, and the line
 * of its header, is noted in m (gh_alerts shows it).  Lines in fenced
 * code are left alone.
 */
static void
admonitions(struct mdctx *m, const char *s, size_t n, char **copy,
    size_t *cn)
{
	struct buf b = { NULL, 0, 0 };
	size_t at, next, done = 0, len, tn, tin, k;
	const char *e, *t, *ti;
	char fence = 0;
	int line = 0, any = 0;

	*copy = NULL;
	/* Most bodies have none: a look at each line's start. */
	for (at = 0; at < n; at = e != NULL ? (size_t)(e - s) + 1 : n) {
		if (n - at >= 4 && (s[at] == '!' || s[at] == '?') &&
		    s[at + 1] == s[at] && s[at + 2] == s[at])
			break;
		e = memchr(s + at, '\n', n - at);
	}
	if (at >= n)
		return;
	for (at = 0; at < n; at = next) {
		e = memchr(s + at, '\n', n - at);
		next = e != NULL ? (size_t)(e - s) + 1 : n;
		len = (e != NULL ? (size_t)(e - s) : n) - at;
		line++;
		/* Fenced code: "```" or "~~~" at most three blanks in. */
		for (k = 0; k < 3 && k < len && s[at + k] == ' '; k++)
			;
		if (k + 3 <= len && (s[at + k] == '`' || s[at + k] == '~') &&
		    s[at + k + 1] == s[at + k] && s[at + k + 2] == s[at + k]) {
			if (fence == 0)
				fence = s[at + k];
			else if (fence == s[at + k])
				fence = 0;
			continue;
		}
		if (fence != 0 || !admonition_head(s + at, len, &t, &tn, &ti,
		    &tin))
			continue;
		/* Only with a body: the next line that is not blank is
		 * indented by four. */
		for (k = next; k < n && (s[k] == ' ' || s[k] == '\t' ||
		    s[k] == '\r' || s[k] == '\n'); k++)
			;
		while (k > next && s[k - 1] != '\n')
			k--;
		if (k >= n || !indented4(s + k, n - k))
			continue;
		buf_put(&b, s + done, at - done);
		buf_printf(&b, "> [!%s]\n", admonition_kind(t, tn));
		if (tin > 0 && m->nadm < 4096) {
			m->adm = xreallocarray(m->adm, m->nadm + 1,
			    sizeof(*m->adm));
			m->adm[m->nadm].line = line;
			m->adm[m->nadm++].title = xstrndup(ti, tin);
		}
		any = 1;
		/* The body: the lines indented by four, and the blank ones
		 * between them. */
		for (at = next; at < n; at = next) {
			e = memchr(s + at, '\n', n - at);
			next = e != NULL ? (size_t)(e - s) + 1 : n;
			len = (e != NULL ? (size_t)(e - s) : n) - at;
			for (k = 0; k < len && (s[at + k] == ' ' ||
			    s[at + k] == '\t' || s[at + k] == '\r'); k++)
				;
			if (k == len) {
				/* Blank lines: the body's if an indented line
				 * follows them. */
				size_t j = next, nb = 1;
				for (;;) {
					for (k = j; k < n && (s[k] == ' ' ||
					    s[k] == '\t' || s[k] == '\r'); k++)
						;
					if (k >= n || s[k] != '\n')
						break;
					j = k + 1;
					nb++;
				}
				if (j >= n || !indented4(s + j, n - j))
					break;
				line += (int)nb;
				while (nb-- > 0)
					buf_puts(&b, ">\n");
				next = j;
				continue;
			} else if (indented4(s + at, len)) {
				k = s[at] == '\t' ? 1 : 4;
				buf_puts(&b, ">   ");
				buf_put(&b, s + at + k, next - at - k);
			} else
				break;
			line++;
		}
		done = at;
		next = at;
	}
	if (!any)
		return;
	buf_put(&b, s + done, n - done);
	*cn = b.len;
	*copy = buf_detach(&b);
}

/*
 * GitHub's alerts: a quote at the top level whose first line is
 * [!NOTE], [!TIP], [!IMPORTANT], [!WARNING] or [!CAUTION] (any case)
 * becomes a custom block (HEL_ALERT + kind) holding the rest of it.
 */
static void
gh_alerts(struct mdctx *m, cmark_node *doc)
{
	static const char *const kinds[] = { "note", "tip", "important",
	    "warning", "caution", NULL };
	cmark_node *q, *next, *p, *c, *end, *al;
	char word[16];
	size_t wn, ai = 0;	/* adm[] and the quotes: in line order */
	int k;

	for (q = cmark_node_first_child(doc); q != NULL; q = next) {
		next = cmark_node_next(q);
		if (cmark_node_get_type(q) != CMARK_NODE_BLOCK_QUOTE ||
		    (p = cmark_node_first_child(q)) == NULL ||
		    cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
			continue;
		/* The first line's text: "[" "!WARNING" "]" as cmark has it. */
		wn = 0;
		for (c = cmark_node_first_child(p); c != NULL &&
		    cmark_node_get_type(c) == CMARK_NODE_TEXT;
		    c = cmark_node_next(c)) {
			const char *l = cmark_node_get_literal(c);
			size_t ln = strlen(l);
			if (wn + ln >= sizeof(word))
				break;
			memcpy(word + wn, l, ln);
			wn += ln;
		}
		end = c;
		if (end != NULL && cmark_node_get_type(end) !=
		    CMARK_NODE_SOFTBREAK && cmark_node_get_type(end) !=
		    CMARK_NODE_LINEBREAK)
			continue;
		while (wn > 0 && (word[wn - 1] == ' ' || word[wn - 1] == '\t'))
			wn--;
		word[wn] = '\0';
		if (wn < 4 || word[0] != '[' || word[1] != '!' ||
		    word[wn - 1] != ']')
			continue;
		word[wn - 1] = '\0';
		for (k = 0; kinds[k] != NULL &&
		    strcasecmp(kinds[k], word + 2) != 0; k++)
			;
		if (kinds[k] == NULL)
			continue;
		/* GitHub makes an alert only of one with a body. */
		if ((end == NULL || cmark_node_next(end) == NULL) &&
		    cmark_node_next(p) == NULL)
			continue;
		while ((c = cmark_node_first_child(p)) != end)
			cmark_node_free(c);
		if (end != NULL)
			cmark_node_free(end);
		if (cmark_node_first_child(p) == NULL)
			cmark_node_free(p);
		al = cmark_node_new_with_mem(CMARK_NODE_CUSTOM_BLOCK, m->mem);
		cmark_node_set_user_data(al, (void *)(uintptr_t)(HEL_ALERT + k));
		/* A MkDocs admonition's title, in bold above its text. */
		while (ai < m->nadm && m->adm[ai].line <
		    cmark_node_get_start_line(q))
			ai++;
		if (ai < m->nadm && m->adm[ai].line ==
		    cmark_node_get_start_line(q)) {
			cmark_node *tp, *st, *tx;
			tp = cmark_node_new_with_mem(CMARK_NODE_PARAGRAPH,
			    m->mem);
			st = cmark_node_new_with_mem(CMARK_NODE_STRONG, m->mem);
			tx = cmark_node_new_with_mem(CMARK_NODE_TEXT, m->mem);
			cmark_node_set_literal(tx, m->adm[ai].title);
			cmark_node_append_child(st, tx);
			cmark_node_append_child(tp, st);
			cmark_node_append_child(al, tp);
		}
		while ((c = cmark_node_first_child(q)) != NULL)
			cmark_node_append_child(al, c);
		cmark_node_insert_before(q, al);
		cmark_node_free(q);
	}
}

/* Collects related: ids as links positioned at each id. */
static void
related_links(struct mdctx *m)
{
	const struct ynode *rel = ymap_get(m->r->fm, "related");
	size_t i;

	if (rel == NULL || rel->type != Y_SEQ)
		return;
	for (i = 0; i < rel->n; i++)
		if (ystr(rel->items[i]) != NULL)
			add_link(m, LINK_RELATED, rel->items[i]->s,
			    rel->items[i]->slen, rel->items[i]->line,
			    rel->items[i]->col);
}

/* Returns the deepest nesting of the tree, counted without recursion. */
static int
tree_depth(cmark_node *doc)
{
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	int d = 0, max = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node *n = cmark_iter_get_node(it);
		if (cmark_node_first_child(n) == NULL)
			continue;
		if (ev == CMARK_EVENT_ENTER && ++d > max)
			max = d;
		else if (ev == CMARK_EVENT_EXIT)
			d--;
	}
	cmark_iter_free(it);
	return max;
}

/* Returns how many places in s could start an autolink. */
static size_t
autolink_candidates(const char *s, size_t n)
{
	const char *p, *e = s + n;
	size_t k = 0;

	if (n == 0)
		return 0;
	/* Three passes of memchr: fast on text that has none. */
	for (p = s; (p = memchr(p, '@', (size_t)(e - p))) != NULL; p++)
		k++;
	for (p = s; (p = memchr(p, ':', (size_t)(e - p))) != NULL; p++)
		if (e - p > 2 && p[1] == '/' && p[2] == '/')
			k++;
	for (p = s; (p = memchr(p, 'w', (size_t)(e - p))) != NULL; p++)
		if (e - p > 3 && memcmp(p, "www.", 4) == 0)
			k++;
	return k;
}

/*
 * Returns the columns of the GFM table delimiter row s[0..n) ("| --- |
 * :-: |"), or 0 if it is not one.
 */
static size_t
delimiter_cols(const char *s, size_t n)
{
	size_t i = 0, cols = 0;
	int dash = 0, cell = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' ||
	    s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '|')
		i++;
	for (; i < n; i++) {
		switch (s[i]) {
		case '-':
			dash = 1;
			/* FALLTHROUGH */
		case ':':
			cell = 1;
			break;
		case ' ':
		case '\t':
			break;
		case '|':
			if (!dash)
				return 0;
			cols++;
			dash = cell = 0;
			break;
		default:
			return 0;
		}
	}
	if (cell) {
		if (!dash)
			return 0;
		cols++;
	}
	return cols;
}

/*
 * libcmark-gfm pads every row of a table to its header's width: 5,000
 * columns and 4,000 rows are 20 million cells from 28 kB.  Counts the
 * cells of s[0..n)'s tables before the parse; past RBC_MAX_CELLS, each
 * table from the one that crosses it is reported (limit, at its header)
 * and kept from being one: its delimiter row's dashes become blanks in
 * the copy parsed (*copy, to free; same length, same positions).
 */
static void
table_cap(struct runbook *r, const char *s, size_t n, char **copy)
{
	size_t at = 0, next, cols, rows, cells = 0, hdr = 0;
	const char *e;
	int line, col;

	*copy = NULL;
	if (memchr(s, '|', n) == NULL)
		return;
	for (at = 0; at < n; at = next) {
		e = memchr(s + at, '\n', n - at);
		next = e != NULL ? (size_t)(e - s) + 1 : n;
		if (memchr(s + at, '-', next - at) == NULL ||
		    (cols = delimiter_cols(s + at, next - at)) == 0) {
			hdr = at;
			continue;
		}
		/* Its rows: the lines up to a blank one. */
		for (rows = 1; next < n; rows++) {
			size_t k = next;
			while (k < n && (s[k] == ' ' || s[k] == '\t'))
				k++;
			if (k >= n || s[k] == '\n' || s[k] == '\r')
				break;
			e = memchr(s + next, '\n', n - next);
			next = e != NULL ? (size_t)(e - s) + 1 : n;
		}
		if (cols > RBC_MAX_CELLS / (rows + 1) ||
		    cells + cols * (rows + 1) > RBC_MAX_CELLS) {
			size_t k;

			if (*copy == NULL) {
				*copy = xmalloc(n + 1);
				memcpy(*copy, s, n);
				(*copy)[n] = '\0';
			}
			for (k = at; k < n && s[k] != '\n'; k++)
				if (s[k] == '-')
					(*copy)[k] = ' ';
			src_pos(&r->src, (size_t)(s - r->raw.data) + hdr, &line,
			    &col);
			diag_add(&r->diags, r->src.path, line, 1, R_LIMIT,
			    "table of %zu columns and %zu rows: more than %d "
			    "cells in the runbook's tables; shown as text",
			    cols, rows, RBC_MAX_CELLS);
		} else
			cells += cols * (rows + 1);
		hdr = next;
	}
}

/*
 * Drops doc's first H1 if it is only a template expression ("# <%=
 * page_heading %>", which the front-matter's title: stands for).
 */
static void
drop_template_h1(cmark_node *doc)
{
	struct buf b = { NULL, 0, 0 };
	cmark_node *n;

	for (n = cmark_node_first_child(doc); n != NULL;
	    n = cmark_node_next(n))
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) == 1)
			break;
	if (n == NULL)
		return;
	md_text(n, &b, MD_TEXT_IMAGES);
	if (b.len > 0 && template_only(b.data, b.len))
		cmark_node_free(n);
	buf_free(&b);
}

/*
 * Returns a title made from r's file name, for a runbook that has none:
 * "disk_full.md" "Disk full", "no-h1.md" "No h1"; a folder's index.md or
 * README.md is titled by its folder.  Its id when that leaves nothing.
 */
static char *
name_title(struct runbook *r)
{
	const char *path = r->rel != NULL ? r->rel : r->id, *b, *e;
	char *t, *o;
	size_t n;

	e = path + strlen(path);
	if (e - path > 3 && strcmp(e - 3, ".md") == 0)
		e -= 3;
	for (b = e; b > path && b[-1] != '/'; b--)
		;
	n = (size_t)(e - b);
	if (b > path && ((n == 5 && strncasecmp(b, "index", 5) == 0) ||
	    (n == 6 && strncasecmp(b, "README", 6) == 0))) {
		e = b - 1;
		for (b = e; b > path && b[-1] != '/'; b--)
			;
	}
	t = o = arena_alloc(r->arena, (size_t)(e - b) + 1);
	for (; b < e; b++) {
		char c = *b == '_' || *b == '-' ? ' ' : *b;

		if (c == ' ' && (o == t || o[-1] == ' '))
			continue;
		*o++ = c;
	}
	while (o > t && o[-1] == ' ')
		o--;
	*o = '\0';
	if (*t == '\0')
		return r->id;
	if (*t >= 'a' && *t <= 'z')
		*t = (char)(*t - 32);
	return t;
}

/*
 * Parses r's body into r->doc and collects headings and links.  The
 * title falls back to the first H1, then to the id.
 */
void
md_parse(struct site *s, struct runbook *r)
{
	struct mdctx m;
	cmark_parser *p;
	cmark_node *doc;
	char *capped, *adm;
	size_t i, nadm = 0;
	/* Footnotes as GitHub and GitLab show them ("[^1]: text" is no
	 * link definition). */
	int opts = CMARK_OPT_DEFAULT | CMARK_OPT_FOOTNOTES, many;

	cmark_gfm_core_extensions_ensure_registered();
	memset(&m, 0, sizeof(m));
	m.s = s;
	m.r = r;
	m.sl = slugger_new(s->cfg.slugs);
	slugger_reserve(m.sl, page_ids);
	if (!s->cfg.unsafe_html)
		opts |= CMARK_OPT_SAFE;
	/*
	 * A worker holds one tree at a time: cmark-gfm's arena allocator
	 * then saves most of the malloc and free calls (md_free resets it).
	 */
	m.mem = s->tree_arena ? &tree_mem :
	    cmark_get_default_mem_allocator();
	r->doc_arena = s->tree_arena;
	p = cmark_parser_new_with_mem(opts, m.mem);
	/* cmark-gfm's autolink pass costs memory quadratic in the number of
	 * candidates in one paragraph (2.7 GB for 400,000): bounded here. */
	many = autolink_candidates(r->raw.data + r->body_off,
	    r->raw.len - r->body_off) > RBC_MAX_AUTOLINKS;
	if (many)
		diag_add(&r->diags, r->src.path, r->body_line, 1, R_LIMIT,
		    "more than %d possible autolinks: bare URLs and addresses "
		    "are left as text", RBC_MAX_AUTOLINKS);
	for (i = 0; exts[i] != NULL; i++)
		if (!many || strcmp(exts[i], "autolink") != 0)
			cmark_parser_attach_syntax_extension(p,
			    cmark_find_syntax_extension(exts[i]));
	table_cap(r, r->raw.data + r->body_off, r->raw.len - r->body_off,
	    &capped);
	admonitions(&m, capped != NULL ? capped : r->raw.data + r->body_off,
	    r->raw.len - r->body_off, &adm, &nadm);
	if (adm != NULL)
		cmark_parser_feed(p, adm, nadm);
	else
		cmark_parser_feed(p, capped != NULL ? capped : r->raw.data +
		    r->body_off, r->raw.len - r->body_off);
	free(adm);
	free(capped);
	doc = cmark_parser_finish(p);
	cmark_parser_free(p);
	html_sanitize(r, doc, m.mem, s->cfg.unsafe_html);
	gh_alerts(&m, doc);
	for (i = 0; i < m.nadm; i++)
		free(m.adm[i].title);
	free(m.adm);
	/* Renderers recurse over the tree: its depth is bounded here. */
	if (tree_depth(doc) > RBC_MAX_NEST) {
		diag_add(&r->diags, r->src.path, r->body_line, 1, R_LIMIT,
		    "Markdown nested deeper than %d levels: the body is not "
		    "rendered", RBC_MAX_NEST);
		if (m.mem == &tree_mem)
			tree_reset();
		else
			cmark_node_free(doc);
		doc = cmark_node_new_with_mem(CMARK_NODE_DOCUMENT, m.mem);
	}
	r->doc = doc;
	if (ystr(ymap_get(r->fm, "title")))
		drop_template_h1(doc);
	walk(&m, doc, 0);
	add_anchors(&m);
	add_notes(&m);
	related_links(&m);
	slugger_free(m.sl);
	if (r->title == NULL) {
		for (i = 0; i < r->nheads; i++)
			if (r->heads[i].level == 1) {
				r->title = r->heads[i].text;
				break;
			}
		if (r->title == NULL)
			r->title = name_title(r);
	}
}

/* Returns the struct link of a link/image node, or NULL. */
const struct link *
md_node_link(const struct runbook *r, void *node)
{
	uintptr_t k = (uintptr_t)cmark_node_get_user_data(node);
	cmark_node_type t = cmark_node_get_type(node);

	if (k == 0 || k > r->nlinks ||
	    (t != CMARK_NODE_LINK && t != CMARK_NODE_IMAGE))
		return NULL;
	return &r->links[k - 1];
}

/* Returns the struct heading of a heading node, or NULL. */
const struct heading *
md_node_heading(const struct runbook *r, void *node)
{
	uintptr_t k = (uintptr_t)cmark_node_get_user_data(node);

	if (k == 0 || k > r->nheads ||
	    cmark_node_get_type(node) != CMARK_NODE_HEADING)
		return NULL;
	return &r->heads[k - 1];
}

void
md_free(struct runbook *r)
{
	if (r->doc != NULL && r->doc_arena)
		tree_reset();
	else if (r->doc != NULL)
		cmark_node_free(r->doc);
	r->doc = NULL;
	free(r->links);
	r->links = NULL;
	r->nlinks = 0;
	free(r->heads);
	r->heads = NULL;
	r->nheads = 0;
}
