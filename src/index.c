/*
 * Index: the scan pass over all runbooks.  Ids (valid, unique also without
 * case), link resolution (relative Markdown links, wiki links, in-page
 * anchors, related: ids) and backlinks.  Resolution lives here only;
 * every renderer asks link_href() or reads struct link.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "stages.h"

/*
 * Returns 1 if id is a valid runbook id (SPEC §3 "Ids"): any file name a
 * repository can hold, in /-separated parts, none empty, "." or "..",
 * none starting with '_' or '.', and no control character.
 */
int
id_valid(const char *id)
{
	const unsigned char *p = (const unsigned char *)id;

	if (*p == '\0')
		return 0;
	for (;;) {
		if (*p == '/' || *p == '\0' || *p == '_' || *p == '.')
			return 0;
		for (; *p != '/' && *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				return 0;
		if (*p == '\0')
			return 1;
		p++;
	}
}

/*
 * Returns a valid id for an invalid one: empty, "." and ".." parts
 * dropped, control characters made '_', and a part that starts with '_'
 * or '.' prefixed with "x".
 */
static char *
id_sanitize(struct arena *a, const char *id)
{
	struct buf b = { NULL, 0, 0 };
	const char *p = id, *e;
	char *out;

	for (; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p || (e - p == 1 && *p == '.') ||
		    (e - p == 2 && p[0] == '.' && p[1] == '.'))
			continue;
		if (b.len)
			buf_putc(&b, '/');
		if (*p == '_' || *p == '.')
			buf_putc(&b, 'x');
		for (; p < e; p++)
			buf_putc(&b, (unsigned char)*p < 0x20 || *p == 0x7f ?
			    '_' : *p);
	}
	if (b.len == 0)
		buf_putc(&b, 'x');
	out = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return out;
}

/* A part of a page's path longer than this is cut and given a digest, so
 * that the file name with ".html" stays within NAME_MAX (255 bytes). */
#define PAGE_PART_MAX	240

/* Returns 1 if rel's file name (after its last '/') is name, in any case. */
static int
base_is(const char *rel, const char *name)
{
	const char *b = strrchr(rel, '/');

	return strcasecmp(b != NULL ? b + 1 : rel, name) == 0;
}

/*
 * Sets r->page and r->home (SPEC §3, §5): the content root's index.md,
 * else its README.md, is the home page's text, whatever its id; a
 * folder's README.md is its page (dir/index.html) unless the folder has
 * an index.md; any other runbook's page is its id.  Only an id taken from
 * the path moves (a README's); a long
 * part of the page's path is cut and given a digest of the whole id.
 */
static void
set_page(struct site *s, struct runbook *r)
{
	size_t n = strlen(r->rel);
	struct buf b = { NULL, 0, 0 };
	const char *p, *e;
	char *sib;
	int derived;

	r->home = 0;
	r->page = r->id;
	derived = n > 3 && strlen(r->id) == n - 3 &&
	    strncmp(r->id, r->rel, n - 3) == 0;
	if (rel_is_home(s, r->rel)) {
		r->home = 1;
		r->page = "index";
		return;
	}
	if (derived && base_is(r->rel, "README.md")) {
		sib = xasprintf("%.*sindex.md", (int)(n - 9), r->rel);
		if (strv_find(s->rbpaths, s->nrbpaths, sib) == -1) {
			sib[n - 9 + 5] = '\0';	/* "dir/index" */
			r->page = arena_strdup(r->arena, sib);
		}
		free(sib);
	}
	for (p = r->page; ; p = e + 1) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) > PAGE_PART_MAX)
			break;
		if (*e == '\0')
			return;
	}
	/* A part too long for a file name. */
	for (p = r->page; ; p = e + 1) {
		size_t k;
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if ((size_t)(e - p) <= PAGE_PART_MAX)
			buf_put(&b, p, (size_t)(e - p));
		else {
			/* Cut where a UTF-8 character starts. */
			for (k = PAGE_PART_MAX - 17; k > 0 &&
			    ((unsigned char)p[k] & 0xc0) == 0x80; k--)
				;
			buf_put(&b, p, k);
			buf_printf(&b, "-%016llx", (unsigned long long)
			    hash_str(HASH64_INIT, r->id));
		}
		if (*e == '\0')
			break;
		buf_putc(&b, '/');
	}
	r->page = arena_strdup(r->arena, buf_cstr(&b));
	buf_free(&b);
}

static int
case_cmp(const void *a, const void *b)
{
	const struct runbook *x = *(struct runbook *const *)a;
	const struct runbook *y = *(struct runbook *const *)b;
	int c = strcasecmp(x->id, y->id);

	return c ? c : strcmp(x->rel, y->rel);
}

static int
name_cmp(const void *a, const void *b)
{
	const struct runbook *x = *(struct runbook *const *)a;
	const struct runbook *y = *(struct runbook *const *)b;
	int c = strcasecmp(x->name, y->name);

	return c ? c : strcmp(x->rel, y->rel);
}

static void
id_pos(const struct runbook *r, int *line, int *col)
{
	*line = r->id_line > 0 ? r->id_line : 1;
	*col = r->id_col > 0 ? r->id_col : 1;
}

/* Gives r the man page and card name of its (new) id. */
static void
rename_id(struct runbook *r)
{
	char *nm = id_name(r->id);

	r->name = arena_strdup(r->arena, nm);
	free(nm);
}

static void
check_ids(struct site *s)
{
	struct runbook **v;
	size_t i;
	int line, col;

	for (i = 0; i < s->n; i++) {
		struct runbook *r = s->rb[i];
		/* Hugo's home page text has index.md's id. */
		if (strcmp(r->rel, "_index.md") == 0 &&
		    strcmp(r->id, "_index") == 0)
			r->id = arena_strdup(r->arena, "index");
		if (strlen(r->id) > RBC_MAX_ID) {
			id_pos(r, &line, &col);
			diag_add(&r->diags, r->src.path, line, col,
			    R_ID_INVALID, "id is %zu bytes long, more than %d",
			    strlen(r->id), RBC_MAX_ID);
			r->id = arena_strndup(r->arena, r->id, RBC_MAX_ID);
			rename_id(r);
		} else if (!id_valid(r->id)) {
			id_pos(r, &line, &col);
			diag_add(&r->diags, r->src.path, line, col,
			    R_ID_INVALID, "id '%s' is not valid: a part is "
			    "empty, '.' or '..', starts with '_' or '.', or "
			    "holds a control character", r->id);
			r->id = id_sanitize(r->arena, r->id);
			rename_id(r);
		}
		set_page(s, r);
	}
	v = xreallocarray(NULL, s->n ? s->n : 1, sizeof(*v));
	memcpy(v, s->rb, s->n * sizeof(*v));
	for (i = 1; i < s->n && case_cmp(&v[i - 1], &v[i]) <= 0; i++)
		;
	if (i < s->n)
		qsort(v, s->n, sizeof(*v), case_cmp);
	for (i = 1; i < s->n; i++) {
		if (strcasecmp(v[i]->id, v[i - 1]->id) != 0)
			continue;
		id_pos(v[i], &line, &col);
		diag_add(&v[i]->diags, v[i]->src.path, line, col,
		    R_ID_DUPLICATE, strcmp(v[i]->id, v[i - 1]->id) == 0 ?
		    "id '%s' is also the id of %s" : "id '%s' differs only "
		    "in case from the id of %s (breaks checkouts on macOS and "
		    "Windows)", v[i]->id, v[i - 1]->src.path);
	}
	/* Distinct ids, one output name: "a/b" and "a-b" would write the
	 * same man page and card. */
	for (i = 1; i < s->n && name_cmp(&v[i - 1], &v[i]) <= 0; i++)
		;
	if (i < s->n)
		qsort(v, s->n, sizeof(*v), name_cmp);
	for (i = 1; i < s->n; i++) {
		if (strcasecmp(v[i]->name, v[i - 1]->name) != 0 ||
		    strcasecmp(v[i]->id, v[i - 1]->id) == 0)
			continue;
		id_pos(v[i], &line, &col);
		diag_add(&v[i]->diags, v[i]->src.path, line, col,
		    R_ID_DUPLICATE, "id '%s' makes the same man page and card "
		    "name (%s) as the id '%s' of %s", v[i]->id, v[i]->name,
		    v[i - 1]->id, v[i - 1]->src.path);
	}
	free(v);
}

/*
 * Writes the decoded %XX form of s[0..n) into o (n + 1 bytes, or s itself
 * if it holds a %); returns o.
 */
static char *
pct_decode_into(char *o, const char *s, size_t n)
{
	char *q = o;
	size_t i;

	if (memchr(s, '%', n) == NULL) {
		memcpy(o, s, n);
		o[n] = '\0';
		return o;
	}
	for (i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n &&
		    isxdigit((unsigned char)s[i + 1]) &&
		    isxdigit((unsigned char)s[i + 2])) {
			char h[3] = { s[i + 1], s[i + 2], '\0' };
			*q++ = (char)strtol(h, NULL, 16);
			i += 2;
		} else
			*q++ = s[i];
	}
	*q = '\0';
	return o;
}

/* Returns the decoded %XX form of s[0..n). */
char *
pct_decode(const char *s, size_t n)
{
	return pct_decode_into(xmalloc(n + 1), s, n);
}

/* A short string on the stack, a long one on the heap. */
#define SHORT	256
#define short_get(sb, n)	((n) < SHORT ? (sb) : xmalloc((n) + 1))
#define short_free(sb, p)	do { if ((p) != (sb)) free(p); } while (0)

/* Returns 1 if dest starts with a URL scheme or is protocol-relative. */
static int
has_scheme(const char *d)
{
	const char *p = d;

	/* RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), in ASCII
	 * whatever the locale; 2 for ALPHA, 1 for the others. */
	static const unsigned char sch[256] = {
		['+'] = 1, ['-'] = 1, ['.'] = 1,
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
		['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
		['A'] = 2, ['B'] = 2, ['C'] = 2, ['D'] = 2, ['E'] = 2,
		['F'] = 2, ['G'] = 2, ['H'] = 2, ['I'] = 2, ['J'] = 2,
		['K'] = 2, ['L'] = 2, ['M'] = 2, ['N'] = 2, ['O'] = 2,
		['P'] = 2, ['Q'] = 2, ['R'] = 2, ['S'] = 2, ['T'] = 2,
		['U'] = 2, ['V'] = 2, ['W'] = 2, ['X'] = 2, ['Y'] = 2,
		['Z'] = 2,
		['a'] = 2, ['b'] = 2, ['c'] = 2, ['d'] = 2, ['e'] = 2,
		['f'] = 2, ['g'] = 2, ['h'] = 2, ['i'] = 2, ['j'] = 2,
		['k'] = 2, ['l'] = 2, ['m'] = 2, ['n'] = 2, ['o'] = 2,
		['p'] = 2, ['q'] = 2, ['r'] = 2, ['s'] = 2, ['t'] = 2,
		['u'] = 2, ['v'] = 2, ['w'] = 2, ['x'] = 2, ['y'] = 2,
		['z'] = 2,
	};

	if (d[0] == '/' && d[1] == '/')
		return 1;
	/* No colon, no scheme: most destinations end here. */
	if (sch[(unsigned char)*p] != 2 || strchr(p, ':') == NULL)
		return 0;
	while (sch[(unsigned char)*p] != 0)
		p++;
	return *p == ':';
}

/*
 * Returns the normalised content-relative form of path (relative to the
 * directory of from, or to the root if it starts with /), or NULL if it
 * leaves the content directory.
 */
char *
resolve_path(const char *from, const char *path)
{
	struct buf b = { NULL, 0, 0 };
	const char *slash = strrchr(from, '/'), *p, *e;
	char *out;

	if (path[0] != '/' && slash != NULL)
		buf_put(&b, from, (size_t)(slash - from));
	for (p = path; *p != '\0'; p = *e ? e + 1 : e) {
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p || (e - p == 1 && p[0] == '.'))
			continue;
		if (e - p == 2 && p[0] == '.' && p[1] == '.') {
			char *last;
			if (b.len == 0) {
				buf_free(&b);
				return NULL;
			}
			buf_cstr(&b);
			last = strrchr(b.data, '/');
			b.len = last ? (size_t)(last - b.data) : 0;
			b.data[b.len] = '\0';
			continue;
		}
		if (b.len)
			buf_putc(&b, '/');
		buf_put(&b, p, (size_t)(e - p));
	}
	out = buf_detach(&b);
	return out;
}

/* Returns the runbook whose path under content/ is rel, or -1. */
static int
find_rel(const struct strtab *rels, const char *rel)
{
	return strtab_find(rels, rel);
}

/*
 * Returns 1 if rel is a regular file (dir 0) or a folder (dir 1) inside
 * the content directory, never through a symbolic link that leaves it.
 */
static int
content_has(const struct site *s, const char *rel, int dir)
{
	char real[PATH_MAX], top[PATH_MAX], *abs;
	struct stat st;
	size_t n;
	int ok;

	abs = path_join(s->content, rel);
	ok = stat(abs, &st) == 0 && (dir ? S_ISDIR(st.st_mode) :
	    S_ISREG(st.st_mode)) && realpath(abs, real) != NULL &&
	    realpath(s->content, top) != NULL;
	free(abs);
	if (!ok)
		return 0;
	n = strlen(top);
	return strncmp(real, top, n) == 0 && (real[n] == '/' || n == 1);
}

/*
 * Returns 1 if rel, a path with a segment that starts with "_" or "."
 * (which the walk leaves out: only runbooks skip those names), is a
 * regular file inside the content directory.
 */
static int
hidden_file(const struct site *s, const char *rel)
{
	const char *p;

	for (p = rel; *p != '\0'; p++)
		if ((p == rel || p[-1] == '/') && (*p == '_' || *p == '.'))
			break;
	return *p != '\0' && content_has(s, rel, 0);
}

/*
 * Returns Hugo's section page of folder dir (dir[0..n)): dir/_index.md,
 * no runbook but a file, copied into a; or NULL if there is none.
 */
static char *
section_page(const struct site *s, struct arena *a, const char *dir,
    size_t n)
{
	char *p = xasprintf("%.*s%s_index.md", (int)n, dir, n > 0 ? "/" : ""),
	    *r = hidden_file(s, p) ? arena_strdup(a, p) : NULL;

	free(p);
	return r;
}

/*
 * Reads the titles of Hugo's section pages of the top-level folders the
 * index groups runbooks by (a folder's _index.md front-matter title),
 * once a build, in the parent: the index page, the site's digest and
 * every worker read them from the site.
 */
static void
section_titles(struct site *s)
{
	struct buf b = { NULL, 0, 0 };
	const char *name, *title, *last = NULL;
	size_t i, n, lastn = 0;
	char *page, *path;

	s->nsect = 0;
	for (i = 0; i < s->n; i++) {
		if (runbook_group(s->rb[i], &name, &n) != 1 ||
		    (last != NULL && lastn == n && strncmp(last, name, n) == 0))
			continue;
		last = name;
		lastn = n;
		if ((page = section_page(s, s->arena, name, n)) == NULL)
			continue;
		path = path_join(s->content, page);
		title = read_file(path, &b, RBC_MAX_FILE) == 0 ?
		    fm_title(s->arena, b.data, b.len) : NULL;
		free(path);
		if (title == NULL)
			continue;
		s->sect_dir = xreallocarray(s->sect_dir, s->nsect + 1,
		    sizeof(*s->sect_dir));
		s->sect_title = xreallocarray(s->sect_title, s->nsect + 1,
		    sizeof(*s->sect_title));
		s->sect_dir[s->nsect] = arena_strndup(s->arena, name, n);
		s->sect_title[s->nsect++] = title;
	}
	buf_free(&b);
}

/* The title of Hugo's section page of top-level folder dir[0..n), or
 * NULL (section_titles). */
const char *
section_title(const struct site *s, const char *dir, size_t n)
{
	size_t i;

	for (i = 0; i < s->nsect; i++)
		if (strlen(s->sect_dir[i]) == n &&
		    strncmp(s->sect_dir[i], dir, n) == 0)
			return s->sect_title[i];
	return NULL;
}

/*
 * The group the index lists runbook r in (SPEC §5): its service (kind 0),
 * else the top-level folder it is in (kind 1, *n bytes of *name), else
 * the content root's (kind 2, no name).
 */
int
runbook_group(const struct runbook *r, const char **name, size_t *n)
{
	const char *slash;

	if (r->service != NULL && *r->service != '\0') {
		*name = r->service;
		*n = strlen(r->service);
		return 0;
	}
	if (r->rel != NULL && (slash = strchr(r->rel, '/')) != NULL) {
		*name = r->rel;
		*n = (size_t)(slash - r->rel);
		return 1;
	}
	*name = "";
	*n = 0;
	return 2;
}

/* Orders the groups of x and y: services, then folders, each in natural
 * order, then the root's. */
int
group_cmp(const struct runbook *x, const struct runbook *y)
{
	const char *nx, *ny;
	size_t lx, ly;
	int kx = runbook_group(x, &nx, &lx), ky = runbook_group(y, &ny, &ly);

	if (kx != ky)
		return kx < ky ? -1 : 1;
	return natncmp(nx, lx, ny, ly);
}

/*
 * Appends the id of the index's list of a group (runbook_group): "rbc-svc-"
 * or "rbc-dir-" and the name, each byte but a letter, a digit or '-' as
 * _XX, so that two groups never share an id; "rbc-root" for the root's;
 * with kind 3, "rbc-files-" and a folder of other files only.
 */
void
group_anchor(struct buf *b, int kind, const char *name, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	if (kind == 2) {
		BUF_PUTSL(b, "rbc-root");
		return;
	}
	if (kind == 0)
		BUF_PUTSL(b, "rbc-svc-");
	else if (kind == 3)
		BUF_PUTSL(b, "rbc-files-");
	else
		BUF_PUTSL(b, "rbc-dir-");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-')
			buf_putc(b, (char)c);
		else {
			buf_putc(b, '_');
			buf_putc(b, hex[c >> 4]);
			buf_putc(b, hex[c & 15]);
		}
	}
}

/*
 * Points link l at what shows folder dir[0..n), a folder with no page of
 * its own, the way GitHub and GitLab show a folder's files: the index's
 * list of the runbooks below it (of the group that comes first among
 * theirs; the whole index for the content root), else Hugo's section
 * page, _index.md, a file.  Returns 0, or -1 if there is neither.
 */
static int
folder_link(const struct site *s, struct link *l, struct arena *a,
    const char *dir, size_t n)
{
	const struct runbook *first = NULL;
	const char *name;
	size_t i, k;
	int kind;
	struct buf b = { NULL, 0, 0 };

	for (i = 0; i < s->n; i++) {
		const struct runbook *r = s->rb[i];
		if (r->home || (n > 0 && (strncmp(r->rel, dir, n) != 0 ||
		    r->rel[n] != '/')))
			continue;
		if (first == NULL || group_cmp(r, first) < 0)
			first = r;
	}
	if (first == NULL)
		return (l->file = section_page(s, a, dir, n)) != NULL ? 0 : -1;
	l->folder = 1;
	l->frag = NULL;
	if (n > 0) {
		kind = runbook_group(first, &name, &k);
		group_anchor(&b, kind, name, k);
		l->frag = arena_strndup(a, b.data, b.len);
		buf_free(&b);
	}
	return 0;
}

/* Returns 1 if some file or runbook lives below directory dir. */
static int
is_dir(const struct site *s, const char *dir)
{
	size_t n = strlen(dir), i;

	if (n == 0)
		return 1;
	for (i = 0; i < s->nrbpaths; i++)
		if (strncmp(s->rbpaths[i], dir, n) == 0 &&
		    s->rbpaths[i][n] == '/')
			return 1;
	for (i = 0; i < s->nfiles; i++)
		if (strncmp(s->files[i], dir, n) == 0 && s->files[i][n] == '/')
			return 1;
	return 0;
}

/*
 * Returns the id of r's heading (or of an element of its page) that the
 * decoded fragment frag names, or NULL, and in *how how it matched:
 * ANCHOR_EXACT, ANCHOR_CASE (only ignoring case, as GitHub's page script
 * follows it) or ANCHOR_OTHER (only under the other slugs: GitLab's
 * collapsed hyphens where the ids are GitHub's, GitHub's where they are
 * GitLab's).  The mode decides which ids r's headings have; the caller
 * decides what a match that is not exact is worth.
 */
static const char *
anchor_find1(const struct runbook *r, const char *frag, enum anchor_mode mode,
    int *how)
{
	const char *found = NULL;
	char *low, *alt;
	size_t i;

	*how = ANCHOR_EXACT;
	for (i = 0; i < r->nheads; i++)
		if (r->heads[i].slug[0] == frag[0] &&
		    strcmp(r->heads[i].slug, frag) == 0)
			return r->heads[i].slug;
	for (i = 0; page_ids[i] != NULL; i++)
		if (strcmp(page_ids[i], frag) == 0) {
			if (page_has_id(r, frag))
				return page_ids[i];
			*how = ANCHOR_NONE;
			return NULL;
		}
	/* Ids are lower-case: the fragment lowered meets them. */
	low = slug_lower(frag, strlen(frag));
	*how = ANCHOR_CASE;
	for (i = 0; i < r->nheads && found == NULL; i++)
		if (strcmp(r->heads[i].slug, low) == 0)
			found = r->heads[i].slug;
	for (i = 0; page_ids[i] != NULL && found == NULL; i++)
		if (strcmp(page_ids[i], low) == 0) {
			if (!page_has_id(r, low)) {
				free(low);
				*how = ANCHOR_NONE;
				return NULL;
			}
			found = page_ids[i];
		}
	if (found == NULL)
		*how = ANCHOR_OTHER;
	for (i = 0; i < r->nheads && found == NULL; i++) {
		const struct heading *h = &r->heads[i];
		if (h->slug[0] == '\0')
			continue;
		alt = mode == ANCHORS_GITLAB ?
		    slug_make(h->text, strlen(h->text), SLUG_GITHUB) :
		    slug_collapse(h->slug);
		if (strcmp(alt, frag) == 0)
			found = h->slug;
		else if (strcmp(alt, low) == 0) {
			found = h->slug;
			/* GitHub's form is GitLab's too since 17.0, but
			 * GitLab matches case exactly. */
			if (mode == ANCHORS_GITLAB)
				*how = ANCHOR_CASE;
		}
		free(alt);
	}
	free(low);
	if (found == NULL)
		*how = ANCHOR_NONE;
	return found;
}

/*
 * Returns the id of r's heading (or of an element of its page) that the
 * decoded fragment frag names, or NULL, and in *how how it matched (see
 * anchor_find1), or ANCHOR_PREFIX: "#user-content-x", the id GitHub and
 * GitLab give heading x (and footnote x) on their pages, which their
 * page links with "#x".
 */
const char *
anchor_find(const struct runbook *r, const char *frag, enum anchor_mode mode,
    int *how)
{
	const char *id = anchor_find1(r, frag, mode, how);
	int h;

	if (id == NULL && strncmp(frag, "user-content-", 13) == 0 &&
	    frag[13] != '\0' && (id = anchor_find1(r, frag + 13, mode,
	    &h)) != NULL)
		*how = h == ANCHOR_EXACT ? ANCHOR_PREFIX : h;
	return id;
}

/* Returns 1 if the index leaves link l alone (a URL, an autolink). */
int
link_external(const struct link *l)
{
	return l->kind == LINK_AUTO || has_scheme(l->dest) ||
	    l->dest[0] == '\0';
}

/*
 * Returns 1 if a light runbook keeps link l (workers.c's encode): all
 * but the URLs the index leaves alone, which the scan writes into the
 * page itself (html.c's render_link; man pages need no index for them).
 * related: and wiki links are kept, URL or not: pages show an unresolved
 * one's text.  70,000 of 230,000 links go, for 10,000 runbooks.
 */
int
link_kept(const struct link *l)
{
	return l->kind == LINK_RELATED || l->kind == LINK_WIKI ||
	    !link_external(l);
}

/*
 * Returns, for each link of whole runbook r, the index it has among the
 * links its light runbook keeps (what the spool's references count), and
 * their number after the last (malloc'd, nlinks + 1 entries).
 */
uint32_t *
link_slots(const struct runbook *r)
{
	uint32_t *slot = xreallocarray(NULL, r->nlinks + 1, sizeof(*slot));
	size_t i;

	slot[0] = 0;
	for (i = 0; i < r->nlinks; i++)
		slot[i + 1] = slot[i] + (uint32_t)link_kept(&r->links[i]);
	return slot;
}

/*
 * Returns the id of the runbook link l of r reaches if one is where its
 * destination says, with the id its path gives (malloc'd), or NULL if l
 * cannot reach a runbook.  A guess made before the index exists; only
 * the index knows (resolve).
 */
char *
link_guess(const struct runbook *r, const struct link *l)
{
	const char *d = l->dest, *hash = strchr(d, '#'), *q;
	size_t n = hash != NULL ? (size_t)(hash - d) : strlen(d);
	char *path, *norm = NULL;

	if (l->kind == LINK_RELATED)
		return xstrdup(d);
	if (l->kind == LINK_WIKI)
		return n == 0 ? xstrdup(r->id) : xstrndup(d, n);
	if ((q = memchr(d, '?', n)) != NULL)
		n = (size_t)(q - d);
	if (n == 0)
		return xstrdup(r->id);
	path = pct_decode(d, n);
	norm = resolve_path(r->rel, path);
	free(path);
	if (norm != NULL && str_has_suffix(norm, ".md"))
		norm[strlen(norm) - 3] = '\0';
	else if (norm != NULL && str_has_suffix(norm, ".html"))
		norm[strlen(norm) - 5] = '\0';
	else {
		free(norm);
		norm = NULL;
	}
	return norm;
}

/* Returns the runbook r's own id names (looked up once, into *self:
 * a page's table of contents is a dozen links to itself). */
static int
self_target(const struct site *s, const struct runbook *r, int *self)
{
	if (*self == -2)
		*self = site_find(s, r->id);
	return *self;
}

static void	anchor_check(struct site *, struct runbook *, struct link *,
		    struct arena *);

/* Returns the runbook at path p + suffix, or -1. */
static int
find_with(const struct strtab *rels, const char *p, const char *suffix)
{
	char *k = xasprintf("%s%s", p, suffix);
	int t = strtab_find(rels, k);

	free(k);
	return t;
}

/*
 * Returns the runbook Hugo's ref or relref names, where the path (norm,
 * from the file's folder) is not one: norm.md, norm's folder page, else
 * the runbook whose path ends with the name given (Hugo looks pages up
 * by name too), or -1.
 */
static int
hugo_find(const struct site *s, const struct strtab *rels, const char *norm,
    const char *path)
{
	static const char *const pages[] = { ".md", "/_index.md", "/index.md",
	    "/README.md" };
	char *name;
	size_t i, n;
	int t = -1;

	for (i = 0; i < 4 && t == -1; i++)
		if (i > 0 || !str_has_suffix(norm, ".md"))
			t = find_with(rels, norm, pages[i]);
	if (t != -1)
		return t;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	if (*path == '\0' || path[0] == '/' || strncmp(path, "../", 3) == 0)
		return -1;
	name = str_has_suffix(path, ".md") ? xstrdup(path) :
	    xasprintf("%s.md", path);
	n = strlen(name);
	for (i = 0; i < s->n && t == -1; i++) {
		const char *rel = s->rb[i]->rel;
		size_t rl = strlen(rel);
		if (rl >= n && strcmp(rel + rl - n, name) == 0 &&
		    (rl == n || rel[rl - n - 1] == '/'))
			t = (int)i;
	}
	free(name);
	return t;
}

/* Returns s[0..n) lower-cased (ASCII, as Hugo's URLs are; malloc'd). */
static char *
lower_dup(const char *s, size_t n)
{
	char *o = xstrndup(s, n), *p;

	for (p = o; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return o;
}

/*
 * Returns the runbook a Hugo "pretty URL" names, or -1: a path with no
 * extension ("../replicadown", "../replicadown/") that no file has,
 * taken from the page's own URL (Hugo serves x/Page.md at x/page/) or
 * from its folder, and compared without case with the runbooks' paths.
 */
static int
pretty_find(const struct runbook *r, const struct strtab *lower,
    const char *path, const char *norm)
{
	const char *last, *base, *q;
	char *from, *p, *k;
	size_t n = strlen(path);
	int t = -1;

	while (n > 0 && path[n - 1] == '/')
		n--;
	last = path;
	for (q = path; q < path + n; q++)
		if (*q == '/')
			last = q + 1;
	if (n == 0 || memchr(last, '.', (size_t)(path + n - last)) != NULL)
		return -1;
	/* The page's URL is a folder: x/Page.md is x/page/. */
	base = strrchr(r->rel, '/');
	base = base != NULL ? base + 1 : r->rel;
	if (strcmp(base, "index.md") == 0 || strcmp(base, "_index.md") == 0 ||
	    strcmp(base, "README.md") == 0)
		from = xasprintf("%.*sx", (int)(base - r->rel), r->rel);
	else
		from = xasprintf("%.*s/x", (int)strlen(r->rel) - 3, r->rel);
	p = resolve_path(from, path);
	free(from);
	if (p != NULL) {
		n = strlen(p);
		while (n > 0 && p[n - 1] == '/')
			n--;
		k = lower_dup(p, n);
		t = strtab_find(lower, k);
		free(k);
		free(p);
	}
	if (t == -1 && norm != NULL) {
		n = strlen(norm);
		while (n > 0 && norm[n - 1] == '/')
			n--;
		k = lower_dup(norm, n);
		t = strtab_find(lower, k);
		free(k);
	}
	return t;
}

/*
 * The runbook a wiki link's name gives as GitHub's and GitLab's wikis find
 * a page (site_wiki_page), their names indexed by the first resolver
 * thread that meets a name no id matches: most sites never do.
 */
static pthread_mutex_t wiki_lock = PTHREAD_MUTEX_INITIALIZER;

static long
wiki_page(struct site *s, const char *name, size_t n)
{
	pthread_mutex_lock(&wiki_lock);
	site_wiki_names(s);
	pthread_mutex_unlock(&wiki_lock);
	return site_wiki_page(s, name, n);
}

/*
 * Resolves link l of runbook r: its target, file or broken flag, its
 * fragment, its diagnostics.  Reads the site and writes only l, r's
 * diagnostics and arena a (where the fragment and file path go), so
 * runbooks can be resolved on two threads at once (index_build).  *self
 * is -2, or what r's own id names.
 */
static void
resolve(struct site *s, struct runbook *r, struct link *l,
    const struct strtab *rels, const struct strtab *lower, struct arena *a,
    int *self)
{
	const char *d = l->dest, *hash;
	char *path, *norm, *tmp, sb[SHORT];
	size_t n, fn;

	if (link_external(l)) {
		l->external = 1;
		return;
	}
	if (l->kind == LINK_RELATED) {
		if ((l->target = site_find(s, d)) == -1) {
			l->broken = 1;
			diag_add(&r->diags, r->src.path, l->line, l->col,
			    R_RELATED_UNKNOWN, "related: no runbook has the "
			    "id '%s'", d);
		}
		return;
	}
	hash = strchr(d, '#');
	if (hash != NULL && hash[1] != '\0') {
		/* Copied, then decoded where it lies (it only shrinks). */
		fn = strlen(hash + 1);
		l->frag = arena_strndup(a, hash + 1, fn);
		if (memchr(l->frag, '%', fn) != NULL)
			pct_decode_into(l->frag, l->frag, fn);
	}
	n = hash != NULL ? (size_t)(hash - d) : strlen(d);
	if (l->kind == LINK_WIKI) {
		path = short_get(sb, n);
		memcpy(path, d, n);
		path[n] = '\0';
		if (n == 0)
			l->target = self_target(s, r, self);
		else {
			long k;

			l->target = site_find(s, path);
			if (l->target == -1 && str_has_suffix(path, ".md")) {
				path[n - 3] = '\0';
				l->target = site_find(s, path);
			}
			/* As a GitHub or GitLab wiki finds a page. */
			if (l->target == -1 && (k = wiki_page(s, d, n)) != -1)
				l->target = find_rel(rels, s->rbpaths[k]);
		}
		if (l->target == -1) {
			l->broken = 1;
			diag_add(&r->diags, r->src.path, l->line, l->col,
			    R_LINK_BROKEN, "wiki link [[%s]]: no runbook has "
			    "the id '%s'", d, path);
		}
		short_free(sb, path);
		goto anchor;
	}
	/* A relative Markdown link: path, optional ?query, #fragment. */
	{
		const char *q = memchr(d, '?', n);
		if (q != NULL)
			n = (size_t)(q - d);
	}
	if (n == 0) {
		l->target = self_target(s, r, self);
		goto anchor;
	}
	path = pct_decode_into(short_get(sb, n), d, n);
	norm = resolve_path(r->rel, path);
	/* A pretty URL is relative to the page's URL, a folder deeper. */
	if (norm == NULL && l->kind == LINK_MD &&
	    (l->target = pretty_find(r, lower, path, NULL)) >= 0) {
		short_free(sb, path);
		goto anchor;
	}
	if (norm == NULL) {
		l->broken = 1;
		diag_add(&r->diags, r->src.path, l->line, l->col,
		    R_LINK_BROKEN, "link to '%s' leaves the content directory",
		    path);
		short_free(sb, path);
		return;
	}
	if (str_has_suffix(norm, ".md")) {
		l->target = find_rel(rels, norm);
		/* _drafts/x.md is no runbook, but a file all the same. */
		if (l->target == -1 && hidden_file(s, norm))
			l->file = arena_strdup(a, norm);
	} else if (str_has_suffix(norm, ".html")) {
		tmp = xasprintf("%.*s.md", (int)strlen(norm) - 5, norm);
		l->target = find_rel(rels, tmp);
		free(tmp);
		if (l->target == -1 && (site_has_file(s, norm) ||
		    hidden_file(s, norm)))
			l->file = arena_strdup(a, norm);
	} else if (site_has_file(s, norm) || hidden_file(s, norm)) {
		l->file = arena_strdup(a, norm);
	} else if (l->kind != LINK_HUGO && (is_dir(s, norm) ||
	    content_has(s, norm, 1))) {
		/* The folder's page: its index.md, else its README.md; else
		 * what folder_link finds; else (a folder of other files only)
		 * the link as written: GitHub lists them all. */
		tmp = xasprintf("%s%sindex.md", norm, *norm ? "/" : "");
		l->target = find_rel(rels, tmp);
		free(tmp);
		if (l->target == -1) {
			tmp = xasprintf("%s%sREADME.md", norm, *norm ? "/" : "");
			l->target = find_rel(rels, tmp);
			free(tmp);
		}
		if (l->target == -1 && folder_link(s, l, a, norm,
		    strlen(norm)) == -1) {
			struct buf b = { NULL, 0, 0 };

			/* Files only: the index lists them (GitHub does). */
			l->folder = 2;
			l->file = arena_strdup(a, norm);
			group_anchor(&b, 3, norm, strlen(norm));
			l->frag = arena_strndup(a, b.data, b.len);
			buf_free(&b);
		}
		goto out;
	}
	if (l->target == -1 && l->file == NULL && l->kind == LINK_HUGO &&
	    (l->target = hugo_find(s, rels, norm, path)) == -1) {
		/* A Hugo section, from the file's folder, else from the
		 * content root (Hugo finds a section by its path too): the
		 * index's list of its runbooks, else its own page, _index.md,
		 * no runbook but a file. */
		const char *root = path;
		size_t rn;

		while (*root == '/')
			root++;
		for (rn = strlen(root); rn > 0 && root[rn - 1] == '/'; rn--)
			;
		if (rn > 0 && strstr(root, "..") != NULL)
			rn = 0;
		if (folder_link(s, l, a, norm, strlen(norm)) == -1 && rn > 0)
			(void)folder_link(s, l, a, root, rn);
	} else if (l->target == -1 && l->file == NULL)
		l->target = pretty_find(r, lower, path, norm);
	if (l->target == -1 && l->file == NULL && !l->folder &&
	    l->kind == LINK_HUGO) {
		l->broken = 1;
		diag_add(&r->diags, r->src.path, l->line, l->col, R_LINK_BROKEN,
		    "Hugo ref to '%s': no runbook at that path or by that "
		    "name", path);
	} else if (l->target == -1 && l->file == NULL && !l->folder) {
		l->broken = 1;
		diag_add(&r->diags, r->src.path, l->line, l->col, R_LINK_BROKEN,
		    "link to '%s': no such %s in %s", path,
		    str_has_suffix(norm, ".md") ? "runbook" :
		    str_has_suffix(path, "/") ? "folder" : "file", s->content);
	}
out:
	short_free(sb, path);
	free(norm);
anchor:
	if (l->target >= 0 && l->frag != NULL)
		anchor_check(s, r, l, a);
}

/* Returns 1 if id is one of page_ids, in any case. */
static int
is_page_id(const char *id)
{
	size_t i;

	for (i = 0; page_ids[i] != NULL; i++)
		if (strcasecmp(page_ids[i], id) == 0)
			return 1;
	return 0;
}

/*
 * Checks the fragment of link l of r, which reaches a runbook: a match
 * that is not exact is anchor-case (the link then points at the real
 * id) or, with anchors: strict, anchor-broken naming the id it missed.
 */
static void
anchor_check(struct site *s, struct runbook *r, struct link *l,
    struct arena *a)
{
	const struct runbook *t = s->rb[l->target];
	enum anchor_mode mode = s->cfg.anchors;
	const char *in, *id;
	int how;

	in = strcmp(t->id, r->id) == 0 ? "this runbook" : t->src.path;
	id = anchor_find(t, l->frag, mode, &how);
	if (how == ANCHOR_EXACT)
		return;
	if (id == NULL || mode == ANCHORS_STRICT) {
		if (id != NULL)
			diag_add(&r->diags, r->src.path, l->line, l->col,
			    R_ANCHOR_BROKEN, "'#%s' names no heading in %s "
			    "(anchors: strict; the heading's id is '%s')",
			    l->frag, in, id);
		else if (is_page_id(l->frag))
			diag_add(&r->diags, r->src.path, l->line, l->col,
			    R_ANCHOR_BROKEN, "'#%s' names a section rbc adds "
			    "to a page, and the page of %s has none (%s)",
			    l->frag, in, t->home ? "the home page lists the "
			    "runbooks instead" : "nothing to show there");
		else
			diag_add(&r->diags, r->src.path, l->line, l->col,
			    R_ANCHOR_BROKEN, "'#%s' names no heading in %s",
			    l->frag, in);
		l->broken = 1;
		return;
	}
	/* GitLab has made GitHub's ids (runs of "-" kept) since 17.0, and
	 * the collapsed ones before: on a GitLab site both are GitLab's.
	 * "#user-content-x" is the very id of x on both. */
	if ((how == ANCHOR_OTHER && mode == ANCHORS_GITLAB) ||
	    how == ANCHOR_PREFIX)
		;
	else if (how == ANCHOR_CASE)
		diag_add(&r->diags, r->src.path, l->line, l->col,
		    R_ANCHOR_CASE, "'#%s' names a heading in %s only ignoring "
		    "case (%s); its id is '%s'", l->frag, in,
		    mode == ANCHORS_GITHUB ? "GitHub follows it, GitLab and "
		    "browsers do not" : "GitHub follows it, GitLab does not",
		    id);
	else
		diag_add(&r->diags, r->src.path, l->line, l->col,
		    R_ANCHOR_CASE, "'#%s' names a heading in %s only by the "
		    "slug GitLab made before 17.0 (runs of '-' collapsed); its "
		    "id is '%s'", l->frag, in, id);
	/* The published link goes where the fragment meant. */
	l->frag = arena_strdup(a, id);
}

/* One file of the HTML output and what makes it (check_outputs). */
struct output {
	const char	*path;		/* under html/, without ".html" for pages */
	int		 page;		/* a runbook's page, else a linked file */
	int		 rb;		/* the runbook (whose page, or linking) */
	const struct link *l;		/* the link, for a file */
};

static int
output_cmp(const void *a, const void *b)
{
	const struct output *x = a, *y = b;
	int c = strcmp(x->path, y->path);

	if (c != 0)
		return c;
	if (x->page != y->page)
		return y->page - x->page;	/* pages first */
	return x->rb - y->rb;
}

/*
 * No output file is ever written twice (SPEC §3, §5): each runbook's page
 * and each linked file that is copied has a path of its own, and nothing
 * but rbc writes into its own folder.  A clash is an error naming both
 * sources, at the runbook whose page it is or at the link.
 */
static void
check_outputs(struct site *s)
{
	struct output *v = NULL;
	size_t n = 0, cap = 0, i, j;
	int line, col;

	for (i = 0; i < s->n; i++) {
		struct runbook *r = s->rb[i];
		if (n == cap)
			v = xreallocarray(v, cap = cap ? cap * 2 : 64,
			    sizeof(*v));
		v[n++] = (struct output){ r->page, 1, (int)i, NULL };
		for (j = 0; j < r->nlinks; j++) {
			const struct link *l = &r->links[j];
			size_t first, nf, nl, k;

			if (l->folder == 2) {
				/* The files the index lists, copied. */
				first = site_files_below(s, l->file, &nf, &nl);
				for (k = first; k < first + nl; k++) {
					if (n == cap)
						v = xreallocarray(v, cap *= 2,
						    sizeof(*v));
					v[n++] = (struct output){ s->files[k],
					    0, (int)i, l };
				}
				continue;
			}
			if (l->file == NULL)
				continue;
			if (strncmp(l->file, RBC_DIR "/", sizeof(RBC_DIR)) ==
			    0) {
				diag_add(&r->diags, r->src.path, l->line,
				    l->col, R_LINK_BROKEN, "link to '%s': "
				    RBC_DIR "/ is rbc's own folder in the "
				    "site, the file cannot be published there",
				    l->file);
				continue;
			}
			if (n == cap)
				v = xreallocarray(v, cap *= 2, sizeof(*v));
			v[n++] = (struct output){ l->file, 0, (int)i, l };
		}
	}
	/* A page "x" is the file "x.html": sort files by their page form. */
	for (i = 0; i < n; i++)
		if (!v[i].page && str_has_suffix(v[i].path, ".html"))
			v[i].path = arena_strndup(s->arena, v[i].path,
			    strlen(v[i].path) - 5);
		else if (!v[i].page)
			v[i].page = -1;		/* never a page's path */
	if (n > 1)
		qsort(v, n, sizeof(*v), output_cmp);
	for (i = 1; i < n; i++) {
		const struct output *a = &v[i - 1], *b = &v[i];
		struct runbook *r;
		if (strcmp(a->path, b->path) != 0 || a->page == -1 ||
		    b->page == -1)
			continue;
		if (a->page == 1 && b->page == 1) {
			r = s->rb[b->rb];
			/* Equal ids: check_ids said so. */
			if (strcasecmp(r->id, s->rb[a->rb]->id) == 0)
				continue;
			id_pos(r, &line, &col);
			diag_add(&r->diags, r->src.path, line, col,
			    R_ID_DUPLICATE, "its page %s.html is also the "
			    "page of %s", b->path, s->rb[a->rb]->src.path);
		} else if (a->page == 1 && b->page == 0) {
			r = s->rb[b->rb];
			diag_add(&r->diags, r->src.path, b->l->line,
			    b->l->col, R_ID_DUPLICATE, "link to '%s.html': "
			    "the file would be overwritten by the page of %s",
			    b->path, s->rb[a->rb]->src.path);
		}
	}
	free(v);
}

/* Runbooks whose links a resolver thread claims at a time. */
#define RESOLVE_CHUNK	64

struct resolver {
	struct site		*s;
	const struct strtab	*rels;
	const struct strtab	*lower;	/* lower-case paths, no .md */
	atomic_size_t		 next;
};

struct resolver_thread {
	struct resolver		*rv;
	struct arena		*a;	/* for the light runbooks' strings */
};

/* Resolves the links of the runbooks it claims, RESOLVE_CHUNK at a time. */
static void *
resolve_share(void *arg)
{
	struct resolver_thread *t = arg;
	struct site *s = t->rv->s;
	size_t i, j, from, to;

	while ((from = atomic_fetch_add(&t->rv->next, RESOLVE_CHUNK)) < s->n) {
		to = s->n - from < RESOLVE_CHUNK ? s->n : from + RESOLVE_CHUNK;
		for (i = from; i < to; i++) {
			struct runbook *r = s->rb[i];
			/* Light runbooks share the site's arena: each
			 * thread writes into its own. */
			struct arena *a = r->light ? t->a : r->arena;
			int self = -2;
			for (j = 0; j < r->nlinks; j++)
				resolve(s, r, &r->links[j], t->rv->rels,
				    t->rv->lower, a, &self);
		}
	}
	return NULL;
}

/*
 * The scan pass over every parsed runbook: ids checked, the id table for
 * site_find, every link resolved and checked, backlinks collected.  Given
 * a second arena (the caller's), the links are resolved on two threads
 * (the parent's serial part of a build: 157,000 links for 10,000
 * runbooks); what each link resolves to does not depend on which thread
 * did it, and the backlinks are collected after, in runbook order, so
 * the result is the same.
 */
void
index_build(struct site *s, struct arena *second)
{
	struct resolver rv;
	struct resolver_thread t[2];
	pthread_t helper;
	int helped = 0;
	size_t i, j, *cap;
	struct strtab rels, lower;
	char **keys;

	check_ids(s);
	site_index_ids(s);
	section_titles(s);
	/* Paths are unique: a hash index over them. */
	strtab_init(&rels, s->n);
	for (i = 0; i < s->n; i++)
		strtab_add(&rels, s->rb[i]->rel, (int)i);
	/* For Hugo's pretty URLs: each page's path lower-cased without
	 * .md, and a folder page's folder. */
	strtab_init(&lower, 2 * s->n);
	keys = xcalloc(2 * s->n + 1, sizeof(*keys));
	for (i = 0; i < s->n; i++) {
		const char *rel = s->rb[i]->rel, *b = strrchr(rel, '/');
		b = b != NULL ? b + 1 : rel;
		keys[2 * i] = lower_dup(rel, strlen(rel) -
		    (str_has_suffix(rel, ".md") ? 3 : 0));
		strtab_add(&lower, keys[2 * i], (int)i);
		if (strcmp(b, "index.md") == 0 || strcmp(b, "_index.md") == 0 ||
		    strcmp(b, "README.md") == 0) {
			keys[2 * i + 1] = lower_dup(rel, b > rel ?
			    (size_t)(b - rel - 1) : 0);
			strtab_add(&lower, keys[2 * i + 1], (int)i);
		}
	}
	rv.s = s;
	rv.rels = &rels;
	rv.lower = &lower;
	atomic_init(&rv.next, 0);
	t[0].rv = t[1].rv = &rv;
	t[0].a = s->arena;
	t[1].a = NULL;
	if (second != NULL) {
		t[1].a = second;
		helped = pthread_create(&helper, NULL, resolve_share,
		    &t[1]) == 0;
	}
	resolve_share(&t[0]);
	if (helped)
		pthread_join(helper, NULL);
	check_outputs(s);
	cap = xcalloc(s->n ? s->n : 1, sizeof(*cap));
	for (i = 0; i < s->n; i++) {
		struct runbook *r = s->rb[i];
		for (j = 0; j < r->nlinks; j++) {
			struct link *l = &r->links[j];
			if (l->target < 0 || l->target == (int)i)
				continue;
			struct runbook *tr = s->rb[l->target];
			if (tr->nbacklinks == cap[l->target]) {
				cap[l->target] = cap[l->target] ?
				    cap[l->target] * 2 : 4;
				tr->backlinks = xreallocarray(tr->backlinks,
				    cap[l->target], sizeof(int));
			}
			tr->backlinks[tr->nbacklinks++] = (int)i;
		}
	}
	for (i = 0; i < s->n; i++) {
		struct runbook *r = s->rb[i];
		size_t o = 0;
		/* Appended in runbook order above: sorted, maybe repeated. */
		for (j = 0; j < r->nbacklinks; j++)
			if (o == 0 || r->backlinks[o - 1] != r->backlinks[j])
				r->backlinks[o++] = r->backlinks[j];
		r->nbacklinks = o;
	}
	free(cap);
	strtab_free(&rels);
	strtab_free(&lower);
	for (i = 0; i < 2 * s->n; i++)
		free(keys[i]);
	free(keys);
}

/* Appends "../" for each folder in page path id, the way to the root. */
void
href_root(struct buf *b, const char *id)
{
	for (; *id != '\0'; id++)
		if (*id == '/')
			BUF_PUTSL(b, "../");
}

/*
 * Returns the href of link l on runbook from's HTML page (in scratch), or
 * NULL when it must not be linked (an unsafe URL scheme).
 */
const char *
link_href(const struct site *s, const struct runbook *from,
    const struct link *l, struct buf *scratch)
{
	buf_reset(scratch);
	/* A wiki link that resolves nowhere has no URL to fall back on. */
	if (l->kind == LINK_WIKI && l->target < 0)
		return NULL;
	if (l->folder) {
		href_root(scratch, from->page);
		BUF_PUTSL(scratch, "index.html");
		if (l->frag != NULL) {
			buf_putc(scratch, '#');
			buf_puts(scratch, l->frag);
		}
		return buf_cstr(scratch);
	}
	if (l->external || l->broken || (l->target < 0 && l->file == NULL)) {
		if (!url_safe(l->dest, strlen(l->dest)))
			return NULL;
		buf_puts(scratch, l->dest);
		return buf_cstr(scratch);
	}
	if (l->file != NULL) {
		href_root(scratch, from->page);
		href_path(scratch, l->file);
		return buf_cstr(scratch);
	}
	/* from may be a reloaded copy of s->rb[target]: compare ids. */
	if (strcmp(s->rb[l->target]->id, from->id) != 0) {
		href_root(scratch, from->page);
		href_path(scratch, s->rb[l->target]->page);
		BUF_PUTSL(scratch, ".html");
	}
	if (l->frag != NULL) {
		buf_putc(scratch, '#');
		buf_puts(scratch, l->frag);
	}
	return buf_cstr(scratch);
}
