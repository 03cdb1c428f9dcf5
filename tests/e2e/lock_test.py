#!/usr/bin/env python3
"""The writers' lock from outside: while another process holds DB.lock (an flock, as a running
rebuild does), rebuild, ingest and forget exit at once with 75 naming its pid, and queries go on.

Usage: lock_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile
import time


def main():
    binary, src = sys.argv[1], sys.argv[2]
    folder = os.path.join(src, "tests/e2e/inputs/rebuild/good")
    failures = []
    with tempfile.TemporaryDirectory(prefix="tg-lock-") as tmp:
        db = os.path.join(tmp, "graph.db")

        def run(*args):
            return subprocess.run([binary, "--db", db, *args], capture_output=True, text=True, timeout=60)

        first = run("rebuild", "--sources", folder)
        if first.returncode != 0:
            sys.exit(f"setup rebuild failed: {first.returncode} {first.stderr}")
        # A holder that is not us: a child that takes the lock, writes its pid and waits.
        holder = subprocess.Popen(
            [sys.executable, "-c",
             "import fcntl, os, sys, time\n"
             "f = open(sys.argv[1], 'a+')\n"
             "fcntl.flock(f, fcntl.LOCK_EX)\n"
             "f.seek(0); f.truncate(); f.write(f'{os.getpid()}\\n'); f.flush()\n"
             "print('locked', flush=True)\n"
             "time.sleep(60)\n", db + ".lock"],
            stdout=subprocess.PIPE, text=True)
        try:
            if holder.stdout.readline().strip() != "locked":
                sys.exit("the holder did not take the lock")
            for args in (["rebuild", "--sources", folder], ["ingest", os.path.join(folder, "news/beta.json")],
                         ["forget", "Ann Lee"]):
                started = time.monotonic()
                r = run(*args)
                took = time.monotonic() - started
                want = f"another talentgraph (pid {holder.pid}) is writing this database"
                if r.returncode != 75 or want not in r.stderr:
                    failures.append(f"{args[0]}: exit {r.returncode}, stderr {r.stderr!r}")
                if took > 5:
                    failures.append(f"{args[0]}: waited {took:.1f} s instead of stopping at once")
            q = run("show", "Ann Lee")
            if q.returncode != 0 or "Acme Robotics" not in q.stdout:
                failures.append(f"a query under the lock: exit {q.returncode}, {q.stderr!r}")
        finally:
            holder.kill()
            holder.wait()
        # The holder is dead; its lock file is left behind, and free.
        r = run("rebuild", "--sources", folder)
        if r.returncode != 0:
            failures.append(f"after the holder died: exit {r.returncode}, {r.stderr!r}")
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
