/*
 * Front-matter: split the YAML block off a runbook and load it through
 * libyaml's event API into struct ynode, keeping line:col for every key and
 * value.  No alias expansion (aliases, anchors, tags and merge keys are
 * refused), bounded depth and node count, duplicate keys reported with
 * both lines.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "stages.h"

struct loader {
	struct arena	*a;
	struct diags	*d;
	const char	*file;
	const char	*buf;
	size_t		 len;
	int		 line0;
	size_t		 nodes;
	size_t		 max_nodes;	/* over the whole stream */
	const char	*where;		/* "front-matter", "rule files" */
	int		 failed;
};

/* ------------------------------------------------------------ the model */

/* ----------------------------------------------------------- the loader */

/* Returns 1 if the plain scalar s is an integer by YAML 1.2 JSON rules. */
static int
is_int(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		return s[1] == '\0';
	if (*s < '1' || *s > '9')
		return 0;
	while (*s >= '0' && *s <= '9')
		s++;
	return *s == '\0';
}

/* Returns 1 if the plain scalar s is a decimal float (1.5, -2e3, 0.25). */
static int
is_float(const char *s)
{
	int digits = 0, frac = 0, ex = 0;

	if (*s == '-')
		s++;
	if (*s == '0') {
		s++;
		digits = 1;
	} else
		while (*s >= '0' && *s <= '9') {
			s++;
			digits = 1;
		}
	if (!digits)
		return 0;
	if (*s == '.') {
		s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			frac = 1;
		}
		if (!frac)
			return 0;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		while (*s >= '0' && *s <= '9') {
			s++;
			ex = 1;
		}
		if (!ex)
			return 0;
	}
	return *s == '\0' && (frac || ex);
}

static void
resolve_plain(struct ynode *y)
{
	const char *s = y->s;

	/* Only these few words are not strings or numbers. */
	int word = y->slen <= 5 && strchr("~nNtTfF", s[0]) != NULL;

	if (y->slen == 0 || (word && (strcmp(s, "~") == 0 ||
	    strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 ||
	    strcmp(s, "NULL") == 0)))
		y->type = Y_NULL;
	else if (word && (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 ||
	    strcmp(s, "TRUE") == 0)) {
		y->type = Y_BOOL;
		y->b = 1;
	} else if (word && (strcmp(s, "false") == 0 ||
	    strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)) {
		y->type = Y_BOOL;
		y->b = 0;
	} else if (is_int(s)) {
		y->type = Y_INT;
		y->num = strtod(s, NULL);
	} else if (is_float(s)) {
		y->type = Y_FLOAT;
		y->num = strtod(s, NULL);
		if (!isfinite(y->num))
			y->type = Y_STR;
	} else
		y->type = Y_STR;
}

/* Converts a byte offset in the loader's buffer to file line:col. */
static void
offset_pos(const struct loader *l, size_t off, int *line, int *col)
{
	size_t i, bol = 0;
	int ln = 0;

	if (off > l->len)
		off = l->len;
	for (i = 0; i < off; i++)
		if (l->buf[i] == '\n') {
			ln++;
			bol = i + 1;
		}
	*line = l->line0 + ln;
	*col = (int)utf8_count(l->buf + bol, off - bol) + 1;
}

static void
mark_pos(const struct loader *l, const yaml_mark_t *m, int *line, int *col)
{
	*line = l->line0 + (int)m->line;
	*col = (int)m->column + 1;
}

static void
parse_error(struct loader *l, yaml_parser_t *p)
{
	int line, col;

	if (p->error == YAML_READER_ERROR)
		offset_pos(l, p->problem_offset, &line, &col);
	else
		mark_pos(l, &p->problem_mark, &line, &col);
	if (p->error == YAML_MEMORY_ERROR) {
		fputs("rbc: out of memory\n", stderr);
		exit(2);
	}
	if (p->context != NULL)
		diag_add(l->d, l->file, line, col, R_YAML_SYNTAX, "%s %s",
		    p->problem ? p->problem : "syntax error", p->context);
	else
		diag_add(l->d, l->file, line, col, R_YAML_SYNTAX, "%s",
		    p->problem ? p->problem : "syntax error");
	l->failed = 1;
}

static int
keycmp(const void *a, const void *b)
{
	const struct ynode *x = *(struct ynode *const *)a;
	const struct ynode *y = *(struct ynode *const *)b;
	int c;

	if ((c = strcmp(x->s, y->s)) != 0)
		return c;
	return x->line != y->line ? (x->line < y->line ? -1 : 1) :
	    (x->col < y->col ? -1 : x->col > y->col);
}

/* Reports repeated keys (both places); the first one stays in force. */
static void
check_dups(struct loader *l, struct ynode *map)
{
	struct ynode **k;
	size_t i, j, n = map->n;

	if (n < 2)
		return;
	if (n <= 16) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (map->keys[i]->s[0] == map->keys[j]->s[0] &&
				    strcmp(map->keys[i]->s,
				    map->keys[j]->s) == 0) {
					diag_add(l->d, l->file,
					    map->keys[i]->line,
					    map->keys[i]->col,
					    R_DUPLICATE_KEY, "duplicate key "
					    "'%s' (first at line %d)",
					    map->keys[i]->s,
					    map->keys[j]->line);
					break;
				}
		return;
	}
	k = xreallocarray(NULL, n, sizeof(*k));
	memcpy(k, map->keys, n * sizeof(*k));
	qsort(k, n, sizeof(*k), keycmp);
	for (i = 1, j = 0; i < n; i++) {
		if (strcmp(k[i]->s, k[j]->s) != 0) {
			j = i;
			continue;
		}
		diag_add(l->d, l->file, k[i]->line, k[i]->col,
		    R_DUPLICATE_KEY, "duplicate key '%s' (first at line %d)",
		    k[i]->s, k[j]->line);
	}
	free(k);
}

/* Removes later duplicates of a key so lookups see the first. */
static void
drop_dups(struct ynode *map)
{
	size_t i, j, o = 0;

	if (map->n > 16) {
		/* Rare and hostile: quadratic would be too slow; keep all. */
		return;
	}
	for (i = 0; i < map->n; i++) {
		for (j = 0; j < o; j++)
			if (strcmp(map->keys[j]->s, map->keys[i]->s) == 0)
				break;
		if (j < o)
			continue;
		map->keys[o] = map->keys[i];
		map->items[o++] = map->items[i];
	}
	map->n = o;
}

static int
refuse(struct loader *l, const yaml_event_t *ev, const char *what,
    const char *name)
{
	int line, col;

	mark_pos(l, &ev->start_mark, &line, &col);
	diag_add(l->d, l->file, line, col, R_YAML_UNSUPPORTED,
	    "%s '%s' is not supported in %s", what,
	    name != NULL ? name : "", l->where);
	l->failed = 1;
	return -1;
}

/*
 * Reads one node starting with event ev (already parsed) into *out.
 * Returns 0, or -1 after a diagnostic.
 */
static int
load_node(struct loader *l, yaml_parser_t *p, yaml_event_t *ev, int depth,
    struct ynode **out)
{
	struct ynode *y, *k, *v;
	yaml_event_t e;
	int line, col, rc;

	mark_pos(l, &ev->start_mark, &line, &col);
	if (++l->nodes > l->max_nodes) {
		diag_add(l->d, l->file, line, col, R_LIMIT,
		    "more than %zu YAML nodes", l->max_nodes);
		l->failed = 1;
		return -1;
	}
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return refuse(l, ev, "alias",
		    (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor != NULL)
			return refuse(l, ev, "anchor",
			    (const char *)ev->data.scalar.anchor);
		if (ev->data.scalar.tag != NULL)
			return refuse(l, ev, "tag",
			    (const char *)ev->data.scalar.tag);
		y = ynew(l->a, Y_STR);
		y->s = arena_strndup(l->a, (const char *)ev->data.scalar.value,
		    ev->data.scalar.length);
		y->slen = ev->data.scalar.length;
		y->line = line;
		y->col = col;
		if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			resolve_plain(y);
		else
			y->quoted = 1;
		*out = y;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT:
		break;
	default:
		diag_add(l->d, l->file, line, col, R_YAML_SYNTAX,
		    "unexpected YAML event");
		l->failed = 1;
		return -1;
	}

	if (ev->type == YAML_SEQUENCE_START_EVENT) {
		if (ev->data.sequence_start.anchor != NULL)
			return refuse(l, ev, "anchor", (const char *)
			    ev->data.sequence_start.anchor);
		if (ev->data.sequence_start.tag != NULL)
			return refuse(l, ev, "tag", (const char *)
			    ev->data.sequence_start.tag);
	} else {
		if (ev->data.mapping_start.anchor != NULL)
			return refuse(l, ev, "anchor", (const char *)
			    ev->data.mapping_start.anchor);
		if (ev->data.mapping_start.tag != NULL)
			return refuse(l, ev, "tag", (const char *)
			    ev->data.mapping_start.tag);
	}
	if (depth >= RBC_MAX_DEPTH) {
		diag_add(l->d, l->file, line, col, R_LIMIT,
		    "YAML nested deeper than %d levels", RBC_MAX_DEPTH);
		l->failed = 1;
		return -1;
	}
	y = ynew(l->a, ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP);
	y->line = line;
	y->col = col;
	for (;;) {
		if (!yaml_parser_parse(p, &e)) {
			parse_error(l, p);
			return -1;
		}
		if (e.type == YAML_SEQUENCE_END_EVENT ||
		    e.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&e);
			break;
		}
		if (y->type == Y_SEQ) {
			rc = load_node(l, p, &e, depth + 1, &v);
			yaml_event_delete(&e);
			if (rc == -1)
				return -1;
			yseq_push(l->a, y, v);
			continue;
		}
		/* A mapping: a scalar key, then its value. */
		if (e.type != YAML_SCALAR_EVENT) {
			mark_pos(l, &e.start_mark, &line, &col);
			if (e.type == YAML_ALIAS_EVENT)
				rc = refuse(l, &e, "alias",
				    (const char *)e.data.alias.anchor);
			else {
				diag_add(l->d, l->file, line, col,
				    R_YAML_UNSUPPORTED, "mapping keys must "
				    "be plain strings");
				l->failed = 1;
			}
			yaml_event_delete(&e);
			return -1;
		}
		rc = load_node(l, p, &e, depth + 1, &k);
		if (rc == 0 && e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		    strcmp(k->s, "<<") == 0)
			rc = refuse(l, &e, "merge key", "<<");
		yaml_event_delete(&e);
		if (rc == -1)
			return -1;
		if (!yaml_parser_parse(p, &e)) {
			parse_error(l, p);
			return -1;
		}
		rc = load_node(l, p, &e, depth + 1, &v);
		yaml_event_delete(&e);
		if (rc == -1)
			return -1;
		ymap_put(l->a, y, k, v);
	}
	if (y->type == Y_MAP) {
		check_dups(l, y);
		drop_dups(y);
	}
	*out = y;
	return 0;
}

/*
 * Loads the documents of buf into *docs (at most one unless multi);
 * returns how many, or -1 after a diagnostic.
 */
static long
load_stream(struct loader *l, int multi, struct ynode ***docs)
{
	yaml_parser_t p;
	yaml_event_t e;
	struct ynode *root, **v = NULL;
	size_t n = 0, cap = 0;
	int line, col, done = 0;

	if (!yaml_parser_initialize(&p)) {
		fputs("rbc: out of memory\n", stderr);
		exit(2);
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)l->buf,
	    l->len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
	while (!done && !l->failed) {
		if (!yaml_parser_parse(&p, &e)) {
			parse_error(l, &p);
			break;
		}
		switch (e.type) {
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (n > 0 && !multi) {
				mark_pos(l, &e.start_mark, &line, &col);
				diag_add(l->d, l->file, line, col,
				    R_YAML_SYNTAX, "more than one YAML "
				    "document");
				l->failed = 1;
			}
			break;
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		default:
			if (load_node(l, &p, &e, 0, &root) == 0) {
				if (n == cap) {
					cap = cap ? 2 * cap : 4;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				v[n++] = root;
			}
			break;
		}
		yaml_event_delete(&e);
	}
	yaml_parser_delete(&p);
	if (l->failed) {
		free(v);
		return -1;
	}
	if (n > 0) {
		*docs = arena_calloc(l->a, n, sizeof(**docs));
		memcpy(*docs, v, n * sizeof(*v));
	}
	free(v);
	return (long)n;
}

/* Sets up a loader of the YAML in buf, its lines counted from line0. */
static void
loader_init(struct loader *l, struct arena *a, const char *buf, size_t len,
    const char *file, int line0, size_t max_nodes, const char *where,
    struct diags *d)
{
	memset(l, 0, sizeof(*l));
	l->a = a;
	l->d = d;
	l->file = file;
	l->buf = buf;
	l->len = len;
	l->line0 = line0;
	l->max_nodes = max_nodes;
	l->where = where;
}

/* Returns the root of the first YAML document in buf, or NULL. */
struct ynode *
yaml_load(struct arena *a, const char *buf, size_t len, const char *file,
    int line0, struct diags *d)
{
	struct loader l;
	struct ynode **docs = NULL, *root;
	long n;

	loader_init(&l, a, buf, len, file, line0, RBC_MAX_NODES,
	    "front-matter", d);
	if ((n = load_stream(&l, 0, &docs)) == -1)
		return NULL;
	if (n > 0)
		return docs[0];
	root = ynew(a, Y_NULL);
	root->line = line0;
	root->col = 1;
	root->s = "";
	return root;
}

/* Every document of a YAML stream; see stages.h. */
long
yaml_load_all(struct arena *a, const char *buf, size_t len,
    const char *file, size_t max_nodes, const char *where,
    struct ynode ***docs, struct diags *d)
{
	struct loader l;

	loader_init(&l, a, buf, len, file, 1, max_nodes, where, d);
	*docs = NULL;
	return load_stream(&l, 1, docs);
}

/* ----------------------------------------------------- the runbook side */

/* Returns the length of the line at p (without its end), and its end. */
static size_t
line_len(const char *p, const char *end, const char **next)
{
	const char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t n;

	if (nl == NULL) {
		*next = end;
		n = (size_t)(end - p);
	} else {
		*next = nl + 1;
		n = (size_t)(nl - p);
	}
	if (n > 0 && p[n - 1] == '\r')
		n--;
	return n;
}

/* Returns 1 if the line is exactly the marker, trailing blanks allowed. */
static int
is_marker(const char *p, size_t n, const char *m)
{
	size_t k = strlen(m);

	if (n < k || memcmp(p, m, k) != 0)
		return 0;
	for (; k < n; k++)
		if (p[k] != ' ' && p[k] != '\t')
			return 0;
	return 1;
}

static char *
fm_string(struct runbook *r, struct site *s, const char *key)
{
	const struct ynode *v = ymap_get(r->fm, key);

	(void)s;
	if (v == NULL || v->type == Y_SEQ || v->type == Y_MAP ||
	    v->type == Y_NULL)
		return NULL;
	return arena_strndup(r->arena, v->s, v->slen);
}

/*
 * Finds the front-matter block of the text p..end (after any BOM): 0
 * when it has none; 1 with the block's text at *fm (to *close, its
 * closing marker's line), the body at *body, the closing marker's line
 * number in *line and whether it is TOML ("+++") in *toml; -1 when it
 * is not closed.
 */
static int
fm_block(const char *p, const char *end, const char **fm, const char **close,
    const char **body, int *line, int *toml)
{
	const char *next, *q;
	size_t n;

	n = line_len(p, end, &next);
	*toml = p != end && is_marker(p, n, "+++");
	if (p == end || (!*toml && !is_marker(p, n, "---")))
		return 0;
	*fm = next;
	for (q = next, *line = 2; q < end; q = next, (*line)++) {
		n = line_len(q, end, &next);
		if (*toml ? is_marker(q, n, "+++") : (is_marker(q, n, "---") ||
		    is_marker(q, n, "..."))) {
			*close = q;
			*body = next;
			return 1;
		}
	}
	return -1;
}

/*
 * The title a page's front-matter (YAML, or TOML between "+++" lines)
 * gives, copied into a, or NULL: a Hugo section page's (_index.md),
 * whose folder the index names by it.
 */
const char *
fm_title(struct arena *a, const char *buf, size_t len)
{
	const char *p = buf, *fm, *q, *body, *title = NULL;
	struct arena *tmp;
	struct diags d;
	struct ynode *y;
	int line, toml;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	if (fm_block(p, buf + len, &fm, &q, &body, &line, &toml) != 1 ||
	    (size_t)(q - fm) > RBC_MAX_FM)
		return NULL;
	tmp = arena_new();
	diags_init(&d, NULL);
	y = toml ? toml_load(tmp, fm, (size_t)(q - fm), "", 2, &d) :
	    yaml_load(tmp, fm, (size_t)(q - fm), "", 2, &d);
	if (y != NULL && y->type == Y_MAP && ystr(ymap_get(y, "title")) !=
	    NULL && *ystr(ymap_get(y, "title")) != '\0')
		title = arena_strdup(a, ystr(ymap_get(y, "title")));
	diags_free(&d);
	arena_free(tmp);
	return title;
}

/*
 * Splits the front-matter off r and loads it: r->fm, r->body_off,
 * r->body_line, and the scalar fields (id, title, summary, service,
 * owner) when present.  The parse text is r->raw, in which load.c has
 * already replaced invalid UTF-8 bytes.
 */
void
fm_parse(struct site *s, struct runbook *r)
{
	const char *data = r->raw.data, *end = r->raw.data + r->raw.len;
	const char *p = data, *fm, *q, *body;
	int line, toml, found;

	r->body_off = 0;
	r->body_line = 1;
	if (r->raw.len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3, r->body_off = 3;
	found = fm_block(p, end, &fm, &q, &body, &line, &toml);
	if (found == 0) {
		/* The home page's text is no runbook: none expected. */
		if (!r->home)
			diag_add(&r->diags, r->src.path, 1, 1,
			    R_FRONT_MATTER_MISSING,
			    "no front-matter: the schema is not applied");
		return;
	}
	if (found == -1) {
		diag_add(&r->diags, r->src.path, 1, 1, R_YAML_SYNTAX,
		    "front-matter is not terminated: no closing '%s' line",
		    toml ? "+++" : "---");
		return;
	}
	r->body_off = (size_t)(body - data);
	r->body_line = line + 1;
	if ((size_t)(q - fm) > RBC_MAX_FM) {
		diag_add(&r->diags, r->src.path, 1, 1, R_LIMIT,
		    "front-matter larger than %u bytes", RBC_MAX_FM);
		return;
	}
	r->fm = toml ? toml_load(r->arena, fm, (size_t)(q - fm), r->src.path,
	    2, &r->diags) : yaml_load(r->arena, fm, (size_t)(q - fm),
	    r->src.path, 2, &r->diags);
	r->fm_ok = r->fm != NULL;
	r->fm_toml = toml;
	if (r->fm != NULL && r->fm->type != Y_MAP && r->fm->type != Y_NULL) {
		diag_add(&r->diags, r->src.path, r->fm->line, r->fm->col,
		    R_SCHEMA, "front-matter must be a mapping of keys to "
		    "values");
		r->fm = NULL;
		r->fm_ok = 0;
	}
	if (r->fm != NULL && r->fm->type == Y_NULL) {
		struct ynode *m = ynew(r->arena, Y_MAP);
		m->line = 1;	/* the opening --- stands for an empty map */
		m->col = 1;
		r->fm = m;
	}
	if (r->fm == NULL)
		return;
	if ((r->id = fm_string(r, s, "id")) != NULL) {
		r->id_line = ymap_get(r->fm, "id")->line;
		r->id_col = ymap_get(r->fm, "id")->col;
	}
	r->title = fm_string(r, s, "title");
	r->summary = fm_string(r, s, "summary");
	r->service = fm_string(r, s, "service");
	r->owner = fm_string(r, s, "owner");
}
