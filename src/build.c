/*
 * The build's life: the site loaded (scanned, indexed and checked, from
 * the cache where it can be), its templates, its output digests, and
 * everything freed at the end.
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

#include "engine.h"

static const char *const tpl_names[] = {
	"head", "header", "footer", "runbook", "index", "contacts",
	"thresholds", "alerts", NULL
};

/* ------------------------------------------------------ loading a site */

/*
 * Loads the site: walks the content tree, scans every runbook with jobs
 * workers (s->rb holds light runbooks: no tree, no source; see
 * workers.c), and builds the index.  Returns 0, or -1 for a usage or
 * internal problem (message printed).
 */
int
site_load(struct build *b, const char *content, const char *today, int jobs)
{
	return site_load_cached(b, content, today, jobs, NULL, 0);
}

static const char *const tpl_names_all[] = {
	"head", "header", "footer", "runbook", "index", "contacts",
	"thresholds", "alerts", NULL
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
	/* Every rule file: each runbook's page lists its alerts. */
	h = hash64(h, &s->alerts.digest, sizeof(s->alerts.digest));
	/* CODEOWNERS: the owner of every runbook that names none. */
	h = hash_int(h, (long long)codeowners_digest(s));
	h = hash_str(h, codeowners_name(s));
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
	int		 damaged;
};

static void *
cache_load_thread(void *arg)
{
	struct cache_loading *cl = arg;

	cl->c = cache_load(cl->dir, cl->global, &cl->damaged);
	return NULL;
}

/*
 * site_load, reusing the scan records of the previous build's cache in
 * cache_dir when the digest of everything else the outputs depend on
 * (global_digest) is what it was.  formats are what the build writes:
 * the scan begins them (prerender).
 */
int
site_load_cached(struct build *b, const char *content, const char *today,
    int jobs, const char *cache_dir, int formats)
{
	struct site *s = &b->site;
	struct schema *builtin, *own;
	struct cache_loading cl;
	pthread_t clt;
	int loading = 0;
	size_t i;

	phase("start");
	memset(b, 0, sizeof(*b));
	if (site_open(s, content, today) == -1)
		return -1;
	b->pre = formats;
	if (cache_dir != NULL) {
		/* The spool and the records beside the output, not in /tmp. */
		scratch_near(cache_dir);
		b->global = global_digest(s, formats);
		cl.dir = cache_dir;
		cl.global = b->global;
		cl.c = NULL;
		cl.damaged = 0;
		/* The cache's index read while the walk lists the tree. */
		if (jobs > 1 && pthread_create(&clt, NULL, cache_load_thread,
		    &cl) == 0)
			loading = 1;
		else
			b->cache = cache_load(cache_dir, b->global,
			    &cl.damaged);
	}
	site_walk(s);
	if (loading) {
		pthread_join(clt, NULL);
		b->cache = cl.c;
	}
	if (cache_dir != NULL && cl.damaged)
		fprintf(stderr, "rbc: the build cache is damaged: building "
		    "without it\n");
	phase("walk");
	/* Once here to report a broken site schema; workers compile theirs. */
	schemas_open(s, &builtin, &own, 1);
	schema_free(builtin);
	schema_free(own);
	if (scan_all(b, jobs) == -1)
		return -1;
	phase("scan");
	index_build(s, jobs > 1 && s->n >= THREADS_MIN ? build_second_arena(b) :
	    NULL);
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
 * Returns 1 if link l, whose folder pages g[0] and g[1] do not exist, may
 * be a Hugo pretty URL ("../replicadown"): no extension, no runbook
 * where it says.
 */
static int
pretty_url(const struct site *s, const struct link *l, char *g[2])
{
	const char *d = l->dest, *e = d + strcspn(d, "#?"), *p, *last = d;

	if (l->kind != LINK_MD || strv_find(s->rbpaths, s->nrbpaths, g[0]) !=
	    -1 || strv_find(s->rbpaths, s->nrbpaths, g[1]) != -1)
		return 0;
	while (e > d && e[-1] == '/')
		e--;
	for (p = d; p < e; p++)
		if (*p == '/')
			last = p + 1;
	return e > d && memchr(last, '.', (size_t)(e - last)) == NULL;
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
			/* Hugo finds pages by name, and pretty URLs
			 * without case: only every runbook can say. */
			if ((np == 0 && r->links[j].kind == LINK_HUGO) ||
			    (np == 2 && pretty_url(s, &r->links[j], g)))
				need_scan = 1;
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
	/* The others, linked to: what their text gives decides which
	 * sections their pages have (page_has_id). */
	for (i = named; i < s->n; i++)
		extract_merge(s->rb[i]);
	schema_free(builtin);
	schema_free(own);
	index_build(s, NULL);
	s->partial = 1;
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
	if (!s->partial)
		diags_append(all, &s->alerts.diags);
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
int
load_templates(struct build *b)
{
	struct site *s = &b->site;
	struct buf ob = { NULL, 0, 0 };
	char *path, *name, *err;
	size_t i, k;
	int rc = 0, r;

	b->tpl = mustache_new();
	for (i = 0; tpl_names[i] != NULL; i++) {
		name = xasprintf("%s.mustache", tpl_names[i]);
		path = xasprintf("%s/templates/%s", s->root, name);
		r = read_file(path, &ob, RBC_MAX_FILE);
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
			buf_reset(&ob);
			if (embedded_files[k].name != NULL)
				buf_put(&ob, embedded_files[k].data,
				    embedded_files[k].len);
			else {
				diag_add(&s->diags, path, 0, 0, R_TEMPLATE,
				    "no template '%s'", name);
				rc = -1;
			}
		}
		if (rc == 0 && mustache_add(b->tpl, tpl_names[i],
		    buf_cstr(&ob), ob.len, &err) == -1) {
			diag_add(&s->diags, path, 0, 0, R_TEMPLATE, "%s", err);
			free(err);
			rc = -1;
		}
		free(name);
		free(path);
	}
	buf_free(&ob);
	return rc;
}


/* Frees what the engine kept, then the site. */
void
build_close(struct build *b)
{
	int i;

	spool_close(b);
	shared_close(b);
	recwin_free(b);
	for (i = 0; i < b->nrecf; i++)
		if (b->recf[i] != NULL)
			fclose(b->recf[i]);
	free(b->recf);
	free(b->reck);
	free(b->recoff);
	free(b->ref);
	free(b->todo);
	cache_free(b->cache);
	if (b->tpl != NULL)
		mustache_free(b->tpl);
	site_close(&b->site);
	if (b->second_arena != NULL)
		arena_free(b->second_arena);
}
