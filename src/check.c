/*
 * Check: the rules a schema cannot express, run on each runbook after the
 * scan pass (links resolved, every id known).  Contacts, escalation,
 * thresholds, placeholders in front-matter and in the body's contacts
 * sections, mojibake, and the <!-- rbc-disable RULE --> comments that
 * silence one place.  Review dates live here too: the pages show them.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmark-gfm.h>

#include "rbc.h"

_Static_assert(R__MAX <= 32, "rule masks are 32 bits");

/* Returns days since 1970-01-01 of a valid YYYY-MM-DD, or -1. */
long
date_days(const char *s)
{
	int y, m, d;
	char extra;
	long era, yoe, doy, doe;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || y < 1970)
		return -1;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) ||
	    y % 400 == 0))
		return -1;
	/* Howard Hinnant's days_from_civil. */
	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Writes the YYYY-MM-DD of days since the epoch into out[11]. */
void
days_date(long z, char out[11])
{
	long era, doe, yoe, y, doy, mp, d, m;

	z += 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp + (mp < 10 ? 3 : -9);
	y += m <= 2;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y % 10000),
	    (unsigned)(m % 13), (unsigned)(d % 32));
}

/* Returns a duration (Nm, Nh, Nd, Nw) in minutes, or -1. */
long
duration_minutes(const char *s)
{
	char *end;
	long v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (v < 0 || v > 1000000 || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 'm':
		return v;
	case 'h':
		return v * 60;
	case 'd':
		return v * 1440;
	case 'w':
		return v * 10080;
	default:
		return -1;
	}
}

/* Sets r->review_by and r->stale from last_reviewed and review_every. */
static void
review(struct site *s, struct runbook *r)
{
	const struct ynode *lr = ymap_get(r->fm, "last_reviewed");
	const struct ynode *re = ymap_get(r->fm, "review_every");
	long from, every, today;
	char by[11];

	from = date_days(ystr(lr));
	every = duration_minutes(ystr(re));
	if (from < 0 || every < 0)
		return;
	days_date(from + every / 1440, by);
	r->review_by = arena_strdup(r->arena, by);
	today = date_days(s->today);
	if (today > from + every / 1440) {
		r->stale = 1;
		diag_add(&r->diags, r->src.path, lr->line, lr->col,
		    R_REVIEW_STALE, "review overdue: last reviewed %s, due "
		    "every %s, so by %s (today is %s)", lr->s, re->s, by,
		    s->today);
	}
}

