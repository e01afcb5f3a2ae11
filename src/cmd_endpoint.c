/* dvcheck -- `dvcheck endpoint HOST[:PORT] [--expect-pem FILE]`: which
 * certificate a TLS endpoint serves, and what is wrong with it. The check
 * lives in check_endpoint.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check_endpoint.h"
#include "report.h"
#include "tool_operate.h"

static json_t *cert_json(const dv_cert_info *c)
{
  return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:f}", "subject",
                   dv_json_str(c->subject), "issuer", dv_json_str(c->issuer),
                   "sans", dv_json_str(c->sans), "serial",
                   dv_json_str(c->serial), "sha256",
                   dv_json_str(c->fingerprint), "not_before",
                   dv_json_str(c->not_before), "not_after",
                   dv_json_str(c->not_after), "days_left", c->days_left);
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
      e->tls_version[0] ? dv_json_str(e->tls_version) : json_null(),
      "cipher", e->cipher[0] ? dv_json_str(e->cipher) : json_null(),
      "chain_sent", e->chain_len, "trusted",
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
  json_object_set_new(o, "findings", dv_report_findings_json(&e->findings));
  return o;
}

static void line(const char *label, const char *value)
{
  printf("  %-10s", label);
  dv_report_safe(stdout, value);
  fputc('\n', stdout);
}

static void endpoint_text(const dv_cfg *cfg, const dv_endpoint *e)
{
  int any;
  dv_severity worst = dv_findings_max(&e->findings, &any);
  char buf[700];
  fputs("== ", stdout);
  dv_report_safe(stdout, e->target);
  if (e->addr[0] && !e->is_ip) {
    fputs(" (", stdout);
    dv_report_safe(stdout, e->addr);
    fputc(')', stdout);
  }
  fputs("  ", stdout);
  if (e->incomplete)
    fputs("UNKNOWN (checks did not complete)", stdout);
  else
    dv_report_verdict(stdout, cfg, any, worst);
  fputc('\n', stdout);
  if (e->have_cert) {
    snprintf(buf, sizeof(buf), "%s %s, %d certificate(s) sent",
             e->tls_version, e->cipher, e->chain_len);
    line("TLS:", buf);
    line("subject:", e->cert.subject);
    line("SANs:", e->cert.sans[0] ? e->cert.sans : "(none)");
    line("issuer:", e->cert.issuer);
    line("serial:", e->cert.serial);
    line("SHA-256:", e->cert.fingerprint);
    snprintf(buf, sizeof(buf), "%s to %s (%.1f days left)",
             e->cert.not_before, e->cert.not_after, e->cert.days_left);
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

int dv_cmd_endpoint(dv_cfg *cfg)
{
  dv_endpoint e;
  char why[512];
  int rc = DV_EXIT_UNKNOWN, any;
  dv_severity worst;
  dv_ep_run_status st;

  memset(&e, 0, sizeof(e));
  e.fd = -1;
  if (cfg->nargs != 1) {
    dv_error("endpoint: give one HOST[:PORT] (IPv6 as [ADDR]:PORT)");
    return DV_EXIT_UNKNOWN;
  }
  st = dv_endpoint_run(&e, cfg->args[0], cfg->expect_pem, cfg->resolvers,
                       cfg->timeout_s, DV_ENDPOINT_WARN_DAYS, why,
                       sizeof(why));
  if (st != DV_EP_RUN_OK) {
    dv_error("%s", why);
    goto out;
  }
  if (cfg->verbose)
    fprintf(stderr, "dvcheck: endpoint %s: %s in %lld ms\n", e.target,
            dv_ep_status_str(e.status), (long long)e.elapsed_ms);
  worst = dv_findings_max(&e.findings, &any);
  rc = dv_report_exit_code(any, worst, e.incomplete);
  if (cfg->json) {
    json_t *arr = json_array();
    dv_json_push(&arr, endpoint_json(&e, rc));
    rc = dv_report_json_emit("endpoint", rc, e.incomplete, arr);
  } else {
    endpoint_text(cfg, &e);
    printf("1 endpoint checked: exit %d (%s)\n", rc,
           dv_report_status_word(rc));
  }
out:
  dv_endpoint_free(&e);
  return rc;
}
