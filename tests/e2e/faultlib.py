"""Shared by the fault tests (crash_test.py, reader_test.py, diskfull_test.py): a generated folder
of sources large enough that a rebuild takes a while, a change set to apply to it, and a
canonical dump of a store to tell its states apart.

Everything is deterministic for a seed, modification times included (files are dated, never
"now"), so two rebuilds of one folder from one store give byte-for-byte the same tables.
"""
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess

# The write log (rebuilds, rebuild_moves) records when each write ran: with the clock frozen, as
# the golden runner freezes it, two rebuilds of one folder from one store give the same tables
# and a state can be compared whole. Every talentgraph these tests start inherits it.
os.environ.setdefault("TALENTGRAPH_NOW", "2026-11-01T03:00:00Z")

COUNTRIES = ["US", "CN", "KR", "JP", "DE", "FR", "GB", "CA", "IN", "SG"]
KINDS = ["company", "lab", "university"]
ROLES = ["Engineer", "Researcher", "Scientist", "Manager", "Director"]
SYLLABLES = ["ka", "ri", "mo", "ta", "se", "nu", "lo", "vi", "da", "pe", "shu", "ren", "min", "jo", "ha", "el"]
# Base files are dated BASE_TIME, changed and added ones CHANGE_TIME: both long past, so the
# manifest keeps their mtimes (a file changed within 2 s of a rebuild is stored without one).
BASE_TIME = 1_600_000_000
CHANGE_TIME = 1_700_000_000


def _name(rng, words):
    return " ".join("".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() for _ in range(words))


class World:
    """People and organisations the files draw from: names unique, fixed by the seed."""

    def __init__(self, seed, people, organisations):
        rng = random.Random(seed)
        seen = set()

        def unique(words):
            while True:
                n = _name(rng, words)
                if n not in seen:
                    seen.add(n)
                    return n

        self.orgs = [(unique(1) + " " + rng.choice(["Systems", "Labs", "AI", "Robotics", "Institute"]),
                      KINDS[i % 3], COUNTRIES[i % len(COUNTRIES)]) for i in range(organisations)]
        self.people = [unique(2) for _ in range(people)]


def _document(world, rng, source_id, people):
    """An extraction document: each person with two dated stints and the move between them."""
    entities, relations, refs = [], [], {}

    def ref_org(i):
        name, kind, country = world.orgs[i]
        if name not in refs:
            refs[name] = f"o{len(refs)}"
            entities.append({"ref": refs[name], "kind": kind, "name": name, "country": country})
        return refs[name]

    for p in people:
        pref = f"p{len(entities)}"
        entities.append({"ref": pref, "kind": "person", "name": world.people[p]})
        a, b = rng.sample(range(len(world.orgs)), 2)
        y = rng.randint(1995, 2020)
        oa, ob = ref_org(a), ref_org(b)
        relations.append({"kind": "worked_at", "from": pref, "to": oa, "start": str(y), "end": str(y + 2),
                          "quote": f"{world.people[p]} worked at {world.orgs[a][0]}."})
        relations.append({"kind": "moved", "from": pref, "to": ob, "left": oa, "start": str(y + 2),
                          "quote": f"{world.people[p]} left {world.orgs[a][0]} for {world.orgs[b][0]}."})
        relations.append({"kind": "worked_at", "from": pref, "to": ob, "start": str(y + 2),
                          "quote": f"{world.people[p]} joined {world.orgs[b][0]}."})
    return {"source": {"id": source_id, "title": f"Hires {source_id}", "publisher": "Synthetic Daily",
                       "published": "2024-06-01", "language": "en"},
            "entities": entities, "relations": relations}


def _csv(world, rng, name, rows):
    lines = ["person,organization,role,start,end,source_url,person_id,organization_kind,organization_country"]
    while len(lines) <= rows:
        p = rng.randrange(len(world.people))
        person = world.people[p]
        y = rng.randint(1990, 2018)
        last = None
        for k in range(rng.randint(1, 4)):
            o = rng.randrange(len(world.orgs))
            if o == last:
                continue
            last = o
            org, kind, country = world.orgs[o]
            end = "" if k == 3 else str(y + 2)
            lines.append(f"{person},{org},{rng.choice(ROLES)},{y},{end},https://cv.example.org/{name}/{p},"
                         f"{name}:{p},{kind},{country}")
            y += 2
    return "\n".join(lines) + "\n"


def _write(path, text, when):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    os.utime(path, (when, when))


def write_sources(folder, seed=1, documents=300, csv_files=8, csv_rows=3000, people=6000, organisations=400):
    """The base folder: `documents` extraction documents (news/dNNNN.json, 5 people each) and
    `csv_files` career CSV files (careers/cNN.csv, `csv_rows` rows each). Returns the World, whose
    `fixed` are the people of d0000."""
    import json
    world = World(seed, people, organisations)
    rng = random.Random(seed + 1)
    for d in range(documents):
        chosen = rng.sample(range(people), 5)
        if d == 0:
            world.fixed = [world.people[p] for p in chosen]
        doc = _document(world, rng, f"syn-{d:04d}", chosen)
        _write(os.path.join(folder, "news", f"d{d:04d}.json"), json.dumps(doc), BASE_TIME + d)
    for c in range(csv_files):
        _write(os.path.join(folder, "careers", f"c{c:02d}.csv"), _csv(world, rng, f"c{c:02d}", csv_rows), BASE_TIME + c)
    return world


def change_sources(folder, seed=1, documents=300, csv_files=8, csv_rows=3000, people=6000, organisations=400,
                   fraction=0.2):
    """The change set: a `fraction` of the documents rewritten, as many removed and added; a CSV
    file rewritten (c01), one removed (the last), one added. Files c00 and d0000 stay, for queries."""
    import json
    world = World(seed, people, organisations)
    rng = random.Random(seed + 2)
    k = max(1, int(documents * fraction))
    picked = rng.sample(range(1, documents), min(documents - 1, 2 * k))
    for d in picked[:k]:
        doc = _document(world, rng, f"syn-{d:04d}", rng.sample(range(people), 5))
        _write(os.path.join(folder, "news", f"d{d:04d}.json"), json.dumps(doc), CHANGE_TIME + d)
    for d in picked[k:]:
        os.remove(os.path.join(folder, "news", f"d{d:04d}.json"))
    for d in range(documents, documents + k):
        doc = _document(world, rng, f"syn-{d:04d}", rng.sample(range(people), 5))
        _write(os.path.join(folder, "news", f"d{d:04d}.json"), json.dumps(doc), CHANGE_TIME + d)
    if csv_files >= 3:
        _write(os.path.join(folder, "careers", "c01.csv"), _csv(world, rng, "c01", csv_rows), CHANGE_TIME + 1)
        os.remove(os.path.join(folder, "careers", f"c{csv_files - 1:02d}.csv"))
    _write(os.path.join(folder, "careers", f"c{csv_files:02d}.csv"), _csv(world, rng, f"c{csv_files:02d}", csv_rows),
           CHANGE_TIME + csv_files)


def query_people(world):
    """Two people of file d0000 (never changed): the ends of a `path` query."""
    return world.fixed[0], world.fixed[1]


STORE_FILES = ("", "-wal", "-shm", ".lock", ".tgsnap")


def copy_store(src_db, dst_db):
    """Copies a closed store (the database and its WAL, if any) to another path."""
    for suffix in ("", "-wal", "-shm", ".tgsnap"):
        if os.path.exists(dst_db + suffix):
            os.remove(dst_db + suffix)
    for suffix in ("", "-wal"):
        if os.path.exists(src_db + suffix):
            shutil.copyfile(src_db + suffix, dst_db + suffix)


def leftovers(db):
    """Files beside the store that are not the store's own: what a killed run left, if anything."""
    folder, base = os.path.split(db)
    own = {base + s for s in STORE_FILES}
    return sorted(n for n in os.listdir(folder) if n.startswith(base) and n not in own)


def fingerprint(db, integrity=True):
    """(integrity_check result, SHA3 of every table's content) by the sqlite3 shell: fast.
    Without `integrity`, the first is "ok" unchecked."""
    # Every table's content but meta's write_id (16 random bytes set by each commit: two rebuilds
    # of the same content differ there by design).
    con = sqlite3.connect(db)
    try:
        tables = sorted(n for (n,) in con.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                                   "AND name <> 'meta' AND name NOT LIKE 'sqlite%'"))
    finally:
        con.close()
    script = [*(["PRAGMA integrity_check;"] if integrity else []), *[f".sha3sum {t}" for t in tables],
              "SELECT key || '=' || quote(value) FROM meta WHERE key <> 'write_id' ORDER BY key;"]
    r = subprocess.run(["sqlite3", db], input="\n".join(script) + "\n",
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        return f"sqlite3 failed: {r.stderr.strip()}", None
    lines = r.stdout.split("\n")
    if not integrity:
        return "ok", "\n".join(lines).strip()
    return lines[0].strip(), "\n".join(lines[1:]).strip()


def dump(db):
    """The canonical dump: every ordinary table's rows, sorted, as a dict of sorted lists (slow;
    the fallback when fingerprints differ, which could also be a difference of row order only)."""
    con = sqlite3.connect(db)
    try:
        tables = [n for (n, sql) in con.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'table'")
                  if not sql.upper().startswith("CREATE VIRTUAL")]
        out = {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        # meta's write_id is random by design (set by every commit): not part of the content.
        if "meta" in out:
            out["meta"] = sorted(map(repr, con.execute("SELECT * FROM meta WHERE key <> 'write_id'")))
        return out
    finally:
        con.close()


def dump_digest(d):
    h = hashlib.sha256()
    for t in sorted(d):
        h.update(t.encode())
        for row in d[t]:
            h.update(row.encode())
    return h.hexdigest()


def counts(db):
    con = sqlite3.connect(db)
    try:
        return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                for t in ("entities", "aliases", "relations", "claims", "sources", "source_files")}
    finally:
        con.close()


def first_difference(a, b):
    for t in sorted(set(a) | set(b)):
        if a.get(t) != b.get(t):
            only_a = sorted(set(a.get(t, [])) - set(b.get(t, [])))[:2]
            only_b = sorted(set(b.get(t, [])) - set(a.get(t, [])))[:2]
            return f"table {t}: {len(a.get(t, []))} vs {len(b.get(t, []))} rows; e.g. {only_a} / {only_b}"
    return "none"


def read_pty(master, timeout=30):
    """Everything written to the pseudo-terminal whose master end is `master` until the child
    closes its end (or `timeout` seconds pass with nothing written); closes `master`."""
    import select
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], timeout)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return out
