/* dvcheck -- one SMTP probe session on the dv_loop (see smtp/smtp.h).
 * Never sends DATA. */
#include "smtp/smtp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* how long to wait for the reply to a QUIT sent after a failure */
#define QUIT_WAIT_MS 1000
#define OBUF_MAX     4096

typedef enum {
  K_GREET = 0,
  K_EHLO,
  K_HELO,
  K_STARTTLS,
  K_MAIL,
  K_RCPT,
  K_RSET,
  K_QUIT
} kind;

static const char *const kind_step[] = {"greeting", "ehlo", "helo", "starttls",
                                        "mail",     "rcpt", "rset", "quit"};

struct dv_smtp_session {
  dv_loop *loop;
  dv_smtp_opts o;
  dv_smtp_cb cb;
  void *arg;
  dv_smtp_result r;
  int fd;
  SSL_CTX *ctx;
  SSL *ssl;
  int handshaking;
  int connecting;
  dv_timer t_step, t_done;
  char obuf[OBUF_MAX];
  size_t olen, osent;
  dv_smtp_parser parser;
  kind expect[DV_SMTP_MAX_RCPTS + 8];
  size_t nexp, exphead;
  size_t rcpt_sent;
  int closing;  /* QUIT sent after the outcome was known */
  int finished; /* the result is final; the callback is scheduled */
  int starttls_offered;
  int64_t t0;
};

const char *dv_smtp_status_str(dv_smtp_status st)
{
  static const char *const s[DV_SMTP__COUNT] = {"ok",
                                                "connection refused",
                                                "connection failed",
                                                "connect timeout",
                                                "timeout",
                                                "refused at greeting",
                                                "temporary failure at greeting",
                                                "EHLO and HELO refused",
                                                "sender refused",
                                                "sender deferred",
                                                "connection closed by server",
                                                "protocol error",
                                                "cancelled",
                                                "out of memory"};
  return (unsigned)st < DV_SMTP__COUNT ? s[st] : "?";
}

const char *dv_smtp_tls_state_str(dv_smtp_tls_state st)
{
  static const char *const s[DV_SMTP_TLS__COUNT] = {
      "not offered", "ok", "refused", "handshake failed", "not used"};
  return (unsigned)st < DV_SMTP_TLS__COUNT ? s[st] : "?";
}

static void trace(dv_smtp_session *s, dv_smtp_dir d, const char *data,
                  size_t len)
{
  if (s->o.trace)
    s->o.trace(s->o.trace_arg, d, data, len);
}

/* a note "PRE A POST" */
static void note(dv_smtp_session *s, const char *pre, const char *a,
                 const char *post)
{
  char buf[256];
  int n = snprintf(buf, sizeof(buf), "%s%s%s", pre, a, post);
  if (n > 0)
    trace(s, DV_SMTP_DIR_INFO, buf,
          (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void conn_close(dv_smtp_session *s)
{
  if (s->ssl) {
    SSL_free(s->ssl);
    s->ssl = NULL;
  }
  if (s->fd >= 0) {
    dv_loop_io_set(s->loop, s->fd, 0, NULL, NULL);
    close(s->fd);
    s->fd = -1;
  }
  s->handshaking = 0;
  s->connecting = 0;
}

static void deliver(void *arg)
{
  dv_smtp_session *s = arg;
  s->r.elapsed_ms = dv_loop_now_ms() - s->t0;
  s->cb(s->arg, &s->r);
  dv_loop_timer_disarm(s->loop, &s->t_step);
  if (s->ctx)
    SSL_CTX_free(s->ctx);
  dv_loop_unref(s->loop);
  free(s);
}

static void finish(dv_smtp_session *s, dv_smtp_status st)
{
  if (s->finished)
    return;
  s->finished = 1;
  s->r.status = st;
  conn_close(s);
  dv_loop_timer_disarm(s->loop, &s->t_step);
  dv_loop_timer_arm(s->loop, &s->t_done, 0, deliver, s);
}

static void step_timeout(void *arg);
static void on_io(void *arg, int fd, short revents);

static void arm_step(dv_smtp_session *s, int64_t ms)
{
  dv_loop_timer_arm(s->loop, &s->t_step, ms, step_timeout, s);
}

static void want_io(dv_smtp_session *s, short ev)
{
  if (s->finished || s->fd < 0)
    return;
  if (dv_loop_io_set(s->loop, s->fd, ev, on_io, s) != DV_LOOP_OK)
    finish(s, DV_SMTP_NOMEM);
}

/* Queue a command line (without CR LF) and the reply it expects. */
static int send_cmd(dv_smtp_session *s, kind k, const char *pre, const char *a,
                    const char *post)
{
  char line[600];
  int n;
  if (s->finished)
    return -1;
  n = snprintf(line, sizeof(line), "%s%s%s", pre, a ? a : "", post);
  if (n < 0 || (size_t)n >= sizeof(line) - 2 ||
      s->olen + (size_t)n + 2 > sizeof(s->obuf) ||
      s->nexp >= sizeof(s->expect) / sizeof(s->expect[0])) {
    finish(s, DV_SMTP_NOMEM);
    return -1;
  }
  trace(s, DV_SMTP_DIR_SENT, line, (size_t)n);
  memcpy(s->obuf + s->olen, line, (size_t)n);
  memcpy(s->obuf + s->olen + n, "\r\n", 2);
  s->olen += (size_t)n + 2;
  s->expect[s->nexp++] = k;
  if (!s->closing) /* keep the step that failed */
    snprintf(s->r.step, sizeof(s->r.step), "%s", kind_step[k]);
  if (k == K_QUIT)
    s->r.quit_sent = 1;
  return 0;
}

static void flush_arm(dv_smtp_session *s, int64_t ms)
{
  arm_step(s, ms);
  want_io(s, POLLIN | (s->osent < s->olen ? POLLOUT : 0));
}

/* The outcome is known: say QUIT (politely, briefly), then finish. */
static void quit_and_finish(dv_smtp_session *s, dv_smtp_status st)
{
  if (s->finished)
    return;
  s->r.status = st;
  if (s->closing || s->fd < 0 || s->handshaking || s->connecting) {
    finish(s, st);
    return;
  }
  s->closing = 1;
  if (!s->r.quit_sent && send_cmd(s, K_QUIT, "QUIT", NULL, "") < 0)
    return;
  flush_arm(s, s->o.step_ms < QUIT_WAIT_MS ? s->o.step_ms : QUIT_WAIT_MS);
}

static void send_rcpts(dv_smtp_session *s)
{
  /* with PIPELINING every RCPT goes at once, else one per reply */
  while (s->rcpt_sent < s->o.nrcpts) {
    if (send_cmd(s, K_RCPT, "RCPT TO:<", s->o.rcpts[s->rcpt_sent], ">") < 0)
      return;
    s->rcpt_sent++;
    if (!s->r.pipelining)
      break;
  }
}

static void begin_transaction(dv_smtp_session *s)
{
  if (send_cmd(s, K_MAIL, "MAIL FROM:<", s->o.mail_from, ">") < 0)
    return;
  if (s->r.pipelining)
    send_rcpts(s);
  flush_arm(s, s->o.step_ms);
}

int dv_smtp_ehlo_has(const dv_smtp_reply *r, const char *kw)
{
  /* keywords are on the lines after the first ("250-PIPELINING") */
  size_t kl = strlen(kw);
  const char *p = r->text, *end = r->text + r->textlen;
  while (p < end) {
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
    if (p != r->text && ll >= kl && strncasecmp(p, kw, kl) == 0 &&
        (ll == kl || p[kl] == ' '))
      return 1;
    p += ll + 1;
  }
  return 0;
}

static void tls_start(dv_smtp_session *s);
static void start_connect(dv_smtp_session *s);

static void reconnect(void *arg)
{
  dv_smtp_session *s = arg;
  if (!s->finished)
    start_connect(s);
}

static void on_reply(dv_smtp_session *s, kind k, const dv_smtp_reply *rep)
{
  int cls = rep->code / 100;
  if (s->closing) {
    if (k == K_QUIT)
      finish(s, s->r.status);
    return;
  }
  switch (k) {
  case K_GREET:
    s->r.greeting = *rep;
    if (cls == 2) {
      send_cmd(s, K_EHLO, "EHLO ", s->o.helo_name, "");
      flush_arm(s, s->o.step_ms);
    } else {
      s->r.last = *rep;
      quit_and_finish(s, cls == 4   ? DV_SMTP_GREETING_TEMP
                         : cls == 5 ? DV_SMTP_GREETING_REFUSED
                                    : DV_SMTP_PROTOCOL);
    }
    return;
  case K_EHLO:
    if (cls == 2) {
      s->r.esmtp = 1;
      s->r.pipelining = dv_smtp_ehlo_has(rep, "PIPELINING");
      s->starttls_offered = dv_smtp_ehlo_has(rep, "STARTTLS");
      if (s->starttls_offered && s->r.tls.state == DV_SMTP_TLS_NOT_OFFERED) {
        if (s->o.starttls && !s->r.tls_retry) {
          send_cmd(s, K_STARTTLS, "STARTTLS", NULL, "");
          flush_arm(s, s->o.step_ms);
          return;
        }
        s->r.tls.state =
            s->r.tls_retry ? DV_SMTP_TLS_FAILED : DV_SMTP_TLS_DISABLED;
      }
      begin_transaction(s);
    } else if (rep->code == 421) {
      s->r.last = *rep;
      quit_and_finish(s, DV_SMTP_GREETING_TEMP);
    } else {
      send_cmd(s, K_HELO, "HELO ", s->o.helo_name, "");
      flush_arm(s, s->o.step_ms);
    }
    return;
  case K_HELO:
    if (cls == 2) {
      begin_transaction(s);
    } else {
      s->r.last = *rep;
      quit_and_finish(s, DV_SMTP_HELO_REFUSED);
    }
    return;
  case K_STARTTLS:
    if (rep->code == 220) {
      tls_start(s);
    } else {
      s->r.tls.state = DV_SMTP_TLS_REFUSED;
      begin_transaction(s);
    }
    return;
  case K_MAIL:
    s->r.mail = *rep;
    s->r.mail_done = 1;
    if (cls != 2) {
      s->r.last = *rep;
      /* pipelined RCPT replies (503) still come: quit_and_finish ignores
       * every reply until QUIT's */
      quit_and_finish(s,
                      cls == 4 ? DV_SMTP_SENDER_TEMP : DV_SMTP_SENDER_REFUSED);
      return;
    }
    if (!s->r.pipelining) {
      send_rcpts(s);
      flush_arm(s, s->o.step_ms);
    }
    return;
  case K_RCPT:
    if (s->r.nrcpt_done < DV_SMTP_MAX_RCPTS)
      s->r.rcpt[s->r.nrcpt_done++] = *rep;
    if (s->r.nrcpt_done < s->o.nrcpts) {
      if (!s->r.pipelining) {
        send_rcpts(s);
        flush_arm(s, s->o.step_ms);
      }
      return;
    }
    /* every RCPT answered: end the transaction, then the session */
    s->r.status = DV_SMTP_OK;
    if (send_cmd(s, K_RSET, "RSET", NULL, "") < 0)
      return;
    if (s->r.pipelining && send_cmd(s, K_QUIT, "QUIT", NULL, "") < 0)
      return;
    flush_arm(s, s->o.step_ms);
    return;
  case K_RSET:
    if (!s->r.quit_sent) {
      send_cmd(s, K_QUIT, "QUIT", NULL, "");
      flush_arm(s, s->o.step_ms);
    }
    return;
  case K_QUIT:
    snprintf(s->r.step, sizeof(s->r.step), "%s", "done");
    finish(s, s->r.status);
    return;
  }
}

/* ---- transport ----------------------------------------------------------- */

static void trace_reply(dv_smtp_session *s, const dv_smtp_reply *r)
{
  char buf[DV_SMTP_TEXT_MAX + 16];
  char ec[16];
  int n;
  dv_smtp_enhanced_str(r, ec, sizeof(ec));
  n = snprintf(buf, sizeof(buf), "%d%s%s ", r->code, ec[0] ? " " : "", ec);
  if (n < 0)
    return;
  if ((size_t)n + r->textlen < sizeof(buf)) {
    memcpy(buf + n, r->text, r->textlen);
    n += (int)r->textlen;
  }
  trace(s, DV_SMTP_DIR_RECV, buf, (size_t)n);
}

static void got_bytes(dv_smtp_session *s, const char *buf, size_t len)
{
  size_t used = 0;
  while (used < len && !s->finished && !s->handshaking && !s->connecting &&
         s->fd >= 0) {
    dv_smtp_reply rep;
    dv_smtp_parse_status st = dv_smtp_parse(&s->parser, buf, len, &used, &rep);
    if (st == DV_SMTP_PARSE_MORE)
      return;
    if (st != DV_SMTP_PARSE_REPLY) {
      note(s, dv_smtp_parse_status_str(st), "", "");
      if (s->closing)
        finish(s, s->r.status);
      else
        quit_and_finish(s, DV_SMTP_PROTOCOL);
      return;
    }
    trace_reply(s, &rep);
    if (s->exphead >= s->nexp) { /* a reply nobody asked for */
      if (!s->closing)
        quit_and_finish(s, DV_SMTP_PROTOCOL);
      return;
    }
    {
      kind k = s->expect[s->exphead++];
      on_reply(s, k, &rep);
    }
  }
}

static int tls_io_wants(dv_smtp_session *s, int rc)
{
  int e = SSL_get_error(s->ssl, rc);
  if (e == SSL_ERROR_WANT_READ) {
    want_io(s, POLLIN);
    return 1;
  }
  if (e == SSL_ERROR_WANT_WRITE) {
    want_io(s, POLLIN | POLLOUT);
    return 1;
  }
  return 0;
}

static void do_read(dv_smtp_session *s)
{
  char buf[4096];
  for (;;) {
    ssize_t n;
    if (s->finished || s->handshaking || s->connecting || s->fd < 0)
      return;
    if (s->ssl) {
      int rc = SSL_read(s->ssl, buf, sizeof(buf));
      if (rc <= 0) {
        int e = SSL_get_error(s->ssl, rc);
        if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
          return;
        n = e == SSL_ERROR_ZERO_RETURN ? 0 : -1;
      } else {
        n = rc;
      }
    } else {
      n = recv(s->fd, buf, sizeof(buf), 0);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (n < 0 && errno == EINTR)
        continue;
    }
    if (n <= 0) {
      note(s, "connection closed by the server", "", "");
      /* after our QUIT (or once every RCPT was answered) a close is the
       * normal end; before that the server hung up on us */
      if (s->closing || (s->r.quit_sent && s->r.nrcpt_done == s->o.nrcpts))
        finish(s, s->r.status);
      else
        finish(s, DV_SMTP_CLOSED);
      return;
    }
    got_bytes(s, buf, (size_t)n);
  }
}

static void do_write(dv_smtp_session *s)
{
  while (s->osent < s->olen && !s->finished) {
    ssize_t n;
    if (s->ssl) {
      int rc = SSL_write(s->ssl, s->obuf + s->osent, (int)(s->olen - s->osent));
      if (rc <= 0) {
        if (tls_io_wants(s, rc))
          return;
        finish(s, s->closing ? s->r.status : DV_SMTP_CLOSED);
        return;
      }
      n = rc;
    } else {
      n = send(s->fd, s->obuf + s->osent, s->olen - s->osent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
          return;
        finish(s, s->closing ? s->r.status : DV_SMTP_CLOSED);
        return;
      }
    }
    s->osent += (size_t)n;
  }
  if (s->osent == s->olen) {
    s->osent = s->olen = 0;
    if (!s->finished)
      want_io(s, POLLIN);
  }
}

static void tls_record(dv_smtp_session *s)
{
  dv_smtp_tls_info *t = &s->r.tls;
  X509 *cert = SSL_get1_peer_certificate(s->ssl);
  long vr = SSL_get_verify_result(s->ssl);
  t->state = DV_SMTP_TLS_OK;
  snprintf(t->protocol, sizeof(t->protocol), "%s", SSL_get_version(s->ssl));
  snprintf(t->cipher, sizeof(t->cipher), "%s",
           SSL_get_cipher_name(s->ssl) ? SSL_get_cipher_name(s->ssl) : "");
  t->chain_ok = cert && vr == X509_V_OK;
  if (!t->chain_ok)
    snprintf(t->chain_error, sizeof(t->chain_error), "%s",
             cert ? X509_verify_cert_error_string(vr) : "no certificate");
  if (!cert)
    return;
  {
    unsigned char tmp[16];
    const char *h = s->o.host;
    if (inet_pton(AF_INET, h, tmp) == 1 || inet_pton(AF_INET6, h, tmp) == 1)
      t->name_ok = X509_check_ip_asc(cert, h, 0) == 1;
    else
      t->name_ok = X509_check_host(cert, h, 0, 0, NULL) == 1;
  }
  {
    const ASN1_TIME *na = X509_get0_notAfter(cert);
    const ASN1_TIME *nb = X509_get0_notBefore(cert);
    struct tm tm;
    t->expired = na && X509_cmp_current_time(na) < 0;
    t->not_yet_valid = nb && X509_cmp_current_time(nb) > 0;
    if (na && ASN1_TIME_to_tm(na, &tm) == 1)
      t->not_after = (int64_t)timegm(&tm);
  }
  X509_NAME_oneline(X509_get_subject_name(cert), t->subject,
                    (int)sizeof(t->subject));
  X509_free(cert);
}

static void tls_step(dv_smtp_session *s)
{
  int rc = SSL_connect(s->ssl);
  if (rc == 1) {
    char buf[200];
    s->handshaking = 0;
    tls_record(s);
    snprintf(buf, sizeof(buf), "TLS %s %s", s->r.tls.protocol, s->r.tls.cipher);
    note(s, buf, "", "");
    /* RFC 3207 4.2: forget what we knew, EHLO again */
    dv_smtp_parser_init(&s->parser);
    send_cmd(s, K_EHLO, "EHLO ", s->o.helo_name, "");
    flush_arm(s, s->o.step_ms);
    return;
  }
  if (tls_io_wants(s, rc))
    return;
  {
    unsigned long e = ERR_get_error();
    char buf[120];
    ERR_error_string_n(e, buf, sizeof(buf));
    snprintf(s->r.tls.error, sizeof(s->r.tls.error), "%s",
             e ? buf : "handshake failed");
    ERR_clear_error();
  }
  note(s, "TLS handshake failed (", s->r.tls.error,
       "); retrying without STARTTLS");
  s->r.tls.state = DV_SMTP_TLS_FAILED;
  s->r.tls_retry = 1;
  conn_close(s);
  /* reconnect, this time in clear text -- from a timer, outside this
   * callback and this poll round: the new socket may get the old one's
   * descriptor number, and stale events must not reach it */
  dv_loop_timer_arm(s->loop, &s->t_step, 0, reconnect, s);
}

static void tls_start(dv_smtp_session *s)
{
  if (!s->ctx) {
    s->ctx = SSL_CTX_new(TLS_client_method());
    if (!s->ctx) {
      finish(s, DV_SMTP_NOMEM);
      return;
    }
    SSL_CTX_set_verify(s->ctx, SSL_VERIFY_NONE, NULL);
    if (s->o.ca_file)
      SSL_CTX_load_verify_locations(s->ctx, s->o.ca_file, NULL);
    else
      SSL_CTX_set_default_verify_paths(s->ctx);
    /* time is judged separately (expired, not yet valid) */
    X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(s->ctx),
                                X509_V_FLAG_NO_CHECK_TIME);
  }
  s->ssl = SSL_new(s->ctx);
  if (!s->ssl || SSL_set_fd(s->ssl, s->fd) != 1) {
    finish(s, DV_SMTP_NOMEM);
    return;
  }
  {
    unsigned char tmp[16];
    if (inet_pton(AF_INET, s->o.host, tmp) != 1 &&
        inet_pton(AF_INET6, s->o.host, tmp) != 1)
      SSL_set_tlsext_host_name(s->ssl, s->o.host);
  }
  s->handshaking = 1;
  arm_step(s, s->o.step_ms);
  tls_step(s);
}

static void on_io(void *arg, int fd, short revents)
{
  dv_smtp_session *s = arg;
  (void)fd;
  if (s->finished)
    return;
  if (s->connecting) {
    int err = 0;
    socklen_t el = sizeof(err);
    if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
      return; /* not about the connect */
    if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
      err = errno;
    if (err) {
      note(s, "connect: ", strerror(err), "");
      finish(s, err == ECONNREFUSED ? DV_SMTP_CONNECT_REFUSED
                                    : DV_SMTP_CONNECT_FAILED);
      return;
    }
    s->connecting = 0;
    note(s, "connected to ", s->o.addr, "");
    s->expect[s->nexp++] = K_GREET;
    snprintf(s->r.step, sizeof(s->r.step), "%s", "greeting");
    flush_arm(s, s->o.step_ms);
    return;
  }
  if (s->handshaking) {
    tls_step(s);
    return;
  }
  if (revents & POLLOUT)
    do_write(s);
  if (!s->finished && (revents & (POLLIN | POLLHUP | POLLERR)))
    do_read(s);
}

static void step_timeout(void *arg)
{
  dv_smtp_session *s = arg;
  if (s->finished)
    return;
  if (s->connecting) {
    note(s, "connect timed out", "", "");
    finish(s, DV_SMTP_CONNECT_TIMEOUT);
  } else if (s->closing) {
    finish(s, s->r.status);
  } else {
    note(s, "no complete reply within the step timeout (", s->r.step, ")");
    if (s->handshaking) {
      snprintf(s->r.tls.error, sizeof(s->r.tls.error), "%s", "timeout");
      s->r.tls.state = DV_SMTP_TLS_FAILED;
      finish(s, DV_SMTP_TIMEOUT);
      return;
    }
    quit_and_finish(s, DV_SMTP_TIMEOUT);
  }
}

static void start_connect(dv_smtp_session *s)
{
  struct sockaddr_storage ss;
  struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
  socklen_t sl;
  int fd;
  memset(&ss, 0, sizeof(ss));
  if (inet_pton(AF_INET, s->o.addr, &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)s->o.port);
    sl = sizeof(*s4);
  } else if (inet_pton(AF_INET6, s->o.addr, &s6->sin6_addr) == 1) {
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)s->o.port);
    sl = sizeof(*s6);
  } else {
    finish(s, DV_SMTP_CONNECT_FAILED);
    return;
  }
  /* a fresh start: nothing of an earlier (TLS-failed) attempt is kept */
  s->nexp = s->exphead = 0;
  s->olen = s->osent = 0;
  s->rcpt_sent = 0;
  s->r.nrcpt_done = 0;
  s->r.mail_done = 0;
  s->r.esmtp = s->r.pipelining = 0;
  s->r.quit_sent = 0;
  dv_smtp_parser_init(&s->parser);
  snprintf(s->r.step, sizeof(s->r.step), "%s", "connect");
  fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    finish(s, DV_SMTP_CONNECT_FAILED);
    return;
  }
  s->fd = fd;
  s->connecting = 1;
  if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
    int e = errno;
    note(s, "connect: ", strerror(e), "");
    finish(s, e == ECONNREFUSED ? DV_SMTP_CONNECT_REFUSED
                                : DV_SMTP_CONNECT_FAILED);
    return;
  }
  arm_step(s, s->o.step_ms);
  want_io(s, POLLOUT);
}

dv_smtp_session *dv_smtp_session_start(dv_loop *loop, const dv_smtp_opts *o,
                                       dv_smtp_cb cb, void *arg)
{
  dv_smtp_session *s;
  if (!loop || !o || !cb || !o->host || !o->addr || !o->helo_name ||
      !o->mail_from || o->nrcpts > DV_SMTP_MAX_RCPTS || o->port <= 0 ||
      o->port > 65535 || o->step_ms <= 0)
    return NULL;
  /* a CR or LF in what we send would be command injection */
  if (strpbrk(o->helo_name, "\r\n") || strpbrk(o->mail_from, "\r\n<>"))
    return NULL;
  for (size_t i = 0; i < o->nrcpts; i++)
    if (!o->rcpts[i] || strpbrk(o->rcpts[i], "\r\n<>"))
      return NULL;
  s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  s->loop = loop;
  s->o = *o;
  s->cb = cb;
  s->arg = arg;
  s->fd = -1;
  s->t0 = dv_loop_now_ms();
  s->r.status = DV_SMTP_OK;
  dv_loop_ref(loop);
  start_connect(s);
  return s;
}

void dv_smtp_session_cancel(dv_smtp_session *s)
{
  if (s && !s->finished)
    finish(s, DV_SMTP_CANCELLED);
}
