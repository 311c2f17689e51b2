/*
 * rbc's utilities, the lowest layer: memory (allocation that exits on
 * failure, growable buffers, arenas), files, UTF-8, hashing, binary
 * records, dates, and escaping per output context (html_esc.c,
 * roff_esc.c, json_esc.c).  Includes no other rbc header.
 */
#ifndef RBC_UTIL_H
#define RBC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#ifndef RBC_VERSION
#error "RBC_VERSION comes from the Makefile (VERSION)"
#endif

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer; data is always NUL-terminated once non-empty. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
/* s must be a string literal ("" s refuses anything else). */
#define BUF_PUTSL(b, s)	buf_put((b), "" s, sizeof(s) - 1)
void	 buf_grow(struct buf *, size_t);
void	 buf_puts(struct buf *, const char *);

/* The appends every renderer makes byte by byte: inline, growing only
 * when full. */
static inline void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->cap - b->len <= n)
		buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
buf_putc(struct buf *b, int c)
{
	if (b->cap - b->len <= 1)
		buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list);
const char *buf_cstr(struct buf *);
char	*buf_detach(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

/*
 * A bump allocator: everything of one runbook, freed at once.  The common
 * case (room left in the current chunk) is inline: a build makes some
 * 2,500 allocations per runbook.
 */
struct chunk;
struct arena {
	char		*cur, *end;	/* the free part of the current chunk */
	struct chunk	*head;
	size_t		 next;	/* size of the next chunk: small first */
	int		 big;	/* arena_new_big: 2 MiB chunks, huge pages */
};
struct arena *arena_new(void);
struct arena *arena_new_big(void);
void	*arena_get(struct arena *, size_t, size_t);
void	 arena_trim(struct arena *);
void	 oom(void) __attribute__((noreturn));

/* Returns n bytes aligned to al (a power of two), until arena_free(). */
static inline void *
arena_take(struct arena *a, size_t n, size_t al)
{
	uintptr_t p = ((uintptr_t)a->cur + (al - 1)) & ~(uintptr_t)(al - 1);

	if (n != 0 && a->cur != NULL && p <= (uintptr_t)a->end &&
	    (uintptr_t)a->end - p >= n) {
		a->cur = (char *)p + n;
		return (void *)p;
	}
	return arena_get(a, n, al);
}

/* Returns n bytes aligned for any object, valid until arena_free(). */
static inline void *
arena_alloc(struct arena *a, size_t n)
{
	return arena_take(a, n, sizeof(max_align_t));
}

static inline void *
arena_calloc(struct arena *a, size_t n, size_t sz)
{
	void *p;

	if (sz && n > SIZE_MAX / sz)
		oom();
	p = arena_alloc(a, n * sz);
	memset(p, 0, n * sz);
	return p;
}
char	*arena_strndup(struct arena *, const char *, size_t);
char	*arena_strdup(struct arena *, const char *);
void	 arena_free(struct arena *);

/* Whole-file I/O.  read_file: 0 ok, -1 errno set, -2 larger than limit,
 * -3 not a regular file (a folder, FIFO, device or socket: never opened
 * for long, never blocks); read_error says which in words. */
int	 read_file(const char *, struct buf *, size_t limit);
const char *read_error(int rc);
int	 write_file(const char *, const void *, size_t);
int	 append_file(const char *, const void *, size_t);
int	 write_all(int fd, const void *, size_t);
int	 read_at(int fd, void *, size_t, off_t);	/* 0, or -1 */
/* Drops the whole pages of memory whose contents may be lost (the
 * embedded files once written, an arena's untouched tail) from the
 * resident set. */
void	 mem_release(const void *, size_t);
/* A window over a file read in order (rwin_read in util.c). */
#define RWIN_CAP	((size_t)256 << 10)
struct rwin {
	char		*buf;
	uint64_t	 at;		/* the file offset of buf[0] */
	size_t		 len, cap;	/* cap 0: RWIN_CAP */
};
int	 rwin_read(struct rwin *, int fd, uint64_t off, void *, size_t);
void	 rwin_free(struct rwin *);
struct iovec;
int	 writev_all(int fd, const struct iovec *, int);
int	 write_file2(const char *, const void *, size_t, const void *,
	    size_t);
void	 scratch_near(const char *path);	/* scratch files beside path */
int	 scratch_fd(void);	/* a nameless read-write file, or -1 */
int	 mkdir_p(const char *);
int	 rm_rf(const char *);
char	*path_join(const char *, const char *);
/* path without "." and "dir/.." segments, lexically (malloc'd). */
char	*path_tidy(const char *);
int	 str_has_suffix(const char *, const char *);
size_t	 str_distance(const char *, size_t, const char *, size_t);
long	 strv_find(char *const *, size_t, const char *);	/* sorted; or -1 */
#define HASH64_INIT	0xcbf29ce484222325ULL
uint64_t hash64(uint64_t, const void *, size_t);	/* word at a time */
uint64_t hash_str(uint64_t, const char *);
uint64_t hash_int(uint64_t, long long);

/* A hash index over strings it does not own: the first value added for a
 * key is the one strtab_find returns (-1: none). */
struct strtab {
	const char	**k;
	int		 *v;
	size_t		  cap;
};
void	 strtab_init(struct strtab *, size_t n);
void	 strtab_add(struct strtab *, const char *, int);
int	 strtab_find(const struct strtab *, const char *);
void	 strtab_free(struct strtab *);
int	 file_stamp(const char *, uint64_t *size, uint64_t *mtime_ns);
int	 file_stamp_at(int dfd, const char *, uint64_t *size, uint64_t *mtime);
void	 phase(const char *);	/* RBC_TIMING=1: time since last call */

/* Binary records: numbers big-endian, strings length first (RD_NONE for
 * NULL).  A reader never runs past end: it sets bad and returns 0/NULL. */
#define RD_NONE	0xffffffffu
struct rd {
	const unsigned char	*p, *end;
	struct arena		*a;	/* where rd_str copies to */
	int			 bad;
	int			 inplace; /* ynode_decode: strings left in the bytes */
};
/* Nonzero if a byte of x is the byte that c repeats (SWAR, eight bytes
 * at a time); REP(ch) is ch in every byte. */
#define HAS_BYTE(x, c)	((((x) ^ (c)) - 0x0101010101010101ULL) & \
	~((x) ^ (c)) & 0x8080808080808080ULL)
#define REP(ch)		(0x0101010101010101ULL * (unsigned char)(ch))

/* 32-bit numbers in records, the spool and fonts: big-endian. */
static inline uint32_t
u32_get(const void *p)
{
	const unsigned char *u = p;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | u[3];
}

static inline void
u32_put(void *p, uint32_t v)
{
	unsigned char *u = p;

	u[0] = (unsigned char)(v >> 24);
	u[1] = (unsigned char)(v >> 16);
	u[2] = (unsigned char)(v >> 8);
	u[3] = (unsigned char)v;
}
void	 buf_put_u32(struct buf *, uint32_t);
void	 buf_put_str(struct buf *, const char *);
void	 buf_put_mem(struct buf *, const void *, size_t);
size_t	 put_var(unsigned char *, uint64_t);	/* 10 bytes at most */
void	 buf_put_var(struct buf *, uint64_t);
uint32_t rd_u32(struct rd *);
uint64_t rd_var(struct rd *);
const char *rd_mem(struct rd *, size_t *);
char	*rd_str(struct rd *);

/* UTF-8.  utf8_valid: offset of the first bad byte, or len if all good. */
size_t	 utf8_valid(const char *, size_t);
size_t	 ascii_span(const char *, size_t);	/* leading bytes < 0x80 */
int	 utf8_decode(const char *, size_t, uint32_t *cp);	/* bytes used */
int	 utf8_encode(uint32_t, char out[4]);
/* emoji.c: the emoji of the first ":shortcode:" of s[0..n), and where
 * it is; NULL if none. */
const char *emoji_next(const char *s, size_t n, size_t *at, size_t *len);
/* emoji.c: s[0..n) into o, each known shortcode as its emoji and the text
 * between through text(). */
void	 emoji_put(struct buf *o, const char *s, size_t n,
	    void (*text)(struct buf *, const char *, size_t));
size_t	 utf8_count(const char *, size_t);	/* code points */
/* 1 for a bidi control or zero-width character, which reorders or hides
 * the text around it (U+061C, U+200B-U+200F, U+202A-U+202E, U+2060-U+2064,
 * U+2066-U+2069, U+FEFF). */
int	 utf8_hidden(uint32_t);
/* Natural order, for lists people read: letters without case ("etcd"
 * before "Zone"), runs of digits by their value ("item 2" before
 * "item 10"); strings that compare equal so are ordered by bytes. */
int	 natcmp(const char *, const char *);
int	 natncmp(const char *, size_t, const char *, size_t);

/* Default templates and themes compiled in (build/embed.c, tools/embed.c):
 * names are repository paths, "templates/page.mustache". */
struct embedded {
	const char		*name;
	const unsigned char	*data;
	size_t			 len;
};
extern const struct embedded embedded_files[];


/* ------------------------------------------------------------- html_esc.c */

size_t	 html_plain_span(const char *, size_t, int);
void	 html_esc_text(struct buf *, const char *, size_t);
void	 html_esc_attr(struct buf *, const char *, size_t);
/* 1 if the URL's scheme is allowed (http, https, mailto, tel, relative). */
int	 url_safe(const char *, size_t);
int	 url_http_absolute(const char *);	/* and a host, no userinfo */
void	 html_esc_url(struct buf *, const char *, size_t);

/* ------------------------------------------------------------- roff_esc.c */

/*
 * roff output: escaping per context, where "start of an input line" is
 * decided from what the buffer already holds, so text can never start a
 * request; every non-ASCII code point becomes \[uXXXX], every byte that
 * is not UTF-8 \[uFFFD].
 */
#define ROFF_LIT	0x01	/* code: - ' ` ^ ~ as their ASCII glyphs */
#define ROFF_ARG	0x02	/* inside a quoted macro argument: " too */
#define ROFF_NOFILL	0x04	/* code block lines: blanks and tabs kept */
#define ROFF_ONELINE	0x08	/* newlines become spaces */
#define ROFF_UPPER	0x10	/* letters upper-cased (.SH) */
#define ROFF_GLYPH	0x20	/* groff's names for Latin-1 (NAME lines) */
void	 roff_esc(struct buf *, const char *, size_t, int flags);
void	 roff_esc_text(struct buf *, const char *, size_t);  /* flags 0 */
void	 roff_esc_arg(struct buf *, const char *, size_t);   /* ROFF_ARG */
/* The lines of a code block, for between .EX and .EE. */
void	 roff_esc_block(struct buf *, const char *, size_t);
int	 roff_bol(const struct buf *);	/* next byte starts a line */
void	 roff_nl(struct buf *);		/* end the line, trimmed */
/* Breaks filled text lines (after from) to width bytes, long words too. */
void	 roff_wrap(struct buf *, size_t from, size_t width);
/* Bytes of one character or escape at s, and its terminal columns. */
size_t	 roff_token(const char *, size_t, size_t *cols);
/* Terminal columns of roff text, and of its widest word. */
size_t	 roff_width(const char *, size_t, size_t *word);


/* date.c: the one home of dates and durations. */
int	 date_valid(const char *);		/* a real YYYY-MM-DD */
long	 date_days(const char *);		/* days since 1970, or -1 */
void	 days_date(long, char out[11]);
long	 duration_minutes(const char *);	/* Nm Nh Nd Nw, or -1 */
/* --today, else SOURCE_DATE_EPOCH, else the clock: 0, or -1 (printed). */
int	 today_date(const char *arg, char out[11]);

/* Returns strcmp() of two strings given by pointer (qsort, bsearch). */
int	 strpcmp(const void *, const void *);
void	 json_esc(struct buf *, const char *, size_t, int script);

#endif /* RBC_UTIL_H */
