/* Unit tests: the DNS message parser, including hostile messages. */
#include "config.h"

#include <string.h>

#include "dns/msg.h"
#include "unit.h"

/* A hand-made answer: good.test MX 10 mail.good.test (compressed). */
static const unsigned char mx_answer[] = {
    0x12, 0x34, 0x85, 0x80, 0,   1, 0,   1,   0,   0,   0,    0,
    4,    'g',  'o',  'o',  'd', 4, 't', 'e', 's', 't', 0,    0,
    15,   0,    1,    0xC0, 12,  0, 15,  0,   1,   0,   0,    1,
    44,   0,    9,    0,    10,  4, 'm', 'a', 'i', 'l', 0xC0, 12};

START_TEST(t_mx)
{
  dv_dns_msg m;
  uint16_t pref;
  char host[DV_DNS_NAME_MAX];
  ck_assert_int_eq(dv_dns_msg_parse(mx_answer, sizeof(mx_answer), &m),
                   DV_DNS_MSG_OK);
  ck_assert_int_eq(m.aa, 1);
  ck_assert_int_eq(m.rcode, 0);
  ck_assert_str_eq(m.qname, "good.test.");
  ck_assert_uint_eq(m.nrr, 1);
  ck_assert_int_eq(dv_dns_rr_mx(&m, &m.rr[0], &pref, host, sizeof(host)), 0);
  ck_assert_uint_eq(pref, 10);
  ck_assert_str_eq(host, "mail.good.test.");
  dv_dns_msg_free(&m);
}
END_TEST

START_TEST(t_hostile)
{
  unsigned char buf[64];
  dv_dns_msg m;
  /* pointer loop */
  memcpy(buf, mx_answer, 12);
  buf[5] = 1;
  buf[7] = 0;
  buf[12] = 0xC0;
  buf[13] = 12;
  ck_assert_int_eq(dv_dns_msg_parse(buf, 18, &m), DV_DNS_MSG_BADNAME);
  /* truncated everywhere */
  for (size_t l = 0; l < sizeof(mx_answer); l++)
    ck_assert_int_ne(dv_dns_msg_parse(mx_answer, l, &m), DV_DNS_MSG_OK);
  /* escape bytes in a label come out as \DDD */
  {
    static const unsigned char esc[] = {0, 0, 0x80, 0,   0,   1, 0, 0, 0, 0, 0,
                                        0, 3, 0x1B, '[', 'a', 0, 0, 1, 0, 1};
    ck_assert_int_eq(dv_dns_msg_parse(esc, sizeof(esc), &m), DV_DNS_MSG_OK);
    ck_assert_str_eq(m.qname, "\\027\\091a.");
    dv_dns_msg_free(&m);
  }
}
END_TEST

START_TEST(t_name_eq)
{
  ck_assert(dv_dns_name_eq("Good.Test.", "good.test"));
  ck_assert(!dv_dns_name_eq("good.test", "good.tes"));
  ck_assert(dv_dns_name_eq(".", "."));
}
END_TEST

Suite *suite_dnsmsg(void)
{
  Suite *s = suite_create("dnsmsg");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_mx);
  tcase_add_test(tc, t_hostile);
  tcase_add_test(tc, t_name_eq);
  suite_add_tcase(s, tc);
  return s;
}
