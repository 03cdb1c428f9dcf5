#!/usr/bin/env python3
"""The systemd units of tools/systemd/ (README "Scheduling"): `systemd-analyze verify` accepts the
service and the timer without a word (it exits 0 on mere warnings, such as an unknown key, so any
output is a failure too), and rejects broken copies of them, which shows the check can fail. The
unit's ExecStart names the installed binary; the copies verified here name the one just built.
Then the unit's command line, with the example environment file's variables pointed at a
temporary folder, is run as systemd would run it: it builds the store.

Usage: systemd_test.py TALENTGRAPH_BINARY SOURCE_DIR
"""
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

INSTALLED = "/usr/local/bin/talentgraph"
SERVICE = "talentgraph-rebuild.service"
TIMER = "talentgraph-rebuild.timer"


def verify(folder, *names):
    """(exit status, output) of systemd-analyze verify on the units `names` in `folder`."""
    r = subprocess.run(["systemd-analyze", "verify", *[os.path.join(folder, n) for n in names]],
                       capture_output=True, text=True, timeout=60, cwd=folder)
    return r.returncode, (r.stdout + r.stderr).strip()


def read_env(path):
    env = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    return env


def main():
    binary, src = os.path.abspath(sys.argv[1]), sys.argv[2]
    units = os.path.join(src, "tools/systemd")
    if shutil.which("systemd-analyze") is None:
        sys.exit("FAIL: systemd-analyze is not installed (tools/install-deps.sh installs systemd)")
    failures = []
    service_text = open(os.path.join(units, SERVICE), encoding="utf-8").read()
    timer_text = open(os.path.join(units, TIMER), encoding="utf-8").read()
    if INSTALLED not in service_text:
        failures.append(f"{SERVICE}: ExecStart does not name {INSTALLED}")
    for key in ("Type=oneshot", "EnvironmentFile=/etc/talentgraph/rebuild.env", "StateDirectory=talentgraph",
                "ProtectSystem=strict", "NoNewPrivileges=yes", "PrivateTmp=yes", "IOSchedulingClass=idle",
                "Restart=on-failure"):
        if not re.search(rf"^{re.escape(key)}$", service_text, re.M):
            failures.append(f"{SERVICE}: no line {key}")
    # Exit 75 (lock busy) is retried: it must not be among the statuses that prevent a restart,
    # and every other status rebuild exits with must be.
    prevent = re.search(r"^RestartPreventExitStatus=(.*)$", service_text, re.M)
    statuses = prevent.group(1).split() if prevent else []
    if "75" in statuses or not {"1", "2", "3", "4", "6", "10"} <= set(statuses):
        failures.append(f"{SERVICE}: RestartPreventExitStatus={statuses}: 75 must retry, the rest must not")
    for key in ("Persistent=true", "WantedBy=timers.target"):
        if not re.search(rf"^{re.escape(key)}$", timer_text, re.M):
            failures.append(f"{TIMER}: no line {key}")
    if not re.search(r"^OnCalendar=\S", timer_text, re.M) or not re.search(r"^RandomizedDelaySec=\S", timer_text, re.M):
        failures.append(f"{TIMER}: no OnCalendar= or RandomizedDelaySec=")

    with tempfile.TemporaryDirectory(prefix="tg-systemd-") as tmp:
        good = os.path.join(tmp, "good")
        os.mkdir(good)
        with open(os.path.join(good, SERVICE), "w", encoding="utf-8") as f:
            f.write(service_text.replace(INSTALLED, binary))
        shutil.copy(os.path.join(units, TIMER), good)
        status, output = verify(good, SERVICE, TIMER)
        if status != 0 or output:
            failures.append(f"systemd-analyze verify of the units: exit {status}: {output}")

        # Broken copies: each must make verify exit non-zero or say something.
        broken = {
            "a misspelt key (a warning only)": (SERVICE, "Type=oneshot", "Typo=oneshot"),
            "a bad Type": (SERVICE, "Type=oneshot", "Type=oneshoot"),
            "a missing binary": (SERVICE, binary, os.path.join(tmp, "no-such-talentgraph")),
            "a misspelt section": (SERVICE, "[Service]", "[Servce]"),
            "a bad calendar": (TIMER, "OnCalendar=", "OnCalendar=nightly-ish #"),
        }
        for what, (name, old, new) in broken.items():
            folder = os.path.join(tmp, re.sub(r"\W+", "-", what))
            shutil.copytree(good, folder)
            path = os.path.join(folder, name)
            text = open(path, encoding="utf-8").read()
            if old not in text:
                failures.append(f"broken copy '{what}': {old!r} not in {name}")
                continue
            with open(path, "w", encoding="utf-8") as f:
                f.write(text.replace(old, new, 1))
            status, output = verify(folder, SERVICE, TIMER)
            if status == 0 and not output:
                failures.append(f"systemd-analyze verify passed a unit with {what}")

        # The unit's command, as systemd runs it: ${VAR} from the environment file, TALENTGRAPH_DB
        # read by the binary itself.
        env_file = read_env(os.path.join(units, "rebuild.env.example"))
        if set(env_file) != {"TALENTGRAPH_DB", "TALENTGRAPH_SOURCES"}:
            failures.append(f"rebuild.env.example sets {sorted(env_file)}")
        env_file["TALENTGRAPH_DB"] = os.path.join(tmp, "state", "graph.db")
        env_file["TALENTGRAPH_SOURCES"] = os.path.join(src, "tests/e2e/inputs/rebuild/good")
        os.mkdir(os.path.join(tmp, "state"))
        exec_start = re.search(r"^ExecStart=(.*)$", service_text, re.M).group(1)
        argv = [re.sub(r"\$\{(\w+)\}", lambda m: env_file[m.group(1)], word) for word in shlex.split(exec_start)]
        argv[0] = binary
        env = {k: v for k, v in os.environ.items() if not k.startswith("TALENTGRAPH_")}
        env["TALENTGRAPH_DB"] = env_file["TALENTGRAPH_DB"]
        r = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
        if r.returncode != 0 or not os.path.exists(env_file["TALENTGRAPH_DB"]):
            failures.append(f"the unit's command {argv}: exit {r.returncode}, {r.stderr!r}")
        q = subprocess.run([binary, "show", "Ann Lee"], capture_output=True, text=True, timeout=60, env=env)
        if q.returncode != 0 or "Acme Robotics" not in q.stdout:
            failures.append(f"a query of the store the unit's command built: exit {q.returncode}, {q.stderr!r}")
    for f in failures:
        print("FAIL:", f)
    if not failures:
        print("ok: the units verify clean, broken copies do not, and the unit's command builds the store")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
