/* dvcheck -- STS, SSO portal and SSO OIDC calls (see aws_sts.h).
 *
 * References: the botocore models sts 2011-06-15 (query protocol),
 * sso and sso-oidc 2019-06-10 (rest-json); botocore/serialize.py (query
 * form encoding), botocore/parsers.py (QueryParser, RestJSONParser).
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/secret.h"
#include "base/json.h"
#include "base/timefmt.h"
#include "aws/acm_client.h"
#include "aws/aws_creds.h"
#include "aws/aws_sigv4.h"
#include "aws/aws_sts.h"
#include "base/names.h"
#include "base/text.h"

#define STS_VERSION     "2011-06-15"
#define STS_MAX_BODY    (256 * 1024)
#define XML_FIELD_MAX   8192
#define DEFAULT_TIMEOUT 10000

static const char *const sts_status_str[] = {
    [DV_STS_OK] = "ok",
    [DV_STS_API_ERROR] = "error response",
    [DV_STS_TRANSPORT] = "network error",
    [DV_STS_BAD_RESPONSE] = "unexpected response",
    [DV_STS_CANCELLED] = "cancelled",
    [DV_STS_INTERNAL] = "internal error",
};

const char *dv_sts_status_str(dv_sts_status st)
{
  if ((size_t)st < sizeof(sts_status_str) / sizeof(sts_status_str[0]))
    return sts_status_str[st];
  return "unknown";
}

/* ---- XML: a strict reader of a few leaf elements ---- */

static int xml_entity(const char *p, const char *end, char *out, size_t *o,
                      size_t outlen, size_t *used)
{
  static const struct {
    const char *name;
    char c;
  } ents[] = {{"amp;", '&'},
              {"lt;", '<'},
              {"gt;", '>'},
              {"quot;", '"'},
              {"apos;", '\''}};
  size_t left = (size_t)(end - p);
  for (size_t i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
    size_t n = strlen(ents[i].name);
    if (left >= n && memcmp(p, ents[i].name, n) == 0) {
      if (*o + 1 >= outlen)
        return -1;
      out[(*o)++] = ents[i].c;
      *used = n;
      return 0;
    }
  }
  if (left >= 3 && p[0] == '#') {
    unsigned long v = 0;
    size_t k = 1;
    int hex = p[1] == 'x';
    if (hex)
      k++;
    while (k < left && k < 10 && isxdigit((unsigned char)p[k]) &&
           (hex || isdigit((unsigned char)p[k]))) {
      v = v * (hex ? 16 : 10) +
          (unsigned long)(isdigit((unsigned char)p[k])
                              ? p[k] - '0'
                              : (tolower((unsigned char)p[k]) - 'a' + 10));
      k++;
    }
    if (k >= left || p[k] != ';' || k == (size_t)(hex ? 2 : 1))
      return -1;
    /* only printable ASCII and tab/LF/CR: enough for AWS replies */
    if (!(v == 9 || v == 10 || v == 13 || (v >= 0x20 && v < 0x7f)))
      return -1;
    if (*o + 1 >= outlen)
      return -1;
    out[(*o)++] = (char)v;
    *used = k + 1;
    return 0;
  }
  return -1;
}

int dv_aws_xml_text(const char *xml, size_t len, const char *name, char *out,
                    size_t outlen)
{
  char open[80], close[80];
  const char *p, *end = xml + len, *s, *e;
  size_t o = 0, nl, cl;

  if (!outlen)
    return -1;
  out[0] = '\0';
  if (!xml || strlen(name) > 60)
    return -1;
  /* no DTDs (entity expansion), no NULs */
  for (p = xml; p + 2 <= end; p++) {
    if (*p == '\0')
      return -1;
    if (p[0] == '<' && p[1] == '!')
      return -1;
  }
  nl = (size_t)snprintf(open, sizeof(open), "<%s>", name);
  cl = (size_t)snprintf(close, sizeof(close), "</%s>", name);
  for (p = xml; p + nl <= end; p++)
    if (memcmp(p, open, nl) == 0)
      break;
  if (p + nl > end)
    return 0;
  s = p + nl;
  for (e = s; e + cl <= end; e++) {
    if (*e == '<')
      break;
  }
  if (e + cl > end || memcmp(e, close, cl) != 0)
    return -1; /* not a leaf, or unterminated */
  for (p = s; p < e; p++) {
    unsigned char c = (unsigned char)*p;
    if (c == '&') {
      size_t used;
      if (xml_entity(p + 1, e, out, &o, outlen, &used) < 0)
        return -1;
      p += used;
      continue;
    }
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return -1;
    if (o + 1 >= outlen)
      return -1;
    out[o++] = (char)c;
  }
  out[o] = '\0';
  return 1;
}

char *dv_aws_uri_encode(const char *s)
{
  size_t n = strlen(s), o = 0;
  char *out = malloc(n * 3 + 1);
  if (!out)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
      out[o++] = (char)c;
    else
      o += (size_t)snprintf(out + o, 4, "%%%02X", c);
  }
  out[o] = '\0';
  return out;
}

/* ---- one call ---- */

typedef enum { KIND_STS, KIND_SSO, KIND_OIDC } call_kind;

typedef struct {
  dv_loop *loop;
  dv_http *http;
  dv_sts_cb cb;
  void *arg;
  call_kind kind;
  char *url;
  char *body;     /* SECRET-bearing (tokens, MFA code) */
  char **headers; /* NULL-terminated; some SECRET (Authorization, tokens) */
  size_t nheaders;
  char *cainfo;
  long timeout_ms;
  int max_attempts;
  int attempt;
  int clipped;
  dv_timer timer;
  dv_sts_result res;
} call;

static void wipe_free(char *s)
{
  if (s) {
    dv_secret_wipe(s, strlen(s));
    free(s);
  }
}

static void call_free(call *c)
{
  if (!c)
    return;
  free(c->url);
  wipe_free(c->body);
  if (c->headers) {
    for (size_t i = 0; i < c->nheaders; i++)
      wipe_free(c->headers[i]);
    free(c->headers);
  }
  free(c->cainfo);
  free(c->res.access_key_id);
  wipe_free(c->res.secret_access_key);
  wipe_free(c->res.session_token);
  free(c->res.expiration);
  wipe_free(c->res.access_token);
  wipe_free(c->res.refresh_token);
  dv_secret_wipe(c, sizeof(*c));
  free(c);
}

static void call_finish(call *c)
{
  dv_loop *loop = c->loop;
  dv_loop_timer_disarm(loop, &c->timer);
  c->res.attempts = c->attempt;
  c->cb(c->arg, &c->res);
  call_free(c);
  dv_loop_unref(loop);
}

/* "Name: value", or "Name:" (curl: do not send it) when value is NULL */
static int add_header(call *c, const char *name, const char *value)
{
  char **nh = realloc(c->headers, (c->nheaders + 2) * sizeof(*nh));
  int n;
  if (!nh)
    return -1;
  c->headers = nh;
  n = value ? asprintf(&nh[c->nheaders], "%s: %s", name, value)
            : asprintf(&nh[c->nheaders], "%s:", name);
  if (n < 0) {
    nh[c->nheaders] = NULL;
    return -1;
  }
  c->nheaders++;
  nh[c->nheaders] = NULL;
  return 0;
}

/* "https://host:port/path" -> host[:port] and path ("/" when none). */
static int split_url(const char *url, char *host, size_t hlen, char *path,
                     size_t plen)
{
  const char *h, *slash;
  size_t n;
  if (strncmp(url, "https://", 8) == 0)
    h = url + 8;
  else if (strncmp(url, "http://", 7) == 0)
    h = url + 7;
  else
    return -1;
  slash = strchr(h, '/');
  n = slash ? (size_t)(slash - h) : strlen(h);
  if (n == 0 || n >= hlen || memchr(h, '@', n) || strpbrk(url, "?#"))
    return -1;
  memcpy(host, h, n);
  host[n] = '\0';
  snprintf(path, plen, "%s", slash && *slash ? slash : "/");
  return 0;
}

static void http_done(void *arg, const dv_http_resp *resp);

static void attempt_send(void *arg)
{
  call *c = arg;
  dv_http_req hreq;
  dv_http_status hst;
  long left = (long)dv_loop_deadline_left_ms(c->loop);
  memset(&hreq, 0, sizeof(hreq));
  hreq.method = c->kind == KIND_SSO ? "GET" : "POST";
  hreq.url = c->url;
  hreq.headers = (const char *const *)c->headers;
  hreq.body = c->body;
  hreq.body_len = c->body ? strlen(c->body) : 0;
  hreq.timeout_ms = c->timeout_ms;
  c->clipped = 0;
  if (left > 0 && left < hreq.timeout_ms) {
    hreq.timeout_ms = left;
    c->clipped = 1;
  }
  hreq.max_body = STS_MAX_BODY;
  hreq.cainfo = c->cainfo;
  hreq.trace_label = c->kind == KIND_STS   ? "sts"
                     : c->kind == KIND_SSO ? "sso"
                                           : "sso-oidc";
  c->attempt++;
  hst = dv_http_request(c->http, &hreq, http_done, c);
  if (hst != DV_HTTP_OK) {
    c->res.status = DV_STS_INTERNAL;
    snprintf(c->res.detail, sizeof(c->res.detail),
             "cannot start the request: %s", dv_http_status_str(hst));
    call_finish(c);
  }
}

static char *xml_dup(const char *body, size_t len, const char *name, int *bad)
{
  char *buf = malloc(XML_FIELD_MAX);
  char *r;
  int x;
  if (!buf) {
    *bad = 2;
    return NULL;
  }
  x = dv_aws_xml_text(body, len, name, buf, XML_FIELD_MAX);
  if (x != 1) {
    *bad = 1;
    dv_secret_wipe(buf, XML_FIELD_MAX);
    free(buf);
    return NULL;
  }
  r = strdup(buf);
  dv_secret_wipe(buf, XML_FIELD_MAX);
  free(buf);
  if (!r)
    *bad = 2;
  return r;
}

static void parse_success(call *c, const dv_http_resp *resp)
{
  dv_sts_result *r = &c->res;
  int bad = 0;
  if (c->kind == KIND_STS) {
    char arn[512];
    r->access_key_id = xml_dup(resp->body, resp->body_len, "AccessKeyId", &bad);
    r->secret_access_key =
        xml_dup(resp->body, resp->body_len, "SecretAccessKey", &bad);
    r->session_token =
        xml_dup(resp->body, resp->body_len, "SessionToken", &bad);
    r->expiration = xml_dup(resp->body, resp->body_len, "Expiration", &bad);
    if (dv_aws_xml_text(resp->body, resp->body_len, "Arn", arn, sizeof(arn)) ==
        1)
      dv_text_escape(arn, strlen(arn), r->assumed_arn, sizeof(r->assumed_arn));
  } else {
    json_t *doc = json_loadb(resp->body, resp->body_len, 0, NULL);
    json_t *rc =
        c->kind == KIND_SSO ? json_object_get(doc, "roleCredentials") : doc;
    if (!json_is_object(rc))
      bad = 1;
    else if (c->kind == KIND_SSO) {
      const char *a = json_string_value(json_object_get(rc, "accessKeyId"));
      const char *s = json_string_value(json_object_get(rc, "secretAccessKey"));
      const char *t = json_string_value(json_object_get(rc, "sessionToken"));
      json_t *ex = json_object_get(rc, "expiration");
      /* milliseconds since the epoch, range-checked before the cast */
      double ms = json_is_number(ex) ? json_number_value(ex) : -1;
      if (!a || !s || !t || !isfinite(ms) || ms < 0 ||
          ms / 1000.0 > DV_JSON_TIME_MAX)
        bad = 1;
      else {
        time_t when = (time_t)(ms / 1000.0);
        char buf[40];
        dv_time_iso(when, DV_TIME_SECONDS, buf, sizeof(buf));
        r->access_key_id = strdup(a);
        r->secret_access_key = strdup(s);
        r->session_token = strdup(t);
        r->expiration = strdup(buf);
        if (!r->access_key_id || !r->secret_access_key || !r->session_token ||
            !r->expiration)
          bad = 2;
      }
      if (s)
        dv_secret_wipe((char *)s, strlen(s));
      if (t)
        dv_secret_wipe((char *)t, strlen(t));
    } else {
      const char *a = json_string_value(json_object_get(rc, "accessToken"));
      const char *rt = json_string_value(json_object_get(rc, "refreshToken"));
      json_t *ei = json_object_get(rc, "expiresIn");
      if (!a || !json_is_integer(ei) || json_integer_value(ei) <= 0)
        bad = 1;
      else {
        r->access_token = strdup(a);
        r->expires_in = (long)json_integer_value(ei);
        if (rt)
          r->refresh_token = strdup(rt);
        if (!r->access_token || (rt && !r->refresh_token))
          bad = 2;
      }
      if (a)
        dv_secret_wipe((char *)a, strlen(a));
      if (rt)
        dv_secret_wipe((char *)rt, strlen(rt));
    }
    json_decref(doc);
  }
  if (!bad && r->expiration &&
      dv_aws_time_parse(r->expiration, &r->expires) < 0)
    bad = 1;
  if (!bad && r->access_key_id) {
    for (const char *p = r->access_key_id; *p; p++)
      if (!isalnum((unsigned char)*p))
        bad = 1;
  }
  if (bad) {
    r->status = bad == 2 ? DV_STS_INTERNAL : DV_STS_BAD_RESPONSE;
    snprintf(r->detail, sizeof(r->detail), "%s",
             bad == 2 ? "out of memory"
                      : "the reply lacks the credentials or is malformed");
    return;
  }
  r->status = DV_STS_OK;
}

static void parse_error(call *c, const dv_http_resp *resp)
{
  dv_sts_result *r = &c->res;
  if (c->kind == KIND_STS) {
    char buf[600];
    if (dv_aws_xml_text(resp->body, resp->body_len, "Code", buf, sizeof(buf)) ==
        1)
      dv_text_escape(buf, strlen(buf), r->code, sizeof(r->code));
    else
      snprintf(r->code, sizeof(r->code), "HTTP %ld", resp->code);
    if (dv_aws_xml_text(resp->body, resp->body_len, "Message", buf,
                        sizeof(buf)) == 1)
      dv_text_escape(buf, strlen(buf), r->message, sizeof(r->message));
    if (dv_aws_xml_text(resp->body, resp->body_len, "RequestId", buf,
                        sizeof(buf)) == 1)
      dv_text_escape(buf, strlen(buf), r->request_id, sizeof(r->request_id));
  } else {
    dv_acm_error e;
    dv_acm_error_parse(resp->code, resp->body, resp->body_len,
                       dv_http_resp_header(resp, "x-amzn-ErrorType"),
                       dv_http_resp_header(resp, "x-amzn-RequestId"), &e);
    snprintf(r->code, sizeof(r->code), "%s", e.code);
    snprintf(r->message, sizeof(r->message), "%s", e.message);
    snprintf(r->request_id, sizeof(r->request_id), "%s", e.request_id);
    if (!r->message[0]) { /* OIDC: {"error": ..., "error_description": ...} */
      json_t *doc = json_loadb(resp->body, resp->body_len, 0, NULL);
      const char *d =
          json_string_value(json_object_get(doc, "error_description"));
      if (d)
        dv_text_escape(d, strlen(d), r->message, sizeof(r->message));
      json_decref(doc);
    }
  }
  if (!r->request_id[0]) {
    const char *h = dv_http_resp_header(resp, "x-amzn-RequestId");
    if (h)
      dv_text_escape(h, strlen(h), r->request_id, sizeof(r->request_id));
  }
}

void dv_sts_reply_parse(dv_sts_reply_kind kind, const dv_http_resp *resp,
                        dv_sts_cb cb, void *arg)
{
  call *c = calloc(1, sizeof(*c));
  if (!c)
    return;
  c->kind = kind == DV_STS_REPLY_SSO    ? KIND_SSO
            : kind == DV_STS_REPLY_OIDC ? KIND_OIDC
                                        : KIND_STS;
  c->res.http_code = resp->code;
  if (resp->code >= 200 && resp->code < 300)
    parse_success(c, resp);
  else {
    parse_error(c, resp);
    c->res.status = DV_STS_API_ERROR;
  }
  cb(arg, &c->res);
  call_free(c);
}

static void http_done(void *arg, const dv_http_resp *resp)
{
  call *c = arg;
  dv_acm_retry_class rc;
  c->res.http_code = resp->code;
  if (resp->status == DV_HTTP_CANCELLED ||
      (resp->status == DV_HTTP_TIMEOUT && c->clipped)) {
    c->res.status = DV_STS_CANCELLED;
    snprintf(c->res.detail, sizeof(c->res.detail), "the run's deadline passed");
    call_finish(c);
    return;
  }
  if (resp->status == DV_HTTP_OK && resp->code >= 200 && resp->code < 300) {
    parse_success(c, resp);
    call_finish(c);
    return;
  }
  c->res.code[0] = c->res.message[0] = '\0';
  if (resp->status == DV_HTTP_OK)
    parse_error(c, resp);
  else
    snprintf(c->res.detail, sizeof(c->res.detail), "%s%s%.200s",
             dv_http_status_str(resp->status), resp->error[0] ? ": " : "",
             resp->error);
  rc = dv_acm_retry_classify(resp->status, resp->code, c->res.code);
  if (rc != DV_ACM_RETRY_NO && c->attempt < c->max_attempts) {
    int64_t delay = dv_acm_backoff_ms((unsigned)c->attempt, dv_aws_jitter01());
    int64_t left = dv_loop_deadline_left_ms(c->loop);
    if (left < 0 || delay + 50 < left) {
      dv_loop_timer_arm(c->loop, &c->timer, delay, attempt_send, c);
      return;
    }
  }
  c->res.status =
      resp->status == DV_HTTP_OK ? DV_STS_API_ERROR : DV_STS_TRANSPORT;
  call_finish(c);
}

static call *call_new(dv_loop *loop, dv_http *http, const dv_sts_opts *o,
                      call_kind kind, dv_sts_cb cb, void *arg)
{
  call *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->loop = loop;
  c->http = http;
  c->cb = cb;
  c->arg = arg;
  c->kind = kind;
  c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT;
  c->max_attempts = o->max_attempts > 0 ? o->max_attempts : 3;
  if (o->cainfo && *o->cainfo && !(c->cainfo = strdup(o->cainfo))) {
    free(c);
    return NULL;
  }
  return c;
}

static void call_start(call *c)
{
  dv_loop_ref(c->loop);
  dv_loop_timer_arm(c->loop, &c->timer, 0, attempt_send, c);
}

/* form "k=v&k=v" of the non-NULL pairs, values encoded */
static char *form(const char *const *kv, size_t n)
{
  size_t cap = 1, len = 0;
  char *out = NULL;
  for (size_t i = 0; i + 1 < n; i += 2) {
    char *v;
    size_t need;
    char *no;
    if (!kv[i + 1])
      continue;
    v = dv_aws_uri_encode(kv[i + 1]);
    if (!v)
      goto fail;
    need = len + strlen(kv[i]) + strlen(v) + 3;
    if (need > cap) {
      cap = need * 2;
      no = malloc(cap);
      if (!no) {
        wipe_free(v);
        goto fail;
      }
      if (out) {
        memcpy(no, out, len + 1);
        dv_secret_wipe(out, len);
        free(out);
      } else
        no[0] = '\0';
      out = no;
    }
    len += (size_t)sprintf(out + len, "%s%s=%s", len ? "&" : "", kv[i], v);
    wipe_free(v);
  }
  return out ? out : strdup("");
fail:
  wipe_free(out);
  return NULL;
}

int dv_sts_assume_role(dv_loop *loop, dv_http *http, const dv_sts_opts *o,
                       const dv_sts_assume_args *a, dv_sts_cb cb, void *arg)
{
  char host[300], path[600], dur[24];
  call *c;
  const char *kv[20];
  size_t n = 0;
  int web = a->web_identity != NULL;

  if (!o->endpoint ||
      split_url(o->endpoint, host, sizeof(host), path, sizeof(path)) < 0 ||
      !a->role_arn || !a->session_name)
    return -1;
  if (!web && (!o->access_key_id || !o->secret_access_key || !o->region))
    return -1;
  c = call_new(loop, http, o, KIND_STS, cb, arg);
  if (!c)
    return -1;
  kv[n++] = "Action";
  kv[n++] = web ? "AssumeRoleWithWebIdentity" : "AssumeRole";
  kv[n++] = "Version";
  kv[n++] = STS_VERSION;
  kv[n++] = "RoleArn";
  kv[n++] = a->role_arn;
  kv[n++] = "RoleSessionName";
  kv[n++] = a->session_name;
  if (web) {
    kv[n++] = "WebIdentityToken";
    kv[n++] = a->web_identity;
  }
  if (a->duration_seconds > 0) {
    snprintf(dur, sizeof(dur), "%ld", a->duration_seconds);
    kv[n++] = "DurationSeconds";
    kv[n++] = dur;
  }
  if (!web) {
    kv[n++] = "ExternalId";
    kv[n++] = a->external_id;
    kv[n++] = "SerialNumber";
    kv[n++] = a->serial;
    kv[n++] = "TokenCode";
    kv[n++] = a->token_code;
  }
  c->body = form(kv, n);
  if (!c->body || !(c->url = strdup(o->endpoint)))
    goto fail;
  if (add_header(c, "Content-Type",
                 "application/x-www-form-urlencoded; charset=utf-8") < 0 ||
      add_header(c, "Host", host) < 0 || add_header(c, "Expect", NULL) < 0)
    goto fail;
  if (!web) {
    dv_sigv4_request sreq;
    dv_sigv4_params sp;
    dv_sigv4_result sig;
    dv_http_header sh[2] = {
        {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
        {"Host", host}};
    memset(&sreq, 0, sizeof(sreq));
    memset(&sp, 0, sizeof(sp));
    memset(&sig, 0, sizeof(sig));
    sreq.method = "POST";
    sreq.path = path;
    sreq.headers = sh;
    sreq.nheaders = 2;
    sreq.body = (const unsigned char *)c->body;
    sreq.body_len = strlen(c->body);
    sp.access_key_id = o->access_key_id;
    sp.secret_access_key = o->secret_access_key;
    sp.session_token = o->session_token;
    sp.region = o->region;
    sp.service = "sts";
    sp.when = time(NULL);
    sp.normalize_path = 1;
    if (dv_sigv4_sign(&sreq, &sp, &sig) != DV_SIGV4_OK) {
      dv_sigv4_result_free(&sig);
      goto fail;
    }
    if (add_header(c, "X-Amz-Date", sig.amz_date) < 0 ||
        add_header(c, "Authorization", sig.authorization) < 0 ||
        (o->session_token && *o->session_token &&
         add_header(c, "X-Amz-Security-Token", o->session_token) < 0)) {
      dv_sigv4_result_free(&sig);
      goto fail;
    }
    dv_sigv4_result_free(&sig);
  }
  call_start(c);
  return 0;
fail:
  call_free(c);
  return -1;
}

int dv_sso_get_role_credentials(dv_loop *loop, dv_http *http,
                                const dv_sts_opts *o, const char *account_id,
                                const char *role_name, const char *access_token,
                                dv_sts_cb cb, void *arg)
{
  char host[300], path[600];
  char *ea = NULL, *er = NULL;
  call *c;
  if (!o->endpoint ||
      split_url(o->endpoint, host, sizeof(host), path, sizeof(path)) < 0 ||
      !account_id || !role_name || !access_token ||
      strpbrk(access_token, "\r\n"))
    return -1;
  c = call_new(loop, http, o, KIND_SSO, cb, arg);
  if (!c)
    return -1;
  ea = dv_aws_uri_encode(account_id);
  er = dv_aws_uri_encode(role_name);
  if (!ea || !er ||
      asprintf(&c->url, "%s%sfederation/credentials?account_id=%s&role_name=%s",
               o->endpoint,
               o->endpoint[strlen(o->endpoint) - 1] == '/' ? "" : "/", ea,
               er) < 0) {
    c->url = NULL;
    goto fail;
  }
  if (add_header(c, "Host", host) < 0 ||
      add_header(c, "x-amz-sso_bearer_token", access_token) < 0)
    goto fail;
  free(ea);
  free(er);
  call_start(c);
  return 0;
fail:
  free(ea);
  free(er);
  call_free(c);
  return -1;
}

/* A JSON string's escaped form appended at out+*o (out has room: 6x). */
static void json_esc(const char *s, char *out, size_t *o)
{
  out[(*o)++] = '"';
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      out[(*o)++] = '\\';
      out[(*o)++] = (char)c;
    } else if (c < 0x20)
      *o += (size_t)sprintf(out + *o, "\\u%04x", c);
    else
      out[(*o)++] = (char)c;
  }
  out[(*o)++] = '"';
  out[*o] = '\0';
}

/* The CreateToken body, built here so no library keeps a copy of the
 * secrets in it. */
static char *oidc_body(const char *id, const char *secret, const char *rt)
{
  size_t cap = 6 * (strlen(id) + strlen(secret) + strlen(rt)) + 200, o = 0;
  char *b = malloc(cap);
  if (!b)
    return NULL;
  o += (size_t)sprintf(b, "{\"clientId\":");
  json_esc(id, b, &o);
  o += (size_t)sprintf(b + o, ",\"clientSecret\":");
  json_esc(secret, b, &o);
  o += (size_t)sprintf(b + o,
                       ",\"grantType\":\"refresh_token\",\"refreshToken\":");
  json_esc(rt, b, &o);
  b[o++] = '}';
  b[o] = '\0';
  return b;
}

int dv_ssooidc_create_token(dv_loop *loop, dv_http *http, const dv_sts_opts *o,
                            const char *client_id, const char *client_secret,
                            const char *refresh_token, dv_sts_cb cb, void *arg)
{
  char host[300], path[600];
  call *c;
  if (!o->endpoint ||
      split_url(o->endpoint, host, sizeof(host), path, sizeof(path)) < 0 ||
      !client_id || !client_secret || !refresh_token)
    return -1;
  c = call_new(loop, http, o, KIND_OIDC, cb, arg);
  if (!c)
    return -1;
  c->body = oidc_body(client_id, client_secret, refresh_token);
  if (!c->body ||
      asprintf(&c->url, "%s%stoken", o->endpoint,
               o->endpoint[strlen(o->endpoint) - 1] == '/' ? "" : "/") < 0) {
    c->url = NULL;
    goto fail;
  }
  if (add_header(c, "Content-Type", "application/json") < 0 ||
      add_header(c, "Host", host) < 0 || add_header(c, "Expect", NULL) < 0)
    goto fail;
  call_start(c);
  return 0;
fail:
  call_free(c);
  return -1;
}
