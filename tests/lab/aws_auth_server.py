#!/usr/bin/python3
"""dvcheck lab: AWS STS, IAM Identity Center (SSO portal, SSO OIDC) and
Organizations over HTTPS, for the credential forms of tests/creds.sh and the
organisation audit.

    aws_auth_server.py --pidfile P --addr 127.48.0.1 ... --port 443 \\
        --cert server.pem --key server.key [--data DIR]

One server answers all four APIs on every address; the request says which
(as the real endpoints are separate hosts, clients point
AWS_ENDPOINT_URL_STS/_SSO/_SSO_OIDC/_ORGANIZATIONS at 127.48.0.1/.2/.3/.4):

  STS (query protocol, form POST /, XML replies, botocore model sts
  2011-06-15): AssumeRole (SigV4, service "sts", verified with botocore as
  acm_server.py does), AssumeRoleWithWebIdentity (unsigned), and
  GetCallerIdentity (handy for checks).
  SSO portal (rest-json, GET /federation/credentials, bearer token in
  x-amz-sso_bearer_token, unsigned): GetRoleCredentials.
  SSO OIDC (rest-json, POST /token, unsigned): CreateToken with
  grantType refresh_token.
  Organizations (JSON 1.1, X-Amz-Target AWSOrganizationsV20161128.*,
  SigV4 service "organizations"): ListAccounts (paged, MaxResults 1..20,
  the lab's page size without it is org.json's page_size), DescribeOrganization.

Data: DIR/keys.json (the long-term lab keys, as acm_server.py) and
DIR/org.json (accounts, roles, web identity tokens, SSO). Issued credentials
are derived (labcreds.py), so acm_server.py accepts them and knows their
account. Lab control (unsigned, not AWS): GET /_lab/log[?since=SEQ],
GET /_lab/reset, GET /_lab/ping, GET /_lab/revoke?token=REFRESH (revokes an
SSO refresh token). See tests/lab/acm/README.md.
"""
import datetime
import json
import os
import re
import sys
import threading
import time
import urllib.parse
import uuid
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labcreds  # noqa: E402
import labsvc  # noqa: E402
from acm_server import ApiError, verify_sigv4, CORAL_NS  # noqa: E402

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
ORG_TARGET = "AWSOrganizationsV20161128."
ROLE_ARN_RE = re.compile(r"arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/((?:[\w+=,.@-]+/)*)([\w+=,.@-]{1,64})\Z")
SESSION_RE = re.compile(r"[\w+=,.@-]{2,64}\Z")
# front-end errors: ACM's JSON names -> the query protocol's
QUERY_CODES = {"UnrecognizedClientException": ("InvalidClientTokenId", 403),
               "InvalidSignatureException": ("SignatureDoesNotMatch", 403),
               "ExpiredTokenException": ("ExpiredToken", 400),
               "MissingAuthenticationTokenException": ("MissingAuthenticationToken", 403),
               "IncompleteSignatureException": ("IncompleteSignature", 400)}


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class Store:
    def __init__(self, data_dir):
        with open(os.path.join(data_dir, "keys.json")) as f:
            k = json.load(f)
        with open(os.path.join(data_dir, "org.json")) as f:
            self.org = json.load(f)
        self.account = k["account"]
        self.keys = {e["access_key"]: e for e in k["keys"]}
        self.lab_regions, self.empty_regions = set(), set()
        self.accounts = {a["id"]: a for a in self.org["accounts"]}
        self.roles = {}
        for r in self.org["roles"]:
            self.roles[(r["account"], r["name"])] = r
        for a in self.org["accounts"]:
            if a["id"] != self.org["organization"]["master_account"] and a.get("assume") != "denied" \
                    and a["status"] == "ACTIVE":
                self.roles.setdefault((a["id"], self.org["member_role"]),
                                      {"account": a["id"], "name": self.org["member_role"],
                                       "max_session": 3600})
        self.lock = threading.Lock()
        self.log, self.seq, self.revoked = [], 0, set()


def role_lookup(st, arn):
    m = ROLE_ARN_RE.match(arn or "")
    if not m:
        return None, None
    return m, st.roles.get((m.group(2), m.group(4)))


class Handler(labsvc.http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Server"
    sys_version = ""
    store = None

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _send(self, status, data, ctype, rid, extra=None):
        self.send_response(status)
        self.send_header("x-amzn-RequestId", rid)
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _log(self, entry):
        st = self.store
        with st.lock:
            st.seq += 1
            entry["seq"] = st.seq
            st.log.append(entry)
            del st.log[:-5000]

    # ---- lab control ----
    def do_GET(self):
        rid = str(uuid.uuid4())
        st = self.store
        u = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(u.query)
        if u.path == "/_lab/reset":
            with st.lock:
                st.log.clear()
                st.revoked.clear()
            return self._send(200, b'{"reset": true}', "application/json", rid)
        if u.path == "/_lab/log":
            since = int(q.get("since", ["0"])[0])
            with st.lock:
                out = [e for e in st.log if e["seq"] > since]
            return self._send(200, json.dumps({"log": out}).encode(), "application/json", rid)
        if u.path == "/_lab/ping":
            return self._send(200, b'{"ok": true}', "application/json", rid)
        if u.path == "/_lab/revoke":
            with st.lock:
                st.revoked.update(q.get("token", []))
            return self._send(200, b'{"revoked": true}', "application/json", rid)
        if u.path == "/federation/credentials":
            return self.sso_get_role_credentials(rid, q)
        return self._send(404, b'{"message": "Not Found"}', "application/json", rid)

    def do_POST(self):
        rid = str(uuid.uuid4())
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = 0
        body = self.rfile.read(n) if n > 0 else b""
        target = self.headers.get("X-Amz-Target", "")
        path = urllib.parse.urlsplit(self.path).path
        if target.startswith(ORG_TARGET):
            return self.organizations(rid, target[len(ORG_TARGET):], body)
        if path == "/token":
            return self.oidc_create_token(rid, body)
        return self.sts(rid, body)

    # ---- STS ----
    def sts_error(self, rid, code, message, status=400, kind="Sender", entry=None):
        x = ('<ErrorResponse xmlns="%s">\n  <Error>\n    <Type>%s</Type>\n    <Code>%s</Code>\n'
             '    <Message>%s</Message>\n  </Error>\n  <RequestId>%s</RequestId>\n</ErrorResponse>\n'
             % (STS_NS, kind, code, escape(message), rid))
        if entry is not None:
            entry.update(status=status, error=code)
            self._log(entry)
        return self._send(status, x.encode(), "text/xml", rid)

    def sts(self, rid, body):
        st = self.store
        now = time.time()
        try:
            form = urllib.parse.parse_qs(body.decode("utf-8"), keep_blank_values=True,
                                         strict_parsing=bool(body))
        except (UnicodeDecodeError, ValueError):
            form = {}
        f = {k: v[-1] for k, v in form.items()}
        action = f.get("Action")
        entry = {"time": now, "service": "sts", "op": action, "request_id": rid,
                 "role_arn": f.get("RoleArn"), "session": f.get("RoleSessionName")}
        if f.get("Version") != "2011-06-15" or action not in (
                "AssumeRole", "AssumeRoleWithWebIdentity", "GetCallerIdentity"):
            return self.sts_error(rid, "InvalidAction",
                                  "Could not find operation %s for version %s"
                                  % (action, f.get("Version")), entry=entry)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return self.sts_error(rid, "InvalidAction", "Unsupported content type", entry=entry)
        if action == "AssumeRoleWithWebIdentity":
            return self.sts_web_identity(rid, f, entry, now)
        try:
            key, region = verify_sigv4(st, "POST", self.path, self.headers, body, now,
                                       service_name="sts", check_region=False)
        except ApiError as e:
            code, status = QUERY_CODES.get(e.code, (e.code, e.status))
            return self.sts_error(rid, code, e.message or "", status, entry=entry)
        caller_acct = key.get("account", st.account)
        caller = key.get("user") or "arn:aws:iam::%s:user/lab" % caller_acct
        entry.update(access_key=key["access_key"], region=region, caller=caller)
        if action == "GetCallerIdentity":
            x = ('<GetCallerIdentityResponse xmlns="%s">\n  <GetCallerIdentityResult>\n'
                 '    <Arn>%s</Arn>\n    <UserId>%s</UserId>\n    <Account>%s</Account>\n'
                 '  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n'
                 '  </ResponseMetadata>\n</GetCallerIdentityResponse>\n'
                 % (STS_NS, escape(caller), key["access_key"], caller_acct, rid))
            entry.update(status=200)
            self._log(entry)
            return self._send(200, x.encode(), "text/xml", rid)
        return self.sts_assume_role(rid, f, entry, now, caller)

    def _check_common(self, f):
        """Model validation of RoleArn, RoleSessionName, DurationSeconds:
        (code, message) or None."""
        errs = []
        arn, name, dur = f.get("RoleArn"), f.get("RoleSessionName"), f.get("DurationSeconds")
        if arn is None:
            errs.append("Value null at 'roleArn' failed to satisfy constraint: Member must not be null")
        elif len(arn) < 20:
            errs.append("Value '%s' at 'roleArn' failed to satisfy constraint: Member must have "
                        "length greater than or equal to 20" % arn)
        if name is None:
            errs.append("Value null at 'roleSessionName' failed to satisfy constraint: Member "
                        "must not be null")
        elif not SESSION_RE.match(name):
            errs.append("Value '%s' at 'roleSessionName' failed to satisfy constraint: Member "
                        "must satisfy regular expression pattern: [\\w+=,.@-]*" % name)
        if dur is not None:
            try:
                d = int(dur)
            except ValueError:
                d = None
            if d is None or d < 900 or d > 43200:
                errs.append("Value '%s' at 'durationSeconds' failed to satisfy constraint: Member "
                            "must have value %s" % (dur, "greater than or equal to 900"
                                                    if d is not None and d < 900 else
                                                    "less than or equal to 43200"))
        if errs:
            return "ValidationError", "%d validation error%s detected: %s" % (
                len(errs), "s" if len(errs) > 1 else "", "; ".join(errs))
        if not ROLE_ARN_RE.match(arn):
            return "ValidationError", "%s is invalid" % arn
        return None

    def _issue(self, rid, f, role, entry, now, action, extra_xml=""):
        m = ROLE_ARN_RE.match(f["RoleArn"])
        dur = int(f.get("DurationSeconds") or 3600)
        if dur > role.get("max_session", 3600):
            return self.sts_error(rid, "ValidationError",
                                  "The requested DurationSeconds exceeds the MaxSessionDuration "
                                  "set for this role.", entry=entry)
        akid, secret, token, exp = labcreds.issue(m.group(2), m.group(4), f["RoleSessionName"],
                                                  dur, now, lab_lifetime=role.get("lab_lifetime"))
        rid_role = "AROALAB%s" % m.group(2)
        x = ('<%sResponse xmlns="%s">\n  <%sResult>\n%s    <AssumedRoleUser>\n'
             '      <AssumedRoleId>%s:%s</AssumedRoleId>\n'
             '      <Arn>arn:%s:sts::%s:assumed-role/%s/%s</Arn>\n    </AssumedRoleUser>\n'
             '    <Credentials>\n      <AccessKeyId>%s</AccessKeyId>\n'
             '      <SecretAccessKey>%s</SecretAccessKey>\n      <SessionToken>%s</SessionToken>\n'
             '      <Expiration>%s</Expiration>\n    </Credentials>\n  </%sResult>\n'
             '  <ResponseMetadata>\n    <RequestId>%s</RequestId>\n  </ResponseMetadata>\n'
             '</%sResponse>\n'
             % (action, STS_NS, action, extra_xml, rid_role, escape(f["RoleSessionName"]),
                m.group(1), m.group(2), m.group(4), escape(f["RoleSessionName"]),
                akid, secret, token, iso(exp), action, rid, action))
        entry.update(status=200, role_arn=f["RoleArn"], session=f["RoleSessionName"],
                     duration=dur, issued_key=akid, account=m.group(2))
        self._log(entry)
        return self._send(200, x.encode(), "text/xml", rid)

    def sts_assume_role(self, rid, f, entry, now, caller):
        st = self.store
        bad = self._check_common(f)
        if bad:
            return self.sts_error(rid, bad[0], bad[1], entry=entry)
        if f.get("TokenCode") is not None and not re.fullmatch(r"\d{6}", f["TokenCode"]):
            return self.sts_error(rid, "ValidationError",
                                  "1 validation error detected: Value '%s' at 'tokenCode' failed "
                                  "to satisfy constraint: Member must satisfy regular expression "
                                  "pattern: [\\d]*" % f["TokenCode"], entry=entry)
        _m, role = role_lookup(st, f["RoleArn"])
        denied = ("User: %s is not authorized to perform: sts:AssumeRole on resource: %s"
                  % (caller, f["RoleArn"]))
        if role is None or role.get("deny") or role.get("web_identity"):
            return self.sts_error(rid, "AccessDenied", denied, 403, entry=entry)
        if role.get("external_id") and f.get("ExternalId") != role["external_id"]:
            return self.sts_error(rid, "AccessDenied", denied, 403, entry=entry)
        if role.get("mfa_serial"):
            if f.get("SerialNumber") != role["mfa_serial"] or not f.get("TokenCode"):
                return self.sts_error(rid, "AccessDenied", denied, 403, entry=entry)
            if f["TokenCode"] != role["mfa_code"]:
                return self.sts_error(rid, "AccessDenied", "MultiFactorAuthentication failed "
                                      "with invalid MFA one time pass code. ", 403, entry=entry)
        entry.update(external_id=f.get("ExternalId"), serial=f.get("SerialNumber"))
        return self._issue(rid, f, role, entry, now, "AssumeRole")

    def sts_web_identity(self, rid, f, entry, now):
        st = self.store
        if self.headers.get("Authorization"):
            entry["signed"] = True  # AWS ignores it; the SDKs send none
        bad = self._check_common(f)
        tok = f.get("WebIdentityToken")
        if not bad and (tok is None or len(tok) < 4):
            bad = ("ValidationError", "1 validation error detected: Value at 'webIdentityToken' "
                   "failed to satisfy constraint: Member must have length greater than or equal to 4")
        if bad:
            return self.sts_error(rid, bad[0], bad[1], entry=entry)
        info = st.org["web_identity_tokens"].get(tok)
        entry["token_id"] = tok.rsplit("-", 1)[-1] if info else "unknown"
        if info is None:
            return self.sts_error(rid, "InvalidIdentityToken",
                                  "The ID Token provided is not a valid JWT. (You may see this error "
                                  "if you sent an Access Token)", entry=entry)
        if info.get("expired"):
            return self.sts_error(rid, "ExpiredTokenException",
                                  "Token expired: current date/time %s must be before the "
                                  "expiration date/time %s" % (iso(now), iso(now - 600)), entry=entry)
        _m, role = role_lookup(st, f["RoleArn"])
        if role is None or not role.get("web_identity"):
            return self.sts_error(rid, "AccessDenied", "Not authorized to perform "
                                  "sts:AssumeRoleWithWebIdentity", 403, entry=entry)
        extra = ("    <Audience>%s</Audience>\n    <SubjectFromWebIdentityToken>%s"
                 "</SubjectFromWebIdentityToken>\n    <Provider>%s</Provider>\n"
                 % (escape(info["aud"]), escape(info["sub"]), escape(info["iss"])))
        return self._issue(rid, f, role, entry, now, "AssumeRoleWithWebIdentity", extra)

    # ---- SSO portal ----
    def rest_error(self, rid, code, status, body, entry):
        entry.update(status=status, error=code)
        self._log(entry)
        return self._send(status, json.dumps(body).encode(), "application/json", rid,
                          {"x-amzn-ErrorType": code + ":"})

    def sso_get_role_credentials(self, rid, q):
        st = self.store
        now = time.time()
        entry = {"time": now, "service": "sso", "op": "GetRoleCredentials", "request_id": rid}
        role, acct = q.get("role_name", [None])[-1], q.get("account_id", [None])[-1]
        tok = self.headers.get("x-amz-sso_bearer_token")
        entry.update(account=acct, role=role)
        if role is None or acct is None or tok is None:
            return self.rest_error(rid, "InvalidRequestException", 400,
                                   {"message": "Missing required parameter"}, entry)
        p = labcreds.sso_parse(tok, "access")
        if p is None or p[1] <= now:
            return self.rest_error(rid, "UnauthorizedException", 401,
                                   {"message": "Session token not found or invalid"}, entry)
        if {"account": acct, "role": role} not in st.org["sso"]["assignments"]:
            return self.rest_error(rid, "ForbiddenException", 403,
                                   {"message": "No access"}, entry)
        akid, secret, token, exp = labcreds.issue(acct, "AWSReservedSSO_%s_lab" % role, p[0],
                                                  3600, now, source="sso")
        entry.update(status=200, issued_key=akid)
        self._log(entry)
        out = {"roleCredentials": {"accessKeyId": akid, "secretAccessKey": secret,
                                   "sessionToken": token, "expiration": exp * 1000}}
        return self._send(200, json.dumps(out).encode(), "application/json", rid)

    # ---- SSO OIDC ----
    def oidc_create_token(self, rid, body):
        st = self.store
        now = time.time()
        entry = {"time": now, "service": "sso-oidc", "op": "CreateToken", "request_id": rid}
        try:
            req = json.loads(body or b"{}")
            if not isinstance(req, dict):
                raise ValueError
        except ValueError:
            return self.rest_error(rid, "InvalidRequestException", 400,
                                   {"error": "invalid_request",
                                    "error_description": "Invalid request body"}, entry)
        for need in ("clientId", "clientSecret", "grantType"):
            if not isinstance(req.get(need), str):
                return self.rest_error(rid, "InvalidRequestException", 400,
                                       {"error": "invalid_request",
                                        "error_description": "Missing %s" % need}, entry)
        clients = st.org["sso"]["clients"]
        if clients.get(req["clientId"]) != req["clientSecret"]:
            return self.rest_error(rid, "InvalidClientException", 401,
                                   {"error": "invalid_client",
                                    "error_description": "Invalid client"}, entry)
        if req["grantType"] != "refresh_token":
            return self.rest_error(rid, "UnsupportedGrantTypeException", 400,
                                   {"error": "unsupported_grant_type"}, entry)
        rt = req.get("refreshToken")
        p = labcreds.sso_parse(rt, "refresh")
        with st.lock:
            revoked = rt in st.revoked
        if p is None or p[1] <= now or revoked:
            return self.rest_error(rid, "InvalidGrantException", 400,
                                   {"error": "invalid_grant",
                                    "error_description": "Invalid refresh token provided"}, entry)
        out = {"accessToken": labcreds.sso_token("access", p[0], 3600, now),
               "tokenType": "Bearer", "expiresIn": 3600,
               "refreshToken": labcreds.sso_token("refresh", p[0], 90 * 86400, now)}
        entry.update(status=200)
        self._log(entry)
        return self._send(200, json.dumps(out).encode(), "application/json", rid)

    # ---- Organizations ----
    def org_error(self, rid, code, message, entry, status=400, ns="com.amazonaws.organizations#"):
        entry.update(status=status, error=code)
        self._log(entry)
        body = {"__type": ns + code, "Message": message}
        return self._send(status, json.dumps(body).encode(), "application/x-amz-json-1.1", rid)

    def organizations(self, rid, op, body):
        st = self.store
        now = time.time()
        entry = {"time": now, "service": "organizations", "op": op, "request_id": rid}
        try:
            key, region = verify_sigv4(st, "POST", self.path, self.headers, body, now,
                                       service_name="organizations", check_region=False)
        except ApiError as e:
            return self.org_error(rid, e.code, e.message or "", entry, e.status, CORAL_NS)
        entry.update(access_key=key["access_key"], region=region)
        acct = key.get("account", st.account)
        master = st.org["organization"]["master_account"]
        if op not in ("ListAccounts", "DescribeOrganization"):
            return self.org_error(rid, "UnknownOperationException", "", entry, ns=CORAL_NS)
        try:
            req = json.loads(body or b"{}")
            if not isinstance(req, dict):
                raise ValueError
        except ValueError:
            return self.org_error(rid, "SerializationException", "", entry, ns=CORAL_NS)
        if acct not in st.accounts:
            return self.org_error(rid, "AWSOrganizationsNotInUseException",
                                  "Your account is not a member of an organization.", entry)
        if op == "DescribeOrganization":
            out = {"Organization": {"Id": st.org["organization"]["id"],
                                    "MasterAccountId": master, "FeatureSet": "ALL"}}
            entry.update(status=200)
            self._log(entry)
            return self._send(200, json.dumps(out).encode(), "application/x-amz-json-1.1", rid)
        if acct != master:
            return self.org_error(rid, "AccessDeniedException",
                                  "You don't have permissions to access this resource.", entry)
        maxr = req.get("MaxResults")
        if maxr is not None and (not isinstance(maxr, int) or maxr < 1 or maxr > 20):
            return self.org_error(rid, "InvalidInputException",
                                  "You provided a value that does not match the required "
                                  "pattern.", entry)
        n = maxr or st.org["organization"]["page_size"]
        off = 0
        if req.get("NextToken") is not None:
            m = re.fullmatch(r"labpage-(\d+)", str(req["NextToken"]))
            if not m:
                return self.org_error(rid, "InvalidInputException",
                                      "The NextToken is not valid.", entry)
            off = int(m.group(1))
        accts = st.org["accounts"]
        page = []
        for a in accts[off:off + n]:
            page.append({"Id": a["id"], "Arn": "arn:aws:organizations::%s:account/%s/%s"
                         % (master, st.org["organization"]["id"], a["id"]),
                         "Email": a["email"], "Name": a["name"], "Status": a["status"],
                         "JoinedMethod": a["joined"], "JoinedTimestamp": 1577836800.0})
        out = {"Accounts": page}
        if off + n < len(accts):
            out["NextToken"] = "labpage-%d" % (off + n)
        entry.update(status=200, count=len(page))
        self._log(entry)
        return self._send(200, json.dumps(out).encode(), "application/x-amz-json-1.1", rid)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = labsvc.arg_parser("dvcheck lab STS / SSO / SSO OIDC / Organizations server")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--data", default=os.path.join(here, "acm"))
    args = p.parse_args()
    Handler.store = Store(args.data)
    labsvc.serve(args, Handler, tls=labsvc.tls_context(args.cert, args.key))


if __name__ == "__main__":
    main()
