/* failmalloc -- an LD_PRELOAD shim that makes the Nth allocation fail, as
 * c-ares' tests do, for tests/resource-faults.sh.
 *
 *   DV_FAILMALLOC_N=N        fail the Nth malloc/calloc/realloc (1-based)
 *                            counted from the shim's constructor; 0 = never
 *   DV_FAILMALLOC_COUNT=FILE at exit, write how many were counted
 *   DV_FAILMALLOC_BT=1       print a backtrace of the failed allocation
 *
 * It covers every allocation of the process made through the malloc
 * family after start-up: dvcheck's own, and those of c-ares, libcurl,
 * OpenSSL, jansson, PCRE2 and libc (glibc routes its internal strdup,
 * fopen, ... through an interposed malloc). Only the one allocation fails;
 * the ones after it succeed again, so the code that handles the failure
 * runs with a working allocator. dlsym() itself may allocate: while the
 * real functions are being looked up, calloc is served from a static
 * buffer.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <execinfo.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static unsigned long fail_at, count;
static int armed, resolving;
static char boot[4096];
static size_t boot_used;

static void resolve(void)
{
  if (real_malloc || resolving)
    return;
  resolving = 1;
  real_malloc = (void *(*)(size_t))dlsym(RTLD_NEXT, "malloc");
  real_calloc = (void *(*)(size_t, size_t))dlsym(RTLD_NEXT, "calloc");
  real_realloc = (void *(*)(void *, size_t))dlsym(RTLD_NEXT, "realloc");
  real_free = (void (*)(void *))dlsym(RTLD_NEXT, "free");
  resolving = 0;
}

static int should_fail(void)
{
  if (!armed)
    return 0;
  count++;
  if (fail_at && count == fail_at) {
    if (getenv("DV_FAILMALLOC_BT")) {
      void *bt[32];
      armed = 0; /* backtrace() may allocate */
      backtrace_symbols_fd(bt, backtrace(bt, 32), 2);
      armed = 1;
    }
    errno = ENOMEM;
    return 1;
  }
  return 0;
}

__attribute__((constructor)) static void failmalloc_init(void)
{
  const char *n = getenv("DV_FAILMALLOC_N");
  resolve();
  fail_at = n ? strtoul(n, NULL, 10) : 0;
  armed = 1;
}

__attribute__((destructor)) static void failmalloc_fini(void)
{
  const char *f = getenv("DV_FAILMALLOC_COUNT");
  armed = 0;
  if (f) {
    FILE *fp = fopen(f, "w");
    if (fp) {
      fprintf(fp, "%lu\n", count);
      fclose(fp);
    }
  }
}

void *malloc(size_t n)
{
  resolve();
  if (should_fail())
    return NULL;
  return real_malloc(n);
}

void *calloc(size_t a, size_t b)
{
  if (!real_calloc) {
    /* dlsym's own allocation while we look the functions up */
    size_t need = a * b, off = (boot_used + 15) & ~(size_t)15;
    if (off + need > sizeof(boot))
      return NULL;
    boot_used = off + need;
    return boot + off; /* zeroed: static storage */
  }
  if (should_fail())
    return NULL;
  return real_calloc(a, b);
}

void *realloc(void *p, size_t n)
{
  resolve();
  if (should_fail())
    return NULL;
  return real_realloc(p, n);
}

void free(void *p)
{
  if ((char *)p >= boot && (char *)p < boot + sizeof(boot))
    return;
  resolve();
  if (real_free)
    real_free(p);
}
