/* dvcheck -- `dvcheck endpoint HOST[:PORT] [--expect-pem FILE | --arn
 * ARN]`: which certificate a TLS endpoint serves, and what is wrong with
 * it; with --arn, whether it is ACM's certificate (GetCertificate). The
 * check lives in check_endpoint.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "check/acm_fetch.h"
#include "check/check_endpoint.h"
#include "base/names.h"
#include "src/report.h"
#include "src/tool_operate.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"

static json_t *cert_json(const dv_cert_info *c)
{
  return json_pack(
      "{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:f}", "subject",
      dv_json_str(c->subject), "issuer", dv_json_str(c->issuer), "sans",
      dv_json_str(c->sans), "serial", dv_json_str(c->serial), "sha256",
      dv_json_str(c->fingerprint), "not_before", dv_json_str(c->not_before),
      "not_after", dv_json_str(c->not_after), "days_left", c->days_left);
}

static json_t *endpoint_json(const dv_endpoint *e, int rc)
{
  json_t *o = json_pack(
      "{s:o, s:o, s:i, s:o, s:s, s:o, s:o, s:o, s:i, s:b, s:b, s:o, s:I, "
      "s:s}",
      "target", dv_json_str(e->target), "host", dv_json_str(e->host), "port",
      (int)e->port, "address", e->addr[0] ? dv_json_str(e->addr) : json_null(),
      "status", dv_ep_status_str(e->status), "error",
      e->error[0] ? dv_json_str(e->error) : json_null(), "tls_version",
      e->tls_version[0] ? dv_json_str(e->tls_version) : json_null(), "cipher",
      e->cipher[0] ? dv_json_str(e->cipher) : json_null(), "chain_sent",
      e->chain_len, "trusted",
      e->have_cert && !e->chain_err && !e->expired && !e->not_yet_valid,
      "name_ok", e->have_cert && !e->name_mismatch, "trust_store",
      dv_json_str(e->ca_source), "elapsed_ms", (json_int_t)e->elapsed_ms,
      "verdict", dv_report_status_word(rc));
  if (!o)
    return NULL;
  json_object_set_new(o, "certificate",
                      e->have_cert ? cert_json(&e->cert) : json_null());
  if (e->have_expected) {
    json_t *x = cert_json(&e->expected);
    if (x) {
      json_object_set_new(x, "source", dv_json_str(e->expected_source));
      json_object_set_new(
          x, "matches",
          json_boolean(e->have_cert &&
                       memcmp(e->cert.sha256, e->expected.sha256, 32) == 0));
    }
    json_object_set_new(o, "expected", x ? x : json_null());
  } else {
    json_object_set_new(o, "expected", json_null());
  }
  json_object_set_new(o, "findings", dv_findings_json(&e->findings));
  return o;
}

static void line(const char *label, const char *value)
{
  printf("  %-10s", label);
  dv_text_fput(stdout, value, strlen(value));
  fputc('\n', stdout);
}

static void endpoint_text(const dv_cfg *cfg, const dv_endpoint *e)
{
  int any;
  dv_severity worst = dv_findings_max(&e->findings, &any);
  char buf[700];
  fputs("== ", stdout);
  dv_text_fput(stdout, e->target, strlen(e->target));
  if (e->addr[0] && !e->is_ip) {
    fputs(" (", stdout);
    dv_text_fput(stdout, e->addr, strlen(e->addr));
    fputc(')', stdout);
  }
  fputs("  ", stdout);
  if (e->incomplete)
    fputs("UNKNOWN (checks did not complete)", stdout);
  else
    dv_report_verdict(stdout, cfg, any, worst);
  fputc('\n', stdout);
  if (e->have_cert) {
    snprintf(buf, sizeof(buf), "%s %s, %d certificate(s) sent", e->tls_version,
             e->cipher, e->chain_len);
    line("TLS:", buf);
    line("subject:", e->cert.subject);
    line("SANs:", e->cert.sans[0] ? e->cert.sans : "(none)");
    line("issuer:", e->cert.issuer);
    line("serial:", e->cert.serial);
    line("SHA-256:", e->cert.fingerprint);
    snprintf(buf, sizeof(buf), "%s to %s (%.1f days left)", e->cert.not_before,
             e->cert.not_after, e->cert.days_left);
    line("valid:", buf);
    snprintf(buf, sizeof(buf), "%s (%s)",
             e->chain_err || e->expired || e->not_yet_valid ? "NOT verified"
                                                            : "verified",
             e->ca_source);
    line("chain:", buf);
    if (e->have_expected) {
      snprintf(buf, sizeof(buf), "%s %s",
               memcmp(e->cert.sha256, e->expected.sha256, 32) == 0
                   ? "served, as expected by"
                   : "NOT served; expected by",
               e->expected_source);
      line("expected:", buf);
    }
  } else {
    snprintf(buf, sizeof(buf), "%s during %s%s%s", dv_ep_status_str(e->status),
             e->phase, e->error[0] ? ": " : "", e->error);
    line("result:", buf);
  }
  fputc('\n', stdout);
  dv_report_findings_text(stdout, cfg, &e->findings);
  fputc('\n', stdout);
}

/* --arn: ACM's certificate (GetCertificate) as the expected one. 0 when
 * the calls ran (*have set when there is a certificate to compare; a
 * failed call is in *fetch); -1 when the command must end, with the exit
 * status in *rc (the reason has been reported). */
static int endpoint_acm(dv_cfg *cfg, dv_acm_fetch *fetch, dv_cert_info *exp,
                        int *have, int *rc)
{
  char why[300], shown[300];
  dv_acm_session_opts o;
  *have = 0;
  *rc = DV_EXIT_UNKNOWN;
  if (dv_acm_arn_parse(cfg->check_arn, &fetch->arn, why, sizeof(why)) !=
      DV_ARN_OK) {
    dv_error("--arn '%s': %s",
             dv_text_escape(cfg->check_arn, strlen(cfg->check_arn), shown,
                            sizeof(shown)),
             why);
    return -1;
  }
  fetch->get = 1;
  dv_tool_acm_opts(cfg, &o);
  if (dv_acm_fetch_run(fetch, &o) != DV_ACM_SESSION_OK) {
    *rc = dv_tool_acm_fail(cfg, "endpoint", fetch->why);
    return -1;
  }
  if (fetch->loop_status != DV_LOOP_OK && !dv_loop_cut(fetch->loop_status))
    dv_error("event loop: %s", dv_loop_status_str(fetch->loop_status));
  if (fetch->get_failed)
    return 0;
  if (dv_cert_info_from_pem(fetch->pem, fetch->pemlen, exp, why, sizeof(why)) <
      0) {
    fetch->get_failed = 1;
    memset(&fetch->get_res, 0, sizeof(fetch->get_res));
    fetch->get_res.status = DV_ACM_BAD_RESPONSE;
    snprintf(fetch->get_res.detail, sizeof(fetch->get_res.detail),
             "unreadable certificate: %.200s", why);
    return 0;
  }
  *have = 1;
  return 0;
}

int dv_cmd_endpoint(dv_cfg *cfg)
{
  dv_endpoint e;
  dv_acm_fetch fetch;
  dv_cert_info exp;
  char why[512], host[256];
  uint16_t port;
  int rc = DV_EXIT_UNKNOWN, any, is_ip, have_exp = 0, incomplete;
  dv_severity worst;
  dv_ep_run_status st;
  double left = cfg->timeout_s;

  memset(&e, 0, sizeof(e));
  memset(&fetch, 0, sizeof(fetch));
  e.fd = -1;
  if (cfg->nargs != 1) {
    dv_error("endpoint: give one HOST[:PORT] (IPv6 as [ADDR]:PORT)");
    return DV_EXIT_UNKNOWN;
  }
  if (cfg->check_arn) {
    if (cfg->expect_pem) {
      dv_error("endpoint: give --expect-pem or --arn, not both");
      return DV_EXIT_UNKNOWN;
    }
    /* a bad target is a usage error before any ACM call */
    if (dv_endpoint_target_parse(cfg->args[0], host, sizeof(host), &port,
                                 &is_ip, why, sizeof(why)) < 0) {
      char shown[120];
      dv_error("endpoint '%s': %s",
               dv_text_escape(cfg->args[0], strlen(cfg->args[0]), shown,
                              sizeof(shown)),
               why);
      goto out;
    }
    if (endpoint_acm(cfg, &fetch, &exp, &have_exp, &rc) < 0)
      goto out;
    rc = DV_EXIT_UNKNOWN;
    left -= fetch.elapsed_ms / 1000.0;
    if (left < 0.05)
      left = 0.05; /* the endpoint check then reports the deadline */
  }
  if (cfg->check_arn)
    st = dv_endpoint_run_cert(&e, cfg->args[0], have_exp ? &exp : NULL,
                              fetch.arn.arn, cfg->resolvers, left,
                              DV_ENDPOINT_WARN_DAYS, why, sizeof(why));
  else
    st = dv_endpoint_run(&e, cfg->args[0], cfg->expect_pem, cfg->resolvers,
                         cfg->timeout_s, DV_ENDPOINT_WARN_DAYS, why,
                         sizeof(why));
  if (st != DV_EP_RUN_OK) {
    dv_error("%s", why);
    goto out;
  }
  incomplete = e.incomplete;
  if (fetch.get_failed) {
    /* no comparison: say why. A certificate not issued yet is a definite
     * answer (the endpoint cannot serve it); other failures leave the
     * question open */
    int in_progress =
        fetch.get_res.status == DV_ACM_API_ERROR &&
        strcmp(fetch.get_res.err.code, "RequestInProgressException") == 0;
    size_t n = e.findings.n;
    dv_acm_result_copy_finding(&e.findings, fetch.arn.arn, "GetCertificate",
                               &fetch.get_res);
    if (in_progress && e.findings.n > n)
      dv_finding_ev(&e.findings, &e.findings.v[n], "note", "%s",
                    "ACM has no issued certificate for this ARN yet: the "
                    "endpoint cannot be serving it");
    else
      incomplete = 1;
  }
  if (cfg->verbose)
    fprintf(stderr, "dvcheck: endpoint %s: %s in %lld ms\n", e.target,
            dv_ep_status_str(e.status), (long long)e.elapsed_ms);
  worst = dv_findings_max(&e.findings, &any);
  rc = dv_report_exit_code(any, worst, incomplete);
  if (cfg->json) {
    json_t *arr = json_array();
    dv_json_push(&arr, endpoint_json(&e, rc));
    rc = dv_report_json_emit("endpoint", rc, e.incomplete || fetch.deadline,
                             arr);
  } else {
    endpoint_text(cfg, &e);
    printf("1 endpoint checked: exit %d (%s)\n", rc, dv_report_status_word(rc));
  }
out:
  dv_endpoint_free(&e);
  dv_acm_fetch_free(&fetch);
  return rc;
}
