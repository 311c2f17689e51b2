#!/usr/bin/env python3
"""Every link of a built site leads somewhere: site_links.py HTML_DIR...

For each page under each HTML_DIR (an output's html/ folder), every local
href and src (a, img, link, script, source) must name a file of that
folder, and every #fragment an id (or an <a name>) of the page it names.
Links rbc marked broken (class="broken": reported as link-broken) and
URLs with a scheme (https:, mailto:, tel:) or a host are not followed.
Prints each link that leads nowhere as PAGE: URL: why, and exits 1 if
there is one.
"""
import html.parser
import os
import sys
import urllib.parse


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids = set()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if "broken" in (a.get("class") or "").split():
            return
        for k in ("href", "src"):
            if a.get(k) is not None and tag in ("a", "img", "link",
                                                "script", "source"):
                self.urls.append(a[k])


def parse(path, cache):
    if path not in cache:
        p = Page()
        with open(path, encoding="utf-8") as f:
            p.feed(f.read())
        cache[path] = p
    return cache[path]


def check(root, out):
    cache = {}
    bad = 0
    root = os.path.realpath(root)
    for d, _, files in os.walk(root):
        for name in sorted(files):
            if not name.endswith(".html"):
                continue
            page = os.path.join(d, name)
            for url in parse(page, cache).urls:
                u = urllib.parse.urlsplit(url)
                if u.scheme or u.netloc:
                    continue
                path = urllib.parse.unquote(u.path)
                target = page if path == "" else os.path.normpath(
                    os.path.join(d, path))
                why = None
                if not (target + os.sep).startswith(root + os.sep) and \
                        target != root:
                    why = "leaves the site"
                elif os.path.isdir(target):
                    why = "a folder (no index.html there on file://)"
                elif not os.path.isfile(target):
                    why = "no such file"
                elif u.fragment and target.endswith(".html"):
                    frag = urllib.parse.unquote(u.fragment)
                    if frag not in parse(target, cache).ids:
                        why = "no id '%s' there" % frag
                if why:
                    bad += 1
                    out.write("%s: %s: %s\n" % (os.path.relpath(page, root),
                                                url, why))
    return bad


def main():
    bad = 0
    for root in sys.argv[1:]:
        bad += check(root, sys.stdout)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
