/* dvcheck -- one ACM certificate by ARN, for the monitoring commands
 * (`check --arn`, `check --host --arn`, `endpoint --arn`):
 * DescribeCertificate and/or GetCertificate, concurrently, on an ACM
 * session (acm_session.h: credentials, loop, HTTP, the ARN's region), all
 * within the run's deadline (-t). */
#ifndef DV_ACM_FETCH_H
#define DV_ACM_FETCH_H

#include <jansson.h>
#include <stdint.h>

#include "aws/acm_client.h"
#include "check/acm_session.h"

typedef struct {
  /* input */
  dv_acm_arn arn; /* parsed with dv_acm_arn_parse */
  int describe;   /* DescribeCertificate */
  int get;        /* GetCertificate */
  /* results */
  char why[600];              /* the session could not be opened: why */
  dv_loop_status loop_status; /* the loop's end (DV_LOOP_OK, ...) */
  int deadline;   /* the deadline passed before the calls finished */
  json_t *detail; /* DescribeCertificate's Certificate (owned) */
  int describe_failed;
  dv_acm_result_copy describe_res;
  char *pem; /* GetCertificate's Certificate (owned) */
  size_t pemlen;
  int get_failed;
  dv_acm_result_copy get_res;
  int64_t elapsed_ms;          /* from dv_acm_fetch_run's start */
  int describe_done, get_done; /* private */
} dv_acm_fetch;

/* Open the session and make the calls. DV_ACM_SESSION_OK when the calls
 * ran (look at the results; a failed call is *_failed with its result
 * kept); otherwise the session could not be opened (no credentials, CA
 * bundle, memory) and f->why says why. Nothing is printed. */
dv_acm_session_status dv_acm_fetch_run(dv_acm_fetch *f,
                                       const dv_acm_session_opts *o);
void dv_acm_fetch_free(dv_acm_fetch *f);

/* One line for a failed call (safe to print): "GetCertificate:
 * RequestInProgressException: ...". */
void dv_acm_fetch_error_str(const dv_acm_result_copy *r, const char *op,
                            char *out, size_t outlen);

/* Internal (tests, fuzzing): the DescribeCertificate and GetCertificate
 * callbacks (arg: the dv_acm_fetch) that take a response apart. */
void dv_acm_fetch_on_describe(void *arg, const dv_acm_result *res);
void dv_acm_fetch_on_get(void *arg, const dv_acm_result *res);

#endif
