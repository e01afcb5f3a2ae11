/* dvcheck -- live RDAP (RFC 9082/9083) domain lookups on the dv_loop, via
 * the run's dv_http (libcurl multi). The registry's base URL comes from an
 * RFC 9224 bootstrap (rdap_bootstrap.h); its answer's `related` link of
 * type application/rdap+json leads to the registrar's RDAP server, which is
 * followed with a loop guard and a hop limit. Both answers are analysed by
 * dv_rdap_parse_json() and merged (registrar over registry).
 * HTTP 429 (+ Retry-After) -> throttled; 404 -> not found. */
#ifndef DV_RDAP_CLIENT_H
#define DV_RDAP_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "base/http.h"
#include "whois/rdap_bootstrap.h"
#include "whois/whois_parse.h"

#define DV_RDAP_MAX_HOPS 4

typedef struct {
  long timeout_ms; /* per request; default 8000 */
  size_t max_body; /* default 2 MiB */
  int max_hops;    /* related links followed; default 1 (registrar) */
  int verbose;
} dv_rdap_client_opts;

void dv_rdap_client_opts_init(dv_rdap_client_opts *o);

typedef struct {
  char url[512];
  char role[12];         /* "registry", "registrar" */
  dv_http_status status; /* transport */
  long code;             /* HTTP status, 0 if none */
  size_t bytes;
  int64_t elapsed_ms;
  int throttled;
  long retry_after_s; /* from Retry-After, -1 if none */
  int not_found;
  int malformed; /* not RDAP JSON */
} dv_rdap_hop;

typedef struct {
  char domain[256];
  dv_whois_info info;
  int have_info; /* a usable answer (200 and RDAP JSON, 404, 429) */
  dv_rdap_hop hops[DV_RDAP_MAX_HOPS + 1];
  size_t nhops;
  char related_followed[512];
  int no_service; /* the bootstrap has no entry for the TLD */
  int failed;     /* the registry gave no usable answer */
  int loop;       /* related link loop or hop limit */
  char loop_url[512];
  char loop_why[48];
  int cancelled;
} dv_rdap_lookup_result;

typedef void (*dv_rdap_cb)(void *arg, const dv_rdap_lookup_result *r);

typedef struct dv_rdap_client dv_rdap_client;

/* BOOT, PAT and HTTP must outlive the client. */
dv_rdap_client *dv_rdap_client_new(dv_http *http, const dv_rdap_bootstrap *boot,
                                   const dv_whois_patterns *pat,
                                   const dv_rdap_client_opts *o);
void dv_rdap_client_free(dv_rdap_client *c);

/* CB runs exactly once from the loop. -1 on allocation failure. */
int dv_rdap_lookup(dv_rdap_client *c, dv_loop *loop, const char *domain,
                   dv_rdap_cb cb, void *arg);

/* The href of the first links[] member with rel "related" and type
 * application/rdap+json (an absolute https/http URL) in BUF, or 0. */
int dv_rdap_related_link(const char *buf, size_t len, char *out, size_t outlen);

/* Retry-After: delay-seconds or an HTTP-date; -1 when absent/unusable. */
long dv_rdap_retry_after(const char *value, long now_epoch);

#endif /* DV_RDAP_CLIENT_H */
