/*
 * JSON string escaping, for JSON output and for JSON inside a <script>.
 */
#include "util.h"

/*
 * Appends s (n bytes) as a JSON string literal; bytes that are not UTF-8
 * become U+FFFD, so the output is JSON whatever the input.  With script,
 * also safe inside a script: < > & and U+2028/U+2029 escaped.
 */
void
json_esc(struct buf *b, const char *s, size_t n, int script)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run = 0;
	uint32_t cp;
	int k;

	buf_putc(b, '"');
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80 &&
		    (!script || (c != '<' && c != '>' && c != '&'))) {
			i++;
			continue;
		}
		if (c >= 0x80) {
			if ((k = utf8_decode(s + i, n - i, &cp)) > 0 &&
			    (!script || (cp != 0x2028 && cp != 0x2029))) {
				i += (size_t)k;
				continue;
			}
			if (k > 0) {
				/* U+2028, U+2029: line ends to old scripts. */
				buf_put(b, s + run, i - run);
				buf_printf(b, "\\u%04x", (unsigned)cp);
				run = i += (size_t)k;
				continue;
			}
		}
		buf_put(b, s + run, i - run);
		switch (c) {
		case '"':  BUF_PUTSL(b, "\\\""); break;
		case '\\': BUF_PUTSL(b, "\\\\"); break;
		case '\b': BUF_PUTSL(b, "\\b"); break;
		case '\f': BUF_PUTSL(b, "\\f"); break;
		case '\n': BUF_PUTSL(b, "\\n"); break;
		case '\r': BUF_PUTSL(b, "\\r"); break;
		case '\t': BUF_PUTSL(b, "\\t"); break;
		default:
			if (c >= 0x80) {
				/* Not UTF-8: U+FFFD keeps the output JSON. */
				BUF_PUTSL(b, "\xef\xbf\xbd");
				break;
			}
			BUF_PUTSL(b, "\\u00");
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
			break;
		}
		run = ++i;
	}
	buf_put(b, s + run, i - run);
	buf_putc(b, '"');
}
