#!/bin/sh
# The docs are generated from the code: they must match it exactly, and
# every catalogue code must have a scenario that fires it.
. "$SRCDIR/tests/lib.sh"
for kind in man:doc/dvcheck.1 findings:doc/findings.md; do
  gen=${kind%%:*} file=${kind#*:}
  if "$GENDOC" "$gen" | cmp -s - "$SRCDIR/$file"; then ok "$file is up to date"
  else nok "$file is stale: run 'make docs'"; fi
done
for code in $("$DVCHECK" explain | awk '{print $1}'); do
  if grep -h '^codes:' "$SRCDIR"/tests/cases/*.cases | grep -qw "$code"; then
    ok "catalogue code $code has a scenario"
  else nok "catalogue code $code has no scenario in tests/cases"; fi
done
done_testing
