#!/bin/sh
# Install dvcheck's build, test and lab dependencies (Debian packages only).
# Idempotent: does nothing when everything is present. Needs root for apt.
set -eu
PKGS="build-essential autoconf automake pkg-config clang
libc-ares-dev libcurl4-openssl-dev libssl-dev libpcre2-dev libjansson-dev
libidn2-dev libpsl-dev publicsuffix check
nsd unbound bind9-dnsutils ldnsutils python3 python3-jsonschema
valgrind bsdextrautils util-linux openssl curl clang-format
awscli python3-botocore nagios4-core python3-cryptography
postfix postgrey chromium graphviz libclang-rt-14-dev
prometheus prometheus-node-exporter python3-markdown cmark time"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "deps: missing Debian packages:$missing" >&2
  echo "deps: run as root (sudo $0) to install them" >&2
  exit 1
fi
echo "deps: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# postfix: the lab runs its own instances (tests/lab/postfix_lab.py); the
# package must not configure a system mailer ("No configuration")
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
# The lab runs its own NSD/Unbound/Postfix/postgrey on loopback: keep the
# packages' system services from starting during installation (they would
# hold ports 53 and 25).
policy=/usr/sbin/policy-rc.d
created=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created=1
fi
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null || rc=$?
[ "$created" = 1 ] && rm -f "$policy"
exit "${rc:-0}"
