/* dvcheck -- CAA checks. See check_caa.h. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "check/check_caa.h"

const char *const dv_caa_amazon_issuers[4] = {"amazon.com", "amazontrust.com",
                                              "awstrust.com", "amazonaws.com"};

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
    snprintf(l->name, sizeof(l->name), "%s", p);
    l->status = DV_DNS_CANCELLED;
    p = strchr(p, '.');
    if (p)
      p++;
  }
}

static void caa_rr_parse(const dv_dns_msg *m, const dv_dns_rr *rr,
                         dv_caa_rr *out)
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
}

static void caa_answer(void *arg, const dv_dns_answer *a)
{
  dv_caa_level *l = arg;
  char final[DV_DNS_NAME_MAX];
  l->done = 1;
  l->status = a->status;
  if (a->status != DV_DNS_OK)
    return;
  if (dv_dns_msg_cname_chain(&a->msg, a->qname, final, sizeof(final), 16) < 0)
    return;
  for (size_t i = 0; i < a->msg.nrr && l->nrr < DV_CAA_MAX_RR; i++) {
    const dv_dns_rr *rr = &a->msg.rr[i];
    if (rr->section == DV_SEC_ANSWER && rr->type == DV_T_CAA &&
        dv_dns_name_eq(rr->name, final))
      caa_rr_parse(&a->msg, rr, &l->rr[l->nrr++]);
  }
}

void dv_caa_start(dv_caa_check *c, dv_resolver *res)
{
  for (size_t i = 0; i < c->nlevels; i++)
    if (dv_resolver_query(res, c->levels[i].name, DV_T_CAA, caa_answer,
                          &c->levels[i]) != DV_RESOLVER_OK)
      c->nomem = 1;
}

static int issuer_is_amazon(const char *value, char *issuer, size_t ilen)
{
  const char *s = value, *e;
  size_t l;
  while (*s == ' ' || *s == '\t')
    s++;
  e = strchr(s, ';');
  if (!e)
    e = s + strlen(s);
  while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
    e--;
  l = (size_t)(e - s);
  if (l >= ilen)
    l = ilen - 1;
  memcpy(issuer, s, l);
  issuer[l] = '\0';
  for (size_t i = 0; i < 4; i++)
    if (strcasecmp(issuer, dv_caa_amazon_issuers[i]) == 0)
      return 1;
  return 0;
}

dv_caa_verdict dv_caa_evaluate(const dv_caa_rr *rr, size_t n, int wildcard,
                               dv_code *code, char *why, size_t whylen)
{
  size_t nwild = 0, nprops = 0, nempty = 0;
  const char *tag;
  char issuers[512] = "";

  for (size_t i = 0; i < n; i++) {
    int known = 0;
    for (size_t k = 0; k < sizeof(caa_known_tags) / sizeof(*caa_known_tags);
         k++)
      if (strcmp(rr[i].tag, caa_known_tags[k]) == 0)
        known = 1;
    if (!known && (rr[i].flags & 0x80)) {
      *code = DV_F_CAA_CRITICAL_UNKNOWN_TAG;
      snprintf(why, whylen, "%u %s \"%s\"", rr[i].flags, rr[i].tag,
               rr[i].value);
      return DV_CAA_FORBIDS;
    }
    nwild += strcmp(rr[i].tag, "issuewild") == 0;
  }
  /* RFC 8659 §4.3: for a wildcard, issuewild properties (if any) take
   * precedence over issue. */
  tag = wildcard && nwild ? "issuewild" : "issue";
  for (size_t i = 0; i < n; i++) {
    char issuer[256];
    if (strcmp(rr[i].tag, tag) != 0)
      continue;
    nprops++;
    if (issuer_is_amazon(rr[i].value, issuer, sizeof(issuer))) {
      *code = DV_F_CAA_ALLOWS_AMAZON;
      snprintf(why, whylen, "%s \"%s\"", tag, rr[i].value);
      return DV_CAA_ALLOWS;
    }
    if (!issuer[0])
      nempty++;
    else if (strlen(issuers) + strlen(issuer) + 3 < sizeof(issuers)) {
      if (issuers[0])
        strcat(issuers, ", ");
      strcat(issuers, issuer);
    }
  }
  if (nprops == 0) {
    /* no property of the applicable tag: unrestricted */
    *code = DV_F_CAA_ALLOWS_AMAZON;
    snprintf(why, whylen, "no \"%s\" property restricts issuance", tag);
    return DV_CAA_ALLOWS;
  }
  if (nempty == nprops) {
    *code = DV_F_CAA_FORBIDS_ALL;
    snprintf(why, whylen, "%s \";\"", tag);
    return DV_CAA_FORBIDS;
  }
  *code = DV_F_CAA_FORBIDS_AMAZON;
  snprintf(why, whylen, "%s allows only: %s", tag, issuers);
  return DV_CAA_FORBIDS;
}

dv_caa_verdict dv_caa_finish(dv_caa_check *c, dv_findings *fl,
                             const char *subject)
{
  dv_finding *f;
  char why[600], set[1200];
  dv_code code;
  size_t o = 0;

  c->verdict = DV_CAA_UNKNOWN;
  for (size_t i = 0; i < c->nlevels; i++) {
    dv_caa_level *l = &c->levels[i];
    if (l->status == DV_DNS_CANCELLED)
      return c->verdict; /* run deadline: no verdict */
    if (l->status != DV_DNS_OK && l->status != DV_DNS_NODATA &&
        l->status != DV_DNS_NXDOMAIN) {
      c->verdict = DV_CAA_FAILED;
      f = dv_findings_add(fl, DV_F_CAA_LOOKUP_FAILED, subject);
      dv_finding_ev(fl, f, "query", "%s CAA", l->name);
      dv_finding_ev(fl, f, "result", "%s", dv_dns_status_str(l->status));
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
    dv_finding_ev(fl, f, "checked", "%s up to %s", c->levels[0].name,
                  c->levels[c->nlevels - 1].name);
    return c->verdict;
  }
  {
    dv_caa_level *l = &c->levels[c->relevant];
    c->verdict =
        dv_caa_evaluate(l->rr, l->nrr, c->wildcard, &code, why, sizeof(why));
    set[0] = '\0';
    for (size_t i = 0; i < l->nrr && o < sizeof(set); i++) {
      int n =
          snprintf(set + o, sizeof(set) - o, "%s%u %s \"%s\"", i ? "; " : "",
                   l->rr[i].flags, l->rr[i].tag, l->rr[i].value);
      if (n > 0)
        o += (size_t)n;
    }
    f = dv_findings_add(fl, code, subject);
    dv_finding_ev(fl, f, "relevant_at", "%s%s", l->name,
                  c->relevant > 0 ? " (inherited from a parent)" : "");
    dv_finding_ev(fl, f, "caa", "%s", set);
    dv_finding_ev(fl, f, "why", "%s%s", why,
                  c->wildcard ? " (wildcard name)" : "");
  }
  return c->verdict;
}
