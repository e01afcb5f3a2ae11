/* creds_probe -- resolve AWS credentials, region, endpoint and CA bundle
 * for the current environment with dvcheck's code and print ONLY non-secret
 * facts, in the format of tests/creds_botocore.py (see there), so that
 * tests/creds.sh can compare them with botocore's answers:
 *
 *   credentials: SOURCE ACCESS_KEY_ID token=yes|no | none | error CLASS
 *   region: REGION | none | error CLASS
 *   endpoint: URL | none | error CLASS
 *   ca_bundle: PATH | none
 *
 * The reason for an error goes to stderr (never a secret).
 * Options: --profile P --region R --endpoint-url U --arn-region R
 *          --container-host ADDR --process-timeout-ms N --timeout-ms N -v
 *          --no-prompt (never ask for an MFA code)
 */
#include "config.h"

#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/aws_creds.h"
#include "base/http.h"
#include "base/loop.h"

static const char *creds_class(dv_aws_creds_status st)
{
  switch (st) {
  case DV_AWS_CREDS_OK:
    return "ok";
  case DV_AWS_CREDS_NONE:
    return "none";
  case DV_AWS_CREDS_E_PROFILE_NOT_FOUND:
    return "profile-not-found";
  case DV_AWS_CREDS_E_CONFIG:
    return "config";
  case DV_AWS_CREDS_E_PARTIAL:
    return "partial";
  case DV_AWS_CREDS_E_PROCESS:
    return "process";
  case DV_AWS_CREDS_E_CONTAINER:
    return "container";
  case DV_AWS_CREDS_E_EXPIRED:
    return "expired";
  case DV_AWS_CREDS_E_LOOP:
    return "loop";
  case DV_AWS_CREDS_E_STS:
    return "sts";
  case DV_AWS_CREDS_E_SSO_LOGIN:
    return "sso-login";
  case DV_AWS_CREDS_E_MFA:
    return "mfa";
  case DV_AWS_CREDS_E_SOURCE:
    return "source";
  case DV_AWS_CREDS_E_UNSUPPORTED:
    return "unsupported";
  case DV_AWS_CREDS_E_CANCELLED:
    return "cancelled";
  case DV_AWS_CREDS_E_NOMEM:
    return "nomem";
  }
  return "unknown";
}

static const char *cfg_class(dv_aws_cfg_status st)
{
  switch (st) {
  case DV_AWS_CFG_OK:
    return "ok";
  case DV_AWS_CFG_NONE:
    return "none";
  case DV_AWS_CFG_E_PROFILE_NOT_FOUND:
    return "profile-not-found";
  case DV_AWS_CFG_E_CONFIG:
    return "config";
  case DV_AWS_CFG_E_BAD_REGION:
    return "bad-region";
  case DV_AWS_CFG_E_BAD_URL:
    return "bad-url";
  case DV_AWS_CFG_E_NOMEM:
    return "nomem";
  }
  return "unknown";
}

static void got_creds(void *arg, dv_aws_creds *c)
{
  int *done = arg;
  *done = 1;
  if (c->status == DV_AWS_CREDS_OK)
    printf("credentials: %s %s token=%s\n", dv_aws_source_str(c->source),
           c->access_key_id, c->session_token ? "yes" : "no");
  else if (c->status == DV_AWS_CREDS_NONE)
    printf("credentials: none\n");
  else if (c->status == DV_AWS_CREDS_E_STS && c->api_code[0])
    printf("credentials: error sts:%s\n", c->api_code);
  else
    printf("credentials: error %s\n", creds_class(c->status));
  if (c->status == DV_AWS_CREDS_OK && c->role_arn[0])
    fprintf(stderr, "creds_probe: role %s%s, %d STS/SSO calls\n", c->role_arn,
            c->from_cache ? " (AWS CLI cache)" : "", c->sts_calls);
  if (c->status != DV_AWS_CREDS_OK)
    fprintf(stderr, "creds_probe: credentials: %s\n", c->error);
  dv_aws_creds_free(c);
}

int main(int argc, char **argv)
{
  dv_aws_opts o;
  const char *arn_region = NULL;
  long timeout_ms = 20000;
  dv_loop *loop = NULL;
  dv_http *http = NULL;
  int done = 0, rc = 1;
  char region[128], url[2048], ca[4096], err[1024];
  const char *src = NULL;
  dv_aws_cfg_status rst, est;

  memset(&o, 0, sizeof(o));
  signal(SIGPIPE, SIG_IGN);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "-v") == 0) {
      o.verbose++;
      continue;
    }
    if (strcmp(a, "--no-prompt") == 0) {
      o.no_prompt = 1;
      continue;
    }
    if (strcmp(a, "-vv") == 0) {
      o.verbose += 2;
      continue;
    }
    if (!v) {
      fprintf(stderr, "creds_probe: %s needs an argument\n", a);
      return 2;
    }
    i++;
    if (strcmp(a, "--profile") == 0)
      o.profile = v;
    else if (strcmp(a, "--region") == 0)
      o.region = v;
    else if (strcmp(a, "--endpoint-url") == 0)
      o.endpoint_url = v;
    else if (strcmp(a, "--arn-region") == 0)
      arn_region = v;
    else if (strcmp(a, "--container-host") == 0)
      o.container_host = v;
    else if (strcmp(a, "--process-timeout-ms") == 0)
      o.process_timeout_ms = atol(v);
    else if (strcmp(a, "--timeout-ms") == 0)
      timeout_ms = atol(v);
    else {
      fprintf(stderr, "creds_probe: unknown option %s\n", a);
      return 2;
    }
  }
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 1;
  loop = dv_loop_new();
  if (!loop)
    goto out;
  http = dv_http_new(loop, o.verbose >= 2);
  if (!http)
    goto out;
  dv_loop_deadline_set(loop, timeout_ms);
  if (dv_aws_creds_resolve(loop, http, &o, got_creds, &done) < 0)
    goto out;
  dv_loop_run(loop);
  if (!done)
    printf("credentials: error deadline\n");

  rst = dv_aws_region_resolve(&o, arn_region, region, sizeof(region), &src, err,
                              sizeof(err));
  if (rst == DV_AWS_CFG_OK)
    printf("region: %s\n", region);
  else {
    printf(rst == DV_AWS_CFG_NONE ? "region: none\n" : "region: error %s\n",
           cfg_class(rst));
    fprintf(stderr, "creds_probe: region: %s\n", err);
  }
  if (rst != DV_AWS_CFG_OK && rst != DV_AWS_CFG_NONE && !o.endpoint_url) {
    printf("endpoint: none\n");
  } else {
    est =
        dv_aws_endpoint_resolve(&o, "acm", rst == DV_AWS_CFG_OK ? region : NULL,
                                url, sizeof(url), &src, err, sizeof(err));
    if (est == DV_AWS_CFG_OK)
      printf("endpoint: %s\n", url);
    else {
      printf(est == DV_AWS_CFG_NONE ? "endpoint: none\n"
                                    : "endpoint: error %s\n",
             cfg_class(est));
      fprintf(stderr, "creds_probe: endpoint: %s\n", err);
    }
  }
  if (dv_aws_ca_bundle(&o, ca, sizeof(ca), err, sizeof(err)) == DV_AWS_CFG_OK)
    printf("ca_bundle: %s\n", ca);
  else
    printf("ca_bundle: none\n");
  rc = 0;
out:
  dv_http_free(http);
  dv_loop_free(loop);
  curl_global_cleanup();
  return rc;
}
