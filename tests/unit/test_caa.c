/* Unit tests: CAA property evaluation (RFC 8659), table-driven. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_caa.h"
#include "unit.h"

typedef struct {
  const char *set; /* "flags tag value|flags tag value" */
  int wildcard;
  dv_caa_verdict want;
  dv_code code;
} caa_case;

static const caa_case caa_cases[] = {
    {"0 issue amazon.com", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue amazontrust.com", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue awstrust.com", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue amazonaws.com", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue  Amazon.COM ; account=1", 0, DV_CAA_ALLOWS,
     DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue letsencrypt.org", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_AMAZON},
    {"0 issue letsencrypt.org|0 issue amazon.com", 0, DV_CAA_ALLOWS,
     DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue ;", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_ALL},
    {"0 issuewild letsencrypt.org", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issuewild letsencrypt.org", 1, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_AMAZON},
    {"0 issue letsencrypt.org|0 issuewild amazon.com", 1, DV_CAA_ALLOWS,
     DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue amazon.com|0 issuewild ;", 1, DV_CAA_FORBIDS,
     DV_F_CAA_FORBIDS_ALL},
    {"0 issue amazon.com", 1, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 iodef mailto:x@example.com", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue amazon.com|128 tbs unknown", 0, DV_CAA_FORBIDS,
     DV_F_CAA_CRITICAL_UNKNOWN_TAG},
    {"0 issue amazon.com|0 tbs unknown", 0, DV_CAA_ALLOWS,
     DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue amazon.com.evil.example", 0, DV_CAA_FORBIDS,
     DV_F_CAA_FORBIDS_AMAZON},
};

static size_t caa_parse_set(const char *set, dv_caa_rr *rr)
{
  char buf[512], *save = NULL, *item;
  size_t n = 0;
  snprintf(buf, sizeof(buf), "%s", set);
  for (item = strtok_r(buf, "|", &save); item && n < DV_CAA_MAX_RR;
       item = strtok_r(NULL, "|", &save)) {
    char *sp1 = strchr(item, ' '), *sp2;
    memset(&rr[n], 0, sizeof(rr[n]));
    rr[n].flags = (uint8_t)atoi(item);
    sp2 = strchr(sp1 + 1, ' ');
    memcpy(rr[n].tag, sp1 + 1, (size_t)(sp2 - sp1 - 1));
    snprintf(rr[n].value, sizeof(rr[n].value), "%s", sp2 + 1);
    n++;
  }
  return n;
}

START_TEST(t_caa_table)
{
  const caa_case *c = &caa_cases[_i];
  dv_caa_rr rr[DV_CAA_MAX_RR];
  size_t n = caa_parse_set(c->set, rr);
  dv_code code;
  char why[256];
  dv_caa_verdict v =
      dv_caa_evaluate(rr, n, c->wildcard, &code, why, sizeof(why));
  ck_assert_msg(v == c->want && code == c->code, "case %d '%s' wild=%d: %s", _i,
                c->set, c->wildcard, why);
}
END_TEST

START_TEST(t_caa_levels)
{
  dv_caa_check c;
  dv_caa_init(&c, "*.a.b.example.com");
  ck_assert_int_eq(c.wildcard, 1);
  ck_assert_uint_eq(c.nlevels, 4);
  ck_assert_str_eq(c.levels[0].name, "a.b.example.com");
  ck_assert_str_eq(c.levels[3].name, "com");
}
END_TEST

Suite *suite_caa(void)
{
  Suite *s = suite_create("caa");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, t_caa_table, 0,
                      (int)(sizeof(caa_cases) / sizeof(caa_cases[0])));
  tcase_add_test(tc, t_caa_levels);
  suite_add_tcase(s, tc);
  return s;
}
