/* Unit tests: base/ helpers -- the one escaping rule, UTF-8, JSON values
 * from peers (range-checked times), ISO time text. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "base/json.h"
#include "base/jsonw.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "unit.h"

START_TEST(t_escape_rule)
{
  char out[64];
  /* printable ASCII as is; backslash, controls, DEL, 8-bit as \xHH */
  dv_text_escape("a\\b\x7f\xc3\xbc\033]0;x\007", 12, out, sizeof(out));
  ck_assert_str_eq(out, "a\\x5Cb\\x7F\\xC3\\xBC\\x1B]0;x\\x07");
  /* NUL inside the length is shown, not a terminator */
  dv_text_escape("a\0b", 3, out, sizeof(out));
  ck_assert_str_eq(out, "a\\x00b");
}
END_TEST

START_TEST(t_escape_truncates_whole)
{
  char out[6];
  /* room for "ab" + one 4-byte escape would need 7: the escape is dropped */
  dv_text_escape("ab\033cd", 5, out, sizeof(out));
  ck_assert_str_eq(out, "ab");
  dv_text_escape("abcdefgh", 8, out, sizeof(out));
  ck_assert_str_eq(out, "abcde");
  dv_text_escape("x", 1, out, 0); /* no room at all: untouched, no crash */
}
END_TEST

START_TEST(t_escape_stream_same_rule)
{
  char buf[128], want[128];
  const char in[] = "ok\\\001\xff\x1b[2J";
  FILE *f = fmemopen(buf, sizeof(buf), "w");
  ck_assert_ptr_nonnull(f);
  dv_text_fput(f, in, sizeof(in) - 1);
  fclose(f);
  dv_text_escape(in, sizeof(in) - 1, want, sizeof(want));
  ck_assert_str_eq(buf, want);
}
END_TEST

/* jansson's error text quotes the input ("invalid token near 'SECRET'"):
 * the reason for messages leaves that out and is escaped */
START_TEST(t_json_error_reason)
{
  json_error_t e;
  char why[200];
  const char *doc = "{\"SecretAccessKey\": wJalrXUtnFEMI}";
  ck_assert_ptr_null(json_loads(doc, 0, &e));
  dv_json_error_reason(&e, why, sizeof(why));
  ck_assert_str_eq(why, "invalid token");
  ck_assert_ptr_null(json_loads("{\"a\": \"\001\"}", 0, &e));
  dv_json_error_reason(&e, why, sizeof(why));
  ck_assert_ptr_null(strchr(why, '\001'));
}
END_TEST

START_TEST(t_utf8)
{
  ck_assert_int_eq(dv_utf8_valid((const unsigned char *)"M\xc3\xbcller", 7), 1);
  ck_assert_uint_eq(dv_utf8_seq((const unsigned char *)"\xe2\x82\xac", 3), 3);
  /* overlong, surrogate, beyond U+10FFFF, cut short */
  ck_assert_int_eq(dv_utf8_valid((const unsigned char *)"\xc0\xaf", 2), 0);
  ck_assert_int_eq(dv_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3), 0);
  ck_assert_int_eq(dv_utf8_valid((const unsigned char *)"\xf4\x90\x80\x80", 4),
                   0);
  ck_assert_uint_eq(dv_utf8_seq((const unsigned char *)"\xe2\x82", 2), 0);
}
END_TEST

START_TEST(t_json_get)
{
  json_t *o = json_loads("{\"s\":\"v\",\"n\":1,\"t\":1700000000.5,"
                         "\"big\":1e300,\"neg\":-5,\"max\":253402300799,"
                         "\"over\":253402300800,\"huge\":9.3e18}",
                         0, NULL);
  time_t t = 0;
  double left;
  ck_assert_ptr_nonnull(o);
  ck_assert_str_eq(dv_json_get_str(o, "s"), "v");
  ck_assert_str_eq(dv_json_get_str(o, "n"), "");
  ck_assert_str_eq(dv_json_get_str(o, "absent"), "");
  ck_assert_str_eq(dv_json_get_str(NULL, "s"), "");
  ck_assert_int_eq(dv_json_get_time(o, "t", &t), 0);
  ck_assert_int_eq((long long)t, 1700000000LL);
  ck_assert_int_eq(dv_json_get_time(o, "max", &t), 0);
  /* out of range, negative, not a number: refused, never cast */
  ck_assert_int_eq(dv_json_get_time(o, "big", &t), -1);
  ck_assert_int_eq(dv_json_get_time(o, "huge", &t), -1);
  ck_assert_int_eq(dv_json_get_time(o, "over", &t), -1);
  ck_assert_int_eq(dv_json_get_time(o, "neg", &t), -1);
  ck_assert_int_eq(dv_json_get_time(o, "s", &t), -1);
  ck_assert_int_eq(dv_json_get_left(o, "t", 1700000000, &left), 0);
  ck_assert(fabs(left - 0.5) < 1e-9);
  ck_assert_int_eq(dv_json_get_left(o, "big", 0, &left), -1);
  json_decref(o);
}
END_TEST

START_TEST(t_json_str_odd_bytes)
{
  json_t *j = dv_json_str("ok\xff");
  ck_assert_ptr_nonnull(j);
  ck_assert_str_eq(json_string_value(j), "ok\\xFF");
  json_decref(j);
}
END_TEST

START_TEST(t_time_iso)
{
  char buf[40];
  ck_assert_str_eq(dv_time_iso(0, DV_TIME_SECONDS, buf, sizeof(buf)),
                   "1970-01-01T00:00:00Z");
  ck_assert_str_eq(dv_time_iso(1764629338, DV_TIME_MILLIS, buf, sizeof(buf)),
                   "2025-12-01T22:48:58.000Z");
  ck_assert_str_eq(dv_time_iso(0, DV_TIME_SECONDS, buf, 5), "?");
  ck_assert_str_eq(dv_time_iso_tm(NULL, DV_TIME_SECONDS, buf, sizeof(buf)),
                   "?");
}
END_TEST

/* The streaming writer gives jansson's bytes for the same document. */
START_TEST(t_jsonw_matches_jansson)
{
  static const char *strs[] = {"plain",
                               "q\" b\\ /n\nt\tr\rb\bf\f\001\037\177",
                               "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
                               "bad \xff\xfe utf-8",
                               "",
                               "\xed\xa0\x80 surrogate"};
  for (int compact = 0; compact < 2; compact++) {
    size_t flags =
        JSON_ENSURE_ASCII | (compact ? JSON_COMPACT : JSON_INDENT(2));
    json_t *doc = json_object(), *arr = json_array(), *sub = json_object();
    dv_buf b = {0};
    dv_jsonw w;
    char *want;
    dv_jsonw_init(&w, &b, compact ? 0 : 2, 0);
    dv_jsonw_obj(&w);
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
      json_array_append_new(arr, dv_json_str(strs[i]));
    json_object_set_new(doc, "strings", arr);
    dv_jsonw_key(&w, "strings");
    dv_jsonw_arr(&w);
    for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
      dv_jsonw_str(&w, strs[i]);
    dv_jsonw_end(&w);
    json_object_set_new(doc, "n", json_integer(-42));
    dv_jsonw_key(&w, "n");
    dv_jsonw_int(&w, -42);
    json_object_set_new(doc, "t", json_true());
    dv_jsonw_key(&w, "t");
    dv_jsonw_bool(&w, 1);
    json_object_set_new(doc, "z", json_null());
    dv_jsonw_key(&w, "z");
    dv_jsonw_null(&w);
    json_object_set_new(doc, "empty_a", json_array());
    dv_jsonw_key(&w, "empty_a");
    dv_jsonw_arr(&w);
    dv_jsonw_end(&w);
    json_object_set_new(doc, "empty_o", json_object());
    dv_jsonw_key(&w, "empty_o");
    dv_jsonw_obj(&w);
    dv_jsonw_end(&w);
    /* a jansson value placed inside, nested two deep */
    json_object_set_new(sub, "k", json_pack("[i, {s:s}, []]", 1, "x", "y"));
    json_object_set_new(doc, "deep", json_pack("[O]", sub));
    dv_jsonw_key(&w, "deep");
    dv_jsonw_arr(&w);
    dv_jsonw_json(&w, sub);
    dv_jsonw_end(&w);
    dv_jsonw_end(&w);
    want = json_dumps(doc, flags);
    ck_assert_int_eq(w.nomem, 0);
    ck_assert_str_eq(b.p, want);
    free(want);
    json_decref(sub);
    json_decref(doc);
    dv_buf_free(&b);
  }
}
END_TEST

Suite *suite_base(void)
{
  Suite *s = suite_create("base");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_escape_rule);
  tcase_add_test(tc, t_escape_truncates_whole);
  tcase_add_test(tc, t_escape_stream_same_rule);
  tcase_add_test(tc, t_utf8);
  tcase_add_test(tc, t_json_get);
  tcase_add_test(tc, t_json_error_reason);
  tcase_add_test(tc, t_jsonw_matches_jansson);
  tcase_add_test(tc, t_json_str_odd_bytes);
  tcase_add_test(tc, t_time_iso);
  suite_add_tcase(s, tc);
  return s;
}
