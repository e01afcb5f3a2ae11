#!/bin/sh
# Whole-account commands against the lab ACM server.
# `dvcheck expiry --format asff`: the output is a Security Hub
# BatchImportFindings request that botocore's own parameter validation
# accepts, with the 12 attributes ASFF requires, and the AWS CLI accepts it
# as --cli-input-json (it fails only at the connection: the endpoint is a
# closed local port, nothing leaves the machine).
# `dvcheck audit`: a progress bar on a terminal's stderr only; a deadline
# that cuts the audit short says so (RUN_DEADLINE, exit 3).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/acm-client-lib.sh"
ACM=$DV_ACM_ENDPOINT
CA=$DV_ACM_CA
T=$ACM_T
run() {
  env -i PATH="$PATH" HOME="$T" AWS_ACCESS_KEY_ID=AKIDLABEXAMPLE0000001 \
    AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEKEY/00000000000000000001 \
    AWS_CA_BUNDLE="$CA" AWS_ENDPOINT_URL_ACM="$ACM" AWS_EC2_METADATA_DISABLED=true \
    "$DVCHECK" --resolver "$LAB_RESOLVER" expiry --format asff "$@"
}
for region in us-east-1 ap-southeast-2; do
  run --region "$region" > "$T/$region.json"
  rc=$?
  if [ "$rc" = 2 ]; then ok "asff $region: exit 2 (certificates will lapse)"
  else nok "asff $region: exit $rc, want 2"; fi
  if out=$("$PY" - "$T/$region.json" 2>&1 <<'PYEOF'
import json, re, sys
import botocore.session
from botocore.validate import ParamValidator
doc = json.load(open(sys.argv[1]))
op = botocore.session.get_session().get_service_model("securityhub") \
    .operation_model("BatchImportFindings")
report = ParamValidator().validate(doc, op.input_shape)
if report.has_errors():
    sys.exit("botocore: " + report.generate_report())
req = ["SchemaVersion", "Id", "ProductArn", "GeneratorId", "AwsAccountId",
       "Types", "CreatedAt", "UpdatedAt", "Severity", "Title", "Description",
       "Resources"]
fs = doc["Findings"]
if not fs:
    sys.exit("no findings")
ids = set()
for f in fs:
    miss = [k for k in req if k not in f]
    if miss:
        sys.exit("missing %s in %s" % (miss, f.get("Id")))
    if not re.fullmatch(r"arn:aws:securityhub:[a-z0-9-]+:\d{12}:product/\d{12}/default", f["ProductArn"]):
        sys.exit("ProductArn " + f["ProductArn"])
    if len(f["Title"]) > 256 or len(f["Description"]) > 1024:
        sys.exit("Title/Description too long")
    if f["Severity"]["Label"] not in ("INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"):
        sys.exit("severity")
    r = f["Resources"][0]
    if r["Type"] != "AwsCertificateManagerCertificate" or not r["Id"].startswith("arn:aws:acm:"):
        sys.exit("resource")
    for t in ("CreatedAt", "UpdatedAt"):
        if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", f[t]):
            sys.exit("timestamp " + f[t])
    ids.add(f["Id"])
if len(ids) != len(fs):
    sys.exit("finding Ids are not unique")
print(len(fs))
PYEOF
  ); then ok "asff $region: $out findings valid for BatchImportFindings (botocore)"
  else nok "asff $region: invalid"; diag "$out"; fi
done
# the AWS CLI parses the file as BatchImportFindings input (no
# "Parameter validation failed"); the call itself goes to a closed port
if [ -x /usr/bin/aws ]; then
  out=$(env -i PATH="$PATH" HOME="$T" AWS_ACCESS_KEY_ID=AKIDX AWS_SECRET_ACCESS_KEY=x \
    AWS_EC2_METADATA_DISABLED=true /usr/bin/aws --region us-east-1 \
    --endpoint-url http://127.0.0.1:9 --cli-read-timeout 2 --cli-connect-timeout 2 \
    securityhub batch-import-findings --cli-input-json "file://$T/us-east-1.json" 2>&1)
  if printf '%s' "$out" | grep -qi 'connect' &&
     ! printf '%s' "$out" | grep -qi 'validation\|unknown parameter\|invalid type'; then
    ok "aws securityhub batch-import-findings accepts the file"
  else nok "aws CLI rejected the ASFF file"; diag "$out"; fi
else
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP /usr/bin/aws not installed"
fi
# audit: progress bar on a terminal (script(1) gives it one), none otherwise
acct_env() {
  env -i PATH="$PATH" HOME="$T" TERM=dumb AWS_ACCESS_KEY_ID=AKIDLABEXAMPLE0000001 \
    AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEKEY/00000000000000000001 \
    AWS_CA_BUNDLE="$CA" AWS_ENDPOINT_URL_ACM="$ACM" AWS_EC2_METADATA_DISABLED=true "$@"
}
if command -v script >/dev/null 2>&1; then
  acct_env script -qec "'$DVCHECK' --no-color --resolver $LAB_RESOLVER audit --region ap-southeast-2" /dev/null > "$T/tty.out" 2>&1
  if grep -q 'diagnosing \[' "$T/tty.out" && grep -q 'certificate(s) listed, 4 diagnosed' "$T/tty.out"; then
    ok "audit: progress bar on a terminal"
  else nok "audit: progress bar on a terminal"; diag "$(cat -v "$T/tty.out" | head -5)"; fi
else
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP script(1) not installed"
fi
acct_env "$DVCHECK" --resolver "$LAB_RESOLVER" audit --region ap-southeast-2 > "$T/plain.out" 2> "$T/plain.err"
if [ ! -s "$T/plain.err" ] && ! grep -q 'diagnosing' "$T/plain.out"; then
  ok "audit: no progress bar without a terminal"
else nok "audit: no progress bar without a terminal"; diag "$(cat -v "$T/plain.err" | head -3)"; fi
# a deadline too short for eu-west-1 (~220 certificates at 8 a second)
acct_env "$DVCHECK" --json --timeout 2 --resolver "$LAB_RESOLVER" audit --region eu-west-1 > "$T/dl.json" 2>/dev/null
rc=$?
if [ "$rc" = 3 ] && "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = d["results"][0]
assert r["kind"] == "region" and d["deadline_hit"]
assert any(f["code"] == "RUN_DEADLINE" and "not_diagnosed" in f["evidence"] for f in r["findings"])' "$T/dl.json"; then
  ok "audit: the deadline is reported (RUN_DEADLINE with what was not diagnosed, exit 3)"
else nok "audit: the deadline is reported (exit $rc)"; diag "$(head -c 600 "$T/dl.json")"; fi
# expiry too: work paced past the deadline is reported, not silently dropped
acct_env "$DVCHECK" --json --timeout 2 --resolver "$LAB_RESOLVER" expiry --region eu-west-1 > "$T/edl.json" 2>/dev/null
rc=$?
if [ "$rc" = 3 ] && "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
r = d["results"][0]
assert r["kind"] == "region" and d["deadline_hit"]
assert any(f["code"] == "RUN_DEADLINE" and "not_diagnosed" in f["evidence"] for f in r["findings"])' "$T/edl.json"; then
  ok "expiry: the deadline is reported (RUN_DEADLINE with what was not described, exit 3)"
else nok "expiry: the deadline is reported (exit $rc)"; diag "$(head -c 600 "$T/edl.json")"; fi
done_testing
