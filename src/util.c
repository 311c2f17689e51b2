/*
 * Memory, buffers, arenas, files and UTF-8.  One out-of-memory policy:
 * every allocation goes through x*(), which prints and exits 2.
 */
#define _GNU_SOURCE	/* O_TMPFILE */
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

void
oom(void)
{
	fputs("rbc: out of memory\n", stderr);
	exit(2);
}

/* Returns n bytes, never NULL. */
void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom();
	return p;
}

/* Returns zeroed memory for n objects of size sz, never NULL. */
void *
xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (p == NULL)
		oom();
	return p;
}

/* Returns p resized to n bytes, never NULL. */
void *
xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		oom();
	return p;
}

/* Returns p resized to n objects of size sz, checking the product. */
void *
xreallocarray(void *p, size_t n, size_t sz)
{
	if (sz && n > SIZE_MAX / sz)
		oom();
	return xrealloc(p, n * sz);
}

/* Returns a copy of s. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* Returns a NUL-terminated copy of the first n bytes of s. */
char *
xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Returns a newly allocated formatted string. */
char *
xasprintf(const char *fmt, ...)
{
	struct buf b = { NULL, 0, 0 };
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

/* ------------------------------------------------------------------ buf */

void
buf_grow(struct buf *b, size_t more)
{
	size_t need;

	if (more > SIZE_MAX - b->len - 1)
		oom();
	need = b->len + more + 1;
	if (need <= b->cap)
		return;
	if (b->cap < 64)
		b->cap = 64;
	while (b->cap < need)
		b->cap = b->cap > SIZE_MAX / 2 ? need : b->cap * 2;
	b->data = xrealloc(b->data, b->cap);
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	if (fmt == NULL)
		return;
	/* Most output fits in what is left: one pass. */
	buf_grow(b, 64);
	va_copy(aq, ap);
	n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, aq);
	va_end(aq);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= b->cap - b->len) {
		buf_grow(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* Returns the contents as a C string ("" when empty). */
const char *
buf_cstr(struct buf *b)
{
	if (b->data == NULL)
		buf_grow(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}

/* Returns the contents, which the caller now owns; b is empty after. */
char *
buf_detach(struct buf *b)
{
	char *p;

	buf_cstr(b);
	p = b->data;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

/*
 * Lets go of the whole pages of [p, p + n), whose contents may be lost:
 * read-only memory backed by rbc's own file (the embedded files), read
 * from the file again if touched, or memory never written, which comes
 * back zeroed.  They leave the process's resident memory.
 */
void
mem_release(const void *p, size_t n)
{
#ifdef MADV_DONTNEED
	long pg = sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p, z = a + n;

	if (pg <= 0)
		return;
	a = (a + (uintptr_t)pg - 1) / (uintptr_t)pg * (uintptr_t)pg;
	z = z / (uintptr_t)pg * (uintptr_t)pg;
	if (z > a)
		(void)madvise((void *)a, z - a, MADV_DONTNEED);
#else
	(void)p;
	(void)n;
#endif
}

/* ---------------------------------------------------------------- arena */

struct chunk {
	struct chunk	*next;
	max_align_t	 data[];
};

struct arena *
arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

/*
 * An arena for what the whole site keeps (the parent's light runbooks,
 * 30 MB for 10,000): its chunks are 2 MiB, aligned, and marked for huge
 * pages, so that the system makes and unmaps one page where it made
 * 512 (10,000 faults less for 10,000 runbooks, on the parent's serial
 * path, and a quicker exit).  A chunk is filled before the next is
 * made: at most one is partly used.
 */
#define BIGCHUNK	((size_t)2 << 20)

struct arena *
arena_new_big(void)
{
	struct arena *a = arena_new();

	a->big = 1;
	return a;
}

/* Returns a chunk of n bytes for a, in the way a wants them. */
static struct chunk *
chunk_new(struct arena *a, size_t n)
{
	void *p;

	if (!a->big)
		return xmalloc(n);
	n = (n + BIGCHUNK - 1) / BIGCHUNK * BIGCHUNK;
	if (posix_memalign(&p, BIGCHUNK, n) != 0)
		oom();
#ifdef MADV_HUGEPAGE
	(void)madvise(p, n, MADV_HUGEPAGE);	/* a hint: no matter if not */
#endif
	return p;
}

/*
 * arena_take when the current chunk has no room: a new chunk, of 512
 * bytes doubling to 64 KiB (a light runbook stays small), or of n.
 */
void *
arena_get(struct arena *a, size_t n, size_t al)
{
	struct chunk *c;
	size_t sz;

	if (n == 0)
		n = 1;
	if (n > SIZE_MAX - sizeof(*c) - al - BIGCHUNK)
		oom();
	if (a->big)	/* whole 2 MiB chunks: the header, then the rest */
		sz = (sizeof(*c) + n + al + BIGCHUNK - 1) / BIGCHUNK *
		    BIGCHUNK - sizeof(*c) - al;
	else {
		if (a->next < 512)
			a->next = 512;
		sz = n > a->next ? n : a->next;
		if (a->next < 65536)
			a->next *= 2;
	}
	c = chunk_new(a, sizeof(*c) + sz + al);
	c->next = a->head;
	a->head = c;
	a->cur = (char *)c->data;
	a->end = a->cur + sz + al;
	return arena_take(a, n, al);
}

/*
 * Gives the system back the untouched whole pages at the end of big arena
 * a's current chunk (up to 2 MiB held by a huge page), before processes
 * are forked that would each count them: what is taken from a later
 * comes back as ordinary pages.
 */
void
arena_trim(struct arena *a)
{
	if (a != NULL && a->big && a->cur != NULL)
		mem_release(a->cur, (size_t)(a->end - a->cur));
}

char *
arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_take(a, n + 1, 1);	/* text: no padding */

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void
arena_free(struct arena *a)
{
	struct chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* ---------------------------------------------------------------- files */

/* Returns what read_file's failure rc (-1 or -3) was, in words. */
const char *
read_error(int rc)
{
	return rc == -3 ? "not a regular file (a folder, FIFO, device or "
	    "socket): refused" : strerror(errno);
}

/* Returns 0 with the file in b, -1 (errno) on error, -2 if over limit. */
int
read_file(const char *path, struct buf *b, size_t limit)
{
	struct stat st;
	ssize_t n;
	int fd;

	buf_reset(b);
	/* O_NONBLOCK: a FIFO would block the open until a writer came. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) ==
	    -1)
		return -1;
	if (fstat(fd, &st) == -1) {
		close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -3;
	}
	if ((size_t)st.st_size > limit) {
		close(fd);
		return -2;
	}
	buf_grow(b, (size_t)st.st_size + 1);
	for (;;) {
		if (b->len > limit) {
			close(fd);
			return -2;
		}
		buf_grow(b, 4096);
		n = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		b->len += (size_t)n;
	}
	close(fd);
	buf_cstr(b);
	return 0;
}

/* Where scratch_fd makes its files first (scratch_near), or NULL. */
static char *scratch_dir;

/*
 * Makes scratch files on the file system of path (a build's output): that
 * one must hold the output anyway, where /tmp may be a small tmpfs.
 */
void
scratch_near(const char *path)
{
	size_t n = strlen(path);
	const char *slash;

	while (n > 1 && path[n - 1] == '/')
		n--;		/* "out/" is out */
	for (slash = path + n; slash > path && slash[-1] != '/'; slash--)
		;
	free(scratch_dir);
	scratch_dir = slash == path ? xstrdup(".") : slash == path + 1 ?
	    xstrdup("/") : xstrndup(path, (size_t)(slash - 1 - path));
}

/*
 * Returns a new read-write file that has no name (gone when closed), or
 * -1: an O_TMPFILE inode in scratch_near's folder, else one made and
 * unlinked at once in $TMPDIR or /tmp.
 */
int
scratch_fd(void)
{
	const char *dir = getenv("TMPDIR");
	char *path;
	int fd;

#ifdef O_TMPFILE
	if (scratch_dir != NULL && (fd = open(scratch_dir, O_TMPFILE |
	    O_RDWR | O_EXCL | O_CLOEXEC, 0600)) != -1)
		return fd;
#endif
	path = xasprintf("%s/rbc-XXXXXX", dir != NULL && *dir != '\0' ?
	    dir : "/tmp");
	if ((fd = mkstemp(path)) != -1)
		unlink(path);
	free(path);
	return fd;
}

/* Writes all n bytes to fd; returns 0, or -1 with errno set. */
int
write_all(int fd, const void *p, size_t n)
{
	const char *s = p;
	ssize_t w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Writes all of iov[0..n) (at most 16 entries) to fd; 0, or -1. */
int
writev_all(int fd, const struct iovec *iov, int n)
{
	struct iovec v[16];
	ssize_t w;
	int i = 0;

	if (n > 16) {
		errno = EINVAL;
		return -1;
	}
	memcpy(v, iov, (size_t)n * sizeof(*v));
	while (i < n) {
		if (v[i].iov_len == 0) {
			i++;
			continue;
		}
		if ((w = writev(fd, v + i, n - i)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		while (i < n && (size_t)w >= v[i].iov_len) {
			w -= (ssize_t)v[i].iov_len;
			i++;
		}
		if (i < n) {
			v[i].iov_base = (char *)v[i].iov_base + w;
			v[i].iov_len -= (size_t)w;
		}
	}
	return 0;
}

/* Returns how many of the n bytes at off of fd it read into buf: all of
 * them, or fewer at the file's end or on an error. */
static size_t
read_upto(int fd, void *buf, size_t n, off_t off)
{
	char *p = buf;
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		if ((r = pread(fd, p + got, n - got, off + (off_t)got)) <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			break;
		}
		got += (size_t)r;
	}
	return got;
}

/* Reads n bytes at off of fd into buf; 0, or -1 (short or failed). */
int
read_at(int fd, void *buf, size_t n, off_t off)
{
	return read_upto(fd, buf, n, off) == n ? 0 : -1;
}

/*
 * Reads n bytes at off of fd into dst through w, a window of w->cap bytes
 * (RWIN_CAP if 0) read at once: reads in file order cost a pread a window
 * instead of one each (the record files and the cache, 10,000 reads for
 * 10,000 runbooks).  Longer reads go straight to the file.  Returns 0, or
 * -1 if the file has fewer bytes there.  The file must not change while
 * a window holds it.
 */
int
rwin_read(struct rwin *w, int fd, uint64_t off, void *dst, size_t n)
{
	if (w->cap == 0)
		w->cap = RWIN_CAP;
	if (n > w->cap)
		return read_at(fd, dst, n, (off_t)off);
	if (w->buf == NULL || off < w->at || off - w->at > w->len ||
	    n > w->len - (off - w->at)) {
		if (w->buf == NULL)
			w->buf = xmalloc(w->cap);
		w->at = off;
		w->len = read_upto(fd, w->buf, w->cap, (off_t)off);
		if (n > w->len)
			return -1;
	}
	memcpy(dst, w->buf + (off - w->at), n);
	return 0;
}

void
rwin_free(struct rwin *w)
{
	free(w->buf);
	w->buf = NULL;
	w->len = 0;
}

/* writev_all, then close fd; returns 0 or -1 (errno of the failure). */
static int
writev_close(int fd, const struct iovec *v, int n)
{
	int e;

	if (writev_all(fd, v, n) == -1) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return close(fd);
}

/* write_all, then close fd; returns 0 or -1 (errno of the failure). */
static int
write_close(int fd, const void *p, size_t n)
{
	struct iovec v;

	v.iov_base = (void *)(uintptr_t)p;
	v.iov_len = n;
	return writev_close(fd, &v, 1);
}

/* Returns 0 when all of p was written to a new file at path, else -1. */
int
write_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	return fd == -1 ? -1 : write_close(fd, p, n);
}

/* write_file of a and then b (na, nb bytes), in one writev. */
int
write_file2(const char *path, const void *a, size_t na, const void *b,
    size_t nb)
{
	struct iovec v[2];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd == -1)
		return -1;
	v[0].iov_base = (void *)(uintptr_t)a;
	v[0].iov_len = na;
	v[1].iov_base = (void *)(uintptr_t)b;
	v[1].iov_len = nb;
	return writev_close(fd, v, 2);
}

/* Appends n bytes to the existing file path; returns 0 or -1. */
int
append_file(const char *path, const void *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);

	return fd == -1 ? -1 : write_close(fd, p, n);
}

/*
 * Returns 0 when path and its parents exist as directories, else -1.
 * One mkdir when they do (a build asks for the same few folders 20,000
 * times); a missing parent is made first.
 */
int
mkdir_p(const char *path)
{
	char *p, *slash;
	int rc;

	if (mkdir(path, 0755) == 0 || errno == EEXIST)
		return 0;
	if (errno != ENOENT)
		return -1;
	p = xstrdup(path);
	slash = strrchr(p, '/');
	while (slash != NULL && slash > p && slash[-1] == '/')
		slash--;
	rc = -1;
	if (slash != NULL && slash != p) {
		*slash = '\0';
		if (mkdir_p(p) == 0)
			rc = mkdir(path, 0755) == 0 || errno == EEXIST ? 0 : -1;
	}
	free(p);
	return rc;
}

/* Returns 0 when path no longer exists; never follows symlinks. */
int
rm_rf(const char *path)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (lstat(path, &st) == -1)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		/* Files by their directory entry's type: no lstat each,
		 * and no path to look up. */
		if (de->d_type == DT_REG || de->d_type == DT_LNK) {
			if (unlinkat(dirfd(d), de->d_name, 0) == -1 &&
			    errno != ENOENT)
				rc = -1;
		} else {
			char *sub = path_join(path, de->d_name);
			if (rm_rf(sub) == -1)
				rc = -1;
			free(sub);
		}
	}
	closedir(d);
	if (rmdir(path) == -1)
		rc = -1;
	return rc;
}

/* Returns "a/b" (a single slash between). */
char *
path_join(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b), sep;
	char *p;

	if (n == 0)
		return xstrdup(b);
	sep = a[n - 1] != '/';
	p = xmalloc(n + sep + m + 1);
	memcpy(p, a, n);
	if (sep)
		p[n] = '/';
	memcpy(p + n + sep, b, m + 1);
	return p;
}

int
str_has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

/*
 * The edit distance of a and b (insertions, deletions, substitutions and
 * swaps of two neighbours, letters compared in any case), or SIZE_MAX when
 * either is longer than 64 bytes: for "did you mean", never for long text.
 */
size_t
str_distance(const char *a, size_t na, const char *b, size_t nb)
{
	size_t d[65][65], i, j, v;

	if (na > 64 || nb > 64)
		return SIZE_MAX;
	for (i = 0; i <= na; i++)
		d[i][0] = i;
	for (j = 0; j <= nb; j++)
		d[0][j] = j;
	for (i = 1; i <= na; i++)
		for (j = 1; j <= nb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);

			v = d[i - 1][j - 1] + (ca != cb);
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)
			    b[j - 2]) && tolower((unsigned char)a[i - 2]) == cb &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[na][nb];
}

/* ---------------------------------------------------------------- UTF-8 */

/*
 * Returns the number of bytes of one well-formed UTF-8 sequence at s
 * (storing the code point), or 0 if the bytes are not well-formed:
 * overlong forms, surrogates and values past U+10FFFF are refused.
 */
int
utf8_decode(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t c;
	int len, i;

	if (n == 0)
		return 0;
	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		len = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		len = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		len = 4;
		c = u[0] & 0x07;
	} else
		return 0;
	if ((size_t)len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (u[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Returns the offset of the first invalid byte, or n when all are valid. */
size_t
utf8_valid(const char *s, size_t n)
{
	size_t i = 0;
	uint32_t cp;
	int k;

	while (i < n) {
		/* Most of a runbook is ASCII. */
		if ((i += ascii_span(s + i, n - i)) >= n)
			break;
		if ((k = utf8_decode(s + i, n - i, &cp)) == 0)
			return i;
		i += (size_t)k;
	}
	return n;
}

/* Returns how many bytes s[0..n) starts with below 0x80, eight at a time. */
size_t
ascii_span(const char *s, size_t n)
{
	size_t i = 0;
	uint64_t w;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	while (i < n && (unsigned char)s[i] < 0x80)
		i++;
	return i;
}

/* Returns the number of bytes written to out (1 to 4). */
int
utf8_encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	out[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* Returns the number of code points (an invalid byte counts as one). */
size_t
utf8_count(const char *s, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Returns 1 if cp reorders or hides the text around it (util.h). */
int
utf8_hidden(uint32_t cp)
{
	return cp == 0x061c || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/*
 * With RBC_TIMING set, prints the seconds since the previous call and the
 * phase name on standard error, with the peak memory so far of rbc and
 * of its largest finished worker (for `make bench` and profiling).
 */
void
phase(const char *name)
{
	static struct timespec last;
	struct timespec now;
	struct rusage self, kids;

	if (getenv("RBC_TIMING") == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	if (last.tv_sec != 0 || last.tv_nsec != 0)
		fprintf(stderr, "rbc: %-12s %8.3f s  peak %ld MiB, workers %ld MiB\n",
		    name, (double)(now.tv_sec - last.tv_sec) +
		    (double)(now.tv_nsec - last.tv_nsec) / 1e9,
		    self.ru_maxrss / 1024, kids.ru_maxrss / 1024);
	last = now;
}

/* Returns the index of s in the sorted array v of n strings, or -1. */
long
strv_find(char *const *v, size_t n, const char *s)
{
	size_t lo = 0, hi = n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = strcmp(s, v[mid])) == 0)
			return (long)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * Returns h updated with n bytes: MurmurHash64A's mixing, eight bytes at
 * a time read little-endian (the same digest on every machine), the
 * length folded in.  Several times FNV-1a's speed on the 100 MB of
 * sources a large build hashes.
 */
uint64_t
hash64(uint64_t h, const void *p, size_t n)
{
	const uint64_t m = 0xc6a4a7935bd1e995ULL;
	const unsigned char *u = p;
	uint64_t k;
	size_t i;

	h ^= n * m;
	for (; n >= 8; u += 8, n -= 8) {
		k = (uint64_t)u[0] | (uint64_t)u[1] << 8 |
		    (uint64_t)u[2] << 16 | (uint64_t)u[3] << 24 |
		    (uint64_t)u[4] << 32 | (uint64_t)u[5] << 40 |
		    (uint64_t)u[6] << 48 | (uint64_t)u[7] << 56;
		k *= m;
		k ^= k >> 47;
		k *= m;
		h ^= k;
		h *= m;
	}
	if (n > 0) {
		for (k = 0, i = 0; i < n; i++)
			k |= (uint64_t)u[i] << (8 * i);
		h ^= k;
		h *= m;
	}
	h ^= h >> 47;
	h *= m;
	h ^= h >> 47;
	return h;
}

/* Returns h extended with string s (NULL distinct from ""). */
uint64_t
hash_str(uint64_t h, const char *s)
{
	if (s == NULL)
		return hash64(h, "\1", 1);
	return hash64(h, s, strlen(s) + 1);
}

/* Returns h extended with the number v. */
uint64_t
hash_int(uint64_t h, long long v)
{
	return hash64(h, &v, sizeof(v));
}

/* Returns key's first slot in t. */
static size_t
strtab_slot(const struct strtab *t, const char *key)
{
	return (size_t)hash64(HASH64_INIT, key, strlen(key)) & (t->cap - 1);
}

/* Makes t an empty index with room for n keys. */
void
strtab_init(struct strtab *t, size_t n)
{
	for (t->cap = 16; t->cap < 2 * n; t->cap *= 2)
		;
	t->k = xcalloc(t->cap, sizeof(*t->k));
	t->v = xcalloc(t->cap, sizeof(*t->v));
}

/* Adds key (which must outlive t) with value v, unless key is there. */
void
strtab_add(struct strtab *t, const char *key, int v)
{
	size_t i;

	for (i = strtab_slot(t, key); t->k[i] != NULL;
	    i = (i + 1) & (t->cap - 1))
		if (strcmp(t->k[i], key) == 0)
			return;
	t->k[i] = key;
	t->v[i] = v;
}

int
strtab_find(const struct strtab *t, const char *key)
{
	size_t i;

	if (t->cap == 0)
		return -1;
	for (i = strtab_slot(t, key); t->k[i] != NULL;
	    i = (i + 1) & (t->cap - 1))
		if (strcmp(t->k[i], key) == 0)
			return t->v[i];
	return -1;
}

void
strtab_free(struct strtab *t)
{
	free(t->k);
	free(t->v);
	t->k = NULL;
	t->v = NULL;
	t->cap = 0;
}

/* Stores a file's size and modification time (ns); returns 0 or -1. */
int
file_stamp(const char *path, uint64_t *size, uint64_t *mtime)
{
	return file_stamp_at(AT_FDCWD, path, size, mtime);
}

/* file_stamp of path under the folder open as dfd (or AT_FDCWD). */
int
file_stamp_at(int dfd, const char *path, uint64_t *size, uint64_t *mtime)
{
	struct stat st;

	if (fstatat(dfd, path, &st, 0) == -1)
		return -1;
	*size = (uint64_t)st.st_size;
	*mtime = (uint64_t)st.st_mtim.tv_sec * 1000000000u +
	    (uint64_t)st.st_mtim.tv_nsec;
	return 0;
}

/* ------------------------------------------------ binary records */

/* Appends v, big-endian. */
void
buf_put_u32(struct buf *b, uint32_t v)
{
	unsigned char c[4];

	u32_put(c, v);
	buf_put(b, c, 4);
}

/* Appends s (or NULL) length first. */
void
buf_put_str(struct buf *b, const char *s)
{
	buf_put_mem(b, s, s != NULL ? strlen(s) : 0);
}

/* Appends n bytes at p (NULL: none at all) length first. */
void
buf_put_mem(struct buf *b, const void *p, size_t n)
{
	if (p == NULL) {
		buf_put_u32(b, RD_NONE);
		return;
	}
	buf_put_u32(b, (uint32_t)n);
	buf_put(b, p, n);
}

/* Returns the next number; past the end, 0 and r->bad set. */
uint32_t
rd_u32(struct rd *r)
{
	uint32_t v;

	if (r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	v = u32_get(r->p);
	r->p += 4;
	return v;
}

/* Returns the next bytes in place (their count in *n), or NULL. */
const char *
rd_mem(struct rd *r, size_t *n)
{
	uint32_t k = rd_u32(r);
	const char *s;

	*n = 0;
	if (k == RD_NONE || r->bad)
		return NULL;
	if ((size_t)(r->end - r->p) < k) {
		r->bad = 1;
		return NULL;
	}
	s = (const char *)r->p;
	r->p += k;
	*n = k;
	return s;
}

/* Returns the next string, copied into the reader's arena, or NULL. */
char *
rd_str(struct rd *r)
{
	size_t n;
	const char *s = rd_mem(r, &n);

	return s != NULL ? arena_strndup(r->a, s, n) : NULL;
}

/*
 * Writes v into p (10 bytes at most) in 7-bit groups, low first, the
 * high bit saying "more"; returns the bytes written.
 */
size_t
put_var(unsigned char *p, uint64_t v)
{
	size_t n = 0;

	do {
		p[n] = v & 0x7f;
		v >>= 7;
		if (v != 0)
			p[n] |= 0x80;
		n++;
	} while (v != 0);
	return n;
}

/* Appends v as put_var writes it. */
void
buf_put_var(struct buf *b, uint64_t v)
{
	unsigned char c[10];

	buf_put(b, c, put_var(c, v));
}

/* Returns the next buf_put_var number; if damaged, 0 and r->bad set. */
uint64_t
rd_var(struct rd *r)
{
	uint64_t v = 0;
	int shift = 0;

	while (r->p < r->end && shift < 64) {
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
		shift += 7;
	}
	r->bad = 1;
	return 0;
}

int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Returns <0, 0, >0 as a (na bytes) orders before, with or after b (nb
 * bytes) naturally: ASCII letters without case, digit runs by value
 * (leading zeros aside), other bytes by value; equal so, by bytes. */
int
natncmp(const char *a, size_t na, const char *b, size_t nb)
{
	const unsigned char *p = (const unsigned char *)a, *pe = p + na;
	const unsigned char *q = (const unsigned char *)b, *qe = q + nb;
	int cp, cq;
	size_t n;

	while (p < pe && q < qe) {
		if (isdigit(*p) && isdigit(*q)) {
			const unsigned char *ep, *eq;
			size_t np, nq;

			while (*p == '0' && p + 1 < pe && isdigit(p[1]))
				p++;
			while (*q == '0' && q + 1 < qe && isdigit(q[1]))
				q++;
			for (ep = p; ep < pe && isdigit(*ep); ep++)
				;
			for (eq = q; eq < qe && isdigit(*eq); eq++)
				;
			np = (size_t)(ep - p);
			nq = (size_t)(eq - q);
			if (np != nq)
				return np < nq ? -1 : 1;
			for (; p < ep; p++, q++)
				if (*p != *q)
					return *p < *q ? -1 : 1;
			continue;
		}
		cp = *p >= 'A' && *p <= 'Z' ? *p + 32 : *p;
		cq = *q >= 'A' && *q <= 'Z' ? *q + 32 : *q;
		if (cp != cq)
			return cp < cq ? -1 : 1;
		p++;
		q++;
	}
	if ((p < pe) != (q < qe))
		return p < pe ? 1 : -1;
	n = na < nb ? na : nb;
	if ((cp = memcmp(a, b, n)) != 0)
		return cp;
	return na < nb ? -1 : na > nb;
}

/* natncmp of two strings. */
int
natcmp(const char *a, const char *b)
{
	return natncmp(a, strlen(a), b, strlen(b));
}

/*
 * Returns path with "." and "dir/.." segments taken out, lexically, for
 * showing: content/../rules/a.yaml is rules/a.yaml.
 */
char *
path_tidy(const char *path)
{
	char *o = xstrdup(path), *seg[256], *p, *save = NULL;
	struct buf b = { NULL, 0, 0 };
	size_t n = 0, i;
	int abs = path[0] == '/';

	for (p = strtok_r(o, "/", &save); p != NULL;
	    p = strtok_r(NULL, "/", &save)) {
		if (strcmp(p, ".") == 0)
			continue;
		if (strcmp(p, "..") == 0 && n > 0 &&
		    strcmp(seg[n - 1], "..") != 0) {
			n--;
			continue;
		}
		if (n == sizeof(seg) / sizeof(seg[0])) {
			free(o);
			return xstrdup(path);
		}
		seg[n++] = p;
	}
	if (abs)
		buf_putc(&b, '/');
	for (i = 0; i < n; i++) {
		if (i)
			buf_putc(&b, '/');
		buf_puts(&b, seg[i]);
	}
	if (b.len == 0)
		buf_putc(&b, '.');
	free(o);
	p = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return p;
}
