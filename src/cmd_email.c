/* dvcheck -- `dvcheck email NAME...`: orchestration and rendering. The
 * checks themselves live in check_email.c. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "dns/resolver.h"
#include "check/check_email.h"
#include "check/check_whois.h"
#include "base/loop.h"
#include "base/names.h"
#include "src/report.h"
#include "src/tool_ca.h"
#include "src/tool_input.h"
#include "src/tool_operate.h"
#include "src/report_whois.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"
#include "src/tool_probe.h"

static const char *candidate_route(const dv_candidate *c, char *buf, size_t len)
{
  if (c->deliverable) {
    const dv_mx_host *best = NULL;
    for (size_t i = 0; i < c->nhosts; i++)
      if (c->hosts[i].usable && (!best || c->hosts[i].pref < best->pref))
        best = &c->hosts[i];
    snprintf(buf, len, "yes  MX %u %s (%s%s)", best->pref, best->host,
             best->addrs[0], best->naddrs > 1 ? ", ..." : "");
  } else {
    snprintf(buf, len, "no   %s", dv_catalogue_get(c->reason)->id);
  }
  return buf;
}

/* --contacts / --acm-legacy: the WHOIS/RDAP check of each registrable
 * domain (shared by the names under it). */
static dv_whois_check *contacts_for(dv_whois_check *wc, size_t nwc,
                                    const dv_email_result *r)
{
  for (size_t k = 0; wc && k < nwc; k++)
    if (strcmp(wc[k].domain, r->name.registrable) == 0)
      return &wc[k];
  return NULL;
}

/* --acm-legacy: real (or proxy) contact addresses rescue "no route". */
static void legacy_rescue(dv_email_result *r, const dv_whois_check *c)
{
  const dv_contact *roles[3];
  dv_findings keep = {0};
  dv_finding *f;
  int n = 0;
  if (!c || !c->have_info || c->info.throttled ||
      !dv_findings_has(&r->findings, DV_F_EMAIL_NO_ROUTE))
    return;
  roles[0] = &c->info.registrant;
  roles[1] = &c->info.admin;
  roles[2] = &c->info.tech;
  for (int i = 0; i < 3; i++)
    if (roles[i]->status == DV_CONTACT_EMAIL ||
        roles[i]->status == DV_CONTACT_PROXY)
      n++;
  if (!n)
    return;
  for (size_t i = 0; i < r->findings.n; i++) {
    dv_findings one = {0};
    if (r->findings.v[i].code == DV_F_EMAIL_NO_ROUTE)
      continue;
    one.v = &r->findings.v[i];
    one.n = 1;
    dv_findings_append(&keep, &one);
  }
  f = dv_findings_add(&keep, DV_F_EMAIL_LEGACY_CONTACT_ROUTE, r->name.ascii);
  for (int i = 0; i < 3; i++)
    if (roles[i]->status == DV_CONTACT_EMAIL ||
        roles[i]->status == DV_CONTACT_PROXY)
      dv_finding_ev(&keep, f,
                    i == 0   ? "registrant"
                    : i == 1 ? "admin"
                             : "tech",
                    "%s%s", roles[i]->email,
                    roles[i]->status == DV_CONTACT_PROXY ? " (proxy)" : "");
  if (keep.nomem) {
    r->findings.nomem = 1;
    dv_findings_free(&keep);
    return;
  }
  dv_findings_free(&r->findings);
  r->findings = keep;
}

static void render_contacts(FILE *out, const dv_cfg *cfg,
                            const dv_whois_check *c)
{
  fputs("  WHOIS/RDAP contacts of ", out);
  dv_text_fput(out, c->domain, strlen(c->domain));
  fputs(cfg->acm_legacy
            ? " (ACM's pre-2024 rule, legacy only: they count as "
              "recipients; no public CA may use them since 2025-07-15, BR "
              "3.2.2.4.2, SC-080):\n"
            : " (legacy: not used by ACM since 2024; no public CA may use "
              "them since 2025-07-15, BR 3.2.2.4.2, SC-080):\n",
        out);
  dv_whois_check_text_body(out, c, 4);
  if (c->findings.n) {
    fputc('\n', out);
    dv_report_findings_text(out, cfg, &c->findings);
  }
}

static void render_text(FILE *out, const dv_cfg *cfg, dv_email_result *r,
                        const dv_whois_check *wc, const dv_probe *probe)
{
  int any;
  dv_severity worst = dv_findings_max(&r->findings, &any);
  char route[1200];
  size_t shown = r->cands[0].deliverable ? 1 : r->ncands;

  fputs("== ", out);
  dv_text_fput(out, r->name.ascii, strlen(r->name.ascii));
  if (strcmp(r->input, r->name.ascii) != 0) {
    fputs(" (from \"", out);
    dv_text_fput(out, r->input, strlen(r->input));
    fputs("\")", out);
  }
  fputs("  ", out);
  if (r->incomplete)
    fputs("UNKNOWN (checks did not complete)", out);
  else
    dv_report_verdict(out, cfg, any, worst);
  fputc('\n', out);
  fputs("  candidate validation domains (registrable domain ", out);
  dv_text_fput(out, r->name.registrable, strlen(r->name.registrable));
  fputs("):\n", out);
  for (size_t i = 0; i < r->ncands; i++) {
    const dv_candidate *c = &r->cands[i];
    fprintf(out, "    %-3s ", (int)i == r->chosen ? "->" : "");
    dv_text_fput(out, c->domain, strlen(c->domain));
    fprintf(out, "%*s",
            (int)(strlen(c->domain) < 30 ? 30 - strlen(c->domain) : 1), "");
    if (i < shown || c->mx_status != DV_DNS_CANCELLED)
      dv_text_fput(out, candidate_route(c, route, sizeof(route)),
                   strlen(candidate_route(c, route, sizeof(route))));
    fputc('\n', out);
  }
  if (r->chosen >= 0) {
    const char *d = r->cands[r->chosen].domain;
    fputs("  ACM mails: ", out);
    for (int i = 0; i < 5; i++) {
      fprintf(out, "%s%s@", i ? ", " : "", dv_email_locals[i]);
      dv_text_fput(out, d, strlen(d));
    }
    fputc('\n', out);
  } else if (r->incomplete) {
    fputs("  ACM mails: unknown (the checks did not complete)\n", out);
  } else {
    fputs("  ACM mails: nobody can receive it (no candidate has a working "
          "MX)\n",
          out);
  }
  if (probe)
    dv_tool_probe_text(out, probe, 2);
  if (wc)
    render_contacts(out, cfg, wc);
  fputc('\n', out);
  dv_report_findings_text(out, cfg, &r->findings);
  fputc('\n', out);
}

static const char *mx_status_word(dv_dns_status st)
{
  switch (st) {
  case DV_DNS_OK:
    return "present";
  case DV_DNS_NODATA:
    return "nodata";
  case DV_DNS_NXDOMAIN:
    return "nxdomain";
  case DV_DNS_SERVFAIL:
    return "servfail";
  case DV_DNS_TIMEOUT:
    return "timeout";
  case DV_DNS_CANCELLED:
    return "not_checked";
  default:
    return "error";
  }
}

static json_t *result_json(const dv_email_result *r)
{
  json_t *cands = json_array(), *o;
  int any;
  dv_severity worst = dv_findings_max(&r->findings, &any);

  if (!cands)
    return NULL;
  for (size_t i = 0; i < r->ncands; i++) {
    const dv_candidate *c = &r->cands[i];
    json_t *mx = json_array(), *addrs = json_array(), *jc;
    for (size_t h = 0; mx && h < c->nhosts; h++) {
      const dv_mx_host *mh = &c->hosts[h];
      json_t *ha = json_array(), *jh;
      for (size_t k = 0; ha && k < mh->naddrs; k++)
        json_array_append_new(ha, dv_json_str(mh->addrs[k]));
      jh = json_pack("{s:o, s:i, s:o, s:b, s:b, s:b, s:b}", "host",
                     dv_json_str(mh->host), "preference", (int)mh->pref,
                     "addresses", ha ? ha : json_array(), "usable", mh->usable,
                     "alias", mh->is_alias, "ip_literal", mh->ip_literal,
                     "doubled_suffix", mh->doubled_suffix);
      if (jh)
        json_array_append_new(mx, jh);
    }
    for (int k = 0; addrs && k < 5; k++) {
      char a[DV_NAME_LEN + 20];
      snprintf(a, sizeof(a), "%s@%s", dv_email_locals[k], c->domain);
      json_array_append_new(addrs, dv_json_str(a));
    }
    jc = json_pack(
        "{s:o, s:s, s:b, s:b, s:s, s:o, s:o}", "domain", dv_json_str(c->domain),
        "mx_status", mx_status_word(c->mx_status), "deliverable",
        c->deliverable, "null_mx", c->null_mx, "reason",
        dv_catalogue_get(c->reason)->id, "mx", mx ? mx : json_array(),
        "addresses", addrs ? addrs : json_array());
    if (jc && c->is_alias)
      json_object_set_new(jc, "alias_of", dv_json_str(c->alias_target));
    if (jc)
      json_array_append_new(cands, jc);
  }
  o = json_pack(
      "{s:o, s:o, s:o, s:o, s:b, s:s, s:o, s:o, s:o}", "input",
      dv_json_str(r->input), "name", dv_json_str(r->name.ascii), "mail_domain",
      dv_json_str(r->name.mail_domain), "registrable_domain",
      dv_json_str(r->name.registrable), "wildcard", r->name.wildcard, "verdict",
      dv_report_status_word(dv_report_exit_code(any, worst, r->incomplete)),
      "validation_domain",
      r->chosen >= 0 ? dv_json_str(r->cands[r->chosen].domain) : json_null(),
      "candidates", cands, "findings", dv_findings_json(&r->findings));
  return o;
}

/* Parse every input first: any bad name stops the run before any lookup. */
static int parse_inputs(const dv_input_list *in, dv_email_result *res)
{
  int bad = 0;
  for (size_t i = 0; i < in->n; i++) {
    char detail[256], shown[1100];
    dv_name n;
    dv_name_status st;
    dv_text_escape(in->v[i].text, in->v[i].len, shown, sizeof(shown));
    st = dv_name_parse(in->v[i].text, in->v[i].len, &n, detail, sizeof(detail));
    if (st == DV_NAME_NOMEM)
      return -1;
    if (st != DV_NAME_OK) {
      dv_error("%s: \"%.80s%s\": %s%s%s", in->v[i].where, shown,
               strlen(shown) > 80 ? "..." : "", dv_name_status_str(st),
               detail[0] ? ": " : "", detail);
      bad = 1;
      continue;
    }
    if (dv_email_result_init(&res[i], shown, &n) < 0)
      return -1;
  }
  return bad;
}

int dv_cmd_email(dv_cfg *cfg)
{
  dv_input_list in = {0};
  dv_email_result *res = NULL;
  dv_loop *loop = NULL;
  dv_resolver *rs = NULL;
  dv_resolver_opts ro;
  dv_email_ctx ctx = {0};
  dv_loop_status ls;
  dv_resolver_status rst;
  int rc = DV_EXIT_UNKNOWN, deadline_hit = 0, incomplete = 0, any_all = 0;
  int bad;
  dv_severity worst_all = DV_SEV_INFO;
  char msg[256];
  dv_whois_ctx wctx;
  dv_whois_opts wopts;
  dv_whois_check *wc = NULL;
  size_t nwc = 0;
  int64_t t0 = dv_loop_now_ms();
  dv_tool_probe tp;
  dv_probe *probes = NULL; /* one per name (--probe), NULL entries unused */
  int *probed = NULL;
  dv_ca_choice ca;
  int choose;

  memset(&wctx, 0, sizeof(wctx));
  memset(&tp, 0, sizeof(tp));
  choose = dv_ca_choose(cfg, &ca, "email");
  if (choose != 0) {
    rc = choose > 0 ? DV_EXIT_OK : DV_EXIT_UNKNOWN;
    dv_input_free(&in);
    return rc;
  }
  for (size_t i = 0; i < cfg->nargs; i++) {
    char where[32];
    snprintf(where, sizeof(where), "argument %zu", i + 1);
    if (dv_input_add(&in, cfg->args[i], strlen(cfg->args[i]), where) !=
        DV_INPUT_OK) {
      dv_error("too many names or out of memory");
      goto out;
    }
  }
  if (cfg->names_file) {
    dv_input_status ist =
        dv_input_read_file(&in, cfg->names_file, msg, sizeof(msg));
    if (ist != DV_INPUT_OK) {
      dv_error("%s: %s%s%s", cfg->names_file, dv_input_status_str(ist),
               ist == DV_INPUT_OPEN ? ": " : "",
               ist == DV_INPUT_OPEN ? msg : "");
      goto out;
    }
  }
  if (in.n == 0) {
    dv_error("email: give at least one NAME (or -f FILE); see 'dvcheck "
             "email --help'");
    goto out;
  }
  res = calloc(in.n, sizeof(*res));
  if (!res) {
    dv_error("out of memory");
    goto out;
  }
  bad = parse_inputs(&in, res);
  if (bad < 0) {
    dv_error("out of memory");
    goto out;
  }
  if (bad)
    goto out;

  loop = dv_loop_new();
  if (!loop) {
    dv_error("out of memory");
    goto out;
  }
  dv_loop_deadline_set(loop, (int64_t)(cfg->timeout_s * 1000));
  dv_resolver_opts_init(&ro);
  ro.servers = cfg->resolvers[0] ? cfg->resolvers : NULL;
  if (cfg->verbose >= 2)
    ro.trace = dv_report_dns_trace;
  rst = dv_resolver_new(loop, &ro, &rs);
  if (rst != DV_RESOLVER_OK) {
    dv_error("%s", dv_resolver_status_str(rst));
    goto out;
  }
  ctx.res = rs;
  if (dv_tool_probe_init(&tp, cfg, loop) < 0)
    goto out;
  for (size_t i = 0; i < in.n; i++)
    dv_email_start(&ctx, &res[i]);
  if (cfg->contacts || cfg->acm_legacy) {
    char err[512];
    dv_tool_whois_opts(cfg, &wopts);
    if (dv_whois_ctx_init(&wctx, &wopts, loop, rs, err, sizeof(err)) < 0) {
      dv_error("%s", err);
      goto out;
    }
    wc = calloc(in.n, sizeof(*wc));
    if (!wc) {
      dv_error("out of memory");
      goto out;
    }
    for (size_t i = 0; i < in.n; i++) {
      if (contacts_for(wc, nwc, &res[i]))
        continue;
      dv_whois_check_init(&wc[nwc], res[i].name.registrable);
      if (dv_whois_check_add_name(&wc[nwc], res[i].name.registrable) < 0) {
        dv_error("out of memory");
        goto out;
      }
      dv_whois_check_start(&wctx, &wc[nwc++]);
    }
  }
  ls = dv_loop_run(loop);
  if (dv_loop_cut(ls))
    deadline_hit = 1;
  else if (ls != DV_LOOP_OK) {
    dv_error("event loop: %s", dv_loop_status_str(ls));
    goto out;
  }
  if (ctx.nomem) {
    dv_error("out of memory during the checks");
    goto out;
  }
  for (size_t k = 0; k < nwc; k++)
    dv_whois_check_finish(&wc[k]);
  for (size_t i = 0; i < in.n; i++)
    dv_email_finish(&res[i]);
  if (cfg->probe && !deadline_hit) {
    /* --probe: the MX of each chosen validation domain, after DNS */
    probes = calloc(in.n, sizeof(*probes));
    probed = calloc(in.n, sizeof(*probed));
    if (!probes || !probed) {
      dv_error("out of memory");
      goto out;
    }
    for (size_t i = 0; i < in.n; i++) {
      if (res[i].incomplete || res[i].chosen < 0)
        continue;
      if (dv_probe_init(&probes[i], &res[i].cands[res[i].chosen]) < 0)
        continue;
      probed[i] = 1;
      dv_probe_start(&tp.ctx, &probes[i]);
    }
    ls = dv_tool_probe_run(&tp, loop);
    if (dv_loop_cut(ls))
      deadline_hit = 1;
    else if (ls != DV_LOOP_OK) {
      dv_error("event loop: %s", dv_loop_status_str(ls));
      goto out;
    }
    for (size_t i = 0; i < in.n; i++) {
      if (!probed[i])
        continue;
      dv_probe_finish(&probes[i]);
      dv_findings_append(&res[i].findings, &probes[i].findings);
      if (probes[i].findings.nomem)
        res[i].findings.nomem = 1;
    }
  }
  for (size_t i = 0; i < in.n; i++) {
    if (cfg->acm_legacy)
      legacy_rescue(&res[i], contacts_for(wc, nwc, &res[i]));
    /* the constructed-address method and the CA/B Forum's dates for it
     * (BR 3.2.2.4.4, SC-090); a CA that has no e-mail method at all */
    if (!dv_ca_check_offered(&ca, "email", &res[i].findings,
                             res[i].name.ascii) &&
        res[i].chosen >= 0)
      dv_ca_email_sunset(&ca, &res[i].findings, res[i].name.ascii);
    incomplete |= res[i].incomplete;
    if (res[i].findings.nomem) {
      dv_error("out of memory");
      goto out;
    }
    dv_findings_fold(&res[i].findings, &any_all, &worst_all);
  }
  if (deadline_hit) {
    /* Say so once, against the run itself. */
    dv_finding *f = dv_findings_add(&res[0].findings, DV_F_RUN_DEADLINE, "run");
    dv_finding_ev(&res[0].findings, f, "timeout_s", "%g", cfg->timeout_s);
  }
  rc = dv_report_exit_code(any_all, worst_all, deadline_hit || incomplete);
  if (cfg->verbose)
    fprintf(stderr,
            "dvcheck: %zu name(s), %lu DNS queries, %lu SMTP sessions (at most "
            "%d at once, %d per MX address), %lld ms\n",
            in.n, dv_resolver_sent(rs), tp.ctx.sessions, tp.ctx.max_active,
            tp.ctx.max_host_active, (long long)(dv_loop_now_ms() - t0));
  if (cfg->json) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < in.n; i++) {
      json_t *o = result_json(&res[i]);
      const dv_whois_check *c = contacts_for(wc, nwc, &res[i]);
      if (o && c) {
        json_t *j = dv_whois_check_json(c);
        if (j)
          json_object_set_new(j, "used_by_acm", json_boolean(cfg->acm_legacy));
        json_object_set_new(o, "contacts", j ? j : json_null());
      }
      if (o && cfg->probe)
        json_object_set_new(o, "probe",
                            probed && probed[i] ? dv_tool_probe_json(&probes[i])
                                                : json_null());
      dv_json_push(&arr, o);
    }
    rc = dv_report_json_emit("email", rc, deadline_hit, arr);
  } else {
    for (size_t i = 0; i < in.n; i++)
      render_text(stdout, cfg, &res[i], contacts_for(wc, nwc, &res[i]),
                  probed && probed[i] ? &probes[i] : NULL);
    printf("%zu name(s) checked: exit %d (%s)\n", in.n, rc,
           dv_report_status_word(rc));
  }
out:
  if (probes)
    for (size_t i = 0; i < in.n; i++)
      dv_probe_free(&probes[i]);
  free(probes);
  free(probed);
  dv_tool_probe_free(&tp);
  for (size_t k = 0; k < nwc; k++)
    dv_whois_check_free(&wc[k]);
  free(wc);
  dv_whois_ctx_free(&wctx);
  /* the resolver delivers cancelled answers into the results: free it
   * while they still exist (an error after the checks started) */
  dv_resolver_free(rs);
  if (res)
    for (size_t i = 0; i < in.n; i++)
      dv_email_result_free(&res[i]);
  free(res);
  dv_loop_free(loop);
  dv_input_free(&in);
  dv_ca_choice_free(&ca);
  return rc;
}
