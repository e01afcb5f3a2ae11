/* Unit tests: Nagios threshold ranges, states and output, table-driven
 * against the examples of the monitoring-plugins development guidelines
 * ("Threshold and ranges", "Performance data"). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "src/nagios.h"
#include "unit.h"

/* One range and values with the expected alert. */
typedef struct {
  const char *range;
  double value;
  int alert;
} range_case;

static const range_case range_cases[] = {
    /* "10": alert if < 0 or > 10 */
    {"10", -1, 1},
    {"10", -0.001, 1},
    {"10", 0, 0},
    {"10", 5, 0},
    {"10", 10, 0},
    {"10", 10.001, 1},
    {"10", 11, 1},
    /* "10:": alert if < 10 */
    {"10:", 9.99, 1},
    {"10:", 10, 0},
    {"10:", 1e9, 0},
    {"10:", -5, 1},
    /* "~:10": alert if > 10 */
    {"~:10", -1e9, 0},
    {"~:10", 10, 0},
    {"~:10", 10.5, 1},
    /* "10:20": alert if < 10 or > 20 */
    {"10:20", 9, 1},
    {"10:20", 10, 0},
    {"10:20", 15, 0},
    {"10:20", 20, 0},
    {"10:20", 21, 1},
    /* "@10:20": alert if >= 10 and <= 20 */
    {"@10:20", 9, 0},
    {"@10:20", 10, 1},
    {"@10:20", 15, 1},
    {"@10:20", 20, 1},
    {"@10:20", 20.1, 0},
    /* decimals and negative numbers */
    {"0.5:1.5", 0.4, 1},
    {"0.5:1.5", 1.5, 0},
    {"-10:-5", -7, 0},
    {"-10:-5", -4, 1},
    {"-10:-5", -11, 1},
    {"@-1:1", 0, 1},
    {"@-1:1", 2, 0},
    {"-5:", -5, 0},
    {"-5:", -6, 1},
    {"~:-3", -2, 1},
    {"@~:0", -1, 1},
    {"@~:0", 1, 0},
    {"@10:", 10, 1},
    {"@10", 0, 1},
    {"@10", 11, 0},
    {":5", -1, 1},
    {":5", 5, 0},
    {"+3", 2, 0},
    /* an unset range never alerts: "@0:0" inverted is the only way to
     * alert on exactly zero */
    {"@0:0", 0, 1},
    {"@0:0", 0.1, 0},
    {"0:0", 0, 0},
    {"0:0", 1, 1},
};

START_TEST(t_ranges)
{
  for (size_t i = 0; i < sizeof(range_cases) / sizeof(range_cases[0]); i++) {
    const range_case *c = &range_cases[i];
    dv_nagios_range r;
    char why[128];
    ck_assert_msg(dv_nagios_range_parse(c->range, &r, why, sizeof(why)) == 0,
                  "%s: %s", c->range, why);
    ck_assert_msg(dv_nagios_range_alert(&r, c->value) == c->alert,
                  "range %s value %g: alert %d, want %d", c->range, c->value,
                  !c->alert, c->alert);
    ck_assert_str_eq(r.text, c->range);
  }
}
END_TEST

START_TEST(t_bad_ranges)
{
  static const char *const bad[] = {
      "",      "@",
      ":",     "~",
      "~:",    "abc",
      "10:5",  "@20:10",
      "1:2:3", "1e3",
      "0x10",  "inf",
      "nan",   "10 ",
      " 10",   "10:x",
      "x:10",  "--1",
      "1.2.3", "~10",
      ".",     "-",
      "10::",  "@@1",
      "1:~",   "1234567890123456789012345678901234567890123456789012345678901"};
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    dv_nagios_range r;
    char why[128];
    ck_assert_msg(dv_nagios_range_parse(bad[i], &r, why, sizeof(why)) < 0,
                  "'%s' accepted", bad[i]);
    ck_assert(!r.set);
    ck_assert(why[0] != '\0');
  }
}
END_TEST

/* State from -w/-c, as the guidelines' check_stuff examples. */
typedef struct {
  const char *w, *c;
  double value;
  dv_nagios_state want;
} state_case;

static const state_case state_cases[] = {
    {"10", "20", 5, DV_NAGIOS_OK}, /* check_stuff -w10 -c20 */
    {"10", "20", 15, DV_NAGIOS_WARNING},
    {"10", "20", 25, DV_NAGIOS_CRITICAL},
    {"10", "20", -1, DV_NAGIOS_CRITICAL},
    {"~:10", "~:20", 25, DV_NAGIOS_CRITICAL},
    {"10:", "5:", 7, DV_NAGIOS_WARNING}, /* fewer than 10: warn */
    {"10:", "5:", 4, DV_NAGIOS_CRITICAL},
    {"10:", "5:", 10, DV_NAGIOS_OK},
    {"30:", "14:", 200, DV_NAGIOS_OK}, /* days to expiry */
    {"30:", "14:", 10, DV_NAGIOS_CRITICAL},
    {"30:", "14:", 20, DV_NAGIOS_WARNING},
    {"30:", "14:", -1, DV_NAGIOS_CRITICAL},
    {"@10:20", NULL, 15, DV_NAGIOS_WARNING},
    {NULL, "@10:20", 15, DV_NAGIOS_CRITICAL},
    {"90:100", "80:100", 85, DV_NAGIOS_WARNING},
    {NULL, NULL, 1e9, DV_NAGIOS_OK},
};

START_TEST(t_states)
{
  for (size_t i = 0; i < sizeof(state_cases) / sizeof(state_cases[0]); i++) {
    const state_case *c = &state_cases[i];
    dv_nagios_range w, cr;
    char why[64];
    memset(&w, 0, sizeof(w));
    memset(&cr, 0, sizeof(cr));
    if (c->w)
      ck_assert_int_eq(dv_nagios_range_parse(c->w, &w, why, sizeof(why)), 0);
    if (c->c)
      ck_assert_int_eq(dv_nagios_range_parse(c->c, &cr, why, sizeof(why)), 0);
    ck_assert_msg(dv_nagios_state_of(c->value, &w, &cr) == c->want,
                  "-w %s -c %s value %g", c->w ? c->w : "-", c->c ? c->c : "-",
                  c->value);
  }
  ck_assert_int_eq(dv_nagios_state_worst(DV_NAGIOS_OK, DV_NAGIOS_UNKNOWN),
                   DV_NAGIOS_UNKNOWN);
  ck_assert_int_eq(dv_nagios_state_worst(DV_NAGIOS_WARNING, DV_NAGIOS_UNKNOWN),
                   DV_NAGIOS_WARNING);
  ck_assert_int_eq(dv_nagios_state_worst(DV_NAGIOS_CRITICAL, DV_NAGIOS_WARNING),
                   DV_NAGIOS_CRITICAL);
}
END_TEST

typedef struct {
  const char *in, *out;
} label_case;

static const label_case label_cases[] = {
    {"days", "days"},           {"time", "time"},
    {"days_left", "days_left"}, {"a.b-c", "a.b-c"},
    {"/ home", "'/ home'"}, /* spaces: quotes required */
    {"it's", "'it''s'"},    /* a quote is doubled */
    {"a=b", "'a_b'"},       /* '=' is not allowed in a label */
    {"x|y", "'x_y'"},           {"", "''"},
};

START_TEST(t_labels)
{
  for (size_t i = 0; i < sizeof(label_cases) / sizeof(label_cases[0]); i++) {
    char out[64];
    dv_nagios_label(label_cases[i].in, out, sizeof(out));
    ck_assert_str_eq(out, label_cases[i].out);
  }
}
END_TEST

typedef struct {
  double v;
  const char *out;
} number_case;

static const number_case number_cases[] = {
    {0, "0"},       {1, "1"},         {-1, "-1"},
    {10.5, "10.5"}, {0.125, "0.125"}, {1.23456, "1.235"},
    {-0.0001, "0"}, {200, "200"},     {1e12, "1000000000000"},
};

START_TEST(t_numbers)
{
  for (size_t i = 0; i < sizeof(number_cases) / sizeof(number_cases[0]); i++) {
    char out[64];
    dv_nagios_number(number_cases[i].v, out, sizeof(out));
    ck_assert_str_eq(out, number_cases[i].out);
  }
}
END_TEST

START_TEST(t_output)
{
  dv_nagios_out o;
  dv_nagios_range w, c;
  char why[64], *s;

  dv_nagios_out_init(&o);
  s = dv_nagios_render(&o);
  ck_assert_str_eq(s, "DV UNKNOWN - (no summary)\n");
  free(s);

  ck_assert_int_eq(dv_nagios_range_parse("30:", &w, why, sizeof(why)), 0);
  ck_assert_int_eq(dv_nagios_range_parse("14:", &c, why, sizeof(why)), 0);
  o.state = DV_NAGIOS_WARNING;
  dv_nagios_summary(&o, "certificate expires in %d days | evil\nline", 20);
  ck_assert_int_eq(
      dv_nagios_perf_add(&o, "days", 20.25, NULL, &w, &c, 0, 0, 0, 0), 0);
  ck_assert_int_eq(
      dv_nagios_perf_add(&o, "time", 0.0421, "s", NULL, NULL, 1, 0, 0, 0), 0);
  dv_nagios_long(&o, "serial 1001");
  dv_nagios_long(&o, "issuer a|b");
  s = dv_nagios_render(&o);
  ck_assert_str_eq(s, "DV WARNING - certificate expires in 20 days / evil "
                      "line | days=20.25;30:;14:;; time=0.042s;;;0;\n"
                      "serial 1001\nissuer a/b\n");
  free(s);
  dv_nagios_out_free(&o);

  /* perfdata from the guidelines' example: 'label'=value[UOM];w;c;min;max */
  dv_nagios_out_init(&o);
  o.state = DV_NAGIOS_OK;
  dv_nagios_summary(&o, "fine");
  ck_assert_int_eq(dv_nagios_range_parse("80", &w, why, sizeof(why)), 0);
  ck_assert_int_eq(dv_nagios_range_parse("90", &c, why, sizeof(why)), 0);
  ck_assert_int_eq(
      dv_nagios_perf_add(&o, "/ usage", 45, "%", &w, &c, 1, 0, 1, 100), 0);
  s = dv_nagios_render(&o);
  ck_assert_str_eq(s, "DV OK - fine | '/ usage'=45%;80;90;0;100\n");
  free(s);
  dv_nagios_out_free(&o);
}
END_TEST

Suite *suite_nagios(void)
{
  Suite *s = suite_create("nagios");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_ranges);
  tcase_add_test(tc, t_bad_ranges);
  tcase_add_test(tc, t_states);
  tcase_add_test(tc, t_labels);
  tcase_add_test(tc, t_numbers);
  tcase_add_test(tc, t_output);
  suite_add_tcase(s, tc);
  return s;
}
