/* dvcheck -- the AWS CLI's credential caches (see aws_cache.h).
 *
 * References: botocore/credentials.py (CachedCredentialFetcher,
 * BaseAssumeRoleCredentialFetcher._create_cache_key,
 * SSOCredentialFetcher._create_cache_key), botocore/utils.py
 * (JSONFileCache, SSOTokenLoader), awscli/customizations/assumerole.py.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "base/buf.h"
#include "base/secret.h"
#include "base/text.h"
#include "aws/aws_cache.h"
#include "aws/aws_creds.h"

int dv_aws_sha1_hex(const char *s, char out[41])
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(s, strlen(s), md, &n, EVP_sha1(), NULL) != 1 || n != 20)
    return -1;
  for (unsigned i = 0; i < n; i++)
    snprintf(out + 2 * i, 3, "%02x", md[i]);
  return 0;
}

/* The cache-key text, built in one base/buf.h buffer; the first failed
 * append sticks (the key is then not computed). */
typedef struct {
  dv_buf b;
  int fail;
} sbuf;

static void sb_add(sbuf *s, const char *t, size_t n)
{
  if (!s->fail && dv_buf_append(&s->b, t, n) != DV_BUF_OK)
    s->fail = 1;
}

static void sb_str(sbuf *s, const char *t)
{
  sb_add(s, t, strlen(t));
}

/* Append str as Python's json.dumps (ensure_ascii) writes a string. */
static void py_json_string(sbuf *s, const char *str)
{
  const unsigned char *p = (const unsigned char *)str;
  char tmp[32];
  sb_str(s, "\"");
  while (*p) {
    unsigned long cp;
    int n;
    if (*p < 0x80) {
      switch (*p) {
      case '"':
        sb_str(s, "\\\"");
        break;
      case '\\':
        sb_str(s, "\\\\");
        break;
      case '\n':
        sb_str(s, "\\n");
        break;
      case '\r':
        sb_str(s, "\\r");
        break;
      case '\t':
        sb_str(s, "\\t");
        break;
      case '\b':
        sb_str(s, "\\b");
        break;
      case '\f':
        sb_str(s, "\\f");
        break;
      default:
        if (*p < 0x20) {
          snprintf(tmp, sizeof(tmp), "\\u%04x", *p);
          sb_str(s, tmp);
        } else
          sb_add(s, (const char *)p, 1);
      }
      p++;
      continue;
    }
    /* one strict UTF-8 sequence (base/text.h), then its code point */
    n = (int)dv_utf8_seq(p, strlen((const char *)p));
    if (n < 2) {
      s->fail = 1;
      return;
    }
    cp = *p & (n == 2 ? 0x1f : n == 3 ? 0x0f : 0x07);
    for (int i = 1; i < n; i++)
      cp = (cp << 6) | (p[i] & 0x3f);
    p += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      snprintf(tmp, sizeof(tmp), "\\u%04lx\\u%04lx", 0xd800 + (cp >> 10),
               0xdc00 + (cp & 0x3ff));
    } else
      snprintf(tmp, sizeof(tmp), "\\u%04lx", cp);
    sb_str(s, tmp);
  }
  sb_str(s, "\"");
}

static int finish_key(sbuf *s, char key[41])
{
  int rc = -1;
  if (!s->fail && s->b.p)
    rc = dv_aws_sha1_hex(s->b.p, key);
  dv_buf_free(&s->b);
  return rc;
}

int dv_aws_cache_key_role(const char *role_arn, const char *session_name,
                          const char *external_id, const char *serial,
                          long duration, char key[41])
{
  sbuf s = {0};
  char num[32];
  int first = 1;
  /* sorted: DurationSeconds, ExternalId, RoleArn, RoleSessionName,
   * SerialNumber */
#define SEP()                                                                  \
  do {                                                                         \
    if (!first)                                                                \
      sb_str(&s, ", ");                                                        \
    first = 0;                                                                 \
  } while (0)
  sb_str(&s, "{");
  if (duration >= 0) {
    SEP();
    snprintf(num, sizeof(num), "%ld", duration);
    sb_str(&s, "\"DurationSeconds\": ");
    sb_str(&s, num);
  }
  if (external_id) {
    SEP();
    sb_str(&s, "\"ExternalId\": ");
    py_json_string(&s, external_id);
  }
  SEP();
  sb_str(&s, "\"RoleArn\": ");
  py_json_string(&s, role_arn);
  if (session_name) {
    SEP();
    sb_str(&s, "\"RoleSessionName\": ");
    py_json_string(&s, session_name);
  }
  if (serial) {
    SEP();
    sb_str(&s, "\"SerialNumber\": ");
    py_json_string(&s, serial);
  }
#undef SEP
  sb_str(&s, "}");
  return finish_key(&s, key);
}

int dv_aws_cache_key_sso(const char *account_id, const char *role_name,
                         const char *session_name, const char *start_url,
                         char key[41])
{
  sbuf s = {0};
  /* sorted: accountId, roleName, sessionName | startUrl */
  sb_str(&s, "{\"accountId\":");
  py_json_string(&s, account_id);
  sb_str(&s, ",\"roleName\":");
  py_json_string(&s, role_name);
  if (session_name) {
    sb_str(&s, ",\"sessionName\":");
    py_json_string(&s, session_name);
  } else {
    sb_str(&s, ",\"startUrl\":");
    py_json_string(&s, start_url);
  }
  sb_str(&s, "}");
  return finish_key(&s, key);
}

static const char *home_dir(void)
{
  const char *h = getenv("HOME");
  if (h && *h)
    return h;
  {
    struct passwd *pw = getpwuid(getuid());
    return pw && pw->pw_dir ? pw->pw_dir : NULL;
  }
}

int dv_aws_cache_path(const char *dir, const char *key, char *path,
                      size_t pathlen)
{
  const char *h = home_dir();
  if (!h)
    return -1;
  if ((size_t)snprintf(path, pathlen, "%s/.aws/%s/cache/%s.json", h, dir,
                       key) >= pathlen)
    return -1;
  return 0;
}

char *dv_aws_file_read(const char *path, size_t *len)
{
  struct stat st;
  char *buf;
  size_t n = 0;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0)
    return NULL;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
      st.st_size > DV_AWS_CACHE_MAX_BYTES) {
    close(fd);
    errno = EINVAL;
    return NULL;
  }
  buf = malloc((size_t)st.st_size + 1);
  if (!buf) {
    close(fd);
    return NULL;
  }
  while (n < (size_t)st.st_size) {
    ssize_t r = read(fd, buf + n, (size_t)st.st_size - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    n += (size_t)r;
  }
  close(fd);
  buf[n] = '\0';
  if (len)
    *len = n;
  return buf;
}

static int mkdirs(char *dir)
{
  for (char *p = dir + 1; *p; p++) {
    if (*p != '/')
      continue;
    *p = '\0';
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
      *p = '/';
      return -1;
    }
    *p = '/';
  }
  if (mkdir(dir, 0700) < 0 && errno != EEXIST)
    return -1;
  return 0;
}

int dv_aws_file_write_atomic(const char *path, const char *data, size_t len)
{
  char dir[PATH_MAX], tmp[PATH_MAX];
  char *slash;
  int fd;
  size_t off = 0;
  if (snprintf(dir, sizeof(dir), "%s", path) >= (int)sizeof(dir) ||
      snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >=
          (int)sizeof(tmp))
    return -1;
  slash = strrchr(dir, '/');
  if (slash && slash != dir) {
    *slash = '\0';
    if (mkdirs(dir) < 0)
      return -1;
  }
  unlink(tmp);
  fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0)
    return -1;
  while (off < len) {
    ssize_t w = write(fd, data + off, len - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0) {
      close(fd);
      unlink(tmp);
      return -1;
    }
    off += (size_t)w;
  }
  if (fsync(fd) < 0 || close(fd) < 0) {
    unlink(tmp);
    return -1;
  }
  if (rename(tmp, path) < 0) {
    unlink(tmp);
    return -1;
  }
  return 0;
}

void dv_aws_cached_creds_clear(dv_aws_cached_creds *c)
{
  free(c->access_key_id);
  if (c->secret_access_key) {
    dv_secret_wipe(c->secret_access_key, strlen(c->secret_access_key));
    free(c->secret_access_key);
  }
  if (c->session_token) {
    dv_secret_wipe(c->session_token, strlen(c->session_token));
    free(c->session_token);
  }
  free(c->expiration);
  memset(c, 0, sizeof(*c));
}

int dv_aws_cache_load(const char *key, long min_left, dv_aws_cached_creds *out)
{
  char path[PATH_MAX];
  size_t len;
  char *text;
  json_t *doc, *cr;
  const char *a, *s, *t, *e;
  int rc = 0;
  memset(out, 0, sizeof(*out));
  if (dv_aws_cache_path("cli", key, path, sizeof(path)) < 0)
    return 0;
  text = dv_aws_file_read(path, &len);
  if (!text)
    return 0;
  doc = json_loadb(text, len, 0, NULL);
  dv_secret_wipe(text, len);
  free(text);
  cr = json_object_get(doc, "Credentials");
  a = json_string_value(json_object_get(cr, "AccessKeyId"));
  s = json_string_value(json_object_get(cr, "SecretAccessKey"));
  t = json_string_value(json_object_get(cr, "SessionToken"));
  e = json_string_value(json_object_get(cr, "Expiration"));
  if (a && s && t && e && *a && *s &&
      dv_aws_time_parse(e, &out->expires) == 0 &&
      (long)(out->expires - time(NULL)) >= min_left) {
    out->access_key_id = strdup(a);
    out->secret_access_key = strdup(s);
    out->session_token = strdup(t);
    out->expiration = strdup(e);
    if (out->access_key_id && out->secret_access_key && out->session_token &&
        out->expiration)
      rc = 1;
    else
      dv_aws_cached_creds_clear(out);
  }
  if (s)
    dv_secret_wipe((char *)s, strlen(s));
  if (t)
    dv_secret_wipe((char *)t, strlen(t));
  json_decref(doc);
  return rc;
}

int dv_aws_cache_store(const char *key, const char *provider_type,
                       const char *akid, const char *secret, const char *token,
                       const char *expiration, const char *assumed_arn)
{
  char path[PATH_MAX];
  json_t *doc;
  char *text;
  int rc = -1;
  if (dv_aws_cache_path("cli", key, path, sizeof(path)) < 0)
    return -1;
  doc = json_pack("{s:{s:s, s:s, s:s, s:s}}", "Credentials", "AccessKeyId",
                  akid, "SecretAccessKey", secret, "SessionToken", token,
                  "Expiration", expiration);
  if (!doc)
    return -1;
  if (provider_type)
    json_object_set_new(doc, "ProviderType", json_string(provider_type));
  if (assumed_arn && *assumed_arn)
    json_object_set_new(doc, "AssumedRoleUser",
                        json_pack("{s:s}", "Arn", assumed_arn));
  text = json_dumps(doc, JSON_SORT_KEYS);
  if (text) {
    rc = dv_aws_file_write_atomic(path, text, strlen(text));
    dv_secret_wipe(text, strlen(text));
    free(text);
  }
  {
    json_t *cr = json_object_get(doc, "Credentials");
    const char *s = json_string_value(json_object_get(cr, "SecretAccessKey"));
    const char *t = json_string_value(json_object_get(cr, "SessionToken"));
    if (s)
      dv_secret_wipe((char *)s, strlen(s));
    if (t)
      dv_secret_wipe((char *)t, strlen(t));
  }
  json_decref(doc);
  return rc;
}
