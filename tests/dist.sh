#!/bin/sh
# Every file in the repository reaches the release tarball (make dist): each
# tracked file is named in Makefile.am, or lies under a folder it names, or
# is one automake adds by itself. A header left out builds here and breaks
# `make distcheck` (it did: src/report_email.h). Needs a git checkout.
. "$SRCDIR/tests/lib.sh"
if ! command -v git >/dev/null 2>&1 || ! git -C "$SRCDIR" rev-parse --git-dir >/dev/null 2>&1; then
  skip_all "not a git checkout (the tarball itself is what is being checked)"
fi
miss=$(git -C "$SRCDIR" ls-files | "$PY" -c '
import os, re, sys
am = open(os.path.join(sys.argv[1], "Makefile.am")).read().replace("\\\n", " ")
named = set(re.findall(r"[A-Za-z0-9_./+-]+", am))
auto = {"configure.ac", "Makefile.am", "README", "README.md", "COPYING",
        "AUTHORS", "NEWS", "ChangeLog", "INSTALL", ".gitignore"}
for f in sys.stdin.read().split():
    parts = f.split("/")
    if f in auto or f in named or any("/".join(parts[:i]) in named for i in range(1, len(parts))):
        continue
    print(f)' "$SRCDIR")
if [ -z "$miss" ]; then ok "every tracked file is named in Makefile.am (reaches make dist)"
else nok "tracked files make dist leaves out (add them to Makefile.am)"; diag "$miss"; fi
done_testing
