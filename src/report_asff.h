/* dvcheck -- AWS Security Finding Format (ASFF) output: one finding per
 * certificate problem, ready for Security Hub BatchImportFindings
 * (`aws securityhub batch-import-findings --findings file://out.json`). */
#ifndef DV_REPORT_ASFF_H
#define DV_REPORT_ASFF_H

#include <jansson.h>
#include <time.h>

#include "check/findings.h"

typedef struct {
  const json_t *cert;    /* ACM CertificateDetail or CertificateSummary */
  const char *arn;       /* certificate ARN */
  const char *partition; /* "aws" */
  const char *region;
  const char *account; /* 12 digits */
  const char *code;    /* catalogue code: GeneratorId and Id suffix */
  dv_severity severity;
  const char *title;       /* <= 256 characters (truncated) */
  const char *description; /* <= 1024 characters (truncated) */
  const char *remediation; /* may be NULL */
  time_t now;
} dv_asff_input;

/* One AwsSecurityFinding object; NULL on allocation failure. */
json_t *dv_asff_finding(const dv_asff_input *in);

/* ASFF severity label for a catalogue severity. */
const char *dv_asff_severity_label(dv_severity sev);

#endif
