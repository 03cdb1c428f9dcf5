#!/usr/bin/env python3
"""The CLI's output where the golden runner cannot look: a terminal (a pty of 80 columns: tables
fit it, lists stop at 50 rows and say how many more), a full disk and a closed pipe on stdout, and
hostile names that reached a store anyway (one written by an older binary, crafted here with SQL):
no table, CSV or message carries a control byte raw.

Usage: output_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import fcntl
import json
import os
import pty
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import faultlib  # noqa: E402

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def env():
    e = dict(os.environ)
    e.pop("COLUMNS", None)
    return e


def run(binary, db, *args, **kw):
    return subprocess.run([binary, "--db", db, *args], capture_output=True, env=env(), **kw)


def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def on_terminal(binary, db, *args, columns=80):
    """stdout on a pty of `columns` columns; stderr captured apart."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    p = subprocess.Popen([binary, "--db", db, *args], stdout=slave, stderr=subprocess.PIPE, env=env())
    os.close(slave)
    out = faultlib.read_pty(master)
    err = p.stderr.read()
    p.wait()
    return p.returncode, out.decode("utf-8").replace("\r\n", "\n"), err.decode("utf-8")


def no_control_bytes(text, allowed=b"\n"):
    raw = text if isinstance(text, bytes) else text.encode("utf-8")
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    for c in decoded:
        o = ord(c)
        if (o < 0x20 and c.encode() not in allowed) or o == 0x7F or 0x80 <= o <= 0x9F or 0x202A <= o <= 0x202E:
            return False
    return True


def main():
    binary, src = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        # ---- a terminal ----
        folder = os.path.join(tmp, "sources")
        faultlib.write_sources(folder, documents=4, csv_files=1, csv_rows=300, people=120, organisations=15)
        big = os.path.join(tmp, "big.db")
        r = run(binary, big, "ingest", folder)
        check(r.returncode == 0, f"ingest of the generated folder: {r.stderr.decode()}")
        total = len(json.loads(run(binary, big, "moves", "--format", "json").stdout))
        check(total > 60, f"the generated folder has more than 60 moves (found {total})")
        status, out, err = on_terminal(binary, big, "moves")
        lines = out.rstrip("\n").split("\n")
        check(status == 0, f"moves on a terminal: exit {status}")
        check(len(lines) == 51, f"moves on a terminal: a heading and 50 rows (found {len(lines)} lines)")
        check(f"… {total - 50} more (use --limit 0 or --format json)" in err, f"moves on a terminal says how many more: {err!r}")
        check(all(width(l) <= 80 for l in lines), "moves on a terminal of 80 columns: every line fits")
        check(any("…" in l for l in lines), "moves on a terminal of 80 columns: long cells are cut")
        status, out, err = on_terminal(binary, big, "moves", "--wide", "--limit", "0")
        lines = out.rstrip("\n").split("\n")
        check(len(lines) == total + 1, f"moves --limit 0 on a terminal: every row (found {len(lines) - 1})")
        check(any(width(l) > 80 for l in lines), "moves --wide: lines wider than the terminal")
        check("more" not in err, "moves --limit 0 says nothing of more")
        r = run(binary, big, "moves")  # piped: every row, never cut
        check(len(r.stdout.decode().rstrip("\n").split("\n")) == total + 1, "moves piped: every row")
        check(all("…" not in l or len(l) > 80 for l in r.stdout.decode().split("\n")) and r.stderr == b"",
              "moves piped: not fitted to any width, nothing said of more")

        # ---- write errors ----
        seed = os.path.join(tmp, "seed.db")
        check(run(binary, seed, "ingest", os.path.join(src, "data", "seed")).returncode == 0, "ingest seed")
        with open("/dev/full", "wb") as full:
            p = subprocess.run([binary, "--db", seed, "moves"], stdout=full, stderr=subprocess.PIPE, env=env())
        check(p.returncode == 6, f"moves > /dev/full: exit 6 (found {p.returncode})")
        check(p.stderr == b"talentgraph: writing output: No space left on device\n", f"moves > /dev/full says so: {p.stderr!r}")
        with open("/dev/full", "wb") as full:
            p = subprocess.run([binary, "--db", seed, "export", "node-link"], stdout=full, stderr=subprocess.PIPE, env=env())
        check(p.returncode == 6 and p.stderr == b"talentgraph: writing output: No space left on device\n",
              f"export > /dev/full: exit 6, said once (found {p.returncode}, {p.stderr!r})")
        # A closed pipe: quiet, by SIGPIPE; where SIGPIPE is blocked, exit 141.
        for blocked in (False, True):
            r_end, w_end = os.pipe()
            os.close(r_end)
            pre = (lambda: signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGPIPE])) if blocked else None
            p = subprocess.run([binary, "--db", seed, "moves"], stdout=w_end, stderr=subprocess.PIPE, env=env(),
                               preexec_fn=pre)
            os.close(w_end)
            want = 141 if blocked else -signal.SIGPIPE
            check(p.returncode == want, f"moves into a closed pipe (SIGPIPE blocked: {blocked}): {want} (found {p.returncode})")
            check(p.stderr == b"", f"moves into a closed pipe says nothing: {p.stderr!r}")

        # ---- hostile names in a store ----
        hostile = os.path.join(tmp, "hostile.db")
        check(run(binary, hostile, "ingest", os.path.join(src, "data", "seed")).returncode == 0, "ingest seed (hostile)")
        con = sqlite3.connect(hostile)
        person = con.execute("SELECT entity_id FROM aliases WHERE name = 'Wu Yuxin'").fetchone()[0]
        org = con.execute("SELECT entity_id FROM aliases WHERE name = 'Alibaba Group'").fetchone()[0]
        con.execute("UPDATE entities SET name = ? WHERE id = ?", ("Wu\x1b[2J\x1b]0;owned\x07 Yuxin\r\n\u202e", person))
        # Bytes that are not UTF-8, and a C1 control (CSI), as an older binary could have stored.
        con.execute("UPDATE entities SET name = CAST(X'416C69C29B32FF' AS TEXT) WHERE id = ?", (org,))
        con.commit()
        con.close()
        for f in os.listdir(tmp):  # the snapshot cache holds the old names
            if f.startswith("hostile.db.") and f.endswith("tgsnap"):
                os.remove(os.path.join(tmp, f))
        for args in (["moves"], ["show", f"#{person}"], ["show", f"#{org}"], ["search", "alibaba"], ["rank"],
                     ["path", f"#{person}", f"#{org}"], ["flows"]):
            table = run(binary, hostile, *args)
            check(table.returncode == 0, f"{' '.join(args)} on hostile names: exit {table.returncode} {table.stderr!r}")
            check(no_control_bytes(table.stdout) and no_control_bytes(table.stderr),
                  f"{' '.join(args)}: the table and its notes carry no control byte: {table.stdout!r}")
            csv = run(binary, hostile, *args, "--format", "csv")
            check(all(no_control_bytes(line, b"") for line in csv.stdout.split(b"\r\n")),
                  f"{' '.join(args)} --format csv carries no control byte: {csv.stdout!r}")
            js = run(binary, hostile, *args, "--format", "json")
            check(js.returncode == 0, f"{' '.join(args)} --format json: exit {js.returncode} {js.stderr!r}")
            json.loads(js.stdout)  # valid JSON, the name escaped by JSON's rules
        table = run(binary, hostile, "moves").stdout.decode()
        check("Wu\\x1b[2J\\x1b]0;owned\\x07 Yuxin\\x0d\\x0a\\u202e" in table, f"moves shows the name's escapes: {table!r}")
        check("Ali\\u009b2\\xff" in run(binary, hostile, "show", f"#{org}").stdout.decode(), "show shows the bytes' escapes")
        js = json.loads(run(binary, hostile, "moves", "--format", "json").stdout)
        check(any(m["person"] == "Wu\x1b[2J\x1b]0;owned\x07 Yuxin\r\n\u202e" for m in js), "JSON keeps the name exact")
        # A message naming what the user typed escapes it too.
        r = run(binary, hostile, "show", "Nobody\x1b[31m")
        check(r.returncode == 5 and no_control_bytes(r.stderr), f"a message names the text escaped: {r.stderr!r}")

    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
