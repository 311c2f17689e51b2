#!/usr/bin/env python3
"""A stand-in for `rbc import --json FILE...` that reads the labels back,
to test score.py: it must score this 100%, and fail the perturbed reading.

    fake-rbc.py import --json FILE...            the labels, as rbc would print them
    FAKE_RBC=perturb fake-rbc.py import --json FILE...
                                                 the labels read wrongly: items
                                                 dropped, numbers, directions,
                                                 phones and delays changed, items
                                                 invented, dates off by a day
    FAKE_RBC=subtle ...                          one value wrong in every runbook
    FAKE_RBC=equivalent ...                      the labels in other but equal forms
                                                 (60m for 1h, 2000 ms for 2 s, phone
                                                 digits only, upper-case emails,
                                                 items in reverse order): scores 100%

The labels of FILE are tests/extract/labels/*/NAME.json beside this script.
"""

import copy
import glob
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def plain(v):
    """The first reading of a label value ({"any_of": [...]})."""
    if isinstance(v, dict) and "any_of" in v:
        return v["any_of"][0]
    if isinstance(v, dict):
        return {k: plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v


def read_back(label):
    out = {}
    for k, v in label.items():
        if isinstance(v, list):
            out[k] = [plain({a: b for a, b in it.items() if a != "optional"})
                      for it in v if not it.get("optional")]
        else:
            out[k] = plain(v)
    return out


def perturb(o, rnd):
    o = copy.deepcopy(o)
    for k in ("contacts", "severity_levels", "escalation", "thresholds"):
        items = o.get(k) or []
        kept = []
        for it in items:
            r = rnd.random()
            if r < 0.2:
                continue                        # missed
            if r < 0.45:
                if k == "thresholds":
                    if it.get("critical") is not None and isinstance(it["critical"], (int, float)):
                        it["critical"] = it["critical"] * 2 + 1
                    else:
                        it["direction"] = "below" if it["direction"] == "above" else "above"
                elif k == "contacts":
                    if it.get("phone"):
                        it["phone"] = it["phone"] + "9"
                    else:
                        it["email"] = "someone-else@acme.test"
                elif k == "severity_levels":
                    it["response"] = "7m" if it.get("response") != "7m" else "8m"
                elif k == "escalation":
                    it["after"] = "99m"
            kept.append(it)
        if rnd.random() < 0.5:                  # invented
            line = 1
            if k == "thresholds":
                kept.append({"line": line, "metric": "Imaginary metric", "unit": "%",
                             "direction": "above", "warning": 1, "critical": 2})
            elif k == "contacts":
                kept.append({"line": line, "role": "Imaginary role", "name": None,
                             "phone": "+1 555 0000", "email": None, "chat": None, "url": None})
            elif k == "severity_levels":
                kept.append({"line": line, "name": "SEV-9", "response": "1h"})
            else:
                kept.append({"line": line, "level": 9, "who": "nobody", "after": "1m"})
        o[k] = kept
    if o.get("last_reviewed") and rnd.random() < 0.5:
        v = str(o["last_reviewed"]["value"])
        o["last_reviewed"]["value"] = v[:-1] + ("1" if v[-1:] != "1" else "2")
    if o.get("owner") and rnd.random() < 0.4:
        o["owner"] = None
    if o.get("review_every") and rnd.random() < 0.4:
        o["review_every"]["value"] = "1d"
    return o


def subtle(o):
    """Exactly one value wrong: the first threshold's warning, else the
    first contact's phone, else the first severity's response."""
    o = copy.deepcopy(o)
    for t in o.get("thresholds") or []:
        if isinstance(t.get("warning"), (int, float)):
            t["warning"] = t["warning"] + 1
            return o
    for c in o.get("contacts") or []:
        if c.get("phone") and any(ch.isdigit() for ch in c["phone"]):
            c["phone"] = c["phone"][:-1] + ("1" if c["phone"][-1] != "1" else "2")
            return o
    for s in o.get("severity_levels") or []:
        s["response"] = "3m"
        return o
    return o


def equivalent(o):
    o = copy.deepcopy(o)
    for k in ("contacts", "severity_levels", "escalation", "thresholds"):
        o[k] = list(reversed(o.get(k) or []))
    for c in o["contacts"]:
        if c.get("phone") and not any(ch in c["phone"] for ch in "[]X<>T"):
            c["phone"] = "".join(ch for ch in c["phone"] if ch.isdigit() or ch == "+")
        if c.get("email"):
            c["email"] = c["email"].upper()
        if c.get("role"):
            c["role"] = c["role"].lower() + " contact"
    for d in o["severity_levels"] + o["escalation"]:
        for f in ("response", "after"):
            v = d.get(f)
            if isinstance(v, str) and v[:-1].isdigit() and v[-1] in "hd":
                d[f] = str(int(v[:-1]) * (60 if v[-1] == "h" else 1440)) + "m"
    for s in o["severity_levels"]:
        s["name"] = s["name"].lower().replace("-", " ")
    for t in o["thresholds"]:
        t["metric"] = t["metric"].upper().replace(" ", "_")
        if t.get("unit") == "s":
            t["unit"] = "ms"
            for f in ("warning", "critical"):
                if isinstance(t.get(f), (int, float)):
                    t[f] = t[f] * 1000
        if isinstance(t.get("warning"), int):
            t["warning"] = float(t["warning"])
    if o.get("review_every") and str(o["review_every"]["value"]).endswith("d"):
        v = o["review_every"]["value"]
        if v[:-1].isdigit() and int(v[:-1]) % 7 == 0:
            o["review_every"]["value"] = f"{int(v[:-1]) // 7}w"
    return o


def main(argv):
    if len(argv) < 3 or argv[0] != "import" or argv[1] != "--json":
        print("usage: fake-rbc.py import --json FILE...", file=sys.stderr)
        return 2
    mode = os.environ.get("FAKE_RBC", "")
    out = []
    for f in argv[2:]:
        name = os.path.splitext(os.path.basename(f))[0]
        hits = glob.glob(os.path.join(HERE, "labels", "*", name + ".json"))
        if not hits:
            print(f"fake-rbc: no labels for {f}", file=sys.stderr)
            return 1
        with open(hits[0], encoding="utf-8") as fh:
            o = read_back(json.load(fh))
        if mode == "perturb":
            o = perturb(o, random.Random(name))
        elif mode == "equivalent":
            o = equivalent(o)
        elif mode == "subtle":
            o = subtle(o)
        o["file"] = f
        out.append(o)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
