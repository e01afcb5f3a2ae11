#!/usr/bin/python3
"""dvcheck lab ACM server: AWS Certificate Manager's JSON 1.1 API over HTTPS.

    acm_server.py --pidfile P --addr 127.45.0.1 --port 443 \\
        --cert server.pem --key server.key [--data DIR] [--ca-dir DIR]

POST / with Content-Type application/x-amz-json-1.1 and X-Amz-Target
CertificateManager.<Op>; every request's SigV4 signature is recomputed with
botocore (Debian python3-botocore) from the keys in DIR/keys.json and
rejected like AWS rejects it. Operations: DescribeCertificate,
ListCertificates, ResendValidationEmail, GetCertificate; others get
UnknownOperationException. Scenario certificates come from DIR/certs.json
(times relative to the server's start). Lab control (unsigned, not AWS):
GET /_lab/reset resets fault counters, the request log and the counters;
GET /_lab/log returns the request log (JSON; ?since=SEQ); GET /_lab/stats
the requests per operation, region and status. See tests/lab/acm/README.md.
"""
import base64
import datetime
import email.utils
import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import threading
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labcreds  # noqa: E402
import labsvc  # noqa: E402

from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from botocore.compat import HTTPHeaders  # noqa: E402

JSON_CT = "application/x-amz-json-1.1"
TARGET_PREFIX = "CertificateManager."
ACM_NS = "com.amazonaws.acm#"
CORAL_NS = "com.amazon.coral.service#"
SKEW = 300  # seconds, like AWS
RESEND_WINDOW = 72 * 3600
DEFAULT_PAGE = 100  # lab choice: ListCertificates page size without MaxItems
FIVE = ("admin", "administrator", "hostmaster", "postmaster", "webmaster")
ARN_PATTERN = re.compile(
    r"arn:[\w+=/,.@-]+:acm:[\w+=/,.@-]*:[0-9]+:[\w+=,.@-]+(/[\w+=,.@-]+)*\Z")
CERT_STATUSES = ["PENDING_VALIDATION", "ISSUED", "INACTIVE", "EXPIRED",
                 "VALIDATION_TIMED_OUT", "REVOKED", "FAILED"]
KEY_ALGS = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1",
            "EC_secp384r1", "EC_secp521r1"]
SIG_ALG = {"RSA": "SHA256WITHRSA", "EC_prime256v1": "SHA256WITHECDSA",
           "EC_secp384r1": "SHA384WITHECDSA", "EC_secp521r1": "SHA512WITHECDSA"}
PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


class ApiError(Exception):
    def __init__(self, code, message, status=400, ns=ACM_NS, msgkey="message",
                 extra=None):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status
        self.ns, self.msgkey, self.extra = ns, msgkey, extra or {}

    def body(self):
        b = {"__type": self.ns + self.code}
        if self.message is not None:
            b[self.msgkey] = self.message
        b.update(self.extra)
        return b


def coral_validation(value, member, constraint):
    return ApiError("ValidationException",
                    "1 validation error detected: Value %s at '%s' failed to "
                    "satisfy constraint: %s" % (value, member, constraint))


# ---- times -------------------------------------------------------------------

def parse_time(s, start):
    """'-2h', '+40d', '-30m', '-10s' relative to START, or ISO 8601 UTC."""
    m = re.fullmatch(r"([+-]\d+)([dhms])", s)
    if m:
        mult = {"d": 86400, "h": 3600, "m": 60, "s": 1}[m.group(2)]
        return start + int(m.group(1)) * mult
    return datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def amz_stamp(t):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(t))


# ---- scenario data -------------------------------------------------------------

class Store:
    def __init__(self, data_dir, ca_dir):
        self.data_dir, self.ca_dir = data_dir, ca_dir
        self.start = float(int(time.time()))
        with open(os.path.join(data_dir, "keys.json")) as f:
            k = json.load(f)
        with open(os.path.join(data_dir, "certs.json")) as f:
            c = json.load(f)
        self.account = k["account"]
        self.keys = {e["access_key"]: e for e in k["keys"]}
        self.lab_regions = set(k["regions"]["lab"])
        self.empty_regions = set(k["regions"]["empty"])
        self.record = c["validation_record"]
        self.certs = {}      # arn -> raw scenario dict (times resolved)
        self.order = []      # arns in creation order
        for raw in c["certificates"]:
            self._add(dict(raw))
        bulk = c.get("bulk") or []
        self.bulk_specs = {}  # region -> bulk spec (org.json member_acm_large)
        for b in bulk if isinstance(bulk, list) else [bulk]:
            self._bulk(b)
            self.bulk_specs.setdefault(b["region"], b)
        self.lock = threading.Lock()
        self.fault_count = {}
        self.log = []
        self.seq = 0
        self.counts = {}     # (op, region, status) -> requests since reset
        self.pem_cache = {}
        self.members = {}    # account id -> MemberStore (org.json)
        self.org = None
        org = os.path.join(data_dir, "org.json")
        if os.path.exists(org):
            with open(org) as f:
                self.org = json.load(f)

    def for_account(self, account):
        """The store of ACCOUNT: this one, or a member account of the lab
        organisation (org.json member_acm: a few generated certificates per
        region), built on first use. Unknown accounts have no certificates."""
        if account is None or account == self.account:
            return self
        with self.lock:
            m = self.members.get(account)
            if m is None:
                m = MemberStore(self, account)
                self.members[account] = m
        return m

    def arn(self, region, u):
        return "arn:aws:acm:%s:%s:certificate/%s" % (region, self.account, u)

    def _add(self, c):
        t = lambda k: parse_time(c[k], self.start) if c.get(k) else None  # noqa: E731
        c["arn"] = self.arn(c["region"], c["uuid"])
        for k in ("created", "issued", "not_before", "not_after", "revoked",
                  "last_email"):
            c["_" + k] = t(k)
        c.setdefault("type", "AMAZON_ISSUED")
        c.setdefault("key", "RSA_2048")
        c.setdefault("method", "DNS")
        c.setdefault("sans", [c["domain"]])
        if c.get("renewal"):
            c["renewal"] = dict(c["renewal"])
            c["renewal"]["_updated"] = parse_time(c["renewal"]["updated"], self.start)
        if c["arn"] in self.certs:
            raise SystemExit("certs.json: duplicate ARN " + c["arn"])
        self.certs[c["arn"]] = c
        self.order.append(c["arn"])

    def _bulk(self, b):
        if not b:
            return
        for i in range(b["count"]):
            zone = b["zones"][i % len(b["zones"])]
            c = {"name": "bulk-%d" % i, "region": b["region"],
                 "uuid": "%s%012x" % (b["uuid_prefix"], i),
                 "domain": b["name_pattern"].format(n=i, zone=zone),
                 "created": "-%dd" % (400 - i % 300)}
            c["type"] = "IMPORTED" if i % b["imported_every"] == 0 else "AMAZON_ISSUED"
            c["method"] = "EMAIL" if i % b["email_every"] == 0 else "DNS"
            c["status"] = "ISSUED"
            for st, every, rem in b["status_every"]:
                if i % every == rem:
                    c["status"] = st
                    break
            for ka, every, rem in b["key_every"]:
                if i % every == rem:
                    c["key"] = ka
                    break
            days = b["not_after_days"][i % len(b["not_after_days"])]
            if c["status"] == "EXPIRED" and days > 0:
                days = -days
            if c["status"] == "PENDING_VALIDATION":
                c["created"] = "-%dh" % (1 + i % 90)
            elif c["status"] in ("FAILED", "VALIDATION_TIMED_OUT"):
                c["created"] = "-%dd" % (1 + i % 9)
                c["dvo_status"] = "FAILED"
                if c["status"] == "FAILED":
                    c["failure"] = b["failure_reasons"][i % len(b["failure_reasons"])]
            else:
                c["not_before"] = "%+dd" % (days - 395)
                c["not_after"] = "%+dd" % days
                if c["status"] == "REVOKED":
                    c["revoked"] = "-1d"
                    c["revocation_reason"] = "SUPERSEDED"
            every, rem = b["in_use_every"]
            if i % every != rem and c["status"] in ("ISSUED", "EXPIRED"):
                c["in_use_by"] = ["arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/bulk-%d/%016x"
                                  % (b["region"], self.account, i, i)]
            if (c["type"] == "AMAZON_ISSUED" and c["status"] == "ISSUED"
                    and days <= 60 and c.get("in_use_by")):
                c["renewal"] = {"status": "PENDING_VALIDATION" if c["method"] == "EMAIL"
                                else "PENDING_AUTO_RENEWAL", "updated": "-%dd" % (1 + i % 3)}
            c["purpose"] = "generated (bulk)"
            self._add(c)

    # -- derived views --
    def validation_domain(self, c, name):
        vd = (c.get("validation_domain") or {}).get(name)
        return vd or (name[2:] if name.startswith("*.") else name)

    def dvo(self, c, name, status, renewal=False):
        d = {"DomainName": name, "ValidationStatus": status,
             "ValidationMethod": c["method"]}
        if c["method"] == "EMAIL":
            vd = self.validation_domain(c, name)
            d["ValidationDomain"] = vd
            emails = ["%s@%s" % (p, vd) for p in FIVE]
            if not renewal:
                emails += c.get("whois_emails", [])
            if status != "FAILED" or c.get("failure") != "NO_AVAILABLE_CONTACTS":
                d["ValidationEmails"] = emails
            else:
                d["ValidationEmails"] = []
        elif c["method"] == "DNS":
            d["ValidationDomain"] = name
            if c.get("record", True) is not None:
                base = name[2:] if name.startswith("*.") else name
                d["ResourceRecord"] = {
                    "Name": "%s.%s." % (self.record["name_label"], base),
                    "Type": "CNAME", "Value": self.record["value"]}
        elif c["method"] == "HTTP":
            d["ValidationDomain"] = name
            d["HttpRedirect"] = {
                "RedirectFrom": "http://%s/.well-known/pki-validation/%s.txt"
                % (name, c["uuid"].replace("-", "")[:32]),
                "RedirectTo": "https://validation.acm-validations.aws/%s/.well-known/pki-validation/%s.txt"
                % (self.account, c["uuid"].replace("-", "")[:32])}
        return d

    def dvo_status(self, c):
        if c.get("dvo_status"):
            return c["dvo_status"]
        return {"PENDING_VALIDATION": "PENDING_VALIDATION", "FAILED": "FAILED",
                "VALIDATION_TIMED_OUT": "FAILED"}.get(c["status"], "SUCCESS")

    def pem_info(self, c):
        """For pem_file certificates: fields parsed from the PEM, or None."""
        path = os.path.join(self.ca_dir, c["pem_file"])
        try:
            with open(path, "rb") as f:
                pem = f.read()
        except OSError:
            return None
        try:
            out = subprocess.run(
                ["openssl", "x509", "-noout", "-serial", "-startdate", "-enddate",
                 "-subject", "-issuer", "-ext", "subjectAltName", "-nameopt", "RFC2253"],
                input=pem, capture_output=True, timeout=10, check=True).stdout.decode()
        except (OSError, subprocess.SubprocessError):
            return None
        info = {"pem": pem.decode("ascii", "replace")}
        for line in out.splitlines():
            line = line.strip()
            if "=" in line and line.split("=", 1)[0] in ("serial", "notBefore", "notAfter", "subject", "issuer"):
                k, v = line.split("=", 1)
                info[k] = v.strip()
            elif line.startswith(("DNS:", "IP Address:")):
                info["sans"] = [x.strip().split(":", 1)[1] for x in line.split(",")]
        for k in ("notBefore", "notAfter"):
            if k in info:
                info[k] = datetime.datetime.strptime(
                    " ".join(info[k].split()), "%b %d %H:%M:%S %Y GMT").replace(
                        tzinfo=datetime.timezone.utc).timestamp()
        if "serial" in info:
            s = info["serial"].lower()
            s = ("0" + s) if len(s) % 2 else s
            info["serial"] = ":".join(s[i:i + 2] for i in range(0, len(s), 2))
        return info

    def serial(self, c):
        h = hashlib.sha256(c["arn"].encode()).hexdigest()[:32]
        h = "0" + h[1:] if h[0] in "89abcdef" else h  # positive
        return ":".join(h[i:i + 2] for i in range(0, 32, 2))

    def detail(self, c):
        st = c["status"]
        d = {"CertificateArn": c["arn"], "DomainName": c["domain"],
             "SubjectAlternativeNames": list(c["sans"]),
             "Status": st, "Type": c["type"], "KeyAlgorithm": c["key"],
             "CreatedAt": c["_created"], "InUseBy": list(c.get("in_use_by", [])),
             "RenewalEligibility": self.renewal_eligibility(c),
             "Options": {"CertificateTransparencyLoggingPreference": "ENABLED"}}
        if c.get("managed_by"):
            d["ManagedBy"] = c["managed_by"]
        if c["type"] == "IMPORTED":
            d["ImportedAt"] = c["_created"]
        if c["type"] == "PRIVATE":
            d["CertificateAuthorityArn"] = (
                "arn:aws:acm-pca:%s:%s:certificate-authority/ca000000-0000-4000-8000-000000000001"
                % (c["region"], self.account))
        if c["type"] != "IMPORTED":
            ds = self.dvo_status(c)
            d["DomainValidationOptions"] = [self.dvo(c, n, ds) for n in c["sans"]]
        has_cert = st in ("ISSUED", "EXPIRED", "REVOKED", "INACTIVE")
        if has_cert:
            alg = SIG_ALG["RSA"] if c["key"].startswith("RSA") else SIG_ALG[c["key"]]
            d.update({"Serial": self.serial(c), "Subject": "CN=" + c["domain"],
                      "Issuer": "Amazon" if c["type"] == "AMAZON_ISSUED" else
                      ("dvcheck lab private CA" if c["type"] == "PRIVATE" else "dvcheck lab import CA"),
                      "NotBefore": c["_not_before"], "NotAfter": c["_not_after"],
                      "SignatureAlgorithm": alg,
                      "KeyUsages": [{"Name": "DIGITAL_SIGNATURE"}, {"Name": "KEY_ENCIPHERMENT"}],
                      "ExtendedKeyUsages": [
                          {"Name": "TLS_WEB_SERVER_AUTHENTICATION", "OID": "1.3.6.1.5.5.7.3.1"},
                          {"Name": "TLS_WEB_CLIENT_AUTHENTICATION", "OID": "1.3.6.1.5.5.7.3.2"}]})
            if c["type"] != "IMPORTED":
                d["IssuedAt"] = c["_issued"] or c["_created"] + 300
        if c.get("pem_file"):
            info = self.pem_info(c)
            if info:
                d["Serial"] = info.get("serial", d.get("Serial"))
                d["NotBefore"] = info.get("notBefore", d.get("NotBefore"))
                d["NotAfter"] = info.get("notAfter", d.get("NotAfter"))
                d["Subject"] = info.get("subject", d.get("Subject"))
                d["Issuer"] = info.get("issuer", d.get("Issuer"))
        if st == "REVOKED":
            d["RevokedAt"] = c["_revoked"]
            d["RevocationReason"] = c.get("revocation_reason", "UNSPECIFIED")
        if st == "FAILED":
            d["FailureReason"] = c["failure"]
        r = c.get("renewal")
        if r and c["type"] != "IMPORTED":
            rs = {"RenewalStatus": r["status"], "UpdatedAt": r["_updated"]}
            rds = {"PENDING_AUTO_RENEWAL": "PENDING_VALIDATION", "PENDING_VALIDATION": "PENDING_VALIDATION",
                   "SUCCESS": "SUCCESS", "FAILED": "FAILED"}[r["status"]]
            rs["DomainValidationOptions"] = [self.dvo(c, n, rds, renewal=True) for n in c["sans"]]
            if r.get("reason"):
                rs["RenewalStatusReason"] = r["reason"]
            d["RenewalSummary"] = rs
        return d

    def renewal_eligibility(self, c):
        if c.get("renewal_eligibility"):
            return c["renewal_eligibility"]
        if c["type"] == "AMAZON_ISSUED" and c["status"] == "ISSUED" and c.get("in_use_by"):
            return "ELIGIBLE"
        if c["type"] == "PRIVATE" and c["status"] == "ISSUED":
            return "ELIGIBLE"
        return "INELIGIBLE"

    def summary(self, c):
        d = self.detail(c)
        s = {"CertificateArn": d["CertificateArn"], "DomainName": d["DomainName"],
             "SubjectAlternativeNameSummaries": d["SubjectAlternativeNames"][:100],
             "HasAdditionalSubjectAlternativeNames": len(d["SubjectAlternativeNames"]) > 100,
             "Status": d["Status"], "Type": d["Type"], "KeyAlgorithm": d["KeyAlgorithm"],
             "KeyUsages": [k["Name"] for k in d.get("KeyUsages", [])],
             "ExtendedKeyUsages": [k["Name"] for k in d.get("ExtendedKeyUsages", [])],
             "ExportOption": "DISABLED", "InUse": bool(d["InUseBy"]), "Exported": False,
             "RenewalEligibility": d["RenewalEligibility"], "CreatedAt": d["CreatedAt"]}
        for k in ("NotBefore", "NotAfter", "IssuedAt", "ImportedAt", "RevokedAt", "ManagedBy"):
            if k in d:
                s[k] = d[k]
        return s


class MemberStore(Store):
    """A member account of the lab organisation: its own certificates,
    the parent's regions, lock, fault counters and log."""

    def __init__(self, parent, account):  # pylint: disable=super-init-not-called
        self.data_dir, self.ca_dir = parent.data_dir, parent.ca_dir
        self.start, self.account, self.keys = parent.start, account, parent.keys
        self.lab_regions, self.empty_regions = parent.lab_regions, parent.empty_regions
        self.record = parent.record
        self.certs, self.order = {}, []
        self.lock, self.fault_count, self.pem_cache = parent.lock, parent.fault_count, {}
        self.members, self.org = {}, parent.org
        known = [a for a in (parent.org or {}).get("accounts", []) if a["id"] == account]
        spec = (parent.org or {}).get("member_acm")
        if not known or not spec:
            return
        for ri, region in enumerate(spec["regions"]):
            b = dict(spec, region=region,
                     uuid_prefix="%08x-%04x-4000-8000-" % (int(account) % 2**32, ri))
            self._bulk(b)
        # member_acm_large: these accounts also have a large region, a copy
        # of the management account's bulk of that region (own ARNs)
        large = (parent.org or {}).get("member_acm_large") or {}
        like = parent.bulk_specs.get(large.get("like_region"))
        if like and account in large.get("accounts", []):
            self._bulk(dict(like, uuid_prefix="%08x-%04x-4000-8000-"
                            % (int(account) % 2**32, 0x100)))


# ---- SigV4 verification ---------------------------------------------------------

class _ExactHeaders(SigV4Auth):
    """SigV4Auth that signs exactly the headers the client said it signed."""

    def __init__(self, creds, service, region, signed):
        super().__init__(creds, service, region)
        self._signed = signed

    def headers_to_sign(self, request):
        m = HTTPHeaders()
        for name in self._signed:
            for v in request.headers.get_all(name) or []:
                m[name] = v
        return m


AUTH_RE = re.compile(r"AWS4-HMAC-SHA256\s+(.*)\Z", re.S)


def verify_sigv4(store, method, path, headers, body, now, service_name="acm",
                 check_region=True):
    """Return (key entry, region); raise ApiError like AWS does. Keys are
    keys.json's or temporary credentials the lab's STS/SSO issued
    (labcreds.py; their entry names the account)."""
    auth = headers.get("Authorization")
    amzdate = headers.get("X-Amz-Date")
    if not auth:
        raise ApiError("MissingAuthenticationTokenException", "Missing Authentication Token",
                       ns=CORAL_NS)
    m = AUTH_RE.match(auth.strip())
    if not m:
        raise ApiError("IncompleteSignatureException",
                       "Authorization header requires 'Credential' parameter. Authorization "
                       "header requires 'Signature' parameter. Authorization header requires "
                       "'SignedHeaders' parameter. Authorization=" + auth.split(" ")[0],
                       ns=CORAL_NS)
    params = {}
    for part in m.group(1).split(","):
        k, _, v = part.strip().partition("=")
        params[k] = v
    for need in ("Credential", "SignedHeaders", "Signature"):
        if not params.get(need):
            raise ApiError("IncompleteSignatureException",
                           "Authorization header requires '%s' parameter. Authorization=%s"
                           % (need, "AWS4-HMAC-SHA256"), ns=CORAL_NS)
    cred = params["Credential"].split("/")
    if len(cred) != 5 or cred[4] != "aws4_request":
        raise ApiError("IncompleteSignatureException",
                       "Credential should be scoped to a valid region, not '%s'. "
                       % (cred[2] if len(cred) > 2 else ""), ns=CORAL_NS)
    akid, cdate, region, service = cred[0], cred[1], cred[2], cred[3]
    signed = params["SignedHeaders"].split(";")
    if "host" not in signed:
        raise ApiError("InvalidSignatureException",
                       "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
                       ns=CORAL_NS)
    if not amzdate:
        d = headers.get("Date")
        if d:
            try:
                amzdate = amz_stamp(email.utils.parsedate_to_datetime(d).timestamp())
            except (TypeError, ValueError):
                amzdate = None
        if not amzdate:
            raise ApiError("IncompleteSignatureException",
                           "Authorization header requires existence of either a 'X-Amz-Date' "
                           "or a 'Date' header. Authorization=AWS4-HMAC-SHA256", ns=CORAL_NS)
    key = store.keys.get(akid) or labcreds.parse(
        akid, headers.get("X-Amz-Security-Token"))
    if key is None:
        raise ApiError("UnrecognizedClientException",
                       "The security token included in the request is invalid.", ns=CORAL_NS)
    token = headers.get("X-Amz-Security-Token")
    if key.get("session_token"):
        if token != key["session_token"]:
            raise ApiError("UnrecognizedClientException",
                           "The security token included in the request is invalid.", ns=CORAL_NS)
    elif token is not None:
        raise ApiError("UnrecognizedClientException",
                       "The security token included in the request is invalid.", ns=CORAL_NS)
    if service != service_name:
        raise ApiError("InvalidSignatureException",
                       "Credential should be scoped to correct service: '%s'. " % service_name,
                       ns=CORAL_NS)
    try:
        t = datetime.datetime.strptime(amzdate, "%Y%m%dT%H%M%SZ").replace(
            tzinfo=datetime.timezone.utc).timestamp()
    except ValueError:
        raise ApiError("IncompleteSignatureException",
                       "Date must be in ISO-8601 'basic format'. Got '%s'. See "
                       "http://en.wikipedia.org/wiki/ISO_8601" % amzdate, ns=CORAL_NS)
    if cdate != amzdate[:8]:
        raise ApiError("InvalidSignatureException",
                       "Credential should be scoped to a valid date: '%s'" % amzdate[:8],
                       ns=CORAL_NS)
    # signature
    creds = Credentials(akid, key["secret_key"], key.get("session_token"))
    signer = _ExactHeaders(creds, service_name, region, signed)
    req = AWSRequest(method=method, url="https://%s%s" % (headers.get("Host", ""), path),
                     data=body)
    req.headers = HTTPHeaders()
    for name in signed:
        for v in headers.get_all(name) or []:
            req.headers[name] = v
    req.context["timestamp"] = amzdate
    sha = headers.get("X-Amz-Content-SHA256")
    if sha is not None:
        if sha != hashlib.sha256(body).hexdigest():
            raise ApiError("InvalidSignatureException",
                           "The provided 'x-amz-content-sha256' header does not match what "
                           "was computed.", ns=CORAL_NS)
        req.headers["X-Amz-Content-SHA256"] = sha
    creq = signer.canonical_request(req)
    sts = signer.string_to_sign(req, creq)
    want = signer.signature(sts, req)
    if not hmac.compare_digest(want, params["Signature"]):
        raise ApiError("InvalidSignatureException",
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your AWS Secret Access Key and signing method. Consult "
                       "the service documentation for details.\n\nThe Canonical String for this "
                       "request should have been\n'%s'\n\nThe String-to-Sign should have been\n'%s'\n"
                       % (creq, sts), ns=CORAL_NS)
    # time: after the signature, as AWS does
    if t < now - SKEW:
        raise ApiError("InvalidSignatureException",
                       "Signature expired: %s is now earlier than %s (%s - 5 min.)"
                       % (amzdate, amz_stamp(now - SKEW), amz_stamp(now)), ns=CORAL_NS)
    if t > now + SKEW:
        raise ApiError("InvalidSignatureException",
                       "Signature not yet current: %s is still later than %s (%s + 5 min.)"
                       % (amzdate, amz_stamp(now + SKEW), amz_stamp(now)), ns=CORAL_NS)
    if key.get("expired"):
        raise ApiError("ExpiredTokenException",
                       "The security token included in the request is expired", ns=CORAL_NS)
    if check_region and region not in store.lab_regions and region not in store.empty_regions:
        # Opt-in regions the account has not enabled (and regions that do not
        # exist, which real clients cannot even reach) reject every key.
        raise ApiError("UnrecognizedClientException",
                       "The security token included in the request is invalid.", ns=CORAL_NS)
    return key, region


# ---- operations ------------------------------------------------------------------

def check_arn(store, value, region, member="certificateArn"):
    if value is None:
        raise coral_validation("null", member, "Member must not be null")
    if not isinstance(value, str):
        raise ApiError("SerializationException", None, ns=CORAL_NS)
    if len(value) < 20 or len(value) > 2048:
        raise coral_validation("'%s'" % value, member,
                               "Member must have length %s" % (
                                   "greater than or equal to 20" if len(value) < 20
                                   else "less than or equal to 2048"))
    if not ARN_PATTERN.match(value):
        raise coral_validation("'%s'" % value, member,
                               "Member must satisfy regular expression pattern: "
                               "arn:[\\w+=/,.@-]+:acm:[\\w+=/,.@-]*:[0-9]+:[\\w+=,.@-]+(/[\\w+=,.@-]+)*")
    parts = value.split(":", 5)
    partition, _svc, reg, account, res = parts[1], parts[2], parts[3], parts[4], parts[5]
    if partition not in PARTITIONS or len(account) != 12 or not re.fullmatch(
            r"certificate/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", res):
        raise ApiError("InvalidArnException", "String '%s' is not a valid ARN." % value)
    if reg != region:
        raise ApiError("InvalidArnException",
                       "The certificate ARN region '%s' does not match the region '%s' of the "
                       "request." % (reg, region))
    c = store.certs.get(value)
    if c is None or account != store.account:
        raise ApiError("ResourceNotFoundException",
                       "Could not find certificate %s." % value)
    return c


def apply_fault(store, key, fault):
    """Cycle of count+1 calls: the first COUNT fail, the next succeeds.
    KEY is (access key id, ARN or "*"): clients with different keys do not
    disturb each other's cycles."""
    if not fault:
        return
    if fault["kind"] == "delay":
        time.sleep(fault.get("seconds", 20))
        return
    with store.lock:
        n = store.fault_count.get(key, 0)
        store.fault_count[key] = (n + 1) % (fault["count"] + 1)
    if n >= fault["count"]:
        return
    if fault["kind"] == "throttle":
        raise ApiError("ThrottlingException", "Rate exceeded",
                       ns="com.amazon.coral.availability#")
    if fault["kind"] == "503":
        raise ApiError("ServiceUnavailable", "Service is unavailable. Please try again later.",
                       status=503, ns=CORAL_NS)
    raise ApiError("InternalFailure", "The request processing has failed because of an "
                   "unknown error, exception or failure.", status=500, ns=CORAL_NS)


def op_describe(store, req, region, ctx):
    c = check_arn(store, req.get("CertificateArn"), region)
    apply_fault(store, (ctx["akid"], c["arn"]), c.get("fault"))
    return {"Certificate": store.detail(c)}


def op_get(store, req, region, ctx):
    c = check_arn(store, req.get("CertificateArn"), region)
    apply_fault(store, (ctx["akid"], c["arn"]), c.get("fault"))
    if c["status"] in ("PENDING_VALIDATION", "FAILED", "VALIDATION_TIMED_OUT"):
        raise ApiError("RequestInProgressException",
                       "Certificate %s is in status %s: its certificate is not available."
                       % (c["arn"], c["status"]) if c["status"] != "PENDING_VALIDATION" else
                       "Certificate %s is still pending validation; its certificate is not "
                       "available yet." % c["arn"])
    if c.get("pem_file"):
        info = store.pem_info(c)
        if not info:
            raise ApiError("InternalFailure",
                           "lab: %s is missing or unreadable (tests/lab/certs.conf must issue "
                           "'%s'; restart the lab)" % (os.path.join(store.ca_dir, c["pem_file"]),
                                                       c["pem_file"][:-4]),
                           status=500, ns=CORAL_NS)
        chain = ""
        try:
            with open(os.path.join(store.ca_dir, "ca.pem")) as f:
                chain = f.read()
        except OSError:
            pass
        out = {"Certificate": info["pem"]}
        if chain:
            out["CertificateChain"] = chain
        return out
    return placeholder_pem(store, c)


def placeholder_pem(store, c):
    """A certificate with the scenario's names, dates and serial, signed by an
    in-memory 'dvcheck lab ACM placeholder' CA (python3-cryptography)."""
    with store.lock:
        if c["arn"] in store.pem_cache:
            return store.pem_cache[c["arn"]]
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID
    with store.lock:
        if not hasattr(store, "ph_ca"):
            cakey = ec.generate_private_key(ec.SECP256R1())
            name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "dvcheck lab"),
                              x509.NameAttribute(NameOID.COMMON_NAME, "dvcheck lab ACM placeholder CA")])
            now = datetime.datetime.utcfromtimestamp(store.start)
            cacert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                      .public_key(cakey.public_key()).serial_number(1)
                      .not_valid_before(now - datetime.timedelta(days=800))
                      .not_valid_after(now + datetime.timedelta(days=800))
                      .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                      .sign(cakey, hashes.SHA256()))
            store.ph_ca = (cakey, cacert, name)
            store.ph_keys = {}
        cakey, cacert, caname = store.ph_ca
        k = store.ph_keys.get(c["key"])
        if k is None:
            if c["key"].startswith("RSA_"):
                k = rsa.generate_private_key(65537, int(c["key"][4:]))
            else:
                k = ec.generate_private_key({"EC_prime256v1": ec.SECP256R1(),
                                             "EC_secp384r1": ec.SECP384R1(),
                                             "EC_secp521r1": ec.SECP521R1()}[c["key"]])
            store.ph_keys[c["key"]] = k
    d = store.detail(c)
    sans = []
    for n in c["sans"]:
        try:
            sans.append(x509.DNSName(n))
        except ValueError:
            pass
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, c["domain"])]))
            .issuer_name(caname).public_key(k.public_key())
            .serial_number(int(d["Serial"].replace(":", ""), 16))
            .not_valid_before(datetime.datetime.utcfromtimestamp(d["NotBefore"]))
            .not_valid_after(datetime.datetime.utcfromtimestamp(d["NotAfter"]))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .sign(cakey, hashes.SHA256()))
    out = {"Certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
           "CertificateChain": cacert.public_bytes(serialization.Encoding.PEM).decode()}
    if c["type"] == "IMPORTED":
        out.pop("CertificateChain")
    with store.lock:
        store.pem_cache[c["arn"]] = out
    return out


def op_list(store, req, region, ctx):
    statuses = req.get("CertificateStatuses")
    if statuses is not None:
        if not isinstance(statuses, list) or any(s not in CERT_STATUSES for s in statuses):
            raise coral_validation(json.dumps(statuses), "certificateStatuses",
                                   "Member must satisfy constraint: [Member must satisfy enum "
                                   "value set: [%s]]" % ", ".join(CERT_STATUSES))
    inc = req.get("Includes") or {}
    if not isinstance(inc, dict):
        raise ApiError("SerializationException", None, ns=CORAL_NS)
    key_types = inc.get("keyTypes") or ["RSA_2048"]
    if any(k not in KEY_ALGS for k in key_types):
        raise coral_validation(json.dumps(key_types), "includes.keyTypes",
                               "Member must satisfy constraint: [Member must satisfy enum "
                               "value set: [%s]]" % ", ".join(KEY_ALGS))
    maxi = req.get("MaxItems")
    if maxi is not None:
        if not isinstance(maxi, int) or isinstance(maxi, bool) or maxi < 1 or maxi > 1000:
            raise coral_validation(maxi, "maxItems", "Member must have value %s" % (
                "greater than or equal to 1" if isinstance(maxi, int) and maxi < 1
                else "less than or equal to 1000"))
    sort_by, sort_order = req.get("SortBy"), req.get("SortOrder")
    if (sort_by is None) != (sort_order is None):
        raise ApiError("ValidationException", "SortBy and SortOrder must be specified together.")
    fkey = hashlib.sha256(json.dumps([region, statuses, inc, sort_by, sort_order],
                                     sort_keys=True).encode()).hexdigest()[:16]
    offset = 0
    tok = req.get("NextToken")
    if tok is not None:
        try:
            t = json.loads(base64.b64decode(tok, validate=True))
            offset, tf = int(t["o"]), t["f"]
            if tf != fkey or offset < 0:
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise ApiError("InvalidArgsException", "The token passed is not valid: %s" % tok)
    eku = inc.get("extendedKeyUsage")
    ku = inc.get("keyUsage")
    managed = inc.get("managedBy")
    sel = []
    for arn in store.order:
        c = store.certs[arn]
        if c["region"] != region or c["key"] not in key_types:
            continue
        if statuses and c["status"] not in statuses:
            continue
        if managed and c.get("managed_by") != managed:
            continue
        s = store.summary(c)
        if ku and not set(ku) & set(s["KeyUsages"]) and "ANY" not in ku:
            continue
        if eku and not set(eku) & set(s["ExtendedKeyUsages"]) and "ANY" not in eku:
            continue
        sel.append(s)
    if sort_by:
        sel.sort(key=lambda s: s["CreatedAt"], reverse=(sort_order == "DESCENDING"))
    n = maxi or DEFAULT_PAGE
    page = sel[offset:offset + n]
    out = {"CertificateSummaryList": page}
    if offset + n < len(sel):
        out["NextToken"] = base64.b64encode(json.dumps(
            {"o": offset + n, "f": fkey}).encode()).decode()
    return out


def is_superdomain(vd, name):
    base = name[2:] if name.startswith("*.") else name
    return vd == base or (base.endswith("." + vd) and "." in vd)


def op_resend(store, req, region, ctx):
    c = check_arn(store, req.get("CertificateArn"), region)
    dom, vd = req.get("Domain"), req.get("ValidationDomain")
    for member, v in (("domain", dom), ("validationDomain", vd)):
        if v is None:
            raise coral_validation("null", member, "Member must not be null")
        if not isinstance(v, str) or not re.fullmatch(
                r"(\*\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])", v):
            raise coral_validation("'%s'" % v, member,
                                   "Member must satisfy regular expression pattern: "
                                   "(\\*\\.)?(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+"
                                   "((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])")
    apply_fault(store, (ctx["akid"], c["arn"]), c.get("fault"))
    if c["type"] != "AMAZON_ISSUED":
        raise ApiError("InvalidStateException",
                       "Certificate %s is of type %s; validation email applies only to "
                       "AMAZON_ISSUED certificates." % (c["arn"], c["type"]))
    renewal = c.get("renewal") or {}
    if c["status"] == "PENDING_VALIDATION":
        since = c["_last_email"] or c["_created"]
    elif c["status"] == "ISSUED" and renewal.get("status") == "PENDING_VALIDATION":
        since = renewal["_updated"]
    else:
        raise ApiError("InvalidStateException",
                       "Certificate %s is in status %s%s; no validation email can be resent."
                       % (c["arn"], c["status"],
                          " (renewal %s)" % renewal["status"] if renewal else ""))
    if c["method"] != "EMAIL":
        raise ApiError("InvalidStateException",
                       "Certificate %s uses %s validation; validation email can be resent only "
                       "for email validation." % (c["arn"], c["method"]))
    if dom not in c["sans"]:
        raise ApiError("InvalidDomainValidationOptionsException",
                       "The domain %s is not part of certificate %s." % (dom, c["arn"]))
    if not is_superdomain(vd, dom):
        raise ApiError("InvalidDomainValidationOptionsException",
                       "The validation domain %s is neither %s nor a superdomain of it."
                       % (vd, dom))
    if time.time() - since > RESEND_WINDOW:
        raise ApiError("InvalidStateException",
                       "Certificate %s: more than 72 hours have passed since the validation "
                       "request; request a new certificate." % c["arn"])
    ctx["emails"] = ["%s@%s" % (p, vd) for p in FIVE]
    return None


OPS = {"DescribeCertificate": op_describe, "ListCertificates": op_list,
       "ResendValidationEmail": op_resend, "GetCertificate": op_get}


# ---- HTTP ------------------------------------------------------------------------

class Handler(labsvc.http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Server"
    sys_version = ""
    store = None

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.address_string(), fmt % args))

    def _send(self, status, body, rid, ctype=JSON_CT):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("x-amzn-RequestId", rid)
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
            del st.log[:-2000]
            k = (entry.get("op"), entry.get("region"), entry.get("status"))
            st.counts[k] = st.counts.get(k, 0) + 1

    def do_GET(self):
        rid = str(uuid.uuid4())
        st = self.store
        if self.path.startswith("/_lab/reset"):
            m = re.search(r"[?&]key=([A-Z0-9]+)", self.path)
            with st.lock:
                if m:
                    for k in [k for k in st.fault_count if k[0] == m.group(1)]:
                        del st.fault_count[k]
                else:
                    st.fault_count.clear()
                    st.log.clear()
                    st.counts.clear()
            return self._send(200, {"reset": True}, rid, "application/json")
        if self.path.startswith("/_lab/log"):
            m = re.search(r"[?&]since=(\d+)", self.path)
            since = int(m.group(1)) if m else 0
            with st.lock:
                out = [e for e in st.log if e["seq"] > since]
            return self._send(200, {"log": out}, rid, "application/json")
        if self.path.startswith("/_lab/stats"):
            with st.lock:
                out = [{"op": k[0], "region": k[1], "status": k[2], "n": n}
                       for k, n in sorted(st.counts.items(), key=repr)]
            return self._send(200, {"stats": out}, rid, "application/json")
        if self.path == "/_lab/ping":
            return self._send(200, {"ok": True}, rid, "application/json")
        e = ApiError("UnknownOperationException", None, status=404, ns=CORAL_NS)
        return self._send(e.status, e.body(), rid)

    def do_POST(self):
        rid = str(uuid.uuid4())
        st = self.store
        now = time.time()
        try:
            n = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            n = 0
        body = self.rfile.read(n) if n > 0 else b""
        target = self.headers.get("X-Amz-Target", "")
        op = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else None
        entry = {"time": now, "op": op or target, "request_id": rid}
        ctx = {}
        try:
            key, region = verify_sigv4(st, self.command, self.path, self.headers, body, now)
            entry["access_key"], entry["region"] = key["access_key"], region
            if key.get("account"):
                entry["account"] = key["account"]
            st = st.for_account(key.get("account"))
            if op not in OPS:
                raise ApiError("UnknownOperationException", None, ns=CORAL_NS)
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype not in (JSON_CT, "application/json"):
                raise ApiError("UnknownOperationException", None, ns=CORAL_NS)
            try:
                req = json.loads(body or b"{}")
                if not isinstance(req, dict):
                    raise ValueError
            except ValueError:
                raise ApiError("SerializationException", "Start of structure or map found "
                               "where not expected." if body[:1] == b"[" else None, ns=CORAL_NS)
            entry["arn"] = req.get("CertificateArn")
            if key.get("allow") is not None and op not in key["allow"]:
                raise ApiError("AccessDeniedException",
                               "User: %s is not authorized to perform: acm:%s on resource: %s "
                               "because no identity-based policy allows the acm:%s action"
                               % (key["user"], op, req.get("CertificateArn") or "*", op),
                               ns="", msgkey="Message")
            ctx["akid"] = key["access_key"]
            apply_fault(st, (key["access_key"], "*"), key.get("fault"))
            out = OPS[op](st, req, region, ctx)
            ctx.pop("akid", None)
            entry.update(status=200, **ctx)
            self._log(entry)
            return self._send(200, out, rid)
        except ApiError as e:
            entry.update(status=e.status, error=e.code)
            self._log(entry)
            return self._send(e.status, e.body(), rid)
        except Exception as e:  # a lab bug: answer like AWS, log it
            sys.stderr.write("internal error: %r\n" % e)
            entry.update(status=500, error="InternalFailure")
            self._log(entry)
            err = ApiError("InternalFailure", "lab: %s" % e, status=500, ns=CORAL_NS)
            return self._send(500, err.body(), rid)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    p = labsvc.arg_parser("dvcheck lab ACM server")
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--data", default=os.path.join(here, "acm"))
    p.add_argument("--ca-dir", default=None,
                   help="where pem_file certificates live (default: the --cert directory)")
    args = p.parse_args()
    Handler.store = Store(args.data, args.ca_dir or os.path.dirname(os.path.abspath(args.cert)))
    labsvc.serve(args, Handler, tls=labsvc.tls_context(args.cert, args.key))


if __name__ == "__main__":
    main()
