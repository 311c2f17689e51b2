#!/usr/bin/env python3
"""Writes a "realistic mess": a repository of runbooks that GitHub and
GitLab render without complaint but that nobody wrote for rbc.

    gen_mess.py OUT [-n N] [--seed S] [--forge github|gitlab]

OUT gets a git-like repository root (a CODEOWNERS under .github/) and a
content folder, docs/, holding N runbooks in the styles real repositories
have: Hugo pages (title/weight/aliases/draft, {{< ref >}} links, pretty
URLs), GOV.UK tech-docs pages (last_reviewed_on/review_in/owner_slack),
GitLab handbook pages ([[_TOC_]], collapsed-hyphen anchors), plain
Markdown with "Last updated" lines, file names with spaces, parentheses,
'+' and letters beyond ASCII, README.md and index.md at every level,
mixed-case fragments, images under _media/, linked dot-files, raw HTML
(<img>, <details>, <a id>), GitHub alerts, emoji, mermaid and code.

Every link resolves and every anchor exists on the forge the repository
is on (--forge: GitHub follows a fragment in another case, GitLab's slugs
collapse repeated hyphens; a gitlab mess says `anchors: gitlab`); every
runbook names a review date somewhere.  A build
of it should say nothing but what is true.  The same seed writes the same
bytes.
"""
import argparse
import os
import random

SERVICES = ["payments", "search", "edge", "storage", "identity", "billing"]
PEOPLE = [("Dana Whitfield", "+44 20 7946 0958"), ("Ravi Menon", "+1 415 555 0134"),
          ("Mei Chen", "+65 6555 0172"), ("Jonas Berg", "+46 8 555 019 42"),
          ("Amara Okafor", "+234 1 555 0148"), ("Lucía Pérez", "+34 91 555 0199")]
ODD_NAMES = ["Disk Full", "restore (old dc)", "vault+sso", "bascule-données",
             "Cache Warmup", "TLS cert renewal", "zone drain", "etcdDiskSlow",
             "QueueBacklogGrowing", "node_not_ready"]
ALERTS = ["HighErrorRate", "QueueBacklogGrowing", "ReplicaLagHigh",
          "CertificateExpiry", "DiskPressure", "PodCrashLooping"]


def slug_github(text):
    out = []
    for ch in text.lower():
        if ch.isalnum() or ch in "-_":
            out.append(ch)
        elif ch == " ":
            out.append("-")
    return "".join(out)


def slug_gitlab(text):
    s = slug_github(text)
    while "--" in s:
        s = s.replace("--", "-")
    return s


class Mess:
    def __init__(self, out, n, seed, forge):
        self.out = out
        self.forge = forge
        self.content = os.path.join(out, "docs")
        self.n = n
        self.rng = random.Random(seed)
        self.pages = []         # (rel path without .md, title, headings)

    def write(self, rel, text, mode="w"):
        path = os.path.join(self.content, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, mode, encoding="utf-8") as f:
            f.write(text)

    def date(self):
        d = self.rng.randint(1, 28)
        m = self.rng.randint(1, 12)
        return "2026-%02d-%02d" % (m, d)

    def plan(self):
        styles = ["hugo", "techdocs", "gitlab", "plain", "rbc"]
        for i in range(self.n):
            style = styles[i % len(styles)]
            svc = SERVICES[i % len(SERVICES)]
            if i < len(ODD_NAMES):
                base = ODD_NAMES[i]
            else:
                base = "%s-%s-%d" % (svc, self.rng.choice(
                    ["failover", "restart", "rollback", "scale", "drain"]), i)
            folder = svc if i % 3 else "%s/%s" % (svc, "alerts")
            rel = "%s/%s" % (folder, base)
            title = base.replace("-", " ").replace("_", " ")
            title = title[0].upper() + title[1:]
            self.pages.append({"rel": rel, "title": title, "style": style,
                               "svc": svc, "i": i})

    def heads(self, p):
        return ["Symptoms", "Problem - %s flapping" % p["svc"],
                "Retries + timeouts", "Rollback", "Escalation"]

    def link_to(self, frm, to, style):
        """A relative link from page frm to page to, as its style writes it."""
        a = frm["rel"].split("/")[:-1]
        b = to["rel"].split("/")
        k = 0
        while k < len(a) and k < len(b) - 1 and a[k] == b[k]:
            k += 1
        rel = "../" * (len(a) - k) + "/".join(b[k:]) + ".md"
        h = self.heads(to)
        if style == "hugo":
            return '[%s]({{< ref "%s#%s" >}})' % (to["title"], rel,
                                                    slug_github(h[3]))
        if self.forge == "gitlab":
            return "[%s](<%s#%s>)" % (to["title"], rel, slug_gitlab(h[1]))
        dest = rel.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
        # GitHub follows a fragment in another case.
        return "[%s](%s#%s)" % (to["title"], dest, h[0])

    def body(self, p):
        r = self.rng
        h = self.heads(p)
        style = p["style"]
        name, phone = PEOPLE[p["i"] % len(PEOPLE)]
        lines = []
        if style == "gitlab":
            lines += ["[[_TOC_]]", ""]
        lines += ["# " + p["title"], ""]
        if style != "gitlab":
            lines += ["- [Symptoms](#%s)" % slug_github(h[0]),
                      "- [Rollback](#%s)" % slug_github(h[3]), ""]
        lines += ["The %s service pages when %s misbehaves; this runbook "
                  "restores it." % (p["svc"], p["title"].lower()), ""]
        if style in ("plain", "gitlab"):
            lines += ["Last updated: %s" % self.date(), ""]
        lines += ["## " + h[0], "",
                  "Alert `%s` fires when the error rate is above 5%% for "
                  "5 minutes." % ALERTS[p["i"] % len(ALERTS)], ""]
        if p["i"] % 4 == 0:
            lines += ["> [!WARNING]",
                      "> Never restart both nodes at once.", ""]
        if p["i"] % 6 == 2:
            lines += ["Both nodes hold a quorum[^q].", "",
                      "[^q]: Two of three, see [the dashboard](#%s)."
                      % slug_github(h[1]), ""]
        if p["i"] % 5 == 1:
            lines += ["| Check | Staging | Production |",
                      "|-------|---------|------------|",
                      "| TLS renewed | :white_check_mark: | :x: |", ""]
        lines += ["## " + h[1], "",
                  "Look at the dashboard first.", "",
                  '<img src="../%s_media/topology.png" alt="topology" '
                  'width="300">' % ("../" if p["rel"].count("/") > 1 else ""),
                  "",
                  "<details>", "<summary>Why it flaps</summary>", "",
                  "The health check times out before the pool warms up.", "",
                  "</details>", ""]
        lines += ["## " + h[2], "", "```yaml", "retries: 3",
                  "timeout: 2s", "```", ""]
        lines += ['<a id="pinned-%d"></a>' % p["i"], "",
                  "## " + h[3], "",
                  "Guard the reload with if [[ -s /etc/edge/cert.pem ]]; "
                  "then reload; fi.", "",
                  "```sh", "kubectl -n %s rollout undo deploy/%s-api"
                  % (p["svc"], p["svc"]), "```", ""]
        if p["i"] % 6 == 2:
            lines += ["```mermaid", "graph LR", "  A[Alert] --> B[On-call]",
                      "  B --> C[Rollback]", "```", ""]
        lines += ["See [the pinned note](#pinned-%d), the [CI definition]"
                  "(%s.ci/pipeline.yml) and the [environment](%s.deploy-env)."
                  % (p["i"], "../" * p["rel"].count("/"),
                     "../" * p["rel"].count("/")), ""]
        others = [q for q in self.pages if q is not p]
        for q in r.sample(others, min(2, len(others))):
            lines += ["Related: " + self.link_to(p, q, style), ""]
        lines += ["## " + h[4], "",
                  "| Level | Who | Phone | After |",
                  "|-------|-----|-------|-------|",
                  "| 1 | %s | %s | 0m |" % (name, phone),
                  "| 2 | Team lead | %s | 15m |" % PEOPLE[(p["i"] + 1) %
                                                   len(PEOPLE)][1], ""]
        return "\n".join(lines) + "\n"

    def front(self, p):
        style = p["style"]
        t = p["title"]
        if style == "hugo":
            return ("---\ntitle: \"%s\"\nweight: %d\naliases: [/old/%d]\n"
                    "draft: false\nlastmod: %s\n---\n" % (t, p["i"], p["i"],
                                                          self.date()))
        if style == "techdocs":
            return ("---\ntitle: %s\nlast_reviewed_on: %s\nreview_in: "
                    "6 months\nowner_slack: \"#%s-oncall\"\n---\n"
                    % (t, self.date(), p["svc"]))
        if style == "rbc":
            name, phone = PEOPLE[p["i"] % len(PEOPLE)]
            return ("---\ntitle: %s\nowner: team-%s\nservice: %s\n"
                    "last_reviewed: %s\nreview_every: 365d\ncontacts:\n"
                    "  - id: primary\n    name: %s\n    phone: \"%s\"\n"
                    "escalation:\n  - level: 1\n    contact: primary\n"
                    "    after: 0m\n---\n" % (t, p["svc"], p["svc"],
                                             self.date(), name, phone))
        return ""

    def run(self):
        self.plan()
        for p in self.pages:
            self.write(p["rel"] + ".md", self.front(p) + self.body(p))
        # Folder pages at every level, and the home page.
        self.write("README.md", "# Operations handbook\n\nStart with the "
                   "[payments runbooks](payments/) or [search](search/).\n"
                   "The helper scripts are in [scripts](scripts/).\n")
        # A folder of other files only: the index lists them.
        self.write("scripts/restart-pods.sh", "#!/bin/sh\nkubectl rollout "
                   "restart deploy/\"$1\"\n")
        self.write("scripts/drain node (v2).sh", "#!/bin/sh\nkubectl drain "
                   "\"$1\"\n")
        for svc in SERVICES:
            self.write(svc + "/README.md", "# %s\n\nRunbooks of the %s "
                       "service. Back to [the handbook](../README.md).\n\n"
                       "Last updated: 2026-10-01\n" % (svc.title(), svc))
            self.write(svc + "/alerts/index.md", "# %s alerts\n\nOne page "
                       "an alert; [up](../).\n\nLast updated: 2026-10-01\n"
                       % svc.title())
        self.write("_media/topology.png", "\x89PNG\r\n")
        self.write(".ci/pipeline.yml", "stages: [lint]\n")
        self.write(".deploy-env", "ENV=prod\n")
        self.write("_index.md", "---\ntitle: Hugo section\n---\n")
        if self.forge == "gitlab":
            self.write("site.yaml", "anchors: gitlab\n")
        os.makedirs(os.path.join(self.out, ".github"), exist_ok=True)
        with open(os.path.join(self.out, ".github", "CODEOWNERS"), "w") as f:
            f.write("# Owners\n* @acme/sre\n")
            for svc in SERVICES:
                f.write("/docs/%s/ @acme/%s-team\n" % (svc, svc))
        os.makedirs(os.path.join(self.out, ".git"), exist_ok=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("-n", type=int, default=60)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--forge", choices=["github", "gitlab"], default="github")
    a = ap.parse_args()
    Mess(a.out, a.n, a.seed, a.forge).run()


if __name__ == "__main__":
    main()
