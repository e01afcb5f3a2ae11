/* Unit tests: the AWS shared-file parser (aws_config.c), against the rules
 * of Python's configparser as botocore uses it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "aws/aws_config.h"
#include "aws/aws_creds.h"
#include "unit.h"

static dv_awscfg_status parse(const char *text, dv_awscfg_file *f)
{
  char err[300];
  return dv_awscfg_parse(text, strlen(text), f, err, sizeof(err));
}

static const char *get(const dv_awscfg_file *f, const char *sec,
                       const char *key)
{
  return dv_awscfg_get(f, dv_awscfg_section_find(f, sec), key);
}

START_TEST(t_basic)
{
  dv_awscfg_file f;
  ck_assert_int_eq(parse("# c\n; c\n[default]\naws_access_key_id = AKIA\n"
                         "aws_secret_access_key=s3cr3t \n\n[dev]\nRegion : "
                         "eu-west-1\nx = a # not a comment\nempty =\n",
                         &f),
                   DV_AWSCFG_OK);
  ck_assert_uint_eq(f.nsections, 2);
  ck_assert_str_eq(get(&f, "default", "aws_access_key_id"), "AKIA");
  ck_assert_str_eq(get(&f, "default", "aws_secret_access_key"), "s3cr3t");
  ck_assert_str_eq(get(&f, "dev", "region"), "eu-west-1"); /* lower-cased */
  ck_assert_str_eq(get(&f, "dev", "x"), "a # not a comment");
  ck_assert_str_eq(get(&f, "dev", "empty"), "");
  ck_assert_ptr_null(get(&f, "dev", "aws_access_key_id"));
  ck_assert_ptr_null(dv_awscfg_section_find(&f, "Dev")); /* case matters */
  dv_awscfg_free(&f);
}
END_TEST

START_TEST(t_line_ends_and_headers)
{
  dv_awscfg_file f;
  ck_assert_int_eq(parse("  [a b]  trailing\r\nk=1\r[c]]\rk=2\r\n", &f),
                   DV_AWSCFG_OK);
  ck_assert_str_eq(get(&f, "a b", "k"), "1");
  ck_assert_str_eq(get(&f, "c]", "k"), "2"); /* up to the last ']' */
  dv_awscfg_free(&f);
}
END_TEST

START_TEST(t_continuation_and_nested)
{
  dv_awscfg_file f;
  const dv_awscfg_section *s;
  ck_assert_int_eq(parse("[default]\nlong = one\n  two\n\n  three\n"
                         "s3 =\n  max_concurrent_requests = 20\n"
                         "  # comment inside\n  addressing_style=path\n"
                         "region = us-east-1\n",
                         &f),
                   DV_AWSCFG_OK);
  s = dv_awscfg_section_find(&f, "default");
  ck_assert_str_eq(dv_awscfg_get(&f, s, "long"), "one\ntwo\n\nthree");
  ck_assert_ptr_null(dv_awscfg_get(&f, s, "s3")); /* nested: not a value */
  ck_assert_str_eq(dv_awscfg_sub_get(&f, s, "s3", "addressing_style"), "path");
  ck_assert_str_eq(dv_awscfg_sub_get(&f, s, "s3", "max_concurrent_requests"),
                   "20");
  ck_assert_str_eq(dv_awscfg_get(&f, s, "region"), "us-east-1");
  dv_awscfg_free(&f);
}
END_TEST

START_TEST(t_default_section)
{
  dv_awscfg_file f;
  ck_assert_int_eq(
      parse("[DEFAULT]\nregion = x-1\n[a]\n[b]\nregion = y-2\n", &f),
      DV_AWSCFG_OK);
  ck_assert_uint_eq(f.nsections, 2);
  ck_assert_str_eq(get(&f, "a", "region"), "x-1");
  ck_assert_str_eq(get(&f, "b", "region"), "y-2");
  dv_awscfg_free(&f);
}
END_TEST

static const struct {
  const char *text;
  dv_awscfg_status st;
} bad[] = {
    {"k = v\n[default]\n", DV_AWSCFG_E_SYNTAX},
    {"[default]\njust words\n", DV_AWSCFG_E_SYNTAX},
    {"[default]\n= value\n", DV_AWSCFG_E_SYNTAX},
    {"[a]\n[a]\n", DV_AWSCFG_E_DUPLICATE},
    {"[a]\nk=1\nK=2\n", DV_AWSCFG_E_DUPLICATE},
    {"[a]\ns3 =\n  no equals\n", DV_AWSCFG_E_SYNTAX},
    {"\xef\xbb\xbf[default]\n", DV_AWSCFG_E_SYNTAX},
    {"[a]\nk = \xff\n", DV_AWSCFG_E_ENCODING},
    {"[a]\nk = \xc0\xaf\n", DV_AWSCFG_E_ENCODING},     /* overlong */
    {"[a]\nk = \xed\xa0\x80\n", DV_AWSCFG_E_ENCODING}, /* surrogate */
    {"[a]\nk = \xe2\x82\n", DV_AWSCFG_E_ENCODING},     /* truncated */
    {"[]\n", DV_AWSCFG_E_SYNTAX},
};

START_TEST(t_bad)
{
  dv_awscfg_file f;
  char err[300];
  dv_awscfg_status st =
      dv_awscfg_parse(bad[_i].text, strlen(bad[_i].text), &f, err, sizeof(err));
  ck_assert_int_eq(st, bad[_i].st);
  ck_assert(err[0] != '\0');
  ck_assert_uint_eq(f.nsections, 0); /* released */
}
END_TEST

START_TEST(t_binary_and_huge)
{
  dv_awscfg_file f;
  char err[300];
  static const char nul[] = "[a]\nk = v\0w\n";
  char *big = malloc(DV_AWSCFG_MAX_BYTES + 2);
  ck_assert_ptr_nonnull(big);
  ck_assert_int_eq(dv_awscfg_parse(nul, sizeof(nul) - 1, &f, err, sizeof(err)),
                   DV_AWSCFG_E_BINARY);
  memset(big, '#', DV_AWSCFG_MAX_BYTES + 1);
  ck_assert_int_eq(
      dv_awscfg_parse(big, DV_AWSCFG_MAX_BYTES + 1, &f, err, sizeof(err)),
      DV_AWSCFG_E_TOO_BIG);
  free(big);
  ck_assert_int_eq(dv_awscfg_parse("", 0, &f, err, sizeof(err)), DV_AWSCFG_OK);
  ck_assert_uint_eq(f.nsections, 0);
  dv_awscfg_free(&f);
  ck_assert_int_eq(dv_awscfg_load("/nonexistent/x", &f, err, sizeof(err)),
                   DV_AWSCFG_NOT_FOUND);
  ck_assert_int_eq(dv_awscfg_load("/", &f, err, sizeof(err)),
                   DV_AWSCFG_NOT_FOUND); /* a directory: absent */
}
END_TEST

START_TEST(t_errors_hide_values)
{
  dv_awscfg_file f;
  char err[300];
  const char *t = "[a]\naws_secret_access_key = TOPSECRET\n"
                  "aws_secret_access_key = TOPSECRET2\n";
  ck_assert_int_eq(dv_awscfg_parse(t, strlen(t), &f, err, sizeof(err)),
                   DV_AWSCFG_E_DUPLICATE);
  ck_assert_ptr_null(strstr(err, "TOPSECRET"));
  /* key and section names are escaped (fuzz_awsconfig: a raw \x02) */
  t = "[a\033]\n\033[2J = 1\n\033[2j = 2\n";
  ck_assert_int_eq(dv_awscfg_parse(t, strlen(t), &f, err, sizeof(err)),
                   DV_AWSCFG_E_DUPLICATE);
  ck_assert_ptr_null(strchr(err, '\033'));
  ck_assert_ptr_nonnull(strstr(err, "key '\\x1B[2j'"));
  ck_assert_ptr_nonnull(strstr(err, "[a\\x1B]"));
}
END_TEST

START_TEST(t_profile_names)
{
  char n[64];
  ck_assert_int_eq(
      dv_awscfg_section_prefixed("default", "profile", n, sizeof(n)), 0);
  ck_assert_str_eq(n, "default");
  ck_assert_int_eq(
      dv_awscfg_section_prefixed("profile dev", "profile", n, sizeof(n)), 0);
  ck_assert_str_eq(n, "dev");
  ck_assert_int_eq(
      dv_awscfg_section_prefixed("profile  \"a b\"", "profile", n, sizeof(n)),
      0);
  ck_assert_str_eq(n, "a b");
  ck_assert_int_eq(
      dv_awscfg_section_prefixed("profile a b", "profile", n, sizeof(n)), -1);
  ck_assert_int_eq(
      dv_awscfg_section_prefixed("profile", "profile", n, sizeof(n)), -1);
  ck_assert_int_eq(
      dv_awscfg_section_prefixed("profile 'x", "profile", n, sizeof(n)), -1);
  ck_assert_int_eq(dv_awscfg_section_prefixed("dev", "profile", n, sizeof(n)),
                   -1);
  ck_assert_int_eq(
      dv_awscfg_section_prefixed("services lab", "services", n, sizeof(n)), 0);
  ck_assert_str_eq(n, "lab");
}
END_TEST

START_TEST(t_shlex)
{
  int argc;
  char **v =
      dv_shlex_split(" /bin/x  'a b' \"c \\\" d\" e\\ f \"\" g'h'i ", &argc);
  ck_assert_ptr_nonnull(v);
  ck_assert_int_eq(argc, 6);
  ck_assert_str_eq(v[0], "/bin/x");
  ck_assert_str_eq(v[1], "a b");
  ck_assert_str_eq(v[2], "c \" d");
  ck_assert_str_eq(v[3], "e f");
  ck_assert_str_eq(v[4], "");
  ck_assert_str_eq(v[5], "ghi");
  ck_assert_ptr_null(v[6]);
  free(v);
  v = dv_shlex_split("\"a\\nb\"", &argc); /* only \" and \\ escape */
  ck_assert_str_eq(v[0], "a\\nb");
  free(v);
  ck_assert_ptr_null(dv_shlex_split("'open", &argc));
  ck_assert_int_eq(argc, -1);
  ck_assert_ptr_null(dv_shlex_split("x\\", &argc));
  v = dv_shlex_split("   ", &argc);
  ck_assert_int_eq(argc, 0);
  free(v);
}
END_TEST

START_TEST(t_region_rules)
{
  ck_assert(dv_aws_region_valid("us-east-1"));
  ck_assert(dv_aws_region_valid("xx-future-7"));
  ck_assert(!dv_aws_region_valid(""));
  ck_assert(!dv_aws_region_valid("12345"));
  ck_assert(!dv_aws_region_valid("-us"));
  ck_assert(!dv_aws_region_valid("us-"));
  ck_assert(!dv_aws_region_valid("us_east_1"));
  ck_assert(!dv_aws_region_valid("us-east-1.evil.com"));
  ck_assert_str_eq(dv_aws_region_dns_suffix("cn-north-1"), "amazonaws.com.cn");
  ck_assert_str_eq(dv_aws_region_dns_suffix("cn-north"), "amazonaws.com");
  ck_assert_str_eq(dv_aws_region_dns_suffix("us-iso-east-1"), "c2s.ic.gov");
  ck_assert_str_eq(dv_aws_region_dns_suffix("us-isob-east-1"), "sc2s.sgov.gov");
  ck_assert_str_eq(dv_aws_region_dns_suffix("eu-west-1"), "amazonaws.com");
}
END_TEST

Suite *suite_awsconfig(void)
{
  Suite *s = suite_create("awsconfig");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_basic);
  tcase_add_test(tc, t_line_ends_and_headers);
  tcase_add_test(tc, t_continuation_and_nested);
  tcase_add_test(tc, t_default_section);
  tcase_add_loop_test(tc, t_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
  tcase_add_test(tc, t_binary_and_huge);
  tcase_add_test(tc, t_errors_hide_values);
  tcase_add_test(tc, t_profile_names);
  tcase_add_test(tc, t_shlex);
  tcase_add_test(tc, t_region_rules);
  suite_add_tcase(s, tc);
  return s;
}
