#!/usr/bin/env python3
"""A rebuild killed at any moment leaves the previous graph whole (README "Nightly rebuilds").

A generated folder of a few hundred files is rebuilt into a base store; then a change set
(documents and CSV files changed, removed, added) is applied to the folder. Each iteration
restores the base store, starts `rebuild --sources`, and SIGKILLs it after a random delay in
[0, T] (T a little longer than the rebuild takes), or, every other time, at a random moment after
the WAL begins to grow (the commit, then the checkpoint as the store closes). The seed is printed. Then:

- a query answers (the first process to open the store after the kill is talentgraph's),
- `PRAGMA integrity_check` is ok and the content is exactly the old state or the new one,
- the next rebuild completes, gives the new state, and leaves nothing beside the store but its
  own files (DB, -wal, -shm, .lock, .tgsnap).

Then killed first ingests (which build the store aside, in DB.loading-PID) and killed first
rebuilds: the next run completes and cleans what the killed one left; files of dead writers beside
the store are removed by the next run, those of live processes kept; and killed queries that were
writing the snapshot cache leave no temporary file once the next query has run.

Usage: crash_test.py TALENTGRAPH_BINARY SOURCE_DIR [--iterations N] [--seed S]
"""
import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402

SIZE = dict(documents=300, csv_files=15, csv_rows=800, people=4000, organisations=300, fraction=0.03)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("src")
    ap.add_argument("--iterations", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1 << 32)
    print(f"crash test: {args.iterations} kills, seed {seed} (rerun with --seed {seed})", flush=True)
    rng = random.Random(seed)
    binary = os.path.abspath(args.binary)
    failures = []
    started = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="tg-crash-") as tmp:
        src = os.path.join(tmp, "sources")
        base, ref, work = (os.path.join(tmp, n) for n in ("base.db", "ref.db", "work.db"))

        def tg(db, *a, timeout=600):
            return subprocess.run([binary, "--db", db, *a], capture_output=True, text=True, timeout=timeout)

        def rebuild(db, sources=src):
            t = time.monotonic()
            r = tg(db, "rebuild", "--sources", sources)
            return r, time.monotonic() - t

        world = faultlib.write_sources(src, **{k: v for k, v in SIZE.items() if k != "fraction"})
        r, took = rebuild(base)
        if r.returncode != 0:
            sys.exit(f"FAIL: the base rebuild: exit {r.returncode}: {r.stderr}")
        print(f"base: {faultlib.counts(base)} in {took:.2f} s", flush=True)
        faultlib.copy_store(base, work)
        ok, old = faultlib.fingerprint(work)
        if ok != "ok" or not old:
            sys.exit(f"FAIL: the base store: {ok}")
        old_dump = faultlib.dump(work)

        faultlib.change_sources(src, **SIZE)
        durations, wal_from = [], []
        new = None
        for _ in range(2):  # twice: the new state must not depend on the run
            faultlib.copy_store(base, ref)
            # Watched: the WAL begins to grow when the transaction writes (at its commit, mostly: a
            # change this size fits the page cache).
            t = time.monotonic()
            p = subprocess.Popen([binary, "--db", ref, "rebuild", "--sources", src], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
            first_wal = None
            while p.poll() is None:
                if first_wal is None and os.path.exists(ref + "-wal") and os.path.getsize(ref + "-wal") > 0:
                    first_wal = time.monotonic() - t
                time.sleep(0.002)
            took = time.monotonic() - t
            if p.returncode != 0:
                sys.exit(f"FAIL: the reference rebuild: exit {p.returncode}: {p.stderr.read()}")
            durations.append(took)
            wal_from.append(first_wal if first_wal is not None else took)
            ok, fp = faultlib.fingerprint(ref)
            if new is not None and fp != new:
                sys.exit("FAIL: two rebuilds of one folder from one store gave different content")
            new = fp
        new_dump = faultlib.dump(ref)
        if new == old or new_dump == old_dump:
            sys.exit("FAIL: the change set changed nothing")
        print(f"new: {faultlib.counts(ref)}; the change rebuild took {min(durations):.2f} s, writing the WAL from "
              f"{min(wal_from):.2f} s", flush=True)

        def state_of(db, integrity=True):
            """'old', 'new', or a description of what is wrong."""
            ok, fp = faultlib.fingerprint(db, integrity)
            if ok != "ok":
                return f"integrity_check: {ok}"
            if fp == old:
                return "old"
            if fp == new:
                return "new"
            d = faultlib.dump(db)  # the same rows in another order would still be the same state
            if d == old_dump:
                return "old"
            if d == new_dump:
                return "new"
            return ("neither the old state nor the new: vs old " + faultlib.first_difference(old_dump, d) +
                    "; vs new " + faultlib.first_difference(new_dump, d))

        # 1. Killed incremental rebuilds.
        # Even kills: anywhere in [0, 1.25 T]; odd ones: watched, whatever the machine's load, at a
        # random moment from the WAL beginning to grow to 1.5 times as long as the watched runs
        # took from there to their end (the commit, the checkpoint as the store closes, the exit).
        window = max(durations) * 1.25
        tail = 1.5 * max(d - w for d, w in zip(durations, wal_from)) + 0.02
        outcomes = {"old": 0, "new": 0}
        finished_before_kill = wal_frames_at_kill = 0
        left_at_kill = set()
        for i in range(args.iterations):
            faultlib.copy_store(base, work)
            p = subprocess.Popen([binary, "--db", work, "rebuild", "--sources", src],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            t = time.monotonic()
            if i % 2 == 0:
                time.sleep(rng.uniform(0, window))
            else:
                extra = rng.uniform(0, tail)
                while p.poll() is None and not (os.path.exists(work + "-wal") and os.path.getsize(work + "-wal") > 0):
                    time.sleep(0.0005)
                time.sleep(extra)
            delay = time.monotonic() - t
            p.send_signal(signal.SIGKILL)
            status = p.wait()
            if status == 0:
                finished_before_kill += 1
            elif status != -signal.SIGKILL:
                failures.append(f"kill {i} at {delay:.3f} s: the rebuild had exited {status} on its own")
            if os.path.exists(work + "-wal") and os.path.getsize(work + "-wal") > 0:
                wal_frames_at_kill += 1
            left_at_kill.update(faultlib.leftovers(work))
            q = tg(work, "stats", "--format", "json")
            if q.returncode != 0:
                failures.append(f"kill {i} at {delay:.3f} s: stats after the kill: exit {q.returncode}: {q.stderr}")
            state = state_of(work)
            if state in outcomes:
                outcomes[state] += 1
            else:
                failures.append(f"kill {i} at {delay:.3f} s: {state}")
            r, _ = rebuild(work)
            if r.returncode != 0:
                failures.append(f"kill {i} at {delay:.3f} s: the next rebuild: exit {r.returncode}: {r.stderr}")
            after = state_of(work, integrity=False)  # the content is the new state's, checked above
            if after != "new":
                failures.append(f"kill {i} at {delay:.3f} s: after the next rebuild: {after}")
            if faultlib.leftovers(work):
                failures.append(f"kill {i} at {delay:.3f} s: left after the next rebuild: {faultlib.leftovers(work)}")
            if (i + 1) % 10 == 0:
                print(f"  {i + 1} kills: {outcomes}, {time.monotonic() - started:.0f} s", flush=True)
        print(f"killed rebuilds: {outcomes['old']} left the old state ({wal_frames_at_kill} with a WAL written "
              f"at the kill), {outcomes['new']} the new one ({finished_before_kill} had finished before the kill); "
              f"beside the store at the kill: {sorted(left_at_kill) or 'nothing'}", flush=True)
        # The kills must have landed both inside the rebuild's transaction and after its commit,
        # or the test proved less than it says.
        if args.iterations >= 20 and (outcomes["old"] < args.iterations // 4 or wal_frames_at_kill == 0 or
                                      outcomes["new"] == 0):
            failures.append(f"the kills did not spread over the rebuild: {outcomes}, {wal_frames_at_kill} with a WAL")

        # 2. Killed first ingests (built aside, in DB.loading-PID) and first rebuilds: the next
        # run completes, and nothing of the killed one is left.
        careers = os.path.join(src, "careers")
        first = os.path.join(tmp, "first.db")
        t = time.monotonic()
        r = tg(first, "ingest", careers)
        ingest_time = time.monotonic() - t
        if r.returncode != 0:
            sys.exit(f"FAIL: ingest of {careers}: {r.stderr}")
        kinds = ("ingest", "rebuild")
        caught = {k: 0 for k in kinds}
        for i in range(6):
            kind = kinds[i % 2]
            for suffix in faultlib.STORE_FILES:
                if os.path.exists(first + suffix):
                    os.remove(first + suffix)
            cmd = ["ingest", careers] if kind == "ingest" else ["rebuild", "--sources", careers]
            delay = rng.uniform(0, ingest_time * 0.9) if kind == "ingest" else rng.uniform(0, 0.05)
            p = subprocess.Popen([binary, "--db", first, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            if faultlib.leftovers(first):
                caught[kind] += 1
            r = tg(first, "rebuild", "--sources", careers)
            if r.returncode != 0:
                failures.append(f"first {kind} killed at {delay:.3f} s: the next rebuild: exit {r.returncode}: {r.stderr}")
            ok, _ = faultlib.fingerprint(first)
            if ok != "ok":
                failures.append(f"first {kind} killed at {delay:.3f} s: integrity_check after the next rebuild: {ok}")
            if faultlib.leftovers(first):
                failures.append(f"first {kind} killed at {delay:.3f} s: left after the next rebuild: "
                                f"{faultlib.leftovers(first)}")
        print(f"killed first ingests and rebuilds that left files beside the store: {caught} (all cleaned)", flush=True)

        # 3. Files of dead processes beside the store go with the next run, even a query's;
        # those of a live process stay (it may still be writing them).
        dead = subprocess.Popen(["true"])
        dead.wait()
        live = os.getpid()
        planted = {pid: [f"{work}.tgsnap.tmp-{pid}-0", f"{work}.loading-{pid}", f"{work}.loading-{pid}-journal"]
                   for pid in (dead.pid, live)}
        for names in planted.values():
            for n in names:
                open(n, "w").close()
        q = tg(work, "stats")
        if q.returncode != 0:
            failures.append(f"stats with planted leftovers: exit {q.returncode}: {q.stderr}")
        for n in planted[dead.pid]:
            if os.path.exists(n):
                failures.append(f"a file of a dead process is left after a query: {os.path.basename(n)}")
        for n in planted[live]:
            if not os.path.exists(n):
                failures.append(f"a file of a live process was removed: {os.path.basename(n)}")
            else:
                os.remove(n)

        # 4. Killed queries, some while writing the snapshot cache (DB.tgsnap.tmp-PID-N).
        a, b = faultlib.query_people(world)
        os.remove(work + ".tgsnap") if os.path.exists(work + ".tgsnap") else None
        t = time.monotonic()
        q = tg(work, "path", a, b)
        path_time = time.monotonic() - t
        if q.returncode not in (0, 7):
            failures.append(f"path {a} {b}: exit {q.returncode}: {q.stderr}")
        tmp_caught = 0
        for i in range(20):
            os.remove(work + ".tgsnap") if os.path.exists(work + ".tgsnap") else None
            delay = rng.uniform(path_time * 0.5, path_time * 1.05)
            p = subprocess.Popen([binary, "--db", work, "path", a, b], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(delay)
            p.send_signal(signal.SIGKILL)
            p.wait()
            if any(".tmp-" in n for n in faultlib.leftovers(work)):
                tmp_caught += 1
            q = tg(work, "stats")
            if q.returncode != 0 or faultlib.leftovers(work):
                failures.append(f"query killed at {delay:.3f} s: the next query: exit {q.returncode}, "
                                f"left {faultlib.leftovers(work)}")
        print(f"killed queries: {tmp_caught} of 20 left a snapshot cache half-written (all cleaned by the next query)",
              flush=True)

    print(f"total {time.monotonic() - started:.0f} s", flush=True)
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
