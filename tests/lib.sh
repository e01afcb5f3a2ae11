# dvcheck test helpers (sourced): TAP output for automake's tap-driver.
# Each script prints "1..N" at the end (tap-driver accepts a trailing plan).
T_N=0
T_FAIL=0
ok()   { T_N=$((T_N + 1)); echo "ok $T_N - $*"; }
nok()  { T_N=$((T_N + 1)); T_FAIL=$((T_FAIL + 1)); echo "not ok $T_N - $*"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
diag() { printf '%s\n' "$@" | sed 's/^/# /'; }
done_testing() { echo "1..$T_N"; [ "$T_FAIL" -eq 0 ]; }
: "${DVCHECK:?DVCHECK must name the dvcheck binary}"
: "${SRCDIR:?SRCDIR must name the source tree}"
PY=/usr/bin/python3
# A lab started by the caller (tests/run-all) is reused; else we start one.
lab_up() {
  if [ "$(id -u)" != 0 ]; then skip_all "the DNS lab needs root (port 53)"; fi
  for p in nsd unbound dig "$PY"; do
    command -v "$p" >/dev/null 2>&1 || skip_all "$p not installed (see tools/deps.sh)"
  done
  # Only a lab that is not running at all is started here -- once, under a
  # lock, however many tests arrive at the same time (make check -j) -- and
  # it is left running for the tests after this one (stop it with
  # tests/lab/lab stop). A lab that is partly up is someone else's (another
  # test may be restarting one service): wait for it, never restart it.
  LAB_OWNED=0
  _ld=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
  _st=0
  (
    flock -w 120 7 || true
    _s=0
    "$SRCDIR/tests/lab/lab" status >/dev/null 2>&1 || _s=$?
    if [ "$_s" = 3 ]; then
      "$SRCDIR/tests/lab/lab" start 7>&- >&2 || exit 1
    fi
    exit 0
  ) 7>"$_ld.up-lock" || { echo "Bail out! lab did not start"; exit 1; }
  "$SRCDIR/tests/lab/lab" status >/dev/null 2>&1 || _st=$?
  if [ "$_st" != 0 ]; then
    _i=0
    while [ $_i -lt 20 ] && ! "$SRCDIR/tests/lab/lab" status >/dev/null 2>&1; do
      sleep 0.5; _i=$((_i + 1))
    done
  fi
  LAB_RESOLVER=127.53.0.53
}
# (The locks below lie beside the lab's directory, as lab_up's does: a file
# inside it before the lab has started makes `lab start` refuse the
# directory as not its own.)
# Tests that use the lab ACM server take turns: its fault counters and
# request log are shared, and a reset or a fault cycle of one test must not
# land in the middle of another's (make check runs tests in parallel).
acm_serialize() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 8>"${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}.acm-tests.lock" || return 0
  flock -w 600 8 || true
}
# Tests that only make ACM calls (they count none) share the lab: several
# at once, but never while a counting test holds acm_serialize (their calls
# would land in its counts: org-lab's audit --org did, in acm-scale.sh's).
# Lock order: acm_* before sts_serialize / smtp_serialize.
acm_share() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 8>"${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}.acm-tests.lock" || return 0
  flock -s -w 600 8 || true
}
# Tests that count calls in the lab's STS/SSO/Organizations log take turns
# (tests/creds.sh, aws-auth-lab.sh, org-lab.sh): the log is shared, and an
# AssumeRole of one test landing in another's window was seen under make -j2.
sts_serialize() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 6>"${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}.sts-tests.lock" || return 0
  flock -w 600 6 || true
}
# Tests that talk to the SMTP lab take turns: tests/smtp-probe.sh counts
# the sessions the lab's servers saw while it ran, and tests/smtp-lab.sh
# connects with other clients (one sends DATA to the fixture on purpose).
smtp_serialize() {
  command -v flock >/dev/null 2>&1 || return 0
  exec 9>"${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}.smtp-tests.lock" || return 0
  flock -w 600 9 || true
}
