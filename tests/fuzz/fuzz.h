/* dvcheck -- helpers shared by the libFuzzer targets in tests/fuzz/.
 *
 * Each target is one .c file defining LLVMFuzzerTestOneInput (built only by
 * ./configure --enable-fuzzing with clang; `make fuzz-smoke` runs them over
 * tests/fuzz/corpus/TARGET, bench/fuzz runs them for longer). */
#ifndef DV_TESTS_FUZZ_H
#define DV_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A NUL-terminated malloc'd copy of the input (it may hold NULs inside);
 * abort()s when memory runs out -- that is not a finding. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
  char *s = malloc(size + 1);
  if (!s)
    abort();
  if (size)
    memcpy(s, data, size);
  s[size] = '\0';
  return s;
}

/* The input cut at its first NUL (a C string argument). */
static inline char *fuzz_cstr_nul(const uint8_t *data, size_t size)
{
  const uint8_t *z = memchr(data, 0, size);
  return fuzz_cstr(data, z ? (size_t)(z - data) : size);
}

/* The promise every parser makes about text it hands on (base/text.h):
 * escaped text is printable ASCII (0x20..0x7E) only. abort()s otherwise. */
static inline void fuzz_printable(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
      abort();
}

/* Printable UTF-8 text (WHOIS fields): no C0 control character, no DEL. */
static inline void fuzz_no_ctl(const char *s)
{
  for (; *s; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s == 0x7f)
      abort();
}

#endif
