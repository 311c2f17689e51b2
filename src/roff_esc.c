/*
 * roff escaping, per context: filled text, code (literal glyphs), no-fill
 * lines of a code block, and macro arguments.  Whether a byte starts an
 * input line is decided from what the output buffer already holds (the way
 * lowdown's roff_escape.c does it), never from the input position, so a
 * '.' or '\'' can never become a request, whatever came before it.
 *
 * A 128-entry table (md4c's approach) says which ASCII bytes need work;
 * every non-ASCII code point becomes \[uXXXX] and every byte that is not
 * UTF-8 becomes \[uFFFD].
 */
#include <stdlib.h>
#include <string.h>

#include "rbc.h"

/* Bits of esc_tab: what a byte may need. */
#define E_ALWAYS	0x01	/* escaped in every context */
#define E_BOL		0x02	/* escaped at the start of an input line */
#define E_LIT		0x04	/* escaped in code (ROFF_LIT) */
#define E_ARG		0x08	/* escaped in macro arguments */
#define E_WS		0x10	/* whitespace, newline or control */

static const unsigned char esc_tab[128] = {
	['\\'] = E_ALWAYS,
	['`'] = E_ALWAYS,	/* groff prints a left quote */
	['^'] = E_ALWAYS,	/* a modifier circumflex */
	['~'] = E_ALWAYS,	/* a modifier tilde */
	['.'] = E_BOL,
	['\''] = E_BOL | E_LIT,	/* groff prints a right quote */
	['-'] = E_LIT,		/* groff prints a hyphen, not a minus */
	['"'] = E_ARG,
	[' '] = E_WS, ['\t'] = E_WS, ['\n'] = E_WS, ['\r'] = E_WS,
	[0x00] = E_WS, [0x01] = E_WS, [0x02] = E_WS, [0x03] = E_WS,
	[0x04] = E_WS, [0x05] = E_WS, [0x06] = E_WS, [0x07] = E_WS,
	[0x08] = E_WS, [0x0b] = E_WS, [0x0c] = E_WS, [0x0e] = E_WS,
	[0x0f] = E_WS, [0x10] = E_WS, [0x11] = E_WS, [0x12] = E_WS,
	[0x13] = E_WS, [0x14] = E_WS, [0x15] = E_WS, [0x16] = E_WS,
	[0x17] = E_WS, [0x18] = E_WS, [0x19] = E_WS, [0x1a] = E_WS,
	[0x1b] = E_WS, [0x1c] = E_WS, [0x1d] = E_WS, [0x1e] = E_WS,
	[0x1f] = E_WS, [0x7f] = E_WS,
};

/* Returns 1 if the next byte written to b starts an input line. */
int
roff_bol(const struct buf *b)
{
	return b->len == 0 || b->data[b->len - 1] == '\n';
}

/* Returns nothing; drops blanks at the end of b. */
static void
trim(struct buf *b)
{
	while (b->len > 0 && (b->data[b->len - 1] == ' ' ||
	    b->data[b->len - 1] == '\t'))
		b->len--;
	if (b->data != NULL)
		b->data[b->len] = '\0';
}

/*
 * Returns nothing; ends the current input line, if one is open, without
 * trailing blanks.  Never writes an empty line.
 */
void
roff_nl(struct buf *b)
{
	trim(b);
	if (!roff_bol(b))
		buf_putc(b, '\n');
}

/*
 * Returns the upper case of cp for the alphabets a heading is likely to
 * use (Latin-1, Latin Extended-A, Greek, Cyrillic), else cp.
 */
static uint32_t
upper(uint32_t cp)
{
	if ((cp >= 0xe0 && cp <= 0xfe && cp != 0xf7) ||
	    (cp >= 0x3b1 && cp <= 0x3cb && cp != 0x3c2) ||
	    (cp >= 0x430 && cp <= 0x44f))
		return cp - 0x20;
	if (cp == 0xff)
		return 0x178;
	if (cp >= 0x450 && cp <= 0x45f)
		return cp - 0x50;
	/* Latin Extended-A: pairs, upper case first. */
	if ((cp >= 0x100 && cp <= 0x137 && (cp & 1)) ||
	    (cp >= 0x14a && cp <= 0x177 && (cp & 1)))
		return cp - 1;
	if ((cp >= 0x139 && cp <= 0x148 && !(cp & 1)) ||
	    (cp >= 0x179 && cp <= 0x17e && !(cp & 1)))
		return cp - 1;
	return cp;
}

/* Returns nothing; writes code point cp as a roff special character. */
static void
put_cp(struct buf *b, uint32_t cp)
{
	if (cp == 0xa0)
		BUF_PUTSL(b, "\\~");
	else
		buf_printf(b, "\\[u%04X]", (unsigned)cp);
}

/* Returns nothing; writes the escape for ASCII byte c, which needs one. */
static void
put_special(struct buf *b, unsigned char c, int flags)
{
	switch (c) {
	case '\\':
		BUF_PUTSL(b, "\\e");
		break;
	case '`':
		BUF_PUTSL(b, "\\(ga");
		break;
	case '^':
		BUF_PUTSL(b, "\\(ha");
		break;
	case '~':
		BUF_PUTSL(b, "\\(ti");
		break;
	case '"':
		BUF_PUTSL(b, "\\(dq");
		break;
	case '-':
		BUF_PUTSL(b, "\\-");
		break;
	case '\'':
		/* Code: the ASCII glyph; text: only escaped at BOL. */
		if (flags & ROFF_LIT)
			BUF_PUTSL(b, "\\(aq");
		else
			BUF_PUTSL(b, "\\&'");
		break;
	case '.':
		BUF_PUTSL(b, "\\&.");
		break;
	default:
		buf_putc(b, c);
		break;
	}
}

/*
 * Returns nothing; appends s[0..n) to b, escaped for the context in flags
 * (ROFF_LIT, ROFF_ARG, ROFF_NOFILL, ROFF_ONELINE, ROFF_UPPER; see rbc.h).
 *
 * Filled text: newlines end the input line (never leaving an empty one),
 * blanks at the start of a line are dropped (they would break the line),
 * tabs and control characters become spaces.  No-fill (a code block):
 * leading blanks stay, tabs expand to 8-column stops, an empty line
 * becomes "\&".  Arguments and one-line text: newlines are spaces.
 */
void
roff_esc(struct buf *b, const char *s, size_t n, int flags)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned char c, t;
	uint32_t cp;
	size_t i, run;
	size_t wordend = 0, since = 0, w;
	int k, col = 0, oneline, filled, longword = 0, brk;

	oneline = flags & (ROFF_ARG | ROFF_ONELINE);
	filled = !oneline && !(flags & ROFF_NOFILL);
	for (i = 0; i < n; ) {
		/*
		 * A word longer than a line (a URL) gets break points, \:
		 * after each '/' and every 50 characters, or groff cannot
		 * break the line.
		 */
		if (filled && i >= wordend && u[i] != ' ' && u[i] != '\t' &&
		    u[i] != '\n') {
			for (w = i; w < n && u[w] != ' ' && u[w] != '\t' &&
			    u[w] != '\n'; w++)
				;
			wordend = w;
			longword = utf8_count(s + i, w - i) > 60;
			since = 0;
		}
		/* The longest run of bytes that go out as they are. */
		brk = 0;
		for (run = i; run < n; run++) {
			c = u[run];
			if (c >= 0x80)
				break;
			t = esc_tab[c];
			if (t & (E_ALWAYS | E_WS))
				break;
			if ((t & E_LIT) && (flags & ROFF_LIT))
				break;
			if ((t & E_ARG) && (flags & ROFF_ARG))
				break;
			if ((t & E_BOL) && !(flags & ROFF_ARG) &&
			    roff_bol(b) && run == i)
				break;
			if ((flags & ROFF_UPPER) && c >= 'a' && c <= 'z')
				break;
			col++;
			if (longword && ((c == '/' && (run + 1 >= n ||
			    u[run + 1] != '/')) || ++since >= 50)) {
				run++;
				brk = 1;
				break;
			}
		}
		if (run > i) {
			buf_put(b, s + i, run - i);
			i = run;
			if (brk && i < wordend) {
				BUF_PUTSL(b, "\\:");
				since = 0;
			}
			continue;
		}
		c = u[i];
		if (c >= 0x80) {
			if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
				cp = 0xfffd;
				k = 1;
			}
			put_cp(b, flags & ROFF_UPPER ? upper(cp) : cp);
			i += (size_t)k;
			col++;
			continue;
		}
		t = esc_tab[c];
		i++;
		if ((flags & ROFF_UPPER) && c >= 'a' && c <= 'z') {
			buf_putc(b, c - 'a' + 'A');
			col++;
			continue;
		}
		if (!(t & E_WS)) {
			put_special(b, c, flags);
			col++;
			continue;
		}
		/* Whitespace, newlines and control characters. */
		if (c == '\n' && !oneline) {
			if (flags & ROFF_NOFILL) {
				trim(b);
				if (roff_bol(b))
					BUF_PUTSL(b, "\\&");
			}
			roff_nl(b);
			col = 0;
			continue;
		}
		if (c == '\t' && (flags & ROFF_NOFILL) && !oneline) {
			do {
				buf_putc(b, ' ');
			} while (++col % 8 != 0);
			continue;
		}
		if (c != ' ' && c != '\t' && c != '\n')
			continue;	/* control characters vanish */
		/* A blank: never at the start of a filled line. */
		if (!oneline && !(flags & ROFF_NOFILL) && roff_bol(b))
			continue;
		buf_putc(b, ' ');
		col++;
	}
}

/* Returns nothing; appends filled text. */
void
roff_esc_text(struct buf *b, const char *s, size_t n)
{
	roff_esc(b, s, n, 0);
}

/* Returns nothing; appends the inside of a quoted macro argument. */
void
roff_esc_arg(struct buf *b, const char *s, size_t n)
{
	roff_esc(b, s, n, ROFF_ARG);
}

/* Returns nothing; appends code in filled text (ASCII glyphs kept). */
void
roff_esc_code(struct buf *b, const char *s, size_t n)
{
	roff_esc(b, s, n, ROFF_LIT);
}

/*
 * Returns nothing; appends the lines of a code block for .EX/.EE: every
 * line ends with a newline, and none is empty or starts a request.
 */
void
roff_esc_block(struct buf *b, const char *s, size_t n)
{
	roff_nl(b);
	if (n > 0 && s[n - 1] == '\n')
		n--;
	roff_esc(b, s, n, ROFF_LIT | ROFF_NOFILL);
	if (roff_bol(b))
		BUF_PUTSL(b, "\\&");
	roff_nl(b);
}

/*
 * Returns the length in bytes of the character or escape sequence at
 * s[0..n) (as roff_esc and rbc's writers produce them), with the columns
 * it takes on a terminal in *cols: fonts, \& \% \c take none.
 */
size_t
roff_token(const char *s, size_t n, size_t *cols)
{
	size_t k;

	*cols = 1;
	if (s[0] != '\\' || n < 2) {
		for (k = 1; k < n && ((unsigned char)s[k] & 0xc0) == 0x80; k++)
			;
		return k;
	}
	switch (s[1]) {
	case '(':
		return n < 4 ? n : 4;
	case '[':
		for (k = 2; k < n && s[k] != ']'; k++)
			;
		return k < n ? k + 1 : n;
	case 'f':
		*cols = 0;
		if (n > 2 && s[2] == '(')
			return n < 5 ? n : 5;
		if (n > 2 && s[2] == '[') {
			for (k = 3; k < n && s[k] != ']'; k++)
				;
			return k < n ? k + 1 : n;
		}
		return n < 3 ? n : 3;
	case '&':
	case '%':
	case ':':
	case 'c':
		*cols = 0;
		return 2;
	default:
		return 2;
	}
}

/*
 * Returns the columns roff text s[0..n) takes on one line, with the
 * widest blank-separated word in *word.
 */
size_t
roff_width(const char *s, size_t n, size_t *word)
{
	size_t i, k, c, total = 0, w = 0;

	*word = 0;
	for (i = 0; i < n; i += k) {
		k = roff_token(s + i, n - i, &c);
		if (s[i] == ' ' || s[i] == '\n')
			w = 0;
		else if ((w += c) > *word)
			*word = w;
		total += c;
	}
	return total;
}

/* Returns nothing; appends one filled text line, broken to width bytes. */
static void
wrap_line(struct buf *o, const char *s, size_t n, size_t width)
{
	size_t i, k, c, blank, cut;

	while (n > width) {
		blank = 0;
		cut = 0;
		for (i = 0; i < n; i += k) {
			k = roff_token(s + i, n - i, &c);
			if (s[i] == ' ' && i > 0 && i <= width &&
			    i + 1 < n && s[i + 1] != ' ')
				blank = i;
			if (i + k + 2 <= width)
				cut = i + k;	/* room for "\c" after it */
			if (i > width)
				break;
		}
		if (blank > 0) {
			buf_put(o, s, blank);
			trim(o);
			buf_putc(o, '\n');
			s += blank + 1;
			n -= blank + 1;
		} else if (cut > 0) {
			/* One long word: joined again by \c. */
			buf_put(o, s, cut);
			BUF_PUTSL(o, "\\c\n");
			s += cut;
			n -= cut;
		} else
			break;
		while (n > 0 && s[0] == ' ')
			s++, n--;
		if (n > 0 && (s[0] == '.' || s[0] == '\''))
			BUF_PUTSL(o, "\\&");
	}
	buf_put(o, s, n);
	buf_putc(o, '\n');
}

/*
 * Returns nothing; breaks every filled text line of b after offset from
 * that is longer than width bytes (mandoc's style limit is 80): at a
 * blank, which filled text treats like a newline, or, inside one long
 * word, with "\c".  Macro lines, .EX/.EE and tbl data stay whole; text
 * blocks (T{ T}) are filled and are broken too.
 */
void
roff_wrap(struct buf *b, size_t from, size_t width)
{
	struct buf o = { NULL, 0, 0 };
	size_t s, e, n;
	int nofill = 0, tbl = 0, block = 0;

	if (b->len <= from)
		return;
	buf_put(&o, b->data, from);
	for (s = from; s < b->len; s = e + 1) {
		for (e = s; e < b->len && b->data[e] != '\n'; e++)
			;
		n = e - s;
		if (n >= 3 && memcmp(b->data + s, ".EX", 3) == 0)
			nofill = 1;
		else if (n >= 3 && memcmp(b->data + s, ".EE", 3) == 0)
			nofill = 0;
		else if (n >= 3 && memcmp(b->data + s, ".TS", 3) == 0)
			tbl = 1;
		else if (n >= 3 && memcmp(b->data + s, ".TE", 3) == 0)
			tbl = block = 0;
		else if (tbl && n >= 2 && memcmp(b->data + s, "T}", 2) == 0)
			block = 0;
		if (n <= width || nofill || (tbl && !block) ||
		    b->data[s] == '.' || b->data[s] == '\'') {
			buf_put(&o, b->data + s, n);
			if (e < b->len)
				buf_putc(&o, '\n');
		} else
			wrap_line(&o, b->data + s, n, width);
		if (tbl && n >= 2 && memcmp(b->data + e - 2, "T{", 2) == 0)
			block = 1;
	}
	free(b->data);
	*b = o;
	buf_cstr(b);
}
