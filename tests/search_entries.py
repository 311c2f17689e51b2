#!/usr/bin/env python3
"""Prints the search index's runbook entries of a built site, one line
each: href, then the field asked for (summary, or people: the owner and
contacts the index shows).

    search_entries.py OUT/html summary|people
"""
import glob
import json
import os
import sys


def entries(html):
    for path in sorted(glob.glob(os.path.join(html, "_rbc/search/d*.js")),
                       key=lambda p: int(os.path.basename(p)[1:-3])):
        text = open(path, encoding="utf-8").read().strip()
        head = text.index("[")
        for e in json.loads(text[head:text.rindex("]") + 1]):
            yield e


def main():
    html, what = sys.argv[1], sys.argv[2]
    for e in entries(html):
        if what == "summary":
            print("%s\t%s" % (e[1], e[3]))
        else:
            people = [s[1:] for s in e[6] if s.startswith("p")]
            print("%s\t%s" % (e[1], ",".join(people)))


if __name__ == "__main__":
    main()
