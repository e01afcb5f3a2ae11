/* dvcheck -- credentials, region, endpoint for the ACM client. See
 * acm_env.h. */
#include "config.h"

#include <errno.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acm_client.h"
#include "acm_env.h"

static const char *env(const char *name)
{
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

int dv_acm_env_credentials(const dv_cfg *cfg, dv_acm_creds *out, char *why,
                           size_t whylen)
{
  const char *id = env("AWS_ACCESS_KEY_ID");
  const char *secret = env("AWS_SECRET_ACCESS_KEY");
  const char *token = env("AWS_SESSION_TOKEN");
  (void)cfg;
  memset(out, 0, sizeof(*out));
  if (!id && !secret) {
    snprintf(why, whylen,
             "no AWS credentials: set AWS_ACCESS_KEY_ID and "
             "AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary "
             "credentials)");
    return -1;
  }
  if (!id || !secret) {
    snprintf(why, whylen, "incomplete AWS credentials: %s is set but %s is "
             "not", id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
             id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
    return -1;
  }
  if (strlen(id) > 128 || strlen(secret) > 256 ||
      (token && strlen(token) > 8192)) {
    snprintf(why, whylen, "AWS credentials in the environment are too long");
    return -1;
  }
  for (const char *p = id; *p; p++)
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
          (*p >= '0' && *p <= '9'))) {
      snprintf(why, whylen, "AWS_ACCESS_KEY_ID has characters an access key "
               "ID never has");
      return -1;
    }
  out->access_key_id = strdup(id);
  out->secret_access_key = strdup(secret);
  out->session_token = token ? strdup(token) : NULL;
  out->source = "environment";
  if (!out->access_key_id || !out->secret_access_key ||
      (token && !out->session_token)) {
    dv_acm_creds_free(out);
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  return 0;
}

static void wipe_free(char *s)
{
  if (s) {
    OPENSSL_cleanse(s, strlen(s));
    free(s);
  }
}

void dv_acm_creds_free(dv_acm_creds *c)
{
  free(c->access_key_id);
  wipe_free(c->secret_access_key);
  wipe_free(c->session_token);
  memset(c, 0, sizeof(*c));
}

int dv_acm_env_region(const dv_cfg *cfg, const char *arn_region, char *out,
                      size_t outlen, char *why, size_t whylen)
{
  const char *r = arn_region && *arn_region ? arn_region : NULL;
  const char *from = "the ARN";
  if (!r && cfg->aws_region)
    r = cfg->aws_region, from = "--region";
  if (!r && env("AWS_REGION"))
    r = env("AWS_REGION"), from = "AWS_REGION";
  if (!r && env("AWS_DEFAULT_REGION"))
    r = env("AWS_DEFAULT_REGION"), from = "AWS_DEFAULT_REGION";
  if (!r) {
    snprintf(why, whylen, "no region: give --region REGION or set "
             "AWS_REGION");
    return -1;
  }
  if (!dv_acm_region_valid(r, NULL) || strlen(r) >= outlen) {
    snprintf(why, whylen, "%s: not a region name (e.g. us-east-1)", from);
    return -1;
  }
  snprintf(out, outlen, "%s", r);
  return 0;
}

int dv_acm_env_endpoint(const dv_cfg *cfg, const char *region, char *out,
                        size_t outlen, char *why, size_t whylen)
{
  const char *e = cfg->aws_endpoint_url;
  const char *from = "--endpoint-url";
  if (!e && env("AWS_ENDPOINT_URL_ACM"))
    e = env("AWS_ENDPOINT_URL_ACM"), from = "AWS_ENDPOINT_URL_ACM";
  if (!e && env("AWS_ENDPOINT_URL"))
    e = env("AWS_ENDPOINT_URL"), from = "AWS_ENDPOINT_URL";
  if (e) {
    if (strlen(e) >= outlen || strlen(e) > 512) {
      snprintf(why, whylen, "%s: URL too long", from);
      return -1;
    }
    if (strncmp(e, "https://", 8) != 0 && strncmp(e, "http://", 7) != 0) {
      snprintf(why, whylen, "%s: give an https:// URL", from);
      return -1;
    }
    snprintf(out, outlen, "%s", e);
    return 0;
  }
  snprintf(out, outlen, "https://acm.%s.amazonaws.com%s", region,
           strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
  return 0;
}

const char *dv_acm_env_cainfo(const dv_cfg *cfg)
{
  (void)cfg;
  return env("AWS_CA_BUNDLE");
}

long dv_acm_env_clock_offset(void)
{
  const char *v = env("DVCHECK_TEST_CLOCK_OFFSET");
  char *end;
  long o;
  if (!v)
    return 0;
  errno = 0;
  o = strtol(v, &end, 10);
  if (errno || *end || o < -86400 * 366 || o > 86400 * 366)
    return 0;
  return o;
}
