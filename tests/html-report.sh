#!/bin/sh
# Issue 16: `--format html` of `audit` and `expiry` against the lab ACM
# server (ca-central-1 holds the hostile-named certificate, one in ACM's
# renewal window, a pending and an expired one: tests/lab/acm/README.md),
# each page opened in headless Chromium through the DevTools protocol
# (tests/html_check.py): no console errors, no CSP violations, the inline
# script and style allowed by their hashes, the table sorts when a header
# is clicked, the hostile names are text (no element from them), a
# screenshot and a PDF are made. A page whose script was altered must be
# caught by the CSP (the check is not blind). Skips without chromium.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/acm-client-lib.sh"

T=$(mktemp -d /tmp/dvcheck-html.XXXXXX)
trap 'rm -rf "$T"; acm_cleanup' EXIT
HOSTILE="<script>document.title='pwned'</script>.hostile.test"

run() { # run OUT ARGS...: dvcheck against the lab ACM, stdout to $T/OUT
  o=$1; shift
  env AWS_CA_BUNDLE="$DV_ACM_CA" AWS_ENDPOINT_URL_ACM="$DV_ACM_ENDPOINT" \
    AWS_EC2_METADATA_DISABLED=true HOME="$T" \
    "$DVCHECK" --no-color --resolver "$LAB_RESOLVER" "$@" >"$T/$o" 2>"$T/$o.err"
}
check() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else nok "$1"; diag "want: $2" "got:  $3"; fi; }
field() { "$PY" -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"; }

# ---- the pages (no browser needed) ---------------------------------------
run audit.out audit --region ca-central-1 --format html --output "$T/audit.html"
check "audit --format html --output FILE: exit 2 (expired, imported)" 2 $?
check "--output: nothing on standard output" 0 "$(wc -c <"$T/audit.out" | tr -d ' ')"
run expiry.html expiry --region ca-central-1,ap-southeast-2 --days 60 --format html
check "expiry --format html: exit 2" 2 $?
run audit-text.out audit --region ca-central-1
for f in audit.html expiry.html; do
  if grep -q "unsafe-inline" "$T/$f"; then nok "$f: no 'unsafe-inline'"; else ok "$f: no 'unsafe-inline'"; fi
  check "$f: one inline script, one style, hashed in the CSP" "1 1 2" \
    "$(grep -c '<script>' "$T/$f") $(grep -c '<style>' "$T/$f") $(grep -o "'sha256-[A-Za-z0-9+/=]*'" "$T/$f" | wc -l | tr -d ' ')"
  if grep -Eq '(src|href)="(https?:)?//' "$T/$f"; then nok "$f: nothing external"; else ok "$f: nothing external (no src/href to a network)"; fi
  if grep -q "<script>document" "$T/$f"; then nok "$f: the hostile name appears raw"; else ok "$f: the hostile name appears escaped only"; fi
done
check "the same certificates as the text audit, worst first" \
  "mxcname.test hostile stale.test dnsok.test" \
  "$(grep -o '<td class="dom"><a href="#c[0-9]*">[^<]*' "$T/audit.html" | sed 's/.*">//; s/&lt;script.*/hostile/' | tr '\n' ' ' | sed 's/ $//')"
check "control bytes, bidi override and markup in a SAN shown by base/text's rule" yes \
  "$(grep -q '\\x1B\[31mred\\x07&amp;amp;\\xE2\\x80\\xAEtxt.hostile.test' "$T/audit.html" && grep -q '&quot;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;' "$T/audit.html" && echo yes)"

# --org: an account column, and the account that cannot be audited (its
# AssumeRole calls must not land in another test's STS count)
sts_serialize
if curl -sf -m 3 --cacert "$DV_ACM_CA" https://127.48.0.1/_lab/ping >/dev/null 2>&1; then
  mkdir -p "$T/orghome"
  env AWS_ENDPOINT_URL_STS=https://127.48.0.1 AWS_ENDPOINT_URL_ORGANIZATIONS=https://127.48.0.4 \
    AWS_DEFAULT_REGION=us-east-1 HOME="$T/orghome" AWS_CA_BUNDLE="$DV_ACM_CA" \
    AWS_ENDPOINT_URL_ACM="$DV_ACM_ENDPOINT" AWS_EC2_METADATA_DISABLED=true \
    "$DVCHECK" --no-color --resolver "$LAB_RESOLVER" audit --org --region us-east-1 \
    --accounts 200000000001,200000000002,200000000007 --format html >"$T/org.html" 2>"$T/org.err"
  check "audit --org --format html: exit 2" 2 $?
  check "--org: an Account column, a row per account's certificate (10)" "1 10 10" \
    "$(grep -c '<th>Account</th>' "$T/org.html") $(grep -c '<tr class="l-' "$T/org.html") $(grep -Ec '<td class="mono">20000000000[12]' "$T/org.html")"
  check "--org: the account without the role is a finding on the page" 1 \
    "$(grep -c 'ORG_ASSUME_ROLE_FAILED</code> 200000000007' "$T/org.html")"
else
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP lab service aws-auth not answering: --org page not made"
fi

# ---- in the browser --------------------------------------------------------
BROWSER=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$BROWSER" ]; then
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP chromium not installed (tools/deps.sh): pages not opened in a browser"
  done_testing; exit $?
fi
browse() { # browse NAME PAGE ARGS...: tests/html_check.py, its JSON in $T/NAME.json
  n=$1; p=$2; shift 2
  timeout 180 "$PY" "$SRCDIR/tests/html_check.py" "$p" "$T/$n" "$@" >"$T/$n.json" 2>"$T/$n.err"
}
browse audit "$T/audit.html" --rows 4 --expect-text "$HOSTILE" \
  --expect-text "\"'><img src=x onerror=alert(1)>.hostile.test"
rc=$?
check "audit page in Chromium: every check passes (tests/html_check.py)" 0 $rc
[ $rc = 0 ] || diag "$(cat "$T/audit.json" "$T/audit.err")"
check "audit page: no console errors, exceptions or CSP violations" "[] [] [] []" \
  "$(field "$T/audit.json" console_errors) $(field "$T/audit.json" exceptions) $(field "$T/audit.json" log_errors) $(field "$T/audit.json" csp_violations)"
check "audit page: the inline script and style ran under the CSP" "true true" \
  "$(field "$T/audit.json" script_ran) $(field "$T/audit.json" style_applied)"
check "audit page: the hostile name is text; the title is the page's, no <img>, no on* attribute" \
  "true 0 0" \
  "$(field "$T/audit.json" body_text_has | "$PY" -c 'import json,sys; print(str(all(json.load(sys.stdin).values())).lower())') $(field "$T/audit.json" foreign) $(field "$T/audit.json" handler_attrs)"
check "audit page: the title was not changed by a certificate name" yes \
  "$(field "$T/audit.json" title | grep -q '^"dvcheck audit' && echo yes)"
check "clicking 'Days left' sorts ascending, again descending" \
  "[-5, 19, 1000000000, 49] [-5, 19, 49, 1000000000] [1000000000, 49, 19, -5]" \
  "$(field "$T/audit.json" days_before) $(field "$T/audit.json" days_after_click) $(field "$T/audit.json" days_after_second_click)"
check "timeline: a row per certificate, renewal windows of the 2 AMAZON_ISSUED ones with a NotAfter, today" "4 2 1" \
  "$(field "$T/audit.json" timeline_rows) $(field "$T/audit.json" renewal_windows) $(field "$T/audit.json" today_marked)"
check "screenshot (PNG) and print (PDF) made" "true true" \
  "$(field "$T/audit.json" screenshot_png) $(field "$T/audit.json" pdf_ok)"
[ -s "$T/audit/page.png" ] && ok "screenshot file not empty ($(wc -c <"$T/audit/page.png" | tr -d ' ') bytes)" || nok "screenshot file not empty"

browse expiry "$T/expiry.html" --expect-text "$HOSTILE"
rc=$?
check "expiry page in Chromium: every check passes" 0 $rc
[ $rc = 0 ] || diag "$(cat "$T/expiry.json" "$T/expiry.err")"

if [ -s "$T/org.html" ]; then
  browse org "$T/org.html" --rows 10
  rc=$?
  check "--org page in Chromium: every check passes" 0 $rc
  [ $rc = 0 ] || diag "$(cat "$T/org.json" "$T/org.err")"
fi

# the check is not blind: alter the script and the CSP must block it
sed "s/'use strict'/'use  strict'/" "$T/audit.html" >"$T/tampered.html"
browse tampered "$T/tampered.html" --expect-violation
check "a page whose script does not match its hash: the CSP blocks it" "0 false" \
  "$? $(field "$T/tampered.json" script_ran)"
done_testing
