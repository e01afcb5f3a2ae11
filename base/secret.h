/* dvcheck -- wiping secrets (keys, session tokens, credential output)
 * before their memory goes back to the allocator: OPENSSL_cleanse, which
 * the compiler may not optimise away. */
#ifndef DV_SECRET_H
#define DV_SECRET_H

#include <stddef.h>

/* Overwrite n bytes at p with zeros (p may be NULL when n is 0). */
void dv_secret_wipe(void *p, size_t n);

/* Wipe the NUL-terminated string s (strlen(s) bytes), then free it.
 * NULL-safe. */
void dv_secret_free(char *s);

/* Wipe n bytes at p, then free p. NULL-safe. */
void dv_secret_free_n(void *p, size_t n);

#endif
