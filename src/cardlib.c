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

void
cardlib_load(void)
{
	static int loaded;
	void *h[L__MAX];
	const char *err;
	int k;

	if (loaded)
		return;
	for (k = 0; k < L__MAX; k++)
		if ((h[k] = dlopen(sonames[k], RTLD_NOW | RTLD_LOCAL)) ==
		    NULL) {
			err = dlerror();
			fprintf(stderr, "rbc: cannot load %s, which cards need: "
			    "%s\n", sonames[k], err != NULL ? err : "?");
			exit(2);
		}
#define X(lib, f)							\
	if ((*(void **)&cardlib.f = dlsym(h[lib], #f)) == NULL) {	\
		fprintf(stderr, "rbc: %s has no %s, which cards need\n",	\
		    sonames[lib], #f);					\
		exit(2);						\
	}
	CARDLIB_FUNCS
#undef X
	loaded = 1;
}
