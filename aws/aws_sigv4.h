/* dvcheck -- AWS Signature Version 4 request signing (HMAC-SHA256, OpenSSL).
 *
 * Implements the SigV4 rules of the official test suite (aws-c-auth's copy,
 * 38 cases): canonical URI, canonical query, canonical headers, signed
 * headers, hashed payload, string to sign, key derivation and signature, in
 * header mode (Authorization header) or presigned-URL mode (query string).
 *
 * Usage (header mode, e.g. ACM):
 *
 *   dv_sigv4_result r;
 *   st = dv_sigv4_sign(&req, &params, &r);
 *   then send the request with the caller's headers PLUS:
 *     X-Amz-Date: r.amz_date
 *     X-Amz-Security-Token: params.session_token   (if session_token != NULL)
 *     X-Amz-Content-Sha256: r.payload_hash          (if add_content_sha256)
 *     Authorization: r.authorization
 *   dv_sigv4_result_free(&r);
 *
 * The caller's headers must not contain Authorization, X-Amz-Date or
 * X-Amz-Security-Token (the signer owns them; DV_SIGV4_E_RESERVED_HEADER).
 * User-Agent, X-Amzn-Trace-Id, Connection, Upgrade and Sec-WebSocket-*
 * headers are sent but not signed (proxies may change them), as in aws-c-auth.
 * A Host header is required.
 */
#ifndef DV_AWS_SIGV4_H
#define DV_AWS_SIGV4_H

#include <stddef.h>
#include <time.h>

typedef enum {
  DV_SIGV4_OK = 0,
  DV_SIGV4_E_INVALID_ARG,     /* NULL/empty required field, bad expires */
  DV_SIGV4_E_BAD_CREDENTIALS, /* key id/region/service/token has bad chars */
  DV_SIGV4_E_BAD_METHOD,      /* method is not an HTTP token */
  DV_SIGV4_E_BAD_HEADER,      /* header name not a token, or bare CR/LF */
  DV_SIGV4_E_RESERVED_HEADER, /* caller set Authorization/X-Amz-Date/... */
  DV_SIGV4_E_NO_HOST,         /* no Host header */
  DV_SIGV4_E_TIME,            /* signing time not representable */
  DV_SIGV4_E_CRYPTO,          /* OpenSSL failure */
  DV_SIGV4_E_NOMEM
} dv_sigv4_status;

typedef struct {
  const char *name;
  const char *value; /* may contain obs-fold ("\r\n " / "\n "): folded */
} dv_http_header;

typedef struct {
  const char *method;            /* "POST" */
  const char *path;              /* request-target path as sent on the wire,
                                    e.g. "/" or "/example space/"; "" = "/" */
  const char *query;             /* as sent, without '?'; NULL or "" = none */
  const dv_http_header *headers; /* must include Host */
  size_t nheaders;
  const unsigned char *body; /* may be NULL when body_len == 0 */
  size_t body_len;
} dv_sigv4_request;

typedef struct {
  const char *access_key_id;
  const char *secret_access_key;
  const char *session_token; /* NULL or "" = none */
  const char *region;        /* "us-east-1" */
  const char *service;       /* signing name, "acm" */
  time_t when;               /* signing time (UTC) */
  /* Remove "."/".."/empty path segments: 1 for every service except S3. */
  int normalize_path;
  /* S3: use the path as given instead of URI-encoding it (again). */
  int no_double_uri_encode;
  /* aws-c-auth option: the token is still sent, but not signed. */
  int omit_session_token_from_signature;
  /* Header mode: sign an X-Amz-Content-Sha256 header (S3; aws-c-auth's
   * "sign_body"). Ignored when presigning, as in the suite. */
  int add_content_sha256;
  /* 1 = presigned URL (query-string authentication), with X-Amz-Expires =
   * expires seconds (1..604800). */
  int presign;
  unsigned long expires;
} dv_sigv4_params;

typedef struct {
  char amz_date[17];     /* "20150830T123600Z" */
  char payload_hash[65]; /* hex SHA-256 of the body */
  char signature[65];    /* hex HMAC-SHA256 */
  /* The canonical request; holds the session token when one is signed, so
   * log canonical_request_redacted (token value shown as "<redacted>"). */
  char *canonical_request;
  char *canonical_request_redacted;
  char *string_to_sign; /* contains no secret */
  /* Header mode: the full Authorization header value (NULL when presigning).
   * SECRET-ADJACENT: never log. */
  char *authorization;
  /* Presign: the complete query string for the URL (the caller's query, then
   * the X-Amz-* parameters); holds the session token: never log. Else NULL. */
  char *presigned_query;
} dv_sigv4_result;

const char *dv_sigv4_status_str(dv_sigv4_status st);

/* Sign req with p. On DV_SIGV4_OK, out is filled and must be released with
 * dv_sigv4_result_free(); on error out is left zeroed (free is harmless).
 * All derived keys and the "AWS4"+secret buffer are wiped before return. */
dv_sigv4_status dv_sigv4_sign(const dv_sigv4_request *req,
                              const dv_sigv4_params *p, dv_sigv4_result *out);

/* Free and wipe (dv_secret_free) everything in r; r is zeroed after. */
void dv_sigv4_result_free(dv_sigv4_result *r);

/* Hex SHA-256 of data (hex must hold 65 bytes). 0 on success, -1 on error. */
int dv_sigv4_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
