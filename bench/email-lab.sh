#!/bin/bash
# Benchmark (on demand, not part of the test suite): how long `dvcheck email`
# takes for many names against the lab, and how many DNS queries it sends.
#   sudo bench/email-lab.sh [BUILD_DIR] [COPIES]
# Needs a running lab (tests/lab/lab start) and a built dvcheck.
set -euo pipefail
top=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
dv=${1:-$top/build}/src/dvcheck
copies=${2:-20}
names=$(grep -h '^run: email' "$top"/tests/cases/*.cases | sed 's/^run: email//' | tr ' ' '\n' | grep . | sort -u)
list=$(mktemp); trap 'rm -f "$list"' EXIT
for i in $(seq 1 "$copies"); do
  for n in $names; do case $n in \**) echo "$n";; *) echo "x$i.$n"; echo "$n";; esac; done
done | sort -u > "$list"
echo "names: $(wc -l < "$list")"
start=$(date +%s%N)
"$dv" -v --resolver 127.53.0.53 --timeout 60 email -f "$list" > /dev/null || true
end=$(date +%s%N)
echo "wall: $(( (end - start) / 1000000 )) ms"
