#!/bin/sh
# CLI behaviour: help, version, explain, colour rules, JSON schema.
. "$SRCDIR/tests/lib.sh"
t() { # t DESC EXPECTED-EXIT CMD...
  desc=$1 want=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  if [ "$rc" = "$want" ]; then ok "$desc"; else nok "$desc (exit $rc, want $want)"; diag "$out"; fi
}
t "--help exits 0" 0 "$DVCHECK" --help
t "email --help exits 0" 0 "$DVCHECK" email --help
t "--version exits 0" 0 "$DVCHECK" --version
"$DVCHECK" --help | grep -q -- "--resolver ADDR\[:PORT\]" && ok "--help lists --resolver" || nok "--help lists --resolver"
"$DVCHECK" email --help | grep -q -- "--file FILE" && ok "email --help lists -f" || nok "email --help lists -f"
"$DVCHECK" --version | grep -q "c-ares" && ok "--version names libraries" || nok "--version names libraries"
t "explain MX_NULL" 0 "$DVCHECK" explain MX_NULL
"$DVCHECK" explain mx_null | grep -q "RFC 7505" && ok "explain is case-insensitive, shows reference" || nok "explain reference"
n=$("$DVCHECK" explain | wc -l)
[ "$n" -ge 20 ] && ok "explain lists the catalogue ($n codes)" || nok "explain lists the catalogue ($n)"
"$DVCHECK" --json explain | "$PY" -c 'import json,sys; d=json.load(sys.stdin); assert all(set(e)=={"code","severity","title","fix","reference"} and e["fix"] and e["reference"] for e in d)' \
  && ok "every catalogue entry has title, fix and reference" || nok "catalogue entries complete"
# --format: a format the command does not have is a usage error; --output
# writes atomically and leaves the file alone when nothing was written
t "--format asff is not a format of email" 3 "$DVCHECK" email --format asff x.test
t "--format nonsense" 3 "$DVCHECK" email --format nonsense x.test
"$DVCHECK" --help | grep -q "^Formats (--format):" && ok "--help lists the formats" || nok "--help lists the formats"
odir=$(mktemp -d); ofile=$odir/out.txt
t "--output FILE" 0 "$DVCHECK" explain MX_NULL --output "$ofile"
grep -q "RFC 7505" "$ofile" && ok "--output wrote the output" || nok "--output wrote the output"
[ "$(ls -A "$odir" | wc -l)" = 1 ] && ok "--output left no temporary file" || nok "--output left no temporary file"
before=$(cat "$ofile")
t "--output, usage error" 3 "$DVCHECK" explain NO_SUCH_CODE --output "$ofile"
[ "$(cat "$ofile")" = "$before" ] && ok "a run that wrote nothing leaves FILE as it was" || nok "FILE unchanged after empty run"
out=$("$DVCHECK" check --domain x.test -o "$odir/no/such/dir" 2>&1); rc=$?
[ "$rc" = 3 ] && [ "$(printf '%s\n' "$out" | grep -c '^DV UNKNOWN - --output')" = 1 ] \
  && ok "check mode: --output failure is one DV UNKNOWN line" || { nok "check mode --output failure"; diag "$out"; }
rm -rf "$odir"
# colour only on a terminal, never with NO_COLOR/--no-color
if command -v script >/dev/null 2>&1; then
  esc=$(printf '\033')
  out=$(script -qec "$DVCHECK explain" /dev/null </dev/null 2>/dev/null; script -qec "$DVCHECK --resolver 127.53.1.3 --timeout 3 email good.test" /dev/null </dev/null 2>/dev/null)
  case $out in *"$esc["*) ok "colour on a terminal";; *) nok "colour on a terminal";; esac
  out=$(NO_COLOR=1 script -qec "$DVCHECK --resolver 127.53.1.3 --timeout 3 email good.test" /dev/null </dev/null 2>/dev/null)
  case $out in *"$esc["*) nok "NO_COLOR honoured";; *) ok "NO_COLOR honoured";; esac
  out=$(script -qec "$DVCHECK --no-color --resolver 127.53.1.3 --timeout 3 email good.test" /dev/null </dev/null 2>/dev/null)
  case $out in *"$esc["*) nok "--no-color honoured";; *) ok "--no-color honoured";; esac
fi
out=$("$DVCHECK" --resolver 127.53.1.3 --timeout 3 email good.test 2>/dev/null)
case $out in *"$(printf '\033')"*) nok "no colour into a pipe";; *) ok "no colour into a pipe";; esac
# JSON output validates against doc/json-schema.json (needs the lab)
if "$SRCDIR/tests/lab/lab" status >/dev/null 2>&1 && "$PY" -c 'import jsonschema' 2>/dev/null; then
  for args in "email good.test app.good.test nullmx.test mxip.test bücher.test *.good.test" \
              "--resolver 127.53.1.3 email good.test" "--resolver 127.53.0.99 --timeout 1 email good.test" \
              "dns --records $SRCDIR/tests/cases/describe-dnsok.json" \
              "dns --records $SRCDIR/tests/cases/console-export.csv" \
              "preflight dnsok.test *.dnsok.test caa-forbid.test servfail.test" \
              "preflight --ca letsencrypt caa-acme.test bad-underscore.caa-grammar.test" \
              "dns --acme acme-cname.test" "dns --acme acme-stale.test --expect x" \
              "dns --ca-domain letsencrypt.org --persist stale.persist.test" \
              "endpoint current.endpoint.test --expect-pem ${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}/ca/endpoint-old.pem" \
              "endpoint 127.47.0.77"; do
    # shellcheck disable=SC2086
    if "$DVCHECK" --resolver 127.53.0.53 --json $args | "$PY" -c '
import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator(schema).validate(json.load(sys.stdin))' "$SRCDIR/doc/json-schema.json"; then
      ok "JSON validates against the schema: $args"
    else nok "JSON validates against the schema: $args"; fi
  done
else
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP JSON schema validation (lab not running or python3-jsonschema missing)"
fi
done_testing
