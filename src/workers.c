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
 *  render  each worker parses its share again, takes the resolved links
 *          and backlinks from the index the parent built (inherited with
 *          the fork), renders and writes the files, then frees the tree:
 *          memory stays bounded by one runbook per worker.
 *
 * Records are in runbook order whatever finished first, so the output is
 * the same bytes for any -j.  With -j1 the same code runs in-process.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbc.h"

/* ------------------------------------------------------------ records */

#define NONE	0xffffffffu

static void
put_u32(struct buf *b, uint32_t v)
{
	unsigned char c[4] = { v >> 24, (v >> 16) & 255, (v >> 8) & 255,
	    v & 255 };

	buf_put(b, c, 4);
}

static void
put_str(struct buf *b, const char *s)
{
	size_t n;

	if (s == NULL) {
		put_u32(b, NONE);
		return;
	}
	n = strlen(s);
	put_u32(b, (uint32_t)n);
	buf_put(b, s, n);
}

struct rd {
	const unsigned char	*p, *end;
	struct arena		*a;
	int			 bad;
};

static uint32_t
get_u32(struct rd *r)
{
	uint32_t v;

	if (r->end - r->p < 4) {
		r->bad = 1;
		return 0;
	}
	v = (uint32_t)r->p[0] << 24 | (uint32_t)r->p[1] << 16 |
	    (uint32_t)r->p[2] << 8 | r->p[3];
	r->p += 4;
	return v;
}

/* Returns the next string (in the reader's arena), or NULL. */
static char *
get_str(struct rd *r)
{
	uint32_t n = get_u32(r);
	char *s;

	if (n == NONE || r->bad)
		return NULL;
	if ((size_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	s = arena_strndup(r->a, (const char *)r->p, n);
	r->p += n;
	return s;
}

/* Reads one diagnostic into g (file and message copied); 0 or -1. */
static int
get_diag(struct rd *r, struct diag *g)
{
	char *file = get_str(r), *msg;

	g->line = (int)get_u32(r);
	g->col = (int)get_u32(r);
	g->rule = (enum rule)get_u32(r);
	g->sev = (enum severity)get_u32(r);
	msg = get_str(r);
	if (r->bad || file == NULL || msg == NULL || g->rule >= R__MAX)
		return -1;
	g->file = xstrdup(file);
	g->msg = xstrdup(msg);
	return 0;
}

static void
push_diag(struct diags *d, const struct diag *g)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n++] = *g;
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
	if (len >= 8) {
		out->data[at + 4] = (char)(idx >> 24);
		out->data[at + 5] = (char)(idx >> 16);
		out->data[at + 6] = (char)(idx >> 8);
		out->data[at + 7] = (char)idx;
	}
}

/* The front-matter keys the site pages read from every runbook. */
static const char *const site_keys[] = {
	"tags", "last_reviewed", "contacts", "escalation", "thresholds", NULL
};

/* Appends r's scan record to b. */
static void
encode(struct buf *b, size_t idx, const struct runbook *r)
{
	struct arena *a;
	struct ynode *sub;
	const struct ynode *v;
	struct buf js = { NULL, 0, 0 };
	size_t i, n, start = b->len;

	put_u32(b, 0);			/* length, patched below */
	put_u32(b, (uint32_t)idx);
	put_str(b, r->id);
	put_str(b, r->title);
	put_str(b, r->summary);
	put_str(b, r->service);
	put_str(b, r->owner);
	put_str(b, r->version);
	put_str(b, r->review_by);
	put_u32(b, (uint32_t)(r->hash >> 32));
	put_u32(b, (uint32_t)r->hash);
	put_u32(b, (uint32_t)r->stale);
	v = ymap_get(r->fm, "id");
	put_u32(b, v != NULL ? (uint32_t)v->line : 0);
	put_u32(b, v != NULL ? (uint32_t)v->col : 0);
	put_u32(b, (uint32_t)r->nheads);
	for (i = 0; i < r->nheads; i++) {
		put_u32(b, (uint32_t)r->heads[i].level);
		put_u32(b, (uint32_t)r->heads[i].line);
		put_str(b, r->heads[i].slug);
		put_str(b, r->heads[i].text);
	}
	put_u32(b, (uint32_t)r->nlinks);
	for (i = 0; i < r->nlinks; i++) {
		put_u32(b, (uint32_t)r->links[i].kind);
		put_u32(b, (uint32_t)r->links[i].line);
		put_u32(b, (uint32_t)r->links[i].col);
		put_str(b, r->links[i].dest);
	}
	/* What the site pages need of the front-matter, as JSON. */
	if (r->fm != NULL) {
		a = arena_new();
		sub = ynew(a, Y_MAP);
		for (i = 0; site_keys[i] != NULL; i++)
			if ((v = ymap_get(r->fm, site_keys[i])) != NULL)
				ymap_set(a, sub, site_keys[i], (struct ynode *)v);
		yjson(&js, sub, 0);
		arena_free(a);
		put_str(b, buf_cstr(&js));
		buf_free(&js);
	} else
		put_str(b, NULL);
	/* The rbc-disable comments: the index's diagnostics obey them too. */
	for (i = n = 0; i < r->nsmask; i++)
		n += r->smask[i] != 0;
	put_u32(b, (uint32_t)n);
	for (i = 0; i < r->nsmask; i++)
		if (r->smask[i] != 0) {
			put_u32(b, (uint32_t)i);
			put_u32(b, r->smask[i]);
		}
	put_u32(b, (uint32_t)r->diags.n);
	diag_encode(b, &r->diags);
	i = b->len - start - 4;
	b->data[start] = (char)(i >> 24);
	b->data[start + 1] = (char)(i >> 16);
	b->data[start + 2] = (char)(i >> 8);
	b->data[start + 3] = (char)i;
}

/* Returns the light runbook of one record, or NULL if it is damaged. */
static struct runbook *
decode(struct site *s, struct rd *in, size_t *idx)
{
	struct runbook *r = xcalloc(1, sizeof(*r));
	struct diags *d;
	struct rd rd = *in;
	char *js;
	size_t i, n;

	r->arena = arena_new();
	rd.a = r->arena;
	diags_init(&r->diags, s->cfg.sev);
	*idx = get_u32(&rd);
	if (rd.bad || *idx >= s->nrbpaths)
		goto bad;
	r->rel = arena_strdup(r->arena, s->rbpaths[*idx]);
	{
		char *abs = path_join(s->content, r->rel);
		r->src.path = arena_strdup(r->arena, abs);
		free(abs);
	}
	r->id = get_str(&rd);
	r->title = get_str(&rd);
	r->summary = get_str(&rd);
	r->service = get_str(&rd);
	r->owner = get_str(&rd);
	r->version = get_str(&rd);
	r->review_by = get_str(&rd);
	r->hash = (uint64_t)get_u32(&rd) << 32;
	r->hash |= get_u32(&rd);
	r->stale = (int)get_u32(&rd);
	r->id_line = (int)get_u32(&rd);
	r->id_col = (int)get_u32(&rd);
	if (r->id == NULL || r->title == NULL)
		goto bad;
	r->name = arena_strdup(r->arena, r->id);
	for (js = r->name; *js != '\0'; js++)
		if (*js == '/')
			*js = '-';
	n = get_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p))
		goto bad;
	r->heads = xcalloc(n ? n : 1, sizeof(*r->heads));
	for (i = 0; i < n && !rd.bad; i++) {
		r->heads[i].level = (int)get_u32(&rd);
		r->heads[i].line = (int)get_u32(&rd);
		r->heads[i].slug = get_str(&rd);
		r->heads[i].text = get_str(&rd);
		if (r->heads[i].slug == NULL || r->heads[i].text == NULL)
			rd.bad = 1;
	}
	r->nheads = n;
	n = get_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p))
		goto bad;
	r->links = xcalloc(n ? n : 1, sizeof(*r->links));
	for (i = 0; i < n && !rd.bad; i++) {
		r->links[i].kind = (enum link_kind)get_u32(&rd);
		r->links[i].line = (int)get_u32(&rd);
		r->links[i].col = (int)get_u32(&rd);
		r->links[i].dest = get_str(&rd);
		r->links[i].target = -1;
		if (r->links[i].dest == NULL)
			rd.bad = 1;
	}
	r->nlinks = n;
	/* Kept as text: only the site pages read it (runbook_hydrate). */
	r->fmjson = get_str(&rd);
	n = get_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p) / 8)
		goto bad;
	if (n > 0) {
		uint32_t line, mask;
		for (i = 0; i < n; i++) {
			line = get_u32(&rd);
			mask = get_u32(&rd);
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
	n = get_u32(&rd);
	d = &r->diags;
	for (i = 0; i < n && !rd.bad; i++) {
		struct diag g;
		if (get_diag(&rd, &g) == -1)
			goto bad;
		push_diag(d, &g);
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

/*
 * Runs fn(arg, k, jobs, out) for k in 0..jobs-1, each in a worker process
 * (in-process when jobs is 1), each writing its results into a temporary
 * file; returns those results in outs[k].  Returns 0, or -1 if a worker
 * failed (message printed).
 */
static int
pool(int jobs, void (*fn)(void *, int, int, struct buf *), void *arg,
    struct buf *outs)
{
	FILE **tmp;
	pid_t *pid;
	int k, st, rc = 0;

	if (jobs <= 1) {
		fn(arg, 0, 1, &outs[0]);
		return 0;
	}
	tmp = xcalloc((size_t)jobs, sizeof(*tmp));
	pid = xcalloc((size_t)jobs, sizeof(*pid));
	fflush(NULL);
	for (k = 0; k < jobs; k++) {
		if ((tmp[k] = tmpfile()) == NULL) {
			fprintf(stderr, "rbc: cannot make a temporary file: "
			    "%s\n", strerror(errno));
			rc = -1;
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
			fn(arg, k, jobs, &b);
			if ((b.len > 0 && fwrite(b.data, 1, b.len, tmp[k]) !=
			    b.len) || fflush(tmp[k]) != 0)
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
		rewind(tmp[k]);
		for (;;) {
			char chunk[65536];
			size_t n = fread(chunk, 1, sizeof(chunk), tmp[k]);
			buf_put(&outs[k], chunk, n);
			if (n < sizeof(chunk))
				break;
		}
	}
	for (k = 0; k < jobs; k++)
		if (tmp[k] != NULL)
			fclose(tmp[k]);
	free(tmp);
	free(pid);
	return rc;
}

/* ------------------------------------------------------------ scanning */

struct scanjob {
	struct site	*s;
};

static void
scan_share(void *arg, int k, int jobs, struct buf *out)
{
	struct scanjob *j = arg;
	struct site *s = j->s;
	struct schema *builtin, *own;
	size_t i;

	schemas_open(s, &builtin, &own, 0);
	s->tree_arena = 1;
	for (i = (size_t)k; i < s->nrbpaths; i += (size_t)jobs) {
		struct runbook *r;
		if (s->cache != NULL && cached_record(s, i, out))
			continue;
		r = runbook_scan(s, s->rbpaths[i]);
		runbook_check(s, r, builtin, own);
		encode(out, i, r);
		runbook_free(r);
	}
	s->tree_arena = 0;
	schema_free(builtin);
	schema_free(own);
}

/*
 * The scan pass: every runbook of the walked site read, parsed and
 * checked by jobs workers; s->rb filled with light runbooks in path
 * order.  Returns 0, or -1 after a message.
 */
int
scan_all(struct site *s, int jobs)
{
	struct scanjob j = { s };
	struct buf *outs;
	struct rd rd;
	size_t idx, i;
	int k, rc = 0;

	if (jobs > 1 && (size_t)jobs > s->nrbpaths)
		jobs = s->nrbpaths > 1 ? (int)s->nrbpaths : 1;
	outs = xcalloc((size_t)jobs, sizeof(*outs));
	s->recoff = xcalloc(s->nrbpaths + 1, sizeof(*s->recoff));
	if (pool(jobs, scan_share, &j, outs) == -1)
		rc = -1;
	for (k = 0; k < jobs && rc == 0; k++) {
		rd.p = (const unsigned char *)outs[k].data;
		rd.end = rd.p + outs[k].len;
		rd.bad = 0;
		while (rd.p < rd.end) {
			uint32_t len = get_u32(&rd);
			struct rd one = { rd.p, rd.p + len, NULL, 0 };
			struct runbook *r;
			if (rd.bad || len > (size_t)(rd.end - rd.p) ||
			    (r = decode(s, &one, &idx)) == NULL ||
			    s->rb[idx] != NULL) {
				fprintf(stderr, "rbc: a worker's record is "
				    "damaged\n");
				rc = -1;
				break;
			}
			s->rb[idx] = r;
			/* Kept, length first, for the next build's cache. */
			s->recoff[idx] = s->records.len;
			buf_put(&s->records, rd.p - 4, len + 4);
			rd.p += len;
		}
	}
	for (k = 0; k < jobs; k++)
		buf_free(&outs[k]);
	free(outs);
	for (i = 0; i < s->nrbpaths; i++)
		if (s->rb[i] == NULL && rc == 0) {
			fprintf(stderr, "rbc: no record for %s\n",
			    s->rbpaths[i]);
			rc = -1;
		}
	s->n = rc == 0 ? s->nrbpaths : 0;
	return rc;
}

/*
 * Gives light runbook r the front-matter values the site pages read
 * (tags, contacts, escalation, thresholds, last_reviewed), parsed from
 * the text its scan record carried.
 */
void
runbook_hydrate(struct runbook *r)
{
	struct diags quiet;

	if (r->fm != NULL || r->fmjson == NULL)
		return;
	diags_init(&quiet, NULL);
	r->fm = json_load(r->arena, r->fmjson, strlen(r->fmjson),
	    r->src.path, &quiet);
	diags_free(&quiet);
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
	size_t i;

	r->id = arena_strdup(r->arena, l->id);
	r->name = arena_strdup(r->arena, l->name);
	r->title = arena_strdup(r->arena, l->title);
	r->review_by = l->review_by != NULL ?
	    arena_strdup(r->arena, l->review_by) : NULL;
	r->stale = l->stale;
	for (i = 0; i < r->nlinks && i < l->nlinks; i++) {
		r->links[i].target = l->links[i].target;
		r->links[i].file = l->links[i].file;
		r->links[i].frag = l->links[i].frag;
		r->links[i].broken = l->links[i].broken;
		r->links[i].external = l->links[i].external;
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
	void		(*one)(void *, struct runbook *, struct buf *diags);
	void		(*teardown)(void *);
	void		*arg;
};

static void
render_share(void *arg, int k, int jobs, struct buf *out)
{
	struct renderjob *j = arg;
	void *w = j->setup(j->arg);
	size_t i;

	j->s->tree_arena = 1;
	for (i = (size_t)k; i < j->s->n; i += (size_t)jobs) {
		struct runbook *r;
		if (j->s->todo != NULL && !j->s->todo[i])
			continue;	/* unchanged: its outputs are linked */
		r = runbook_reload(j->s, j->s->rb[i]);
		j->one(w, r, out);
		runbook_free(r);
	}
	j->s->tree_arena = 0;
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
}

/*
 * The render pass: each worker makes its renderers with setup(arg), calls
 * one(state, runbook, out) for its share of the runbooks and frees them
 * with teardown(state); what one() appends to out (diagnostics, as
 * diag_encode() writes them) comes back into d.  With xfn, xjobs more
 * workers run xfn(xarg, k, xjobs, out) at the same time (the site pages,
 * which need only the index): they fill the CPU time the runbook workers
 * leave while the file system creates their files.  Returns 0, or -1 if
 * a worker failed.
 */
int
render_all_parallel(struct site *s, int jobs, void *(*setup)(void *),
    void (*one)(void *, struct runbook *, struct buf *),
    void (*teardown)(void *), void *arg, struct diags *d,
    void (*xfn)(void *, int, int, struct buf *), void *xarg, int xjobs)
{
	struct renderjob j = { s, setup, one, teardown, arg };
	struct combined c;

	if (jobs > 1 && (size_t)jobs > s->n)
		jobs = s->n > 1 ? (int)s->n : 1;
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

	rc = pool(jobs, fn, arg, outs);
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
		put_str(b, d->v[i].file);
		put_u32(b, (uint32_t)d->v[i].line);
		put_u32(b, (uint32_t)d->v[i].col);
		put_u32(b, (uint32_t)d->v[i].rule);
		put_u32(b, (uint32_t)d->v[i].sev);
		put_str(b, d->v[i].msg);
	}
}

/* Adds the diagnostics encoded in p to d; returns 0 or -1 if damaged. */
int
diag_decode(struct diags *d, const char *p, size_t n)
{
	struct rd rd = { (const unsigned char *)p,
	    (const unsigned char *)p + n, arena_new(), 0 };
	int rc = 0;

	while (rd.p < rd.end && !rd.bad) {
		struct diag g;
		if (get_diag(&rd, &g) == -1) {
			rc = -1;
			break;
		}
		push_diag(d, &g);
	}
	arena_free(rd.a);
	return rc;
}

