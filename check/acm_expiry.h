/* dvcheck -- which ACM certificates need attention before they expire, and
 * why (pure classification; the expiry and audit commands do the I/O).
 *
 * ACM renews AMAZON_ISSUED certificates from 60 days before expiry, but
 * only when they are in use (RenewalEligibility ELIGIBLE) and validation
 * can be repeated without a human: DNS-validated names need their CNAME
 * still in place; e-mail-validated names need someone to click a mail.
 * IMPORTED certificates are never renewed by ACM. The default window is 45
 * days, the point where ACM's own "DaysToExpiry" events start. */
#ifndef DV_ACM_EXPIRY_H
#define DV_ACM_EXPIRY_H

#include <jansson.h>
#include <time.h>

#include "check/findings.h"

#define DV_EXPIRY_DEFAULT_DAYS 45
/* ACM's managed renewal of AMAZON_ISSUED certificates starts this many
 * days before NotAfter (the renewal window). */
#define DV_EXPIRY_RENEWAL_DAYS 60

typedef struct {
  int expiring;       /* NotAfter within the window (or already past) */
  long days_left;     /* whole days left; expired: -(whole days since) */
  dv_code code;       /* the main finding (valid when expiring) */
  int need_dns_check; /* DNS-validated names: look at the CNAMEs */
  int need_describe;  /* a summary is not enough to decide */
  const char *method; /* "DNS", "EMAIL", "HTTP", "mixed" or NULL */
} dv_expiry_verdict;

/* Classify a CertificateSummary (ListCertificates) or CertificateDetail
 * (DescribeCertificate). With a summary, need_describe says whether a
 * DescribeCertificate is needed to finish (validation methods, renewal
 * state). Returns 0, or -1 when the certificate has no NotAfter (not
 * issued yet: nothing to expire). */
int dv_expiry_classify(const json_t *cert, time_t now, long days,
                       dv_expiry_verdict *out);

/* The certificate's NotAfter as "2026-11-22T10:00:00.000Z", or "?" when it
 * has none we accept. Returns buf. */
char *dv_expiry_not_after(const json_t *cert, char *buf, size_t len);

#endif
