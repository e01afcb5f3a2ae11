#!/bin/sh
# The C sources follow the checked-in .clang-format (Debian 12's
# clang-format 14). Fix with: clang-format -i FILE...
. "$SRCDIR/tests/lib.sh"
command -v clang-format >/dev/null 2>&1 || skip_all "clang-format not installed"
[ -r "$SRCDIR/.clang-format" ] || skip_all "no .clang-format"
cd "$SRCDIR" || exit 1
for f in base/*.[ch] dns/*.[ch] whois/*.[ch] aws/*.[ch] smtp/*.[ch] check/*.[ch] \
         src/*.[ch] tests/unit/*.c \
         tests/unit/*.h tests/http/*.c tests/*.c tests/fuzz/*.[ch] doc/*.c; do
  [ -f "$f" ] || continue
  if out=$(clang-format --dry-run -Werror "$f" 2>&1); then
    ok "clang-format: $f"
  else
    nok "clang-format: $f (run clang-format -i $f)"
    diag "$(printf '%s\n' "$out" | head -6)"
  fi
done
done_testing
