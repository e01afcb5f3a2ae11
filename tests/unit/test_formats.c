/* Unit tests: --format markdown's escaping (dv_md_fput) and --format
 * openmetrics (label escaping, one block per family, counts, duplicates,
 * check's perfdata). The real consumers run in tests/formats.sh. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report_markdown.h"
#include "src/report_metrics.h"
#include "unit.h"

static char *md(const char *s, int trusted)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  ck_assert_ptr_nonnull(f);
  dv_md_fput(f, s, trusted);
  fclose(f);
  return buf;
}

START_TEST(md_escapes_markup)
{
  char *o = md("<script>a|b`c*d_e[f](g)&h\"i~j\\k", 0);
  ck_assert_str_eq(o, "&lt;script&gt;a&#124;b\\`c\\*d\\_e\\[f\\](g)&amp;h&quot;"
                      "i&#126;j\\\\x5Ck");
  free(o);
}
END_TEST

START_TEST(md_untrusted_bytes_use_base_text)
{
  /* a newline cannot start a block; UTF-8 and controls become \xHH */
  char *o = md("a\n# b\xc3\xa9\x1b", 0);
  ck_assert_str_eq(o, "a\\\\x0A# b\\\\xC3\\\\xA9\\\\x1B");
  free(o);
  o = md("\xc2\xa7 3.2 <x>\n", 1); /* trusted: UTF-8 kept, markup still not */
  ck_assert_str_eq(o, "\xc2\xa7 3.2 &lt;x&gt; ");
  free(o);
}
END_TEST

static char *metrics(const char *json)
{
  json_error_t err;
  json_t *doc = json_loads(json, 0, &err);
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
  ck_assert_ptr_nonnull(doc);
  f = open_memstream(&buf, &len);
  ck_assert_int_eq(dv_metrics_print(f, doc, 1.5, 1800000000), 0);
  fclose(f);
  json_decref(doc);
  return buf;
}

START_TEST(metrics_labels_counts_blocks)
{
  char *o = metrics(
      "{\"command\":\"email\",\"exit_code\":2,\"results\":["
      "{\"name\":\"a\\\"b\\\\c\\nd\",\"verdict\":\"failure\",\"validation_"
      "domain\":null,\"findings\":[{\"code\":\"MX_NULL\",\"severity\":"
      "\"error\"},{\"code\":\"MX_NULL\",\"severity\":\"error\"},{\"code\":"
      "\"NOT_A_CODE\",\"severity\":\"error\"}]},"
      "{\"name\":\"a\\\"b\\\\c\\nd\",\"verdict\":\"ok\",\"findings\":[]}]}");
  /* " and \ escaped for the exposition, after base/text's \xHH */
  ck_assert_ptr_nonnull(strstr(
      o, "dvcheck_findings{command=\"email\",name=\"a\\\"b\\\\x5Cc\\\\x0Ad\","
         "code=\"MX_NULL\",severity=\"error\"} 2\n"));
  ck_assert_ptr_null(strstr(o, "NOT_A_CODE")); /* codes are the catalogue's */
  /* the name given twice: its first verdict only */
  ck_assert_ptr_nonnull(strstr(o, "state=\"failure\"} 1\n"));
  ck_assert_ptr_null(strstr(o, "state=\"ok\"} 1\n"));
  ck_assert_ptr_nonnull(
      strstr(o, "dvcheck_run_duration_seconds{command=\"email\"} 1.500000\n"));
  ck_assert_ptr_nonnull(
      strstr(o, "dvcheck_run_success{command=\"email\"} 1\n"));
  ck_assert_ptr_nonnull(strstr(o, "dvcheck_results{command=\"email\"} 2\n"));
  /* one # TYPE per family, # EOF last */
  ck_assert_ptr_null(strstr(strstr(o, "# TYPE dvcheck_findings ") + 1,
                            "# TYPE dvcheck_findings "));
  ck_assert_str_eq(o + strlen(o) - 6, "# EOF\n");
  free(o);
}
END_TEST

START_TEST(metrics_acm_expiry)
{
  char *o = metrics(
      "{\"command\":\"expiry\",\"exit_code\":3,\"results\":["
      "{\"kind\":\"region\",\"region\":\"us-east-1\",\"state\":\"listed\","
      "\"listed\":7,\"expiring\":1,\"findings\":[]},"
      "{\"kind\":\"certificate\",\"arn\":\"arn:x\",\"region\":\"us-east-1\","
      "\"domain\":\"d.test\",\"type\":\"IMPORTED\",\"not_after\":"
      "\"2027-01-15T08:00:00.000Z\",\"validation\":null,\"verdict\":"
      "\"EXPIRY_IMPORTED\",\"severity\":\"error\",\"findings\":[]}]}");
  ck_assert_ptr_nonnull(
      strstr(o, "dvcheck_acm_certificate_not_after_timestamp_seconds{command="
                "\"expiry\",account=\"\",region=\"us-east-1\",arn=\"arn:x\","
                "domain=\"d.test\"} 1800000000\n"));
  ck_assert_ptr_nonnull(
      strstr(o, "dvcheck_acm_certificate_expiry_seconds{command=\"expiry\","
                "account=\"\",region=\"us-east-1\",arn=\"arn:x\",domain=\"d."
                "test\"} 0\n"));
  ck_assert_ptr_nonnull(strstr(o, "verdict_code=\"EXPIRY_IMPORTED\"} 1\n"));
  ck_assert_ptr_nonnull(strstr(
      o, "dvcheck_acm_region_certificates{command=\"expiry\",account=\"\","
         "region=\"us-east-1\"} 7\n"));
  ck_assert_ptr_nonnull(
      strstr(o, "dvcheck_run_success{command=\"expiry\"} 0\n"));
  free(o);
}
END_TEST

START_TEST(metrics_check_perfdata)
{
  dv_nagios_out n;
  char *buf = NULL;
  size_t len = 0;
  FILE *f;
  dv_nagios_out_init(&n);
  n.state = DV_NAGIOS_WARNING;
  dv_nagios_perf_add(&n, "days", 20, NULL, NULL, NULL, 0, 0, 0, 0);
  dv_nagios_perf_add(&n, "time", 0.2, "s", NULL, NULL, 1, 0, 0, 0);
  dv_nagios_long(&n, "warning ENDPOINT_CERT_EXPIRING h.test: days_left=20");
  dv_nagios_long(&n, "some other line");
  f = open_memstream(&buf, &len);
  ck_assert_int_eq(dv_metrics_check_print(f, "h.test", &n, 0.25, 1800000000),
                   1);
  fclose(f);
  ck_assert_ptr_nonnull(
      strstr(buf, "dvcheck_check_certificate_expiry_seconds{target=\"h.test\"} "
                  "1728000\n"));
  ck_assert_ptr_nonnull(strstr(
      buf, "dvcheck_check_status{command=\"check\",target=\"h.test\",state="
           "\"warning\"} 1\n"));
  ck_assert_ptr_nonnull(
      strstr(buf, "code=\"ENDPOINT_CERT_EXPIRING\",severity=\"warning\"} 1\n"));
  free(buf);
  dv_nagios_out_free(&n);
}
END_TEST

Suite *suite_formats(void)
{
  Suite *s = suite_create("formats");
  TCase *tc = tcase_create("formats");
  tcase_add_test(tc, md_escapes_markup);
  tcase_add_test(tc, md_untrusted_bytes_use_base_text);
  tcase_add_test(tc, metrics_labels_counts_blocks);
  tcase_add_test(tc, metrics_acm_expiry);
  tcase_add_test(tc, metrics_check_perfdata);
  suite_add_tcase(s, tc);
  return s;
}
