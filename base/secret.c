/* dvcheck -- wiping secrets. See secret.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "base/secret.h"

void dv_secret_wipe(void *p, size_t n)
{
  if (p && n)
    OPENSSL_cleanse(p, n);
}

void dv_secret_free(char *s)
{
  if (s) {
    OPENSSL_cleanse(s, strlen(s));
    free(s);
  }
}

void dv_secret_free_n(void *p, size_t n)
{
  if (p) {
    if (n)
      OPENSSL_cleanse(p, n);
    free(p);
  }
}
