#!/usr/bin/env python3
"""Scores rbc's extraction of plain runbooks against hand-made labels.

usage: score.py [--verbose] [--check] RBC LABELDIR MDDIR...

For each LABELDIR/NAME.json the runbook is the first of MDDIR/NAME.md,
MDDIR/NAME.txt found.  `RBC import --json FILE` must print a JSON array
with one object per file, in the shape of the labels (see README.md),
plus "file".  Several LABELDIR MDDIR... sets may be given, separated by
"--":  score.py RBC L1 M1 -- L2 M2

Per kind (contacts, severity_levels, escalation, thresholds, owner,
last_reviewed, review_every), summed over the files of a set:
precision = right / extracted, recall = right / labelled.  Exits 1 if a
kind of a set is below recall 0.85 or precision 0.90 (printing which), 2
on a usage or label error.

--check only validates the labels (shape, lines within the file, the
labelled line mentions the item); it does not run RBC.
"""

import json
import os
import re
import subprocess
import sys

KINDS_LIST = ["contacts", "severity_levels", "escalation", "thresholds"]
KINDS_SCALAR = ["owner", "last_reviewed", "review_every"]
KINDS = KINDS_LIST + KINDS_SCALAR
MIN_RECALL = 0.85
MIN_PRECISION = 0.90

FIELDS = {
    "contacts": ["role", "name", "phone", "email", "chat", "url"],
    "severity_levels": ["name", "response"],
    "escalation": ["level", "who", "after"],
    "thresholds": ["metric", "unit", "direction", "warning", "critical"],
}


# --- normalizing and comparing values ------------------------------------

def norm_text(s):
    """Lower case, letters and digits only (any script)."""
    return "".join(c for c in str(s).lower() if c.isalnum())


def text_eq(a, b):
    """Normalized equality, or one contained in the other (non-empty)."""
    a, b = norm_text(a), norm_text(b)
    if not a or not b:
        return a == b
    return a == b or a in b or b in a


def strict_text_eq(a, b):
    return " ".join(str(a).lower().split()) == " ".join(str(b).lower().split())


def is_placeholder(s):
    """A value that stands for one not yet written: [Name], TBD, <x>, XXX."""
    s = str(s)
    return bool(re.search(r"[\[\]<>{}]|\bTBD\b|\bTBA\b|XX|\?\?|^\s*-\s*$|n/a", s, re.I))


def phone_eq(a, b):
    if is_placeholder(a) or is_placeholder(b):
        return strict_text_eq(a, b)
    da = re.sub(r"\D", "", str(a))
    db = re.sub(r"\D", "", str(b))
    if not da or not db:
        return strict_text_eq(a, b)
    return da == db


def ci_eq(a, b):
    return str(a).strip().lower() == str(b).strip().lower()


def url_eq(a, b):
    def n(u):
        u = str(u).strip().lower()
        u = re.sub(r"^<|>$", "", u)
        return u.rstrip("/")
    return n(a) == n(b)


DUR_UNITS = {"m": 1, "h": 60, "d": 1440, "w": 10080}


def minutes(d):
    """'15m', '1h', '2d', '1w' (also '90s'?) -> minutes; None if not one."""
    if isinstance(d, (int, float)) and not isinstance(d, bool):
        return float(d)
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*", str(d))
    if not m:
        return None
    return float(m.group(1)) * DUR_UNITS[m.group(2)]


def duration_eq(a, b):
    ma, mb = minutes(a), minutes(b)
    if ma is None or mb is None:
        return strict_text_eq(a, b)
    return abs(ma - mb) < 1e-9


def date_eq(a, b):
    return strict_text_eq(a, b)


UNIT_ALIASES = {
    "%": "%", "percent": "%", "pct": "%",
    "ms": "ms", "msec": "ms", "millisecond": "ms", "milliseconds": "ms",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "min", "mins": "min", "minute": "min", "minutes": "min", "m": "min",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "d": "d", "day": "d", "days": "d",
}
TIME_MS = {"ms": 1, "s": 1000, "min": 60000, "h": 3600000, "d": 86400000}


def canon_unit(u):
    if u is None:
        return None
    k = str(u).strip().lower()
    k = k.strip("()[] ")
    return UNIT_ALIASES.get(k, k.replace(" ", ""))


def num(x):
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return float(x)
    try:
        return float(str(x).strip().replace(",", ""))
    except ValueError:
        return None


def threshold_values_eq(lab, ext, get_l, get_x):
    """unit, warning and critical together: numbers in two time units are
    compared in milliseconds ("2 s" = "2000 ms")."""
    lu, xu = canon_unit(get_l("unit")), canon_unit(get_x("unit"))
    scale_l = scale_x = 1.0
    if lu != xu:
        if lu in TIME_MS and xu in TIME_MS:
            scale_l, scale_x = TIME_MS[lu], TIME_MS[xu]
        else:
            return False, "unit"
    for f in ("warning", "critical"):
        a, b = get_l(f), get_x(f)
        if a is None or b is None:
            if a is not None or b is not None:
                return False, f
            continue
        na, nb = num(a), num(b)
        if na is None or nb is None:
            if not strict_text_eq(a, b):
                return False, f
        elif abs(na * scale_l - nb * scale_x) > 1e-9 * max(1, abs(na * scale_l)):
            return False, f
    return True, None


def eq_by_field(kind, field):
    if field in ("phone",):
        return phone_eq
    if field in ("email", "chat"):
        return ci_eq
    if field == "url":
        return url_eq
    if field in ("response", "after"):
        return duration_eq
    if field == "direction":
        return ci_eq
    if field == "level":
        return lambda a, b: num(a) is not None and num(a) == num(b)
    if field in ("last_reviewed",):
        return date_eq
    if field == "review_every":
        return duration_eq
    return text_eq


def alternatives(v):
    """A label value, or {"any_of": [...]} for one that may be read two
    ways: the list of values accepted."""
    if isinstance(v, dict) and "any_of" in v:
        return list(v["any_of"])
    return [v]


def value_ok(kind, field, lab, ext):
    eq = eq_by_field(kind, field)
    for a in alternatives(lab):
        if a is None or ext is None:
            if a is None and ext is None:
                return True
            continue
        if eq(a, ext):
            return True
    return False


def item_right(kind, lab, ext):
    """(True, None) or (False, the first field that differs)."""
    fields = FIELDS[kind]
    if kind == "thresholds":
        for f in ("metric", "direction"):
            if not value_ok(kind, f, lab.get(f), ext.get(f)):
                return False, f
        # any_of over whole threshold values is not supported: unit,
        # warning and critical are compared together.
        ok, f = threshold_values_eq(lab, ext, lambda k: first(lab.get(k)), ext.get)
        if not ok:
            # try every combination of alternatives of the three fields
            for u in alternatives(lab.get("unit")):
                for w in alternatives(lab.get("warning")):
                    for c in alternatives(lab.get("critical")):
                        d = {"unit": u, "warning": w, "critical": c}
                        if threshold_values_eq(d, ext, d.get, ext.get)[0]:
                            return True, None
            return False, f
        return True, None
    if kind == "escalation" and "severity" in lab and ext.get("severity") is not None:
        if not value_ok(kind, "severity", lab["severity"], ext.get("severity")):
            return False, "severity"
    for f in fields:
        if not value_ok(kind, f, lab.get(f), ext.get(f)):
            return False, f
    return True, None


def first(v):
    return alternatives(v)[0]


# --- pairing ---------------------------------------------------------------

def same_identity(kind, lab, ext):
    if kind == "thresholds":
        return value_ok(kind, "metric", lab.get("metric"), ext.get("metric")) and \
            ext.get("metric") is not None
    if kind == "severity_levels":
        return ext.get("name") is not None and any(
            a is not None and norm_text(a) == norm_text(ext["name"])
            for a in alternatives(lab.get("name")))
    if kind == "escalation":
        if "severity" in lab and ext.get("severity") is not None and \
                not value_ok(kind, "severity", lab["severity"], ext.get("severity")):
            return False
        return value_ok(kind, "level", lab.get("level"), ext.get("level"))
    if kind == "contacts":
        for f in ("role", "name"):
            for a in alternatives(lab.get(f)):
                if a is not None and ext.get(f) is not None and \
                        norm_text(a) and text_eq(a, ext[f]):
                    return True
        # neither role nor name: the same address
        for f in ("email", "chat", "phone", "url"):
            for a in alternatives(lab.get(f)):
                if a is not None and ext.get(f) is not None and \
                        not is_placeholder(a) and value_ok(kind, f, a, ext[f]):
                    return True
        return False
    return False


def line_of(x):
    try:
        return int(x.get("line"))
    except (TypeError, ValueError):
        return None


def pair(kind, labs, exts):
    """Pairs labelled and extracted items: first those whose identity
    matches, nearest lines first; then the rest that are on the same line
    (the same item read wrongly).  Returns (pairs, unpaired labs, unpaired
    exts) with indexes."""
    cands = []
    for i, l in enumerate(labs):
        for j, x in enumerate(exts):
            if same_identity(kind, l, x):
                ll, xl = line_of(l), line_of(x)
                dist = abs(ll - xl) if ll is not None and xl is not None else 10 ** 6
                cands.append((dist, i, j))
    cands.sort()
    used_l, used_x, pairs = set(), set(), []
    for _, i, j in cands:
        if i in used_l or j in used_x:
            continue
        used_l.add(i)
        used_x.add(j)
        pairs.append((i, j))
    for i, l in enumerate(labs):
        if i in used_l:
            continue
        for j, x in enumerate(exts):
            if j not in used_x and line_of(l) is not None and line_of(l) == line_of(x):
                used_l.add(i)
                used_x.add(j)
                pairs.append((i, j))
                break
    return pairs, [i for i in range(len(labs)) if i not in used_l], \
        [j for j in range(len(exts)) if j not in used_x]


# --- scoring ---------------------------------------------------------------

class Tally:
    def __init__(self):
        self.n = {k: [0, 0, 0] for k in KINDS}   # right, extracted, labelled

    def add(self, other):
        for k in KINDS:
            for i in range(3):
                self.n[k][i] += other.n[k][i]


def short(d):
    if d is None:
        return "null"
    d = {k: v for k, v in d.items() if k not in ("line", "optional")}
    return json.dumps(d, ensure_ascii=False)


def score_file(label, got, where, notes):
    """Scores one runbook; appends (file:line, message) to notes."""
    t = Tally()
    for k in KINDS_LIST:
        labs = label.get(k) or []
        exts = got.get(k) or []
        if not isinstance(exts, list):
            notes.append((f"{where}", f"{k}: not a list in the output"))
            exts = []
        exts = [x for x in exts if isinstance(x, dict)]
        pairs, ml, mx = pair(k, labs, exts)
        for i, j in pairs:
            l, x = labs[i], exts[j]
            ok, f = item_right(k, l, x)
            t.n[k][1] += 1
            t.n[k][2] += 1
            if ok:
                t.n[k][0] += 1
            else:
                notes.append((f"{where}:{line_of(l)}",
                              f"WRONG {k} ({f}): labelled {short(l)}, extracted "
                              f"{short(x)} (line {line_of(x)})"))
        for i in ml:
            if labs[i].get("optional"):
                continue
            t.n[k][2] += 1
            notes.append((f"{where}:{line_of(labs[i])}", f"MISSED {k}: {short(labs[i])}"))
        for j in mx:
            t.n[k][1] += 1
            notes.append((f"{where}:{line_of(exts[j])}", f"EXTRA {k}: {short(exts[j])}"))
    for k in KINDS_SCALAR:
        l, x = label.get(k), got.get(k)
        if isinstance(x, dict) and x.get("value") is None:
            x = None
        if x is not None and not isinstance(x, dict):
            x = {"value": x}
        if l is not None:
            t.n[k][2] += 1
        if x is not None:
            t.n[k][1] += 1
        if l is not None and x is not None:
            if value_ok(k, k, l.get("value"), x.get("value")):
                t.n[k][0] += 1
            else:
                notes.append((f"{where}:{line_of(l)}",
                              f"WRONG {k}: labelled {short(l)}, extracted {short(x)} "
                              f"(line {line_of(x)})"))
        elif l is not None:
            notes.append((f"{where}:{line_of(l)}", f"MISSED {k}: {short(l)}"))
        elif x is not None:
            notes.append((f"{where}:{line_of(x)}", f"EXTRA {k}: {short(x)}"))
    return t


def run_rbc(rbc, path):
    """Runs RBC import --json PATH; returns (object for the file, error)."""
    try:
        p = subprocess.run([rbc, "import", "--json", path], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"{rbc} import --json: {e}"
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, f"exit {p.returncode}" + (f": {err[0]}" if err else "")
    try:
        data = json.loads(p.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return None, f"output is not JSON: {e}"
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        return None, "output is not a JSON array of objects"
    base = os.path.basename(path)
    for o in data:
        if isinstance(o, dict) and os.path.basename(str(o.get("file", ""))) == base:
            return o, None
    if len(data) == 1 and isinstance(data[0], dict):
        return data[0], None
    return None, f"no object for {base} in the output"


def find_md(name, mddirs):
    for d in mddirs:
        for ext in (".md", ".txt"):
            p = os.path.join(d, name + ext)
            if os.path.isfile(p):
                return p
    return None


def load_labels(labeldir):
    out = []
    for fn in sorted(os.listdir(labeldir)):
        if not fn.endswith(".json"):
            continue
        p = os.path.join(labeldir, fn)
        with open(p, encoding="utf-8") as f:
            try:
                out.append((fn[:-5], json.load(f)))
            except ValueError as e:
                raise SystemExit(f"score.py: {p}: {e}")
    return out


def pct(a, b):
    return "   -  " if b == 0 else f"{100.0 * a / b:5.1f}%"


def table(title, t):
    lines = [f"{title}", f"  {'kind':<16} {'right':>5} {'extr':>5} {'label':>5}  "
             f"{'precision':>9} {'recall':>7}"]
    for k in KINDS:
        r, x, l = t.n[k]
        lines.append(f"  {k:<16} {r:5d} {x:5d} {l:5d}  {pct(r, x):>9} {pct(r, l):>7}")
    return "\n".join(lines)


def below(title, t):
    bad = []
    for k in KINDS:
        r, x, l = t.n[k]
        if l and r / l < MIN_RECALL:
            bad.append(f"{title}: {k} recall {r}/{l} = {100.0 * r / l:.1f}% "
                       f"< {100 * MIN_RECALL:.0f}%")
        if x and r / x < MIN_PRECISION:
            bad.append(f"{title}: {k} precision {r}/{x} = {100.0 * r / x:.1f}% "
                       f"< {100 * MIN_PRECISION:.0f}%")
    return bad


# --- label checking ------------------------------------------------------

ITEM_KEYS = {
    "contacts": {"line", "role", "name", "phone", "email", "chat", "url"},
    "severity_levels": {"line", "name", "response"},
    "escalation": {"line", "level", "who", "after"},
    "thresholds": {"line", "metric", "unit", "direction", "warning", "critical"},
}


def check_label(name, label, path):
    errs = []
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read().split("\n")
    except OSError as e:
        return [f"{name}: {e}"]
    n = len(text)

    def at(line):
        return text[line - 1] if isinstance(line, int) and 1 <= line <= n else None

    for k in KINDS:
        if k not in label:
            errs.append(f"{name}: no key {k} (use null or [])")
    for k in KINDS_SCALAR:
        v = label.get(k)
        if v is None:
            continue
        if not isinstance(v, dict) or set(v) != {"value", "line"}:
            errs.append(f"{name}: {k}: want {{value, line}}")
            continue
        if at(v["line"]) is None:
            errs.append(f"{name}: {k}: line {v['line']} is outside the file")
        for a in alternatives(v["value"]):
            if k == "last_reviewed" and a is not None and not is_placeholder(a) and \
                    not re.fullmatch(r"\d{4}-\d\d-\d\d", str(a)):
                errs.append(f"{name}: last_reviewed {a!r} is not YYYY-MM-DD")
            if k == "review_every" and a is not None and not is_placeholder(a) and \
                    minutes(a) is None:
                errs.append(f"{name}: review_every {a!r} is not Nm/Nh/Nd/Nw")
    for k in KINDS_LIST:
        for it in label.get(k) or []:
            keys = set(it) - {"optional", "severity"}
            if keys != ITEM_KEYS[k]:
                errs.append(f"{name}: {k} item at line {it.get('line')}: keys "
                            f"{sorted(keys)}, want {sorted(ITEM_KEYS[k])}")
            s = at(it.get("line"))
            if s is None:
                errs.append(f"{name}: {k}: line {it.get('line')} is outside the file")
                continue
            if not s.strip():
                errs.append(f"{name}: {k}: line {it['line']} is blank")
            if k == "thresholds":
                if first(it.get("direction")) not in ("above", "below"):
                    errs.append(f"{name}:{it['line']}: direction must be above or below")
                for f in ("warning", "critical"):
                    for a in alternatives(it.get(f)):
                        if a is not None and num(a) is None and not it.get("optional"):
                            errs.append(f"{name}:{it['line']}: {f} {a!r} is not a number")
            for f in ("response", "after"):
                for a in alternatives(it.get(f)):
                    if f in it and a is not None and minutes(a) is None and \
                            not is_placeholder(a):
                        errs.append(f"{name}:{it['line']}: {f} {a!r} is not Nm/Nh/Nd/Nw")
            # the labelled line should name the item
            idf = {"contacts": ["role", "name", "email", "chat", "phone"],
                   "severity_levels": ["name"], "escalation": ["who", "severity"],
                   "thresholds": ["metric"]}[k]
            words = []
            for f in idf:
                for a in alternatives(it.get(f)):
                    if a is not None:
                        words.append(str(a))
            if words and not any(norm_text(w)[:6] in norm_text(s) for w in words):
                errs.append(f"{name}:{it['line']}: {k}: the line does not mention "
                            f"{' or '.join(repr(w) for w in words)}: {s.strip()[:70]!r}")
    return errs


# --- main ----------------------------------------------------------------

def main(argv):
    verbose = check = False
    args = []
    for a in argv:
        if a in ("-v", "--verbose"):
            verbose = True
        elif a == "--check":
            check = True
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            args.append(a)
    if len(args) < 3:
        print("usage: score.py [--verbose] [--check] RBC LABELDIR MDDIR... "
              "[-- LABELDIR MDDIR...]", file=sys.stderr)
        return 2
    rbc = args[0]
    sets, cur = [], []
    for a in args[1:]:
        if a == "--":
            sets.append(cur)
            cur = []
        else:
            cur.append(a)
    sets.append(cur)
    for s in sets:
        if len(s) < 2:
            print("score.py: each set is LABELDIR MDDIR...", file=sys.stderr)
            return 2

    overall = Tally()
    failures = []
    label_errors = []
    for s in sets:
        labeldir, mddirs = s[0], s[1:]
        title = os.path.basename(os.path.normpath(labeldir))
        setn = Tally()
        notes = []
        labels = load_labels(labeldir)
        if not labels:
            print(f"score.py: no labels in {labeldir}", file=sys.stderr)
            return 2
        for name, label in labels:
            path = find_md(name, mddirs)
            if path is None:
                label_errors.append(f"{name}: no {name}.md or {name}.txt in "
                                    f"{' '.join(mddirs)}")
                continue
            if check:
                label_errors.extend(check_label(name, label, path))
                continue
            got, err = run_rbc(rbc, path)
            if err:
                notes.append((path, f"ERROR {err}: every item counts as missed"))
                got = {}
            setn.add(score_file(label, got, path, notes))
        if check:
            continue
        overall.add(setn)
        print(table(f"{title} ({len(labels)} runbooks)", setn))
        if verbose:
            for where, msg in notes:
                print(f"  {where}: {msg}")
        else:
            for where, msg in notes:
                if msg.startswith("ERROR"):
                    print(f"  {where}: {msg}")
        print()
        failures.extend(below(title, setn))
    if label_errors:
        for e in label_errors:
            print(f"label: {e}", file=sys.stderr)
        return 2
    if check:
        print("labels are well-formed")
        return 0
    if len(sets) > 1:
        print(table("overall", overall))
        print()
    for f in failures:
        print(f"BELOW: {f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
