/* dvcheck -- the public CA table (check/cas.conf): CAA issuer domain names
 * and validation methods per CA, the CA/Browser Forum's validation methods
 * with the dates they stop being allowed (BR 3.2.2.4), and the maximum
 * certificate lifetimes by date (BR 6.3.2). The file format is documented
 * at the top of cas.conf. Also the run's date, which every dated rule is
 * evaluated against (the caller says which: the CLI takes DVCHECK_NOW). */
#ifndef DV_CHECK_CA_TABLE_H
#define DV_CHECK_CA_TABLE_H

#include <stddef.h>
#include <time.h>

#define DV_CA_MAX_ISSUERS 16
#define DV_CA_MAX_METHODS 16
#define DV_CA_NAME_LEN    64

typedef enum {
  DV_CA_OK = 0,
  DV_CA_OPEN,   /* cannot open the file */
  DV_CA_SYNTAX, /* a line does not parse (line number in the message) */
  DV_CA_NOMEM,
  DV_CA_NOT_FOUND /* no such CA / method */
} dv_ca_status;

typedef struct {
  char label[24];              /* "email", "dns-01", ... */
  char section[16];            /* BR section, "3.2.2.4.4" */
  char ballot[12];             /* "SC-090" or "" */
  time_t should_not, must_not; /* 0 = never */
  char description[200];
} dv_ca_method;

typedef struct {
  char name[DV_CA_NAME_LEN];
  char display[128];
  char issuers[DV_CA_MAX_ISSUERS][DV_CA_NAME_LEN];
  size_t nissuers;
  char methods[DV_CA_MAX_METHODS][24];
  size_t nmethods;
  char source[256];
} dv_ca;

typedef struct {
  time_t from; /* 0 = always */
  unsigned days;
  char ballot[12];
} dv_ca_lifetime;

typedef struct dv_ca_table {
  dv_ca *cas;
  size_t ncas;
  dv_ca_method methods[32];
  size_t nmethods;
  dv_ca_lifetime lifetimes[8];
  size_t nlifetimes;
} dv_ca_table;

const char *dv_ca_status_str(dv_ca_status st);

/* Parse cas.conf text / a file. err gets "line N: why" on DV_CA_SYNTAX. */
dv_ca_status dv_ca_table_parse(dv_ca_table *t, const char *text, char *err,
                               size_t errlen);
dv_ca_status dv_ca_table_load(dv_ca_table *t, const char *path, char *err,
                              size_t errlen);
void dv_ca_table_free(dv_ca_table *t);

const dv_ca *dv_ca_find(const dv_ca_table *t, const char *name);
/* A plausible --ca NAME: 1-63 of [a-z0-9-]. */
int dv_ca_name_valid(const char *name);
const dv_ca_method *dv_ca_method_find(const dv_ca_table *t, const char *label);
int dv_ca_offers(const dv_ca *ca, const char *label);
/* The CA's DNS-based method for a preflight: dns-01, else dns-change, else
 * dns-persist-01, else NULL. */
const char *dv_ca_dns_method(const dv_ca *ca);
/* Is label an ACME challenge type (RFC 8657 validationmethods applies)? */
int dv_ca_method_is_acme(const char *label);
/* Fill a one-issuer CA for --ca-domain. Returns -1 if domain does not match
 * RFC 8659's issuer-domain-name grammar. */
int dv_ca_from_domain(dv_ca *ca, const char *domain);

/* The maximum lifetime (days) of a certificate issued at now; *lt (may be
 * NULL) gets the rule in force. Falls back to 398 without a table. */
unsigned dv_ca_lifetime_days(const dv_ca_table *t, time_t now,
                             const dv_ca_lifetime **lt);

/* Parse YYYY-MM-DD (UTC midnight); -1 if not a date. */
time_t dv_ca_parse_date(const char *s);
/* "YYYY-MM-DD" of t (UTC). */
void dv_ca_format_date(time_t t, char *out, size_t outlen);

#endif
