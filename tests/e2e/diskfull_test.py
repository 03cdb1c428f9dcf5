#!/usr/bin/env python3
"""A full disk (a small tmpfs holding the store): a rebuild that runs out of space fails with a
clear error (exit 6, naming the database and the full disk), and leaves the previous graph whole:
integrity_check ok, the same content, the same answers. A query that cannot write the snapshot
cache on the full disk still answers and leaves no temporary file (with not a byte free, where
SQLite cannot even make its shared-memory index, it fails naming the store); a first ingest into
the full disk says the disk is full and leaves no file at all. Once there is room again the next rebuild completes and gives what a
rebuild with room gives.

Mounting needs root (CTest runs it as root in CI); where mounting is not permitted, the test is
skipped (exit 77), saying so.

Usage: diskfull_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import errno
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402

SKIP = 77
SIZE = dict(documents=200, csv_files=10, csv_rows=1000, people=3000, organisations=200)


def fill(folder, name, leave):
    """Writes a file of zeros to `folder` until `leave` bytes are free (0: until the disk is full)."""
    path = os.path.join(folder, name)
    with open(path, "wb") as f:
        chunk = b"\0" * (1 << 20)
        while True:
            st = os.statvfs(folder)
            free = st.f_bavail * st.f_frsize
            if free <= leave:
                break
            try:
                f.write(chunk[:max(4096, min(len(chunk), free - leave))])
                f.flush()
            except OSError as e:
                if e.errno != errno.ENOSPC:
                    raise
                break
    return path


def main():
    binary = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory(prefix="tg-nospace-") as tmp:
        mnt = os.path.join(tmp, "disk")
        os.mkdir(mnt)
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mnt], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"SKIP: cannot mount a small tmpfs (needs root; uid {os.getuid()}): {r.stderr.strip()}")
            sys.exit(SKIP)
        try:
            failures = run(binary, tmp, mnt)
        finally:
            subprocess.run(["umount", mnt], check=False)
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("ok: a full disk fails the rebuild clearly, keeps the old graph, and the next rebuild completes")
    sys.exit(1 if failures else 0)


def run(binary, tmp, mnt):
    failures = []
    src = os.path.join(tmp, "sources")
    db = os.path.join(mnt, "graph.db")
    base, ref = os.path.join(tmp, "base.db"), os.path.join(tmp, "ref.db")

    def tg(store, *a):
        r = subprocess.run([binary, "--db", store, *a], capture_output=True, text=True, timeout=600)
        return r.returncode, r.stdout, r.stderr

    world = faultlib.write_sources(src, **SIZE)
    a, b = faultlib.query_people(world)
    queries = [["stats", "--format", "json"], ["moves", "--format", "json"], ["path", a, b, "--format", "json"],
               ["flows", "--by", "country", "--format", "json"]]
    rc, _, err = tg(db, "rebuild", "--sources", src)
    if rc != 0:
        return [f"the base rebuild: exit {rc}: {err}"]
    answers = [tg(db, *q)[:2] for q in queries]
    if any(rc not in (0, 7) for rc, _ in answers):
        return [f"queries of the base store: {[rc for rc, _ in answers]}"]
    ok, old = faultlib.fingerprint(db)
    faultlib.copy_store(db, base)
    faultlib.change_sources(src, fraction=0.3, **SIZE)
    faultlib.copy_store(base, ref)
    rc, _, err = tg(ref, "rebuild", "--sources", src)
    if rc != 0:
        return [f"the reference rebuild (with room): exit {rc}: {err}"]
    _, new = faultlib.fingerprint(ref)
    print(f"store {os.path.getsize(db)} bytes; the change rebuild grows it to {os.path.getsize(ref)}", flush=True)

    # 1. The rebuild runs out of space in its transaction.
    filler = fill(mnt, "filler", 256 << 10)
    rc, _, err = tg(db, "rebuild", "--sources", src)
    print(f"rebuild on a full disk: exit {rc}: {err.strip()}", flush=True)
    if rc != 6:
        failures.append(f"rebuild on a full disk: exit {rc} (6 expected)")
    if db not in err or "disk is full" not in err:
        failures.append(f"rebuild on a full disk: the message names neither the database nor the full disk: {err!r}")
    if "unchanged" not in err:
        failures.append(f"rebuild on a full disk: the message does not say the database is unchanged: {err!r}")
    for q, want in zip(queries, answers):
        got = tg(db, *q)
        if got[:2] != want:
            failures.append(f"{q[0]} after the failed rebuild: exit {got[0]}, not the old answer: {got[2]!r}")
    ok, fp = faultlib.fingerprint(db)
    if ok != "ok" or fp != old:
        failures.append(f"after the failed rebuild: integrity_check {ok}, {'the old content' if fp == old else 'other content'}")

    # 2. The snapshot cache cannot be written (64 KiB free: room for SQLite's shared-memory index,
    # not for the cache): the query still answers, and leaves no temporary file.
    os.remove(db + ".tgsnap")
    os.remove(filler)
    filler = fill(mnt, "filler", 64 << 10)
    for q, want in list(zip(queries, answers))[2:]:
        got = tg(db, *q)
        if got[:2] != want:
            failures.append(f"{q[0]} with no room for the snapshot cache: exit {got[0]}, {got[2]!r}")
    if os.path.exists(db + ".tgsnap") or faultlib.leftovers(db):
        failures.append(f"left beside the store by queries on a full disk: {faultlib.leftovers(db)}, "
                        f"cache {os.path.exists(db + '.tgsnap')}")
    # Not a byte free: a query answers, or fails naming the store (exit 6), and leaves nothing.
    last = fill(mnt, "filler-2", 0)
    for q, want in list(zip(queries, answers))[2:]:
        got = tg(db, *q)
        if got[:2] != want and (got[0] != 6 or db not in got[2]):
            failures.append(f"{q[0]} with no byte free: exit {got[0]}, {got[2]!r}")
        print(f"{q[0]} with no byte free: exit {got[0]} {got[2].strip()[:200]}", flush=True)
    if faultlib.leftovers(db):
        failures.append(f"left beside the store by queries on a full disk: {faultlib.leftovers(db)}")

    # 3. A first ingest into the full disk: an error, and no file at all.
    fresh = os.path.join(mnt, "fresh.db")
    rc, _, err = tg(fresh, "ingest", os.path.join(src, "careers"))
    print(f"first ingest on a full disk: exit {rc}: {err.strip()[:300]}", flush=True)
    if rc != 6 or "disk is full" not in err:
        failures.append(f"first ingest on a full disk: exit {rc}, not one saying the disk is full: {err!r}")
    names = sorted(n for n in os.listdir(mnt) if n.startswith("fresh.db") and n != "fresh.db.lock")
    if names:
        failures.append(f"a failed first ingest left {names}")

    # 4. Room again: the next rebuild completes and gives the state a rebuild with room gives.
    os.remove(filler)
    os.remove(last)
    rc, _, err = tg(db, "rebuild", "--sources", src)
    if rc != 0:
        failures.append(f"the rebuild with room again: exit {rc}: {err}")
    ok, fp = faultlib.fingerprint(db)
    if ok != "ok" or fp != new:
        failures.append(f"after the rebuild with room: integrity_check {ok}, "
                        f"{'the new content' if fp == new else 'not the content of a rebuild with room'}")
    for q in queries:
        got, want = tg(db, *q), tg(ref, *q)
        if got[:2] != want[:2]:
            failures.append(f"{q[0]} after the rebuild with room: exit {got[0]}, not the answer with room")
    if faultlib.leftovers(db):
        failures.append(f"left beside the store: {faultlib.leftovers(db)}")
    return failures


if __name__ == "__main__":
    main()
