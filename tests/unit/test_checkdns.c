/* Unit tests: DNS-record diagnosis (check_dns.c) -- the verdict and the
 * classic-mistake classification -- from hand-built per-server results.
 * No network: dv_dns_record_finish only reads what the lookups stored. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_dns.h"
#include "unit.h"

/* a string kept in the record (its arena) */
#define KEEP(r, s) dv_dns_record_str((r), (s), (size_t)-1)
#define RNAME      "_0123456789abcdef0123456789abcdef.example.com"
#define RVALUE                                                                 \
  "_fedcba9876543210fedcba9876543210.abcdefghij.acm-validations.aws"

/* A record whose zone example.com has n servers, all authoritative and
 * answering with cname (may be ""); CAA empty everywhere, the resolver
 * seeing the same CNAME. */
static void rec_setup(dv_dns_record *r, size_t n, const char *cname)
{
  dv_dns_record_init(r, "example.com", RNAME, RVALUE);
  ck_assert_int_eq(dv_dns_record_alloc(r, 2, n), 0);
  snprintf(r->zprobe[0].name, sizeof(r->zprobe[0].name), "example.com");
  r->zprobe[0].status = DV_DNS_OK;
  r->zprobe[0].has_ns = 1;
  snprintf(r->zprobe[1].name, sizeof(r->zprobe[1].name), "com");
  r->zprobe[1].status = DV_DNS_OK;
  r->zprobe[1].has_ns = 1;
  r->zone_idx = 0;
  snprintf(r->zone, sizeof(r->zone), "example.com");
  for (size_t i = 0; i < n; i++) {
    dv_auth_answer *s = &r->auth[i];
    char ns[64];
    snprintf(ns, sizeof(ns), "ns%zu.example.com", i + 1);
    s->ns = KEEP(r, ns);
    snprintf(s->addr, sizeof(s->addr), "192.0.2.%zu", 53 + i);
    s->aa = 1;
    s->cname_st = cname[0] ? DV_DNS_OK : DV_DNS_NXDOMAIN;
    s->cname = KEEP(r, cname);
    s->txt_st = s->soa_st = s->doubled_st = s->nounder_st = DV_DNS_NODATA;
    s->soa_ok = 1;
    s->serial = 2026120100 + (uint32_t)i;
    s->soa_minimum = 300;
    s->soa_ttl = 3600;
  }
  r->rec_st = cname[0] ? DV_DNS_OK : DV_DNS_NXDOMAIN;
  r->rec_cname = KEEP(r, cname);
  for (size_t i = 0; i < r->caa.nlevels; i++) {
    r->caa.levels[i].status = DV_DNS_NODATA;
    r->caa.levels[i].done = 1;
  }
}

static int has(const dv_dns_record *r, dv_code code)
{
  return dv_findings_has(&r->findings, code);
}

static const char *ev(const dv_dns_record *r, dv_code code, const char *key)
{
  for (size_t i = 0; i < r->findings.n; i++)
    if (r->findings.v[i].code == code)
      for (size_t k = 0; k < r->findings.v[i].nev; k++)
        if (strcmp(r->findings.v[i].ev[k].key, key) == 0)
          return r->findings.v[i].ev[k].value;
  return NULL;
}

START_TEST(t_correct)
{
  dv_dns_record r;
  rec_setup(&r, 2, RVALUE);
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_OK));
  ck_assert(has(&r, DV_F_CAA_NONE));
  ck_assert(!has(&r, DV_F_DNS_NEGATIVE_CACHED));
  ck_assert_int_eq(r.incomplete, 0);
  ck_assert(dv_dns_record_zone_ok(&r));
  ck_assert(dv_dns_record_caa_ok(&r));
  ck_assert_str_eq(dv_auth_state_word(&r.auth[0], &r), "correct");
  dv_dns_record_free(&r);

  /* the servers have it, the resolver still caches the NXDOMAIN */
  rec_setup(&r, 2, RVALUE);
  r.rec_st = DV_DNS_NXDOMAIN;
  r.rec_cname = "";
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_OK));
  ck_assert(has(&r, DV_F_DNS_NEGATIVE_CACHED));
  ck_assert_str_eq(ev(&r, DV_F_DNS_NEGATIVE_CACHED, "negative_ttl"),
                   "300 s (min of SOA minimum and SOA TTL)");
  dv_dns_record_free(&r);
}
END_TEST

START_TEST(t_missing_on_some)
{
  dv_dns_record r;
  rec_setup(&r, 2, RVALUE);
  r.auth[1].cname_st = DV_DNS_NXDOMAIN;
  r.auth[1].cname = "";
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_MISSING_ON_SOME));
  ck_assert(!has(&r, DV_F_DNS_CNAME_OK));
  ck_assert_str_eq(ev(&r, DV_F_DNS_CNAME_MISSING_ON_SOME, "missing_on"),
                   "ns2.example.com (192.0.2.54)");
  ck_assert_str_eq(dv_auth_state_word(&r.auth[1], &r), "missing");
  dv_dns_record_free(&r);
}
END_TEST

START_TEST(t_wrong_values)
{
  dv_dns_record r;
  /* the zone appended by a DNS console */
  rec_setup(&r, 1, RVALUE ".example.com");
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_VALUE_ZONE_APPENDED));
  ck_assert_str_eq(ev(&r, DV_F_DNS_CNAME_VALUE_ZONE_APPENDED, "difference"),
                   "found has 12 extra characters at the end");
  ck_assert_str_eq(dv_auth_state_word(&r.auth[0], &r), "wrong_value");
  dv_dns_record_free(&r);

  /* another request's token */
  rec_setup(&r, 1,
            "_00000000000000000000000000000000.abcdefghij.acm-validations."
            "aws");
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_WRONG_VALUE));
  ck_assert_str_eq(ev(&r, DV_F_DNS_CNAME_WRONG_VALUE, "difference"),
                   "a different validation token in the first label: the "
                   "value of another (older?) certificate request");
  dv_dns_record_free(&r);

  /* cut short when copied */
  rec_setup(&r, 1, "_fedcba9876543210fedcba9876543210.abcdefghij.acm-valid");
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_WRONG_VALUE));
  ck_assert_ptr_nonnull(
      strstr(ev(&r, DV_F_DNS_CNAME_WRONG_VALUE, "difference"), "cut short"));
  dv_dns_record_free(&r);

  /* a chain that reaches the value: two hops, then too many */
  rec_setup(&r, 1, "alias.example.com");
  r.nchain = 2;
  r.chain[0] = KEEP(&r, "alias.example.com");
  r.chain[1] = KEEP(&r, RVALUE);
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_CHAIN));
  ck_assert_str_eq(ev(&r, DV_F_DNS_CNAME_CHAIN, "cnames"), "2");
  dv_dns_record_free(&r);

  rec_setup(&r, 1, "a1.example.com");
  r.nchain = 6;
  for (size_t i = 0; i < 5; i++) {
    char a[32];
    snprintf(a, sizeof(a), "a%zu.example.com", i + 1);
    r.chain[i] = KEEP(&r, a);
  }
  r.chain[5] = KEEP(&r, RVALUE);
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_CHAIN_TOO_LONG));
  dv_dns_record_free(&r);
}
END_TEST

START_TEST(t_classic_mistakes)
{
  dv_dns_record r;
  /* the record name with the zone twice */
  rec_setup(&r, 1, "");
  r.auth[0].doubled = KEEP(&r, RVALUE);
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_DOUBLED_SUFFIX));
  ck_assert_str_eq(ev(&r, DV_F_DNS_CNAME_DOUBLED_SUFFIX, "found_at"),
                   RNAME ".example.com.");
  ck_assert(!has(&r, DV_F_DNS_CNAME_MISSING));
  dv_dns_record_free(&r);

  /* the leading underscore dropped */
  rec_setup(&r, 1, "");
  r.auth[0].nounder = KEEP(&r, RVALUE);
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_NO_UNDERSCORE));
  ck_assert_str_eq(ev(&r, DV_F_DNS_CNAME_NO_UNDERSCORE, "found_at"),
                   "0123456789abcdef0123456789abcdef.example.com.");
  dv_dns_record_free(&r);

  /* a TXT record instead */
  rec_setup(&r, 1, "");
  r.auth[0].txt = KEEP(&r, RVALUE);
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_TXT_INSTEAD_OF_CNAME));
  dv_dns_record_free(&r);

  /* only the resolver sees it (a private view / split horizon) */
  rec_setup(&r, 1, "");
  r.rec_st = DV_DNS_OK;
  r.rec_cname = KEEP(&r, RVALUE);
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_ONLY_PRIVATE_VIEW));
  dv_dns_record_free(&r);

  /* simply missing */
  rec_setup(&r, 2, "");
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_MISSING));
  ck_assert_str_eq(ev(&r, DV_F_DNS_CNAME_MISSING, "zone"), "example.com");
  ck_assert(!has(&r, DV_F_DNS_RECORD_IN_CHILD_ZONE));
  dv_dns_record_free(&r);

  /* missing in a delegated child zone below the registrable domain */
  rec_setup(&r, 1, "");
  snprintf(r.zone, sizeof(r.zone), "sub.example.com");
  snprintf(r.zprobe[0].name, sizeof(r.zprobe[0].name), "sub.example.com");
  snprintf(r.zprobe[1].name, sizeof(r.zprobe[1].name), "example.com");
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_MISSING));
  ck_assert(has(&r, DV_F_DNS_RECORD_IN_CHILD_ZONE));
  ck_assert_str_eq(ev(&r, DV_F_DNS_RECORD_IN_CHILD_ZONE, "parent"),
                   "example.com");
  dv_dns_record_free(&r);

  /* a CNAME next to other data at the same name */
  rec_setup(&r, 1, RVALUE);
  r.auth[0].txt = KEEP(&r, "v=spf1 -all");
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_OK));
  ck_assert(has(&r, DV_F_DNS_CNAME_AND_OTHER_DATA));
  dv_dns_record_free(&r);
}
END_TEST

START_TEST(t_servers)
{
  dv_dns_record r;
  /* one lame server (not authoritative), one unreachable: no usable one */
  rec_setup(&r, 2, RVALUE);
  r.auth[0].aa = 0;
  r.auth[1].cname_st = DV_DNS_TIMEOUT;
  r.auth[1].cname = "";
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_SERVER_LAME));
  ck_assert(has(&r, DV_F_DNS_SERVER_UNREACHABLE));
  ck_assert(has(&r, DV_F_DNS_NO_AUTHORITATIVE_ANSWER));
  ck_assert(!has(&r, DV_F_DNS_CNAME_OK));
  ck_assert(!dv_dns_record_zone_ok(&r));
  ck_assert_str_eq(dv_auth_state_word(&r.auth[0], &r), "lame");
  ck_assert_str_eq(dv_auth_state_word(&r.auth[1], &r), "unreachable");
  dv_dns_record_free(&r);

  /* a name server without an address */
  rec_setup(&r, 2, RVALUE);
  r.auth[1].addr[0] = '\0';
  r.auth[1].cname_st = DV_DNS_CANCELLED; /* never asked */
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_CNAME_OK)); /* the usable one has it */
  ck_assert(has(&r, DV_F_DNS_SERVER_UNREACHABLE));
  ck_assert_str_eq(dv_auth_state_word(&r.auth[1], &r), "no_address");
  ck_assert_int_eq(r.incomplete, 0);
  dv_dns_record_free(&r);
}
END_TEST

START_TEST(t_no_zone)
{
  dv_dns_record r;
  rec_setup(&r, 0, "");
  r.zone_idx = -1;
  r.zone[0] = '\0';
  r.zprobe[0].status = DV_DNS_NXDOMAIN;
  r.zprobe[1].status = DV_DNS_NXDOMAIN;
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DOMAIN_NXDOMAIN));
  ck_assert_str_eq(ev(&r, DV_F_DOMAIN_NXDOMAIN, "query"), "com NS");
  dv_dns_record_free(&r);

  /* a delegation nobody answers for */
  rec_setup(&r, 0, "");
  r.zone_idx = -1;
  r.zprobe[0].status = DV_DNS_SERVFAIL;
  r.zprobe[1].status = DV_DNS_NXDOMAIN;
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_NO_AUTHORITATIVE_ANSWER));
  ck_assert_int_eq(r.incomplete, 0);
  dv_dns_record_free(&r);

  /* our resolver is the problem: no verdict */
  rec_setup(&r, 0, "");
  r.zone_idx = -1;
  r.zprobe[0].status = DV_DNS_REFUSED;
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNS_RESOLVER_FAILED));
  ck_assert_int_eq(r.incomplete, 1);
  dv_dns_record_free(&r);
}
END_TEST

START_TEST(t_deadline_dnssec_caa)
{
  dv_dns_record r;
  rec_setup(&r, 2, RVALUE);
  r.auth[1].cname_st = DV_DNS_CANCELLED;
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_RUN_DEADLINE));
  ck_assert_uint_eq(r.findings.n, 1);
  ck_assert_int_eq(r.incomplete, 1);
  dv_dns_record_free(&r);

  rec_setup(&r, 1, RVALUE);
  r.sec_st = DV_DNS_SERVFAIL;
  r.cd_st = DV_DNS_OK;
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNSSEC_BOGUS));
  ck_assert_str_eq(dv_dns_record_dnssec_word(&r), "bogus");
  ck_assert(!dv_dns_record_zone_ok(&r));
  dv_dns_record_free(&r);

  rec_setup(&r, 1, RVALUE);
  r.sec_st = DV_DNS_OK;
  r.sec_ad = 1;
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_DNSSEC_SECURE));
  ck_assert_str_eq(dv_dns_record_dnssec_word(&r), "secure");
  dv_dns_record_free(&r);

  /* CAA forbids Amazon at the zone apex */
  rec_setup(&r, 1, RVALUE);
  ck_assert_uint_ge(r.caa.nlevels, 1);
  r.caa.levels[0].status = DV_DNS_OK;
  r.caa.levels[0].nrr = 1;
  r.caa.levels[0].rr = calloc(1, sizeof(dv_caa_rr)); /* freed with r */
  ck_assert_ptr_nonnull(r.caa.levels[0].rr);
  snprintf(r.caa.levels[0].rr[0].tag, sizeof(r.caa.levels[0].rr[0].tag),
           "issue");
  snprintf(r.caa.levels[0].rr[0].value, sizeof(r.caa.levels[0].rr[0].value),
           "letsencrypt.org");
  dv_dns_record_finish(&r);
  ck_assert(has(&r, DV_F_CAA_FORBIDS_AMAZON));
  ck_assert(!dv_dns_record_caa_ok(&r));
  ck_assert_str_eq(dv_caa_verdict_word(r.caa.verdict), "forbids");
  dv_dns_record_free(&r);

  /* a CAA lookup the deadline cancelled: no verdict */
  rec_setup(&r, 1, RVALUE);
  r.caa.levels[0].status = DV_DNS_CANCELLED;
  dv_dns_record_finish(&r);
  ck_assert_int_eq(r.incomplete, 1);
  dv_dns_record_free(&r);
}
END_TEST

Suite *suite_checkdns(void)
{
  Suite *s = suite_create("check_dns");
  TCase *tc = tcase_create("verdicts");
  tcase_add_test(tc, t_correct);
  tcase_add_test(tc, t_missing_on_some);
  tcase_add_test(tc, t_wrong_values);
  tcase_add_test(tc, t_classic_mistakes);
  tcase_add_test(tc, t_servers);
  tcase_add_test(tc, t_no_zone);
  tcase_add_test(tc, t_deadline_dnssec_caa);
  suite_add_tcase(s, tc);
  return s;
}
