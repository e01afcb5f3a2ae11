/* dvcheck -- --ca / --ca-domain / --acme-account: which CA the checks are
 * for, as a CAA policy, from the table in check/cas.conf. */
#ifndef DV_TOOL_CA_H
#define DV_TOOL_CA_H

#include <time.h>

#include "check/ca_table.h"
#include "check/check_caa.h"
#include "check/check_dns.h"
#include "check/findings.h"
#include "src/tool_cfg.h"

typedef struct {
  dv_ca_table table;
  int have_table;
  dv_ca custom;    /* --ca-domain */
  const dv_ca *ca; /* the chosen CA; NULL = built-in Amazon */
  int explicit_ca; /* --ca or --ca-domain given */
  const char *issuers[DV_CA_MAX_ISSUERS];
  dv_caa_policy policy;
  dv_persist_policy persist;
  time_t now; /* the run's date (DVCHECK_NOW) */
} dv_ca_choice;

/* Resolve --ca/--ca-domain/--acme-account for checks of method (a cas.conf
 * method label, e.g. "dns-01"; NULL = unknown). Prints the error and
 * returns -1 on bad usage or an unreadable table; 1 when --ca list was
 * printed (exit 0). */
int dv_ca_choose(const dv_cfg *cfg, dv_ca_choice *c, const char *method);
void dv_ca_choice_free(dv_ca_choice *c);
/* The CA's name as the user knows it ("amazon"). */
const char *dv_ca_choice_name(const dv_ca_choice *c);
/* Add CA_METHOD_NOT_OFFERED to fl if an explicitly chosen CA does not offer
 * method. Returns 1 if it does not. */
int dv_ca_check_offered(const dv_ca_choice *c, const char *method,
                        dv_findings *fl, const char *subject);
/* Add EMAIL_METHOD_DISCOURAGED / EMAIL_METHOD_RETIRED for the constructed
 * e-mail method (3.2.2.4.4) by the run's date. */
void dv_ca_email_sunset(const dv_ca_choice *c, dv_findings *fl,
                        const char *subject);

/* Default expiry thresholds for the certificate lifetime in force on the
 * run's date (BR 6.3.2, SC-081; lifetimes in cas.conf): warn = min(30,
 * L/3), crit = min(14, L/6), window (expiry/audit --days) = min(45, L/3)
 * days. Returns L. Quiet: without the table L is 398. */
unsigned dv_ca_default_thresholds(unsigned *warn, unsigned *crit,
                                  unsigned *window);

/* The run's date: DVCHECK_NOW (YYYY-MM-DD[THH:MM:SSZ] or seconds since the
 * epoch) if set and valid, else time(NULL). */
time_t dv_run_now(void);

#endif
