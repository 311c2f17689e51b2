#!/usr/bin/env python3
"""What rbc serve takes on a corpus, for bench/run.sh.

    serve.py RBC CONTENT FILE OUT EDITS

Starts `RBC serve --content CONTENT --port 0 --out OUT`, waits for the
first build, listens to the page reload events as a browser does
(/__rbc/events), then EDITS times appends a line to FILE (a runbook of
CONTENT) and measures the time from the write to the reload event.
Prints one line per edit, "reload SECONDS", then "idle_rss KILOBYTES": the
server's resident memory after the edits, idle.  FILE is restored.
"""
import os
import re
import signal
import socket
import subprocess
import sys
import time


def wait_line(f, pattern, deadline):
    """Reads the server's output file until a line matches."""
    while time.monotonic() < deadline:
        with open(f, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                m = re.search(pattern, line)
                if m:
                    return m
        time.sleep(0.05)
    return None


def main():
    rbc, content, path, out, edits = sys.argv[1:6]
    edits = int(edits)
    log = out + ".log"
    with open(path, "rb") as fh:
        orig = fh.read()
    with open(log, "w") as lf:
        p = subprocess.Popen([rbc, "serve", "--content", content, "--port",
                              "0", "--out", out, "--today", "2026-11-23"],
                             stdout=lf, stderr=subprocess.STDOUT)
    try:
        m = wait_line(log, r"serving .* at http://([0-9.]+):([0-9]+)/",
                      time.monotonic() + 600)
        if m is None:
            print("serve did not start", file=sys.stderr)
            return 1
        s = socket.create_connection((m.group(1), int(m.group(2))))
        s.sendall(b"GET /__rbc/events HTTP/1.1\r\nHost: x\r\n"
                  b"Accept: text/event-stream\r\n\r\n")
        s.settimeout(30)
        buf = b""
        while b": rbc serve" not in buf:
            buf += s.recv(4096)
        for i in range(edits):
            buf = b""
            time.sleep(1.0)
            t0 = time.monotonic()
            with open(path, "ab") as fh:
                fh.write(b"\nedited by the benchmark %d\n" % i)
            while b"event: reload" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    print("the event stream closed", file=sys.stderr)
                    return 1
                buf += chunk
            print("reload %.3f" % (time.monotonic() - t0))
        time.sleep(2.0)
        rss = 0
        with open("/proc/%d/status" % p.pid) as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    rss = int(line.split()[1])
        print("idle_rss %d" % rss)
        s.close()
        return 0
    finally:
        with open(path, "wb") as fh:
            fh.write(orig)
        p.send_signal(signal.SIGINT)
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()


if __name__ == "__main__":
    sys.exit(main())
