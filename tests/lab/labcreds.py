"""Temporary credentials and tokens the lab's STS, SSO and ACM servers share.

The lab's STS (tests/lab/aws_auth_server.py) hands out temporary
credentials; the lab's ACM (acm_server.py) must accept them without any
shared state. So they are derived, not stored: the session token carries
the account, the role, the session name and the expiry, authenticated with
an HMAC under a fixed lab key; the access key id is a hash of the token and
the secret an HMAC of the key id. Any server with this module can verify
(akid, token) and recompute the secret. Fake values: they only work in the
lab. Every secret carries a marker (LABSTSSECRET, LABSTSTOKEN,
LABSSOACCESS, LABSSOREFRESH) so tests can prove none reaches dvcheck's
output. Standard library only.
"""
import base64
import hashlib
import hmac
import time

LAB_KEY = b"dvcheck-lab-sts-not-a-secret"
TOKEN_PREFIX = "LABSTSTOKEN"
SSO_ACCESS_PREFIX = "LABSSOACCESS"
SSO_REFRESH_PREFIX = "LABSSOREFRESH"


def _mac(data):
    return hmac.new(LAB_KEY, data.encode(), hashlib.sha256).hexdigest()[:40]


def _b64(s):
    return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")


def _unb64(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode()


def akid_for(token):
    h = hashlib.sha256(token.encode()).digest()
    return "ASIA" + base64.b32encode(h).decode()[:16]


def secret_for(akid):
    return "LABSTSSECRET/" + _mac("secret|" + akid)[:27]


def issue(account, role, session, duration, now=None, source="sts",
          lab_lifetime=None):
    """Temporary credentials for ACCOUNT's ROLE: (akid, secret, token, exp).
    lab_lifetime: the servers treat the token as expired after that many
    seconds although exp says later (a session revoked or cut short)."""
    now = int(now if now is not None else time.time())
    exp = now + int(duration)
    tok_exp = now + int(lab_lifetime) if lab_lifetime else exp
    nonce = hashlib.sha256(("%s|%f" % (session, time.time())).encode()).hexdigest()[:8]
    payload = "|".join(("v1", source, account, role, session, str(tok_exp), nonce))
    token = "%s.%s.%s" % (TOKEN_PREFIX, _b64(payload), _mac(payload))
    akid = akid_for(token)
    return akid, secret_for(akid), token, exp


def parse(akid, token):
    """The key entry acm_server.verify_sigv4 expects for lab-issued temporary
    credentials, or None when (akid, token) was not issued by the lab."""
    if not token or not akid or not akid.startswith("ASIA"):
        return None
    parts = token.split(".")
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        return None
    try:
        payload = _unb64(parts[1])
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(_mac(payload), parts[2]) or akid_for(token) != akid:
        return None
    f = payload.split("|")
    if len(f) != 7 or f[0] != "v1":
        return None
    _v, source, account, role, session, exp, _nonce = f
    return {"access_key": akid, "secret_key": secret_for(akid),
            "session_token": token, "account": account, "role": role,
            "session": session, "expires": int(exp), "source": source,
            "expired": int(exp) <= time.time(),
            "user": "arn:aws:sts::%s:assumed-role/%s/%s" % (account, role, session)}


def sso_token(kind, subject, lifetime, now=None):
    """An SSO OIDC access or refresh token ("access"/"refresh")."""
    now = int(now if now is not None else time.time())
    nonce = hashlib.sha256(("%s|%f" % (subject, time.time())).encode()).hexdigest()[:8]
    payload = "|".join(("v1", kind, subject, str(now + int(lifetime)), nonce))
    prefix = SSO_ACCESS_PREFIX if kind == "access" else SSO_REFRESH_PREFIX
    return "%s.%s.%s" % (prefix, _b64(payload), _mac(payload))


def sso_parse(token, kind):
    """(subject, expiry) of a lab SSO token of KIND, or None."""
    if not isinstance(token, str):
        return None
    parts = token.split(".")
    prefix = SSO_ACCESS_PREFIX if kind == "access" else SSO_REFRESH_PREFIX
    if len(parts) != 3 or parts[0] != prefix:
        return None
    try:
        payload = _unb64(parts[1])
    except (ValueError, UnicodeDecodeError):
        return None
    if not hmac.compare_digest(_mac(payload), parts[2]):
        return None
    f = payload.split("|")
    if len(f) != 5 or f[1] != kind:
        return None
    return f[2], int(f[3])


def main(argv):
    """Tests mint SSO tokens for the CLI's cache with:
    labcreds.py sso-access SUBJECT SECONDS | sso-refresh SUBJECT SECONDS
    (SECONDS may be negative: an expired token)."""
    import sys
    if len(argv) != 4 or argv[1] not in ("sso-access", "sso-refresh"):
        sys.stderr.write("usage: labcreds.py sso-access|sso-refresh SUBJECT SECONDS\n")
        return 2
    print(sso_token(argv[1][4:], argv[2], int(argv[3])))
    return 0


if __name__ == "__main__":
    import sys
    sys.exit(main(sys.argv))
