/* dvcheck -- growable byte buffer. See buf.h. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/secret.h"

#define DV_BUF_FIRST 256 /* first allocation, then doubling */

static const char *const buf_status_str[] = {
    [DV_BUF_OK] = "ok",
    [DV_BUF_E_TOO_BIG] = "larger than the limit",
    [DV_BUF_E_NOMEM] = "out of memory"};

const char *dv_buf_status_str(dv_buf_status st)
{
  if ((size_t)st < sizeof(buf_status_str) / sizeof(buf_status_str[0]) &&
      buf_status_str[st])
    return buf_status_str[st];
  return "unknown";
}

void dv_buf_init(dv_buf *b, size_t max, unsigned flags)
{
  memset(b, 0, sizeof(*b));
  b->max = max;
  b->flags = flags;
}

dv_buf_status dv_buf_reserve(dv_buf *b, size_t add)
{
  size_t need, ncap;
  char *np;
  if (add > SIZE_MAX - b->len - 1)
    return DV_BUF_E_TOO_BIG;
  if (b->max && add > b->max - b->len)
    return DV_BUF_E_TOO_BIG;
  need = b->len + add + 1;
  if (b->p && need <= b->cap)
    return DV_BUF_OK;
  ncap = b->cap ? b->cap : DV_BUF_FIRST;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) {
      ncap = need;
      break;
    }
    ncap *= 2;
  }
  /* never allocate much past the limit */
  if (b->max && b->max < SIZE_MAX && ncap > b->max + 1)
    ncap = need > b->max + 1 ? need : b->max + 1;
  if (b->flags & DV_BUF_SECRET) {
    np = malloc(ncap);
    if (!np)
      return DV_BUF_E_NOMEM;
    if (b->p) {
      memcpy(np, b->p, b->len + 1);
      dv_secret_free_n(b->p, b->cap);
    } else
      np[0] = '\0';
  } else {
    np = realloc(b->p, ncap);
    if (!np)
      return DV_BUF_E_NOMEM;
    if (!b->p)
      np[0] = '\0';
  }
  b->p = np;
  b->cap = ncap;
  return DV_BUF_OK;
}

dv_buf_status dv_buf_append(dv_buf *b, const void *data, size_t n)
{
  dv_buf_status st = dv_buf_reserve(b, n);
  if (st != DV_BUF_OK)
    return st;
  if (n)
    memcpy(b->p + b->len, data, n);
  b->len += n;
  b->p[b->len] = '\0';
  return DV_BUF_OK;
}

dv_buf_status dv_buf_appends(dv_buf *b, const char *s)
{
  return dv_buf_append(b, s, strlen(s));
}

dv_buf_status dv_buf_appendc(dv_buf *b, char c)
{
  return dv_buf_append(b, &c, 1);
}

dv_buf_status dv_buf_vappendf(dv_buf *b, const char *fmt, va_list ap)
{
  va_list ap2;
  int n;
  dv_buf_status st;
  va_copy(ap2, ap);
  n = vsnprintf(NULL, 0, fmt, ap2);
  va_end(ap2);
  if (n < 0)
    return DV_BUF_E_NOMEM; /* vsnprintf fails only on EOVERFLOW/ENOMEM */
  st = dv_buf_reserve(b, (size_t)n);
  if (st != DV_BUF_OK)
    return st;
  va_copy(ap2, ap);
  n = vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap2);
  va_end(ap2);
  if (n < 0) {
    b->p[b->len] = '\0';
    return DV_BUF_E_NOMEM;
  }
  b->len += (size_t)n;
  return DV_BUF_OK;
}

dv_buf_status dv_buf_appendf(dv_buf *b, const char *fmt, ...)
{
  va_list ap;
  dv_buf_status st;
  va_start(ap, fmt);
  st = dv_buf_vappendf(b, fmt, ap);
  va_end(ap);
  return st;
}

void dv_buf_clear(dv_buf *b)
{
  if (!b->p)
    return;
  if (b->flags & DV_BUF_SECRET)
    dv_secret_wipe(b->p, b->cap);
  b->len = 0;
  b->p[0] = '\0';
}

char *dv_buf_detach(dv_buf *b, size_t *len)
{
  char *p;
  if (!b->p && dv_buf_reserve(b, 0) != DV_BUF_OK)
    return NULL;
  p = b->p;
  if (len)
    *len = b->len;
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

void dv_buf_free(dv_buf *b)
{
  if (!b)
    return;
  if (b->p) {
    if (b->flags & DV_BUF_SECRET)
      dv_secret_free_n(b->p, b->cap);
    else
      free(b->p);
  }
  b->p = NULL;
  b->len = b->cap = 0;
}
