#!/bin/sh
# Declarative scenario tests: tests/cases/*.cases against the DNS lab
# (cert.cases needs the lab ACM server: tests/cert-cases.sh runs it).
. "$SRCDIR/tests/lib.sh"
lab_up
set --
for f in "$SRCDIR"/tests/cases/*.cases; do
  [ "${f##*/}" = cert.cases ] || set -- "$@" "$f"
done
exec "$PY" "$SRCDIR/tests/scenarios.py" "$DVCHECK" "$LAB_RESOLVER" "$@"
