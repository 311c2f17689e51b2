/*
 * The render pass: each worker completes its share of the runbooks from
 * the spool with the links the index resolved (or parses a runbook again
 * where it has no entry or a guess was wrong) and writes their files,
 * beside the site pages.  Memory stays bounded by one runbook a worker.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

struct renderjob {
	struct build	*b;
	void		*(*setup)(void *);
	void		(*one)(void *, struct runbook *, const char *,
			    size_t, struct buf *diags);
	void		(*teardown)(void *);
	void		*arg;
};

static void
render_share(void *arg, int k, int jobs, struct buf *out)
{
	struct renderjob *j = arg;
	struct build *b = j->b;
	struct site *s = &b->site;
	void *w = j->setup(j->arg);
	struct buf blob = { NULL, 0, 0 };
	struct spmap m;
	const char *p;
	size_t i, n, from, to;

	(void)k;
	s->tree_arena = 1;
	while (claim(b->sh, s->n, jobs, &from, &to)) {
		spool_map(b, from, to, &m);
		for (i = from; i < to; i++) {
			struct runbook *r;
			if (b->todo != NULL && !b->todo[i])
				continue;	/* unchanged: linked */
			if (spool_mapped(b, &m, i, &p, &n) == 0) {
				j->one(w, s->rb[i], p + 8, n - 8, out);
				continue;
			}
			if (spool_get(b, i, &blob) == 0) {
				j->one(w, s->rb[i], blob.data + 8,
				    blob.len - 8, out);
				continue;
			}
			r = runbook_reload(s, s->rb[i]);
			j->one(w, r, NULL, 0, out);
			runbook_free(r);
		}
		spool_unmap(&m);
		spool_release(b, from, to);
	}
	buf_free(&blob);
	s->tree_arena = 0;
	j->teardown(w);
}

struct combined {
	struct renderjob	*r;
	int			 rjobs;
	void			(*side_fn)(void *, int, int, struct buf *);
	void			*side_arg;
	int			 side_jobs;
};

/* Worker k: a share of the runbooks, or (past rjobs) of the extra work. */
static void
combined_share(void *arg, int k, int jobs, struct buf *out)
{
	struct combined *c = arg;

	(void)jobs;
	if (k < c->rjobs)
		render_share(c->r, k, c->rjobs, out);
	else
		c->side_fn(c->side_arg, k - c->rjobs, c->side_jobs, out);
	if (getenv("RBC_TIMING") != NULL) {
		char what[32];
		snprintf(what, sizeof(what), "%s worker %d", k < c->rjobs ?
		    "runbook" : "site", k);
		phase(what);
	}
}

/* Runbooks a rebuild renders in the parent rather than in workers. */
#define RENDER_HERE	8

/*
 * The render pass: each worker makes its renderers with setup(arg), calls
 * one(state, runbook, blob, len, out) for its share of the runbooks and
 * frees them with teardown(state).  one() gets the light runbook and its
 * spool entry, or (blob NULL) the whole runbook read and parsed again;
 * what one() appends to out (diagnostics, as diag_encode() writes them)
 * comes back into d.  With side_fn, side_jobs more workers run
 * side_fn(side_arg, k, side_jobs, out) at the same time (the site pages,
 * which need only the index): they fill the CPU time the runbook workers
 * leave while the file system creates their files.  Returns 0, or -1 if
 * a worker failed.
 */
int
render_all_parallel(struct build *b, int jobs, void *(*setup)(void *),
    void (*one)(void *, struct runbook *, const char *, size_t,
    struct buf *),
    void (*teardown)(void *), void *arg, struct diags *d,
    void (*side_fn)(void *, int, int, struct buf *), void *side_arg,
    int side_jobs)
{
	struct site *s = &b->site;
	struct renderjob j = { b, setup, one, teardown, arg };
	struct combined c;
	size_t i, want = 0;

	/* Workers for the runbooks to render, no more; a rebuild's handful
	 * with no site page beside them are rendered here, which costs less
	 * than starting workers (two forks of the parent's 40 MB). */
	for (i = 0; i < s->n; i++)
		want += b->todo == NULL || b->todo[i];
	if (b->todo != NULL && want <= RENDER_HERE && side_fn == NULL)
		jobs = 1;
	if (jobs > 1 && (size_t)jobs > s->n)
		jobs = s->n > 1 ? (int)s->n : 1;
	/* The runbooks are claimed afresh (the scan's spool entries kept). */
	if (b->sh == NULL && shared_open(b, s->n) == -1)
		return -1;
	atomic_store(&b->sh->next, 0);
	if (side_fn == NULL || side_jobs < 1)
		return workers_run(jobs, render_share, &j, d);
	c.r = &j;
	c.rjobs = jobs;
	c.side_fn = side_fn;
	c.side_arg = side_arg;
	c.side_jobs = side_jobs;
	return workers_run(jobs + side_jobs, combined_share, &c, d);
}

/* One worker's renderers, made in the worker (Pango and fontconfig are
 * not to be set up before a fork). */
struct renderers {
	struct build	*build;
	struct out	*o;
	int		 formats;
	struct html	*h;
	struct man	*m;
	struct card	*c;
	struct buf	 b, pdf;
	size_t		 spooled, parsed, reman;	/* for RBC_TIMING */
};

static void *
renderers_new(void *arg)
{
	struct renderers *proto = arg, *w = xcalloc(1, sizeof(*w));

	w->build = proto->build;
	w->o = proto->o;
	w->formats = proto->formats;
	if (w->formats & FMT_HTML)
		w->h = html_new(&w->build->site, w->build->tpl, runbook_fm,
		    w->build);
	if (w->formats & FMT_MAN)
		w->m = man_new(&w->build->site, NULL, NULL);
	if (w->formats & FMT_CARD)
		w->c = card_new(&w->build->site,
		    w->build->site.cfg.paper);
	return w;
}

static void
renderers_free(void *arg)
{
	struct renderers *w = arg;

	if (getenv("RBC_TIMING") != NULL)
		fprintf(stderr, "rbc: render worker: %zu runbooks from the "
		    "spool, %zu parsed again, %zu man pages rendered again\n",
		    w->spooled, w->parsed, w->reman);
	if (w->h != NULL)
		html_free(w->h);
	if (w->m != NULL)
		man_free(w->m);
	if (w->c != NULL)
		card_free(w->c);
	buf_free(&w->b);
	buf_free(&w->pdf);
	free(w);
}

/*
 * Returns 0 if every guess made while r's man page was rendered before
 * the index (link_guessed) is where the index resolved the link, the
 * page shown the same way; -1 if one is not (or guesses is damaged).
 */
int
guesses_hold(const struct site *s, const struct runbook *r,
    const char *guesses, size_t n)
{
	struct rd rd = { (const unsigned char *)guesses, guesses != NULL ?
	    (const unsigned char *)guesses + n : NULL, NULL, 0, 0 };
	struct man_target to;
	const char *text, *gwhat;
	size_t tn, wn;
	uint32_t li, kind, real;
	char *t;
	int ok = 1;

	while (ok && rd.p < rd.end) {
		li = rd_u32(&rd);
		kind = rd_u32(&rd);
		text = rd_mem(&rd, &tn);
		gwhat = rd_mem(&rd, &wn);
		if (rd.bad || text == NULL || li >= r->nlinks)
			return -1;
		t = xstrndup(text, tn);
		real = 0;
		if (man_target_index((void *)(uintptr_t)s, r, &r->links[li], t,
		    &to))
			real = man_names(t, r->links[li].dest, &to) ? 1 : 2;
		if (real != kind || (kind != 0 && (gwhat == NULL ||
		    strlen(to.name) != wn || memcmp(to.name, gwhat, wn) != 0)))
			ok = 0;
		free(t);
	}
	return ok ? 0 : -1;
}

/*
 * Appends body (len bytes, rendered with link_defer) to out with its
 * links completed from the index: the same bytes as html_body.  Returns
 * 0, or -1 if ins is damaged.
 */
int
body_fill(struct buf *out, const struct site *s, const struct runbook *r,
    const char *body, size_t len, const char *ins, size_t inslen)
{
	struct rd rd = { (const unsigned char *)ins, ins != NULL ?
	    (const unsigned char *)ins + inslen : NULL, NULL, 0, 0 };
	struct buf scratch = { NULL, 0, 0 };
	const char *title;
	size_t at = 0, tn;
	uint32_t off, li, fl;
	int rc = 0;

	while (rd.p < rd.end) {
		off = rd_u32(&rd);
		li = rd_u32(&rd);
		fl = rd_u32(&rd);
		title = rd_mem(&rd, &tn);
		if (rd.bad || off < at || off > len || li >= r->nlinks) {
			rc = -1;
			break;
		}
		buf_put(out, body + at, off - at);
		at = off;
		html_link_put((void *)(uintptr_t)s, out, r, &r->links[li],
		    (int)fl, title, tn, &scratch);
	}
	if (rc == 0)
		buf_put(out, body + at, len - at);
	buf_free(&scratch);
	return rc;
}

/* What prerender wrote, read back. */
struct pre {
	struct runbook	 r;		/* the light runbook, fm restored */
	const char	*id, *name;
	const char	*body, *ins, *man, *guess;
	size_t		 nid, nname, nbody, nins, nman, nguess;
};

/* Returns 0, or -1 if the blob is damaged or r's id changed since.  The
 * front-matter's text stays in the blob, which must outlive p. */
static int
pre_read(struct pre *p, struct build *b, struct runbook *l, struct arena *a,
    const char *blob, size_t len)
{
	struct rd rd = { (const unsigned char *)blob, blob != NULL ?
	    (const unsigned char *)blob + len : NULL, a, 0, 1 };

	memset(p, 0, sizeof(*p));
	p->r = *l;
	p->id = rd_mem(&rd, &p->nid);
	p->name = rd_mem(&rd, &p->nname);
	if (rd_u32(&rd) && (p->r.fm = ynode_decode(&rd, 0)) == NULL)
		return -1;
	if (b->pre & FMT_HTML) {
		p->body = rd_mem(&rd, &p->nbody);
		p->ins = rd_mem(&rd, &p->nins);
	}
	if (b->pre & FMT_MAN) {
		p->man = rd_mem(&rd, &p->nman);
		p->guess = rd_mem(&rd, &p->nguess);
	}
	if (rd.bad || p->id == NULL || p->name == NULL)
		return -1;
	/* The index renames an invalid id: what was rendered is stale. */
	if (p->nid != strlen(l->id) || memcmp(p->id, l->id, p->nid) != 0 ||
	    p->nname != strlen(l->name) || memcmp(p->name, l->name,
	    p->nname) != 0)
		return -1;
	return 0;
}

/*
 * Renders and writes every output of r; diagnostics go to out.  With a
 * blob (prerender's), r is a light runbook and the outputs are completed
 * from the blob; without, r is whole.
 */
static void
render_one(void *arg, struct runbook *l, const char *blob, size_t len,
    struct buf *out)
{
	struct renderers *w = arg;
	struct runbook *r = l, *whole = NULL;
	const struct runbook *cr;
	struct arena *a = NULL;
	struct pre p;
	struct diags d;
	struct out o = *w->o;
	char *rel;
	int ok;

	if (blob != NULL) {
		a = arena_new();
		if (pre_read(&p, w->build, l, a, blob, len) == 0)
			r = &p.r;
		else
			r = whole = runbook_reload(&w->build->site, l);
		blob = r == whole ? NULL : blob;
	}
	if (blob != NULL)
		w->spooled++;
	else
		w->parsed++;
	cr = r;
	diags_init(&d, w->build->site.cfg.sev);	/* site.yaml's severities */
	o.d = &d;
	if (w->h != NULL) {
		buf_reset(&w->b);
		if (blob != NULL && p.body != NULL) {
			buf_reset(&w->pdf);
			ok = body_fill(&w->pdf, &w->build->site, r, p.body, p.nbody,
			    p.ins, p.nins) == 0 && html_render_body(w->h, r,
			    w->pdf.data != NULL ? w->pdf.data : "", w->pdf.len,
			    &w->b) == 0;
		} else
			ok = html_render(w->h, r, &w->b) == 0;
		if (!ok)
			diag_add(&d, r->src.path, 0, 0, R_TEMPLATE, "the "
			    "page could not be rendered");
		else if (!r->home) {
			/* The home page's text is the index's (html_site). */
			rel = xasprintf("html/%s.html", r->page);
			put(&o, rel, w->b.data, w->b.len);
			free(rel);
		}
	}
	if (w->m != NULL) {
		const char *head = "";
		size_t nhead = 0;

		buf_reset(&w->b);
		if (blob != NULL && p.man != NULL && p.nman > 0 &&
		    p.man[p.nman - 1] == '\n') {
			/* The SEE ALSO made apart, the page written from
			 * where the spool entry lies. */
			if (guesses_hold(&w->build->site, r, p.guess,
			    p.nguess) == 0) {
				man_see_also(w->m, r, &w->b);
				head = p.man;
				nhead = p.nman;
			} else {
				/* A link went elsewhere than guessed. */
				whole = runbook_reload(&w->build->site, l);
				w->reman++;
				buf_reset(&w->b);
				man_render(w->m, whole, &w->b);
			}
		} else if (blob != NULL)
			man_render(w->m, whole = runbook_reload(&w->build->site, l),
			    &w->b);
		else
			man_render(w->m, r, &w->b);
		rel = xasprintf("man/man7/%s.7", r->name);
		put2(&o, rel, head, nhead, w->b.data, w->b.len);
		free(rel);
	}
	if (w->c != NULL) {
		buf_reset(&w->b);
		buf_reset(&w->pdf);
		if (card_render(w->c, &cr, 1, &w->pdf, &w->b, &d) == 0) {
			rel = xasprintf("card/%s.pdf", r->name);
			put(&o, rel, w->pdf.data, w->pdf.len);
			free(rel);
			rel = xasprintf("card/%s.html", r->name);
			put(&o, rel, w->b.data, w->b.len);
			free(rel);
		}
	}
	diag_encode(out, &d);
	diags_free(&d);
	runbook_free(whole);
	if (a != NULL)
		arena_free(a);
}

/* A worker's share of the site pages; diagnostics go to out. */
static void
site_share(void *arg, int k, int jobs, struct buf *out)
{
	struct out o = *(struct out *)arg;
	struct site *s = &o.b->site;
	struct runbook *home = NULL;
	struct buf intro = { NULL, 0, 0 };
	struct diags d;
	struct html *h;
	size_t i;

	diags_init(&d, o.b->site.cfg.sev);
	o.d = &d;
	h = html_new(&o.b->site, o.b->tpl, runbook_fm, o.b);
	html_terms(h, runbook_terms, o.b);
	if (o.prev != NULL)
		html_search_prev(h, o.prev);
	/* The index (page 0) opens with the home page's text. */
	for (i = 0; k == 0 && !(o.reuse & (1 << SD_PAGES)) && i < s->n; i++)
		if (s->rb[i]->home) {
			home = runbook_reload(s, s->rb[i]);
			html_body(&intro, s, home, NULL, NULL);
			html_intro(h, buf_cstr(&intro));
			break;
		}
	if (html_site(h, put_html, &o, k, jobs,
	    ((o.reuse & (1 << SD_PAGES)) ? HTML_SKIP_PAGES : 0) |
	    ((o.reuse & (1 << SD_SEARCH)) ? HTML_SKIP_SEARCH : 0)) == -1)
		diag_add(&d, "html", 0, 0, R_TEMPLATE, "a site page could not "
		    "be rendered");
	html_free(h);
	runbook_free(home);
	buf_free(&intro);
	diag_encode(out, &d);
	diags_free(&d);
}

/*
 * Renders every output into o->dir, with jobs workers: of the runbooks,
 * those s->todo marks; the site pages and the search index unless
 * reuse_site says they were linked (1 << SD_PAGES, 1 << SD_SEARCH).
 */
void
render_all(struct build *b, struct out *o, int formats, int jobs,
    int reuse_site)
{
	struct site *s = &b->site;
	struct renderers proto;
	struct buf ob = { NULL, 0, 0 };
	size_t before = o->d->n;
	int site_alongside, all = (1 << SD_PAGES) | (1 << SD_SEARCH);

	memset(&proto, 0, sizeof(proto));
	proto.build = b;
	proto.o = o;
	proto.formats = formats;
	/* Four site pages (index, contacts, thresholds, search index): with
	 * several CPUs, two more workers render them beside the runbooks'. */
	o->reuse = reuse_site;
	site_alongside = (formats & FMT_HTML) && reuse_site != all && jobs > 1;
	if (render_all_parallel(b, jobs, renderers_new, render_one,
	    renderers_free, &proto, o->d, site_alongside ? site_share : NULL,
	    o, 2) == -1)
		o->failed = 1;
	phase("render");
	if (o->d->n > before && diags_worst(o->d) == SEV_ERROR)
		o->failed = 1;
	if ((formats & FMT_HTML) && !o->failed) {
		if ((reuse_site != all && !site_alongside && workers_run(1,
		    site_share, o, o->d) == -1) ||
		    (o->d->n > before && diags_worst(o->d) == SEV_ERROR))
			o->failed = 1;
		phase("site pages");
		copy_theme(s, o);
		copy_linked(s, o);
	}
	BUF_PUTSL(&ob, "rbc output: replaced whole by each build\n");
	put(o, MARKER, ob.data, ob.len);
	buf_free(&ob);
}
