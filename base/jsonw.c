/* dvcheck -- a streaming JSON writer. See jsonw.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/jsonw.h"
#include "base/text.h"

/* Append n bytes. Most appends are a few bytes into room the buffer
 * already has: copied here, without a call per piece. */
static void put(dv_jsonw *w, const char *s, size_t n)
{
  dv_buf *b = w->b;
  if (b->p && n < b->cap - b->len && (!b->max || n <= b->max - b->len)) {
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return;
  }
  if (dv_buf_append(b, s, n) != DV_BUF_OK)
    w->nomem = 1;
}

/* jansson's dump_indent: a newline and depth levels of spaces when
 * indenting; else one space where one goes (never with JSON_COMPACT). */
static void newline(dv_jsonw *w, int depth)
{
  static const char nl[] = "\n                                "
                           "                                ";
  size_t n;
  if (!w->indent)
    return;
  n = (size_t)depth * (size_t)w->indent;
  if (n < sizeof(nl) - 1) {
    put(w, nl, 1 + n);
    return;
  }
  put(w, nl, 1);
  while (n) {
    size_t k = n < sizeof(nl) - 2 ? n : sizeof(nl) - 2;
    put(w, nl + 1, k);
    n -= k;
  }
}

/* Before a value (or a key): the separator from the previous member. */
static void before(dv_jsonw *w)
{
  int l = w->level - 1;
  if (w->after_key) {
    w->after_key = 0;
    return;
  }
  if (l < 0)
    return;
  if (w->members[l])
    put(w, ",", 1);
  newline(w, w->base + l + 1);
  w->members[l] = 1;
}

void dv_jsonw_init(dv_jsonw *w, dv_buf *b, int indent, int base)
{
  memset(w, 0, sizeof(*w));
  w->b = b;
  w->indent = indent > 31 ? 31 : indent < 0 ? 0 : indent;
  w->base = base;
}

static void jw_open(dv_jsonw *w, int obj)
{
  before(w);
  put(w, obj ? "{" : "[", 1);
  if (w->level >= DV_JSONW_MAX_DEPTH) {
    w->nomem = 1; /* deeper than any document dvcheck writes */
    return;
  }
  w->members[w->level] = 0;
  w->in_obj[w->level] = (unsigned char)obj;
  w->level++;
}

void dv_jsonw_obj(dv_jsonw *w)
{
  jw_open(w, 1);
}

void dv_jsonw_arr(dv_jsonw *w)
{
  jw_open(w, 0);
}

void dv_jsonw_end(dv_jsonw *w)
{
  int l;
  if (w->level <= 0)
    return;
  l = --w->level;
  if (w->members[l])
    newline(w, w->base + l);
  put(w, w->in_obj[l] ? "}" : "]", 1);
}

/* jansson's dump_string with JSON_ENSURE_ASCII, for valid UTF-8. */
static void put_string(dv_jsonw *w, const char *s, size_t len)
{
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *p = (const unsigned char *)s, *end = p + len;
  put(w, "\"", 1);
  while (p < end) {
    const unsigned char *run = p;
    size_t n;
    unsigned long cp;
    char seq[13];
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\')
      p++;
    if (p > run)
      put(w, (const char *)run, (size_t)(p - run));
    if (p >= end)
      break;
    n = dv_utf8_seq(p, (size_t)(end - p));
    if (!n)
      n = 1; /* cannot happen: checked by the caller */
    switch (*p) {
    case '"':
      put(w, "\\\"", 2);
      break;
    case '\\':
      put(w, "\\\\", 2);
      break;
    case '\b':
      put(w, "\\b", 2);
      break;
    case '\f':
      put(w, "\\f", 2);
      break;
    case '\n':
      put(w, "\\n", 2);
      break;
    case '\r':
      put(w, "\\r", 2);
      break;
    case '\t':
      put(w, "\\t", 2);
      break;
    default:
      cp = n == 1   ? p[0]
           : n == 2 ? p[0] & 0x1Ful
           : n == 3 ? p[0] & 0x0Ful
                    : p[0] & 0x07ul;
      for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (p[i] & 0x3F);
      if (cp < 0x10000) {
        memcpy(seq, "\\u", 2);
        seq[2] = hex[(cp >> 12) & 0xF];
        seq[3] = hex[(cp >> 8) & 0xF];
        seq[4] = hex[(cp >> 4) & 0xF];
        seq[5] = hex[cp & 0xF];
        put(w, seq, 6);
      } else {
        unsigned long v = cp - 0x10000;
        unsigned long hi = 0xD800 | ((v >> 10) & 0x3FF);
        unsigned long lo = 0xDC00 | (v & 0x3FF);
        snprintf(seq, sizeof(seq), "\\u%04lX\\u%04lX", hi, lo);
        put(w, seq, 12);
      }
      break;
    }
    p += n;
  }
  put(w, "\"", 1);
}

/* dv_json_str's rule: text that is not UTF-8 is escaped first. */
static void put_text(dv_jsonw *w, const char *s)
{
  size_t len = 0;
  int ascii = 1;
  for (; s[len]; len++)
    if ((unsigned char)s[len] >= 0x80)
      ascii = 0;
  if (!ascii && !dv_utf8_valid((const unsigned char *)s, len)) {
    char buf[2048];
    dv_text_escape(s, len, buf, sizeof(buf));
    put_string(w, buf, strlen(buf));
    return;
  }
  put_string(w, s, len);
}

void dv_jsonw_key(dv_jsonw *w, const char *k)
{
  before(w);
  put_text(w, k);
  if (w->indent)
    put(w, ": ", 2);
  else
    put(w, ":", 1);
  w->after_key = 1;
}

void dv_jsonw_str(dv_jsonw *w, const char *s)
{
  before(w);
  put_text(w, s);
}

void dv_jsonw_int(dv_jsonw *w, long long v)
{
  char num[32];
  int n = snprintf(num, sizeof(num), "%lld", v);
  before(w);
  put(w, num, (size_t)n);
}

void dv_jsonw_bool(dv_jsonw *w, int v)
{
  before(w);
  if (v)
    put(w, "true", 4);
  else
    put(w, "false", 5);
}

void dv_jsonw_null(dv_jsonw *w)
{
  before(w);
  put(w, "null", 4);
}

void dv_jsonw_json(dv_jsonw *w, const json_t *v)
{
  size_t flags = JSON_ENSURE_ASCII | JSON_ENCODE_ANY |
                 (w->indent ? JSON_INDENT(w->indent) : JSON_COMPACT);
  char *t;
  int depth = w->base + w->level;
  if (!v) {
    dv_jsonw_null(w);
    return;
  }
  t = json_dumps(v, flags);
  before(w);
  if (!t) {
    w->nomem = 1;
    put(w, "null", 4);
    return;
  }
  /* jansson wrote it at depth 0: every line break gets this depth's
   * indentation (strings hold no raw newline) */
  for (const char *p = t, *nl; *p; p = nl + 1) {
    nl = strchr(p, '\n');
    if (!nl) {
      put(w, p, strlen(p));
      break;
    }
    put(w, p, (size_t)(nl - p));
    newline(w, depth);
  }
  free(t);
}
