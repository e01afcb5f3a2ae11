/* dvcheck -- `dvcheck cert`'s report of one certificate diagnosis
 * (check/cert_diag.h), as text and as a JSON result object; `dvcheck audit`
 * prints its problem certificates the same way. The resend state shown
 * with it is `dvcheck cert --resend`'s (src/cmd_cert.c). */
#ifndef DV_CERT_REPORT_H
#define DV_CERT_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "aws/acm_client.h"
#include "base/names.h"
#include "check/acm_session.h"
#include "check/cert_diag.h"
#include "check/findings.h"
#include "src/tool_cfg.h"

typedef enum {
  DV_RESEND_NONE = 0, /* no --resend */
  DV_RESEND_REFUSED,  /* a refusal finding says why */
  DV_RESEND_DRY_RUN,
  DV_RESEND_ATTEMPTED, /* ResendValidationEmail called */
  DV_RESEND_DECLINED   /* the confirmation was answered "no" */
} dv_resend_state;

/* One ResendValidationEmail: the name, the domain mailed, who gets it. */
typedef struct {
  char domain[DV_NAME_LEN * 2];
  char vdomain[DV_NAME_LEN * 2];
  int renewal;
  char addrs[16][600];
  size_t naddrs;
  int vd_deliverable;     /* the world's view of vdomain; -1 unknown */
  dv_acm_result_copy out; /* the call's outcome */
} dv_resend_target;

typedef struct {
  dv_resend_state state;
  dv_resend_target *targets;
  size_t ntargets;
} dv_resend;

/* The resend targets and their recipients (the confirmation prompt shows
 * them on stderr). */
void dv_cert_report_targets(FILE *out, const dv_resend *rs);
/* One certificate as text; rs may be NULL (no --resend). */
void dv_cert_report_text(FILE *out, const dv_cfg *cfg, const dv_cert_diag *d,
                         const dv_resend *rs, const dv_findings *all, int rc);
/* One certificate as a JSON result object (NULL when memory ran out). */
json_t *dv_cert_report_json(const dv_cert_diag *d, const dv_resend *rs,
                            const dv_findings *all, int rc);

#endif
