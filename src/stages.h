/*
 * The stages, in pipeline order: load (walk the content tree, read,
 * validate UTF-8), front-matter (YAML events to struct ynode), markdown
 * (cmark-gfm), slugs, index (ids, anchors, links, backlinks), check (the
 * rules) and schema (JSON Schema 2020-12).  Includes only model.h.
 */
#ifndef RBC_STAGES_H
#define RBC_STAGES_H

#include "model.h"

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
 * yaml_load for a stream of documents (rule files): their roots in *docs
 * (in the arena; empty documents are Y_NULL), how many returned, or -1
 * after a diagnostic.  max_nodes bounds the whole stream; where names
 * the kind of file in messages ("rule files").
 */
long	 yaml_load_all(struct arena *, const char *buf, size_t len,
	    const char *file, size_t max_nodes, const char *where,
	    struct ynode ***docs, struct diags *);
/* toml.c: TOML front-matter (Hugo's "+++" block) as yaml_load's map;
 * NULL after a diagnostic. */
struct ynode *toml_load(struct arena *, const char *buf, size_t len,
	    const char *file, int line0, struct diags *);


/* ----------------------------------------------------------------- slug.c */

/* The slug of a heading's plain text (not yet de-duplicated). */
char	*slug_make(const char *, size_t, enum slug_style);
struct slugger;
struct slugger *slugger_new(enum slug_style);
/* The unique slug: the plain slug, then -1, -2 ... for repeats. */
char	*slugger_slug(struct slugger *, const char *, size_t);
void	 slugger_free(struct slugger *);
/* Keeps the ids of list (NULL last) from every slug: a heading that
 * would take one gets id-1. */
void	 slugger_reserve(struct slugger *, const char *const *list);
/* s lower-cased as JavaScript does (GitHub's page script), malloc'd. */
char	*slug_lower(const char *, size_t);
/* GitLab's form of a GitHub slug: runs of "-" made one, none at the
 * ends (malloc'd). */
char	*slug_collapse(const char *);


/* load.c */
int	 site_open(struct site *, const char *content, const char *today);
int	 site_walk(struct site *);
struct runbook *runbook_read(struct site *, const char *rel);
void	 runbook_free(struct runbook *);
void	 site_close(struct site *);

/* frontmatter.c */
void	 fm_parse(struct site *, struct runbook *);
const char *fm_title(struct arena *, const char *buf, size_t len);

/* markdown.c: the cmark-gfm tree is r->doc.  Link nodes (inline links,
 * images and wiki links, which become real CMARK_NODE_LINK nodes) and
 * heading nodes carry their struct link / struct heading; renderers ask. */
void	 md_parse(struct site *, struct runbook *);
const struct link *md_node_link(const struct runbook *, void *node);
void	 md_text(void *node, struct buf *, int flags);
#define MD_TEXT_IMAGES	1	/* md_text: images' alt text */
#define MD_TEXT_EMOJI	2	/* md_text: shortcodes as emoji */
#define MD_TEXT_BREAKS	4	/* md_text: <br> as a newline */
const struct heading *md_node_heading(const struct runbook *, void *node);
/* 1 if node stands for GitLab's [[_TOC_]] or [TOC]: a table of contents
 * of the page's headings goes there (man pages have none). */
int	 md_node_toc(void *node);
/* A footnote reference's label, from the source; GitHub's id for it. */
const char *md_note_label(const struct runbook *, void *node, size_t *n);
void	 md_note_id(struct buf *, const char *prefix, const char *label,
	    size_t n);
/* 1 if node is a diagram: a code block fenced as mermaid (GitHub's rule:
 * the info string's first word, exactly). */
int	 md_diagram(void *node);
void	 md_free(struct runbook *);

/* sanitize.c: raw HTML through an HTML5 parser (libgumbo), as GitHub
 * sanitizes it.  What survives becomes nodes of the tree: custom nodes
 * whose user data names their element (md_node_html) and whose on-enter
 * and on-exit hold the sanitized tags, text nodes, and link and image
 * nodes for href and src (collected, resolved and rewritten like any
 * Markdown link).  Each removal is a raw-html diagnostic.  With unsafe
 * (site.yaml unsafe_html) the raw HTML stays and only its links and
 * anchors are added, in hidden nodes. */
struct htmlel {
	const char	*name;		/* "" for rbc's own nodes */
	unsigned	 flags;
};
#define HE_BLOCK	0x0001	/* a custom block node */
#define HE_PARA		0x0002	/* its content is inline */
#define HE_VOID		0x0004	/* no content, no end tag */
#define HE_BOLD		0x0008
#define HE_ITALIC	0x0010
#define HE_CODE		0x0020
#define HE_BREAK	0x0040	/* <br> */
#define HE_QUOTE	0x0080	/* indented: blockquote, alerts */
#define HE_ITEM		0x0100	/* li, dd */
#define HE_PRE		0x0200
#define HE_LABEL	0x0400	/* summary, h1-h6, dt, caption */
#define HE_HIDDEN	0x0800	/* not shown: unsafe_html's links */
#define HE_ALERT	0x1000	/* a GitHub alert ("Warning") */
#define HE_ATTRS	0x2000	/* an <img>'s attributes, after its alt */
#define HE_ANCHOR	0x4000	/* <a id> */
#define HE_RULE		0x8000	/* <hr> */
/* user data of rbc's own custom nodes */
#define HEL_RUN		1	/* inline content among blocks */
#define HEL_ATTRS	2
#define HEL_HIDDEN	3
#define HEL_ALERT	4	/* .. HEL_ALERT + 4: note tip important
				 * warning caution */
void	 html_sanitize(struct runbook *, void *doc, void *mem, int unsafe);
const struct htmlel *md_node_html(void *node);
/* The id of an <a id> node, or NULL. */
const char *html_anchor_id(void *node, size_t *n);

/* index.c */
int	 id_valid(const char *);
char	*pct_decode(const char *, size_t);
/* The content-relative form of path written in runbook file from, or
 * NULL if it leaves the content directory. */
char	*resolve_path(const char *from, const char *path);
/* second: an arena for a second thread's strings, or NULL for one. */
void	 index_build(struct site *, struct arena *second);
/* How anchor_find matched a fragment. */
enum { ANCHOR_NONE, ANCHOR_EXACT, ANCHOR_CASE, ANCHOR_OTHER, ANCHOR_PREFIX };
const char *anchor_find(const struct runbook *, const char *frag,
	    enum anchor_mode, int *how);
int	 link_external(const struct link *);
int	 link_kept(const struct link *);
uint32_t *link_slots(const struct runbook *);
char	*link_guess(const struct runbook *, const struct link *);
void	 href_root(struct buf *, const char *id);
int	 runbook_group(const struct runbook *, const char **name, size_t *n);
const char *section_title(const struct site *, const char *dir, size_t n);
int	 group_cmp(const struct runbook *, const struct runbook *);
void	 group_anchor(struct buf *, int kind, const char *name, size_t n);
const char *link_href(const struct site *, const struct runbook *from,
	    const struct link *, struct buf *scratch);

/* extract.c: what a runbook's text says of contacts, severity levels,
 * escalation, thresholds, owner and review dates, in the front-matter's
 * shape, each value at its line. */
struct ynode *extract(struct runbook *, int all);
/* Adds r->text's keys that r->fm lacks to r->fm (from_text says which);
 * reports threshold-conflict. */
void	 extract_merge(struct runbook *);

/* alerts.c: alert rule files and the runbooks they name (model.h's
 * struct alerts).  alerts_open reads what site.yaml lists (site_open
 * calls it); alerts_add one more file; alerts_check maps every
 * runbook_url once the index exists; alerts_drift compares r's
 * thresholds with their alerts. */
void	 alerts_open(struct site *);
int	 alerts_read(struct site *, const char *path, const char *shown);
int	 alerts_add(struct site *, const char *path);
void	 alerts_check(struct site *);
void	 alerts_drift(const struct site *, struct runbook *);
void	 alerts_free(struct site *);

/* codeowners.c: the repository's CODEOWNERS (GitHub's and GitLab's
 * rules), read once by site_open; codeowners_merge gives a runbook that
 * names no owner the owners of its path (r->owner, r->owner_line,
 * TEXT_CODEOWNERS). */
void	 codeowners_open(struct site *);
void	 codeowners_merge(const struct site *, struct runbook *);
/* Its path from the repository's root (".github/CODEOWNERS"), or NULL. */
const char *codeowners_name(const struct site *);
uint64_t codeowners_digest(const struct site *);	/* of its bytes */
void	 codeowners_free(struct site *);

/* check.c */
void	 check_runbook(struct site *, struct runbook *);
void	 check_site(struct site *);
void	 silence_install(struct runbook *);


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
/* The built-in schema's name in diagnostics. */
#define SCHEMA_BUILTIN_NAME	"schemas/runbook.schema.json"
/* A .json, .yaml/.yml or .md (its front-matter) document read into the
 * arena; NULL after a diagnostic (*ioerr set if it could not be read). */
struct ynode *schema_doc_load(struct arena *, const char *path,
	    struct diags *, int *ioerr);
/* A .json, .yaml/.yml (or .md front-matter) schema file, compiled. */
struct schema *schema_load(const char *path, int flags, struct diags *);
/* The built-in runbook schema, compiled with formats asserted. */
struct schema *schema_runbook(struct diags *);
/* Returns the number of problems reported (R_SCHEMA, R_LIMIT). */
int	 schema_validate(const struct schema *, const struct ynode *doc,
	    const char *file, struct diags *);
void	 schema_free(struct schema *);
/* key-unknown: keys of doc within a typo of one a schema knows there. */
void	 schema_typos(const struct schema *builtin, const struct schema *own,
	    const struct ynode *doc, const char *file, struct diags *);
const char *schema_builtin(size_t *len);	/* the runbook schema, JSON */

/*
 * terms.c: what search finds of a runbook.  Where a word was found, best
 * first: the search index ranks by it and shows it.
 */
enum term_field {
	TF_TITLE, TF_HEADING, TF_ALERT, TF_METRIC, TF_PERSON, TF_COMMAND,
	TF_TAG, TF_SERVICE, TF_SUMMARY, TF_BODY, TF__N
};
/* A word and its length; eight bytes past its end can be read. */
typedef void (*term_fn)(void *, const char *, size_t);
/* Each word of s as search finds it (ASCII lower-cased; CJK by pairs). */
void	 terms_words(const char *s, size_t n, term_fn, void *);
/* A word's hash; reads eight bytes past its end (masked off). */
uint32_t terms_hash(const char *, size_t);
/* r's words and the lines a result shows of it (the format is in
 * terms.c), appended to out. */
void	 terms_collect(const struct site *, const struct runbook *,
	    struct buf *out);

#endif /* RBC_STAGES_H */
