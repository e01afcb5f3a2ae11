/* dvcheck -- `dvcheck cert ARN [--resend ...]` and `dvcheck certs`: ACM's
 * view of a certificate (DescribeCertificate) next to the world's view
 * (the e-mail and DNS checks), the resend of the validation e-mail, and the
 * certificate list.
 *
 * Per-method world checks plug in through cert_checks[]: each validation
 * method (EMAIL, DNS, HTTP) has a start (queue lookups on the loop), a
 * finish (world verdict + findings) and a render function. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/text.h"
#include "aws/acm_client.h"
#include "check/acm_session.h"
#include "check/cert_diag.h"
#include "aws/aws_creds.h"
#include "check/check_dns.h"
#include "check/check_email.h"
#include "base/http.h"
#include "base/loop.h"
#include "base/names.h"
#include "src/report.h"
#include "src/tool_probe.h"
#include "src/tool_operate.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"

#define RESEND_WINDOW_S (72 * 3600)

typedef enum {
  WORLD_NOT_CHECKED = 0,
  WORLD_OK,
  WORLD_BROKEN,
  WORLD_UNKNOWN
} dv_world;

static const char *const world_words[] = {"not_checked", "ok", "broken",
                                          "unknown"};

struct dv_cert_run;
struct dv_dvo;

typedef struct {
  const char *method;
  /* queue the world's checks for d; -1 on allocation failure */
  int (*start)(struct dv_cert_run *run, struct dv_dvo *d);
  /* after the loop: the world's verdict, findings into d->world_findings */
  dv_world (*finish)(struct dv_cert_run *run, struct dv_dvo *d);
  /* one or more "world:" lines */
  void (*render)(FILE *out, const struct dv_dvo *d);
  /* the check's data for --json ("world" object members) */
  void (*json)(json_t *world, const struct dv_dvo *d);
} dv_cert_check;

typedef struct dv_dvo {
  int renewal; /* 0: issuance, 1: RenewalSummary */
  char domain[DV_NAME_LEN * 2];
  char method[16];
  char status[32];
  char vdomain[DV_NAME_LEN * 2];
  char (*emails)[600];
  size_t nemails;
  int has_rr;
  char rr_name[DV_NAME_LEN * 2], rr_type[16], rr_value[DV_NAME_LEN * 2];
  const dv_cert_check *check;
  struct dv_dvo *same_as; /* the world check of an identical record */
  int email_on, dns_on;
  dv_email_result email;
  dv_probe *probe; /* cert --probe: the SMTP probe of ACM's domain */
  dv_dns_record dns;
  dv_world world;
  const char *side; /* which side is wrong: none, world, acm, unknown */
  dv_findings world_findings; /* the check's own findings */
  dv_findings findings;       /* ACM-vs-world verdict for the name */
} dv_dvo;

typedef struct {
  dv_acm_status status;
  dv_acm_error err;
  char detail[256];
  long http_code;
  int attempts, skew_known, pages;
  long skew_s;
  json_t *json; /* owned */
  int done;
} dv_acm_outcome;

typedef struct {
  char domain[DV_NAME_LEN * 2];
  char vdomain[DV_NAME_LEN * 2];
  int renewal;
  char addrs[16][600];
  size_t naddrs;
  int vd_deliverable; /* -1 unknown */
  dv_acm_outcome out;
} dv_resend_target;

typedef struct dv_cert_run {
  const dv_cfg *cfg;
  dv_acm_session sess; /* credentials, loop, HTTP, clients */
  int sess_on;
  dv_loop *loop;
  dv_http *http;
  dv_acm *acm;
  dv_dns_ctx dns;   /* own context (cert) ... */
  dv_dns_ctx *dnsp; /* ... or the audit's shared one */
  int dns_on;
  int nomem; /* an allocation failed in a callback */
  dv_email_ctx ectx;
  dv_acm_arn arn;
  char region[32];
  char endpoint[600];
  dv_acm_outcome desc;
  json_t *cert; /* Certificate (borrowed from desc.json) */
  dv_dvo *dvos;
  size_t ndvos;
  dv_findings findings; /* certificate-level */
  dv_resend_target *targets;
  size_t ntargets;
  int resend_state; /* 0 none, 1 refused, 2 dry run, 3 sent/attempted,
                       4 declined */
  int incomplete, deadline;
} dv_cert_run;

/* ---- small helpers ------------------------------------------------------- */

static const char *jstr(json_t *o, const char *k)
{
  const char *s = json_string_value(json_object_get(o, k));
  return s ? s : "";
}

static void jcopy(char *dst, size_t len, json_t *o, const char *k)
{
  const char *s = jstr(o, k);
  dv_text_escape(s, strlen(s), dst, len);
}

/* TStamp: epoch seconds (JSON number) in the JSON protocol. */
static int jtime(json_t *o, const char *k, time_t *t)
{
  json_t *v = json_object_get(o, k);
  if (json_is_number(v)) {
    double d = json_number_value(v);
    if (d > 0 && d < 253402300800.0) {
      *t = (time_t)d;
      return 0;
    }
  }
  return -1;
}

static const char *iso_time(time_t t, char *buf, size_t len)
{
  struct tm tm;
  if (!gmtime_r(&t, &tm) || !strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm))
    snprintf(buf, len, "?");
  return buf;
}

static void outcome_cb(void *arg, const dv_acm_result *res)
{
  dv_acm_outcome *o = arg;
  o->done = 1;
  o->status = res->status;
  o->err = res->err;
  snprintf(o->detail, sizeof(o->detail), "%s", res->detail);
  o->http_code = res->http_code;
  o->attempts = res->attempts;
  o->pages = res->pages;
  o->skew_known = res->skew_known;
  o->skew_s = res->skew_s;
  o->json = res->json ? json_incref(res->json) : NULL;
}

/* A finding for a failed API call. Returns 1 when it makes the run
 * incomplete (everything but nothing). */
/* A failed call's finding (the shared catalogue mapping, acm_session.c). */
static void api_finding(dv_findings *fl, const char *subject, const char *op,
                        const dv_acm_outcome *o)
{
  dv_acm_result_copy c;
  memset(&c, 0, sizeof(c));
  c.status = o->status;
  c.err = o->err;
  snprintf(c.detail, sizeof(c.detail), "%s", o->detail);
  c.http_code = o->http_code;
  c.attempts = o->attempts;
  c.skew_known = o->skew_known;
  c.skew_s = o->skew_s;
  dv_acm_result_copy_finding(fl, subject, op, &c);
}

/* ---- setup shared by cert and certs -------------------------------------- */

/* Session (credentials, loop, HTTP) and the region's ACM client. Returns
 * 0, -1 (error printed), or DV_EXIT_* + 100 when the command must end with
 * that code. Region and endpoint are resolved first: they need no I/O. */
static int acm_open(dv_cert_run *run, const char *command,
                    const char *arn_region)
{
  dv_cfg *cfg = (dv_cfg *)run->cfg;
  dv_aws_opts o;
  const char *src = NULL;
  char why[600];
  int rc;

  memset(&o, 0, sizeof(o));
  o.profile = cfg->aws_profile;
  o.region = cfg->aws_region;
  o.endpoint_url = cfg->aws_endpoint_url;
  if (dv_aws_region_resolve(&o, arn_region, run->region, sizeof(run->region),
                            &src, why, sizeof(why)) != DV_AWS_CFG_OK) {
    dv_error("%s", why[0] ? why
                          : "no region: give --region REGION or set "
                            "AWS_REGION");
    return -1;
  }
  if (!dv_acm_region_valid(run->region, NULL)) {
    char shown[80];
    dv_text_escape(run->region, strlen(run->region), shown, sizeof(shown));
    dv_error("region '%s' (from %s): not a region name ACM has (e.g. "
             "us-east-1)",
             shown, src ? src : "?");
    return -1;
  }
  if (dv_tool_acm_open(&run->sess, cfg, command, &rc) < 0)
    return 100 + rc;
  run->sess_on = 1;
  run->loop = run->sess.loop;
  run->http = run->sess.http;
  run->acm = dv_acm_session_client(&run->sess, run->region, run->endpoint,
                                   sizeof(run->endpoint), why, sizeof(why));
  if (!run->acm) {
    dv_error("ACM client: %s", why);
    return -1;
  }
  if (cfg->verbose)
    fprintf(stderr,
            "dvcheck: ACM endpoint %s, region %s (from %s), "
            "credentials from %s\n",
            run->endpoint, run->region, src ? src : "?",
            run->sess.creds_source);
  return 0;
}

/* Run the loop; 1 if the deadline passed, -1 on failure, else 0. */
static int run_loop(dv_cert_run *run)
{
  dv_loop_status ls = dv_loop_run(run->loop);
  if (ls == DV_LOOP_DEADLINE) {
    run->deadline = 1;
    return 1;
  }
  if (ls != DV_LOOP_OK) {
    dv_error("event loop: %s", dv_loop_status_str(ls));
    return -1;
  }
  return 0;
}

/* ---- per-method world checks --------------------------------------------- */

static int dns_ctx_on(dv_cert_run *run)
{
  if (run->dnsp) {
    run->ectx.res = run->dnsp->rec;
    return 0;
  }
  if (run->dns_on)
    return 0;
  if (dv_dns_ctx_init(&run->dns, run->loop,
                      run->cfg->resolvers[0] ? run->cfg->resolvers : NULL) !=
      DV_DNS_CTX_OK) {
    dv_error("cannot set up the DNS resolver");
    return -1;
  }
  run->dns_on = 1;
  run->dnsp = &run->dns;
  run->ectx.res = run->dns.rec;
  return 0;
}

static int email_start(dv_cert_run *run, dv_dvo *d)
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
  if (dns_ctx_on(run) < 0)
    return -1;
  if (dv_email_result_init(&d->email, vd, &n) < 0)
    return -1;
  d->email_on = 1;
  dv_email_start(&run->ectx, &d->email);
  return 0;
}

static dv_world email_finish(dv_cert_run *run, dv_dvo *d)
{
  (void)run;
  if (!d->email_on)
    return WORLD_NOT_CHECKED;
  dv_email_finish(&d->email);
  dv_findings_append(&d->world_findings, &d->email.findings);
  if (d->email.incomplete)
    return WORLD_UNKNOWN;
  return d->email.ncands && d->email.cands[0].deliverable ? WORLD_OK
                                                          : WORLD_BROKEN;
}

static void email_render(FILE *out, const dv_dvo *d)
{
  const dv_email_result *r = &d->email;
  if (!d->email_on || !r->ncands) {
    fputs("      world: not checked\n", out);
    return;
  }
  fputs("      world: ", out);
  dv_text_fput(out, r->cands[0].domain, strlen(r->cands[0].domain));
  if (r->incomplete)
    fputs(" -- mail routing unknown (checks did not complete)\n", out);
  else if (r->cands[0].deliverable)
    fputs(" receives mail (working MX)\n", out);
  else {
    fprintf(out, " cannot receive mail (%s)",
            dv_catalogue_get(r->cands[0].reason)->id);
    if (r->chosen > 0) {
      fputs("; a superdomain can: ", out);
      dv_text_fput(out, r->cands[r->chosen].domain,
                   strlen(r->cands[r->chosen].domain));
    }
    fputc('\n', out);
  }
  if (d->probe)
    dv_tool_probe_text(out, d->probe, 6);
}

static void email_json(json_t *w, const dv_dvo *d)
{
  const dv_email_result *r = &d->email;
  if (!d->email_on || !r->ncands)
    return;
  if (d->probe)
    json_object_set_new(w, "probe", dv_tool_probe_json(d->probe));
  json_object_set_new(w, "mail_domain", dv_json_str(r->cands[0].domain));
  json_object_set_new(w, "deliverable", json_boolean(r->cands[0].deliverable));
  json_object_set_new(w, "working_validation_domain",
                      r->chosen >= 0 ? dv_json_str(r->cands[r->chosen].domain)
                                     : json_null());
}

static int dns_start(dv_cert_run *run, dv_dvo *d)
{
  char rn[DV_NAME_LEN], rv[DV_NAME_LEN], why[128];
  if (!d->has_rr || strcasecmp(d->rr_type, "CNAME") != 0 ||
      dv_dns_name_normalise(d->rr_name, rn, sizeof(rn), why, sizeof(why)) < 0 ||
      dv_dns_name_normalise(d->rr_value, rv, sizeof(rv), why, sizeof(why)) < 0)
    return 0;
  if (dns_ctx_on(run) < 0)
    return -1;
  dv_dns_record_init(&d->dns, d->domain, rn, rv);
  d->dns_on = 1;
  dv_dns_record_start(run->dnsp, &d->dns);
  return 0;
}

static dv_world dns_finish(dv_cert_run *run, dv_dvo *d)
{
  int any;
  dv_severity worst;
  (void)run;
  if (!d->dns_on)
    return WORLD_NOT_CHECKED;
  dv_dns_record_finish(&d->dns);
  dv_findings_append(&d->world_findings, &d->dns.findings);
  if (d->dns.incomplete)
    return WORLD_UNKNOWN;
  worst = dv_findings_max(&d->dns.findings, &any);
  return dv_findings_has(&d->dns.findings, DV_F_DNS_CNAME_OK) &&
                 worst < DV_SEV_ERROR
             ? WORLD_OK
             : WORLD_BROKEN;
}

static void dns_render(FILE *out, const dv_dvo *d)
{
  const dv_dns_record *r = &d->dns;
  if (!d->dns_on) {
    fputs("      world: not checked (no CNAME record from ACM)\n", out);
    return;
  }
  fputs("      world: zone ", out);
  dv_text_fput(out, r->zone[0] ? r->zone : "(not found)",
               strlen(r->zone[0] ? r->zone : "(not found)"));
  fputs(", servers:", out);
  for (size_t i = 0; i < r->nauth; i++) {
    fputc(' ', out);
    dv_text_fput(out, r->auth[i].ns, strlen(r->auth[i].ns));
    fputc('=', out);
    fputs(dv_auth_state_word(&r->auth[i], r), out);
  }
  fputs("; resolver: ", out);
  fputs(dv_dns_status_str(r->rec_st), out);
  if (r->rec_cname[0]) {
    fputs(" -> ", out);
    dv_text_fput(out, r->rec_cname, strlen(r->rec_cname));
  }
  fprintf(out, "; CAA %s\n", dv_caa_verdict_word(r->caa.verdict));
}

static void dns_json(json_t *w, const dv_dvo *d)
{
  const dv_dns_record *r = &d->dns;
  json_t *servers = json_array();
  if (!d->dns_on) {
    json_decref(servers);
    return;
  }
  for (size_t i = 0; servers && i < r->nauth; i++)
    dv_json_push(&servers,
                 json_pack("{s:o, s:s}", "ns", dv_json_str(r->auth[i].ns),
                           "state", dv_auth_state_word(&r->auth[i], r)));
  json_object_set_new(w, "zone",
                      r->zone[0] ? dv_json_str(r->zone) : json_null());
  json_object_set_new(w, "servers", servers ? servers : json_array());
  json_object_set_new(w, "resolver_cname",
                      r->rec_cname[0] ? dv_json_str(r->rec_cname)
                                      : json_null());
  json_object_set_new(w, "caa",
                      json_string(dv_caa_verdict_word(r->caa.verdict)));
}

static int http_start(dv_cert_run *run, dv_dvo *d)
{
  (void)run;
  (void)d;
  return 0;
}

static dv_world http_finish(dv_cert_run *run, dv_dvo *d)
{
  (void)run;
  (void)d;
  return WORLD_NOT_CHECKED;
}

static void http_render(FILE *out, const dv_dvo *d)
{
  (void)d;
  fputs("      world: not checked (HTTP validation through CloudFront)\n", out);
}

static void http_json(json_t *w, const dv_dvo *d)
{
  (void)w;
  (void)d;
}

static const dv_cert_check cert_checks[] = {
    {"EMAIL", email_start, email_finish, email_render, email_json},
    {"DNS", dns_start, dns_finish, dns_render, dns_json},
    {"HTTP", http_start, http_finish, http_render, http_json},
};

static const dv_cert_check *check_for(const char *method)
{
  for (size_t i = 0; i < sizeof(cert_checks) / sizeof(cert_checks[0]); i++)
    if (strcmp(cert_checks[i].method, method) == 0)
      return &cert_checks[i];
  return NULL;
}

/* ---- ACM's view: parse CertificateDetail -------------------------------- */

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

static int dvo_parse(dv_dvo *d, json_t *o, int renewal)
{
  json_t *em = json_object_get(o, "ValidationEmails");
  json_t *rr = json_object_get(o, "ResourceRecord");
  d->renewal = renewal;
  jcopy(d->domain, sizeof(d->domain), o, "DomainName");
  jcopy(d->method, sizeof(d->method), o, "ValidationMethod");
  jcopy(d->status, sizeof(d->status), o, "ValidationStatus");
  jcopy(d->vdomain, sizeof(d->vdomain), o, "ValidationDomain");
  if (!d->method[0] && json_array_size(em))
    snprintf(d->method, sizeof(d->method), "EMAIL");
  if (json_is_array(em) && json_array_size(em)) {
    size_t n = json_array_size(em) < 64 ? json_array_size(em) : 64;
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
  d->side = "unknown";
  return 0;
}

static int cert_parse(dv_cert_run *run)
{
  json_t *c = run->cert, *dvos = json_object_get(c, "DomainValidationOptions");
  json_t *rs = json_object_get(c, "RenewalSummary");
  json_t *rdvos = json_object_get(rs, "DomainValidationOptions");
  size_t n = json_array_size(dvos) + json_array_size(rdvos), k = 0;
  if (n > 200)
    n = 200;
  run->dvos = calloc(n ? n : 1, sizeof(*run->dvos));
  if (!run->dvos)
    return -1;
  for (int ph = 0; ph < 2; ph++) {
    json_t *arr = ph ? rdvos : dvos;
    for (size_t i = 0; i < json_array_size(arr) && k < n; i++)
      if (json_is_object(json_array_get(arr, i)) &&
          dvo_parse(&run->dvos[k++], json_array_get(arr, i), ph) < 0)
        return -1;
  }
  run->ndvos = k;
  return 0;
}

/* The same world check already queued for an earlier name? */
static dv_dvo *dvo_twin(dv_cert_run *run, size_t i)
{
  dv_dvo *d = &run->dvos[i];
  for (size_t j = 0; j < i; j++) {
    dv_dvo *e = &run->dvos[j];
    if (e->same_as || e->check != d->check)
      continue;
    if (d->check == check_for("DNS") && d->has_rr && e->has_rr &&
        strcasecmp(d->rr_name, e->rr_name) == 0 &&
        strcasecmp(d->rr_value, e->rr_value) == 0)
      return e;
    if (d->check == check_for("EMAIL") &&
        strcasecmp(d->vdomain[0] ? d->vdomain : d->domain,
                   e->vdomain[0] ? e->vdomain : e->domain) == 0)
      return e;
  }
  return NULL;
}

static const char *strip_wild(const char *s)
{
  return strncmp(s, "*.", 2) == 0 ? s + 2 : s;
}

static int email_listed(const dv_dvo *d, const char *addr)
{
  for (size_t i = 0; i < d->nemails; i++)
    if (strcasecmp(d->emails[i], addr) == 0)
      return 1;
  return 0;
}

/* ValidationEmails against the five addresses of ValidationDomain. */
static void emails_compare(dv_dvo *d)
{
  const char *vd = d->vdomain[0] ? d->vdomain : strip_wild(d->domain);
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

/* Which side is wrong for one name: ACM's ValidationStatus vs the world. */
static void dvo_verdict(dv_dvo *d, int auto_renewal)
{
  dv_findings *fl = &d->findings;
  dv_finding *f = NULL;
  int is_dns = strcmp(d->method, "DNS") == 0;
  int is_email = strcmp(d->method, "EMAIL") == 0;

  if (is_email)
    emails_compare(d);
  if (strcmp(d->method, "HTTP") == 0) {
    f = dv_findings_add(fl, DV_F_ACM_NAME_HTTP_VALIDATION, d->domain);
    d->side = "unknown";
    return;
  }
  if (is_dns && !d->has_rr) {
    f = dv_findings_add(fl, DV_F_ACM_NAME_NO_RECORD_YET, d->domain);
    d->side = "acm";
    return;
  }
  if (strcmp(d->status, "SUCCESS") == 0) {
    if (d->world == WORLD_OK) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_VALIDATED, d->domain);
      d->side = "none";
    } else if (d->world == WORLD_BROKEN) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_VALIDATED_WORLD_CHANGED, d->domain);
      d->side = "world";
    }
  } else if (strcmp(d->status, "PENDING_VALIDATION") == 0) {
    if (d->world == WORLD_BROKEN) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_PENDING_WORLD_BLOCKS, d->domain);
      d->side = "world";
    } else if (d->world == WORLD_OK && d->renewal && auto_renewal) {
      d->side = "none"; /* ACM is renewing on its own */
    } else if (d->world == WORLD_OK && is_dns) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_PENDING_DNS_READY, d->domain);
      d->side = "acm";
    } else if (d->world == WORLD_OK && is_email) {
      f = dv_findings_add(fl, DV_F_ACM_NAME_PENDING_EMAIL_UNANSWERED,
                          d->domain);
      d->side = "none";
    }
  } else if (strcmp(d->status, "FAILED") == 0) {
    f = dv_findings_add(fl, DV_F_ACM_NAME_FAILED, d->domain);
    d->side = d->world == WORLD_BROKEN ? "world" : "unknown";
  }
  if (f) {
    dv_finding_ev(fl, f, "phase", "%s", d->renewal ? "renewal" : "issuance");
    dv_finding_ev(fl, f, "method", "%s", d->method);
    dv_finding_ev(fl, f, "acm", "%s", d->status[0] ? d->status : "none");
    dv_finding_ev(fl, f, "world", "%s", world_words[d->world]);
    if (is_email && d->email_on && d->email.chosen > 0 &&
        d->world == WORLD_BROKEN)
      dv_finding_ev(fl, f, "working_validation_domain", "%s",
                    d->email.cands[d->email.chosen].domain);
  }
}

static void cert_findings(dv_cert_run *run)
{
  json_t *c = run->cert, *rs = json_object_get(c, "RenewalSummary");
  const char *st = jstr(c, "Status"), *fr = jstr(c, "FailureReason");
  dv_code code;
  dv_finding *f;
  char tb[32];
  time_t t;

  code = enum_code(status_codes, st);
  if (code != DV_F__COUNT) {
    f = dv_findings_add(&run->findings, code, run->arn.arn);
    dv_finding_ev(&run->findings, f, "domain", "%s", jstr(c, "DomainName"));
    if (jtime(c, "CreatedAt", &t) == 0)
      dv_finding_ev(&run->findings, f, "created_at", "%s",
                    iso_time(t, tb, sizeof(tb)));
    if (strcmp(st, "REVOKED") == 0 && jstr(c, "RevocationReason")[0])
      dv_finding_ev(&run->findings, f, "revocation_reason", "%s",
                    jstr(c, "RevocationReason"));
  }
  if (fr[0] && (code = enum_code(failure_codes, fr)) != DV_F__COUNT) {
    f = dv_findings_add(&run->findings, code, run->arn.arn);
    dv_finding_ev(&run->findings, f, "phase", "issuance");
  }
  if (json_is_object(rs)) {
    const char *rst = jstr(rs, "RenewalStatus");
    const char *rr = jstr(rs, "RenewalStatusReason");
    code = enum_code(renewal_codes, rst);
    if (code != DV_F__COUNT) {
      f = dv_findings_add(&run->findings, code, run->arn.arn);
      if (jtime(rs, "UpdatedAt", &t) == 0)
        dv_finding_ev(&run->findings, f, "updated_at", "%s",
                      iso_time(t, tb, sizeof(tb)));
      if (rr[0])
        dv_finding_ev(&run->findings, f, "reason", "%s", rr);
    }
    if (rr[0] && (code = enum_code(failure_codes, rr)) != DV_F__COUNT) {
      f = dv_findings_add(&run->findings, code, run->arn.arn);
      dv_finding_ev(&run->findings, f, "phase", "renewal");
    }
  }
}

/* ---- resend -------------------------------------------------------------- */

static int is_same_or_super(const char *name, const char *vd)
{
  size_t n = strlen(name), v = strlen(vd);
  name = strip_wild(name);
  n = strlen(name);
  if (strcasecmp(name, vd) == 0)
    return 1;
  return n > v + 1 && name[n - v - 1] == '.' &&
         strcasecmp(name + n - v, vd) == 0;
}

static void refuse(dv_cert_run *run, dv_code code, const char *subject,
                   const char *k, const char *v)
{
  dv_finding *f = dv_findings_add(&run->findings, code, subject);
  if (k)
    dv_finding_ev(&run->findings, f, k, "%s", v);
  run->resend_state = 1;
}

/* Decide what --resend would do; fills run->targets or adds a refusal. */
static int resend_plan(dv_cert_run *run)
{
  const dv_cfg *cfg = run->cfg;
  json_t *c = run->cert, *rs = json_object_get(c, "RenewalSummary");
  int issuance_pending = strcmp(jstr(c, "Status"), "PENDING_VALIDATION") == 0;
  int renewal_pending =
      strcmp(jstr(rs, "RenewalStatus"), "PENDING_VALIDATION") == 0;
  size_t named = 0, email_named = 0;
  const char *other_method = "DNS";
  time_t t0, now = time(NULL);
  char tb[32], why[160];

  run->targets = calloc(run->ndvos ? run->ndvos : 1, sizeof(*run->targets));
  if (!run->targets)
    return -1;
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
    if (cfg->resend_domain && strcasecmp(d->domain, cfg->resend_domain))
      continue;
    named++;
    if (strcmp(d->method, "EMAIL") == 0)
      email_named++;
    else if (d->method[0])
      other_method = d->method;
  }
  if (cfg->resend_domain && !named) {
    refuse(run, DV_F_ACM_RESEND_BAD_TARGET, cfg->resend_domain, "reason",
           "--domain is not a name of this certificate");
    return 0;
  }
  if (named && !email_named) {
    refuse(run, DV_F_ACM_RESEND_NOT_EMAIL,
           cfg->resend_domain ? cfg->resend_domain : run->arn.arn, "method",
           other_method);
    return 0;
  }
  if (!issuance_pending && !renewal_pending) {
    snprintf(why, sizeof(why), "certificate %s, renewal %s", jstr(c, "Status"),
             json_is_object(rs) ? jstr(rs, "RenewalStatus") : "none");
    refuse(run, DV_F_ACM_RESEND_NOT_PENDING, run->arn.arn, "status", why);
    return 0;
  }
  if (renewal_pending && !issuance_pending) {
    if (jtime(rs, "UpdatedAt", &t0) < 0)
      t0 = now;
  } else if (jtime(c, "CreatedAt", &t0) < 0) {
    t0 = now;
  }
  if (now - t0 > RESEND_WINDOW_S) {
    snprintf(why, sizeof(why), "%s %s (%ld h ago)",
             issuance_pending ? "requested" : "renewal updated",
             iso_time(t0, tb, sizeof(tb)), (long)((now - t0) / 3600));
    refuse(run, DV_F_ACM_RESEND_WINDOW_CLOSED, run->arn.arn, "since", why);
    return 0;
  }
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
    dv_resend_target *t;
    const char *vd;
    if (cfg->resend_domain && strcasecmp(d->domain, cfg->resend_domain))
      continue;
    if (strcmp(d->method, "EMAIL") != 0 ||
        strcmp(d->status, "PENDING_VALIDATION") != 0 ||
        d->renewal != (issuance_pending ? 0 : 1))
      continue;
    vd = cfg->validation_domain ? cfg->validation_domain
         : d->vdomain[0]        ? d->vdomain
                                : strip_wild(d->domain);
    if (!is_same_or_super(d->domain, vd)) {
      refuse(run, DV_F_ACM_RESEND_BAD_TARGET, d->domain, "reason",
             "--validation-domain is neither the name nor a superdomain of "
             "it");
      run->ntargets = 0;
      return 0;
    }
    t = &run->targets[run->ntargets++];
    snprintf(t->domain, sizeof(t->domain), "%s", d->domain);
    snprintf(t->vdomain, sizeof(t->vdomain), "%s", vd);
    t->renewal = d->renewal;
    t->vd_deliverable = -1;
    if (d->email_on && !d->email.incomplete &&
        strcasecmp(d->email.cands[0].domain, vd) == 0)
      t->vd_deliverable = d->email.cands[0].deliverable;
    if (strcasecmp(vd, d->vdomain) == 0 && d->nemails)
      for (size_t k = 0; k < d->nemails && k < 16; k++)
        snprintf(t->addrs[t->naddrs++], sizeof(t->addrs[0]), "%s",
                 d->emails[k]);
    else
      for (int k = 0; k < 5; k++)
        snprintf(t->addrs[t->naddrs++], sizeof(t->addrs[0]), "%s@%s",
                 dv_email_locals[k], vd);
  }
  if (!run->ntargets)
    refuse(run, DV_F_ACM_RESEND_NOT_PENDING,
           cfg->resend_domain ? cfg->resend_domain : run->arn.arn, "status",
           "no e-mail-validated name is PENDING_VALIDATION");
  return 0;
}

static void targets_print(FILE *out, const dv_cert_run *run)
{
  for (size_t i = 0; i < run->ntargets; i++) {
    const dv_resend_target *t = &run->targets[i];
    fputs("  resend for ", out);
    dv_text_fput(out, t->domain, strlen(t->domain));
    fprintf(out, " (%s), ValidationDomain ",
            t->renewal ? "renewal" : "issuance");
    dv_text_fput(out, t->vdomain, strlen(t->vdomain));
    fputs(" -- mail goes to:\n", out);
    for (size_t k = 0; k < t->naddrs; k++) {
      fputs("      ", out);
      dv_text_fput(out, t->addrs[k], strlen(t->addrs[k]));
      fputc('\n', out);
    }
    if (t->vd_deliverable == 0)
      fputs("      (warning: the world shows this domain cannot receive "
            "mail)\n",
            out);
  }
}

static void target_ev(dv_findings *fl, dv_finding *f, const dv_resend_target *t)
{
  char list[16 * 602] = "";
  for (size_t k = 0; k < t->naddrs; k++)
    snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
             k ? ", " : "", t->addrs[k]);
  dv_finding_ev(fl, f, "validation_domain", "%s", t->vdomain);
  dv_finding_ev(fl, f, "recipients", "%s", list);
  if (t->vd_deliverable == 0)
    dv_finding_ev(fl, f, "warning",
                  "the validation domain cannot receive "
                  "mail");
}

static int confirm(void)
{
  char line[32];
  fputs("Send the validation e-mail to the addresses above? [y/N] ", stderr);
  fflush(stderr);
  if (!fgets(line, sizeof(line), stdin))
    return 0;
  return line[0] == 'y' || line[0] == 'Y';
}

/* Returns -1 on fatal error. */
static int resend_run(dv_cert_run *run)
{
  const dv_cfg *cfg = run->cfg;
  if (resend_plan(run) < 0)
    return -1;
  if (run->resend_state == 1)
    return 0;
  if (cfg->dry_run) {
    run->resend_state = 2;
    for (size_t i = 0; i < run->ntargets; i++) {
      dv_finding *f = dv_findings_add(&run->findings, DV_F_ACM_RESEND_DRY_RUN,
                                      run->targets[i].domain);
      target_ev(&run->findings, f, &run->targets[i]);
    }
    return 0;
  }
  if (!cfg->yes) {
    targets_print(stderr, run);
    if (!confirm()) {
      run->resend_state = 4;
      return 0;
    }
    /* the time spent answering does not count against the deadline */
    dv_loop_deadline_set(run->loop, (int64_t)(cfg->timeout_s * 1000));
  }
  run->resend_state = 3;
  for (size_t i = 0; i < run->ntargets; i++)
    if (dv_acm_resend_validation_email(
            run->acm, run->arn.arn, run->targets[i].domain,
            run->targets[i].vdomain, outcome_cb, &run->targets[i].out) < 0) {
      dv_error("out of memory");
      return -1;
    }
  if (run_loop(run) < 0)
    return -1;
  for (size_t i = 0; i < run->ntargets; i++) {
    dv_resend_target *t = &run->targets[i];
    dv_finding *f;
    if (t->out.status == DV_ACM_OK) {
      f = dv_findings_add(&run->findings, DV_F_ACM_RESEND_SENT, t->domain);
      target_ev(&run->findings, f, t);
    } else if (t->out.status == DV_ACM_API_ERROR) {
      f = dv_findings_add(&run->findings, DV_F_ACM_RESEND_REJECTED, t->domain);
      dv_finding_ev(&run->findings, f, "error", "%s", t->out.err.code);
      if (t->out.err.message[0])
        dv_finding_ev(&run->findings, f, "message", "%s", t->out.err.message);
      if (t->out.err.request_id[0])
        dv_finding_ev(&run->findings, f, "request_id", "%s",
                      t->out.err.request_id);
      target_ev(&run->findings, f, t);
    } else {
      api_finding(&run->findings, t->domain, "ResendValidationEmail", &t->out);
      run->incomplete = 1;
    }
  }
  return 0;
}

/* ---- rendering ----------------------------------------------------------- */

static void dvo_text(FILE *out, const dv_cfg *cfg, const dv_dvo *d)
{
  fputs("  ", out);
  dv_text_fput(out, d->domain, strlen(d->domain));
  fprintf(out, "  [%s] %s  ACM: %s\n", d->renewal ? "renewal" : "issuance",
          d->method[0] ? d->method : "?", d->status[0] ? d->status : "-");
  if (strcmp(d->method, "EMAIL") == 0) {
    fputs("      ACM mailed (ValidationDomain ", out);
    dv_text_fput(out, d->vdomain[0] ? d->vdomain : "-",
                 strlen(d->vdomain[0] ? d->vdomain : "-"));
    fputs("): ", out);
    for (size_t i = 0; i < d->nemails; i++) {
      fputs(i ? ", " : "", out);
      dv_text_fput(out, d->emails[i], strlen(d->emails[i]));
    }
    fputs(d->nemails ? "\n" : "nobody listed\n", out);
  } else if (d->has_rr) {
    fputs("      ACM expects: ", out);
    dv_text_fput(out, d->rr_name, strlen(d->rr_name));
    fputc(' ', out);
    dv_text_fput(out, d->rr_type, strlen(d->rr_type));
    fputc(' ', out);
    dv_text_fput(out, d->rr_value, strlen(d->rr_value));
    fputc('\n', out);
  }
  if (d->check)
    d->check->render(out, d->same_as ? d->same_as : d);
  else
    fputs("      world: not checked (no domain validation for this "
          "certificate type or method)\n",
          out);
  fprintf(out, "      wrong side: %s\n",
          strcmp(d->side, "world") == 0  ? "the world (fix DNS / mail)"
          : strcmp(d->side, "acm") == 0  ? "ACM (the world is ready)"
          : strcmp(d->side, "none") == 0 ? "neither"
                                         : "unknown");
  (void)cfg;
}

static json_t *dvo_json(const dv_dvo *d)
{
  json_t *emails = json_array(), *world, *o;
  const dv_dvo *w = d->same_as ? d->same_as : d;
  for (size_t i = 0; emails && i < d->nemails; i++)
    dv_json_push(&emails, dv_json_str(d->emails[i]));
  world = json_pack("{s:s}", "state", world_words[d->world]);
  if (world && d->check)
    d->check->json(world, w);
  o = json_pack(
      "{s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "domain",
      dv_json_str(d->domain), "phase", d->renewal ? "renewal" : "issuance",
      "method", d->method[0] ? d->method : "unknown", "validation_status",
      d->status[0] ? dv_json_str(d->status) : json_null(), "validation_domain",
      d->vdomain[0] ? dv_json_str(d->vdomain) : json_null(),
      "validation_emails", emails ? emails : json_array(), "resource_record",
      d->has_rr ? json_pack("{s:o, s:o, s:o}", "name", dv_json_str(d->rr_name),
                            "type", dv_json_str(d->rr_type), "value",
                            dv_json_str(d->rr_value))
                : json_null(),
      "world", world ? world : json_object(), "wrong_side", d->side);
  return o;
}

static void all_findings(const dv_cert_run *run, dv_findings *all)
{
  dv_findings_append(all, &run->findings);
  for (size_t i = 0; i < run->ndvos; i++) {
    const dv_dvo *d = &run->dvos[i];
    dv_findings_append(all, &d->findings);
    if (!d->same_as)
      dv_findings_append(all, &d->world_findings);
  }
}

static json_t *cert_json(const dv_cert_run *run, const dv_findings *all, int rc)
{
  json_t *c = run->cert, *rs = json_object_get(c, "RenewalSummary");
  json_t *vals = json_array(), *o, *ren = json_null();
  char tb[32];
  time_t t;
  for (size_t i = 0; vals && i < run->ndvos; i++)
    dv_json_push(&vals, dvo_json(&run->dvos[i]));
  if (json_is_object(rs))
    ren = json_pack("{s:o, s:o, s:o}", "status",
                    dv_json_str(jstr(rs, "RenewalStatus")), "reason",
                    jstr(rs, "RenewalStatusReason")[0]
                        ? dv_json_str(jstr(rs, "RenewalStatusReason"))
                        : json_null(),
                    "updated_at",
                    jtime(rs, "UpdatedAt", &t) == 0
                        ? json_string(iso_time(t, tb, sizeof(tb)))
                        : json_null());
  o = json_pack("{s:s, s:s, s:s}", "arn", run->arn.arn, "region", run->region,
                "verdict", dv_report_status_word(rc));
  if (!o)
    return NULL;
  if (c) {
    char cb[32];
    json_object_set_new(o, "domain_name", dv_json_str(jstr(c, "DomainName")));
    json_object_set_new(o, "status", dv_json_str(jstr(c, "Status")));
    json_object_set_new(o, "type", dv_json_str(jstr(c, "Type")));
    json_object_set_new(o, "key_algorithm",
                        dv_json_str(jstr(c, "KeyAlgorithm")));
    json_object_set_new(o, "failure_reason",
                        jstr(c, "FailureReason")[0]
                            ? dv_json_str(jstr(c, "FailureReason"))
                            : json_null());
    json_object_set_new(o, "created_at",
                        jtime(c, "CreatedAt", &t) == 0
                            ? json_string(iso_time(t, cb, sizeof(cb)))
                            : json_null());
    json_object_set_new(o, "not_after",
                        jtime(c, "NotAfter", &t) == 0
                            ? json_string(iso_time(t, cb, sizeof(cb)))
                            : json_null());
    json_object_set_new(o, "renewal", ren ? ren : json_null());
    json_object_set_new(o, "validations", vals ? vals : json_array());
  } else {
    json_decref(ren);
    json_decref(vals);
  }
  if (run->resend_state) {
    static const char *const states[] = {"none", "refused", "dry_run",
                                         "attempted", "declined"};
    json_t *tg = json_array();
    for (size_t i = 0; tg && i < run->ntargets; i++) {
      json_t *addrs = json_array();
      for (size_t k = 0; addrs && k < run->targets[i].naddrs; k++)
        dv_json_push(&addrs, dv_json_str(run->targets[i].addrs[k]));
      dv_json_push(&tg, json_pack("{s:o, s:o, s:o}", "domain",
                                  dv_json_str(run->targets[i].domain),
                                  "validation_domain",
                                  dv_json_str(run->targets[i].vdomain),
                                  "recipients", addrs ? addrs : json_array()));
    }
    json_object_set_new(o, "resend",
                        json_pack("{s:s, s:o}", "state",
                                  states[run->resend_state], "targets",
                                  tg ? tg : json_array()));
  }
  json_object_set_new(o, "findings", dv_findings_json(all));
  return o;
}

static void cert_text(FILE *out, const dv_cert_run *run, const dv_findings *all,
                      int rc)
{
  const dv_cfg *cfg = run->cfg;
  json_t *c = run->cert, *rs = json_object_get(c, "RenewalSummary");
  int any;
  dv_severity worst = dv_findings_max(all, &any);
  char tb[32];
  time_t t;

  fputs("== ", out);
  dv_text_fput(out, run->arn.arn, strlen(run->arn.arn));
  fputs("  ", out);
  if (rc == DV_EXIT_UNKNOWN)
    fputs("UNKNOWN (could not complete)", out);
  else
    dv_report_verdict(out, cfg, any, worst);
  fputc('\n', out);
  if (c) {
    fputs("  certificate: ", out);
    dv_text_fput(out, jstr(c, "DomainName"), strlen(jstr(c, "DomainName")));
    fputs("  ", out);
    dv_text_fput(out, jstr(c, "Type"), strlen(jstr(c, "Type")));
    fputs("  ", out);
    dv_text_fput(out, jstr(c, "KeyAlgorithm"), strlen(jstr(c, "KeyAlgorithm")));
    fputs("\n  ACM status:  ", out);
    dv_text_fput(out, jstr(c, "Status"), strlen(jstr(c, "Status")));
    if (jstr(c, "FailureReason")[0]) {
      fputs(" (", out);
      dv_text_fput(out, jstr(c, "FailureReason"),
                   strlen(jstr(c, "FailureReason")));
      fputc(')', out);
    }
    if (jtime(c, "CreatedAt", &t) == 0)
      fprintf(out, ", requested %s", iso_time(t, tb, sizeof(tb)));
    if (jtime(c, "NotAfter", &t) == 0)
      fprintf(out, ", valid until %s", iso_time(t, tb, sizeof(tb)));
    fputs("\n  renewal:     ", out);
    if (json_is_object(rs)) {
      dv_text_fput(out, jstr(rs, "RenewalStatus"),
                   strlen(jstr(rs, "RenewalStatus")));
      if (jstr(rs, "RenewalStatusReason")[0]) {
        fputs(" (", out);
        dv_text_fput(out, jstr(rs, "RenewalStatusReason"),
                     strlen(jstr(rs, "RenewalStatusReason")));
        fputc(')', out);
      }
      if (jtime(rs, "UpdatedAt", &t) == 0)
        fprintf(out, ", updated %s", iso_time(t, tb, sizeof(tb)));
      fputc('\n', out);
    } else {
      fputs("-\n", out);
    }
    fputs("\n  ACM's view vs the world's, name by name:\n", out);
    for (size_t i = 0; i < run->ndvos; i++)
      dvo_text(out, cfg, &run->dvos[i]);
  }
  if (run->resend_state == 2 || run->resend_state == 3) {
    fputc('\n', out);
    targets_print(out, run);
  } else if (run->resend_state == 4) {
    fputs("\n  resend: not confirmed, nothing sent\n", out);
  }
  fputc('\n', out);
  dv_report_findings_text(out, cfg, all);
  fputc('\n', out);
}

/* ---- commands ------------------------------------------------------------ */

static void run_free(dv_cert_run *run)
{
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
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
  if (run->targets)
    for (size_t i = 0; i < run->ntargets; i++)
      json_decref(run->targets[i].out.json);
  free(run->targets);
  json_decref(run->desc.json);
  dv_findings_free(&run->findings);
  /* HTTP first: a request it cancels reports back to the ACM client */
  if (run->sess_on)
    dv_acm_session_cancel(&run->sess);
  if (run->dns_on)
    dv_dns_ctx_free(&run->dns);
  if (run->sess_on)
    dv_acm_session_close(&run->sess);
}

/* ---- one certificate's diagnosis (cert, audit) --------------------------- */

/* DescribeCertificate answered: ACM's view, then start the world's checks
 * on the loop (one per distinct record / validation domain; imported and
 * private certificates are not domain-validated). */
static void diag_on_describe(void *arg, const dv_acm_result *res)
{
  dv_cert_run *run = arg;
  outcome_cb(&run->desc, res);
  if (run->desc.status != DV_ACM_OK) {
    if (run->desc.status == DV_ACM_CANCELLED)
      run->deadline = 1; /* RUN_DEADLINE below */
    else
      api_finding(&run->findings, run->arn.arn, "DescribeCertificate",
                  &run->desc);
    run->incomplete = 1;
    return;
  }
  run->cert = json_object_get(run->desc.json, "Certificate");
  if (!json_is_object(run->cert)) {
    dv_finding *f =
        dv_findings_add(&run->findings, DV_F_ACM_API_ERROR, run->arn.arn);
    dv_finding_ev(&run->findings, f, "detail",
                  "DescribeCertificate returned no Certificate object");
    run->cert = NULL;
    run->incomplete = 1;
    return;
  }
  if (cert_parse(run) < 0) {
    run->nomem = 1;
    return;
  }
  cert_findings(run);
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
    const char *type = jstr(run->cert, "Type");
    if (type[0] && strcmp(type, "AMAZON_ISSUED") != 0)
      d->check = NULL;
    if (!d->check)
      continue;
    d->same_as = dvo_twin(run, i);
    if (!d->same_as && d->check->start(run, d) < 0) {
      run->nomem = 1;
      return;
    }
  }
}

/* After the loop: the checks' results and each name's verdict. -1 when
 * memory ran out somewhere. */
static int diag_finish(dv_cert_run *run)
{
  if (run->nomem || run->ectx.nomem || (run->dnsp && run->dnsp->nomem))
    return -1;
  if (!run->cert)
    return 0;
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
    if (d->check && !d->same_as)
      d->world = d->check->finish(run, d);
  }
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
    if (d->same_as)
      d->world = d->same_as->world;
    if (d->world == WORLD_UNKNOWN)
      run->incomplete = 1;
    dvo_verdict(d, strcmp(jstr(json_object_get(run->cert, "RenewalSummary"),
                               "RenewalStatus"),
                          "PENDING_AUTO_RENEWAL") == 0);
  }
  return 0;
}

/* The public face of the above for `dvcheck audit` (cert_diag.h). */
dv_cert_run *dv_cert_diag_new(const dv_cfg *cfg, dv_loop *loop, dv_acm *acm,
                              dv_dns_ctx *dns, const char *arn)
{
  dv_cert_run *run = calloc(1, sizeof(*run));
  char why[256];
  if (!run)
    return NULL;
  run->cfg = cfg;
  run->loop = loop;
  run->acm = acm;
  run->dnsp = dns;
  if (dv_acm_arn_parse(arn, &run->arn, why, sizeof(why)) != DV_ARN_OK) {
    free(run);
    return NULL;
  }
  snprintf(run->region, sizeof(run->region), "%s", run->arn.region);
  return run;
}

int dv_cert_diag_start(dv_cert_run *run)
{
  return dv_acm_describe_certificate(run->acm, run->arn.arn, diag_on_describe,
                                     run);
}

int dv_cert_diag_finish(dv_cert_run *run, dv_findings *all, int *rc)
{
  int any = 0;
  dv_severity worst = DV_SEV_INFO;
  if (diag_finish(run) < 0)
    return -1;
  if (run->deadline && !dv_findings_has(&run->findings, DV_F_RUN_DEADLINE)) {
    dv_finding *f =
        dv_findings_add(&run->findings, DV_F_RUN_DEADLINE, run->arn.arn);
    dv_finding_ev(&run->findings, f, "timeout_s", "%g", run->cfg->timeout_s);
    run->incomplete = 1;
  }
  all_findings(run, all);
  if (all->nomem)
    return -1;
  dv_findings_fold(all, &any, &worst);
  *rc = dv_report_exit_code(any, worst, run->incomplete || run->deadline);
  return 0;
}

json_t *dv_cert_diag_json(const dv_cert_run *run, const dv_findings *all,
                          int rc)
{
  return cert_json(run, all, rc);
}

void dv_cert_diag_text(FILE *out, const dv_cert_run *run,
                       const dv_findings *all, int rc)
{
  cert_text(out, run, all, rc);
}

const json_t *dv_cert_diag_detail(const dv_cert_run *run)
{
  return run->cert;
}

void dv_cert_diag_free(dv_cert_run *run)
{
  if (!run)
    return;
  run->dnsp = run->dns_on ? &run->dns : NULL; /* never free a shared one */
  run_free(run);
  free(run);
}

/* cert --probe: the SMTP probe of the domain ACM mails for each
 * e-mail-validated name whose ValidationDomain has a working MX. */
static int probe_run(dv_cert_run *run, dv_tool_probe *tp)
{
  int any = 0;
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
    if (!d->email_on || d->same_as || !d->email.ncands ||
        !d->email.cands[0].deliverable)
      continue;
    d->probe = calloc(1, sizeof(*d->probe));
    if (!d->probe) {
      dv_error("out of memory");
      return -1;
    }
    if (dv_probe_init(d->probe, &d->email.cands[0]) < 0)
      continue;
    dv_probe_start(&tp->ctx, d->probe);
    any = 1;
  }
  if (!any)
    return 0;
  if (run_loop(run) < 0)
    return -1;
  for (size_t i = 0; i < run->ndvos; i++) {
    dv_dvo *d = &run->dvos[i];
    if (!d->probe)
      continue;
    dv_probe_finish(d->probe);
    dv_findings_append(&d->world_findings, &d->probe->findings);
  }
  return 0;
}

int dv_cmd_cert(dv_cfg *cfg)
{
  dv_cert_run run;
  dv_tool_probe tp;
  dv_findings all = {0};
  char why[256];
  dv_arn_status as;
  int rc = DV_EXIT_UNKNOWN, any = 0, o;
  dv_severity worst = DV_SEV_INFO;

  memset(&run, 0, sizeof(run));
  memset(&tp, 0, sizeof(tp));
  run.cfg = cfg;
  if (cfg->nargs != 1) {
    dv_error("cert: give exactly one certificate ARN; see 'dvcheck cert "
             "--help'");
    return DV_EXIT_UNKNOWN;
  }
  as = dv_acm_arn_parse(cfg->args[0], &run.arn, why, sizeof(why));
  if (as != DV_ARN_OK) {
    dv_error("cert: %s: %s", dv_arn_status_str(as), why);
    return DV_EXIT_UNKNOWN;
  }
  if (!cfg->resend && (cfg->resend_domain || cfg->validation_domain ||
                       cfg->dry_run || cfg->yes)) {
    dv_error("cert: --domain, --validation-domain, --dry-run and --yes go "
             "with --resend");
    return DV_EXIT_UNKNOWN;
  }
  if (cfg->resend && !cfg->dry_run && !cfg->yes && !isatty(STDIN_FILENO)) {
    dv_error("cert --resend: refusing to send e-mail without confirmation: "
             "standard input is not a terminal. Add --yes to send, or "
             "--dry-run to see who would be mailed");
    return DV_EXIT_UNKNOWN;
  }
  o = acm_open(&run, "cert", run.arn.region);
  if (o != 0) {
    rc = o >= 100 ? o - 100 : DV_EXIT_UNKNOWN;
    goto out;
  }
  if (dv_tool_probe_init(&tp, cfg, run.loop) < 0)
    goto out;
  if (dv_acm_describe_certificate(run.acm, run.arn.arn, diag_on_describe,
                                  &run) < 0) {
    dv_error("out of memory");
    goto out;
  }
  if (run_loop(&run) < 0)
    goto out;
  if (diag_finish(&run) < 0) {
    dv_error("out of memory during the checks");
    goto out;
  }
  if (cfg->probe && !run.deadline && run.cert && probe_run(&run, &tp) < 0)
    goto out;
  if (cfg->resend && !run.deadline && run.cert && resend_run(&run) < 0)
    goto out;
  if (run.deadline) {
    dv_finding *f = dv_findings_add(&run.findings, DV_F_RUN_DEADLINE, "run");
    dv_finding_ev(&run.findings, f, "timeout_s", "%g", cfg->timeout_s);
    run.incomplete = 1;
  }
  all_findings(&run, &all);
  if (all.nomem) {
    dv_error("out of memory");
    goto out;
  }
  dv_findings_fold(&all, &any, &worst);
  rc = dv_report_exit_code(any, worst, run.incomplete || run.deadline);
  if (cfg->verbose)
    fprintf(stderr, "dvcheck: %lu ACM request(s)\n",
            dv_acm_requests_sent(run.acm));
  if (cfg->json) {
    json_t *arr = json_array();
    dv_json_push(&arr, cert_json(&run, &all, rc));
    rc = dv_report_json_emit("cert", rc, run.deadline, arr);
  } else {
    cert_text(stdout, &run, &all, rc);
    printf("1 certificate checked: exit %d (%s)\n", rc,
           dv_report_status_word(rc));
  }
out:
  dv_findings_free(&all);
  run_free(&run);
  dv_tool_probe_free(&tp);
  return rc;
}

static const char *const cert_statuses[] = {
    "PENDING_VALIDATION",   "ISSUED",  "INACTIVE", "EXPIRED",
    "VALIDATION_TIMED_OUT", "REVOKED", "FAILED"};

/* --status A,B: validated against the model's CertificateStatus values. */
static int statuses_parse(const char *arg, const char **out, size_t *n)
{
  const char *p = arg;
  *n = 0;
  while (*p) {
    size_t len = strcspn(p, ","), k;
    for (k = 0; k < 7; k++)
      if (strlen(cert_statuses[k]) == len &&
          strncasecmp(cert_statuses[k], p, len) == 0)
        break;
    if (k == 7 || *n >= 7)
      return -1;
    out[(*n)++] = cert_statuses[k];
    p += len;
    if (*p == ',')
      p++;
  }
  return *n ? 0 : -1;
}

int dv_cmd_certs(dv_cfg *cfg)
{
  dv_cert_run run;
  dv_findings fl = {0};
  const char *st[7];
  size_t nst = 0;
  json_t *list = NULL;
  int rc = DV_EXIT_UNKNOWN, o;

  memset(&run, 0, sizeof(run));
  run.cfg = cfg;
  if (cfg->nargs) {
    dv_error("certs: takes no arguments (filters: --region, --status)");
    return DV_EXIT_UNKNOWN;
  }
  if (cfg->cert_status && statuses_parse(cfg->cert_status, st, &nst) < 0) {
    char shown[128];
    dv_error("certs --status '%s': give one or more of PENDING_VALIDATION, "
             "ISSUED, INACTIVE, EXPIRED, VALIDATION_TIMED_OUT, REVOKED, "
             "FAILED (comma-separated)",
             dv_text_escape(cfg->cert_status, strlen(cfg->cert_status), shown,
                            sizeof(shown)));
    return DV_EXIT_UNKNOWN;
  }
  o = acm_open(&run, "certs", NULL);
  if (o != 0) {
    rc = o >= 100 ? o - 100 : DV_EXIT_UNKNOWN;
    goto out;
  }
  if (dv_acm_list_certificates(run.acm, nst ? st : NULL, nst, outcome_cb,
                               &run.desc) < 0) {
    dv_error("out of memory");
    goto out;
  }
  if (run_loop(&run) < 0)
    goto out;
  if (run.desc.status != DV_ACM_OK) {
    if (run.desc.status == DV_ACM_CANCELLED)
      run.deadline = 1;
    api_finding(&fl, run.region, "ListCertificates", &run.desc);
    rc = DV_EXIT_UNKNOWN;
  } else {
    rc = DV_EXIT_OK;
    list = json_object_get(run.desc.json, "CertificateSummaryList");
    if (cfg->verbose)
      fprintf(stderr,
              "dvcheck: ListCertificates: %zu certificate(s) in %d "
              "page(s), %d request(s)\n",
              json_array_size(list), run.desc.pages, run.desc.attempts);
  }
  if (cfg->json) {
    json_t *arr = json_array();
    size_t i;
    json_t *s;
    if (rc != DV_EXIT_OK)
      dv_json_push(&arr,
                   json_pack("{s:s, s:s, s:o}", "region", run.region, "verdict",
                             "unknown", "findings", dv_findings_json(&fl)));
    json_array_foreach(list, i, s) {
      json_t *obj = json_object();
      char tb[32];
      time_t t;
      static const char *const keep[] = {
          "CertificateArn",
          "DomainName",
          "Status",
          "Type",
          "KeyAlgorithm",
          "InUse",
          "RenewalEligibility",
          "HasAdditionalSubjectAlternativeNames"};
      static const char *const as[] = {
          "arn",    "domain_name",         "status",    "type", "key_algorithm",
          "in_use", "renewal_eligibility", "more_names"};
      for (size_t j = 0; obj && j < 8; j++) {
        json_t *x = json_object_get(s, keep[j]);
        if (json_is_string(x))
          json_object_set_new(obj, as[j], dv_json_str(json_string_value(x)));
        else if (json_is_boolean(x))
          json_object_set(obj, as[j], x);
      }
      if (obj && jtime(s, "NotAfter", &t) == 0)
        json_object_set_new(obj, "not_after",
                            json_string(iso_time(t, tb, sizeof(tb))));
      if (obj)
        json_object_set_new(obj, "findings", json_array());
      dv_json_push(&arr, obj);
    }
    rc = dv_report_json_emit("certs", rc, run.deadline, arr);
  } else {
    size_t i;
    json_t *s;
    if (rc != DV_EXIT_OK) {
      dv_report_findings_text(stdout, cfg, &fl);
    } else {
      printf("%-20s %-13s %-13s %-10s %-5s %-24s %s\n", "STATUS", "TYPE", "KEY",
             "NOT AFTER", "IN USE", "DOMAIN", "ARN");
      json_array_foreach(list, i, s) {
        char tb[32] = "-", dom[80], stt[40], typ[40], key[40];
        json_t *iu = json_object_get(s, "InUse");
        time_t t;
        if (jtime(s, "NotAfter", &t) == 0)
          iso_time(t, tb, sizeof(tb));
        tb[10] = '\0';
        jcopy(dom, sizeof(dom), s, "DomainName");
        jcopy(stt, sizeof(stt), s, "Status");
        jcopy(typ, sizeof(typ), s, "Type");
        jcopy(key, sizeof(key), s, "KeyAlgorithm");
        printf("%-20s %-13s %-13s %-10s %-6s %-24s ", stt, typ, key, tb,
               json_is_true(iu)    ? "yes"
               : json_is_false(iu) ? "no"
                                   : "-",
               dom);
        dv_text_fput(stdout, jstr(s, "CertificateArn"),
                     strlen(jstr(s, "CertificateArn")));
        fputc('\n', stdout);
      }
    }
    printf("%zu certificate(s) in %s: exit %d (%s)\n", json_array_size(list),
           run.region, rc, dv_report_status_word(rc));
  }
out:
  dv_findings_free(&fl);
  run_free(&run);
  return rc;
}
