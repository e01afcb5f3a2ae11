#!/bin/sh
# Scenario tests for `dvcheck cert` / `certs` / `expiry` (tests/cases/cert.cases,
# expiry.cases)
# against the lab ACM server and the DNS lab.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/acm-client-lib.sh"
acm_reset
"$PY" "$SRCDIR/tests/scenarios.py" "$DVCHECK" "$LAB_RESOLVER" "$SRCDIR/tests/cases/cert.cases" \
  "$SRCDIR/tests/cases/expiry.cases" \
  "$SRCDIR/tests/cases/audit.cases"
