/* dvcheck -- `dvcheck whois --input FILE`: analyse a WHOIS or RDAP reply
 * saved elsewhere (a customer pasted it into a ticket). No network. The
 * parsing lives in whois/; this file reads the input, finds the data files
 * and renders the result. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "names.h"
#include "report.h"
#include "tool_input.h"
#include "tool_operate.h"
#include "whois_parse.h"

#define DV_WHOIS_INPUT_MAX (16u << 20)

/* DVCHECK_DATADIR, else the installed data, else the source tree. */
int dv_data_path(const char *file, char *out, size_t outlen)
{
  const char *env = getenv("DVCHECK_DATADIR");
  const char *dirs[3] = {env, DV_PKGDATADIR, DV_SRCDATADIR};
  struct stat sb;
  for (int i = 0; i < 3; i++) {
    if (!dirs[i] || !*dirs[i])
      continue;
    snprintf(out, outlen, "%s/%s", dirs[i], file);
    if (stat(out, &sb) == 0)
      return 0;
    if (i == 0)
      return -1; /* an explicit DVCHECK_DATADIR must hold the file */
  }
  return -1;
}

static json_t *contact_json(const dv_contact *c)
{
  return json_pack("{s:s, s:o, s:o}", "status", dv_contact_status_str(c->status),
                   "email", c->email[0] ? dv_json_str(c->email) : json_null(),
                   "raw", c->raw[0] ? dv_json_str(c->raw) : json_null());
}

static void add_findings(dv_findings *fl, const dv_whois_info *w,
                         const char *subject)
{
  const dv_contact *roles[3] = {&w->registrant, &w->admin, &w->tech};
  static const char *const names[3] = {"registrant", "admin", "tech"};
  dv_finding *f;
  int emails = 0;

  if (w->throttled) {
    f = dv_findings_add(fl, DV_F_WHOIS_THROTTLED, subject);
    dv_finding_ev(fl, f, "source", "%s", w->source);
  }
  if (w->captcha)
    dv_findings_add(fl, DV_F_WHOIS_CAPTCHA, subject);
  if (w->web_only[0]) {
    f = dv_findings_add(fl, DV_F_WHOIS_WEB_ONLY, subject);
    dv_finding_ev(fl, f, "url", "%s", w->web_only);
  }
  if (w->not_found && !w->throttled)
    dv_findings_add(fl, DV_F_WHOIS_NOT_FOUND, subject);
  if (w->throttled || w->not_found)
    return;
  for (int i = 0; i < 3; i++) {
    if (roles[i]->status == DV_CONTACT_EMAIL ||
        roles[i]->status == DV_CONTACT_PROXY) {
      emails++;
      f = dv_findings_add(fl, roles[i]->status == DV_CONTACT_PROXY
                                  ? DV_F_WHOIS_CONTACT_PROXY
                                  : DV_F_WHOIS_CONTACT_EMAIL,
                          subject);
      dv_finding_ev(fl, f, "role", "%s", names[i]);
      dv_finding_ev(fl, f, "email", "%s", roles[i]->email);
    }
  }
  if (!emails) {
    f = dv_findings_add(fl, DV_F_WHOIS_NO_CONTACT_EMAIL, subject);
    for (int i = 0; i < 3; i++)
      dv_finding_ev(fl, f, names[i], "%s",
                    dv_contact_status_str(roles[i]->status));
  }
}

int dv_cmd_whois(dv_cfg *cfg)
{
  char path[4096], err[512], shown[300];
  dv_whois_patterns *pat = NULL;
  dv_whois_info w;
  dv_whois_status st;
  dv_findings fl = {0};
  char *buf = NULL;
  size_t len = 0;
  int rc = DV_EXIT_UNKNOWN, any;
  dv_severity worst;
  const char *subject = cfg->whois_domain ? cfg->whois_domain : "input";

  if (!cfg->whois_input) {
    dv_error("whois: live WHOIS/RDAP lookups are not built yet; analyse a "
             "saved reply with --input FILE (see 'dvcheck whois --help')");
    goto out;
  }
  if (cfg->nargs) {
    dv_error("whois --input takes no NAME (use --domain NAME)");
    goto out;
  }
  if (dv_data_path("patterns.conf", path, sizeof(path)) < 0) {
    dv_error("cannot find patterns.conf (set DVCHECK_DATADIR)");
    goto out;
  }
  st = dv_whois_patterns_load(path, &pat, err, sizeof(err));
  if (st != DV_WHOIS_OK) {
    dv_error("%s", err);
    goto out;
  }
  switch (dv_input_slurp(cfg->whois_input, DV_WHOIS_INPUT_MAX, &buf, &len,
                         err, sizeof(err))) {
  case DV_INPUT_OK: break;
  case DV_INPUT_OPEN: break; /* err holds strerror() */
  case DV_INPUT_TOO_BIG: snprintf(err, sizeof(err), "larger than 16 MiB"); break;
  default: snprintf(err, sizeof(err), "out of memory"); break;
  }
  if (!buf) {
    dv_error("%s: %s",
             dv_name_printable(cfg->whois_input, strlen(cfg->whois_input),
                               shown, sizeof(shown)),
             err);
    goto out;
  }
  if (dv_whois_detect_format(buf, len) == DV_FORMAT_UNKNOWN) {
    dv_error("%s: neither WHOIS text nor RDAP JSON (empty or binary)",
             dv_name_printable(cfg->whois_input, strlen(cfg->whois_input),
                               shown, sizeof(shown)));
    goto out;
  }
  st = dv_whois_parse_any(pat, buf, len, cfg->whois_server, &w);
  if (st != DV_WHOIS_OK) {
    dv_error("%s: %s",
             dv_name_printable(cfg->whois_input, strlen(cfg->whois_input),
                               shown, sizeof(shown)),
             dv_whois_status_str(st));
    goto out;
  }
  add_findings(&fl, &w, subject);
  if (fl.nomem) {
    dv_error("out of memory");
    goto out;
  }
  worst = dv_findings_max(&fl, &any);
  rc = dv_report_exit_code(any, worst, 0);
  if (cfg->json) {
    json_t *servers = json_array(), *res;
    if (servers && cfg->whois_server)
      json_array_append_new(servers, dv_json_str(cfg->whois_server));
    res = json_pack(
        "{s:o, s:s, s:{s:o, s:o, s:o}, s:b, s:b, s:o, s:b, s:b, s:o, s:o, "
        "s:o}",
        "domain", cfg->whois_domain ? dv_json_str(cfg->whois_domain)
                                    : json_null(),
        "source", w.source, "contacts", "registrant",
        contact_json(&w.registrant), "admin", contact_json(&w.admin), "tech",
        contact_json(&w.tech), "throttled", w.throttled, "captcha", w.captcha,
        "web_only", w.web_only[0] ? dv_json_str(w.web_only) : json_null(),
        "not_found", w.not_found, "truncated", w.truncated, "servers",
        servers ? servers : json_array(), "referral",
        w.referral[0] ? dv_json_str(w.referral) : json_null(), "findings",
        dv_report_findings_json(&fl));
    if (res)
      json_object_set_new(res, "verdict",
                          json_string(dv_report_status_word(rc)));
    rc = dv_report_json_emit("whois", rc, 0,
                             res ? json_pack("[o]", res) : NULL);
  } else {
    const dv_contact *roles[3] = {&w.registrant, &w.admin, &w.tech};
    static const char *const names[3] = {"registrant", "admin", "tech"};
    fputs("== ", stdout);
    dv_report_safe(stdout, subject);
    printf(" (%s reply)  ", w.source);
    dv_report_verdict(stdout, cfg, any, worst);
    fputc('\n', stdout);
    for (int i = 0; i < 3; i++) {
      printf("  %-11s %-9s ", names[i],
             dv_contact_status_str(roles[i]->status));
      dv_report_safe(stdout, roles[i]->email[0] ? roles[i]->email
                                                : roles[i]->raw);
      fputc('\n', stdout);
    }
    if (w.referral[0]) {
      fputs("  referral    ", stdout);
      dv_report_safe(stdout, w.referral);
      fputc('\n', stdout);
    }
    fputs("  (ACM stopped mailing WHOIS contacts in 2024; they matter only "
          "for older certificates)\n\n",
          stdout);
    dv_report_findings_text(stdout, cfg, &fl);
  }
out:
  dv_findings_free(&fl);
  free(buf);
  dv_whois_patterns_free(pat);
  return rc;
}
