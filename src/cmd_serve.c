/*
 * rbc serve: live preview.  The site is built (HTML only) into a folder
 * of the server's own, served over HTTP by libmicrohttpd on loopback,
 * and rebuilt through the build cache whenever inotify reports a change
 * under the content folder (runbooks, site.yaml, the site's templates/
 * and themes/).  Each rebuild runs in a child process, so that no state
 * of one build outlives it; the child sends back each page's
 * diagnostics banner.  Open pages hold a server-sent events connection
 * and reload when a rebuild ends.
 *
 * What a page gets is added as it is sent: the banner, the stylesheet
 * and script of the preview, and a Content-Security-Policy that allows
 * exactly the events connection.  The built files are never changed.
 *
 * A request names a file under html/ of the build: each path segment is
 * opened below the previous one with O_NOFOLLOW, and ".", "..", empty
 * and dot-file segments are refused (after percent-decoding), so no
 * request reaches a file outside the site, through a symlink or not.
 */
#define _GNU_SOURCE
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cmd.h"

#define EVENTS_PATH	"/__rbc/events"
#define SCRIPT_PATH	"/__rbc/reload.js"
#define STYLE_PATH	"/__rbc/serve.css"
#define MAX_PAGE	((size_t)64 << 20)	/* an HTML page read to edit */
#define MAX_CONN	256
#define KEEPALIVE_S	10

static const char reload_js[] =
"/* rbc serve: reload this page when the site is rebuilt. */\n"
"(function () {\n"
"\tif (!window.EventSource)\n"
"\t\treturn;\n"
"\tvar es = new EventSource('" EVENTS_PATH "');\n"
"\tes.addEventListener('reload', function () {\n"
"\t\tes.close();\n"
"\t\twindow.location.reload();\n"
"\t});\n"
"})();\n";

static const char serve_css[] =
"/* rbc serve: the diagnostics banner. */\n"
"#rbc-serve-banner{margin:0;padding:.5rem 1rem;font:14px/1.4 system-ui,"
"sans-serif;background:#fff4e5;color:#3d2600;border-bottom:2px solid "
"#e08a00;max-height:40vh;overflow:auto}\n"
"#rbc-serve-banner.rbc-serve-errors{background:#fdecea;color:#4a0d07;"
"border-bottom-color:#c62828}\n"
"#rbc-serve-banner p{margin:0 0 .25rem}\n"
"#rbc-serve-banner ul{margin:0;padding-left:1.25rem}\n"
"#rbc-serve-banner code{font-size:13px;overflow-wrap:anywhere}\n"
"@media print{#rbc-serve-banner{display:none}}\n";

/* One page's banner: path under html/, and its HTML. */
struct page {
	char		*path;
	char		*banner;
};

struct serve {
	const char	*content;
	const char	*today;
	char		*out;		/* where the site is built */
	char		*html;		/* out/html */
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	unsigned long	 gen;		/* rebuilds so far */
	int		 stopping;
	struct page	*pages;		/* sorted by path */
	size_t		 npages;
	char		*failed;	/* the banner of a failed rebuild */
};

static void
serve_usage(FILE *f)
{
	fputs("usage: rbc serve [--content DIR] [--bind ADDR] [--port N] "
	    "[--out DIR] [--today YYYY-MM-DD]\n"
	    "  Builds the site, serves it at http://ADDR:N/, rebuilds it on "
	    "every change\n"
	    "  under DIR and reloads the open pages; Ctrl-C stops it.\n"
	    "  --content DIR   the content folder (default: content)\n"
	    "  --bind ADDR     the address to listen on (default: 127.0.0.1, "
	    "loopback only)\n"
	    "  --port N        the port (default: 8000; 0 picks a free one)\n"
	    "  --out DIR       where the preview is built (default: a "
	    "temporary folder,\n"
	    "                  removed on exit)\n"
	    "  --today DATE    the date review staleness is judged on "
	    "(default: today)\n"
	    "example: rbc serve --content docs/runbooks --port 8080\n", f);
}

/* --------------------------------------------------------- the rebuild */

static int
page_cmp(const void *a, const void *b)
{
	return strcmp(((const struct page *)a)->path,
	    ((const struct page *)b)->path);
}

/* Appends a length-prefixed string to b. */
static void
put_field(struct buf *b, const char *s, size_t n)
{
	uint32_t len = (uint32_t)n;

	buf_put(b, (const char *)&len, sizeof(len));
	buf_put(b, s, n);
}

/*
 * The build, in the child: the site built into sv->out with its errors,
 * the diagnostics printed, and each page's banner written to fd.
 * Returns the exit status (0, or 2 when nothing could be built).
 */
static int
build_child(struct serve *sv, int fd)
{
	struct build b;
	struct diags all, rd, page;
	struct buf msg = { NULL, 0, 0 }, ban = { NULL, 0, 0 };
	size_t i;
	int rc;

	memset(&b, 0, sizeof(b));
	if (site_load_cached(&b, sv->content, sv->today, ncpus(), sv->out,
	    FMT_HTML) == -1)
		return 2;
	load_templates(&b);
	/* Render diagnostics apart, so that the content's errors do not
	 * stop the preview (a build would leave its output untouched). */
	diags_init(&rd, NULL);
	rc = build_write(&b, sv->out, FMT_HTML, ncpus(), &rd);
	diags_init(&all, NULL);
	site_diags(&b.site, &all);
	diags_append(&all, &rd);
	diags_sort(&all);
	diags_print(&all, DFMT_TEXT, stderr, want_colour(stderr));
	fprintf(stderr, "rbc serve: %zu runbook%s, %zu error%s, %zu "
	    "warning%s\n", b.site.n, b.site.n == 1 ? "" : "s",
	    diags_count(&all, SEV_ERROR),
	    diags_count(&all, SEV_ERROR) == 1 ? "" : "s",
	    diags_count(&all, SEV_WARNING),
	    diags_count(&all, SEV_WARNING) == 1 ? "" : "s");
	if (rc == 0) {
		for (i = 0; i < b.site.n; i++) {
			const struct runbook *r = b.site.rb[i];
			char *path;

			diags_init(&page, NULL);
			diags_append(&page, &b.site.diags);
			diags_append(&page, &r->diags);
			diags_sort(&page);
			buf_reset(&ban);
			banner_html(&ban, &page, "rbc serve: this runbook has");
			diags_free(&page);
			if (ban.len == 0)
				continue;
			path = xasprintf("%s.html", r->page);
			put_field(&msg, path, strlen(path));
			put_field(&msg, ban.data, ban.len);
			free(path);
		}
		buf_reset(&ban);
		banner_html(&ban, &all, "rbc serve: the site has");
		if (ban.len > 0) {
			put_field(&msg, "index.html", strlen("index.html"));
			put_field(&msg, ban.data, ban.len);
		}
		if (write_all(fd, msg.data, msg.len) == -1)
			rc = 2;
	}
	buf_free(&msg);
	buf_free(&ban);
	diags_free(&all);
	diags_free(&rd);
	build_close(&b);
	return rc;
}

static void
pages_free(struct page *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].path);
		free(p[i].banner);
	}
	free(p);
}

/*
 * Rebuilds the site in a child process and takes its banners.  Returns
 * 0, or -1 when the rebuild failed (the previous site is still served,
 * under a banner that says so).
 */
static int
rebuild(struct serve *sv)
{
	struct buf in = { NULL, 0, 0 };
	struct page *pages = NULL;
	size_t npages = 0, at = 0;
	char chunk[65536];
	ssize_t n;
	pid_t pid;
	int p[2], st = 0, ok;
	sigset_t none;

	if (pipe2(p, O_CLOEXEC) == -1) {
		fprintf(stderr, "rbc serve: pipe: %s\n", strerror(errno));
		return -1;
	}
	fflush(NULL);
	if ((pid = fork()) == -1) {
		fprintf(stderr, "rbc serve: fork: %s\n", strerror(errno));
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid == 0) {
		/* Ctrl-C reaches the build too: it cleans up and ends. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		close(p[0]);
		fflush(NULL);
		_exit(build_child(sv, p[1]));
	}
	close(p[1]);
	for (;;) {
		n = read(p[0], chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_put(&in, chunk, (size_t)n);
	}
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	while (ok && at < in.len) {
		uint32_t len[2];

		if (in.len - at < sizeof(len[0]))
			break;
		memcpy(&len[0], in.data + at, sizeof(len[0]));
		if (in.len - at - sizeof(len[0]) < (size_t)len[0] +
		    sizeof(len[1]))
			break;
		memcpy(&len[1], in.data + at + sizeof(len[0]) + len[0],
		    sizeof(len[1]));
		if (in.len - at - 2 * sizeof(len[0]) - len[0] < len[1])
			break;
		pages = xreallocarray(pages, npages + 1, sizeof(*pages));
		pages[npages].path = xmalloc((size_t)len[0] + 1);
		memcpy(pages[npages].path, in.data + at + sizeof(len[0]),
		    len[0]);
		pages[npages].path[len[0]] = '\0';
		at += 2 * sizeof(len[0]) + len[0];
		pages[npages].banner = xmalloc((size_t)len[1] + 1);
		memcpy(pages[npages].banner, in.data + at, len[1]);
		pages[npages].banner[len[1]] = '\0';
		at += len[1];
		npages++;
	}
	buf_free(&in);
	if (npages > 0)
		qsort(pages, npages, sizeof(*pages), page_cmp);
	pthread_mutex_lock(&sv->mu);
	free(sv->failed);
	sv->failed = NULL;
	if (ok) {
		pages_free(sv->pages, sv->npages);
		sv->pages = pages;
		sv->npages = npages;
	} else {
		pages_free(pages, npages);
		sv->failed = xstrdup("<aside id=\"rbc-serve-banner\" "
		    "class=\"rbc-serve-errors\" role=\"alert\"><p><strong>"
		    "rbc serve: the last rebuild failed</strong> (its "
		    "messages are in the terminal); this is the previous "
		    "site.</p></aside>");
	}
	sv->gen++;
	pthread_cond_broadcast(&sv->cv);
	pthread_mutex_unlock(&sv->mu);
	if (!ok)
		fprintf(stderr, "rbc serve: the rebuild failed; still "
		    "serving the previous site\n");
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------ watching */

/* The folders watched: wd to path. */
struct watches {
	int		 fd;
	char		**path;		/* indexed by wd */
	size_t		 n;
};

#define WATCH_MASK	(IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | \
	IN_MOVED_FROM | IN_MOVED_TO | IN_MODIFY | IN_ATTRIB | \
	IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* Watches dir and every folder under it (depth-bounded). */
static void
watch_tree(struct watches *w, const char *dir, int depth)
{
	struct dirent *de;
	DIR *d;
	int wd;

	if (depth > 64)
		return;
	if ((wd = inotify_add_watch(w->fd, dir, WATCH_MASK |
	    IN_DONT_FOLLOW)) == -1)
		return;
	if ((size_t)wd >= w->n) {
		size_t n = (size_t)wd + 64;
		w->path = xreallocarray(w->path, n, sizeof(*w->path));
		memset(w->path + w->n, 0, (n - w->n) * sizeof(*w->path));
		w->n = n;
	}
	free(w->path[wd]);
	w->path[wd] = xstrdup(dir);
	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		char *sub;
		struct stat st;

		if (de->d_name[0] == '.' && (de->d_name[1] == '\0' ||
		    (de->d_name[1] == '.' && de->d_name[2] == '\0')))
			continue;
		sub = path_join(dir, de->d_name);
		if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			watch_tree(w, sub, depth + 1);
		free(sub);
	}
	closedir(d);
}

/* Reads the pending events: returns 1 if any may change the site. */
static int
watch_drain(struct watches *w)
{
	char ev[16384] __attribute__((aligned(__alignof__(struct
	    inotify_event))));
	const struct inotify_event *e;
	ssize_t n;
	char *p;
	int changed = 0;

	while ((n = read(w->fd, ev, sizeof(ev))) > 0) {
		for (p = ev; p < ev + n; p += sizeof(*e) + e->len) {
			e = (const struct inotify_event *)p;
			if (e->mask & IN_Q_OVERFLOW) {
				changed = 1;
				continue;
			}
			if (e->mask & IN_IGNORED)
				continue;
			changed = 1;
			if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE |
			    IN_MOVED_TO)) && e->len > 0 && e->wd >= 0 &&
			    (size_t)e->wd < w->n && w->path[e->wd] != NULL) {
				char *sub = path_join(w->path[e->wd],
				    e->name);
				watch_tree(w, sub, 0);
				free(sub);
			}
		}
	}
	return changed;
}

/* ----------------------------------------------------------- answering */

/* Returns the Content-Type for a file name. */
static const char *
content_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".mjs", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".jpg", "image/jpeg" },
		{ ".jpeg", "image/jpeg" },
		{ ".gif", "image/gif" },
		{ ".webp", "image/webp" },
		{ ".ico", "image/vnd.microsoft.icon" },
		{ ".pdf", "application/pdf" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".md", "text/plain; charset=utf-8" },
		{ ".xml", "application/xml" },
		{ ".woff2", "font/woff2" },
		{ ".woff", "font/woff" },
		{ ".7", "text/plain; charset=utf-8" },
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (str_has_suffix(name, types[i].ext))
			return types[i].type;
	return "application/octet-stream";
}

/* Queues resp with the headers every answer has; returns MHD's answer. */
static enum MHD_Result
send_response(struct MHD_Connection *c, unsigned status,
    struct MHD_Response *resp, const char *type)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result
send_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	return send_response(c, status, MHD_create_response_from_buffer(
	    strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_PERSISTENT),
	    "text/plain; charset=utf-8");
}

static enum MHD_Result
not_found(struct MHD_Connection *c)
{
	return send_text(c, MHD_HTTP_NOT_FOUND, "404 not found\n");
}

/* Returns 1 if seg may name a file or folder of the site. */
static int
segment_ok(const char *seg, size_t n)
{
	size_t i;

	if (n == 0 || n > NAME_MAX || seg[0] == '.')
		return 0;
	for (i = 0; i < n; i++)
		if ((unsigned char)seg[i] < 0x20 || seg[i] == '\\' ||
		    seg[i] == 0x7f)
			return 0;
	return 1;
}

/*
 * Opens the file url names under the folder at root, never following a
 * symlink and never leaving root.  Returns the open file (a regular
 * file; *rel is its path under root, malloc'd), -1 for none, or -2 when
 * url names a folder without its final slash (*rel is then the folder's
 * path).
 */
static int
open_beneath(const char *root, const char *url, char **rel)
{
	const char *p = url, *slash;
	struct buf path = { NULL, 0, 0 };
	struct stat st;
	int dfd, fd, last, isdir;

	*rel = NULL;
	if (*p != '/')
		return -1;
	p++;
	if ((dfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	fd = -1;
	isdir = 1;
	while (*p != '\0') {
		char seg[NAME_MAX + 1];
		size_t n;

		slash = strchr(p, '/');
		n = slash != NULL ? (size_t)(slash - p) : strlen(p);
		last = slash == NULL || slash[1] == '\0';
		if (!segment_ok(p, n))
			goto fail;
		memcpy(seg, p, n);
		seg[n] = '\0';
		fd = openat(dfd, seg, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK | (last ? 0 : O_DIRECTORY));
		if (fd == -1 || fstat(fd, &st) == -1)
			goto fail;
		if (path.len > 0)
			BUF_PUTSL(&path, "/");
		buf_put(&path, seg, n);
		close(dfd);
		dfd = -1;
		isdir = S_ISDIR(st.st_mode);
		if (last) {
			if (isdir && slash == NULL) {
				/* "/db": the page is "/db/", for its
				 * relative links. */
				close(fd);
				buf_putc(&path, '\0');
				*rel = path.data;
				return -2;
			}
			break;
		}
		dfd = fd;
		fd = -1;
		p = slash + 1;
	}
	if (isdir) {
		/* A folder's page is its index.html, never a listing. */
		int d = fd != -1 ? fd : dfd;

		fd = openat(d, "index.html", O_RDONLY | O_NOFOLLOW |
		    O_CLOEXEC | O_NONBLOCK);
		close(d);
		dfd = -1;
		if (fd == -1 || fstat(fd, &st) == -1)
			goto fail;
		if (path.len > 0)
			BUF_PUTSL(&path, "/");
		BUF_PUTSL(&path, "index.html");
	} else if (dfd != -1) {
		close(dfd);
		dfd = -1;
	}
	if (!S_ISREG(st.st_mode))
		goto fail;
	buf_putc(&path, '\0');
	*rel = path.data;
	return fd;
fail:
	if (fd != -1)
		close(fd);
	if (dfd != -1)
		close(dfd);
	buf_free(&path);
	return -1;
}

/* Appends to out what connect-src allows: exactly the events URL on the
 * host the browser asked, or 'self' when its Host header is not plain. */
static void
connect_src(struct buf *out, const char *host)
{
	const char *h;

	if (host != NULL && *host != '\0' && strlen(host) < 256) {
		for (h = host; *h != '\0'; h++)
			if (!((*h >= 'a' && *h <= 'z') ||
			    (*h >= 'A' && *h <= 'Z') ||
			    (*h >= '0' && *h <= '9') || *h == '.' ||
			    *h == '-' || *h == ':' || *h == '[' || *h == ']'))
				break;
		if (*h == '\0') {
			BUF_PUTSL(out, "http://");
			buf_puts(out, host);
			BUF_PUTSL(out, EVENTS_PATH);
			return;
		}
	}
	BUF_PUTSL(out, "'self'");
}

/* Returns the first occurrence of the NUL-free needle in p[0..n), or
 * NULL. */
static const char *
find(const char *p, size_t n, const char *needle)
{
	return memmem(p, n, needle, strlen(needle));
}

/*
 * The page as sent: the built page with the preview's CSP, stylesheet,
 * script and banner put in.
 */
static void
page_edit(struct buf *out, const char *p, size_t n, const char *banner,
    const char *host)
{
	static const char meta[] = "http-equiv=\"Content-Security-Policy\" "
	    "content=\"";
	const char *csp, *end, *head, *body;
	size_t at = 0;

	/* The policy: the events connection, and only it, added. */
	if ((csp = find(p, n, meta)) != NULL &&
	    (end = memchr(csp + sizeof(meta) - 1, '"', n - (size_t)(csp -
	    p) - (sizeof(meta) - 1))) != NULL) {
		buf_put(out, p, (size_t)(end - p));
		BUF_PUTSL(out, "; connect-src ");
		connect_src(out, host);
		at = (size_t)(end - p);
	}
	head = find(p + at, n - at, "</head>");
	if (head != NULL) {
		buf_put(out, p + at, (size_t)(head - (p + at)));
		at = (size_t)(head - p);
	}
	BUF_PUTSL(out, "<link rel=\"stylesheet\" href=\"" STYLE_PATH "\">"
	    "<script src=\"" SCRIPT_PATH "\" defer></script>");
	if (banner != NULL && (body = find(p + at, n - at, "<body")) != NULL &&
	    (end = memchr(body, '>', n - (size_t)(body - p))) != NULL) {
		buf_put(out, p + at, (size_t)(end + 1 - (p + at)));
		at = (size_t)(end + 1 - p);
		buf_puts(out, banner);
	} else if (banner != NULL)
		buf_puts(out, banner);
	buf_put(out, p + at, n - at);
}

/* Returns the banner of the page at rel (malloc'd), or NULL. */
static char *
banner_for(struct serve *sv, const char *rel)
{
	struct page key, *pg;
	char *b = NULL;

	key.path = (char *)(uintptr_t)rel;
	pthread_mutex_lock(&sv->mu);
	if (sv->failed != NULL)
		b = xstrdup(sv->failed);
	else if (sv->npages > 0 && (pg = bsearch(&key, sv->pages,
	    sv->npages, sizeof(*pg), page_cmp)) != NULL)
		b = xstrdup(pg->banner);
	pthread_mutex_unlock(&sv->mu);
	return b;
}

/* The events stream of one page. */
struct stream {
	struct serve	*sv;
	unsigned long	 seen;
	int		 started;
};

static ssize_t
stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	struct serve *sv = s->sv;
	struct timespec until;
	int n;

	(void)pos;
	pthread_mutex_lock(&sv->mu);
	if (!s->started) {
		s->started = 1;
		s->seen = sv->gen;
		pthread_mutex_unlock(&sv->mu);
		n = snprintf(buf, max, "retry: 1000\n: rbc serve\n\n");
		return n < 0 || (size_t)n >= max ?
		    MHD_CONTENT_READER_END_WITH_ERROR : n;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += KEEPALIVE_S;
	while (!sv->stopping && sv->gen == s->seen)
		if (pthread_cond_timedwait(&sv->cv, &sv->mu, &until) ==
		    ETIMEDOUT)
			break;
	if (sv->stopping) {
		pthread_mutex_unlock(&sv->mu);
		return MHD_CONTENT_READER_END_OF_STREAM;
	}
	if (sv->gen == s->seen) {
		pthread_mutex_unlock(&sv->mu);
		n = snprintf(buf, max, ": keep-alive\n\n");
	} else {
		s->seen = sv->gen;
		pthread_mutex_unlock(&sv->mu);
		n = snprintf(buf, max, "event: reload\ndata: %lu\n\n",
		    s->seen);
	}
	return n < 0 || (size_t)n >= max ?
	    MHD_CONTENT_READER_END_WITH_ERROR : n;
}

static enum MHD_Result
send_events(struct MHD_Connection *c, struct serve *sv)
{
	struct stream *s = xcalloc(1, sizeof(*s));
	struct MHD_Response *resp;

	s->sv = sv;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024,
	    stream_read, s, free);
	if (resp == NULL) {
		free(s);
		return MHD_NO;
	}
	return send_response(c, MHD_HTTP_OK, resp, "text/event-stream");
}

/* Returns the value of hex digit ch, or -1. */
static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Percent-encodes what a Location header must not carry raw. */
static void
url_encode(struct buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || strchr("-._~/", ch) != NULL)
			buf_putc(out, (char)ch);
		else {
			buf_putc(out, '%');
			buf_putc(out, hex[ch >> 4]);
			buf_putc(out, hex[ch & 15]);
		}
	}
}

static enum MHD_Result
send_file(struct MHD_Connection *c, struct serve *sv, const char *url)
{
	struct MHD_Response *resp;
	struct stat st;
	char *rel, *banner;
	int fd;

	fd = open_beneath(sv->html, url, &rel);
	if (fd == -2) {
		struct buf loc = { NULL, 0, 0 };

		BUF_PUTSL(&loc, "/");
		url_encode(&loc, rel);
		BUF_PUTSL(&loc, "/");
		buf_putc(&loc, '\0');
		free(rel);
		resp = MHD_create_response_from_buffer(0, NULL,
		    MHD_RESPMEM_PERSISTENT);
		if (resp != NULL)
			MHD_add_response_header(resp, "Location", loc.data);
		buf_free(&loc);
		return send_response(c, MHD_HTTP_MOVED_PERMANENTLY, resp,
		    "text/plain; charset=utf-8");
	}
	if (fd < 0)
		return not_found(c);
	if (fstat(fd, &st) == -1) {
		close(fd);
		free(rel);
		return not_found(c);
	}
	if (str_has_suffix(rel, ".html") && (size_t)st.st_size <= MAX_PAGE) {
		struct buf raw = { NULL, 0, 0 }, page = { NULL, 0, 0 };
		char chunk[65536];
		ssize_t n;

		while ((n = read(fd, chunk, sizeof(chunk))) > 0 &&
		    raw.len <= MAX_PAGE)
			buf_put(&raw, chunk, (size_t)n);
		close(fd);
		banner = banner_for(sv, rel);
		page_edit(&page, raw.data != NULL ? raw.data : "", raw.len,
		    banner, MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_HOST));
		free(banner);
		buf_free(&raw);
		free(rel);
		resp = MHD_create_response_from_buffer(page.len,
		    page.data != NULL ? page.data : (void *)(uintptr_t)"",
		    page.data != NULL ? MHD_RESPMEM_MUST_FREE :
		    MHD_RESPMEM_PERSISTENT);
		if (resp == NULL)
			buf_free(&page);
		return send_response(c, MHD_HTTP_OK, resp,
		    "text/html; charset=utf-8");
	}
	resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
	if (resp == NULL) {
		close(fd);
		free(rel);
		return MHD_NO;
	}
	{
		enum MHD_Result ret = send_response(c, MHD_HTTP_OK, resp,
		    content_type(rel));
		free(rel);
		return ret;
	}
}

/*
 * Decodes %HH in s in place; returns its new length.  A NUL or a control
 * character decoded, or a malformed escape, makes the whole of s "\x01",
 * which answer() refuses: a path is never cut short at a decoded NUL.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	char *r, *w;
	int hi, lo;

	(void)cls;
	(void)c;
	for (r = w = s; *r != '\0'; r++, w++) {
		if (*r != '%') {
			*w = *r;
			continue;
		}
		hi = hexval(r[1]);
		lo = hi < 0 ? -1 : hexval(r[2]);
		if (lo < 0 || hi * 16 + lo < 0x20 || hi * 16 + lo == 0x7f) {
			s[0] = '\x01';
			s[1] = '\0';
			return 1;
		}
		*w = (char)(hi * 16 + lo);
		r += 2;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static int request_seen;	/* a connection's marker (its address) */

static enum MHD_Result
answer(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct serve *sv = cls;

	(void)version;
	(void)upload;
	if (*con_cls == NULL) {
		/* The headers: answer once any body has gone by. */
		*con_cls = &request_seen;
		return MHD_YES;
	}
	if (*upload_size != 0) {
		*upload_size = 0;	/* a body is never read */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
	    strcmp(method, MHD_HTTP_METHOD_HEAD) != 0) {
		struct MHD_Response *resp = MHD_create_response_from_buffer(
		    strlen("405 method not allowed\n"),
		    (void *)(uintptr_t)"405 method not allowed\n",
		    MHD_RESPMEM_PERSISTENT);

		if (resp != NULL)
			MHD_add_response_header(resp, "Allow", "GET, HEAD");
		return send_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, resp,
		    "text/plain; charset=utf-8");
	}
	if (url == NULL || url[0] != '/' || strchr(url, '\x01') != NULL)
		return send_text(c, MHD_HTTP_BAD_REQUEST,
		    "400 bad request\n");
	if (strcmp(url, EVENTS_PATH) == 0)
		return send_events(c, sv);
	if (strcmp(url, SCRIPT_PATH) == 0)
		return send_response(c, MHD_HTTP_OK,
		    MHD_create_response_from_buffer(sizeof(reload_js) - 1,
		    (void *)(uintptr_t)reload_js, MHD_RESPMEM_PERSISTENT),
		    "text/javascript; charset=utf-8");
	if (strcmp(url, STYLE_PATH) == 0)
		return send_response(c, MHD_HTTP_OK,
		    MHD_create_response_from_buffer(sizeof(serve_css) - 1,
		    (void *)(uintptr_t)serve_css, MHD_RESPMEM_PERSISTENT),
		    "text/css; charset=utf-8");
	return send_file(c, sv, url);
}

/* ---------------------------------------------------------- the command */

/* Fills sa from a numeric address (or "localhost"); returns its length,
 * or 0 if addr is not one. */
static socklen_t
parse_bind(const char *addr, int port, struct sockaddr_storage *sa,
    int *v6, int *loopback)
{
	struct sockaddr_in *s4 = (struct sockaddr_in *)sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

	memset(sa, 0, sizeof(*sa));
	if (strcmp(addr, "localhost") == 0)
		addr = "127.0.0.1";
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*v6 = 0;
		*loopback = (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
		return sizeof(*s4);
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*v6 = 1;
		*loopback = IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr);
		return sizeof(*s6);
	}
	return 0;
}

/* rbc serve: returns the exit status. */
int
cmd_serve(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "content", required_argument, NULL, 'c' },
		{ "bind", required_argument, NULL, 'b' },
		{ "port", required_argument, NULL, 'p' },
		{ "out", required_argument, NULL, 'o' },
		{ "today", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *bind_addr = "127.0.0.1", *out = NULL;
	struct sockaddr_storage sa;
	struct serve sv;
	struct watches w;
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct pollfd pfd[2];
	sigset_t mask;
	char *tmpdir = NULL, *end, content_real[PATH_MAX], today[11];
	char out_real[PATH_MAX];
	long port = 8000;
	int ch, v6 = 0, loopback = 1, sfd, rounds, rc = 0, given = 0;
	socklen_t salen;
	size_t i;

	memset(&sv, 0, sizeof(sv));
	sv.content = "content";
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "c:b:p:o:t:h", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			sv.content = optarg;
			given = 1;
			break;
		case 'b':
			bind_addr = optarg;
			break;
		case 'p':
			errno = 0;
			port = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg ||
			    port < 0 || port > 65535) {
				fprintf(stderr, "rbc serve: --port wants 0 to "
				    "65535 (0: any free port)\n");
				return 2;
			}
			break;
		case 'o':
			out = optarg;
			break;
		case 't':
			sv.today = optarg;
			break;
		case 'h':
			serve_usage(stdout);
			return 0;
		default:
			fprintf(stderr, "rbc serve: bad option %s\n",
			    argv[optind - 1]);
			serve_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		serve_usage(stderr);
		return 2;
	}
	if (sv.today != NULL && today_date(sv.today, today) == -1) {
		fprintf(stderr, "rbc serve: --today wants a date "
		    "YYYY-MM-DD\n");
		return 2;
	}
	if ((salen = parse_bind(bind_addr, (int)port, &sa, &v6,
	    &loopback)) == 0) {
		fprintf(stderr, "rbc serve: --bind wants a numeric IPv4 or "
		    "IPv6 address (default 127.0.0.1)\n");
		return 2;
	}
	/* From inside the content folder, it is the content folder. */
	if ((sv.content = content_folder("serve", sv.content, given, 1)) ==
	    NULL)
		return 2;
	if (realpath(sv.content, content_real) == NULL) {
		fprintf(stderr, "rbc serve: %s: %s\n", sv.content,
		    strerror(errno));
		return 2;
	}
	if (out == NULL) {
		const char *t = getenv("TMPDIR");

		tmpdir = xasprintf("%s/rbc-serve-XXXXXX",
		    t != NULL && *t == '/' ? t : "/tmp");
		if (mkdtemp(tmpdir) == NULL) {
			fprintf(stderr, "rbc serve: cannot make %s: %s\n",
			    tmpdir, strerror(errno));
			free(tmpdir);
			return 2;
		}
		sv.out = path_join(tmpdir, "site");
	} else {
		sv.out = xstrdup(out);
		while (strlen(sv.out) > 1 && sv.out[strlen(sv.out) - 1] == '/')
			sv.out[strlen(sv.out) - 1] = '\0';
		/* Built inside the content, each build would start the
		 * next. */
		if (mkdir_p(sv.out) == 0 && realpath(sv.out, out_real) !=
		    NULL && (strcmp(out_real, content_real) == 0 ||
		    (strncmp(out_real, content_real, strlen(content_real)) ==
		    0 && out_real[strlen(content_real)] == '/'))) {
			fprintf(stderr, "rbc serve: --out %s is inside the "
			    "content folder %s; choose a folder outside it\n",
			    out, sv.content);
			free(sv.out);
			return 2;
		}
	}
	sv.html = path_join(sv.out, "html");
	pthread_mutex_init(&sv.mu, NULL);
	{
		pthread_condattr_t ca;
		pthread_condattr_init(&ca);
		pthread_cond_init(&sv.cv, &ca);
		pthread_condattr_destroy(&ca);
	}

	/* Signals are read from a signalfd, by this thread only. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);

	memset(&w, 0, sizeof(w));
	w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w.fd == -1 || sfd == -1) {
		fprintf(stderr, "rbc serve: cannot watch %s: %s\n",
		    sv.content, strerror(errno));
		rc = 2;
		goto done;
	}
	/* Watched before the first build, so no change slips between. */
	watch_tree(&w, sv.content, 0);
	rebuild(&sv);

	d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_AUTO_INTERNAL_THREAD | (v6 ? MHD_USE_IPv6 : 0),
	    (uint16_t)port, NULL, NULL, answer, &sv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONN,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)(3 * KEEPALIVE_S),
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)65536,
	    MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1 << 20),
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	(void)salen;
	if (d == NULL) {
		fprintf(stderr, "rbc serve: cannot listen on %s port %ld "
		    "(in use? try --port)\n", bind_addr, port);
		rc = 2;
		goto done;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	if (info != NULL && info->port != 0)
		port = info->port;
	if (!loopback)
		fprintf(stderr, "rbc serve: warning: %s is not a loopback "
		    "address: anyone who can reach it can read the site\n",
		    bind_addr);
	printf("rbc serve: serving %s at http://%s%s%s:%ld/ (Ctrl-C "
	    "stops)\n", sv.content, v6 ? "[" : "", bind_addr, v6 ? "]" : "",
	    port);
	fflush(stdout);

	pfd[0].fd = sfd;
	pfd[0].events = POLLIN;
	pfd[1].fd = w.fd;
	pfd[1].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[0].revents & POLLIN)
			break;
		if (!(pfd[1].revents & POLLIN))
			continue;
		if (!watch_drain(&w))
			continue;
		/* An editor's save is several events, a few milliseconds
		 * apart: wait for a quiet 50 ms (at most 40 rounds) before
		 * building. */
		for (rounds = 0; rounds < 40; rounds++) {
			struct pollfd q = { w.fd, POLLIN, 0 };
			if (poll(&q, 1, 50) <= 0)
				break;
			watch_drain(&w);
		}
		fprintf(stderr, "rbc serve: rebuilding\n");
		rebuild(&sv);
	}
	fprintf(stderr, "rbc serve: stopping\n");
	pthread_mutex_lock(&sv.mu);
	sv.stopping = 1;
	pthread_cond_broadcast(&sv.cv);
	pthread_mutex_unlock(&sv.mu);
	MHD_stop_daemon(d);
done:
	if (w.fd != -1)
		close(w.fd);
	if (sfd != -1)
		close(sfd);
	for (i = 0; i < w.n; i++)
		free(w.path[i]);
	free(w.path);
	if (tmpdir != NULL) {
		rm_rf(tmpdir);
		free(tmpdir);
	}
	pages_free(sv.pages, sv.npages);
	free(sv.failed);
	free(sv.out);
	free(sv.html);
	pthread_cond_destroy(&sv.cv);
	pthread_mutex_destroy(&sv.mu);
	return rc;
}
