/*
 * Document model tests: yequal() (JSON equality: 1 equals 1.0, key order
 * does not count) and the compact copy a build keeps of the front-matter
 * (ynode_encode, ynode_decode), which must come back equal, duplicate keys included (the
 * fuzzer found yequal pairing a duplicate key with its first copy).
 * Prints PASS/FAIL per case and "N passed, N failed"; exits 1 on any
 * failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "harness.h"

/* Returns a map of n keys k[i] with string values v[i]. */
static struct ynode *
map_of(struct arena *a, const char *const *k, const char *const *v, size_t n)
{
	struct ynode *m = ynew(a, Y_MAP);
	size_t i;

	for (i = 0; i < n; i++)
		ymap_add(a, m, k[i], ynew_strz(a, v[i]));
	return m;
}

/* Returns y after ynode_encode and ynode_decode, in arena a. */
static struct ynode *
copied(struct arena *a, const struct ynode *y, struct buf *b)
{
	struct rd rd;

	buf_reset(b);
	ynode_encode(b, y);
	rd.p = (const unsigned char *)b->data;
	rd.end = rd.p + b->len;
	rd.a = a;
	rd.bad = 0;
	rd.inplace = 0;
	return ynode_decode(&rd, 0);
}

int
main(void)
{
	static const char *const k1[] = { "title", "owner", "title" };
	static const char *const v1[] = { "PostgreSQL failover", "team",
	    "Body" };
	static const char *const k2[] = { "owner", "title" };
	static const char *const v2[] = { "team", "x" };
	static const char *const v3[] = { "team", "y" };
	static const char *const k4[] = { "title", "owner" };
	static const char *const v4[] = { "x", "team" };
	struct arena *a = arena_new();
	struct buf b = { NULL, 0, 0 };
	struct ynode *dup, *one, *two, *three, *c, *i1, *f1;

	dup = map_of(a, k1, v1, 3);
	c = copied(a, dup, &b);
	CHECK(c != NULL && yequal(dup, c) && yequal(c, dup),
	    "ynode/duplicate-keys-survive-copy");
	one = map_of(a, k2, v2, 2);
	two = map_of(a, k4, v4, 2);
	three = map_of(a, k2, v3, 2);
	CHECK(yequal(one, two) && yequal(two, one),
	    "ynode/key-order-does-not-count");
	CHECK(!yequal(one, three), "ynode/different-values-differ");
	CHECK(!yequal(one, dup), "ynode/different-sizes-differ");
	i1 = ynew(a, Y_INT);
	i1->num = 1;
	i1->s = "1";
	i1->slen = 1;
	f1 = ynew(a, Y_FLOAT);
	f1->num = 1.0;
	f1->s = "1.0";
	f1->slen = 3;
	CHECK(yequal(i1, f1), "ynode/one-equals-one-point-zero");
	c = copied(a, one, &b);
	CHECK(c != NULL && yequal(one, c), "ynode/map-survives-copy");
	buf_free(&b);
	arena_free(a);
	return test_summary();
}
