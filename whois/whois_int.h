/* dvcheck -- internals shared by the WHOIS text and RDAP JSON parsers.
 * Not installed, not part of the public API. */
#ifndef DV_WHOIS_INT_H
#define DV_WHOIS_INT_H

#include <stddef.h>

#include "whois/whois_parse.h"

typedef enum {
  DV_WROLE_REGISTRANT = 0,
  DV_WROLE_ADMIN,
  DV_WROLE_TECH,
  DV_WROLE_OTHER, /* a block that is not one of ours: billing, registrar */
  DV_WROLE__COUNT
} dv_whois_role;

/* Initialise OUT to "nothing known" with the given source tag. */
void dv_whois_info_init(dv_whois_info *out, const char *source);

/* The contact slot of INFO for ROLE (registrant/admin/tech), else NULL. */
dv_contact *dv_whois_info_role(dv_whois_info *info, dv_whois_role role);

/* Classify a contact e-mail field value (already located) into C: applies
 * the not_contact, web_form, redacted, address and proxy rules. VAL need
 * not be NUL-terminated. Returns DV_WHOIS_ENOMEM on allocation failure. */
dv_whois_status dv_whois_contact_classify(const dv_whois_patterns *p,
                                          const char *val, size_t len,
                                          dv_contact *c);

/* 1 when any pattern of the "redacted" class matches S (length LEN). */
int dv_whois_text_is_redacted(const dv_whois_patterns *p, const char *s,
                              size_t len);

/* Normalise a field value taken from a reply (S, length LEN) into DST:
 * this is parsing, not output escaping (what is shown still goes through
 * base/text.h's one rule). Valid UTF-8 is kept,
 * invalid bytes become '?', control characters (C0, DEL, C1), Unicode
 * line separators / bidi overrides and terminal escape sequences are
 * dropped, runs of blanks collapse to one space and the
 * result is trimmed. Always NUL-terminates (DSTLEN > 0). */
void dv_whois_value_clean(char *dst, size_t dstlen, const char *s, size_t len);

/* Read the whole file PATH (at most MAX bytes) into a malloc'd, NUL-
 * terminated buffer *BUF of *LEN bytes (the NUL is not counted).
 * DV_WHOIS_EIO when it cannot be opened/read or is larger than MAX. */
dv_whois_status dv_whois_read_file(const char *path, size_t max, char **buf,
                                   size_t *len);

#endif /* DV_WHOIS_INT_H */
