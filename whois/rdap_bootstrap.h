/* dvcheck -- RDAP bootstrap (RFC 9224) for domain names.
 *
 * Parses IANA's dns.json (https://data.iana.org/rdap/dns.json) or the
 * built-in fallback whois/rdap_bootstrap_fallback.json (same format, the
 * largest TLDs only) and finds the RDAP base URL for a domain by
 * longest-suffix match on whole labels ("example.co.uk" tries
 * "example.co.uk", "co.uk", "uk"). An https URL is preferred over http.
 */
#ifndef DV_RDAP_BOOTSTRAP_H
#define DV_RDAP_BOOTSTRAP_H

#include <stddef.h>

#include "whois/whois_parse.h"

typedef struct dv_rdap_bootstrap dv_rdap_bootstrap;

/* Parse a bootstrap document. ERR gets a reason on failure. */
dv_whois_status dv_rdap_bootstrap_parse(const char *buf, size_t len,
                                        dv_rdap_bootstrap **out, char *err,
                                        size_t errlen);
dv_whois_status dv_rdap_bootstrap_load(const char *path,
                                       dv_rdap_bootstrap **out, char *err,
                                       size_t errlen);
void dv_rdap_bootstrap_free(dv_rdap_bootstrap *b);

/* Number of suffix -> URL entries (for diagnostics / tests). */
size_t dv_rdap_bootstrap_count(const dv_rdap_bootstrap *b);

/* The base URL (always ending in '/') serving DOMAIN, or NULL. If MATCHED
 * is non-NULL it receives the suffix entry that matched (e.g. "com"). */
const char *dv_rdap_bootstrap_base(const dv_rdap_bootstrap *b,
                                   const char *domain, const char **matched);

/* Write BASE + "domain/" + DOMAIN (lower-cased, no trailing dot) to URL.
 * DV_WHOIS_ENOTFOUND when no service covers DOMAIN, DV_WHOIS_EINVAL when
 * URL is too small or DOMAIN is not a plain LDH/A-label name. */
dv_whois_status dv_rdap_bootstrap_domain_url(const dv_rdap_bootstrap *b,
                                             const char *domain, char *url,
                                             size_t urllen);

#endif /* DV_RDAP_BOOTSTRAP_H */
