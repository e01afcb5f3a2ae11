/* dvcheck -- shared set-up of the ACM commands. See acm_session.h. */
#include "config.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "aws/aws_creds.h"
#include "base/trace.h"
#include "check/acm_session.h"
#include "base/names.h"

/* The commercial-partition regions ACM serves (AWS Regional Services
 * list); "all" asks each, and skips the ones the account has not enabled
 * (opt-in regions answer UnrecognizedClientException). */
static const char *const acm_all_regions[] = {
    "us-east-1",      "us-east-2",      "us-west-1",      "us-west-2",
    "af-south-1",     "ap-east-1",      "ap-east-2",      "ap-south-1",
    "ap-south-2",     "ap-southeast-1", "ap-southeast-2", "ap-southeast-3",
    "ap-southeast-4", "ap-southeast-5", "ap-southeast-7", "ap-northeast-1",
    "ap-northeast-2", "ap-northeast-3", "ca-central-1",   "ca-west-1",
    "eu-central-1",   "eu-central-2",   "eu-west-1",      "eu-west-2",
    "eu-west-3",      "eu-south-1",     "eu-south-2",     "eu-north-1",
    "il-central-1",   "me-south-1",     "me-central-1",   "mx-central-1",
    "sa-east-1"};

int dv_acm_regions_parse(const char *region, const char *profile,
                         const char **out, size_t *n, int *all, char *why,
                         size_t whylen)
{
  static char single[64];
  static char buf[1024];
  char *p, *save = NULL;
  *n = 0;
  *all = 0;
  if (region && strcmp(region, "all") == 0) {
    size_t i;
    for (i = 0; i < sizeof(acm_all_regions) / sizeof(acm_all_regions[0]); i++)
      out[(*n)++] = acm_all_regions[i];
    *all = 1;
    return 0;
  }
  if (!region || !strchr(region, ',')) {
    dv_aws_opts o;
    const char *src = NULL;
    memset(&o, 0, sizeof(o));
    o.profile = profile;
    o.region = region;
    if (dv_aws_region_resolve(&o, NULL, single, sizeof(single), &src, why,
                              whylen) != DV_AWS_CFG_OK) {
      if (!*why)
        snprintf(why, whylen,
                 "no region: give --region REGION or set "
                 "AWS_REGION");
      return -1;
    }
    if (!dv_acm_region_valid(single, NULL)) {
      char shown[80];
      dv_text_escape(single, strlen(single), shown, sizeof(shown));
      snprintf(why, whylen,
               "region '%s': not a region name ACM has (e.g. "
               "us-east-1)",
               shown);
      return -1;
    }
    out[(*n)++] = single;
    return 0;
  }
  if (strlen(region) >= sizeof(buf)) {
    snprintf(why, whylen, "--region: too long");
    return -1;
  }
  snprintf(buf, sizeof(buf), "%s", region);
  for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
    size_t i;
    int dup = 0;
    if (!dv_acm_region_valid(p, NULL)) {
      char shown[80];
      dv_text_escape(p, strlen(p), shown, sizeof(shown));
      snprintf(why, whylen,
               "--region: '%s' is not a region name (e.g. "
               "us-east-1)",
               shown);
      return -1;
    }
    for (i = 0; i < *n; i++)
      dup |= strcmp(out[i], p) == 0;
    if (dup)
      continue;
    if (*n >= DV_ACM_MAX_REGIONS) {
      snprintf(why, whylen, "--region: at most %d regions", DV_ACM_MAX_REGIONS);
      return -1;
    }
    out[(*n)++] = p;
  }
  if (!*n) {
    snprintf(why, whylen, "--region: no region given");
    return -1;
  }
  return 0;
}

/* Test hook, only in a debug build (configure --enable-debug):
 * DVCHECK_TEST_CLOCK_OFFSET seconds added to the signing clock (lets the
 * tests provoke a clock-skew rejection). 0 when unset. */
static long session_clock_offset(void)
{
#ifdef DV_DEBUGBUILD
  const char *v = getenv("DVCHECK_TEST_CLOCK_OFFSET");
  char *end;
  long n;
  if (!v || !*v)
    return 0;
  n = strtol(v, &end, 10);
  return *end || n < -86400L * 366 || n > 86400L * 366 ? 0 : n;
#else
  return 0;
#endif
}

static const char *const session_status_str[] = {
    [DV_ACM_SESSION_OK] = "ok",
    [DV_ACM_SESSION_E_CONFIG] = "AWS configuration error",
    [DV_ACM_SESSION_E_CREDS] = "no usable AWS credentials",
    [DV_ACM_SESSION_E_DEADLINE] =
        "finding AWS credentials took longer than the run's deadline",
    [DV_ACM_SESSION_E_NOMEM] = "out of memory",
};

const char *dv_acm_session_status_str(dv_acm_session_status st)
{
  if ((size_t)st < sizeof(session_status_str) / sizeof(session_status_str[0]))
    return session_status_str[st];
  return "unknown";
}

static void session_on_creds(void *arg, dv_aws_creds *c)
{
  dv_acm_session *s = arg;
  s->creds = c;
  s->creds_done = 1;
}

static dv_acm_session_status session_fail(dv_acm_session *s,
                                          dv_acm_session_status st, char *why,
                                          size_t whylen, const char *detail)
{
  snprintf(why, whylen, "%s",
           detail && *detail ? detail : dv_acm_session_status_str(st));
  dv_acm_session_close(s);
  return st;
}

dv_acm_session_status dv_acm_session_open(dv_acm_session *s,
                                          const dv_acm_session_opts *o,
                                          char *why, size_t whylen)
{
  char e[600] = "";
  dv_loop_status ls;
  dv_aws_cfg_status cs;
  memset(s, 0, sizeof(*s));
  s->verbose = o->verbose;
  s->timeout_s = o->timeout_s;
  s->aws.profile = o->profile;
  s->aws.region = o->region;
  s->aws.endpoint_url = o->endpoint_url;
  s->aws.verbose = o->verbose;
  cs = dv_aws_ca_bundle(&s->aws, s->cainfo, sizeof(s->cainfo), e, sizeof(e));
  if (cs != DV_AWS_CFG_OK && cs != DV_AWS_CFG_NONE)
    return session_fail(s, DV_ACM_SESSION_E_CONFIG, why, whylen,
                        e[0] ? e : dv_aws_cfg_status_str(cs));
  s->loop = dv_loop_new();
  if (!s->loop)
    return session_fail(s, DV_ACM_SESSION_E_NOMEM, why, whylen, NULL);
  dv_loop_deadline_set(s->loop, (int64_t)(o->timeout_s * 1000));
  s->http = dv_http_new(s->loop, o->verbose);
  if (!s->http)
    return session_fail(s, DV_ACM_SESSION_E_NOMEM, why, whylen, NULL);
  /* phase 1: credentials (files, credential_process, container, IMDS) */
  if (dv_aws_creds_resolve(s->loop, s->http, &s->aws, session_on_creds, s) < 0)
    return session_fail(s, DV_ACM_SESSION_E_NOMEM, why, whylen, NULL);
  ls = dv_loop_run(s->loop);
  if (!s->creds_done || dv_loop_cut(ls))
    return session_fail(s, DV_ACM_SESSION_E_DEADLINE, why, whylen, NULL);
  if (!s->creds)
    return session_fail(s, DV_ACM_SESSION_E_NOMEM, why, whylen, NULL);
  if (s->creds->status != DV_AWS_CREDS_OK)
    return session_fail(s, DV_ACM_SESSION_E_CREDS, why, whylen,
                        s->creds->error[0]
                            ? s->creds->error
                            : dv_aws_creds_status_str(s->creds->status));
  s->access_key_id = s->creds->access_key_id;
  s->secret_access_key = s->creds->secret_access_key;
  s->session_token = s->creds->session_token;
  s->creds_source = dv_aws_source_str(s->creds->source);
  if (whylen)
    why[0] = '\0';
  return DV_ACM_SESSION_OK;
}

static void session_refreshed(void *arg, dv_aws_creds *cr)
{
  dv_acm_session *s = arg;
  int ok = cr && cr->status == DV_AWS_CREDS_OK;
  s->refreshing = 0;
  s->refreshed = 1;
  if (s->verbose)
    dv_trace("dvcheck: AWS credentials expired mid-run: %s",
             ok ? "resolved again" : (cr ? cr->error : "out of memory"));
  if (ok) {
    dv_aws_creds *old = s->creds;
    s->creds = cr;
    s->access_key_id = cr->access_key_id;
    s->secret_access_key = cr->secret_access_key;
    s->session_token = cr->session_token;
    dv_aws_creds_free(old);
  } else
    dv_aws_creds_free(cr);
  for (size_t i = 0; i < s->nwaiters; i++) {
    dv_acm *c = s->waiters[i];
    int cok =
        ok && dv_acm_set_credentials(c, s->access_key_id, s->secret_access_key,
                                     s->session_token) == 0;
    dv_acm_refreshed(c, cok);
  }
  free(s->waiters);
  s->waiters = NULL;
  s->nwaiters = 0;
}

/* A client was told ExpiredToken: resolve the credentials once more,
 * without the CLI cache (what it holds was refused), never prompting. */
static void session_refresh(void *arg, dv_acm *c)
{
  dv_acm_session *s = arg;
  dv_acm **nv;
  if (s->refreshed && !s->refreshing) { /* once per run */
    dv_acm_refreshed(c, 0);
    return;
  }
  nv = realloc(s->waiters, (s->nwaiters + 1) * sizeof(*nv));
  if (!nv) {
    dv_acm_refreshed(c, 0);
    return;
  }
  s->waiters = nv;
  s->waiters[s->nwaiters++] = c;
  if (s->refreshing)
    return;
  s->refreshing = 1;
  {
    dv_aws_opts o = s->aws;
    o.no_cache_read = 1;
    o.no_prompt = 1;
    if (dv_aws_creds_resolve(s->loop, s->http, &o, session_refreshed, s) < 0)
      session_refreshed(s, NULL);
  }
}

dv_acm *dv_acm_session_client_as(dv_acm_session *s, const char *region,
                                 const char *akid, const char *secret,
                                 const char *token, const char *service,
                                 const char *target_prefix, char *endpoint,
                                 size_t endpointlen, char *why, size_t whylen)
{
  dv_acm_opts ao;
  dv_acm *c;
  if (s->nclients == s->capclients) {
    size_t nc = s->capclients ? s->capclients * 2 : 16;
    dv_acm **nv = realloc(s->clients, nc * sizeof(*nv));
    if (!nv) {
      snprintf(why, whylen, "out of memory");
      return NULL;
    }
    s->clients = nv;
    s->capclients = nc;
  }
  if (!service) {
    const char *src = NULL;
    dv_aws_cfg_status st = dv_aws_endpoint_resolve(
        &s->aws, "acm", region, endpoint, endpointlen, &src, why, whylen);
    if (st != DV_AWS_CFG_OK) {
      if (!*why)
        snprintf(why, whylen, "no ACM endpoint for region %s: %s", region,
                 dv_aws_cfg_status_str(st));
      return NULL;
    }
  }
  memset(&ao, 0, sizeof(ao));
  ao.region = region;
  ao.endpoint = endpoint;
  ao.access_key_id = akid;
  ao.secret_access_key = secret;
  ao.session_token = token;
  ao.cainfo = s->cainfo[0] ? s->cainfo : NULL;
  ao.verbose = s->verbose;
  ao.clock_offset_s = session_clock_offset();
  ao.service = service;
  ao.target_prefix = target_prefix;
  c = dv_acm_new(s->loop, s->http, &ao, why, whylen);
  if (c) {
    s->clients[s->nclients++] = c;
    if (akid == s->access_key_id) /* the session's own credentials */
      dv_acm_set_refresh(c, session_refresh, s);
  }
  return c;
}

dv_acm *dv_acm_session_client(dv_acm_session *s, const char *region,
                              char *endpoint, size_t endpointlen, char *why,
                              size_t whylen)
{
  return dv_acm_session_client_as(s, region, s->access_key_id,
                                  s->secret_access_key, s->session_token, NULL,
                                  NULL, endpoint, endpointlen, why, whylen);
}

int dv_acm_session_run(dv_acm_session *s, dv_loop_status *ls_out)
{
  dv_loop_status ls = dv_loop_run(s->loop);
  if (ls_out)
    *ls_out = ls;
  if (dv_loop_cut(ls))
    return 1;
  if (ls != DV_LOOP_OK)
    return -1;
  /* The loop can also run dry at the deadline: paced work that was due
   * after it is never started (dv_acm_region_pace), so nothing is left to
   * cancel. The run is cut short all the same. */
  return dv_loop_deadline_left_ms(s->loop) == 0 ? 1 : 0;
}

void dv_acm_session_cancel(dv_acm_session *s)
{
  dv_http_free(s->http);
  s->http = NULL;
}

void dv_acm_session_close(dv_acm_session *s)
{
  size_t i;
  dv_acm_session_cancel(s); /* HTTP first: cancelled calls report back */
  for (i = 0; i < s->nclients; i++)
    dv_acm_free(s->clients[i]);
  free(s->clients);
  s->clients = NULL;
  free(s->waiters);
  s->waiters = NULL;
  s->nwaiters = 0;
  s->nclients = s->capclients = 0;
  dv_loop_free(s->loop);
  s->loop = NULL;
  dv_aws_creds_free(s->creds); /* wipes the secrets */
  s->creds = NULL;
  s->access_key_id = s->secret_access_key = s->session_token = NULL;
}

void dv_acm_result_keep(dv_acm_result_copy *c, const dv_acm_result *res)
{
  memset(c, 0, sizeof(*c));
  c->status = res->status;
  c->err = res->err;
  snprintf(c->detail, sizeof(c->detail), "%s", res->detail);
  c->http_code = res->http_code;
  c->attempts = res->attempts;
  c->skew_known = res->skew_known;
  c->skew_s = res->skew_s;
}

void dv_acm_result_copy_finding(dv_findings *fl, const char *subject,
                                const char *op, const dv_acm_result_copy *o)
{
  dv_code code = DV_F_ACM_API_ERROR;
  dv_finding *f;
  static const char *const denied[] = {"AccessDeniedException",
                                       "AccessDenied",
                                       "UnrecognizedClientException",
                                       "InvalidClientTokenId",
                                       "InvalidSignatureException",
                                       "SignatureDoesNotMatch",
                                       "ExpiredTokenException",
                                       "MissingAuthenticationToken",
                                       "MissingAuthenticationTokenException",
                                       "IncompleteSignature",
                                       "IncompleteSignatureException"};
  switch (o->status) {
  case DV_ACM_OK:
    return;
  case DV_ACM_THROTTLED:
    code = DV_F_ACM_API_THROTTLED;
    break;
  case DV_ACM_SKEW:
    code = DV_F_ACM_CLOCK_SKEW;
    break;
  case DV_ACM_TRANSPORT:
    code = DV_F_ACM_API_UNREACHABLE;
    break;
  case DV_ACM_CANCELLED:
    code = DV_F_RUN_DEADLINE;
    break;
  case DV_ACM_API_ERROR:
    if (strcmp(o->err.code, "ResourceNotFoundException") == 0)
      code = DV_F_ACM_API_NOT_FOUND;
    for (size_t i = 0; i < sizeof(denied) / sizeof(denied[0]); i++)
      if (strcmp(o->err.code, denied[i]) == 0)
        code = DV_F_ACM_API_ACCESS_DENIED;
    break;
  default:
    break;
  }
  f = dv_findings_add(fl, code, subject);
  dv_finding_ev(fl, f, "operation", "%s", op);
  if (o->err.code[0])
    dv_finding_ev(fl, f, "error", "%s", o->err.code);
  if (o->err.message[0])
    dv_finding_ev(fl, f, "message", "%s", o->err.message);
  if (o->err.request_id[0])
    dv_finding_ev(fl, f, "request_id", "%s", o->err.request_id);
  if (o->detail[0])
    dv_finding_ev(fl, f, "detail", "%s", o->detail);
  if (o->http_code)
    dv_finding_ev(fl, f, "http_status", "%ld", o->http_code);
  dv_finding_ev(fl, f, "attempts", "%d", o->attempts);
  if (o->status == DV_ACM_SKEW) {
    if (o->skew_known)
      dv_finding_ev(fl, f, "skew",
                    "this machine's clock is %ld s %s ACM's (from the "
                    "response's Date header)",
                    o->skew_s < 0 ? -o->skew_s : o->skew_s,
                    o->skew_s > 0 ? "behind" : "ahead of");
    else
      dv_finding_ev(fl, f, "skew", "unknown (no Date header)");
  }
}

void dv_acm_result_finding(dv_findings *fl, const char *subject, const char *op,
                           const dv_acm_result *res)
{
  dv_acm_result_copy c;
  dv_acm_result_keep(&c, res);
  dv_acm_result_copy_finding(fl, subject, op, &c);
}

/* Opt-in regions the account has not enabled answer like this. */
static int region_not_enabled(const dv_acm_result *res)
{
  static const char *const codes[] = {"UnrecognizedClientException",
                                      "InvalidClientTokenId", "AuthFailure",
                                      "OptInRequired"};
  size_t i;
  if (res->status != DV_ACM_API_ERROR)
    return 0;
  for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
    if (strcmp(res->err.code, codes[i]) == 0)
      return 1;
  return 0;
}

int dv_acm_region_open(dv_acm_session *s, dv_acm_region *r, const char *name,
                       char *why, size_t whylen)
{
  snprintf(r->name, sizeof(r->name), "%s", name);
  r->loop = s->loop;
  dv_bucket_init(&r->bucket, DV_ACM_DESCRIBE_PER_MIN, DV_ACM_DESCRIBE_BURST,
                 dv_loop_now_ms());
  r->acm = dv_acm_session_client(s, r->name, r->endpoint, sizeof(r->endpoint),
                                 why, whylen);
  return r->acm ? 0 : -1;
}

int dv_acm_region_open_as(dv_acm_session *s, dv_acm_region *r, const char *name,
                          const char *akid, const char *secret,
                          const char *token, char *why, size_t whylen)
{
  snprintf(r->name, sizeof(r->name), "%s", name);
  r->loop = s->loop;
  dv_bucket_init(&r->bucket, DV_ACM_DESCRIBE_PER_MIN, DV_ACM_DESCRIBE_BURST,
                 dv_loop_now_ms());
  r->acm =
      dv_acm_session_client_as(s, r->name, akid, secret, token, NULL, NULL,
                               r->endpoint, sizeof(r->endpoint), why, whylen);
  return r->acm ? 0 : -1;
}

const json_t *dv_acm_region_listed(dv_acm_region *r, int all_regions,
                                   const dv_acm_result *res)
{
  r->listed = 1;
  if (res->status != DV_ACM_OK) {
    if (all_regions && region_not_enabled(res))
      r->skipped = 1;
    else
      dv_acm_result_finding(&r->findings, r->name, "ListCertificates", res);
    return NULL;
  }
  /* += : a streamed listing (dv_acm_region_page) has counted its pages */
  r->nlisted +=
      json_array_size(json_object_get(res->json, "CertificateSummaryList"));
  return json_object_get(res->json, "CertificateSummaryList");
}

void dv_acm_region_page(dv_acm_region *r, const json_t *summaries)
{
  r->nlisted += json_array_size(summaries);
  r->pages++;
}

static void region_on_timer(void *arg)
{
  dv_acm_region *r = arg;
  dv_loop_unref(r->loop);
  r->on_ready(r->ready_arg);
}

int dv_acm_region_pace(dv_acm_region *r, dv_timer_cb on_ready, void *arg)
{
  int64_t wait;
  if (dv_loop_deadline_left_ms(r->loop) == 0)
    return 0;
  wait = dv_bucket_take(&r->bucket, dv_loop_now_ms());
  if (wait <= 0)
    return 1;
  if (!r->timer.due_ms) {
    r->on_ready = on_ready;
    r->ready_arg = arg;
    dv_loop_ref(r->loop); /* the timer is outstanding work */
    dv_loop_timer_arm(r->loop, &r->timer, wait, region_on_timer, r);
  }
  return 0;
}

json_t *dv_acm_region_json(const dv_acm_region *r, size_t npicked)
{
  return json_pack("{s:s, s:s, s:s, s:I, s:I, s:o}", "kind", "region", "region",
                   r->name, "state",
                   r->skipped      ? "not_enabled"
                   : !r->listed    ? "unfinished"
                   : r->findings.n ? "error"
                                   : "listed",
                   "listed", (json_int_t)r->nlisted, "expiring",
                   (json_int_t)npicked, "findings",
                   dv_findings_json(&r->findings));
}

void dv_acm_region_deadline(dv_acm_region *r, size_t undone, size_t total,
                            double timeout_s)
{
  dv_finding *f;
  if (r->listed && !undone)
    return;
  f = dv_findings_add(&r->findings, DV_F_RUN_DEADLINE, r->name);
  if (!r->listed)
    dv_finding_ev(&r->findings, f, "detail", "not listed yet");
  else
    dv_finding_ev(&r->findings, f, "not_diagnosed", "%zu of %zu", undone,
                  total);
  dv_finding_ev(&r->findings, f, "hint",
                "raise --timeout (now %g s): DescribeCertificate is paced at "
                "%g a second per region",
                timeout_s, DV_ACM_DESCRIBE_PER_MIN / 60.0);
}

void dv_acm_region_close(dv_acm_region *r)
{
  dv_findings_free(&r->findings);
  if (r->loop)
    dv_loop_timer_disarm(r->loop, &r->timer);
}
