#!/usr/bin/python3
"""Checks the extraction schema, the seed documents and the small fixture.

Usage: test_schema.py [PROJECT_SOURCE_DIR]

- the schema is a valid draft 2020-12 schema, uses only plain keywords, closes every object and
  describes every property (so it can serve as an LLM structured-output schema);
- data/seed/*.json(l) and tests/fixtures/small/*.json(l) validate against it;
- hand-written bad documents are rejected;
- the documents also hold what the schema cannot check: unique refs, defined refs, the kind
  constraints of each relation, field/kind pairings, real calendar dates, quotes of at most 300
  characters;
- tests/fixtures/small/careers.csv and data/curation.json are well formed.

Prints one line per failure and 'N passed, N failed'; exits 1 on any failure.
Needs only the standard library and python3-jsonschema.
"""

import copy
import csv
import datetime
import glob
import json
import os
import re
import sys

try:
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover
    print("python3-jsonschema is missing (apt-get install -y python3-jsonschema)")
    print("0 passed, 1 failed")
    sys.exit(1)

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
SCHEMA_PATH = os.path.join(ROOT, "data", "schema", "extraction.schema.json")

passed = 0
failed = 0


def check(ok, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL: {what}")
    return ok


# ---------------------------------------------------------------------------------------------
# The contract, as the parser enforces it.

PERSON = {"person"}
ORG = {"company", "lab", "university", "agency"}
PLACE = {"place"}
SIGNATURES = {
    "worked_at": (PERSON, ORG),
    "studied_at": (PERSON, {"university"}),
    "founded": (PERSON, ORG),
    "leads": (PERSON, ORG),
    "moved": (PERSON, ORG),
    "recruits_from": (ORG, ORG),
    "approached": (ORG, PERSON),
    "part_of": (ORG, ORG),
    "office_in": (ORG, PLACE),
    "headquartered_in": (ORG, PLACE),
    "located_in": (PLACE, PLACE),
    "issued": ({"agency"}, {"regulation"}),
    "restricts": ({"regulation"}, ORG | PLACE | PERSON | {"product"}),
    "made_by": ({"product"}, ORG),
}
STATUSES = {"issued": {"proposed", "in_force", "revoked"}, "part_of": {"current", "spin_off_planned", "spun_off"}}
DATE_RE = re.compile(r"^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$")
ALLOWED_KEYWORDS = {"$schema", "type", "enum", "pattern", "required", "properties", "items", "minimum", "maximum",
                    "minLength", "maxLength", "description", "$defs", "$ref", "format", "additionalProperties"}


def date_interval(text):
    """(first day, last day) of a partial date, or None when it is not a real date."""
    if not isinstance(text, str) or not DATE_RE.match(text):
        return None
    parts = [int(p) for p in text.split("-")]
    if parts[0] < 1000:
        return None
    try:
        if len(parts) == 1:
            return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)
        if len(parts) == 2:
            first = datetime.date(parts[0], parts[1], 1)
            nxt = datetime.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return first, nxt - datetime.timedelta(days=1)
        day = datetime.date(*parts)
        return day, day
    except ValueError:
        return None


def invariant_errors(doc):
    """What the schema cannot see. Returns a list of messages (empty: fine)."""
    errors = []
    kinds = {}
    for i, e in enumerate(doc.get("entities", [])):
        ref = e.get("ref")
        if ref in kinds:
            errors.append(f"entities[{i}]: ref '{ref}' defined twice")
        kinds[ref] = e.get("kind")
    seen = set()
    for i, r in enumerate(doc.get("relations", [])):
        where = f"relations[{i}] ({r.get('kind')} {r.get('from')} -> {r.get('to')})"
        kind = r.get("kind")
        for field in ("from", "to", "left"):
            if field in r and r[field] not in kinds:
                errors.append(f"{where}: {field} '{r[field]}' is not a defined ref")
        sig = SIGNATURES.get(kind)
        if sig is None:
            errors.append(f"{where}: unknown kind")
            continue
        if r.get("from") in kinds and kinds[r["from"]] not in sig[0]:
            errors.append(f"{where}: from is a {kinds[r['from']]}, {kind} takes {sorted(sig[0])}")
        if r.get("to") in kinds and kinds[r["to"]] not in sig[1]:
            errors.append(f"{where}: to is a {kinds[r['to']]}, {kind} takes {sorted(sig[1])}")
        if "former" in r and kind != "worked_at":
            errors.append(f"{where}: 'former' is only for worked_at")
        if "left" in r:
            if kind != "moved":
                errors.append(f"{where}: 'left' is only for moved")
            elif r["left"] in kinds and kinds[r["left"]] not in ORG:
                errors.append(f"{where}: left is a {kinds[r['left']]}, not an organisation")
        if "location" in r:
            if kind != "worked_at":
                errors.append(f"{where}: 'location' is only for worked_at")
            elif r["location"] not in kinds:
                errors.append(f"{where}: location '{r['location']}' is not a defined ref")
            elif kinds[r["location"]] != "place":
                errors.append(f"{where}: location is a {kinds[r['location']]}, not a place")
        if "status" in r and r["status"] not in STATUSES.get(kind, set()):
            errors.append(f"{where}: status '{r['status']}' not allowed for {kind}")
        for field in ("start", "end"):
            if field in r and date_interval(r[field]) is None:
                errors.append(f"{where}: {field} '{r[field]}' is not a real date")
        if "start" in r and "end" in r:
            s, e = date_interval(r["start"]), date_interval(r["end"])
            if s and e and s[0] > e[1]:
                errors.append(f"{where}: ends before it starts")
        if "quote" in r and len(r["quote"]) > 300:
            errors.append(f"{where}: quote longer than 300 characters ({len(r['quote'])})")
        key = (kind, r.get("from"), r.get("to"), r.get("left"), r.get("start"), r.get("end"), r.get("role"),
               r.get("former"))
        if key in seen:
            errors.append(f"{where}: duplicate relation")
        seen.add(key)
    src = doc.get("source", {})
    if "published" in src and date_interval(src["published"]) is None:
        errors.append(f"source.published '{src['published']}' is not a real date")
    return errors


def load_documents(path):
    """A .json file is one document, a .jsonl file one per non-empty line."""
    with open(path, encoding="utf-8") as f:
        if path.endswith(".jsonl"):
            return [(f"{path}:{n}", json.loads(line)) for n, line in enumerate(f, 1) if line.strip()]
        return [(path, json.load(f))]


# ---------------------------------------------------------------------------------------------
# The schema itself.

with open(SCHEMA_PATH, encoding="utf-8") as f:
    schema = json.load(f)
try:
    Draft202012Validator.check_schema(schema)
    check(True, "schema is a valid draft 2020-12 schema")
except Exception as exc:  # noqa: BLE001
    check(False, f"schema is not a valid draft 2020-12 schema: {exc}")
check(schema.get("$schema") == "https://json-schema.org/draft/2020-12/schema", "schema declares draft 2020-12")
validator = Draft202012Validator(schema)


def walk_schema(node, path, problems):
    """Plain keywords only; every object closed; every property described."""
    if not isinstance(node, dict):
        return
    for key in node:
        if key not in ALLOWED_KEYWORDS:
            problems.append(f"{path}: keyword '{key}' is not plain")
    if node.get("type") == "object":
        if node.get("additionalProperties") is not False:
            problems.append(f"{path}: object without additionalProperties: false")
        for name in node.get("required", []):
            if name not in node.get("properties", {}):
                problems.append(f"{path}: required '{name}' is not a property")
    for name, sub in node.get("properties", {}).items():
        if not isinstance(sub, dict) or not sub.get("description"):
            problems.append(f"{path}/properties/{name}: no description")
        walk_schema(sub, f"{path}/properties/{name}", problems)
    for name, sub in node.get("$defs", {}).items():
        walk_schema(sub, f"{path}/$defs/{name}", problems)
    if isinstance(node.get("items"), dict):
        walk_schema(node["items"], f"{path}/items", problems)


problems = []
walk_schema(schema, "#", problems)
for p in problems:
    check(False, f"schema: {p}")
check(not problems, "schema uses plain keywords, closed objects and described properties")

# The enums in the schema are the contract's.
defs = schema.get("$defs", {})
check(set(defs["entity"]["properties"]["kind"]["enum"]) == PERSON | ORG | PLACE | {"regulation", "product"},
      "schema entity kinds match the contract")
check(set(defs["relation"]["properties"]["kind"]["enum"]) == set(SIGNATURES), "schema relation kinds match the contract")
check(set(defs["relation"]["properties"]["status"]["enum"]) == set().union(*STATUSES.values()),
      "schema statuses match the contract")

# ---------------------------------------------------------------------------------------------
# The repository's documents.

doc_paths = sorted(glob.glob(os.path.join(ROOT, "data", "seed", "*.json")) +
                   glob.glob(os.path.join(ROOT, "data", "seed", "*.jsonl")) +
                   glob.glob(os.path.join(ROOT, "tests", "fixtures", "small", "*.json")) +
                   glob.glob(os.path.join(ROOT, "tests", "fixtures", "small", "*.jsonl")))
check(any("/data/seed/" in p for p in doc_paths), "there is a seed document")
check(any("/fixtures/small/" in p for p in doc_paths), "there is a fixture document")
documents = {}
for path in doc_paths:
    rel = os.path.relpath(path, ROOT)
    try:
        docs = load_documents(path)
    except (OSError, ValueError) as exc:
        check(False, f"{rel}: cannot read: {exc}")
        continue
    for where, doc in docs:
        where = os.path.relpath(where, ROOT)
        documents[where] = doc
        errs = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        for e in errs:
            check(False, f"{where}: schema: /{'/'.join(map(str, e.absolute_path))}: {e.message}")
        check(not errs, f"{where} validates against the schema")
        inv = invariant_errors(doc)
        for e in inv:
            check(False, f"{where}: {e}")
        check(not inv, f"{where} holds the invariants")

seed = documents.get(os.path.join("data", "seed", "sedaily-2024-11-19-ai-talent.json"))
if check(seed is not None, "the seed article's document exists"):
    s = seed["source"]
    check(s["id"] == "sedaily-2024-11-19-ai-talent" and s["published"] == "2024-11-19" and s["language"] == "ko"
          and s.get("based_on") == "Financial Times, 2024-11-18" and "url" not in s, "seed source record")
    names = {e["name"] for e in seed["entities"]}
    for n in ("Alibaba Group", "ByteDance", "Meituan", "Moonshot AI", "OpenAI", "Google Brain", "Nvidia",
              "Wang Xing", "Wang Huiwen", "Wu Yuxin", "GN06", "TikTok"):
        check(n in names, f"seed has entity '{n}'")
    rels = {(r["kind"], r["from"], r["to"]) for r in seed["relations"]}
    for key in (("founded", "wu-yuxin", "moonshot-ai"), ("leads", "wang-huiwen", "gn06"),
                ("part_of", "google-brain", "google"), ("made_by", "tiktok", "bytedance"),
                ("approached", "meituan", "former-openai-researcher"), ("recruits_from", "alibaba", "openai")):
        check(key in rels, f"seed has relation {key}")
    # Only well-known geography and Google Brain's parent come without a quote from the article.
    unquoted = {(r["kind"], r["from"], r["to"]) for r in seed["relations"] if "quote" not in r}
    check(all(k == ("part_of", "google-brain", "google") or k[0] == "located_in" for k in unquoted),
          f"seed relations carry quotes (unquoted: {sorted(unquoted)})")
    check(all("confidence" in r for r in seed["relations"]), "seed relations carry a confidence")

# ---------------------------------------------------------------------------------------------
# Bad documents: the schema or the invariants must reject each.

GOOD = {
    "source": {"id": "t-1", "title": "T", "publisher": "P", "published": "2024-01", "language": "en"},
    "entities": [
        {"ref": "p", "kind": "person", "name": "P Q"},
        {"ref": "o", "kind": "company", "name": "O", "country": "US", "ids": {"wikidata": "Q1"}},
        {"ref": "x", "kind": "company", "name": "X"},
        {"ref": "r", "kind": "regulation", "name": "R"},
    ],
    "relations": [
        {"kind": "worked_at", "from": "p", "to": "o", "start": "2024", "confidence": 0.5},
        {"kind": "moved", "from": "p", "to": "o", "left": "x", "start": "2024-02-29"},
    ],
}
check(not list(validator.iter_errors(GOOD)) and not invariant_errors(GOOD), "a minimal good document passes")


def bad(description, mutate, by="schema"):
    doc = copy.deepcopy(GOOD)
    mutate(doc)
    if by == "schema":
        check(bool(list(validator.iter_errors(doc))), f"schema rejects: {description}")
    else:
        check(bool(invariant_errors(doc)), f"invariants reject: {description}")


def setter(path, value):
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    return mutate


def deleter(path):
    def mutate(doc):
        node = doc
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]
    return mutate


bad("unknown entity kind", setter(["entities", 0, "kind"], "robot"))
bad("unknown relation kind", setter(["relations", 0, "kind"], "hired_by"))
bad("month 13", setter(["relations", 0, "start"], "2024-13"))
bad("day 32", setter(["relations", 0, "end"], "2024-01-32"))
bad("date with slashes", setter(["source", "published"], "2024/01/18"))
bad("two-digit year", setter(["relations", 0, "start"], "24"))
bad("confidence 1.5", setter(["relations", 0, "confidence"], 1.5))
bad("negative confidence", setter(["relations", 0, "confidence"], -0.1))
bad("confidence as a string", setter(["relations", 0, "confidence"], "0.5"))
bad("extra top-level key", setter(["extra"], 1))
bad("extra relation key", setter(["relations", 0, "weight"], 1))
bad("extra entity key", setter(["entities", 0, "gender"], "f"))
bad("extra source key", setter(["source", "author"], "A"))
bad("missing source.id", deleter(["source", "id"]))
bad("missing source", deleter(["source"]))
bad("missing relations", deleter(["relations"]))
bad("missing entity name", deleter(["entities", 0, "name"]))
bad("empty entity name", setter(["entities", 0, "name"], ""))
bad("upper-case ref", setter(["entities", 0, "ref"], "P"))
bad("source id with a space", setter(["source", "id"], "t 1"))
bad("lower-case country", setter(["entities", 1, "country"], "us"))
bad("bad wikidata id", setter(["entities", 1, "ids"], {"wikidata": "1359568"}))
bad("unknown status", setter(["relations", 0, "status"], "maybe"))
bad("former not a boolean", setter(["relations", 0, "former"], "yes"))
bad("entities not an array", setter(["entities"], {}))
bad("dangling to", setter(["relations", 0, "to"], "nobody"), by="invariants")
bad("dangling left", setter(["relations", 1, "left"], "nobody"), by="invariants")
bad("duplicate ref", lambda d: d["entities"].append({"ref": "p", "kind": "person", "name": "Other"}), by="invariants")
bad("worked_at person -> regulation", setter(["relations", 0, "to"], "r"), by="invariants")
bad("worked_at from an organisation", setter(["relations", 0, "from"], "x"), by="invariants")
bad("studied_at a company", setter(["relations", 0, "kind"], "studied_at"), by="invariants")
bad("former on moved", setter(["relations", 1, "former"], True), by="invariants")
bad("left on worked_at", setter(["relations", 0, "left"], "x"), by="invariants")
bad("status on worked_at", setter(["relations", 0, "status"], "current"), by="invariants")
bad("issued status on part_of", lambda d: d["relations"].append(
    {"kind": "part_of", "from": "x", "to": "o", "status": "proposed"}), by="invariants")
bad("February 30", setter(["relations", 0, "start"], "2023-02-30"), by="invariants")
bad("ends before it starts", lambda d: d["relations"][0].update(start="2024-05", end="2023"), by="invariants")
bad("quote over 300 characters", setter(["relations", 0, "quote"], "x" * 301), by="invariants")

# JSON Lines: one document per line, each validated.
lines = [json.dumps(GOOD), json.dumps({**GOOD, "source": {**GOOD["source"], "id": "t-2"}})]
check(all(not list(validator.iter_errors(json.loads(line))) for line in lines), "JSON Lines documents validate one by one")

# ---------------------------------------------------------------------------------------------
# The CSV career histories of the fixture.

csv_path = os.path.join(ROOT, "tests", "fixtures", "small", "careers.csv")
if check(os.path.exists(csv_path), "tests/fixtures/small/careers.csv exists"):
    with open(csv_path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = list(reader)
    check(header[:6] == ["person", "organization", "role", "start", "end", "source_url"], "careers.csv header")
    check(set(header[6:]) <= {"person_id", "organization_kind", "organization_country"}, "careers.csv optional columns")
    for n, row in enumerate(rows, 2):
        ok = bool(row["person"] and row["organization"] and None not in row)
        ok = ok and all(date_interval(row[c]) is not None for c in ("start", "end") if row[c])
        ok = ok and (not row.get("organization_kind") or row["organization_kind"] in ORG)
        ok = ok and (not row.get("organization_country") or re.match(r"^[A-Z]{2}$", row["organization_country"]))
        check(bool(ok), f"careers.csv line {n} is well formed")
    check(any("," in r["role"] or "," in r["organization"] for r in rows), "careers.csv has a quoted field with a comma")
    check(any(not r["end"] for r in rows), "careers.csv has an empty end date")
    check(any(re.match(r"^[0-9]{4}$", r["start"]) for r in rows), "careers.csv has a year-only date")
    world = documents.get(os.path.join("tests", "fixtures", "small", "world.json"), {})
    people = {e["name"] for e in world.get("entities", []) if e["kind"] == "person"}
    check(bool(people & {r["person"] for r in rows}), "careers.csv shares a person with world.json")

# ---------------------------------------------------------------------------------------------
# Curation rules.

cur_path = os.path.join(ROOT, "data", "curation.json")
try:
    with open(cur_path, encoding="utf-8") as f:
        cur = json.load(f)
    strings = lambda xs: isinstance(xs, list) and all(isinstance(x, str) and x for x in xs)  # noqa: E731
    check(isinstance(cur, dict) and set(cur) == {"same_as", "not_same_as", "forget"}, "curation.json keys")
    check(all(strings(g) and len(g) >= 2 for g in cur.get("same_as", [])), "curation same_as groups")
    check(all(strings(g) and len(g) == 2 for g in cur.get("not_same_as", [])), "curation not_same_as pairs")
    check(strings(cur.get("forget")), "curation forget list")
except (OSError, ValueError) as exc:
    check(False, f"data/curation.json: {exc}")

print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
