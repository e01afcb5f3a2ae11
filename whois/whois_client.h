/* dvcheck -- live port-43 WHOIS lookups on the dv_loop.
 *
 * Two layers:
 *   - dv_whois_fetch(): one TCP query (RFC 3912): resolve the host with the
 *     run's c-ares resolver unless it is an IP literal, non-blocking connect
 *     (IPv4 and IPv6, every address in turn), send the query, read until
 *     the server closes. Timeouts per step (connect, idle between bytes,
 *     whole reply) and a size cap (the rest is dropped: `truncated`).
 *   - dv_whois_lookup(): a domain: the server from the table (or IANA's
 *     `refer:` for TLDs the table lacks), the query template, the thin-
 *     registry referral ("Registrar WHOIS Server:") with a hop limit and a
 *     loop guard, politeness (a token bucket per server, backoff after a
 *     throttled reply, capped) and the analysis of every reply.
 *
 * Referrals to empty, URL-shaped, IP-literal or loopback hosts are ignored
 * (dv_whois_referral_normalize). The lab override `allow_loopback`
 * (DVCHECK_WHOIS_ALLOW_LOOPBACK=1) accepts 127.0.0.0/8 and ::1 literals so
 * the test lab's servers can refer to each other; it is off by default.
 */
#ifndef DV_WHOIS_CLIENT_H
#define DV_WHOIS_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "dns/resolver.h"
#include "base/loop.h"
#include "whois/whois_parse.h"
#include "whois/whois_servers.h"

#define DV_WHOIS_MAX_HOPS_LIMIT 8

typedef enum {
  DV_WFETCH_OK = 0,          /* the server sent a reply and closed */
  DV_WFETCH_RESOLVE,         /* the host name has no address */
  DV_WFETCH_CONNECT,         /* refused / unreachable (every address) */
  DV_WFETCH_CONNECT_TIMEOUT, /* no connection within connect_ms */
  DV_WFETCH_IDLE_TIMEOUT,    /* no byte for idle_ms */
  DV_WFETCH_TOTAL_TIMEOUT,   /* reply not complete within total_ms */
  DV_WFETCH_RESET,           /* connection reset by the server */
  DV_WFETCH_EMPTY,           /* closed without sending anything */
  DV_WFETCH_CANCELLED,       /* the run's deadline passed */
  DV_WFETCH_BADQUERY,        /* the domain cannot be put in a query */
  DV_WFETCH_NOMEM,
  DV_WFETCH__COUNT
} dv_wfetch_status;

/* "ok", "no address", ... (stable words used in JSON); never NULL. */
const char *dv_wfetch_status_str(dv_wfetch_status st);

typedef struct {
  int64_t connect_ms;     /* per address; default 5000 */
  int64_t idle_ms;        /* between two reads; default 5000 */
  int64_t total_ms;       /* whole reply; default 10000 */
  size_t max_reply;       /* bytes kept; default 1 MiB */
  double rate_per_min;    /* queries per minute and server; default 20 */
  double burst;           /* bucket size; default 2 */
  int max_hops;           /* referrals followed; default 3 */
  int64_t backoff_cap_ms; /* longest backoff after throttling; 60000 */
  int max_retries;        /* retries after a throttled reply; default 1 */
  int allow_loopback;     /* lab override, see above; default 0 */
  int verbose;            /* -v: progress on stderr */
} dv_whois_client_opts;

void dv_whois_client_opts_init(dv_whois_client_opts *o);

typedef struct dv_whois_client dv_whois_client;

/* RES may be NULL (then only IP-literal servers work). SERVERS and PAT must
 * outlive the client. */
dv_whois_client *dv_whois_client_new(dv_loop *loop, dv_resolver *res,
                                     const dv_whois_servers *servers,
                                     const dv_whois_patterns *pat,
                                     const dv_whois_client_opts *o);
void dv_whois_client_free(dv_whois_client *c);
/* Number of TCP queries sent (for -v). */
unsigned long dv_whois_client_sent(const dv_whois_client *c);

/* ---- one query --------------------------------------------------------- */

typedef struct {
  dv_wfetch_status status;
  const char *host;
  const char *addr; /* the address that answered, "" if none */
  const char *buf;  /* the reply (may hold NULs), NUL-terminated */
  size_t len;
  int truncated; /* more than max_reply bytes: the rest was dropped */
  int64_t elapsed_ms;
} dv_wfetch_result;

typedef void (*dv_wfetch_cb)(void *arg, const dv_wfetch_result *r);

/* Send QUERY (already ending in CR LF) to HOST port PORT. CB runs exactly
 * once, from the loop (never inside this call). Returns 0, or -1 on
 * allocation failure (CB then never runs). */
int dv_whois_fetch(dv_whois_client *c, const char *host, int port,
                   const char *query, dv_wfetch_cb cb, void *arg);

/* ---- a domain ---------------------------------------------------------- */

typedef enum {
  DV_WREF_NONE = 0,
  DV_WREF_FOLLOWED,
  DV_WREF_SELF,     /* names the server that answered: nothing to do */
  DV_WREF_IGNORED,  /* empty, URL-shaped, IP literal, private, loopback */
  DV_WREF_LOOP,     /* names a server already asked in this lookup */
  DV_WREF_HOP_LIMIT /* max_hops referrals followed already */
} dv_wref_kind;

typedef struct {
  char host[256];
  char addr[64];
  char role[12]; /* "iana", "registry", "registrar" */
  dv_wfetch_status status;
  size_t bytes;
  int truncated;
  int throttled;
  int not_found;
  int skipped; /* not asked: the server throttled us, backoff */
  int retries; /* asked again after a throttled reply */
  int64_t elapsed_ms;
} dv_whois_hop;

typedef struct {
  char domain[256];
  dv_whois_info info; /* merged analysis (registrar over registry) */
  int have_info;      /* at least one reply was analysed */
  dv_whois_hop hops[DV_WHOIS_MAX_HOPS_LIMIT + 3];
  size_t nhops;
  char referral_followed[256]; /* the registrar server asked, or "" */
  dv_wref_kind ref_kind;       /* the last referral decision */
  char ref_value[256];         /* its value (printable) */
  char ref_reason[48];         /* why it was ignored / loop / hop limit */
  int no_server;               /* the table says none, IANA knows none */
  char no_server_why[64];
  int backoff_skipped;  /* a server was not asked (again) */
  int64_t backoff_ms;   /* the backoff / wait that was in force */
  char backoff_why[16]; /* "throttled" or "rate limit" */
  int failed;           /* no usable reply from the first server */
  int cancelled;        /* the run's deadline cut it short */
} dv_whois_lookup_result;

typedef void (*dv_wlookup_cb)(void *arg, const dv_whois_lookup_result *r);

/* Look up DOMAIN (A-label form). CB runs exactly once from the loop.
 * Returns 0, or -1 on allocation failure (CB then never runs). */
int dv_whois_lookup(dv_whois_client *c, const char *domain, dv_wlookup_cb cb,
                    void *arg);

/* Decide on a raw referral value: 1 and the host to ask in OUT, else 0 and
 * a reason ("empty", "url", "ip literal", "loopback", "private address") in
 * WHY. ALLOW_LOOPBACK accepts 127/8 and ::1 literals. */
int dv_whois_referral_accept(const char *raw, int allow_loopback, char *out,
                             size_t outlen, char *why, size_t whylen);

/* Merge a registrar's analysis over the registry's: per role the
 * registrar's contact unless it is absent; flags are or-ed. */
void dv_whois_info_merge(dv_whois_info *dst, const dv_whois_info *registrar);

#endif /* DV_WHOIS_CLIENT_H */
