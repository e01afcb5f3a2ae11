#!/bin/bash
# Resource faults (issue 17):
#  - allocation failure: tests/faults/failmalloc.c (LD_PRELOAD) fails the Nth
#    malloc/calloc/realloc of the process -- dvcheck's own and those of
#    c-ares, libcurl, OpenSSL, jansson, PCRE2, libc -- for every N of
#    `email good.test` against the lab, every 8th N (FAILMALLOC_STRIDE) of
#    `--json email` of two names, `whois --input` and `dns --cname` (in the
#    libraries' start-up, the same ~2,900 allocations for every command,
#    every 25th): no crash or hang; an exit that differs from the
#    undisturbed run's is 3 with a message (another verdict is reported as
#    a failure). valgrind (definite/indirect leaks, invalid accesses)
#    over a sample of N (FAILMALLOC_VALGRIND, default 4 per run). The ASan build's
#    allocator sits in the executable and comes before any LD_PRELOAD: there
#    the shim counts nothing and these cases SKIP (the gcc build runs them).
#  - `ulimit -n 64` over `email -f` with 2,000 names (no --probe): completes
#    or says what it could not do, no crash.
#  - SIGPIPE: output closed early (`| head -1`): no error spew, no crash.
#  - SIGINT/SIGTERM during a batch: exit 3 within a second, RUN_INTERRUPTED
#    for what was not diagnosed, check mode one "DV UNKNOWN - interrupted".
. "$SRCDIR/tests/lib.sh"
lab_up
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
CC=${CC:-cc}
sanitized=0
grep -q -a '__asan_init' "$DVCHECK" 2>/dev/null && sanitized=1

# ---------------------------------------------------------------- allocation failure
shim="$T/failmalloc.so"
if ! "$CC" -shared -fPIC -O1 -o "$shim" "$SRCDIR/tests/faults/failmalloc.c" -ldl 2>"$T/cc.log"; then
  nok "failmalloc shim builds"; diag "$(cat "$T/cc.log")"
  shim=
fi
# failmalloc_sweep NAME INIT STRIDE ARGS... -- fail the Nth allocation for
# every STRIDE-th N of the run, except in the libraries' start-up
# (ares_library_init, curl_global_init: OpenSSL's ~2,900 allocations, the
# same for every command; INIT = their count, measured with `explain`),
# where every 25th. FAILMALLOC_STRIDE=1 makes every sweep complete.
failmalloc_sweep() {
  local name=$1 init=$2 stride=$3; shift 3
  local base total n rc out bad=0 wrong=0 clean=0 handled=0 vgn=0 vgbad=0 first= firstw= runs=0
  LD_PRELOAD=$shim DV_FAILMALLOC_N=0 DV_FAILMALLOC_COUNT="$T/count" "$DVCHECK" "$@" >/dev/null 2>&1
  base=$?
  total=$(cat "$T/count" 2>/dev/null || echo 0)
  if [ "$total" -lt 100 ]; then
    ok "# SKIP failmalloc $name: the shim counted $total allocations (a sanitizer's allocator comes first)"
    return
  fi
  n=1
  while [ "$n" -le "$total" ]; do
    out=$(LD_PRELOAD=$shim DV_FAILMALLOC_N=$n timeout 30 "$DVCHECK" "$@" 2>&1)
    rc=$?
    runs=$((runs + 1))
    if [ "$rc" -gt 3 ]; then # a signal, or timeout's 124
      bad=$((bad + 1))
      [ -n "$first" ] || first="N=$n: exit $rc (undisturbed $base): $(printf '%s' "$out" | tail -c 300)"
    elif [ "$rc" -eq "$base" ]; then
      clean=$((clean + 1))
    elif [ "$rc" -eq 3 ] && [ -n "$out" ]; then
      handled=$((handled + 1))
    else
      wrong=$((wrong + 1))
      [ -n "$firstw" ] || firstw="N=$n: exit $rc (undisturbed $base): $(printf '%s' "$out" | grep -E '^  (error|warning|fatal)' | head -3 | tr '\n' ' ')"
    fi
    if [ "$n" -ge 40 ] && [ "$n" -lt $((init - 60)) ]; then n=$((n + 25)); else n=$((n + stride)); fi
  done
  if [ "$bad" -eq 0 ]; then
    ok "failmalloc $name: $total allocations, $runs runs each failing one: $handled clean errors (exit 3 + message), $clean absorbed (undisturbed exit $base), 0 crashes or hangs"
  else
    nok "failmalloc $name: $bad of $runs runs crashed or hung"
    diag "first: $first"
  fi
  # An allocation failure inside a DNS lookup (c-ares, or the parse of its
  # answer) used to read as that lookup failing (CAA_LOOKUP_FAILED, exit
  # 2); base/oom.h now makes such a run exit 3 with a message.
  if [ "$wrong" -eq 0 ]; then
    ok "failmalloc $name: no run gave another verdict than the undisturbed one or exit 3 with a message"
  else
    nok "failmalloc $name: $wrong of $runs runs gave another verdict (not exit 3 with a message)"
    diag "first: $firstw"
  fi
  # valgrind over a sample of N (leaks: definite/indirect; memory errors)
  if command -v valgrind >/dev/null 2>&1 && [ "$sanitized" = 0 ]; then
    local k samples=${FAILMALLOC_VALGRIND:-4}
    for k in $(seq 1 "$samples"); do
      n=$(( (total * k) / (samples + 1) ))
      LD_PRELOAD=$shim DV_FAILMALLOC_N=$n timeout 120 valgrind -q --error-exitcode=99 \
        --leak-check=full --errors-for-leak-kinds=definite,indirect \
        "$DVCHECK" "$@" >/dev/null 2>"$T/vg.log"
      rc=$?
      vgn=$((vgn + 1))
      if [ "$rc" -eq 99 ] || [ "$rc" -ge 124 ]; then
        vgbad=$((vgbad + 1)); diag "valgrind N=$n: exit $rc" "$(tail -n 30 "$T/vg.log")"
      fi
    done
    if [ "$vgbad" -eq 0 ]; then ok "failmalloc $name under valgrind: $vgn sampled N, no leak, no memory error"
    else nok "failmalloc $name under valgrind: $vgbad of $vgn sampled N with errors"; fi
  fi
}
if [ -n "$shim" ]; then
  LD_PRELOAD=$shim DV_FAILMALLOC_N=0 DV_FAILMALLOC_COUNT="$T/count" "$DVCHECK" explain MX_NULL >/dev/null 2>&1
  init=$(cat "$T/count" 2>/dev/null || echo 0)
  st=${FAILMALLOC_STRIDE:-8}
  failmalloc_sweep "email good.test" "$init" 1 --resolver "$LAB_RESOLVER" email good.test
  failmalloc_sweep "email --json nomx.test mxcname.test" "$init" "$st" --json --resolver "$LAB_RESOLVER" email nomx.test mxcname.test
  # (libpcre2 10.42's JIT compiler crashed when one of its own allocations
  # failed -- SIGSEGV inside pcre2_jit_compile_8 -- so whois_parse.c no
  # longer JIT-compiles its patterns; a crash here is a failure again)
  failmalloc_sweep "whois --input" "$init" "$st" whois --input "$SRCDIR/whois/fixtures/absent.txt"
  failmalloc_sweep "dns --cname" "$init" "$st" --resolver "$LAB_RESOLVER" dns --cname _a79865eb4cd1a6ab990a45779b4e0b96.dnsok.test=_424c7224e9b0146f9a8808af955727d0.hkmpvcwbzw.acm-validations.aws.
fi

# ---------------------------------------------------------------- ulimit -n 64
names="$T/names.txt"
i=0
{
  while [ $i -lt 2000 ]; do
    case $((i % 4)) in
      0) echo "h$i.good.test" ;;
      1) echo "n$i.nomx.test" ;;
      2) echo "x$i.implicit.test" ;;
      3) echo "m$i.mxcname.test" ;;
    esac
    i=$((i + 1))
  done
} > "$names"
start=$(date +%s)
(ulimit -n 64 && exec "$DVCHECK" --resolver "$LAB_RESOLVER" --timeout 60 email -f "$names") >"$T/fd.out" 2>"$T/fd.err"
rc=$?
el=$(( $(date +%s) - start ))
nres=$(grep -c '^== ' "$T/fd.out")
if [ "$rc" -le 3 ] && ! grep -q 'Sanitizer\|runtime error' "$T/fd.err" &&
   { [ "$nres" -eq 2000 ] || [ -s "$T/fd.err" ] || grep -q 'RUN_DEADLINE\|DNS_RESOLVER_FAILED' "$T/fd.out"; }; then
  ok "ulimit -n 64, email -f with 2000 names: exit $rc in ${el}s, $nres names reported$( [ -s "$T/fd.err" ] && printf ', says: %s' "$(head -c 160 "$T/fd.err" | tr '\n' ' ')")"
else
  nok "ulimit -n 64, email -f with 2000 names: exit $rc, $nres names reported"
  diag "$(tail -n 5 "$T/fd.err")" "$(tail -n 5 "$T/fd.out")"
fi

# ---------------------------------------------------------------- SIGPIPE
for args in "explain" "--resolver $LAB_RESOLVER email -f $names" "--json --resolver $LAB_RESOLVER email -f $names"; do
  # shellcheck disable=SC2086
  ( "$DVCHECK" $args 2>"$T/pipe.err"; echo $? > "$T/pipe.rc" ) | head -1 > /dev/null
  rc=$(cat "$T/pipe.rc")
  if [ "$rc" -le 3 ] && [ ! -s "$T/pipe.err" ]; then
    ok "SIGPIPE: dvcheck ${args%% -f*} ... | head -1 exits $rc quietly"
  else
    nok "SIGPIPE: dvcheck ${args%% -f*} ... | head -1: exit $rc"
    diag "$(head -c 600 "$T/pipe.err")"
  fi
done

# ---------------------------------------------------------------- SIGINT / SIGTERM
# A batch against a resolver that never answers (the lab's blackhole): the
# signal must end it at once, every unfinished name saying RUN_INTERRUPTED.
sigtest() { # sigtest SIG DESCRIPTION EXPECT-REGEX ARGS...
  local sig=$1 desc=$2 rx=$3 pid t0 el rc; shift 3
  "$DVCHECK" "$@" >"$T/sig.out" 2>"$T/sig.err" &
  pid=$!
  sleep 1
  t0=$(date +%s%N)
  kill -"$sig" "$pid"
  wait "$pid"
  rc=$?
  el=$(( ($(date +%s%N) - t0) / 1000000 ))
  if [ "$rc" -eq 3 ] && [ "$el" -lt 1500 ] && grep -Eq -- "$rx" "$T/sig.out" &&
     ! grep -q 'Sanitizer\|runtime error' "$T/sig.err"; then
    ok "SIG$sig $desc: exit 3 ${el} ms after the signal"
  else
    nok "SIG$sig $desc: exit $rc ${el} ms after the signal"
    diag "$(head -n 20 "$T/sig.out")" "$(head -n 5 "$T/sig.err")"
  fi
}
head -n 50 "$names" > "$T/fifty.txt"
sigtest INT "during email -f (50 names)" '^  error   RUN_INTERRUPTED  run' --resolver 127.53.0.99 --timeout 60 email -f "$T/fifty.txt"
sigtest TERM "during email -f (50 names)" '^  error   RUN_INTERRUPTED  run' --resolver 127.53.0.99 --timeout 60 email -f "$T/fifty.txt"
sigtest TERM "during email --json" '"code": "RUN_INTERRUPTED"' --json --resolver 127.53.0.99 --timeout 60 email -f "$T/fifty.txt"
n=$(grep -c 'RUN_INTERRUPTED' "$T/sig.out")
[ "$n" -ge 50 ] && ok "every unfinished name says RUN_INTERRUPTED ($n)" || nok "only $n RUN_INTERRUPTED for 50 names"
sigtest TERM "check --domain" '^DV UNKNOWN - interrupted by SIGTERM' --resolver 127.53.0.99 check --domain good.test -t 60
l=$(wc -l < "$T/sig.out")
[ "$l" -eq 1 ] && ok "check mode interrupted: one line" || nok "check mode interrupted: $l lines"
sigtest INT "dns --cname" 'RUN_INTERRUPTED' --resolver 127.53.0.99 --timeout 60 dns --cname _x.good.test=y.example.
echo "test 127.43.0.7" > "$T/ws" # the lab's drip WHOIS server
sigtest TERM "whois (a server that drips)" 'RUN_INTERRUPTED' --timeout 60 whois a.test --whois-servers "$T/ws" --rdap-bootstrap none --whois-timeout 50
done_testing
