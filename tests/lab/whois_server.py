#!/usr/bin/python3
"""Lab WHOIS (port 43) service for dvcheck's live-lookup scenarios.

Every listen address plays one part (the texts are written for the lab, in
the shapes real registries and registrars use):

  127.43.0.1   thin registry for `test.` (and the lab's other TLDs): a
               short record plus "Registrar WHOIS Server:" whose target
               depends on the domain (see REFERRALS); "No match" for
               notfound.test; nothing at all for silent* (some registries
               close without a word for a name they do not know).
  127.43.0.2   registrar: full record; the contacts depend on the domain:
               proxied* -> privacy relays, redacted* -> ICANN redaction,
               anything else -> real addresses in the domain.
  127.43.0.3   refers to 127.43.0.4, which refers back to 127.43.0.3 (loop)
  127.43.0.5   throttle, DENIC style ("55000000002 ... limit reached")
  127.43.0.6   throttle, "WHOIS LIMIT EXCEEDED"
  127.43.0.7   slow drip: a byte every 0.4 s, never finishes
  127.43.0.8   reads the query, then resets the connection (RST)
  127.43.0.9   huge reply: 5 MB of filler, then an e-mail line
  127.43.0.10  binary: NUL bytes, ANSI escapes, invalid UTF-8 around a real
               record
  127.43.0.11  throttles every other query for a domain (the 1st, 3rd, ...)
               and answers the others as the registrar
  127.43.0.12  chain: refers to .13, .13 to .14, .14 to .15, ... (hop limit)
  127.43.0.20  IANA: "refer:" 127.43.0.1 for TLDs zz and test, no refer for
               others
"""
import socket
import socketserver
import struct
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
import labsvc  # noqa: E402

REG = "127.43.0.2"
REFERRALS = {
    # domain prefix -> referral value the registry gives
    "loop": "127.43.0.3",
    "self": "127.43.0.1",
    "throttle-denic": "127.43.0.5",
    "throttle-limit": "127.43.0.6",
    "slow": "127.43.0.7",
    "reset": "127.43.0.8",
    "huge": "127.43.0.9",
    "binary": "127.43.0.10",
    "throttle-once": "127.43.0.11",
    "chain": "127.43.0.12",
    "url-referral": "https://whois.registrar.example/lookup?d=",
    "private-referral": "10.20.30.40",
    "empty-referral": "",
    "norefer": None,
}

_once_lock = threading.Lock()
_once_seen = {}


def registry_reply(domain):
    d = domain.lower()
    if d.startswith("silent"):
        return ""
    if d.startswith("notfound") or d.startswith("nxdomain"):
        return 'No match for "%s".\r\n>>> Last update of whois database: ' \
               '2025-01-15T10:00:00Z <<<\r\n' % d.upper()
    ref = REG
    for prefix, target in REFERRALS.items():
        if d.startswith(prefix):
            ref = target
            break
    lines = ["   Domain Name: %s" % d.upper(),
             "   Registry Domain ID: 2336799_DOMAIN_TEST-LAB"]
    if ref is not None:
        lines.append("   Registrar WHOIS Server: %s" % ref)
    lines += [
        "   Registrar URL: http://www.registrar.example",
        "   Updated Date: 2024-08-14T07:01:34Z",
        "   Creation Date: 1997-09-15T04:00:00Z",
        "   Registry Expiry Date: 2028-09-14T04:00:00Z",
        "   Registrar: Lab Registrar, LLC",
        "   Registrar IANA ID: 9999",
        "   Registrar Abuse Contact Email: abuse@registrar.example",
        "   Registrar Abuse Contact Phone: +1.5555550100",
        "   Domain Status: clientTransferProhibited "
        "https://icann.org/epp#clientTransferProhibited",
        "   Name Server: NS1.%s" % d.upper(),
        "   DNSSEC: unsigned",
        "   URL of the ICANN Whois Inaccuracy Complaint Form: "
        "https://www.icann.org/wicf/",
        ">>> Last update of whois database: 2025-01-15T10:00:00Z <<<",
        "",
        "NOTICE: The expiration date displayed in this record is the date "
        "the registrar's sponsorship of the domain name registration in the "
        "registry is currently set to expire.",
        "TERMS OF USE: You are not authorized to access or query our Whois "
        "database through the use of electronic processes that are "
        "high-volume and automated. Excessive querying may lead to your "
        "access being limited.",
    ]
    return "\r\n".join(lines) + "\r\n"


def registrar_reply(domain):
    d = domain.lower()
    if d.startswith("proxied"):
        reg = "c0ffee1234.privacy@withheldforprivacy.com"
        adm = "%s@domainsbyproxy.com" % d
        tec = reg
    elif d.startswith("redacted"):
        reg = "REDACTED FOR PRIVACY"
        adm = "Please query the RDDS service of the Registrar of Record " \
              "identified in this output for information on how to contact " \
              "the Registrant, Admin, or Tech contact of the queried domain " \
              "name."
        tec = adm
    else:
        reg = "owner@%s" % d
        adm = "hostmaster@%s" % d
        tec = "noc@%s" % d
    lines = [
        "Domain Name: %s" % d,
        "Registry Domain ID: 2336799_DOMAIN_TEST-LAB",
        "Registrar WHOIS Server: %s" % REG,
        "Registrar URL: http://www.registrar.example",
        "Updated Date: 2024-08-14T07:01:34Z",
        "Creation Date: 1997-09-15T04:00:00Z",
        "Registrar Registration Expiration Date: 2028-09-14T04:00:00Z",
        "Registrar: Lab Registrar, LLC",
        "Registrar IANA ID: 9999",
        "Registrar Abuse Contact Email: abuse@registrar.example",
        "Registrar Abuse Contact Phone: +1.5555550100",
        "Registry Registrant ID: REDACTED FOR PRIVACY",
        "Registrant Name: Lab Holder",
        "Registrant Organization: Lab Holdings",
        "Registrant Country: NL",
        "Registrant Email: %s" % reg,
        "Admin Name: Lab Admin",
        "Admin Email: %s" % adm,
        "Tech Name: Lab Tech",
        "Tech Email: %s" % tec,
        "Name Server: ns1.%s" % d,
        "DNSSEC: unsigned",
        ">>> Last update of WHOIS database: 2025-01-15T10:00:00Z <<<",
    ]
    return "\r\n".join(lines) + "\r\n"


def read_query(rfile):
    line = rfile.readline(1024).decode("ascii", "replace").strip()
    # registry syntax such as "domain example.test" or "-T dn,ace x.de"
    return line.split()[-1] if line.split() else ""


class Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def send(self, text):
        data = text.encode() if isinstance(text, str) else text
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def handle(self):
        addr = self.request.getsockname()[0]
        q = read_query(self.rfile)
        if addr == "127.43.0.1":
            self.send(registry_reply(q))
        elif addr == "127.43.0.2":
            self.send(registrar_reply(q))
        elif addr in ("127.43.0.3", "127.43.0.4"):
            other = "127.43.0.4" if addr == "127.43.0.3" else "127.43.0.3"
            self.send("Domain Name: %s\r\nRegistrar WHOIS Server: %s\r\n"
                      "Registrar: Loop Registrar\r\n" % (q, other))
        elif addr == "127.43.0.5":
            self.send("% Error: 55000000002 Connection refused; access "
                      "control limit reached.\n")
        elif addr == "127.43.0.6":
            self.send("WHOIS LIMIT EXCEEDED - SEE WWW.REGISTRY.EXAMPLE/WHOIS "
                      "FOR DETAILS\r\n")
        elif addr == "127.43.0.7":
            text = registrar_reply(q)
            for ch in text.encode():
                try:
                    self.wfile.write(bytes([ch]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.4)
        elif addr == "127.43.0.8":
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    struct.pack("ii", 1, 0))
            self.request.close()
        elif addr == "127.43.0.9":
            filler = ("% filler line of a misbehaving server " + "x" * 40 +
                      "\r\n").encode()
            total = 0
            try:
                while total < 5 * 1024 * 1024:
                    self.wfile.write(filler * 256)
                    total += len(filler) * 256
                self.wfile.write(b"Registrant Email: late@huge.test\r\n")
            except OSError:
                pass
        elif addr == "127.43.0.10":
            body = registrar_reply(q).replace(REG, addr).encode()
            junk = (b"\x00\x00\x1b[31mALERT\x1b[0m \x1b]0;owned\x07 "
                    b"\xff\xfe\xc3\x28 \xe2\x80\xae\r\n")
            self.send(junk + body.replace(b"Registrant Name:",
                                          b"Registrant Name: \x1b[2J\x00") +
                      junk)
        elif addr == "127.43.0.11":
            with _once_lock:
                n = _once_seen.get(q, 0)
                _once_seen[q] = n + 1
            if n % 2 == 0:
                self.send("WHOIS LIMIT EXCEEDED - SEE WWW.REGISTRY.EXAMPLE/"
                          "WHOIS FOR DETAILS\r\n")
            else:
                self.send(registrar_reply(q))
        elif addr.startswith("127.43.0.") and 12 <= int(addr.split(".")[-1]) <= 19:
            nxt = "127.43.0.%d" % (int(addr.split(".")[-1]) + 1)
            self.send("Domain Name: %s\r\nRegistrar WHOIS Server: %s\r\n"
                      "Registrar: Chain Registrar\r\n" % (q, nxt))
        elif addr == "127.43.0.20":
            tld = q.lower().strip(".")
            lines = ["% IANA WHOIS server", "% for more information on IANA,"
                     " visit http://www.iana.org", "", "domain:       %s" %
                     tld.upper(), "", "organisation: Lab Registry Services",
                     "e-mail:       registry@iana-lab.example", ""]
            if tld in ("zz", "test"):
                lines.insert(4, "refer:        127.43.0.1")
                lines.append("whois:        127.43.0.1")
            lines += ["status:       ACTIVE", "", "source:       IANA", ""]
            self.send("\n".join(lines))
        else:
            self.send("% no such lab server\r\n")


def main():
    p = labsvc.arg_parser(__doc__.splitlines()[0])
    args = p.parse_args()
    labsvc.serve(args, Handler, http=False)


if __name__ == "__main__":
    main()
