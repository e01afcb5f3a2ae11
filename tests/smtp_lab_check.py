#!/usr/bin/python3
"""Check the SMTP lab with a real client (smtplib): every Postfix instance
and fixture mode answers as tests/lab/README.md ("SMTP lab") says. TAP
lines on stdout. Never sends DATA. Usage: smtp_lab_check.py LAB_DIR"""
import json
import os
import smtplib
import socket
import ssl
import sys
import time

LAB = sys.argv[1]
CA = os.path.join(LAB, "ca", "ca.pem")
FIVE = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")
n = 0
failed = 0


def tap(ok, what, diag=None):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print("%s %d - %s" % ("ok" if ok else "not ok", n, what))
    if diag and not ok:
        for line in str(diag).splitlines():
            print("# " + line)


def session(addr, domain, sender="", tls=True, locals_=FIVE + ("nx-7f3a9c",)):
    """EHLO, STARTTLS when offered, MAIL, RCPTs, RSET, QUIT; returns a dict"""
    s = smtplib.SMTP(addr, 25, timeout=10)
    out = {"starttls": False, "tls": None}
    s.ehlo("probe.dvcheck.test")
    if tls and s.has_extn("starttls"):
        ctx = ssl.create_default_context(cafile=CA)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        s.starttls(context=ctx)
        out["starttls"] = True
        out["tls"] = s.sock.getpeercert(binary_form=True)
        s.ehlo("probe.dvcheck.test")
    out["mail"] = s.mail(sender)
    out["rcpt"] = {}
    if out["mail"][0] == 250:
        for lp in locals_:
            out["rcpt"][lp] = s.rcpt("%s@%s" % (lp, domain))
    s.rset()
    s.quit()
    return out


def codes(out):
    return {k: (v[0], v[1].split(b" ", 1)[0].decode()) for k, v in out["rcpt"].items()}


def expect(addr, domain, want_five, want_random, what, **kw):
    try:
        out = session(addr, domain, **kw)
    except Exception as e:  # noqa: BLE001 -- report any failure as TAP
        tap(False, what, repr(e))
        return None
    c = codes(out)
    got_five = sorted(set(c[lp] for lp in FIVE))
    ok = (all(c[lp] == want_five[lp] for lp in FIVE) if isinstance(want_five, dict)
          else got_five == [want_five]) and c["nx-7f3a9c"] == want_random
    tap(ok, what, "got %r" % c)
    return out


OK = (250, "2.1.5")
UNK = (550, "5.1.1")
expect("127.25.0.1", "mbox-ok.smtp.test", OK, UNK, "pf-main: mbox-ok: five 250 2.1.5, random 550 5.1.1, STARTTLS")
expect("127.25.0.1", "mbox-some.smtp.test",
       {"admin": UNK, "administrator": UNK, "hostmaster": OK, "postmaster": OK, "webmaster": UNK},
       UNK, "pf-main: mbox-some: hostmaster+postmaster only")
expect("127.25.0.1", "mbox-none.smtp.test", UNK, UNK, "pf-main: mbox-none: all 550 5.1.1")
expect("127.25.0.1", "catchall.smtp.test", OK, OK, "pf-main: catchall: everything 250")
expect("127.25.0.1", "relay.smtp.test", (554, "5.7.1"), (554, "5.7.1"),
       "pf-main: relay: 554 5.7.1 Relay access denied")
expect("127.25.0.1", "d042.smtp-bench.test", OK, UNK, "pf-main: bench domain d042 (regexp map)")
try:
    out = session("127.25.0.2", "nullsender.smtp.test")
    tap(out["mail"][0] == 550 and out["mail"][1].startswith(b"5.7.1"),
        "pf-nullsender: MAIL FROM:<> -> 550 5.7.1", out["mail"])
    out = session("127.25.0.2", "nullsender.smtp.test", sender="probe@dvcheck.test")
    tap(out["mail"][0] == 250 and codes(out)["admin"] == OK,
        "pf-nullsender: another sender is accepted", out)
except Exception as e:  # noqa: BLE001
    tap(False, "pf-nullsender", repr(e))
expect("127.25.0.5", "grey.smtp.test",
       {"admin": (450, "4.2.0"), "administrator": (450, "4.2.0"), "hostmaster": (450, "4.2.0"),
        "postmaster": OK, "webmaster": (450, "4.2.0")},
       UNK, "pf-grey: postgrey 450 4.2.0 Greylisted (postmaster@ whitelisted)")
out = expect("127.25.0.6", "notls.smtp.test", OK, UNK, "pf-plain: no STARTTLS", tls=True)
if out is not None:
    tap(not out["starttls"], "pf-plain offers no STARTTLS")


def cert_check(addr, host, want, what):
    """STARTTLS and verify against the lab CA with HOST as the name"""
    try:
        s = smtplib.SMTP(addr, 25, timeout=10)
        s.ehlo("probe.dvcheck.test")
        ctx = ssl.create_default_context(cafile=CA)
        ctx.check_hostname = True
        try:
            s.starttls(context=ctx, server_hostname=host) if sys.version_info >= (3, 12) else \
                _starttls_host(s, ctx, host)
            got = "ok"
        except ssl.SSLCertVerificationError as e:
            got = e.verify_message
        try:
            s.close()
        except Exception:  # noqa: BLE001
            pass
        tap(want in got, what, got)
    except Exception as e:  # noqa: BLE001
        tap(False, what, repr(e))


def _starttls_host(s, ctx, host):
    code, _ = s.docmd("STARTTLS")
    if code != 220:
        raise RuntimeError("STARTTLS refused: %d" % code)
    s.sock = ctx.wrap_socket(s.sock, server_hostname=host)


cert_check("127.25.0.1", "pf-main.smtp.test", "ok", "pf-main certificate verifies (lab CA, name)")
cert_check("127.25.0.3", "pf-expired.smtp.test", "expired", "pf-expired certificate has expired")
cert_check("127.25.0.4", "pf-wrongname.smtp.test", "mismatch", "pf-wrongname certificate: name mismatch")


# ---- fixture modes ------------------------------------------------------
def raw(addr, send=(), wait=2.0, limit=300000):
    """connect, send lines, read until close/limit/wait; returns bytes"""
    s = socket.create_connection((addr, 25), timeout=wait)
    data = b""
    try:
        t = time.time() + wait
        for line in send:
            s.sendall(line + b"\r\n")
        while len(data) < limit and time.time() < t:
            s.settimeout(max(0.05, t - time.time()))
            d = s.recv(65536)
            if not d:
                break
            data += d
    except socket.timeout:
        pass
    finally:
        s.close()
    return data


try:
    tap(raw("127.25.1.2", wait=1.5) == b"", "fixture silent: nothing in 1.5 s")
    d = raw("127.25.1.3", [b"EHLO x", b"QUIT"])
    tap(d.startswith(b"554 5.7.1") and b"\r\n503 5.5.1" in d and d.endswith(b"221 2.0.0 Bye\r\n"),
        "fixture greet554: 554 5.7.1, 503 to EHLO, 221 to QUIT", d)
    d = raw("127.25.1.4")
    tap(d.startswith(b"421 4.3.2"), "fixture greet421: 421 4.3.2 and close", d)
    d = raw("127.25.1.5", wait=1.0)
    tap(0 < len(d) < 8, "fixture drip: a few bytes in 1 s", d)
    d = raw("127.25.1.6", [b"EHLO x"])
    tap(b"\x1b]0;" in d and b"\x00" in d and b"250-X-\x1b[5m" in d,
        "fixture hostile: escapes and NUL in greeting and EHLO", d[:80])
    d = raw("127.25.1.7")
    tap(len(d) > 100000 and d.startswith(b"220 AAAA"), "fixture overlong: 100 000-byte line")
    d = raw("127.25.1.8", wait=0.5, limit=200000)
    tap(d.startswith(b"220-") and b"\r\n220 " not in d, "fixture endless: 220- lines only")
    d = raw("127.25.1.9", [b"EHLO x", b"MAIL FROM:<>", b"RCPT TO:<admin@hangup.smtp.test>"])
    tap(b"250 2.1.0" in d and b"2.1.5" not in d and b"5.1.1" not in d,
        "fixture hangup: closes at RCPT without a reply", d)
    for addr, want, mode in (("127.25.1.10", b"451 4.3.0", "tempfail"),
                             ("127.25.1.11", b"252 2.1.5", "rcpt252"),
                             ("127.25.1.12", b"251 2.1.5", "rcpt251")):
        d = raw(addr, [b"EHLO x", b"MAIL FROM:<>", b"RCPT TO:<admin@x.smtp.test>", b"QUIT"])
        tap(b"\r\n" + want in d, "fixture %s: %s" % (mode, want.decode()), d)
    d = raw("127.25.1.13", [b"EHLO x", b"STARTTLS", b"\x16\x03\x01 not a real ClientHello"])
    tap(b"250-STARTTLS" in d and b"220 2.0.0" in d and d.endswith(b"this is not TLS\r\n"),
        "fixture badtls: STARTTLS offered, 220, then clear text", d)
    d = raw("127.25.1.1", [b"EHLO x", b"MAIL FROM:<>", b"RCPT TO:<admin@a.test>",
                           b"RCPT TO:<nx@a.test>", b"DATA", b"QUIT"])
    tap(b"250-PIPELINING" in d and b"\r\n550 5.1.1" in d and b"554 5.5.1" in d,
        "fixture accept: PIPELINING, five yes, others 550 5.1.1, DATA refused", d)
    log = os.path.join(LAB, "smtp-fixture", "sessions.jsonl")
    with open(log) as f:
        recs = [json.loads(x) for x in f]
    tap(any(r.get("cmd") == "DATA" for r in recs), "fixture logs commands (the DATA above)")
except Exception as e:  # noqa: BLE001
    tap(False, "fixture", repr(e))

print("1..%d" % n)
sys.exit(1 if failed else 0)
