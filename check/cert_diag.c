/* dvcheck -- one ACM certificate's diagnosis (see cert_diag.h): ACM's view
 * of every name next to the world's, and which side is wrong.
 *
 * Per-method world checks plug in through cert_checks[]: each validation
 * method (EMAIL, DNS, HTTP) has a prepare (set the check up, no I/O), a
 * start (queue its lookups on the loop) and a finish (the world's state,
 * the check's findings). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/json.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "check/acm_session.h"
#include "check/cert_diag.h"
#include "check/check_smtp.h"

/* ---- words ----------------------------------------------------------------
 */

const char *dv_cert_diag_status_str(dv_cert_diag_status st)
{
  switch (st) {
  case DV_CERT_DIAG_OK:
    return "ok";
  case DV_CERT_DIAG_NOMEM:
    return "out of memory during the checks";
  case DV_CERT_DIAG_RESOLVER:
    return "cannot set up the DNS resolver";
  }
  return "unknown status";
}

const char *dv_cert_world_str(dv_cert_world w)
{
  static const char *const words[] = {"not_checked", "ok", "broken", "unknown"};
  return (unsigned)w < sizeof(words) / sizeof(words[0]) ? words[w] : "unknown";
}

const char *dv_cert_side_str(dv_cert_side s)
{
  static const char *const words[] = {"unknown", "none", "world", "acm"};
  return (unsigned)s < sizeof(words) / sizeof(words[0]) ? words[s] : "unknown";
}

/* ACM's text, escaped (names, addresses, records end up in reports). */
static void jcopy(char *dst, size_t len, const json_t *o, const char *k)
{
  const char *s = dv_json_get_str(o, k);
  dv_text_escape(s, strlen(s), dst, len);
}

const char *dv_cert_dvo_mail_domain(const dv_cert_dvo *d)
{
  if (d->vdomain[0])
    return d->vdomain;
  return strncmp(d->domain, "*.", 2) == 0 ? d->domain + 2 : d->domain;
}

/* ---- per-method world checks ----------------------------------------------
 */

typedef struct {
  dv_cert_check kind;
  const char *method; /* ValidationMethod */
  /* set the check up for d (no I/O); leaves it off when the name cannot
   * be checked. -1 on allocation failure */
  int (*prepare)(dv_cert_dvo *d);
  /* queue the prepared check's lookups on the loop */
  dv_cert_diag_status (*start)(dv_cert_diag *run, dv_cert_dvo *d);
  /* after the loop: the world's state, findings into d->world_findings */
  dv_cert_world (*finish)(dv_cert_dvo *d);
} dv_cert_check_ops;

/* The diagnosis's DNS context: the shared one, or its own on first use. */
static dv_cert_diag_status dns_ctx_on(dv_cert_diag *run)
{
  if (run->dnsp) {
    run->ectx.res = run->dnsp->rec;
    return DV_CERT_DIAG_OK;
  }
  if (dv_dns_ctx_init_max(&run->dns, run->loop,
                          run->opts.resolvers && run->opts.resolvers[0]
                              ? run->opts.resolvers
                              : NULL,
                          run->opts.max_inflight) != DV_DNS_CTX_OK)
    return DV_CERT_DIAG_RESOLVER;
  run->dns_on = 1;
  run->dnsp = &run->dns;
  run->ectx.res = run->dns.rec;
  return DV_CERT_DIAG_OK;
}

static int email_prepare(dv_cert_dvo *d)
{
  const char *vd = d->vdomain[0] ? d->vdomain : d->domain;
  dv_name n;
  char detail[256];
  if (dv_name_parse(vd, strlen(vd), &n, detail, sizeof(detail)) != DV_NAME_OK)
    return 0; /* not checkable: world stays not_checked */
  /* check exactly the domain ACM mails (no "www." removal here) */
  if (n.www_removed && !n.wildcard) {
    snprintf(n.mail_domain, sizeof(n.mail_domain), "%s", n.ascii);
    n.www_removed = 0;
  }
  if (dv_email_result_init(&d->email, vd, &n) < 0)
    return -1;
  d->email_on = 1;
  return 0;
}

static dv_cert_diag_status email_start(dv_cert_diag *run, dv_cert_dvo *d)
{
  dv_cert_diag_status st = dns_ctx_on(run);
  if (st == DV_CERT_DIAG_OK)
    dv_email_start(&run->ectx, &d->email);
  return st;
}

static dv_cert_world email_finish(dv_cert_dvo *d)
{
  if (!d->email_on)
    return DV_CERT_WORLD_NOT_CHECKED;
  dv_email_finish(&d->email);
  dv_findings_append(&d->world_findings, &d->email.findings);
  if (d->email.incomplete)
    return DV_CERT_WORLD_UNKNOWN;
  return d->email.ncands && d->email.cands[0].deliverable
             ? DV_CERT_WORLD_OK
             : DV_CERT_WORLD_BROKEN;
}

static int dns_prepare(dv_cert_dvo *d)
{
  char rn[DV_NAME_LEN], rv[DV_NAME_LEN], why[128];
  if (!d->has_rr || strcasecmp(d->rr_type, "CNAME") != 0 ||
      dv_dns_name_normalise(d->rr_name, rn, sizeof(rn), why, sizeof(why)) < 0 ||
      dv_dns_name_normalise(d->rr_value, rv, sizeof(rv), why, sizeof(why)) < 0)
    return 0;
  dv_dns_record_init(&d->dns, d->domain, rn, rv);
  d->dns_on = 1;
  return 0;
}

static dv_cert_diag_status dns_start(dv_cert_diag *run, dv_cert_dvo *d)
{
  dv_cert_diag_status st = dns_ctx_on(run);
  if (st == DV_CERT_DIAG_OK)
    dv_dns_record_start(run->dnsp, &d->dns);
  return st;
}

static dv_cert_world dns_finish(dv_cert_dvo *d)
{
  int any;
  dv_severity worst;
  if (!d->dns_on)
    return DV_CERT_WORLD_NOT_CHECKED;
  dv_dns_record_finish(&d->dns);
  dv_findings_append(&d->world_findings, &d->dns.findings);
  if (d->dns.incomplete)
    return DV_CERT_WORLD_UNKNOWN;
  worst = dv_findings_max(&d->dns.findings, &any);
  return dv_findings_has(&d->dns.findings, DV_F_DNS_CNAME_OK) &&
                 worst < DV_SEV_ERROR
             ? DV_CERT_WORLD_OK
             : DV_CERT_WORLD_BROKEN;
}

static int http_prepare(dv_cert_dvo *d)
{
  (void)d;
  return 0;
}

static dv_cert_diag_status http_start(dv_cert_diag *run, dv_cert_dvo *d)
{
  (void)run;
  (void)d;
  return DV_CERT_DIAG_OK;
}

static dv_cert_world http_finish(dv_cert_dvo *d)
{
  (void)d;
  return DV_CERT_WORLD_NOT_CHECKED;
}

static const dv_cert_check_ops cert_checks[] = {
    {DV_CERT_CHECK_EMAIL, "EMAIL", email_prepare, email_start, email_finish},
    {DV_CERT_CHECK_DNS, "DNS", dns_prepare, dns_start, dns_finish},
    {DV_CERT_CHECK_HTTP, "HTTP", http_prepare, http_start, http_finish},
};

static const dv_cert_check_ops *check_ops(dv_cert_check kind)
{
  for (size_t i = 0; i < sizeof(cert_checks) / sizeof(cert_checks[0]); i++)
    if (cert_checks[i].kind == kind)
      return &cert_checks[i];
  return NULL;
}

static dv_cert_check check_for(const char *method)
{
  for (size_t i = 0; i < sizeof(cert_checks) / sizeof(cert_checks[0]); i++)
    if (strcmp(cert_checks[i].method, method) == 0)
      return cert_checks[i].kind;
  return DV_CERT_CHECK_NONE;
}

/* ---- ACM's view: parse CertificateDetail ----------------------------------
 */

typedef struct {
  const char *name;
  dv_code code;
} dv_enum_code;

static const dv_enum_code status_codes[] = {
    {"PENDING_VALIDATION", DV_F_ACM_STATUS_PENDING_VALIDATION},
    {"ISSUED", DV_F_ACM_STATUS_ISSUED},
    {"INACTIVE", DV_F_ACM_STATUS_INACTIVE},
    {"EXPIRED", DV_F_ACM_STATUS_EXPIRED},
    {"VALIDATION_TIMED_OUT", DV_F_ACM_STATUS_VALIDATION_TIMED_OUT},
    {"REVOKED", DV_F_ACM_STATUS_REVOKED},
    {"FAILED", DV_F_ACM_STATUS_FAILED},
    {NULL, DV_F__COUNT}};

static const dv_enum_code failure_codes[] = {
    {"NO_AVAILABLE_CONTACTS", DV_F_ACM_FAILURE_NO_AVAILABLE_CONTACTS},
    {"ADDITIONAL_VERIFICATION_REQUIRED",
     DV_F_ACM_FAILURE_ADDITIONAL_VERIFICATION_REQUIRED},
    {"DOMAIN_NOT_ALLOWED", DV_F_ACM_FAILURE_DOMAIN_NOT_ALLOWED},
    {"INVALID_PUBLIC_DOMAIN", DV_F_ACM_FAILURE_INVALID_PUBLIC_DOMAIN},
    {"DOMAIN_VALIDATION_DENIED", DV_F_ACM_FAILURE_DOMAIN_VALIDATION_DENIED},
    {"CAA_ERROR", DV_F_ACM_FAILURE_CAA_ERROR},
    {"PCA_LIMIT_EXCEEDED", DV_F_ACM_FAILURE_PCA_LIMIT_EXCEEDED},
    {"PCA_INVALID_ARN", DV_F_ACM_FAILURE_PCA_INVALID_ARN},
    {"PCA_INVALID_STATE", DV_F_ACM_FAILURE_PCA_INVALID_STATE},
    {"PCA_REQUEST_FAILED", DV_F_ACM_FAILURE_PCA_REQUEST_FAILED},
    {"PCA_NAME_CONSTRAINTS_VALIDATION",
     DV_F_ACM_FAILURE_PCA_NAME_CONSTRAINTS_VALIDATION},
    {"PCA_RESOURCE_NOT_FOUND", DV_F_ACM_FAILURE_PCA_RESOURCE_NOT_FOUND},
    {"PCA_INVALID_ARGS", DV_F_ACM_FAILURE_PCA_INVALID_ARGS},
    {"PCA_INVALID_DURATION", DV_F_ACM_FAILURE_PCA_INVALID_DURATION},
    {"PCA_ACCESS_DENIED", DV_F_ACM_FAILURE_PCA_ACCESS_DENIED},
    {"SLR_NOT_FOUND", DV_F_ACM_FAILURE_SLR_NOT_FOUND},
    {"OTHER", DV_F_ACM_FAILURE_OTHER},
    {NULL, DV_F__COUNT}};

static const dv_enum_code renewal_codes[] = {
    {"PENDING_AUTO_RENEWAL", DV_F_ACM_RENEWAL_PENDING_AUTO_RENEWAL},
    {"PENDING_VALIDATION", DV_F_ACM_RENEWAL_PENDING_VALIDATION},
    {"SUCCESS", DV_F_ACM_RENEWAL_SUCCESS},
    {"FAILED", DV_F_ACM_RENEWAL_FAILED},
    {NULL, DV_F__COUNT}};

static dv_code enum_code(const dv_enum_code *t, const char *v)
{
  for (; t->name; t++)
    if (strcmp(t->name, v) == 0)
      return t->code;
  return DV_F__COUNT;
}

static int dvo_parse(dv_cert_dvo *d, const json_t *o, int renewal)
{
  const json_t *em = json_object_get(o, "ValidationEmails");
  const json_t *rr = json_object_get(o, "ResourceRecord");
  d->renewal = renewal;
  jcopy(d->domain, sizeof(d->domain), o, "DomainName");
  jcopy(d->method, sizeof(d->method), o, "ValidationMethod");
  jcopy(d->status, sizeof(d->status), o, "ValidationStatus");
  jcopy(d->vdomain, sizeof(d->vdomain), o, "ValidationDomain");
  if (!d->method[0] && json_array_size(em))
    snprintf(d->method, sizeof(d->method), "EMAIL");
  if (json_is_array(em) && json_array_size(em)) {
    size_t n = json_array_size(em) < DV_CERT_MAX_EMAILS ? json_array_size(em)
                                                        : DV_CERT_MAX_EMAILS;
    d->emails = calloc(n, sizeof(*d->emails));
    if (!d->emails)
      return -1;
    for (size_t i = 0; i < n; i++) {
      const char *s = json_string_value(json_array_get(em, i));
      if (s)
        dv_text_escape(s, strlen(s), d->emails[d->nemails++],
                       sizeof(d->emails[0]));
    }
  }
  if (json_is_object(rr)) {
    d->has_rr = 1;
    jcopy(d->rr_name, sizeof(d->rr_name), rr, "Name");
    jcopy(d->rr_type, sizeof(d->rr_type), rr, "Type");
    jcopy(d->rr_value, sizeof(d->rr_value), rr, "Value");
  }
  d->check = check_for(d->method);
  d->side = DV_CERT_SIDE_UNKNOWN;
  return 0;
}

static int cert_parse(dv_cert_diag *run)
{
  json_t *c = run->cert, *dvos = json_object_get(c, "DomainValidationOptions");
  json_t *rs = json_object_get(c, "RenewalSummary");
  json_t *rdvos = json_object_get(rs, "DomainValidationOptions");
  size_t n = json_array_size(dvos) + json_array_size(rdvos), k = 0;
  if (n > DV_CERT_MAX_DVOS)
    n = DV_CERT_MAX_DVOS;
  run->dvos = calloc(n ? n : 1, sizeof(*run->dvos));
  if (!run->dvos)
    return -1;
  for (int ph = 0; ph < 2; ph++) {
    json_t *arr = ph ? rdvos : dvos;
    for (size_t i = 0; i < json_array_size(arr) && k < n; i++) {
      if (!json_is_object(json_array_get(arr, i)))
        continue;
      run->ndvos = ++k; /* counted before parsing: freed if it fails */
      if (dvo_parse(&run->dvos[k - 1], json_array_get(arr, i), ph) < 0)
        return -1;
    }
  }
  return 0;
}

/* The same world check already set up for an earlier name? */
static const dv_cert_dvo *dvo_twin(const dv_cert_diag *run, size_t i)
{
  const dv_cert_dvo *d = &run->dvos[i];
  for (size_t j = 0; j < i; j++) {
    const dv_cert_dvo *e = &run->dvos[j];
    if (e->same_as || e->check != d->check)
      continue;
    if (d->check == DV_CERT_CHECK_DNS && d->has_rr && e->has_rr &&
        strcasecmp(d->rr_name, e->rr_name) == 0 &&
        strcasecmp(d->rr_value, e->rr_value) == 0)
      return e;
    if (d->check == DV_CERT_CHECK_EMAIL &&
        strcasecmp(d->vdomain[0] ? d->vdomain : d->domain,
                   e->vdomain[0] ? e->vdomain : e->domain) == 0)
      return e;
  }
  return NULL;
}

static void cert_findings(dv_cert_diag *run)
{
  json_t *c = run->cert, *rs = json_object_get(c, "RenewalSummary");
  const char *st = dv_json_get_str(c, "Status"),
             *fr = dv_json_get_str(c, "FailureReason");
  dv_code code;
  dv_finding *f;
  char tb[32];
  time_t t;

  code = enum_code(status_codes, st);
  if (code != DV_F__COUNT) {
    f = dv_findings_add(&run->findings, code, run->arn.arn);
    dv_finding_ev(&run->findings, f, "domain", "%s",
                  dv_json_get_str(c, "DomainName"));
    if (dv_json_get_time(c, "CreatedAt", &t) == 0)
      dv_finding_ev(&run->findings, f, "created_at", "%s",
                    dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb)));
    if (strcmp(st, "REVOKED") == 0 && dv_json_get_str(c, "RevocationReason")[0])
      dv_finding_ev(&run->findings, f, "revocation_reason", "%s",
                    dv_json_get_str(c, "RevocationReason"));
  }
  if (fr[0] && (code = enum_code(failure_codes, fr)) != DV_F__COUNT) {
    f = dv_findings_add(&run->findings, code, run->arn.arn);
    dv_finding_ev(&run->findings, f, "phase", "issuance");
  }
  if (json_is_object(rs)) {
    const char *rst = dv_json_get_str(rs, "RenewalStatus");
    const char *rr = dv_json_get_str(rs, "RenewalStatusReason");
    code = enum_code(renewal_codes, rst);
    if (code != DV_F__COUNT) {
      f = dv_findings_add(&run->findings, code, run->arn.arn);
      if (dv_json_get_time(rs, "UpdatedAt", &t) == 0)
        dv_finding_ev(&run->findings, f, "updated_at", "%s",
                      dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb)));
      if (rr[0])
        dv_finding_ev(&run->findings, f, "reason", "%s", rr);
    }
    if (rr[0] && (code = enum_code(failure_codes, rr)) != DV_F__COUNT) {
      f = dv_findings_add(&run->findings, code, run->arn.arn);
      dv_finding_ev(&run->findings, f, "phase", "renewal");
    }
  }
}

dv_cert_diag_status dv_cert_diag_parse(dv_cert_diag *run, json_t *certificate)
{
  const char *type;
  run->cert = json_incref(certificate);
  if (cert_parse(run) < 0)
    return DV_CERT_DIAG_NOMEM;
  cert_findings(run);
  /* imported and private certificates are not domain-validated */
  type = dv_json_get_str(run->cert, "Type");
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_cert_dvo *d = &run->dvos[i];
    if (type[0] && strcmp(type, "AMAZON_ISSUED") != 0)
      d->check = DV_CERT_CHECK_NONE;
    if (d->check == DV_CERT_CHECK_NONE)
      continue;
    d->same_as = dvo_twin(run, i);
    if (!d->same_as && check_ops(d->check)->prepare(d) < 0)
      return DV_CERT_DIAG_NOMEM;
  }
  return DV_CERT_DIAG_OK;
}

/* ---- verdicts ---------------------------------------------------------------
 */

static int email_listed(const dv_cert_dvo *d, const char *addr)
{
  for (size_t i = 0; i < d->nemails; i++)
    if (strcasecmp(d->emails[i], addr) == 0)
      return 1;
  return 0;
}

/* ValidationEmails against the five addresses of ValidationDomain. */
static void emails_compare(dv_cert_dvo *d)
{
  const char *vd = dv_cert_dvo_mail_domain(d);
  char extra[1024] = "", missing[512] = "";
  if (!d->nemails) {
    /* e.g. NO_AVAILABLE_CONTACTS: ACM found nobody to mail */
    dv_finding *f =
        dv_findings_add(&d->findings, DV_F_ACM_EMAILS_UNEXPECTED, d->domain);
    dv_finding_ev(&d->findings, f, "not_listed",
                  "all five (ACM lists no "
                  "address)");
    dv_finding_ev(&d->findings, f, "validation_domain", "%s", vd);
    return;
  }
  for (size_t i = 0; i < d->nemails; i++) {
    const char *at = strrchr(d->emails[i], '@');
    int standard = 0;
    if (at && strcasecmp(at + 1, vd) == 0)
      for (int k = 0; k < 5; k++)
        if (strlen(dv_email_locals[k]) == (size_t)(at - d->emails[i]) &&
            strncasecmp(d->emails[i], dv_email_locals[k],
                        (size_t)(at - d->emails[i])) == 0)
          standard = 1;
    if (!standard && strlen(extra) + strlen(d->emails[i]) + 3 < sizeof(extra))
      snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra), "%s%s",
               extra[0] ? ", " : "", d->emails[i]);
  }
  for (int k = 0; k < 5; k++) {
    char a[DV_NAME_LEN * 2 + 32];
    snprintf(a, sizeof(a), "%s@%s", dv_email_locals[k], vd);
    if (!email_listed(d, a) &&
        strlen(missing) + strlen(a) + 3 < sizeof(missing))
      snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
               "%s%s", missing[0] ? ", " : "", a);
  }
  if (extra[0]) {
    dv_finding *f = dv_findings_add(&d->findings,
                                    DV_F_ACM_EMAILS_WHOIS_CONTACTS, d->domain);
    dv_finding_ev(&d->findings, f, "extra_addresses", "%s", extra);
    dv_finding_ev(&d->findings, f, "validation_domain", "%s", vd);
  }
  if (missing[0]) {
    dv_finding *f =
        dv_findings_add(&d->findings, DV_F_ACM_EMAILS_UNEXPECTED, d->domain);
    dv_finding_ev(&d->findings, f, "not_listed", "%s", missing);
  }
}

void dv_cert_dvo_verdict(dv_cert_dvo *d, int auto_renewal)
{
  dv_findings *fl = &d->findings;
  dv_finding *f = NULL;
  int is_dns = strcmp(d->method, "DNS") == 0;
  int is_email = strcmp(d->method, "EMAIL") == 0;

  if (is_email)
    emails_compare(d);
  if (strcmp(d->method, "HTTP") == 0) {
    dv_findings_add(fl, DV_F_ACM_NAME_HTTP_VALIDATION, d->domain);
    d->side = DV_CERT_SIDE_UNKNOWN;
    return;
  }
  if (is_dns && !d->has_rr) {
    dv_findings_add(fl, DV_F_ACM_NAME_NO_RECORD_YET, d->domain);
    d->side = DV_CERT_SIDE_ACM;
    return;
  }
  if (strcmp(d->status, "SUCCESS") == 0) {
    if (d->world == DV_CERT_WORLD_OK) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_VALIDATED, d->domain);
      d->side = DV_CERT_SIDE_NONE;
    } else if (d->world == DV_CERT_WORLD_BROKEN) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_VALIDATED_WORLD_CHANGED, d->domain);
      d->side = DV_CERT_SIDE_WORLD;
    }
  } else if (strcmp(d->status, "PENDING_VALIDATION") == 0) {
    if (d->world == DV_CERT_WORLD_BROKEN) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_PENDING_WORLD_BLOCKS, d->domain);
      d->side = DV_CERT_SIDE_WORLD;
    } else if (d->world == DV_CERT_WORLD_OK && d->renewal && auto_renewal) {
      d->side = DV_CERT_SIDE_NONE; /* ACM is renewing on its own */
    } else if (d->world == DV_CERT_WORLD_OK && is_dns) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_PENDING_DNS_READY, d->domain);
      d->side = DV_CERT_SIDE_ACM;
    } else if (d->world == DV_CERT_WORLD_OK && is_email) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_PENDING_EMAIL_UNANSWERED,
                          d->domain);
      d->side = DV_CERT_SIDE_NONE;
    }
  } else if (strcmp(d->status, "FAILED") == 0) {
    f = dv_findings_add(fl, DV_F_ACM_NAME_FAILED, d->domain);
    d->side = d->world == DV_CERT_WORLD_BROKEN ? DV_CERT_SIDE_WORLD
                                               : DV_CERT_SIDE_UNKNOWN;
  }
  if (f) {
    dv_finding_ev(fl, f, "phase", "%s", d->renewal ? "renewal" : "issuance");
    dv_finding_ev(fl, f, "method", "%s", d->method);
    dv_finding_ev(fl, f, "acm", "%s", d->status[0] ? d->status : "none");
    dv_finding_ev(fl, f, "world", "%s", dv_cert_world_str(d->world));
    if (is_email && d->email_on && d->email.chosen > 0 &&
        d->world == DV_CERT_WORLD_BROKEN)
      dv_finding_ev(fl, f, "working_validation_domain", "%s",
                    d->email.cands[d->email.chosen].domain);
  }
}

dv_cert_diag_status dv_cert_diag_finish(dv_cert_diag *run)
{
  int auto_renewal;
  if (run->status != DV_CERT_DIAG_OK)
    return run->status;
  if (run->ectx.nomem || (run->dnsp && run->dnsp->nomem))
    return DV_CERT_DIAG_NOMEM;
  if (!run->cert)
    return DV_CERT_DIAG_OK;
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_cert_dvo *d = &run->dvos[i];
    if (d->check != DV_CERT_CHECK_NONE && !d->same_as)
      d->world = check_ops(d->check)->finish(d);
  }
  auto_renewal =
      strcmp(dv_json_get_str(json_object_get(run->cert, "RenewalSummary"),
                             "RenewalStatus"),
             "PENDING_AUTO_RENEWAL") == 0;
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_cert_dvo *d = &run->dvos[i];
    if (d->same_as)
      d->world = d->same_as->world;
    if (d->world == DV_CERT_WORLD_UNKNOWN)
      run->incomplete = 1;
    dv_cert_dvo_verdict(d, auto_renewal);
  }
  return DV_CERT_DIAG_OK;
}

int dv_cert_diag_collect(const dv_cert_diag *run, const dv_findings *extra,
                         dv_findings *all)
{
  dv_findings_append(all, &run->findings);
  if (extra)
    dv_findings_append(all, extra);
  for (size_t i = 0; i < run->ndvos; i++) {
    const dv_cert_dvo *d = &run->dvos[i];
    dv_findings_append(all, &d->findings);
    if (!d->same_as)
      dv_findings_append(all, &d->world_findings);
  }
  return all->nomem ? -1 : 0;
}

/* ---- on the loop ------------------------------------------------------------
 */

/* DescribeCertificate answered: ACM's view, then start the world's checks
 * on the loop (one per distinct record / validation domain). */
static void diag_on_describe(void *arg, const dv_acm_result *res)
{
  dv_cert_diag *run = arg;
  json_t *cert;
  if (res->status != DV_ACM_OK) {
    if (res->status == DV_ACM_CANCELLED)
      run->deadline = 1; /* the command reports RUN_DEADLINE */
    else
      dv_acm_result_finding(&run->findings, run->arn.arn, "DescribeCertificate",
                            res);
    run->incomplete = 1;
    return;
  }
  cert = json_object_get(res->json, "Certificate");
  if (!json_is_object(cert)) {
    dv_finding *f =
        dv_findings_add(&run->findings, DV_F_ACM_API_ERROR, run->arn.arn);
    dv_finding_ev(&run->findings, f, "detail",
                  "DescribeCertificate returned no Certificate object");
    run->incomplete = 1;
    return;
  }
  run->status = dv_cert_diag_parse(run, cert);
  for (size_t i = 0; run->status == DV_CERT_DIAG_OK && i < run->ndvos; i++) {
    dv_cert_dvo *d = &run->dvos[i];
    if ((d->email_on || d->dns_on) && !d->same_as)
      run->status = check_ops(d->check)->start(run, d);
  }
}

dv_cert_diag *dv_cert_diag_new(const dv_cert_opts *opts, dv_loop *loop,
                               dv_acm *acm, dv_dns_ctx *dns, const char *arn)
{
  dv_cert_diag *run = calloc(1, sizeof(*run));
  char why[256];
  if (!run)
    return NULL;
  if (opts)
    run->opts = *opts;
  run->loop = loop;
  run->acm = acm;
  run->dnsp = dns;
  if (dv_acm_arn_parse(arn, &run->arn, why, sizeof(why)) != DV_ARN_OK) {
    free(run);
    return NULL;
  }
  return run;
}

int dv_cert_diag_start(dv_cert_diag *run)
{
  return dv_acm_describe_certificate(run->acm, run->arn.arn, diag_on_describe,
                                     run);
}

void dv_cert_diag_free(dv_cert_diag *run)
{
  if (!run)
    return;
  /* the own resolver first: lookups it cancels report into the results */
  if (run->dns_on)
    dv_dns_ctx_free(&run->dns);
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_cert_dvo *d = &run->dvos[i];
    free(d->emails);
    if (d->probe)
      dv_probe_free(d->probe);
    free(d->probe);
    if (d->email_on)
      dv_email_result_free(&d->email);
    if (d->dns_on)
      dv_dns_record_free(&d->dns);
    dv_findings_free(&d->world_findings);
    dv_findings_free(&d->findings);
  }
  free(run->dvos);
  json_decref(run->cert);
  dv_findings_free(&run->findings);
  free(run);
}
