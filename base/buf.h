/* dvcheck -- one growable byte buffer.
 *
 *   dv_buf b;
 *   dv_buf_init(&b, 64 * 1024, 0);          (at most 64 KiB; 0: no limit)
 *   if (dv_buf_append(&b, data, n) != DV_BUF_OK) ...
 *   use b.p / b.len;  dv_buf_free(&b);
 *
 * The bytes are always NUL-terminated once anything was stored (b.p is
 * NULL before that), so text can be used as a C string; binary data may
 * hold NULs, b.len counts them. Every allocation is checked: a failed
 * append leaves the buffer as it was. With DV_BUF_SECRET the buffer never
 * uses realloc (which would leave stale copies of a secret in freed
 * memory): it grows by malloc + copy + wipe, and clear/free wipe it. */
#ifndef DV_BUF_H
#define DV_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef enum {
  DV_BUF_OK = 0,
  DV_BUF_E_TOO_BIG, /* the append would pass the buffer's limit */
  DV_BUF_E_NOMEM
} dv_buf_status;

const char *dv_buf_status_str(dv_buf_status st);

enum {
  DV_BUF_SECRET = 1 /* wipe on growth, clear and free; never realloc */
};

typedef struct {
  char *p;    /* the bytes + NUL, or NULL while nothing was allocated */
  size_t len; /* bytes stored, not counting the NUL */
  size_t cap; /* bytes allocated at p */
  size_t max; /* at most this many bytes (len <= max); 0: no limit */
  unsigned flags;
} dv_buf;

/* An empty buffer; MAX as above, FLAGS: 0 or DV_BUF_SECRET. A zeroed
 * dv_buf is an empty, unlimited, non-secret buffer. */
void dv_buf_init(dv_buf *b, size_t max, unsigned flags);

/* Make room for ADD more bytes (and the NUL). */
dv_buf_status dv_buf_reserve(dv_buf *b, size_t add);

dv_buf_status dv_buf_append(dv_buf *b, const void *data, size_t n);
dv_buf_status dv_buf_appends(dv_buf *b, const char *s);
dv_buf_status dv_buf_appendc(dv_buf *b, char c);
dv_buf_status dv_buf_appendf(dv_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
dv_buf_status dv_buf_vappendf(dv_buf *b, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Forget the contents (len = 0), keep the allocation; a secret buffer's
 * bytes are wiped. */
void dv_buf_clear(dv_buf *b);

/* Hand the bytes over: an allocated, NUL-terminated string (also when
 * nothing was stored), *len (may be NULL) gets its length; the buffer is
 * empty afterwards. Free the result with free(), or dv_secret_free() for a
 * secret buffer. NULL when out of memory (the buffer is then unchanged). */
char *dv_buf_detach(dv_buf *b, size_t *len);

/* Release the bytes (wiped first for a secret buffer); the buffer is empty
 * and can be used again. NULL-safe. */
void dv_buf_free(dv_buf *b);

#endif
