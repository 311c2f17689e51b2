/*
 * Workers: the build's two parallel passes, in processes (libcmark-gfm
 * 0.29 is not thread-safe with extensions: a process-wide table of
 * special characters is changed during every parse).
 *
 *  scan    each worker reads, parses and checks its share of the runbooks
 *          and writes one compact record per runbook (what other runbooks
 *          and the site pages need: id, title, headings, links, a few
 *          front-matter values, diagnostics); the parent decodes them
 *          into light runbooks (no tree, no source) and builds the index.
 *          While it has the tree, the scan worker also renders what
 *          needs no index (build.c's prerender: the HTML body with its
 *          links left open, the man page with its links guessed) into
 *          a spool file of its own.
 *  render  each worker completes its share from the spool with the
 *          resolved links and backlinks of the index the parent built
 *          (inherited with the fork) and writes the files; a runbook
 *          with no spool entry, or a wrong guess, is parsed again.
 *          Memory stays bounded by one runbook per worker.
 *
 * The workers of a pass claim the runbooks a few at a time from a
 * counter they share (struct shared), so that none waits idle while
 * another still has a long queue; the spool entry of each runbook is
 * noted there too, for whichever render worker claims it.  The parent
 * puts the records back in runbook order whoever made them, so the
 * output is the same bytes for any -j.  With -j1 the same code runs
 * in-process.
 */
#define _GNU_SOURCE	/* fallocate */
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>

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

#include "rbc.h"

/* ------------------------------------------------------------ records */

/* Reads one diagnostic into g (file and message copied); 0 or -1. */
static int
get_diag(struct rd *r, struct diag *g)
{
	char *file = rd_str(r), *msg;

	g->line = (int)rd_u32(r);
	g->col = (int)rd_u32(r);
	g->rule = (enum rule)rd_u32(r);
	g->sev = (enum severity)rd_u32(r);
	msg = rd_str(r);
	if (r->bad || file == NULL || msg == NULL || g->rule >= R__MAX)
		return -1;
	g->file = xstrdup(file);
	g->msg = xstrdup(msg);
	return 0;
}

/*
 * Appends a record taken from the cache for runbook idx, its index
 * rewritten (runbooks added or removed since move the others).
 */
void
record_put(struct buf *out, size_t idx, const char *rec, size_t len)
{
	size_t at = out->len;

	buf_put(out, rec, len);
	if (len >= 8)
		u32_put(out->data + at + 4, (uint32_t)idx);
}

/* The front-matter keys the site pages read from every runbook, in the
 * order of the FMK_ bits. */
static const char *const site_keys[] = {
	"tags", "last_reviewed", "contacts", "escalation", "thresholds", NULL
};

/* Appends r's scan record to b. */
static void
encode(struct buf *b, size_t idx, const struct runbook *r)
{
	const struct ynode *v;
	struct buf js = { NULL, 0, 0 };
	size_t i, n, at, start = b->len;

	buf_put_u32(b, 0);			/* length, patched below */
	buf_put_u32(b, (uint32_t)idx);
	buf_put_str(b, r->id);
	buf_put_str(b, r->title);
	buf_put_str(b, r->summary);
	buf_put_str(b, r->service);
	buf_put_str(b, r->owner);
	buf_put_str(b, r->version);
	buf_put_str(b, r->review_by);
	buf_put_u32(b, (uint32_t)(r->hash >> 32));
	buf_put_u32(b, (uint32_t)r->hash);
	buf_put_u32(b, (uint32_t)r->stale);
	v = ymap_get(r->fm, "id");
	buf_put_u32(b, v != NULL ? (uint32_t)v->line : 0);
	buf_put_u32(b, v != NULL ? (uint32_t)v->col : 0);
	buf_put_u32(b, (uint32_t)r->nheads);
	for (i = 0; i < r->nheads; i++) {
		buf_put_u32(b, (uint32_t)r->heads[i].level);
		buf_put_u32(b, (uint32_t)r->heads[i].line);
		buf_put_str(b, r->heads[i].slug);
		buf_put_str(b, r->heads[i].text);
	}
	/* The links the index works on (link_kept): not the URLs.  Their
	 * number is patched in once counted. */
	at = b->len;
	buf_put_u32(b, 0);
	for (i = 0, n = 0; i < r->nlinks; i++) {
		if (!link_kept(&r->links[i]))
			continue;
		n++;
		buf_put_u32(b, (uint32_t)r->links[i].kind);
		buf_put_u32(b, (uint32_t)r->links[i].line);
		buf_put_u32(b, (uint32_t)r->links[i].col);
		buf_put_str(b, r->links[i].dest);
	}
	u32_put(b->data + at, (uint32_t)n);
	/*
	 * What the site pages need of the front-matter: each of site_keys'
	 * values (yput) after its length, 0 for none, so that a page reads
	 * only the keys it shows (runbook_fm).
	 */
	if (r->fm != NULL) {
		struct buf one = { NULL, 0, 0 };

		for (i = 0; site_keys[i] != NULL; i++) {
			buf_reset(&one);
			if ((v = ymap_get(r->fm, site_keys[i])) != NULL)
				yput(&one, v);
			buf_put_var(&js, one.len);
			buf_put(&js, one.data, one.len);
		}
		buf_free(&one);
		buf_put_mem(b, js.data, js.len);
	} else
		buf_put_mem(b, NULL, 0);
	/* The digest of what the site pages show of r (cache.c). */
	{
		uint64_t sd = site_seen(r, js.data, js.len);

		buf_put_u32(b, (uint32_t)(sd >> 32));
		buf_put_u32(b, (uint32_t)sd);
	}
	buf_free(&js);
	buf_put_u32(b, (uint32_t)(ymaps(r->fm, "contacts") +
	    ymaps(r->fm, "escalation")));
	buf_put_u32(b, (uint32_t)ymaps(r->fm, "thresholds"));
	/* The rbc-disable comments: the index's diagnostics obey them too. */
	for (i = n = 0; i < r->nsmask; i++)
		n += r->smask[i] != 0;
	buf_put_u32(b, (uint32_t)n);
	for (i = 0; i < r->nsmask; i++)
		if (r->smask[i] != 0) {
			buf_put_u32(b, (uint32_t)i);
			buf_put_u32(b, r->smask[i]);
		}
	buf_put_u32(b, (uint32_t)r->diags.n);
	diag_encode(b, &r->diags);
	u32_put(b->data + start, (uint32_t)(b->len - start - 4));
}

/*
 * Returns the light runbook of one record, its strings in arena a (the
 * site's, or the second decoding thread's), or NULL if it is damaged.
 */
static struct runbook *
decode(struct site *s, struct arena *a, struct rd *in, uint64_t base,
    size_t *idx)
{
	struct runbook *r = xcalloc(1, sizeof(*r));
	struct diags *d;
	struct rd rd = *in;
	char *js;
	size_t i, n;

	/* One arena for every light runbook (two, decoded on two
	 * threads): no chunk half empty each. */
	r->arena = a;
	r->light = 1;
	rd.a = r->arena;
	diags_init(&r->diags, s->cfg.sev);
	*idx = rd_u32(&rd);
	if (rd.bad || *idx >= s->nrbpaths)
		goto bad;
	r->rel = arena_strdup(r->arena, s->rbpaths[*idx]);
	{
		char *abs = path_join(s->content, r->rel);
		r->src.path = arena_strdup(r->arena, abs);
		free(abs);
	}
	r->id = rd_str(&rd);
	r->title = rd_str(&rd);
	r->summary = rd_str(&rd);
	r->service = rd_str(&rd);
	r->owner = rd_str(&rd);
	r->version = rd_str(&rd);
	r->review_by = rd_str(&rd);
	r->hash = (uint64_t)rd_u32(&rd) << 32;
	r->hash |= rd_u32(&rd);
	r->stale = (int)rd_u32(&rd);
	r->id_line = (int)rd_u32(&rd);
	r->id_col = (int)rd_u32(&rd);
	if (r->id == NULL || r->title == NULL)
		goto bad;
	r->name = arena_strdup(r->arena, r->id);
	for (js = r->name; *js != '\0'; js++)
		if (*js == '/')
			*js = '-';
	n = rd_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p))
		goto bad;
	r->heads = arena_calloc(r->arena, n ? n : 1, sizeof(*r->heads));
	for (i = 0; i < n && !rd.bad; i++) {
		r->heads[i].level = (int)rd_u32(&rd);
		r->heads[i].line = (int)rd_u32(&rd);
		r->heads[i].slug = rd_str(&rd);
		r->heads[i].text = rd_str(&rd);
		if (r->heads[i].slug == NULL || r->heads[i].text == NULL)
			rd.bad = 1;
	}
	r->nheads = n;
	n = rd_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p))
		goto bad;
	r->links = arena_calloc(r->arena, n ? n : 1, sizeof(*r->links));
	for (i = 0; i < n && !rd.bad; i++) {
		r->links[i].kind = (enum link_kind)rd_u32(&rd);
		r->links[i].line = (int)rd_u32(&rd);
		r->links[i].col = (int)rd_u32(&rd);
		r->links[i].dest = rd_str(&rd);
		r->links[i].target = -1;
		if (r->links[i].dest == NULL)
			rd.bad = 1;
	}
	r->nlinks = n;
	/* Where yput left it: only the site pages read it (runbook_fm). */
	{
		size_t n0;
		const char *fm = rd_mem(&rd, &n0);
		if (fm != NULL) {
			/* Not copied: read again when wanted (runbook_fm). */
			r->hasfm = 1;
			r->fmoff = base + (uint64_t)(fm - (const char *)in->p);
			r->fmlen = n0;
		}
	}
	r->sdig = (uint64_t)rd_u32(&rd) << 32;
	r->sdig |= rd_u32(&rd);
	r->nreach = rd_u32(&rd);
	r->nthr = rd_u32(&rd);
	n = rd_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p) / 8)
		goto bad;
	if (n > 0) {
		uint32_t line, mask;
		for (i = 0; i < n; i++) {
			line = rd_u32(&rd);
			mask = rd_u32(&rd);
			if (line > 10000000)
				goto bad;
			if (line >= r->nsmask) {
				r->smask = xreallocarray(r->smask, line + 1,
				    sizeof(*r->smask));
				memset(r->smask + r->nsmask, 0, (line + 1 -
				    r->nsmask) * sizeof(*r->smask));
				r->nsmask = line + 1;
			}
			r->smask[line] = mask;
		}
		silence_install(r);
	}
	n = rd_u32(&rd);
	d = &r->diags;
	for (i = 0; i < n && !rd.bad; i++) {
		struct diag g;
		if (get_diag(&rd, &g) == -1)
			goto bad;
		diag_push(d, &g);
	}
	if (rd.bad)
		goto bad;
	*in = rd;
	return r;
bad:
	runbook_free(r);
	return NULL;
}

/* --------------------------------------------------------- the workers */

/* Returns the number of CPUs, the default for -j. */
int
ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/* In a worker writing to a file: that file, and whether a write failed. */
static FILE	*pool_out;
static int	 pool_bad;

/*
 * Writes what b holds to the worker's file when it passes 1 MB, so that
 * a worker's results never sit whole in memory.  fn calls it between
 * whole results.
 */
static void
pool_spill(struct buf *b)
{
	if (pool_out == NULL || b->len < ((size_t)1 << 20))
		return;
	if (fwrite(b->data, 1, b->len, pool_out) != b->len)
		pool_bad = 1;
	buf_reset(b);
}

/*
 * Runs fn(arg, k, jobs, out) for k in 0..jobs-1, each in a worker process
 * (in-process when jobs is 1), each writing its results into a temporary
 * file; returns those results in outs[k], or (files not NULL) the files
 * themselves, rewound, in files[k].  Returns 0, or -1 if a worker failed
 * (message printed).
 */
static int
pool(int jobs, void (*fn)(void *, int, int, struct buf *), void *arg,
    struct buf *outs, FILE **files)
{
	FILE **tmp;
	pid_t *pid;
	int k, st, fd, rc = 0;

	if (jobs <= 1 && files == NULL) {
		fn(arg, 0, 1, &outs[0]);
		return 0;
	}
	tmp = xcalloc((size_t)jobs, sizeof(*tmp));
	pid = xcalloc((size_t)jobs, sizeof(*pid));
	fflush(NULL);
	for (k = 0; k < jobs; k++) {
		fd = scratch_fd();
		if (fd == -1 || (tmp[k] = fdopen(fd, "w+")) == NULL) {
			if (fd != -1)
				close(fd);
			fprintf(stderr, "rbc: cannot make a temporary file: "
			    "%s\n", strerror(errno));
			rc = -1;
			break;
		}
		if (jobs <= 1) {
			struct buf b = { NULL, 0, 0 };
			pool_out = tmp[k];
			pool_bad = 0;
			fn(arg, k, jobs, &b);
			pool_out = NULL;
			if (pool_bad || (b.len > 0 && fwrite(b.data, 1, b.len,
			    tmp[k]) != b.len) || fflush(tmp[k]) != 0) {
				fprintf(stderr, "rbc: cannot write a temporary "
				    "file: %s\n", strerror(errno));
				rc = -1;
			}
			buf_free(&b);
			break;
		}
		if ((pid[k] = fork()) == -1) {
			fprintf(stderr, "rbc: cannot start a worker: %s\n",
			    strerror(errno));
			rc = -1;
			break;
		}
		if (pid[k] == 0) {
			struct buf b = { NULL, 0, 0 };
			pool_out = tmp[k];
			fn(arg, k, jobs, &b);
			if (pool_bad || (b.len > 0 && fwrite(b.data, 1, b.len,
			    tmp[k]) != b.len) || fflush(tmp[k]) != 0)
				_exit(3);
			_exit(0);
		}
	}
	for (k = 0; k < jobs; k++) {
		if (pid[k] <= 0)
			continue;
		while (waitpid(pid[k], &st, 0) == -1 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (WIFSIGNALED(st))
				fprintf(stderr, "rbc: worker %d died of signal "
				    "%d\n", k, WTERMSIG(st));
			else
				fprintf(stderr, "rbc: worker %d failed\n", k);
			rc = -1;
			continue;
		}
	}
	for (k = 0; k < jobs; k++) {
		if (tmp[k] == NULL)
			continue;
		rewind(tmp[k]);
		if (files != NULL) {
			files[k] = tmp[k];
			continue;
		}
		for (;;) {
			char chunk[65536];
			size_t n = fread(chunk, 1, sizeof(chunk), tmp[k]);
			buf_put(&outs[k], chunk, n);
			if (n < sizeof(chunk))
				break;
		}
		fclose(tmp[k]);
	}
	free(tmp);
	free(pid);
	return rc;
}

/*
 * Reads n bytes at off of record file k into dst; 0, or -1.  The cache's
 * writer reads every record and the site pages every front-matter, each
 * in runbook order, which is each file's order: through a window a file
 * (each process its own, made after the fork; the files are complete
 * before anything reads them).
 */
static int
rec_read(const struct site *s, int k, uint64_t off, void *dst, size_t n)
{
	int fd = fileno(s->recf[k]);

	return s->recwin != NULL ? rwin_read(&s->recwin[k], fd, off, dst, n) :
	    read_at(fd, dst, n, (off_t)off);
}

void
recwin_free(struct site *s)
{
	int k;

	if (s->recwin != NULL)
		for (k = 0; k < s->nrecf; k++)
			rwin_free(&s->recwin[k]);
	free(s->recwin);
	s->recwin = NULL;
}

/*
 * Returns light runbook r's front-matter in a: a map of those site_keys
 * that keys (FMK_ bits) names.  NULL if it has none or it cannot be read.
 */
struct ynode *
runbook_fm(const struct site *s, const struct runbook *r, struct arena *a,
    unsigned keys)
{
	struct ynode *m, *v;
	struct rd rd, one;
	uint64_t n;
	size_t i;
	char *p;

	if (!r->hasfm || r->fmfile < 0 || r->fmfile >= s->nrecf ||
	    s->recf[r->fmfile] == NULL)
		return NULL;
	/* Read into a and parsed where it lies: the text is not copied. */
	p = arena_alloc(a, r->fmlen + 1);
	if (rec_read(s, r->fmfile, r->fmoff, p, r->fmlen) == -1)
		return NULL;
	rd.p = (const unsigned char *)p;
	rd.end = rd.p + r->fmlen;
	rd.a = a;
	rd.bad = 0;
	rd.inplace = 1;
	m = ynew(a, Y_MAP);
	for (i = 0; site_keys[i] != NULL && rd.p < rd.end; i++) {
		n = rd_var(&rd);
		if (rd.bad || n > (uint64_t)(rd.end - rd.p))
			return NULL;
		if (n > 0 && (keys & (1u << i))) {
			one = rd;
			one.end = one.p + n;
			if ((v = yget(&one, 1)) == NULL || one.bad)
				return NULL;
			ymap_add(a, m, site_keys[i], v);
		}
		rd.p += n;
	}
	return m;
}

/*
 * Returns 0 with runbook idx's scan record (length first, as cache.c
 * keeps it) in b, or -1 if it cannot be read back.
 */
int
record_get(const struct site *s, size_t idx, struct buf *b)
{
	unsigned char h[4];
	uint32_t len;
	int k;

	buf_reset(b);
	if (s->recoff == NULL || idx >= s->nrbpaths || (k = s->reck[idx]) < 0 ||
	    k >= s->nrecf || s->recf[k] == NULL ||
	    rec_read(s, k, s->recoff[idx], h, 4) == -1)
		return -1;
	len = u32_get(h);
	buf_grow(b, (size_t)len + 4);
	if (rec_read(s, k, s->recoff[idx], b->data, (size_t)len + 4) == -1)
		return -1;
	b->len = (size_t)len + 4;
	return 0;
}

/* ------------------------------------------------------------ scanning */

/*
 * The spool: while it scans, each worker also renders what of every
 * runbook needs no index (prerender in build.c) and appends it, as
 * [length][runbook index][bytes], to a file of its own, and notes where
 * in the memory the workers share (struct spent).  Whichever render
 * worker claims the runbook reads that entry back; a runbook with none
 * (its scan record came from the cache) is read and parsed again.  Only
 * the workers read the spool: the parent holds none of it.
 */
/* The spool's block: the scan writes it a block at a time, at block
 * boundaries (struct stage); the render gives it back whole blocks at a
 * time (spool_release). */
#define SPOOL_BLOCK	((uint64_t)256 << 10)

/* Where runbook i's spool entry lies: in spool k1 - 1, at off (its
 * 8-byte header first), len bytes after the header.  k1 is 0 for none:
 * the mapping starts zeroed, and pages no worker writes are never made. */
struct spent {
	uint64_t	 off;
	uint32_t	 len;
	int32_t		 k1;
};

/* Memory the workers of a pass share (an anonymous shared mapping). */
struct shared {
	atomic_size_t	 next;		/* the next to claim */
	size_t		 n, maplen;
	struct spent	 ent[];		/* n */
};

/* Maps s->sh for n runbooks, no spool entries; 0, or -1 after a message. */
static int
shared_open(struct site *s, size_t n)
{
	size_t len = sizeof(struct shared) + n * sizeof(struct spent);
	void *p;

	shared_close(s);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
	    -1, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "rbc: cannot share memory with the workers: "
		    "%s\n", strerror(errno));
		return -1;
	}
	s->sh = p;
	atomic_init(&s->sh->next, 0);
	s->sh->n = n;
	s->sh->maplen = len;
	return 0;
}

void
shared_close(struct site *s)
{
	if (s->sh != NULL)
		munmap(s->sh, s->sh->maplen);
	s->sh = NULL;
}

/*
 * Claims the next few of n runbooks for this worker: [*from, *to).
 * Returns 0 when every one is claimed.  Chunks of up to 16 keep the
 * counter cold and leave at the end at most 16 runbooks' work on one
 * worker while the others wait.
 */
static int
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
static int
spool_get(const struct site *s, size_t i, struct buf *b)
{
	const struct spent *e;

	if (!s->pre || s->sh == NULL || i >= s->sh->n)
		return -1;
	e = &s->sh->ent[i];
	if (e->k1 < 1 || e->k1 > s->nspool)
		return -1;
	buf_reset(b);
	buf_grow(b, (size_t)e->len + 9);
	if (read_at(s->spool[e->k1 - 1], b->data, (size_t)e->len + 8,
	    (off_t)e->off) == -1)
		return -1;
	if (u32_get(b->data) != e->len || u32_get(b->data + 4) != i)
		return -1;
	b->len = (size_t)e->len + 8;
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
spool_span(const struct site *s, size_t from, size_t to, int *k,
    uint64_t *start, uint64_t *end)
{
	const struct spent *e;
	size_t i;

	if (!s->pre || s->sh == NULL || to > s->sh->n || from >= to)
		return -1;
	e = &s->sh->ent[from];
	if ((*k = e->k1) < 1 || *k > s->nspool)
		return -1;
	*start = e->off;
	*end = e->off + 8 + e->len;
	for (i = from + 1; i < to; i++) {
		e = &s->sh->ent[i];
		if (e->k1 != *k || e->off != *end)
			return -1;
		*end += 8 + e->len;
	}
	return 0;
}

/*
 * The spool entries of runbooks [from, to), mapped where they lie, so
 * that the render reads them without copying each out (258 MB for
 * 10,000 runbooks): the mapping in m, or m->p NULL when they do not lie
 * together (spool_get reads them one by one then).  Mapped read-only,
 * and unmapped (spool_unmap) before spool_release gives the bytes back.
 */
struct spmap {
	const char	*p;
	size_t		 len;
	uint64_t	 at;		/* the spool offset of p[0] */
	int		 k;
};

static void
spool_map(const struct site *s, size_t from, size_t to, struct spmap *m)
{
	uint64_t start, end;
	long pg = sysconf(_SC_PAGESIZE);
	void *p;

	m->p = NULL;
	if (pg < 1 || spool_span(s, from, to, &m->k, &start, &end) == -1)
		return;
	m->at = start - start % (uint64_t)pg;
	m->len = (size_t)(end - m->at);
	p = mmap(NULL, m->len, PROT_READ, MAP_SHARED | MAP_POPULATE,
	    s->spool[m->k - 1], (off_t)m->at);
	if (p != MAP_FAILED)
		m->p = p;
}

static void
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
static int
spool_mapped(const struct site *s, const struct spmap *m, size_t i,
    const char **p, size_t *n)
{
	const struct spent *e;
	uint64_t rel;

	if (m->p == NULL || i >= s->sh->n)
		return -1;
	e = &s->sh->ent[i];
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
static void
spool_release(const struct site *s, size_t from, size_t to)
{
#if defined(FALLOC_FL_PUNCH_HOLE) && defined(FALLOC_FL_KEEP_SIZE)
	uint64_t start, end;
	int k;

	if (spool_span(s, from, to, &k, &start, &end) == -1)
		return;
	/* Whole blocks only: the spool is in folios of up to a block (the
	 * scan wrote it a block at a time), and a hole through a folio has
	 * the rest of it zeroed, not freed (a third of the render workers'
	 * system time, when chunks were punched as they lay).  The blocks
	 * a chunk shares with its neighbours go with the spool. */
	start = (start + SPOOL_BLOCK - 1) / SPOOL_BLOCK * SPOOL_BLOCK;
	end = end / SPOOL_BLOCK * SPOOL_BLOCK;
	if (start < end)
		(void)fallocate(s->spool[k - 1], FALLOC_FL_PUNCH_HOLE |
		    FALLOC_FL_KEEP_SIZE, (off_t)start, (off_t)(end - start));
#else
	(void)s;
	(void)from;
	(void)to;
#endif
}

/* Makes jobs spool files (nameless scratch files); 0 or -1. */
static int
spool_open(struct site *s, int jobs)
{
	int k, fd;

	s->spool = xcalloc((size_t)jobs, sizeof(*s->spool));
	for (k = 0; k < jobs; k++) {
		if ((fd = scratch_fd()) == -1) {
			spool_close(s);
			return -1;
		}
		s->spool[s->nspool++] = fd;
	}
	return 0;
}

void
spool_close(struct site *s)
{
	int k;

	for (k = 0; k < s->nspool; k++)
		close(s->spool[k]);
	free(s->spool);
	s->spool = NULL;
	s->nspool = 0;
}

/*
 * Appends y (front-matter) in the form yget reads, compact and whole:
 * a byte of type and flags, line and column, the text, the number of a
 * number, the entries of a map or sequence.
 */
void
yput(struct buf *b, const struct ynode *y)
{
	unsigned char h[48];
	size_t i, n = 0;

	h[n++] = (unsigned char)(y->type | (y->quoted ? 0x10 : 0) |
	    (y->b ? 0x20 : 0) | (y->s != NULL ? 0x40 : 0));
	n += put_var(h + n, (uint64_t)(y->line > 0 ? y->line : 0));
	n += put_var(h + n, (uint64_t)(y->col > 0 ? y->col : 0));
	if (y->s != NULL)
		n += put_var(h + n, y->slen);
	buf_put(b, h, n);
	if (y->s != NULL) {
		/* With its NUL: yget can leave it where it is. */
		buf_grow(b, y->slen + 1);
		memcpy(b->data + b->len, y->s, y->slen);
		b->data[b->len + y->slen] = '\0';
		b->len += y->slen + 1;
	}
	n = 0;
	if (y->type == Y_INT || y->type == Y_FLOAT) {
		memcpy(h, &y->num, sizeof(y->num));
		n = sizeof(y->num);
	}
	if (y->type == Y_MAP || y->type == Y_SEQ)
		n += put_var(h + n, y->n);
	if (n > 0)
		buf_put(b, h, n);
	if (y->type == Y_MAP || y->type == Y_SEQ)
		for (i = 0; i < y->n; i++) {
			if (y->type == Y_MAP)
				yput(b, y->keys[i]);
			yput(b, y->items[i]);
		}
}

/* Returns the value yput wrote (in rd's arena), or NULL if damaged. */
struct ynode *
yget(struct rd *rd, int depth)
{
	struct ynode *y;
	uint64_t len, n, i;
	unsigned char c;

	if (rd->p >= rd->end || depth > RBC_MAX_DEPTH + 2) {
		rd->bad = 1;
		return NULL;
	}
	c = *rd->p++;
	if ((c & 0x0f) > Y_MAP) {
		rd->bad = 1;
		return NULL;
	}
	y = ynew(rd->a, (enum ytype)(c & 0x0f));
	y->quoted = (c & 0x10) != 0;
	y->b = (c & 0x20) != 0;
	y->line = (int)rd_var(rd);
	y->col = (int)rd_var(rd);
	if (c & 0x40) {
		len = rd_var(rd);
		if (rd->bad || len >= (uint64_t)(rd->end - rd->p) ||
		    rd->p[len] != '\0') {
			rd->bad = 1;
			return NULL;
		}
		y->s = rd->inplace ? (const char *)rd->p :
		    arena_strndup(rd->a, (const char *)rd->p, len);
		y->slen = len;
		rd->p += len + 1;
	}
	if (y->type == Y_INT || y->type == Y_FLOAT) {
		if (rd->end - rd->p < (ptrdiff_t)sizeof(y->num)) {
			rd->bad = 1;
			return NULL;
		}
		memcpy(&y->num, rd->p, sizeof(y->num));
		rd->p += sizeof(y->num);
	}
	if (y->type != Y_MAP && y->type != Y_SEQ)
		return rd->bad ? NULL : y;
	n = rd_var(rd);
	/* Each entry takes 3 bytes at least: no huge allocation. */
	if (rd->bad || n > (uint64_t)(rd->end - rd->p) / 3)
		return NULL;
	if (n > 0) {
		y->items = arena_calloc(rd->a, n, sizeof(*y->items));
		if (y->type == Y_MAP)
			y->keys = arena_calloc(rd->a, n, sizeof(*y->keys));
		y->n = y->cap = n;
	}
	for (i = 0; i < n; i++) {
		if (y->type == Y_MAP &&
		    (y->keys[i] = yget(rd, depth + 1)) == NULL)
			return NULL;
		if ((y->items[i] = yget(rd, depth + 1)) == NULL)
			return NULL;
	}
	return y;
}

struct scanjob {
	struct site	*s;
};

/*
 * A scan worker's spool writes, gathered: the file gets them 256 kB at a
 * time, at 256 kB boundaries, so that the kernel keeps the spool in
 * large folios.  Writing it 26 kB an entry, as the entries come, cost
 * the page cache twice as much to take in (a folio, buffer heads and a
 * delayed-allocation reservation for every 4 kB) and, read back, to map
 * and give back.  An entry is noted for the render pass once its bytes
 * are written (pend: the entries still in buf).
 */
#define STAGE	((size_t)SPOOL_BLOCK)

struct stage {
	char		*buf;		/* STAGE bytes */
	size_t		 len;
	size_t		*pend, npend, maxpend;
	int		 bad;		/* a write failed: nothing more */
};

/* Returns 0 after writing out the stage's bytes, or -1 (and every
 * pending entry forgotten: the render parses those runbooks again). */
static int
stage_flush(struct site *s, int k, struct stage *st)
{
	size_t i;

	if (!st->bad && st->len > 0 &&
	    write_all(s->spool[k], st->buf, st->len) == -1)
		st->bad = 1;
	st->len = 0;
	if (st->bad)
		for (i = 0; i < st->npend; i++)
			s->sh->ent[st->pend[i]].k1 = 0;
	st->npend = 0;
	return st->bad ? -1 : 0;
}

/* Appends p[0..n) to the stage, writing it out each time it fills. */
static int
stage_put(struct site *s, int k, struct stage *st, const void *p, size_t n)
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
		if (st->len == STAGE && stage_flush(s, k, st) == -1)
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
static int
spool_put(struct site *s, int k, size_t i, struct runbook *r,
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
	prerender(s, r, pr);
	n = pr->head.len - 8;
	for (p = 0; p < pr->nparts; p++)
		n += 4 + pr->part[p].len;
	if (n > UINT32_MAX - 8 || st->bad)
		return -1;
	u32_put(pr->head.data, (uint32_t)n);
	s->sh->ent[i].off = *at;
	s->sh->ent[i].len = (uint32_t)n;
	s->sh->ent[i].k1 = k + 1;
	*at += 8 + n;
	if (stage_put(s, k, st, pr->head.data, pr->head.len) == -1)
		goto bad;
	for (p = 0; p < pr->nparts; p++) {
		u32_put(len, (uint32_t)pr->part[p].len);
		if (stage_put(s, k, st, len, 4) == -1 ||
		    stage_put(s, k, st, pr->part[p].data,
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
	s->sh->ent[i].k1 = 0;
	return -1;
}

static void
scan_share(void *arg, int k, int jobs, struct buf *out)
{
	struct scanjob *j = arg;
	struct site *s = j->s;
	struct schema *builtin, *own;
	struct prerendered pr;
	struct stage st;
	size_t i, from, to;
	uint64_t at = 0;	/* the size of spool k */

	memset(&pr, 0, sizeof(pr));
	memset(&st, 0, sizeof(st));
	schemas_open(s, &builtin, &own, 0);
	s->tree_arena = 1;
	while (claim(s->sh, s->nrbpaths, jobs, &from, &to)) {
		for (i = from; i < to; i++) {
			struct runbook *r;
			if (s->cache != NULL && cached_record(s, i, out)) {
				pool_spill(out);
				continue;
			}
			r = runbook_scan(s, s->rbpaths[i]);
			runbook_check(s, r, builtin, own);
			encode(out, i, r);
			if (s->pre && k < s->nspool &&
			    spool_put(s, k, i, r, &pr, &st, &at) == -1)
				s->pre = 0;	/* the rest rendered anew */
			runbook_free(r);
			pool_spill(out);
		}
	}
	if (st.buf != NULL)
		(void)stage_flush(s, k, &st);
	free(st.buf);
	free(st.pend);
	prerendered_free(&pr);
	s->tree_arena = 0;
	schema_free(builtin);
	schema_free(own);
	if (getenv("RBC_TIMING") != NULL) {
		char what[32];
		snprintf(what, sizeof(what), "scan worker %d", k);
		phase(what);
	}
}

/* Undoes a scan_all that failed, so that it can run again. */
static void
scan_undo(struct site *s)
{
	size_t i;
	int k;

	recwin_free(s);
	for (k = 0; k < s->nrecf; k++)
		if (s->recf[k] != NULL)
			fclose(s->recf[k]);
	free(s->recf);
	s->recf = NULL;
	s->nrecf = 0;
	free(s->recoff);
	free(s->reck);
	s->recoff = NULL;
	s->reck = NULL;
	spool_close(s);
	shared_close(s);
	for (i = 0; i < s->nrbpaths; i++) {
		runbook_free(s->rb[i]);
		s->rb[i] = NULL;
	}
	s->n = 0;
}

/* One record of a worker's file, decoded. */
struct decoded {
	struct runbook	*r;		/* NULL: the record is damaged */
	size_t		 idx, off;
	int		 k;		/* the worker's file */
};

/* Decodes files first, first + step, ... of f into v (decode_share). */
struct decoder {
	struct site	*s;
	FILE		**f;
	int		 nf, first, step;
	struct arena	*a;
	struct decoded	*v;
	size_t		 n, cap;
};

static void
decoded_push(struct decoder *d, struct runbook *r, size_t idx, size_t off,
    int k)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n].r = r;
	d->v[d->n].idx = idx;
	d->v[d->n].off = off;
	d->v[d->n++].k = k;
}

/* Decodes its files' records, in order; stops at a damaged one. */
static void *
decode_share(void *arg)
{
	struct decoder *d = arg;
	struct buf rec = { NULL, 0, 0 };
	unsigned char h[4];
	struct runbook *r;
	size_t idx, off;
	uint32_t len;
	int k;

	for (k = d->first; k < d->nf; k += d->step) {
		off = 0;
		while (d->f[k] != NULL && fread(h, 1, 4, d->f[k]) == 4) {
			struct rd one;
			len = u32_get(h);
			buf_reset(&rec);
			buf_grow(&rec, (size_t)len + 1);
			one.p = (const unsigned char *)rec.data;
			one.end = one.p + len;
			one.a = NULL;
			one.bad = 0;
			one.inplace = 0;
			if (fread(rec.data, 1, len, d->f[k]) != len ||
			    (r = decode(d->s, d->a, &one, off + 4, &idx)) ==
			    NULL) {
				decoded_push(d, NULL, 0, off, k);
				buf_free(&rec);
				return NULL;
			}
			decoded_push(d, r, idx, off, k);
			off += 4 + (size_t)len;
		}
	}
	buf_free(&rec);
	return NULL;
}

/*
 * Decodes the workers' record files f[0..nf) into s->rb, in file order:
 * 0, or -2 (a record from the cache may be at fault: scan_all retries
 * without it) or -1 after a message, for a damaged record.  With two or
 * more files and enough runbooks, two threads decode them (the odd
 * files and the even ones; the parent's serial part of a build, and of
 * a rebuild, which decodes every record); the runbooks are put in place
 * after, in the order one thread would have, so the result is the same.
 */
static int
decode_all(struct site *s, FILE **f, int nf)
{
	struct decoder d[2];
	pthread_t helper;
	int helped = 0, rc = 0, t, k;
	size_t at[2] = { 0, 0 }, i;

	memset(d, 0, sizeof(d));
	for (t = 0; t < 2; t++) {
		d[t].s = s;
		d[t].f = f;
		d[t].nf = nf;
		d[t].first = t;
		d[t].step = 2;
	}
	d[0].a = s->arena;
	if (nf > 1 && s->nrbpaths >= THREADS_MIN) {
		d[1].a = arena2(s);
		helped = pthread_create(&helper, NULL, decode_share,
		    &d[1]) == 0;
	}
	if (!helped)
		d[0].step = 1;
	decode_share(&d[0]);
	if (helped)
		pthread_join(helper, NULL);
	/* File by file, as read: the first damaged record stops it. */
	for (k = 0; k < nf; k++) {
		struct decoder *dk = &d[helped ? k % 2 : 0];
		size_t *j = &at[helped ? k % 2 : 0];
		for (; *j < dk->n && dk->v[*j].k == k; (*j)++) {
			struct decoded *e = &dk->v[*j];
			if (rc != 0) {
				runbook_free(e->r);
				continue;
			}
			if (e->r == NULL || s->rb[e->idx] != NULL) {
				runbook_free(e->r);
				if (s->cache != NULL)
					rc = -2;	/* scan_all retries */
				else {
					fprintf(stderr, "rbc: a worker's "
					    "record is damaged\n");
					rc = -1;
				}
				continue;
			}
			s->rb[e->idx] = e->r;
			e->r->fmfile = k;
			s->reck[e->idx] = k;
			s->recoff[e->idx] = e->off;
		}
	}
	/* What a thread decoded past a damaged record of the other's. */
	for (t = 0; t < 2; t++) {
		for (i = at[t]; i < d[t].n; i++)
			runbook_free(d[t].v[i].r);
		free(d[t].v);
	}
	return rc;
}

static int scan_once(struct site *, int);

/*
 * The scan pass: every runbook of the walked site read, parsed and
 * checked by jobs workers; s->rb filled with light runbooks in path
 * order.  Returns 0, or -1 after a message.  Records from a damaged
 * cache (the output folder is the user's) make it scan again without.
 */
int
scan_all(struct site *s, int jobs)
{
	int pre = s->pre, rc;

	if ((rc = scan_once(s, jobs)) != -2)
		return rc;
	fprintf(stderr, "rbc: the build cache is damaged: building without "
	    "it\n");
	scan_undo(s);
	cache_free(s->cache);
	s->cache = NULL;
	s->pre = pre;
	return scan_once(s, jobs);
}

static int
scan_once(struct site *s, int jobs)
{
	struct scanjob j = { s };
	size_t i;
	FILE **f;
	int k, rc = 0;

	if (jobs > 1 && (size_t)jobs > s->nrbpaths)
		jobs = s->nrbpaths > 1 ? (int)s->nrbpaths : 1;
	f = xcalloc((size_t)jobs, sizeof(*f));
	s->recoff = xcalloc(s->nrbpaths + 1, sizeof(*s->recoff));
	s->reck = xcalloc(s->nrbpaths + 1, sizeof(*s->reck));
	if (shared_open(s, s->nrbpaths) == -1) {
		free(f);
		return -1;
	}
	if (s->pre && (getenv("RBC_NO_PRERENDER") != NULL ||
	    spool_open(s, jobs) == -1))
		s->pre = 0;	/* rendered from the source, the slow way */
	if (pool(jobs, scan_share, &j, NULL, f) == -1)
		rc = -1;
	phase("scan workers");
	if (getenv("RBC_TIMING") != NULL)
		for (k = 0; k < s->nspool; k++)
			fprintf(stderr, "rbc: spool %d: %lld bytes\n", k,
			    (long long)lseek(s->spool[k], 0, SEEK_END));
	/* The records stay in the workers' files: read one at a time. */
	s->recf = f;
	s->nrecf = jobs;
	s->recwin = xcalloc((size_t)jobs, sizeof(*s->recwin));
	if (rc == 0)
		rc = decode_all(s, f, jobs);
	for (i = 0; i < s->nrbpaths; i++)
		if (s->rb[i] == NULL && rc == 0) {
			if (s->cache != NULL) {
				rc = -2;
				break;
			}
			fprintf(stderr, "rbc: no record for %s\n",
			    s->rbpaths[i]);
			rc = -1;
		}
	s->n = rc == 0 ? s->nrbpaths : 0;
	return rc;
}

/* ----------------------------------------------------------- rendering */

/*
 * Returns the whole runbook of light runbook l (read and parsed again),
 * with the index's results: resolved links, backlinks, sanitised id and
 * review dates.
 */
struct runbook *
runbook_reload(struct site *s, const struct runbook *l)
{
	struct runbook *r = runbook_scan(s, l->rel);
	size_t i, k;

	r->id = arena_strdup(r->arena, l->id);
	r->name = arena_strdup(r->arena, l->name);
	r->title = arena_strdup(r->arena, l->title);
	r->review_by = l->review_by != NULL ?
	    arena_strdup(r->arena, l->review_by) : NULL;
	r->stale = l->stale;
	/* The light runbook kept the links the index resolves, in order;
	 * the others are URLs it leaves alone. */
	for (i = 0, k = 0; i < r->nlinks; i++) {
		if (!link_kept(&r->links[i])) {
			r->links[i].external = 1;
			continue;
		}
		if (k >= l->nlinks)
			break;
		r->links[i].target = l->links[k].target;
		r->links[i].file = l->links[k].file;
		r->links[i].frag = l->links[k].frag;
		r->links[i].broken = l->links[k].broken;
		r->links[i].external = l->links[k].external;
		k++;
	}
	if (l->nbacklinks > 0) {
		r->backlinks = xreallocarray(NULL, l->nbacklinks, sizeof(int));
		memcpy(r->backlinks, l->backlinks, l->nbacklinks * sizeof(int));
		r->nbacklinks = l->nbacklinks;
	}
	return r;
}

struct renderjob {
	struct site	*s;
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
	struct site *s = j->s;
	void *w = j->setup(j->arg);
	struct buf blob = { NULL, 0, 0 };
	struct spmap m;
	const char *p;
	size_t i, n, from, to;

	(void)k;
	s->tree_arena = 1;
	while (claim(s->sh, s->n, jobs, &from, &to)) {
		spool_map(s, from, to, &m);
		for (i = from; i < to; i++) {
			struct runbook *r;
			if (s->todo != NULL && !s->todo[i])
				continue;	/* unchanged: linked */
			if (spool_mapped(s, &m, i, &p, &n) == 0) {
				j->one(w, s->rb[i], p + 8, n - 8, out);
				continue;
			}
			if (spool_get(s, i, &blob) == 0) {
				j->one(w, s->rb[i], blob.data + 8,
				    blob.len - 8, out);
				continue;
			}
			r = runbook_reload(s, s->rb[i]);
			j->one(w, r, NULL, 0, out);
			runbook_free(r);
		}
		spool_unmap(&m);
		spool_release(s, from, to);
	}
	buf_free(&blob);
	s->tree_arena = 0;
	j->teardown(w);
}

struct combined {
	struct renderjob	*r;
	int			 rjobs;
	void			(*xfn)(void *, int, int, struct buf *);
	void			*xarg;
	int			 xjobs;
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
		c->xfn(c->xarg, k - c->rjobs, c->xjobs, out);
	if (getenv("RBC_TIMING") != NULL) {
		char what[32];
		snprintf(what, sizeof(what), "%s worker %d", k < c->rjobs ?
		    "runbook" : "site", k);
		phase(what);
	}
}

/*
 * The render pass: each worker makes its renderers with setup(arg), calls
 * one(state, runbook, blob, len, out) for its share of the runbooks and
 * frees them with teardown(state).  one() gets the light runbook and its
 * spool entry, or (blob NULL) the whole runbook read and parsed again;
 * what one() appends to out (diagnostics, as diag_encode() writes them)
 * comes back into d.  With xfn, xjobs more
 * workers run xfn(xarg, k, xjobs, out) at the same time (the site pages,
 * which need only the index): they fill the CPU time the runbook workers
 * leave while the file system creates their files.  Returns 0, or -1 if
 * a worker failed.
 */
/* Runbooks a rebuild renders in the parent rather than in workers. */
#define RENDER_HERE	8

int
render_all_parallel(struct site *s, int jobs, void *(*setup)(void *),
    void (*one)(void *, struct runbook *, const char *, size_t,
    struct buf *),
    void (*teardown)(void *), void *arg, struct diags *d,
    void (*xfn)(void *, int, int, struct buf *), void *xarg, int xjobs)
{
	struct renderjob j = { s, setup, one, teardown, arg };
	struct combined c;
	size_t i, want = 0;

	/* Workers for the runbooks to render, no more; a rebuild's handful
	 * with no site page beside them are rendered here, which costs less
	 * than starting workers (two forks of the parent's 40 MB). */
	for (i = 0; i < s->n; i++)
		want += s->todo == NULL || s->todo[i];
	if (s->todo != NULL && want <= RENDER_HERE && xfn == NULL)
		jobs = 1;
	if (jobs > 1 && (size_t)jobs > s->n)
		jobs = s->n > 1 ? (int)s->n : 1;
	/* The runbooks are claimed afresh (the scan's spool entries kept). */
	if (s->sh == NULL && shared_open(s, s->n) == -1)
		return -1;
	atomic_store(&s->sh->next, 0);
	if (xfn == NULL || xjobs < 1)
		return workers_run(jobs, render_share, &j, d);
	c.r = &j;
	c.rjobs = jobs;
	c.xfn = xfn;
	c.xarg = xarg;
	c.xjobs = xjobs;
	return workers_run(jobs + xjobs, combined_share, &c, d);
}

/*
 * Runs fn(arg, k, jobs, out) in jobs workers; returns what each appended
 * to out in outs[k] (jobs buffers).  0, or -1 if a worker failed.
 */
int
workers_collect(int jobs, void (*fn)(void *, int, int, struct buf *),
    void *arg, struct buf *outs)
{
	return pool(jobs, fn, arg, outs, NULL);
}

/*
 * Runs fn(arg, k, jobs, out) in jobs workers; what they append to out
 * (diagnostics, as diag_encode() writes them) comes back into d.
 * Returns 0, or -1 if a worker failed.
 */
int
workers_run(int jobs, void (*fn)(void *, int, int, struct buf *), void *arg,
    struct diags *d)
{
	struct buf *outs = xcalloc((size_t)jobs, sizeof(*outs));
	int k, rc;

	rc = pool(jobs, fn, arg, outs, NULL);
	for (k = 0; k < jobs; k++) {
		if (rc == 0 && diag_decode(d, outs[k].data, outs[k].len) == -1)
			rc = -1;
		buf_free(&outs[k]);
	}
	free(outs);
	return rc;
}

/* Appends diagnostics to b in the form diag_decode() reads. */
void
diag_encode(struct buf *b, const struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		buf_put_str(b, d->v[i].file);
		buf_put_u32(b, (uint32_t)d->v[i].line);
		buf_put_u32(b, (uint32_t)d->v[i].col);
		buf_put_u32(b, (uint32_t)d->v[i].rule);
		buf_put_u32(b, (uint32_t)d->v[i].sev);
		buf_put_str(b, d->v[i].msg);
	}
}

/* Adds the diagnostics encoded in p to d; returns 0 or -1 if damaged. */
int
diag_decode(struct diags *d, const char *p, size_t n)
{
	struct rd rd = { (const unsigned char *)p,
	    (const unsigned char *)p + n, arena_new(), 0, 0 };
	int rc = 0;

	while (rd.p < rd.end && !rd.bad) {
		struct diag g;
		if (get_diag(&rd, &g) == -1) {
			rc = -1;
			break;
		}
		diag_push(d, &g);
	}
	arena_free(rd.a);
	return rc;
}

