/* dvcheck -- times as text. See timefmt.h. */
#include "config.h"

#include <stdio.h>

#include "base/timefmt.h"

char *dv_time_iso_tm(const struct tm *tm, dv_time_form form, char *buf,
                     size_t len)
{
  size_t n = 0;
  if (!len)
    return buf;
  if (tm && form == DV_TIME_MILLIS)
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S.000Z", tm);
  else if (tm && form == DV_TIME_DATE)
    n = strftime(buf, len, "%Y-%m-%d", tm);
  else if (tm)
    n = strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", tm);
  if (!n)
    snprintf(buf, len, "?");
  return buf;
}

char *dv_time_iso(time_t t, dv_time_form form, char *buf, size_t len)
{
  struct tm tm;
  return dv_time_iso_tm(gmtime_r(&t, &tm) ? &tm : NULL, form, buf, len);
}
