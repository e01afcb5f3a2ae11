#!/usr/bin/python3
"""Send one raw ACM request to the lab ACM server, signed with botocore.

    acm-lab-req.py URL CA_BUNDLE REGION OPERATION JSON_BODY [options]

Credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN. Options:
  --skew SECONDS   sign as if the clock were SECONDS off (negative: behind)
  --unsigned       send no Authorization header
  --service NAME   sign for another service name
  --header K:V     add a header after signing (repeatable)
Prints the HTTP status, then the x-amzn-RequestId and Date headers, then the
body, each on its own line.
"""
import argparse
import datetime
import http.client
import os
import ssl
import sys
import urllib.parse
from unittest import mock

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def main():
    p = argparse.ArgumentParser()
    p.add_argument("url")
    p.add_argument("ca")
    p.add_argument("region")
    p.add_argument("op")
    p.add_argument("body")
    p.add_argument("--skew", type=int, default=0)
    p.add_argument("--unsigned", action="store_true")
    p.add_argument("--service", default="acm")
    p.add_argument("--header", action="append", default=[])
    a = p.parse_args()
    body = a.body.encode()
    req = AWSRequest(method="POST", url=a.url.rstrip("/") + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "CertificateManager." + a.op})
    if not a.unsigned:
        creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"],
                            os.environ.get("AWS_SESSION_TOKEN"))
        fake = datetime.datetime.utcnow() + datetime.timedelta(seconds=a.skew)

        class FakeDT(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return fake
        with mock.patch.object(botocore.auth.datetime, "datetime", FakeDT):
            botocore.auth.SigV4Auth(creds, a.service, a.region).add_auth(req)
    for h in a.header:
        k, _, v = h.partition(":")
        req.headers[k] = v.strip()
    u = urllib.parse.urlsplit(a.url)
    ctx = ssl.create_default_context(cafile=a.ca)
    conn = http.client.HTTPSConnection(u.hostname, u.port or 443, context=ctx, timeout=30)
    conn.request("POST", "/", body=body, headers=dict(req.headers.items()))
    r = conn.getresponse()
    print(r.status)
    print(r.getheader("x-amzn-RequestId") or "-")
    print(r.getheader("Date") or "-")
    print(r.read().decode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
