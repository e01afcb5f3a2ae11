#!/bin/sh
# The SMTP lab (tests/lab/README.md, "SMTP lab"): the Postfix instances and
# the fixture answer as documented, checked with a real client (python3
# smtplib, tests/smtp_lab_check.py); the lab's DNS has the MX records.
. "$SRCDIR/tests/lib.sh"
lab_up
smtp_serialize
command -v postfix >/dev/null 2>&1 || skip_all "postfix not installed (see tools/deps.sh)"
for q in "mbox-ok.smtp.test MX:10 pf-main.smtp.test." \
         "fallback.smtp.test MX:5 nolistener.smtp.test." \
         "pf-main.smtp.test A:198.51.100.1" \
         "d007.smtp-bench.test MX:10 mx3.smtp-bench.test."; do
  set -- $q
  want=${2#*:}; [ $# -gt 2 ] && want="$want $3"
  got=$(dig +short +time=3 @"$LAB_RESOLVER" "$1" "${2%%:*}" | sort -n | head -n 1)
  if [ "$got" = "$want" ]; then ok "lab DNS: $1 ${2%%:*} $want"
  else nok "lab DNS: $1 ${2%%:*}: want '$want', got '$got'"; fi
done
out=$("$PY" "$SRCDIR/tests/smtp_lab_check.py" "${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}" 2>&1)
while IFS= read -r line; do
  case $line in
    "ok "*) ok "${line#ok [0-9]* - }";;
    "not ok "*) nok "${line#not ok [0-9]* - }";;
    "#"*) echo "$line";;
    1..*) ;;
    *) diag "$line";;
  esac
done <<EOF
$out
EOF
done_testing
