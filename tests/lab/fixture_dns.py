#!/usr/bin/python3
"""dvcheck lab fixture DNS server: a tiny authoritative server (UDP + TCP)
for zone data that NSD refuses to load, e.g. a CNAME next to other data.

Usage: fixture_dns.py ADDRESS PORT PIDFILE ZONE=FILE...
       fixture_dns.py --check ZONE=FILE...     (parse the files and exit)

Zone files are ordinary master files, restricted to: $ORIGIN, $TTL,
owner "@"/relative/absolute (no escapes, no wildcards, no $INCLUDE),
optional TTL and class IN, parentheses, ";" comments, and the types A,
AAAA, NS, CNAME, PTR, MX, TXT, SOA, SRV, CAA and TYPEnnn with RFC 3597
"\\# LEN HEX" data. Unlike NSD it does NOT reject "CNAME and other data".

Answers: AA for the zones it serves; exact RRset if the name has one,
else the CNAME (followed inside the zone, at most 8 steps), else NODATA or
NXDOMAIN with the SOA in the authority section; NS below the apex gives a
referral (no glue); REFUSED for other zones, other classes and zone
transfers; NOTIMP for opcodes other than QUERY; FORMERR for junk that has
a header. EDNS: a minimal OPT is echoed (version 0, UDP size 1232;
BADVERS for other versions). UDP answers larger than the client allows are
truncated (TC). No name compression, no DNSSEC.

The pid file is written once both sockets are bound, so its presence means
"ready". Runs in the foreground; "lab start" puts it in the background.
Exits on SIGTERM/SIGINT/SIGHUP and removes its pid file.
"""

import ipaddress
import os
import selectors
import signal
import socket
import struct
import sys
import time
import traceback

TYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15,
         "TXT": 16, "AAAA": 28, "SRV": 33, "CAA": 257}
T_NS, T_CNAME, T_SOA, T_OPT, T_DS = 2, 5, 6, 41, 43
T_IXFR, T_AXFR, T_ANY = 251, 252, 255
C_IN = 1
NOERROR, FORMERR, SERVFAIL, NXDOMAIN, NOTIMP, REFUSED = 0, 1, 2, 3, 4, 5
EDNS_SIZE = 1232
MAX_CNAME = 8
TCP_IDLE = 10.0          # seconds a TCP connection may stay silent
TCP_MAX_CONNS = 64
TCP_MAX_OUT = 256 * 1024


class ZoneError(Exception):
    pass


# ---- master file parsing ---------------------------------------------------

def logical_lines(text, where):
    """Yield (lineno, leading_blank, tokens); tokens are (text, quoted)."""
    toks, depth, start, blank = [], 0, 0, False
    lineno = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        if depth == 0:
            toks, start, blank = [], lineno, line[:1] in (" ", "\t")
        i, n = 0, len(line)
        while i < n:
            c = line[i]
            if c in " \t\r":
                i += 1
            elif c == ";":
                break
            elif c == "(":
                depth += 1
                i += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    raise ZoneError("%s:%d: unbalanced ')'" % (where, lineno))
                i += 1
            elif c == '"':
                j, buf = i + 1, []
                while j < n and line[j] != '"':
                    if line[j] == "\\" and j + 1 < n:
                        buf.append(line[j:j + 2])
                        j += 2
                    else:
                        buf.append(line[j])
                        j += 1
                if j >= n:
                    raise ZoneError("%s:%d: unterminated string" % (where, lineno))
                toks.append(("".join(buf), True))
                i = j + 1
            else:
                j = i
                while j < n and line[j] not in ' \t\r;()"':
                    j += 1
                toks.append((line[i:j], False))
                i = j
        if depth == 0 and toks:
            yield start, blank, toks
    if depth:
        raise ZoneError("%s:%d: unbalanced '('" % (where, lineno))


def unescape(s, where):
    """Character-string text (escapes \\X and \\DDD) -> bytes."""
    out, i = bytearray(), 0
    raw = s.encode("utf-8")
    while i < len(raw):
        if raw[i] == 0x5C and i + 1 < len(raw):
            if raw[i + 1:i + 4].isdigit() and len(raw[i + 1:i + 4]) == 3:
                v = int(raw[i + 1:i + 4])
                if v > 255:
                    raise ZoneError("%s: bad escape \\%03d" % (where, v))
                out.append(v)
                i += 4
            else:
                out.append(raw[i + 1])
                i += 2
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def parse_name(text, origin, where):
    """Name text -> tuple of lower-case labels (bytes), root = ()."""
    if "\\" in text or "*" in text:
        raise ZoneError("%s: escapes and wildcards are not supported: %r"
                        % (where, text))
    if text == "@":
        return origin
    if text == ".":
        return ()
    absolute = text.endswith(".")
    labels = tuple(l.lower().encode("ascii") for l in text.rstrip(".").split("."))
    if any(not l or len(l) > 63 for l in labels):
        raise ZoneError("%s: bad name %r" % (where, text))
    name = labels if absolute else labels + origin
    if sum(len(l) + 1 for l in name) + 1 > 255:
        raise ZoneError("%s: name too long %r" % (where, text))
    return name


def wire(name):
    return b"".join(bytes([len(l)]) + l for l in name) + b"\0"


def to_int(text, bits, where):
    if not text.isdigit() or int(text) >= 1 << bits:
        raise ZoneError("%s: bad %d-bit number %r" % (where, bits, text))
    return int(text)


def char_string(tok, where):
    data = unescape(tok, where)
    if len(data) > 255:
        raise ZoneError("%s: character string longer than 255" % where)
    return bytes([len(data)]) + data


def rdata(rtype, args, origin, where):
    """Encode RDATA of type name rtype from tokens args -> (code, bytes)."""
    words = [t for t, _ in args]

    def need(k):
        if len(words) != k:
            raise ZoneError("%s: %s needs %d fields, got %d"
                            % (where, rtype, k, len(words)))

    if words[:1] == ["\\#"]:               # RFC 3597 generic form
        code = TYPES.get(rtype)
        if code is None:
            code = to_int(rtype[4:], 16, where)
        if len(words) < 2:
            raise ZoneError("%s: \\# needs a length" % where)
        data = bytes.fromhex("".join(words[2:]))
        if len(data) != to_int(words[1], 16, where):
            raise ZoneError("%s: \\# length mismatch" % where)
        return code, data
    if rtype.startswith("TYPE") and rtype[4:].isdigit():
        raise ZoneError("%s: %s needs \\# data" % (where, rtype))
    code = TYPES.get(rtype)
    if code is None:
        raise ZoneError("%s: unsupported type %s" % (where, rtype))
    try:
        if rtype == "A":
            need(1)
            return code, ipaddress.IPv4Address(words[0]).packed
        if rtype == "AAAA":
            need(1)
            return code, ipaddress.IPv6Address(words[0]).packed
    except ValueError:
        raise ZoneError("%s: bad address %r" % (where, words[0]))
    if rtype in ("NS", "CNAME", "PTR"):
        need(1)
        return code, wire(parse_name(words[0], origin, where))
    if rtype == "MX":
        need(2)
        return code, (struct.pack("!H", to_int(words[0], 16, where))
                      + wire(parse_name(words[1], origin, where)))
    if rtype == "SRV":
        need(4)
        return code, (struct.pack("!HHH", *(to_int(w, 16, where) for w in words[:3]))
                      + wire(parse_name(words[3], origin, where)))
    if rtype == "TXT":
        if not words:
            raise ZoneError("%s: TXT needs a string" % where)
        return code, b"".join(char_string(w, where) for w in words)
    if rtype == "SOA":
        need(7)
        return code, (wire(parse_name(words[0], origin, where))
                      + wire(parse_name(words[1], origin, where))
                      + struct.pack("!5I", *(to_int(w, 32, where) for w in words[2:])))
    if rtype == "CAA":
        need(3)
        tag = words[1].encode("ascii", "replace")
        if not (1 <= len(tag) <= 255 and tag.isalnum()):
            raise ZoneError("%s: bad CAA tag %r" % (where, words[1]))
        return code, (bytes([to_int(words[0], 8, where), len(tag)]) + tag
                      + unescape(words[2], where))
    raise ZoneError("%s: unsupported type %s" % (where, rtype))


class Zone:
    def __init__(self, apex, path):
        self.apex = apex
        self.path = path
        self.nodes = {}          # name -> {type: [ttl, [rdata, ...]]}
        self.soa = None          # (ttl, rdata)

    def add(self, name, rtype, ttl, data):
        rrsets = self.nodes.setdefault(name, {})
        entry = rrsets.setdefault(rtype, [ttl, []])
        entry[0] = min(entry[0], ttl)
        if data not in entry[1]:
            entry[1].append(data)


def load_zone(zone_text, path):
    apex = parse_name(zone_text.rstrip(".") + ".", (), path)
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ZoneError("%s: %s" % (path, e))
    zone = Zone(apex, path)
    origin, default_ttl, owner = apex, None, None
    for lineno, blank, toks in logical_lines(text, path):
        where = "%s:%d" % (path, lineno)
        first = toks[0][0]
        if first.upper() == "$ORIGIN" and not toks[0][1]:
            if len(toks) != 2:
                raise ZoneError("%s: $ORIGIN needs one name" % where)
            origin = parse_name(toks[1][0].rstrip(".") + ".", (), where)
            continue
        if first.upper() == "$TTL" and not toks[0][1]:
            if len(toks) != 2:
                raise ZoneError("%s: $TTL needs one number" % where)
            default_ttl = to_int(toks[1][0], 31, where)
            continue
        if first.startswith("$"):
            raise ZoneError("%s: unsupported directive %s" % (where, first))
        if not blank:
            owner = parse_name(first, origin, where)
            toks = toks[1:]
        if owner is None:
            raise ZoneError("%s: no owner name" % where)
        ttl = default_ttl
        while toks and not toks[0][1]:
            w = toks[0][0].upper()
            if w.isdigit():
                ttl = to_int(w, 31, where)
            elif w == "IN":
                pass
            else:
                break
            toks = toks[1:]
        if not toks:
            raise ZoneError("%s: no record type" % where)
        rtype = toks[0][0].upper()
        if ttl is None:
            raise ZoneError("%s: no TTL and no $TTL" % where)
        if owner[len(owner) - len(apex):] != apex or len(owner) < len(apex):
            raise ZoneError("%s: %s is outside the zone" % (where, show(owner)))
        code, data = rdata(rtype, toks[1:], origin, where)
        if code == T_SOA:
            if owner != apex:
                raise ZoneError("%s: SOA not at the apex" % where)
            if zone.soa:
                raise ZoneError("%s: second SOA" % where)
            zone.soa = (ttl, data)
        zone.add(owner, code, ttl, data)
    if not zone.soa:
        raise ZoneError("%s: no SOA record" % path)
    if T_NS not in zone.nodes.get(apex, {}):
        raise ZoneError("%s: no NS records at the apex" % path)
    return zone


def show(name):
    return ".".join(l.decode("ascii", "replace") for l in name) + "."


def load_all(specs):
    zones = {}
    for spec in specs:
        if "=" not in spec:
            raise ZoneError("expected ZONE=FILE, got %r" % spec)
        z, path = spec.split("=", 1)
        zone = load_zone(z, path)
        if zone.apex in zones:
            raise ZoneError("zone %s given twice" % show(zone.apex))
        zones[zone.apex] = zone
    return zones


# ---- DNS messages ------------------------------------------------------------

class FormErr(Exception):
    pass


def read_name(msg, off):
    """Uncompressed or compressed name at off -> (labels, next offset)."""
    labels, jumps, end, total = [], 0, None, 1
    while True:
        if off >= len(msg):
            raise FormErr("name runs past the end")
        n = msg[off]
        if n == 0:
            off += 1
            break
        if n & 0xC0 == 0xC0:
            if off + 1 >= len(msg) or jumps > 20:
                raise FormErr("bad compression pointer")
            if end is None:
                end = off + 2
            off = ((n & 0x3F) << 8) | msg[off + 1]
            jumps += 1
            continue
        if n & 0xC0:
            raise FormErr("bad label type")
        if off + 1 + n > len(msg):
            raise FormErr("label runs past the end")
        labels.append(msg[off + 1:off + 1 + n])
        total += n + 1
        if total > 255:
            raise FormErr("name too long")
        off += 1 + n
    return labels, (end if end is not None else off)


def rr(owner_wire, rtype, ttl, data):
    return owner_wire + struct.pack("!HHIH", rtype, C_IN, ttl, len(data)) + data


class Answer:
    def __init__(self):
        self.rcode = NOERROR
        self.aa = False
        self.an, self.ns, self.ar = [], [], []


class Query:
    pass


def parse_query(msg):
    """-> Query; raises FormErr (header known) or ValueError (drop)."""
    if len(msg) < 12:
        raise ValueError("short")
    q = Query()
    q.id, q.flags, qd, an, ns, ar = struct.unpack("!HHHHHH", msg[:12])
    if q.flags & 0x8000:
        raise ValueError("a response")
    q.opcode = (q.flags >> 11) & 0xF
    q.rd = q.flags & 0x0100
    q.qwire = b""
    q.edns = None                         # (udp size, version) if OPT
    if q.opcode != 0:
        return q
    if qd != 1:
        raise FormErr("QDCOUNT %d" % qd)
    labels, off = read_name(msg, 12)
    if off + 4 > len(msg):
        raise FormErr("short question")
    q.qtype, q.qclass = struct.unpack("!HH", msg[off:off + 4])
    q.qname_labels = labels
    q.qname = tuple(l.lower() for l in labels)
    q.qwire = b"".join(bytes([len(l)]) + l for l in labels) + b"\0"
    off += 4
    for i in range(an + ns + ar):
        owner, off = read_name(msg, off)
        if off + 10 > len(msg):
            raise FormErr("short RR")
        rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
        off += 10
        if off + rdlen > len(msg):
            raise FormErr("short RDATA")
        off += rdlen
        if rtype == T_OPT:
            if i < an + ns or owner or q.edns is not None:
                raise FormErr("bad OPT")
            q.edns = (max(512, rclass), (ttl >> 16) & 0xFF)
    return q


class Server:
    def __init__(self, zones):
        self.zones = zones

    def find_zone(self, qname):
        best = None
        for apex, zone in self.zones.items():
            if qname[len(qname) - len(apex):] == apex and len(qname) >= len(apex):
                if best is None or len(apex) > len(best.apex):
                    best = zone
        return best

    @staticmethod
    def name_exists(zone, name):
        if name in zone.nodes:
            return True
        k = len(name)
        return any(len(n) > k and n[len(n) - k:] == name for n in zone.nodes)

    @staticmethod
    def cut(zone, name, qtype):
        """NS RRset name at or above name (below the apex) -> name or None."""
        k = len(zone.apex)
        for i in range(len(name) - k - 1, -1, -1):   # top-down
            cand = name[i:]
            if T_NS in zone.nodes.get(cand, {}):
                if cand == name and qtype == T_DS:
                    return None
                return cand
        return None

    def add_soa(self, zone, ans):
        ttl, data = zone.soa
        minimum = struct.unpack("!I", data[-4:])[0]
        ans.ns.append(rr(wire(zone.apex), T_SOA, min(ttl, minimum), data))

    def resolve(self, q):
        ans = Answer()
        if q.qclass != C_IN or q.qtype in (T_AXFR, T_IXFR):
            ans.rcode = REFUSED
            return ans
        zone = self.find_zone(q.qname)
        if zone is None:
            ans.rcode = REFUSED
            return ans
        name, owner = q.qname, q.qwire
        for step in range(MAX_CNAME + 1):
            cut = self.cut(zone, name, q.qtype)
            if cut is not None:
                if step == 0:             # referral: not authoritative
                    ttl, datas = zone.nodes[cut][T_NS]
                    ans.ns = [rr(wire(cut), T_NS, ttl, d) for d in datas]
                else:
                    ans.aa = True
                return ans
            ans.aa = True
            rrsets = zone.nodes.get(name)
            if rrsets is None:
                if not self.name_exists(zone, name):
                    ans.rcode = NXDOMAIN
                self.add_soa(zone, ans)
                return ans
            if q.qtype == T_ANY:
                for t, (ttl, datas) in rrsets.items():
                    ans.an += [rr(owner, t, ttl, d) for d in datas]
                return ans
            if q.qtype in rrsets:
                ttl, datas = rrsets[q.qtype]
                ans.an += [rr(owner, q.qtype, ttl, d) for d in datas]
                return ans
            if T_CNAME not in rrsets:
                self.add_soa(zone, ans)
                return ans
            ttl, datas = rrsets[T_CNAME]
            ans.an.append(rr(owner, T_CNAME, ttl, datas[0]))
            target, _ = read_name(datas[0], 0)
            target = tuple(target)
            if self.find_zone(target) is not zone:
                return ans                # out of zone: resolver follows it
            name, owner = target, wire(target)
        return ans                        # chain too long: stop here

    def handle(self, msg, limit_udp):
        """Raw query -> raw response or None (drop). limit_udp: True for UDP."""
        try:
            q = parse_query(msg)
        except ValueError:
            return None
        except FormErr:
            ident, flags = struct.unpack("!HH", msg[:4])
            return struct.pack("!HHHHHH", ident,
                               0x8000 | (flags & 0x7900) | FORMERR, 0, 0, 0, 0)
        if q.opcode != 0:
            ans = Answer()
            ans.rcode = NOTIMP
        elif q.edns is not None and q.edns[1] != 0:
            ans = Answer()                # BADVERS = 16: upper bits in OPT
        else:
            ans = self.resolve(q)
        ext = 0
        if q.edns is not None and q.edns[1] != 0 and q.opcode == 0:
            ext = 1                       # BADVERS (16 >> 4)
        opt = b""
        if q.edns is not None:
            opt = b"\0" + struct.pack("!HHIH", T_OPT, EDNS_SIZE, ext << 24, 0)
        if limit_udp:
            limit = min(q.edns[0], EDNS_SIZE) if q.edns else 512
        else:
            limit = 65535
        flags = 0x8000 | (q.opcode << 11) | q.rd | (ans.rcode & 0xF)
        if ans.aa:
            flags |= 0x0400
        qd = 1 if q.qwire else 0
        question = q.qwire + struct.pack("!HH", q.qtype, q.qclass) if qd else b""
        body = b"".join(ans.an + ans.ns + ans.ar)
        out = (struct.pack("!HHHHHH", q.id, flags, qd, len(ans.an), len(ans.ns),
                           len(ans.ar) + (1 if opt else 0))
               + question + body + opt)
        if len(out) > limit:
            out = (struct.pack("!HHHHHH", q.id, flags | 0x0200, qd, 0, 0,
                               1 if opt else 0) + question + opt)
        return out


# ---- network loop ---------------------------------------------------------------

class Conn:
    def __init__(self, sock):
        self.sock = sock
        self.inbuf = b""
        self.outbuf = b""
        self.last = time.monotonic()


def serve(server, addr, port, pidfile):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    udp.bind((addr, port))
    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    tcp.bind((addr, port))
    tcp.listen(64)
    for s in (udp, tcp):
        s.setblocking(False)

    stop = []

    def on_signal(signum, _frame):
        stop.append(signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)

    tmp = "%s.%d.tmp" % (pidfile, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(tmp, pidfile)
    print("fixture listening on %s:%d (udp+tcp), pid %d, zones: %s"
          % (addr, port, os.getpid(),
             " ".join(show(z) for z in server.zones)), flush=True)

    sel = selectors.DefaultSelector()
    sel.register(udp, selectors.EVENT_READ, None)
    sel.register(tcp, selectors.EVENT_READ, None)
    conns = {}
    errors = [0]

    def close(c):
        try:
            sel.unregister(c.sock)
        except (KeyError, ValueError):
            pass
        conns.pop(c.sock, None)
        c.sock.close()

    def answer(msg, is_udp):
        try:
            return server.handle(msg, is_udp)
        except Exception:                 # never die on a query
            errors[0] += 1
            if errors[0] <= 20:
                traceback.print_exc()
                sys.stdout.flush()
            if len(msg) >= 4:
                ident, flags = struct.unpack("!HH", msg[:4])
                return struct.pack("!HHHHHH", ident,
                                   0x8000 | (flags & 0x7900) | SERVFAIL, 0, 0, 0, 0)
            return None

    def want(c):
        ev = selectors.EVENT_READ | (selectors.EVENT_WRITE if c.outbuf else 0)
        sel.modify(c.sock, ev, c)

    try:
        while not stop:
            for key, events in sel.select(timeout=0.25):
                sock, c = key.fileobj, key.data
                try:
                    if sock is udp:
                        for _ in range(64):
                            try:
                                msg, peer = udp.recvfrom(65535)
                            except (BlockingIOError, InterruptedError):
                                break
                            out = answer(msg, True)
                            if out is not None:
                                try:
                                    udp.sendto(out, peer)
                                except OSError:
                                    pass
                    elif sock is tcp:
                        conn, _peer = tcp.accept()
                        if len(conns) >= TCP_MAX_CONNS:
                            oldest = min(conns.values(), key=lambda x: x.last)
                            close(oldest)
                        conn.setblocking(False)
                        c = Conn(conn)
                        conns[conn] = c
                        sel.register(conn, selectors.EVENT_READ, c)
                    else:
                        if events & selectors.EVENT_WRITE and c.outbuf:
                            n = sock.send(c.outbuf)
                            c.outbuf = c.outbuf[n:]
                            c.last = time.monotonic()
                        if events & selectors.EVENT_READ:
                            data = sock.recv(65537)
                            if not data:
                                close(c)
                                continue
                            c.last = time.monotonic()
                            c.inbuf += data
                            while len(c.inbuf) >= 2:
                                n = struct.unpack("!H", c.inbuf[:2])[0]
                                if len(c.inbuf) < 2 + n:
                                    break
                                msg, c.inbuf = c.inbuf[2:2 + n], c.inbuf[2 + n:]
                                out = answer(msg, False)
                                if out is not None:
                                    c.outbuf += struct.pack("!H", len(out)) + out
                            if len(c.outbuf) > TCP_MAX_OUT:
                                close(c)      # client does not read
                                continue
                        if c.sock in conns:
                            want(c)
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    if c is not None:
                        close(c)
            now = time.monotonic()
            for c in [c for c in conns.values() if now - c.last > TCP_IDLE]:
                close(c)
    finally:
        for c in list(conns.values()):
            c.sock.close()
        try:
            with open(pidfile) as f:
                mine = f.read().strip() == str(os.getpid())
            if mine:
                os.unlink(pidfile)
        except OSError:
            pass
    print("fixture exiting (signal %s)" % (stop[0] if stop else "?"), flush=True)
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "--check":
        try:
            zones = load_all(argv[2:])
        except ZoneError as e:
            sys.stderr.write("fixture_dns.py: %s\n" % e)
            return 1
        for z in zones.values():
            print("zone %s: %s ok (%d names)" % (show(z.apex), z.path, len(z.nodes)))
        return 0
    if len(argv) < 4 or argv[1].startswith("-"):
        sys.stderr.write(__doc__)
        return 2
    addr, port, pidfile = argv[1], int(argv[2]), argv[3]
    try:
        zones = load_all(argv[4:])
    except ZoneError as e:
        sys.stderr.write("fixture_dns.py: %s\n" % e)
        return 1
    return serve(Server(zones), addr, port, pidfile)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
