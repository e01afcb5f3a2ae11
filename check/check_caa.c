/* dvcheck -- CAA checks. See check_caa.h. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/oom.h"
#include "base/text.h"
#include "check/check_caa.h"

const char *const dv_caa_amazon_issuers[4] = {"amazon.com", "amazontrust.com",
                                              "awstrust.com", "amazonaws.com"};

static const dv_caa_policy caa_amazon = {
    "Amazon", dv_caa_amazon_issuers, 4, 1, NULL, NULL};

const dv_caa_policy *dv_caa_policy_amazon(void)
{
  return &caa_amazon;
}

/* Tags RFC 8659 and its registry define; an unknown tag with the critical
 * flag set forbids issuance. */
static const char *const caa_known_tags[] = {
    "issue",        "issuewild", "iodef",   "contactemail",
    "contactphone", "issuemail", "issuevmc"};

void dv_caa_init(dv_caa_check *c, const char *name)
{
  const char *p;
  memset(c, 0, sizeof(*c));
  c->relevant = -1;
  if (strncmp(name, "*.", 2) == 0) {
    c->wildcard = 1;
    name += 2;
  }
  snprintf(c->name, sizeof(c->name), "%s", name);
  /* the name and each parent down to (and including) the TLD */
  for (p = c->name; p && *p && c->nlevels < DV_CAA_MAX_LEVELS;) {
    dv_caa_level *l = &c->levels[c->nlevels++];
    l->off = (uint8_t)(p - c->name);
    l->status = l->cd_status = DV_DNS_CANCELLED;
    p = strchr(p, '.');
    if (p)
      p++;
  }
}

void dv_caa_set_policy(dv_caa_check *c, const dv_caa_policy *p)
{
  c->policy = p;
}

/* ---- RFC 8659 4.2 grammar ------------------------------------------------ */

static int is_wsp(char c)
{
  return c == ' ' || c == '\t';
}

static int is_alnum(char c)
{
  return isalnum((unsigned char)c) != 0;
}

/* label *("." label), label = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT));
 * the same shape as a parameter tag (one label). Returns the length. */
static size_t scan_label(const char *s, size_t n)
{
  size_t i = 0;
  if (i >= n || !is_alnum(s[i]))
    return 0;
  i++;
  for (;;) {
    size_t j = i;
    while (j < n && s[j] == '-')
      j++;
    if (j < n && is_alnum(s[j]))
      i = j + 1;
    else
      return i;
  }
}

static size_t scan_domain(const char *s, size_t n)
{
  size_t i = scan_label(s, n);
  if (!i)
    return 0;
  while (i + 1 < n && s[i] == '.') {
    size_t l = scan_label(s + i + 1, n - i - 1);
    if (!l)
      break;
    i += 1 + l;
  }
  return i;
}

static void show_byte(char c, char *out, size_t outlen)
{
  unsigned char u = (unsigned char)c;
  if (u > 0x20 && u < 0x7F)
    snprintf(out, outlen, "'%c'", c);
  else
    snprintf(out, outlen, "byte 0x%02X", u);
}

int dv_caa_issue_parse(const char *s, size_t n, dv_caa_issue *out, char *why,
                       size_t whylen)
{
  size_t i = 0, l;
  char b[16];
  memset(out, 0, sizeof(*out));
  while (i < n && is_wsp(s[i]))
    i++;
  l = scan_domain(s + i, n - i);
  if (l) {
    if (l >= sizeof(out->issuer)) {
      snprintf(why, whylen, "issuer domain name too long");
      return -1;
    }
    memcpy(out->issuer, s + i, l);
    out->issuer[l] = '\0';
    i += l;
    while (i < n && is_wsp(s[i]))
      i++;
  }
  if (i == n)
    return 0;
  if (s[i] != ';') {
    show_byte(s[i], b, sizeof(b));
    snprintf(why, whylen,
             "%s at character %zu: the issuer domain name must be followed "
             "by \";\" or the end",
             b, i + 1);
    return -1;
  }
  i++;
  while (i < n && is_wsp(s[i]))
    i++;
  if (i == n)
    return 0;
  for (;;) {
    size_t tl = scan_label(s + i, n - i), vs;
    if (!tl) {
      show_byte(s[i], b, sizeof(b));
      snprintf(why, whylen,
               "%s at character %zu: a parameter tag must start with a "
               "letter or digit",
               b, i + 1);
      return -1;
    }
    if (out->nparams < DV_CAA_MAX_PARAMS) {
      size_t c =
          tl < sizeof(out->params[0].tag) ? tl : sizeof(out->params[0].tag) - 1;
      memcpy(out->params[out->nparams].tag, s + i, c);
      out->params[out->nparams].tag[c] = '\0';
    }
    i += tl;
    while (i < n && is_wsp(s[i]))
      i++;
    if (i == n || s[i] != '=') {
      if (i == n)
        snprintf(why, whylen, "parameter without \"=\" at the end");
      else {
        show_byte(s[i], b, sizeof(b));
        snprintf(why, whylen,
                 "%s at character %zu: a parameter tag is letters, digits "
                 "and inner hyphens, followed by \"=\"",
                 b, i + 1);
      }
      return -1;
    }
    i++;
    while (i < n && is_wsp(s[i]))
      i++;
    vs = i;
    while (i < n && (unsigned char)s[i] >= 0x21 &&
           (unsigned char)s[i] <= 0x7E && s[i] != ';')
      i++;
    if (out->nparams < DV_CAA_MAX_PARAMS) {
      size_t c = i - vs < sizeof(out->params[0].value)
                     ? i - vs
                     : sizeof(out->params[0].value) - 1;
      memcpy(out->params[out->nparams].value, s + vs, c);
      out->params[out->nparams].value[c] = '\0';
      out->nparams++;
    }
    while (i < n && is_wsp(s[i]))
      i++;
    if (i == n)
      return 0;
    if (s[i] != ';') {
      show_byte(s[i], b, sizeof(b));
      snprintf(why, whylen,
               "%s at character %zu: after a parameter value only \";\" and "
               "another parameter may follow (no spaces inside a value)",
               b, i + 1);
      return -1;
    }
    i++;
    while (i < n && is_wsp(s[i]))
      i++;
    if (i == n) {
      snprintf(why, whylen, "\";\" after the last parameter");
      return -1;
    }
  }
}

const char *dv_caa_issue_param(const dv_caa_issue *is, const char *tag)
{
  for (size_t i = 0; i < is->nparams; i++)
    if (strcasecmp(is->params[i].tag, tag) == 0)
      return is->params[i].value;
  return NULL;
}

/* ---- lookups ---------------------------------------------------------------
 */

void dv_caa_rr_parse(const dv_dns_msg *m, const dv_dns_rr *rr, dv_caa_rr *out)
{
  const unsigned char *d = m->buf + rr->rdoff;
  size_t tl, vl;
  memset(out, 0, sizeof(*out));
  if (rr->rdlen < 2)
    return;
  out->flags = d[0];
  tl = d[1];
  if (2 + tl > rr->rdlen)
    return;
  for (size_t i = 0; i < tl && i + 1 < sizeof(out->tag); i++)
    out->tag[i] = (char)tolower(d[2 + i]);
  vl = rr->rdlen - 2 - tl;
  dv_text_escape((const char *)d + 2 + tl, vl, out->value, sizeof(out->value));
  out->rawlen = vl < sizeof(out->raw) ? vl : sizeof(out->raw);
  memcpy(out->raw, d + 2 + tl, out->rawlen);
}

typedef struct {
  dv_caa_check *c;
  dv_caa_level *l;
} caa_q;

static void caa_cd_answer(void *arg, const dv_dns_answer *a)
{
  dv_caa_level *l = arg;
  l->cd_status = a->status;
}

static void caa_answer(void *arg, const dv_dns_answer *a)
{
  caa_q *q = arg;
  dv_caa_level *l = q->l;
  dv_caa_check *c = q->c;
  char final[DV_DNS_NAME_MAX];
  free(q);
  l->done = 1;
  l->status = a->status;
  if (a->status == DV_DNS_SERVFAIL && c->res_cd &&
      dv_resolver_query(c->res_cd, DV_CAA_LEVEL_NAME(c, l), DV_T_CAA,
                        caa_cd_answer, l) != DV_RESOLVER_OK)
    c->nomem = 1;
  if (a->status != DV_DNS_OK)
    return;
  if (dv_dns_msg_cname_chain(&a->msg, a->qname, final, sizeof(final), 16) < 0)
    return;
  for (int pass = 0; pass < 2; pass++) {
    size_t n = 0;
    for (size_t i = 0; i < a->msg.nrr && n < DV_CAA_MAX_RR; i++) {
      const dv_dns_rr *rr = &a->msg.rr[i];
      if (rr->section != DV_SEC_ANSWER || rr->type != DV_T_CAA ||
          !dv_dns_name_eq(rr->name, final))
        continue;
      if (pass)
        dv_caa_rr_parse(&a->msg, rr, &l->rr[l->nrr++]);
      else
        n++;
    }
    if (pass || n == 0 || l->rr)
      break;
    /* the second pass keeps the n records in an array of their size */
    if (!(l->rr = calloc(n, sizeof(*l->rr)))) {
      c->nomem = 1;
      dv_oom_note(); /* the level reads as empty: the run ends unknown */
      break;
    }
  }
}

void dv_caa_free(dv_caa_check *c)
{
  for (size_t i = 0; i < c->nlevels; i++) {
    free(c->levels[i].rr);
    c->levels[i].rr = NULL;
    c->levels[i].nrr = 0;
  }
}

void dv_caa_start(dv_caa_check *c, dv_resolver *res, dv_resolver *res_cd)
{
  c->res_cd = res_cd;
  for (size_t i = 0; i < c->nlevels; i++) {
    caa_q *q = calloc(1, sizeof(*q));
    if (!q) {
      c->nomem = 1;
      continue;
    }
    q->c = c;
    q->l = &c->levels[i];
    if (dv_resolver_query(res, DV_CAA_LEVEL_NAME(c, &c->levels[i]), DV_T_CAA,
                          caa_answer, q) != DV_RESOLVER_OK) {
      free(q);
      c->nomem = 1;
    }
  }
}

/* ---- evaluation ------------------------------------------------------------
 */

static int issuer_is_ca(const dv_caa_policy *p, const char *issuer)
{
  for (size_t i = 0; i < p->nissuers; i++)
    if (strcasecmp(issuer, p->issuers[i]) == 0)
      return 1;
  return 0;
}

static void cat(char *dst, size_t dlen, const char *sep, const char *s)
{
  size_t l = strlen(dst);
  if (l + strlen(sep) + strlen(s) + 1 >= dlen)
    return;
  snprintf(dst + l, dlen - l, "%s%s", l ? sep : "", s);
}

/* Is method in the comma-separated RFC 8657 list? */
static int method_listed(const char *list, const char *method)
{
  size_t ml = strlen(method);
  const char *p = list;
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n == ml && strncmp(p, method, n) == 0)
      return 1;
    p += n;
    if (*p == ',')
      p++;
  }
  return 0;
}

dv_caa_verdict dv_caa_evaluate_policy(const dv_caa_policy *p,
                                      const dv_caa_rr *rr, size_t n,
                                      int wildcard, dv_caa_eval *out)
{
  size_t nwild = 0, nprops = 0, nempty = 0, nmatch = 0;
  size_t acct_bad = 0, method_bad = 0;
  int conditional = -1, definite = -1;
  const char *tag;
  char issuers[512] = "", mism[600] = "";
  int acme =
      p && p->method &&
      (strcmp(p->method, "dns-01") == 0 || strcmp(p->method, "http-01") == 0 ||
       strcmp(p->method, "tls-alpn-01") == 0 ||
       strcmp(p->method, "dns-account-01") == 0 ||
       strcmp(p->method, "dns-persist-01") == 0);
  if (!p)
    p = &caa_amazon;
  memset(out, 0, sizeof(*out));

  for (size_t i = 0; i < n; i++) {
    int known = 0;
    for (size_t k = 0; k < sizeof(caa_known_tags) / sizeof(*caa_known_tags);
         k++)
      if (strcmp(rr[i].tag, caa_known_tags[k]) == 0)
        known = 1;
    if (!known && (rr[i].flags & 0x80)) {
      out->code = DV_F_CAA_CRITICAL_UNKNOWN_TAG;
      snprintf(out->why, sizeof(out->why), "%u %s \"%s\"", rr[i].flags,
               rr[i].tag, rr[i].value);
      return out->verdict = DV_CAA_FORBIDS;
    }
    nwild += strcmp(rr[i].tag, "issuewild") == 0;
  }
  /* RFC 8659 4.3: for a wildcard, issuewild properties (if any) take
   * precedence over issue. */
  tag = wildcard && nwild ? "issuewild" : "issue";
  for (size_t i = 0; i < n; i++) {
    dv_caa_issue is;
    char why[200], item[600];
    const char *acct, *vm;
    int acct_ok, vm_ok;
    if (strcmp(rr[i].tag, tag) != 0)
      continue;
    nprops++;
    /* the raw bytes (from DNS); a record built by hand may carry only
     * the printable value */
    const char *raw = rr[i].rawlen ? rr[i].raw : rr[i].value;
    size_t rawlen = rr[i].rawlen ? rr[i].rawlen : strlen(rr[i].value);
    if (dv_caa_issue_parse(raw, rawlen, &is, why, sizeof(why)) < 0) {
      /* RFC 8659 4.2: treated as an empty issuer-domain-name */
      snprintf(item, sizeof(item), "%s \"%s\": %s", tag, rr[i].value, why);
      cat(out->malformed, sizeof(out->malformed), "; ", item);
      out->nmalformed++;
      nempty++;
      continue;
    }
    if (!is.issuer[0]) {
      nempty++;
      continue;
    }
    if (!issuer_is_ca(p, is.issuer)) {
      cat(issuers, sizeof(issuers), ", ", is.issuer);
      continue;
    }
    nmatch++;
    /* RFC 8657: accounturi and validationmethods */
    acct = dv_caa_issue_param(&is, "accounturi");
    vm = dv_caa_issue_param(&is, "validationmethods");
    acct_ok = !acct ? 1 : p->account ? strcmp(acct, p->account) == 0 : 2;
    vm_ok = !vm ? 1 : acme ? method_listed(vm, p->method) : 2;
    if (acct_ok == 1 && vm_ok == 1) {
      /* allowed; keep scanning so every malformed value is reported */
      if (definite < 0) {
        definite = (int)i;
        snprintf(out->why, sizeof(out->why), "%s \"%s\"%s%s%s%s", tag,
                 rr[i].value, acct ? " (account matches)" : "", vm ? " (" : "",
                 vm ? p->method : "", vm ? " is listed)" : "");
      }
      continue;
    }
    if (acct_ok && vm_ok) {
      if (conditional < 0)
        conditional = (int)i;
      snprintf(item, sizeof(item), "%s%s%s%s%s%s",
               acct_ok == 2 ? "only ACME account " : "",
               acct_ok == 2 ? acct : "", acct_ok == 2 && vm_ok == 2 ? ", " : "",
               vm_ok == 2 ? "only validation methods " : "",
               vm_ok == 2 ? vm : "",
               vm_ok == 2 && !acme ? " (the CA decides what its own "
                                     "methods are called)"
                                   : "");
      cat(out->restricts, sizeof(out->restricts), "; ", item);
      out->restricted = 1;
      continue;
    }
    if (!acct_ok) {
      acct_bad++;
      snprintf(item, sizeof(item), "accounturi=%s", acct);
      cat(mism, sizeof(mism), "; ", item);
    } else {
      method_bad++;
      snprintf(item, sizeof(item), "validationmethods=%s", vm);
      cat(mism, sizeof(mism), "; ", item);
    }
  }
  if (definite >= 0) {
    out->code = p->amazon ? DV_F_CAA_ALLOWS_AMAZON : DV_F_CAA_ALLOWS_CA;
    out->restricted = 0;
    out->restricts[0] = '\0';
    return out->verdict = DV_CAA_ALLOWS;
  }
  if (conditional >= 0) {
    out->code = p->amazon ? DV_F_CAA_ALLOWS_AMAZON : DV_F_CAA_ALLOWS_CA;
    snprintf(out->why, sizeof(out->why), "%s \"%s\" (with conditions)", tag,
             rr[conditional].value);
    return out->verdict = DV_CAA_ALLOWS;
  }
  if (nprops == 0) {
    /* no property of the applicable tag: unrestricted */
    out->code = p->amazon ? DV_F_CAA_ALLOWS_AMAZON : DV_F_CAA_ALLOWS_CA;
    snprintf(out->why, sizeof(out->why),
             "no \"%s\" property restricts issuance", tag);
    return out->verdict = DV_CAA_ALLOWS;
  }
  if (nmatch > 0) {
    /* the CA is named, but only for other accounts or methods */
    out->code =
        acct_bad ? DV_F_CAA_ACCOUNT_MISMATCH : DV_F_CAA_METHOD_NOT_ALLOWED;
    snprintf(out->why, sizeof(out->why), "%s for %s only with %s", tag,
             p->display, mism);
    if (acct_bad)
      cat(out->why, sizeof(out->why), "; ", "your account: ");
    if (acct_bad)
      snprintf(out->why + strlen(out->why), sizeof(out->why) - strlen(out->why),
               "%s", p->account);
    else if (p->method)
      snprintf(out->why + strlen(out->why), sizeof(out->why) - strlen(out->why),
               "; method checked: %s", p->method);
    out->restricts[0] = '\0';
    return out->verdict = DV_CAA_FORBIDS;
  }
  out->restricts[0] = '\0';
  if (nempty == nprops) {
    out->code = DV_F_CAA_FORBIDS_ALL;
    snprintf(out->why, sizeof(out->why), "%s: no issuer domain name%s", tag,
             out->nmalformed ? " (malformed values count as none)" : "");
    return out->verdict = DV_CAA_FORBIDS;
  }
  out->code = p->amazon ? DV_F_CAA_FORBIDS_AMAZON : DV_F_CAA_FORBIDS_CA;
  snprintf(out->why, sizeof(out->why), "%s allows only: %s", tag, issuers);
  return out->verdict = DV_CAA_FORBIDS;
}

dv_caa_verdict dv_caa_evaluate(const dv_caa_rr *rr, size_t n, int wildcard,
                               dv_code *code, char *why, size_t whylen)
{
  dv_caa_eval e;
  dv_caa_verdict v = dv_caa_evaluate_policy(NULL, rr, n, wildcard, &e);
  *code = (dv_code)e.code;
  snprintf(why, whylen, "%s", e.why);
  return v;
}

dv_caa_verdict dv_caa_finish(dv_caa_check *c, dv_findings *fl,
                             const char *subject)
{
  dv_finding *f;
  char set[1200];
  dv_caa_eval e;
  size_t o = 0;
  const dv_caa_policy *p = c->policy ? c->policy : &caa_amazon;

  c->verdict = DV_CAA_UNKNOWN;
  for (size_t i = 0; i < c->nlevels; i++) {
    dv_caa_level *l = &c->levels[i];
    if (l->status == DV_DNS_CANCELLED)
      return c->verdict; /* run deadline: no verdict */
    if (l->status != DV_DNS_OK && l->status != DV_DNS_NODATA &&
        l->status != DV_DNS_NXDOMAIN) {
      int dnssec =
          l->status == DV_DNS_SERVFAIL &&
          (l->cd_status == DV_DNS_OK || l->cd_status == DV_DNS_NODATA ||
           l->cd_status == DV_DNS_NXDOMAIN);
      c->verdict = DV_CAA_FAILED;
      f = dv_findings_add(
          fl, dnssec ? DV_F_CAA_DNSSEC_FAILED : DV_F_CAA_LOOKUP_FAILED,
          subject);
      dv_finding_ev(fl, f, "query", "%s CAA", DV_CAA_LEVEL_NAME(c, l));
      dv_finding_ev(fl, f, "result", "%s", dv_dns_status_str(l->status));
      if (dnssec) {
        dv_finding_ev(fl, f, "with_cd",
                      "%s (the servers answer; DNSSEC "
                      "validation of the answer fails)",
                      dv_dns_status_str(l->cd_status));
        dv_finding_ev(fl, f, "rule",
                      "since 2026-03-15 a DNSSEC-validation error MUST NOT "
                      "be treated as permission to issue (BR 3.2.2.8.1, "
                      "SC-085)");
      }
      return c->verdict;
    }
    if (l->nrr > 0) {
      c->relevant = (int)i;
      break;
    }
  }
  if (c->relevant < 0) {
    c->verdict = DV_CAA_NONE;
    f = dv_findings_add(fl, DV_F_CAA_NONE, subject);
    dv_finding_ev(fl, f, "checked", "%s up to %s",
                  DV_CAA_LEVEL_NAME(c, &c->levels[0]),
                  DV_CAA_LEVEL_NAME(c, &c->levels[c->nlevels - 1]));
    return c->verdict;
  }
  {
    dv_caa_level *l = &c->levels[c->relevant];
    c->verdict = dv_caa_evaluate_policy(p, l->rr, l->nrr, c->wildcard, &e);
    set[0] = '\0';
    for (size_t i = 0; i < l->nrr && o < sizeof(set); i++) {
      int n =
          snprintf(set + o, sizeof(set) - o, "%s%u %s \"%s\"", i ? "; " : "",
                   l->rr[i].flags, l->rr[i].tag, l->rr[i].value);
      if (n > 0)
        o += (size_t)n;
    }
    f = dv_findings_add(fl, (dv_code)e.code, subject);
    dv_finding_ev(fl, f, "relevant_at", "%s%s", DV_CAA_LEVEL_NAME(c, l),
                  c->relevant > 0 ? " (inherited from a parent)" : "");
    dv_finding_ev(fl, f, "caa", "%s", set);
    if (!p->amazon)
      dv_finding_ev(fl, f, "ca", "%s", p->display);
    dv_finding_ev(fl, f, "why", "%s%s", e.why,
                  c->wildcard ? " (wildcard name)" : "");
    if (e.nmalformed) {
      f = dv_findings_add(fl, DV_F_CAA_MALFORMED, subject);
      dv_finding_ev(fl, f, "relevant_at", "%s", DV_CAA_LEVEL_NAME(c, l));
      dv_finding_ev(fl, f, "malformed", "%s", e.malformed);
    }
    if (e.restricted && c->verdict == DV_CAA_ALLOWS) {
      f = dv_findings_add(fl, DV_F_CAA_PARAMS_RESTRICT, subject);
      dv_finding_ev(fl, f, "relevant_at", "%s", DV_CAA_LEVEL_NAME(c, l));
      dv_finding_ev(fl, f, "restricts", "%s", e.restricts);
      if (!p->account)
        dv_finding_ev(fl, f, "check_with",
                      "--acme-account URI (your ACME account's URL)");
    }
  }
  return c->verdict;
}
