/* dvcheck -- e-mail validation checks: can ACM's validation mail reach the
 * five addresses of a name's candidate validation domains? The lookups of
 * many names run concurrently on the loop; a name's verdict is computed
 * once its own lookups have answered (done_cb says when), so a caller can
 * stream names through a bounded window. */
#ifndef DV_CHECK_EMAIL_H
#define DV_CHECK_EMAIL_H

#include <stdint.h>

#include "dns/resolver.h"
#include "check/findings.h"
#include "base/names.h"

#define DV_MX_MAX_ADDRS 16

extern const char *const dv_email_locals[5]; /* admin, administrator, ... */

typedef struct {
  char host[DV_DNS_NAME_MAX];
  uint16_t pref;
  int ip_literal;
  int doubled_suffix;
  int is_alias;
  char canonical[DV_DNS_NAME_MAX];
  dv_dns_status a_status, aaaa_status;
  char addrs[DV_MX_MAX_ADDRS][46];
  size_t naddrs;
  size_t public_addrs;
  int usable;
} dv_mx_host;

typedef struct dv_candidate {
  char domain[DV_NAME_LEN];
  char registrable[DV_NAME_LEN];
  dv_dns_status mx_status;
  int is_alias;
  char alias_target[DV_DNS_NAME_MAX];
  int null_mx;
  dv_mx_host *hosts;
  size_t nhosts;
  dv_dns_status a_status, aaaa_status; /* implicit-MX probe */
  char addrs[DV_MX_MAX_ADDRS][46];
  size_t naddrs;
  int deliverable;
  dv_code reason; /* the finding that decides this candidate */
  dv_findings findings;
  int started;
  struct dv_email_ctx *ctx;
  struct dv_email_result *owner;
} dv_candidate;

typedef struct dv_email_result dv_email_result;
/* Called once, from the loop (or from dv_email_start when nothing could be
 * asked), when the last lookup of r has answered: r can be finished. */
typedef void (*dv_email_done_cb)(void *arg, dv_email_result *r);

struct dv_email_result {
  char input[1100]; /* printable form of what the user typed */
  dv_name name;
  dv_candidate *cands;
  size_t ncands;
  int chosen;     /* index of the validation domain to use, -1 = none */
  int incomplete; /* no verdict: deadline or resolver failure */
  dv_findings findings;
  size_t pending;           /* lookups asked and not yet answered */
  dv_email_done_cb done_cb; /* optional: see dv_email_done_cb */
  void *done_arg;
};

typedef struct dv_email_ctx {
  dv_resolver *res;
  int nomem;
} dv_email_ctx;

/* Prepare result for an already-parsed name; no network yet. */
int dv_email_result_init(dv_email_result *r, const char *input_printable,
                         const dv_name *n);
/* Queue every lookup for r on the resolver. When r->done_cb is set, it
 * runs once all of them (and those they lead to) have answered. */
void dv_email_start(dv_email_ctx *ctx, dv_email_result *r);
/* After the loop ran: classify candidates, pick the validation domain, and
 * record the findings. Sets r->incomplete when no verdict was possible. */
void dv_email_finish(dv_email_result *r);
void dv_email_result_free(dv_email_result *r);

/* Is this textual address reachable from the public Internet? Documentation
 * prefixes count as public (examples and the lab model the Internet). */
int dv_addr_is_public(const char *addr);
/* Does an MX host name look like an IP address? */
int dv_host_is_ip_literal(const char *host);
/* Does host repeat `zone` at its end (mail.z.test.z.test)? */
int dv_host_doubled_suffix(const char *host, const char *zone);

#endif
