#!/bin/sh
# check_dv under a real Nagios core: Debian's nagios4 runs in the
# foreground with a generated config in a temporary directory (no Apache,
# no system service), schedules check_dv services against the lab every
# few seconds, and we assert the states and the perfdata Nagios recorded
# in its status file. Also: the binary behaves as check_dv through a
# symlink (argv[0]), with or without Nagios.
. "$SRCDIR/tests/lib.sh"

T=$(mktemp -d "${TMPDIR:-/tmp}/dvcheck-nagios.XYZXXXXXX") || exit 1
NPID=
cleanup() {
  if [ -n "$NPID" ]; then kill "$NPID" 2>/dev/null; wait "$NPID" 2>/dev/null; fi
  rm -rf "$T"
}
trap cleanup EXIT
ln -s "$DVCHECK" "$T/check_dv"

# ---- argv[0]: check_dv is `dvcheck check` ------------------------------------
out=$("$T/check_dv" --host 'bad host' 2>/dev/null); rc=$?
case $rc:$out in
  "3:DV UNKNOWN - endpoint 'bad host': not a host name"*) ok "check_dv: bad usage is one UNKNOWN line, exit 3" ;;
  *) nok "check_dv: bad usage is one UNKNOWN line, exit 3 (exit $rc)"; diag "$out" ;;
esac
out=$("$T/check_dv" 2>/dev/null); rc=$?
[ "$rc" = 3 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && ok "check_dv without a target: one line, exit 3" \
  || { nok "check_dv without a target (exit $rc)"; diag "$out"; }
out=$("$T/check_dv" --help 2>&1); rc=$?
case $rc:$out in 0:*"check --host HOST[:PORT]"*"--warning RANGE"*) ok "check_dv --help" ;;
  *) nok "check_dv --help (exit $rc)"; diag "$out" ;; esac
out=$("$T/check_dv" --version 2>&1); rc=$?
case $rc:$out in 0:dvcheck*) ok "check_dv --version" ;; *) nok "check_dv --version (exit $rc)" ;; esac

# ---- a real Nagios core ------------------------------------------------------
NAGIOS=${NAGIOS4:-/usr/sbin/nagios4}
if [ ! -x "$NAGIOS" ]; then
  echo "ok $((T_N + 1)) # SKIP nagios4 not installed (apt-get install nagios4-core)"
  T_N=$((T_N + 1)); done_testing; exit $?
fi
if [ "$(id -u)" != 0 ]; then
  echo "ok $((T_N + 1)) # SKIP the lab and the Nagios test need root"
  T_N=$((T_N + 1)); done_testing; exit $?
fi
lab_up
acm_share
CA=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}/ca
[ -r "$CA/endpoint-current.pem" ] || { nok "lab certificates in $CA (restart the lab)"; done_testing; exit 1; }
# the lab ACM server (--arn services)
ACM=https://127.45.0.1
acm_ping() { curl -sf --max-time 3 --cacert "$CA/ca.pem" "$ACM/_lab/ping" >/dev/null 2>&1 ||
  { sleep 1; curl -sf --max-time 5 --cacert "$CA/ca.pem" "$ACM/_lab/ping" >/dev/null 2>&1; }; }
acm_ping || "$SRCDIR/tests/lab/lab" service start acm >&2 || true
acm_ping || { nok "the lab ACM service answers on $ACM"; done_testing; exit 1; }

# Nagios refuses nothing as root when nagios_user/nagios_group are root; it
# runs the checks as that user. Its check workers inherit no variables we
# rely on: the CA bundle goes through /usr/bin/env on the command line.
mkdir -p "$T/checkresults"
chmod 755 "$T"
# $USER3$/$USER4$: the lab's AWS key. Only in this resource file (deleted
# with $T): Nagios never shows $USERn$ macros in its objects cache or CGIs.
cat >"$T/resource.cfg" <<EOF
\$USER1\$=$T
\$USER2\$=$CA
\$USER3\$=AKIDLABEXAMPLE0000001
\$USER4\$=labSecret/EXAMPLEKEY/00000000000000000001
\$USER5\$=$ACM
EOF
chmod 600 "$T/resource.cfg"
cat >"$T/nagios.cfg" <<EOF
log_file=$T/nagios.log
cfg_file=$T/objects.cfg
resource_file=$T/resource.cfg
object_cache_file=$T/objects.cache
precached_object_file=$T/objects.precache
status_file=$T/status.dat
status_update_interval=1
temp_file=$T/nagios.tmp
temp_path=$T
lock_file=$T/nagios.lock
check_result_path=$T/checkresults
state_retention_file=$T/retention.dat
retain_state_information=0
use_retained_program_state=0
query_socket=$T/nagios.qh
command_file=$T/nagios.cmd
check_external_commands=0
nagios_user=root
nagios_group=root
use_syslog=0
log_rotation_method=n
interval_length=1
service_inter_check_delay_method=n
host_inter_check_delay_method=n
max_service_check_spread=1
check_result_reaper_frequency=1
max_check_result_reaper_time=1
execute_service_checks=1
execute_host_checks=0
enable_notifications=0
enable_event_handlers=0
process_performance_data=0
enable_flap_detection=0
check_for_orphaned_services=0
check_for_updates=0
bare_update_check=1
service_check_timeout=30
check_workers=2
debug_level=0
EOF
DVC="/usr/bin/env DVCHECK_CA_BUNDLE=\$USER2\$/ca.pem \$USER1\$/check_dv --resolver 127.53.0.53"
# ACM: the credentials, endpoint and CA through env too; nothing from the
# machine's own AWS configuration
DVA="/usr/bin/env DVCHECK_CA_BUNDLE=\$USER2\$/ca.pem AWS_ACCESS_KEY_ID=\$USER3\$ AWS_SECRET_ACCESS_KEY=\$USER4\$ AWS_ENDPOINT_URL_ACM=\$USER5\$ AWS_CA_BUNDLE=\$USER2\$/ca.pem AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent AWS_EC2_METADATA_DISABLED=true \$USER1\$/check_dv --resolver 127.53.0.53"
ARN=arn:aws:acm:us-east-1:123456789012:certificate/ac100000-0000-4000-8000-0000000000
cat >"$T/objects.cfg" <<EOF
define command {
  command_name check_dv
  command_line $DVC \$ARG1\$
}
define command {
  command_name check_dv_acm
  command_line $DVA \$ARG1\$
}
define timeperiod {
  timeperiod_name always
  alias always
  sunday 00:00-24:00
  monday 00:00-24:00
  tuesday 00:00-24:00
  wednesday 00:00-24:00
  thursday 00:00-24:00
  friday 00:00-24:00
  saturday 00:00-24:00
}
define contact {
  contact_name nobody
  host_notifications_enabled 0
  service_notifications_enabled 0
  host_notification_period always
  service_notification_period always
  host_notification_options n
  service_notification_options n
  host_notification_commands check_dv
  service_notification_commands check_dv
}
define host {
  host_name lab
  address 127.47.0.1
  max_check_attempts 1
  check_period always
  contacts nobody
  notification_period always
  active_checks_enabled 0
}
define service {
  name dv
  register 0
  host_name lab
  max_check_attempts 1
  check_interval 3
  retry_interval 3
  check_period always
  notification_period always
  contacts nobody
  notifications_enabled 0
}
define service {
  use dv
  service_description ep-ok
  check_command check_dv!--host current.endpoint.test
}
define service {
  use dv
  service_description ep-warning
  check_command check_dv!--host 127.47.0.4 -w 30: -c 5:
}
define service {
  use dv
  service_description ep-critical
  check_command check_dv!--host expired.endpoint.test
}
define service {
  use dv
  service_description ep-stale
  check_command check_dv!--host 127.47.0.2 --expect-pem \$USER2\$/endpoint-current.pem
}
define service {
  use dv
  service_description domain-ok
  check_command check_dv!--domain dnsok.test
}
define service {
  use dv
  service_description domain-fail
  check_command check_dv!--domain caa-forbid.test
}
define service {
  use dv
  service_description usage
  check_command check_dv!--host 127.47.0.1 -w 20:10
}
define service {
  use dv
  service_description arn-ok
  check_command check_dv_acm!--arn ${ARN}50
}
define service {
  use dv
  service_description arn-renewal-failed
  check_command check_dv_acm!--arn ${ARN}52
}
define service {
  use dv
  service_description arn-pending
  check_command check_dv_acm!--arn ${ARN}01
}
define service {
  use dv
  service_description arn-host-stale
  check_command check_dv_acm!--host 127.47.0.2 --arn ${ARN}80
}
EOF
if out=$("$NAGIOS" -v "$T/nagios.cfg" 2>&1); then ok "nagios4 accepts the generated config"
else nok "nagios4 accepts the generated config"; diag "$out"; done_testing; exit 1; fi

"$NAGIOS" "$T/nagios.cfg" >"$T/stdout" 2>&1 &
NPID=$!
# Wait (at most 60 s) until every service has a check result in status.dat.
n=0
while [ $n -lt 120 ]; do
  if [ -r "$T/status.dat" ] && [ "$(awk '/^servicestatus/ {s=1} s && /has_been_checked=1/ {c++; s=0} END {print c+0}' "$T/status.dat")" = 11 ]; then
    break
  fi
  kill -0 "$NPID" 2>/dev/null || break
  sleep 0.5; n=$((n + 1))
done
kill -0 "$NPID" 2>/dev/null && ok "nagios4 runs in the foreground" || { nok "nagios4 runs"; diag "$(tail -n 20 "$T/stdout" "$T/nagios.log" 2>/dev/null)"; }

# service DESC -> "state|plugin_output|performance_data" from status.dat
svc() {
  awk -v want="$1" '
    /^servicestatus/ { s = 1; d = st = o = p = ""; next }
    s && /^\tservice_description=/ { d = substr($0, index($0, "=") + 1) }
    s && /^\tcurrent_state=/ { st = substr($0, index($0, "=") + 1) }
    s && /^\tplugin_output=/ { o = substr($0, index($0, "=") + 1) }
    s && /^\tperformance_data=/ { p = substr($0, index($0, "=") + 1) }
    s && /^\t}/ { if (d == want) print st "|" o "|" p; s = 0 }
  ' "$T/status.dat"
}
expect() { # expect DESC STATE OUTPUT-GLOB PERF-GLOB
  got=$(svc "$1")
  st=${got%%|*} rest=${got#*|}
  o=${rest%%|*} p=${rest#*|}
  # shellcheck disable=SC2254
  case $st in $2) s_ok=1 ;; *) s_ok=0 ;; esac
  # shellcheck disable=SC2254
  case $o in $3) o_ok=1 ;; *) o_ok=0 ;; esac
  # shellcheck disable=SC2254
  case $p in $4) p_ok=1 ;; *) p_ok=0 ;; esac
  if [ "$s_ok$o_ok$p_ok" = 111 ]; then ok "nagios: $1 is state $2 with the expected output and perfdata"
  else nok "nagios: $1: state '$st' (want $2), output '$o', perfdata '$p'"; fi
}
expect ep-ok 0 "DV OK - current.endpoint.test:443: certificate expires in * days*" "days=*;30:;14:;; time=*s;;;0;"
expect ep-warning 1 "DV WARNING - 127.47.0.4:443: certificate expires in * days*" "days=*;30:;5:;; time=*s;;;0;"
expect ep-critical 2 "DV CRITICAL - expired.endpoint.test:443: certificate expired * days ago*" "days=-*;30:;14:;; time=*"
expect ep-stale 1 "DV WARNING - 127.47.0.2:443: *serves serial *, not the expected *" "days=*;30:;14:;; time=*"
expect domain-ok 0 "DV OK - dnsok.test: DNS validation can work*" "methods=2;;;0;2 time=*s;;;0;"
expect domain-fail 2 "DV CRITICAL - caa-forbid.test: CAA forbids Amazon*" "methods=0;;;0;2 time=*"
expect usage 3 "DV UNKNOWN - -w '20:10': start greater than end" ""
expect arn-ok 0 "DV OK - dnsok.test (AMAZON_ISSUED): ISSUED, expires in * days*" "days_left=*;30:;14:;; pending_names=0;;;0; time=*s;;;0;"
expect arn-renewal-failed 2 "DV CRITICAL - caa-forbid.test (AMAZON_ISSUED): ISSUED, expires in * days *, renewal FAILED (CAA_ERROR)" "days_left=*;30:;14:;; pending_names=0;;;0; time=*"
expect arn-pending 1 "DV WARNING - dnsok.test (AMAZON_ISSUED): PENDING_VALIDATION: 2 of 2 name(s) not validated yet" "pending_names=2;;;0; time=*s;;;0;"
expect arn-host-stale 1 "DV WARNING - 127.47.0.2:443: *serves serial *, not ACM's certificate (serial *): the served one expires sooner*" "days=*;30:;14:;; time=*"
if grep -q "labSecret" "$T/objects.cache" "$T/status.dat" "$T/nagios.log" 2>/dev/null; then
  nok "nagios: the AWS secret stays in the resource file"
else ok "nagios: the AWS secret stays in the resource file"; fi
# long output (the lines after the first) is kept apart from the status line
if grep -q '^	long_plugin_output=.*ENDPOINT_CERT_NOT_EXPECTED' "$T/status.dat"; then
  ok "nagios: long output recorded separately"
else nok "nagios: long output recorded separately"; fi
done_testing
