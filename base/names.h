/* dvcheck -- domain name input: normalisation, IDN, public suffixes, and the
 * candidate validation domains ACM accepts for a name. */
#ifndef DV_NAMES_H
#define DV_NAMES_H

#include <stddef.h>

#define DV_NAME_LEN       254 /* 253 characters + NUL */
#define DV_MAX_CANDIDATES 127

typedef enum {
  DV_NAME_OK = 0,
  DV_NAME_EMPTY,
  DV_NAME_TOO_LONG,
  DV_NAME_LABEL_TOO_LONG,
  DV_NAME_EMPTY_LABEL,
  DV_NAME_BAD_CHAR,
  DV_NAME_UNDERSCORE,
  DV_NAME_BAD_HYPHEN,
  DV_NAME_NOT_UTF8,
  DV_NAME_CONTROL,
  DV_NAME_IDN,
  DV_NAME_IP_ADDRESS,
  DV_NAME_WILDCARD,
  DV_NAME_NUMERIC_TLD,
  DV_NAME_PUBLIC_SUFFIX,
  DV_NAME_NOMEM
} dv_name_status;

typedef struct {
  char ascii[DV_NAME_LEN];       /* normalised A-label form, no trailing dot */
  char mail_domain[DV_NAME_LEN]; /* after ACM's "*." / "www." removal */
  char registrable[DV_NAME_LEN]; /* registrable domain (PSL) */
  int wildcard;                  /* input began with "*." */
  int www_removed;               /* "www." was removed for mail */
  int idn;                       /* input had non-ASCII or xn-- labels */
} dv_name;

const char *dv_name_status_str(dv_name_status st);

/* Normalise user input (len bytes; may contain anything, including NULs).
 * On error, detail (if not NULL) gets a human explanation without any raw
 * input bytes in it. */
dv_name_status dv_name_parse(const char *input, size_t len, dv_name *out,
                             char *detail, size_t detail_len);

/* Is ascii (normalised) a public suffix? Uses the system list if present. */
int dv_name_is_public_suffix(const char *ascii);

/* The candidate validation domains for a parsed name, most specific first:
 * the mail domain and each superdomain down to the registrable domain.
 * Returns the count written to out. */
size_t dv_name_candidates(const dv_name *n, char (*out)[DV_NAME_LEN],
                          size_t max);

void dv_names_cleanup(void);

#endif
