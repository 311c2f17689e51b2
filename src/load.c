/*
 * Load: the site configuration, the walk of the content tree (sorted,
 * deterministic; `_` and `.` names skipped; symlinks leaving the tree
 * refused), and reading each runbook with UTF-8 validation.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "rbc.h"

struct walk {
	struct site	*s;
	char		*real;		/* realpath of the content dir */
	char		**md;
	size_t		 nmd, capmd;
	char		**other;
	size_t		 nother, capother;
	dev_t		 dev[64];
	ino_t		 ino[64];
	int		 depth;
};

static int
strpcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a + 1, *(char *const *)b + 1);
}

static void
push(char ***v, size_t *n, size_t *cap, char *s)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		*v = xreallocarray(*v, *cap, sizeof(**v));
	}
	(*v)[(*n)++] = s;
}

/* Returns 1 if path (a realpath) is the directory dir or inside it. */
static int
inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 &&
	    (path[n] == '/' || path[n] == '\0' || (n == 1 && dir[0] == '/'));
}

/* Walks dir (content-relative rel) and collects files, sorted. */
static void
walk_dir(struct walk *w, const char *rel)
{
	char *abs = rel[0] ? path_join(w->s->content, rel) :
	    xstrdup(w->s->content);
	char **names = NULL, *sub, *subabs, real[PATH_MAX];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int k;

	if ((d = opendir(abs)) == NULL) {
		diag_add(&w->s->diags, abs, 0, 0, R_IO, "cannot read "
		    "directory: %s", strerror(errno));
		free(abs);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *nm;
		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		/* The entry's type rides in the name's first byte, so that
		 * the common cases (file, folder) need no lstat(). */
		nm = xasprintf("%c%s", de->d_type == DT_REG ? 'f' :
		    de->d_type == DT_DIR ? 'd' : '?', de->d_name);
		push(&names, &n, &cap, nm);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), namecmp);
	for (i = 0; i < n; i++) {
		char kind = names[i][0];
		sub = rel[0] ? path_join(rel, names[i] + 1) :
		    xstrdup(names[i] + 1);
		subabs = path_join(abs, names[i] + 1);
		free(names[i]);
		memset(&st, 0, sizeof(st));
		if (kind == 'f')
			st.st_mode = S_IFREG;
		else if (lstat(subabs, &st) == -1) {
			diag_add(&w->s->diags, subabs, 0, 0, R_IO,
			    "cannot stat: %s", strerror(errno));
			goto next;
		}
		if (S_ISLNK(st.st_mode)) {
			if (realpath(subabs, real) == NULL) {
				diag_add(&w->s->diags, subabs, 0, 0,
				    R_SYMLINK, "symbolic link to nowhere");
				goto next;
			}
			if (!inside(real, w->real)) {
				diag_add(&w->s->diags, subabs, 0, 0,
				    R_SYMLINK, "symbolic link leaves the "
				    "content directory (to %s): refused", real);
				goto next;
			}
			if (stat(subabs, &st) == -1)
				goto next;
		}
		if (S_ISDIR(st.st_mode)) {
			for (k = 0; k < w->depth; k++)
				if (w->dev[k] == st.st_dev &&
				    w->ino[k] == st.st_ino)
					break;
			if (k < w->depth || w->depth == 64) {
				diag_add(&w->s->diags, subabs, 0, 0,
				    R_SYMLINK, k < w->depth ? "directory "
				    "cycle: skipped" : "directories nested "
				    "too deep: skipped");
				goto next;
			}
			w->dev[w->depth] = st.st_dev;
			w->ino[w->depth++] = st.st_ino;
			walk_dir(w, sub);
			w->depth--;
		} else if (S_ISREG(st.st_mode)) {
			if (str_has_suffix(sub, ".md")) {
				push(&w->md, &w->nmd, &w->capmd, sub);
				sub = NULL;
			} else {
				push(&w->other, &w->nother, &w->capother, sub);
				sub = NULL;
			}
		}
next:
		free(sub);
		free(subabs);
	}
	free(names);
	free(abs);
}

/* ------------------------------------------------------------ site.yaml */

static void
cfg_str(struct site *s, const struct ynode *root, const char *key,
    const char **out, const char *file)
{
	const struct ynode *v = ymap_get(root, key);

	if (v == NULL || v->type == Y_NULL)
		return;
	if (v->type == Y_SEQ || v->type == Y_MAP) {
		diag_add(&s->diags, file, v->line, v->col, R_SCHEMA,
		    "site.yaml: '%s' must be a string", key);
		return;
	}
	*out = arena_strndup(s->arena, v->s, v->slen);
}

static void
load_config(struct site *s)
{
	struct site_config *c = &s->cfg;
	const struct ynode *root, *v, *card;
	struct buf b = { NULL, 0, 0 };
	char *path = path_join(s->content, "site.yaml");
	const char *str = NULL;
	size_t i;
	int r, sev, bv;

	c->title = "Runbooks";
	c->theme = "default";
	c->paper = "a4";
	c->slugs = SLUG_GITHUB;
	for (i = 0; i < R__MAX; i++)
		c->sev[i] = rule_table[i].def;
	if ((r = read_file(path, &b, RBC_MAX_FM)) != 0) {
		if (r == -2)
			diag_add(&s->diags, path, 0, 0, R_LIMIT,
			    "site.yaml larger than %u bytes", RBC_MAX_FM);
		else if (errno != ENOENT)
			diag_add(&s->diags, path, 0, 0, R_IO, "cannot read: "
			    "%s", strerror(errno));
		goto out;
	}
	if (utf8_valid(b.data, b.len) != b.len) {
		int line, col;
		size_t off = utf8_valid(b.data, b.len);

		line = 1;
		col = 1;
		for (i = 0; i < off; i++)
			if (b.data[i] == '\n')
				line++, col = 1;
			else if (((unsigned char)b.data[i] & 0xc0) != 0x80)
				col++;
		diag_add(&s->diags, path, line, col, R_UTF8_INVALID,
		    "invalid UTF-8 byte 0x%02x",
		    (unsigned char)b.data[off]);
		goto out;
	}
	root = yaml_load(s->arena, b.data, b.len, path, 1, &s->diags);
	if (root == NULL)
		goto out;
	if (root->type != Y_MAP) {
		if (root->type != Y_NULL)
			diag_add(&s->diags, path, root->line, root->col,
			    R_SCHEMA, "site.yaml must be a mapping");
		goto out;
	}
	c->root = (struct ynode *)root;
	cfg_str(s, root, "title", &c->title, path);
	cfg_str(s, root, "base_url", &c->base_url, path);
	cfg_str(s, root, "organisation", &c->organisation, path);
	if (c->organisation == NULL)
		cfg_str(s, root, "organization", &c->organisation, path);
	cfg_str(s, root, "theme", &c->theme, path);
	cfg_str(s, root, "schema", &c->schema, path);
	if (c->base_url != NULL && !url_safe(c->base_url,
	    strlen(c->base_url))) {
		v = ymap_get(root, "base_url");
		diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
		    "site.yaml: base_url must be an http(s) URL");
		c->base_url = NULL;
	}
	if (c->theme != NULL && (strchr(c->theme, '/') != NULL ||
	    c->theme[0] == '.')) {
		v = ymap_get(root, "theme");
		diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
		    "site.yaml: theme must be a plain folder name");
		c->theme = "default";
	}
	if ((card = ymap_get(root, "card")) != NULL && card->type == Y_MAP) {
		cfg_str(s, card, "paper", &str, path);
		if (str != NULL && (strcmp(str, "a4") == 0 ||
		    strcmp(str, "letter") == 0))
			c->paper = str;
		else if (str != NULL) {
			v = ymap_get(card, "paper");
			diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
			    "site.yaml: card.paper must be a4 or letter");
		}
	}
	if ((v = ymap_get(root, "unsafe_html")) != NULL) {
		if (ybool(v, &bv))
			c->unsafe_html = bv;
		else
			diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
			    "site.yaml: unsafe_html must be true or false");
	}
	if ((v = ymap_get(root, "slugs")) != NULL) {
		if (ystr(v) && strcmp(v->s, "github") == 0)
			c->slugs = SLUG_GITHUB;
		else if (ystr(v) && strcmp(v->s, "gitlab") == 0)
			c->slugs = SLUG_GITLAB;
		else
			diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
			    "site.yaml: slugs must be github or gitlab");
	}
	if ((v = ymap_get(root, "contacts")) != NULL) {
		if (v->type == Y_SEQ)
			c->contacts = (struct ynode *)v;
		else
			diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
			    "site.yaml: contacts must be a list");
	}
	if ((v = ymap_get(root, "rules")) != NULL) {
		if (v->type != Y_MAP) {
			diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
			    "site.yaml: rules must map rule ids to error, "
			    "warning or off");
			goto out;
		}
		for (i = 0; i < v->n; i++) {
			r = rule_lookup(v->keys[i]->s);
			sev = ystr(v->items[i]) ? severity_parse(
			    v->items[i]->s) : -1;
			if (v->items[i]->type == Y_BOOL && !v->items[i]->b)
				sev = SEV_OFF;
			if (r == -1)
				diag_add(&s->diags, path, v->keys[i]->line,
				    v->keys[i]->col, R_SCHEMA, "site.yaml: "
				    "unknown rule '%s'", v->keys[i]->s);
			else if (sev == -1)
				diag_add(&s->diags, path, v->items[i]->line,
				    v->items[i]->col, R_SCHEMA, "site.yaml: "
				    "severity must be error, warning or off");
			else
				c->sev[r] = (enum severity)sev;
		}
	}
out:
	buf_free(&b);
	free(path);
}

/* Returns 1 if s is a valid YYYY-MM-DD date. */
static int
valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int y, m, d;
	char extra;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d,
	    &extra) != 3 || s[4] != '-' || s[7] != '-')
		return 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return 0;
	return 1;
}

/*
 * Writes today's date (YYYY-MM-DD) into out: arg (--today) when given,
 * else SOURCE_DATE_EPOCH, else the clock; no other clock reading reaches
 * output.  Returns 0, or -1 with a message for a malformed one.
 */
int
today_date(const char *arg, char out[11])
{
	const char *sde;
	struct tm tm;
	time_t t;

	if (arg != NULL) {
		if (!valid_date(arg)) {
			fprintf(stderr, "rbc: --today wants YYYY-MM-DD, not "
			    "'%s'\n", arg);
			return -1;
		}
		memcpy(out, arg, 10);
		out[10] = '\0';
		return 0;
	}
	if ((sde = getenv("SOURCE_DATE_EPOCH")) != NULL && *sde != '\0') {
		char *end;
		long long v = strtoll(sde, &end, 10);
		if (*end != '\0' || v < 0) {
			fprintf(stderr, "rbc: SOURCE_DATE_EPOCH is not a number "
			    "of seconds: '%s'\n", sde);
			return -1;
		}
		t = (time_t)v;
	} else
		t = time(NULL);
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
	return 0;
}

/*
 * Opens the site: content dir, site.yaml, rule severities and today's
 * date (--today, else SOURCE_DATE_EPOCH, else the clock).  Returns 0, or
 * -1 with a message printed for a usage problem.
 */
int
site_open(struct site *s, const char *content, const char *today)
{
	char *slash;
	size_t n;

	memset(s, 0, sizeof(*s));
	s->arena = arena_new_big();
	n = strlen(content);
	while (n > 1 && content[n - 1] == '/')
		n--;
	s->content = xstrndup(content, n);
	s->root = xstrdup(s->content);
	if ((slash = strrchr(s->root, '/')) == NULL)
		strcpy(s->root, ".");
	else if (slash == s->root)
		slash[1] = '\0';
	else
		*slash = '\0';
	diags_init(&s->diags, s->cfg.sev);
	if (today_date(today, s->today) == -1)
		return -1;
	{
		struct stat st;
		if (stat(s->content, &st) == -1 || !S_ISDIR(st.st_mode)) {
			fprintf(stderr, "rbc: %s: not a content directory\n",
			    s->content);
			return -1;
		}
	}
	load_config(s);
	return 0;
}

/* Collects every runbook path and every other file of the tree. */
int
site_walk(struct site *s)
{
	struct walk w;
	char real[PATH_MAX];

	memset(&w, 0, sizeof(w));
	w.s = s;
	if (realpath(s->content, real) == NULL) {
		diag_add(&s->diags, s->content, 0, 0, R_IO, "cannot resolve: "
		    "%s", strerror(errno));
		return -1;
	}
	w.real = real;
	walk_dir(&w, "");
	if (w.nmd > 1)
		qsort(w.md, w.nmd, sizeof(*w.md), strpcmp);
	if (w.nother > 1)
		qsort(w.other, w.nother, sizeof(*w.other), strpcmp);
	s->rb = xcalloc(w.nmd ? w.nmd : 1, sizeof(*s->rb));
	s->n = 0;
	s->files = w.other;
	s->nfiles = w.nother;
	/* Runbooks are read by the caller, in this sorted order. */
	s->rbpaths = w.md;
	s->nrbpaths = w.nmd;
	return 0;
}

/*
 * The newlines of s[0..n): how many (nl_count), and the offset after
 * each, in order (nl_ends).  Sixteen bytes at a time where the CPU has
 * SSE2: a runbook's lines are 20 bytes long on average, so a memchr a
 * line cost more in calls than in looking.
 */
static size_t
nl_count(const char *s, size_t n)
{
	size_t i = 0, c = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');

	for (; i + 16 <= n; i += 16)
		c += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const
		    void *)(s + i)), nl)));
#endif
	for (; i < n; i++)
		c += s[i] == '\n';
	return c;
}

static void
nl_ends(const char *s, size_t n, size_t *out)
{
	size_t i = 0;

#ifdef __SSE2__
	const __m128i nl = _mm_set1_epi8('\n');
	unsigned m;

	for (; i + 16 <= n; i += 16)
		for (m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)(s + i)),
		    nl)); m != 0; m &= m - 1)
			*out++ = i + (size_t)__builtin_ctz(m) + 1;
#endif
	for (; i < n; i++)
		if (s[i] == '\n')
			*out++ = i + 1;
}

/* Builds the line table of r's source. */
static void
index_lines(struct runbook *r)
{
	const char *d = r->raw.data;
	size_t len = d != NULL ? r->raw.len : 0, n = 1 + nl_count(d, len);

	r->src.lines = arena_alloc(r->arena, n * sizeof(size_t));
	r->src.lines[0] = 0;
	nl_ends(d, len, r->src.lines + 1);
	r->src.nlines = n;
	r->src.data = r->raw.data;
	r->src.len = r->raw.len;
}

/* Returns the 1-based line and character column of byte offset off. */
void
src_pos(const struct srcfile *f, size_t off, int *line, int *col)
{
	size_t lo = 0, hi = f->nlines;

	if (off > f->len)
		off = f->len;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (f->lines[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (int)lo + 1;
	*col = (int)utf8_count(f->data + f->lines[lo], off - f->lines[lo]) + 1;
}

/* Returns the character column of 1-based byte column bytecol on line. */
int
src_col(const struct srcfile *f, int line, int bytecol)
{
	size_t start, end, n;

	if (line < 1 || (size_t)line > f->nlines || bytecol < 1)
		return bytecol;
	start = f->lines[line - 1];
	end = (size_t)line < f->nlines ? f->lines[line] : f->len;
	n = (size_t)bytecol - 1;
	if (n > end - start)
		n = end - start;
	return (int)utf8_count(f->data + start, n) + 1;
}

/* Replaces invalid UTF-8 with '?' (same length), reporting each line. */
static void
check_utf8(struct runbook *r)
{
	char *p = r->raw.data;
	size_t len = r->raw.len, off = 0, k;
	int line, col, last = 0, reported = 0;

	while (off < len) {
		k = utf8_valid(p + off, len - off);
		off += k;
		if (off >= len)
			break;
		r->bad_utf8 = 1;
		src_pos(&r->src, off, &line, &col);
		if (line != last && reported < 20) {
			diag_add(&r->diags, r->src.path, line, col,
			    R_UTF8_INVALID, "invalid UTF-8 byte 0x%02x",
			    (unsigned char)p[off]);
			reported++;
			last = line;
		}
		p[off++] = '?';
	}
}

/* Returns the runbook at content-relative path rel, read and checked. */
struct runbook *
runbook_read(struct site *s, const char *rel)
{
	struct runbook *r;
	char *abs, *p;
	int rc;

	r = xcalloc(1, sizeof(*r));
	r->arena = arena_new();
	diags_init(&r->diags, s->cfg.sev);
	r->rel = arena_strdup(r->arena, rel);
	abs = path_join(s->content, rel);
	r->src.path = arena_strdup(r->arena, abs);
	free(abs);
	rc = read_file(r->src.path, &r->raw, RBC_MAX_FILE);
	if (rc != 0) {
		if (rc == -2)
			diag_add(&r->diags, r->src.path, 0, 0, R_LIMIT,
			    "file larger than %u bytes: not compiled",
			    RBC_MAX_FILE);
		else
			diag_add(&r->diags, r->src.path, 0, 0, R_IO,
			    "cannot read: %s", strerror(errno));
		buf_reset(&r->raw);
		buf_cstr(&r->raw);
		r->unreadable = 1;
	}
	/* Lone CRs end lines for cmark and libyaml; make them count here. */
	for (p = r->raw.data; r->raw.len > 0 && (p = memchr(p, '\r', r->raw.len -
	    (size_t)(p - r->raw.data))) != NULL; p++)
		if ((size_t)(p - r->raw.data) + 1 == r->raw.len || p[1] != '\n')
			*p = '\n';
	index_lines(r);
	check_utf8(r);
	if (!r->unreadable)
		fm_parse(s, r);
	if (r->id == NULL) {
		r->id = arena_strndup(r->arena, rel, strlen(rel) - 3);
	}
	r->name = arena_strdup(r->arena, r->id);
	for (p = r->name; *p != '\0'; p++)
		if (*p == '/')
			*p = '-';
	return r;
}

void
runbook_free(struct runbook *r)
{
	if (r == NULL)
		return;
	if (r->light) {
		/* A light runbook's parts live in the site's arena. */
		r->heads = NULL;
		r->links = NULL;
	} else
		arena_free(r->arena);
	md_free(r);
	free(r->backlinks);
	free(r->smask);
	diags_free(&r->diags);
	buf_free(&r->raw);
	free(r);
}

void
site_close(struct site *s)
{
	size_t i;

	spool_close(s);
	shared_close(s);
	for (i = 0; i < s->n; i++)
		runbook_free(s->rb[i]);
	free(s->rb);
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i]);
	free(s->files);
	for (i = 0; i < s->nrbpaths; i++)
		free(s->rbpaths[i]);
	free(s->rbpaths);
	free(s->ids);
	strtab_free(&s->byid);
	recwin_free(s);
	for (i = 0; i < (size_t)s->nrecf; i++)
		if (s->recf[i] != NULL)
			fclose(s->recf[i]);
	free(s->recf);
	free(s->reck);
	free(s->recoff);
	free(s->todo);
	cache_free(s->cache);
	if (s->tpl != NULL)
		mustache_free(s->tpl);
	diags_free(&s->diags);
	arena_free(s->arena);
	if (s->arena2 != NULL)
		arena_free(s->arena2);
	free(s->content);
	free(s->root);
}

static int
idcmp(const void *a, const void *b)
{
	const struct idref *x = a, *y = b;

	return strcmp(x->id, y->id);
}

/* Returns where id is in the sorted ids, by bisection; -1 if nowhere. */
static int
find_sorted(const struct site *s, const char *id)
{
	size_t lo = 0, hi = s->n;
	int c;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		c = strcmp(id, s->ids[mid].id);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

/*
 * Builds the id tables for site_find: the ids sorted, and a hash table
 * over them.  A duplicate id (an error, reported elsewhere) finds the
 * runbook that bisection of the sorted ids finds, as it always has.
 */
void
site_index_ids(struct site *s)
{
	size_t i;
	int at;

	free(s->ids);
	strtab_free(&s->byid);
	s->ids = xcalloc(s->n ? s->n : 1, sizeof(*s->ids));
	for (i = 0; i < s->n; i++) {
		s->ids[i].id = s->rb[i]->id;
		s->ids[i].idx = (int)i;
	}
	/* Ids follow paths unless front-matter says otherwise: often
	 * sorted already. */
	for (i = 1; i < s->n && idcmp(&s->ids[i - 1], &s->ids[i]) <= 0; i++)
		;
	if (i < s->n)
		qsort(s->ids, s->n, sizeof(*s->ids), idcmp);
	strtab_init(&s->byid, s->n);
	for (i = 0; i < s->n; i++) {
		if (i > 0 && strcmp(s->ids[i].id, s->ids[i - 1].id) == 0)
			continue;
		at = (int)i;
		if (i + 1 < s->n && strcmp(s->ids[i].id, s->ids[i + 1].id) == 0)
			at = find_sorted(s, s->ids[i].id);
		strtab_add(&s->byid, s->ids[i].id, s->ids[at].idx);
	}
}

/* Returns the index of the runbook with this id, or -1. */
int
site_find(const struct site *s, const char *id)
{
	return strtab_find(&s->byid, id);
}

/*
 * Returns the arena of the parent's second thread, made the first time:
 * the light runbooks share the site's arena, which only one thread may
 * write at a time.
 */
struct arena *
arena2(struct site *s)
{
	if (s->arena2 == NULL)
		s->arena2 = arena_new_big();
	return s->arena2;
}

/* Returns 1 if rel (content-relative) is a non-runbook file of the site. */
int
site_has_file(const struct site *s, const char *rel)
{
	return strv_find(s->files, s->nfiles, rel) != -1;
}
