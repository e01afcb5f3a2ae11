/* dvcheck -- asynchronous DNS queries on c-ares, driven by the dv_loop.
 *
 * One dv_resolver is one c-ares channel (the recursive resolvers the user
 * configured, or one authoritative server). Answers are classified into a
 * dv_dns_status and come with the parsed message. Identical questions asked
 * during a run are sent once; later askers get the cached answer.
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
  int max_inflight;      /* queries on the wire at once; 0 = 64 */
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

/* Number of queries actually sent (cache misses), for -v and benchmarks. */
unsigned long dv_resolver_sent(const dv_resolver *r);

/* Number of replies the server sent (any RCODE, even malformed ones). A
 * timeout from a server that never answered anything in this run says
 * more about the server than about the name asked. */
unsigned long dv_resolver_answered(const dv_resolver *r);

#endif
