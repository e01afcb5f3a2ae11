#!/bin/sh
# The lab STS / SSO / SSO OIDC / Organizations server
# (tests/lab/aws_auth_server.py) against the real client: the Debian AWS CLI
# (/usr/bin/aws) must get the answers AWS would give -- credentials it can
# use against the lab ACM (certificates of the assumed account), the errors
# with their codes, all pages of ListAccounts. Needs root (port 443) and
# the lab; skips cleanly otherwise.
. "$SRCDIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "the lab needs root"
[ -x /usr/bin/aws ] || skip_all "/usr/bin/aws not installed (Debian package awscli)"
"$PY" -c 'import botocore' 2>/dev/null || skip_all "python3-botocore not installed"

LAB="$SRCDIR/tests/lab/lab"
LABDIR=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
CADIR=$LABDIR/ca
T=$(mktemp -d /tmp/dvcheck-auth-lab.XXXXXX)
trap 'rm -rf "$T"' EXIT
STS=https://127.48.0.1 SSO=https://127.48.0.2 OIDC=https://127.48.0.3 ORG=https://127.48.0.4
ACM=https://127.45.0.1
ping_auth() { curl -sf --max-time 3 --cacert "$CADIR/ca.pem" "$STS/_lab/ping" >/dev/null 2>&1; }
if [ -r "$CADIR/server.pem" ] && ! ping_auth; then
  "$LAB" service start aws-auth >&2 || sleep 2
fi
lab_up
acm_share
sts_serialize
ping_auth || skip_all "lab service aws-auth not answering (tests/lab/lab service start aws-auth; a lab CA older than the service needs 'lab start')"

export HOME="$T/home" AWS_CONFIG_FILE="$T/home/config" AWS_SHARED_CREDENTIALS_FILE="$T/home/creds"
mkdir -p "$HOME"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_CA_BUNDLE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE
export AWS_ACCESS_KEY_ID=AKIDLABAWSCLI0000007
export AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEAWSCLI/000000000000000007
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_EC2_METADATA_DISABLED=true
curl -sf --cacert "$CADIR/ca.pem" "$STS/_lab/reset" >/dev/null

aws() { # URL ARGS...: output in $T/out, stderr in $T/err, status in $rc
  u=$1; shift; rc=0
  /usr/bin/aws --endpoint-url "$u" --ca-bundle "$CADIR/ca.pem" --output json "$@" \
    >"$T/out" 2>"$T/err" || rc=$?
}
jget() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/out" "$1"; }
lablog() { # EXPR over log (the auth server's request log)
  curl -sf --cacert "$CADIR/ca.pem" "$STS/_lab/log" | "$PY" -c '
import json, sys
log = json.load(sys.stdin)["log"]
print(eval(sys.argv[1]))' "$1"
}
check() { # DESC WANT GOT
  if [ "$2" = "$3" ]; then ok "$1"; else nok "$1"; diag "want: $2" "got:  $3"; sed 's/^/# err: /' "$T/err" | head -5; fi
}
want_err() { # DESC CODE [MESSAGE-SUBSTRING]
  if [ "$rc" != 0 ] && grep -q "($2)" "$T/err" && { [ -z "${3:-}" ] || grep -qF -- "$3" "$T/err"; }; then
    ok "$1"
  else
    nok "$1"; diag "want $2 ${3:-}; rc=$rc"; sed 's/^/# /' "$T/err" | head -5
  fi
}
use_creds() { # export the credentials of $T/out (AssumeRole* output)
  AWS_ACCESS_KEY_ID=$(jget 'j["Credentials"]["AccessKeyId"]')
  AWS_SECRET_ACCESS_KEY=$(jget 'j["Credentials"]["SecretAccessKey"]')
  AWS_SESSION_TOKEN=$(jget 'j["Credentials"]["SessionToken"]')
  export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
}
home_creds() {
  unset AWS_SESSION_TOKEN
  AWS_ACCESS_KEY_ID=AKIDLABAWSCLI0000007 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEAWSCLI/000000000000000007
}
R=arn:aws:iam::123456789012:role

# ---- STS GetCallerIdentity / AssumeRole ------------------------------------
aws $STS sts get-caller-identity
check "get-caller-identity with the lab key (SigV4 service sts verified)" "123456789012" "$(jget 'j["Account"]')"
aws $STS sts assume-role --role-arn arn:aws:iam::200000000001:role/OrganizationAccountAccessRole --role-session-name audit-1
check "assume-role into member 200000000001" "0 arn:aws:sts::200000000001:assumed-role/OrganizationAccountAccessRole/audit-1" \
  "$rc $(jget 'j["AssumedRoleUser"]["Arn"]')"
check "assume-role: an ASIA key, a session token and an expiry about 1 h ahead" "ASIA yes" \
  "$(jget 'j["Credentials"]["AccessKeyId"][:4]') $(jget '"yes" if 3500 < __import__("datetime").datetime.fromisoformat(j["Credentials"]["Expiration"]).timestamp() - __import__("time").time() <= 3600 else "no"')"
use_creds
aws $STS sts get-caller-identity
check "the assumed credentials are accepted by STS (account 200000000001)" "200000000001" "$(jget 'j["Account"]')"
aws $ACM acm list-certificates --region us-east-1
check "... and by the lab ACM, which serves the member account's certificates" "yes" \
  "$(jget '"yes" if j["CertificateSummaryList"] and all(":200000000001:" in c["CertificateArn"] for c in j["CertificateSummaryList"]) else "no"')"
arn=$(jget 'j["CertificateSummaryList"][0]["CertificateArn"]')
aws $ACM acm describe-certificate --region us-east-1 --certificate-arn "$arn"
check "describe-certificate of a member certificate" "0" "$rc"
aws $ACM acm describe-certificate --region us-east-1 --certificate-arn arn:aws:acm:us-east-1:123456789012:certificate/ac100000-0000-4000-8000-000000000001
want_err "the management account's certificate is not visible from the member" ResourceNotFoundException
# role chaining: from the member's credentials to another role
aws $STS sts assume-role --role-arn $R/chain-b --role-session-name chained
check "role chaining: assume-role with assumed credentials" "0" "$rc"
home_creds

aws $STS sts assume-role --role-arn arn:aws:iam::200000000007:role/OrganizationAccountAccessRole --role-session-name audit-1
want_err "assume-role into a denied member: AccessDenied" AccessDenied "is not authorized to perform: sts:AssumeRole"
aws $STS sts assume-role --role-arn arn:aws:iam::200000000013:role/OrganizationAccountAccessRole --role-session-name audit-1
want_err "assume-role into a SUSPENDED member: AccessDenied" AccessDenied
aws $STS sts assume-role --role-arn arn:aws:iam::123456789012:rolex/nope --role-session-name s1
want_err "a malformed role ARN: ValidationError" ValidationError "is invalid"
aws $STS sts assume-role --role-arn $R/lab-admin-role --role-session-name 'bad name'
want_err "a session name with a space: ValidationError" ValidationError "roleSessionName"
aws $STS sts assume-role --role-arn $R/chain-b --role-session-name s1 --duration-seconds 7200
want_err "DurationSeconds above the role's maximum" ValidationError "MaxSessionDuration"
aws $STS sts assume-role --role-arn $R/lab-admin-role --role-session-name s1 --duration-seconds 43200
check "DurationSeconds 43200 on a role that allows it" "0" "$rc"
aws $STS sts assume-role --role-arn $R/external-id-role --role-session-name s1
want_err "external-id-role without ExternalId: AccessDenied" AccessDenied
aws $STS sts assume-role --role-arn $R/external-id-role --role-session-name s1 --external-id lab-external-0001
check "external-id-role with its ExternalId" "0" "$rc"
aws $STS sts assume-role --role-arn $R/mfa-role --role-session-name s1
want_err "mfa-role without MFA: AccessDenied" AccessDenied
aws $STS sts assume-role --role-arn $R/mfa-role --role-session-name s1 --serial-number arn:aws:iam::123456789012:mfa/lab-admin --token-code 000000
want_err "mfa-role with a wrong code" AccessDenied "MultiFactorAuthentication failed"
aws $STS sts assume-role --role-arn $R/mfa-role --role-session-name s1 --serial-number arn:aws:iam::123456789012:mfa/lab-admin --token-code 123456
check "mfa-role with serial and code" "0" "$rc"
AWS_SECRET_ACCESS_KEY=wrong aws $STS sts assume-role --role-arn $R/chain-b --role-session-name s1
want_err "a wrong secret: SignatureDoesNotMatch" SignatureDoesNotMatch
AWS_ACCESS_KEY_ID=AKIDNOSUCHKEY0000000 aws $STS sts assume-role --role-arn $R/chain-b --role-session-name s1
want_err "an unknown key: InvalidClientTokenId" InvalidClientTokenId
AWS_ACCESS_KEY_ID=ASIALABEXPIRED0000003 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEEXPD/0000000000000000003 \
  AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjELAB//////////wEaCXVzLWVhc3QtMSJHMEUCIQDlabExpiredToken0000003EXAMPLE=' \
  aws $STS sts assume-role --role-arn $R/chain-b --role-session-name s1
want_err "expired source credentials: ExpiredToken" ExpiredToken

# ---- AssumeRoleWithWebIdentity (unsigned) -----------------------------------
aws $STS sts assume-role-with-web-identity --role-arn $R/web-identity-role --role-session-name ci --web-identity-token LABWEBIDTOKEN-good-0001
check "web identity: credentials, subject and audience" "0 system:serviceaccount:ci:deployer sts.amazonaws.com" \
  "$rc $(jget 'j["SubjectFromWebIdentityToken"]') $(jget 'j["Audience"]')"
check "web identity: the request was not signed" "False" "$(lablog '[e for e in log if e["op"] == "AssumeRoleWithWebIdentity"][-1].get("signed", False)')"
aws $STS sts assume-role-with-web-identity --role-arn $R/web-identity-role --role-session-name ci --web-identity-token LABWEBIDTOKEN-expired-0003
want_err "web identity: an expired token" ExpiredTokenException
aws $STS sts assume-role-with-web-identity --role-arn $R/web-identity-role --role-session-name ci --web-identity-token not-a-token
want_err "web identity: a token the IdP never issued" InvalidIdentityToken
aws $STS sts assume-role-with-web-identity --role-arn $R/chain-b --role-session-name ci --web-identity-token LABWEBIDTOKEN-good-0001
want_err "web identity: a role that does not trust the IdP" AccessDenied

# ---- Organizations ListAccounts ---------------------------------------------
seq=$(lablog 'max([e["seq"] for e in log] or [0])')
aws $ORG organizations list-accounts
check "list-accounts (the CLI pages): 50 accounts" "50" "$(jget 'len(j["Accounts"])')"
check "statuses: 46 ACTIVE, 4 SUSPENDED or closing" "46 4" \
  "$(jget 'sum(a["Status"] == "ACTIVE" for a in j["Accounts"])') $(jget 'sum(a["Status"] != "ACTIVE" for a in j["Accounts"])')"
check "5 ListAccounts calls (10 per page) in the lab log" "5" \
  "$(lablog 'len([e for e in log if e["seq"] > '"$seq"' and e["op"] == "ListAccounts" and e["status"] == 200])')"
aws $ORG organizations list-accounts --max-items 15 --page-size 20
check "list-accounts --page-size 20 --max-items 15: a NextToken" "15 yes" "$(jget 'len(j["Accounts"])') $(jget '"yes" if j.get("NextToken") else "no"')"
aws $STS sts assume-role --role-arn arn:aws:iam::200000000002:role/OrganizationAccountAccessRole --role-session-name org
use_creds
aws $ORG organizations list-accounts
want_err "list-accounts from a member account: AccessDeniedException" AccessDeniedException
home_creds

# ---- IAM Identity Center: GetRoleCredentials, CreateToken --------------------
acc=$("$PY" "$SRCDIR/tests/lab/labcreds.py" sso-access lab-user 3600)
old=$("$PY" "$SRCDIR/tests/lab/labcreds.py" sso-access lab-user -60)
ref=$("$PY" "$SRCDIR/tests/lab/labcreds.py" sso-refresh lab-user 86400)
aws $SSO sso get-role-credentials --account-id 123456789012 --role-name LabAdmin --access-token "$acc"
check "sso get-role-credentials: role credentials, expiration in ms" "0 ASIA yes" \
  "$rc $(jget 'j["roleCredentials"]["accessKeyId"][:4]') $(jget '"yes" if j["roleCredentials"]["expiration"] > 1e12 else "no"')"
AWS_ACCESS_KEY_ID=$(jget 'j["roleCredentials"]["accessKeyId"]') \
AWS_SECRET_ACCESS_KEY=$(jget 'j["roleCredentials"]["secretAccessKey"]') \
AWS_SESSION_TOKEN=$(jget 'j["roleCredentials"]["sessionToken"]') \
  aws $STS sts get-caller-identity
check "the SSO role credentials work (AWSReservedSSO role)" "yes" "$(jget '"yes" if "assumed-role/AWSReservedSSO_LabAdmin" in j["Arn"] else "no"')"
aws $SSO sso get-role-credentials --account-id 123456789012 --role-name LabAdmin --access-token "$old"
want_err "sso: an expired access token: UnauthorizedException" UnauthorizedException "Session token not found or invalid"
aws $SSO sso get-role-credentials --account-id 200000000001 --role-name LabAdmin --access-token "$acc"
want_err "sso: a role not assigned to the user: ForbiddenException" ForbiddenException
aws $OIDC sso-oidc create-token --client-id lab-client-0001 --client-secret LABSSOCLIENTSECRET-0001 --grant-type refresh_token --refresh-token "$ref"
check "sso-oidc create-token (refresh_token grant): a new access token" "0 3600 yes" \
  "$rc $(jget 'j["expiresIn"]') $(jget '"yes" if j["accessToken"].startswith("LABSSOACCESS") and j.get("refreshToken") else "no"')"
curl -sf --cacert "$CADIR/ca.pem" "$STS/_lab/revoke?token=$ref" >/dev/null
aws $OIDC sso-oidc create-token --client-id lab-client-0001 --client-secret LABSSOCLIENTSECRET-0001 --grant-type refresh_token --refresh-token "$ref"
want_err "sso-oidc: a revoked refresh token: InvalidGrantException" InvalidGrantException
aws $OIDC sso-oidc create-token --client-id lab-client-0001 --client-secret wrong --grant-type refresh_token --refresh-token "$ref"
want_err "sso-oidc: a wrong client secret: InvalidClientException" InvalidClientException
done_testing
