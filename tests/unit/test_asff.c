/* Unit tests: ASFF findings carry the 12 attributes BatchImportFindings
 * requires, ASFF timestamps, truncation on UTF-8 boundaries. */
#include "config.h"

#include <string.h>

#include "src/report_asff.h"
#include "unit.h"

static const char *const asff_required[] = {
    "SchemaVersion", "Id",    "ProductArn",  "GeneratorId",
    "AwsAccountId",  "Types", "CreatedAt",   "UpdatedAt",
    "Severity",      "Title", "Description", "Resources"};

static json_t *asff_sample(const char *title, const char *desc)
{
  json_t *cert = json_pack(
      "{s:s, s:s, s:s, s:i, s:[s,s], s:[{s:s}]}", "DomainName", "example.com",
      "Status", "ISSUED", "Type", "IMPORTED", "NotAfter", 1798761600,
      "SubjectAlternativeNames", "example.com", "www.example.com", "InUseBy",
      "Arn", "arn:aws:elasticloadbalancing:us-east-1:123456789012:lb/x");
  dv_asff_input in = {
      .cert = cert,
      .arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc",
      .partition = "aws",
      .region = "us-east-1",
      .account = "123456789012",
      .code = "CERT_EXPIRING",
      .severity = DV_SEV_ERROR,
      .title = title,
      .description = desc,
      .remediation = "Re-import a renewed certificate.",
      .now = 1795000000,
  };
  json_t *f = dv_asff_finding(&in);
  json_decref(cert);
  return f;
}

START_TEST(asff_required_fields)
{
  json_t *f = asff_sample("Certificate expires in 10 days", "Imported.");
  const json_t *r, *d;
  size_t i;
  ck_assert_ptr_nonnull(f);
  for (i = 0; i < sizeof(asff_required) / sizeof(asff_required[0]); i++)
    ck_assert_msg(json_object_get(f, asff_required[i]) != NULL, "missing %s",
                  asff_required[i]);
  ck_assert_str_eq(json_string_value(json_object_get(f, "ProductArn")),
                   "arn:aws:securityhub:us-east-1:123456789012:product/"
                   "123456789012/default");
  ck_assert_str_eq(json_string_value(json_object_get(f, "CreatedAt")),
                   "2026-11-18T11:06:40.000Z");
  ck_assert_str_eq(json_string_value(json_object_get(
                       json_object_get(f, "Severity"), "Label")),
                   "HIGH");
  r = json_array_get(json_object_get(f, "Resources"), 0);
  ck_assert_str_eq(json_string_value(json_object_get(r, "Type")),
                   "AwsCertificateManagerCertificate");
  d = json_object_get(json_object_get(r, "Details"),
                      "AwsCertificateManagerCertificate");
  ck_assert_str_eq(json_string_value(json_object_get(d, "NotAfter")),
                   "2027-01-01T00:00:00.000Z");
  ck_assert_int_eq((int)json_array_size(json_object_get(d, "InUseBy")), 1);
  ck_assert_ptr_nonnull(strstr(
      json_string_value(json_object_get(f, "Description")), "Fix: Re-import"));
  json_decref(f);
}
END_TEST

START_TEST(asff_truncates_on_utf8_boundary)
{
  char title[400], desc[3000];
  json_t *f;
  size_t i, n;
  const char *t;
  /* "é" is two bytes: 300 bytes of title, cut at 256 must not split one */
  for (i = 0; i + 2 < sizeof(title) - 100; i += 2)
    memcpy(title + i, "\xc3\xa9", 2);
  title[i] = '\0';
  memset(desc, 'd', sizeof(desc) - 1);
  desc[sizeof(desc) - 1] = '\0';
  f = asff_sample(title, desc);
  ck_assert_ptr_nonnull(f);
  t = json_string_value(json_object_get(f, "Title"));
  n = strlen(t);
  ck_assert_uint_le(n, 256);
  ck_assert_uint_eq(n % 2, 0);
  ck_assert_uint_le(
      strlen(json_string_value(json_object_get(f, "Description"))), 1024);
  json_decref(f);
}
END_TEST

START_TEST(asff_severity_labels)
{
  ck_assert_str_eq(dv_asff_severity_label(DV_SEV_INFO), "INFORMATIONAL");
  ck_assert_str_eq(dv_asff_severity_label(DV_SEV_WARNING), "MEDIUM");
  ck_assert_str_eq(dv_asff_severity_label(DV_SEV_ERROR), "HIGH");
  ck_assert_str_eq(dv_asff_severity_label(DV_SEV_FATAL), "CRITICAL");
}
END_TEST

Suite *suite_asff(void)
{
  Suite *s = suite_create("asff");
  TCase *tc = tcase_create("asff");
  tcase_add_test(tc, asff_required_fields);
  tcase_add_test(tc, asff_truncates_on_utf8_boundary);
  tcase_add_test(tc, asff_severity_labels);
  suite_add_tcase(s, tc);
  return s;
}
