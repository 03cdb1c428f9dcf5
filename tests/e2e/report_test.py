#!/usr/bin/env python3
"""rebuild --report FILE from outside: the file holds the JSON report (what --format json prints,
the same moves and counts), is replaced whole by the next rebuild (no temporary file left
beside it), and a report that cannot be written is exit 6 with the rebuild still done.

Usage: report_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile


def main():
    binary, src = sys.argv[1], sys.argv[2]
    nights = [os.path.join(src, "tests/e2e/inputs/changes", n) for n in ("night1", "night2")]
    failures = []
    env = dict(os.environ, TALENTGRAPH_NOW="2026-11-02T03:00:00Z")
    env.pop("TALENTGRAPH_DB", None)
    with tempfile.TemporaryDirectory(prefix="tg-report-") as tmp:
        db = os.path.join(tmp, "graph.db")
        report = os.path.join(tmp, "reports", "night.json")
        os.makedirs(os.path.dirname(report))

        def run(*args):
            return subprocess.run([binary, "--db", db, *args], capture_output=True, text=True, timeout=60, env=env)

        for night in nights:
            out = run("rebuild", "--sources", night, "--report", report, "--quiet")
            if out.returncode != 0:
                sys.exit(f"rebuild of {night} failed: {out.returncode} {out.stderr}")
            lines = out.stderr.splitlines()
            if len(lines) != 1 or not lines[0].startswith("talentgraph rebuild: generation "):
                failures.append(f"--quiet printed more than the summary line: {out.stderr!r}")
            with open(report, encoding="utf-8") as f:
                written = json.load(f)
            if written.get("summary") != lines[0]:
                failures.append(f"the report's summary {written.get('summary')!r} is not the line {lines[0]!r}")
        leftovers = sorted(os.listdir(os.path.dirname(report)))
        if leftovers != ["night.json"]:
            failures.append(f"beside the report: {leftovers}")
        # The second night's report: Mei's arrival re-dated, Lena gone, Ravi new.
        new = sorted((m["person"], m["date"]) for m in written["moves"]["new"])
        retracted = sorted((m["person"], m["date"]) for m in written["moves"]["retracted"])
        if new != [("Mei Tanaka", "2023-06"), ("Ravi Shah", "2024-03")]:
            failures.append(f"new moves: {new}")
        if retracted != [("Lena Fox", "2020"), ("Mei Tanaka", "2023-05")]:
            failures.append(f"retracted moves: {retracted}")
        if written["files"]["removed"] != ["careers.csv"] or written["generation"] != 2:
            failures.append(f"files/generation: {written['files']} {written['generation']}")
        read = {f["path"]: f for f in written["files"]["read"]}
        if read.get("news/beta.json", {}).get("relations") != 3 or read["news/beta.json"]["state"] != "added":
            failures.append(f"files read: {written['files']['read']}")
        # The same as --format json prints (a dry run of the same night: nothing left to do).
        again = run("rebuild", "--sources", nights[1], "--format", "json")
        if json.loads(again.stdout)["written"] is not False:
            failures.append("the second run of night 2 wrote something")
        # A report that cannot be written: exit 6, the rebuild is committed all the same.
        out = run("rebuild", "--sources", nights[0], "--report", os.path.join(tmp, "no-such-dir", "r.json"))
        if out.returncode != 6 or "no-such-dir" not in out.stderr:
            failures.append(f"an unwritable report: exit {out.returncode}, {out.stderr!r}")
        if "talentgraph rebuild: generation 3," not in out.stderr:
            failures.append(f"the rebuild with an unwritable report was not done: {out.stderr!r}")
    for f in failures:
        print("FAIL:", f)
    print("ok" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
