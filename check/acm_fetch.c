/* dvcheck -- one ACM certificate by ARN. See acm_fetch.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/acm_fetch.h"
#include "base/loop.h"

void dv_acm_fetch_on_describe(void *arg, const dv_acm_result *res)
{
  dv_acm_fetch *f = arg;
  json_t *c = json_object_get(res->json, "Certificate");
  f->describe_done = 1;
  if (res->status == DV_ACM_OK && json_is_object(c)) {
    f->detail = json_incref(c);
    return;
  }
  f->describe_failed = 1;
  dv_acm_result_keep(&f->describe_res, res);
  if (res->status == DV_ACM_OK) { /* 200 without a Certificate object */
    f->describe_res.status = DV_ACM_BAD_RESPONSE;
    snprintf(f->describe_res.detail, sizeof(f->describe_res.detail),
             "the response has no Certificate object");
  }
}

void dv_acm_fetch_on_get(void *arg, const dv_acm_result *res)
{
  dv_acm_fetch *f = arg;
  const json_t *c = json_object_get(res->json, "Certificate");
  f->get_done = 1;
  if (res->status == DV_ACM_OK && json_is_string(c)) {
    f->pemlen = json_string_length(c);
    f->pem = malloc(f->pemlen + 1);
    if (f->pem) {
      memcpy(f->pem, json_string_value(c), f->pemlen + 1);
      return;
    }
  }
  f->get_failed = 1;
  dv_acm_result_keep(&f->get_res, res);
  if (res->status == DV_ACM_OK) {
    f->get_res.status =
        json_is_string(c) ? DV_ACM_INTERNAL : DV_ACM_BAD_RESPONSE;
    snprintf(f->get_res.detail, sizeof(f->get_res.detail), "%s",
             json_is_string(c) ? "out of memory"
                               : "the response has no Certificate PEM");
  }
}

dv_acm_session_status dv_acm_fetch_run(dv_acm_fetch *f,
                                       const dv_acm_session_opts *o)
{
  dv_acm_session sess;
  char endpoint[600], why[sizeof(((dv_acm_result_copy *)0)->detail)];
  dv_acm *acm;
  int64_t t0 = dv_loop_now_ms();
  dv_acm_session_status st;

  f->why[0] = '\0';
  st = dv_acm_session_open(&sess, o, f->why, sizeof(f->why));
  if (st != DV_ACM_SESSION_OK)
    return st;
  acm = dv_acm_session_client(&sess, f->arn.region, endpoint, sizeof(endpoint),
                              why, sizeof(why));
  if (!acm) {
    /* no client: every call fails the same way */
    dv_acm_result_copy r;
    memset(&r, 0, sizeof(r));
    r.status = DV_ACM_INTERNAL;
    snprintf(r.detail, sizeof(r.detail), "%s", why);
    f->describe_failed = f->describe;
    f->describe_res = r;
    f->get_failed = f->get;
    f->get_res = r;
    goto out;
  }
  if (f->describe && dv_acm_describe_certificate(
                         acm, f->arn.arn, dv_acm_fetch_on_describe, f) < 0) {
    f->describe_failed = 1;
    f->describe_res.status = DV_ACM_INTERNAL;
    snprintf(f->describe_res.detail, sizeof(f->describe_res.detail),
             "out of memory");
  }
  if (f->get &&
      dv_acm_get_certificate(acm, f->arn.arn, dv_acm_fetch_on_get, f) < 0) {
    f->get_failed = 1;
    f->get_res.status = DV_ACM_INTERNAL;
    snprintf(f->get_res.detail, sizeof(f->get_res.detail), "out of memory");
  }
  if (dv_acm_session_run(&sess, &f->loop_status) == 1)
    f->deadline = 1;
  /* a call whose callback never ran: the loop stopped first */
  if (f->describe && !f->describe_done && !f->describe_failed) {
    f->describe_failed = 1;
    f->describe_res.status = DV_ACM_CANCELLED;
    snprintf(f->describe_res.detail, sizeof(f->describe_res.detail),
             "no answer within -t %g s", o->timeout_s);
  }
  if (f->get && !f->get_done && !f->get_failed) {
    f->get_failed = 1;
    f->get_res.status = DV_ACM_CANCELLED;
    snprintf(f->get_res.detail, sizeof(f->get_res.detail),
             "no answer within -t %g s", o->timeout_s);
  }
out:
  dv_acm_session_close(&sess);
  f->elapsed_ms = dv_loop_now_ms() - t0;
  return DV_ACM_SESSION_OK;
}

void dv_acm_fetch_free(dv_acm_fetch *f)
{
  json_decref(f->detail);
  f->detail = NULL;
  free(f->pem);
  f->pem = NULL;
}

void dv_acm_fetch_error_str(const dv_acm_result_copy *r, const char *op,
                            char *out, size_t outlen)
{
  switch (r->status) {
  case DV_ACM_API_ERROR:
    snprintf(out, outlen, "%s: %s%s%.200s", op, r->err.code,
             r->err.message[0] ? ": " : "", r->err.message);
    break;
  case DV_ACM_THROTTLED:
    snprintf(out, outlen, "%s: throttled by ACM (%s) after %d attempts", op,
             r->err.code[0] ? r->err.code : "ThrottlingException", r->attempts);
    break;
  case DV_ACM_SKEW:
    if (r->skew_known)
      snprintf(out, outlen,
               "%s: rejected for clock skew: this machine's "
               "clock is %ld s %s ACM's",
               op, r->skew_s < 0 ? -r->skew_s : r->skew_s,
               r->skew_s > 0 ? "behind" : "ahead of");
    else
      snprintf(out, outlen, "%s: rejected for clock skew (%s)", op,
               r->err.code);
    break;
  case DV_ACM_TRANSPORT:
    snprintf(out, outlen, "%s: ACM unreachable: %s", op, r->detail);
    break;
  default:
    snprintf(out, outlen, "%s: %s%s%s", op, dv_acm_status_str(r->status),
             r->detail[0] ? ": " : "", r->detail);
    break;
  }
}
