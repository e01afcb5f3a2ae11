/* Unit tests: CAA property evaluation (RFC 8659), table-driven. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/ca_table.h"
#include "check/check_caa.h"
#include "check/check_dns.h"
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
    /* RFC 8659 4.2: a value off the grammar is an empty issuer */
    {"0 issue amazon.com; a_b=123", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_ALL},
    {"0 issue amazon.com; a\nb=1 2 3", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_ALL},
    {"0 issue amazon.com.", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_ALL},
    {"0 issue %%%%%", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_ALL},
    {"0 issue amazon.com; a=1;", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_ALL},
    {"0 issue amazon.com;", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue amazon.com;a=;b-c=x", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue \tamazon.com\t;\ta\t=\tb\t", 0, DV_CAA_ALLOWS,
     DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue ama-zon.com", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_AMAZON},
    {"0 issue amazon-.com", 0, DV_CAA_FORBIDS, DV_F_CAA_FORBIDS_ALL},
    {"0 issue amazon.com; a_b=1|0 issue amazon.com", 0, DV_CAA_ALLOWS,
     DV_F_CAA_ALLOWS_AMAZON},
    {"0 issue amazon.com|0 issuewild amazon.com x", 1, DV_CAA_FORBIDS,
     DV_F_CAA_FORBIDS_ALL},
    {"128 issue amazon.com", 0, DV_CAA_ALLOWS, DV_F_CAA_ALLOWS_AMAZON},
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
    /* the raw value: the C escapes above are the bytes */
    rr[n].rawlen = strlen(sp2 + 1);
    memcpy(rr[n].raw, sp2 + 1, rr[n].rawlen);
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
  ck_assert_str_eq(DV_CAA_LEVEL_NAME(&c, &c.levels[0]), "a.b.example.com");
  ck_assert_str_eq(DV_CAA_LEVEL_NAME(&c, &c.levels[3]), "com");
}
END_TEST

/* RFC 8657 for another CA: account and method, given or not. */
START_TEST(t_caa_acme_policy)
{
  static const char *const le[] = {"letsencrypt.org"};
  dv_caa_policy p = {"Let's Encrypt", le, 1, 0, NULL, "dns-01"};
  dv_caa_rr rr[DV_CAA_MAX_RR];
  dv_caa_eval e;
  size_t n = caa_parse_set("0 issue letsencrypt.org; accounturi=https://a/1; "
                           "validationmethods=http-01,dns-01",
                           rr);
  ck_assert_int_eq(dv_caa_evaluate_policy(&p, rr, n, 0, &e), DV_CAA_ALLOWS);
  ck_assert_int_eq(e.code, DV_F_CAA_ALLOWS_CA);
  ck_assert_int_eq(e.restricted, 1); /* account not given: explained */
  p.account = "https://a/1";
  dv_caa_evaluate_policy(&p, rr, n, 0, &e);
  ck_assert_int_eq(e.restricted, 0);
  p.account = "https://a/2";
  ck_assert_int_eq(dv_caa_evaluate_policy(&p, rr, n, 0, &e), DV_CAA_FORBIDS);
  ck_assert_int_eq(e.code, DV_F_CAA_ACCOUNT_MISMATCH);
  p.account = NULL;
  p.method = "tls-alpn-01";
  ck_assert_int_eq(dv_caa_evaluate_policy(&p, rr, n, 0, &e), DV_CAA_FORBIDS);
  ck_assert_int_eq(e.code, DV_F_CAA_METHOD_NOT_ALLOWED);
  p.method = "dns-change"; /* not an ACME label: not evaluated */
  ck_assert_int_eq(dv_caa_evaluate_policy(&p, rr, n, 0, &e), DV_CAA_ALLOWS);
}
END_TEST

START_TEST(t_issue_parse)
{
  dv_caa_issue is;
  char why[200];
  ck_assert_int_eq(dv_caa_issue_parse(" ca.example ; k1 = v1 ; K-2=v:2 ", 31,
                                      &is, why, sizeof(why)),
                   0);
  ck_assert_str_eq(is.issuer, "ca.example");
  ck_assert_uint_eq(is.nparams, 2);
  ck_assert_str_eq(dv_caa_issue_param(&is, "k-2"), "v:2");
  ck_assert_int_eq(dv_caa_issue_parse(";", 1, &is, why, sizeof(why)), 0);
  ck_assert_str_eq(is.issuer, "");
  ck_assert_int_eq(dv_caa_issue_parse("", 0, &is, why, sizeof(why)), 0);
  ck_assert_int_eq(dv_caa_issue_parse("a\0b", 3, &is, why, sizeof(why)), -1);
  ck_assert_int_eq(dv_caa_issue_parse("a; =b", 5, &is, why, sizeof(why)), -1);
}
END_TEST

/* dns-persist-01 records (BR 3.2.2.4.22) */
START_TEST(t_persist)
{
  static const char *const le[] = {"letsencrypt.org"};
  dv_persist_policy p = {le, 1, "Let's Encrypt", NULL, 1750000000LL};
  char why[400];
  ck_assert_int_eq(
      dv_persist_evaluate(&p, "letsencrypt.org; accounturi=https://a/1", why,
                          sizeof(why)),
      DV_F_PERSIST_OK);
  ck_assert_int_eq(dv_persist_evaluate(&p, "letsencrypt.org", why, sizeof(why)),
                   DV_F_PERSIST_NO_ACCOUNTURI);
  ck_assert_int_eq(dv_persist_evaluate(&p,
                                       "sectigo.com; accounturi=https://a/1",
                                       why, sizeof(why)),
                   DV_F_PERSIST_WRONG_ISSUER);
  ck_assert_int_eq(dv_persist_evaluate(&p,
                                       "letsencrypt.org; accounturi=x:1; "
                                       "persistUntil=1735689600",
                                       why, sizeof(why)),
                   DV_F_PERSIST_EXPIRED);
  ck_assert_int_eq(dv_persist_evaluate(&p,
                                       "letsencrypt.org; accounturi=x:1; "
                                       "persistUntil=1750086400",
                                       why, sizeof(why)),
                   DV_F_PERSIST_EXPIRES_SOON);
  ck_assert_int_eq(dv_persist_evaluate(&p,
                                       "letsencrypt.org; accounturi=x:1; "
                                       "persistUntil=17500864OO",
                                       why, sizeof(why)),
                   DV_F_PERSIST_MALFORMED);
  ck_assert_int_eq(dv_persist_evaluate(&p, "letsencrypt.org accounturi=x:1",
                                       why, sizeof(why)),
                   DV_F_PERSIST_MALFORMED);
  p.account = "x:2";
  ck_assert_int_eq(dv_persist_evaluate(&p, "letsencrypt.org; accounturi=x:1",
                                       why, sizeof(why)),
                   DV_F_PERSIST_ACCOUNT_MISMATCH);
}
END_TEST

/* The shipped cas.conf parses; lifetimes by date; bad lines rejected. */
START_TEST(t_ca_table)
{
  dv_ca_table t;
  char err[300], path[1024];
  const dv_ca *ca;
  const dv_ca_lifetime *lt;
  snprintf(path, sizeof(path), "%s/check/cas.conf",
           getenv("SRCDIR") ? getenv("SRCDIR") : "..");
  ck_assert_msg(dv_ca_table_load(&t, path, err, sizeof(err)) == DV_CA_OK, "%s",
                err);
  ca = dv_ca_find(&t, "amazon");
  ck_assert_ptr_nonnull(ca);
  ck_assert_uint_eq(ca->nissuers, 4);
  ck_assert(dv_ca_offers(ca, "email"));
  ca = dv_ca_find(&t, "LetsEncrypt");
  ck_assert_ptr_nonnull(ca);
  ck_assert_str_eq(dv_ca_dns_method(ca), "dns-01");
  ck_assert(!dv_ca_offers(ca, "email"));
  ck_assert_uint_eq(
      dv_ca_lifetime_days(&t, dv_ca_parse_date("2026-03-14"), NULL), 398);
  ck_assert_uint_eq(
      dv_ca_lifetime_days(&t, dv_ca_parse_date("2026-03-15"), &lt), 200);
  ck_assert_str_eq(lt->ballot, "SC-081");
  ck_assert_uint_eq(
      dv_ca_lifetime_days(&t, dv_ca_parse_date("2029-03-15"), NULL), 47);
  ck_assert_int_eq(dv_ca_method_find(&t, "email")->must_not,
                   dv_ca_parse_date("2028-03-15"));
  dv_ca_table_free(&t);
  ck_assert_int_eq(
      dv_ca_table_parse(&t, "ca x a.example nosuch u X\n", err, sizeof(err)),
      DV_CA_SYNTAX);
  ck_assert_int_eq(dv_ca_table_parse(&t, "bogus line\n", err, sizeof(err)),
                   DV_CA_SYNTAX);
  ck_assert_int_eq(
      dv_ca_table_parse(&t, "method m 1 2026-13-01 - - d\n", err, sizeof(err)),
      DV_CA_SYNTAX);
  ck_assert_int_eq(dv_ca_parse_date("2026-02-3x"), -1);
}
END_TEST

Suite *suite_caa(void)
{
  Suite *s = suite_create("caa");
  TCase *tc = tcase_create("core");
  tcase_add_loop_test(tc, t_caa_table, 0,
                      (int)(sizeof(caa_cases) / sizeof(caa_cases[0])));
  tcase_add_test(tc, t_caa_levels);
  tcase_add_test(tc, t_caa_acme_policy);
  tcase_add_test(tc, t_issue_parse);
  tcase_add_test(tc, t_persist);
  tcase_add_test(tc, t_ca_table);
  suite_add_tcase(s, tc);
  return s;
}
