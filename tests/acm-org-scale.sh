#!/bin/sh
# `dvcheck audit --org` and `expiry --org` over an organisation of large
# accounts: six member accounts (tests/lab/acm/org.json
# member_acm_large) each hold 2,500 certificates in eu-north-1 -- 15,000 in
# all, ACM's default quota in every account. Every account-region streams
# its ListCertificates pages; only the certificates
# the summaries call for get a DescribeCertificate (counted by the lab);
# each finished diagnosis is reduced to what the output needs and freed
# (src/cmd_audit.c). Checked with --format jsonl (one object per
# certificate as it finishes) and the default text: every listed
# certificate accounted for, the calls, and peak RSS under a bound (80 MB)
# that the code which kept every diagnosis to the end exceeded (122 MB for
# the text audit here; 43 MB with the compact results). The expected numbers come from the summaries
# themselves, listed with botocore through the lab's STS (AssumeRole of
# OrganizationAccountAccessRole), not from dvcheck. Needs root and the lab.
. "$SRCDIR/tests/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "the lab needs root"
"$PY" -c 'import botocore' 2>/dev/null || skip_all "python3-botocore not installed"
LABDIR=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
CA=$LABDIR/ca/ca.pem
lab_up
acm_serialize
sts_serialize
curl -sf -m 3 --cacert "$CA" https://127.48.0.1/_lab/ping >/dev/null 2>&1 ||
  skip_all "lab service aws-auth not answering (tests/lab/lab service start aws-auth)"
curl -sf -m 3 --cacert "$CA" https://127.45.0.1/_lab/ping >/dev/null 2>&1 ||
  skip_all "lab service acm not answering"
T=$(mktemp -d /tmp/dvcheck-orgscale.XXXXXX)
trap 'rm -rf "$T"' EXIT
REGION=eu-north-1
DAYS=45
T0=$(date +%s)
ACCTS=200000000001,200000000002,200000000003,200000000004,200000000005,200000000006
KEY=AKIDLABEXAMPLE0000001
SECRET=labSecret/EXAMPLEKEY/00000000000000000001
# the bound on peak RSS (KB): what the run holds is the compact results of
# the picked certificates and at most 64 open diagnoses (a sanitizer
# build's allocator keeps freed memory: no bound there)
BOUND=${DVCHECK_ORG_SCALE_RSS_KB:-81920}
SAN=
grep -qa __asan_init "$DVCHECK" 2>/dev/null && SAN=1
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -v -o"
lab_get() { curl -sf --max-time 10 --cacert "$CA" "https://127.45.0.1/_lab/$1"; }

run() { # run NAME ARGS...: counters reset first; $T/NAME{,.err,.rc,.stats,.time}
  name=$1
  shift
  lab_get reset >/dev/null
  set -- "$DVCHECK" --no-color --resolver "$LAB_RESOLVER" "$@"
  [ -n "$TIME" ] && set -- $TIME "$T/$name.time" "$@"
  (cd "$T" && env -i PATH=/usr/bin:/bin HOME="$T" LANG=C.UTF-8 AWS_EC2_METADATA_DISABLED=true \
    AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    AWS_CA_BUNDLE="$CA" AWS_ENDPOINT_URL_STS=https://127.48.0.1 \
    AWS_ENDPOINT_URL_ORGANIZATIONS=https://127.48.0.4 AWS_ENDPOINT_URL_ACM=https://127.45.0.1 \
    AWS_DEFAULT_REGION=us-east-1 ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    "$@") >"$T/$name" 2>"$T/$name.err"
  echo $? >"$T/$name.rc"
  lab_get stats >"$T/$name.stats"
}
calls() { # calls OP NAME: the calls the lab answered with 200 in eu-north-1
  "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(sum(e["n"] for e in d["stats"] if e["op"] == sys.argv[2] and e["region"] == sys.argv[3] and e["status"] == 200))' \
    "$T/$2.stats" "$1" "$REGION"
}
rss_kb() { [ -s "$T/$1.time" ] && sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/$1.time"; }
wall() { [ -s "$T/$1.time" ] && sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/$1.time"; }
rss_check() { # rss_check NAME WHAT
  if [ -z "$TIME" ]; then
    T_N=$((T_N + 1)); echo "ok $T_N # SKIP /usr/bin/time not installed"
  elif [ -n "$SAN" ]; then
    T_N=$((T_N + 1)); echo "ok $T_N # SKIP peak RSS bound of $2: sanitizer build ($(rss_kb "$1") KB, $(wall "$1"))"
  elif [ "$(rss_kb "$1")" -lt "$BOUND" ]; then
    ok "$2: peak RSS $(rss_kb "$1") KB < $BOUND KB ($(wall "$1"))"
  else nok "$2: peak RSS $(rss_kb "$1") KB, bound $BOUND KB"; fi
}

# ---- what the summaries call for (botocore through the lab's STS) ----------------
if ! "$PY" - "$ACCTS" "$REGION" "$DAYS" "$KEY" "$SECRET" "$CA" >"$T/expect.json" 2>"$T/expect.err" <<'PYEOF'
import json, os, sys, time
import botocore.session
sys.path.insert(0, os.path.join(os.environ["SRCDIR"], "tests"))
from acm_expect import expect, list_all
accts, region, days, key, secret, ca = sys.argv[1:]
days = int(days)
s = botocore.session.get_session()
kt = s.get_service_model("acm").shape_for("KeyAlgorithm").enum
sts = s.create_client("sts", region_name="us-east-1", endpoint_url="https://127.48.0.1",
                      verify=ca, aws_access_key_id=key, aws_secret_access_key=secret)
now = time.time()
out = {}
for a in accts.split(","):
    if a == "123456789012":
        k = dict(aws_access_key_id=key, aws_secret_access_key=secret)
    else:
        c = sts.assume_role(RoleArn="arn:aws:iam::%s:role/OrganizationAccountAccessRole" % a,
                            RoleSessionName="expect")["Credentials"]
        k = dict(aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                 aws_session_token=c["SessionToken"])
    acm = s.create_client("acm", region_name=region, endpoint_url="https://127.45.0.1",
                          verify=ca, **k)
    e = expect(list_all(acm, kt), days, now, arns=True)
    out[a] = e
print(json.dumps(out))
PYEOF
then
  echo "Bail out! cannot list the accounts with botocore: $(head -c 400 "$T/expect.err")"
  exit 1
fi
ex() { # ex KEY [ACCOUNT]: one account's number, or the sum over all
  "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d[sys.argv[3]][sys.argv[2]] if len(sys.argv) > 3 else sum(v[sys.argv[2]] for v in d.values()))' "$T/expect.json" "$@"
}
diag "expected numbers from botocore after $(($(date +%s) - T0)) s"
diag "6 accounts x $REGION: listed $(ex listed), audit picks $(ex au_picked) ($(ex au_describe) described), expiry $(ex expiring) ($(ex ex_describe) described)"
if [ "$(ex listed)" = 15000 ] && [ "$(ex listed 200000000006)" = 2500 ] && [ "$(ex au_describe)" -gt 0 ]; then
  ok "the organisation of large accounts: 6 x 2500 certificates in $REGION"
else nok "the lab's large member accounts are missing: $(head -c 300 "$T/expect.json")"; fi

# jsonl_check NAME COMMAND PICKED-KEY: every line an object; the certificates,
# regions and the closing summary line against the expectations
jsonl_check() {
  "$PY" - "$T/$1" "$T/expect.json" "$2" "$3" <<'PYEOF'
import json, sys
path, exp, cmd, key = sys.argv[1:]
exp = json.load(open(exp))
lines = open(path).read().split("\n")
assert lines[-1] == "", "no final newline"
objs = [json.loads(l) for l in lines[:-1]]
last = objs[-1]
assert last.get("schema") == 1 and last["command"] == cmd, "last line: %r" % last
assert all("schema" not in o for o in objs[:-1]), "a summary line before the end"
certs = [o for o in objs[:-1] if o.get("kind") not in ("region", "account", "organization")]
regs = [o for o in objs[:-1] if o.get("kind") == "region"]
want = sum(v[key] for v in exp.values())
assert len(certs) == want, "%d certificate objects, want %d" % (len(certs), want)
arns = [c["arn"] for c in certs]
assert len(set(arns)) == len(arns), "a certificate written twice"
listed = {a: set(v["arns"]) for a, v in exp.items()}
for c in certs:
    acct = c["arn"].split(":")[4]
    assert c["account"] == acct and c["arn"] in listed[acct], "stray certificate %s" % c["arn"]
assert sorted(r["account"] for r in regs) == sorted(exp), "region objects: %r" % [r.get("account") for r in regs]
for r in regs:
    e = exp[r["account"]]
    assert r["listed"] == e["listed"] and r["expiring"] == e[key], "region %r: want %d listed, %d" % (r, e["listed"], e[key])
s = last["summary"]
assert s["listed"] == sum(v["listed"] for v in exp.values()), "summary %r" % s
print("%d lines: %d certificates, %d account-regions, summary %s" % (len(objs), len(certs), len(regs), json.dumps(s)))
PYEOF
}

# ---- audit --org, jsonl -------------------------------------------------------------
run au.jsonl -v audit --org --accounts $ACCTS --region $REGION --days $DAYS --format jsonl
if [ "$(cat "$T/au.jsonl.rc")" = 2 ] && jsonl_check au.jsonl audit au_picked >"$T/why" 2>&1; then
  ok "audit --org --format jsonl: $(cat "$T/why")"
else nok "audit --org --format jsonl: exit $(cat "$T/au.jsonl.rc")"; diag "$(tail -c 600 "$T/why")" "$(tail -c 400 "$T/au.jsonl.err")"; fi
n=$(calls DescribeCertificate au.jsonl)
if [ "$n" = "$(ex au_describe)" ]; then
  ok "audit --org: $n DescribeCertificate calls: the $(ex au_picked) picked but the imported ones"
else nok "audit --org: $n DescribeCertificate calls, want $(ex au_describe)"; fi
if [ "$(calls ListCertificates au.jsonl)" = 150 ]; then
  ok "audit --org: 150 ListCertificates pages (25 per account)"
else nok "audit --org: $(calls ListCertificates au.jsonl) ListCertificates calls, want 150"; fi
w=$(sed -n 's/.*at most \([0-9]*\) open at once (window \([0-9]*\)).*/\1 \2/p' "$T/au.jsonl.err")
if [ -n "$w" ] && [ "${w% *}" -le "${w#* }" ]; then
  ok "audit --org: at most ${w% *} diagnoses open at once (window ${w#* })"
else nok "audit --org: the window line (-v) is missing or exceeded: $w"; fi
rss_check au.jsonl "audit --org --format jsonl, 15000 certificates"

# ---- audit --org, text (sorted over the whole organisation) ------------------------
run au.txt audit --org --accounts $ACCTS --region $REGION --days $DAYS
want_rows=$("$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s:%d:%d" % (a, d[a]["listed"], d[a]["au_picked"]) for a in sorted(d)))' "$T/expect.json")
got_rows=$(awk '/ LISTED +DIAGNOSED/{f=1;next} f&&NF>=5&&$1~/^[0-9]+$/&&length($1)==12{print $1 ":" $3 ":" $4}' "$T/au.txt" | sort | tr '\n' ' ' | sed 's/ $//')
if [ "$(cat "$T/au.txt.rc")" = 2 ] && [ "$got_rows" = "$want_rows" ] &&
   grep -q "^$(ex listed) certificate(s) listed, $(ex au_picked) diagnosed: exit 2 (failure)\$" "$T/au.txt" &&
   [ "$(grep -c '^== arn:aws:acm:eu-north-1:' "$T/au.txt")" -gt 0 ]; then
  ok "audit --org (text): every account-region listed and diagnosed as the summaries say, $(ex au_picked) diagnosed"
else nok "audit --org (text): exit $(cat "$T/au.txt.rc")"; diag "want $want_rows" "got  $got_rows" "$(tail -n 3 "$T/au.txt")"; fi
# the table: worst first over the whole organisation
if awk '/^  ACCOUNT +REGION +STATUS/{f=1;next} f&&/^$/{exit} f{print $5}' "$T/au.txt" | "$PY" -c 'import sys
rank = {"FATAL": 3, "ERROR": 2, "WARNING": 1, "INFO": 0, "-": -1}
v = [rank.get(l.strip().upper(), -2) for l in sys.stdin]
sys.exit(0 if v and -2 not in v else 1)'; then
  ok "audit --org (text): one table of every diagnosed certificate"
else nok "audit --org (text): the table"; fi
if [ "$(calls DescribeCertificate au.txt)" = "$(ex au_describe)" ]; then
  ok "audit --org (text): $(ex au_describe) DescribeCertificate calls"
else nok "audit --org (text): $(calls DescribeCertificate au.txt) DescribeCertificate calls, want $(ex au_describe)"; fi
rss_check au.txt "audit --org (text), 15000 certificates"

# ---- expiry --org, jsonl --------------------------------------------------------------
run ex.jsonl expiry --org --accounts $ACCTS --region $REGION --days $DAYS --format jsonl
if [ "$(cat "$T/ex.jsonl.rc")" = 2 ] && jsonl_check ex.jsonl expiry expiring >"$T/why" 2>&1; then
  ok "expiry --org --format jsonl: $(cat "$T/why")"
else nok "expiry --org --format jsonl: exit $(cat "$T/ex.jsonl.rc")"; diag "$(tail -c 600 "$T/why")" "$(tail -c 400 "$T/ex.jsonl.err")"; fi
if [ "$(calls DescribeCertificate ex.jsonl)" = "$(ex ex_describe)" ]; then
  ok "expiry --org: $(ex ex_describe) DescribeCertificate calls, of $(ex expiring) expiring"
else nok "expiry --org: $(calls DescribeCertificate ex.jsonl) DescribeCertificate calls, want $(ex ex_describe)"; fi
rss_check ex.jsonl "expiry --org --format jsonl"
run ex.txt expiry --org --accounts $ACCTS --region $REGION --days $DAYS
if [ "$(cat "$T/ex.txt.rc")" = 2 ] &&
   grep -q "^$(ex expiring) certificate(s) expire within $DAYS days, [0-9]* need action: exit 2 (failure)\$" "$T/ex.txt" &&
   grep -q "^Certificates expiring within $DAYS days ($(ex listed) listed in 6 region(s)):" "$T/ex.txt"; then
  ok "expiry --org (text): $(ex listed) listed, $(ex expiring) expiring"
else nok "expiry --org (text): exit $(cat "$T/ex.txt.rc")"; diag "$(head -n 1 "$T/ex.txt")" "$(tail -n 1 "$T/ex.txt")"; fi
rss_check ex.txt "expiry --org (text)"
diag "run time $(($(date +%s) - T0)) s"
done_testing
