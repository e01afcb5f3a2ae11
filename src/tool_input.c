/* dvcheck -- input lists. See tool_input.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/tool_input.h"

const char *dv_input_status_str(dv_input_status st)
{
  switch (st) {
  case DV_INPUT_OK:
    return "ok";
  case DV_INPUT_NOMEM:
    return "out of memory";
  case DV_INPUT_OPEN:
    return "cannot read the file";
  case DV_INPUT_TOO_BIG:
    return "file too large (over 4 MiB)";
  case DV_INPUT_TOO_MANY:
    return "too many names (over 10000)";
  }
  return "unknown";
}

dv_input_status dv_input_add(dv_input_list *l, const char *s, size_t len,
                             const char *where)
{
  dv_input_item *it;
  if (l->n >= DV_INPUT_MAX_NAMES)
    return DV_INPUT_TOO_MANY;
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 16;
    dv_input_item *n = realloc(l->v, ncap * sizeof(*n));
    if (!n)
      return DV_INPUT_NOMEM;
    l->v = n;
    l->cap = ncap;
  }
  it = &l->v[l->n];
  it->text = malloc(len + 1);
  if (!it->text)
    return DV_INPUT_NOMEM;
  memcpy(it->text, s, len);
  it->text[len] = '\0';
  it->len = len;
  snprintf(it->where, sizeof(it->where), "%s", where);
  l->n++;
  return DV_INPUT_OK;
}

dv_input_status dv_input_slurp(const char *path, size_t max, char **out,
                               size_t *outlen, char *errmsg, size_t errlen)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  dv_input_status st = DV_INPUT_OK;

  if (!f) {
    snprintf(errmsg, errlen, "%s", strerror(errno));
    return DV_INPUT_OPEN;
  }
  for (;;) {
    size_t got;
    if (len == cap) {
      size_t ncap = cap ? cap * 2 : 65536;
      char *n;
      if (cap > max) {
        st = DV_INPUT_TOO_BIG;
        goto out;
      }
      n = realloc(buf, ncap + 1);
      if (!n) {
        st = DV_INPUT_NOMEM;
        goto out;
      }
      buf = n;
      cap = ncap;
    }
    got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) {
        snprintf(errmsg, errlen, "%s", strerror(errno));
        st = DV_INPUT_OPEN;
        goto out;
      }
      break;
    }
  }
  if (len > max) {
    st = DV_INPUT_TOO_BIG;
    goto out;
  }
  buf[len] = '\0';
  *out = buf;
  *outlen = len;
  buf = NULL;
out:
  free(buf);
  if (f != stdin)
    fclose(f);
  return st;
}

dv_input_status dv_input_read_file(dv_input_list *l, const char *path,
                                   char *errmsg, size_t errlen)
{
  char *buf = NULL;
  size_t len = 0, lineno = 0;
  dv_input_status st =
      dv_input_slurp(path, DV_INPUT_MAX_BYTES, &buf, &len, errmsg, errlen);

  if (st != DV_INPUT_OK)
    return st;
  for (size_t i = 0; i < len;) {
    size_t j = i, s, e;
    char where[64];
    while (j < len && buf[j] != '\n')
      j++;
    lineno++;
    s = i;
    e = j;
    while (s < e && (buf[s] == ' ' || buf[s] == '\t'))
      s++;
    while (e > s &&
           (buf[e - 1] == '\r' || buf[e - 1] == ' ' || buf[e - 1] == '\t'))
      e--;
    if (e > s && buf[s] != '#') {
      snprintf(where, sizeof(where), "%s line %zu",
               strcmp(path, "-") == 0 ? "stdin" : "file", lineno);
      st = dv_input_add(l, buf + s, e - s, where);
      if (st != DV_INPUT_OK)
        goto out;
    }
    i = j + 1;
  }
out:
  free(buf);
  return st;
}

void dv_input_free(dv_input_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i].text);
  free(l->v);
  memset(l, 0, sizeof(*l));
}
