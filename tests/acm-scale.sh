#!/bin/sh
# `dvcheck expiry` and `dvcheck audit` over a large account: the lab's
# eu-north-1 holds 2,500 certificates (ACM's per-region quota; the second
# "bulk" of tests/lab/acm/certs.json), mostly ISSUED and far from expiry.
# ListCertificates is streamed page by page (NextToken; 25 pages of 100)
# and only the certificates whose summary is not enough get a
# DescribeCertificate. The lab counts the calls it answered (/_lab/stats);
# the number expected is computed here from the summaries themselves, read
# with botocore (not with dvcheck). Peak RSS (/usr/bin/time -v) is reported
# and bounded. Needs root and the lab; skips otherwise.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/acm-client-lib.sh"
ACM=$DV_ACM_ENDPOINT
CA=$DV_ACM_CA
T=$ACM_T
REGION=eu-north-1
DAYS=45
KEY=AKIDLABEXAMPLE0000001
SECRET=labSecret/EXAMPLEKEY/00000000000000000001
lab_get() { curl -sf --max-time 10 --cacert "$CA" "$ACM/_lab/$1"; }
TIME=
[ -x /usr/bin/time ] && TIME="/usr/bin/time -v -o"
# run NAME ARGS...: counters reset first; $T/NAME.{out,err,rc,stats,time}
run() {
  name=$1
  shift
  lab_get reset >/dev/null
  if [ -n "$TIME" ]; then
    set -- $TIME "$T/$name.time" "$DVCHECK" "$@"
  else
    set -- "$DVCHECK" "$@"
  fi
  env -i PATH="$PATH" HOME="$T" AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
    AWS_CA_BUNDLE="$CA" AWS_ENDPOINT_URL_ACM="$ACM" AWS_EC2_METADATA_DISABLED=true \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    "$@" > "$T/$name.out" 2> "$T/$name.err"
  echo $? > "$T/$name.rc"
  lab_get stats > "$T/$name.stats"
}
# calls OP REGION NAME: the calls the lab answered with 200
calls() {
  "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(sum(e["n"] for e in d["stats"] if e["op"] == sys.argv[2] and e["region"] == sys.argv[3] and e["status"] == 200))' \
    "$T/$3.stats" "$1" "$2"
}
rss_kb() { [ -s "$T/$1.time" ] && sed -n 's/.*Maximum resident set size (kbytes): //p' "$T/$1.time"; }
wall() { [ -s "$T/$1.time" ] && sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$T/$1.time"; }

# ---- what the summaries call for (botocore, independent of dvcheck) -----------
if ! "$PY" - "$ACM" "$CA" "$REGION" "$DAYS" "$KEY" "$SECRET" > "$T/expect.json" 2> "$T/expect.err" <<'PYEOF'
import json, os, sys, time
import botocore.session
sys.path.insert(0, os.path.join(os.environ["SRCDIR"], "tests"))
from acm_expect import expect, list_all
acm, ca, region, days, key, secret = sys.argv[1:]
s = botocore.session.get_session()
kt = s.get_service_model("acm").shape_for("KeyAlgorithm").enum
c = s.create_client("acm", region_name=region, endpoint_url=acm, verify=ca,
                    aws_access_key_id=key, aws_secret_access_key=secret)
e = expect(list_all(c, kt), int(days), time.time())
print(json.dumps(e))
PYEOF
then
  echo "Bail out! cannot list $REGION with botocore: $(head -c 300 "$T/expect.err")"
  exit 1
fi
ex() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$T/expect.json" "$1"; }
diag "summaries of $REGION: $(cat "$T/expect.json")"
if [ "$(ex listed)" = 2500 ] && [ "$(ex ex_describe)" -gt 0 ] && [ "$(ex au_imported)" -gt 0 ] &&
   [ "$(ex ex_describe)" -lt "$(ex expiring)" ]; then
  ok "the large region: 2500 certificates, some expiring, some imported"
else nok "the large region is not what this test needs: $(cat "$T/expect.json")"; fi

# ---- expiry ---------------------------------------------------------------------
run expiry -v --json --resolver "$LAB_RESOLVER" expiry --region $REGION --days $DAYS
rc=$(cat "$T/expiry.rc")
check_json() { # NAME PYTHON-EXPR-over-d ...
  f=$1
  shift
  "$PY" -c 'import json,sys
d = json.load(open(sys.argv[1]))
for expr in sys.argv[2:]:
    if not eval(expr):
        sys.exit("false: " + expr)' "$T/$f.out" "$@"
}
if [ "$rc" = 2 ] && check_json expiry \
    "d['results'][0]['kind'] == 'region' and d['results'][0]['listed'] == $(ex listed)" \
    "d['results'][0]['expiring'] == $(ex expiring)" \
    "len([r for r in d['results'] if r['kind'] == 'certificate']) == $(ex expiring)" 2> "$T/why"; then
  ok "expiry: 2500 listed, $(ex expiring) expiring, exit 2"
else nok "expiry: exit $rc"; diag "$(cat "$T/why")" "$(head -c 400 "$T/expiry.err")"; fi
n=$(calls DescribeCertificate $REGION expiry)
if [ "$n" = "$(ex ex_describe)" ]; then
  ok "expiry: $n DescribeCertificate calls, exactly the certificates the summary cannot settle (of $(ex expiring) expiring)"
else nok "expiry: $n DescribeCertificate calls, want $(ex ex_describe)"; fi
n=$(calls ListCertificates $REGION expiry)
if [ "$n" = 25 ] && grep -q "$REGION: 2500 certificate(s) listed in 25 page(s), $(ex expiring) expiring, $(ex ex_describe) DescribeCertificate call(s)" "$T/expiry.err"; then
  ok "expiry: 25 ListCertificates pages followed (NextToken), counted by dvcheck (-v) and the lab"
else nok "expiry: $n ListCertificates calls, want 25"; diag "$(grep 'listed in' "$T/expiry.err")"; fi
# every verdict the summary alone gave is the one the summary implies
if check_json expiry \
    "all(r['verdict'] == 'EXPIRY_IMPORTED' for r in d['results'] if r['kind'] == 'certificate' and r['type'] == 'IMPORTED' and r['days_left'] >= 0)" \
    "all(r['verdict'] == 'EXPIRY_EXPIRED' for r in d['results'] if r['kind'] == 'certificate' and r['days_left'] < 0)" \
    "all(r['validation'] for r in d['results'] if r['kind'] == 'certificate' and r['type'] == 'AMAZON_ISSUED' and r['days_left'] >= 0 and r['verdict'] != 'EXPIRY_NOT_IN_USE')" 2> "$T/why"; then
  ok "expiry: imported and expired verdicts from the summary; the described ones carry their validation method"
else nok "expiry: verdicts"; diag "$(cat "$T/why")"; fi

# ---- audit ----------------------------------------------------------------------
run audit -v --json --resolver "$LAB_RESOLVER" audit --region $REGION --days $DAYS
rc=$(cat "$T/audit.rc")
if [ "$rc" = 2 ] && check_json audit \
    "d['results'][0]['listed'] == $(ex listed) and d['results'][0]['expiring'] == $(ex au_picked)" \
    "len([r for r in d['results'] if 'arn' in r and r.get('kind') is None]) == $(ex au_picked)" 2> "$T/why"; then
  ok "audit: 2500 listed, $(ex au_picked) diagnosed, exit 2"
else nok "audit: exit $rc"; diag "$(cat "$T/why")" "$(head -c 400 "$T/audit.err")"; fi
n=$(calls DescribeCertificate $REGION audit)
if [ "$n" = "$(ex au_describe)" ]; then
  ok "audit: $n DescribeCertificate calls: the $(ex au_picked) picked but the $(ex au_imported) imported ones"
else nok "audit: $n DescribeCertificate calls, want $(ex au_describe)"; fi
# an imported certificate diagnosed from its summary reads like a described one
if check_json audit \
    "[r for r in d['results'] if r.get('type') == 'IMPORTED']" \
    "all(r['status'] == 'ISSUED' and r['key_algorithm'] and r['created_at'] and r['not_after'] and r['validations'] == [] and r['renewal'] is None and {f['code'] for f in r['findings']} == {'ACM_STATUS_ISSUED', 'EXPIRY_IMPORTED'} for r in d['results'] if r.get('type') == 'IMPORTED')" 2> "$T/why"; then
  ok "audit: imported certificates diagnosed from the summary: status, key, dates, ACM_STATUS_ISSUED + EXPIRY_IMPORTED"
else nok "audit: imported certificates"; diag "$(cat "$T/why")"; fi

# ---- several regions at once: each streams its own pages --------------------------
run multi --json --resolver "$LAB_RESOLVER" expiry --region $REGION,eu-west-1,us-east-1 --days 1
if [ "$(cat "$T/multi.rc")" = 2 ] && [ "$(calls ListCertificates $REGION multi)" = 25 ] &&
   [ "$(calls ListCertificates eu-west-1 multi)" = 4 ] &&
   [ "$(calls DescribeCertificate $REGION multi)$(calls DescribeCertificate eu-west-1 multi)" = 00 ] &&
   check_json multi "[r['listed'] for r in d['results'][:3]] == [2500, 301, 64]" 2> "$T/why"; then
  ok "three regions concurrently: 25 + 4 + 1 pages, no DescribeCertificate for what has expired"
else nok "three regions concurrently (exit $(cat "$T/multi.rc"))"; diag "$(cat "$T/why" 2>/dev/null)" "$(cat "$T/multi.stats")"; fi

# ---- memory ---------------------------------------------------------------------
run empty --json --resolver "$LAB_RESOLVER" expiry --region us-west-2
if [ -z "$TIME" ]; then
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP /usr/bin/time not installed"
else
  base=$(rss_kb empty) e=$(rss_kb expiry) a=$(rss_kb audit) m=$(rss_kb multi)
  diag "peak RSS: empty region ${base} KB; $REGION expiry ${e} KB ($(wall expiry)), audit ${a} KB ($(wall audit)); 3 regions ${m} KB"
  if grep -aq __asan_init "$DVCHECK" 2>/dev/null; then
    T_N=$((T_N + 1)); echo "ok $T_N # SKIP peak RSS bound: sanitizer build (ASan keeps freed memory)"
  elif [ -n "$base" ] && [ -n "$e" ] && [ -n "$a" ] &&
       [ $((e - base)) -lt 16384 ] && [ $((a - base)) -lt 65536 ]; then
    ok "peak RSS over an empty region: expiry +$((e - base)) KB (< 16 MB), audit +$((a - base)) KB (< 64 MB) for 2500 certificates"
  else nok "peak RSS: empty $base KB, expiry $e KB, audit $a KB"; fi
fi
done_testing
