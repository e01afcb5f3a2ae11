/* dvcheck -- CAA (RFC 8659): may a CA (Amazon by default, any CA of the
 * table in cas.conf, or --ca-domain) issue for a name? Climbs from the name
 * towards the TLD; the first non-empty CAA RRset is the relevant one.
 * issue/issuewild values are parsed exactly by the RFC 8659 section 4.2
 * grammar: a value that does not match counts as an empty issuer (no CA).
 * RFC 8657 accounturi / validationmethods are evaluated when the account /
 * an ACME method is known, else explained. A failed lookup on the way is
 * itself a failure (ACM's CAA_ERROR); with DNSSEC failing (SERVFAIL, data
 * with CD=1) it is said in BR 3.2.2.8.1 terms (SC-085). */
#ifndef DV_CHECK_CAA_H
#define DV_CHECK_CAA_H

#include <stdint.h>

#include "dns/resolver.h"
#include "check/findings.h"
#include "base/names.h"

#define DV_CAA_MAX_LEVELS 16
#define DV_CAA_MAX_RR     16

typedef enum {
  DV_CAA_UNKNOWN = 0, /* not evaluated / incomplete */
  DV_CAA_NONE,        /* no CAA anywhere: any CA may issue */
  DV_CAA_ALLOWS,      /* the CA is authorised */
  DV_CAA_FORBIDS,     /* the CA is not authorised */
  DV_CAA_FAILED       /* a lookup failed */
} dv_caa_verdict;
typedef dv_caa_verdict dv_caa_verdict_t;

typedef struct {
  uint8_t flags;
  char tag[32];    /* lower case (tags match case-insensitively) */
  char value[256]; /* printable */
  char raw[256];   /* the value's bytes, for the grammar */
  size_t rawlen;
} dv_caa_rr;

/* Which CA, for what (see dv_caa_set_policy). */
typedef struct {
  const char *display;        /* "Amazon (AWS Certificate Manager)" */
  const char *const *issuers; /* its CAA issuer domain names */
  size_t nissuers;
  int amazon;          /* report with the *_AMAZON codes */
  const char *account; /* --acme-account URI, NULL = unknown */
  const char *method;  /* the method checked ("dns-01"), NULL = unknown */
} dv_caa_policy;

#define DV_CAA_MAX_PARAMS 8
/* One issue/issuewild value parsed by the RFC 8659 4.2 grammar. */
typedef struct {
  char issuer[256]; /* "" = empty issuer-domain-name */
  struct {
    char tag[64];
    char value[256];
  } params[DV_CAA_MAX_PARAMS];
  size_t nparams;
} dv_caa_issue;

/* 0 if value (len bytes) matches issue-value; -1 (why filled) if not. */
int dv_caa_issue_parse(const char *value, size_t len, dv_caa_issue *out,
                       char *why, size_t whylen);
/* The value of parameter tag (case-insensitive), NULL if absent. */
const char *dv_caa_issue_param(const dv_caa_issue *is, const char *tag);

/* The result of evaluating a relevant RRset. */
typedef struct {
  dv_caa_verdict_t verdict;
  int code; /* dv_code of the verdict finding */
  char why[600];
  char malformed[600]; /* the values that did not parse, and why */
  size_t nmalformed;
  char restricts[600]; /* RFC 8657 parameters not evaluated */
  int restricted;
} dv_caa_eval;

typedef struct {
  uint8_t off; /* the level's name: the check's name from here
                  (DV_CAA_LEVEL_NAME) */
  dv_dns_status status;
  dv_dns_status cd_status; /* with CD=1, asked after a SERVFAIL */
  int done;
  dv_caa_rr *rr; /* nrr records (at most DV_CAA_MAX_RR), allocated to fit */
  size_t nrr;
} dv_caa_level;

typedef struct {
  char name[DV_NAME_LEN]; /* without "*." */
  int wildcard;
  dv_caa_level levels[DV_CAA_MAX_LEVELS];
  size_t nlevels;
  dv_caa_verdict verdict;
  int relevant; /* index of the relevant level, -1 = none */
  int nomem;
  const dv_caa_policy *policy; /* NULL = Amazon */
  dv_resolver *res_cd;         /* CD=1 resolver for the DNSSEC retry */
} dv_caa_check;

#define DV_CAA_LEVEL_NAME(c, l) ((const char *)(c)->name + (l)->off)

extern const char *const dv_caa_amazon_issuers[4];

/* The default policy: Amazon, no account, no method. */
const dv_caa_policy *dv_caa_policy_amazon(void);

/* name: normalised A-label name, may start with "*.". */
void dv_caa_init(dv_caa_check *c, const char *name);
/* The policy must outlive the check; NULL = Amazon. */
void dv_caa_set_policy(dv_caa_check *c, const dv_caa_policy *p);
/* res_cd (may be NULL): a CD=1 resolver, asked again after a SERVFAIL to
 * tell a DNSSEC failure from a server failure. */
void dv_caa_start(dv_caa_check *c, dv_resolver *res, dv_resolver *res_cd);
/* The records kept (dv_caa_init again or dv_caa_free after use). */
void dv_caa_free(dv_caa_check *c);
/* Evaluate and add CAA_* findings for subject. */
dv_caa_verdict dv_caa_finish(dv_caa_check *c, dv_findings *fl,
                             const char *subject);

/* One CAA record's RDATA (RFC 8659 4.1) into out (zeroed when malformed). */
void dv_caa_rr_parse(const dv_dns_msg *m, const dv_dns_rr *rr, dv_caa_rr *out);
/* Evaluate a relevant RRset for a policy (NULL = Amazon). */
dv_caa_verdict dv_caa_evaluate_policy(const dv_caa_policy *p,
                                      const dv_caa_rr *rr, size_t n,
                                      int wildcard, dv_caa_eval *out);
/* The same for Amazon, the verdict's code and explanation only. */
dv_caa_verdict dv_caa_evaluate(const dv_caa_rr *rr, size_t n, int wildcard,
                               dv_code *code, char *why, size_t whylen);

#endif
