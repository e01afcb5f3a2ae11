/* dvcheck -- what every ACM command sets up: the loop, HTTP, credentials
 * and one ACM client per region; the regions a command covers; and the
 * finding for a failed API call. */
#ifndef DV_ACM_SESSION_H
#define DV_ACM_SESSION_H

#include "aws/acm_client.h"
#include "aws/aws_creds.h"
#include "check/findings.h"
#include "base/http.h"
#include "base/loop.h"
#include "base/ratelimit.h"

#define DV_ACM_MAX_REGIONS 48
/* expiry, audit: the run deadline without --timeout (seconds) */
#define DV_ACM_ACCOUNT_TIMEOUT_S 300
/* DescribeCertificate pacing per region: ACM allows 10 a second */
#define DV_ACM_DESCRIBE_PER_MIN 480.0
#define DV_ACM_DESCRIBE_BURST   8.0

/* What a session needs from the caller (the command line, for the CLI). */
typedef struct {
  const char *profile;      /* --profile, or NULL */
  const char *region;       /* --region (one region), or NULL */
  const char *endpoint_url; /* --endpoint-url, or NULL */
  int verbose;
  double timeout_s; /* the run's deadline */
} dv_acm_session_opts;

typedef enum {
  DV_ACM_SESSION_OK = 0,
  DV_ACM_SESSION_E_CONFIG,   /* AWS configuration (e.g. the CA bundle) */
  DV_ACM_SESSION_E_CREDS,    /* no usable credentials */
  DV_ACM_SESSION_E_DEADLINE, /* finding credentials hit the deadline */
  DV_ACM_SESSION_E_NOMEM
} dv_acm_session_status;

const char *dv_acm_session_status_str(dv_acm_session_status st);

typedef struct {
  int verbose;
  double timeout_s;
  dv_loop *loop;
  dv_http *http;
  char *access_key_id;
  char *secret_access_key; /* secret: wiped on close */
  char *session_token;     /* secret */
  const char *creds_source;
  dv_aws_opts aws;     /* profile, region, endpoint from the command line */
  char cainfo[1024];   /* AWS_CA_BUNDLE / profile ca_bundle; "" = default */
  dv_aws_creds *creds; /* owned */
  int creds_done;
  dv_acm **clients; /* one per region (per account and region: --org) */
  /* ExpiredToken mid-run: the session's credentials resolved again, once */
  int refreshing, refreshed;
  dv_acm **waiters;
  size_t nwaiters;
  size_t nclients, capclients;
} dv_acm_session;

/* Credentials, loop, HTTP. DV_ACM_SESSION_OK, or why it failed (a
 * message safe to show in why; nothing is printed). s needs no clean-up
 * after a failure. */
dv_acm_session_status dv_acm_session_open(dv_acm_session *s,
                                          const dv_acm_session_opts *o,
                                          char *why, size_t whylen);

/* A client for region (endpoint resolved for it; written to endpoint). */
dv_acm *dv_acm_session_client(dv_acm_session *s, const char *region,
                              char *endpoint, size_t endpointlen, char *why,
                              size_t whylen);

/* The same with other credentials (an assumed role: --org), or another
 * JSON 1.1 service (service/target_prefix non-NULL: Organizations, whose
 * endpoint the caller gives in endpoint). */
dv_acm *dv_acm_session_client_as(dv_acm_session *s, const char *region,
                                 const char *akid, const char *secret,
                                 const char *token, const char *service,
                                 const char *target_prefix, char *endpoint,
                                 size_t endpointlen, char *why, size_t whylen);

/* Stop HTTP: outstanding requests report back cancelled (do this before
 * freeing what their callbacks touch). */
void dv_acm_session_cancel(dv_acm_session *s);

/* Run the loop: 0 done, 1 the deadline passed (also when the loop ran dry
 * at it), -1 loop failure (its status in *ls when ls is not NULL). */
int dv_acm_session_run(dv_acm_session *s, dv_loop_status *ls);
void dv_acm_session_close(dv_acm_session *s);

/* --region: one region, "R1,R2,...", or "all" (every commercial region;
 * *all set: regions not enabled for the account are skipped quietly).
 * Without --region: AWS_REGION, AWS_DEFAULT_REGION, the profile's region
 * (one region). */
int dv_acm_regions_parse(const char *region, const char *profile,
                         const char **out, size_t *n, int *all, char *why,
                         size_t whylen);

/* One region of a whole-account command (expiry, audit): its client, what
 * ListCertificates said, and the pacing of its DescribeCertificate calls
 * (DV_ACM_DESCRIBE_PER_MIN). */
typedef struct {
  char name[32];
  char endpoint[600];
  dv_acm *acm;
  int listed;  /* ListCertificates answered */
  int skipped; /* not enabled for the account ("--region all" only) */
  size_t nlisted;
  int pages;            /* ListCertificates pages seen (streamed listing) */
  dv_findings findings; /* region-level: API errors, deadline */
  dv_bucket bucket;
  dv_timer timer;
  dv_loop *loop;
  dv_timer_cb on_ready; /* called when the pacing timer fires */
  void *ready_arg;
} dv_acm_region;

/* Client and pacing for region NAME; 0, or -1 with why. */
int dv_acm_region_open(dv_acm_session *s, dv_acm_region *r, const char *name,
                       char *why, size_t whylen);
/* The same for an assumed role's credentials (--org). */
int dv_acm_region_open_as(dv_acm_session *s, dv_acm_region *r, const char *name,
                          const char *akid, const char *secret,
                          const char *token, char *why, size_t whylen);
/* ListCertificates answered: the CertificateSummaryList, or NULL when there
 * is nothing to look at (the region is not enabled and all_regions is set,
 * or the call failed: its finding is in r->findings). */
const json_t *dv_acm_region_listed(dv_acm_region *r, int all_regions,
                                   const dv_acm_result *res);
/* A streamed listing (dv_acm_list_certificates_paged): count one page. */
void dv_acm_region_page(dv_acm_region *r, const json_t *summaries);
/* May the next DescribeCertificate go? 1: yes (a token is taken). 0: not
 * now -- the run's deadline has passed, or a timer will call on_ready(arg)
 * once a token is due (the timer counts as outstanding work). */
int dv_acm_region_pace(dv_acm_region *r, dv_timer_cb on_ready, void *arg);
/* The region object of the expiry/audit JSON output; npicked = the
 * certificates picked for a closer look. */
json_t *dv_acm_region_json(const dv_acm_region *r, size_t npicked);
/* The run's deadline cut the region short: a RUN_DEADLINE finding saying
 * what was left (the listing, or undone of total closer looks). */
void dv_acm_region_deadline(dv_acm_region *r, size_t undone, size_t total,
                            double timeout_s);
void dv_acm_region_close(dv_acm_region *r);

/* The parts of a failed call worth keeping after its callback. */
typedef struct {
  dv_acm_status status;
  dv_acm_error err;
  char detail[256];
  long http_code;
  int attempts;
  int skew_known;
  long skew_s;
} dv_acm_result_copy;

void dv_acm_result_keep(dv_acm_result_copy *c, const dv_acm_result *res);
/* Add the finding for a failed call (nothing for DV_ACM_OK). */
void dv_acm_result_copy_finding(dv_findings *fl, const char *subject,
                                const char *op, const dv_acm_result_copy *c);
void dv_acm_result_finding(dv_findings *fl, const char *subject, const char *op,
                           const dv_acm_result *res);

#endif
