/* Unit tests: command-line parsing. */
#include "config.h"

#include <string.h>

#include "src/tool_getparam.h"
#include "unit.h"

static dv_param_status run(dv_cfg *cfg, int argc, const char **argv)
{
  char msg[256];
  return dv_getparam(argc, (char **)argv, cfg, msg, sizeof(msg));
}

START_TEST(t_globals)
{
  dv_cfg c;
  const char *a[] = {"dvcheck",
                     "--json",
                     "-vv",
                     "--resolver",
                     "127.0.0.1:5353",
                     "--resolver=[::1]:53",
                     "--timeout",
                     "2.5",
                     "email",
                     "example.com",
                     "--no-color"};
  ck_assert_int_eq(run(&c, 11, a), DV_PARAM_OK);
  ck_assert_int_eq(c.json, 1);
  ck_assert_int_eq(c.verbose, 2);
  ck_assert_int_eq(c.no_color, 1);
  ck_assert_str_eq(c.resolvers, "127.0.0.1:5353,[::1]:53");
  ck_assert(c.timeout_s > 2.4 && c.timeout_s < 2.6);
  ck_assert_str_eq(c.command, "email");
  ck_assert_uint_eq(c.nargs, 1);
  dv_cfg_free(&c);
}
END_TEST

START_TEST(t_bad)
{
  dv_cfg c;
  const char *a1[] = {"dvcheck", "--resolver", "dns.google", "email", "x"};
  const char *a2[] = {"dvcheck", "--timeout", "0", "email", "x"};
  const char *a3[] = {"dvcheck", "frobnicate"};
  const char *a4[] = {"dvcheck", "--resolver"};
  const char *a5[] = {"dvcheck", "--resolver", "1.2.3.4:99999", "email"};
  const char *a6[] = {"dvcheck", "-f", "x", "email"};
  const char *a7[] = {"dvcheck"};
  ck_assert_int_eq(run(&c, 5, a1), DV_PARAM_BAD_ARG);
  dv_cfg_free(&c);
  ck_assert_int_eq(run(&c, 5, a2), DV_PARAM_BAD_ARG);
  dv_cfg_free(&c);
  ck_assert_int_eq(run(&c, 2, a3), DV_PARAM_UNKNOWN_COMMAND);
  dv_cfg_free(&c);
  ck_assert_int_eq(run(&c, 2, a4), DV_PARAM_MISSING_ARG);
  dv_cfg_free(&c);
  ck_assert_int_eq(run(&c, 4, a5), DV_PARAM_BAD_ARG);
  dv_cfg_free(&c);
  ck_assert_int_eq(run(&c, 4, a6), DV_PARAM_UNKNOWN_OPTION);
  dv_cfg_free(&c);
  ck_assert_int_eq(run(&c, 1, a7), DV_PARAM_NO_COMMAND);
  dv_cfg_free(&c);
}
END_TEST

Suite *suite_getparam(void)
{
  Suite *s = suite_create("getparam");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_globals);
  tcase_add_test(tc, t_bad);
  suite_add_tcase(s, tc);
  return s;
}
