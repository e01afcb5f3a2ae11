#!/usr/bin/python3
"""Fault-injecting peers for dvcheck's fault matrix (tests/faults/).

One process, standard library only, plays every broken peer the matrix
needs, each on its own loopback address in 127.60.0.0/16:

    faultpeer.py --pidfile P --certdir DIR --serve PROTO:ADDR:PORT=MODE ...

PROTO and its MODEs (what the peer does once a client connects/asks):

  dns       UDP and TCP. silent (reads, never answers), garbage (random
            bytes), wrongid (a good answer with another message ID),
            truncated (the answer cut inside a record), oversized (a 60 KB
            TCP answer after TC), servfail, refused (RCODE 5), tc-notcp (TC
            over UDP, nothing listens on TCP), tc-reset (TC, then TCP reset
            mid-answer), tc-drip (TC, then the TCP answer a byte a second)
  resolver  UDP and TCP: a small static "recursive resolver" (RD+RA) and
            authoritative server for the zones dN.faults.test: NS
            ns0.faults.test (this server, good) and ns.dN.faults.test =
            127.60.1.N (the faulty DNS peer N); the record name
            _x.dN.faults.test has CNAME target.faults.test
  tcp       raw TCP (WHOIS): silent, reset (part of a record, then RST),
            drip (a byte a second), garbage (binary), oversized (64 MB of
            filler), truncated (half a record, then FIN), throttle
  http      HTTP/1.1 (plain, or TLS with --cert good): silent, reset, drip,
            garbage, oversized, truncated, 500, 429 (Retry-After: 1),
            throttle (AWS ThrottlingException / STS Throttling), expired
            (ACM: page 1 of ListCertificates, then ExpiredTokenException;
            STS: ExpiredToken; IMDS/container: credentials that expired an
            hour ago), skew (Date two hours ahead, "Signature expired"),
            badjson (200 with JSON cut short)
  https     as http, behind TLS with the good certificate
  tls       TLS endpoint: stall (accepts, never answers the ClientHello),
            reset (reads the ClientHello, then RST), garbage (non-TLS
            bytes), badchain (self-signed), wrongname, expired, good

Certificates come from --certdir: faults-good.pem/.key (issued by the lab
CA for the 127.60.x addresses), faults-expired, faults-wrongname (the lab
issues them: tests/lab/certs.conf) and faults-selfsigned (made by the
matrix runner). The pid file is written once every listener is up.
"""
import argparse
import datetime
import json
import os
import random
import signal
import socket
import ssl
import struct
import sys
import threading
import time

STOP = threading.Event()


def log(*a):
    sys.stderr.write(" ".join(str(x) for x in a) + "\n")
    sys.stderr.flush()


def quiet_close(conn):
    """Close; a peer that already went is no error here."""
    try:
        conn.close()
    except OSError:
        pass


def rst_close(conn):
    """Close with a TCP RST (SO_LINGER 0)."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    quiet_close(conn)


def sleep_until_closed(conn, limit=120):
    """Hold the connection open, reading and dropping, until the client
    gives up (or limit seconds)."""
    conn.settimeout(1)
    end = time.time() + limit
    while time.time() < end and not STOP.is_set():
        try:
            if not conn.recv(4096):
                return
        except socket.timeout:
            continue
        except OSError:
            return


def drip(conn, data, per_s=1.0, limit=120):
    end = time.time() + limit
    for i in range(len(data)):
        if time.time() > end or STOP.is_set():
            return
        try:
            conn.sendall(data[i:i + 1])
        except OSError:
            return
        time.sleep(per_s)


# ---------------------------------------------------------------- DNS

def dns_name(n):
    out = b""
    for lab in n.rstrip(".").split("."):
        if lab:
            out += bytes([len(lab)]) + lab.encode()
    return out + b"\0"


def dns_parse_q(msg):
    """(id, flags, qname text, qtype, qclass, question bytes) or None."""
    if len(msg) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if qd != 1:
        return None
    i, labels = 12, []
    while i < len(msg):
        ln = msg[i]
        if ln == 0:
            i += 1
            break
        if ln > 63:
            return None
        labels.append(msg[i + 1:i + 1 + ln].decode("ascii", "replace"))
        i += 1 + ln
    if i + 4 > len(msg):
        return None
    qtype, qclass = struct.unpack("!HH", msg[i:i + 4])
    return qid, flags, ".".join(labels).lower(), qtype, qclass, msg[12:i + 4]


def rr(name, rtype, rdata, ttl=300):
    return dns_name(name) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def dns_reply(q, rcode=0, an=(), ns=(), ar=(), aa=True, tc=False, ra=True, qid=None):
    qid0, flags, _, _, _, qbytes = q
    f = 0x8000 | (flags & 0x0100) | (rcode & 0xF)
    if aa:
        f |= 0x0400
    if tc:
        f |= 0x0200
    if ra:
        f |= 0x0080
    hdr = struct.pack("!HHHHHH", qid0 if qid is None else qid, f, 1, len(an), len(ns), len(ar))
    return hdr + qbytes + b"".join(an) + b"".join(ns) + b"".join(ar)


T_A, T_NS, T_CNAME, T_SOA, T_AAAA = 1, 2, 5, 6, 28


def soa(zone):
    rd = dns_name("ns0.faults.test") + dns_name("hostmaster.faults.test") + \
        struct.pack("!IIIII", 1, 3600, 600, 86400, 300)
    return rr(zone, T_SOA, rd)


def static_answer(q):
    """The resolver/authoritative view of dN.faults.test (see the header)."""
    _, _, name, qtype, _, _ = q
    labels = name.split(".")
    if name == "ns0.faults.test":
        return dns_reply(q, an=[rr(name, T_A, socket.inet_aton("127.60.0.53"))] if qtype == T_A else [],
                         ns=[] if qtype == T_A else [soa("faults.test")])
    if not name.endswith("faults.test"):
        return dns_reply(q, rcode=3, ns=[soa("faults.test")]) if name.endswith(".test") or name == "test" \
            else dns_reply(q, rcode=3)
    # which dN zone, if any
    zone = None
    for k in range(len(labels) - 2):
        if labels[k].startswith("d") and labels[k][1:].isdigit() and \
                ".".join(labels[k + 1:]) == "faults.test":
            zone = ".".join(labels[k:])
            n = int(labels[k][1:])
            break
    if zone is None:
        if name == "faults.test" and qtype == T_SOA:
            return dns_reply(q, an=[soa("faults.test")])
        if name == "target.faults.test" and qtype == T_A:
            return dns_reply(q, an=[rr(name, T_A, socket.inet_aton("192.0.2.80"))])
        return dns_reply(q, rcode=0 if name in ("faults.test", "target.faults.test") else 3,
                         ns=[soa("faults.test")])
    nsrr = [rr(zone, T_NS, dns_name("ns0.faults.test")), rr(zone, T_NS, dns_name("ns." + zone))]
    if name == zone and qtype == T_NS:
        return dns_reply(q, an=nsrr)
    if name == zone and qtype == T_SOA:
        return dns_reply(q, an=[soa(zone)])
    if name == "ns." + zone:
        if qtype == T_A:
            return dns_reply(q, an=[rr(name, T_A, socket.inet_aton("127.60.1.%d" % n))])
        return dns_reply(q, ns=[soa(zone)])
    if name == "_x." + zone:
        return dns_reply(q, an=[rr(name, T_CNAME, dns_name("target.faults.test"))])
    if name == zone:
        return dns_reply(q, ns=[soa(zone)])
    return dns_reply(q, rcode=3, ns=[soa(zone)])


def good_answer(q):
    """What a sane server would say: NXDOMAIN with an SOA."""
    return dns_reply(q, rcode=3, ns=[soa("faults.test")])


def dns_udp_reply(mode, msg):
    q = dns_parse_q(msg)
    if mode == "resolver":
        return static_answer(q) if q else None
    if mode == "silent" or q is None:
        return None
    if mode == "garbage":
        return bytes(random.getrandbits(8) for _ in range(200))
    if mode == "wrongid":
        return dns_reply(q, rcode=0, an=[rr(q[2] or ".", T_A, b"\x7f\0\0\1")], qid=q[0] ^ 0x5555)
    if mode == "truncated":
        full = dns_reply(q, an=[rr(q[2] or ".", T_A, b"\xc0\0\2\1")] * 3)
        return full[:len(full) - 20]
    if mode == "servfail":
        return dns_reply(q, rcode=2, aa=False)
    if mode == "refused":
        return dns_reply(q, rcode=5, aa=False)
    if mode in ("tc-notcp", "tc-reset", "tc-drip", "oversized"):
        return dns_reply(q, tc=True)
    return good_answer(q)


def dns_tcp_conn(mode, conn):
    conn.settimeout(30)
    try:
        hdr = b""
        while len(hdr) < 2:
            b = conn.recv(2 - len(hdr))
            if not b:
                return
            hdr += b
        (ln,) = struct.unpack("!H", hdr)
        msg = b""
        while len(msg) < ln:
            b = conn.recv(ln - len(msg))
            if not b:
                return
            msg += b
    except OSError:
        return
    q = dns_parse_q(msg)
    if mode == "silent" or q is None:
        sleep_until_closed(conn)
        return
    if mode == "resolver":
        ans = static_answer(q)
    elif mode == "oversized":
        # a legal-length (65535) TCP message of 4000 A records: far above
        # what any DNS client needs
        ans = dns_reply(q, an=[rr(q[2] or ".", T_A, struct.pack("!I", 0xC0000200 + i % 250))
                               for i in range(3600)])[:65535]
    elif mode in ("garbage",):
        ans = bytes(random.getrandbits(8) for _ in range(300))
    else:
        ans = dns_udp_reply(mode if mode not in ("tc-reset", "tc-drip") else "nx", msg) or good_answer(q)
    data = struct.pack("!H", len(ans)) + ans
    try:
        if mode == "tc-reset":
            conn.sendall(data[:len(data) // 2])
            time.sleep(0.2)
            rst_close(conn)
            return
        if mode == "tc-drip":
            drip(conn, data)
            return
        conn.sendall(data)
    except OSError:
        pass


# ---------------------------------------------------------------- raw TCP (WHOIS)

WHOIS_RECORD = (
    "Domain Name: EXAMPLE.TEST\r\n"
    "Registrar: Fault Registrar\r\n"
    "Registrant Email: owner@example.test\r\n"
    "Admin Email: admin@example.test\r\n"
    "Tech Email: tech@example.test\r\n"
    ">>> Last update of WHOIS database: 2026-01-01T00:00:00Z <<<\r\n").encode()


def tcp_conn(mode, conn):
    conn.settimeout(30)
    try:
        conn.recv(4096)  # the query line
        if mode == "silent":
            sleep_until_closed(conn)
        elif mode == "reset":
            conn.sendall(WHOIS_RECORD[:60])
            time.sleep(0.2)
            rst_close(conn)
            return
        elif mode == "drip":
            drip(conn, WHOIS_RECORD)
        elif mode == "garbage":
            conn.sendall(bytes(random.getrandbits(8) for _ in range(4096)))
        elif mode == "oversized":
            chunk = b"% filler filler filler filler filler filler filler\r\n" * 1000
            for _ in range(64 * 1024 * 1024 // len(chunk)):
                if STOP.is_set():
                    break
                conn.sendall(chunk)
        elif mode == "truncated":
            conn.sendall(WHOIS_RECORD[:len(WHOIS_RECORD) // 2])
        elif mode == "throttle":
            conn.sendall(b"%ERROR:201: access denied - query rate limit exceeded\r\n")
    except OSError:
        pass
    quiet_close(conn)


# ---------------------------------------------------------------- HTTP

def http_read_request(conn):
    conn.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        b = conn.recv(65536)
        if not b:
            return None
        data += b
        if len(data) > 1 << 20:
            return None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path = (lines[0].split(" ") + ["", ""])[:2]
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    n = int(hdrs.get("content-length", "0") or 0)
    while len(body) < n:
        b = conn.recv(65536)
        if not b:
            break
        body += b
    return method, path, hdrs, body


def http_resp(code, reason, body, ctype="application/x-amz-json-1.1", extra=()):
    h = "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nConnection: close\r\n" % (
        code, reason, ctype, len(body))
    for k, v in extra:
        h += "%s: %s\r\n" % (k, v)
    h += "x-amzn-RequestId: 00000000-0000-4000-8000-00000000fa17\r\n\r\n"
    return h.encode() + body


def aws_error(req, code, status, message, kind="json"):
    """An AWS error in the request's protocol: JSON 1.1 (ACM), or the
    query protocol's XML (STS)."""
    method, path, hdrs, body = req
    if "x-amz-target" not in hdrs and hdrs.get("content-type", "").startswith(
            "application/x-www-form-urlencoded"):
        x = ("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>"
             "<Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error>"
             "<RequestId>00000000-0000-4000-8000-00000000fa17</RequestId></ErrorResponse>"
             % (code, message)).encode()
        return http_resp(status, "Error", x, "text/xml")
    return http_resp(status, "Error", json.dumps({"__type": code, "message": message}).encode())


def iso(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def creds_doc(expired):
    now = datetime.datetime.now(datetime.timezone.utc)
    exp = now + datetime.timedelta(hours=-1 if expired else 6)
    return json.dumps({"Code": "Success", "Type": "AWS-HMAC",
                       "AccessKeyId": "ASIAFAULTPEER0000001",
                       "SecretAccessKey": "faultSecret/EXAMPLEKEY/000000000000000001",
                       "Token": "FaultPeerSessionToken0001",
                       "LastUpdated": iso(now - datetime.timedelta(hours=7)),
                       "Expiration": iso(exp)}).encode()


def http_expired(req):
    method, path, hdrs, body = req
    if path.startswith("/latest/api/token"):
        return http_resp(200, "OK", b"AQAEAFaultPeerImdsToken==", "text/plain",
                         [("X-aws-ec2-metadata-token-ttl-seconds", "21600")])
    if path.rstrip("/") == "/latest/meta-data/iam/security-credentials":
        return http_resp(200, "OK", b"fault-role", "text/plain")
    if path.startswith("/latest/meta-data/iam/security-credentials/") or path.startswith("/creds"):
        return http_resp(200, "OK", creds_doc(True), "application/json")
    if hdrs.get("x-amz-target", "").endswith("ListCertificates") and b"NextToken" not in body:
        page = {"CertificateSummaryList": [{
            "CertificateArn": "arn:aws:acm:us-east-1:123456789012:certificate/"
                              "fa000000-0000-4000-8000-000000000001",
            "DomainName": "page1.faults.test", "Status": "ISSUED", "Type": "AMAZON_ISSUED"}],
            "NextToken": "fault-page-2"}
        return http_resp(200, "OK", json.dumps(page).encode())
    return aws_error(req, "ExpiredTokenException" if "x-amz-target" in hdrs else "ExpiredToken",
                     400, "The security token included in the request is expired")


def http_conn(mode, conn):
    try:
        req = http_read_request(conn)
    except OSError:
        req = None
    if req is None:
        rst_close(conn) if mode == "reset" else conn.close()
        return
    ok_body = b'{"CertificateSummaryList": [], "Certificate": {}}'
    try:
        if mode == "silent":
            sleep_until_closed(conn)
        elif mode == "reset":
            full = http_resp(200, "OK", ok_body * 20)
            conn.sendall(full[:len(full) // 2])
            time.sleep(0.2)
            rst_close(conn)
            return
        elif mode == "drip":
            drip(conn, http_resp(200, "OK", ok_body))
        elif mode == "garbage":
            conn.sendall(bytes(random.getrandbits(8) for _ in range(2048)))
        elif mode == "oversized":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n"
                         b"Content-Length: 200000000\r\nConnection: close\r\n\r\n{\"x\": \"")
            chunk = b"A" * 65536
            for _ in range(200000000 // len(chunk)):
                if STOP.is_set():
                    break
                conn.sendall(chunk)
        elif mode == "truncated":
            full = http_resp(200, "OK", ok_body * 20)
            conn.sendall(full[:len(full) - 300])
        elif mode == "500":
            conn.sendall(aws_error(req, "InternalFailure", 500, "We encountered an internal error"))
        elif mode == "429":
            r = http_resp(429, "Too Many Requests", b'{"__type":"TooManyRequestsException",'
                          b'"message":"Rate exceeded"}', extra=[("Retry-After", "1")])
            conn.sendall(r)
        elif mode == "throttle":
            conn.sendall(aws_error(req, "ThrottlingException" if "x-amz-target" in req[2] else "Throttling",
                                   400, "Rate exceeded"))
        elif mode == "expired":
            conn.sendall(http_expired(req))
        elif mode == "skew":
            ahead = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=2)
            msg = "Signature expired: %s is now earlier than %s (%s - 5 min.)" % (
                datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ"),
                (ahead - datetime.timedelta(minutes=5)).strftime("%Y%m%dT%H%M%SZ"),
                ahead.strftime("%Y%m%dT%H%M%SZ"))
            r = aws_error(req, "InvalidSignatureException" if "x-amz-target" in req[2]
                          else "SignatureDoesNotMatch", 400 if "x-amz-target" in req[2] else 403, msg)
            date = ahead.strftime("%a, %d %b %Y %H:%M:%S GMT")
            r = r.replace(b"Connection: close\r\n", b"Connection: close\r\nDate: " + date.encode() + b"\r\n", 1)
            conn.sendall(r)
        elif mode == "badjson":
            conn.sendall(http_resp(200, "OK", b'{"CertificateSummaryList": [{"CertificateArn": "arn:aws:acm'))
    except OSError:
        pass
    quiet_close(conn)


# ---------------------------------------------------------------- TLS endpoints

def tls_ctx(certdir, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(certdir, name + ".pem"), os.path.join(certdir, name + ".key"))
    return ctx


def tls_conn(mode, conn, ctxs):
    conn.settimeout(30)
    try:
        if mode == "stall":
            sleep_until_closed(conn)
            return
        if mode == "reset":
            conn.recv(4096)
            time.sleep(0.1)
            rst_close(conn)
            return
        if mode == "garbage":
            conn.recv(4096)
            conn.sendall(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n" + bytes(random.getrandbits(8) for _ in range(512)))
            conn.close()
            return
        s = ctxs[mode].wrap_socket(conn, server_side=True)
        try:
            s.recv(1024)
        except (OSError, ssl.SSLError):
            pass
        s.close()
    except (OSError, ssl.SSLError):
        quiet_close(conn)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pidfile", required=True)
    p.add_argument("--certdir", required=True)
    p.add_argument("--serve", action="append", default=[], metavar="PROTO:ADDR:PORT=MODE")
    args = p.parse_args()
    good = tls_ctx(args.certdir, "faults-good")
    ctxs = {"good": good, "expired": tls_ctx(args.certdir, "faults-expired"),
            "wrongname": tls_ctx(args.certdir, "faults-wrongname"),
            "badchain": tls_ctx(args.certdir, "faults-selfsigned")}
    socks = []
    for spec in args.serve:
        where, _, mode = spec.partition("=")
        proto, addr, port = where.split(":")
        port = int(port)
        if proto in ("dns", "resolver"):
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind((addr, port))
            socks.append(u)

            def udp_loop(u=u, mode=mode if proto == "dns" else "resolver"):
                while not STOP.is_set():
                    try:
                        msg, peer = u.recvfrom(65535)
                    except OSError:
                        return
                    r = dns_udp_reply(mode, msg)
                    if r is not None:
                        try:
                            u.sendto(r, peer)
                        except OSError:
                            pass
            threading.Thread(target=udp_loop, daemon=True).start()
            if mode == "tc-notcp":
                continue  # nothing on TCP: connection refused
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((addr, port))
        t.listen(64)
        socks.append(t)

        def tcp_loop(t=t, proto=proto, mode=mode):
            while not STOP.is_set():
                try:
                    conn, _ = t.accept()
                except OSError:
                    return
                if proto == "dns":
                    target, a = dns_tcp_conn, (mode, conn)
                elif proto == "resolver":
                    target, a = dns_tcp_conn, ("resolver", conn)
                elif proto == "tcp":
                    target, a = tcp_conn, (mode, conn)
                elif proto == "http":
                    target, a = http_conn, (mode, conn)
                elif proto == "https":
                    def target(mode, conn):
                        conn.settimeout(30)
                        if mode == "silent":  # TLS handshake stall
                            sleep_until_closed(conn)
                            return
                        try:
                            s = good.wrap_socket(conn, server_side=True)
                        except (OSError, ssl.SSLError):
                            conn.close()
                            return
                        http_conn(mode, s)
                    a = (mode, conn)
                else:
                    target, a = tls_conn, (mode, conn, ctxs)
                threading.Thread(target=target, args=a, daemon=True).start()
        threading.Thread(target=tcp_loop, daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: STOP.set())
    signal.signal(signal.SIGINT, lambda *_: STOP.set())
    tmp = args.pidfile + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, args.pidfile)
    log("faultpeer: %d peers up" % len(args.serve))
    while not STOP.wait(1):
        pass
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
