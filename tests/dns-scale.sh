#!/bin/sh
# The resolver at scale, against the lab (bulk.test: a wildcard MX, any
# number of names): several --resolver used together where one never
# answers (127.53.0.99, the lab's blackhole) -- every name still gets the
# same result as with the good resolver alone, and the dead one is skipped
# after a few timeouts; --max-inflight 1 still completes; the --timeout
# deadline holds while timed-out queries are retried.
. "$SRCDIR/tests/lib.sh"
lab_up
HOLE=127.53.0.99
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
i=0; while [ $i -lt 300 ]; do echo "scale$i.bulk.test"; i=$((i + 1)); done > "$T/names"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

rc=0; "$DVCHECK" -v --resolver "$LAB_RESOLVER" --timeout 60 email -f "$T/names" \
  > "$T/ref" 2> "$T/ref.err" || rc=$?
n=$(grep -c '^== ' "$T/ref" || true)
if [ "$n" = 300 ] && [ $rc -lt 3 ]; then ok "300 names through the lab resolver (exit $rc)"
else nok "300 names through the lab resolver: $n results, exit $rc"; diag "$(tail -n 5 "$T/ref.err")"; fi

# the blackhole first, so it gets queries before it is found out
rc2=0; t0=$(now_ms)
"$DVCHECK" -v --resolver $HOLE --resolver "$LAB_RESOLVER" --timeout 60 email -f "$T/names" \
  > "$T/two" 2> "$T/two.err" || rc2=$?
t1=$(now_ms)
if cmp -s "$T/ref" "$T/two" && [ $rc2 = $rc ]; then
  ok "one resolver a blackhole: all 300 answers arrive, output identical ($((t1 - t0)) ms)"
else nok "one resolver a blackhole: output differs (exit $rc2)"; diag "$(diff "$T/ref" "$T/two" | head -n 20)"; fi
hole_line=$(grep "dns:   $HOLE:53:" "$T/two.err" || true)
good_line=$(grep "dns:   $LAB_RESOLVER:53:" "$T/two.err" || true)
hole_sent=$(printf '%s\n' "$hole_line" | sed -n 's/.*:53: \([0-9]*\) sent, \([0-9]*\) answered.*/\1/p')
hole_ans=$(printf '%s\n' "$hole_line" | sed -n 's/.*:53: \([0-9]*\) sent, \([0-9]*\) answered.*/\2/p')
if [ -n "$hole_sent" ] && [ "$hole_ans" = 0 ] && [ "$hole_sent" -le 40 ] &&
   printf '%s\n' "$hole_line" | grep -q "skipped"; then
  ok "the blackhole is skipped after a few timeouts ($hole_sent queries to it)"
else nok "the blackhole is skipped"; diag "$hole_line" "$good_line"; fi
retries=$(sed -n 's/.*sent (\([0-9]*\) retries.*/\1/p' "$T/two.err")
if [ -n "$retries" ] && [ "$retries" = "$hole_sent" ]; then
  ok "every query that timed out on the blackhole was retried on the other ($retries)"
else nok "retries ($retries) = queries lost to the blackhole ($hole_sent)"; diag "$(grep '^dns:' "$T/two.err")"; fi

head -n 50 "$T/names" > "$T/names50"
rc3=0; "$DVCHECK" -v --max-inflight 1 --resolver "$LAB_RESOLVER" --timeout 60 email -f "$T/names50" \
  > "$T/one" 2> "$T/one.err" || rc3=$?
"$DVCHECK" -v --resolver "$LAB_RESOLVER" --timeout 60 email -f "$T/names50" > "$T/one.ref" 2>/dev/null || true
if cmp -s "$T/one" "$T/one.ref" && grep -q "window 1 (peak 1, ceiling 1), at most 1 in flight" "$T/one.err"; then
  ok "--max-inflight 1: 50 names complete, one query at a time"
else nok "--max-inflight 1 (exit $rc3)"; diag "$(grep "^dns:" "$T/one.err")" "$(diff "$T/one" "$T/one.ref" | head -n 10)"; fi

# Only the blackhole, 2 s per try, 2 tries, a 3 s deadline: the retry starts
# (1 s left), the deadline cuts it; the run ends at the deadline.
rc4=0; t0=$(now_ms)
"$DVCHECK" -v --resolver $HOLE --timeout 3 email scale1.bulk.test > "$T/dl" 2> "$T/dl.err" || rc4=$?
t1=$(now_ms)
# the run's own clock (-v), not the process's: start-up is slow on a loaded
# machine or under ASan
run_ms=$(sed -n 's/^dvcheck: .*, \([0-9]*\) ms$/\1/p' "$T/dl.err")
limit=3500
[ -n "$run_ms" ] || { run_ms=$((t1 - t0)); limit=6000; }
if [ $rc4 = 3 ] && [ "$run_ms" -lt $limit ] &&
   [ $((t1 - t0)) -lt 10000 ] && grep -q RUN_DEADLINE "$T/dl" &&
   grep -q "dns: .* sent ([1-9][0-9]* retries" "$T/dl.err"; then
  ok "deadline honoured with retries: exit 3 after $run_ms ms"
else nok "deadline with retries: exit $rc4 after $((t1 - t0)) ms"; diag "$(cat "$T/dl.err")"; fi

rc5=0; "$DVCHECK" --max-inflight 0 email x.test > /dev/null 2> "$T/bad" || rc5=$?
if [ $rc5 = 3 ] && grep -q -- "--max-inflight '0'" "$T/bad"; then ok "--max-inflight 0 is a usage error"
else nok "--max-inflight 0: exit $rc5"; diag "$(cat "$T/bad")"; fi
done_testing
