/*
 * The card's libraries, loaded when first wanted (cardlib.h says why).
 */
#define CARDLIB_SELF
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "cardlib.h"

struct cardlib cardlib;

/* Their sonames, as Debian's packages install them. */
static const char *const sonames[L__MAX] = {
	"libpangocairo-1.0.so.0", "libpango-1.0.so.0", "libcairo.so.2",
	"libgobject-2.0.so.0", "libqrencode.so.4", "libfontconfig.so.1",
	"libz.so.1"
};

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
