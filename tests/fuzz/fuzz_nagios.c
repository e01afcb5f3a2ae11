/* libFuzzer target: Nagios threshold ranges (src/nagios.c) -- -w/-c as the
 * monitoring-plugins guidelines define them, evaluated against edge values
 * and rendered into perfdata and a plug-in status line. */
#include "config.h"

#include <float.h>
#include <math.h>

#include "tests/fuzz/fuzz.h"

#include "src/nagios.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const double vals[] = {0,       -1,       1,        10,
                                29.5,    30,       1e300,    -1e300,
                                DBL_MAX, -DBL_MAX, HUGE_VAL, -HUGE_VAL};
  const uint8_t *z = memchr(data, 0, size);
  size_t n1 = z ? (size_t)(z - data) : size;
  char *w = fuzz_cstr(data, n1);
  char *c = fuzz_cstr(z ? z + 1 : data + size, z ? size - n1 - 1 : 0);
  dv_nagios_range rw, rc;
  dv_nagios_out o;
  char why[128], num[64];
  char *line;

  memset(&rw, 0, sizeof(rw));
  memset(&rc, 0, sizeof(rc));
  if (dv_nagios_range_parse(w, &rw, why, sizeof(why)) < 0)
    memset(&rw, 0, sizeof(rw));
  if (dv_nagios_range_parse(c, &rc, why, sizeof(why)) < 0)
    memset(&rc, 0, sizeof(rc));
  dv_nagios_out_init(&o);
  for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++) {
    (void)dv_nagios_range_alert(&rw, vals[i]);
    o.state =
        dv_nagios_state_worst(o.state, dv_nagios_state_of(vals[i], &rw, &rc));
    dv_nagios_number(vals[i], num, sizeof(num));
  }
  if (rw.set)
    (void)dv_nagios_range_alert(&rw, rw.start);
  dv_nagios_label(w, num, sizeof(num));
  dv_nagios_summary(&o, "%s", w);
  dv_nagios_long(&o, "%s", c);
  (void)dv_nagios_perf_add(&o, w, 12.5, "d", &rw, &rc, 1, 0, 0, 0);
  line = dv_nagios_render(&o);
  free(line);
  dv_nagios_out_free(&o);
  free(w);
  free(c);
  return 0;
}
