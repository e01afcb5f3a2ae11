#!/bin/sh
# AWS credentials, region and endpoint: dvcheck (tests/creds_probe) against
# botocore (tests/creds_botocore.py, Debian's python3-botocore -- the AWS
# CLI's library) for the same environment, case by case, each in a fresh
# HOME with an empty environment. Where Debian 12's botocore 1.29 predates
# a rule (AWS_ENDPOINT_URL*, services sections, the ARN's region) or dvcheck
# deliberately differs (a timeout for credential_process, refusing binary
# or huge files), the expected answer is written out instead ("expect").
# A few cases also ask the Debian `aws` CLI (`aws configure list`).
# Every case also checks that no secret reaches the probe's stdout or its
# -vv stderr. Container and IMDS cases use the lab services creds-imds
# (127.46.0.1) and creds-container (127.46.0.2); they are skipped when
# those do not answer.
. "$SRCDIR/tests/lib.sh"
PROBE="$BUILDDIR/tests/creds_probe"
BOTO="$SRCDIR/tests/creds_botocore.py"
[ -x "$PROBE" ] || skip_all "creds_probe not built"
"$PY" -c 'import botocore' 2>/dev/null || skip_all "python3-botocore not installed (tools/deps.sh)"
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
SECRETS='SECRETMARKER|LABSECRET|LABTOKEN|LABIMDSTOKEN|lab-container-token|TOKENMARKER'
N=0

# a fresh HOME for the next case: $H, with $H/.aws
fresh() { N=$((N + 1)); H=$T/h$N; mkdir -p "$H/.aws"; }
cred() { printf '%b' "$1" > "$H/.aws/credentials"; }
conf() { printf '%b' "$1" > "$H/.aws/config"; }

# run_in ENVS PROGRAM ARGS...: in $H, with only PATH, HOME and ENVS
run_in() {
  envs=$1; shift
  # shellcheck disable=SC2086 # ENVS are VAR=value words
  (cd "$H" && env -i PATH=/usr/bin:/bin HOME="$H" LANG=C.UTF-8 \
    AWS_EC2_METADATA_DISABLED=true $envs "$@")
}

no_secrets() { # no_secrets DESC TEXT
  if printf '%s\n' "$2" | grep -Eq "$SECRETS"; then
    nok "$1: a secret appears in the output"
    diag "$(printf '%s\n' "$2" | grep -E "$SECRETS" | head -n 3)"
  fi
}

# same DESC ENVS [ARGS...]: probe == botocore
same() {
  d=$1 envs=$2; shift 2
  a=$(run_in "$envs" "$PROBE" -vv "$@" 2>"$H/probe.err")
  b=$(run_in "$envs" "$PY" "$BOTO" "$@" 2>"$H/boto.err")
  no_secrets "$d" "$a$(cat "$H/probe.err")"
  if [ "$a" = "$b" ]; then ok "$d -- $(printf '%s\n' "$a" | head -n 1 | cut -c1-60)"
  else
    nok "$d (dvcheck != botocore)"
    diag "dvcheck:" "$a" "botocore:" "$b" "dvcheck stderr:" "$(grep creds_probe "$H/probe.err")" \
      "botocore stderr:" "$(tail -n 5 "$H/boto.err")"
  fi
}

# expect DESC ENVS EXPECTED [ARGS...]: probe == EXPECTED (lines joined by |)
expect() {
  d=$1 envs=$2 want=$3; shift 3
  a=$(run_in "$envs" "$PROBE" -vv "$@" 2>"$H/probe.err")
  no_secrets "$d" "$a$(cat "$H/probe.err")"
  got=$(printf '%s\n' "$a" | paste -sd '|' -)
  case "$got" in
    "$want") ok "$d -- $(printf '%s\n' "$a" | head -n 1 | cut -c1-60)" ;;
    *) nok "$d"; diag "want: $want" "got:  $got" "$(grep creds_probe "$H/probe.err")" ;;
  esac
}

# aws_cli DESC ENVS [ARGS...]: `aws configure list` shows the same source,
# key id (last 4) and region as the probe
AWS=/usr/bin/aws
aws_cli() {
  d=$1 envs=$2; shift 2
  [ -x "$AWS" ] || { T_N=$((T_N + 1)); echo "ok $T_N # SKIP $d: no Debian aws CLI"; return; }
  a=$(run_in "$envs" "$PROBE" "$@" 2>/dev/null)
  src=$(printf '%s\n' "$a" | sed -n 's/^credentials: \([^ ]*\) ...*\(....\) token=.*/\1 \2/p')
  reg=$(printf '%s\n' "$a" | sed -n 's/^region: //p')
  l=$(run_in "$envs" "$AWS" configure list "$@" 2>&1)
  csrc=$(printf '%s\n' "$l" | awk '$1 == "access_key" { k = $2; sub(/.*\*/, "", k); print $3, k }')
  creg=$(printf '%s\n' "$l" | awk '$1 == "region" { print ($2 == "<not" ? "none" : $2) }')
  if [ "$src" = "$csrc" ] && [ "$reg" = "$creg" ]; then ok "$d -- aws configure list: $csrc, region $creg"
  else nok "$d (aws configure list differs)"; diag "dvcheck: $src / $reg" "aws: $csrc / $creg" "$l"; fi
}

K='aws_access_key_id'
S='aws_secret_access_key'

# ---- environment ---------------------------------------------------------
fresh
same "env keys only" "AWS_ACCESS_KEY_ID=AKIAENV1 AWS_SECRET_ACCESS_KEY=SECRETMARKER1"
same "env keys + AWS_SESSION_TOKEN" "AWS_ACCESS_KEY_ID=AKIAENV2 AWS_SECRET_ACCESS_KEY=SECRETMARKER2 AWS_SESSION_TOKEN=TOKENMARKER2"
same "env key id without secret: partial" "AWS_ACCESS_KEY_ID=AKIAENV3"
same "env secret without key id: ignored" "AWS_SECRET_ACCESS_KEY=SECRETMARKER4"
same "no credentials anywhere" ""
same "env expiration in the future" "AWS_ACCESS_KEY_ID=AKIAENV5 AWS_SECRET_ACCESS_KEY=SECRETMARKER5 AWS_CREDENTIAL_EXPIRATION=2099-01-01T00:00:00Z"
same "env expiration in the past" "AWS_ACCESS_KEY_ID=AKIAENV6 AWS_SECRET_ACCESS_KEY=SECRETMARKER6 AWS_CREDENTIAL_EXPIRATION=2001-01-01T00:00:00Z"

# ---- shared files --------------------------------------------------------
fresh
cred "[default]\n$K = AKIADEFAULT\n$S = SECRETMARKERd\n\n[dev]\n$K=AKIADEV\n$S=SECRETMARKERdev\naws_session_token=TOKENMARKERdev\nregion = eu-central-1\n"
conf "[default]\nregion = us-west-2\n\n[profile ops]\n$K = AKIAOPS\n$S = SECRETMARKERops\nregion=ap-southeast-2\n\n[ops]\n$K = AKIANOTAPROFILE\n$S = x\n"
same "default profile in credentials" ""
aws_cli "default profile in credentials" ""
same "AWS_PROFILE=dev (credentials file, session token, region)" "AWS_PROFILE=dev"
aws_cli "AWS_PROFILE=dev" "AWS_PROFILE=dev"
same "AWS_PROFILE=ops: [profile ops] in config" "AWS_PROFILE=ops"
same "--profile ops" "" --profile ops
aws_cli "--profile ops" "" --profile ops
same "--profile dev overrides env keys" "AWS_ACCESS_KEY_ID=AKIAENV7 AWS_SECRET_ACCESS_KEY=SECRETMARKER7" --profile dev
same "AWS_PROFILE=dev does not override env keys" "AWS_ACCESS_KEY_ID=AKIAENV8 AWS_SECRET_ACCESS_KEY=SECRETMARKER8 AWS_PROFILE=dev"
aws_cli "AWS_PROFILE=dev with env keys" "AWS_ACCESS_KEY_ID=AKIAENV8 AWS_SECRET_ACCESS_KEY=SECRETMARKER8 AWS_PROFILE=dev"
same "AWS_DEFAULT_PROFILE wins over AWS_PROFILE" "AWS_DEFAULT_PROFILE=ops AWS_PROFILE=dev"
same "AWS_PROFILE names no profile" "AWS_PROFILE=nope"
same "--profile names no profile (env keys present)" "AWS_ACCESS_KEY_ID=AKIAENV9 AWS_SECRET_ACCESS_KEY=SECRETMARKER9" --profile nope
same "--profile default explicitly" "" --profile default

fresh
cred "[default]\n$K = AKIACREDFILE\n$S = SECRETMARKERc\n"
conf "[default]\n$K = AKIACONFFILE\n$S = SECRETMARKERf\n"
same "credentials file before config file" ""
fresh
conf "[profile default]\n$K = AKIAPROFDEFAULT\n$S = SECRETMARKERpd\nregion = sa-east-1\n"
same "[profile default] in config" ""
fresh
cred "[profile x]\n$K = AKIAPROFX\n$S = SECRETMARKERpx\n"
same "[profile x] in credentials is not profile x" "AWS_PROFILE=x"
same "... but profile 'profile x' is" "" --profile "profile x"
fresh
conf "[profile \"with space\"]\n$K = AKIAQUOTED\n$S = SECRETMARKERq\n"
same "[profile \"with space\"] (shell-style quotes)" "" --profile "with space"
fresh
cred "# comment\n; another\n  [default]  \n\t$K\t:\tAKIACOLON  \r\nAWS_SECRET_ACCESS_KEY = SECRETMARKERcol\r\n  # indented comment\n\n"
same "comments, blanks, CRLF, 'key: value', upper-case key" ""
fresh
cred "[default]\n$K = AKIANESTED\n$S = SECRETMARKERn\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n\n[other]\nfoo = bar\n"
conf "[default]\nregion = eu-north-1\ns3 =\n    signature_version = s3v4\nacm =\n    foo = bar\n"
same "nested sub-sections are skipped" ""
fresh
cred "[DEFAULT]\n$S = SECRETMARKERinh\n\n[default]\n$K = AKIAINHERIT\n"
same "[DEFAULT] values are inherited" ""
fresh
mkdir -p "$H/elsewhere"
printf '[team]\n%s = AKIAELSEWHERE\n%s = SECRETMARKERe\n' "$K" "$S" > "$H/elsewhere/c"
printf '[profile team]\nregion = ca-central-1\n' > "$H/elsewhere/f"
same "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE" "AWS_SHARED_CREDENTIALS_FILE=$H/elsewhere/c AWS_CONFIG_FILE=$H/elsewhere/f AWS_PROFILE=team"
same "a directory as AWS_CONFIG_FILE counts as absent" "AWS_CONFIG_FILE=$H/elsewhere AWS_SHARED_CREDENTIALS_FILE=$H/elsewhere/c" --profile team
fresh
cred "[default]\n$K = AKIAPARTIAL\n"
same "credentials file: key id without secret" ""

# ---- malformed files -----------------------------------------------------
fresh; cred "[default]\n$K = AKIAX\nthis line has no delimiter\n"
same "malformed credentials file: a line without '='" ""
fresh; conf "[default]\nregion = us-east-1\n[default]\nregion = eu-west-1\n"
same "malformed config file: duplicate section" "AWS_ACCESS_KEY_ID=AKIAENV10 AWS_SECRET_ACCESS_KEY=SECRETMARKER10"
fresh; cred "[default]\n$K = AKIAX\n$K = AKIAY\n$S = SECRETMARKERdup\n"
same "malformed credentials file: duplicate key" ""
fresh; cred "$K = AKIAX\n[default]\n"
same "malformed credentials file: key before any section" ""
fresh; cred "\357\273\277[default]\n$K = AKIABOM\n$S = SECRETMARKERbom\n"
same "credentials file with a UTF-8 BOM" ""
fresh; cred "[default]\n$K = AKIA\377\376\n$S = SECRETMARKERenc\n"
same "credentials file that is not UTF-8" ""
fresh; conf "[default]\ns3 =\n  no equals sign here\n"
same "config sub-section line without '='" ""
fresh; printf '[default]\n%s = AKIANUL\n%s = SECRETMARKER\000nul\n' "$K" "$S" > "$H/.aws/credentials"
expect "credentials file with NUL bytes is refused (botocore reads it)" "" \
  'credentials: error config|region: error config|endpoint: none|ca_bundle: none'
fresh; { printf '[default]\n'; head -c 1100000 /dev/zero | tr '\0' '#' | fold -w 100; } > "$H/.aws/config"
expect "config file above 1 MiB is refused (botocore reads it)" "" \
  'credentials: error config|region: error config|endpoint: none|ca_bundle: none'

# ---- credential_process --------------------------------------------------
fresh
mkdir -p "$H/bin"
cat > "$H/bin/good" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "AKIAPROC%s", "SecretAccessKey": "SECRETMARKERproc", "SessionToken": "TOKENMARKERproc", "Expiration": "2099-12-31T23:59:59Z"}' "\$1"
EOF
cat > "$H/bin/nosession" <<'EOF'
#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIAPROCNOTOKEN", "SecretAccessKey": "SECRETMARKERpnt"}'
EOF
cat > "$H/bin/fail" <<'EOF'
#!/bin/sh
echo "cannot reach the vault" >&2
exit 3
EOF
printf '#!/bin/sh\necho "this is not json"\n' > "$H/bin/garbage"
printf '#!/bin/sh\necho %s\n' "'{\"Version\": 2, \"AccessKeyId\": \"AKIAV2\", \"SecretAccessKey\": \"SECRETMARKERv2\"}'" > "$H/bin/v2"
printf '#!/bin/sh\necho %s\n' "'{\"Version\": 1, \"AccessKeyId\": \"AKIANOSECRET\"}'" > "$H/bin/nosecret"
printf '#!/bin/sh\necho %s\n' "'{\"Version\": 1, \"AccessKeyId\": \"AKIAOLD\", \"SecretAccessKey\": \"SECRETMARKERold\", \"Expiration\": \"2001-01-01T00:00:00Z\"}'" > "$H/bin/expired"
printf '#!/bin/sh\nsleep 30\n' > "$H/bin/slow"
chmod +x "$H/bin/"*
conf "[default]\ncredential_process = $H/bin/good\n\n[profile args]\ncredential_process = $H/bin/good \"ARG WITH SPACE\"\n\n[profile plain]\ncredential_process = $H/bin/nosession\n\n[profile fail]\ncredential_process = $H/bin/fail\n\n[profile garbage]\ncredential_process = $H/bin/garbage\n\n[profile v2]\ncredential_process = $H/bin/v2\n\n[profile nosecret]\ncredential_process = $H/bin/nosecret\n\n[profile expired]\ncredential_process = $H/bin/expired\n\n[profile missing]\ncredential_process = $H/bin/does-not-exist\n\n[profile both]\ncredential_process = $H/bin/good\n$K = AKIACONFIGKEYS\n$S = SECRETMARKERboth\n\n[profile slow]\ncredential_process = $H/bin/slow\n"
cred "[both]\nregion = eu-west-3\n\n[filewins]\n$K = AKIAFILEWINS\n$S = SECRETMARKERfw\ncredential_process = $H/bin/good\n"
same "credential_process: good (token, expiration)" ""
same "credential_process: quoted argument, no shell" "" --profile args
same "credential_process: no session token" "" --profile plain
same "credential_process: non-zero exit" "" --profile fail
same "credential_process: garbage output" "" --profile garbage
same "credential_process: Version 2" "" --profile v2
same "credential_process: no SecretAccessKey" "" --profile nosecret
same "credential_process: expired credentials" "" --profile expired
same "credential_process: program not found" "" --profile missing
same "credential_process before the config file's keys" "" --profile both
same "credentials file keys before credential_process" "" --profile filewins
start=$(date +%s)
expect "credential_process: timeout (botocore would wait forever)" "" \
  'credentials: error process|region: none|endpoint: none|ca_bundle: none' \
  --profile slow --process-timeout-ms 700
end=$(date +%s)
if [ $((end - start)) -le 5 ]; then ok "credential_process timeout took $((end - start)) s (killed)"
else nok "credential_process timeout took $((end - start)) s"; fi
if grep -q 'did not finish within' "$H/probe.err"; then ok "timeout is explained"; else nok "timeout is explained"; fi

# ---- profiles that need STS / SSO -----------------------------------------
fresh
conf "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/x\nsource_profile = default\n"
cred "[default]\n$K = AKIASRC\n$S = SECRETMARKERsrc\n"
expect "assume-role profile: refused as unsupported" "" \
  'credentials: error unsupported|region: none|endpoint: none|ca_bundle: none' --profile role

# ---- container credentials -------------------------------------------------
if curl -s -m 2 -o /dev/null http://127.46.0.2/creds/open && curl -s -m 2 -o /dev/null -X PUT http://127.46.0.1/; then
  LAB=1
else
  LAB=0
fi
if [ $LAB = 1 ]; then
  fresh
  printf 'lab-container-token\n' > "$H/token"
  printf 'wrong-token' > "$H/badtoken"
  FU=AWS_CONTAINER_CREDENTIALS_FULL_URI
  same "container: full URI + AWS_CONTAINER_AUTHORIZATION_TOKEN" "$FU=http://127.46.0.2/creds/auth AWS_CONTAINER_AUTHORIZATION_TOKEN=lab-container-token"
  same "container: full URI + token file" "$FU=http://127.46.0.2/creds/auth AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$H/token"
  same "container: the token file wins over the variable" "$FU=http://127.46.0.2/creds/auth AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$H/token AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong"
  same "container: wrong token (3 attempts, then an error)" "$FU=http://127.46.0.2/creds/auth AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=$H/badtoken"
  same "container: relative URI (169.254.170.2 -> lab)" "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/open" --container-host 127.46.0.2
  same "container: relative URI wins over full URI" "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/open $FU=http://127.46.0.2/creds/500" --container-host 127.46.0.2
  same "container: host not allowed (http, not loopback)" "$FU=http://192.0.2.1/creds"
  same "container: answer without Token" "$FU=http://127.46.0.2/creds/partial"
  same "container: expired credentials" "$FU=http://127.46.0.2/creds/expired"
  same "container: env keys come first" "$FU=http://127.46.0.2/creds/open AWS_ACCESS_KEY_ID=AKIAENV11 AWS_SECRET_ACCESS_KEY=SECRETMARKER11"
  cred "[default]\n$K = AKIAFILE12\n$S = SECRETMARKER12\n"
  same "container: shared files come first" "$FU=http://127.46.0.2/creds/open"

  # ---- EC2 instance metadata ----------------------------------------------
  fresh
  EP=AWS_EC2_METADATA_SERVICE_ENDPOINT
  same "IMDSv2: token, role, credentials" "AWS_EC2_METADATA_DISABLED=false $EP=http://127.46.0.1/"
  same "IMDSv1 fallback when the token PUT answers 404" "AWS_EC2_METADATA_DISABLED=false $EP=http://127.46.0.1/v1/"
  same "IMDSv2 required but token refused: none" "AWS_EC2_METADATA_DISABLED=false $EP=http://127.46.0.1/notoken/"
  same "IMDS: no role attached: none" "AWS_EC2_METADATA_DISABLED=false $EP=http://127.46.0.1/norole/"
  same "IMDS: credentials not JSON: none" "AWS_EC2_METADATA_DISABLED=false $EP=http://127.46.0.1/badjson/"
  same "IMDS: credentials without Token: none" "AWS_EC2_METADATA_DISABLED=false $EP=http://127.46.0.1/partial/"
  same "IMDS: slow (1 s timeout): none" "AWS_EC2_METADATA_DISABLED=false $EP=http://127.46.0.1/slow/"
  same "AWS_EC2_METADATA_DISABLED=true: IMDS not asked" "AWS_EC2_METADATA_DISABLED=true $EP=http://127.46.0.1/"
  same "AWS_EC2_METADATA_DISABLED=TRUE (any case)" "AWS_EC2_METADATA_DISABLED=TRUE $EP=http://127.46.0.1/"
  conf "[default]\nec2_metadata_service_endpoint = http://127.46.0.1/\nregion = us-east-2\n"
  same "IMDS endpoint from the profile" "AWS_EC2_METADATA_DISABLED=false"
  if printf '%s\n' "$(cat "$H/probe.err")" | grep -q 'LABIMDSTOKEN'; then nok "IMDS token leaked"; else ok "IMDS session token not shown at -vv"; fi
else
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP container and IMDS cases: lab services creds-imds/creds-container not running (tests/lab/lab service start creds-imds)"
fi

# ---- region ----------------------------------------------------------------
fresh
cred "[default]\n$K = AKIAREG\n$S = SECRETMARKERreg\n\n[credregion]\n$K = AKIACR\n$S = SECRETMARKERcr\nregion = me-south-1\n"
conf "[default]\nregion = eu-west-2\n\n[profile credregion]\nregion = af-south-1\n"
same "region from the profile" ""
same "AWS_DEFAULT_REGION beats the profile" "AWS_DEFAULT_REGION=us-east-2"
same "AWS_REGION beats AWS_DEFAULT_REGION" "AWS_REGION=ap-northeast-1 AWS_DEFAULT_REGION=us-east-2"
aws_cli "AWS_REGION beats AWS_DEFAULT_REGION" "AWS_REGION=ap-northeast-1 AWS_DEFAULT_REGION=us-east-2"
same "--region beats AWS_REGION" "AWS_REGION=ap-northeast-1" --region il-central-1
same "credentials file's region beats the config file's" "AWS_PROFILE=credregion"
same "China region: amazonaws.com.cn" "" --region cn-northwest-1
same "GovCloud region" "" --region us-gov-west-1
same "ISO region" "" --region us-iso-east-1
same "ISO-B region" "" --region us-isob-east-1
same "unknown region: default partition" "" --region xx-future-7
same "invalid region in AWS_REGION" "AWS_REGION=us_east_1"
same "invalid region: all digits" "AWS_DEFAULT_REGION=12345"
same "invalid region: leading dash" "AWS_DEFAULT_REGION=-x"
expect "the ARN's region beats everything" "AWS_REGION=eu-west-1" \
  'credentials: shared-credentials-file AKIAREG token=no|region: ap-south-1|endpoint: https://acm.ap-south-1.amazonaws.com|ca_bundle: none' \
  --arn-region ap-south-1 --region us-west-1
fresh
same "no region anywhere" "AWS_ACCESS_KEY_ID=AKIAENV13 AWS_SECRET_ACCESS_KEY=SECRETMARKER13"

# ---- endpoint --------------------------------------------------------------
fresh
conf "[default]\nregion = eu-west-1\n\n[profile ep]\nregion = eu-west-1\nendpoint_url = https://profile.example.test\n\n[profile svc]\nregion = eu-west-1\nendpoint_url = https://profile.example.test\nservices = lab\n\n[services lab]\nacm =\n  endpoint_url = https://services.example.test:8443\ns3 =\n  endpoint_url = https://s3.example.test\n\n[profile svcmissing]\nservices = nothere\n\n[profile ign]\nendpoint_url = https://profile.example.test\nignore_configured_endpoint_urls = true\n"
same "--endpoint-url" "" --endpoint-url https://127.45.0.1:8443
same "--endpoint-url beats the region's endpoint (cn)" "" --region cn-north-1 --endpoint-url http://localhost:9000/path
E='credentials: none|region: eu-west-1|endpoint: '
expect "AWS_ENDPOINT_URL_ACM" "AWS_ENDPOINT_URL_ACM=https://acm-env.example.test AWS_ENDPOINT_URL=https://global.example.test" \
  "${E}https://acm-env.example.test|ca_bundle: none"
expect "AWS_ENDPOINT_URL" "AWS_ENDPOINT_URL=https://global.example.test" "${E}https://global.example.test|ca_bundle: none"
expect "AWS_ENDPOINT_URL_S3 does not apply to ACM" "AWS_ENDPOINT_URL_S3=https://s3.example.test" "${E}https://acm.eu-west-1.amazonaws.com|ca_bundle: none"
expect "--endpoint-url beats AWS_ENDPOINT_URL_ACM" "AWS_ENDPOINT_URL_ACM=https://acm-env.example.test" \
  "${E}https://cli.example.test|ca_bundle: none" --endpoint-url https://cli.example.test
expect "profile endpoint_url" "AWS_PROFILE=ep" "${E}https://profile.example.test|ca_bundle: none"
expect "services section beats profile endpoint_url" "AWS_PROFILE=svc" "${E}https://services.example.test:8443|ca_bundle: none"
expect "AWS_ENDPOINT_URL beats the services section" "AWS_PROFILE=svc AWS_ENDPOINT_URL=https://global.example.test" "${E}https://global.example.test|ca_bundle: none"
expect "services section that does not exist" "AWS_PROFILE=svcmissing" 'credentials: none|region: none|endpoint: error config|ca_bundle: none'
expect "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true" "AWS_PROFILE=svc AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true AWS_ENDPOINT_URL=https://global.example.test" \
  "${E}https://acm.eu-west-1.amazonaws.com|ca_bundle: none"
expect "... but not --endpoint-url" "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true" "${E}https://cli.example.test|ca_bundle: none" --endpoint-url https://cli.example.test
expect "ignore_configured_endpoint_urls in the profile" "AWS_PROFILE=ign AWS_DEFAULT_REGION=eu-west-1" "${E}https://acm.eu-west-1.amazonaws.com|ca_bundle: none"
expect "a configured endpoint that is no URL" "AWS_ENDPOINT_URL=ftp://x" 'credentials: none|region: eu-west-1|endpoint: error bad-url|ca_bundle: none'

# ---- CA bundle -------------------------------------------------------------
fresh
conf "[default]\nca_bundle = /etc/ssl/lab-ca.pem\n"
same "profile ca_bundle" ""
same "AWS_CA_BUNDLE beats the profile" "AWS_CA_BUNDLE=/tmp/other.pem"

# ---- dvcheck itself: the options --------------------------------------------
out=$("$DVCHECK" --region 'us east' explain 2>&1); rc=$?
if [ $rc -eq 3 ] && printf '%s' "$out" | grep -q 'not a region name'; then ok "dvcheck --region rejects junk (exit 3)"
else nok "dvcheck --region rejects junk"; diag "$rc $out"; fi
out=$("$DVCHECK" --endpoint-url 'acm.example' explain 2>&1); rc=$?
if [ $rc -eq 3 ]; then ok "dvcheck --endpoint-url rejects a non-URL (exit 3)"; else nok "dvcheck --endpoint-url rejects a non-URL"; fi
if "$DVCHECK" --profile x --region eu-west-1 --endpoint-url https://e.test explain MX_NULL >/dev/null 2>&1; then
  ok "dvcheck accepts --profile/--region/--endpoint-url"
else nok "dvcheck accepts --profile/--region/--endpoint-url"; fi
done_testing
