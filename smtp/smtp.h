/* dvcheck -- SMTP mailbox probe client on the dv_loop (protocol module).
 *
 * Two layers:
 *   - replies: an incremental parser for SMTP replies (RFC 5321 4.2:
 *     "ddd-text" continuation lines, "ddd text" last line), bounded in
 *     line length and line count, with the enhanced status code (RFC 3463,
 *     "c.sss.ddd" at the start of the text) and a classifier that maps a
 *     RCPT/MAIL/greeting reply to a class (accepted, unknown mailbox,
 *     policy refusal, greylisting, ...).
 *   - sessions: one SMTP session to one address: non-blocking connect,
 *     greeting, EHLO (HELO when EHLO is refused), STARTTLS when offered
 *     (OpenSSL, non-blocking on the loop; the protocol, the certificate's
 *     validity, chain and name are recorded, a failed handshake is retried
 *     once without TLS: the probe never fails on TLS), MAIL FROM, one RCPT
 *     per address, RSET, QUIT. Never DATA. MAIL and the RCPTs are sent in
 *     one write when the server offers PIPELINING. Every reply must arrive
 *     within step_ms of the command (a server dripping bytes does not
 *     extend it).
 *
 * No printing: the dialogue goes to an optional trace callback as raw
 * bytes (the caller escapes them); errors are dv_smtp_status values.
 */
#ifndef DV_SMTP_H
#define DV_SMTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/loop.h"

/* ---- replies ------------------------------------------------------------ */

#define DV_SMTP_LINE_MAX  1000 /* RFC 5321 4.5.3.1.5: 512; we allow more */
#define DV_SMTP_LINES_MAX 100  /* lines of one multi-line reply */
#define DV_SMTP_TEXT_MAX  512  /* reply text kept (lines joined by "\n") */

typedef struct {
  int code;              /* 200..599 */
  int ecls, esubj, edet; /* enhanced status code; ecls 0 = none */
  int nlines;
  char text[DV_SMTP_TEXT_MAX]; /* raw bytes after "ddd " / "ddd-", lines
                                  joined by "\n"; may hold any byte (NUL
                                  too): use textlen; NUL-terminated */
  size_t textlen;
  int truncated; /* text longer than kept */
} dv_smtp_reply;

typedef enum {
  DV_SMTP_PARSE_MORE = 0, /* need more bytes */
  DV_SMTP_PARSE_REPLY,    /* a complete reply is in *out */
  DV_SMTP_PARSE_BAD,      /* not an SMTP reply line */
  DV_SMTP_PARSE_TOO_LONG, /* a line above DV_SMTP_LINE_MAX */
  DV_SMTP_PARSE_TOO_MANY, /* more than DV_SMTP_LINES_MAX lines */
  DV_SMTP_PARSE_MIXED     /* lines of one reply with different codes */
} dv_smtp_parse_status;

typedef struct {
  char line[DV_SMTP_LINE_MAX + 2];
  size_t linelen;
  dv_smtp_reply cur;
  int in_reply;
} dv_smtp_parser;

void dv_smtp_parser_init(dv_smtp_parser *p);
/* Consume bytes from buf[*used..len): stops after one complete reply (or an
 * error) and advances *used past what it consumed. */
dv_smtp_parse_status dv_smtp_parse(dv_smtp_parser *p, const char *buf,
                                   size_t len, size_t *used,
                                   dv_smtp_reply *out);
const char *dv_smtp_parse_status_str(dv_smtp_parse_status st);

/* Parse "c.sss.ddd" at the start of text (RFC 3463 2: class 2, 4 or 5,
 * subject 0-999, detail 0-999). Returns the length of the code and its
 * following space, 0 if there is none. */
size_t dv_smtp_enhanced_parse(const char *text, size_t len, int *cls, int *subj,
                              int *det);

typedef enum {
  DV_SMTP_RC_ACCEPTED = 0,    /* 250 */
  DV_SMTP_RC_FORWARDED,       /* 251: user not local, will forward */
  DV_SMTP_RC_CANNOT_VERIFY,   /* 252 */
  DV_SMTP_RC_GREYLISTED,      /* 4xx that says greylisting */
  DV_SMTP_RC_TEMPORARY,       /* other 4xx */
  DV_SMTP_RC_MAILBOX_UNKNOWN, /* 550/551/553, 5.1.x, 5.2.1 */
  DV_SMTP_RC_MAILBOX_FULL,    /* 552, 5.2.2 */
  DV_SMTP_RC_POLICY,          /* 5.7.x, 554 without x.1.x: relaying/policy */
  DV_SMTP_RC_REFUSED,         /* any other 5xx */
  DV_SMTP_RC_OTHER,           /* 1xx/3xx or a code that makes no sense here */
  DV_SMTP_RC__COUNT
} dv_smtp_rclass;

dv_smtp_rclass dv_smtp_classify(const dv_smtp_reply *r);
/* "accepted", "mailbox unknown", ... (stable words used in JSON). */
const char *dv_smtp_rclass_str(dv_smtp_rclass c);
/* A 4xx reply whose text says greylisting (patterns in smtp/reply.c). */
int dv_smtp_is_greylisting(const dv_smtp_reply *r);
/* An EHLO reply's keyword ("PIPELINING", "STARTTLS"): 1 if offered. */
int dv_smtp_ehlo_has(const dv_smtp_reply *r, const char *kw);

/* ---- sessions ----------------------------------------------------------- */

typedef enum {
  DV_SMTP_OK = 0,           /* every RCPT got a reply */
  DV_SMTP_CONNECT_REFUSED,  /* connection refused (nothing on port 25) */
  DV_SMTP_CONNECT_FAILED,   /* unreachable network/host, other errors */
  DV_SMTP_CONNECT_TIMEOUT,  /* no connection within step_ms */
  DV_SMTP_TIMEOUT,          /* a reply did not come within step_ms */
  DV_SMTP_GREETING_REFUSED, /* 5xx greeting (554: blocked, no service) */
  DV_SMTP_GREETING_TEMP,    /* 4xx greeting (421: try later) */
  DV_SMTP_HELO_REFUSED,     /* EHLO and HELO both refused */
  DV_SMTP_SENDER_REFUSED,   /* MAIL FROM refused (5xx) */
  DV_SMTP_SENDER_TEMP,      /* MAIL FROM deferred (4xx) */
  DV_SMTP_CLOSED,           /* the server closed the connection early */
  DV_SMTP_PROTOCOL,         /* a reply that is not SMTP, too long, ... */
  DV_SMTP_CANCELLED,        /* dv_smtp_session_cancel (run deadline) */
  DV_SMTP_NOMEM,
  DV_SMTP__COUNT
} dv_smtp_status;

/* "ok", "connection refused", ... (stable words used in JSON). */
const char *dv_smtp_status_str(dv_smtp_status st);

typedef enum {
  DV_SMTP_TLS_NOT_OFFERED = 0,
  DV_SMTP_TLS_OK,       /* handshake done (certificate judged separately) */
  DV_SMTP_TLS_REFUSED,  /* STARTTLS got a non-220 reply */
  DV_SMTP_TLS_FAILED,   /* the handshake failed (retried without TLS) */
  DV_SMTP_TLS_DISABLED, /* offered, not used (opts.starttls = 0) */
  DV_SMTP_TLS__COUNT
} dv_smtp_tls_state;

const char *dv_smtp_tls_state_str(dv_smtp_tls_state st);

typedef struct {
  dv_smtp_tls_state state;
  char protocol[16]; /* "TLSv1.3" */
  char cipher[64];
  char error[128]; /* handshake failure (OpenSSL's words), else "" */
  int chain_ok;    /* verified to a trusted root (ca_file or system) */
  char chain_error[96];
  int name_ok; /* the certificate names the MX host */
  int expired; /* notAfter is past */
  int not_yet_valid;
  int64_t not_after; /* Unix time, 0 if unknown */
  char subject[256]; /* the certificate's subject, one line */
} dv_smtp_tls_info;

typedef enum {
  DV_SMTP_DIR_SENT = 0, /* a command we sent */
  DV_SMTP_DIR_RECV,     /* a reply line we received (raw bytes) */
  DV_SMTP_DIR_INFO      /* a note: connected, TLS, closed, ... */
} dv_smtp_dir;

typedef void (*dv_smtp_trace_cb)(void *arg, dv_smtp_dir dir, const char *data,
                                 size_t len);

typedef struct {
  const char *host;      /* MX host name: certificate name, SNI */
  const char *addr;      /* IPv4/IPv6 literal to connect to */
  int port;              /* 25 */
  const char *helo_name; /* our EHLO/HELO name */
  const char *mail_from; /* "" = the null sender <> */
  const char *const *rcpts;
  size_t nrcpts;       /* at most DV_SMTP_MAX_RCPTS */
  int64_t step_ms;     /* connect, and each reply */
  int starttls;        /* use STARTTLS when offered */
  const char *ca_file; /* chain verification; NULL = system store */
  dv_smtp_trace_cb trace;
  void *trace_arg;
} dv_smtp_opts;

#define DV_SMTP_MAX_RCPTS 16

typedef struct {
  dv_smtp_status status;
  char step[12]; /* where it ended: "connect", "greeting", "ehlo", "mail",
                    "rcpt", "rset", "quit", "starttls", "done" */
  dv_smtp_reply greeting;
  dv_smtp_reply last; /* the reply that decided a failed status */
  int esmtp;          /* EHLO accepted */
  int pipelining;     /* offered (and used) */
  dv_smtp_tls_info tls;
  int tls_retry; /* reconnected without TLS after a failed handshake */
  int mail_done; /* MAIL FROM got a reply */
  dv_smtp_reply mail;
  size_t nrcpt_done; /* RCPTs that got a reply */
  dv_smtp_reply rcpt[DV_SMTP_MAX_RCPTS];
  int quit_sent;
  int data_sent; /* always 0: the probe never sends DATA */
  int64_t elapsed_ms;
} dv_smtp_result;

typedef struct dv_smtp_session dv_smtp_session;
typedef void (*dv_smtp_cb)(void *arg, const dv_smtp_result *r);

/* Start a session; CB runs exactly once, from the loop (never inside this
 * call), after which the session frees itself. Returns NULL on allocation
 * failure or bad options (CB then never runs). The strings in O must stay
 * valid until CB. */
dv_smtp_session *dv_smtp_session_start(dv_loop *loop, const dv_smtp_opts *o,
                                       dv_smtp_cb cb, void *arg);
/* Stop a running session: CB runs (from the loop) with DV_SMTP_CANCELLED. */
void dv_smtp_session_cancel(dv_smtp_session *s);

/* The enhanced-code text "5.1.1" or "" (buf of at least 12 bytes). */
const char *dv_smtp_enhanced_str(const dv_smtp_reply *r, char *buf, size_t len);

#endif
