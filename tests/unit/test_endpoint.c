/* Unit tests: endpoint verdicts (check_endpoint.c) from hand-built results
 * -- expiry, name, chain, the expected certificate, failures -- and the
 * classification of OpenSSL's verification errors. No network. */
#include "config.h"

#include <openssl/x509_vfy.h>
#include <stdio.h>
#include <string.h>

#include "check/check_endpoint.h"
#include "unit.h"

/* A completed handshake: a certificate with days_left days to go. */
static void ep_done(dv_endpoint *e, double days_left)
{
  dv_endpoint_init(e, "www.example.com", 443, 0);
  e->status = DV_EP_DONE;
  snprintf(e->addr, sizeof(e->addr), "192.0.2.10");
  e->have_cert = 1;
  e->cert.days_left = days_left;
  memset(e->cert.sha256, 0xab, sizeof(e->cert.sha256));
  snprintf(e->cert.not_after, sizeof(e->cert.not_after),
           "2027-01-01T00:00:00Z");
  snprintf(e->cert.issuer, sizeof(e->cert.issuer), "CN=Lab CA");
  snprintf(e->cert.sans, sizeof(e->cert.sans), "DNS:www.example.com");
  e->chain_len = 2;
}

static int has(const dv_endpoint *e, dv_code code)
{
  return dv_findings_has(&e->findings, code);
}

static const char *ev(const dv_endpoint *e, dv_code code, const char *key)
{
  for (size_t i = 0; i < e->findings.n; i++)
    if (e->findings.v[i].code == code)
      for (size_t k = 0; k < e->findings.v[i].nev; k++)
        if (strcmp(e->findings.v[i].ev[k].key, key) == 0)
          return e->findings.v[i].ev[k].value;
  return NULL;
}

START_TEST(t_ok_and_expiring)
{
  dv_endpoint e;
  ep_done(&e, 200);
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_OK));
  ck_assert(!has(&e, DV_F_ENDPOINT_CERT_EXPIRING));
  ck_assert_int_eq(e.incomplete, 0);
  dv_endpoint_free(&e);

  ep_done(&e, 10);
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_OK)); /* expiring is not broken */
  ck_assert(has(&e, DV_F_ENDPOINT_CERT_EXPIRING));
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_CERT_EXPIRING, "days_left"), "10.0");
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_CERT_EXPIRING, "warn_below_days"),
                   "45");
  dv_endpoint_free(&e);

  /* the edge: exactly warn_days left is not expiring; 0 = never warn */
  ep_done(&e, 45);
  dv_endpoint_finish(&e, 45);
  ck_assert(!has(&e, DV_F_ENDPOINT_CERT_EXPIRING));
  dv_endpoint_free(&e);
  ep_done(&e, 1);
  dv_endpoint_finish(&e, 0);
  ck_assert(!has(&e, DV_F_ENDPOINT_CERT_EXPIRING));
  ck_assert(has(&e, DV_F_ENDPOINT_OK));
  dv_endpoint_free(&e);
}
END_TEST

START_TEST(t_expired_not_yet_valid)
{
  dv_endpoint e;
  ep_done(&e, -3);
  e.expired = 1;
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_CERT_EXPIRED));
  ck_assert(!has(&e, DV_F_ENDPOINT_CERT_EXPIRING)); /* expired, not soon */
  ck_assert(!has(&e, DV_F_ENDPOINT_OK));
  dv_endpoint_free(&e);

  ep_done(&e, 400);
  e.not_yet_valid = 1;
  snprintf(e.cert.not_before, sizeof(e.cert.not_before),
           "2030-01-01T00:00:00Z");
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_CERT_NOT_YET_VALID));
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_CERT_NOT_YET_VALID, "not_before"),
                   "2030-01-01T00:00:00Z");
  ck_assert(!has(&e, DV_F_ENDPOINT_OK));
  dv_endpoint_free(&e);
}
END_TEST

START_TEST(t_chain_and_name)
{
  dv_endpoint e;
  ep_done(&e, 200);
  e.chain_err = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
  e.chain_err_depth = 1;
  snprintf(e.chain_err_str, sizeof(e.chain_err_str), "unable to get issuer");
  snprintf(e.ca_source, sizeof(e.ca_source), "system store");
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_CHAIN_UNTRUSTED));
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_CHAIN_UNTRUSTED, "depth"), "1");
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_CHAIN_UNTRUSTED, "chain_sent"),
                   "2 certificate(s)");
  ck_assert(!has(&e, DV_F_ENDPOINT_OK));
  ck_assert(!has(&e, DV_F_ENDPOINT_NAME_MISMATCH));
  dv_endpoint_free(&e);

  ep_done(&e, 200);
  e.name_mismatch = 1;
  e.cert.sans[0] = '\0';
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_NAME_MISMATCH));
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_NAME_MISMATCH, "name"),
                   "www.example.com");
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_NAME_MISMATCH, "sans"), "(none)");
  ck_assert(!has(&e, DV_F_ENDPOINT_OK));
  dv_endpoint_free(&e);
}
END_TEST

START_TEST(t_expected)
{
  dv_endpoint e;
  dv_cert_info want;
  ep_done(&e, 200);
  want = e.cert;
  dv_endpoint_expect(&e, &want, "acm:arn");
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_CERT_EXPECTED));
  ck_assert(!has(&e, DV_F_ENDPOINT_CERT_NOT_EXPECTED));
  ck_assert_str_eq(ev(&e, DV_F_ENDPOINT_CERT_EXPECTED, "expected"), "acm:arn");
  dv_endpoint_free(&e);

  /* the old certificate is still served: it expires before ACM's */
  ep_done(&e, 20);
  want = e.cert;
  want.sha256[0] ^= 1;
  want.days_left = 390;
  dv_endpoint_expect(&e, &want, "file.pem");
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_CERT_NOT_EXPECTED));
  ck_assert(!has(&e, DV_F_ENDPOINT_CERT_EXPECTED));
  ck_assert_ptr_nonnull(ev(&e, DV_F_ENDPOINT_CERT_NOT_EXPECTED, "note"));
  dv_endpoint_free(&e);

  /* a different certificate that lasts longer: no "old one" note */
  ep_done(&e, 300);
  want = e.cert;
  want.sha256[31] ^= 1;
  want.days_left = 100;
  dv_endpoint_expect(&e, &want, "file.pem");
  dv_endpoint_finish(&e, 45);
  ck_assert(has(&e, DV_F_ENDPOINT_CERT_NOT_EXPECTED));
  ck_assert_ptr_null(ev(&e, DV_F_ENDPOINT_CERT_NOT_EXPECTED, "note"));
  dv_endpoint_free(&e);
}
END_TEST

START_TEST(t_failures)
{
  static const struct {
    dv_ep_status st;
    dv_code code;
    int incomplete;
  } cases[] = {
      {DV_EP_RESOLVE, DV_F_ENDPOINT_RESOLVE_FAILED, 0},
      {DV_EP_CONNECT, DV_F_ENDPOINT_CONNECT_FAILED, 0},
      {DV_EP_TIMEOUT, DV_F_ENDPOINT_TIMEOUT, 0},
      {DV_EP_TLS, DV_F_ENDPOINT_HANDSHAKE_FAILED, 0},
      {DV_EP_CANCELLED, DV_F_RUN_DEADLINE, 1},
      {DV_EP_PENDING, DV_F_RUN_DEADLINE, 1},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    dv_endpoint e;
    dv_endpoint_init(&e, "www.example.com", 443, 0);
    e.status = cases[i].st;
    e.dns_status = DV_DNS_NXDOMAIN;
    dv_endpoint_finish(&e, 45);
    ck_assert_msg(has(&e, cases[i].code), "case %zu", i);
    ck_assert_uint_eq(e.findings.n, 1);
    ck_assert_int_eq(e.incomplete, cases[i].incomplete);
    ck_assert(!has(&e, DV_F_ENDPOINT_OK));
    dv_endpoint_free(&e);
  }
}
END_TEST

START_TEST(t_verify_errors)
{
  dv_endpoint e;
  dv_endpoint_init(&e, "www.example.com", 443, 0);
  dv_endpoint_verify_error(&e, X509_V_ERR_CERT_HAS_EXPIRED, 0);
  ck_assert_int_eq(e.expired, 1);
  ck_assert_int_eq((int)e.chain_err, 0);
  /* an expired intermediate is a chain problem, not the leaf's expiry */
  dv_endpoint_verify_error(&e, X509_V_ERR_CERT_HAS_EXPIRED, 1);
  ck_assert_int_eq((int)e.chain_err, X509_V_ERR_CERT_HAS_EXPIRED);
  ck_assert_int_eq(e.chain_err_depth, 1);
  /* the first chain error is kept */
  dv_endpoint_verify_error(&e, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, 2);
  ck_assert_int_eq((int)e.chain_err, X509_V_ERR_CERT_HAS_EXPIRED);
  ck_assert(e.chain_err_str[0] != '\0');
  dv_endpoint_verify_error(&e, X509_V_ERR_HOSTNAME_MISMATCH, 0);
  ck_assert_int_eq(e.name_mismatch, 1);
  dv_endpoint_free(&e);

  dv_endpoint_init(&e, "192.0.2.10", 443, 1);
  dv_endpoint_verify_error(&e, X509_V_ERR_IP_ADDRESS_MISMATCH, 0);
  dv_endpoint_verify_error(&e, X509_V_ERR_CERT_NOT_YET_VALID, 0);
  ck_assert_int_eq(e.name_mismatch, 1);
  ck_assert_int_eq(e.not_yet_valid, 1);
  ck_assert_int_eq((int)e.chain_err, 0);
  dv_endpoint_verify_error(&e, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, 0);
  ck_assert_int_eq((int)e.chain_err, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  dv_endpoint_free(&e);
}
END_TEST

Suite *suite_endpoint(void)
{
  Suite *s = suite_create("endpoint");
  TCase *tc = tcase_create("verdicts");
  tcase_add_test(tc, t_ok_and_expiring);
  tcase_add_test(tc, t_expired_not_yet_valid);
  tcase_add_test(tc, t_chain_and_name);
  tcase_add_test(tc, t_expected);
  tcase_add_test(tc, t_failures);
  tcase_add_test(tc, t_verify_errors);
  suite_add_tcase(s, tc);
  return s;
}
