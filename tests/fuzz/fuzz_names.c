/* libFuzzer target: domain names (base/names.c) -- user input normalised
 * (IDN via libidn2, LDH rules, wildcard and www handling, the public
 * suffix list) and the candidate validation domains. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "base/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_name n;
  char detail[256];
  char cand[16][DV_NAME_LEN];

  if (dv_name_parse((const char *)data, size, &n, detail, sizeof(detail)) !=
      DV_NAME_OK)
    return 0;
  if (strlen(n.ascii) >= DV_NAME_LEN)
    abort();
  (void)dv_name_is_public_suffix(n.ascii);
  (void)dv_name_is_public_suffix(n.registrable);
  (void)dv_name_candidates(&n, cand, 16);
  (void)dv_name_candidates(&n, cand, 1);
  return 0;
}
