/*
 * The document model: what a site and its runbooks are (ids, titles,
 * headings, links, front-matter as struct ynode with positions) and the
 * diagnostics reported about them.  Includes only util.h.
 */
#ifndef RBC_MODEL_H
#define RBC_MODEL_H

#include "util.h"

/* Limits on untrusted input; each one hit is a diagnostic. */
/* One runbook.  libcmark-gfm can make 170 bytes of tree of a byte of
 * hostile Markdown ("[[t]]" repeated): 1 MiB keeps that a few hundred
 * MiB at worst; a runbook of 1 MiB is 500 printed pages. */
#define RBC_MAX_FILE	(1u * 1024 * 1024)
#define RBC_MAX_FM	(256u * 1024)		/* its front-matter */
#define RBC_MAX_DEPTH	32			/* YAML nesting */
#define RBC_MAX_NODES	100000			/* YAML nodes per document */
#define RBC_MAX_LINKS	10000			/* links per runbook */
#define RBC_MAX_ID	1024	/* bytes of an id (its page path shortens long parts) */
/* rbc's own folder in the HTML output: generated pages and assets.  No
 * runbook can take it (a leading _ is not a runbook's). */
#define RBC_DIR		"_rbc"
#define RBC_MAX_NEST	256			/* Markdown nesting */
#define RBC_MAX_AUTOLINKS 10000			/* autolink candidates */
#define RBC_MAX_CELLS	100000			/* table cells per runbook */
#define RBC_MAX_NOTES	100000			/* footnotes per runbook */
#define RBC_MAX_NOTE_REFS 100	/* references of a note that are link targets */
#define RBC_MAX_LISTED	200	/* files the index lists of a linked folder */
#define RBC_MAX_RULEFILE (32u * 1024 * 1024)	/* one alert rule file */
#define RBC_MAX_RULENODES 2000000		/* YAML nodes per rule file */
#define RBC_MAX_URL	4096			/* a runbook_url checked */

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
	R_CONTROL_CHAR,
	R_THRESHOLD_CONFLICT,
	R_REVIEW_UNKNOWN,
	R_KEY_UNKNOWN,
	R_PLACEHOLDER,
	R_ALERT_RUNBOOK_BROKEN,
	R_ALERT_NO_RUNBOOK,
	R_RUNBOOK_NO_ALERT,
	R_THRESHOLD_DRIFT,
	R_ANCHOR_CASE,
	R_TEMPLATE_SYNTAX,
	R_RAW_HTML,
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
void	 ymap_put(struct arena *, struct ynode *map, struct ynode *key,
	    struct ynode *);
void	 ymap_setz(struct arena *, struct ynode *map, const char *key,
	    const char *strval);	/* no-op when strval is NULL */
int	 yequal(const struct ynode *, const struct ynode *); /* JSON equality */
size_t	 ymaps(const struct ynode *map, const char *key); /* maps in key's list */
/* y as JSON, pretty: indented by 2; numbers from their value. */
void	 yjson(struct buf *, const struct ynode *, int pretty);


enum slug_style {
	SLUG_GITHUB,
	SLUG_GITLAB
};

/* How fragments are matched with heading ids (site.yaml anchors:). */
enum anchor_mode {
	ANCHORS_GITHUB,		/* GitHub's slugs; case-insensitive too */
	ANCHORS_GITLAB,		/* GitLab's slugs, exactly */
	ANCHORS_STRICT		/* GitHub's slugs, exactly */
};


/* ------------------------------------------------- the site and runbooks */

struct srcfile {
	char		*path;	/* as shown in diagnostics */
	const char	*data;	/* whole file, BOM included */
	size_t		 len;
	size_t		*lines;	/* byte offset of each line's start */
	size_t		 nlines;
};

/* source.c: the one home of source positions.  index_lines fills lines[]
 * from data. */
void	 src_lines(struct srcfile *, struct arena *);
/* Line and character column of a byte offset in the file. */
void	 src_pos(const struct srcfile *, size_t off, int *line, int *col);
/* Character column from a 1-based byte column of a 1-based line. */
int	 src_col(const struct srcfile *, int line, int bytecol);
/* src_col for positions met in order along a line: where the last one
 * was (zeroed to start), so that many on one line cost one pass. */
struct srccur {
	int	 line, bytecol, col;
};
int	 src_col_next(const struct srcfile *, int line, int bytecol,
	    struct srccur *);

enum link_kind {
	LINK_MD,	/* [t](x.md#a), [t](#a), ![](img.png) */
	LINK_WIKI,	/* [[id#a|t]] */
	LINK_RELATED,	/* related: [id] */
	LINK_AUTO,	/* autolinks, never resolved */
	LINK_HUGO	/* {{< ref "x.md#a" >}}, {{< relref >}} */
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
	unsigned char	 folder;	/* a folder with no page: 1, the
					 * index's list of its runbooks; 2, of
					 * other files only (file, the folder):
					 * the index's list of them (frag) */
};

struct site;

struct runbook {
	struct arena	*arena;
	int		 light;		/* arena, heads, links: the site's */
	size_t		 idx;		/* its place in the site's rb[] */
	char		*rel;		/* path under content/, "db/failover.md" */
	char		*id;		/* "db/failover" */
	char		*name;		/* "db-failover" (man, card) */
	const char	*page;		/* its HTML page without .html: the id,
					 * "index" for the home page, "db/index"
					 * for db/README.md (index.c) */
	int		 home;		/* the content root's index.md or
					 * README.md: the home page's text */
	char		*title;
	char		*summary;
	char		*service;
	char		*owner;
	struct srcfile	 src;
	struct buf	 raw;		/* the file's bytes */
	int		 bad_utf8;	/* the file failed UTF-8 validation */
	int		 unreadable;	/* too large or unreadable: empty */
	int		 id_line, id_col; /* where front-matter sets the id */
	uint64_t	*smask;		/* rules silenced per line, or NULL */
	size_t		 nsmask;	/* entries of smask (lines + 1) */
	struct ynode	*fm;		/* front-matter, NULL when none */
	/* What the body says (extract.c), and which keys of fm came from
	 * it rather than from the front-matter (TEXT_ bits). */
	struct ynode	*text;
	unsigned	 from_text;
	int		 owner_line;	/* TEXT_CODEOWNERS: its line there */
	/* Maps in its contacts + escalation, and in its thresholds: how
	 * many entries it has on the contacts and thresholds pages. */
	uint32_t	 nreach, nthr;
	unsigned	 sections;	/* light: page_sections, PAGE_ bits */
	int		 fm_ok;		/* front-matter parsed */
	int		 fm_toml;	/* it was TOML (Hugo's "+++" block) */
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
	struct diags	 diags;
};

struct site_config {
	const char	*title;
	const char	*base_url;
	const char	*organisation;
	const char	*theme;
	const char	*paper;		/* card paper: a4 or letter */
	int		 unsafe_html;
	int		 no_extract;	/* extract: false */
	enum slug_style	 slugs;		/* heading ids: from anchors: */
	enum anchor_mode anchors;
	struct ynode	*contacts;	/* site-wide contacts */
	const char	*schema;	/* path of the site's schema file */
	enum severity	 sev[R__MAX];
	struct ynode	*root;		/* site.yaml as parsed */
};

/*
 * One Prometheus alert rule (alerts.c), read from a rule file listed in
 * site.yaml's alerts: (or named to rbc lint).  Strings live in the
 * site's arena; positions are the rule file's.
 */
struct alert {
	const char	*name;		/* alert: */
	const char	*group;		/* its group's name, or "" */
	const char	*file;		/* the rule file as shown */
	int		 line, col;	/* its name */
	const char	*expr;		/* or NULL */
	const char	*dur;		/* for:, or NULL */
	int		 dur_line, dur_col;
	const char	*severity;	/* labels.severity, or NULL */
	const char	*summary;	/* annotations.summary (or description) */
	const char	*url;		/* annotations.runbook_url, or NULL */
	int		 url_line, url_col;
	const struct ynode *labels;	/* a map, or NULL */
	/* Filled by alerts_check. */
	int		 target;	/* the runbook it names, or -1 */
	const char	*frag;		/* the heading it names, or NULL */
	const char	*problem;	/* what is wrong, or NULL */
};

/* An alert_urls: pattern: a runbook_url that matches url names runbook. */
struct alert_pattern {
	const char	*url;		/* with {alert}, {group}, {label}... */
	const char	*runbook;	/* id[#fragment], same placeholders */
};

/* The alert rules of a site (alerts.c). */
struct alerts {
	int		 configured;	/* site.yaml lists rule files */
	int		 failed;	/* a rule file could not be read whole */
	struct alert	*v;
	size_t		 n, cap;
	size_t		 mapped;	/* v[0..mapped) are mapped */
	int		 checked;	/* runbook-no-alert was checked */
	struct alert_pattern *pat;
	size_t		 npat;
	char		**real;		/* the rule files read (realpath) */
	size_t		 nreal;
	uint64_t	 digest;	/* of every rule file's bytes */
	struct strtab	 byname;	/* name -> first alert of that name */
	int		*next;		/* the next alert of the same name */
	/* After alerts_check: runbook i's alerts are byrb[first[i]] up to
	 * byrb[first[i + 1]] (NULL while there are no alerts). */
	int		*byrb;
	size_t		*first;
	struct diags	 diags;		/* the rule files' */
};

/* What rbc build writes. */
enum {
	FMT_HTML = 1,
	FMT_MAN = 2,
	FMT_CARD = 4
};

struct codeowners;

struct idref {
	const char	*id;
	int		 idx;
};

struct site {
	char		*content;	/* content directory */
	char		*root;		/* where templates/ and themes/ live */
	struct site_config cfg;
	struct arena	*arena;
	struct runbook	**rb;
	size_t		 n;
	char		**files;	/* every non-runbook file, sorted */
	size_t		 nfiles;
	char		**rbpaths;	/* every runbook path, sorted */
	size_t		 nrbpaths;
	struct idref	*ids;		/* sorted by id, for site_find */
	struct strtab	 byid;		/* id -> runbook, for site_find */
	struct strtab	 wiki;		/* wiki page name -> rbpaths index */
	int		 wiki_made;	/* site_wiki_names ran */
	char		 today[11];	/* YYYY-MM-DD */
	struct diags	 diags;		/* site-level diagnostics */
	int		 tree_arena;	/* one tree at a time: cmark's arena */
	int		 partial;	/* only some runbooks were read */
	struct alerts	 alerts;
	struct codeowners *codeowners;	/* the repository's, or NULL */
	/* Hugo's section titles: a top-level folder's _index.md title,
	 * which the index names its group by (section_titles). */
	const char	**sect_dir, **sect_title;
	size_t		 nsect;
};

/*
 * The ids the page templates give their own elements (site.c), NULL
 * last: no heading's id is one of them, and a link may name one.
 */
extern const char *const page_ids[];

/* The sections of a runbook's page that show its data, there only when
 * it has some (page_sections). */
#define PAGE_SEVERITY	0x01
#define PAGE_CONTACTS	0x02
#define PAGE_ESCALATION	0x04
#define PAGE_THRESHOLDS	0x08
#define PAGE_QUICKREF	0x10
#define PAGE_RELATED	0x20
unsigned page_sections(const struct runbook *);
/* 1 if r's page has the element with page id id (one of page_ids). */
int	 page_has_id(const struct runbook *, const char *id);

/* Keys of a runbook's data that its text can give (struct runbook's
 * from_text). */
#define TEXT_CONTACTS	0x01
#define TEXT_SEVERITY	0x02
#define TEXT_ESCALATION	0x04
#define TEXT_THRESHOLDS	0x08
#define TEXT_OWNER	0x10
#define TEXT_REVIEWED	0x20
#define TEXT_EVERY	0x40
#define TEXT_QUICKREF	0x80
#define TEXT_SUMMARY	0x100
#define TEXT_CODEOWNERS	0x200	/* owner: from CODEOWNERS, not the text */

/* site.c: looking things up in the model. */
void	 site_index_ids(struct site *);
int	 site_find(const struct site *, const char *id); /* index or -1 */
int	 site_has_file(const struct site *, const char *rel);
size_t	 site_files_below(const struct site *, const char *dir, size_t *n,
	    size_t *listed);
void	 site_wiki_names(struct site *);
int	 notify_name(const char *);
long	 site_wiki_page(const struct site *, const char *name, size_t n);
size_t	 site_listed(const struct site *, const char ***dirs);
/* 1 if the runbook at rel is the home page's text (index.md, README.md). */
int	 rel_is_home(const struct site *, const char *rel);
/* The man page and card name of an id (malloc'd): [A-Za-z0-9._-] only. */
char	*id_name(const char *id);
/* Appends path (a page or file path) to b, percent-encoded for an href. */
void	 href_path(struct buf *, const char *path);
/* The indexes of the alerts that point at runbook r (*n of them). */
const int *alerts_of(const struct site *, const struct runbook *r,
	    size_t *n);
/* The heading that is r's title: its first H1 that says the title,
 * also with other spaces, punctuation or case ("DiskPressure" for "Disk
 * Pressure"); NULL when there is none.  The page shows the title once. */
const struct heading *title_heading(const struct runbook *r);
/* The contact id names in r, or else among the site's contacts; NULL. */
const struct ynode *contact_find(const struct site *, const struct runbook *,
	    const char *id);

#endif /* RBC_MODEL_H */
