/* dvcheck -- CAA (RFC 8659): may Amazon issue for a name? Climbs from the
 * name towards the TLD; the first non-empty CAA RRset is the relevant one.
 * Amazon's issuer domains: amazon.com, amazontrust.com, awstrust.com,
 * amazonaws.com. A failed lookup on the way is itself a failure (ACM's
 * CAA_ERROR). */
#ifndef DV_CHECK_CAA_H
#define DV_CHECK_CAA_H

#include <stdint.h>

#include "dns/resolver.h"
#include "check/findings.h"
#include "base/names.h"

#define DV_CAA_MAX_LEVELS 16
#define DV_CAA_MAX_RR     16

typedef struct {
  uint8_t flags;
  char tag[32];
  char value[256]; /* printable */
} dv_caa_rr;

typedef struct {
  char name[DV_NAME_LEN];
  dv_dns_status status;
  int done;
  dv_caa_rr rr[DV_CAA_MAX_RR];
  size_t nrr;
} dv_caa_level;

typedef enum {
  DV_CAA_UNKNOWN = 0, /* not evaluated / incomplete */
  DV_CAA_NONE,        /* no CAA anywhere: any CA may issue */
  DV_CAA_ALLOWS,      /* Amazon is authorised */
  DV_CAA_FORBIDS,     /* Amazon is not authorised */
  DV_CAA_FAILED       /* a lookup failed */
} dv_caa_verdict;

typedef struct {
  char name[DV_NAME_LEN]; /* without "*." */
  int wildcard;
  dv_caa_level levels[DV_CAA_MAX_LEVELS];
  size_t nlevels;
  dv_caa_verdict verdict;
  int relevant; /* index of the relevant level, -1 = none */
  int nomem;
} dv_caa_check;

extern const char *const dv_caa_amazon_issuers[4];

/* name: normalised A-label name, may start with "*.". */
void dv_caa_init(dv_caa_check *c, const char *name);
void dv_caa_start(dv_caa_check *c, dv_resolver *res);
/* Evaluate and add CAA_* findings for subject. */
dv_caa_verdict dv_caa_finish(dv_caa_check *c, dv_findings *fl,
                             const char *subject);

/* Evaluate a relevant RRset (exposed for unit tests). Writes a short
 * explanation to why. */
dv_caa_verdict dv_caa_evaluate(const dv_caa_rr *rr, size_t n, int wildcard,
                               dv_code *code, char *why, size_t whylen);

#endif
