/* dvcheck -- the command layer's own messages. See tool_msgs.h. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "src/nagios.h"
#include "src/tool_msgs.h"

void dv_error(const char *fmt, ...)
{
  char buf[2048];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  fputs("dvcheck: error: ", stderr);
  dv_text_fput(stderr, buf, strlen(buf));
  fputc('\n', stderr);
}

int dv_check_unknown(const char *fmt, ...)
{
  dv_nagios_out o;
  va_list ap;
  char buf[512];
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  dv_nagios_out_init(&o);
  o.state = DV_NAGIOS_UNKNOWN;
  dv_nagios_summary(&o, "%s", buf);
  dv_nagios_print(stdout, &o);
  dv_nagios_out_free(&o);
  return DV_NAGIOS_UNKNOWN;
}
