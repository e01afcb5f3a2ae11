/* dvcheck -- HTTP(S) on the event loop: libcurl's multi-socket interface
 * driven by dv_loop. See http.h. */
#include "config.h"

#include <curl/curl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/trace.h"
#include "base/text.h"
#include "base/buf.h"
#include "base/http.h"
#include "base/names.h"

#define HTTP_DEFAULT_TIMEOUT_MS 10000L
#define HTTP_DEFAULT_CONNECT_MS 5000L
#define HTTP_DEFAULT_MAX_BODY   (1024u * 1024u)
#define HTTP_MAX_HEADERS        128
#define HTTP_MAX_HEADER_BYTES   (64u * 1024u)

typedef struct http_xfer {
  dv_http *h;
  CURL *easy;
  struct curl_slist *hdrs;
  dv_http_cb cb;
  void *arg;
  dv_http_resp resp;
  dv_buf body; /* capped at the request's max_body; resp.body at the end */
  size_t header_bytes;
  int too_big;
  int64_t started_ms;
  char *url;
  char label[24];
  char method[8];
  char errbuf[CURL_ERROR_SIZE];
  struct http_xfer *prev, *next;
} http_xfer;

struct dv_http {
  dv_loop *loop;
  CURLM *multi;
  dv_timer timer;
  http_xfer *xfers;
  int verbose;
  int in_done; /* re-entrancy guard for http_done_check */
};

static const char *const http_status_names[] = {
    [DV_HTTP_OK] = "ok",
    [DV_HTTP_TIMEOUT] = "timed out",
    [DV_HTTP_RESOLVE] = "host name did not resolve",
    [DV_HTTP_CONNECT] = "could not connect",
    [DV_HTTP_TLS] = "TLS handshake or certificate verification failed",
    [DV_HTTP_TOO_BIG] = "response too large",
    [DV_HTTP_PROTOCOL] = "malformed or truncated HTTP response",
    [DV_HTTP_CANCELLED] = "cancelled (run deadline)",
    [DV_HTTP_BADREQ] = "bad request",
    [DV_HTTP_NOMEM] = "out of memory",
    [DV_HTTP_ERROR] = "HTTP transfer failed",
};

const char *dv_http_status_str(dv_http_status st)
{
  if ((size_t)st < sizeof(http_status_names) / sizeof(http_status_names[0]) &&
      http_status_names[st])
    return http_status_names[st];
  return "unknown";
}

/* ---- response bookkeeping ------------------------------------------------ */

static void http_headers_clear(dv_http_resp *r)
{
  size_t i;
  for (i = 0; i < r->nheaders; i++) {
    free(r->headers[i].name);
    free(r->headers[i].value);
  }
  free(r->headers);
  r->headers = NULL;
  r->nheaders = 0;
}

static void http_xfer_free(http_xfer *x)
{
  if (!x)
    return;
  if (x->easy)
    curl_easy_cleanup(x->easy);
  curl_slist_free_all(x->hdrs);
  http_headers_clear(&x->resp);
  dv_buf_free(&x->body);
  free(x->resp.body);
  free(x->url);
  free(x);
}

static size_t http_on_body(char *ptr, size_t size, size_t nmemb, void *userp)
{
  http_xfer *x = userp;
  size_t n = size * nmemb;
  switch (dv_buf_append(&x->body, ptr, n)) {
  case DV_BUF_OK:
    break;
  case DV_BUF_E_TOO_BIG:
    x->too_big = 1;
    return 0; /* CURLE_WRITE_ERROR stops the transfer */
  default:
    return 0;
  }
  return n;
}

int dv_http_header_line(dv_http_resp *r, size_t *total, const char *ptr,
                        size_t n)
{
  size_t len = n;
  const char *colon;
  struct dv_http_header *nh;
  char *name, *value;
  size_t nlen, vstart, vend;

  *total += n;
  if (*total > HTTP_MAX_HEADER_BYTES)
    return -1; /* hostile server: abort */
  /* a new status line starts a new header block (100 Continue, ...) */
  if (len >= 5 && strncmp(ptr, "HTTP/", 5) == 0) {
    http_headers_clear(r);
    return 0;
  }
  while (len > 0 && (ptr[len - 1] == '\n' || ptr[len - 1] == '\r'))
    len--;
  colon = memchr(ptr, ':', len);
  if (!colon || colon == ptr)
    return 0; /* blank line or junk: ignore */
  if (r->nheaders >= HTTP_MAX_HEADERS)
    return 0;
  nlen = (size_t)(colon - ptr);
  vstart = nlen + 1;
  while (vstart < len && (ptr[vstart] == ' ' || ptr[vstart] == '\t'))
    vstart++;
  vend = len;
  while (vend > vstart && (ptr[vend - 1] == ' ' || ptr[vend - 1] == '\t'))
    vend--;
  nh = realloc(r->headers, (r->nheaders + 1) * sizeof(*nh));
  if (!nh)
    return -1;
  r->headers = nh;
  name = strndup(ptr, nlen);
  value = strndup(ptr + vstart, vend - vstart);
  if (!name || !value) {
    free(name);
    free(value);
    return -1;
  }
  nh[r->nheaders].name = name;
  nh[r->nheaders].value = value;
  r->nheaders++;
  return 0;
}

void dv_http_resp_headers_free(dv_http_resp *r)
{
  http_headers_clear(r);
}

static size_t http_on_header(char *ptr, size_t size, size_t nmemb, void *userp)
{
  http_xfer *x = userp;
  size_t n = size * nmemb;
  return dv_http_header_line(&x->resp, &x->header_bytes, ptr, n) < 0 ? 0 : n;
}

const char *dv_http_resp_header(const dv_http_resp *resp, const char *name)
{
  size_t i;
  if (!resp || !name)
    return NULL;
  for (i = resp->nheaders; i-- > 0;)
    if (strcasecmp(resp->headers[i].name, name) == 0)
      return resp->headers[i].value;
  return NULL;
}

static dv_http_status http_status_from_curl(CURLcode cc, const http_xfer *x)
{
  switch (cc) {
  case CURLE_OK:
    return DV_HTTP_OK;
  case CURLE_OPERATION_TIMEDOUT:
    return DV_HTTP_TIMEOUT;
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_RESOLVE_PROXY:
    return DV_HTTP_RESOLVE;
  case CURLE_COULDNT_CONNECT:
    return DV_HTTP_CONNECT;
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION:
  case CURLE_SSL_CERTPROBLEM:
  case CURLE_SSL_CIPHER:
  case CURLE_SSL_CACERT_BADFILE:
  case CURLE_SSL_ISSUER_ERROR:
  case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
  case CURLE_SSL_INVALIDCERTSTATUS:
  case CURLE_SSL_CRL_BADFILE:
  case CURLE_SSL_SHUTDOWN_FAILED:
  case CURLE_USE_SSL_FAILED:
    return DV_HTTP_TLS;
  case CURLE_WRITE_ERROR:
    return x->too_big ? DV_HTTP_TOO_BIG : DV_HTTP_NOMEM;
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_WEIRD_SERVER_REPLY:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_BAD_CONTENT_ENCODING:
  case CURLE_UNSUPPORTED_PROTOCOL: /* the scheme was checked: HTTP/0.9 junk */
    return DV_HTTP_PROTOCOL;
  case CURLE_URL_MALFORMAT:
    return DV_HTTP_BADREQ;
  case CURLE_OUT_OF_MEMORY:
    return DV_HTTP_NOMEM;
  default:
    return DV_HTTP_ERROR;
  }
}

/* The URL for traces: scheme://host/path, never the query string (it may
 * carry signatures) nor user:password. */
static void http_url_for_trace(const char *url, char *out, size_t outlen)
{
  const char *p = strstr(url, "://"), *at, *q;
  size_t n;
  char tmp[512];
  if (p) {
    const char *host = p + 3;
    const char *slash = strchr(host, '/');
    at = memchr(host, '@', slash ? (size_t)(slash - host) : strlen(host));
    if (at) {
      snprintf(tmp, sizeof(tmp), "%.*s%s", (int)(host - url), url, at + 1);
      url = tmp;
    }
  }
  q = strpbrk(url, "?#");
  n = q ? (size_t)(q - url) : strlen(url);
  dv_text_escape(url, n, out, outlen);
}

static void http_trace(const http_xfer *x, const dv_http_resp *r)
{
  char shown[600];
  if (x->h->verbose < 2)
    return;
  http_url_for_trace(x->url, shown, sizeof(shown));
  if (r->status == DV_HTTP_OK)
    dv_trace("%s: %s %s -> %ld (%zu bytes, %ld ms)", x->label, x->method, shown,
             r->code, r->body_len, r->elapsed_ms);
  else
    dv_trace("%s: %s %s -> %s (%ld ms)", x->label, x->method, shown,
             dv_http_status_str(r->status), r->elapsed_ms);
}

static void http_xfer_unlink(dv_http *h, http_xfer *x)
{
  if (x->prev)
    x->prev->next = x->next;
  else
    h->xfers = x->next;
  if (x->next)
    x->next->prev = x->prev;
  x->prev = x->next = NULL;
}

/* Detach x from the multi handle and the list, report, free. */
static void http_xfer_finish(http_xfer *x, dv_http_status st, long code,
                             const char *why)
{
  dv_http *h = x->h;
  x->resp.status = st;
  x->resp.code = code;
  x->resp.url = x->url;
  x->resp.elapsed_ms = (long)(dv_loop_now_ms() - x->started_ms);
  if (st != DV_HTTP_OK) {
    const char *detail = why && *why ? why : dv_http_status_str(st);
    dv_text_escape(detail, strlen(detail), x->resp.error,
                   sizeof(x->resp.error));
  }
  /* always a string, also when empty; NULL (out of memory) is tolerated by
   * callers */
  x->resp.body = dv_buf_detach(&x->body, &x->resp.body_len);
  curl_multi_remove_handle(h->multi, x->easy);
  http_xfer_unlink(h, x);
  http_trace(x, &x->resp);
  x->cb(x->arg, &x->resp);
  http_xfer_free(x);
  dv_loop_unref(h->loop);
}

static void http_done_check(dv_http *h)
{
  CURLMsg *msg;
  int left;
  if (h->in_done)
    return;
  h->in_done = 1;
  while ((msg = curl_multi_info_read(h->multi, &left))) {
    http_xfer *x = NULL;
    long code = 0;
    dv_http_status st;
    const char *why;
    if (msg->msg != CURLMSG_DONE)
      continue;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&x);
    if (!x)
      continue;
    curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &code);
    st = http_status_from_curl(msg->data.result, x);
    why = x->errbuf[0] ? x->errbuf : curl_easy_strerror(msg->data.result);
    if (st == DV_HTTP_TOO_BIG)
      why = "response body larger than the limit";
    http_xfer_finish(x, st, st == DV_HTTP_OK ? code : 0, why);
  }
  h->in_done = 0;
}

/* ---- libcurl <-> loop ---------------------------------------------------- */

static void http_on_io(void *arg, int fd, short revents)
{
  dv_http *h = arg;
  int running = 0, flags = 0;
  if (revents & POLLIN)
    flags |= CURL_CSELECT_IN;
  if (revents & POLLOUT)
    flags |= CURL_CSELECT_OUT;
  if (revents & (POLLERR | POLLHUP | POLLNVAL))
    flags |= CURL_CSELECT_ERR;
  curl_multi_socket_action(h->multi, fd, flags, &running);
  http_done_check(h);
}

static int http_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
                          void *socketp)
{
  dv_http *h = userp;
  short ev = 0;
  (void)easy;
  (void)socketp;
  switch (what) {
  case CURL_POLL_IN:
    ev = POLLIN;
    break;
  case CURL_POLL_OUT:
    ev = POLLOUT;
    break;
  case CURL_POLL_INOUT:
    ev = POLLIN | POLLOUT;
    break;
  case CURL_POLL_REMOVE:
  default:
    ev = 0;
    break;
  }
  if (dv_loop_io_set(h->loop, (int)s, ev, ev ? http_on_io : NULL, h) !=
      DV_LOOP_OK)
    return -1;
  return 0;
}

static void http_on_timer(void *arg)
{
  dv_http *h = arg;
  int running = 0;
  curl_multi_socket_action(h->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  http_done_check(h);
}

static int http_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
  dv_http *h = userp;
  (void)multi;
  if (timeout_ms < 0)
    dv_loop_timer_disarm(h->loop, &h->timer);
  else
    dv_loop_timer_arm(h->loop, &h->timer, timeout_ms, http_on_timer, h);
  return 0;
}

static void http_on_deadline(void *arg)
{
  dv_http_cancel_all(arg);
}

/* ---- public -------------------------------------------------------------- */

dv_http *dv_http_new(dv_loop *loop, int verbose)
{
  dv_http *h = calloc(1, sizeof(*h));
  if (!h)
    return NULL;
  h->loop = loop;
  h->verbose = verbose;
  h->multi = curl_multi_init();
  if (!h->multi)
    goto fail;
  if (curl_multi_setopt(h->multi, CURLMOPT_SOCKETFUNCTION, http_socket_cb) ||
      curl_multi_setopt(h->multi, CURLMOPT_SOCKETDATA, h) ||
      curl_multi_setopt(h->multi, CURLMOPT_TIMERFUNCTION, http_timer_cb) ||
      curl_multi_setopt(h->multi, CURLMOPT_TIMERDATA, h) ||
      curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 8L))
    goto fail;
  if (dv_loop_on_deadline(loop, http_on_deadline, h) != DV_LOOP_OK)
    goto fail;
  return h;
fail:
  if (h->multi)
    curl_multi_cleanup(h->multi);
  free(h);
  return NULL;
}

void dv_http_cancel_all(dv_http *h)
{
  if (!h)
    return;
  while (h->xfers)
    http_xfer_finish(h->xfers, DV_HTTP_CANCELLED, 0, NULL);
}

void dv_http_free(dv_http *h)
{
  if (!h)
    return;
  dv_http_cancel_all(h);
  dv_loop_timer_disarm(h->loop, &h->timer);
  curl_multi_cleanup(h->multi);
  free(h);
}

static int http_method_ok(const char *m)
{
  return strcmp(m, "GET") == 0 || strcmp(m, "POST") == 0 ||
         strcmp(m, "PUT") == 0 || strcmp(m, "HEAD") == 0;
}

dv_http_status dv_http_request(dv_http *h, const dv_http_req *req,
                               dv_http_cb cb, void *arg)
{
  http_xfer *x;
  const char *method = req && req->method ? req->method : "GET";
  const char *ca;
  long timeout, ctimeout;
  size_t i;
  CURLcode cc = CURLE_OK;

  if (!h || !req || !req->url || !cb || !http_method_ok(method))
    return DV_HTTP_BADREQ;
  if (strncasecmp(req->url, "https://", 8) != 0 &&
      strncasecmp(req->url, "http://", 7) != 0)
    return DV_HTTP_BADREQ;
  x = calloc(1, sizeof(*x));
  if (!x)
    return DV_HTTP_NOMEM;
  x->h = h;
  x->cb = cb;
  x->arg = arg;
  dv_buf_init(&x->body, req->max_body ? req->max_body : HTTP_DEFAULT_MAX_BODY,
              0);
  x->started_ms = dv_loop_now_ms();
  snprintf(x->label, sizeof(x->label), "%s",
           req->trace_label ? req->trace_label : "http");
  snprintf(x->method, sizeof(x->method), "%s", method);
  x->url = strdup(req->url);
  x->easy = curl_easy_init();
  if (!x->url || !x->easy)
    goto nomem;
  for (i = 0; req->headers && req->headers[i]; i++) {
    struct curl_slist *n = curl_slist_append(x->hdrs, req->headers[i]);
    if (!n)
      goto nomem;
    x->hdrs = n;
  }
  {
    /* no "Expect: 100-continue" round trip */
    struct curl_slist *n = curl_slist_append(x->hdrs, "Expect:");
    if (!n)
      goto nomem;
    x->hdrs = n;
  }
  timeout = req->timeout_ms > 0 ? req->timeout_ms : HTTP_DEFAULT_TIMEOUT_MS;
  ctimeout = req->connect_timeout_ms > 0 ? req->connect_timeout_ms
                                         : HTTP_DEFAULT_CONNECT_MS;
  if (ctimeout > timeout)
    ctimeout = timeout;
  ca = req->cainfo && *req->cainfo ? req->cainfo : getenv("DVCHECK_CA_BUNDLE");

#define SET(opt, val)                                                          \
  do {                                                                         \
    if (cc == CURLE_OK)                                                        \
      cc = curl_easy_setopt(x->easy, opt, val);                                \
  } while (0)
  SET(CURLOPT_URL, x->url);
  SET(CURLOPT_PRIVATE, (char *)x);
  SET(CURLOPT_NOSIGNAL, 1L);
  SET(CURLOPT_PROTOCOLS_STR, "http,https");
  SET(CURLOPT_FOLLOWLOCATION, 0L);
  SET(CURLOPT_SSL_VERIFYPEER, 1L);
  SET(CURLOPT_SSL_VERIFYHOST, 2L);
  SET(CURLOPT_TIMEOUT_MS, timeout);
  SET(CURLOPT_CONNECTTIMEOUT_MS, ctimeout);
  SET(CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
  SET(CURLOPT_ACCEPT_ENCODING, "");
  SET(CURLOPT_HTTPHEADER, x->hdrs);
  SET(CURLOPT_WRITEFUNCTION, http_on_body);
  SET(CURLOPT_WRITEDATA, x);
  SET(CURLOPT_HEADERFUNCTION, http_on_header);
  SET(CURLOPT_HEADERDATA, x);
  SET(CURLOPT_ERRORBUFFER, x->errbuf);
  if (ca && *ca)
    SET(CURLOPT_CAINFO, ca);
  if (req->no_proxy)
    SET(CURLOPT_NOPROXY, "*");
  if (strcmp(method, "GET") == 0) {
    SET(CURLOPT_HTTPGET, 1L);
  } else if (strcmp(method, "HEAD") == 0) {
    SET(CURLOPT_NOBODY, 1L);
  } else {
    SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
    SET(CURLOPT_COPYPOSTFIELDS, req->body ? req->body : "");
    if (strcmp(method, "POST") != 0)
      SET(CURLOPT_CUSTOMREQUEST, method);
  }
#undef SET
  if (cc != CURLE_OK) {
    http_xfer_free(x);
    return cc == CURLE_OUT_OF_MEMORY ? DV_HTTP_NOMEM : DV_HTTP_BADREQ;
  }
  if (curl_multi_add_handle(h->multi, x->easy) != CURLM_OK) {
    http_xfer_free(x);
    return DV_HTTP_ERROR;
  }
  x->next = h->xfers;
  if (h->xfers)
    h->xfers->prev = x;
  h->xfers = x;
  dv_loop_ref(h->loop);
  return DV_HTTP_OK;
nomem:
  http_xfer_free(x);
  return DV_HTTP_NOMEM;
}
