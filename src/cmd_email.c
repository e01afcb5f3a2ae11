/* dvcheck -- `dvcheck email NAME...`: orchestration and rendering. The
 * checks themselves live in check_email.c.
 *
 * Names stream: they are read one at a time (arguments, then -f FILE),
 * started while fewer than EMAIL_INFLIGHT are being checked and the
 * output window (EMAIL_WINDOW names between the oldest not yet written
 * and the newest started) has room; each name goes DNS -> SMTP probe
 * (--probe) -> its registrable domain's WHOIS/RDAP contacts (shared by the
 * names in flight under it) -> rendered and freed. Results are written in
 * input order: one finished ahead of its turn waits, rendered, in its
 * window slot. Memory is bounded by the windows, not by the input. */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/jsonw.h"
#include "base/text.h"
#include "dns/resolver.h"
#include "check/check_email.h"
#include "check/check_whois.h"
#include "base/loop.h"
#include "base/names.h"
#include "src/report.h"
#include "src/report_email.h"
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

static int render_text(FILE *out, const dv_cfg *cfg, size_t index,
                       const dv_email_result *r, const dv_whois_check *wc,
                       const dv_probe *probe)
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
    static const char pad[] = "                              ";
    const dv_candidate *c = &r->cands[i];
    size_t dl = strlen(c->domain);
    fputs((int)i == r->chosen ? "    ->  " : "        ", out);
    dv_text_fput(out, c->domain, dl);
    fwrite(pad, 1, dl < 30 ? 30 - dl : 1, out);
    if (i < shown || c->mx_status != DV_DNS_CANCELLED) {
      candidate_route(c, route, sizeof(route));
      dv_text_fput(out, route, strlen(route));
    }
    fputc('\n', out);
  }
  if (r->chosen >= 0) {
    const char *d = r->cands[r->chosen].domain;
    size_t dl = strlen(d);
    fputs("  ACM mails: ", out);
    for (int i = 0; i < 5; i++) {
      if (i)
        fputs(", ", out);
      fputs(dv_email_locals[i], out);
      fputc('@', out);
      dv_text_fput(out, d, dl);
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
  (void)index;
  return 0;
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

/* The JSON object of one name: the result, plus contacts and probe. */
static json_t *email_json(const dv_cfg *cfg, const dv_email_result *r,
                          const dv_whois_check *wc, const dv_probe *probe)
{
  json_t *o = result_json(r);
  if (o && wc) {
    json_t *j = dv_whois_check_json(wc);
    if (j)
      json_object_set_new(j, "used_by_acm", json_boolean(cfg->acm_legacy));
    json_object_set_new(o, "contacts", j ? j : json_null());
  }
  if (o && cfg->probe)
    json_object_set_new(o, "probe",
                        probe ? dv_tool_probe_json(probe) : json_null());
  return o;
}

/* Write text, putting indent spaces after every newline (a nested JSON
 * value printed on its own, placed inside the streamed document). */
static void put_indented(FILE *out, const char *text, int indent)
{
  for (const char *p = text; *p; p++) {
    fputc(*p, out);
    if (*p == '\n')
      fprintf(out, "%*s", indent, "");
  }
}

/* --json: the document is written as it goes -- the envelope's head, each
 * result as it comes, then the summary, status, exit_code and
 * deadline_hit at the end (an object's members are unordered; the exit
 * status is only known at the end). */
static int json_begin(FILE *out, const dv_cfg *cfg)
{
  (void)cfg;
  fprintf(out,
          "{\n  \"schema\": %d,\n  \"tool\": \"dvcheck\",\n  \"version\": "
          "\"%s\",\n  \"command\": \"email\",\n  \"results\": [",
          DV_JSON_SCHEMA_VERSION, PACKAGE_VERSION);
  return 0;
}

/* One finding list, as dv_findings_json() builds it and jansson dumps it:
 * an evidence key given twice keeps its first place and its last value
 * (json_object_set_new replaces). */
static void findings_w(dv_jsonw *w, const dv_findings *fl)
{
  dv_jsonw_arr(w);
  for (size_t i = 0; i < fl->n; i++) {
    const dv_finding *f = &fl->v[i];
    const dv_catalogue_entry *e = dv_catalogue_get(f->code);
    dv_jsonw_obj(w);
    dv_jsonw_key(w, "code");
    dv_jsonw_str(w, e->id);
    dv_jsonw_key(w, "severity");
    dv_jsonw_str(w, dv_severity_str(e->severity));
    dv_jsonw_key(w, "subject");
    dv_jsonw_str(w, f->subject);
    dv_jsonw_key(w, "message");
    dv_jsonw_str(w, e->title);
    dv_jsonw_key(w, "evidence");
    dv_jsonw_obj(w);
    for (size_t j = 0; j < f->nev; j++) {
      size_t k, last = j;
      for (k = 0; k < j; k++)
        if (strcmp(f->ev[k].key, f->ev[j].key) == 0)
          break;
      if (k < j)
        continue; /* written at its first place */
      for (k = j + 1; k < f->nev; k++)
        if (strcmp(f->ev[k].key, f->ev[j].key) == 0)
          last = k;
      dv_jsonw_key(w, f->ev[j].key);
      dv_jsonw_str(w, f->ev[last].value);
    }
    dv_jsonw_end(w);
    dv_jsonw_end(w);
  }
  dv_jsonw_end(w);
}

/* One name's result object, streamed: the members, order and format of
 * email_json() dumped by jansson (--json and jsonl are byte for byte what
 * they were when built as a tree; tests/fleet.sh compares). */
static void result_w(dv_jsonw *w, const dv_cfg *cfg, const dv_email_result *r,
                     const dv_whois_check *wc, const dv_probe *probe)
{
  int any;
  dv_severity worst = dv_findings_max(&r->findings, &any);

  dv_jsonw_obj(w);
  dv_jsonw_key(w, "input");
  dv_jsonw_str(w, r->input);
  dv_jsonw_key(w, "name");
  dv_jsonw_str(w, r->name.ascii);
  dv_jsonw_key(w, "mail_domain");
  dv_jsonw_str(w, r->name.mail_domain);
  dv_jsonw_key(w, "registrable_domain");
  dv_jsonw_str(w, r->name.registrable);
  dv_jsonw_key(w, "wildcard");
  dv_jsonw_bool(w, r->name.wildcard);
  dv_jsonw_key(w, "verdict");
  dv_jsonw_str(
      w, dv_report_status_word(dv_report_exit_code(any, worst, r->incomplete)));
  dv_jsonw_key(w, "validation_domain");
  if (r->chosen >= 0)
    dv_jsonw_str(w, r->cands[r->chosen].domain);
  else
    dv_jsonw_null(w);
  dv_jsonw_key(w, "candidates");
  dv_jsonw_arr(w);
  for (size_t i = 0; i < r->ncands; i++) {
    const dv_candidate *c = &r->cands[i];
    dv_jsonw_obj(w);
    dv_jsonw_key(w, "domain");
    dv_jsonw_str(w, c->domain);
    dv_jsonw_key(w, "mx_status");
    dv_jsonw_str(w, mx_status_word(c->mx_status));
    dv_jsonw_key(w, "deliverable");
    dv_jsonw_bool(w, c->deliverable);
    dv_jsonw_key(w, "null_mx");
    dv_jsonw_bool(w, c->null_mx);
    dv_jsonw_key(w, "reason");
    dv_jsonw_str(w, dv_catalogue_get(c->reason)->id);
    dv_jsonw_key(w, "mx");
    dv_jsonw_arr(w);
    for (size_t h = 0; h < c->nhosts; h++) {
      const dv_mx_host *mh = &c->hosts[h];
      dv_jsonw_obj(w);
      dv_jsonw_key(w, "host");
      dv_jsonw_str(w, mh->host);
      dv_jsonw_key(w, "preference");
      dv_jsonw_int(w, (int)mh->pref);
      dv_jsonw_key(w, "addresses");
      dv_jsonw_arr(w);
      for (size_t k = 0; k < mh->naddrs; k++)
        dv_jsonw_str(w, mh->addrs[k]);
      dv_jsonw_end(w);
      dv_jsonw_key(w, "usable");
      dv_jsonw_bool(w, mh->usable);
      dv_jsonw_key(w, "alias");
      dv_jsonw_bool(w, mh->is_alias);
      dv_jsonw_key(w, "ip_literal");
      dv_jsonw_bool(w, mh->ip_literal);
      dv_jsonw_key(w, "doubled_suffix");
      dv_jsonw_bool(w, mh->doubled_suffix);
      dv_jsonw_end(w);
    }
    dv_jsonw_end(w);
    dv_jsonw_key(w, "addresses");
    dv_jsonw_arr(w);
    for (int k = 0; k < 5; k++) {
      /* local@domain (no snprintf: 15 of them per name) */
      char a[DV_NAME_LEN + 20];
      size_t ll = strlen(dv_email_locals[k]);
      size_t dl = strnlen(c->domain, sizeof(a) - ll - 2);
      memcpy(a, dv_email_locals[k], ll);
      a[ll] = '@';
      memcpy(a + ll + 1, c->domain, dl);
      a[ll + 1 + dl] = '\0';
      dv_jsonw_str(w, a);
    }
    dv_jsonw_end(w);
    if (c->is_alias) {
      dv_jsonw_key(w, "alias_of");
      dv_jsonw_str(w, c->alias_target);
    }
    dv_jsonw_end(w);
  }
  dv_jsonw_end(w);
  dv_jsonw_key(w, "findings");
  findings_w(w, &r->findings);
  if (wc) {
    json_t *j = dv_whois_check_json(wc);
    if (j)
      json_object_set_new(j, "used_by_acm", json_boolean(cfg->acm_legacy));
    dv_jsonw_key(w, "contacts");
    dv_jsonw_json(w, j); /* NULL: null, as before */
    json_decref(j);
  }
  if (cfg->probe) {
    json_t *j = probe ? dv_tool_probe_json(probe) : json_null();
    if (j) { /* a member jansson could not set was left out */
      dv_jsonw_key(w, "probe");
      dv_jsonw_json(w, j);
      json_decref(j);
    } else {
      w->nomem = 1;
    }
  }
  dv_jsonw_end(w);
}

static int json_result(dv_buf *b, const dv_cfg *cfg, size_t index,
                       const dv_email_result *r, const dv_whois_check *wc,
                       const dv_probe *probe)
{
  dv_jsonw w;
  if (dv_buf_appends(b, index ? ",\n    " : "\n    ") != DV_BUF_OK)
    return -1;
  dv_jsonw_init(&w, b, 2, 2);
  result_w(&w, cfg, r, wc, probe);
  return w.nomem ? -1 : 0;
}

static json_t *summary_json(const dv_email_summary *s)
{
  json_t *o = json_pack(
      "{s:I, s:I, s:I, s:I, s:o}", "results", (json_int_t)s->results, "unknown",
      (json_int_t)s->unknown, "not_started", (json_int_t)s->not_started,
      "bad_input", (json_int_t)s->bad_input, "findings",
      dv_findings_json(s->findings));
  if (o && s->total_known)
    json_object_set_new(o, "names", json_integer((json_int_t)s->total));
  return o;
}

static int json_end(FILE *out, const dv_cfg *cfg, const dv_email_summary *s)
{
  json_t *o = summary_json(s);
  char *t = o ? json_dumps(o, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
  (void)cfg;
  json_decref(o);
  fputs(s->results ? "\n  ],\n  \"summary\": " : "],\n  \"summary\": ", out);
  if (t)
    put_indented(out, t, 2);
  else
    fputs("null", out);
  free(t);
  fprintf(out,
          ",\n  \"status\": \"%s\",\n  \"exit_code\": %d,\n  "
          "\"deadline_hit\": %s\n}\n",
          dv_report_status_word(s->exit_code), s->exit_code,
          s->deadline_hit ? "true" : "false");
  return t ? 0 : -1;
}

/* --format jsonl: one result object per line, then one line with the
 * envelope's fields and the summary (it has "schema"; results do not). */
static int jsonl_result(dv_buf *b, const dv_cfg *cfg, size_t index,
                        const dv_email_result *r, const dv_whois_check *wc,
                        const dv_probe *probe)
{
  dv_jsonw w;
  (void)index;
  dv_jsonw_init(&w, b, 0, 0);
  result_w(&w, cfg, r, wc, probe);
  if (dv_buf_appendc(b, '\n') != DV_BUF_OK)
    return -1;
  return w.nomem ? -1 : 0;
}

static int jsonl_end(FILE *out, const dv_cfg *cfg, const dv_email_summary *s)
{
  json_t *o =
      json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:b, s:o}", "schema",
                DV_JSON_SCHEMA_VERSION, "tool", "dvcheck", "version",
                PACKAGE_VERSION, "command", "email", "status",
                dv_report_status_word(s->exit_code), "exit_code", s->exit_code,
                "deadline_hit", s->deadline_hit, "summary", summary_json(s));
  int rc = o ? json_dumpf(o, out, JSON_COMPACT | JSON_ENSURE_ASCII) : -1;
  (void)cfg;
  json_decref(o);
  fputc('\n', out);
  return rc;
}

static int text_end(FILE *out, const dv_cfg *cfg, const dv_email_summary *s)
{
  if (s->findings && s->findings->n) {
    dv_report_findings_text(out, cfg, s->findings);
    fputc('\n', out);
  }
  fprintf(out, "%zu name(s) checked", s->results);
  if (s->not_started)
    fprintf(out, ", %zu not checked (deadline)", s->not_started);
  if (s->bad_input)
    fprintf(out, ", %zu bad input line(s)", s->bad_input);
  fprintf(out, ": exit %d (%s)\n", s->exit_code,
          dv_report_status_word(s->exit_code));
  return 0;
}

/* --format openmetrics / markdown: rendered from the whole document (a
 * metric family's lines must be together; the verdict comes first), so the
 * results are collected (src/report.c) and rendered at the end. */
static int doc_result(FILE *out, const dv_cfg *cfg, size_t index,
                      const dv_email_result *r, const dv_whois_check *wc,
                      const dv_probe *probe)
{
  json_t *o = email_json(cfg, r, wc, probe);
  (void)out;
  (void)index;
  if (!o)
    return -1;
  dv_report_collect(o);
  return 0;
}

static int doc_end(FILE *out, const dv_cfg *cfg, const dv_email_summary *s)
{
  (void)out;
  (void)cfg;
  return dv_report_collect_end("email", s->exit_code, s->deadline_hit) ==
                 s->exit_code
             ? 0
             : -1;
}

const dv_email_renderer dv_email_renderers[] = {
    {DV_FORMAT_TEXT, NULL, render_text, NULL, text_end},
    {DV_FORMAT_JSON, json_begin, NULL, json_result, json_end},
    {DV_FORMAT_JSONL, NULL, NULL, jsonl_result, jsonl_end},
    {DV_FORMAT_OPENMETRICS, NULL, doc_result, NULL, doc_end},
    {DV_FORMAT_MARKDOWN, NULL, doc_result, NULL, doc_end},
};
const size_t dv_email_nrenderers =
    sizeof(dv_email_renderers) / sizeof(dv_email_renderers[0]);

/* ---- the stream -------------------------------------------------------- */

#define EMAIL_WINDOW        4096 /* output reorder window (names) */
#define EMAIL_INFLIGHT      512  /* names being checked at once */
#define EMAIL_INFLIGHT_SLOW 32   /* ... with --probe or --contacts */
#define EMAIL_POLL_MS       10   /* probe/WHOIS completion poll */
#define CONTACTS_IDLE_KEEP  256  /* finished WHOIS checks kept for reuse */
#define RESULT_SPARE        64   /* result structures kept for reuse */
#define OUT_BUFFER          (64 * 1024) /* stdout's buffer, not a terminal */
#define OUT_FLUSH_MS        200 /* written output waits at most this long */

typedef enum {
  SLOT_FREE = 0,
  SLOT_DNS,   /* lookups outstanding */
  SLOT_PROBE, /* SMTP probe running */
  SLOT_WHOIS, /* waiting for the registrable domain's contacts */
  SLOT_DONE   /* rendered (out, or written already) */
} slot_state;

typedef struct contacts {
  dv_whois_check c;
  int refs;
  int finished; /* dv_whois_check_finish ran */
  struct contacts *next;
} contacts;

struct stream;

typedef struct {
  const char *label; /* the input's label; NULL: a command-line argument */
  size_t n;          /* its line, or the argument's number (from 1) */
} where_at;

typedef struct {
  slot_state st;
  uint64_t seq;
  dv_email_result *r;
  dv_probe *probe;
  contacts *wc;
  char *out; /* rendered ahead of its turn */
  size_t outlen;
  struct stream *s;
} slot;

typedef struct stream {
  dv_cfg *cfg;
  const dv_email_renderer *rend;
  dv_loop *loop;
  dv_resolver *rs;
  dv_email_ctx ctx;
  dv_ca_choice *ca;
  dv_tool_probe *tp;
  dv_whois_ctx *wctx;
  int use_contacts;
  FILE *out;
  dv_buf obuf; /* one result, rendered */
  FILE *ofile; /* writes into obuf (stdio renderers, ahead of their turn) */
  slot *ring;
  size_t window, max_inflight;
  uint64_t next_seq, emit_seq;
  size_t inflight; /* started, not yet rendered */
  size_t waiting;  /* in SLOT_PROBE or SLOT_WHOIS */
  dv_timer poll;
  dv_timer feed;
  dv_timer flush; /* armed while written output sits in stdio's buffer */
  /* input */
  size_t argi;
  dv_input_stream *in; /* NULL without -f */
  int input_done, in_wait;
  where_at last_where; /* of the last name started (label NULL, n 0: none) */
  /* run */
  int closing, deadline_hit, nomem, fatal, pumping, again;
  int out_broken, out_errno; /* writing the output failed (EPIPE: quiet) */
  size_t bad, started, nincomplete;
  int any_all, incomplete;
  dv_severity worst_all;
  contacts *contacts;
  size_t ncontacts_idle;
  dv_email_result **graveyard; /* results the resolver may still write */
  dv_email_result *spare[RESULT_SPARE]; /* freed results, for reuse */
  size_t nspare;
  size_t ngraveyard;
} stream;

static void out_broken(stream *s);
static void out_wrote(stream *s);

/* The cookie write of s->ofile: into the stream's buffer. */
static ssize_t obuf_write(void *cookie, const char *p, size_t n)
{
  if (dv_buf_append(cookie, p, n) != DV_BUF_OK) {
    errno = ENOMEM;
    return -1;
  }
  return (ssize_t)n;
}

static void pump(stream *s);

static slot *slot_of(stream *s, uint64_t seq)
{
  return &s->ring[seq % s->window];
}

static contacts *contacts_get(stream *s, const char *domain)
{
  contacts *c;
  for (c = s->contacts; c; c = c->next)
    if (strcmp(c->c.domain, domain) == 0) {
      if (c->refs++ == 0)
        s->ncontacts_idle--;
      return c;
    }
  c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  dv_whois_check_init(&c->c, domain);
  if (dv_whois_check_add_name(&c->c, domain) < 0) {
    dv_whois_check_free(&c->c);
    free(c);
    return NULL;
  }
  c->refs = 1;
  c->next = s->contacts;
  s->contacts = c;
  if (!s->closing)
    dv_whois_check_start(s->wctx, &c->c);
  return c;
}

/* Drop a reference; finished checks nobody uses stay for reuse by later
 * names of the same domain, at most CONTACTS_IDLE_KEEP of them. */
static void contacts_put(stream *s, contacts *c)
{
  contacts **pp, **last = NULL;
  if (!c || --c->refs > 0)
    return;
  if (++s->ncontacts_idle <= CONTACTS_IDLE_KEEP)
    return;
  for (pp = &s->contacts; *pp; pp = &(*pp)->next)
    if ((*pp)->refs == 0 && (*pp)->c.done)
      last = pp;
  if (last) {
    contacts *x = *last;
    *last = x->next;
    dv_whois_check_free(&x->c);
    free(x);
    s->ncontacts_idle--;
  }
}

static void contacts_free_all(stream *s)
{
  while (s->contacts) {
    contacts *x = s->contacts;
    s->contacts = x->next;
    dv_whois_check_free(&x->c);
    free(x);
  }
}

/* A result structure (2 KB, zeroed by dv_email_result_init): one kept
 * from a finished name rather than a big malloc per name. */
static dv_email_result *result_get(stream *s)
{
  if (s->nspare)
    return s->spare[--s->nspare];
  return malloc(sizeof(dv_email_result));
}

static void result_put(stream *s, dv_email_result *r)
{
  if (s->nspare < RESULT_SPARE)
    s->spare[s->nspare++] = r;
  else
    free(r);
}

/* Render one finished name and free it. The head of the window goes
 * straight to the output; others are kept, rendered, until their turn. */
static void slot_finalize(slot *sl)
{
  stream *s = sl->s;
  dv_email_result *r = sl->r;
  dv_whois_check *wc = sl->wc ? &sl->wc->c : NULL;
  const dv_probe *probe = sl->probe && sl->probe->nsess ? sl->probe : NULL;
  FILE *out = s->out;

  if (wc && !sl->wc->finished) {
    dv_whois_check_finish(wc);
    sl->wc->finished = 1;
  }
  if (s->cfg->acm_legacy)
    legacy_rescue(r, wc);
  /* the constructed-address method and the CA/B Forum's dates for it
   * (BR 3.2.2.4.4, SC-090); a CA that has no e-mail method at all */
  if (!dv_ca_check_offered(s->ca, "email", &r->findings, r->name.ascii) &&
      r->chosen >= 0)
    dv_ca_email_sunset(s->ca, &r->findings, r->name.ascii);
  s->incomplete |= r->incomplete;
  s->nincomplete += (size_t)(r->incomplete != 0);
  if (r->findings.nomem)
    s->nomem = 1;
  dv_findings_fold(&r->findings, &s->any_all, &s->worst_all);
  if (s->rend->result_buf || sl->seq != s->emit_seq) {
    /* rendered into the stream's buffer: written at once at the head of
     * the window, else copied out to wait for its turn (a stdio renderer
     * writes there through s->ofile) */
    int rc;
    dv_buf_clear(&s->obuf);
    if (s->rend->result_buf) {
      rc = s->rend->result_buf(&s->obuf, s->cfg, (size_t)sl->seq, r, wc, probe);
    } else {
      rc = s->rend->result(s->ofile, s->cfg, (size_t)sl->seq, r, wc, probe);
      if (fflush(s->ofile) != 0 || ferror(s->ofile)) {
        rc = -1;
        clearerr(s->ofile);
      }
    }
    if (rc < 0)
      s->nomem = 1;
    if (sl->seq == s->emit_seq) {
      if (!s->out_broken && s->obuf.len &&
          fwrite(s->obuf.p, 1, s->obuf.len, out) != s->obuf.len)
        out_broken(s);
      out_wrote(s);
    } else if (s->obuf.len) {
      sl->out = malloc(s->obuf.len);
      if (sl->out) {
        memcpy(sl->out, s->obuf.p, s->obuf.len);
        sl->outlen = s->obuf.len;
      } else {
        s->nomem = 1;
      }
    }
    out = NULL;
  }
  if (out && out == s->out && s->out_broken)
    out = NULL; /* nothing more is written */
  if (out && s->rend->result(out, s->cfg, (size_t)sl->seq, r, wc, probe) < 0)
    s->nomem = 1;
  if (out && out == s->out && ferror(out))
    out_broken(s);
  if (out && out == s->out)
    out_wrote(s);
  if (sl->probe) {
    dv_probe_free(sl->probe);
    free(sl->probe);
    sl->probe = NULL;
  }
  contacts_put(s, sl->wc);
  sl->wc = NULL;
  if (r->pending) {
    /* the deadline: lookups the resolver has not given back yet still
     * write into r -- keep it until the resolver is freed */
    dv_email_result **g =
        realloc(s->graveyard, (s->ngraveyard + 1) * sizeof(*g));
    r->done_cb = NULL;
    if (g) {
      s->graveyard = g;
      s->graveyard[s->ngraveyard++] = r;
    } else {
      s->nomem = 1; /* leak r rather than let the resolver write into it */
    }
  } else {
    dv_email_result_free(r);
    result_put(s, r);
  }
  sl->r = NULL;
  sl->st = SLOT_DONE;
  s->inflight--;
}

static void waiting_add(stream *s);
static void emit_ready(stream *s);

/* The next stage of a name whose DNS (and probe) is done. */
static void slot_advance(slot *sl)
{
  stream *s = sl->s;
  if (sl->st == SLOT_DNS) {
    dv_email_finish(sl->r);
    if (s->cfg->probe && !s->closing && !sl->r->incomplete &&
        sl->r->chosen >= 0) {
      sl->probe = calloc(1, sizeof(*sl->probe));
      if (!sl->probe) {
        s->nomem = 1;
      } else if (dv_probe_init(sl->probe, &sl->r->cands[sl->r->chosen]) == 0) {
        sl->st = SLOT_PROBE;
        waiting_add(s);
        dv_probe_start(&s->tp->ctx, sl->probe);
        return;
      } else {
        free(sl->probe);
        sl->probe = NULL;
      }
    }
  } else if (sl->st == SLOT_PROBE) {
    s->waiting--;
    dv_probe_finish(sl->probe);
    dv_findings_append(&sl->r->findings, &sl->probe->findings);
    if (sl->probe->findings.nomem)
      sl->r->findings.nomem = 1;
  } else if (sl->st == SLOT_WHOIS) {
    s->waiting--;
  }
  if (sl->st != SLOT_WHOIS && sl->wc && !sl->wc->c.done && !s->closing) {
    sl->st = SLOT_WHOIS;
    waiting_add(s);
    return;
  }
  slot_finalize(sl);
}

static void feed_tick(void *arg)
{
  pump(arg);
}

/* A name's lookups are done. Its successors are started from a timer of
 * their own, not from here: answers the resolver has cached are delivered
 * in the same pass as this one, so starting names here could keep the loop
 * inside one delivery (no I/O, no deadline) for the whole input. */
static void dns_done(void *arg, dv_email_result *r)
{
  slot *sl = arg;
  stream *s = sl->s;
  (void)r;
  slot_advance(sl);
  emit_ready(s);
  if (!s->closing)
    dv_loop_timer_arm(s->loop, &s->feed, 0, feed_tick, s);
}

/* Probes and WHOIS checks have no completion callback: a short timer looks
 * at the (bounded) window while any name waits for one. */
static void poll_tick(void *arg)
{
  stream *s = arg;
  for (uint64_t q = s->emit_seq; q < s->next_seq; q++) {
    slot *sl = slot_of(s, q);
    if ((sl->st == SLOT_PROBE && sl->probe->done) ||
        (sl->st == SLOT_WHOIS && sl->wc->c.done))
      slot_advance(sl);
  }
  if (s->waiting)
    dv_loop_timer_arm(s->loop, &s->poll, EMAIL_POLL_MS, poll_tick, s);
  else
    dv_loop_unref(s->loop);
  pump(s);
}

static void waiting_add(stream *s)
{
  if (s->waiting++ == 0) {
    dv_loop_ref(s->loop);
    dv_loop_timer_arm(s->loop, &s->poll, EMAIL_POLL_MS, poll_tick, s);
  }
}

/* The output cannot be written (a reader that closed the pipe early, a
 * full disk): start no more names; EPIPE ends the run quietly. */
static void out_broken(stream *s)
{
  if (s->out_broken)
    return;
  s->out_broken = 1;
  s->out_errno = errno ? errno : EIO;
  s->closing = 1;
}

static void flush_tick(void *arg)
{
  stream *s = arg;
  if (!s->out_broken && fflush(s->out) != 0)
    out_broken(s);
}

/* Output went into stdio's (large) buffer: it reaches the reader within
 * OUT_FLUSH_MS even when the next results are slow to come. */
static void out_wrote(stream *s)
{
  if (!s->flush.due_ms && !s->out_broken)
    dv_loop_timer_arm(s->loop, &s->flush, OUT_FLUSH_MS, flush_tick, s);
}

/* Write the finished names at the head of the window, in order. */
static void emit_ready(stream *s)
{
  while (s->emit_seq < s->next_seq) {
    slot *sl = slot_of(s, s->emit_seq);
    if (sl->st != SLOT_DONE)
      break;
    if (sl->out) {
      if (!s->out_broken &&
          fwrite(sl->out, 1, sl->outlen, s->out) != sl->outlen)
        out_broken(s);
      out_wrote(s);
      free(sl->out);
      sl->out = NULL;
    }
    sl->st = SLOT_FREE;
    s->emit_seq++;
  }
}

static void stdin_ready(void *arg, int fd, short revents)
{
  stream *s = arg;
  (void)revents;
  dv_loop_io_set(s->loop, fd, 0, NULL, NULL);
  dv_loop_unref(s->loop);
  s->in_wait = 0;
  pump(s);
}

/* Where an input item came from: "argument N" or "LABEL line N", put
 * into words only when something is said about it (not once per name). */
static void where_text(const where_at *w, char *out, size_t outlen)
{
  if (w->label)
    snprintf(out, outlen, "%s line %zu", w->label, w->n);
  else
    snprintf(out, outlen, "argument %zu", w->n);
}

/* Parse one input item: 1 = a name (in *n), 0 = a bad one (reported),
 * -1 = out of memory. */
static int parse_one(const char *text, size_t len, const where_at *at,
                     dv_name *n, char *shown, size_t shownlen)
{
  char detail[256], where[64];
  dv_name_status st;
  dv_text_escape(text, len, shown, shownlen);
  st = dv_name_parse(text, len, n, detail, sizeof(detail));
  if (st == DV_NAME_NOMEM)
    return -1;
  if (st != DV_NAME_OK) {
    where_text(at, where, sizeof(where));
    dv_error("%s: \"%.80s%s\": %s%s%s", where, shown,
             strlen(shown) > 80 ? "..." : "", dv_name_status_str(st),
             detail[0] ? ": " : "", detail);
    return 0;
  }
  return 1;
}

/* The next input item: 1 = got one, 0 = none now (EOF or would block),
 * -1 = a read error (reported; input ends). */
static int next_item(stream *s, const char **text, size_t *len, where_at *at)
{
  char msg[256];
  size_t lineno;
  dv_input_status st;
  if (s->argi < s->cfg->nargs) {
    *text = s->cfg->args[s->argi];
    *len = strlen(*text);
    at->label = NULL;
    at->n = ++s->argi;
    return 1;
  }
  while (s->in) {
    st = dv_input_stream_next(s->in, 1, text, len, &lineno, msg, sizeof(msg));
    if (st == DV_INPUT_OK) {
      at->label = s->in->label;
      at->n = lineno;
      return 1;
    }
    if (st == DV_INPUT_TOO_LONG) {
      dv_error("%s line %zu: %s", s->in->label, lineno,
               dv_input_status_str(st));
      s->bad++;
      continue;
    }
    if (st == DV_INPUT_AGAIN) {
      if (!s->in_wait && dv_loop_io_set(s->loop, s->in->fd, POLLIN, stdin_ready,
                                        s) == DV_LOOP_OK) {
        s->in_wait = 1;
        dv_loop_ref(s->loop);
      } else if (!s->in_wait) {
        s->nomem = 1;
        s->input_done = 1;
      }
      return 0;
    }
    if (st == DV_INPUT_OPEN) {
      dv_error("%s: %s: %s", s->cfg->names_file, dv_input_status_str(st), msg);
      s->fatal = 1;
    } else if (st == DV_INPUT_NOMEM) {
      s->nomem = 1;
    }
    s->input_done = 1;
    return st == DV_INPUT_EOF ? 0 : -1;
  }
  s->input_done = 1;
  return 0;
}

/* Start names while the windows have room. */
static void feed(stream *s)
{
  while (!s->closing && !s->input_done && s->inflight < s->max_inflight &&
         s->next_seq - s->emit_seq < s->window) {
    const char *text;
    size_t len;
    char shown[1100];
    where_at where;
    dv_name n;
    slot *sl;
    int p;
    if (next_item(s, &text, &len, &where) <= 0)
      return;
    p = parse_one(text, len, &where, &n, shown, sizeof(shown));
    if (p <= 0) {
      if (p < 0)
        s->nomem = 1;
      s->bad++;
      continue;
    }
    sl = slot_of(s, s->next_seq);
    memset(sl, 0, sizeof(*sl));
    sl->s = s;
    sl->seq = s->next_seq++;
    sl->r = result_get(s);
    if (!sl->r || dv_email_result_init(sl->r, shown, &n) < 0) {
      /* no result to show: the run ends as "unknown" */
      if (sl->r)
        dv_email_result_free(sl->r);
      free(sl->r);
      sl->r = NULL;
      sl->st = SLOT_DONE;
      s->nomem = 1;
      s->closing = 1;
      continue;
    }
    s->last_where = where;
    s->inflight++;
    s->started++;
    if (s->use_contacts) {
      sl->wc = contacts_get(s, n.registrable);
      if (!sl->wc)
        s->nomem = 1;
    }
    sl->st = SLOT_DNS;
    sl->r->done_cb = dns_done;
    sl->r->done_arg = sl;
    dv_email_start(&s->ctx, sl->r);
  }
}

static void pump(stream *s)
{
  if (s->pumping) {
    s->again = 1;
    return;
  }
  s->pumping = 1;
  do {
    s->again = 0;
    emit_ready(s);
    feed(s);
    emit_ready(s);
  } while (s->again);
  s->pumping = 0;
}

static void stream_deadline(void *arg)
{
  stream *s = arg;
  s->closing = 1;
  s->deadline_hit = 1;
}

/* Count and check every name before any lookup (a regular file can be read
 * twice): a bad name stops the run, as it always did. Returns the number
 * of bad items (reported), or -1 (reported). */
static long validate_all(const dv_cfg *cfg, dv_input_stream *in, size_t *total)
{
  long bad = 0;
  char shown[1100], msg[256];
  where_at where;
  dv_name n;
  *total = 0;
  for (size_t i = 0; i < cfg->nargs; i++) {
    int p;
    where.label = NULL;
    where.n = i + 1;
    p = parse_one(cfg->args[i], strlen(cfg->args[i]), &where, &n, shown,
                  sizeof(shown));
    if (p < 0) {
      dv_error("out of memory");
      return -1;
    }
    if (p == 0)
      bad++;
    else
      (*total)++;
  }
  while (in) {
    const char *text;
    size_t len, lineno;
    int p;
    dv_input_status st =
        dv_input_stream_next(in, 0, &text, &len, &lineno, msg, sizeof(msg));
    if (st == DV_INPUT_EOF)
      break;
    if (st == DV_INPUT_TOO_LONG) {
      dv_error("%s line %zu: %s", in->label, lineno, dv_input_status_str(st));
      bad++;
      continue;
    }
    if (st != DV_INPUT_OK) {
      dv_error("%s: %s%s%s", cfg->names_file, dv_input_status_str(st),
               st == DV_INPUT_OPEN ? ": " : "", st == DV_INPUT_OPEN ? msg : "");
      return -1;
    }
    where.label = in->label;
    where.n = lineno;
    p = parse_one(text, len, &where, &n, shown, sizeof(shown));
    if (p < 0) {
      dv_error("out of memory");
      return -1;
    }
    if (p == 0)
      bad++;
    else
      (*total)++;
  }
  return bad;
}

int dv_cmd_email(dv_cfg *cfg)
{
  stream s;
  dv_input_stream in;
  dv_resolver_opts ro;
  dv_loop_status ls = DV_LOOP_OK;
  dv_resolver_status rst;
  int rc = DV_EXIT_UNKNOWN, have_in = 0, choose;
  char msg[256];
  dv_whois_ctx wctx;
  dv_whois_opts wopts;
  int64_t t0 = dv_loop_now_ms();
  dv_tool_probe tp;
  dv_ca_choice ca;
  dv_findings runf = {0};
  dv_email_summary sum;
  size_t total = 0;
  int total_known = 0;

  memset(&s, 0, sizeof(s));
  memset(&wctx, 0, sizeof(wctx));
  memset(&tp, 0, sizeof(tp));
  memset(&sum, 0, sizeof(sum));
  choose = dv_ca_choose(cfg, &ca, "email");
  if (choose != 0)
    return choose > 0 ? DV_EXIT_OK : DV_EXIT_UNKNOWN;
  for (size_t i = 0; i < dv_email_nrenderers; i++)
    if (dv_email_renderers[i].format == cfg->format)
      s.rend = &dv_email_renderers[i];
  if (!s.rend) {
    dv_error("email: no renderer for this --format");
    goto out;
  }
  if (cfg->names_file) {
    dv_input_status ist =
        dv_input_stream_open(&in, cfg->names_file, msg, sizeof(msg));
    if (ist != DV_INPUT_OK) {
      dv_error("%s: %s%s%s", cfg->names_file, dv_input_status_str(ist),
               ist == DV_INPUT_OPEN ? ": " : "",
               ist == DV_INPUT_OPEN ? msg : "");
      goto out;
    }
    have_in = 1;
  }
  if (!cfg->names_file || in.regular) {
    /* arguments and a regular file: all names checked before any lookup */
    long bad = validate_all(cfg, have_in ? &in : NULL, &total);
    if (bad != 0)
      goto out;
    if (have_in && dv_input_stream_rewind(&in) < 0) {
      dv_error("%s: %s", cfg->names_file, "cannot read the file twice");
      goto out;
    }
    total_known = 1;
    if (total == 0) {
      dv_error("email: give at least one NAME (or -f FILE); see 'dvcheck "
               "email --help'");
      goto out;
    }
  } else {
    /* a pipe or terminal: the arguments are checked first; the streamed
     * names one by one (a bad one is an error on stderr, and exit 3) */
    long bad = validate_all(cfg, NULL, &total);
    if (bad != 0)
      goto out;
  }

  s.cfg = cfg;
  s.ca = &ca;
  s.tp = &tp;
  s.wctx = &wctx;
  s.out = stdout;
  s.in = have_in ? &in : NULL;
  s.window = EMAIL_WINDOW;
  s.use_contacts = cfg->contacts || cfg->acm_legacy;
  s.max_inflight =
      cfg->probe || s.use_contacts ? EMAIL_INFLIGHT_SLOW : EMAIL_INFLIGHT;
  s.worst_all = DV_SEV_INFO;
  s.ring = calloc(s.window, sizeof(*s.ring));
  s.loop = dv_loop_new();
  if (s.rend->result) {
    /* one FILE for the whole run, not an open_memstream per name */
    cookie_io_functions_t io = {NULL, obuf_write, NULL, NULL};
    s.ofile = fopencookie(&s.obuf, "w", io);
  }
  if (!s.ring || !s.loop || (s.rend->result && !s.ofile)) {
    dv_error("out of memory");
    goto out;
  }
  dv_loop_deadline_set(s.loop, (int64_t)(cfg->timeout_s * 1000));
  if (dv_loop_on_deadline(s.loop, stream_deadline, &s) != DV_LOOP_OK) {
    dv_error("out of memory");
    goto out;
  }
  dv_resolver_opts_init(&ro);
  ro.servers = cfg->resolvers[0] ? cfg->resolvers : NULL;
  dv_tool_resolver_opts(cfg, &ro); /* --max-inflight, -v counters */
  if (cfg->verbose >= 2)
    ro.trace = dv_report_dns_trace;
  rst = dv_resolver_new(s.loop, &ro, &s.rs);
  if (rst != DV_RESOLVER_OK) {
    dv_error("%s", dv_resolver_status_str(rst));
    goto out;
  }
  s.ctx.res = s.rs;
  if (dv_tool_probe_init(&tp, cfg, s.loop) < 0)
    goto out;
  if (s.use_contacts) {
    char err[512];
    dv_tool_whois_opts(cfg, &wopts);
    if (dv_whois_ctx_init(&wctx, &wopts, s.loop, s.rs, err, sizeof(err)) < 0) {
      dv_error("%s", err);
      goto out;
    }
  }

  /* stdio's default for a file or pipe is one page: a write(2) every
   * few names. A bigger buffer, flushed by a timer (out_wrote) and at the
   * end; a terminal stays line-buffered. */
  if (!isatty(fileno(s.out))) {
    static char outbuf[OUT_BUFFER]; /* stdout outlives this function */
    setvbuf(s.out, outbuf, _IOFBF, sizeof(outbuf));
  }
  if (s.rend->begin && s.rend->begin(s.out, cfg) < 0)
    s.nomem = 1;
  pump(&s);
  for (;;) {
    uint64_t e0 = s.emit_seq, n0 = s.next_seq;
    size_t b0 = s.bad;
    ls = dv_loop_run(s.loop);
    if (ls != DV_LOOP_OK)
      break;
    pump(&s);
    /* all read, or closing (memory ran out, the output broke): done
     * once every name started is written */
    if ((s.input_done || s.closing) && s.emit_seq == s.next_seq)
      break;
    if (s.emit_seq == e0 && s.next_seq == n0 && s.bad == b0 && !s.in_wait &&
        !s.waiting && s.inflight == 0) {
      dv_error("email: the stream stalled (internal error)");
      s.nomem = 1;
      break;
    }
  }
  if (dv_loop_cut(ls)) {
    s.closing = 1;
    s.deadline_hit = 1;
  } else if (ls != DV_LOOP_OK) {
    dv_error("event loop: %s", dv_loop_status_str(ls));
    s.nomem = 1; /* the run ends as "unknown" */
    s.closing = 1;
  }
  if (s.in_wait) {
    dv_loop_io_set(s.loop, s.in->fd, 0, NULL, NULL);
    s.in_wait = 0;
  }
  if (s.waiting)
    dv_loop_timer_disarm(s.loop, &s.poll);
  dv_loop_timer_disarm(s.loop, &s.feed);
  dv_loop_timer_disarm(s.loop, &s.flush);
  /* what the deadline cut short: every name started is written (its
   * unanswered lookups count as cancelled) */
  s.closing = 1;
  for (uint64_t q = s.emit_seq; q < s.next_seq; q++) {
    slot *sl = slot_of(&s, q);
    while (sl->st == SLOT_DNS || sl->st == SLOT_PROBE || sl->st == SLOT_WHOIS)
      slot_advance(sl);
  }
  emit_ready(&s);
  if (s.ctx.nomem)
    s.nomem = 1;
  if (s.deadline_hit) {
    /* Say so once, against the run itself: the names cut short (written,
     * verdict unknown) and those never looked up (not written), and where
     * to resume. */
    dv_finding *f = dv_findings_add(&runf, DV_F_RUN_DEADLINE, "run");
    dv_finding_ev(&runf, f, "timeout_s", "%g", cfg->timeout_s);
    dv_finding_ev(&runf, f, "unfinished",
                  "%zu of the %zu names written (verdict unknown)",
                  s.nincomplete, (size_t)s.emit_seq);
    if (total_known) {
      sum.not_started = total - s.started;
      dv_finding_ev(&runf, f, "not_started", "%zu of %zu names",
                    sum.not_started, total);
    } else {
      dv_finding_ev(&runf, f, "not_started", "%s",
                    s.input_done ? "none" : "the rest of the input");
    }
    if (s.last_where.n && (!s.input_done || sum.not_started)) {
      char where[64];
      where_text(&s.last_where, where, sizeof(where));
      dv_finding_ev(&runf, f, "resume_after", "%s", where);
    }
    dv_findings_fold(&runf, &s.any_all, &s.worst_all);
  }
  if (runf.nomem)
    s.nomem = 1;
  if (s.started == 0 && cfg->names_file && !s.deadline_hit && !s.bad &&
      !s.fatal && !s.nomem && !s.out_broken) {
    /* a streamed input that held no names: as with no NAME at all */
    dv_error("email: no names in %s", strcmp(cfg->names_file, "-") == 0
                                          ? "standard input"
                                          : cfg->names_file);
    s.fatal = 1;
  }
  rc = dv_report_exit_code(s.any_all, s.worst_all,
                           s.deadline_hit || s.incomplete || s.nomem ||
                               s.fatal || s.bad);
  if (s.out_broken) {
    rc = DV_EXIT_UNKNOWN;
    if (s.out_errno != EPIPE)
      dv_error("cannot write the output: %s", strerror(s.out_errno));
  } else if (s.nomem)
    dv_error("out of memory: the output is incomplete");
  if (cfg->verbose)
    fprintf(stderr,
            "dvcheck: %zu name(s), %lu DNS queries, %lu SMTP sessions (at most "
            "%d at once, %d per MX address), %lld ms\n",
            s.started, dv_resolver_sent(s.rs), tp.ctx.sessions,
            tp.ctx.max_active, tp.ctx.max_host_active,
            (long long)(dv_loop_now_ms() - t0));
  sum.results = (size_t)s.emit_seq;
  sum.unknown = s.nincomplete;
  sum.total_known = total_known;
  sum.total = total;
  sum.bad_input = s.bad;
  sum.deadline_hit = s.deadline_hit;
  sum.exit_code = rc;
  sum.findings = &runf;
  if (!s.out_broken && s.rend->end(s.out, cfg, &sum) < 0)
    rc = DV_EXIT_UNKNOWN;
  fflush(s.out);
  dv_loop_timer_disarm(s.loop, &s.flush);
out:
  /* slots left (an error before the end): their results */
  if (s.ring)
    for (uint64_t q = s.emit_seq; q < s.next_seq; q++) {
      slot *sl = slot_of(&s, q);
      free(sl->out);
      sl->out = NULL;
    }
  dv_tool_probe_free(&tp);
  contacts_free_all(&s);
  dv_whois_ctx_free(&wctx);
  /* the resolver delivers cancelled answers into results it still has:
   * free it while they exist */
  dv_resolver_free(s.rs);
  for (size_t i = 0; i < s.ngraveyard; i++) {
    dv_email_result_free(s.graveyard[i]);
    free(s.graveyard[i]);
  }
  free(s.graveyard);
  while (s.nspare)
    free(s.spare[--s.nspare]);
  free(s.ring);
  if (s.ofile)
    fclose(s.ofile); /* flushes nothing: each result was flushed */
  dv_buf_free(&s.obuf);
  dv_loop_free(s.loop);
  if (have_in)
    dv_input_stream_close(&in);
  dv_findings_free(&runf);
  dv_ca_choice_free(&ca);
  return rc;
}
