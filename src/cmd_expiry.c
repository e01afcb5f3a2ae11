/* dvcheck -- `dvcheck expiry`: every ACM certificate that expires within N
 * days, across regions, with what stands between it and a renewal.
 *
 * Per region: ListCertificates (every page, every key type), streamed: each
 * page's summaries are classified (acm_expiry.c) as the page arrives and
 * the page is dropped; only certificates that expire within the window are
 * kept (an ex_cert each). Of those, only AMAZON_ISSUED ones that ACM should
 * renew (RenewalEligibility ELIGIBLE, not yet expired) get a
 * DescribeCertificate -- the summary's Type, RenewalEligibility and
 * NotAfter settle every other verdict -- paced by a token bucket well under
 * ACM's request quota; DNS-validated ones then get the DNS checks on their
 * validation CNAMEs, all concurrently on one loop.
 *
 * Memory: one page of summaries per region in flight, the DNS checks of at
 * most EX_WINDOW described certificates at once (a check's state is large;
 * the run goes in waves as `audit`'s does, see cmd_audit.c: the loop runs
 * dry, the described certificates are finished, their checks freed, the
 * next ones described), and the expiring certificates reduced to their
 * verdict, findings and ACM's fields (the DomainValidationOptions
 * dropped). --format jsonl writes each certificate's object as it is
 * finished (then frees it), each account-region's once it is done, and a
 * summary line: bounded by the window whatever the number of accounts.
 * The other outputs are sorted by days left, then ARN, over the whole
 * run: text, JSON (written result by result), markdown, openmetrics,
 * HTML, or ASFF (--format asff: a BatchImportFindings request body). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/json.h"
#include "base/text.h"
#include "aws/acm_client.h"
#include "check/acm_expiry.h"
#include "check/acm_org.h"
#include "check/acm_session.h"
#include "check/check_dns.h"
#include "base/names.h"
#include "base/ratelimit.h"
#include "src/report.h"
#include "src/tool_ca.h"
#include "src/report_asff.h"
#include "src/report_html.h"
#include "src/tool_operate.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"

/* DescribeCertificate: paced (acm_session.h), at most 4 in flight. */
#define EX_MAX_INFLIGHT 4
#define EX_MAX_RECORDS  16
#define EX_WINDOW       256 /* described certificates not yet finished */

struct ex_region;

/* One expiring certificate: the fetch/classify side fills it in
 * (ex_on_page, ex_on_describe, ex_cert_finish), the renderers (ex_text,
 * ex_cert_json, ex_asff) only read it. Allocated one by one: in-flight
 * DescribeCertificate calls hold its address. */
typedef struct {
  struct ex_region *reg;
  json_t *summary; /* ref held (one summary, not its page) */
  json_t *detail;  /* ref held; NULL until described; its
                      DomainValidationOptions are dropped once read */
  char arn[DV_ARN_MAX];
  char domain[300];
  dv_expiry_verdict v;
  dv_dns_record *recs; /* the DNS checks (a record is large: allocated for
                          the DNS-validated names only) */
  size_t nrecs;
  int describe_failed;
  dv_acm_result_copy api; /* the failed DescribeCertificate */
  dv_findings findings;
  int described; /* its DescribeCertificate was asked (counts in open) */
  int finished;  /* ex_cert_finish ran; recs freed */
} ex_cert;

typedef struct ex_region {
  dv_acm_region base; /* client, listing, pacing, region-level findings */
  struct ex_run *run;
  const dv_org_account *acct; /* --org: the account; NULL otherwise */
  ex_cert **certs;            /* the expiring ones, in listing order (jsonl: the
                                 written ones are dropped) */
  size_t ncerts, capcerts;
  size_t expiring;  /* certificates expiring (ncerts counts the array) */
  size_t need;      /* of them: needing a DescribeCertificate */
  int written;      /* jsonl: its object was written */
  size_t next;      /* next cert to consider for DescribeCertificate */
  size_t described; /* DescribeCertificate calls made */
  int inflight;
} ex_region;

typedef struct ex_run {
  dv_cfg *cfg;
  dv_acm_session sess;
  dv_dns_ctx dns;
  int dns_on;
  ex_region *regions;
  size_t nregions;
  int all_regions;
  long days;
  time_t now;
  dv_org org; /* --org */
  int org_on;
  size_t open; /* described, not finished */
  size_t peak_open;
  size_t finished;
  int any_all; /* the finished certificates' findings, folded */
  dv_severity worst;
  int incomplete; /* a DescribeCertificate failed */
  int failed;     /* writing failed (reported) */
} ex_run;

/* ---- DNS checks for DNS-validated names ---------------------------------- */

static void ex_dns_start(ex_run *run, ex_cert *c)
{
  const json_t *dvos = json_object_get(c->detail, "DomainValidationOptions");
  const json_t *it;
  size_t i, want = 0;
  if (!run->dns_on) {
    if (dv_dns_ctx_init_max(&run->dns, run->sess.loop,
                            run->cfg->resolvers[0] ? run->cfg->resolvers : NULL,
                            run->cfg->max_inflight) != DV_DNS_CTX_OK)
      return; /* the verdict stays "renewal expected", marked unchecked */
    run->dns_on = 1;
  }
  json_array_foreach(dvos, i, it) {
    want += strcmp(dv_json_get_str(it, "ValidationMethod"), "DNS") == 0;
  }
  if (want > EX_MAX_RECORDS)
    want = EX_MAX_RECORDS;
  if (!want)
    return;
  if (!(c->recs = calloc(want, sizeof(*c->recs)))) {
    c->findings.nomem = 1;
    return;
  }
  json_array_foreach(dvos, i, it) {
    const json_t *rr = json_object_get(it, "ResourceRecord");
    char rn[DV_NAME_LEN], rv[DV_NAME_LEN], why[128];
    if (strcmp(dv_json_get_str(it, "ValidationMethod"), "DNS") != 0 ||
        !json_is_object(rr) ||
        strcasecmp(dv_json_get_str(rr, "Type"), "CNAME") != 0)
      continue;
    if (dv_dns_name_normalise(dv_json_get_str(rr, "Name"), rn, sizeof(rn), why,
                              sizeof(why)) < 0 ||
        dv_dns_name_normalise(dv_json_get_str(rr, "Value"), rv, sizeof(rv), why,
                              sizeof(why)) < 0)
      continue;
    if (c->nrecs >= want)
      break;
    /* the same record for *.x and x: check it once */
    int dup = 0;
    for (size_t k = 0; k < c->nrecs; k++)
      if (strcasecmp(c->recs[k].rname, rn) == 0)
        dup = 1;
    if (dup)
      continue;
    dv_dns_record_init(&c->recs[c->nrecs], dv_json_get_str(it, "DomainName"),
                       rn, rv);
    dv_dns_record_start(&run->dns, &c->recs[c->nrecs]);
    c->nrecs++;
  }
}

/* ---- DescribeCertificate pump -------------------------------------------- */

static void ex_pump(ex_region *reg);

static void ex_on_describe(void *arg, const dv_acm_result *res)
{
  ex_cert *c = arg;
  ex_region *reg = c->reg;
  reg->inflight--;
  if (res->status == DV_ACM_OK &&
      json_is_object(json_object_get(res->json, "Certificate"))) {
    c->detail = json_incref(json_object_get(res->json, "Certificate"));
    if (dv_expiry_classify(c->detail, reg->run->now, reg->run->days, &c->v) ==
            0 &&
        c->v.need_dns_check)
      ex_dns_start(reg->run, c);
    /* the verdict and the DNS checks have what they need from the names;
     * with up to 100 names they are most of the detail: not kept */
    json_object_del(c->detail, "DomainValidationOptions");
    if (json_is_object(json_object_get(c->detail, "RenewalSummary")))
      json_object_del(json_object_get(c->detail, "RenewalSummary"),
                      "DomainValidationOptions");
  } else {
    c->describe_failed = 1;
    dv_acm_result_keep(&c->api, res);
  }
  ex_pump(reg);
}

static void ex_pump_cb(void *arg)
{
  ex_pump(arg);
}

static void ex_pump(ex_region *reg)
{
  ex_run *run = reg->run;
  while (reg->next < reg->ncerts && reg->inflight < EX_MAX_INFLIGHT) {
    ex_cert *c = reg->certs[reg->next];
    if (!c->v.need_describe) {
      reg->next++;
      continue;
    }
    if (run->open >= EX_WINDOW)
      return; /* the end of the wave makes room (dv_cmd_expiry) */
    if (!dv_acm_region_pace(&reg->base, ex_pump_cb, reg))
      return;
    reg->next++;
    reg->inflight++;
    reg->described++;
    c->described = 1;
    if (++run->open > run->peak_open)
      run->peak_open = run->open;
    if (dv_acm_describe_certificate(reg->base.acm, c->arn, ex_on_describe, c) <
        0) {
      reg->inflight--;
      c->describe_failed = 1;
      snprintf(c->api.detail, sizeof(c->api.detail), "out of memory");
      c->api.status = DV_ACM_INTERNAL;
    }
  }
}

/* ---- ListCertificates ---------------------------------------------------- */

/* One page of summaries: keep the expiring ones, start their
 * DescribeCertificate calls; the page itself is dropped by the caller. */
static void ex_on_page(void *arg, const json_t *page)
{
  ex_region *reg = arg;
  ex_run *run = reg->run;
  const json_t *it;
  size_t i;

  dv_acm_region_page(&reg->base, page);
  json_array_foreach(page, i, it) {
    ex_cert *c;
    dv_expiry_verdict v;
    if (dv_expiry_classify(it, run->now, run->days, &v) < 0 || !v.expiring)
      continue;
    if (reg->ncerts == reg->capcerts) {
      size_t cap = reg->capcerts ? reg->capcerts * 2 : 16;
      ex_cert **nv = realloc(reg->certs, cap * sizeof(*nv));
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
    c->summary = json_incref((json_t *)it);
    c->v = v;
    snprintf(c->arn, sizeof(c->arn), "%s",
             dv_json_get_str(it, "CertificateArn"));
    snprintf(c->domain, sizeof(c->domain), "%s",
             dv_json_get_str(it, "DomainName"));
    reg->certs[reg->ncerts++] = c;
    reg->expiring++;
    reg->need += v.need_describe != 0;
  }
  ex_pump(reg);
}

/* The listing ended (every page seen, or an error: its finding). */
static void ex_on_list(void *arg, const dv_acm_result *res)
{
  ex_region *reg = arg;
  if (dv_acm_region_listed(&reg->base, reg->run->all_regions, res))
    ex_pump(reg);
}

/* ---- verdicts ------------------------------------------------------------ */

static void ex_cert_finish(ex_cert *c)
{
  const json_t *src = c->detail ? c->detail : c->summary;
  dv_finding *f;
  char ts[40];
  int cname_missing = 0, dns_unknown = 0;
  size_t i;

  for (i = 0; i < c->nrecs; i++) {
    dv_dns_record_finish(&c->recs[i]);
    if (c->recs[i].incomplete)
      dns_unknown = 1;
    else if (!dv_findings_has(&c->recs[i].findings, DV_F_DNS_CNAME_OK))
      cname_missing = 1;
  }
  if (c->v.code == DV_F_EXPIRY_DNS_RENEWAL && cname_missing)
    c->v.code = DV_F_EXPIRY_DNS_CNAME_MISSING;
  f = dv_findings_add(&c->findings, c->v.code, c->domain);
  dv_finding_ev(&c->findings, f, "arn", "%s", c->arn);
  dv_finding_ev(&c->findings, f, "region", "%s", c->reg->base.name);
  if (c->v.code == DV_F_EXPIRY_EXPIRED)
    dv_finding_ev(&c->findings, f, "expired",
                  c->v.days_left ? "%ld day(s) ago" : "less than a day ago",
                  -c->v.days_left);
  else
    dv_finding_ev(&c->findings, f, "days_left", "%ld", c->v.days_left);
  dv_expiry_not_after(src, ts, sizeof(ts));
  dv_finding_ev(&c->findings, f, "not_after", "%s", ts);
  dv_finding_ev(&c->findings, f, "type", "%s", dv_json_get_str(src, "Type"));
  if (*dv_json_get_str(src, "RenewalEligibility"))
    dv_finding_ev(&c->findings, f, "renewal_eligibility", "%s",
                  dv_json_get_str(src, "RenewalEligibility"));
  if (c->v.method)
    dv_finding_ev(&c->findings, f, "validation", "%s", c->v.method);
  if (c->v.code == DV_F_EXPIRY_EMAIL_RENEWAL && cname_missing) {
    f = dv_findings_add(&c->findings, DV_F_EXPIRY_DNS_CNAME_MISSING, c->domain);
    dv_finding_ev(&c->findings, f, "arn", "%s", c->arn);
  }
  for (i = 0; i < c->nrecs; i++) {
    if (!dv_findings_has(&c->recs[i].findings, DV_F_DNS_CNAME_OK) &&
        !c->recs[i].incomplete)
      dv_findings_append(&c->findings, &c->recs[i].findings);
  }
  if (dns_unknown) {
    f = dv_findings_add(&c->findings, DV_F_RUN_DEADLINE, c->domain);
    dv_finding_ev(&c->findings, f, "detail",
                  "the DNS checks of the validation records did not finish");
  }
  if (c->describe_failed)
    dv_acm_result_copy_finding(&c->findings, c->arn, "DescribeCertificate",
                               &c->api);
}

static int ex_cmp(const void *a, const void *b)
{
  const ex_cert *x = *(ex_cert *const *)a, *y = *(ex_cert *const *)b;
  if (x->v.days_left != y->v.days_left)
    return x->v.days_left < y->v.days_left ? -1 : 1;
  return strcmp(x->arn, y->arn);
}

/* ---- output -------------------------------------------------------------- */

static json_t *ex_cert_json(const ex_cert *c)
{
  const json_t *src = c->detail ? c->detail : c->summary;
  char ts[40];
  int any;
  dv_severity worst = dv_findings_max(&c->findings, &any);
  dv_expiry_not_after(src, ts, sizeof(ts));
  return json_pack(
      "{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:s, s:o}", "kind",
      "certificate", "arn", c->arn, "region", c->reg->base.name, "domain",
      c->domain, "type", dv_json_get_str(src, "Type"), "not_after", ts,
      "days_left", (json_int_t)c->v.days_left, "validation",
      c->v.method ? json_string(c->v.method) : json_null(), "verdict",
      dv_catalogue_get(c->v.code)->id, "severity", dv_severity_str(worst),
      "findings", dv_findings_json(&c->findings));
}

static json_t *ex_cert_json_acct(const ex_cert *c)
{
  json_t *o = ex_cert_json(c);
  if (o && c->reg->acct)
    json_object_set_new(o, "account", json_string(c->reg->acct->id));
  return o;
}

static void ex_cert_free(ex_cert *c)
{
  if (!c)
    return;
  for (size_t k = 0; k < c->nrecs; k++)
    dv_dns_record_free(&c->recs[k]);
  free(c->recs);
  json_decref(c->summary);
  json_decref(c->detail);
  dv_findings_free(&c->findings);
  free(c);
}

/* A certificate whose look is over (described and checked, or settled by
 * its summary): its verdict and findings; the DNS checks freed, and the
 * summary once the detail supersedes it. jsonl: written. */
static void ex_reduce(ex_run *run, ex_cert *c)
{
  ex_cert_finish(c);
  for (size_t k = 0; k < c->nrecs; k++)
    dv_dns_record_free(&c->recs[k]);
  free(c->recs);
  c->recs = NULL;
  c->nrecs = 0;
  if (c->detail) {
    json_decref(c->summary);
    c->summary = NULL;
  }
  c->finished = 1;
  run->finished++;
  if (c->describe_failed)
    run->incomplete = 1;
  dv_findings_fold(&c->findings, &run->any_all, &run->worst);
  if (run->cfg->format == DV_FORMAT_JSONL && !run->failed) {
    json_t *o = ex_cert_json_acct(c);
    if (dv_report_jsonl_put(stdout, o) < 0) {
      dv_error("cannot write the output");
      run->failed = 1;
    }
    json_decref(o);
  }
}

static json_t *ex_region_json(const ex_region *r)
{
  json_t *o = dv_acm_region_json(&r->base, r->expiring);
  if (o && r->acct)
    json_object_set_new(o, "account", json_string(r->acct->id));
  return o;
}

/* The end of a wave: the loop ran dry (or was cut), so every
 * DescribeCertificate asked has answered and its DNS checks are over:
 * finish the certificates up to each region's next (all: every one).
 * jsonl: drop the written ones, write the regions that are done. */
static void ex_wave_end(ex_run *run, int all)
{
  int jsonl = run->cfg->format == DV_FORMAT_JSONL;
  for (size_t i = 0; i < run->nregions; i++) {
    ex_region *r = &run->regions[i];
    size_t lim = all ? r->ncerts : r->next, j, k = 0;
    for (j = 0; j < lim; j++) {
      ex_cert *c = r->certs[j];
      if (!c || c->finished)
        continue;
      if (c->described)
        run->open--;
      ex_reduce(run, c);
    }
    if (!jsonl)
      continue;
    for (j = 0; j < lim; j++) {
      ex_cert_free(r->certs[j]);
      r->certs[j] = NULL;
    }
    for (j = lim; j < r->ncerts; j++)
      r->certs[k++] = r->certs[j];
    r->ncerts = k;
    r->next = lim < r->next ? r->next - lim : 0;
    if (!r->written && r->base.listed && !r->ncerts && !run->failed && !all) {
      json_t *o = ex_region_json(r);
      r->written = 1;
      if (dv_report_jsonl_put(stdout, o) < 0) {
        dv_error("cannot write the output");
        run->failed = 1;
      }
      json_decref(o);
    }
  }
}

static void ex_text(ex_run *run, ex_cert **v, size_t n, size_t listed,
                    size_t nregions_ok)
{
  FILE *out = stdout;
  size_t i;
  printf("Certificates expiring within %ld days (%zu listed in %zu "
         "region(s)):\n\n",
         run->days, listed, nregions_ok);
  if (n)
    printf("  %s%-15s %5s  %-13s %-28s %s\n",
           run->org_on ? "ACCOUNT       " : "", "REGION", "DAYS", "TYPE",
           "DOMAIN", "VERDICT");
  for (i = 0; i < n; i++) {
    const ex_cert *c = v[i];
    const json_t *src = c->detail ? c->detail : c->summary;
    char dom[120];
    dv_text_escape(c->domain, strlen(c->domain), dom, sizeof(dom));
    printf("  ");
    if (run->org_on)
      printf("%-13s ", c->reg->acct ? c->reg->acct->id : "-");
    printf("%-15s %5ld  %-13s %-28s ", c->reg->base.name, c->v.days_left,
           dv_json_get_str(src, "Type"), dom);
    dv_report_sev(out, run->cfg, dv_catalogue_get(c->v.code)->severity);
    printf(" %s\n", dv_catalogue_get(c->v.code)->id);
  }
  if (!n)
    printf("  none\n");
  for (i = 0; i < n; i++) {
    int any;
    if (dv_findings_max(&v[i]->findings, &any) < DV_SEV_WARNING)
      continue;
    printf("\n== ");
    dv_text_fput(out, v[i]->arn, strlen(v[i]->arn));
    printf("\n");
    dv_report_findings_text(out, run->cfg, &v[i]->findings);
  }
  for (i = 0; i < run->nregions; i++) {
    const ex_region *r = &run->regions[i];
    if (r->base.findings.n) {
      printf("\n== region %s\n", r->base.name);
      dv_report_findings_text(out, run->cfg, &r->base.findings);
    }
  }
}

static int ex_asff(ex_run *run, ex_cert **v, size_t n)
{
  json_t *doc = json_object(), *arr = json_array();
  size_t i;
  int rc;
  if (!doc || !arr) {
    json_decref(doc);
    json_decref(arr);
    return -1;
  }
  for (i = 0; i < n; i++) {
    const ex_cert *c = v[i];
    const dv_catalogue_entry *e = dv_catalogue_get(c->v.code);
    dv_acm_arn arn;
    char why[128], title[400], desc[700];
    dv_asff_input in;
    json_t *f;
    if (dv_acm_arn_parse(c->arn, &arn, why, sizeof(why)) != DV_ARN_OK)
      continue; /* a certificate without a usable ARN cannot be a resource */
    if (c->v.code == DV_F_EXPIRY_EXPIRED)
      snprintf(title, sizeof(title), "ACM certificate %s has expired",
               c->domain);
    else
      snprintf(title, sizeof(title), "ACM certificate %s expires in %ld day(s)",
               c->domain, c->v.days_left);
    snprintf(desc, sizeof(desc), "%s (%s).", e->title, e->id);
    memset(&in, 0, sizeof(in));
    in.cert = c->detail ? c->detail : c->summary;
    in.arn = c->arn;
    in.partition = arn.partition;
    in.region = arn.region;
    in.account = arn.account;
    in.code = e->id;
    in.severity = e->severity;
    in.title = title;
    in.description = desc;
    in.remediation = e->fix;
    in.now = run->now;
    f = dv_asff_finding(&in);
    if (!f || json_array_append_new(arr, f)) {
      json_decref(arr);
      json_decref(doc);
      return -1;
    }
  }
  json_object_set_new(doc, "Findings", arr);
  rc = dv_report_json_print(stdout, doc);
  json_decref(doc);
  return rc;
}

/* --format html: the page (src/report_html.c). */
static int ex_html(ex_run *run, ex_cert **v, size_t n, size_t listed, int rc)
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
    hc[i].cert = v[i]->detail ? v[i]->detail : v[i]->summary;
    hc[i].verdict = v[i]->v.code;
    hc[i].findings = &v[i]->findings;
  }
  for (size_t i = 0; u && i < run->nregions; i++) {
    u[i].region = &run->regions[i].base;
    u[i].acct = run->regions[i].acct;
  }
  rc = dv_report_html_run(stdout, "expiry", run->now, run->days, listed, rc, hc,
                          n, run->org_on ? &run->org : NULL, u, run->nregions);
  free(hc);
  free(u);
  return rc;
}

/* ---- the command --------------------------------------------------------- */

int dv_cmd_expiry(dv_cfg *cfg)
{
  dv_acm_unit *units = NULL;
  size_t nunits = 0;
  ex_run run;
  const char *regions[DV_ACM_MAX_REGIONS];
  size_t nregions = 0, i, j, n = 0, listed = 0, nregions_ok = 0;
  ex_cert **sorted = NULL;
  int rc = DV_EXIT_UNKNOWN, any_all = 0, incomplete = 0, deadline;
  dv_severity worst = DV_SEV_INFO;
  char why[300];
  int asff = cfg->format == DV_FORMAT_ASFF;

  memset(&run, 0, sizeof(run));
  run.cfg = cfg;
  {
    /* 45 days, less once the lifetime in force is short (BR 6.3.2) */
    unsigned window = DV_EXPIRY_DEFAULT_DAYS;
    dv_ca_default_thresholds(NULL, NULL, &window);
    run.days = cfg->expiry_days > 0 ? cfg->expiry_days : (long)window;
  }
  run.now = time(NULL);
  /* a whole account within ACM's request quota takes a while */
  if (!cfg->timeout_given)
    cfg->timeout_s = DV_ACM_ACCOUNT_TIMEOUT_S;
  if (dv_tool_acm_regions(cfg, regions, &nregions, &run.all_regions, why,
                          sizeof(why)) < 0) {
    dv_error("%s", why);
    return DV_EXIT_UNKNOWN;
  }
  if (dv_tool_acm_open(&run.sess, cfg, "expiry", &rc) < 0)
    return rc;
  rc = DV_EXIT_UNKNOWN;
  if (dv_tool_acm_units(&run.sess, cfg, regions, nregions, &run.org,
                        &run.org_on, &units, &nunits) < 0)
    goto out;
  if (cfg->format == DV_FORMAT_JSONL && run.org_on) {
    /* the organisation is complete: its objects first */
    json_t *o = run.org.findings.n
                    ? json_pack("{s:s, s:o}", "kind", "organization",
                                "findings", dv_findings_json(&run.org.findings))
                    : NULL;
    int bad = run.org.findings.n && dv_report_jsonl_put(stdout, o) < 0;
    json_decref(o);
    for (i = 0; !bad && i < run.org.n; i++) {
      o = dv_org_account_json(&run.org.v[i]);
      bad = dv_report_jsonl_put(stdout, o) < 0;
      json_decref(o);
    }
    if (bad) {
      dv_error("cannot write the output");
      goto out;
    }
  }
  run.regions = calloc(nunits ? nunits : 1, sizeof(*run.regions));
  if (!run.regions) {
    dv_error("out of memory");
    goto out;
  }
  for (i = 0; i < nunits; i++) {
    ex_region *r = &run.regions[i];
    r->run = &run;
    r->acct = units[i].acct;
    run.nregions = i + 1;
    if (dv_tool_acm_unit_open(&run.sess, &units[i], &r->base) < 0)
      goto out;
  }
  for (i = 0; i < run.nregions; i++) {
    ex_region *r = &run.regions[i];
    if (dv_acm_list_certificates_paged(r->base.acm, NULL, 0, ex_on_page,
                                       ex_on_list, r) < 0) {
      dv_error("out of memory");
      goto out;
    }
  }
  /* waves (see the top): the loop runs dry once the listings and the
   * described certificates' checks are done; those are finished, and the
   * next ones described */
  for (;;) {
    size_t before = 0, after = 0;
    deadline = dv_tool_acm_run(&run.sess);
    if (deadline < 0)
      break;
    ex_wave_end(&run, 0);
    if (deadline || run.failed)
      break;
    for (i = 0; i < run.nregions; i++) {
      before += run.regions[i].described;
      ex_pump(&run.regions[i]);
      after += run.regions[i].described;
    }
    if (after == before && !run.open) {
      for (i = 0; i < run.nregions; i++)
        if (run.regions[i].next < run.regions[i].ncerts)
          break;
      if (i == run.nregions)
        break; /* nothing left to describe */
    }
  }
  if (deadline < 0 || run.failed)
    goto out;
  if (cfg->verbose)
    fprintf(stderr,
            "dvcheck: %zu described certificate(s) at most open at once "
            "(window %d)\n",
            run.peak_open, EX_WINDOW);

  for (i = 0; i < run.nregions; i++) {
    ex_region *r = &run.regions[i];
    if (deadline) /* undone: never described; looks: all that needed one */
      dv_acm_region_deadline(&r->base, r->need - r->described, r->need,
                             cfg->timeout_s);
    if (cfg->verbose && r->base.listed && !r->base.skipped)
      fprintf(stderr,
              "dvcheck: %s%s%s: %zu certificate(s) listed in %d page(s), "
              "%zu expiring, %zu DescribeCertificate call(s)\n",
              r->acct ? r->acct->id : "", r->acct ? " " : "", r->base.name,
              r->base.nlisted, r->base.pages, r->expiring, r->described);
    if (r->base.listed && !r->base.skipped && !r->base.findings.n)
      nregions_ok++;
    if (!r->base.listed || r->base.findings.n)
      incomplete = 1;
    dv_findings_fold(&r->base.findings, &any_all, &worst);
    listed += r->base.nlisted;
    n += r->expiring;
  }
  /* the rest (the deadline came before their DescribeCertificate): the
   * verdict their summary gives */
  ex_wave_end(&run, 1);
  if (run.failed)
    goto out;
  if (run.incomplete)
    incomplete = 1;
  if (run.any_all) {
    any_all = 1;
    if (run.worst > worst)
      worst = run.worst;
  }
  if (cfg->format != DV_FORMAT_JSONL) {
    sorted = calloc(n ? n : 1, sizeof(*sorted));
    if (!sorted) {
      dv_error("out of memory");
      goto out;
    }
    n = 0;
    for (i = 0; i < run.nregions; i++)
      for (j = 0; j < run.regions[i].ncerts; j++)
        sorted[n++] = run.regions[i].certs[j];
    qsort(sorted, n, sizeof(*sorted), ex_cmp);
  }
  if (deadline)
    incomplete = 1;
  if (run.org_on) {
    dv_findings_fold(&run.org.findings, &any_all, &worst);
    for (i = 0; i < run.org.n; i++)
      dv_findings_fold(&run.org.v[i].findings, &any_all, &worst);
  }
  /* only warnings and worse count for the exit status: an expiring
   * certificate that ACM will renew is information */
  rc = dv_report_exit_code(any_all && worst >= DV_SEV_WARNING, worst,
                           incomplete);
  if (cfg->format == DV_FORMAT_JSONL) {
    for (i = 0; i < run.nregions; i++) {
      json_t *o;
      if (run.regions[i].written)
        continue;
      o = ex_region_json(&run.regions[i]);
      if (dv_report_jsonl_put(stdout, o) < 0)
        rc = DV_EXIT_UNKNOWN;
      json_decref(o);
    }
    if (dv_report_jsonl_end(stdout, "expiry", rc, deadline,
                            json_pack("{s:I, s:I, s:I, s:I}", "account_regions",
                                      (json_int_t)run.nregions, "listed",
                                      (json_int_t)listed, "expiring",
                                      (json_int_t)run.finished, "days",
                                      (json_int_t)run.days)) < 0) {
      dv_error("cannot write the output");
      rc = DV_EXIT_UNKNOWN;
    }
  } else if (cfg->format == DV_FORMAT_HTML) {
    rc = ex_html(&run, sorted, n, listed, rc);
  } else if (asff) {
    if (ex_asff(&run, sorted, n) < 0) {
      dv_error("cannot write the ASFF output");
      rc = DV_EXIT_UNKNOWN;
    }
  } else if (cfg->json) {
    json_t *arr = json_array();
    int stream = cfg->format == DV_FORMAT_JSON, bad = 0;
    size_t k = 0;
    if (run.org_on) {
      if (arr && run.org.findings.n)
        dv_json_push(&arr,
                     json_pack("{s:s, s:o}", "kind", "organization", "findings",
                               dv_findings_json(&run.org.findings)));
      for (i = 0; arr && i < run.org.n; i++)
        dv_json_push(&arr, dv_org_account_json(&run.org.v[i]));
    }
    for (i = 0; arr && i < run.nregions; i++)
      dv_json_push(&arr, ex_region_json(&run.regions[i]));
    if (stream) { /* --format json: result by result */
      dv_report_json_head(stdout, "expiry", rc, deadline);
      for (i = 0; arr && !bad && i < json_array_size(arr); i++)
        bad = dv_report_json_item(stdout, k++, json_array_get(arr, i)) < 0;
      for (i = 0; arr && !bad && i < n; i++) {
        json_t *o = ex_cert_json_acct(sorted[i]);
        bad = dv_report_json_item(stdout, k++, o) < 0;
        json_decref(o);
      }
      json_decref(arr);
      if (!arr || bad || dv_report_json_tail(stdout, k) < 0) {
        fputs("dvcheck: error: out of memory building JSON\n", stderr);
        rc = DV_EXIT_UNKNOWN;
      }
    } else { /* markdown, openmetrics: from the whole document */
      for (i = 0; arr && i < n; i++)
        dv_json_push(&arr, ex_cert_json_acct(sorted[i]));
      rc = dv_report_json_emit("expiry", rc, deadline, arr);
    }
  } else {
    size_t need = 0;
    ex_text(&run, sorted, n, listed, nregions_ok);
    for (i = 0; i < n; i++) {
      int any;
      if (dv_findings_max(&sorted[i]->findings, &any) >= DV_SEV_WARNING)
        need++;
    }
    for (i = 0; i < run.nregions; i++)
      if (run.regions[i].base.skipped && cfg->verbose)
        fprintf(stderr,
                "dvcheck: %s: region not enabled for this account, "
                "skipped\n",
                run.regions[i].base.name);
    if (run.org_on) {
      size_t audited = 0;
      for (i = 0; i < run.org.n; i++)
        audited += run.org.v[i].ready;
      printf("\nOrganisation: %zu account(s) listed, %zu audited\n", run.org.n,
             audited);
      if (run.org.findings.n)
        dv_report_findings_text(stdout, cfg, &run.org.findings);
      for (i = 0; i < run.org.n; i++) {
        const dv_org_account *a = &run.org.v[i];
        if (a->ready || !a->findings.n)
          continue;
        printf("\n== account %s (%s)\n", a->id, a->status);
        dv_report_findings_text(stdout, cfg, &a->findings);
      }
    }
    printf("\n%zu certificate(s) expire within %ld days, %zu need action: "
           "exit %d (%s)\n",
           n, run.days, need, rc, dv_report_status_word(rc));
  }
out:
  free(units);
  free(sorted);
  dv_acm_session_cancel(&run.sess); /* before what its callbacks touch */
  for (i = 0; i < run.nregions; i++) {
    ex_region *r = &run.regions[i];
    for (j = 0; j < r->ncerts; j++)
      ex_cert_free(r->certs[j]);
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
