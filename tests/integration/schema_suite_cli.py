#!/usr/bin/env python3
"""The JSON Schema Test Suite (draft 2020-12) through the real command,
`rbc schema --check SCHEMA DATA`: every test of every in-scope file is
written out as a schema file and a data file, and rbc's exit status must be
0 for a valid document and 1 for an invalid one.  (tests/unit/t_jsonschema.c
runs the same suite in-process, with the reasons for each skip.)

usage: schema_suite_cli.py RBC SUITE_DIR WORK_DIR
Prints PASS/FAIL/SKIP lines; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys

# Keywords outside rbc's scope (README): their files are skipped whole.
OUT_OF_SCOPE = {"dynamicRef", "refRemote", "unevaluatedItems",
                "unevaluatedProperties", "vocabulary"}


def needs_out_of_scope(schema_text):
    return ('"$ref": "https://json-schema.org/' in schema_text
            or '"$ref": "http://localhost' in schema_text
            or "unevaluated" in schema_text
            or "$dynamicRef" in schema_text)


def main():
    rbc, suite, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    failed = 0
    for name in sorted(os.listdir(suite)):
        if not name.endswith(".json"):
            continue
        kw = name[:-5]
        if kw in OUT_OF_SCOPE:
            print(f"SKIP schema-cli/{kw}: out of scope")
            continue
        with open(os.path.join(suite, name), encoding="utf-8") as f:
            groups = json.load(f)
        for gi, group in enumerate(groups):
            schema_text = json.dumps(group["schema"], indent=1)
            label = f"schema-cli/{kw}/{group['description']}"
            if needs_out_of_scope(schema_text):
                print(f"SKIP {label}: needs a remote schema or an "
                      "out-of-scope keyword")
                continue
            sp = os.path.join(work, f"{kw}-{gi}.schema.json")
            with open(sp, "w", encoding="utf-8") as f:
                f.write(schema_text)
            for ti, test in enumerate(group["tests"]):
                dp = os.path.join(work, f"{kw}-{gi}-{ti}.json")
                with open(dp, "w", encoding="utf-8") as f:
                    json.dump(test["data"], f)
                want = 0 if test["valid"] else 1
                r = subprocess.run([rbc, "schema", "--check", sp, dp],
                                   capture_output=True, text=True)
                if r.returncode == want:
                    print(f"PASS {label}/{test['description']}")
                else:
                    failed += 1
                    print(f"FAIL {label}/{test['description']}: exit "
                          f"{r.returncode}, expected {want}: "
                          f"{r.stderr.strip()[:200]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
