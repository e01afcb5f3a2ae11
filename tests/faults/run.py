#!/usr/bin/python3
"""Run dvcheck's fault matrix (tests/faults/matrix.txt) and print TAP.

    run.py DVCHECK SRCDIR [--only REGEX] [--valgrind N] [--list]

Starts the broken peers (tests/faults/faultpeer.py, and a second instance
of the lab's tests/lab/smtp_fixture.py) on 127.60.x.x, runs every case of
the matrix and checks, per case:
  - the run ends within the case's deadline + 10 % (+ the binary's own
    start/exit time, measured: see START_EXIT),
  - no crash: no signal, no sanitizer report, exit 0-3,
  - the expected exit status, finding codes present (code=) or absent
    (nocode=), output text (text=REGEX),
  - check mode (state=STATE): exactly one status line "DV STATE - ...",
    the first line, and the exit status that goes with STATE.
--valgrind N runs only N cases (spread over the matrix) under valgrind
instead (memcheck; errors and definite/indirect leaks fail; no deadline
check there). --only REGEX picks cases by "PEER FAULT COMMAND".
Needs root (ports 53/43/25/80/443) and the lab (DNS for the SMTP cases,
the test CA and the certificates of tests/lab/certs.conf).
"""
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
LAB = os.environ.get("DVCHECK_LAB_DIR", "/tmp/dvcheck-lab")
CA = os.path.join(LAB, "ca")
STATES = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def parse_matrix(path):
    cases = []
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        head, sep, cmd = line.partition(" -- ")
        if not sep:
            sys.exit("%s:%d: no ' -- ' before the command" % (path, n))
        f = head.split()
        if len(f) < 4:
            sys.exit("%s:%d: want PEER FAULT DEADLINE EXPECT..." % (path, n))
        exp = {"code": [], "nocode": [], "text": []}
        for item in f[3:]:
            k, _, v = item.partition("=")
            if k in ("code", "nocode", "text"):
                exp[k].append(v)
            elif k in ("exit", "state"):
                exp[k] = v
            else:
                sys.exit("%s:%d: unknown expectation %r" % (path, n, item))
        cases.append({"line": n, "peer": f[0], "fault": f[1], "deadline": float(f[2]),
                      "exp": exp, "cmd": cmd})
    return cases


def expand(s, t):
    return s.replace("@T@", t).replace("@CA@", CA).replace("@LAB@", LAB)


def split_env(argv):
    env, i = {}, 0
    while i < len(argv) and re.match(r"^[A-Z_][A-Z0-9_]*=", argv[i]):
        k, _, v = argv[i].partition("=")
        env[k] = v
        i += 1
    return env, argv[i:]


def start_peers(t):
    """faultpeer.py and an smtp_fixture.py instance; returns the Popens."""
    serve = []
    dns = ["silent", None, "tc-reset", "tc-drip", "garbage", "oversized", "truncated", "wrongid",
           "tc-notcp", "servfail", "refused"]
    for i, m in enumerate(dns, 1):
        if m:
            serve.append("dns:127.60.1.%d:53=%s" % (i, m))
    serve.append("resolver:127.60.0.53:53=static")
    tcp = ["silent", None, "reset", "drip", "garbage", "oversized", "truncated", "throttle"]
    for i, m in enumerate(tcp, 1):
        if m:
            serve.append("tcp:127.60.2.%d:43=%s" % (i, m))
    http = ["silent", None, "reset", "drip", "garbage", "oversized", "truncated", "500", "429",
            "throttle", "expired", "skew", "badjson"]
    for i, m in enumerate(http, 1):
        if m:
            serve.append("http:127.60.3.%d:80=%s" % (i, m))
            serve.append("https:127.60.3.%d:443=%s" % (i, m))
    tls = ["stall", None, "reset", "garbage", "badchain", "wrongname", "expired", None, "good"]
    for i, m in enumerate(tls, 1):
        if m:
            serve.append("tls:127.60.5.%d:443=%s" % (i, m))
    # a self-signed certificate for 127.60.5.5 (a chain nobody trusts)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                    os.path.join(t, "faults-selfsigned.key"), "-out",
                    os.path.join(t, "faults-selfsigned.pem"), "-days", "200", "-subj",
                    "/CN=127.60.5.5", "-addext", "subjectAltName=IP:127.60.5.5"],
                   check=True, capture_output=True)
    for n in ("faults-good", "faults-expired", "faults-wrongname"):
        for ext in (".pem", ".key"):
            src = os.path.join(CA, n + ext)
            if not os.path.exists(src):
                raise SystemExit("Bail out! %s missing: restart the lab (tests/lab/lab start) "
                                 "so it issues tests/lab/certs.conf" % src)
            shutil.copy(src, t)
    procs = []
    pid1 = os.path.join(t, "faultpeer.pid")
    procs.append(subprocess.Popen(
        [sys.executable, os.path.join(HERE, "faultpeer.py"), "--pidfile", pid1, "--certdir", t] +
        sum([["--serve", s] for s in serve], []),
        stderr=open(os.path.join(t, "faultpeer.log"), "w")))
    smtp = ["silent", None, "hangup", "drip", "hostile", "overlong", "greet421", "tempfail",
            "badtls", "endless", "reset", "garbage"]
    pid2 = os.path.join(t, "smtp.pid")
    procs.append(subprocess.Popen(
        [sys.executable, os.path.join(HERE, "..", "lab", "smtp_fixture.py"), "--pidfile", pid2,
         "--port", "25", "--log", os.path.join(t, "smtp.jsonl")] +
        sum([["--serve", "127.60.4.%d=%s" % (i, m)] for i, m in enumerate(smtp, 1) if m], []),
        stderr=open(os.path.join(t, "smtp.log"), "w")))
    end = time.time() + 20
    while time.time() < end:
        if os.path.exists(pid1) and os.path.exists(pid2):
            return procs
        if any(p.poll() is not None for p in procs):
            break
        time.sleep(0.1)
    for p in procs:
        p.kill()
    sys.stdout.write("Bail out! fault peers did not start: %s %s\n" % (
        open(os.path.join(t, "faultpeer.log")).read()[-800:],
        open(os.path.join(t, "smtp.log")).read()[-800:]))
    sys.exit(1)


def write_files(t):
    """AWS config for the STS case, a WHOIS server table, RDAP bootstrap."""
    with open(os.path.join(t, "aws-config"), "w") as f:
        f.write("[profile src]\nregion = us-east-1\n"
                "[profile role]\nregion = us-east-1\nsource_profile = src\n"
                "role_arn = arn:aws:iam::123456789012:role/fault-role\n")
    with open(os.path.join(t, "aws-credentials"), "w") as f:
        f.write("[src]\naws_access_key_id = AKIDFAULTEXAMPLE0001\n"
                "aws_secret_access_key = faultSecret/EXAMPLEKEY/00000000000000000001\n")
    names = ["silent", "refused", "reset", "drip", "garbage", "oversized", "truncated", "throttle"]
    with open(os.path.join(t, "whois-servers"), "w") as f:
        for i, n in enumerate(names, 1):
            f.write("w%s 127.60.2.%d\n" % (n, i))
    http = ["silent", "refused", "reset", "drip", "garbage", "oversized", "truncated", "500", "429",
            "throttle", "expired", "skew", "badjson"]
    svc = ",\n".join('[["r%s"], ["https://127.60.3.%d/"]]' % (n, i) for i, n in enumerate(http, 1))
    with open(os.path.join(t, "rdap-bootstrap.json"), "w") as f:
        f.write('{"version": "1.0", "publication": "2026-01-01T00:00:00Z", '
                '"services": [\n%s\n]}\n' % svc)


# A process's own start and exit (dynamic loading, OpenSSL's start-up, at
# exit the sanitizers' leak scan) is not part of its --timeout: measured
# once per run as the median wall time of `dvcheck explain MX_NULL` (a start
# and an exit with no work), doubled (a run that did network I/O has more
# to tear down and, under ASan, a bigger heap to scan for leaks at exit),
# and allowed on top of every deadline + 10 %.
START_EXIT = [0.0]


def measure_start_exit(dv):
    ts = []
    for _ in range(3):
        t0 = time.monotonic()
        subprocess.run([dv, "explain", "MX_NULL"], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        ts.append(time.monotonic() - t0)
    START_EXIT[0] = 2 * sorted(ts)[1]


def run_case(dv, c, t, valgrind=False):
    """Returns (ok, message)."""
    argv = shlex.split(expand(c["cmd"], t))
    env_add, argv = split_env(argv)
    env = dict(os.environ)
    env.update({"AWS_CONFIG_FILE": os.path.join(t, "aws-config"),
                "AWS_SHARED_CREDENTIALS_FILE": os.path.join(t, "aws-credentials"),
                "HOME": t, "DVCHECK_NOW": env.get("DVCHECK_NOW", "")})
    if not env["DVCHECK_NOW"]:
        del env["DVCHECK_NOW"]
    for k in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
              "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE"):
        env.pop(k, None)
    env.update(env_add)
    for k, v in list(env.items()):
        if v == "-":  # VAR=- unsets
            del env[k]
    cmd = [dv] + argv
    if valgrind:
        cmd = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
               "--errors-for-leak-kinds=definite,indirect"] + cmd
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=t,
                         start_new_session=True)
    limit = c["deadline"] * (20 if valgrind else 1.1) + START_EXIT[0]
    try:
        out, err = p.communicate(timeout=limit + 30)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, err = p.communicate()
        return False, "hung: killed after %.1f s (deadline %.1f s)" % (limit + 30, c["deadline"])
    el = time.monotonic() - t0
    out = out.decode("utf-8", "replace")
    err = err.decode("utf-8", "replace")
    rc = p.returncode
    why = []
    if not valgrind and el > limit:
        why.append("took %.2f s, deadline %.1f s + 10 %% + %.2f s start/exit" % (
            el, c["deadline"], START_EXIT[0]))
    if rc < 0:
        why.append("killed by signal %d" % -rc)
    elif valgrind and rc == 99:
        why.append("valgrind errors")
    elif rc > 3:
        why.append("exit %d (not 0-3)" % rc)
    if re.search(r"AddressSanitizer|LeakSanitizer|runtime error:|UndefinedBehaviorSanitizer", err):
        why.append("sanitizer report")
    e = c["exp"]
    if "exit" in e and str(rc) != e["exit"] and not (valgrind and rc == 99):
        why.append("exit %d, want %s" % (rc, e["exit"]))
    for code in e["code"]:
        alts = code.split("|")
        if not any(re.search(r"\b%s\b" % re.escape(a), out) for a in alts):
            why.append("no finding %s" % code)
    for code in e["nocode"]:
        if re.search(r"\b%s\b" % re.escape(code), out):
            why.append("finding %s should not be there" % code)
    for rx in e["text"]:
        if not re.search(rx.replace("_", " "), out + err):
            why.append("no text /%s/" % rx)
    if "state" in e:
        lines = [ln for ln in out.splitlines() if re.match(r"^DV [A-Z]+ - ", ln)]
        first = out.splitlines()[0] if out else ""
        if len(lines) != 1:
            why.append("%d status lines, want 1" % len(lines))
        elif not any(first.startswith("DV %s - " % s) for s in e["state"].split("|")):
            why.append("status line %r, want DV %s" % (first[:120], e["state"]))
        if rc not in [STATES.get(s, -1) for s in e["state"].split("|")] and \
                not (valgrind and rc == 99):
            why.append("exit %d does not match state %s" % (rc, e["state"]))
    msg = "%.2fs exit %d" % (el, rc)
    if os.environ.get("FAULTS_SHOW") == "codes":
        codes = sorted(set(re.findall(r"^\s*(?:fatal|error|warning|info|notice)\s+([A-Z][A-Z0-9_]+)\b", out, re.M)))
        st = [ln for ln in out.splitlines() if ln.startswith("DV ")]
        return True, msg + " " + " ".join(codes) + (" | " + st[0][:100] if st else "")
    if os.environ.get("FAULTS_SHOW"):
        why.append("(FAULTS_SHOW)")
    if why:
        return False, msg + ": " + "; ".join(why) + "\n" + "\n".join(
            "   | " + ln for ln in (out[-1500:] + "\n--- stderr\n" + err[-1500:]).splitlines())
    return True, msg


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    dv, src = os.path.abspath(args[0]), os.path.abspath(args[1])
    only, nvg, listing = None, 0, False
    i = 2
    while i < len(args):
        if args[i] == "--only":
            only, i = args[i + 1], i + 2
        elif args[i] == "--valgrind":
            nvg, i = int(args[i + 1]), i + 2
        elif args[i] == "--peers-only":  # start the peers, wait (debugging)
            t = tempfile.mkdtemp(prefix="dvfaults.")
            procs = start_peers(t)
            write_files(t)
            print(t)
            sys.stdout.flush()
            time.sleep(float(args[i + 1]))
            for p in procs:
                p.terminate()
            return 0
        elif args[i] == "--list":
            listing, i = True, i + 1
        else:
            sys.exit("unknown option %s" % args[i])
    cases = parse_matrix(os.path.join(src, "tests", "faults", "matrix.txt"))
    if only:
        cases = [c for c in cases if re.search(only, "%s %s %s" % (c["peer"], c["fault"], c["cmd"]))]
    if listing:
        for c in cases:
            print("%-10s %-12s %s" % (c["peer"], c["fault"], c["cmd"]))
        return 0
    if nvg:
        if not shutil.which("valgrind"):
            print("1..0 # SKIP valgrind not installed")
            return 0
        step = max(1, len(cases) // nvg)
        cases = cases[::step][:nvg]
    measure_start_exit(dv)
    print("# start/exit allowance: %.2f s (2 x dvcheck explain)" % START_EXIT[0])
    t = tempfile.mkdtemp(prefix="dvfaults.")
    procs = start_peers(t)
    write_files(t)
    n = fails = 0
    t0 = time.monotonic()
    peers = set()
    jobs = int(os.environ.get("FAULTS_JOBS", "4"))
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        results = pool.map(lambda c: run_case(dv, c, t, valgrind=bool(nvg)), cases)
        for c, (ok, msg) in zip(cases, results):
            n += 1
            peers.add(c["peer"])
            desc = "%s %s (matrix.txt:%d): %s" % (c["peer"], c["fault"], c["line"], msg.split("\n")[0])
            if ok:
                print("ok %d - %s" % (n, desc))
            else:
                fails += 1
                print("not ok %d - %s" % (n, desc))
                print("\n".join("# " + ln for ln in msg.split("\n")[1:]))
            sys.stdout.flush()
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(t, ignore_errors=True)
    print("# %d cases over %d peers in %.1f s, %d failed" % (len(cases), len(peers),
                                                            time.monotonic() - t0, fails))
    print("1..%d" % n)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
