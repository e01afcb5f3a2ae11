/* dvcheck -- the CA the checks are for. See tool_ca.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/datafile.h"
#include "src/report.h"
#include "src/tool_ca.h"
#include "src/tool_msgs.h"
#include "src/tool_operate.h"

time_t dv_run_now(void)
{
  const char *env = getenv("DVCHECK_NOW");
  if (env && *env) {
    time_t t = dv_ca_parse_date(env);
    char *end;
    long long v;
    int y, mo, d, h, mi, s;
    char z;
    if (t != -1)
      return t;
    if (sscanf(env, "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &s,
               &z) == 7 &&
        z == 'Z' && strlen(env) == 20) {
      struct tm tm;
      memset(&tm, 0, sizeof(tm));
      tm.tm_year = y - 1900;
      tm.tm_mon = mo - 1;
      tm.tm_mday = d;
      tm.tm_hour = h;
      tm.tm_min = mi;
      tm.tm_sec = s;
      return timegm(&tm);
    }
    errno = 0;
    v = strtoll(env, &end, 10);
    if (!*end && !errno && v > 0)
      return (time_t)v;
  }
  return time(NULL);
}

static int table_path(char *out, size_t outlen)
{
  struct stat sb;
  if (dv_data_path("cas.conf", out, outlen) == 0)
    return 0;
  if (getenv("DVCHECK_DATADIR") && *getenv("DVCHECK_DATADIR"))
    return -1;
  /* an uninstalled build: the source tree's check/ */
  snprintf(out, outlen, "%s/../check/cas.conf", DV_SRCDATADIR);
  return stat(out, &sb) == 0 ? 0 : -1;
}

static void print_table(const dv_ca_table *t)
{
  printf("%-12s %-40s %s\n", "NAME", "CAA ISSUER DOMAIN NAMES", "METHODS");
  for (size_t i = 0; i < t->ncas; i++) {
    const dv_ca *ca = &t->cas[i];
    char iss[600] = "", meth[400] = "";
    for (size_t k = 0; k < ca->nissuers; k++)
      snprintf(iss + strlen(iss), sizeof(iss) - strlen(iss), "%s%s",
               k ? "," : "", ca->issuers[k]);
    for (size_t k = 0; k < ca->nmethods; k++)
      snprintf(meth + strlen(meth), sizeof(meth) - strlen(meth), "%s%s",
               k ? "," : "", ca->methods[k]);
    printf("%-12s %-40s %s\n", ca->name, iss, meth);
    printf("%-12s   %s; source: %s\n", "", ca->display, ca->source);
  }
}

int dv_ca_choose(const dv_cfg *cfg, dv_ca_choice *c, const char *method)
{
  char path[1024], err[300];
  dv_ca_status st;
  memset(c, 0, sizeof(*c));
  c->now = dv_run_now();
  if (cfg->ca && cfg->ca_domain) {
    dv_error("give --ca or --ca-domain, not both");
    return -1;
  }
  c->explicit_ca = cfg->ca || cfg->ca_domain;
  if (table_path(path, sizeof(path)) == 0) {
    st = dv_ca_table_load(&c->table, path, err, sizeof(err));
    if (st != DV_CA_OK) {
      dv_error("%s: %s", dv_ca_status_str(st), err);
      return -1;
    }
    c->have_table = 1;
  } else if (cfg->ca) {
    dv_error("cannot find cas.conf (the CA table; set DVCHECK_DATADIR)");
    return -1;
  }
  if (cfg->ca && strcmp(cfg->ca, "list") == 0) {
    print_table(&c->table);
    return 1;
  }
  if (cfg->ca_domain) {
    dv_ca_from_domain(&c->custom, cfg->ca_domain);
    c->ca = &c->custom;
  } else {
    c->ca = dv_ca_find(&c->table, cfg->ca ? cfg->ca : "amazon");
    if (!c->ca && cfg->ca) {
      char names[600] = "";
      for (size_t i = 0; i < c->table.ncas; i++)
        snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
                 i ? ", " : "", c->table.cas[i].name);
      dv_error("--ca '%s': not in the CA table (%s); use --ca-domain for "
               "another CA",
               cfg->ca, names);
      return -1;
    }
  }
  if (c->ca) {
    for (size_t i = 0; i < c->ca->nissuers; i++)
      c->issuers[i] = c->ca->issuers[i];
    c->policy.issuers = c->issuers;
    c->policy.nissuers = c->ca->nissuers;
    c->policy.display = c->ca->display;
    c->policy.amazon = strcmp(c->ca->name, "amazon") == 0;
  } else {
    c->policy = *dv_caa_policy_amazon();
  }
  c->policy.account = cfg->acme_account;
  c->policy.method = method;
  c->persist.issuers = c->policy.issuers;
  c->persist.nissuers = c->policy.nissuers;
  c->persist.display = c->policy.display;
  c->persist.account = cfg->acme_account;
  c->persist.now = (long long)c->now;
  return 0;
}

void dv_ca_choice_free(dv_ca_choice *c)
{
  if (c->have_table)
    dv_ca_table_free(&c->table);
  memset(c, 0, sizeof(*c));
}

const char *dv_ca_choice_name(const dv_ca_choice *c)
{
  return c->ca ? c->ca->name : "amazon";
}

int dv_ca_check_offered(const dv_ca_choice *c, const char *method,
                        dv_findings *fl, const char *subject)
{
  dv_finding *f;
  char meth[400] = "";
  if (!c->explicit_ca || !c->ca || c->ca == &c->custom || !method ||
      dv_ca_offers(c->ca, method))
    return 0;
  for (size_t k = 0; k < c->ca->nmethods; k++)
    snprintf(meth + strlen(meth), sizeof(meth) - strlen(meth), "%s%s",
             k ? ", " : "", c->ca->methods[k]);
  f = dv_findings_add(fl, DV_F_CA_METHOD_NOT_OFFERED, subject);
  dv_finding_ev(fl, f, "ca", "%s (%s)", c->ca->name, c->ca->display);
  dv_finding_ev(fl, f, "method", "%s", method);
  dv_finding_ev(fl, f, "offers", "%s", meth);
  dv_finding_ev(fl, f, "source", "%s", c->ca->source);
  return 1;
}

void dv_ca_email_sunset(const dv_ca_choice *c, dv_findings *fl,
                        const char *subject)
{
  const dv_ca_method *m = dv_ca_method_find(&c->table, "email");
  time_t sn = m ? m->should_not : dv_ca_parse_date("2026-03-15");
  time_t mn = m ? m->must_not : dv_ca_parse_date("2028-03-15");
  char d1[32], d2[32], today[32];
  dv_finding *f;
  if (sn && c->now >= mn && mn) {
    f = dv_findings_add(fl, DV_F_EMAIL_METHOD_RETIRED, subject);
  } else if (sn && c->now >= sn) {
    f = dv_findings_add(fl, DV_F_EMAIL_METHOD_DISCOURAGED, subject);
  } else {
    return;
  }
  dv_ca_format_date(sn, d1, sizeof(d1));
  dv_ca_format_date(mn, d2, sizeof(d2));
  dv_ca_format_date(c->now, today, sizeof(today));
  dv_finding_ev(fl, f, "method", "BR %s e-mail to a constructed address",
                m ? m->section : "3.2.2.4.4");
  dv_finding_ev(fl, f, "should_not_since", "%s", d1);
  dv_finding_ev(fl, f, "must_not_from", "%s (%s)", d2,
                m && m->ballot[0] ? m->ballot : "SC-090");
  dv_finding_ev(fl, f, "run_date", "%s", today);
}

unsigned dv_ca_default_thresholds(unsigned *warn, unsigned *crit,
                                  unsigned *window)
{
  dv_ca_table t;
  char path[1024], err[300];
  unsigned l = 398;
  if (table_path(path, sizeof(path)) == 0 &&
      dv_ca_table_load(&t, path, err, sizeof(err)) == DV_CA_OK) {
    l = dv_ca_lifetime_days(&t, dv_run_now(), NULL);
    dv_ca_table_free(&t);
  }
  if (warn)
    *warn = l / 3 < 30 ? l / 3 : 30;
  if (crit)
    *crit = l / 6 < 14 ? l / 6 : 14;
  if (window)
    *window = l / 3 < 45 ? l / 3 : 45;
  return l;
}
