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

#include "stages.h"

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
		/* Hugo's home page text, content/_index.md, is one. */
		if (de->d_name[0] == '.' || (de->d_name[0] == '_' &&
		    (rel[0] != '\0' || strcmp(de->d_name, "_index.md") != 0)))
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
		} else if (str_has_suffix(sub, ".md"))
			diag_add(&w->s->diags, subabs, 0, 0, R_IO, "not a "
			    "regular file (a FIFO, device or socket): refused");
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
	c->anchors = ANCHORS_GITHUB;
	for (i = 0; i < R__MAX; i++)
		c->sev[i] = rule_table[i].def;
	if ((r = read_file(path, &b, RBC_MAX_FM)) != 0) {
		if (r == -2)
			diag_add(&s->diags, path, 0, 0, R_LIMIT,
			    "site.yaml larger than %u bytes", RBC_MAX_FM);
		else if (r == -3 || errno != ENOENT)
			diag_add(&s->diags, path, 0, 0, R_IO, "cannot read: "
			    "%s", read_error(r));
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
	if (c->base_url != NULL && !url_http_absolute(c->base_url)) {
		v = ymap_get(root, "base_url");
		diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
		    "site.yaml: base_url must be an absolute http(s) URL "
		    "with a host and nothing before it (no user:password@)");
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
	if ((v = ymap_get(root, "extract")) != NULL) {
		if (ybool(v, &bv))
			c->no_extract = !bv;
		else
			diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
			    "site.yaml: extract must be true or false");
	}
	/* anchors:, or its older name slugs: (github or gitlab). */
	if ((v = ymap_get(root, "anchors")) != NULL ||
	    (v = ymap_get(root, "slugs")) != NULL) {
		if (ystr(v) && strcmp(v->s, "github") == 0)
			c->anchors = ANCHORS_GITHUB;
		else if (ystr(v) && strcmp(v->s, "gitlab") == 0)
			c->anchors = ANCHORS_GITLAB;
		else if (ystr(v) && strcmp(v->s, "strict") == 0 &&
		    ymap_get(root, "anchors") == v)
			c->anchors = ANCHORS_STRICT;
		else
			diag_add(&s->diags, path, v->line, v->col, R_SCHEMA,
			    "site.yaml: %s must be github, gitlab or strict",
			    ymap_get(root, "anchors") == v ? "anchors" :
			    "slugs (the older name of anchors:)");
		c->slugs = c->anchors == ANCHORS_GITLAB ? SLUG_GITLAB :
		    SLUG_GITHUB;
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
	alerts_open(s);
	codeowners_open(s);
	return 0;
}

/* Collects every runbook path and every other file of the tree. */
/*
 * Keeps the content root's _index.md (Hugo's home page text) only where
 * it is the home page's text: no index.md or README.md beside it.  It is
 * no runbook, as no file whose name starts with '_' is.
 */
static void
home_text(struct walk *w)
{
	size_t i, at = w->nmd;
	int other = 0;

	for (i = 0; i < w->nmd; i++)
		if (strcmp(w->md[i], "_index.md") == 0)
			at = i;
		else if (strcmp(w->md[i], "index.md") == 0 ||
		    strcasecmp(w->md[i], "README.md") == 0)
			other = 1;
	if (at == w->nmd || !other)
		return;
	free(w->md[at]);
	memmove(w->md + at, w->md + at + 1, (w->nmd - at - 1) *
	    sizeof(*w->md));
	w->nmd--;
}

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
	home_text(&w);
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
 * Reports, in r's body, what no reader should get: NUL, C0 controls but
 * tab and newline, DEL (HTML forbids them; a terminal obeys them), and
 * the bidi embeddings, overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069) that show text in another order than it is copied.
 * Eight bytes at a time while none of them can be one (0xE2 leads those
 * bidi controls).
 */
static void
check_controls(struct runbook *r)
{
	const unsigned char *p = (const unsigned char *)r->raw.data;
	size_t len = r->raw.len, i = r->body_off <= len ? r->body_off : 0;
	int line, col, reported = 0;
	uint64_t x;

	while (i < len && reported < 20) {
		if (i + 8 <= len) {
			memcpy(&x, p + i, 8);
			if (((((x) - REP(0x20)) & ~(x) & 0x8080808080808080ULL) |
			    HAS_BYTE(x, REP(0x7f)) | HAS_BYTE(x, REP(0xe2))) ==
			    0) {
				i += 8;
				continue;
			}
		}
		if ((p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
		    p[i] != '\r') || p[i] == 0x7f) {
			src_pos(&r->src, i, &line, &col);
			diag_add(&r->diags, r->src.path, line, col,
			    R_CONTROL_CHAR, "control character U+%04X in the "
			    "text: HTML forbids it and a terminal obeys it",
			    p[i]);
			reported++;
		} else if (p[i] == 0xe2 && i + 2 < len && ((p[i + 1] == 0x80 &&
		    p[i + 2] >= 0xaa && p[i + 2] <= 0xae) || (p[i + 1] == 0x81 &&
		    p[i + 2] >= 0xa6 && p[i + 2] <= 0xa9))) {
			src_pos(&r->src, i, &line, &col);
			diag_add(&r->diags, r->src.path, line, col,
			    R_CONTROL_CHAR, "bidi control U+%04X in the text: "
			    "it shows what follows in another order than a "
			    "reader copies it", 0x2000u | ((p[i + 1] & 0x3u) << 6) |
			    (p[i + 2] & 0x3fu));
			reported++;
		}
		i++;
	}
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
	r->home = rel_is_home(s, rel);
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
			    "cannot read: %s", read_error(rc));
		buf_reset(&r->raw);
		buf_cstr(&r->raw);
		r->unreadable = 1;
	}
	/* Lone CRs end lines for cmark and libyaml; make them count here. */
	for (p = r->raw.data; r->raw.len > 0 && (p = memchr(p, '\r', r->raw.len -
	    (size_t)(p - r->raw.data))) != NULL; p++)
		if ((size_t)(p - r->raw.data) + 1 == r->raw.len || p[1] != '\n')
			*p = '\n';
	r->src.data = r->raw.data;
	r->src.len = r->raw.len;
	src_lines(&r->src, r->arena);
	check_utf8(r);
	if (!r->unreadable)
		fm_parse(s, r);
	if (!r->unreadable && diag_on(&r->diags, R_CONTROL_CHAR))
		check_controls(r);
	if (r->id == NULL) {
		r->id = arena_strndup(r->arena, rel, strlen(rel) - 3);
	}
	{
		char *nm = id_name(r->id);
		r->name = arena_strdup(r->arena, nm);
		free(nm);
	}
	r->page = r->id;
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
	strtab_free(&s->wiki);
	diags_free(&s->diags);
	alerts_free(s);
	codeowners_free(s);
	free(s->sect_dir);
	free(s->sect_title);
	arena_free(s->arena);
	free(s->content);
	free(s->root);
}

