/*
 * rbc — the runbook compiler.  The one shared internal header.
 *
 * The pipeline, one file per stage (ls src/):
 *   load.c         walk the content tree, read files, validate UTF-8
 *   frontmatter.c  split the front-matter, YAML events -> struct ynode
 *   markdown.c     cmark-gfm parse, wiki links, headings, links
 *   slug.c         GitHub (and GitLab) heading slugs
 *   index.c        ids, anchors, link resolution, backlinks (scan pass)
 *   check.c        semantic rules; schema.c the JSON Schema engine
 *   html.c, man.c, card.c   one file per output (render pass)
 *   pdf.c          the card's own PDF writer (card.c's fast path)
 *   cardlib.c      the card's libraries, loaded when a card is made
 *   build.c        the build: scan, render, atomic rename
 * Support: util.c (memory, buffers, arena, files), diag.c (rules and
 * diagnostics), html_esc.c / roff_esc.c (escaping), mustache.c
 * (templates), json.c (JSON reader/writer).
 */
#ifndef RBC_H
#define RBC_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define RBC_VERSION "0.1.0"

/* Limits on untrusted input; each one hit is a diagnostic. */
#define RBC_MAX_FILE	(4u * 1024 * 1024)	/* one runbook */
#define RBC_MAX_FM	(256u * 1024)		/* its front-matter */
#define RBC_MAX_DEPTH	32			/* YAML nesting */
#define RBC_MAX_NODES	100000			/* YAML nodes per document */
#define RBC_MAX_LINKS	10000			/* links per runbook */
#define RBC_MAX_NEST	256			/* Markdown nesting */
#define RBC_MAX_AUTOLINKS 10000			/* autolink candidates */

/* ---------------------------------------------------------------- util.c */

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

/* A growable byte buffer; data is always NUL-terminated once non-empty. */
struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
};
/* s must be a string literal ("" s refuses anything else). */
#define BUF_PUTSL(b, s)	buf_put((b), "" s, sizeof(s) - 1)
void	 buf_grow(struct buf *, size_t);
void	 buf_puts(struct buf *, const char *);

/* The appends every renderer makes byte by byte: inline, growing only
 * when full. */
static inline void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->cap - b->len <= n)
		buf_grow(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void
buf_putc(struct buf *b, int c)
{
	if (b->cap - b->len <= 1)
		buf_grow(b, 1);
	b->data[b->len++] = (char)c;
	b->data[b->len] = '\0';
}
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list);
const char *buf_cstr(struct buf *);
char	*buf_detach(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_free(struct buf *);

/*
 * A bump allocator: everything of one runbook, freed at once.  The common
 * case (room left in the current chunk) is inline: a build makes some
 * 2,500 allocations per runbook.
 */
struct chunk;
struct arena {
	char		*cur, *end;	/* the free part of the current chunk */
	struct chunk	*head;
	size_t		 next;	/* size of the next chunk: small first */
	int		 big;	/* arena_new_big: 2 MiB chunks, huge pages */
};
struct arena *arena_new(void);
struct arena *arena_new_big(void);
void	*arena_get(struct arena *, size_t, size_t);
void	 oom(void) __attribute__((noreturn));

/* Returns n bytes aligned to al (a power of two), until arena_free(). */
static inline void *
arena_take(struct arena *a, size_t n, size_t al)
{
	uintptr_t p = ((uintptr_t)a->cur + (al - 1)) & ~(uintptr_t)(al - 1);

	if (n != 0 && a->cur != NULL && p <= (uintptr_t)a->end &&
	    (uintptr_t)a->end - p >= n) {
		a->cur = (char *)p + n;
		return (void *)p;
	}
	return arena_get(a, n, al);
}

/* Returns n bytes aligned for any object, valid until arena_free(). */
static inline void *
arena_alloc(struct arena *a, size_t n)
{
	return arena_take(a, n, sizeof(max_align_t));
}

static inline void *
arena_calloc(struct arena *a, size_t n, size_t sz)
{
	void *p;

	if (sz && n > SIZE_MAX / sz)
		oom();
	p = arena_alloc(a, n * sz);
	memset(p, 0, n * sz);
	return p;
}
char	*arena_strndup(struct arena *, const char *, size_t);
char	*arena_strdup(struct arena *, const char *);
void	 arena_free(struct arena *);

/* Whole-file I/O.  read_file: 0 ok, -1 errno set, -2 larger than limit. */
int	 read_file(const char *, struct buf *, size_t limit);
int	 write_file(const char *, const void *, size_t);
int	 append_file(const char *, const void *, size_t);
int	 write_all(int fd, const void *, size_t);
int	 read_at(int fd, void *, size_t, off_t);	/* 0, or -1 */
/* A window over a file read in order (rwin_read in util.c). */
#define RWIN_CAP	((size_t)256 << 10)
struct rwin {
	char		*buf;
	uint64_t	 at;		/* the file offset of buf[0] */
	size_t		 len, cap;	/* cap 0: RWIN_CAP */
};
int	 rwin_read(struct rwin *, int fd, uint64_t off, void *, size_t);
void	 rwin_free(struct rwin *);
struct iovec;
int	 writev_all(int fd, const struct iovec *, int);
int	 write_file2(const char *, const void *, size_t, const void *,
	    size_t);
void	 scratch_near(const char *path);	/* scratch files beside path */
int	 scratch_fd(void);	/* a nameless read-write file, or -1 */
int	 mkdir_p(const char *);
int	 rm_rf(const char *);
char	*path_join(const char *, const char *);
int	 str_has_suffix(const char *, const char *);
long	 strv_find(char *const *, size_t, const char *);	/* sorted; or -1 */
#define HASH64_INIT	0xcbf29ce484222325ULL
uint64_t hash64(uint64_t, const void *, size_t);	/* word at a time */

/* A hash index over strings it does not own: the first value added for a
 * key is the one strtab_find returns (-1: none). */
struct strtab {
	const char	**k;
	int		 *v;
	size_t		  cap;
};
void	 strtab_init(struct strtab *, size_t n);
void	 strtab_add(struct strtab *, const char *, int);
int	 strtab_find(const struct strtab *, const char *);
void	 strtab_free(struct strtab *);
int	 file_stamp(const char *, uint64_t *size, uint64_t *mtime_ns);
int	 file_stamp_at(int dfd, const char *, uint64_t *size, uint64_t *mtime);
void	 phase(const char *);	/* RBC_TIMING=1: time since last call */

/* Binary records: numbers big-endian, strings length first (RD_NONE for
 * NULL).  A reader never runs past end: it sets bad and returns 0/NULL. */
#define RD_NONE	0xffffffffu
struct rd {
	const unsigned char	*p, *end;
	struct arena		*a;	/* where rd_str copies to */
	int			 bad;
	int			 inplace; /* yget: strings left in the bytes */
};
/* Nonzero if a byte of x is the byte that c repeats (SWAR, eight bytes
 * at a time); REP(ch) is ch in every byte. */
#define HAS_BYTE(x, c)	((((x) ^ (c)) - 0x0101010101010101ULL) & \
	~((x) ^ (c)) & 0x8080808080808080ULL)
#define REP(ch)		(0x0101010101010101ULL * (unsigned char)(ch))

/* 32-bit numbers in records, the spool and fonts: big-endian. */
static inline uint32_t
u32_get(const void *p)
{
	const unsigned char *u = p;

	return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 |
	    (uint32_t)u[2] << 8 | u[3];
}

static inline void
u32_put(void *p, uint32_t v)
{
	unsigned char *u = p;

	u[0] = (unsigned char)(v >> 24);
	u[1] = (unsigned char)(v >> 16);
	u[2] = (unsigned char)(v >> 8);
	u[3] = (unsigned char)v;
}
void	 buf_put_u32(struct buf *, uint32_t);
void	 buf_put_str(struct buf *, const char *);
void	 buf_put_mem(struct buf *, const void *, size_t);
size_t	 put_var(unsigned char *, uint64_t);	/* 10 bytes at most */
void	 buf_put_var(struct buf *, uint64_t);
uint32_t rd_u32(struct rd *);
uint64_t rd_var(struct rd *);
const char *rd_mem(struct rd *, size_t *);
char	*rd_str(struct rd *);

/* UTF-8.  utf8_valid: offset of the first bad byte, or len if all good. */
size_t	 utf8_valid(const char *, size_t);
size_t	 ascii_span(const char *, size_t);	/* leading bytes < 0x80 */
int	 utf8_decode(const char *, size_t, uint32_t *cp);	/* bytes used */
int	 utf8_encode(uint32_t, char out[4]);
size_t	 utf8_count(const char *, size_t);	/* code points */

/* Default templates and themes compiled in (build/embed.c, tools/embed.c):
 * names are repository paths, "templates/page.mustache". */
struct embedded {
	const char		*name;
	const unsigned char	*data;
	size_t			 len;
};
extern const struct embedded embedded_files[];

/* ---------------------------------------------------------------- diag.c */

enum severity {
	SEV_OFF = 0,
	SEV_WARNING,
	SEV_ERROR
};

enum rule {
	R_IO,			/* internal: cannot read, usage of files */
	R_YAML_SYNTAX,
	R_DUPLICATE_KEY,
	R_YAML_UNSUPPORTED,	/* aliases, anchors, tags, merge keys */
	R_LIMIT,		/* a size/depth/effort limit was hit */
	R_SCHEMA,
	R_FRONT_MATTER_MISSING,
	R_ID_INVALID,
	R_ID_DUPLICATE,
	R_LINK_BROKEN,
	R_ANCHOR_BROKEN,
	R_RELATED_UNKNOWN,
	R_CONTACT_UNKNOWN,
	R_CONTACT_UNREACHABLE,
	R_CONTACT_PLACEHOLDER,
	R_ESCALATION_ORDER,
	R_THRESHOLD_ORDER,
	R_THRESHOLD_UNIT,
	R_THRESHOLD_DUPLICATE,
	R_REVIEW_STALE,
	R_MOJIBAKE,
	R_UTF8_INVALID,
	R_CARD_OVERFLOW,
	R_SYMLINK,
	R_TEMPLATE,
	R__MAX
};

struct rule_info {
	const char	*id;
	enum severity	 def;
	const char	*what;
};
extern const struct rule_info rule_table[R__MAX];

struct diag {
	char		*file;
	int		 line;	/* 1-based; 0 = whole file */
	int		 col;	/* 1-based, in characters; 0 = unknown */
	enum rule	 rule;
	enum severity	 sev;
	char		*msg;
};

struct diags {
	struct diag	*v;
	size_t		 n, cap;
	/* Effective severity per rule (site.yaml rules:), owned elsewhere. */
	const enum severity *sev;
	/* Lines silenced by <!-- rbc-disable RULE --> (check.c), or NULL. */
	int		(*silenced)(void *, const char *file, int line,
			    enum rule);
	void		*silenced_arg;
};

enum diag_format {
	DFMT_TEXT,
	DFMT_JSON,
	DFMT_SARIF,
	DFMT_GITHUB
};

void	 diags_init(struct diags *, const enum severity *);
void	 diag_add(struct diags *, const char *file, int line, int col,
	    enum rule, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
void	 diag_push(struct diags *, const struct diag *); /* takes its strings */
int	 diag_on(const struct diags *, enum rule);
void	 diags_append(struct diags *, const struct diags *);
void	 diags_sort(struct diags *);
enum severity diags_worst(const struct diags *);
size_t	 diags_count(const struct diags *, enum severity);
void	 diags_print(const struct diags *, enum diag_format, FILE *,
	    int colour);
void	 diags_free(struct diags *);
int	 rule_lookup(const char *);		/* enum rule or -1 */
int	 severity_parse(const char *);	/* enum severity or -1 */

/* ---------------------------------------------- frontmatter.c: YAML model */

enum ytype {
	Y_NULL,
	Y_BOOL,
	Y_INT,
	Y_FLOAT,
	Y_STR,
	Y_SEQ,
	Y_MAP
};

/*
 * One YAML (or JSON) value with its position in the original file.
 * Scalars keep their source text in s (NUL-terminated, slen bytes) whatever
 * their type, so "0755" or "+44 20 ..." never lose digits.  A map has n
 * keys[i] -> items[i] pairs in document order; a sequence n items.
 */
struct ynode {
	enum ytype	  type;
	int		  line, col;
	int		  quoted;	/* scalar was quoted or a block scalar */
	const char	 *s;
	size_t		  slen;
	int		  b;		/* Y_BOOL */
	double		  num;		/* Y_INT, Y_FLOAT */
	struct ynode	**keys;		/* Y_MAP: key scalars */
	struct ynode	**items;	/* Y_SEQ items, Y_MAP values */
	size_t		  n;
	size_t		  cap;
	const struct ylazy *lazy;	/* a template context's Y_SEQ */
};

/*
 * A sequence of n items made one at a time as a template renders it
 * (mustache.c), so that a site page over thousands of runbooks never
 * exists whole: item(arg, i, a) returns item i, made in a, which is
 * freed once the item is rendered.
 */
struct ylazy {
	struct ynode	*(*item)(void *arg, size_t i, struct arena *);
	void		*arg;
};

/*
 * Parse YAML from buf (len bytes) whose first line is line `line0` of
 * `file`.  Returns the root (Y_NULL for an empty document) or NULL after a
 * diagnostic.  Aliases, anchors, tags and merge keys are refused.  Plain
 * scalars resolve by YAML 1.2's JSON-compatible rules: true/false,
 * null/~/empty, -?(0|[1-9][0-9]*) integers and decimal floats; anything
 * else (yes, no, on, 0755, 2026-10-01) stays a string.
 */
struct ynode *yaml_load(struct arena *, const char *buf, size_t len,
	    const char *file, int line0, struct diags *);

/*
 * JSON text (RFC 8259, strict) to the same model (json.c), positions in
 * `file`; NULL after a diagnostic (yaml-syntax, duplicate-key, utf8-invalid,
 * limit: nesting past 512).  Integers are Y_INT, other numbers Y_FLOAT.
 */
struct ynode *json_load(struct arena *, const char *buf, size_t len,
	    const char *file, struct diags *);

/* Model access and building. */
const struct ynode *ymap_get(const struct ynode *, const char *key);
const char *ystr(const struct ynode *);	/* scalar text or NULL */
int	 ybool(const struct ynode *, int *out);	/* 1.1 forms too: yes/on */
struct ynode *ynew(struct arena *, enum ytype);
struct ynode *ynew_str(struct arena *, const char *, size_t);
struct ynode *ynew_strz(struct arena *, const char *);
struct ynode *ynew_ref(struct arena *, const char *, size_t);
struct ynode *ynew_bool(struct arena *, int);
struct ynode *ynew_int(struct arena *, long long);
void	 yseq_push(struct arena *, struct ynode *seq, struct ynode *);
void	 ymap_set(struct arena *, struct ynode *map, const char *key,
	    struct ynode *);
void	 ymap_add(struct arena *, struct ynode *map, const char *key,
	    struct ynode *);
void	 ymap_setz(struct arena *, struct ynode *map, const char *key,
	    const char *strval);	/* no-op when strval is NULL */
int	 yequal(const struct ynode *, const struct ynode *); /* JSON equality */
size_t	 ymaps(const struct ynode *map, const char *key); /* maps in key's list */
/* y as JSON, pretty: indented by 2; numbers from their value. */
void	 yjson(struct buf *, const struct ynode *, int pretty);
void	 json_esc(struct buf *, const char *, size_t, int script);

/* ------------------------------------------------------------- mustache.c */

/*
 * Logic-less Mustache (the spec's core modules: interpolation, sections,
 * inverted, comments, partials, delimiters) over struct ynode contexts.
 * Templates are compiled when added; rendering does not change the set, so
 * many renders may run at once.
 */
struct mustache;
struct mustache *mustache_new(void);
/* 0, or -1 with *err (malloc'd "line N: ...") for a malformed template. */
int	 mustache_add(struct mustache *, const char *name,
	    const char *src, size_t len, char **err);
int	 mustache_has(const struct mustache *, const char *name);
/* 0, or -1 if no such template or a limit was hit (partials 64 deep, or
 * runaway effort); appends to out.  Missing partials render as empty. */
int	 mustache_render(const struct mustache *, const char *name,
	    const struct ynode *ctx, struct buf *out);
int	 mustache_render_stream(const struct mustache *, const char *name,
	    const struct ynode *ctx, struct buf *out,
	    int (*flush)(void *, const char *, size_t), void *);
void	 mustache_free(struct mustache *);

/* ------------------------------------------------------------- html_esc.c */

size_t	 html_plain_span(const char *, size_t, int);
void	 html_esc_text(struct buf *, const char *, size_t);
void	 html_esc_attr(struct buf *, const char *, size_t);
/* 1 if the URL's scheme is allowed (http, https, mailto, tel, relative). */
int	 url_safe(const char *, size_t);
void	 html_esc_url(struct buf *, const char *, size_t);

/* ------------------------------------------------------------- roff_esc.c */

/*
 * roff output: escaping per context, where "start of an input line" is
 * decided from what the buffer already holds, so text can never start a
 * request; every non-ASCII code point becomes \[uXXXX], every byte that
 * is not UTF-8 \[uFFFD].
 */
#define ROFF_LIT	0x01	/* code: - ' ` ^ ~ as their ASCII glyphs */
#define ROFF_ARG	0x02	/* inside a quoted macro argument: " too */
#define ROFF_NOFILL	0x04	/* code block lines: blanks and tabs kept */
#define ROFF_ONELINE	0x08	/* newlines become spaces */
#define ROFF_UPPER	0x10	/* letters upper-cased (.SH) */
#define ROFF_GLYPH	0x20	/* groff's names for Latin-1 (NAME lines) */
void	 roff_esc(struct buf *, const char *, size_t, int flags);
void	 roff_esc_text(struct buf *, const char *, size_t);  /* flags 0 */
void	 roff_esc_arg(struct buf *, const char *, size_t);   /* ROFF_ARG */
/* The lines of a code block, for between .EX and .EE. */
void	 roff_esc_block(struct buf *, const char *, size_t);
int	 roff_bol(const struct buf *);	/* next byte starts a line */
void	 roff_nl(struct buf *);		/* end the line, trimmed */
/* Breaks filled text lines (after from) to width bytes, long words too. */
void	 roff_wrap(struct buf *, size_t from, size_t width);
/* Bytes of one character or escape at s, and its terminal columns. */
size_t	 roff_token(const char *, size_t, size_t *cols);
/* Terminal columns of roff text, and of its widest word. */
size_t	 roff_width(const char *, size_t, size_t *word);

/* ----------------------------------------------------------------- slug.c */

enum slug_style {
	SLUG_GITHUB,
	SLUG_GITLAB
};
/* The slug of a heading's plain text (not yet de-duplicated). */
char	*slug_make(const char *, size_t, enum slug_style);
struct slugger;
struct slugger *slugger_new(enum slug_style);
/* The unique slug: the plain slug, then -1, -2 ... for repeats. */
char	*slugger_slug(struct slugger *, const char *, size_t);
void	 slugger_free(struct slugger *);

/* ------------------------------------------------- the site and runbooks */

struct srcfile {
	char		*path;	/* as shown in diagnostics */
	const char	*data;	/* whole file, BOM included */
	size_t		 len;
	size_t		*lines;	/* byte offset of each line's start */
	size_t		 nlines;
};

/* Line and character column of a byte offset in the file. */
void	 src_pos(const struct srcfile *, size_t off, int *line, int *col);
/* Character column from a 1-based byte column of a 1-based line. */
int	 src_col(const struct srcfile *, int line, int bytecol);

enum link_kind {
	LINK_MD,	/* [t](x.md#a), [t](#a), ![](img.png) */
	LINK_WIKI,	/* [[id#a|t]] */
	LINK_RELATED,	/* related: [id] */
	LINK_AUTO	/* autolinks, never resolved */
};

struct heading {
	char	*text;		/* plain text */
	char	*slug;		/* unique within the runbook */
	int	 level;
	int	 line;
};

struct link {				/* 40 bytes: 10,000 runbooks have 230,000 */
	char		*dest;	/* as written */
	int		 line, col;
	/* Filled by index.c. */
	char		*file;		/* non-runbook file, content-relative */
	char		*frag;		/* decoded fragment or NULL */
	int		 target;	/* runbook index, -1 none */
	unsigned char	 kind;		/* enum link_kind */
	unsigned char	 external;	/* scheme or //: left alone */
	unsigned char	 broken;
};

struct site;

struct runbook {
	struct arena	*arena;
	int		 light;		/* arena, heads, links: the site's */
	char		*rel;		/* path under content/, "db/failover.md" */
	char		*id;		/* "db/failover" */
	char		*name;		/* "db-failover" (man, card) */
	char		*title;
	char		*summary;
	char		*service;
	char		*owner;
	struct srcfile	 src;
	struct buf	 raw;		/* the file's bytes */
	int		 bad_utf8;	/* the file failed UTF-8 validation */
	int		 unreadable;	/* too large or unreadable: empty */
	int		 id_line, id_col; /* where front-matter sets the id */
	uint32_t	*smask;		/* rules silenced per line, or NULL */
	size_t		 nsmask;	/* entries of smask (lines + 1) */
	struct ynode	*fm;		/* front-matter, NULL when none */
	/* A light runbook's front-matter (what the site pages read), as
	 * yput wrote it, left in its scan record: fmlen bytes at fmoff of
	 * the site's record file fmfile (runbook_fm reads it). */
	int		 hasfm;
	int		 fmfile;
	uint64_t	 fmoff;
	size_t		 fmlen;
	/* Maps in its contacts + escalation, and in its thresholds: how
	 * many entries it has on the contacts and thresholds pages. */
	uint32_t	 nreach, nthr;
	int		 fm_ok;		/* front-matter parsed */
	size_t		 body_off;	/* byte offset of the Markdown body */
	int		 body_line;	/* its first line (1-based) */
	void		*doc;		/* cmark_node *, NULL after render */
	int		 doc_arena;	/* doc lives in cmark's arena */
	struct heading	*heads;
	size_t		 nheads;
	struct link	*links;
	size_t		 nlinks;
	int		*backlinks;	/* runbook indexes, sorted */
	size_t		 nbacklinks;
	char		*review_by;	/* last_reviewed + review_every */
	int		 stale;
	char		*version;	/* short hash of the source */
	uint64_t	 hash;		/* hash of the source (cache.c) */
	uint64_t	 sdig;		/* what the site pages show (site_seen) */
	struct diags	 diags;
};

struct site_config {
	const char	*title;
	const char	*base_url;
	const char	*organisation;
	const char	*theme;
	const char	*paper;		/* card paper: a4 or letter */
	int		 unsafe_html;
	enum slug_style	 slugs;
	struct ynode	*contacts;	/* site-wide contacts */
	const char	*schema;	/* path of the site's schema file */
	enum severity	 sev[R__MAX];
	struct ynode	*root;		/* site.yaml as parsed */
};

/* What rbc build writes. */
enum {
	FMT_HTML = 1,
	FMT_MAN = 2,
	FMT_CARD = 4
};

struct idref {
	const char	*id;
	int		 idx;
};

struct site {
	char		*content;	/* content directory */
	char		*root;		/* where templates/ and themes/ live */
	struct site_config cfg;
	struct arena	*arena;
	struct arena	*arena2;	/* the parent's second thread's (arena2) */
	struct runbook	**rb;
	size_t		 n;
	char		**files;	/* every non-runbook file, sorted */
	size_t		 nfiles;
	char		**rbpaths;	/* every runbook path, sorted */
	size_t		 nrbpaths;
	struct idref	*ids;		/* sorted by id, for site_find */
	struct strtab	 byid;		/* id -> runbook, for site_find */
	char		 today[11];	/* YYYY-MM-DD */
	struct diags	 diags;		/* site-level diagnostics */
	struct mustache	*tpl;
	int		 tree_arena;	/* one tree at a time: cmark's arena */
	struct cache	*cache;		/* the previous build's, or NULL */
	char		*todo;		/* render runbook i only if todo[i] */
	uint64_t	 global;	/* digest of what every output shares */
	/* Every scan record, for the cache: runbook i's is at recoff[i] in
	 * file recf[reck[i]] (the scan workers' own, kept, not read in). */
	FILE		**recf;
	int		 nrecf;
	int		*reck;
	size_t		*recoff;
	struct rwin	*recwin;	/* reading them back, one a file */
	int		 pre;		/* FMT_ outputs begun during the scan */
	int		*spool;		/* each scan worker's prerender file */
	int		 nspool;
	/* Shared by the workers of a pass (workers.c): the next runbook
	 * to claim, and where each runbook's spool entry lies. */
	struct shared	*sh;
};

/* load.c */
int	 today_date(const char *arg, char out[11]);
int	 site_open(struct site *, const char *content, const char *today);
int	 site_walk(struct site *);
struct runbook *runbook_read(struct site *, const char *rel);
void	 runbook_free(struct runbook *);
void	 site_close(struct site *);
void	 site_index_ids(struct site *);
int	 site_find(const struct site *, const char *id); /* index or -1 */
/* With -j2 or more and this many runbooks, the parent's serial steps
 * (decoding, link resolution, digests) take a second thread. */
#define THREADS_MIN	256
struct arena *arena2(struct site *);
int	 site_has_file(const struct site *, const char *rel);

/* frontmatter.c */
void	 fm_parse(struct site *, struct runbook *);

/* markdown.c: the cmark-gfm tree is r->doc.  Link nodes (inline links,
 * images and wiki links, which become real CMARK_NODE_LINK nodes) and
 * heading nodes carry their struct link / struct heading; renderers ask. */
void	 md_parse(struct site *, struct runbook *);
const struct link *md_node_link(const struct runbook *, void *node);
void	 md_text(void *node, struct buf *, int with_images);
const struct heading *md_node_heading(const struct runbook *, void *node);
void	 md_free(struct runbook *);

/* index.c */
int	 id_valid(const char *);
char	*pct_decode(const char *, size_t);
/* The content-relative form of path written in runbook file from, or
 * NULL if it leaves the content directory. */
char	*resolve_path(const char *from, const char *path);
void	 index_build(struct site *, int jobs);
int	 link_external(const struct link *);
int	 link_kept(const struct link *);
uint32_t *link_slots(const struct runbook *);
char	*link_guess(const struct runbook *, const struct link *);
void	 href_root(struct buf *, const char *id);
const char *link_href(const struct site *, const struct runbook *from,
	    const struct link *, struct buf *scratch);

/* check.c */
long	 date_days(const char *);		/* days since 1970, or -1 */
void	 days_date(long, char out[11]);
long	 duration_minutes(const char *);	/* Nm Nh Nd Nw, or -1 */
void	 check_runbook(struct site *, struct runbook *);
void	 check_site(struct site *);
void	 silence_install(struct runbook *);

/* Renderers: one file per output, each a new / render / free trio; render
 * touches no global mutable state (runs in worker processes). */

/* html.c */
struct html;
void	 html_body(struct buf *, const struct site *, const struct runbook *);
/* A build renders each body during the scan (html_body_pre), with the
 * links the index resolves left open, and completes them later. */
void	 html_body_pre(struct buf *, const struct site *,
	    const struct runbook *, struct buf *ins);
int	 html_fill(struct buf *, const struct site *, const struct runbook *,
	    const char *body, size_t, const char *ins, size_t);
struct html *html_new(const struct site *);
int	 html_render(struct html *, const struct runbook *, struct buf *out);
int	 html_render_body(struct html *, const struct runbook *,
	    const char *body, size_t, struct buf *out);
/* put(arg, path, bytes, more): more is 0 for a file's first (or only)
 * bytes, 1 for bytes to append to it. */
int	 html_site(struct html *, int (*put)(void *, const char *path,
	    const struct buf *, int more), void *, int k, int jobs);
void	 html_free(struct html *);
const struct ynode *contact_find(const struct site *, const struct runbook *,
	    const char *id);

/* man.c: a section-7 page (rbc's own roff writer, not cmark's). */
struct man;
struct man *man_new(const struct site *);
void	 man_render(struct man *, const struct runbook *, struct buf *out);
/* A build renders each page during the scan, before the index exists,
 * guessing where links go, and finishes it once the index has checked
 * the guesses (-1: one was wrong, render it again with man_render). */
void	 man_render_pre(struct man *, const struct runbook *, struct buf *,
	    struct buf *guesses);
int	 man_finish(struct man *, const struct runbook *, struct buf *,
	    const char *guesses, size_t);
void	 man_free(struct man *);

/*
 * card.c: the one-page quick-reference card, PDF (pdf.c, or Cairo/Pango
 * for scripts that need shaping) and HTML.
 * card_new: paper "a4" or "letter" (NULL: the site's card: paper:, else
 * A4); NULL for any other paper.  card_render lays out rbs[0..n-1] on one
 * page (text from 10 pt down to 6 pt) and appends the PDF to pdf and the
 * HTML card to html (either may be NULL); it returns 0, or -1 after a
 * card-overflow (or, if cairo fails, io) diagnostic with nothing appended.
 * Output is deterministic.  A struct card is for one thread at a time.
 */
struct card;
struct card *card_new(const struct site *, const char *paper);
int	 card_render(struct card *, const struct runbook *const *rbs,
	    size_t n, struct buf *pdf, struct buf *html, struct diags *);
void	 card_free(struct card *);
/* cardlib.c: the card's libraries, loaded when first wanted (exits 2 if
 * they cannot be). */
void	 cardlib_load(void);

/*
 * pdf.c: the card's own PDF writer, its fast path.  pdf_fonts_new reads
 * the fonts fontconfig matches for the patterns, once, limited to Latin,
 * Greek, Cyrillic and common punctuation (NULL if one cannot serve);
 * pdf_glyph is 0 for a code point outside that set.  Metrics are in ems.
 * A page numbers the glyphs its content stream shows (pdf_use, fonts
 * /F0../F2); pdf_page_end appends the whole one-page document with
 * subsets of just those glyphs, and empties the page for the next.
 */
#define PDF_NFONTS	3
struct pdffonts;
struct pdfpage;
struct pdflink {
	double		 rect[4];	/* x0 y0 x1 y1, PDF space */
	const char	*uri;
};
struct pdffonts *pdf_fonts_new(const char *const pat[PDF_NFONTS]);
void	 pdf_fonts_free(struct pdffonts *);
unsigned pdf_glyph(const struct pdffonts *, int, uint32_t);
double	 pdf_advance(const struct pdffonts *, int, unsigned);
double	 pdf_kern(const struct pdffonts *, int, unsigned, unsigned);
double	 pdf_ascent(const struct pdffonts *, int);
double	 pdf_descent(const struct pdffonts *, int);
void	 pdf_num(struct buf *, double);
void	 pdf_glyph_hex(struct buf *, unsigned);
struct pdfpage *pdf_page_new(const struct pdffonts *);
unsigned pdf_use(struct pdfpage *, int, unsigned);
void	 pdf_page_end(struct pdfpage *, struct buf *, double pw, double ph,
	    const struct buf *content, const struct pdflink *, size_t,
	    const char *title, const char *creator, const char *date);
void	 pdf_page_free(struct pdfpage *);

/*
 * schema.c: JSON Schema draft 2020-12 over struct ynode.  Compile once,
 * validate many documents (also from several threads at once).  Messages
 * name the value's path and JSON pointer and sit at its line:col.  Out of
 * scope: unevaluated*, $dynamicRef, $vocabulary, remote $refs.
 */
struct schema;
#define SCHEMA_ASSERT_FORMATS	0x1	/* "format" asserts, not annotates */
/* NULL after diagnostics; root must outlive the schema.  schema_compile
 * asserts formats (rbc's own use); _opts chooses with flags. */
struct schema *schema_compile(const struct ynode *root, const char *file,
	    struct diags *);
struct schema *schema_compile_opts(const struct ynode *root,
	    const char *file, int flags, struct diags *);
/* A .json, .yaml/.yml (or .md front-matter) schema file, compiled. */
struct schema *schema_load(const char *path, int flags, struct diags *);
/* The built-in runbook schema, compiled with formats asserted. */
struct schema *schema_runbook(struct diags *);
/* Returns the number of problems reported (R_SCHEMA, R_LIMIT). */
int	 schema_validate(const struct schema *, const struct ynode *doc,
	    const char *file, struct diags *);
void	 schema_free(struct schema *);
const char *schema_builtin(size_t *len);	/* the runbook schema, JSON */

/* build.c: the site loaded, parsed, indexed and checked. */
struct runbook *runbook_scan(struct site *, const char *rel);
void	 schemas_open(struct site *, struct schema **builtin,
	    struct schema **own, int report);
void	 dedupe(struct runbook *);
void	 runbook_check(struct site *, struct runbook *,
	    const struct schema *builtin, const struct schema *own);
int	 site_load(struct site *, const char *content, const char *today,
	    int jobs);
int	 site_load_cached(struct site *, const char *content, const char *today,
	    int jobs, const char *cache_dir, int formats);
int	 site_load_some(struct site *, const char *content, const char *today,
	    char **rels, size_t nrels);
void	 site_diags(const struct site *, struct diags *all);
int	 want_colour(FILE *);

/* workers.c: the scan and render passes in worker processes. */
int	 ncpus(void);
int	 scan_all(struct site *, int jobs);
struct runbook *runbook_reload(struct site *, const struct runbook *light);
void	 spool_close(struct site *);
void	 shared_close(struct site *);
/*
 * What prerender makes of a runbook: its id, name and front-matter
 * appended to head, and nparts more parts, each to be written after its
 * length (as buf_put_mem does).  Kept from one runbook to the next.
 */
struct prerendered {
	struct buf	 head;
	struct buf	 part[4];
	int		 nparts;
};
void	 prerender(struct site *, struct runbook *, struct prerendered *);
void	 prerendered_free(struct prerendered *);
void	 yput(struct buf *, const struct ynode *);
struct ynode *yget(struct rd *, int depth);
int	 render_all_parallel(struct site *, int jobs, void *(*setup)(void *),
	    void (*one)(void *, struct runbook *, const char *, size_t,
	    struct buf *),
	    void (*teardown)(void *), void *arg, struct diags *,
	    void (*xfn)(void *, int, int, struct buf *), void *xarg, int xjobs);
int	 workers_collect(int jobs, void (*)(void *, int k, int jobs,
	    struct buf *), void *, struct buf *outs);
int	 workers_run(int jobs, void (*)(void *, int k, int jobs, struct buf *),
	    void *, struct diags *);
void	 diag_encode(struct buf *, const struct diags *);
int	 diag_decode(struct diags *, const char *, size_t);

/* cache.c: what the previous build knew, for incremental rebuilds. */
struct cache *cache_load(const char *dir, uint64_t global);
void	 cache_free(struct cache *);
int	 cached_record(struct site *, size_t idx, struct buf *out);
uint64_t cache_odig(const struct cache *, const char *rel);
uint64_t cache_sitedig(const struct cache *);
uint64_t *href_digests(const struct site *);
uint64_t runbook_digest(const struct site *, const uint64_t *,
	    const struct runbook *);
uint64_t site_seen(const struct runbook *, const char *fm, size_t);
uint64_t site_digest(const struct site *);
int	 cache_write(const char *dir, uint64_t global, uint64_t sitedig,
	    const struct site *, const uint64_t *odig);
void	 record_put(struct buf *, size_t idx, const char *rec, size_t len);
int	 record_get(const struct site *, size_t idx, struct buf *);
void	 recwin_free(struct site *);
/* The front-matter keys a scan record keeps for the site pages. */
#define FMK_TAGS	0x01
#define FMK_REVIEWED	0x02
#define FMK_CONTACTS	0x04
#define FMK_ESCALATION	0x08
#define FMK_THRESHOLDS	0x10
struct ynode *runbook_fm(const struct site *, const struct runbook *,
	    struct arena *, unsigned keys);

/* Subcommands (main.c dispatches). */
int	 cmd_build(int, char **);
int	 cmd_lint(int, char **);
int	 cmd_card(int, char **);
int	 cmd_new(int, char **);
int	 cmd_import(int, char **);
int	 cmd_schema(int, char **);

#endif /* RBC_H */
