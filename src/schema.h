/*
 * The schema engine's parts (schema.c compiles and validates,
 * schema_format.c checks formats).
 */
#ifndef RBC_SCHEMA_H
#define RBC_SCHEMA_H

#include "stages.h"

enum fmt {
	F_NONE,
	F_DATE,
	F_EMAIL,
	F_URI,
	F_DURATION,
	F_PHONE
};

/* schema_format.c */
int	 isdigitc(int);		/* ASCII, in any locale */
int	 isalnumc(int);
int	 hex_val(int);		/* a hex digit's value, or -1 */
int	 fmt_ok(enum fmt, const char *, size_t);
enum fmt fmt_lookup(const char *name);
const char *fmt_what(enum fmt);

#endif /* RBC_SCHEMA_H */
