/* dvcheck -- one ACM certificate's diagnosis (ACM's view next to the
 * world's), as `dvcheck cert` does it, for commands that diagnose many
 * certificates on one loop (`dvcheck audit`). Implemented in cmd_cert.c. */
#ifndef DV_CERT_DIAG_H
#define DV_CERT_DIAG_H

#include <jansson.h>
#include <stdio.h>

#include "aws/acm_client.h"
#include "check/check_dns.h"
#include "check/findings.h"
#include "base/loop.h"
#include "src/tool_cfg.h"

typedef struct dv_cert_run dv_cert_run;

/* A diagnosis of ARN using the caller's loop, the ARN region's ACM client
 * and a shared DNS context (its resolver cache serves every certificate).
 * NULL on allocation failure or a malformed ARN. */
dv_cert_run *dv_cert_diag_new(const dv_cfg *cfg, dv_loop *loop, dv_acm *acm,
                              dv_dns_ctx *dns, const char *arn);
/* DescribeCertificate; when it answers, the world's checks start on the
 * loop. 0, or -1 if nothing could be queued. */
int dv_cert_diag_start(dv_cert_run *run);
/* After the loop: verdicts; every finding into all, the exit status into
 * *rc. -1 when memory ran out. */
int dv_cert_diag_finish(dv_cert_run *run, dv_findings *all, int *rc);
json_t *dv_cert_diag_json(const dv_cert_run *run, const dv_findings *all,
                          int rc);
void dv_cert_diag_text(FILE *out, const dv_cert_run *run,
                       const dv_findings *all, int rc);
/* ACM's CertificateDetail (NULL if DescribeCertificate failed). */
const json_t *dv_cert_diag_detail(const dv_cert_run *run);
void dv_cert_diag_free(dv_cert_run *run);

#endif
