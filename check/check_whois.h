/* dvcheck -- live WHOIS/RDAP contacts for registrable domains: RDAP first,
 * port-43 WHOIS as the fallback, findings and rendering. Used by
 * `dvcheck whois NAME...` and by `dvcheck email --contacts/--acm-legacy`.
 * The data files (patterns, server table, RDAP bootstrap) are loaded once
 * per run; every lookup runs on the run's loop. */
#ifndef DV_CHECK_WHOIS_H
#define DV_CHECK_WHOIS_H

#include <jansson.h>
#include <stdio.h>

#include "dns/resolver.h"
#include "check/findings.h"
#include "base/http.h"
#include "base/loop.h"
#include "base/names.h"
#include "whois/rdap_bootstrap.h"
#include "whois/rdap_client.h"
#include "whois/whois_client.h"
#include "whois/whois_parse.h"
#include "whois/whois_servers.h"

/* What the contact checks need from the caller (the command line). */
typedef struct {
  double timeout_s;           /* per lookup; 0 = 10 s */
  int verbose;                /* traces (base/trace.h) */
  const char *servers_file;   /* the WHOIS server table; NULL = shipped */
  const char *rdap_bootstrap; /* a bootstrap file, "none", or NULL */
  double rate_per_min;        /* per WHOIS server; 0 = default */
} dv_whois_opts;

/* "registrant", "admin", "tech" */
extern const char *const dv_whois_role_names[3];

typedef struct dv_whois_check {
  char domain[DV_NAME_LEN]; /* registrable domain looked up */
  char **names;             /* printable inputs that share it */
  size_t nnames;
  dv_rdap_lookup_result rdap;
  int rdap_asked;
  dv_whois_lookup_result wl;
  int whois_asked;
  dv_whois_info info; /* the answer shown */
  int have_info;
  dv_findings findings;
  int incomplete; /* no usable answer (or deadline) */
  int done;
  struct dv_whois_ctx *ctx;
} dv_whois_check;

typedef struct dv_whois_ctx {
  dv_loop *loop;
  dv_http *http;
  dv_whois_patterns *pat;
  dv_whois_servers *servers;
  dv_rdap_bootstrap *boot;
  const char *boot_source; /* "file", "cache", "iana", "builtin", "none" */
  dv_whois_client *wc;
  dv_rdap_client *rc;
  int verbose;
  /* checks waiting for the bootstrap download */
  dv_whois_check **queue;
  size_t nqueue, capqueue;
  int boot_fetching;
  char cache_path[4096];
  int nomem;
} dv_whois_ctx;

/* Load the data files and make the clients. RES may be NULL. Returns 0, or
 * -1 with a message in ERR. */
int dv_whois_ctx_init(dv_whois_ctx *x, const dv_whois_opts *o, dv_loop *loop,
                      dv_resolver *res, char *err, size_t errlen);
void dv_whois_ctx_free(dv_whois_ctx *x);

/* Initialise C for DOMAIN (a registrable domain, A-label). */
int dv_whois_check_init(dv_whois_check *c, const char *domain);
/* Remember another input name answered by C. */
int dv_whois_check_add_name(dv_whois_check *c, const char *name);
void dv_whois_check_start(dv_whois_ctx *x, dv_whois_check *c);
/* After the loop: findings (and incomplete). */
void dv_whois_check_finish(dv_whois_check *c);
void dv_whois_check_free(dv_whois_check *c);

/* Findings for a single analysed reply (also used by whois --input). */
void dv_whois_info_findings(dv_findings *fl, const dv_whois_info *w,
                            const char *subject);

json_t *dv_whois_contacts_json(const dv_whois_info *w);
/* The whole result as a JSON object (domain, names, source, contacts,
 * throttled, captcha, web_only, not_found, truncated, servers, referral,
 * findings). */
json_t *dv_whois_check_json(const dv_whois_check *c);

/* Why an RDAP hop gave no usable answer ("HTTP 500", ...), or NULL. */
const char *dv_rdap_hop_problem(const dv_rdap_hop *h, char *buf, size_t len);

#endif
