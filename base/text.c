/* dvcheck -- untrusted text. See text.h. */
#include "config.h"

#include "base/text.h"

static int text_plain(unsigned char c)
{
  return c >= 0x20 && c < 0x7F && c != '\\';
}

char *dv_text_escape(const char *in, size_t len, char *out, size_t outlen)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t o = 0;
  if (!outlen)
    return out;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)in[i];
    if (text_plain(c)) {
      if (o + 1 >= outlen)
        break;
      out[o++] = (char)c;
    } else {
      if (o + 4 >= outlen)
        break;
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[c >> 4];
      out[o++] = hex[c & 0x0F];
    }
  }
  out[o] = '\0';
  return out;
}

void dv_text_fput_with(FILE *out, const char *s, size_t len,
                       void (*put)(FILE *out, char c))
{
  char esc[5];
  for (size_t i = 0; i < len; i++) {
    dv_text_escape(s + i, 1, esc, sizeof(esc)); /* the rule is per byte */
    for (const char *p = esc; *p; p++)
      put(out, *p);
  }
}

const char *dv_text_html_entity(char c)
{
  switch (c) {
  case '&':
    return "&amp;";
  case '<':
    return "&lt;";
  case '>':
    return "&gt;";
  case '"':
    return "&quot;";
  case '\'':
    return "&#39;";
  default:
    return NULL;
  }
}

void dv_text_fput(FILE *out, const char *s, size_t len)
{
  size_t i = 0;
  while (i < len) {
    size_t run = i;
    while (i < len && text_plain((unsigned char)s[i]))
      i++;
    if (i > run) /* the plain bytes in one write, not one call each */
      fwrite(s + run, 1, i - run, out);
    if (i < len)
      fprintf(out, "\\x%02X", (unsigned char)s[i++]);
  }
}

size_t dv_utf8_seq(const unsigned char *s, size_t len)
{
  size_t n;
  unsigned long cp;
  if (!len)
    return 0;
  if (s[0] < 0x80)
    return 1;
  if (s[0] >= 0xC2 && s[0] <= 0xDF) {
    n = 2;
    cp = s[0] & 0x1F;
  } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
    n = 3;
    cp = s[0] & 0x0F;
  } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
    n = 4;
    cp = s[0] & 0x07;
  } else {
    return 0;
  }
  if (len < n)
    return 0;
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80)
      return 0;
    cp = (cp << 6) | (s[i] & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

int dv_utf8_valid(const unsigned char *s, size_t n)
{
  size_t i = 0;
  while (i < n) {
    size_t k = dv_utf8_seq(s + i, n - i);
    if (!k)
      return 0;
    i += k;
  }
  return 1;
}
