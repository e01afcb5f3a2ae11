/* dvcheck -- `dvcheck check` / check_dv: the Nagios plug-in mode.
 *
 * Exactly one status line "DV STATE - summary | perfdata" on stdout, then
 * optional details, exit 0/1/2/3 (nagios.c). Every way out of here prints
 * exactly one status line: bad usage and internal errors are UNKNOWN.
 * Targets: --host (the endpoint's certificate), --domain (can validation
 * work now), --arn (needs the ACM client: UNKNOWN until it lands; the
 * plug-in point is check_arn() below).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_dns.h"
#include "check_email.h"
#include "check_endpoint.h"
#include "loop.h"
#include "nagios.h"
#include "names.h"
#include "report.h"
#include "tool_operate.h"

int dv_check_unknown(const char *fmt, ...)
{
  dv_nagios_out o;
  va_list ap;
  char buf[512];
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  dv_nagios_out_init(&o);
  o.state = DV_NAGIOS_UNKNOWN;
  dv_nagios_summary(&o, "%s", buf);
  dv_nagios_print(stdout, &o);
  dv_nagios_out_free(&o);
  return DV_NAGIOS_UNKNOWN;
}

static const char *printable(const char *s, char *buf, size_t len)
{
  return dv_name_printable(s, strlen(s), buf, len);
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

static void check_host(const dv_cfg *cfg, dv_nagios_out *o,
                       const dv_nagios_range *w, const dv_nagios_range *c)
{
  dv_endpoint e;
  char why[512], problems[600] = "";
  size_t pn = 0;
  dv_nagios_state st;
  dv_ep_run_status rs;

#define PROBLEM(...)                                                           \
  do {                                                                         \
    if (pn < sizeof(problems))                                                 \
      pn += (size_t)snprintf(problems + pn, sizeof(problems) - pn, "; "       \
                             __VA_ARGS__);                                     \
  } while (0)

  rs = dv_endpoint_run(&e, cfg->check_host, cfg->expect_pem, cfg->resolvers,
                       cfg->timeout_s, 0, why, sizeof(why));
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
    dv_nagios_perf_add(o, "time", e.elapsed_ms / 1000.0, "s", NULL, NULL, 1,
                       0, 0, 0);
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
    PROBLEM("serves serial %s, not the expected %s", e.cert.serial,
            e.expected.serial);
  } else if (e.have_expected) {
    PROBLEM("the expected certificate");
  }
  o->state = st;
  if (e.cert.days_left >= 0)
    dv_nagios_summary(o, "%s: certificate expires in %.0f days (%s)%s",
                      e.target, e.cert.days_left, e.cert.not_after, problems);
  else
    dv_nagios_summary(o, "%s: certificate expired %.0f days ago (%s)%s",
                      e.target, -e.cert.days_left, e.cert.not_after,
                      problems);
  dv_nagios_perf_add(o, "days", e.cert.days_left, NULL, w, c, 0, 0, 0, 0);
  dv_nagios_perf_add(o, "time", e.elapsed_ms / 1000.0, "s", NULL, NULL, 1, 0,
                     0, 0);
  dv_nagios_long(o, "subject: %s", e.cert.subject);
  dv_nagios_long(o, "SANs: %s", e.cert.sans);
  dv_nagios_long(o, "issuer: %s", e.cert.issuer);
  dv_nagios_long(o, "serial: %s", e.cert.serial);
  dv_nagios_long(o, "SHA-256: %s", e.cert.fingerprint);
  dv_nagios_long(o, "valid: %s to %s", e.cert.not_before, e.cert.not_after);
  long_findings(o, &e.findings);
out:
  dv_endpoint_free(&e);
#undef PROBLEM
}

/* ---- --domain ----------------------------------------------------------- */

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

  memset(&dns, 0, sizeof(dns));
  memset(&dr, 0, sizeof(dr));
  printable(cfg->check_domain, shown, sizeof(shown));
  ns = dv_name_parse(cfg->check_domain, strlen(cfg->check_domain), &n, detail,
                     sizeof(detail));
  if (ns != DV_NAME_OK) {
    dv_nagios_summary(o, "--domain '%.80s': %s%s%s", shown,
                      dv_name_status_str(ns), detail[0] ? ": " : "", detail);
    return;
  }
  if (dv_email_result_init(&er, shown, &n) < 0) {
    dv_nagios_summary(o, "out of memory");
    return;
  }
  have_er = 1;
  dv_dns_record_init(&dr, n.ascii, n.wildcard ? n.ascii + 2 : n.ascii, "");
  dr.preflight = 1;
  loop = dv_loop_new();
  if (!loop) {
    dv_nagios_summary(o, "out of memory");
    goto out;
  }
  dv_loop_deadline_set(loop, (int64_t)(cfg->timeout_s * 1000));
  started = 1;
  if (dv_dns_ctx_init(&dns, loop, cfg->resolvers[0] ? cfg->resolvers : NULL) !=
      DV_DNS_CTX_OK) {
    dv_nagios_summary(o, "cannot set up the DNS resolver");
    goto out;
  }
  ectx.res = dns.rec;
  dv_email_start(&ectx, &er);
  dv_dns_record_start(&dns, &dr);
  ls = dv_loop_run(loop);
  if ((ls != DV_LOOP_OK && ls != DV_LOOP_DEADLINE) || ectx.nomem ||
      dns.nomem) {
    dv_nagios_summary(o, "%s", ls == DV_LOOP_OK || ls == DV_LOOP_DEADLINE
                                   ? "out of memory"
                                   : dv_loop_status_str(ls));
    goto out;
  }
  deadline = ls == DV_LOOP_DEADLINE;
  dv_email_finish(&er);
  dv_dns_record_finish(&dr);
  if (deadline || er.incomplete || dr.incomplete) {
    dv_nagios_summary(o, "%s: no verdict within -t %g s (DNS lookups did not "
                         "finish)",
                      n.ascii, cfg->timeout_s);
    goto out;
  }
  dns_ok = dv_dns_record_zone_ok(&dr) && strlen(dr.rname) + 34 <= 253;
  email_ok = er.chosen >= 0;
  methods = dns_ok + email_ok;
  dv_findings_append(&all, &dr.findings);
  if (!dns_ok) /* as preflight: e-mail matters only when DNS cannot work */
    dv_findings_append(&all, &er.findings);
  if (!dns_ok && !dv_dns_record_caa_ok(&dr)) {
    /* CAA blocks issuance whatever the validation method */
    o->state = DV_NAGIOS_CRITICAL;
    if (dr.caa.verdict == DV_CAA_FORBIDS)
      dv_nagios_summary(o, "%s: CAA forbids Amazon: no certificate can be "
                           "issued",
                        n.ascii);
    else
      dv_nagios_summary(o, "%s: the CAA lookup failed (DNS: zone %s, DNSSEC "
                           "%s): no certificate can be issued",
                        n.ascii, dr.zone[0] ? dr.zone : "not found",
                        dv_dns_record_dnssec_word(&dr));
    methods = 0;
  } else if (dns_ok) {
    o->state = DV_NAGIOS_OK;
    if (email_ok)
      dv_nagios_summary(o, "%s: DNS validation can work (zone %s); e-mail "
                           "too (ValidationDomain %s)",
                        n.ascii, dr.zone, er.cands[er.chosen].domain);
    else
      dv_nagios_summary(o, "%s: DNS validation can work (zone %s); e-mail "
                           "cannot",
                        n.ascii, dr.zone);
  } else if (email_ok) {
    o->state = DV_NAGIOS_WARNING;
    dv_nagios_summary(o, "%s: only e-mail validation can work "
                         "(ValidationDomain %s); DNS cannot (zone %s)",
                      n.ascii, er.cands[er.chosen].domain,
                      dr.zone[0] ? dr.zone : "not found");
  } else {
    o->state = DV_NAGIOS_CRITICAL;
    dv_nagios_summary(o, "%s: no validation method can work (DNS: zone %s, "
                         "DNSSEC %s; e-mail: no deliverable domain)",
                      n.ascii, dr.zone[0] ? dr.zone : "not found",
                      dv_dns_record_dnssec_word(&dr));
  }
  if (w->set || c->set)
    o->state = dv_nagios_state_worst(
        o->state, dv_nagios_state_of(methods, w, c));
  dv_nagios_perf_add(o, "methods", methods, NULL, w, c, 1, 0, 1, 2);
  dv_nagios_perf_add(o, "time", (dv_loop_now_ms() - t0) / 1000.0, "s", NULL,
                     NULL, 1, 0, 0, 0);
  long_findings(o, &all);
out:
  dv_findings_free(&all);
  if (have_er)
    dv_email_result_free(&er);
  dv_dns_record_free(&dr);
  if (started)
    dv_dns_ctx_free(&dns);
  dv_loop_free(loop);
}

/* ---- --arn ------------------------------------------------------------ */

/* The plug-in point for the ACM client: describe the certificate (status,
 * renewal status, days to expiry; perfdata 'days'), and with --host fetch
 * GetCertificate's PEM, read it with dv_cert_info_from_pem() and hand it to
 * the endpoint check with dv_endpoint_expect(). Until the client lands: */
static void check_arn(const dv_cfg *cfg, dv_nagios_out *o)
{
  (void)cfg;
  o->state = DV_NAGIOS_UNKNOWN;
  dv_nagios_summary(o, "--arn: not available yet (the ACM API client is "
                       "not built into this dvcheck)");
}

int dv_cmd_check(dv_cfg *cfg)
{
  dv_nagios_out o;
  dv_nagios_range w, c;
  char why[128], shown[100];
  int ntargets = !!cfg->check_host + !!cfg->check_domain, rc;

  memset(&w, 0, sizeof(w));
  memset(&c, 0, sizeof(c));
  if (cfg->json)
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
  if (cfg->warning &&
      dv_nagios_range_parse(cfg->warning, &w, why, sizeof(why)) < 0)
    return dv_check_unknown("-w '%s': %s",
                            printable(cfg->warning, shown, sizeof(shown)),
                            why);
  if (cfg->critical &&
      dv_nagios_range_parse(cfg->critical, &c, why, sizeof(why)) < 0)
    return dv_check_unknown("-c '%s': %s",
                            printable(cfg->critical, shown, sizeof(shown)),
                            why);
  dv_nagios_out_init(&o);
  if (cfg->check_arn) {
    check_arn(cfg, &o);
  } else if (cfg->check_host) {
    if (!cfg->warning)
      dv_nagios_range_parse("30:", &w, why, sizeof(why));
    if (!cfg->critical)
      dv_nagios_range_parse("14:", &c, why, sizeof(why));
    check_host(cfg, &o, &w, &c);
  } else {
    check_domain(cfg, &o, &w, &c);
  }
  rc = dv_nagios_print(stdout, &o);
  dv_nagios_out_free(&o);
  return rc;
}
