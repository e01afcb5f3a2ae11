/* dvcheck -- Nagios plug-in conventions. See nagios.h. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "base/loop.h"
#include "src/nagios.h"

static const char *const state_str[] = {
    [DV_NAGIOS_OK] = "OK",
    [DV_NAGIOS_WARNING] = "WARNING",
    [DV_NAGIOS_CRITICAL] = "CRITICAL",
    [DV_NAGIOS_UNKNOWN] = "UNKNOWN",
};

const char *dv_nagios_state_str(dv_nagios_state st)
{
  if ((size_t)st < sizeof(state_str) / sizeof(state_str[0]))
    return state_str[st];
  return "UNKNOWN";
}

dv_nagios_state dv_nagios_state_worst(dv_nagios_state a, dv_nagios_state b)
{
  static const int rank[] = {[DV_NAGIOS_OK] = 0,
                             [DV_NAGIOS_UNKNOWN] = 1,
                             [DV_NAGIOS_WARNING] = 2,
                             [DV_NAGIOS_CRITICAL] = 3};
  if ((size_t)a > DV_NAGIOS_UNKNOWN)
    a = DV_NAGIOS_UNKNOWN;
  if ((size_t)b > DV_NAGIOS_UNKNOWN)
    b = DV_NAGIOS_UNKNOWN;
  return rank[a] >= rank[b] ? a : b;
}

/* A number: optional sign, digits, optional fraction (no exponent, no
 * hex, no inf/nan: strtod accepts those, the guidelines do not). */
static int parse_number(const char *s, size_t len, double *out)
{
  char buf[40], *end;
  size_t i = 0, digits = 0;
  if (len == 0 || len >= sizeof(buf))
    return -1;
  if (s[0] == '-' || s[0] == '+')
    i++;
  for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
    digits++;
  if (i < len && s[i] == '.')
    for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
      digits++;
  if (i != len || digits == 0)
    return -1;
  memcpy(buf, s, len);
  buf[len] = '\0';
  errno = 0;
  *out = strtod(buf, &end);
  if (errno || *end || !isfinite(*out))
    return -1;
  return 0;
}

int dv_nagios_range_parse(const char *s, dv_nagios_range *r, char *why,
                          size_t whylen)
{
  const char *p = s, *colon;
  memset(r, 0, sizeof(*r));
  if (!s || !*s) {
    snprintf(why, whylen, "empty range");
    return -1;
  }
  if (strlen(s) >= sizeof(r->text)) {
    snprintf(why, whylen, "range too long");
    return -1;
  }
  if (*p == '@') {
    r->inside = 1;
    p++;
  }
  colon = strchr(p, ':');
  if (colon && strchr(colon + 1, ':')) {
    snprintf(why, whylen, "more than one ':'");
    return -1;
  }
  if (!colon) {
    /* "N" means 0..N */
    if (parse_number(p, strlen(p), &r->end) < 0) {
      snprintf(why, whylen, "not a number or range");
      return -1;
    }
    r->start = 0;
  } else {
    size_t sl = (size_t)(colon - p);
    const char *e = colon + 1;
    if (sl == 1 && *p == '~')
      r->start_inf = 1;
    else if (sl == 0)
      r->start = 0; /* ":10" is 0..10, as "10" */
    else if (parse_number(p, sl, &r->start) < 0) {
      snprintf(why, whylen, "bad start (a number or ~)");
      return -1;
    }
    if (!*e && (sl == 0 || r->start_inf)) {
      snprintf(why, whylen, "the range is empty on both sides");
      return -1;
    }
    if (!*e)
      r->end_inf = 1;
    else if (parse_number(e, strlen(e), &r->end) < 0) {
      snprintf(why, whylen, "bad end (a number or nothing)");
      return -1;
    }
  }
  if (!r->start_inf && !r->end_inf && r->start > r->end) {
    snprintf(why, whylen, "start greater than end");
    return -1;
  }
  snprintf(r->text, sizeof(r->text), "%s", s);
  r->set = 1;
  return 0;
}

int dv_nagios_range_alert(const dv_nagios_range *r, double v)
{
  int in;
  if (!r || !r->set)
    return 0;
  in = (r->start_inf || v >= r->start) && (r->end_inf || v <= r->end);
  return r->inside ? in : !in;
}

dv_nagios_state dv_nagios_state_of(double v, const dv_nagios_range *w,
                                   const dv_nagios_range *c)
{
  if (dv_nagios_range_alert(c, v))
    return DV_NAGIOS_CRITICAL;
  if (dv_nagios_range_alert(w, v))
    return DV_NAGIOS_WARNING;
  return DV_NAGIOS_OK;
}

void dv_nagios_out_init(dv_nagios_out *o)
{
  memset(o, 0, sizeof(*o));
  o->state = DV_NAGIOS_UNKNOWN;
}

void dv_nagios_out_free(dv_nagios_out *o)
{
  free(o->longtext);
  o->longtext = NULL;
  o->longlen = 0;
}

/* One line of plug-in text: no control characters, no '|', ASCII only. */
static void sanitise(char *s)
{
  for (unsigned char *p = (unsigned char *)s; *p; p++)
    if (*p < 0x20 || *p >= 0x7f)
      *p = *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : '?';
    else if (*p == '|')
      *p = '/';
}

void dv_nagios_summary(dv_nagios_out *o, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(o->summary, sizeof(o->summary), fmt, ap);
  va_end(ap);
  sanitise(o->summary);
}

void dv_nagios_long(dv_nagios_out *o, const char *fmt, ...)
{
  char line[1024];
  size_t l;
  char *n;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line, sizeof(line), fmt, ap);
  va_end(ap);
  sanitise(line);
  l = strlen(line);
  n = realloc(o->longtext, o->longlen + l + 2);
  if (!n) {
    o->nomem = 1;
    return;
  }
  o->longtext = n;
  memcpy(n + o->longlen, line, l);
  n[o->longlen + l] = '\n';
  o->longlen += l + 1;
  n[o->longlen] = '\0';
}

void dv_nagios_label(const char *label, char *out, size_t outlen)
{
  int plain = *label != '\0';
  size_t o = 0;
  for (const char *p = label; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
          (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
      plain = 0;
  if (outlen < 3) {
    if (outlen)
      out[0] = '\0';
    return;
  }
  if (!plain)
    out[o++] = '\'';
  for (const char *p = label; *p && o + 3 < outlen; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '\'') {
      if (o + 4 >= outlen)
        break;
      out[o++] = '\'';
      out[o++] = '\'';
    } else if (c == '=' || c < 0x20 || c >= 0x7f || c == '|') {
      out[o++] = '_';
    } else {
      out[o++] = (char)c;
    }
  }
  if (!plain)
    out[o++] = '\'';
  out[o] = '\0';
}

void dv_nagios_number(double v, char *out, size_t outlen)
{
  size_t l;
  if (!isfinite(v))
    v = 0;
  snprintf(out, outlen, "%.3f", v);
  l = strlen(out);
  while (l > 1 && out[l - 1] == '0')
    out[--l] = '\0';
  if (l > 1 && out[l - 1] == '.')
    out[--l] = '\0';
  if (strcmp(out, "-0") == 0)
    snprintf(out, outlen, "0");
}

int dv_nagios_perf_add(dv_nagios_out *o, const char *label, double value,
                       const char *uom, const dv_nagios_range *w,
                       const dv_nagios_range *c, int has_min, double min,
                       int has_max, double max)
{
  char lab[160], val[48], mn[48] = "", mx[48] = "", item[400];
  size_t cur = strlen(o->perf);
  int n;
  dv_nagios_label(label, lab, sizeof(lab));
  dv_nagios_number(value, val, sizeof(val));
  if (has_min)
    dv_nagios_number(min, mn, sizeof(mn));
  if (has_max)
    dv_nagios_number(max, mx, sizeof(mx));
  n = snprintf(item, sizeof(item), "%s%s=%s%s;%s;%s;%s;%s", cur ? " " : "", lab,
               val, uom ? uom : "", w && w->set ? w->text : "",
               c && c->set ? c->text : "", mn, mx);
  if (n < 0 || (size_t)n >= sizeof(item) || cur + (size_t)n >= sizeof(o->perf))
    return -1;
  memcpy(o->perf + cur, item, (size_t)n + 1);
  return 0;
}

char *dv_nagios_render(const dv_nagios_out *o)
{
  const char *st = dv_nagios_state_str(o->state);
  size_t len =
      strlen(st) + strlen(o->summary) + strlen(o->perf) + o->longlen + 32;
  char *s = malloc(len);
  if (!s)
    return NULL;
  snprintf(s, len, "DV %s - %s%s%s\n%s", st,
           o->summary[0] ? o->summary : "(no summary)", o->perf[0] ? " | " : "",
           o->perf, o->longtext ? o->longtext : "");
  return s;
}

int dv_nagios_print(FILE *out, const dv_nagios_out *o)
{
  /* memory that ran out anywhere (base/oom.h) makes any verdict unsure */
  char *s = o->nomem || dv_oom_seen() ? NULL : dv_nagios_render(o);
  if (!s) {
    fputs("DV UNKNOWN - out of memory\n", out);
    return DV_NAGIOS_UNKNOWN;
  }
  if (dv_loop_interrupted()) {
    /* A signal stopped the run (base/loop.h): whatever was found so far is
     * no verdict. One UNKNOWN line, without perfdata. */
    fprintf(out, "DV UNKNOWN - interrupted by %s before a verdict (%s)\n",
            dv_loop_interrupted() == SIGINT ? "SIGINT" : "SIGTERM",
            o->summary[0] ? o->summary : "no summary");
    free(s);
    return DV_NAGIOS_UNKNOWN;
  }
  fputs(s, out);
  free(s);
  return (int)o->state <= DV_NAGIOS_UNKNOWN ? (int)o->state : DV_NAGIOS_UNKNOWN;
}
