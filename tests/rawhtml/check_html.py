#!/usr/bin/env python3
"""Fails on anything executable in built HTML pages.

  check_html.py FILE.html...

Parses each page (html.parser) and reports any <script> other than
rbc's own assets (a src under the site, no inline code but rbc's), any
on* attribute, any javascript:/vbscript:/data: URL (but data:image in
rbc's own CSS-free pages is refused too), any style attribute with
url(), and <iframe>, <object>, <embed>, <form>, <base>, <meta
http-equiv=refresh> elements.  Exits 1 with one line per finding.
"""
import re
import sys
from html.parser import HTMLParser

URL_ATTRS = {'href', 'src', 'action', 'formaction', 'data', 'poster',
             'xlink:href', 'srcset', 'background', 'cite'}
BAD_TAGS = {'iframe', 'object', 'embed', 'form', 'base', 'frame',
            'frameset', 'applet'}


def bad_url(v):
    s = re.sub(r'[\x00-\x20]', '', v or '').lower()
    return s.startswith(('javascript:', 'vbscript:', 'data:'))


class Check(HTMLParser):
    def __init__(self, name):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.problems = []
        self.in_script = False

    def say(self, what):
        line, col = self.getpos()
        self.problems.append('%s:%d:%d: %s' % (self.name, line, col + 1,
                                               what))

    def handle_starttag(self, tag, attrs):
        self.check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self.check(tag, attrs)

    def check(self, tag, attrs):
        a = dict(attrs)
        if tag == 'script':
            src = a.get('src') or ''
            own = src and ':' not in src and not src.startswith('//') \
                and ('_rbc/' in src or 'assets/' in src or
                     src.rsplit('/', 1)[-1] == 'search-index.js')
            if not own:
                self.say('<script> that is not one of rbc\'s assets: %r'
                         % (src,))
        if tag in BAD_TAGS:
            self.say('<%s>' % tag)
        if tag == 'meta' and (a.get('http-equiv') or '').lower() == \
                'refresh':
            self.say('<meta http-equiv=refresh>')
        for k, v in attrs:
            if k.startswith('on'):
                self.say('event attribute %s on <%s>' % (k, tag))
            if tag == 'link' and k == 'href' and v == 'data:,':
                continue    # rbc's "no favicon"
            if k in URL_ATTRS and bad_url(v):
                self.say('%s=%r on <%s>' % (k, v, tag))
            if k == 'style' and v and 'url(' in v.lower().replace(' ', ''):
                self.say('style with url() on <%s>' % tag)


def main():
    problems = []
    for f in sys.argv[1:]:
        with open(f, encoding='utf-8') as fh:
            c = Check(f)
            c.feed(fh.read())
            c.close()
            problems += c.problems
    for p in problems:
        print(p)
    return 1 if problems else 0


sys.exit(main())
