/* dvcheck -- the accounts of an AWS Organization for `audit --org` and
 * `expiry --org`: Organizations ListAccounts (all pages; only ACTIVE
 * accounts are audited, the others are reported), or --accounts /
 * --accounts-file, minus --exclude; then STS AssumeRole of the audit role
 * (--role-name, default OrganizationAccountAccessRole) in each, a few at a
 * time, the credentials cached like the AWS CLI's. The management account
 * itself (ListAccounts names it) uses the caller's credentials. Failures
 * are findings of the account (or of the organisation); the run goes on.
 */
#ifndef DV_ACM_ORG_H
#define DV_ACM_ORG_H

#include <jansson.h>

#include "check/acm_session.h"
#include "check/findings.h"

#define DV_ORG_DEFAULT_ROLE    "OrganizationAccountAccessRole"
#define DV_ORG_MAX_ACCOUNTS    10000
#define DV_ORG_ASSUME_INFLIGHT 8

typedef struct {
  char id[13];
  char name[128];  /* printable */
  char status[24]; /* ACTIVE, SUSPENDED, PENDING_CLOSURE; "" = not listed */
  int active;      /* to be audited */
  int ready;       /* credentials in hand */
  int self;        /* the caller's own account: the session's credentials */
  int from_cache;  /* the role's credentials came from ~/.aws/cli/cache */
  char *akid;      /* assumed role; NULL for self */
  char *secret;    /* SECRET */
  char *token;     /* SECRET */
  dv_findings findings; /* account-level */
} dv_org_account;

typedef struct {
  dv_org_account *v;
  size_t n;
  dv_findings findings; /* ORG_LIST_FAILED */
  char master[13];
  int pages; /* ListAccounts pages */
  int sts_calls;
  long list_ms, assume_ms;
} dv_org;

typedef struct {
  const char *role;          /* --role-name; NULL = DV_ORG_DEFAULT_ROLE */
  const char *accounts;      /* --accounts ID,ID */
  const char *accounts_file; /* --accounts-file */
  const char *exclude;       /* --exclude ID,ID */
} dv_org_opts;

/* Collect the accounts and their credentials, running the session's loop.
 * 0, or -1 with why (a bad --accounts-file, out of memory, loop failure). */
int dv_org_collect(dv_acm_session *s, const dv_org_opts *o, dv_org *org,
                   char *why, size_t whylen);
void dv_org_free(dv_org *org);
/* {"kind": "account", "account", "name", "status", "audited", "findings"} */
json_t *dv_org_account_json(const dv_org_account *a);
/* The credentials to audit account a with (the session's for self). */
void dv_org_account_creds(const dv_acm_session *s, const dv_org_account *a,
                          const char **akid, const char **secret,
                          const char **token);

/* Internal (tests, fuzzing): the parsers under dv_org_collect. One
 * ListAccounts page into org; *next gets its NextToken (borrowed from page)
 * or NULL. 0, or -1 when memory ran out or the account limit is reached. */
int dv_org_page_add(dv_org *org, const json_t *page, const char **next);
/* "ID,ID" (--accounts, --exclude) or an --accounts-file's lines into org
 * (exclude: mark them dropped). 0, or -1 with why ("WHAT: ..."). */
int dv_org_list_add(dv_org *org, const char *text, int exclude, char *why,
                    size_t whylen, const char *what);

#endif
