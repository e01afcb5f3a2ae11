/* dvcheck -- asynchronous DNS queries on c-ares, driven by the dv_loop.
 *
 * One dv_resolver is a set of upstream servers (the recursive resolvers the
 * user configured, or one authoritative server), one c-ares channel each.
 * Answers are classified into a dv_dns_status and come with the parsed
 * message.
 *
 * Cache: identical questions (name case-insensitive, type) asked while one
 * is on the wire are sent once; answered questions stay in a bounded LRU
 * cache (an entry and a byte budget) so later askers get them without a
 * query. An answer is only valid during the callback: callers copy what
 * they need (the entry may be evicted as soon as the callback returns).
 *
 * Load: each upstream has its own window of queries in flight, adapted like
 * TCP's AIMD (grows by one per answer up to a slow-start threshold, then by
 * 1/window; halves on a timeout or a burst of SERVFAILs), never above
 * max_inflight. A query goes to the healthy upstream with the most room;
 * an upstream with several timeouts in a row is skipped (and probed again
 * after a back-off); a query that timed out is retried on another upstream
 * while tries remain and the run's deadline leaves time for it.
 */
#ifndef DV_DNS_RESOLVER_H
#define DV_DNS_RESOLVER_H

#include <stdint.h>

#include "dns/msg.h"
#include "base/loop.h"

typedef enum {
  DV_DNS_OK = 0,      /* NOERROR with data of the asked type */
  DV_DNS_NODATA,      /* NOERROR, name exists, no data of that type */
  DV_DNS_NXDOMAIN,    /* the name does not exist */
  DV_DNS_SERVFAIL,    /* server failure (includes DNSSEC bogus) */
  DV_DNS_REFUSED,     /* server refused (lame, ACL) */
  DV_DNS_TIMEOUT,     /* no answer in time */
  DV_DNS_UNREACHABLE, /* connection refused / network error */
  DV_DNS_BADRESP,     /* malformed or unexpected answer */
  DV_DNS_CANCELLED,   /* the run's deadline cancelled it */
  DV_DNS_ERROR        /* anything else */
} dv_dns_status;

const char *dv_dns_status_str(dv_dns_status st);

typedef enum {
  DV_RESOLVER_OK = 0,
  DV_RESOLVER_NOMEM,
  DV_RESOLVER_BADSERVER, /* a --resolver address could not be used */
  DV_RESOLVER_INIT       /* c-ares could not be initialised */
} dv_resolver_status;

const char *dv_resolver_status_str(dv_resolver_status st);

struct dv_dns_answer;

typedef struct {
  const char *servers; /* "ip[:port],..." (c-ares csv); NULL = system */
  int timeout_ms;      /* per try */
  int tries;
  int max_inflight;      /* window ceiling per upstream; 0 = default */
  size_t cache_entries;  /* cache budget: answers kept; 0 = default */
  size_t cache_bytes;    /* cache budget: bytes kept; 0 = default */
  int stats_trace;       /* at free: counters to dv_trace (-v) */
  int test_hash_bits;    /* unit tests: keep only this many hash bits */
  int recurse;           /* RD bit */
  int dnssec_ok;         /* EDNS DO bit */
  int checking_disabled; /* CD bit */
  /* called for every answer as it arrives (for -vv); NULL = none */
  void (*trace)(void *arg, const struct dv_dns_answer *ans);
  void *trace_arg;
} dv_resolver_opts;

typedef struct dv_dns_answer {
  dv_dns_status status;
  int have_msg;
  dv_dns_msg msg; /* valid if have_msg */
  const char *qname;
  uint16_t qtype;
  int64_t rtt_ms;
} dv_dns_answer;

typedef struct dv_resolver dv_resolver;
typedef void (*dv_dns_cb)(void *arg, const dv_dns_answer *ans);

void dv_resolver_opts_init(dv_resolver_opts *o);
dv_resolver_status dv_resolver_new(dv_loop *loop, const dv_resolver_opts *o,
                                   dv_resolver **out);
void dv_resolver_free(dv_resolver *r);

/* Ask (name, type). cb runs later from the loop, exactly once. Returns
 * DV_RESOLVER_NOMEM if the question could not even be queued. */
dv_resolver_status dv_resolver_query(dv_resolver *r, const char *name,
                                     uint16_t type, dv_dns_cb cb, void *arg);

/* Number of queries actually sent (all upstreams, retries included), for -v
 * and benchmarks. */
unsigned long dv_resolver_sent(const dv_resolver *r);

#define DV_RESOLVER_DEFAULT_MAX_INFLIGHT 128
#define DV_RESOLVER_INITIAL_WINDOW       16
#define DV_RESOLVER_CACHE_ENTRIES        8192
#define DV_RESOLVER_CACHE_BYTES          (4u << 20)

typedef struct {
  unsigned long queries;      /* dv_resolver_query calls */
  unsigned long sent;         /* tries put on the wire */
  unsigned long cache_hits;   /* answered from the cache */
  unsigned long coalesced;    /* joined an identical question in flight */
  unsigned long retries;      /* tries after the first */
  unsigned long timeouts;     /* tries that timed out */
  unsigned long evictions;    /* answers dropped from the cache (LRU) */
  size_t cached;              /* entries now (answered or not) */
  size_t cached_bytes;        /* their size now */
  size_t peak_cached;         /* the most entries at once */
  size_t peak_bytes;          /* the most bytes at once */
  unsigned long peak_pending; /* the longest queue waiting for a window */
  size_t nupstreams;
} dv_resolver_stats;

typedef struct {
  char addr[64];          /* "ip:port" or "system" */
  unsigned long sent;     /* tries sent to it */
  unsigned long answered; /* answers (any rcode) */
  unsigned long timeouts;
  unsigned long servfails;
  unsigned window;      /* current window (whole queries) */
  unsigned peak_window; /* the largest it reached */
  unsigned long peak_inflight;
  int dead;             /* skipped now (consecutive timeouts) */
  unsigned long deaths; /* times it was marked dead */
} dv_resolver_upstream_stats;

void dv_resolver_stats_get(const dv_resolver *r, dv_resolver_stats *st);
/* i < stats.nupstreams; returns -1 if out of range. */
int dv_resolver_upstream_get(const dv_resolver *r, size_t i,
                             dv_resolver_upstream_stats *st);

/* Number of replies the server sent (any RCODE, even malformed ones). A
 * timeout from a server that never answered anything in this run says
 * more about the server than about the name asked. */
unsigned long dv_resolver_answered(const dv_resolver *r);

#endif
