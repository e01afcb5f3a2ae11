#!/usr/bin/python3
"""Lab RDAP (HTTPS) service for dvcheck's live-lookup scenarios.

  127.44.0.1  registry for `test.` (tests/lab/rdap-bootstrap.json): GET
              /rdap/domain/NAME answers by NAME's first label:
                rdap-real*, rdap-proxied*, rdap-redacted*, rdap-9537*:
                      a thin registry object whose `related` link leads to
                      the registrar 127.44.0.2
                rdap-throttled*  429 + Retry-After: 120
                rdap-notfound*   404 error object
                rdap-malformed*  200 with broken JSON
                rdap-huge*       200 with a 6 MB body
                rdap-loop*       related -> 127.44.0.3, which links back
                rdap-badregistrar*  related -> 127.44.0.2 answering 500
                anything else    404
  127.44.0.2  registrar: entities registrant / administrative / technical
              with
              jCard e-mails (admin and tech nested in the registrant;
              the registrar's abuse desk nested in the registrar, which
              must not count); rdap-proxied: privacy relays; rdap-redacted:
              ICANN "REDACTED FOR PRIVACY" remarks; rdap-9537: RFC 9537
              `redacted` members and no e-mails.
  127.44.0.3  loop: its answer's related link points back at 127.44.0.1.

Certificates: the lab's server certificate when it covers these addresses,
else one issued here from the lab CA (--ca-dir) into --state-dir.
"""
import http.server
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import labsvc  # noqa: E402

CONF = ["rdap_level_0", "icann_rdap_response_profile_1",
        "icann_rdap_technical_implementation_guide_1"]


def vcard(fn, email=None, kind="individual", extra=None):
    props = [["version", {}, "text", "4.0"], ["fn", {}, "text", fn],
             ["kind", {}, "text", kind]]
    if email is not None:
        props.append(["email", {}, "text", email])
    props += extra or []
    return ["vcard", props]


def entity(role, fn, email=None, remarks=None, extra=None):
    e = {"objectClassName": "entity", "roles": [role],
         "vcardArray": vcard(fn, email, extra=extra)}
    if remarks:
        e["remarks"] = remarks
    return e


def domain_obj(name, base, related=None):
    o = {"objectClassName": "domain", "ldhName": name.upper(),
         "handle": "2336799_DOMAIN_TEST-LAB", "rdapConformance": CONF,
         "status": ["client transfer prohibited"],
         "events": [{"eventAction": "registration",
                     "eventDate": "1997-09-15T04:00:00Z"}],
         "links": [{"value": base + "domain/" + name, "rel": "self",
                    "href": base + "domain/" + name,
                    "type": "application/rdap+json"}],
         "notices": [{"title": "Terms of Use", "description": [
             "Service subject to the lab's terms of use."]}]}
    if related:
        o["links"].append({"value": base + "domain/" + name,
                           "rel": "related", "href": related,
                           "type": "application/rdap+json"})
    return o


REDACTED = [{"title": "REDACTED FOR PRIVACY", "type": "object redacted due "
             "to authorization", "description": ["Some of the data in this "
             "object has been removed."]}]


def registrar_obj(name, base):
    o = domain_obj(name, base)
    label = name.split(".")[0]
    if label.startswith("rdap-proxied"):
        ents = [entity("registrant", "Privacy service",
                       "abc123@withheldforprivacy.com"),
                entity("administrative", "Privacy service",
                       name + "@domainsbyproxy.com"),
                entity("technical", "Privacy service",
                       "abc123@withheldforprivacy.com")]
    elif label.startswith("rdap-redacted"):
        ents = [entity("registrant", "", None, remarks=REDACTED),
                entity("administrative", "", None, remarks=REDACTED),
                entity("technical", "", None, remarks=REDACTED)]
    elif label.startswith("rdap-9537"):
        ents = [entity("registrant", "", None),
                entity("technical", "", None)]
        o["redacted"] = [
            {"name": {"type": "Registrant Email"},
             "prePath": "$.entities[?(@.roles[0]=='registrant')]."
                        "vcardArray[1][?(@[0]=='email')]",
             "method": "removal", "reason": {"type": "Server policy"}},
            {"name": {"type": "Tech Email"},
             "prePath": "$.entities[?(@.roles[0]=='technical')]."
                        "vcardArray[1][?(@[0]=='email')]",
             "method": "removal", "reason": {"type": "Server policy"}}]
        o["rdapConformance"] = CONF + ["redacted"]
    else:
        holder = entity("registrant", "Lab Holder", "owner@" + name)
        holder["entities"] = [
            entity("administrative", "Lab Admin", "hostmaster@" + name),
            entity("technical", "Lab Tech", "noc@" + name)]
        ents = [{"objectClassName": "entity", "roles": ["registrar"],
                 "vcardArray": vcard("Lab Registrar", kind="org"),
                 "entities": [entity("abuse", "Abuse desk",
                                     "abuse@registrar.example")]},
                holder]
    o["entities"] = ents
    return o


LAB_SRC = os.path.dirname(os.path.abspath(__file__))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def reply(self, code, body, ctype="application/rdap+json", headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(data)
        except OSError:
            pass

    def error(self, code, title):
        self.reply(code, {"errorCode": code, "title": title,
                          "rdapConformance": ["rdap_level_0"]})

    def do_GET(self):
        addr = self.request.getsockname()[0]
        base = "https://%s/rdap/" % addr
        path = self.path.split("?")[0]
        if path == "/bootstrap/dns.json":
            # the IANA bootstrap as data.iana.org serves it (lab TLDs),
            # with a max age the client must honour
            with open(os.path.join(LAB_SRC, "rdap-bootstrap.json"), "rb") as f:
                return self.reply(200, f.read(), headers=[
                    ("Cache-Control", "max-age=3600")])
        if not path.startswith("/rdap/domain/"):
            return self.error(400, "unsupported query")
        name = path[len("/rdap/domain/"):].lower()
        label = name.split(".")[0]
        if addr == "127.44.0.3":
            return self.reply(200, domain_obj(
                name, base, "https://127.44.0.1/rdap/domain/" + name))
        if addr == "127.44.0.2":
            if label.startswith("rdap-badregistrar"):
                return self.error(500, "internal error")
            return self.reply(200, registrar_obj(name, base))
        # registry
        if label.startswith("rdap-throttled"):
            return self.reply(429, {"errorCode": 429, "title": "Too Many "
                                    "Requests", "description": [
                                        "Query rate limit exceeded."]},
                              headers=[("Retry-After", "120")])
        if label.startswith("rdap-malformed"):
            return self.reply(200, b'{"objectClassName": "domain", '
                              b'"ldhName": "X", "entities": [{"roles": ')
        if label.startswith("rdap-huge"):
            return self.reply(200, b'{"objectClassName": "domain", "x": "' +
                              b"A" * (6 * 1024 * 1024) + b'"}')
        if label.startswith("rdap-loop"):
            return self.reply(200, domain_obj(
                name, base, "https://127.44.0.3/rdap/domain/" + name))
        for p in ("rdap-real", "rdap-proxied", "rdap-redacted", "rdap-9537",
                  "rdap-badregistrar"):
            if label.startswith(p):
                return self.reply(200, domain_obj(
                    name, base, "https://127.44.0.2/rdap/domain/" + name))
        return self.error(404, "not found")


def cert_for(args):
    """The lab server cert if it names our addresses, else a new one."""
    ca = args.ca_dir
    pem, key = os.path.join(ca, "server.pem"), os.path.join(ca, "server.key")
    try:
        out = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-ext",
                              "subjectAltName"], capture_output=True,
                             text=True, check=True).stdout
        if all("IP Address:%s" % a in out for a in args.addr):
            return pem, key
    except (OSError, subprocess.CalledProcessError):
        pass
    os.makedirs(args.state_dir, exist_ok=True)
    pem = os.path.join(args.state_dir, "rdap.pem")
    key = os.path.join(args.state_dir, "rdap.key")
    csr = os.path.join(args.state_dir, "rdap.csr")
    ext = os.path.join(args.state_dir, "rdap.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=" + ",".join("IP:" + a for a in args.addr) +
                "\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    subprocess.run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
                    "-out", csr, "-subj", "/CN=dvcheck lab rdap"],
                   check=True, capture_output=True)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA",
                    os.path.join(ca, "ca.pem"), "-CAkey",
                    os.path.join(ca, "ca.key"), "-set_serial",
                    str(int.from_bytes(os.urandom(8), "big")), "-out",
                    pem, "-days", "20", "-extfile", ext],
                   check=True, capture_output=True)
    return pem, key


def main():
    p = labsvc.arg_parser(__doc__.splitlines()[0])
    p.add_argument("--ca-dir", required=True)
    p.add_argument("--state-dir", required=True)
    args = p.parse_args()
    pem, key = cert_for(args)
    labsvc.serve(args, Handler, http=True, tls=labsvc.tls_context(pem, key))


if __name__ == "__main__":
    main()
