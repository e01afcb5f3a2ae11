/* libFuzzer target: port-43 WHOIS replies (whois/whois_parse.c) -- the
 * text parser with the shipped patterns (whois/patterns.conf), contact
 * classification, referrals, the findings and JSON built from the result. */
#include "config.h"

#include <stdio.h>

#include "tests/fuzz/fuzz_whois.h"

#include "check/check_whois.h"
#include "check/findings.h"
#include "whois/whois_client.h"
#include "whois/whois_parse.h"

static dv_whois_patterns *pat;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  pat = fuzz_whois_patterns("fuzz_whois");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_whois_info info, reg;
  dv_findings fl;
  char host[256], why[64];
  json_t *j;
  const char *buf = (const char *)data;

  (void)dv_whois_detect_format(buf, size);
  dv_whois_parse_text(pat, buf, size, "whois.example", &info);
  fuzz_whois_info_check(&info);
  memset(&fl, 0, sizeof(fl));
  dv_whois_info_findings(&fl, &info, "example.com");
  dv_findings_free(&fl);
  j = dv_whois_contacts_json(&info);
  json_decref(j);
  /* the referral as the client would follow it */
  if (info.referral_raw[0]) {
    (void)dv_whois_referral_accept(info.referral_raw, 0, host, sizeof(host),
                                   why, sizeof(why));
    (void)dv_whois_referral_normalize(info.referral_raw, host, sizeof(host));
  }
  /* a registrar's reply merged over the registry's */
  dv_whois_parse_any(pat, buf, size, NULL, &reg);
  fuzz_whois_info_check(&reg);
  dv_whois_info_merge(&info, &reg);
  fuzz_whois_info_check(&info);
  {
    char *s = fuzz_cstr_nul(data, size);
    (void)dv_whois_referral_normalize(s, host, sizeof(host));
    (void)dv_whois_referral_accept(s, 1, host, sizeof(host), why, sizeof(why));
    free(s);
  }
  return 0;
}
