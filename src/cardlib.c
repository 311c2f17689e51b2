/*
 * The card's libraries, loaded when first wanted (cardlib.h says why).
 */
#define CARDLIB_SELF
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "cardlib.h"
#include "cardlib_sonames.h"	/* made by tools/sonames.sh */

struct cardlib cardlib;

/* Their sonames, in enum cardlib_lib's order, as this system has them. */
static const char *const sonames[L__MAX] = { CARDLIB_SONAMES };

/* Pango and Cairo, or not: what the fast path needs is only fontconfig,
 * libqrencode and zlib, a fraction of the mappings and constructors. */
static int
is_pango(int lib)
{
	return lib == L_PANGOCAIRO || lib == L_PANGO || lib == L_CAIRO ||
	    lib == L_GOBJECT;
}

/* Loads the libraries the stage wants (pango: all of them), once. */
static void
load(int pango)
{
	static int loaded[2];
	static void *h[L__MAX];
	const char *err;
	int k;

	if (loaded[pango])
		return;
	for (k = 0; k < L__MAX; k++) {
		if (h[k] != NULL || (is_pango(k) && !pango))
			continue;
		if ((h[k] = dlopen(sonames[k], RTLD_NOW | RTLD_LOCAL)) ==
		    NULL) {
			err = dlerror();
			fprintf(stderr, "rbc: cannot load %s, which cards need: "
			    "%s\n", sonames[k], err != NULL ? err : "?");
			exit(2);
		}
	}
#define X(lib, f)							\
	if (h[lib] != NULL &&						\
	    (*(void **)&cardlib.f = dlsym(h[lib], #f)) == NULL) {	\
		fprintf(stderr, "rbc: %s has no %s, which cards need\n",	\
		    sonames[lib], #f);					\
		exit(2);						\
	}
	CARDLIB_FUNCS
#undef X
	loaded[pango] = 1;
	if (pango)
		loaded[0] = 1;
}

void
cardlib_load(void)
{
	load(1);
}

void
cardlib_load_fast(void)
{
	load(0);
}
