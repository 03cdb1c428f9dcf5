#!/usr/bin/env python3
"""Golden end-to-end tests of the talentgraph CLI.

Each *.test file holds cases:

    === name of the case
    setup: seed | fixture | none        (the database the case starts from; each case gets a fresh copy)
    run: moves --to "Moonshot AI"        (arguments after `talentgraph --db DB`; {src} = source tree)
    run: stats                           (several run: lines run in order, their outputs concatenated)
    exit: 3 0                            (the exit status of each run, in order)
    --- stdout
    ...exact expected stdout...
    --- stderr
    ...exact expected stderr (optional section)...

Usage: run_golden.py TALENTGRAPH_BINARY SOURCE_DIR [--update] [files...]
--update rewrites the expected sections from what the binary prints (review the diff!).
"""
import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

binary, src = sys.argv[1], sys.argv[2]
update = "--update" in sys.argv[3:]
files = [a for a in sys.argv[3:] if a != "--update"]
here = os.path.dirname(os.path.abspath(__file__))
if not files:
    files = sorted(os.path.join(here, f) for f in os.listdir(here) if f.endswith(".test"))

SETUPS = {
    "seed": [["ingest", os.path.join(src, "data", "seed")]],
    "fixture": [["ingest", os.path.join(src, "tests", "fixtures", "small")]],
    "none": [],
}


def parse(path):
    cases, case, section = [], None, None
    with open(path, encoding="utf-8", newline="") as f:
        for line in f.read().split("\n"):
            if line.startswith("=== "):
                case = {"name": line[4:], "setup": "none", "run": [], "exit": "0", "stdout": [], "stderr": None}
                cases.append(case)
                section = None
            elif case is None:
                continue
            elif section is None and line.startswith("setup: "):
                case["setup"] = line[7:].strip()
            elif section is None and line.startswith("run: "):
                case["run"].append(line[5:])
            elif section is None and line.startswith("exit: "):
                case["exit"] = line[6:].strip()
            elif line == "--- stdout":
                section = "stdout"
            elif line == "--- stderr":
                section = "stderr"
                case["stderr"] = []
            elif section:
                case[section].append(line)
    for c in cases:  # trailing blank lines separate cases; they are not part of the output
        for key in ("stdout", "stderr"):
            while c[key] and c[key][-1] == "":
                c[key].pop()
    return cases


def run_case(case, tmp, base_dbs):
    db = os.path.join(tmp, "case.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    if case["setup"] != "none":
        shutil.copy(base_dbs[case["setup"]], db)
    env = dict(os.environ)
    env.pop("TALENTGRAPH_DB", None)
    codes, stdout, stderr = [], b"", b""
    for line in case["run"]:
        args = [a.replace("{src}", src).replace("{tmp}", tmp) for a in shlex.split(line)]
        out = subprocess.run([binary, "--db", db] + args, capture_output=True, env=env, cwd=tmp)
        codes.append(str(out.returncode))
        stdout += out.stdout
        stderr += out.stderr
    return " ".join(codes), stdout, stderr


def main():
    failed = passed = 0
    with tempfile.TemporaryDirectory() as tmp:
        base_dbs = {}
        for name, steps in SETUPS.items():
            db = os.path.join(tmp, f"base-{name}.db")
            for step in steps:
                subprocess.run([binary, "--db", db] + step, check=True, capture_output=True)
            if steps:
                # Fold the WAL into the main file so a plain copy carries everything.
                subprocess.run(["sqlite3", db, "PRAGMA wal_checkpoint(TRUNCATE);"], check=True, capture_output=True)
                base_dbs[name] = db
        for path in files:
            cases = parse(path)
            for case in cases:
                code, out_bytes, err_bytes = run_case(case, tmp, base_dbs)
                stdout = out_bytes.decode("utf-8").replace(tmp, "{tmp}").replace(src, "{src}").rstrip("\n").split("\n")
                stderr = err_bytes.decode("utf-8").replace(tmp, "{tmp}").replace(src, "{src}").rstrip("\n").split("\n")
                stdout = [] if stdout == [""] else stdout
                stderr = [] if stderr == [""] else stderr
                if update:
                    case["exit"], case["stdout"] = code, stdout
                    if case["stderr"] is not None or stderr:
                        case["stderr"] = stderr
                    continue
                problems = []
                if code != case["exit"]:
                    problems.append(f"exit {code}, expected {case['exit']}")
                if stdout != case["stdout"]:
                    problems.append("stdout differs:\n" + "\n".join(difflib.unified_diff(case["stdout"], stdout, "expected", "actual", lineterm="")))
                if case["stderr"] is not None and stderr != case["stderr"]:
                    problems.append("stderr differs:\n" + "\n".join(difflib.unified_diff(case["stderr"], stderr, "expected", "actual", lineterm="")))
                if problems:
                    failed += 1
                    print(f"FAIL {os.path.basename(path)}: {case['name']}\n  " + "\n  ".join(problems))
                else:
                    passed += 1
            if update:
                with open(path, "w", encoding="utf-8", newline="") as f:
                    for case in cases:
                        f.write(f"=== {case['name']}\nsetup: {case['setup']}\n")
                        for line in case["run"]:
                            f.write(f"run: {line}\n")
                        f.write(f"exit: {case['exit']}\n--- stdout\n")
                        f.write("".join(l + "\n" for l in case["stdout"]))
                        if case["stderr"] is not None:
                            f.write("--- stderr\n" + "".join(l + "\n" for l in case["stderr"]))
                        f.write("\n")
                print(f"updated {path}")
    if not update:
        print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


sys.exit(main())
