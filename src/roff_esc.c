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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

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

/*
 * groff's names for Latin-1 (U+00A0 to U+00FF; "" for none).  man-db's
 * lexgrog and mandoc's makewhatis read these in a NAME line, where they
 * drop or garble \[uXXXX].
 */
static const char latin1[96][3] = {
	"", "r!", "ct", "Po", "Cs", "Ye", "bb", "sc",
	"ad", "co", "Of", "Fo", "no", "", "rg", "a-",
	"de", "+-", "S2", "S3", "aa", "mc", "ps", "pc",
	"ac", "S1", "Om", "Fc", "14", "12", "34", "r?",
	"`A", "'A", "^A", "~A", ":A", "oA", "AE", ",C",
	"`E", "'E", "^E", ":E", "`I", "'I", "^I", ":I",
	"-D", "~N", "`O", "'O", "^O", "~O", ":O", "mu",
	"/O", "`U", "'U", "^U", ":U", "'Y", "TP", "ss",
	"`a", "'a", "^a", "~a", ":a", "oa", "ae", ",c",
	"`e", "'e", "^e", ":e", "`i", "'i", "^i", ":i",
	"Sd", "~n", "`o", "'o", "^o", "~o", ":o", "di",
	"/o", "`u", "'u", "^u", ":u", "'y", "Tp", ":y",
};

/* Returns groff's two-character name of punctuation cp, or NULL. */
static const char *
punct_name(uint32_t cp)
{
	switch (cp) {
	case 0x2013:
		return "en";
	case 0x2014:
		return "em";
	case 0x2018:
		return "oq";
	case 0x2019:
		return "cq";
	case 0x201c:
		return "lq";
	case 0x201d:
		return "rq";
	default:
		return NULL;
	}
}

/*
 * Returns nothing; writes code point cp as a roff special character, by
 * its groff name where it has one and flags has ROFF_GLYPH.
 */
static void
put_cp(struct buf *b, uint32_t cp, int flags)
{
	const char *name = NULL;

	if (cp == 0xa0) {
		BUF_PUTSL(b, "\\~");
		return;
	}
	if (flags & ROFF_GLYPH) {
		if (cp >= 0xa0 && cp <= 0xff && latin1[cp - 0xa0][0] != '\0')
			name = latin1[cp - 0xa0];
		else
			name = punct_name(cp);
	}
	if (name != NULL)
		buf_printf(b, "\\(%.2s", name);
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
 * Returns the table of the ASCII bytes that go out as they are under
 * flags (made once per flags): a blank too, and a byte that needs an
 * escape only at the start of a line, which roff_esc checks itself.
 */
static const unsigned char *
plain_tab(int flags)
{
	/* 256 entries: the bytes of UTF-8 sequences stay 0. */
	static unsigned char tab[0x40][0x100], made[0x40];
	unsigned char *p, t;
	int c;

	flags &= 0x3f;
	p = tab[flags];
	if (made[flags])
		return p;
	for (c = 0; c < 0x80; c++) {
		t = esc_tab[c];
		p[c] = !(t & E_ALWAYS) && (!(t & E_WS) || c == ' ') &&
		    !((t & E_LIT) && (flags & ROFF_LIT)) &&
		    !((t & E_ARG) && (flags & ROFF_ARG)) &&
		    !((flags & ROFF_UPPER) && c >= 'a' && c <= 'z');
	}
	made[flags] = 1;
	return p;
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
	const unsigned char *pt;
	unsigned char c, t;
	uint32_t cp;
	size_t i, run;
	int k, col = 0, oneline;

	oneline = flags & (ROFF_ARG | ROFF_ONELINE);
	pt = plain_tab(flags);
	for (i = 0; i < n; ) {
		/* The longest run of bytes that go out as they are; at the
		 * start of a line, not a control character nor a blank. */
		c = u[i];
		if (pt[c] && roff_bol(b) &&
		    (((esc_tab[c] & E_BOL) && !(flags & ROFF_ARG)) ||
		    (c == ' ' && !oneline && !(flags & ROFF_NOFILL))))
			run = i;
		else
			for (run = i; run < n && pt[u[run]];
			    run++)
				;
		if (run > i) {
			buf_put(b, s + i, run - i);
			col += (int)(run - i);
			i = run;
			continue;
		}
		c = u[i];
		if (c >= 0x80) {
			if ((k = utf8_decode(s + i, n - i, &cp)) == 0) {
				cp = 0xfffd;
				k = 1;
			}
			put_cp(b, flags & ROFF_UPPER ? upper(cp) : cp, flags);
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
	trim(b);
	if (roff_bol(b))
		BUF_PUTSL(b, "\\&");	/* a last line of blanks */
	roff_nl(b);
}

/*
 * Returns the columns code point cp takes on a terminal, the way groff
 * and mandoc count them (wcwidth): 0 for combining marks, 2 for East
 * Asian wide characters and emoji, else 1.
 */
static size_t
cp_cols(uint32_t cp)
{
	static const uint32_t zero[][2] = {
		{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
		{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0e31, 0x0e3a },
		{ 0x200b, 0x200f }, { 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f },
		{ 0xfe20, 0xfe2f },
	};
	static const uint32_t wide[][2] = {
		{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
		{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
		{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
		{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
		{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
		{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
		{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
		{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
		{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
		{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
		{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
		{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
		{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
		{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
		{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
		{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x18cff },
		{ 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 }, { 0x1f0cf, 0x1f0cf },
		{ 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a }, { 0x1f200, 0x1f251 },
		{ 0x1f300, 0x1f64f }, { 0x1f680, 0x1f6ff }, { 0x1f7e0, 0x1f7eb },
		{ 0x1f90c, 0x1f9ff }, { 0x1fa70, 0x1faff }, { 0x20000, 0x3fffd },
	};
	size_t i;

	for (i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
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
		if (k < n && s[2] == 'u')
			*cols = cp_cols((uint32_t)strtoul(s + 3, NULL, 16));
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

/* roff_token, with a plain ASCII byte (the most of roff text) inline. */
static inline size_t
token(const char *s, size_t n, size_t *cols)
{
	if ((unsigned char)s[0] < 0x80 && s[0] != '\\' &&
	    (n == 1 || ((unsigned char)s[1] & 0xc0) != 0x80)) {
		*cols = 1;
		return 1;
	}
	return roff_token(s, n, cols);
}

/*
 * Returns the columns roff text s[0..n) takes on one line, with the
 * widest blank-separated word in *word.
 */
static int plain(const char *, size_t);

size_t
roff_width(const char *s, size_t n, size_t *word)
{
	size_t i, k, c, total = 0, w = 0;

	*word = 0;
	if (plain(s, n)) {
		/* ASCII without escapes (most table cells): a column a
		 * byte, words between blanks and newlines. */
		for (i = 0; i < n; i++)
			if (s[i] == ' ' || s[i] == '\n')
				w = 0;
			else if (++w > *word)
				*word = w;
		return n;
	}
	for (i = 0; i < n; i += k) {
		k = token(s + i, n - i, &c);
		if (s[i] == ' ' || s[i] == '\n')
			w = 0;
		else if ((w += c) > *word)
			*word = w;
		total += c;
	}
	return total;
}

/*
 * Returns nothing; appends filled text line s[0..n) to o with break
 * points (\:) in every word wider than MAXWORD columns: after each run of
 * '/' and every BREAKEVERY columns, so groff can break a long URL.
 */
#define MAXWORD		40
#define BREAKEVERY	30
static void
break_words(struct buf *o, const char *s, size_t n)
{
	const char *e;
	size_t i, j, k, c, w, since;

	for (i = 0; i < n; ) {
		if (s[i] == ' ') {
			buf_putc(o, ' ');
			i++;
			continue;
		}
		/* One word: short enough in bytes (no character is wider
		 * than its bytes), or its width counted. */
		e = memchr(s + i, ' ', n - i);
		j = e != NULL ? (size_t)(e - s) : n;
		w = 0;
		if (j - i > MAXWORD)
			for (w = 0, j = i; j < n && s[j] != ' '; j += k) {
				k = roff_token(s + j, n - j, &c);
				w += c;
			}
		if (w <= MAXWORD) {
			buf_put(o, s + i, j - i);
			i = j;
			continue;
		}
		for (since = 0; i < j; i += k) {
			k = roff_token(s + i, j - i, &c);
			buf_put(o, s + i, k);
			since += c;
			if (i + k < j && ((s[i] == '/' && s[i + k] != '/') ||
			    since >= BREAKEVERY) && (j - (i + k) < 2 ||
			    memcmp(s + i + k, "\\:", 2) != 0)) {
				BUF_PUTSL(o, "\\:");
				since = 0;
			}
		}
	}
}

/*
 * Returns 1 if s[0..n) has a blank-free run of more than MAXWORD bytes.
 * Eight bytes at a time first: a run of 41 bytes or more covers four
 * whole blocks of eight (at most seven of its bytes lie before the
 * first and seven after the last), so as long as no four blocks in a
 * row are blank-free, there is none; prose has a blank every few bytes.
 */
static int
has_long_run(const char *s, size_t n)
{
	size_t i, run = 0, clear = 0;
	uint64_t x;

	if (n <= MAXWORD)
		return 0;
	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		if (HAS_BYTE(x, REP(' ')))
			clear = 0;
		else if (++clear == 4)
			break;
	}
	if (clear < 4)
		return 0;
	for (i = 0; i < n; i++)
		if (s[i] == ' ')
			run = 0;
		else if (++run > MAXWORD)
			return 1;
	return 0;
}

/* Returns 1 if s[0..n) is ASCII without a backslash: one column a byte. */
static int
plain(const char *s, size_t n)
{
	size_t i = 0;
	uint64_t x;

	/* Eight bytes at a time: no high bit, no byte equal to '\\'. */
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		if ((x & REP(0x80)) != 0 || HAS_BYTE(x, REP('\\')))
			return 0;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == '\\')
			return 0;
	return 1;
}

/* Returns nothing; appends one filled text line, broken to width bytes. */
static void
wrap_line(struct buf *o, const char *s, size_t n, size_t width)
{
	size_t i, k, c, blank, cut;

	while (n > width) {
		blank = 0;
		cut = 0;
		if (plain(s, n < width + 2 ? n : width + 2)) {
			/* Each byte a token of one column: the same
			 * choice, found from the end. */
			for (i = n < 2 ? 0 : n - 2 < width ? n - 2 : width;
			    i > 0; i--)
				if (s[i] == ' ' && s[i + 1] != ' ') {
					blank = i;
					break;
				}
			if (width >= 2)
				cut = width - 2 < n ? width - 2 : n;
		} else
			for (i = 0; i < n; i += k) {
				k = token(s + i, n - i, &c);
				if (s[i] == ' ' && i > 0 && i <= width &&
				    i + 1 < n && s[i + 1] != ' ')
					blank = i;
				if (i + k + 2 <= width)
					cut = i + k;	/* room for "\c" */
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
 * Returns nothing; gives long words of the filled text lines of b (after
 * offset from) break points for groff, then breaks every such line that
 * is longer than width bytes (mandoc -Tlint wants less than 80): at a
 * blank, which filled text treats like a newline, or inside one long word
 * with "\c".  Macro lines and .EX/.EE stay whole, and so do tbl data lines
 * (rbc writes no T{ text blocks); .SH, .SS and .B arguments get break
 * points, being filled text too.
 */
void
roff_wrap(struct buf *b, size_t from, size_t width)
{
	struct buf o = { NULL, 0, 0 }, w = { NULL, 0, 0 }, t;
	const char *d = b->data, *nl;
	size_t s, e, n, keep = 0;	/* d[keep..s) is copied as it is */
	int nofill = 0, tbl = 0, head, longrun;

	if (b->len <= from)
		return;
	for (s = from; s < b->len; s = e + 1) {
		nl = memchr(d + s, '\n', b->len - s);
		e = nl != NULL ? (size_t)(nl - d) : b->len;
		n = e - s;
		if (d[s] == '.' && n >= 3) {
			if (memcmp(d + s, ".EX", 3) == 0)
				nofill = 1;
			else if (memcmp(d + s, ".EE", 3) == 0)
				nofill = 0;
			else if (memcmp(d + s, ".TS", 3) == 0)
				tbl = 1;
			else if (memcmp(d + s, ".TE", 3) == 0)
				tbl = 0;
		}
		if (nofill || tbl || d[s] == '\'')
			continue;
		head = d[s] == '.' && n > 4 && (memcmp(d + s, ".SH ", 4) == 0 ||
		    memcmp(d + s, ".SS ", 4) == 0 || memcmp(d + s, ".B ", 3) == 0);
		if (d[s] == '.' && !head)
			continue;
		longrun = has_long_run(d + s, n);
		if ((head || n <= width) && !longrun)
			continue;
		/* This line changes: copy what came before it (the first
		 * time, d[0..from) too: o becomes the whole of b). */
		if (o.data == NULL)
			buf_grow(&o, b->len + b->len / 8);
		buf_put(&o, d + keep, s - keep);
		keep = e < b->len ? e + 1 : e;
		buf_reset(&w);
		if (head) {
			buf_put(&o, d + s, 3);
			break_words(&o, d + s + 3, n - 3);
			buf_putc(&o, '\n');
			continue;
		}
		if (!longrun) {
			/* break_words() would copy it as it is. */
			wrap_line(&o, d + s, n, width);
			continue;
		}
		break_words(&w, d + s, n);
		wrap_line(&o, w.data, w.len, width);
	}
	if (o.data != NULL) {
		/* What is left, and o in b's place: no copy back. */
		buf_put(&o, d + keep, b->len - keep);
		t = *b;
		*b = o;
		o = t;
	}
	buf_free(&w);
	buf_free(&o);
}
