/* dvcheck -- AWS Signature Version 4 request signing (see aws_sigv4.h).
 *
 * References: the AWS "Create a signed AWS API request" guide and the
 * official SigV4 test suite (awslabs/aws-c-auth tests/aws-signing-test-suite).
 */
#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "aws/aws_sigv4.h"
#include "base/buf.h"
#include "base/secret.h"

#define SIGV4_ALGORITHM   "AWS4-HMAC-SHA256"
#define SIGV4_TERMINATOR  "aws4_request"
#define SIGV4_REDACTED    "<redacted>"
#define SIGV4_MAX_EXPIRES 604800UL /* 7 days, the service limit */

static const char *const sigv4_status_str[] = {
    [DV_SIGV4_OK] = "ok",
    [DV_SIGV4_E_INVALID_ARG] = "invalid argument to the SigV4 signer",
    [DV_SIGV4_E_BAD_CREDENTIALS] =
        "bad character in key id/region/service/token",
    [DV_SIGV4_E_BAD_METHOD] = "HTTP method is not a valid token",
    [DV_SIGV4_E_BAD_HEADER] = "invalid HTTP header name or value",
    [DV_SIGV4_E_RESERVED_HEADER] =
        "request already has a header or query parameter the signer sets",
    [DV_SIGV4_E_NO_HOST] = "request has no Host header",
    [DV_SIGV4_E_TIME] = "signing time cannot be represented",
    [DV_SIGV4_E_CRYPTO] = "OpenSSL failure while signing",
    [DV_SIGV4_E_NOMEM] = "out of memory"};

const char *dv_sigv4_status_str(dv_sigv4_status st)
{
  if ((size_t)st < sizeof(sigv4_status_str) / sizeof(sigv4_status_str[0]) &&
      sigv4_status_str[st])
    return sigv4_status_str[st];
  return "unknown";
}

/* The strings built here may hold the session token: secret buffers (wiped
 * on growth and release). */
#define SB_INIT                                                                \
  {                                                                            \
    .flags = DV_BUF_SECRET                                                     \
  }

/* ---- character classes and encoding ------------------------------------- */

static int is_unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

/* RFC 7230 tchar */
static int is_tchar(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static int hexval(unsigned char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* URI-encode per SigV4: unreserved bytes as-is, '/' as-is when keep_slash,
 * everything else %XX with upper-case hex. */
static int sb_add_encoded(dv_buf *b, const char *s, size_t n, int keep_slash)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      if (dv_buf_appendc(b, (char)c))
        return -1;
    } else {
      char e[3];
      e[0] = '%';
      e[1] = hex[c >> 4];
      e[2] = hex[c & 0x0f];
      if (dv_buf_append(b, e, 3))
        return -1;
    }
  }
  return 0;
}

/* Percent-decode n bytes of s into b ('+' is literal; a '%' not followed by
 * two hex digits is literal). */
static int sb_add_decoded(dv_buf *b, const char *s, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++) {
    int hi, lo;
    if (s[i] == '%' && i + 2 < n &&
        (hi = hexval((unsigned char)s[i + 1])) >= 0 &&
        (lo = hexval((unsigned char)s[i + 2])) >= 0) {
      if (dv_buf_appendc(b, (char)(hi * 16 + lo)))
        return -1;
      i += 2;
    } else if (dv_buf_appendc(b, s[i]))
      return -1;
  }
  return 0;
}

/* Decode then re-encode s[0..n): the canonical form of a query component. */
static char *canonical_component(const char *s, size_t n)
{
  dv_buf dec = SB_INIT, enc = SB_INIT;
  char *r = NULL;
  if (sb_add_decoded(&dec, s, n) || dv_buf_reserve(&dec, 0))
    goto out;
  if (sb_add_encoded(&enc, dec.p, dec.len, 0))
    goto out;
  r = dv_buf_detach(&enc, NULL);
out:
  dv_buf_free(&dec);
  dv_buf_free(&enc);
  return r;
}

/* ---- hashing ------------------------------------------------------------- */

static void to_hex(const unsigned char *in, size_t n, char *out)
{
  static const char hex[] = "0123456789abcdef";
  size_t i;
  for (i = 0; i < n; i++) {
    out[2 * i] = hex[in[i] >> 4];
    out[2 * i + 1] = hex[in[i] & 0x0f];
  }
  out[2 * n] = '\0';
}

int dv_sigv4_sha256_hex(const void *data, size_t len, char hex[65])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  static const unsigned char empty = 0;
  if (!data)
    data = &empty;
  if (!EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
    return -1;
  to_hex(md, 32, hex);
  return 0;
}

static int hmac256(const unsigned char *key, size_t keylen, const char *data,
                   size_t datalen, unsigned char out[32])
{
  unsigned int outlen = 0;
  if (keylen > INT_MAX)
    return -1;
  if (!HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)data,
            datalen, out, &outlen) ||
      outlen != 32)
    return -1;
  return 0;
}

/* ---- path ---------------------------------------------------------------- */

/* Remove empty, "." and ".." segments (RFC 3986 section 5.2.4 semantics as
 * the suite applies them); keep a trailing slash if the input had one. */
static int normalize_path(const char *path, dv_buf *out)
{
  size_t plen = strlen(path), nseg = 0, i, start;
  size_t *seg_off = NULL, *seg_len = NULL;
  int rc = -1;

  seg_off = malloc((plen / 2 + 2) * sizeof(*seg_off));
  seg_len = malloc((plen / 2 + 2) * sizeof(*seg_len));
  if (!seg_off || !seg_len)
    goto out;

  for (start = 0; start <= plen;) {
    size_t end = start;
    while (end < plen && path[end] != '/')
      end++;
    if (end - start == 0 || (end - start == 1 && path[start] == '.')) {
      /* skip */
    } else if (end - start == 2 && path[start] == '.' &&
               path[start + 1] == '.') {
      if (nseg)
        nseg--;
    } else {
      seg_off[nseg] = start;
      seg_len[nseg] = end - start;
      nseg++;
    }
    start = end + 1;
  }

  if (dv_buf_appendc(out, '/'))
    goto out;
  for (i = 0; i < nseg; i++) {
    if (i && dv_buf_appendc(out, '/'))
      goto out;
    if (dv_buf_append(out, path + seg_off[i], seg_len[i]))
      goto out;
  }
  if (nseg && plen && path[plen - 1] == '/' && dv_buf_appendc(out, '/'))
    goto out;
  rc = 0;
out:
  free(seg_off);
  free(seg_len);
  return rc;
}

static int canonical_uri(const dv_sigv4_params *p, const char *path,
                         dv_buf *out)
{
  dv_buf norm = SB_INIT;
  int rc = -1;
  if (!path || !*path)
    path = "/";
  if (p->normalize_path) {
    if (normalize_path(path, &norm))
      goto out;
  } else if (dv_buf_appends(&norm, path))
    goto out;
  if (p->no_double_uri_encode)
    rc = dv_buf_append(out, norm.p, norm.len);
  else
    rc = sb_add_encoded(out, norm.p, norm.len, 1);
out:
  dv_buf_free(&norm);
  return rc;
}

/* ---- query --------------------------------------------------------------- */

typedef struct {
  char *key;   /* canonical (encoded) */
  char *value; /* canonical (encoded) */
  int secret;  /* the session token: redacted in the loggable copy */
} qparam;

typedef struct {
  qparam *v;
  size_t n;
  size_t cap;
} qlist;

static int ql_push(qlist *q, char *key, char *value, int secret)
{
  if (!key || !value)
    goto fail;
  if (q->n == q->cap) {
    size_t ncap = q->cap ? q->cap * 2 : 16;
    qparam *nv;
    if (ncap > SIZE_MAX / sizeof(*nv))
      goto fail;
    nv = realloc(q->v, ncap * sizeof(*nv));
    if (!nv)
      goto fail;
    q->v = nv;
    q->cap = ncap;
  }
  q->v[q->n].key = key;
  q->v[q->n].value = value;
  q->v[q->n].secret = secret;
  q->n++;
  return 0;
fail:
  dv_secret_free(key);
  dv_secret_free(value);
  return -1;
}

static void ql_free(qlist *q)
{
  size_t i;
  for (i = 0; i < q->n; i++) {
    dv_secret_free(q->v[i].key);
    dv_secret_free(q->v[i].value);
  }
  free(q->v);
  q->v = NULL;
  q->n = q->cap = 0;
}

static int qparam_cmp(const void *a, const void *b)
{
  const qparam *x = a, *y = b;
  int c = strcmp(x->key, y->key);
  return c ? c : strcmp(x->value, y->value);
}

/* Parse the caller's raw query; reject X-Amz-* auth parameters when
 * presigning. Returns a status. */
static dv_sigv4_status parse_query(const char *query, int presign, qlist *q)
{
  static const char *const reserved[] = {
      "X-Amz-Algorithm", "X-Amz-Credential",    "X-Amz-Date",
      "X-Amz-Expires",   "X-Amz-SignedHeaders", "X-Amz-Security-Token",
      "X-Amz-Signature"};
  const char *s = query;
  if (!s)
    return DV_SIGV4_OK;
  while (*s) {
    const char *amp = strchr(s, '&');
    size_t n = amp ? (size_t)(amp - s) : strlen(s);
    if (n) {
      const char *eq = memchr(s, '=', n);
      size_t klen = eq ? (size_t)(eq - s) : n;
      char *k = canonical_component(s, klen);
      char *v = eq ? canonical_component(eq + 1, n - klen - 1)
                   : canonical_component("", 0);
      size_t i;
      if (k && presign) {
        for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
          if (!strcmp(k, reserved[i])) {
            dv_secret_free(k);
            dv_secret_free(v);
            return DV_SIGV4_E_RESERVED_HEADER;
          }
        }
      }
      if (ql_push(q, k, v, 0))
        return DV_SIGV4_E_NOMEM;
    }
    if (!amp)
      break;
    s = amp + 1;
  }
  return DV_SIGV4_OK;
}

static int ql_push_plain(qlist *q, const char *key, const char *value,
                         int secret)
{
  return ql_push(q, canonical_component(key, strlen(key)),
                 canonical_component(value, strlen(value)), secret);
}

/* ---- headers ------------------------------------------------------------- */

typedef struct {
  char *name;  /* lower case */
  char *value; /* trimmed, whitespace runs collapsed */
  size_t idx;  /* original order: duplicates keep it */
  int secret;
} hdr;

typedef struct {
  hdr *v;
  size_t n;
} hlist;

static void hl_free(hlist *h)
{
  size_t i;
  for (i = 0; i < h->n; i++) {
    dv_secret_free(h->v[i].name);
    dv_secret_free(h->v[i].value);
  }
  free(h->v);
  h->v = NULL;
  h->n = 0;
}

static int hdr_cmp(const void *a, const void *b)
{
  const hdr *x = a, *y = b;
  int c = strcmp(x->name, y->name);
  if (c)
    return c;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int is_lws(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Lower-case name; NULL on allocation failure, *bad set if not a token. */
static char *lower_name(const char *name, int *bad)
{
  size_t n = strlen(name), i;
  char *r;
  *bad = (n == 0);
  for (i = 0; i < n; i++)
    if (!is_tchar((unsigned char)name[i]))
      *bad = 1;
  r = malloc(n + 1);
  if (!r)
    return NULL;
  for (i = 0; i < n; i++) {
    char c = name[i];
    r[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
  }
  r[n] = '\0';
  return r;
}

/* Trim, fold obs-fold continuation lines and collapse whitespace runs into a
 * single space. *bad is set for a CR/LF that is not a fold (header
 * injection) or other control characters. */
static char *canonical_value(const char *v, int *bad)
{
  size_t n = strlen(v), i, o = 0;
  int pending_space = 0;
  char *r = malloc(n + 1);
  *bad = 0;
  if (!r)
    return NULL;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)v[i];
    if (c == '\r' && v[i + 1] != '\n')
      *bad = 1;
    if (c == '\n' && v[i + 1] != ' ' && v[i + 1] != '\t')
      *bad = 1;
    if (is_lws((char)c)) {
      if (o)
        pending_space = 1;
      continue;
    }
    if (c < 0x20 || c == 0x7f)
      *bad = 1;
    if (pending_space) {
      r[o++] = ' ';
      pending_space = 0;
    }
    r[o++] = (char)c;
  }
  r[o] = '\0';
  return r;
}

static int name_in(const char *name, const char *const *list, size_t n)
{
  size_t i;
  for (i = 0; i < n; i++)
    if (!strcmp(name, list[i]))
      return 1;
  return 0;
}

static dv_sigv4_status hl_add(hlist *h, const char *lname, const char *value,
                              int secret)
{
  char *n = NULL, *v = NULL;
  int bad = 0; /* internal names and values: known good */
  n = lower_name(lname, &bad);
  if (!n)
    goto nomem;
  v = canonical_value(value, &bad);
  if (!v)
    goto nomem;
  h->v[h->n].name = n;
  h->v[h->n].value = v;
  h->v[h->n].idx = h->n;
  h->v[h->n].secret = secret;
  h->n++;
  return DV_SIGV4_OK;
nomem:
  dv_secret_free(n);
  dv_secret_free(v);
  return DV_SIGV4_E_NOMEM;
}

/* Collect the headers to sign, plus the ones the signer adds. */
static dv_sigv4_status collect_headers(const dv_sigv4_request *req,
                                       const dv_sigv4_params *p,
                                       const char *amz_date,
                                       const char *payload_hash, hlist *h)
{
  static const char *const unsigned_names[] = {
      "user-agent",           "x-amzn-trace-id",
      "connection",           "upgrade",
      "sec-websocket-key",    "sec-websocket-protocol",
      "sec-websocket-version"};
  static const char *const reserved[] = {"authorization", "x-amz-date",
                                         "x-amz-security-token"};
  const int has_token = p->session_token && *p->session_token;
  size_t i;
  int have_host = 0;
  dv_sigv4_status st;

  if (req->nheaders > SIZE_MAX / sizeof(hdr) - 3)
    return DV_SIGV4_E_INVALID_ARG;
  h->v = calloc(req->nheaders + 3, sizeof(hdr));
  if (!h->v)
    return DV_SIGV4_E_NOMEM;

  for (i = 0; i < req->nheaders; i++) {
    const dv_http_header *src = &req->headers[i];
    char *n;
    char *v;
    int bad_name = 0, bad_value = 0;
    if (!src->name || !src->value)
      return DV_SIGV4_E_INVALID_ARG;
    n = lower_name(src->name, &bad_name);
    if (!n)
      return DV_SIGV4_E_NOMEM;
    if (bad_name) {
      free(n);
      return DV_SIGV4_E_BAD_HEADER;
    }
    if (name_in(n, reserved, sizeof(reserved) / sizeof(reserved[0])) ||
        (p->add_content_sha256 && !p->presign &&
         !strcmp(n, "x-amz-content-sha256"))) {
      free(n);
      return DV_SIGV4_E_RESERVED_HEADER;
    }
    if (!strcmp(n, "host"))
      have_host = 1;
    if (name_in(n, unsigned_names,
                sizeof(unsigned_names) / sizeof(unsigned_names[0]))) {
      free(n);
      continue;
    }
    v = canonical_value(src->value, &bad_value);
    if (!v) {
      free(n);
      return DV_SIGV4_E_NOMEM;
    }
    if (bad_value) {
      free(n);
      dv_secret_free(v);
      return DV_SIGV4_E_BAD_HEADER;
    }
    h->v[h->n].name = n;
    h->v[h->n].value = v;
    h->v[h->n].idx = h->n;
    h->v[h->n].secret = 0;
    h->n++;
  }
  if (!have_host)
    return DV_SIGV4_E_NO_HOST;

  if (!p->presign) {
    st = hl_add(h, "x-amz-date", amz_date, 0);
    if (st)
      return st;
    if (has_token && !p->omit_session_token_from_signature) {
      st = hl_add(h, "x-amz-security-token", p->session_token, 1);
      if (st)
        return st;
    }
    if (p->add_content_sha256) {
      st = hl_add(h, "x-amz-content-sha256", payload_hash, 0);
      if (st)
        return st;
    }
  }
  qsort(h->v, h->n, sizeof(hdr), hdr_cmp);
  return DV_SIGV4_OK;
}

static int signed_headers(const hlist *h, dv_buf *out)
{
  size_t i;
  for (i = 0; i < h->n; i++) {
    if (i && !strcmp(h->v[i].name, h->v[i - 1].name))
      continue;
    if (i && dv_buf_appendc(out, ';'))
      return -1;
    if (dv_buf_appends(out, h->v[i].name))
      return -1;
  }
  return 0;
}

/* ---- canonical request --------------------------------------------------- */

static int build_canonical(const char *method, const dv_buf *uri,
                           const qlist *q, const hlist *h,
                           const dv_buf *signed_hdrs, const char *payload_hash,
                           int redact, dv_buf *out)
{
  size_t i;
  if (dv_buf_appends(out, method) || dv_buf_appendc(out, '\n') ||
      dv_buf_append(out, uri->p, uri->len) || dv_buf_appendc(out, '\n'))
    return -1;
  for (i = 0; i < q->n; i++) {
    if ((i && dv_buf_appendc(out, '&')) || dv_buf_appends(out, q->v[i].key) ||
        dv_buf_appendc(out, '=') ||
        dv_buf_appends(out, (redact && q->v[i].secret) ? SIGV4_REDACTED
                                                       : q->v[i].value))
      return -1;
  }
  if (dv_buf_appendc(out, '\n'))
    return -1;
  for (i = 0; i < h->n; i++) {
    const char *v = (redact && h->v[i].secret) ? SIGV4_REDACTED : h->v[i].value;
    if (i && !strcmp(h->v[i].name, h->v[i - 1].name)) {
      if (dv_buf_appendc(out, ',') || dv_buf_appends(out, v))
        return -1;
      continue;
    }
    if ((i && dv_buf_appendc(out, '\n')) || dv_buf_appends(out, h->v[i].name) ||
        dv_buf_appendc(out, ':') || dv_buf_appends(out, v))
      return -1;
  }
  if (dv_buf_appends(out, "\n\n") ||
      dv_buf_append(out, signed_hdrs->p, signed_hdrs->len) ||
      dv_buf_appendc(out, '\n') || dv_buf_appends(out, payload_hash))
    return -1;
  return 0;
}

/* ---- validation ---------------------------------------------------------- */

/* Scope parts and the key id go into "Credential=a/b/c/d, ..." unquoted. */
static int scope_part_ok(const char *s)
{
  if (!s || !*s)
    return 0;
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c <= 0x20 || c >= 0x7f || c == '/' || c == ',' || c == ';' || c == '=')
      return 0;
  }
  return 1;
}

static int token_ok(const char *s)
{
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c < 0x20 || c == 0x7f)
      return 0;
  }
  return 1;
}

static int method_ok(const char *m)
{
  if (!m || !*m)
    return 0;
  for (; *m; m++)
    if (!is_tchar((unsigned char)*m))
      return 0;
  return 1;
}

/* ---- signing ------------------------------------------------------------- */

static dv_sigv4_status derive_and_sign(const dv_sigv4_params *p,
                                       const char *date8, const char *sts,
                                       char sig_hex[65])
{
  unsigned char k1[32], k2[32];
  unsigned char *ksecret = NULL;
  size_t slen = strlen(p->secret_access_key);
  dv_sigv4_status st = DV_SIGV4_E_CRYPTO;

  if (slen > SIZE_MAX - 4)
    return DV_SIGV4_E_INVALID_ARG;
  ksecret = malloc(slen + 4);
  if (!ksecret)
    return DV_SIGV4_E_NOMEM;
  memcpy(ksecret, "AWS4", 4);
  memcpy(ksecret + 4, p->secret_access_key, slen);

  /* kDate -> kRegion -> kService -> kSigning -> signature */
  if (hmac256(ksecret, slen + 4, date8, strlen(date8), k1) ||
      hmac256(k1, 32, p->region, strlen(p->region), k2) ||
      hmac256(k2, 32, p->service, strlen(p->service), k1) ||
      hmac256(k1, 32, SIGV4_TERMINATOR, strlen(SIGV4_TERMINATOR), k2) ||
      hmac256(k2, 32, sts, strlen(sts), k1))
    goto out;
  to_hex(k1, 32, sig_hex);
  st = DV_SIGV4_OK;
out:
  dv_secret_wipe(ksecret, slen + 4);
  free(ksecret);
  dv_secret_wipe(k1, sizeof(k1));
  dv_secret_wipe(k2, sizeof(k2));
  return st;
}

void dv_sigv4_result_free(dv_sigv4_result *r)
{
  if (!r)
    return;
  dv_secret_free(r->canonical_request);
  dv_secret_free(r->canonical_request_redacted);
  dv_secret_free(r->string_to_sign);
  dv_secret_free(r->authorization);
  dv_secret_free(r->presigned_query);
  dv_secret_wipe(r, sizeof(*r));
  memset(r, 0, sizeof(*r));
}

#define CHECK_MEM(x)                                                           \
  do {                                                                         \
    if (x) {                                                                   \
      st = DV_SIGV4_E_NOMEM;                                                   \
      goto out;                                                                \
    }                                                                          \
  } while (0)

dv_sigv4_status dv_sigv4_sign(const dv_sigv4_request *req,
                              const dv_sigv4_params *p, dv_sigv4_result *out)
{
  dv_sigv4_status st = DV_SIGV4_E_NOMEM;
  struct tm tm;
  char date8[9];
  char expires[24];
  int has_token;
  dv_buf uri = SB_INIT, shdrs = SB_INIT, cr = SB_INIT, crr = SB_INIT,
         sts = SB_INIT, scope = SB_INIT;
  dv_buf cred = SB_INIT, auth = SB_INIT, pq = SB_INIT;
  char cr_hash[65] = "";
  qlist q = {0};
  hlist h = {0};

  if (!out)
    return DV_SIGV4_E_INVALID_ARG;
  memset(out, 0, sizeof(*out));
  if (!req || !p || !req->method || !p->access_key_id ||
      !p->secret_access_key || !*p->secret_access_key || !p->region ||
      !p->service || (req->nheaders && !req->headers) ||
      (req->body_len && !req->body))
    return DV_SIGV4_E_INVALID_ARG;
  if (p->presign && (p->expires < 1 || p->expires > SIGV4_MAX_EXPIRES))
    return DV_SIGV4_E_INVALID_ARG;
  if (!method_ok(req->method))
    return DV_SIGV4_E_BAD_METHOD;
  has_token = p->session_token && *p->session_token;
  if (!scope_part_ok(p->access_key_id) || !scope_part_ok(p->region) ||
      !scope_part_ok(p->service) || (has_token && !token_ok(p->session_token)))
    return DV_SIGV4_E_BAD_CREDENTIALS;

  /* dates */
  if (!gmtime_r(&p->when, &tm) || strftime(out->amz_date, sizeof(out->amz_date),
                                           "%Y%m%dT%H%M%SZ", &tm) != 16)
    return DV_SIGV4_E_TIME;
  memcpy(date8, out->amz_date, 8);
  date8[8] = '\0';

  /* hashed payload */
  if (dv_sigv4_sha256_hex(req->body, req->body_len, out->payload_hash)) {
    st = DV_SIGV4_E_CRYPTO;
    goto out;
  }

  /* canonical URI */
  CHECK_MEM(canonical_uri(p, req->path, &uri));

  /* canonical headers and signed headers */
  st = collect_headers(req, p, out->amz_date, out->payload_hash, &h);
  if (st)
    goto out;
  CHECK_MEM(signed_headers(&h, &shdrs) || dv_buf_reserve(&shdrs, 0));

  /* credential scope */
  CHECK_MEM(dv_buf_appends(&scope, date8) || dv_buf_appendc(&scope, '/') ||
            dv_buf_appends(&scope, p->region) || dv_buf_appendc(&scope, '/') ||
            dv_buf_appends(&scope, p->service) || dv_buf_appendc(&scope, '/') ||
            dv_buf_appends(&scope, SIGV4_TERMINATOR));
  CHECK_MEM(dv_buf_appends(&cred, p->access_key_id) ||
            dv_buf_appendc(&cred, '/') ||
            dv_buf_append(&cred, scope.p, scope.len));

  /* canonical query string */
  st = parse_query(req->query, p->presign, &q);
  if (st)
    goto out;
  snprintf(expires, sizeof(expires), "%lu", p->expires);
  if (p->presign) {
    CHECK_MEM(ql_push_plain(&q, "X-Amz-Algorithm", SIGV4_ALGORITHM, 0) ||
              ql_push_plain(&q, "X-Amz-Credential", cred.p, 0) ||
              ql_push_plain(&q, "X-Amz-Date", out->amz_date, 0) ||
              ql_push_plain(&q, "X-Amz-Expires", expires, 0) ||
              ql_push_plain(&q, "X-Amz-SignedHeaders", shdrs.p, 0));
    if (has_token && !p->omit_session_token_from_signature)
      CHECK_MEM(ql_push_plain(&q, "X-Amz-Security-Token", p->session_token, 1));
  }
  if (q.n)
    qsort(q.v, q.n, sizeof(qparam), qparam_cmp);

  /* canonical request, and a copy safe to log */
  CHECK_MEM(build_canonical(req->method, &uri, &q, &h, &shdrs,
                            out->payload_hash, 0, &cr));
  CHECK_MEM(build_canonical(req->method, &uri, &q, &h, &shdrs,
                            out->payload_hash, 1, &crr));
  if (dv_sigv4_sha256_hex(cr.p, cr.len, cr_hash)) {
    st = DV_SIGV4_E_CRYPTO;
    goto out;
  }

  /* string to sign */
  CHECK_MEM(dv_buf_appends(&sts, SIGV4_ALGORITHM "\n") ||
            dv_buf_appends(&sts, out->amz_date) || dv_buf_appendc(&sts, '\n') ||
            dv_buf_append(&sts, scope.p, scope.len) ||
            dv_buf_appendc(&sts, '\n') || dv_buf_appends(&sts, cr_hash));

  /* signature */
  st = derive_and_sign(p, date8, sts.p, out->signature);
  if (st)
    goto out;

  if (p->presign) {
    /* same parameter order as aws-c-auth; the caller's query first */
    if (req->query && *req->query)
      CHECK_MEM(dv_buf_appends(&pq, req->query) || dv_buf_appendc(&pq, '&'));
    CHECK_MEM(dv_buf_appends(&pq, "X-Amz-Algorithm=" SIGV4_ALGORITHM
                                  "&X-Amz-Credential=") ||
              sb_add_encoded(&pq, cred.p, cred.len, 0) ||
              dv_buf_appends(&pq, "&X-Amz-Date=") ||
              dv_buf_appends(&pq, out->amz_date) ||
              dv_buf_appends(&pq, "&X-Amz-SignedHeaders=") ||
              sb_add_encoded(&pq, shdrs.p, shdrs.len, 0) ||
              dv_buf_appends(&pq, "&X-Amz-Expires=") ||
              dv_buf_appends(&pq, expires));
    if (has_token)
      CHECK_MEM(
          dv_buf_appends(&pq, "&X-Amz-Security-Token=") ||
          sb_add_encoded(&pq, p->session_token, strlen(p->session_token), 0));
    CHECK_MEM(dv_buf_appends(&pq, "&X-Amz-Signature=") ||
              dv_buf_appends(&pq, out->signature));
  } else {
    CHECK_MEM(dv_buf_appends(&auth, SIGV4_ALGORITHM " Credential=") ||
              dv_buf_append(&auth, cred.p, cred.len) ||
              dv_buf_appends(&auth, ", SignedHeaders=") ||
              dv_buf_append(&auth, shdrs.p, shdrs.len) ||
              dv_buf_appends(&auth, ", Signature=") ||
              dv_buf_appends(&auth, out->signature));
  }

  out->canonical_request = dv_buf_detach(&cr, NULL);
  out->canonical_request_redacted = dv_buf_detach(&crr, NULL);
  out->string_to_sign = dv_buf_detach(&sts, NULL);
  if (p->presign)
    out->presigned_query = dv_buf_detach(&pq, NULL);
  else
    out->authorization = dv_buf_detach(&auth, NULL);
  if (!out->canonical_request || !out->canonical_request_redacted ||
      !out->string_to_sign ||
      (p->presign ? !out->presigned_query : !out->authorization)) {
    st = DV_SIGV4_E_NOMEM;
    goto out;
  }
  st = DV_SIGV4_OK;

out:
  if (st != DV_SIGV4_OK)
    dv_sigv4_result_free(out);
  dv_buf_free(&uri);
  dv_buf_free(&shdrs);
  dv_buf_free(&cr);
  dv_buf_free(&crr);
  dv_buf_free(&sts);
  dv_buf_free(&scope);
  dv_buf_free(&cred);
  dv_buf_free(&auth);
  dv_buf_free(&pq);
  dv_secret_wipe(cr_hash, sizeof(cr_hash));
  ql_free(&q);
  hl_free(&h);
  return st;
}
