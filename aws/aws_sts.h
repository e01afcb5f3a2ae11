/* dvcheck -- the AWS token services the credential chain calls: STS
 * (AssumeRole, AssumeRoleWithWebIdentity; query protocol: form POST, XML
 * reply), the IAM Identity Center portal (GetRoleCredentials; rest-json,
 * bearer token) and SSO OIDC (CreateToken with a refresh token; rest-json).
 *
 * One request per call on the loop, up to 3 attempts for throttling, 5xx
 * and transport errors (jittered backoff, as the SDKs), each attempt with a
 * timeout. AssumeRole is SigV4-signed (service "sts") with the caller's
 * source credentials; the others are unsigned, as in botocore.
 *
 * XML is read by a strict minimal reader (dv_aws_xml_text): only the few
 * leaf elements needed, bounded sizes, the five predefined entities and
 * numeric references; documents with a DOCTYPE are refused. No printing:
 * errors come back in the result (code, message, request id: never a
 * secret). Secrets in results are wiped after the callback returns.
 */
#ifndef DV_AWS_STS_H
#define DV_AWS_STS_H

#include <stddef.h>
#include <time.h>

#include "base/http.h"
#include "base/loop.h"

typedef enum {
  DV_STS_OK = 0,
  DV_STS_API_ERROR,    /* the service answered with an error (code) */
  DV_STS_TRANSPORT,    /* network/TLS/timeout after the last attempt */
  DV_STS_BAD_RESPONSE, /* 2xx but not the expected document */
  DV_STS_CANCELLED,    /* the run's deadline passed */
  DV_STS_INTERNAL      /* signing failed, out of memory, bad endpoint */
} dv_sts_status;

const char *dv_sts_status_str(dv_sts_status st);

typedef struct {
  const char *endpoint; /* "https://sts.us-east-1.amazonaws.com" */
  const char *region;   /* signing region */
  const char *cainfo;   /* CA bundle, NULL = default */
  long timeout_ms;      /* per attempt; 0 = 10000 */
  int max_attempts;     /* 0 = 3 */
  /* AssumeRole: the source credentials that sign the call */
  const char *access_key_id;
  const char *secret_access_key; /* SECRET */
  const char *session_token;     /* SECRET; NULL = none */
} dv_sts_opts;

typedef struct {
  dv_sts_status status;
  long http_code;
  int attempts;
  char code[128];       /* "AccessDenied", "ExpiredToken", ... */
  char message[512];    /* printable, bounded; never a secret */
  char request_id[128]; /* x-amzn-RequestId / RequestId */
  char detail[256];     /* transport or internal reason */
  /* credentials (AssumeRole*, GetRoleCredentials) */
  char *access_key_id;
  char *secret_access_key; /* SECRET */
  char *session_token;     /* SECRET */
  char *expiration;        /* ISO 8601 "2030-01-01T00:00:00Z" */
  time_t expires;
  char assumed_arn[512]; /* AssumedRoleUser.Arn */
  /* CreateToken */
  char *access_token;  /* SECRET */
  char *refresh_token; /* SECRET; NULL = none returned */
  long expires_in;
} dv_sts_result;

/* The result is borrowed: valid only during the callback. */
typedef void (*dv_sts_cb)(void *arg, const dv_sts_result *res);

typedef struct {
  const char *role_arn;
  const char *session_name;
  const char *external_id;  /* NULL = none */
  const char *serial;       /* mfa_serial; NULL = none */
  const char *token_code;   /* the MFA code; SECRET-ish */
  long duration_seconds;    /* 0 = the service default */
  const char *web_identity; /* AssumeRoleWithWebIdentity: the token, SECRET */
} dv_sts_assume_args;

/* AssumeRole (signed with o's credentials) or, when a->web_identity is set,
 * AssumeRoleWithWebIdentity (unsigned). Returns 0, or -1 (out of memory or
 * a bad argument: the callback will not run). */
int dv_sts_assume_role(dv_loop *loop, dv_http *http, const dv_sts_opts *o,
                       const dv_sts_assume_args *a, dv_sts_cb cb, void *arg);

/* SSO portal GetRoleCredentials (GET /federation/credentials). */
int dv_sso_get_role_credentials(dv_loop *loop, dv_http *http,
                                const dv_sts_opts *o, const char *account_id,
                                const char *role_name, const char *access_token,
                                dv_sts_cb cb, void *arg);

/* SSO OIDC CreateToken, grantType refresh_token (POST /token). */
int dv_ssooidc_create_token(dv_loop *loop, dv_http *http, const dv_sts_opts *o,
                            const char *client_id, const char *client_secret,
                            const char *refresh_token, dv_sts_cb cb, void *arg);

/* The text of the first element <name>...</name> of an XML document (the
 * element without attributes, holding only text), entity-decoded into out.
 * Returns 1 found, 0 absent, -1 malformed, not UTF-8-safe, a DOCTYPE, or
 * longer than outlen - 1. */
int dv_aws_xml_text(const char *xml, size_t len, const char *name, char *out,
                    size_t outlen);

/* RFC 3986 percent-encoding of everything but unreserved characters (the
 * form encoding botocore's query serializer uses). Returns a malloc'd
 * string or NULL. */
char *dv_aws_uri_encode(const char *s);

/* Internal (tests, fuzzing): what a call of KIND makes of one HTTP
 * response (resp->body NUL-terminated), without retrying; cb runs inside
 * this call. */
typedef enum {
  DV_STS_REPLY_STS, /* AssumeRole*: XML */
  DV_STS_REPLY_SSO, /* GetRoleCredentials: JSON */
  DV_STS_REPLY_OIDC /* CreateToken: JSON */
} dv_sts_reply_kind;
void dv_sts_reply_parse(dv_sts_reply_kind kind, const dv_http_resp *resp,
                        dv_sts_cb cb, void *arg);

#endif
