/*
 * Alert rules and runbooks checked against each other: Prometheus rule
 * files (plain, or Kubernetes PrometheusRule manifests, several YAML
 * documents a file) read through the front-matter's loader and limits;
 * each alert's runbook_url mapped to a runbook and heading of the site
 * (under base_url, or by site.yaml's alert_urls: patterns); the numbers
 * of a runbook's thresholds compared with their alert's expression and
 * for:.  Every lookup is a hash: 10,000 alerts cost no scan of the
 * runbooks each.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stages.h"

#define MAX_CAPS	8	/* placeholders in one alert_urls pattern */

/* ------------------------------------------------------------- helpers */

/* The text of scalar key in map m, or NULL. */
static const struct ynode *
scalar(const struct ynode *m, const char *key)
{
	const struct ynode *v;

	if (m == NULL || m->type != Y_MAP || (v = ymap_get(m, key)) == NULL ||
	    v->type == Y_MAP || v->type == Y_SEQ || v->type == Y_NULL)
		return NULL;
	return v;
}

static char *
lower(struct arena *a, const char *s, size_t n)
{
	char *o = arena_strndup(a, s, n);
	size_t i;

	for (i = 0; i < n; i++)
		o[i] = (char)tolower((unsigned char)o[i]);
	return o;
}


/* ------------------------------------------------------ reading rules */

/* A copy in a of scalar y's text (the rule file's tree is freed once
 * read: only what the alerts name is kept), or NULL. */
static const char *
keep(struct arena *a, const struct ynode *y)
{
	return y != NULL ? arena_strndup(a, y->s, y->slen) : NULL;
}

/* A copy in a of the labels map m, its scalar values only (what a
 * runbook_url pattern's placeholders can name). */
static const struct ynode *
keep_labels(struct arena *a, const struct ynode *m)
{
	struct ynode *c = ynew(a, Y_MAP);
	const struct ynode *v;
	size_t i;

	for (i = 0; i < m->n; i++) {
		v = m->items[i];
		if (m->keys[i]->s != NULL && v->type != Y_MAP &&
		    v->type != Y_SEQ && v->type != Y_NULL)
			ymap_add(a, c, keep(a, m->keys[i]), ynew_str(a, v->s,
			    v->slen));
	}
	return c;
}

static void
read_rule(struct site *s, const char *file, const char *group,
    const struct ynode *r)
{
	struct alerts *al = &s->alerts;
	struct arena *ka = s->arena;
	const struct ynode *name, *v, *ann;
	struct alert *a;

	if (r->type != Y_MAP) {
		diag_add(&al->diags, file, r->line, r->col, R_SCHEMA,
		    "a rule must be a mapping (alert: or record:, expr:)");
		return;
	}
	if ((name = ymap_get(r, "alert")) == NULL)
		return;		/* a recording rule */
	if (ystr(name) == NULL || name->type == Y_NULL || name->slen == 0) {
		diag_add(&al->diags, file, name->line, name->col, R_SCHEMA,
		    "alert: must be the alert's name");
		return;
	}
	if (al->n == al->cap) {
		al->cap = al->cap ? 2 * al->cap : 64;
		al->v = xreallocarray(al->v, al->cap, sizeof(*al->v));
	}
	a = &al->v[al->n++];
	memset(a, 0, sizeof(*a));
	a->name = keep(ka, name);
	a->group = group;
	a->file = file;
	a->line = name->line;
	a->col = name->col;
	a->target = -1;
	a->expr = keep(ka, scalar(r, "expr"));
	if ((v = scalar(r, "for")) != NULL) {
		a->dur = keep(ka, v);
		a->dur_line = v->line;
		a->dur_col = v->col;
	}
	if ((v = ymap_get(r, "labels")) != NULL && v->type == Y_MAP) {
		a->labels = keep_labels(ka, v);
		a->severity = keep(ka, scalar(v, "severity"));
	}
	ann = ymap_get(r, "annotations");
	if ((v = scalar(ann, "summary")) != NULL ||
	    (v = scalar(ann, "description")) != NULL ||
	    (v = scalar(ann, "message")) != NULL)
		a->summary = keep(ka, v);
	if ((v = ymap_get(ann != NULL && ann->type == Y_MAP ? ann : NULL,
	    "runbook_url")) != NULL) {
		a->url = ystr(v) != NULL && v->type != Y_NULL ?
		    keep(ka, v) : "";
		a->url_line = v->line;
		a->url_col = v->col;
	}
}

static void
read_groups(struct site *s, const char *file, const struct ynode *groups)
{
	struct diags *d = &s->alerts.diags;
	const struct ynode *g, *rules, *name;
	const char *gname;
	size_t i, j;

	if (groups->type != Y_SEQ) {
		diag_add(d, file, groups->line, groups->col, R_SCHEMA,
		    "groups: must be a list of rule groups");
		return;
	}
	for (i = 0; i < groups->n; i++) {
		g = groups->items[i];
		if (g->type != Y_MAP) {
			diag_add(d, file, g->line, g->col, R_SCHEMA,
			    "a rule group must be a mapping (name:, rules:)");
			continue;
		}
		name = scalar(g, "name");
		rules = ymap_get(g, "rules");
		if (rules == NULL || rules->type == Y_NULL)
			continue;
		if (rules->type != Y_SEQ) {
			diag_add(d, file, rules->line, rules->col, R_SCHEMA,
			    "rules: must be a list of rules");
			continue;
		}
		gname = name != NULL ? keep(s->arena, name) : "";
		for (j = 0; j < rules->n; j++)
			read_rule(s, file, gname, rules->items[j]);
	}
}

/* One YAML document of a rule file: plain, PrometheusRule or a List. */
static void
read_doc(struct site *s, const char *file, const struct ynode *doc,
    int depth)
{
	const struct ynode *v, *spec, *kind;
	size_t i;

	if (doc->type == Y_NULL)
		return;		/* an empty document */
	if (doc->type != Y_MAP) {
		diag_add(&s->alerts.diags, file, doc->line, doc->col,
		    R_SCHEMA, "a rule file's document must be a mapping "
		    "(groups:, or a PrometheusRule's spec.groups:)");
		return;
	}
	if ((v = ymap_get(doc, "groups")) != NULL) {
		read_groups(s, file, v);
		return;
	}
	kind = scalar(doc, "kind");
	if ((spec = ymap_get(doc, "spec")) != NULL && spec->type == Y_MAP &&
	    (v = ymap_get(spec, "groups")) != NULL) {
		read_groups(s, file, v);
		return;
	}
	if (kind != NULL && strcmp(kind->s, "List") == 0 && depth == 0 &&
	    (v = ymap_get(doc, "items")) != NULL && v->type == Y_SEQ) {
		for (i = 0; i < v->n; i++)
			read_doc(s, file, v->items[i], 1);
		return;
	}
	if (kind != NULL && strcmp(kind->s, "PrometheusRule") != 0)
		return;		/* another Kubernetes object of a manifest */
	diag_add(&s->alerts.diags, file, doc->line, doc->col, R_SCHEMA,
	    "not a rule file: no groups: (nor a PrometheusRule's "
	    "spec.groups:)");
}

/*
 * A rule file on its way into the site's alerts: read and parsed on its
 * own (rule_parse, which alerts_open runs on two threads: 10,000 rules
 * are 0.04 s of libyaml), then taken in order (rule_take), so that the
 * alerts, their digest and their diagnostics do not depend on which
 * thread parsed what.
 */
struct rulefile {
	const char	*path;
	const char	*file;		/* as shown, in the site's arena */
	struct buf	 b;		/* its bytes */
	int		 rc;		/* read_file's */
	size_t		 bad;		/* first invalid UTF-8 byte, or b.len */
	struct arena	*ta;		/* its tree, freed once taken */
	struct ynode	**docs;
	long		 ndocs;		/* -1: not parsed */
	struct diags	 diags;
};

/* Starts f for the file at path, shown as shown; 0, or -1 when the file
 * was read already (the same file named twice by the globs). */
static int
rule_open(struct site *s, struct rulefile *f, const char *path,
    const char *shown)
{
	struct alerts *al = &s->alerts;
	char real[PATH_MAX];
	size_t i;

	if (realpath(path, real) != NULL) {
		for (i = 0; i < al->nreal; i++)
			if (strcmp(al->real[i], real) == 0)
				return -1;
		al->real = xreallocarray(al->real, al->nreal + 1,
		    sizeof(*al->real));
		al->real[al->nreal++] = xstrdup(real);
	}
	memset(f, 0, sizeof(*f));
	f->path = path;
	f->file = arena_strdup(s->arena, shown);
	f->ndocs = -1;
	diags_init(&f->diags, al->diags.sev);
	return 0;
}

/* Reads and parses f; touches nothing but f (a thread's work). */
static void
rule_parse(struct rulefile *f)
{
	if ((f->rc = read_file(f->path, &f->b, RBC_MAX_RULEFILE)) != 0)
		return;
	if ((f->bad = utf8_valid(f->b.data, f->b.len)) != f->b.len)
		return;
	/* The tree in an arena of its own, freed once taken: 10,000
	 * rules' trees are 20 MB that every worker would inherit. */
	f->ta = arena_new();
	f->ndocs = yaml_load_all(f->ta, buf_cstr(&f->b), f->b.len, f->file,
	    RBC_MAX_RULENODES, "rule files", &f->docs, &f->diags);
}

/* Takes f's alerts, digest and diagnostics into the site's, and frees
 * it; 0, or -1 when it could not be read whole (diagnostic reported). */
static int
rule_take(struct site *s, struct rulefile *f)
{
	struct alerts *al = &s->alerts;
	int rc = -1;
	size_t i;

	if (f->rc != 0) {
		if (f->rc == -2)
			diag_add(&al->diags, f->file, 0, 0, R_LIMIT, "rule file "
			    "larger than %u bytes", RBC_MAX_RULEFILE);
		else
			diag_add(&al->diags, f->file, 0, 0, R_IO, "cannot read: "
			    "%s", read_error(f->rc));
		al->digest = hash64(al->digest, "-", 1);
		al->failed = 1;
		goto done;
	}
	al->digest = hash64(hash64(al->digest, f->file, strlen(f->file) + 1),
	    f->b.data, f->b.len);
	if (f->bad != f->b.len) {
		int line = 1, col = 1;

		for (i = 0; i < f->bad; i++)
			if (f->b.data[i] == '\n')
				line++, col = 1;
			else if (((unsigned char)f->b.data[i] & 0xc0) != 0x80)
				col++;
		diag_add(&al->diags, f->file, line, col, R_UTF8_INVALID,
		    "invalid UTF-8 byte 0x%02x",
		    (unsigned char)f->b.data[f->bad]);
		al->failed = 1;
		goto done;
	}
	diags_append(&al->diags, &f->diags);
	if (f->ndocs == -1) {
		al->failed = 1;
		goto done;
	}
	for (i = 0; i < (size_t)f->ndocs; i++)
		read_doc(s, f->file, f->docs[i], 0);
	rc = 0;
done:
	diags_free(&f->diags);
	if (f->ta != NULL)
		arena_free(f->ta);
	buf_free(&f->b);
	return rc;
}

/*
 * Reads the rule file at path (shown as shown) into the site's alerts,
 * unless it was read already.  Returns 0, or -1 when it could not be
 * read whole (diagnostic reported).
 */
int
alerts_read(struct site *s, const char *path, const char *shown)
{
	struct rulefile f;

	if (rule_open(s, &f, path, shown) == -1)
		return 0;
	rule_parse(&f);
	return rule_take(s, &f);
}

/* The files a parser thread takes turns at, with alerts_open's. */
struct ruleq {
	struct rulefile	*f;
	size_t		 n;
	atomic_size_t	 next;
};

static void *
rule_parser(void *arg)
{
	struct ruleq *q = arg;
	size_t i;

	while ((i = atomic_fetch_add(&q->next, 1)) < q->n)
		rule_parse(&q->f[i]);
	return NULL;
}

/* Parses the n files of f, on a second thread too when there are two
 * or more and two CPUs; then takes them in order. */
static void
rules_load(struct site *s, struct rulefile *f, size_t n)
{
	struct ruleq q;
	pthread_t t;
	size_t i;
	int two;

	q.f = f;
	q.n = n;
	atomic_init(&q.next, 0);
	two = n > 1 && sysconf(_SC_NPROCESSORS_ONLN) > 1 &&
	    pthread_create(&t, NULL, rule_parser, &q) == 0;
	rule_parser(&q);
	if (two)
		pthread_join(t, NULL);
	for (i = 0; i < n; i++)
		(void)rule_take(s, &f[i]);
}

/* (Re)builds the index of alerts by name. */
static void
index_names(struct alerts *al)
{
	int *last;
	size_t i;
	int k;

	strtab_free(&al->byname);
	strtab_init(&al->byname, al->n);
	free(al->next);
	al->next = xcalloc(al->n ? al->n : 1, sizeof(*al->next));
	last = xcalloc(al->n ? al->n : 1, sizeof(*last));
	for (i = 0; i < al->n; i++) {
		al->next[i] = -1;
		k = strtab_find(&al->byname, al->v[i].name);
		if (k == -1) {
			strtab_add(&al->byname, al->v[i].name, (int)i);
			last[i] = (int)i;
		} else {
			al->next[last[k]] = (int)i;
			last[k] = (int)i;
		}
	}
	free(last);
}

/* Reads site.yaml's alert_urls: into the site's patterns. */
static void
read_patterns(struct site *s, const struct ynode *v, const char *cfgpath)
{
	struct alerts *al = &s->alerts;
	const struct ynode *it, *u, *rb;
	const char *url, *runbook, *p, *cut, *hash;
	size_t i, k;

	if (v->type != Y_SEQ) {
		diag_add(&s->diags, cfgpath, v->line, v->col, R_SCHEMA,
		    "site.yaml: alert_urls must be a list of URL patterns");
		return;
	}
	al->pat = arena_calloc(s->arena, v->n ? v->n : 1, sizeof(*al->pat));
	for (i = 0; i < v->n; i++) {
		it = v->items[i];
		if (it->type == Y_MAP) {
			u = scalar(it, "url");
			rb = scalar(it, "runbook");
			url = u != NULL ? u->s : NULL;
			runbook = rb != NULL ? rb->s : NULL;
		} else {
			url = ystr(it) != NULL && it->type == Y_STR ? it->s :
			    NULL;
			runbook = NULL;
			if (url != NULL) {
				/* The runbook: from the segment of the first
				 * placeholder (or of the fragment) on. */
				cut = strchr(url, '{');
				hash = strchr(url, '#');
				if (cut == NULL)
					cut = url + strlen(url);
				if (hash != NULL && hash < cut)
					cut = hash;
				for (p = cut; p > url && p[-1] != '/'; p--)
					;
				runbook = p;
			}
		}
		for (k = 0, p = url; p != NULL && *p != '\0'; p++)
			k += *p == '{';
		if (url == NULL || runbook == NULL || *runbook == '\0' ||
		    k > MAX_CAPS) {
			diag_add(&s->diags, cfgpath, it->line, it->col,
			    R_SCHEMA, "site.yaml: an alert_urls entry is a URL "
			    "pattern, or url: and runbook: (at most %d "
			    "placeholders)", MAX_CAPS);
			continue;
		}
		al->pat[al->npat].url = url;
		al->pat[al->npat++].runbook = runbook;
	}
}

/*
 * Reads what site.yaml says of alerts (alerts:, alert_urls:) and every
 * rule file its globs match, relative to site.yaml's folder.  Nothing is
 * done (or allocated) for a site without alerts:.
 */
void
alerts_open(struct site *s)
{
	struct alerts *al = &s->alerts;
	const struct ynode *root = s->cfg.root, *v, *g;
	struct rulefile *f = NULL;
	char *cfgpath, *pat, *shown, **paths = NULL;
	glob_t gl;
	size_t i, j, nf = 0;
	int rc;

	diags_init(&al->diags, s->cfg.sev);
	al->digest = HASH64_INIT;
	if (root == NULL)
		return;
	cfgpath = path_join(s->content, "site.yaml");
	if ((v = ymap_get(root, "alert_urls")) != NULL && v->type != Y_NULL)
		read_patterns(s, v, cfgpath);
	if ((v = ymap_get(root, "alerts")) == NULL || v->type == Y_NULL) {
		free(cfgpath);
		return;
	}
	if (v->type != Y_SEQ && v->type != Y_STR) {
		diag_add(&s->diags, cfgpath, v->line, v->col, R_SCHEMA,
		    "site.yaml: alerts must list rule files (globs)");
		free(cfgpath);
		return;
	}
	al->configured = 1;
	for (i = 0; i < (v->type == Y_SEQ ? v->n : 1); i++) {
		g = v->type == Y_SEQ ? v->items[i] : v;
		if (g->type != Y_STR || g->slen == 0) {
			diag_add(&s->diags, cfgpath, g->line, g->col, R_SCHEMA,
			    "site.yaml: alerts must list rule files (globs)");
			continue;
		}
		pat = g->s[0] == '/' ? xstrdup(g->s) :
		    path_join(s->content, g->s);
		memset(&gl, 0, sizeof(gl));
		rc = glob(pat, 0, NULL, &gl);
		if (rc == GLOB_NOMATCH || (rc == 0 && gl.gl_pathc == 0)) {
			diag_add(&s->diags, cfgpath, g->line, g->col, R_IO,
			    "site.yaml: alerts: '%s' matches no rule file",
			    g->s);
			al->failed = 1;
		} else if (rc != 0) {
			diag_add(&s->diags, cfgpath, g->line, g->col, R_IO,
			    "site.yaml: alerts: '%s' cannot be listed", g->s);
			al->failed = 1;
		}
		for (j = 0; rc == 0 && j < gl.gl_pathc; j++) {
			f = xreallocarray(f, nf + 1, sizeof(*f));
			paths = xreallocarray(paths, nf + 1, sizeof(*paths));
			paths[nf] = xstrdup(gl.gl_pathv[j]);
			shown = path_tidy(gl.gl_pathv[j]);
			if (rule_open(s, &f[nf], paths[nf], shown) == 0)
				nf++;
			else
				free(paths[nf]);
			free(shown);
		}
		globfree(&gl);
		free(pat);
	}
	rules_load(s, f, nf);
	for (i = 0; i < nf; i++)
		free(paths[i]);
	free(paths);
	free(f);
	free(cfgpath);
	index_names(al);
}

/* Reads one more rule file (rbc lint FILE.yaml); see alerts_read. */
int
alerts_add(struct site *s, const char *path)
{
	int rc;

	rc = alerts_read(s, path, path);
	index_names(&s->alerts);
	return rc;
}

/* Frees what alerts_open and alerts_check made (strings: the arena's). */
void
alerts_free(struct site *s)
{
	struct alerts *al = &s->alerts;
	size_t i;

	for (i = 0; i < al->nreal; i++)
		free(al->real[i]);
	free(al->real);
	free(al->v);
	free(al->next);
	free(al->byrb);
	free(al->first);
	strtab_free(&al->byname);
	diags_free(&al->diags);
	memset(al, 0, sizeof(*al));
}

/* ------------------------------------------------- mapping runbook_url */

struct mapper {
	struct site	*s;
	struct arena	*a;
	struct strtab	 ids;		/* lower-case id -> runbook */
	int		 near_made;
	struct strtab	 near;		/* letters and digits of an id */
	struct strtab	 near_last;	/* ... of its last segment */
};

/* Lower-case letters and digits of s (n bytes): the key of "close". */
static char *
near_key(struct arena *a, const char *s, size_t n)
{
	char *o = arena_alloc(a, n + 1), *p = o;
	size_t i;

	for (i = 0; i < n; i++)
		if (isalnum((unsigned char)s[i]) ||
		    (unsigned char)s[i] >= 0x80)
			*p++ = (char)tolower((unsigned char)s[i]);
	*p = '\0';
	return o;
}

static const char *
last_seg(const char *s)
{
	const char *p = strrchr(s, '/');

	return p != NULL ? p + 1 : s;
}

/* The runbook id closest to id (other punctuation or case, or the same
 * name in another folder), or NULL. */
static const char *
closest(struct mapper *m, const char *id)
{
	struct site *s = m->s;
	const char *l;
	size_t i;
	int k;

	if (!m->near_made) {
		m->near_made = 1;
		strtab_init(&m->near, s->n);
		strtab_init(&m->near_last, s->n);
		for (i = 0; i < s->n; i++) {
			l = last_seg(s->rb[i]->id);
			strtab_add(&m->near, near_key(m->a, s->rb[i]->id,
			    strlen(s->rb[i]->id)), (int)i);
			strtab_add(&m->near_last, near_key(m->a, l,
			    strlen(l)), (int)i);
		}
	}
	if ((k = strtab_find(&m->near, near_key(m->a, id, strlen(id)))) ==
	    -1) {
		l = last_seg(id);
		k = strtab_find(&m->near_last, near_key(m->a, l, strlen(l)));
	}
	return k >= 0 ? s->rb[k]->id : NULL;
}

/* The runbook that path (decoded, no fragment) names, or -1: the id in
 * any case, with or without .html or .md, a trailing slash, index. */
static int
find_id(struct mapper *m, const char *path)
{
	char *p = lower(m->a, path, strlen(path)), *q;
	size_t n = strlen(p);
	int k;

	while (n > 0 && p[n - 1] == '/')
		p[--n] = '\0';
	while (*p == '/')
		p++, n--;
	if (n >= 5 && strcmp(p + n - 5, ".html") == 0)
		p[n -= 5] = '\0';
	else if (n >= 3 && strcmp(p + n - 3, ".md") == 0)
		p[n -= 3] = '\0';
	if ((k = strtab_find(&m->ids, p)) >= 0)
		return k;
	q = arena_alloc(m->a, n + 8);
	memcpy(q, p, n);
	strcpy(q + n, n ? "/index" : "index");
	if ((k = strtab_find(&m->ids, q)) >= 0)
		return k;
	strcpy(q + n, n ? "/readme" : "readme");
	return strtab_find(&m->ids, q);
}

/* The value the placeholder name[0..n) has for alert a, or NULL. */
static const char *
placeholder(struct arena *ar, const struct alert *a, const char *name,
    size_t n)
{
	const struct ynode *v;
	char *key;

	if (n == 5 && strncmp(name, "alert", 5) == 0)
		return a->name;
	if (n == 11 && strncmp(name, "alert_lower", 11) == 0)
		return lower(ar, a->name, strlen(a->name));
	if (n == 5 && strncmp(name, "group", 5) == 0)
		return a->group;
	key = arena_strndup(ar, name, n);
	if ((v = scalar(a->labels, key)) != NULL)
		return v->s;
	return NULL;
}

/* The value label name[0..n) has when a fires, if the rule sets it. */
static const char *
label(struct arena *ar, const struct alert *a, const char *name, size_t n)
{
	const struct ynode *v;

	if (n == 9 && strncmp(name, "alertname", 9) == 0)
		return a->name;
	v = scalar(a->labels, arena_strndup(ar, name, n));
	return v != NULL ? v->s : NULL;
}

struct cap {
	const char	*name;
	size_t		 nlen;
	const char	*at;
	size_t		 len;
};

/*
 * Matches url against pattern p for alert a: letters in any case;
 * {alert}, {alert_lower}, {group} and a {label} the rule sets must be
 * their values, any other {name} is one or more characters of a path
 * segment, kept in caps.  Returns 1 on a match.
 */
static int
pat_match(struct arena *ar, const struct alert *a, const char *p,
    const char *u, struct cap *caps, int nc)
{
	const char *end, *val;
	size_t n, vl;

	for (;;) {
		if (*p == '\0')
			return *u == '\0' || (*u == '/' && u[1] == '\0');
		if (*p == '{' && (end = strchr(p, '}')) != NULL) {
			n = (size_t)(end - p - 1);
			if ((val = placeholder(ar, a, p + 1, n)) != NULL) {
				vl = strlen(val);
				if (vl == 0 || strncasecmp(u, val, vl) != 0)
					return 0;
				u += vl;
				p = end + 1;
				continue;
			}
			if (nc >= MAX_CAPS)
				return 0;
			for (vl = 0; u[vl] != '\0' && u[vl] != '/' &&
			    u[vl] != '#' && u[vl] != '?'; vl++)
				;
			/* Longest first: a segment's literal tail follows. */
			for (; vl > 0; vl--) {
				caps[nc].name = p + 1;
				caps[nc].nlen = n;
				caps[nc].at = u;
				caps[nc].len = vl;
				if (pat_match(ar, a, end + 1, u + vl, caps,
				    nc + 1))
					return 1;
			}
			caps[nc].name = NULL;
			return 0;
		}
		if (tolower((unsigned char)*p) != tolower((unsigned char)*u))
			return 0;
		p++;
		u++;
	}
}

/* The runbook template t of a pattern filled in for a, or NULL. */
static char *
pat_fill(struct arena *ar, const struct alert *a, const char *t,
    const struct cap *caps)
{
	struct buf b = { NULL, 0, 0 };
	const char *end, *val;
	char *o;
	size_t n;
	int k;

	for (; *t != '\0'; t++) {
		if (*t != '{' || (end = strchr(t, '}')) == NULL) {
			buf_putc(&b, *t);
			continue;
		}
		n = (size_t)(end - t - 1);
		if ((val = placeholder(ar, a, t + 1, n)) != NULL)
			buf_puts(&b, val);
		else {
			for (k = 0; k < MAX_CAPS && caps[k].name != NULL; k++)
				if (caps[k].nlen == n &&
				    strncmp(caps[k].name, t + 1, n) == 0)
					break;
			if (k == MAX_CAPS || caps[k].name == NULL) {
				buf_free(&b);
				return NULL;
			}
			buf_put(&b, caps[k].at, caps[k].len);
		}
		t = end;
	}
	o = arena_strdup(ar, buf_cstr(&b));
	buf_free(&b);
	return o;
}

/*
 * Expands {{ $labels.x }} (and {{ .Labels.x }}) in url from the rule's
 * own labels.  Returns the URL, or NULL with *what set to the first
 * template it cannot expand (known only when the alert fires).
 */
static const char *
expand(struct arena *ar, const struct alert *a, const char *url,
    const char **what)
{
	struct buf b = { NULL, 0, 0 };
	const char *p = url, *open, *close, *q, *val;
	char *o;
	size_t n;

	while ((open = strstr(p, "{{")) != NULL) {
		if ((close = strstr(open + 2, "}}")) == NULL)
			break;
		buf_put(&b, p, (size_t)(open - p));
		for (q = open + 2; *q == ' '; q++)
			;
		val = NULL;
		if (strncmp(q, "$labels.", 8) == 0 ||
		    strncmp(q, ".Labels.", 8) == 0) {
			q += 8;
			for (n = 0; isalnum((unsigned char)q[n]) || q[n] == '_';
			    n++)
				;
			if (n > 0 && q + n + strspn(q + n, " ") == close)
				val = label(ar, a, q, n);
		}
		if (val == NULL) {
			*what = arena_strndup(ar, open,
			    (size_t)(close + 2 - open));
			buf_free(&b);
			return NULL;
		}
		buf_puts(&b, val);
		p = close + 2;
	}
	buf_puts(&b, p);
	o = arena_strdup(ar, buf_cstr(&b));
	buf_free(&b);
	return o;
}

/* The heading of r whose letters and digits are frag's, or NULL. */
static const char *
heading_near(struct arena *ar, const struct runbook *r, const char *frag)
{
	const char *k = near_key(ar, frag, strlen(frag));
	size_t i;

	if (*k == '\0')
		return NULL;
	for (i = 0; i < r->nheads; i++)
		if (strcmp(near_key(ar, r->heads[i].slug,
		    strlen(r->heads[i].slug)), k) == 0)
			return r->heads[i].slug;
	return NULL;
}

static void
broken(struct mapper *m, struct alert *a, const char *problem,
    const char *fmt, const char *x, const char *y)
{
	a->problem = arena_strdup(m->s->arena, problem);
	diag_add(&m->s->alerts.diags, a->file, a->url_line, a->url_col,
	    R_ALERT_RUNBOOK_BROKEN, fmt, a->name, a->url, x, y);
}

/* Maps a's runbook_url to a runbook and heading, or reports why not. */
static void
map_alert(struct mapper *m, struct alert *a)
{
	struct site *s = m->s;
	struct cap caps[MAX_CAPS];
	const char *url, *what = NULL, *base = s->cfg.base_url, *frag = NULL,
	    *near, *slug;
	char *path = NULL, *hash, *q, *dec;
	size_t i, bl;
	int k, how;

	if (a->url == NULL || *a->url == '\0') {
		a->problem = "no runbook_url";
		diag_add(&s->alerts.diags, a->file, a->line, a->col,
		    R_ALERT_NO_RUNBOOK, "alert '%s' has no runbook_url "
		    "annotation: whoever it pages has no runbook to follow",
		    a->name);
		return;
	}
	if (strlen(a->url) > RBC_MAX_URL) {
		broken(m, a, "runbook_url too long", "alert '%s': runbook_url "
		    "'%.60s...' is longer than rbc checks%s%s", "", "");
		return;
	}
	if ((url = expand(m->a, a, a->url, &what)) == NULL) {
		a->problem = "templated runbook_url: not checked";
		diag_add(&s->alerts.diags, a->file, a->url_line, a->url_col,
		    R_ALERT_NO_RUNBOOK, "alert '%s': runbook_url '%s' is a "
		    "template ('%s' is known only when the alert fires), so "
		    "rbc cannot tell which runbook it names; write the URL "
		    "out, or use a label of the rule", a->name, a->url, what);
		return;
	}
	for (i = 0; i < s->alerts.npat && path == NULL; i++) {
		memset(caps, 0, sizeof(caps));
		if (pat_match(m->a, a, s->alerts.pat[i].url, url, caps, 0))
			path = pat_fill(m->a, a, s->alerts.pat[i].runbook,
			    caps);
	}
	if (path == NULL && base != NULL) {
		bl = strlen(base);
		while (bl > 0 && base[bl - 1] == '/')
			bl--;
		if (strncasecmp(url, base, bl) == 0 && (url[bl] == '/' ||
		    url[bl] == '\0' || url[bl] == '#'))
			path = arena_strdup(m->a, url + bl);
	}
	if (path == NULL) {
		broken(m, a, "not a URL of this site", "alert '%s': "
		    "runbook_url '%s' is not under base_url%s%s nor an "
		    "alert_urls pattern of site.yaml", base != NULL ? " " :
		    " (site.yaml sets none)", base != NULL ? base : "");
		return;
	}
	if ((hash = strchr(path, '#')) != NULL) {
		*hash = '\0';
		dec = pct_decode(hash + 1, strlen(hash + 1));
		frag = arena_strdup(m->a, dec);
		free(dec);
	}
	if ((q = strchr(path, '?')) != NULL)
		*q = '\0';
	dec = pct_decode(path, strlen(path));
	k = find_id(m, dec);
	if (k == -1) {
		near = closest(m, dec);
		for (q = dec; *q == '/'; q++)
			;
		path = arena_strdup(m->a, q);
		free(dec);
		a->problem = arena_strdup(s->arena, near != NULL ?
		    "no such runbook (a close one exists)" :
		    "no such runbook");
		if (near != NULL)
			diag_add(&s->alerts.diags, a->file, a->url_line,
			    a->url_col, R_ALERT_RUNBOOK_BROKEN, "alert '%s': "
			    "runbook_url '%s' names no runbook of this site "
			    "('%s'); did you mean '%s'?", a->name, a->url,
			    path, near);
		else
			diag_add(&s->alerts.diags, a->file, a->url_line,
			    a->url_col, R_ALERT_RUNBOOK_BROKEN, "alert '%s': "
			    "runbook_url '%s' names no runbook of this site "
			    "('%s')", a->name, a->url, path);
		return;
	}
	free(dec);
	a->target = k;
	if (frag == NULL || *frag == '\0')
		return;
	slug = anchor_find(s->rb[k], frag, s->cfg.anchors, &how);
	if (how == ANCHOR_EXACT) {
		a->frag = slug;
		return;
	}
	/* A runbook_url is opened in a browser, on this site: only the
	 * exact id works there (index.c's anchor_find, as for links). */
	if (how == ANCHOR_CASE) {
		a->problem = "fragment in the wrong case";
		diag_add(&s->alerts.diags, a->file, a->url_line, a->url_col,
		    R_ALERT_RUNBOOK_BROKEN, "alert '%s': '#%s' names its "
		    "heading in %s only in another case, and browsers match "
		    "fragments exactly: write '#%s'", a->name, frag,
		    s->rb[k]->id, slug);
		return;
	}
	if (how == ANCHOR_PREFIX) {
		a->problem = "fragment as the forge's page names it";
		diag_add(&s->alerts.diags, a->file, a->url_line, a->url_col,
		    R_ALERT_RUNBOOK_BROKEN, "alert '%s': '#%s' is the id "
		    "GitHub and GitLab give the heading in %s, not this "
		    "site's: write '#%s'", a->name, frag, s->rb[k]->id, slug);
		return;
	}
	if (how == ANCHOR_OTHER) {
		a->problem = "fragment under another platform's slugs";
		diag_add(&s->alerts.diags, a->file, a->url_line, a->url_col,
		    R_ALERT_RUNBOOK_BROKEN, "alert '%s': '#%s' names its "
		    "heading in %s only by %s slug, and browsers match "
		    "fragments exactly: write '#%s'", a->name, frag,
		    s->rb[k]->id, s->cfg.anchors == ANCHORS_GITLAB ?
		    "GitHub's" : "GitLab's", slug);
		return;
	}
	if ((slug = heading_near(m->a, s->rb[k], frag)) != NULL) {
		a->problem = "no such heading (a close one exists)";
		diag_add(&s->alerts.diags, a->file, a->url_line, a->url_col,
		    R_ALERT_RUNBOOK_BROKEN, "alert '%s': '#%s' names no "
		    "heading in %s; did you mean '#%s'?", a->name, frag,
		    s->rb[k]->id, slug);
		return;
	}
	a->problem = "no such heading";
	diag_add(&s->alerts.diags, a->file, a->url_line, a->url_col,
	    R_ALERT_RUNBOOK_BROKEN, "alert '%s': '#%s' names no heading in "
	    "%s", a->name, frag, s->rb[k]->id);
}

/*
 * Maps every alert's runbook_url to a runbook (alert-runbook-broken,
 * alert-no-runbook), lists each runbook's alerts (alerts_of) and reports
 * runbooks no alert names (runbook-no-alert).  Nothing for a site
 * without alerts; only the lists of a partial site (rbc lint FILE.md).
 */
void
alerts_check(struct site *s)
{
	struct alerts *al = &s->alerts;
	struct mapper m;
	size_t i, *at;
	const char *id;
	int t;

	if (al->n == 0 && !al->configured)
		return;
	memset(&m, 0, sizeof(m));
	m.s = s;
	m.a = arena_new();
	strtab_init(&m.ids, 2 * s->n);
	for (i = 0; i < s->n; i++)
		strtab_add(&m.ids, lower(m.a, s->rb[i]->id,
		    strlen(s->rb[i]->id)), (int)i);
	for (i = al->mapped; i < al->n; i++)
		map_alert(&m, &al->v[i]);
	al->mapped = al->n;
	/* Each runbook's alerts, in rule-file order (a counting sort). */
	free(al->first);
	free(al->byrb);
	al->first = xcalloc(s->n + 2, sizeof(*al->first));
	al->byrb = xcalloc(al->n ? al->n : 1, sizeof(*al->byrb));
	for (i = 0; i < al->n; i++)
		if ((t = al->v[i].target) >= 0)
			al->first[t + 2]++;
	for (i = 2; i < s->n + 2; i++)
		al->first[i] += al->first[i - 1];
	at = al->first + 1;
	for (i = 0; i < al->n; i++)
		if ((t = al->v[i].target) >= 0)
			al->byrb[at[t]++] = (int)i;
	if (!s->partial && !al->failed && al->configured && !al->checked &&
	    diag_on(&al->diags, R_RUNBOOK_NO_ALERT))
		for (i = 0; i < s->n; i++) {
			id = s->rb[i]->id;
			if (al->first[i + 1] != al->first[i] ||
			    strcmp(id, "index") == 0 ||
			    strcmp(id, "README") == 0)
				continue;
			diag_add(&s->rb[i]->diags, s->rb[i]->src.path, 1, 1,
			    R_RUNBOOK_NO_ALERT, "no alert rule's runbook_url "
			    "names runbook '%s': is its alert gone?", id);
		}
	al->checked = 1;
	strtab_free(&m.ids);
	if (m.near_made) {
		strtab_free(&m.near);
		strtab_free(&m.near_last);
	}
	arena_free(m.a);
}

/* ---------------------------------------------------- threshold-drift */

/* A Prometheus duration (1h30m, 300s, 500ms) in ms, or -1. */
static double
prom_ms(const char *s)
{
	double total = 0, v;
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	while (*s != '\0') {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = strtod(s, &end);
		s = end;
		if (strncmp(s, "ms", 2) == 0)
			v *= 1, s += 2;
		else if (*s == 's')
			v *= 1e3, s++;
		else if (*s == 'm')
			v *= 60e3, s++;
		else if (*s == 'h')
			v *= 3600e3, s++;
		else if (*s == 'd')
			v *= 86400e3, s++;
		else if (*s == 'w')
			v *= 7 * 86400e3, s++;
		else if (*s == 'y')
			v *= 365 * 86400e3, s++;
		else
			return -1;
		total += v;
	}
	return total;
}

#define MAX_CONSTS	16

/*
 * Stores in c[] the constants expr compares against (> 0.05, >= 5,
 * 0.9 > x, == bool 1), outside label matchers and strings; returns how
 * many.
 */
static int
expr_consts(const char *e, double *c)
{
	const char *p, *q;
	char *end;
	int n = 0, depth = 0;
	char quote = 0;
	double v;

	for (p = e; *p != '\0' && n < MAX_CONSTS; p++) {
		if (quote) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			else if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '"' || *p == '\'' || *p == '`') {
			quote = *p;
			continue;
		}
		if (*p == '{' || *p == '[')
			depth++;
		else if ((*p == '}' || *p == ']') && depth > 0)
			depth--;
		if (depth > 0 || !(*p == '>' || *p == '<' || ((*p == '=' ||
		    *p == '!') && p[1] == '=')))
			continue;
		/* A comparison: the number after it, else before it. */
		q = p + 1;
		if (*q == '=')
			q++;
		while (*q == ' ' || *q == '\t' || *q == '\n')
			q++;
		if (strncmp(q, "bool", 4) == 0 && !isalnum((unsigned char)q[4]))
			for (q += 4; *q == ' ' || *q == '\t' || *q == '\n'; q++)
				;
		if (isdigit((unsigned char)*q) || (*q == '-' &&
		    isdigit((unsigned char)q[1])) || (*q == '.' &&
		    isdigit((unsigned char)q[1]))) {
			v = strtod(q, &end);
			if (end != q && !isalnum((unsigned char)*end) &&
			    *end != '_' && isfinite(v)) {
				c[n++] = v;
				p = end - 1;
				continue;
			}
		}
		for (q = p; q > e && (q[-1] == ' ' || q[-1] == '\t' ||
		    q[-1] == '\n'); q--)
			;
		end = (char *)q;
		while (q > e && (isdigit((unsigned char)q[-1]) ||
		    q[-1] == '.'))
			q--;
		if (q < end && (q == e || !(isalnum((unsigned char)q[-1]) ||
		    q[-1] == '_' || q[-1] == ']' || q[-1] == ')')) &&
		    isfinite(v = strtod(q, NULL)))
			c[n++] = v;
		if (p[1] == '=')
			p++;
	}
	return n;
}

static int
same(double a, double b)
{
	double m = fmax(1, fmax(fabs(a), fabs(b)));

	return fabs(a - b) <= 1e-9 * m;
}

/* Which level of a threshold an alert's severity label is: 'w', 'c', 0. */
static int
level_of(const char *sev)
{
	static const char *const crit[] = { "critical", "page", "error",
	    "high", "major", "emergency", "p1", "sev1", NULL };
	static const char *const warn[] = { "warning", "warn", "minor",
	    "low", "ticket", "info", "p2", "p3", "sev2", "sev3", NULL };
	size_t i;

	if (sev == NULL)
		return 0;
	for (i = 0; crit[i] != NULL; i++)
		if (strcasecmp(sev, crit[i]) == 0)
			return 'c';
	for (i = 0; warn[i] != NULL; i++)
		if (strcasecmp(sev, warn[i]) == 0)
			return 'w';
	return 0;
}

static int
is_number(const struct ynode *y)
{
	return y != NULL && (y->type == Y_INT || y->type == Y_FLOAT);
}

/* Compares threshold t of r (metric name) with alert a. */
static void
drift_one(struct runbook *r, const struct ynode *t, const char *metric,
    const struct alert *a)
{
	const struct ynode *w = ymap_get(t, "warning"),
	    *c = ymap_get(t, "critical"), *unit = scalar(t, "unit"),
	    *fr = scalar(t, "for"), *cand[2], *at = NULL;
	double k[MAX_CONSTS];
	int nk, nc = 0, lv, pct, i, j, ok = 0;
	double tf, af;
	struct buf b = { NULL, 0, 0 };

	pct = unit != NULL && (strcmp(unit->s, "%") == 0 ||
	    strcasecmp(unit->s, "percent") == 0);
	lv = level_of(a->severity);
	if (lv == 'w' && is_number(w))
		cand[nc++] = w;
	else if (lv == 'c' && is_number(c))
		cand[nc++] = c;
	else {
		if (is_number(w))
			cand[nc++] = w;
		if (is_number(c))
			cand[nc++] = c;
	}
	nk = a->expr != NULL ? expr_consts(a->expr, k) : 0;
	if (nk > 0 && nc > 0) {
		for (i = 0; i < nc && !ok; i++)
			for (j = 0; j < nk && !ok; j++)
				ok = same(cand[i]->num, k[j]) || (pct &&
				    same(cand[i]->num / 100, k[j]));
		if (!ok) {
			for (j = 0; j < nk; j++) {
				char num[32];
				snprintf(num, sizeof(num), "%s%.10g",
				    j ? (j + 1 == nk ? " or " : ", ") : "",
				    k[j]);
				buf_puts(&b, num);
			}
			at = cand[0];
			diag_add(&r->diags, r->src.path, at->line, at->col,
			    R_THRESHOLD_DRIFT, "threshold '%s' %s %s%s differs "
			    "from alert '%s' (%s:%d), whose expr compares "
			    "against %s", metric, at == w ? "warning" :
			    "critical", at->s, pct ? " %" : "", a->name,
			    a->file, a->line, buf_cstr(&b));
			buf_free(&b);
		}
	}
	if (fr != NULL) {
		tf = prom_ms(fr->s);
		af = a->dur != NULL ? prom_ms(a->dur) : 0;
		if (tf >= 0 && af >= 0 && !same(tf, af))
			diag_add(&r->diags, r->src.path, fr->line, fr->col,
			    R_THRESHOLD_DRIFT, "threshold '%s' for %s differs "
			    "from alert '%s' (%s:%d), which %s%s", metric,
			    fr->s, a->name, a->file, a->line, a->dur != NULL ?
			    "fires after " : "fires at once (no for:)",
			    a->dur != NULL ? a->dur : "");
	}
}

/*
 * threshold-drift: each threshold of r that names an alert (alert:)
 * against every rule of that name.  Runs where r is checked (the scan
 * workers, which have the site's alerts); nothing without rule files.
 */
void
alerts_drift(const struct site *s, struct runbook *r)
{
	const struct alerts *al = &s->alerts;
	const struct ynode *th, *t, *name, *m;
	size_t i;
	int k;

	if (!al->configured || r->fm == NULL ||
	    !diag_on(&r->diags, R_THRESHOLD_DRIFT) ||
	    (th = ymap_get(r->fm, "thresholds")) == NULL || th->type != Y_SEQ)
		return;
	for (i = 0; i < th->n; i++) {
		t = th->items[i];
		if (t->type != Y_MAP || (name = scalar(t, "alert")) == NULL)
			continue;
		m = scalar(t, "metric");
		k = strtab_find(&al->byname, name->s);
		if (k == -1) {
			if (!al->failed)
				diag_add(&r->diags, r->src.path, name->line,
				    name->col, R_THRESHOLD_DRIFT, "threshold "
				    "'%s' names alert '%s', which no rule file "
				    "defines", m != NULL ? m->s : "",
				    name->s);
			continue;
		}
		for (; k != -1; k = al->next[k])
			drift_one(r, t, m != NULL ? m->s : "", &al->v[k]);
	}
}
