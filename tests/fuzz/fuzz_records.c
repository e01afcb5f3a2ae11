/* libFuzzer target: validation records (src/tool_records.c) -- the ACM
 * console's CSV export and `aws acm describe-certificate` JSON, and
 * --cname RECORD_NAME=RECORD_VALUE. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "src/tool_records.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_record_list l;
  char detail[256];
  char *buf = fuzz_cstr(data, size);
  dv_records_status st;

  memset(&l, 0, sizeof(l));
  detail[0] = '\0'; /* set only with SYNTAX and OPEN (what cmd_dns shows) */
  st = dv_records_parse(&l, buf, size, detail, sizeof(detail));
  if (st == DV_RECORDS_OK) {
    for (size_t i = 0; i < l.n; i++) {
      fuzz_printable(l.v[i].cert_name);
      fuzz_printable(l.v[i].rname);
      fuzz_printable(l.v[i].rvalue);
    }
  } else if (st == DV_RECORDS_SYNTAX)
    fuzz_printable(detail);
  dv_records_free(&l);
  free(buf);

  buf = fuzz_cstr_nul(data, size);
  (void)dv_records_add_arg(&l, NULL, buf, detail, sizeof(detail));
  (void)dv_records_add_arg(&l, "*.example.com", buf, detail, sizeof(detail));
  dv_records_free(&l);
  free(buf);
  return 0;
}
