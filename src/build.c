/*
 * Build: load and scan every runbook, check, then render each output into
 * a fresh temporary directory beside --out and swap it into place only
 * when everything succeeded.  A build with errors leaves the previous
 * output byte-identical and no temporary directory behind.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rbc.h"

#define MARKER	".rbc-output"

static const char *const tpl_names[] = {
	"head", "header", "footer", "runbook", "index", "contacts",
	"thresholds", NULL
};

/* ------------------------------------------------------ loading a site */

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
void
runbook_check(struct site *s, struct runbook *r, const struct schema *builtin,
    const struct schema *own)
{
	if (r->fm != NULL) {
		if (builtin != NULL)
			schema_validate(builtin, r->fm, r->src.path,
			    &r->diags);
		if (own != NULL)
			schema_validate(own, r->fm, r->src.path, &r->diags);
	}
	check_runbook(s, r);
	dedupe(r);
}

/*
 * Loads the site: walks the content tree, scans every runbook with jobs
 * workers (s->rb holds light runbooks: no tree, no source; see
 * workers.c), and builds the index.  Returns 0, or -1 for a usage or
 * internal problem (message printed).
 */
int
site_load(struct site *s, const char *content, const char *today, int jobs)
{
	return site_load_cached(s, content, today, jobs, NULL, 0);
}

static const char *const tpl_names_all[] = {
	"head", "header", "footer", "runbook", "index", "contacts",
	"thresholds", NULL
};

/* Hashes the file at path (or a marker for a missing one) into h. */
static uint64_t
hash_file(uint64_t h, const char *path)
{
	struct buf b = { NULL, 0, 0 };

	if (read_file(path, &b, RBC_MAX_FILE) == 0)
		h = hash64(hash64(h, "+", 1), b.data, b.len);
	else
		h = hash64(h, "-", 1);
	buf_free(&b);
	return h;
}

/*
 * Returns the digest of what every output depends on besides the
 * runbooks: rbc itself, the formats, today, the content path, site.yaml,
 * the site's schema and the templates in force.
 */
static uint64_t
global_digest(struct site *s, int formats)
{
	uint64_t h = hash64(HASH64_INIT, "rbc " RBC_VERSION,
	    sizeof("rbc " RBC_VERSION));
	char *path;
	size_t i, k;

	h = hash64(h, &formats, sizeof(formats));
	h = hash64(h, s->today, sizeof(s->today));
	h = hash64(h, s->content, strlen(s->content) + 1);
	path = path_join(s->content, "site.yaml");
	h = hash_file(h, path);
	free(path);
	if (s->cfg.schema != NULL) {
		path = s->cfg.schema[0] == '/' ? xstrdup(s->cfg.schema) :
		    path_join(s->content, s->cfg.schema);
		h = hash_file(h, path);
		free(path);
	}
	for (i = 0; tpl_names_all[i] != NULL; i++) {
		path = xasprintf("%s/templates/%s.mustache", s->root,
		    tpl_names_all[i]);
		if (access(path, F_OK) == 0)
			h = hash_file(h, path);
		else {
			free(path);
			path = xasprintf("templates/%s.mustache",
			    tpl_names_all[i]);
			for (k = 0; embedded_files[k].name != NULL; k++)
				if (strcmp(embedded_files[k].name, path) == 0)
					h = hash64(h, embedded_files[k].data,
					    embedded_files[k].len);
		}
		free(path);
	}
	return h;
}

/* The cache read on a thread while the walk lists the content. */
struct cache_loading {
	const char	*dir;
	uint64_t	 global;
	struct cache	*c;
};

static void *
cache_load_thread(void *arg)
{
	struct cache_loading *cl = arg;

	cl->c = cache_load(cl->dir, cl->global);
	return NULL;
}

/*
 * site_load, reusing the scan records of the previous build's cache in
 * cache_dir when the digest of everything else the outputs depend on
 * (global_digest) is what it was.  formats are what the build writes:
 * the scan begins them (prerender).
 */
int
site_load_cached(struct site *s, const char *content, const char *today,
    int jobs, const char *cache_dir, int formats)
{
	struct schema *builtin, *own;
	struct cache_loading cl;
	pthread_t clt;
	int loading = 0;
	size_t i;

	phase("start");
	if (site_open(s, content, today) == -1)
		return -1;
	s->pre = formats;
	if (cache_dir != NULL) {
		/* The spool and the records beside the output, not in /tmp. */
		scratch_near(cache_dir);
		s->global = global_digest(s, formats);
		cl.dir = cache_dir;
		cl.global = s->global;
		cl.c = NULL;
		/* The cache's index read while the walk lists the tree. */
		if (jobs > 1 && pthread_create(&clt, NULL, cache_load_thread,
		    &cl) == 0)
			loading = 1;
		else
			s->cache = cache_load(cache_dir, s->global);
	}
	site_walk(s);
	if (loading) {
		pthread_join(clt, NULL);
		s->cache = cl.c;
	}
	phase("walk");
	/* Once here to report a broken site schema; workers compile theirs. */
	schemas_open(s, &builtin, &own, 1);
	schema_free(builtin);
	schema_free(own);
	if (scan_all(s, jobs) == -1)
		return -1;
	phase("scan");
	index_build(s, jobs);
	check_site(s);
	for (i = 0; i < s->n; i++)
		dedupe(s->rb[i]);
	phase("index");
	return 0;
}

static struct runbook *
load_one(struct site *s, const char *rel, char *loaded)
{
	struct runbook *r;
	size_t i;

	long f = strv_find(s->rbpaths, s->nrbpaths, rel);

	if (f == -1 || loaded[i = (size_t)f])
		return NULL;
	loaded[i] = 1;
	r = runbook_scan(s, s->rbpaths[i]);
	s->rb[s->n++] = r;
	return r;
}

/*
 * Stores in path[] the runbook paths that link l of r reaches if each
 * runbook's id is its path (index.c's resolve decides), as index.c's
 * link_guess guesses them, plus a folder's README.md and index.md;
 * returns how many (0 to 2).
 */
static int
guess_paths(const struct runbook *r, const struct link *l, char *path[2])
{
	char *id, *dec, *dir;
	const char *d = l->dest, *hash;
	size_t n;

	if (link_external(l))
		return 0;
	if ((id = link_guess(r, l)) != NULL) {
		/* [[db/failover.md]] names the file itself. */
		if (l->kind != LINK_MD && str_has_suffix(id, ".md"))
			path[0] = id;
		else {
			path[0] = xasprintf("%s.md", id);
			free(id);
		}
		return 1;
	}
	if (l->kind != LINK_MD)
		return 0;
	/* Not a runbook's path: a folder's, maybe. */
	hash = strchr(d, '#');
	n = hash != NULL ? (size_t)(hash - d) : strlen(d);
	dec = pct_decode(d, n);
	dir = resolve_path(r->rel, dec);
	free(dec);
	if (dir == NULL)
		return 0;
	path[0] = xasprintf("%s%sREADME.md", dir, *dir ? "/" : "");
	path[1] = xasprintf("%s%sindex.md", dir, *dir ? "/" : "");
	free(dir);
	return 2;
}

/*
 * Loads only the named runbooks (content-relative paths) and the runbooks
 * their links point at, for `rbc lint FILE...` in a pre-commit hook: a
 * listing of the tree, not a parse of it.  A wiki or related id whose
 * file is not where its id says is looked for among every runbook's
 * front-matter (the slow path, only then).  Id clashes are checked among
 * the runbooks read.
 */
int
site_load_some(struct site *s, const char *content, const char *today,
    char **rels, size_t nrels)
{
	struct schema *builtin, *own;
	char *loaded, *g[2];
	size_t i, j, named;
	int need_scan = 0;

	if (site_open(s, content, today) == -1)
		return -1;
	site_walk(s);
	loaded = xcalloc(s->nrbpaths + 1, 1);
	for (i = 0; i < nrels; i++)
		load_one(s, rels[i], loaded);
	named = s->n;
	for (i = 0; i < named; i++) {
		struct runbook *r = s->rb[i];
		for (j = 0; j < r->nlinks; j++) {
			int k, np = guess_paths(r, &r->links[j], g);
			for (k = 0; k < np; k++) {
				if (r->links[j].kind != LINK_MD &&
				    strv_find(s->rbpaths, s->nrbpaths, g[k]) ==
				    -1)
					need_scan = 1;
				load_one(s, g[k], loaded);
				free(g[k]);
			}
		}
	}
	if (need_scan)
		/* Some id is not at its path: read every runbook. */
		for (i = 0; i < s->nrbpaths; i++)
			load_one(s, s->rbpaths[i], loaded);
	free(loaded);
	schemas_open(s, &builtin, &own, 1);
	for (i = 0; i < named; i++)
		runbook_check(s, s->rb[i], builtin, own);
	schema_free(builtin);
	schema_free(own);
	index_build(s, 1);
	check_site(s);
	for (i = 0; i < named; i++)
		dedupe(s->rb[i]);
	return 0;
}

/* Collects every diagnostic of the site into all, sorted. */
void
site_diags(const struct site *s, struct diags *all)
{
	size_t i;

	diags_append(all, &s->diags);
	for (i = 0; i < s->n; i++)
		diags_append(all, &s->rb[i]->diags);
	diags_sort(all);
}

/* Returns 1 if diagnostics should be coloured on f. */
int
want_colour(FILE *f)
{
	const char *t = getenv("TERM");

	if (getenv("NO_COLOR") != NULL && *getenv("NO_COLOR") != '\0')
		return 0;
	if (t != NULL && strcmp(t, "dumb") == 0)
		return 0;
	return isatty(fileno(f));
}

/* Loads the templates: the site's own templates/ first, then rbc's. */
static int
load_templates(struct site *s)
{
	struct buf b = { NULL, 0, 0 };
	char *path, *name, *err;
	size_t i, k;
	int rc = 0, r;

	s->tpl = mustache_new();
	for (i = 0; tpl_names[i] != NULL; i++) {
		name = xasprintf("%s.mustache", tpl_names[i]);
		path = xasprintf("%s/templates/%s", s->root, name);
		r = read_file(path, &b, RBC_MAX_FILE);
		if (r == -2) {
			diag_add(&s->diags, path, 0, 0, R_LIMIT, "template "
			    "larger than %u bytes", RBC_MAX_FILE);
			rc = -1;
		} else if (r == -1) {
			free(path);
			path = xasprintf("templates/%s", name);
			for (k = 0; embedded_files[k].name != NULL; k++)
				if (strcmp(embedded_files[k].name, path) == 0)
					break;
			buf_reset(&b);
			if (embedded_files[k].name != NULL)
				buf_put(&b, embedded_files[k].data,
				    embedded_files[k].len);
			else {
				diag_add(&s->diags, path, 0, 0, R_TEMPLATE,
				    "no template '%s'", name);
				rc = -1;
			}
		}
		if (rc == 0 && mustache_add(s->tpl, tpl_names[i],
		    buf_cstr(&b), b.len, &err) == -1) {
			diag_add(&s->diags, path, 0, 0, R_TEMPLATE, "%s", err);
			free(err);
			rc = -1;
		}
		free(name);
		free(path);
	}
	buf_free(&b);
	return rc;
}

/* ------------------------------------------------------------- output */

struct out {
	struct site	*site;
	char		*dir;		/* the temporary directory */
	struct diags	*d;
	int		 failed;
	int		 linked;	/* files linked from the previous tree */
};

/* The folders folder() made last, each thread its own (link_unchanged
 * has two). */
static _Thread_local char *made[4];
static _Thread_local size_t next_made;

/*
 * Returns 0 when folder dir exists, made if need be; the last few made
 * are remembered, so that 20,000 outputs cost no system call for them.
 */
static int
folder(const char *dir)
{
	size_t i;

	for (i = 0; i < 4; i++)
		if (made[i] != NULL && strcmp(made[i], dir) == 0)
			return 0;
	if (mkdir_p(dir) == -1)
		return -1;
	free(made[next_made]);
	made[next_made] = xstrdup(dir);
	next_made = (next_made + 1) % 4;
	return 0;
}

/* Writes p (n bytes) and then q (nq) to dir/rel, making folders; returns
 * 0 or -1. */
static int
put2(struct out *o, const char *rel, const void *p, size_t n, const void *q,
    size_t nq)
{
	char *path = path_join(o->dir, rel), *slash;

	slash = strrchr(path, '/');
	*slash = '\0';
	if (folder(path) == -1) {
		diag_add(o->d, path, 0, 0, R_IO, "cannot make folder: %s",
		    strerror(errno));
		o->failed = 1;
		free(path);
		return -1;
	}
	*slash = '/';
	/* A name linked from the previous tree must not be written through. */
	if (o->linked)
		unlink(path);
	if ((nq > 0 ? write_file2(path, p, n, q, nq) :
	    write_file(path, p, n)) == -1) {
		diag_add(o->d, path, 0, 0, R_IO, "cannot write: %s",
		    strerror(errno));
		o->failed = 1;
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

/* Writes bytes to dir/rel, making folders; returns 0 or -1. */
static int
put(struct out *o, const char *rel, const void *p, size_t n)
{
	return put2(o, rel, p, n, NULL, 0);
}

/* Appends bytes to dir/rel, which put() made; returns 0 or -1. */
static int
put_more(struct out *o, const char *rel, const void *p, size_t n)
{
	char *path = path_join(o->dir, rel);
	int rc = 0;

	if (append_file(path, p, n) == -1) {
		diag_add(o->d, path, 0, 0, R_IO, "cannot write: %s",
		    strerror(errno));
		o->failed = 1;
		rc = -1;
	}
	free(path);
	return rc;
}

static int
put_html(void *arg, const char *rel, const struct buf *b, int more)
{
	char *p = xasprintf("html/%s", rel);
	int rc = more ? put_more(arg, p, b->data, b->len) :
	    put(arg, p, b->data, b->len);

	free(p);
	return rc;
}

/* Copies the theme: site themes/<theme>/ if present, else rbc's own. */
static void
copy_theme(struct site *s, struct out *o)
{
	char *dir = xasprintf("%s/themes/%s", s->root, s->cfg.theme);
	struct buf b = { NULL, 0, 0 };
	struct dirent *de;
	char **names = NULL, *rel, *src;
	size_t n = 0, i, k;
	DIR *d;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			names = xreallocarray(names, n + 1, sizeof(*names));
			names[n++] = xstrdup(de->d_name);
		}
		closedir(d);
		for (i = 0; i < n; i++) {
			src = path_join(dir, names[i]);
			if (read_file(src, &b, RBC_MAX_FILE) == 0) {
				rel = xasprintf("html/assets/%s", names[i]);
				put(o, rel, b.data, b.len);
				free(rel);
			}
			free(src);
			free(names[i]);
		}
		free(names);
	} else if (strcmp(s->cfg.theme, "default") != 0) {
		diag_add(o->d, dir, 0, 0, R_IO, "no theme '%s' (%s)",
		    s->cfg.theme, strerror(errno));
		o->failed = 1;
	} else {
		for (k = 0; embedded_files[k].name != NULL; k++) {
			const char *nm = embedded_files[k].name;
			if (strncmp(nm, "themes/default/", 15) != 0)
				continue;
			rel = xasprintf("html/assets/%s", nm + 15);
			put(o, rel, embedded_files[k].data,
			    embedded_files[k].len);
			free(rel);
		}
	}
	buf_free(&b);
	free(dir);
}

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Copies every non-runbook file that some runbook links to. */
static void
copy_linked(struct site *s, struct out *o)
{
	struct buf b = { NULL, 0, 0 };
	char **v = NULL, *src, *rel;
	size_t n = 0, i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->rb[i]->nlinks; j++)
			if (s->rb[i]->links[j].file != NULL) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = s->rb[i]->links[j].file;
			}
	if (n > 1)
		qsort(v, n, sizeof(*v), strpcmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(v[i], v[i - 1]) == 0)
			continue;
		src = path_join(s->content, v[i]);
		if (read_file(src, &b, 64u * 1024 * 1024) != 0) {
			diag_add(o->d, src, 0, 0, R_IO, "cannot copy: %s",
			    strerror(errno));
			o->failed = 1;
		} else {
			rel = xasprintf("html/%s", v[i]);
			put(o, rel, b.data, b.len);
			free(rel);
		}
		free(src);
	}
	free(v);
	buf_free(&b);
}

/* One worker's renderers, made in the worker (Pango and fontconfig are
 * not to be set up before a fork). */
struct renderers {
	struct site	*s;
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

	w->s = proto->s;
	w->o = proto->o;
	w->formats = proto->formats;
	if (w->formats & FMT_HTML)
		w->h = html_new(w->s);
	if (w->formats & FMT_MAN)
		w->m = man_new(w->s);
	if (w->formats & FMT_CARD)
		w->c = card_new(w->s, w->s->cfg.paper);
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
 * Appends to blob what of r's outputs needs no index, rendered while the
 * scan has its tree (workers.c keeps it in the spool): its id and name,
 * its front-matter, the HTML body with its links left open, the man page
 * but its SEE ALSO with its links guessed.  render_one completes them.
 */
void
prerender(struct site *s, struct runbook *r, struct prerendered *p)
{
	struct man *m;
	int k;

	buf_put_str(&p->head, r->id);
	buf_put_str(&p->head, r->name);
	buf_put_u32(&p->head, r->fm != NULL);
	if (r->fm != NULL)
		yput(&p->head, r->fm);
	for (k = 0; k < 4; k++)
		buf_reset(&p->part[k]);
	p->nparts = 0;
	if (s->pre & FMT_HTML) {
		html_body_pre(&p->part[0], s, r, &p->part[1]);
		p->nparts = 2;
	}
	if (s->pre & FMT_MAN) {
		m = man_new(s);
		man_render_pre(m, r, &p->part[p->nparts],
		    &p->part[p->nparts + 1]);
		man_free(m);
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
pre_read(struct pre *p, struct site *s, struct runbook *l, struct arena *a,
    const char *blob, size_t len)
{
	struct rd rd = { (const unsigned char *)blob, blob != NULL ?
	    (const unsigned char *)blob + len : NULL, a, 0, 1 };

	memset(p, 0, sizeof(*p));
	p->r = *l;
	p->id = rd_mem(&rd, &p->nid);
	p->name = rd_mem(&rd, &p->nname);
	if (rd_u32(&rd) && (p->r.fm = yget(&rd, 0)) == NULL)
		return -1;
	if (s->pre & FMT_HTML) {
		p->body = rd_mem(&rd, &p->nbody);
		p->ins = rd_mem(&rd, &p->nins);
	}
	if (s->pre & FMT_MAN) {
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
		if (pre_read(&p, w->s, l, a, blob, len) == 0)
			r = &p.r;
		else
			r = whole = runbook_reload(w->s, l);
		blob = r == whole ? NULL : blob;
	}
	if (blob != NULL)
		w->spooled++;
	else
		w->parsed++;
	cr = r;
	diags_init(&d, w->s->cfg.sev);	/* site.yaml's severities */
	o.d = &d;
	if (w->h != NULL) {
		buf_reset(&w->b);
		if (blob != NULL && p.body != NULL) {
			buf_reset(&w->pdf);
			ok = html_fill(&w->pdf, w->s, r, p.body, p.nbody,
			    p.ins, p.nins) == 0 && html_render_body(w->h, r,
			    w->pdf.data != NULL ? w->pdf.data : "", w->pdf.len,
			    &w->b) == 0;
		} else
			ok = html_render(w->h, r, &w->b) == 0;
		if (!ok)
			diag_add(&d, r->src.path, 0, 0, R_TEMPLATE, "the "
			    "page could not be rendered");
		else {
			rel = xasprintf("html/%s.html", r->id);
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
			if (man_finish(w->m, r, &w->b, p.guess, p.nguess) == 0) {
				head = p.man;
				nhead = p.nman;
			} else {
				/* A link went elsewhere than guessed. */
				whole = runbook_reload(w->s, l);
				w->reman++;
				buf_reset(&w->b);
				man_render(w->m, whole, &w->b);
			}
		} else if (blob != NULL)
			man_render(w->m, whole = runbook_reload(w->s, l),
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

/* A folder of both trees that link_one holds open, each thread its own. */
struct linkdir {
	char	*key;		/* old NUL new NUL folder */
	size_t	 len;
	int	 fd[2];		/* old/folder, new/folder */
};

static _Thread_local struct linkdir ld[4];
static _Thread_local size_t next_ld;

/* Closes d's folders and forgets it. */
static void
linkdir_drop(struct linkdir *d)
{
	int k;

	if (d->key != NULL)
		for (k = 0; k < 2; k++)
			if (d->fd[k] != -1)
				close(d->fd[k]);
	free(d->key);
	d->key = NULL;
}

/* Forgets the folders folder() and link_one() hold, as a thread that
 * used them ends. */
static void
folders_forget(void)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		free(made[i]);
		made[i] = NULL;
		linkdir_drop(&ld[i]);
	}
}

/*
 * Hard-links old/rel to new/rel (the previous tree is never changed).
 * The two trees' folders of the last few rels are held open, so that a
 * link looks up its file name only: 20,000 links into two folders walk
 * no path.
 */
static int
link_one(const char *old, const char *new, const char *rel)
{
	const char *root[2] = { old, new }, *base = strrchr(rel, '/');
	size_t ol = strlen(old), nl = strlen(new), i;
	size_t dl = base != NULL ? (size_t)(base - rel) : 0;
	size_t len = ol + nl + dl + 2;
	struct linkdir *d = NULL;
	char *p;
	int k;

	base = base != NULL ? base + 1 : rel;
	for (i = 0; i < 4 && d == NULL; i++)
		if (ld[i].key != NULL && ld[i].len == len &&
		    memcmp(ld[i].key, old, ol + 1) == 0 &&
		    memcmp(ld[i].key + ol + 1, new, nl + 1) == 0 &&
		    memcmp(ld[i].key + ol + nl + 2, rel, dl) == 0)
			d = &ld[i];
	if (d == NULL) {
		d = &ld[next_ld];
		next_ld = (next_ld + 1) % 4;
		linkdir_drop(d);
		d->key = xmalloc(len);
		d->len = len;
		memcpy(d->key, old, ol + 1);
		memcpy(d->key + ol + 1, new, nl + 1);
		memcpy(d->key + ol + nl + 2, rel, dl);
		for (k = 0; k < 2; k++) {
			p = dl > 0 ? xasprintf("%s/%.*s", root[k], (int)dl,
			    rel) : xstrdup(root[k]);
			d->fd[k] = k == 1 && folder(p) == -1 ? -1 :
			    open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			free(p);
		}
	}
	if (d->fd[0] == -1 || d->fd[1] == -1 ||
	    linkat(d->fd[0], base, d->fd[1], base, 0) == -1) {
		/* Forgotten: the next link there opens the folders again. */
		linkdir_drop(d);
		return -1;
	}
	return 0;
}

/* One output path of a runbook, NUL-terminated, into b. */
static void
rel_put(struct buf *b, const char *a, const char *mid, const char *z)
{
	buf_puts(b, a);
	buf_puts(b, mid);
	buf_put(b, z, strlen(z) + 1);
}

/*
 * Sets rel[] to r's outputs under the formats, written into b (reset
 * first); returns how many (4 at most).
 */
static int
output_rels(const struct runbook *r, int formats, struct buf *b,
    const char **rel)
{
	size_t off[4];
	int n = 0, i;

	buf_reset(b);
	if (formats & FMT_HTML) {
		off[n++] = b->len;
		rel_put(b, "html/", r->id, ".html");
	}
	if (formats & FMT_MAN) {
		off[n++] = b->len;
		rel_put(b, "man/man7/", r->name, ".7");
	}
	if (formats & FMT_CARD) {
		off[n++] = b->len;
		rel_put(b, "card/", r->name, ".pdf");
		off[n++] = b->len;
		rel_put(b, "card/", r->name, ".html");
	}
	for (i = 0; i < n; i++)
		rel[i] = b->data + off[i];
	return n;
}

/*
 * Links every output of r from the previous tree; returns 0, or -1 (and
 * no link left behind) when one is missing there.
 */
static int
link_outputs(const char *old, const char *new, const struct runbook *r,
    int formats)
{
	struct buf b = { NULL, 0, 0 };
	const char *rel[4];
	int n = output_rels(r, formats, &b, rel), i, rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		if (link_one(old, new, rel[i]) == -1)
			rc = -1;
	if (rc == -1)
		for (i = 0; i < n; i++) {
			char *p = path_join(new, rel[i]);
			unlink(p);
			free(p);
		}
	buf_free(&b);
	return rc;
}

/* Linking the unchanged outputs: one worker per folder (html, man). */
struct linkjob {
	const char	*old, *new;
	struct site	*s;
	int		 formats;
	const char	*changed;	/* output digest changed: rendered */
	const char	*kept;		/* in the recycled tree already */
};

/* Appends a byte per runbook to out: 1 if its outputs, unchanged, could
 * not be linked (it is rendered then). */
static void
link_share(void *arg, int k, int jobs, struct buf *out)
{
	const struct linkjob *j = arg;
	const struct site *s = j->s;
	int f = jobs == 1 ? j->formats : k == 0 ? j->formats & FMT_HTML :
	    j->formats & ~FMT_HTML;
	size_t i;

	for (i = 0; i < s->n; i++)
		buf_putc(out, !j->changed[i] && f != 0 && (j->kept == NULL ||
		    !j->kept[i]) && link_outputs(j->old, j->new, s->rb[i],
		    f) == -1);
}

/* link_share on a thread of its own. */
struct linkthread {
	struct linkjob	*j;
	int		 k, jobs;
	struct buf	*out;
};

static void *
link_thread(void *arg)
{
	struct linkthread *lt = arg;

	link_share(lt->j, lt->k, lt->jobs, lt->out);
	folders_forget();
	return NULL;
}

/*
 * Returns what s->todo is to be: the runbooks whose outputs changed since
 * the cached build, or are missing from its tree; the others' outputs
 * are linked from it.  A runbook to render may keep links: put() never
 * writes through one.
 */
static char *
link_unchanged(struct site *s, const char *old, const char *new,
    int formats, const uint64_t *odig, const char *kept, int jobs)
{
	struct linkjob j = { old, new, s, formats, NULL, kept };
	struct buf outs[2];
	char *todo = xcalloc(s->n ? s->n : 1, 1);
	size_t i;
	/* A recycled tree has nearly all already: no workers then. */
	int k, n = jobs > 1 && kept == NULL && (formats & FMT_HTML) &&
	    (formats & ~FMT_HTML) ? 2 : 1;

	/* What changed, once for both threads. */
	for (i = 0; i < s->n; i++)
		todo[i] = odig[i] != cache_odig(s->cache, s->rb[i]->rel);
	j.changed = todo;
	memset(outs, 0, sizeof(outs));
	/* Two threads, not two processes: a link is all system call, and
	 * a fork would copy the parent's 40 MB of page tables, and have
	 * each page it writes after copied again. */
	if (n == 2) {
		struct linkthread lt = { &j, 1, 2, &outs[1] };
		pthread_t t;
		int helped = pthread_create(&t, NULL, link_thread, &lt) == 0;
		link_share(&j, 0, helped ? 2 : 1, &outs[0]);
		if (helped)
			pthread_join(t, NULL);
		else
			n = 1;
	} else
		link_share(&j, 0, 1, &outs[0]);
	for (k = 0; k < n; k++) {
		for (i = 0; i < s->n; i++)
			todo[i] |= i < outs[k].len ? outs[k].data[i] : 1;
		buf_free(&outs[k]);
	}
	return todo;
}

static const char *const site_pages[] = { "html/index.html",
    "html/contacts.html", "html/thresholds.html", "html/search-index.js",
    NULL };

/* The site pages, linked from the previous tree; 0 or -1 (none left). */
static int
link_site_pages(const char *old, const char *new)
{
	int i, rc = 0;

	for (i = 0; site_pages[i] != NULL && rc == 0; i++)
		rc = link_one(old, new, site_pages[i]);
	if (rc == -1)
		for (i = 0; site_pages[i] != NULL; i++) {
			char *p = path_join(new, site_pages[i]);
			unlink(p);
			free(p);
		}
	return rc;
}

/* ------------------------------------------------------ the spare tree */

/*
 * The tree a build replaces is kept as out/.rbc-spare when it shares most
 * of its files with the new one (an incremental build), and the next
 * build takes it as its own new tree instead of an empty one: what it
 * holds that is the very file (same inode) the live tree holds, and that
 * this build would link from there, stays; everything else in it goes.
 * The result is what linking into an empty tree gives, but a one-edit
 * rebuild makes and removes a few links instead of 20,000 of each.
 */
#define SPARE	".rbc-spare"

/*
 * A tree's entries, below its root: paths, inodes, kinds, and an index
 * from path to entry (open addressing, entry + 1 in each slot, 0 for
 * none).  Compact, since a rebuild's peak memory is here: 20,000 entries
 * take 1.4 MB.
 */
struct tree {
	struct buf	 names;		/* the paths, each ending in NUL */
	uint32_t	*off;		/* each entry's path in names */
	ino_t		*ino;
	unsigned char	*kind;		/* enum tkind */
	size_t		 n, cap;
	uint32_t	*slot;
	size_t		 nslot;		/* a power of two, over 2n */
};

enum tkind { T_FILE, T_DIR, T_SAME, T_KEEP };	/* T_SAME: live has it */

/* Returns the entry of t whose path is the n bytes at path, or -1. */
static long
tree_find(const struct tree *t, const char *path, size_t n)
{
	size_t i = (size_t)hash64(HASH64_INIT, path, n) & (t->nslot - 1);
	const char *e;

	for (; t->slot[i] != 0; i = (i + 1) & (t->nslot - 1)) {
		e = t->names.data + t->off[t->slot[i] - 1];
		if (strncmp(e, path, n) == 0 && e[n] == '\0')
			return (long)t->slot[i] - 1;
	}
	return -1;
}

/* Indexes t's entries by path (the first of equal paths wins). */
static void
tree_index(struct tree *t)
{
	const char *p;
	size_t i, k, n;

	for (t->nslot = 16; t->nslot < 2 * t->n; t->nslot *= 2)
		;
	t->slot = xcalloc(t->nslot, sizeof(*t->slot));
	for (k = 0; k < t->n; k++) {
		p = t->names.data + t->off[k];
		n = strlen(p);
		/* One probe: an equal path found, or the slot to fill. */
		for (i = (size_t)hash64(HASH64_INIT, p, n) & (t->nslot - 1);
		    t->slot[i] != 0; i = (i + 1) & (t->nslot - 1))
			if (strcmp(t->names.data + t->off[t->slot[i] - 1],
			    p) == 0)
				break;
		if (t->slot[i] == 0)
			t->slot[i] = (uint32_t)k + 1;
	}
}

static void
tree_add(struct tree *t, const char *path, size_t n, ino_t ino, int kind)
{
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 1024;
		t->off = xreallocarray(t->off, t->cap, sizeof(*t->off));
		t->ino = xreallocarray(t->ino, t->cap, sizeof(*t->ino));
		t->kind = xreallocarray(t->kind, t->cap, 1);
	}
	t->off[t->n] = (uint32_t)t->names.len;
	t->ino[t->n] = ino;
	t->kind[t->n++] = (unsigned char)kind;
	buf_put(&t->names, path, n);
	buf_putc(&t->names, '\0');
}

/*
 * Walks the folder open as fd (closed here), whose path below the root is
 * prefix, never following a symbolic link.  Adds each entry to t, or if
 * live is set (t then indexed), marks T_SAME each file of t that is the
 * very file (same inode) found here.  Returns 0 or -1.
 */
static int
tree_walk(struct tree *t, int live, int fd, struct buf *prefix, int depth)
{
	struct dirent *de;
	struct stat st;
	size_t plen = prefix->len;
	DIR *d;
	int rc = 0, sub, type, k;

	if (depth > 64 || (d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		type = de->d_type;
		if (type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1) {
				rc = -1;
				break;
			}
			type = S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
		}
		prefix->len = plen;
		if (plen > 0)
			buf_putc(prefix, '/');
		buf_put(prefix, de->d_name, strlen(de->d_name));
		if (!live) {
			/* 32-bit offsets: a tree past 4 GB of paths is not
			 * recycled. */
			if (t->names.len + prefix->len >= UINT32_MAX) {
				rc = -1;
				break;
			}
			tree_add(t, prefix->data, prefix->len, de->d_ino,
			    type == DT_DIR ? T_DIR : T_FILE);
		} else if (type != DT_DIR) {
			if ((k = tree_find(t, prefix->data, prefix->len)) !=
			    -1 && t->kind[k] == T_FILE &&
			    t->ino[k] == de->d_ino)
				t->kind[k] = T_SAME;
		}
		if (type == DT_DIR) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			rc = sub == -1 ? -1 : tree_walk(t, live, sub, prefix,
			    depth + 1);
		}
	}
	prefix->len = plen;
	closedir(d);
	return rc;
}

/*
 * Lists the spare tree at root into t, indexed by path, then marks the
 * files the live tree has too; returns 0 or -1.
 */
static int
tree_list(struct tree *t, const char *root, const char *live, size_t hint)
{
	struct buf prefix = { NULL, 0, 0 };
	int fd, rc = -1;

	/* Sized for the entries expected: no array doubled past need. */
	memset(t, 0, sizeof(*t));
	t->cap = hint;
	t->off = xreallocarray(NULL, hint, sizeof(*t->off));
	t->ino = xreallocarray(NULL, hint, sizeof(*t->ino));
	t->kind = xreallocarray(NULL, hint, 1);
	buf_grow(&t->names, hint * 56);
	if ((fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1 && (rc = tree_walk(t, 0, fd, &prefix, 0)) == 0) {
		tree_index(t);
		rc = (fd = open(live, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC)) == -1 ? -1 : tree_walk(t, 1, fd, &prefix, 0);
	}
	buf_free(&prefix);
	return rc;
}

static void
tree_free(struct tree *t)
{
	buf_free(&t->names);
	free(t->off);
	free(t->ino);
	free(t->kind);
	free(t->slot);
}

/*
 * Marks rel[0..n) (4 at most) T_KEEP if each is T_SAME; returns 1 if they
 * were.
 */
static int
keep_same(struct tree *t, const char *const *rel, int n)
{
	int i, k[4];

	for (i = 0; i < n; i++)
		if ((k[i] = (int)tree_find(t, rel[i], strlen(rel[i]))) == -1 ||
		    t->kind[k[i]] != T_SAME)
			return 0;
	for (i = 0; i < n; i++)
		t->kind[k[i]] = T_KEEP;
	return 1;
}

/*
 * Makes the spare tree at dir (taken from the live tree live) hold only
 * what this build would link from live: the outputs of each runbook whose
 * digest is unchanged (marked in the returned array), and the site pages
 * (*site set) if sitedig is unchanged.  Returns NULL when dir could not be
 * listed or emptied of the rest: then it is to be removed whole.
 */
static char *
recycle(const struct site *s, const char *live, const char *dir,
    int formats, const uint64_t *odig, uint64_t sitedig, int *site)
{
	struct tree t;
	struct buf b = { NULL, 0, 0 };
	const char *rel[4];
	char *kept = NULL;
	size_t i;
	int n, fd = -1, rc;

	*site = 0;
	/* Each runbook's outputs, the site pages, assets, a few more. */
	if ((rc = tree_list(&t, dir, live, s->n * ((formats & FMT_CARD) ?
	    4 : 2) + 64)) == 0) {
		kept = xcalloc(s->n ? s->n : 1, 1);
		for (i = 0; i < s->n; i++) {
			if (odig[i] != cache_odig(s->cache, s->rb[i]->rel))
				continue;
			n = output_rels(s->rb[i], formats, &b, rel);
			kept[i] = (char)keep_same(&t, rel, n);
		}
		buf_free(&b);
		if ((formats & FMT_HTML) && sitedig == cache_sitedig(s->cache))
			*site = keep_same(&t, site_pages, 4);
		if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			rc = -1;
	}

	/* The rest removed: files first, then the folders left empty,
	 * deepest first (the listing has each folder before its own). */
	for (i = 0; rc == 0 && i < t.n; i++)
		if (t.kind[i] != T_DIR && t.kind[i] != T_KEEP &&
		    unlinkat(fd, t.names.data + t.off[i], 0) == -1 &&
		    errno != ENOENT)
			rc = -1;
	for (i = t.n; rc == 0 && i-- > 0; )
		if (t.kind[i] == T_DIR && unlinkat(fd, t.names.data +
		    t.off[i], AT_REMOVEDIR) == -1 && errno != ENOTEMPTY &&
		    errno != EEXIST)
			rc = -1;
	if (fd != -1)
		close(fd);
	tree_free(&t);
	if (rc == -1) {
		free(kept);
		kept = NULL;
	}
	return kept;
}

/* A worker's share of the site pages; diagnostics go to out. */
static void
site_share(void *arg, int k, int jobs, struct buf *out)
{
	struct out o = *(struct out *)arg;
	struct diags d;
	struct html *h;

	diags_init(&d, o.site->cfg.sev);
	o.d = &d;
	h = html_new(o.site);
	if (html_site(h, put_html, &o, k, jobs) == -1)
		diag_add(&d, "html", 0, 0, R_TEMPLATE, "a site page could not "
		    "be rendered");
	html_free(h);
	diag_encode(out, &d);
	diags_free(&d);
}

/*
 * Renders every output into o->dir, with jobs workers: of the runbooks,
 * those s->todo marks; the site pages unless reuse_site (already linked).
 */
static void
render_all(struct site *s, struct out *o, int formats, int jobs,
    int reuse_site)
{
	struct renderers proto;
	struct buf b = { NULL, 0, 0 };
	size_t before = o->d->n;
	int site_alongside;

	memset(&proto, 0, sizeof(proto));
	proto.s = s;
	proto.o = o;
	proto.formats = formats;
	/* Four site pages (index, contacts, thresholds, search index): with
	 * several CPUs, two more workers render them beside the runbooks'. */
	site_alongside = (formats & FMT_HTML) && !reuse_site && jobs > 1;
	if (render_all_parallel(s, jobs, renderers_new, render_one,
	    renderers_free, &proto, o->d, site_alongside ? site_share : NULL,
	    o, 2) == -1)
		o->failed = 1;
	phase("render");
	if (o->d->n > before && diags_worst(o->d) == SEV_ERROR)
		o->failed = 1;
	if ((formats & FMT_HTML) && !o->failed) {
		if ((!reuse_site && !site_alongside && workers_run(1,
		    site_share, o, o->d) == -1) ||
		    (o->d->n > before && diags_worst(o->d) == SEV_ERROR))
			o->failed = 1;
		phase("site pages");
		copy_theme(s, o);
		copy_linked(s, o);
	}
	BUF_PUTSL(&b, "rbc output: replaced whole by each build\n");
	put(o, MARKER, b.data, b.len);
	buf_free(&b);
}

/* Returns 1 if dir is absent, empty, or a previous rbc output. */
static int
replaceable(const char *dir)
{
	struct stat st;
	struct dirent *de;
	char *m;
	DIR *d;
	int ok;

	if (lstat(dir, &st) == -1)
		return errno == ENOENT;
	if (!S_ISDIR(st.st_mode))
		return 0;
	m = path_join(dir, MARKER);
	ok = access(m, F_OK) == 0;
	free(m);
	if (ok || (d = opendir(dir)) == NULL)
		return ok;
	ok = 1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			ok = 0;
	closedir(d);
	return ok;
}

static void
rm_share(void *arg, int k, int jobs, struct buf *out)
{
	char *p = path_join(arg, k == 0 ? "html" : "man");

	(void)jobs;
	(void)out;
	rm_rf(p);
	free(p);
}

/* Removes the tree dir, its two large folders by two workers. */
static int
remove_tree(const char *dir, int jobs)
{
	struct buf outs[2];
	char *spare = path_join(dir, SPARE);
	struct stat st;

	/* A spare inside, if a real folder (never through a link): its
	 * large folders by the workers too. */
	if (lstat(spare, &st) == 0 && S_ISDIR(st.st_mode))
		remove_tree(spare, jobs);
	free(spare);
	memset(outs, 0, sizeof(outs));
	if (jobs > 1) {
		workers_collect(2, rm_share, (void *)dir, outs);
		buf_free(&outs[0]);
		buf_free(&outs[1]);
	}
	return rm_rf(dir);
}

/*
 * Puts tmp in place of out; returns 0 or -1 (errno).  The tree replaced
 * is kept as out's spare if keep is set, else removed.
 */
static int
swap_in(const char *tmp, const char *out, int jobs, int keep)
{
	char *old;
	int rc;

	if (access(out, F_OK) == -1)
		return rename(tmp, out);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) == 0) {
		old = path_join(out, SPARE);
		rc = keep ? rename(tmp, old) : -1;
		free(old);
		if (rc == -1)
			remove_tree(tmp, jobs);
		return 0;
	}
	/* No RENAME_EXCHANGE here: two renames, a moment without out. */
	old = xasprintf("%s.old", tmp);
	if (rename(out, old) == -1) {
		free(old);
		return -1;
	}
	rc = rename(tmp, out);
	if (rc == -1)
		rename(old, out);
	else
		rm_rf(old);
	free(old);
	return rc;
}

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int
parse_formats(const char *arg)
{
	char *s = xstrdup(arg), *tok, *save = NULL;
	int f = 0;

	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "html") == 0)
			f |= FMT_HTML;
		else if (strcmp(tok, "man") == 0)
			f |= FMT_MAN;
		else if (strcmp(tok, "card") == 0)
			f |= FMT_CARD;
		else {
			fprintf(stderr, "rbc build: unknown format '%s' "
			    "(html, man, card)\n", tok);
			f = -1;
			break;
		}
	}
	free(s);
	return f;
}

static void
build_usage(FILE *f)
{
	fputs("usage: rbc build [--content DIR] [--out DIR] "
	    "[--formats html,man,card] [-j N]\n"
	    "                 [--strict] [--today YYYY-MM-DD]\n", f);
}

/* Runbooks [from, to)'s output digests (digests' second thread). */
struct digjob {
	const struct site	*s;
	const uint64_t		*hd;
	uint64_t		*odig;
	size_t			 from, to;
};

static void *
digest_share(void *arg)
{
	struct digjob *j = arg;
	size_t i;

	for (i = j->from; i < j->to; i++)
		j->odig[i] = runbook_digest(j->s, j->hd, j->s->rb[i]);
	return NULL;
}

/*
 * Returns the output digest of each runbook (cache.c) and puts the site
 * pages' in *sitedig.  With jobs > 1 and enough runbooks, a second
 * thread digests the second half (each digest reads only the site).
 */
static uint64_t *
digests(struct site *s, uint64_t *sitedig, int jobs)
{
	uint64_t *odig = xcalloc(s->n ? s->n : 1, sizeof(*odig)), *hd;
	struct digjob j[2];
	pthread_t helper;
	int helped = 0;

	hd = href_digests(s);
	j[0].s = j[1].s = s;
	j[0].hd = j[1].hd = hd;
	j[0].odig = j[1].odig = odig;
	j[0].from = 0;
	j[0].to = j[1].from = s->n / 2;
	j[1].to = s->n;
	if (jobs > 1 && s->n >= THREADS_MIN)
		helped = pthread_create(&helper, NULL, digest_share,
		    &j[1]) == 0;
	if (!helped)
		j[0].to = s->n;
	digest_share(&j[0]);
	*sitedig = site_digest(s);
	if (helped)
		pthread_join(helper, NULL);
	free(hd);
	return odig;
}

/* rbc build: returns the exit status. */
int
cmd_build(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "out", required_argument, NULL, 'o' },
		{ "formats", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "strict", no_argument, NULL, 's' },
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *content = "content", *out = "out", *today = NULL;
	char *outbuf = NULL;
	struct diags all;
	struct site s;
	struct out o;
	struct sigaction sa;
	char *tmp = NULL;
	uint64_t *odig, sitedig;
	size_t i;
	int reuse_site = 0, cst = 0, site_kept = 0, keep_spare = 0;
	char *spare, *kept;
	size_t nrender;
	pid_t cpid;
	int ch, formats = FMT_HTML | FMT_MAN | FMT_CARD, strict = 0, rc;
	int jobs = ncpus();
	enum severity worst;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:o:f:j:st:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'f':
			if ((formats = parse_formats(optarg)) <= 0)
				return 2;
			break;
		case 'j':
			jobs = atoi(optarg);
			if (jobs < 1 || jobs > 256) {
				fprintf(stderr, "rbc build: -j wants 1 to 256\n");
				return 2;
			}
			break;
		case 's':
			strict = 1;
			break;
		case 't':
			today = optarg;
			break;
		case 'h':
			build_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rbc build: bad option %s\n",
			    argv[optind - 1]);
			build_usage(stderr);
			return 2;
		}
	}
	/* "out/" names out: its sibling is out.tmp-*, not out/.tmp-*. */
	if (strlen(out) > 1 && out[strlen(out) - 1] == '/') {
		outbuf = xstrdup(out);
		while (strlen(outbuf) > 1 && outbuf[strlen(outbuf) - 1] == '/')
			outbuf[strlen(outbuf) - 1] = '\0';
		out = outbuf;
	}
	if (optind != argc) {
		build_usage(stderr);
		free(outbuf);
		return 2;
	}
	if (site_load_cached(&s, content, today, jobs, out, formats) == -1) {
		site_close(&s);
		free(outbuf);
		return 2;
	}
	if (formats & FMT_HTML)
		load_templates(&s);
	diags_init(&all, NULL);
	site_diags(&s, &all);
	worst = diags_worst(&all);
	rc = worst == SEV_ERROR || (strict && worst == SEV_WARNING) ? 1 : 0;
	if (rc == 0 && !replaceable(out)) {
		fprintf(stderr, "rbc build: refusing to replace %s: it is not "
		    "empty and not an rbc output directory\n", out);
		rc = 2;
	}
	if (rc == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		tmp = xasprintf("%s.tmp-XXXXXX", out);
		if (mkdtemp(tmp) == NULL) {
			fprintf(stderr, "rbc build: cannot make %s: %s\n", tmp,
			    strerror(errno));
			free(tmp);
			tmp = NULL;
			rc = 2;
		}
	}
	if (tmp != NULL) {
		memset(&o, 0, sizeof(o));
		o.dir = tmp;
		o.d = &all;
		o.site = &s;
		chmod(tmp, 0755);
		/* What changed since the cached build is rendered; the rest
		 * is linked from it (cache.c says why that is the same). */
		/* A clean build needs them only for the cache, which a
		 * process of its own writes: they are made there. */
		odig = NULL;
		sitedig = 0;
		if (s.cache != NULL || jobs <= 1)
			odig = digests(&s, &sitedig, jobs);
		phase("digests");
		/* The spare tree, if any, in place of the empty one. */
		kept = NULL;
		spare = path_join(out, SPARE);
		if (s.cache != NULL && rename(spare, tmp) == 0 &&
		    (kept = recycle(&s, out, tmp, formats, odig, sitedig,
		    &site_kept)) == NULL) {
			rm_rf(tmp);
			mkdir(tmp, 0755);
		}
		free(spare);
		phase("recycle");
		/*
		 * The cache (39 MB for 10,000 runbooks) is written by a
		 * process of its own while the outputs are linked and
		 * rendered: it needs nothing they make.
		 */
		cpid = -1;
		if (jobs > 1) {
			fflush(NULL);
			if ((cpid = fork()) == 0) {
				if (odig == NULL)
					odig = digests(&s, &sitedig, jobs);
				_exit(cache_write(tmp, s.global, sitedig, &s,
				    odig) == -1 ? 1 : 0);
			}
		}
		if (s.cache != NULL) {
			o.linked = 1;
			s.todo = link_unchanged(&s, out, tmp, formats, odig,
			    kept, jobs);
			reuse_site = (formats & FMT_HTML) &&
			    sitedig == cache_sitedig(s.cache) &&
			    (site_kept || link_site_pages(out, tmp) == 0);
			/* Sharing most of the new tree's files, the old one
			 * costs little to keep and saves the next build. */
			for (i = 0, nrender = 0; i < s.n; i++)
				nrender += s.todo[i] != 0;
			keep_spare = 2 * nrender <= s.n;
		}
		free(kept);
		phase("reuse");
		/* Cards: their libraries loaded once, here, not by each
		 * worker. */
		if (formats & FMT_CARD)
			cardlib_load();
		render_all(&s, &o, formats, jobs, reuse_site);
		if (cpid > 0) {
			while (waitpid(cpid, &cst, 0) == -1 && errno == EINTR)
				;
			if (!WIFEXITED(cst) || WEXITSTATUS(cst) != 0)
				o.failed = 1;
		} else if (!o.failed) {
			if (odig == NULL)	/* the fork failed */
				odig = digests(&s, &sitedig, jobs);
			if (cache_write(tmp, s.global, sitedig, &s,
			    odig) == -1)
				o.failed = 1;
		}
		free(odig);
		phase("cache");
		if (interrupted)
			o.failed = 1;
		if (o.failed) {
			rm_rf(tmp);
			rc = diags_worst(&all) == SEV_ERROR &&
			    !interrupted ? 1 : 2;
		} else if (swap_in(tmp, out, jobs, keep_spare) == -1) {
			fprintf(stderr, "rbc build: cannot put %s in place: "
			    "%s\n", out, strerror(errno));
			rm_rf(tmp);
			rc = 2;
		}
		free(tmp);
	}
	phase("finish");
	/* The render workers' come in whatever order they claimed runbooks. */
	diags_sort(&all);
	diags_print(&all, DFMT_TEXT, stderr, want_colour(stderr));
	if (rc == 0)
		fprintf(stderr, "rbc: %zu runbook%s built into %s\n", s.n,
		    s.n == 1 ? "" : "s", out);
	else if (rc == 1)
		fprintf(stderr, "rbc: %zu error%s, %zu warning%s: %s left "
		    "untouched\n", diags_count(&all, SEV_ERROR),
		    diags_count(&all, SEV_ERROR) == 1 ? "" : "s",
		    diags_count(&all, SEV_WARNING),
		    diags_count(&all, SEV_WARNING) == 1 ? "" : "s", out);
#ifdef RBC_FREE_AT_EXIT
	diags_free(&all);
	site_close(&s);
	free(outbuf);
#else
	/*
	 * rbc exits next, and the system takes the site's 40 MB back at
	 * once: freeing it first, piece by piece, took 10 ms more (of a
	 * 0.25 s rebuild).  The sanitizer builds free it, so that
	 * LeakSanitizer still proves every piece can be.
	 */
	(void)outbuf;
#endif
	return rc;
}

static void
card_usage(FILE *f)
{
	fputs("usage: rbc card [--content DIR] [--paper a4|letter] "
	    "[-o FILE.pdf|FILE.html] ID...\n", f);
}

/*
 * rbc card: the named runbooks' quick-reference card on one page, as PDF
 * or HTML by the -o file's extension (default: <name>.pdf here).
 */
int
cmd_card(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "paper", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *content = "content", *paper = NULL, *outf = NULL;
	const char *today = NULL;
	const struct runbook **sel = NULL;
	struct buf pdf = { NULL, 0, 0 }, html = { NULL, 0, 0 };
	struct diags all;
	struct site s;
	struct card *c;
	char *path = NULL, *tmp;
	size_t n = 0;
	int ch, rc = 0, i, k, as_html;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:p:o:t:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			content = optarg;
			break;
		case 'p':
			if (strcmp(optarg, "a4") != 0 &&
			    strcmp(optarg, "letter") != 0) {
				fprintf(stderr, "rbc card: --paper is a4 or "
				    "letter\n");
				return 2;
			}
			paper = optarg;
			break;
		case 'o':
			outf = optarg;
			break;
		case 't':
			today = optarg;
			break;
		case 'h':
			card_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rbc card: bad option %s\n",
			    argv[optind - 1]);
			card_usage(stderr);
			return 2;
		}
	}
	if (optind == argc) {
		card_usage(stderr);
		return 2;
	}
	if (site_load(&s, content, today, ncpus()) == -1) {
		site_close(&s);
		return 2;
	}
	/* Not site.yaml's severities: a card asked for and not made fails. */
	diags_init(&all, NULL);
	for (i = optind; i < argc; i++) {
		if ((k = site_find(&s, argv[i])) == -1) {
			fprintf(stderr, "rbc card: no runbook has the id "
			    "'%s'\n", argv[i]);
			rc = 2;
			continue;
		}
		sel = xreallocarray(sel, n + 1, sizeof(*sel));
		sel[n++] = runbook_reload(&s, s.rb[k]);
		diags_append(&all, &s.rb[k]->diags);
	}
	if (rc == 0 && diags_worst(&all) == SEV_ERROR)
		rc = 1;
	if (rc == 0) {
		path = outf != NULL ? xstrdup(outf) :
		    xasprintf("%s.pdf", sel[0]->name);
		as_html = str_has_suffix(path, ".html") ||
		    str_has_suffix(path, ".htm");
		c = card_new(&s, paper != NULL ? paper : s.cfg.paper);
		if (card_render(c, (const struct runbook *const *)sel, n,
		    as_html ? NULL : &pdf, as_html ? &html : NULL,
		    &all) == -1)
			rc = 1;
		card_free(c);
		if (rc == 0) {
			struct buf *b = as_html ? &html : &pdf;
			/* Whole or not at all: a temporary, then rename. */
			tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
			if (write_file(tmp, b->data, b->len) == -1 ||
			    rename(tmp, path) == -1) {
				fprintf(stderr, "rbc card: cannot write %s: "
				    "%s\n", path, strerror(errno));
				unlink(tmp);
				rc = 2;
			}
			free(tmp);
		}
	}
	diags_sort(&all);
	diags_print(&all, DFMT_TEXT, stderr, want_colour(stderr));
	diags_free(&all);
	buf_free(&pdf);
	buf_free(&html);
	free(path);
	for (i = 0; i < (int)n; i++)
		runbook_free((struct runbook *)sel[i]);
	free(sel);
	site_close(&s);
	return rc;
}
