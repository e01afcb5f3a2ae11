/* dvcheck -- the public CA table. See ca_table.h and cas.conf. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/timefmt.h"
#include "check/ca_table.h"

static const char *const ca_status_str[] = {
    [DV_CA_OK] = "ok",
    [DV_CA_OPEN] = "cannot open the CA table",
    [DV_CA_SYNTAX] = "syntax error in the CA table",
    [DV_CA_NOMEM] = "out of memory",
    [DV_CA_NOT_FOUND] = "not in the CA table",
};

const char *dv_ca_status_str(dv_ca_status st)
{
  if ((size_t)st < sizeof(ca_status_str) / sizeof(ca_status_str[0]))
    return ca_status_str[st];
  return "unknown";
}

time_t dv_ca_parse_date(const char *s)
{
  int y, m, d;
  char tail;
  struct tm tm;
  if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return -1;
  if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
    return -1;
  memset(&tm, 0, sizeof(tm));
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return timegm(&tm);
}

void dv_ca_format_date(time_t t, char *out, size_t outlen)
{
  dv_time_iso(t, DV_TIME_DATE, out, outlen);
}

/* RFC 8659 issuer-domain-name: label *("." label), label = (ALPHA / DIGIT)
 * *( *("-") (ALPHA / DIGIT)). */
static int ldh_domain(const char *s, size_t n)
{
  size_t i = 0;
  if (n == 0)
    return 0;
  while (i < n) {
    size_t start = i;
    if (!isalnum((unsigned char)s[i]))
      return 0;
    while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '-'))
      i++;
    if (s[i - 1] == '-' || i - start > 63)
      return 0;
    if (i < n) {
      if (s[i] != '.' || i + 1 == n)
        return 0;
      i++;
    }
  }
  return 1;
}

int dv_ca_from_domain(dv_ca *ca, const char *domain)
{
  size_t n = strlen(domain);
  memset(ca, 0, sizeof(*ca));
  if (n >= DV_CA_NAME_LEN || !ldh_domain(domain, n))
    return -1;
  for (size_t i = 0; i <= n; i++)
    ca->issuers[0][i] = (char)tolower((unsigned char)domain[i]);
  ca->nissuers = 1;
  snprintf(ca->name, sizeof(ca->name), "%s", ca->issuers[0]);
  snprintf(ca->display, sizeof(ca->display), "the CA of %s", ca->issuers[0]);
  return 0;
}

/* Split a comma-separated list into fixed slots. */
static int split_list(char *s, char (*out)[DV_CA_NAME_LEN], size_t max,
                      size_t width, size_t *n)
{
  char *save = NULL;
  *n = 0;
  for (char *p = strtok_r(s, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
    if (*n >= max || strlen(p) >= width)
      return -1;
    memcpy((char *)out + *n * width, p, strlen(p) + 1);
    (*n)++;
  }
  return *n ? 0 : -1;
}

static time_t opt_date(const char *s)
{
  return strcmp(s, "-") == 0 ? 0 : dv_ca_parse_date(s);
}

#define NEXT(p) strtok_r(NULL, " \t", &(p))

static int parse_line(dv_ca_table *t, char *line, char *why, size_t whylen)
{
  char *save = NULL, *kind = strtok_r(line, " \t", &save);
  if (!kind)
    return 0;
  if (strcmp(kind, "method") == 0) {
    dv_ca_method *m;
    char *label = NEXT(save), *sec = NEXT(save), *sn = NEXT(save),
         *mn = NEXT(save), *ballot = NEXT(save), *rest = save;
    if (!ballot || !rest || !*rest) {
      snprintf(why, whylen,
               "method: expected LABEL SECTION SHOULD_NOT "
               "MUST_NOT BALLOT DESCRIPTION");
      return -1;
    }
    if (t->nmethods >= sizeof(t->methods) / sizeof(t->methods[0]) ||
        strlen(label) >= sizeof(m->label) ||
        strlen(sec) >= sizeof(m->section) ||
        strlen(ballot) >= sizeof(m->ballot)) {
      snprintf(why, whylen, "method: too many or too long");
      return -1;
    }
    m = &t->methods[t->nmethods];
    memset(m, 0, sizeof(*m));
    snprintf(m->label, sizeof(m->label), "%s", label);
    snprintf(m->section, sizeof(m->section), "%s", sec);
    snprintf(m->ballot, sizeof(m->ballot), "%s",
             strcmp(ballot, "-") == 0 ? "" : ballot);
    m->should_not = opt_date(sn);
    m->must_not = opt_date(mn);
    if (m->should_not == -1 || m->must_not == -1) {
      snprintf(why, whylen, "method %s: dates are YYYY-MM-DD or -", label);
      return -1;
    }
    while (*rest == ' ' || *rest == '\t')
      rest++;
    snprintf(m->description, sizeof(m->description), "%s", rest);
    t->nmethods++;
    return 0;
  }
  if (strcmp(kind, "lifetime") == 0) {
    char *from = NEXT(save), *days = NEXT(save), *ballot = NEXT(save), *end;
    dv_ca_lifetime *l;
    long d;
    if (!ballot || NEXT(save)) {
      snprintf(why, whylen, "lifetime: expected FROM DAYS BALLOT");
      return -1;
    }
    if (t->nlifetimes >= sizeof(t->lifetimes) / sizeof(t->lifetimes[0])) {
      snprintf(why, whylen, "lifetime: too many lines");
      return -1;
    }
    l = &t->lifetimes[t->nlifetimes];
    l->from = opt_date(from);
    errno = 0;
    d = strtol(days, &end, 10);
    if (l->from == -1 || *end || errno || d < 1 || d > 3650 ||
        strlen(ballot) >= sizeof(l->ballot)) {
      snprintf(why, whylen, "lifetime: bad date, days or ballot");
      return -1;
    }
    l->days = (unsigned)d;
    snprintf(l->ballot, sizeof(l->ballot), "%s",
             strcmp(ballot, "-") == 0 ? "" : ballot);
    t->nlifetimes++;
    return 0;
  }
  if (strcmp(kind, "ca") == 0) {
    char *name = NEXT(save), *iss = NEXT(save), *meth = NEXT(save),
         *src = NEXT(save), *rest = save;
    dv_ca *ca, *nv;
    if (!src || !rest || !*rest) {
      snprintf(why, whylen,
               "ca: expected NAME ISSUERS METHODS SOURCE DISPLAY NAME");
      return -1;
    }
    nv = realloc(t->cas, (t->ncas + 1) * sizeof(*t->cas));
    if (!nv)
      return -2;
    t->cas = nv;
    ca = &t->cas[t->ncas];
    memset(ca, 0, sizeof(*ca));
    if (strlen(name) >= sizeof(ca->name) || strlen(src) >= sizeof(ca->source) ||
        split_list(iss, ca->issuers, DV_CA_MAX_ISSUERS, DV_CA_NAME_LEN,
                   &ca->nissuers) < 0) {
      snprintf(why, whylen, "ca %s: bad name, issuers or source", name);
      return -1;
    }
    for (size_t i = 0; i < ca->nissuers; i++)
      if (!ldh_domain(ca->issuers[i], strlen(ca->issuers[i]))) {
        snprintf(why, whylen, "ca %s: issuer '%s' is not a domain name", name,
                 ca->issuers[i]);
        return -1;
      }
    {
      char tmp[DV_CA_MAX_METHODS][DV_CA_NAME_LEN];
      if (split_list(meth, tmp, DV_CA_MAX_METHODS, DV_CA_NAME_LEN,
                     &ca->nmethods) < 0) {
        snprintf(why, whylen, "ca %s: bad method list", name);
        return -1;
      }
      for (size_t i = 0; i < ca->nmethods; i++) {
        if (!dv_ca_method_find(t, tmp[i]) ||
            strlen(tmp[i]) >= sizeof(ca->methods[i])) {
          snprintf(why, whylen, "ca %s: method '%s' is not defined above", name,
                   tmp[i]);
          return -1;
        }
        snprintf(ca->methods[i], sizeof(ca->methods[i]), "%s", tmp[i]);
      }
    }
    snprintf(ca->name, sizeof(ca->name), "%s", name);
    snprintf(ca->source, sizeof(ca->source), "%s", src);
    while (*rest == ' ' || *rest == '\t')
      rest++;
    snprintf(ca->display, sizeof(ca->display), "%s", rest);
    t->ncas++;
    return 0;
  }
  snprintf(why, whylen, "unknown line kind '%.20s'", kind);
  return -1;
}

dv_ca_status dv_ca_table_parse(dv_ca_table *t, const char *text, char *err,
                               size_t errlen)
{
  const char *p = text;
  unsigned lineno = 0;
  memset(t, 0, sizeof(*t));
  while (*p) {
    char line[1024], why[200];
    size_t n = strcspn(p, "\n");
    char *hash;
    int r;
    lineno++;
    if (n >= sizeof(line)) {
      snprintf(err, errlen, "line %u: too long", lineno);
      dv_ca_table_free(t);
      return DV_CA_SYNTAX;
    }
    memcpy(line, p, n);
    line[n] = '\0';
    p += n + (p[n] == '\n');
    if ((hash = strchr(line, '#')))
      *hash = '\0';
    n = strlen(line);
    while (n && isspace((unsigned char)line[n - 1]))
      line[--n] = '\0';
    r = parse_line(t, line, why, sizeof(why));
    if (r == -2) {
      dv_ca_table_free(t);
      return DV_CA_NOMEM;
    }
    if (r < 0) {
      snprintf(err, errlen, "line %u: %s", lineno, why);
      dv_ca_table_free(t);
      return DV_CA_SYNTAX;
    }
  }
  return DV_CA_OK;
}

dv_ca_status dv_ca_table_load(dv_ca_table *t, const char *path, char *err,
                              size_t errlen)
{
  FILE *f = fopen(path, "r");
  char *buf;
  size_t n;
  dv_ca_status st;
  memset(t, 0, sizeof(*t));
  if (!f) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return DV_CA_OPEN;
  }
  buf = malloc(256 * 1024 + 1);
  if (!buf) {
    fclose(f);
    return DV_CA_NOMEM;
  }
  n = fread(buf, 1, 256 * 1024, f);
  fclose(f);
  buf[n] = '\0';
  if (strlen(buf) != n) {
    snprintf(err, errlen, "%s: contains a NUL byte", path);
    free(buf);
    return DV_CA_SYNTAX;
  }
  st = dv_ca_table_parse(t, buf, err, errlen);
  free(buf);
  return st;
}

void dv_ca_table_free(dv_ca_table *t)
{
  free(t->cas);
  memset(t, 0, sizeof(*t));
}

int dv_ca_name_valid(const char *name)
{
  size_t n = strlen(name);
  if (n == 0 || n >= DV_CA_NAME_LEN)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isalnum((unsigned char)name[i]) && name[i] != '-')
      return 0;
  return 1;
}

const dv_ca *dv_ca_find(const dv_ca_table *t, const char *name)
{
  for (size_t i = 0; t && i < t->ncas; i++)
    if (strcasecmp(t->cas[i].name, name) == 0)
      return &t->cas[i];
  return NULL;
}

const dv_ca_method *dv_ca_method_find(const dv_ca_table *t, const char *label)
{
  for (size_t i = 0; t && i < t->nmethods; i++)
    if (strcmp(t->methods[i].label, label) == 0)
      return &t->methods[i];
  return NULL;
}

int dv_ca_offers(const dv_ca *ca, const char *label)
{
  for (size_t i = 0; i < ca->nmethods; i++)
    if (strcmp(ca->methods[i], label) == 0)
      return 1;
  return 0;
}

const char *dv_ca_dns_method(const dv_ca *ca)
{
  static const char *const order[] = {"dns-01", "dns-change", "dns-persist-01"};
  for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    if (dv_ca_offers(ca, order[i]))
      return order[i];
  return NULL;
}

int dv_ca_method_is_acme(const char *label)
{
  static const char *const acme[] = {"http-01", "dns-01", "tls-alpn-01",
                                     "dns-account-01", "dns-persist-01"};
  for (size_t i = 0; label && i < sizeof(acme) / sizeof(acme[0]); i++)
    if (strcmp(label, acme[i]) == 0)
      return 1;
  return 0;
}

unsigned dv_ca_lifetime_days(const dv_ca_table *t, time_t now,
                             const dv_ca_lifetime **lt)
{
  const dv_ca_lifetime *best = NULL;
  for (size_t i = 0; t && i < t->nlifetimes; i++)
    if (t->lifetimes[i].from <= now &&
        (!best || t->lifetimes[i].from >= best->from))
      best = &t->lifetimes[i];
  if (lt)
    *lt = best;
  return best ? best->days : 398;
}
