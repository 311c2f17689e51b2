/*
 * Source positions, their one home: the line table of a file, and the
 * 1-based line and character column of a byte in it.  Every diagnostic
 * points into the original file through these.
 */
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdlib.h>
#include <string.h>

#include "model.h"

/*
 * The newlines of s[0..n): how many (nl_count), and the offset after
 * each, in order (nl_ends).  Sixteen bytes at a time where the CPU has
 * SSE2: a runbook's lines are 20 bytes long on average, so a memchr a
 * line cost more in calls than in looking.
 */
static size_t
nl_count(const char *s, size_t n)
{
	size_t i = 0, c = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');

	for (; i + 16 <= n; i += 16)
		c += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const
		    void *)(s + i)), nl)));
#endif
	for (; i < n; i++)
		c += s[i] == '\n';
	return c;
}

static void
nl_ends(const char *s, size_t n, size_t *out)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	unsigned m;

	for (; i + 16 <= n; i += 16)
		for (m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(s + i)),
		    nl)); m != 0; m &= m - 1)
			*out++ = i + (size_t)__builtin_ctz(m) + 1;
#endif
	for (; i < n; i++)
		if (s[i] == '\n')
			*out++ = i + 1;
}

/* Builds the line table of f's data (len bytes, or NULL) in a. */
void
src_lines(struct srcfile *f, struct arena *a)
{
	const char *d = f->data;
	size_t len = d != NULL ? f->len : 0, n = 1 + nl_count(d, len);

	f->lines = arena_alloc(a, n * sizeof(size_t));
	f->lines[0] = 0;
	nl_ends(d, len, f->lines + 1);
	f->nlines = n;
}

/* Returns the 1-based line and character column of byte offset off. */
void
src_pos(const struct srcfile *f, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = f->nlines;

	if (off > f->len)
		off = f->len;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (f->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)utf8_count(f->data + f->lines[lo], off - f->lines[lo]) + 1;
}

/* Returns the character column of 1-based byte column bytecol on line. */
int
src_col(const struct srcfile *f, int line, int bytecol)
{
	size_t start, end, n;

	if (line < 1 || (size_t)line > f->nlines || bytecol < 1)
		return bytecol;
	start = f->lines[line - 1];
	end = (size_t)line < f->nlines ? f->lines[line] : f->len;
	n = (size_t)bytecol - 1;
	if (n > end - start)
		n = end - start;
	return (int)utf8_count(f->data + start, n) + 1;
}

/* Returns src_col(f, line, bytecol), counting on from cur when it was on
 * the same line, at or before bytecol; cur is left at this position. */
int
src_col_next(const struct srcfile *f, int line, int bytecol,
    struct srccur *cur)
{
	size_t start, end, from, to;

	if (line < 1 || (size_t)line > f->nlines || bytecol < 1)
		return bytecol;
	if (cur->line != line || cur->bytecol < 1 || cur->bytecol > bytecol) {
		cur->line = line;
		cur->bytecol = 1;
		cur->col = 1;
	}
	start = f->lines[line - 1];
	end = (size_t)line < f->nlines ? f->lines[line] : f->len;
	from = (size_t)cur->bytecol - 1;
	to = (size_t)bytecol - 1;
	if (to > end - start)
		to = end - start;
	if (from > to)
		from = to;
	cur->col += (int)utf8_count(f->data + start + from, to - from);
	cur->bytecol = (int)to + 1;
	return cur->col;
}
