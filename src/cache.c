/*
 * The build cache, `<out>/.rbc-cache`: what the previous build knew about
 * each runbook, so that a rebuild after an edit does the edited part only.
 *
 *  - A global digest (rbc's version, formats, today, the content path,
 *    site.yaml, the site schema, the templates) must match, or nothing is
 *    reused.
 *  - Per runbook: the hash of its source and its scan record.  A runbook
 *    whose source hashes the same is not parsed again: its record is.
 *  - Per runbook: an output digest over everything its pages show (its
 *    source, its resolved links with their targets' ids and titles, its
 *    backlinks with theirs).  The same digest means the same bytes, so
 *    its previous outputs are hard-linked into the new tree.  A change to
 *    one runbook's title or anchors changes only the digests of the
 *    runbooks that link to it or that it links to.
 *  - A site digest over what the index, contacts, thresholds and search
 *    pages show; the same digest reuses them too.
 *
 * The cache is written into the new tree with everything else, so it is
 * in place exactly when the output it describes is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include "engine.h"

#define MAGIC	"rbc-cache 13\n"

struct centry {
	const char	*rel;
	uint64_t	 hash, out_digest;
	uint64_t	 size, mtime;	/* the file as stat() saw it */
	uint64_t	 recoff;	/* its scan record, in the file */
	size_t		 reclen;
};

/* The file stays open and its records on disk: 10,000 are 35 MB. */
struct cache {
	FILE		*f;
	struct arena	*a;
	struct centry	*v;
	size_t		 n;
	struct strtab	 byrel;		/* rel -> entry */
	uint64_t	 sitedig[SD__N];
	int		 dfd;		/* its content folder, or -1 */
};

static void
put64(struct buf *b, uint64_t v)
{
	unsigned char c[8];
	int i;

	for (i = 0; i < 8; i++)
		c[i] = (unsigned char)(v >> (56 - 8 * i));
	buf_put(b, c, 8);
}

static int
fget64(FILE *f, uint64_t *v)
{
	unsigned char u[8];
	int i;

	if (fread(u, 1, 8, f) != 8)
		return -1;
	*v = 0;
	for (i = 0; i < 8; i++)
		*v = *v << 8 | u[i];
	return 0;
}

/*
 * Returns the previous build's cache in dir if it was made under the same
 * global digest, else NULL.
 */
struct cache *
cache_load(const char *dir, uint64_t global)
{
	struct cache *c = xcalloc(1, sizeof(*c));
	char *path = path_join(dir, ".rbc-cache"), magic[sizeof(MAGIC) - 1];
	struct buf rel = { NULL, 0, 0 };
	uint64_t g, n, k, len, size;
	off_t at;
	size_t i;

	c->a = arena_new();
	c->dfd = -1;
	/* The entries lie between the records: with a buffer of 256 kB
	 * the seeks past the records stay inside it (10,000 read and seek
	 * calls less for 10,000 runbooks; the records themselves are read
	 * by pread). */
	if ((c->f = fopen(path, "rb")) == NULL ||
	    setvbuf(c->f, NULL, _IOFBF, (size_t)1 << 18) != 0 ||
	    fseeko(c->f, 0, SEEK_END) ||
	    (at = ftello(c->f)) < 0 || fseeko(c->f, 0, SEEK_SET))
		goto bad;
	size = (uint64_t)at;
	if (fread(magic, 1, sizeof(magic), c->f) != sizeof(magic) ||
	    memcmp(magic, MAGIC, sizeof(magic)) != 0)
		goto bad;
	if (fget64(c->f, &g) == -1 || g != global ||
	    fget64(c->f, &c->sitedig[SD_PAGES]) == -1 ||
	    fget64(c->f, &c->sitedig[SD_SEARCH]) == -1 ||
	    fget64(c->f, &c->sitedig[SD_DOCS]) == -1 ||
	    fget64(c->f, &n) == -1 ||
	    n > size / 48)
		goto bad;
	c->v = xcalloc((size_t)n + 1, sizeof(*c->v));
	for (i = 0; i < (size_t)n; i++) {
		struct centry *e = &c->v[i];
		if (fget64(c->f, &k) == -1 || k == 0 || k > 65536)
			goto bad;
		buf_reset(&rel);
		buf_grow(&rel, (size_t)k);
		if (fread(rel.data, 1, (size_t)k, c->f) != k ||
		    rel.data[k - 1] != '\0' || memchr(rel.data, '\0',
		    (size_t)k) != rel.data + k - 1)
			goto bad;
		e->rel = arena_strdup(c->a, rel.data);
		if (fget64(c->f, &e->hash) == -1 ||
		    fget64(c->f, &e->out_digest) == -1 ||
		    fget64(c->f, &e->size) == -1 ||
		    fget64(c->f, &e->mtime) == -1 ||
		    fget64(c->f, &len) == -1 || (at = ftello(c->f)) < 0 ||
		    len > size - (uint64_t)at)
			goto bad;
		e->recoff = (uint64_t)at;
		e->reclen = (size_t)len;
		if (fseeko(c->f, (off_t)len, SEEK_CUR) != 0)
			goto bad;
		if (i > 0 && strcmp(c->v[i - 1].rel, e->rel) >= 0)
			goto bad;
	}
	c->n = (size_t)n;
	buf_free(&rel);
	free(path);
	strtab_init(&c->byrel, c->n);
	for (i = 0; i < c->n; i++)
		strtab_add(&c->byrel, c->v[i].rel, (int)i);
	return c;
bad:
	buf_free(&rel);
	free(path);
	cache_free(c);
	return NULL;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	if (c->f != NULL)
		fclose(c->f);
	arena_free(c->a);
	if (c->dfd != -1)
		close(c->dfd);
	free(c->v);
	strtab_free(&c->byrel);
	free(c);
}

/* Returns a new descriptor of c's file (the parent reads the records
 * the workers refer to through it), or -1. */
int
cache_dup(const struct cache *c)
{
	return c != NULL && c->f != NULL ? fcntl(fileno(c->f), F_DUPFD_CLOEXEC,
	    0) : -1;
}

static const struct centry *
find(const struct cache *c, const char *rel)
{
	int k = strtab_find(&c->byrel, rel);

	return k >= 0 ? &c->v[k] : NULL;
}

/*
 * In a scan worker: appends a reference to runbook idx's cached record to
 * out and returns 1 when its source is unchanged; returns 0 when it must
 * be scanned.  The reference (a length of 0, idx, where the record lies
 * in the cache file and its length) is all the worker writes: the parent
 * reads the record from the cache itself (decode_all), which a rebuild
 * then neither copies nor reads twice.
 */
int
cached_record(struct build *b, size_t idx, struct buf *out)
{
	struct site *s = &b->site;
	const struct centry *e = find(b->cache, s->rbpaths[idx]);
	struct buf raw = { NULL, 0, 0 };
	uint64_t size, mtime;
	char *path;
	int hit = 0;

	if (e == NULL || e->reclen < 8)
		return 0;
	path = path_join(s->content, s->rbpaths[idx]);
	/* Stamped by its name under the content folder, held open: no
	 * walk of the folder's own path 10,000 times. */
	if (b->cache->dfd == -1)
		b->cache->dfd = open(s->content, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC);
	/* The same size and modification time vouch for the same bytes
	 * (as for make and ninja); otherwise the bytes are hashed. */
	if ((file_stamp_at(b->cache->dfd != -1 ? b->cache->dfd : AT_FDCWD,
	    b->cache->dfd != -1 ? s->rbpaths[idx] : path, &size,
	    &mtime) == 0 && size == e->size &&
	    mtime == e->mtime && mtime != 0) ||
	    (read_file(path, &raw, RBC_MAX_FILE) == 0 &&
	    hash64(HASH64_INIT, raw.data, raw.len) == e->hash)) {
		buf_put_u32(out, 0);
		buf_put_u32(out, (uint32_t)idx);
		buf_put_u32(out, (uint32_t)(e->recoff >> 32));
		buf_put_u32(out, (uint32_t)e->recoff);
		buf_put_u32(out, (uint32_t)e->reclen);
		hit = 1;
	}
	buf_free(&raw);
	free(path);
	return hit;
}

/*
 * Whether runbook i's search entry may differ from the previous build's:
 * 0 when its source is the one the cache has, or when what search shows
 * of it (its title, and what site_seen covers) is the same; 1 when not,
 * with the previous build's terms of it in out; -1 when the cache has no
 * record of it to compare with.
 */
int
cache_search_old(const struct build *b, size_t i, struct buf *out)
{
	const struct site *s = &b->site;
	const struct runbook *r = s->rb[i], *o;
	const struct centry *e = b->cache != NULL ? find(b->cache, r->rel) :
	    NULL;
	struct buf raw = { NULL, 0, 0 };
	struct arena *a;
	struct recref ref;
	struct rd rd;
	size_t idx;
	int rc = -1;

	if (e == NULL || e->reclen < 8 || r->idx >= s->nrbpaths ||
	    b->ref == NULL)
		return -1;
	if (e->hash == r->hash)
		return 0;
	/* As this build's record of it: decode checks the index. */
	if (record_at(fileno(b->cache->f), e->recoff, e->reclen, r->idx,
	    &raw) == -1)
		goto out;
	rd.p = (const unsigned char *)raw.data;
	rd.end = (const unsigned char *)raw.data + raw.len;
	rd.a = NULL;
	rd.bad = 0;
	rd.inplace = 0;
	memset(&ref, 0, sizeof(ref));
	a = arena_new();
	if ((o = decode((struct site *)(uintptr_t)s, a, &rd, 0, &idx,
	    &ref)) != NULL) {
		rc = 0;
		if (ref.seen[SD_SEARCH] != b->ref[r->idx].seen[SD_SEARCH] ||
		    strcmp(o->title, r->title) != 0) {
			rc = 1;
			if (ref.termlen > 0 && ref.termoff + ref.termlen <=
			    raw.len)
				buf_put(out, raw.data + ref.termoff,
				    ref.termlen);
		}
		runbook_free((struct runbook *)(uintptr_t)o);
	}
	arena_free(a);
out:
	buf_free(&raw);
	return rc;
}

/* Returns the output digest the previous build stored for rel, or 0. */
uint64_t
cache_odig(const struct cache *c, const char *rel)
{
	const struct centry *e = c != NULL ? find(c, rel) : NULL;

	return e != NULL ? e->out_digest : 0;
}

/* The site digest (SD_PAGES or SD_SEARCH) the cached build had, or 0. */
uint64_t
cache_sitedig(const struct cache *c, int which)
{
	return c != NULL ? c->sitedig[which] : 0;
}

static uint64_t
href_of(uint64_t h, const struct runbook *t)
{
	h = hash_str(h, t->id);
	h = hash_str(h, t->name);
	return hash_str(h, t->title);
}

/* Returns each runbook's href_of digest: its links hash these. */
uint64_t *
href_digests(const struct site *s)
{
	uint64_t *d = xcalloc(s->n ? s->n : 1, sizeof(*d));
	size_t i;

	for (i = 0; i < s->n; i++)
		d[i] = href_of(HASH64_INIT, s->rb[i]);
	return d;
}

/*
 * Returns the digest of everything r's pages show (never 0); hd is
 * href_digests(s).  r's source covers its own text and links as
 * written; what the index adds is each link's target (its id, path and
 * title, hd) and whether it resolved, and the runbooks linking to r.
 */
uint64_t
runbook_digest(const struct site *s, const uint64_t *hd,
    const struct runbook *r)
{
	uint64_t h = hash_int(HASH64_INIT, (long long)r->hash), v[2];
	size_t i;

	h = href_of(h, r);
	h = hash_int(h, r->stale);
	for (i = 0; i < r->nlinks; i++) {
		const struct link *l = &r->links[i];
		v[0] = l->target >= 0 && (size_t)l->target < s->n ?
		    hd[l->target] : 0;
		v[1] = (uint64_t)l->broken | (uint64_t)l->folder << 1;
		h = hash64(h, v, sizeof(v));
		if (l->folder && l->frag != NULL)
			h = hash64(h, l->frag, strlen(l->frag));
	}
	for (i = 0; i < r->nbacklinks; i++)
		h = hash_int(h, (long long)hd[r->backlinks[i]]);
	return h ? h : 1;
}

/*
 * Returns the digest of what the site pages show (never 0): what each
 * runbook's record says they show of it (site_seen), its id, path and
 * title, and whether anything links to it.  The rest comes from
 * site.yaml and the templates, which the global digest covers.  Which:
 * SD_PAGES, the index, contacts, thresholds and alerts pages, or
 * SD_SEARCH, the search index, which has every runbook's words too (an
 * edit of a runbook's text changes it, not the pages).
 */
uint64_t
site_digest(const struct build *b, int which)
{
	const struct site *s = &b->site;
	uint64_t h = HASH64_INIT, v[2];
	size_t i;

	if (which == SD_DOCS) {
		for (i = 0; i < s->n; i++) {
			h = hash_str(h, s->rb[i]->id);
			h = hash_str(h, s->rb[i]->page);
		}
		return hash_int(h, (long long)s->n) | 1;
	}
	if (which == SD_PAGES) {
		/* The folders the index lists, with their files. */
		const char **dirs;
		size_t nd = site_listed(s, &dirs), first, nf, nl, k;

		for (i = 0; i < nd; i++) {
			h = hash_str(h, dirs[i]);
			first = site_files_below(s, dirs[i], &nf, &nl);
			h = hash_int(h, (long long)nf);
			for (k = first; k < first + nl; k++)
				h = hash_str(h, s->files[k]);
		}
		free(dirs);
	}
	for (i = 0; i < s->n; i++) {
		const struct runbook *r = s->rb[i];

		v[0] = b->ref != NULL ? b->ref[i].seen[which] : 0;
		v[1] = r->nbacklinks == 0;
		h = href_of(h, r);
		h = hash64(h, v, sizeof(v));
		if (r->home && which == SD_PAGES) {
			/* Its text is the index's: as its own page's digest
			 * would cover it. */
			uint64_t *hd = href_digests(s);
			h = hash_int(h, (long long)runbook_digest(s, hd, r));
			free(hd);
		}
	}
	return h ? h : 1;
}

/*
 * Writes the cache of this build into dir (the new tree): each runbook's
 * source hash, output digest and scan record.  Returns 0 or -1.
 */
int
cache_write(const char *dir, uint64_t global, const uint64_t *sitedig,
    const struct build *b, const uint64_t *out_digest)
{
	const struct site *s = &b->site;
	struct buf ob = { NULL, 0, 0 }, rec = { NULL, 0, 0 };
	char *path;
	size_t i;
	FILE *f;
	int rc = 0;

	if (b->recoff == NULL)
		return 0;
	path = path_join(dir, ".rbc-cache");
	if ((f = fopen(path, "w")) == NULL) {
		free(path);
		return -1;
	}
	/* Written as it is made (10,000 records are 35 MB), 256 kB a write:
	 * the chunks are gathered here, stdio's buffer would split them. */
	setvbuf(f, NULL, _IONBF, 0);
	BUF_PUTSL(&ob, MAGIC);
	put64(&ob, global);
	put64(&ob, sitedig[SD_PAGES]);
	put64(&ob, sitedig[SD_SEARCH]);
	put64(&ob, sitedig[SD_DOCS]);
	put64(&ob, s->n);
	for (i = 0; i < s->n && rc == 0; i++) {
		if (record_get(b, i, &rec) == -1) {
			rc = -1;
			break;
		}
		put64(&ob, strlen(s->rbpaths[i]) + 1);
		buf_put(&ob, s->rbpaths[i], strlen(s->rbpaths[i]) + 1);
		put64(&ob, s->rb[i]->hash);
		put64(&ob, out_digest[i]);
		{
			const struct centry *e = b->cache != NULL ?
			    find(b->cache, s->rbpaths[i]) : NULL;
			uint64_t size = 0, mtime = 0;
			char *src;

			if (e != NULL && e->hash == s->rb[i]->hash &&
			    e->mtime != 0) {
				/* The same bytes: the old stamp still holds
				 * or, if the file was touched since, will
				 * not match and have it hashed. */
				size = e->size;
				mtime = e->mtime;
			} else {
				src = path_join(s->content, s->rbpaths[i]);
				/* A file changed within this second is not
				 * vouched for by its time: it will be hashed
				 * next time. */
				if (file_stamp(src, &size, &mtime) == -1 ||
				    mtime / 1000000000 >=
				    (uint64_t)time(NULL) - 1)
					mtime = 0;
				free(src);
			}
			put64(&ob, size);
			put64(&ob, mtime);
		}
		put64(&ob, rec.len);
		buf_put(&ob, rec.data, rec.len);
		if (ob.len >= ((size_t)1 << 18) || i + 1 == s->n) {
			if (fwrite(ob.data, 1, ob.len, f) != ob.len)
				rc = -1;
			buf_reset(&ob);
		}
	}
	if (ob.len > 0 && fwrite(ob.data, 1, ob.len, f) != ob.len)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc == -1)
		fprintf(stderr, "rbc: cannot write %s\n", path);
	free(path);
	buf_free(&ob);
	buf_free(&rec);
	return rc;
}

/* Runbooks [from, to)'s output digests (digests' second thread). */
struct digjob {
	const struct site	*s;
	const uint64_t		*hd;
	uint64_t		*out_digest;
	size_t			 from, to;
};

static void *
digest_share(void *arg)
{
	struct digjob *j = arg;
	size_t i;

	for (i = j->from; i < j->to; i++)
		j->out_digest[i] = runbook_digest(j->s, j->hd, j->s->rb[i]);
	return NULL;
}

/*
 * Returns the output digest of each runbook (cache.c) and puts the site
 * pages' in sitedig[SD_PAGES], the search index's in sitedig[SD_SEARCH].  With jobs > 1 and enough runbooks, a second
 * thread digests the second half (each digest reads only the site).
 */
uint64_t *
digests(const struct build *b, uint64_t *sitedig, int jobs)
{
	const struct site *s = &b->site;
	uint64_t *out_digest = xcalloc(s->n ? s->n : 1, sizeof(*out_digest)), *hd;
	struct digjob j[2];
	pthread_t helper;
	int helped = 0;

	hd = href_digests(s);
	j[0].s = j[1].s = s;
	j[0].hd = j[1].hd = hd;
	j[0].out_digest = j[1].out_digest = out_digest;
	j[0].from = 0;
	j[0].to = j[1].from = s->n / 2;
	j[1].to = s->n;
	if (jobs > 1 && s->n >= THREADS_MIN)
		helped = pthread_create(&helper, NULL, digest_share,
		    &j[1]) == 0;
	if (!helped)
		j[0].to = s->n;
	digest_share(&j[0]);
	sitedig[SD_PAGES] = site_digest(b, SD_PAGES);
	sitedig[SD_SEARCH] = site_digest(b, SD_SEARCH);
	sitedig[SD_DOCS] = site_digest(b, SD_DOCS);
	if (helped)
		pthread_join(helper, NULL);
	free(hd);
	return out_digest;
}
