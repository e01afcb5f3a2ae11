/* dvcheck -- AWS credentials, region and endpoint, resolved as the AWS CLI
 * (botocore) resolves them.
 *
 * Credentials, first that answers wins (botocore's default chain):
 *   1. environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *      (+ AWS_SECURITY_TOKEN or AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION)
 *      -- skipped when --profile is given (not for AWS_PROFILE), as in the CLI;
 *   2. assume role: the profile's role_arn (without web_identity_token_file)
 *      with source_profile (chains, loops refused; a profile may name itself
 *      only with static keys) or credential_source (Environment,
 *      Ec2InstanceMetadata, EcsContainer); external_id, role_session_name,
 *      duration_seconds, mfa_serial (the code is asked on a terminal, never
 *      with opts.no_prompt); STS AssumeRole signed with the source;
 *   then the profile's own providers (also the source of a chain):
 *   2a. web identity: AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 *      (+ AWS_ROLE_SESSION_NAME; not with --profile) or the profile's
 *      web_identity_token_file + role_arn: AssumeRoleWithWebIdentity,
 *      unsigned, the token file read for every call;
 *   2b. IAM Identity Center: sso_account_id/sso_role_name with sso_session
 *      (a [sso-session NAME] section) or the legacy sso_start_url/
 *      sso_region; the token `aws sso login` cached in ~/.aws/sso/cache,
 *      refreshed with its refresh token (SSO OIDC CreateToken, sso_session
 *      form) when within 15 minutes of expiry; GetRoleCredentials;
 *      login_session profiles are refused;
 *   Assumed-role, web-identity and SSO role credentials are cached where
 *   the AWS CLI caches them (~/.aws/cli/cache, same keys; aws_cache.h) and
 *   reused while 15 minutes remain. STS, SSO and SSO OIDC endpoints:
 *   AWS_ENDPOINT_URL_STS / _SSO / _SSO_OIDC, AWS_ENDPOINT_URL, services
 *   sections, else regional (sts.REGION..., portal.sso.REGION...,
 *   oidc.REGION...; sts.amazonaws.com without a region); AWS_CA_BUNDLE.
 *   3. the credentials file's [PROFILE] (aws_access_key_id, ...);
 *   4. the profile's credential_process (run without a shell, words split
 *      like Python's shlex, JSON "Version": 1 on stdout, with a timeout);
 *   5. the config file's [profile PROFILE] / [default] static keys;
 *   6. container credentials, when AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *      (http://169.254.170.2 + it) or _FULL_URI (https, a loopback address,
 *      169.254.170.2/.23, fd00:ec2::23 or localhost) is set, with
 *      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or _TOKEN as Authorization;
 *      2 s per attempt, 3 attempts, 1 s apart; a failure is an error;
 *   7. EC2 instance metadata (IMDSv2 token, then IMDSv1 if the token PUT is
 *      refused, as botocore does), unless AWS_EC2_METADATA_DISABLED=true;
 *      endpoint AWS_EC2_METADATA_SERVICE_ENDPOINT or the profile's
 *      ec2_metadata_service_endpoint; timeout and attempts from
 *      AWS_METADATA_SERVICE_TIMEOUT / _NUM_ATTEMPTS or the profile (1 s, 1);
 *      a failure means "no credentials".
 * The profile is --profile, else AWS_DEFAULT_PROFILE, else AWS_PROFILE, else
 * "default"; a profile named explicitly must exist in one of the files.
 * The files: AWS_CONFIG_FILE (~/.aws/config), AWS_SHARED_CREDENTIALS_FILE
 * (~/.aws/credentials); both are read up front and a malformed one is an
 * error, as in botocore. Keys in the credentials file's section override
 * the config file's for the same profile (region, credential_process...).
 *
 * Region: the ARN's region (the caller passes it), else --region,
 * AWS_REGION, AWS_DEFAULT_REGION, the profile's region (the AWS CLI v2
 * chain). Endpoint: --endpoint-url, else (unless AWS_IGNORE_CONFIGURED_
 * ENDPOINT_URLS / the profile's ignore_configured_endpoint_urls is true)
 * AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's services
 * section (<service> = endpoint_url = ...), the profile's endpoint_url;
 * else https://<service>.<region>.<partition suffix>.
 *
 * Secrets (secret key, session token, container token) are never printed;
 * dv_aws_creds_free() wipes them.
 */
#ifndef DV_AWS_CREDS_H
#define DV_AWS_CREDS_H

#include <stddef.h>
#include <time.h>

#include "base/http.h"
#include "base/loop.h"

typedef enum {
  DV_AWS_CREDS_OK = 0,
  DV_AWS_CREDS_NONE,                /* no source had credentials */
  DV_AWS_CREDS_E_PROFILE_NOT_FOUND, /* --profile/AWS_PROFILE names nothing */
  DV_AWS_CREDS_E_CONFIG,            /* a shared file is malformed/unreadable */
  DV_AWS_CREDS_E_PARTIAL,           /* a key id without its secret */
  DV_AWS_CREDS_E_PROCESS,           /* credential_process failed */
  DV_AWS_CREDS_E_CONTAINER,         /* container endpoint failed/refused */
  DV_AWS_CREDS_E_EXPIRED,           /* the credentials found have expired */
  DV_AWS_CREDS_E_UNSUPPORTED,       /* login_session */
  DV_AWS_CREDS_E_LOOP,              /* source_profile chain loops */
  DV_AWS_CREDS_E_STS,               /* STS/SSO refused (api_code) */
  DV_AWS_CREDS_E_SSO_LOGIN,         /* no usable SSO token: aws sso login */
  DV_AWS_CREDS_E_MFA,               /* an MFA code is needed, none asked */
  DV_AWS_CREDS_E_SOURCE,            /* credential_source found nothing */
  DV_AWS_CREDS_E_CANCELLED,         /* the run's deadline passed */
  DV_AWS_CREDS_E_NOMEM
} dv_aws_creds_status;

/* The source, named as botocore names it (Credentials.method, the "Type"
 * column of `aws configure list`). */
typedef enum {
  DV_AWS_SRC_NONE = 0,
  DV_AWS_SRC_ENV,                /* "env" */
  DV_AWS_SRC_SHARED_CREDENTIALS, /* "shared-credentials-file" */
  DV_AWS_SRC_PROCESS,            /* "custom-process" (credential_process) */
  DV_AWS_SRC_CONFIG,             /* "config-file" */
  DV_AWS_SRC_CONTAINER,          /* "container-role" */
  DV_AWS_SRC_IMDS,               /* "iam-role" */
  DV_AWS_SRC_ASSUME_ROLE,        /* "assume-role" */
  DV_AWS_SRC_WEB_IDENTITY,       /* "assume-role-with-web-identity" */
  DV_AWS_SRC_SSO                 /* "sso" */
} dv_aws_source;

typedef struct {
  const char *profile;      /* --profile NAME, or NULL */
  const char *region;       /* --region R, or NULL */
  const char *endpoint_url; /* --endpoint-url URL, or NULL */
  int verbose;              /* -v: progress lines on stderr (no secrets) */
  long process_timeout_ms;  /* credential_process; 0 = 30000 */
  int no_prompt;            /* never ask for an MFA code (check mode) */
  int no_cache_read;        /* ignore ~/.aws/cli/cache (refresh after
                             * ExpiredToken); still write it */
  /* Tests only: the address standing in for 169.254.170.2. */
  const char *container_host;
} dv_aws_opts;

typedef struct {
  dv_aws_creds_status status;
  dv_aws_source source;
  char *profile;           /* the profile in use */
  char *access_key_id;     /* not secret */
  char *secret_access_key; /* SECRET */
  char *session_token;     /* SECRET; NULL = none */
  char *expiration;        /* as given ("2030-01-01T00:00:00Z"); NULL = none */
  time_t expires;          /* parsed expiration; 0 = none */
  int from_cache;          /* assume-role/SSO: reused from ~/.aws/cli/cache */
  int sts_calls;           /* STS/SSO/OIDC calls made to get them */
  char role_arn[512];      /* assume-role / web identity: the role */
  char api_code[64];       /* E_STS: the service's error code */
  char error[512];         /* why, when status != OK (never a secret) */
} dv_aws_creds;

/* The callback takes ownership of creds: release with dv_aws_creds_free(). */
typedef void (*dv_aws_creds_cb)(void *arg, dv_aws_creds *creds);

const char *dv_aws_creds_status_str(dv_aws_creds_status st);
const char *dv_aws_source_str(dv_aws_source src);

/* Start resolving. The callback runs exactly once, from the loop (never
 * inside this call). http may be NULL when no network step is wanted (the
 * container and IMDS steps then answer "none"). Returns 0, or -1 when out
 * of memory (the callback will not run). */
int dv_aws_creds_resolve(dv_loop *loop, dv_http *http, const dv_aws_opts *o,
                         dv_aws_creds_cb cb, void *arg);

/* ISO 8601 / RFC 3339 time ("2030-01-01T00:00:00Z", fractions, offsets,
 * "+00:00", a trailing "UTC") to time_t. 0 or -1. */
int dv_aws_time_parse(const char *s, time_t *out);

/* Wipe and free (NULL is fine). */
void dv_aws_creds_free(dv_aws_creds *c);

/* ---- region, endpoint, CA bundle (synchronous: files and environment) ---- */

typedef enum {
  DV_AWS_CFG_OK = 0,
  DV_AWS_CFG_NONE, /* nothing configured (no region) */
  DV_AWS_CFG_E_PROFILE_NOT_FOUND,
  DV_AWS_CFG_E_CONFIG,     /* malformed file, missing services section */
  DV_AWS_CFG_E_BAD_REGION, /* not a valid region name */
  DV_AWS_CFG_E_BAD_URL,    /* endpoint URL is not http(s)://host... */
  DV_AWS_CFG_E_NOMEM
} dv_aws_cfg_status;

const char *dv_aws_cfg_status_str(dv_aws_cfg_status st);

/* A region name as botocore accepts it (botocore.utils.validate_region_name,
 * checked before it builds an endpoint): a DNS label of letters, digits and
 * '-', not all digits, no '-' at either end, 1..63 characters. dvcheck's
 * one region rule: every region (--region, AWS_REGION, the config files, an
 * ARN's region) is checked with it. */
int dv_aws_region_valid(const char *region);

/* The region to use: arn_region (may be NULL), else the chain above.
 * *source (may be NULL) gets "arn", "--region", "AWS_REGION",
 * "AWS_DEFAULT_REGION" or "profile". */
dv_aws_cfg_status dv_aws_region_resolve(const dv_aws_opts *o,
                                        const char *arn_region, char *region,
                                        size_t regionlen, const char **source,
                                        char *err, size_t errlen);

/* The endpoint URL for service ("acm") in region (may be NULL: then only a
 * configured endpoint can answer, else DV_AWS_CFG_NONE). *source gets
 * "--endpoint-url", "AWS_ENDPOINT_URL_ACM", "AWS_ENDPOINT_URL",
 * "services-section", "profile" or "default". */
dv_aws_cfg_status dv_aws_endpoint_resolve(const dv_aws_opts *o,
                                          const char *service,
                                          const char *region, char *url,
                                          size_t urllen, const char **source,
                                          char *err, size_t errlen);

/* The endpoint of another AWS service for region (key: "sts", "sso",
 * "sso_oidc", "organizations"): AWS_ENDPOINT_URL_<KEY>, AWS_ENDPOINT_URL,
 * the services section, the profile's endpoint_url (never --endpoint-url,
 * which is ACM's), else the service's regional host (portal.sso.R...,
 * oidc.R...). 0, 1 (no region and nothing configured), -1 (err). */
int dv_aws_service_endpoint(const dv_aws_opts *o, const char *key,
                            const char *region, char *url, size_t urllen,
                            char *err, size_t errlen);

/* The CA bundle for AWS HTTPS calls: AWS_CA_BUNDLE, else the profile's
 * ca_bundle (as given); "" and DV_AWS_CFG_NONE when none (use the default
 * store). */
dv_aws_cfg_status dv_aws_ca_bundle(const dv_aws_opts *o, char *path,
                                   size_t pathlen, char *err, size_t errlen);

/* The partition DNS suffix for a region ("amazonaws.com",
 * "amazonaws.com.cn", ...), as botocore's partition regexes decide. */
const char *dv_aws_region_dns_suffix(const char *region);

/* Internal (tests, fuzzing): the reply parsers of the chain's steps on
 * one reply, as the chain runs them: credential_process's stdout (the
 * process exited 0), the container endpoint's and IMDS's credentials
 * document (HTTP 200, the last attempt). cb runs inside this call (on
 * loop's reference count only). Returns 0, or -1 when out of memory. */
typedef enum {
  DV_AWS_REPLY_PROCESS,
  DV_AWS_REPLY_CONTAINER,
  DV_AWS_REPLY_IMDS
} dv_aws_reply_kind;
int dv_aws_creds_reply_parse(dv_loop *loop, dv_aws_reply_kind kind,
                             const char *body, size_t len, dv_aws_creds_cb cb,
                             void *arg);

#endif
