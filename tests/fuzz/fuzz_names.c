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

  dv_name again;
  detail[0] = '\0';
  if (dv_name_parse((const char *)data, size, &n, detail, sizeof(detail)) !=
      DV_NAME_OK) {
    fuzz_printable(detail); /* without raw input bytes */
    return 0;
  }
  fuzz_printable(n.ascii);
  fuzz_printable(n.mail_domain);
  fuzz_printable(n.registrable);
  /* normalising is idempotent: the A-label form parses to itself */
  if (!n.wildcard && (dv_name_parse(n.ascii, strlen(n.ascii), &again, detail,
                                    sizeof(detail)) != DV_NAME_OK ||
                      strcmp(again.ascii, n.ascii) != 0))
    abort();
  (void)dv_name_is_public_suffix(n.ascii);
  (void)dv_name_is_public_suffix(n.registrable);
  (void)dv_name_candidates(&n, cand, 16);
  (void)dv_name_candidates(&n, cand, 1);
  return 0;
}
