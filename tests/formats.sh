#!/bin/sh
# --format openmetrics and --format markdown, each checked by its real
# consumer:
# - every openmetrics command's output through `promtool check metrics`;
# - files written with --output into a directory read by a real
#   node_exporter (textfile collector), scraped once by a real Prometheus
#   on loopback that also evaluates the example alert rules of
#   doc/metrics.md (`promtool check rules` first); the series and the
#   alerts are asserted through Prometheus' HTTP API;
# - Markdown rendered by python3-markdown and cmark, with hostile
#   certificate names served by a private lab ACM server: no HTML element
#   from the input, the table intact.
# A missing tool skips its part (counted as skipped, with the reason).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/acm-client-lib.sh"

T=$(mktemp -d /tmp/dvcheck-formats.XXXXXX) || exit 1
PIDS=
fcleanup() {
  # DV_FORMATS_KEEP=DIR keeps the outputs for a look
  [ -n "${DV_FORMATS_KEEP:-}" ] && cp -r "$T"/*.md "$T"/textfile "$DV_FORMATS_KEEP"/ 2>/dev/null
  for p in $PIDS; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$T"
  acm_cleanup
}
trap fcleanup EXIT
skip() { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $*"; }
have() { command -v "$1" >/dev/null 2>&1; }

export DVCHECK_NOW=2026-12-01 DVCHECK_CA_BUNDLE="$ACM_CADIR/ca.pem"
export AWS_CA_BUNDLE="$DV_ACM_CA" AWS_ENDPOINT_URL_ACM="$DV_ACM_ENDPOINT" \
  AWS_EC2_METADATA_DISABLED=true
R="--resolver $LAB_RESOLVER"
REC=_a79865eb4cd1a6ab990a45779b4e0b96
VAL=_424c7224e9b0146f9a8808af955727d0.hkmpvcwbzw.acm-validations.aws.

# ---- every command's metrics through promtool ----------------------------
# name|dvcheck arguments|expected exit status
cat >"$T/runs" <<EOF
email|email good.test nullmx.test|2
dns|dns --cname $REC.dnsok.test=$VAL --cname $REC.stale.test=$VAL|2
preflight|preflight dnsok.test good.test caa-forbid.test|2
check-host|check --host current.endpoint.test|0
check-domain|check --domain caa-forbid.test|2
expiry|expiry --region us-east-1|2
audit|audit --region us-east-1|3
EOF
mkdir -p "$T/textfile"
while IFS='|' read -r name args want; do
  # shellcheck disable=SC2086
  "$DVCHECK" $R --format openmetrics --output "$T/textfile/$name.prom" $args \
    2>"$T/$name.err"
  rc=$?
  if [ "$rc" != "$want" ] && ! { [ "$name" = audit ] && [ "$rc" = 2 ]; }; then
    nok "$name: exit $rc, want $want"; diag "$(cat "$T/$name.err")"
    continue
  fi
  if [ ! -s "$T/textfile/$name.prom" ]; then
    nok "$name: --output wrote nothing"; diag "$(cat "$T/$name.err")"; continue
  fi
  if [ "$(tail -n 1 "$T/textfile/$name.prom")" != "# EOF" ]; then
    nok "$name: the exposition ends with # EOF"
  fi
  if have promtool; then
    if out=$(promtool check metrics <"$T/textfile/$name.prom" 2>&1); then
      ok "$name: promtool check metrics accepts --format openmetrics"
    else
      nok "$name: promtool check metrics"; diag "$out"
    fi
  else
    skip "promtool not installed (Debian prometheus)"
  fi
done <"$T/runs"
ls "$T"/textfile/.*.prom.* >/dev/null 2>&1 && nok "--output left a temporary file" \
  || ok "--output left no temporary file beside the .prom files"

# a family is one block: no name after its first block again
for f in "$T"/textfile/*.prom; do
  awk '/^# TYPE/ { if (seen[$3]++) bad = 1 } END { exit bad }' "$f" \
    || nok "$(basename "$f"): a family appears twice"
done
ok "every family is contiguous (one # TYPE each)"

# the values, straight from the files
grep -q '^dvcheck_findings{command="email",name="nullmx.test",code="MX_NULL",severity="error"} 1$' \
  "$T/textfile/email.prom" && ok "email: MX_NULL counted for nullmx.test" \
  || { nok "email: MX_NULL for nullmx.test"; diag "$(cat "$T/textfile/email.prom")"; }
grep -q '^dvcheck_check_status{command="check",target="current.endpoint.test",state="ok"} 1$' \
  "$T/textfile/check-host.prom" && ok "check --host: status ok" \
  || { nok "check --host: status ok"; diag "$(cat "$T/textfile/check-host.prom")"; }
grep -q '^dvcheck_dns_servers{command="dns",name="stale.test",state="correct"}' \
  "$T/textfile/dns.prom" && ok "dns: servers by state" \
  || { nok "dns: servers by state"; diag "$(cat "$T/textfile/dns.prom")"; }

# check: a usage error is still one Nagios line (not metrics): documented
out=$("$DVCHECK" --format openmetrics check --host x -w bad 2>&1)
case $out in "DV UNKNOWN - "*) ok "check: usage errors stay the Nagios UNKNOWN line" ;;
  *) nok "check: usage error"; diag "$out" ;; esac
# a target that cannot be checked is metrics with the unknown state
out=$("$DVCHECK" --format openmetrics check --host 'bad host' 2>&1)
case $out in *'dvcheck_check_status{command="check",target="bad host",state="unknown"} 1'*'# EOF') ok "check: an unusable target is the unknown state" ;;
  *) nok "check: an unusable target"; diag "$out" ;; esac
out=$("$DVCHECK" --format markdown check --host x 2>&1); rc=$?
[ "$rc" = 3 ] && ok "check has no markdown (exit 3)" || { nok "check --format markdown (exit $rc)"; diag "$out"; }

# ---- node_exporter + Prometheus ------------------------------------------
ADDR=127.62.0.1
NE=$(command -v prometheus-node-exporter || command -v node_exporter)
if [ -z "$NE" ] || ! have prometheus || ! have promtool; then
  skip "prometheus / prometheus-node-exporter not installed"
else
  # the example rules of doc/metrics.md (alerts counted for job="node")
  awk '/^```yaml rules/ { on = 1; next } /^```/ { on = 0 } on' \
    "$SRCDIR/doc/metrics.md" >"$T/rules.yml"
  if [ -s "$T/rules.yml" ] && out=$(promtool check rules "$T/rules.yml" 2>&1); then
    ok "promtool check rules accepts the rules of doc/metrics.md"
  else
    nok "promtool check rules doc/metrics.md"; diag "$out"
  fi
  "$NE" --web.listen-address=$ADDR:9100 --collector.disable-defaults \
    --collector.textfile --collector.textfile.directory="$T/textfile" \
    >"$T/ne.log" 2>&1 &
  PIDS="$PIDS $!"
  cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 1s
rule_files: ["$T/rules.yml"]
scrape_configs:
  - job_name: node
    static_configs: [{targets: ["$ADDR:9100"]}]
EOF
  # and each file as it is, straight to Prometheus as OpenMetrics (its own
  # parser for application/openmetrics-text), to hold the claim that the
  # text is OpenMetrics too
  cat >"$T/omserve.py" <<'EOF2'
import http.server, os, sys
d = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        p = os.path.join(d, os.path.basename(self.path))
        try:
            body = open(p, "rb").read()
        except OSError:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
http.server.HTTPServer((sys.argv[2], 9101), H).serve_forever()
EOF2
  "$PY" "$T/omserve.py" "$T/textfile" $ADDR &
  PIDS="$PIDS $!"
  nom=0
  for f in "$T"/textfile/*.prom; do
    b=$(basename "$f" .prom)
    printf '  - job_name: om-%s\n    metrics_path: /%s.prom\n    static_configs: [{targets: ["%s:9101"]}]\n' \
      "$b" "$b" "$ADDR" >>"$T/prometheus.yml"
    nom=$((nom + 1))
  done
  prometheus --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/tsdb" \
    --web.listen-address=$ADDR:9090 >"$T/prom.log" 2>&1 &
  PIDS="$PIDS $!"
  q() { # PromQL -> the value of the first series, or empty
    curl -sf --max-time 3 "http://$ADDR:9090/api/v1/query" --data-urlencode "query=$1" |
      "$PY" -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null
  }
  i=0
  while [ $i -lt 60 ] && [ -z "$(q 'dvcheck_run_exit_code{command="email"}')" ]; do
    sleep 0.5; i=$((i + 1))
  done
  if [ -z "$(q 'dvcheck_run_exit_code{command="email"}')" ]; then
    nok "Prometheus scraped node_exporter's textfile collector"
    diag "$(tail -5 "$T/ne.log")" "$(tail -5 "$T/prom.log")"
  else
    ok "Prometheus scraped node_exporter's textfile collector"
    qr() { # q, but a scrape that overran its timeout on a loaded machine
      # (up=0) marks the series stale for a moment: an empty answer is
      # asked again, for up to 10 s
      a=$(q "$1") j=0
      while [ -z "$a" ] && [ $j -lt 20 ]; do
        sleep 0.5; a=$(q "$1"); j=$((j + 1))
      done
      printf '%s\n' "$a"
    }
    check_q() { # query expected description
      got=$(qr "$1")
      if [ "$got" = "$2" ]; then ok "$3 ($1 = $2)"; else nok "$3: $1 = '$got', want '$2'"; fi
    }
    check_q 'node_textfile_scrape_error' 0 "node_exporter read every file"
    i=0
    while [ $i -lt 20 ] && [ "$(q 'count(up{job=~"om-.*"})')" != "$nom" ]; do
      sleep 0.5; i=$((i + 1))
    done
    check_q 'sum(up{job=~"om-.*"})' "$nom" "Prometheus' OpenMetrics parser accepts every file"
    [ "$(q 'sum(up{job=~"om-.*"})')" = "$nom" ] || diag "$(curl -s "http://$ADDR:9090/api/v1/targets" | "$PY" -c '
import json, sys
for t in json.load(sys.stdin)["data"]["activeTargets"]:
    if t["lastError"]: print(t["labels"]["job"], t["lastError"])')"
    check_q 'dvcheck_email_deliverable{job="om-email",name="nullmx.test"}' 0 "the same value through the OpenMetrics parser"
    check_q 'dvcheck_run_exit_code{command="email"}' 2 "email exit code"
    check_q 'dvcheck_run_success{command="audit"}' "$(grep -q 'dvcheck_run_exit_code{command="audit"} 3' "$T/textfile/audit.prom" && echo 0 || echo 1)" "audit success"
    check_q 'dvcheck_email_deliverable{name="good.test"}' 1 "good.test receives mail"
    check_q 'dvcheck_email_deliverable{name="nullmx.test"}' 0 "nullmx.test does not"
    check_q 'dvcheck_findings{command="email",name="nullmx.test",code="EMAIL_NO_ROUTE",severity="fatal"}' 1 "finding count by code"
    check_q 'dvcheck_result_status{command="preflight",name="caa-forbid.test",state="failure"}' 1 "preflight verdict"
    check_q 'dvcheck_preflight_method{name="dnsok.test",state="dns"}' 1 "preflight method"
    check_q 'dvcheck_dns_servers{name="dnsok.test",state="correct"} > 0' "$(qr 'dvcheck_dns_servers{name="dnsok.test",state="correct"}')" "dns servers"
    check_q 'dvcheck_check_status{target="caa-forbid.test",state="critical"}' 1 "check --domain critical"
    # the lab's expired certificate (not_after -3d, us-east-1): negative
    # seconds to expiry, and the same NotAfter as the JSON output
    arn=arn:aws:acm:us-east-1:123456789012:certificate/ac100000-0000-4000-8000-000000000055
    na=$("$DVCHECK" $R --json expiry --region us-east-1 2>/dev/null | "$PY" -c '
import json, sys, datetime
for r in json.load(sys.stdin)["results"]:
    if r.get("arn") == sys.argv[1]:
        print(int(datetime.datetime.strptime(r["not_after"][:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()))' "$arn")
    check_q "dvcheck_acm_certificate_not_after_timestamp_seconds{command=\"expiry\",arn=\"$arn\"}" "$na" "expiry: NotAfter of the expired certificate"
    left=$(qr "dvcheck_acm_certificate_expiry_seconds{command=\"expiry\",arn=\"$arn\"}")
    case $left in -2*|-3*) ok "expiry: seconds to expiry of the expired certificate is negative ($left)" ;;
      *) nok "expiry: seconds to expiry '$left'" ;; esac
    check_q "count(dvcheck_acm_certificate_info{command=\"audit\",job=\"node\"})" \
      "$(grep -c '^dvcheck_acm_certificate_info{command="audit"' "$T/textfile/audit.prom")" "audit: one info series per certificate"
    # the example alerts fire on the lab's problems
    i=0
    while [ $i -lt 20 ] && [ -z "$(q 'ALERTS{alertname="DvcheckAcmCertificateExpiresSoon",alertstate="firing"}')" ]; do
      sleep 0.5; i=$((i + 1))
    done
    for a in DvcheckAcmCertificateExpiresSoon DvcheckEmailValidationImpossible DvcheckFindingsError DvcheckCheckCritical; do
      n=$(qr "count(ALERTS{alertname=\"$a\",alertstate=\"firing\",job=\"node\"})")
      [ -n "$n" ] && [ "$n" -gt 0 ] && ok "alert $a fires ($n)" || nok "alert $a does not fire"
    done
    n=$(q 'count(ALERTS{alertname="DvcheckRunFailed",alertstate="firing",job="node"})')
    [ -n "$n" ] || n=0
    exp=$(grep -l 'dvcheck_run_success{command="[a-z-]*"} 0' "$T"/textfile/*.prom | wc -l)
    [ "$n" = "$exp" ] && ok "alert DvcheckRunFailed fires once per failed run ($n)" || nok "DvcheckRunFailed: $n, want $exp"
  fi
fi

# ---- Markdown with hostile names -----------------------------------------
# A private lab ACM server whose certificates have hostile names.
HOSTILE='<script>alert(1)</script>|a`b`*c*_d_[e](http://f.test)&amp;<img src=x onerror=alert(2)>'
mkdir -p "$T/acm"
cp "$SRCDIR/tests/lab/acm/keys.json" "$T/acm/"
"$PY" - "$T/acm/certs.json" "$HOSTILE" <<'EOF'
import json, sys
h = sys.argv[2]
certs = [
    {"name": "h1", "region": "us-east-1", "uuid": "ac620000-0000-4000-8000-000000000001",
     "domain": h + ".test", "sans": [h + ".test", "x|y.test"], "type": "IMPORTED",
     "status": "ISSUED", "created": "-355d", "not_before": "-355d", "not_after": "+10d"},
    {"name": "h2", "region": "us-east-1", "uuid": "ac620000-0000-4000-8000-000000000002",
     "domain": "`pwn`|</td></tr><tr><td>.test", "status": "PENDING_VALIDATION",
     "created": "-2h"},
    {"name": "ok", "region": "us-east-1", "uuid": "ac620000-0000-4000-8000-000000000003",
     "domain": "dnsok.test", "status": "ISSUED", "created": "-300d",
     "not_before": "-300d", "not_after": "+20d",
     "in_use_by": ["arn:aws:cloudfront::123456789012:distribution/E2LABEXAMPLE01"],
     "renewal_eligibility": "ELIGIBLE"},
]
json.dump({"account": "123456789012",
           "validation_record": {"name_label": "_a79865eb4cd1a6ab990a45779b4e0b96",
                                 "value": "_424c7224e9b0146f9a8808af955727d0.hkmpvcwbzw.acm-validations.aws."},
           "certificates": certs}, open(sys.argv[1], "w"))
EOF
HADDR=127.45.0.62
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/h.key" \
  -out "$T/h.csr" -subj "/CN=$HADDR" >/dev/null 2>&1 &&
  printf 'subjectAltName=IP:%s\n' "$HADDR" >"$T/h.ext" &&
  openssl x509 -req -in "$T/h.csr" -CA "$ACM_CADIR/ca.pem" -CAkey "$ACM_CADIR/ca.key" \
    -CAserial "$T/h.srl" -CAcreateserial -days 2 -extfile "$T/h.ext" -out "$T/h.pem" >/dev/null 2>&1
"$PY" "$SRCDIR/tests/lab/acm_server.py" --pidfile "$T/h.pid" --addr $HADDR --port 443 \
  --cert "$T/h.pem" --key "$T/h.key" --data "$T/acm" --ca-dir "$ACM_CADIR" >"$T/h.log" 2>&1 &
PIDS="$PIDS $!"
i=0
while [ $i -lt 20 ] && ! curl -sf --max-time 2 --cacert "$ACM_CADIR/ca.pem" "https://$HADDR/_lab/ping" >/dev/null 2>&1; do
  sleep 0.5; i=$((i + 1))
done
: >"$T/md.list"
for cmd in "expiry --region us-east-1" "audit --region us-east-1" \
  "cert arn:aws:acm:us-east-1:123456789012:certificate/ac620000-0000-4000-8000-000000000002"; do
  n=$(echo "$cmd" | cut -d' ' -f1)
  # shellcheck disable=SC2086
  AWS_ENDPOINT_URL_ACM=https://$HADDR "$DVCHECK" $R --format markdown $cmd >"$T/$n.md" 2>"$T/$n.mderr"
  rc=$?
  if [ "$rc" -lt 3 ] || [ -s "$T/$n.md" ]; then echo "$n" >>"$T/md.list"
  else nok "$n --format markdown (exit $rc)"; diag "$(cat "$T/$n.mderr")"; fi
done
for args in "email good.test nullmx.test" "dns --cname $REC.stale.test=$VAL" \
  "preflight good.test caa-forbid.test" "endpoint current.endpoint.test" \
  "whois --input $SRCDIR/whois/fixtures/absent.txt --domain absent.test"; do
  n=$(echo "$args" | cut -d' ' -f1)
  # shellcheck disable=SC2086
  "$DVCHECK" $R --format markdown $args >"$T/$n.md" 2>"$T/$n.mderr"
  [ -s "$T/$n.md" ] && echo "$n" >>"$T/md.list" || { nok "$n --format markdown wrote nothing"; diag "$(cat "$T/$n.mderr")"; }
done
grep -q 'script' "$T/expiry.md" && ok "the hostile certificate name reached the Markdown" \
  || { nok "the hostile name is in the expiry Markdown"; diag "$(cat "$T/expiry.md")"; }

# render with python3-markdown (tables) and cmark; the HTML may hold only
# the elements our layout makes; every table row has 4 cells, one row per
# result (the JSON of the same command counts them)
cat >"$T/mdcheck.py" <<'EOF'
import html.parser, json, subprocess, sys
renderer, path, nrows = sys.argv[1], sys.argv[2], int(sys.argv[3])
src = open(path, encoding="utf-8").read()
if renderer == "python3-markdown":
    import markdown
    out = markdown.markdown(src, extensions=["tables"])
else:
    out = subprocess.run(["cmark", "--safe" if False else "--smart"], input=src,
                         capture_output=True, text=True, check=True).stdout
ALLOWED = {"h2", "h3", "p", "strong", "em", "code", "ul", "li", "table",
           "thead", "tbody", "tr", "th", "td"}
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.bad, self.rows, self.cells, self.row = [], [], 0, None
        self.text = []
    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED or (attrs and tag not in ("th", "td")):
            self.bad.append((tag, attrs))
        if tag == "tr":
            self.row = 0
        if tag in ("td", "th") and self.row is not None:
            self.row += 1
    def handle_endtag(self, tag):
        if tag == "tr":
            self.rows.append(self.row)
            self.row = None
    def handle_comment(self, data):
        self.bad.append(("comment", data))
    def handle_data(self, data):
        self.text.append(data)
p = P()
p.feed(out)
problems = []
if p.bad:
    problems.append("elements from the input: %r" % p.bad[:3])
if renderer == "python3-markdown":
    if nrows and (len(p.rows) != nrows + 1 or any(c != 4 for c in p.rows)):
        problems.append("table: rows %r, want %d rows of 4 cells" % (p.rows, nrows + 1))
if "<script>" in "".join(p.text) and "&lt;script" not in out:
    problems.append("script text lost its escaping")
if problems:
    print("\n".join(problems))
    print(out[:3000])
    sys.exit(1)
EOF
while read -r n; do
  # results in the JSON of the same command: one table row each
  case $n in
    expiry) nrows=$(grep -c '^| ' "$T/$n.md") ; nrows=$((nrows - 2)) ;;
    *) nrows=$(grep -c '^| ' "$T/$n.md"); nrows=$((nrows - 2)) ;;
  esac
  for r in python3-markdown cmark; do
    if [ "$r" = python3-markdown ] && ! "$PY" -c 'import markdown' 2>/dev/null; then
      skip "python3-markdown not installed"; continue
    fi
    if [ "$r" = cmark ] && ! have cmark; then skip "cmark not installed"; continue; fi
    if out=$("$PY" "$T/mdcheck.py" "$r" "$T/$n.md" "$nrows" 2>&1); then
      ok "$n --format markdown: $r renders it with no element from the input, table intact"
    else
      nok "$n --format markdown through $r"; diag "$out"
    fi
  done
done <"$T/md.list"
# the table has one row per result of the JSON output
jn=$(AWS_ENDPOINT_URL_ACM=https://$HADDR "$DVCHECK" $R --json expiry --region us-east-1 2>/dev/null |
  "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))')
mn=$(($(grep -c '^| ' "$T/expiry.md") - 2))
[ "$jn" = "$mn" ] && ok "expiry markdown: one table row per result ($mn)" \
  || { nok "expiry markdown rows $mn, JSON results $jn"; diag "$(cat "$T/expiry.md")"; }

done_testing
