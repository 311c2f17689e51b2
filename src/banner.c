/*
 * The diagnostics banner of a preview page (rbc serve): each diagnostic
 * as file:line:col, severity, message and rule, every quoted byte
 * escaped.  Built sites never carry it; the server puts it in the pages
 * it sends.
 */
#include <stdio.h>
#include <string.h>

#include "render.h"

/* Appends to out the banner for d under heading, or nothing for none. */
void
banner_html(struct buf *out, const struct diags *d, const char *heading)
{
	size_t i, nerr, nwarn;
	char num[64];

	if (d->n == 0)
		return;
	nerr = diags_count(d, SEV_ERROR);
	nwarn = diags_count(d, SEV_WARNING);
	BUF_PUTSL(out, "<aside id=\"rbc-serve-banner\" class=\"rbc-serve-");
	buf_puts(out, nerr > 0 ? "errors" : "warnings");
	BUF_PUTSL(out, "\" role=\"alert\"><p><strong>");
	html_esc_text(out, heading, strlen(heading));
	snprintf(num, sizeof(num), "</strong> %zu error%s, %zu warning%s",
	    nerr, nerr == 1 ? "" : "s", nwarn, nwarn == 1 ? "" : "s");
	buf_puts(out, num);
	BUF_PUTSL(out, "</p><ul>");
	for (i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		const char *sev = g->sev == SEV_ERROR ? "error" : "warning";

		BUF_PUTSL(out, "<li class=\"rbc-serve-");
		buf_puts(out, sev);
		BUF_PUTSL(out, "\"><code>");
		html_esc_text(out, g->file, strlen(g->file));
		if (g->line > 0) {
			snprintf(num, sizeof(num), ":%d", g->line);
			buf_puts(out, num);
			if (g->col > 0) {
				snprintf(num, sizeof(num), ":%d", g->col);
				buf_puts(out, num);
			}
		}
		BUF_PUTSL(out, "</code> ");
		buf_puts(out, sev);
		BUF_PUTSL(out, ": ");
		html_esc_text(out, g->msg, strlen(g->msg));
		BUF_PUTSL(out, " <code>[");
		buf_puts(out, rule_table[g->rule].id);
		BUF_PUTSL(out, "]</code></li>");
	}
	BUF_PUTSL(out, "</ul></aside>");
}
