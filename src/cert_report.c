/* dvcheck -- the text and JSON report of one certificate diagnosis (see
 * cert_report.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "src/cert_report.h"
#include "src/report.h"
#include "src/tool_probe.h"

static void put(FILE *out, const char *s)
{
  dv_text_fput(out, s, strlen(s));
}

/* ---- the world's side of one name -----------------------------------------
 */

static void email_render(FILE *out, const dv_cert_dvo *d)
{
  const dv_email_result *r = &d->email;
  if (!d->email_on || !r->ncands) {
    fputs("      world: not checked\n", out);
    return;
  }
  fputs("      world: ", out);
  put(out, r->cands[0].domain);
  if (r->incomplete)
    fputs(" -- mail routing unknown (checks did not complete)\n", out);
  else if (r->cands[0].deliverable)
    fputs(" receives mail (working MX)\n", out);
  else {
    fprintf(out, " cannot receive mail (%s)",
            dv_catalogue_get(r->cands[0].reason)->id);
    if (r->chosen > 0) {
      fputs("; a superdomain can: ", out);
      put(out, r->cands[r->chosen].domain);
    }
    fputc('\n', out);
  }
  if (d->probe)
    dv_tool_probe_text(out, d->probe, 6);
}

static void email_json(json_t *w, const dv_cert_dvo *d)
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

static void dns_render(FILE *out, const dv_cert_dvo *d)
{
  const dv_dns_record *r = &d->dns;
  if (!d->dns_on) {
    fputs("      world: not checked (no CNAME record from ACM)\n", out);
    return;
  }
  fputs("      world: zone ", out);
  put(out, r->zone[0] ? r->zone : "(not found)");
  fputs(", servers:", out);
  for (size_t i = 0; i < r->nauth; i++) {
    fputc(' ', out);
    put(out, r->auth[i].ns);
    fputc('=', out);
    fputs(dv_auth_state_word(&r->auth[i], r), out);
  }
  fputs("; resolver: ", out);
  fputs(dv_dns_status_str(r->rec_st), out);
  if (r->rec_cname[0]) {
    fputs(" -> ", out);
    put(out, r->rec_cname);
  }
  fprintf(out, "; CAA %s\n", dv_caa_verdict_word(r->caa.verdict));
}

static void dns_json(json_t *w, const dv_cert_dvo *d)
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

/* "world:" line(s) of d; w is the name whose check ran (d or its twin). */
static void world_text(FILE *out, const dv_cert_dvo *d, const dv_cert_dvo *w)
{
  switch (d->check) {
  case DV_CERT_CHECK_EMAIL:
    email_render(out, w);
    break;
  case DV_CERT_CHECK_DNS:
    dns_render(out, w);
    break;
  case DV_CERT_CHECK_HTTP:
    fputs("      world: not checked (HTTP validation through CloudFront)\n",
          out);
    break;
  case DV_CERT_CHECK_NONE:
    fputs("      world: not checked (no domain validation for this "
          "certificate type or method)\n",
          out);
    break;
  }
}

static void world_json(json_t *world, const dv_cert_dvo *d,
                       const dv_cert_dvo *w)
{
  if (d->check == DV_CERT_CHECK_EMAIL)
    email_json(world, w);
  else if (d->check == DV_CERT_CHECK_DNS)
    dns_json(world, w);
}

/* ---- one name ---------------------------------------------------------------
 */

static void dvo_text(FILE *out, const dv_cert_dvo *d)
{
  fputs("  ", out);
  put(out, d->domain);
  fprintf(out, "  [%s] %s  ACM: %s\n", d->renewal ? "renewal" : "issuance",
          d->method[0] ? d->method : "?", d->status[0] ? d->status : "-");
  if (strcmp(d->method, "EMAIL") == 0) {
    fputs("      ACM mailed (ValidationDomain ", out);
    put(out, d->vdomain[0] ? d->vdomain : "-");
    fputs("): ", out);
    for (size_t i = 0; i < d->nemails; i++) {
      fputs(i ? ", " : "", out);
      put(out, d->emails[i]);
    }
    fputs(d->nemails ? "\n" : "nobody listed\n", out);
  } else if (d->has_rr) {
    fputs("      ACM expects: ", out);
    put(out, d->rr_name);
    fputc(' ', out);
    put(out, d->rr_type);
    fputc(' ', out);
    put(out, d->rr_value);
    fputc('\n', out);
  }
  world_text(out, d, d->same_as ? d->same_as : d);
  fprintf(out, "      wrong side: %s\n",
          d->side == DV_CERT_SIDE_WORLD  ? "the world (fix DNS / mail)"
          : d->side == DV_CERT_SIDE_ACM  ? "ACM (the world is ready)"
          : d->side == DV_CERT_SIDE_NONE ? "neither"
                                         : "unknown");
}

static json_t *dvo_json(const dv_cert_dvo *d)
{
  json_t *emails = json_array(), *world, *o;
  for (size_t i = 0; emails && i < d->nemails; i++)
    dv_json_push(&emails, dv_json_str(d->emails[i]));
  world = json_pack("{s:s}", "state", dv_cert_world_str(d->world));
  if (world)
    world_json(world, d, d->same_as ? d->same_as : d);
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
      "world", world ? world : json_object(), "wrong_side",
      dv_cert_side_str(d->side));
  return o;
}

/* ---- the certificate --------------------------------------------------------
 */

void dv_cert_report_targets(FILE *out, const dv_resend *rs)
{
  for (size_t i = 0; i < rs->ntargets; i++) {
    const dv_resend_target *t = &rs->targets[i];
    fputs("  resend for ", out);
    put(out, t->domain);
    fprintf(out, " (%s), ValidationDomain ",
            t->renewal ? "renewal" : "issuance");
    put(out, t->vdomain);
    fputs(" -- mail goes to:\n", out);
    for (size_t k = 0; k < t->naddrs; k++) {
      fputs("      ", out);
      put(out, t->addrs[k]);
      fputc('\n', out);
    }
    if (t->vd_deliverable == 0)
      fputs("      (warning: the world shows this domain cannot receive "
            "mail)\n",
            out);
  }
}

/* An ACM time member as ISO 8601, or JSON null. */
static json_t *time_json(const json_t *o, const char *k)
{
  char tb[32];
  time_t t;
  return dv_json_get_time(o, k, &t) == 0
             ? json_string(dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb)))
             : json_null();
}

/* An ACM string member, or JSON null when empty. */
static json_t *str_or_null(const json_t *o, const char *k)
{
  const char *s = dv_json_get_str(o, k);
  return s[0] ? dv_json_str(s) : json_null();
}

json_t *dv_cert_report_json(const dv_cert_diag *d, const dv_resend *rs,
                            const dv_findings *all, int rc)
{
  json_t *c = d->cert, *rsum = json_object_get(c, "RenewalSummary");
  json_t *vals = json_array(), *o, *ren = json_null();
  for (size_t i = 0; vals && i < d->ndvos; i++)
    dv_json_push(&vals, dvo_json(&d->dvos[i]));
  if (json_is_object(rsum))
    ren = json_pack("{s:o, s:o, s:o}", "status",
                    dv_json_str(dv_json_get_str(rsum, "RenewalStatus")),
                    "reason", str_or_null(rsum, "RenewalStatusReason"),
                    "updated_at", time_json(rsum, "UpdatedAt"));
  o = json_pack("{s:s, s:s, s:s}", "arn", d->arn.arn, "region", d->arn.region,
                "verdict", dv_report_status_word(rc));
  if (!o) {
    json_decref(ren);
    json_decref(vals);
    return NULL;
  }
  if (c) {
    json_object_set_new(o, "domain_name",
                        dv_json_str(dv_json_get_str(c, "DomainName")));
    json_object_set_new(o, "status", dv_json_str(dv_json_get_str(c, "Status")));
    json_object_set_new(o, "type", dv_json_str(dv_json_get_str(c, "Type")));
    json_object_set_new(o, "key_algorithm",
                        dv_json_str(dv_json_get_str(c, "KeyAlgorithm")));
    json_object_set_new(o, "failure_reason", str_or_null(c, "FailureReason"));
    json_object_set_new(o, "created_at", time_json(c, "CreatedAt"));
    json_object_set_new(o, "not_after", time_json(c, "NotAfter"));
    json_object_set_new(o, "renewal", ren ? ren : json_null());
    json_object_set_new(o, "validations", vals ? vals : json_array());
  } else {
    json_decref(ren);
    json_decref(vals);
  }
  if (rs && rs->state != DV_RESEND_NONE) {
    static const char *const states[] = {"none", "refused", "dry_run",
                                         "attempted", "declined"};
    json_t *tg = json_array();
    for (size_t i = 0; tg && i < rs->ntargets; i++) {
      const dv_resend_target *t = &rs->targets[i];
      json_t *addrs = json_array();
      for (size_t k = 0; addrs && k < t->naddrs; k++)
        dv_json_push(&addrs, dv_json_str(t->addrs[k]));
      dv_json_push(&tg, json_pack("{s:o, s:o, s:o}", "domain",
                                  dv_json_str(t->domain), "validation_domain",
                                  dv_json_str(t->vdomain), "recipients",
                                  addrs ? addrs : json_array()));
    }
    json_object_set_new(o, "resend",
                        json_pack("{s:s, s:o}", "state", states[rs->state],
                                  "targets", tg ? tg : json_array()));
  }
  json_object_set_new(o, "findings", dv_findings_json(all));
  return o;
}

void dv_cert_report_text(FILE *out, const dv_cfg *cfg, const dv_cert_diag *d,
                         const dv_resend *rs, const dv_findings *all, int rc)
{
  json_t *c = d->cert, *rsum = json_object_get(c, "RenewalSummary");
  int any;
  dv_severity worst = dv_findings_max(all, &any);
  char tb[32];
  time_t t;

  fputs("== ", out);
  put(out, d->arn.arn);
  fputs("  ", out);
  if (rc == DV_EXIT_UNKNOWN)
    fputs("UNKNOWN (could not complete)", out);
  else
    dv_report_verdict(out, cfg, any, worst);
  fputc('\n', out);
  if (c) {
    fputs("  certificate: ", out);
    put(out, dv_json_get_str(c, "DomainName"));
    fputs("  ", out);
    put(out, dv_json_get_str(c, "Type"));
    fputs("  ", out);
    put(out, dv_json_get_str(c, "KeyAlgorithm"));
    fputs("\n  ACM status:  ", out);
    put(out, dv_json_get_str(c, "Status"));
    if (dv_json_get_str(c, "FailureReason")[0]) {
      fputs(" (", out);
      put(out, dv_json_get_str(c, "FailureReason"));
      fputc(')', out);
    }
    if (dv_json_get_time(c, "CreatedAt", &t) == 0)
      fprintf(out, ", requested %s",
              dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb)));
    if (dv_json_get_time(c, "NotAfter", &t) == 0)
      fprintf(out, ", valid until %s",
              dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb)));
    fputs("\n  renewal:     ", out);
    if (json_is_object(rsum)) {
      put(out, dv_json_get_str(rsum, "RenewalStatus"));
      if (dv_json_get_str(rsum, "RenewalStatusReason")[0]) {
        fputs(" (", out);
        put(out, dv_json_get_str(rsum, "RenewalStatusReason"));
        fputc(')', out);
      }
      if (dv_json_get_time(rsum, "UpdatedAt", &t) == 0)
        fprintf(out, ", updated %s",
                dv_time_iso(t, DV_TIME_SECONDS, tb, sizeof(tb)));
      fputc('\n', out);
    } else {
      fputs("-\n", out);
    }
    fputs("\n  ACM's view vs the world's, name by name:\n", out);
    for (size_t i = 0; i < d->ndvos; i++)
      dvo_text(out, &d->dvos[i]);
  }
  if (rs &&
      (rs->state == DV_RESEND_DRY_RUN || rs->state == DV_RESEND_ATTEMPTED)) {
    fputc('\n', out);
    dv_cert_report_targets(out, rs);
  } else if (rs && rs->state == DV_RESEND_DECLINED) {
    fputs("\n  resend: not confirmed, nothing sent\n", out);
  }
  fputc('\n', out);
  dv_report_findings_text(out, cfg, all);
  fputc('\n', out);
}
