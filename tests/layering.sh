#!/bin/sh
# The layers, kept true (README "Layout"): dependencies point down only.
#   base/                   core: loop, HTTP, buffers, text, JSON, time, trace
#   dns/ whois/ aws/ smtp/  protocol modules: base/ and each other only;
#                           never print (diagnostics go through base/trace.h)
#   check/                  checks: base/, protocol modules, check/
#   src/                    the CLI: commands, rendering, option parsing
# Every #include "..." names its header from the top (no "../").
. "$SRCDIR/tests/lib.sh"
cd "$SRCDIR" || exit 1

# includes: FILE's project headers, one per line
incs() { sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$1"; }

# layer_ok FILE ALLOWED-DIR... : every project include is config.h or under
# one of the allowed folders
layer_ok() {
  f=$1; shift
  bad=""
  for h in $(incs "$f"); do
    [ "$h" = config.h ] && continue
    ok=0
    for d in "$@"; do
      case $h in "$d"/*) ok=1 ;; esac
    done
    [ $ok = 1 ] || bad="$bad $h"
  done
  if [ -z "$bad" ]; then ok "layer: $f includes only from: $*"; else
    nok "layer: $f includes$bad (allowed: $*)"; fi
}

# no_print FILE : no output to stdout/stderr (printf-family, puts, perror)
no_print() {
  hits=$(grep -nE '(^|[^a-z_])(printf|vprintf|puts|perror|putchar)[[:space:]]*\(|f(printf|puts|putc|write)[[:space:]]*\((stdout|stderr)|vfprintf[[:space:]]*\((stdout|stderr)|(std(out|err))[[:space:]]*[,)]' "$1" |
         grep -v 'format(printf' | grep -vE '^[0-9]+:[[:space:]]*(/?\*|//)')
  if [ -z "$hits" ]; then ok "no printing: $1"; else
    nok "no printing: $1 prints (use base/trace.h or return the error)"
    diag "$hits"; fi
}

n=0
for f in base/*.c base/*.h; do
  [ -f "$f" ] || continue; n=$((n + 1))
  layer_ok "$f" base
done
for d in dns whois aws smtp; do
  for f in $d/*.c $d/*.h; do
    [ -f "$f" ] || continue
    case $f in *_test.c) continue ;; esac # test drivers living beside the module
    n=$((n + 1))
    layer_ok "$f" base dns whois aws smtp
    no_print "$f"
  done
done
for f in check/*.c check/*.h; do
  [ -f "$f" ] || continue; n=$((n + 1))
  layer_ok "$f" base dns whois aws smtp check
  no_print "$f"
done
# no "../" includes anywhere in the C sources
rel=$(grep -rn '#[[:space:]]*include[[:space:]]*"\.\./' base dns whois aws smtp check src tests doc 2>/dev/null)
if [ -z "$rel" ]; then ok "no ../ includes"; else nok "../ includes"; diag "$rel"; fi
# the command line's config struct stays in the command layer
cfg=$(grep -rln 'dv_cfg\b' base dns whois aws smtp check 2>/dev/null)
if [ -z "$cfg" ]; then ok "dv_cfg only in src/"; else nok "dv_cfg below src/: $cfg"; fi
[ "$n" -gt 40 ] || nok "layering: only $n files found (wrong directory?)"
done_testing
