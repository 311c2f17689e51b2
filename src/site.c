/*
 * Looking things up in the site: runbooks by id, files by path, contacts
 * by id (a runbook's own, then the site's).  One home for each lookup.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "model.h"

const char *const page_ids[] = {
	"main", "rbc-toc", "rbc-toc-title", "rbc-severity", "rbc-contacts",
	"rbc-escalation", "rbc-thresholds", "rbc-quickref", "rbc-related",
	"rbc-backlinks", "rbc-source", "rbc-search", "rbc-search-input",
	"rbc-search-hint", "rbc-search-results", "rbc-search-status",
	"rbc-orphans", "rbc-site-contacts", "rbc-alerts", "rbc-oncall", NULL
};

/*
 * Returns the PAGE_ bits of the sections r's page shows (runbook.mustache
 * shows each when its list has an entry; a light runbook has them from
 * its record).
 */
unsigned
page_sections(const struct runbook *r)
{
	static const struct {
		const char	*key;
		unsigned	 bit;
	} keys[] = {
		{ "severity_levels", PAGE_SEVERITY }, { "contacts", PAGE_CONTACTS },
		{ "escalation", PAGE_ESCALATION }, { "thresholds", PAGE_THRESHOLDS },
		{ "quickref", PAGE_QUICKREF }
	};
	unsigned bits = r->light ? r->sections & ~PAGE_RELATED : 0;
	size_t i;

	if (!r->light && r->fm != NULL)
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (ymaps(r->fm, keys[i].key) > 0)
				bits |= keys[i].bit;
	for (i = 0; i < r->nlinks; i++)
		if (r->links[i].kind == LINK_RELATED)
			bits |= PAGE_RELATED;
	return bits;
}

/*
 * Returns 1 if the page of r has the element whose id is id, one of
 * page_ids: a section that shows r's data only when it has some, the
 * on-call box only with contacts, escalation or severity levels.  The
 * home runbook's page is the index, which has none of them but its own.
 * Backlinks and alerts are not known when links are checked: taken as
 * there (check.c checks #rbc-alerts once they are).
 */
int
page_has_id(const struct runbook *r, const char *id)
{
	static const struct {
		const char	*id;
		unsigned	 bits;
	} need[] = {
		{ "rbc-severity", PAGE_SEVERITY }, { "rbc-contacts", PAGE_CONTACTS },
		{ "rbc-escalation", PAGE_ESCALATION },
		{ "rbc-thresholds", PAGE_THRESHOLDS },
		{ "rbc-quickref", PAGE_QUICKREF }, { "rbc-related", PAGE_RELATED },
		{ "rbc-oncall", PAGE_SEVERITY | PAGE_CONTACTS | PAGE_ESCALATION }
	};
	size_t i;

	if (strncmp(id, "rbc-search", 10) == 0 || strcmp(id, "main") == 0)
		return 1;
	if (r->home)
		return strcmp(id, "rbc-orphans") == 0;
	if (strcmp(id, "rbc-toc") == 0 || strcmp(id, "rbc-orphans") == 0 ||
	    strcmp(id, "rbc-site-contacts") == 0)
		return 0;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (strcmp(id, need[i].id) == 0)
			return (page_sections(r) & need[i].bits) != 0;
	return 1;
}

/* Returns the bytes of punctuation or space at p: ASCII, U+00A0-U+00BF
 * and U+2000-U+206F (dashes, quotes, spaces); 0 for anything else. */
static size_t
punct(const unsigned char *p)
{
	if (*p != '\0' && *p < 0x80 && !isalnum(*p))
		return 1;
	if (p[0] == 0xc2 && p[1] >= 0xa0 && p[1] <= 0xbf)
		return 2;
	if (p[0] == 0xe2 && (p[1] == 0x80 || p[1] == 0x81) && p[2] >= 0x80 &&
	    p[2] <= 0xbf && (p[1] == 0x80 || p[2] <= 0xaf))
		return 3;
	return 0;
}

/* Returns 1 if a and b say the same when only their letters and digits
 * count, ASCII without case (non-ASCII letters as they are). */
static int
same_words(const char *a, const char *b)
{
	const unsigned char *p = (const unsigned char *)a;
	const unsigned char *q = (const unsigned char *)b;
	int any = 0;
	size_t k;

	for (;;) {
		while ((k = punct(p)) > 0)
			p += k;
		while ((k = punct(q)) > 0)
			q += k;
		if (*p == '\0' || *q == '\0')
			return *p == *q && any;
		if (tolower(*p) != tolower(*q))
			return 0;
		any = 1;
		p++;
		q++;
	}
}

/* Returns r's first H1 that says r's title (see model.h), else NULL. */
const struct heading *
title_heading(const struct runbook *r)
{
	size_t i;

	if (r->title == NULL)
		return NULL;
	for (i = 0; i < r->nheads; i++)
		if (r->heads[i].level == 1 &&
		    (strcmp(r->heads[i].text, r->title) == 0 ||
		    same_words(r->heads[i].text, r->title)))
			return &r->heads[i];
	return NULL;
}

/* Returns the contact with this id, from the runbook or the site. */
const struct ynode *
contact_find(const struct site *s, const struct runbook *r, const char *id)
{
	const struct ynode *cs[2], *c;
	size_t i, k;

	cs[0] = ymap_get(r->fm, "contacts");
	cs[1] = s->cfg.contacts;
	for (k = 0; k < 2; k++) {
		if (cs[k] == NULL || cs[k]->type != Y_SEQ)
			continue;
		for (i = 0; i < cs[k]->n; i++) {
			c = cs[k]->items[i];
			const char *cid = ystr(ymap_get(c, "id"));
			if (cid != NULL && strcmp(cid, id) == 0)
				return c;
		}
	}
	return NULL;
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

/* Returns 1 if rel (content-relative) is a non-runbook file of the site. */
int
site_has_file(const struct site *s, const char *rel)
{
	return strv_find(s->files, s->nfiles, rel) != -1;
}

/*
 * The files of the site below folder dir (content-relative; "" for all):
 * returns the index in s->files of the first, and sets *n to how many,
 * *listed to how many of them the index lists and publishes (the first
 * RBC_MAX_LISTED).
 */
size_t
site_files_below(const struct site *s, const char *dir, size_t *n,
    size_t *listed)
{
	size_t dl = strlen(dir), lo = 0, hi = s->nfiles, mid, end;
	char *key;

	if (dl == 0) {
		*n = s->nfiles;
		*listed = *n < RBC_MAX_LISTED ? *n : RBC_MAX_LISTED;
		return 0;
	}
	key = xasprintf("%s/", dir);
	/* The first not before dir/: they all begin with it, in a row. */
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(s->files[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->nfiles && strncmp(s->files[end], key,
	    dl + 1) == 0; end++)
		;
	free(key);
	*n = end - lo;
	*listed = *n < RBC_MAX_LISTED ? *n : RBC_MAX_LISTED;
	return lo;
}

/*
 * Turns k (n bytes, NUL-terminated) into what a wiki compares of page
 * names: ASCII letters in lower case, each space a '-', without ".md".
 * Returns k.
 */
static char *
wiki_key(char *k, size_t n)
{
	size_t i;

	if (n >= 3 && strcasecmp(k + n - 3, ".md") == 0)
		k[n -= 3] = '\0';
	for (i = 0; i < n; i++)
		k[i] = k[i] == ' ' ? '-' : (char)tolower((unsigned char)k[i]);
	return k;
}

/*
 * Indexes s's runbook paths by the names a wiki link may give them
 * (site_wiki_page), once (threads call it under a lock: index.c).
 */
void
site_wiki_names(struct site *s)
{
	const char *p, *b;
	size_t i;

	if (s->wiki_made)
		return;
	s->wiki_made = 1;
	strtab_init(&s->wiki, 2 * s->nrbpaths);
	/* Paths first: a name that is a path wins over a file's name. */
	for (i = 0; i < s->nrbpaths; i++) {
		p = s->rbpaths[i];
		strtab_add(&s->wiki, wiki_key(arena_strdup(s->arena, p),
		    strlen(p)), (int)i);
	}
	for (i = 0; i < s->nrbpaths; i++) {
		p = s->rbpaths[i];
		b = strrchr(p, '/');
		if (b != NULL)
			strtab_add(&s->wiki, wiki_key(arena_strdup(s->arena,
			    b + 1), strlen(b + 1)), (int)i);
	}
}

/*
 * The runbook a wiki link's page name (n bytes at name) names where it is
 * no id, as GitHub's and GitLab's wikis find a page: case aside, a space
 * for a '-' (the page "Database Failover" is Database-Failover.md), by
 * its path or else by its file's name in any folder (the first in path
 * order).  Returns its index in s->rbpaths, or -1.  site_wiki_names must
 * have run.
 */
long
site_wiki_page(const struct site *s, const char *name, size_t n)
{
	char *key;
	int k;

	if (!s->wiki_made || n == 0)
		return -1;
	key = xstrndup(name, n);
	k = strtab_find(&s->wiki, wiki_key(key, n));
	free(key);
	return k;
}

/*
 * The folders of other files only that some link reaches (struct link's
 * folder 2), each once, sorted, into *dirs (the caller frees the array):
 * the index lists their files.  Returns how many.
 */
size_t
site_listed(const struct site *s, const char ***dirs)
{
	const char **v = NULL;
	size_t n = 0, k = 0, i, j;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->rb[i]->nlinks; j++)
			if (s->rb[i]->links[j].folder == 2) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = s->rb[i]->links[j].file;
			}
	if (n > 1)
		qsort(v, n, sizeof(*v), strpcmp);
	for (i = 0; i < n; i++)
		if (k == 0 || strcmp(v[i], v[k - 1]) != 0)
			v[k++] = v[i];
	*dirs = v;
	return k;
}

/*
 * Returns 1 if the runbook at rel is the home page's text: the content
 * root's index.md, else its README.md (in any case), else Hugo's
 * _index.md (which the walk keeps only then).
 */
int
rel_is_home(const struct site *s, const char *rel)
{
	return strcmp(rel, "index.md") == 0 || strcmp(rel, "_index.md") ==
	    0 || (strcasecmp(rel, "README.md") == 0 &&
	    strv_find(s->rbpaths, s->nrbpaths, "index.md") == -1);
}

/* Man page and card names: long enough to tell runbooks apart, short
 * enough for a file name with its suffix. */
#define NAME_MAX_BYTES	200

/*
 * Returns the man page and card name of id (malloc'd): '/' becomes '-',
 * each run of bytes outside [A-Za-z0-9._-] one '-' ("disk full" and
 * "vault+sso" give "disk-full" and "vault-sso"), never a leading '-' or
 * '.', and a name longer than NAME_MAX_BYTES is cut and given a digest
 * of the whole id.  Two ids that make one name are id-duplicate (index.c).
 */
char *
id_name(const char *id)
{
	struct buf b = { NULL, 0, 0 };
	const unsigned char *p;
	char *out;
	int gap = 0;

	for (p = (const unsigned char *)id; *p != '\0'; p++) {
		if ((*p < 0x80 && isalnum(*p)) || *p == '.' || *p == '_' ||
		    *p == '-') {
			if (gap && b.len > 0 && b.data[b.len - 1] != '-')
				buf_putc(&b, '-');
			gap = 0;
			if (b.len == 0 && (*p == '.' || *p == '-'))
				continue;
			buf_putc(&b, (char)*p);
		} else
			gap = 1;
	}
	if (b.len == 0)
		buf_printf(&b, "rb-%08llx", (unsigned long long)
		    (hash_str(HASH64_INIT, id) & 0xffffffffu));
	else if (b.len > NAME_MAX_BYTES) {
		b.len = NAME_MAX_BYTES - 17;
		buf_printf(&b, "-%016llx", (unsigned long long)
		    hash_str(HASH64_INIT, id));
	}
	out = xstrdup(buf_cstr(&b));
	buf_free(&b);
	return out;
}

/*
 * Appends path to b as an href: '/' kept, each byte outside RFC 3986's
 * unreserved set and "!$&'()*+,;=@" percent-encoded, so that a space, a
 * '#', a '?', a '%' or a ':' in a file name never changes what the link
 * means.  Letters beyond ASCII are encoded too (valid everywhere).
 */
void
href_path(struct buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	for (p = (const unsigned char *)path; *p != '\0'; p++) {
		if ((*p < 0x80 && isalnum(*p)) ||
		    strchr("-._~/!$&'()*+,;=@", *p) != NULL)
			buf_putc(b, (char)*p);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[*p >> 4]);
			buf_putc(b, hex[*p & 15]);
		}
	}
}

/* The alerts whose runbook_url names runbook r (the site's, or a copy
 * read again), in rule-file order. */
const int *
alerts_of(const struct site *s, const struct runbook *r, size_t *n)
{
	const struct alerts *al = &s->alerts;
	size_t idx = r->idx;

	*n = 0;
	if (al->first == NULL)
		return NULL;
	if (idx >= s->n || s->rb[idx] != r) {
		int k = site_find(s, r->id);
		if (k < 0)
			return NULL;
		idx = (size_t)k;
	}
	*n = al->first[idx + 1] - al->first[idx];
	return al->byrb + al->first[idx];
}

/*
 * Returns 1 if s, an entry of a severity level's notify, is whom it
 * notifies as written ("Incident Commander", "CTO"), not a contact id:
 * it has a blank or a capital letter, which contact ids rarely have.
 */
int
notify_name(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == ' ' || isupper((unsigned char)*s))
			return 1;
	return 0;
}
