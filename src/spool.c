/*
 * The spool: what a scan worker renders while it has a runbook's tree
 * (the HTML body with its links left open, the man page with its links
 * guessed), written to a file of its own, and the shared table (struct
 * shared) that says where each runbook's entry lies and which runbooks
 * the workers of a pass have claimed.
 */
#define _GNU_SOURCE	/* fallocate */
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




/* Maps s->sh for n runbooks, no spool entries; 0, or -1 after a message. */
int
shared_open(struct build *b, size_t n)
{
	size_t len = sizeof(struct shared) + n * sizeof(struct spent);
	void *p;

	shared_close(b);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "rbc: cannot share memory with the workers: "
		    "%s\n", strerror(errno));
		return -1;
	}
	b->sh = p;
	atomic_init(&b->sh->next, 0);
	b->sh->n = n;
	b->sh->maplen = len;
	return 0;
}

/*
 * The spool: while it scans, each worker also renders what of every
 * runbook needs no index (prerender in build.c) and appends it, as
 * [length][runbook index][bytes], to a file of its own, and notes where
 * in the memory the workers share (struct spent).  Whichever render
 * worker claims the runbook reads that entry back; a runbook with none
 * (its scan record came from the cache) is read and parsed again.  Only
 * the workers read the spool: the parent holds none of it.
 */
void
shared_close(struct build *b)
{
	if (b->sh != NULL)
		munmap(b->sh, b->sh->maplen);
	b->sh = NULL;
}

/*
 * Claims the next few of n runbooks for this worker: [*from, *to).
 * Returns 0 when every one is claimed.  Chunks of up to 16 keep the
 * counter cold and leave at the end at most 16 runbooks' work on one
 * worker while the others wait.
 */
int
claim(struct shared *sh, size_t n, int jobs, size_t *from, size_t *to)
{
	size_t chunk = n / ((size_t)jobs * 64), at;

	if (chunk < 1)
		chunk = 1;
	if (chunk > 16)
		chunk = 16;
	at = atomic_fetch_add(&sh->next, chunk);
	if (at >= n)
		return 0;
	*from = at;
	*to = n - at < chunk ? n : at + chunk;
	return 1;
}

/* Returns 0 with runbook i's spool entry (header first) in b, or -1 if
 * it has none or it cannot be read back. */
int
spool_get(const struct build *b, size_t i, struct buf *out)
{
	const struct spent *e;

	if (!b->pre || b->sh == NULL || i >= b->sh->n)
		return -1;
	e = &b->sh->ent[i];
	if (e->k1 < 1 || e->k1 > b->nspool)
		return -1;
	buf_reset(out);
	buf_grow(out, (size_t)e->len + 9);
	if (read_at(b->spool[e->k1 - 1], out->data, (size_t)e->len + 8,
	    (off_t)e->off) == -1)
		return -1;
	if (u32_get(out->data) != e->len || u32_get(out->data + 4) != i)
		return -1;
	out->len = (size_t)e->len + 8;
	return 0;
}

/*
 * Where the spool entries of runbooks [from, to) lie, when they lie one
 * after the other in one spool, as a chunk the scan claimed does (the
 * render pass claims the same chunks): that spool's number (k1) in *k,
 * their first byte in *start and the byte past their last in *end.
 * Returns 0, or -1 for a gap, another spool or a runbook with none.
 */
static int
spool_span(const struct build *b, size_t from, size_t to, int *k,
    uint64_t *start, uint64_t *end)
{
	const struct spent *e;
	size_t i;

	if (!b->pre || b->sh == NULL || to > b->sh->n || from >= to)
		return -1;
	e = &b->sh->ent[from];
	if ((*k = e->k1) < 1 || *k > b->nspool)
		return -1;
	*start = e->off;
	*end = e->off + 8 + e->len;
	for (i = from + 1; i < to; i++) {
		e = &b->sh->ent[i];
		if (e->k1 != *k || e->off != *end)
			return -1;
		*end += 8 + e->len;
	}
	return 0;
}


void
spool_map(const struct build *b, size_t from, size_t to, struct spmap *m)
{
	uint64_t start, end;
	long pg = sysconf(_SC_PAGESIZE);
	void *p;

	m->p = NULL;
	if (pg < 1 || spool_span(b, from, to, &m->k, &start, &end) == -1)
		return;
	m->at = start - start % (uint64_t)pg;
	m->len = (size_t)(end - m->at);
	p = mmap(NULL, m->len, PROT_READ, MAP_SHARED | MAP_POPULATE,
	    b->spool[m->k - 1], (off_t)m->at);
	if (p != MAP_FAILED)
		m->p = p;
}

void
spool_unmap(struct spmap *m)
{
	if (m->p != NULL)
		munmap((void *)(uintptr_t)m->p, m->len);
	m->p = NULL;
}

/*
 * Runbook i's spool entry, header first, where m maps it: 0 with it in
 * *p (*n bytes), or -1 if m does not hold it whole and right.
 */
int
spool_mapped(const struct build *b, const struct spmap *m, size_t i,
    const char **p, size_t *n)
{
	const struct spent *e;
	uint64_t rel;

	if (m->p == NULL || i >= b->sh->n)
		return -1;
	e = &b->sh->ent[i];
	if (e->k1 != m->k || e->off < m->at)
		return -1;
	rel = e->off - m->at;
	if (rel + 8 + e->len > m->len || u32_get(m->p + rel) != e->len ||
	    u32_get(m->p + rel + 4) != i)
		return -1;
	*p = m->p + rel;
	*n = (size_t)e->len + 8;
	return 0;
}

/*
 * Gives back the file system the spool entries of runbooks [from, to),
 * read.  Releasing them as the pass goes spares the build a serial 30 ms
 * at its end (258 MB of spool for 10,000 runbooks).  Best effort: a gap
 * or another spool, and the entries wait for the spool's close.
 */
void
spool_release(const struct build *b, size_t from, size_t to)
{
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
	uint64_t start, end;
	int k;

	if (spool_span(b, from, to, &k, &start, &end) == -1)
		return;
	/* Whole blocks only: the spool is in folios of up to a block (the
	 * scan wrote it a block at a time), and a hole through a folio has
	 * the rest of it zeroed, not freed (a third of the render workers'
	 * system time, when chunks were punched as they lay).  The blocks
	 * a chunk shares with its neighbours go with the spool. */
	start = (start + SPOOL_BLOCK - 1) / SPOOL_BLOCK * SPOOL_BLOCK;
	end = end / SPOOL_BLOCK * SPOOL_BLOCK;
	if (start < end)
		(void)fallocate(b->spool[k - 1], FALLOC_FL_PUNCH_HOLE |
		    FALLOC_FL_KEEP_SIZE, (off_t)start, (off_t)(end - start));
#else
	(void)s;
	(void)from;
	(void)to;
#endif
}

/* Makes jobs spool files (nameless scratch files); 0 or -1. */
int
spool_open(struct build *b, int jobs)
{
	int k, fd;

	b->spool = xcalloc((size_t)jobs, sizeof(*b->spool));
	for (k = 0; k < jobs; k++) {
		if ((fd = scratch_fd()) == -1) {
			spool_close(b);
			return -1;
		}
		b->spool[b->nspool++] = fd;
	}
	return 0;
}

void
spool_close(struct build *b)
{
	int k;

	for (k = 0; k < b->nspool; k++)
		close(b->spool[k]);
	free(b->spool);
	b->spool = NULL;
	b->nspool = 0;
}


/* Returns 0 after writing out the stage's bytes, or -1 (and every
 * pending entry forgotten: the render parses those runbooks again). */
int
stage_flush(struct build *b, int k, struct stage *st)
{
	size_t i;

	if (!st->bad && st->len > 0 &&
	    write_all(b->spool[k], st->buf, st->len) == -1)
		st->bad = 1;
	st->len = 0;
	if (st->bad)
		for (i = 0; i < st->npend; i++)
			b->sh->ent[st->pend[i]].k1 = 0;
	st->npend = 0;
	return st->bad ? -1 : 0;
}

/* Appends p[0..n) to the stage, writing it out each time it fills. */
static int
stage_put(struct build *b, int k, struct stage *st, const void *p, size_t n)
{
	const char *c = p;
	size_t room;

	while (n > 0) {
		room = STAGE - st->len;
		if (room > n)
			room = n;
		memcpy(st->buf + st->len, c, room);
		st->len += room;
		c += room;
		n -= room;
		if (st->len == STAGE && stage_flush(b, k, st) == -1)
			return -1;
	}
	return 0;
}

/*
 * Appends runbook i's prerendered outputs to spool k, whose size is *at,
 * as [length][index][head][length][part]..., through the stage.  Notes
 * where the entry lies for the render pass; 0, or -1 if it could not be
 * written.
 */
int
spool_put(struct build *b, int k, size_t i, struct runbook *r,
    struct prerendered *pr, struct stage *st, uint64_t *at)
{
	unsigned char len[4];
	size_t n;
	int p;

	if (st->buf == NULL)
		st->buf = xmalloc(STAGE);
	buf_reset(&pr->head);
	buf_put_u32(&pr->head, 0);
	buf_put_u32(&pr->head, (uint32_t)i);
	prerender(b, r, pr);
	n = pr->head.len - 8;
	for (p = 0; p < pr->nparts; p++)
		n += 4 + pr->part[p].len;
	if (n > UINT32_MAX - 8 || st->bad)
		return -1;
	u32_put(pr->head.data, (uint32_t)n);
	b->sh->ent[i].off = *at;
	b->sh->ent[i].len = (uint32_t)n;
	b->sh->ent[i].k1 = k + 1;
	*at += 8 + n;
	if (stage_put(b, k, st, pr->head.data, pr->head.len) == -1)
		goto bad;
	for (p = 0; p < pr->nparts; p++) {
		u32_put(len, (uint32_t)pr->part[p].len);
		if (stage_put(b, k, st, len, 4) == -1 ||
		    stage_put(b, k, st, pr->part[p].data,
		    pr->part[p].len) == -1)
			goto bad;
	}
	/* Pending while any of it waits in the stage (a write out in
	 * between has taken every entry before it). */
	if (st->len > 0) {
		if (st->npend == st->maxpend) {
			st->maxpend = st->maxpend ? 2 * st->maxpend : 64;
			st->pend = xreallocarray(st->pend, st->maxpend,
			    sizeof(*st->pend));
		}
		st->pend[st->npend++] = i;
	}
	return 0;
bad:
	b->sh->ent[i].k1 = 0;
	return -1;
}

/*
 * A man page rendered before the index exists: where each link to
 * another runbook goes is guessed from its path (link_guess), and each
 * guess noted in out (the light runbook's link, how the page showed it,
 * its text, the page named) for guesses_hold to check against the index.
 */
struct guesser {
	struct buf	*out;
	uint32_t	*slot;		/* link_slots */
	char		**keep;		/* names shown, freed after the page */
	size_t		 nkeep, capkeep;
};

/* The man_link_fn of a page rendered before the index. */
static int
link_guessed(void *arg, const struct runbook *r, const struct link *l,
    const char *text, struct man_target *t)
{
	struct guesser *g = arg;
	char *id = link_guess(r, l), *name = NULL;
	uint32_t kind = 0;	/* the text alone */

	if (id != NULL && strcmp(id, r->id) != 0) {
		name = id_name(id);
		t->name = name;
		t->id = id;
		t->title = NULL;
		kind = man_names(text, l->dest, t) ? 1 : 2;
	}
	buf_put_u32(g->out, g->slot[l - r->links]);
	buf_put_u32(g->out, kind);
	buf_put_str(g->out, text);
	buf_put_str(g->out, name);
	if (g->nkeep + 2 > g->capkeep) {
		g->capkeep = g->capkeep ? g->capkeep * 2 : 16;
		g->keep = xreallocarray(g->keep, g->capkeep, sizeof(*g->keep));
	}
	g->keep[g->nkeep++] = id;
	g->keep[g->nkeep++] = name;
	return kind != 0;
}

static void
guesser_free(struct guesser *g)
{
	size_t i;

	for (i = 0; i < g->nkeep; i++)
		free(g->keep[i]);
	free(g->keep);
	free(g->slot);
}

/*
 * A body rendered before the index exists: each link and image that the
 * index resolves is left open, its place noted in ins (where, the light
 * runbook's link, how, the title) for body_fill to complete.
 */
struct deferral {
	const struct site	*s;
	struct buf		*ins;
	uint32_t		*slot;		/* link_slots */
};

/* The html_link_fn of a body rendered before the index. */
static void
link_defer(void *arg, struct buf *o, const struct runbook *r,
    const struct link *l, int flags, const char *title, size_t tn,
    struct buf *scratch)
{
	struct deferral *d = arg;

	if (!link_kept(l)) {
		/* The index leaves it alone (the light runbook does not
		 * keep it): written now. */
		html_link_put((void *)(uintptr_t)d->s, o, r, l, flags, title,
		    tn, scratch);
		return;
	}
	buf_put_u32(d->ins, (uint32_t)o->len);
	buf_put_u32(d->ins, d->slot[l - r->links]);
	buf_put_u32(d->ins, (uint32_t)flags);
	buf_put_str(d->ins, title);
}

/* Appends r's HTML body to body, its links left open and noted in ins
 * (body_fill completes them). */
void
prerender_body(const struct site *s, const struct runbook *r,
    struct buf *body, struct buf *ins)
{
	struct deferral d = { s, ins, link_slots(r) };

	html_body(body, s, r, link_defer, &d);
	free(d.slot);
}

/* Appends r's man page, but its SEE ALSO, to page, where its links go
 * guessed and the guesses noted in guesses (guesses_hold checks them). */
void
prerender_man(const struct site *s, const struct runbook *r,
    struct buf *page, struct buf *guesses)
{
	struct guesser g;
	struct man *m;

	memset(&g, 0, sizeof(g));
	g.out = guesses;
	g.slot = link_slots(r);
	m = man_new(s, link_guessed, &g);
	man_render_page(m, r, page);
	man_free(m);
	guesser_free(&g);
}

/*
 * Appends to blob what of r's outputs needs no index, rendered while the
 * scan has its tree (workers.c keeps it in the spool): its id and name,
 * its front-matter, the HTML body with its links left open, the man page
 * but its SEE ALSO with its links guessed.  render_one completes them.
 */
void
prerender(struct build *b, struct runbook *r, struct prerendered *p)
{
	struct site *s = &b->site;
	int k;

	buf_put_str(&p->head, r->id);
	buf_put_str(&p->head, r->name);
	buf_put_u32(&p->head, r->fm != NULL);
	if (r->fm != NULL)
		ynode_encode(&p->head, r->fm);
	for (k = 0; k < 4; k++)
		buf_reset(&p->part[k]);
	p->nparts = 0;
	if (b->pre & FMT_HTML) {
		prerender_body(s, r, &p->part[0], &p->part[1]);
		p->nparts = 2;
	}
	if (b->pre & FMT_MAN) {
		prerender_man(s, r, &p->part[p->nparts],
		    &p->part[p->nparts + 1]);
		p->nparts += 2;
	}
}

void
prerendered_free(struct prerendered *p)
{
	int k;

	buf_free(&p->head);
	for (k = 0; k < 4; k++)
		buf_free(&p->part[k]);
}
