/*
 * Extraction: what a plain runbook's text says that its front-matter
 * does not (SPEC §7).  Contacts, severity levels, escalation steps and
 * thresholds come from the tables, lists and heading blocks of the
 * sections whose headings name them; the owner and the review dates from
 * "Owner:", "Last updated:" and "Review schedule:" lines anywhere.  The
 * result has the front-matter's shape (struct ynode, each item at its
 * line in the body), so that every rule and every output takes it as it
 * takes front-matter.  Nothing is invented: what the text does not say
 * is left out, and a placeholder stays as written.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cmark-gfm.h>
#include <cmark-gfm-core-extensions.h>

#include "stages.h"

enum section {
	SEC_NONE,
	SEC_CONTACTS,
	SEC_SEVERITY,
	SEC_ESCALATION,
	SEC_THRESHOLDS,
	SEC_QUICKREF,
	SEC_FORMER		/* "Former contacts": nothing to read, nor
				 * from the heading above */
};

#define QUICK_MAX	8	/* commands read for the card, at most */

/* One extraction: the runbook, its arena, and the lists being filled. */
struct ex {
	struct runbook	*r;
	struct arena	*a;
	struct ynode	*contacts, *severity, *escalation, *thresholds;
	struct ynode	*esc_more;	/* a matrix's other severities' */
	struct ynode	*owner, *reviewed, *every;
	struct ynode	*next_review;	/* "Next review due: <date>" */
	char		*heads[7];	/* the headings above, by level */
	int		 levels[7];	/* their sections */
	int		 hline[7];	/* their lines */
	int		 h1_taken;	/* a later heading names the level-1
					 * heading's section itself */
	int		 want[SEC_FORMER];	/* sections worth reading */
	struct ynode	*quick;		/* quickref commands */
	char		*qlabel;	/* what the paragraph before a code
					 * block said it does */
	int		 want_meta;	/* owner, review lines */
	size_t		 esc_aside;	/* steps read from sentences outside
					 * an escalation section */
	int		 owner_team;	/* the owner is a "Team:" line's */
};

static void	meta_line(struct ex *, const char *, int);
static struct ynode *repeats(struct arena *, struct ynode *);
static void	put_notify(struct ex *, struct ynode *, const char *, int);
static char	*sev_name(const char *);
static void	escalation_prose(struct ex *, cmark_node *, enum section);
static void	step_contact(struct ex *, const char *, const char *, int);
static int	step_parts(struct ex *, const char *, int);
static char	*handover(const char *);
static const char *cover_at(const char *, size_t *);
static const char *contact_of(const struct ynode *, const char *);
static int	note_label(const char *);
static int	lead_name(const char *);
static int	ends_colon(const char *);
static void	cover_in(struct ex *, struct ynode *, const char *, int);
static void	map_drop(struct ynode *, const char *);
static int	has_reach(const struct ynode *);
static void	step_person(struct ex *, const char *, int);
static int	since_prev(const char *);
static char	*passive_who(const char *);
static void	aside_dups(struct ex *);
static int	who_is(const char *, const char *);
static int	name_like(const char *);
static int	has_word(const char *, const char *, size_t);
static void	after_prev(struct ex *, char [24]);
static int	esc_sla(const char *, const char *);
static char	*esc_when_cut(char *);
static int	gone(const char *);
static int	title_dot(const char *, const char *);
static void	person_role(struct ex *, struct ynode *, char *, int);
static int	step_label(const char *);
static char	*source_line(const struct ex *, int);
static void	first_call(struct ex *);
static void	person_table(struct ex *, cmark_node *);

/* ------------------------------------------------------------- text */

/* Returns 1 if the lower-case string l contains any of the (lower-case)
 * words of list. */
static int
has_any(const char *l, const char *const *list)
{
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if (strstr(l, list[i]) != NULL)
			return 1;
	return 0;
}

/*
 * The pairs of bytes a short lower-case text holds, as a 1024-bit set:
 * a phrase whose first two bytes are not in it is not in the text, and
 * a heading is tried against some two hundred phrases.
 */
struct pairs {
	uint64_t	 bit[16];
};

static void
pairs_of(struct pairs *p, const char *l)
{
	size_t h;

	memset(p, 0, sizeof(*p));
	for (; l[0] != '\0' && l[1] != '\0'; l++) {
		h = ((unsigned char)l[0] * 31u + (unsigned char)l[1]) & 1023;
		p->bit[h >> 6] |= (uint64_t)1 << (h & 63);
	}
}

/* has_any, with l's pairs: most phrases are ruled out by their first
 * two bytes. */
static int
has_any_in(const char *l, const struct pairs *p, const char *const *list)
{
	size_t i, h;

	for (i = 0; list[i] != NULL; i++) {
		if (list[i][0] == '\0' || list[i][1] == '\0')
			h = 0;
		else {
			h = ((unsigned char)list[i][0] * 31u +
			    (unsigned char)list[i][1]) & 1023;
			if (!(p->bit[h >> 6] & ((uint64_t)1 << (h & 63))))
				continue;
		}
		if (strstr(l, list[i]) != NULL)
			return 1;
	}
	return 0;
}

/* strcasestr for ASCII letters, without _GNU_SOURCE. */
static const char *
strcasestr_ascii(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, w, n) == 0)
			return s;
	return NULL;
}

static char *
lower(const char *s)
{
	char *l = xstrdup(s), *p;

	for (p = l; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return l;
}

/* Returns s with blanks, '*', '_' and ':' trimmed from both ends. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '*' || *s == '_')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '*' ||
	    e[-1] == '_' || e[-1] == ':' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* The plain text of node n, malloc'd. */
static char *
node_text(cmark_node *n)
{
	struct buf b = { NULL, 0, 0 };

	md_text(n, &b, 0);
	buf_cstr(&b);
	return buf_detach(&b);
}

/* The text of a list item's first block, malloc'd. */
static char *
item_text(cmark_node *item)
{
	cmark_node *c = cmark_node_first_child(item);

	return c != NULL && cmark_node_get_type(c) != CMARK_NODE_LIST ?
	    node_text(c) : xstrdup("");
}

/* The line in the file of node n. */
static int
node_line(const struct ex *x, cmark_node *n)
{
	int l = cmark_node_get_start_line(n);

	return l > 0 ? l + x->r->body_line - 1 : x->r->body_line;
}

static struct ynode *
str_at(struct ex *x, const char *s, size_t n, int line)
{
	struct ynode *y = ynew_str(x->a, s, n);

	y->line = line;
	y->col = 1;
	return y;
}

static void
put(struct ex *x, struct ynode *m, const char *key, const char *s,
    int line)
{
	if (s != NULL && *s != '\0')
		ymap_add(x->a, m, key, str_at(x, s, strlen(s), line));
}

static struct ynode *
item_at(struct ex *x, int line)
{
	struct ynode *m = ynew(x->a, Y_MAP);

	m->line = line;
	m->col = 1;
	return m;
}

/* ------------------------------------------------------- durations */

/*
 * Writes into out the duration that s states ("< 15 minutes" 15m, "1
 * hour" 1h, "immediately" 0m, "next business day" 1d); returns 1, or 0
 * if it states none.
 */
static int
duration_at(const char *s, char out[24], int other_too)
{
	static const struct {
		const char	*word;
		char		 unit;
		int		 mul;
	} units[] = {
		{ "second", 'm', 0 }, { "sec", 'm', 0 },
		{ "minute", 'm', 1 }, { "min", 'm', 1 }, { "mins", 'm', 1 },
		{ "m", 'm', 1 }, { "hour", 'h', 1 }, { "hr", 'h', 1 },
		{ "hrs", 'h', 1 }, { "h", 'h', 1 }, { "day", 'd', 1 },
		{ "d", 'd', 1 }, { "week", 'w', 1 }, { "wk", 'w', 1 },
		{ "w", 'w', 1 }, { "month", 'd', 30 },
		{ "minuten", 'm', 1 }, { "minutos", 'm', 1 },
		{ "stunden", 'h', 1 }, { "stunde", 'h', 1 },
		{ "heure", 'h', 1 }, { "heures", 'h', 1 }, { "jour", 'd', 1 },
		{ "jours", 'd', 1 },
		{ "horas", 'h', 1 }, { "hora", 'h', 1 }, { "tage", 'd', 1 },
		{ "tag", 'd', 1 }, { "d\xc3\xad" "as", 'd', 1 },
		{ "minuti", 'm', 1 }, { "ore", 'h', 1 }, { "ora", 'h', 1 },
		{ "uur", 'h', 1 }, { "uren", 'h', 1 }, { "dagen", 'd', 1 },
		{ "giorni", 'd', 1 }, { "dias", 'd', 1 },
		/* Japanese: \xe5\x88\x86 minutes, \xe6\x99\x82\xe9\x96\x93 hours, \xe6\x97\xa5 days */
		{ "\xe5\x88\x86", 'm', 1 }, { "\xe6\x99\x82\xe9\x96\x93", 'h', 1 },
		{ "\xe6\x97\xa5", 'd', 1 },
	};
	char *l = lower(s);
	const char *p, *imm = NULL;
	size_t i, n;
	long v;

	/* "at once for any Level 1, otherwise after 2 hours": the time
	 * of the usual case. */
	{
		static const char *const other[] = { "otherwise ",
		    "sinon ", "sonst ", "altrimenti ", NULL };
		for (i = 0; other_too && other[i] != NULL; i++)
			if ((p = strstr(l, other[i])) != NULL &&
			    duration_at(p + strlen(other[i]), out, 0) &&
			    strcmp(out, "0m") != 0) {
				free(l);
				return 1;
			}
	}

	/* "immediately": 0m, unless a time comes first ("after 1 hour, or
	 * immediately if the ED is affected"). */
	{
		static const char *const now[] = { "immediate", "asap",
		    "at once", "straight away", "right away", "sofort",
		    "inmediat", "imediat", "subito",
		    "\xe5\x8d\xb3\xe6\x99\x82", NULL };
		for (i = 0; now[i] != NULL; i++)
			if ((p = strstr(l, now[i])) != NULL &&
			    (imm == NULL || p < imm))
				imm = p;
		/* Dutch "direct", not "Director" */
		for (p = l; (p = strstr(p, "direct")) != NULL; p++)
			if ((p == l || !isalpha((unsigned char)p[-1])) &&
			    !isalpha((unsigned char)p[6])) {
				if (imm == NULL || p < imm)
					imm = p;
				break;
			}
	}
	if (strstr(l, "next business day") != NULL ||
	    strstr(l, "next working day") != NULL ||
	    strstr(l, "\xe7\xbf\x8c\xe5\x96\xb6\xe6\xa5\xad\xe6\x97\xa5") != NULL ||
	    strstr(l, "dia \xc3\xbatil") != NULL ||
	    strstr(l, "giorno lavorativo") != NULL ||
	    strstr(l, "volgende werkdag") != NULL ||
	    strstr(l, "jour ouvr") != NULL ||
	    strstr(l, "werktag") != NULL ||
	    strstr(l, "siguiente d\xc3\xad" "a h\xc3\xa1" "bil") != NULL) {
		strcpy(out, "1d");
		free(l);
		return 1;
	}
	for (p = l; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p) || (p > l &&
		    (isalnum((unsigned char)p[-1]) || p[-1] == '.')))
			continue;
		if (imm != NULL && imm < p)
			break;
		v = strtol(p, (char **)&p, 10);
		if (*p == '.' || *p == ',')
			continue;	/* a fraction, a number not a time */
		/* "fifteen (15) minutes" */
		if (*p == ')' && p - l >= 2 && strchr(l, '(') != NULL)
			p++;
		while (*p == ' ' || *p == '-')
			p++;
		/* "3 business days", "2 working days" */
		if (strncmp(p, "business ", 9) == 0)
			p += 9;
		else if (strncmp(p, "working ", 8) == 0)
			p += 8;
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			n = strlen(units[i].word);
			if (strncmp(p, units[i].word, n) != 0 ||
			    (isalpha((unsigned char)p[n]) &&
			    !(p[n] == 's' && !isalpha((unsigned char)p[n + 1]))))
				continue;
			/* "00 d\xc3\xa8s le d\xc3\xa9but": a word, not a unit. */
			if ((unsigned char)units[i].word[0] < 0x80 &&
			    (unsigned char)p[n] >= 0x80)
				continue;
			if (units[i].mul == 0)
				break;	/* seconds: not a response time */
			snprintf(out, 24, "%ld%c", v * units[i].mul,
			    units[i].unit);
			free(l);
			return 1;
		}
		p--;
	}
	if (imm != NULL) {
		strcpy(out, "0m");
		free(l);
		return 1;
	}
	/* "fifteen minutes", "one hour", "two hours later" */
	{
		static const struct {
			const char	*w;
			int		 v;
		} nums[] = {
			{ "one", 1 }, { "two", 2 }, { "three", 3 },
			{ "four", 4 }, { "five", 5 }, { "six", 6 },
			{ "eight", 8 }, { "ten", 10 }, { "twelve", 12 },
			{ "fifteen", 15 }, { "twenty", 20 }, { "thirty", 30 },
			{ "forty-five", 45 }, { "forty five", 45 },
			{ "sixty", 60 }, { "ninety", 90 }
		};
		const char *best = NULL, *q;
		long bv = 0;
		char bu = 'm';

		for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
			for (q = l; (q = strstr(q, nums[i].w)) != NULL; q++) {
				const char *u = q + strlen(nums[i].w);
				if ((q > l && isalpha((unsigned char)q[-1])) ||
				    (*u != ' ' && *u != '-'))
					continue;
				u++;
				if ((strncmp(u, "min", 3) == 0 ||
				    strncmp(u, "hour", 4) == 0) &&
				    (best == NULL || q < best)) {
					best = q;
					bu = *u;
					bv = nums[i].v;
				}
				break;
			}
		if (best != NULL) {
			snprintf(out, 24, "%ld%c", bv, bu == 'h' ? 'h' : 'm');
			free(l);
			return 1;
		}
	}
	/* "within half an hour", "after an hour"; "dopo un'ora", "em
	 * meia hora", "en una hora", "nach einer Stunde", "na een uur". */
	{
		static const struct {
			const char	*w;
			const char	*d;
		} spans[] = {
			{ "half an hour", "30m" }, { "mezz'ora", "30m" },
			{ "mezz\xe2\x80\x99ora", "30m" }, { "meia hora", "30m" },
			{ "media hora", "30m" }, { "demi-heure", "30m" },
			{ "halbe stunde", "30m" }, { "half uur", "30m" },
			{ "an hour", "1h" }, { "another hour", "1h" },
			{ "un'ora", "1h" }, { "un\xe2\x80\x99ora", "1h" },
			{ "uma hora", "1h" }, { "una hora", "1h" },
			{ "une heure", "1h" }, { "einer stunde", "1h" },
			{ "eine stunde", "1h" }, { "een uur", "1h" },
		};
		for (i = 0; i < sizeof(spans) / sizeof(spans[0]); i++)
			for (p = l; (p = strstr(p, spans[i].w)) != NULL; p++)
				if (p == l || p[-1] == ' ') {
					strcpy(out, spans[i].d);
					free(l);
					return 1;
				}
	}
	free(l);
	return 0;
}

/* Writes into out the duration s states (duration_at), its "otherwise"
 * read too. */
static int
duration(const char *s, char out[24])
{
	return duration_at(s, out, 1);
}

/* ----------------------------------------------------------- dates */

static int
month_of(const char *s)
{
	static const char *const m[] = { "jan", "feb", "mar", "apr", "may",
	    "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
	/* Spanish's and German's other first letters: enero, abril,
	 * agosto, diciembre; Mai, Oktober, Dezember, M\xc3\xa4rz. */
	static const struct {
		const char	*s;
		int		 m;
	} other[] = { { "ene", 1 }, { "abr", 4 }, { "ago", 8 },
	    { "dic", 12 }, { "mai", 5 }, { "okt", 10 }, { "dez", 12 },
	    { "m\xc3\xa4r", 3 }, { "M\xc3\xa4r", 3 },
	    /* Italian, Portuguese, Dutch, French */
	    { "gen", 1 }, { "mag", 5 }, { "giu", 6 }, { "lug", 7 },
	    { "set", 9 }, { "ott", 10 }, { "fev", 2 }, { "out", 10 },
	    { "maa", 3 }, { "mei", 5 }, { "f\xc3\xa9v", 2 }, { "F\xc3\xa9v", 2 },
	    { "avr", 4 }, { "juin", 6 }, { "juil", 7 }, { "ao\xc3\xbb", 8 },
	    { "d\xc3\xa9" "c", 12 }, { "D\xc3\xa9" "c", 12 } };
	int i;

	for (i = 0; i < 12; i++)
		if (strncasecmp(s, m[i], 3) == 0)
			return i + 1;
	for (i = 0; i < (int)(sizeof(other) / sizeof(other[0])); i++)
		if (strncasecmp(s, other[i].s, strlen(other[i].s)) == 0)
			return other[i].m;
	return 0;
}

/*
 * Writes into out the date s states, as YYYY-MM-DD: 2024-12-13,
 * "December 13, 2024", "13 December 2024", "5 de febrero de 2026",
 * "12.03.2026" (day first), "13/12/2024" (day first, the
 * common form outside the US; month first when the first number is over
 * 12... the other way round when the second is), "October 2025" (its first
 * day); returns 1, or 0 for none.
 */
static int
date_of(const char *s, char out[11])
{
	const char *p;
	int y = 0, m = 0, d = 0, a, b, c;

	for (p = s; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p) && (p == s ||
		    !isdigit((unsigned char)p[-1]))) {
			if (sscanf(p, "%4d-%2d-%2d", &y, &m, &d) == 3 &&
			    y > 1900)
				goto found;
			/* 2026\xe5\xb9\xb410\xe6\x9c\x8819\xe6\x97\xa5 */
			if (sscanf(p, "%4d\xe5\xb9\xb4%d\xe6\x9c\x88%d", &y, &m,
			    &d) == 3 && y > 1900)
				goto found;
			/* 14-09-2026, 12.03.2026: day first, as where it
			 * is written. */
			if ((sscanf(p, "%d-%d-%d", &a, &b, &c) == 3 ||
			    sscanf(p, "%d.%d.%d", &a, &b, &c) == 3) &&
			    c > 1900 && a >= 1 && a <= 31 && b >= 1 &&
			    b <= 12) {
				y = c;
				d = a, m = b;
				goto found;
			}
			if (sscanf(p, "%d/%d/%d", &a, &b, &c) == 3 &&
			    c > 1900) {
				y = c;
				d = a, m = b;
				/* "11/10/2026 (US date)", "(MM/DD/YYYY)":
				 * month first, as it says. */
				if ((m > 12 && d <= 12) || ((strstr(s, "US") !=
				    NULL || strcasestr_ascii(s, "mm/dd") !=
				    NULL) && b <= 31 && a <= 12))
					d = b, m = a;
				goto found;
			}
			if (sscanf(p, "%d", &a) == 1 && a >= 1 && a <= 31) {
				const char *q = p;
				while (isdigit((unsigned char)*q))
					q++;
				while (*q == ' ' || *q == '.')
					q++;
				/* "5 de febrero de 2026" */
				if (strncasecmp(q, "de ", 3) == 0)
					q += 3;
				if ((m = month_of(q)) != 0) {
					while (isalpha((unsigned char)*q) ||
					    (unsigned char)*q >= 0x80)
						q++;
					while (*q == ' ' || *q == ',' ||
					    *q == '.')
						q++;
					if (strncasecmp(q, "de ", 3) == 0)
						q += 3;
					if (sscanf(q, "%4d", &y) == 1 &&
					    y > 1900) {
						d = a;
						goto found;
					}
				}
			}
		}
		if (isalpha((unsigned char)*p) && (p == s ||
		    !isalpha((unsigned char)p[-1])) && (m = month_of(p)) != 0) {
			const char *q = p;
			while (isalpha((unsigned char)*q))
				q++;
			while (*q == ' ' || *q == '.')
				q++;
			if (sscanf(q, "%d, %4d", &d, &y) == 2 && y > 1900 &&
			    d >= 1 && d <= 31)
				goto found;
			if (sscanf(q, "%d %4d", &d, &y) == 2 && y > 1900 &&
			    d >= 1 && d <= 31)
				goto found;
			if (sscanf(q, "%4d", &y) == 1 && y > 1900) {
				d = 1;
				goto found;
			}
		}
	}
	return 0;
found:
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return 0;
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)y % 10000u,
	    (unsigned)m % 100u, (unsigned)d % 100u);
	return date_valid(out);
}

/* Writes the review interval s states ("monthly", "+ 3 months"); 1 or 0. */
static int
every_of(const char *s, char out[24])
{
	static const struct {
		const char	*word;
		int		 days;
	} words[] = {
		{ "daily", 1 }, { "weekly", 7 }, { "fortnight", 14 },
		{ "biweekly", 14 }, { "monthly", 30 }, { "quarter", 90 },
		{ "half-year", 180 }, { "semi-annual", 180 },
		{ "biannual", 180 }, { "annual", 365 }, { "yearly", 365 },
		{ "every year", 365 },
	};
	char *l = lower(s), *p;
	size_t i;
	long v;

	for (p = l; *p != '\0'; ) {
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		/* p ends past the number and its blanks: never past the
		 * NUL (the loop steps no further). */
		v = strtol(p, &p, 10);
		while (*p == ' ')
			p++;
		if (strncmp(p, "month", 5) == 0)
			snprintf(out, 24, "%ldd", v * 30);
		else if (strncmp(p, "week", 4) == 0)
			snprintf(out, 24, "%ldw", v);
		else if (strncmp(p, "day", 3) == 0)
			snprintf(out, 24, "%ldd", v);
		else if (strncmp(p, "year", 4) == 0)
			snprintf(out, 24, "%ldd", v * 365);
		else
			continue;
		free(l);
		return 1;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(l, words[i].word) != NULL) {
			snprintf(out, 24, "%dd", words[i].days);
			free(l);
			return 1;
		}
	free(l);
	return 0;
}

/* -------------------------------------------------------- sections */

/* Returns the section a heading's text names. */
static enum section
section_of(const char *text)
{
	static const char *const sev[] = { "severi", "priority level",
	    "priorities", "incident level", "incident classification",
	    "incident categor", "incident priorit", "sevs",
	    "classification of incident", "incident class",
	    "sev level", "impact level", "schwere", "gravit", "criticit",
	    "gravedad", "prioriteit", "prioridade", "priorit\xc3\xa0",
	    "ernst", "\xe9\x87\x8d\xe5\xa4\xa7\xe5\xba\xa6",
	    "\xe6\xb7\xb1\xe5\x88\xbb\xe5\xba\xa6",
	    "\xe5\x84\xaa\xe5\x85\x88\xe5\xba\xa6", NULL };
	static const char *const esc[] = { "escalat", "eskal", "escala",
	    "gets paged", "paging order", "who to page", "page order",
	    "call order", "support tiers", "escalation tiers", "escalonamento",
	    "\xe3\x82\xa8\xe3\x82\xb9\xe3\x82\xab\xe3\x83\xac\xe3\x83\xbc\xe3\x82\xb7\xe3\x83\xa7\xe3\x83\xb3",
	    NULL };
	static const char *const con[] = { "contact", "on-call", "oncall",
	    "on call", "who to call", "people", "phone", "rotation",
	    "getting help", "get help", "who to ask",
	    "responders", "ansprech", "bereitschaft", "guardia", "paging",
	    "who to ring", "who to phone", "call tree", "call list",
	    "phone list",
	    "pagerduty", "opsgenie", "contatti", "contactos", "contatos",
	    "contacten", "contactpersonen", "chi chiamare", "reperibil",
	    "plant\xc3\xa3o", "primeiro contacto", "who's who",
	    "who\xe2\x80\x99s who", "who is who", "key people", "astreinte",
	    "interlocuteur", "telefon", "tel\xc3\xa9" "fon",
	    "t\xc3\xa9l\xc3\xa9phon",
	    "\xe9\x80\xa3\xe7\xb5\xa1\xe5\x85\x88",
	    "\xe3\x82\xaa\xe3\x83\xb3\xe3\x82\xb3\xe3\x83\xbc\xe3\x83\xab",
	    NULL };
	static const char *const thr[] = { "threshold", "alert", "metric",
	    "slo", "sli", "baseline", "limits", "kpi", "umbral", "schwell",
	    "seuil", "grenzwert", "alarm", "setpoint", "set point", "soglie",
	    "soglia", "limiar", "grenswaarde", "drempel",
	    "\xe3\x81\x97\xe3\x81\x8d\xe3\x81\x84\xe5\x80\xa4",
	    "\xe9\x96\xbe\xe5\x80\xa4", NULL };
	static const char *const quick[] = { "quick reference", "quick ref",
	    "quickref", "cheat sheet", "cheatsheet", "useful commands",
	    "common commands", "handy commands", "key commands",
	    "commands", "mitigation", "remediation", "quick fix",
	    NULL };
	/* People who are no longer to be called. */
	static const char *const former[] = { "former", "previous",
	    "past contact", "ehemalig", "antiguo", "anteriores", "ancien",
	    "no longer", "alumni", "moved on", "do not call", "don't call",
	    "nicht mehr", "left the", "not contact", "not a contact",
	    "never call", "not to call", "do not page", "test number",
	    "test phone", "synthetic", "example number", "dummy", NULL };
	enum section s = SEC_NONE;
	char *l = lower(text);
	struct pairs pr;

	pairs_of(&pr, l);

	if (has_any_in(l, &pr, former))
		s = SEC_FORMER;
	else if (has_any_in(l, &pr, esc))
		s = SEC_ESCALATION;
	else if (has_any_in(l, &pr, sev) || strcmp(trim(l), "sev") == 0 ||
	    strcmp(trim(l), "prio") == 0)
		s = SEC_SEVERITY;
	else if (has_any_in(l, &pr, con) || strcmp(trim(l), "who") == 0)
		s = SEC_CONTACTS;
	else if (has_any_in(l, &pr, thr))
		s = SEC_THRESHOLDS;
	else if (has_any_in(l, &pr, quick))
		s = SEC_QUICKREF;
	free(l);
	return s;
}

/* The section of what is under the headings x has seen: the nearest one
 * that names one; its heading's text in *head. */
static enum section
current(const struct ex *x, const char **head)
{
	int i, under = 0;

	for (i = 6; i >= 1; i--) {
		if (x->heads[i] != NULL && x->levels[i] != SEC_NONE) {
			/* "# Escalation policy", "## Escalation", "## Handover":
			 * the handover is no escalation. */
			if ((i == 1 && under && x->h1_taken) ||
			    x->levels[i] == SEC_FORMER)
				break;
			*head = x->heads[i];
			return x->want[x->levels[i]] ? (enum section)x->levels[i] :
			    SEC_NONE;
		}
		under |= x->heads[i] != NULL;
	}
	*head = NULL;
	return SEC_NONE;
}

/* The nearest heading's text (a heading block's: "### On-call SRE"). */
static const char *
nearest(const struct ex *x, int *level)
{
	int i;

	for (i = 6; i >= 1; i--)
		if (x->heads[i] != NULL) {
			*level = i;
			return x->heads[i];
		}
	*level = 0;
	return NULL;
}

/* -------------------------------------------------------- contacts */

enum field {
	F_NONE,
	F_ROLE,
	F_NAME,
	F_PHONE,
	F_EMAIL,
	F_CHAT,
	F_URL,
	F_PAGER		/* what to page in a paging tool */
};

/* Returns 1 if s is dashes only ("-", "\xe2\x80\x93", "\xe2\x80\x94"): a
 * table's way of saying "none". */
static int
dashes(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0')
		return 0;
	while (*p != '\0')
		if (*p == '-' || *p == ' ')
			p++;
		else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0x93 ||
		    p[2] == 0x94))
			p += 3;
		else
			return 0;
	return 1;
}

/* Returns 1 if a word of the lower-cased s begins with w. */
static int
word_at(const char *s, const char *w)
{
	const char *p;

	for (p = s; (p = strstr(p, w)) != NULL; p++)
		if (p == s || !isalpha((unsigned char)p[-1]))
			return 1;
	return 0;
}

/* Returns 1 if in lower-case l the role word w comes before any word of
 * a way to reach ("Engineer's mobile", "Manager phone"). */
static int
reach_first(const char *l, const char *w)
{
	static const char *const reach[] = { "phone", "mobile", "tel",
	    "cell", "pager", "mail", "slack", "chat", "number", NULL };
	const char *pw = strstr(l, w), *p;
	size_t i;

	for (i = 0; reach[i] != NULL; i++)
		if ((p = strstr(l, reach[i])) != NULL && p > pw)
			return 1;
	return 0;
}

/* The field a label or column head names ("Phone", "E-mail", "Slack"). */
static enum field
field_of(const char *label)
{
	static const char *const phone[] = { "phone", "mobile", "tel",
	    "telef", "teleph", "t\xc3\xa9l\xc3\xa9ph", "number", "cell",
	    "pager", "handy", "m\xc3\xb3vil", "hotline", "support line",
	    "cellulare", "celular", "mobiel", "\xe9\x9b\xbb\xe8\xa9\xb1",
	    "\xe6\x90\xba\xe5\xb8\xaf", NULL };
	static const char *const email[] = { "mail", "e-mail", "correo",
	    "\xe3\x83\xa1\xe3\x83\xbc\xe3\x83\xab", NULL };
	static const char *const chat[] = { "slack", "chat", "channel",
	    "handle", "teams", "irc", "matrix", NULL };
	static const char *const url[] = { "url", "website", "link",
	    "portal", NULL };
	static const char *const who[] = { "lead", "manager", "engineer",
	    "captain", "officer", "director", "head of", "supervisor",
	    "analyst", "administrator", "coordinator", NULL };
	static const char *const role[] = { "role", "rol", "rolle",
	    "position", "team", "title", "function", "funktion", "functie",
	    "funzione", "fun\xc3\xa7\xc3\xa3o", "ruolo", "who", "wie",
	    "\xe5\xbd\xb9\xe5\x89\xb2", "\xe6\x8b\x85\xe5\xbd\x93",
	    "chi", "quem", "contact", "person", "ansprech", NULL };
	char *l = lower(label);
	enum field f = F_NONE;
	size_t i;
	int person = 0;

	/* "PagerDuty", "Paging": what to page, not a number. */
	if (word_at(l, "pagerduty") || word_at(l, "opsgenie") ||
	    word_at(l, "paging") || strstr(l, "escalation policy") != NULL)
		f = F_PAGER;
	/* "Mobile lead", "Telemetry engineer": a person's role that
	 * begins with a field's word, no field ("Engineer's mobile" is
	 * one). */
	for (i = 0; who[i] != NULL && f == F_NONE && !person; i++)
		person = word_at(l, who[i]) && !reach_first(l, who[i]);
	for (i = 0; phone[i] != NULL && f == F_NONE && !person; i++)
		if (strcmp(phone[i], "tel") == 0 ? has_word(l, "tel", 3) :
		    word_at(l, phone[i]))
			f = F_PHONE;
	for (i = 0; email[i] != NULL && f == F_NONE && !person; i++)
		if (word_at(l, email[i]) || strstr(l, "mail") != NULL)
			f = F_EMAIL;
	for (i = 0; chat[i] != NULL && f == F_NONE && !person; i++)
		if (word_at(l, chat[i]) && strstr(l, "radio") == NULL)
			f = F_CHAT;
	for (i = 0; url[i] != NULL && f == F_NONE && !person; i++)
		if (word_at(l, url[i]))
			f = F_URL;
	if (f == F_NONE && (strcmp(trim(l), "name") == 0 ||
	    strcmp(trim(l), "nombre") == 0 || strcmp(trim(l), "nom") == 0 ||
	    strcmp(trim(l), "naam") == 0 || strcmp(trim(l), "nome") == 0 ||
	    strcmp(trim(l), "\xe6\xb0\x8f\xe5\x90\x8d") == 0 ||
	    strcmp(trim(l), "\xe5\x90\x8d\xe5\x89\x8d") == 0 ||
	    word_at(l, "name") ||
	    word_at(l, "vendor") || word_at(l, "provider") ||
	    word_at(l, "supplier")))
		f = F_NAME;
	for (i = 0; role[i] != NULL && f == F_NONE; i++)
		if (word_at(l, role[i]))
			f = strcmp(role[i], "contact") == 0 ||
			    strcmp(role[i], "who") == 0 ||
			    strcmp(role[i], "wie") == 0 ||
			    strcmp(role[i], "chi") == 0 ||
			    strcmp(role[i], "quem") == 0 ||
			    strcmp(role[i], "person") == 0 ? F_NAME : F_ROLE;
	free(l);
	return f;
}

/* Returns 1 if v is a date ("2027-01-05", "05.01.2027", "1/5/2027"),
 * which no phone number is. */
static int
date_like(const char *v)
{
	int part[3] = { 0, 0, 0 }, k = 0;
	char sep = 0;

	for (; *v != '\0'; v++) {
		if (isdigit((unsigned char)*v)) {
			part[k]++;
			continue;
		}
		if (*v != '-' && *v != '.' && *v != '/')
			return 0;
		if ((sep != 0 && *v != sep) || part[k] == 0 || k == 2)
			return 0;
		sep = *v;
		k++;
	}
	if (k != 2)
		return 0;
	return (part[0] == 4 && part[1] <= 2 && part[2] <= 2) ||
	    (part[0] <= 2 && part[1] <= 2 && (part[2] == 4 || part[2] == 2));
}

/* The field a value looks like, whatever its label. */
static enum field
looks(const char *v)
{
	size_t digits = 0, xs = 0, i, n = strlen(v);
	char *l;
	enum field f = F_NONE;

	if (n == 0)
		return F_NONE;
	if (v[0] == '[' || v[0] == '<') {
		l = lower(v);
		if (strstr(l, "phone") || strstr(l, "number") ||
		    strstr(l, "mobile"))
			f = F_PHONE;
		else if (strstr(l, "mail"))
			f = F_EMAIL;
		else if (strstr(l, "slack") || strstr(l, "handle") ||
		    strstr(l, "channel"))
			f = F_CHAT;
		else if (strstr(l, "name"))
			f = F_NAME;
		free(l);
		/* "[Account ID]": a placeholder of no contact detail. */
		return f;
	}
	if (strncmp(v, "http://", 7) == 0 || strncmp(v, "https://", 8) == 0)
		return F_URL;
	/* "#payments-oncall": a channel is lower-case, with a letter
	 * (Slack's rule); "#K0123456" or "#4521" is a number of something
	 * else, a chat channel only where its column says so. */
	if (v[0] == '#' && n > 1 && strchr(v, ' ') == NULL) {
		int lower_seen = 0, upper_seen = 0;

		for (i = 1; i < n; i++) {
			lower_seen |= islower((unsigned char)v[i]) != 0;
			upper_seen |= isupper((unsigned char)v[i]) != 0;
		}
		return lower_seen && !upper_seen ? F_CHAT : F_NONE;
	}
	if (v[0] == '@' && n > 1 && strchr(v, ' ') == NULL)
		return F_CHAT;
	if (strchr(v, '@') != NULL && strchr(v, ' ') == NULL &&
	    strchr(strchr(v, '@'), '.') != NULL)
		return F_EMAIL;
	for (i = 0; i < n; i++) {
		if (isdigit((unsigned char)v[i]))
			digits++;
		else if (v[i] == 'X' || v[i] == 'x')
			xs++;
		else if (!strchr(" +-().", v[i]))
			return F_NAME;
	}
	if (digits + xs >= 7 && digits >= 1 && !date_like(v))
		return F_PHONE;
	return F_NONE;
}

/* Makes a contact id of a role or name: "On-call SRE" on-call-sre. */
static char *
contact_id(struct ex *x, const char *s)
{
	char buf[64], *id;
	size_t i, k = 0, n, j;
	int dash = 0;

	for (i = 0; s[i] != '\0' && k + 1 < sizeof(buf); i++) {
		unsigned char c = (unsigned char)s[i];
		if (isalnum(c)) {
			buf[k++] = (char)tolower(c);
			dash = 0;
		} else if (!dash && k > 0) {
			buf[k++] = '-';
			dash = 1;
		}
	}
	while (k > 0 && buf[k - 1] == '-')
		k--;
	if (k == 0)
		memcpy(buf, "contact", k = 7);
	buf[k] = '\0';
	id = arena_strdup(x->a, buf);
	/* Unique within the runbook. */
	for (j = 2;; j++) {
		for (n = 0; n < x->contacts->n; n++)
			if (strcmp(ystr(ymap_get(x->contacts->items[n], "id")),
			    id) == 0)
				break;
		if (n == x->contacts->n)
			return id;
		snprintf(buf + (k < 50 ? k : 50), 14, "-%zu", j);
		id = arena_strdup(x->a, buf);
	}
}

/* Returns the number of digits in s (0 for NULL). */
static size_t
digit_count(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += isdigit((unsigned char)*s) != 0;
	return n;
}

/* put, of the first n bytes of v. */
static void
put_n(struct ex *x, struct ynode *m, const char *key, const char *v,
    size_t n, int line)
{
	char *t = xstrndup(v, n);

	put(x, m, key, t, line);
	free(t);
}

static void
set_field(struct ex *x, struct ynode *c, enum field f, const char *v,
    int line)
{
	static const char *const key[] = { NULL, "role", "name", "phone",
	    "email", "chat", "url", "pager" };

	const struct ynode *had;
	size_t i, n = strlen(v);

	if (f == F_NONE || *v == '\0')
		return;
	/* "+34 655 000 111.": the sentence's period is no digit. */
	while (f == F_PHONE && n > 0 && v[n - 1] == '.')
		n--;
	if ((had = ymap_get(c, key[f])) != NULL) {
		/* "pager 4417, (617) 555-0100": the number to call. */
		if (f != F_PHONE || digit_count(ystr(had)) >= 7 ||
		    digit_count(v) < 7)
			return;
		for (i = 0; i < c->n; i++)
			if (c->items[i] == had)
				c->items[i] = str_at(x, v, n, line);
		return;
	}
	put_n(x, c, key[f], v, n, line);
}

/* Sets c's name to the words of part before at (which follows a blank),
 * cutting part there, unless they are a label ("bridge line", "ticket
 * portal") or c has a name. */
static void
name_before(struct ex *x, struct ynode *c, char *part, char *at, int line)
{
	static const char *const label[] = { "line", "phone", "tel", "hotline",
	    "mobile", "cell", "number", "call", "desk", "pager", "bridge",
	    "direct", "office", "fax", "portal", "page", "link", "url", "web",
	    "site", "dashboard", "form", "queue", "ticket", NULL };
	char *w = lower(part);

	w[at - part] = '\0';
	if (!has_any(w, label) && ymap_get(c, "name") == NULL) {
		at[-1] = '\0';
		/* "see https://...": no one's name. */
		if (name_like(trim(part)))
			set_field(x, c, F_NAME, trim(part), line);
	}
	free(w);
}

/*
 * Returns the way to reach at the end of part, words before it: "ticket
 * portal https://...", "bridge line +1 555 0100" (a label's words,
 * dropped), "Mateo Silva +55 11 4000 0101" (a name, set on c).  *f is
 * then what it is; part itself if it ends in none.
 */
static char *
reach_after_words(struct ex *x, struct ynode *c, char *part, enum field *f,
    int line)
{
	char *u = strstr(part, "https://"), *e, *p;
	size_t digits = 0;

	if (u == NULL)
		u = strstr(part, "http://");
	/* "@ellie_cm on Discord": the handle. */
	if ((*part == '@' || *part == '#') && (e = strchr(part, ' ')) != NULL &&
	    e - part > 1) {
		*e = '\0';
		if (looks(part) == F_CHAT) {
			*f = F_CHAT;
			return part;
		}
		*e = ' ';
	}
	if (u != NULL && u > part && u[-1] == ' ') {
		for (e = u; *e != '\0' && *e != ' '; e++)
			;
		if (*e == '\0') {
			*f = F_URL;
			name_before(x, c, part, u, line);
			return u;
		}
	}
	/* A phone number last: digits, blanks, "+-()." back to a blank. */
	for (p = part + strlen(part); p > part && strchr("0123456789 +-().",
	    p[-1]) != NULL; p--)
		digits += isdigit((unsigned char)p[-1]) != 0;
	while (*p == ' ')
		p++;
	if (digits < 7 || p == part || p[-1] != ' ' || looks(p) != F_PHONE)
		return part;
	/* "merchant ID 4417-2209-18", "account 7781-0043-22": a number of
	 * something else, and no one's name. */
	{
		static const char *const idw[] = { " id", "account",
		    "merchant", "customer", "contract", "reference", "ref ",
		    "case", "order", "invoice", "pin", "code", "serial",
		    "licen", "ticket", NULL };
		char *w = xstrndup(part, (size_t)(p - part));
		char *l = lower(w), *sp = xasprintf(" %s", l);
		int other = has_any(sp, idw);

		free(sp);
		free(l);
		free(w);
		if (other) {
			*f = F_NONE;
			return part;
		}
	}
	name_before(x, c, part, p, line);
	*f = F_PHONE;
	return p;
}

/* Returns 1 if s names a paging tool's service, schedule or rotation
 * ("PagerDuty service x", "Opsgenie rotation"), not a person. */
static int
paging_tool(const char *s)
{
	static const char *const tools[] = { "pagerduty", "opsgenie",
	    "victorops", "splunk on-call", "xmatters", "incident.io",
	    "grafana oncall", "ilert", "firehydrant", "rootly", NULL };
	size_t i;

	for (i = 0; tools[i] != NULL; i++)
		if (strncasecmp(s, tools[i], strlen(tools[i])) == 0)
			return 1;
	return 0;
}

/* Returns the length of the paging target s starts with: a quoted name
 * ("\"ml-serving\"", the quotes left out by *at), or a lower-case
 * identifier with a '-', '_' or digit ("liveops-primary",
 * "payments_oncall"), not "on-call"; else 0. */
static size_t
pager_token(const char *s, const char **at)
{
	static const char *const word[] = { "on-call", "e-mail", "follow-up",
	    "24x7", "24/7", NULL };
	const char *p = s;
	size_t n, i;
	int mark = 0;

	*at = s;
	if (*s == '"' || *s == '\'' || *s == '`') {
		/* "Storefront Web": a few words. */
		for (p = s + 1, n = 0; *p != '\0' && *p != *s; p++)
			if (*p == ' ' && ++n > 3)
				return 0;
		if (*p != *s || p == s + 1)
			return 0;
		*at = s + 1;
		return (size_t)(p - s - 1);
	}
	for (; islower((unsigned char)*p) || isdigit((unsigned char)*p) ||
	    *p == '-' || *p == '_' || *p == '.'; p++)
		mark |= *p == '-' || *p == '_' || isdigit((unsigned char)*p);
	while (p > s && p[-1] == '.')
		p--;
	n = (size_t)(p - s);
	if (n < 3 || !mark || !islower((unsigned char)*s) ||
	    isalnum((unsigned char)*p) || *p == '@')
		return 0;
	for (i = 0; word[i] != NULL; i++)
		if (strlen(word[i]) == n && strncmp(s, word[i], n) == 0)
			return 0;
	return n;
}

/*
 * Returns what text says to page, malloc'd, or NULL: "page
 * `liveops-primary`", "page \"ml-serving\" in PagerDuty", "PagerDuty
 * service \"data-ingest\"", "Opsgenie schedule payments_oncall".  *from
 * is where the phrase starts in text.
 */
static char *
pager_of(const char *text, const char **from)
{
	static const char *const kind[] = { " service", " schedule",
	    " rotation", " escalation policy", " escalation", " policy",
	    " team", ":", "", NULL };
	const char *p, *q, *at;
	size_t n, i, k;

	for (p = text; *p != '\0'; p++) {
		if (p > text && isalnum((unsigned char)p[-1]))
			continue;
		q = NULL;
		if (strncasecmp(p, "page ", 5) == 0)
			q = p + 5;
		else if (strncasecmp(p, "schedule ", 9) == 0 ||
		    strncasecmp(p, "rotation ", 9) == 0)
			q = p + 9;
		else if (paging_tool(p)) {
			/* The tool's name, then what it pages. */
			for (q = p; *q != '\0' && *q != ' ' && *q != ':'; q++)
				;
			if (strncasecmp(p, "splunk on-call", 14) == 0 ||
			    strncasecmp(p, "grafana oncall", 14) == 0)
				q = p + 14;
			for (k = 0; kind[k] != NULL; k++)
				if (strncasecmp(q, kind[k], strlen(kind[k])) ==
				    0) {
					q += strlen(kind[k]);
					break;
				}
			if (*q != ' ')
				q = NULL;
			else
				q++;
		}
		if (q == NULL)
			continue;
		while (*q == ' ')
			q++;
		if ((n = pager_token(q, &at)) > 0) {
			char *t = xstrndup(at, n);

			/* No URL's host, no address. */
			for (i = 0; i < n && t[i] != '/'; i++)
				;
			if (i == n) {
				*from = p;
				return t;
			}
			free(t);
		}
	}
	return NULL;
}

/* Returns 1 if s can be a person's name as written: capitalised words
 * ("Priya Raman", "Dr. Stefanie Wolf", "van der Berg"), no digits; not
 * "on leave until March", "Ch. 4", "contrato RS-2024-0091". */
static int
name_like(const char *s)
{
	static const char *const particle[] = { "van ", "von ", "de ", "da ",
	    "di ", "del ", "le ", "la ", "al ", "bin ", NULL };
	const unsigned char *p = (const unsigned char *)s;
	size_t i, words = 1;

	if (*p == '[' || *p == '<')
		return 1;	/* a placeholder, reported as one */
	for (i = 0; particle[i] != NULL; i++)
		if (strncmp(s, particle[i], strlen(particle[i])) == 0)
			p += strlen(particle[i]);
	if (!isupper(*p) && *p < 0xc3)
		return 0;
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isdigit(*p))
			return 0;
		words += *p == ' ';
	}
	/* Han and kana written without a space: a family and a given
	 * name are four characters or fewer ("\xe4\xbd\x90\xe8\x97\xa4\xe5\x81\xa5\xe4\xb8\x80"), not a
	 * phrase. */
	if (words == 1 && *(const unsigned char *)s >= 0xe3 &&
	    strlen(s) > 12)
		return 0;
	return words <= 6;
}

/* Returns 1 if a contacts table's header h (lower-case) is a slot of a
 * rota: "Primary", "Backup", "Secondary", "Deputy". */
static int
slot_column(const char *h)
{
	static const char *const w[] = { "primary", "backup", "secondary",
	    "deputy", "tertiary", "first", "second", "principal",
	    "vertretung", "suplente", NULL };

	return has_any(h, w);
}

/* Returns 1 if a contacts table's header h (lower-case) names people:
 * "Shift lead", "Supervisor", "Primary", "Backup". */
static int
person_column(const char *h)
{
	static const char *const w[] = { "lead", "manager", "supervisor",
	    "engineer", "officer", "owner", "primary", "backup", "secondary",
	    "deputy", "on-call", "oncall", "on call", "responsible", "admin",
	    "responsable", "verantwortlich", NULL };

	return has_any(h, w);
}

/* Returns 1 if the parenthesis at p qualifies a role: "(primary)",
 * "(Vertretung)", "(24/7)", "(Pay.UK)": one short word, no contact
 * detail. */
static int
role_paren(const char *p)
{
	const char *e = strchr(p, ')'), *q;

	if (e == NULL || e - p > 24 || e - p < 2)
		return 0;
	for (q = p + 1; q < e; q++)
		if (*q == ' ' || *q == '@' || *q == '+' || *q == ',')
			return 0;
	return 1;
}

/* Returns 1 if s starts with a lower-case particle of a name and a
 * space: "de ", "van ", "der ". */
static int
particle_at(const char *s)
{
	static const char *const w[] = { "van ", "von ", "de ", "da ", "di ",
	    "del ", "della ", "der ", "den ", "dos ", "das ", "du ", "le ",
	    "la ", "al ", "bin ", "ten ", "ter ", NULL };
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if (strncmp(s, w[i], strlen(w[i])) == 0)
			return 1;
	return 0;
}

/* Returns 1 if s reads as a person's full name: two to five words, each
 * capitalised and none in capitals ("Kevin Marsh", "Dr. Aisha Mensah";
 * not "WMS on-call", "Nursing Supervisor, House"). */
static int
full_name(const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *w;
	size_t words = 0, caps;

	static const char *const role[] = { "analyst", "manager", "engineer",
	    "officer", "lead", "operations", "support", "team", "desk",
	    "center", "centre", "service", "director", "head", "admin",
	    "supervisor", "on-call", "oncall", "duty", "vendor", "ops",
	    "security", "platform", "network", "infra", "developer",
	    "architect", "owner", "commander", "coordinator", NULL };
	char *l;
	int roleish;

	if (!name_like(s) || strchr(s, ',') != NULL)
		return 0;
	l = lower(s);
	roleish = has_any(l, role);
	free(l);
	if (roleish)
		return 0;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		w = p;
		words++;
		/* "Eva de Vries", "Ludwig van der Berg" */
		if (!isupper(*p) && *p < 0xc3 && (words == 1 ||
		    !particle_at((const char *)p)))
			return 0;
		for (caps = 0; *p != '\0' && *p != ' '; p++)
			caps += isupper(*p) != 0;
		if (caps > 1 && (size_t)(p - w) == caps)
			return 0;	/* "WMS" */
	}
	return words >= 2 && words <= 5;
}

/* Sets the role of contact c to what label lab says: "Kevin Marsh
 * (Integration Engineer, primary on-call)" is a name and its role. */
static void
put_role(struct ex *x, struct ynode *c, char *lab, int line)
{
	char *o = strchr(lab, '('), *e;
	size_t words = 0;
	const char *p;

	if (o != NULL && o > lab && (e = strrchr(o, ')')) != NULL &&
	    e[1] == '\0') {
		for (p = lab; p < o; p++)
			words += *p == ' ';
		o[-1] = o[-1] == ' ' ? '\0' : o[-1];
		*o = '\0';
		*e = '\0';
		if (words >= 2 && full_name(trim(lab)) &&
		    digit_count(o + 1) == 0) {
			put(x, c, "name", trim(lab), line);
			put(x, c, "role", trim(o + 1), line);
			return;
		}
		*o = '(';
		*e = ')';
		if (o[-1] == '\0')
			o[-1] = ' ';
	}
	/* "Owen Price, HPC Systems Administrator" */
	if ((o = strstr(lab, ", ")) != NULL && o > lab) {
		*o = '\0';
		if (full_name(trim(lab)) && *trim(o + 2) != '\0') {
			put(x, c, "name", trim(lab), line);
			put(x, c, "role", trim(o + 2), line);
			return;
		}
		*o = ',';
	}
	put(x, c, "role", lab, line);
}

/* Sets c's pager if part says what to page ("page liveops-primary",
 * "PagerDuty service \"data-ingest\"", or under hint F_PAGER, a
 * "PagerDuty" column's "liveops-primary"); returns 1 if it does. */
static int
pager_part(struct ex *x, struct ynode *c, const char *part, enum field hint,
    int line)
{
	const char *from, *at;
	char *pg;
	size_t n;

	if (hint == F_PAGER && (n = pager_token(part, &at)) > 0 &&
	    at[n + (at != part)] == '\0') {
		put_n(x, c, "pager", at, n, line);
		return 1;
	}
	if ((pg = pager_of(part, &from)) == NULL)
		return 0;
	if (ymap_get(c, "pager") == NULL)
		put(x, c, "pager", pg, line);
	free(pg);
	return 1;
}

/* Returns 1 if part, whose first word ends at sp, is a pager's word
 * and a short number ("pager 3307", "Bleep: 4412"), which no phone
 * dials. */
static int
short_pager(const char *part, const char *sp)
{
	static const char *const w[] = { "pager", "bleep", "beeper", NULL };
	const char *v = sp;
	size_t i, n = (size_t)(sp - part), digits = 0;

	for (i = 0; w[i] != NULL; i++)
		if (strlen(w[i]) == n && strncasecmp(part, w[i], n) == 0)
			break;
	if (w[i] == NULL)
		return 0;
	while (*v == ':' || *v == ' ' || *v == '#')
		v++;
	for (; *v != '\0'; v++)
		if (isdigit((unsigned char)*v))
			digits++;
		else if (*v != ' ' && *v != '-')
			return 0;
	return digits >= 2 && digits <= 6;
}

/* Splits value text into its parts ("[Phone] - [Email]", "Jane, +1 555
 * 0100, jane@acme.test") and sets the fields they look like. */
static void
set_parts(struct ex *x, struct ynode *c, const char *text, int line,
    enum field hint)
{
	char *t = xstrdup(text), *p = t, *part, *e;
	enum field f;

	for (;;) {
		part = p;
		e = NULL;
		for (; *p != '\0'; p++) {
			if (*p == '[' || *p == '<' || *p == '"') {
				/* "[Email or phone if available]" is one. */
				char close = *p == '[' ? ']' : *p == '<' ? '>' :
				    '"', *q = strchr(p + 1, close);
				if (q != NULL) {
					p = q;
					continue;
				}
			}
			if (*p == '(' && isdigit((unsigned char)p[1])) {
				/* An area code: "+1 (415) 555-0134". */
				const char *q = p + 1;
				while (isdigit((unsigned char)*q) && q < p + 6)
					q++;
				if (*q == ')') {
					p = (char *)q;
					continue;
				}
			}
			/* "Rufbereitschaft (Vertretung)": a role's
			 * qualifier, kept in it. */
			if (*p == '(' && hint == F_ROLE && role_paren(p)) {
				p = strchr(p, ')');
				continue;
			}
			if (*p == ',' || *p == ';' || *p == '|' || *p == '\n' ||
			    (*p == ' ' && (p[1] == '-' || p[1] == '/') &&
			    p[2] == ' ') || (*p == '(' && p > t) || *p == ')') {
				e = p;
				break;
			}
			/* " - " as an en or em dash, or a bullet (" • "),
			 * " or ", " and " */
			if (*p == ' ' && (unsigned char)p[1] == 0xe2 &&
			    (unsigned char)p[2] == 0x80 &&
			    ((unsigned char)p[3] == 0x93 ||
			    (unsigned char)p[3] == 0x94 ||
			    (unsigned char)p[3] == 0xa2)) {
				e = p;
				*e = '\0';
				p += 4;
				e = NULL;
				goto cut;
			}
			/* Japanese's wide parentheses and commas:
			 * "050-5555-0100\xef\xbc\x88...\xef\xbc\x89" */
			if (p > t && (unsigned char)p[0] == 0xef &&
			    (unsigned char)p[1] == 0xbc &&
			    ((unsigned char)p[2] == 0x88 ||
			    (unsigned char)p[2] == 0x89 ||
			    (unsigned char)p[2] == 0x8c)) {
				*p = '\0';
				p += 3;
				goto cut;
			}
			if (p > t && (unsigned char)p[0] == 0xe3 &&
			    (unsigned char)p[1] == 0x80 &&
			    (unsigned char)p[2] == 0x81) {
				*p = '\0';
				p += 3;
				goto cut;
			}
			/* " · " (a middle dot) */
			if (*p == ' ' && (unsigned char)p[1] == 0xc2 &&
			    (unsigned char)p[2] == 0xb7) {
				*p = '\0';
				p += 3;
				goto cut;
			}
			if (strncmp(p, " or ", 4) == 0 ||
			    strncmp(p, " and ", 5) == 0) {
				*p = '\0';
				p += p[1] == 'o' ? 4 : 5;
				goto cut;
			}
		}
		if (e != NULL) {
			*e = '\0';
			p = e + 1;
			if (*p == '-' || *p == '/')
				p++;
		}
		if (0) {
cut:
			e = p;	/* a cut made: go on after it */
		}
		part = trim(part);
		if (*part != '\0') {
			enum field pf = F_NONE;
			int paged;
			char *sp = strpbrk(part, " :");

			/* "pager 3307", "bleep 4412": a hospital's or a
			 * plant's pager, paged by its number, no phone. */
			if (sp != NULL && short_pager(part, sp)) {
				put(x, c, "pager", trim(sp + 1), line);
				goto next;
			}
			/* "Slack #netops", "tel: +1 555 0100" */
			if (sp != NULL && sp - part < 12 && part[0] != '[' &&
			    part[0] != '<') {
				static const char *const fw[] = { "phone", "tel",
				    "mobile", "cell", "pager", "email", "e-mail",
				    "mail", "slack", "chat", "teams", "url",
				    "web", "mob", "ph", "gsm", "cellulare",
				    "telefono", "telefoon", "mobiel", "handy",
				    "telefon", NULL };
				char *w = lower(part);
				size_t q;
				w[sp - part] = '\0';
				/* "cell. +39 ...", "tel. 06-...", "Mob.:" */
				for (q = strlen(w); q > 0 && (w[q - 1] == '.' ||
				    w[q - 1] == ':'); q--)
					w[q - 1] = '\0';
				for (q = 0; fw[q] != NULL && strcmp(w, fw[q]);
				    q++)
					;
				pf = fw[q] != NULL ? field_of(w) : F_NONE;
				/* "PagerDuty: https://...": its page;
				 * "PagerDuty: liveops-primary": what to
				 * page. */
				if (fw[q] == NULL && paging_tool(w))
					pf = looks(trim(sp + 1)) == F_URL ?
					    F_URL : F_PAGER;
				free(w);
				if (pf == F_PAGER)
					hint = pf;	/* pager_part() reads it */
				else if (pf == F_PHONE || pf == F_EMAIL ||
				    pf == F_CHAT || pf == F_URL) {
					part = trim(sp + 1);
					hint = pf;
				} else
					pf = F_NONE;
			}
			f = looks(part);
			paged = f == F_NAME && pager_part(x, c, part, hint,
			    line);
			if (paged)
				f = F_NONE;
			if (f == F_NAME)
				part = reach_after_words(x, c, part, &f, line);
			if (f == F_NONE && hint != F_NONE && !paged)
				f = hint;
			/* "Phone: TBD" */
			if (f == F_NAME && (hint == F_PHONE || hint == F_EMAIL ||
			    hint == F_CHAT) && (strcasecmp(part, "tbd") == 0 ||
			    strcasecmp(part, "tba") == 0 || strcasecmp(part,
			    "n/a") == 0 || strcasecmp(part, "todo") == 0 ||
			    strcasecmp(part, "unknown") == 0))
				f = hint;
			if (f == F_NAME && (hint == F_ROLE || hint == F_NAME))
				f = hint;
			if (f == F_NAME && ymap_get(c, "name") != NULL)
				f = F_NONE;
			/* "PagerDuty service \"data-ingest\"" pages someone;
			 * it is nobody's name; nor is "on leave until March"
			 * where no column says it is one. */
			if (f == F_NAME && (paging_tool(part) ||
			    (hint != F_NAME && !name_like(part))))
				f = F_NONE;
			set_field(x, c, f, part, line);
			if (pf != F_NONE)
				hint = F_NONE;
		}
next:
		if (e == NULL)
			break;
	}
	free(t);
}

static int
has_reach(const struct ynode *c)
{
	return ymap_get(c, "phone") != NULL || ymap_get(c, "email") !=
	    NULL || ymap_get(c, "chat") != NULL || ymap_get(c, "url") !=
	    NULL || ymap_get(c, "pager") != NULL;
}

static void
add_contact(struct ex *x, struct ynode *c)
{
	const char *who = ystr(ymap_get(c, "role"));

	/* Without a way to reach it, a name is not a contact (a vendor
	 * named in a list, a role in a rota). */
	if (!has_reach(c))
		return;
	/* "bank's technical help desk, which can on occasion ...": the
	 * role, without what it says of it. */
	if (who != NULL) {
		const char *q = strstr(who, ", which ");
		struct ynode *rv = (struct ynode *)(uintptr_t)ymap_get(c,
		    "role");
		if (q == NULL)
			q = strstr(who, ", who ");
		if (q != NULL && q > who) {
			rv->s = arena_strndup(x->a, who, (size_t)(q - who));
			rv->slen = (size_t)(q - who);
			who = rv->s;
		}
	}
	if (who == NULL)
		who = ystr(ymap_get(c, "name"));
	if (who == NULL)
		who = "contact";
	/* "佐藤 健一", "DNS当番": an id from the email's local part or the
	 * chat handle, where the role's letters are not ASCII. */
	{
		size_t i, ascii = 0, n = strlen(who);
		const char *alt = NULL, *v, *at;

		for (i = 0; i < n; i++)
			ascii += isalnum((unsigned char)who[i]) != 0;
		if (ascii * 2 < n) {
			if ((v = ystr(ymap_get(c, "email"))) != NULL &&
			    (at = strchr(v, '@')) != NULL && at > v)
				alt = arena_strndup(x->a, v, (size_t)(at - v));
			else if ((v = ystr(ymap_get(c, "chat"))) != NULL ||
			    (v = ystr(ymap_get(c, "pager"))) != NULL)
				alt = v;
		}
		if (alt != NULL)
			who = alt;
	}
	{
		char *id = contact_id(x, who);
		ymap_add(x->a, c, "id", str_at(x, id, strlen(id), c->line));
	}
	/* id first, as a person writes it. */
	if (c->n > 1) {
		struct ynode *k = c->keys[c->n - 1], *v = c->items[c->n - 1];
		memmove(c->keys + 1, c->keys, (c->n - 1) * sizeof(*c->keys));
		memmove(c->items + 1, c->items, (c->n - 1) *
		    sizeof(*c->items));
		c->keys[0] = k;
		c->items[0] = v;
	}
	yseq_push(x->a, x->contacts, c);
}

/* ------------------------------------------------------ thresholds */

/* One comparison in text: "> 80%", "p95 < 300ms". */
struct cmp {
	int	 op;		/* '>', '<' or 0 */
	double	 num;
	char	 unit[16];
	const char *start;	/* its number, in the text */
	const char *end;	/* after it, in the text */
};

/* Returns 1 if the number at p in s has a minus sign: "-18", "below
 * -24 dBm", "< \xe2\x88\x9290", not "10-20" or "rate - 5". */
static int
minus_before(const char *s, const char *p)
{
	static const char *const word[] = { "below", "above", "under", "over",
	    "than", "at", "to", "from", NULL };
	const char *m;
	size_t i, n;

	if (p > s && p[-1] == '-')
		m = p - 1;
	else if (p - s >= 3 && (unsigned char)p[-3] == 0xe2 &&
	    (unsigned char)p[-2] == 0x88 && (unsigned char)p[-1] == 0x92)
		m = p - 3;
	else
		return 0;
	while (m > s && m[-1] == ' ')
		m--;
	if (m == s || strchr("<>=(|:~", m[-1]) != NULL)
		return 1;
	/* "\xe2\x89\xa4", "\xe2\x89\xa5" */
	if (m - s >= 3 && (unsigned char)m[-3] == 0xe2 &&
	    (unsigned char)m[-2] == 0x89 && ((unsigned char)m[-1] == 0xa4 ||
	    (unsigned char)m[-1] == 0xa5))
		return 1;
	for (i = 0; word[i] != NULL; i++) {
		n = strlen(word[i]);
		if ((size_t)(m - s) >= n && strncasecmp(m - n, word[i], n) ==
		    0 && (m - n == s || !isalpha((unsigned char)(m - n)[-1])))
			return 1;
	}
	return 0;
}

/* Finds the next comparison in s; returns 1 with *c, or 0. */
static int
next_cmp(const char *s, struct cmp *c)
{
	const char *p = s, *q;
	size_t k;

	memset(c, 0, sizeof(*c));
	for (; *p != '\0'; p++) {
		if (*p == '>' || *p == '<') {
			c->op = *p;
			continue;
		}
		/* "above 1%", "below 15%", "under", "over", "longer than
		 * 3 seconds" */
		if (strchr("aAoOmMeEbBuUlLfFhHgGsS", *p) == NULL)
			;
		else if (strncasecmp(p, "above", 5) == 0 ||
		    strncasecmp(p, "over ", 5) == 0 ||
		    strncasecmp(p, "more than", 9) == 0 ||
		    strncasecmp(p, "exceed", 6) == 0 ||
		    strncasecmp(p, "longer than", 11) == 0 ||
		    strncasecmp(p, "higher than", 11) == 0 ||
		    strncasecmp(p, "greater than", 12) == 0 ||
		    strncasecmp(p, "slower than", 11) == 0 ||
		    strncasecmp(p, "larger than", 11) == 0)
			c->op = '>';
		else if (strncasecmp(p, "below", 5) == 0 ||
		    strncasecmp(p, "under ", 6) == 0 ||
		    strncasecmp(p, "less than", 9) == 0 ||
		    strncasecmp(p, "fewer than", 10) == 0 ||
		    strncasecmp(p, "lower than", 10) == 0 ||
		    strncasecmp(p, "shorter than", 12) == 0 ||
		    strncasecmp(p, "smaller than", 12) == 0)
			c->op = '<';
		if (*p == '=' || *p == ' ' || *p == '~')
			continue;
		if ((isdigit((unsigned char)*p) || (*p == '.' &&
		    isdigit((unsigned char)p[1]))) && (p == s ||
		    !isalnum((unsigned char)p[-1]))) {
			c->start = p;
			c->num = strtod(p, (char **)&q);
			/* "2.000", "10.000", "1.500.000": thousands, as
			 * German and Spanish write them (not "0.005", and
			 * "1.500" stays 1.5). */
			{
				const char *d = p, *g;
				size_t groups = 0, zeros = 0;
				while (isdigit((unsigned char)*d))
					d++;
				for (g = d; g[0] == '.' && isdigit((unsigned char)
				    g[1]) && isdigit((unsigned char)g[2]) &&
				    isdigit((unsigned char)g[3]) &&
				    !isdigit((unsigned char)g[4]); g += 4) {
					groups++;
					zeros = strncmp(g + 1, "000", 3) == 0;
				}
				if (d - p <= 3 && *p != '0' && (groups >= 2 ||
				    (groups == 1 && zeros))) {
					c->num = 0;
					for (d = p; d < g; d++)
						if (isdigit((unsigned char)*d))
							c->num = c->num * 10 +
							    (*d - '0');
					q = g;
				}
			}
			/* "20 000", "1 500 000" (French, with a space or a
			 * no-break space): thousands. */
			if (q - p <= 3 && *p != '0' && isdigit((unsigned char)
			    q[-1])) {
				for (;;) {
					size_t sp = q[0] == ' ' ? 1 :
					    ((unsigned char)q[0] == 0xc2 &&
					    (unsigned char)q[1] == 0xa0) ? 2 :
					    ((unsigned char)q[0] == 0xe2 &&
					    (unsigned char)q[1] == 0x80 &&
					    (unsigned char)q[2] == 0xaf) ? 3 : 0;
					if (sp == 0 || !isdigit((unsigned char)
					    q[sp]) || !isdigit((unsigned char)
					    q[sp + 1]) || !isdigit((unsigned char)
					    q[sp + 2]) || isdigit((unsigned char)
					    q[sp + 3]) || q[sp + 3] == '.' ||
					    q[sp + 3] == ',')
						break;
					c->num = c->num * 1000 + (q[sp] - '0') *
					    100 + (q[sp + 1] - '0') * 10 +
					    (q[sp + 2] - '0');
					q += sp + 3;
				}
			}
			/* 1,600 and 1,500,000,000: thousands. */
			while (q[0] == ',' && isdigit((unsigned char)q[1]) &&
			    isdigit((unsigned char)q[2]) &&
			    isdigit((unsigned char)q[3]) &&
			    !isdigit((unsigned char)q[4])) {
				c->num = c->num * 1000 + (q[1] - '0') * 100 +
				    (q[2] - '0') * 10 + (q[3] - '0');
				q += 4;
			}
			/* "1 in 10,000": a ratio, 0.0001. */
			if (strncmp(q, " in ", 4) == 0 &&
			    isdigit((unsigned char)q[4])) {
				const char *r = q + 4;
				double den = 0;

				for (; isdigit((unsigned char)*r) || (*r ==
				    ',' && isdigit((unsigned char)r[1]) &&
				    isdigit((unsigned char)r[2]) &&
				    isdigit((unsigned char)r[3])); r++)
					if (*r != ',')
						den = den * 10 + (*r - '0');
				if (den > 0 && !isalnum((unsigned char)*r)) {
					c->num /= den;
					q = r;
				}
			}
			/* "0,5 %", "1,5 s": a decimal comma (not "1,600",
			 * not "1, 2"). */
			if (q[0] == ',' && isdigit((unsigned char)q[1]) &&
			    (!isdigit((unsigned char)q[2]) ||
			    !isdigit((unsigned char)q[3]))) {
				char *e2;
				double f = strtod(q + 1, &e2);
				size_t nd = (size_t)(e2 - (q + 1));
				while (nd-- > 0)
					f /= 10;
				c->num += f;
				q = e2;
			}
			while (*q == ' ' && q[1] != '\0' &&
			    (q[1] == '%' || isalpha((unsigned char)q[1]) ||
			    ((unsigned char)q[1] == 0xc2 &&
			    (unsigned char)q[2] == 0xb0)))
				q++;
			/* "45 \xc2\xb0C" */
			k = 0;
			if ((unsigned char)q[0] == 0xc2 && (unsigned char)q[1] ==
			    0xb0 && (q[2] == 'C' || q[2] == 'F')) {
				memcpy(c->unit, q, 3);
				k = 3;
				q += 3;
			}
			for (; k + 1 < sizeof(c->unit) && (*q == '%' ||
			    *q == '/' || isalpha((unsigned char)*q)); q++)
				c->unit[k++] = *q;
			/* "50k messages", "1.2M": a multiple, then the unit. */
			if (k == 1 && (c->unit[0] == 'k' || c->unit[0] == 'K' ||
			    c->unit[0] == 'M')) {
				c->num *= c->unit[0] == 'M' ? 1e6 : 1e3;
				c->unit[0] = '\0';
				while (*q == ' ' && q[1] != '\0' &&
				    isalpha((unsigned char)q[1]))
					q++;
				for (k = 0; k + 1 < sizeof(c->unit) &&
				    (*q == '/' || isalpha((unsigned char)*q));
				    q++)
					c->unit[k++] = *q;
				c->unit[k] = '\0';
			}
			if (minus_before(s, p))
				c->num = -c->num;
			/* Japanese says which way after the number: "50ms
			 * \xe8\xb6\x85" (over), "98% \xe6\x9c\xaa\xe6\xba\x80" (under). */
			if (c->op == 0) {
				const char *w = q;
				while (*w == ' ')
					w++;
				if (strncmp(w, "\xe8\xb6\x85", 3) == 0 ||
				    strncmp(w, "\xe4\xbb\xa5\xe4\xb8\x8a", 6) == 0)
					c->op = '>';
				else if (strncmp(w, "\xe6\x9c\xaa\xe6\xba\x80", 6) == 0 ||
				    strncmp(w, "\xe4\xbb\xa5\xe4\xb8\x8b", 6) == 0 ||
				    strncmp(w, "\xe3\x82\x92\xe5\x88\x87", 6) == 0)
					c->op = '<';
			}
			c->end = q;
			return 1;
		}
		if (isalpha((unsigned char)*p) && !(p[0] == 'p' &&
		    isdigit((unsigned char)p[1])))
			c->op = c->op == 0 ? 0 : c->op;
	}
	return 0;
}

/* Normalizes a unit as written: "seconds" s, "percent" %. */
static void
unit_norm(char *u)
{
	static const struct {
		const char	*in, *out;
	} map[] = {
		{ "seconds", "s" }, { "second", "s" }, { "sec", "s" },
		{ "secs", "s" }, { "percent", "%" }, { "milliseconds", "ms" },
		{ "minutes", "min" }, { "minute", "min" }, { "mins", "min" },
		{ "days", "days" }, { "day", "days" }, { "hours", "h" },
		{ "hour", "h" }, { "hrs", "h" },
	};
	/* Units as written: time, sizes, rates, and a plant's levels,
	 * pressures, flows and power. */
	static const char *const known[] = { "ms", "s", "min", "h", "days",
	    "kb", "mb", "gb", "tb", "rps", "qps", "iops", "mbps", "gbps",
	    "dbm", "db", "ft", "psi", "bar", "kpa", "mpa", "ntu", "ppm",
	    "ppb", "rpm", "hz", "khz", "kw", "mw", "kwh", "mwh", "kv", "gpm",
	    "mgd", "mm", "cm", "dbfs", "lufs", "lu", "ire", NULL };
	static const char *const exact[] = { "A", "V", "W", "mA", "mV", "kA",
	    "\xc2\xb0" "C", "\xc2\xb0" "F", NULL };
	size_t i;

	if (u[0] == '\0' || strcmp(u, "%") == 0)
		return;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(u, map[i].in) == 0) {
			strcpy(u, map[i].out);
			return;
		}
	/* Words after a number that are not units ("utilization"). */
	if (strchr(u, '/') != NULL)
		return;
	for (i = 0; known[i] != NULL; i++)
		if (strcasecmp(u, known[i]) == 0)
			return;
	/* Amperes, volts, watts: as written, never "a" or "v". */
	for (i = 0; exact[i] != NULL; i++)
		if (strcmp(u, exact[i]) == 0)
			return;
	u[0] = '\0';
}

/* A time unit's length in milliseconds ("ms", "s", "sec", "min", "h"),
 * or 0 for any other unit. */
static double
time_scale(const char *unit)
{
	char u[16];

	snprintf(u, sizeof(u), "%s", unit);
	unit_norm(u);
	if (strcasecmp(u, "ms") == 0)
		return 1;
	if (strcasecmp(u, "s") == 0)
		return 1e3;
	if (strcasecmp(u, "min") == 0)
		return 6e4;
	if (strcasecmp(u, "h") == 0)
		return 3.6e6;
	return 0;
}

/*
 * Gives the levels of one threshold one time unit where they are written
 * in two ("300ms | 1s"): the smaller, each number converted, so that
 * 1 s is not read as 1 ms, nor the threshold as one that falls.
 */
static void
same_time_unit(struct cmp *const *v, int n)
{
	double sc[3], lo = 0;
	int i, k = -1;

	for (i = 0; i < n; i++) {
		sc[i] = v[i] != NULL ? time_scale(v[i]->unit) : 0;
		if (sc[i] > 0 && (lo == 0 || sc[i] < lo)) {
			lo = sc[i];
			k = i;
		}
	}
	for (i = 0; i < n && k != -1; i++)
		if (sc[i] > 0 && sc[i] != lo) {
			v[i]->num = v[i]->num * sc[i] / lo;
			memcpy(v[i]->unit, v[k]->unit, sizeof(v[i]->unit));
		}
}

static void
put_num(struct ex *x, struct ynode *t, const char *key, const struct cmp *c,
    int line)
{
	char text[32];
	struct ynode *y;

	/* Made here, not for every number the scanner meets; a whole
	 * number (most are) without printf. */
	if (c->num >= 0 && c->num < 1e15 &&
	    c->num == (double)(long long)c->num) {
		long long v = (long long)c->num;
		char *p = text + sizeof(text) - 1;

		*p = '\0';
		do
			*--p = (char)('0' + v % 10);
		while ((v /= 10) > 0);
		memmove(text, p, (size_t)(text + sizeof(text) - p));
	} else
		snprintf(text, sizeof(text), "%.15g", c->num);
	y = ynew(x->a, strchr(text, '.') != NULL ? Y_FLOAT : Y_INT);
	y->s = arena_strdup(x->a, text);
	y->slen = strlen(text);
	y->num = c->num;
	y->line = line;
	y->col = 1;
	ymap_add(x->a, t, key, y);
}

/* Adds threshold metric with what is known of it; fills unit and
 * direction from the comparisons. */
static void
add_threshold(struct ex *x, const char *metric, const struct cmp *target,
    const struct cmp *warn, const struct cmp *crit, int line)
{
	struct ynode *t;
	const struct cmp *any = warn != NULL ? warn : crit;
	struct cmp cw, cc, ct, *v[3];
	char unit[16];
	int op = 0;

	if (any == NULL || metric == NULL || *metric == '\0')
		return;
	/* "ISR shrink events are logged but not alerted on; more than
	 * 20 ...": what is not alerted on is no threshold. */
	{
		const char *no = strcasestr_ascii(metric, " not");
		if (no == NULL)
			no = strcasestr_ascii(metric, " never");
		if (no != NULL && !isalpha((unsigned char)no[no[1] == 'n' &&
		    no[2] == 'o' ? 4 : 6]))
			return;
	}
	/* Copies, in one time unit. */
	v[0] = warn != NULL ? (cw = *warn, &cw) : NULL;
	v[1] = crit != NULL ? (cc = *crit, &cc) : NULL;
	v[2] = target != NULL ? (ct = *target, &ct) : NULL;
	same_time_unit(v, 3);
	warn = v[0];
	crit = v[1];
	target = v[2];
	t = item_at(x, line);
	{
		/* "Publish-to-live latency over 60 seconds": the metric
		 * without its comparison's word. */
		static const char *const cmpw[] = { " over", " above", " below",
		    " under", " exceeds", " exceeding", " greater than",
		    " more than", " less than", " at", " is", " must be",
		    " should be", " must stay", " should stay", NULL };
		/* "Queue depth rising above 500": the level, not a change
		 * ("CCU dropping more than 20%" is one). */
		static const char *const movew[] = { " rising", " rises",
		    " climbing", " climbs", " going", " goes", " growing",
		    " grows", " falling", " falls", " dropping", " drops",
		    " staying", " stays", " remaining", " remains", NULL };
		size_t n = strlen(metric), i, k;
		int level = 1;
		for (i = 0; cmpw[i] != NULL; i++) {
			k = strlen(cmpw[i]);
			if (n > k && strncasecmp(metric + n - k, cmpw[i], k) == 0) {
				n -= k;
				level = i < 4;
				i = (size_t)-1;	/* "is over": again */
			}
		}
		for (i = 0; level && movew[i] != NULL; i++) {
			k = strlen(movew[i]);
			if (n > k && strncasecmp(metric + n - k, movew[i], k) == 0) {
				n -= k;
				break;
			}
		}
		put_n(x, t, "metric", metric, n, line);
	}
	unit[0] = '\0';
	if (warn != NULL && warn->unit[0] != '\0')
		strcpy(unit, warn->unit);
	else if (crit != NULL && crit->unit[0] != '\0')
		strcpy(unit, crit->unit);
	unit_norm(unit);
	if (unit[0] != '\0')
		put(x, t, "unit", unit, line);
	if (warn != NULL && warn->op != 0)
		op = warn->op;
	else if (crit != NULL && crit->op != 0)
		op = crit->op;
	else if (warn != NULL && crit != NULL && crit->num < warn->num)
		op = '<';
	put(x, t, "direction", op == '<' ? "below" : "above", line);
	if (target != NULL)
		put_num(x, t, "target", target, line);
	if (warn != NULL)
		put_num(x, t, "warning", warn, line);
	if (crit != NULL)
		put_num(x, t, "critical", crit, line);
	yseq_push(x->a, x->thresholds, t);
}

/* Returns 1 if the lower-cased s calls a level a warning (in English,
 * German or Spanish). */
static int
is_warn(const char *s)
{
	return strstr(s, "warn") != NULL || strstr(s, "advert") != NULL ||
	    strstr(s, "aviso") != NULL || strstr(s, "avviso") != NULL ||
	    strstr(s, "waarschuw") != NULL ||
	    strstr(s, "\xe8\xad\xa6\xe5\x91\x8a") != NULL;
}

/* Returns 1 if it calls a level critical. */
static int
is_crit(const char *s)
{
	return strstr(s, "crit") != NULL || strstr(s, "krit") != NULL ||
	    strstr(s, "cr\xc3\xad" "t") != NULL ||
	    strstr(s, "\xe5\x8d\xb1\xe9\x99\xba") != NULL;
}

/* Returns 1 if the digits at s run into letters ("5xx", "95th"): a
 * word, not a number. */
static int
num_word(const char *s)
{
	while (isdigit((unsigned char)*s))
		s++;
	return isalpha((unsigned char)*s) && !(s[0] == 'm' && s[1] == 's') &&
	    !(s[0] == 's' && !isalpha((unsigned char)s[1]));
}

/*
 * A line that states a threshold: "Error rate > 1% (warning), > 5%
 * (critical)", "CPU: warning > 80%, critical > 95%", "Database pool >
 * 80% utilization (warning)".  Each clause (between commas, semicolons
 * or "and") holds one number and what it is.  Returns 1 if it was one.
 */
/* Returns where in lower-case l the word of a level starts: a warning's
 * (warn) or a critical one's, or NULL. */
static const char *
level_word(const char *l, int warn)
{
	static const char *const w[] = { "warn", "advert", "aviso", "avviso",
	    "waarschuw", "\xe8\xad\xa6\xe5\x91\x8a", NULL };
	static const char *const c[] = { "crit", "krit", "cr\xc3\xad" "t",
	    "\xe5\x8d\xb1\xe9\x99\xba", NULL };
	const char *const *list = warn ? w : c, *p, *best = NULL;
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		if ((p = strstr(l, list[i])) != NULL && (best == NULL ||
		    p < best))
			best = p;
	return best;
}

/* duration() of the first n bytes of p (fewer where it ends). */
static int
duration_n(const char *p, size_t n, char out[24])
{
	char *w = xstrndup(p, strnlen(p, n));
	int ok = duration(w, out);

	free(w);
	return ok;
}

/* duration_n(), not "immediately": how long a level must hold. */
static int
held(const char *p, size_t n, char out[24])
{
	return duration_n(p, n, out) && strcmp(out, "0m") != 0;
}

/*
 * Sets *d to how long the text says its level must hold ("for 10
 * minutes", "(5 min window)", "a 15-minute window", "sustained 5m",
 * "below 90% over 15 minutes"); returns 1, or 0 if it says none.
 */
static int
for_of(const char *text, char d[24])
{
	static const char *const lead[] = { "more than ", "at least ",
	    "longer than ", "over ", NULL };
	char *l = lower(text), *p, *t;
	int ok = 0;
	size_t i;

	for (p = l; !ok && (p = strstr(p, "for ")) != NULL; p += 4) {
		if (p > l && isalpha((unsigned char)p[-1]))
			continue;
		t = p + 4;
		for (i = 0; lead[i] != NULL; i++)
			if (strncmp(t, lead[i], strlen(lead[i])) == 0) {
				t += strlen(lead[i]);
				break;
			}
		ok = isdigit((unsigned char)*t) && held(t, 16, d);
	}
	/* "(5 min window)", "15-minute window", "sustained 5m" */
	for (p = l; !ok && (p = strstr(p, "window")) != NULL; p += 6) {
		t = p - (p - l > 16 ? 16 : p - l);
		ok = held(t, (size_t)(p - t), d);
	}
	if (!ok && (p = strstr(l, "sustained")) != NULL)
		ok = held(p, 24, d);
	/* "below 90% over 15 minutes": over a time, after a level. */
	for (p = l; !ok && (p = strstr(p, " over ")) != NULL; p += 6) {
		for (i = 0; l + i < p && l[i] != '%'; i++)
			;
		ok = l + i < p && isdigit((unsigned char)p[6]) &&
		    held(p + 6, 16, d);
	}
	free(l);
	return ok;
}

/* add_threshold, and its "for" where the text says it. */
static void
add_threshold_for(struct ex *x, const char *metric, const struct cmp *target,
    const struct cmp *warn, const struct cmp *crit, const char *text,
    int line)
{
	size_t before = x->thresholds->n;
	char d[24];

	add_threshold(x, metric, target, warn, crit, line);
	if (x->thresholds->n == before || !for_of(text, d))
		return;
	/* "Heartbeat missing for more than 3 minutes": the level, in
	 * time, not how long it holds. */
	{
		double v = strtod(d, NULL);

		if ((warn != NULL && warn->num == v) || (crit != NULL &&
		    crit->num == v))
			return;
	}
	put(x, x->thresholds->items[before], "for", d, line);
}

/* Returns 1 if p, at a '(', is a name's short form, "(CCU)", part of
 * the metric, not its levels "(warn at 2%)". */
static int
abbrev_paren(const char *p)
{
	size_t i;

	for (i = 1; p[i] != '\0' && p[i] != ')'; i++)
		if (i > 12 || !isupper((unsigned char)p[i]))
			return 0;
	return p[i] == ')' && i > 2;
}

/* Returns s without the dashes it ends with ("`replicas_ready` \xe2\x80\x94"
 * before its levels), trimmed. */
static char *
dash_trim(char *s)
{
	size_t n = strlen(s);

	for (;;) {
		while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '-'))
			n--;
		if (n >= 3 && (unsigned char)s[n - 3] == 0xe2 &&
		    (unsigned char)s[n - 2] == 0x80 &&
		    ((unsigned char)s[n - 1] == 0x93 ||
		    (unsigned char)s[n - 1] == 0x94))
			n -= 3;
		else
			break;
	}
	s[n] = '\0';
	return s;
}

/* Returns 1 if the words from a level's word to the number after it
 * ("crit for 30 s", "crit (capacity test was 450k/s)") make that number
 * no level: how long it holds, or an aside. */
static int
aside_between(const char *from, const char *to)
{
	static const char *const w[] = { "for ", "(", " was", "around",
	    "start", "window", "within", "over the", "during", NULL };
	char *l;
	size_t i;
	int aside = 0;

	if (to == NULL || to <= from)
		return 0;
	l = xstrndup(from, (size_t)(to - from));
	for (i = 0; l[i] != '\0'; i++)
		l[i] = (char)tolower((unsigned char)l[i]);
	for (i = 0; w[i] != NULL && !aside; i++)
		aside = strstr(l, w[i]) != NULL;
	/* "< 75% (page) over 15 min": the window. */
	if (!aside && strstr(l, "over ") != NULL) {
		struct cmp t;
		aside = next_cmp(to, &t) && time_scale(t.unit) > 0;
	}
	free(l);
	return aside;
}

/* The length of the metric text names before its first colon ("Pump 2
 * drive current: ..."), or 0 when a comparison or a level's word comes
 * before any colon. */
static size_t
metric_colon(const char *text)
{
	static const char *const kw[] = { "warn", "crit", "above", "below",
	    "alert", " at ", "alarm", "page", NULL };
	size_t n, i;

	for (n = 0; text[n] != '\0' && text[n] != ':' && n < 80; n++) {
		if (strchr("<>=(", text[n]) != NULL)
			return 0;
		for (i = 0; kw[i] != NULL; i++)
			if (strncasecmp(text + n, kw[i], strlen(kw[i])) == 0)
				return 0;
	}
	/* "10:30", "https:": not a label's colon. */
	if (text[n] != ':' || n == 0 || isdigit((unsigned char)text[n + 1]) ||
	    text[n + 1] == '/')
		return 0;
	return n;
}

/* Where lower-case l names a SCADA alarm's second level ("high-high",
 * "low low"), or NULL. */
static const char *
double_alarm(const char *l)
{
	static const char *const w[] = { "high-high", "low-low", "high high",
	    "low low", NULL };
	const char *p;
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if ((p = strstr(l, w[i])) != NULL)
			return p;
	return NULL;
}

static int
threshold_line(struct ex *x, const char *text, int line)
{
	struct cmp c, warn, crit, target;
	char *l = lower(text), *metric, *rest, *clause, *next, *lc;
	int hw = 0, hc = 0, ht = 0, single, alarm, hh;
	size_t mlen;

	if (!is_warn(l) && !is_crit(l) && strstr(l, "alert") == NULL &&
	    strstr(l, "page") == NULL && strstr(l, "threshold") == NULL &&
	    strstr(l, "alarm") == NULL) {
		free(l);
		return 0;
	}
	/* "informational only ... must not page anyone"; SCADA's "Low
	 * alarm", "low-low": levels whose metric the line does not name. */
	/* "The pH alarm was removed in 2025": no level at all. */
	if (strstr(l, "informational") != NULL || strstr(l, "not page") !=
	    NULL || strstr(l, "never page") != NULL || strstr(l,
	    "no page") != NULL || strstr(l, " removed") != NULL ||
	    strstr(l, "no longer") != NULL || strstr(l, "deprecated") !=
	    NULL || strstr(l, "withdrawn") != NULL || strstr(l,
	    "decommissioned") != NULL || strncmp(l, "low-low", 7) == 0 ||
	    strncmp(l, "high-high", 9) == 0 || strncmp(l, "low alarm", 9) == 0 ||
	    strncmp(l, "high alarm", 10) == 0) {
		free(l);
		return 0;
	}
	/* "Turbidity: high alarm above 1 NTU, high-high alarm above 4
	 * NTU": the second alarm is the critical level. */
	hh = double_alarm(l) != NULL;
	single = !is_warn(l) && !is_crit(l) && !hh;
	/* "alarm below 6 ft; critical below 4 ft": beside a critical
	 * level, an alarm is the first one. */
	alarm = !single && strstr(l, "alarm") != NULL;
	free(l);
	/* The metric: the text before the first comparison or keyword;
	 * before a colon that comes first, all of it ("Pump 2 drive
	 * current: warning above 6.5 A"). */
	if ((mlen = metric_colon(text)) > 0)
		;
	else for (mlen = 0; text[mlen] != '\0' && text[mlen] != ':' &&
	    text[mlen] != '>' && text[mlen] != '<' && (text[mlen] != '(' ||
	    abbrev_paren(text + mlen)) &&
	    text[mlen] != '=' && !(isdigit((unsigned char)text[mlen]) &&
	    (mlen == 0 || !isalnum((unsigned char)text[mlen - 1])) &&
	    !num_word(text + mlen)); mlen++)
		if (strchr("wWcCaAbB ", text[mlen]) == NULL)
			continue;
		else if (strncasecmp(text + mlen, "warn", 4) == 0 ||
		    strncasecmp(text + mlen, "crit", 4) == 0 ||
		    strncasecmp(text + mlen, "above", 5) == 0 ||
		    strncasecmp(text + mlen, "below", 5) == 0 ||
		    strncasecmp(text + mlen, "alert", 5) == 0 ||
		    strncasecmp(text + mlen, " at ", 4) == 0)
			break;
	metric = xstrndup(text, mlen);
	rest = xstrdup(text + mlen);
	for (clause = rest; clause != NULL; clause = next) {
		/* ", " or ";": a comma in 1,600 is a number's. */
		for (next = clause; *next != '\0' && *next != ';' &&
		    !(*next == ',' && next[1] == ' ') &&
		    strncmp(next, " and ", 5) != 0 &&
		    strncmp(next, " or ", 4) != 0 &&
		    strncmp(next, " / ", 3) != 0 &&
		    strncmp(next, "\xe3\x80\x81", 3) != 0 &&
		    strncmp(next, "\xe3\x80\x82", 3) != 0; next++)
			;
		if (*next != '\0') {
			/* Japanese's comma and full stop */
			if (strncmp(next, "\xe3\x80\x81", 3) == 0 ||
			    strncmp(next, "\xe3\x80\x82", 3) == 0)
				*next++ = '\0', *next++ = ' ';
			if (strncmp(next, " or ", 4) == 0 ||
			    strncmp(next, " / ", 3) == 0)
				*next++ = '\0';	/* then as " and " */
			if (*next == ' ')
				*next++ = '\0';
			*next++ = '\0';
		} else
			next = NULL;
		if (!next_cmp(clause, &c))
			continue;
		lc = lower(clause);
		if (single) {
			/* One level, not called a warning: the page.  What
			 * stands before "alert at" is the target. */
			const char *kw = NULL, *const kws[] = { "alert",
			    "page", "threshold", "trigger", "alarm", NULL };
			struct cmp after;
			size_t q;

			for (q = 0; kws[q] != NULL && kw == NULL; q++)
				kw = strstr(lc, kws[q]);
			if (kw != NULL && next_cmp(clause + (kw - lc), &after)) {
				if (c.end <= clause + (kw - lc) && !ht)
					target = c, ht = 1;
				c = after;
			}
			if (!hc)
				crit = c, hc = 1;
		} else if (is_crit(lc) || strstr(lc, "page") != NULL ||
		    is_warn(lc) || (alarm && strstr(lc, "alarm") != NULL)) {
			/* "< 0.5% (warn at 2%": the level is what follows
			 * its word; what stands before it, the target. */
			const char *two = hh ? double_alarm(lc) : NULL;
			int crit_kw = is_crit(lc) || strstr(lc, "page") !=
			    NULL || two != NULL;
			const char *kw = crit_kw ? (is_crit(lc) ? level_word(lc,
			    0) : two != NULL ? two : strstr(lc, "page")) :
			    level_word(lc, 1);

			if (kw == NULL && !crit_kw)
				kw = strstr(lc, "alarm");
			struct cmp after;

			if (kw != NULL && c.end <= clause + (kw - lc) &&
			    next_cmp(clause + (kw - lc), &after) &&
			    !aside_between(clause + (kw - lc), after.start)) {
				if (!ht)
					target = c, ht = 1;
				c = after;
			}
			if (crit_kw && !hc)
				crit = c, hc = 1;
			else if (!crit_kw && !hw)
				warn = c, hw = 1;
		} else if (strstr(lc, "target") != NULL ||
		    strstr(lc, "normal") != NULL) {
			if (!ht)
				target = c, ht = 1;
		}
		free(lc);
	}
	free(rest);
	if (hw || hc)
		add_threshold_for(x, dash_trim(trim(metric)), ht ? &target : NULL,
		    hw ? &warn : NULL, hc ? &crit : NULL, text, line);
	free(metric);
	return hw || hc;
}

/* ------------------------------------------------------------- tables */

static int
is_table(cmark_node *n)
{
	const char *s = cmark_node_get_type_string(n);

	return s != NULL && strcmp(s, "table") == 0;
}

/* Cell k of row (a table row node), or NULL. */
static cmark_node *
cell(cmark_node *row, size_t k)
{
	cmark_node *c = cmark_node_first_child(row);

	while (c != NULL && k-- > 0)
		c = cmark_node_next(c);
	return c;
}

/* The text of cell k of row, malloc'd: a <br> in it ends a line, so
 * that two phone numbers in one cell stay two. */
static char *
cell_text(cmark_node *row, size_t k)
{
	cmark_node *c = cell(row, k);
	struct buf b = { NULL, 0, 0 };

	if (c == NULL)
		return xstrdup("");
	md_text(c, &b, MD_TEXT_BREAKS);
	buf_cstr(&b);
	return buf_detach(&b);
}

/* The contact a "Field | Value" table under a person's heading gives:
 * its Name, Role, Phone, Email, Slack, Pager rows; the heading is its
 * role where no row names one. */
static void
person_table(struct ex *x, cmark_node *head)
{
	cmark_node *row;
	struct ynode *c = NULL;
	const char *hd;
	int hl, away = 0;

	for (row = cmark_node_next(head); row != NULL;
	    row = cmark_node_next(row)) {
		char *a = cell_text(row, 0), *b = cell_text(row, 1);
		char *la = lower(trim(a)), *v = trim(b);
		int line = node_line(x, row);
		enum field f = field_of(la);

		if (c == NULL)
			c = item_at(x, line);
		away |= gone(v) || gone(la);
		if (*v == '\0' || dashes(v) || strncasecmp(v, "n/a", 3) == 0 ||
		    strncasecmp(v, "none", 4) == 0)
			;
		else if (strcmp(la, "name") == 0)
			set_field(x, c, F_NAME, v, line);
		else if (strcmp(la, "role") == 0 || strcmp(la, "title") == 0 ||
		    strcmp(la, "position") == 0)
			set_field(x, c, F_ROLE, v, line);
		else if (f == F_PHONE || f == F_EMAIL || f == F_CHAT ||
		    f == F_URL || f == F_PAGER)
			set_parts(x, c, v, line, f);
		free(la);
		free(a);
		free(b);
	}
	if (c == NULL || away)
		return;
	if (ymap_get(c, "role") == NULL && (hd = nearest(x, &hl)) != NULL)
		set_field(x, c, F_ROLE, hd, c->line);
	add_contact(x, c);
}

/* Returns 1 for a column head that numbers the rows ("Step", "Order",
 * "#", "Level", "Tier"), lower-cased. */
static int
ordinal_col(const char *h)
{
	static const char *const w[] = { "#", "no", "no.", "nr", "step",
	    "order", "level", "tier", "stage", "rank", "seq", "sequence",
	    "escalation level", "call order", "", NULL };
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if (strcmp(h, w[i]) == 0)
			return 1;
	return 0;
}

/* Returns 1 if a cell of row says its person is gone ("left the hospital
 * in Jan 2024", "Ancien DBA"). */
static int
row_gone(cmark_node *row, size_t cols)
{
	size_t k;
	int away = 0;

	for (k = 0; k < cols && !away; k++) {
		char *v = cell_text(row, k);

		away = gone(v);
		free(v);
	}
	/* "| ~~Fraud liaison~~ | ~~Paul Greaves~~ | ...": struck
	 * through, its first cell's text all of it. */
	if (!away && (row = cmark_node_first_child(row)) != NULL &&
	    (row = cmark_node_first_child(row)) != NULL &&
	    cmark_node_next(row) == NULL && cmark_node_get_type_string(row) !=
	    NULL && strcmp(cmark_node_get_type_string(row),
	    "strikethrough") == 0)
		away = 1;
	return away;
}

/* The unit in parentheses that ends s ("Replication lag (s)"), moved to
 * unit and cut from s; or nothing. */
static void
paren_unit(char *s, char unit[16])
{
	char *o = strrchr(s, '('), *c;

	if (o == NULL || (c = strchr(o, ')')) == NULL || c - o > 14 ||
	    c[1] != '\0')
		return;
	*c = '\0';
	snprintf(unit, 16, "%s", o + 1);
	unit_norm(unit);
	if (unit[0] != '\0' || strcmp(o + 1, "%") == 0) {
		if (unit[0] == '\0')
			strcpy(unit, "%");
		*o = '\0';
		trim(s);
		while (*s != '\0' && s[strlen(s) - 1] == ' ')
			s[strlen(s) - 1] = '\0';
	} else
		*c = ')';
}

/* Returns 1 if a table's header h (lower-case) names a level itself
 * ("Critical", "Page at"), not only where the levels are written
 * ("Condition", "Threshold"). */
static int
hdr_level(const char *h)
{
	return is_warn(h) || is_crit(h) || strstr(h, "page") != NULL;
}

/* Column kinds of a table, from its header words. */
enum col {
	C_NONE, C_METRIC, C_WARN, C_CRIT, C_TARGET, C_FOR, C_UNIT, C_DIR,
	C_SEV, C_RESP, C_DESC, C_WHEN, C_WHO, C_NOTIFY
};

static enum col
col_of(const char *h, enum section sec)
{
	static const struct {
		const char	*word;
		enum col	 c;
	} words[] = {
		/* "Crit\xc3\xa9rio", "Criteria": what a level means. */
		{ "crit\xc3\xa9rio", C_DESC }, { "criterio", C_DESC },
		{ "criteria", C_DESC }, { "criterion", C_DESC },
		{ "crit\xc3\xa8re", C_DESC },
		{ "warn", C_WARN }, { "crit", C_CRIT }, { "page", C_CRIT },
		{ "aviso", C_WARN }, { "avviso", C_WARN },
		{ "waarschuw", C_WARN }, { "\xe8\xad\xa6\xe5\x91\x8a", C_WARN },
		{ "\xe5\x8d\xb1\xe9\x99\xba", C_CRIT },
		{ "janela", C_FOR }, { "finestra", C_FOR }, { "venster", C_FOR },
		{ "hold-off", C_FOR }, { "holdoff", C_FOR },
		{ "hold time", C_FOR },
		{ "n\xc3\xadvel", C_SEV }, { "nivel", C_SEV },
		{ "livello", C_SEV }, { "niveau", C_SEV },
		{ "resposta", C_RESP }, { "risposta", C_RESP },
		{ "reactie", C_RESP },
		{ "krit", C_CRIT }, { "advert", C_WARN },
		{ "avertis", C_WARN }, { "dur\xc3\xa9" "e", C_FOR },
		{ "duraci\xc3\xb3n", C_FOR }, { "durata", C_FOR },
		{ "dura\xc3\xa7\xc3\xa3o", C_FOR },
		{ "cr\xc3\xad" "t", C_CRIT },
		{ "alert at", C_CRIT }, { "threshold", C_CRIT },
		{ "condition", C_CRIT }, { "trigger", C_CRIT },
		{ "umbral", C_CRIT }, { "schwell", C_CRIT },
		{ "notif", C_NOTIFY }, { "escalate to", C_NOTIFY },
		{ "respon", C_RESP }, { "ack", C_RESP }, { "sla", C_RESP },
		{ "reaktion", C_RESP }, { "respuesta", C_RESP },
		{ "time to", C_RESP }, { "\xe5\x88\x9d\xe5\x8b\x95", C_RESP },
		{ "\xe5\xbf\x9c\xe7\xad\x94", C_RESP },
		{ "\xe5\x86\x85\xe5\xae\xb9", C_DESC },
		{ "\xe3\x83\xac\xe3\x83\x99\xe3\x83\xab", C_SEV },
		{ "target", C_TARGET }, { "baseline", C_TARGET },
		{ "normal", C_TARGET }, { "expected", C_TARGET },
		{ "healthy", C_TARGET }, { "slo", C_TARGET },
		{ "ziel", C_TARGET }, { "objetivo", C_TARGET },
		{ "duration", C_FOR }, { "sustained", C_FOR },
		{ "window", C_FOR }, { "unit", C_UNIT }, { "direction", C_DIR },
		{ "sever", C_SEV }, { "priority", C_SEV }, { "sev", C_SEV },
		{ "stufe", C_SEV }, { "prioridad", C_SEV },
		{ "desc", C_DESC }, { "definition", C_DESC },
		{ "impact", C_DESC }, { "meaning", C_DESC },
		{ "metric", C_METRIC }, { "signal", C_METRIC },
		{ "indicator", C_METRIC }, { "alert", C_METRIC },
		{ "check", C_METRIC }, { "kpi", C_METRIC }, { "sli", C_METRIC },
		{ "métrica", C_METRIC }, { "metrik", C_METRIC },
	};
	size_t i;

	if (strcmp(h, "for") == 0)
		return C_FOR;
	if (strcmp(h, "level") == 0)
		return sec == SEC_ESCALATION ? C_NONE : C_SEV;
	/* Traffic lights and alarm grades: "Green | Amber | Red",
	 * "Minor alarm | Major alarm". */
	if (sec == SEC_THRESHOLDS) {
		if (strcmp(h, "amber") == 0 || strcmp(h, "yellow") == 0 ||
		    strcmp(h, "orange") == 0 || (word_at(h, "minor") &&
		    strlen(h) < 16))
			return C_WARN;
		if (strcmp(h, "red") == 0 || (word_at(h, "major") &&
		    strlen(h) < 16) || strcmp(h, "alarm") == 0 ||
		    strcmp(h, "alarme") == 0 || strcmp(h, "allarme") == 0)
			return C_CRIT;
		if (strcmp(h, "green") == 0)
			return C_TARGET;
	}
	if (sec == SEC_SEVERITY && (strcmp(h, "category") == 0 ||
	    strcmp(h, "class") == 0 || strcmp(h, "priority") == 0))
		return C_SEV;
	if (sec == SEC_ESCALATION && (strstr(h, "after") != NULL ||
	    strstr(h, "when") != NULL || strstr(h, "delay") != NULL ||
	    strstr(h, "wait") != NULL || strcmp(h, "time") == 0))
		return C_WHEN;
	/* "Cu\xc3\xa1ndo | A qui\xc3\xa9n", "Quand | Qui", "Wann | Wer",
	 * "Quando | Chi", "Wanneer | Wie". */
	if (sec == SEC_ESCALATION) {
		static const char *const when_w[] = { "cu\xc3\xa1ndo",
		    "cuando", "quand", "wann", "quando", "wanneer", "tras",
		    "despu\xc3\xa9s", "apr\xc3\xa8s", "nach", "dopo",
		    "ap\xc3\xb3s", "depois", "d\xc3\xa9lai", "plazo",
		    "prazo", "frist", "tiempo", "temps", "zeit", "tempo",
		    "tijd", NULL };
		static const char *const who_w[] = { "qui\xc3\xa9n", "quien",
		    "qui", "wer", "chi", "quem", "wie", "contacto",
		    "contatto", "contato", "kontakt", "persona", "personne",
		    "ansprechpartner", "destinataire", "destinatario", NULL };

		for (i = 0; when_w[i] != NULL; i++)
			if (has_word(h, when_w[i], strlen(when_w[i])))
				return C_WHEN;
		for (i = 0; who_w[i] != NULL; i++)
			if (has_word(h, who_w[i], strlen(who_w[i])))
				return C_WHO;
	}
	/* "Who is paged" names people, not a paging threshold. */
	if (strstr(h, "who") != NULL && strstr(h, "notif") == NULL)
		return C_WHO;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strstr(h, words[i].word) != NULL)
			return words[i].c;
	if (strstr(h, "contact") != NULL ||
	    strstr(h, "role") != NULL || strstr(h, "person") != NULL)
		return C_WHO;
	if (strcmp(h, "name") == 0)
		return C_METRIC;	/* a threshold's, or a contact's */
	return C_NONE;
}

static void
table(struct ex *x, cmark_node *t, enum section sec)
{
	cmark_node *head = cmark_node_first_child(t), *row;
	size_t cols = 0, k;
	char *h[16], unit_h[16][16];
	enum col c[16];
	enum field f[16];
	int metric = -1, warn = -1, crit = -1, target = -1, sevc = -1;
	int resp = -1, desc = -1, forc = -1, unitc = -1, when = -1, who = -1;
	/* The "when" column says when to move on, not when to page. */
	int moves_on = 0;
	long waited = 0;
	size_t esc_before = x->escalation->n;
	int notc = -1;
	int reach = 0, nslot = 0;

	if (head == NULL)
		return;
	for (row = cmark_node_first_child(head); row != NULL && cols < 16;
	    row = cmark_node_next(row)) {
		char *text = node_text(row);
		h[cols] = lower(trim(text));
		unit_h[cols][0] = '\0';
		paren_unit(h[cols], unit_h[cols]);
		cols++;
		free(text);
	}
	for (k = 0; k < cols; k++) {
		/* Who to reach is not looked for in a thresholds table. */
		f[k] = sec == SEC_THRESHOLDS ? F_NONE : field_of(h[k]);
		c[k] = col_of(h[k], sec);
		reach |= f[k] == F_PHONE || f[k] == F_EMAIL || f[k] == F_CHAT;
		nslot += k > 0 && f[k] == F_NONE && slot_column(h[k]);
		switch (c[k]) {
		case C_WARN: if (warn == -1) warn = (int)k; break;
		case C_CRIT: if (crit == -1) crit = (int)k; break;
		case C_TARGET: if (target == -1) target = (int)k; break;
		case C_FOR: if (forc == -1) forc = (int)k; break;
		case C_UNIT: if (unitc == -1) unitc = (int)k; break;
		case C_SEV: if (sevc == -1) sevc = (int)k; break;
		case C_RESP: if (resp == -1) resp = (int)k; break;
		case C_DESC: if (desc == -1) desc = (int)k; break;
		case C_NOTIFY: if (notc == -1) notc = (int)k; break;
		case C_METRIC: if (metric == -1) metric = (int)k; break;
		case C_WHEN: if (when == -1) when = (int)k; break;
		case C_WHO: if (who == -1) who = (int)k; break;
		default: break;
		}
	}
	if (metric == -1 && (warn > 0 || crit > 0))
		metric = 0;
	/* "### Primary" then "Field | Value", "Name | Ibrahim Al-Sayed",
	 * "Phone | +33 ...": one person's table. */
	if (sec == SEC_CONTACTS && cols == 2 && (strcmp(h[0], "field") == 0 ||
	    strcmp(h[0], "key") == 0 || strcmp(h[0], "attribute") == 0 ||
	    strcmp(h[0], "item") == 0 || h[0][0] == '\0')) {
		person_table(x, head);
		for (k = 0; k < cols; k++)
			free(h[k]);
		return;
	}
	if (when != -1 && (strstr(h[when], "escalate after") != NULL ||
	    strstr(h[when], "escalates after") != NULL ||
	    strstr(h[when], "timeout") != NULL ||
	    strstr(h[when], "escalation after") != NULL))
		moves_on = 1;
	for (row = cmark_node_next(head); row != NULL;
	    row = cmark_node_next(row)) {
		int line = node_line(x, row);

		/* A "Field | Value" table: "Owner | team-edge". */
		if (cols == 2) {
			char *a = cell_text(row, 0), *b = cell_text(row, 1);
			char *kv = xasprintf("%s: %s", trim(a), trim(b));
			meta_line(x, kv, line);
			free(kv);
			free(a);
			free(b);
		}
		if ((warn != -1 || crit != -1) && metric != -1 && sevc == -1 &&
		    sec != SEC_CONTACTS && sec != SEC_ESCALATION) {
			struct cmp cw, cc, ct;
			char *m = cell_text(row, (size_t)metric), *mt = trim(m);
			char *w = warn != -1 ? cell_text(row, (size_t)warn) :
			    NULL, *cr = crit != -1 ? cell_text(row,
			    (size_t)crit) : NULL, *tg = target != -1 ?
			    cell_text(row, (size_t)target) : NULL;
			int hw = w != NULL && next_cmp(w, &cw);
			int hc = cr != NULL && next_cmp(cr, &cc);
			int ht = tg != NULL && next_cmp(tg, &ct);
			char unit[16] = "";

			/* "Alert | Condition" whose cell names the levels:
			 * "> 500 for 10m (warn), > 2000 (page)". */
			if (warn == -1 && cr != NULL && !hdr_level(h[crit])) {
				char *lc = lower(cr);
				int named = is_warn(lc) && (is_crit(lc) ||
				    strstr(lc, "page") != NULL);
				free(lc);
				if (named) {
					char *tl = xasprintf("%s: %s", mt,
					    trim(cr));
					threshold_line(x, tl, line);
					free(tl);
					hw = hc = 0;
				}
			}
			paren_unit(mt, unit);
			if (unit[0] == '\0' && unitc != -1) {
				char *u = cell_text(row, (size_t)unitc);
				snprintf(unit, sizeof(unit), "%s", trim(u));
				free(u);
			}
			if (unit[0] == '\0' && warn != -1)
				snprintf(unit, sizeof(unit), "%s",
				    unit_h[warn]);
			if (unit[0] == '\0' && crit != -1)
				snprintf(unit, sizeof(unit), "%s",
				    unit_h[crit]);
			if (unit[0] != '\0') {
				if (hw && cw.unit[0] == '\0')
					strcpy(cw.unit, unit);
				if (hc && cc.unit[0] == '\0')
					strcpy(cc.unit, unit);
			}
			if (hw || hc) {
				size_t before = x->thresholds->n;
				add_threshold(x, mt, ht ? &ct : NULL,
				    hw ? &cw : NULL, hc ? &cc : NULL, line);
				if (forc != -1 && x->thresholds->n > before) {
					char *fv = cell_text(row, (size_t)forc),
					    d[24];
					if (duration(fv, d))
						put(x, x->thresholds->items[before],
						    "for", d, line);
					free(fv);
				}
			}
			free(m);
			free(w);
			free(cr);
			free(tg);
		} else if (sevc != -1 && (resp != -1 || desc != -1) &&
		    sec != SEC_ESCALATION) {
			struct ynode *s = item_at(x, line);
			char *n = cell_text(row, (size_t)sevc), d[24];
			char *code = sev_name(trim(n));

			put(x, s, "name", code, line);
			free(code);
			free(n);
			if (desc != -1) {
				n = cell_text(row, (size_t)desc);
				put(x, s, "description", trim(n), line);
				free(n);
			}
			if (resp != -1) {
				n = cell_text(row, (size_t)resp);
				if (duration(n, d))
					put(x, s, "response", d, line);
				free(n);
			}
			/* Who is notified: its column, or the people a
			 * "Who is paged" column names. */
			if (notc != -1 || who != -1) {
				n = cell_text(row, (size_t)(notc != -1 ? notc :
				    who));
				put_notify(x, s, n, line);
				free(n);
			}
			yseq_push(x->a, x->severity, s);
		} else if (sec == SEC_ESCALATION && sevc != -1) {
			/* A severity x contact matrix: the first row's
			 * contacts, in order, are the escalation; the other
			 * rows' are kept apart (each severity its chain). */
			struct ynode *chain = x->escalation->n == 0 ?
			    x->escalation : x->esc_more;
			char *sv = cell_text(row, (size_t)sevc);
			long long lvl = 0;

			for (k = 0; k < cols; k++) {
				char *wv;
				struct ynode *s;
				if ((int)k == sevc)
					continue;
				wv = cell_text(row, k);
				if (*trim(wv) != '\0') {
					s = item_at(x, line);
					ymap_add(x->a, s, "level", ynew_int(x->a,
					    ++lvl));
					s->items[s->n - 1]->line = line;
					put(x, s, "who", trim(wv), line);
					put(x, s, "severity", trim(sv), line);
					yseq_push(x->a, chain, s);
				}
				free(wv);
			}
			free(sv);
		} else if (sec == SEC_ESCALATION) {
			/* "After | Who", "Level | Who | When", "Step | After
			 * | Notify" */
			struct ynode *s = item_at(x, line);
			int wc = who != -1 ? who : notc;

			for (k = 0; wc == -1 && k < cols; k++)
				if ((int)k != when && !ordinal_col(h[k]))
					wc = (int)k;
			if (wc == -1)
				wc = when == 0 ? 1 : 0;
			char *wv = cell_text(row, (size_t)wc), *tv, d[24];
			char w[24];
			int has;

			if (*trim(wv) != '\0') {
				ymap_add(x->a, s, "level", ynew_int(x->a,
				    (long long)x->escalation->n + 1));
				s->items[s->n - 1]->line = line;
				put(x, s, "who", trim(wv), line);
				/* "Level | After | Who | How": how to reach
				 * them, for the step's contact. */
				for (k = 0; k < cols; k++)
					if ((int)k != wc && (int)k != when &&
					    (f[k] == F_PHONE || f[k] == F_EMAIL ||
					    f[k] == F_CHAT || f[k] == F_PAGER ||
					    strcmp(h[k], "how") == 0 ||
					    strstr(h[k], "reach") != NULL ||
					    strstr(h[k], "contact") != NULL)) {
						tv = cell_text(row, k);
						if (*trim(tv) != '\0')
							put(x, s, "_how",
							    trim(tv), line);
						free(tv);
						break;
					}
				if (when != -1) {
					tv = cell_text(row, (size_t)when);
					has = duration(tv, d);
					/* "after | who" with "0" first */
					if (!has && strcmp(trim(tv), "0") == 0) {
						strcpy(d, "0m");
						has = 1;
					}
					free(tv);
					/* PagerDuty's "Escalate after": this
					 * level is paged when the ones before
					 * have had their time. */
					/* "Escalate after" with none for
					 * the first row: each row's own
					 * time, not when it moves on. */
					if (moves_on && x->escalation->n ==
					    esc_before && !has)
						moves_on = 0;
					if (moves_on) {
						snprintf(w, sizeof(w), "%ldm",
						    waited);
						if (waited >= 0)
							put(x, s, "after", w,
							    line);
						waited = waited >= 0 && has &&
						    duration_minutes(d) >= 0 ?
						    waited + duration_minutes(d) :
						    -1;
					} else if (has)
						put(x, s, "after", d, line);
				}
				yseq_push(x->a, x->escalation, s);
			}
			free(wv);
		} else if (sec == SEC_CONTACTS && nslot >= 2) {
			/* "Team | Primary | Backup": a contact in each
			 * slot, "Payments on-call (primary)". */
			char *team = cell_text(row, 0);

			for (k = 1; k < cols; k++) {
				char *v, *tv, *role;
				struct ynode *ct;
				if (f[k] != F_NONE || !slot_column(h[k]))
					continue;
				v = cell_text(row, k);
				tv = trim(v);
				if (*tv != '\0' && !dashes(tv)) {
					size_t q;
					ct = item_at(x, line);
					role = xasprintf("%s (%s)", trim(team),
					    h[k]);
					put(x, ct, "role", role, line);
					free(role);
					set_parts(x, ct, tv, line, F_NAME);
					/* "Day | Primary | Phone | Backup |
					 * Phone": the columns up to the next
					 * slot are this slot's person's. */
					for (q = k + 1; q < cols &&
					    !(f[q] == F_NONE &&
					    slot_column(h[q])); q++) {
						char *rv;
						if (f[q] != F_PHONE &&
						    f[q] != F_EMAIL &&
						    f[q] != F_CHAT &&
						    f[q] != F_PAGER)
							continue;
						rv = cell_text(row, q);
						if (*trim(rv) != '\0' &&
						    !dashes(trim(rv)))
							set_parts(x, ct, trim(rv),
							    line, f[q]);
						free(rv);
					}
					if (has_reach(ct))
						add_contact(x, ct);
				}
				free(v);
			}
			free(team);
		} else if ((sec == SEC_CONTACTS || reach) && !row_gone(row, cols)) {
			struct ynode *ct = item_at(x, line);
			char *cover = NULL;

			for (k = 0; k < cols; k++) {
				char *v = cell_text(row, k), *tv = trim(v);
				enum field ff = f[k];
				enum field lk = looks(tv);

				/* "On leave until 5 Jan 2027 \xe2\x80\x94 cover:
				 * Helen Barre, 555-0158" */
				if (cover == NULL)
					cover = handover(tv);
				/* "Contact | Fiona McLeod": a name where it
				 * reads as one, else a role ("Duty CRE"). */
				if (ff == F_NAME && strcmp(h[k], "name") != 0 &&
				    strcmp(h[k], "nombre") != 0 &&
				    !full_name(tv))
					ff = F_ROLE;
				/* "Name | rotation": no one's name. */
				if (ff == F_NAME && islower((unsigned char)*tv))
					ff = F_NONE;
				if ((ff == F_NONE || ff == F_NAME ||
				    ff == F_ROLE) && lk != F_NONE &&
				    lk != F_NAME)
					ff = lk;
				/* "Order | Who | Role": a rank, no role. */
				if (ff == F_NONE && (int)k == 0 &&
				    !ordinal_col(h[k]))
					ff = F_ROLE;
				if (ordinal_col(h[k]) && lk != F_PHONE)
					ff = F_NONE;
				/* "Shift lead | Mark Ellison": a person's
				 * column. */
				if (ff == F_NONE && lk == F_NAME &&
				    name_like(tv) && person_column(h[k]))
					ff = F_NAME;
				if (ff != F_NONE && *tv != '\0' && !dashes(tv))
					set_parts(x, ct, tv, line, ff);
				else if (ff == F_NONE && *tv != '\0' &&
				    (strstr(h[k], "reach") != NULL ||
				    strstr(h[k], "how") != NULL ||
				    strstr(h[k], "channel") != NULL ||
				    strstr(h[k], "method") != NULL)) {
					/* "How to reach": "#ml-oncall or page
					 * \"ml-serving\" in PagerDuty": its ways
					 * to reach, not its words. */
					static const char *const rk[] = {
					    "phone", "email", "chat", "url",
					    "pager", NULL };
					struct ynode *tmp = ynew(x->a, Y_MAP);
					size_t q;
					set_parts(x, tmp, tv, line, F_NONE);
					for (q = 0; rk[q] != NULL; q++)
						if (ymap_get(tmp, rk[q]) != NULL &&
						    ymap_get(ct, rk[q]) == NULL)
							ymap_add(x->a, ct, rk[q],
							    (struct ynode *)
							    ymap_get(tmp, rk[q]));
				}
				free(v);
			}
			if (cover != NULL) {
				cover_in(x, ct, cover, line);
				free(cover);
			}
			if (has_reach(ct) || (sec == SEC_CONTACTS &&
			    ymap_get(ct, "name") != NULL))
				add_contact(x, ct);
		}
	}
	for (k = 0; k < cols; k++)
		free(h[k]);
}

/* ------------------------------------------------------------- lists */

/* Returns how many of the n bytes at s are in brackets ("(werktags
 * 16:00-07:30, Wochenende ganzt\xc3\xa4gig)"). */
static size_t
bracketed(const char *s, size_t n)
{
	size_t i, in = 0, depth = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '(')
			depth++;
		else if (s[i] == ')' && depth > 0)
			depth--;
		else if (depth > 0)
			in++;
	}
	return in;
}

/* Splits "Label: rest" ("**SEV-1**: ...", "SEV-1 - ..."): returns the
 * label (malloc'd) and points *rest after it, or NULL. */
static char *
label_of(const char *text, const char **rest)
{
	const char *c = strchr(text, ':'), *d = strstr(text, " - ");

	/* "(werktags 16:00-07:30): ...": a time's colon is no label's. */
	while (c != NULL && c > text && isdigit((unsigned char)c[-1]) &&
	    isdigit((unsigned char)c[1]))
		c = strchr(c + 1, ':');
	const char *e = strstr(text, " \xe2\x80\x93 ");	/* en dash */
	const char *m = strstr(text, " \xe2\x80\x94 ");	/* em dash */
	const char *q = strstr(text, " = ");	/* "sev1 = site down" */
	const char *cut = c;
	size_t n;

	if (q != NULL && (cut == NULL || q < cut))
		cut = q;
	if (d != NULL && (cut == NULL || d < cut))
		cut = d;
	if (e != NULL && (cut == NULL || e < cut))
		cut = e;
	if (m != NULL && (cut == NULL || m < cut))
		cut = m, e = m;
	if (cut == NULL || cut == text || (size_t)(cut - text) -
	    bracketed(text, (size_t)(cut - text)) > 60)
		return NULL;
	/* "https://" is not a label. */
	if (cut == c && c[1] == '/')
		return NULL;
	n = (size_t)(cut - text);
	*rest = cut + (cut == c ? 1 : cut == d || cut == q ? 3 : 5);
	while (**rest == ' ')
		(*rest)++;
	return xstrndup(text, n);
}

/* Returns the severity code in s ("P1", "SEV-1", "Sev 2", "S1"), as
 * written, malloc'd; or NULL. */
static char *
sev_code(const char *s)
{
	const char *p;
	size_t n;

	for (p = s; *p != '\0'; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		if ((p[0] == 'P' || p[0] == 'S' || p[0] == 'p') &&
		    isdigit((unsigned char)p[1]) && !isalnum((unsigned char)p[2]))
			return xstrndup(p, 2);
		if (strncasecmp(p, "stufe ", 6) == 0 &&
		    isdigit((unsigned char)p[6]))
			return xstrndup(p, 7);
		/* "Priority 1", "Category 2", "Cat 1", "Prioridad 1",
		 * "Priorität 1": the words as written. */
		{
			static const char *const w[] = { "priority ",
			    "prio ", "category ", "cat ", "prioridad ",
			    "categor\xc3\xad" "a ", "priorit\xc3\xa4t ",
			    "kategorie ", NULL };
			size_t i;
			for (i = 0; w[i] != NULL; i++) {
				n = strlen(w[i]);
				if (strncasecmp(p, w[i], n) == 0 &&
				    isdigit((unsigned char)p[n]) &&
				    !isalnum((unsigned char)p[n + 1]))
					return xstrndup(p, n + 1);
			}
		}
		if (strncasecmp(p, "sev", 3) == 0) {
			n = 3;
			if (strncasecmp(p, "severity", 8) == 0)
				n = 8;
			if (p[n] == '-' || p[n] == ' ' || p[n] == '_')
				n++;
			if (isdigit((unsigned char)p[n]) &&
			    !isalnum((unsigned char)p[n + 1]))
				return xstrndup(p, n + 1);
			/* "Sev A" */
			if (n > 3 && p[n - 1] == ' ' && p[n] >= 'A' &&
			    p[n] <= 'E' && !isalnum((unsigned char)p[n + 1]))
				return xstrndup(p, n + 1);
		}
	}
	return NULL;
}

/* Returns 1 if s begins with a word that names a severity ("Critical",
 * "High", "Major"). */
static int
sev_word(const char *s)
{
	static const char *const words[] = { "critical", "high", "medium",
	    "low", "major", "minor", "urgent", "emergency", "severe",
	    "moderate", "informational", "critique", "majeur", "mineur",
	    "bloquant", "kritisch", "hoch", "mittel", "niedrig",
	    "cr\xc3\xadtico", "alto", "medio", "bajo", NULL };
	char *l = lower(s), *t = trim(l);
	size_t i;
	int r = 0;

	for (i = 0; words[i] != NULL && !r; i++)
		r = strncmp(t, words[i], strlen(words[i])) == 0;
	free(l);
	return r;
}

/* Returns "Level 1", "Level A" (as written, malloc'd) if s starts with
 * one, or NULL: a severity only under a severity heading, where it is
 * asked for. */
static char *
level_code(const char *s)
{
	static const char *const w[] = { "level ", "niveau ", "nivel ",
	    "impact level ", NULL };
	size_t i, n;

	while (*s == ' ' || *s == '*' || *s == '_')
		s++;
	for (i = 0; w[i] != NULL; i++) {
		n = strlen(w[i]);
		if (strncasecmp(s, w[i], n) == 0 && (isdigit((unsigned char)
		    s[n]) || (s[n] >= 'A' && s[n] <= 'E')) &&
		    !isalnum((unsigned char)s[n + 1]))
			return xstrndup(s, n + 1);
	}
	return NULL;
}

/* Sets *d to "1d" if text says the level is answered the next working
 * day ("Next business day.", "Traitement en heures ouvr\xc3\xa9es");
 * returns 1, or 0. */
static int
sev_later(const char *text, char d[24])
{
	char *l = lower(text);
	int ok = strstr(l, "next business day") != NULL ||
	    strstr(l, "next working day") != NULL ||
	    strstr(l, "heures ouvr") != NULL ||
	    strstr(l, "jour ouvr") != NULL;

	free(l);
	if (ok)
		strcpy(d, "1d");
	return ok;
}

/* Sets s's notify list from "Notify: A, B." or "Notify CMIO, CNO and
 * the House Supervisor." in text, if it has none. */
static void
notify_in(struct ex *x, struct ynode *s, const char *text, int line)
{
	static const char *const w[] = { "notify:", "notify ", "notifies ",
	    "pr\xc3\xa9venir :", "pr\xc3\xa9venir:", "informer :",
	    "notificar:", "notificar a ", "benachrichtigen:", NULL };
	char *l = lower(text), *t, *e;
	const char *q = NULL;
	size_t i;

	for (i = 0; w[i] != NULL && q == NULL; i++)
		if ((q = strstr(l, w[i])) != NULL) {
			/* Not "do not notify customers". */
			if ((q > l && isalpha((unsigned char)q[-1])) ||
			    (q - l >= 4 && strncmp(q - 4, "not ", 4) == 0))
				q = NULL;
			else
				q += strlen(w[i]);
		}
	if (q == NULL || ymap_get(s, "notify") != NULL) {
		free(l);
		return;
	}
	t = xstrdup(text + (q - l));
	free(l);
	if ((e = strstr(t, ". ")) != NULL)
		*e = '\0';
	if ((e = strchr(t, '\0')) > t && e[-1] == '.')
		e[-1] = '\0';
	/* "CMIO, CNO and the House Supervisor" */
	for (e = t; (e = strstr(e, " and ")) != NULL; )
		memcpy(e, ",   ", 4), e += 4;
	for (e = t; (e = strstr(e, ", the ")) != NULL; )
		memcpy(e + 2, "    ", 4), e += 6;
	if (strncasecmp(trim(t), "the ", 4) == 0)
		memcpy(trim(t), "    ", 4);
	put_notify(x, s, t, line);
	free(t);
}

/* The severity's name in a heading or label: its code, else its first
 * word ("Critical - Immediate response" Critical); malloc'd. */
static char *
sev_name(const char *s)
{
	char *code = sev_code(s), *t, *e;

	if (code != NULL)
		return code;
	t = xstrdup(s);
	for (e = t; *e != '\0' && *e != ' ' && *e != '(' && *e != ':' &&
	    *e != '-'; e++)
		;
	*e = '\0';
	return t;
}

/* Returns where in the lower-cased s a response time is stated
 * ("respond within", "response:", "acknowledge within", "Reaktionszeit",
 * "tiempo de respuesta"), or NULL. */
static const char *
resp_at(const char *l)
{
	static const char *const words[] = { "respon", "acknowledg", "ack ",
	    "ack:", "sla", "reaktion", "respuesta", "time to",
	    "prise en charge", "d\xc3\xa9lai", NULL };
	const char *p;
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		for (p = l; (p = strstr(p, words[i])) != NULL; p++)
			/* Not "Responsable DBA", "responsible". */
			if (i != 0 || (strncmp(p + 6, "sab", 3) != 0 &&
			    strncmp(p + 6, "sib", 3) != 0))
				return p;
	return NULL;
}

/* The response time a severity item's text or its sub-items state. */
static int
sev_response(cmark_node *item, const char *text, char d[24])
{
	cmark_node *sub, *it;
	char *l = lower(text), *t, *lt;
	const char *r;
	int ok = 0;

	if ((r = resp_at(l)) != NULL && duration(r, d))
		ok = 1;
	/* "... \xe2\x80\x94 15 min response": the time before the word. */
	else if (r != NULL) {
		const char *b = r - (r - l > 16 ? 16 : r - l);

		ok = duration_n(b, (size_t)(r - b), d);
	}
	free(l);
	if (ok)
		return 1;
	for (sub = item != NULL ? cmark_node_first_child(item) : NULL;
	    sub != NULL && !ok; sub = cmark_node_next(sub)) {
		if (cmark_node_get_type(sub) != CMARK_NODE_LIST)
			continue;
		for (it = cmark_node_first_child(sub); it != NULL && !ok;
		    it = cmark_node_next(it)) {
			t = item_text(it);
			lt = lower(t);
			if ((r = resp_at(lt)) != NULL)
				ok = duration(r, d);
			free(lt);
			free(t);
		}
	}
	return ok;
}

/*
 * Sets the notify list of severity level s to the people text names
 * ("incident commander, VP Engineering"), as written: the text rarely
 * uses contact ids, so check.c does not hold them to be ids.
 */
static void
put_notify(struct ex *x, struct ynode *s, const char *text, int line)
{
	struct ynode *l = NULL;
	char *t = xstrdup(text), *p = t, *e, *w;

	if (strcasecmp(trim(t), "n/a") == 0)
		*t = '\0';
	while (*p != '\0') {
		e = p + strcspn(p, ",;/+");
		if (*e != '\0')
			*e++ = '\0';
		else
			e = p + strlen(p);
		w = trim(p);
		if (strncasecmp(w, "and ", 4) == 0)
			w = trim(w + 4);
		if (strncasecmp(w, "the ", 4) == 0)
			w = trim(w + 4);
		/* "Nobody (ticket)", "none": no one to notify. */
		if (*w != '\0' && strlen(w) < 80 && strcmp(w, "-") != 0 &&
		    strcasecmp(w, "n/a") != 0 && strncasecmp(w, "nobody",
		    6) != 0 && strncasecmp(w, "none", 4) != 0 &&
		    strncasecmp(w, "no one", 6) != 0) {
			if (l == NULL)
				l = ynew(x->a, Y_SEQ);
			yseq_push(x->a, l, str_at(x, w, strlen(w), line));
		}
		p = e;
	}
	free(t);
	if (l != NULL && ymap_get(s, "notify") == NULL) {
		l->line = line;
		l->col = 1;
		ymap_add(x->a, s, "notify", l);
	}
}

/* The people a severity list item's sub-items say are notified
 * ("Notify: ...", "Who is notified: ...", "Escalate to: ..."). */
static void
sev_notify(struct ex *x, struct ynode *s, cmark_node *item)
{
	cmark_node *sub, *it;
	char *t, *lt, *colon;

	for (sub = item != NULL ? cmark_node_first_child(item) : NULL;
	    sub != NULL; sub = cmark_node_next(sub)) {
		if (cmark_node_get_type(sub) != CMARK_NODE_LIST)
			continue;
		for (it = cmark_node_first_child(sub); it != NULL;
		    it = cmark_node_next(it)) {
			t = item_text(it);
			lt = lower(t);
			if ((colon = strchr(lt, ':')) != NULL) {
				*colon = '\0';	/* the label */
				if (strstr(lt, "notif") != NULL ||
				    strstr(lt, "escalate to") != NULL)
					put_notify(x, s, t + (colon - lt) + 1,
					    node_line(x, it));
			}
			free(lt);
			free(t);
		}
	}
}

/* Returns 1 for the label of a line about the document, not a person
 * ("Version", "Last updated", "Owner"). */
static int
meta_label(const char *label)
{
	static const char *const words[] = { "version", "updated", "review",
	    "owner", "maintain", "date", "status", "author", NULL };
	char *l = lower(label), *o, *e;
	int r;

	/* "Community manager (player comms / status tweets)": a role's
	 * qualifier, not the label. */
	while ((o = strchr(l, '(')) != NULL && (e = strchr(o, ')')) != NULL)
		memmove(o, e + 1, strlen(e + 1) + 1);
	r = has_any(l, words);
	free(l);
	return r;
}

/* The field a "Label: value" item's label names in a heading block
 * ("Phone", "E-mail", "Emergency contact"), or F_NONE. */
static enum field
block_field(const char *label)
{
	enum field f = field_of(label);
	char *l = lower(label);

	if (f == F_ROLE || (f == F_NAME && strcmp(trim(l), "name") != 0 &&
	    strstr(l, "contact") == NULL))
		f = F_NONE;
	free(l);
	return f;
}

/* Returns 1 if most labelled items of lst name contact fields: the list
 * is one contact's ("### On-call" then "- Phone: ...", "- Email: ..."). */
static int
is_block(cmark_node *lst)
{
	cmark_node *it;
	int fields = 0, labels = 0;

	for (it = cmark_node_first_child(lst); it != NULL;
	    it = cmark_node_next(it)) {
		char *text = item_text(it), *lab;
		const char *rest;

		if ((lab = label_of(text, &rest)) != NULL) {
			labels++;
			fields += block_field(lab) != F_NONE;
			free(lab);
		}
		free(text);
	}
	return labels > 0 && 2 * fields >= labels;
}

/* Returns 1 if lst is a rota: items "Primary: X", "Secondary: Y",
 * "Escalation: Z", none with a phone, address or channel. */
static int
is_rota(cmark_node *lst)
{
	static const char *const words[] = { "primary", "secondary",
	    "tertiary", "backup", "escalation", "fallback", "first",
	    "second", "third", NULL };
	cmark_node *it;
	int rota = 0, n = 0;

	for (it = cmark_node_first_child(lst); it != NULL;
	    it = cmark_node_next(it)) {
		char *text = item_text(it), *lab, *l;
		const char *rest;
		size_t k;

		n++;
		if (strchr(text, '@') != NULL || strchr(text, '#') != NULL ||
		    strchr(text, '+') != NULL) {
			free(text);
			return 0;
		}
		if ((lab = label_of(text, &rest)) != NULL) {
			l = lower(trim(lab));
			for (k = 0; words[k] != NULL; k++)
				if (strcmp(l, words[k]) == 0)
					rota++;
			free(l);
			free(lab);
		}
		free(text);
	}
	return rota >= 2 && rota == n;
}

/*
 * Keeps each severity level once: a level named again later ("Checkout
 * fails for all users -> SEV1" among examples) is the first one, and
 * gives it only what it lacks.
 */
static void
sev_once(struct ex *x)
{
	struct ynode *sev = x->severity, *a, *b;
	const char *na, *nb;
	size_t i, j, k, o = 0;

	for (i = 0; i < sev->n; i++) {
		b = sev->items[i];
		nb = ystr(ymap_get(b, "name"));
		for (j = 0, a = NULL; nb != NULL && j < o && a == NULL; j++)
			if ((na = ystr(ymap_get(sev->items[j], "name"))) !=
			    NULL && strcasecmp(na, nb) == 0)
				a = sev->items[j];
		if (a == NULL) {
			sev->items[o++] = b;
			continue;
		}
		for (k = 0; k < b->n; k++)
			if (b->items[k]->type != Y_NULL && b->keys[k]->s != NULL &&
			    ymap_get(a, b->keys[k]->s) == NULL)
				ymap_put(x->a, a, b->keys[k], b->items[k]);
	}
	sev->n = o;
}

/* Returns 1 if s says its person is not to be called: "left the
 * company", "Former lead", "no longer on the rota", "a quitt\xc3\xa9
 * l'entreprise", "do not call". */
static int
gone(const char *s)
{
	static const char *const no[] = { "do not call", "don't call",
	    "do not page", "left the ", "has left", "no longer", "former ",
	    "formerly", "moved to the", "moved on", "retired", "ancien ",
	    "ancienne ", "a quitt\xc3\xa9", "ehemalig", "nicht mehr",
	    "ya no est", "ex-employee", "not with the company",
	    "do not escalate", "not for noc", "disconnected", "test device",
	    "test lane", "test number", "test phone", "not a person",
	    "not us)", "not us.", "met pensioen", "niet meer", "niet bellen",
	    "in pensione", "non chiamare", "non pi\xc3\xb9", "aposentad",
	    "n\xc3\xa3o ligar", "nao ligar", "jubilad", "no llamar",
	    "retrait\xc3\xa9", "ne plus appeler", "ne pas appeler",
	    "nicht anrufen", "im ruhestand", "testanruf", "test call",
	    "left in 19", "left in 20", "left on ", "vertrokken",
	    "ha lasciato", "uit dienst",
	    "test line", "num\xc3\xa9ro de test", "n\xc3\xbamero de prueba",
	    "numero di test", NULL };
	size_t i;

	for (i = 0; no[i] != NULL; i++)
		if (strcasestr_ascii(s, no[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Returns 1 if list item it is struck through (its first paragraph
 * begins with ~~) or, among contacts or escalation steps, says not to
 * call.
 */
static int
struck(cmark_node *it, enum section sec)
{
	cmark_node *p = cmark_node_first_child(it), *c;
	const char *t;

	if (p == NULL || cmark_node_get_type(p) != CMARK_NODE_PARAGRAPH)
		return 0;
	c = cmark_node_first_child(p);
	if (c != NULL && (t = cmark_node_get_type_string(c)) != NULL &&
	    strcmp(t, "strikethrough") == 0)
		return 1;
	if (sec != SEC_CONTACTS && sec != SEC_ESCALATION)
		return 0;
	for (; c != NULL; c = cmark_node_next(c))
		if (cmark_node_get_type(c) == CMARK_NODE_TEXT &&
		    (t = cmark_node_get_literal(c)) != NULL && gone(t))
			return 1;
	return 0;
}

/*
 * "Live Ops on-call this week is on the PagerDuty schedule: page
 * `liveops-primary`": a rota reached through the paging tool, with no
 * label to name it; its role is the words before the verb.
 */
static void
paged_rota(struct ex *x, const char *text, int line)
{
	static const char *const stop[] = { " is ", " are ", " this ",
	    " rotates", " on the ", " via ", " through ", " uses ",
	    " \xe2\x80\x94 ", " \xe2\x80\x93 ", " - ", ": ", ", ", "; ",
	    " (", NULL };
	const char *from, *e = NULL, *q;
	char *pg = pager_of(text, &from), *role;
	struct ynode *c;
	size_t i, words = 1;

	if (pg == NULL)
		return;
	free(pg);
	for (i = 0; stop[i] != NULL; i++)
		if ((q = strstr(text, stop[i])) != NULL && q < from &&
		    (e == NULL || q < e))
			e = q;
	if (e == NULL || e == text || !isupper((unsigned char)*text))
		return;
	for (q = text; q < e; q++)
		words += *q == ' ';
	if (words > 5)
		return;
	c = item_at(x, line);
	role = xstrndup(text, (size_t)(e - text));
	put(x, c, "role", role, line);
	free(role);
	set_parts(x, c, text + (e - text), line, F_NONE);
	add_contact(x, c);
}

/*
 * "The rota is paged through the PagerDuty service `storefront-primary`",
 * a sentence of a contacts section whose subject is the rota the section
 * gives (a table of who is on call which day): the rota, reached through
 * the paging tool, named after its heading ("On-call rota").
 */
static void
rota_prose(struct ex *x, const char *text, int line)
{
	static const char *const subj[] = { "the rota ", "this rota ",
	    "our rota ", "the on-call rota ", "the schedule ",
	    "this schedule ", "the rotation ", "this rotation ",
	    "the on-call ", "whoever is on call ", "whoever is on-call ",
	    NULL };
	const char *from, *h, *v;
	char *pg = pager_of(text, &from), *l = lower(text), *hl;
	struct ynode *c;
	size_t i;
	int hlv, ok = 0;

	for (i = 0; pg != NULL && subj[i] != NULL && !ok; i++)
		ok = strncmp(l, subj[i], strlen(subj[i])) == 0;
	free(l);
	if (!ok) {
		free(pg);
		return;
	}
	for (i = 0; i < x->contacts->n; i++)
		if ((v = ystr(ymap_get(x->contacts->items[i], "pager"))) !=
		    NULL && strcmp(v, pg) == 0) {
			free(pg);
			return;		/* given already */
		}
	h = nearest(x, &hlv);
	hl = h != NULL ? lower(h) : NULL;
	ok = hl != NULL && (strstr(hl, "rota") || strstr(hl, "on-call") ||
	    strstr(hl, "on call") || strstr(hl, "schedule") ||
	    strstr(hl, "rotation"));
	free(hl);
	c = item_at(x, line);
	put(x, c, "role", ok ? h : "On-call rota", line);
	put(x, c, "pager", pg, line);
	add_contact(x, c);
	free(pg);
}

/* Returns the role the first words of text state, malloc'd, or NULL:
 * "Streaming Ops lead. First call during business hours", "Out-of-hours
 * on-call (weekly rotation)" - a few words, cut at the first '.', '(',
 * ',' or dash. */
static char *
lead_role(const char *text)
{
	size_t n = strcspn(text, ".(,;:"), words = 1, i;
	const char *d;

	if ((d = strstr(text, " \xe2\x80\x94")) != NULL && (size_t)(d - text) < n)
		n = (size_t)(d - text);
	if ((d = strstr(text, " - ")) != NULL && (size_t)(d - text) < n)
		n = (size_t)(d - text);
	while (n > 0 && text[n - 1] == ' ')
		n--;
	for (i = 0; i < n; i++)
		words += text[i] == ' ';
	if (n == 0 || words > 6 || !isupper((unsigned char)text[0]))
		return NULL;
	return xstrndup(text, n);
}

/*
 * "Rafael Costa \xe2\x80\x94 SRE, cluster-autoscaler expert \xe2\x80\x94 +351
 * ...": a person's name as the label, then their role.  Sets both on c,
 * moves *rest past the role and returns 1; else 0.
 */
static int
name_then_role(struct ex *x, struct ynode *c, const char *lab,
    const char **rest, int line)
{
	static const char *const cut[] = { " \xe2\x80\x94 ",
	    " \xe2\x80\x93 ", " - ", ", ", NULL };
	const char *e = NULL, *q;
	char *role;
	size_t i;

	if (!full_name(lab) || strchr(lab, '(') != NULL)
		return 0;
	for (i = 0; cut[i] != NULL; i++)
		if ((q = strstr(*rest, cut[i])) != NULL && (e == NULL ||
		    q < e))
			e = q;
	if (e == NULL || e == *rest || e - *rest > 60)
		return 0;
	role = xstrndup(*rest, (size_t)(e - *rest));
	if (looks(role) != F_NAME || full_name(role) ||
	    digit_count(role) > 0 || strchr(role, '@') != NULL) {
		free(role);
		return 0;
	}
	put(x, c, "name", lab, line);
	put(x, c, "role", trim(role), line);
	free(role);
	*rest = e + 1;
	while (**rest != '\0' && **rest != ' ')
		(*rest)++;	/* past the dash */
	return 1;
}

/*
 * "Kwame Mensah (DBA lead), +1 415 555 0199", "Kwame Mensah, DBA lead,
 * reachable on +1 ...": a contact item with no label, who it is, then
 * after a comma how to reach them.  Returns who (malloc'd) and points
 * *rest at how; or NULL.  Who begins with a person's full name, how with
 * a number, an address, a handle or a word that gives one.
 */
static char *
comma_label(const char *text, const char **rest)
{
	static const char *const reach[] = { "reachable", "reached",
	    "tel", "phone", "mobile", "cell", "email", "e-mail", "mail ",
	    "call ", "pager", "slack", "ext", "on +", "at +", NULL };
	const char *p, *r, *sp;
	char *who, *name;
	size_t i;
	int ok;

	for (p = text; (p = strpbrk(p, ",;")) != NULL; p++) {
		if (p - text > 80)
			return NULL;
		for (r = p + 1; *r == ' '; r++)
			;
		sp = r + strcspn(r, " ,;");
		ok = *r == '+' || isdigit((unsigned char)*r) ||
		    (*r == '(' && isdigit((unsigned char)r[1])) ||
		    ((*r == '@' || *r == '#') && sp > r + 1) ||
		    memchr(r, '@', (size_t)(sp - r)) != NULL;
		for (i = 0; !ok && reach[i] != NULL; i++)
			ok = strncasecmp(r, reach[i], strlen(reach[i])) == 0;
		if (!ok)
			continue;
		who = xstrndup(text, (size_t)(p - text));
		name = xstrndup(who, strcspn(who, "(,"));
		ok = full_name(trim(name));
		free(name);
		if (!ok) {
			free(who);
			return NULL;
		}
		*rest = r;
		return who;
	}
	return NULL;
}

/* Returns 1 if s says its person is away for a while: "on parental
 * leave until March", "out of office", "in ferie". */
static int
away(const char *s)
{
	static const char *const w[] = { "on leave", "parental leave",
	    "maternity leave", "paternity leave", "sick leave", "on holiday",
	    "on vacation", "sabbatical", "out of office", "away until",
	    "unavailable until", "absent", "in ferie", "in congedo",
	    "in maternit\xc3\xa0", "de licen\xc3\xa7" "a", "de f\xc3\xa9rias",
	    "en cong\xc3\xa9", "en vacances", "im urlaub", "in elternzeit",
	    "met verlof", "op vakantie", "de vacaciones", "de baja", NULL };
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if (strcasestr_ascii(s, w[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Returns where text names who stands in for someone ("her successor is
 * ", "cover: ", "while on leave: ", "in sua assenza ", "Vertretung: ",
 * the earliest), its length in *n; or NULL.
 */
static const char *
cover_at(const char *text, size_t *n)
{
	static const char *const mark[] = { "successor is ", "successor: ",
	    "replaced by ", "replacement is ", "replacement: ", "cover: ",
	    "covered by ", "cover is ", "covering: ", "covering is ",
	    "stand-in: ", "stand-in is ", "standing in: ", "instead call ",
	    "instead, call ", "until then, call ", "until then call ",
	    "in the meantime, call ", "meanwhile, call ", "while on leave: ",
	    "while away: ", "in her absence, ", "in his absence, ",
	    "in their absence, ", "in her absence ", "in his absence ",
	    "sostituto: ", "sostituito da ", "sostituita da ",
	    "sostituto \xc3\xa8 ", "in sua assenza ", "substituto: ",
	    "substitu\xc3\xad" "do por ", "substitu\xc3\xad" "da por ",
	    "substituto \xc3\xa9 ", "remplac\xc3\xa9 par ",
	    "remplac\xc3\xa9" "e par ", "rempla\xc3\xa7" "ant : ",
	    "rempla\xc3\xa7" "ant: ", "en son absence, ",
	    "vervangen door ", "vervanger: ", "vervanger is ",
	    "vertretung: ", "vertreten durch ", "nachfolger: ",
	    "nachfolgerin: ", "nachfolger ist ", "sucesor: ",
	    "sustituto: ", "reemplazado por ", "reemplazada por ", NULL };
	const char *at = NULL, *q;
	size_t i;

	*n = 0;
	for (i = 0; mark[i] != NULL; i++)
		if ((q = strcasestr_ascii(text, mark[i])) != NULL &&
		    (at == NULL || q < at)) {
			at = q;
			*n = strlen(mark[i]);
		}
	return at;
}

/*
 * "Maria Lopez (DBA lead) retired in June; her successor is Mr. Kwame
 * Mensah, reachable on +1 ...", "Network: Priya Nair is on parental
 * leave until March; cover: Tom Berg, +44 ...": someone gone or away,
 * and who is called instead.  Returns the item as it reads of the one
 * called ("DBA lead: Kwame Mensah, reachable on +1 ...": the label, or
 * the role in brackets, kept), malloc'd; or NULL.
 */
static char *
handover(const char *text)
{
	static const char *const title[] = { "Mr. ", "Ms. ", "Mrs. ",
	    "Mx. ", "Sr. ", "Sra. ", "Herr ", "Frau ", "M. ", "Mme ", NULL };
	const char *at, *rest, *o, *c;
	char *before, *lab, *role = NULL, *out;
	size_t i, mlen;

	if ((at = cover_at(text, &mlen)) == NULL)
		return NULL;
	before = xstrndup(text, (size_t)(at - text));
	if (!gone(before) && !away(before)) {
		free(before);
		return NULL;
	}
	at += mlen;
	for (i = 0; title[i] != NULL; i++)
		if (strncmp(at, title[i], strlen(title[i])) == 0)
			at += strlen(title[i]);
	/* The role: in brackets ("Maria Lopez (DBA lead) retired"), else
	 * the label ("Network: Priya Nair is on leave"), if neither names
	 * a person nor says they are away. */
	lab = label_of(before, &rest);
	o = strchr(lab != NULL ? lab : before, '(');
	if (o != NULL && (c = strchr(o, ')')) != NULL && c > o + 1)
		role = xstrndup(o + 1, (size_t)(c - o - 1));
	if (role != NULL && (gone(role) || away(role))) {
		free(role);
		role = NULL;
	}
	if (role == NULL && lab != NULL && !full_name(trim(lab)) &&
	    !gone(lab) && !away(lab))
		role = xstrdup(trim(lab));
	free(lab);
	out = role != NULL ? xasprintf("%s: %s", trim(role), at) :
	    xstrdup(at);
	free(role);
	free(before);
	return out;
}

/* Puts on contact c the person of from (name and ways to reach), in
 * place of its own; c keeps its role. */
static void
take_person(struct ex *x, struct ynode *c, const struct ynode *from)
{
	static const char *const keys[] = { "name", "phone", "email",
	    "chat", "pager", NULL };
	size_t i;

	for (i = 0; keys[i] != NULL; i++)
		map_drop(c, keys[i]);
	for (i = 0; keys[i] != NULL; i++)
		if (ymap_get(from, keys[i]) != NULL)
			ymap_add(x->a, c, keys[i],
			    (struct ynode *)ymap_get(from, keys[i]));
}

/*
 * Puts on contact c, made of a row of the one away ("Tomasz Wojcik |
 * 555-0153 | ... | On leave until 5 Jan 2027 - cover: Helen Barre,
 * 555-0158"), who covers and how to reach them (handover's text), in
 * place of the absent person's name and ways to reach; its role stays.
 */
static void
cover_in(struct ex *x, struct ynode *c, const char *text, int line)
{
	struct ynode *tmp = ynew(x->a, Y_MAP);
	const char *rest = text, *v;
	char *lab = label_of(text, &rest);

	free(lab);		/* "Senior pharmacist: Helen Barre, ..." */
	set_parts(x, tmp, rest, line, F_NONE);
	if ((v = ystr(ymap_get(tmp, "name"))) == NULL || !full_name(v) ||
	    !has_reach(tmp))
		return;
	take_person(x, c, tmp);
}

/* The one contact of x named at the earliest place in text (after from),
 * but skip; its place in *at.  NULL if none, or if two share that name. */
static struct ynode *
named_in(struct ex *x, const char *text, const char *from,
    const struct ynode *skip, const char **at)
{
	struct ynode *best = NULL;
	const char *v, *q;
	size_t i, k;
	int same = 0;

	*at = NULL;
	for (i = 0; i < x->contacts->n; i++) {
		struct ynode *c = x->contacts->items[i];

		if (c == skip || (v = ystr(ymap_get(c, "name"))) == NULL ||
		    !full_name(v))
			continue;
		/* "Giulia Ferraro", or "Giulia" where no other contact
		 * has that first name. */
		if ((q = strstr(from, v)) == NULL) {
			size_t fn = strcspn(v, " ");
			const char *w;

			if (fn < 3)
				continue;
			for (k = 0; k < x->contacts->n; k++)
				if (x->contacts->items[k] != c &&
				    (w = ystr(ymap_get(x->contacts->items[k],
				    "name"))) != NULL && strncmp(w, v, fn) == 0 &&
				    (w[fn] == ' ' || w[fn] == '\0'))
					break;
			if (k < x->contacts->n)
				continue;
			for (q = from; (q = strstr(q, "")) != NULL && *q != '\0';
			    q++)
				if (strncmp(q, v, fn) == 0 && (q == text ||
				    !isalnum((unsigned char)q[-1])) &&
				    !isalnum((unsigned char)q[fn]))
					break;
			if (q == NULL || *q == '\0')
				continue;
		}
		if (*at == NULL || q < *at) {
			best = c;
			*at = q;
			same = 0;
			for (k = 0; k < x->contacts->n; k++)
				same += x->contacts->items[k] != c &&
				    ystr(ymap_get(x->contacts->items[k],
				    "name")) != NULL && strcmp(ystr(ymap_get(
				    x->contacts->items[k], "name")), v) == 0;
		}
	}
	return same == 0 ? best : NULL;
}

/*
 * "Nadia Benali est en cong\xc3\xa9 maternit\xc3\xa9 ... ; Mathieu Roux assure
 * l'astreinte", "Katrin Vogel ist ... im Urlaub; Vertretung: Emre
 * Yilmaz": a note that a contact is away and another covers.  The
 * absent contact keeps its role and takes who covers and how to reach
 * them (the cover's own contact's).
 */
static void
absence_note(struct ex *x, const char *text, int line)
{
	struct ynode *absent, *cover;
	const char *a, *b;
	size_t n;

	if (!away(text) || x->contacts->n < 2)
		return;
	if ((absent = named_in(x, text, text, NULL, &a)) == NULL)
		return;
	n = strlen(ystr(ymap_get(absent, "name")));
	if ((cover = named_in(x, text, a + n, absent, &b)) != NULL &&
	    has_reach(cover)) {
		take_person(x, absent, cover);
		return;
	}
	/* "...; la sostituisce Marco Greco, cell. +39 333 555 0160": one
	 * the list does not have, with a number. */
	for (b = a + n; *b != '\0'; b++)
		if (isupper((unsigned char)*b) && (b == text ||
		    b[-1] == ' ') && lead_name(b)) {
			cover_in(x, absent, b, line);
			return;
		}
}

/* The items of a list under sec. */
static void
list(struct ex *x, cmark_node *lst, enum section sec, const char *head)
{
	cmark_node *it, *sub;
	struct ynode *block = NULL;
	int level = 0, hl, blockmode = sec == SEC_CONTACTS && is_block(lst);

	/* "- Primary: Team lead", "- Secondary: ...": a rota, no way to
	 * reach anyone given: the order of escalation. */
	if (sec == SEC_CONTACTS && !blockmode && is_rota(lst) &&
	    x->escalation->n == 0)
		sec = SEC_ESCALATION;
	struct ynode *sevblock = NULL;
	char d[24];

	/* "Transit provider NOCs (open a ticket, do not escalate people
	 * there):" then a list: no one of it is to be called. */
	if ((sec == SEC_CONTACTS || sec == SEC_ESCALATION) &&
	    cmark_node_previous(lst) != NULL &&
	    cmark_node_get_type(cmark_node_previous(lst)) ==
	    CMARK_NODE_PARAGRAPH) {
		char *pt = node_text(cmark_node_previous(lst));
		size_t pn = strlen(pt);
		/* Its introduction, "...:", not "Don't call people's
		 * phones unless Opsgenie fails." */
		int away = pn > 0 && pt[pn - 1] == ':' && gone(pt);

		free(pt);
		if (away)
			return;
	}

	if (sec == SEC_SEVERITY) {
		/* Under a heading that is a severity level itself. */
		const char *h = nearest(x, &hl);
		char *code = h != NULL && h != head ? sev_code(h) : NULL;

		if (code == NULL && h != NULL && h != head && sev_word(h))
			code = sev_name(h);
		if (code != NULL) {
			sevblock = item_at(x, x->hline[hl]);
			put(x, sevblock, "name", code, sevblock->line);
			free(code);
		}
	}

	for (it = cmark_node_first_child(lst); it != NULL;
	    it = cmark_node_next(it)) {
		char *text, *lab, *ho;
		const char *rest = NULL;
		int line = node_line(x, it);

		/* "Maria Lopez retired; her successor is ...": who is
		 * called instead. */
		text = item_text(it);
		ho = sec == SEC_CONTACTS && !blockmode ? handover(text) : NULL;
		/* "~~Primary: Bob Smith~~ (left, do NOT call)": struck
		 * through, no one to call, nor a step or level. */
		if (ho == NULL && struck(it, sec)) {
			free(text);
			continue;
		}
		if (ho != NULL) {
			free(text);
			text = ho;
		}
		level++;
		lab = label_of(text, &rest);
		/* "Kwame Mensah (DBA lead), +1 ...": who, then how. */
		if (lab == NULL && sec == SEC_CONTACTS)
			lab = comma_label(text, &rest);
		switch (sec) {
		case SEC_CONTACTS: {
			if (blockmode) {
				/* A heading block: "### On-call" then
				 * "- Phone: ...", "- Email: ..." */
				enum field f = lab != NULL ? block_field(lab) :
				    F_NONE;
				if (block == NULL)
					block = item_at(x, node_line(x, lst));
				if (f == F_NAME && strcasecmp(trim(lab), "name") ==
				    0)
					set_field(x, block, F_NAME,
					    trim((char *)rest), line);
				else if (f != F_NONE)
					set_parts(x, block, rest, line,
					    f == F_NAME ? F_NONE : f);
				break;
			}
			if (lab != NULL && ((block_field(lab) == F_NONE &&
			    field_of(lab) != F_NONE && field_of(lab) != F_ROLE &&
			    field_of(lab) != F_NAME) || meta_label(lab) ||
			    note_label(trim(lab))))
				break;
			if (lab != NULL) {
				struct ynode *c = item_at(x, line);
				if (!name_then_role(x, c, trim(lab), &rest,
				    line))
					put_role(x, c, trim(lab), line);
				set_parts(x, c, rest, line, F_NONE);
				add_contact(x, c);
			} else {
				paged_rota(x, text, line);
				absence_note(x, text, line);
			}
			/* "- Giulia Ferraro ..." then "  - Giulia e in
			 * ferie ...; la sostituisce Marco Greco, ...". */
			for (sub = cmark_node_first_child(it); sub != NULL;
			    sub = cmark_node_next(sub)) {
				cmark_node *s2;

				if (cmark_node_get_type(sub) != CMARK_NODE_LIST)
					continue;
				for (s2 = cmark_node_first_child(sub); s2 != NULL;
				    s2 = cmark_node_next(s2)) {
					char *t2 = item_text(s2);

					absence_note(x, t2, node_line(x, s2));
					free(t2);
				}
			}
			break;
		}
		case SEC_SEVERITY: {
			char *code = sev_code(lab != NULL ? lab : text);
			struct ynode *s;

			/* "Level 1 (Critical): ...", under a severity
			 * heading. */
			if (code == NULL)
				code = level_code(lab != NULL ? lab : text);

			if (sevblock != NULL) {
				/* "#### Critical (P1)" then "- Response
				 * time: 15 minutes" */
				char *ll = lab != NULL ? lower(lab) : NULL;
				char *lt = lower(text);
				const char *ra = resp_at(lt);
				if (ra != NULL && ymap_get(sevblock,
				    "response") == NULL && duration(ra, d))
					put(x, sevblock, "response", d, line);
				free(lt);
				if (ra != NULL)
					;
				else if (ll != NULL && (strstr(ll, "defin") ||
				    strstr(ll, "descr") || strstr(ll,
				    "impact")) && ymap_get(sevblock,
				    "description") == NULL)
					put(x, sevblock, "description",
					    trim((char *)rest), line);
				free(ll);
				free(code);
				break;
			}
			if (code == NULL && (lab == NULL || !sev_word(lab))) {
				free(code);
				break;
			}
			s = item_at(x, line);
			put(x, s, "name", code != NULL ? code : trim(lab), line);
			if (rest != NULL && *rest != '\0')
				put(x, s, "description", trim((char *)rest),
				    line);
			if (sev_response(it, rest != NULL ? rest : "", d))
				put(x, s, "response", d, line);
			else if (rest != NULL && sev_later(rest, d))
				put(x, s, "response", d, line);
			sev_notify(x, s, it);
			if (rest != NULL)
				notify_in(x, s, rest, line);
			yseq_push(x->a, x->severity, s);
			free(code);
			break;
		}
		case SEC_ESCALATION: {
			struct ynode *s;
			const char *who = rest != NULL ? rest : text;
			char *lv = lab != NULL ? lower(lab) : NULL;
			int n = level;

			/* "- Sev1: acknowledge within 5 minutes": how fast,
			 * not whom. */
			if (lab != NULL && rest != NULL && esc_sla(lab, rest)) {
				free(lv);
				level--;
				break;
			}
			s = item_at(x, line);

			if (lv != NULL && (strstr(lv, "level") != NULL ||
			    strstr(lv, "tier") != NULL || strstr(lv, "step") !=
			    NULL)) {
				const char *q = lv;
				while (*q != '\0' && !isdigit((unsigned char)*q))
					q++;
				if (*q != '\0')
					n = atoi(q);
			} else if (lab != NULL && rest != NULL &&
			    !duration(lab, d)) {
				/* "After 20 min: Amadeus Service Desk": the
				 * label is when, the rest who. */
				who = text;
			}
			free(lv);
			ymap_add(x->a, s, "level", ynew_int(x->a, n));
			s->items[s->n - 1]->line = line;
			{
				/* "The Duty Manager is paged immediately.":
				 * the one paged. */
				char *w = passive_who(who);
				if (w == NULL)
					w = xstrdup(who);
				put(x, s, "who", trim(esc_when_cut(w)), line);
				free(w);
			}
			if (duration(text, d)) {
				char *lt = lower(text);
				if (x->escalation->n > 0 && since_prev(lt))
					after_prev(x, d);
				free(lt);
				put(x, s, "after", d, line);
			}
			yseq_push(x->a, x->escalation, s);
			break;
		}
		case SEC_THRESHOLDS:
			if (threshold_line(x, text, line))
				break;
			/* "Error Rate" then "- Warning: > 1%". */
			for (sub = cmark_node_first_child(it); sub != NULL;
			    sub = cmark_node_next(sub)) {
				cmark_node *s2;
				struct cmp cw, cc, ct;
				int hw = 0, hc = 0, ht = 0;

				if (cmark_node_get_type(sub) != CMARK_NODE_LIST)
					continue;
				for (s2 = cmark_node_first_child(sub); s2 != NULL;
				    s2 = cmark_node_next(s2)) {
					char *t2 = item_text(s2), *l2 = lower(t2);
					if (strncmp(trim(l2), "warn", 4) == 0)
						hw = next_cmp(t2, &cw);
					else if (strncmp(trim(l2), "crit", 4) == 0)
						hc = next_cmp(t2, &cc);
					else if (strncmp(trim(l2), "target", 6) ==
					    0 || strncmp(trim(l2), "normal", 6) ==
					    0 || strncmp(trim(l2), "baseline",
					    8) == 0)
						ht = next_cmp(t2, &ct);
					free(l2);
					free(t2);
				}
				if (hw || hc)
					add_threshold_for(x, trim(text), ht ?
					    &ct : NULL, hw ? &cw : NULL, hc ?
					    &cc : NULL, text, line);
			}
			break;
		default:
			break;
		}
		free(lab);
		free(text);
	}
	if (sevblock != NULL) {
		/* One level a heading: once, however many lists it has. */
		size_t k;
		for (k = 0; k < x->severity->n; k++)
			if (x->severity->items[k]->line == sevblock->line)
				break;
		if (k == x->severity->n)
			yseq_push(x->a, x->severity, sevblock);
	}
	if (block != NULL) {
		const char *h = nearest(x, &hl);
		cmark_node *pv = cmark_node_previous(lst);
		char *about = pv != NULL && cmark_node_get_type(pv) ==
		    CMARK_NODE_PARAGRAPH ? node_text(pv) : NULL;
		/* "<details><summary>Primary on-call \xe2\x80\x94 Nikhil
		 * Rao</summary>" then "- Phone: ...": the summary is the
		 * heading. */
		char *sum = pv != NULL && cmark_node_get_type(pv) ==
		    CMARK_NODE_CUSTOM_BLOCK ? node_text(pv) : NULL;

		if (sum != NULL && (*trim(sum) == '\0' || strlen(sum) > 80)) {
			free(sum);
			sum = NULL;
		}
		if (sum != NULL && gone(sum)) {
			free(sum);
			free(about);
			return;
		}
		if (sum != NULL) {
			char *dash = strstr(sum, " \xe2\x80\x94 ");

			if (dash == NULL)
				dash = strstr(sum, " - ");
			if (dash != NULL && full_name(trim(dash + (dash[1] ==
			    '-' ? 3 : 5))) && ymap_get(block, "name") == NULL) {
				set_field(x, block, F_NAME, trim(dash +
				    (dash[1] == '-' ? 3 : 5)), block->line);
				*dash = '\0';
			}
			h = trim(sum);
		}

		/* "### Jonas Weber" then "Former lead - moved to the Ads
		 * team": no one to call. */
		if (about != NULL && gone(about)) {
			free(about);
			return;
		}
		if (h != NULL) {
			/* "📞 Contact Methods": the words, not the icon. */
			const char *w = h;
			while ((unsigned char)*w >= 0x80)
				w++;
			if (w > h && *w == ' ')
				h = w + 1;
			/* "### Marta Kowalczyk" then "Streaming Ops lead.
			 * First call ...": her name and her role. */
			if (about != NULL && full_name(h) &&
			    ymap_get(block, "name") == NULL &&
			    (w = lead_role(about)) != NULL) {
				set_field(x, block, F_NAME, h, block->line);
				set_field(x, block, F_ROLE, w, block->line);
				free((char *)w);
			} else
				set_field(x, block, F_ROLE, h, block->line);
		}
		free(about);
		if (has_reach(block) || ymap_get(block, "name") != NULL) {
			/* The heading's line is the contact's. */
			if (sum == NULL)
				block->line = hl > 0 ? x->hline[hl] :
				    block->line;
			add_contact(x, block);
		}
		free(sum);
	}
	/* A step that a sentence about contacts gave and this list under
	 * an escalation heading gives again ("The on-call engineer should
	 * always be contacted first", then "1. The Claims Platform on-call
	 * engineer is paged immediately"): the list's, once. */
	if (sec == SEC_ESCALATION && x->esc_aside > 0)
		aside_dups(x);
}

/* ------------------------------------------------------ anywhere */

/* What a line about the document says: owner, last review, interval. */
enum meta {
	M_NONE,
	M_OWNER,
	M_REVIEWED,
	M_EVERY
};

/* Returns what the part of a line s begins with says, and points *rest
 * after its words ("Last reviewed 2025-09-12", "Owner: team-x",
 * "Maintained by the Platform team", "Zuletzt geprüft: 04.02.2025"). */
static enum meta
meta_of(const char *s, const char **rest)
{
	static const struct {
		const char	*words;
		enum meta	 m;
	} phrases[] = {
		{ "owner", M_OWNER }, { "owners", M_OWNER },
		{ "owned by", M_OWNER }, { "maintained by", M_OWNER },
		{ "maintainer", M_OWNER }, { "service owner", M_OWNER },
		{ "owning team", M_OWNER }, { "team", M_OWNER },
		{ "verantwortlich", M_OWNER }, { "responsable", M_OWNER },
		{ "document owner", M_OWNER }, { "procedure owner", M_OWNER },
		{ "runbook owner", M_OWNER }, { "page owner", M_OWNER },
		{ "propri\xc3\xa9taire", M_OWNER },
		{ "date of last review", M_REVIEWED },
		{ "approved", M_REVIEWED }, { "approved on", M_REVIEWED },
		{ "date approved", M_REVIEWED },
		{ "derni\xc3\xa8re revue", M_REVIEWED },
		{ "derni\xc3\xa8re mise \xc3\xa0 jour", M_REVIEWED },
		{ "last reviewed", M_REVIEWED }, { "last updated", M_REVIEWED },
		{ "last review", M_REVIEWED }, { "reviewed on", M_REVIEWED },
		{ "updated on", M_REVIEWED }, { "review date", M_REVIEWED },
		{ "last revised", M_REVIEWED }, { "revised", M_REVIEWED },
		{ "last modified", M_REVIEWED }, { "last edited", M_REVIEWED },
		{ "last checked", M_REVIEWED }, { "last verified", M_REVIEWED },
		{ "zuletzt gepr\xc3\xbc" "ft", M_REVIEWED },
		{ "zuletzt aktualisiert", M_REVIEWED },
		{ "stand", M_REVIEWED },
		{ "reviewed", M_REVIEWED },
		/* Portuguese, Italian, Dutch, Japanese */
		{ "revisto em", M_REVIEWED }, { "revisado em", M_REVIEWED },
		{ "\xc3\xbaltima revis\xc3\xa3o", M_REVIEWED },
		{ "\xc3\x9altima revis\xc3\xa3o", M_REVIEWED },
		{ "atualizado em", M_REVIEWED },
		{ "ultima revisione", M_REVIEWED },
		{ "revisionato il", M_REVIEWED },
		{ "aggiornato il", M_REVIEWED },
		{ "laatst herzien", M_REVIEWED },
		{ "laatst bijgewerkt", M_REVIEWED },
		{ "herzien op", M_REVIEWED },
		{ "\xe6\x9c\x80\xe7\xb5\x82\xe6\x9b\xb4\xe6\x96\xb0", M_REVIEWED },
		{ "\xe6\x9c\x80\xe7\xb5\x82\xe3\x83\xac\xe3\x83\x93\xe3\x83\xa5\xe3\x83\xbc", M_REVIEWED },
		{ "eigenaar", M_OWNER }, { "responsabile", M_OWNER },
		{ "proprietario", M_OWNER }, { "respons\xc3\xa1vel", M_OWNER },
		{ "\xe3\x82\xaa\xe3\x83\xbc\xe3\x83\x8a\xe3\x83\xbc", M_OWNER },
		{ "\xe6\x8b\x85\xe5\xbd\x93", M_OWNER },
		{ "\xe6\x8b\x85\xe5\xbd\x93\xe3\x83\x81\xe3\x83\xbc\xe3\x83\xa0", M_OWNER },
		{ "pr\xc3\xb3xima revis\xc3\xa3o", M_EVERY },
		{ "prossima revisione", M_EVERY },
		{ "volgende herziening", M_EVERY },
		{ "\xc3\xbaltima revisi\xc3\xb3n", M_REVIEWED },
		{ "\xc3\xbaltima actualizaci\xc3\xb3n", M_REVIEWED },
		/* strncasecmp folds ASCII only: "\xc3\x9altima" too. */
		{ "\xc3\x9altima revisi\xc3\xb3n", M_REVIEWED },
		{ "\xc3\x9altima actualizaci\xc3\xb3n", M_REVIEWED },
		/* "Last looked over on 3 November 2026", "Kept by ...",
		 * "rev: 2026-10-30" (with its colon). */
		{ "last looked over", M_REVIEWED },
		{ "looked over", M_REVIEWED }, { "last looked at", M_REVIEWED },
		{ "kept by", M_OWNER }, { "rev", M_REVIEWED },
		{ "own", M_OWNER }, { "rvw", M_REVIEWED },
		{ "next rvw", M_EVERY },
		{ "document last reviewed", M_REVIEWED },
		{ "page last reviewed", M_REVIEWED },
		{ "procedure last reviewed", M_REVIEWED },
		{ "runbook last reviewed", M_REVIEWED },
		{ "laatst gecontroleerd", M_REVIEWED },
		{ "gecontroleerd op", M_REVIEWED },
		{ "n\xc3\xa4" "chste pr\xc3\xbc" "fung", M_EVERY },
		{ "prochaine revue", M_EVERY },
		{ "pr\xc3\xb3xima revisi\xc3\xb3n", M_EVERY },
		{ "next review due", M_EVERY },
		{ "review schedule", M_EVERY }, { "review cycle", M_EVERY },
		{ "review frequency", M_EVERY }, { "review every", M_EVERY },
		{ "next review", M_EVERY }, { "reviewed every", M_EVERY },
		{ "review interval", M_EVERY }, { "review", M_EVERY },
		{ "\xc3\xbc" "berpr\xc3\xbc" "fung", M_EVERY },
		{ "revisi\xc3\xb3n", M_EVERY },
	};
	const char *p;
	size_t i, n, best = 0;
	enum meta m = M_NONE;

	for (i = 0; i < sizeof(phrases) / sizeof(phrases[0]); i++) {
		n = strlen(phrases[i].words);
		if (n > best && strncasecmp(s, phrases[i].words, n) == 0 &&
		    !isalpha((unsigned char)s[n])) {
			best = n;
			m = phrases[i].m;
		}
	}
	if (m == M_NONE)
		return m;
	p = s + best;
	/* "Responsabile del documento: ...", "Owner (primary): ...": the
	 * label goes on to its colon. */
	if (*p != ':' && (m == M_OWNER || m == M_REVIEWED)) {
		const char *c = strchr(p, ':'), *q;
		/* Not into brackets: "the Live Ops crew (owner: Marco
		 * Deluca)". */
		for (q = p; c != NULL && q < c && !isdigit((unsigned char)*q) &&
		    *q != '('; q++)
			;
		if (c != NULL && c - p <= 30 && q == c && c[1] != '/')
			p = c;
	}
	/* Japanese's colon and space are wide. */
	while (*p == ' ' || *p == ':' || *p == '-' || *p == '\t' ||
	    strncmp(p, "\xef\xbc\x9a", 3) == 0 ||
	    strncmp(p, "\xe3\x80\x80", 3) == 0)
		p += (unsigned char)*p >= 0x80 ? 3 : 1;
	/* "Maintained by the Platform team" */
	if (strncasecmp(p, "by ", 3) == 0)
		p += 3;
	if (m == M_OWNER && strncasecmp(p, "the ", 4) == 0)
		p += 4;
	/* "Team" alone is an owner only with a colon after it; "rev"
	 * is a review only so ("rev: 2026-10-30 nk"). */
	if (best == 4 && strncasecmp(s, "team", 4) == 0 && s[4] != ':')
		return M_NONE;
	if (best == 3 && (strncasecmp(s, "rev", 3) == 0 ||
	    strncasecmp(s, "own", 3) == 0 || strncasecmp(s, "rvw", 3) == 0) &&
	    s[3] != ':')
		return M_NONE;
	/* "Last looked over on 3 November 2026" */
	if (m == M_REVIEWED && strncasecmp(p, "on ", 3) == 0 &&
	    isdigit((unsigned char)p[3]))
		p += 3;
	*rest = p;
	return m;
}

/* One part of a line: "Owner: team-payments". */
static void
meta_part(struct ex *x, char *part, int line)
{
	const char *rest;
	char d[24], date[11], *v, *e;

	part = trim(part);
	switch (meta_of(part, &rest)) {
	case M_OWNER:
		/* "Team: X · Owner: Y": the owner, over the team. */
		if (x->owner != NULL && (!x->owner_team ||
		    strncasecmp(part, "team", 4) == 0))
			break;
		x->owner_team = strncasecmp(part, "team", 4) == 0;
		v = xstrdup(rest);
		/* "Kept by Simon Achterberg (Head of Editorial" and the
		 * rest on the next line: the name. */
		if ((e = strstr(v, " (")) != NULL && strchr(e, ')') == NULL)
			*e = '\0';
		e = v + strlen(v);
		while (e > v && (e[-1] == '.' || e[-1] == ' '))
			*--e = '\0';
		if (*v != '\0' && strlen(v) < 80)
			x->owner = str_at(x, v, strlen(v), line);
		free(v);
		break;
	case M_REVIEWED:
		if (x->reviewed != NULL)
			break;
		if (date_of(rest, date))
			x->reviewed = str_at(x, date, 10, line);
		else if (rest[0] == '[' || rest[0] == '<' ||
		    strncasecmp(rest, "TBD", 3) == 0) {
			v = xstrdup(rest);
			x->reviewed = str_at(x, trim(v), strlen(trim(v)), line);
			free(v);
		}
		break;
	case M_EVERY:
		if (x->every == NULL && every_of(rest, d))
			x->every = str_at(x, d, strlen(d), line);
		/* "Next review due: 2 September 2026": a date, not how
		 * often (review_every is taken from the two dates). */
		else if (x->every == NULL && x->next_review == NULL &&
		    date_of(rest, date))
			x->next_review = str_at(x, date, 10, line);
		break;
	default:
		break;
	}
}

/* Returns 1 if the '.' at q in s ends a title or an initial: "Dr.",
 * "Ms.", "Prof.", "K.". */
static int
title_dot(const char *s, const char *q)
{
	static const char *const t[] = { "dr", "mr", "mrs", "ms", "prof",
	    "st", "jr", "sr", "mx", NULL };
	const char *w = q;
	size_t i, n;

	while (w > s && isalpha((unsigned char)w[-1]))
		w--;
	n = (size_t)(q - w);
	if (w > s && w[-1] != ' ' && w[-1] != '(')
		return 0;
	if (n == 1 && isupper((unsigned char)*w))
		return 1;
	for (i = 0; t[i] != NULL; i++)
		if (strlen(t[i]) == n && strncasecmp(w, t[i], n) == 0)
			return 1;
	return 0;
}

/* "Owner: ...", "Last updated: ...", "Review schedule: ..." lines, in
 * parts where a line has several ("Team: X · Last updated: Y", "Owner:
 * X. Last reviewed Y."). */
static void
meta_line(struct ex *x, const char *text, int line)
{
	char *t, *p, *e;

	if (!x->want_meta)
		return;
	t = p = xstrdup(text);
	for (;;) {
		e = NULL;
		for (char *q = p; *q != '\0'; q++) {
			if ((unsigned char)q[0] == 0xc2 &&
			    (unsigned char)q[1] == 0xb7) {	/* middle dot */
				e = q;
				*e = '\0';
				e += 2;
				break;
			}
			/* A sentence ends, not a German day ("3. M\xc3\xa4rz"),
			 * nor a title ("Dr. Alan Chu"). */
			if (*q == '|' || (*q == '.' && q[1] == ' ' &&
			    isupper((unsigned char)q[2]) && !(q > p &&
			    isdigit((unsigned char)q[-1]) &&
			    month_of(q + 2) != 0) && !title_dot(p, q))) {
				e = q;
				*e = '\0';
				e++;
				break;
			}
		}
		meta_part(x, p, line);
		if (e == NULL)
			break;
		p = e;
	}
	free(t);
}

/* Returns 1 for the label of an escalation step, not a role: "Step 4
 * (T+60 min)", "Level 2", "After 30 minutes", "If no answer". */
static int
step_label(const char *lab)
{
	static const char *const w[] = { "step ", "stage ", "level ",
	    "tier ", "phase ", "after ", "if ", "when ", "t+", NULL };
	size_t i;

	while (*lab == ' ' || *lab == '*' || *lab == '_')
		lab++;
	for (i = 0; w[i] != NULL; i++)
		if (strncasecmp(lab, w[i], strlen(w[i])) == 0)
			return 1;
	return 0;
}

/*
 * "Step 1 (T+0): AOCC IT desk raises an Opsgenie alert to Ops Systems
 * on-call.": a step of a paragraph of steps, where the prose reader found
 * none at its line; the steps are then numbered again in their order.
 */
static void
step_line(struct ex *x, const char *text, int line)
{
	const char *rest;
	char *lab = label_of(text, &rest), *w, *e, d[24];
	struct ynode *s;
	size_t i, j;

	if (lab == NULL || !step_label(lab) || digit_count(lab) == 0 ||
	    strncasecmp(trim(lab), "if ", 3) == 0 ||
	    strncasecmp(trim(lab), "when ", 5) == 0 ||
	    strncasecmp(trim(lab), "after ", 6) == 0) {
		free(lab);
		return;
	}
	for (i = 0; i < x->escalation->n; i++)
		if (x->escalation->items[i]->line == line) {
			free(lab);
			return;
		}
	s = item_at(x, line);
	ymap_add(x->a, s, "level", ynew_int(x->a, 0));
	s->items[s->n - 1]->line = line;
	w = xstrdup(rest);
	e = w + strlen(w);
	while (e > w && (e[-1] == '.' || e[-1] == ' '))
		*--e = '\0';
	put(x, s, "who", trim(w), line);
	free(w);
	if (duration(lab, d))
		put(x, s, "after", d, line);
	free(lab);
	/* In the text's order, numbered from 1. */
	for (i = x->escalation->n; i > 0 &&
	    x->escalation->items[i - 1]->line > line; i--)
		;
	yseq_push(x->a, x->escalation, s);
	memmove(x->escalation->items + i + 1, x->escalation->items + i,
	    (x->escalation->n - 1 - i) * sizeof(*x->escalation->items));
	x->escalation->items[i] = s;
	for (j = 0; j < x->escalation->n; j++) {
		struct ynode *lv = (struct ynode *)ymap_get(
		    x->escalation->items[j], "level");
		if (lv != NULL && lv->type == Y_INT) {
			lv->num = (double)(j + 1);
			snprintf(d, sizeof(d), "%zu", j + 1);
			lv->s = arena_strdup(x->a, d);
			lv->slen = strlen(d);
		}
	}
}

/* Returns 1 if label lab introduces a remark, not a contact: "Note",
 * "NB", "Nota", "Hinweis", "Remarque", "Opmerking", "PS". */
static int
note_label(const char *lab)
{
	static const char *const w[] = { "note", "notes", "nb", "n.b.",
	    "nota", "nota bene", "hinweis", "remarque", "remarques",
	    "opmerking", "ps", "p.s.", "anmerkung", "attention", NULL };
	size_t i;

	for (i = 0; w[i] != NULL; i++)
		if (strcasecmp(lab, w[i]) == 0)
			return 1;
	return 0;
}

/* "Billing on-call: +1 555 0160, billing-oncall@acme.test": a line that
 * names a role and how to reach it. */
static void
contact_line(struct ex *x, const char *text, int line)
{
	const char *rest;
	char *lab = label_of(text, &rest);
	struct ynode *c;

	if (lab == NULL || field_of(lab) == F_PHONE || field_of(lab) ==
	    F_EMAIL || field_of(lab) == F_CHAT || meta_label(lab) ||
	    section_of(lab) == SEC_FORMER || gone(text) || step_label(lab) ||
	    note_label(lab)) {
		free(lab);
		return;
	}
	c = item_at(x, line);
	put_role(x, c, trim(lab), line);
	set_parts(x, c, rest, line, F_NONE);
	add_contact(x, c);
	free(lab);
}

/*
 * "3.2 The Chief, Platform Operations Branch, Ms. Loretta Vance, may be
 * reached at (202) 555-0163 or loretta.vance@dss.example.gov.": whom a
 * sentence of a contacts section says can be reached, and how.
 */
static void
reached_prose(struct ex *x, const char *text, int line)
{
	static const char *const verb[] = { " may be reached at ",
	    " may be reached on ", " can be reached at ",
	    " can be reached on ", " is reachable at ", " is reachable on ",
	    " may be contacted at ", " can be contacted at ",
	    " maintains a service desk at ", " maintains a help desk at ",
	    ", reachable through ", ", reachable via ", ", reachable on ",
	    ", reachable at ", " is reachable through ",
	    " is reachable via ", NULL };
	char *t = xstrdup(text), *p = t, *e, *v, *who, *how, *c2;
	struct ynode *c;
	size_t i;

	while (*p != '\0') {
		/* One sentence: to ". " before a capital, or the end. */
		for (e = p; *e != '\0' && !(*e == '.' && (e[1] == '\0' ||
		    (e[1] == ' ' && isupper((unsigned char)e[2]) &&
		    !title_dot(p, e)))); e++)
			;
		if (*e != '\0')
			*e++ = '\0';
		for (i = 0, v = NULL; verb[i] != NULL; i++)
			if ((v = strstr(p, verb[i])) != NULL)
				break;
		if (v != NULL && !gone(p)) {
			*v = '\0';
			how = v + strlen(verb[i]);
			who = p;
			/* "3.1 The Duty Officer" */
			while (isdigit((unsigned char)*who) || *who == '.')
				who++;
			who = trim(who);
			/* "The primary point of contact is the X" */
			if ((c2 = strstr(who, " is the ")) != NULL)
				who = c2 + 8;
			if (strncmp(who, "The ", 4) == 0)
				who += 4;
			for (c2 = who + strlen(who); c2 > who &&
			    (c2[-1] == ',' || c2[-1] == ' '); c2--)
				c2[-1] = '\0';
			if ((c2 = strstr(how, " at any hour")) != NULL)
				*c2 = '\0';
			/* ", which is forwarded to the on-call mobile" */
			if ((c2 = strstr(how, ", which ")) != NULL)
				*c2 = '\0';
			c = item_at(x, line);
			person_role(x, c, who, line);
			set_parts(x, c, how, line, F_NONE);
			add_contact(x, c);
		}
		p = e;
	}
	free(t);
}

/* Sets c's role and name from "Chief, Platform Operations Branch, Ms.
 * Loretta Vance": the last part a person's name, the rest the role. */
static void
person_role(struct ex *x, struct ynode *c, char *who, int line)
{
	char *last = strrchr(who, ','), *nm;

	if (last != NULL) {
		nm = trim(last + 1);
		if (strncmp(nm, "Ms. ", 4) == 0 || strncmp(nm, "Mr. ", 4) == 0 ||
		    strncmp(nm, "Dr. ", 4) == 0 || strncmp(nm, "Mrs. ", 5) == 0)
			nm = strchr(nm, ' ') + 1;
		if (full_name(nm)) {
			*last = '\0';
			put(x, c, "name", nm, line);
			put(x, c, "role", trim(who), line);
			return;
		}
	}
	put_role(x, c, who, line);
}

/* Line l of the file without Markdown's emphasis marks, malloc'd. */
static char *
source_line(const struct ex *x, int l)
{
	const struct srcfile *f = &x->r->src;
	size_t start, end, i, k = 0;
	char *t;

	if (l < 1 || (size_t)l > f->nlines)
		return xstrdup("");
	start = f->lines[l - 1];
	end = (size_t)l < f->nlines ? f->lines[l] : f->len;
	t = xmalloc(end - start + 1);
	for (i = start; i < end; i++) {
		/* "[the pay note](#fn-pay)": a link within the page says
		 * nothing of anyone (not a channel "#fn-pay"). */
		if (f->data[i] == '(' && i > start && f->data[i - 1] == ']' &&
		    i + 1 < end && f->data[i + 1] == '#') {
			size_t j = i + 2;

			while (j < end && f->data[j] != ')' &&
			    f->data[j] != ' ' && f->data[j] != '\n')
				j++;
			if (j < end && f->data[j] == ')') {
				i = j;
				continue;
			}
		}
		if (f->data[i] != '*' && f->data[i] != '`' &&
		    f->data[i] != '\n' && f->data[i] != '\r' &&
		    !(f->data[i] == '_' && (i == start ||
		    !isalnum((unsigned char)f->data[i - 1]))))
			t[k++] = f->data[i];
	}
	t[k] = '\0';
	return t;
}

/*
 * Returns 1 if text names both levels and compares ("Error rate > 1%
 * (warning), > 5% (critical)"): outside a thresholds section, only such
 * a line is read as one.
 */
static int
states_levels(const char *text)
{
	char *l = lower(text);
	int ok = strstr(l, "warning") != NULL && strstr(l, "critical") !=
	    NULL && strpbrk(l, "<>") != NULL;

	free(l);
	return ok;
}

/* Returns 1 if lines first..last of the file hold a '<' or '>' (most
 * paragraphs do not: nothing more is asked of them). */
static int
compares(const struct ex *x, int first, int last)
{
	const struct srcfile *f = &x->r->src;
	size_t start, end;

	if (first < 1 || last < first || (size_t)last > f->nlines)
		return 0;
	start = f->lines[first - 1];
	end = (size_t)last < f->nlines ? f->lines[last] : f->len;
	return memchr(f->data + start, '<', end - start) != NULL ||
	    memchr(f->data + start, '>', end - start) != NULL;
}

/*
 * Thresholds in prose, sentence by sentence, a sentence across the lines
 * first..last as they are written: "Cache hit ratio < 70% is a warning
 * and < 50% is critical."
 */
static void
threshold_prose(struct ex *x, int first, int last)
{
	struct buf b = { NULL, 0, 0 };
	size_t *at = xcalloc((size_t)(last - first + 2), sizeof(*at));
	size_t start = 0, i, k;
	int l;

	for (l = first; l <= last; l++) {
		char *line = source_line(x, l), *p = trim(line);
		at[l - first] = b.len;
		buf_puts(&b, p);
		buf_putc(&b, ' ');
		free(line);
	}
	buf_cstr(&b);
	for (i = 0; i <= b.len; i++) {
		if (i < b.len && !(b.data[i] == '.' && (i + 1 == b.len ||
		    (b.data[i + 1] == ' ' && (i + 2 >= b.len ||
		    isupper((unsigned char)b.data[i + 2]))))))
			continue;
		while (start < i && b.data[start] == ' ')
			start++;	/* the sentence's line: its first word's */
		if (i > start) {
			char *sent = xstrndup(b.data + start, i - start);
			for (k = 0; k + 1 < (size_t)(last - first + 1) &&
			    at[k + 1] <= start; k++)
				;
			threshold_line(x, trim(sent), first + (int)k);
			free(sent);
		}
		start = i + 1;
	}
	free(at);
	buf_free(&b);
}

/*
 * A definition list's entry in a contacts section (Pandoc's, PHP
 * Markdown Extra's): "Primary on-call (RCS sysadmin rota)" then ":
 * Tomasz Wielgosz", ": Mobile: +44 ...", ": Email: ..." on the lines
 * first..last.  Its lines that say who left or who is away are passed
 * over ("Now: Helen Strachan, ..." is who is there now).  Returns 1 if
 * the paragraph was one.
 */
static int
deflist_contact(struct ex *x, int first, int last)
{
	static const char *const now[] = { "now", "currently", "cover",
	    "covered by", "covering", "instead", NULL };
	struct ynode *c;
	char *term, *v, *p, *lab;
	const char *rest;
	size_t i;
	int l, n = 0;

	if (last <= first)
		return 0;
	v = source_line(x, first + 1);
	for (p = v; *p == ' '; p++)
		;
	n = p[0] == ':' && p[1] == ' ';
	free(v);
	term = source_line(x, first);
	if (!n || *trim(term) == '\0' || ends_colon(term)) {
		free(term);
		return 0;
	}
	c = item_at(x, first);
	put_role(x, c, trim(term), first);
	free(term);
	for (l = first + 1; l <= last; l++) {
		v = source_line(x, l);
		for (p = v; *p == ' '; p++)
			;
		if (*p != ':') {
			free(v);
			break;
		}
		p = trim(p + 1);
		if (gone(p) || away(p)) {
			free(v);
			continue;
		}
		if ((lab = label_of(p, &rest)) != NULL) {
			for (i = 0; now[i] != NULL &&
			    strcasecmp(trim(lab), now[i]) != 0; i++)
				;
			if (now[i] != NULL)
				p = (char *)rest;
			else if (full_name(trim(lab))) {
				put(x, c, "name", trim(lab), l);
				p = (char *)rest;
			}
			free(lab);
		}
		set_parts(x, c, p, l, F_NONE);
		free(v);
	}
	if (has_reach(c) || ymap_get(c, "name") != NULL)
		add_contact(x, c);
	return 1;
}

/* Returns 1 if line s ends with a colon (trim takes it away). */
static int
ends_colon(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '*' ||
	    s[n - 1] == '_'))
		n--;
	return n > 0 && s[n - 1] == ':';
}

/*
 * A paragraph, line by line as written: "**Last Updated**: 2024-01-01"
 * then "**Owner**: DevOps Team"; a threshold line; or a severity level
 * in bold ("**SEV-1: Critical**") whose list follows.
 */
static void
paragraph(struct ex *x, cmark_node *n, enum section sec)
{
	int first = node_line(x, n), last, l, hl, deflist;
	cmark_node *nx = cmark_node_next(n), *li;
	const char *head, *h;
	char *p, *code, *lp, d[24];
	struct ynode *lvl = NULL;

	last = cmark_node_get_end_line(n) + x->r->body_line - 1;
	if (last < first || last - first > 200)
		last = first;
	/* Under a heading that is a level ("### SEV1 - invoices wrong"):
	 * the paragraph says its response time. */
	if (sec == SEC_SEVERITY) {
		(void)current(x, &head);
		h = nearest(x, &hl);
		if (h != NULL && h != head && (code = sev_code(h)) != NULL) {
			size_t k;
			for (k = 0; k < x->severity->n; k++)
				if (x->severity->items[k]->line == x->hline[hl])
					lvl = x->severity->items[k];
			if (lvl == NULL) {
				lvl = item_at(x, x->hline[hl]);
				put(x, lvl, "name", code, lvl->line);
				yseq_push(x->a, x->severity, lvl);
			}
			free(code);
		}
	}
	if (sec == SEC_ESCALATION || sec == SEC_CONTACTS)
		escalation_prose(x, n, sec);
	if (sec == SEC_CONTACTS) {
		p = node_text(n);
		reached_prose(x, p, first);
		rota_prose(x, p, first);
		absence_note(x, p, first);
		free(p);
	}
	if (sec == SEC_THRESHOLDS)
		threshold_prose(x, first, last);
	else if (sec == SEC_NONE && compares(x, first, last)) {
		p = node_text(n);
		if (states_levels(p))
			threshold_prose(x, first, last);
		free(p);
	}
	deflist = sec == SEC_CONTACTS && deflist_contact(x, first, last);
	for (l = first; l <= last; l++) {
		char *line = source_line(x, l);
		int colon = ends_colon(line);

		p = trim(line);
		/* A quote's line, as the source has it: "> Owner: ..." */
		while (*p == '>')
			p = trim(p + 1);
		meta_line(x, p, l);
		/* A definition list's term, then ": 14 October 2026" on
		 * the next line ("Last reviewed" / ": ..."). */
		if (l < last && !colon) {
			char *next = source_line(x, l + 1), *nt = next;

			while (*nt == ' ')
				nt++;
			if (nt[0] == ':' && nt[1] == ' ') {
				char *j = xasprintf("%s: %s", p, trim(nt + 1));

				meta_line(x, j, l + 1);
				free(j);
			}
			free(next);
		}
		/* "**Rufbereitschaft** (werktags 16:00-07:30):" then
		 * "zentrale Nummer +49 ..." on the next line: one. */
		if (deflist)
			;	/* deflist_contact read it */
		else if (sec == SEC_CONTACTS && l < last && *p != '\0' &&
		    colon) {
			char *next = source_line(x, l + 1), *j;

			j = xasprintf("%s: %s", p, trim(next));
			contact_line(x, j, l);
			free(j);
			free(next);
		} else if (sec == SEC_CONTACTS || sec == SEC_ESCALATION)
			contact_line(x, p, l);
		if (sec == SEC_ESCALATION)
			step_line(x, p, l);
		if (sec == SEC_SEVERITY && lvl != NULL) {
			lp = lower(p);
			if (ymap_get(lvl, "response") == NULL &&
			    resp_at(lp) != NULL && duration(resp_at(lp), d))
				put(x, lvl, "response", d, l);
			/* "### P2 - Cosmetic" then "Next business day." */
			if (ymap_get(lvl, "response") == NULL &&
			    sev_later(p, d))
				put(x, lvl, "response", d, l);
			notify_in(x, lvl, p, l);
			free(lp);
		} else if (sec == SEC_SEVERITY &&
		    ((code = sev_code(p)) != NULL ||
		    (code = level_code(p)) != NULL)) {
			/* "**P1 - Critical.** ... Response: 10 minutes." or
			 * "**SEV-1: Critical**" then a list; "2.1 A
			 * Category 1 incident is ...". */
			const char *st = p;

			while (isdigit((unsigned char)*st) || *st == '.')
				st++;
			if (st > p && *st == ' ') {
				st++;
				if (strncmp(st, "A ", 2) == 0)
					st += 2;
				else if (strncmp(st, "An ", 3) == 0)
					st += 3;
				else if (strncmp(st, "The ", 4) == 0)
					st += 4;
			} else
				st = p;
			if (strstr(st, code) != NULL &&
			    strstr(st, code) - st < 4) {
				struct ynode *s = item_at(x, l);
				struct buf all = { NULL, 0, 0 };
				int k;

				put(x, s, "name", code, l);
				/* Its text: this line, and those after it
				 * up to the next level's. */
				buf_puts(&all, p);
				for (k = l + 1; k <= last; k++) {
					char *nl = source_line(x, k), *c2;

					c2 = sev_code(nl);
					if (c2 == NULL)
						c2 = level_code(nl);
					if (c2 == NULL)
						buf_printf(&all, " %s", trim(nl));
					free(nl);
					if (c2 != NULL) {
						free(c2);
						break;
					}
				}
				lp = lower(buf_cstr(&all));
				if (resp_at(lp) != NULL && duration(resp_at(lp), d))
					put(x, s, "response", d, l);
				else if (sev_later(lp, d))
					put(x, s, "response", d, l);
				free(lp);
				notify_in(x, s, buf_cstr(&all), l);
				buf_free(&all);
				if (first == last && nx != NULL &&
				    cmark_node_get_type(nx) == CMARK_NODE_LIST)
					for (li = cmark_node_first_child(nx);
					    li != NULL; li = cmark_node_next(li)) {
						char *lt = item_text(li);
						char *ll = lower(lt);
						if (resp_at(ll) != NULL &&
						    ymap_get(s, "response") ==
						    NULL && duration(resp_at(ll),
						    d))
							put(x, s, "response", d,
							    l);
						free(ll);
						free(lt);
					}
				yseq_push(x->a, x->severity, s);
			}
			free(code);
		}
		free(line);
	}
}

/* ------------------------------------------------- escalation prose */

/* Words a person is reached by in escalation prose, each with the blank
 * after it. */
static const char *const esc_verbs[] = {
	"escalate to ", "page ", "call ", "notify ", "contact ", "ping ",
	"phone ", "telephone ", "reach out to ", "wake up ", "loop in ",
	"pull in ", "bring in ", "hand over to ", "inform ", "engage ",
	"involve ", "ring ", "escalates to ", "escalate it to ", "try ",
	"email ", "e-mail ", "mail ", "tag ", "message ", "ask ", "dial ",
	NULL
};

/* The same, said of someone: "the duty manager is paged". */
static const char *const esc_passive[] = {
	"paged", "called", "phoned", "telephoned", "notified", "contacted",
	"informed", "engaged", "alerted", "involved", "brought in",
	"pulled in", "woken", "rung", "looped in", NULL
};

/* What a sentence says has not happened when a step is due. */
static const char *const esc_quiet[] = {
	"acknowledg", "ack ", "ack,", "ack.", "respond", "response", "answer",
	"reply", "replies", "pick up", "picks up", "unacked", "unanswered",
	"reachable", "react", "still ", "unresolved", "not resolved",
	"not contained", "not mitigated", "longer than", "no progress", NULL
};

/* Returns where in lower-case l, at or after from, the first word of
 * list (each ending in a blank) starts a word, its length in *n; NULL if
 * none does. */
static const char *
word_of(const char *l, const char *from, const char *const *list, size_t *n)
{
	const char *best = NULL, *p;
	size_t i;

	for (i = 0; list[i] != NULL; i++)
		for (p = from; (p = strstr(p, list[i])) != NULL; p++)
			/* A word: not "on-call", "@page", "x.call". */
			if (p == l || (!isalnum((unsigned char)p[-1]) &&
			    strchr("-_@#./", p[-1]) == NULL)) {
				if (best == NULL || p < best) {
					best = p;
					*n = strlen(list[i]);
				}
				break;
			}
	return best;
}

/* Returns 1 if s starts with word w (lower-case) and a word end. */
static int
starts_word(const char *s, const char *w)
{
	size_t n = strlen(w);

	return strncmp(s, w, n) == 0 && !isalnum((unsigned char)s[n]);
}

/*
 * Returns 1 if who (as written, trimmed, "the " dropped) can be a person
 * to reach: a role ("secondary on-call", "DBA lead"), a handle (@x, #x),
 * a phone number, or a name ("Priya Nair"; one capitalised word where
 * the sentence did not start).  Not an action ("restart the cluster"),
 * a pronoun, the alert or the page.
 */
static int
esc_person(const char *who, int at_start)
{
	static const char *const roles[] = {
		"on-call", "oncall", "on call", "lead", "manager", "engineer",
		"team", "director", "head ", "head of", "vp", "cto", "ceo",
		"cio", "ciso", "commander", "admin", "owner", "support", "desk",
		"duty", "sre", "dba", "secondary", "primary", "tertiary",
		"backup", "officer", "supervisor", "architect", "developer",
		"operator", "specialist", "analyst", "security", "ops",
		"operations", "helpdesk", "expert", "vendor", "chief", "tier",
		"coordinator", "responder", "escalation", "staff", "producer",
		"contact", "network", "noc", "soc", "president", "executive",
		NULL
	};
	static const char *const nobody[] = {
		"them", "him", "her", "it", "they", "you", "someone", "anyone",
		"neither", "nobody", "no one", "no-one", "none", "this", "that",
		"there", "we", "i", "either", "both", "also", "us", "me",
		"yourself", "everyone", "all",
		"check", "restart", "fail", "delete", "run", "roll", "scale",
		"drain", "reboot", "clear", "flush", "purge", "verify", "look",
		"investigate", "try", "consider", "stop", "start", "kill",
		"disable", "enable", "switch", "promote", "increase", "reduce",
		"rerun", "retry", "declare", "post", "update", "follow", "use",
		"apply", "revert", "redeploy", "deploy", "rotate", "review",
		"monitor", "wait", "open", "create", "file", "raise", "send",
		"write", "move", "page", "escalate", "go", "do", "keep",
		"continue", NULL
	};
	static const char *const things[] = {
		"page", "pages", "alert", "alerts", "incident", "issue",
		"problem", "queue", "job", "service", "system", "status", NULL
	};
	const unsigned char *p = (const unsigned char *)who;
	char *l;
	size_t i, digits = 0;
	int ok = 0;

	if (*who == '\0' || strlen(who) > 120)
		return 0;
	/* "IT Service Desk" is no pronoun. */
	if (strncmp(who, "IT", 2) != 0 || isalnum(p[2])) {
		l = lower(who);
		for (i = 0; nobody[i] != NULL && !starts_word(l, nobody[i]);
		    i++)
			;
		ok = nobody[i] == NULL;
		if (ok) {
			for (i = 0; roles[i] != NULL &&
			    strstr(l, roles[i]) == NULL; i++)
				;
			ok = roles[i] != NULL ? 2 : 1;
		}
		/* "the page", "the alert", but "incident commander". */
		for (i = 0; ok == 1 && things[i] != NULL; i++)
			if (starts_word(l, things[i]))
				ok = 0;
		free(l);
		if (ok == 0)
			return 0;
		if (ok == 2)
			return 1;
	}
	if (*who == '@' || *who == '#' || strncmp(who, "IT", 2) == 0 ||
	    strchr(who, '@') != NULL)
		return 1;
	for (i = 0; p[i] != '\0'; i++)
		digits += isdigit(p[i]) != 0;
	if (digits >= 7)
		return 1;
	/* Capitalised words: a name. */
	for (i = 0; p[i] != '\0'; i++)
		if ((i == 0 || p[i - 1] == ' ') && (isupper(p[i]) ||
		    p[i] >= 0xc3) && (i > 0 || !at_start))
			return 1;
	return 0;
}

/* Cuts the person off the text t of a step at the words that end it ("
 * if", " after", " within"...) and the sentence's end; drops "the ".
 * Returns t trimmed, changed in place. */
static char *
esc_who(char *t)
{
	static const char *const ends[] = {
		" if ", " after ", " within ", " when ", " unless ", " and wait",
		" who ", " to ask", " for help", " for approval", " so that",
		" in case", " before ", " until ", " once ", " automatically",
		" first", ", who", ", engaged", " by the ", " by pagerduty",
		" by opsgenie", " immediately", " straight away", " right away",
		" via ", " through ", " as soon as", ", which", " \xe2\x80\x94 ",
		" \xe2\x80\x93 ", " so ", " because", NULL
	};
	char *l = lower(t), *e;
	size_t i, cut = strlen(t);

	for (i = 0; ends[i] != NULL; i++)
		if ((e = strstr(l, ends[i])) != NULL && (size_t)(e - l) < cut)
			cut = (size_t)(e - l);
	free(l);
	t[cut] = '\0';
	/* "Workers on-call (page straight away)" cut in its aside: before
	 * the aside. */
	{
		char *open = NULL, *q;
		for (q = t; *q != '\0'; q++)
			if (*q == '(')
				open = q;
			else if (*q == ')')
				open = NULL;
		if (open != NULL) {
			*open = '\0';
			cut = (size_t)(open - t);
		}
	}
	while (cut > 0 && strchr(".,:;! ", t[cut - 1]) != NULL)
		t[--cut] = '\0';
	t = trim(t);
	if (strncasecmp(t, "to the ", 7) == 0)
		t += 3;
	if (strncasecmp(t, "the ", 4) == 0)
		t += 4;
	return t;
}

/* Adds escalation step who at line, level lvl (0: the next), after delay
 * d (NULL: none). */
static void
esc_step(struct ex *x, const char *who, int lvl, const char *d, int line)
{
	struct ynode *s = item_at(x, line);
	char *w = xstrdup(who);

	*w = (char)toupper((unsigned char)*w);	/* "Secondary on-call" */
	ymap_add(x->a, s, "level", ynew_int(x->a, lvl > 0 ? lvl :
	    (long long)x->escalation->n + 1));
	s->items[s->n - 1]->line = line;
	put(x, s, "who", w, line);
	if (d != NULL)
		put(x, s, "after", d, line);
	yseq_push(x->a, x->escalation, s);
	free(w);
}

/* Adds the step whose person starts at who in sentence text (copied,
 * cut at its end), if it is a person.  Returns 1 if it was. */
static int
esc_add(struct ex *x, const char *who, size_t n, int lvl, const char *d,
    int at_start, int line)
{
	char *t = xstrndup(who, n), *w = esc_who(t);
	int ok = esc_person(w, at_start);

	if (ok)
		esc_step(x, w, lvl, d, line);
	free(t);
	return ok;
}

/* Returns the first ',' of s outside parentheses, or NULL. */
static const char *
comma_out(const char *s)
{
	int depth = 0;

	for (; *s != '\0'; s++)
		if (*s == '(')
			depth++;
		else if (*s == ')' && depth > 0)
			depth--;
		else if (*s == ',' && depth == 0)
			return s;
	return NULL;
}

/* Cuts off t, in place, the when that follows a step's person after a
 * dash: "Clinical Systems manager — after 30 minutes." */
static char *
esc_when_cut(char *t)
{
	static const char *const dash[] = { " \xe2\x80\x94 ", " \xe2\x80\x93 ",
	    " - ", NULL };
	static const char *const when[] = { "after", "within", "immediately",
	    "on alert", "if", "when", "once", "at once", "straight away",
	    "right away", "sofort", "nach", "inmediatamente", "tras",
	    "page at", "paged at", "at", "as soon as", "direct", "directly",
	    "na", "dopo", "ap\xc3\xb3s", "entro", "binnen", NULL };
	char *p, d[24];
	size_t i, k, n;

	for (i = 0; dash[i] != NULL; i++)
		for (p = t; (p = strstr(p, dash[i])) != NULL; p++) {
			char *w = p + strlen(dash[i]);
			/* "Dana Whitfield \xe2\x80\x94 30 min into a SEV-1" */
			if (*w == '+' && isdigit((unsigned char)w[1]))
				w++;	/* "+10 min if no ack" */
			if (isdigit((unsigned char)*w) && duration_n(w, 12, d)) {
				*p = '\0';
				return t;
			}
			for (k = 0; when[k] != NULL; k++) {
				n = strlen(when[k]);
				if (strncasecmp(w, when[k], n) == 0 &&
				    !isalpha((unsigned char)w[n])) {
					*p = '\0';
					return t;
				}
			}
		}
	return t;
}

/* Where in lower-case l one is said to be w ("paged"): the blank
 * before " is paged", " must be telephoned", " gets notified"; or NULL. */
static const char *
passive_word(const char *l, const char *w)
{
	static const char *const aux[] = { " is ", " are ", " gets ", " get ",
	    " be ", NULL };
	const char *p;
	size_t a, an, wn = strlen(w);

	for (a = 0; aux[a] != NULL; a++) {
		an = strlen(aux[a]);
		for (p = strstr(l, aux[a]); p != NULL; p = strstr(p + 1, aux[a]))
			if (strncmp(p + an, w, wn) == 0 &&
			    !isalpha((unsigned char)p[an + wn]))
				return p;
	}
	return NULL;
}

/* The end of a subject s0..e less the words that come before its verb:
 * "must", "will", "should", "always", "first". */
static const char *
modal_trim(const char *s0, const char *e)
{
	static const char *const modal[] = { " must", " will", " should",
	    " shall", " can", " may", " would", " then", " always", " also",
	    " only", " normally", " usually", " first", NULL };
	size_t m, mn;

	for (m = 0; modal[m] != NULL; m++) {
		mn = strlen(modal[m]);
		if ((size_t)(e - s0) > mn && strncmp(e - mn, modal[m], mn) == 0) {
			e -= mn;
			m = (size_t)-1;	/* again, from the first */
		}
	}
	return e;
}

/*
 * The one an escalation step written as a sentence says is paged,
 * malloc'd, or NULL: "The Claims Platform on-call engineer is paged
 * immediately." the on-call engineer; "Should the on-call engineer not
 * acknowledge within ten minutes, the secondary on-call is paged." the
 * secondary on-call.
 */
static char *
passive_who(const char *text)
{
	char *l = lower(text), *out = NULL;
	const char *p = NULL, *s0, *c, *e;
	size_t k;

	for (k = 0; esc_passive[k] != NULL && p == NULL; k++)
		p = passive_word(l, esc_passive[k]);
	if (p == NULL) {
		free(l);
		return NULL;
	}
	for (s0 = l, c = comma_out(l); c != NULL && c < p; c = comma_out(c + 1))
		s0 = c + 1;
	while (*s0 == ' ')
		s0++;
	if (strncmp(s0, "the ", 4) == 0)
		s0 += 4;
	e = modal_trim(s0, p);
	if (e > s0)
		out = xstrndup(text + (s0 - l), (size_t)(e - s0));
	free(l);
	return out;
}

/* Drops the steps sentences outside the escalation section gave whose
 * one a later step names too. */
static void
aside_dups(struct ex *x)
{
	struct ynode *e = x->escalation;
	size_t i, j;

	for (i = 0; i < x->esc_aside && i < e->n; i++) {
		const char *aw = ystr(ymap_get(e->items[i], "who"));
		for (j = x->esc_aside; aw != NULL && j < e->n; j++) {
			const char *lw = ystr(ymap_get(e->items[j], "who"));
			if (lw != NULL && who_is(lw, aw))
				break;
		}
		if (aw == NULL || j == e->n)
			continue;
		memmove(e->items + i, e->items + i + 1, (e->n - i - 1) *
		    sizeof(*e->items));
		e->n--;
		x->esc_aside--;
		i--;
	}
}

/* Returns 1 if lower-case l counts its delay from the step before:
 * "after a further 25 minutes", "two hours later", "+10 min if no ack". */
static int
since_prev(const char *l)
{
	const char *p;

	for (p = l; (p = strchr(p, '+')) != NULL; p++)
		if (isdigit((unsigned char)p[1]) && (p == l || p[-1] == ' ' ||
		    p[-1] == '(')) {
			char d[24];
			if (duration_n(p + 1, 12, d))
				return 1;
		}
	return strstr(l, "further ") != NULL || strstr(l, "another ") !=
	    NULL || strstr(l, " more min") != NULL || strstr(l,
	    " more hour") != NULL || strstr(l, " later") != NULL;
}

/* Adds the delay of the last escalation step so far to d. */
static void
after_prev(struct ex *x, char d[24])
{
	const char *prev = x->escalation->n > 0 ? ystr(ymap_get(
	    x->escalation->items[x->escalation->n - 1], "after")) : NULL;
	long a = prev != NULL ? duration_minutes(prev) : -1;
	long b = duration_minutes(d);

	if (a >= 0 && b >= 0 && (a + b) % 60 == 0)
		snprintf(d, 24, "%ldh", (a + b) / 60);
	else if (a >= 0 && b >= 0)
		snprintf(d, 24, "%ldm", a + b);
}

/* Returns 1 if an escalation list item labelled lab says only how fast
 * a severity level is answered: "Sev1: acknowledge within 5 minutes". */
static int
esc_sla(const char *lab, const char *rest)
{
	char *code = sev_code(lab), *l = lower(rest), *t = trim(l);
	size_t n;
	int sla = code != NULL && word_of(t, t, esc_quiet, &n) == t;

	free(code);
	free(l);
	return sla;
}

/* Returns where in lower-case l the clause of a condition starts ("if",
 * "should", "in case", "wait"), or NULL. */
static const char *
esc_clause(const char *l)
{
	static const char *const starts[] = {
		"if ", "when ", "after ", "unless ", "should ", "in case ",
		"wait ", "once ", NULL
	};
	size_t n;

	return word_of(l, l, starts, &n);
}

/*
 * Reads one sentence of escalation prose, sent (l lower-case, cond where
 * its words start in l), said at line: a level ("Level 2 is the team
 * lead"), a first contact ("Page @oncall first", "The first point of
 * contact is X", "X is paged first"), a step said of someone ("the duty
 * manager must be telephoned") or to do ("If X does not acknowledge
 * within 10 minutes, page Y"), and under an escalation heading one with
 * no verb ("after 2 hours, the head of engineering").  Never a rule about
 * how fast people answer ("The secondary must acknowledge within 5
 * minutes").
 */
static void
esc_sentence(struct ex *x, const char *sent, const char *l, const char *cond,
    enum section sec, int line, char pending[24])
{
	const char *v, *p, *clause, *c, *neg;
	size_t vn = 0, k;
	char d[24];
	int has_d = duration(l, d), quiet = word_of(l, l, esc_quiet, &vn) !=
	    NULL;
	int first = x->escalation->n == 0;


	/* "Give them fifteen minutes; if ..., bring in X": the wait said
	 * before the step. */
	if (!has_d && *pending != '\0') {
		strcpy(d, pending);
		has_d = 1;
	}
	*pending = '\0';
	if (has_d && (starts_word(cond, "give") || starts_word(cond, "wait") ||
	    starts_word(cond, "allow")) && word_of(l, cond, esc_verbs, &vn) ==
	    NULL) {
		strcpy(pending, d);
		return;
	}
	/* "After a further 25 minutes", "two hours later": counted from
	 * the step before. */
	if (has_d && !first && since_prev(l))
		after_prev(x, d);

	/* "Level 2, engaged when ..., is the IAM team lead." */
	if (((strncmp(cond, "level ", 6) == 0 && isdigit((unsigned char)
	    cond[6])) || (strncmp(cond, "tier ", 5) == 0 && isdigit(
	    (unsigned char)cond[5]))) && (p = strstr(cond, " is ")) != NULL) {
		int lvl = atoi(cond + (cond[0] == 'l' ? 6 : 5));
		if (lvl > 0 && lvl < 20)
			esc_add(x, sent + (p - l) + 4, strlen(p + 4), lvl,
			    has_d && lvl > 1 ? d : NULL, 0, line);
		return;
	}
	/* "The first point of contact is X"; "X is the first contact". */
	if (first && ((p = strstr(cond, "first point of contact is ")) !=
	    NULL || (p = strstr(cond, "first contact is ")) != NULL ||
	    (p = strstr(cond, "first responder is ")) != NULL)) {
		p = strstr(p, " is ") + 4;
		esc_add(x, sent + (p - l), strlen(p), 0, NULL, 0, line);
		return;
	}
	if (first && ((p = strstr(cond, " is the first point of contact")) !=
	    NULL || (p = strstr(cond, " is the first contact")) != NULL ||
	    (p = strstr(cond, " is the first responder")) != NULL)) {
		esc_add(x, sent + (cond - l), (size_t)(p - cond), 0, NULL, 1,
		    line);
		return;
	}
	clause = esc_clause(l);
	/* "Withdrawals are the wallet on-call's responsibility." */
	if (first && !has_d && (p = strstr(cond, "'s responsibility")) !=
	    NULL && (c = strstr(cond, " the ")) != NULL && c < p) {
		esc_add(x, sent + (c - l) + 5, (size_t)(p - c - 5), 0, NULL, 0,
		    line);
		return;
	}
	/* Said of someone: "X is paged first", "the Duty Manager must be
	 * telephoned on +44 ...", "the VP is notified", "the security
	 * on-call joins". */
	for (k = 0; esc_passive[k] != NULL; k++) {
		static const char *const joins[] = { " joins", " steps in",
		    " takes over", " comes in", NULL };
		size_t a;

		p = passive_word(cond, esc_passive[k]);
		for (a = 0; p == NULL && k == 0 && joins[a] != NULL; a++)
			if ((p = strstr(cond, joins[a])) != NULL &&
			    isalpha((unsigned char)p[strlen(joins[a])]))
				p = NULL;
		if (p == NULL)
			continue;
		/* The subject: after the clause's comma, else from the
		 * sentence's start; less "must", "will", "should". */
		const char *s0 = cond, *e = p;
		for (c = comma_out(cond); c != NULL && c < p;
		    c = comma_out(c + 1))
			s0 = c + 1;
		while (*s0 == ' ')
			s0++;
		/* "After 45 minutes the producer on duty should be ..." */
		if (starts_word(s0, "after") || starts_word(s0, "within")) {
			const char *u = s0;
			while (*u != '\0' && u < p && !starts_word(u, "minutes") &&
			    !starts_word(u, "minute") && !starts_word(u, "min") &&
			    !starts_word(u, "hours") && !starts_word(u, "hour") &&
			    !starts_word(u, "h"))
				u++;
			if (*u != '\0' && u < p) {
				u += strcspn(u, " ");
				while (*u == ' ')
					u++;
				s0 = u;
			}
		}
		e = modal_trim(s0, e);
		if (e <= s0)
			return;
		/* "X is paged first", not "..., the first sign of". */
		c = strstr(p, " first");
		if ((c != NULL && c - p < 24 && memchr(p, ',', (size_t)(c - p)) ==
		    NULL) || (first && !has_d))
			esc_add(x, sent + (s0 - l), (size_t)(e - s0), 0,
			    NULL, s0 == cond, line);
		else if (has_d && !first)
			esc_add(x, sent + (s0 - l), (size_t)(e - s0), 0, d,
			    s0 == cond, line);
		return;
	}
	/* "It is escalated to the Service Owner after 30 minutes". */
	{
		static const char *const to[] = { "escalated to ",
		    "handed over to ", "passed to ", "goes to ", "go to ",
		    "routed to ", "handled by ", "owned by ", NULL };
		static const char *const paged[] = { "alert", "page",
		    "incident", "escalat", "call", NULL };
		char *before;
		int ok = (p = word_of(l, cond, to, &vn)) != NULL &&
		    word_of(l, cond, esc_verbs, &k) == NULL;

		/* "Alerts go to X", not "Questions go to #help". */
		if (ok && (p[0] == 'g' || p[0] == 'r')) {
			before = xstrndup(cond, (size_t)(p - cond));
			ok = has_any(before, paged);
			free(before);
		}
		if (ok) {
			if (first && !has_d)
				esc_add(x, sent + (p - l) + vn, strlen(p + vn),
				    0, NULL, 0, line);
			else if (has_d)
				esc_add(x, sent + (p - l) + vn, strlen(p + vn),
				    0, d, 0, line);
			return;
		}
	}
	/* "The data on-call handles the alert first", "Tier 1 receives
	 * the alert": whoever does, first. */
	if (first && !has_d) {
		static const char *const owns[] = { "owns ", "handles ",
		    "receives ", "takes ", "picks up ", "responds to ",
		    "gets ", NULL };
		static const char *const what[] = { "the alert", "this alert",
		    "alerts", "the page", "the pages", "pages", "the incident",
		    "incidents", "it first", "this first", "the ticket", NULL };
		if ((p = word_of(l, cond, owns, &vn)) != NULL && p > cond &&
		    has_any(p + vn, what)) {
			size_t wn = (size_t)(p - cond);

			/* "The duty controller answers and owns the
			 * incident": whoever, without "answers and". */
			while (wn > 0 && cond[wn - 1] == ' ')
				wn--;
			if (wn > 4 && strncmp(cond + wn - 4, " and", 4) == 0) {
				wn -= 4;
				while (wn > 0 && cond[wn - 1] != ' ')
					wn--;
			}
			if (wn > 0)
				esc_add(x, sent + (cond - l), wn, 0, NULL, 1,
				    line);
			return;
		}
	}
	/* "Page @search-oncall first."; "Page the primary on-call." */
	v = word_of(l, cond, esc_verbs, &vn);
	/* "As a last resort, call Wei Zhang". */
	if (!first && v != NULL && strstr(l, "last resort") != NULL) {
		esc_add(x, sent + (v - l) + vn, strlen(v + vn), 0,
		    has_d ? d : NULL, 0, line);
		return;
	}
	if (first && v != NULL && !quiet && (((v == cond ||
	    starts_word(cond, "start") || starts_word(cond, "begin")) &&
	    !has_d) || strstr(v, " first") != NULL) && (clause == NULL ||
	    clause > v)) {
		esc_add(x, sent + (v - l) + vn, strlen(v + vn), 0, NULL, 0,
		    line);
		return;
	}
	/* A rule of how fast people answer, not a step: "The secondary
	 * must acknowledge pages within 5 minutes". */
	if (clause == NULL && (strstr(cond, " must ") != NULL ||
	    strstr(cond, " should ") != NULL || strstr(cond, "expected to") !=
	    NULL || strstr(cond, "required to") != NULL || strstr(cond,
	    " needs to ") != NULL))
		return;
	/* A step waits: "Escalate to the ops lead after 15 minutes", "If
	 * the stream has not recovered in 5 minutes, call X". */
	if (!has_d)
		goto bare;
	/* "If X does not ..., page Y": the verb after the clause. */
	if (clause != NULL && (v == NULL || v > clause)) {
		const char *comma = comma_out(clause);
		const char *then = strstr(clause, " then ");
		const char *at = comma;
		if (then != NULL && (at == NULL || then < at))
			at = then;
		/* "after 20 minutes without a response escalate to X". */
		v = word_of(l, at != NULL ? at : strchr(clause, ' '),
		    esc_verbs, &vn);
	}
	/* "First the on-call (page straight away)": an aside. */
	for (k = 0, p = cond; v != NULL && p < v; p++)
		k += *p == '(' ? 1 : *p == ')' && k > 0 ? (size_t)-1 : 0;
	if (v == NULL || k > 0)
		goto bare;
	/* The one waited for, before the first step: "If the primary
	 * on-call does not acknowledge ...", "Should X not respond". */
	if (first && clause != NULL && v > clause) {
		const char *s0 = strchr(clause, ' ') + 1;
		if (strncmp(clause, "in case ", 8) == 0)
			s0 = clause + 8;
		neg = NULL;
		if (strncmp(clause, "should ", 7) == 0)
			neg = strstr(s0, " not ");
		else if (strncmp(clause, "if ", 3) == 0 || strncmp(clause,
		    "in case ", 8) == 0) {
			static const char *const negs[] = { " does not ",
			    " doesn't ", " has not ", " hasn't ", " did not ",
			    " fails to ", " is not ", " isn't ", " cannot ",
			    " can't ", NULL };
			for (k = 0; negs[k] != NULL; k++)
				if ((p = strstr(s0, negs[k])) != NULL && p < v &&
				    (neg == NULL || p < neg))
					neg = p;
		}
		if (neg != NULL && neg < v)
			esc_add(x, sent + (s0 - l), (size_t)(neg - s0), 0, NULL,
			    0, line);
	}
	if (esc_add(x, sent + (v - l) + vn, strlen(v + vn), 0, d, 0, line))
		return;
	v = NULL;
bare:
	/* Under an escalation heading, a step may be only who and when:
	 * "First the workers on-call (page straight away); if the queue
	 * still grows after 30 minutes, the team lead; after 2 hours, the
	 * head of engineering." */
	if (sec != SEC_ESCALATION)
		return;
	if (first && (starts_word(cond, "first") || strncmp(cond, "first,",
	    6) == 0))
		esc_add(x, sent + (cond - l) + 6, strlen(cond + 6), 0,
		    has_d ? d : NULL, 0, line);
	else if (first && !has_d && v == NULL && clause == NULL &&
	    (p = strstr(cond, " first")) != NULL && strlen(p) <= 8 &&
	    p - cond < 60)
		/* "Live-ops on-call first." */
		esc_add(x, sent + (cond - l), (size_t)(p - cond), 0, NULL, 1,
		    line);
	else if (!first && has_d && clause == cond && v == NULL &&
	    (c = comma_out(cond)) != NULL)
		esc_add(x, sent + (c - l) + 1, strlen(c + 1), 0, d, 0, line);
}

/*
 * Reads the escalation a paragraph states in sentences (esc_sentence),
 * where no list or table before it gave the escalation.
 */
static void
escalation_prose(struct ex *x, cmark_node *n, enum section sec)
{
	struct buf b = { NULL, 0, 0 };
	int *breaks = NULL;
	size_t nbreaks = 0, cap = 0, k;
	cmark_iter *it;
	cmark_event_type ev;
	cmark_node *c;
	const char *lit;
	char *t, *p, *e, pending[24] = "";
	const char *stop, *no;
	int first = node_line(x, n);

	if (x->escalation->n > 0)
		return;
	/* The text, and where its lines start. */
	it = cmark_iter_new(n);
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
		c = cmark_iter_get_node(it);
		if (ev != CMARK_EVENT_ENTER)
			continue;
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			if ((lit = cmark_node_get_literal(c)) != NULL)
				buf_puts(&b, lit);
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			buf_putc(&b, ' ');
			if (nbreaks == cap)
				breaks = xreallocarray(breaks, cap = cap ?
				    cap * 2 : 8, sizeof(*breaks));
			breaks[nbreaks++] = (int)b.len;
			break;
		default:
			break;
		}
	}
	cmark_iter_free(it);
	(void)buf_cstr(&b);
	t = b.data;
	stop = strstr(t, ". ");
	no = strcasestr_ascii(t, "not an escalation");
	for (p = t, k = 0; *p != '\0'; p = e) {
		char *sent, *l;

		/* One sentence: up to ". " (not "e.g. "), or "; ". */
		for (e = p; *e != '\0'; e++)
			if ((*e == '.' || *e == '!' || *e == '?' || *e == ';') &&
			    (e[1] == ' ' || e[1] == '\0') && !(e - p >= 3 &&
			    e[-2] == '.'))
				break;
		if (*e != '\0')
			e++;
		while (k < nbreaks && breaks[k] <= p - t)
			k++;
		sent = xstrndup(p, (size_t)(e - p));
		while (*e == ' ')
			e++;
		l = lower(sent);
		/* "X must be informed if ...; that is a contractual
		 * obligation, not an escalation." */
		/* (Each looked for again only once passed: linear.) */
		if (stop != NULL && stop < p)
			stop = strstr(p, ". ");
		if (no != NULL && no < p)
			no = strcasestr_ascii(p, "not an escalation");
		if (no != NULL && (stop == NULL || no < stop)) {
			free(l);
			free(sent);
			continue;
		}
		esc_sentence(x, sent, l, trim(l), sec, first + (int)k, pending);
		free(l);
		free(sent);
	}
	if (sec != SEC_ESCALATION)
		x->esc_aside = x->escalation->n;
	free(breaks);
	buf_free(&b);
}

/* ------------------------------------------------------- quickref */

/* Adds a quickref entry (label may be NULL), up to QUICK_MAX. */
static void
quick_add(struct ex *x, const char *label, const char *cmd, size_t n,
    int line)
{
	struct ynode *q;
	char *c;

	while (n > 0 && (cmd[n - 1] == ' ' || cmd[n - 1] == '\t'))
		n--;
	while (n > 0 && (*cmd == ' ' || *cmd == '\t' || *cmd == '$'))
		cmd++, n--;
	if (n == 0 || x->quick->n >= QUICK_MAX)
		return;
	q = item_at(x, line);
	if (label != NULL) {
		char *own = xstrdup(label), *l = trim(own), *e = l + strlen(l);

		for (;;) {
			if (e > l && (e[-1] == ':' || e[-1] == ' ' ||
			    e[-1] == '-'))
				*--e = '\0';
			else if (e - l >= 3 && (unsigned char)e[-3] == 0xe2 &&
			    (unsigned char)e[-2] == 0x80 &&
			    ((unsigned char)e[-1] == 0x93 ||
			    (unsigned char)e[-1] == 0x94)) {
				e -= 3;	/* an en or em dash */
				*e = '\0';
			} else
				break;
		}
		put(x, q, "label", l, line);
		free(own);
	}
	c = xstrndup(cmd, n);
	put(x, q, "command", c, line);
	free(c);
	yseq_push(x->a, x->quick, q);
}

/* A code block's commands: each line but comments and blank ones, a
 * comment naming the command under it. */
static void
quick_code(struct ex *x, cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n), *p, *e;
	char *comment = NULL;
	const char *head;
	int flen, foff, line, lvl;
	char fch;

	line = node_line(x, n) + (cmark_node_get_fenced(n, &flen, &foff,
	    &fch) ? 1 : 0);

	if (lit == NULL)
		return;
	head = nearest(x, &lvl);
	for (p = lit; *p != '\0'; p = *e != '\0' ? e + 1 : e, line++) {
		const char *q = p;

		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		while (q < e && (*q == ' ' || *q == '\t'))
			q++;
		if (q == e)
			continue;
		if (*q == '#' || (q + 1 < e && q[0] == '/' && q[1] == '/')) {
			free(comment);
			while (q < e && (*q == '#' || *q == '/' || *q == ' '))
				q++;
			comment = xstrndup(q, (size_t)(e - q));
			continue;
		}
		/* A line that goes on ("\") is a command too long for a
		 * card line: its first line stands for it. */
		quick_add(x, comment != NULL ? comment : x->qlabel != NULL ?
		    x->qlabel : lvl > 0 && x->levels[lvl] != SEC_QUICKREF ?
		    head : NULL, q, (size_t)(e - q), line);
		free(comment);
		comment = NULL;
	}
	free(comment);
	free(x->qlabel);
	x->qlabel = NULL;
}

/* The first code span of a block and the text before it: "Restart the
 * pods: `kubectl rollout restart ...`". */
static void
quick_inline(struct ex *x, cmark_node *blk, int line)
{
	cmark_node *c;
	struct buf lab = { NULL, 0, 0 };
	const char *code;

	for (c = cmark_node_first_child(blk); c != NULL;
	    c = cmark_node_next(c)) {
		if (cmark_node_get_type(c) == CMARK_NODE_CODE &&
		    (code = cmark_node_get_literal(c)) != NULL) {
			quick_add(x, lab.len > 0 ? buf_cstr(&lab) : NULL, code,
			    strlen(code), line);
			break;
		}
		md_text(c, &lab, 0);
	}
	buf_free(&lab);
}

/* A block of a quick-reference section. */
static void
quick_block(struct ex *x, cmark_node *n)
{
	cmark_node *it, *c;

	switch (cmark_node_get_type(n)) {
	case CMARK_NODE_CODE_BLOCK:
		quick_code(x, n);
		break;
	case CMARK_NODE_LIST:
		for (it = cmark_node_first_child(n); it != NULL;
		    it = cmark_node_next(it))
			for (c = cmark_node_first_child(it); c != NULL;
			    c = cmark_node_next(c)) {
				if (cmark_node_get_type(c) ==
				    CMARK_NODE_PARAGRAPH)
					quick_inline(x, c, node_line(x, c));
				else if (cmark_node_get_type(c) ==
				    CMARK_NODE_CODE_BLOCK)
					quick_code(x, c);
			}
		break;
	case CMARK_NODE_PARAGRAPH: {
		size_t before = x->quick->n;
		char *t;

		quick_inline(x, n, node_line(x, n));
		free(x->qlabel);
		x->qlabel = NULL;
		/* No command in it: it says what the next code block does. */
		if (x->quick->n == before) {
			t = node_text(n);
			if (strlen(t) <= 80)
				x->qlabel = t;
			else
				free(t);
		}
		break;
	}
	default:
		break;
	}
}

/* Walks the blocks of the body in order, in the sections they are in. */
/*
 * The owner and review lines of raw HTML n, as its source has them: a
 * Confluence export's "<tr><th>Last reviewed</th><td>2026-08-17</td>"
 * read as "Last reviewed: 2026-08-17".
 */
static void
html_meta(struct ex *x, cmark_node *n)
{
	int first = node_line(x, n), last, l;
	char *line, *o, *p;
	size_t k;

	/* To the blank line that ends raw HTML (the sanitized nodes keep
	 * their first line only). */
	for (last = first; last - first < 50; last++) {
		line = source_line(x, last + 1);
		k = strlen(trim(line));
		free(line);
		if (k == 0 || (size_t)last + 1 > x->r->src.nlines)
			break;
	}
	for (l = first; l <= last; l++) {
		line = source_line(x, l);
		o = xmalloc(2 * strlen(line) + 1);
		for (p = line, k = 0; *p != '\0'; ) {
			if (*p != '<') {
				o[k++] = *p++;
				continue;
			}
			/* A header cell's end: the label's colon. */
			if (strncasecmp(p, "</th>", 5) == 0 ||
			    strncasecmp(p, "</dt>", 5) == 0)
				o[k++] = ':';
			o[k++] = ' ';
			while (*p != '\0' && *p != '>')
				p++;
			if (*p == '>')
				p++;
		}
		o[k] = '\0';
		meta_line(x, trim(o), l);
		free(o);
		free(line);
	}
}

/* Returns 1 if code block n is plain text ("```" or "```text") and comes
 * before any heading below the title. */
static int
head_block(const struct ex *x, cmark_node *n)
{
	const char *info = cmark_node_get_fence_info(n);
	int i;

	for (i = 2; i <= 6; i++)
		if (x->heads[i] != NULL)
			return 0;
	return info == NULL || *info == '\0' || strcmp(info, "text") == 0 ||
	    strcmp(info, "txt") == 0 || strcmp(info, "plain") == 0;
}

/* The owner and review lines of code block n (head_block). */
static void
code_meta(struct ex *x, cmark_node *n)
{
	const char *lit = cmark_node_get_literal(n), *p, *e;
	int line = node_line(x, n) + 1;
	char *t;

	for (p = lit; p != NULL && *p != '\0'; p = *e != '\0' ? e + 1 : e,
	    line++) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		t = xstrndup(p, (size_t)(e - p));
		meta_line(x, trim(t), line);
		free(t);
	}
}

/*
 * Returns 1 if a heading below level 1 after n, before the next level-1
 * one, names section sec: then that heading, not n, is the section, and
 * what lies under n's other subheadings is not in it.  Asked only of a
 * level-1 heading that names a section (few do).
 */
static int
named_later(cmark_node *n, int sec)
{
	cmark_node *h;
	char *text;
	int level, found = 0;

	for (h = cmark_node_next(n); h != NULL && !found;
	    h = cmark_node_next(h)) {
		if (cmark_node_get_type(h) != CMARK_NODE_HEADING)
			continue;
		if ((level = cmark_node_get_heading_level(h)) <= 1)
			break;
		text = node_text(h);
		found = (int)section_of(text) == sec;
		free(text);
	}
	return found;
}

static void
walk_blocks(struct ex *x, cmark_node *parent, int depth)
{
	cmark_node *n, *it, *c1;
	const char *head;
	enum section sec;
	int i, level;

	for (n = cmark_node_first_child(parent); n != NULL;
	    n = cmark_node_next(n)) {
		cmark_node_type t = cmark_node_get_type(n);
		char *text;

		if (t == CMARK_NODE_HEADING) {
			level = cmark_node_get_heading_level(n);
			if (level < 1 || level > 6)
				continue;
			for (i = level; i <= 6; i++) {
				free(x->heads[i]);
				x->heads[i] = NULL;
				x->levels[i] = SEC_NONE;
			}
			/* Most headings are one text node: no copy. */
			c1 = cmark_node_first_child(n);
			if (c1 != NULL && cmark_node_next(c1) == NULL &&
			    cmark_node_get_type(c1) == CMARK_NODE_TEXT &&
			    cmark_node_get_literal(c1) != NULL)
				text = xstrdup(cmark_node_get_literal(c1));
			else
				text = node_text(n);
			x->levels[level] = section_of(text);
			/* A title is no list of former people. */
			if (level == 1 && x->levels[1] == SEC_FORMER)
				x->levels[1] = SEC_NONE;
			x->heads[level] = text;
			x->hline[level] = node_line(x, n);
			if (level == 1)
				x->h1_taken = x->levels[1] != SEC_NONE &&
				    named_later(n, x->levels[1]);
			continue;
		}
		/* Raw HTML's <details> and <div>, GitHub's alerts, quotes
		 * (a Notion callout): what they hold is the section's, as
		 * on the page. */
		if ((t == CMARK_NODE_CUSTOM_BLOCK ||
		    t == CMARK_NODE_BLOCK_QUOTE) && depth < 8) {
			if (t == CMARK_NODE_CUSTOM_BLOCK && depth == 0 &&
			    x->want_meta)
				html_meta(x, n);
			walk_blocks(x, n, depth + 1);
			continue;
		}
		sec = current(x, &head);
		if (sec == SEC_QUICKREF) {
			/* Its commands; then, as anywhere, "Owner:" lines. */
			quick_block(x, n);
			sec = SEC_NONE;
		} else {
			free(x->qlabel);
			x->qlabel = NULL;
		}
		if (is_table(n)) {
			if (sec != SEC_NONE || x->want_meta)
				table(x, n, sec);
			continue;
		}
		if (t == CMARK_NODE_LIST) {
			/* "- Owner: ...", "- Last updated: ..." anywhere */
			for (it = x->want_meta ? cmark_node_first_child(n) :
			    NULL; it != NULL; it = cmark_node_next(it)) {
				text = item_text(it);
				meta_line(x, text, node_line(x, it));
				free(text);
			}
			if (sec != SEC_NONE)
				list(x, n, sec, head);
			/* "- Replication lag > 60s (warning), > 300s
			 * (critical)" under "Symptoms" too. */
			else
				for (it = compares(x, node_line(x, n),
				    cmark_node_get_end_line(n) +
				    x->r->body_line - 1) ?
				    cmark_node_first_child(n) : NULL; it != NULL;
				    it = cmark_node_next(it)) {
					text = item_text(it);
					if (states_levels(text))
						threshold_line(x, text,
						    node_line(x, it));
					free(text);
				}
			continue;
		}
		if (t == CMARK_NODE_PARAGRAPH && (sec != SEC_NONE ||
		    x->want_meta))
			paragraph(x, n, sec);
		/* A header in a plain code block before the first section
		 * ("Owner        : OCC Systems Manager", "Last review  :
		 * 2026-11-20"). */
		if (t == CMARK_NODE_CODE_BLOCK && x->want_meta &&
		    sec == SEC_NONE && head_block(x, n))
			code_meta(x, n);
	}
}

/* What an escalation step's who says to page, malloc'd, or NULL:
 * "page `db-oncall`", "edge-sre-primary (PagerDuty)". */
static char *
step_pager(const char *who)
{
	const char *o = strchr(who, '('), *at, *from;
	char *pg;
	size_t n;

	if ((pg = pager_of(who, &from)) != NULL)
		return pg;
	if (o == NULL || o == who || !paging_tool(o + 1) ||
	    (n = pager_token(who, &at)) == 0 || at != who)
		return NULL;
	for (from = who + n; from < o && *from == ' '; from++)
		;
	return from == o ? xstrndup(who, n) : NULL;
}

/*
 * Adds the contact an escalation step names with its number: "Warehouse
 * Systems team lead (Carla Mendes, 07700 900344)" is the role, the name
 * and the phone, so the step and the on-call box can call them.
 */
static void
step_contact(struct ex *x, const char *who, const char *how, int line)
{
	char *t, *o, *e;
	struct ynode *c;

	/* "NOC Tier 1 shift lead" whose table's How column says "NOC
	 * bridge +1 312 555 0134"; "Transport engineering manager \xe2\x80\x94
	 * Luis Ferreira" and "+1 312 555 0161". */
	if (how != NULL) {
		static const char *const dash[] = { " \xe2\x80\x94 ",
		    " \xe2\x80\x93 ", " - ", NULL };
		size_t i;

		c = item_at(x, line);
		t = xstrdup(who);
		for (i = 0; dash[i] != NULL && (o = strstr(t, dash[i])) ==
		    NULL; i++)
			;
		if (o != NULL) {
			*o = '\0';
			e = trim(o + strlen(dash[i]));
			if (full_name(e)) {
				put(x, c, "name", e, line);
				put(x, c, "role", trim(t), line);
			} else if (full_name(trim(t))) {
				put(x, c, "name", trim(t), line);
				put(x, c, "role", e, line);
			} else
				o = NULL;
		}
		free(t);
		if (o == NULL) {
			/* "Carlos Mendes, Backbone lead", "VP Network
			 * Ops, Elena Sokolova" */
			t = xstrdup(who);
			person_role(x, c, t, line);
			free(t);
		}
		set_parts(x, c, how, line, F_NONE);
		if (has_reach(c))
			add_contact(x, c);
		return;
	}

	/* "edge-sre-primary (PagerDuty)", "page `db-oncall` in
	 * PagerDuty": a rota paged by its name. */
	if (strlen(who) <= 100 && strchr(who, ',') == NULL &&
	    (t = step_pager(who)) != NULL) {
		c = item_at(x, line);
		put(x, c, "role", who, line);
		put(x, c, "pager", t, line);
		add_contact(x, c);
		free(t);
		return;
	}
	if (digit_count(who) < 7 || strlen(who) > 160)
		return;
	if ((o = strchr(who, '(')) == NULL || o == who) {
		if (!step_parts(x, who, line))
			step_person(x, who, line);
		return;
	}
	t = xstrdup(who);
	o = t + (o - who);
	*o++ = '\0';
	if ((e = strrchr(o, ')')) != NULL)
		*e = '\0';
	c = item_at(x, line);
	{
		/* "Page the primary on-call (Ana, ...)": whom, not the
		 * verb; "Lena Fischer (+49 ...)": a name. */
		char *r = trim(t), *l = lower(r);
		const char *vb = NULL, *q;
		size_t vn, i;
		if (word_of(l, l, esc_verbs, &vn) == l)
			r = trim(r + vn);
		/* "After 1 hour on a Priority 1, notify the plant
		 * superintendent": whom, after the last verb. */
		else {
			for (i = 0; esc_verbs[i] != NULL; i++)
				if ((q = strstr(l, esc_verbs[i])) != NULL &&
				    (q == l || q[-1] == ' ') && (vb == NULL ||
				    q > vb)) {
					vb = q;
					vn = strlen(esc_verbs[i]);
				}
			if (vb != NULL)
				r = trim(r + (vb - l) + vn);
		}
		if (strncasecmp(r, "the ", 4) == 0)
			r += 4;
		free(l);
		put(x, c, full_name(r) ? "name" : "role", r, line);
	}
	set_parts(x, c, o, line, F_NONE);
	if (ymap_get(c, "phone") != NULL)
		add_contact(x, c);
	free(t);
}

/*
 * The contact whose line says to call it first ("24x7, call first",
 * "this is the first call for ANY event") gets the id "primary", which
 * the on-call box shows first when the escalation does not name a
 * contact, unless a contact has that id already.
 */
static void
first_call(struct ex *x)
{
	static const char *const w[] = { "call first", "first call",
	    "first point of contact", "call them first", NULL };
	struct ynode *c, *id;
	size_t i, k;
	char *t;
	int hit;

	for (i = 0; i < x->contacts->n; i++)
		if (strcmp(ystr(ymap_get(x->contacts->items[i], "id")),
		    "primary") == 0)
			return;
	for (i = 0; i < x->contacts->n; i++) {
		c = x->contacts->items[i];
		t = source_line(x, c->line);
		for (k = 0, hit = 0; w[k] != NULL && !hit; k++)
			hit = strcasestr_ascii(t, w[k]) != NULL;
		free(t);
		if (!hit)
			continue;
		id = (struct ynode *)ymap_get(c, "id");
		id->s = arena_strdup(x->a, "primary");
		id->slen = 7;
		return;
	}
}

/* The digits of s, at most n - 1 of them, into d. */
static void
digits_of(const char *s, char *d, size_t n)
{
	size_t k = 0;

	for (; *s != '\0' && k + 1 < n; s++)
		if (isdigit((unsigned char)*s))
			d[k++] = *s;
	d[k] = '\0';
}

/*
 * The id of the contact of cl whose phone is the first number in who
 * that is some contact's ("Monetika (+33 1 99 00 98 00)", "the first
 * call (555-0311 by day, 555-0312 at night)"), or NULL.
 */
static const char *
contact_by_phone(const struct ynode *cl, const char *who)
{
	const char *p = who, *e, *v;
	char want[32], have[32], *part;
	size_t k;

	while (*p != '\0') {
		while (*p != '\0' && !isdigit((unsigned char)*p) && *p != '+')
			p++;
		for (e = p; *e != '\0' && strchr("0123456789 +-().", *e) !=
		    NULL; e++)
			;
		part = xstrndup(p, (size_t)(e - p));
		digits_of(part, want, sizeof(want));
		free(part);
		p = *e != '\0' ? e + 1 : e;
		if (strlen(want) < 7)
			continue;
		for (k = 0; k < cl->n; k++) {
			if ((v = ystr(ymap_get(cl->items[k], "phone"))) ==
			    NULL)
				continue;
			digits_of(v, have, sizeof(have));
			if (strcmp(have, want) == 0)
				return ystr(ymap_get(cl->items[k], "id"));
		}
	}
	return NULL;
}

/*
 * "Gareth Pryce calls the Westrail helpdesk (555-0390)", "OCC Duty Crew
 * Controller calls the 1st-line engineer": a step whose who says who
 * calls whom; returns where the one called is named in who, or NULL.
 */
static const char *
called_of(const char *who)
{
	static const char *const verb[] = { " calls ", " pages ",
	    " phones ", " rings ", " escalates to ", " informs ",
	    " notifies ", " contacts ", " wakes up ", " loops in ",
	    " calls out ", NULL };
	const char *p, *q, *best = NULL;
	size_t i, n = 0, words = 0;

	for (i = 0; verb[i] != NULL; i++)
		if ((p = strstr(who, verb[i])) != NULL && (best == NULL ||
		    p < best || (p == best && strlen(verb[i]) > n))) {
			best = p;
			n = strlen(verb[i]);
		}
	if (best == NULL || best == who)
		return NULL;
	/* The subject: after the last arrow, comma or colon before the
	 * verb ("S0 still going at 30 min -> Marco loops in Dana"). */
	for (p = who, q = who; p < best; p++)
		if (*p == ',' || *p == ';' || *p == ':' || strncmp(p,
		    "\xe2\x86\x92", 3) == 0)
			q = p + 1;
	for (p = q; p < best; p++)
		words += *p == ' ';
	return words < 8 && !isdigit((unsigned char)best[n]) ? best + n :
	    NULL;
}

/*
 * The id of the contact of cl that escalation step who names, or NULL:
 * the one who covers ("Engineering manager (Ravi; while on leave: Lena
 * Hoffmann)"), the one whose number it gives where no role or name of it
 * matches ("... chez Monetika (+33 1 99 00 98 00)"), the one its first
 * sentence names ("teamleider Marloes Jansen informeren. Buiten
 * kantooruren via de meldkamer."), else the one it names.
 */
static const char *
step_names(struct ex *x, const struct ynode *cl, const char *who)
{
	const char *at, *dot, *id, *id1;
	size_t n;

	if ((at = cover_at(who, &n)) != NULL &&
	    (id = contact_of(cl, at + n)) != NULL)
		return id;
	if ((id = contact_of(cl, who)) == NULL &&
	    (id1 = contact_by_phone(cl, who)) != NULL)
		return id1;
	for (dot = who; (dot = strstr(dot, ". ")) != NULL &&
	    !isupper((unsigned char)dot[2]); dot += 2)
		;
	if (dot != NULL && (id1 = contact_of(cl, arena_strndup(x->a, who,
	    (size_t)(dot - who)))) != NULL)
		return id1;
	return id;
}

/* Takes key out of map m, if it is there. */
static void
map_drop(struct ynode *m, const char *key)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->keys[i]->s, key) == 0) {
			memmove(m->keys + i, m->keys + i + 1, (m->n - i - 1) *
			    sizeof(*m->keys));
			memmove(m->items + i, m->items + i + 1, (m->n - i - 1) *
			    sizeof(*m->items));
			m->n--;
			return;
		}
}

/* Returns 1 if s begins with a person's full name of two words ("Ahmed
 * Rahman on his mobile"). */
static int
lead_name(const char *s)
{
	const char *e = strchr(s, ' ');
	char *w;
	int ok;

	if (e == NULL)
		return 0;
	e = strchr(e + 1, ' ');
	w = e != NULL ? xstrndup(s, (size_t)(e - s)) : xstrdup(s);
	w[strcspn(w, ",;.()")] = '\0';	/* "Marco Greco, cell. ..." */
	ok = full_name(w);
	free(w);
	return ok;
}

/*
 * "Engineering manager, Dana White, +1 415 555 0100, after 30 minutes.",
 * a step's who in parts between commas: a role, a person's full name and
 * a number (any order; when is left out) make a contact.  Returns 1 if
 * they did.
 */
static int
step_parts(struct ex *x, const char *who, int line)
{
	char *t = xstrdup(who), *part[8], *p, *role = NULL, *name = NULL;
	char *phone = NULL, *l;
	struct ynode *c;
	size_t n = 0, i, vn;
	char d[24];

	for (p = t; n < 8; ) {
		part[n++] = p;
		if ((p = strstr(p, ", ")) == NULL)
			break;
		*p = '\0';
		p += 2;
	}
	if (n < 2 || n == 8) {
		free(t);
		return 0;
	}
	for (i = 0; i < n; i++) {
		p = trim(part[i]);
		while (*p != '\0' && p[strlen(p) - 1] == '.' && digit_count(p) >
		    0)
			p[strlen(p) - 1] = '\0';
		if (looks(p) == F_PHONE && phone == NULL)
			phone = p;
		else if (full_name(p) && name == NULL)
			name = p;
		else if (digit_count(p) == 0 && role == NULL && i == 0) {
			/* "Page the engineering manager": whom. */
			l = lower(p);
			if (word_of(l, l, esc_verbs, &vn) == l)
				p = trim(p + vn);
			free(l);
			if (strncasecmp(p, "the ", 4) == 0)
				p += 4;
			/* "Ahmed Rahman on his mobile": a person, for
			 * step_person. */
			if (lead_name(p)) {
				free(t);
				return 0;
			}
			role = p;
		} else if (!duration(p, d)) {
			free(t);
			return 0;	/* a part of no contact */
		}
	}
	if (phone == NULL || (name == NULL && role == NULL) ||
	    (role != NULL && (*role == '\0' || strlen(role) > 60))) {
		free(t);
		return 0;
	}
	c = item_at(x, line);
	if (role != NULL)
		put(x, c, "role", role, line);
	if (name != NULL)
		put(x, c, "name", name, line);
	put(x, c, "phone", phone, line);
	add_contact(x, c);
	free(t);
	return 1;
}

/* "Ahmed Rahman on his mobile, 07700 900 555", a step's who: a person
 * named first and a number last make a contact. */
static void
step_person(struct ex *x, const char *who, int line)
{
	const char *e = who + strlen(who), *p = e, *w;
	char *name;
	struct ynode *c;
	size_t digits = 0, words = 0;

	while (p > who && strchr(".", p[-1]) != NULL)
		p--;
	e = p;
	for (; p > who && strchr("0123456789 +-().", p[-1]) != NULL; p--)
		digits += isdigit((unsigned char)p[-1]) != 0;
	while (*p == ' ')
		p++;
	if (digits < 7 || p == who)
		return;
	name = xstrndup(p, (size_t)(e - p));
	words = looks(name) == F_PHONE;
	free(name);
	if (!words)
		return;
	words = 0;
	/* The capitalised words first: "Ahmed Rahman". */
	for (w = who; *w != '\0' && w < p; ) {
		if (!isupper((unsigned char)*w))
			break;
		while (*w != '\0' && *w != ' ' && *w != ',')
			w++;
		words++;
		if (*w != ' ')
			break;
		w++;
	}
	while (w > who && (w[-1] == ' ' || w[-1] == ','))
		w--;
	if (words < 2)
		return;
	name = xstrndup(who, (size_t)(w - who));
	if (full_name(name)) {
		c = item_at(x, line);
		put(x, c, "name", name, line);
		put_n(x, c, "phone", p, (size_t)(e - p), line);
		add_contact(x, c);
	}
	free(name);
}

static int	has_word(const char *, const char *, size_t);

/*
 * Returns 1 if an escalation step's "who" names the contact whose role or
 * name is n: the same words, or them as words of who ("Primary on-call
 * (immediately)", "Page the Engineering manager").
 */
static int
who_is(const char *who, const char *n)
{
	size_t k, i;
	const char *p;

	if (n == NULL)
		return 0;
	/* "DBA", "NOC": a short form in capitals, as a word of who in
	 * capitals ("Dopo un'ora, il DBA."); else the whole of who. */
	if ((k = strlen(n)) < 4) {
		for (i = 0; i < k && isupper((unsigned char)n[i]); i++)
			;
		return strcasecmp(who, n) == 0 || (k >= 2 && i == k &&
		    has_word(who, n, k));
	}
	for (p = who; (p = strcasestr_ascii(p, n)) != NULL; p++)
		if ((p == who || !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[k]))
			return 1;
	return 0;
}

/* Returns 1 if who has word w, in w's case. */
static int
has_word(const char *who, const char *w, size_t n)
{
	const char *p;

	for (p = who; *p != '\0'; p++)
		if (strncmp(p, w, n) == 0 && (p == who ||
		    !isalnum((unsigned char)p[-1])) &&
		    !isalnum((unsigned char)p[n]))
			return 1;
	return 0;
}

/*
 * The id of the one contact of cl that who names by a shorter form, or
 * NULL: its role without what qualifies it ("Duty sysadmin" for "Duty
 * sysadmin (rota on the wiki)"), the short form in its role ("DOM" for
 * "Duty Operations Manager (DOM)"), or its person's first name where no
 * other contact's is the same ("Stefan" for "Stefan Berg").
 */
static const char *
contact_short(const struct ynode *cl, const char *who)
{
	const char *found = NULL, *v, *o, *e;
	char w[64];
	size_t k, j, n;
	int hits = 0, same;

	for (k = 0; k < cl->n; k++) {
		const struct ynode *c = cl->items[k];
		int hit = 0;

		if ((v = ystr(ymap_get(c, "role"))) != NULL) {
			n = strcspn(v, "(,");
			while (n > 0 && v[n - 1] == ' ')
				n--;
			if (n >= 4 && n < sizeof(w) && v[n] != '\0') {
				memcpy(w, v, n);
				w[n] = '\0';
				hit = who_is(who, w);
			}
			/* "Ops Systems on-call" for "Ops Systems on-call
			 * engineer". */
			if (!hit && (o = strrchr(v, ' ')) != NULL &&
			    (size_t)(o - v) < sizeof(w) && o - v >= 8 &&
			    strchr(v, ' ') < o && (strcasecmp(o + 1,
			    "engineer") == 0 || strcasecmp(o + 1, "person") ==
			    0 || strcasecmp(o + 1, "rota") == 0 ||
			    strcasecmp(o + 1, "staff") == 0)) {
				memcpy(w, v, (size_t)(o - v));
				w[o - v] = '\0';
				hit = who_is(who, w);
			}
			/* "On-call" for "Storefront on-call", "Shift
			 * operator" for "Control room shift operator
			 * (24/7)": the end of its role. */
			n = strcspn(v, "(,");
			while (n > 0 && v[n - 1] == ' ')
				n--;
			for (j = 1; !hit && j < n && n < sizeof(w); j++)
				if (v[j - 1] == ' ' && n - j >= 5) {
					memcpy(w, v + j, n - j);
					w[n - j] = '\0';
					/* One word only as the whole of
					 * who: not "Editor" of "Editor-in-
					 * Chief's office". */
					hit = strchr(w, ' ') != NULL ?
					    who_is(who, w) :
					    strcasecmp(who, w) == 0;
				}
			n = strlen(v);
			j = strlen(who);
			if (!hit && j >= 5 && n > j + 1 && v[n - j - 1] == ' ' &&
			    strcasecmp(v + n - j, who) == 0)
				hit = 1;
			/* "Secondary" for "Secondary on-call". */
			if (!hit && j >= 5 && n > j + 1 && v[j] == ' ' &&
			    strncasecmp(v, who, j) == 0)
				hit = 1;
			if (!hit && (o = strchr(v, '(')) != NULL &&
			    (e = strchr(o, ')')) != NULL && e - o >= 3 &&
			    e - o <= 7) {
				for (j = 1; o + j < e && isupper((unsigned char)
				    o[j]); j++)
					;
				hit = o + j == e && has_word(who, o + 1,
				    (size_t)(e - o - 1));
			}
		}
		if (!hit && (v = ystr(ymap_get(c, "name"))) != NULL &&
		    full_name(v) && (n = strcspn(v, " ")) >= 3 &&
		    n < sizeof(w)) {
			memcpy(w, v, n);
			w[n] = '\0';
			same = 0;
			for (j = 0; j < cl->n; j++) {
				const char *u = ystr(ymap_get(cl->items[j],
				    "name"));
				same += u != NULL && strncmp(u, w, n) == 0 &&
				    (u[n] == ' ' || u[n] == '\0');
				/* "Storingsdienst" of another's role: no
				 * one's first name alone. */
				u = ystr(ymap_get(cl->items[j], "role"));
				same += j != k && u != NULL &&
				    has_word(u, w, n);
			}
			hit = same == 1 && has_word(who, w, n);
		}
		if (hit) {
			found = ystr(ymap_get(c, "id"));
			hits++;
		}
	}
	return hits == 1 ? found : NULL;
}

/*
 * "Primary on-call (rota above)": a step that sends to the rota names
 * the one contact of cl that is a rota paged through the paging tool
 * (role "On-call rota", a pager); NULL if none or several.
 */
static const char *
rota_of(const struct ynode *cl, const char *who)
{
	static const char *const w[] = { "rota", "rotation", "schedule",
	    NULL };
	const char *found = NULL, *v;
	size_t k, i;
	int hits = 0, says = 0;

	for (i = 0; w[i] != NULL && !says; i++)
		says = who_is(who, w[i]);
	for (k = 0; says && k < cl->n; k++) {
		v = ystr(ymap_get(cl->items[k], "role"));
		if (v == NULL || ymap_get(cl->items[k], "pager") == NULL)
			continue;
		for (i = 0; w[i] != NULL; i++)
			if (who_is(v, w[i])) {
				found = ystr(ymap_get(cl->items[k], "id"));
				hits++;
				break;
			}
	}
	return hits == 1 ? found : NULL;
}

/* The id of the first contact of list cl whose role or name who names,
 * or NULL. */
static const char *
contact_of(const struct ynode *cl, const char *who)
{
	static const char *const keys[] = { "role", "name", "chat", "pager",
	    NULL };
	const char *best = NULL, *v;
	size_t k, i, bn = 0;

	/* The longest that who names: "Rufbereitschaft (Vertretung)",
	 * not "Rufbereitschaft"; "wallet on-call backup", not "wallet
	 * on-call". */
	for (k = 0; k < cl->n; k++) {
		const struct ynode *c = cl->items[k];
		for (i = 0; keys[i] != NULL; i++)
			if ((v = ystr(ymap_get(c, keys[i]))) != NULL &&
			    strlen(v) > bn && who_is(who, v)) {
				best = ystr(ymap_get(c, "id"));
				bn = strlen(v);
			}
	}
	if (best == NULL)
		best = contact_short(cl, who);
	return best != NULL ? best : rota_of(cl, who);
}

/* ------------------------------------------------------------ summary */

/* Returns 1 for a paragraph about the document, not the service:
 * "Owner: ...", "Last updated: ...", "Version 1.0 | ...". */
static int
meta_para(const char *t)
{
	/* What meta_of does not know (it knows owners and reviews). */
	static const char *const w[] = { "updated", "version", "author",
	    "status", "date", NULL };
	size_t i, k;

	const char *rest;

	while (*t == '*' || *t == '_' || *t == ' ')
		t++;
	if (strncasecmp(t, "team:", 5) == 0 || strncasecmp(t, "service:",
	    8) == 0)
		return 1;
	/* Any owner or review line meta_of knows ("Eigenaar:",
	 * "Responsabile del documento:"). */
	if (meta_of(t, &rest) != M_NONE)
		return 1;
	for (i = 0; w[i] != NULL; i++) {
		k = strlen(w[i]);
		if (strncasecmp(t, w[i], k) == 0 &&
		    !isalnum((unsigned char)t[k]))
			return 1;
	}
	return 0;
}

/* Cuts b, paragraph n's text, where a line of it about the document
 * begins ("Team X" then "Procedure owner: ..." on the next line). */
static void
meta_cut(struct ex *x, cmark_node *n, struct buf *b)
{
	int first = node_line(x, n), last, l;
	const char *rest, *at;
	char *t, key[16];

	last = cmark_node_get_end_line(n) + x->r->body_line - 1;
	for (l = first + 1; l <= last && l - first < 20; l++) {
		t = source_line(x, l);
		if (meta_of(trim(t), &rest) != M_NONE && *trim(t) != '\0') {
			snprintf(key, sizeof(key), "%s", trim(t));
			if ((at = strstr(b->data, key)) != NULL) {
				b->len = (size_t)(at - b->data);
				while (b->len > 0 && b->data[b->len - 1] == ' ')
					b->len--;
				b->data[b->len] = '\0';
				free(t);
				return;
			}
		}
		free(t);
	}
}

/*
 * Returns the summary the body gives, at its line: the first sentence of
 * its first paragraph (at most 160 bytes) that is neither a line about
 * the document ("Owner: ...") nor one that introduces what follows
 * ("Check memory:"), nor without a letter or digit; from the text before
 * the first section, or in it unless it is one of contacts, severity,
 * escalation, thresholds or commands; NULL when there is none.
 */
static struct ynode *
summary_of(struct ex *x, cmark_node *doc)
{
	struct buf b = { NULL, 0, 0 };
	struct ynode *y = NULL;
	cmark_node *n;
	char *dot;
	size_t i;
	int sections = 0;

	for (n = cmark_node_first_child(doc); n != NULL && y == NULL;
	    n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING &&
		    cmark_node_get_heading_level(n) > 1) {
			buf_reset(&b);
			md_text(n, &b, 0);
			if (++sections > 1 || section_of(buf_cstr(&b)) !=
			    SEC_NONE)
				break;
			continue;
		}
		if (cmark_node_get_type(n) != CMARK_NODE_PARAGRAPH)
			continue;
		buf_reset(&b);
		md_text(n, &b, MD_TEXT_IMAGES);
		buf_cstr(&b);
		for (i = 0; i < b.len && isascii((unsigned char)b.data[i]) &&
		    !isalnum((unsigned char)b.data[i]); i++)
			;
		if (i == b.len || meta_para(b.data) ||
		    b.data[b.len - 1] == ':')
			continue;
		meta_cut(x, n, &b);
		/* A sentence ends, not "Ms. Vance". */
		for (dot = b.data; (dot = strstr(dot, ". ")) != NULL &&
		    title_dot(b.data, dot); dot++)
			;
		if (dot != NULL)
			b.len = (size_t)(dot - b.data) + 1;
		if (b.len > 160) {
			b.len = 157;
			while (b.len > 0 && (b.data[b.len] & 0xc0) == 0x80)
				b.len--;
			BUF_PUTSL(&b, "...");
		}
		y = str_at(x, b.data, b.len, node_line(x, n));
	}
	buf_free(&b);
	return y;
}

/* ------------------------------------------------------ the interface */

/*
 * Returns what r's body says (SPEC §7), in the front-matter's shape: a
 * map of summary, contacts, severity_levels, escalation, thresholds, owner,
 * last_reviewed and review_every, each only where the text says it, its
 * values at their lines; an empty map when it says none.
 */
struct ynode *
extract(struct runbook *r, int all)
{
	struct ex x;
	struct ynode *m, *more, *summary = NULL;
	const struct ynode *cl;
	int i;

	memset(&x, 0, sizeof(x));
	x.r = r;
	x.a = r->arena;
	/* What the front-matter says already is not looked for, but the
	 * thresholds (threshold-conflict compares them). */
	x.want[SEC_CONTACTS] = all || ymap_get(r->fm, "contacts") == NULL;
	x.want[SEC_SEVERITY] = all || ymap_get(r->fm, "severity_levels") ==
	    NULL;
	x.want[SEC_ESCALATION] = all || ymap_get(r->fm, "escalation") == NULL;
	x.want[SEC_THRESHOLDS] = all || ymap_get(r->fm, "thresholds") ==
	    NULL || diag_on(&r->diags, R_THRESHOLD_CONFLICT);
	x.want_meta = all || ymap_get(r->fm, "owner") == NULL ||
	    ymap_get(r->fm, "last_reviewed") == NULL ||
	    ymap_get(r->fm, "review_every") == NULL;
	x.contacts = ynew(x.a, Y_SEQ);
	x.severity = ynew(x.a, Y_SEQ);
	x.escalation = ynew(x.a, Y_SEQ);
	x.thresholds = ynew(x.a, Y_SEQ);
	x.esc_more = ynew(x.a, Y_SEQ);
	x.quick = ynew(x.a, Y_SEQ);
	x.want[SEC_QUICKREF] = all || ymap_get(r->fm, "quickref") == NULL;
	if (r->doc != NULL)
		walk_blocks(&x, r->doc, 0);
	sev_once(&x);
	if (r->doc != NULL && (all || ymap_get(r->fm, "summary") == NULL))
		summary = summary_of(&x, r->doc);
	for (i = 0; i < 7; i++)
		free(x.heads[i]);
	free(x.qlabel);
	/* An escalation step names a contact by its id where one is its
	 * "who": then contact-unknown and the pages can follow it. */
	first_call(&x);
	/* The contacts the runbook will have: its front-matter's, if any. */
	cl = ymap_get(r->fm, "contacts");
	if (cl == NULL || cl->type != Y_SEQ)
		cl = x.contacts;
	for (i = 0; (size_t)i < x.escalation->n; i++) {
		struct ynode *s = x.escalation->items[i];
		const char *who = ystr(ymap_get(s, "who")), *cw, *e, *id;
		const char *how = ystr(ymap_get(s, "_how"));

		map_drop(s, "_how");
		/* "[Name of on-call engineer]" names nobody yet. */
		if (who != NULL && (*who == '[' || *who == '<'))
			continue;
		if (who == NULL)
			continue;
		/* "Gareth Pryce calls the Westrail helpdesk (555-0390)":
		 * the one called; "... loops in Dana (555-0400) and the
		 * community team posts an update": Dana. */
		if ((cw = called_of(who)) != NULL) {
			size_t cn = strlen(cw);

			if ((e = strstr(cw, " and the ")) != NULL ||
			    (e = strstr(cw, ", and ")) != NULL)
				cn = (size_t)(e - cw);
			who = arena_strndup(x.a, cw, cn);
		}
		if ((id = step_names(&x, cl, who)) == NULL && cl == x.contacts) {
			step_contact(&x, who, how, s->line);
			id = contact_of(cl, who);
		}
		put(&x, s, "contact", id, s->line);
	}
	/* Who a severity level notifies: a contact's id where one is them;
	 * else the name as written ("Incident Commander"), which a
	 * front-matter's notify may hold too. */
	for (i = 0; (size_t)i < x.severity->n; i++) {
		struct ynode *nl = (struct ynode *)ymap_get(
		    x.severity->items[i], "notify");
		size_t j, o = 0;

		for (j = 0; nl != NULL && j < nl->n; j++) {
			struct ynode *w = nl->items[j];
			const char *id = contact_of(cl, w->s);

			if (id != NULL)
				nl->items[o++] = str_at(&x, id, strlen(id),
				    w->line);
			else if (!all || notify_name(w->s))
				nl->items[o++] = w;
		}
		if (nl != NULL)
			nl->n = o;
		if (nl != NULL && o == 0)	/* none left: no notify key */
			map_drop(x.severity->items[i], "notify");
	}
	m = ynew(x.a, Y_MAP);
	m->line = r->body_line;
	m->col = 1;
	if (summary != NULL)
		ymap_add(x.a, m, "summary", summary);
	if (x.owner != NULL)
		ymap_add(x.a, m, "owner", x.owner);
	if (x.reviewed != NULL)
		ymap_add(x.a, m, "last_reviewed", x.reviewed);
	/* Reviewed 2026-03-02, next review due 2026-09-02: every 184d. */
	if (x.every == NULL && x.next_review != NULL && x.reviewed != NULL &&
	    date_days(x.reviewed->s) >= 0 &&
	    date_days(x.next_review->s) > date_days(x.reviewed->s)) {
		char d[24];

		snprintf(d, sizeof(d), "%ldd", date_days(x.next_review->s) -
		    date_days(x.reviewed->s));
		x.every = str_at(&x, d, strlen(d), x.next_review->line);
	}
	if (x.every != NULL)
		ymap_add(x.a, m, "review_every", x.every);
	if (x.severity->n > 0)
		ymap_add(x.a, m, "severity_levels", x.severity);
	if (x.contacts->n > 0)
		ymap_add(x.a, m, "contacts", x.contacts);
	if (x.escalation->n > 0)
		ymap_add(x.a, m, "escalation", x.escalation);
	if (x.thresholds->n > 0)
		ymap_add(x.a, m, "thresholds", x.thresholds);
	if (x.quick->n > 0)
		ymap_add(x.a, m, "quickref", x.quick);
	if (x.esc_more->n > 0)
		ymap_add(x.a, m, "escalation_more", x.esc_more);
	/* A metric given again (a second table) is not a second threshold:
	 * threshold-conflict compares it with the first. */
	if ((more = repeats(x.a, x.thresholds)) != NULL)
		ymap_add(x.a, m, "thresholds_more", more);
	return m;
}

/* Returns the metric's name reduced to its letters and digits, lower
 * case, malloc'd: "Response Time (P95)" responsetimep95. */
static char *
metric_key(const char *m)
{
	char *k = xmalloc(strlen(m) + 1), *p = k;

	for (; *m != '\0'; m++)
		if (isalnum((unsigned char)*m))
			*p++ = (char)tolower((unsigned char)*m);
	*p = '\0';
	return k;
}

/* Returns 1 if a and b (metric keys) name one metric. */
static int
same_metric(const char *a, const char *b)
{
	return *a != '\0' && *b != '\0' && (strcmp(a, b) == 0 ||
	    strstr(a, b) != NULL || strstr(b, a) != NULL);
}

/* Moves the thresholds of list whose metric an earlier one names into a
 * new list, returned (NULL when there are none). */
static struct ynode *
repeats(struct arena *a, struct ynode *list)
{
	struct ynode *more = NULL;
	char **keys;
	size_t i, j, n = 0;

	if (list->n < 2)
		return NULL;
	keys = xcalloc(list->n, sizeof(*keys));
	for (i = 0; i < list->n; i++) {
		const char *m = ystr(ymap_get(list->items[i], "metric"));

		keys[i] = metric_key(m != NULL ? m : "");
		for (j = 0; j < n; j++)
			if (same_metric(keys[j], keys[i]))
				break;
		if (j < n) {
			if (more == NULL)
				more = ynew(a, Y_SEQ);
			yseq_push(a, more, list->items[i]);
			free(keys[i]);
			keys[i] = NULL;
			continue;
		}
		keys[n] = keys[i];
		if (n != i)
			keys[i] = NULL;
		list->items[n++] = list->items[i];
	}
	list->n = n;
	for (i = 0; i < n; i++)
		free(keys[i]);
	free(keys);
	return more;
}

/* Returns 1 if thresholds t and u give their target, warning or critical as
 * different numbers, said in why ("critical 5 here, 10 there"). */
static int
differ(const struct ynode *t, const struct ynode *u, char *why, size_t sz)
{
	static const char *const keys[] = { "target", "warning", "critical",
	    NULL };
	const struct ynode *a, *b;
	size_t i;

	for (i = 0; keys[i] != NULL; i++) {
		a = ymap_get(t, keys[i]);
		b = ymap_get(u, keys[i]);
		if (a != NULL && b != NULL && (a->type == Y_INT ||
		    a->type == Y_FLOAT) && (b->type == Y_INT ||
		    b->type == Y_FLOAT) && a->num != b->num) {
			snprintf(why, sz, "%s %.15g here, %.15g there",
			    keys[i], b->num, a->num);
			return 1;
		}
	}
	return 0;
}

/* Returns 1 if a threshold of list names the metric key k. */
static int
names(const struct ynode *list, const char *k)
{
	size_t i;
	int hit = 0;

	for (i = 0; list != NULL && list->type == Y_SEQ && i < list->n &&
	    !hit; i++) {
		const char *m = ystr(ymap_get(list->items[i], "metric"));
		char *km;

		if (m == NULL)
			continue;
		km = metric_key(m);
		hit = same_metric(km, k);
		free(km);
	}
	return hit;
}

/* Reports each threshold of other that one of list gives with other
 * numbers, but those of a metric that skip names (compared already). */
static void
conflicts(struct runbook *r, const struct ynode *list,
    const struct ynode *other, const struct ynode *skip, const char *where)
{
	char why[96];
	size_t i, j;

	if (list == NULL || other == NULL || list->type != Y_SEQ ||
	    other->type != Y_SEQ)
		return;
	for (i = 0; i < list->n; i++) {
		const char *m = ystr(ymap_get(list->items[i], "metric"));
		char *km;

		if (m == NULL)
			continue;
		km = metric_key(m);
		for (j = list == other ? i + 1 : 0; j < other->n; j++) {
			const char *o = ystr(ymap_get(other->items[j],
			    "metric"));
			char *ko;
			int hit;

			if (o == NULL)
				continue;
			ko = metric_key(o);
			hit = same_metric(km, ko) && differ(list->items[i],
			    other->items[j], why, sizeof(why)) &&
			    !names(skip, ko);
			free(ko);
			if (hit) {
				diag_add(&r->diags, r->src.path,
				    other->items[j]->line, other->items[j]->col,
				    R_THRESHOLD_CONFLICT, "threshold '%s' "
				    "disagrees with '%s' at line %d (%s): %s",
				    o, m, list->items[i]->line, where, why);
				break;
			}
		}
		free(km);
	}
}

/*
 * Another tool's review date (Hugo's lastmod, "last_updated", ...) is
 * the last review when the front-matter has no last_reviewed: so the page
 * says when, and review-stale can judge it once review_every is given.
 */
static void
foreign_review(struct runbook *r)
{
	static const char *const keys[] = { "last_reviewed_on",
	    "last_review", "last_updated", "last_modified", "lastmod",
	    "reviewed", "review_date", "updated", NULL };
	static const char *const every[] = { "review_in", "review_interval",
	    "review_cycle", "review_frequency", NULL };
	const struct ynode *v;
	struct ynode *d;
	char out[24];
	size_t i;

	if (r->fm == NULL || r->fm->type != Y_MAP)
		return;
	/* tech-docs' "owner_slack: \"#team-docs\"": the owner, where
	 * the runbook names no other (before CODEOWNERS is asked). */
	if (ymap_get(r->fm, "owner") == NULL &&
	    (v = ymap_get(r->fm, "owner_slack")) != NULL && ystr(v) != NULL &&
	    v->slen > 0 && v->slen <= 80) {
		d = ynew_strz(r->arena, ystr(v));
		d->line = v->line;
		d->col = v->col;
		ymap_add(r->arena, r->fm, "owner", d);
		if (r->owner == NULL)
			r->owner = arena_strndup(r->arena, v->s, v->slen);
	}
	/* Hugo's and tech-docs' "description": the summary. */
	if (ymap_get(r->fm, "summary") == NULL &&
	    (v = ymap_get(r->fm, "description")) != NULL && ystr(v) != NULL &&
	    v->type == Y_STR && v->slen > 0) {
		ymap_add(r->arena, r->fm, "summary", (struct ynode *)v);
		if (r->summary == NULL)
			r->summary = arena_strndup(r->arena, v->s, v->slen);
	}
	/* GOV.UK tech-docs' "review_in: 6 months", and its kin. */
	for (i = 0; every[i] != NULL &&
	    ymap_get(r->fm, "review_every") == NULL; i++) {
		if ((v = ymap_get(r->fm, every[i])) == NULL ||
		    ystr(v) == NULL || v->slen > 64 || !every_of(ystr(v), out))
			continue;
		d = ynew_strz(r->arena, out);
		d->line = v->line;
		d->col = v->col;
		ymap_add(r->arena, r->fm, "review_every", d);
		r->from_text |= TEXT_EVERY;
	}
	if (ymap_get(r->fm, "last_reviewed") != NULL)
		return;
	for (i = 0; keys[i] != NULL; i++) {
		if ((v = ymap_get(r->fm, keys[i])) == NULL || ystr(v) == NULL ||
		    v->slen > 64 || !date_of(ystr(v), out))
			continue;
		d = ynew_strz(r->arena, out);
		d->line = v->line;
		d->col = v->col;
		ymap_add(r->arena, r->fm, "last_reviewed", d);
		r->from_text |= TEXT_REVIEWED;
		return;
	}
}

/*
 * Gives r's data what its text says (r->text) where its front-matter
 * says nothing, noting which (r->from_text); reports threshold-conflict
 * where both, or two places of the text, give one metric other numbers.
 */
void
extract_merge(struct runbook *r)
{
	static const struct {
		const char	*key;
		unsigned	 bit;
	} keys[] = {
		{ "summary", TEXT_SUMMARY },
		{ "owner", TEXT_OWNER }, { "last_reviewed", TEXT_REVIEWED },
		{ "review_every", TEXT_EVERY },
		{ "severity_levels", TEXT_SEVERITY },
		{ "contacts", TEXT_CONTACTS }, { "escalation", TEXT_ESCALATION },
		{ "thresholds", TEXT_THRESHOLDS },
		{ "quickref", TEXT_QUICKREF },
	};
	const struct ynode *t;
	size_t i;

	foreign_review(r);
	if (r->text == NULL || r->text->n == 0)
		return;
	if (diag_on(&r->diags, R_THRESHOLD_CONFLICT)) {
		const struct ynode *f = ymap_get(r->fm, "thresholds");
		const struct ynode *more = ymap_get(r->text,
		    "thresholds_more");

		t = ymap_get(r->text, "thresholds");
		conflicts(r, f, t, NULL, "front-matter and text");
		conflicts(r, f, more, NULL, "front-matter and text");
		conflicts(r, t, more, f, "both in the text");
	}
	if (r->fm == NULL) {
		r->fm = ynew(r->arena, Y_MAP);
		r->fm->line = 1;
		r->fm->col = 1;
	}
	if (r->fm->type != Y_MAP)
		return;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (ymap_get(r->fm, keys[i].key) == NULL &&
		    (t = ymap_get(r->text, keys[i].key)) != NULL) {
			ymap_add(r->arena, r->fm, keys[i].key,
			    (struct ynode *)t);
			r->from_text |= keys[i].bit;
		}
	/* The fields every page shows. */
	if ((r->from_text & TEXT_SUMMARY) && r->summary == NULL &&
	    (t = ymap_get(r->fm, "summary")) != NULL && ystr(t) != NULL)
		r->summary = arena_strndup(r->arena, t->s, t->slen);
	if ((r->from_text & TEXT_OWNER) && r->owner == NULL &&
	    (t = ymap_get(r->fm, "owner")) != NULL && ystr(t) != NULL)
		r->owner = arena_strndup(r->arena, t->s, t->slen);
}
