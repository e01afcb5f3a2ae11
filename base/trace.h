/* dvcheck -- the one place lower layers send diagnostics (-v, -vv).
 *
 * Protocol modules and checks never print: when asked to be verbose they
 * hand lines to dv_trace, and the command layer decides where they go
 * (stderr by default; dv_trace_sink_set to redirect or drop them, e.g. in
 * Nagios mode or in tests). Untrusted text inside a trace line must be
 * escaped first (base/text.h); dv_trace_text does it for one value. */
#ifndef DV_BASE_TRACE_H
#define DV_BASE_TRACE_H

#include <stddef.h>
#include <stdio.h>

/* Where trace lines go; NULL drops them. Default: stderr. */
void dv_trace_sink_set(FILE *sink);

/* One line (a newline is added when fmt has none at the end). */
void dv_trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* prefix, then len bytes of untrusted text escaped (base/text.h), then a
 * newline. */
void dv_trace_text(const char *prefix, const char *text, size_t len);

#endif
