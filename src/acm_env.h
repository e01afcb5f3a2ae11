/* dvcheck -- where the ACM client gets its credentials, region, endpoint
 * and CA bundle. One function each, so that switching to the full AWS
 * credential chain (src/aws_creds.*, src/aws_config.*) is a change in this
 * one file. Today: environment variables and the command line only. */
#ifndef DV_ACM_ENV_H
#define DV_ACM_ENV_H

#include <stddef.h>

#include "tool_cfg.h"

typedef struct {
  char *access_key_id;
  char *secret_access_key; /* secret: wiped by dv_acm_creds_free */
  char *session_token;     /* secret; NULL = none */
  const char *source;      /* "environment" */
} dv_acm_creds;

/* 0 and out filled, or -1 with why (never contains a secret). */
int dv_acm_env_credentials(const dv_cfg *cfg, dv_acm_creds *out, char *why,
                           size_t whylen);
void dv_acm_creds_free(dv_acm_creds *c);

/* The ARN's region (arn_region, may be NULL) wins; else --region,
 * AWS_REGION, AWS_DEFAULT_REGION. 0 or -1 with why. */
int dv_acm_env_region(const dv_cfg *cfg, const char *arn_region, char *out,
                      size_t outlen, char *why, size_t whylen);

/* --endpoint-url, AWS_ENDPOINT_URL_ACM, AWS_ENDPOINT_URL, else
 * https://acm.REGION.amazonaws.com (.com.cn in China). */
int dv_acm_env_endpoint(const dv_cfg *cfg, const char *region, char *out,
                        size_t outlen, char *why, size_t whylen);

/* AWS_CA_BUNDLE, or NULL (dv_http then uses DVCHECK_CA_BUNDLE or the
 * system store). */
const char *dv_acm_env_cainfo(const dv_cfg *cfg);

/* Test hook: DVCHECK_TEST_CLOCK_OFFSET seconds added to the signing clock
 * (lets the tests provoke a clock-skew rejection). 0 when unset. */
long dv_acm_env_clock_offset(void);

#endif
