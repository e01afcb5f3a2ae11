/* dvcheck -- `dvcheck cert ARN [--resend ...]` and `dvcheck certs`.
 *
 * cert: the diagnosis of one certificate (check/cert_diag.c: ACM's view
 * next to the world's, name by name), its report (src/cert_report.c), and
 * the resend of the validation e-mail: what --resend would do (or why it
 * refuses), the confirmation, ResendValidationEmail. certs: the
 * certificate list (ListCertificates). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "aws/acm_client.h"
#include "aws/aws_creds.h"
#include "base/json.h"
#include "base/loop.h"
#include "base/names.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "check/acm_session.h"
#include "check/cert_diag.h"
#include "check/check_email.h"
#include "src/cert_report.h"
#include "src/report.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"
#include "src/tool_operate.h"
#include "src/tool_probe.h"

#define RESEND_WINDOW_S (72 * 3600)

/* What cert and certs open: credentials, loop, HTTP, the region's client. */
typedef struct {
  dv_acm_session sess;
  int sess_on;
  dv_acm *acm;
  char region[32];
  char endpoint[600];
} cc_acm;

typedef enum {
  CC_OPEN_OK = 0,
  CC_OPEN_FAILED, /* reported: the command ends with DV_EXIT_UNKNOWN */
  CC_OPEN_EXIT    /* the session reported it and says the exit status */
} cc_open_status;

/* ListCertificates' outcome, kept past its callback. */
typedef struct {
  dv_acm_result_copy res;
  json_t *json; /* owned */
  int pages;
} cc_list;

/* ---- setup shared by cert and certs -------------------------------------- */

/* Session and the region's ACM client. Region and endpoint are resolved
 * first: they need no I/O. CC_OPEN_EXIT: *exit_code is the status the
 * command ends with. */
static cc_open_status acm_open(cc_acm *a, const dv_cfg *cfg,
                               const char *command, const char *arn_region,
                               int *exit_code)
{
  dv_aws_opts o;
  const char *src = NULL;
  char why[600];

  memset(&o, 0, sizeof(o));
  o.profile = cfg->aws_profile;
  o.region = cfg->aws_region;
  o.endpoint_url = cfg->aws_endpoint_url;
  if (dv_aws_region_resolve(&o, arn_region, a->region, sizeof(a->region), &src,
                            why, sizeof(why)) != DV_AWS_CFG_OK) {
    dv_error("%s", why[0] ? why
                          : "no region: give --region REGION or set "
                            "AWS_REGION");
    return CC_OPEN_FAILED;
  }
  if (strcmp(a->region, "all") == 0) {
    dv_error("region 'all' (from %s): not a region name; %s takes one "
             "region (expiry and audit take --region all)",
             src ? src : "?", command);
    return CC_OPEN_FAILED;
  }
  if (!dv_acm_region_valid(a->region, NULL)) {
    char shown[80];
    dv_text_escape(a->region, strlen(a->region), shown, sizeof(shown));
    dv_error("region '%s' (from %s): not a region name ACM has (e.g. "
             "us-east-1)",
             shown, src ? src : "?");
    return CC_OPEN_FAILED;
  }
  if (dv_tool_acm_open(&a->sess, cfg, command, exit_code) < 0)
    return CC_OPEN_EXIT;
  a->sess_on = 1;
  a->acm = dv_acm_session_client(&a->sess, a->region, a->endpoint,
                                 sizeof(a->endpoint), why, sizeof(why));
  if (!a->acm) {
    dv_error("ACM client: %s", why);
    return CC_OPEN_FAILED;
  }
  if (cfg->verbose)
    fprintf(stderr,
            "dvcheck: ACM endpoint %s, region %s (from %s), "
            "credentials from %s\n",
            a->endpoint, a->region, src ? src : "?", a->sess.creds_source);
  return CC_OPEN_OK;
}

/* HTTP first: a request it cancels reports back to the ACM client. */
static void acm_cancel(cc_acm *a)
{
  if (a->sess_on)
    dv_acm_session_cancel(&a->sess);
}

static void acm_close(cc_acm *a)
{
  if (a->sess_on)
    dv_acm_session_close(&a->sess);
  a->sess_on = 0;
}

static void keep_cb(void *arg, const dv_acm_result *res)
{
  dv_acm_result_keep(arg, res);
}

static void list_cb(void *arg, const dv_acm_result *res)
{
  cc_list *l = arg;
  dv_acm_result_keep(&l->res, res);
  l->pages = res->pages;
  l->json = res->json ? json_incref(res->json) : NULL;
}

/* ---- resend ---------------------------------------------------------------
 */

/* Is vd the name (without "*.") or a superdomain of it? */
static int is_same_or_super(const char *name, const char *vd)
{
  size_t n, v = strlen(vd);
  if (strncmp(name, "*.", 2) == 0)
    name += 2;
  n = strlen(name);
  if (strcasecmp(name, vd) == 0)
    return 1;
  return n > v + 1 && name[n - v - 1] == '.' &&
         strcasecmp(name + n - v, vd) == 0;
}

static void refuse(dv_resend *rs, dv_findings *fl, dv_code code,
                   const char *subject, const char *k, const char *v)
{
  dv_finding *f = dv_findings_add(fl, code, subject);
  if (k)
    dv_finding_ev(fl, f, k, "%s", v);
  rs->state = DV_RESEND_REFUSED;
}

/* Decide what --resend would do: rs->targets, or a refusal in fl. */
static int resend_plan(const dv_cfg *cfg, const dv_cert_diag *d, dv_resend *rs,
                       dv_findings *fl)
{
  const json_t *c = d->cert, *rsum = json_object_get(c, "RenewalSummary");
  const char *arn = d->arn.arn;
  int issuance_pending =
      strcmp(dv_json_get_str(c, "Status"), "PENDING_VALIDATION") == 0;
  int renewal_pending =
      strcmp(dv_json_get_str(rsum, "RenewalStatus"), "PENDING_VALIDATION") == 0;
  size_t named = 0, email_named = 0;
  const char *other_method = "DNS";
  time_t t0, now = time(NULL);
  char tb[32], why[160];

  rs->targets = calloc(d->ndvos ? d->ndvos : 1, sizeof(*rs->targets));
  if (!rs->targets)
    return -1;
  for (size_t i = 0; i < d->ndvos; i++) {
    const dv_cert_dvo *v = &d->dvos[i];
    if (cfg->resend_domain && strcasecmp(v->domain, cfg->resend_domain))
      continue;
    named++;
    if (strcmp(v->method, "EMAIL") == 0)
      email_named++;
    else if (v->method[0])
      other_method = v->method;
  }
  if (cfg->resend_domain && !named) {
    refuse(rs, fl, DV_F_ACM_RESEND_BAD_TARGET, cfg->resend_domain, "reason",
           "--domain is not a name of this certificate");
    return 0;
  }
  if (named && !email_named) {
    refuse(rs, fl, DV_F_ACM_RESEND_NOT_EMAIL,
           cfg->resend_domain ? cfg->resend_domain : arn, "method",
           other_method);
    return 0;
  }
  if (!issuance_pending && !renewal_pending) {
    snprintf(why, sizeof(why), "certificate %s, renewal %s",
             dv_json_get_str(c, "Status"),
             json_is_object(rsum) ? dv_json_get_str(rsum, "RenewalStatus")
                                  : "none");
    refuse(rs, fl, DV_F_ACM_RESEND_NOT_PENDING, arn, "status", why);
    return 0;
  }
  if (renewal_pending && !issuance_pending) {
    if (dv_json_get_time(rsum, "UpdatedAt", &t0) < 0)
      t0 = now;
  } else if (dv_json_get_time(c, "CreatedAt", &t0) < 0) {
    t0 = now;
  }
  if (now - t0 > RESEND_WINDOW_S) {
    snprintf(why, sizeof(why), "%s %s (%ld h ago)",
             issuance_pending ? "requested" : "renewal updated",
             dv_time_iso(t0, DV_TIME_SECONDS, tb, sizeof(tb)),
             (long)((now - t0) / 3600));
    refuse(rs, fl, DV_F_ACM_RESEND_WINDOW_CLOSED, arn, "since", why);
    return 0;
  }
  for (size_t i = 0; i < d->ndvos; i++) {
    const dv_cert_dvo *v = &d->dvos[i];
    dv_resend_target *t;
    const char *vd;
    if (cfg->resend_domain && strcasecmp(v->domain, cfg->resend_domain))
      continue;
    if (strcmp(v->method, "EMAIL") != 0 ||
        strcmp(v->status, "PENDING_VALIDATION") != 0 ||
        v->renewal != (issuance_pending ? 0 : 1))
      continue;
    vd = cfg->validation_domain ? cfg->validation_domain
                                : dv_cert_dvo_mail_domain(v);
    if (!is_same_or_super(v->domain, vd)) {
      refuse(rs, fl, DV_F_ACM_RESEND_BAD_TARGET, v->domain, "reason",
             "--validation-domain is neither the name nor a superdomain of "
             "it");
      rs->ntargets = 0;
      return 0;
    }
    t = &rs->targets[rs->ntargets++];
    snprintf(t->domain, sizeof(t->domain), "%s", v->domain);
    snprintf(t->vdomain, sizeof(t->vdomain), "%s", vd);
    t->renewal = v->renewal;
    t->vd_deliverable = -1;
    if (v->email_on && !v->email.incomplete &&
        strcasecmp(v->email.cands[0].domain, vd) == 0)
      t->vd_deliverable = v->email.cands[0].deliverable;
    if (strcasecmp(vd, v->vdomain) == 0 && v->nemails)
      for (size_t k = 0; k < v->nemails && k < 16; k++)
        snprintf(t->addrs[t->naddrs++], sizeof(t->addrs[0]), "%s",
                 v->emails[k]);
    else
      for (int k = 0; k < 5; k++)
        snprintf(t->addrs[t->naddrs++], sizeof(t->addrs[0]), "%s@%s",
                 dv_email_locals[k], vd);
  }
  if (!rs->ntargets)
    refuse(rs, fl, DV_F_ACM_RESEND_NOT_PENDING,
           cfg->resend_domain ? cfg->resend_domain : arn, "status",
           "no e-mail-validated name is PENDING_VALIDATION");
  return 0;
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

/* Plan, confirm and send; findings into fl. *deadline: the run's deadline
 * passed while sending; *incomplete: a call failed. -1 on fatal error. */
static int resend_run(const dv_cfg *cfg, cc_acm *a, const dv_cert_diag *d,
                      dv_resend *rs, dv_findings *fl, int *incomplete,
                      int *deadline)
{
  int lr;
  if (resend_plan(cfg, d, rs, fl) < 0)
    return -1;
  if (rs->state == DV_RESEND_REFUSED)
    return 0;
  if (cfg->dry_run) {
    rs->state = DV_RESEND_DRY_RUN;
    for (size_t i = 0; i < rs->ntargets; i++) {
      dv_finding *f =
          dv_findings_add(fl, DV_F_ACM_RESEND_DRY_RUN, rs->targets[i].domain);
      target_ev(fl, f, &rs->targets[i]);
    }
    return 0;
  }
  if (!cfg->yes) {
    dv_cert_report_targets(stderr, rs);
    if (!confirm()) {
      rs->state = DV_RESEND_DECLINED;
      return 0;
    }
    /* the time spent answering does not count against the deadline */
    dv_loop_deadline_set(a->sess.loop, (int64_t)(cfg->timeout_s * 1000));
  }
  rs->state = DV_RESEND_ATTEMPTED;
  for (size_t i = 0; i < rs->ntargets; i++)
    if (dv_acm_resend_validation_email(
            a->acm, d->arn.arn, rs->targets[i].domain, rs->targets[i].vdomain,
            keep_cb, &rs->targets[i].out) < 0) {
      dv_error("out of memory");
      return -1;
    }
  lr = dv_tool_acm_run(&a->sess);
  if (lr < 0)
    return -1;
  if (lr > 0)
    *deadline = 1;
  for (size_t i = 0; i < rs->ntargets; i++) {
    dv_resend_target *t = &rs->targets[i];
    dv_finding *f;
    if (t->out.status == DV_ACM_OK) {
      f = dv_findings_add(fl, DV_F_ACM_RESEND_SENT, t->domain);
      target_ev(fl, f, t);
    } else if (t->out.status == DV_ACM_API_ERROR) {
      f = dv_findings_add(fl, DV_F_ACM_RESEND_REJECTED, t->domain);
      dv_finding_ev(fl, f, "error", "%s", t->out.err.code);
      if (t->out.err.message[0])
        dv_finding_ev(fl, f, "message", "%s", t->out.err.message);
      if (t->out.err.request_id[0])
        dv_finding_ev(fl, f, "request_id", "%s", t->out.err.request_id);
      target_ev(fl, f, t);
    } else {
      dv_acm_result_copy_finding(fl, t->domain, "ResendValidationEmail",
                                 &t->out);
      *incomplete = 1;
    }
  }
  return 0;
}

/* ---- commands ---------------------------------------------------------------
 */

/* cert --probe: the SMTP probe of the domain ACM mails for each
 * e-mail-validated name whose mail domain has a working MX. */
static int probe_run(cc_acm *a, dv_cert_diag *d, dv_tool_probe *tp,
                     int *deadline)
{
  int any = 0, lr;
  for (size_t i = 0; i < d->ndvos; i++) {
    dv_cert_dvo *v = &d->dvos[i];
    if (!v->email_on || v->same_as || !v->email.ncands ||
        !v->email.cands[0].deliverable)
      continue;
    v->probe = calloc(1, sizeof(*v->probe));
    if (!v->probe) {
      dv_error("out of memory");
      return -1;
    }
    if (dv_probe_init(v->probe, &v->email.cands[0]) < 0)
      continue;
    dv_probe_start(&tp->ctx, v->probe);
    any = 1;
  }
  if (!any)
    return 0;
  lr = dv_tool_acm_run(&a->sess);
  if (lr < 0)
    return -1;
  if (lr > 0)
    *deadline = 1;
  for (size_t i = 0; i < d->ndvos; i++) {
    dv_cert_dvo *v = &d->dvos[i];
    if (!v->probe)
      continue;
    dv_probe_finish(v->probe);
    dv_findings_append(&v->world_findings, &v->probe->findings);
  }
  return 0;
}

int dv_cmd_cert(dv_cfg *cfg)
{
  dv_tool_probe tp;
  cc_acm a;
  dv_cert_diag *d = NULL;
  dv_cert_opts opts;
  dv_resend rs;
  dv_findings own = {0}, all = {0}; /* own: resend, deadline */
  dv_acm_arn arn;
  char why[256];
  dv_arn_status as;
  dv_cert_diag_status ds;
  int rc = DV_EXIT_UNKNOWN, any = 0, lr, deadline = 0, incomplete;
  dv_severity worst = DV_SEV_INFO;

  memset(&a, 0, sizeof(a));
  memset(&rs, 0, sizeof(rs));
  memset(&tp, 0, sizeof(tp));
  if (cfg->nargs != 1) {
    dv_error("cert: give exactly one certificate ARN; see 'dvcheck cert "
             "--help'");
    return DV_EXIT_UNKNOWN;
  }
  as = dv_acm_arn_parse(cfg->args[0], &arn, why, sizeof(why));
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
  switch (acm_open(&a, cfg, "cert", arn.region, &rc)) {
  case CC_OPEN_OK:
    break;
  case CC_OPEN_FAILED:
    rc = DV_EXIT_UNKNOWN;
    goto out;
  case CC_OPEN_EXIT:
    goto out;
  }
  rc = DV_EXIT_UNKNOWN;
  if (dv_tool_probe_init(&tp, cfg, a.sess.loop) < 0)
    goto out;
  memset(&opts, 0, sizeof(opts));
  opts.resolvers = cfg->resolvers;
  opts.max_inflight = cfg->max_inflight;
  d = dv_cert_diag_new(&opts, a.sess.loop, a.acm, NULL, arn.arn);
  if (!d || dv_cert_diag_start(d) < 0) {
    dv_error("out of memory");
    goto out;
  }
  lr = dv_tool_acm_run(&a.sess);
  if (lr < 0)
    goto out;
  deadline = lr > 0 || d->deadline;
  ds = dv_cert_diag_finish(d);
  if (ds != DV_CERT_DIAG_OK) {
    dv_error("%s", dv_cert_diag_status_str(ds));
    goto out;
  }
  incomplete = d->incomplete;
  if (cfg->probe && !deadline && d->cert &&
      probe_run(&a, d, &tp, &deadline) < 0)
    goto out;
  if (cfg->resend && !deadline && d->cert &&
      resend_run(cfg, &a, d, &rs, &own, &incomplete, &deadline) < 0)
    goto out;
  if (deadline) {
    dv_finding *f = dv_findings_add(&own, DV_F_RUN_DEADLINE, "run");
    dv_finding_ev(&own, f, "timeout_s", "%g", cfg->timeout_s);
    incomplete = 1;
  }
  if (own.nomem || dv_cert_diag_collect(d, &own, &all) < 0) {
    dv_error("out of memory");
    goto out;
  }
  dv_findings_fold(&all, &any, &worst);
  rc = dv_report_exit_code(any, worst, incomplete || deadline);
  if (cfg->verbose)
    fprintf(stderr, "dvcheck: %lu ACM request(s)\n",
            dv_acm_requests_sent(a.acm));
  if (cfg->json) {
    json_t *arr = json_array();
    dv_json_push(&arr, dv_cert_report_json(d, &rs, &all, rc));
    rc = dv_report_json_emit("cert", rc, deadline, arr);
  } else {
    dv_cert_report_text(stdout, cfg, d, &rs, &all, rc);
    printf("1 certificate checked: exit %d (%s)\n", rc,
           dv_report_status_word(rc));
  }
out:
  dv_findings_free(&all);
  dv_findings_free(&own);
  free(rs.targets);
  acm_cancel(&a);
  dv_cert_diag_free(d);
  dv_tool_probe_free(&tp);
  acm_close(&a);
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
  cc_acm a;
  cc_list l;
  dv_findings fl = {0};
  const char *st[7];
  size_t nst = 0;
  json_t *list = NULL;
  int rc = DV_EXIT_UNKNOWN, lr, deadline = 0;

  memset(&a, 0, sizeof(a));
  memset(&l, 0, sizeof(l));
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
  switch (acm_open(&a, cfg, "certs", NULL, &rc)) {
  case CC_OPEN_OK:
    break;
  case CC_OPEN_FAILED:
    rc = DV_EXIT_UNKNOWN;
    goto out;
  case CC_OPEN_EXIT:
    goto out;
  }
  rc = DV_EXIT_UNKNOWN;
  if (dv_acm_list_certificates(a.acm, nst ? st : NULL, nst, list_cb, &l) < 0) {
    dv_error("out of memory");
    goto out;
  }
  lr = dv_tool_acm_run(&a.sess);
  if (lr < 0)
    goto out;
  deadline = lr > 0;
  if (l.res.status != DV_ACM_OK) {
    if (l.res.status == DV_ACM_CANCELLED)
      deadline = 1;
    dv_acm_result_copy_finding(&fl, a.region, "ListCertificates", &l.res);
    rc = DV_EXIT_UNKNOWN;
  } else {
    rc = DV_EXIT_OK;
    list = json_object_get(l.json, "CertificateSummaryList");
    if (cfg->verbose)
      fprintf(stderr,
              "dvcheck: ListCertificates: %zu certificate(s) in %d "
              "page(s), %d request(s)\n",
              json_array_size(list), l.pages, l.res.attempts);
  }
  if (cfg->json) {
    json_t *arr = json_array();
    size_t i;
    json_t *s;
    if (rc != DV_EXIT_OK)
      dv_json_push(&arr,
                   json_pack("{s:s, s:s, s:o}", "region", a.region, "verdict",
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
      if (obj && dv_json_get_time(s, "NotAfter", &t) == 0)
        json_object_set_new(
            obj, "not_after",
            json_string(dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb))));
      if (obj)
        json_object_set_new(obj, "findings", json_array());
      dv_json_push(&arr, obj);
    }
    rc = dv_report_json_emit("certs", rc, deadline, arr);
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
        const char *v;
        time_t t;
        if (dv_json_get_time(s, "NotAfter", &t) == 0)
          dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb));
        tb[10] = '\0';
        v = dv_json_get_str(s, "DomainName");
        dv_text_escape(v, strlen(v), dom, sizeof(dom));
        v = dv_json_get_str(s, "Status");
        dv_text_escape(v, strlen(v), stt, sizeof(stt));
        v = dv_json_get_str(s, "Type");
        dv_text_escape(v, strlen(v), typ, sizeof(typ));
        v = dv_json_get_str(s, "KeyAlgorithm");
        dv_text_escape(v, strlen(v), key, sizeof(key));
        printf("%-20s %-13s %-13s %-10s %-6s %-24s ", stt, typ, key, tb,
               json_is_true(iu)    ? "yes"
               : json_is_false(iu) ? "no"
                                   : "-",
               dom);
        dv_text_fput(stdout, dv_json_get_str(s, "CertificateArn"),
                     strlen(dv_json_get_str(s, "CertificateArn")));
        fputc('\n', stdout);
      }
    }
    printf("%zu certificate(s) in %s: exit %d (%s)\n", json_array_size(list),
           a.region, rc, dv_report_status_word(rc));
  }
out:
  dv_findings_free(&fl);
  json_decref(l.json);
  acm_cancel(&a);
  acm_close(&a);
  return rc;
}
