/*
 * util.c tests: the file window (rwin_read) against pread, at every
 * offset and length around its edges.  Prints PASS/FAIL per case and
 * "N passed, N failed"; exits 1 on any failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "harness.h"

/* The byte at offset i of the test file. */
static unsigned char
byte_at(size_t i)
{
	return (unsigned char)((i * 131 + (i >> 8)) & 0xff);
}

/*
 * Reads [off, off + n) for every n up to 3 windows and every off in
 * order, as the record files are read, then backwards, through a window
 * of cap bytes over a file of size bytes; returns the number of reads
 * that gave wrong bytes or a wrong result.
 */
static int
sweep(int fd, size_t size, size_t cap, int backwards)
{
	unsigned char dst[64];
	struct rwin w;
	size_t off, n, i, k;
	int bad = 0, rc, want;

	for (n = 0; n <= 3 * cap && n <= sizeof(dst); n++) {
		memset(&w, 0, sizeof(w));
		w.cap = cap;
		for (k = 0; k <= size + 2; k++) {
			off = backwards ? size + 2 - k : k;
			memset(dst, 0xee, sizeof(dst));
			rc = rwin_read(&w, fd, off, dst, n);
			want = n == 0 || off + n <= size ? 0 : -1;
			if (rc != want)
				bad++;
			else if (rc == 0)
				for (i = 0; i < n; i++)
					if (dst[i] != byte_at(off + i)) {
						bad++;
						break;
					}
		}
		rwin_free(&w);
	}
	return bad;
}

int
main(void)
{
	char path[] = "/tmp/t_util.XXXXXX", what[128];
	unsigned char *b;
	size_t size = 1000, i, caps[] = { 1, 7, 16, 64 }, c;
	int fd, back;

	if ((fd = mkstemp(path)) == -1) {
		perror("mkstemp");
		return 1;
	}
	unlink(path);
	b = malloc(size);
	for (i = 0; i < size; i++)
		b[i] = byte_at(i);
	if (write_all(fd, b, size) == -1) {
		perror("write");
		return 1;
	}
	free(b);
	for (c = 0; c < sizeof(caps) / sizeof(caps[0]); c++)
		for (back = 0; back < 2; back++) {
			snprintf(what, sizeof(what), "rwin_read/window %zu, %s: "
			    "every offset and length gives the file's bytes",
			    caps[c], back ? "backwards" : "in order");
			CHECK(sweep(fd, size, caps[c], back) == 0, what);
		}
	/* The default window, over a file smaller than it. */
	{
		struct rwin w = { NULL, 0, 0, 0 };
		unsigned char d[10];
		CHECK(rwin_read(&w, fd, 990, d, 10) == 0 && d[9] ==
		    byte_at(999) && rwin_read(&w, fd, 991, d, 10) == -1 &&
		    rwin_read(&w, fd, 0, d, 10) == 0 && d[0] == byte_at(0),
		    "rwin_read/default window: the file's end is its end");
		rwin_free(&w);
	}
	close(fd);
	return test_summary();
}
