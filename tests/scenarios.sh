#!/bin/sh
# Declarative scenario tests: tests/cases/*.cases against the DNS lab.
. "$SRCDIR/tests/lib.sh"
lab_up
exec "$PY" "$SRCDIR/tests/scenarios.py" "$DVCHECK" "$LAB_RESOLVER" \
  "$SRCDIR"/tests/cases/*.cases
