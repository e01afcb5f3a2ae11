# Sourced by tests/cert*.sh: the lab ACM server for dvcheck's ACM client.
# Uses the lab service on 127.45.0.1 when it answers with a certificate
# from the lab CA; otherwise (a lab started from a services.conf without
# the acm line) runs a private instance on 127.45.0.3 with its own
# certificate from the lab CA. Exports DV_ACM_ENDPOINT, DV_ACM_CA and the
# lab's first key as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
[ "$(id -u)" = 0 ] || skip_all "the lab needs root"
"$PY" -c 'import botocore' 2>/dev/null || skip_all "python3-botocore not installed"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"
command -v curl >/dev/null 2>&1 || skip_all "curl not installed"
ACM_LAB="$SRCDIR/tests/lab/lab"
ACM_LABDIR=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
ACM_CADIR=$ACM_LABDIR/ca
ACM_ADDR=127.45.0.1
ACM_T=$(mktemp -d /tmp/dvcheck-acm-client.XXXXXX)
ACM_PRIV_PID=
acm_cleanup() {
  [ -n "$ACM_PRIV_PID" ] && kill "$ACM_PRIV_PID" 2>/dev/null
  rm -rf "$ACM_T"
  [ "${LAB_OWNED:-0}" = 1 ] && "$ACM_LAB" stop >/dev/null 2>&1
}
acm_ping() { curl -sf --max-time 3 --cacert "$ACM_CADIR/ca.pem" "https://$1/_lab/ping" >/dev/null 2>&1 ||
  { sleep 1; curl -sf --max-time 5 --cacert "$ACM_CADIR/ca.pem" "https://$1/_lab/ping" >/dev/null 2>&1; }; }
lab_up
acm_serialize
trap acm_cleanup EXIT
if ! acm_ping $ACM_ADDR && ! curl -skf --max-time 3 "https://$ACM_ADDR/_lab/ping" >/dev/null 2>&1; then
  "$ACM_LAB" service start acm 8>&- >&2 || true
fi
if ! acm_ping $ACM_ADDR; then
  ACM_ADDR=127.45.0.3
  printf '# the lab ACM service on 127.45.0.1 is unusable here (certificate or service missing): private server on %s\n' "$ACM_ADDR"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$ACM_T/s.key" \
    -out "$ACM_T/s.csr" -subj "/CN=$ACM_ADDR" >/dev/null 2>&1 &&
  printf 'subjectAltName=IP:%s\n' "$ACM_ADDR" >"$ACM_T/ext" &&
  openssl x509 -req -in "$ACM_T/s.csr" -CA "$ACM_CADIR/ca.pem" -CAkey "$ACM_CADIR/ca.key" \
    -CAserial "$ACM_T/srl" -CAcreateserial -days 2 -extfile "$ACM_T/ext" -out "$ACM_T/s.pem" >/dev/null 2>&1 \
    || { echo "Bail out! cannot issue a certificate from the lab CA"; exit 1; }
  "$PY" "$SRCDIR/tests/lab/acm_server.py" --pidfile "$ACM_T/pid" --addr "$ACM_ADDR" --port 443 \
    --cert "$ACM_T/s.pem" --key "$ACM_T/s.key" --ca-dir "$ACM_CADIR" \
    --data "$SRCDIR/tests/lab/acm" 8>&- >"$ACM_T/log" 2>&1 &
  ACM_PRIV_PID=$!
  i=0
  while ! acm_ping $ACM_ADDR; do
    i=$((i + 1))
    [ $i -lt 100 ] || { echo "Bail out! private ACM server did not start"; cat "$ACM_T/log" >&2; exit 1; }
    sleep 0.1
  done
fi
DV_ACM_ENDPOINT=https://$ACM_ADDR
DV_ACM_CA=$ACM_CADIR/ca.pem
AWS_ACCESS_KEY_ID=AKIDLABEXAMPLE0000001
AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEKEY/00000000000000000001
export DV_ACM_ENDPOINT DV_ACM_CA AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL AWS_ENDPOINT_URL_ACM AWS_REGION AWS_DEFAULT_REGION
acm_reset() { curl -sf --max-time 3 --cacert "$DV_ACM_CA" "$DV_ACM_ENDPOINT/_lab/reset${1:+?key=$1}" >/dev/null; }
# acm_log_count OP [ARN]: how many OP requests (for ARN) the server logged
# so far with our key (other users of the lab server use other keys)
acm_log_count() {
  curl -sf --max-time 3 --cacert "$DV_ACM_CA" "$DV_ACM_ENDPOINT/_lab/log" |
    "$PY" -c 'import json,sys
op, arn, key = sys.argv[1], sys.argv[2], sys.argv[3]
print(sum(1 for e in json.load(sys.stdin)["log"] if e.get("op") == op
          and e.get("access_key") == key and (not arn or e.get("arn") == arn)))' \
      "$1" "${2:-}" "$AWS_ACCESS_KEY_ID"
}
