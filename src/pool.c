/*
 * The worker pool: a pass's work split over processes (libcmark-gfm 0.29
 * is not thread-safe with extensions: a process-wide table of special
 * characters is changed during every parse), each writing what it makes
 * to a file the parent reads back in order.  With -j1 the same code runs
 * in-process.
 */
#define _GNU_SOURCE
#include <sys/types.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include <dirent.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
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

/* In a worker writing to a file: that file, and whether a write failed. */
static FILE	*pool_out;
static int	 pool_bad;	/* its errno */
/* A worker could not write because the disk (or quota) is full. */
static int	 pool_full;
/* A descriptor the workers close as they start (a build's lock). */
int		 pool_close_fd = -1;

/* Returns the number of CPUs, the default for -j. */
int
ncpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

/*
 * Writes what b holds to the worker's file when it passes 1 MB, so that
 * a worker's results never sit whole in memory.  fn calls it between
 * whole results.
 */
void
pool_spill(struct buf *b)
{
	if (pool_out == NULL || b->len < ((size_t)1 << 20))
		return;
	if (fwrite(b->data, 1, b->len, pool_out) != b->len && !pool_bad)
		pool_bad = errno != 0 ? errno : EIO;
	buf_reset(b);
}

/*
 * Runs fn(arg, k, jobs, out) for k in 0..jobs-1, each in a worker process
 * (in-process when jobs is 1), each writing its results into a temporary
 * file; returns those results in outs[k], or (files not NULL) the files
 * themselves, rewound, in files[k].  Returns 0, or -1 if a worker failed
 * (message printed).
 */
int
pool(int jobs, void (*fn)(void *, int, int, struct buf *), void *arg,
    struct buf *outs, FILE **files)
{
	FILE **tmp;
	pid_t *pid, parent;
	int k, st, fd, rc = 0;

	if (jobs <= 1 && files == NULL) {
		fn(arg, 0, 1, &outs[0]);
		return 0;
	}
	tmp = xcalloc((size_t)jobs, sizeof(*tmp));
	pid = xcalloc((size_t)jobs, sizeof(*pid));
	parent = getpid();
	fflush(NULL);
	for (k = 0; k < jobs; k++) {
		fd = scratch_fd();
		if (fd == -1 || (tmp[k] = fdopen(fd, "w+")) == NULL) {
			if (fd != -1)
				close(fd);
			fprintf(stderr, "rbc: cannot make a temporary file: "
			    "%s\n", strerror(errno));
			rc = -1;
			break;
		}
		if (jobs <= 1) {
			struct buf b = { NULL, 0, 0 };
			pool_out = tmp[k];
			pool_bad = 0;
			fn(arg, k, jobs, &b);
			pool_out = NULL;
			if (pool_bad || (b.len > 0 && fwrite(b.data, 1, b.len,
			    tmp[k]) != b.len) || fflush(tmp[k]) != 0) {
				int e = pool_bad ? pool_bad : errno;
				fprintf(stderr, "rbc: cannot write a temporary "
				    "file: %s\n", strerror(e));
				pool_full |= e == ENOSPC || e == EDQUOT;
				rc = -1;
			}
			buf_free(&b);
			break;
		}
		if ((pid[k] = fork()) == -1) {
			fprintf(stderr, "rbc: cannot start a worker: %s\n",
			    strerror(errno));
			rc = -1;
			break;
		}
		if (pid[k] == 0) {
			struct buf b = { NULL, 0, 0 };
#ifdef __linux__
			/* A build killed is its workers killed: none goes on
			 * writing into a tree the next build removes. */
			if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 ||
			    getppid() != parent)
				_exit(3);
#endif
			if (pool_close_fd != -1)
				close(pool_close_fd);
			pool_out = tmp[k];
			fn(arg, k, jobs, &b);
			if (pool_bad || (b.len > 0 && fwrite(b.data, 1, b.len,
			    tmp[k]) != b.len) || fflush(tmp[k]) != 0) {
				int e = pool_bad ? pool_bad : errno;
				fprintf(stderr, "rbc: worker %d cannot write its "
				    "temporary file: %s\n", k, strerror(e));
				_exit(e == ENOSPC || e == EDQUOT ? 4 : 3);
			}
			_exit(0);
		}
	}
	for (k = 0; k < jobs; k++) {
		if (pid[k] <= 0)
			continue;
		while (waitpid(pid[k], &st, 0) == -1 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
			if (WIFSIGNALED(st))
				fprintf(stderr, "rbc: worker %d died of signal "
				    "%d\n", k, WTERMSIG(st));
			else if (WEXITSTATUS(st) == 4)
				pool_full = 1;	/* it said why */
			else if (WEXITSTATUS(st) != 3)
				fprintf(stderr, "rbc: worker %d failed\n", k);
			rc = -1;
			continue;
		}
	}
	for (k = 0; k < jobs; k++) {
		if (tmp[k] == NULL)
			continue;
		rewind(tmp[k]);
		if (files != NULL) {
			files[k] = tmp[k];
			continue;
		}
		for (;;) {
			char chunk[65536];
			size_t n = fread(chunk, 1, sizeof(chunk), tmp[k]);
			buf_put(&outs[k], chunk, n);
			if (n < sizeof(chunk))
				break;
		}
		fclose(tmp[k]);
	}
	free(tmp);
	free(pid);
	return rc;
}

/*
 * Runs fn(arg, k, jobs, out) in jobs workers; returns what each appended
 * to out in outs[k] (jobs buffers).  0, or -1 if a worker failed.
 */
int
workers_collect(int jobs, void (*fn)(void *, int, int, struct buf *),
    void *arg, struct buf *outs)
{
	return pool(jobs, fn, arg, outs, NULL);
}

/*
 * Runs fn(arg, k, jobs, out) in jobs workers; what they append to out
 * (diagnostics, as diag_encode() writes them) comes back into d.
 * Returns 0, or -1 if a worker failed.
 */
int
workers_run(int jobs, void (*fn)(void *, int, int, struct buf *), void *arg,
    struct diags *d)
{
	struct buf *outs = xcalloc((size_t)jobs, sizeof(*outs));
	int k, rc;

	rc = pool(jobs, fn, arg, outs, NULL);
	for (k = 0; k < jobs; k++) {
		if (rc == 0 && diag_decode(d, outs[k].data, outs[k].len) == -1)
			rc = -1;
		buf_free(&outs[k]);
	}
	free(outs);
	return rc;
}

/* Reads one diagnostic into g (file and message copied); 0 or -1. */
int
diag_get(struct rd *r, struct diag *g)
{
	char *file = rd_str(r), *msg;

	g->line = (int)rd_u32(r);
	g->col = (int)rd_u32(r);
	g->rule = (enum rule)rd_u32(r);
	g->sev = (enum severity)rd_u32(r);
	msg = rd_str(r);
	if (r->bad || file == NULL || msg == NULL || g->rule >= R__MAX)
		return -1;
	g->file = xstrdup(file);
	g->msg = xstrdup(msg);
	return 0;
}

/* Appends diagnostics to b in the form diag_decode() reads. */
void
diag_encode(struct buf *b, const struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		buf_put_str(b, d->v[i].file);
		buf_put_u32(b, (uint32_t)d->v[i].line);
		buf_put_u32(b, (uint32_t)d->v[i].col);
		buf_put_u32(b, (uint32_t)d->v[i].rule);
		buf_put_u32(b, (uint32_t)d->v[i].sev);
		buf_put_str(b, d->v[i].msg);
	}
}

/* Adds the diagnostics encoded in p to d; returns 0 or -1 if damaged. */
int
diag_decode(struct diags *d, const char *p, size_t n)
{
	struct rd rd = { (const unsigned char *)p,
	    (const unsigned char *)p + n, arena_new(), 0, 0 };
	int rc = 0;

	while (rd.p < rd.end && !rd.bad) {
		struct diag g;
		if (diag_get(&rd, &g) == -1) {
			rc = -1;
			break;
		}
		diag_push(d, &g);
	}
	arena_free(rd.a);
	return rc;
}

/* Returns 1 if a worker of this process failed for want of disk space. */
int
pool_disk_full(void)
{
	return pool_full;
}
