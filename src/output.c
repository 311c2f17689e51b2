/*
 * Output files: each written whole under the build's temporary folder,
 * its folders made as needed; theme assets and the files runbooks link
 * to copied beside the pages.
 */
#define _GNU_SOURCE
#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"

/* The folders folder() made last, each thread its own (link_unchanged
 * has two). */
static _Thread_local char *made[4];
static _Thread_local size_t next_made;

/* Forgets the folders folder() made, as a thread that used it ends. */
void
folder_forget(void)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		free(made[i]);
		made[i] = NULL;
	}
}

/*
 * Returns 0 when folder dir exists, made if need be; the last few made
 * are remembered, so that 20,000 outputs cost no system call for them.
 */
int
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
int
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
int
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

int
put_html(void *arg, const char *rel, const struct buf *b, int more)
{
	char *p = xasprintf("html/%s", rel);
	int rc = more ? put_more(arg, p, b->data, b->len) :
	    put(arg, p, b->data, b->len);

	free(p);
	return rc;
}

/* The pieces a large embedded file is written in. */
#define EMBED_PIECE	((size_t)256 << 10)

/*
 * Writes embedded file p (n bytes) at rel a piece at a time, letting go
 * of each piece's pages once written: the diagram library alone is 6 MB,
 * which copying it whole would add to rbc's peak memory.
 */
static void
put_embedded(struct out *o, const char *rel, const unsigned char *p,
    size_t n)
{
	size_t k = n < EMBED_PIECE ? n : EMBED_PIECE, m;

	if (put(o, rel, p, k) == -1)
		return;
	mem_release(p, k);
	for (; k < n; k += m) {
		m = n - k < EMBED_PIECE ? n - k : EMBED_PIECE;
		if (put_more(o, rel, p + k, m) == -1)
			return;
		mem_release(p + k, m);
	}
}

/* Returns 1 if name is one of the n names in v. */
static int
named(char *const *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], name) == 0)
			return 1;
	return 0;
}

/*
 * Copies the theme: site themes/<theme>/ if present, else rbc's own;
 * then the libraries pages load (vendor/, tools/vendor.sh), whatever the
 * theme, unless the site's theme has a file of that name.
 */
void
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
				rel = xasprintf("html/" RBC_DIR "/%s", names[i]);
				put(o, rel, b.data, b.len);
				free(rel);
			}
			free(src);
		}
	} else if (strcmp(s->cfg.theme, "default") != 0) {
		diag_add(o->d, dir, 0, 0, R_IO, "no theme '%s' (%s)",
		    s->cfg.theme, strerror(errno));
		o->failed = 1;
	} else {
		for (k = 0; embedded_files[k].name != NULL; k++) {
			const char *nm = embedded_files[k].name;
			if (strncmp(nm, "themes/default/", 15) != 0)
				continue;
			rel = xasprintf("html/" RBC_DIR "/%s", nm + 15);
			put_embedded(o, rel, embedded_files[k].data,
			    embedded_files[k].len);
			free(rel);
		}
	}
	for (k = 0; embedded_files[k].name != NULL; k++) {
		const char *nm = embedded_files[k].name;
		if (strncmp(nm, "vendor/", 7) != 0 || named(names, n, nm + 7))
			continue;
		rel = xasprintf("html/" RBC_DIR "/%s", nm + 7);
		put_embedded(o, rel, embedded_files[k].data,
		    embedded_files[k].len);
		free(rel);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_free(&b);
	free(dir);
}

/* Copies every non-runbook file that some runbook links to. */
void
copy_linked(struct site *s, struct out *o)
{
	struct buf b = { NULL, 0, 0 };
	char **v = NULL, *src, *rel;
	const char **dirs;
	size_t n = 0, i, j, nd = site_listed(s, &dirs), first, nf, nl, k;

	for (i = 0; i < s->n; i++)
		for (j = 0; j < s->rb[i]->nlinks; j++)
			if (s->rb[i]->links[j].file != NULL &&
			    s->rb[i]->links[j].folder == 0) {
				v = xreallocarray(v, n + 1, sizeof(*v));
				v[n++] = s->rb[i]->links[j].file;
			}
	/* And the files the index lists of a linked folder. */
	for (k = 0; k < nd; k++) {
		first = site_files_below(s, dirs[k], &nf, &nl);
		for (j = first; j < first + nl; j++) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n++] = s->files[j];
		}
	}
	free(dirs);
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
