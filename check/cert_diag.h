/* dvcheck -- one ACM certificate's diagnosis: ACM's view (DescribeCertificate)
 * next to the world's (the e-mail and DNS checks of each name), and for each
 * name a verdict saying which side is wrong. `dvcheck cert` runs one,
 * `dvcheck audit` many on one loop with a shared DNS cache.
 *
 * A plain options struct in, data and findings out; nothing is printed
 * (rendering and the resend workflow live in the commands: src/cmd_cert.c,
 * src/cert_report.c).
 *
 * Life cycle: dv_cert_diag_new, dv_cert_diag_start (DescribeCertificate;
 * its answer is parsed and the world's checks start on the loop), run the
 * loop, dv_cert_diag_finish (verdicts), dv_cert_diag_collect (findings),
 * dv_cert_diag_free. Unit tests skip the I/O: dv_cert_diag_parse with a
 * hand-built CertificateDetail, the world's results filled in by hand, then
 * dv_cert_diag_finish. */
#ifndef DV_CERT_DIAG_H
#define DV_CERT_DIAG_H

#include <jansson.h>

#include "aws/acm_client.h"
#include "base/loop.h"
#include "base/names.h"
#include "check/check_dns.h"
#include "check/check_email.h"
#include "check/findings.h"

#define DV_CERT_MAX_DVOS   200 /* names looked at per certificate */
#define DV_CERT_MAX_EMAILS 64  /* ValidationEmails kept per name */

/* What the engine reads from the command line. */
typedef struct {
  /* c-ares server list ("ADDR,ADDR") for the diagnosis's own DNS context
   * (used when no shared context is given); NULL or "" = the system's */
  const char *resolvers;
  int max_inflight; /* DNS window ceiling (0 = default) */
} dv_cert_opts;

typedef enum {
  DV_CERT_DIAG_OK = 0,
  DV_CERT_DIAG_NOMEM,   /* an allocation failed (here or in a callback) */
  DV_CERT_DIAG_RESOLVER /* the DNS context could not be set up */
} dv_cert_diag_status;

const char *dv_cert_diag_status_str(dv_cert_diag_status st);

/* The world's state for one name (JSON: "not_checked", "ok", ...). */
typedef enum {
  DV_CERT_WORLD_NOT_CHECKED = 0,
  DV_CERT_WORLD_OK,
  DV_CERT_WORLD_BROKEN,
  DV_CERT_WORLD_UNKNOWN /* the checks did not complete */
} dv_cert_world;

const char *dv_cert_world_str(dv_cert_world w);

/* Which side is wrong for one name (JSON "wrong_side": "unknown", "none",
 * "world", "acm"). */
typedef enum {
  DV_CERT_SIDE_UNKNOWN = 0,
  DV_CERT_SIDE_NONE,
  DV_CERT_SIDE_WORLD,
  DV_CERT_SIDE_ACM
} dv_cert_side;

const char *dv_cert_side_str(dv_cert_side s);

/* The world check of a name's validation method. NONE: not checked
 * (imported and private certificates, unknown methods). */
typedef enum {
  DV_CERT_CHECK_NONE = 0,
  DV_CERT_CHECK_EMAIL,
  DV_CERT_CHECK_DNS,
  DV_CERT_CHECK_HTTP /* through CloudFront: not checked from outside */
} dv_cert_check;

/* One DomainValidation entry: ACM's view of a name, the world's, verdict.
 * Strings from ACM are escaped (base/text.h) when parsed. */
typedef struct dv_cert_dvo {
  int renewal; /* 0: issuance, 1: RenewalSummary's */
  char domain[DV_NAME_LEN * 2];
  char method[16]; /* ValidationMethod ("EMAIL" when only e-mails given) */
  char status[32]; /* ValidationStatus */
  char vdomain[DV_NAME_LEN * 2]; /* ValidationDomain */
  char (*emails)[600];           /* ValidationEmails */
  size_t nemails;
  int has_rr; /* ResourceRecord */
  char rr_name[DV_NAME_LEN * 2], rr_type[16], rr_value[DV_NAME_LEN * 2];
  dv_cert_check check;
  /* an earlier name with the same world check (same record, same
   * validation domain): its world is this one's, checked once */
  const struct dv_cert_dvo *same_as;
  int email_on, dns_on; /* email / dns below are set up (and owned) */
  dv_email_result email;
  struct dv_probe *probe; /* the SMTP probe of the mail domain (cert
                             --probe): set by the caller, freed here */
  dv_dns_record dns;
  dv_cert_world world;
  dv_cert_side side;
  dv_findings world_findings; /* the check's own findings */
  dv_findings findings;       /* ACM-vs-world verdict for the name */
} dv_cert_dvo;

typedef struct dv_cert_diag {
  /* results: read after dv_cert_diag_finish */
  dv_acm_arn arn;
  json_t *cert; /* ACM's CertificateDetail (a reference), NULL when
                   DescribeCertificate failed */
  dv_cert_dvo *dvos;
  size_t ndvos;
  dv_findings findings; /* certificate level: status, failure, renewal,
                           DescribeCertificate errors */
  int incomplete;       /* no full verdict: API error, world unknown */
  int deadline;         /* the run's deadline cancelled DescribeCertificate */
  /* private */
  dv_cert_opts opts;
  dv_loop *loop;
  dv_acm *acm;
  dv_dns_ctx dns;   /* own context ... */
  dv_dns_ctx *dnsp; /* ... or the caller's shared one */
  int dns_on;
  dv_email_ctx ectx;
  dv_cert_diag_status status; /* a failure inside a callback */
} dv_cert_diag;

/* A diagnosis of ARN on the caller's loop with the ARN region's ACM client;
 * dns: a shared DNS context (its cache serves every certificate), NULL for
 * an own one (opts->resolvers, set up when a check needs it). loop and acm
 * may be NULL when only dv_cert_diag_parse is used. NULL on allocation
 * failure or a malformed ARN (commands check it first with
 * dv_acm_arn_parse, for the message). */
dv_cert_diag *dv_cert_diag_new(const dv_cert_opts *opts, dv_loop *loop,
                               dv_acm *acm, dv_dns_ctx *dns, const char *arn);
/* DescribeCertificate; when it answers, dv_cert_diag_parse and the world's
 * checks start on the loop. 0, or -1 if nothing could be queued. */
int dv_cert_diag_start(dv_cert_diag *d);
/* ACM's view without I/O: keep a reference to certificate (a
 * CertificateDetail object), add the certificate-level findings, parse
 * every DomainValidation (issuance, then renewal) and prepare the world
 * check each needs (not started; a name with the same check as an earlier
 * one gets same_as instead). */
dv_cert_diag_status dv_cert_diag_parse(dv_cert_diag *d, json_t *certificate);
/* After the loop: each world check's result (dv_email_finish,
 * dv_dns_record_finish) and each name's verdict (dv_cert_dvo_verdict). */
dv_cert_diag_status dv_cert_diag_finish(dv_cert_diag *d);
/* The domain ACM mails for d: its ValidationDomain, else the name without
 * a leading "*.". */
const char *dv_cert_dvo_mail_domain(const dv_cert_dvo *d);
/* One name's verdict from ACM's ValidationStatus and d->world (set): side,
 * and the ACM_NAME_* / ACM_EMAILS_* findings. auto_renewal: the
 * certificate's renewal is PENDING_AUTO_RENEWAL (ACM renews on its own). */
void dv_cert_dvo_verdict(dv_cert_dvo *d, int auto_renewal);
/* Every finding into all: the certificate's, then extra (the command's
 * own, e.g. resend, deadline; may be NULL), then name by name (a world
 * check's findings once). 0, or -1 when memory ran out. */
int dv_cert_diag_collect(const dv_cert_diag *d, const dv_findings *extra,
                         dv_findings *all);
void dv_cert_diag_free(dv_cert_diag *d);

#endif
