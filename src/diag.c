/*
 * Diagnostics are data: one table of rules, one function that records a
 * diagnostic, printers for the text, JSON, SARIF and GitHub formats, and
 * the exit status derived from the worst severity seen.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

const struct rule_info rule_table[R__MAX] = {
	[R_IO] = { "io", SEV_ERROR,
	    "a file or directory cannot be read or written" },
	[R_YAML_SYNTAX] = { "yaml-syntax", SEV_ERROR,
	    "front-matter does not parse" },
	[R_DUPLICATE_KEY] = { "duplicate-key", SEV_ERROR,
	    "a mapping repeats a key" },
	[R_YAML_UNSUPPORTED] = { "yaml-unsupported", SEV_ERROR,
	    "YAML aliases, anchors, tags and merge keys are refused" },
	[R_LIMIT] = { "limit", SEV_ERROR,
	    "an input exceeds a size, depth, count or effort limit" },
	[R_SCHEMA] = { "schema", SEV_ERROR,
	    "front-matter violates the schema" },
	[R_FRONT_MATTER_MISSING] = { "front-matter-missing", SEV_WARNING,
	    "no front-matter" },
	[R_ID_INVALID] = { "id-invalid", SEV_ERROR,
	    "an id is not a valid runbook id" },
	[R_ID_DUPLICATE] = { "id-duplicate", SEV_ERROR,
	    "two runbooks share an id" },
	[R_LINK_BROKEN] = { "link-broken", SEV_ERROR,
	    "a link to a runbook or file that does not exist" },
	[R_ANCHOR_BROKEN] = { "anchor-broken", SEV_ERROR,
	    "a #fragment that names no heading in its target" },
	[R_RELATED_UNKNOWN] = { "related-unknown", SEV_ERROR,
	    "a related: id that does not exist" },
	[R_CONTACT_UNKNOWN] = { "contact-unknown", SEV_ERROR,
	    "escalation/notify references a contact id that does not exist" },
	[R_CONTACT_UNREACHABLE] = { "contact-unreachable", SEV_ERROR,
	    "a contact with neither phone, email, chat nor pager" },
	[R_CONTACT_PLACEHOLDER] = { "contact-placeholder", SEV_ERROR,
	    "a placeholder instead of a real contact detail" },
	[R_ESCALATION_ORDER] = { "escalation-order", SEV_ERROR,
	    "escalation levels not increasing, or after going backwards" },
	[R_THRESHOLD_ORDER] = { "threshold-order", SEV_ERROR,
	    "warning not between target and critical for its direction" },
	[R_THRESHOLD_UNIT] = { "threshold-unit", SEV_WARNING,
	    "unknown threshold unit" },
	[R_THRESHOLD_DUPLICATE] = { "threshold-duplicate", SEV_ERROR,
	    "the same metric twice" },
	[R_REVIEW_STALE] = { "review-stale", SEV_WARNING,
	    "today is past last_reviewed + review_every" },
	[R_MOJIBAKE] = { "mojibake", SEV_WARNING,
	    "text that is UTF-8 decoded twice" },
	[R_UTF8_INVALID] = { "utf8-invalid", SEV_ERROR,
	    "bytes that are not UTF-8" },
	[R_CARD_OVERFLOW] = { "card-overflow", SEV_ERROR,
	    "the quick-reference card cannot fit one page" },
	[R_SYMLINK] = { "symlink", SEV_ERROR,
	    "a symbolic link that leaves the content directory" },
	[R_TEMPLATE] = { "template", SEV_ERROR,
	    "a template does not compile" },
	[R_CONTROL_CHAR] = { "control-char", SEV_ERROR,
	    "a control character, or a bidi or zero-width control in a "
	    "command, contact or URL" },
	[R_THRESHOLD_CONFLICT] = { "threshold-conflict", SEV_WARNING,
	    "one metric with different numbers in two places of a runbook" },
	[R_REVIEW_UNKNOWN] = { "review-unknown", SEV_WARNING,
	    "no review date anywhere: never reviewed" },
	[R_KEY_UNKNOWN] = { "key-unknown", SEV_WARNING,
	    "a front-matter key within a typo of a known one" },
	[R_PLACEHOLDER] = { "placeholder", SEV_ERROR,
	    "template text left in a value a reader relies on" },
	[R_ALERT_RUNBOOK_BROKEN] = { "alert-runbook-broken", SEV_ERROR,
	    "an alert rule's runbook_url names no runbook (or no anchor) of "
	    "this site" },
	[R_ALERT_NO_RUNBOOK] = { "alert-no-runbook", SEV_WARNING,
	    "an alert rule without a runbook_url" },
	[R_RUNBOOK_NO_ALERT] = { "runbook-no-alert", SEV_OFF,
	    "a runbook that no alert rule points at" },
	[R_THRESHOLD_DRIFT] = { "threshold-drift", SEV_WARNING,
	    "a runbook threshold whose numbers differ from its alert rule's" },
	[R_ANCHOR_CASE] = { "anchor-case", SEV_WARNING,
	    "a #fragment that reaches its heading only in another case or "
	    "under another platform's slugs" },
	[R_TEMPLATE_SYNTAX] = { "template-syntax", SEV_WARNING,
	    "Hugo, ERB or Jinja template syntax published as literal text" },
	[R_RAW_HTML] = { "raw-html", SEV_WARNING,
	    "raw HTML removed by the sanitizer" },
};

static const char *const sevname[] = { "off", "warning", "error" };

void
diags_init(struct diags *d, const enum severity *sev)
{
	memset(d, 0, sizeof(*d));
	d->sev = sev;
}

/* Returns 1 unless rule is off here: a check whose only findings would
 * be dropped need not run. */
int
diag_on(const struct diags *d, enum rule rule)
{
	return (d->sev != NULL ? d->sev[rule] : rule_table[rule].def) !=
	    SEV_OFF;
}

/* Records a diagnostic unless its rule is off or the place is silenced. */
void
diag_add(struct diags *d, const char *file, int line, int col,
    enum rule rule, const char *fmt, ...)
{
	enum severity sev;
	struct diag g;
	struct buf b = { NULL, 0, 0 };
	va_list ap;

	sev = d->sev != NULL ? d->sev[rule] : rule_table[rule].def;
	if (sev == SEV_OFF)
		return;
	if (d->silenced != NULL && d->silenced(d->silenced_arg, file, line,
	    rule))
		return;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	g.file = xstrdup(file != NULL ? file : "");
	g.line = line;
	g.col = col;
	g.rule = rule;
	g.sev = sev;
	g.msg = buf_detach(&b);
	diag_push(d, &g);
}

/* Appends g to d as it is: d takes its file and message. */
void
diag_push(struct diags *d, const struct diag *g)
{
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	d->v[d->n++] = *g;
}

/* Appends copies of everything in src to d. */
void
diags_append(struct diags *d, const struct diags *src)
{
	struct diag g;
	size_t i;

	for (i = 0; i < src->n; i++) {
		g = src->v[i];
		g.file = xstrdup(g.file);
		g.msg = xstrdup(g.msg);
		diag_push(d, &g);
	}
}

static int
diagcmp(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	int c;

	if ((c = strcmp(x->file, y->file)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return strcmp(x->msg, y->msg);
}

/* Sorts by file, line, column, rule and message, so output is stable. */
void
diags_sort(struct diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), diagcmp);
}

/* Returns the worst severity recorded. */
enum severity
diags_worst(const struct diags *d)
{
	enum severity w = SEV_OFF;
	size_t i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev > w)
			w = d->v[i].sev;
	return w;
}

/* Returns how many diagnostics have severity sev. */
size_t
diags_count(const struct diags *d, enum severity sev)
{
	size_t i, n = 0;

	for (i = 0; i < d->n; i++)
		if (d->v[i].sev == sev)
			n++;
	return n;
}

/* Writes s as a JSON string literal (json.c's escaping). */
static void
json_str(FILE *f, const char *s)
{
	struct buf b = { NULL, 0, 0 };

	json_esc(&b, s, strlen(s), 0);
	fwrite(b.data, 1, b.len, f);
	buf_free(&b);
}

/* GitHub workflow commands: % CR LF escaped, and in properties , and :. */
/*
 * Writes s with what must not reach a terminal or start a line shown
 * as a C escape: C0 controls (a tab too), DEL, C1 controls, and the
 * bidi and zero-width controls that reorder or hide text (\u202E).
 * Quoted input can then never forge a diagnostic or drive a terminal.
 */
static void
text_esc(FILE *f, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	int n;

	while (*u != '\0') {
		if (*u < 0x20 || *u == 0x7f) {
			switch (*u) {
			case '\n':
				fputs("\\n", f);
				break;
			case '\r':
				fputs("\\r", f);
				break;
			case '\t':
				fputs("\\t", f);
				break;
			default:
				fprintf(f, "\\x%02x", *u);
			}
			u++;
			continue;
		}
		if (*u < 0x80) {
			putc(*u++, f);
			continue;
		}
		n = utf8_decode((const char *)u, strlen((const char *)u), &cp);
		if (n <= 0) {
			fprintf(f, "\\x%02x", *u++);
			continue;
		}
		if ((cp >= 0x80 && cp < 0xa0) || utf8_hidden(cp))
			fprintf(f, "\\u%04X", (unsigned)cp);
		else
			fwrite(u, 1, (size_t)n, f);
		u += n;
	}
}

static void
gh_esc(FILE *f, const char *s, int prop)
{
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 && *s != '\r' && *s != '\n')
			fprintf(f, "\\x%02x", (unsigned char)*s);
		else if (*s == 0x7f)
			fputs("\\x7f", f);
		else if (*s == '%')
			fputs("%25", f);
		else if (*s == '\r')
			fputs("%0D", f);
		else if (*s == '\n')
			fputs("%0A", f);
		else if (prop && *s == ':')
			fputs("%3A", f);
		else if (prop && *s == ',')
			fputs("%2C", f);
		else
			putc(*s, f);
	}
}

/*
 * Writes a path as a SARIF artifact URI: relative paths stay relative,
 * absolute ones become file:// URIs, and every byte outside the unreserved
 * set (and /) is percent-encoded.
 */
static void
sarif_uri(FILE *f, const char *path)
{
	const unsigned char *u = (const unsigned char *)path;

	putc('"', f);
	if (*u == '/')
		fputs("file://", f);
	for (; *u != '\0'; u++) {
		if ((*u >= 'A' && *u <= 'Z') || (*u >= 'a' && *u <= 'z') ||
		    (*u >= '0' && *u <= '9') || strchr("/-._~", *u) != NULL)
			putc(*u, f);
		else
			fprintf(f, "%%%02X", *u);
	}
	putc('"', f);
}

static void
print_sarif(const struct diags *d, FILE *f)
{
	size_t i;
	int r;

	fputs("{\n  \"$schema\": \"https://json.schemastore.org/"
	    "sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n"
	    "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n"
	    "          \"name\": \"rbc\",\n          \"version\": \""
	    RBC_VERSION "\",\n          \"informationUri\": "
	    "\"https://runbooks.invalid/rbc\",\n          \"rules\": [", f);
	for (r = 0; r < R__MAX; r++) {
		fprintf(f, "%s\n            {\"id\": ", r ? "," : "");
		json_str(f, rule_table[r].id);
		fputs(", \"shortDescription\": {\"text\": ", f);
		json_str(f, rule_table[r].what);
		fprintf(f, "}, \"defaultConfiguration\": {\"level\": \"%s\"}}",
		    rule_table[r].def == SEV_ERROR ? "error" :
		    rule_table[r].def == SEV_WARNING ? "warning" : "none");
	}
	fputs("\n          ]\n        }\n      },\n"
	    "      \"columnKind\": \"unicodeCodePoints\",\n"
	    "      \"results\": [", f);
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		fprintf(f, "%s\n        {\"ruleId\": ", i ? "," : "");
		json_str(f, rule_table[g->rule].id);
		fprintf(f, ", \"ruleIndex\": %d, \"level\": \"%s\", "
		    "\"message\": {\"text\": ", (int)g->rule,
		    g->sev == SEV_ERROR ? "error" : "warning");
		json_str(f, g->msg);
		fputs("}, \"locations\": [{\"physicalLocation\": "
		    "{\"artifactLocation\": {\"uri\": ", f);
		sarif_uri(f, g->file);
		fputs("}", f);
		if (g->line > 0) {
			fprintf(f, ", \"region\": {\"startLine\": %d", g->line);
			if (g->col > 0)
				fprintf(f, ", \"startColumn\": %d", g->col);
			fputs("}", f);
		}
		fputs("}}]}", f);
	}
	fputs("\n      ]\n    }\n  ]\n}\n", f);
}

/* Prints every diagnostic in the given format; colour only for text. */
static void
print_all(const struct diags *d, enum diag_format fmt, FILE *f, int colour)
{
	const struct diag *g;
	size_t i;

	if (fmt == DFMT_SARIF) {
		print_sarif(d, f);
		return;
	}
	if (fmt == DFMT_JSON)
		fputs("[", f);
	for (i = 0; i < d->n; i++) {
		g = &d->v[i];
		switch (fmt) {
		case DFMT_JSON:
			fprintf(f, "%s\n  {\"file\": ", i ? "," : "");
			json_str(f, g->file);
			fprintf(f, ", \"line\": %d, \"column\": %d, "
			    "\"severity\": \"%s\", \"rule\": \"%s\", "
			    "\"message\": ", g->line, g->col, sevname[g->sev],
			    rule_table[g->rule].id);
			json_str(f, g->msg);
			fputs("}", f);
			break;
		case DFMT_GITHUB:
			fprintf(f, "::%s file=", sevname[g->sev]);
			gh_esc(f, g->file, 1);
			if (g->line > 0)
				fprintf(f, ",line=%d", g->line);
			if (g->col > 0)
				fprintf(f, ",col=%d", g->col);
			fprintf(f, ",title=%s::", rule_table[g->rule].id);
			gh_esc(f, g->msg, 0);
			fprintf(f, " [%s]\n", rule_table[g->rule].id);
			break;
		default:
			if (colour)
				fputs("\033[1m", f);
			text_esc(f, g->file);
			if (g->line > 0) {
				fprintf(f, ":%d", g->line);
				if (g->col > 0)
					fprintf(f, ":%d", g->col);
			}
			fputs(":", f);
			if (colour)
				fputs(g->sev == SEV_ERROR ? " \033[31m" :
				    " \033[35m", f);
			else
				fputs(" ", f);
			fprintf(f, "%s:", sevname[g->sev]);
			if (colour)
				fputs("\033[0m", f);
			putc(' ', f);
			text_esc(f, g->msg);
			fprintf(f, " [%s]\n", rule_table[g->rule].id);
			break;
		}
	}
	if (fmt == DFMT_JSON)
		fputs(d->n ? "\n]\n" : "]\n", f);
}

/*
 * The same, written at once: stderr is
 * unbuffered, and a large site's thousands of lines would otherwise cost
 * several system calls each.
 */
void
diags_print(const struct diags *d, enum diag_format fmt, FILE *f,
    int colour)
{
	char *mem = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&mem, &len);

	if (m == NULL) {
		print_all(d, fmt, f, colour);
		return;
	}
	print_all(d, fmt, m, colour);
	if (fclose(m) == 0 && len > 0)
		fwrite(mem, 1, len, f);
	free(mem);
	fflush(f);
}

void
diags_free(struct diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

/* Returns the rule with this id, or -1. */
int
rule_lookup(const char *id)
{
	int r;

	for (r = 0; r < R__MAX; r++)
		if (strcmp(rule_table[r].id, id) == 0)
			return r;
	return -1;
}

/* Returns the severity named s (error, warning, off), or -1. */
int
severity_parse(const char *s)
{
	if (strcmp(s, "error") == 0)
		return SEV_ERROR;
	if (strcmp(s, "warning") == 0 || strcmp(s, "warn") == 0)
		return SEV_WARNING;
	if (strcmp(s, "off") == 0 || strcmp(s, "ignore") == 0)
		return SEV_OFF;
	return -1;
}
