#!/bin/sh
# The fault matrix (tests/faults/matrix.txt): every peer dvcheck talks to --
# recursive resolver, authoritative server, WHOIS, RDAP, ACM, STS, IMDS,
# container endpoint, SMTP, TLS endpoint -- broken in every way that
# applies (tests/faults/faultpeer.py on 127.60.x.x). Each case: the run ends
# within its deadline + 10 %, the expected finding/exit, no crash, and in
# check mode exactly one status line. Needs root and the lab (its DNS for
# the SMTP cases, its CA and the certificates of tests/lab/certs.conf).
. "$SRCDIR/tests/lib.sh"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"
lab_up
[ -r "${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}/ca/faults-good.pem" ] ||
  skip_all "the running lab predates tests/lab/certs.conf's faults-* certificates: restart it (tests/lab/lab start)"
# the SMTP cases use the lab's DNS only; the STS/IMDS/container cases the
# lab's ACM server (never reached with these faults) -- no lock needed
exec "$PY" "$SRCDIR/tests/faults/run.py" "$DVCHECK" "$SRCDIR"
