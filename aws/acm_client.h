/* dvcheck -- the AWS Certificate Manager API client (JSON 1.1 protocol).
 *
 * Every call is an HTTPS POST / to the ACM endpoint with
 *   Content-Type: application/x-amz-json-1.1
 *   X-Amz-Target: CertificateManager.<Operation>
 * signed with SigV4 (aws_sigv4.h), sent through dv_http on the run's event
 * loop. Throttling and transient failures are retried like the AWS SDKs'
 * "standard" retry mode: at most 3 attempts, jittered exponential backoff
 * (dv_loop timers, never sleep). Clock-skew rejections are recognised and
 * the skew measured against the response's Date header.
 *
 * Secrets: the secret key, session token, Authorization header and signing
 * key never leave this module; -vv shows only the redacted canonical
 * request and the string to sign.
 */
#ifndef DV_ACM_CLIENT_H
#define DV_ACM_CLIENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/http.h"
#include "base/loop.h"

/* ---- ARNs ---------------------------------------------------------------- */

#define DV_ARN_MAX 256 /* ACM certificate ARNs are about 90 characters */

typedef enum {
  DV_ARN_OK = 0,
  DV_ARN_EMPTY,
  DV_ARN_TOO_LONG,
  DV_ARN_BAD_CHAR,  /* control, space, non-ASCII, shell junk */
  DV_ARN_NOT_ARN,   /* does not start with "arn:" / wrong field count */
  DV_ARN_PARTITION, /* not aws, aws-cn, aws-us-gov */
  DV_ARN_SERVICE,   /* not acm */
  DV_ARN_REGION,    /* missing, malformed, or not of the partition */
  DV_ARN_ACCOUNT,   /* not 12 digits */
  DV_ARN_RESOURCE   /* not certificate/ID */
} dv_arn_status;

typedef struct {
  char arn[DV_ARN_MAX];
  char partition[16];
  char region[32];
  char account[13];
  char id[DV_ARN_MAX];
} dv_acm_arn;

const char *dv_arn_status_str(dv_arn_status st);
/* Parse and validate an ACM certificate ARN:
 *   arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID
 * On error, why gets a one-line explanation (safe to print). */
dv_arn_status dv_acm_arn_parse(const char *s, dv_acm_arn *out, char *why,
                               size_t whylen);
/* A region name (dv_aws_region_valid: what botocore accepts) that belongs
 * to the given partition: "cn-..." to aws-cn, "us-gov-..." to aws-us-gov,
 * anything else but "...-iso..." to aws; partition NULL: any partition.
 * 1 if valid. */
int dv_acm_region_valid(const char *region, const char *partition);

/* ---- errors and retries -------------------------------------------------- */

typedef struct {
  char code[128]; /* "ThrottlingException" ('' when none) */
  char message[512];
  char request_id[128]; /* x-amzn-RequestId */
} dv_acm_error;

/* Parse an error response: JSON body `__type` (the part after the last '#',
 * and before any ':'), `message` or `Message`; the x-amzn-ErrorType header
 * when the body has no type. Headers may be NULL. 0 when a code was found,
 * -1 otherwise (e->code is then "HTTP <status>"). */
int dv_acm_error_parse(long http_code, const char *body, size_t len,
                       const char *errortype_hdr, const char *request_id_hdr,
                       dv_acm_error *e);

typedef enum {
  DV_ACM_RETRY_NO = 0,
  DV_ACM_RETRY_THROTTLE, /* throttling error code */
  DV_ACM_RETRY_TRANSIENT /* 5xx, transient error code, connection error */
} dv_acm_retry_class;

/* Classify a failed attempt (code may be "" when none was parsed). */
dv_acm_retry_class dv_acm_retry_classify(dv_http_status st, long http_code,
                                         const char *code);
int dv_acm_is_throttle_code(const char *code);
/* Is this a clock-skew rejection (RequestTimeTooSkewed, "Signature
 * expired", ...)? */
int dv_acm_is_skew_error(const dv_acm_error *e);

#define DV_ACM_MAX_ATTEMPTS    3
#define DV_ACM_BACKOFF_BASE_MS 100
#define DV_ACM_BACKOFF_MAX_MS  20000
/* Delay before retry number `retry` (1 = first retry) given a uniform
 * random r in [0,1): r * min(base * 2^(retry-1), max) ("full jitter"). */
int64_t dv_acm_backoff_ms(unsigned retry, double r);
/* The r for it: uniform in [0, 1) (backoff jitter, not security relevant). */
double dv_aws_jitter01(void);

/* Parse an HTTP Date header (IMF-fixdate, RFC 850 and asctime forms).
 * Returns 0 and *out (UTC), or -1. */
int dv_http_date_parse(const char *s, time_t *out);

/* ---- the client ---------------------------------------------------------- */

typedef struct {
  const char *region;   /* signing region */
  const char *endpoint; /* "https://acm.us-east-1.amazonaws.com" */
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL = none */
  const char *cainfo;        /* CA bundle, NULL = default */
  long timeout_ms;           /* per attempt; 0 = 10000 */
  int max_attempts;          /* 0 = DV_ACM_MAX_ATTEMPTS */
  int verbose;               /* 2: canonical request, string to sign */
  long clock_offset_s;       /* added to the signing clock (tests) */
  /* another JSON 1.1 service through the same client (Organizations):
   * signing name and X-Amz-Target prefix; NULL = acm, CertificateManager */
  const char *service;
  const char *target_prefix;
} dv_acm_opts;

typedef enum {
  DV_ACM_OK = 0,       /* 2xx with a JSON object body */
  DV_ACM_API_ERROR,    /* ACM answered with an error (err.code) */
  DV_ACM_THROTTLED,    /* still throttled after the last attempt */
  DV_ACM_SKEW,         /* rejected because of the local clock */
  DV_ACM_TRANSPORT,    /* network/TLS/timeout after the last attempt */
  DV_ACM_BAD_RESPONSE, /* 2xx but not a JSON object */
  DV_ACM_CANCELLED,    /* the run's deadline passed */
  DV_ACM_INTERNAL      /* signing failed, out of memory, bad endpoint */
} dv_acm_status;

const char *dv_acm_status_str(dv_acm_status st);

/* ExpiredToken mid-run: when set, a call answered ExpiredToken /
 * ExpiredTokenException waits while fn(arg, client) finds new credentials
 * (it must end with dv_acm_refreshed); then the call is sent again. Once
 * per client: a second ExpiredToken is an error. */
struct dv_acm;
typedef void (*dv_acm_refresh_fn)(void *arg, struct dv_acm *c);
void dv_acm_set_refresh(struct dv_acm *c, dv_acm_refresh_fn fn, void *arg);
/* Replace the client's credentials (copied). 0 or -1. */
int dv_acm_set_credentials(struct dv_acm *c, const char *akid,
                           const char *secret, const char *token);
/* The refresh is over: resend the waiting calls (ok) or fail them. */
void dv_acm_refreshed(struct dv_acm *c, int ok);

typedef struct {
  dv_acm_status status;
  const char *op;   /* "DescribeCertificate" */
  json_t *json;     /* response document (borrowed: valid in the cb) */
  dv_acm_error err; /* API_ERROR / THROTTLED / SKEW */
  long http_code;
  dv_http_status http_status;
  char detail[256]; /* transport or internal reason */
  int attempts;
  int pages; /* ListCertificates: pages fetched */
  int skew_known;
  long skew_s; /* server clock minus local clock */
  long elapsed_ms;
} dv_acm_result;

typedef void (*dv_acm_cb)(void *arg, const dv_acm_result *res);

typedef struct dv_acm dv_acm;

/* Copies opts (strings too). NULL on allocation failure or bad endpoint
 * (why says which). */
dv_acm *dv_acm_new(dv_loop *loop, dv_http *http, const dv_acm_opts *opts,
                   char *why, size_t whylen);
void dv_acm_free(dv_acm *c);
unsigned long dv_acm_requests_sent(const dv_acm *c);

/* Any operation of the client's service, body owned (Organizations). */
int dv_acm_call(dv_acm *c, const char *op, json_t *body, dv_acm_cb cb,
                void *arg);
int dv_acm_describe_certificate(dv_acm *c, const char *arn, dv_acm_cb cb,
                                void *arg);
int dv_acm_get_certificate(dv_acm *c, const char *arn, dv_acm_cb cb, void *arg);
int dv_acm_resend_validation_email(dv_acm *c, const char *arn,
                                   const char *domain,
                                   const char *validation_domain, dv_acm_cb cb,
                                   void *arg);
/* Every page, every key type; statuses may be NULL. The result's json is
 * {"CertificateSummaryList": [...all pages...]}. */
int dv_acm_list_certificates(dv_acm *c, const char *const *statuses,
                             size_t nstatuses, dv_acm_cb cb, void *arg);

/* The same, streamed: on_page(arg, summaries) for each page as it comes
 * (the array is borrowed: valid during the call; take references to keep
 * entries), nothing accumulated; then cb(arg, res) once, with an empty
 * CertificateSummaryList on success and res.pages the pages seen. A
 * failure after some pages still calls cb with the error. */
typedef void (*dv_acm_page_cb)(void *arg, const json_t *summaries);
int dv_acm_list_certificates_paged(dv_acm *c, const char *const *statuses,
                                   size_t nstatuses, dv_acm_page_cb on_page,
                                   dv_acm_cb cb, void *arg);

/* Every KeyAlgorithm of the API model (for Includes.keyTypes). */
extern const char *const dv_acm_key_types[];
extern const size_t dv_acm_nkey_types;

#endif
