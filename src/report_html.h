/* dvcheck -- `--format html` for `audit` and `expiry`: one self-contained
 * page (no external scripts, fonts, images or network): a sortable table of
 * the certificates, worst first; an expiry timeline as inline SVG with each
 * certificate's managed-renewal window and today marked; every
 * certificate's findings with their fixes and references; readable in
 * print. The inline style and script are allowed by a Content-Security-
 * Policy meta tag naming their SHA-256 hashes (no 'unsafe-inline').
 *
 * Every string from outside (certificate names, ARNs, ACM's and servers'
 * text, account names, evidence) goes through dv_html_escape: base/text's
 * rule first (bytes outside printable ASCII and the backslash become
 * \xHH), then the five HTML metacharacters become entities. dvcheck's own
 * catalogue text (titles, fixes, references) gets the entities only. */
#ifndef DV_REPORT_HTML_H
#define DV_REPORT_HTML_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "check/acm_org.h"
#include "check/acm_session.h"
#include "check/findings.h"

/* One certificate row. */
typedef struct {
  const char *account;      /* --org: the account id; NULL otherwise */
  const char *account_name; /* --org: its name (untrusted); may be NULL */
  const char *region;
  const char *arn;
  const char *domain;
  const json_t *cert; /* CertificateDetail or Summary (NotAfter, Type, ...) */
  const char *status; /* ACM Status; NULL = the cert's "Status" */
  const char *note;   /* why it is listed (audit), may be NULL */
  dv_code verdict;    /* the main finding; DV_F__COUNT = the worst one */
  const dv_findings *findings;
} dv_html_cert;

/* Findings that belong to no certificate (a region, an account, the
 * organisation), under a heading. */
typedef struct {
  const char *label; /* e.g. "region eu-west-1", "account 2000...: name" */
  const dv_findings *findings;
} dv_html_group;

typedef struct {
  const char *command; /* "audit" or "expiry" */
  time_t now;
  long days;     /* the expiry window (--days) */
  int org;       /* --org run: an account column */
  int exit_code; /* the run's exit status */
  size_t listed; /* certificates listed */
  size_t nunits; /* account-regions asked */
  const dv_html_cert *certs;
  size_t ncerts;
  const dv_html_group *groups;
  size_t ngroups;
} dv_html_report;

/* Write the page to out. 0, or -1 when memory ran out or writing failed. */
int dv_report_html(FILE *out, const dv_html_report *r);

/* One account-region of an ACM run (acct NULL outside --org). */
typedef struct {
  const dv_acm_region *region;
  const dv_org_account *acct;
} dv_html_unit;

/* The page of an ACM run: r's groups are made here from the organisation
 * (org NULL outside --org), its accounts and the units' findings. */
int dv_report_html_acm(FILE *out, dv_html_report *r, const dv_org *org,
                       const dv_html_unit *units, size_t nunits);

/* The tail `audit` and `expiry` share: the page of a run whose
 * certificate rows and account-regions the command built, with a failure
 * reported on stderr. Returns exit_code, or DV_EXIT_UNKNOWN when the page
 * could not be written (or certs/units is NULL: memory ran out). */
int dv_report_html_run(FILE *out, const char *command, time_t now, long days,
                       size_t listed, int exit_code, const dv_html_cert *certs,
                       size_t ncerts, const dv_org *org,
                       const dv_html_unit *units, size_t nunits);

/* The page's one escaping function (see above), written to out. */
void dv_html_escape(FILE *out, const char *s, size_t len);

#endif
