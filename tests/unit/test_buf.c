/* Unit tests: the growable buffer (base/buf.c) and secret wiping. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/secret.h"
#include "unit.h"

START_TEST(buf_append_grows)
{
  dv_buf b;
  char big[1000];
  size_t n = 0;
  char *s;
  dv_buf_init(&b, 0, 0);
  ck_assert_ptr_null(b.p);
  ck_assert_int_eq(dv_buf_appends(&b, "abc"), DV_BUF_OK);
  ck_assert_int_eq(dv_buf_appendc(&b, '-'), DV_BUF_OK);
  ck_assert_int_eq(dv_buf_appendf(&b, "%d/%s", 42, "x"), DV_BUF_OK);
  ck_assert_str_eq(b.p, "abc-42/x");
  ck_assert_uint_eq(b.len, 8);
  memset(big, 'z', sizeof(big));
  for (int i = 0; i < 100; i++)
    ck_assert_int_eq(dv_buf_append(&b, big, sizeof(big)), DV_BUF_OK);
  ck_assert_uint_eq(b.len, 8 + 100 * sizeof(big));
  ck_assert_int_eq(b.p[b.len], '\0');
  ck_assert(b.cap > b.len);
  /* binary data with NULs */
  ck_assert_int_eq(dv_buf_append(&b, "\0q", 2), DV_BUF_OK);
  ck_assert_int_eq(b.p[b.len - 1], 'q');
  s = dv_buf_detach(&b, &n);
  ck_assert_ptr_nonnull(s);
  ck_assert_uint_eq(n, 8 + 100 * sizeof(big) + 2);
  ck_assert_ptr_null(b.p);
  ck_assert_uint_eq(b.len, 0);
  free(s);
  dv_buf_free(&b);
}
END_TEST

START_TEST(buf_limit)
{
  dv_buf b;
  dv_buf_init(&b, 10, 0);
  ck_assert_int_eq(dv_buf_appends(&b, "0123456789"), DV_BUF_OK);
  ck_assert_int_eq(dv_buf_appendc(&b, 'x'), DV_BUF_E_TOO_BIG);
  ck_assert_int_eq(dv_buf_appendf(&b, "%s", "y"), DV_BUF_E_TOO_BIG);
  /* a refused append leaves the contents alone */
  ck_assert_str_eq(b.p, "0123456789");
  ck_assert(b.cap <= 11);
  dv_buf_clear(&b);
  ck_assert_uint_eq(b.len, 0);
  ck_assert_str_eq(b.p, "");
  ck_assert_int_eq(dv_buf_appends(&b, "abc"), DV_BUF_OK);
  ck_assert_int_eq(dv_buf_appends(&b, "defghijk"), DV_BUF_E_TOO_BIG);
  ck_assert_str_eq(b.p, "abc");
  ck_assert_str_eq(dv_buf_status_str(DV_BUF_E_TOO_BIG),
                   "larger than the limit");
  dv_buf_free(&b);
  dv_buf_free(NULL);
}
END_TEST

START_TEST(buf_empty_detach)
{
  dv_buf b = {0};
  size_t n = 99;
  char *s = dv_buf_detach(&b, &n);
  ck_assert_ptr_nonnull(s);
  ck_assert_str_eq(s, "");
  ck_assert_uint_eq(n, 0);
  free(s);
}
END_TEST

START_TEST(buf_secret)
{
  dv_buf b;
  char *s;
  dv_buf_init(&b, 0, DV_BUF_SECRET);
  for (int i = 0; i < 50; i++)
    ck_assert_int_eq(dv_buf_appends(&b, "SECRET-"), DV_BUF_OK);
  ck_assert_uint_eq(b.len, 350);
  ck_assert_int_eq(strncmp(b.p, "SECRET-SECRET-", 14), 0);
  dv_buf_clear(&b);
  /* cleared: the whole allocation is zero */
  for (size_t i = 0; i < b.cap; i++)
    ck_assert_int_eq(b.p[i], 0);
  ck_assert_int_eq(dv_buf_appends(&b, "k"), DV_BUF_OK);
  s = dv_buf_detach(&b, NULL);
  ck_assert_str_eq(s, "k");
  dv_secret_free(s);
  dv_secret_free(NULL);
  dv_secret_free_n(NULL, 5);
  s = strdup("x");
  ck_assert_ptr_nonnull(s);
  dv_secret_free_n(s, 2);
  dv_buf_free(&b);
}
END_TEST

Suite *suite_buf(void)
{
  Suite *s = suite_create("buf");
  TCase *tc = tcase_create("buf");
  tcase_add_test(tc, buf_append_grows);
  tcase_add_test(tc, buf_limit);
  tcase_add_test(tc, buf_empty_detach);
  tcase_add_test(tc, buf_secret);
  suite_add_tcase(s, tc);
  return s;
}
