#!/bin/sh
# The lab ACM server (tests/lab/acm_server.py) against the real client: the
# Debian AWS CLI (/usr/bin/aws, package awscli) must get the answers ACM
# would give, and botocore-signed raw requests (tests/acm-lab-req.py) must be
# rejected like AWS rejects them (bad secret, clock skew, no auth, ...).
# Needs root (port 443) and the lab; skips cleanly otherwise.
. "$SRCDIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "the lab needs root"
[ -x /usr/bin/aws ] || skip_all "/usr/bin/aws not installed (Debian package awscli)"
"$PY" -c 'import botocore, cryptography' 2>/dev/null \
  || skip_all "python3-botocore / python3-cryptography not installed"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"

LAB="$SRCDIR/tests/lab/lab"
LABDIR=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
CADIR=$LABDIR/ca
ADDR=127.45.0.1
T=$(mktemp -d /tmp/dvcheck-acm-lab.XXXXXX)
PRIV_PID=
cleanup() {
  [ -n "$PRIV_PID" ] && kill "$PRIV_PID" 2>/dev/null
  rm -rf "$T"
}
trap cleanup EXIT

ping_acm() { # ADDR: is our server answering there (TLS verified)?
  curl -sf --max-time 3 --cacert "$CADIR/ca.pem" "https://$1/_lab/ping" >/dev/null 2>&1
}

# A running lab started before the acm service existed lacks it: start it
# (lab_up would otherwise restart the whole lab for one missing service).
if [ -r "$CADIR/server.pem" ] \
    && ! curl -skf --max-time 3 "https://$ADDR/_lab/ping" >/dev/null 2>&1; then
  # `lab service start` may report failure while Python is still starting
  "$LAB" service start acm >&2 || sleep 2
fi
lab_up
acm_serialize
if [ "$LAB_OWNED" = 1 ]; then
  trap 'cleanup; "$LAB" stop >/dev/null 2>&1' EXIT
else
  trap cleanup EXIT
fi

# The lab's server certificate covers every service address of the
# services.conf it was made from. If it predates the acm line, run a private
# instance on 127.45.0.2 with a certificate from the lab CA.
CA_FOR_PEM=$CADIR
if ! openssl x509 -in "$CADIR/server.pem" -noout -ext subjectAltName 2>/dev/null \
    | grep -q "IP Address:$ADDR\b" || ! ping_acm $ADDR; then
  ADDR=127.45.0.2
  diag "the running lab's certificate or service lacks 127.45.0.1: private server on $ADDR"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/s.key" \
    -out "$T/s.csr" -subj "/CN=$ADDR" >/dev/null 2>&1 &&
  printf 'subjectAltName=IP:%s\n' "$ADDR" >"$T/ext" &&
  openssl x509 -req -in "$T/s.csr" -CA "$CADIR/ca.pem" -CAkey "$CADIR/ca.key" \
    -CAserial "$T/srl" -CAcreateserial -days 2 -extfile "$T/ext" -out "$T/s.pem" >/dev/null 2>&1 \
    || { echo "Bail out! cannot issue a certificate from the lab CA"; exit 1; }
  # the endpoint scenario: a PEM like the one tests/lab/certs.conf makes
  CA_FOR_PEM=$T
  cp "$T/s.pem" "$T/endpoint-current.pem"
  cp "$CADIR/ca.pem" "$T/ca.pem"
  "$PY" "$SRCDIR/tests/lab/acm_server.py" --pidfile "$T/pid" --addr $ADDR --port 443 \
    --cert "$T/s.pem" --key "$T/s.key" --ca-dir "$T" >"$T/server.log" 2>&1 &
  PRIV_PID=$!
  i=0
  while [ ! -s "$T/pid" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  ping_acm $ADDR || { cat "$T/server.log" >&2; echo "Bail out! private ACM server did not start"; exit 1; }
fi
URL=https://$ADDR

# ---- client environment: only lab keys, temp HOME, no user config ----------
export HOME="$T/home" AWS_CONFIG_FILE="$T/home/config" AWS_SHARED_CREDENTIALS_FILE="$T/home/creds"
mkdir -p "$HOME"
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ACM AWS_CA_BUNDLE
export AWS_ACCESS_KEY_ID=AKIDLABAWSCLI0000007
export AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEAWSCLI/000000000000000007
export AWS_DEFAULT_REGION=us-east-1 AWS_PAGER="" AWS_RETRY_MODE=standard AWS_MAX_ATTEMPTS=3
export AWS_EC2_METADATA_DISABLED=true
curl -sf --cacert "$CADIR/ca.pem" "$URL/_lab/reset?key=$AWS_ACCESS_KEY_ID" >/dev/null

P=arn:aws:acm:us-east-1:123456789012:certificate/ac100000-0000-4000-8000-0000000000
# aws ARGS...: output in $T/out, stderr in $T/err, exit status in $rc
aws() {
  rc=0
  /usr/bin/aws --endpoint-url "$URL" --ca-bundle "$CADIR/ca.pem" --output json "$@" \
    >"$T/out" 2>"$T/err" || rc=$?
}
# jq-less JSON query: jget EXPR (Python expression over j = parsed $T/out)
jget() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/out" "$1"; }
# lablog EXPR: Python expression over log (the server's request log) and key
lablog() {
  curl -sf --cacert "$CADIR/ca.pem" "$URL/_lab/log" | "$PY" -c '
import json, sys
log = json.load(sys.stdin)["log"]; key = sys.argv[2]
print(eval(sys.argv[1]))' "$1" "$AWS_ACCESS_KEY_ID"
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

# ---- DescribeCertificate -----------------------------------------------------
aws acm describe-certificate --certificate-arn ${P}01
check "describe dnsok-pending: status" PENDING_VALIDATION "$(jget 'j["Certificate"]["Status"]')"
check "describe dnsok-pending: ResourceRecord matches the lab zone" \
  "_a79865eb4cd1a6ab990a45779b4e0b96.dnsok.test. CNAME _424c7224e9b0146f9a8808af955727d0.hkmpvcwbzw.acm-validations.aws." \
  "$(jget '" ".join(j["Certificate"]["DomainValidationOptions"][1]["ResourceRecord"][k] for k in ("Name","Type","Value"))')"
aws acm describe-certificate --certificate-arn ${P}23
check "describe email-renewal-pending: 5 + 3 pre-2024 WHOIS addresses at issuance, 5 at renewal" "8 5 PENDING_VALIDATION" \
  "$(jget '"%d %d %s" % (len(j["Certificate"]["DomainValidationOptions"][0]["ValidationEmails"]), len(j["Certificate"]["RenewalSummary"]["DomainValidationOptions"][0]["ValidationEmails"]), j["Certificate"]["RenewalSummary"]["RenewalStatus"])')"
aws acm describe-certificate --certificate-arn ${P}21
check "describe wildcard: ValidationDomain is the superdomain" "*.sub.good.test good.test admin@good.test" \
  "$(jget '" ".join([j["Certificate"]["DomainName"], j["Certificate"]["DomainValidationOptions"][0]["ValidationDomain"], j["Certificate"]["DomainValidationOptions"][0]["ValidationEmails"][0]])')"
aws acm describe-certificate --certificate-arn ${P}25
check "describe nomx-failed: FAILED NO_AVAILABLE_CONTACTS" "FAILED NO_AVAILABLE_CONTACTS" \
  "$(jget 'j["Certificate"]["Status"] + " " + j["Certificate"]["FailureReason"]')"
aws acm describe-certificate --certificate-arn ${P}30
check "describe caa-failed: CAA_ERROR" "FAILED CAA_ERROR" "$(jget 'j["Certificate"]["Status"] + " " + j["Certificate"]["FailureReason"]')"
aws acm describe-certificate --certificate-arn ${P}52
check "describe renewal-failed-caa: RenewalStatusReason" "FAILED CAA_ERROR" \
  "$(jget 'j["Certificate"]["RenewalSummary"]["RenewalStatus"] + " " + j["Certificate"]["RenewalSummary"]["RenewalStatusReason"]')"
aws acm describe-certificate --certificate-arn ${P}57
check "describe revoked: reason and time" "REVOKED KEY_COMPROMISE True" \
  "$(jget '"%s %s %s" % (j["Certificate"]["Status"], j["Certificate"]["RevocationReason"], "RevokedAt" in j["Certificate"])')"
aws acm describe-certificate --certificate-arn ${P}60
check "describe imported-10d: IMPORTED, no DomainValidationOptions" "IMPORTED False INELIGIBLE" \
  "$(jget '"%s %s %s" % (j["Certificate"]["Type"], "DomainValidationOptions" in j["Certificate"], j["Certificate"]["RenewalEligibility"])')"
aws acm describe-certificate --certificate-arn ${P}1a
check "describe record-not-yet: no ResourceRecord yet" "False" \
  "$(jget '"ResourceRecord" in j["Certificate"]["DomainValidationOptions"][0]')"
# every CertificateStatus and FailureReason of the model occurs in us-east-1
# (one botocore client for the ~70 calls: the CLI would take a minute)
"$PY" - "$URL" "$CADIR/ca.pem" >"$T/all" 2>"$T/err" <<'EOF'
import sys, botocore.session
c = botocore.session.get_session().create_client(
    "acm", region_name="us-east-1", endpoint_url=sys.argv[1], verify=sys.argv[2])
keys = ["RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"]
for page in c.get_paginator("list_certificates").paginate(Includes={"keyTypes": keys}):
    for s in page["CertificateSummaryList"]:
        d = c.describe_certificate(CertificateArn=s["CertificateArn"])["Certificate"]
        print(d["Status"], d.get("FailureReason", ""), d.get("RenewalSummary", {}).get("RenewalStatus", ""))
EOF
if [ -n "${DV_CORPUS:-}" ] && [ -r "$DV_CORPUS/acm/service-2.json" ]; then
  missing=$("$PY" - "$DV_CORPUS/acm/service-2.json" "$T/all" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))["shapes"]
seen = set(open(sys.argv[2]).read().split())
want = set(m["CertificateStatus"]["enum"]) | set(m["FailureReason"]["enum"]) | set(m["RenewalStatus"]["enum"])
print(" ".join(sorted(want - seen)))
EOF
)
  check "every CertificateStatus, FailureReason and RenewalStatus of the API model is described" "" "$missing"
else
  ok "# SKIP API model not found (DV_CORPUS)"
fi

# ---- ListCertificates -----------------------------------------------------------
# expectations straight from the data (independent of the server's filter code)
"$PY" - "$SRCDIR/tests/lab" >"$T/expect" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import acm_server
s = acm_server.Store(sys.argv[1] + "/acm", "/nonexistent")
e = [c for c in s.certs.values() if c["region"] == "eu-west-1"]
print(len([c for c in e if c["key"] == "RSA_2048"]), len(e),
      len([c for c in e if c["status"] == "EXPIRED"]),
      len([c for c in s.certs.values() if c["region"] == "us-east-1" and c["key"] == "RSA_2048"]))
EOF
read -r n_rsa n_all n_expired n_use1 <"$T/expect"
aws acm list-certificates --region eu-west-1
check "list eu-west-1 (auto-paging): only RSA_2048 by default" "$n_rsa" "$(jget 'len(j["CertificateSummaryList"])')"
check "list eu-west-1: ARNs unique" "$n_rsa" "$(jget 'len(set(c["CertificateArn"] for c in j["CertificateSummaryList"]))')"
aws acm list-certificates --region eu-west-1 --includes keyTypes=RSA_2048,RSA_4096,EC_prime256v1
check "list eu-west-1 with Includes.keyTypes: every certificate" "$n_all" "$(jget 'len(j["CertificateSummaryList"])')"
aws acm list-certificates --region eu-west-1 --certificate-statuses EXPIRED --includes keyTypes=RSA_2048,RSA_4096,EC_prime256v1
check "list eu-west-1 --certificate-statuses EXPIRED" "$n_expired EXPIRED" \
  "$(jget '"%d %s" % (len(j["CertificateSummaryList"]), ",".join(sorted(set(c["Status"] for c in j["CertificateSummaryList"]))))')"
aws acm list-certificates --region eu-west-1 --max-items 50 --page-size 20
tok=$(jget 'j.get("NextToken","")')
check "list --max-items 50 --page-size 20: 50 and a NextToken" "50 yes" "$(jget 'len(j["CertificateSummaryList"])') $([ -n "$tok" ] && echo yes)"
first=$(jget 'j["CertificateSummaryList"][0]["CertificateArn"]')
aws acm list-certificates --region eu-west-1 --max-items 1000 --page-size 20 --starting-token "$tok"
check "list --starting-token: the rest" "$((n_rsa - 50)) no" \
  "$(jget 'len(j["CertificateSummaryList"])') $(grep -q "$first" "$T/out" && echo yes || echo no)"
aws acm list-certificates
check "list us-east-1: only RSA_2048" "$n_use1 RSA_2048" \
  "$(jget '"%d %s" % (len(j["CertificateSummaryList"]), ",".join(sorted(set(c["KeyAlgorithm"] for c in j["CertificateSummaryList"]))))')"
aws acm list-certificates --region us-west-2
check "list us-west-2 (a region without certificates): empty" "0" "$(jget 'len(j["CertificateSummaryList"])')"
aws acm list-certificates --region af-south-1
want_err "list af-south-1 (opt-in region not enabled)" UnrecognizedClientException "security token included in the request is invalid"

# ---- ResendValidationEmail ---------------------------------------------------------
aws acm resend-validation-email --certificate-arn ${P}20 --domain www.good.test --validation-domain good.test
check "resend email-pending (www.good.test via good.test)" "0" "$rc"
emails=$(lablog '" ".join([e for e in log if e["op"] == "ResendValidationEmail" and e["status"] == 200 and e.get("access_key") == key][-1]["emails"])')
check "resend: the five addresses of the ValidationDomain (lab log)" \
  "admin@good.test administrator@good.test hostmaster@good.test postmaster@good.test webmaster@good.test" "$emails"
aws acm resend-validation-email --certificate-arn ${P}21 --domain '*.sub.good.test' --validation-domain good.test
check "resend wildcard to superdomain good.test" "0" "$rc"
aws acm resend-validation-email --certificate-arn ${P}21 --domain '*.sub.good.test' --validation-domain sub.good.test
check "resend wildcard to sub.good.test" "0" "$rc"
aws acm resend-validation-email --certificate-arn ${P}21 --domain '*.sub.good.test' --validation-domain other.test
want_err "resend with a ValidationDomain that is no superdomain" InvalidDomainValidationOptionsException
aws acm resend-validation-email --certificate-arn ${P}20 --domain app.good.test --validation-domain good.test
want_err "resend for a name not on the certificate" InvalidDomainValidationOptionsException
aws acm resend-validation-email --certificate-arn ${P}22 --domain good.test --validation-domain good.test
want_err "resend beyond 72 h" InvalidStateException "72 hours"
aws acm resend-validation-email --certificate-arn ${P}01 --domain dnsok.test --validation-domain dnsok.test
want_err "resend for a DNS-validated certificate" InvalidStateException "DNS validation"
aws acm resend-validation-email --certificate-arn ${P}71 --domain cdnco.test --validation-domain cdnco.test
want_err "resend for an HTTP-validated certificate" InvalidStateException "HTTP validation"
aws acm resend-validation-email --certificate-arn ${P}50 --domain dnsok.test --validation-domain dnsok.test
want_err "resend for an ISSUED certificate" InvalidStateException "ISSUED"
aws acm resend-validation-email --certificate-arn ${P}60 --domain mxpartial.test --validation-domain mxpartial.test
want_err "resend for an IMPORTED certificate" InvalidStateException "IMPORTED"
aws acm resend-validation-email --certificate-arn ${P}25 --domain nomx.test --validation-domain nomx.test
want_err "resend for a FAILED certificate" InvalidStateException "FAILED"
aws acm resend-validation-email --certificate-arn ${P}23 --domain good.test --validation-domain good.test
check "resend for a renewal pending email validation" "0" "$rc"
aws acm resend-validation-email --certificate-arn ${P}24 --domain app.good.test --validation-domain good.test
want_err "resend for a renewal pending for 5 days" InvalidStateException "72 hours"
aws acm resend-validation-email --certificate-arn ${P}ee --domain good.test --validation-domain good.test
want_err "resend for an unknown ARN" ResourceNotFoundException
aws acm describe-certificate --certificate-arn arn:aws:acm:us-east-1:210987654321:certificate/ac100000-0000-4000-8000-000000000001
want_err "describe another account's ARN" ResourceNotFoundException
aws acm describe-certificate --certificate-arn arn:aws:acm:us-east-1:123456789012:certificate/not-a-uuid
want_err "describe a malformed resource id" InvalidArnException
aws acm describe-certificate --certificate-arn arn:aws:acm:eu-west-1:123456789012:certificate/ac200000-0000-4000-8000-000000000001
want_err "describe an ARN of another region than the request's" InvalidArnException
aws acm describe-certificate --certificate-arn arn:aws:s3:::bucket/certificate
want_err "describe a non-ACM ARN" ValidationException "regular expression pattern"

# ---- GetCertificate ----------------------------------------------------------------
aws acm get-certificate --certificate-arn ${P}50
jget 'j["Certificate"]' >"$T/got.pem"
serial=$(openssl x509 -in "$T/got.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')
aws acm describe-certificate --certificate-arn ${P}50
check "get-certificate: the PEM's serial is DescribeCertificate's Serial" "$serial" "$(jget 'j["Certificate"]["Serial"].replace(":","")')"
aws acm get-certificate --certificate-arn ${P}01
want_err "get-certificate of a pending certificate" RequestInProgressException
if [ -r "$CA_FOR_PEM/endpoint-current.pem" ]; then
  aws acm get-certificate --certificate-arn ${P}80
  jget 'j["Certificate"]' >"$T/ep.pem"
  check "get-certificate endpoint-current: the PEM on disk" \
    "$(openssl x509 -in "$CA_FOR_PEM/endpoint-current.pem" -noout -fingerprint -sha256)" \
    "$(openssl x509 -in "$T/ep.pem" -noout -fingerprint -sha256 2>&1)"
  aws acm describe-certificate --certificate-arn ${P}80
  check "describe endpoint-current: Serial from the PEM" \
    "$(openssl x509 -in "$CA_FOR_PEM/endpoint-current.pem" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f')" \
    "$(jget 'j["Certificate"]["Serial"].replace(":","")')"
else
  aws acm get-certificate --certificate-arn ${P}80
  want_err "get-certificate endpoint-current without its PEM: clear 500" InternalFailure "endpoint-current.pem"
  ok "# SKIP $CA_FOR_PEM/endpoint-current.pem absent (tests/lab/certs.conf)"
fi

# ---- retries: throttling and 5xx ---------------------------------------------------
aws acm describe-certificate --certificate-arn ${P}90
check "ThrottlingException twice, the CLI's 3rd attempt succeeds" "0 ISSUED" "$rc $(jget 'j["Certificate"]["Status"]' 2>/dev/null)"
aws acm describe-certificate --certificate-arn ${P}91
check "HTTP 500 twice, the CLI's 3rd attempt succeeds" "0" "$rc"
aws acm describe-certificate --certificate-arn ${P}92
check "HTTP 503 once, the CLI's 2nd attempt succeeds" "0" "$rc"
seq=$(lablog 'max([e["seq"] for e in log] or [0])')
aws acm describe-certificate --certificate-arn ${P}93
want_err "always throttled: the CLI gives up" ThrottlingException "max retries"
n=$(lablog 'len([e for e in log if e["seq"] > '"$seq"' and (e.get("arn") or "").endswith("93") and e.get("access_key") == key])')
check "always throttled: 3 attempts in the lab log" 3 "$n"

# ---- authentication ----------------------------------------------------------------
AWS_SECRET_ACCESS_KEY=wrong-secret aws acm list-certificates
want_err "wrong secret" InvalidSignatureException "signature we calculated does not match"
AWS_ACCESS_KEY_ID=AKIDNOSUCHKEY0000000 aws acm list-certificates
want_err "unknown access key" UnrecognizedClientException "security token included in the request is invalid"
AWS_ACCESS_KEY_ID=ASIALABEXAMPLE0000002 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLETEMP/0000000000000000002 \
  aws acm list-certificates --max-items 1
want_err "temporary key without its session token" UnrecognizedClientException
AWS_ACCESS_KEY_ID=ASIALABEXAMPLE0000002 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLETEMP/0000000000000000002 \
  AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjELAB//////////wEaCXVzLWVhc3QtMSJHMEUCIQDlabSessionToken0000002EXAMPLE=' \
  aws acm list-certificates --max-items 1
check "temporary key with its session token" 0 "$rc"
AWS_ACCESS_KEY_ID=ASIALABEXPIRED0000003 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEEXPD/0000000000000000003 \
  AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjELAB//////////wEaCXVzLWVhc3QtMSJHMEUCIQDlabExpiredToken0000003EXAMPLE=' \
  aws acm list-certificates --max-items 1
want_err "expired session token" ExpiredTokenException
AWS_ACCESS_KEY_ID=AKIDLABREADONLY000004 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEREAD/0000000000000000004 \
  aws acm resend-validation-email --certificate-arn ${P}20 --domain good.test --validation-domain good.test
want_err "read-only key may not resend" AccessDeniedException "not authorized to perform: acm:ResendValidationEmail"

# raw requests signed by botocore with a skewed clock etc.
req() { # expected-status-line-count... : runs acm-lab-req.py, output in $T/out
  "$PY" "$SRCDIR/tests/acm-lab-req.py" "$URL" "$CADIR/ca.pem" "$@" >"$T/out" 2>"$T/err"
}
req us-east-1 ListCertificates '{"MaxItems":1}' --skew -900
check "clock 15 min behind: 400 Signature expired" "400 InvalidSignatureException Signature expired:" \
  "$(sed -n 1p "$T/out") $(sed -n 4p "$T/out" | "$PY" -c 'import json,sys; j=json.load(sys.stdin); print(j["__type"].split("#")[-1], " ".join(j["message"].split()[:2]))')"
date_hdr=$(sed -n 3p "$T/out")
check "error responses carry a Date header (for skew detection)" yes \
  "$("$PY" -c 'import sys,email.utils,time; print("yes" if abs(email.utils.parsedate_to_datetime(sys.argv[1]).timestamp()-time.time())<60 else "no")' "$date_hdr")"
check "error responses carry x-amzn-RequestId" yes "$(sed -n 2p "$T/out" | grep -qE '^[0-9a-f-]{36}$' && echo yes)"
req us-east-1 ListCertificates '{"MaxItems":1}' --skew 900
check "clock 15 min ahead: Signature not yet current" "400 yes" "$(sed -n 1p "$T/out") $(grep -q 'Signature not yet current' "$T/out" && echo yes)"
req us-east-1 ListCertificates '{"MaxItems":1}' --skew -120
check "clock 2 min behind: accepted" 200 "$(sed -n 1p "$T/out")"
req us-east-1 ListCertificates '{}' --unsigned
check "no Authorization: MissingAuthenticationTokenException" "400 yes" "$(sed -n 1p "$T/out") $(grep -q MissingAuthenticationTokenException "$T/out" && echo yes)"
req us-east-1 ListCertificates '{}' --header 'X-Amz-Target: CertificateManager.DescribeCertificate'
check "header changed after signing: InvalidSignatureException" "400 yes" "$(sed -n 1p "$T/out") $(grep -q InvalidSignatureException "$T/out" && echo yes)"
req us-east-1 ListCertificates '{}' --service iam
check "signed for another service: InvalidSignatureException" "400 yes" "$(sed -n 1p "$T/out") $(grep -q "correct service" "$T/out" && echo yes)"
req us-east-1 DeleteCertificate '{}'
check "unimplemented operation: UnknownOperationException" "400 yes" "$(sed -n 1p "$T/out") $(grep -q UnknownOperationException "$T/out" && echo yes)"
req us-east-1 ListCertificates '{"NextToken":"bm9wZQ=="}'
check "forged NextToken: InvalidArgsException" "400 yes" "$(sed -n 1p "$T/out") $(grep -q InvalidArgsException "$T/out" && echo yes)"

done_testing
