#!/bin/sh
# WHOIS/RDAP analysis: the synthetic fixtures, and the real-world corpus in
# ../shared/corpus (skipped with a message when it is absent). The corpus bar:
# >= 99 % of e-mail roles, >= 99 % of other roles, 0 throttle errors.
. "$SRCDIR/tests/lib.sh"
out=$("$BUILDDIR/whois/fixture_test" "$SRCDIR/whois" 2>&1); rc=$?
if [ $rc -eq 0 ]; then ok "whois fixtures ($(printf '%s\n' "$out" | tail -n 1))"
else nok "whois fixtures"; diag "$(printf '%s\n' "$out" | grep -v '^ok' | tail -n 40)"; fi
out=$("$BUILDDIR/whois/corpus_test" "$DV_CORPUS" "$SRCDIR/whois" 2>&1); rc=$?
case $rc in
  0) ok "whois corpus: $(printf '%s\n' "$out" | grep -i 'e-mail roles\|email roles' | head -n 1)"
     diag "$(printf '%s\n' "$out" | tail -n 6)";;
  77) T_N=$((T_N + 1)); echo "ok $T_N # SKIP whois corpus: not found at $DV_CORPUS";;
  *) nok "whois corpus below the bar"; diag "$(printf '%s\n' "$out" | tail -n 40)";;
esac
done_testing
