/*
 * The output tree: files written whole into a temporary folder beside
 * --out, theme assets and linked files copied, unchanged outputs linked
 * from the previous build, the spare tree recycled, and the finished tree
 * swapped into place only when everything succeeded.
 */
#define _GNU_SOURCE
#include <sys/file.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
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

/* The spare tree a rebuild keeps in out (recycle). */
#define SPARE	".rbc-spare"



/* The site pages; the last only for a site with alert rules
 * (SITE_PAGES says how many a site has). */
static const char *const site_pages[] = { "html/index.html",
    "html/" RBC_DIR "/contacts.html", "html/" RBC_DIR "/thresholds.html",
    "html/" RBC_DIR "/alerts.html", NULL };
#define SITE_PAGES(s)	((s)->alerts.configured ? 4 : 3)
/* The search index's parts (search.c): as many as the site needs, so
 * found by listing the folder; a site page with the others. */
#define SEARCH_DIR	"html/" RBC_DIR "/search"

/* ------------------------------------------------------ the spare tree */

/* T_SAME: live has it; T_OTHER: neither a folder nor a regular file
 * (in a listing of the live tree only) */
enum tkind { T_FILE, T_DIR, T_SAME, T_KEEP, T_OTHER };

/*
 * What is neither a folder nor a regular file in the tree a rebuild links
 * from, by path: planted there (a symlink to elsewhere, say), it is never
 * linked into the new tree.  Found with the entries' types as the folders
 * are read, so a tree of 20,000 files costs a few dozen system calls.
 */
static struct strtab planted;
static char **planted_v;
static size_t nplanted;
static int planted_listed;	/* by tree_list, for the live tree */

static void
find_planted(int fd, struct buf *prefix, int depth)
{
	size_t plen = prefix->len;
	struct dirent *de;
	struct stat st;
	DIR *d;
	int type, sub;

	if (depth > 64 || (d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    (depth == 0 && strcmp(de->d_name, SPARE) == 0))
			continue;
		type = de->d_type;
		if (type == DT_UNKNOWN) {
			if (fstatat(dirfd(d), de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1)
				continue;
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ?
			    DT_REG : DT_LNK;
		}
		if (type == DT_REG)
			continue;
		prefix->len = plen;
		if (plen > 0)
			buf_putc(prefix, '/');
		buf_put(prefix, de->d_name, strlen(de->d_name));
		if (type == DT_DIR) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub != -1)
				find_planted(sub, prefix, depth + 1);
		} else {
			planted_v = xreallocarray(planted_v, nplanted + 1,
			    sizeof(*planted_v));
			planted_v[nplanted++] = xstrdup(prefix->data);
		}
	}
	prefix->len = plen;
	if (prefix->data != NULL)
		prefix->data[plen] = '\0';
	closedir(d);
}

/* Indexes planted_v by path (planted). */
static void
planted_index(void)
{
	size_t i;

	strtab_init(&planted, nplanted);
	for (i = 0; i < nplanted; i++)
		strtab_add(&planted, planted_v[i], (int)i);
}

/* Lists what was planted in the tree old (planted, nplanted). */
static void
planted_find(const char *old)
{
	struct buf prefix = { NULL, 0, 0 };
	int fd;

	if (planted_listed)
		return;
	if ((fd = open(old, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) != -1)
		find_planted(fd, &prefix, 0);
	buf_free(&prefix);
	planted_index();
}

static void
planted_free(void)
{
	size_t i;

	for (i = 0; i < nplanted; i++)
		free(planted_v[i]);
	free(planted_v);
	planted_v = NULL;
	nplanted = 0;
	strtab_free(&planted);
	planted_listed = 0;
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

	folder_forget();
	for (i = 0; i < 4; i++)
		linkdir_drop(&ld[i]);
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
	/* Nothing in the old tree is trusted: what is not a regular file
	 * there (a symlink planted, linked, would stay one) is made anew. */
	if (nplanted > 0 && strtab_find(&planted, rel) != -1) {
		errno = EPERM;
		return -1;
	}
	if (d->fd[0] == -1 || d->fd[1] == -1 ||
	    linkat(d->fd[0], base, d->fd[1], base, 0) == -1) {
		int e = d->fd[0] == -1 || d->fd[1] == -1 ? ENOENT : errno;
		/* Forgotten: the next link there opens the folders again
		 * (unless the file was there already: errno EEXIST). */
		if (e != EEXIST)
			linkdir_drop(d);
		errno = e;
		return -1;
	}
	return 0;
}

/*
 * Links old/rel to new/rel like link_one, unless new/rel is the very file
 * already (kept from the spare tree by recycle): 0, or -1.
 */
static int
link_or_kept(const char *old, const char *new, const char *rel)
{
	struct stat sa, sb;
	char *a, *b;
	int rc;

	if (link_one(old, new, rel) == 0)
		return 0;
	if (errno != EEXIST)
		return -1;
	a = path_join(old, rel);
	b = path_join(new, rel);
	rc = lstat(b, &sb) == 0 && S_ISREG(sb.st_mode) && lstat(a, &sa) == 0 &&
	    sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev ? 0 : -1;
	free(a);
	free(b);
	return rc;
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
	if ((formats & FMT_HTML) && !r->home) {
		off[n++] = b->len;
		rel_put(b, "html/", r->page, ".html");
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
link_unchanged(struct build *b, const char *old, const char *new,
    int formats, const uint64_t *out_digest, const char *kept, int jobs)
{
	struct site *s = &b->site;
	struct linkjob j = { old, new, s, formats, NULL, kept };
	struct buf outs[2];
	char *todo = xcalloc(s->n ? s->n : 1, 1);
	size_t i;
	/* A recycled tree has nearly all already: no workers then. */
	int k, n = jobs > 1 && kept == NULL && (formats & FMT_HTML) &&
	    (formats & ~FMT_HTML) ? 2 : 1;

	planted_find(old);
	/* What changed, once for both threads. */
	for (i = 0; i < s->n; i++)
		todo[i] = out_digest[i] != cache_odig(b->cache, s->rb[i]->rel);
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

/* The names of the search index's files in tree root, sorted; how many,
 * or -1 if the folder cannot be read. */
static long
search_files(const char *root, char ***names)
{
	char *dir = path_join(root, SEARCH_DIR);
	struct dirent *de;
	long n = 0;
	DIR *d;

	*names = NULL;
	if ((d = opendir(dir)) == NULL) {
		free(dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_type != DT_REG)
			continue;
		*names = xreallocarray(*names, (size_t)n + 1, sizeof(**names));
		(*names)[n++] = xasprintf(SEARCH_DIR "/%s", de->d_name);
	}
	closedir(d);
	free(dir);
	if (n > 0)
		qsort(*names, (size_t)n, sizeof(**names), strpcmp);
	return n;
}

static void
names_free(char **v, long n)
{
	while (n-- > 0)
		free(v[n]);
	free(v);
}

/* The previous build's search index (struct search_prev), for o. */
static int
prev_read(void *arg, const char *rel, struct buf *b)
{
	const struct out *o = arg;
	char *path = xasprintf("%s/html/%s", o->live, rel);
	/* A word part of a common word can be large; none is this. */
	int rc = read_file(path, b, (size_t)64 << 20) == 0 ? 0 : -1;

	free(path);
	return rc;
}

/* The previous build's file rel in the new tree: kept there from the
 * spare tree (the very file), else linked. */
static int
prev_link(void *arg, const char *rel)
{
	const struct out *o = arg;
	char *r = xasprintf("html/%s", rel);
	int rc = link_or_kept(o->live, o->dir, r);

	free(r);
	return rc;
}

/* Removes every file of the search index from the new tree: it is to be
 * written whole.  0, or -1. */
static int
prev_clear(void *arg)
{
	const struct out *o = arg;
	char **sv;
	long ns = search_files(o->dir, &sv), k;
	int rc = 0;

	for (k = 0; k < ns; k++) {
		char *p = path_join(o->dir, sv[k]);
		if (unlink(p) == -1 && errno != ENOENT)
			rc = -1;
		free(p);
	}
	names_free(sv, ns);
	return rc;
}

static int
prev_changed(void *arg, size_t i, struct buf *b)
{
	const struct out *o = arg;

	return cache_search_old(o->b, i, b);
}

/* The n site pages, linked from the previous tree; 0 or -1 (none
 * left). */
static int
link_site_pages(const char *old, const char *new, int n)
{
	int i, rc = 0;

	for (i = 0; i < n && rc == 0; i++)
		rc = link_one(old, new, site_pages[i]);
	for (i = 0; i < n && rc == -1; i++) {
		char *p = path_join(new, site_pages[i]);
		unlink(p);
		free(p);
	}
	return rc;
}

/* The search index's files, linked from the previous tree; 0 or -1
 * (none left). */
static int
link_search(const char *old, const char *new)
{
	char **sv;
	long ns = search_files(old, &sv), k;
	int rc = ns > 0 ? 0 : -1;

	for (k = 0; k < ns && rc == 0; k++)
		rc = link_or_kept(old, new, sv[k]);
	for (k = 0; k < ns && rc == -1; k++) {
		char *p = path_join(new, sv[k]);
		unlink(p);
		free(p);
	}
	names_free(sv, ns);
	return rc;
}

/*
 * The tree a build replaces is kept as out/.rbc-spare when it shares most
 * of its files with the new one (an incremental build), and the next
 * build takes it as its own new tree instead of an empty one: what it
 * holds that is the very file (same inode) the live tree holds, and that
 * this build would link from there, stays; everything else in it goes.
 * The result is what linking into an empty tree gives, but a one-edit
 * rebuild makes and removes a few links instead of 20,000 of each.
 */

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
 * prefix, never following a symbolic link, and adds each entry to t (with
 * others, what is neither a folder nor a regular file as T_OTHER).
 * Returns 0 or -1.
 */
static int
tree_walk(struct tree *t, int others, int fd, struct buf *prefix, int depth)
{
	struct dirent *de;
	struct stat st;
	size_t plen = prefix->len;
	DIR *d;
	int rc = 0, sub, type;

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
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ?
			    DT_REG : DT_LNK;
		}
		prefix->len = plen;
		if (plen > 0)
			buf_putc(prefix, '/');
		buf_put(prefix, de->d_name, strlen(de->d_name));
		/* 32-bit offsets: a tree past 4 GB of paths is not
		 * recycled. */
		if (t->names.len + prefix->len >= UINT32_MAX) {
			rc = -1;
			break;
		}
		tree_add(t, prefix->data, prefix->len, de->d_ino,
		    type == DT_DIR ? T_DIR : others && type != DT_REG ?
		    T_OTHER : T_FILE);
		if (type == DT_DIR) {
			sub = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			rc = sub == -1 ? -1 : tree_walk(t, others, sub,
			    prefix, depth + 1);
		}
	}
	prefix->len = plen;
	closedir(d);
	return rc;
}

/* Starts t sized for hint entries: no array doubled past need. */
static void
tree_init(struct tree *t, size_t hint)
{
	memset(t, 0, sizeof(*t));
	t->cap = hint;
	t->off = xreallocarray(NULL, hint, sizeof(*t->off));
	t->ino = xreallocarray(NULL, hint, sizeof(*t->ino));
	t->kind = xreallocarray(NULL, hint, 1);
	buf_grow(&t->names, hint * 56);
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

/* Lists the tree at root into t (tree_walk's others); 0 or -1. */
static int
tree_read(struct tree *t, const char *root, int others)
{
	struct buf prefix = { NULL, 0, 0 };
	int fd, rc;

	rc = (fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 ? -1 : tree_walk(t, others, fd, &prefix, 0);
	buf_free(&prefix);
	return rc;
}

/* The live tree listed on a thread of its own. */
struct treejob {
	struct tree	 t;
	const char	*root;
	int		 rc;
};

static void *
tree_thread(void *arg)
{
	struct treejob *j = arg;

	j->rc = tree_read(&j->t, j->root, 1);
	return NULL;
}

/*
 * Lists the spare tree at root into t, indexed by path, then marks the
 * files the live tree has too; returns 0 or -1.  The two trees are read
 * at once, one on a thread: when neither is in memory any more (a rebuild
 * minutes after the last), their folders' reads overlap.
 */
static int
tree_list(struct tree *t, const char *root, const char *live, size_t hint)
{
	struct treejob j;
	pthread_t th;
	size_t i;
	long k;
	int rc, helped;

	tree_init(t, hint);
	tree_init(&j.t, hint);
	j.root = live;
	j.rc = -1;
	helped = pthread_create(&th, NULL, tree_thread, &j) == 0;
	rc = tree_read(t, root, 0);
	if (rc == 0)
		tree_index(t);
	if (helped)
		pthread_join(th, NULL);
	else if (rc == 0)
		j.rc = tree_read(&j.t, live, 1);
	rc = rc == 0 ? j.rc : -1;
	for (i = 0; rc == 0 && i < j.t.n; i++) {
		/* Only a regular file is kept: nothing planted. */
		if (j.t.kind[i] != T_FILE)
			continue;
		k = tree_find(t, j.t.names.data + j.t.off[i],
		    strlen(j.t.names.data + j.t.off[i]));
		if (k != -1 && t->kind[k] == T_FILE && t->ino[k] == j.t.ino[i])
			t->kind[k] = T_SAME;
	}
	/* What was planted in the live tree, for link_unchanged: known
	 * now, not listed again. */
	if (rc == 0) {
		planted_free();
		for (i = 0; i < j.t.n; i++)
			if (j.t.kind[i] == T_OTHER) {
				planted_v = xreallocarray(planted_v,
				    nplanted + 1, sizeof(*planted_v));
				planted_v[nplanted++] = xstrdup(j.t.names.data +
				    j.t.off[i]);
			}
		planted_index();
		planted_listed = 1;
	}
	tree_free(&j.t);
	return rc;
}

/*
 * Marks rel[0..n) (4 at most) T_KEEP if each is T_SAME; returns 1 if they
 * were.
 */
static int
keep_same(struct tree *t, const char *const *rel, int n)
{
	int i, k[5];

	for (i = 0; i < n; i++)
		if ((k[i] = (int)tree_find(t, rel[i], strlen(rel[i]))) == -1 ||
		    t->kind[k[i]] != T_SAME)
			return 0;
	for (i = 0; i < n; i++)
		t->kind[k[i]] = T_KEEP;
	return 1;
}

/*
 * Marks the search index's files T_KEEP if t has each of live's, each
 * T_SAME, and returns 1; otherwise 0.  With some, each of live's files
 * that t has T_SAME is marked, whatever the others (the index will be
 * updated: search_update), and 0 returned.
 */
static int
keep_search(struct tree *t, const char *live, int some)
{
	char **sv;
	long ns = search_files(live, &sv), k, e;
	int ok = ns > 0;

	for (k = 0; k < ns && ok; k++)
		ok = (e = tree_find(t, sv[k], strlen(sv[k]))) != -1 &&
		    t->kind[e] == T_SAME;
	for (k = 0; k < ns && (ok || some); k++)
		if ((e = tree_find(t, sv[k], strlen(sv[k]))) != -1 &&
		    t->kind[e] == T_SAME)
			t->kind[e] = T_KEEP;
	names_free(sv, ns);
	return ok && !some;
}

/*
 * Makes the spare tree at dir (taken from the live tree live) hold only
 * what this build would link from live: the outputs of each runbook whose
 * digest is unchanged (marked in the returned array), and the site pages
 * and the search index, each if its digest in sitedig is unchanged (*site
 * gets 1 << SD_PAGES, 1 << SD_SEARCH).  Returns NULL when dir could not be
 * listed or emptied of the rest: then it is to be removed whole.
 */
static char *
recycle(const struct build *b, const char *live, const char *dir,
    int formats, const uint64_t *out_digest, const uint64_t *sitedig,
    int *site)
{
	const struct site *s = &b->site;
	struct tree t;
	struct buf ob = { NULL, 0, 0 };
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
			if (out_digest[i] != cache_odig(b->cache, s->rb[i]->rel))
				continue;
			n = output_rels(s->rb[i], formats, &ob, rel);
			kept[i] = (char)keep_same(&t, rel, n);
		}
		buf_free(&ob);
		if ((formats & FMT_HTML) && sitedig[SD_PAGES] ==
		    cache_sitedig(b->cache, SD_PAGES) &&
		    keep_same(&t, site_pages, SITE_PAGES(s)))
			*site |= 1 << SD_PAGES;
		if ((formats & FMT_HTML) && sitedig[SD_SEARCH] ==
		    cache_sitedig(b->cache, SD_SEARCH) &&
		    keep_search(&t, live, 0))
			*site |= 1 << SD_SEARCH;
		/* When the index will be updated (search_update), most of
		 * its files stay the previous build's: those kept. */
		else if ((formats & FMT_HTML) && sitedig[SD_DOCS] ==
		    cache_sitedig(b->cache, SD_DOCS))
			keep_search(&t, live, 1);
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

static void
rm_share(void *arg, int k, int jobs, struct buf *out)
{
	char *p = path_join(arg, k == 0 ? "html" : "man");

	(void)jobs;
	(void)out;
	rm_rf(p);
	free(p);
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

/*
 * Removes what builds into out that were killed left beside it, called
 * with out's lock held (no other build of out runs): the temporary
 * folders out.tmp-XXXXXX.  A killed swap's out.tmp-XXXXXX.old is the
 * previous site: put back if out is missing, else removed.
 */
static void
sweep_stale(const char *out)
{
	char *dir = xstrdup(out), *slash = strrchr(dir, '/'), *prefix, *path;
	const char *parent, *base;
	struct dirent *de;
	struct stat st;
	size_t pl;
	DIR *d;

	if (slash != NULL) {
		*slash = '\0';
		parent = dir[0] != '\0' ? dir : "/";
		base = slash + 1;
	} else {
		parent = ".";
		base = dir;
	}
	prefix = xasprintf("%s.tmp-", base);
	pl = strlen(prefix);
	if ((d = opendir(parent)) == NULL) {
		free(prefix);
		free(dir);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		size_t n = strlen(de->d_name);

		if (strncmp(de->d_name, prefix, pl) != 0 || (n != pl + 6 &&
		    (n != pl + 10 || strcmp(de->d_name + pl + 6, ".old") != 0)))
			continue;
		path = path_join(parent, de->d_name);
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (n == pl + 10 && lstat(out, &st) == -1 &&
			    errno == ENOENT)
				(void)rename(path, out);
			else
				rm_rf(path);
		}
		free(path);
	}
	closedir(d);
	free(prefix);
	free(dir);
}

/*
 * Writes the site of b (loaded) into out: every output into a temporary
 * folder beside it, from the previous build where nothing changed, then
 * swapped into place only when everything succeeded.  Diagnostics go to
 * all.  Returns 0, 1 (content errors found while rendering) or 2 (I/O,
 * interrupted).
 */
int
build_write(struct build *b, const char *out, int formats, int jobs,
    struct diags *all)
{
	struct out o;
	struct search_prev prev = { prev_read, prev_link, prev_clear,
	    prev_changed, NULL };
	struct sigaction sa;
	char *tmp = NULL;
	uint64_t *out_digest, sitedig[SD__N];
	size_t i;
	int reuse_site = 0, cst = 0, site_kept = 0, keep_spare = 0, rc = 0;
	int lockfd = -1;
	char *spare, *kept, *lock, *parent, *slash;
	size_t nrender;
	pid_t cpid;

	if (!replaceable(out)) {
		fprintf(stderr, "rbc build: refusing to replace %s: it is not "
		    "empty and not an rbc output directory\n", out);
		rc = 2;
	}
	if (rc == 0) {
		/*
		 * One build of out at a time (a second waits here), so that
		 * every out.tmp-* beside it is what a killed build left.  The
		 * workers close the lock as they start: a build killed is a
		 * lock released, whatever its workers still do.
		 */
		/* --out build/site/out: its folders made, as mkdir -p. */
		parent = xstrdup(out);
		if ((slash = strrchr(parent, '/')) != NULL && slash != parent) {
			*slash = '\0';
			if (mkdir_p(parent) == -1)
				fprintf(stderr, "rbc build: cannot make %s: %s\n",
				    parent, strerror(errno));
		}
		free(parent);
		lock = xasprintf("%s.lock", out);
		if ((lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC |
		    O_NOFOLLOW, 0644)) == -1 || flock(lockfd, LOCK_EX) == -1) {
			fprintf(stderr, "rbc build: cannot lock %s: %s\n",
			    lock, strerror(errno));
			rc = 2;
		} else {
			pool_close_fd = lockfd;
			sweep_stale(out);
		}
		free(lock);
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
		o.d = all;
		o.b = b;
		o.live = out;
		prev.arg = &o;
		chmod(tmp, 0755);
		/* What changed since the cached build is rendered; the rest
		 * is linked from it (cache.c says why that is the same). */
		/* A clean build needs them only for the cache, which a
		 * process of its own writes: they are made there. */
		out_digest = NULL;
		sitedig[SD_PAGES] = sitedig[SD_SEARCH] = sitedig[SD_DOCS] = 0;
		if (b->cache != NULL || jobs <= 1)
			out_digest = digests(b, sitedig, jobs);
		phase("digests");
		/* The spare tree, if any, in place of the empty one. */
		kept = NULL;
		spare = path_join(out, SPARE);
		if (b->cache != NULL && rename(spare, tmp) == 0 &&
		    (kept = recycle(b, out, tmp, formats, out_digest, sitedig,
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
				close(lockfd);
#ifdef __linux__
				(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
				if (out_digest == NULL)
					out_digest = digests(b, sitedig, jobs);
				_exit(cache_write(tmp, b->global, sitedig, b,
				    out_digest) == -1 ? 1 : 0);
			}
		}
		if (b->cache != NULL) {
			o.linked = 1;
			b->todo = link_unchanged(b, out, tmp, formats, out_digest,
			    kept, jobs);
			if ((formats & FMT_HTML) && sitedig[SD_PAGES] ==
			    cache_sitedig(b->cache, SD_PAGES) &&
			    ((site_kept & (1 << SD_PAGES)) ||
			    link_site_pages(out, tmp, SITE_PAGES(&b->site)) ==
			    0))
				reuse_site |= 1 << SD_PAGES;
			if ((formats & FMT_HTML) && sitedig[SD_SEARCH] ==
			    cache_sitedig(b->cache, SD_SEARCH) &&
			    ((site_kept & (1 << SD_SEARCH)) ||
			    link_search(out, tmp) == 0))
				reuse_site |= 1 << SD_SEARCH;
			/* The same runbooks in the same order: the search
			 * index is updated from the previous one. */
			else if ((formats & FMT_HTML) && sitedig[SD_DOCS] ==
			    cache_sitedig(b->cache, SD_DOCS))
				o.prev = &prev;
			/* Sharing most of the new tree's files, the old one
			 * costs little to keep and saves the next build. */
			for (i = 0, nrender = 0; i < b->site.n; i++)
				nrender += b->todo[i] != 0;
			keep_spare = 2 * nrender <= b->site.n;
		}
		free(kept);
		phase("reuse");
		/* Cards: their libraries loaded once, here, not by each
		 * worker. */
		if (formats & FMT_CARD)
			cardlib_load();
		/* The workers forked next would each count the arenas'
		 * untouched tails. */
		arena_trim(b->site.arena);
		arena_trim(b->second_arena);
		render_all(b, &o, formats, jobs, reuse_site);
		if (cpid > 0) {
			while (waitpid(cpid, &cst, 0) == -1 && errno == EINTR)
				;
			if (!WIFEXITED(cst) || WEXITSTATUS(cst) != 0)
				o.failed = 1;
		} else if (!o.failed) {
			if (out_digest == NULL)	/* the fork failed */
				out_digest = digests(b, sitedig, jobs);
			if (cache_write(tmp, b->global, sitedig, b,
			    out_digest) == -1)
				o.failed = 1;
		}
		free(out_digest);
		phase("cache");
		if (interrupted)
			o.failed = 1;
		if (o.failed) {
			rm_rf(tmp);
			rc = diags_worst(all) == SEV_ERROR &&
			    !interrupted ? 1 : 2;
		} else if (swap_in(tmp, out, jobs, keep_spare) == -1) {
			fprintf(stderr, "rbc build: cannot put %s in place: "
			    "%s\n", out, strerror(errno));
			rm_rf(tmp);
			rc = 2;
		}
		free(tmp);
	}
	planted_free();
	if (lockfd != -1) {
		pool_close_fd = -1;
		close(lockfd);
	}
	return rc;
}
