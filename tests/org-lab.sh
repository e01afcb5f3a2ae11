#!/bin/sh
# `dvcheck audit --org` and `expiry --org` against the lab organisation
# (tests/lab/acm/org.json: 50 accounts, 4 not ACTIVE, 4 without the audit
# role; tests/lab/aws_auth_server.py for Organizations and STS, acm_server.py
# serving each assumed account its own certificates). Measures the audit's
# wall time against its quota bound (the busiest account-region's
# DescribeCertificate calls at 8 a second after a burst of 8). Needs root
# and the lab; skips otherwise.
. "$SRCDIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "the lab needs root"
LABDIR=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
CADIR=$LABDIR/ca
lab_up
acm_share
sts_serialize
curl -sf -m 3 --cacert "$CADIR/ca.pem" https://127.48.0.1/_lab/ping >/dev/null 2>&1 ||
  skip_all "lab service aws-auth not answering (tests/lab/lab service start aws-auth)"
curl -sf -m 3 --cacert "$CADIR/ca.pem" https://127.45.0.1/_lab/ping >/dev/null 2>&1 ||
  skip_all "lab service acm not answering"
T=$(mktemp -d /tmp/dvcheck-org.XXXXXX)
trap 'rm -rf "$T"' EXIT
SECRETS='labSecret|LABSTSSECRET|LABSTSTOKEN|LABSSO'

run() { # run OUT ARGS...: dvcheck with the management account's key
  o=$1; shift
  (cd "$T" && env -i PATH=/usr/bin:/bin HOME="$T" LANG=C.UTF-8 AWS_EC2_METADATA_DISABLED=true \
    AWS_ACCESS_KEY_ID=AKIDLABEXAMPLE0000001 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEKEY/00000000000000000001 \
    AWS_CA_BUNDLE="$CADIR/ca.pem" AWS_ENDPOINT_URL_STS=https://127.48.0.1 \
    AWS_ENDPOINT_URL_ORGANIZATIONS=https://127.48.0.4 AWS_ENDPOINT_URL_ACM=https://127.45.0.1 \
    AWS_DEFAULT_REGION=us-east-1 "$DVCHECK" --no-color --resolver "$LAB_RESOLVER" "$@") >"$T/$o" 2>"$T/$o.err"
}
jq_() { "$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); items=j.get("results", j.get("items", [])) if isinstance(j, dict) else j; print(eval(sys.argv[2]))' "$T/$1" "$2"; }
check() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else nok "$1"; diag "want: $2" "got:  $3"; fi; }
nosecret() {
  if cat "$T/$1" "$T/$1.err" | grep -Eq "$SECRETS"; then nok "$2: a secret in the output"; else ok "$2: no secret in stdout or stderr"; fi
}
stscalls() { curl -sf --cacert "$CADIR/ca.pem" https://127.48.0.1/_lab/log | "$PY" -c 'import json,sys; print(len([e for e in json.load(sys.stdin)["log"] if e["seq"] > int(sys.argv[1]) and e["op"] == "AssumeRole" and (e.get("session") == "dvcheck-org" or "cut-short-role" in (e.get("role_arn") or ""))]))' "$1"; }
seqnow() { curl -sf --cacert "$CADIR/ca.pem" https://127.48.0.1/_lab/log | "$PY" -c 'import json,sys; print(max([e["seq"] for e in json.load(sys.stdin)["log"]] or [0]))'; }

# ---- audit --org: text, timed ----------------------------------------------------
s0=$(seqnow)
t0=$("$PY" -c 'import time; print(time.time())')
run audit.txt -vv audit --org --region us-east-1,eu-west-1
rc=$?
t1=$("$PY" -c 'import time; print(time.time())')
check "audit --org: exit 2 (denied accounts and failing certificates)" 2 "$rc"
check "audit --org: 50 accounts listed, 42 audited (46 ACTIVE, 4 denied)" yes \
  "$(grep -q 'Organisation: 50 account(s) listed, 42 audited, 8 not (ListAccounts 5 page(s), 45 AssumeRole call(s))' "$T/audit.txt" && echo yes)"
check "the 4 accounts without the role are ORG_ASSUME_ROLE_FAILED findings" 4 "$(grep -c 'error   ORG_ASSUME_ROLE_FAILED' "$T/audit.txt")"
check "the 4 accounts not ACTIVE are reported (ORG_ACCOUNT_INACTIVE)" 4 "$(grep -c 'info    ORG_ACCOUNT_INACTIVE' "$T/audit.txt")"
# distinct roles: a call retried after a timeout under load logs twice
check "AssumeRole for 45 accounts in the lab log (management account: own credentials)" 45 \
  "$(curl -sf --cacert "$CADIR/ca.pem" https://127.48.0.1/_lab/log | "$PY" -c 'import json,sys; print(len({e.get("role_arn") for e in json.load(sys.stdin)["log"] if e["seq"] > int(sys.argv[1]) and e["op"] == "AssumeRole" and e.get("session") == "dvcheck-org"}))' "$s0")"
check "summary by account and region: 84 rows" 84 \
  "$(awk '/ LISTED +DIAGNOSED/{f=1;next} f&&NF>=5&&$1~/^[0-9]+$/&&length($1)==12{n++} END{print n+0}' "$T/audit.txt")"
nosecret audit.txt "audit --org -vv"
busiest=$(awk '/ LISTED +DIAGNOSED/{f=1;next} f&&NF>=5&&$1~/^[0-9]+$/&&length($1)==12{if ($4>m) m=$4} END{print m+0}' "$T/audit.txt")
"$PY" - "$t0" "$t1" "$busiest" <<'EOF' | while read -r l; do diag "$l"; done
import sys
t0, t1, n = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
bound = max(0, n - 8) / 8.0  # DV_ACM_DESCRIBE_PER_MIN 480 = 8/s, burst 8
print("audit --org wall time %.1f s; quota bound %.1f s (busiest account-region: %d DescribeCertificate at 8/s after a burst of 8); ratio %.2f"
      % (t1 - t0, bound, n, (t1 - t0) / bound if bound else 0))
EOF
s0=$(seqnow)
run audit.json --json audit --org --region us-east-1,eu-west-1
check "again (JSON): the roles come from the CLI cache; only the 4 denied accounts call STS again" 4 "$(stscalls "$s0")"
check "JSON: 50 account objects" 50 "$(jq_ audit.json 'len([i for i in items if i.get("kind") == "account"])')"
check "JSON: every region object carries its account" "84 84" \
  "$(jq_ audit.json 'len([i for i in items if i.get("kind") == "region"])') $(jq_ audit.json 'len([i for i in items if i.get("kind") == "region" and len(i.get("account", "")) == 12])')"
check "JSON: every certificate (683) carries the account of its ARN" "683 yes" \
  "$(jq_ audit.json 'len([i for i in items if i.get("kind") not in ("account", "region", "organization")])') $(jq_ audit.json '"yes" if all(i["account"] == json.dumps(i).split("arn:aws:acm:")[1].split(":")[1] for i in items if i.get("kind") not in ("account", "region", "organization")) else "no"')"
# ---- expiry --org ----------------------------------------------------------------
run asff.json expiry --org --region us-east-1 --format asff
check "expiry --org --format asff: findings of member accounts carry their AwsAccountId" yes \
  "$("$PY" -c 'import json,sys; j=json.load(open(sys.argv[1])); f=j if isinstance(j, list) else j.get("Findings", []); ids={x["AwsAccountId"] for x in f}; print("yes" if len(ids) > 10 and all(x["AwsAccountId"] in x["Resources"][0]["Id"] for x in f) else "no %d" % len(ids))' "$T/asff.json")"
run ex.txt expiry --org --accounts 200000000001,200000000007,200000000009 --exclude 200000000009 --region us-east-1
check "expiry --org --accounts ... --exclude: 2 accounts, 1 audited, 1 denied" "yes 1" \
  "$(grep -q 'Organisation: 3 account(s) listed, 1 audited' "$T/ex.txt" && echo yes) $(grep -c 'ORG_ASSUME_ROLE_FAILED' "$T/ex.txt")"
nosecret ex.txt "expiry --org"
# ---- ExpiredToken mid-run: credentials refreshed once --------------------------
# cut-short-role's credentials say 1 h but the lab refuses them after 3 s
# (a session revoked or cut short): the cached ones are refused, dvcheck
# resolves the profile again without the cache and goes on.
mkdir -p "$T/.aws"
printf '[profile cut]\nrole_arn = arn:aws:iam::123456789012:role/cut-short-role\nsource_profile = base\n[profile base]\naws_access_key_id = AKIDLABEXAMPLE0000001\naws_secret_access_key = labSecret/EXAMPLEKEY/00000000000000000001\n' > "$T/.aws/config"
run cut1.txt --profile cut certs --region us-east-1
check "cut-short role: first run works (credentials cached)" 0 "$?"
sleep 4
s0=$(seqnow)
run cut2.txt -v --profile cut certs --region us-east-1
check "cached credentials refused (ExpiredTokenException) mid-run: refreshed once, the run succeeds" "0 1" \
  "$? $(stscalls "$s0")"
check "... and -v says so" yes "$(grep -q 'expired mid-run: resolved again' "$T/cut2.txt.err" && echo yes)"
nosecret cut2.txt "ExpiredToken refresh -v"
run bad.txt audit --org --accounts 12345
check "a malformed account id is refused (exit 3)" 3 "$?"
done_testing
