/* Unit tests: MX-host classification helpers. */
#include "config.h"

#include "check/check_email.h"
#include "unit.h"

START_TEST(t_public)
{
  ck_assert(dv_addr_is_public("192.0.2.25")); /* documentation: modelled */
  ck_assert(dv_addr_is_public("2001:db8::1"));
  ck_assert(!dv_addr_is_public("127.0.0.1"));
  ck_assert(!dv_addr_is_public("10.1.2.3"));
  ck_assert(!dv_addr_is_public("172.16.0.1"));
  ck_assert(dv_addr_is_public("172.32.0.1"));
  ck_assert(!dv_addr_is_public("192.168.1.1"));
  ck_assert(!dv_addr_is_public("169.254.1.1"));
  ck_assert(!dv_addr_is_public("100.64.0.1"));
  ck_assert(!dv_addr_is_public("0.0.0.0"));
  ck_assert(!dv_addr_is_public("224.0.0.1"));
  ck_assert(!dv_addr_is_public("::1"));
  ck_assert(!dv_addr_is_public("fe80::1"));
  ck_assert(!dv_addr_is_public("fd00::1"));
  ck_assert(!dv_addr_is_public("::ffff:10.0.0.1"));
  ck_assert(!dv_addr_is_public("not an address"));
}
END_TEST

START_TEST(t_literal)
{
  ck_assert(dv_host_is_ip_literal("192.0.2.25."));
  ck_assert(dv_host_is_ip_literal("[2001:db8::1]"));
  ck_assert(!dv_host_is_ip_literal("mail.example.com."));
  ck_assert(!dv_host_is_ip_literal("1.2.3.example."));
}
END_TEST

START_TEST(t_doubled)
{
  ck_assert(
      dv_host_doubled_suffix("mail.example.com.example.com.", "example.com"));
  ck_assert(!dv_host_doubled_suffix("mail.example.com.", "example.com"));
  ck_assert(
      !dv_host_doubled_suffix("mail.xexample.com.example.com", "example.com"));
}
END_TEST

Suite *suite_email(void)
{
  Suite *s = suite_create("email");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_public);
  tcase_add_test(tc, t_literal);
  tcase_add_test(tc, t_doubled);
  suite_add_tcase(s, tc);
  return s;
}
