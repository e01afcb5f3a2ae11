/* dvcheck -- offline WHOIS / RDAP response analysis.
 *
 * Given the raw bytes a WHOIS server (port 43) or an RDAP server returned for
 * a domain, work out what ACM's legacy e-mail validation would have seen: the
 * registrant / admin / tech contact e-mail addresses, and whether each one is
 * a real address, a privacy-proxy relay, redacted, replaced by a web form, or
 * absent. Also flags throttled replies, CAPTCHA / web-only registries,
 * "not found" answers and the "Registrar WHOIS Server:" referral.
 *
 * Nothing here does network I/O. The rules are data: a pattern file
 * (whois/patterns.conf, format documented at its top) compiled once with
 * dv_whois_patterns_load() and shared read-only by any number of parses.
 *
 * Input is untrusted: it may contain NUL bytes, terminal escape sequences,
 * invalid UTF-8 or be huge. Only the first DV_WHOIS_MAX_INPUT bytes are
 * analysed; every string copied out is printable and NUL-terminated.
 */
#ifndef DV_WHOIS_PARSE_H
#define DV_WHOIS_PARSE_H

#include <stddef.h>

/* Bytes of a response that are analysed; the rest is ignored (and
 * dv_whois_info.truncated is set). Real responses are well under 100 KiB. */
#define DV_WHOIS_MAX_INPUT (2u * 1024u * 1024u)

typedef enum {
  DV_WHOIS_OK = 0,
  DV_WHOIS_EINVAL,    /* bad argument */
  DV_WHOIS_ENOMEM,    /* allocation failed */
  DV_WHOIS_EIO,       /* data file could not be read */
  DV_WHOIS_ESYNTAX,   /* data file line malformed */
  DV_WHOIS_EPATTERN,  /* a regular expression did not compile */
  DV_WHOIS_EFORMAT,   /* response is not in the expected format (bad JSON) */
  DV_WHOIS_ENOTFOUND, /* lookup found nothing */
  DV_WHOIS__COUNT
} dv_whois_status;

/* "ok", "invalid argument", ... never NULL. */
const char *dv_whois_status_str(dv_whois_status st);

typedef enum {
  DV_CONTACT_ABSENT = 0, /* no contact / no e-mail field / unusable text */
  DV_CONTACT_EMAIL,      /* a real address */
  DV_CONTACT_PROXY,      /* a privacy-service relay address (still mailable) */
  DV_CONTACT_REDACTED,   /* "REDACTED FOR PRIVACY", "Not Disclosed", ... */
  DV_CONTACT_WEB_FORM,   /* a URL / web form instead of an address */
  DV_CONTACT__COUNT
} dv_contact_status;

/* "absent", "email", "proxy", "redacted", "web_form"; never NULL. */
const char *dv_contact_status_str(dv_contact_status st);

typedef struct {
  dv_contact_status status;
  char email[320]; /* only for DV_CONTACT_EMAIL / DV_CONTACT_PROXY, else "" */
  char raw[512];   /* the field as found, printable ASCII/UTF-8, "" if none */
} dv_contact;

typedef enum {
  DV_FORMAT_UNKNOWN = 0, /* empty / binary */
  DV_FORMAT_WHOIS,       /* port-43 text */
  DV_FORMAT_RDAP         /* RDAP JSON */
} dv_whois_format;

typedef struct {
  dv_contact registrant, admin, tech;
  int throttled;      /* rate limited / blocked reply */
  int captcha;        /* the answer asks for a CAPTCHA */
  int not_found;      /* "No match", "NOT FOUND", RDAP 404 ... */
  int truncated;      /* input longer than DV_WHOIS_MAX_INPUT */
  int empty;          /* the reply held nothing but blanks (0 bytes, or
                       * only spaces / newlines): no data at all -- some
                       * servers answer an unknown name this way. Not
                       * throttled, not not_found, not an error. */
  char web_only[512]; /* the registry only answers on this web page, or "" */
  char referral[256]; /* validated "Registrar WHOIS Server:" host, or "" */
  char referral_raw[256]; /* the first referral value as found (printable),
                           * also when validation rejected it, or "" */
  char source[8];         /* "whois" or "rdap" */
} dv_whois_info;

typedef struct dv_whois_patterns dv_whois_patterns;

/* Compile the pattern file at PATH. On failure *OUT is NULL and ERR (if
 * non-NULL) holds "file:line: reason". */
dv_whois_status dv_whois_patterns_load(const char *path,
                                       dv_whois_patterns **out, char *err,
                                       size_t errlen);
/* The same from an in-memory copy of the file (NAME is used in messages). */
dv_whois_status dv_whois_patterns_parse(const char *buf, size_t len,
                                        const char *name,
                                        dv_whois_patterns **out, char *err,
                                        size_t errlen);
void dv_whois_patterns_free(dv_whois_patterns *p);

/* Analyse a port-43 reply. SERVER (may be NULL) is the host that answered;
 * it is only used to recognise web-only registries given as a URL. OUT is
 * always fully initialised, even on error. */
dv_whois_status dv_whois_parse_text(const dv_whois_patterns *p, const char *buf,
                                    size_t len, const char *server,
                                    dv_whois_info *out);

/* Analyse an RDAP domain answer (RFC 9083 JSON). Returns DV_WHOIS_EFORMAT
 * for malformed JSON; an RDAP error object with errorCode 404 sets
 * not_found, 429 sets throttled. */
dv_whois_status dv_rdap_parse_json(const dv_whois_patterns *p, const char *buf,
                                   size_t len, dv_whois_info *out);

/* Sniff: RDAP JSON (first non-blank byte '{' and an RDAP member such as
 * "objectClassName" or "rdapConformance"), WHOIS text, or unknown (empty). */
dv_whois_format dv_whois_detect_format(const char *buf, size_t len);

/* Dispatch on dv_whois_detect_format(). */
dv_whois_status dv_whois_parse_any(const dv_whois_patterns *p, const char *buf,
                                   size_t len, const char *server,
                                   dv_whois_info *out);

/* Validate and normalise a referral host: strips a whois:// (rwhois, http,
 * https) scheme and a trailing dot or "/" when what is left is a bare host
 * name; rejects empty values, paths, IP literals and loopback names.
 * Returns 1 and writes the lower-cased host to OUT on success, else 0. */
int dv_whois_referral_normalize(const char *in, char *out, size_t outlen);

#endif /* DV_WHOIS_PARSE_H */
