/* libFuzzer target: STS, SSO and Organizations replies (aws/aws_sts.c,
 * check/acm_org.c) -- the input is one response body, handled as each
 * call's reply handler does: AssumeRole* XML (success and error), SSO
 * GetRoleCredentials and SSO OIDC CreateToken JSON (success and error),
 * an Organizations ListAccounts page; cut at the first NUL, an --accounts
 * list. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "aws/aws_sts.h"
#include "base/http.h"
#include "check/acm_org.h"

static void done(void *arg, const dv_sts_result *r)
{
  int *called = arg;
  (*called)++;
  if (r->status == DV_STS_OK && r->access_key_id && !r->secret_access_key)
    abort(); /* a key id without its secret */
  (void)dv_sts_status_str(r->status);
  fuzz_printable(r->code);
  fuzz_printable(r->message);
  fuzz_printable(r->request_id);
  fuzz_printable(r->detail);
  fuzz_printable(r->assumed_arn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const dv_sts_reply_kind kinds[] = {DV_STS_REPLY_STS, DV_STS_REPLY_SSO,
                                            DV_STS_REPLY_OIDC};
  static const long codes[] = {200, 400, 403, 500};
  struct dv_http_header hdr[2] = {{"x-amzn-ErrorType", "Throttling"},
                                  {"x-amzn-RequestId", "r-1"}};
  char *body = fuzz_cstr(data, size);
  dv_http_resp resp;
  char out[256], why[256];
  dv_org org;
  json_t *doc;

  for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
    for (size_t c = 0; c < sizeof(codes) / sizeof(codes[0]); c++) {
      int called = 0;
      memset(&resp, 0, sizeof(resp));
      resp.status = DV_HTTP_OK;
      resp.code = codes[c];
      resp.body = body;
      resp.body_len = size;
      resp.url = "https://sts.example";
      if (c == 3) {
        resp.headers = hdr;
        resp.nheaders = 2;
      }
      dv_sts_reply_parse(kinds[k], &resp, done, &called);
      if (called != 1)
        abort();
    }
  (void)dv_aws_xml_text(body, size, "Arn", out, sizeof(out));
  (void)dv_aws_xml_text(body, size, "Code", out, 8);

  memset(&org, 0, sizeof(org));
  why[0] = '\0';
  doc = json_loadb(body, size, 0, NULL);
  if (doc) {
    const char *next;
    (void)dv_org_page_add(&org, doc, &next);
    for (size_t k = 0; k < org.n; k++) {
      fuzz_printable(org.v[k].name);
      fuzz_printable(org.v[k].status);
    }
    json_decref(doc);
  }
  free(body);
  body = fuzz_cstr_nul(data, size);
  if (dv_org_list_add(&org, body, 0, why, sizeof(why), "--accounts") == 0)
    (void)dv_org_list_add(&org, body, 1, why, sizeof(why), "--exclude");
  else
    fuzz_printable(why);
  {
    char *enc = dv_aws_uri_encode(body);
    free(enc);
  }
  dv_org_free(&org);
  free(body);
  return 0;
}
