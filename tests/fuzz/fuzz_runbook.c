/*
 * libFuzzer harness: one runbook through the whole pipeline (load,
 * front-matter, Markdown, index, checks, schema, HTML and man render).
 * It also checks what a build relies on: the body rendered before the
 * index and completed after it (prerender_body, body_fill), and the man
 * page whose guesses held (prerender_man, guesses_hold), are the bytes of
 * the plain renders; the front-matter survives ynode_encode and ynode_decode.  A
 * difference aborts.
 * The first input byte chooses options (cmark's fuzz/cmark-fuzz.c does
 * the same): bit 0 unsafe_html, bit 1 GitLab slugs, bit 2 render the
 * quick-reference card too (PDF and HTML), bit 3 with Pango and Cairo
 * rather than rbc's own PDF writer.  A card is one whole PDF file.
 *
 *   make fuzz && mkdir -p build/fuzz/corpus &&
 *   LSAN_OPTIONS=suppressions=tests/fuzz/lsan.supp \
 *   ./build/fuzz/fuzz_runbook -max_total_time=60 build/fuzz/corpus tests/fuzz/corpus
 * (fontconfig keeps caches that each card's new font map adds to: not
 * rbc's leaks, as in make check)
 * (new inputs go to the first folder, outside the repository)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char dir[64];

static void
same(const struct buf *a, const struct buf *b, const char *what)
{
	if (a->len != b->len || (a->len > 0 && memcmp(a->data, b->data,
	    a->len) != 0)) {
		fprintf(stderr, "%s differs from the plain render\n", what);
		abort();
	}
}

/*
 * The body of r prerendered, then completed as the render pass does it:
 * from the light runbook l of the index (its links without the URLs the
 * scan wrote at once, which r, parsed whole, still has).
 */
static void
same_html(const struct site *s, const struct runbook *r,
    const struct runbook *l, const struct buf *want)
{
	struct buf pre = { NULL, 0, 0 }, ins = { NULL, 0, 0 };
	struct buf got = { NULL, 0, 0 };

	prerender_body(s, r, &pre, &ins);
	if (body_fill(&got, s, l, pre.data ? pre.data : "", pre.len,
	    ins.data, ins.len) == -1)
		abort();
	same(&got, want, "the completed HTML body");
	buf_free(&pre);
	buf_free(&ins);
	buf_free(&got);
}

static void
same_man(struct man *m, const struct site *s, const struct runbook *r,
    const struct buf *want)
{
	struct buf got = { NULL, 0, 0 }, g = { NULL, 0, 0 };

	prerender_man(s, r, &got, &g);
	if (guesses_hold(s, r, g.data, g.len) == 0) {
		man_see_also(m, r, &got);
		same(&got, want, "the finished man page");
	}
	buf_free(&got);
	buf_free(&g);
}

static void
card_check(const struct site *s, const struct runbook *r, int pango)
{
	struct buf pdf = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct diags d;
	struct card *c;

	if (pango)
		setenv("RBC_CARD_PANGO", "1", 1);
	else
		unsetenv("RBC_CARD_PANGO");
	c = card_new(s, NULL);
	diags_init(&d, NULL);
	if (card_render(c, &r, 1, &pdf, &html, &d) == 0 &&
	    (pdf.len < 16 || memcmp(pdf.data, "%PDF-1.", 7) != 0 ||
	    memcmp(pdf.data + pdf.len - 6, "%%EOF\n", 6) != 0 ||
	    html.len == 0)) {
		fprintf(stderr, "the card is not one whole PDF file\n");
		abort();
	}
	diags_free(&d);
	card_free(c);
	buf_free(&pdf);
	buf_free(&html);
}

static void
same_fm(const struct runbook *r)
{
	struct buf b = { NULL, 0, 0 };
	struct arena *a = arena_new();
	struct rd rd;
	struct ynode *y;

	if (r->fm == NULL) {
		arena_free(a);
		return;
	}
	ynode_encode(&b, r->fm);
	rd.p = (const unsigned char *)b.data;
	rd.end = rd.p + b.len;
	rd.a = a;
	rd.bad = 0;
	rd.inplace = 0;
	y = ynode_decode(&rd, 0);
	if (y == NULL || rd.p != rd.end || !yequal(y, r->fm)) {
		fprintf(stderr, "the front-matter does not survive ynode_encode\n");
		abort();
	}
	buf_free(&b);
	arena_free(a);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct build bd;
	struct site *sp = &bd.site;
	struct buf b = { NULL, 0, 0 };
	struct html *h;
	struct man *m;
	char *path;
	uint8_t opts = 0;
	char yaml[64];
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
	/* The options as a build gets them: in site.yaml, before the
	 * load (set after it, the index would have seen other ones). */
	path = path_join(dir, "site.yaml");
	snprintf(yaml, sizeof(yaml), "unsafe_html: %s\nslugs: %s\n",
	    opts & 1 ? "true" : "false", opts & 2 ? "gitlab" : "github");
	if (write_file(path, yaml, strlen(yaml)) == -1) {
		free(path);
		return 0;
	}
	free(path);
	path = path_join(dir, "r.md");
	if (write_file(path, data, size) == -1) {
		free(path);
		return 0;
	}
	free(path);
	if (site_load(&bd, dir, "2026-11-23", 1) == 0) {
		h = html_new(sp, NULL, runbook_fm, &bd);
		m = man_new(sp, NULL, NULL);
		for (i = 0; i < sp->n; i++) {
			struct runbook *r = runbook_reload(sp, sp->rb[i]);
			buf_reset(&b);
			html_body(&b, sp, r, NULL, NULL);
			same_html(sp, r, sp->rb[i], &b);
			buf_reset(&b);
			man_render(m, r, &b);
			same_man(m, sp, r, &b);
			same_fm(r);
			if (opts & 4)
				card_check(sp, r, opts & 8);
			runbook_free(r);
		}
		man_free(m);
		html_free(h);
	}
	build_close(&bd);
	buf_free(&b);
	return 0;
}
