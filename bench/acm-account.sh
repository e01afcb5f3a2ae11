#!/bin/bash
# Benchmark (on demand, not part of the test suite): `dvcheck expiry` and
# `dvcheck audit` over the lab's large account region (eu-north-1, 2,500
# certificates), and `--org` over seven such accounts (17,500
# certificates): wall time, peak RSS, and the ListCertificates and
# DescribeCertificate calls the lab ACM server answered (/_lab/stats).
#   sudo bench/acm-account.sh [DVCHECK...]   (default: build/src/dvcheck)
# Several binaries (e.g. before and after a change) are run in turn, RUNS
# times each (default 3), against the same lab. Needs a running lab
# (tests/lab/lab start) with the acm service.
set -euo pipefail
top=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
[ $# -gt 0 ] || set -- "$top/build/src/dvcheck"
runs=${RUNS:-3}
region=${REGION:-eu-north-1}
ca=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}/ca/ca.pem
acm=https://127.45.0.1
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }
curl -sf -m 3 --cacert "$ca" "$acm/_lab/ping" >/dev/null ||
  { echo "the lab ACM service does not answer (tests/lab/lab start)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
# the organisation of large accounts: the management account and the six
# member accounts of tests/lab/acm/org.json member_acm_large, 2,500
# certificates each in eu-north-1 (needs the aws-auth service too)
accounts=${ACCOUNTS:-123456789012,200000000001,200000000002,200000000003,200000000004,200000000005,200000000006}
# LABEL ARGS...: the commands measured (ONLY=LABEL,... picks some)
cmds=(
  "expiry|expiry --region $region --days 45"
  "audit|audit --region $region --days 45"
  "expiry-org|expiry --org --accounts $accounts --region $region --days 45"
  "audit-org|audit --org --accounts $accounts --region $region --days 45"
  "audit-org-jsonl|audit --org --accounts $accounts --region $region --days 45 --format jsonl"
  "audit-org-json|audit --org --accounts $accounts --region $region --days 45 --json"
)
printf '%-16s %-40s %8s %9s %6s %9s\n' command binary wall_s rss_kb lists describes
for c in "${cmds[@]}"; do
  label=${c%%|*}
  read -r -a args <<<"${c#*|}"
  if [ -n "${ONLY:-}" ] && [[ ",$ONLY," != *",$label,"* ]]; then continue; fi
  for i in $(seq 1 "$runs"); do
    for dv in "$@"; do
      [ -x "$dv" ] || { echo "not a binary: $dv" >&2; exit 1; }
      curl -sf --cacert "$ca" "$acm/_lab/reset" >/dev/null
      rm -rf "$tmp/home"; mkdir -p "$tmp/home"
      rc=0
      env -i PATH="$PATH" HOME="$tmp/home" AWS_ACCESS_KEY_ID=AKIDLABEXAMPLE0000001 \
        AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEKEY/00000000000000000001 \
        AWS_CA_BUNDLE="$ca" AWS_ENDPOINT_URL_ACM="$acm" AWS_EC2_METADATA_DISABLED=true \
        AWS_ENDPOINT_URL_STS=https://127.48.0.1 AWS_ENDPOINT_URL_ORGANIZATIONS=https://127.48.0.4 \
        AWS_DEFAULT_REGION=us-east-1 \
        /usr/bin/time -f '%e %M' -o "$tmp/time" "$dv" --resolver 127.53.0.53 \
        "${args[@]}" > /dev/null 2>&1 || rc=$?
      read -r wall rss < <(tail -n 1 "$tmp/time") # after "Command exited ..."
      curl -sf --cacert "$ca" "$acm/_lab/stats" > "$tmp/stats"
      read -r lists describes < <(/usr/bin/python3 -c 'import json,sys
s = json.load(open(sys.argv[1]))["stats"]
n = lambda op: sum(e["n"] for e in s if e["op"] == op)
print(n("ListCertificates"), n("DescribeCertificate"))' "$tmp/stats")
      [ "$rc" -le 2 ] || wall="exit$rc" # e.g. a format this binary lacks
      printf '%-16s %-40s %8s %9s %6s %9s\n' "$label" "$dv" "$wall" "$rss" "$lists" "$describes"
    done
  done
done
