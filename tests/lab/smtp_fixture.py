#!/usr/bin/python3
"""Lab SMTP fixture: behaviours real Postfix cannot be configured into.

Each --serve ADDR=MODE listens on ADDR:PORT and plays MODE (MODES below)
to every client. Replies are the ones RFC 5321 (section 4.2, 4.3.2) and
RFC 3463 give for the situation, with texts as real servers word them.
Every session is logged to --log (JSON lines: addr, session, event
"connect"/"cmd"/"close", and the command line received, escaped), so
tests can assert what a client sent (never DATA, always QUIT).
A DATA command, should one ever come, is refused (554 5.5.1) and logged.
Standard library only; started by `lab` (services.conf, "smtp-fixture"),
pid file once every address listens.
"""
import argparse
import json
import os
import signal
import socket
import struct
import sys
import threading
import time

LOG_LOCK = threading.Lock()

# What a mode does at each step. "greet": the greeting (list of lines, sent
# as one multi-line reply); "rcpt": reply to RCPT for a local part, "*"
# otherwise; special behaviours are flags (see play()).
OK_EHLO = ["250-{host}", "250-PIPELINING", "250-SIZE 10240000",
           "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250 SMTPUTF8"]
FIVE = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")
UNKNOWN = "550 5.1.1 <{addr}>: Recipient address rejected: User unknown"

MODES = {
    # accepts the TCP connection and never says anything (a tarpit, or a
    # firewall that proxies the handshake): the client's timeout must fire
    "silent": {"silent": True},
    # RFC 5321 3.1: "554 ... instead of 220"; the server then waits for
    # QUIT. Text as from a DNSBL-blocking server.
    "greet554": {"greet": ["554 5.7.1 Service unavailable; Client host [{peer}] "
                           "blocked using zen.spamhaus.org"], "after_greet": "refuse"},
    # RFC 5321 4.2.3/3.8: 421 at greeting, then the server closes
    "greet421": {"greet": ["421 4.3.2 {host} Service not available, closing "
                           "transmission channel"], "close_after_greet": True},
    # every reply trickles out one byte per 0.3 s (a greeting takes ~10 s)
    "drip": {"drip": 0.3},
    # hostile text: terminal escapes, NUL, C1 and invalid UTF-8 in every
    # reply; the RCPT replies are otherwise right (admin exists)
    "hostile": {"greet": ["220-{host} \x1b]0;owned\x07\x1b[2J\x1b[31mESMTP",
                          "220 \x00\x9b\xff\xfe\x1b[1;1H ready"],
                "ehlo_extra": ["250-X-\x1b[5mBLINK\x1b[0m"],
                "rcpt": {"admin": "250 2.1.5 Ok \x1b[32mgreen\x1b[0m",
                         "*": "550 5.1.1 <{addr}>: \x1b]8;;http://evil.test/\x07"
                              "click\x1b]8;;\x07 no such user \x07\x08\x08\x08"}},
    # a 100 000-byte greeting line: the client must bound its buffer
    "overlong": {"greet": ["220 " + "A" * 100000]},
    # a multi-line greeting that never ends (220- lines forever)
    "endless": {"endless": True},
    # hangs up after the first RCPT (no reply), as a crashing server would
    "hangup": {"hangup_at": "RCPT"},
    # RFC 3463 4.3.0 "other or undefined mail system status", as Postfix
    # words a temporary lookup failure
    "tempfail": {"rcpt": {"*": "451 4.3.0 <{addr}>: Temporary lookup failure"}},
    # RFC 5321 3.5.3/4.2.2: 252 "Cannot VRFY user, but will accept message
    # and attempt delivery" (some servers give it to RCPT as well)
    "rcpt252": {"rcpt": {"*": "252 2.1.5 Cannot VRFY user, but will accept "
                              "message and attempt delivery"}},
    # RFC 5321 3.4: 251 "User not local; will forward"
    "rcpt251": {"rcpt": {"*": "251 2.1.5 User not local; will forward to "
                              "<{local}@forward.test>"}},
    # offers STARTTLS, says 220 to it, then answers the ClientHello with
    # clear text and hangs up (a broken TLS setup); a client that comes
    # back without STARTTLS gets an ordinary session
    "badtls": {"ehlo_extra": ["250-STARTTLS"], "badtls": True},
    # ordinary well-behaved server: the five exist, nothing else
    "accept": {},
    # the fault matrix (tests/faults): half of the EHLO reply, then a TCP
    # reset; binary garbage instead of a greeting
    "reset": {"reset_at": "EHLO"},
    "garbage": {"garbage": True},
}


def log(args, rec):
    if not args.log:
        return
    with LOG_LOCK:
        with open(args.log, "a") as f:
            f.write(json.dumps(rec) + "\n")


def escape(b):
    return b.decode("latin-1").encode("unicode_escape").decode("ascii")


class Session:
    def __init__(self, conn, addr, mode, args, sid):
        self.c, self.addr, self.args, self.sid = conn, addr, args, sid
        self.mode = MODES[mode]
        self.host = "fx-%s.smtp.test" % mode
        self.peer = conn.getpeername()[0]
        self.buf = b""

    def send(self, lines):
        data = "".join(line + "\r\n" for line in lines).encode("latin-1")
        drip = self.mode.get("drip")
        if drip:
            for i in range(len(data)):
                self.c.sendall(data[i:i + 1])
                time.sleep(drip)
        else:
            self.c.sendall(data)

    def fmt(self, lines, **kw):
        kw.setdefault("host", self.host)
        kw.setdefault("peer", self.peer)
        return [line.format(**kw) for line in lines]

    def readline(self):
        while b"\n" not in self.buf:
            if len(self.buf) > 4096:
                return None
            d = self.c.recv(4096)
            if not d:
                return None
            self.buf += d
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r")

    def run(self):
        m = self.mode
        if m.get("silent"):
            time.sleep(60)
            return
        if m.get("garbage"):
            self.c.sendall(bytes(range(256)) * 8)
            return
        if m.get("endless"):
            for i in range(200000):
                self.c.sendall(b"220-still greeting you, line %d\r\n" % i)
            return
        self.send(self.fmt(m.get("greet", ["220 {host} ESMTP fixture"])))
        if m.get("close_after_greet"):
            return
        mail = False
        while True:
            line = self.readline()
            if line is None:
                return
            log(self.args, {"addr": self.addr, "session": self.sid, "event": "cmd",
                            "cmd": escape(line)})
            verb = line.split(b" ", 1)[0].split(b":", 1)[0].upper().decode("latin-1")
            if verb == "QUIT":
                self.send(["221 2.0.0 Bye"])
                return
            if m.get("after_greet") == "refuse":
                self.send(["503 5.5.1 Error: bad sequence of commands"])
                continue
            if m.get("hangup_at") == verb:
                return
            if m.get("reset_at") == verb:
                self.c.sendall(b"250-%s\r\n250-PIPEL" % self.host.encode())
                time.sleep(0.2)
                self.c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                  struct.pack("ii", 1, 0))
                self.c.close()
                return
            if verb == "EHLO":
                lines = self.fmt(OK_EHLO)
                extra = m.get("ehlo_extra", [])
                self.send(lines[:1] + extra + lines[1:])
            elif verb == "STARTTLS" and m.get("badtls"):
                self.send(["220 2.0.0 Ready to start TLS"])
                if not self.buf:  # the ClientHello (maybe read already)
                    self.c.recv(4096)
                self.c.sendall(b"this is not TLS\r\n")
                return
            elif verb == "HELO":
                self.send(self.fmt(["250 {host}"]))
            elif verb == "MAIL":
                mail = True
                self.send(["250 2.1.0 Ok"])
            elif verb == "RCPT":
                if not mail:
                    self.send(["503 5.5.1 Error: need MAIL command"])
                    continue
                a = line.split(b":", 1)[1].strip().strip(b"<>").decode("latin-1")
                local = a.split("@", 1)[0].lower()
                rc = m.get("rcpt", {})
                if local in rc:
                    r = rc[local]
                elif "*" in rc:
                    r = rc["*"]
                else:
                    r = "250 2.1.5 Ok" if local in FIVE else UNKNOWN
                self.send(self.fmt([r], addr=a, local=local))
            elif verb == "RSET":
                mail = False
                self.send(["250 2.0.0 Ok"])
            elif verb == "NOOP":
                self.send(["250 2.0.0 Ok"])
            elif verb == "DATA":
                self.send(["554 5.5.1 Error: no DATA in the dvcheck lab"])
            else:
                self.send(["502 5.5.2 Error: command not recognized"])


def serve_conn(conn, addr, mode, args, sid):
    log(args, {"addr": addr, "session": sid, "event": "connect", "mode": mode})
    try:
        conn.settimeout(30)
        Session(conn, addr, mode, args, sid).run()
    except OSError:
        pass
    finally:
        log(args, {"addr": addr, "session": sid, "event": "close"})
        try:
            conn.close()
        except OSError:
            pass


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pidfile", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--log")
    p.add_argument("--serve", action="append", default=[], metavar="ADDR=MODE")
    args = p.parse_args()
    counter = [0]
    lock = threading.Lock()
    for spec in args.serve:
        addr, _, mode = spec.partition("=")
        if mode not in MODES:
            sys.exit("unknown mode %r (have %s)" % (mode, " ".join(MODES)))
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr, args.port))
        s.listen(64)

        def loop(s=s, addr=addr, mode=mode):
            while True:
                try:
                    conn, _ = s.accept()
                except OSError:
                    return
                with lock:
                    counter[0] += 1
                    sid = counter[0]
                threading.Thread(target=serve_conn, args=(conn, addr, mode, args, sid),
                                 daemon=True).start()
        threading.Thread(target=loop, daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    tmp = args.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, args.pidfile)
    sys.stderr.write("listening on %d addresses port %d\n" % (len(args.serve), args.port))
    sys.stderr.flush()
    while not stop.wait(1):
        pass


if __name__ == "__main__":
    main()
