/*
 * The scan pass: each worker reads, parses and checks its share of the
 * runbooks and writes one compact record per runbook (what other
 * runbooks and the site pages need); the parent decodes them into light
 * runbooks (no tree, no source), in runbook order whoever made them, so
 * the output is the same bytes for any -j.
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

static int scan_once(struct build *, int);

struct scanjob {
	struct build	*b;
};

static void
scan_share(void *arg, int k, int jobs, struct buf *out)
{
	struct scanjob *j = arg;
	struct build *b = j->b;
	struct site *s = &b->site;
	struct schema *builtin, *own;
	struct prerendered pr;
	struct stage st;
	size_t i, from, to;
	uint64_t at = 0;	/* the size of spool k */

	memset(&pr, 0, sizeof(pr));
	memset(&st, 0, sizeof(st));
	schemas_open(s, &builtin, &own, 0);
	s->tree_arena = 1;
	while (claim(b->sh, s->nrbpaths, jobs, &from, &to)) {
		for (i = from; i < to; i++) {
			struct runbook *r;
			if (b->cache != NULL && cached_record(b, i, out)) {
				pool_spill(out);
				continue;
			}
			r = runbook_scan(s, s->rbpaths[i]);
			runbook_check(s, r, builtin, own);
			encode(out, s, i, r);
			if (b->pre && k < b->nspool &&
			    spool_put(b, k, i, r, &pr, &st, &at) == -1)
				b->pre = 0;	/* the rest rendered anew */
			runbook_free(r);
			pool_spill(out);
		}
	}
	if (st.buf != NULL)
		(void)stage_flush(b, k, &st);
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
scan_undo(struct build *b)
{
	struct site *s = &b->site;
	size_t i;
	int k;

	recwin_free(b);
	for (k = 0; k < b->nrecf; k++)
		if (b->recf[k] != NULL)
			fclose(b->recf[k]);
	free(b->recf);
	b->recf = NULL;
	b->nrecf = 0;
	free(b->recoff);
	free(b->reck);
	free(b->ref);
	b->recoff = NULL;
	b->reck = NULL;
	b->ref = NULL;
	spool_close(b);
	shared_close(b);
	for (i = 0; i < s->nrbpaths; i++) {
		runbook_free(s->rb[i]);
		s->rb[i] = NULL;
	}
	s->n = 0;
}

/* One record of a worker's file, decoded. */
struct decoded {
	struct runbook	*r;		/* NULL: the record is damaged */
	struct recref	 ref;
	size_t		 idx, off;	/* off: in file rk */
	int		 k;		/* the worker's file */
	int		 rk;		/* the record's: k, or the cache's */
};

/* Decodes files first, first + step, ... of f into v (decode_share);
 * the records they refer to in the cache, through cachefd (file nf). */
struct decoder {
	struct site	*s;
	FILE		**f;
	int		 nf, first, step, cachefd;
	struct arena	*a;
	struct decoded	*v;
	size_t		 n, cap;
};

static void
decoded_push(struct decoder *d, struct runbook *r, const struct recref *ref,
    size_t idx, size_t off, int k, int rk)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 1024;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n].r = r;
	if (ref != NULL)
		d->v[d->n].ref = *ref;
	d->v[d->n].idx = idx;
	d->v[d->n].off = off;
	d->v[d->n].rk = rk;
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
	struct recref ref;
	size_t idx, off;
	uint32_t len;
	int k;

	for (k = d->first; k < d->nf; k += d->step) {
		off = 0;
		while (d->f[k] != NULL && fread(h, 1, 4, d->f[k]) == 4) {
			struct rd one;
			unsigned char c[16];
			uint64_t at;	/* the record, after its length */
			int rk, ok;
			len = u32_get(h);
			if (len == 0) {
				/* A reference to the cache (cached_record): idx,
				 * the record's place and length there. */
				ok = fread(c, 1, 16, d->f[k]) == 16 &&
				    d->cachefd != -1;
				at = ok ? ((uint64_t)u32_get(c + 4) << 32 |
				    u32_get(c + 8)) : 0;
				ok = ok && record_at(d->cachefd, at,
				    u32_get(c + 12), u32_get(c), &rec) == 0;
				at += 4;
				rk = d->nf;
				off += 20;
			} else {
				buf_reset(&rec);
				buf_grow(&rec, (size_t)len + 1);
				ok = fread(rec.data, 1, len, d->f[k]) == len;
				rec.len = len;
				at = off + 4;
				rk = k;
				off += 4 + (size_t)len;
			}
			one.p = (const unsigned char *)rec.data;
			one.end = one.p + rec.len;
			one.a = NULL;
			one.bad = 0;
			one.inplace = 0;
			memset(&ref, 0, sizeof(ref));
			if (!ok || (r = decode(d->s, d->a, &one, at, &idx,
			    &ref)) == NULL) {
				decoded_push(d, NULL, NULL, 0, at - 4, k, rk);
				buf_free(&rec);
				return NULL;
			}
			decoded_push(d, r, &ref, idx, at - 4, k, rk);
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
decode_all(struct build *b, FILE **f, int nf)
{
	struct site *s = &b->site;
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
		d[t].cachefd = f[nf] != NULL ? fileno(f[nf]) : -1;
	}
	d[0].a = s->arena;
	if (nf > 1 && s->nrbpaths >= THREADS_MIN) {
		d[1].a = build_second_arena(b);
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
				if (b->cache != NULL)
					rc = -2;	/* scan_all retries */
				else {
					fprintf(stderr, "rbc: a worker's "
					    "record is damaged\n");
					rc = -1;
				}
				continue;
			}
			s->rb[e->idx] = e->r;
			e->r->idx = e->idx;
			b->ref[e->idx] = e->ref;
			b->ref[e->idx].fmfile = e->rk;
			b->reck[e->idx] = e->rk;
			b->recoff[e->idx] = e->off;
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

/*
 * The scan pass: every runbook of the walked site read, parsed and
 * checked by jobs workers; s->rb filled with light runbooks in path
 * order.  Returns 0, or -1 after a message.  Records from a damaged
 * cache (the output folder is the user's) make it scan again without.
 */
int
scan_all(struct build *b, int jobs)
{
	int pre = b->pre, rc;

	if ((rc = scan_once(b, jobs)) != -2)
		return rc;
	fprintf(stderr, "rbc: the build cache is damaged: building without "
	    "it\n");
	scan_undo(b);
	cache_free(b->cache);
	b->cache = NULL;
	b->pre = pre;
	return scan_once(b, jobs);
}

static int
scan_once(struct build *b, int jobs)
{
	struct site *s = &b->site;
	struct scanjob j = { b };
	size_t i;
	FILE **f;
	int k, fd, rc = 0;

	if (jobs > 1 && (size_t)jobs > s->nrbpaths)
		jobs = s->nrbpaths > 1 ? (int)s->nrbpaths : 1;
	f = xcalloc((size_t)jobs + 1, sizeof(*f));	/* the cache last */
	b->recoff = xcalloc(s->nrbpaths + 1, sizeof(*b->recoff));
	b->reck = xcalloc(s->nrbpaths + 1, sizeof(*b->reck));
	b->ref = xcalloc(s->nrbpaths + 1, sizeof(*b->ref));
	if (shared_open(b, s->nrbpaths) == -1) {
		free(f);
		return -1;
	}
	if (b->pre && (getenv("RBC_NO_PRERENDER") != NULL ||
	    spool_open(b, jobs) == -1))
		b->pre = 0;	/* rendered from the source, the slow way */
	if (pool(jobs, scan_share, &j, NULL, f) == -1)
		rc = -1;
	phase("scan workers");
	if (getenv("RBC_TIMING") != NULL)
		for (k = 0; k < b->nspool; k++)
			fprintf(stderr, "rbc: spool %d: %lld bytes\n", k,
			    (long long)lseek(b->spool[k], 0, SEEK_END));
	/* The records stay in the workers' files, and in the cache (file
	 * jobs) those they refer to: read one at a time. */
	if (b->cache != NULL && (fd = cache_dup(b->cache)) != -1 &&
	    (f[jobs] = fdopen(fd, "rb")) == NULL)
		close(fd);
	b->recf = f;
	b->nrecf = jobs + 1;
	b->recwin = xcalloc((size_t)jobs + 1, sizeof(*b->recwin));
	if (rc == 0)
		rc = decode_all(b, f, jobs);
	for (i = 0; i < s->nrbpaths; i++)
		if (s->rb[i] == NULL && rc == 0) {
			if (b->cache != NULL) {
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

	extract_merge(r);
	codeowners_merge(s, r);
	r->id = arena_strdup(r->arena, l->id);
	r->name = arena_strdup(r->arena, l->name);
	r->page = arena_strdup(r->arena, l->page);
	r->home = l->home;
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
		r->links[i].folder = l->links[k].folder;
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

/* Sets r's source hash and its short version stamp (8 hex digits). */
static void
stamp(struct runbook *r)
{
	char tmp[17];

	r->hash = hash64(HASH64_INIT, r->raw.data, r->raw.len);
	snprintf(tmp, sizeof(tmp), "%08llx",
	    (unsigned long long)(r->hash >> 32) & 0xffffffffULL);
	r->version = arena_strdup(r->arena, tmp);
}

/* Returns r read, split and parsed: the input of every later stage. */
struct runbook *
runbook_scan(struct site *s, const char *rel)
{
	struct runbook *r = runbook_read(s, rel);

	stamp(r);
	md_parse(s, r);
	if (!s->cfg.no_extract && !r->unreadable)
		r->text = extract(r, 0);
	return r;
}

/*
 * Compiles the built-in runbook schema and the site's own (site.yaml
 * schema:), reporting into the site's diagnostics when report is set.
 */
void
schemas_open(struct site *s, struct schema **builtin, struct schema **own,
    int report)
{
	struct diags quiet, *d = &s->diags;
	char *path;

	diags_init(&quiet, NULL);
	if (!report)
		d = &quiet;
	*builtin = schema_runbook(d);
	*own = NULL;
	if (s->cfg.schema != NULL) {
		path = s->cfg.schema[0] == '/' ? xstrdup(s->cfg.schema) :
		    path_join(s->content, s->cfg.schema);
		*own = schema_load(path, SCHEMA_ASSERT_FORMATS, d);
		if (*own == NULL && report)
			diag_add(d, path, 0, 0, R_SCHEMA, "site.yaml: the "
			    "schema %s could not be used", s->cfg.schema);
		free(path);
	}
	diags_free(&quiet);
}

/*
 * Drops a schema diagnostic where a more precise rule spoke at the same
 * place ("[Phone]" is a placeholder first, an invalid phone second).
 */
void
dedupe(struct runbook *r)
{
	struct diags *d = &r->diags;
	size_t i, j, o = 0;

	for (i = 0; i < d->n; i++) {
		int drop = 0;
		if (d->v[i].rule == R_SCHEMA)
			for (j = 0; j < d->n; j++)
				if (j != i && d->v[j].rule != R_SCHEMA &&
				    d->v[j].rule != R_REVIEW_UNKNOWN &&
				    d->v[j].line == d->v[i].line &&
				    d->v[j].col == d->v[i].col)
					drop = 1;
		if (drop) {
			free(d->v[i].file);
			free(d->v[i].msg);
		} else
			d->v[o++] = d->v[i];
	}
	d->n = o;
}

/*
 * Validates r's front-matter against both schemas (both must hold, as
 * allOf), runs the semantic rules, and keeps the most precise of two
 * diagnostics at one place.
 */
/*
 * The schema wants an owner; the text or CODEOWNERS gave r one (SPEC §3,
 * §7): the front-matter's want of it is no error.
 */
static void
owner_found(struct runbook *r)
{
	struct diags *d = &r->diags;
	size_t i, o = 0;

	for (i = 0; i < d->n; i++) {
		if (d->v[i].rule == R_SCHEMA && d->v[i].msg != NULL &&
		    strcmp(d->v[i].msg, "schema: missing required property "
		    "\"owner\"") == 0) {
			free(d->v[i].file);
			free(d->v[i].msg);
			continue;
		}
		d->v[o++] = d->v[i];
	}
	d->n = o;
}

/*
 * Returns 1 if r's front-matter was written for another tool alone
 * (Hugo's title and weight, tech-docs' last_reviewed_on): a key rbc does
 * not know, and none that only rbc reads.  Like a runbook with none, it
 * is not held to rbc's required keys.
 */
static int
fm_foreign(const struct runbook *r)
{
	static const char *const own[] = { "owner", "service", "contacts",
	    "escalation", "severity_levels", "thresholds", "quickref",
	    "related", "last_reviewed", "review_every", NULL };
	static const char *const shared[] = { "id", "title", "summary",
	    "tags", NULL };
	size_t i, k;
	int other = 0;

	if (r->fm == NULL || r->fm->type != Y_MAP)
		return 0;
	for (i = 0; own[i] != NULL; i++)
		if (ymap_get(r->fm, own[i]) != NULL)
			return 0;
	for (k = 0; k < r->fm->n && !other; k++) {
		for (i = 0; shared[i] != NULL &&
		    strcmp(r->fm->keys[k]->s, shared[i]) != 0; i++)
			;
		other = shared[i] == NULL;
	}
	return other;
}

void
runbook_check(struct site *s, struct runbook *r, const struct schema *builtin,
    const struct schema *own)
{
	/* Before the text adds to the front-matter. */
	int foreign = r->fm != NULL && fm_foreign(r);

	/* The home page's text introduces the site: no runbook schema. */
	if (r->fm != NULL && !r->home) {
		if (builtin != NULL)
			schema_validate(builtin, r->fm, r->src.path,
			    &r->diags);
		if (own != NULL)
			schema_validate(own, r->fm, r->src.path, &r->diags);
		schema_typos(builtin, own, r->fm, r->src.path, &r->diags);
	}
	/* What the text says, once the front-matter as written passed;
	 * then who CODEOWNERS says owns it, if nothing else does. */
	extract_merge(r);
	codeowners_merge(s, r);
	if (r->fm != NULL && ((r->from_text & (TEXT_OWNER |
	    TEXT_CODEOWNERS)) || foreign || ymap_get(r->fm, "owner") != NULL))
		owner_found(r);
	check_runbook(s, r);
	dedupe(r);
}
