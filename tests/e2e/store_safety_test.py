#!/usr/bin/env python3
"""The store from outside: what queries may and may not do to a file, and what interrupted or
unsound writes leave.

- A stale snapshot cache is not trusted: a copy of the store is kept, A ingested and queried (the
  cache is written), the copy restored and B ingested (same store id and generation as the
  cache): `path` answers from B, not through A's entities.
- Queries and forget refuse a 0-byte file and another application's SQLite database ("is not a
  talentgraph store", exit 6) and leave them byte for byte; ingest refuses the other application's
  database too, and makes a store of the empty file.
- Queries write nothing to the store file (its bytes stay), and read a store in a read-only
  folder and a read-only file (run as an unprivileged user through setpriv when we are root,
  since root ignores file modes).
- A first ingest interrupted by SIGTERM or SIGINT exits 143 or 130 leaving no DB.loading-PID file;
  one killed by SIGKILL leaves them, and the next run (any command) removes them.
- An ingest into a store that fails SQLite's integrity check is refused (exit 6) and writes nothing.
- forget, while a reader of the old state (a query) holds its read transaction and writes the
  snapshot cache with the person's name before it ends: forget waits for it, and the cache it wrote
  is gone when forget reports success.

Usage: store_safety_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import glob
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import tempfile
import threading
import time

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def document(source, entities, relations):
    return {"source": {"id": source, "title": f"Story {source}", "publisher": "Safety Daily",
                       "published": "2024-05-01", "language": "en"},
            "entities": entities, "relations": relations}


def person(ref, name):
    return {"ref": ref, "kind": "person", "name": name}


def company(ref, name):
    return {"ref": ref, "kind": "company", "name": name, "country": "US"}


def worked(a, b, quote):
    return {"kind": "worked_at", "from": a, "to": b, "start": "2020", "quote": quote}


def write_json(path, doc):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(doc, f)
    return path


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def stale_cache(run, tmp):
    db = os.path.join(tmp, "copy-test.db")
    base = write_json(os.path.join(tmp, "base.json"), document(
        "base", [person("ann", "Ann Lee"), company("acme", "Acme Robotics")],
        [worked("ann", "acme", "Ann Lee works at Acme Robotics.")]))
    a = write_json(os.path.join(tmp, "a.json"), document(
        "a", [person("ann", "Ann Lee"), person("bob", "Bob Stone"), company("xenon", "Xenon Labs")],
        [worked("ann", "xenon", "Ann Lee joined Xenon Labs."), worked("bob", "xenon", "Bob Stone joined Xenon Labs.")]))
    b = write_json(os.path.join(tmp, "b.json"), document(
        "b", [person("bob", "Bob Stone"), company("yotta", "Yotta Systems")],
        [worked("bob", "yotta", "Bob Stone joined Yotta Systems.")]))
    check(run(db, "ingest", base).returncode == 0, "stale cache: ingest base")
    shutil.copyfile(db, db + ".copy")
    check(run(db, "ingest", a).returncode == 0, "stale cache: ingest A")
    first = run(db, "path", "Ann Lee", "Bob Stone")
    check(first.returncode == 0 and "Xenon Labs" in first.stdout, f"stale cache: path after A: {first.stdout!r}")
    check(os.path.exists(db + ".tgsnap"), "stale cache: the query wrote no cache")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    shutil.copyfile(db + ".copy", db)
    check(run(db, "ingest", b).returncode == 0, "stale cache: ingest B")
    after = run(db, "path", "Ann Lee", "Bob Stone")
    check(after.returncode == 7 and "Xenon" not in after.stdout + after.stderr,
          f"stale cache: path after restoring and B: exit {after.returncode}, {after.stdout!r} {after.stderr!r}")


def not_a_store(run, tmp):
    empty = os.path.join(tmp, "empty.db")
    open(empty, "wb").close()
    other = os.path.join(tmp, "other.db")
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes(body) VALUES ('keep me')")
    con.commit()
    con.close()
    doc = write_json(os.path.join(tmp, "one.json"), document(
        "one", [person("ann", "Ann Lee"), company("acme", "Acme Robotics")],
        [worked("ann", "acme", "Ann Lee works at Acme Robotics.")]))
    for path in (empty, other):
        before = digest(path)
        for args in (["moves"], ["stats"], ["show", "Ann Lee"], ["rank"], ["forget", "Ann Lee"]):
            r = run(path, *args)
            check(r.returncode == 6 and f"{path} is not a talentgraph store" in r.stderr,
                  f"{os.path.basename(path)} {args[0]}: exit {r.returncode}, {r.stderr!r}")
        check(digest(path) == before, f"{os.path.basename(path)}: changed by the queries")
        for suffix in ("-wal", "-shm", ".tgsnap"):
            check(not os.path.exists(path + suffix), f"{os.path.basename(path)}: {suffix} made")
    before = digest(other)
    r = run(other, "ingest", doc)
    check(r.returncode == 6 and "is not a talentgraph store" in r.stderr, f"ingest into other.db: {r.returncode} {r.stderr!r}")
    check(digest(other) == before, "other.db: changed by ingest")
    con = sqlite3.connect(other)
    check(con.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0] == 1, "other.db: objects added")
    con.close()
    r = run(empty, "ingest", doc)
    check(r.returncode == 0, f"ingest into an empty file: {r.returncode} {r.stderr!r}")
    check(run(empty, "stats").returncode == 0, "stats after ingest into the empty file")


def read_only(run, tmp, binary):
    folder = os.path.join(tmp, "ro")
    os.mkdir(folder)
    db = os.path.join(folder, "graph.db")
    doc = write_json(os.path.join(tmp, "ro.json"), document(
        "ro", [person("ann", "Ann Lee"), person("bob", "Bob Stone"), company("acme", "Acme Robotics")],
        [worked("ann", "acme", "Ann Lee works at Acme Robotics."), worked("bob", "acme", "Bob Stone too.")]))
    check(run(db, "ingest", doc).returncode == 0, "read-only: ingest")
    queries = (["stats"], ["moves"], ["show", "Ann Lee"], ["path", "Ann Lee", "Bob Stone"],
               ["rank", "--metric", "betweenness", "--graph", "affiliation"], ["search", "ann"])
    # Queries write nothing to the file.
    before = digest(db)
    for args in queries:
        r = run(db, *args)
        check(r.returncode == 0, f"{args[0]}: exit {r.returncode} {r.stderr!r}")
    check(digest(db) == before, "a query changed the store file")
    if os.path.exists(db + ".tgsnap"):
        os.remove(db + ".tgsnap")

    # An unprivileged user when we are root (root reads and writes whatever the modes say).
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            print("SKIP: read-only folder and file: root, and no setpriv to drop privileges")
            return
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
        os.chmod(tmp, 0o755)

    def run_as(*args):
        return subprocess.run([*prefix, binary, "--db", db, *args], capture_output=True, text=True, timeout=60)

    # A read-only file in a folder others may write (the log's files can be made).
    os.chmod(folder, 0o777)
    os.chmod(db, 0o444)
    for args in queries:
        r = run_as(*args)
        check(r.returncode == 0, f"read-only file: {args[0]}: exit {r.returncode} {r.stderr!r}")
    check(digest(db) == before, "read-only file: changed")
    for leftover in glob.glob(db + "-*") + glob.glob(db + ".tgsnap*"):
        if os.path.isfile(leftover):
            os.remove(leftover)
    # A read-only folder: no DB-shm can be made; nothing is written, the answers are the same.
    os.chmod(folder, 0o555)
    try:
        listing = sorted(os.listdir(folder))
        for args in queries:
            r = run_as(*args)
            check(r.returncode == 0 and "readonly" not in r.stderr,
                  f"read-only folder: {args[0]}: exit {r.returncode} {r.stderr!r}")
        check(sorted(os.listdir(folder)) == listing, f"read-only folder: files made: {os.listdir(folder)}")
        show = run_as("show", "Ann Lee")
        check("Acme Robotics" in show.stdout, f"read-only folder: show: {show.stdout!r}")
    finally:
        os.chmod(folder, 0o755)
        os.chmod(db, 0o644)


def large_csv(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("person,organization,role,start,end,source_url\n")
        for i in range(rows):
            f.write(f"Person {i},Company {i % 997},Engineer,{2000 + i % 20},{2001 + i % 20},"
                    f"https://cv.example.org/p{i}\n")


def interrupted(binary, tmp):
    csv = os.path.join(tmp, "big.csv")
    large_csv(csv, 400_000)
    for sig, code in ((signal.SIGTERM, 143), (signal.SIGINT, 130), (signal.SIGKILL, None)):
        db = os.path.join(tmp, f"killed-{sig.name}.db")
        p = subprocess.Popen([binary, "--db", db, "ingest", csv], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True)
        deadline = time.monotonic() + 30
        while not glob.glob(db + ".loading-*") and p.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if p.poll() is not None:
            check(False, f"{sig.name}: the ingest ended before it could be interrupted ({p.returncode})")
            continue
        time.sleep(0.2)
        p.send_signal(sig)
        _, err = p.communicate(timeout=60)
        left = glob.glob(db + ".loading-*")
        if code is not None:
            check(p.returncode == code, f"{sig.name}: exit {p.returncode}, {err!r}")
            check(not left, f"{sig.name}: left {left}")
            check(not os.path.exists(db), f"{sig.name}: a store was made")
        else:
            check(left, "SIGKILL: nothing was left to clean (the test did not kill it mid-way)")
            r = subprocess.run([binary, "--db", db, "stats"], capture_output=True, text=True, timeout=60)
            check(r.returncode == 4, f"stats after SIGKILL: exit {r.returncode} {r.stderr!r}")
            left = glob.glob(db + ".loading-*")
            check(not left, f"SIGKILL: the next run left {left}")


def unsound(run, tmp):
    db = os.path.join(tmp, "unsound.db")
    doc = write_json(os.path.join(tmp, "u1.json"), document(
        "u1", [person("ann", "Ann Lee"), company("acme", "Acme Robotics")],
        [worked("ann", "acme", "Ann Lee works at Acme Robotics.")]))
    more = write_json(os.path.join(tmp, "u2.json"), document(
        "u2", [person("bob", "Bob Stone"), company("acme", "Acme Robotics")],
        [worked("bob", "acme", "Bob Stone works at Acme Robotics.")]))
    check(run(db, "ingest", doc).returncode == 0, "unsound: ingest")
    # An index whose content no longer matches its definition: integrity_check sees it.
    con = sqlite3.connect(db)
    con.execute("PRAGMA writable_schema = ON")
    con.execute("UPDATE sqlite_schema SET sql = 'CREATE INDEX aliases_by_key ON aliases(name)' "
                "WHERE name = 'aliases_by_key'")
    con.commit()
    con.close()
    before = digest(db)
    r = run(db, "ingest", more)
    check(r.returncode == 6 and "integrity check" in r.stderr, f"ingest into an unsound store: {r.returncode} {r.stderr!r}")
    check(digest(db) == before, "unsound: the store was written")
    # A rebuild checks once it knows it will write: with nothing to write (an empty folder) it
    # writes nothing and is not held up by a check of the whole store; a folder with a new file
    # is refused and writes nothing.
    folder = os.path.join(tmp, "unsound-sources")
    os.makedirs(folder)
    r = run(db, "rebuild", "--sources", folder)
    check(r.returncode == 0 and digest(db) == before, f"no-op rebuild of an unsound store: {r.returncode} {r.stderr!r}")
    shutil.copy(more, os.path.join(folder, "u2.json"))
    r = run(db, "rebuild", "--sources", folder)
    check(r.returncode == 6 and "integrity check" in r.stderr, f"rebuild into an unsound store: {r.returncode} {r.stderr!r}")
    check(digest(db) == before, "unsound: the rebuild wrote")


def forget_under_a_caching_reader(run, tmp):
    db = os.path.join(tmp, "forget.db")
    doc = write_json(os.path.join(tmp, "f.json"), document(
        "f", [person("zed", "Zed Quorum"), person("ann", "Ann Lee"), company("acme", "Acme Robotics")],
        [worked("zed", "acme", "Zed Quorum works at Acme Robotics."), worked("ann", "acme", "Ann Lee too.")]))
    check(run(db, "ingest", doc).returncode == 0, "forget: ingest")
    check(run(db, "path", "Ann Lee", "Zed Quorum").returncode == 0, "forget: path")
    con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    con.execute("BEGIN")
    con.execute("SELECT count(*) FROM aliases").fetchone()

    def reader():
        # What a query of the state before forget does at its end: write the cache it built.
        time.sleep(2)
        with open(db + ".tgsnap", "wb") as f:
            f.write(b"TGSNAP cache built before forget: Zed Quorum")
        time.sleep(0.5)
        con.execute("COMMIT")

    t = threading.Thread(target=reader)
    t.start()
    r = run(db, "forget", "Zed Quorum")
    t.join()
    con.close()
    check(r.returncode == 0 and "forgot Zed Quorum" in r.stderr, f"forget under a reader: {r.returncode} {r.stderr!r}")
    for name in os.listdir(tmp):
        if name.startswith("forget.db"):
            with open(os.path.join(tmp, name), "rb") as f:
                check(b"Zed Quorum" not in f.read(), f"forget reported success with the name still in {name}")


def main():
    binary, _src = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory(prefix="tg-safety-") as tmp:
        def run(db, *args):
            return subprocess.run([binary, "--db", db, *args], capture_output=True, text=True, timeout=120)

        stale_cache(run, tmp)
        not_a_store(run, tmp)
        read_only(run, tmp, binary)
        unsound(run, tmp)
        forget_under_a_caching_reader(run, tmp)
        interrupted(binary, tmp)
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
