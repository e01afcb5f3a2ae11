#!/bin/sh
# Declarative scenario tests: tests/cases/*.cases against the DNS lab
# (cert.cases and expiry.cases need the lab ACM server: tests/cert-cases.sh
# runs them; smtp-probe.cases: tests/smtp-probe.sh).
. "$SRCDIR/tests/lib.sh"
lab_up
set --
for f in "$SRCDIR"/tests/cases/*.cases; do
  case ${f##*/} in cert.cases|expiry.cases|audit.cases|smtp-probe.cases) ;; *) set -- "$@" "$f" ;; esac
done
exec "$PY" "$SRCDIR/tests/scenarios.py" "$DVCHECK" "$LAB_RESOLVER" "$@"
