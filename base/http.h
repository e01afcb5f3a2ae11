/* dvcheck -- HTTP(S) requests on the event loop (libcurl multi-socket).
 *
 * One dv_http per run drives any number of concurrent requests through the
 * run's dv_loop: libcurl's sockets and its timer are registered with the
 * loop (CURLMOPT_SOCKETFUNCTION / TIMERFUNCTION), nothing blocks. TLS is
 * always verified. Each request has its own timeout and body cap, and its
 * callback runs exactly once -- also when the run's deadline cancels it.
 *
 * Secrets: request headers and bodies are never logged; the -vv trace shows
 * method, URL (without query string), status, size and time only.
 */
#ifndef DV_HTTP_H
#define DV_HTTP_H

#include <stddef.h>

#include "base/loop.h"

typedef enum {
  DV_HTTP_OK = 0,    /* a response arrived (look at code for its status) */
  DV_HTTP_TIMEOUT,   /* the request's own timeout passed */
  DV_HTTP_RESOLVE,   /* host name did not resolve */
  DV_HTTP_CONNECT,   /* connection refused / unreachable */
  DV_HTTP_TLS,       /* TLS handshake or certificate verification failed */
  DV_HTTP_TOO_BIG,   /* body above max_body: transfer stopped */
  DV_HTTP_PROTOCOL,  /* malformed HTTP, connection reset mid-response */
  DV_HTTP_CANCELLED, /* the run's deadline passed */
  DV_HTTP_BADREQ,    /* bad request description (URL, method, ...) */
  DV_HTTP_NOMEM,
  DV_HTTP_ERROR /* anything else libcurl reports */
} dv_http_status;

typedef struct dv_http dv_http;

typedef struct {
  const char *method;         /* "GET" (NULL), "POST", "PUT" */
  const char *url;            /* http:// or https:// only */
  const char *const *headers; /* NULL-terminated "Name: value" lines */
  const char *body;           /* request body (POST/PUT), may be NULL */
  size_t body_len;
  long timeout_ms;         /* whole request; 0 = 10000 */
  long connect_timeout_ms; /* 0 = min(timeout, 5000) */
  size_t max_body;         /* response body cap; 0 = 1 MiB */
  const char *cainfo;      /* CA bundle file; NULL = DVCHECK_CA_BUNDLE
                            * env, else the system store */
  int no_proxy;            /* 1: never use a proxy (IMDS, containers) */
  const char *trace_label; /* -vv trace prefix, e.g. "rdap"; NULL ok */
} dv_http_req;

typedef struct {
  dv_http_status status;
  long code;  /* HTTP status code; 0 when none was received */
  char *body; /* NUL-terminated (may also contain NULs) */
  size_t body_len;
  const char *url; /* the URL requested */
  long elapsed_ms;
  char error[256]; /* human-readable reason when status != OK */
  /* response headers of the last response (after redirects none are
   * followed: redirects are returned as they are) */
  size_t nheaders;
  struct dv_http_header {
    char *name;  /* as received */
    char *value; /* trimmed */
  } * headers;
} dv_http_resp;

/* The callback owns nothing: resp is valid only during the call. */
typedef void (*dv_http_cb)(void *arg, const dv_http_resp *resp);

dv_http *dv_http_new(dv_loop *loop, int verbose);
/* Cancels what is still running (callbacks run with DV_HTTP_CANCELLED). */
void dv_http_free(dv_http *h);

/* Start a request. On DV_HTTP_OK the callback will run exactly once later
 * (never from inside this call); on any other return it never runs. */
dv_http_status dv_http_request(dv_http *h, const dv_http_req *req,
                               dv_http_cb cb, void *arg);

/* Cancel every outstanding request (deadline). */
void dv_http_cancel_all(dv_http *h);

/* Case-insensitive header lookup in a response; NULL if absent. */
const char *dv_http_resp_header(const dv_http_resp *resp, const char *name);

const char *dv_http_status_str(dv_http_status st);

/* Internal (tests, fuzzing): one header line as libcurl hands it over (n
 * bytes, CR LF included) into r->headers; *total counts the header bytes
 * (64 KiB at most). 0, or -1: stop the transfer (too much, no memory). */
int dv_http_header_line(dv_http_resp *r, size_t *total, const char *ptr,
                        size_t n);
/* Free r's headers. */
void dv_http_resp_headers_free(dv_http_resp *r);

#endif
