#!/usr/bin/env python3
"""Readers during a rebuild: while a large `rebuild --sources DIR --full` runs, two readers run
`moves --format json`, `stats --format json` and `path A B --format json` in a loop, each a new
process. Every answer must exit as the same query on the store before the rebuild or after it
exits, and print exactly what one of them printed (worked out beforehand on copies): never an
error, never a mix. Some reads must start after the rebuild began and end before it ended, or
the test showed nothing.

Usage: reader_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402

SIZE = dict(documents=300, csv_files=15, csv_rows=1000, people=4000, organisations=300)


def main():
    binary = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory(prefix="tg-readers-") as tmp:
        src = os.path.join(tmp, "sources")
        base, ref, work = (os.path.join(tmp, n) for n in ("base.db", "ref.db", "work.db"))
        world = faultlib.write_sources(src, **SIZE)
        a, b = faultlib.query_people(world)
        queries = {"moves": ["moves", "--format", "json"], "stats": ["stats", "--format", "json"],
                   "path": ["path", a, b, "--format", "json"]}

        def run(db, args):
            r = subprocess.run([binary, "--db", db, *args], capture_output=True, text=True, timeout=300)
            return r.returncode, r.stdout, r.stderr

        def rebuild(db, *extra):
            t = time.monotonic()
            r = subprocess.run([binary, "--db", db, "rebuild", "--sources", src, *extra], capture_output=True,
                               text=True, timeout=600)
            if r.returncode != 0:
                sys.exit(f"FAIL: rebuild {extra}: exit {r.returncode}: {r.stderr}")
            return time.monotonic() - t

        rebuild(base)
        faultlib.change_sources(src, fraction=0.2, **SIZE)
        faultlib.copy_store(base, ref)
        took = rebuild(ref, "--full")
        old = {q: run(base, args)[:2] for q, args in queries.items()}
        new = {q: run(ref, args)[:2] for q, args in queries.items()}
        for q in queries:
            if old[q][0] not in (0, 7) or new[q][0] not in (0, 7):
                sys.exit(f"FAIL: {q} before/after: exits {old[q][0]}, {new[q][0]}")
        if old["moves"] == new["moves"] or old["stats"] == new["stats"]:
            sys.exit("FAIL: the rebuild changed no answer: the test would show nothing")
        print(f"the --full rebuild took {took:.2f} s alone; path {a} -> {b}: exit {old['path'][0]} before, "
              f"{new['path'][0]} after", flush=True)

        faultlib.copy_store(base, work)
        run(work, queries["path"])  # the snapshot cache of the old state, as a night would have it
        answers = []
        lock = threading.Lock()
        stop = threading.Event()

        def reader(offset):
            names = list(queries)
            i = offset
            while not stop.is_set():
                q = names[i % len(names)]
                i += 1
                start = time.monotonic()
                rc, out, err = run(work, queries[q])
                with lock:
                    answers.append((q, start, time.monotonic(), rc, out, err))

        readers = [threading.Thread(target=reader, args=(k,)) for k in range(2)]
        for t in readers:
            t.start()
        time.sleep(0.3)
        rb_start = time.monotonic()
        rb = subprocess.run([binary, "--db", work, "rebuild", "--sources", src, "--full"], capture_output=True,
                            text=True, timeout=600)
        rb_end = time.monotonic()
        time.sleep(0.5)
        stop.set()
        for t in readers:
            t.join()
        if rb.returncode != 0:
            failures.append(f"the rebuild under readers: exit {rb.returncode}: {rb.stderr}")

        during = {"old": 0, "new": 0}
        after_end_old = 0
        for q, start, end, rc, out, err in answers:
            if (rc, out) == new[q]:  # first: an answer both states give (a path) is no old answer
                kind = "new"
            elif (rc, out) == old[q]:
                kind = "old"
            else:
                failures.append(f"{q} at {start - rb_start:+.2f} s: exit {rc}, neither the old answer nor the new "
                                f"({len(out)} bytes; stderr {err.strip()[:300]!r})")
                continue
            if start > rb_start and end < rb_end:
                during[kind] += 1
            if start > rb_end and kind == "old":
                after_end_old += 1
        print(f"{len(answers)} answers; {during['old']} old and {during['new']} new inside the rebuild "
              f"({rb_end - rb_start:.2f} s)", flush=True)
        if during["old"] + during["new"] < 3:
            failures.append(f"only {during['old'] + during['new']} reads landed inside the rebuild")
        if after_end_old:
            failures.append(f"{after_end_old} reads started after the rebuild ended gave the old answer")
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
