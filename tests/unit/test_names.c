/* Unit tests: name normalisation, IDN, public suffixes, candidates. */
#include "config.h"

#include <string.h>

#include "base/text.h"
#include "base/names.h"
#include "unit.h"

static dv_name_status parse(const char *s, dv_name *n)
{
  char detail[256];
  return dv_name_parse(s, strlen(s), n, detail, sizeof(detail));
}

START_TEST(t_basic)
{
  dv_name n;
  ck_assert_int_eq(parse("Example.COM.", &n), DV_NAME_OK);
  ck_assert_str_eq(n.ascii, "example.com");
  ck_assert_str_eq(n.mail_domain, "example.com");
  ck_assert_str_eq(n.registrable, "example.com");
  ck_assert_int_eq(n.wildcard, 0);
}
END_TEST

START_TEST(t_wildcard_www)
{
  dv_name n;
  ck_assert_int_eq(parse("*.shop.example.com", &n), DV_NAME_OK);
  ck_assert_int_eq(n.wildcard, 1);
  ck_assert_str_eq(n.ascii, "*.shop.example.com");
  ck_assert_str_eq(n.mail_domain, "shop.example.com");
  ck_assert_int_eq(parse("www.example.com", &n), DV_NAME_OK);
  ck_assert_int_eq(n.www_removed, 1);
  ck_assert_str_eq(n.mail_domain, "example.com");
  /* www.co.uk: removing www. would leave a public suffix */
  ck_assert_int_eq(parse("www.co.uk", &n), DV_NAME_OK);
  ck_assert_int_eq(n.www_removed, 0);
  ck_assert_str_eq(n.mail_domain, "www.co.uk");
}
END_TEST

START_TEST(t_idn)
{
  dv_name n;
  ck_assert_int_eq(parse("b\xc3\xbc"
                         "cher.example",
                         &n),
                   DV_NAME_OK);
  ck_assert_str_eq(n.ascii, "xn--bcher-kva.example");
  ck_assert_int_eq(n.idn, 1);
  /* UTS#46 non-transitional: sharp s stays (xn--fa-hia) */
  ck_assert_int_eq(parse("fa\xc3\x9f.de", &n), DV_NAME_OK);
  ck_assert_str_eq(n.ascii, "xn--fa-hia.de");
  ck_assert_int_eq(parse("B\xc3\x9c"
                         "CHER.example",
                         &n),
                   DV_NAME_OK);
  ck_assert_str_eq(n.ascii, "xn--bcher-kva.example");
  ck_assert_int_eq(parse("xn--bcher-kva.example", &n), DV_NAME_OK);
  ck_assert_int_eq(parse("xn--zz.example", &n), DV_NAME_IDN);
  /* the A-label prefix in any case is checked (fuzz_names found "xN--w"
   * accepted unchecked while "xn--w" was refused) */
  ck_assert_int_eq(parse("xN--zz.example", &n), DV_NAME_IDN);
  ck_assert_int_eq(parse("Xn--zz.example", &n), DV_NAME_IDN);
  ck_assert_int_eq(parse("Xn--Bcher-Kva.example", &n), DV_NAME_OK);
  ck_assert_str_eq(n.ascii, "xn--bcher-kva.example");
}
END_TEST

START_TEST(t_errors)
{
  dv_name n;
  char big[400];
  ck_assert_int_eq(parse("", &n), DV_NAME_EMPTY);
  ck_assert_int_eq(parse("a..b", &n), DV_NAME_EMPTY_LABEL);
  ck_assert_int_eq(parse(".example.com", &n), DV_NAME_EMPTY_LABEL);
  ck_assert_int_eq(parse("-x.com", &n), DV_NAME_BAD_HYPHEN);
  ck_assert_int_eq(parse("x-.com", &n), DV_NAME_BAD_HYPHEN);
  ck_assert_int_eq(parse("exa mple.com", &n), DV_NAME_BAD_CHAR);
  ck_assert_int_eq(parse("_acme.example.com", &n), DV_NAME_UNDERSCORE);
  ck_assert_int_eq(parse("192.0.2.1", &n), DV_NAME_IP_ADDRESS);
  ck_assert_int_eq(parse("2001:db8::1", &n), DV_NAME_IP_ADDRESS);
  ck_assert_int_eq(parse("com", &n), DV_NAME_PUBLIC_SUFFIX);
  ck_assert_int_eq(parse("co.uk", &n), DV_NAME_PUBLIC_SUFFIX);
  ck_assert_int_eq(parse("*.com", &n), DV_NAME_PUBLIC_SUFFIX);
  ck_assert_int_eq(parse("a.*.example.com", &n), DV_NAME_WILDCARD);
  ck_assert_int_eq(parse("*", &n), DV_NAME_WILDCARD);
  ck_assert_int_eq(parse("example.123", &n), DV_NAME_NUMERIC_TLD);
  ck_assert_int_eq(parse("https://example.com/", &n), DV_NAME_BAD_CHAR);
  ck_assert_int_eq(dv_name_parse("a\0b.com", 7, &n, NULL, 0), DV_NAME_CONTROL);
  ck_assert_int_eq(parse("\xff\xfe.com", &n), DV_NAME_NOT_UTF8);
  ck_assert_int_eq(parse("\xc0\xaf.com", &n), DV_NAME_NOT_UTF8);
  memset(big, 'a', 64);
  strcpy(big + 64, ".com");
  ck_assert_int_eq(parse(big, &n), DV_NAME_LABEL_TOO_LONG);
  for (int i = 0; i < 300; i += 2) {
    big[i] = 'a';
    big[i + 1] = '.';
  }
  strcpy(big + 300, "com");
  ck_assert_int_eq(parse(big, &n), DV_NAME_TOO_LONG);
}
END_TEST

START_TEST(t_candidates)
{
  dv_name n;
  char c[DV_MAX_CANDIDATES][DV_NAME_LEN];
  size_t k;
  ck_assert_int_eq(parse("a.b.example.co.uk", &n), DV_NAME_OK);
  ck_assert_str_eq(n.registrable, "example.co.uk");
  k = dv_name_candidates(&n, c, DV_MAX_CANDIDATES);
  ck_assert_uint_eq(k, 3);
  ck_assert_str_eq(c[0], "a.b.example.co.uk");
  ck_assert_str_eq(c[1], "b.example.co.uk");
  ck_assert_str_eq(c[2], "example.co.uk");
  /* private-section suffixes count: never suggest someone else's domain */
  ck_assert_int_eq(parse("me.github.io", &n), DV_NAME_OK);
  ck_assert_uint_eq(dv_name_candidates(&n, c, DV_MAX_CANDIDATES), 1);
  /* unknown TLDs (the lab's .test) follow the PSL default rule */
  ck_assert_int_eq(parse("a.b.deep.test", &n), DV_NAME_OK);
  ck_assert_str_eq(n.registrable, "deep.test");
  ck_assert_uint_eq(dv_name_candidates(&n, c, DV_MAX_CANDIDATES), 3);
}
END_TEST

START_TEST(t_printable)
{
  char out[64];
  dv_text_escape("a\033[31mb\n", 8, out, sizeof(out));
  ck_assert_str_eq(out, "a\\x1B[31mb\\x0A");
}
END_TEST

/* Names that share a parent reuse its registrable domain (base/names.c
 * remembers the last one): the answers are libpsl's all the same. */
START_TEST(t_registrable_shared_parent)
{
  static const char *seq[][2] = {{"w.x.y.com", "y.com"},
                                 {"v.x.y.com", "y.com"},
                                 {"x.y.com", "y.com"},
                                 {"a.b.example.co.uk", "example.co.uk"},
                                 {"c.b.example.co.uk", "example.co.uk"},
                                 {"b.example.co.uk", "example.co.uk"},
                                 {"a.me.github.io", "me.github.io"},
                                 {"b.me.github.io", "me.github.io"},
                                 {"you.github.io", "you.github.io"},
                                 {"a.b.deep.test", "deep.test"},
                                 {"c.b.deep.test", "deep.test"},
                                 {"www.c.b.deep.test", "deep.test"}};
  dv_name n;
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
      ck_assert_int_eq(parse(seq[i][0], &n), DV_NAME_OK);
      ck_assert_str_eq(n.registrable, seq[i][1]);
    }
  /* a public suffix under a remembered parent is still refused */
  ck_assert_int_eq(parse("x.foo.github.io", &n), DV_NAME_OK);
  ck_assert_int_eq(parse("y.github.io", &n), DV_NAME_OK);
  ck_assert_int_eq(parse("github.io", &n), DV_NAME_PUBLIC_SUFFIX);
}
END_TEST

Suite *suite_names(void)
{
  Suite *s = suite_create("names");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_basic);
  tcase_add_test(tc, t_wildcard_www);
  tcase_add_test(tc, t_idn);
  tcase_add_test(tc, t_errors);
  tcase_add_test(tc, t_candidates);
  tcase_add_test(tc, t_printable);
  tcase_add_test(tc, t_registrable_shared_parent);
  suite_add_tcase(s, tc);
  return s;
}
