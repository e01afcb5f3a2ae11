/* libFuzzer target: the CA table (check/ca_table.c, check/cas.conf's
 * format) -- parsed, then queried as --ca, --ca-domain and the lifetime
 * rules do. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "check/ca_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const names[] = {"amazon", "letsencrypt", "x", ""};
  static const char *const methods[] = {"dns-01", "http-01", "email",
                                        "dns-persist-01", "dns-change"};
  dv_ca_table t;
  dv_ca ca;
  char err[256], date[32];
  char *text = fuzz_cstr(data, size);

  if (dv_ca_table_parse(&t, text, err, sizeof(err)) == DV_CA_OK) {
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
      const dv_ca *c = dv_ca_find(&t, names[i]);
      if (c) {
        (void)dv_ca_dns_method(c);
        for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++)
          (void)dv_ca_offers(c, methods[m]);
      }
    }
    for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
      (void)dv_ca_method_find(&t, methods[m]);
      (void)dv_ca_method_is_acme(methods[m]);
    }
    (void)dv_ca_lifetime_days(&t, 1767225600, NULL);
    (void)dv_ca_lifetime_days(&t, 0, NULL);
    (void)dv_ca_lifetime_days(&t, (time_t)4102444800LL, NULL);
    dv_ca_table_free(&t);
  }
  free(text);
  text = fuzz_cstr_nul(data, size);
  (void)dv_ca_name_valid(text);
  (void)dv_ca_from_domain(&ca, text);
  if (dv_ca_parse_date(text) >= 0)
    dv_ca_format_date(dv_ca_parse_date(text), date, sizeof(date));
  free(text);
  return 0;
}
