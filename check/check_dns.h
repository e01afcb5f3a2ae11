/* dvcheck -- DNS-validation checks: is ACM's CNAME in place, correct, and
 * visible at every authoritative server and at the resolver; the classic
 * mistakes; DNSSEC; CAA for the certificate name. */
#ifndef DV_CHECK_DNS_H
#define DV_CHECK_DNS_H

#include <stdint.h>

#include "dns/resolver.h"
#include "check/check_caa.h"
#include "check/findings.h"
#include "base/loop.h"
#include "base/names.h"

#define DV_DNS_MAX_NS          8
#define DV_DNS_MAX_SERVERS     16
#define DV_DNS_MAX_ZONE_LEVELS 12
#define DV_DNS_MAX_CHAIN       8
#define DV_DNS_MAX_TXT         8
#define DV_DNS_TXT_LEN         256

/* Memory: a record costs what it finds. The per-server answers and the
 * zone probes are arrays allocated to the number found (nauth, nzprobe;
 * the limits above still cap them), every name and TXT string is kept at
 * its own length in the record's string arena (never NULL: "" when
 * absent), and CAA keeps each level's records in an array of their size.
 * sizeof(dv_dns_record): 378,656 bytes before (16 servers x 7,280, 12
 * levels x 8,464, CAA 148,144), 2,176 now plus what was found. Peak RSS,
 * lab: `audit --region eu-north-1` (2,500 certificates) 32.6 -> 16.8 MB
 * (an empty region: 13.0 MB); `audit --org` (42 accounts, 2 regions,
 * 683 certificates) --json 189 -> 43 MB, text 179 -> 33 MB. */
typedef struct {
  const char *ns; /* the name server (the zone probe's string) */
  char addr[46];
  dv_resolver *res; /* shared per address, owned by the context */
  dv_dns_status cname_st, txt_st, soa_st, doubled_st, nounder_st;
  int aa;
  const char *cname;   /* CNAME at the record name, "" if none */
  const char *txt;     /* TXT at the record name (first string) */
  const char *doubled; /* CNAME at name.zone */
  const char *nounder; /* CNAME at the name without '_' */
  uint32_t serial, soa_minimum, soa_ttl;
  int soa_ok;
  /* TXT records (ACME dns-01, dns-persist-01): every TXT RR at the name,
   * its strings joined (at most DV_DNS_TXT_LEN - 1 bytes each); at
   * name.zone (doubled label); at a sibling of that name that cannot exist
   * (the wildcard guard) */
  const char *txtv[DV_DNS_MAX_TXT];
  size_t ntxt;
  dv_dns_status dtxt_st, wild_st;
  const char *dtxt, *wild;
} dv_auth_answer;

typedef struct {
  char name[DV_NAME_LEN];
  dv_dns_status status;
  int has_ns;
  const char *ns[DV_DNS_MAX_NS];
  size_t nns;
} dv_zone_probe;

/* The record's strings: chunks freed together by dv_dns_record_free. */
typedef struct dv_dns_chunk dv_dns_chunk;

/* What a record check looks for. */
typedef enum {
  DV_REC_ACM_CNAME = 0, /* ACM's validation CNAME (rvalue = the target) */
  DV_REC_ACME_TXT,      /* _acme-challenge TXT (rvalue = expected, "" any) */
  DV_REC_PERSIST_TXT    /* _validation-persist TXT (BR 3.2.2.4.22) */
} dv_rec_kind;

/* dns-persist-01 expectations (DV_REC_PERSIST_TXT). */
typedef struct {
  const char *const *issuers; /* the CA's issuer domain names */
  size_t nissuers;
  const char *display;
  const char *account; /* NULL = any */
  long long now;       /* the run's time (seconds since the epoch) */
} dv_persist_policy;

typedef struct dv_dns_record {
  char cert_name[DV_NAME_LEN]; /* as ACM lists it, may start with "*." */
  char rname[DV_NAME_LEN];     /* record name, normalised, no final dot */
  char rvalue[DV_NAME_LEN];    /* expected value, normalised */
  int shared_with;             /* index of a record with the same rname, -1 */
  int preflight;               /* no record yet: check the zone, CAA, DNSSEC */
  /* zone discovery */
  dv_zone_probe *zprobe; /* nzprobe levels, set up by dv_dns_record_start */
  size_t nzprobe, zpending;
  char zone[DV_NAME_LEN];
  int zone_idx;
  size_t apending;      /* NS address lookups outstanding */
  dv_auth_answer *auth; /* nauth servers, grown as their addresses come */
  size_t nauth;
  /* the recursive resolver's view */
  dv_dns_status rec_st;
  const char *rec_cname;
  const char *chain[DV_DNS_MAX_CHAIN];
  size_t nchain;
  dv_dns_status chain_st;
  /* DNSSEC (on the zone's SOA) */
  dv_dns_status sec_st, cd_st;
  int sec_ad;
  dv_caa_check caa;
  dv_findings findings;
  int incomplete;
  struct dv_dns_ctx *ctx;
  /* TXT kinds */
  dv_rec_kind kind;
  int no_caa; /* a delegation target: no CAA, no DNSSEC verdict of its own */
  int depth;  /* delegation depth (0 = the name asked about) */
  const char *rec_txtv[DV_DNS_MAX_TXT]; /* resolver's TXT view */
  size_t rec_ntxt;
  dv_dns_status rec_txt_st;
  struct dv_dns_record *child; /* _acme-challenge CNAME target, checked */
  const dv_persist_policy *persist;
  dv_dns_chunk *strings; /* the arena of the strings above */
} dv_dns_record;

typedef struct dv_dns_ctx {
  dv_loop *loop;
  dv_resolver *rec;    /* recursive, RD=1 */
  dv_resolver *rec_do; /* recursive, DO=1 (AD bit) */
  dv_resolver *rec_cd; /* recursive, DO=1 CD=1 */
  struct {
    char addr[46];
    dv_resolver *res;
  } servers[64];
  size_t nservers;
  int nomem;
  int max_inflight; /* DNS window ceiling per resolver (0 = default) */
} dv_dns_ctx;

typedef enum {
  DV_DNS_CTX_OK = 0,
  DV_DNS_CTX_NOMEM,
  DV_DNS_CTX_RESOLVER
} dv_dns_ctx_status;

dv_dns_ctx_status dv_dns_ctx_init(dv_dns_ctx *ctx, dv_loop *loop,
                                  const char *servers);
/* The same with a ceiling for the resolvers' windows (--max-inflight). */
dv_dns_ctx_status dv_dns_ctx_init_max(dv_dns_ctx *ctx, dv_loop *loop,
                                      const char *servers, int max_inflight);
void dv_dns_ctx_free(dv_dns_ctx *ctx);

/* Normalise a DNS name typed by a user or pasted from ACM (underscores are
 * fine here): lower case, no trailing dot, LDH/underscore labels. Returns 0
 * or -1 with a reason in why. */
int dv_dns_name_normalise(const char *in, char *out, size_t outlen, char *why,
                          size_t whylen);

void dv_dns_record_init(dv_dns_record *r, const char *cert_name,
                        const char *rname, const char *rvalue);
/* A TXT check (ACME dns-01 or dns-persist-01) for cert_name (may start with
 * "*."): the record name is _acme-challenge.NAME / _validation-persist.NAME,
 * expect the wanted TXT value ("" = any; dns-01 only). */
void dv_dns_txt_init(dv_dns_record *r, dv_rec_kind kind, const char *cert_name,
                     const char *expect);
void dv_dns_record_start(dv_dns_ctx *ctx, dv_dns_record *r);
/* For tests and tools that build a record by hand: nzprobe zone levels and
 * nauth servers, zeroed (every string ""), replacing any; 0 or -1. */
int dv_dns_record_alloc(dv_dns_record *r, size_t nzprobe, size_t nauth);
/* A copy of s (at most max - 1 bytes, as a buffer of max bytes would
 * hold) kept in the record; "" for an empty s; NULL when out of memory. */
const char *dv_dns_record_str(dv_dns_record *r, const char *s, size_t max);
void dv_dns_record_finish(dv_dns_record *r);
/* After finish: can DNS validation work here (zone served, CAA allows,
 * DNSSEC not bogus)? */
int dv_dns_record_zone_ok(const dv_dns_record *r);
/* CAA allows Amazon (or says nothing): needed by either method. */
int dv_dns_record_caa_ok(const dv_dns_record *r);
const char *dv_dns_record_dnssec_word(const dv_dns_record *r);
const char *dv_caa_verdict_word(dv_caa_verdict v);
const char *dv_auth_state_word(const dv_auth_answer *s, const dv_dns_record *r);
/* dns-persist-01: evaluate one TXT value; returns the finding code that
 * applies (DV_F_PERSIST_OK when usable) and why. Exposed for unit tests. */
int dv_persist_evaluate(const dv_persist_policy *p, const char *value,
                        char *why, size_t whylen);
void dv_dns_record_free(dv_dns_record *r);

#endif
