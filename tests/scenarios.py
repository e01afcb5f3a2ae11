#!/usr/bin/python3
"""Run declarative dvcheck scenarios and print TAP.

A .cases file holds stanzas separated by blank lines:

    case:    app.good.test: only a superdomain can receive mail
    run:     email app.good.test          # dvcheck arguments (shell words)
    exit:    2                            # expected exit status
    codes:   MX_IMPLICIT EMAIL_USE_SUPERDOMAIN MX_OK
    json:    results.0.validation_domain = good.test     (optional, repeatable)
    resolver: 127.53.0.99                 (optional; default: the lab's)
    timeout: 10                           (optional --timeout)
    env:     NAME=VALUE ...               (optional; shell words, $VARS
                                           expanded, e.g. $LAB_CA_DIR = the
                                           lab's CA directory; NAME= unsets)
    stdout:  DV OK - .*                   (optional: plug-in mode; the
                                           first stdout line must match
                                           this regex entirely; no --json
                                           run, no codes)

    needs:   debug                        (optional: the case uses a test
                                           hook of a debug build, e.g.
                                           DVCHECK_TEST_CLOCK_OFFSET; SKIP
                                           when `dvcheck --version` does not
                                           say "debug build")

A stanza with `defaults: yes` gives its keys (e.g. `env`) to every later
case of its file. `codes` is the exact set of finding codes that must fire (all subjects,
all names) -- a code firing where it is not expected fails the case too.
Every run also checks: --json output parses and has schema 1, the text
output has no raw control characters, and the exit code matches in both.
"""
import json
import os
import re
import shlex
import subprocess
import sys


def parse(path):
    cases, cur = [], {}
    defaults = {}
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("#"):
                continue
            if not line.strip():
                if cur.get("defaults"):
                    defaults = {k: v for k, v in cur.items()
                                if k not in ("defaults", "where")}
                    cur = {}
                elif cur:
                    cases.append(merge(defaults, cur))
                    cur = {}
                continue
            key, _, val = line.partition(":")
            key = key.strip()
            val = val.split(" #", 1)[0].strip()
            if key == "json":
                cur.setdefault("json", []).append(val)
            else:
                cur[key] = val
            cur.setdefault("where", f"{path}:{lineno}")
    if cur and not cur.get("defaults"):
        cases.append(merge(defaults, cur))
    return cases


def merge(defaults, case):
    """A case's own keys win; `env` words add to the defaults' words."""
    out = {**defaults, **case}
    if "env" in defaults and "env" in case:
        out["env"] = defaults["env"] + " " + case["env"]
    return out


def case_env(c):
    env = dict(os.environ)
    for word in shlex.split(c.get("env", "")):
        k, _, v = word.partition("=")
        if v:
            env[k] = os.path.expandvars(v)
        else:
            env.pop(k, None)
    return env


def dig(doc, path):
    for part in path.split("."):
        if isinstance(doc, list):
            doc = doc[int(part)]
        else:
            doc = doc[part]
    return doc



def debug_build(dv):
    """A debug build (configure --enable-debug) has the test hooks."""
    try:
        p = subprocess.run([dv, "--version"], capture_output=True, timeout=30,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return b"\ndebug build:" in p.stdout


def run_plugin(dv, glob, args, want_exit, c):
    """Nagios plug-in mode: one status line first, exit status."""
    problems = []
    t = subprocess.run([dv] + glob + args, capture_output=True, timeout=120,
                       env=case_env(c))
    if t.returncode != want_exit:
        problems.append(f"exit {t.returncode}, want {want_exit}")
    out = t.stdout.decode("utf-8", "replace")
    first = out.split("\n", 1)[0]
    if not re.fullmatch(c["stdout"], first):
        problems.append(f"first line {first!r} does not match {c['stdout']!r}")
    if not out.endswith("\n"):
        problems.append("output does not end with a newline")
    bad = [b for b in t.stdout + t.stderr if b < 0x20 and b not in (9, 10)]
    if bad:
        problems.append("output contains control characters")
    return problems


def run_case(dv, resolver, c):
    args = shlex.split(os.path.expandvars(c["run"]))
    glob = ["--resolver", c.get("resolver", resolver)]
    if "timeout" in c:
        glob += ["--timeout", c["timeout"]]
    problems = []
    want_exit = int(c["exit"])
    if "stdout" in c:
        return run_plugin(dv, glob, args, want_exit, c)
    p = subprocess.run([dv, "--json"] + glob + args, capture_output=True,
                       timeout=120, env=case_env(c), stdin=subprocess.DEVNULL)
    if p.returncode != want_exit:
        problems.append(f"--json exit {p.returncode}, want {want_exit}")
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        return [f"JSON does not parse: {e}; stderr={p.stderr[:300]!r}"]
    if doc.get("schema") != 1 or doc.get("exit_code") != p.returncode:
        problems.append("envelope: schema/exit_code wrong")
    got = set()
    for r in doc.get("results", []):
        for f in r.get("findings", []):
            got.add(f["code"])
    want = set(c.get("codes", "").split())
    if got != want:
        missing, extra = sorted(want - got), sorted(got - want)
        problems.append(f"codes: missing {missing} unexpected {extra}")
    for expr in c.get("json", []):
        path, _, val = expr.partition("=")
        path, val = path.strip(), val.strip()
        try:
            actual = dig(doc, path)
        except (KeyError, IndexError, ValueError, TypeError):
            problems.append(f"json {path}: absent")
            continue
        if json.dumps(actual) != val and str(actual) != val:
            problems.append(f"json {path} = {json.dumps(actual)}, want {val}")
    t = subprocess.run([dv, "--no-color"] + glob + args, capture_output=True,
                       timeout=120, env=case_env(c), stdin=subprocess.DEVNULL)
    if t.returncode != want_exit:
        problems.append(f"text exit {t.returncode}, want {want_exit}")
    bad = [b for b in t.stdout + t.stderr if b < 0x20 and b not in (9, 10)]
    if bad:
        problems.append("text output contains control characters")
    return problems


def main():
    dv, resolver, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    lab = os.environ.get("DVCHECK_LAB_DIR") or "/tmp/dvcheck-lab"
    os.environ.setdefault("LAB_CA_DIR", os.path.join(lab, "ca"))
    # the lab ACM service, for cases run outside tests/acm-client-lib.sh
    os.environ.setdefault("DV_ACM_ENDPOINT", "https://127.45.0.1")
    os.environ.setdefault("DV_ACM_CA", os.path.join(lab, "ca", "ca.pem"))
    n = failed = 0
    debug = debug_build(dv)
    for path in files:
        for c in parse(path):
            n += 1
            name = c.get("case", c.get("run", "?"))
            if c.get("needs") == "debug" and not debug:
                print(f"ok {n} - {name} # SKIP needs a debug build "
                      "(configure --enable-debug) for its test hook")
                continue
            try:
                problems = run_case(dv, resolver, c)
            except (subprocess.TimeoutExpired, KeyError) as e:
                problems = [f"harness: {e!r}"]
            if problems:
                failed += 1
                print(f"not ok {n} - {name}")
                for pr in problems:
                    print(f"# {c['where']}: {pr}")
            else:
                print(f"ok {n} - {name}")
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
