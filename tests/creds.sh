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
acm_share
sts_serialize
PROBE="$BUILDDIR/tests/creds_probe"
BOTO="$SRCDIR/tests/creds_botocore.py"
[ -x "$PROBE" ] || skip_all "creds_probe not built"
"$PY" -c 'import botocore' 2>/dev/null || skip_all "python3-botocore not installed (tools/deps.sh)"
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM
SECRETS='SECRETMARKER|LABSECRET|LABTOKEN|LABIMDSTOKEN|lab-container-token|TOKENMARKER|LABSTSSECRET|LABSTSTOKEN|LABSSOACCESS|LABSSOREFRESH|LABWEBIDTOKEN|LABSSOCLIENTSECRET|labSecret'
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

# ---- assume role, web identity, IAM Identity Center (lab: aws-auth) -------
# The lab's STS/SSO/OIDC (tests/lab/aws_auth_server.py, 127.48.0.1-3). The
# probe runs first and writes the AWS CLI cache (~/.aws/cli/cache); botocore,
# given the CLI's JSONFileCache, must find dvcheck's entry under its own key
# and print the same (lab-unique) access key id -- or, for errors, the same
# class. STS calls are counted in the lab's log.
CADIR=${DVCHECK_LAB_DIR:-/tmp/dvcheck-lab}/ca
LABSTS=https://127.48.0.1
if curl -sf -m 3 --cacert "$CADIR/ca.pem" "$LABSTS/_lab/ping" >/dev/null 2>&1; then
  AUTH="AWS_CA_BUNDLE=$CADIR/ca.pem AWS_ENDPOINT_URL_STS=$LABSTS AWS_ENDPOINT_URL_SSO=https://127.48.0.2 AWS_ENDPOINT_URL_SSO_OIDC=https://127.48.0.3 AWS_DEFAULT_REGION=us-east-1"
  R=arn:aws:iam::123456789012:role
  seqnow() { curl -sf --cacert "$CADIR/ca.pem" "$LABSTS/_lab/log" | "$PY" -c 'import json,sys; print(max([e["seq"] for e in json.load(sys.stdin)["log"]] or [0]))'; }
  calls() { # calls SEQ OP: successful+failed calls of OP since SEQ
    curl -sf --cacert "$CADIR/ca.pem" "$LABSTS/_lab/log" | "$PY" -c 'import json,sys; print(len([e for e in json.load(sys.stdin)["log"] if e["seq"] > int(sys.argv[1]) and e["op"] == sys.argv[2] and e.get("session") != "dvcheck-org" and "cut-short-role" not in (e.get("role_arn") or "")]))' "$1" "$2"
  }
  count_is() { # DESC WANT GOT
    if [ "$2" = "$3" ]; then ok "$1 ($3)"; else nok "$1"; diag "want $2, got $3"; fi
  }
  fresh
  cred "[base]\n$K = AKIDLABEXAMPLE0000001\n$S = labSecret/EXAMPLEKEY/00000000000000000001\n\n[selfref]\n$K = AKIDLABEXAMPLE0000001\n$S = labSecret/EXAMPLEKEY/00000000000000000001\nrole_arn = $R/lab-admin-role\nsource_profile = selfref\n"
  conf "[profile r1]\nrole_arn = $R/lab-admin-role\nsource_profile = base\nrole_session_name = chain-1\n\n[profile r2]\nrole_arn = $R/chain-b\nsource_profile = r1\n\n[profile r3]\nrole_arn = $R/chain-c\nsource_profile = r2\nduration_seconds = 1800\n\n[profile loopa]\nrole_arn = $R/chain-b\nsource_profile = loopb\n\n[profile loopb]\nrole_arn = $R/chain-c\nsource_profile = loopa\n\n[profile selfnokeys]\nrole_arn = $R/chain-b\nsource_profile = selfnokeys\n\n[profile envsrc]\nrole_arn = $R/lab-admin-role\ncredential_source = Environment\n\n[profile badsrc]\nrole_arn = $R/lab-admin-role\ncredential_source = Vault\n\n[profile both]\nrole_arn = $R/lab-admin-role\ncredential_source = Environment\nsource_profile = base\n\n[profile nosrc]\nrole_arn = $R/lab-admin-role\n\n[profile ghostsrc]\nrole_arn = $R/lab-admin-role\nsource_profile = ghost\n\n[profile badarn]\nrole_arn = arn:aws:iam::123456789012:rolex/nope\nsource_profile = base\n\n[profile denied]\nrole_arn = $R/denied-role\nsource_profile = base\n\n[profile member7]\nrole_arn = arn:aws:iam::200000000007:role/OrganizationAccountAccessRole\nsource_profile = base\n\n[profile extid]\nrole_arn = $R/external-id-role\nsource_profile = base\nexternal_id = lab-external-0001\n\n[profile extbad]\nrole_arn = $R/external-id-role\nsource_profile = base\nexternal_id = wrong-0001\n\n[profile toolong]\nrole_arn = $R/chain-b\nsource_profile = base\nduration_seconds = 7200\n\n[profile mfa]\nrole_arn = $R/mfa-role\nsource_profile = base\nmfa_serial = arn:aws:iam::123456789012:mfa/lab-admin\n\n[profile nocreds]\n\n[profile emptysrc]\nrole_arn = $R/chain-b\nsource_profile = nocreds\n"
  s0=$(seqnow)
  same "assume role: a chain of 3 profiles (r3 -> r2 -> r1 -> static keys)" "$AUTH" --profile r3
  count_is "chain of 3: dvcheck called AssumeRole 3 times, botocore 0 (it reused dvcheck's cache)" 3 "$(calls "$s0" AssumeRole)"
  s0=$(seqnow)
  same "assume role: again, from the CLI cache" "$AUTH" --profile r3
  count_is "cached credentials reused: no STS call" 0 "$(calls "$s0" AssumeRole)"
  if grep -q 'AWS CLI cache' "$H/probe.err"; then ok "-v says the credentials came from the AWS CLI cache"; else nok "-v says the credentials came from the AWS CLI cache"; fi
  bad=$(find "$H/.aws/cli/cache" -type f ! -perm 600 | wc -l)
  count_is "cache files are 0600" 0 "$bad"
  same "assume role: r2 (chain-b) reuses the cached r1 link" "$AUTH" --profile r2
  s0=$(seqnow)
  rm -rf "$H/.aws/cli/cache"
  run_in "$AUTH" "$PY" "$BOTO" --profile r1 >"$H/boto.out" 2>&1
  a=$(run_in "$AUTH" "$PROBE" --profile r1 2>/dev/null | head -n 1)
  count_is "the other way round: botocore (the CLI) caches, dvcheck reuses -- 1 STS call" 1 "$(calls "$s0" AssumeRole)"
  if [ "$a" = "$(head -n 1 "$H/boto.out")" ]; then ok "... and gets botocore's key id"; else nok "... and gets botocore's key id"; diag "$a" "$(head -n 1 "$H/boto.out")"; fi
  same "assume role: a profile naming itself with static keys" "$AUTH" --profile selfref
  same "assume role: a profile naming itself without keys: loop" "$AUTH" --profile selfnokeys
  same "assume role: source_profile loop a -> b -> a" "$AUTH" --profile loopa
  same "assume role: credential_source = Environment" "$AUTH AWS_ACCESS_KEY_ID=AKIDLABEXAMPLE0000001 AWS_SECRET_ACCESS_KEY=labSecret/EXAMPLEKEY/00000000000000000001" --profile envsrc
  same "assume role: credential_source = Environment, nothing there" "$AUTH" --profile envsrc
  same "assume role: credential_source that does not exist" "$AUTH" --profile badsrc
  same "assume role: source_profile and credential_source" "$AUTH" --profile both
  same "assume role: neither source_profile nor credential_source" "$AUTH" --profile nosrc
  same "assume role: source_profile that does not exist" "$AUTH" --profile ghostsrc
  same "assume role: source profile without credentials" "$AUTH" --profile emptysrc
  same "assume role: a malformed role ARN (ValidationError)" "$AUTH" --profile badarn
  same "assume role: AccessDenied" "$AUTH" --profile denied
  same "assume role: member account without the role (AccessDenied)" "$AUTH" --profile member7
  same "assume role: external_id" "$AUTH" --profile extid
  same "assume role: a wrong external_id (AccessDenied)" "$AUTH" --profile extbad
  same "assume role: duration_seconds above the role's maximum" "$AUTH" --profile toolong
  expect "assume role: mfa_serial without a terminal is refused, never asked" "$AUTH" \
    'credentials: error mfa|region: us-east-1|endpoint: https://acm.us-east-1.amazonaws.com|ca_bundle: '"$CADIR/ca.pem" --profile mfa
  if grep -q 'no terminal' "$H/probe.err" && grep -q 'aws command with --profile mfa' "$H/probe.err"; then ok "... with a clear message"; else nok "... with a clear message"; diag "$(grep creds_probe "$H/probe.err")"; fi
  expect "assume role: --no-prompt (check mode) never asks" "$AUTH" \
    'credentials: error mfa|region: us-east-1|endpoint: https://acm.us-east-1.amazonaws.com|ca_bundle: '"$CADIR/ca.pem" --profile mfa --no-prompt
  # botocore reads the code from stdin when there is no terminal: let the
  # CLI's library cache the MFA role, then dvcheck uses it without asking
  b=$(echo 123456 | run_in "$AUTH" "$PY" "$BOTO" --profile mfa 2>/dev/null | head -n 1)
  a=$(run_in "$AUTH" "$PROBE" --profile mfa </dev/null 2>/dev/null | head -n 1)
  if [ "$a" = "$b" ] && [ "${a#credentials: assume-role}" != "$a" ]; then ok "MFA role cached by the CLI's library: dvcheck reuses it without a code -- $a"
  else nok "MFA role cached by the CLI's library: dvcheck reuses it"; diag "dvcheck: $a" "botocore: $b"; fi

  # web identity
  fresh
  printf 'LABWEBIDTOKEN-good-0001' > "$H/token"
  printf 'LABWEBIDTOKEN-expired-0003' > "$H/expired"
  WI="AWS_WEB_IDENTITY_TOKEN_FILE=$H/token AWS_ROLE_ARN=$R/web-identity-role"
  conf "[profile wi]\nweb_identity_token_file = $H/token\nrole_arn = $R/web-identity-role\nrole_session_name = ci-job\n\n[profile wiexp]\nweb_identity_token_file = $H/expired\nrole_arn = $R/web-identity-role\nrole_session_name = expired-check\n\n[profile winorole]\nweb_identity_token_file = $H/token\n\n[profile wichain]\nrole_arn = $R/chain-b\nsource_profile = wi\n"
  s0=$(seqnow)
  same "web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN" "$AUTH $WI"
  count_is "web identity: one unsigned AssumeRoleWithWebIdentity" 1 "$(calls "$s0" AssumeRoleWithWebIdentity)"
  same "web identity: profile keys + role_session_name" "$AUTH" --profile wi
  same "web identity: an expired token (ExpiredTokenException)" "$AUTH" --profile wiexp
  same "web identity: no role ARN" "$AUTH" --profile winorole
  same "web identity as the source of an assume-role chain" "$AUTH" --profile wichain
  rm -rf "$H/.aws/cli/cache"
  printf 'LABWEBIDTOKEN-rotated-0002' > "$H/token"
  s0=$(seqnow)
  run_in "$AUTH" "$PROBE" --profile wi >/dev/null 2>&1
  tid=$(curl -sf --cacert "$CADIR/ca.pem" "$LABSTS/_lab/log" | "$PY" -c 'import json,sys; l=[e for e in json.load(sys.stdin)["log"] if e["seq"] > int(sys.argv[1]) and e["op"] == "AssumeRoleWithWebIdentity"]; print(l[-1]["token_id"] if l else "none")' "$s0")
  count_is "web identity: the token file is read again (rotated token used)" 0002 "$tid"

  # IAM Identity Center
  fresh
  mkdir -p "$H/.aws/sso/cache"
  SURL=https://d-lab0000001.awsapps.test/start
  conf "[profile legacy]\nsso_start_url = $SURL\nsso_region = us-east-1\nsso_account_id = 123456789012\nsso_role_name = LabAdmin\n\n[profile ssos]\nsso_session = lab\nsso_account_id = 123456789012\nsso_role_name = LabAdmin\n\n[profile ssoro]\nsso_session = lab\nsso_account_id = 200000000003\nsso_role_name = LabReadOnly\n\n[profile ssoforbidden]\nsso_session = lab\nsso_account_id = 200000000001\nsso_role_name = LabAdmin\n\n[profile ssonosess]\nsso_session = nope\nsso_account_id = 123456789012\nsso_role_name = LabAdmin\n\n[profile ssomissing]\nsso_account_id = 123456789012\nsso_role_name = LabAdmin\n\n[profile ssochain]\nrole_arn = $R/chain-b\nsource_profile = ssos\n\n[profile login]\nlogin_session = arn:aws:iam::123456789012:user/lab\n\n[sso-session lab]\nsso_start_url = $SURL\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n"
  ssotok() { # ssotok NAME ACCESS_SECONDS REFRESH_SECONDS|none: the CLI's token cache
    "$PY" - "$H/.aws/sso/cache" "$1" "$2" "$3" "$SRCDIR/tests/lab" <<'PYEOF'
import datetime, hashlib, json, os, sys
d, name, acc, ref, lab = sys.argv[1:6]
sys.path.insert(0, lab)
import labcreds
now = datetime.datetime.now(datetime.timezone.utc)
f = lambda s: (now + datetime.timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%SZ")
t = {"startUrl": "https://d-lab0000001.awsapps.test/start", "region": "us-east-1",
     "accessToken": labcreds.sso_token("access", "lab-user", int(acc)), "expiresAt": f(int(acc))}
if ref != "none":
    t.update(clientId="lab-client-0001", clientSecret="LABSSOCLIENTSECRET-0001",
             registrationExpiresAt=f(90 * 86400), refreshToken=labcreds.sso_token("refresh", "lab-user", int(ref)))
with open(os.path.join(d, hashlib.sha1(name.encode()).hexdigest() + ".json"), "w") as fh:
    json.dump(t, fh)
PYEOF
  }
  same "SSO (legacy sso_start_url): no token cached: aws sso login" "$AUTH" --profile legacy
  if grep -q 'run: aws sso login --profile legacy' "$H/probe.err"; then ok "... says: run: aws sso login --profile legacy"; else nok "... says: run: aws sso login --profile legacy"; fi
  ssotok "$SURL" 3600 none
  s0=$(seqnow)
  same "SSO (legacy): the cached token, GetRoleCredentials" "$AUTH" --profile legacy
  count_is "SSO: one GetRoleCredentials (botocore reused dvcheck's cache)" 1 "$(calls "$s0" GetRoleCredentials)"
  ssotok lab 3600 86400
  same "SSO (sso_session): the cached token" "$AUTH" --profile ssos
  same "SSO: another account and role of the same session" "$AUTH" --profile ssoro
  same "SSO: a role not assigned (ForbiddenException)" "$AUTH" --profile ssoforbidden
  # botocore 1.29 also fails the ACM endpoint here (its token provider
  # reads the sso-session while creating any client)
  expect "SSO: sso_session that does not exist" "$AUTH" \
    'credentials: error config|region: us-east-1|endpoint: https://acm.us-east-1.amazonaws.com|ca_bundle: '"$CADIR/ca.pem" --profile ssonosess
  same "SSO: missing sso_start_url / sso_region" "$AUTH" --profile ssomissing
  same "SSO as the source of an assume-role chain" "$AUTH" --profile ssochain
  rm -rf "$H/.aws/cli/cache"
  ssotok "$SURL" -60 none
  same "SSO (legacy): the cached token has expired" "$AUTH" --profile legacy
  ssotok lab -60 86400
  s0=$(seqnow)
  same "SSO (sso_session): expired token refreshed with the refresh token" "$AUTH" --profile ssos
  count_is "refresh: one CreateToken" 1 "$(calls "$s0" CreateToken)"
  left=$("$PY" -c 'import json,sys,hashlib,datetime; t=json.load(open(sys.argv[1]+"/"+hashlib.sha1(b"lab").hexdigest()+".json")); print("ok" if datetime.datetime.strptime(t["expiresAt"],"%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc) > datetime.datetime.now(datetime.timezone.utc) and t.get("refreshToken") else "stale")' "$H/.aws/sso/cache")
  count_is "refresh: the CLI's token cache holds the new token" ok "$left"
  rm -rf "$H/.aws/cli/cache"
  ssotok lab -60 86400
  rt=$("$PY" -c 'import json,sys,hashlib; print(json.load(open(sys.argv[1]+"/"+hashlib.sha1(b"lab").hexdigest()+".json"))["refreshToken"])' "$H/.aws/sso/cache")
  curl -sf --cacert "$CADIR/ca.pem" "$LABSTS/_lab/revoke?token=$rt" >/dev/null
  same "SSO: expired token, refresh refused (revoked): aws sso login" "$AUTH" --profile ssos
  if grep -q 'run: aws sso login --profile ssos' "$H/probe.err"; then ok "... says: run: aws sso login --profile ssos"; else nok "... says: run: aws sso login --profile ssos"; diag "$(grep creds_probe "$H/probe.err")"; fi
  expect "login_session profiles are refused clearly" "$AUTH" \
    'credentials: error unsupported|region: us-east-1|endpoint: https://acm.us-east-1.amazonaws.com|ca_bundle: '"$CADIR/ca.pem" --profile login
else
  T_N=$((T_N + 1)); echo "ok $T_N # SKIP assume role, web identity, SSO: lab service aws-auth not running (tests/lab/lab service start aws-auth)"
fi

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
