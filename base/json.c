/* dvcheck -- reading values out of jansson documents. See json.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "base/json.h"
#include "base/text.h"

const char *dv_json_get_str(const json_t *o, const char *k)
{
  const json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
  return json_is_string(v) ? json_string_value(v) : "";
}

int dv_json_get_time(const json_t *o, const char *k, time_t *t)
{
  const json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
  double d;
  if (!json_is_number(v))
    return -1;
  d = json_number_value(v);
  if (!isfinite(d) || d < 0 || d > DV_JSON_TIME_MAX)
    return -1;
  *t = (time_t)d;
  return 0;
}

int dv_json_get_left(const json_t *o, const char *k, time_t now, double *left)
{
  const json_t *v = json_is_object(o) ? json_object_get(o, k) : NULL;
  time_t t;
  if (dv_json_get_time(o, k, &t) < 0)
    return -1;
  /* keep the fraction ACM sends (NotAfter may carry milliseconds) */
  *left = json_number_value(v) - (double)now;
  return 0;
}

json_t *dv_json_str(const char *s)
{
  char buf[2048];
  json_t *j = json_string(s);
  if (j)
    return j;
  /* not UTF-8 (cannot happen for our escaped names, but be safe) */
  dv_text_escape(s, strlen(s), buf, sizeof(buf));
  return json_string(buf);
}

char *dv_json_error_reason(const json_error_t *e, char *out, size_t outlen)
{
  const char *near = strstr(e->text, " near ");
  size_t n =
      near ? (size_t)(near - e->text) : strnlen(e->text, sizeof(e->text));
  return dv_text_escape(e->text, n, out, outlen);
}
