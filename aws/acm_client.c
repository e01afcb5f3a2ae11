/* dvcheck -- the ACM API client. See acm_client.h. */
#include "config.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/secret.h"
#include "base/trace.h"
#include "base/text.h"
#include "aws/acm_client.h"
#include "aws/aws_creds.h"
#include "aws/aws_sigv4.h"
#include "base/names.h"

/* ---- ARNs ---------------------------------------------------------------- */

static const char *const arn_status_str[] = {
    [DV_ARN_OK] = "ok",
    [DV_ARN_EMPTY] = "empty ARN",
    [DV_ARN_TOO_LONG] = "ARN too long",
    [DV_ARN_BAD_CHAR] = "character not allowed in an ARN",
    [DV_ARN_NOT_ARN] = "not an ARN",
    [DV_ARN_PARTITION] = "unknown partition",
    [DV_ARN_SERVICE] = "not an ACM ARN",
    [DV_ARN_REGION] = "bad region",
    [DV_ARN_ACCOUNT] = "bad account ID",
    [DV_ARN_RESOURCE] = "not a certificate ARN",
};

const char *dv_arn_status_str(dv_arn_status st)
{
  if ((size_t)st < sizeof(arn_status_str) / sizeof(arn_status_str[0]))
    return arn_status_str[st];
  return "unknown";
}

static int all_of(const char *s, size_t n, const char *set, int alnum)
{
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (alnum && isalnum(c))
      continue;
    if (!c || !strchr(set, c))
      return 0;
  }
  return 1;
}

int dv_acm_region_valid(const char *region, const char *partition)
{
  /* the name itself: the one rule, botocore's (dv_aws_region_valid) */
  if (!dv_aws_region_valid(region))
    return 0;
  if (!partition)
    return 1;
  if (strcmp(partition, "aws-cn") == 0)
    return strncmp(region, "cn-", 3) == 0;
  if (strcmp(partition, "aws-us-gov") == 0)
    return strncmp(region, "us-gov-", 7) == 0;
  if (strcmp(partition, "aws") == 0)
    return strncmp(region, "cn-", 3) != 0 &&
           strncmp(region, "us-gov-", 7) != 0 && !strstr(region, "-iso");
  return 0;
}

dv_arn_status dv_acm_arn_parse(const char *s, dv_acm_arn *out, char *why,
                               size_t whylen)
{
  const char *f[6];
  size_t fl[6], nf = 0, len;
  const char *p;
  char shown[64];

  memset(out, 0, sizeof(*out));
  if (whylen)
    why[0] = '\0';
  if (!s || !*s) {
    snprintf(why, whylen, "the ARN is empty");
    return DV_ARN_EMPTY;
  }
  len = strlen(s);
  if (len >= DV_ARN_MAX) {
    snprintf(why, whylen,
             "%zu characters; an ACM certificate ARN has fewer than %d", len,
             DV_ARN_MAX);
    return DV_ARN_TOO_LONG;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!isalnum(c) && !strchr(":/_+=,.@-", c)) {
      if (c < 0x20 || c >= 0x7F)
        snprintf(why, whylen, "byte 0x%02X at position %zu", c, i + 1);
      else
        snprintf(why, whylen, "'%c' at position %zu", c, i + 1);
      return DV_ARN_BAD_CHAR;
    }
  }
  /* split into exactly six ':' fields */
  p = s;
  while (nf < 6) {
    const char *colon = nf < 5 ? strchr(p, ':') : NULL;
    f[nf] = p;
    fl[nf] = colon ? (size_t)(colon - p) : strlen(p);
    nf++;
    if (!colon)
      break;
    p = colon + 1;
  }
  if (nf < 6 || fl[0] != 3 || strncmp(f[0], "arn", 3) != 0) {
    snprintf(why, whylen,
             "expected arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID");
    return DV_ARN_NOT_ARN;
  }
  if (!((fl[1] == 3 && strncmp(f[1], "aws", 3) == 0) ||
        (fl[1] == 6 && strncmp(f[1], "aws-cn", 6) == 0) ||
        (fl[1] == 10 && strncmp(f[1], "aws-us-gov", 10) == 0))) {
    dv_text_escape(f[1], fl[1] < 40 ? fl[1] : 40, shown, sizeof(shown));
    snprintf(why, whylen, "partition '%s' (ACM uses aws, aws-cn or aws-us-gov)",
             shown);
    return DV_ARN_PARTITION;
  }
  memcpy(out->partition, f[1], fl[1]);
  if (!(fl[2] == 3 && strncmp(f[2], "acm", 3) == 0)) {
    dv_text_escape(f[2], fl[2] < 40 ? fl[2] : 40, shown, sizeof(shown));
    snprintf(why, whylen, "service '%s', not 'acm'%s", shown,
             fl[2] == 7 && strncmp(f[2], "acm-pca", 7) == 0
                 ? " (this is a Private CA ARN, not a certificate's)"
                 : "");
    return DV_ARN_SERVICE;
  }
  if (fl[2 + 1] == 0 || fl[3] >= sizeof(out->region)) {
    snprintf(why, whylen, "%s region (e.g. us-east-1)",
             fl[3] ? "overlong" : "missing");
    return DV_ARN_REGION;
  }
  memcpy(out->region, f[3], fl[3]);
  if (!dv_acm_region_valid(out->region, out->partition)) {
    dv_text_escape(f[3], fl[3], shown, sizeof(shown));
    if (dv_acm_region_valid(out->region, NULL))
      snprintf(why, whylen, "region '%s' is not in partition %s", shown,
               out->partition);
    else
      snprintf(why, whylen,
               "region '%s' is not a region name (e.g. "
               "us-east-1)",
               shown);
    return DV_ARN_REGION;
  }
  if (fl[4] != 12 || !all_of(f[4], 12, "0123456789", 0)) {
    snprintf(why, whylen, "the account ID must be 12 digits");
    return DV_ARN_ACCOUNT;
  }
  memcpy(out->account, f[4], 12);
  if (fl[5] <= 12 || strncmp(f[5], "certificate/", 12) != 0 ||
      fl[5] - 12 > 128 || !all_of(f[5] + 12, fl[5] - 12, "-", 1)) {
    snprintf(why, whylen,
             "the resource must be certificate/ID (ID: letters, "
             "digits and '-', e.g. a UUID)");
    return DV_ARN_RESOURCE;
  }
  memcpy(out->id, f[5] + 12, fl[5] - 12);
  memcpy(out->arn, s, len);
  return DV_ARN_OK;
}

/* ---- errors and retries -------------------------------------------------- */

static void copy_code(char *dst, size_t dlen, const char *src)
{
  const char *hash = strrchr(src, '#');
  size_t n;
  if (hash)
    src = hash + 1;
  n = strcspn(src, ":");
  if (n >= dlen)
    n = dlen - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
  /* keep it printable and token-like */
  for (char *p = dst; *p; p++)
    if (!isalnum((unsigned char)*p) && *p != '.' && *p != '_' && *p != '-')
      *p = '?';
}

int dv_acm_error_parse(long http_code, const char *body, size_t len,
                       const char *errortype_hdr, const char *request_id_hdr,
                       dv_acm_error *e)
{
  json_t *doc = NULL;
  int rc = -1;
  memset(e, 0, sizeof(*e));
  if (request_id_hdr)
    dv_text_escape(request_id_hdr, strlen(request_id_hdr), e->request_id,
                   sizeof(e->request_id));
  if (body && len)
    doc = json_loadb(body, len, JSON_DISABLE_EOF_CHECK, NULL);
  if (json_is_object(doc)) {
    const char *t = json_string_value(json_object_get(doc, "__type"));
    const char *m = json_string_value(json_object_get(doc, "message"));
    if (!m)
      m = json_string_value(json_object_get(doc, "Message"));
    if (t && *t) {
      copy_code(e->code, sizeof(e->code), t);
      rc = 0;
    }
    if (m)
      dv_text_escape(m, strlen(m), e->message, sizeof(e->message));
  }
  if (rc < 0 && errortype_hdr && *errortype_hdr) {
    copy_code(e->code, sizeof(e->code), errortype_hdr);
    rc = 0;
  }
  if (rc < 0)
    snprintf(e->code, sizeof(e->code), "HTTP %ld", http_code);
  json_decref(doc);
  return rc;
}

static const char *const throttle_codes[] = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "EC2ThrottledException",
};
static const char *const transient_codes[] = {
    "RequestTimeout",          "RequestTimeoutException",
    "PriorRequestNotComplete", "InternalError",
    "InternalFailure",         "InternalServerError",
    "ServiceUnavailable",      "ServiceUnavailableException",
};

static int in_list(const char *code, const char *const *list, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp(code, list[i]) == 0)
      return 1;
  return 0;
}

int dv_acm_is_throttle_code(const char *code)
{
  return code && in_list(code, throttle_codes,
                         sizeof(throttle_codes) / sizeof(throttle_codes[0]));
}

dv_acm_retry_class dv_acm_retry_classify(dv_http_status st, long http_code,
                                         const char *code)
{
  switch (st) {
  case DV_HTTP_OK:
    break;
  case DV_HTTP_TIMEOUT:
  case DV_HTTP_CONNECT:
  case DV_HTTP_RESOLVE:
  case DV_HTTP_PROTOCOL:
    return DV_ACM_RETRY_TRANSIENT;
  default:
    return DV_ACM_RETRY_NO; /* TLS, cancelled, too big, bad request, ... */
  }
  if (code && dv_acm_is_throttle_code(code))
    return DV_ACM_RETRY_THROTTLE;
  if (code && in_list(code, transient_codes,
                      sizeof(transient_codes) / sizeof(transient_codes[0])))
    return DV_ACM_RETRY_TRANSIENT;
  if (http_code == 429)
    return DV_ACM_RETRY_THROTTLE;
  if (http_code == 500 || http_code == 502 || http_code == 503 ||
      http_code == 504)
    return DV_ACM_RETRY_TRANSIENT;
  return DV_ACM_RETRY_NO;
}

int dv_acm_is_skew_error(const dv_acm_error *e)
{
  static const char *const codes[] = {"RequestTimeTooSkewed", "RequestExpired",
                                      "RequestInTheFuture"};
  static const char *const phrases[] = {"signature expired",
                                        "signature not yet current",
                                        "too skewed", "clock skew"};
  if (in_list(e->code, codes, 3))
    return 1;
  if (strcmp(e->code, "InvalidSignatureException") == 0 ||
      strcmp(e->code, "SignatureDoesNotMatch") == 0 ||
      strcmp(e->code, "AuthFailure") == 0)
    for (size_t i = 0; i < 4; i++)
      if (strcasestr(e->message, phrases[i]))
        return 1;
  return 0;
}

double dv_aws_jitter01(void)
{
  unsigned int v;
  if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
    v = (unsigned int)rand();
  return (double)v / 4294967296.0;
}

int64_t dv_acm_backoff_ms(unsigned retry, double r)
{
  int64_t cap = DV_ACM_BACKOFF_BASE_MS;
  if (retry == 0)
    return 0;
  for (unsigned i = 1; i < retry && cap < DV_ACM_BACKOFF_MAX_MS; i++)
    cap *= 2;
  if (cap > DV_ACM_BACKOFF_MAX_MS)
    cap = DV_ACM_BACKOFF_MAX_MS;
  if (r < 0)
    r = 0;
  if (r >= 1)
    r = 0.999999;
  return (int64_t)(r * (double)cap);
}

static int month_index(const char *m)
{
  static const char *const months[] = {"Jan", "Feb", "Mar", "Apr",
                                       "May", "Jun", "Jul", "Aug",
                                       "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; i++)
    if (strncasecmp(m, months[i], 3) == 0 && m[3] == '\0')
      return i;
  return -1;
}

int dv_http_date_parse(const char *s, time_t *out)
{
  struct tm tm;
  char mon[4] = "", wd[16] = "", tz[4] = "";
  int d, y, H, M, S, n = 0;
  memset(&tm, 0, sizeof(tm));
  if (!s)
    return -1;
  if (sscanf(s, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", wd, &d,
             mon, &y, &H, &M, &S, tz, &n) == 8 &&
      n) {
    /* IMF-fixdate */
  } else if (sscanf(s, "%15[A-Za-z], %2d-%3[A-Za-z]-%2d %2d:%2d:%2d %3[A-Z]%n",
                    wd, &d, mon, &y, &H, &M, &S, tz, &n) == 8 &&
             n) {
    y += y < 70 ? 2000 : 1900; /* RFC 850 */
  } else if (sscanf(s, "%3[A-Za-z] %3[A-Za-z] %2d %2d:%2d:%2d %4d%n", wd, mon,
                    &d, &H, &M, &S, &y, &n) == 7 &&
             n) {
    strcpy(tz, "GMT"); /* asctime */
  } else {
    return -1;
  }
  if (strcmp(tz, "GMT") != 0 && strcmp(tz, "UTC") != 0)
    return -1;
  tm.tm_mon = month_index(mon);
  if (tm.tm_mon < 0 || d < 1 || d > 31 || H > 23 || M > 59 || S > 60 ||
      y < 1970 || y > 9999 || H < 0 || M < 0 || S < 0)
    return -1;
  tm.tm_mday = d;
  tm.tm_year = y - 1900;
  tm.tm_hour = H;
  tm.tm_min = M;
  tm.tm_sec = S;
  *out = timegm(&tm);
  return *out == (time_t)-1 ? -1 : 0;
}

/* ---- the client ---------------------------------------------------------- */

const char *const dv_acm_key_types[] = {
    "RSA_1024",      "RSA_2048",     "RSA_3072",     "RSA_4096",
    "EC_prime256v1", "EC_secp384r1", "EC_secp521r1",
};
const size_t dv_acm_nkey_types =
    sizeof(dv_acm_key_types) / sizeof(dv_acm_key_types[0]);

static const char *const acm_status_str[] = {
    [DV_ACM_OK] = "ok",
    [DV_ACM_API_ERROR] = "ACM returned an error",
    [DV_ACM_THROTTLED] = "throttled",
    [DV_ACM_SKEW] = "clock skew",
    [DV_ACM_TRANSPORT] = "network error",
    [DV_ACM_BAD_RESPONSE] = "malformed response",
    [DV_ACM_CANCELLED] = "cancelled (deadline)",
    [DV_ACM_INTERNAL] = "internal error",
};

const char *dv_acm_status_str(dv_acm_status st)
{
  if ((size_t)st < sizeof(acm_status_str) / sizeof(acm_status_str[0]))
    return acm_status_str[st];
  return "unknown";
}

typedef struct dv_acm_req {
  struct dv_acm *c;
  int waiting_refresh; /* ExpiredToken: parked until dv_acm_refreshed */
  char op[48];
  json_t *body; /* request document (ListCertificates: NextToken) */
  dv_acm_cb cb;
  void *arg;
  int attempt; /* attempts made for the current page */
  int total_attempts;
  dv_timer timer;
  int timer_armed;
  int in_flight;
  int clipped; /* this attempt's timeout is the run's deadline */
  int is_list;
  json_t *acc; /* ListCertificates: all summaries (without on_page) */
  dv_acm_page_cb on_page; /* ListCertificates: each page as it comes */
  int pages;
  int64_t t0;
  dv_acm_result res;
  struct dv_acm_req *next;
} dv_acm_req;

struct dv_acm {
  dv_loop *loop;
  dv_http *http;
  char *region, *endpoint, *akid, *secret, *token, *cainfo;
  char service[32], target_prefix[64]; /* "acm", "CertificateManager" */
  dv_acm_refresh_fn refresh_fn;
  void *refresh_arg;
  int refreshing, refreshed;
  char host[300];
  char path[256];
  long timeout_ms;
  int max_attempts;
  int verbose;
  long clock_offset_s;
  unsigned long sent;
  dv_acm_req *reqs;
  int deadline_registered;
};

static char *dup_or_null(const char *s, int *fail)
{
  char *d;
  if (!s || !*s)
    return NULL;
  d = strdup(s);
  if (!d)
    *fail = 1;
  return d;
}

/* Split "https://host[:port][/path]" into the Host header and path. */
static int endpoint_split(const char *url, char *host, size_t hlen, char *path,
                          size_t plen, char *why, size_t wlen)
{
  const char *p, *slash;
  size_t n;
  int https = strncasecmp(url, "https://", 8) == 0;
  if (!https && strncasecmp(url, "http://", 7) != 0) {
    snprintf(why, wlen, "endpoint URL must start with https://");
    return -1;
  }
  p = url + (https ? 8 : 7);
  slash = strchr(p, '/');
  n = slash ? (size_t)(slash - p) : strlen(p);
  if (n == 0 || n >= hlen || strpbrk(p, "?#@ ") || !all_of(p, n, ".-:[]_", 1)) {
    snprintf(why, wlen, "endpoint URL has a bad host part");
    return -1;
  }
  memcpy(host, p, n);
  host[n] = '\0';
  /* curl sends no default port in Host: do the same so we sign what goes */
  if (https && n > 4 && strcmp(host + n - 4, ":443") == 0)
    host[n - 4] = '\0';
  if (!https && n > 3 && strcmp(host + n - 3, ":80") == 0)
    host[n - 3] = '\0';
  snprintf(path, plen, "%s", slash && slash[1] ? slash : "/");
  if (!all_of(path, strlen(path), "/-._~", 1)) {
    snprintf(why, wlen,
             "endpoint URL path has characters that need "
             "encoding");
    return -1;
  }
  return 0;
}

static void acm_deadline(void *arg);

dv_acm *dv_acm_new(dv_loop *loop, dv_http *http, const dv_acm_opts *o,
                   char *why, size_t whylen)
{
  dv_acm *c = calloc(1, sizeof(*c));
  int fail = 0;
  if (whylen)
    why[0] = '\0';
  if (!c) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  c->loop = loop;
  c->http = http;
  c->region = dup_or_null(o->region, &fail);
  c->endpoint = dup_or_null(o->endpoint, &fail);
  c->akid = dup_or_null(o->access_key_id, &fail);
  c->secret = dup_or_null(o->secret_access_key, &fail);
  c->token = dup_or_null(o->session_token, &fail);
  c->cainfo = dup_or_null(o->cainfo, &fail);
  c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
  c->max_attempts = o->max_attempts > 0 ? o->max_attempts : DV_ACM_MAX_ATTEMPTS;
  c->verbose = o->verbose;
  c->clock_offset_s = o->clock_offset_s;
  snprintf(c->service, sizeof(c->service), "%s",
           o->service ? o->service : "acm");
  snprintf(c->target_prefix, sizeof(c->target_prefix), "%s",
           o->target_prefix ? o->target_prefix : "CertificateManager");
  if (fail) {
    snprintf(why, whylen, "out of memory");
    goto bad;
  }
  if (!c->region || !c->endpoint || !c->akid || !c->secret) {
    snprintf(why, whylen, "region, endpoint and credentials are required");
    goto bad;
  }
  if (endpoint_split(c->endpoint, c->host, sizeof(c->host), c->path,
                     sizeof(c->path), why, whylen) < 0)
    goto bad;
  if (dv_loop_on_deadline(loop, acm_deadline, c) != DV_LOOP_OK) {
    snprintf(why, whylen, "out of memory");
    goto bad;
  }
  c->deadline_registered = 1;
  return c;
bad:
  dv_acm_free(c);
  return NULL;
}

unsigned long dv_acm_requests_sent(const dv_acm *c)
{
  return c ? c->sent : 0;
}

static void req_free(dv_acm_req *r)
{
  json_decref(r->body);
  json_decref(r->acc);
  free(r);
}

/* Deliver the result and forget the request. */
static void req_finish(dv_acm_req *r)
{
  dv_acm *c = r->c;
  dv_acm_req **pp;
  json_t *doc = NULL;
  for (pp = &c->reqs; *pp; pp = &(*pp)->next)
    if (*pp == r) {
      *pp = r->next;
      break;
    }
  if (r->timer_armed) {
    dv_loop_timer_disarm(c->loop, &r->timer);
    r->timer_armed = 0;
  }
  r->res.op = r->op;
  r->res.attempts = r->total_attempts;
  r->res.pages = r->pages;
  r->res.elapsed_ms = (long)(dv_loop_now_ms() - r->t0);
  if (r->is_list && r->res.status == DV_ACM_OK) {
    doc = json_pack("{s:O}", "CertificateSummaryList", r->acc);
    if (!doc) {
      r->res.status = DV_ACM_INTERNAL;
      snprintf(r->res.detail, sizeof(r->res.detail), "out of memory");
    }
    json_decref(r->res.json);
    r->res.json = doc;
  }
  r->cb(r->arg, &r->res);
  json_decref(r->res.json);
  r->res.json = NULL;
  req_free(r);
  dv_loop_unref(c->loop);
}

void dv_acm_free(dv_acm *c)
{
  if (!c)
    return;
  /* Outstanding requests: deliver them as cancelled (normally none). */
  while (c->reqs) {
    dv_acm_req *r = c->reqs;
    r->res.status = DV_ACM_CANCELLED;
    req_finish(r);
  }
  free(c->region);
  free(c->endpoint);
  free(c->akid);
  dv_secret_free(c->secret);
  dv_secret_free(c->token);
  free(c->cainfo);
  free(c);
}

static void acm_deadline(void *arg)
{
  dv_acm *c = arg;
  dv_acm_req *r = c->reqs, *next;
  /* Requests waiting for a retry end now; in-flight ones end when dv_http
   * delivers their cancellation. */
  for (; r; r = next) {
    next = r->next;
    if (!r->in_flight) {
      r->res.status = DV_ACM_CANCELLED;
      snprintf(r->res.detail, sizeof(r->res.detail),
               "the run's deadline passed before a retry");
      req_finish(r);
    }
  }
}

static void trace_block(const char *label, const char *text)
{
  const char *p = text;
  dv_trace("acm: %s:", label);
  while (*p) {
    size_t n = strcspn(p, "\n");
    dv_trace_text("acm:   ", p, n);
    p += n;
    if (*p)
      p++;
  }
}

static void http_done(void *arg, const dv_http_resp *resp);

static void attempt_send(void *arg)
{
  dv_acm_req *r = arg;
  dv_acm *c = r->c;
  dv_sigv4_result sig;
  dv_sigv4_request sreq;
  dv_sigv4_params sp;
  dv_sigv4_status sst;
  dv_http_req hreq;
  dv_http_status hst;
  char target[160], target_h[200], host_h[320], date_h[40], url[600];
  char *body = NULL, *auth_h = NULL, *token_h = NULL;
  const char *headers[10];
  size_t nh = 0;
  dv_http_header sh[3];
  long left;

  r->timer_armed = 0;
  memset(&sig, 0, sizeof(sig));
  body = json_dumps(r->body, JSON_COMPACT);
  if (!body) {
    r->res.status = DV_ACM_INTERNAL;
    snprintf(r->res.detail, sizeof(r->res.detail), "out of memory");
    req_finish(r);
    return;
  }
  snprintf(target, sizeof(target), "%s.%s", c->target_prefix, r->op);
  sh[0].name = "Content-Type";
  sh[0].value = "application/x-amz-json-1.1";
  sh[1].name = "Host";
  sh[1].value = c->host;
  sh[2].name = "X-Amz-Target";
  sh[2].value = target;
  memset(&sreq, 0, sizeof(sreq));
  sreq.method = "POST";
  sreq.path = c->path;
  sreq.headers = sh;
  sreq.nheaders = 3;
  sreq.body = (const unsigned char *)body;
  sreq.body_len = strlen(body);
  memset(&sp, 0, sizeof(sp));
  sp.access_key_id = c->akid;
  sp.secret_access_key = c->secret;
  sp.session_token = c->token;
  sp.region = c->region;
  sp.service = c->service;
  sp.when = time(NULL) + c->clock_offset_s;
  sp.normalize_path = 1;
  sst = dv_sigv4_sign(&sreq, &sp, &sig);
  if (sst != DV_SIGV4_OK) {
    r->res.status = DV_ACM_INTERNAL;
    snprintf(r->res.detail, sizeof(r->res.detail), "SigV4: %s",
             dv_sigv4_status_str(sst));
    goto fail;
  }
  if (c->verbose >= 2) {
    dv_trace("acm: %s attempt %d", r->op, r->attempt + 1);
    trace_block("canonical request (session token redacted)",
                sig.canonical_request_redacted);
    trace_block("string to sign", sig.string_to_sign);
  }
  snprintf(host_h, sizeof(host_h), "Host: %s", c->host);
  snprintf(date_h, sizeof(date_h), "X-Amz-Date: %s", sig.amz_date);
  if (asprintf(&auth_h, "Authorization: %s", sig.authorization) < 0) {
    auth_h = NULL;
    goto nomem;
  }
  if (c->token &&
      asprintf(&token_h, "X-Amz-Security-Token: %s", c->token) < 0) {
    token_h = NULL;
    goto nomem;
  }
  headers[nh++] = "Content-Type: application/x-amz-json-1.1";
  headers[nh++] = host_h;
  snprintf(target_h, sizeof(target_h), "X-Amz-Target: %s", target);
  headers[nh++] = target_h;
  headers[nh++] = date_h;
  if (token_h)
    headers[nh++] = token_h;
  headers[nh++] = auth_h;
  headers[nh++] = "Expect:";
  headers[nh] = NULL;
  snprintf(url, sizeof(url), "%s", c->endpoint);
  memset(&hreq, 0, sizeof(hreq));
  hreq.method = "POST";
  hreq.url = url;
  hreq.headers = headers;
  hreq.body = body;
  hreq.body_len = strlen(body);
  left = (long)dv_loop_deadline_left_ms(c->loop);
  hreq.timeout_ms = c->timeout_ms;
  r->clipped = 0;
  if (left > 0 && left < hreq.timeout_ms) {
    hreq.timeout_ms = left;
    r->clipped = 1;
  }
  hreq.max_body = 8u << 20;
  hreq.cainfo = c->cainfo;
  hreq.trace_label = c->service;
  r->attempt++;
  r->total_attempts++;
  hst = dv_http_request(c->http, &hreq, http_done, r);
  if (hst != DV_HTTP_OK) {
    r->res.status = DV_ACM_INTERNAL;
    r->res.http_status = hst;
    snprintf(r->res.detail, sizeof(r->res.detail),
             "cannot start the "
             "request: %s",
             dv_http_status_str(hst));
    goto fail;
  }
  c->sent++;
  r->in_flight = 1;
  dv_secret_free(auth_h);
  dv_secret_free(token_h);
  dv_sigv4_result_free(&sig);
  free(body);
  return;
nomem:
  r->res.status = DV_ACM_INTERNAL;
  snprintf(r->res.detail, sizeof(r->res.detail), "out of memory");
fail:
  dv_secret_free(auth_h);
  dv_secret_free(token_h);
  dv_sigv4_result_free(&sig);
  free(body);
  req_finish(r);
}

static void schedule(dv_acm_req *r, int64_t delay_ms)
{
  r->timer_armed = 1;
  dv_loop_timer_arm(r->c->loop, &r->timer, delay_ms, attempt_send, r);
}

static void measure_skew(dv_acm_req *r, const dv_http_resp *resp)
{
  time_t server;
  const char *d = dv_http_resp_header(resp, "Date");
  if (d && dv_http_date_parse(d, &server) == 0) {
    r->res.skew_known = 1;
    r->res.skew_s = (long)(server - (time(NULL) + r->c->clock_offset_s));
  }
}

static void http_done(void *arg, const dv_http_resp *resp)
{
  dv_acm_req *r = arg;
  dv_acm *c = r->c;
  dv_acm_retry_class rc;
  json_t *doc = NULL;

  r->in_flight = 0;
  r->res.http_status = resp->status;
  r->res.http_code = resp->code;
  if (c->verbose)
    dv_trace("acm: %s -> %s %ld (%ld ms)", r->op,
             dv_http_status_str(resp->status), resp->code, resp->elapsed_ms);
  if (resp->status == DV_HTTP_CANCELLED ||
      (resp->status == DV_HTTP_TIMEOUT && r->clipped)) {
    r->res.status = DV_ACM_CANCELLED;
    snprintf(r->res.detail, sizeof(r->res.detail), "%s",
             "the run's deadline passed");
    req_finish(r);
    return;
  }
  if (resp->status == DV_HTTP_OK) {
    measure_skew(r, resp);
    if (resp->code >= 200 && resp->code < 300) {
      if (resp->body_len == 0)
        doc = json_object();
      else
        doc = json_loadb(resp->body, resp->body_len, 0, NULL);
      if (!json_is_object(doc)) {
        json_decref(doc);
        r->res.status = DV_ACM_BAD_RESPONSE;
        snprintf(r->res.detail, sizeof(r->res.detail),
                 "HTTP %ld with a body that is not a JSON object", resp->code);
        req_finish(r);
        return;
      }
      if (r->is_list) {
        json_t *page = json_object_get(doc, "CertificateSummaryList");
        const char *next = json_string_value(json_object_get(doc, "NextToken"));
        r->pages++;
        if (r->on_page && json_is_array(page))
          r->on_page(r->arg, page); /* then dropped: nothing accumulates */
        else if (json_is_array(page) && json_array_extend(r->acc, page) < 0) {
          json_decref(doc);
          r->res.status = DV_ACM_INTERNAL;
          snprintf(r->res.detail, sizeof(r->res.detail), "out of memory");
          req_finish(r);
          return;
        }
        if (next && *next && r->pages < 1000) {
          json_object_set_new(r->body, "NextToken", json_string(next));
          json_decref(doc);
          r->attempt = 0;
          schedule(r, 0);
          return;
        }
      }
      r->res.status = DV_ACM_OK;
      r->res.json = doc;
      memset(&r->res.err, 0, sizeof(r->res.err));
      req_finish(r);
      return;
    }
    dv_acm_error_parse(resp->code, resp->body, resp->body_len,
                       dv_http_resp_header(resp, "x-amzn-ErrorType"),
                       dv_http_resp_header(resp, "x-amzn-RequestId"),
                       &r->res.err);
    if (c->verbose)
      dv_trace("acm: %s error %s (request id %s)", r->op, r->res.err.code,
               r->res.err.request_id[0] ? r->res.err.request_id : "none");
  } else {
    memset(&r->res.err, 0, sizeof(r->res.err));
    snprintf(r->res.detail, sizeof(r->res.detail), "%s%s%.200s",
             dv_http_status_str(resp->status), resp->error[0] ? ": " : "",
             resp->error);
  }
  if (resp->status == DV_HTTP_OK && c->refresh_fn && !c->refreshed &&
      (strcmp(r->res.err.code, "ExpiredToken") == 0 ||
       strcmp(r->res.err.code, "ExpiredTokenException") == 0)) {
    r->waiting_refresh = 1;
    if (!c->refreshing) {
      c->refreshing = 1;
      c->refresh_fn(c->refresh_arg, c);
    }
    return;
  }
  if (resp->status == DV_HTTP_OK && dv_acm_is_skew_error(&r->res.err)) {
    r->res.status = DV_ACM_SKEW;
    req_finish(r);
    return;
  }
  rc = dv_acm_retry_classify(resp->status, resp->code, r->res.err.code);
  if (rc != DV_ACM_RETRY_NO && r->attempt < c->max_attempts) {
    int64_t delay = dv_acm_backoff_ms((unsigned)r->attempt, dv_aws_jitter01());
    int64_t left = dv_loop_deadline_left_ms(c->loop);
    if (left < 0 || delay + 50 < left) {
      if (c->verbose)
        dv_trace("acm: %s: retrying in %lld ms (%s)", r->op, (long long)delay,
                 rc == DV_ACM_RETRY_THROTTLE ? "throttled" : "transient");
      schedule(r, delay);
      return;
    }
  }
  if (resp->status != DV_HTTP_OK)
    r->res.status = DV_ACM_TRANSPORT;
  else if (rc == DV_ACM_RETRY_THROTTLE)
    r->res.status = DV_ACM_THROTTLED;
  else
    r->res.status = DV_ACM_API_ERROR;
  req_finish(r);
}

void dv_acm_set_refresh(dv_acm *c, dv_acm_refresh_fn fn, void *arg)
{
  c->refresh_fn = fn;
  c->refresh_arg = arg;
}

int dv_acm_set_credentials(dv_acm *c, const char *akid, const char *secret,
                           const char *token)
{
  int fail = 0;
  char *a = dup_or_null(akid, &fail), *s = dup_or_null(secret, &fail);
  char *t = dup_or_null(token, &fail);
  if (fail || !a || !s) {
    free(a);
    dv_secret_free(s);
    dv_secret_free(t);
    return -1;
  }
  free(c->akid);
  dv_secret_free(c->secret);
  dv_secret_free(c->token);
  c->akid = a;
  c->secret = s;
  c->token = t;
  return 0;
}

void dv_acm_refreshed(dv_acm *c, int ok)
{
  dv_acm_req *r;
  c->refreshing = 0;
  c->refreshed = 1;
  for (;;) {
    for (r = c->reqs; r && !r->waiting_refresh; r = r->next)
      ;
    if (!r)
      break;
    r->waiting_refresh = 0;
    if (ok) {
      r->attempt = 0;
      schedule(r, 0);
    } else {
      r->res.status = DV_ACM_API_ERROR;
      req_finish(r);
    }
  }
}

static int queue_paged(dv_acm *c, const char *op, json_t *body, int is_list,
                       dv_acm_page_cb on_page, dv_acm_cb cb, void *arg)
{
  dv_acm_req *r;
  if (!body)
    return -1;
  r = calloc(1, sizeof(*r));
  if (!r) {
    json_decref(body);
    return -1;
  }
  r->c = c;
  snprintf(r->op, sizeof(r->op), "%s", op);
  r->body = body;
  r->cb = cb;
  r->arg = arg;
  r->is_list = is_list;
  r->on_page = on_page;
  r->t0 = dv_loop_now_ms();
  if (is_list && !(r->acc = json_array())) {
    req_free(r);
    return -1;
  }
  r->next = c->reqs;
  c->reqs = r;
  dv_loop_ref(c->loop);
  schedule(r, 0); /* never call back from inside this call */
  return 0;
}

static int queue(dv_acm *c, const char *op, json_t *body, int is_list,
                 dv_acm_cb cb, void *arg)
{
  return queue_paged(c, op, body, is_list, NULL, cb, arg);
}

/* Any operation of the client's service (Organizations ListAccounts). */
int dv_acm_call(dv_acm *c, const char *op, json_t *body, dv_acm_cb cb,
                void *arg)
{
  return queue(c, op, body, 0, cb, arg);
}

int dv_acm_describe_certificate(dv_acm *c, const char *arn, dv_acm_cb cb,
                                void *arg)
{
  return queue(c, "DescribeCertificate",
               json_pack("{s:s}", "CertificateArn", arn), 0, cb, arg);
}

int dv_acm_get_certificate(dv_acm *c, const char *arn, dv_acm_cb cb, void *arg)
{
  return queue(c, "GetCertificate", json_pack("{s:s}", "CertificateArn", arn),
               0, cb, arg);
}

int dv_acm_resend_validation_email(dv_acm *c, const char *arn,
                                   const char *domain,
                                   const char *validation_domain, dv_acm_cb cb,
                                   void *arg)
{
  return queue(c, "ResendValidationEmail",
               json_pack("{s:s, s:s, s:s}", "CertificateArn", arn, "Domain",
                         domain, "ValidationDomain", validation_domain),
               0, cb, arg);
}

int dv_acm_list_certificates(dv_acm *c, const char *const *statuses,
                             size_t nstatuses, dv_acm_cb cb, void *arg)
{
  return dv_acm_list_certificates_paged(c, statuses, nstatuses, NULL, cb, arg);
}

int dv_acm_list_certificates_paged(dv_acm *c, const char *const *statuses,
                                   size_t nstatuses, dv_acm_page_cb on_page,
                                   dv_acm_cb cb, void *arg)
{
  json_t *body = json_object(), *kt = json_array(), *st = NULL;
  int fail = !body || !kt;
  for (size_t i = 0; !fail && i < dv_acm_nkey_types; i++)
    fail |= json_array_append_new(kt, json_string(dv_acm_key_types[i])) < 0;
  if (!fail && nstatuses) {
    st = json_array();
    fail |= !st;
    for (size_t i = 0; !fail && i < nstatuses; i++)
      fail |= json_array_append_new(st, json_string(statuses[i])) < 0;
    if (!fail) {
      fail |= json_object_set_new(body, "CertificateStatuses", st) < 0;
      st = NULL;
    }
  }
  if (!fail) {
    fail |= json_object_set_new(body, "Includes",
                                json_pack("{s:O}", "keyTypes", kt)) < 0;
    fail |= json_object_set_new(body, "MaxItems", json_integer(100)) < 0;
  }
  json_decref(kt);
  json_decref(st);
  if (fail) {
    json_decref(body);
    return -1;
  }
  return queue_paged(c, "ListCertificates", body, 1, on_page, cb, arg);
}
