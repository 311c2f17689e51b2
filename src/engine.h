/*
 * The build engine: worker processes and their records, the spool, the
 * cache of the previous build and the output tree.  Includes only
 * render.h.
 */
#ifndef RBC_ENGINE_H
#define RBC_ENGINE_H

#include <stdatomic.h>

#include "render.h"

/*
 * A build: the site (the model, first, so that a struct build is also a
 * struct site) and everything the engine keeps to make it fast, none of
 * which the stages or renderers see.
 */
/*
 * Where a light runbook's scan record left what the site pages read of
 * its front-matter (runbook_fm), and the digest of what they show of it.
 */
struct recref {
	int		 hasfm;
	int		 fmfile;	/* the record file */
	uint64_t	 fmoff;
	size_t		 fmlen;
	uint64_t	 termoff;	/* what search finds of it (terms.c) */
	size_t		 termlen;
	uint64_t	 seen[2];	/* site_seen: SD_PAGES, SD_SEARCH */
};

struct build {
	struct site	 site;
	struct recref	*ref;		/* runbook i's is ref[i] */
	struct arena	*second_arena;	/* the parent's second thread's */
	struct mustache	*tpl;		/* the templates, compiled */
	struct cache	*cache;		/* the previous build's, or NULL */
	char		*todo;		/* render runbook i only if todo[i] */
	uint64_t	 global;	/* digest of what every output shares */
	/* Every scan record, for the cache: runbook i's is at recoff[i] in
	 * file recf[reck[i]] (the scan workers' own, kept, not read in). */
	FILE		**recf;
	int		 nrecf;
	int		*reck;
	size_t		*recoff;
	struct rwin	*recwin;	/* reading them back, one a file */
	int		 pre;		/* FMT_ outputs begun during the scan */
	int		*spool;		/* each scan worker's prerender file */
	int		 nspool;
	/* Shared by the workers of a pass (workers.c): the next runbook
	 * to claim, and where each runbook's spool entry lies. */
	struct shared	*sh;
};

/* With -j2 or more and this many runbooks, the parent's serial steps
 * (decoding, link resolution, digests) take a second thread. */
#define THREADS_MIN	256
struct arena *build_second_arena(struct build *);
/* Frees the engine's state and the site. */
void	 build_close(struct build *);

/* build.c: the site loaded, parsed, indexed and checked. */
struct runbook *runbook_scan(struct site *, const char *rel);
void	 schemas_open(struct site *, struct schema **builtin,
	    struct schema **own, int report);
void	 dedupe(struct runbook *);
void	 runbook_check(struct site *, struct runbook *,
	    const struct schema *builtin, const struct schema *own);
int	 site_load(struct build *, const char *content, const char *today,
	    int jobs);
int	 site_load_cached(struct build *, const char *content, const char *today,
	    int jobs, const char *cache_dir, int formats);
int	 site_load_some(struct site *, const char *content, const char *today,
	    char **rels, size_t nrels);
void	 site_diags(const struct site *, struct diags *all);
int	 want_colour(FILE *);

/* workers.c: the scan and render passes in worker processes. */
int	 ncpus(void);
int	 scan_all(struct build *, int jobs);
struct runbook *runbook_reload(struct site *, const struct runbook *light);
void	 spool_close(struct build *);
void	 shared_close(struct build *);
/*
 * What prerender makes of a runbook: its id, name and front-matter
 * appended to head, and nparts more parts, each to be written after its
 * length (as buf_put_mem does).  Kept from one runbook to the next.
 */
struct prerendered {
	struct buf	 head;
	struct buf	 part[4];
	int		 nparts;
};
void	 prerender(struct build *, struct runbook *, struct prerendered *);
void	 prerendered_free(struct prerendered *);
void	 ynode_encode(struct buf *, const struct ynode *);
struct ynode *ynode_decode(struct rd *, int depth);
int	 render_all_parallel(struct build *, int jobs, void *(*setup)(void *),
	    void (*one)(void *, struct runbook *, const char *, size_t,
	    struct buf *),
	    void (*teardown)(void *), void *arg, struct diags *,
	    void (*side_fn)(void *, int, int, struct buf *), void *side_arg,
	    int side_jobs);
int	 workers_collect(int jobs, void (*)(void *, int k, int jobs,
	    struct buf *), void *, struct buf *outs);
int	 workers_run(int jobs, void (*)(void *, int k, int jobs, struct buf *),
	    void *, struct diags *);
void	 diag_encode(struct buf *, const struct diags *);
int	 diag_decode(struct diags *, const char *, size_t);

/* cache.c: what the previous build knew, for incremental rebuilds. */
struct cache *cache_load(const char *dir, uint64_t global, int *damaged);
void	 cache_free(struct cache *);
int	 cached_record(struct build *, size_t idx, struct buf *out);
int	 cache_dup(const struct cache *);
int	 cache_search_old(const struct build *, size_t i, struct buf *);
uint64_t cache_odig(const struct cache *, const char *rel);
/* The site's digests (cache.c): SD_PAGES what the index, contacts,
 * thresholds and alerts pages show; SD_SEARCH what the search index
 * holds (that and every runbook's words); SD_DOCS the runbooks' ids and
 * pages, in order (the search index's numbering). */
enum { SD_PAGES, SD_SEARCH, SD_DOCS, SD__N };
uint64_t cache_sitedig(const struct cache *, int which);
uint64_t *href_digests(const struct site *);
uint64_t runbook_digest(const struct site *, const uint64_t *,
	    const struct runbook *);
uint64_t site_seen(const struct runbook *, const char *fm, size_t,
	    const char *terms, size_t);
uint64_t site_digest(const struct build *, int which);
int	 cache_write(const char *dir, uint64_t global, const uint64_t *sitedig,
	    const struct build *, const uint64_t *out_digest);
int	 record_get(const struct build *, size_t idx, struct buf *);
int	 record_at(int fd, uint64_t off, size_t len, size_t idx, struct buf *);
void	 recwin_free(struct build *);
/* A light runbook's front-matter, read back from its scan record
 * (html_fm_fn; arg is the struct build). */
struct ynode *runbook_fm(void *, const struct runbook *, struct arena *,
	    unsigned keys);
/* A light runbook's search terms (terms_collect), read back likewise
 * (html_terms_fn): 0, or -1. */
int	 runbook_terms(void *, const struct runbook *, struct buf *);

/* ------------------------------------------ the engine's parts, shared */

#define MARKER	".rbc-output"

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

struct out {
	struct build	*b;
	char		*dir;		/* the temporary directory */
	struct diags	*d;
	int		 failed;
	int		 linked;	/* files linked from the previous tree */
	int		 reuse;		/* site files linked: 1 << SD_PAGES... */
	const char	*live;		/* the previous build's tree */
	/* Its search index, when this build's can be made from it. */
	const struct search_prev *prev;
};

/* pool.c: a worker's output file flushed when it grows large; fn's
 * shares run in jobs workers, their outputs in outs[] or files[]. */
void	 pool_spill(struct buf *);
int	 diag_get(struct rd *, struct diag *);	/* one, as encoded */
int	 pool_disk_full(void);
extern int pool_close_fd;	/* workers close it as they start, or -1 */
int	 pool(int jobs, void (*fn)(void *, int, int, struct buf *), void *,
	    struct buf *outs, FILE **files);

/* record.c */
void	 encode(struct buf *, const struct site *, size_t idx,
	    const struct runbook *);
struct runbook *decode(struct site *, struct arena *, struct rd *,
	    uint64_t base, size_t *idx, struct recref *);

/* spool.c */
int	 shared_open(struct build *, size_t n);
int	 claim(struct shared *, size_t n, int jobs, size_t *from, size_t *to);
int	 spool_get(const struct build *, size_t i, struct buf *);
void	 spool_map(const struct build *, size_t from, size_t to,
	    struct spmap *);
void	 spool_unmap(struct spmap *);
int	 spool_mapped(const struct build *, const struct spmap *, size_t i,
	    const char **p, size_t *n);
void	 spool_release(const struct build *, size_t from, size_t to);
int	 spool_open(struct build *, int jobs);
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
int	 stage_flush(struct build *, int k, struct stage *);
int	 spool_put(struct build *, int k, size_t i, struct runbook *,
	    struct prerendered *, struct stage *, uint64_t *at);

/* output.c */
int	 folder(const char *dir);
void	 folder_forget(void);
int	 put(struct out *, const char *rel, const void *, size_t);
int	 put2(struct out *, const char *rel, const void *, size_t,
	    const void *, size_t);
int	 put_html(void *, const char *rel, const struct buf *, int more);
void	 copy_theme(struct site *, struct out *);
void	 copy_linked(struct site *, struct out *);

/* outtree.c: writes the loaded site into out (0, 1 or 2; diagnostics to all). */
int	 build_write(struct build *, const char *out, int formats, int jobs,
	    struct diags *all);

/* spool.c: what the scan renders before the index exists. */
void	 prerender_body(const struct site *, const struct runbook *,
	    struct buf *body, struct buf *ins);
void	 prerender_man(const struct site *, const struct runbook *,
	    struct buf *page, struct buf *guesses);

/* render_pass.c: a prerendered body completed from the index (0, or -1
 * if damaged), and whether a prerendered man page's guesses held (0). */
int	 body_fill(struct buf *, const struct site *, const struct runbook *,
	    const char *body, size_t, const char *ins, size_t);
int	 guesses_hold(const struct site *, const struct runbook *,
	    const char *guesses, size_t);
/* render_pass.c: every output of every runbook to render, and the site. */
void	 render_all(struct build *, struct out *, int formats, int jobs,
	    int reuse_site);

/* build.c */
int	 load_templates(struct build *);
uint64_t *digests(const struct build *, uint64_t *sitedig, int jobs);	/* SD__N */

#endif /* RBC_ENGINE_H */
