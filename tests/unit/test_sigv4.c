/* Unit tests: AWS Signature Version 4 signer, against the official test
 * suite (aws-c-auth's copy in $DV_CORPUS/sigv4, default ../shared/corpus)
 * plus hand-written cases. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "aws/aws_sigv4.h"
#include "unit.h"

#define EMPTY_SHA256                                                           \
  "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define MAX_CASES    256
#define MAX_HEADERS  64
#define DIR_MAX      4096 /* $DV_CORPUS/sigv4 */
#define CASE_DIR_MAX (DIR_MAX + 160)
#define FILE_MAX     (CASE_DIR_MAX + 64)
/* t_acm_request, computed independently with Python's hmac and hashlib */
#define ACM_CR_HASH                                                            \
  "4141c305e2c083b61cfb3c948d1cbdd48b8feb9170fb3a2f35abc3092cdfbad9"
#define ACM_SIGNATURE                                                          \
  "ed8eaf378539190b054d43556bf063602b7e20ab837b94464fe94e1381a0f989"

/* ---- corpus discovery ---------------------------------------------------- */

static char sigv4_dir[DIR_MAX];
static char case_names[MAX_CASES][128];
static int ncases;

static int name_cmp(const void *a, const void *b)
{
  return strcmp((const char *)a, (const char *)b);
}

static void find_cases(void)
{
  const char *corpus = getenv("DV_CORPUS");
  DIR *d;
  struct dirent *de;
  char path[FILE_MAX];

  ncases = 0;
  if (!corpus || !*corpus)
    corpus = "../shared/corpus";
  snprintf(sigv4_dir, sizeof(sigv4_dir), "%s/sigv4", corpus);
  d = opendir(sigv4_dir);
  if (!d)
    return;
  while ((de = readdir(d)) != NULL && ncases < MAX_CASES) {
    if (de->d_name[0] == '.' || strlen(de->d_name) >= sizeof(case_names[0]))
      continue;
    snprintf(path, sizeof(path), "%s/%.127s/context.json", sigv4_dir,
             de->d_name);
    if (access(path, R_OK) != 0)
      continue;
    strcpy(case_names[ncases++], de->d_name);
  }
  closedir(d);
  qsort(case_names, (size_t)ncases, sizeof(case_names[0]), name_cmp);
}

/* Whole file, NUL-terminated; NULL if unreadable. */
static char *slurp(const char *dir, const char *file, size_t *lenp)
{
  char path[FILE_MAX];
  FILE *f;
  char *buf = NULL;
  long sz;
  snprintf(path, sizeof(path), "%s/%s", dir, file);
  f = fopen(path, "rb");
  if (!f)
    return NULL;
  if (fseek(f, 0, SEEK_END) || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
    goto out;
  buf = malloc((size_t)sz + 1);
  if (!buf)
    goto out;
  if (fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
    free(buf);
    buf = NULL;
    goto out;
  }
  buf[sz] = '\0';
  if (lenp)
    *lenp = (size_t)sz;
out:
  fclose(f);
  return buf;
}

/* ---- request.txt parsing ------------------------------------------------- */

typedef struct {
  char *method, *path, *query; /* query NULL if no '?' */
  char *names[MAX_HEADERS];
  char *values[MAX_HEADERS];
  dv_http_header headers[MAX_HEADERS];
  size_t nheaders;
  char *body;
  size_t body_len;
} raw_request;

static char *dupn(const char *s, size_t n)
{
  char *r = malloc(n + 1);
  ck_assert_ptr_nonnull(r);
  memcpy(r, s, n);
  r[n] = '\0';
  return r;
}

static void raw_free(raw_request *r)
{
  size_t i;
  free(r->method);
  free(r->path);
  free(r->query);
  for (i = 0; i < r->nheaders; i++) {
    free(r->names[i]);
    free(r->values[i]);
  }
  free(r->body);
  memset(r, 0, sizeof(*r));
}

/* Next line of text[*pos..len) without its CRLF/LF; returns 0 at the end. */
static int next_line(const char *text, size_t len, size_t *pos,
                     const char **line, size_t *llen)
{
  size_t s = *pos, e;
  if (s >= len)
    return 0;
  e = s;
  while (e < len && text[e] != '\n')
    e++;
  *line = text + s;
  *llen = e - s;
  if (*llen && text[e - 1] == '\r')
    (*llen)--;
  *pos = e < len ? e + 1 : e;
  return 1;
}

/* "METHOD target HTTP/1.1", headers (continuation lines start with SP/HT and
 * are kept, joined by "\n", for the signer to fold), blank line, body. */
static void parse_request(const char *text, size_t len, raw_request *r)
{
  size_t pos = 0, llen;
  const char *line, *sp1, *sp2, *q;

  memset(r, 0, sizeof(*r));
  ck_assert_msg(next_line(text, len, &pos, &line, &llen), "empty request");
  sp1 = memchr(line, ' ', llen);
  ck_assert_ptr_nonnull(sp1);
  for (sp2 = line + llen - 1; sp2 > sp1 && *sp2 != ' '; sp2--)
    ;
  ck_assert_msg(sp2 > sp1, "bad request line");
  r->method = dupn(line, (size_t)(sp1 - line));
  q = memchr(sp1 + 1, '?', (size_t)(sp2 - sp1 - 1));
  if (q) {
    r->path = dupn(sp1 + 1, (size_t)(q - sp1 - 1));
    r->query = dupn(q + 1, (size_t)(sp2 - q - 1));
  } else
    r->path = dupn(sp1 + 1, (size_t)(sp2 - sp1 - 1));

  while (next_line(text, len, &pos, &line, &llen)) {
    const char *colon;
    if (llen == 0)
      break;
    if (line[0] == ' ' || line[0] == '\t') {
      char *prev, *nv;
      size_t plen;
      ck_assert_msg(r->nheaders > 0, "continuation before first header");
      prev = r->values[r->nheaders - 1];
      plen = strlen(prev);
      nv = realloc(prev, plen + 1 + llen + 1);
      ck_assert_ptr_nonnull(nv);
      nv[plen] = '\n';
      memcpy(nv + plen + 1, line, llen);
      nv[plen + 1 + llen] = '\0';
      r->values[r->nheaders - 1] = nv;
      continue;
    }
    colon = memchr(line, ':', llen);
    ck_assert_msg(colon != NULL, "header line without ':'");
    ck_assert_int_lt(r->nheaders, MAX_HEADERS);
    r->names[r->nheaders] = dupn(line, (size_t)(colon - line));
    r->values[r->nheaders] = dupn(colon + 1, llen - (size_t)(colon - line) - 1);
    r->nheaders++;
  }
  r->body_len = len - pos;
  r->body = dupn(text + pos, r->body_len);
  for (llen = 0; llen < r->nheaders; llen++) {
    r->headers[llen].name = r->names[llen];
    r->headers[llen].value = r->values[llen];
  }
}

/* ---- context.json -------------------------------------------------------- */

typedef struct {
  json_t *root;
  dv_sigv4_params p;
  int sign_body;
} context;

/* "2015-08-30T12:36:00Z" */
static time_t parse_iso8601(const char *s)
{
  struct tm tm;
  int y, mo, d, h, mi, sec, n = 0;
  memset(&tm, 0, sizeof(tm));
  ck_assert_msg(sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi,
                       &sec, &n) == 6 &&
                    n > 0 && s[n] == '\0',
                "bad timestamp %s", s);
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  return timegm(&tm);
}

static void load_context(const char *dir, context *c)
{
  char path[FILE_MAX];
  json_error_t err;
  json_t *cred, *v;

  memset(c, 0, sizeof(*c));
  snprintf(path, sizeof(path), "%s/context.json", dir);
  c->root = json_load_file(path, 0, &err);
  ck_assert_msg(c->root != NULL, "%s: %s", path, err.text);
  cred = json_object_get(c->root, "credentials");
  ck_assert_ptr_nonnull(cred);
  c->p.access_key_id =
      json_string_value(json_object_get(cred, "access_key_id"));
  c->p.secret_access_key =
      json_string_value(json_object_get(cred, "secret_access_key"));
  c->p.session_token = json_string_value(json_object_get(cred, "token"));
  c->p.region = json_string_value(json_object_get(c->root, "region"));
  c->p.service = json_string_value(json_object_get(c->root, "service"));
  v = json_object_get(c->root, "timestamp");
  ck_assert_ptr_nonnull(json_string_value(v));
  c->p.when = parse_iso8601(json_string_value(v));
  v = json_object_get(c->root, "normalize");
  c->p.normalize_path = v ? json_is_true(v) : 1;
  c->p.omit_session_token_from_signature =
      json_is_true(json_object_get(c->root, "omit_session_token"));
  c->sign_body = json_is_true(json_object_get(c->root, "sign_body"));
  v = json_object_get(c->root, "expiration_in_seconds");
  c->p.expires =
      json_is_integer(v) ? (unsigned long)json_integer_value(v) : 3600;
}

/* ---- corpus tests -------------------------------------------------------- */

/* Strip trailing CR/LF (the signature files may or may not end in one). */
static void chomp(char *s)
{
  size_t n = strlen(s);
  while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
    s[--n] = '\0';
}

/* The line of text that starts with prefix, without its line end. */
static char *find_line(const char *text, const char *prefix)
{
  const char *p = text;
  while (p && *p) {
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    if (!strncmp(p, prefix, strlen(prefix))) {
      char *r = dupn(p, n);
      chomp(r);
      return r;
    }
    p = e ? e + 1 : NULL;
  }
  return NULL;
}

static void run_case(const char *name, int presign)
{
  char dir[CASE_DIR_MAX];
  const char *pre = presign ? "query-" : "header-";
  char fname[64];
  char *text, *want_cr, *want_sts, *want_sig, *signed_req;
  size_t len;
  raw_request r;
  context c;
  dv_sigv4_request req;
  dv_sigv4_result res;
  dv_sigv4_status st;

  snprintf(dir, sizeof(dir), "%s/%s", sigv4_dir, name);
  text = slurp(dir, "request.txt", &len);
  ck_assert_msg(text != NULL, "%s: no request.txt", name);
  parse_request(text, len, &r);
  load_context(dir, &c);
  c.p.presign = presign;
  c.p.add_content_sha256 = c.sign_body;

  memset(&req, 0, sizeof(req));
  req.method = r.method;
  req.path = r.path;
  req.query = r.query;
  req.headers = r.headers;
  req.nheaders = r.nheaders;
  req.body = (const unsigned char *)r.body;
  req.body_len = r.body_len;

  st = dv_sigv4_sign(&req, &c.p, &res);
  ck_assert_msg(st == DV_SIGV4_OK, "%s: %s", name, dv_sigv4_status_str(st));

  snprintf(fname, sizeof(fname), "%scanonical-request.txt", pre);
  want_cr = slurp(dir, fname, NULL);
  snprintf(fname, sizeof(fname), "%sstring-to-sign.txt", pre);
  want_sts = slurp(dir, fname, NULL);
  snprintf(fname, sizeof(fname), "%ssignature.txt", pre);
  want_sig = slurp(dir, fname, NULL);
  snprintf(fname, sizeof(fname), "%ssigned-request.txt", pre);
  signed_req = slurp(dir, fname, NULL);
  ck_assert_msg(want_cr && want_sts && want_sig && signed_req,
                "%s: missing expected %s* files", name, pre);
  chomp(want_sig);

  ck_assert_msg(!strcmp(res.canonical_request, want_cr),
                "%s (%s): canonical request\n--- got\n%s\n--- want\n%s", name,
                pre, res.canonical_request, want_cr);
  ck_assert_msg(!strcmp(res.string_to_sign, want_sts),
                "%s (%s): string to sign\n--- got\n%s\n--- want\n%s", name, pre,
                res.string_to_sign, want_sts);
  ck_assert_msg(!strcmp(res.signature, want_sig),
                "%s (%s): signature got %s want %s", name, pre, res.signature,
                want_sig);

  if (!presign) {
    /* the Authorization line of the signed request */
    char *want_auth = find_line(signed_req, "Authorization:");
    ck_assert_ptr_nonnull(want_auth);
    ck_assert_ptr_nonnull(res.authorization);
    ck_assert_ptr_null(res.presigned_query);
    ck_assert_str_eq(res.authorization, want_auth + strlen("Authorization:"));
    free(want_auth);
  } else {
    /* the request line of the presigned request */
    char *want_line = find_line(signed_req, r.method);
    size_t n =
        strlen(r.method) + strlen(r.path) + strlen(res.presigned_query) + 32;
    char *got_line = malloc(n);
    ck_assert_ptr_nonnull(want_line);
    ck_assert_ptr_nonnull(got_line);
    ck_assert_ptr_null(res.authorization);
    snprintf(got_line, n, "%s %s?%s HTTP/1.1", r.method, r.path,
             res.presigned_query);
    ck_assert_str_eq(got_line, want_line);
    free(got_line);
    free(want_line);
  }

  /* the loggable canonical request never holds the session token */
  if (c.p.session_token)
    ck_assert_ptr_null(
        strstr(res.canonical_request_redacted, c.p.session_token));
  ck_assert_ptr_null(strstr(res.canonical_request, c.p.secret_access_key));
  ck_assert_ptr_null(strstr(res.string_to_sign, c.p.secret_access_key));

  dv_sigv4_result_free(&res);
  free(want_cr);
  free(want_sts);
  free(want_sig);
  free(signed_req);
  json_decref(c.root);
  raw_free(&r);
  free(text);
}

START_TEST(t_corpus_header)
{
  run_case(case_names[_i], 0);
}
END_TEST

START_TEST(t_corpus_query)
{
  run_case(case_names[_i], 1);
}
END_TEST

START_TEST(t_corpus_count)
{
  /* the published suite has 38 cases; all must be found */
  ck_assert_int_ge(ncases, 38);
}
END_TEST

START_TEST(t_corpus_skip)
{
  fprintf(stderr, "sigv4: no test suite at %s (set DV_CORPUS): skipped\n",
          sigv4_dir);
}
END_TEST

/* ---- hand-written cases -------------------------------------------------- */

static const dv_http_header acm_headers[] = {
    {"Host", "acm.us-east-1.amazonaws.com"},
    {"Content-Type", "application/x-amz-json-1.1"},
    {"X-Amz-Target", "CertificateManager.ListCertificates"},
    {"User-Agent", "dvcheck/0.1.0"},
};

static const char acm_body[] = "{\"MaxItems\":10}";

static void acm_setup(dv_sigv4_request *req, dv_sigv4_params *p)
{
  memset(req, 0, sizeof(*req));
  memset(p, 0, sizeof(*p));
  req->method = "POST";
  req->path = "/";
  req->headers = acm_headers;
  req->nheaders = sizeof(acm_headers) / sizeof(acm_headers[0]);
  req->body = (const unsigned char *)acm_body;
  req->body_len = strlen(acm_body);
  p->access_key_id = "AKIDEXAMPLE";
  p->secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  p->region = "us-east-1";
  p->service = "acm";
  p->when = 1440938160; /* 2015-08-30T12:36:00Z */
  p->normalize_path = 1;
}

START_TEST(t_empty_body_hash)
{
  char hex[65];
  dv_sigv4_request req;
  dv_sigv4_params p;
  dv_sigv4_result res;
  size_t n;
  ck_assert_int_eq(dv_sigv4_sha256_hex("", 0, hex), 0);
  ck_assert_str_eq(hex, EMPTY_SHA256);
  ck_assert_int_eq(dv_sigv4_sha256_hex(NULL, 0, hex), 0);
  ck_assert_str_eq(hex, EMPTY_SHA256);

  acm_setup(&req, &p);
  req.body = NULL;
  req.body_len = 0;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_str_eq(res.payload_hash, EMPTY_SHA256);
  n = strlen(res.canonical_request);
  ck_assert_uint_gt(n, 64);
  ck_assert_str_eq(res.canonical_request + n - 64, EMPTY_SHA256);
  ck_assert_str_eq(res.amz_date, "20150830T123600Z");
  dv_sigv4_result_free(&res);
  ck_assert_ptr_null(res.canonical_request);
}
END_TEST

START_TEST(t_acm_request)
{
  dv_sigv4_request req;
  dv_sigv4_params p;
  dv_sigv4_result res;
  char hex[65];
  char want[512];
  acm_setup(&req, &p);
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_int_eq(dv_sigv4_sha256_hex(acm_body, strlen(acm_body), hex), 0);
  ck_assert_str_eq(res.payload_hash, hex);
  /* User-Agent is sent but not signed */
  snprintf(want, sizeof(want),
           "POST\n/\n\n"
           "content-type:application/x-amz-json-1.1\n"
           "host:acm.us-east-1.amazonaws.com\n"
           "x-amz-date:20150830T123600Z\n"
           "x-amz-target:CertificateManager.ListCertificates\n\n"
           "content-type;host;x-amz-date;x-amz-target\n%s",
           hex);
  ck_assert_str_eq(res.canonical_request, want);
  ck_assert_str_eq(res.string_to_sign,
                   "AWS4-HMAC-SHA256\n20150830T123600Z\n"
                   "20150830/us-east-1/acm/aws4_request\n" ACM_CR_HASH);
  /* independently computed (Python hmac/hashlib) */
  ck_assert_str_eq(res.signature, ACM_SIGNATURE);
  ck_assert_str_eq(res.authorization,
                   "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
                   "us-east-1/acm/aws4_request, SignedHeaders=content-type;"
                   "host;x-amz-date;x-amz-target, Signature=" ACM_SIGNATURE);
  dv_sigv4_result_free(&res);
}
END_TEST

START_TEST(t_session_token_signed)
{
  dv_sigv4_request req;
  dv_sigv4_params p;
  dv_sigv4_result res;
  acm_setup(&req, &p);
  p.session_token = "FQoGZXIvYXdzEXAMPLETOKEN//+=";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_ptr_nonnull(strstr(res.canonical_request,
                               "\nx-amz-security-token:"
                               "FQoGZXIvYXdzEXAMPLETOKEN//+=\n"));
  ck_assert_ptr_nonnull(strstr(res.canonical_request,
                               "\ncontent-type;host;x-amz-date;"
                               "x-amz-security-token;x-amz-target\n"));
  ck_assert_ptr_nonnull(strstr(res.authorization,
                               "SignedHeaders=content-type;host;x-amz-date;"
                               "x-amz-security-token;x-amz-target, "));
  ck_assert_ptr_nonnull(strstr(res.canonical_request_redacted,
                               "\nx-amz-security-token:<redacted>\n"));
  dv_sigv4_result_free(&res);

  /* aws-c-auth's option: sent but not signed */
  p.omit_session_token_from_signature = 1;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_ptr_null(strstr(res.canonical_request, "x-amz-security-token"));
  dv_sigv4_result_free(&res);
}
END_TEST

START_TEST(t_no_secrets)
{
  dv_sigv4_request req;
  dv_sigv4_params p;
  dv_sigv4_result res;
  int presign;
  for (presign = 0; presign <= 1; presign++) {
    acm_setup(&req, &p);
    p.session_token = "SESSIONTOKENEXAMPLE123";
    p.presign = presign;
    p.expires = 60;
    ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
    ck_assert_ptr_null(strstr(res.canonical_request, p.secret_access_key));
    ck_assert_ptr_null(
        strstr(res.canonical_request_redacted, p.secret_access_key));
    ck_assert_ptr_null(strstr(res.string_to_sign, p.secret_access_key));
    ck_assert_ptr_null(strstr(res.signature, p.secret_access_key));
    ck_assert_ptr_null(strstr(res.canonical_request_redacted, p.session_token));
    ck_assert_ptr_null(strstr(res.string_to_sign, p.session_token));
    if (presign)
      ck_assert_ptr_null(strstr(res.presigned_query, p.secret_access_key));
    else
      ck_assert_ptr_null(strstr(res.authorization, p.secret_access_key));
    dv_sigv4_result_free(&res);
  }
}
END_TEST

START_TEST(t_paths_and_query)
{
  static const dv_http_header host[] = {{"host", "example.com"}};
  dv_sigv4_request req;
  dv_sigv4_params p;
  dv_sigv4_result res;
  acm_setup(&req, &p);
  req.headers = host;
  req.nheaders = 1;
  req.body = NULL;
  req.body_len = 0;

  req.path = "/a/b/../c/./d//";
  req.query = "b=2&a&a=1&c=&&sp ace=x+y&t=%7e%2F";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_ptr_nonnull(strstr(res.canonical_request,
                               "POST\n/a/c/d/\n"
                               "a=&a=1&b=2&c=&sp%20ace=x%2By&t=~%2F\n"));
  dv_sigv4_result_free(&res);

  /* services other than S3: the wire path is encoded again */
  req.path = "/a%20b/../c%2Fd";
  req.query = NULL;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_ptr_nonnull(strstr(res.canonical_request, "POST\n/c%252Fd\n\n"));
  dv_sigv4_result_free(&res);

  /* S3 style: no normalisation, no second encoding */
  p.normalize_path = 0;
  p.no_double_uri_encode = 1;
  req.path = "/a%20b//./c";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_ptr_nonnull(strstr(res.canonical_request, "POST\n/a%20b//./c\n\n"));
  dv_sigv4_result_free(&res);

  req.path = "";
  p.normalize_path = 1;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_OK);
  ck_assert_ptr_nonnull(strstr(res.canonical_request, "POST\n/\n\n"));
  dv_sigv4_result_free(&res);
}
END_TEST

START_TEST(t_errors)
{
  static const dv_http_header nohost[] = {{"X-Foo", "bar"}};
  static const dv_http_header auth[] = {{"Host", "h"}, {"authorization", "x"}};
  static const dv_http_header date[] = {{"Host", "h"}, {"X-Amz-Date", "x"}};
  static const dv_http_header badname[] = {{"Host", "h"}, {"Bad Name", "x"}};
  static const dv_http_header inject[] = {{"Host", "h"},
                                          {"X-A", "x\r\nX-B: y"}};
  dv_sigv4_request req;
  dv_sigv4_params p;
  dv_sigv4_result res;
  int i;

  acm_setup(&req, &p);
  ck_assert_int_eq(dv_sigv4_sign(NULL, &p, &res), DV_SIGV4_E_INVALID_ARG);
  ck_assert_int_eq(dv_sigv4_sign(&req, NULL, &res), DV_SIGV4_E_INVALID_ARG);
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, NULL), DV_SIGV4_E_INVALID_ARG);

  req.headers = nohost;
  req.nheaders = 1;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_NO_HOST);
  ck_assert_ptr_null(res.canonical_request);
  req.headers = auth;
  req.nheaders = 2;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_RESERVED_HEADER);
  req.headers = date;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_RESERVED_HEADER);
  req.headers = badname;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_BAD_HEADER);
  req.headers = inject;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_BAD_HEADER);

  acm_setup(&req, &p);
  req.method = "PO ST";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_BAD_METHOD);
  acm_setup(&req, &p);
  p.region = "us-east-1/x";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_BAD_CREDENTIALS);
  acm_setup(&req, &p);
  p.session_token = "tok\r\nen";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_BAD_CREDENTIALS);
  acm_setup(&req, &p);
  p.secret_access_key = "";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_INVALID_ARG);
  acm_setup(&req, &p);
  p.presign = 1;
  p.expires = 0;
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_INVALID_ARG);
  p.expires = 60;
  req.query = "X-Amz-Signature=abc";
  ck_assert_int_eq(dv_sigv4_sign(&req, &p, &res), DV_SIGV4_E_RESERVED_HEADER);

  for (i = DV_SIGV4_OK; i <= DV_SIGV4_E_NOMEM; i++)
    ck_assert_str_ne(dv_sigv4_status_str((dv_sigv4_status)i), "unknown");
  ck_assert_str_eq(dv_sigv4_status_str((dv_sigv4_status)999), "unknown");
  dv_sigv4_result_free(NULL);
}
END_TEST

Suite *suite_sigv4(void)
{
  Suite *s = suite_create("sigv4");
  TCase *tc = tcase_create("sigv4");

  tcase_add_test(tc, t_empty_body_hash);
  tcase_add_test(tc, t_acm_request);
  tcase_add_test(tc, t_session_token_signed);
  tcase_add_test(tc, t_no_secrets);
  tcase_add_test(tc, t_paths_and_query);
  tcase_add_test(tc, t_errors);
  suite_add_tcase(s, tc);

  find_cases();
  tc = tcase_create("sigv4-corpus");
  if (ncases > 0) {
    tcase_add_test(tc, t_corpus_count);
    tcase_add_loop_test(tc, t_corpus_header, 0, ncases);
    tcase_add_loop_test(tc, t_corpus_query, 0, ncases);
  } else
    tcase_add_test(tc, t_corpus_skip);
  suite_add_tcase(s, tc);
  return s;
}
