/*
 * Records: what a scan worker tells the parent about a runbook (id,
 * title, headings, links, the front-matter values the site pages show,
 * diagnostics), encoded compactly, decoded into a light runbook, and
 * read back later by the site pages and the cache.
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

#include "engine.h"

/* ------------------------------------------------------------ records */

/* The front-matter keys the site pages read from every runbook, in the
 * order of the FMK_ bits. */
static const char *const site_keys[] = {
	"tags", "last_reviewed", "contacts", "escalation", "thresholds", NULL
};

/* Appends r's scan record to b. */
void
encode(struct buf *b, const struct site *s, size_t idx,
    const struct runbook *r)
{
	const struct ynode *v;
	struct buf js = { NULL, 0, 0 }, terms = { NULL, 0, 0 };
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
	buf_put_u32(b, (uint32_t)r->from_text);
	buf_put_u32(b, (uint32_t)r->owner_line);
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
	 * values (ynode_encode) after its length, 0 for none, so that a page reads
	 * only the keys it shows (runbook_fm).
	 */
	if (r->fm != NULL) {
		struct buf one = { NULL, 0, 0 };

		for (i = 0; site_keys[i] != NULL; i++) {
			buf_reset(&one);
			if ((v = ymap_get(r->fm, site_keys[i])) != NULL)
				ynode_encode(&one, v);
			buf_put_var(&js, one.len);
			buf_put(&js, one.data, one.len);
		}
		buf_free(&one);
		buf_put_mem(b, js.data, js.len);
	} else
		buf_put_mem(b, NULL, 0);
	/* What search finds of it: only the search index reads it
	 * (runbook_terms). */
	terms_collect(s, r, &terms);
	buf_put_mem(b, terms.data, terms.len);
	/* The digest of what the site pages show of r (cache.c). */
	{
		/* What the site pages show, then that and its words. */
		uint64_t sd = site_seen(r, js.data, js.len, NULL, 0);
		uint64_t td = site_seen(r, js.data, js.len, terms.data,
		    terms.len);

		buf_put_u32(b, (uint32_t)(sd >> 32));
		buf_put_u32(b, (uint32_t)sd);
		buf_put_u32(b, (uint32_t)(td >> 32));
		buf_put_u32(b, (uint32_t)td);
	}
	buf_free(&terms);
	buf_free(&js);
	buf_put_u32(b, (uint32_t)(ymaps(r->fm, "contacts") +
	    ymaps(r->fm, "escalation")));
	buf_put_u32(b, (uint32_t)ymaps(r->fm, "thresholds"));
	buf_put_u32(b, page_sections(r));
	/* The rbc-disable comments: the index's diagnostics obey them too. */
	for (i = n = 0; i < r->nsmask; i++)
		n += r->smask[i] != 0;
	buf_put_u32(b, (uint32_t)n);
	for (i = 0; i < r->nsmask; i++)
		if (r->smask[i] != 0) {
			buf_put_u32(b, (uint32_t)i);
			buf_put_u32(b, (uint32_t)(r->smask[i] >> 32));
			buf_put_u32(b, (uint32_t)r->smask[i]);
		}
	buf_put_u32(b, (uint32_t)r->diags.n);
	diag_encode(b, &r->diags);
	u32_put(b->data + start, (uint32_t)(b->len - start - 4));
}

/*
 * Returns the light runbook of one record, its strings in arena a (the
 * site's, or the second decoding thread's), or NULL if it is damaged.
 */
struct runbook *
decode(struct site *s, struct arena *a, struct rd *in, uint64_t base,
    size_t *idx, struct recref *ref)
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
	r->from_text = rd_u32(&rd);
	r->owner_line = (int)rd_u32(&rd);
	r->id_line = (int)rd_u32(&rd);
	r->id_col = (int)rd_u32(&rd);
	if (r->id == NULL || r->title == NULL)
		goto bad;
	js = id_name(r->id);
	r->name = arena_strdup(r->arena, js);
	free(js);
	r->page = r->id;
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
	/* Where ynode_encode left it: only the site pages read it (runbook_fm). */
	{
		size_t n0;
		const char *fm = rd_mem(&rd, &n0);
		if (fm != NULL) {
			/* Not copied: read again when wanted (runbook_fm). */
			ref->hasfm = 1;
			ref->fmoff = base + (uint64_t)(fm - (const char *)in->p);
			ref->fmlen = n0;
		}
	}
	{
		size_t n0;
		const char *t = rd_mem(&rd, &n0);

		ref->termoff = t != NULL ? base + (uint64_t)(t -
		    (const char *)in->p) : 0;
		ref->termlen = t != NULL ? n0 : 0;
	}
	ref->seen[SD_PAGES] = (uint64_t)rd_u32(&rd) << 32;
	ref->seen[SD_PAGES] |= rd_u32(&rd);
	ref->seen[SD_SEARCH] = (uint64_t)rd_u32(&rd) << 32;
	ref->seen[SD_SEARCH] |= rd_u32(&rd);
	r->nreach = rd_u32(&rd);
	r->nthr = rd_u32(&rd);
	r->sections = rd_u32(&rd);
	n = rd_u32(&rd);
	if (rd.bad || n > (size_t)(rd.end - rd.p) / 12)
		goto bad;
	if (n > 0) {
		uint32_t line;
		uint64_t mask;
		for (i = 0; i < n; i++) {
			line = rd_u32(&rd);
			mask = (uint64_t)rd_u32(&rd) << 32;
			mask |= rd_u32(&rd);
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
		if (diag_get(&rd, &g) == -1)
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


/*
 * Reads n bytes at off of record file k into dst; 0, or -1.  The cache's
 * writer reads every record and the site pages every front-matter, each
 * in runbook order, which is each file's order: through a window a file
 * (each process its own, made after the fork; the files are complete
 * before anything reads them).
 */
static int
rec_read(const struct build *b, int k, uint64_t off, void *dst, size_t n)
{
	int fd = fileno(b->recf[k]);

	return b->recwin != NULL ? rwin_read(&b->recwin[k], fd, off, dst, n) :
	    read_at(fd, dst, n, (off_t)off);
}

void
recwin_free(struct build *b)
{
	int k;

	if (b->recwin != NULL)
		for (k = 0; k < b->nrecf; k++)
			rwin_free(&b->recwin[k]);
	free(b->recwin);
	b->recwin = NULL;
}

/*
 * Returns light runbook r's front-matter in a: a map of those site_keys
 * that keys (FMK_ bits) names.  NULL if it has none or it cannot be read.
 */
struct ynode *
runbook_fm(void *arg, const struct runbook *r, struct arena *a, unsigned keys)
{
	const struct build *b = arg;
	struct ynode *m, *v;
	struct rd rd, one;
	uint64_t n;
	size_t i;
	char *p;

	const struct recref *ref;

	if (b->ref == NULL || r->idx >= b->site.nrbpaths)
		return NULL;
	ref = &b->ref[r->idx];
	if (!ref->hasfm || ref->fmfile < 0 || ref->fmfile >= b->nrecf ||
	    b->recf[ref->fmfile] == NULL)
		return NULL;
	/* Read into a and parsed where it lies: the text is not copied. */
	p = arena_alloc(a, ref->fmlen + 1);
	if (rec_read(b, ref->fmfile, ref->fmoff, p, ref->fmlen) == -1)
		return NULL;
	rd.p = (const unsigned char *)p;
	rd.end = rd.p + ref->fmlen;
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
			if ((v = ynode_decode(&one, 1)) == NULL || one.bad)
				return NULL;
			ymap_add(a, m, site_keys[i], v);
		}
		rd.p += n;
	}
	return m;
}

/*
 * Appends light runbook r's search terms (terms_collect) to out, read
 * back from its scan record: 0, or -1 if they cannot be read.
 */
int
runbook_terms(void *arg, const struct runbook *r, struct buf *out)
{
	const struct build *b = arg;
	const struct recref *ref;

	if (b->ref == NULL || r->idx >= b->site.nrbpaths)
		return -1;
	ref = &b->ref[r->idx];
	if (ref->fmfile < 0 || ref->fmfile >= b->nrecf ||
	    b->recf[ref->fmfile] == NULL)
		return -1;
	if (ref->termlen == 0)
		return 0;
	buf_grow(out, ref->termlen);
	if (rec_read(b, ref->fmfile, ref->termoff, out->data + out->len,
	    ref->termlen) == -1)
		return -1;
	out->len += ref->termlen;
	return 0;
}

/*
 * Reads the record of len bytes at off of fd (its length first, as the
 * workers' files and the cache keep it) into out as runbook idx's, the
 * way decode reads it: the bytes after its length, with idx, this
 * build's, in place of the one the record was written with (runbooks
 * added or removed since move the others).  Returns 0, or -1.
 */
int
record_at(int fd, uint64_t off, size_t len, size_t idx, struct buf *out)
{
	buf_reset(out);
	if (len < 8)
		return -1;
	buf_grow(out, len - 4 + 1);
	if (read_at(fd, out->data, len - 4, (off_t)(off + 4)) == -1)
		return -1;
	out->len = len - 4;
	u32_put(out->data, (uint32_t)idx);
	return 0;
}

/*
 * Returns 0 with runbook idx's scan record (length first, as cache.c
 * keeps it) in b, or -1 if it cannot be read back.
 */
int
record_get(const struct build *b, size_t idx, struct buf *out)
{
	const struct site *s = &b->site;
	unsigned char h[4];
	uint32_t len;
	int k;

	buf_reset(out);
	if (b->recoff == NULL || idx >= s->nrbpaths || (k = b->reck[idx]) < 0 ||
	    k >= b->nrecf || b->recf[k] == NULL ||
	    rec_read(b, k, b->recoff[idx], h, 4) == -1)
		return -1;
	len = u32_get(h);
	buf_grow(out, (size_t)len + 4);
	if (rec_read(b, k, b->recoff[idx], out->data, (size_t)len + 4) == -1)
		return -1;
	out->len = (size_t)len + 4;
	return 0;
}

/* ------------------------------------------------------------ scanning */

/*
 * Appends y (front-matter) in the form ynode_decode reads, compact and whole:
 * a byte of type and flags, line and column, the text, the number of a
 * number, the entries of a map or sequence.
 */
void
ynode_encode(struct buf *b, const struct ynode *y)
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
		/* With its NUL: ynode_decode can leave it where it is. */
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
				ynode_encode(b, y->keys[i]);
			ynode_encode(b, y->items[i]);
		}
}

/* Returns the value ynode_encode wrote (in rd's arena), or NULL if damaged. */
struct ynode *
ynode_decode(struct rd *rd, int depth)
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
		    (y->keys[i] = ynode_decode(rd, depth + 1)) == NULL)
			return NULL;
		if ((y->items[i] = ynode_decode(rd, depth + 1)) == NULL)
			return NULL;
	}
	return y;
}


/* ----------------------------------------------------------- rendering */


/*
 * Returns the digest of what the site pages show of runbook r, whose
 * front-matter keys for them ynode_encode wrote as fm (n bytes): made by the
 * scan worker and kept in r's record, so that a rebuild reads no
 * front-matter to know whether the site pages changed.
 */
uint64_t
site_seen(const struct runbook *r, const char *fm, size_t n,
    const char *terms, size_t tn)
{
	uint64_t h = HASH64_INIT;
	size_t k;

	h = hash_str(h, r->summary);
	h = hash_str(h, r->service);
	h = hash_str(h, r->owner);
	h = hash_str(h, r->review_by);
	h = hash_int(h, r->stale);
	h = hash_int(h, (int)r->from_text);
	h = hash_int(h, r->owner_line);
	h = hash_int(h, r->fm != NULL);
	h = hash64(h, fm != NULL ? fm : "", n);
	h = hash64(h, terms != NULL ? terms : "", tn);
	for (k = 0; k < r->nheads; k++)
		h = hash_str(h, r->heads[k].text);
	return h;
}

/*
 * Returns the arena of the parent's second thread, made the first time:
 * the light runbooks share the site's arena, which only one thread may
 * write at a time.
 */
struct arena *
build_second_arena(struct build *b)
{
	if (b->second_arena == NULL)
		b->second_arena = arena_new_big();
	return b->second_arena;
}
