/* dvcheck -- DNS-validation checks. See check_dns.h.
 *
 * Per record, in stages, all on the loop:
 *   1. NS for the record name and each ancestor (recursive): the deepest
 *      owner with its own NS RRset is the zone the record must live in.
 *   2. A/AAAA for each of that zone's name servers.
 *   3. At every server directly (RD=0): CNAME and TXT at the name, the SOA,
 *      and the mistake variants (name.zone.zone, name without '_').
 * In parallel: the resolver's CNAME (and the chain it leads to), DNSSEC
 * (SOA with DO, then CD on SERVFAIL), and CAA for the certificate name.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check/ca_table.h"
#include "base/oom.h"
#include "base/text.h"
#include "check/check_dns.h"

/* ---- the record's memory -------------------------------------------------
 * Strings live in chunks of the record's arena; the per-server answers and
 * the zone probes are arrays sized to what was found. */

struct dv_dns_chunk {
  dv_dns_chunk *next;
  size_t used, cap;
  char data[];
};

#define DV_DNS_CHUNK 512 /* a lab record keeps 300 to 900 bytes of names */

const char *dv_dns_record_str(dv_dns_record *r, const char *s, size_t max)
{
  size_t n = max ? strnlen(s, max - 1) : 0;
  dv_dns_chunk *c = r->strings;
  char *p;
  if (n == 0)
    return "";
  if (!c || c->cap - c->used < n + 1) {
    size_t cap = n + 1 > DV_DNS_CHUNK / 4 ? n + 1 : DV_DNS_CHUNK;
    dv_dns_chunk *nc = malloc(sizeof(*nc) + cap);
    if (!nc)
      return NULL;
    nc->used = 0;
    nc->cap = cap;
    if (c && cap == n + 1) {
      /* a long string gets its own chunk: the current one stays first */
      nc->next = c->next;
      c->next = nc;
    } else {
      nc->next = c;
      r->strings = nc;
    }
    c = nc;
  }
  p = c->data + c->used;
  memcpy(p, s, n);
  p[n] = '\0';
  c->used += n + 1;
  return p;
}

static void rec_nomem(dv_dns_record *r)
{
  if (r->ctx)
    r->ctx->nomem = 1;
  dv_oom_note();
}

/* s kept in the record; "" (and the run marked out of memory) on failure */
static const char *keep(dv_dns_record *r, const char *s)
{
  const char *k = dv_dns_record_str(r, s, (size_t)-1);
  if (!k) {
    rec_nomem(r);
    return "";
  }
  return k;
}

static void auth_blank(dv_auth_answer *s)
{
  memset(s, 0, sizeof(*s));
  s->ns = s->cname = s->txt = s->doubled = s->nounder = "";
  s->dtxt = s->wild = "";
  for (size_t k = 0; k < DV_DNS_MAX_TXT; k++)
    s->txtv[k] = "";
}

static void zprobe_blank(dv_zone_probe *z)
{
  memset(z, 0, sizeof(*z));
  for (size_t k = 0; k < DV_DNS_MAX_NS; k++)
    z->ns[k] = "";
}

/* One more server (zeroed) at the end of r->auth; NULL when out of memory. */
static dv_auth_answer *auth_add(dv_dns_record *r)
{
  dv_auth_answer *a = realloc(r->auth, (r->nauth + 1) * sizeof(*a));
  if (!a) {
    rec_nomem(r);
    return NULL;
  }
  r->auth = a;
  a = &r->auth[r->nauth++];
  auth_blank(a);
  return a;
}

int dv_dns_record_alloc(dv_dns_record *r, size_t nzprobe, size_t nauth)
{
  dv_zone_probe *z = NULL;
  dv_auth_answer *a = NULL;
  if (nzprobe > DV_DNS_MAX_ZONE_LEVELS || nauth > DV_DNS_MAX_SERVERS)
    return -1;
  if (nzprobe && !(z = calloc(nzprobe, sizeof(*z))))
    goto fail;
  if (nauth && !(a = calloc(nauth, sizeof(*a))))
    goto fail;
  for (size_t i = 0; i < nzprobe; i++)
    zprobe_blank(&z[i]);
  for (size_t i = 0; i < nauth; i++)
    auth_blank(&a[i]);
  free(r->zprobe);
  free(r->auth);
  r->zprobe = z;
  r->nzprobe = nzprobe;
  r->auth = a;
  r->nauth = nauth;
  return 0;
fail:
  free(z);
  free(a);
  return -1;
}

/* ---- context ------------------------------------------------------------ */

dv_dns_ctx_status dv_dns_ctx_init(dv_dns_ctx *ctx, dv_loop *loop,
                                  const char *servers)
{
  return dv_dns_ctx_init_max(ctx, loop, servers, 0);
}

dv_dns_ctx_status dv_dns_ctx_init_max(dv_dns_ctx *ctx, dv_loop *loop,
                                      const char *servers, int max_inflight)
{
  dv_resolver_opts o;
  memset(ctx, 0, sizeof(*ctx));
  ctx->loop = loop;
  ctx->max_inflight = max_inflight;
  dv_resolver_opts_init(&o);
  o.servers = servers;
  o.max_inflight = max_inflight;
  if (dv_resolver_new(loop, &o, &ctx->rec) != DV_RESOLVER_OK)
    return DV_DNS_CTX_RESOLVER;
  o.dnssec_ok = 1;
  if (dv_resolver_new(loop, &o, &ctx->rec_do) != DV_RESOLVER_OK)
    return DV_DNS_CTX_RESOLVER;
  o.checking_disabled = 1;
  if (dv_resolver_new(loop, &o, &ctx->rec_cd) != DV_RESOLVER_OK)
    return DV_DNS_CTX_RESOLVER;
  return DV_DNS_CTX_OK;
}

void dv_dns_ctx_free(dv_dns_ctx *ctx)
{
  for (size_t i = 0; i < ctx->nservers; i++)
    dv_resolver_free(ctx->servers[i].res);
  dv_resolver_free(ctx->rec);
  dv_resolver_free(ctx->rec_do);
  dv_resolver_free(ctx->rec_cd);
  memset(ctx, 0, sizeof(*ctx));
}

/* One non-recursive channel per authoritative address, shared by records. */
static dv_resolver *ctx_server(dv_dns_ctx *ctx, const char *addr)
{
  dv_resolver_opts o;
  char csv[64];
  for (size_t i = 0; i < ctx->nservers; i++)
    if (strcmp(ctx->servers[i].addr, addr) == 0)
      return ctx->servers[i].res;
  if (ctx->nservers >= sizeof(ctx->servers) / sizeof(ctx->servers[0]))
    return NULL;
  dv_resolver_opts_init(&o);
  o.recurse = 0;
  o.max_inflight = ctx->max_inflight;
  o.timeout_ms = 1500;
  o.tries = 2;
  snprintf(csv, sizeof(csv), strchr(addr, ':') ? "[%s]:53" : "%s:53", addr);
  o.servers = csv;
  if (dv_resolver_new(ctx->loop, &o, &ctx->servers[ctx->nservers].res) !=
      DV_RESOLVER_OK) {
    ctx->nomem = 1;
    return NULL;
  }
  snprintf(ctx->servers[ctx->nservers].addr, 46, "%s", addr);
  return ctx->servers[ctx->nservers++].res;
}

/* ---- names -------------------------------------------------------------- */

int dv_dns_name_normalise(const char *in, char *out, size_t outlen, char *why,
                          size_t whylen)
{
  size_t l = strlen(in), o = 0, label = 0;
  while (l && (in[l - 1] == ' ' || in[l - 1] == '\t' || in[l - 1] == '\r'))
    l--;
  while (l && (*in == ' ' || *in == '\t')) {
    in++;
    l--;
  }
  if (l && in[l - 1] == '.')
    l--;
  if (l == 0) {
    snprintf(why, whylen, "empty name");
    return -1;
  }
  if (l > 253 || l >= outlen) {
    snprintf(why, whylen, "longer than 253 characters");
    return -1;
  }
  for (size_t i = 0; i < l; i++) {
    unsigned char c = (unsigned char)in[i];
    if (c == '.') {
      if (label == 0) {
        snprintf(why, whylen, "empty label");
        return -1;
      }
      label = 0;
    } else if (isalnum(c) || c == '-' || c == '_' ||
               (c == '*' && i == 0 && (l == 1 || in[1] == '.'))) {
      if (++label > 63) {
        snprintf(why, whylen, "label longer than 63 characters");
        return -1;
      }
    } else {
      snprintf(why, whylen,
               c < 0x20 || c >= 0x7F ? "byte 0x%02X not allowed"
                                     : "character '%c' not allowed",
               c);
      return -1;
    }
    out[o++] = (char)tolower(c);
  }
  out[o] = '\0';
  if (!strchr(out, '.')) {
    snprintf(why, whylen, "a single label is not a record name");
    return -1;
  }
  return 0;
}

static void strip_dot(char *s)
{
  size_t l = strlen(s);
  if (l > 1 && s[l - 1] == '.')
    s[l - 1] = '\0';
  for (char *p = s; *p; p++)
    *p = (char)tolower((unsigned char)*p);
}

void dv_dns_record_init(dv_dns_record *r, const char *cert_name,
                        const char *rname, const char *rvalue)
{
  memset(r, 0, sizeof(*r));
  r->rec_cname = "";
  for (size_t k = 0; k < DV_DNS_MAX_CHAIN; k++)
    r->chain[k] = "";
  for (size_t k = 0; k < DV_DNS_MAX_TXT; k++)
    r->rec_txtv[k] = "";
  r->shared_with = -1;
  r->zone_idx = -1;
  snprintf(r->cert_name, sizeof(r->cert_name), "%s", cert_name);
  snprintf(r->rname, sizeof(r->rname), "%s", rname);
  snprintf(r->rvalue, sizeof(r->rvalue), "%s", rvalue);
  r->rec_st = r->chain_st = r->sec_st = r->cd_st = DV_DNS_CANCELLED;
  r->rec_txt_st = DV_DNS_CANCELLED;
  dv_caa_init(&r->caa, cert_name);
}

void dv_dns_txt_init(dv_dns_record *r, dv_rec_kind kind, const char *cert_name,
                     const char *expect)
{
  char rname[DV_NAME_LEN];
  const char *base =
      strncmp(cert_name, "*.", 2) == 0 ? cert_name + 2 : cert_name;
  snprintf(rname, sizeof(rname), "%s.%s",
           kind == DV_REC_PERSIST_TXT ? "_validation-persist"
                                      : "_acme-challenge",
           base);
  dv_dns_record_init(r, cert_name, rname, expect ? expect : "");
  r->kind = kind;
}

/* ---- stage 3: every authoritative server -------------------------------- */

typedef enum {
  AQ_CNAME,
  AQ_TXT,
  AQ_SOA,
  AQ_DOUBLED,
  AQ_NOUNDER,
  AQ_DTXT, /* TXT at name.zone */
  AQ_WILD  /* TXT at a sibling of name.zone that cannot exist */
} aq_kind;

typedef struct {
  dv_dns_record *r;
  size_t idx;
  aq_kind kind;
} dv_aq;

static void first_cname(const dv_dns_answer *a, const char *owner, char *out,
                        size_t outlen)
{
  out[0] = '\0';
  if (!a->have_msg)
    return;
  for (size_t i = 0; i < a->msg.nrr; i++) {
    const dv_dns_rr *rr = &a->msg.rr[i];
    if (rr->section == DV_SEC_ANSWER && rr->type == DV_T_CNAME &&
        dv_dns_name_eq(rr->name, owner)) {
      if (dv_dns_rr_target(&a->msg, rr, out, outlen) == 0)
        strip_dot(out);
      return;
    }
  }
}

static void first_txt(const dv_dns_answer *a, const char *owner, char *out,
                      size_t outlen)
{
  out[0] = '\0';
  if (!a->have_msg)
    return;
  for (size_t i = 0; i < a->msg.nrr; i++) {
    const dv_dns_rr *rr = &a->msg.rr[i];
    size_t n;
    const unsigned char *d;
    if (rr->section != DV_SEC_ANSWER || rr->type != DV_T_TXT ||
        !dv_dns_name_eq(rr->name, owner) || rr->rdlen < 1)
      continue;
    d = a->msg.buf + rr->rdoff;
    n = d[0];
    if (n + 1 > rr->rdlen)
      n = rr->rdlen - 1;
    dv_text_escape((const char *)d + 1, n, out, outlen);
    if (!out[0])
      snprintf(out, outlen, "(empty)");
    return;
  }
}

/* Every TXT RR at owner, its character-strings joined, made printable,
 * kept in r. */
static size_t all_txt(dv_dns_record *r, const dv_dns_answer *a,
                      const char *owner, const char **out, size_t max)
{
  size_t n = 0;
  if (!a->have_msg)
    return 0;
  for (size_t i = 0; i < a->msg.nrr && n < max; i++) {
    const dv_dns_rr *rr = &a->msg.rr[i];
    const unsigned char *d;
    char raw[DV_DNS_TXT_LEN], shown[DV_DNS_TXT_LEN];
    size_t o = 0, k = 0;
    if (rr->section != DV_SEC_ANSWER || rr->type != DV_T_TXT ||
        !dv_dns_name_eq(rr->name, owner))
      continue;
    d = a->msg.buf + rr->rdoff;
    while (k < rr->rdlen) {
      size_t l = d[k++];
      if (k + l > rr->rdlen)
        l = rr->rdlen - k;
      for (size_t j = 0; j < l && o + 1 < sizeof(raw); j++)
        raw[o++] = (char)d[k + j];
      k += l;
    }
    dv_text_escape(raw, o, shown, sizeof(shown));
    out[n++] = keep(r, shown);
  }
  return n;
}

static void child_start(dv_dns_record *r, const char *target);

static void auth_answer(void *arg, const dv_dns_answer *a)
{
  dv_aq *q = arg;
  dv_dns_record *r = q->r;
  dv_auth_answer *s = &r->auth[q->idx];
  /* the sizes the answers were always cut to */
  char name[DV_DNS_NAME_MAX], txt[512], txt1[DV_DNS_TXT_LEN];
  switch (q->kind) {
  case AQ_CNAME:
    s->cname_st = a->status;
    s->aa = a->have_msg && a->msg.aa;
    first_cname(a, r->rname, name, sizeof(name));
    s->cname = keep(r, name);
    if (s->cname[0] && r->kind != DV_REC_ACM_CNAME && s->aa)
      child_start(r, s->cname);
    break;
  case AQ_TXT:
    s->txt_st = a->status;
    first_txt(a, r->rname, txt, sizeof(txt));
    s->txt = keep(r, txt);
    s->ntxt = all_txt(r, a, r->rname, s->txtv, DV_DNS_MAX_TXT);
    break;
  case AQ_DTXT: {
    char owner[2 * DV_NAME_LEN + 2];
    s->dtxt_st = a->status;
    snprintf(owner, sizeof(owner), "%s.%s", r->rname, r->zone);
    first_txt(a, owner, txt1, sizeof(txt1));
    s->dtxt = keep(r, txt1);
    break;
  }
  case AQ_WILD:
    s->wild_st = a->status;
    first_txt(a, a->qname, txt1, sizeof(txt1));
    s->wild = keep(r, txt1);
    break;
  case AQ_DOUBLED: {
    char owner[2 * DV_NAME_LEN + 2];
    s->doubled_st = a->status;
    snprintf(owner, sizeof(owner), "%s.%s", r->rname, r->zone);
    first_cname(a, owner, name, sizeof(name));
    s->doubled = keep(r, name);
    break;
  }
  case AQ_NOUNDER:
    s->nounder_st = a->status;
    first_cname(a, r->rname + 1, name, sizeof(name));
    s->nounder = keep(r, name);
    break;
  case AQ_SOA:
    s->soa_st = a->status;
    if (a->status == DV_DNS_OK && a->msg.aa) {
      for (size_t i = 0; i < a->msg.nrr; i++) {
        const dv_dns_rr *rr = &a->msg.rr[i];
        char mname[DV_DNS_NAME_MAX];
        if (rr->section == DV_SEC_ANSWER && rr->type == DV_T_SOA &&
            dv_dns_rr_soa(&a->msg, rr, mname, sizeof(mname), &s->soa_minimum) ==
                0) {
          const unsigned char *p = a->msg.buf + rr->rdoff + rr->rdlen - 20;
          s->serial = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
                      ((uint32_t)p[2] << 8) | p[3];
          s->soa_ttl = rr->ttl;
          s->soa_ok = 1;
          break;
        }
      }
    }
    break;
  }
  free(q);
}

static void ask_auth(dv_dns_record *r, size_t idx, aq_kind kind,
                     const char *name, uint16_t type)
{
  dv_aq *q = calloc(1, sizeof(*q));
  if (!q) {
    r->ctx->nomem = 1;
    return;
  }
  q->r = r;
  q->idx = idx;
  q->kind = kind;
  if (dv_resolver_query(r->auth[idx].res, name, type, auth_answer, q) !=
      DV_RESOLVER_OK) {
    free(q);
    r->ctx->nomem = 1;
  }
}

static void sec_answer(void *arg, const dv_dns_answer *a);
static void cd_answer(void *arg, const dv_dns_answer *a);

static void stage3(dv_dns_record *r)
{
  char doubled[2 * DV_NAME_LEN + 2];
  snprintf(doubled, sizeof(doubled), "%s.%s", r->rname, r->zone);
  for (size_t i = 0; i < r->nauth; i++) {
    dv_auth_answer *s = &r->auth[i];
    s->cname_st = s->txt_st = s->soa_st = s->doubled_st = s->nounder_st =
        DV_DNS_CANCELLED;
    s->res = ctx_server(r->ctx, s->addr);
    if (!s->res)
      continue;
    ask_auth(r, i, AQ_CNAME, r->rname, DV_T_CNAME);
    ask_auth(r, i, AQ_TXT, r->rname, DV_T_TXT);
    ask_auth(r, i, AQ_SOA, r->zone, DV_T_SOA);
    if (r->kind != DV_REC_ACM_CNAME) {
      /* the doubled-label mistake, and the wildcard guard: a name beside
       * the doubled one that cannot exist answers the same if a wildcard
       * synthesises both */
      char probe[2 * DV_NAME_LEN + 40];
      s->dtxt_st = s->wild_st = DV_DNS_CANCELLED;
      snprintf(probe, sizeof(probe), "_dvcheck-wildcard-probe%s",
               strchr(doubled, '.'));
      if (strlen(doubled) <= 253)
        ask_auth(r, i, AQ_DTXT, doubled, DV_T_TXT);
      if (strlen(probe) <= 253)
        ask_auth(r, i, AQ_WILD, probe, DV_T_TXT);
      continue;
    }
    if (strlen(doubled) <= 253)
      ask_auth(r, i, AQ_DOUBLED, doubled, DV_T_CNAME);
    if (r->rname[0] == '_')
      ask_auth(r, i, AQ_NOUNDER, r->rname + 1, DV_T_CNAME);
  }
  /* DNSSEC on the zone's SOA */
  if (dv_resolver_query(r->ctx->rec_do, r->zone, DV_T_SOA, sec_answer, r) !=
      DV_RESOLVER_OK)
    r->ctx->nomem = 1;
}

/* ---- stage 2: addresses of the zone's name servers ----------------------- */

/* A callback's context: the record and the index of what was asked
 * (a name server of the zone, or a zone probe). */
typedef struct {
  dv_dns_record *r;
  size_t idx;
} dv_rq;

static void ns_addr_answer(void *arg, const dv_dns_answer *a)
{
  dv_rq *q = arg;
  dv_dns_record *r = q->r;
  const char *ns = r->zprobe[r->zone_idx].ns[q->idx];
  char final[DV_DNS_NAME_MAX];

  if (a->status == DV_DNS_OK &&
      dv_dns_msg_cname_chain(&a->msg, a->qname, final, sizeof(final), 8) >= 0) {
    for (size_t i = 0; i < a->msg.nrr && r->nauth < DV_DNS_MAX_SERVERS; i++) {
      const dv_dns_rr *rr = &a->msg.rr[i];
      dv_auth_answer *s;
      char addr[sizeof(s->addr)];
      if (rr->section != DV_SEC_ANSWER || rr->type != a->qtype ||
          !dv_dns_name_eq(rr->name, final))
        continue;
      if (dv_dns_rr_addr(&a->msg, rr, addr, sizeof(addr)) < 0)
        continue;
      if (!(s = auth_add(r)))
        break;
      memcpy(s->addr, addr, sizeof(addr));
      s->ns = ns;
    }
  } else if (a->qtype == DV_T_A && a->status != DV_DNS_OK &&
             r->nauth < DV_DNS_MAX_SERVERS) {
    /* keep the server in the list, without an address */
    dv_auth_answer *s = auth_add(r);
    if (s) {
      s->ns = ns;
      s->addr[0] = '\0';
      s->cname_st = a->status;
    }
  }
  free(q);
  if (--r->apending == 0)
    stage3(r);
}

static void stage2(dv_dns_record *r)
{
  dv_zone_probe *z;
  int best = -1;
  /* the deepest owner with its own NS RRset */
  for (size_t i = 0; i < r->nzprobe; i++)
    if (r->zprobe[i].has_ns) {
      best = (int)i;
      break;
    }
  if (best < 0)
    return; /* no zone found: classified later */
  r->zone_idx = best;
  z = &r->zprobe[best];
  snprintf(r->zone, sizeof(r->zone), "%s", z->name);
  r->apending = 2 * z->nns;
  for (size_t i = 0; i < z->nns; i++) {
    static const uint16_t types[2] = {DV_T_A, DV_T_AAAA};
    for (int t = 0; t < 2; t++) {
      dv_rq *q = calloc(1, sizeof(*q));
      if (!q) {
        r->ctx->nomem = 1;
        r->apending--;
        continue;
      }
      q->r = r;
      q->idx = i;
      if (dv_resolver_query(r->ctx->rec_cd, z->ns[i], types[t], ns_addr_answer,
                            q) != DV_RESOLVER_OK) {
        free(q);
        r->ctx->nomem = 1;
        r->apending--;
      }
    }
  }
}

/* ---- stage 1: find the zone --------------------------------------------- */

static void zone_answer(dv_dns_record *r, dv_zone_probe *z,
                        const dv_dns_answer *a)
{
  z->status = a->status;
  if (a->status == DV_DNS_OK) {
    for (size_t i = 0; i < a->msg.nrr && z->nns < DV_DNS_MAX_NS; i++) {
      const dv_dns_rr *rr = &a->msg.rr[i];
      char ns[DV_DNS_NAME_MAX];
      if (rr->section == DV_SEC_ANSWER && rr->type == DV_T_NS &&
          dv_dns_name_eq(rr->name, z->name) &&
          dv_dns_rr_target(&a->msg, rr, ns, sizeof(ns)) == 0)
        z->ns[z->nns++] = keep(r, ns);
    }
    z->has_ns = z->nns > 0;
  }
}

static void zone_answer_wrap(void *arg, const dv_dns_answer *a)
{
  dv_rq *q = arg;
  dv_dns_record *r = q->r;
  zone_answer(r, &r->zprobe[q->idx], a);
  free(q);
  if (--r->zpending == 0)
    stage2(r);
}

/* ---- the resolver's view: CNAME and the chain it leads to ---------------- */

static void chain_answer(void *arg, const dv_dns_answer *a)
{
  dv_dns_record *r = arg;
  char next[DV_DNS_NAME_MAX];
  r->chain_st = a->status;
  first_cname(a, a->qname, next, sizeof(next));
  if (!next[0] || r->nchain >= DV_DNS_MAX_CHAIN)
    return;
  r->chain[r->nchain++] = keep(r, next);
  if (strcasecmp(next, r->rvalue) == 0)
    return;
  if (dv_resolver_query(r->ctx->rec, next, DV_T_CNAME, chain_answer, r) !=
      DV_RESOLVER_OK)
    r->ctx->nomem = 1;
}

static void rec_answer(void *arg, const dv_dns_answer *a)
{
  dv_dns_record *r = arg;
  char name[DV_DNS_NAME_MAX];
  r->rec_st = a->status;
  first_cname(a, r->rname, name, sizeof(name));
  r->rec_cname = keep(r, name);
  if (r->rec_cname[0]) {
    r->chain[0] = r->rec_cname;
    r->nchain = 1;
    r->chain_st = DV_DNS_OK;
    if (r->kind == DV_REC_ACM_CNAME &&
        strcasecmp(r->rec_cname, r->rvalue) != 0 &&
        dv_resolver_query(r->ctx->rec, r->rec_cname, DV_T_CNAME, chain_answer,
                          r) != DV_RESOLVER_OK)
      r->ctx->nomem = 1;
  }
}

static void sec_answer(void *arg, const dv_dns_answer *a)
{
  dv_dns_record *r = arg;
  r->sec_st = a->status;
  r->sec_ad = a->have_msg && a->msg.ad;
  if (a->status == DV_DNS_SERVFAIL &&
      dv_resolver_query(r->ctx->rec_cd, r->zone, DV_T_SOA, cd_answer, r) !=
          DV_RESOLVER_OK)
    r->ctx->nomem = 1;
}

static void cd_answer(void *arg, const dv_dns_answer *a)
{
  dv_dns_record *r = arg;
  r->cd_st = a->status;
}

static void rec_txt_answer(void *arg, const dv_dns_answer *a)
{
  dv_dns_record *r = arg;
  char final[DV_DNS_NAME_MAX];
  r->rec_txt_st = a->status;
  if (a->status == DV_DNS_OK &&
      dv_dns_msg_cname_chain(&a->msg, a->qname, final, sizeof(final), 8) >= 0)
    r->rec_ntxt = all_txt(r, a, final, r->rec_txtv, DV_DNS_MAX_TXT);
}

/* _acme-challenge (or _validation-persist) is a CNAME: check the target at
 * its own zone's servers too (acme-dns style delegation). Once per
 * record, two levels deep at most. */
static void child_start(dv_dns_record *r, const char *target)
{
  dv_dns_record *c;
  if (r->child || r->depth >= 2)
    return;
  c = calloc(1, sizeof(*c));
  if (!c) {
    r->ctx->nomem = 1;
    return;
  }
  dv_dns_record_init(c, r->cert_name, target, r->rvalue);
  c->kind = r->kind;
  c->no_caa = 1;
  c->depth = r->depth + 1;
  c->persist = r->persist;
  r->child = c;
  dv_dns_record_start(r->ctx, c);
}

void dv_dns_record_start(dv_dns_ctx *ctx, dv_dns_record *r)
{
  const char *p;
  size_t levels = 0;
  r->ctx = ctx;
  /* the record name and every ancestor above it, but not the TLD */
  for (p = r->rname; strchr(p, '.') && levels < DV_DNS_MAX_ZONE_LEVELS;
       p = strchr(p, '.') + 1)
    levels++;
  if (levels && !(r->zprobe = calloc(levels, sizeof(*r->zprobe)))) {
    rec_nomem(r); /* nothing asked: the run ends with an error */
    levels = 0;
  }
  for (p = r->rname; r->nzprobe < levels; p = strchr(p, '.') + 1) {
    dv_zone_probe *z = &r->zprobe[r->nzprobe++];
    zprobe_blank(z);
    snprintf(z->name, sizeof(z->name), "%s", p);
    z->status = DV_DNS_CANCELLED;
  }
  r->zpending = r->nzprobe;
  for (size_t i = 0; i < r->nzprobe; i++) {
    dv_rq *q = calloc(1, sizeof(*q));
    if (!q) {
      ctx->nomem = 1;
      r->zpending--;
      continue;
    }
    q->r = r;
    q->idx = i;
    /* CD=1: a zone with broken DNSSEC is still found and inspected */
    if (dv_resolver_query(ctx->rec_cd, r->zprobe[i].name, DV_T_NS,
                          zone_answer_wrap, q) != DV_RESOLVER_OK) {
      free(q);
      ctx->nomem = 1;
      r->zpending--;
    }
  }
  if (dv_resolver_query(ctx->rec, r->rname, DV_T_CNAME, rec_answer, r) !=
      DV_RESOLVER_OK)
    ctx->nomem = 1;
  if (r->kind != DV_REC_ACM_CNAME &&
      dv_resolver_query(ctx->rec, r->rname, DV_T_TXT, rec_txt_answer, r) !=
          DV_RESOLVER_OK)
    ctx->nomem = 1;
  if (!r->no_caa)
    dv_caa_start(&r->caa, ctx->rec, ctx->rec_cd);
}

/* ---- classification ----------------------------------------------------- */

static int is_failure(dv_dns_status st)
{
  return st == DV_DNS_TIMEOUT || st == DV_DNS_UNREACHABLE ||
         st == DV_DNS_SERVFAIL || st == DV_DNS_BADRESP || st == DV_DNS_ERROR;
}

static void server_list(dv_dns_record *r,
                        int (*pred)(const dv_auth_answer *,
                                    const dv_dns_record *),
                        char *out, size_t outlen)
{
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < r->nauth; i++) {
    int n;
    if (!pred(&r->auth[i], r))
      continue;
    n = snprintf(out + o, outlen - o, "%s%s (%s)", o ? ", " : "", r->auth[i].ns,
                 r->auth[i].addr[0] ? r->auth[i].addr : "no address");
    if (n < 0 || (size_t)n >= outlen - o)
      break;
    o += (size_t)n;
  }
}

static int srv_usable(const dv_auth_answer *s)
{
  return s->addr[0] && s->aa &&
         (s->cname_st == DV_DNS_OK || s->cname_st == DV_DNS_NODATA ||
          s->cname_st == DV_DNS_NXDOMAIN);
}
static int srv_lame(const dv_auth_answer *s, const dv_dns_record *r)
{
  (void)r;
  return s->addr[0] && (s->cname_st == DV_DNS_REFUSED ||
                        (!s->aa && !is_failure(s->cname_st) &&
                         s->cname_st != DV_DNS_CANCELLED));
}
static int srv_unreach(const dv_auth_answer *s, const dv_dns_record *r)
{
  (void)r;
  return !s->addr[0] ||
         (is_failure(s->cname_st) && s->cname_st != DV_DNS_SERVFAIL) ||
         s->cname_st == DV_DNS_SERVFAIL;
}
static int srv_correct(const dv_auth_answer *s, const dv_dns_record *r)
{
  return srv_usable(s) && strcasecmp(s->cname, r->rvalue) == 0;
}
static int srv_missing(const dv_auth_answer *s, const dv_dns_record *r)
{
  return srv_usable(s) && !s->cname[0];
}
static int srv_wrong(const dv_auth_answer *s, const dv_dns_record *r)
{
  return srv_usable(s) && s->cname[0] && strcasecmp(s->cname, r->rvalue);
}

static size_t count(dv_dns_record *r,
                    int (*pred)(const dv_auth_answer *, const dv_dns_record *))
{
  size_t n = 0;
  for (size_t i = 0; i < r->nauth; i++)
    n += (size_t)(pred(&r->auth[i], r) != 0);
  return n;
}

/* Split a name into at most 16 labels (pointers into buf). */
static size_t diff_labels(const char *name, char *buf, size_t buflen,
                          char **lab, size_t max)
{
  size_t n = 0;
  char *p;
  snprintf(buf, buflen, "%s", name);
  p = buf;
  while (*p && n < max) {
    char *dot = strchr(p, '.');
    lab[n++] = p;
    if (!dot)
      break;
    *dot = '\0';
    p = dot + 1;
  }
  return n;
}

static int diff_is_token(const char *l)
{
  size_t i, n = strlen(l);
  if (n != 33 || l[0] != '_')
    return 0;
  for (i = 1; i < n; i++)
    if (!isxdigit((unsigned char)l[i]))
      return 0;
  return 1;
}

/* Say how two names differ, in the terms people make the mistakes in:
 * truncated, extra text, a different token (another request's value), a
 * missing or extra label, or which label differs and where. */
static void value_diff(const char *want, const char *got, char *out,
                       size_t outlen)
{
  char wb[300], gb[300], *wl[16], *gl[16];
  size_t i = 0, nw, ng, wlen = strlen(want), glen = strlen(got);
  while (want[i] && got[i] &&
         tolower((unsigned char)want[i]) == tolower((unsigned char)got[i]))
    i++;
  if (i == glen && glen < wlen) {
    snprintf(out, outlen,
             "found is cut short: the last %zu characters are missing "
             "(copied incompletely?)",
             wlen - glen);
    return;
  }
  if (i == wlen && wlen < glen) {
    snprintf(out, outlen, "found has %zu extra characters at the end",
             glen - wlen);
    return;
  }
  nw = diff_labels(want, wb, sizeof(wb), wl, 16);
  ng = diff_labels(got, gb, sizeof(gb), gl, 16);
  if (nw == ng) {
    size_t ndiff = 0, first = 0;
    for (size_t k = 0; k < nw; k++)
      if (strcasecmp(wl[k], gl[k]) != 0) {
        if (!ndiff)
          first = k;
        ndiff++;
      }
    if (ndiff == 1 && first == 0 && diff_is_token(wl[0]) &&
        diff_is_token(gl[0])) {
      snprintf(out, outlen,
               "a different validation token in the first label: the value "
               "of another (older?) certificate request");
      return;
    }
    if (ndiff == 1) {
      size_t c = 0;
      while (wl[first][c] && tolower((unsigned char)wl[first][c]) ==
                                 tolower((unsigned char)gl[first][c]))
        c++;
      snprintf(out, outlen,
               "label %zu differs from its character %zu (first difference "
               "at character %zu of the value)",
               first + 1, c + 1, i + 1);
      return;
    }
  } else if (nw == ng + 1 || ng == nw + 1) {
    /* one label missing or added: align from both ends */
    char **lng = nw > ng ? wl : gl, **sht = nw > ng ? gl : wl;
    size_t nl = nw > ng ? nw : ng, k = 0;
    while (k < nl - 1 && strcasecmp(lng[k], sht[k]) == 0)
      k++;
    size_t j = k;
    while (j < nl - 1 && strcasecmp(lng[j + 1], sht[j]) == 0)
      j++;
    if (j == nl - 1) {
      char shown[80];
      dv_text_escape(lng[k], strlen(lng[k]), shown, sizeof(shown));
      snprintf(out, outlen, "label %zu (\"%s\") is %s", k + 1, shown,
               nw > ng ? "missing" : "extra");
      return;
    }
  }
  snprintf(out, outlen, "first difference at character %zu", i + 1);
}

/* ---- TXT kinds: ACME dns-01 and dns-persist-01 --------------------------- */

static int txt_has(const dv_auth_answer *s, const char *v)
{
  for (size_t i = 0; i < s->ntxt; i++)
    if (strcmp(s->txtv[i], v) == 0)
      return 1;
  return 0;
}

static int txt_same(const dv_auth_answer *a, const dv_auth_answer *b)
{
  if (a->ntxt != b->ntxt)
    return 0;
  for (size_t i = 0; i < a->ntxt; i++)
    if (!txt_has(b, a->txtv[i]))
      return 0;
  return 1;
}

static void txt_join(const char *const *v, size_t n, char *out, size_t outlen)
{
  size_t o = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    int k = snprintf(out + o, outlen - o, "%s\"%s\"", i ? " " : "", v[i]);
    if (k < 0 || (size_t)k >= outlen - o)
      break;
    o += (size_t)k;
  }
  if (!n)
    snprintf(out, outlen, "(none)");
}

static int srv_has_expected(const dv_auth_answer *s, const dv_dns_record *r)
{
  return srv_usable(s) && !s->cname[0] &&
         (r->rvalue[0] ? txt_has(s, r->rvalue) : s->ntxt > 0);
}
static int srv_lacks_expected(const dv_auth_answer *s, const dv_dns_record *r)
{
  return srv_usable(s) && !s->cname[0] && !srv_has_expected(s, r);
}

static void ev_servers(dv_dns_record *r, dv_finding *f)
{
  for (size_t i = 0; i < r->nauth; i++) {
    const dv_auth_answer *s = &r->auth[i];
    char vals[900];
    if (!srv_usable(s))
      continue;
    txt_join(s->txtv, s->ntxt, vals, sizeof(vals));
    if (s->soa_ok)
      dv_finding_ev(&r->findings, f, "server", "%s (%s) serial %u: %s", s->ns,
                    s->addr, s->serial, vals);
    else
      dv_finding_ev(&r->findings, f, "server", "%s (%s): %s", s->ns, s->addr,
                    vals);
  }
}

static const char *const persist_rule_mpic =
    "each network perspective must observe the record (BR 3.2.2.9; quorum "
    "enforced since 2025-09-15)";

int dv_persist_evaluate(const dv_persist_policy *p, const char *value,
                        char *why, size_t whylen)
{
  dv_caa_issue is;
  const char *acct, *until;
  int match = 0;
  if (dv_caa_issue_parse(value, strlen(value), &is, why, whylen) < 0)
    return DV_F_PERSIST_MALFORMED;
  for (size_t i = 0; i < p->nissuers; i++)
    match |= strcasecmp(is.issuer, p->issuers[i]) == 0;
  if (!match) {
    snprintf(why, whylen, "issuer \"%s\" is not %s", is.issuer,
             p->display ? p->display : "the CA");
    return DV_F_PERSIST_WRONG_ISSUER;
  }
  acct = dv_caa_issue_param(&is, "accounturi");
  if (!acct || !*acct) {
    snprintf(why, whylen, "no accounturi parameter");
    return DV_F_PERSIST_NO_ACCOUNTURI;
  }
  if (p->account && strcmp(acct, p->account) != 0) {
    snprintf(why, whylen, "accounturi=%s, yours: %s", acct, p->account);
    return DV_F_PERSIST_ACCOUNT_MISMATCH;
  }
  until = dv_caa_issue_param(&is, "persistUntil");
  if (until) {
    long long t = 0;
    size_t k;
    for (k = 0; until[k]; k++) {
      if (!isdigit((unsigned char)until[k]) || k >= 18)
        break;
      t = t * 10 + (until[k] - '0');
    }
    if (!until[0] || until[k]) {
      snprintf(why, whylen, "persistUntil=%s is not a base-10 integer", until);
      return DV_F_PERSIST_MALFORMED;
    }
    if (p->now > t) {
      char d[32];
      dv_ca_format_date((time_t)t, d, sizeof(d));
      snprintf(why, whylen, "persistUntil=%s (%s) has passed", until, d);
      return DV_F_PERSIST_EXPIRED;
    }
    if (t - p->now < 30LL * 86400) {
      char d[32];
      dv_ca_format_date((time_t)t, d, sizeof(d));
      snprintf(why, whylen, "persistUntil=%s (%s): %lld days left", until, d,
               (t - p->now) / 86400);
      return DV_F_PERSIST_EXPIRES_SOON;
    }
  }
  snprintf(why, whylen, "issuer %s, accounturi=%s%s%s", is.issuer, acct,
           until ? ", persistUntil=" : "", until ? until : "");
  return DV_F_PERSIST_OK;
}

static int persist_rank(int c)
{
  if (c == DV_F_PERSIST_OK)
    return 0;
  if (c == DV_F_PERSIST_EXPIRES_SOON)
    return 1;
  if (c == DV_F_PERSIST_WRONG_ISSUER)
    return 3;
  return 2;
}

/* A server's best dns-persist-01 outcome over its records (OK, else
 * EXPIRES_SOON, else a reason about a record for the CA, else
 * WRONG_ISSUER), with why. */
static int persist_server(const dv_dns_record *r, const dv_auth_answer *s,
                          char *why, size_t whylen)
{
  int best = -1;
  char w[400];
  why[0] = '\0';
  for (size_t i = 0; i < s->ntxt; i++) {
    int c = dv_persist_evaluate(r->persist, s->txtv[i], w, sizeof(w));
    if (best < 0 || persist_rank(c) < persist_rank(best)) {
      best = c;
      snprintf(why, whylen, "%s", w);
    }
  }
  return best;
}

static void finish_persist(dv_dns_record *r, size_t usable)
{
  dv_findings *fl = &r->findings;
  dv_finding *f;
  size_t nok = 0, nany = 0;
  int first_code = -1;
  char why[400], first_why[400] = "";
  const char *subj = r->rname;
  for (size_t i = 0; i < r->nauth; i++) {
    const dv_auth_answer *s = &r->auth[i];
    int c;
    if (!srv_usable(s) || s->cname[0])
      continue;
    nany += s->ntxt > 0;
    c = persist_server(r, s, why, sizeof(why));
    if (c == DV_F_PERSIST_OK || c == DV_F_PERSIST_EXPIRES_SOON)
      nok++;
    if (c >= 0 &&
        (first_code < 0 || persist_rank(c) < persist_rank(first_code))) {
      first_code = c;
      snprintf(first_why, sizeof(first_why), "%s", why);
    }
  }
  if (nany == 0) {
    f = dv_findings_add(fl, DV_F_PERSIST_MISSING, subj);
    dv_finding_ev(fl, f, "zone", "%s", r->zone);
    return;
  }
  if (nok > 0 && nok < usable) {
    f = dv_findings_add(fl, DV_F_PERSIST_MISSING_ON_SOME, subj);
    ev_servers(r, f);
    dv_finding_ev(fl, f, "rule", "%s", persist_rule_mpic);
  }
  if (nok > 0) {
    f = dv_findings_add(fl, (dv_code)first_code, subj);
    dv_finding_ev(fl, f, "record", "%s", first_why);
    if (first_code == DV_F_PERSIST_EXPIRES_SOON) {
      f = dv_findings_add(fl, DV_F_PERSIST_OK, subj);
      dv_finding_ev(fl, f, "record", "%s", first_why);
    }
    return;
  }
  f = dv_findings_add(fl, (dv_code)first_code, subj);
  dv_finding_ev(fl, f, "why", "%s", first_why);
  ev_servers(r, f);
}

static void finish_txt(dv_dns_record *r, size_t usable)
{
  dv_findings *fl = &r->findings;
  dv_finding *f;
  char list[1024], vals[900];
  size_t nhave, nlack, ncname = 0;
  const char *subj = r->rname;

  for (size_t i = 0; i < r->nauth; i++)
    ncname += srv_usable(&r->auth[i]) && r->auth[i].cname[0];
  if (usable == 0) {
    f = dv_findings_add(fl, DV_F_DNS_NO_AUTHORITATIVE_ANSWER, subj);
    dv_finding_ev(fl, f, "zone", "%s", r->zone);
    return;
  }
  if (ncname > 0) {
    const char *target = NULL;
    for (size_t i = 0; i < r->nauth && !target; i++)
      if (srv_usable(&r->auth[i]) && r->auth[i].cname[0])
        target = r->auth[i].cname;
    f = dv_findings_add(fl, DV_F_ACME_DELEGATED, subj);
    dv_finding_ev(fl, f, "cname", "%s.", target);
    if (r->child) {
      dv_dns_record_finish(r->child);
      r->incomplete |= r->child->incomplete;
      dv_finding_ev(fl, f, "target_zone", "%s",
                    r->child->zone[0] ? r->child->zone : "(not found)");
      dv_findings_append(fl, &r->child->findings);
    }
    return;
  }
  if (r->kind == DV_REC_PERSIST_TXT) {
    finish_persist(r, usable);
    return;
  }
  nhave = count(r, srv_has_expected);
  nlack = count(r, srv_lacks_expected);
  if (nhave == usable) {
    int same = 1, wild = 1;
    const dv_auth_answer *ref = NULL;
    for (size_t i = 0; i < r->nauth; i++) {
      const dv_auth_answer *s = &r->auth[i];
      if (!srv_usable(s))
        continue;
      if (!ref)
        ref = s;
      else if (!r->rvalue[0] && !txt_same(ref, s))
        same = 0;
      wild &= s->ntxt == 1 && s->wild[0] && strcmp(s->txtv[0], s->wild) == 0;
    }
    if (!same) {
      f = dv_findings_add(fl, DV_F_ACME_SERVERS_DISAGREE, subj);
      ev_servers(r, f);
      dv_finding_ev(fl, f, "rule",
                    "every network perspective must observe the same "
                    "challenge value (BR 3.2.2.4.7, 3.2.2.9)");
      return;
    }
    if (wild && !r->rvalue[0]) {
      f = dv_findings_add(fl, DV_F_ACME_TXT_FROM_WILDCARD, subj);
      dv_finding_ev(fl, f, "txt", "\"%s\"", ref->txtv[0]);
      return;
    }
    f = dv_findings_add(fl, DV_F_ACME_TXT_OK, subj);
    txt_join(ref->txtv, ref->ntxt, vals, sizeof(vals));
    dv_finding_ev(fl, f, "txt", "%s", vals);
    server_list(r, srv_has_expected, list, sizeof(list));
    dv_finding_ev(fl, f, "servers", "%s", list);
  } else if (nhave > 0) {
    f = dv_findings_add(fl, DV_F_ACME_TXT_MISSING_ON_SOME, subj);
    server_list(r, srv_has_expected, list, sizeof(list));
    dv_finding_ev(fl, f, "have_it", "%s", list);
    server_list(r, srv_lacks_expected, list, sizeof(list));
    dv_finding_ev(fl, f, "lack_it", "%s", list);
    ev_servers(r, f);
    dv_finding_ev(fl, f, "rule",
                  "every network perspective must observe the same "
                  "challenge value (BR 3.2.2.4.7, 3.2.2.9)");
  } else {
    /* nobody has it: another value, a wildcard, the doubled label? */
    const dv_auth_answer *got = NULL, *dbl = NULL;
    for (size_t i = 0; i < r->nauth; i++) {
      const dv_auth_answer *s = &r->auth[i];
      if (!srv_usable(s))
        continue;
      if (s->ntxt && !got)
        got = s;
      if (s->dtxt[0] && !dbl && !(s->wild[0] && strcmp(s->dtxt, s->wild) == 0))
        dbl = s;
    }
    if (got) {
      int wild = got->ntxt == 1 && got->wild[0] &&
                 strcmp(got->txtv[0], got->wild) == 0;
      f = dv_findings_add(
          fl, wild ? DV_F_ACME_TXT_FROM_WILDCARD : DV_F_ACME_TXT_WRONG_VALUE,
          subj);
      dv_finding_ev(fl, f, "expected", "\"%s\"", r->rvalue);
      txt_join(got->txtv, got->ntxt, vals, sizeof(vals));
      dv_finding_ev(fl, f, "found", "%s", vals);
    } else if (dbl) {
      f = dv_findings_add(fl, DV_F_ACME_TXT_DOUBLED_LABEL, subj);
      dv_finding_ev(fl, f, "found_at", "%s.%s.", r->rname, r->zone);
      dv_finding_ev(fl, f, "txt", "\"%s\"", dbl->dtxt);
    } else {
      f = dv_findings_add(fl,
                          r->depth > 0 ? DV_F_ACME_DELEGATION_BROKEN
                                       : DV_F_ACME_TXT_MISSING,
                          subj);
      dv_finding_ev(fl, f, "zone", "%s", r->zone);
      server_list(r, srv_lacks_expected, list, sizeof(list));
      dv_finding_ev(fl, f, "asked", "%s", list);
    }
    (void)nlack;
    return;
  }
  /* the servers have it, the resolver says it does not exist */
  if (nhave == usable &&
      (r->rec_txt_st == DV_DNS_NXDOMAIN || r->rec_txt_st == DV_DNS_NODATA)) {
    f = dv_findings_add(fl, DV_F_DNS_NEGATIVE_CACHED, subj);
    dv_finding_ev(fl, f, "resolver", "%s TXT: %s", r->rname,
                  dv_dns_status_str(r->rec_txt_st));
  }
}

/* Did the recursive resolver answer anything at all in this run? */
static int dns_resolver_answered(const dv_dns_ctx *ctx)
{
  return dv_resolver_answered(ctx->rec) + dv_resolver_answered(ctx->rec_do) +
             dv_resolver_answered(ctx->rec_cd) >
         0;
}

void dv_dns_record_finish(dv_dns_record *r)
{
  dv_findings *fl = &r->findings;
  dv_finding *f;
  char list[1024];
  size_t usable, correct, missing, wrong;
  int any_cancel = 0;
  const char *subj = r->rname;

  if (!r->zprobe) { /* out of memory at the start: nothing was asked */
    r->incomplete = 1;
    dv_findings_add(fl, DV_F_RUN_DEADLINE, subj);
    return;
  }
  for (size_t i = 0; i < r->nzprobe; i++)
    any_cancel |= r->zprobe[i].status == DV_DNS_CANCELLED;
  for (size_t i = 0; i < r->nauth; i++)
    any_cancel |= r->auth[i].cname_st == DV_DNS_CANCELLED && r->auth[i].addr[0];
  if (any_cancel || r->rec_st == DV_DNS_CANCELLED) {
    r->incomplete = 1;
    dv_findings_add(fl, DV_F_RUN_DEADLINE, subj);
    return;
  }
  if (r->zone_idx < 0) {
    /* No zone found. Our resolver's fault, the domain's absence, or a
     * delegation nobody answers for? */
    size_t nx = 0;
    for (size_t i = 0; i < r->nzprobe; i++) {
      dv_dns_status st = r->zprobe[i].status;
      if (st == DV_DNS_REFUSED || st == DV_DNS_UNREACHABLE ||
          st == DV_DNS_BADRESP || st == DV_DNS_ERROR ||
          (st == DV_DNS_TIMEOUT && !dns_resolver_answered(r->ctx))) {
        r->incomplete = 1;
        f = dv_findings_add(fl, DV_F_DNS_RESOLVER_FAILED, subj);
        dv_finding_ev(fl, f, "query", "%s NS", r->zprobe[i].name);
        dv_finding_ev(fl, f, "result", "%s", dv_dns_status_str(st));
        return;
      }
      nx += st == DV_DNS_NXDOMAIN;
    }
    if (nx == r->nzprobe) {
      f = dv_findings_add(fl, DV_F_DOMAIN_NXDOMAIN, subj);
      dv_finding_ev(fl, f, "query", "%s NS", r->zprobe[r->nzprobe - 1].name);
    } else {
      f = dv_findings_add(fl, DV_F_DNS_NO_AUTHORITATIVE_ANSWER, subj);
      for (size_t i = 0; i < r->nzprobe; i++)
        if (r->zprobe[i].status != DV_DNS_NXDOMAIN &&
            r->zprobe[i].status != DV_DNS_NODATA) {
          dv_finding_ev(fl, f, "query", "%s NS", r->zprobe[i].name);
          dv_finding_ev(fl, f, "result", "%s",
                        dv_dns_status_str(r->zprobe[i].status));
          break;
        }
    }
    goto caa;
  }
  /* server health */
  server_list(r, srv_lame, list, sizeof(list));
  if (list[0]) {
    f = dv_findings_add(fl, DV_F_DNS_SERVER_LAME, subj);
    dv_finding_ev(fl, f, "zone", "%s", r->zone);
    dv_finding_ev(fl, f, "servers", "%s", list);
  }
  server_list(r, srv_unreach, list, sizeof(list));
  if (list[0]) {
    f = dv_findings_add(fl, DV_F_DNS_SERVER_UNREACHABLE, subj);
    dv_finding_ev(fl, f, "zone", "%s", r->zone);
    dv_finding_ev(fl, f, "servers", "%s", list);
  }
  usable = 0;
  for (size_t i = 0; i < r->nauth; i++)
    usable += (size_t)srv_usable(&r->auth[i]);
  if (r->preflight) {
    if (usable == 0) {
      f = dv_findings_add(fl, DV_F_DNS_NO_AUTHORITATIVE_ANSWER, subj);
      dv_finding_ev(fl, f, "zone", "%s", r->zone);
    }
    goto dnssec;
  }
  if (r->kind != DV_REC_ACM_CNAME) {
    finish_txt(r, usable);
    goto dnssec;
  }
  correct = count(r, srv_correct);
  missing = count(r, srv_missing);
  wrong = count(r, srv_wrong);

  if (usable == 0) {
    f = dv_findings_add(fl, DV_F_DNS_NO_AUTHORITATIVE_ANSWER, subj);
    dv_finding_ev(fl, f, "zone", "%s", r->zone);
  } else if (correct == usable) {
    f = dv_findings_add(fl, DV_F_DNS_CNAME_OK, subj);
    dv_finding_ev(fl, f, "value", "%s.", r->rvalue);
    server_list(r, srv_correct, list, sizeof(list));
    dv_finding_ev(fl, f, "servers", "%s", list);
  } else if (correct > 0) {
    f = dv_findings_add(fl, DV_F_DNS_CNAME_MISSING_ON_SOME, subj);
    server_list(r, srv_correct, list, sizeof(list));
    dv_finding_ev(fl, f, "have_it", "%s", list);
    server_list(r, srv_missing, list, sizeof(list));
    if (list[0])
      dv_finding_ev(fl, f, "missing_on", "%s", list);
    server_list(r, srv_wrong, list, sizeof(list));
    if (list[0])
      dv_finding_ev(fl, f, "wrong_on", "%s", list);
    for (size_t i = 0; i < r->nauth; i++)
      if (r->auth[i].soa_ok)
        dv_finding_ev(fl, f, "serial", "%s: %u", r->auth[i].ns,
                      r->auth[i].serial);
  } else if (wrong > 0) {
    /* everyone has a CNAME, but with another value */
    const char *got = NULL;
    char zoned[2 * DV_NAME_LEN + 2], diff[128];
    for (size_t i = 0; i < r->nauth && !got; i++)
      if (srv_wrong(&r->auth[i], r))
        got = r->auth[i].cname;
    snprintf(zoned, sizeof(zoned), "%s.%s", r->rvalue, r->zone);
    if (strcasecmp(got, zoned) == 0) {
      f = dv_findings_add(fl, DV_F_DNS_CNAME_VALUE_ZONE_APPENDED, subj);
    } else {
      /* a chain that ends at the expected value? */
      size_t hops = 0;
      int reaches = 0;
      for (size_t i = 0; i < r->nchain; i++) {
        hops = i + 1;
        if (strcasecmp(r->chain[i], r->rvalue) == 0) {
          reaches = 1;
          break;
        }
      }
      if (reaches && hops > 5) {
        f = dv_findings_add(fl, DV_F_DNS_CNAME_CHAIN_TOO_LONG, subj);
        dv_finding_ev(fl, f, "cnames", "%zu", hops);
      } else if (reaches) {
        f = dv_findings_add(fl, DV_F_DNS_CNAME_CHAIN, subj);
        dv_finding_ev(fl, f, "cnames", "%zu", hops);
      } else if (r->nchain >= DV_DNS_MAX_CHAIN) {
        f = dv_findings_add(fl, DV_F_DNS_CNAME_CHAIN_TOO_LONG, subj);
        dv_finding_ev(fl, f, "cnames", "more than %d", DV_DNS_MAX_CHAIN - 1);
      } else {
        f = dv_findings_add(fl, DV_F_DNS_CNAME_WRONG_VALUE, subj);
      }
    }
    value_diff(r->rvalue, got, diff, sizeof(diff));
    dv_finding_ev(fl, f, "expected", "%s.", r->rvalue);
    dv_finding_ev(fl, f, "found", "%s.", got);
    dv_finding_ev(fl, f, "difference", "%s", diff);
  } else if (missing > 0) {
    /* nobody has a CNAME at the name: look for the classic mistakes */
    int explained = 0;
    for (size_t i = 0; i < r->nauth; i++) {
      const dv_auth_answer *s = &r->auth[i];
      if (!srv_usable(s))
        continue;
      if (s->doubled[0] && !explained) {
        f = dv_findings_add(fl, DV_F_DNS_CNAME_DOUBLED_SUFFIX, subj);
        dv_finding_ev(fl, f, "found_at", "%s.%s.", r->rname, r->zone);
        dv_finding_ev(fl, f, "value", "%s.", s->doubled);
        explained = 1;
      }
      if (s->nounder[0] && !explained) {
        f = dv_findings_add(fl, DV_F_DNS_CNAME_NO_UNDERSCORE, subj);
        dv_finding_ev(fl, f, "found_at", "%s.", r->rname + 1);
        dv_finding_ev(fl, f, "value", "%s.", s->nounder);
        explained = 1;
      }
      if (s->txt[0] && !explained) {
        f = dv_findings_add(fl, DV_F_DNS_TXT_INSTEAD_OF_CNAME, subj);
        dv_finding_ev(fl, f, "txt", "\"%s\"", s->txt);
        explained = 1;
      }
    }
    if (!explained && r->rec_cname[0] &&
        strcasecmp(r->rec_cname, r->rvalue) == 0) {
      f = dv_findings_add(fl, DV_F_DNS_CNAME_ONLY_PRIVATE_VIEW, subj);
      server_list(r, srv_missing, list, sizeof(list));
      dv_finding_ev(fl, f, "authoritative_without_it", "%s", list);
      explained = 1;
    }
    if (!explained) {
      f = dv_findings_add(fl, DV_F_DNS_CNAME_MISSING, subj);
      dv_finding_ev(fl, f, "zone", "%s", r->zone);
      server_list(r, srv_missing, list, sizeof(list));
      dv_finding_ev(fl, f, "asked", "%s", list);
      /* the zone is a delegated child below the registrable domain */
      if (r->zone_idx + 1 < (int)r->nzprobe) {
        dv_finding *g;
        const char *parent = strchr(r->zone, '.');
        int child = 0;
        for (size_t i = (size_t)r->zone_idx + 1; i < r->nzprobe; i++)
          if (r->zprobe[i].has_ns && parent &&
              strcasecmp(r->zprobe[i].name, parent + 1) == 0)
            child = 1;
        if (child && !dv_name_is_public_suffix(parent + 1)) {
          g = dv_findings_add(fl, DV_F_DNS_RECORD_IN_CHILD_ZONE, subj);
          dv_finding_ev(fl, g, "zone", "%s", r->zone);
          dv_finding_ev(fl, g, "parent", "%s", parent + 1);
        }
      }
    }
  }
  /* the recursive resolver's view against the servers' */
  if (usable > 0 && correct == usable &&
      (r->rec_st == DV_DNS_NXDOMAIN || r->rec_st == DV_DNS_NODATA)) {
    uint32_t ttl = 0;
    for (size_t i = 0; i < r->nauth; i++)
      if (r->auth[i].soa_ok) {
        ttl = r->auth[i].soa_minimum < r->auth[i].soa_ttl
                  ? r->auth[i].soa_minimum
                  : r->auth[i].soa_ttl;
        break;
      }
    f = dv_findings_add(fl, DV_F_DNS_NEGATIVE_CACHED, subj);
    dv_finding_ev(fl, f, "resolver", "%s", dv_dns_status_str(r->rec_st));
    dv_finding_ev(fl, f, "negative_ttl",
                  "%u s (min of SOA minimum and SOA TTL)", ttl);
  }
  /* CNAME plus other data at the same name */
  for (size_t i = 0; i < r->nauth; i++) {
    const dv_auth_answer *s = &r->auth[i];
    if (srv_usable(s) && s->cname[0] && s->txt[0]) {
      f = dv_findings_add(fl, DV_F_DNS_CNAME_AND_OTHER_DATA, subj);
      dv_finding_ev(fl, f, "server", "%s (%s)", s->ns, s->addr);
      dv_finding_ev(fl, f, "txt", "\"%s\"", s->txt);
      break;
    }
  }
dnssec:
  if (r->no_caa && !(r->sec_st == DV_DNS_SERVFAIL && r->cd_st == DV_DNS_OK))
    return; /* a delegation target: only a broken DNSSEC is news */
  if (r->sec_st == DV_DNS_SERVFAIL && r->cd_st == DV_DNS_OK) {
    f = dv_findings_add(fl, DV_F_DNSSEC_BOGUS, subj);
    dv_finding_ev(fl, f, "zone", "%s", r->zone);
    dv_finding_ev(fl, f, "evidence", "SOA: SERVFAIL; with CD=1: answered");
  } else if (r->sec_st == DV_DNS_OK) {
    f = dv_findings_add(
        fl, r->sec_ad ? DV_F_DNSSEC_SECURE : DV_F_DNSSEC_INSECURE, subj);
    dv_finding_ev(fl, f, "zone", "%s", r->zone);
  }
caa:
  if (r->no_caa)
    return;
  if (dv_caa_finish(&r->caa, fl, r->cert_name) == DV_CAA_UNKNOWN)
    r->incomplete = 1;
}

int dv_dns_record_caa_ok(const dv_dns_record *r)
{
  return r->caa.verdict == DV_CAA_NONE || r->caa.verdict == DV_CAA_ALLOWS;
}

int dv_dns_record_zone_ok(const dv_dns_record *r)
{
  size_t usable = 0;
  for (size_t i = 0; i < r->nauth; i++)
    usable += (size_t)srv_usable(&r->auth[i]);
  return r->zone_idx >= 0 && usable > 0 && dv_dns_record_caa_ok(r) &&
         !(r->sec_st == DV_DNS_SERVFAIL && r->cd_st == DV_DNS_OK);
}

const char *dv_dns_record_dnssec_word(const dv_dns_record *r)
{
  if (r->sec_st == DV_DNS_SERVFAIL && r->cd_st == DV_DNS_OK)
    return "bogus";
  if (r->sec_st == DV_DNS_OK)
    return r->sec_ad ? "secure" : "insecure";
  return "unknown";
}

const char *dv_caa_verdict_word(dv_caa_verdict v)
{
  switch (v) {
  case DV_CAA_NONE:
    return "none";
  case DV_CAA_ALLOWS:
    return "allows";
  case DV_CAA_FORBIDS:
    return "forbids";
  case DV_CAA_FAILED:
    return "failed";
  default:
    return "unknown";
  }
}

const char *dv_auth_state_word(const dv_auth_answer *s, const dv_dns_record *r)
{
  if (!s->addr[0])
    return "no_address";
  if (srv_lame(s, r))
    return "lame";
  if (srv_unreach(s, r))
    return "unreachable";
  if (r->preflight)
    return "ok";
  if (r->kind != DV_REC_ACM_CNAME) {
    if (s->cname[0])
      return "delegated";
    if (srv_has_expected(s, r))
      return r->rvalue[0] ? "correct" : "has_txt";
    return s->ntxt ? "wrong_value" : "missing";
  }
  if (srv_correct(s, r))
    return "correct";
  if (srv_wrong(s, r))
    return "wrong_value";
  if (srv_missing(s, r))
    return "missing";
  return "unknown";
}

void dv_dns_record_free(dv_dns_record *r)
{
  if (r->child) {
    dv_dns_record_free(r->child);
    free(r->child);
    r->child = NULL;
  }
  dv_findings_free(&r->findings);
  dv_caa_free(&r->caa);
  free(r->auth);
  r->auth = NULL;
  r->nauth = 0;
  free(r->zprobe);
  r->zprobe = NULL;
  r->nzprobe = 0;
  while (r->strings) {
    dv_dns_chunk *c = r->strings;
    r->strings = c->next;
    free(c);
  }
  /* what pointed into the chunks */
  r->rec_cname = "";
  for (size_t k = 0; k < DV_DNS_MAX_CHAIN; k++)
    r->chain[k] = "";
  for (size_t k = 0; k < DV_DNS_MAX_TXT; k++)
    r->rec_txtv[k] = "";
  r->nchain = r->rec_ntxt = 0;
}
