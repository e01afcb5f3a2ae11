#!/bin/sh
# base/http.c (libcurl multi on the event loop) against a local fixture
# server: status mapping, caps, timeouts, TLS verification, concurrency,
# deadline cancellation. No root, no lab: ephemeral ports on 127.0.0.1.
. "$SRCDIR/tests/lib.sh"
PROBE=${HTTP_PROBE:-"$BUILDDIR/tests/http/http_probe"}
[ -x "$PROBE" ] || skip_all "http_probe not built"
command -v openssl >/dev/null 2>&1 || skip_all "openssl not installed"
T=$(mktemp -d) || exit 1
SRV=
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT INT TERM
# a CA and a certificate for 127.0.0.1, and a self-signed one (untrusted)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$T/ca.key" -out "$T/ca.pem" -days 2 -subj /CN=http-test-ca \
  -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1 || { nok "openssl CA"; done_testing; exit 1; }
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$T/srv.key" -out "$T/srv.csr" -subj /CN=127.0.0.1 >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' > "$T/ext"
openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" \
  -CAcreateserial -days 2 -extfile "$T/ext" -out "$T/srv.pem" >/dev/null 2>&1
"$PY" "$SRCDIR/tests/http/http_server.py" "$T/ports" "$T/srv.pem" "$T/srv.key" 2>"$T/server.log" &
SRV=$!
i=0
while [ ! -s "$T/ports" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
read -r HP SP < "$T/ports" || { nok "fixture server did not start"; done_testing; exit 1; }
H="http://127.0.0.1:$HP"
S="https://127.0.0.1:$SP"
export DVCHECK_CA_BUNDLE="$T/ca.pem"

expect() { # expect DESCRIPTION PATTERN PROBE-ARGS...
  d=$1 pat=$2; shift 2
  out=$("$PROBE" "$@" 2>&1)
  if printf '%s\n' "$out" | grep -Eq -- "$pat"; then ok "$d"
  else nok "$d"; diag "want /$pat/, got:" "$out"; fi
}
expect "GET over HTTPS verified with the test CA" '^0 status=ok code=200 bytes=5 ' "$S/ok"
expect "plain HTTP" '^0 status=ok code=200 bytes=5 ' "$H/ok"
expect "404 is a response, not an error" '^0 status=ok code=404 ' "$S/404"
expect "429 with Retry-After readable" '^0 status=ok code=429 .*hdr=7 ' --show-header retry-after "$S/429"
expect "header lookup is case-insensitive and trimmed" 'hdr=Mixed Value calls=1' --show-header X-TEST "$S/hdr"
expect "body above the cap: too large" '^0 status=response too large code=0' --max 1000 "$S/big?n=5000"
expect "body at the cap is fine" '^0 status=ok code=200 bytes=1000 ' --max 1000 "$S/big?n=1000"
expect "slow drip stops at the request timeout" '^0 status=timed out' --timeout 800 "$S/drip"
expect "reset mid-body is a protocol error" '^0 status=malformed or truncated' "$H/reset"
expect "non-HTTP bytes are a protocol error" '^0 status=malformed or truncated' "$H/garbage"
expect "POST body and headers arrive" "^POST 11 $(printf 'hello world' | sha256sum | cut -c1-16) sig1" \
  --body --method POST --data 'hello world' --header 'X-Sig: sig1' "$S/echo"
expect "PUT with an empty body" '^PUT 0 ' --body --method PUT "$S/echo"
DVCHECK_CA_BUNDLE=/dev/null expect "untrusted certificate is refused" '^0 status=TLS' "$S/ok"
unset DVCHECK_CA_BUNDLE
expect "system store does not trust the test CA" '^0 status=TLS' "$S/ok"
export DVCHECK_CA_BUNDLE="$T/ca.pem"
expect "host name must match the certificate" '^0 status=(TLS|could not connect|host name)' "https://localhost:$SP/ok"
expect "connection refused" '^0 status=could not connect' "http://127.0.0.1:1/ok"
expect "ftp:// is refused before any I/O" '^0 status=bad request' "ftp://127.0.0.1/x"
expect "run deadline cancels, callback runs once" '^0 status=cancelled \(run deadline\) code=0 bytes=0 hdr=- calls=1' --deadline 500 "$S/slow"
# 60 concurrent requests on one loop, all complete once
urls=
n=0
while [ $n -lt 60 ]; do urls="$urls $S/ok"; n=$((n + 1)); done
# shellcheck disable=SC2086
out=$("$PROBE" $urls 2>&1)
c=$(printf '%s\n' "$out" | grep -c 'status=ok code=200 bytes=5 hdr=- calls=1')
if [ "$c" = 60 ]; then ok "60 concurrent requests"; else nok "60 concurrent requests ($c ok)"; diag "$out"; fi
# -vv trace never shows the query string or headers
out=$(PROBE_TRACE=1 "$PROBE" --header 'Authorization: secret-token-xyz' "$S/ok?X-Amz-Signature=abc" 2>&1)
if printf '%s' "$out" | grep -q 'probe: GET https://127.0.0.1:[0-9]*/ok -> 200' &&
   ! printf '%s' "$out" | grep -q 'secret-token-xyz\|X-Amz-Signature'; then
  ok "trace hides headers and query"
else nok "trace hides headers and query"; diag "$out"; fi
done_testing
