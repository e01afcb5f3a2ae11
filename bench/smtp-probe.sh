#!/bin/bash
# Benchmark (on demand, not part of the test suite): `dvcheck email --probe`
# for 100 domains sharing 5 MX hosts (d000..d099.smtp-bench.test in the lab,
# tests/lab/zones/smtp-bench.test.zone), with the probe's fixed caps of
# 2 sessions per MX host and 8 per run (check/check_smtp.h).
#   sudo bench/smtp-probe.sh [BUILD_DIR] [RUNS]
# Needs a running lab with the SMTP services (tests/lab/lab start) and a
# built dvcheck. Prints names/s (median of RUNS, default 3), sessions, and
# the most sessions any lab server saw at once (from the Postfix logs the
# cap is checked indirectly: the probe's own counters are printed by -v).
set -euo pipefail
top=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
dv=${1:-$top/build}/src/dvcheck
runs=${2:-3}
[ -x "$dv" ] || { echo "smtp-probe bench: no dvcheck at $dv (give the build directory)" >&2; exit 2; }
lab=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
ct=(--connect-to mx1.smtp-bench.test:25:127.25.0.1:25
    --connect-to mx2.smtp-bench.test:25:127.25.0.6:25
    --connect-to mx3.smtp-bench.test:25:127.25.0.3:25
    --connect-to mx4.smtp-bench.test:25:127.25.0.4:25
    --connect-to mx5.smtp-bench.test:25:127.25.1.1:25)
list=$(mktemp); trap 'rm -f "$list"' EXIT
for i in $(seq 0 99); do printf 'd%03d.smtp-bench.test\n' "$i"; done > "$list"
rates=()
for r in $(seq 1 "$runs"); do
  start=$(date +%s%N)
  rc=0
  DVCHECK_CA_BUNDLE=$lab/ca/ca.pem "$dv" -v --resolver 127.53.0.53 --timeout 120 \
    email --probe "${ct[@]}" -f "$list" > "$list.out" 2> "$list.err" || rc=$?
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  okn=$(grep -c 'SMTP_PROBE_OK' "$list.out" || true)
  echo "run $r: 100 names in $ms ms (exit $rc, $okn SMTP_PROBE_OK); $(tail -n 1 "$list.err")"
  # a run that did not probe every name measures nothing
  [ "$okn" = 100 ] || { echo "smtp-probe bench: run $r probed $okn of 100 names: no figure" >&2; exit 1; }
  rates+=("$(awk -v ms="$ms" 'BEGIN { printf "%.1f", 100000 / ms }')")
done
rm -f "$list.out" "$list.err"
med=$(printf '%s\n' "${rates[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "names/s (median of $runs): $med  (per-MX cap 2, per-run cap 8)"
