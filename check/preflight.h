/* dvcheck -- the preflight verdict: which validation method can work for a
 * name, from its DNS-record check and its e-mail check (both finished).
 * Used by `dvcheck preflight` and by `check --domain`. */
#ifndef DV_CHECK_PREFLIGHT_H
#define DV_CHECK_PREFLIGHT_H

#include "check/check_dns.h"
#include "check/check_email.h"
#include "check/findings.h"

typedef enum {
  DV_PREFLIGHT_NONE = 0, /* no method can work yet */
  DV_PREFLIGHT_DNS,
  DV_PREFLIGHT_EMAIL
} dv_preflight_method;

/* ACM's record name is "_" + 32 hex + "." + rname: does it fit in 253
 * characters? */
int dv_preflight_record_fits(const char *rname);

/* Can DNS validation work: the zone answers and the record name fits. */
int dv_preflight_dns_ok(const dv_dns_record *dns);

/* The verdict for one name (cert_name = dns->cert_name): the method, and
 * its findings appended to out (the DNS side's always; the e-mail side's
 * only when DNS cannot work; PREFLIGHT_USE_DNS / _USE_EMAIL / _NO_METHOD,
 * DNS_RECORD_NAME_TOO_LONG). CAA blocks issuance whatever the method.
 * incomplete: a lookup did not finish -- no method is chosen then. */
dv_preflight_method dv_preflight_decide(const dv_dns_record *dns,
                                        const dv_email_result *email,
                                        int incomplete, dv_findings *out);

#endif
