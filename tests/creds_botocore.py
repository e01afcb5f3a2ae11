#!/usr/bin/python3
"""What botocore (Debian's python3-botocore, the library under the AWS CLI)
resolves for the current environment: credentials (source and access key
id, never the secret), region and the ACM endpoint. Prints the same lines as
tests/creds_probe, so tests/creds.sh can compare the two:

    credentials: SOURCE ACCESS_KEY_ID token=yes|no
    credentials: none | credentials: error CLASS
    region: REGION | region: none | region: error CLASS
    endpoint: URL | endpoint: none | endpoint: error CLASS

Options mirror the probe's: --profile, --region, --endpoint-url (the AWS
CLI's global options) and --container-host (tests only: the address that
stands in for 169.254.170.2).

Two places follow the AWS CLI rather than bare botocore, as `aws` does:
the region chain is the CLI v2 one (--region, AWS_REGION,
AWS_DEFAULT_REGION, profile; awscli/clidriver.py), and Debian 12's botocore
1.29 predates two container-credential rules of botocore >= 1.31 that
dvcheck follows (AWS_CONTAINER_CREDENTIALS_FULL_URI may name any loopback
address or any https URL; AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE), which are
back-ported below in a few lines, marked BACKPORT.
"""
import argparse
import ipaddress
import os
import re
import sys
import traceback

import botocore.credentials
import botocore.exceptions
import botocore.session
import botocore.utils

CLASSES = [
    # (exception class name, provider class name or None, our class)
    ("ProfileNotFound", None, "profile-not-found"),
    ("ConfigParseError", None, "config"),
    ("PartialCredentialsError", None, "partial"),
    ("InvalidRegionError", None, "bad-region"),
    ("NoRegionError", None, "no-region"),
    ("InvalidConfigError", None, "config"),
    ("InfiniteLoopConfigError", None, "loop"),
    ("SSOTokenLoadError", None, "sso-login"),
    ("UnauthorizedSSOTokenError", None, "sso-login"),
    ("TokenRetrievalError", None, "sso-login"),
]


def classify(exc):
    name = type(exc).__name__
    if isinstance(exc, botocore.exceptions.ClientError):
        return "sts:" + exc.response.get("Error", {}).get("Code", "")
    if isinstance(exc, botocore.exceptions.CredentialRetrievalError) and \
            exc.kwargs.get("provider") in ("Environment", "EcsContainer",
                                           "Ec2InstanceMetadata"):
        return "source"
    for cls, _prov, ours in CLASSES:
        if name == cls:
            return ours
    # which provider was running when it failed
    tb = exc.__traceback__
    while tb is not None:
        self_ = tb.tb_frame.f_locals.get("self")
        if isinstance(self_, botocore.credentials.ProcessProvider):
            return "process"
        if isinstance(self_, (botocore.credentials.ContainerProvider,
                              botocore.utils.ContainerMetadataFetcher)):
            return "container"
        tb = tb.tb_next
    if isinstance(exc, RuntimeError) and "expired" in str(exc):
        return "expired"
    if isinstance(exc, botocore.exceptions.CredentialRetrievalError):
        return exc.kwargs.get("provider", "retrieval")
    return "other:" + name


def backport(container_host):
    fetcher = botocore.utils.ContainerMetadataFetcher

    # BACKPORT (botocore >= 1.31): https, loopback, or the known hosts
    def validate(self, full_url):
        parsed = botocore.compat.urlparse(full_url)
        if parsed.scheme == "https":
            return
        try:
            if ipaddress.ip_address(parsed.hostname).is_loopback:
                return
        except ValueError:
            pass
        if parsed.hostname not in ("169.254.170.2", "169.254.170.23",
                                   "fd00:ec2::23", "localhost"):
            raise ValueError("Unsupported host '%s'" % parsed.hostname)
    fetcher._validate_allowed_url = validate

    # BACKPORT (botocore >= 1.31): the token file wins over the token
    provider = botocore.credentials.ContainerProvider

    def build_headers(self):
        path = self._environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")
        if path:
            with open(path) as f:
                token = f.read().strip()
        else:
            token = self._environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN")
        if token is not None:
            if "\r" in token or "\n" in token:
                raise ValueError("Auth token value is not a legal header value")
            return {"Authorization": token}
        return None
    provider._build_headers = build_headers

    if container_host:  # tests only: stand-in for 169.254.170.2
        fetcher.IP_ADDRESS = container_host

    # BACKPORT (botocore >= 1.31): AWS_ENDPOINT_URL_<SERVICE> and
    # AWS_ENDPOINT_URL for the clients the credential providers create
    # (sts, sso, sso-oidc), so they reach the lab
    orig = botocore.session.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        if not kwargs.get("endpoint_url") and not (len(args) >= 4 and args[3]):
            env = "AWS_ENDPOINT_URL_" + service_name.upper().replace("-", "_")
            url = os.environ.get(env) or os.environ.get("AWS_ENDPOINT_URL")
            if url and service_name != "acm":
                kwargs["endpoint_url"] = url
        return orig(self, service_name, *args, **kwargs)
    botocore.session.Session.create_client = create_client


def cli_cache(sess):
    """As the AWS CLI does (awscli/customizations/assumerole.py, sso):
    assumed-role, web-identity and SSO credentials in ~/.aws/cli/cache."""
    try:
        chain = sess.get_component("credential_provider")
    except botocore.exceptions.ProfileNotFound:
        return
    cache = botocore.utils.JSONFileCache(
        os.path.join(os.path.expanduser("~"), ".aws", "cli", "cache"))
    for name in ("assume-role", "assume-role-with-web-identity", "sso"):
        p = chain.get_provider(name)
        if p is not None:
            p.cache = cache


REGION_RE = re.compile(r'^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{,63}(?<!-)$')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile")
    ap.add_argument("--region")
    ap.add_argument("--endpoint-url")
    ap.add_argument("--container-host")
    ap.add_argument("--trace", action="store_true")
    a = ap.parse_args()
    backport(a.container_host)

    sess = botocore.session.Session(profile=a.profile)
    try:
        cli_cache(sess)
        c = sess.get_credentials()
        if c is None:
            print("credentials: none")
        else:
            f = c.get_frozen_credentials()
            print("credentials: %s %s token=%s" % (
                c.method, f.access_key, "yes" if f.token else "no"))
    except Exception as e:  # noqa: BLE001 -- we report every failure
        if a.trace:
            traceback.print_exc()
        print("credentials: error %s" % classify(e))

    # a fresh session per fact: botocore caches a half-read configuration
    # after a parse error, which the AWS CLI never gets to use
    sess = botocore.session.Session(profile=a.profile)
    region = None
    try:
        # the AWS CLI v2 region chain (awscli/clidriver.py)
        region = a.region or os.environ.get("AWS_REGION") or \
            sess.get_config_variable("region")
        if not region:
            print("region: none")
            region = None
        elif not REGION_RE.match(region):
            print("region: error bad-region")
            region = None
        else:
            print("region: %s" % region)
    except Exception as e:  # noqa: BLE001
        if a.trace:
            traceback.print_exc()
        print("region: error %s" % classify(e))

    sess = botocore.session.Session(profile=a.profile)
    try:
        if region is None and not a.endpoint_url:
            print("endpoint: none")
        else:
            cl = sess.create_client("acm", region_name=region or "us-east-1",
                                    endpoint_url=a.endpoint_url,
                                    aws_access_key_id="x",
                                    aws_secret_access_key="y")
            print("endpoint: %s" % cl.meta.endpoint_url)
    except Exception as e:  # noqa: BLE001
        if a.trace:
            traceback.print_exc()
        print("endpoint: error %s" % classify(e))
    sess = botocore.session.Session(profile=a.profile)
    try:
        ca = sess.get_config_variable("ca_bundle")
    except Exception:  # noqa: BLE001
        ca = None
    print("ca_bundle: %s" % (ca if ca else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
