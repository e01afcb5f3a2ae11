/* Unit tests: the token bucket (ratelimit.c). */
#include "config.h"

#include "base/ratelimit.h"
#include "unit.h"

START_TEST(bucket_burst_then_rate)
{
  dv_bucket b;
  dv_bucket_init(&b, 60, 2, 1000); /* one a second, bursts of two */
  ck_assert_int_eq(dv_bucket_take(&b, 1000), 0);
  ck_assert_int_eq(dv_bucket_take(&b, 1000), 0);
  /* empty: the next token comes in about a second */
  ck_assert_int_ge(dv_bucket_take(&b, 1000), 999);
  ck_assert_int_le(dv_bucket_take(&b, 1000), 1001);
  ck_assert_int_gt(dv_bucket_take(&b, 1500), 0);
  ck_assert_int_eq(dv_bucket_take(&b, 2001), 0);
  /* a long pause refills only up to the burst */
  ck_assert_int_eq(dv_bucket_take(&b, 100000), 0);
  ck_assert_int_eq(dv_bucket_take(&b, 100000), 0);
  ck_assert_int_gt(dv_bucket_take(&b, 100000), 0);
}
END_TEST

START_TEST(bucket_zero_rate)
{
  dv_bucket b;
  dv_bucket_init(&b, 0, 1, 0);
  ck_assert_int_eq(dv_bucket_take(&b, 0), 0);
  ck_assert(dv_bucket_take(&b, 5000) == INT64_MAX);
}
END_TEST

START_TEST(bucket_clock_backwards)
{
  dv_bucket b;
  dv_bucket_init(&b, 600, 1, 5000);
  ck_assert_int_eq(dv_bucket_take(&b, 5000), 0);
  /* time going backwards never adds tokens */
  ck_assert_int_gt(dv_bucket_take(&b, 1000), 0);
}
END_TEST

Suite *suite_ratelimit(void)
{
  Suite *s = suite_create("ratelimit");
  TCase *tc = tcase_create("ratelimit");
  tcase_add_test(tc, bucket_burst_then_rate);
  tcase_add_test(tc, bucket_zero_rate);
  tcase_add_test(tc, bucket_clock_backwards);
  suite_add_tcase(s, tc);
  return s;
}
