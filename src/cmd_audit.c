/* dvcheck -- `dvcheck audit`: every ACM certificate of the account, the
 * problem ones diagnosed as `dvcheck cert` does, concurrently.
 *
 * Per region: ListCertificates (every page, every key type), streamed: each
 * page's summaries are picked as the page arrives and the page is dropped,
 * so only the picked certificates are kept, whatever the account's size;
 * their diagnoses start while later pages are still coming. A certificate
 * is a problem when it is PENDING_VALIDATION, VALIDATION_TIMED_OUT or
 * FAILED, expired while still in use, or expires within the window
 * (--days, default 45); ISSUED AMAZON_ISSUED certificates within 60 days
 * of expiry -- when ACM's managed renewal runs -- are described too, so a
 * renewal stuck in PENDING_VALIDATION or FAILED shows (and, for those not
 * in use, a validation record already gone). Each is diagnosed
 * (DescribeCertificate, then the e-mail/DNS checks of cert_diag.h) on one
 * loop with one shared DNS cache, DescribeCertificate paced by a token
 * bucket per region well under ACM's request quota -- except IMPORTED
 * certificates: their summary
 * carries everything the diagnosis and the report read (Status, Type,
 * DomainName, KeyAlgorithm, CreatedAt, NotAfter; ACM gives them no
 * validation, failure or renewal data), so the summary is diagnosed as it
 * is, without a call. A progress bar goes to stderr when it is a terminal.
 *
 * Memory. A diagnosis in progress is large (its DNS and e-mail check state,
 * hundreds of KB with many names); a finished one is reduced at once to
 * what the chosen output needs -- its text report, its JSON object (one
 * compact string), or for the HTML page its findings and the few
 * certificate fields the page reads -- and the diagnosis is freed. At most
 * AU_WINDOW diagnoses are open at once: the check modules do not signal
 * per certificate when their lookups are over, so the run goes in waves:
 * the loop runs until the open diagnoses (and the listings) are done --
 * then each is certainly complete --, they are reduced, and the next ones
 * start. The pacing bucket refills meanwhile, so a wave's tail costs
 * little of ACM's quota. The price: a wave lasts as long as its slowest
 * certificate's checks (a lame name server's timeouts) and, at first, as
 * long as the listings. Since a DNS record check costs what it finds
 * (check_dns.h: ~2 KB, not 378 KB) the window is wide: six accounts of
 * 2,500 certificates in the lab (bench/acm-account.sh audit-org) take 9.2 s
 * and 18 MB with a window of 64, 6.1 s and 22 MB with 256, 6.1 s and 23 MB
 * with 1,024 (before the waves: 8-11 s and 122 MB). A completion signal per
 * DNS record check (check_dns.h has none; check_email.h has done_cb) would
 * let a sliding window replace the waves, reducing each diagnosis the
 * moment its last lookup answers.
 *
 * Order. --format jsonl writes each certificate's object the moment it is
 * reduced (then it is freed), each account-region's object once its
 * listing and diagnoses are done, and a summary line: memory is bounded by
 * the window, whatever the number of accounts, regions and certificates.
 * The other formats are sorted (worst exit status first, then ARN) over the
 * whole run -- one table for the whole organisation, worst first, is what an
 * operator reads first -- so they hold the reduced results of the picked
 * certificates until the end: a few hundred bytes to a few KB each (only
 * the problem certificates are picked), not the diagnoses. markdown and
 * openmetrics are rendered from the whole JSON document at the end, as
 * for every command; --format json is written result by result. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/json.h"
#include "base/text.h"
#include "check/acm_expiry.h"
#include "check/acm_org.h"
#include "check/acm_session.h"
#include "check/cert_diag.h"
#include "check/check_dns.h"
#include "src/cert_report.h"
#include "base/names.h"
#include "base/ratelimit.h"
#include "src/report.h"
#include "src/report_html.h"
#include "src/tool_ca.h"
#include "src/tool_operate.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"

#define AU_RENEWAL_DAYS 60  /* ACM starts managed renewal 60 days ahead */
#define AU_WINDOW       256 /* diagnoses open (started, not reduced) at once */

struct au_region;

/* One picked certificate: au_on_page picks it from its summary, its
 * diagnosis (dv_cert_diag) fetches and checks, au_reduce classifies it and
 * keeps what the chosen output needs (then the diagnosis is freed); the
 * renderers only read that. Allocated one by one. */
typedef struct {
  struct au_region *reg;
  char arn[DV_ARN_MAX];
  char domain[300];
  char status[32];
  char why[40];       /* why it was picked */
  json_t *summary;    /* IMPORTED: diagnosed from its summary (ref held until
                         the diagnosis takes it); NULL: DescribeCertificate */
  dv_cert_diag *diag; /* while open; NULL once reduced */
  int started;
  int rc;
  int finished;    /* reduced: rc, main and the output below are set */
  dv_code main;    /* the table's finding (DV_F__COUNT: none) */
  char *out;       /* text: the report (rc != OK only); json, markdown,
                      openmetrics: the result object, compact JSON */
  json_t *hcert;   /* html: the certificate fields the page reads */
  dv_findings all; /* html: every finding (freed for other formats) */
} au_cert;

typedef struct au_region {
  dv_acm_region base; /* client, listing, pacing, region-level findings */
  const dv_org_account *acct; /* --org: the account; NULL otherwise */
  struct au_run *run;
  au_cert **certs; /* the picked ones, in listing order (jsonl: written
                      ones are dropped, NULL) */
  size_t ncerts, capcerts, next;
  size_t picked;    /* certificates picked (ncerts counts the array) */
  size_t described; /* DescribeCertificate calls made */
  int worst_rc;     /* its reduced certificates' worst exit status */
  int written;      /* jsonl: its object was written */
} au_region;

typedef struct au_run {
  dv_cfg *cfg;
  dv_acm_session sess;
  dv_dns_ctx dns;
  int dns_on;
  au_region *regions;
  size_t nregions;
  int all_regions;
  long days;
  time_t now;
  size_t total, started;
  size_t open;    /* diagnoses started and not reduced */
  size_t reduced; /* diagnoses reduced (finished) */
  size_t peak_open;
  int worst_rc; /* of the reduced certificates */
  int failed;   /* a reduction failed (reported): the run ends */
  int progress; /* stderr is a terminal */
  dv_timer progress_timer;
  int progress_on;
  dv_org org; /* --org */
  int org_on;
  dv_cert_opts diag_opts;
} au_run;

/* ---- progress (stderr, terminals only) ----------------------------------- */

static void au_progress_draw(au_run *run, int final)
{
  size_t listed = 0, lists = 0, done = run->started, i;
  int width = 30, fill;
  for (i = 0; i < run->nregions; i++) {
    listed += run->regions[i].base.nlisted;
    lists += run->regions[i].base.listed;
  }
  fill = run->total ? (int)(done * (size_t)width / run->total) : 0;
  fprintf(stderr,
          "\r\033[Kaudit: %zu/%zu region(s) listed, %zu certificate(s);"
          " diagnosing [%.*s%*s] %zu/%zu",
          lists, run->nregions, listed, fill, "##############################",
          width - fill, "", done, run->total);
  if (final)
    fputs("\r\033[K", stderr);
  fflush(stderr);
}

static void au_on_progress(void *arg)
{
  au_run *run = arg;
  au_progress_draw(run, 0);
  dv_loop_timer_arm(run->sess.loop, &run->progress_timer, 200, au_on_progress,
                    run);
}

/* ---- picking and pacing -------------------------------------------------- */

/* Why a summary is a problem worth a diagnosis, or NULL. */
static const char *au_pick(const au_run *run, const json_t *s)
{
  const char *st = dv_json_get_str(s, "Status"),
             *type = dv_json_get_str(s, "Type");
  double left;
  if (dv_json_get_left(s, "NotAfter", run->now, &left) < 0)
    left = 1e18; /* no usable NotAfter: not picked for expiring */
  if (strcmp(st, "PENDING_VALIDATION") == 0 ||
      strcmp(st, "VALIDATION_TIMED_OUT") == 0 || strcmp(st, "FAILED") == 0)
    return st;
  if (strcmp(st, "EXPIRED") == 0)
    return json_is_true(json_object_get(s, "InUse")) ? "expired, in use" : NULL;
  if (strcmp(st, "ISSUED") != 0)
    return NULL; /* INACTIVE, REVOKED: nothing to renew */
  if (left < (double)run->days * 86400.0)
    return "expiring";
  if (strcmp(type, "AMAZON_ISSUED") == 0 &&
      left < (double)AU_RENEWAL_DAYS * 86400.0)
    return "renewal window";
  return NULL;
}

static void au_pump(au_region *reg);
static void au_reduce(au_run *run, au_cert *c);

static void au_pump_cb(void *arg)
{
  au_pump(arg);
}

/* Start diagnoses while the window has room and the bucket has tokens;
 * each DescribeCertificate counts (the world checks after it do not call
 * ACM). */
static void au_pump(au_region *reg)
{
  au_run *run = reg->run;
  dv_loop *loop = run->sess.loop;
  while (!run->failed && reg->next < reg->ncerts) {
    au_cert *c = reg->certs[reg->next];
    if (c->summary) { /* no call: the summary is all there is */
      reg->next++;
      c->diag = dv_cert_diag_new(&run->diag_opts, loop, reg->base.acm,
                                 run->dns_on ? &run->dns : NULL, c->arn);
      if (c->diag &&
          dv_cert_diag_parse(c->diag, c->summary) == DV_CERT_DIAG_OK) {
        c->started = 1;
        run->started++;
      }
      json_decref(c->summary);
      c->summary = NULL;
      if (c->started)
        au_reduce(run, c); /* no lookup to wait for */
      else {
        dv_cert_diag_free(c->diag);
        c->diag = NULL;
      }
      continue;
    }
    if (run->open >= AU_WINDOW)
      return; /* the end of the wave makes room (dv_cmd_audit) */
    if (!dv_acm_region_pace(&reg->base, au_pump_cb, reg))
      return;
    reg->next++;
    c->diag = dv_cert_diag_new(&run->diag_opts, loop, reg->base.acm,
                               run->dns_on ? &run->dns : NULL, c->arn);
    if (c->diag && dv_cert_diag_start(c->diag) == 0) {
      c->started = 1;
      run->started++;
      reg->described++;
      if (++run->open > run->peak_open)
        run->peak_open = run->open;
    } else {
      dv_cert_diag_free(c->diag);
      c->diag = NULL;
    }
  }
}

/* One page of summaries: keep the picked ones and start diagnosing them;
 * the page itself is dropped by the caller. */
static void au_on_page(void *arg, const json_t *page)
{
  au_region *reg = arg;
  au_run *run = reg->run;
  const json_t *it;
  size_t i;

  dv_acm_region_page(&reg->base, page);
  json_array_foreach(page, i, it) {
    const char *why = au_pick(run, it);
    au_cert *c;
    if (!why)
      continue;
    if (reg->ncerts == reg->capcerts) {
      size_t cap = reg->capcerts ? reg->capcerts * 2 : 16;
      au_cert **nv = realloc(reg->certs, cap * sizeof(*nv));
      if (!nv) {
        reg->base.findings.nomem = 1;
        return;
      }
      reg->certs = nv;
      reg->capcerts = cap;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
      reg->base.findings.nomem = 1;
      return;
    }
    c->reg = reg;
    snprintf(c->arn, sizeof(c->arn), "%s",
             dv_json_get_str(it, "CertificateArn"));
    snprintf(c->domain, sizeof(c->domain), "%s",
             dv_json_get_str(it, "DomainName"));
    snprintf(c->status, sizeof(c->status), "%s", dv_json_get_str(it, "Status"));
    snprintf(c->why, sizeof(c->why), "%s", why);
    /* an IMPORTED certificate is diagnosed from its summary, whose SAN
     * list is SubjectAlternativeNameSummaries (the first 100; more are
     * flagged by HasAdditionalSubjectAlternativeNames: then describe it) --
     * the renderers read DescribeCertificate's SubjectAlternativeNames */
    if (strcmp(dv_json_get_str(it, "Type"), "IMPORTED") == 0 &&
        !json_is_true(
            json_object_get(it, "HasAdditionalSubjectAlternativeNames"))) {
      json_t *sans = json_object_get(it, "SubjectAlternativeNameSummaries");
      c->summary = json_copy((json_t *)it);
      if (c->summary && json_is_array(sans) &&
          json_object_set(c->summary, "SubjectAlternativeNames", sans) < 0) {
        json_decref(c->summary);
        c->summary = NULL;
      }
      if (!c->summary) {
        free(c);
        reg->base.findings.nomem = 1;
        return;
      }
    }
    reg->certs[reg->ncerts++] = c;
    reg->picked++;
    run->total++;
  }
  au_pump(reg);
}

static void au_unit_done(au_region *reg);

/* The listing ended (every page seen, or an error: its finding). */
static void au_on_list(void *arg, const dv_acm_result *res)
{
  au_region *reg = arg;
  if (dv_acm_region_listed(&reg->base, reg->run->all_regions, res))
    au_pump(reg);
  au_unit_done(reg);
}

/* ---- verdicts and reduction --------------------------------------------- */

/* The expiry view on top of the diagnosis (imported, not in use, ...). */
static void au_expiry(au_run *run, au_cert *c)
{
  const json_t *d = c->diag->cert;
  dv_expiry_verdict v;
  dv_finding *f;
  if (!d || dv_expiry_classify(d, run->now, run->days, &v) < 0 || !v.expiring)
    return;
  /* DNS renewals: the diagnosis already checked the CNAMEs */
  if (v.code == DV_F_EXPIRY_DNS_RENEWAL)
    return;
  f = dv_findings_add(&c->all, v.code, c->domain);
  if (v.code == DV_F_EXPIRY_EXPIRED)
    dv_finding_ev(&c->all, f, "expired", "%ld day(s) ago", -v.days_left);
  else
    dv_finding_ev(&c->all, f, "days_left", "%ld", v.days_left);
}

/* A finished diagnosis: its verdicts, its findings (with RUN_DEADLINE
 * when the run's deadline cancelled its DescribeCertificate) and exit
 * status. -1 (reported) when it failed. */
static int au_diag_finish(const au_run *run, au_cert *c)
{
  dv_cert_diag *d = c->diag;
  dv_cert_diag_status st = dv_cert_diag_finish(d);
  dv_findings own = {0};
  int any = 0, incomplete = d->incomplete, r = 0;
  dv_severity worst = DV_SEV_INFO;
  if (st != DV_CERT_DIAG_OK) {
    dv_error("%s", dv_cert_diag_status_str(st));
    return -1;
  }
  if (d->deadline && !dv_findings_has(&d->findings, DV_F_RUN_DEADLINE)) {
    dv_finding *f = dv_findings_add(&own, DV_F_RUN_DEADLINE, d->arn.arn);
    dv_finding_ev(&own, f, "timeout_s", "%g", run->cfg->timeout_s);
    incomplete = 1;
  }
  if (own.nomem || dv_cert_diag_collect(d, &own, &c->all) < 0) {
    dv_error("out of memory during the checks");
    r = -1;
  } else {
    dv_findings_fold(&c->all, &any, &worst);
    c->rc = dv_report_exit_code(any, worst, incomplete || d->deadline);
  }
  dv_findings_free(&own);
  return r;
}

static dv_code au_main_code(const au_cert *c)
{
  dv_severity best = DV_SEV_INFO;
  dv_code code = DV_F__COUNT;
  for (size_t i = 0; i < c->all.n; i++) {
    dv_severity s = dv_catalogue_get(c->all.v[i].code)->severity;
    /* ties: the more specific finding, not the status line */
    if (code == DV_F__COUNT || s > best ||
        (s == best &&
         strncmp(dv_catalogue_get(code)->id, "ACM_STATUS_", 11) == 0)) {
      best = s;
      code = c->all.v[i].code;
    }
  }
  return code;
}

/* The result object of a certificate (--json, jsonl, markdown,
 * openmetrics). */
static json_t *au_cert_json(const au_cert *c)
{
  json_t *o = dv_cert_report_json(c->diag, NULL, &c->all, c->rc);
  if (o && c->reg->acct)
    json_object_set_new(o, "account", json_string(c->reg->acct->id));
  return o;
}

/* --format html: the members of the CertificateDetail the page reads
 * (report_html.c: put_cert, row_init), the rest dropped. InUseBy: only
 * its length is shown. */
static json_t *au_html_fields(const json_t *cert)
{
  static const char *const keep[] = {"Type",
                                     "Status",
                                     "NotAfter",
                                     "NotBefore",
                                     "RenewalEligibility",
                                     "SubjectAlternativeNames"};
  json_t *o = json_object(), *v;
  if (!o || !cert)
    return o;
  for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
    if ((v = json_object_get(cert, keep[i])) &&
        json_object_set(o, keep[i], v) < 0)
      goto fail;
  v = json_object_get(cert, "RenewalSummary");
  if (json_is_object(v)) {
    json_t *rs = json_object();
    json_t *st = json_object_get(v, "RenewalStatus");
    if (!rs || (st && json_object_set(rs, "RenewalStatus", st) < 0) ||
        json_object_set_new(o, "RenewalSummary", rs) < 0)
      goto fail;
  }
  v = json_object_get(cert, "InUseBy");
  if (json_is_array(v)) {
    json_t *a = json_array();
    for (size_t i = 0; a && i < json_array_size(v); i++)
      if (json_array_append_new(a, json_null()) < 0) {
        json_decref(a);
        a = NULL;
      }
    if (!a || json_object_set_new(o, "InUseBy", a) < 0)
      goto fail;
  }
  return o;
fail:
  json_decref(o);
  return NULL;
}

/* A finished diagnosis: classify it, keep what the output needs (jsonl:
 * write it), free the diagnosis. On failure (reported) run->failed. */
static void au_reduce(au_run *run, au_cert *c)
{
  au_region *reg = c->reg;
  const dv_cfg *cfg = run->cfg;
  int nomem = 0;
  if (run->failed)
    return; /* the run ends; c is freed with it */
  if (au_diag_finish(run, c) < 0) {
    run->failed = 1;
    return;
  }
  au_expiry(run, c);
  {
    int any;
    dv_severity w = dv_findings_max(&c->all, &any);
    int r2 = dv_report_exit_code(any, w, 0);
    if (r2 > c->rc && c->rc != DV_EXIT_UNKNOWN)
      c->rc = r2;
  }
  c->finished = 1;
  c->main = au_main_code(c);
  if (c->rc > run->worst_rc)
    run->worst_rc = c->rc;
  if (c->rc > reg->worst_rc)
    reg->worst_rc = c->rc;
  run->reduced++;
  if (cfg->format == DV_FORMAT_HTML) {
    c->hcert = au_html_fields(c->diag->cert);
    nomem = c->all.nomem || (c->diag->cert && !c->hcert);
  } else if (cfg->format == DV_FORMAT_TEXT) {
    size_t len;
    FILE *m;
    if (c->rc != DV_EXIT_OK) {
      if ((m = open_memstream(&c->out, &len))) {
        dv_cert_report_text(m, cfg, c->diag, NULL, &c->all, c->rc);
        nomem = ferror(m) != 0;
        if (fclose(m) != 0)
          nomem = 1;
      } else
        nomem = 1;
    }
  } else {
    json_t *o = au_cert_json(c);
    if (cfg->format == DV_FORMAT_JSONL)
      nomem = dv_report_jsonl_put(stdout, o) < 0;
    else
      nomem = !o || !(c->out = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII));
    json_decref(o);
  }
  if (cfg->format != DV_FORMAT_HTML)
    dv_findings_free(&c->all);
  dv_cert_diag_free(c->diag);
  c->diag = NULL;
  if (nomem) {
    dv_error("out of memory (or cannot write) reporting %s", c->arn);
    run->failed = 1;
  }
}

static void au_cert_free(au_cert *c)
{
  if (!c)
    return;
  dv_cert_diag_free(c->diag);
  json_decref(c->summary);
  json_decref(c->hcert);
  dv_findings_free(&c->all);
  free(c->out);
  free(c);
}

/* The end of a wave: every open diagnosis is complete (the loop ran dry,
 * or the deadline cancelled what was left): reduce them all. jsonl: drop
 * the written certificates from the regions' arrays. */
static void au_wave_end(au_run *run)
{
  for (size_t i = 0; i < run->nregions; i++) {
    au_region *r = &run->regions[i];
    size_t j, k = 0;
    for (j = 0; j < r->next; j++) {
      au_cert *c = r->certs[j];
      if (c && c->started && !c->finished) {
        au_reduce(run, c);
        run->open--;
      }
    }
    if (run->cfg->format != DV_FORMAT_JSONL || run->failed)
      continue;
    for (j = 0; j < r->next; j++) { /* written, or never started */
      au_cert_free(r->certs[j]);
      r->certs[j] = NULL;
    }
    for (j = r->next; j < r->ncerts; j++)
      r->certs[k++] = r->certs[j];
    r->ncerts = k;
    r->next = 0;
  }
}

/* ---- output ----------------------------------------------------------------
 */

/* The worst exit status of one account-region unit. */
static int au_unit_rc(const au_region *r)
{
  int any, rc = 0;
  dv_severity w = dv_findings_max(&r->base.findings, &any);
  if (any)
    rc = dv_report_exit_code(any, w, 0);
  return r->worst_rc > rc ? r->worst_rc : rc;
}

static json_t *au_region_json(const au_region *r)
{
  json_t *o = dv_acm_region_json(&r->base, r->picked);
  if (o && r->acct)
    json_object_set_new(o, "account", json_string(r->acct->id));
  return o;
}

/* jsonl: an account-region's object once its listing and diagnoses are
 * done (and never twice). */
static void au_unit_done(au_region *reg)
{
  au_run *run = reg->run;
  json_t *o;
  if (run->cfg->format != DV_FORMAT_JSONL || reg->written || run->failed ||
      !reg->base.listed || reg->next < reg->ncerts)
    return;
  for (size_t j = 0; j < reg->ncerts; j++)
    if (reg->certs[j] && reg->certs[j]->started && !reg->certs[j]->finished)
      return;
  reg->written = 1;
  o = au_region_json(reg);
  if (dv_report_jsonl_put(stdout, o) < 0) {
    dv_error("cannot write the output");
    run->failed = 1;
  }
  json_decref(o);
}

static void au_table(au_run *run, au_cert **v, size_t n, size_t listed)
{
  size_t i;
  printf("ACM audit: %zu certificate(s) in %zu region(s), %zu diagnosed:\n\n",
         listed, run->nregions, n);
  if (n)
    printf("  %s%-15s %-21s %-28s %s\n", run->org_on ? "ACCOUNT       " : "",
           "REGION", "STATUS", "DOMAIN", "WORST FINDING");
  for (i = 0; i < n; i++) {
    const au_cert *c = v[i];
    dv_code code = c->main;
    char dom[120];
    dv_text_escape(c->domain, strlen(c->domain), dom, sizeof(dom));
    printf("  ");
    if (run->org_on)
      printf("%-13s ", c->reg->acct ? c->reg->acct->id : "-");
    printf("%-15s %-21s %-28s ", c->reg->base.name, c->status, dom);
    if (code != DV_F__COUNT) {
      dv_report_sev(stdout, run->cfg, dv_catalogue_get(code)->severity);
      printf(" %s\n", dv_catalogue_get(code)->id);
    } else
      printf("-\n");
  }
  if (!n)
    printf("  no certificate needs attention\n");
}

static int au_unit_cmp(const void *a, const void *b)
{
  const au_region *x = *(au_region *const *)a, *y = *(au_region *const *)b;
  int rx = au_unit_rc(x), ry = au_unit_rc(y), c;
  if (rx != ry)
    return rx > ry ? -1 : 1;
  c = strcmp(x->acct ? x->acct->id : "", y->acct ? y->acct->id : "");
  return c ? c : strcmp(x->base.name, y->base.name);
}

/* --org: accounts that were not audited, then every account and region,
 * worst first. */
static void au_org_summary(au_run *run)
{
  const dv_org *org = &run->org;
  au_region **v = calloc(run->nregions ? run->nregions : 1, sizeof(*v));
  size_t i, audited = 0;
  for (i = 0; i < org->n; i++)
    audited += org->v[i].ready;
  printf("\nOrganisation: %zu account(s) listed, %zu audited, %zu not "
         "(ListAccounts %d page(s), %d AssumeRole call(s)):\n",
         org->n, audited, org->n - audited, org->pages, org->sts_calls);
  if (org->findings.n)
    dv_report_findings_text(stdout, run->cfg, &org->findings);
  for (i = 0; i < org->n; i++) {
    const dv_org_account *a = &org->v[i];
    if (a->ready || !a->findings.n)
      continue;
    printf("\n== account %s%s%s%s (%s)\n", a->id, a->name[0] ? " (" : "",
           a->name, a->name[0] ? ")" : "", a->status);
    dv_report_findings_text(stdout, run->cfg, &a->findings);
  }
  if (!v)
    return;
  for (i = 0; i < run->nregions; i++)
    v[i] = &run->regions[i];
  qsort(v, run->nregions, sizeof(*v), au_unit_cmp);
  printf("\n  %-13s %-15s %8s %10s  %s\n", "ACCOUNT", "REGION", "LISTED",
         "DIAGNOSED", "WORST");
  for (i = 0; i < run->nregions; i++) {
    const au_region *r = v[i];
    int rc = au_unit_rc(r);
    printf("  %-13s %-15s %8zu %10zu  %s%s\n", r->acct ? r->acct->id : "-",
           r->base.name, r->base.nlisted, r->picked, dv_report_status_word(rc),
           r->base.skipped      ? " (not enabled)"
           : r->base.findings.n ? " (region error)"
                                : "");
  }
  free(v);
}

static int au_cmp(const void *a, const void *b)
{
  const au_cert *x = *(au_cert *const *)a, *y = *(au_cert *const *)b;
  if (x->rc != y->rc)
    return x->rc > y->rc ? -1 : 1; /* worst first */
  return strcmp(x->arn, y->arn);
}

/* --format html: the page (src/report_html.c). */
static int au_html(au_run *run, au_cert **v, size_t n, size_t listed, int rc)
{
  dv_html_cert *hc = calloc(n ? n : 1, sizeof(*hc));
  dv_html_unit *u = calloc(run->nregions ? run->nregions : 1, sizeof(*u));
  for (size_t i = 0; hc && i < n; i++) {
    const dv_org_account *a = v[i]->reg->acct;
    hc[i].account = a ? a->id : NULL;
    hc[i].account_name = a ? a->name : NULL;
    hc[i].region = v[i]->reg->base.name;
    hc[i].arn = v[i]->arn;
    hc[i].domain = v[i]->domain;
    hc[i].cert = v[i]->hcert;
    hc[i].status = v[i]->status;
    hc[i].note = v[i]->why;
    hc[i].verdict = DV_F__COUNT;
    hc[i].findings = &v[i]->all;
  }
  for (size_t i = 0; u && i < run->nregions; i++) {
    u[i].region = &run->regions[i].base;
    u[i].acct = run->regions[i].acct;
  }
  rc = dv_report_html_run(stdout, "audit", run->now, run->days, listed, rc, hc,
                          n, run->org_on ? &run->org : NULL, u, run->nregions);
  free(hc);
  free(u);
  return rc;
}

/* The organisation's objects of the JSON results, pushed to arr. */
static void au_org_json(au_run *run, json_t **arr)
{
  if (!run->org_on)
    return;
  if (*arr && run->org.findings.n)
    dv_json_push(arr,
                 json_pack("{s:s, s:o}", "kind", "organization", "findings",
                           dv_findings_json(&run->org.findings)));
  for (size_t i = 0; *arr && i < run->org.n; i++)
    dv_json_push(arr, dv_org_account_json(&run->org.v[i]));
}

/* The JSON result objects: the organisation, the account-regions, then the
 * certificates (sorted); each handed to put (stolen). -1 when memory ran
 * out or put failed. */
static int au_results(au_run *run, au_cert **v, size_t n,
                      int (*put)(void *arg, json_t *o), void *arg)
{
  json_t *head = json_array();
  size_t i;
  au_org_json(run, &head);
  if (!head)
    return -1;
  for (i = 0; i < json_array_size(head); i++)
    if (put(arg, json_incref(json_array_get(head, i))) < 0)
      break;
  if (i < json_array_size(head)) {
    json_decref(head);
    return -1;
  }
  json_decref(head);
  for (i = 0; i < run->nregions; i++)
    if (put(arg, au_region_json(&run->regions[i])) < 0)
      return -1;
  for (i = 0; i < n; i++) {
    json_error_t err;
    if (put(arg, json_loads(v[i]->out, JSON_ALLOW_NUL, &err)) < 0)
      return -1;
  }
  return 0;
}

typedef struct {
  size_t n;
} au_stream;

/* --format json: written result by result */
static int au_put_stream(void *arg, json_t *o)
{
  au_stream *st = arg;
  int r = dv_report_json_item(stdout, st->n++, o);
  json_decref(o);
  return r;
}

/* markdown, openmetrics: the whole document */
static int au_put_array(void *arg, json_t *o)
{
  json_t **arr = arg;
  dv_json_push(arr, o);
  return *arr ? 0 : -1;
}

int dv_cmd_audit(dv_cfg *cfg)
{
  dv_acm_unit *units = NULL;
  size_t nunits = 0;
  au_run run;
  const char *regions[DV_ACM_MAX_REGIONS];
  size_t nregions = 0, i, j, n = 0, listed = 0, picked = 0;
  au_cert **sorted = NULL;
  int rc = DV_EXIT_UNKNOWN, deadline = 0, incomplete = 0, worst_rc = 0;
  int jsonl = cfg->format == DV_FORMAT_JSONL;
  char why[300];

  memset(&run, 0, sizeof(run));
  run.cfg = cfg;
  {
    /* 45 days, less once the lifetime in force is short (BR 6.3.2) */
    unsigned window = DV_EXPIRY_DEFAULT_DAYS;
    dv_ca_default_thresholds(NULL, NULL, &window);
    run.days = cfg->expiry_days > 0 ? cfg->expiry_days : (long)window;
  }
  run.now = time(NULL);
  run.diag_opts.resolvers = cfg->resolvers;
  run.diag_opts.max_inflight = cfg->max_inflight;
  /* a whole account within ACM's request quota takes a while */
  if (!cfg->timeout_given)
    cfg->timeout_s = DV_ACM_ACCOUNT_TIMEOUT_S;
  if (dv_tool_acm_regions(cfg, regions, &nregions, &run.all_regions, why,
                          sizeof(why)) < 0) {
    dv_error("%s", why);
    return DV_EXIT_UNKNOWN;
  }
  if (dv_tool_acm_open(&run.sess, cfg, "audit", &rc) < 0)
    return rc;
  rc = DV_EXIT_UNKNOWN;
  if (dv_dns_ctx_init_max(&run.dns, run.sess.loop,
                          cfg->resolvers[0] ? cfg->resolvers : NULL,
                          cfg->max_inflight) != DV_DNS_CTX_OK) {
    dv_error("cannot set up the DNS resolver");
    goto out;
  }
  run.dns_on = 1;
  if (dv_tool_acm_units(&run.sess, cfg, regions, nregions, &run.org,
                        &run.org_on, &units, &nunits) < 0)
    goto out;
  if (cfg->verbose && run.org_on)
    fprintf(stderr,
            "dvcheck: organisation: %zu account(s) in %ld ms, roles in "
            "%ld ms; auditing %zu account-region(s)\n",
            run.org.n, run.org.list_ms, run.org.assume_ms, nunits);
  if (jsonl) { /* the organisation is complete: its objects first */
    json_t *arr = json_array();
    au_org_json(&run, &arr);
    for (i = 0; arr && i < json_array_size(arr); i++)
      if (dv_report_jsonl_put(stdout, json_array_get(arr, i)) < 0)
        break;
    if (!arr || i < json_array_size(arr)) {
      json_decref(arr);
      dv_error("cannot write the output");
      goto out;
    }
    json_decref(arr);
  }
  run.regions = calloc(nunits ? nunits : 1, sizeof(*run.regions));
  if (!run.regions) {
    dv_error("out of memory");
    goto out;
  }
  for (i = 0; i < nunits; i++) {
    au_region *r = &run.regions[i];
    r->run = &run;
    r->acct = units[i].acct;
    run.nregions = i + 1;
    if (dv_tool_acm_unit_open(&run.sess, &units[i], &r->base) < 0)
      goto out;
  }
  for (i = 0; i < run.nregions; i++) {
    au_region *r = &run.regions[i];
    if (dv_acm_list_certificates_paged(r->base.acm, NULL, 0, au_on_page,
                                       au_on_list, r) < 0) {
      dv_error("out of memory");
      goto out;
    }
  }
  run.progress = !cfg->json && !jsonl && isatty(STDERR_FILENO);
  if (run.progress) /* the timer holds no reference: it never keeps the
                       loop alive */
    dv_loop_timer_arm(run.sess.loop, &run.progress_timer, 200, au_on_progress,
                      &run);
  /* waves: the loop runs dry once the listings and the open diagnoses are
   * done; those are reduced, and the next ones start */
  for (;;) {
    size_t before = run.started;
    deadline = dv_tool_acm_run(&run.sess);
    if (deadline < 0)
      break;
    au_wave_end(&run);
    for (i = 0; i < run.nregions; i++)
      au_unit_done(&run.regions[i]);
    if (deadline || run.failed)
      break;
    for (i = 0; i < run.nregions; i++)
      au_pump(&run.regions[i]);
    if (run.started == before && !run.open) {
      /* nothing started: done, unless a pacing timer is due */
      for (i = 0; i < run.nregions; i++)
        if (run.regions[i].next < run.regions[i].ncerts)
          break;
      if (i == run.nregions)
        break;
    }
  }
  if (run.progress) {
    dv_loop_timer_disarm(run.sess.loop, &run.progress_timer);
    au_progress_draw(&run, 1);
  }
  if (deadline < 0 || run.failed)
    goto out;
  if (deadline)
    incomplete = 1;
  if (cfg->verbose)
    fprintf(stderr,
            "dvcheck: %zu diagnosis(es), at most %zu open at once (window "
            "%d)\n",
            run.reduced, run.peak_open, AU_WINDOW);

  for (i = 0; i < run.nregions; i++) {
    au_region *r = &run.regions[i];
    if (!r->base.listed || r->base.findings.n || r->next < r->ncerts)
      incomplete = 1;
    if (deadline)
      dv_acm_region_deadline(&r->base, r->ncerts - r->next, r->picked,
                             cfg->timeout_s);
    if (cfg->verbose && r->base.listed && !r->base.skipped)
      fprintf(stderr,
              "dvcheck: %s%s%s: %zu certificate(s) listed in %d page(s), "
              "%zu picked, %zu DescribeCertificate call(s)\n",
              r->acct ? r->acct->id : "", r->acct ? " " : "", r->base.name,
              r->base.nlisted, r->base.pages, r->picked, r->described);
    listed += r->base.nlisted;
    picked += r->picked;
    for (j = 0; j < r->ncerts; j++)
      n += r->certs[j] && r->certs[j]->finished;
  }
  /* a picked certificate whose diagnosis never ran: the deadline came
   * before its turn, or it could not start */
  if (run.reduced < picked)
    incomplete = 1;
  if (!jsonl) {
    sorted = calloc(n ? n : 1, sizeof(*sorted));
    if (!sorted) {
      dv_error("out of memory");
      goto out;
    }
    n = 0;
    for (i = 0; i < run.nregions; i++)
      for (j = 0; j < run.regions[i].ncerts; j++) {
        au_cert *c = run.regions[i].certs[j];
        if (c && c->finished)
          sorted[n++] = c;
      }
    qsort(sorted, n, sizeof(*sorted), au_cmp);
  }
  worst_rc = run.worst_rc;
  for (i = 0; i < run.nregions; i++) {
    int any;
    dv_severity w = dv_findings_max(&run.regions[i].base.findings, &any);
    if (any && dv_report_exit_code(any, w, 0) > worst_rc)
      worst_rc = dv_report_exit_code(any, w, 0);
  }
  if (run.org_on) {
    int any;
    dv_severity w = dv_findings_max(&run.org.findings, &any);
    if (any && dv_report_exit_code(any, w, 0) > worst_rc)
      worst_rc = dv_report_exit_code(any, w, 0);
    for (i = 0; i < run.org.n; i++) {
      w = dv_findings_max(&run.org.v[i].findings, &any);
      if (any && dv_report_exit_code(any, w, 0) > worst_rc)
        worst_rc = dv_report_exit_code(any, w, 0);
    }
  }
  rc = incomplete ? DV_EXIT_UNKNOWN : worst_rc;
  if (jsonl) {
    /* the account-regions not written yet (the deadline, errors) */
    for (i = 0; i < run.nregions; i++) {
      au_region *r = &run.regions[i];
      json_t *o;
      if (r->written)
        continue;
      o = au_region_json(r);
      if (dv_report_jsonl_put(stdout, o) < 0)
        rc = DV_EXIT_UNKNOWN;
      json_decref(o);
    }
    if (dv_report_jsonl_end(stdout, "audit", rc, deadline,
                            json_pack("{s:I, s:I, s:I, s:I}", "account_regions",
                                      (json_int_t)run.nregions, "listed",
                                      (json_int_t)listed, "picked",
                                      (json_int_t)picked, "diagnosed",
                                      (json_int_t)run.reduced)) < 0) {
      dv_error("cannot write the output");
      rc = DV_EXIT_UNKNOWN;
    }
  } else if (cfg->format == DV_FORMAT_HTML) {
    rc = au_html(&run, sorted, n, listed, rc);
  } else if (cfg->format == DV_FORMAT_JSON) {
    au_stream st = {0};
    dv_report_json_head(stdout, "audit", rc, deadline);
    if (au_results(&run, sorted, n, au_put_stream, &st) < 0 ||
        dv_report_json_tail(stdout, st.n) < 0) {
      fputs("dvcheck: error: out of memory building JSON\n", stderr);
      rc = DV_EXIT_UNKNOWN;
    }
  } else if (cfg->json) { /* markdown, openmetrics */
    json_t *arr = json_array();
    if (arr && au_results(&run, sorted, n, au_put_array, &arr) < 0) {
      json_decref(arr);
      arr = NULL;
    }
    rc = dv_report_json_emit("audit", rc, deadline, arr);
  } else {
    au_table(&run, sorted, n, listed);
    for (i = 0; i < n; i++) {
      if (sorted[i]->rc == DV_EXIT_OK)
        continue;
      printf("\n");
      if (sorted[i]->out)
        fputs(sorted[i]->out, stdout);
    }
    for (i = 0; i < run.nregions; i++) {
      const au_region *r = &run.regions[i];
      if (r->base.findings.n) {
        printf("\n== region %s%s%s\n", r->acct ? r->acct->id : "",
               r->acct ? " " : "", r->base.name);
        dv_report_findings_text(stdout, cfg, &r->base.findings);
      }
      if (r->base.skipped && cfg->verbose)
        fprintf(stderr,
                "dvcheck: %s: region not enabled for this account, "
                "skipped\n",
                r->base.name);
    }
    if (run.org_on)
      au_org_summary(&run);
    printf("\n%zu certificate(s) listed, %zu diagnosed: exit %d (%s)\n", listed,
           n, rc, dv_report_status_word(rc));
  }
out:
  free(units);
  free(sorted);
  dv_acm_session_cancel(&run.sess);
  for (i = 0; i < run.nregions; i++) {
    au_region *r = &run.regions[i];
    for (j = 0; j < r->ncerts; j++)
      au_cert_free(r->certs[j]);
    free(r->certs);
    dv_acm_region_close(&r->base);
  }
  free(run.regions);
  dv_org_free(&run.org);
  if (run.dns_on)
    dv_dns_ctx_free(&run.dns);
  dv_acm_session_close(&run.sess);
  return rc;
}
