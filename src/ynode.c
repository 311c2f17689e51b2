/*
 * The YAML (and JSON) value model: making nodes, looking keys up,
 * comparing values.  frontmatter.c and json.c read text into it.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

/* Returns a new empty node of type t. */
struct ynode *
ynew(struct arena *a, enum ytype t)
{
	struct ynode *y = arena_calloc(a, 1, sizeof(*y));

	y->type = t;
	return y;
}

/* Returns a new quoted string node holding a copy of s. */
struct ynode *
ynew_str(struct arena *a, const char *s, size_t n)
{
	struct ynode *y = ynew(a, Y_STR);

	y->s = arena_strndup(a, s, n);
	y->slen = n;
	y->quoted = 1;
	return y;
}

struct ynode *
ynew_strz(struct arena *a, const char *s)
{
	return ynew_str(a, s, strlen(s));
}

/*
 * Returns a new quoted string node over s itself, not a copy: s (n bytes,
 * not necessarily NUL-terminated) must outlive the node.  For a page's
 * body, 12 kB that its context would otherwise copy once more.
 */
struct ynode *
ynew_ref(struct arena *a, const char *s, size_t n)
{
	struct ynode *y = ynew(a, Y_STR);

	y->s = s;
	y->slen = n;
	y->quoted = 1;
	return y;
}

struct ynode *
ynew_bool(struct arena *a, int b)
{
	struct ynode *y = ynew(a, Y_BOOL);

	y->b = b != 0;
	y->s = b ? "true" : "false";
	y->slen = strlen(y->s);
	return y;
}

struct ynode *
ynew_int(struct arena *a, long long v)
{
	struct ynode *y = ynew(a, Y_INT);
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;
	char tmp[32], *p = tmp + sizeof(tmp);

	/* What "%lld" writes, without printf (a table of contents makes
	 * one for every heading). */
	do {
		*--p = (char)('0' + u % 10);
	} while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	y->num = (double)v;
	y->slen = (size_t)(tmp + sizeof(tmp) - p);
	y->s = arena_strndup(a, p, y->slen);
	return y;
}

static void
ygrow_full(struct arena *a, struct ynode *y, int map)
{
	struct ynode **ni, **nk;
	size_t cap;

	cap = y->cap ? y->cap * 2 : 4;
	ni = arena_alloc(a, cap * sizeof(*ni));
	if (y->n)
		memcpy(ni, y->items, y->n * sizeof(*ni));
	y->items = ni;
	if (map) {
		nk = arena_alloc(a, cap * sizeof(*nk));
		if (y->n)
			memcpy(nk, y->keys, y->n * sizeof(*nk));
		y->keys = nk;
	}
	y->cap = cap;
}

/* Makes room for one more entry of y; the common case inline. */
static inline void
ygrow(struct arena *a, struct ynode *y, int map)
{
	if (y->n >= y->cap)
		ygrow_full(a, y, map);
}

void
yseq_push(struct arena *a, struct ynode *seq, struct ynode *v)
{
	ygrow(a, seq, 0);
	seq->items[seq->n++] = v;
}

/* Sets key to v, replacing an existing value. */
void
ymap_set(struct arena *a, struct ynode *map, const char *key,
    struct ynode *v)
{
	size_t i;

	for (i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->s, key) == 0) {
			map->items[i] = v;
			return;
		}
	ygrow(a, map, 1);
	map->keys[map->n] = ynew_strz(a, key);
	map->items[map->n++] = v;
}

/*
 * Appends key with v: for a map being built, which does not have key
 * yet, and a key that outlives the map (a template context's names).
 */
void
ymap_add(struct arena *a, struct ynode *map, const char *key,
    struct ynode *v)
{
	struct ynode *k = ynew(a, Y_STR);

	k->s = key;
	k->slen = strlen(key);
	k->quoted = 1;
	ymap_put(a, map, k, v);
}

/* Appends the pair k -> v to map, k a key scalar as read. */
void
ymap_put(struct arena *a, struct ynode *map, struct ynode *k,
    struct ynode *v)
{
	ygrow(a, map, 1);
	map->keys[map->n] = k;
	map->items[map->n++] = v;
}

void
ymap_setz(struct arena *a, struct ynode *map, const char *key,
    const char *s)
{
	if (s != NULL)
		ymap_set(a, map, key, ynew_strz(a, s));
}

/* Returns the value of key in map, or NULL. */
const struct ynode *
ymap_get(const struct ynode *map, const char *key)
{
	size_t i;

	if (map == NULL || map->type != Y_MAP)
		return NULL;
	for (i = 0; i < map->n; i++)
		if (map->keys[i]->s[0] == key[0] &&
		    strcmp(map->keys[i]->s, key) == 0)
			return map->items[i];
	return NULL;
}

/* Returns the text of a scalar (not null), or NULL. */
const char *
ystr(const struct ynode *y)
{
	if (y == NULL || y->type == Y_NULL || y->type == Y_SEQ ||
	    y->type == Y_MAP)
		return NULL;
	return y->s;
}

/* Returns 1 with *out set if y is a boolean, YAML 1.1 forms included. */
int
ybool(const struct ynode *y, int *out)
{
	static const char *const t[] = { "true", "yes", "on", "y", NULL };
	static const char *const f[] = { "false", "no", "off", "n", NULL };
	size_t i;

	if (y == NULL)
		return 0;
	if (y->type == Y_BOOL) {
		*out = y->b;
		return 1;
	}
	if (y->type != Y_STR || y->quoted)
		return 0;
	for (i = 0; t[i] != NULL; i++)
		if (strcasecmp(y->s, t[i]) == 0) {
			*out = 1;
			return 1;
		}
	for (i = 0; f[i] != NULL; i++)
		if (strcasecmp(y->s, f[i]) == 0) {
			*out = 0;
			return 1;
		}
	return 0;
}

/* Returns 1 if two keys are the same string. */
static int
same_key(const struct ynode *a, const struct ynode *b)
{
	return a->slen == b->slen && (a->slen == 0 ||
	    memcmp(a->s, b->s, a->slen) == 0);
}

/* Returns where map m has key k, trying place at first; m->n if nowhere. */
static size_t
key_at(const struct ynode *m, const struct ynode *k, size_t at)
{
	size_t j;

	if (at < m->n && same_key(m->keys[at], k))
		return at;
	for (j = 0; j < m->n; j++)
		if (same_key(m->keys[j], k))
			return j;
	return m->n;
}

/* Returns 1 if a and b are equal JSON values (1 equals 1.0; map key order
 * does not count). */
int
yequal(const struct ynode *a, const struct ynode *b)
{
	size_t i, j;

	if ((a->type == Y_INT || a->type == Y_FLOAT) &&
	    (b->type == Y_INT || b->type == Y_FLOAT))
		return a->num == b->num;
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case Y_NULL:
		return 1;
	case Y_BOOL:
		return !a->b == !b->b;
	case Y_STR:
		return a->slen == b->slen &&
		    (a->slen == 0 || memcmp(a->s, b->s, a->slen) == 0);
	case Y_SEQ:
		if (a->n != b->n)
			return 0;
		for (i = 0; i < a->n; i++)
			if (!yequal(a->items[i], b->items[i]))
				return 0;
		return 1;
	case Y_MAP:
		if (a->n != b->n)
			return 0;
		/* The same place first: a map with a duplicate key (an
		 * error, but loaded) matches its copy entry by entry. */
		for (i = 0; i < a->n; i++) {
			j = key_at(b, a->keys[i], i);
			if (j == b->n || !yequal(a->items[i], b->items[j]))
				return 0;
		}
		return 1;
	default:
		return 0;
	}
}

/* Returns the number of maps in the list at key of map (0 if none). */
size_t
ymaps(const struct ynode *map, const char *key)
{
	const struct ynode *v = ymap_get(map, key);
	size_t i, n = 0;

	for (i = 0; v != NULL && v->type == Y_SEQ && i < v->n; i++)
		n += v->items[i]->type == Y_MAP;
	return n;
}
