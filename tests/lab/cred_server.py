#!/usr/bin/python3
"""Lab AWS credential endpoints (plain HTTP, as on AWS).

--mode imds: EC2 instance metadata, IMDSv2 as AWS runs it:
  PUT  {base}latest/api/token  with X-aws-ec2-metadata-token-ttl-seconds
       (1..21600, else 400) -> a token valid for that many seconds;
       a PUT with X-Forwarded-For is refused (403), as IMDS does;
  GET  {base}latest/meta-data/iam/security-credentials/       -> role name
  GET  {base}latest/meta-data/iam/security-credentials/ROLE   -> JSON
       (Code, LastUpdated, Type, AccessKeyId, SecretAccessKey, Token,
        Expiration = now + 6 h)
  Every GET needs a valid X-aws-ec2-metadata-token (else 401) -- the
  "IMDSv2 required" setting. The first path segment picks a variant, so one
  server covers every case (the client's endpoint names it):
    /            IMDSv2 required (the default)
    /v1/         IMDSv1 only: the token PUT answers 404, GETs need no token
    /notoken/    the token PUT answers 403 and GETs need a token: no way in
    /norole/     no role attached: the role listing answers 404
    /badjson/    the credentials document is not JSON
    /partial/    the credentials document lacks Token
    /slow/       every answer comes after 3 s (clients time out)
--mode container: the ECS/EKS container credential endpoint:
  GET /creds/auth      needs Authorization: lab-container-token (else 401)
  GET /creds/open      no token needed (relative-URI style)
  GET /creds/partial   JSON without Token
  GET /creds/500       always HTTP 500
  GET /creds/expired   Expiration in the past
Secrets carry markers (LABSECRET, LABTOKEN) so tests can prove that they
never show up in dvcheck's output. Standard library only.
"""
import datetime
import json
import os
import secrets
import sys
import threading
import time
import http.server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labsvc  # noqa: E402

ROLE = "lab-instance-role"
CONTAINER_TOKEN = "lab-container-token"
TOKENS = {}  # token -> expiry (monotonic)
LOCK = threading.Lock()
MODES = ("v1", "notoken", "norole", "badjson", "partial", "slow")


def iso(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def creds_doc(kind, expired=False, with_token=True):
    now = datetime.datetime.now(datetime.timezone.utc)
    exp = now + (datetime.timedelta(hours=-1) if expired
                 else datetime.timedelta(hours=6))
    d = {
        "Code": "Success",
        "LastUpdated": iso(now),
        "Type": "AWS-HMAC",
        "AccessKeyId": "ASIALAB%s" % kind.upper(),
        "SecretAccessKey": "LABSECRET-%s-%s" % (kind, secrets.token_hex(8)),
        "Token": "LABTOKEN-%s-%s" % (kind, secrets.token_hex(16)),
        "Expiration": iso(exp),
    }
    if not with_token:
        del d["Token"]
    return d


class Handler(http.server.BaseHTTPRequestHandler):
    server_version = "LabCreds/1.0"
    protocol_version = "HTTP/1.1"
    mode = "imds"

    def log_message(self, fmt, *args):  # no secrets in the lab log either
        sys.stderr.write("%s %s\n" % (self.command, self.path.split("?")[0]))

    def reply(self, code, body, ctype="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def split(self):
        parts = self.path.split("?")[0].lstrip("/").split("/")
        variant = "v2"
        if parts and parts[0] in MODES:
            variant = parts.pop(0)
        return variant, "/".join(parts)

    # ---- IMDS ----
    def token_ok(self):
        tok = self.headers.get("X-aws-ec2-metadata-token")
        if not tok:
            return False
        with LOCK:
            exp = TOKENS.get(tok)
        return exp is not None and exp > time.monotonic()

    def do_PUT(self):
        if self.mode != "imds":
            return self.reply(405, "")
        variant, rest = self.split()
        if variant == "slow":
            time.sleep(3)
        if rest != "latest/api/token":
            return self.reply(404, "Not Found")
        if variant == "v1":
            return self.reply(404, "Not Found")
        if variant == "notoken" or self.headers.get("X-Forwarded-For"):
            return self.reply(403, "Forbidden")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds", "")
        if not ttl.isdigit() or not 1 <= int(ttl) <= 21600:
            return self.reply(400, "Bad Request")
        tok = "LABIMDSTOKEN" + secrets.token_urlsafe(24)
        with LOCK:
            TOKENS[tok] = time.monotonic() + int(ttl)
        self.send_response(200)
        self.send_header("X-aws-ec2-metadata-token-ttl-seconds", ttl)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(tok)))
        self.end_headers()
        self.wfile.write(tok.encode())

    def do_GET(self):
        if self.mode == "container":
            return self.container()
        variant, rest = self.split()
        if variant == "slow":
            time.sleep(3)
        if variant != "v1" and not self.token_ok():
            return self.reply(401, "Unauthorized")
        base = "latest/meta-data/iam/security-credentials/"
        if rest == base:
            if variant == "norole":
                return self.reply(404, "Not Found")
            return self.reply(200, ROLE)
        if rest == base + ROLE and variant != "norole":
            if variant == "badjson":
                return self.reply(200, "{not json")
            doc = creds_doc("imds", with_token=variant != "partial")
            return self.reply(200, json.dumps(doc, indent=2))
        return self.reply(404, "Not Found")

    # ---- container ----
    def container(self):
        path = self.path.split("?")[0]
        if path == "/creds/auth":
            if self.headers.get("Authorization") != CONTAINER_TOKEN:
                return self.reply(401, json.dumps({"message": "Unauthorized"}),
                                  "application/json")
            return self.reply(200, json.dumps(creds_doc("container")),
                              "application/json")
        if path == "/creds/open":
            return self.reply(200, json.dumps(creds_doc("container")),
                              "application/json")
        if path == "/creds/partial":
            return self.reply(200, json.dumps(
                creds_doc("container", with_token=False)), "application/json")
        if path == "/creds/expired":
            return self.reply(200, json.dumps(
                creds_doc("container", expired=True)), "application/json")
        if path == "/creds/500":
            return self.reply(500, "Internal Server Error")
        return self.reply(404, "Not Found")


def main():
    p = labsvc.arg_parser(__doc__.splitlines()[0])
    p.add_argument("--mode", choices=("imds", "container"), required=True)
    args = p.parse_args()
    Handler.mode = args.mode
    labsvc.serve(args, Handler)


if __name__ == "__main__":
    main()
