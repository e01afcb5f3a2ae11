/* dvcheck -- the SMTP mailbox probe check (`email --probe`): do the five
 * addresses ACM mails exist at the validation domain's MX?
 *
 * For one validation domain and its usable MX hosts (from check_email):
 * the hosts in preference order (equal preferences shuffled, RFC 5321
 * 5.1), one smtp/ session per host, falling back to the next host when a
 * host cannot be reached, times out, refuses or defers at the greeting or
 * breaks the dialogue, stopping at the first host that answers the RCPTs.
 * RCPT TO for the five addresses plus one random never-existing one
 * (a server that accepts it accepts everything). Never DATA.
 *
 * Politeness: at most DV_PROBE_PER_HOST sessions at once per MX address
 * and DV_PROBE_PER_RUN in the whole run; the sessions wait in a queue.
 * Verdicts are catalogue findings (SMTP_*).
 */
#ifndef DV_CHECK_SMTP_H
#define DV_CHECK_SMTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/loop.h"
#include "check/check_email.h"
#include "check/findings.h"
#include "smtp/smtp.h"

#define DV_PROBE_PER_HOST        2 /* concurrent sessions per MX address */
#define DV_PROBE_PER_RUN         8 /* concurrent sessions in one run */
#define DV_PROBE_STEP_MS_DEFAULT 10000
#define DV_PROBE_MAX_HOSTS       10
#define DV_PROBE_NRCPT           6 /* the five + one random */

/* --connect-to HOST:PORT:CONNECT-HOST:CONNECT-PORT (curl's convention):
 * empty HOST or PORT match any; CONNECT-HOST must be an IP address. */
typedef struct {
  char host[256];
  int port; /* 0 = any */
  char to_addr[64];
  int to_port;
} dv_connect_to;

typedef enum {
  DV_CONNECT_TO_OK = 0,
  DV_CONNECT_TO_SYNTAX, /* not HOST:PORT:CONNECT-HOST:CONNECT-PORT */
  DV_CONNECT_TO_PORT,   /* a port outside 1..65535 */
  DV_CONNECT_TO_ADDRESS /* CONNECT-HOST is not an IP address */
} dv_connect_to_status;

dv_connect_to_status dv_connect_to_parse(const char *s, dv_connect_to *out);
const char *dv_connect_to_status_str(dv_connect_to_status st);

typedef struct {
  int64_t step_ms;       /* --smtp-timeout; 0 = default */
  const char *mail_from; /* --mail-from; NULL/"" = null sender */
  const char *helo_name; /* NULL = "dvcheck.invalid"-free default below */
  const dv_connect_to *connect_to;
  size_t nconnect_to;
  const char *ca_file;    /* DVCHECK_CA_BUNDLE; NULL = system store */
  dv_smtp_trace_cb trace; /* -vv dialogue; arg is the dv_probe_session */
} dv_probe_opts;

typedef struct dv_probe dv_probe;

typedef struct dv_probe_session {
  char host[DV_DNS_NAME_MAX]; /* MX host */
  int pref;
  char addr[46];         /* its address (from DNS) */
  char connect_addr[64]; /* where we connected (--connect-to) */
  int connect_port;
  int started, done, queued;
  dv_smtp_result res;
  dv_probe *probe;
} dv_probe_session;

struct dv_probe {
  char domain[DV_NAME_LEN];
  char rcpt[DV_PROBE_NRCPT][DV_NAME_LEN + 32];
  const char *rcpt_ptr[DV_PROBE_NRCPT];
  dv_probe_session sess[DV_PROBE_MAX_HOSTS];
  size_t nsess;
  size_t cur;   /* the session being tried */
  int answered; /* index of the session that answered the RCPTs, -1 */
  int done;
  dv_findings findings;
  struct dv_probe_ctx *ctx;
  dv_probe *qnext; /* waiting for a free slot */
};

typedef struct dv_probe_ctx {
  dv_loop *loop;
  dv_probe_opts o;
  int active; /* sessions running */
  dv_probe *qhead, *qtail;
  dv_smtp_session *running[64];
  dv_probe_session *running_s[64];
  int nomem;
  unsigned long sessions; /* started, for -v */
  int max_active;         /* most sessions at once in the run (-v) */
  int max_host_active;    /* most sessions at once to one address (-v) */
} dv_probe_ctx;

void dv_probe_ctx_init(dv_probe_ctx *ctx, dv_loop *loop,
                       const dv_probe_opts *o);
/* Prepare a probe of CAND (the chosen validation domain); no network. 0 on
 * success, -1 when the candidate has no usable MX host. */
int dv_probe_init(dv_probe *p, const dv_candidate *cand);
/* Queue the probe: its first session starts as soon as a slot is free. */
void dv_probe_start(dv_probe_ctx *ctx, dv_probe *p);
/* After the loop ran: the verdict findings. */
void dv_probe_finish(dv_probe *p);
void dv_probe_free(dv_probe *p);
/* Cancel everything still running (the run's deadline). */
void dv_probe_ctx_cancel(dv_probe_ctx *ctx);

/* The session that answered the RCPTs, or the last one tried; NULL if
 * nothing was tried. */
const dv_probe_session *dv_probe_decisive(const dv_probe *p);

#endif
