#!/bin/sh
# Bad input: clear error, exit 3, no crash, no hang, no escapes echoed.
. "$SRCDIR/tests/lib.sh"
exec "$PY" "$SRCDIR/tests/bad-input.py" "$DVCHECK" "$SRCDIR/tests/bad-inputs.txt"
