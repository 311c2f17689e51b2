/*
 * What search finds of a runbook: the words of its title, headings,
 * front-matter values, commands and body, each once with the best place
 * it was found (title first, body last), and the lines a search result
 * shows for a command, a person or a metric.  Made by the scan worker
 * while it has the tree, kept in the scan record, and read by the search
 * index (search.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>

#include "stages.h"

/* A runbook's words, each once: an open-addressing set over the entries
 * of out (field byte, length byte, the word's bytes). */
struct tslot {
	uint32_t	 off;		/* of the entry in out + 1, 0 for empty */
	uint32_t	 hash;
};
struct tset {
	struct buf	*out;
	struct tslot	*slot;
	size_t		 cap, n;
	int		 field;		/* of the words being added */
};

/* A runbook's own words at most: a huge file stays a bounded entry. */
#define TERMS_MAX	20000
/* Lines shown for commands, and the characters of each line. */
#define SHOW_MAX	32
#define SHOW_CHARS	100
#define LEAD_CHARS	160

/*
 * A word's hash for the set, eight bytes at a time.  The words come from
 * terms_words's buffers, which hold eight readable bytes past the end of
 * any word: the bytes past n are masked off, not copied.
 */
uint32_t
terms_hash(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, v;

	for (;;) {
		memcpy(&v, s, 8);
		if (n < 8)
			v &= n == 0 ? 0 : ~(uint64_t)0 >> (64 - 8 * n);
		h = (h ^ v) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		if (n <= 8)
			break;
		s += 8;
		n -= 8;
	}
	return (uint32_t)(h ^ (h >> 29));
}

static void
tset_grow(struct tset *t)
{
	size_t cap = t->cap * 2, i, j;
	struct tslot *slot = xcalloc(cap, sizeof(*slot));

	for (i = 0; i < t->cap; i++) {
		if (t->slot[i].off == 0)
			continue;
		j = t->slot[i].hash & (cap - 1);
		while (slot[j].off != 0)
			j = (j + 1) & (cap - 1);
		slot[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = slot;
	t->cap = cap;
}

/* Adds word w (n bytes) with t's field, or lowers its field. */
static void
tset_add(void *arg, const char *w, size_t n)
{
	struct tset *t = arg;
	uint32_t h = terms_hash(w, n);
	size_t j;
	char *e;

	if (t->n * 2 >= t->cap) {
		if (t->n >= TERMS_MAX)
			return;
		tset_grow(t);
	}
	j = h & (t->cap - 1);
	while (t->slot[j].off != 0) {
		if (t->slot[j].hash == h) {
			e = t->out->data + t->slot[j].off - 1;
			if ((unsigned char)e[1] == n &&
			    memcmp(e + 2, w, n) == 0) {
				if (e[0] > '0' + t->field)
					e[0] = (char)('0' + t->field);
				return;
			}
		}
		j = (j + 1) & (t->cap - 1);
	}
	t->slot[j].off = (uint32_t)t->out->len + 1;
	t->slot[j].hash = h;
	if (t->out->cap - t->out->len <= n + 2)
		buf_grow(t->out, n + 2);
	e = t->out->data + t->out->len;
	e[0] = (char)('0' + t->field);
	e[1] = (char)n;
	memcpy(e + 2, w, n);
	e[n + 2] = '\0';
	t->out->len += n + 2;
	t->n++;
}

/* ------------------------------------------------------------ words */

/* Han, kana and Hangul: written without spaces, indexed by pairs. */
static int
is_cjk(uint32_t c)
{
	return (c >= 0x3040 && c <= 0x30ff) || (c >= 0x3400 && c <= 0x4dbf) ||
	    (c >= 0x4e00 && c <= 0x9fff) || (c >= 0xac00 && c <= 0xd7af) ||
	    (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x3ffff);
}

/* Spaces and punctuation outside ASCII: they end a word. */
static int
is_sep(uint32_t c)
{
	return (c >= 0x80 && c <= 0xbf) || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff0f) ||
	    (c >= 0xff1a && c <= 0xff20) || (c >= 0xff3b && c <= 0xff40) ||
	    (c >= 0xff5b && c <= 0xff65) || c == 0xfeff || c == 0xfffd ||
	    c == 0x061c;
}

#define WORD_MAX	64

/* ASCII letters (lower-cased), digits and '_': what a word is made of;
 * 0 for the rest. */
static const unsigned char ascii_word[256] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['_'] = '_',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
};

/* A word of w (n bytes, ASCII lower-cased): itself, and when it has an
 * underscore, each of its parts too (pg_stat_replication: stat). */
static void
word(const char *w, size_t n, size_t chars, int us, term_fn emit, void *arg)
{
	size_t i, from;

	if (chars < 2 || n > WORD_MAX)
		return;
	emit(arg, w, n);
	if (!us)
		return;
	for (i = from = 0; i <= n; i++)
		if (i == n || w[i] == '_') {
			if (i - from >= 2 && i - from < n)
				emit(arg, w + from, i - from);
			from = i + 1;
		}
}

/*
 * Calls emit(arg, word, len) for each word of s (n bytes), as search.js
 * splits a query: runs of ASCII letters, digits and underscores and of
 * other letters, ASCII lower-cased, of two characters or more; CJK runs
 * as their pairs of characters (a lone character as itself).
 */
void
terms_words(const char *s, size_t n, term_fn emit, void *arg)
{
	/* Eight bytes to spare past any word: term_hash reads them. */
	char w[WORD_MAX + 16] = { 0 };
	size_t i = 0, wl = 0, wc = 0, cl = 0;
	uint32_t c;
	int k, cn = 0;	/* CJK characters in the run */
	int us = 0;	/* the word has an underscore */
	char cb[8] = { 0 };	/* the last CJK character's bytes */

	while (i <= n) {
		/* A run of ASCII word bytes, the bulk of any text, at once. */
		if (cn == 0 && i < n && ascii_word[(unsigned char)s[i]]) {
			size_t j = i;
			unsigned char b;
			while (j < n && (b = ascii_word[(unsigned char)s[j]])) {
				if (wl <= WORD_MAX)
					w[wl] = (char)b;
				wl++;
				us |= b == '_';
				j++;
			}
			wc += j - i;
			i = j;
			if (i < n && (unsigned char)s[i] >= 0x80)
				continue;	/* a letter beyond ASCII */
			word(w, wl, wc, us, emit, arg);
			wl = wc = 0;
			us = 0;
			i += i < n;		/* the separator */
			continue;
		}
		if (i == n) {
			c = ' ';
			k = 1;
		} else if ((unsigned char)s[i] < 0x80) {
			c = (unsigned char)s[i];
			k = 1;
		} else if ((k = utf8_decode(s + i, n - i, &c)) <= 0) {
			c = 0xfffd;
			k = 1;
		}
		if (is_cjk(c)) {
			if (wl > 0)
				word(w, wl, wc, us, emit, arg);
			wl = wc = 0;
			us = 0;
			if (cn > 0) {
				char pair[16] = { 0 };
				memcpy(pair, cb, cl);
				memcpy(pair + cl, s + i, (size_t)k);
				emit(arg, pair, cl + (size_t)k);
			}
			memset(cb, 0, sizeof(cb));
			memcpy(cb, s + i, (size_t)k);
			cl = (size_t)k;
			cn++;
			i += (size_t)k;
			continue;
		}
		if (cn == 1) {
			char one[16] = { 0 };
			memcpy(one, cb, cl);
			emit(arg, one, cl);
		}
		cn = 0;
		if ((c < 0x80 && (c == '_' || (c >= '0' && c <= '9') ||
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) ||
		    (c >= 0x80 && !is_sep(c))) {
			if (wl + (size_t)k <= WORD_MAX) {
				if (c >= 'A' && c <= 'Z')
					w[wl] = (char)(c + 32);
				else
					memcpy(w + wl, s + i, (size_t)k);
			}
			us |= c == '_';
			wl += (size_t)k;
			wc++;
		} else {
			if (wl > 0)
				word(w, wl, wc, us, emit, arg);
			wl = wc = 0;
			us = 0;
		}
		i += (size_t)k;
	}
}

static void
add_text(struct tset *t, int field, const char *s)
{
	if (s == NULL)
		return;
	t->field = field;
	terms_words(s, strlen(s), tset_add, t);
}

/* Appends a line shown for a result: kind, at most SHOW_CHARS characters
 * of s (n bytes, spaces folded), NUL. */
static void
show(struct buf *o, int kind, const char *s, size_t n, size_t max)
{
	size_t i, chars = 0, start = o->len;
	int sp = 0;

	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) {
		s++;
		n--;
	}
	if (n == 0)
		return;
	buf_putc(o, kind);
	for (i = 0; i < n && chars < max; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0) {
			sp = 1;
			continue;
		}
		if (sp)
			buf_putc(o, ' ');
		sp = 0;
		buf_putc(o, (char)c);
		chars += (c & 0xc0) != 0x80;
	}
	/* Cut at a character's start. */
	while (o->len > start + 1 && ((unsigned char)o->data[o->len - 1] &
	    0xc0) == 0x80 && i < n && ((unsigned char)s[i] & 0xc0) == 0x80) {
		o->len--;
		i--;
	}
	buf_putc(o, '\0');
}

/* ------------------------------------------------------------ the body */

struct walk {
	struct tset	*t;
	struct buf	*show;		/* the shown lines */
	size_t		 nshow;
	struct buf	 lead;		/* the first paragraph's text */
	int		 lead_done;
};

static void
command(struct walk *w, const char *s, size_t n, int block)
{
	const char *e, *end = s + n;

	w->t->field = TF_COMMAND;
	terms_words(s, n, tset_add, w->t);
	while (s < end && w->nshow < SHOW_MAX) {
		e = memchr(s, '\n', (size_t)(end - s));
		if (e == NULL)
			e = end;
		/* A line of a block that is only a comment or a prompt's
		 * output is still what was typed: shown as it is. */
		if (e > s && (block || e - s >= 2)) {
			size_t before = w->show->len;
			show(w->show, 'c', s, (size_t)(e - s), SHOW_CHARS);
			w->nshow += w->show->len > before;
		}
		s = e + 1;
	}
}

static void
walk_body(struct walk *w, cmark_node *root)
{
	cmark_iter *it = cmark_iter_new(root);
	cmark_event_type ev;
	cmark_node *n;
	int skip = 0, para = 0;

	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		cmark_node_type ty;
		const char *lit;

		n = cmark_iter_get_node(it);
		ty = cmark_node_get_type(n);
		if (ty == CMARK_NODE_HEADING) {
			/* Its words are the heading's (r->heads). */
			skip += ev == CMARK_EVENT_ENTER ? 1 : -1;
			continue;
		}
		if (ty == CMARK_NODE_PARAGRAPH && !w->lead_done && !skip) {
			if (ev == CMARK_EVENT_ENTER)
				para = 1;
			else {
				para = 0;
				w->lead_done = w->lead.len > 0;
			}
			continue;
		}
		if (ev != CMARK_EVENT_ENTER || skip)
			continue;
		lit = cmark_node_get_literal(n);
		if (lit == NULL)
			continue;
		switch (ty) {
		case CMARK_NODE_TEXT:
			w->t->field = TF_BODY;
			terms_words(lit, strlen(lit), tset_add, w->t);
			break;
		case CMARK_NODE_CODE:
			command(w, lit, strlen(lit), 0);
			break;
		case CMARK_NODE_CODE_BLOCK:
			command(w, lit, strlen(lit), 1);
			break;
		default:
			break;
		}
		if (para && (ty == CMARK_NODE_TEXT || ty == CMARK_NODE_CODE) &&
		    w->lead.len < LEAD_CHARS * 4)
			buf_puts(&w->lead, lit);
		else if (para && (ty == CMARK_NODE_SOFTBREAK ||
		    ty == CMARK_NODE_LINEBREAK))
			buf_putc(&w->lead, ' ');
	}
	cmark_iter_free(it);
}

/* ------------------------------------------------------ front-matter */

static void
fm_person(struct tset *t, struct buf *o, const char *name)
{
	if (name == NULL || *name == '\0')
		return;
	add_text(t, TF_PERSON, name);
	show(o, 'p', name, strlen(name), SHOW_CHARS);
}

static void
fm_values(struct tset *t, struct buf *o, const struct site *s,
    const struct runbook *r)
{
	const struct ynode *v, *e, *c;
	size_t i;

	if ((v = ymap_get(r->fm, "tags")) != NULL && v->type == Y_SEQ)
		for (i = 0; i < v->n; i++)
			add_text(t, TF_TAG, ystr(v->items[i]));
	if ((v = ymap_get(r->fm, "contacts")) != NULL && v->type == Y_SEQ)
		for (i = 0; i < v->n; i++)
			if ((e = v->items[i])->type == Y_MAP)
				fm_person(t, o, ystr(ymap_get(e, "name")));
	if ((v = ymap_get(r->fm, "escalation")) != NULL && v->type == Y_SEQ)
		for (i = 0; i < v->n; i++) {
			const char *id;
			if ((e = v->items[i])->type != Y_MAP)
				continue;
			fm_person(t, o, ystr(ymap_get(e, "who")));
			/* A site-wide contact the runbook names. */
			id = ystr(ymap_get(e, "contact"));
			if (id != NULL && ymap_get(r->fm, "contacts") == NULL &&
			    (c = contact_find(s, r, id)) != NULL)
				fm_person(t, o, ystr(ymap_get(c, "name")));
		}
	if ((v = ymap_get(r->fm, "thresholds")) != NULL && v->type == Y_SEQ)
		for (i = 0; i < v->n; i++) {
			const char *m;
			if ((e = v->items[i])->type != Y_MAP ||
			    (m = ystr(ymap_get(e, "metric"))) == NULL)
				continue;
			add_text(t, TF_METRIC, m);
			show(o, 'm', m, strlen(m), SHOW_CHARS);
		}
}

/*
 * Appends what search finds of r to out: the lines a result shows
 * ("c" a command, "p" a person, "m" a metric, "l" the first paragraph
 * when there is no summary), each a kind byte, the text and a NUL; then
 * a NUL; then each word once: its best field ('0' + enum term_field),
 * its length (a byte: a word is at most WORD_MAX bytes) and its bytes.
 * Deterministic: the order is the text's.  r may be light (no tree, no
 * front-matter): then only what it keeps is read.
 */
void
terms_collect(const struct site *s, const struct runbook *r, struct buf *out)
{
	struct buf words = { NULL, 0, 0 };
	struct tset t;
	struct walk w;
	size_t i;

	memset(&t, 0, sizeof(t));
	memset(&w, 0, sizeof(w));
	t.out = &words;
	t.cap = 4096;
	t.slot = xcalloc(t.cap, sizeof(*t.slot));
	buf_grow(&words, 8192);
	add_text(&t, TF_TITLE, r->title);
	for (i = 0; i < r->nheads; i++)
		if (r->heads[i].level > 0)	/* not an anchor's id */
			add_text(&t, TF_HEADING, r->heads[i].text);
	add_text(&t, TF_PERSON, r->owner);
	if (r->owner != NULL)
		show(out, 'p', r->owner, strlen(r->owner), SHOW_CHARS);
	add_text(&t, TF_SERVICE, r->service);
	add_text(&t, TF_SUMMARY, r->summary);
	fm_values(&t, out, s, r);
	w.t = &t;
	w.show = out;
	if (r->doc != NULL)
		walk_body(&w, r->doc);
	if ((r->summary == NULL || *r->summary == '\0') && w.lead.len > 0)
		show(out, 'l', w.lead.data, w.lead.len, LEAD_CHARS);
	buf_putc(out, '\0');
	buf_put(out, words.data, words.len);
	buf_free(&w.lead);
	buf_free(&words);
	free(t.slot);
}
