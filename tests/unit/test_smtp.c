/* Unit tests: SMTP reply parser and classifier (smtp/reply.c). Replies are
 * the ones the lab's Postfix/postgrey gave (tests/smtp_lab_check.py) and
 * the examples of RFC 5321 4.2 / RFC 3463. */
#include "config.h"

#include <string.h>

#include "smtp/smtp.h"
#include "unit.h"

/* Parse all of s as one reply; returns the parse status. */
static dv_smtp_parse_status parse1(const char *s, size_t len, dv_smtp_reply *r)
{
  static dv_smtp_parser p;
  size_t used = 0;
  dv_smtp_parser_init(&p);
  return dv_smtp_parse(&p, s, len, &used, r);
}

static dv_smtp_rclass cls(const char *s)
{
  dv_smtp_reply r;
  ck_assert_int_eq(parse1(s, strlen(s), &r), DV_SMTP_PARSE_REPLY);
  return dv_smtp_classify(&r);
}

START_TEST(parse_single_and_enhanced)
{
  dv_smtp_reply r;
  const char *s = "550 5.1.1 <a@b.test>: Recipient address rejected: User "
                  "unknown in virtual mailbox table\r\n";
  ck_assert_int_eq(parse1(s, strlen(s), &r), DV_SMTP_PARSE_REPLY);
  ck_assert_int_eq(r.code, 550);
  ck_assert_int_eq(r.ecls, 5);
  ck_assert_int_eq(r.esubj, 1);
  ck_assert_int_eq(r.edet, 1);
  ck_assert_str_eq(r.text, "<a@b.test>: Recipient address rejected: User "
                           "unknown in virtual mailbox table");
  ck_assert_int_eq(r.nlines, 1);
}
END_TEST

START_TEST(parse_multiline_ehlo)
{
  dv_smtp_reply r;
  const char *s = "250-pf-main.smtp.test\r\n250-PIPELINING\r\n250-SIZE "
                  "10240000\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n";
  ck_assert_int_eq(parse1(s, strlen(s), &r), DV_SMTP_PARSE_REPLY);
  ck_assert_int_eq(r.code, 250);
  ck_assert_int_eq(r.nlines, 5);
  ck_assert_int_eq(r.ecls, 0);
  ck_assert_str_eq(r.text, "pf-main.smtp.test\nPIPELINING\nSIZE "
                           "10240000\nSTARTTLS\nSMTPUTF8");
}
END_TEST

START_TEST(parse_in_pieces_and_pipelined)
{
  /* bytes arrive one at a time; two replies in one buffer */
  const char *s = "250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n";
  dv_smtp_parser p;
  dv_smtp_reply r;
  size_t used = 0, i;
  int got = 0;
  dv_smtp_parser_init(&p);
  for (i = 1; i <= strlen(s); i++) {
    dv_smtp_parse_status st;
    while ((st = dv_smtp_parse(&p, s, i, &used, &r)) == DV_SMTP_PARSE_REPLY)
      got++;
    ck_assert_int_eq(st, DV_SMTP_PARSE_MORE);
  }
  ck_assert_int_eq(got, 2);
  ck_assert_int_eq(r.edet, 5);
}
END_TEST

START_TEST(parse_bad_input)
{
  dv_smtp_reply r;
  char big[3000];
  char many[100 * 8 + 16];
  size_t i, n = 0;
  ck_assert_int_eq(parse1("HTTP/1.1 400 Bad\r\n", 18, &r), DV_SMTP_PARSE_BAD);
  ck_assert_int_eq(parse1("25x ok\r\n", 8, &r), DV_SMTP_PARSE_BAD);
  ck_assert_int_eq(parse1("250+ok\r\n", 8, &r), DV_SMTP_PARSE_BAD);
  ck_assert_int_eq(parse1("650 what\r\n", 10, &r), DV_SMTP_PARSE_BAD);
  ck_assert_int_eq(parse1("250-a\r\n550 b\r\n", 14, &r), DV_SMTP_PARSE_MIXED);
  memset(big, 'A', sizeof(big));
  memcpy(big, "220 ", 4);
  ck_assert_int_eq(parse1(big, sizeof(big), &r), DV_SMTP_PARSE_TOO_LONG);
  for (i = 0; i < 101; i++) {
    memcpy(many + n, "220-xx\r\n", 8);
    n += 8;
  }
  ck_assert_int_eq(parse1(many, n, &r), DV_SMTP_PARSE_TOO_MANY);
}
END_TEST

START_TEST(parse_hostile_bytes_kept_bounded)
{
  /* NUL, ESC and invalid UTF-8 stay bytes (the caller escapes); a bare
   * "250" line is a complete reply; text is bounded */
  static const char s[] = "220-a \x1b]0;x\x07\r\n220 \x00\x9b\xff ready\r\n";
  dv_smtp_reply r;
  ck_assert_int_eq(parse1(s, sizeof(s) - 1, &r), DV_SMTP_PARSE_REPLY);
  ck_assert_int_eq(r.code, 220);
  ck_assert_uint_eq(r.textlen, 8 + 1 + 9);
  ck_assert_int_eq(r.text[9], 0);
  ck_assert_int_eq(parse1("250\r\n", 5, &r), DV_SMTP_PARSE_REPLY);
  ck_assert_uint_eq(r.textlen, 0);
  {
    char lines[60 * 100];
    size_t n = 0;
    static const char l[] = "250-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n";
    for (int i = 0; i < 59; i++) {
      memcpy(lines + n, l, sizeof(l) - 1);
      n += sizeof(l) - 1;
    }
    memcpy(lines + n, "250 end\r\n", 9);
    n += 9;
    ck_assert_int_eq(parse1(lines, n, &r), DV_SMTP_PARSE_REPLY);
    ck_assert(r.truncated);
    ck_assert_uint_lt(r.textlen, DV_SMTP_TEXT_MAX);
  }
}
END_TEST

START_TEST(enhanced_code_rules)
{
  int c, s, d;
  ck_assert_uint_eq(dv_smtp_enhanced_parse("5.1.1 x", 7, &c, &s, &d), 6);
  ck_assert_uint_eq(dv_smtp_enhanced_parse("4.7.1", 5, &c, &s, &d), 5);
  ck_assert_uint_eq(dv_smtp_enhanced_parse("5.1000.1 x", 10, &c, &s, &d), 0);
  ck_assert_uint_eq(dv_smtp_enhanced_parse("3.1.1 x", 7, &c, &s, &d), 0);
  ck_assert_uint_eq(dv_smtp_enhanced_parse("5.1.1x", 6, &c, &s, &d), 0);
  ck_assert_uint_eq(dv_smtp_enhanced_parse("5.1 x", 5, &c, &s, &d), 0);
  {
    /* a class that contradicts the basic code is not taken */
    dv_smtp_reply r;
    ck_assert_int_eq(parse1("550 2.1.5 odd\r\n", 15, &r), DV_SMTP_PARSE_REPLY);
    ck_assert_int_eq(r.ecls, 0);
    ck_assert_str_eq(r.text, "2.1.5 odd");
  }
}
END_TEST

START_TEST(classify_replies)
{
  ck_assert_int_eq(cls("250 2.1.5 Ok\r\n"), DV_SMTP_RC_ACCEPTED);
  ck_assert_int_eq(cls("251 2.1.5 User not local; will forward\r\n"),
                   DV_SMTP_RC_FORWARDED);
  ck_assert_int_eq(cls("252 2.1.5 Cannot VRFY user\r\n"),
                   DV_SMTP_RC_CANNOT_VERIFY);
  ck_assert_int_eq(cls("550 5.1.1 <x@y>: Recipient address rejected: User "
                       "unknown in virtual mailbox table\r\n"),
                   DV_SMTP_RC_MAILBOX_UNKNOWN);
  ck_assert_int_eq(cls("550 No such user here\r\n"),
                   DV_SMTP_RC_MAILBOX_UNKNOWN);
  ck_assert_int_eq(cls("553 5.1.3 bad address syntax\r\n"),
                   DV_SMTP_RC_MAILBOX_UNKNOWN);
  ck_assert_int_eq(cls("550 5.2.1 mailbox disabled\r\n"),
                   DV_SMTP_RC_MAILBOX_UNKNOWN);
  ck_assert_int_eq(cls("552 5.2.2 mailbox full\r\n"), DV_SMTP_RC_MAILBOX_FULL);
  ck_assert_int_eq(cls("554 5.7.1 <x@y>: Relay access denied\r\n"),
                   DV_SMTP_RC_POLICY);
  ck_assert_int_eq(cls("550 5.7.1 Client host rejected\r\n"),
                   DV_SMTP_RC_POLICY);
  ck_assert_int_eq(cls("554 Transaction failed\r\n"), DV_SMTP_RC_POLICY);
  ck_assert_int_eq(cls("550 5.1.8 bad sender domain\r\n"), DV_SMTP_RC_REFUSED);
  ck_assert_int_eq(cls("500 5.5.2 syntax error\r\n"), DV_SMTP_RC_REFUSED);
  ck_assert_int_eq(cls("451 4.3.0 <x@y>: Temporary lookup failure\r\n"),
                   DV_SMTP_RC_TEMPORARY);
  ck_assert_int_eq(cls("452 4.2.2 mailbox full, try again later\r\n"),
                   DV_SMTP_RC_TEMPORARY);
  ck_assert_int_eq(cls("354 go ahead\r\n"), DV_SMTP_RC_OTHER);
}
END_TEST

START_TEST(classify_greylisting)
{
  /* postgrey through Postfix, as the lab's pf-grey says it */
  ck_assert_int_eq(cls("450 4.2.0 <admin@grey.smtp.test>: Recipient address "
                       "rejected: Greylisted, see "
                       "http://postgrey.schweikert.ch/help/grey.smtp.test."
                       "html\r\n"),
                   DV_SMTP_RC_GREYLISTED);
  ck_assert_int_eq(cls("451 4.7.1 Please try again later\r\n"),
                   DV_SMTP_RC_GREYLISTED);
  ck_assert_int_eq(cls("451-4.7.1 Greylisting in action, please come back "
                       "later\r\n451 4.7.1 (milter-greylist)\r\n"),
                   DV_SMTP_RC_GREYLISTED);
  ck_assert_int_eq(cls("421 4.7.0 Try again later, closing connection.\r\n"),
                   DV_SMTP_RC_GREYLISTED);
  /* 5xx never greylisting; 4.3.0 without the words is not either */
  ck_assert_int_eq(cls("550 5.7.1 greylisted forever\r\n"), DV_SMTP_RC_POLICY);
  ck_assert_int_eq(cls("451 4.3.0 try again later\r\n"), DV_SMTP_RC_TEMPORARY);
}
END_TEST

Suite *suite_smtp(void)
{
  Suite *s = suite_create("smtp");
  TCase *tc = tcase_create("reply");
  tcase_add_test(tc, parse_single_and_enhanced);
  tcase_add_test(tc, parse_multiline_ehlo);
  tcase_add_test(tc, parse_in_pieces_and_pipelined);
  tcase_add_test(tc, parse_bad_input);
  tcase_add_test(tc, parse_hostile_bytes_kept_bounded);
  tcase_add_test(tc, enhanced_code_rules);
  tcase_add_test(tc, classify_replies);
  tcase_add_test(tc, classify_greylisting);
  suite_add_tcase(s, tc);
  return s;
}
