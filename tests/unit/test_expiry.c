/* Unit tests: expiry classification (acm_expiry.c), table-driven over
 * CertificateSummary / CertificateDetail shapes. */
#include "config.h"

#include <string.h>

#include "check/acm_expiry.h"
#include "unit.h"

#define NOW 1800000000L
#define DAY 86400L

typedef struct {
  const char *json; /* NotAfter is replaced by not_after */
  long not_after;
  int expiring;
  dv_code code;
  int need_dns, need_describe;
} expiry_case;

static const expiry_case expiry_cases[] = {
    /* summaries */
    {"{\"Type\":\"AMAZON_ISSUED\",\"RenewalEligibility\":\"ELIGIBLE\","
     "\"NotAfter\":0}",
     NOW + 300 * DAY, 0, 0, 0, 0},
    {"{\"Type\":\"IMPORTED\",\"NotAfter\":0}", NOW + 10 * DAY, 1,
     DV_F_EXPIRY_IMPORTED, 0, 0},
    {"{\"Type\":\"IMPORTED\",\"NotAfter\":0}", NOW - DAY, 1,
     DV_F_EXPIRY_EXPIRED, 0, 0},
    {"{\"Type\":\"AMAZON_ISSUED\",\"RenewalEligibility\":\"INELIGIBLE\","
     "\"NotAfter\":0}",
     NOW + 20 * DAY, 1, DV_F_EXPIRY_NOT_IN_USE, 0, 0},
    {"{\"Type\":\"AMAZON_ISSUED\",\"RenewalEligibility\":\"ELIGIBLE\","
     "\"NotAfter\":0}",
     NOW + 20 * DAY, 1, DV_F_EXPIRY_RENEWAL_PENDING, 0, 1},
    {"{\"Type\":\"PRIVATE\",\"RenewalEligibility\":\"ELIGIBLE\","
     "\"NotAfter\":0}",
     NOW + 5 * DAY, 1, DV_F_EXPIRY_PRIVATE, 0, 0},
    /* window edge: 45 days exactly is outside, 44.9 inside */
    {"{\"Type\":\"IMPORTED\",\"NotAfter\":0}", NOW + 45 * DAY, 0, 0, 0, 0},
    {"{\"Type\":\"IMPORTED\",\"NotAfter\":0}", NOW + 45 * DAY - 60, 1,
     DV_F_EXPIRY_IMPORTED, 0, 0},
    /* details */
    {"{\"Type\":\"AMAZON_ISSUED\",\"RenewalEligibility\":\"ELIGIBLE\","
     "\"Serial\":\"01\",\"NotAfter\":0,\"DomainValidationOptions\":"
     "[{\"DomainName\":\"a.test\",\"ValidationMethod\":\"DNS\"}]}",
     NOW + 30 * DAY, 1, DV_F_EXPIRY_DNS_RENEWAL, 1, 0},
    {"{\"Type\":\"AMAZON_ISSUED\",\"RenewalEligibility\":\"ELIGIBLE\","
     "\"Serial\":\"01\",\"NotAfter\":0,\"DomainValidationOptions\":"
     "[{\"DomainName\":\"a.test\",\"ValidationMethod\":\"EMAIL\"}]}",
     NOW + 30 * DAY, 1, DV_F_EXPIRY_EMAIL_RENEWAL, 0, 0},
    {"{\"Type\":\"AMAZON_ISSUED\",\"RenewalEligibility\":\"ELIGIBLE\","
     "\"Serial\":\"01\",\"NotAfter\":0,\"DomainValidationOptions\":"
     "[{\"ValidationMethod\":\"EMAIL\"},{\"ValidationMethod\":\"DNS\"}]}",
     NOW + 30 * DAY, 1, DV_F_EXPIRY_EMAIL_RENEWAL, 1, 0},
    {"{\"Type\":\"AMAZON_ISSUED\",\"RenewalEligibility\":\"ELIGIBLE\","
     "\"Serial\":\"01\",\"NotAfter\":0,\"RenewalSummary\":"
     "{\"RenewalStatus\":\"FAILED\"},\"DomainValidationOptions\":"
     "[{\"ValidationMethod\":\"DNS\"}]}",
     NOW + 30 * DAY, 1, DV_F_EXPIRY_RENEWAL_FAILED, 0, 0},
};

START_TEST(expiry_table)
{
  const expiry_case *c = &expiry_cases[_i];
  char buf[1024];
  json_error_t err;
  json_t *j;
  dv_expiry_verdict v;
  json_t *na;
  j = json_loads(c->json, 0, &err);
  ck_assert_msg(j != NULL, "case %d: %s", _i, err.text);
  na = json_integer((json_int_t)c->not_after);
  json_object_set_new(j, "NotAfter", na);
  (void)buf;
  ck_assert_msg(j != NULL, "case %d: %s", _i, err.text);
  ck_assert_int_eq(dv_expiry_classify(j, NOW, DV_EXPIRY_DEFAULT_DAYS, &v), 0);
  ck_assert_int_eq(v.expiring, c->expiring);
  if (c->expiring)
    ck_assert_msg(v.code == c->code, "case %d: code %s", _i,
                  dv_catalogue_get(v.code)->id);
  ck_assert_int_eq(v.need_dns_check, c->need_dns);
  ck_assert_int_eq(v.need_describe, c->need_describe);
  json_decref(j);
}
END_TEST

START_TEST(expiry_no_not_after)
{
  json_t *j = json_pack("{s:s}", "Status", "PENDING_VALIDATION");
  dv_expiry_verdict v;
  ck_assert_int_eq(dv_expiry_classify(j, NOW, 45, &v), -1);
  json_decref(j);
}
END_TEST

START_TEST(expiry_days_left)
{
  json_t *j = json_pack("{s:s,s:I}", "Type", "IMPORTED", "NotAfter",
                        (json_int_t)(NOW + 10 * DAY + 5));
  dv_expiry_verdict v;
  ck_assert_int_eq(dv_expiry_classify(j, NOW, 45, &v), 0);
  ck_assert_int_eq(v.days_left, 10);
  json_decref(j);
  j = json_pack("{s:s,s:I}", "Type", "IMPORTED", "NotAfter",
                (json_int_t)(NOW - 5));
  ck_assert_int_eq(dv_expiry_classify(j, NOW, 45, &v), 0);
  ck_assert_int_eq(v.days_left, 0);
  ck_assert(v.code == DV_F_EXPIRY_EXPIRED);
  json_decref(j);
  j = json_pack("{s:s,s:I}", "Type", "IMPORTED", "NotAfter",
                (json_int_t)(NOW - 5 * DAY - 60));
  ck_assert_int_eq(dv_expiry_classify(j, NOW, 45, &v), 0);
  ck_assert_int_eq(v.days_left, -5);
  json_decref(j);
}
END_TEST

Suite *suite_expiry(void)
{
  Suite *s = suite_create("expiry");
  TCase *tc = tcase_create("expiry");
  tcase_add_loop_test(tc, expiry_table, 0,
                      (int)(sizeof(expiry_cases) / sizeof(expiry_cases[0])));
  tcase_add_test(tc, expiry_no_not_after);
  tcase_add_test(tc, expiry_days_left);
  suite_add_tcase(s, tc);
  return s;
}
