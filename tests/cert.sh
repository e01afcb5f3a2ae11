#!/bin/sh
# dvcheck cert / certs beyond the declarative scenarios: --resend safety
# (no terminal, --dry-run, confirmation), secrets never printed at -vv,
# retries and paging, JSON schema. Needs root, the DNS lab and the lab ACM
# server (see tests/acm-client-lib.sh).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/acm-client-lib.sh"
export AWS_CA_BUNDLE="$DV_ACM_CA" AWS_ENDPOINT_URL_ACM="$DV_ACM_ENDPOINT"
ARN=arn:aws:acm:us-east-1:123456789012:certificate/ac100000-0000-4000-8000-0000000000
DV() { "$DVCHECK" --resolver "$LAB_RESOLVER" "$@"; }
acm_reset
OUT=$ACM_T/out
sends() { acm_log_count ResendValidationEmail; }
calls() { acm_log_count DescribeCertificate "${ARN}20"; }

# --resend without a terminal and without --yes: refused before any API call
n0=$(sends) d0=$(calls)
DV cert ${ARN}20 --resend </dev/null >"$OUT" 2>&1; rc=$?
[ $rc = 3 ] && grep -q "not a terminal" "$OUT" && ok "--resend without a TTY or --yes: exit 3, clear message" \
  || { nok "--resend without a TTY or --yes refused (exit $rc)"; diag "$(cat "$OUT")"; }
[ "$(sends)" = "$n0" ] && [ "$(calls)" = "$d0" ] && ok "... and no API call was made" || nok "API called despite the refusal"

# --dry-run shows the addresses and sends nothing
n0=$(sends)
DV cert ${ARN}20 --resend --dry-run </dev/null >"$OUT" 2>&1
grep -q "webmaster@good.test" "$OUT" && ok "--dry-run shows who would be mailed" || nok "--dry-run lists the recipients"
[ "$(sends)" = "$n0" ] && ok "--dry-run sends nothing (server log)" || nok "--dry-run sent ResendValidationEmail"

# --yes sends exactly once per name
n0=$(sends)
DV cert ${ARN}20 --resend --yes --domain good.test </dev/null >"$OUT" 2>&1
[ "$(sends)" = $((n0 + 1)) ] && ok "--resend --yes --domain sends one request" || nok "--resend --yes: $(sends) != $n0 + 1"
grep -q "ACM_RESEND_SENT" "$OUT" && ok "... and reports ACM_RESEND_SENT" || nok "ACM_RESEND_SENT missing"

# refusals never call ResendValidationEmail
n0=$(sends)
for c in 01 22 24 28 71; do DV cert ${ARN}$c --resend --yes </dev/null >/dev/null 2>&1; done
[ "$(sends)" = "$n0" ] && ok "refused resends (DNS, HTTP, >72 h, not pending) make no API call" || nok "a refused resend called the API"

# on a terminal: the question; "n" sends nothing, "y" sends
if command -v script >/dev/null 2>&1; then
  n0=$(sends)
  printf 'n\n' | script -qec "$DVCHECK --resolver $LAB_RESOLVER cert ${ARN}20 --resend --domain good.test" /dev/null >"$OUT" 2>&1
  grep -q "Send the validation e-mail" "$OUT" && [ "$(sends)" = "$n0" ] \
    && ok "on a terminal: asks, and 'n' sends nothing" || { nok "terminal confirmation (n)"; diag "$(tail -5 "$OUT")"; }
  printf 'y\n' | script -qec "$DVCHECK --resolver $LAB_RESOLVER cert ${ARN}20 --resend --domain good.test" /dev/null >"$OUT" 2>&1
  [ "$(sends)" = $((n0 + 1)) ] && ok "on a terminal: 'y' sends" || { nok "terminal confirmation (y)"; diag "$(tail -5 "$OUT")"; }
fi

# secrets never appear, at any verbosity, in any output (session-token key)
SECRET=labSecret/EXAMPLETEMP/0000000000000000002
TOKEN=IQoJb3JpZ2luX2VjELAB//////////wEaCXVzLWVhc3QtMSJHMEUCIQDlabSessionToken0000002EXAMPLE=
for args in "-vv cert ${ARN}20 --resend --yes --domain good.test" "-vv --json cert ${ARN}20" \
            "-vv --region eu-west-1 certs" "-vv cert ${ARN}ff" "-vv --json cert ${ARN}93"; do
  # shellcheck disable=SC2086
  AWS_ACCESS_KEY_ID=ASIALABEXAMPLE0000002 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
    DV $args </dev/null >"$OUT" 2>&1
  if grep -qF -e "$SECRET" -e "$TOKEN" -e "Signature=" -e "Authorization" -e "EXAMPLETEMP" "$OUT"; then
    nok "no secret in the output of: $args"
  else ok "no secret in the output of: $args"; fi
done
AWS_ACCESS_KEY_ID=ASIALABEXAMPLE0000002 AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN=$TOKEN \
  DV -vv cert ${ARN}54 </dev/null >"$OUT" 2>&1
grep -q "canonical request" "$OUT" && grep -q "string to sign" "$OUT" && grep -q "x-amz-security-token:<redacted>" "$OUT" \
  && ok "-vv shows the canonical request (token redacted) and the string to sign" || { nok "-vv trace"; diag "$(grep acm: "$OUT" | head)"; }

# retries: throttled twice then served; backoff is short (100 ms base)
acm_reset AKIDLABTHROTTLE000005
t0=$(date +%s%N)
AWS_ACCESS_KEY_ID=AKIDLABTHROTTLE000005 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLETHRT/0000000000000000005 \
  DV -v cert ${ARN}54 </dev/null >"$OUT" 2>&1; rc=$?
t1=$(date +%s%N)
r=$(grep -c "retrying in" "$OUT")
[ $rc = 0 ] && [ "$r" = 2 ] && ok "throttled twice: 2 retries, then success" || { nok "throttle retries (exit $rc, $r retries)"; diag "$(grep acm: "$OUT")"; }
[ $(( (t1 - t0) / 1000000 )) -lt 5000 ] && ok "backoff stays small (base 100 ms)" || nok "backoff took $(( (t1 - t0) / 1000000 )) ms"
acm_reset AKIDLAB5XX00000000006
AWS_ACCESS_KEY_ID=AKIDLAB5XX00000000006 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLE5XX0/0000000000000000006 \
  DV -v cert ${ARN}54 </dev/null >"$OUT" 2>&1; rc=$?
r=$(grep -c "retrying in" "$OUT")
[ $rc = 0 ] && [ "$r" = 2 ] && ok "HTTP 500 twice: 2 retries, then success" || nok "5xx retries (exit $rc, $r retries)"
DV -v cert ${ARN}93 </dev/null >"$OUT" 2>&1; rc=$?
r=$(grep -c "retrying in" "$OUT")
[ $rc = 3 ] && [ "$r" = 2 ] && ok "always throttled: 3 attempts in all, exit 3" || nok "give up after 3 attempts (exit $rc, $r retries)"
DV cert ${ARN}ff </dev/null >"$OUT" 2>&1
grep -q "request_id: " "$OUT" && ok "ACM's request ID is shown" || nok "request ID shown"

# paging and key types
DV -v --region eu-west-1 certs </dev/null >"$OUT" 2>&1
p=$(sed -n 's/.*in \([0-9]*\) page(s).*/\1/p' "$OUT")
[ "${p:-0}" -ge 2 ] && grep -q "301 certificate(s)" "$OUT" && ok "certs follows NextToken ($p pages, 301 certificates)" \
  || { nok "certs paging"; diag "$(tail -3 "$OUT")"; }
DV --json --region us-east-1 certs </dev/null | "$PY" -c '
import json, sys
keys = {r["key_algorithm"] for r in json.load(sys.stdin)["results"]}
sys.exit(0 if {"EC_prime256v1", "EC_secp384r1", "RSA_4096"} <= keys else 1)' \
  && ok "certs lists non-RSA_2048 certificates (Includes.keyTypes)" || nok "certs key types"

# JSON validates against the schema
if "$PY" -c 'import jsonschema' 2>/dev/null; then
  for args in "cert ${ARN}20 --resend --dry-run" "cert ${ARN}01" "cert ${ARN}23" "cert ${ARN}ff" \
              "--region eu-west-1 certs" "cert ${ARN}71"; do
    # shellcheck disable=SC2086
    if DV --json $args </dev/null | "$PY" -c '
import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(sys.stdin))' \
        "$SRCDIR/doc/json-schema.json"; then ok "JSON schema: $args"; else nok "JSON schema: $args"; fi
  done
  AWS_ACCESS_KEY_ID= DV --json cert ${ARN}20 2>/dev/null | "$PY" -c '
import json, sys, jsonschema
jsonschema.Draft202012Validator(json.load(open(sys.argv[1]))).validate(json.load(sys.stdin))' \
    "$SRCDIR/doc/json-schema.json" && ok "JSON schema: missing credentials" || nok "JSON schema: missing credentials"
fi
done_testing
