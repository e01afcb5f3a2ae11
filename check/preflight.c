/* dvcheck -- the preflight verdict. See preflight.h. */
#include "config.h"

#include <string.h>

#include "check/preflight.h"

/* "_" + 32 hex digits + "." in front of the name */
#define DV_ACM_RECORD_PREFIX_LEN 34
#define DV_NAME_TEXT_MAX         253 /* a DNS name as text, RFC 1035 */

int dv_preflight_record_fits(const char *rname)
{
  return strlen(rname) + DV_ACM_RECORD_PREFIX_LEN <= DV_NAME_TEXT_MAX;
}

int dv_preflight_dns_ok(const dv_dns_record *dns)
{
  return dv_dns_record_zone_ok(dns) && dv_preflight_record_fits(dns->rname);
}

dv_preflight_method dv_preflight_decide(const dv_dns_record *dns,
                                        const dv_email_result *email,
                                        int incomplete, dv_findings *out)
{
  dv_finding *f;
  dv_findings_append(out, &dns->findings);
  if (!dv_preflight_record_fits(dns->rname)) {
    f = dv_findings_add(out, DV_F_DNS_RECORD_NAME_TOO_LONG, dns->cert_name);
    dv_finding_ev(out, f, "length", "%zu + %d > %d", strlen(dns->rname),
                  DV_ACM_RECORD_PREFIX_LEN, DV_NAME_TEXT_MAX);
  }
  if (dv_preflight_dns_ok(dns)) {
    f = dv_findings_add(out, DV_F_PREFLIGHT_USE_DNS, dns->cert_name);
    dv_finding_ev(out, f, "zone", "%s", dns->zone);
    return DV_PREFLIGHT_DNS;
  }
  if (incomplete)
    return DV_PREFLIGHT_NONE;
  if (!dv_dns_record_caa_ok(dns)) {
    /* CAA blocks issuance whatever the validation method */
    f = dv_findings_add(out, DV_F_PREFLIGHT_NO_METHOD, dns->cert_name);
    dv_finding_ev(out, f, "because", "CAA: %s",
                  dv_caa_verdict_word(dns->caa.verdict));
    return DV_PREFLIGHT_NONE;
  }
  /* DNS cannot work: now the e-mail side decides */
  dv_findings_append(out, &email->findings);
  if (email->chosen >= 0) {
    f = dv_findings_add(out, DV_F_PREFLIGHT_USE_EMAIL, dns->cert_name);
    dv_finding_ev(out, f, "validation_domain", "%s",
                  email->cands[email->chosen].domain);
    return DV_PREFLIGHT_EMAIL;
  }
  dv_findings_add(out, DV_F_PREFLIGHT_NO_METHOD, dns->cert_name);
  return DV_PREFLIGHT_NONE;
}
