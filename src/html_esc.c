/*
 * HTML escaping, per context: text, attribute value, URL.  Table-driven
 * (md4c's approach): one 256-entry table says which bytes need work.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "util.h"

/* The bytes to escape: [0] in text, [1] in attribute values. */
static const unsigned char esc_tab[2][256] = {
	{ ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1 },
	{ ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1 },
};

/*
 * Returns how many bytes of s (n) need no escaping, apostrophes too when
 * apos: eight at a time while none does, then one at a time.
 */
size_t
html_plain_span(const char *s, size_t n, int apos)
{
	const unsigned char *tab = esc_tab[apos != 0];
	uint64_t x;
	size_t i = 0;

#ifdef __SSE2__
	/* Sixteen at a time where the CPU has SSE2 (every x86-64). */
	const __m128i amp = _mm_set1_epi8('&'), lt = _mm_set1_epi8('<'),
	    gt = _mm_set1_epi8('>'), quot = _mm_set1_epi8('"'),
	    ap = _mm_set1_epi8(apos ? '\'' : '&');

	for (; i + 16 <= n; i += 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)
		    (s + i));
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, amp),
		    _mm_cmpeq_epi8(v, lt)), _mm_or_si128(_mm_cmpeq_epi8(v,
		    gt), _mm_or_si128(_mm_cmpeq_epi8(v, quot),
		    _mm_cmpeq_epi8(v, ap))));
		if (_mm_movemask_epi8(m) != 0)
			break;
	}
#endif
	for (; i + 8 <= n; i += 8) {
		memcpy(&x, s + i, 8);
		if (HAS_BYTE(x, REP('&')) | HAS_BYTE(x, REP('<')) |
		    HAS_BYTE(x, REP('>')) | HAS_BYTE(x, REP('"')) |
		    (apos ? HAS_BYTE(x, REP('\'')) : 0))
			break;
	}
	for (; i < n; i++)
		if (tab[(unsigned char)s[i]])
			break;
	return i;
}

static void
esc(struct buf *b, const char *s, size_t n, int level)
{
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c;
		i += html_plain_span(s + i, n - i, level > 1);
		if (i == n)
			break;
		c = (unsigned char)s[i];
		buf_put(b, s + run, i - run);
		run = i + 1;
		switch (c) {
		case '&':
			BUF_PUTSL(b, "&amp;");
			break;
		case '<':
			BUF_PUTSL(b, "&lt;");
			break;
		case '>':
			BUF_PUTSL(b, "&gt;");
			break;
		case '"':
			BUF_PUTSL(b, "&quot;");
			break;
		default:
			BUF_PUTSL(b, "&#39;");
			break;
		}
	}
	buf_put(b, s + run, n - run);
}

/* Escapes text content. */
void
html_esc_text(struct buf *b, const char *s, size_t n)
{
	esc(b, s, n, 1);
}

/* Escapes a quoted attribute value. */
void
html_esc_attr(struct buf *b, const char *s, size_t n)
{
	esc(b, s, n, 2);
}

/*
 * Returns 1 if s is an absolute http or https URL whose authority is a
 * host (and port) alone: no user:password@ or other text before the host
 * that a reader would take for it, no space or control character.
 */
int
url_http_absolute(const char *s)
{
	const char *p;

	if (strncasecmp(s, "https://", 8) == 0)
		p = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		p = s + 7;
	else
		return 0;
	if (*p == '\0' || *p == '/' || *p == '\\' || *p == ':')
		return 0;
	for (; *p != '\0' && *p != '/' && *p != '?' && *p != '#'; p++)
		if (*p == '@' || *p == '\\' || (unsigned char)*p <= 0x20 ||
		    *p == 0x7f)
			return 0;
	for (; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/*
 * Returns 1 if the URL may be linked: no scheme (relative), or http,
 * https, mailto, tel.  Browsers drop tabs and newlines inside a scheme
 * and ignore leading blanks and controls, so those are skipped as they
 * would be ("java\tscript:" is javascript:).
 */
int
url_safe(const char *s, size_t n)
{
	static const char *const ok[] = { "http", "https", "mailto", "tel",
	    NULL };
	char scheme[16];
	size_t i = 0, k = 0;

	while (i < n && (unsigned char)s[i] <= 0x20)
		i++;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			break;
		if (c == '/' || c == '?' || c == '#')
			return 1;	/* no scheme: relative */
		if (!isalnum(c) && c != '+' && c != '-' && c != '.')
			return 1;	/* not a scheme: a relative path */
		if (k + 1 >= sizeof(scheme))
			return 0;
		scheme[k++] = (char)tolower(c);
	}
	if (i == n)
		return 1;
	scheme[k] = '\0';
	for (k = 0; ok[k] != NULL; k++)
		if (strcmp(scheme, ok[k]) == 0)
			return 1;
	return 0;
}

/* Characters left alone in an href (cmark's houdini set). */
static const unsigned char url_ok[256] = {
	['-'] = 1, ['_'] = 1, ['.'] = 1, ['~'] = 1, ['!'] = 1, ['*'] = 1,
	['\''] = 1, ['('] = 1, [')'] = 1, [';'] = 1, [':'] = 1, ['@'] = 1,
	['&'] = 1, ['='] = 1, ['+'] = 1, ['$'] = 1, [','] = 1, ['/'] = 1,
	['?'] = 1, ['#'] = 1, ['%'] = 1,
};

/*
 * Writes a URL for an href attribute: bytes outside the safe set are
 * percent-encoded, & and ' become entities.  Unsafe schemes must have
 * been dropped by the caller (url_safe).
 */
void
html_esc_url(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *auth = NULL, *slashes;
	size_t i, authlen = 0;

	/* Brackets stay only around an IPv6 host: http://[::1]/ */
	for (i = 0; i + 4 <= n && i < 32; i++)
		if (memcmp(s + i, "://[", 4) == 0) {
			slashes = s + i;
			auth = slashes + 3;
			for (authlen = 0; auth + authlen < s + n &&
			    strchr("/?#", auth[authlen]) == NULL; authlen++)
				;
			break;
		}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c == '[' || c == ']') && auth != NULL &&
		    s + i >= auth && s + i < auth + authlen) {
			buf_putc(b, c);
		} else if (isalnum(c) || (url_ok[c] && c != '&' && c != '\'')) {
			buf_putc(b, c);
		} else if (c == '&') {
			BUF_PUTSL(b, "&amp;");
		} else if (c == '\'') {
			BUF_PUTSL(b, "&#39;");
		} else {
			buf_putc(b, '%');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}
