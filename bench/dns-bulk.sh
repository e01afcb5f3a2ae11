#!/bin/bash
# Benchmark (on demand, not part of the test suite): `dvcheck email -f` over
# N names under the lab's wildcard MX zone (bulk.test), twice (the first run
# warms the lab resolver's cache), with names/s, DNS queries and peak RSS.
#   sudo bench/dns-bulk.sh [BUILD_DIR|DVCHECK] [N] [dvcheck global options...]
# e.g. bench/dns-bulk.sh build 10000 --max-inflight 64
# Needs a running lab (tests/lab/lab start) and a built dvcheck.
set -euo pipefail
top=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
dv=${1:-$top/build}
[[ -d $dv ]] && dv=$dv/src/dvcheck
n=${2:-10000}
shift $(($# < 2 ? $# : 2))
[[ -x $dv ]] || { echo "no dvcheck at $dv" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
dig +short @127.53.0.53 MX bulk.test | grep -q mx.bulk.test \
  || { echo "the lab resolver does not answer for bulk.test (tests/lab/lab start)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
run=$RANDOM # fresh names each time: the resolver's cache is cold at first
for i in $(seq 1 "$n"); do echo "r$run-n$i.bulk.test"; done > "$tmp/names"
for pass in cold warm; do
  start=$(date +%s%N)
  /usr/bin/time -v -o "$tmp/time" "$dv" -v --resolver 127.53.0.53 --timeout 300 "$@" \
    email -f "$tmp/names" > "$tmp/out" 2> "$tmp/err" || true
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000000 ))
  checked=$(grep -c '^== ' "$tmp/out" || true)
  rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$tmp/time")
  queries=$(grep -o '[0-9]* DNS queries' "$tmp/err" | head -n 1 || true)
  echo "$pass: $n names ($checked results), ${ms} ms, $(( n * 1000 / (ms ? ms : 1) )) names/s, ${queries:-? DNS queries}, peak RSS ${rss} KB"
  grep '^dns:' "$tmp/err" | sed 's/^/  /' || true
done
