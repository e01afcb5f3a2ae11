#!/bin/bash
# Benchmark (on demand, not part of the test suite): `dvcheck email` at
# fleet scale (issue 12) against the lab resolver, with Debian's adnshost
# (package adns-tools) doing the same names' MX lookups on the same
# resolver in the same run as the yardstick.
#   sudo bench/fleet.sh [BUILD_DIR] [SIZES] [FORMATS]
#   e.g. bench/fleet.sh build "1000 10000 100000" "text json jsonl"
# Needs a running lab (tests/lab/lab start; run it inside your own network
# namespace if others share the machine) and a built dvcheck. Names are
# NNN.<size>.<run>.fleet.test (the lab's wildcard MX), fresh for every
# size, so each is one MX question the resolver has to ask NSD.
#   cold: the lab's Unbound is restarted first (empty cache), then the run;
#   warm: the same names again at once (Unbound answers from its cache;
#         dvcheck's own per-run cache starts empty each time).
# Per size and format: wall time, names/s, peak RSS (/usr/bin/time), and
# for warm runs the time per name relative to the smallest size (the
# linearity target: 100k within 1.3x of 1k). Targets (issue 12): 100k
# names <= 50 MB peak RSS in every format; warm >= 10,000 names/s; cold
# wall <= adnshost's for the same names.
# Measured figures, profiles and what was cut: bench/fleet-results.md
# (report CPU per name too: on a shared machine it moves less than names/s).
set -euo pipefail
top=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
dv=${1:-$top/build}/src/dvcheck
sizes=${2:-1000 10000 100000}
formats=${3:-text json jsonl}
res=127.53.0.53
lab=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
[ -x "$dv" ] || { echo "fleet bench: no dvcheck at $dv (give the build directory)" >&2; exit 2; }
command -v adnshost >/dev/null || { echo "fleet bench: adnshost missing (apt-get install adns-tools)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "fleet bench: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
[ -r "$lab/resolver/unbound.conf" ] || { echo "fleet bench: no lab at $lab (tests/lab/lab start)" >&2; exit 2; }
tmp=$(mktemp -d)
run_id=$$
# the lab's Unbound keeps its default caches (4 MB messages, 4 MB RRsets),
# too small to hold 100k names warm: give it room for the bench (removed
# again at exit; takes effect at the first cold restart)
bench_conf=$lab/resolver/unbound.d/zz-fleet-bench.conf
mkdir -p "$lab/resolver/unbound.d"
printf 'server:\n    msg-cache-size: 256m\n    rrset-cache-size: 512m\n    key-cache-size: 16m\n' > "$bench_conf"
trap 'rm -rf "$tmp" "$bench_conf"' EXIT

# restart the lab's Unbound: an empty cache (its remote control is off)
cold_resolver() {
  local pid
  pid=$(cat "$lab/resolver/unbound.pid" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  unbound -c "$lab/resolver/unbound.conf"
  for _ in $(seq 1 50); do
    dig +time=1 +tries=1 @"$res" lab-bench-probe.invalid >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "fleet bench: unbound did not come back" >&2; exit 1
}

# measure OUT CMD...: prints "wall_ms rss_kb cpu_ms" (user + system: the
# figure that means something on a loaded machine)
measure() {
  local out=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$tmp/time" "$@" > "$out" 2> "$tmp/err" || true
  awk '{ printf "%d %d %d\n", $1 * 1000, $2, ($3 + $4) * 1000 }' "$tmp/time" | tail -n 1
}

count_results() { # FORMAT FILE
  case $1 in
    text) grep -c '^== ' "$2" || true ;;
    json) python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]))' "$2" ;;
    jsonl) echo $(( $(wc -l < "$2") - 1 )) ;;
  esac
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-7s %-6s %-5s %9s %9s %9s %10s %9s\n' names format cache wall_ms names/s rss_MB us/name cpu_ms
declare -A per_name
first=""
for n in $sizes; do
  list=$tmp/names.$n
  for i in $(seq 1 "$n"); do echo "$i.n$n.r$run_id.fleet.test"; done > "$list"
  for f in $formats; do
    case $f in text) fo=();; json) fo=(--json);; jsonl) fo=(--format jsonl);; esac
    # each format gets its own names: a cold run must be cold
    sed "s/\.n$n\./.n$n$f./" "$list" > "$list.$f"
    for cache in cold warm; do
      [ $cache = cold ] && cold_resolver
      read -r ms kb cpu < <(measure "$tmp/out" "$dv" --resolver "$res" --timeout 3600 "${fo[@]}" email -f "$list.$f")
      got=$(count_results "$f" "$tmp/out")
      [ "$got" = "$n" ] || { echo "fleet bench: $n names, $f, $cache: $got results -- no figure" >&2; tail -n 3 "$tmp/err" >&2; exit 1; }
      us=$(awk -v ms="$ms" -v n="$n" 'BEGIN { printf "%.1f", ms * 1000 / n }')
      printf '%-7s %-6s %-5s %9d %9.0f %9.1f %10s %9d\n' "$n" "$f" "$cache" "$ms" \
        "$(awk -v ms="$ms" -v n="$n" 'BEGIN { print (ms > 0 ? n * 1000 / ms : 0) }')" \
        "$(awk -v kb="$kb" 'BEGIN { print kb / 1024 }')" "$us" "$cpu"
      [ $cache = warm ] && per_name[$n.$f]=$us
    done
  done
  # the yardstick: adnshost, MX only (type mx-: no address lookups), all
  # names submitted at once (-a -f), same resolver, cold then warm
  sed "s/\.n$n\./.n${n}adns./" "$list" > "$list.adns"
  for cache in cold warm; do
    [ $cache = cold ] && cold_resolver
    read -r ms kb cpu < <(measure "$tmp/adns.out" adnshost --config "nameserver $res" -a -f -Fi -tmx- < "$list.adns")
    ans=$(grep -c ' MX ' "$tmp/adns.out" || true)
    printf '%-7s %-6s %-5s %9d %9.0f %9.1f %10s %9d  (%s of %s answered with MX)\n' "$n" adns "$cache" "$ms" \
      "$(awk -v ms="$ms" -v n="$n" 'BEGIN { print (ms > 0 ? n * 1000 / ms : 0) }')" \
      "$(awk -v kb="$kb" 'BEGIN { print kb / 1024 }')" \
      "$(awk -v ms="$ms" -v n="$n" 'BEGIN { printf "%.1f", ms * 1000 / n }')" "$cpu" "$ans" "$n"
  done
  [ -n "$first" ] || first=$n
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "warm time per name relative to $first names (target: <= 1.3 at 100,000):"
for n in $sizes; do
  for f in $formats; do
    awk -v a="${per_name[$n.$f]}" -v b="${per_name[$first.$f]}" -v n="$n" -v f="$f" \
      'BEGIN { printf "  %-7s %-6s %.2f\n", n, f, (b > 0 ? a / b : 0) }'
  done
done
