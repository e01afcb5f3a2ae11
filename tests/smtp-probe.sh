#!/bin/sh
# dvcheck email --probe against the SMTP lab: tests/cases/smtp-probe.cases
# (exact finding codes), then the lab servers' own logs: every session
# the probe opened ended with QUIT and none ever saw DATA; and without
# --probe nothing connects to port 25.
. "$SRCDIR/tests/lib.sh"
lab_up
smtp_serialize
LAB=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}
[ -d "$LAB/smtp-postfix/run" ] || skip_all "the SMTP lab is not running (postfix not installed? see tools/deps.sh)"
SMTP_LAB_CT=$(tr '\n' ' ' < "$SRCDIR/tests/smtp-connect-to.txt")
export SMTP_LAB_CT
# the servers' logs from here on: remember where they end now
FXLOG=$LAB/smtp-fixture/sessions.jsonl
fx0=$(wc -c < "$FXLOG" 2>/dev/null || echo 0)
for f in "$LAB"/smtp-postfix/run/*/maillog; do wc -l < "$f" > "$f.mark"; done
out=$("$PY" "$SRCDIR/tests/scenarios.py" "$DVCHECK" "$LAB_RESOLVER" \
  "$SRCDIR/tests/cases/smtp-probe.cases" 2>&1)
while IFS= read -r line; do
  case $line in
    "ok "*) ok "${line#ok [0-9]* - }";;
    "not ok "*) nok "${line#not ok [0-9]* - }";;
    "#"*) echo "$line";;
    1..*) ;;
    *) diag "$line";;
  esac
done <<EOF2
$out
EOF2
# Postfix: "disconnect from ... ehlo=2 starttls=1 mail=1 rcpt=2/6 rset=1
# quit=1 commands=..." per session: quit=1 always, data= never
sleep 1
# (not counted: the lab's own liveness checks, which connect and say
# nothing or only QUIT)
new=$(for f in "$LAB"/smtp-postfix/run/*/maillog; do
        tail -n +"$(($(cat "$f.mark") + 1))" "$f"; rm -f "$f.mark"
      done | grep 'disconnect from' | grep -v ' commands=0/0$' |
      grep -v ' quit=1 commands=1$')
n=$(printf '%s\n' "$new" | grep -c 'disconnect from')
noquit=$(printf '%s\n' "$new" | grep 'disconnect from' | grep -vc ' quit=1')
data=$(printf '%s\n' "$new" | grep -c ' data=')
if [ "$n" -ge 10 ] && [ "$noquit" = 0 ] && [ "$data" = 0 ]; then
  ok "Postfix saw $n probe sessions: every one ended with QUIT, none sent DATA"
else
  nok "Postfix sessions: $n, without QUIT: $noquit, with DATA: $data"
  diag "$new"
fi
# the fixture logs every command; sessions that reached a command prompt
# end with QUIT (the silent/endless/overlong/drip ones may end on a timeout
# before the server reads it; hangup closes first)
res=$(tail -c +"$((fx0 + 1))" "$FXLOG" | "$PY" -c '
import json, sys
sess = {}
for line in sys.stdin:
    r = json.loads(line)
    s = sess.setdefault(r["session"], {"addr": r["addr"], "cmds": [], "foreign": False})
    if r["event"] == "cmd":
        words = r["cmd"].split(" ")
        verb = words[0].split(":")[0].upper()
        s["cmds"].append(verb)
        # another client of the lab (tests/smtp_lab_check.py, run in
        # parallel by make check, sends DATA on purpose): not ours to judge
        if verb in ("EHLO", "HELO") and words[1:2] != ["dvcheck-probe.invalid"]:
            s["foreign"] = True
sess = {k: s for k, s in sess.items() if not s["foreign"]}
data = [k for k, s in sess.items() if "DATA" in s["cmds"]]
exempt = {"127.25.1.9"}  # hangup: the server closes at RCPT
# a session that ended in STARTTLS went on in TLS (or its handshake failed,
# fx-badtls): there is no clear-text QUIT to see
noquit = [k for k, s in sess.items() if s["cmds"] and s["addr"] not in exempt
          and s["cmds"][-1] not in ("QUIT", "STARTTLS")]
print(len(sess), len(data), len(noquit))
')
set -- $res
if [ "${1:-0}" -ge 5 ] && [ "$2" = 0 ] && [ "$3" = 0 ]; then
  ok "fixture saw $1 probe sessions: none sent DATA, every dialogue ended with QUIT"
else
  nok "fixture sessions: ${1:-?}, with DATA: ${2:-?}, not ending in QUIT: ${3:-?}"
fi
# --json with --probe validates against doc/json-schema.json
# shellcheck disable=SC2086
if DVCHECK_CA_BUNDLE=$LAB/ca/ca.pem "$DVCHECK" --json --resolver "$LAB_RESOLVER" \
     email --probe --smtp-timeout 1 $SMTP_LAB_CT mbox-ok.smtp.test \
     hostile.smtp.test badtls.smtp.test silent.smtp.test fallback.smtp.test \
     nullsender.smtp.test nomx.test > "$BUILDDIR/smtp-probe.json.$$"; then :; fi
if "$PY" -c 'import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))' \
     "$BUILDDIR/smtp-probe.json.$$" "$SRCDIR/doc/json-schema.json" 2>"$BUILDDIR/smtp-probe.err.$$"; then
  ok "email --probe --json validates against doc/json-schema.json"
else
  nok "email --probe --json does not validate"; diag "$(tail -n 5 "$BUILDDIR/smtp-probe.err.$$")"
fi
rm -f "$BUILDDIR/smtp-probe.json.$$"
# usage errors: --probe options without --probe, a name as CONNECT-HOST
for args in "--smtp-timeout 3" "--mail-from a@b.test" "$SMTP_LAB_CT"; do
  # shellcheck disable=SC2086
  if "$DVCHECK" --resolver "$LAB_RESOLVER" email $args mbox-ok.smtp.test \
       >/dev/null 2>"$BUILDDIR/smtp-probe.err.$$"; then rc=0; else rc=$?; fi
  if [ "$rc" = 3 ] && grep -q 'only with --probe' "$BUILDDIR/smtp-probe.err.$$"; then
    ok "without --probe, ${args%% *} is a usage error"
  else nok "${args%% *} without --probe: exit $rc"; fi
done
for ct in a:25:mx.example:25 a:25:127.0.0.1 a:99999:127.0.0.1:25 "a:25:127.0.0.1:25 x"; do
  if "$DVCHECK" --resolver "$LAB_RESOLVER" email --probe --connect-to "$ct" \
       mbox-ok.smtp.test >/dev/null 2>"$BUILDDIR/smtp-probe.err.$$"; then rc=0; else rc=$?; fi
  if [ "$rc" = 3 ] && grep -q "^dvcheck: error: --connect-to" "$BUILDDIR/smtp-probe.err.$$"; then
    ok "--connect-to '$ct' refused"
  else nok "--connect-to '$ct': exit $rc"; fi
done
rm -f "$BUILDDIR/smtp-probe.err.$$"
# without --probe: no SMTP dialogue reaches port 25 (no new command in the
# fixture's log, no new Postfix session that said anything). The lab's own
# health checks (`lab status`, run by every test that starts) connect and
# close without a word: those are not counted.
fx_cmds() { grep -c '"event": "cmd"' "$FXLOG"; }
pf_talks() { cat "$LAB"/smtp-postfix/run/*/maillog | grep 'disconnect from' | grep -vc 'commands=0/0$'; }
fx1=$(fx_cmds)
pf1=$(pf_talks)
"$DVCHECK" --resolver "$LAB_RESOLVER" email $SMTP_LAB_CT mbox-ok.smtp.test \
  fallback.smtp.test hostile.smtp.test >/dev/null 2>&1
"$DVCHECK" --resolver "$LAB_RESOLVER" email mbox-ok.smtp.test \
  fallback.smtp.test hostile.smtp.test >/dev/null 2>&1
sleep 1
fx2=$(fx_cmds)
pf2=$(pf_talks)
if [ "$fx1" = "$fx2" ] && [ "$pf1" = "$pf2" ]; then
  ok "without --probe no SMTP dialogue reaches port 25"
else
  nok "without --probe: fixture commands $fx1 -> $fx2, Postfix sessions that talked $pf1 -> $pf2"
fi
done_testing
