/* libFuzzer target: RDAP JSON (whois/whois_rdap.c: a domain answer, its
 * contacts and error objects; the `related` link) and the RFC 9224
 * bootstrap file (whois/rdap_bootstrap.c) with lookups in the result. The
 * same input is tried as both: both are JSON from the network. */
#include "config.h"

#include <stdio.h>

#include "tests/fuzz/fuzz_whois.h"

#include "check/check_whois.h"
#include "check/findings.h"
#include "whois/rdap_bootstrap.h"
#include "whois/rdap_client.h"
#include "whois/whois_parse.h"

static dv_whois_patterns *pat;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  pat = fuzz_whois_patterns("fuzz_rdap");
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const names[] = {"example.com",
                                      "www.example.co.uk",
                                      "xn--bcher-kva.example",
                                      "a.b.c.d.e",
                                      "com",
                                      "",
                                      ".",
                                      "example.com."};
  dv_whois_info info;
  dv_rdap_bootstrap *b = NULL;
  dv_findings fl;
  char url[512], err[256];
  const char *buf = (const char *)data;
  json_t *j;

  dv_rdap_parse_json(pat, buf, size, &info);
  fuzz_whois_info_check(&info);
  memset(&fl, 0, sizeof(fl));
  dv_whois_info_findings(&fl, &info, "example.com");
  dv_findings_free(&fl);
  j = dv_whois_contacts_json(&info);
  json_decref(j);
  (void)dv_rdap_related_link(buf, size, url, sizeof(url));
  (void)dv_whois_detect_format(buf, size);

  if (dv_rdap_bootstrap_parse(buf, size, &b, err, sizeof(err)) == DV_WHOIS_OK) {
    const char *m;
    (void)dv_rdap_bootstrap_count(b);
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      (void)dv_rdap_bootstrap_base(b, names[i], &m);
      (void)dv_rdap_bootstrap_domain_url(b, names[i], url, sizeof(url));
      (void)dv_rdap_bootstrap_domain_url(b, names[i], url, 24);
    }
  }
  dv_rdap_bootstrap_free(b);
  {
    char *s = fuzz_cstr_nul(data, size);
    (void)dv_rdap_retry_after(s, 1767225600L);
    free(s);
  }
  return 0;
}
