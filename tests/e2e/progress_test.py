#!/usr/bin/env python3
"""Progress on stderr for long work, as a user at a terminal sees it (stderr on a pty): an ingest
of an 11 MB folder draws its stages in place and erases the line before its report. Nothing when
stderr is not a terminal, with --quiet (before or after the command) or -q, or with TERM=dumb;
and the output is the same whether progress was drawn or not. (What each stage reports, snapshot
builds and centrality included, is tests/ingest/progress_stages_test.cpp.)

Usage: progress_test.py TALENTGRAPH_BINARY
"""
import os
import pty
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def env(**extra):
    e = dict(os.environ)
    e.pop("COLUMNS", None)
    e.pop("TALENTGRAPH_PROGRESS_DELAY_MS", None)
    e["TERM"] = "xterm"
    e.update(extra)
    return e


def stderr_on_terminal(args, **extra):
    """Runs with stderr on a pty (stdout piped); returns (status, stdout, what the pty received)."""
    master, slave = pty.openpty()
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, env=env(**extra))
    os.close(slave)
    err = faultlib.read_pty(master, timeout=600)
    out = p.stdout.read()
    p.wait()
    return p.returncode, out, err.decode("utf-8")


def piped(args, **extra):
    r = subprocess.run(args, capture_output=True, env=env(**extra))
    return r.returncode, r.stdout, r.stderr.decode("utf-8")


# One drawing of the line: from the line's start, erased first, and drawn over next (a line
# that ends with a line break is a message written after an erase).
DRAWN = re.compile(r"\r\x1b\[K([^\r\n]*)(?=\r|$)")
STAGES = ("reading sources", "writing the last rows", "creating indexes", "revising", "settling countries",
          "counting moves", "finding the moves", "committing", "building the graph snapshot", "closeness",
          "betweenness")


def drawings(err):
    return [m.group(1) for m in DRAWN.finditer(err) if m.group(1)]


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as tmp:
        folder = os.path.join(tmp, "sources")
        # About 11 MB of sources: a few seconds of ingest, past the half second's grace.
        faultlib.write_sources(folder, documents=200, csv_files=4, csv_rows=25000, people=40000, organisations=800)

        # ---- ingest at a terminal ----
        db = os.path.join(tmp, "t.db")
        # No grace: every stage is drawn however fast this machine reads (the quick command below
        # checks the grace itself).
        status, out, err = stderr_on_terminal([binary, "--db", db, "ingest", folder], TALENTGRAPH_PROGRESS_DELAY_MS="0")
        check(status == 0, f"ingest at a terminal: exit {status}: {err[-500:]!r}")
        err = err.replace("\r\n", "\n")  # the pty's own line ends
        lines = drawings(err)
        reading = [l for l in lines if l.startswith("reading sources")]
        check(len(reading) >= 1, f"ingest draws 'reading sources' (drawn: {lines[:5]!r})")
        check(all(re.fullmatch(r"reading sources +\d+%  \d+(\.\d)? [kM]?B of 11 MB(  .*)?", l) for l in reading),
              f"the bytes read of the sources' 11 MB: {reading[-3:]!r}")
        percents = [int(re.search(r"(\d+)%", l).group(1)) for l in reading]
        check(percents == sorted(percents), f"the percentage only grows: {percents!r}")
        later = [l for l in lines if not l.startswith("reading sources")]
        check(all(l.startswith(STAGES) for l in lines), f"every drawing names a stage: {lines!r}")
        check(len(later) >= 1, f"the stages after reading are drawn too: {lines!r}")
        # The line is erased at the end (the last drawing is an erase), and what else the command
        # writes to stderr comes after an erase, never on the line.
        erase = "\r\x1b[K"
        tail = err[err.rfind(erase) + len(erase):] if erase in err else None
        check(tail is not None and (tail == "" or tail.endswith("\n")) and not tail.startswith(STAGES),
              f"the progress line is erased at the end: {err[-200:]!r}")
        rest = DRAWN.sub("", err).replace(erase, "")
        check("\r" not in rest and "\x1b" not in rest, f"nothing else draws over the line: {rest[:200]!r}")
        check(rest.startswith("ingested "), f"the report follows the erased line: {rest[:200]!r}")

        # ---- the same ingest, stderr not a terminal: no progress at all, the same report ----
        status2, out2, err2 = piped([binary, "--db", os.path.join(tmp, "p.db"), "ingest", folder])
        check(status2 == 0, f"piped ingest: exit {status2}")
        check("\r" not in err2 and "\x1b" not in err2 and "reading sources" not in err2,
              f"no progress when stderr is no terminal: {err2[:200]!r}")
        check(out == out2 and rest == err2, "stdout and the report are the same with and without progress")

        # ---- quiet: --quiet before or after the command, -q, TERM=dumb ----
        for n, (args, extra, what) in enumerate([
            (["--quiet", "ingest", folder], {}, "--quiet before"),
            (["ingest", folder, "--quiet"], {}, "--quiet after"),
            (["-q", "ingest", folder], {}, "-q"),
            (["ingest", folder], {"TERM": "dumb"}, "TERM=dumb"),
        ]):
            status, out_q, err_q = stderr_on_terminal([binary, "--db", os.path.join(tmp, f"q{n}.db"), *args], **extra)
            err_q = err_q.replace("\r\n", "\n")
            check(status == 0, f"{what}: exit {status}: {err_q[-300:]!r}")
            check("\r" not in err_q and "\x1b" not in err_q, f"{what}: no progress drawn: {err_q[:200]!r}")
            check(err_q == err2, f"{what}: the same report")

        # ---- a quick command draws nothing (the half second's grace) ----
        status, out, err = stderr_on_terminal([binary, "--db", db, "stats"], TALENTGRAPH_PROGRESS_DELAY_MS="bad")
        check(status == 0 and "\x1b" not in err, f"stats (quick) draws nothing: {err[:200]!r}")

    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("progress: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
