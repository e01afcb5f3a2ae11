/* dvcheck -- `dvcheck check` / check_dv: the Nagios plug-in mode.
 *
 * Exactly one status line "DV STATE - summary | perfdata" on stdout, then
 * optional details, exit 0/1/2/3 (nagios.c). Every way out of here prints
 * exactly one status line: bad usage and internal errors are UNKNOWN.
 * Targets: --host (the endpoint's certificate), --domain (can validation
 * work now), --arn (the ACM certificate's states and expiry), --host with
 * --arn (does the endpoint serve ACM's certificate).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "base/timefmt.h"
#include "base/json.h"
#include "base/text.h"
#include "check/acm_expiry.h"
#include "check/acm_fetch.h"
#include "check/check_dns.h"
#include "check/check_email.h"
#include "check/preflight.h"
#include "check/check_endpoint.h"
#include "base/loop.h"
#include "src/nagios.h"
#include "src/report_metrics.h"
#include "base/names.h"
#include "src/report.h"
#include "src/tool_ca.h"
#include "src/tool_probe.h"
#include "src/tool_operate.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"

static const char *printable(const char *s, char *buf, size_t len)
{
  return dv_text_escape(s, strlen(s), buf, len);
}

/* Findings as long-output lines: "severity CODE subject: key=value ...". */
static void long_findings(dv_nagios_out *o, const dv_findings *fl)
{
  for (int sev = DV_SEV_FATAL; sev >= DV_SEV_INFO; sev--)
    for (size_t i = 0; i < fl->n; i++) {
      const dv_catalogue_entry *c = dv_catalogue_get(fl->v[i].code);
      char ev[600] = "";
      size_t n = 0;
      if ((int)c->severity != sev)
        continue;
      for (size_t j = 0; j < fl->v[i].nev && n < sizeof(ev) - 1; j++)
        n += (size_t)snprintf(ev + n, sizeof(ev) - n, " %s=%s",
                              fl->v[i].ev[j].key, fl->v[i].ev[j].value);
      dv_nagios_long(o, "%s %s %s:%s", dv_severity_str(c->severity), c->id,
                     fl->v[i].subject, ev);
    }
}

/* ---- --host ----------------------------------------------------------- */

/* expected: the certificate that should be served (--arn: ACM's), NULL:
 * --expect-pem or none; timeout_s: what is left of -t. */
static void check_host(const dv_cfg *cfg, dv_nagios_out *o,
                       const dv_nagios_range *w, const dv_nagios_range *c,
                       const dv_cert_info *expected, const char *source,
                       double timeout_s)
{
  dv_endpoint e;
  char why[512], problems[600] = "";
  size_t pn = 0;
  dv_nagios_state st;
  dv_ep_run_status rs;

#define PROBLEM(...)                                                           \
  do {                                                                         \
    if (pn < sizeof(problems))                                                 \
      pn += (size_t)snprintf(problems + pn, sizeof(problems) - pn,             \
                             "; " __VA_ARGS__);                                \
  } while (0)

  if (expected)
    rs = dv_endpoint_run_cert(&e, cfg->check_host, expected, source,
                              cfg->resolvers, timeout_s, 0, why, sizeof(why));
  else
    rs = dv_endpoint_run(&e, cfg->check_host, cfg->expect_pem, cfg->resolvers,
                         timeout_s, 0, why, sizeof(why));
  if (rs != DV_EP_RUN_OK) {
    o->state = DV_NAGIOS_UNKNOWN;
    dv_nagios_summary(o, "%s", why);
    goto out;
  }
  if (e.incomplete) {
    o->state = DV_NAGIOS_UNKNOWN;
    dv_nagios_summary(o, "%s: no answer within -t %g s (%s)", e.target,
                      cfg->timeout_s, e.phase);
    goto out;
  }
  if (e.status != DV_EP_DONE) {
    o->state = DV_NAGIOS_CRITICAL;
    dv_nagios_summary(o, "%s: %s%s%s", e.target, dv_ep_status_str(e.status),
                      e.error[0] ? ": " : "", e.error);
    dv_nagios_perf_add(o, "time", e.elapsed_ms / 1000.0, "s", NULL, NULL, 1, 0,
                       0, 0);
    long_findings(o, &e.findings);
    goto out;
  }
  st = dv_nagios_state_of(e.cert.days_left, w, c);
  if (e.expired)
    st = DV_NAGIOS_CRITICAL; /* the summary says "expired" */
  if (e.not_yet_valid) {
    st = DV_NAGIOS_CRITICAL;
    PROBLEM("not valid before %s", e.cert.not_before);
  }
  if (e.chain_err) {
    st = DV_NAGIOS_CRITICAL;
    PROBLEM("chain untrusted: %s", e.chain_err_str);
  }
  if (e.name_mismatch) {
    st = DV_NAGIOS_CRITICAL;
    PROBLEM("not valid for %s", e.host);
  }
  if (e.have_expected && memcmp(e.cert.sha256, e.expected.sha256, 32) != 0) {
    st = dv_nagios_state_worst(st, DV_NAGIOS_WARNING);
    if (expected) /* ACM's: "the load balancer still serves the old one" */
      PROBLEM("serves serial %s, not ACM's certificate (serial %s)%s",
              e.cert.serial, e.expected.serial,
              e.expected.days_left > e.cert.days_left
                  ? ": the served one expires sooner, probably the old "
                    "certificate"
                  : "");
    else
      PROBLEM("serves serial %s, not the expected %s", e.cert.serial,
              e.expected.serial);
  } else if (e.have_expected) {
    PROBLEM("%s", expected ? "ACM's certificate" : "the expected certificate");
  }
  o->state = st;
  if (e.cert.days_left >= 0)
    dv_nagios_summary(o, "%s: certificate expires in %.0f days (%s)%s",
                      e.target, e.cert.days_left, e.cert.not_after, problems);
  else
    dv_nagios_summary(o, "%s: certificate expired %.0f days ago (%s)%s",
                      e.target, -e.cert.days_left, e.cert.not_after, problems);
  dv_nagios_perf_add(o, "days", e.cert.days_left, NULL, w, c, 0, 0, 0, 0);
  dv_nagios_perf_add(o, "time", e.elapsed_ms / 1000.0, "s", NULL, NULL, 1, 0, 0,
                     0);
  dv_nagios_long(o, "subject: %s", e.cert.subject);
  dv_nagios_long(o, "SANs: %s", e.cert.sans);
  dv_nagios_long(o, "issuer: %s", e.cert.issuer);
  dv_nagios_long(o, "serial: %s", e.cert.serial);
  dv_nagios_long(o, "SHA-256: %s", e.cert.fingerprint);
  dv_nagios_long(o, "valid: %s to %s", e.cert.not_before, e.cert.not_after);
  if (expected)
    dv_nagios_long(o,
                   "ACM's certificate (%s): serial %s, SHA-256 %s, valid "
                   "to %s",
                   source, e.expected.serial, e.expected.fingerprint,
                   e.expected.not_after);
  long_findings(o, &e.findings);
out:
  dv_endpoint_free(&e);
#undef PROBLEM
}

/* ---- --domain ----------------------------------------------------------- */

/* --domain NAME --probe: the SMTP mailbox probe of the validation domain.
 * Its warnings make the state WARNING; "nobody can receive the mail" and
 * the other failures make it CRITICAL only when e-mail is the only method
 * left (with DNS validation possible they are a WARNING). */
static void probe_domain(const dv_cfg *cfg, dv_nagios_out *o, dv_loop *loop,
                         const dv_candidate *cand, int dns_ok, dv_findings *all)
{
  dv_tool_probe tp;
  dv_probe pr;
  dv_severity sev;
  int any;
  if (dv_tool_probe_init(&tp, cfg, loop) < 0) {
    o->state = DV_NAGIOS_UNKNOWN;
    dv_nagios_summary(o, "bad --probe options");
    dv_tool_probe_free(&tp);
    return;
  }
  if (dv_probe_init(&pr, cand) < 0) {
    dv_tool_probe_free(&tp);
    return;
  }
  dv_probe_start(&tp.ctx, &pr);
  (void)dv_loop_run(loop);
  dv_probe_finish(&pr);
  sev = dv_findings_max(&pr.findings, &any);
  if (any && sev >= DV_SEV_ERROR)
    o->state = dv_nagios_state_worst(o->state, dns_ok ? DV_NAGIOS_WARNING
                                                      : DV_NAGIOS_CRITICAL);
  else if (any && sev == DV_SEV_WARNING)
    o->state = dv_nagios_state_worst(o->state, DV_NAGIOS_WARNING);
  for (size_t i = 0; i < pr.findings.n; i++) {
    const dv_catalogue_entry *e = dv_catalogue_get(pr.findings.v[i].code);
    if (e->severity >= DV_SEV_WARNING) {
      char sum[sizeof(o->summary)];
      memcpy(sum, o->summary, sizeof(sum));
      dv_nagios_summary(o, "%.300s; probe: %.200s", sum, e->title);
      break;
    }
  }
  dv_findings_append(all, &pr.findings);
  dv_probe_free(&pr);
  dv_tool_probe_free(&tp);
}

static void check_domain(const dv_cfg *cfg, dv_nagios_out *o,
                         const dv_nagios_range *w, const dv_nagios_range *c)
{
  dv_name n;
  char detail[256], shown[300];
  dv_email_result er;
  dv_dns_record dr;
  dv_dns_ctx dns;
  dv_email_ctx ectx = {0};
  dv_loop *loop = NULL;
  dv_loop_status ls;
  int started = 0, dns_ok, email_ok, methods, have_er = 0, deadline;
  int64_t t0 = dv_loop_now_ms();
  dv_name_status ns;
  dv_findings all = {0};
  dv_ca_choice ca;
  const char *dns_method;
  int email_offered, choose;

  memset(&dns, 0, sizeof(dns));
  memset(&dr, 0, sizeof(dr));
  choose = dv_ca_choose(cfg, &ca, NULL);
  if (choose != 0) {
    dv_nagios_summary(
        o, "%s", choose > 0 ? "CA table printed" : "--ca: see the error above");
    return;
  }
  /* as preflight: the CA's DNS method; e-mail only where the CA offers it
   * and the CA/B Forum still allows it (BR 3.2.2.4.4, SC-090) */
  dns_method = ca.ca && ca.ca->nmethods ? dv_ca_dns_method(ca.ca) : NULL;
  ca.policy.method = dns_method ? dns_method : "dns-change";
  email_offered = !ca.ca || !ca.ca->nmethods || dv_ca_offers(ca.ca, "email");
  {
    const dv_ca_method *m = dv_ca_method_find(&ca.table, "email");
    if (m && m->must_not && ca.now >= m->must_not)
      email_offered = 0;
  }
  printable(cfg->check_domain, shown, sizeof(shown));
  ns = dv_name_parse(cfg->check_domain, strlen(cfg->check_domain), &n, detail,
                     sizeof(detail));
  if (ns != DV_NAME_OK) {
    dv_nagios_summary(o, "--domain '%.80s': %s%s%s", shown,
                      dv_name_status_str(ns), detail[0] ? ": " : "", detail);
    goto out;
  }
  if (dv_email_result_init(&er, shown, &n) < 0) {
    dv_nagios_summary(o, "out of memory");
    goto out;
  }
  have_er = 1;
  dv_dns_record_init(&dr, n.ascii, n.wildcard ? n.ascii + 2 : n.ascii, "");
  dv_caa_set_policy(&dr.caa, &ca.policy);
  dr.preflight = 1;
  loop = dv_loop_new();
  if (!loop) {
    dv_nagios_summary(o, "out of memory");
    goto out;
  }
  dv_loop_deadline_set(loop, (int64_t)(cfg->timeout_s * 1000));
  started = 1;
  if (dv_dns_ctx_init_max(&dns, loop, cfg->resolvers[0] ? cfg->resolvers : NULL,
                          cfg->max_inflight) != DV_DNS_CTX_OK) {
    dv_nagios_summary(o, "cannot set up the DNS resolver");
    goto out;
  }
  ectx.res = dns.rec;
  dv_email_start(&ectx, &er);
  dv_dns_record_start(&dns, &dr);
  ls = dv_loop_run(loop);
  if ((ls != DV_LOOP_OK && !dv_loop_cut(ls)) || ectx.nomem || dns.nomem) {
    dv_nagios_summary(o, "%s",
                      ls == DV_LOOP_OK || dv_loop_cut(ls)
                          ? "out of memory"
                          : dv_loop_status_str(ls));
    goto out;
  }
  deadline = dv_loop_cut(ls);
  dv_email_finish(&er);
  dv_dns_record_finish(&dr);
  if (deadline || er.incomplete || dr.incomplete) {
    dv_nagios_summary(o,
                      "%s: no verdict within -t %g s (DNS lookups did not "
                      "finish)",
                      n.ascii, cfg->timeout_s);
    goto out;
  }
  dns_ok = dv_preflight_dns_ok(&dr);
  email_ok = email_offered && er.chosen >= 0;
  methods = dns_ok + email_ok;
  dv_findings_append(&all, &dr.findings);
  if (!dns_ok && email_offered) /* as preflight: e-mail matters only when
                                   DNS cannot work */
    dv_findings_append(&all, &er.findings);
  if (!dns_ok && email_ok)
    dv_ca_email_sunset(&ca, &all, n.ascii);
  if (!dns_ok && !dv_dns_record_caa_ok(&dr)) {
    /* CAA blocks issuance whatever the validation method */
    o->state = DV_NAGIOS_CRITICAL;
    if (dr.caa.verdict == DV_CAA_FORBIDS)
      dv_nagios_summary(o,
                        "%s: CAA forbids %s: no certificate can be "
                        "issued",
                        n.ascii,
                        ca.policy.amazon ? "Amazon" : ca.policy.display);
    else
      dv_nagios_summary(o,
                        "%s: the CAA lookup failed (DNS: zone %s, DNSSEC "
                        "%s): no certificate can be issued",
                        n.ascii, dr.zone[0] ? dr.zone : "not found",
                        dv_dns_record_dnssec_word(&dr));
    methods = 0;
  } else if (dns_ok) {
    o->state = DV_NAGIOS_OK;
    if (email_ok)
      dv_nagios_summary(o,
                        "%s: DNS validation can work (zone %s); e-mail "
                        "too (ValidationDomain %s)",
                        n.ascii, dr.zone, er.cands[er.chosen].domain);
    else
      dv_nagios_summary(o,
                        "%s: DNS validation can work (zone %s); e-mail "
                        "cannot",
                        n.ascii, dr.zone);
  } else if (email_ok) {
    o->state = DV_NAGIOS_WARNING;
    dv_nagios_summary(o,
                      "%s: only e-mail validation can work "
                      "(ValidationDomain %s); DNS cannot (zone %s)",
                      n.ascii, er.cands[er.chosen].domain,
                      dr.zone[0] ? dr.zone : "not found");
  } else {
    o->state = DV_NAGIOS_CRITICAL;
    dv_nagios_summary(o,
                      "%s: no validation method can work (DNS: zone %s, "
                      "DNSSEC %s; e-mail: no deliverable domain)",
                      n.ascii, dr.zone[0] ? dr.zone : "not found",
                      dv_dns_record_dnssec_word(&dr));
  }
  if (cfg->probe && email_ok && methods)
    probe_domain(cfg, o, loop, &er.cands[er.chosen], dns_ok, &all);
  if (w->set || c->set)
    o->state =
        dv_nagios_state_worst(o->state, dv_nagios_state_of(methods, w, c));
  dv_nagios_perf_add(o, "methods", methods, NULL, w, c, 1, 0, 1, 2);
  dv_nagios_perf_add(o, "time", (dv_loop_now_ms() - t0) / 1000.0, "s", NULL,
                     NULL, 1, 0, 0, 0);
  long_findings(o, &all);
out:
  dv_findings_free(&all);
  if (have_er)
    dv_email_result_free(&er);
  if (started) /* first: cancelled lookups still report into dr */
    dv_dns_ctx_free(&dns);
  dv_dns_record_free(&dr);
  dv_loop_free(loop);
  dv_ca_choice_free(&ca);
}

/* ---- --arn ------------------------------------------------------------ */

/* The Nagios state of a catalogue code: WARNING findings are WARNING,
 * ERROR and FATAL ones CRITICAL. */
static dv_nagios_state arn_state_of(dv_code code)
{
  dv_severity sev = dv_catalogue_get(code)->severity;
  return sev >= DV_SEV_ERROR     ? DV_NAGIOS_CRITICAL
         : sev == DV_SEV_WARNING ? DV_NAGIOS_WARNING
                                 : DV_NAGIOS_OK;
}

/* The catalogue code PREFIX VALUE ("ACM_STATUS_" "ISSUED"), or fallback. */
static dv_code arn_code(const char *prefix, const char *value, dv_code fallback)
{
  char id[96];
  const dv_catalogue_entry *e;
  if (!value || !*value)
    return fallback;
  snprintf(id, sizeof(id), "%s%s", prefix, value);
  e = dv_catalogue_find(id);
  return e ? e->code : fallback;
}

/* Summary parts are separated by ", ": Nagios turns ';' in plugin output
 * into ':'. How the summary words the expiry verdict (acm_expiry.h) of a
 * certificate within ACM's 45-day window; the state it raises at most to
 * WARNING (the days ranges decide CRITICAL). */
static const struct {
  dv_code code;
  const char *words;
} arn_verdict_words[] = {
    {DV_F_EXPIRY_IMPORTED, "imported: ACM never renews it (import a new "
                           "certificate)"},
    {DV_F_EXPIRY_NOT_IN_USE, "not in use: ACM will not renew it"},
    {DV_F_EXPIRY_PRIVATE, "private CA: ACM renews it"},
    {DV_F_EXPIRY_EMAIL_RENEWAL, "e-mail validated: renewal needs someone "
                                "to approve a mail"},
    {DV_F_EXPIRY_DNS_RENEWAL, "ACM will renew it while the validation "
                              "CNAMEs stay in place"},
    {DV_F_EXPIRY_RENEWAL_PENDING, "ACM will renew it"},
};

static void arn_time(const json_t *o, const char *k, char *buf, size_t len)
{
  time_t t;
  buf[0] = '\0';
  if (dv_json_get_time(o, k, &t) == 0)
    dv_time_iso(t, DV_TIME_SECONDS, buf, len);
}

/* Names of a DomainValidationOptions array as long output; the number
 * still PENDING_VALIDATION. */
static int arn_names(dv_nagios_out *o, const json_t *dvos, const char *what)
{
  const json_t *it;
  size_t i;
  int pending = 0;
  json_array_foreach(dvos, i, it) {
    const json_t *rr = json_object_get(it, "ResourceRecord");
    const char *st = dv_json_get_str(it, "ValidationStatus");
    char extra[600] = "";
    if (strcmp(st, "PENDING_VALIDATION") == 0)
      pending++;
    if (json_is_object(rr))
      snprintf(extra, sizeof(extra), " (%s %s -> %s)",
               dv_json_get_str(rr, "Type"), dv_json_get_str(rr, "Name"),
               dv_json_get_str(rr, "Value"));
    else if (*dv_json_get_str(it, "ValidationDomain") &&
             strcmp(dv_json_get_str(it, "ValidationMethod"), "EMAIL") == 0)
      snprintf(extra, sizeof(extra), " (mail to ValidationDomain %s)",
               dv_json_get_str(it, "ValidationDomain"));
    dv_nagios_long(o, "%s %s: %s %s%s", what, dv_json_get_str(it, "DomainName"),
                   *dv_json_get_str(it, "ValidationMethod")
                       ? dv_json_get_str(it, "ValidationMethod")
                       : "-",
                   *st ? st : "-", extra);
  }
  return pending;
}

/* DescribeCertificate's detail as the plug-in's verdict. */
static void arn_describe(const dv_cfg *cfg, dv_nagios_out *o,
                         const dv_nagios_range *w, const dv_nagios_range *c,
                         const dv_acm_fetch *f)
{
  const json_t *d = f->detail;
  const json_t *rs = json_object_get(d, "RenewalSummary");
  const char *status = dv_json_get_str(d, "Status"),
             *type = dv_json_get_str(d, "Type");
  const char *fail = dv_json_get_str(d, "FailureReason");
  const char *rstatus =
      json_is_object(rs) ? dv_json_get_str(rs, "RenewalStatus") : "";
  const char *rreason =
      json_is_object(rs) ? dv_json_get_str(rs, "RenewalStatusReason") : "";
  char domain[300], na[40], more[700] = "", shown[300];
  size_t mn = 0;
  dv_expiry_verdict v;
  int has_days, pending, rpending = 0, names;
  dv_findings fl = {0};
  dv_finding *fd;
  dv_code sc = arn_code("ACM_STATUS_", status, DV_F__COUNT), code;
  dv_nagios_state st = DV_NAGIOS_OK;

#define MORE(...)                                                              \
  do {                                                                         \
    if (mn < sizeof(more))                                                     \
      mn += (size_t)snprintf(more + mn, sizeof(more) - mn, __VA_ARGS__);       \
  } while (0)

  dv_text_escape(dv_json_get_str(d, "DomainName"),
                 strlen(dv_json_get_str(d, "DomainName")), domain,
                 sizeof(domain));
  printable(f->arn.arn, shown, sizeof(shown));
  has_days = dv_expiry_classify(d, time(NULL), DV_EXPIRY_DEFAULT_DAYS, &v) == 0;
  arn_time(d, "NotAfter", na, sizeof(na));
  names = (int)json_array_size(json_object_get(d, "DomainValidationOptions"));

  dv_nagios_long(o, "ARN: %s", shown);
  dv_nagios_long(o,
                 "type %s, status %s, renewal eligibility %s, in use by "
                 "%zu resource(s)%s%s",
                 *type ? type : "-", status,
                 *dv_json_get_str(d, "RenewalEligibility")
                     ? dv_json_get_str(d, "RenewalEligibility")
                     : "-",
                 json_array_size(json_object_get(d, "InUseBy")),
                 na[0] ? ", not after " : "", na);
  if (*rstatus)
    dv_nagios_long(o, "renewal: %s%s%s", rstatus, *rreason ? ", " : "",
                   rreason);

  /* the certificate's status */
  if (sc == DV_F__COUNT) {
    o->state = DV_NAGIOS_UNKNOWN;
    dv_nagios_summary(o, "%s: unknown certificate status '%.40s'", domain,
                      status);
    return;
  }
  st = arn_state_of(sc);
  fd = dv_findings_add(&fl, sc, shown);
  dv_finding_ev(&fl, fd, "type", "%s", type);
  if (*fail) {
    code = arn_code("ACM_FAILURE_", fail, DV_F_ACM_FAILURE_OTHER);
    st = dv_nagios_state_worst(st, arn_state_of(code));
    fd = dv_findings_add(&fl, code, shown);
    dv_finding_ev(&fl, fd, "reason", "%s", fail);
  }
  if (strcmp(status, "ISSUED") == 0 || strcmp(status, "EXPIRED") == 0 ||
      strcmp(status, "INACTIVE") == 0) {
    if (!has_days)
      MORE("%s, no expiry date", status);
    else if (strcmp(status, "EXPIRED") == 0)
      MORE("EXPIRED %ld days ago (%s)", -v.days_left, na);
    else if (v.days_left >= 0)
      MORE("%s, expires in %ld days (%s)", status, v.days_left, na);
    else
      MORE("%s, expired %ld days ago (%s)", status, -v.days_left, na);
  } else {
    MORE("%s", status);
  }
  if (*fail)
    MORE(" (%s)", fail);
  if (*dv_json_get_str(d, "RevocationReason"))
    MORE(" (%s)", dv_json_get_str(d, "RevocationReason"));
  pending =
      strcmp(status, "PENDING_VALIDATION") == 0
          ? arn_names(o, json_object_get(d, "DomainValidationOptions"), "name")
          : 0;
  if (strcmp(status, "PENDING_VALIDATION") == 0)
    MORE(": %d of %d name(s) not validated yet", pending, names);

  /* the renewal */
  if (*rstatus) {
    code = arn_code("ACM_RENEWAL_", rstatus, DV_F__COUNT);
    if (code != DV_F__COUNT) {
      st = dv_nagios_state_worst(st, arn_state_of(code));
      fd = dv_findings_add(&fl, code, shown);
      if (*rreason)
        dv_finding_ev(&fl, fd, "reason", "%s", rreason);
    }
    if (strcmp(rstatus, "PENDING_VALIDATION") == 0)
      rpending = arn_names(o, json_object_get(rs, "DomainValidationOptions"),
                           "renewal name");
    if (strcmp(rstatus, "SUCCESS") != 0 &&
        strcmp(rstatus, "PENDING_AUTO_RENEWAL") != 0) {
      MORE(", renewal %s", rstatus);
      if (*rreason)
        MORE(" (%s)", rreason);
      if (strcmp(rstatus, "PENDING_VALIDATION") == 0)
        MORE(": %d name(s) not validated", rpending);
    }
  }

  /* expiring (ISSUED) within ACM's window: will ACM renew it? */
  if (has_days && v.expiring && strcmp(status, "ISSUED") == 0) {
    fd = dv_findings_add(&fl, v.code, shown);
    dv_finding_ev(&fl, fd, "days_left", "%ld", v.days_left);
    if (v.method)
      dv_finding_ev(&fl, fd, "validation", "%s", v.method);
    code = v.code;
    st = dv_nagios_state_worst(st, arn_state_of(code) == DV_NAGIOS_CRITICAL
                                       ? DV_NAGIOS_WARNING
                                       : arn_state_of(code));
    /* "ACM will renew it" is no news when the renewal is stuck */
    int stuck = strcmp(rstatus, "PENDING_VALIDATION") == 0 ||
                strcmp(rstatus, "FAILED") == 0;
    for (size_t i = 0;
         i < sizeof(arn_verdict_words) / sizeof(arn_verdict_words[0]); i++)
      if (arn_verdict_words[i].code == v.code &&
          !(stuck && arn_state_of(v.code) == DV_NAGIOS_OK))
        MORE(", %s", arn_verdict_words[i].words);
  }
  if (has_days &&
      (strcmp(status, "ISSUED") == 0 || strcmp(status, "EXPIRED") == 0 ||
       strcmp(status, "INACTIVE") == 0))
    st = dv_nagios_state_worst(st,
                               dv_nagios_state_of((double)v.days_left, w, c));
  if (strcmp(status, "EXPIRED") == 0 ||
      (has_days && v.days_left < 0 && strcmp(status, "ISSUED") == 0))
    st = DV_NAGIOS_CRITICAL;

  o->state = st;
  dv_nagios_summary(o, "%s (%s): %s", domain, *type ? type : "-", more);
  if (has_days)
    dv_nagios_perf_add(o, "days_left", (double)v.days_left, NULL, w, c, 0, 0, 0,
                       0);
  dv_nagios_perf_add(o, "pending_names", pending + rpending, NULL, NULL, NULL,
                     1, 0, 0, 0);
  dv_nagios_perf_add(o, "time", f->elapsed_ms / 1000.0, "s", NULL, NULL, 1, 0,
                     0, 0);
  long_findings(o, &fl);
  dv_findings_free(&fl);
  (void)cfg;
#undef MORE
}

/* --arn [--host]: DescribeCertificate (the certificate's states and
 * expiry), or with --host GetCertificate and the endpoint check with ACM's
 * certificate as the expected one. ACM errors are UNKNOWN: the plug-in
 * could not find out. */
static void check_arn(dv_cfg *cfg, dv_nagios_out *o, const dv_nagios_range *w,
                      const dv_nagios_range *c)
{
  dv_acm_fetch f;
  dv_acm_session_opts sopts;
  char why[600], shown[300], host[256];
  uint16_t port;
  int is_ip;

  memset(&f, 0, sizeof(f));
  o->state = DV_NAGIOS_UNKNOWN;
  if (dv_acm_arn_parse(cfg->check_arn, &f.arn, why, sizeof(why)) != DV_ARN_OK) {
    dv_nagios_summary(o, "--arn '%.120s': %s",
                      printable(cfg->check_arn, shown, sizeof(shown)), why);
    return;
  }
  if (cfg->check_host &&
      dv_endpoint_target_parse(cfg->check_host, host, sizeof(host), &port,
                               &is_ip, why, sizeof(why)) < 0) {
    dv_nagios_summary(o, "--host '%.120s': %s",
                      printable(cfg->check_host, shown, sizeof(shown)), why);
    return;
  }
  f.describe = !cfg->check_host;
  f.get = !!cfg->check_host;
  dv_tool_acm_opts(cfg, &sopts);
  if (dv_acm_fetch_run(&f, &sopts) != DV_ACM_SESSION_OK) {
    dv_nagios_summary(o, "%s", f.why);
    goto out;
  }
  if (f.describe_failed || f.get_failed) {
    const dv_acm_result_copy *r =
        f.describe_failed ? &f.describe_res : &f.get_res;
    dv_acm_fetch_error_str(
        r, f.describe_failed ? "DescribeCertificate" : "GetCertificate", why,
        sizeof(why));
    if (r->status == DV_ACM_API_ERROR &&
        strcmp(r->err.code, "RequestInProgressException") == 0)
      dv_nagios_summary(o,
                        "%s: ACM has no certificate to compare yet (not "
                        "issued); %s",
                        f.arn.arn, why);
    else
      dv_nagios_summary(o, "%s: %s", f.arn.arn, why);
    goto out;
  }
  if (f.describe) {
    arn_describe(cfg, o, w, c, &f);
  } else {
    dv_cert_info exp;
    double left = cfg->timeout_s - f.elapsed_ms / 1000.0;
    if (dv_cert_info_from_pem(f.pem, f.pemlen, &exp, why, sizeof(why)) < 0) {
      dv_nagios_summary(o, "%s: GetCertificate: unreadable certificate: %s",
                        f.arn.arn, why);
      goto out;
    }
    if (left < 0.05) {
      dv_nagios_summary(o,
                        "%s: no time left within -t %g s for the "
                        "endpoint after ACM answered",
                        cfg->check_host, cfg->timeout_s);
      goto out;
    }
    check_host(cfg, o, w, c, &exp, f.arn.arn, left);
  }
out:
  dv_acm_fetch_free(&f);
}

int dv_cmd_check(dv_cfg *cfg)
{
  dv_nagios_out o;
  dv_nagios_range w, c;
  char why[128], shown[100];
  int ntargets = !!cfg->check_host + !!cfg->check_domain, rc;

  memset(&w, 0, sizeof(w));
  memset(&c, 0, sizeof(c));
  if (cfg->json && cfg->format != DV_FORMAT_OPENMETRICS)
    return dv_check_unknown("--json does not apply to check mode (the output "
                            "is the plug-in status line)");
  if (cfg->nargs)
    return dv_check_unknown(
        "unexpected argument '%s' (give --host, --domain or --arn)",
        printable(cfg->args[0], shown, sizeof(shown)));
  if (ntargets == 0 && !cfg->check_arn)
    return dv_check_unknown("give --host HOST[:PORT], --domain NAME or --arn "
                            "ARN; see 'dvcheck check --help'");
  if (ntargets > 1 || (cfg->check_domain && cfg->check_arn))
    return dv_check_unknown("give one target: --host (optionally with "
                            "--arn), --domain or --arn");
  if (cfg->expect_pem && !cfg->check_host)
    return dv_check_unknown("--expect-pem needs --host");
  if (cfg->expect_pem && cfg->check_arn)
    return dv_check_unknown("give --expect-pem or --arn, not both (--arn "
                            "expects ACM's certificate)");
  if (cfg->warning &&
      dv_nagios_range_parse(cfg->warning, &w, why, sizeof(why)) < 0)
    return dv_check_unknown("-w '%s': %s",
                            printable(cfg->warning, shown, sizeof(shown)), why);
  if (cfg->critical &&
      dv_nagios_range_parse(cfg->critical, &c, why, sizeof(why)) < 0)
    return dv_check_unknown(
        "-c '%s': %s", printable(cfg->critical, shown, sizeof(shown)), why);
  dv_nagios_out_init(&o);
  if (cfg->check_arn || cfg->check_host) {
    /* days to expiry: warn below 30, critical below 14 -- less once the
     * maximum certificate lifetime in force is short (BR 6.3.2, SC-081;
     * 47 days from 2029-03-15: 15 and 7) */
    unsigned dw, dc;
    char def[16];
    dv_ca_default_thresholds(&dw, &dc, NULL);
    snprintf(def, sizeof(def), "%u:", dw);
    if (!cfg->warning)
      dv_nagios_range_parse(def, &w, why, sizeof(why));
    snprintf(def, sizeof(def), "%u:", dc);
    if (!cfg->critical)
      dv_nagios_range_parse(def, &c, why, sizeof(why));
    if (cfg->check_arn)
      check_arn(cfg, &o, &w, &c);
    else
      check_host(cfg, &o, &w, &c, NULL, NULL, cfg->timeout_s);
  } else {
    check_domain(cfg, &o, &w, &c);
  }
  if (cfg->format == DV_FORMAT_OPENMETRICS)
    rc = dv_metrics_check_print(stdout,
                                cfg->check_host     ? cfg->check_host
                                : cfg->check_domain ? cfg->check_domain
                                                    : cfg->check_arn,
                                &o, dv_report_elapsed_s(), time(NULL));
  else
    rc = dv_nagios_print(stdout, &o);
  dv_nagios_out_free(&o);
  return rc;
}
