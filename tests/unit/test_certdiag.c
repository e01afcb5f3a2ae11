/* Unit tests: certificate diagnosis verdicts (cert_diag.c) from hand-built
 * DescribeCertificate details and hand-built world results -- no ACM, no
 * DNS, no loop: dv_cert_diag_parse, the world's results filled in, then
 * dv_cert_diag_finish / dv_cert_dvo_verdict. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/cert_diag.h"
#include "unit.h"

#define ARN                                                                    \
  "arn:aws:acm:us-east-1:123456789012:certificate/"                            \
  "0d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6"
#define RVAL "_fedcba9876543210fedcba9876543210.abcdefghij.acm-validations.aws"
#define RNAM "_0123456789abcdef0123456789abcdef.example.com"

/* A diagnosis of the CertificateDetail in json (printf format). */
static dv_cert_diag *diag_of(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

static dv_cert_diag *diag_of(const char *fmt, ...)
{
  char buf[4096];
  va_list ap;
  json_error_t err;
  json_t *c;
  dv_cert_opts o = {0};
  dv_cert_diag *d = dv_cert_diag_new(&o, NULL, NULL, NULL, ARN);
  ck_assert_ptr_nonnull(d);
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  c = json_loads(buf, 0, &err);
  ck_assert_msg(c != NULL, "bad test JSON: %s", err.text);
  ck_assert_int_eq(dv_cert_diag_parse(d, c), DV_CERT_DIAG_OK);
  json_decref(c); /* the diagnosis keeps its own reference */
  return d;
}

static int has(const dv_findings *fl, dv_code code)
{
  return dv_findings_has(fl, code);
}

static const char *ev(const dv_findings *fl, dv_code code, const char *key)
{
  for (size_t i = 0; i < fl->n; i++)
    if (fl->v[i].code == code)
      for (size_t k = 0; k < fl->v[i].nev; k++)
        if (strcmp(fl->v[i].ev[k].key, key) == 0)
          return fl->v[i].ev[k].value;
  return NULL;
}

/* The world of a prepared DNS check: the zone example.com with one
 * authoritative server answering cname ("" = none), CAA empty. */
static void dns_world(dv_cert_dvo *d, const char *cname)
{
  dv_dns_record *r = &d->dns;
  ck_assert_int_eq(d->dns_on, 1);
  ck_assert_int_eq(dv_dns_record_alloc(r, 1, 1), 0);
  snprintf(r->zprobe[0].name, sizeof(r->zprobe[0].name), "example.com");
  r->zprobe[0].status = DV_DNS_OK;
  r->zprobe[0].has_ns = 1;
  r->zone_idx = 0;
  snprintf(r->zone, sizeof(r->zone), "example.com");
  r->auth[0].ns = dv_dns_record_str(r, "ns1.example.com", 64);
  snprintf(r->auth[0].addr, sizeof(r->auth[0].addr), "192.0.2.53");
  r->auth[0].aa = 1;
  r->auth[0].cname_st = cname[0] ? DV_DNS_OK : DV_DNS_NXDOMAIN;
  r->auth[0].cname = dv_dns_record_str(r, cname, (size_t)-1);
  r->rec_st = r->auth[0].cname_st;
  r->rec_cname = r->auth[0].cname;
  for (size_t i = 0; i < r->caa.nlevels; i++)
    r->caa.levels[i].status = DV_DNS_NODATA;
}

/* The world of a prepared e-mail check: candidate i receives mail (an MX
 * with a public address) or has no MX domain at all. */
static void mail_world(dv_cert_dvo *d, size_t i, int deliverable)
{
  dv_candidate *c;
  ck_assert_int_eq(d->email_on, 1);
  ck_assert_uint_lt(i, d->email.ncands);
  c = &d->email.cands[i];
  if (!deliverable) {
    c->mx_status = DV_DNS_NXDOMAIN;
    return;
  }
  c->mx_status = DV_DNS_OK;
  c->hosts = calloc(1, sizeof(*c->hosts));
  ck_assert_ptr_nonnull(c->hosts);
  c->nhosts = 1;
  snprintf(c->hosts[0].host, sizeof(c->hosts[0].host), "mx.%s.", c->domain);
  c->hosts[0].pref = 10;
  c->hosts[0].a_status = DV_DNS_OK;
  c->hosts[0].aaaa_status = DV_DNS_NODATA;
  snprintf(c->hosts[0].addrs[0], sizeof(c->hosts[0].addrs[0]), "192.0.2.25");
  c->hosts[0].naddrs = 1;
}

/* ---- ACM's view -------------------------------------------------------- */

START_TEST(t_cert_level)
{
  dv_cert_diag *d =
      diag_of("{\"Type\":\"AMAZON_ISSUED\",\"Status\":\"FAILED\","
              "\"FailureReason\":\"CAA_ERROR\",\"DomainName\":\"example.com\","
              "\"CreatedAt\":1790000000,\"DomainValidationOptions\":[]}");
  ck_assert(has(&d->findings, DV_F_ACM_STATUS_FAILED));
  ck_assert(has(&d->findings, DV_F_ACM_FAILURE_CAA_ERROR));
  ck_assert_str_eq(ev(&d->findings, DV_F_ACM_FAILURE_CAA_ERROR, "phase"),
                   "issuance");
  ck_assert_str_eq(ev(&d->findings, DV_F_ACM_STATUS_FAILED, "created_at"),
                   "2026-09-21T14:13:20Z");
  ck_assert_uint_eq(d->ndvos, 0);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  dv_cert_diag_free(d);

  /* renewal states and their reasons */
  d = diag_of("{\"Type\":\"AMAZON_ISSUED\",\"Status\":\"ISSUED\","
              "\"RenewalSummary\":{\"RenewalStatus\":\"FAILED\","
              "\"RenewalStatusReason\":\"DOMAIN_VALIDATION_DENIED\","
              "\"UpdatedAt\":1790000000}}");
  ck_assert(has(&d->findings, DV_F_ACM_STATUS_ISSUED));
  ck_assert(has(&d->findings, DV_F_ACM_RENEWAL_FAILED));
  ck_assert_str_eq(ev(&d->findings, DV_F_ACM_RENEWAL_FAILED, "reason"),
                   "DOMAIN_VALIDATION_DENIED");
  ck_assert_str_eq(
      ev(&d->findings, DV_F_ACM_FAILURE_DOMAIN_VALIDATION_DENIED, "phase"),
      "renewal");
  dv_cert_diag_free(d);

  /* unknown words from ACM add nothing (and a hostile time is not a time) */
  d = diag_of("{\"Status\":\"SOMETHING_NEW\",\"FailureReason\":\"NEW\","
              "\"CreatedAt\":1e300,\"RenewalSummary\":{\"RenewalStatus\":"
              "\"NEW\"}}");
  ck_assert_uint_eq(d->findings.n, 0);
  dv_cert_diag_free(d);
}
END_TEST

START_TEST(t_parse_dvos)
{
  dv_cert_diag *d = diag_of(
      "{\"Type\":\"AMAZON_ISSUED\",\"Status\":\"PENDING_VALIDATION\","
      "\"DomainValidationOptions\":["
      "{\"DomainName\":\"example.com\",\"ValidationMethod\":\"DNS\","
      "\"ValidationStatus\":\"PENDING_VALIDATION\",\"ResourceRecord\":"
      "{\"Name\":\"" RNAM ".\",\"Type\":\"CNAME\",\"Value\":\"" RVAL ".\"}},"
      "{\"DomainName\":\"*.example.com\",\"ValidationMethod\":\"DNS\","
      "\"ValidationStatus\":\"PENDING_VALIDATION\",\"ResourceRecord\":"
      "{\"Name\":\"" RNAM ".\",\"Type\":\"CNAME\",\"Value\":\"" RVAL ".\"}},"
      "{\"DomainName\":\"mail.example.org\",\"ValidationEmails\":"
      "[\"admin@example.org\"],\"ValidationStatus\":\"PENDING_VALIDATION\"},"
      "{\"DomainName\":\"cdn.example.net\",\"ValidationMethod\":\"HTTP\"},"
      "\"not an object\","
      "{\"DomainName\":\"www.example.net\",\"ValidationMethod\":\"DNS\","
      "\"ValidationStatus\":\"PENDING_VALIDATION\"}]}");
  ck_assert_uint_eq(d->ndvos, 5);
  ck_assert_int_eq(d->dvos[0].check, DV_CERT_CHECK_DNS);
  ck_assert_int_eq(d->dvos[0].dns_on, 1);
  /* ACM's record, normalised for the lookups */
  ck_assert_str_eq(d->dvos[0].dns.rname, RNAM);
  ck_assert_str_eq(d->dvos[0].dns.rvalue, RVAL);
  /* the wildcard shares the apex's record: one check, same_as */
  ck_assert_ptr_eq(d->dvos[1].same_as, &d->dvos[0]);
  ck_assert_int_eq(d->dvos[1].dns_on, 0);
  /* ValidationEmails without a method is e-mail validation */
  ck_assert_str_eq(d->dvos[2].method, "EMAIL");
  ck_assert_int_eq(d->dvos[2].check, DV_CERT_CHECK_EMAIL);
  ck_assert_uint_eq(d->dvos[2].nemails, 1);
  ck_assert_int_eq(d->dvos[3].check, DV_CERT_CHECK_HTTP);
  /* no record yet: nothing to look up */
  ck_assert_int_eq(d->dvos[4].dns_on, 0);
  dv_cert_diag_free(d);

  /* imported and private certificates are not domain-validated */
  d = diag_of("{\"Type\":\"IMPORTED\",\"Status\":\"ISSUED\","
              "\"DomainValidationOptions\":[{\"DomainName\":\"example.com\","
              "\"ValidationMethod\":\"DNS\",\"ResourceRecord\":{\"Name\":"
              "\"" RNAM "\",\"Type\":\"CNAME\",\"Value\":\"" RVAL "\"}}]}");
  ck_assert_int_eq(d->dvos[0].check, DV_CERT_CHECK_NONE);
  ck_assert_int_eq(d->dvos[0].dns_on, 0);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert_int_eq(d->dvos[0].world, DV_CERT_WORLD_NOT_CHECKED);
  dv_cert_diag_free(d);

  /* hostile text is escaped when parsed */
  d = diag_of("{\"Type\":\"AMAZON_ISSUED\",\"DomainValidationOptions\":[{"
              "\"DomainName\":\"a\\u001b[31m.example.com\","
              "\"ValidationMethod\":\"EMAIL\",\"ValidationEmails\":[]}]}");
  ck_assert_ptr_null(strchr(d->dvos[0].domain, 0x1b));
  ck_assert_ptr_nonnull(strstr(d->dvos[0].domain, "\\x1B"));
  dv_cert_diag_free(d);
}
END_TEST

/* ---- the verdict table ----------------------------------------------------
 */

typedef struct {
  const char *method, *status;
  int has_rr, renewal, auto_renewal;
  dv_cert_world world;
  dv_code code; /* DV_F__COUNT: no ACM_NAME_* finding */
  dv_cert_side side;
} verdict_case;

static const verdict_case verdicts[] = {
    {"DNS", "SUCCESS", 1, 0, 0, DV_CERT_WORLD_OK, DV_F_ACM_NAME_VALIDATED,
     DV_CERT_SIDE_NONE},
    {"DNS", "SUCCESS", 1, 0, 0, DV_CERT_WORLD_BROKEN,
     DV_F_ACM_NAME_VALIDATED_WORLD_CHANGED, DV_CERT_SIDE_WORLD},
    {"DNS", "SUCCESS", 1, 0, 0, DV_CERT_WORLD_UNKNOWN, DV_F__COUNT,
     DV_CERT_SIDE_UNKNOWN},
    {"DNS", "PENDING_VALIDATION", 1, 0, 0, DV_CERT_WORLD_BROKEN,
     DV_F_ACM_NAME_PENDING_WORLD_BLOCKS, DV_CERT_SIDE_WORLD},
    {"DNS", "PENDING_VALIDATION", 1, 0, 0, DV_CERT_WORLD_OK,
     DV_F_ACM_NAME_PENDING_DNS_READY, DV_CERT_SIDE_ACM},
    {"DNS", "PENDING_VALIDATION", 0, 0, 0, DV_CERT_WORLD_NOT_CHECKED,
     DV_F_ACM_NAME_NO_RECORD_YET, DV_CERT_SIDE_ACM},
    {"DNS", "FAILED", 1, 0, 0, DV_CERT_WORLD_BROKEN, DV_F_ACM_NAME_FAILED,
     DV_CERT_SIDE_WORLD},
    {"DNS", "FAILED", 1, 0, 0, DV_CERT_WORLD_OK, DV_F_ACM_NAME_FAILED,
     DV_CERT_SIDE_UNKNOWN},
    {"EMAIL", "PENDING_VALIDATION", 0, 0, 0, DV_CERT_WORLD_OK,
     DV_F_ACM_NAME_PENDING_EMAIL_UNANSWERED, DV_CERT_SIDE_NONE},
    {"EMAIL", "PENDING_VALIDATION", 0, 0, 0, DV_CERT_WORLD_BROKEN,
     DV_F_ACM_NAME_PENDING_WORLD_BLOCKS, DV_CERT_SIDE_WORLD},
    {"EMAIL", "SUCCESS", 0, 0, 0, DV_CERT_WORLD_OK, DV_F_ACM_NAME_VALIDATED,
     DV_CERT_SIDE_NONE},
    {"EMAIL", "FAILED", 0, 0, 0, DV_CERT_WORLD_NOT_CHECKED,
     DV_F_ACM_NAME_FAILED, DV_CERT_SIDE_UNKNOWN},
    {"HTTP", "PENDING_VALIDATION", 0, 0, 0, DV_CERT_WORLD_NOT_CHECKED,
     DV_F_ACM_NAME_HTTP_VALIDATION, DV_CERT_SIDE_UNKNOWN},
    /* renewals: ACM renews on its own while PENDING_AUTO_RENEWAL */
    {"DNS", "PENDING_VALIDATION", 1, 1, 1, DV_CERT_WORLD_OK, DV_F__COUNT,
     DV_CERT_SIDE_NONE},
    {"DNS", "PENDING_VALIDATION", 1, 1, 0, DV_CERT_WORLD_OK,
     DV_F_ACM_NAME_PENDING_DNS_READY, DV_CERT_SIDE_ACM},
    {"DNS", "PENDING_VALIDATION", 1, 1, 1, DV_CERT_WORLD_BROKEN,
     DV_F_ACM_NAME_PENDING_WORLD_BLOCKS, DV_CERT_SIDE_WORLD},
    {"EMAIL", "PENDING_VALIDATION", 0, 1, 1, DV_CERT_WORLD_OK, DV_F__COUNT,
     DV_CERT_SIDE_NONE},
    /* auto-renewal excuses only the renewal's names */
    {"DNS", "PENDING_VALIDATION", 1, 0, 1, DV_CERT_WORLD_OK,
     DV_F_ACM_NAME_PENDING_DNS_READY, DV_CERT_SIDE_ACM},
};

START_TEST(t_verdict_table)
{
  const verdict_case *vc = &verdicts[_i];
  static const dv_code name_codes[] = {DV_F_ACM_NAME_VALIDATED,
                                       DV_F_ACM_NAME_VALIDATED_WORLD_CHANGED,
                                       DV_F_ACM_NAME_PENDING_WORLD_BLOCKS,
                                       DV_F_ACM_NAME_PENDING_DNS_READY,
                                       DV_F_ACM_NAME_PENDING_EMAIL_UNANSWERED,
                                       DV_F_ACM_NAME_FAILED,
                                       DV_F_ACM_NAME_NO_RECORD_YET,
                                       DV_F_ACM_NAME_HTTP_VALIDATION};
  dv_cert_diag *d = diag_of(
      "{\"Type\":\"AMAZON_ISSUED\",\"DomainValidationOptions\":[{"
      "\"DomainName\":\"example.com\",\"ValidationMethod\":\"%s\","
      "\"ValidationStatus\":\"%s\",\"ValidationDomain\":\"example.com\","
      "\"ValidationEmails\":[\"admin@example.com\",\"administrator@example."
      "com\",\"hostmaster@example.com\",\"postmaster@example.com\","
      "\"webmaster@example.com\"]%s}]}",
      vc->method, vc->status,
      vc->has_rr ? ",\"ResourceRecord\":{\"Name\":\"" RNAM
                   "\",\"Type\":\"CNAME\",\"Value\":\"" RVAL "\"}"
                 : "");
  dv_cert_dvo *v = &d->dvos[0];
  v->renewal = vc->renewal;
  v->world = vc->world;
  dv_cert_dvo_verdict(v, vc->auto_renewal);
  ck_assert_msg(v->side == vc->side, "case %d: side %s, want %s", _i,
                dv_cert_side_str(v->side), dv_cert_side_str(vc->side));
  for (size_t k = 0; k < sizeof(name_codes) / sizeof(name_codes[0]); k++)
    ck_assert_msg(has(&v->findings, name_codes[k]) ==
                      (name_codes[k] == vc->code),
                  "case %d: %s", _i, dv_catalogue_get(name_codes[k])->id);
  if (vc->code != DV_F__COUNT && vc->code != DV_F_ACM_NAME_HTTP_VALIDATION &&
      vc->code != DV_F_ACM_NAME_NO_RECORD_YET) {
    ck_assert_str_eq(ev(&v->findings, vc->code, "phase"),
                     vc->renewal ? "renewal" : "issuance");
    ck_assert_str_eq(ev(&v->findings, vc->code, "acm"), vc->status);
    ck_assert_str_eq(ev(&v->findings, vc->code, "world"),
                     dv_cert_world_str(vc->world));
  }
  /* the five standard addresses: no e-mail list findings */
  ck_assert(!has(&v->findings, DV_F_ACM_EMAILS_UNEXPECTED));
  ck_assert(!has(&v->findings, DV_F_ACM_EMAILS_WHOIS_CONTACTS));
  dv_cert_diag_free(d);
}
END_TEST

/* ---- ValidationEmails against the validation domain -----------------------
 */

START_TEST(t_emails)
{
  /* a superdomain ValidationDomain with its five addresses: as expected */
  dv_cert_diag *d =
      diag_of("{\"Type\":\"AMAZON_ISSUED\",\"DomainValidationOptions\":[{"
              "\"DomainName\":\"www.shop.example.com\",\"ValidationMethod\":"
              "\"EMAIL\",\"ValidationStatus\":\"PENDING_VALIDATION\","
              "\"ValidationDomain\":\"example.com\",\"ValidationEmails\":["
              "\"admin@example.com\",\"administrator@example.com\","
              "\"hostmaster@example.com\",\"postmaster@example.com\","
              "\"webmaster@example.com\"]}]}");
  /* the world check looks at the domain ACM mails */
  ck_assert_str_eq(d->dvos[0].email.cands[0].domain, "example.com");
  d->dvos[0].world = DV_CERT_WORLD_OK;
  dv_cert_dvo_verdict(&d->dvos[0], 0);
  ck_assert(!has(&d->dvos[0].findings, DV_F_ACM_EMAILS_UNEXPECTED));
  ck_assert(!has(&d->dvos[0].findings, DV_F_ACM_EMAILS_WHOIS_CONTACTS));
  dv_cert_diag_free(d);

  /* WHOIS contacts added, two standard addresses missing */
  d = diag_of("{\"Type\":\"AMAZON_ISSUED\",\"DomainValidationOptions\":[{"
              "\"DomainName\":\"*.example.com\",\"ValidationMethod\":"
              "\"EMAIL\",\"ValidationStatus\":\"PENDING_VALIDATION\","
              "\"ValidationEmails\":[\"admin@example.com\","
              "\"administrator@example.com\",\"hostmaster@example.com\","
              "\"owner@registrant.example\"]}]}");
  d->dvos[0].world = DV_CERT_WORLD_OK;
  dv_cert_dvo_verdict(&d->dvos[0], 0);
  ck_assert_str_eq(ev(&d->dvos[0].findings, DV_F_ACM_EMAILS_WHOIS_CONTACTS,
                      "extra_addresses"),
                   "owner@registrant.example");
  /* no ValidationDomain: the name without "*." */
  ck_assert_str_eq(ev(&d->dvos[0].findings, DV_F_ACM_EMAILS_WHOIS_CONTACTS,
                      "validation_domain"),
                   "example.com");
  ck_assert_str_eq(
      ev(&d->dvos[0].findings, DV_F_ACM_EMAILS_UNEXPECTED, "not_listed"),
      "postmaster@example.com, webmaster@example.com");
  dv_cert_diag_free(d);

  /* nobody listed (NO_AVAILABLE_CONTACTS) */
  d = diag_of("{\"Type\":\"AMAZON_ISSUED\",\"DomainValidationOptions\":[{"
              "\"DomainName\":\"example.com\",\"ValidationMethod\":\"EMAIL\","
              "\"ValidationStatus\":\"FAILED\",\"ValidationEmails\":[]}]}");
  d->dvos[0].world = DV_CERT_WORLD_BROKEN;
  dv_cert_dvo_verdict(&d->dvos[0], 0);
  ck_assert_str_eq(
      ev(&d->dvos[0].findings, DV_F_ACM_EMAILS_UNEXPECTED, "not_listed"),
      "all five (ACM lists no address)");
  ck_assert(has(&d->dvos[0].findings, DV_F_ACM_NAME_FAILED));
  ck_assert_int_eq(d->dvos[0].side, DV_CERT_SIDE_WORLD);
  dv_cert_diag_free(d);
}
END_TEST

/* ---- ACM's view against hand-built world results ---------------------------
 */

START_TEST(t_dns_world)
{
  static const char detail[] =
      "{\"Type\":\"AMAZON_ISSUED\",\"Status\":\"PENDING_VALIDATION\","
      "\"DomainValidationOptions\":[{\"DomainName\":\"example.com\","
      "\"ValidationMethod\":\"DNS\",\"ValidationStatus\":"
      "\"PENDING_VALIDATION\",\"ResourceRecord\":{\"Name\":\"" RNAM
      ".\",\"Type\":\"CNAME\",\"Value\":\"" RVAL ".\"}},"
      "{\"DomainName\":\"www.example.com\",\"ValidationMethod\":\"DNS\","
      "\"ValidationStatus\":\"PENDING_VALIDATION\",\"ResourceRecord\":{"
      "\"Name\":\"" RNAM ".\",\"Type\":\"CNAME\",\"Value\":\"" RVAL ".\"}}]}";
  dv_findings all = {0};
  /* the world has ACM's CNAME: ACM has yet to notice */
  dv_cert_diag *d = diag_of(detail);
  dns_world(&d->dvos[0], RVAL);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert_int_eq(d->dvos[0].world, DV_CERT_WORLD_OK);
  ck_assert(has(&d->dvos[0].world_findings, DV_F_DNS_CNAME_OK));
  ck_assert(has(&d->dvos[0].findings, DV_F_ACM_NAME_PENDING_DNS_READY));
  ck_assert_int_eq(d->dvos[0].side, DV_CERT_SIDE_ACM);
  /* the twin shares the world and gets its own verdict */
  ck_assert_int_eq(d->dvos[1].world, DV_CERT_WORLD_OK);
  ck_assert(has(&d->dvos[1].findings, DV_F_ACM_NAME_PENDING_DNS_READY));
  ck_assert_int_eq(d->incomplete, 0);
  /* collected: certificate, the command's own, names; the check once */
  {
    dv_findings own = {0};
    size_t ok = 0;
    dv_findings_add(&own, DV_F_RUN_DEADLINE, "run");
    ck_assert_int_eq(dv_cert_diag_collect(d, &own, &all), 0);
    ck_assert_int_eq(all.v[0].code, DV_F_ACM_STATUS_PENDING_VALIDATION);
    ck_assert_int_eq(all.v[1].code, DV_F_RUN_DEADLINE);
    for (size_t i = 0; i < all.n; i++)
      ok += all.v[i].code == DV_F_DNS_CNAME_OK;
    ck_assert_uint_eq(ok, 1);
    dv_findings_free(&own);
    dv_findings_free(&all);
  }
  dv_cert_diag_free(d);

  /* the world has another value: the world blocks it */
  d = diag_of(detail);
  dns_world(&d->dvos[0], "_00000000000000000000000000000000.abcdefghij."
                         "acm-validations.aws");
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert_int_eq(d->dvos[0].world, DV_CERT_WORLD_BROKEN);
  ck_assert(has(&d->dvos[0].world_findings, DV_F_DNS_CNAME_WRONG_VALUE));
  ck_assert(has(&d->dvos[0].findings, DV_F_ACM_NAME_PENDING_WORLD_BLOCKS));
  ck_assert_int_eq(d->dvos[1].side, DV_CERT_SIDE_WORLD);
  dv_cert_diag_free(d);

  /* the world's lookups were cut short: no verdict, incomplete */
  d = diag_of(detail);
  dns_world(&d->dvos[0], RVAL);
  d->dvos[0].dns.auth[0].cname_st = DV_DNS_CANCELLED;
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert_int_eq(d->dvos[0].world, DV_CERT_WORLD_UNKNOWN);
  ck_assert_int_eq(d->dvos[0].side, DV_CERT_SIDE_UNKNOWN);
  ck_assert_uint_eq(d->dvos[0].findings.n, 0);
  ck_assert_int_eq(d->incomplete, 1);
  dv_cert_diag_free(d);
}
END_TEST

START_TEST(t_renewal_world)
{
  static const char detail[] =
      "{\"Type\":\"AMAZON_ISSUED\",\"Status\":\"ISSUED\","
      "\"DomainValidationOptions\":[{\"DomainName\":\"example.com\","
      "\"ValidationMethod\":\"DNS\",\"ValidationStatus\":\"SUCCESS\","
      "\"ResourceRecord\":{\"Name\":\"" RNAM "\",\"Type\":\"CNAME\","
      "\"Value\":\"" RVAL "\"}}],\"RenewalSummary\":{\"RenewalStatus\":"
      "\"%s\",\"DomainValidationOptions\":[{\"DomainName\":\"example.com\","
      "\"ValidationMethod\":\"DNS\",\"ValidationStatus\":"
      "\"PENDING_VALIDATION\",\"ResourceRecord\":{\"Name\":\"" RNAM
      "\",\"Type\":\"CNAME\",\"Value\":\"" RVAL "\"}}]}}";
  /* ACM renews on its own: the CNAME is there */
  dv_cert_diag *d = diag_of(detail, "PENDING_AUTO_RENEWAL");
  ck_assert_uint_eq(d->ndvos, 2);
  ck_assert_int_eq(d->dvos[1].renewal, 1);
  ck_assert_ptr_eq(d->dvos[1].same_as, &d->dvos[0]);
  dns_world(&d->dvos[0], RVAL);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert(has(&d->findings, DV_F_ACM_RENEWAL_PENDING_AUTO_RENEWAL));
  ck_assert(has(&d->dvos[0].findings, DV_F_ACM_NAME_VALIDATED));
  ck_assert_uint_eq(d->dvos[1].findings.n, 0);
  ck_assert_int_eq(d->dvos[1].side, DV_CERT_SIDE_NONE);
  dv_cert_diag_free(d);

  /* renewal waiting for validation: ACM's turn */
  d = diag_of(detail, "PENDING_VALIDATION");
  dns_world(&d->dvos[0], RVAL);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert(has(&d->findings, DV_F_ACM_RENEWAL_PENDING_VALIDATION));
  ck_assert(has(&d->dvos[1].findings, DV_F_ACM_NAME_PENDING_DNS_READY));
  ck_assert_str_eq(
      ev(&d->dvos[1].findings, DV_F_ACM_NAME_PENDING_DNS_READY, "phase"),
      "renewal");
  dv_cert_diag_free(d);

  /* the CNAME was removed since issuance: the renewal cannot pass */
  d = diag_of(detail, "PENDING_AUTO_RENEWAL");
  dns_world(&d->dvos[0], "");
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert(has(&d->dvos[0].world_findings, DV_F_DNS_CNAME_MISSING));
  ck_assert(has(&d->dvos[0].findings, DV_F_ACM_NAME_VALIDATED_WORLD_CHANGED));
  ck_assert(has(&d->dvos[1].findings, DV_F_ACM_NAME_PENDING_WORLD_BLOCKS));
  dv_cert_diag_free(d);
}
END_TEST

START_TEST(t_email_world)
{
  static const char detail[] =
      "{\"Type\":\"AMAZON_ISSUED\",\"Status\":\"PENDING_VALIDATION\","
      "\"DomainValidationOptions\":[{\"DomainName\":\"shop.example.com\","
      "\"ValidationMethod\":\"EMAIL\",\"ValidationStatus\":"
      "\"PENDING_VALIDATION\",\"ValidationDomain\":\"shop.example.com\","
      "\"ValidationEmails\":[\"admin@shop.example.com\","
      "\"administrator@shop.example.com\",\"hostmaster@shop.example.com\","
      "\"postmaster@shop.example.com\",\"webmaster@shop.example.com\"]}]}";
  /* the name receives mail: the mail is unanswered */
  dv_cert_diag *d = diag_of(detail);
  dv_cert_dvo *v = &d->dvos[0];
  ck_assert_uint_eq(v->email.ncands, 2);
  ck_assert_str_eq(v->email.cands[1].domain, "example.com");
  mail_world(v, 0, 1);
  mail_world(v, 1, 1);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert_int_eq(v->world, DV_CERT_WORLD_OK);
  ck_assert(has(&v->world_findings, DV_F_EMAIL_OK));
  ck_assert(has(&v->findings, DV_F_ACM_NAME_PENDING_EMAIL_UNANSWERED));
  ck_assert_int_eq(v->side, DV_CERT_SIDE_NONE);
  dv_cert_diag_free(d);

  /* the name cannot receive mail but its superdomain can */
  d = diag_of(detail);
  v = &d->dvos[0];
  mail_world(v, 0, 0);
  mail_world(v, 1, 1);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert_int_eq(v->world, DV_CERT_WORLD_BROKEN);
  ck_assert(has(&v->world_findings, DV_F_EMAIL_USE_SUPERDOMAIN));
  ck_assert(has(&v->findings, DV_F_ACM_NAME_PENDING_WORLD_BLOCKS));
  ck_assert_str_eq(ev(&v->findings, DV_F_ACM_NAME_PENDING_WORLD_BLOCKS,
                      "working_validation_domain"),
                   "example.com");
  ck_assert_int_eq(v->side, DV_CERT_SIDE_WORLD);
  dv_cert_diag_free(d);

  /* nobody can receive mail */
  d = diag_of(detail);
  v = &d->dvos[0];
  mail_world(v, 0, 0);
  mail_world(v, 1, 0);
  ck_assert_int_eq(dv_cert_diag_finish(d), DV_CERT_DIAG_OK);
  ck_assert(has(&v->world_findings, DV_F_EMAIL_NO_ROUTE));
  ck_assert_ptr_null(ev(&v->findings, DV_F_ACM_NAME_PENDING_WORLD_BLOCKS,
                        "working_validation_domain"));
  dv_cert_diag_free(d);
}
END_TEST

START_TEST(t_words)
{
  ck_assert_str_eq(dv_cert_world_str(DV_CERT_WORLD_NOT_CHECKED), "not_checked");
  ck_assert_str_eq(dv_cert_world_str(DV_CERT_WORLD_BROKEN), "broken");
  ck_assert_str_eq(dv_cert_side_str(DV_CERT_SIDE_ACM), "acm");
  ck_assert_str_eq(dv_cert_side_str(DV_CERT_SIDE_UNKNOWN), "unknown");
  ck_assert_str_eq(dv_cert_diag_status_str(DV_CERT_DIAG_RESOLVER),
                   "cannot set up the DNS resolver");
  ck_assert_ptr_null(dv_cert_diag_new(NULL, NULL, NULL, NULL, "not-an-arn"));
}
END_TEST

Suite *suite_certdiag(void)
{
  Suite *s = suite_create("cert_diag");
  TCase *tc = tcase_create("verdicts");
  tcase_add_test(tc, t_cert_level);
  tcase_add_test(tc, t_parse_dvos);
  tcase_add_loop_test(tc, t_verdict_table, 0,
                      (int)(sizeof(verdicts) / sizeof(verdicts[0])));
  tcase_add_test(tc, t_emails);
  tcase_add_test(tc, t_dns_world);
  tcase_add_test(tc, t_renewal_world);
  tcase_add_test(tc, t_email_world);
  tcase_add_test(tc, t_words);
  suite_add_tcase(s, tc);
  return s;
}
