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
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pthread.h>

#include "engine.h"

#define MAGIC	"rbc-cache 14\n"

struct centry {
	const char	*rel;
	uint64_t	 hash, out_digest;
	uint64_t	 size, mtime;	/* the file as stat() saw it */
	uint64_t	 recoff;	/* its scan record, in the file */
	size_t		 reclen;
};

/*
 * The cache is two files.  CACHE_INDEX, written whole by every build: a
 * checksum over it, and each runbook's entry.  CACHE_RECORDS, the scan
 * records the entries point into (10,000 are 85 MB): a rebuild links the
 * previous tree's file into the new one and appends only the records
 * that changed, since every index reads only the bytes that were there
 * when it was written; a file more than half unused is written afresh.
 */
#define CACHE_INDEX	".rbc-cache"
#define CACHE_RECORDS	".rbc-cache-records"
#define SPARE_RECORDS	".rbc-spare/.rbc-cache-records"

/* The records file stays open, its records on disk. */
struct cache {
	char		*dir;
	int		 recfd;
	uint64_t	 recsize;	/* what the index covers of it */
	uint64_t	 recdev, recino;
	int		 appendable;
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

/* Reads a big-endian 64-bit number at *p (8 bytes before end) and
 * moves past it; 0, or -1 at the end. */
static int
get64(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	int i;

	if (end - *p < 8)
		return -1;
	*v = 0;
	for (i = 0; i < 8; i++)
		*v = *v << 8 | (*p)[i];
	*p += 8;
	return 0;
}

/* Whether dir/rel is a regular file, not a link, and the file st is. */
static int
same_file_at(const char *dir, const char *rel, const struct stat *st)
{
	char *path = path_join(dir, rel);
	struct stat o;
	int same;

	same = lstat(path, &o) == 0 && S_ISREG(o.st_mode) &&
	    o.st_dev == st->st_dev && o.st_ino == st->st_ino;
	free(path);
	return same;
}

/*
 * Returns the previous build's cache in dir if it was made under the same
 * global digest, else NULL; *damaged is set when the cache is there but
 * its index does not hold together (a checksum, the bounds of its
 * records), which the build reports.
 */
struct cache *
cache_load(const char *dir, uint64_t global, int *damaged)
{
	struct cache *c = xcalloc(1, sizeof(*c));
	char *path = path_join(dir, CACHE_INDEX), *rpath = NULL;
	struct buf ix = { NULL, 0, 0 };
	const unsigned char *p, *end;
	uint64_t g, n, k, sum;
	struct stat st;
	size_t i;
	int bad = 0;

	*damaged = 0;
	c->a = arena_new();
	c->dfd = c->recfd = -1;
	/* Its index whole (10,000 runbooks: 1 MB); the records stay in
	 * their file, read where they lie. */
	if (read_file(path, &ix, (size_t)1 << 30) != 0 ||
	    ix.len < sizeof(MAGIC) - 1 + 8 * 7 ||
	    memcmp(ix.data, MAGIC, sizeof(MAGIC) - 1) != 0)
		goto out;
	p = (const unsigned char *)ix.data + sizeof(MAGIC) - 1;
	end = (const unsigned char *)ix.data + ix.len - 8;
	bad = 1;
	if (get64(&end, end + 8, &sum) == -1 ||
	    (end -= 8, sum != hash64(HASH64_INIT, ix.data, ix.len - 8)))
		goto out;
	if (get64(&p, end, &g) == -1 || g != global) {
		bad = 0;
		goto out;
	}
	if (get64(&p, end, &c->sitedig[SD_PAGES]) == -1 ||
	    get64(&p, end, &c->sitedig[SD_SEARCH]) == -1 ||
	    get64(&p, end, &c->sitedig[SD_DOCS]) == -1 ||
	    get64(&p, end, &c->recsize) == -1 ||
	    get64(&p, end, &n) == -1 || n > (uint64_t)(end - p) / 56)
		goto out;
	rpath = path_join(dir, CACHE_RECORDS);
	if ((c->recfd = open(rpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 ||
	    fstat(c->recfd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size < c->recsize)
		goto out;
	c->recdev = (uint64_t)st.st_dev;
	c->recino = (uint64_t)st.st_ino;
	/* Appended to only if no other name has it than the spare tree's:
	 * a link planted to a file elsewhere is read, never written. */
	c->appendable = st.st_nlink == 1 || (st.st_nlink == 2 &&
	    same_file_at(dir, SPARE_RECORDS, &st));
	c->v = xcalloc((size_t)n + 1, sizeof(*c->v));
	for (i = 0; i < (size_t)n; i++) {
		struct centry *e = &c->v[i];
		uint64_t len;
		if (get64(&p, end, &k) == -1 || k == 0 ||
		    k > (uint64_t)(end - p) || p[k - 1] != '\0' ||
		    memchr(p, '\0', (size_t)k) != p + k - 1)
			goto out;
		e->rel = arena_strndup(c->a, (const char *)p, (size_t)k - 1);
		p += k;
		if (get64(&p, end, &e->hash) == -1 ||
		    get64(&p, end, &e->out_digest) == -1 ||
		    get64(&p, end, &e->size) == -1 ||
		    get64(&p, end, &e->mtime) == -1 ||
		    get64(&p, end, &e->recoff) == -1 ||
		    get64(&p, end, &len) == -1 || len < 8 ||
		    e->recoff > c->recsize || len > c->recsize - e->recoff)
			goto out;
		e->reclen = (size_t)len;
		if (i > 0 && strcmp(c->v[i - 1].rel, e->rel) >= 0)
			goto out;
	}
	if (p != end)
		goto out;
	c->n = (size_t)n;
	c->dir = xstrdup(dir);
	strtab_init(&c->byrel, c->n);
	for (i = 0; i < c->n; i++)
		strtab_add(&c->byrel, c->v[i].rel, (int)i);
	bad = 0;
	buf_free(&ix);
	free(path);
	free(rpath);
	return c;
out:
	*damaged = bad;
	buf_free(&ix);
	free(path);
	free(rpath);
	cache_free(c);
	return NULL;
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	if (c->recfd != -1)
		close(c->recfd);
	free(c->dir);
	arena_free(c->a);
	if (c->dfd != -1)
		close(c->dfd);
	free(c->v);
	strtab_free(&c->byrel);
	free(c);
}

/* Returns a new descriptor of c's records file (the parent reads the
 * records the workers refer to through it), or -1. */
int
cache_dup(const struct cache *c)
{
	return c != NULL && c->recfd != -1 ? fcntl(c->recfd, F_DUPFD_CLOEXEC,
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
	if (record_at(b->cache->recfd, e->recoff, e->reclen, r->idx,
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
		/* Hugo's section titles name the groups. */
		for (i = 0; i < s->nsect; i++) {
			h = hash_str(h, s->sect_dir[i]);
			h = hash_str(h, s->sect_title[i]);
		}
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
 * Opens dir's records file for this build's cache: the previous tree's,
 * linked, to append to (*off its end, *reused set), when it is the one c
 * read and at least half of it is still in use (kept bytes of the
 * records this build keeps); else a new one (*off 0).  Returns the
 * descriptor, or -1.
 */
static int
records_open(const struct cache *c, const char *dir, uint64_t kept,
    uint64_t *off, int *reused)
{
	char *path = path_join(dir, CACHE_RECORDS), *live;
	struct stat st;
	off_t end;
	int fd = -1;

	*off = 0;
	*reused = 0;
	/* Never through a name the tree had: a link to the live file,
	 * truncated, would be the live cache damaged. */
	if (unlink(path) == -1 && errno != ENOENT)
		goto out;
	if (c != NULL && c->recfd != -1 && c->appendable &&
	    fstat(c->recfd, &st) == 0 &&
	    (uint64_t)st.st_size <= 2 * kept + ((uint64_t)1 << 20)) {
		live = path_join(c->dir, CACHE_RECORDS);
		if (link(live, path) == 0 && (fd = open(path, O_WRONLY |
		    O_APPEND | O_NOFOLLOW | O_CLOEXEC)) != -1 &&
		    fstat(fd, &st) == 0 && (uint64_t)st.st_dev == c->recdev &&
		    (uint64_t)st.st_ino == c->recino &&
		    (end = lseek(fd, 0, SEEK_END)) >= 0) {
			*off = (uint64_t)end;
			*reused = 1;
			free(live);
			goto out;
		}
		if (fd != -1)
			close(fd);
		fd = -1;
		free(live);
		(void)unlink(path);
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
out:
	free(path);
	return fd;
}

/* Whether runbook i's record is the one e, its previous build's cache
 * entry (or NULL), holds: then this build did not scan it. */
static int
kept_record(const struct build *b, size_t i, const struct centry *e)
{
	return e != NULL && b->reck != NULL && b->reck[i] == b->nrecf - 1 &&
	    e->recoff == b->recoff[i];
}

/*
 * Writes the cache of this build into dir (the new tree): each runbook's
 * source hash, output digest and where its scan record lies in the
 * records file, which gets the records the previous build's has not.
 * Returns 0 or -1.
 */
int
cache_write(const char *dir, uint64_t global, const uint64_t *sitedig,
    const struct build *b, const uint64_t *out_digest)
{
	const struct site *s = &b->site;
	const struct centry *e;
	struct buf ob = { NULL, 0, 0 }, rb = { NULL, 0, 0 },
	    rec = { NULL, 0, 0 };
	uint64_t kept = 0, off, size, mtime;
	char *path = NULL;
	size_t i;
	int rc = 0, fd, reused;

	if (b->recoff == NULL)
		return 0;
	for (i = 0; b->cache != NULL && i < s->n; i++)
		if (kept_record(b, i, e = find(b->cache, s->rbpaths[i])))
			kept += e->reclen;
	if ((fd = records_open(b->cache, dir, kept, &off, &reused)) == -1) {
		rc = -1;
		goto out;
	}
	BUF_PUTSL(&ob, MAGIC);
	put64(&ob, global);
	put64(&ob, sitedig[SD_PAGES]);
	put64(&ob, sitedig[SD_SEARCH]);
	put64(&ob, sitedig[SD_DOCS]);
	put64(&ob, 0);		/* the records' size, once known */
	put64(&ob, s->n);
	for (i = 0; i < s->n && rc == 0; i++) {
		put64(&ob, strlen(s->rbpaths[i]) + 1);
		buf_put(&ob, s->rbpaths[i], strlen(s->rbpaths[i]) + 1);
		put64(&ob, s->rb[i]->hash);
		put64(&ob, out_digest[i]);
		e = b->cache != NULL ? find(b->cache, s->rbpaths[i]) : NULL;
		size = mtime = 0;
		if (e != NULL && e->hash == s->rb[i]->hash && e->mtime != 0) {
			/* The same bytes: the old stamp still holds or, if
			 * the file was touched since, will not match and
			 * have it hashed. */
			size = e->size;
			mtime = e->mtime;
		} else {
			char *src = path_join(s->content, s->rbpaths[i]);
			/* A file changed within this second is not vouched
			 * for by its time: it will be hashed next time. */
			if (file_stamp(src, &size, &mtime) == -1 ||
			    mtime / 1000000000 >= (uint64_t)time(NULL) - 1)
				mtime = 0;
			free(src);
		}
		put64(&ob, size);
		put64(&ob, mtime);
		if (reused && kept_record(b, i, e)) {
			put64(&ob, e->recoff);
			put64(&ob, e->reclen);
			continue;
		}
		if (record_get(b, i, &rec) == -1) {
			rc = -1;
			break;
		}
		put64(&ob, off);
		put64(&ob, rec.len);
		buf_put(&rb, rec.data, rec.len);
		off += rec.len;
		/* 256 kB a write. */
		if (rb.len >= ((size_t)1 << 18)) {
			rc = write_all(fd, rb.data, rb.len);
			buf_reset(&rb);
		}
	}
	if (rc == 0 && rb.len > 0)
		rc = write_all(fd, rb.data, rb.len);
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0) {
		/* The records' size, then the checksum over it all. */
		buf_reset(&rb);
		put64(&rb, off);
		memcpy(ob.data + sizeof(MAGIC) - 1 + 8 * 4, rb.data, 8);
		put64(&ob, hash64(HASH64_INIT, ob.data, ob.len));
		path = path_join(dir, CACHE_INDEX);
		if (unlink(path) == -1 && errno != ENOENT)
			rc = -1;
		else
			rc = write_file(path, ob.data, ob.len);
	}
out:
	if (rc == -1)
		fprintf(stderr, "rbc: cannot write the build cache in %s\n",
		    dir);
	free(path);
	buf_free(&ob);
	buf_free(&rb);
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
