/*
 * Dates and durations: the one home of the rules every stage and output
 * shares.  A date is YYYY-MM-DD, four digits, two, two, and a day of the
 * proleptic Gregorian calendar; a duration is Nm, Nh, Nd or Nw.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"

/* Returns 1 if s is a real YYYY-MM-DD date (digits, month, day, leap). */
int
date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	int i, y, mo, d;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return 0;
	y = atoi(s);
	mo = atoi(s + 5);
	d = atoi(s + 8);
	if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return 0;
	return !(mo == 2 && d == 29 &&
	    !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}

/* Returns days since 1970-01-01 of a valid YYYY-MM-DD, or -1. */
long
date_days(const char *s)
{
	long y, m, d, era, yoe, doy, doe;

	if (!date_valid(s))
		return -1;
	y = atol(s);
	m = atol(s + 5);
	d = atol(s + 8);
	if (y < 1970)
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


/*
 * Writes today's date (YYYY-MM-DD) into out: arg (--today) when given,
 * else SOURCE_DATE_EPOCH, else the clock; no other clock reading reaches
 * output.  Returns 0, or -1 with a message for a malformed one.
 */
int
today_date(const char *arg, char out[11])
{
	const char *sde;
	struct tm tm;
	time_t t;

	if (arg != NULL) {
		if (!date_valid(arg) || date_days(arg) < 0) {
			fprintf(stderr, "rbc: --today wants YYYY-MM-DD from "
			    "1970 on, not '%s'\n", arg);
			return -1;
		}
		memcpy(out, arg, 10);
		out[10] = '\0';
		return 0;
	}
	if ((sde = getenv("SOURCE_DATE_EPOCH")) != NULL && *sde != '\0') {
		char *end;
		long long v;

		errno = 0;
		v = strtoll(sde, &end, 10);
		if (!isdigit((unsigned char)*sde) || *end != '\0' ||
		    errno == ERANGE) {
			fprintf(stderr, "rbc: SOURCE_DATE_EPOCH is not a number "
			    "of seconds: '%s'\n", sde);
			return -1;
		}
		/* 9999-12-31T23:59:59Z: a date has four digits of year. */
		if (v > 253402300799LL) {
			fprintf(stderr, "rbc: SOURCE_DATE_EPOCH is past the "
			    "year 9999: '%s'\n", sde);
			return -1;
		}
		t = (time_t)v;
	} else
		t = time(NULL);
	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    tm.tm_year + 1900 < 1970 ||
	    strftime(out, 11, "%Y-%m-%d", &tm) != 10) {
		fprintf(stderr, "rbc: the clock's date is out of range\n");
		return -1;
	}
	return 0;
}
