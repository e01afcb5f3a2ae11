/* dvcheck -- e-mail validation checks. See check_email.h. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/loop.h"
#include "check/check_email.h"

const char *const dv_email_locals[5] = {"admin", "administrator", "hostmaster",
                                        "postmaster", "webmaster"};

int dv_addr_is_public(const char *addr)
{
  unsigned char b[16];
  if (inet_pton(AF_INET, addr, b) == 1) {
    if (b[0] == 0 || b[0] == 10 || b[0] == 127 || b[0] >= 224)
      return 0;
    if (b[0] == 100 && (b[1] & 0xC0) == 64) /* 100.64/10 shared */
      return 0;
    if (b[0] == 169 && b[1] == 254)
      return 0;
    if (b[0] == 172 && (b[1] & 0xF0) == 16)
      return 0;
    if (b[0] == 192 && b[1] == 168)
      return 0;
    if (b[0] == 192 && b[1] == 0 && b[2] == 0) /* 192.0.0/24 IETF */
      return 0;
    if (b[0] == 198 && (b[1] & 0xFE) == 18) /* 198.18/15 benchmarking */
      return 0;
    return 1;
  }
  if (inet_pton(AF_INET6, addr, b) == 1) {
    static const unsigned char zero[16];
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0,    0,
                                             0, 0, 0, 0, 0xFF, 0xFF};
    if (memcmp(b, zero, 15) == 0 && (b[15] == 0 || b[15] == 1))
      return 0; /* :: and ::1 */
    if (memcmp(b, mapped, 12) == 0) {
      char v4[16];
      snprintf(v4, sizeof(v4), "%u.%u.%u.%u", b[12], b[13], b[14], b[15]);
      return dv_addr_is_public(v4);
    }
    if ((b[0] & 0xFE) == 0xFC) /* fc00::/7 unique local */
      return 0;
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) /* fe80::/10 */
      return 0;
    if (b[0] == 0xFF) /* multicast */
      return 0;
    return 1;
  }
  return 0;
}

int dv_host_is_ip_literal(const char *host)
{
  char h[DV_DNS_NAME_MAX];
  unsigned char b[16];
  size_t l;
  snprintf(h, sizeof(h), "%s", host);
  l = strlen(h);
  if (l && h[l - 1] == '.')
    h[--l] = '\0';
  if (h[0] == '[' && l > 2 && h[l - 1] == ']') {
    h[l - 1] = '\0';
    return inet_pton(AF_INET6, h + 1, b) == 1 ||
           inet_pton(AF_INET, h + 1, b) == 1;
  }
  return inet_pton(AF_INET, h, b) == 1;
}

int dv_host_doubled_suffix(const char *host, const char *zone)
{
  char h[DV_DNS_NAME_MAX], pat[2 * DV_NAME_LEN + 4];
  size_t hl, pl;
  snprintf(h, sizeof(h), "%s", host);
  hl = strlen(h);
  if (hl && h[hl - 1] == '.')
    h[--hl] = '\0';
  snprintf(pat, sizeof(pat), "%s.%s", zone, zone);
  pl = strlen(pat);
  if (hl < pl || strcasecmp(h + hl - pl, pat) != 0)
    return 0;
  return hl == pl || h[hl - pl - 1] == '.';
}

/* ---- lookups ---------------------------------------------------------- */

typedef struct {
  dv_candidate *c;
  size_t host; /* index into c->hosts, or SIZE_MAX for the domain itself */
} dv_addr_q;

static void collect_addrs(const dv_dns_answer *a, char (*out)[46], size_t *n,
                          uint16_t type)
{
  char final[DV_DNS_NAME_MAX];
  if (!a->have_msg ||
      dv_dns_msg_cname_chain(&a->msg, a->qname, final, sizeof(final), 16) < 0)
    return;
  for (size_t i = 0; i < a->msg.nrr && *n < DV_MX_MAX_ADDRS; i++) {
    const dv_dns_rr *rr = &a->msg.rr[i];
    if (rr->section != DV_SEC_ANSWER || rr->type != type ||
        !dv_dns_name_eq(rr->name, final))
      continue;
    if (dv_dns_rr_addr(&a->msg, rr, out[*n], 46) == 0)
      (*n)++;
  }
}

/* One more lookup of r's is on the resolver / one has answered. */
static void pending_add(dv_email_result *r)
{
  if (r)
    r->pending++;
}

static void pending_done(dv_email_result *r)
{
  if (!r || !r->pending)
    return;
  if (--r->pending == 0 && r->done_cb)
    r->done_cb(r->done_arg, r);
}

static void addr_answer(void *arg, const dv_dns_answer *a)
{
  dv_addr_q *q = arg;
  dv_candidate *c = q->c;

  if (q->host == SIZE_MAX) {
    if (a->qtype == DV_T_A)
      c->a_status = a->status;
    else
      c->aaaa_status = a->status;
    collect_addrs(a, c->addrs, &c->naddrs, a->qtype);
  } else {
    dv_mx_host *h = &c->hosts[q->host];
    char final[DV_DNS_NAME_MAX];
    if (a->qtype == DV_T_A)
      h->a_status = a->status;
    else
      h->aaaa_status = a->status;
    if (a->have_msg && dv_dns_msg_cname_chain(&a->msg, a->qname, final,
                                              sizeof(final), 16) > 0) {
      h->is_alias = 1;
      snprintf(h->canonical, sizeof(h->canonical), "%s", final);
    }
    collect_addrs(a, h->addrs, &h->naddrs, a->qtype);
  }
  free(q);
  pending_done(c->owner);
}

static void ask_addrs(dv_candidate *c, size_t host, const char *name)
{
  static const uint16_t types[2] = {DV_T_A, DV_T_AAAA};
  for (int i = 0; i < 2; i++) {
    dv_addr_q *q = calloc(1, sizeof(*q));
    if (!q) {
      c->ctx->nomem = 1;
      continue;
    }
    q->c = c;
    q->host = host;
    pending_add(c->owner);
    if (dv_resolver_query(c->ctx->res, name, types[i], addr_answer, q) !=
        DV_RESOLVER_OK) {
      free(q);
      c->ctx->nomem = 1;
      c->owner->pending--; /* never 0 here: the caller's lookup holds one */
    }
  }
}

static void mx_answer_body(dv_candidate *c, const dv_dns_answer *a);

static void mx_answer(void *arg, const dv_dns_answer *a)
{
  dv_candidate *c = arg;
  mx_answer_body(c, a);
  pending_done(c->owner);
}

static void mx_answer_body(dv_candidate *c, const dv_dns_answer *a)
{
  char final[DV_DNS_NAME_MAX];
  size_t nmx = 0;

  c->mx_status = a->status;
  if (a->have_msg &&
      dv_dns_msg_cname_chain(&a->msg, a->qname, final, sizeof(final), 16) > 0) {
    c->is_alias = 1;
    snprintf(c->alias_target, sizeof(c->alias_target), "%s", final);
  } else {
    snprintf(final, sizeof(final), "%s", c->domain);
  }
  if (a->status == DV_DNS_NODATA) {
    ask_addrs(c, SIZE_MAX, c->domain); /* implicit MX? */
    return;
  }
  if (a->status != DV_DNS_OK)
    return;
  for (size_t i = 0; i < a->msg.nrr; i++)
    if (a->msg.rr[i].section == DV_SEC_ANSWER && a->msg.rr[i].type == DV_T_MX &&
        dv_dns_name_eq(a->msg.rr[i].name, final))
      nmx++;
  c->hosts = calloc(nmx ? nmx : 1, sizeof(dv_mx_host));
  if (!c->hosts) {
    c->ctx->nomem = 1;
    return;
  }
  for (size_t i = 0; i < a->msg.nrr; i++) {
    const dv_dns_rr *rr = &a->msg.rr[i];
    dv_mx_host *h;
    if (rr->section != DV_SEC_ANSWER || rr->type != DV_T_MX ||
        !dv_dns_name_eq(rr->name, final))
      continue;
    h = &c->hosts[c->nhosts];
    if (dv_dns_rr_mx(&a->msg, rr, &h->pref, h->host, sizeof(h->host)) < 0)
      continue;
    h->a_status = h->aaaa_status = DV_DNS_CANCELLED;
    c->nhosts++;
  }
  /* RFC 7505: a single MX with preference 0 and target "." */
  if (c->nhosts == 1 && strcmp(c->hosts[0].host, ".") == 0) {
    c->null_mx = 1;
    return;
  }
  for (size_t i = 0; i < c->nhosts; i++) {
    dv_mx_host *h = &c->hosts[i];
    if (strcmp(h->host, ".") == 0)
      continue;
    if (dv_host_is_ip_literal(h->host)) {
      h->ip_literal = 1;
      continue;
    }
    h->doubled_suffix = dv_host_doubled_suffix(h->host, c->domain) ||
                        dv_host_doubled_suffix(h->host, c->registrable);
    ask_addrs(c, i, h->host);
  }
}

/* ---- results ---------------------------------------------------------- */

int dv_email_result_init(dv_email_result *r, const char *input_printable,
                         const dv_name *n)
{
  /* 32 KB on the stack: a calloc per name was a sixth of a large run */
  char cands[DV_MAX_CANDIDATES][DV_NAME_LEN];
  memset(r, 0, sizeof(*r));
  r->chosen = -1;
  snprintf(r->input, sizeof(r->input), "%s", input_printable);
  r->name = *n;
  r->ncands = dv_name_candidates(n, cands, DV_MAX_CANDIDATES);
  r->cands = calloc(r->ncands ? r->ncands : 1, sizeof(dv_candidate));
  if (!r->cands) {
    r->ncands = 0; /* dv_email_result_free walks ncands candidates */
    return -1;
  }
  for (size_t i = 0; i < r->ncands; i++) {
    memcpy(r->cands[i].domain, cands[i], DV_NAME_LEN);
    r->cands[i].domain[DV_NAME_LEN - 1] = '\0';
    snprintf(r->cands[i].registrable, DV_NAME_LEN, "%s", n->registrable);
    r->cands[i].mx_status = DV_DNS_CANCELLED;
    r->cands[i].a_status = r->cands[i].aaaa_status = DV_DNS_CANCELLED;
  }
  return 0;
}

void dv_email_start(dv_email_ctx *ctx, dv_email_result *r)
{
  r->pending++; /* held while asking: no done_cb from inside this loop */
  for (size_t i = 0; i < r->ncands; i++) {
    dv_candidate *c = &r->cands[i];
    c->ctx = ctx;
    c->owner = r;
    c->started = 1;
    r->pending++;
    if (dv_resolver_query(ctx->res, c->domain, DV_T_MX, mx_answer, c) !=
        DV_RESOLVER_OK) {
      ctx->nomem = 1;
      r->pending--;
    }
  }
  pending_done(r);
}

static dv_code lookup_failure_code(const dv_candidate *c, dv_dns_status st)
{
  switch (st) {
  case DV_DNS_SERVFAIL:
    return DV_F_MX_LOOKUP_SERVFAIL;
  case DV_DNS_TIMEOUT:
    /* A recursive resolver answers SERVFAIL when the domain's servers do
     * not; one that never answered anything in this run is the problem
     * itself (tests/faults: a silent or stalling resolver) */
    return dv_resolver_answered(c->ctx->res) ? DV_F_MX_LOOKUP_TIMEOUT
                                             : DV_F_DNS_RESOLVER_FAILED;
  case DV_DNS_CANCELLED: /* the deadline, or a signal (base/loop.h) */
    return dv_loop_interrupted() ? DV_F_RUN_INTERRUPTED : DV_F_RUN_DEADLINE;
  default:
    return DV_F_DNS_RESOLVER_FAILED;
  }
}

static void host_list(const dv_mx_host *h, char *out, size_t outlen)
{
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < h->naddrs && o < outlen; i++) {
    int n = snprintf(out + o, outlen - o, "%s%s", i ? ", " : "", h->addrs[i]);
    if (n < 0)
      break;
    o += (size_t)n;
  }
}

static int status_is_failure(dv_dns_status st)
{
  return st != DV_DNS_OK && st != DV_DNS_NODATA && st != DV_DNS_NXDOMAIN;
}

/* Classify one MX host: record its problems; returns whether it is usable. */
static int host_classify(dv_candidate *c, dv_mx_host *h)
{
  dv_findings *fl = &c->findings;
  dv_finding *f;
  char list[512];

  if (h->ip_literal) {
    f = dv_findings_add(fl, DV_F_MX_TARGET_IP_LITERAL, c->domain);
    dv_finding_ev(fl, f, "mx", "%u %s", h->pref, h->host);
    return 0;
  }
  if (h->doubled_suffix) {
    f = dv_findings_add(fl, DV_F_MX_TARGET_DOUBLED_SUFFIX, c->domain);
    dv_finding_ev(fl, f, "mx", "%u %s", h->pref, h->host);
  }
  if (h->is_alias) {
    f = dv_findings_add(fl, DV_F_MX_TARGET_CNAME, c->domain);
    dv_finding_ev(fl, f, "mx", "%u %s", h->pref, h->host);
    dv_finding_ev(fl, f, "canonical", "%s", h->canonical);
  }
  for (size_t i = 0; i < h->naddrs; i++)
    if (dv_addr_is_public(h->addrs[i]))
      h->public_addrs++;
  if (h->naddrs == 0) {
    if (status_is_failure(h->a_status) && status_is_failure(h->aaaa_status)) {
      f = dv_findings_add(fl,
                          h->a_status == DV_DNS_CANCELLED
                              ? DV_F_RUN_DEADLINE
                              : DV_F_MX_TARGET_LOOKUP_FAILED,
                          c->domain);
      dv_finding_ev(fl, f, "mx", "%u %s", h->pref, h->host);
      dv_finding_ev(fl, f, "a", "%s", dv_dns_status_str(h->a_status));
      dv_finding_ev(fl, f, "aaaa", "%s", dv_dns_status_str(h->aaaa_status));
      return 0;
    }
    f = dv_findings_add(fl, DV_F_MX_TARGET_NO_ADDRESS, c->domain);
    dv_finding_ev(fl, f, "mx", "%u %s", h->pref, h->host);
    dv_finding_ev(fl, f, "a", "%s", dv_dns_status_str(h->a_status));
    dv_finding_ev(fl, f, "aaaa", "%s", dv_dns_status_str(h->aaaa_status));
    return 0;
  }
  if (h->public_addrs == 0) {
    host_list(h, list, sizeof(list));
    f = dv_findings_add(fl, DV_F_MX_TARGET_UNROUTABLE, c->domain);
    dv_finding_ev(fl, f, "mx", "%u %s", h->pref, h->host);
    dv_finding_ev(fl, f, "addresses", "%s", list);
    return 0;
  }
  return 1;
}

static void candidate_classify(dv_candidate *c)
{
  dv_findings *fl = &c->findings;
  dv_finding *f;

  c->deliverable = 0;
  if (c->is_alias) {
    f = dv_findings_add(fl, DV_F_MX_NAME_IS_CNAME, c->domain);
    dv_finding_ev(fl, f, "target", "%s", c->alias_target);
  }
  switch (c->mx_status) {
  case DV_DNS_OK:
    break;
  case DV_DNS_NXDOMAIN:
    c->reason = DV_F_DOMAIN_NXDOMAIN;
    f = dv_findings_add(fl, c->reason, c->domain);
    dv_finding_ev(fl, f, "query", "%s MX", c->domain);
    return;
  case DV_DNS_NODATA:
    if (c->naddrs > 0) {
      char list[512] = "";
      size_t o = 0;
      for (size_t i = 0; i < c->naddrs && o < sizeof(list); i++) {
        int n = snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "",
                         c->addrs[i]);
        if (n > 0)
          o += (size_t)n;
      }
      c->reason = DV_F_MX_IMPLICIT;
      f = dv_findings_add(fl, c->reason, c->domain);
      dv_finding_ev(fl, f, "addresses", "%s", list);
    } else if (status_is_failure(c->a_status) &&
               status_is_failure(c->aaaa_status)) {
      c->reason = lookup_failure_code(c, c->a_status);
      f = dv_findings_add(fl, c->reason, c->domain);
      dv_finding_ev(fl, f, "mx", "%s", dv_dns_status_str(c->mx_status));
      dv_finding_ev(fl, f, "a", "%s", dv_dns_status_str(c->a_status));
    } else {
      c->reason = DV_F_MX_MISSING;
      f = dv_findings_add(fl, c->reason, c->domain);
      dv_finding_ev(fl, f, "query", "%s MX", c->domain);
      dv_finding_ev(fl, f, "answer", "NOERROR, no MX, no A/AAAA");
    }
    return;
  default:
    c->reason = lookup_failure_code(c, c->mx_status);
    f = dv_findings_add(fl, c->reason, c->domain);
    dv_finding_ev(fl, f, "query", "%s MX", c->domain);
    dv_finding_ev(fl, f, "result", "%s", dv_dns_status_str(c->mx_status));
    return;
  }
  if (c->null_mx) {
    c->reason = DV_F_MX_NULL;
    f = dv_findings_add(fl, c->reason, c->domain);
    dv_finding_ev(fl, f, "mx", "0 .");
    return;
  }
  {
    size_t usable = 0;
    for (size_t i = 0; i < c->nhosts; i++) {
      c->hosts[i].usable = host_classify(c, &c->hosts[i]);
      usable += (size_t)c->hosts[i].usable;
    }
    if (!usable) {
      c->reason = DV_F_MX_NO_USABLE_TARGET;
      f = dv_findings_add(fl, c->reason, c->domain);
      dv_finding_ev(fl, f, "mx_hosts", "%zu", c->nhosts);
      return;
    }
  }
  c->deliverable = 1;
  c->reason = DV_F_MX_OK;
  {
    /* The most preferred usable host names the route. */
    const dv_mx_host *best = NULL;
    char list[512];
    for (size_t i = 0; i < c->nhosts; i++)
      if (c->hosts[i].usable && (!best || c->hosts[i].pref < best->pref))
        best = &c->hosts[i];
    host_list(best, list, sizeof(list));
    f = dv_findings_add(fl, DV_F_MX_OK, c->domain);
    dv_finding_ev(fl, f, "mx", "%u %s", best->pref, best->host);
    dv_finding_ev(fl, f, "addresses", "%s", list);
  }
}

void dv_email_finish(dv_email_result *r)
{
  dv_findings *fl = &r->findings;
  dv_finding *f;
  int incomplete = 0;

  if (r->name.wildcard)
    dv_finding_ev(fl,
                  dv_findings_add(fl, DV_F_NAME_WILDCARD_MAIL, r->name.ascii),
                  "mail_domain", "%s", r->name.mail_domain);
  if (r->name.www_removed)
    dv_finding_ev(fl, dv_findings_add(fl, DV_F_NAME_WWW_MAIL, r->name.ascii),
                  "mail_domain", "%s", r->name.mail_domain);
  if (r->name.idn)
    dv_finding_ev(fl, dv_findings_add(fl, DV_F_NAME_IDN, r->name.ascii),
                  "a_label", "%s", r->name.ascii);

  for (size_t i = 0; i < r->ncands; i++) {
    candidate_classify(&r->cands[i]);
    if (r->cands[i].reason == DV_F_RUN_DEADLINE ||
        r->cands[i].reason == DV_F_RUN_INTERRUPTED ||
        r->cands[i].reason == DV_F_DNS_RESOLVER_FAILED)
      incomplete = 1;
  }
  if (r->ncands == 0)
    return;
  /* The name itself (after ACM's prefix removal) is the default validation
   * domain; its findings always count. Superdomains only matter -- and are
   * only reported -- when the default cannot receive mail. */
  dv_findings_append(fl, &r->cands[0].findings);
  if (r->cands[0].deliverable) {
    r->chosen = 0;
  } else {
    for (size_t i = 1; i < r->ncands; i++) {
      dv_findings_append(fl, &r->cands[i].findings);
      if (r->cands[i].deliverable && r->chosen < 0)
        r->chosen = (int)i;
    }
  }
  if (r->chosen == 0) {
    f = dv_findings_add(fl, DV_F_EMAIL_OK, r->name.ascii);
    dv_finding_ev(fl, f, "validation_domain", "%s", r->cands[0].domain);
  } else if (r->chosen > 0) {
    f = dv_findings_add(fl, DV_F_EMAIL_USE_SUPERDOMAIN, r->name.ascii);
    dv_finding_ev(fl, f, "default", "%s", r->cands[0].domain);
    dv_finding_ev(fl, f, "validation_domain", "%s", r->cands[r->chosen].domain);
  } else if (!incomplete) {
    f = dv_findings_add(fl, DV_F_EMAIL_NO_ROUTE, r->name.ascii);
    dv_finding_ev(fl, f, "candidates", "%zu", r->ncands);
  }
  r->incomplete = incomplete;
}

void dv_email_result_free(dv_email_result *r)
{
  for (size_t i = 0; i < r->ncands; i++) {
    free(r->cands[i].hosts);
    dv_findings_free(&r->cands[i].findings);
  }
  free(r->cands);
  dv_findings_free(&r->findings);
  memset(r, 0, sizeof(*r));
}
