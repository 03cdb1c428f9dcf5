#!/usr/bin/env python3
"""`forget` leaves no bytes of the person in the store's files, and rebuilds keep them out.

A sources folder names three people, each with aliases in several scripts and an external id, in
documents and a career CSV. It is rebuilt into a store, rebuilt again after a change (so a second
generation, and any log of rebuilds, exists), queried (so the snapshot cache DB.tgsnap holds every
name), and the three are forgotten, one by an alias in Hangul, one by external id, one by #ID; the
first while a reader holds a read transaction for longer than SQLite's busy timeout (forget must
wait for it to checkpoint and truncate the WAL: its bytes are searched for at once). Then every file beside the store (DB, DB-wal, DB-shm, DB.tgsnap, ...) is searched for
every alias and id, as written and case-folded, and again after a query, a rebuild with nothing
changed, one with every file touched, one with the files naming them changed, and --full: the
suppression holds (the people stay gone) and no byte comes back. Before forgetting, the same
search finds every name in the database and the snapshot cache, so it can fail.

Usage: forget_bytes_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

PEOPLE = {
    "mira": {"name": "Mira Castellanos", "aliases": ["미라 카스텔라노스", "ミラ・カステジャノス", "Мира Кастельянос"],
             "ids": {"wikidata": "Q98765432"}},
    "tomasz": {"name": "Tomasz Wierzbicki", "aliases": ["Томаш Вежбицкий", "托马什·韦日比茨基"],
               "ids": {"orcid": "0000-0002-1825-0097"}},
    "haruto": {"name": "Haruto Sato", "aliases": ["佐藤陽翔", "사토 하루토"], "ids": {"wikidata": "Q87654321"}},
}


def needles():
    """Every name and id of the three, as written and case-folded (alias keys are folded)."""
    out = set()
    for p in PEOPLE.values():
        for n in [p["name"], *p["aliases"], *p["ids"].values()]:
            out.add(n)
            out.add(n.casefold())
    return sorted(out)


def document(source, extra_relations=()):
    ents = [{"ref": "acme", "kind": "company", "name": "Acme Robotics", "country": "US"},
            {"ref": "bolt", "kind": "lab", "name": "Bolt Labs", "country": "KR"},
            {"ref": "ann", "kind": "person", "name": "Ann Lee", "aliases": ["앤 리"]}]
    rels = [{"kind": "worked_at", "from": "ann", "to": "acme", "start": "2020", "quote": "Ann Lee joined Acme Robotics."}]
    for ref, p in PEOPLE.items():
        ents.append({"ref": ref, "kind": "person", "name": p["name"], "aliases": p["aliases"], "ids": p["ids"]})
        rels.append({"kind": "worked_at", "from": ref, "to": "acme", "start": "2018", "end": "2022",
                     "quote": f"{p['name']} ({p['aliases'][0]}) worked at Acme Robotics."})
        rels.append({"kind": "moved", "from": ref, "to": "bolt", "left": "acme", "start": "2022",
                     "quote": f"{p['aliases'][-1]} left Acme Robotics for Bolt Labs."})
    rels.extend(extra_relations)
    return {"source": {"id": source, "title": "Acme loses researchers to Bolt Labs", "publisher": "Forget Daily",
                       "published": "2024-05-01", "language": "en"},
            "entities": ents, "relations": rels}


def careers(extra_rows=()):
    rows = ["person,organization,role,start,end,source_url,person_id,organization_kind,organization_country",
            "Ann Lee,Bolt Labs,Researcher,2024,,https://cv.example.org/1,,lab,KR"]
    for i, p in enumerate(PEOPLE.values()):
        scheme, value = next(iter(p["ids"].items()))
        rows.append(f"{p['name']},Acme Robotics,Engineer,2018,2022,https://cv.example.org/p{i},{scheme}:{value},company,US")
    rows.extend(extra_rows)
    return "\n".join(rows) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    binary = sys.argv[1]
    failures = []
    with tempfile.TemporaryDirectory(prefix="tg-forget-") as tmp:
        src, state = os.path.join(tmp, "sources"), os.path.join(tmp, "state")
        os.mkdir(state)
        db = os.path.join(state, "graph.db")

        def tg(*a):
            return subprocess.run([binary, "--db", db, *a], capture_output=True, text=True, timeout=120)

        def must(*a):
            r = tg(*a)
            if r.returncode != 0:
                sys.exit(f"FAIL: {' '.join(a)}: exit {r.returncode}: {r.stderr}")
            return r

        def found():
            """(file, needle) for every needle in every file of the state folder."""
            hits = []
            for name in sorted(os.listdir(state)):
                # Read by another process: closing a file of the database in this one would drop
                # the POSIX locks of the connection held open below (and so let the WAL go).
                data = subprocess.run(["cat", os.path.join(state, name)], capture_output=True, check=True).stdout
                hits += [(name, n) for n in needles() if n.encode("utf-8") in data]
            return hits

        def check(when):
            for name, n in found():
                failures.append(f"{when}: {n!r} found in {name}")
            for p in PEOPLE.values():
                for n in [p["name"], p["aliases"][0]]:
                    r = tg("show", n)
                    if r.returncode != 5:
                        failures.append(f"{when}: show {n!r}: exit {r.returncode} (5: no such entity expected)")
            r = tg("search", "Castellanos", "--format", "json")
            if r.returncode != 0 or json.loads(r.stdout or "null") != []:
                failures.append(f"{when}: search Castellanos: exit {r.returncode}, {r.stdout.strip()!r}")
            r = tg("show", "Ann Lee")
            if r.returncode != 0 or "Bolt Labs" not in r.stdout:
                failures.append(f"{when}: Ann Lee is not whole: exit {r.returncode}, {r.stderr!r}")

        write(os.path.join(src, "news", "a.json"), json.dumps(document("fb-a"), ensure_ascii=False))
        write(os.path.join(src, "careers.csv"), careers())
        must("rebuild", "--sources", src)
        # A connection kept open keeps the WAL: the last one to close would checkpoint and delete it.
        con = sqlite3.connect(db, timeout=30, check_same_thread=False, isolation_level=None)
        con.execute("SELECT count(*) FROM meta").fetchone()  # opens the WAL index: the connection counts
        # A change, so that a second rebuild writes (a second generation; log entries, if kept).
        write(os.path.join(src, "news", "b.json"), json.dumps(document("fb-b"), ensure_ascii=False))
        must("rebuild", "--sources", src)
        must("path", "Ann Lee", "Mira Castellanos")  # the snapshot cache, with every name
        must("stats")
        if not os.path.exists(db + ".tgsnap"):
            sys.exit("FAIL: no snapshot cache after a path query")
        # The search can fail: before forgetting it finds every needle in the database, and
        # every name in the cache (which holds names, not aliases or ids).
        before = found()
        in_db = {n for f, n in before if f == "graph.db"}
        in_cache = {n for f, n in before if f == "graph.db.tgsnap"}
        as_written = [n for p in PEOPLE.values() for n in [p["name"], *p["aliases"], *p["ids"].values()]]
        missing = [n for n in as_written if n not in in_db]
        if missing:
            failures.append(f"before forget, not found in the database (the search is broken?): {missing}")
        if not all(p["name"] in in_cache for p in PEOPLE.values()):
            failures.append(f"before forget, names not found in the snapshot cache: {sorted(in_cache)}")
        wal = db + "-wal"
        print(f"before forget: {len(before)} hits; WAL {os.path.getsize(wal) if os.path.exists(wal) else 0} bytes")

        # Haruto by #ID: the id from show --format json.
        r = must("show", "Haruto Sato", "--format", "json")
        haruto_id = json.loads(r.stdout)["id"]
        targets = ["미라 카스텔라노스", "orcid:0000-0002-1825-0097", f"#{haruto_id}"]

        # That connection holds a read transaction (a long query) while the first forget runs,
        # for longer than one wait of SQLite's busy timeout (10 s): forget must still empty the WAL.
        con.execute("BEGIN")
        con.execute("SELECT count(*) FROM aliases").fetchone()

        def end_reader():
            time.sleep(11)
            con.execute("COMMIT")

        t = threading.Thread(target=end_reader)
        t.start()
        wal_at_forget = os.path.getsize(wal) if os.path.exists(wal) else 0
        started = time.monotonic()
        r = tg("forget", targets[0])
        took = time.monotonic() - started
        if r.returncode != 0:
            failures.append(f"forget {targets[0]} under a reader: exit {r.returncode}: {r.stderr}")
        mira = PEOPLE["mira"]
        for name, n in found():
            if n in [mira["name"], *mira["aliases"], *mira["ids"].values()]:
                failures.append(f"right after forget {targets[0]} under a reader: {n!r} found in {name}")
        t.join()
        con.close()
        print(f"forget with a reader holding a transaction for 11 s and a {wal_at_forget}-byte WAL: {took:.2f} s")
        if wal_at_forget == 0:
            failures.append("the WAL was empty when forget ran: the test did not cover it")
        for target in targets[1:]:
            r = tg("forget", target)
            if r.returncode != 0:
                failures.append(f"forget {target}: exit {r.returncode}: {r.stderr}")
        check("after forget")
        must("path", "Ann Lee", "Bolt Labs")  # writes the snapshot cache again
        check("after forget and a query")

        must("rebuild", "--sources", src)
        check("after a rebuild with nothing changed")
        for folder, _, files in os.walk(src):
            for f in files:
                os.utime(os.path.join(folder, f))
        must("rebuild", "--sources", src)
        check("after a rebuild of touched files")
        # The files naming them change: they are read again, and the suppression must hold.
        write(os.path.join(src, "news", "a.json"), json.dumps(document("fb-a", [
            {"kind": "worked_at", "from": "ann", "to": "bolt", "start": "2024", "quote": "Ann Lee joined Bolt Labs."}]),
            ensure_ascii=False))
        write(os.path.join(src, "careers.csv"), careers(["Ann Lee,Acme Robotics,Advisor,2023,,https://cv.example.org/2,,company,US"]))
        r = must("rebuild", "--sources", src)
        if "changed" not in r.stderr:
            failures.append(f"the changed files were not read again: {r.stderr}")
        must("path", "Ann Lee", "Bolt Labs")
        check("after a rebuild of the changed files naming them")
        must("rebuild", "--sources", src, "--full")
        must("moves", "--format", "json")
        must("path", "Ann Lee", "Bolt Labs")
        check("after rebuild --full")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print(f"ok: {len(needles())} names and ids of 3 forgotten people in no file of the store, across 4 rebuilds")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
