/* dvcheck -- the findings catalogue and finding instances.
 *
 * Every diagnostic the tool can emit is one row of the catalogue (findings.c):
 * a stable code, a severity, a one-line title, the remediation and a
 * reference. doc/findings.md and the man page are generated from it, and
 * `dvcheck explain CODE` prints a row. A finding instance is a catalogue code
 * plus the subject (the name it is about) and evidence (key/value pairs).
 */
#ifndef DV_FINDINGS_H
#define DV_FINDINGS_H

#include <jansson.h>
#include <stddef.h>

typedef enum {
  DV_SEV_INFO = 0,
  DV_SEV_WARNING,
  DV_SEV_ERROR,
  DV_SEV_FATAL
} dv_severity;

/* X(enum suffix, severity) -- the rest of each row lives in findings.c. */
#define DV_FINDING_CODES(X)                                                    \
  X(NAME_WILDCARD_MAIL, INFO)                                                  \
  X(NAME_WWW_MAIL, INFO)                                                       \
  X(NAME_IDN, INFO)                                                            \
  X(DOMAIN_NXDOMAIN, ERROR)                                                    \
  X(MX_OK, INFO)                                                               \
  X(MX_NAME_IS_CNAME, INFO)                                                    \
  X(MX_NULL, ERROR)                                                            \
  X(MX_MISSING, ERROR)                                                         \
  X(MX_IMPLICIT, ERROR)                                                        \
  X(MX_LOOKUP_SERVFAIL, ERROR)                                                 \
  X(MX_LOOKUP_TIMEOUT, ERROR)                                                  \
  X(MX_TARGET_CNAME, WARNING)                                                  \
  X(MX_TARGET_IP_LITERAL, WARNING)                                             \
  X(MX_TARGET_DOUBLED_SUFFIX, WARNING)                                         \
  X(MX_TARGET_NO_ADDRESS, WARNING)                                             \
  X(MX_TARGET_UNROUTABLE, WARNING)                                             \
  X(MX_TARGET_LOOKUP_FAILED, WARNING)                                          \
  X(MX_NO_USABLE_TARGET, ERROR)                                                \
  X(EMAIL_OK, INFO)                                                            \
  X(EMAIL_USE_SUPERDOMAIN, ERROR)                                              \
  X(EMAIL_NO_ROUTE, FATAL)                                                     \
  X(DNS_RECORD_NAME_TOO_LONG, ERROR)                                           \
  X(DNS_RECORD_SHARED, INFO)                                                   \
  X(DNS_CNAME_OK, INFO)                                                        \
  X(DNS_CNAME_MISSING, ERROR)                                                  \
  X(DNS_CNAME_MISSING_ON_SOME, ERROR)                                          \
  X(DNS_CNAME_WRONG_VALUE, ERROR)                                              \
  X(DNS_CNAME_VALUE_ZONE_APPENDED, ERROR)                                      \
  X(DNS_CNAME_DOUBLED_SUFFIX, ERROR)                                           \
  X(DNS_CNAME_NO_UNDERSCORE, ERROR)                                            \
  X(DNS_TXT_INSTEAD_OF_CNAME, ERROR)                                           \
  X(DNS_CNAME_AND_OTHER_DATA, ERROR)                                           \
  X(DNS_CNAME_CHAIN, WARNING)                                                  \
  X(DNS_CNAME_CHAIN_TOO_LONG, ERROR)                                           \
  X(DNS_CNAME_ONLY_PRIVATE_VIEW, ERROR)                                        \
  X(DNS_RECORD_IN_CHILD_ZONE, WARNING)                                         \
  X(DNS_NEGATIVE_CACHED, WARNING)                                              \
  X(DNS_SERVER_LAME, WARNING)                                                  \
  X(DNS_SERVER_UNREACHABLE, WARNING)                                           \
  X(DNS_NO_AUTHORITATIVE_ANSWER, ERROR)                                        \
  X(DNSSEC_SECURE, INFO)                                                       \
  X(DNSSEC_INSECURE, INFO)                                                     \
  X(DNSSEC_BOGUS, ERROR)                                                       \
  X(CAA_NONE, INFO)                                                            \
  X(CAA_ALLOWS_AMAZON, INFO)                                                   \
  X(CAA_FORBIDS_AMAZON, ERROR)                                                 \
  X(CAA_FORBIDS_ALL, ERROR)                                                    \
  X(CAA_CRITICAL_UNKNOWN_TAG, ERROR)                                           \
  X(CAA_LOOKUP_FAILED, ERROR)                                                  \
  X(CAA_DNSSEC_FAILED, ERROR)                                                  \
  X(CAA_ALLOWS_CA, INFO)                                                       \
  X(CAA_FORBIDS_CA, ERROR)                                                     \
  X(CAA_MALFORMED, WARNING)                                                    \
  X(CAA_ACCOUNT_MISMATCH, ERROR)                                               \
  X(CAA_METHOD_NOT_ALLOWED, ERROR)                                             \
  X(CAA_PARAMS_RESTRICT, INFO)                                                 \
  X(CA_METHOD_NOT_OFFERED, WARNING)                                            \
  X(EMAIL_METHOD_DISCOURAGED, WARNING)                                         \
  X(EMAIL_METHOD_RETIRED, ERROR)                                               \
  X(ACME_TXT_OK, INFO)                                                         \
  X(ACME_TXT_MISSING, ERROR)                                                   \
  X(ACME_TXT_MISSING_ON_SOME, ERROR)                                           \
  X(ACME_TXT_WRONG_VALUE, ERROR)                                               \
  X(ACME_SERVERS_DISAGREE, ERROR)                                              \
  X(ACME_TXT_DOUBLED_LABEL, ERROR)                                             \
  X(ACME_TXT_FROM_WILDCARD, WARNING)                                           \
  X(ACME_DELEGATED, INFO)                                                      \
  X(ACME_DELEGATION_BROKEN, ERROR)                                             \
  X(PERSIST_OK, INFO)                                                          \
  X(PERSIST_MISSING, ERROR)                                                    \
  X(PERSIST_MISSING_ON_SOME, ERROR)                                            \
  X(PERSIST_WRONG_ISSUER, ERROR)                                               \
  X(PERSIST_NO_ACCOUNTURI, ERROR)                                              \
  X(PERSIST_ACCOUNT_MISMATCH, ERROR)                                           \
  X(PERSIST_EXPIRED, ERROR)                                                    \
  X(PERSIST_EXPIRES_SOON, WARNING)                                             \
  X(PERSIST_MALFORMED, ERROR)                                                  \
  X(PREFLIGHT_USE_DNS, INFO)                                                   \
  X(PREFLIGHT_USE_EMAIL, WARNING)                                              \
  X(PREFLIGHT_NO_METHOD, FATAL)                                                \
  X(WHOIS_CONTACT_EMAIL, INFO)                                                 \
  X(WHOIS_CONTACT_PROXY, INFO)                                                 \
  X(WHOIS_NO_CONTACT_EMAIL, INFO)                                              \
  X(WHOIS_THROTTLED, WARNING)                                                  \
  X(WHOIS_CAPTCHA, WARNING)                                                    \
  X(WHOIS_WEB_ONLY, WARNING)                                                   \
  X(WHOIS_NOT_FOUND, ERROR)                                                    \
  X(WHOIS_LOOKUP_FAILED, WARNING)                                              \
  X(WHOIS_SERVER_FAILED, WARNING)                                              \
  X(WHOIS_RDAP_FALLBACK, INFO)                                                 \
  X(WHOIS_NO_SERVER, WARNING)                                                  \
  X(WHOIS_REFERRAL_IGNORED, INFO)                                              \
  X(WHOIS_REFERRAL_LOOP, WARNING)                                              \
  X(WHOIS_REPLY_TRUNCATED, INFO)                                               \
  X(WHOIS_BACKOFF, WARNING)                                                    \
  X(WHOIS_EMPTY_REPLY, WARNING)                                                \
  X(EMAIL_LEGACY_CONTACT_ROUTE, WARNING)                                       \
  X(SMTP_PROBE_OK, INFO)                                                       \
  X(SMTP_MAILBOXES_ALL_UNKNOWN, ERROR)                                         \
  X(SMTP_MAILBOXES_SOME_UNKNOWN, WARNING)                                      \
  X(SMTP_ACCEPTS_ANY_ADDRESS, WARNING)                                         \
  X(SMTP_CANNOT_VERIFY, INFO)                                                  \
  X(SMTP_GREYLISTED, WARNING)                                                  \
  X(SMTP_TEMPORARY_FAILURE, WARNING)                                           \
  X(SMTP_POLICY_REFUSED, ERROR)                                                \
  X(SMTP_SENDER_REFUSED, WARNING)                                              \
  X(SMTP_NO_SERVER, ERROR)                                                     \
  X(SMTP_INCONCLUSIVE, WARNING)                                                \
  X(SMTP_MX_FALLBACK, INFO)                                                    \
  X(SMTP_NO_STARTTLS, INFO)                                                    \
  X(SMTP_TLS_FAILED, INFO)                                                     \
  X(SMTP_TLS_CERT_INVALID, INFO)                                               \
  X(ENDPOINT_OK, INFO)                                                         \
  X(ENDPOINT_CERT_EXPECTED, INFO)                                              \
  X(ENDPOINT_CERT_NOT_EXPECTED, WARNING)                                       \
  X(ENDPOINT_CERT_EXPIRING, WARNING)                                           \
  X(ENDPOINT_CERT_EXPIRED, ERROR)                                              \
  X(ENDPOINT_CERT_NOT_YET_VALID, ERROR)                                        \
  X(ENDPOINT_CHAIN_UNTRUSTED, ERROR)                                           \
  X(ENDPOINT_NAME_MISMATCH, ERROR)                                             \
  X(ENDPOINT_HANDSHAKE_FAILED, ERROR)                                          \
  X(ENDPOINT_CONNECT_FAILED, ERROR)                                            \
  X(ENDPOINT_TIMEOUT, ERROR)                                                   \
  X(ENDPOINT_RESOLVE_FAILED, ERROR)                                            \
  X(EXPIRY_EXPIRED, FATAL)                                                     \
  X(EXPIRY_IMPORTED, ERROR)                                                    \
  X(EXPIRY_NOT_IN_USE, ERROR)                                                  \
  X(EXPIRY_PRIVATE, INFO)                                                      \
  X(EXPIRY_RENEWAL_FAILED, ERROR)                                              \
  X(EXPIRY_EMAIL_RENEWAL, WARNING)                                             \
  X(EXPIRY_DNS_RENEWAL, INFO)                                                  \
  X(EXPIRY_DNS_CNAME_MISSING, ERROR)                                           \
  X(EXPIRY_RENEWAL_PENDING, INFO)                                              \
  X(ACM_STATUS_PENDING_VALIDATION, WARNING)                                    \
  X(ACM_STATUS_ISSUED, INFO)                                                   \
  X(ACM_STATUS_INACTIVE, WARNING)                                              \
  X(ACM_STATUS_EXPIRED, ERROR)                                                 \
  X(ACM_STATUS_VALIDATION_TIMED_OUT, ERROR)                                    \
  X(ACM_STATUS_REVOKED, ERROR)                                                 \
  X(ACM_STATUS_FAILED, ERROR)                                                  \
  X(ACM_FAILURE_NO_AVAILABLE_CONTACTS, ERROR)                                  \
  X(ACM_FAILURE_ADDITIONAL_VERIFICATION_REQUIRED, ERROR)                       \
  X(ACM_FAILURE_DOMAIN_NOT_ALLOWED, ERROR)                                     \
  X(ACM_FAILURE_INVALID_PUBLIC_DOMAIN, ERROR)                                  \
  X(ACM_FAILURE_DOMAIN_VALIDATION_DENIED, ERROR)                               \
  X(ACM_FAILURE_CAA_ERROR, ERROR)                                              \
  X(ACM_FAILURE_PCA_LIMIT_EXCEEDED, ERROR)                                     \
  X(ACM_FAILURE_PCA_INVALID_ARN, ERROR)                                        \
  X(ACM_FAILURE_PCA_INVALID_STATE, ERROR)                                      \
  X(ACM_FAILURE_PCA_REQUEST_FAILED, ERROR)                                     \
  X(ACM_FAILURE_PCA_NAME_CONSTRAINTS_VALIDATION, ERROR)                        \
  X(ACM_FAILURE_PCA_RESOURCE_NOT_FOUND, ERROR)                                 \
  X(ACM_FAILURE_PCA_INVALID_ARGS, ERROR)                                       \
  X(ACM_FAILURE_PCA_INVALID_DURATION, ERROR)                                   \
  X(ACM_FAILURE_PCA_ACCESS_DENIED, ERROR)                                      \
  X(ACM_FAILURE_SLR_NOT_FOUND, ERROR)                                          \
  X(ACM_FAILURE_OTHER, ERROR)                                                  \
  X(ACM_RENEWAL_PENDING_AUTO_RENEWAL, INFO)                                    \
  X(ACM_RENEWAL_PENDING_VALIDATION, WARNING)                                   \
  X(ACM_RENEWAL_SUCCESS, INFO)                                                 \
  X(ACM_RENEWAL_FAILED, ERROR)                                                 \
  X(ACM_NAME_VALIDATED, INFO)                                                  \
  X(ACM_NAME_VALIDATED_WORLD_CHANGED, WARNING)                                 \
  X(ACM_NAME_PENDING_WORLD_BLOCKS, ERROR)                                      \
  X(ACM_NAME_PENDING_DNS_READY, WARNING)                                       \
  X(ACM_NAME_PENDING_EMAIL_UNANSWERED, WARNING)                                \
  X(ACM_NAME_FAILED, ERROR)                                                    \
  X(ACM_NAME_NO_RECORD_YET, WARNING)                                           \
  X(ACM_NAME_HTTP_VALIDATION, INFO)                                            \
  X(ACM_EMAILS_WHOIS_CONTACTS, INFO)                                           \
  X(ACM_EMAILS_UNEXPECTED, WARNING)                                            \
  X(ACM_RESEND_SENT, INFO)                                                     \
  X(ACM_RESEND_DRY_RUN, INFO)                                                  \
  X(ACM_RESEND_NOT_EMAIL, ERROR)                                               \
  X(ACM_RESEND_NOT_PENDING, ERROR)                                             \
  X(ACM_RESEND_WINDOW_CLOSED, ERROR)                                           \
  X(ACM_RESEND_BAD_TARGET, ERROR)                                              \
  X(ACM_RESEND_REJECTED, ERROR)                                                \
  X(ACM_API_NOT_FOUND, ERROR)                                                  \
  X(ACM_API_ACCESS_DENIED, ERROR)                                              \
  X(ACM_API_ERROR, ERROR)                                                      \
  X(ACM_API_THROTTLED, ERROR)                                                  \
  X(ACM_API_UNREACHABLE, ERROR)                                                \
  X(ACM_CLOCK_SKEW, ERROR)                                                     \
  X(ACM_CREDENTIALS_MISSING, ERROR)                                            \
  X(ORG_LIST_FAILED, ERROR)                                                    \
  X(ORG_ACCOUNT_INACTIVE, INFO)                                                \
  X(ORG_ASSUME_ROLE_FAILED, ERROR)                                             \
  X(DNS_RESOLVER_FAILED, ERROR)                                                \
  X(RUN_DEADLINE, ERROR)                                                       \
  X(RUN_INTERRUPTED, ERROR)

typedef enum {
#define DV_X(name, sev) DV_F_##name,
  DV_FINDING_CODES(DV_X)
#undef DV_X
      DV_F__COUNT
} dv_code;

typedef struct {
  dv_code code;
  const char *id; /* stable, e.g. "MX_NULL" */
  dv_severity severity;
  const char *title;
  const char *fix;
  const char *reference;
} dv_catalogue_entry;

const dv_catalogue_entry *dv_catalogue_get(dv_code code);
/* Case-insensitive lookup by id; NULL if unknown. */
const dv_catalogue_entry *dv_catalogue_find(const char *id);
size_t dv_catalogue_count(void);
const char *dv_severity_str(dv_severity sev);

typedef struct {
  char *key;
  char *value;
} dv_evidence;

typedef struct {
  dv_code code;
  char *subject;
  dv_evidence *ev;
  size_t nev;
} dv_finding;

typedef struct {
  dv_finding *v;
  size_t n, cap;
  int nomem; /* an allocation failed: the list is incomplete */
} dv_findings;

/* Add a finding; returns NULL (and sets list->nomem) on allocation failure.
 * Evidence functions are no-ops on a NULL finding, so callers can chain. */
dv_finding *dv_findings_add(dv_findings *list, dv_code code,
                            const char *subject);
void dv_finding_ev(dv_findings *list, dv_finding *f, const char *key,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Append copies of every finding of src (with evidence) to dst. */
void dv_findings_append(dv_findings *dst, const dv_findings *src);
int dv_findings_has(const dv_findings *list, dv_code code);
dv_severity dv_findings_max(const dv_findings *list, int *any);
/* Fold list into a running (any, worst) pair across several subjects. */
void dv_findings_fold(const dv_findings *list, int *any_all,
                      dv_severity *worst_all);
void dv_findings_free(dv_findings *list);

/* The findings as a JSON array of {code, severity, subject, message,
 * evidence} (untrusted text made valid UTF-8); NULL when memory runs out. */
json_t *dv_findings_json(const dv_findings *fl);

#endif
