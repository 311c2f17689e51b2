/*
 * GitHub's emoji shortcodes (":white_check_mark:") and the emoji they
 * stand for, from gemoji (emoji_table.h, made by tools/gen_emoji.py).
 */
#include <string.h>

#include "util.h"

struct emoji {
	const char	*name;
	const char	*emoji;
};

#include "emoji_table.h"

/* Returns the emoji of shortcode s[0..n) (no colons), or NULL. */
static const char *
emoji_find(const char *s, size_t n)
{
	size_t lo = 0, hi = sizeof(emoji_table) / sizeof(emoji_table[0]);
	int c;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *k = emoji_table[mid].name;
		size_t kn = strlen(k);
		c = memcmp(s, k, n < kn ? n : kn);
		if (c == 0)
			c = n < kn ? -1 : n > kn;
		if (c == 0)
			return emoji_table[mid].emoji;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/*
 * Returns the emoji of the first ":shortcode:" of s[0..n) that names
 * one, and sets *at and *len to where the shortcode is; NULL if none.
 */
const char *
emoji_next(const char *s, size_t n, size_t *at, size_t *len)
{
	const char *p = s, *e = s + n, *q, *emo;

	while ((p = memchr(p, ':', (size_t)(e - p))) != NULL) {
		for (q = p + 1; q < e && q - p <= 64 && ((*q >= 'a' &&
		    *q <= 'z') || (*q >= '0' && *q <= '9') || *q == '_' ||
		    *q == '+' || *q == '-'); q++)
			;
		if (q < e && *q == ':' && q > p + 1 &&
		    (emo = emoji_find(p + 1, (size_t)(q - p - 1))) != NULL) {
			*at = (size_t)(p - s);
			*len = (size_t)(q - p) + 1;
			return emo;
		}
		p = q < e && *q == ':' ? q : p + 1;
	}
	return NULL;
}

/*
 * Appends s[0..n) to o with each known ":shortcode:" as its emoji, the
 * text between written by text() (escaped for its output, or copied).
 */
void
emoji_put(struct buf *o, const char *s, size_t n,
    void (*text)(struct buf *, const char *, size_t))
{
	size_t at, len;
	const char *emo;

	while ((emo = emoji_next(s, n, &at, &len)) != NULL) {
		text(o, s, at);
		buf_puts(o, emo);
		s += at + len;
		n -= at + len;
	}
	text(o, s, n);
}
