/* dvcheck -- what the WHOIS and RDAP fuzz targets share: the shipped
 * patterns loaded once, and the promises a parsed record keeps. */
#ifndef DV_TESTS_FUZZ_WHOIS_H
#define DV_TESTS_FUZZ_WHOIS_H

#include <stdio.h>

#include "tests/fuzz/fuzz.h"

#include "check/check_whois.h"
#include "whois/whois_parse.h"

/* whois/patterns.conf, loaded by LLVMFuzzerInitialize; abort()s (naming
 * the target) when it cannot be read: no run without it. */
static inline dv_whois_patterns *fuzz_whois_patterns(const char *target)
{
  dv_whois_patterns *pat = NULL;
  char err[256];
  if (dv_whois_patterns_load(DV_SRCDATADIR "/patterns.conf", &pat, err,
                             sizeof(err)) != DV_WHOIS_OK) {
    fprintf(stderr, "%s: %s\n", target, err);
    abort();
  }
  return pat;
}

/* Contacts and referrals are printable text; an e-mail address only for
 * an EMAIL or PROXY contact. abort()s otherwise. */
static inline void fuzz_whois_info_check(const dv_whois_info *w)
{
  const dv_contact *c[3] = {&w->registrant, &w->admin, &w->tech};
  for (int i = 0; i < 3; i++) {
    fuzz_no_ctl(c[i]->email);
    fuzz_no_ctl(c[i]->raw);
    if (c[i]->status != DV_CONTACT_EMAIL && c[i]->status != DV_CONTACT_PROXY &&
        c[i]->email[0])
      abort();
  }
  fuzz_no_ctl(w->web_only);
  fuzz_no_ctl(w->referral);
  fuzz_no_ctl(w->referral_raw);
}

#endif
