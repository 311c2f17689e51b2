/*
 * The formats the schema asserts (date, email, uri, duration, phone): one
 * function each, and the table of their names.
 */
#include <stdlib.h>
#include <string.h>

#include "schema.h"


/* Returns 1 for an ASCII digit, in any locale. */
int
isdigitc(int c)
{
	return c >= '0' && c <= '9';
}

/* Returns 1 for an ASCII letter or digit, in any locale. */
int
isalnumc(int c)
{
	return isdigitc(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Returns the value of a hex digit, or -1. */
int
hex_val(int c)
{
	if (isdigitc(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* RFC 3339 full-date: YYYY-MM-DD, a real day (leap years counted). */
static int
fmt_date(const char *s, size_t n)
{
	char d[11];

	if (n != 10)
		return 0;
	memcpy(d, s, 10);
	d[10] = '\0';
	return date_valid(d);
}

/* An addr-spec: dot-atom or quoted local part, host name or [literal]. */
static int
fmt_email(const char *s, size_t n)
{
	const char *at = NULL, *p, *end = s + n;
	size_t lab;

	for (p = s; p < end; p++)
		if (*p == '@')
			at = p;
	if (at == NULL || at == s || at + 1 >= end || at - s > 64)
		return 0;
	if (s[0] == '"') {
		if (at - s < 2 || at[-1] != '"')
			return 0;
		for (p = s + 1; p < at - 1; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f ||
			    (*p == '"' && p[-1] != '\\'))
				return 0;
	} else {
		if (s[0] == '.' || at[-1] == '.')
			return 0;
		for (p = s; p < at; p++) {
			if (isalnumc(*p) || strchr("!#$%&'*+-/=?^_`{|}~",
			    *p) != NULL)
				continue;
			if (*p == '.' && p[1] != '.')
				continue;
			return 0;
		}
	}
	p = at + 1;
	if (*p == '[')
		return end[-1] == ']' && end - p > 2;
	if (end - p > 253)
		return 0;
	for (lab = 0; p < end; p++) {
		if (*p == '.') {
			if (lab == 0 || p[-1] == '-')
				return 0;
			lab = 0;
			continue;
		}
		if (!isalnumc(*p) && !(*p == '-' && lab > 0))
			return 0;
		if (++lab > 63)
			return 0;
	}
	return lab > 0 && end[-1] != '-';
}

/* An absolute URI (RFC 3986): scheme ":" and only URI characters. */
static int
fmt_uri(const char *s, size_t n)
{
	size_t i;
	int hash = 0;

	if (n == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return 0;
	for (i = 1; i < n && s[i] != ':'; i++)
		if (!isalnumc(s[i]) && s[i] != '+' && s[i] != '-' &&
		    s[i] != '.')
			return 0;
	if (i == n)
		return 0;
	for (i++; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (i + 2 >= n || hex_val(s[i + 1]) < 0 ||
			    hex_val(s[i + 2]) < 0)
				return 0;
			i += 2;
			continue;
		}
		if (c == '#' && hash++)
			return 0;
		if (c >= 0x80 || !(isalnumc(c) ||
		    strchr("-._~:/?#[]@!$&'()*+,;=", c) != NULL) || c == '\0')
			return 0;
	}
	return 1;
}

/* rbc's duration: [0-9]+[mhdw] (minutes, hours, days, weeks). */
static int
fmt_duration(const char *s, size_t n)
{
	size_t i;

	if (n < 2 || strchr("mhdw", s[n - 1]) == NULL || s[n - 1] == '\0')
		return 0;
	for (i = 0; i + 1 < n; i++)
		if (!isdigitc(s[i]))
			return 0;
	return 1;
}

/*
 * A dialable phone number: digits, spaces, "+" (leading only), "-", "(",
 * ")" and "."; at least 7 digits.  Letters, so also placeholders such as
 * "+1-XXX-XXX-XXXX" or "[Phone]", fail.
 */
static int
fmt_phone(const char *s, size_t n)
{
	size_t i, digits = 0;
	int seen = 0;

	for (i = 0; i < n; i++) {
		if (isdigitc(s[i]))
			digits++;
		else if (s[i] == '+') {
			if (seen)
				return 0;
		} else if (strchr(" -().", s[i]) == NULL || s[i] == '\0')
			return 0;
		if (s[i] != ' ')
			seen = 1;
	}
	return digits >= 7;
}

static const struct {
	const char	*name;
	enum fmt	 f;
	const char	*what;
} fmt_table[] = {
	{ "date", F_DATE, "a valid date (YYYY-MM-DD)" },
	{ "email", F_EMAIL, "a valid email address" },
	{ "uri", F_URI, "a valid URI" },
	{ "duration", F_DURATION, "a valid duration (a number and m, h, d "
	    "or w: 15m, 4h, 90d, 2w)" },
	{ "phone", F_PHONE, "a valid phone number" },
};

/* Returns 1 if s (n bytes) is valid for format f. */
int
fmt_ok(enum fmt f, const char *s, size_t n)
{
	switch (f) {
	case F_DATE:
		return fmt_date(s, n);
	case F_EMAIL:
		return fmt_email(s, n);
	case F_URI:
		return fmt_uri(s, n);
	case F_DURATION:
		return fmt_duration(s, n);
	case F_PHONE:
		return fmt_phone(s, n);
	default:
		return 1;
	}
}


/* Returns the format named name, or F_NONE for one rbc does not know. */
enum fmt
fmt_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fmt_table) / sizeof(fmt_table[0]); i++)
		if (strcmp(name, fmt_table[i].name) == 0)
			return fmt_table[i].f;
	return F_NONE;
}

/* Returns what a value of format f must be, for a message. */
const char *
fmt_what(enum fmt f)
{
	size_t i;

	for (i = 0; i < sizeof(fmt_table) / sizeof(fmt_table[0]); i++)
		if (fmt_table[i].f == f)
			return fmt_table[i].what;
	return "valid";
}
