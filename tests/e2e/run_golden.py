#!/usr/bin/env python3
"""Golden end-to-end tests of the talentgraph CLI.

A *.test file declares its data sets, then holds cases:

    dataset: seed = ingest {src}/data/seed   (before the first case: a database built by running
                                              `talentgraph --db DB ARGS`; several lines of one
                                              name are its steps, in order)

    === name of the case
    setup: seed                          (the data set the case starts from, or none; each case
                                          gets a fresh copy)
    run: moves --to "Moonshot AI"        (arguments after `talentgraph --db DB`; {src} = source tree,
                                          {tmp} = the case's own temporary folder)
    run: stats                           (several run: lines run in order, their outputs concatenated)
    run: TALENTGRAPH_NOW=2026-11-02T03:00:00Z rebuild …
                                         (leading NAME=VALUE words set the run's environment; every
                                          run, data sets too, has TALENTGRAPH_NOW=2026-11-01T03:00:00Z
                                          unless it says otherwise: the write log's clock, frozen;
                                          and no COLUMNS unless it says so)
    exit: 3 0                            (the exit status of each run, in order)
    check: store-unchanged               (optional: the case's database is the same after the runs
                                          as before them — a canonical dump of it, Python's sqlite3
                                          iterdump, hashed before and after — and no file beside it
                                          appeared or went, so a missing database stays missing and
                                          a failed first ingest leaves no DB.loading-PID; the case
                                          fails otherwise)
    generate: deep-json {tmp}/deep.json 100000
                                         (optional, before the runs: writes an input too big or too
                                          odd to commit; the generators are GENERATORS below:
                                          deep-json PATH DEPTH, long-line PATH FORMAT BYTES,
                                          bytes PATH ESCAPED-TEXT (Python escapes: \x00, \n),
                                          fifo PATH, folder PATH)
    --- stdout
    ...exact expected stdout...
    --- stderr
    ...exact expected stderr (optional section)...

A case's id is FILE/SLUG: the file's name without .test, then the case's name without its
leading "FILE: ", lower-cased, with every run of other characters than a-z and 0-9 as one "-"
("seed: stats as a table" in seed.test is seed/stats-as-a-table). CTest runs each case as
golden/ID (tests/e2e/CMakeLists.txt).

Usage:
  run_golden.py --list [FILE...]
      prints the id of every case, one a line (FILE...: every *.test beside this script)
  run_golden.py TALENTGRAPH_BINARY SOURCE_DIR [--case ID]... [--datasets DIR] [--update] [FILE...]
      runs the cases of the files, or only the cases named by --case, each in a temporary folder
      of its own (runs may go in parallel); a data set is taken from DIR when --prepare put it
      there, else built once per run. --update rewrites the expected sections from what the
      binary prints (review the diff!).
  run_golden.py TALENTGRAPH_BINARY SOURCE_DIR --prepare DIR [FILE...]
      builds every data set of the files into DIR, for the runs given --datasets DIR (CTest's
      fixture golden/datasets).
"""
import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


class GoldenError(Exception):
    pass


def slug(text):
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def parse(path):
    """The file's header lines (kept verbatim for --update), its data sets and its cases."""
    stem = os.path.basename(path)[: -len(".test")] if path.endswith(".test") else os.path.basename(path)
    header, datasets, cases, case, section = [], {}, [], None, None
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    for number, line in enumerate(lines, 1):
        if line.startswith("=== "):
            name = line[4:]
            short = name[len(stem) + 2 :] if name.startswith(stem + ": ") else name
            case = {"name": name, "id": f"{stem}/{slug(short)}", "setup": "none", "run": [], "exit": "0",
                    "stdout": [], "stderr": None, "where": f"{path}:{number}", "check": [], "generate": []}
            cases.append(case)
            section = None
        elif case is None:
            header.append(line)
            if line.startswith("dataset: "):
                name, eq, args = line[len("dataset: "):].partition("=")
                if not eq or not name.strip() or name.strip() == "none":
                    raise GoldenError(f"{path}:{number}: expected `dataset: NAME = TALENTGRAPH ARGUMENTS`")
                datasets.setdefault(name.strip(), []).append(args.strip())
        elif section is None and line.startswith("setup: "):
            case["setup"] = line[7:].strip()
        elif section is None and line.startswith("run: "):
            case["run"].append(line[5:])
        elif section is None and line.startswith("exit: "):
            case["exit"] = line[6:].strip()
        elif section is None and line.startswith("check: "):
            check = line[7:].strip()
            if check not in CHECKS:
                raise GoldenError(f"{path}:{number}: unknown check {check!r} (expected {', '.join(CHECKS)})")
            case["check"].append(check)
        elif section is None and line.startswith("generate: "):
            words = shlex.split(line[10:])
            if not words or words[0] not in GENERATORS:
                raise GoldenError(f"{path}:{number}: unknown generator (expected {', '.join(GENERATORS)})")
            case["generate"].append(line[10:])
        elif line == "--- stdout":
            section = "stdout"
        elif line == "--- stderr":
            section = "stderr"
            case["stderr"] = []
        elif section:
            case[section].append(line)
    while header and header[-1] == "":
        header.pop()
    seen = set()
    for c in cases:  # trailing blank lines separate cases; they are not part of the output
        for key in ("stdout", "stderr"):
            while c[key] and c[key][-1] == "":
                c[key].pop()
        if c["setup"] != "none" and c["setup"] not in datasets:
            raise GoldenError(f"{c['where']}: setup: {c['setup']} is not a data set of this file "
                              f"(declare it before the first case: `dataset: {c['setup']} = ingest …`)")
        if c["id"] in seen:
            raise GoldenError(f"{c['where']}: another case of this file has the id {c['id']}")
        seen.add(c["id"])
    return header, datasets, cases


def test_files(args):
    return args or sorted(os.path.join(HERE, f) for f in os.listdir(HERE) if f.endswith(".test"))


def expand(text, src, tmp):
    return text.replace("{src}", src).replace("{tmp}", tmp)


def dataset_file(steps):
    """The name of a data set's database: its steps decide it, not its name."""
    return "dataset-" + hashlib.sha1("\n".join(steps).encode("utf-8")).hexdigest()[:16] + ".db"


# The write log's clock in every run (ingest/move_log.h): frozen, so logged times and durations are
# the same each time.
DEFAULT_NOW = "2026-11-01T03:00:00Z"


def command(binary, db, line, src, tmp):
    """The command and environment of a run: leading NAME=VALUE words go to the environment."""
    env = dict(os.environ)
    env.pop("TALENTGRAPH_DB", None)
    env.pop("COLUMNS", None)  # tables fit $COLUMNS: a case that wants a width says so
    env["TALENTGRAPH_NOW"] = DEFAULT_NOW
    words = shlex.split(line)
    while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = expand(value, src, tmp)
    return [binary, "--db", db] + [expand(a, src, tmp) for a in words], env


def build_dataset(binary, src, tmp, steps, db):
    for step in steps:
        args, env = command(binary, db, step, src, tmp)
        subprocess.run(args, check=True, capture_output=True, env=env)
    # Fold the WAL into the main file so a plain copy carries everything.
    subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE);"], check=True, capture_output=True)


def prepare(binary, src, tmp, steps, built, prepared):
    """The database of a data set (its steps): prepared in advance, or built once per run."""
    name = dataset_file(steps)
    if name not in built:
        ready = os.path.join(prepared, name) if prepared else None
        if ready and os.path.exists(ready):
            built[name] = ready
        else:
            built[name] = os.path.join(tmp, name)
            build_dataset(binary, src, tmp, steps, built[name])
    return built[name]


def prepare_all(binary, src, folder, files):
    os.makedirs(folder, exist_ok=True)
    for name in os.listdir(folder):
        if name.startswith("dataset-"):
            os.remove(os.path.join(folder, name))
    done = set()
    with tempfile.TemporaryDirectory(prefix="tg-golden-") as tmp:
        for path in test_files(files):
            for steps in parse(path)[1].values():
                name = dataset_file(steps)
                if name not in done:
                    build_dataset(binary, src, tmp, steps, os.path.join(tmp, name))
                    shutil.copy(os.path.join(tmp, name), os.path.join(folder, name))
                    done.add(name)
    print(f"prepared {len(done)} data set(s) in {folder}")
    return 0


def generate_deep_json(path, depth):
    """A document whose entities nest DEPTH arrays deep."""
    depth = int(depth)
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"source": {"id": "deep", "title": "t", "publisher": "p", "published": "2024", "language": "en"},'
                ' "relations": [], "entities": ' + "[" * depth + "]" * depth + "}\n")


def generate_long_line(path, fmt, size):
    """One line of SIZE bytes or more: a JSON Lines document or a CSV row whose name is that long."""
    name = "A" * int(size)
    with open(path, "w", encoding="utf-8") as f:
        if fmt == "jsonl":
            f.write('{"source": {"id": "long", "title": "t", "publisher": "p", "published": "2024", "language": "en"},'
                    ' "entities": [{"ref": "p", "kind": "person", "name": "' + name + '"}], "relations": []}\n')
        elif fmt == "csv":
            f.write("person,organization,role,start,end,source_url\n" + name + ",Acme,Engineer,2020,,\n")
        else:
            raise GoldenError(f"long-line: unknown format {fmt!r} (expected jsonl or csv)")


def generate_bytes(path, text):
    """TEXT with Python's escapes decoded (\\x00, \\n, \\xff): NUL bytes, invalid UTF-8."""
    import codecs
    with open(path, "wb") as f:
        f.write(codecs.escape_decode(text.encode("utf-8"))[0])


def generate_fifo(path):
    if os.path.lexists(path):
        os.remove(path)
    os.mkfifo(path)


def generate_folder(path):
    os.makedirs(path, exist_ok=True)


GENERATORS = {"deep-json": generate_deep_json, "long-line": generate_long_line, "bytes": generate_bytes,
              "fifo": generate_fifo, "folder": generate_folder}
CHECKS = ("store-unchanged",)


def store_state(db):
    """What store-unchanged compares: the files beside the database (SQLite's -wal and -shm come
    and go as connections do, and DB.lock is the writers' lock file, empty, left in place) and a
    hash of the database's canonical dump."""
    import sqlite3
    folder, base = os.path.split(db)
    beside = sorted(n for n in os.listdir(folder)
                    if n.startswith(base) and n not in (base + "-wal", base + "-shm", base + ".lock"))
    if not os.path.exists(db):
        return beside, None
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for statement in connection.iterdump():
            digest.update(statement.encode("utf-8") + b"\n")
    finally:
        connection.close()
    return beside, digest.hexdigest()


def run_case(binary, src, case, tmp, base_db):
    db = os.path.join(tmp, "case.db")
    for name in os.listdir(tmp):  # what an earlier case left beside its database
        if name.startswith("case.db"):
            os.remove(os.path.join(tmp, name))
    if base_db:
        shutil.copy(base_db, db)
    for line in case["generate"]:
        # bytes PATH TEXT: TEXT is the rest of the line as written (spaces, backslashes and all).
        words = line.split(None, 2) if line.startswith("bytes ") else shlex.split(line)
        words = [expand(w, src, tmp) for w in words]
        GENERATORS[words[0]](*words[1:])
    before = store_state(db) if "store-unchanged" in case["check"] else None
    codes, stdout, stderr = [], b"", b""
    for line in case["run"]:
        args, env = command(binary, db, line, src, tmp)
        out = subprocess.run(args, capture_output=True, env=env, cwd=tmp)
        codes.append(str(out.returncode))
        stdout += out.stdout
        stderr += out.stderr
    problems = []
    if before is not None:
        after = store_state(db)
        if after != before:
            problems.append(f"store changed: files beside it {before[0]} -> {after[0]}, "
                            f"dump {before[1]} -> {after[1]}")
    return " ".join(codes), stdout, stderr, problems


def write_back(path, header, cases):
    with open(path, "w", encoding="utf-8", newline="") as f:
        if header:
            f.write("".join(l + "\n" for l in header) + "\n")
        for case in cases:
            f.write(f"=== {case['name']}\nsetup: {case['setup']}\n")
            for line in case["generate"]:
                f.write(f"generate: {line}\n")
            for line in case["run"]:
                f.write(f"run: {line}\n")
            f.write(f"exit: {case['exit']}\n")
            for check in case["check"]:
                f.write(f"check: {check}\n")
            f.write("--- stdout\n")
            f.write("".join(l + "\n" for l in case["stdout"]))
            if case["stderr"] is not None:
                f.write("--- stderr\n" + "".join(l + "\n" for l in case["stderr"]))
            f.write("\n")
    print(f"updated {path}")


def list_cases(files):
    for path in test_files(files):
        for case in parse(path)[2]:
            print(case["id"])
    return 0


def diff(expected, actual):
    import difflib  # only when a case fails: it costs more to import than a case takes to run
    return "\n".join(difflib.unified_diff(expected, actual, "expected", "actual", lineterm=""))


def run(binary, src, wanted, update, files, prepared):
    if not files and wanted:  # only the files the ids name
        files = sorted({os.path.join(HERE, w.split("/", 1)[0] + ".test") for w in wanted})
    parsed = [(path, *parse(path)) for path in test_files(files)]
    known = {c["id"] for _, _, _, cases in parsed for c in cases}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise GoldenError("no such case: " + ", ".join(unknown))
    failed = passed = 0
    with tempfile.TemporaryDirectory(prefix="tg-golden-") as tmp:
        built = {}
        for path, header, datasets, cases in parsed:
            for case in cases:
                if wanted and case["id"] not in wanted:
                    continue
                base_db = (prepare(binary, src, tmp, datasets[case["setup"]], built, prepared)
                           if case["setup"] != "none" else None)
                code, out_bytes, err_bytes, problems = run_case(binary, src, case, tmp, base_db)
                stdout = out_bytes.decode("utf-8").replace(tmp, "{tmp}").replace(src, "{src}").rstrip("\n").split("\n")
                stderr = err_bytes.decode("utf-8").replace(tmp, "{tmp}").replace(src, "{src}").rstrip("\n").split("\n")
                stdout = [] if stdout == [""] else stdout
                stderr = [] if stderr == [""] else stderr
                if update:
                    for problem in problems:
                        print(f"WARNING {os.path.basename(path)}: {case['name']}: {problem}")
                    case["exit"], case["stdout"] = code, stdout
                    if case["stderr"] is not None or stderr:
                        case["stderr"] = stderr
                    continue
                if code != case["exit"]:
                    problems.append(f"exit {code}, expected {case['exit']}")
                if stdout != case["stdout"]:
                    problems.append("stdout differs:\n" + diff(case["stdout"], stdout))
                if case["stderr"] is not None and stderr != case["stderr"]:
                    problems.append("stderr differs:\n" + diff(case["stderr"], stderr))
                if problems:
                    failed += 1
                    print(f"FAIL {os.path.basename(path)}: {case['name']} ({case['id']})\n  " + "\n  ".join(problems))
                else:
                    passed += 1
            if update:
                write_back(path, header, cases)
    if not update:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def main(argv):
    if argv[:1] == ["--list"]:
        return list_cases(argv[1:])
    if len(argv) < 2 or argv[0].startswith("--") or argv[1].startswith("--"):
        print(__doc__, file=sys.stderr)
        return 2
    binary, src, rest = argv[0], argv[1], argv[2:]
    wanted, files, update, prepared, prepare_into = [], [], False, None, None
    i = 0
    while i < len(rest):
        if rest[i] == "--update":
            update = True
        elif rest[i] in ("--case", "--datasets", "--prepare") and i + 1 < len(rest):
            if rest[i] == "--case":
                wanted.append(rest[i + 1])
            elif rest[i] == "--datasets":
                prepared = rest[i + 1]
            else:
                prepare_into = rest[i + 1]
            i += 1
        elif rest[i].startswith("--"):
            print(f"unknown option {rest[i]}\n{__doc__}", file=sys.stderr)
            return 2
        else:
            files.append(rest[i])
        i += 1
    if prepare_into:
        return prepare_all(binary, src, prepare_into, files)
    return run(binary, src, wanted, update, files, prepared)


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except GoldenError as e:
        print(f"run_golden.py: {e}", file=sys.stderr)
        sys.exit(2)
