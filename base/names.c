/* dvcheck -- domain name input. See names.h. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <idn2.h>
#include <libpsl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"

static psl_ctx_t *names_psl;

static const char *const name_status_str[] = {
    [DV_NAME_OK] = "ok",
    [DV_NAME_EMPTY] = "empty name",
    [DV_NAME_TOO_LONG] = "name longer than 253 characters",
    [DV_NAME_LABEL_TOO_LONG] = "label longer than 63 characters",
    [DV_NAME_EMPTY_LABEL] = "empty label (two dots in a row, or a leading dot)",
    [DV_NAME_BAD_CHAR] = "character not allowed in a host name",
    [DV_NAME_UNDERSCORE] = "underscore not allowed in a certificate name",
    [DV_NAME_BAD_HYPHEN] = "label starts or ends with a hyphen",
    [DV_NAME_NOT_UTF8] = "not valid UTF-8",
    [DV_NAME_CONTROL] = "contains a control character or NUL byte",
    [DV_NAME_IDN] = "invalid internationalised domain name",
    [DV_NAME_IP_ADDRESS] = "an IP address, not a domain name",
    [DV_NAME_WILDCARD] = "misplaced wildcard",
    [DV_NAME_NUMERIC_TLD] = "top-level label is all digits",
    [DV_NAME_PUBLIC_SUFFIX] = "a public suffix (nobody can validate it)",
    [DV_NAME_NOMEM] = "out of memory",
};

const char *dv_name_status_str(dv_name_status st)
{
  if ((size_t)st < sizeof(name_status_str) / sizeof(name_status_str[0]))
    return name_status_str[st];
  return "unknown";
}

static const psl_ctx_t *names_psl_get(void)
{
  if (!names_psl)
    names_psl = psl_latest(NULL);
  return names_psl ? names_psl : psl_builtin();
}

/* The last registrable-domain lookup, by parent: psl_registrable_domain
 * walks the name's suffixes from the longest and stops at the first that
 * is a public suffix; the registrable domain is the one before it. For
 * L.P and L2.P, the walk past P is the same -- so when L2.P's registrable
 * domain lies strictly inside P (P itself no public suffix), it is L.P's
 * too, once L.P itself is known not to be a public suffix (the caller
 * checked). A fleet's names share parents: libpsl's walk was a tenth of
 * a large `email -f` run, twice per name. */
static char memo_parent[DV_NAME_LEN], memo_reg[DV_NAME_LEN];

static const char *registrable_get(const char *domain, char *out, size_t len)
{
  const char *dot = strchr(domain, '.'), *reg;
  const char *parent = dot ? dot + 1 : NULL;
  size_t pl, rl;
  if (parent && memo_parent[0] && strcmp(parent, memo_parent) == 0) {
    snprintf(out, len, "%s", memo_reg);
    return out;
  }
  reg = psl_registrable_domain(names_psl_get(), domain);
  if (!reg)
    return NULL;
  snprintf(out, len, "%s", reg);
  memo_parent[0] = '\0';
  if (parent && (pl = strlen(parent)) < sizeof(memo_parent) &&
      (rl = strlen(reg)) < pl && reg[-1] == '.' &&
      strcmp(parent + pl - rl, reg) == 0) {
    memcpy(memo_parent, parent, pl + 1);
    memcpy(memo_reg, reg, rl + 1);
  }
  return out;
}

void dv_names_cleanup(void)
{
  if (names_psl)
    psl_free(names_psl);
  names_psl = NULL;
  memo_parent[0] = '\0';
}

static void detail_set(char *detail, size_t dlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void detail_set(char *detail, size_t dlen, const char *fmt, ...)
{
  va_list ap;
  if (!detail || !dlen)
    return;
  va_start(ap, fmt);
  vsnprintf(detail, dlen, fmt, ap);
  va_end(ap);
}

/* Check a lower-case ASCII name label by label. */
static dv_name_status ldh_check(const char *s, char *detail, size_t dlen)
{
  const char *p = s;
  size_t total = strlen(s);
  int label_no = 0;

  if (total == 0)
    return DV_NAME_EMPTY;
  if (total > 253) {
    detail_set(detail, dlen, "%zu characters; DNS allows at most 253", total);
    return DV_NAME_TOO_LONG;
  }
  while (*p) {
    const char *dot = strchr(p, '.');
    size_t l = dot ? (size_t)(dot - p) : strlen(p);
    label_no++;
    if (l == 0) {
      detail_set(detail, dlen, "label %d is empty", label_no);
      return DV_NAME_EMPTY_LABEL;
    }
    if (l > 63) {
      detail_set(detail, dlen, "label %d has %zu characters; at most 63",
                 label_no, l);
      return DV_NAME_LABEL_TOO_LONG;
    }
    for (size_t i = 0; i < l; i++) {
      char c = p[i];
      if (c == '_') {
        detail_set(detail, dlen,
                   "label %d contains '_'; ACM certificate names allow only "
                   "letters, digits and hyphens",
                   label_no);
        return DV_NAME_UNDERSCORE;
      }
      if (c == '*') {
        detail_set(detail, dlen,
                   "'*' is allowed only as the whole first label (\"*.\")");
        return DV_NAME_WILDCARD;
      }
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        char shown[8];
        dv_text_escape(&c, 1, shown, sizeof(shown));
        detail_set(detail, dlen, "label %d contains '%s'", label_no, shown);
        return DV_NAME_BAD_CHAR;
      }
    }
    if (p[0] == '-' || p[l - 1] == '-') {
      detail_set(detail, dlen, "label %d begins or ends with '-'", label_no);
      return DV_NAME_BAD_HYPHEN;
    }
    if (!dot)
      break;
    p = dot + 1;
    if (!*p) {
      detail_set(detail, dlen, "the name ends with an empty label");
      return DV_NAME_EMPTY_LABEL;
    }
  }
  return DV_NAME_OK;
}

int dv_name_is_public_suffix(const char *ascii)
{
  return psl_is_public_suffix(names_psl_get(), ascii) != 0;
}

dv_name_status dv_name_parse(const char *input, size_t len, dv_name *out,
                             char *detail, size_t dlen)
{
  char buf[1024], *lowered = NULL;
  const char *body;
  size_t blen;
  int non_ascii = 0;
  dv_name_status st = DV_NAME_OK;
  unsigned char a6[16];
  const char *reg;

  memset(out, 0, sizeof(*out));
  if (detail && dlen)
    detail[0] = '\0';
  /* Surrounding white space is a paste accident, not part of the name. */
  while (len && (input[0] == ' ' || input[0] == '\t')) {
    input++;
    len--;
  }
  while (len && (input[len - 1] == ' ' || input[len - 1] == '\t' ||
                 input[len - 1] == '\r' || input[len - 1] == '\n'))
    len--;
  if (len == 0)
    return DV_NAME_EMPTY;
  if (len >= sizeof(buf)) {
    detail_set(detail, dlen, "%zu bytes; DNS allows at most 253 characters",
               len);
    return DV_NAME_TOO_LONG;
  }
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)input[i];
    if (c < 0x20 || c == 0x7F) {
      detail_set(detail, dlen, "byte %zu is 0x%02X", i + 1, c);
      return DV_NAME_CONTROL;
    }
    if (c == ' ') {
      detail_set(detail, dlen, "contains a space at byte %zu", i + 1);
      return DV_NAME_BAD_CHAR;
    }
    if (c >= 0x80)
      non_ascii = 1;
  }
  if (non_ascii && !dv_utf8_valid((const unsigned char *)input, len))
    return DV_NAME_NOT_UTF8;
  memcpy(buf, input, len);
  buf[len] = '\0';
  if (len > 1 && buf[len - 1] == '.')
    buf[--len] = '\0';
  /* An IP address is a common slip; say so plainly. */
  if (inet_pton(AF_INET, buf, a6) == 1 || inet_pton(AF_INET6, buf, a6) == 1 ||
      (buf[0] == '[' && strchr(buf, ']'))) {
    detail_set(detail, dlen, "ACM validates domain names only");
    return DV_NAME_IP_ADDRESS;
  }
  if (strchr(buf, ':') || strchr(buf, '/') || strchr(buf, '@')) {
    detail_set(detail, dlen,
               "give a bare domain name, not a URL, address or host:port");
    return DV_NAME_BAD_CHAR;
  }
  body = buf;
  if (strncmp(body, "*.", 2) == 0) {
    out->wildcard = 1;
    body += 2;
  } else if (strcmp(body, "*") == 0) {
    detail_set(detail, dlen, "a wildcard needs a domain after \"*.\"");
    return DV_NAME_WILDCARD;
  }
  blen = strlen(body);
  if (blen == 0 || body[0] == '.') {
    detail_set(detail, dlen, "the name starts with an empty label");
    return body[0] == '.' ? DV_NAME_EMPTY_LABEL : DV_NAME_EMPTY;
  }
  if (strstr(body, "..")) {
    detail_set(detail, dlen, "two dots in a row");
    return DV_NAME_EMPTY_LABEL;
  }
  if (strchr(body, '*')) {
    detail_set(detail, dlen,
               "'*' is allowed only as the whole first label (\"*.\")");
    return DV_NAME_WILDCARD;
  }
  /* any case: "Xn--" is an A-label prefix too, and must be checked */
  if (non_ascii || strcasestr(body, "xn--")) {
    char *alabel = NULL;
    int rc;
    out->idn = 1;
    /* UTS#46 non-transitional processing, as browsers and CAs do. */
    rc = idn2_lookup_u8((const uint8_t *)body, (uint8_t **)&alabel,
                        IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL);
    if (rc != IDN2_OK) {
      if (rc == IDN2_MALLOC)
        return DV_NAME_NOMEM;
      if (rc == IDN2_TOO_BIG_DOMAIN) {
        detail_set(detail, dlen, "longer than 253 characters once encoded");
        return DV_NAME_TOO_LONG;
      }
      if (rc == IDN2_TOO_BIG_LABEL) {
        detail_set(detail, dlen,
                   "a label is longer than 63 characters once encoded");
        return DV_NAME_LABEL_TOO_LONG;
      }
      detail_set(detail, dlen, "%s", idn2_strerror(rc));
      return DV_NAME_IDN;
    }
    lowered = alabel;
  } else {
    lowered = strdup(body);
    if (!lowered)
      return DV_NAME_NOMEM;
    for (char *p = lowered; *p; p++)
      *p = (char)tolower((unsigned char)*p);
  }
  st = ldh_check(lowered, detail, dlen);
  if (st != DV_NAME_OK)
    goto out;
  {
    const char *last = strrchr(lowered, '.');
    const char *tld = last ? last + 1 : lowered;
    int digits = 1;
    for (const char *p = tld; *p; p++)
      if (!isdigit((unsigned char)*p))
        digits = 0;
    if (digits) {
      detail_set(detail, dlen, "\"%s\" cannot be a top-level domain", tld);
      st = DV_NAME_NUMERIC_TLD;
      goto out;
    }
  }
  if (strlen(lowered) + (out->wildcard ? 2 : 0) > 253) {
    st = DV_NAME_TOO_LONG;
    goto out;
  }
  {
    size_t ll = strlen(lowered), pre = out->wildcard ? 2 : 0;
    memcpy(out->ascii, "*.", pre);
    memcpy(out->ascii + pre, lowered, ll + 1);
    memcpy(out->mail_domain, lowered, ll + 1);
  }
  if (dv_name_is_public_suffix(out->mail_domain)) {
    detail_set(detail, dlen,
               "\"%s\" is a public suffix; certificates are requested for "
               "names below it",
               out->mail_domain);
    st = DV_NAME_PUBLIC_SUFFIX;
    goto out;
  }
  /* ACM removes a leading "www." for the e-mail addresses -- unless what is
   * left would be a public suffix (www.co.uk is itself registrable). */
  if (!out->wildcard && strncmp(out->mail_domain, "www.", 4) == 0 &&
      !dv_name_is_public_suffix(out->mail_domain + 4)) {
    memmove(out->mail_domain, out->mail_domain + 4,
            strlen(out->mail_domain + 4) + 1);
    out->www_removed = 1;
  }
  reg = registrable_get(out->mail_domain, out->registrable,
                        sizeof(out->registrable));
  if (!reg) {
    st = DV_NAME_PUBLIC_SUFFIX;
    goto out;
  }
out:
  free(lowered);
  return st;
}

size_t dv_name_candidates(const dv_name *n, char (*out)[DV_NAME_LEN],
                          size_t max)
{
  const char *p = n->mail_domain;
  size_t count = 0, rlen = strlen(n->registrable);

  if (!rlen)
    return 0;
  while (count < max) {
    size_t plen = strlen(p);
    snprintf(out[count++], DV_NAME_LEN, "%s", p);
    if (plen <= rlen)
      break;
    p = strchr(p, '.');
    if (!p)
      break;
    p++;
  }
  return count;
}
