/*
 * The card as a standalone HTML document that prints on one page: the
 * same text sizes, line height and columns as the PDF, the spacing a
 * little tighter, because browsers round their metrics their own way.
 */
#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "card.h"

/* ----------------------------------------------------------------- HTML */

/* Appends s (NULL: nothing) escaped as HTML text. */
static void
esc(struct buf *b, const char *s)
{
	if (s != NULL)
		html_esc_text(b, s, strlen(s));
}

/* <tag class="cls">text</tag>, nothing when s is NULL. */
static void
el(struct buf *b, const char *tag, const char *cls, const char *s)
{
	if (s == NULL)
		return;
	buf_printf(b, "<%s class=\"%s\">", tag, cls);
	esc(b, s);
	buf_printf(b, "</%s>", tag);
}

/* The QR code as an inline SVG, one path of runs, in a link. */
static void
html_qr(struct buf *b, const struct cmodel *m, double size, int quiet)
{
	const QRcode *q = m->qr;
	int n = q->width + 2 * quiet, i, j, k;

	BUF_PUTSL(b, "<a class=\"qr\" href=\"");
	html_esc_attr(b, m->url, strlen(m->url));
	buf_printf(b, "\"><svg viewBox=\"0 0 %d %d\" style=\"width:%.2fpt;"
	    "height:%.2fpt\" role=\"img\" aria-label=\"QR code of ", n, n,
	    size, size);
	html_esc_attr(b, m->url, strlen(m->url));
	buf_printf(b, "\" shape-rendering=\"crispEdges\"><rect width=\"%d\" "
	    "height=\"%d\" fill=\"#fff\"/><path d=\"", n, n);
	for (i = 0; i < q->width; i++)
		for (j = 0; (k = qr_run(q, i, &j)) > 0; j += k)
			buf_printf(b, "M%d %dh%dv1h-%dz", quiet + j,
			    quiet + i, k, k);
	BUF_PUTSL(b, "\"/></svg></a>");
}

/* A "LABEL value" pair of the header's meta line. */
static void
html_meta(struct buf *b, const char *label, const char *val)
{
	if (val == NULL)
		return;
	buf_printf(b, "<span><small>%s</small> <b>", label);
	esc(b, val);
	BUF_PUTSL(b, "</b></span> ");
}

/* Column widths, the PDF's fractions. */
static void
html_colgroup(struct buf *b, const double *frac, size_t n)
{
	size_t i;

	BUF_PUTSL(b, "<colgroup>");
	for (i = 0; i < n; i++)
		buf_printf(b, "<col style=\"width:%.1f%%\">", frac[i] * 100);
	BUF_PUTSL(b, "</colgroup>");
}

/* One contact row, as lay_contact() draws it. */
static void
html_contact(struct buf *b, const char *level, const char *after,
    const struct ccontact *c, int known)
{
	const char *name, *role;

	BUF_PUTSL(b, "<tr><td>");
	el(b, "div", "lvl", level);
	el(b, "div", "sub", after);
	BUF_PUTSL(b, "</td><td>");
	if (!known) {
		BUF_PUTSL(b, "<div class=\"name\">");
		esc(b, c->id != NULL ? c->id : "?");
		BUF_PUTSL(b, " (unknown contact)</div>");
	} else {
		name = contact_name(c, &role);
		el(b, "div", "name", name);
		el(b, "div", "sub", role);
	}
	BUF_PUTSL(b, "</td><td>");
	if (c->phone != NULL)
		el(b, "div", "phone", c->phone);
	else if (c->pager != NULL) {
		BUF_PUTSL(b, "<div class=\"chat\">Page ");
		esc(b, c->pager);
		BUF_PUTSL(b, "</div>");
	} else
		el(b, "div", "sub", "no phone");
	BUF_PUTSL(b, "</td><td>");
	el(b, "div", "chat", c->chat);
	el(b, "div", "sub", c->email);
	BUF_PUTSL(b, "</td></tr>\n");
}

/* A thresholds table of thr[from..to-1]. */
static void
html_thr_table(struct buf *b, const struct cmodel *m, size_t from,
    size_t to, int halves)
{
	size_t i, k, nc = m->anydur ? 6 : 5;

	BUF_PUTSL(b, "<table class=\"thr\">");
	html_colgroup(b, m->anydur ? thr6_frac : thr5_frac, nc);
	BUF_PUTSL(b, "<thead><tr>");
	for (k = 0; k < nc; k++)
		buf_printf(b, "<th%s>%s</th>", k == 2 || k == 3 ?
		    " class=\"n\"" : "", thr_head[halves][k]);
	BUF_PUTSL(b, "</tr></thead><tbody>\n");
	for (i = from; i < to; i++) {
		const struct cthr *t = &m->thr[i];

		BUF_PUTSL(b, "<tr><td class=\"m\">");
		esc(b, t->metric);
		BUF_PUTSL(b, "</td><td>");
		esc(b, t->dir);
		BUF_PUTSL(b, "</td><td class=\"n w\">");
		esc(b, t->warn != NULL ? t->warn : "\xe2\x80\x94");
		BUF_PUTSL(b, "</td><td class=\"n c\">");
		esc(b, t->crit != NULL ? t->crit : "\xe2\x80\x94");
		BUF_PUTSL(b, "</td><td>");
		esc(b, t->unit);
		if (m->anydur) {
			BUF_PUTSL(b, "</td><td>");
			esc(b, t->dur);
		}
		BUF_PUTSL(b, "</td></tr>\n");
	}
	BUF_PUTSL(b, "</tbody></table>\n");
}

/* One runbook's part of the card, as lay_card() draws it. */
static void
html_runbook(struct buf *b, const struct cmodel *m, double fs, int dens)
{
	size_t i, rows;

	BUF_PUTSL(b, "<section class=\"rb\">\n<header><div class=\"txt\">");
	el(b, "h1", "title", m->title);
	el(b, "p", "summary", m->summary);
	if (m->service || m->owner || m->review_by || m->date == NULL ||
	    m->version || m->alerts) {
		BUF_PUTSL(b, "<p class=\"meta\">");
		html_meta(b, "SERVICE", m->service);
		html_meta(b, "OWNER", m->owner);
		html_meta(b, "REVIEW BY", m->review_by);
		html_meta(b, "REVIEW", m->date == NULL ? "never reviewed" :
		    NULL);
		html_meta(b, "VERSION", m->version);
		html_meta(b, "ALERTS", m->alerts);
		BUF_PUTSL(b, "</p>");
	}
	BUF_PUTSL(b, "</div>");
	if (m->qr != NULL) {
		BUF_PUTSL(b, "<div class=\"qrbox\">");
		html_qr(b, m, qr_size(fs, dens), qr_quiet(dens));
		if (dens < 2)
			BUF_PUTSL(b, "<p>Scan: full runbook</p>");
		BUF_PUTSL(b, "</div>");
	}
	BUF_PUTSL(b, "</header>\n");

	if (m->nesc > 0) {
		BUF_PUTSL(b, "<h2>ESCALATION \xe2\x80\x94 CALL IN THIS ORDER"
		    "</h2>\n<table class=\"esc\">");
		html_colgroup(b, esc_frac, 4);
		for (i = 0; i < m->nesc; i++)
			html_contact(b, m->esc[i].level, m->esc[i].after,
			    &m->esc[i].c, m->esc[i].known);
		BUF_PUTSL(b, "</table>\n");
	}
	if (m->nothers > 0) {
		buf_printf(b, "<h2>%s</h2>\n<table class=\"esc\">",
		    m->nesc > 0 ? "OTHER CONTACTS" : "CONTACTS");
		html_colgroup(b, esc_frac, 4);
		for (i = 0; i < m->nothers; i++)
			html_contact(b, NULL, NULL, &m->others[i], 1);
		BUF_PUTSL(b, "</table>\n");
	}
	if (m->nsev > 0) {
		BUF_PUTSL(b, "<h2>SEVERITY LEVELS</h2>\n<table class=\"sev\">");
		html_colgroup(b, sev_frac, 4);
		for (i = 0; i < m->nsev; i++) {
			const struct csev *s = &m->sev[i];

			buf_printf(b, "<tr><td class=\"sn s%d\">",
			    sev_rank(s->name, i));
			esc(b, s->name);
			BUF_PUTSL(b, "</td><td class=\"resp\">");
			if (s->response != NULL) {
				BUF_PUTSL(b, "respond in ");
				esc(b, s->response);
			}
			BUF_PUTSL(b, "</td><td class=\"desc\">");
			esc(b, s->desc);
			BUF_PUTSL(b, "</td><td class=\"sub\">");
			if (s->notify != NULL) {
				BUF_PUTSL(b, "notify ");
				esc(b, s->notify);
			}
			BUF_PUTSL(b, "</td></tr>\n");
		}
		BUF_PUTSL(b, "</table>\n");
	}
	if (m->nthr > 0) {
		BUF_PUTSL(b, "<h2>ALERT THRESHOLDS</h2>\n");
		if (dens >= 1 && m->nthr >= THR_SPLIT) {
			rows = (m->nthr + 1) / 2;
			BUF_PUTSL(b, "<div class=\"halves\">\n");
			html_thr_table(b, m, 0, rows, 1);
			html_thr_table(b, m, rows, m->nthr, 1);
			BUF_PUTSL(b, "</div>\n");
		} else
			html_thr_table(b, m, 0, m->nthr, 0);
	}
	if (m->nquick > 0) {
		BUF_PUTSL(b, "<h2>QUICK REFERENCE</h2>\n"
		    "<table class=\"qref\">");
		html_colgroup(b, quick_frac, 2);
		for (i = 0; i < m->nquick; i++) {
			BUF_PUTSL(b, "<tr><td class=\"lab\">");
			esc(b, m->quick[i].label);
			BUF_PUTSL(b, "</td><td>");
			if (m->quick[i].cmd != NULL) {
				BUF_PUTSL(b, "<pre>");
				esc(b, m->quick[i].cmd);
				BUF_PUTSL(b, "</pre>");
			}
			BUF_PUTSL(b, "</td></tr>\n");
		}
		BUF_PUTSL(b, "</table>\n");
	}
	BUF_PUTSL(b, "</section>\n");
}

/*
 * The style sheet: the PDF's text sizes, line height and columns, and its
 * spacing a little tighter, because browsers round their metrics their
 * own way (the Chromium print test checks the fullest card that fits).
 */
static void
html_css(struct buf *b, const struct card *c, double fs, int dens)
{
#define CSS(...)	buf_printf(b, __VA_ARGS__)
#define F(z)		zpt((z), fs)
#define S0(p)		((p) * fs * HTML_PAD)
#define S(p)		(S0(p) * (dens >= 2 ? PF_COMPACT : 1))
	CSS("@page{size:%s;margin:%.0fpt}\n", c->paper, MARGIN);
	CSS("*{box-sizing:border-box}\n");
	CSS("html{font-size:%.2fpt;font-family:\"DejaVu Sans\","
	    "\"Droid Sans Fallback\",sans-serif;line-height:%.4f;"
	    "color:#%06x;background:#fff;-webkit-print-color-adjust:exact;"
	    "print-color-adjust:exact}\n", fs, LINE_HEIGHT, C_INK);
	CSS("body,p,pre,h1,h2{margin:0}\n");
	if (dens >= 2)
		CSS(".esc td>div{display:inline;margin-right:.5em}\n");
	CSS("@media screen{body{padding:1em;background:#dde2e8}"
	    ".page{width:%.0fpt;min-height:%.0fpt;background:#fff;"
	    "margin:0 auto;padding:%.0fpt;box-shadow:0 1px 6px "
	    "rgba(0,0,0,.25)}}\n", c->pw, c->ph, MARGIN);
	CSS("header{background:#%06x;color:#%06x;border-radius:%.2fpt;"
	    "padding:%.2fpt;display:flex;gap:%.2fpt;"
	    "align-items:flex-start}\n", C_BAND, C_BANDTXT, P_RADIUS * fs,
	    S(P_BAND), S(P_BAND));
	CSS("header .txt{flex:1;min-width:0;overflow-wrap:anywhere}\n");
	CSS("h1{font-size:%.2fpt}\n", F(Z_TITLE));
	CSS(".summary{font-size:%.2fpt;color:#%06x;margin-top:%.2fpt;"
	    "white-space:pre-line}\n", F(Z_SUMMARY), C_BANDMUTED,
	    S0(P_SUMMARY));
	CSS(".meta{font-size:%.2fpt;margin-top:%.2fpt}\n", F(Z_META),
	    S0(P_META));
	CSS(".meta span{margin-right:.8em}.meta small{font-size:%.2fpt;"
	    "color:#%06x}\n", F(Z_METALABEL), C_BANDMUTED);
	CSS(".qrbox{text-align:center;font-size:%.2fpt;color:#%06x}\n",
	    F(Z_CAPTION), C_BANDMUTED);
	CSS(".qr,.qr svg{display:block}.qrbox p{margin-top:%.2fpt;"
	    "width:%.2fpt}\n", S0(P_CAPTION), qr_size(fs, dens));
	CSS("h2{font-size:%.2fpt;color:#%06x;margin-top:%.2fpt;"
	    "padding-bottom:%.2fpt;border-bottom:%.1fpt solid #%06x}\n",
	    F(Z_HEAD), C_ACCENT, S(P_HEAD), S0(P_HEADRULE), W_HEADRULE,
	    C_ACCENT);
	CSS("table{width:100%%;border-collapse:collapse;"
	    "table-layout:fixed}\n");
	CSS("td,th{vertical-align:top;text-align:left;padding:0 %.2fpt 0 0;"
	    "overflow-wrap:anywhere;white-space:pre-line}\n", P_GUT * fs);
	CSS("td:last-child,th:last-child{padding-right:0}\n");
	CSS(".esc td{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_ESC), S(P_ESC));
	CSS(".esc tr+tr td,.sev tr+tr td{border-top:%.1fpt solid #%06x}\n",
	    W_RULE, C_RULE);
	CSS(".lvl{font-size:%.2fpt;font-weight:bold;color:#%06x}\n",
	    F(Z_LEVEL), C_ACCENT);
	CSS(".sub{font-size:%.2fpt;color:#%06x}\n", F(Z_SUB), C_MUTED);
	CSS(".name{font-size:%.2fpt;font-weight:bold}\n", F(Z_NAME));
	CSS(".phone{font-size:%.2fpt;font-weight:bold}\n", F(Z_PHONE));
	CSS(".chat{font-size:%.2fpt}\n", F(Z_CHAT));
	CSS(".sev td{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_SEV), S(P_SEV));
	CSS(".sn{font-size:%.2fpt;font-weight:bold}\n", F(Z_SEVNAME));
	CSS(".s0{color:#%06x}.s1{color:#%06x}.s2{color:#%06x}\n", C_CRIT,
	    C_WARN, C_ACCENT);
	CSS(".resp{font-size:%.2fpt;font-weight:bold}\n", F(Z_RESP));
	CSS(".desc{font-size:%.2fpt}\n", F(Z_DESC));
	CSS(".thr td,.thr th{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_THR), S(P_THR));
	CSS(".thr th{font-size:%.2fpt;color:#%06x}\n", F(Z_THHEAD), C_MUTED);
	CSS(".thr td{font-size:%.2fpt;color:#%06x}\n", F(Z_THR), C_MUTED);
	CSS(".thr td:first-child,.thr th:first-child{padding-left:%.2fpt}\n",
	    P_ZEBRA * fs);
	CSS(".thr td.m{font-size:%.2fpt;color:#%06x;font-family:"
	    "\"DejaVu Sans Mono\",monospace}\n", F(Z_METRIC), C_INK);
	CSS(".thr .n{text-align:right}.thr td.w{color:#%06x}"
	    ".thr td.c{color:#%06x;font-weight:bold}\n", C_WARN, C_CRIT);
	CSS(".thr tbody tr:nth-child(odd){background:#%06x}\n", C_ZEBRA);
	CSS(".halves{display:flex;justify-content:space-between}"
	    ".halves table{width:calc(50%% - %.2fpt)}\n", P_HALVES * fs / 2);
	CSS(".qref td{padding-top:%.2fpt;padding-bottom:%.2fpt}\n",
	    S(P_QUICK), S(P_QUICK));
	CSS(".qref .lab{font-size:%.2fpt;font-weight:bold;"
	    "padding-top:%.2fpt}\n", F(Z_QLABEL), S(P_QUICK + P_CMD));
	CSS(".qref pre{font-size:%.2fpt;background:#%06x;border-left:"
	    "%.0fpt solid #%06x;padding:%.2fpt;white-space:pre-wrap;"
	    "overflow-wrap:anywhere;font-family:\"DejaVu Sans Mono\","
	    "monospace}\n", F(Z_CMD), C_CMDBG, W_CMDBAR, C_CMDBAR, S(P_CMD));
	CSS(".rb+.rb{margin-top:%.2fpt}\n", S0(P_RB));
	CSS("footer{font-size:%.2fpt;color:#%06x;border-top:%.1fpt solid "
	    "#%06x;padding-top:%.2fpt;margin-top:%.2fpt}\n", F(Z_FOOT),
	    C_MUTED, W_RULE, C_RULE, S0(P_FOOT), S0(P_RB));
#undef CSS
#undef F
#undef S
#undef S0
}

/* The whole HTML card: a standalone document, CSP and all. */
void
html_make(struct card *c, const struct cmodel *ms, size_t n, double fs,
    int dens, struct buf *b)
{
	char *foot;
	size_t i;

	BUF_PUTSL(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"rbc " RBC_VERSION "\">\n"
	    "<title>Quick reference: ");
	for (i = 0; i < n; i++) {
		if (i > 0)
			BUF_PUTSL(b, ", ");
		esc(b, ms[i].title);
	}
	BUF_PUTSL(b, "</title>\n<style>\n");
	html_css(b, c, fs, dens);
	BUF_PUTSL(b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
	for (i = 0; i < n; i++)
		html_runbook(b, &ms[i], fs, dens);
	foot = footer_text(c->site, &ms[0], n);
	BUF_PUTSL(b, "<footer>");
	esc(b, foot);
	BUF_PUTSL(b, "</footer>\n</div>\n</body>\n</html>\n");
	free(foot);
}

