/* libFuzzer target: ACM responses (aws/acm_client.c, check/acm_fetch.c and
 * what reads them) -- the input is one response body:
 *   - as an error: dv_acm_error_parse (JSON __type/message, 400 and 500);
 *   - as DescribeCertificate / GetCertificate answers: acm_fetch's callbacks;
 *   - its Certificate (CertificateDetail) through the diagnosis
 *     (dv_cert_diag_parse, every name's verdict), the report (text and
 *     JSON), the expiry classification and the ASFF finding;
 *   - its CertificateSummaryList (ListCertificates) items through the
 *     expiry classification and ASFF;
 *   - cut at the first NUL: an ARN and an HTTP date. */
#include "config.h"

#include <stdio.h>

#include "tests/fuzz/fuzz.h"

#include "aws/acm_client.h"
#include "base/json.h"
#include "check/acm_expiry.h"
#include "check/acm_fetch.h"
#include "check/cert_diag.h"
#include "src/cert_report.h"
#include "src/report_asff.h"
#include "src/tool_cfg.h"

#define NOW 1767225600 /* 2026-01-01 */

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (!(devnull = fopen("/dev/null", "w")))
    abort();
  return 0;
}

static void one_cert(json_t *cert, unsigned world)
{
  dv_expiry_verdict v;
  dv_asff_input in;
  char buf[64];
  json_t *f;

  (void)dv_expiry_classify(cert, NOW, 45, &v);
  (void)dv_expiry_classify(cert, NOW, 0, &v);
  (void)dv_expiry_not_after(cert, buf, sizeof(buf));
  memset(&in, 0, sizeof(in));
  in.cert = cert;
  in.arn = dv_json_get_str(cert, "CertificateArn");
  in.partition = "aws";
  in.region = "us-east-1";
  in.account = "123456789012";
  in.code = "ACM_EXPIRING";
  in.severity = DV_SEV_ERROR;
  in.title = dv_json_get_str(cert, "DomainName");
  in.description = dv_json_get_str(cert, "FailureReason");
  in.now = NOW;
  f = dv_asff_finding(&in);
  json_decref(f);
  (void)world;
}

static void diagnose(json_t *cert, unsigned world)
{
  static const dv_cert_opts opts; /* zero: the defaults */
  static dv_cfg cfg;
  dv_cert_diag *d =
      dv_cert_diag_new(&opts, NULL, NULL, NULL,
                       "arn:aws:acm:us-east-1:123456789012:certificate/"
                       "ac100000-0000-4000-8000-000000000002");
  dv_findings all;
  json_t *j;
  if (!d)
    abort();
  if (dv_cert_diag_parse(d, cert) == DV_CERT_DIAG_OK) {
    for (size_t i = 0; i < d->ndvos; i++) {
      d->dvos[i].world = (dv_cert_world)((world + i) % 4);
      dv_cert_dvo_verdict(&d->dvos[i], (int)(world & 1));
      (void)dv_cert_dvo_mail_domain(&d->dvos[i]);
    }
    memset(&all, 0, sizeof(all));
    (void)dv_cert_diag_collect(d, NULL, &all);
    j = dv_cert_report_json(d, NULL, &all, 2);
    json_decref(j);
    dv_cert_report_text(devnull, &cfg, d, NULL, &all, 2);
    dv_findings_free(&all);
  }
  dv_cert_diag_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_acm_error e;
  dv_acm_result res;
  dv_acm_fetch f;
  dv_acm_arn arn;
  json_t *doc, *cert, *list, *it;
  char why[256];
  time_t t;
  size_t i;
  unsigned world = size ? data[0] : 0;

  (void)dv_acm_error_parse(400, (const char *)data, size, NULL, NULL, &e);
  (void)dv_acm_error_parse(500, (const char *)data, size, "Throttling:x", "rid",
                           &e);
  fuzz_printable(e.code);
  fuzz_printable(e.message);
  fuzz_printable(e.request_id);
  (void)dv_acm_is_skew_error(&e);
  (void)dv_acm_is_throttle_code(e.code);

  doc = json_loadb((const char *)data, size, 0, NULL);
  if (doc && json_is_object(doc)) {
    memset(&res, 0, sizeof(res));
    res.status = DV_ACM_OK;
    res.json = doc;
    memset(&f, 0, sizeof(f));
    dv_acm_fetch_on_describe(&f, &res);
    dv_acm_fetch_on_get(&f, &res);
    dv_acm_fetch_error_str(&f.describe_res, "DescribeCertificate", why,
                           sizeof(why));
    dv_acm_fetch_error_str(&f.get_res, "GetCertificate", why, sizeof(why));
    dv_acm_fetch_free(&f);

    cert = json_object_get(doc, "Certificate");
    if (json_is_object(cert)) {
      one_cert(cert, world);
      diagnose(cert, world);
    }
    list = json_object_get(doc, "CertificateSummaryList");
    json_array_foreach(list, i, it) {
      if (i >= 64)
        break;
      one_cert(it, world);
    }
  }
  json_decref(doc);
  {
    char *s = fuzz_cstr_nul(data, size);
    (void)dv_acm_arn_parse(s, &arn, why, sizeof(why));
    (void)dv_http_date_parse(s, &t);
    free(s);
  }
  return 0;
}
