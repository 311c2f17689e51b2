/*
 * libFuzzer harness: one runbook through the whole pipeline (load,
 * front-matter, Markdown, index, checks, schema, HTML and man render).
 * The first input byte chooses options (cmark's fuzz/cmark-fuzz.c does
 * the same): bit 0 unsafe_html, bit 1 GitLab slugs.
 *
 *   make fuzz && ./build/fuzz/fuzz_runbook -max_total_time=60 tests/fuzz/corpus
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbc.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char dir[64];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct site s;
	struct buf b = { NULL, 0, 0 };
	struct html *h;
	struct man *m;
	char *path;
	uint8_t opts = 0;
	size_t i;

	if (size > 0) {
		opts = data[0];
		data++;
		size--;
	}
	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/rbc-fuzz-%ld", (long)getpid());
		mkdir_p(dir);
	}
	path = path_join(dir, "r.md");
	if (write_file(path, data, size) == -1) {
		free(path);
		return 0;
	}
	free(path);
	if (site_load(&s, dir, "2026-11-23", 1) == 0) {
		s.cfg.unsafe_html = opts & 1;
		s.cfg.slugs = opts & 2 ? SLUG_GITLAB : SLUG_GITHUB;
		h = html_new(&s);
		m = man_new(&s);
		for (i = 0; i < s.n; i++) {
			struct runbook *r = runbook_reload(&s, s.rb[i]);
			buf_reset(&b);
			html_body(&b, &s, r);
			buf_reset(&b);
			man_render(m, r, &b);
			runbook_free(r);
		}
		man_free(m);
		html_free(h);
	}
	site_close(&s);
	buf_free(&b);
	return 0;
}
