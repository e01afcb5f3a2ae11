/* dvcheck -- the SMTP mailbox probe check (see check/check_smtp.h). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "check/check_smtp.h"

/* our EHLO name: ours to say, resolvable or not (RFC 5321 4.1.1.1 allows
 * an address literal; a name is friendlier to greeting checks) */
#define DV_PROBE_HELO "dvcheck-probe.invalid"

const char *dv_connect_to_status_str(dv_connect_to_status st)
{
  switch (st) {
  case DV_CONNECT_TO_OK:
    return "ok";
  case DV_CONNECT_TO_SYNTAX:
    return "expected HOST:PORT:CONNECT-HOST:CONNECT-PORT";
  case DV_CONNECT_TO_PORT:
    return "a port must be 1-65535";
  case DV_CONNECT_TO_ADDRESS:
    return "CONNECT-HOST must be an IPv4 or IPv6 address ([ADDR] for IPv6)";
  }
  return "?";
}

static int port_parse(const char *s, size_t n, int empty_ok, int *out)
{
  int v = 0;
  if (n == 0) {
    *out = 0;
    return empty_ok ? 0 : -1;
  }
  if (n > 5)
    return -1;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9')
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (v < 1 || v > 65535)
    return -1;
  *out = v;
  return 0;
}

/* one field up to ':' (an IPv6 address in [] may hold ':') */
static const char *field(const char *s, size_t *n)
{
  const char *p = s;
  if (*p == '[') {
    const char *e = strchr(p, ']');
    if (!e)
      return NULL;
    p = e + 1;
  }
  p = strchr(p, ':');
  *n = p ? (size_t)(p - s) : strlen(s);
  return p;
}

dv_connect_to_status dv_connect_to_parse(const char *s, dv_connect_to *out)
{
  const char *p;
  size_t n;
  unsigned char tmp[16];
  char a[64];
  memset(out, 0, sizeof(*out));
  if (!s || strpbrk(s, " \t\r\n"))
    return DV_CONNECT_TO_SYNTAX;
  p = field(s, &n);
  if (!p || n >= sizeof(out->host))
    return DV_CONNECT_TO_SYNTAX;
  memcpy(out->host, s, n);
  out->host[n] = '\0';
  if (n && out->host[n - 1] == '.')
    out->host[n - 1] = '\0';
  s = p + 1;
  p = field(s, &n);
  if (!p)
    return DV_CONNECT_TO_SYNTAX;
  if (port_parse(s, n, 1, &out->port) < 0)
    return DV_CONNECT_TO_PORT;
  s = p + 1;
  p = field(s, &n);
  if (!p || n == 0 || n >= sizeof(a))
    return DV_CONNECT_TO_SYNTAX;
  memcpy(a, s, n);
  a[n] = '\0';
  if (a[0] == '[' && n > 2 && a[n - 1] == ']') {
    memmove(a, a + 1, n - 2);
    a[n - 2] = '\0';
  }
  if (inet_pton(AF_INET, a, tmp) != 1 && inet_pton(AF_INET6, a, tmp) != 1)
    return DV_CONNECT_TO_ADDRESS;
  snprintf(out->to_addr, sizeof(out->to_addr), "%s", a);
  s = p + 1;
  if (strchr(s, ':'))
    return DV_CONNECT_TO_SYNTAX;
  if (port_parse(s, strlen(s), 0, &out->to_port) < 0)
    return DV_CONNECT_TO_PORT;
  return DV_CONNECT_TO_OK;
}

void dv_probe_ctx_init(dv_probe_ctx *ctx, dv_loop *loop, const dv_probe_opts *o)
{
  memset(ctx, 0, sizeof(*ctx));
  ctx->loop = loop;
  ctx->o = *o;
  if (ctx->o.step_ms <= 0)
    ctx->o.step_ms = DV_PROBE_STEP_MS_DEFAULT;
  if (!ctx->o.mail_from)
    ctx->o.mail_from = "";
  if (!ctx->o.helo_name)
    ctx->o.helo_name = DV_PROBE_HELO;
}

static uint32_t rnd32(void)
{
  uint32_t v = 0;
  if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
    v = (uint32_t)rand();
  return v;
}

int dv_probe_init(dv_probe *p, const dv_candidate *cand)
{
  const dv_mx_host *hs[DV_PROBE_MAX_HOSTS];
  size_t n = 0;
  memset(p, 0, sizeof(*p));
  p->answered = -1;
  snprintf(p->domain, sizeof(p->domain), "%s", cand->domain);
  for (size_t i = 0; i < cand->nhosts && n < DV_PROBE_MAX_HOSTS; i++)
    if (cand->hosts[i].usable && cand->hosts[i].naddrs)
      hs[n++] = &cand->hosts[i];
  if (!n)
    return -1;
  /* preference order; equal preferences in random order (RFC 5321 5.1) */
  for (size_t i = 1; i < n; i++)
    for (size_t j = i; j > 0 && hs[j]->pref < hs[j - 1]->pref; j--) {
      const dv_mx_host *t = hs[j];
      hs[j] = hs[j - 1];
      hs[j - 1] = t;
    }
  for (size_t a = 0; a < n;) {
    size_t b = a;
    while (b < n && hs[b]->pref == hs[a]->pref)
      b++;
    for (size_t k = b - 1; k > a; k--) {
      size_t r = a + rnd32() % (k - a + 1);
      const dv_mx_host *t = hs[k];
      hs[k] = hs[r];
      hs[r] = t;
    }
    a = b;
  }
  for (size_t i = 0; i < n; i++) {
    dv_probe_session *s = &p->sess[i];
    const dv_mx_host *h = hs[i];
    size_t pick = 0;
    for (size_t k = 0; k < h->naddrs; k++)
      if (strchr(h->addrs[k], '.')) { /* IPv4 first: more often reachable */
        pick = k;
        break;
      }
    snprintf(s->host, sizeof(s->host), "%s", h->host);
    {
      size_t hl = strlen(s->host);
      if (hl > 1 && s->host[hl - 1] == '.')
        s->host[hl - 1] = '\0';
    }
    s->pref = h->pref;
    snprintf(s->addr, sizeof(s->addr), "%s", h->addrs[pick]);
    s->probe = p;
  }
  p->nsess = n;
  for (int i = 0; i < 5; i++)
    snprintf(p->rcpt[i], sizeof(p->rcpt[i]), "%s@%s", dv_email_locals[i],
             cand->domain);
  snprintf(p->rcpt[5], sizeof(p->rcpt[5]), "dvcheck-nx-%08x%04x@%s", rnd32(),
           rnd32() & 0xffff, cand->domain);
  for (int i = 0; i < DV_PROBE_NRCPT; i++)
    p->rcpt_ptr[i] = p->rcpt[i];
  return 0;
}

static void route(const dv_probe_ctx *ctx, dv_probe_session *s)
{
  memcpy(s->connect_addr, s->addr, sizeof(s->addr)); /* 46 < 64 */
  s->connect_port = 25;
  for (size_t i = 0; i < ctx->o.nconnect_to; i++) {
    const dv_connect_to *c = &ctx->o.connect_to[i];
    if (c->port && c->port != 25)
      continue;
    if (c->host[0] && strcasecmp(c->host, s->host) != 0 &&
        strcasecmp(c->host, s->addr) != 0)
      continue;
    snprintf(s->connect_addr, sizeof(s->connect_addr), "%s", c->to_addr);
    s->connect_port = c->to_port;
    return; /* the first match wins, as in curl */
  }
}

static int host_active(const dv_probe_ctx *ctx, const dv_probe_session *s)
{
  int n = 0;
  for (size_t i = 0; i < sizeof(ctx->running_s) / sizeof(ctx->running_s[0]);
       i++)
    if (ctx->running_s[i] &&
        ctx->running_s[i]->connect_port == s->connect_port &&
        strcmp(ctx->running_s[i]->connect_addr, s->connect_addr) == 0)
      n++;
  return n;
}

static void pump(dv_probe_ctx *ctx);

static void session_done(void *arg, const dv_smtp_result *r)
{
  dv_probe_session *s = arg;
  dv_probe *p = s->probe;
  dv_probe_ctx *ctx = p->ctx;
  int ok;
  for (size_t i = 0; i < sizeof(ctx->running_s) / sizeof(ctx->running_s[0]);
       i++)
    if (ctx->running_s[i] == s) {
      ctx->running_s[i] = NULL;
      ctx->running[i] = NULL;
    }
  ctx->active--;
  s->res = *r;
  s->done = 1;
  /* stop at the first host that answered the RCPTs, or refused our sender
   * (another host would too) */
  ok = r->status == DV_SMTP_OK || r->status == DV_SMTP_SENDER_REFUSED ||
       r->status == DV_SMTP_SENDER_TEMP || r->status == DV_SMTP_CANCELLED ||
       r->status == DV_SMTP_NOMEM;
  if (r->status == DV_SMTP_OK)
    p->answered = (int)p->cur;
  if (ok || p->cur + 1 >= p->nsess) {
    p->done = 1;
  } else {
    p->cur++;
    /* the next host: back into the queue */
    p->qnext = NULL;
    if (ctx->qtail)
      ctx->qtail->qnext = p;
    else
      ctx->qhead = p;
    ctx->qtail = p;
  }
  pump(ctx);
}

static void trace_fwd(void *arg, dv_smtp_dir d, const char *data, size_t len)
{
  dv_probe_session *s = arg;
  if (s->probe->ctx->o.trace)
    s->probe->ctx->o.trace(s, d, data, len);
}

/* Start every queued probe whose next host has room, in queue order. */
static void pump(dv_probe_ctx *ctx)
{
  dv_probe *prev = NULL, *p = ctx->qhead;
  while (p && ctx->active < DV_PROBE_PER_RUN) {
    dv_probe *next = p->qnext;
    dv_probe_session *s = &p->sess[p->cur];
    dv_smtp_opts so;
    size_t slot;
    route(ctx, s);
    if (host_active(ctx, s) >= DV_PROBE_PER_HOST) {
      prev = p;
      p = next;
      continue;
    }
    /* unlink */
    if (prev)
      prev->qnext = next;
    else
      ctx->qhead = next;
    if (ctx->qtail == p)
      ctx->qtail = prev;
    p->qnext = NULL;
    memset(&so, 0, sizeof(so));
    so.host = s->host;
    so.addr = s->connect_addr;
    so.port = s->connect_port;
    so.helo_name = ctx->o.helo_name;
    so.mail_from = ctx->o.mail_from;
    so.rcpts = p->rcpt_ptr;
    so.nrcpts = DV_PROBE_NRCPT;
    so.step_ms = ctx->o.step_ms;
    so.starttls = 1;
    so.ca_file = ctx->o.ca_file;
    so.trace = ctx->o.trace ? trace_fwd : NULL;
    so.trace_arg = s;
    for (slot = 0; slot < sizeof(ctx->running) / sizeof(ctx->running[0]);
         slot++)
      if (!ctx->running_s[slot])
        break;
    s->started = 1;
    ctx->running_s[slot] = s;
    ctx->active++;
    ctx->sessions++;
    ctx->running[slot] = dv_smtp_session_start(ctx->loop, &so, session_done, s);
    if (ctx->active > ctx->max_active)
      ctx->max_active = ctx->active;
    if (host_active(ctx, s) > ctx->max_host_active)
      ctx->max_host_active = host_active(ctx, s);
    if (!ctx->running[slot]) {
      ctx->running_s[slot] = NULL;
      ctx->active--;
      ctx->nomem = 1;
      s->res.status = DV_SMTP_NOMEM;
      s->done = 1;
      p->done = 1;
    }
    p = next;
  }
}

void dv_probe_start(dv_probe_ctx *ctx, dv_probe *p)
{
  p->ctx = ctx;
  p->qnext = NULL;
  if (ctx->qtail)
    ctx->qtail->qnext = p;
  else
    ctx->qhead = p;
  ctx->qtail = p;
  pump(ctx);
}

void dv_probe_ctx_cancel(dv_probe_ctx *ctx)
{
  ctx->qhead = ctx->qtail = NULL; /* queued probes stay not done */
  for (size_t i = 0; i < sizeof(ctx->running) / sizeof(ctx->running[0]); i++)
    if (ctx->running[i])
      dv_smtp_session_cancel(ctx->running[i]);
}

const dv_probe_session *dv_probe_decisive(const dv_probe *p)
{
  if (p->answered >= 0)
    return &p->sess[p->answered];
  for (size_t i = p->nsess; i > 0; i--)
    if (p->sess[i - 1].done)
      return &p->sess[i - 1];
  return NULL;
}

static void ev_reply(dv_findings *fl, dv_finding *f, const char *key,
                     const dv_smtp_reply *r)
{
  char ec[16];
  dv_smtp_enhanced_str(r, ec, sizeof(ec));
  /* the text is untrusted: the renderers escape every evidence value */
  dv_finding_ev(fl, f, key, "%d%s%s %.*s", r->code, ec[0] ? " " : "", ec,
                (int)(r->textlen > 160 ? 160 : r->textlen), r->text);
}

static void tls_findings(dv_probe *p, const dv_probe_session *s)
{
  dv_findings *fl = &p->findings;
  const dv_smtp_tls_info *t = &s->res.tls;
  dv_finding *f;
  if (t->state == DV_SMTP_TLS_NOT_OFFERED && s->res.esmtp) {
    f = dv_findings_add(fl, DV_F_SMTP_NO_STARTTLS, s->host);
    return;
  }
  if (t->state == DV_SMTP_TLS_FAILED) {
    f = dv_findings_add(fl, DV_F_SMTP_TLS_FAILED, s->host);
    dv_finding_ev(fl, f, "error", "%s", t->error);
    return;
  }
  if (t->state != DV_SMTP_TLS_OK)
    return;
  if (!t->chain_ok || !t->name_ok || t->expired || t->not_yet_valid) {
    f = dv_findings_add(fl, DV_F_SMTP_TLS_CERT_INVALID, s->host);
    if (t->expired)
      dv_finding_ev(fl, f, "problem", "%s", "expired");
    if (t->not_yet_valid)
      dv_finding_ev(fl, f, "problem", "%s", "not yet valid");
    if (!t->name_ok)
      dv_finding_ev(fl, f, "problem", "%s", "name mismatch");
    if (!t->chain_ok)
      dv_finding_ev(fl, f, "problem", "untrusted: %s", t->chain_error);
    dv_finding_ev(fl, f, "subject", "%s", t->subject);
  }
}

void dv_probe_finish(dv_probe *p)
{
  dv_findings *fl = &p->findings;
  const dv_probe_session *s = dv_probe_decisive(p);
  dv_finding *f;
  int unknown = 0, accepted = 0, grey = 0, temp = 0, policy = 0, verify = 0;
  int refused_all = 1, tried = 0;

  if (!s)
    return; /* nothing ran (deadline) */
  for (size_t i = 0; i < p->nsess; i++) {
    const dv_probe_session *x = &p->sess[i];
    if (!x->done)
      continue;
    tried++;
    if (x->res.status != DV_SMTP_CONNECT_REFUSED)
      refused_all = 0;
  }
  if (p->answered < 0) {
    if (s->res.status == DV_SMTP_SENDER_REFUSED ||
        s->res.status == DV_SMTP_SENDER_TEMP) {
      f = dv_findings_add(fl, DV_F_SMTP_SENDER_REFUSED, p->domain);
      dv_finding_ev(fl, f, "mx", "%s", s->host);
      ev_reply(fl, f, "reply", &s->res.mail);
      tls_findings(p, s);
      return;
    }
    if (s->res.status == DV_SMTP_CANCELLED || s->res.status == DV_SMTP_NOMEM)
      return;
    f = dv_findings_add(
        fl, refused_all ? DV_F_SMTP_NO_SERVER : DV_F_SMTP_INCONCLUSIVE,
        p->domain);
    for (size_t i = 0; i < p->nsess; i++) {
      const dv_probe_session *x = &p->sess[i];
      if (!x->done)
        continue;
      if (x->res.last.code)
        dv_finding_ev(
            fl, f, x->host, "%s at %s: %d %.*s",
            dv_smtp_status_str(x->res.status), x->res.step, x->res.last.code,
            (int)(x->res.last.textlen > 120 ? 120 : x->res.last.textlen),
            x->res.last.text);
      else
        dv_finding_ev(fl, f, x->host, "%s at %s",
                      dv_smtp_status_str(x->res.status), x->res.step);
    }
    (void)tried;
    return;
  }
  if (p->answered > 0) {
    f = dv_findings_add(fl, DV_F_SMTP_MX_FALLBACK, p->domain);
    for (int i = 0; i < p->answered; i++)
      dv_finding_ev(fl, f, p->sess[i].host, "%s",
                    dv_smtp_status_str(p->sess[i].res.status));
    dv_finding_ev(fl, f, "answered_by", "%s", s->host);
  }
  tls_findings(p, s);
  for (int i = 0; i < 5; i++) {
    switch (dv_smtp_classify(&s->res.rcpt[i])) {
    case DV_SMTP_RC_ACCEPTED:
    case DV_SMTP_RC_FORWARDED:
      accepted++;
      break;
    case DV_SMTP_RC_CANNOT_VERIFY:
      verify++;
      break;
    case DV_SMTP_RC_GREYLISTED:
      grey++;
      break;
    case DV_SMTP_RC_TEMPORARY:
      temp++;
      break;
    case DV_SMTP_RC_POLICY:
      policy++;
      break;
    default:
      unknown++;
      break;
    }
  }
  if (policy) {
    f = dv_findings_add(fl, DV_F_SMTP_POLICY_REFUSED, p->domain);
    for (int i = 0; i < 5; i++)
      if (dv_smtp_classify(&s->res.rcpt[i]) == DV_SMTP_RC_POLICY)
        ev_reply(fl, f, p->rcpt[i], &s->res.rcpt[i]);
  }
  if (grey) {
    f = dv_findings_add(fl, DV_F_SMTP_GREYLISTED, p->domain);
    for (int i = 0; i < 5; i++)
      if (dv_smtp_classify(&s->res.rcpt[i]) == DV_SMTP_RC_GREYLISTED)
        ev_reply(fl, f, p->rcpt[i], &s->res.rcpt[i]);
  }
  if (temp) {
    f = dv_findings_add(fl, DV_F_SMTP_TEMPORARY_FAILURE, p->domain);
    for (int i = 0; i < 5; i++)
      if (dv_smtp_classify(&s->res.rcpt[i]) == DV_SMTP_RC_TEMPORARY)
        ev_reply(fl, f, p->rcpt[i], &s->res.rcpt[i]);
  }
  if (verify) {
    f = dv_findings_add(fl, DV_F_SMTP_CANNOT_VERIFY, p->domain);
    dv_finding_ev(fl, f, "mx", "%s", s->host);
  }
  if (unknown == 5) {
    f = dv_findings_add(fl, DV_F_SMTP_MAILBOXES_ALL_UNKNOWN, p->domain);
    for (int i = 0; i < 5; i++)
      ev_reply(fl, f, p->rcpt[i], &s->res.rcpt[i]);
    return;
  }
  if (unknown) {
    f = dv_findings_add(fl, DV_F_SMTP_MAILBOXES_SOME_UNKNOWN, p->domain);
    for (int i = 0; i < 5; i++)
      if (dv_smtp_classify(&s->res.rcpt[i]) == DV_SMTP_RC_MAILBOX_UNKNOWN ||
          dv_smtp_classify(&s->res.rcpt[i]) == DV_SMTP_RC_MAILBOX_FULL ||
          dv_smtp_classify(&s->res.rcpt[i]) == DV_SMTP_RC_REFUSED ||
          dv_smtp_classify(&s->res.rcpt[i]) == DV_SMTP_RC_OTHER)
        ev_reply(fl, f, p->rcpt[i], &s->res.rcpt[i]);
  }
  {
    dv_smtp_rclass rc = dv_smtp_classify(&s->res.rcpt[5]);
    if (rc == DV_SMTP_RC_ACCEPTED || rc == DV_SMTP_RC_FORWARDED) {
      f = dv_findings_add(fl, DV_F_SMTP_ACCEPTS_ANY_ADDRESS, p->domain);
      dv_finding_ev(fl, f, "random_address", "%s", p->rcpt[5]);
      ev_reply(fl, f, "reply", &s->res.rcpt[5]);
      return;
    }
  }
  if (accepted == 5) {
    f = dv_findings_add(fl, DV_F_SMTP_PROBE_OK, p->domain);
    dv_finding_ev(fl, f, "mx", "%s", s->host);
  }
}

void dv_probe_free(dv_probe *p)
{
  dv_findings_free(&p->findings);
}
