/*
 * Card tests: render the runbooks of the YAML files in tests/card
 * (front-matter only) against tests/card/site.yaml and check the results
 * with real tools: pdfinfo (one page, the right paper), pdftotext (every
 * phone number, name and metric is real text), headless Chromium
 * printing the HTML card (one page), the Nu HTML checker.  The fullest
 * cards that fit (a case grown line by line until one more line would
 * overflow) are checked the same way.  A case that says
 * "# expect: overflow" must be refused with card-overflow and no bytes.
 * Adding a case needs no code.  Prints PASS/FAIL/SKIP/INFO lines (INFO:
 * the overflow messages and the cards/s benchmark), "N passed, N
 * failed", and exits 1 on any failure.
 *
 * Environment: RBC_SRCDIR (default ".") locates tests/card;
 * CARD_KEEP=1 keeps the temporary directory of PDFs and HTML cards;
 * CARD_BENCH_N sets the benchmark's renders (default 1000, 0 skips it).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "harness.h"

/* Every check here is named card/NAME. */
#define CARD(name)	test_name("card/%s", (name))

static char tmpdir[4096];
static int have_chromium, have_zbar, have_qpdf;
/* The second pass: every card by Pango and Cairo (RBC_CARD_PANGO). */
static int pango_pass;

/* Returns the output of a shell command (NULL if it could not run). */
static char *
run(const char *cmd)
{
	struct buf b = { NULL, 0, 0 };
	char chunk[4096];
	size_t n;
	FILE *f;

	if ((f = popen(cmd, "r")) == NULL)
		return NULL;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	pclose(f);
	if (b.data == NULL)
		return xstrdup("");
	return buf_detach(&b);
}

/* Returns s without any whitespace, newly allocated. */
static char *
squeeze(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *q = r;

	for (; *s; s++)
		if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r' &&
		    *s != '\f')
			*q++ = *s;
	*q = '\0';
	return r;
}

/*
 * Returns 1 if needle occurs in hay, whitespace ignored on both sides.
 * Text wrapped inside a table cell comes out of pdftotext with the other
 * cells' lines in between, so a needle may also be found as pieces of at
 * least 8 characters (or its end), in order.
 */
static int
contains_text(const char *hay, const char *needle)
{
	char *h = squeeze(hay), *n = squeeze(needle), *at = h, *hit;
	size_t rest = strlen(n), take, off = 0;
	int found = strstr(h, n) != NULL;

	while (!found && rest > 0) {
		/* The longest prefix of what is left found after at. */
		for (take = rest, hit = NULL; take >= 8 || take == rest;
		    take--) {
			char save = n[off + take];

			n[off + take] = '\0';
			hit = strstr(at, n + off);
			n[off + take] = save;
			if (hit != NULL || take <= 8)
				break;
		}
		if (hit == NULL)
			break;
		at = hit + take;
		off += take;
		rest -= take;
		found = rest == 0;
	}
	free(h);
	free(n);
	return found;
}

/* Returns 1 if pdfinfo's "W x H pts (...)" is within 1 pt of want's. */
static int
same_size(const char *have, const char *want)
{
	double hw, hh, ww, wh;

	if (have == NULL || sscanf(have, "%lf x %lf", &hw, &hh) != 2 ||
	    sscanf(want, "%lf x %lf", &ww, &wh) != 2)
		return 0;
	return hw > ww - 1 && hw < ww + 1 && hh > wh - 1 && hh < wh + 1;
}

/* Returns the page count pdfinfo reports, -1 if it says nothing. */
static int
pdf_pages(const char *path, char **size)
{
	char *cmd = xasprintf("pdfinfo '%s' 2>&1", path), *out, *p, *e;
	int pages = -1;

	out = run(cmd);
	free(cmd);
	if (out == NULL)
		return -1;
	if ((p = strstr(out, "Pages:")) != NULL)
		pages = atoi(p + 6);
	if (size != NULL) {
		*size = NULL;
		if ((p = strstr(out, "Page size:")) != NULL) {
			p += 10;
			while (*p == ' ')
				p++;
			e = strchr(p, '\n');
			*size = xstrndup(p, e ? (size_t)(e - p) : strlen(p));
		}
	}
	free(out);
	return pages;
}

/* Returns the text pdftotext extracts from a PDF. */
static char *
pdf_text(const char *path)
{
	char *cmd = xasprintf("pdftotext -enc UTF-8 '%s' - 2>/dev/null",
	    path), *out;

	out = run(cmd);
	free(cmd);
	return out != NULL ? out : xstrdup("");
}

/* Returns 0 after printing the HTML file to pdfout with Chromium. */
static int
chromium_print(const char *html, const char *pdfout)
{
	char *cmd;
	int rc;

	cmd = xasprintf("cd '%s' && ud=$(mktemp -d '%s/chr.XXXXXX') && "
	    "timeout 120 chromium --headless --no-sandbox --disable-gpu "
	    "--disable-background-networking --disable-component-update "
	    "--disable-sync --no-first-run --user-data-dir=\"$ud\" "
	    "--no-pdf-header-footer --print-to-pdf='%s' 'file://%s' "
	    ">/dev/null 2>&1; rc=$?; rm -rf \"$ud\"; exit $rc",
	    tmpdir, tmpdir, pdfout, html);
	rc = system(cmd);
	free(cmd);
	return rc == 0 ? 0 : -1;
}

/* Returns write_file()'s result for the buffer's bytes. */
static int
write_buf(const char *path, const struct buf *b)
{
	return write_file(path, b->data != NULL ? b->data : "", b->len);
}

/* ------------------------------------------------------- test runbooks */

struct rb {
	struct runbook	 r;
	int		 overflow;	/* expected to be refused */
	char		*case_name;
};

/* Returns a short stable hash of the bytes, as the version stamp. */
static char *
version_of(const char *p, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return xasprintf("%07x", h & 0xfffffff);
}

/* Returns last_reviewed + review_every (days or weeks), or NULL. */
static char *
review_by(const struct ynode *fm)
{
	const char *lr = ystr(ymap_get(fm, "last_reviewed"));
	const char *ev = ystr(ymap_get(fm, "review_every"));
	struct tm tm;
	char out[16], *end;
	long n;
	time_t t;

	if (lr == NULL || ev == NULL)
		return NULL;
	memset(&tm, 0, sizeof(tm));
	if (sscanf(lr, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday)
	    != 3)
		return NULL;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	n = strtol(ev, &end, 10);
	if (*end == 'w')
		n *= 7;
	else if (*end != 'd')
		return NULL;
	t = timegm(&tm) + n * 86400;
	gmtime_r(&t, &tm);
	strftime(out, sizeof(out), "%Y-%m-%d", &tm);
	return xstrdup(out);
}

/* Returns a copy of the scalar at key in fm, or NULL. */
static char *
fmstr(const struct ynode *fm, const char *key)
{
	const char *s = ystr(ymap_get(fm, key));

	return s != NULL ? xstrdup(s) : NULL;
}

/* Returns a runbook of case name from YAML text (taken over). */
static struct rb *
rb_make(const char *name, char *path, struct buf *text)
{
	struct rb *t = xcalloc(1, sizeof(*t));
	struct runbook *r = &t->r;

	t->case_name = xstrdup(name);
	r->arena = arena_new();
	diags_init(&r->diags, NULL);
	r->src.path = path;
	r->raw = *text;
	t->overflow = strstr(r->raw.data, "# expect: overflow") != NULL;
	r->fm = yaml_load(r->arena, r->raw.data, r->raw.len, path, 1,
	    &r->diags);
	if (r->fm == NULL || r->diags.n > 0) {
		diags_print(&r->diags, DFMT_TEXT, stderr, 0);
		exit(2);
	}
	r->id = fmstr(r->fm, "id");
	if (r->id == NULL)
		r->id = xstrdup(t->case_name);
	r->name = xstrdup(r->id);
	r->title = fmstr(r->fm, "title");
	r->summary = fmstr(r->fm, "summary");
	r->service = fmstr(r->fm, "service");
	r->owner = fmstr(r->fm, "owner");
	r->version = version_of(r->raw.data, r->raw.len);
	r->review_by = review_by(r->fm);
	return t;
}

/* Returns the runbook of case file in dir. */
static struct rb *
rb_load(const char *dir, const char *file)
{
	struct buf text = { NULL, 0, 0 };
	char *path = path_join(dir, file), *name;
	struct rb *t;

	if (read_file(path, &text, RBC_MAX_FILE) != 0) {
		fprintf(stderr, "t_card: cannot read %s\n", path);
		exit(2);
	}
	name = xstrndup(file, strlen(file) - strlen(".yaml"));
	t = rb_make(name, path, &text);
	free(name);
	return t;
}

/* Frees a test runbook. */
static void
rb_free(struct rb *t)
{
	struct runbook *r = &t->r;

	free(r->src.path);
	free(r->id);
	free(r->name);
	free(r->title);
	free(r->summary);
	free(r->service);
	free(r->owner);
	free(r->version);
	free(r->review_by);
	buf_free(&r->raw);
	diags_free(&r->diags);
	arena_free(r->arena);
	free(t->case_name);
	free(t);
}

/* The texts a card must show: phones, names, metrics, commands. */
static size_t
expected_texts(const struct site *s, const struct runbook *r,
    const char **out, size_t max)
{
	const struct ynode *c = ymap_get(r->fm, "contacts");
	const struct ynode *e = ymap_get(r->fm, "escalation");
	const struct ynode *t = ymap_get(r->fm, "thresholds");
	const struct ynode *sc = s->cfg.contacts;
	size_t i, j, n = 0;

	for (i = 0; c != NULL && i < c->n && n + 2 < max; i++) {
		out[n++] = ystr(ymap_get(c->items[i], "phone"));
		out[n++] = ystr(ymap_get(c->items[i], "name"));
	}
	for (i = 0; e != NULL && i < e->n; i++) {
		const char *id = ystr(ymap_get(e->items[i], "contact"));

		for (j = 0; id != NULL && sc != NULL && j < sc->n &&
		    n < max; j++)
			if (strcmp(id, ystr(ymap_get(sc->items[j], "id")))
			    == 0)
				out[n++] = ystr(ymap_get(sc->items[j],
				    "phone"));
	}
	for (i = 0; t != NULL && i < t->n && n < max; i++)
		out[n++] = ystr(ymap_get(t->items[i], "metric"));
	return n;
}

/* ---------------------------------------------------------------- tests */

static const char *const papers[] = { "a4", "letter" };
static const char *const sizes[] = { "595.276 x 841.89 pts (A4)",
    "612 x 792 pts (letter)" };

/* Returns how many diagnostics of rule r there are. */
static size_t
count_rule(const struct diags *d, enum rule r)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		n += d->v[i].rule == r;
	return n;
}

/* Returns the URL a runbook's QR code must hold. */
static char *
page_url(const struct site *site, const char *id)
{
	struct buf b = { NULL, 0, 0 };
	const unsigned char *p;

	buf_puts(&b, site->cfg.base_url);
	for (p = (const unsigned char *)id; *p; p++)
		if (*p < 0x80 && *p > ' ')
			buf_putc(&b, *p);
		else
			buf_printf(&b, "%%%02X", *p);
	BUF_PUTSL(&b, ".html");
	return buf_detach(&b);
}

/* Checks that zbarimg reads every runbook's QR code off the page. */
static void
check_qr(const char *tn, const struct site *site, const char *pdf,
    const struct runbook *const *rbs, size_t n)
{
	char *cmd, *out, *url;
	size_t k;

	cmd = xasprintf("pdftoppm -r 150 -png -singlefile '%s' '%s/qr' && "
	    "zbarimg -q --raw '%s/qr.png' 2>/dev/null", pdf, tmpdir, tmpdir);
	out = run(cmd);
	free(cmd);
	for (k = 0; k < n; k++) {
		url = page_url(site, rbs[k]->id);
		if (out == NULL || strstr(out, url) == NULL) {
			FAIL(CARD(tn), "no QR code of %s (zbarimg read: "
			    "%.200s)", url, out != NULL ? out : "nothing");
			free(url);
			break;
		}
		free(url);
	}
	if (k == n)
		test_pass(CARD(tn));
	free(out);
}

/* A card per paper that renders every case, one after the other. */
static struct card *shared[2];

/* Returns 1 if two buffers hold the same bytes. */
static int
same_bytes(const struct buf *a, const struct buf *b)
{
	return a->len == b->len && (a->len == 0 ||
	    memcmp(a->data, b->data, a->len) == 0);
}

/* Returns 1 if a forked process with a new card renders the same bytes. */
static int
same_in_child(struct site *site, int p, const struct runbook *const *rbs,
    size_t n, const struct buf *pdf, const struct buf *html)
{
	char *pp = xasprintf("%s/child.pdf", tmpdir);
	char *hp = xasprintf("%s/child.html", tmpdir);
	struct buf a = { NULL, 0, 0 }, b = { NULL, 0, 0 };
	struct diags d;
	struct card *c;
	int st, same = 0;
	pid_t pid;

	fflush(stdout);
	if ((pid = fork()) == -1)
		return 0;
	if (pid == 0) {
		diags_init(&d, NULL);
		c = card_new(site, papers[p]);
		if (card_render(c, rbs, n, &a, &b, &d) != 0 ||
		    write_buf(pp, &a) != 0 || write_buf(hp, &b) != 0)
			_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    WEXITSTATUS(st) == 0 && read_file(pp, &a, RBC_MAX_FILE) == 0 &&
	    read_file(hp, &b, RBC_MAX_FILE) == 0)
		same = same_bytes(pdf, &a) && same_bytes(html, &b);
	unlink(pp);
	unlink(hp);
	free(pp);
	free(hp);
	buf_free(&a);
	buf_free(&b);
	return same;
}

/* Checks one card (one or several runbooks) on one paper. */
static void
check_card(struct site *site, int p, const char *name,
    const struct runbook *const *rbs, size_t n, int expect_overflow)
{
	struct card *c = card_new(site, papers[p]);
	struct buf pdf = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct buf pdf2 = { NULL, 0, 0 }, html2 = { NULL, 0, 0 };
	struct diags d;
	char tn[256], *path, *hpath, *cpath, *size = NULL, *text;
	const char *want[512];
	size_t nwant, i, k;
	int rc, pages;
	/* Cairo makes the cards with CJK (the unicode case) and all those
	 * of the RBC_CARD_PANGO pass; rbc's own PDF writer the others. */
	int cairo = pango_pass || strstr(name, "unicode") ||
	    strstr(name, "several");

	diags_init(&d, NULL);
	snprintf(tn, sizeof(tn), "%s-%s", name, papers[p]);
	rc = card_render(c, rbs, n, &pdf, &html, &d);
	if (expect_overflow) {
		if (rc != -1)
			FAIL(CARD(tn), "an impossible card was not refused");
		else if (count_rule(&d, R_CARD_OVERFLOW) != 1)
			FAIL(CARD(tn), "want one card-overflow diagnostic, "
			    "have %zu diagnostics", d.n);
		else if (pdf.len != 0 || html.len != 0)
			FAIL(CARD(tn), "a refused card produced %zu PDF and "
			    "%zu HTML bytes", pdf.len, html.len);
		else {
			test_info(CARD(tn), "%s", d.v[0].msg);
			test_pass(CARD(tn));
		}
		goto out;
	}
	if (rc != 0 || d.n != 0) {
		FAIL(CARD(tn), "render failed (%d): %s", rc, d.n ? d.v[0].msg :
		    "no diagnostic");
		goto out;
	}

	/* One page of the right size. */
	path = xasprintf("%s/%s.pdf", tmpdir, tn);
	write_buf(path, &pdf);
	pages = pdf_pages(path, &size);
	snprintf(tn, sizeof(tn), "%s-%s-pdf-one-page", name, papers[p]);
	if (pages != 1)
		FAIL(CARD(tn), "pdfinfo says %d pages", pages);
	else if (size == NULL || strcmp(size, sizes[p]) != 0)
		FAIL(CARD(tn), "page size is \"%s\", want \"%s\"",
		    size ? size : "?", sizes[p]);
	else
		test_pass(CARD(tn));
	free(size);

	/* Made by the engine it should be; a well-formed file either way. */
	snprintf(tn, sizeof(tn), "%s-%s-engine", name, papers[p]);
	{
		char *cmd = xasprintf("pdfinfo '%s' | grep '^Producer:'", path);
		char *o = run(cmd);

		if (o == NULL || strstr(o, cairo ? "cairo" : "rbc") == NULL)
			FAIL(CARD(tn), "want the %s engine, pdfinfo says %s",
			    cairo ? "Cairo" : "fast", o ? o : "nothing");
		else
			test_pass(CARD(tn));
		free(o);
		free(cmd);
	}
	/*
	 * qpdf finds nothing wrong with the fast path's files.  Cairo 1.16
	 * numbers an object it never writes, which qpdf repairs with a
	 * warning (exit 3): from Cairo, only errors (exit 2) fail.
	 */
	snprintf(tn, sizeof(tn), "%s-%s-qpdf-check", name, papers[p]);
	if (!have_qpdf)
		test_skip(CARD(tn), "qpdf not installed");
	else {
		char *cmd = xasprintf("qpdf --check '%s' >/dev/null 2>&1; "
		    "echo $?", path);
		char *o = run(cmd);
		int st = o != NULL ? atoi(o) : -1;

		if (st == 0 || (cairo && st == 3))
			test_pass(CARD(tn));
		else {
			free(o);
			free(cmd);
			cmd = xasprintf("qpdf --check '%s' 2>&1 | tail -3",
			    path);
			o = run(cmd);
			FAIL(CARD(tn), "qpdf --check exits %d: %.300s", st,
			    o ? o : "?");
		}
		free(o);
		free(cmd);
	}

	/* Every phone number, name and metric is real text. */
	text = pdf_text(path);
	snprintf(tn, sizeof(tn), "%s-%s-pdf-text", name, papers[p]);
	for (k = 0; k < n; k++) {
		nwant = expected_texts(site, rbs[k], want, 512);
		for (i = 0; i < nwant; i++)
			if (want[i] != NULL && !contains_text(text, want[i]))
				break;
		if (i < nwant)
			break;
	}
	if (k < n)
		FAIL(CARD(tn), "pdftotext lacks \"%s\"", want[i]);
	else
		test_pass(CARD(tn));
	free(text);

	/* The QR codes scan, to the runbooks' pages. */
	snprintf(tn, sizeof(tn), "%s-%s-qr", name, papers[p]);
	if (!have_zbar)
		test_skip(CARD(tn), "zbarimg (zbar-tools) not installed");
	else
		check_qr(tn, site, path, rbs, n);

	/*
	 * Deterministic bytes: rendered again by the same card, by a card
	 * that rendered every case before, and in another process.
	 */
	snprintf(tn, sizeof(tn), "%s-%s-deterministic", name, papers[p]);
	card_render(c, rbs, n, &pdf2, &html2, &d);
	if (!same_bytes(&pdf, &pdf2) || !same_bytes(&html, &html2))
		FAIL(CARD(tn), "two renders differ");
	else if (buf_reset(&pdf2), buf_reset(&html2),
	    card_render(shared[p], rbs, n, &pdf2, &html2, &d) != 0 ||
	    !same_bytes(&pdf, &pdf2) || !same_bytes(&html, &html2))
		FAIL(CARD(tn), "a card that rendered others renders "
		    "differently");
	else if (!same_in_child(site, p, rbs, n, &pdf, &html))
		FAIL(CARD(tn), "another process renders differently");
	else
		test_pass(CARD(tn));

	/* The HTML card: escaped, valid UTF-8, and one printed page. */
	snprintf(tn, sizeof(tn), "%s-%s-html", name, papers[p]);
	if (strstr(html.data, "<script") || strstr(html.data, "<img") ||
	    strstr(html.data, "<b>tags") || strstr(html.data, "<b>bold"))
		FAIL(CARD(tn), "unescaped markup in the HTML card");
	else if (utf8_valid(html.data, html.len) != html.len)
		FAIL(CARD(tn), "the HTML card is not valid UTF-8");
	else if (strstr(html.data, p == 0 ? "size:A4" : "size:letter") ==
	    NULL)
		FAIL(CARD(tn), "no @page size");
	else
		test_pass(CARD(tn));
	hpath = xasprintf("%s/%s-%s.html", tmpdir, name, papers[p]);
	write_buf(hpath, &html);
	snprintf(tn, sizeof(tn), "%s-%s-chromium-one-page", name, papers[p]);
	if (pango_pass)
		;	/* the HTML card is the same whatever the PDF engine */
	else if (!have_chromium)
		test_skip(CARD(tn), "chromium not installed");
	else {
		cpath = xasprintf("%s/%s-%s.chromium.pdf", tmpdir, name,
		    papers[p]);
		size = NULL;
		if (chromium_print(hpath, cpath) != 0)
			FAIL(CARD(tn), "chromium failed to print %s", hpath);
		else if ((pages = pdf_pages(cpath, &size)) != 1)
			FAIL(CARD(tn), "chromium printed %d pages", pages);
		else if (!same_size(size, sizes[p]))
			FAIL(CARD(tn), "chromium page size is \"%s\"", size);
		else {
			text = pdf_text(cpath);
			nwant = expected_texts(site, rbs[0], want, 512);
			for (i = 0; i < nwant; i++)
				if (want[i] != NULL &&
				    !contains_text(text, want[i]))
					break;
			if (i < nwant)
				FAIL(CARD(tn), "chromium's print lacks \"%s\"",
				    want[i]);
			else
				test_pass(CARD(tn));
			free(text);
		}
		free(size);
		free(cpath);
	}
	free(hpath);
	free(path);
out:
	buf_free(&pdf);
	buf_free(&html);
	buf_free(&pdf2);
	buf_free(&html2);
	diags_free(&d);
	card_free(c);
}

/* Returns the base case's text with k lines of fmt (one %d) added
 * before the line that starts with before (NULL: at the end). */
static struct rb *
rb_grown(const struct rb *base, const char *before, const char *fmt, int k)
{
	struct buf t = { NULL, 0, 0 };
	const char *raw = base->r.raw.data, *at = NULL;
	char *key;
	int i;

	if (before != NULL) {
		key = xasprintf("\n%s", before);
		at = strstr(raw, key);
		free(key);
	}
	if (at == NULL)
		at = raw + base->r.raw.len;
	else
		at++;
	buf_put(&t, raw, (size_t)(at - raw));
	for (i = 0; i < k; i++) {
		buf_printf(&t, fmt, i);
		buf_putc(&t, '\n');
	}
	buf_puts(&t, at);
	return rb_make(base->case_name, xstrdup(base->r.src.path), &t);
}

/*
 * The fullest card that still fits: grow a case line by line (found by
 * bisection) until one more would overflow; that card's PDF and its
 * HTML, printed by Chromium, must both be one page.
 */
static void
check_edge(struct site *site, int p, const struct rb *base,
    const char *before, const char *fmt)
{
	struct card *c = card_new(site, papers[p]);
	struct diags d;
	struct rb *t;
	char tn[128];
	int lo = 0, hi = 400, mid, ok;

	snprintf(tn, sizeof(tn), "%s-edge", base->case_name);
	diags_init(&d, NULL);
	while (lo < hi) {
		mid = (lo + hi + 1) / 2;
		t = rb_grown(base, before, fmt, mid);
		ok = card_render(c, (const struct runbook *const *)&t, 1,
		    NULL, NULL, &d) == 0;
		rb_free(t);
		if (ok)
			lo = mid;
		else
			hi = mid - 1;
	}
	diags_free(&d);
	card_free(c);
	test_info(test_name("card/%s-%s", tn, papers[p]),
	    "%d more lines fit, one more overflows", lo);
	t = rb_grown(base, before, fmt, lo);
	check_card(site, p, tn, (const struct runbook *const *)&t, 1, 0);
	rb_free(t);
}

/* Returns strcmp() order of two names, for qsort(). */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads tests/card/site.yaml into a site that card_new() can use. */
static void
load_site(struct site *s, struct arena *a, struct buf *raw, const char *dir)
{
	char *path = path_join(dir, "site.yaml");
	struct ynode *root;

	memset(s, 0, sizeof(*s));
	diags_init(&s->diags, NULL);
	if (read_file(path, raw, RBC_MAX_FILE) != 0) {
		fprintf(stderr, "t_card: cannot read %s\n", path);
		exit(2);
	}
	root = yaml_load(a, raw->data, raw->len, path, 1, &s->diags);
	if (root == NULL)
		exit(2);
	s->cfg.root = root;
	s->cfg.title = (char *)ystr(ymap_get(root, "title"));
	s->cfg.base_url = (char *)ystr(ymap_get(root, "base_url"));
	s->cfg.organisation = (char *)ystr(ymap_get(root, "organisation"));
	s->cfg.contacts = (struct ynode *)ymap_get(root, "contacts");
	free(path);
}

/* A runbook without front-matter, and one with invalid UTF-8. */
static void
check_odd(struct site *site)
{
	struct runbook r;
	const struct runbook *rp = &r;
	struct card *c = card_new(site, NULL);
	struct buf pdf = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct diags d;
	char *path, *text;

	diags_init(&d, NULL);
	memset(&r, 0, sizeof(r));
	r.id = (char *)"no-front-matter";
	r.title = (char *)"Plain \xff\xfe runbook";
	r.src.path = (char *)"content/no-front-matter.md";
	if (card_render(c, &rp, 1, &pdf, &html, &d) != 0)
		FAIL(CARD("no-front-matter"), "render failed");
	else {
		path = xasprintf("%s/no-front-matter.pdf", tmpdir);
		write_buf(path, &pdf);
		text = pdf_text(path);
		if (pdf_pages(path, NULL) != 1)
			FAIL(CARD("no-front-matter"), "not one page");
		else if (!contains_text(text, "Plain") ||
		    !contains_text(text, "runbook"))
			FAIL(CARD("no-front-matter"), "title missing: %s",
			    text);
		else if (utf8_valid(html.data, html.len) != html.len)
			FAIL(CARD("no-front-matter"), "invalid UTF-8 in HTML");
		else
			test_pass(CARD("no-front-matter"));
		free(text);
		free(path);
	}
	if (card_new(site, "a3") != NULL)
		FAIL(CARD("paper-unknown"), "card_new accepted paper a3");
	else
		test_pass(CARD("paper-unknown"));
	buf_free(&pdf);
	buf_free(&html);
	diags_free(&d);
	card_free(c);
}

/* Every HTML card written so far is valid HTML (the Nu checker). */
static void
check_vnu(const char *root)
{
	char *jar = path_join(root,
	    "build/npm/node_modules/vnu-jar/build/dist/vnu.jar"), *cmd, *out;
	struct stat st;

	if (stat(jar, &st) != 0) {
		test_skip("card/html-valid", "no %s (make check installs it)",
		    jar);
		free(jar);
		return;
	}
	cmd = xasprintf("java -jar '%s' --errors-only '%s'/*.html 2>&1 && "
	    "echo VNU-OK", jar, tmpdir);
	out = run(cmd);
	if (out != NULL && strstr(out, "VNU-OK") != NULL)
		test_pass(CARD("html-valid"));
	else
		FAIL(CARD("html-valid"), "the Nu checker says: %.500s",
		    out != NULL ? out : "(did not run)");
	free(out);
	free(cmd);
	free(jar);
}

/* Prints cards/s for 1000 renders (PDF and HTML) of one runbook. */
static void
bench(struct site *site, const struct runbook *r)
{
	struct card *c = card_new(site, "a4");
	struct buf pdf = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct timespec t0, t1;
	struct diags d;
	const char *e = getenv("CARD_BENCH_N");
	int n = e != NULL ? atoi(e) : 1000, i;
	double s;

	if (n <= 0) {
		card_free(c);
		return;
	}
	diags_init(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		buf_reset(&pdf);
		buf_reset(&html);
		card_render(c, &r, 1, &pdf, &html, &d);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	test_info("card/bench", "%d renders of '%s' (PDF %zu bytes + HTML "
	    "%zu bytes) in %.2f s: %.0f cards/s", n, r->id, pdf.len,
	    html.len, s, n / s);
	buf_free(&pdf);
	buf_free(&html);
	diags_free(&d);
	card_free(c);
}

/* Returns 0 if every check passed, 1 otherwise. */
int
main(void)
{
	const char *src = getenv("RBC_SRCDIR");
	char *dir, *names[256], *o;
	struct rb *rbs[256];
	const struct runbook *set[256];
	struct site site;
	struct arena *sa = arena_new();
	struct buf sraw = { NULL, 0, 0 };
	struct dirent *de;
	size_t n = 0, i, k;
	DIR *dp;
	int p;

	setvbuf(stdout, NULL, _IOLBF, 0);
	dir = path_join(src != NULL ? src : ".", "tests/card");
	snprintf(tmpdir, sizeof(tmpdir), "%s/t_card.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("t_card: mkdtemp");
		return 2;
	}
	load_site(&site, sa, &sraw, dir);
	shared[0] = card_new(&site, papers[0]);
	shared[1] = card_new(&site, papers[1]);
	o = run("command -v chromium");
	have_chromium = o != NULL && *o != '\0';
	free(o);
	o = run("command -v qpdf");
	have_qpdf = o != NULL && *o != '\0';
	free(o);
	o = run("command -v zbarimg");
	have_zbar = o != NULL && *o != '\0';
	free(o);
	o = run("command -v pdfinfo && command -v pdftotext");
	if (o == NULL || *o == '\0') {
		FAIL("card/tools", "pdfinfo and pdftotext (poppler-utils) "
		    "are needed");
		return test_summary();
	}
	free(o);

	if ((dp = opendir(dir)) == NULL) {
		perror(dir);
		return 2;
	}
	while ((de = readdir(dp)) != NULL && n < 256)
		if (str_has_suffix(de->d_name, ".yaml") &&
		    strcmp(de->d_name, "site.yaml") != 0)
			names[n++] = xstrdup(de->d_name);
	closedir(dp);
	qsort(names, n, sizeof(*names), by_name);
	for (i = 0; i < n; i++)
		rbs[i] = rb_load(dir, names[i]);

	/* Each case alone, on each paper. */
	for (i = 0; i < n; i++)
		for (p = 0; p < 2; p++) {
			set[0] = &rbs[i]->r;
			check_card(&site, p, rbs[i]->case_name, set, 1,
			    rbs[i]->overflow);
		}
	/* Several runbooks on one page. */
	for (i = k = 0; i < n; i++)
		if (strcmp(rbs[i]->case_name, "payments") == 0 ||
		    strcmp(rbs[i]->case_name, "unicode") == 0 ||
		    strcmp(rbs[i]->case_name, "minimal") == 0)
			set[k++] = &rbs[i]->r;
	for (p = 0; p < 2; p++)
		check_card(&site, p, "several", set, k, 0);
	/* Several Latin-script runbooks: rbc's own PDF writer. */
	for (i = k = 0; i < n; i++)
		if (strcmp(rbs[i]->case_name, "payments") == 0 ||
		    strcmp(rbs[i]->case_name, "minimal") == 0)
			set[k++] = &rbs[i]->r;
	for (p = 0; p < 2; p++)
		check_card(&site, p, "pair", set, k, 0);
	check_odd(&site);

	/* The fullest cards that fit, in the PDF and in Chromium. */
	for (i = 0; i < n; i++)
		for (p = 0; p < 2; p++) {
			if (strcmp(rbs[i]->case_name, "crowded") == 0)
				check_edge(&site, p, rbs[i], "quickref:",
				    "  - {metric: edge_%03d, unit: ms, "
				    "warning: 100, critical: 500}");
			if (strcmp(rbs[i]->case_name, "payments") == 0)
				check_edge(&site, p, rbs[i], NULL,
				    "  - {label: Extra step %d, command: "
				    "\"systemctl status payments-worker "
				    "--no-pager --lines=50\"}");
		}

	for (i = 0; i < n; i++)
		if (strcmp(rbs[i]->case_name, "payments") == 0)
			bench(&site, &rbs[i]->r);

	/* Every case again with Pango and Cairo, the path for scripts
	 * that the fast path's fonts do not cover. */
	setenv("RBC_CARD_PANGO", "1", 1);
	pango_pass = 1;
	card_free(shared[0]);
	card_free(shared[1]);
	shared[0] = card_new(&site, papers[0]);
	shared[1] = card_new(&site, papers[1]);
	for (i = 0; i < n; i++)
		for (p = 0; p < 2; p++) {
			char pn[128];

			snprintf(pn, sizeof(pn), "pango-%s",
			    rbs[i]->case_name);
			set[0] = &rbs[i]->r;
			check_card(&site, p, pn, set, 1, rbs[i]->overflow);
		}
	unsetenv("RBC_CARD_PANGO");

	for (i = 0; i < n; i++) {
		rb_free(rbs[i]);
		free(names[i]);
	}
	check_vnu(src != NULL ? src : ".");
	card_free(shared[0]);
	card_free(shared[1]);
	free(dir);
	buf_free(&sraw);
	arena_free(sa);
	diags_free(&site.diags);
	if (getenv("CARD_KEEP") == NULL)
		rm_rf(tmpdir);
	else
		test_info("card", "output kept in %s", tmpdir);
	return test_summary();
}
