#!/usr/bin/python3
"""Bad-input tests (tests/bad-inputs.txt) plus generated hostile files. TAP."""
import os
import shlex
import subprocess
import sys
import tempfile

dv, listing = sys.argv[1], sys.argv[2]
n = failed = 0
# No network may be used: point at a resolver that does not exist.
GLOBAL = ["--resolver", "127.53.1.3", "--timeout", "5"]
# ... and no AWS credentials, region or endpoint from the caller.
ENV = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
# never ask the real EC2 instance metadata service (169.254.169.254)
ENV["AWS_EC2_METADATA_DISABLED"] = "true"


def check(desc, argv, must, stdin=None):
    global n, failed
    n += 1
    problems = []
    try:
        p = subprocess.run([dv] + argv, capture_output=True, timeout=30, env=ENV,
                           stdin=stdin if stdin is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        problems.append("hung (30 s)")
    else:
        if p.returncode != 3:
            problems.append(f"exit {p.returncode}, want 3")
        err = p.stderr.decode("latin-1")
        if "dvcheck: error:" not in err:
            problems.append("no 'dvcheck: error:' line")
        if must and must.lower() not in err.lower():
            problems.append(f"stderr lacks {must!r}: {err[:200]!r}")
        raw = [b for b in p.stdout + p.stderr if (b < 0x20 and b not in (9, 10)) or b == 0x7F]
        if raw:
            problems.append("raw control bytes in output")
        if p.stdout:
            problems.append("something on stdout")
    if problems:
        failed += 1
        print(f"not ok {n} - {desc}")
        for pr in problems:
            print(f"# {pr}")
    else:
        print(f"ok {n} - {desc}")


with tempfile.TemporaryDirectory() as tmp:
    with open(listing, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            how, text, must = line.split("\t")
            raw = text.encode("latin-1", "backslashreplace").decode("unicode_escape")
            data = raw.encode("utf-8", "surrogateescape") if any(ord(c) > 0xFF for c in raw) \
                else raw.encode("latin-1")
            shown = text if len(text) < 50 else text[:47] + "..."
            if how == "arg":
                check(f"arg {shown!r}", GLOBAL + ["email", os.fsdecode(data)] if b"\0" not in data else GLOBAL, must)
            elif how == "file":
                path = os.path.join(tmp, "names")
                with open(path, "wb") as out:
                    out.write(data + b"\n")
                check(f"file {shown!r}", GLOBAL + ["email", "-f", path], must)
            elif how == "records":
                path = os.path.join(tmp, "records")
                with open(path, "wb") as out:
                    out.write(data)
                check(f"records {shown!r}", GLOBAL + ["dns", "--records", path], must)
            elif how == "cert":
                check(f"cert {shown!r}", GLOBAL + ["cert", os.fsdecode(data)]
                      if b"\0" not in data else GLOBAL, must)
            elif how == "argv":
                check(f"argv {shown!r}", shlex.split(text), must)
    # Generated hostile files.
    big = os.path.join(tmp, "big")
    with open(big, "wb") as out:
        out.write(b"a.com\n" * (5 << 20 // 6 + 1) + b"x" * (5 << 20))
    check("a 5 MiB line in a names file", GLOBAL + ["email", "-f", big], "line too long")
    binf = os.path.join(tmp, "bin")
    with open(binf, "wb") as out:
        out.write(bytes(range(256)) * 64)
    check("binary names file", GLOBAL + ["email", "-f", binf], "")
    stdin_file = os.path.join(tmp, "stdin")
    with open(stdin_file, "wb") as out:
        out.write(b"good.test\n-bad.test\n")
    with open(stdin_file, "rb") as fin:
        check("names on stdin, one bad", GLOBAL + ["email", "-f", "-"],
              "stdin line 2", stdin=fin)
print(f"1..{n}")
sys.exit(1 if failed else 0)
