/* dvcheck -- diagnostics of the lower layers. See trace.h. */
#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "base/text.h"
#include "base/trace.h"

static FILE *trace_sink;
static int trace_sink_set;

void dv_trace_sink_set(FILE *sink)
{
  trace_sink = sink;
  trace_sink_set = 1;
}

static FILE *trace_out(void)
{
  return trace_sink_set ? trace_sink : stderr;
}

void dv_trace(const char *fmt, ...)
{
  FILE *out = trace_out();
  size_t n = strlen(fmt);
  va_list ap;
  if (!out)
    return;
  va_start(ap, fmt);
  vfprintf(out, fmt, ap);
  va_end(ap);
  if (!n || fmt[n - 1] != '\n')
    fputc('\n', out);
}

void dv_trace_text(const char *prefix, const char *text, size_t len)
{
  FILE *out = trace_out();
  if (!out)
    return;
  fputs(prefix, out);
  dv_text_fput(out, text, len);
  fputc('\n', out);
}
