/*
 * The repository's CODEOWNERS: who owns a runbook that names no owner.
 *
 * Found once per run (codeowners_open, from site_open) as GitHub and
 * GitLab find it: .github/CODEOWNERS, CODEOWNERS, docs/CODEOWNERS,
 * .gitlab/CODEOWNERS (GitHub's places, in its order, then GitLab's), in the
 * content folder and then in each folder above it up to the repository's
 * root (the folder holding .git); without a repository, in the content
 * folder only.  Its patterns name paths from that root.
 *
 * A pattern is a gitignore-style glob: "*" and "?" within one path
 * segment, "**" for any number of folders, a leading "/" or a "/" inside
 * anchors it at the root (else it matches at any depth), a trailing "/"
 * names a folder's contents, and a pattern matches a folder's files too
 * ("apps/" and "apps" own apps/x/y.md; "docs/" then "*" only docs'
 * own files).
 * The last pattern that matches wins; one with no owners owns nothing.
 * GitLab's sections ("[Docs] @docs-team", "^[Docs][2]") give their
 * owners to the patterns under them that name none, and its "!pattern"
 * owns nothing.
 *
 * The file is untrusted: at most RBC_MAX_FILE bytes, CO_MAX_RULES rules
 * and CO_MAX_PATTERN bytes a pattern; matching is segment by segment
 * with one backtracking point per level, never exponential.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stages.h"

#define CO_MAX_RULES	20000
#define CO_MAX_PATTERN	1024
#define CO_MAX_OWNERS	512		/* bytes of one line's owners */

struct corule {
	char		**seg;		/* "**" is any number of folders */
	size_t		  nseg;
	const char	 *owners;	/* "@a, @b", or NULL: nobody */
	int		  line;
};

struct codeowners {
	struct arena	*a;
	char		*name;		/* from the root: ".github/CODEOWNERS" */
	char		*prefix;	/* the content folder from the root,
					 * "" or "docs/content/" */
	struct corule	*v;
	size_t		 n;
	const char	*section;	/* the GitLab section's owners */
	int		 github;	/* .github/: GitHub's alone reads it */
	uint64_t	 digest;
};

/* Returns 1 if path names a regular file. */
static int
is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Returns 1 if dir holds a .git (a folder, or a worktree's file). */
static int
is_repo(const char *dir)
{
	char *p = path_join(dir, ".git");
	struct stat st;
	int yes = lstat(p, &st) == 0;

	free(p);
	return yes;
}

/* Returns 1 if glob segment p (n bytes) matches the path segment s (m
 * bytes): "*" any run, "?" one byte.  One backtracking point: linear
 * in practice, n * m at worst. */
static int
seg_match(const char *p, size_t n, const char *s, size_t m)
{
	size_t i = 0, j = 0, star = (size_t)-1, mark = 0;

	while (j < m) {
		if (i < n && p[i] == '*') {
			while (i < n && p[i] == '*')
				i++;
			star = i;
			mark = j;
		} else if (i < n && (p[i] == '?' || p[i] == s[j])) {
			i++;
			j++;
		} else if (star != (size_t)-1) {
			i = star;
			j = ++mark;
		} else
			return 0;
	}
	while (i < n && p[i] == '*')
		i++;
	return i == n;
}

/* Returns 1 if rule c matches the path of ns segments s (lengths sl):
 * "**" segments match any run of segments, one backtracking point. */
static int
rule_match(const struct corule *c, char *const *s, const size_t *sl,
    size_t ns)
{
	size_t i = 0, j = 0, star = (size_t)-1, mark = 0;

	while (j < ns) {
		if (i < c->nseg && strcmp(c->seg[i], "**") == 0) {
			star = ++i;
			mark = j;
		} else if (i < c->nseg && seg_match(c->seg[i],
		    strlen(c->seg[i]), s[j], sl[j])) {
			i++;
			j++;
		} else if (star != (size_t)-1) {
			i = star;
			j = ++mark;
		} else
			return 0;
	}
	while (i < c->nseg && strcmp(c->seg[i], "**") == 0)
		i++;
	return i == c->nseg;
}

/* Compiles pattern p into c's segments (see the top of the file). */
static void
compile(struct arena *a, struct corule *c, char *p)
{
	size_t len = strlen(p), cap, k;
	int anchored = 0, dir = 0, star_last;
	char *q, *seg, *save = NULL;

	if (*p == '/') {
		anchored = 1;
		p++;
		len--;
	}
	while (len > 0 && p[len - 1] == '/') {
		dir = 1;
		p[--len] = '\0';
	}
	if (strchr(p, '/') != NULL)
		anchored = 1;
	cap = 4;
	for (q = p; *q != '\0'; q++)
		cap += *q == '/';
	c->seg = arena_calloc(a, cap, sizeof(*c->seg));
	c->nseg = 0;
	if (!anchored)
		c->seg[c->nseg++] = arena_strdup(a, "**");
	for (seg = strtok_r(p, "/", &save); seg != NULL;
	    seg = strtok_r(NULL, "/", &save)) {
		/* Two "**" in a row are one. */
		if (strcmp(seg, "**") == 0 && c->nseg > 0 &&
		    strcmp(c->seg[c->nseg - 1], "**") == 0)
			continue;
		c->seg[c->nseg++] = arena_strdup(a, seg);
	}
	k = c->nseg;
	star_last = k > 0 && (strcmp(c->seg[k - 1], "*") == 0 ||
	    strcmp(c->seg[k - 1], "**") == 0);
	if (dir) {
		/* A folder: something inside it. */
		c->seg[c->nseg++] = arena_strdup(a, "*");
		c->seg[c->nseg++] = arena_strdup(a, "**");
	} else if (!star_last)
		/* A file, or a folder and all inside it. */
		c->seg[c->nseg++] = arena_strdup(a, "**");
}

/* Returns 1 if owner token t (n bytes) names someone: @user, @org/team,
 * or an email address; printable ASCII and UTF-8 only. */
static int
is_owner(const char *t, size_t n)
{
	size_t i;

	if (n < 2 || memchr(t, '@', n) == NULL || (t[0] == '@' && n == 1))
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x21 || t[i] == 0x7f || t[i] == '<' ||
		    t[i] == '>' || t[i] == '"' || t[i] == '`')
			return 0;
	return utf8_valid(t, n) == n;
}

/* Reads the owners in l[i..n) (up to a comment) into own, ", "
 * between them. */
static void
read_owners(const char *l, size_t i, size_t n, struct buf *own)
{
	size_t k;

	while (i < n) {
		while (i < n && (l[i] == ' ' || l[i] == '\t'))
			i++;
		if (i < n && l[i] == '#')
			break;
		for (k = i; k < n && l[k] != ' ' && l[k] != '\t'; k++)
			;
		if (is_owner(l + i, k - i) && own->len + (k - i) <
		    CO_MAX_OWNERS) {
			if (own->len > 0)
				BUF_PUTSL(own, ", ");
			buf_put(own, l + i, k - i);
		}
		i = k;
	}
}

/*
 * Reads GitLab section line l[i..n) ("[Name]", "^[Name]", "[Name][2]",
 * then its default owners, if any) into co: the patterns under it that
 * name no owners have these.
 */
static void
section(struct codeowners *co, const char *l, size_t i, size_t n)
{
	struct buf own = { NULL, 0, 0 };
	const char *close;

	if (l[i] == '^')
		i++;
	co->section = NULL;
	if ((close = memchr(l + i, ']', n - i)) == NULL)
		return;
	i = (size_t)(close - l) + 1;
	if (i < n && l[i] == '[' && (close = memchr(l + i, ']', n - i)) !=
	    NULL)
		i = (size_t)(close - l) + 1;
	read_owners(l, i, n, &own);
	if (own.len > 0)
		co->section = arena_strndup(co->a, own.data, own.len);
	buf_free(&own);
}

/* Reads line l (n bytes, number no) of the file into a rule of co;
 * returns 0, or -1 when the line is not a rule. */
static int
parse_line(struct codeowners *co, struct diags *d, const char *shown,
    const char *l, size_t n, int no)
{
	struct buf pat = { NULL, 0, 0 }, own = { NULL, 0, 0 };
	struct corule *c;
	size_t i = 0;
	int nobody = 0;

	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	while (n > i && (l[n - 1] == ' ' || l[n - 1] == '\t' ||
	    l[n - 1] == '\r'))
		n--;
	if (i == n || l[i] == '#')
		return -1;
	if (utf8_valid(l + i, n - i) != n - i) {
		diag_add(d, shown, no, 1, R_UTF8_INVALID, "CODEOWNERS: "
		    "this line is not UTF-8: skipped");
		return -1;
	}
	/* A GitLab section ("[Docs] @docs", "^[Docs][2]"): a line GitHub
	 * skips, as it does an exclusion. */
	if (l[i] == '[' || (l[i] == '^' && i + 1 < n && l[i + 1] == '[')) {
		if (!co->github)
			section(co, l, i, n);
		return -1;
	}
	if (l[i] == '!' && co->github)
		return -1;
	/* GitLab's exclusion: what it matches has no owner. */
	if (l[i] == '!' && i + 1 < n) {
		nobody = 1;
		i++;
	}
	for (; i < n && l[i] != ' ' && l[i] != '\t'; i++) {
		if (l[i] == '\\' && i + 1 < n)
			i++;
		buf_putc(&pat, l[i]);
	}
	if (pat.len > CO_MAX_PATTERN) {
		diag_add(d, shown, no, 1, R_LIMIT, "CODEOWNERS: a pattern "
		    "longer than %d bytes: skipped", CO_MAX_PATTERN);
		buf_free(&pat);
		return -1;
	}
	read_owners(l, i, n, &own);
	if (co->n % 64 == 0)
		co->v = xreallocarray(co->v, co->n + 64, sizeof(*co->v));
	c = &co->v[co->n++];
	c->line = no;
	c->owners = nobody ? NULL : own.len > 0 ? arena_strndup(co->a,
	    own.data, own.len) : co->section;
	buf_putc(&pat, '\0');
	compile(co->a, c, pat.data);
	buf_free(&pat);
	buf_free(&own);
	return 0;
}

/* Reads the file at path (shown so) into co's rules. */
static void
parse(struct codeowners *co, struct diags *d, const char *path,
    const char *shown)
{
	struct buf b = { NULL, 0, 0 };
	const char *p, *e, *nl;
	int rc, no = 0;

	if ((rc = read_file(path, &b, RBC_MAX_FILE)) != 0) {
		diag_add(d, shown, 0, 0, rc == -2 ? R_LIMIT : R_IO,
		    "CODEOWNERS: %s: no owners read from it", rc == -2 ?
		    "larger than 1 MiB" : read_error(rc));
		buf_free(&b);
		return;
	}
	co->digest = hash64(HASH64_INIT, b.data != NULL ? b.data : "",
	    b.len);
	for (p = b.data, e = b.data + b.len; p != NULL && p < e; p = nl) {
		no++;
		nl = memchr(p, '\n', (size_t)(e - p));
		if (co->n == CO_MAX_RULES) {
			diag_add(d, shown, no, 1, R_LIMIT, "CODEOWNERS: more "
			    "than %d rules: the rest are not read",
			    CO_MAX_RULES);
			break;
		}
		(void)parse_line(co, d, shown, p, (size_t)((nl != NULL ? nl :
		    e) - p), no);
		if (nl != NULL)
			nl++;
	}
	buf_free(&b);
}

/* Finds and reads the repository's CODEOWNERS into s->codeowners. */
void
codeowners_open(struct site *s)
{
	static const char *const where[] = { ".github/CODEOWNERS",
	    "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS", NULL };
	char real[PATH_MAX], dir[PATH_MAX], *found = NULL, *slash, *p;
	struct codeowners *co;
	struct buf shown = { NULL, 0, 0 };
	size_t ups = 0, up_found = 0, i;
	int repo = 0;

	if (realpath(s->content, real) == NULL)
		return;
	strcpy(dir, real);
	/* Up to the repository's root, each folder's candidates in order. */
	for (;;) {
		for (i = 0; where[i] != NULL && found == NULL; i++) {
			p = path_join(dir, where[i]);
			if (is_file(p)) {
				found = xstrdup(where[i]);
				up_found = ups;
			}
			free(p);
		}
		if (is_repo(dir)) {
			repo = 1;
			break;
		}
		if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
			break;
		*slash = '\0';
		ups++;
	}
	/* Outside a repository only the content folder counts. */
	if (found == NULL || (!repo && up_found > 0)) {
		free(found);
		return;
	}
	if (!repo) {
		strcpy(dir, real);
		ups = 0;
	}
	co = xcalloc(1, sizeof(*co));
	co->a = arena_new();
	/* dir is the root; the content folder is real. */
	{
		size_t dl = strlen(dir);
		const char *rest = real + dl;

		while (*rest == '/')
			rest++;
		co->prefix = *rest != '\0' ? xasprintf("%s/", rest) :
		    xstrdup("");
		/* The file's folder from the root: the content folder's
		 * ancestor up_found levels up. */
		buf_puts(&shown, co->prefix);
		for (i = 0; i < up_found; i++) {
			/* Drop the prefix's last segment. */
			if (shown.len > 0)
				shown.len--;
			while (shown.len > 0 && shown.data[shown.len - 1] !=
			    '/')
				shown.len--;
		}
		buf_puts(&shown, found);
		co->name = xstrdup(buf_cstr(&shown));
	}
	buf_reset(&shown);
	buf_puts(&shown, s->content);
	for (i = 0; i < up_found; i++)
		BUF_PUTSL(&shown, "/..");
	buf_putc(&shown, '/');
	buf_puts(&shown, found);
	p = path_tidy(buf_cstr(&shown));
	co->github = strcmp(found, ".github/CODEOWNERS") == 0;
	parse(co, &s->diags, p, p);
	free(p);
	free(found);
	buf_free(&shown);
	s->codeowners = co;
}

/*
 * Gives r, when it names no owner (front-matter or text), the owners
 * that the CODEOWNERS' last matching rule gives its path.
 */
void
codeowners_merge(const struct site *s, struct runbook *r)
{
	const struct codeowners *co = s->codeowners;
	char *path, **segs, *p, *save = NULL;
	size_t *lens, ns = 0, i, cap = 1;

	if (co == NULL || co->n == 0 || r->rel == NULL ||
	    (r->owner != NULL && *r->owner != '\0') ||
	    ystr(ymap_get(r->fm, "owner")) != NULL)
		return;
	path = xasprintf("%s%s", co->prefix, r->rel);
	for (p = path; *p != '\0'; p++)
		cap += *p == '/';
	segs = xcalloc(cap, sizeof(*segs));
	lens = xcalloc(cap, sizeof(*lens));
	for (p = strtok_r(path, "/", &save); p != NULL && ns < cap;
	    p = strtok_r(NULL, "/", &save)) {
		segs[ns] = p;
		lens[ns++] = strlen(p);
	}
	for (i = co->n; i-- > 0; )
		if (rule_match(&co->v[i], segs, lens, ns)) {
			if (co->v[i].owners != NULL) {
				r->owner = arena_strdup(r->arena,
				    co->v[i].owners);
				r->owner_line = co->v[i].line;
				r->from_text |= TEXT_CODEOWNERS;
			}
			break;
		}
	free(segs);
	free(lens);
	free(path);
}

const char *
codeowners_name(const struct site *s)
{
	return s->codeowners != NULL ? s->codeowners->name : NULL;
}

uint64_t
codeowners_digest(const struct site *s)
{
	return s->codeowners != NULL ? s->codeowners->digest : 0;
}

void
codeowners_free(struct site *s)
{
	if (s->codeowners == NULL)
		return;
	arena_free(s->codeowners->a);
	free(s->codeowners->v);
	free(s->codeowners->name);
	free(s->codeowners->prefix);
	free(s->codeowners);
	s->codeowners = NULL;
}
