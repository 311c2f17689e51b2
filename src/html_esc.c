/*
 * HTML escaping, per context: text, attribute value, URL.  Table-driven
 * (md4c's approach): one 256-entry table says which bytes need work.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "rbc.h"

/* The bytes to escape: [0] in text, [1] in attribute values. */
static const unsigned char esc_tab[2][256] = {
	{ ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1 },
	{ ['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 1 },
};

static void
esc(struct buf *b, const char *s, size_t n, int level)
{
	const unsigned char *tab = esc_tab[level > 1];
	size_t i, run = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (tab[c] == 0)
			continue;
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
