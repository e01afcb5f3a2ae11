/* dvcheck -- `dvcheck whois`: live WHOIS/RDAP contacts of each name's
 * registrable domain (check/check_whois.c on the loop), or, with --input
 * FILE, a reply saved elsewhere (a customer pasted it into a ticket; no
 * network). The parsing lives in whois/; this file reads the input and
 * renders the result. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/text.h"
#include "base/names.h"
#include "src/report.h"
#include "src/tool_input.h"
#include "src/tool_operate.h"
#include "base/datafile.h"
#include "src/report_whois.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"
#include "whois/whois_parse.h"
#include "check/check_whois.h"
#include "base/loop.h"
#include "dns/resolver.h"

#define DV_WHOIS_INPUT_MAX (16u << 20)

/* `dvcheck whois NAME...`: one live lookup per registrable domain. */
static int whois_live(dv_cfg *cfg)
{
  dv_whois_check *checks = NULL;
  size_t nchecks = 0;
  dv_loop *loop = NULL;
  dv_resolver *rs = NULL;
  dv_resolver_opts ro;
  dv_whois_ctx ctx;
  dv_whois_opts wopts;
  int rc = DV_EXIT_UNKNOWN, bad = 0, any_all = 0;
  int deadline_hit = 0, incomplete = 0;
  dv_severity worst_all = DV_SEV_INFO;
  dv_loop_status ls;
  char err[512];
  int64_t t0 = dv_loop_now_ms();

  memset(&ctx, 0, sizeof(ctx));
  if (cfg->whois_domain || cfg->whois_server) {
    dv_error("whois: --domain and --server go with --input FILE");
    return DV_EXIT_UNKNOWN;
  }
  if (!cfg->nargs) {
    dv_error("whois: give at least one NAME, or --input FILE (see 'dvcheck "
             "whois --help')");
    return DV_EXIT_UNKNOWN;
  }
  checks = calloc(cfg->nargs, sizeof(*checks));
  if (!checks) {
    dv_error("out of memory");
    return DV_EXIT_UNKNOWN;
  }
  for (size_t i = 0; i < cfg->nargs; i++) {
    char detail[256], shown[1100];
    dv_name n;
    dv_name_status st;
    size_t k;
    const char *a = cfg->args[i];
    dv_text_escape(a, strlen(a), shown, sizeof(shown));
    st = dv_name_parse(a, strlen(a), &n, detail, sizeof(detail));
    if (st == DV_NAME_NOMEM)
      goto nomem;
    if (st != DV_NAME_OK) {
      dv_error("argument %zu: \"%.80s%s\": %s%s%s", i + 1, shown,
               strlen(shown) > 80 ? "..." : "", dv_name_status_str(st),
               detail[0] ? ": " : "", detail);
      bad = 1;
      continue;
    }
    for (k = 0; k < nchecks; k++)
      if (strcmp(checks[k].domain, n.registrable) == 0)
        break;
    if (k == nchecks)
      dv_whois_check_init(&checks[nchecks++], n.registrable);
    if (dv_whois_check_add_name(&checks[k], shown) < 0)
      goto nomem;
  }
  if (bad)
    goto out;
  loop = dv_loop_new();
  if (!loop)
    goto nomem;
  dv_loop_deadline_set(loop, (int64_t)(cfg->timeout_s * 1000));
  dv_resolver_opts_init(&ro);
  ro.servers = cfg->resolvers[0] ? cfg->resolvers : NULL;
  dv_tool_resolver_opts(cfg, &ro); /* --max-inflight, -v counters */
  if (cfg->verbose >= 2)
    ro.trace = dv_report_dns_trace;
  if (dv_resolver_new(loop, &ro, &rs) != DV_RESOLVER_OK)
    rs = NULL; /* IP-literal servers still work */
  dv_tool_whois_opts(cfg, &wopts);
  if (dv_whois_ctx_init(&ctx, &wopts, loop, rs, err, sizeof(err)) < 0) {
    dv_error("%s", err);
    goto out;
  }
  for (size_t k = 0; k < nchecks; k++)
    dv_whois_check_start(&ctx, &checks[k]);
  ls = dv_loop_run(loop);
  if (dv_loop_cut(ls))
    deadline_hit = 1;
  else if (ls != DV_LOOP_OK) {
    dv_error("event loop: %s", dv_loop_status_str(ls));
    goto out;
  }
  if (ctx.nomem)
    goto nomem;
  for (size_t k = 0; k < nchecks; k++) {
    dv_whois_check_finish(&checks[k]);
    if (checks[k].findings.nomem)
      goto nomem;
    incomplete |= checks[k].incomplete;
    dv_findings_fold(&checks[k].findings, &any_all, &worst_all);
  }
  if (deadline_hit) {
    dv_finding *f =
        dv_findings_add(&checks[0].findings, DV_F_RUN_DEADLINE, "run");
    dv_finding_ev(&checks[0].findings, f, "timeout_s", "%g", cfg->timeout_s);
  }
  rc = dv_report_exit_code(any_all, worst_all, deadline_hit || incomplete);
  if (cfg->verbose)
    fprintf(stderr, "dvcheck: %zu domain(s), %lu WHOIS queries, %lld ms\n",
            nchecks, dv_whois_client_sent(ctx.wc),
            (long long)(dv_loop_now_ms() - t0));
  if (cfg->json) {
    json_t *arr = json_array();
    for (size_t k = 0; arr && k < nchecks; k++) {
      json_t *o = dv_whois_check_json(&checks[k]);
      int any;
      dv_severity worst = dv_findings_max(&checks[k].findings, &any);
      if (o)
        json_object_set_new(
            o, "verdict",
            json_string(dv_report_status_word(
                dv_report_exit_code(any, worst, checks[k].incomplete))));
      dv_json_push(&arr, o);
    }
    rc = dv_report_json_emit("whois", rc, deadline_hit, arr);
  } else {
    for (size_t k = 0; k < nchecks; k++) {
      const dv_whois_check *c = &checks[k];
      int any;
      dv_severity worst = dv_findings_max(&c->findings, &any);
      fputs("== ", stdout);
      dv_text_fput(stdout, c->domain, strlen(c->domain));
      if (c->have_info)
        printf(" (%s)  ", c->info.source);
      else
        fputs("  ", stdout);
      if (c->incomplete)
        fputs("UNKNOWN (no usable answer)", stdout);
      else
        dv_report_verdict(stdout, cfg, any, worst);
      fputc('\n', stdout);
      if (c->nnames > 1 || strcmp(c->names[0], c->domain) != 0) {
        fputs("  for:        ", stdout);
        for (size_t i = 0; i < c->nnames; i++) {
          if (i)
            fputs(", ", stdout);
          dv_text_fput(stdout, c->names[i], strlen(c->names[i]));
        }
        fputc('\n', stdout);
      }
      dv_whois_check_text_body(stdout, c, 2);
      fputs(
          "  (legacy: ACM stopped mailing WHOIS contacts in 2024; they matter "
          "only for older ACM certificates; no public CA may use them since "
          "2025-07-15, BR 3.2.2.4.2, ballot SC-080)\n\n",
          stdout);
      dv_report_findings_text(stdout, cfg, &c->findings);
      fputc('\n', stdout);
    }
    printf("%zu domain(s) looked up: exit %d (%s)\n", nchecks, rc,
           dv_report_status_word(rc));
  }
  goto out;
nomem:
  dv_error("out of memory");
  rc = DV_EXIT_UNKNOWN;
out:
  dv_whois_ctx_free(&ctx);
  dv_resolver_free(rs);
  dv_loop_free(loop);
  for (size_t k = 0; k < nchecks; k++)
    dv_whois_check_free(&checks[k]);
  free(checks);
  return rc;
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

  if (!cfg->whois_input)
    return whois_live(cfg);
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
  switch (dv_input_slurp(cfg->whois_input, DV_WHOIS_INPUT_MAX, &buf, &len, err,
                         sizeof(err))) {
  case DV_INPUT_OK:
    break;
  case DV_INPUT_OPEN:
    break; /* err holds strerror() */
  case DV_INPUT_TOO_BIG:
    snprintf(err, sizeof(err), "larger than 16 MiB");
    break;
  default:
    snprintf(err, sizeof(err), "out of memory");
    break;
  }
  if (!buf) {
    dv_error("%s: %s",
             dv_text_escape(cfg->whois_input, strlen(cfg->whois_input), shown,
                            sizeof(shown)),
             err);
    goto out;
  }
  /* A zero-byte (or blank-only) file is read as an empty WHOIS reply:
   * "no data" (WHOIS_EMPTY_REPLY, exit 1), not an input error -- some
   * servers answer that way, and the file may be exactly what one sent. */
  st = dv_whois_parse_any(pat, buf, len, cfg->whois_server, &w);
  if (st != DV_WHOIS_OK) {
    dv_error("%s: %s",
             dv_text_escape(cfg->whois_input, strlen(cfg->whois_input), shown,
                            sizeof(shown)),
             dv_whois_status_str(st));
    goto out;
  }
  dv_whois_info_findings(&fl, &w, subject);
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
        "{s:o, s:s, s:o, s:b, s:b, s:o, s:b, s:b, s:o, s:o, s:o}", "domain",
        cfg->whois_domain ? dv_json_str(cfg->whois_domain) : json_null(),
        "source", w.source, "contacts", dv_whois_contacts_json(&w), "throttled",
        w.throttled, "captcha", w.captcha, "web_only",
        w.web_only[0] ? dv_json_str(w.web_only) : json_null(), "not_found",
        w.not_found, "truncated", w.truncated, "servers",
        servers ? servers : json_array(), "referral",
        w.referral[0] ? dv_json_str(w.referral) : json_null(), "findings",
        dv_findings_json(&fl));
    if (res)
      json_object_set_new(res, "empty", json_boolean(w.empty));
    if (res)
      json_object_set_new(res, "verdict",
                          json_string(dv_report_status_word(rc)));
    rc =
        dv_report_json_emit("whois", rc, 0, res ? json_pack("[o]", res) : NULL);
  } else {
    const dv_contact *roles[3] = {&w.registrant, &w.admin, &w.tech};
    static const char *const names[3] = {"registrant", "admin", "tech"};
    fputs("== ", stdout);
    dv_text_fput(stdout, subject, strlen(subject));
    printf(" (%s reply)  ", w.source);
    dv_report_verdict(stdout, cfg, any, worst);
    fputc('\n', stdout);
    if (w.empty)
      fputs("  contacts    unknown (empty reply: no data)\n", stdout);
    for (int i = 0; i < 3 && !w.empty; i++) {
      printf("  %-11s %-9s ", names[i],
             dv_contact_status_str(roles[i]->status));
      const char *v = roles[i]->email[0] ? roles[i]->email : roles[i]->raw;
      dv_text_fput(stdout, v, strlen(v));
      fputc('\n', stdout);
    }
    if (w.referral[0]) {
      fputs("  referral    ", stdout);
      dv_text_fput(stdout, w.referral, strlen(w.referral));
      fputc('\n', stdout);
    }
    fputs("  (legacy: ACM stopped mailing WHOIS contacts in 2024; they matter "
          "only for older ACM certificates; no public CA may use them since "
          "2025-07-15, BR 3.2.2.4.2, ballot SC-080)\n\n",
          stdout);
    dv_report_findings_text(stdout, cfg, &fl);
  }
out:
  dv_findings_free(&fl);
  free(buf);
  dv_whois_patterns_free(pat);
  return rc;
}
