#!/usr/bin/env python3
"""Checks rbc's layering: utilities <- model <- stages <- renderers <-
build engine <- commands.

  layers.py SRCDIR OBJDIR

1. Every source file and header is in the table below (a new file must be
   placed in a layer, or the check fails).
2. A file includes only headers of its own layer or below.
3. From the object files' symbols (nm): a file uses only functions and
   data of files in its own layer or below, and no two files use each
   other, directly or around a circle.

Prints each problem and exits 1, or prints one line and exits 0.
"""
import os
import re
import subprocess
import sys

LAYERS = [
    ('util', ['util.h'], ['util.c', 'date.c', 'html_esc.c', 'roff_esc.c',
                          'json_esc.c', 'embed.c', 'emoji.c',
                          'emoji_table.h']),
    ('model', ['model.h'], ['diag.c', 'ynode.c', 'json.c', 'source.c',
                            'site.c']),
    ('stages', ['stages.h'], ['load.c', 'frontmatter.c', 'toml.c', 'markdown.c',
                              'slug.c', 'index.c', 'check.c', 'schema.c', 'schema.h',
                              'extract.c', 'alerts.c', 'codeowners.c',
                              'sanitize.c', 'terms.c',
                              'schema_format.c']),
    ('render', ['render.h', 'cardlib.h', 'cardlib_sonames.h', 'card.h'],
     ['mustache.c', 'html.c', 'man.c', 'man.h', 'man_inline.c', 'man_table.c', 'card.c', 'card_layout.c',
      'card_pdf.c', 'card_html.c', 'pdf.c', 'cardlib.c', 'banner.c',
      'search.c']),
    ('engine', ['engine.h'], ['build.c', 'record.c', 'pool.c', 'spool.c',
                              'scan.c', 'render_pass.c', 'outtree.c', 'output.c',
                              'cache.c']),
    ('commands', ['cmd.h'], ['main.c', 'cmd_build.c', 'cmd_card.c',
                             'cmd_lint.c', 'cmd_new.c', 'cmd_schema.c',
                             'cmd_serve.c']),
]


def main():
    src, obj = sys.argv[1], sys.argv[2]
    layer = {}
    for i, (_, hdrs, files) in enumerate(LAYERS):
        for f in hdrs + files:
            layer[f] = i
    problems = []
    names = sorted(f for f in os.listdir(src) if f.endswith(('.c', '.h')))
    for f in names:
        if f not in layer:
            problems.append('%s: in no layer (add it to tools/layers.py)'
                            % f)
    for f in names:
        if f not in layer:
            continue
        with open(os.path.join(src, f), encoding='utf-8') as fh:
            for n, line in enumerate(fh, 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                h = m.group(1)
                if h not in layer:
                    problems.append('%s:%d: includes %s, in no layer'
                                    % (f, n, h))
                elif layer[h] > layer[f]:
                    problems.append('%s:%d: includes %s (%s) from the '
                                    '%s layer' % (f, n, h,
                                                  LAYERS[layer[h]][0],
                                                  LAYERS[layer[f]][0]))
    # Symbols: who defines what, who uses what.
    defs, uses = {}, {}
    for o in sorted(os.listdir(obj)):
        f = o[:-2] + '.c'
        if not o.endswith('.o') or not (os.path.exists(os.path.join(src, f))
                                        or f == 'embed.c'):
            continue        # a stale object
        out = subprocess.run(['nm', os.path.join(obj, o)], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in 'TDBRC':
                defs[p[2]] = f
            elif len(p) == 2 and p[0] == 'U':
                uses.setdefault(f, set()).add(p[1])
    edges = {}
    for f, syms in uses.items():
        for s in syms:
            g = defs.get(s)
            if g is None or g == f:
                continue
            edges.setdefault(f, {}).setdefault(g, s)
    for f in sorted(edges):
        for g, s in sorted(edges[f].items()):
            if f in layer and g in layer and layer[g] > layer[f]:
                problems.append('%s uses %s of %s, a higher layer (%s)'
                                % (f, s, g, LAYERS[layer[g]][0]))
    # Cycles: depth-first search over the file graph.
    state, stack = {}, []

    def visit(f):
        state[f] = 1
        stack.append(f)
        for g in sorted(edges.get(f, {})):
            if state.get(g) == 1:
                cyc = stack[stack.index(g):] + [g]
                problems.append('files use each other in a circle: ' +
                                ' -> '.join(cyc))
            elif g not in state:
                visit(g)
        stack.pop()
        state[f] = 2
    for f in sorted(edges):
        if f not in state:
            visit(f)
    if not os.listdir(obj) or not defs:
        problems.append('%s: no object files to read' % obj)
    for p in problems:
        print('layers: ' + p)
    if problems:
        return 1
    print('layers: %d files in %d layers, no upward use, no circle'
          % (len(names), len(LAYERS)))
    return 0


if __name__ == '__main__':
    sys.exit(main())
