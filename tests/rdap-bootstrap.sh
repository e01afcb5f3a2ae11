#!/bin/sh
# The RDAP bootstrap life cycle (RFC 9224 dns.json): fetched over HTTPS
# (DVCHECK_RDAP_BOOTSTRAP_URL points at the lab RDAP server instead of
# data.iana.org), cached in $XDG_CACHE_HOME/dvcheck with the max age the
# server gave, reused while fresh, fetched again once stale, and the
# built-in table when the fetch fails.
. "$SRCDIR/tests/lib.sh"
lab_up
CA=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}/ca/ca.pem
curl -sf --max-time 3 --cacert "$CA" https://127.44.0.1/bootstrap/dns.json >/dev/null 2>&1 ||
  skip_all "lab RDAP service (with /bootstrap/dns.json) not answering"
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
look() { # look CACHE_DIR URL NAME -> "exit bootstrap source" and -v stderr in $T/err
  env XDG_CACHE_HOME="$1" DVCHECK_CA_BUNDLE="$CA" DVCHECK_RDAP_BOOTSTRAP_URL="$2" \
    DVCHECK_WHOIS_ALLOW_LOOPBACK=1 "$DVCHECK" -v --json --resolver "$LAB_RESOLVER" \
    whois --whois-servers "$SRCDIR/tests/lab/whois-servers.conf" --whois-timeout 2 "$3" \
    2>"$T/err" | "$PY" -c 'import json,sys
d = json.load(sys.stdin); r = d["results"][0]
print(d["exit_code"], r["rdap_bootstrap"], r["source"])'
}
URL=https://127.44.0.1/bootstrap/dns.json
out=$(look "$T/c1" "$URL" rdap-proxied.test)
if [ "$out" = "0 iana rdap" ] && grep -q "fetching $URL" "$T/err"; then
  ok "no cache: fetched, then RDAP used"
else nok "no cache: fetched ($out)"; diag "$(cat "$T/err")"; fi
exp=$(cat "$T/c1/dvcheck/rdap-dns.json.expires" 2>/dev/null)
now=$(date +%s)
if [ -s "$T/c1/dvcheck/rdap-dns.json" ] && [ -n "$exp" ] &&
   [ "$exp" -gt $((now + 3500)) ] && [ "$exp" -le $((now + 3600)) ]; then
  ok "cached with the server's max-age (3600 s)"
else nok "cache file and max age (expires '$exp', now $now)"; fi
out=$(look "$T/c1" "$URL" rdap-real.test)
if [ "$out" = "0 cache rdap" ] && ! grep -q fetching "$T/err"; then
  ok "fresh cache: not fetched again ($out)"
else nok "fresh cache: not fetched again ($out)"; diag "$(cat "$T/err")"; fi
echo 1000 > "$T/c1/dvcheck/rdap-dns.json.expires"
out=$(look "$T/c1" "$URL" rdap-proxied.test)
if [ "$out" = "0 iana rdap" ] && grep -q fetching "$T/err"; then
  ok "stale cache: fetched again"
else nok "stale cache: fetched again ($out)"; fi
out=$(look "$T/c2" https://127.0.0.1:1/dns.json proxied.test)
b=$(echo "$out" | cut -d' ' -f2)
if [ "$b" != iana ] && [ "$b" != cache ] && [ ! -e "$T/c2/dvcheck/rdap-dns.json" ]; then
  ok "fetch fails: the built-in table ($out), nothing cached"
else nok "fetch fails ($out)"; diag "$(cat "$T/err")"; fi
done_testing
