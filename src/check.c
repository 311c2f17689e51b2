/*
 * Check: the rules a schema cannot express, run on each runbook after the
 * scan pass (links resolved, every id known).  Contacts, escalation,
 * thresholds, placeholders in front-matter and in the body's contacts
 * sections, mojibake, and the <!-- rbc-disable RULE --> comments that
 * silence one place.  Review dates live here too: the pages show them.
 */
#define _GNU_SOURCE	/* memmem */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cmark-gfm.h>

#include "stages.h"

_Static_assert(R__MAX <= 64, "rule masks are 64 bits");

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
	if (from < 0 && !r->home)
		diag_add(&r->diags, r->src.path, lr != NULL ? lr->line : 1,
		    lr != NULL ? lr->col : 1, R_REVIEW_UNKNOWN, lr == NULL ?
		    "no review date: neither last_reviewed nor a \"Last "
		    "updated\" line, so never reviewed" : "last_reviewed is "
		    "not a date: never reviewed");
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


/* Returns the first occurrence of needle in hay, or NULL (memmem). */
static const char *
memfind(const char *hay, size_t n, const char *needle, size_t k)
{
	if (k == 0 || k > n)
		return k == 0 ? hay : NULL;
	return memmem(hay, n, needle, k);
}


/* Returns the bytes of 1-based line `line` of f (without its newline). */
static const char *
src_line(const struct srcfile *f, int line, size_t *n)
{
	size_t start, end;

	if (line < 1 || (size_t)line > f->nlines) {
		*n = 0;
		return "";
	}
	start = f->lines[line - 1];
	end = (size_t)line < f->nlines ? f->lines[line] - 1 : f->len;
	if (end > start && f->data[end - 1] == '\r')
		end--;
	*n = end - start;
	return f->data + start;
}

/* ------------------------------------------------ rbc-disable comments */

/* The rules silenced on each line of one runbook. */
struct silence {
	const char	*file;
	uint64_t	*mask;		/* indexed by 1-based line */
	size_t		 nlines;
};

/* Returns 1 if rule is silenced at file:line (the struct diags hook). */
static int
silenced(void *arg, const char *file, int line, enum rule rule)
{
	const struct silence *sl = arg;

	if (line < 1 || (size_t)line > sl->nlines || file == NULL ||
	    strcmp(file, sl->file) != 0)
		return 0;
	return (int)((sl->mask[line] >> rule) & 1);
}

/*
 * Returns the rules that the rbc-disable comments on one line name (every
 * rule for a comment that names none), 0 for a line without one.  *only
 * tells whether the line holds nothing else, so that comments can stack.
 */
static uint64_t
disable_mask(const char *p, size_t n, int *only)
{
	const char *end = p + n, *q = p, *c, *close, *t;
	uint64_t mask = 0, m;
	char id[64];
	size_t k;
	int rule, named;

	*only = 1;
	/* Most lines have no '<' at all: nothing to look at. */
	if (n == 0 || memchr(p, '<', n) == NULL)
		return 0;
	while (q < end) {
		if ((c = memfind(q, (size_t)(end - q), "<!--", 4)) == NULL)
			c = end;
		for (t = q; t < c; t++)
			if (!isspace((unsigned char)*t))
				*only = 0;
		if (c == end)
			break;
		close = memfind(c + 4, (size_t)(end - c - 4), "-->", 3);
		if (close == NULL) {
			*only = 0;
			break;
		}
		for (t = c + 4; t < close && isspace((unsigned char)*t); t++)
			;
		k = 0;
		if ((size_t)(close - t) >= 21 &&
		    memcmp(t, "rbc-disable-next-line", 21) == 0)
			k = 21;
		else if ((size_t)(close - t) >= 11 &&
		    memcmp(t, "rbc-disable", 11) == 0)
			k = 11;
		if (k == 0 || (t + k < close &&
		    !isspace((unsigned char)t[k]))) {
			*only = 0;
			q = close + 3;
			continue;
		}
		t += k;
		m = 0;
		named = 0;
		while (t < close) {
			if (isspace((unsigned char)*t) || *t == ',') {
				t++;
				continue;
			}
			for (k = 0; t + k < close && !isspace((unsigned char)
			    t[k]) && t[k] != ','; k++)
				;
			named = 1;
			if (k < sizeof(id)) {
				memcpy(id, t, k);
				id[k] = '\0';
				if ((rule = rule_lookup(id)) >= 0)
					m |= (uint64_t)1 << rule;
			}
			t += k;
		}
		mask |= named ? m : ~(uint64_t)0;
		q = close + 3;
	}
	if (mask == 0)
		*only = 0;
	return mask;
}

/* Returns the length of the code fence that line p opens or closes, or 0. */
static size_t
fence_len(const char *p, size_t n, char *ch)
{
	size_t i = 0, k;

	while (i < n && i < 3 && p[i] == ' ')
		i++;
	if (i >= n || (p[i] != '`' && p[i] != '~'))
		return 0;
	for (k = 0; i + k < n && p[i + k] == p[i]; k++)
		;
	if (k < 3)
		return 0;
	*ch = p[i];
	return k;
}

/*
 * Finds the <!-- rbc-disable RULE... --> comments (also -next-line) of r,
 * outside code fences, and installs the hook that silences each one's
 * rules on the next line (past any comment-only lines in between).
 */
static void
silence_setup(struct runbook *r)
{
	size_t nl = r->src.nlines, i, n, flen = 0, k, t;
	uint64_t *raw;
	char *only, ch, fch = 0;
	const char *p;
	int o, any = 0;

	raw = xcalloc(nl + 2, sizeof(*raw));
	only = xcalloc(nl + 2, 1);
	for (i = 1; i <= nl; i++) {
		p = src_line(&r->src, (int)i, &n);
		if ((int)i >= r->body_line && (k = fence_len(p, n, &ch)) > 0) {
			if (flen == 0) {
				flen = k;
				fch = ch;
				continue;
			}
			if (ch == fch && k >= flen) {
				flen = 0;
				continue;
			}
		}
		if (flen > 0)
			continue;
		if ((raw[i] = disable_mask(p, n, &o)) != 0) {
			only[i] = (char)o;
			any = 1;
		}
	}
	if (any) {
		/* On the runbook, so the scan record carries it (workers.c). */
		r->nsmask = nl + 2;
		r->smask = xcalloc(r->nsmask, sizeof(*r->smask));
		for (i = 1; i <= nl; i++) {
			if (raw[i] == 0)
				continue;
			for (t = i + 1; t <= nl && only[t]; t++)
				;
			r->smask[t] |= raw[i];
		}
		silence_install(r);
	}
	free(raw);
	free(only);
}

/* Installs the hook that silences r->smask's rules on their lines. */
void
silence_install(struct runbook *r)
{
	struct silence *sl;

	if (r->smask == NULL)
		return;
	sl = arena_calloc(r->arena, 1, sizeof(*sl));
	sl->file = r->src.path;
	sl->nlines = r->nsmask - 1;
	sl->mask = r->smask;
	r->diags.silenced = silenced;
	r->diags.silenced_arg = sl;
}

/* Drops the diagnostics of earlier stages that a comment silences. */
static void
silence_filter(struct runbook *r)
{
	struct diags *d = &r->diags;
	size_t i, j = 0;

	if (d->silenced == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		if (d->silenced(d->silenced_arg, d->v[i].file, d->v[i].line,
		    d->v[i].rule)) {
			free(d->v[i].file);
			free(d->v[i].msg);
			continue;
		}
		d->v[j++] = d->v[i];
	}
	d->n = j;
}

/* ----------------------------------------------------- placeholders */

/* A placeholder found in a text: bytes [off, off + len). */
struct ph {
	size_t	off, len;
};

/* Returns 1 for a byte that continues a word (UTF-8 letters included). */
static int
wordch(int c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* Returns 1 if s[0..n) equals one of the NULL-terminated words, any case. */
static int
in_words(const char *s, size_t n, const char *const *w)
{
	int c;

	if (n == 0)
		return 0;
	/* The words are lower case: most differ in their first byte. */
	c = tolower((unsigned char)s[0]);
	for (; *w != NULL; w++)
		if ((unsigned char)(*w)[0] == c && strlen(*w) == n &&
		    strncasecmp(s, *w, n) == 0)
			return 1;
	return 0;
}

/* Returns 1 if s[0..n) starts with prefix p, any case. */
static int
has_prefix(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);

	return n >= k && strncasecmp(s, p, k) == 0;
}

/* What may follow "your" in a placeholder word: yourdomain, yourcompany. */
static const char *const your_words[] = {
	"domain", "company", "companyname", "org", "organisation",
	"organization", "team", "name", "site", "app", "service", "server",
	"host", "hostname", "project", "business", "email", "handle",
	"username", "channel", "bucket", "account", "number", "phone", NULL
};

/* Returns 1 if word w[0..n) is a "your-..." placeholder word. */
static int
your_word(const char *w, size_t n)
{
	if (!has_prefix(w, n, "your"))
		return 0;
	if (n > 5 && (w[4] == '-' || w[4] == '_' || w[4] == '.') &&
	    isalnum((unsigned char)w[5]))
		return 1;
	return in_words(w + 4, n - 4, your_words);
}

/*
 * Returns the end of the bracketed label at s[i] ('[' or '<') when it is a
 * contact placeholder such as [Name], [Phone number], <email>, else 0.
 * The label must name a kind of contact detail (not a role or a tool:
 * "+44 7700 900123 [mobile]" and "#ops [Slack]" are annotations), unless
 * any is set (a whole front-matter value in brackets).
 */
static size_t
ph_label(const char *s, size_t n, size_t i, int any)
{
	static const char *const words[] = {
		"name", "fullname", "phone", "telephone", "tel", "number",
		"email", "mail", "address", "contact", "handle", "user",
		"username", "channel", "account", "id", "url", "website",
		"insert", "enter", "fill", "your", "tbd", "tbc", "todo",
		"placeholder", NULL
	};
	static const char *const glue[] = {
		"of", "the", "a", "or", "and", "e", "full", "first", "last",
		"primary", "secondary", "on", "call", "oncall", "person",
		"contact", "owner", "here", NULL
	};
	char close = s[i] == '[' ? ']' : '>';
	size_t j, w;
	int kw = 0;

	if (i + 1 >= n || !(isalpha((unsigned char)s[i + 1]) ||
	    (unsigned char)s[i + 1] >= 0x80))
		return 0;
	for (j = i + 1; j < n && j < i + 62 && s[j] != close; j++) {
		unsigned char c = (unsigned char)s[j];
		if (!(wordch(c) || strchr(" -./'&,", c) != NULL))
			return 0;
	}
	if (j >= n || s[j] != close)
		return 0;
	for (w = i + 1; w < j && !kw; ) {
		size_t k;
		for (k = 0; w + k < j && isalnum((unsigned char)s[w + k]); k++)
			;
		if (k > 0 && in_words(s + w, k, words))
			kw = 1;
		w += k > 0 ? k : 1;
	}
	/* <pod-name>, <volume-id>, <ticket-number>: a command's argument
	 * names what it is of; an angle-bracket label is a contact's only
	 * when every word of it is about one (<name>, <your-email>,
	 * <phone-number>). */
	if (kw && !any && close == '>')
		for (w = i + 1; w < j; ) {
			size_t k;
			for (k = 0; w + k < j && isalnum((unsigned char)
			    s[w + k]); k++)
				;
			if (k > 0 && !in_words(s + w, k, words) &&
			    !in_words(s + w, k, glue))
				return 0;
			w += k > 0 ? k : 1;
		}
	return kw || any ? j + 1 : 0;
}

/* Returns 1 if the handle h[0..n) after an @ is a generic placeholder. */
static int
generic_handle(const char *h, size_t n)
{
	static const char *const w[] = {
		"handle", "username", "user", "user-name", "user_name", "name",
		"someone", "somebody", "person", "tbd", "todo", "xxx", NULL
	};

	return in_words(h, n, w) || has_prefix(h, n, "your") ||
	    (n >= 6 && strncasecmp(h + n - 6, "handle", 6) == 0);
}

/* Returns 1 for a byte that may appear in an e-mail's local part. */
static int
emailch(int c)
{
	return isalnum(c) || (c != '\0' && strchr("._%+-", c) != NULL);
}

/*
 * Returns the end of the e-mail address starting at s[i], or 0; *at is
 * set to the offset of its '@'.
 */
static size_t
email_end(const char *s, size_t n, size_t i, size_t *at)
{
	size_t j = i, d, last;

	while (j < n && emailch((unsigned char)s[j]))
		j++;
	if (j == i || j >= n || s[j] != '@')
		return 0;
	*at = j;
	d = ++j;
	while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '.' ||
	    s[j] == '-'))
		j++;
	while (j > d && (s[j - 1] == '.' || s[j - 1] == '-'))
		j--;
	for (last = j; last > d && s[last - 1] != '.'; last--)
		;
	if (last <= d + 1 || j - last < 2)
		return 0;
	for (d = last; d < j; d++)
		if (!isalpha((unsigned char)s[d]))
			return 0;
	return j;
}

/* Returns 1 if the address s[i..end) (its '@' at at) is a placeholder. */
static int
generic_email(const char *s, size_t i, size_t at, size_t end)
{
	static const char *const locals[] = {
		"name", "firstname", "lastname", "firstname.lastname",
		"first.last", "first.lastname", "firstname_lastname",
		"first_last", "yourname", "your.name", "your_name", "email",
		"youremail", "someone", "username", "example", NULL
	};
	static const char *const domains[] = {
		"example.com", "example.org", "example.net", "company.com",
		"domain.com", "mycompany.com", "companyname.com", NULL
	};
	size_t d, k;

	if (in_words(s + i, at - i, locals) || your_word(s + i, at - i))
		return 1;
	if (in_words(s + at + 1, end - at - 1, domains))
		return 1;
	for (d = at + 1; d < end; d += k + 1) {
		for (k = 0; d + k < end && s[d + k] != '.'; k++)
			;
		if (your_word(s + d, k))
			return 1;
	}
	return 0;
}

/*
 * Returns the end of a "your-..." word at s[i] (your-team, yourdomain.com,
 * your_server), or 0.
 */
static size_t
your_end(const char *s, size_t n, size_t i)
{
	size_t j = i;

	while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '-' ||
	    s[j] == '_'))
		j++;
	if (!your_word(s + i, j - i))
		return 0;
	/* Take the rest of a host name or path-like word along. */
	while (j < n && (isalnum((unsigned char)s[j]) || strchr("-_.",
	    s[j]) != NULL))
		j++;
	while (j > i && (s[j - 1] == '.' || s[j - 1] == '-'))
		j--;
	return j;
}

/*
 * Returns the end of a placeholder phone number at s[i]: X runs
 * (+1-XXX-XXX-XXXX, (555) XXX-XXXX), all one digit (555-555-5555) or
 * 123-456-7890; else 0 with *skip set past the number-like span.
 */
static size_t
phone_end(const char *s, size_t n, size_t i, size_t *skip)
{
	char dg[32];
	size_t j = i, d = 0, x = 0, xr = 0, t, k;
	int prevx = 0;

	while (j < n && strchr("0123456789Xx+-(). ", s[j]) != NULL &&
	    s[j] != '\0') {
		/* Two blanks end a number: "XXX  and" is not one. */
		if (s[j] == ' ' && j + 1 < n && s[j + 1] == ' ')
			break;
		j++;
	}
	*skip = j > i ? j : i + 1;
	if (j - i > 40)		/* no phone number is that long */
		return 0;
	while (j > i && strchr(" .-(", s[j - 1]) != NULL)
		j--;
	if (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
		return 0;
	for (k = i; k < j; k++) {
		if (s[k] == 'X' || s[k] == 'x') {
			x++;
			if (!prevx)
				xr++;
			prevx = 1;
			continue;
		}
		prevx = 0;
		if (isdigit((unsigned char)s[k]) && d < sizeof(dg))
			dg[d++] = s[k];
	}
	if (x >= 3 && (xr >= 2 || d >= 1))
		return j;
	if (x > 0 || d < 7)
		return 0;
	t = d < 10 ? d : 10;
	for (k = d - t + 1; k < d; k++)
		if (dg[k] != dg[d - t])
			break;
	if (k == d)
		return j;
	if (d >= 10 && (memcmp(dg + d - 10, "1234567890", 10) == 0 ||
	    memcmp(dg + d - 10, "0123456789", 10) == 0))
		return j;
	return 0;
}

/* Returns the end of TBD, TODO, N/A, ??? and the like at s[i], or 0. */
static size_t
word_end(const char *s, size_t n, size_t i, int anycase)
{
	static const char *const w[] = { "TBD", "TBC", "TODO", "FIXME", NULL };
	size_t j, k;

	if (s[i] == '?') {
		for (j = i; j < n && s[j] == '?'; j++)
			;
		return j - i >= 3 ? j : 0;
	}
	if (i + 3 <= n && (memcmp(s + i, "N/A", 3) == 0 ||
	    memcmp(s + i, "n/a", 3) == 0)) {
		j = i + 3;
		if (j < n && (wordch((unsigned char)s[j]) || s[j] == '/'))
			return 0;
		/* "n/a \xe2\x80\x94 web portal only": it says there is
		 * none, and why. */
		for (k = j; k < n && (s[k] == ' ' || s[k] == '-' ||
		    s[k] == '(' || (unsigned char)s[k] >= 0x80); k++)
			;
		return k < n && isalpha((unsigned char)s[k]) ? 0 : j;
	}
	for (j = i; j < n && wordch((unsigned char)s[j]); j++)
		;
	for (k = 0; w[k] != NULL; k++)
		if (strlen(w[k]) == j - i && (anycase ?
		    strncasecmp(s + i, w[k], j - i) :
		    strncmp(s + i, w[k], j - i)) == 0)
			return j;
	return 0;
}

/*
 * Returns 1 with *m set to the first contact placeholder in s[from..n):
 * [Name], <phone>, @handle, your-..., generic e-mails, X-run or one-digit
 * phone numbers, TBD/TODO/N/A/???.  anycase: also tbd, todo.
 */
static int
ph_next(const char *s, size_t n, size_t from, int anycase, struct ph *m)
{
	size_t i, e, at, skip;
	unsigned char c, pc;
	int bow;

	for (i = from; i < n; i++) {
		c = (unsigned char)s[i];
		pc = i > 0 ? (unsigned char)s[i - 1] : ' ';
		bow = i == 0 || !wordch(pc);
		e = 0;
		if (c == '[' || c == '<')
			e = ph_label(s, n, i, 0);
		else if (c == '@') {
			if (i > 0 && (emailch(pc) || pc == '/' || pc == ':'))
				continue;
			for (e = i + 1; e < n && (isalnum((unsigned char)
			    s[e]) || strchr("._-", s[e]) != NULL); e++)
				;
			while (e > i + 1 && (s[e - 1] == '.' ||
			    s[e - 1] == '-'))
				e--;
			if (!generic_handle(s + i + 1, e - i - 1))
				e = 0;
		} else if (bow && emailch(c) && !emailch(pc) &&
		    (e = email_end(s, n, i, &at)) > 0) {
			if (!generic_email(s, i, at, e)) {
				i = e - 1;
				continue;
			}
		} else if (bow && (c == 'y' || c == 'Y') &&
		    (e = your_end(s, n, i)) > 0)
			;
		else if (bow && (isdigit(c) || c == '+' || c == '(' ||
		    c == 'X' || c == 'x') && (pc != '.' && pc != '-')) {
			/* Past the whole span: "+ + + ..." stays linear. */
			if ((e = phone_end(s, n, i, &skip)) == 0)
				i = skip - 1;
		} else if (bow)
			e = word_end(s, n, i, anycase);
		if (e > i) {
			m->off = i;
			m->len = e - i;
			return 1;
		}
	}
	return 0;
}

/* Returns 1 if a front-matter contact value is a placeholder. */
static int
ph_value(const char *v, size_t n)
{
	static const char *const w[] = {
		"tbd", "tbc", "todo", "fixme", "n/a", "na", "-", "--", "?",
		"??", "xxx", "changeme", "change me", "placeholder", "name",
		"phone", "email", "e-mail", "firstname lastname", "first last",
		"john doe", "jane doe", "#channel", NULL
	};
	struct ph m;

	while (n > 0 && isspace((unsigned char)*v))
		v++, n--;
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n > 2 && (v[0] == '[' || v[0] == '<') && ph_label(v, n, 0, 1) == n)
		return 1;
	return in_words(v, n, w) || ph_next(v, n, 0, 1, &m);
}

/*
 * Returns 1 with *m set to template text left in a value a reader relies
 * on (owner, service, title, summary, a quickref command): the whole value
 * in brackets ("[owning team]", "<service>"), TBD and the like, a
 * "your-..." word, or brackets naming what to put there ("<your-service>",
 * "[insert command]", and outside commands "[Service name]").  A
 * command's "<pod-name>" is an argument the reader fills in, not a
 * leftover.
 */
static int
ph_text(const char *v, size_t n, int cmd, struct ph *m)
{
	static const char *const whole[] = {
		"tbd", "tbc", "todo", "fixme", "n/a", "-", "--", "?", "??",
		"xxx", "changeme", "change me", "placeholder", "lorem ipsum",
		NULL
	};
	static const char *const fill[] = {
		"your", "insert", "enter", "fill", "replace", "tbd", "tbc",
		"todo", "placeholder", "changeme", NULL
	};
	size_t i, b0, e, w, k;

	b0 = 0;
	while (b0 < n && isspace((unsigned char)v[b0]))
		b0++;
	e = n;
	while (e > b0 && isspace((unsigned char)v[e - 1]))
		e--;
	m->off = b0;
	m->len = e - b0;
	if (e - b0 > 2 && (v[b0] == '[' || v[b0] == '<') &&
	    ph_label(v, e, b0, 1) == e)
		return 1;
	if (in_words(v + b0, e - b0, whole))
		return 1;
	for (i = b0; i < e; i++) {
		int bow = i == 0 || !wordch((unsigned char)v[i - 1]);

		if (!bow)
			continue;
		if ((v[i] == '[' || v[i] == '<') &&
		    (k = ph_label(v, e, i, 1)) > 0) {
			for (w = i + 1; w < k; ) {
				size_t l;
				for (l = 0; w + l < k && isalpha((unsigned char)
				    v[w + l]); l++)
					;
				if (l > 0 && (in_words(v + w, l, fill) ||
				    (!cmd && l == 4 && strncasecmp(v + w,
				    "name", 4) == 0)))
					break;
				w += l > 0 ? l : 1;
			}
			if (w < k) {
				m->off = i;
				m->len = k - i;
				return 1;
			}
			i = k - 1;
			continue;
		}
		if ((v[i] == 'y' || v[i] == 'Y') && (k = your_end(v, e, i)) > 0) {
			m->off = i;
			m->len = k - i;
			return 1;
		}
		if ((k = word_end(v, e, i, 0)) > 0) {
			m->off = i;
			m->len = k - i;
			return 1;
		}
	}
	return 0;
}

/* Reports a placeholder in the string value y of what (a key's name);
 * cmd: y is a command. */
static void
check_ph_value(struct runbook *r, const struct ynode *y, const char *what,
    int cmd)
{
	const char *v = ystr(y);
	struct ph m;

	if (v == NULL || y->slen > 4096 || !ph_text(v, y->slen, cmd, &m))
		return;
	diag_add(&r->diags, r->src.path, y->line, y->col, R_PLACEHOLDER,
	    "%s holds template text: \"%.*s\"", what,
	    (int)(m.len > 64 ? 64 : m.len), v + m.off);
}

/* placeholder: template text in the values a reader relies on. */
static void
check_placeholders(struct runbook *r)
{
	static const char *const keys[] = { "title", "owner", "service",
	    "summary", NULL };
	const struct ynode *q, *c;
	size_t i;

	if (!diag_on(&r->diags, R_PLACEHOLDER))
		return;
	for (i = 0; keys[i] != NULL; i++)
		/* A summary from the text is the body's: its rules' work. */
		if (strcmp(keys[i], "summary") != 0 ||
		    !(r->from_text & TEXT_SUMMARY))
			check_ph_value(r, ymap_get(r->fm, keys[i]), keys[i],
			    0);
	if ((q = ymap_get(r->fm, "quickref")) == NULL || q->type != Y_SEQ)
		return;
	for (i = 0; i < q->n; i++)
		if ((c = ymap_get(q->items[i], "command")) != NULL)
			check_ph_value(r, c, "quickref command", 1);
}

/* --------------------------------------------------------- contacts */

/* Returns the text of a non-blank scalar, or NULL. */
static const char *
scalar(const struct ynode *y)
{
	const char *s = ystr(y);
	size_t i;

	if (s == NULL)
		return NULL;
	for (i = 0; i < y->slen; i++)
		if (!isspace((unsigned char)s[i]))
			return s;
	return NULL;
}

/* Returns a short printable form of a value for a message (static). */
static const char *
shorten(const char *s, char out[72])
{
	size_t n = strlen(s);

	if (n < 72)
		return s;
	n = 64;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	memcpy(out, s, n);
	memcpy(out + n, "...", 4);
	return out;
}

/*
 * Checks each contact of the list cs (a runbook's or site.yaml's) for a
 * way to reach it and for placeholder values; diagnostics go to d.
 */
static void
check_contact_list(const struct ynode *cs, struct diags *d, const char *file,
    int from_text)
{
	const struct ynode *c, *v, *idn;
	const char *id;
	char label[32], shortv[72];
	size_t i, k;

	if (cs == NULL || cs->type != Y_SEQ)
		return;
	for (i = 0; i < cs->n; i++) {
		c = cs->items[i];
		if (c->type != Y_MAP)
			continue;
		idn = ymap_get(c, "id");
		if ((id = scalar(idn)) == NULL) {
			snprintf(label, sizeof(label), "%zu", i + 1);
			id = label;
		}
		if (scalar(ymap_get(c, "phone")) == NULL &&
		    scalar(ymap_get(c, "email")) == NULL &&
		    scalar(ymap_get(c, "chat")) == NULL &&
		    scalar(ymap_get(c, "pager")) == NULL)
			diag_add(d, file, idn != NULL ? idn->line : c->line,
			    idn != NULL ? idn->col : c->col,
			    R_CONTACT_UNREACHABLE, "contact '%s' has neither "
			    "phone, email, chat nor pager", id);
		/* Read from the text: the contacts section's own scan
		 * reports its placeholders, where they stand. */
		for (k = 0; !from_text && k < c->n; k++) {
			v = c->items[k];
			if (strcmp(c->keys[k]->s, "id") == 0 ||
			    scalar(v) == NULL || !ph_value(v->s, v->slen))
				continue;
			diag_add(d, file, v->line, v->col,
			    R_CONTACT_PLACEHOLDER, "contact '%s' has "
			    "placeholder %s \"%s\"", id, c->keys[k]->s,
			    shorten(v->s, shortv));
		}
	}
}

/* Returns the sorted ids of the runbook's and site.yaml's contacts. */
static const char **
contact_ids(const struct site *s, const struct runbook *r, size_t *n)
{
	const struct ynode *cs[2], *id;
	const char **v;
	size_t i, k, cap = 0;

	cs[0] = ymap_get(r->fm, "contacts");
	cs[1] = s->cfg.contacts;
	for (k = 0; k < 2; k++)
		if (cs[k] != NULL && cs[k]->type == Y_SEQ)
			cap += cs[k]->n;
	v = xcalloc(cap + 1, sizeof(*v));
	*n = 0;
	for (k = 0; k < 2; k++)
		for (i = 0; cs[k] != NULL && cs[k]->type == Y_SEQ &&
		    i < cs[k]->n; i++)
			if ((id = ymap_get(cs[k]->items[i], "id")) != NULL &&
			    ystr(id) != NULL)
				v[(*n)++] = id->s;
	qsort(v, *n, sizeof(*v), strpcmp);
	return v;
}

/* Returns 1 if id is among the n sorted ids. */
static int
has_id(const char **ids, size_t n, const char *id)
{
	return bsearch(&id, ids, n, sizeof(*ids), strpcmp) != NULL;
}

/* Returns 1 if ids has id in another case. */
static int
has_id_case(const char **ids, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(ids[i], id) == 0)
			return 1;
	return 0;
}

/*
 * Checks that escalation and notify name contacts that exist (as
 * contact_find() finds them, but in n log n: a runbook may be large).
 */
static void
check_contact_refs(struct site *s, struct runbook *r)
{
	const struct ynode *esc, *sev, *c, *notify, *v;
	const char *name, **ids;
	size_t i, k, nids;

	ids = contact_ids(s, r, &nids);
	esc = ymap_get(r->fm, "escalation");
	for (i = 0; esc != NULL && esc->type == Y_SEQ && i < esc->n; i++) {
		v = ymap_get(esc->items[i], "contact");
		if (scalar(v) == NULL || has_id(ids, nids, v->s))
			continue;
		diag_add(&r->diags, r->src.path, v->line, v->col,
		    R_CONTACT_UNKNOWN, "escalation names contact '%s', which "
		    "is neither in contacts nor in site.yaml", v->s);
	}
	/* Read from the text, notify holds names as written, not ids. */
	sev = (r->from_text & TEXT_SEVERITY) ? NULL :
	    ymap_get(r->fm, "severity_levels");
	for (i = 0; sev != NULL && sev->type == Y_SEQ && i < sev->n; i++) {
		c = sev->items[i];
		notify = ymap_get(c, "notify");
		if (notify == NULL || notify->type != Y_SEQ)
			continue;
		name = scalar(ymap_get(c, "name"));
		for (k = 0; k < notify->n; k++) {
			v = notify->items[k];
			/* "Incident Commander": whom, as written; not
			 * "Primary" for the id "primary". */
			if (scalar(v) == NULL || has_id(ids, nids, v->s) ||
			    (notify_name(v->s) && !has_id_case(ids, nids,
			    v->s)))
				continue;
			diag_add(&r->diags, r->src.path, v->line, v->col,
			    R_CONTACT_UNKNOWN, "severity %s%s%snotifies "
			    "contact '%s', which is neither in contacts nor "
			    "in site.yaml", name ? "'" : "", name ? name : "",
			    name ? "' " : "", v->s);
		}
	}
	free(ids);
}

/* ------------------------------------------------------- escalation */

/* Returns 1 with *out set if y is a number (int or float). */
static int
number(const struct ynode *y, double *out)
{
	if (y == NULL || (y->type != Y_INT && y->type != Y_FLOAT))
		return 0;
	*out = y->num;
	return 1;
}

/* The last diagnostic of r, when read from its text, is a warning: rbc's
 * reading of prose may be what is wrong, and one such page must not
 * keep the whole site from being built. */
static void
text_warning(struct runbook *r, unsigned from)
{
	struct diag *g;

	if (!(r->from_text & from) || r->diags.n == 0)
		return;
	g = &r->diags.v[r->diags.n - 1];
	if (g->sev == SEV_ERROR)
		g->sev = SEV_WARNING;
}

/* Levels must increase strictly; after may stay the same but not drop. */
static void
check_escalation(struct runbook *r)
{
	const struct ynode *esc, *lv, *af, *plv = NULL, *paf = NULL;
	double l, pl = 0;
	long a, pa = -1;
	size_t i;

	esc = ymap_get(r->fm, "escalation");
	if (esc == NULL || esc->type != Y_SEQ)
		return;
	for (i = 0; i < esc->n; i++) {
		lv = ymap_get(esc->items[i], "level");
		af = ymap_get(esc->items[i], "after");
		if (number(lv, &l)) {
			if (plv != NULL && l <= pl)
			{
				diag_add(&r->diags, r->src.path, lv->line,
				    lv->col, R_ESCALATION_ORDER, "escalation "
				    "level %s follows level %s (line %d): "
				    "levels must increase", lv->s, plv->s,
				    plv->line);
				text_warning(r, TEXT_ESCALATION);
			}
			plv = lv;
			pl = l;
		}
		if ((a = duration_minutes(scalar(af))) >= 0) {
			if (paf != NULL && a < pa)
			{
				diag_add(&r->diags, r->src.path, af->line,
				    af->col, R_ESCALATION_ORDER, "escalation "
				    "after %s goes backwards: the step before "
				    "waits %s (line %d)", af->s, paf->s,
				    paf->line);
				text_warning(r, TEXT_ESCALATION);
			}
			paf = af;
			pa = a;
		}
	}
}

/* ------------------------------------------------------- thresholds */

/* Returns 1 if u[0..n) is a unit of time (s, min, hour ...). */
static int
time_unit(const char *u, size_t n)
{
	static const char *const w[] = {
		"ns", "us", "\xc2\xb5s", "\xce\xbcs", "ms", "s", "sec", "secs",
		"second", "seconds", "m", "min", "mins", "minute", "minutes",
		"h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w",
		"wk", "week", "weeks", "month", "months", NULL
	};
	size_t i = 0;

	while (i < n && isdigit((unsigned char)u[i]))	/* errors/5m */
		i++;
	return in_words(u + i, n - i, w);
}

/* Returns 1 if u[0..n) is a unit rbc knows (generous, but finite). */
static int
known_unit(const char *u, size_t n)
{
	static const char *const w[] = {
		/* ratios */
		"%", "percent", "pct", "percentage", "ratio", "x", "factor",
		"fraction", "permille", "\xe2\x80\xb0", "bp", "bps", "ppm",
		"score", "apdex",
		/* data */
		"b", "byte", "bytes", "kb", "mb", "gb", "tb", "pb", "kib",
		"mib", "gib", "tib", "pib", "bit", "bits", "kbit", "mbit",
		"gbit", "kbps", "mbps", "gbps", "pages", "blocks", "inodes",
		/* rates */
		"rps", "qps", "tps", "rpm", "iops", "hz", "khz", "mhz", "ghz",
		/* counts */
		"count", "counts", "number", "num", "n", "requests", "request",
		"req", "reqs", "errors", "error", "messages", "message", "msg",
		"msgs", "connections", "connection", "conns", "conn", "items",
		"item", "jobs", "job", "tasks", "task", "events", "event",
		"ops", "operations", "queries", "query", "transactions",
		"transaction", "txn", "txns", "tx", "rows", "records", "files",
		"processes", "procs", "threads", "goroutines", "pods", "nodes",
		"hosts", "instances", "replicas", "containers", "sessions",
		"users", "clients", "calls", "retries", "failures", "restarts",
		"hits", "misses", "packets", "keys", "orders", "payments",
		"deliveries", "shipments", "scans", "devices", "alerts",
		"incidents", "tickets", "deploys", "builds", "objects",
		"documents", "batches", "partitions", "segments", "offsets",
		"lag", "versions", "generations", "certificates", "certs",
		/* resources */
		"cores", "core", "cpu", "cpus", "vcpu", "vcpus", "millicores",
		"mcpu", "w", "watt", "watts", "kw", "kwh", "a", "amps", "v",
		"volts",
		"ma", "ka", "mv", "kv", "mwh", "va", "kva",
		/* a plant's: levels, pressures, water quality, flows */
		"ft", "feet", "in", "inch", "inches", "mm", "cm", "km", "mi",
		"psi", "psig", "bar", "mbar", "pa", "kpa", "mpa", "inhg",
		"ntu", "mg/l", "ug/l", "\xc2\xb5g/l", "ppb", "ph", "gpm", "mgd",
		"cfm", "gal", "l", "m3", "lux",
		/* signal: optical power, loss, noise */
		"db", "dbm", "dbw", "dbi", "mw", "ber", "dbfs", "lufs", "lu",
		"ire",
		/* temperature */
		"\xc2\xb0" "c", "\xc2\xb0" "f", "celsius", "fahrenheit", "degc",
		"degf", "k", "kelvin",
		/* money */
		"usd", "eur", "gbp", "$", "\xe2\x82\xac", "\xc2\xa3",
		/* dimensionless */
		"1", "none", NULL
	};
	const char *sl;
	size_t k;

	if (in_words(u, n, w) || time_unit(u, n))
		return 1;
	/* A rate: COUNT/TIME (req/s, MB/s, errors/min), /TIME alone (a
	 * column's "(/s)"), or COUNT per TIME. */
	if ((sl = memchr(u, '/', n)) != NULL) {
		k = (size_t)(sl - u);
		return (k == 0 || in_words(u, k, w) || time_unit(u, k)) &&
		    time_unit(sl + 1, n - k - 1);
	}
	if ((sl = memfind(u, n, " per ", 5)) != NULL) {
		k = (size_t)(sl - u);
		return k > 0 && in_words(u, k, w) && time_unit(sl + 5,
		    n - k - 5);
	}
	return 0;
}

/* Orders metric nodes by name, then by position in the list. */
static int
metriccmp(const void *a, const void *b)
{
	const struct ynode *x = *(const struct ynode *const *)a;
	const struct ynode *y = *(const struct ynode *const *)b;
	int c;

	if ((c = strcmp(x->s, y->s)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->col < y->col ? -1 : x->col > y->col;
}

/* Reports each metric that an earlier threshold already has. */
static void
threshold_dups(struct runbook *r, const struct ynode *th)
{
	const struct ynode **v, *met;
	size_t i, n = 0, first = 0;

	v = xcalloc(th->n + 1, sizeof(*v));
	for (i = 0; i < th->n; i++)
		if ((met = ymap_get(th->items[i], "metric")) != NULL &&
		    scalar(met) != NULL)
			v[n++] = met;
	qsort(v, n, sizeof(*v), metriccmp);
	for (i = 1; i < n; i++) {
		if (strcmp(v[i]->s, v[first]->s) != 0) {
			first = i;
			continue;
		}
		diag_add(&r->diags, r->src.path, v[i]->line, v[i]->col,
		    R_THRESHOLD_DUPLICATE, "metric '%s' already has a "
		    "threshold (line %d)", v[i]->s, v[first]->line);
	}
	free(v);
}


/* Order, unit and uniqueness of the thresholds. */
static void
check_thresholds(struct runbook *r)
{
	const struct ynode *th, *t, *u, *tg, *wn, *cr, *dir, *met;
	const char *metric, *d;
	double vt = 0, vw = 0, vc = 0;
	int ht, hw, hc, below;
	size_t i;

	th = ymap_get(r->fm, "thresholds");
	if (th == NULL || th->type != Y_SEQ)
		return;
	threshold_dups(r, th);
	for (i = 0; i < th->n; i++) {
		t = th->items[i];
		if (t->type != Y_MAP)
			continue;
		met = ymap_get(t, "metric");
		metric = scalar(met) ? met->s : "?";
		if ((u = ymap_get(t, "unit")) != NULL && scalar(u) != NULL &&
		    !known_unit(u->s, u->slen))
			diag_add(&r->diags, r->src.path, u->line, u->col,
			    R_THRESHOLD_UNIT, "threshold '%s' has unknown unit "
			    "\"%s\"", metric, u->s);
		dir = ymap_get(t, "direction");
		d = scalar(dir) ? dir->s : "above";
		if (strcmp(d, "above") != 0 && strcmp(d, "below") != 0)
			continue;	/* the schema's to report */
		below = d[0] == 'b';
		ht = number(tg = ymap_get(t, "target"), &vt);
		hw = number(wn = ymap_get(t, "warning"), &vw);
		hc = number(cr = ymap_get(t, "critical"), &vc);
		if (hw && ht && (below ? vw > vt : vw < vt))
			diag_add(&r->diags, r->src.path, wn->line, wn->col,
			    R_THRESHOLD_ORDER, "threshold '%s' (%s): warning "
			    "%s is %s its target %s", metric, d, wn->s,
			    below ? "above" : "below", tg->s);
		else if (hw && hc && (below ? vw <= vc : vw >= vc))
			diag_add(&r->diags, r->src.path, wn->line, wn->col,
			    R_THRESHOLD_ORDER, "threshold '%s' (%s): warning "
			    "%s must be %s critical %s", metric, d, wn->s,
			    below ? "above" : "below", cr->s);
		else if (!hw && ht && hc && (below ? vc > vt : vc < vt))
			diag_add(&r->diags, r->src.path, cr->line, cr->col,
			    R_THRESHOLD_ORDER, "threshold '%s' (%s): critical "
			    "%s is %s its target %s", metric, d, cr->s,
			    below ? "above" : "below", tg->s);
		else
			continue;
		text_warning(r, TEXT_THRESHOLDS);
	}
}

/* --------------------------------------------------------- mojibake */

/* Body placeholders and mojibake lines reported per runbook, at most. */
#define MAX_REPORTS	200

/*
 * Returns the byte that Windows-1252 (or Latin-1, or Windows-1254 for the
 * lead bytes that differ) shows as code point cp, or -1.
 */
static int
cp1252_byte(uint32_t cp)
{
	static const uint16_t hi[32] = {
		0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
		0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
		0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
		0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
	};
	int i;

	if (cp >= 0x80 && cp <= 0xff)
		return (int)cp;
	for (i = 0; i < 32; i++)
		if (hi[i] != 0 && hi[i] == cp)
			return 0x80 + i;
	switch (cp) {		/* Windows-1254 (Turkish) */
	case 0x011e:
		return 0xd0;
	case 0x0130:
		return 0xdd;
	case 0x015e:
		return 0xde;
	case 0x011f:
		return 0xf0;
	default:
		return -1;
	}
}

/*
 * Returns the length of a double-decoded UTF-8 sequence at s[0..n) (a
 * lead byte's character and its continuation bytes' characters), with
 * *orig set to the character it was, or 0.  When its last byte was lost,
 * *lost is set and *orig is the first of the 64 characters it may be.
 */
static size_t
mojibake_at(const char *s, size_t n, uint32_t *orig, int *lost)
{
	static const uint32_t weak[] = {	/* text after a capital */
		0x2019, 0x201d, 0x201c, 0x2026, 0x2013, 0x2014, 0x00ae, 0x00a9,
		0x2122, 0x00bb, 0x00ab, 0
	};
	unsigned char bytes[4];
	uint32_t cp, lead;
	size_t off = 0, lead_len;
	int b, k, need, i, used;

	if ((used = utf8_decode(s, n, &lead)) <= 1)
		return 0;
	lead_len = (size_t)used;
	if ((b = cp1252_byte(lead)) < 0xc2 || b > 0xf4)
		return 0;
	need = b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
	bytes[0] = (unsigned char)b;
	off = (size_t)used;
	*lost = 0;
	for (k = 1; k <= need; k++) {
		if ((used = utf8_decode(s + off, n - off, &cp)) <= 0 ||
		    (b = cp1252_byte(cp)) < 0x80 || b > 0xbf) {
			/*
			 * The bytes Windows-1252 leaves undefined (81 8D 8F
			 * 90 9D) are often lost: "ðŸ”" of an emoji, "â€" of
			 * a quote.  Both pairs never occur in real text.
			 */
			if (k == need && ((need == 3 && bytes[0] == 0xf0 &&
			    bytes[1] == 0x9f) || (need == 2 &&
			    bytes[0] == 0xe2 && bytes[1] == 0x80))) {
				*lost = 1;
				*orig = need == 3 ? 0x1f000u |
				    (uint32_t)(bytes[2] & 0x3f) << 6 : 0x2000u;
				return off;
			}
			return 0;
		}
		bytes[k] = (unsigned char)b;
		off += (size_t)used;
	}
	if (utf8_decode((const char *)bytes, (size_t)need + 1, orig) !=
	    need + 1)
		return 0;
	/* "CAFÉ’S" is not mojibake: Â, Ã, Ð, Ñ, Î, Ï, Ø, Ù lead most. */
	if (need == 1 && strchr("\xc2\xc3\xd0\xd1\xce\xcf\xd8\xd9",
	    bytes[0]) == NULL) {
		utf8_decode(s + lead_len, n - lead_len, &cp);
		for (i = 0; weak[i] != 0; i++)
			if (cp == weak[i])
				return 0;
	}
	return off;
}

/* Returns 1 for a character that a message should name, not show. */
static int
invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0xa0) || cp == 0xad ||
	    (cp >= 0x2000 && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202f) ||
	    (cp >= 0x2060 && cp <= 0x206f) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
	    cp == 0xfeff;
}

/* Appends s[0..n) with invisible characters written as <U+XXXX>. */
static void
put_visible(struct buf *b, const char *s, size_t n)
{
	uint32_t cp;
	size_t i = 0;
	int k;

	while (i < n) {
		if ((k = utf8_decode(s + i, n - i, &cp)) <= 0) {
			buf_putc(b, '?');
			i++;
			continue;
		}
		if (invisible(cp))
			buf_printf(b, "<U+%04X>", (unsigned)cp);
		else
			buf_put(b, s + i, (size_t)k);
		i += (size_t)k;
	}
}

/*
 * Reports the first double-decoded UTF-8 sequence of each line, for the
 * first MAX_REPORTS lines that have one.
 */
static void
check_mojibake(struct runbook *r)
{
	struct buf m = { NULL, 0, 0 }, o = { NULL, 0, 0 };
	const char *p;
	char enc[4];
	uint32_t orig;
	size_t nl = r->src.nlines, i, n, off, k;
	int line, col, lost, count = 0;

	for (i = 1; i <= nl && count <= MAX_REPORTS; i++) {
		p = src_line(&r->src, (int)i, &n);
		if (ascii_span(p, n) == n)
			continue;
		for (off = 0; off < n; off++) {
			if ((unsigned char)p[off] < 0xc2 ||
			    (unsigned char)p[off] > 0xc5 ||
			    (k = mojibake_at(p + off, n - off, &orig,
			    &lost)) == 0)
				continue;
			src_pos(&r->src, (size_t)(p - r->src.data) + off,
			    &line, &col);
			if (++count > MAX_REPORTS) {
				/* The rule's own severity: a flood of
				 * warnings stays a warning. */
				diag_add(&r->diags, r->src.path, line, col,
				    R_MOJIBAKE, "more than %d lines with "
				    "mojibake: the rest are not reported",
				    MAX_REPORTS);
				break;
			}
			buf_reset(&m);
			buf_reset(&o);
			put_visible(&m, p + off, k);
			if (lost)
				buf_printf(&o, "one of U+%04X to U+%04X",
				    (unsigned)orig, (unsigned)orig + 0x3f);
			else if (invisible(orig))
				buf_printf(&o, "U+%04X", (unsigned)orig);
			else {
				BUF_PUTSL(&o, "\"");
				buf_put(&o, enc, (size_t)utf8_encode(orig,
				    enc));
				BUF_PUTSL(&o, "\"");
			}
			diag_add(&r->diags, r->src.path, line, col, R_MOJIBAKE,
			    "\"%s\" is probably %s decoded twice%s",
			    buf_cstr(&m), buf_cstr(&o), lost ? ", its last "
			    "byte lost" : "");
			break;
		}
	}
	buf_free(&m);
	buf_free(&o);
}

/* ------------------------------------------- contacts in the body */

/* Returns 1 if a heading's text names a contacts section. */
static int
contacts_heading(const char *t)
{
	static const char *const w[] = {
		"contact", "escalat", "on-call", "on call", "oncall",
		"emergenc", NULL
	};
	char *l = xstrdup(t), *p;
	int hit = 0;
	size_t i;

	for (p = l; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; w[i] != NULL && !hit; i++)
		hit = strstr(l, w[i]) != NULL;
	free(l);
	return hit;
}

/* Returns n, or fewer bytes (64 at most, whole UTF-8 characters). */
static size_t
clip(const char *s, size_t n)
{
	if (n <= 64)
		return n;
	n = 64;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

/*
 * Reports the placeholders of one text (or inline HTML) node; *count
 * counts them in the runbook, up to MAX_REPORTS.
 */
static void
body_text(struct runbook *r, cmark_node *t, const char *sect, int *count)
{
	const char *lit = cmark_node_get_literal(t), *p, *f;
	cmark_node *q;
	size_t ln, n, st, from = 0, look, cb;
	int tl, tc, line, col, cc, lost = 0;
	struct ph m;

	if (lit == NULL)
		return;
	ln = strlen(lit);
	for (q = t; q != NULL && cmark_node_get_start_line(q) <= 0;
	    q = cmark_node_parent(q))
		;
	tl = q != NULL ? cmark_node_get_start_line(q) : 1;
	tc = q != NULL ? cmark_node_get_start_column(q) : 1;
	line = tl + r->body_line - 1;
	p = src_line(&r->src, line, &n);
	st = tc > 1 ? (size_t)tc - 1 : 0;
	if (line == r->body_line)	/* a BOM before the body */
		st += r->body_off - r->src.lines[line - 1];
	look = st < n ? st : n;
	cb = 0;
	cc = 1;
	while (*count <= MAX_REPORTS && ph_next(lit, ln, from, 0, &m)) {
		/* Escapes and entities may hide it: then the node's start,
		 * and no more searching (a line can be megabytes long). */
		f = lost ? NULL : memfind(p + look, n - look, lit + m.off,
		    m.len);
		if (f == NULL) {
			lost = 1;
			col = src_col(&r->src, line, (int)st + 1);
		} else {
			/* Count characters from the last match on, not from
			 * the line's start: many matches on a long line. */
			cc += (int)utf8_count(p + cb, (size_t)(f - p) - cb);
			cb = (size_t)(f - p);
			col = cc;
			look = (size_t)(f - p) + m.len;
		}
		if (++*count > MAX_REPORTS) {
			diag_add(&r->diags, r->src.path, line, col,
			    R_CONTACT_PLACEHOLDER, "more than %d placeholders "
			    "in contacts sections: the rest are not reported",
			    MAX_REPORTS);
			break;
		}
		diag_add(&r->diags, r->src.path, line, col,
		    R_CONTACT_PLACEHOLDER, "placeholder \"%.*s%s\" in "
		    "contacts section \"%s\"", (int)clip(lit + m.off, m.len),
		    lit + m.off, m.len > 64 ? "..." : "", sect);
		from = m.off + m.len;
	}
}

/*
 * Looks for placeholders in the tables, lists and paragraphs under a
 * heading about contacts, escalation, on-call or emergencies (down to the
 * next heading of the same or a higher level).  Code is left alone.
 */
static void
check_body_contacts(struct runbook *r)
{
	const struct heading *h;
	const char *sect = NULL;
	cmark_node *n, *x;
	cmark_iter *it;
	cmark_event_type ev;
	int level = 0, hl, count = 0;

	for (n = cmark_node_first_child(r->doc); n != NULL;
	    n = cmark_node_next(n)) {
		if (cmark_node_get_type(n) == CMARK_NODE_HEADING) {
			hl = cmark_node_get_heading_level(n);
			if (level > 0 && hl <= level)
				level = 0;
			if (level == 0 && (h = md_node_heading(r, n)) != NULL &&
			    contacts_heading(h->text)) {
				level = hl;
				sect = h->text;
			}
			continue;
		}
		if (level == 0)
			continue;
		it = cmark_iter_new(n);
		while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE) {
			x = cmark_iter_get_node(it);
			if (ev == CMARK_EVENT_ENTER &&
			    (cmark_node_get_type(x) == CMARK_NODE_TEXT ||
			    cmark_node_get_type(x) == CMARK_NODE_HTML_INLINE))
				body_text(r, x, sect, &count);
		}
		cmark_iter_free(it);
	}
}

/*
 * Reports links to a page's alerts section (#rbc-alerts) where that page
 * lists no alert: known only once the alerts are mapped (page_has_id
 * takes it as there).
 */
static void
check_alert_links(struct site *s)
{
	size_t i, j, n;

	for (i = 0; i < s->n; i++) {
		struct runbook *r = s->rb[i];
		for (j = 0; j < r->nlinks; j++) {
			struct link *l = &r->links[j];
			const struct runbook *t;
			if (l->target < 0 || l->frag == NULL || l->broken ||
			    strcmp(l->frag, "rbc-alerts") != 0)
				continue;
			t = s->rb[l->target];
			if (!t->home && (alerts_of(s, t, &n), n > 0))
				continue;
			diag_add(&r->diags, r->src.path, l->line, l->col,
			    R_ANCHOR_BROKEN, "'#rbc-alerts' names a section rbc "
			    "adds to a page, and the page of %s has none (no "
			    "alert rule points at it)", t == r ? "this runbook" :
			    t->src.path);
			l->broken = 1;
		}
	}
}

/* Runs the rules that concern the whole site: site.yaml's contacts, the
 * alert rules. */
void
check_site(struct site *s)
{
	char *path;

	alerts_check(s);
	check_alert_links(s);
	if (s->cfg.contacts == NULL)
		return;
	path = path_join(s->content, "site.yaml");
	check_contact_list(s->cfg.contacts, &s->diags, path, 0);
	free(path);
}

/*
 * Reports the characters that would make a command, a contact or a URL
 * under y (named what) read otherwise than it is copied: C0 and C1
 * controls, DEL, and bidi or zero-width controls (utf8_hidden).
 */
static void
check_hidden(const struct ynode *y, const char *what, struct runbook *r)
{
	const char *p;
	uint32_t cp;
	size_t i, n;
	int k;

	if (y == NULL)
		return;
	if (y->type == Y_SEQ || y->type == Y_MAP) {
		for (i = 0; i < y->n; i++)
			check_hidden(y->items[i], what, r);
		return;
	}
	if (y->s == NULL)
		return;
	for (p = y->s, n = y->slen; n > 0; p += k, n -= (size_t)k) {
		if ((k = utf8_decode(p, n, &cp)) <= 0)
			return;
		if (cp == '\t' || cp == '\n' || !(cp < 0x20 || (cp >= 0x7f &&
		    cp < 0xa0) || utf8_hidden(cp)))
			continue;
		diag_add(&r->diags, r->src.path, y->line, y->col,
		    R_CONTROL_CHAR, "%s U+%04X in %s: what a reader sees is "
		    "not what is copied", utf8_hidden(cp) ? "bidi or "
		    "zero-width control" : "control character", (unsigned)cp,
		    what);
		return;
	}
}

/* Runs the semantic rules on r. */
void
check_runbook(struct site *s, struct runbook *r)
{
	silence_setup(r);
	review(s, r);
	if (r->fm != NULL) {
		check_contact_list(ymap_get(r->fm, "contacts"), &r->diags,
		    r->src.path, (r->from_text & TEXT_CONTACTS) != 0);
		check_contact_refs(s, r);
		check_escalation(r);
		check_thresholds(r);
		check_placeholders(r);
		if (s->alerts.configured)
			alerts_drift(s, r);
		if (diag_on(&r->diags, R_CONTROL_CHAR)) {
			check_hidden(ymap_get(r->fm, "contacts"), "contacts",
			    r);
			check_hidden(ymap_get(r->fm, "quickref"), "quickref",
			    r);
		}
	}
	if (r->doc != NULL && diag_on(&r->diags, R_CONTACT_PLACEHOLDER))
		check_body_contacts(r);
	check_mojibake(r);
	silence_filter(r);
}
