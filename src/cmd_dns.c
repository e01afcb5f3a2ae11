/* dvcheck -- `dvcheck dns` and `dvcheck preflight`: orchestration and
 * rendering. The checks live in check_dns.c, check_caa.c, check_email.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "check/check_dns.h"
#include "check/check_email.h"
#include "check/preflight.h"
#include "base/loop.h"
#include "src/report.h"
#include "src/report_dot.h"
#include "src/tool_ca.h"
#include "src/tool_input.h"
#include "src/tool_operate.h"
#include "src/tool_records.h"
#include "src/tool_msgs.h"

typedef struct {
  dv_loop *loop;
  dv_dns_ctx dns;
  int started;
} dv_run;

static int run_open(dv_run *run, const dv_cfg *cfg)
{
  dv_dns_ctx_status st;
  memset(run, 0, sizeof(*run));
  run->loop = dv_loop_new();
  if (!run->loop) {
    dv_error("out of memory");
    return -1;
  }
  dv_loop_deadline_set(run->loop, (int64_t)(cfg->timeout_s * 1000));
  st = dv_dns_ctx_init_max(&run->dns, run->loop,
                           cfg->resolvers[0] ? cfg->resolvers : NULL,
                           cfg->max_inflight);
  run->started = 1;
  if (st != DV_DNS_CTX_OK) {
    dv_error("cannot set up the DNS resolver");
    return -1;
  }
  return 0;
}

static void run_close(dv_run *run)
{
  if (run->started)
    dv_dns_ctx_free(&run->dns);
  dv_loop_free(run->loop);
}

/* Run the loop; returns 1 if the deadline passed, -1 on loop failure. */
static int run_loop(dv_run *run, const dv_cfg *cfg, int64_t t0)
{
  dv_loop_status ls = dv_loop_run(run->loop);
  if (cfg->verbose)
    fprintf(stderr, "dvcheck: %lu recursive DNS queries, %lld ms\n",
            dv_resolver_sent(run->dns.rec), (long long)(dv_loop_now_ms() - t0));
  if (dv_loop_cut(ls))
    return 1;
  if (ls != DV_LOOP_OK) {
    dv_error("event loop: %s", dv_loop_status_str(ls));
    return -1;
  }
  if (run->dns.nomem) {
    dv_error("out of memory during the checks");
    return -1;
  }
  return 0;
}

static void print_header(FILE *out, const dv_cfg *cfg, const char *title,
                         const char *sub, const dv_findings *fl, int incomplete)
{
  int any;
  dv_severity worst = dv_findings_max(fl, &any);
  fputs("== ", out);
  dv_text_fput(out, title, strlen(title));
  if (sub && *sub) {
    fputs(" (", out);
    dv_text_fput(out, sub, strlen(sub));
    fputc(')', out);
  }
  fputs("  ", out);
  if (incomplete)
    fputs("UNKNOWN (checks did not complete)", out);
  else
    dv_report_verdict(out, cfg, any, worst);
  fputc('\n', out);
}

/* The zone and each authoritative server's answer; with_txt: the TXT
 * values each server gave (dns --acme / --persist). */
static void print_servers(FILE *out, const dv_dns_record *r, int with_txt)
{
  fputs("  zone ", out);
  dv_text_fput(out, r->zone[0] ? r->zone : "(not found)",
               strlen(r->zone[0] ? r->zone : "(not found)"));
  fputs(", authoritative servers:\n", out);
  for (size_t i = 0; i < r->nauth; i++) {
    const dv_auth_answer *s = &r->auth[i];
    char left[300];
    snprintf(left, sizeof(left), "%s (%s)", s->ns,
             s->addr[0] ? s->addr : "no address");
    fputs("    ", out);
    dv_text_fput(out, left, strlen(left));
    fprintf(out, "%*s%-12s", (int)(strlen(left) < 36 ? 36 - strlen(left) : 1),
            "", dv_auth_state_word(s, r));
    if (s->soa_ok)
      fprintf(out, " serial %u", s->serial);
    if (s->cname[0] && !r->preflight) {
      fputs(" -> ", out);
      dv_text_fput(out, s->cname, strlen(s->cname));
    }
    for (size_t k = 0; with_txt && k < s->ntxt; k++) {
      fputs(k ? " \"" : " TXT \"", out);
      dv_text_fput(out, s->txtv[k], strlen(s->txtv[k]));
      fputc('"', out);
    }
    fputc('\n', out);
  }
}

static json_t *record_json(const dv_dns_record *r)
{
  json_t *servers = json_array(), *chain = json_array(), *o;
  for (size_t i = 0; servers && i < r->nauth; i++) {
    const dv_auth_answer *s = &r->auth[i];
    json_t *j = json_pack(
        "{s:o, s:o, s:s, s:s, s:b, s:o, s:o}", "ns", dv_json_str(s->ns),
        "address", dv_json_str(s->addr), "state", dv_auth_state_word(s, r),
        "cname_lookup", dv_dns_status_str(s->cname_st), "authoritative", s->aa,
        "cname", s->cname[0] ? dv_json_str(s->cname) : json_null(), "txt",
        s->txt[0] ? dv_json_str(s->txt) : json_null());
    if (j && s->soa_ok)
      json_object_set_new(j, "serial", json_integer(s->serial));
    if (j)
      json_array_append_new(servers, j);
  }
  for (size_t i = 0; chain && i < r->nchain; i++)
    json_array_append_new(chain, dv_json_str(r->chain[i]));
  o = json_pack("{s:o, s:o, s:o, s:o, s:o, s:{s:s, s:o}, s:o, s:s, s:s}",
                "name", dv_json_str(r->cert_name), "record_name",
                dv_json_str(r->rname), "record_value", dv_json_str(r->rvalue),
                "zone", r->zone[0] ? dv_json_str(r->zone) : json_null(),
                "servers", servers ? servers : json_array(), "resolver",
                "status", dv_dns_status_str(r->rec_st), "cname",
                r->rec_cname[0] ? dv_json_str(r->rec_cname) : json_null(),
                "chain", chain ? chain : json_array(), "dnssec",
                dv_dns_record_dnssec_word(r), "caa",
                dv_caa_verdict_word(r->caa.verdict));
  return o;
}

static json_t *with_verdict(json_t *o, const dv_findings *fl, int incomplete)
{
  int any;
  dv_severity worst = dv_findings_max(fl, &any);
  if (!o)
    return NULL;
  json_object_set_new(o, "verdict",
                      json_string(dv_report_status_word(
                          dv_report_exit_code(any, worst, incomplete))));
  json_object_set_new(o, "findings", dv_findings_json(fl));
  return o;
}

/* Mark records that share a record name (*.example.com and example.com). */
static void records_share(dv_dns_record *recs, size_t n)
{
  for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < i; j++)
      if (strcmp(recs[i].rname, recs[j].rname) == 0 &&
          recs[j].shared_with < 0) {
        recs[i].shared_with = (int)j;
        break;
      }
}

/* ---- dns --acme NAME / dns --persist NAME ----------------------------------
 */

static json_t *txt_record_json(const dv_dns_record *r)
{
  json_t *servers = json_array(), *rec = json_array(), *o;
  for (size_t i = 0; servers && i < r->nauth; i++) {
    const dv_auth_answer *s = &r->auth[i];
    json_t *txt = json_array();
    json_t *j;
    for (size_t k = 0; txt && k < s->ntxt; k++)
      json_array_append_new(txt, dv_json_str(s->txtv[k]));
    j = json_pack("{s:o, s:o, s:s, s:b, s:o, s:o}", "ns", dv_json_str(s->ns),
                  "address", dv_json_str(s->addr), "state",
                  dv_auth_state_word(s, r), "authoritative", s->aa, "cname",
                  s->cname[0] ? dv_json_str(s->cname) : json_null(), "txt",
                  txt ? txt : json_array());
    if (j && s->soa_ok)
      json_object_set_new(j, "serial", json_integer(s->serial));
    if (j)
      json_array_append_new(servers, j);
  }
  for (size_t k = 0; rec && k < r->rec_ntxt; k++)
    json_array_append_new(rec, dv_json_str(r->rec_txtv[k]));
  o = json_pack("{s:o, s:s, s:o, s:o, s:o, s:o, s:{s:s, s:o}, s:s, s:s}",
                "name", dv_json_str(r->cert_name), "kind",
                r->kind == DV_REC_PERSIST_TXT ? "dns-persist-01" : "dns-01",
                "record_name", dv_json_str(r->rname), "expect",
                r->rvalue[0] ? dv_json_str(r->rvalue) : json_null(), "zone",
                r->zone[0] ? dv_json_str(r->zone) : json_null(), "servers",
                servers ? servers : json_array(), "resolver", "status",
                dv_dns_status_str(r->rec_txt_st), "txt",
                rec ? rec : json_array(), "dnssec",
                dv_dns_record_dnssec_word(r), "caa",
                dv_caa_verdict_word(r->caa.verdict));
  if (o && r->child)
    json_object_set_new(o, "delegated_to", txt_record_json(r->child));
  return o;
}

static int dns_txt(dv_cfg *cfg)
{
  dv_dns_record *r = NULL;
  dv_ca_choice ca;
  dv_run run;
  dv_name n;
  char detail[256], shown[1100];
  int rc = DV_EXIT_UNKNOWN, lr, any = 0, choose;
  dv_severity worst = DV_SEV_INFO;
  const char *arg = cfg->acme_name ? cfg->acme_name : cfg->persist_name;
  dv_rec_kind kind = cfg->acme_name ? DV_REC_ACME_TXT : DV_REC_PERSIST_TXT;
  const char *method = cfg->acme_name ? "dns-01" : "dns-persist-01";
  dv_name_status st;
  int64_t t0 = dv_loop_now_ms();

  memset(&run, 0, sizeof(run));
  memset(&ca, 0, sizeof(ca));
  if (cfg->acme_name && cfg->persist_name) {
    dv_error("dns: give --acme or --persist, not both");
    goto out;
  }
  if (cfg->ncnames || cfg->records_file || cfg->nargs) {
    dv_error("dns: --%s NAME takes no --cname, --records or other names",
             cfg->acme_name ? "acme" : "persist");
    goto out;
  }
  if (cfg->expect && !cfg->acme_name) {
    dv_error("dns: --expect goes with --acme");
    goto out;
  }
  dv_text_escape(arg, strlen(arg), shown, sizeof(shown));
  st = dv_name_parse(arg, strlen(arg), &n, detail, sizeof(detail));
  if (st != DV_NAME_OK) {
    dv_error("--%s \"%.80s\": %s%s%s", cfg->acme_name ? "acme" : "persist",
             shown, dv_name_status_str(st), detail[0] ? ": " : "", detail);
    goto out;
  }
  choose = dv_ca_choose(cfg, &ca, method);
  if (choose != 0) {
    rc = choose > 0 ? DV_EXIT_OK : DV_EXIT_UNKNOWN;
    goto out;
  }
  r = calloc(1, sizeof(*r));
  if (!r) {
    dv_error("out of memory");
    goto out;
  }
  dv_dns_txt_init(r, kind, n.ascii, cfg->expect);
  dv_caa_set_policy(&r->caa, &ca.policy);
  r->persist = &ca.persist;
  if (run_open(&run, cfg) < 0)
    goto out;
  dv_dns_record_start(&run.dns, r);
  lr = run_loop(&run, cfg, t0);
  if (lr < 0)
    goto out;
  dv_dns_record_finish(r);
  dv_ca_check_offered(&ca, method, &r->findings, r->cert_name);
  dv_findings_fold(&r->findings, &any, &worst);
  rc = dv_report_exit_code(any, worst, lr || r->incomplete);
  if (cfg->format == DV_FORMAT_DOT) {
    if (dv_report_dot(stdout, r, 1) < 0) {
      dv_error("cannot write the DOT graph");
      rc = DV_EXIT_UNKNOWN;
    }
  } else if (cfg->json) {
    json_t *arr = json_array();
    dv_json_push(&arr,
                 with_verdict(txt_record_json(r), &r->findings, r->incomplete));
    rc = dv_report_json_emit("dns", rc, lr, arr);
  } else {
    char sub[DV_NAME_LEN + 40];
    snprintf(sub, sizeof(sub), "%s for %s",
             kind == DV_REC_ACME_TXT ? "dns-01" : "dns-persist-01",
             r->cert_name);
    print_header(stdout, cfg, r->rname, sub, &r->findings, r->incomplete);
    fputs("  CA: ", stdout);
    dv_text_fput(stdout, ca.policy.display, strlen(ca.policy.display));
    if (r->rvalue[0]) {
      fputs("; expected: TXT \"", stdout);
      dv_text_fput(stdout, r->rvalue, strlen(r->rvalue));
      fputc('"', stdout);
    }
    fputc('\n', stdout);
    print_servers(stdout, r, 1);
    if (r->child) {
      fputs("  delegated by CNAME to ", stdout);
      dv_text_fput(stdout, r->child->rname, strlen(r->child->rname));
      fputs(":\n", stdout);
      print_servers(stdout, r->child, 1);
    }
    printf("  resolver: %s", dv_dns_status_str(r->rec_txt_st));
    for (size_t k = 0; k < r->rec_ntxt; k++) {
      fputs(k ? " \"" : " TXT \"", stdout);
      dv_text_fput(stdout, r->rec_txtv[k], strlen(r->rec_txtv[k]));
      fputc('"', stdout);
    }
    printf("\n  DNSSEC: %s   CAA: %s\n\n", dv_dns_record_dnssec_word(r),
           dv_caa_verdict_word(r->caa.verdict));
    dv_report_findings_text(stdout, cfg, &r->findings);
    printf("\n1 record checked: exit %d (%s)\n", rc, dv_report_status_word(rc));
  }
out:
  run_close(&run); /* first: outstanding callbacks point into r */
  if (r) {
    dv_dns_record_free(r);
    free(r);
  }
  dv_ca_choice_free(&ca);
  return rc;
}

int dv_cmd_dns(dv_cfg *cfg)
{
  dv_record_list in = {0};
  dv_dns_record *recs = NULL;
  dv_run run;
  char detail[512];
  int rc = DV_EXIT_UNKNOWN, deadline = 0, incomplete = 0, any_all = 0, lr;
  dv_severity worst_all = DV_SEV_INFO;
  const char *cert = cfg->nargs ? cfg->args[0] : NULL;
  int64_t t0 = dv_loop_now_ms();
  dv_ca_choice ca;
  int choose;

  if (cfg->acme_name || cfg->persist_name)
    return dns_txt(cfg);
  memset(&run, 0, sizeof(run));
  memset(&ca, 0, sizeof(ca));
  if (cfg->expect) {
    dv_error("dns: --expect goes with --acme");
    goto out;
  }
  choose = dv_ca_choose(cfg, &ca, "dns-change");
  if (choose != 0) {
    rc = choose > 0 ? DV_EXIT_OK : DV_EXIT_UNKNOWN;
    goto out;
  }
  if (cfg->nargs > 1) {
    dv_error("dns: give one certificate NAME (records: --cname or --records)");
    goto out;
  }
  for (size_t i = 0; i < cfg->ncnames; i++) {
    dv_records_status st =
        dv_records_add_arg(&in, cert, cfg->cnames[i], detail, sizeof(detail));
    if (st != DV_RECORDS_OK) {
      dv_error("%s",
               st == DV_RECORDS_SYNTAX ? detail : dv_records_status_str(st));
      goto out;
    }
  }
  if (cfg->records_file) {
    dv_records_status st =
        dv_records_read_file(&in, cfg->records_file, detail, sizeof(detail));
    if (st != DV_RECORDS_OK) {
      dv_error("%s: %s%s%s", cfg->records_file, dv_records_status_str(st),
               st == DV_RECORDS_SYNTAX || st == DV_RECORDS_OPEN ? ": " : "",
               st == DV_RECORDS_SYNTAX || st == DV_RECORDS_OPEN ? detail : "");
      goto out;
    }
  }
  if (!in.n) {
    dv_error("dns: give --cname RECORD_NAME=RECORD_VALUE or --records FILE; "
             "see 'dvcheck dns --help'");
    goto out;
  }
  recs = calloc(in.n, sizeof(*recs));
  if (!recs) {
    dv_error("out of memory");
    goto out;
  }
  for (size_t i = 0; i < in.n; i++) {
    dv_dns_record_init(&recs[i], in.v[i].cert_name, in.v[i].rname,
                       in.v[i].rvalue);
    dv_caa_set_policy(&recs[i].caa, &ca.policy);
  }
  records_share(recs, in.n);
  if (run_open(&run, cfg) < 0)
    goto out;
  if (cfg->verbose >= 2)
    fprintf(stderr, "dvcheck: -vv DNS traces are printed per resolver\n");
  for (size_t i = 0; i < in.n; i++)
    if (recs[i].shared_with < 0)
      dv_dns_record_start(&run.dns, &recs[i]);
  lr = run_loop(&run, cfg, t0);
  if (lr < 0)
    goto out;
  deadline = lr;
  for (size_t i = 0; i < in.n; i++) {
    dv_dns_record *r = &recs[i];
    if (r->shared_with >= 0) {
      dv_finding *f =
          dv_findings_add(&r->findings, DV_F_DNS_RECORD_SHARED, r->cert_name);
      dv_finding_ev(&r->findings, f, "shared_with", "%s",
                    recs[r->shared_with].cert_name);
      dv_finding_ev(&r->findings, f, "record_name", "%s", r->rname);
      continue;
    }
    dv_dns_record_finish(r);
    incomplete |= r->incomplete;
    dv_findings_fold(&r->findings, &any_all, &worst_all);
  }
  rc = dv_report_exit_code(any_all, worst_all, deadline || incomplete);
  if (cfg->format == DV_FORMAT_DOT) {
    if (dv_report_dot(stdout, recs, in.n) < 0) {
      dv_error("cannot write the DOT graph");
      rc = DV_EXIT_UNKNOWN;
    }
  } else if (cfg->json) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < in.n; i++) {
      const dv_dns_record *r =
          recs[i].shared_with >= 0 ? &recs[recs[i].shared_with] : &recs[i];
      json_t *j =
          with_verdict(record_json(r), &recs[i].findings, recs[i].incomplete);
      if (j && recs[i].shared_with >= 0)
        json_object_set_new(j, "name", dv_json_str(recs[i].cert_name));
      dv_json_push(&arr, j);
    }
    rc = dv_report_json_emit("dns", rc, deadline, arr);
  } else {
    for (size_t i = 0; i < in.n; i++) {
      const dv_dns_record *r = &recs[i];
      char sub[DV_NAME_LEN + 16];
      snprintf(sub, sizeof(sub), "for %s", r->cert_name);
      print_header(stdout, cfg, r->rname, sub, &r->findings, r->incomplete);
      fputs("  expected: CNAME ", stdout);
      dv_text_fput(stdout, r->rvalue, strlen(r->rvalue));
      fputs(".\n", stdout);
      if (r->shared_with < 0) {
        print_servers(stdout, r, 0);
        fputs("  resolver: ", stdout);
        fputs(dv_dns_status_str(r->rec_st), stdout);
        if (r->rec_cname[0]) {
          fputs(" -> ", stdout);
          dv_text_fput(stdout, r->rec_cname, strlen(r->rec_cname));
        }
        printf("\n  DNSSEC: %s   CAA: %s\n", dv_dns_record_dnssec_word(r),
               dv_caa_verdict_word(r->caa.verdict));
      }
      fputc('\n', stdout);
      dv_report_findings_text(stdout, cfg, &r->findings);
      fputc('\n', stdout);
    }
    printf("%zu record(s) checked: exit %d (%s)\n", in.n, rc,
           dv_report_status_word(rc));
  }
out:
  /* the resolvers first: freeing them delivers the cancellation of any
   * query still outstanding (a run cut short by an error), and those
   * callbacks point into recs */
  run_close(&run);
  if (recs)
    for (size_t i = 0; i < in.n; i++)
      dv_dns_record_free(&recs[i]);
  free(recs);
  dv_records_free(&in);
  dv_ca_choice_free(&ca);
  return rc;
}

/* ---- preflight ----------------------------------------------------------- */

typedef struct {
  dv_email_result email;
  dv_dns_record dns;
  dv_findings findings;
  dv_preflight_method method;
  int incomplete;
} dv_preflight;

int dv_cmd_preflight(dv_cfg *cfg)
{
  dv_preflight *pf = NULL;
  dv_run run;
  dv_email_ctx ectx = {0};
  int rc = DV_EXIT_UNKNOWN, bad = 0, deadline = 0, any_all = 0, lr;
  int incomplete = 0, choose, email_ok;
  dv_severity worst_all = DV_SEV_INFO;
  int64_t t0 = dv_loop_now_ms();
  dv_ca_choice ca;
  const char *dns_method;

  memset(&run, 0, sizeof(run));
  memset(&ca, 0, sizeof(ca));
  choose = dv_ca_choose(cfg, &ca, NULL);
  if (choose != 0) {
    rc = choose > 0 ? DV_EXIT_OK : DV_EXIT_UNKNOWN;
    goto out;
  }
  /* the CA's DNS method decides what CAA validationmethods must allow;
   * e-mail only for a CA that offers it (unknown CAs: not ruled out) */
  dns_method = ca.ca && ca.ca->nmethods ? dv_ca_dns_method(ca.ca) : NULL;
  ca.policy.method = dns_method ? dns_method : "dns-change";
  email_ok = !ca.ca || !ca.ca->nmethods || dv_ca_offers(ca.ca, "email");
  if (cfg->nargs == 0) {
    dv_error("preflight: give at least one NAME");
    goto out;
  }
  pf = calloc(cfg->nargs, sizeof(*pf));
  if (!pf) {
    dv_error("out of memory");
    goto out;
  }
  for (size_t i = 0; i < cfg->nargs; i++) {
    char detail[256], shown[1100];
    dv_name n;
    const char *a = cfg->args[i];
    dv_name_status st = dv_name_parse(a, strlen(a), &n, detail, sizeof(detail));
    dv_text_escape(a, strlen(a), shown, sizeof(shown));
    if (st != DV_NAME_OK) {
      dv_error("argument %zu: \"%.80s\": %s%s%s", i + 1, shown,
               dv_name_status_str(st), detail[0] ? ": " : "", detail);
      bad = 1;
      continue;
    }
    if (dv_email_result_init(&pf[i].email, shown, &n) < 0) {
      dv_error("out of memory");
      goto out;
    }
    dv_dns_record_init(&pf[i].dns, n.ascii, n.wildcard ? n.ascii + 2 : n.ascii,
                       "");
    dv_caa_set_policy(&pf[i].dns.caa, &ca.policy);
    pf[i].dns.preflight = 1;
  }
  if (bad)
    goto out;
  if (run_open(&run, cfg) < 0)
    goto out;
  ectx.res = run.dns.rec;
  for (size_t i = 0; i < cfg->nargs; i++) {
    dv_email_start(&ectx, &pf[i].email);
    dv_dns_record_start(&run.dns, &pf[i].dns);
  }
  lr = run_loop(&run, cfg, t0);
  if (lr < 0 || ectx.nomem)
    goto out;
  deadline = lr;
  for (size_t i = 0; i < cfg->nargs; i++) {
    dv_preflight *p = &pf[i];
    dv_finding *f;
    dv_email_finish(&p->email);
    dv_dns_record_finish(&p->dns);
    p->incomplete = p->email.incomplete || p->dns.incomplete;
    /* names sharing a DNS validation record */
    for (size_t j = 0; j < cfg->nargs; j++)
      if (j != i && strcmp(pf[j].dns.rname, p->dns.rname) == 0 &&
          pf[j].dns.caa.wildcard != p->dns.caa.wildcard) {
        f = dv_findings_add(&p->findings, DV_F_DNS_RECORD_SHARED,
                            p->dns.cert_name);
        dv_finding_ev(&p->findings, f, "shared_with", "%s",
                      pf[j].dns.cert_name);
      }
    {
      /* the CA's e-mail method: offered at all, and not past the BR's
       * MUST NOT date (3.2.2.4.4, SC-090) */
      const dv_ca_method *em = dv_ca_method_find(&ca.table, "email");
      int retired = em && em->must_not && ca.now >= em->must_not;
      char why[200];
      snprintf(why, sizeof(why),
               retired ? "DNS validation cannot work and e-mail validation "
                         "is retired (BR 3.2.2.4.4, SC-090)"
                       : "DNS validation cannot work and %s does not offer "
                         "e-mail validation",
               dv_ca_choice_name(&ca));
      if (retired && email_ok && p->email.chosen >= 0 && !p->incomplete &&
          !dv_preflight_dns_ok(&p->dns) && dv_dns_record_caa_ok(&p->dns))
        dv_ca_email_sunset(&ca, &p->findings, p->dns.cert_name);
      p->method =
          dv_preflight_decide_ca(&p->dns, &p->email, p->incomplete,
                                 email_ok && !retired, why, &p->findings);
      if (p->method == DV_PREFLIGHT_EMAIL)
        dv_ca_email_sunset(&ca, &p->findings, p->dns.cert_name);
      if (p->method == DV_PREFLIGHT_DNS && ca.explicit_ca)
        for (size_t k = 0; k < p->findings.n; k++)
          if (p->findings.v[k].code == DV_F_PREFLIGHT_USE_DNS)
            dv_finding_ev(&p->findings, &p->findings.v[k], "method", "%s (%s)",
                          ca.policy.method, ca.policy.display);
    }
    incomplete |= p->incomplete;
    dv_findings_fold(&p->findings, &any_all, &worst_all);
  }
  rc = dv_report_exit_code(any_all, worst_all, deadline || incomplete);
  if (cfg->json) {
    json_t *arr = json_array();
    static const char *const methods[] = {"none", "dns", "email"};
    for (size_t i = 0; arr && i < cfg->nargs; i++) {
      dv_preflight *p = &pf[i];
      const char *vd =
          p->email.chosen >= 0 ? p->email.cands[p->email.chosen].domain : NULL;
      json_t *j = json_pack(
          "{s:o, s:s, s:{s:o, s:s, s:s, s:b}, s:{s:o}}", "name",
          dv_json_str(p->dns.cert_name), "method",
          p->incomplete ? "unknown" : methods[p->method], "dns", "zone",
          p->dns.zone[0] ? dv_json_str(p->dns.zone) : json_null(), "caa",
          dv_caa_verdict_word(p->dns.caa.verdict), "dnssec",
          dv_dns_record_dnssec_word(&p->dns), "can_validate",
          dv_preflight_dns_ok(&p->dns), "email", "validation_domain",
          vd ? dv_json_str(vd) : json_null());
      dv_json_push(&arr, with_verdict(j, &p->findings, p->incomplete));
    }
    rc = dv_report_json_emit("preflight", rc, deadline, arr);
  } else {
    for (size_t i = 0; i < cfg->nargs; i++) {
      dv_preflight *p = &pf[i];
      static const char *const plan[] = {
          "no method can work yet (fix the problems below)", "DNS validation",
          "e-mail validation"};
      print_header(stdout, cfg, p->dns.cert_name, NULL, &p->findings,
                   p->incomplete);
      if (ca.explicit_ca) {
        fputs("  CA: ", stdout);
        dv_text_fput(stdout, ca.policy.display, strlen(ca.policy.display));
        fputc('\n', stdout);
      }
      printf("  plan: %s\n", p->incomplete ? "unknown" : plan[p->method]);
      printf("  DNS validation: %s (zone %s, CAA %s, DNSSEC %s)\n",
             dv_preflight_dns_ok(&p->dns) ? "can work" : "cannot work",
             p->dns.zone[0] ? p->dns.zone : "not found",
             dv_caa_verdict_word(p->dns.caa.verdict),
             dv_dns_record_dnssec_word(&p->dns));
      fputs("  e-mail validation: ", stdout);
      if (p->email.chosen >= 0) {
        fputs("can work, ValidationDomain ", stdout);
        dv_text_fput(stdout, p->email.cands[p->email.chosen].domain,
                     strlen(p->email.cands[p->email.chosen].domain));
        fputc('\n', stdout);
      } else {
        fputs("cannot work\n", stdout);
      }
      fputc('\n', stdout);
      dv_report_findings_text(stdout, cfg, &p->findings);
      fputc('\n', stdout);
    }
    printf("%zu name(s) checked: exit %d (%s)\n", cfg->nargs, rc,
           dv_report_status_word(rc));
  }
out:
  run_close(&run); /* first: outstanding callbacks point into pf */
  if (pf)
    for (size_t i = 0; i < cfg->nargs; i++) {
      dv_email_result_free(&pf[i].email);
      dv_dns_record_free(&pf[i].dns);
      dv_findings_free(&pf[i].findings);
    }
  free(pf);
  dv_ca_choice_free(&ca);
  return rc;
}
