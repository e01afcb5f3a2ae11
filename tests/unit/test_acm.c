/* Unit tests: the ACM client's pure parts -- ARN parsing, error parsing,
 * retry classification, backoff schedule, clock-skew detection, HTTP
 * dates. Table-driven. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "aws/acm_client.h"
#include "unit.h"

typedef struct {
  const char *arn;
  dv_arn_status want;
  const char *region, *id; /* on success */
} arn_case;

static const arn_case arn_cases[] = {
    {"arn:aws:acm:us-east-1:123456789012:certificate/"
     "ac100000-0000-4000-8000-000000000001",
     DV_ARN_OK, "us-east-1", "ac100000-0000-4000-8000-000000000001"},
    {"arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc", DV_ARN_OK,
     "cn-north-1", "abc"},
    {"arn:aws-us-gov:acm:us-gov-west-1:123456789012:certificate/x-1", DV_ARN_OK,
     "us-gov-west-1", "x-1"},
    {"arn:aws:acm:ap-southeast-2:000000000000:certificate/A1", DV_ARN_OK,
     "ap-southeast-2", "A1"},
    {"", DV_ARN_EMPTY, NULL, NULL},
    {"arn:aws:acm:us-east-1:123456789012", DV_ARN_NOT_ARN, NULL, NULL},
    {"urn:aws:acm:us-east-1:123456789012:certificate/a", DV_ARN_NOT_ARN, NULL,
     NULL},
    {"ac100000-0000-4000-8000-000000000001", DV_ARN_NOT_ARN, NULL, NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/a:b", DV_ARN_RESOURCE,
     NULL, NULL},
    {"arn:azure:acm:us-east-1:123456789012:certificate/a", DV_ARN_PARTITION,
     NULL, NULL},
    {"arn::acm:us-east-1:123456789012:certificate/a", DV_ARN_PARTITION, NULL,
     NULL},
    {"arn:AWS:acm:us-east-1:123456789012:certificate/a", DV_ARN_PARTITION, NULL,
     NULL},
    {"arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/a",
     DV_ARN_SERVICE, NULL, NULL},
    {"arn:aws:s3:us-east-1:123456789012:certificate/a", DV_ARN_SERVICE, NULL,
     NULL},
    {"arn:aws:acm::123456789012:certificate/a", DV_ARN_REGION, NULL, NULL},
    {"arn:aws:acm:us_east_1:123456789012:certificate/a", DV_ARN_REGION, NULL,
     NULL},
    {"arn:aws:acm:-us-east-1:123456789012:certificate/a", DV_ARN_REGION, NULL,
     NULL},
    {"arn:aws:acm:123:123456789012:certificate/a", DV_ARN_REGION, NULL, NULL},
    {"arn:aws:acm:cn-north-1:123456789012:certificate/a", DV_ARN_REGION, NULL,
     NULL},
    {"arn:aws-cn:acm:us-east-1:123456789012:certificate/a", DV_ARN_REGION, NULL,
     NULL},
    {"arn:aws-us-gov:acm:us-east-1:123456789012:certificate/a", DV_ARN_REGION,
     NULL, NULL},
    {"arn:aws:acm:us-east-1:12345678901:certificate/a", DV_ARN_ACCOUNT, NULL,
     NULL},
    {"arn:aws:acm:us-east-1:1234567890123:certificate/a", DV_ARN_ACCOUNT, NULL,
     NULL},
    {"arn:aws:acm:us-east-1:12345678901a:certificate/a", DV_ARN_ACCOUNT, NULL,
     NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/", DV_ARN_RESOURCE, NULL,
     NULL},
    {"arn:aws:acm:us-east-1:123456789012:cert/abc", DV_ARN_RESOURCE, NULL,
     NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/a/b", DV_ARN_RESOURCE,
     NULL, NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/a_b", DV_ARN_RESOURCE,
     NULL, NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/a b", DV_ARN_BAD_CHAR,
     NULL, NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/a\x1b[31m",
     DV_ARN_BAD_CHAR, NULL, NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/a;rm", DV_ARN_BAD_CHAR,
     NULL, NULL},
    {"arn:aws:acm:us-east-1:123456789012:certificate/\xc3\xa9", DV_ARN_BAD_CHAR,
     NULL, NULL},
    {" arn:aws:acm:us-east-1:123456789012:certificate/a", DV_ARN_BAD_CHAR, NULL,
     NULL},
};

START_TEST(test_arn_parse)
{
  const arn_case *c = &arn_cases[_i];
  dv_acm_arn a;
  char why[256];
  dv_arn_status st = dv_acm_arn_parse(c->arn, &a, why, sizeof(why));
  ck_assert_msg(st == c->want, "%s: got %s (%s), want %s", c->arn,
                dv_arn_status_str(st), why, dv_arn_status_str(c->want));
  if (st == DV_ARN_OK) {
    ck_assert_str_eq(a.region, c->region);
    ck_assert_str_eq(a.id, c->id);
    ck_assert_str_eq(a.account, strchr(c->arn + 8, ':') ? a.account : "");
  } else {
    ck_assert(why[0] != '\0');
    for (const char *p = why; *p; p++)
      ck_assert_msg((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7F,
                    "unsafe byte in the reason for %s", c->arn);
  }
}
END_TEST

START_TEST(test_arn_overlong)
{
  char big[600];
  dv_acm_arn a;
  char why[256];
  memset(big, 'a', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  memcpy(big, "arn:aws:acm:us-east-1:123456789012:certificate/", 47);
  ck_assert_int_eq(dv_acm_arn_parse(big, &a, why, sizeof(why)),
                   DV_ARN_TOO_LONG);
  big[47 + 129] = '\0'; /* ID of 129 characters */
  ck_assert_int_eq(dv_acm_arn_parse(big, &a, why, sizeof(why)),
                   DV_ARN_RESOURCE);
}
END_TEST

typedef struct {
  long http;
  const char *body, *hdr;
  int rc;
  const char *code, *message;
} err_case;

static const err_case err_cases[] = {
    {400,
     "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Could not "
     "find\"}",
     NULL, 0, "ResourceNotFoundException", "Could not find"},
    {400,
     "{\"__type\":\"com.amazon.coral.availability#ThrottlingException\","
     "\"message\":\"Rate exceeded\"}",
     NULL, 0, "ThrottlingException", "Rate exceeded"},
    {400,
     "{\"__type\":\"com.amazonaws.acm#InvalidStateException:http://"
     "internal.amazon.com/coral/\",\"Message\":\"bad state\"}",
     NULL, 0, "InvalidStateException", "bad state"},
    {403, "{\"__type\":\"AccessDeniedException\",\"Message\":\"User: x\"}",
     NULL, 0, "AccessDeniedException", "User: x"},
    {500, "<html>oops</html>", NULL, -1, "HTTP 500", ""},
    {503, "", "ServiceUnavailable:http://internal", 0, "ServiceUnavailable",
     ""},
    {400, "{\"message\":\"no type\"}", NULL, -1, "HTTP 400", "no type"},
    {400, "[1,2]", NULL, -1, "HTTP 400", ""},
    {400, "{\"__type\":\"a#b#Weird\\u001bCode\"}", NULL, 0, "Weird?Code", ""},
    {400, "{\"__type\":\"X\",\"message\":\"line\\nbreak\\u001b[31m\"}", NULL, 0,
     "X", "line\\x0Abreak\\x1B[31m"},
};

START_TEST(test_error_parse)
{
  const err_case *c = &err_cases[_i];
  dv_acm_error e;
  int rc = dv_acm_error_parse(c->http, c->body, strlen(c->body), c->hdr,
                              "req-1", &e);
  ck_assert_int_eq(rc, c->rc);
  ck_assert_str_eq(e.code, c->code);
  ck_assert_str_eq(e.message, c->message);
  ck_assert_str_eq(e.request_id, "req-1");
}
END_TEST

START_TEST(test_retry_classify)
{
  ck_assert_int_eq(
      dv_acm_retry_classify(DV_HTTP_OK, 400, "ThrottlingException"),
      DV_ACM_RETRY_THROTTLE);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_OK, 400, "Throttling"),
                   DV_ACM_RETRY_THROTTLE);
  ck_assert_int_eq(
      dv_acm_retry_classify(DV_HTTP_OK, 400, "TooManyRequestsException"),
      DV_ACM_RETRY_THROTTLE);
  ck_assert_int_eq(
      dv_acm_retry_classify(DV_HTTP_OK, 400, "RequestLimitExceeded"),
      DV_ACM_RETRY_THROTTLE);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_OK, 429, "HTTP 429"),
                   DV_ACM_RETRY_THROTTLE);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_OK, 500, "InternalFailure"),
                   DV_ACM_RETRY_TRANSIENT);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_OK, 503, "HTTP 503"),
                   DV_ACM_RETRY_TRANSIENT);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_OK, 502, ""),
                   DV_ACM_RETRY_TRANSIENT);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_OK, 504, ""),
                   DV_ACM_RETRY_TRANSIENT);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_CONNECT, 0, ""),
                   DV_ACM_RETRY_TRANSIENT);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_TIMEOUT, 0, ""),
                   DV_ACM_RETRY_TRANSIENT);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_TLS, 0, ""), DV_ACM_RETRY_NO);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_CANCELLED, 0, ""),
                   DV_ACM_RETRY_NO);
  ck_assert_int_eq(
      dv_acm_retry_classify(DV_HTTP_OK, 400, "ResourceNotFoundException"),
      DV_ACM_RETRY_NO);
  ck_assert_int_eq(
      dv_acm_retry_classify(DV_HTTP_OK, 400, "InvalidStateException"),
      DV_ACM_RETRY_NO);
  ck_assert_int_eq(dv_acm_retry_classify(DV_HTTP_OK, 501, ""), DV_ACM_RETRY_NO);
}
END_TEST

START_TEST(test_backoff)
{
  /* cap doubles from 100 ms: 100, 200, 400, ... up to 20 s */
  static const int64_t caps[] = {100,  200,   400,   800,   1600, 3200,
                                 6400, 12800, 20000, 20000, 20000};
  ck_assert_int_eq(dv_acm_backoff_ms(0, 0.5), 0);
  for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
    int64_t lo = dv_acm_backoff_ms(i + 1, 0.0);
    int64_t mid = dv_acm_backoff_ms(i + 1, 0.5);
    int64_t hi = dv_acm_backoff_ms(i + 1, 0.999999);
    ck_assert_int_eq(lo, 0);
    ck_assert_int_eq(mid, caps[i] / 2);
    ck_assert_msg(hi < caps[i] && hi >= caps[i] - 1, "retry %u: %lld", i + 1,
                  (long long)hi);
  }
  ck_assert_int_eq(dv_acm_backoff_ms(1000, 0.5), 10000);
  ck_assert_int_eq(dv_acm_backoff_ms(3, 7.0), 399); /* r clamped below 1 */
  ck_assert_int_eq(dv_acm_backoff_ms(3, -1.0), 0);
}
END_TEST

START_TEST(test_skew)
{
  dv_acm_error e;
  memset(&e, 0, sizeof(e));
  strcpy(e.code, "InvalidSignatureException");
  strcpy(e.message, "Signature expired: 20260101T000000Z is now earlier "
                    "than ...");
  ck_assert(dv_acm_is_skew_error(&e));
  strcpy(e.message, "Signature not yet current: 20260101T000000Z is still "
                    "later than ...");
  ck_assert(dv_acm_is_skew_error(&e));
  strcpy(e.message, "The request signature we calculated does not match");
  ck_assert(!dv_acm_is_skew_error(&e));
  strcpy(e.code, "RequestTimeTooSkewed");
  e.message[0] = '\0';
  ck_assert(dv_acm_is_skew_error(&e));
  strcpy(e.code, "ThrottlingException");
  ck_assert(!dv_acm_is_skew_error(&e));
}
END_TEST

START_TEST(test_http_date)
{
  time_t t;
  ck_assert_int_eq(dv_http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT", &t), 0);
  ck_assert_int_eq((long long)t, 784111777LL);
  ck_assert_int_eq(dv_http_date_parse("Sunday, 06-Nov-94 08:49:37 GMT", &t), 0);
  ck_assert_int_eq((long long)t, 784111777LL);
  ck_assert_int_eq(dv_http_date_parse("Sun Nov  6 08:49:37 1994", &t), 0);
  ck_assert_int_eq((long long)t, 784111777LL);
  ck_assert_int_eq(dv_http_date_parse("Sun, 06 Nov 1994 08:49:37 CET", &t), -1);
  ck_assert_int_eq(dv_http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", &t), -1);
  ck_assert_int_eq(dv_http_date_parse("Sun, 06 Nov 1994 25:49:37 GMT", &t), -1);
  ck_assert_int_eq(dv_http_date_parse("", &t), -1);
  ck_assert_int_eq(dv_http_date_parse(NULL, &t), -1);
}
END_TEST

START_TEST(test_region)
{
  ck_assert(dv_acm_region_valid("us-east-1", "aws"));
  ck_assert(dv_acm_region_valid("ap-southeast-2", NULL));
  ck_assert(dv_acm_region_valid("us-gov-west-1", "aws-us-gov"));
  ck_assert(dv_acm_region_valid("cn-northwest-1", "aws-cn"));
  ck_assert(!dv_acm_region_valid("us-gov-west-1", "aws"));
  ck_assert(!dv_acm_region_valid("us-iso-east-1", "aws"));
  ck_assert(!dv_acm_region_valid("us-east-1", "aws-cn"));
  ck_assert(!dv_acm_region_valid("us-east-1", "aws-iso"));
  /* the name rule is botocore's (dv_aws_region_valid): any DNS label that
   * is not all digits, so future region names work */
  ck_assert(dv_acm_region_valid("eusc-de-east-1", NULL));
  ck_assert(dv_acm_region_valid("us-east-1a", "aws"));
  ck_assert(!dv_acm_region_valid("us_east_1", NULL));
  ck_assert(!dv_acm_region_valid("us-east-1.evil.test", NULL));
  ck_assert(!dv_acm_region_valid("us-east-1-", NULL));
  ck_assert(!dv_acm_region_valid("12345", NULL));
  ck_assert(!dv_acm_region_valid("", NULL));
  ck_assert(!dv_acm_region_valid(NULL, NULL));
}
END_TEST

Suite *suite_acm(void)
{
  Suite *s = suite_create("acm");
  TCase *tc = tcase_create("acm");
  tcase_add_loop_test(tc, test_arn_parse, 0,
                      (int)(sizeof(arn_cases) / sizeof(arn_cases[0])));
  tcase_add_test(tc, test_arn_overlong);
  tcase_add_loop_test(tc, test_error_parse, 0,
                      (int)(sizeof(err_cases) / sizeof(err_cases[0])));
  tcase_add_test(tc, test_retry_classify);
  tcase_add_test(tc, test_backoff);
  tcase_add_test(tc, test_skew);
  tcase_add_test(tc, test_http_date);
  tcase_add_test(tc, test_region);
  suite_add_tcase(s, tc);
  return s;
}
