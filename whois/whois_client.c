/* dvcheck -- live port-43 WHOIS lookups on the dv_loop. See whois_client.h. */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/trace.h"
#include "base/ratelimit.h"
#include "whois/whois_client.h"
#include "whois/whois_int.h"

#define DV_WFETCH_MAX_ADDRS 8

static const char *const wfetch_status_str[] = {
    [DV_WFETCH_OK] = "ok",
    [DV_WFETCH_RESOLVE] = "no address",
    [DV_WFETCH_CONNECT] = "connection refused",
    [DV_WFETCH_CONNECT_TIMEOUT] = "connect timeout",
    [DV_WFETCH_IDLE_TIMEOUT] = "idle timeout",
    [DV_WFETCH_TOTAL_TIMEOUT] = "reply timeout",
    [DV_WFETCH_RESET] = "connection reset",
    [DV_WFETCH_EMPTY] = "empty reply",
    [DV_WFETCH_CANCELLED] = "cancelled",
    [DV_WFETCH_BADQUERY] = "bad query",
    [DV_WFETCH_NOMEM] = "out of memory",
};

const char *dv_wfetch_status_str(dv_wfetch_status st)
{
  if ((size_t)st < sizeof(wfetch_status_str) / sizeof(wfetch_status_str[0]) &&
      wfetch_status_str[st])
    return wfetch_status_str[st];
  return "error";
}

void dv_whois_client_opts_init(dv_whois_client_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->connect_ms = 5000;
  o->idle_ms = 5000;
  o->total_ms = 10000;
  o->max_reply = 1u << 20;
  o->rate_per_min = 20;
  o->burst = 2;
  o->max_hops = 3;
  o->backoff_cap_ms = 60000;
  o->max_retries = 1;
}

/* ---- per-server politeness state -------------------------------------- */

typedef struct dv_wserver_state {
  char host[256];
  double tokens;
  int64_t last_ms;
  int64_t backoff_until; /* 0 = none */
  int64_t backoff_ms;    /* current backoff step */
  struct dv_wserver_state *next;
} dv_wserver_state;

typedef struct dv_wfetch dv_wfetch;
typedef struct dv_wlookup dv_wlookup;

struct dv_whois_client {
  dv_loop *loop;
  dv_resolver *res;
  const dv_whois_servers *servers;
  const dv_whois_patterns *pat;
  dv_whois_client_opts o;
  dv_wserver_state *states;
  dv_wfetch *fetches;  /* active fetches */
  dv_wlookup *lookups; /* active lookups */
  int cancelled;
  unsigned long sent;
};

/* ---- one query --------------------------------------------------------- */

struct dv_wfetch {
  dv_whois_client *c;
  char host[256];
  int port;
  char *query;
  size_t qlen, qsent;
  char addrs[DV_WFETCH_MAX_ADDRS][64];
  size_t naddrs, ai;
  int dns_pending;
  int dns_done;
  int fd;
  dv_buf reply; /* at most the client's max_reply bytes */
  int truncated;
  int refused; /* at least one address refused / unreachable */
  dv_timer t_step, t_total, t_done;
  int64_t t0;
  dv_wfetch_status st;
  int finished, delivered;
  dv_wfetch_cb cb;
  void *arg;
  dv_wfetch *next;
};

static void fetch_unlink(dv_wfetch *f)
{
  dv_wfetch **pp;
  for (pp = &f->c->fetches; *pp; pp = &(*pp)->next)
    if (*pp == f) {
      *pp = f->next;
      break;
    }
}

static void fetch_maybe_free(dv_wfetch *f)
{
  if (!f->delivered || f->dns_pending)
    return;
  free(f->query);
  dv_buf_free(&f->reply);
  free(f);
}

static void fetch_close(dv_wfetch *f)
{
  if (f->fd >= 0) {
    dv_loop_io_set(f->c->loop, f->fd, 0, NULL, NULL);
    close(f->fd);
    f->fd = -1;
  }
}

static void fetch_deliver(void *arg)
{
  dv_wfetch *f = arg;
  dv_wfetch_result r;
  memset(&r, 0, sizeof(r));
  r.status = f->st;
  r.host = f->host;
  r.addr =
      f->ai < f->naddrs && f->st != DV_WFETCH_RESOLVE ? f->addrs[f->ai] : "";
  r.buf = f->reply.p ? f->reply.p : "";
  r.len = f->reply.len;
  r.truncated = f->truncated;
  r.elapsed_ms = dv_loop_now_ms() - f->t0;
  f->delivered = 1;
  fetch_unlink(f);
  dv_loop_unref(f->c->loop);
  f->cb(f->arg, &r);
  fetch_maybe_free(f);
}

static void fetch_finish(dv_wfetch *f, dv_wfetch_status st)
{
  if (f->finished)
    return;
  f->finished = 1;
  f->st = st;
  fetch_close(f);
  dv_loop_timer_disarm(f->c->loop, &f->t_step);
  dv_loop_timer_disarm(f->c->loop, &f->t_total);
  if (f->c->o.verbose)
    dv_trace("dvcheck: whois %s [%s]: %s, %zu bytes%s, %lld ms", f->host,
             f->ai < f->naddrs ? f->addrs[f->ai] : "-",
             dv_wfetch_status_str(st), f->reply.len,
             f->truncated ? " (truncated)" : "",
             (long long)(dv_loop_now_ms() - f->t0));
  dv_loop_timer_arm(f->c->loop, &f->t_done, 0, fetch_deliver, f);
}

static void fetch_connect_next(dv_wfetch *f);
static void fetch_io(void *arg, int fd, short revents);

static void fetch_step_timeout(void *arg)
{
  dv_wfetch *f = arg;
  if (f->fd >= 0 && f->qsent == 0 && f->reply.len == 0 &&
      f->st == DV_WFETCH_CONNECT_TIMEOUT) {
    /* connect timed out on this address: try the next one */
    fetch_close(f);
    f->ai++;
    fetch_connect_next(f);
    return;
  }
  fetch_finish(f, f->st);
}

static void fetch_total_timeout(void *arg)
{
  dv_wfetch *f = arg;
  fetch_finish(f, DV_WFETCH_TOTAL_TIMEOUT);
}

/* Arm the step timer: connect (st = CONNECT_TIMEOUT) or idle. */
static void fetch_step_arm(dv_wfetch *f, dv_wfetch_status st, int64_t ms)
{
  f->st = st;
  dv_loop_timer_arm(f->c->loop, &f->t_step, ms, fetch_step_timeout, f);
}

static int addr_parse(const char *a, struct sockaddr_storage *ss, socklen_t *sl,
                      int port)
{
  struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
  memset(ss, 0, sizeof(*ss));
  if (inet_pton(AF_INET, a, &s4->sin_addr) == 1) {
    s4->sin_family = AF_INET;
    s4->sin_port = htons((uint16_t)port);
    *sl = sizeof(*s4);
    return 0;
  }
  if (inet_pton(AF_INET6, a, &s6->sin6_addr) == 1) {
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons((uint16_t)port);
    *sl = sizeof(*s6);
    return 0;
  }
  return -1;
}

static void fetch_connect_next(dv_wfetch *f)
{
  dv_whois_client *c = f->c;
  while (f->ai < f->naddrs) {
    struct sockaddr_storage ss;
    socklen_t sl;
    int fd;
    if (addr_parse(f->addrs[f->ai], &ss, &sl, f->port) < 0) {
      f->ai++;
      continue;
    }
    fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      f->refused = 1;
      f->ai++;
      continue;
    }
    if (connect(fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
      close(fd);
      f->refused = 1;
      f->ai++;
      continue;
    }
    f->fd = fd;
    if (dv_loop_io_set(c->loop, fd, POLLOUT, fetch_io, f) != DV_LOOP_OK) {
      fetch_finish(f, DV_WFETCH_NOMEM);
      return;
    }
    c->sent++;
    fetch_step_arm(f, DV_WFETCH_CONNECT_TIMEOUT, c->o.connect_ms);
    return;
  }
  f->ai = f->naddrs;
  fetch_finish(f, f->refused  ? DV_WFETCH_CONNECT
                  : f->naddrs ? DV_WFETCH_CONNECT_TIMEOUT
                              : DV_WFETCH_RESOLVE);
}

static void fetch_read(dv_wfetch *f)
{
  char tmp[16384];
  for (;;) {
    ssize_t n = recv(f->fd, tmp, sizeof(tmp), 0);
    if (n == 0) {
      fetch_finish(f, f->reply.len ? DV_WFETCH_OK : DV_WFETCH_EMPTY);
      return;
    }
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        break;
      if (errno == EINTR)
        continue;
      fetch_finish(f, DV_WFETCH_RESET);
      return;
    }
    if ((size_t)n > f->reply.max - f->reply.len) {
      n = (ssize_t)(f->reply.max - f->reply.len); /* keep up to the limit */
      f->truncated = 1;
    }
    if (dv_buf_append(&f->reply, tmp, (size_t)n) != DV_BUF_OK) {
      fetch_finish(f, DV_WFETCH_NOMEM);
      return;
    }
    if (f->truncated) {
      fetch_finish(f, DV_WFETCH_OK);
      return;
    }
  }
  fetch_step_arm(f, DV_WFETCH_IDLE_TIMEOUT, f->c->o.idle_ms);
}

static void fetch_io(void *arg, int fd, short revents)
{
  dv_wfetch *f = arg;
  (void)fd;
  if (f->finished)
    return;
  if (f->qsent < f->qlen) {
    int err = 0;
    socklen_t el = sizeof(err);
    ssize_t n;
    if (f->qsent == 0) {
      if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err ||
          (revents & (POLLERR | POLLHUP) && !(revents & POLLOUT))) {
        /* this address refused: try the next one */
        fetch_close(f);
        f->refused = 1;
        f->ai++;
        dv_loop_timer_disarm(f->c->loop, &f->t_step);
        fetch_connect_next(f);
        return;
      }
    }
    n = send(f->fd, f->query + f->qsent, f->qlen - f->qsent, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return;
      fetch_finish(f, DV_WFETCH_RESET);
      return;
    }
    f->qsent += (size_t)n;
    if (f->qsent < f->qlen)
      return;
    if (dv_loop_io_set(f->c->loop, f->fd, POLLIN, fetch_io, f) != DV_LOOP_OK)
      fetch_finish(f, DV_WFETCH_NOMEM);
    else
      fetch_step_arm(f, DV_WFETCH_IDLE_TIMEOUT, f->c->o.idle_ms);
    return;
  }
  if (revents & (POLLIN | POLLHUP | POLLERR))
    fetch_read(f);
}

static void fetch_collect(dv_wfetch *f, const dv_dns_answer *a)
{
  char final[DV_DNS_NAME_MAX];
  if (!a->have_msg ||
      dv_dns_msg_cname_chain(&a->msg, a->qname, final, sizeof(final), 16) < 0)
    return;
  for (size_t i = 0; i < a->msg.nrr && f->naddrs < DV_WFETCH_MAX_ADDRS; i++) {
    const dv_dns_rr *rr = &a->msg.rr[i];
    if (rr->section != DV_SEC_ANSWER || rr->type != a->qtype ||
        !dv_dns_name_eq(rr->name, final))
      continue;
    if (dv_dns_rr_addr(&a->msg, rr, f->addrs[f->naddrs], 64) == 0)
      f->naddrs++;
  }
}

static void fetch_dns_answer(void *arg, const dv_dns_answer *a)
{
  dv_wfetch *f = arg;
  f->dns_pending--;
  if (!f->finished)
    fetch_collect(f, a);
  if (f->dns_pending == 0 && !f->finished) {
    f->dns_done = 1;
    f->ai = 0;
    fetch_connect_next(f);
  }
  fetch_maybe_free(f);
}

int dv_whois_fetch(dv_whois_client *c, const char *host, int port,
                   const char *query, dv_wfetch_cb cb, void *arg)
{
  dv_wfetch *f = calloc(1, sizeof(*f));
  unsigned char tmp[16];
  char h[256];
  size_t hl;

  if (!f)
    return -1;
  f->query = strdup(query);
  if (!f->query) {
    free(f);
    return -1;
  }
  f->c = c;
  f->fd = -1;
  dv_buf_init(&f->reply, c->o.max_reply, 0);
  f->port = port;
  f->qlen = strlen(query);
  f->cb = cb;
  f->arg = arg;
  f->t0 = dv_loop_now_ms();
  snprintf(f->host, sizeof(f->host), "%s", host);
  f->next = c->fetches;
  c->fetches = f;
  dv_loop_ref(c->loop);
  if (c->cancelled) {
    fetch_finish(f, DV_WFETCH_CANCELLED);
    return 0;
  }
  dv_loop_timer_arm(c->loop, &f->t_total, c->o.total_ms, fetch_total_timeout,
                    f);
  snprintf(h, sizeof(h), "%s", host);
  hl = strlen(h);
  if (hl > 2 && h[0] == '[' && h[hl - 1] == ']') {
    memmove(h, h + 1, hl - 2);
    h[hl - 2] = '\0';
  }
  if (inet_pton(AF_INET, h, tmp) == 1 || inet_pton(AF_INET6, h, tmp) == 1) {
    snprintf(f->addrs[0], sizeof(f->addrs[0]), "%s", h);
    f->naddrs = 1;
    fetch_connect_next(f);
    return 0;
  }
  if (!c->res) {
    fetch_finish(f, DV_WFETCH_RESOLVE);
    return 0;
  }
  f->dns_pending = 2;
  if (dv_resolver_query(c->res, h, DV_T_A, fetch_dns_answer, f) !=
      DV_RESOLVER_OK)
    f->dns_pending--;
  if (dv_resolver_query(c->res, h, DV_T_AAAA, fetch_dns_answer, f) !=
      DV_RESOLVER_OK)
    f->dns_pending--;
  if (f->dns_pending == 0)
    fetch_finish(f, DV_WFETCH_NOMEM);
  return 0;
}

/* ---- referrals --------------------------------------------------------- */

int dv_whois_referral_accept(const char *raw, int allow_loopback, char *out,
                             size_t outlen, char *why, size_t whylen)
{
  unsigned char b[16];
  char h[256];
  size_t l;
  const char *s = raw;

  out[0] = '\0';
  if (!raw || !*raw) {
    snprintf(why, whylen, "empty");
    return 0;
  }
  if (dv_whois_referral_normalize(raw, out, outlen))
    return 1;
  /* why was it rejected? */
  if (!strncasecmp(s, "whois://", 8))
    s += 8;
  else if (!strncasecmp(s, "rwhois://", 9))
    s += 9;
  else if (strstr(s, "://") || strchr(s, '/') || strchr(s, '?')) {
    snprintf(why, whylen, "url");
    return 0;
  }
  snprintf(h, sizeof(h), "%s", s);
  l = strlen(h);
  if (l > 3 && !strcmp(h + l - 3, ":43") && strchr(h, ':') == h + l - 3)
    h[l -= 3] = '\0';
  if (l && h[l - 1] == '.')
    h[--l] = '\0';
  if (l > 2 && h[0] == '[' && h[l - 1] == ']') {
    memmove(h, h + 1, l - 2);
    h[l - 2] = '\0';
  }
  if (inet_pton(AF_INET, h, b) == 1) {
    int loop = b[0] == 127;
    if (loop && allow_loopback) {
      snprintf(out, outlen, "%s", h);
      return 1;
    }
    snprintf(why, whylen, "%s",
             loop ? "loopback"
             : (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) ||
                (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) ||
                b[0] == 0)
                 ? "private address"
                 : "ip literal");
    return 0;
  }
  if (inet_pton(AF_INET6, h, b) == 1) {
    static const unsigned char one[16] = {[15] = 1};
    int loop = memcmp(b, one, 16) == 0;
    if (loop && allow_loopback) {
      snprintf(out, outlen, "%s", h);
      return 1;
    }
    snprintf(
        why, whylen, "%s",
        loop ? "loopback"
        : ((b[0] & 0xFE) == 0xFC || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80))
            ? "private address"
            : "ip literal");
    return 0;
  }
  if (!strcasecmp(h, "localhost") ||
      (l > 10 && !strcasecmp(h + l - 10, ".localhost"))) {
    snprintf(why, whylen, "loopback");
    return 0;
  }
  snprintf(why, whylen, "not a host name");
  return 0;
}

void dv_whois_info_merge(dv_whois_info *dst, const dv_whois_info *r)
{
  dv_contact *d[3] = {&dst->registrant, &dst->admin, &dst->tech};
  const dv_contact *s[3] = {&r->registrant, &r->admin, &r->tech};
  for (int i = 0; i < 3; i++)
    if (s[i]->status != DV_CONTACT_ABSENT || s[i]->raw[0])
      *d[i] = *s[i];
  dst->throttled |= r->throttled;
  dst->captcha |= r->captcha;
  dst->truncated |= r->truncated;
  /* the registry knew the domain; the registrar's "not found" wins only
   * when it is what we have */
  if (!dst->web_only[0] && r->web_only[0])
    memcpy(dst->web_only, r->web_only, sizeof(dst->web_only));
}

/* ---- a domain ---------------------------------------------------------- */

struct dv_wlookup {
  dv_whois_client *c;
  dv_whois_lookup_result r;
  char host[256];  /* the server to ask next */
  char query[600]; /* its query line (CR LF) */
  char role[12];
  int retries;
  int iana; /* this step asks IANA for the TLD's server */
  dv_timer t_wait, t_done;
  int waiting, done;
  dv_wlookup_cb cb;
  void *arg;
  dv_wlookup *next;
};

static dv_wserver_state *server_state(dv_whois_client *c, const char *host)
{
  dv_wserver_state *s;
  for (s = c->states; s; s = s->next)
    if (!strcasecmp(s->host, host))
      return s;
  s = calloc(1, sizeof(*s));
  if (!s)
    return NULL;
  snprintf(s->host, sizeof(s->host), "%s", host);
  s->tokens = c->o.burst < 1 ? 1 : c->o.burst;
  s->last_ms = dv_loop_now_ms();
  s->next = c->states;
  c->states = s;
  return s;
}

static void lookup_deliver(void *arg)
{
  dv_wlookup *l = arg;
  dv_wlookup **pp;
  for (pp = &l->c->lookups; *pp; pp = &(*pp)->next)
    if (*pp == l) {
      *pp = l->next;
      break;
    }
  dv_loop_unref(l->c->loop);
  l->cb(l->arg, &l->r);
  free(l);
}

static void lookup_done(dv_wlookup *l)
{
  if (l->done)
    return;
  l->done = 1;
  l->waiting = 0;
  dv_loop_timer_disarm(l->c->loop, &l->t_wait);
  dv_loop_timer_arm(l->c->loop, &l->t_done, 0, lookup_deliver, l);
}

static dv_whois_hop *lookup_hop(dv_wlookup *l)
{
  dv_whois_hop *h;
  if (l->r.nhops >= sizeof(l->r.hops) / sizeof(l->r.hops[0]))
    return NULL;
  h = &l->r.hops[l->r.nhops++];
  memset(h, 0, sizeof(*h));
  snprintf(h->host, sizeof(h->host), "%s", l->host);
  snprintf(h->role, sizeof(h->role), "%s", l->role);
  return h;
}

static void lookup_ask(dv_wlookup *l);

static void lookup_wait_fired(void *arg)
{
  dv_wlookup *l = arg;
  l->waiting = 0;
  lookup_ask(l);
}

static int host_visited(const dv_wlookup *l, const char *host)
{
  for (size_t i = 0; i < l->r.nhops; i++)
    if (!strcasecmp(l->r.hops[i].host, host) &&
        strcmp(l->r.hops[i].role, "iana") != 0)
      return 1;
  return 0;
}

static void lookup_fetched(void *arg, const dv_wfetch_result *fr)
{
  dv_wlookup *l = arg;
  dv_whois_client *c = l->c;
  dv_whois_hop *h;
  dv_whois_info info;
  char next[256], why[48];
  dv_wserver_state *st;

  if (fr->status == DV_WFETCH_CANCELLED || c->cancelled) {
    l->r.cancelled = 1;
    lookup_done(l);
    return;
  }
  h = lookup_hop(l);
  if (!h) {
    lookup_done(l);
    return;
  }
  h->status = fr->status;
  h->retries = l->retries;
  snprintf(h->addr, sizeof(h->addr), "%s", fr->addr);
  h->bytes = fr->len;
  h->truncated = fr->truncated;
  h->elapsed_ms = fr->elapsed_ms;
  /* An empty reply from the first server that answers (the registry) is
   * "no data" -- some send nothing for an unknown name -- not a failure:
   * parsed, it is an answer with info.empty set. Further down the chain
   * (a registrar) it stays a failed hop: the registry's data stands. */
  if (fr->status != DV_WFETCH_OK &&
      !(fr->status == DV_WFETCH_EMPTY && !l->iana && !l->r.have_info)) {
    if (!l->r.have_info)
      l->r.failed = 1;
    lookup_done(l);
    return;
  }
  dv_whois_parse_text(c->pat, fr->len ? fr->buf : NULL, fr->len, fr->host,
                      &info);
  info.truncated |= fr->truncated;
  h->throttled = info.throttled;
  h->not_found = info.not_found;

  if (info.throttled) {
    st = server_state(c, l->host);
    if (st) {
      int64_t step = (int64_t)(2 * 60000.0 /
                               (c->o.rate_per_min > 0 ? c->o.rate_per_min : 1));
      if (step < 1000)
        step = 1000;
      st->backoff_ms = st->backoff_ms ? st->backoff_ms * 2 : step;
      if (st->backoff_ms > c->o.backoff_cap_ms)
        st->backoff_ms = c->o.backoff_cap_ms;
      st->backoff_until = dv_loop_now_ms() + st->backoff_ms;
      l->r.backoff_ms = st->backoff_ms;
      if (l->retries < c->o.max_retries &&
          st->backoff_ms + c->o.total_ms <= dv_loop_deadline_left_ms(c->loop)) {
        /* one more try once the backoff has passed */
        l->retries++;
        l->r.nhops--; /* the retry replaces this hop */
        lookup_ask(l);
        return;
      }
    }
  }

  if (l->iana) {
    /* IANA's answer about the TLD: its refer: line names the server */
    l->iana = 0;
    if (info.throttled) {
      if (!l->r.have_info) {
        l->r.info = info;
        l->r.have_info = 1;
      }
      lookup_done(l);
      return;
    }
    if (!dv_whois_referral_accept(
            info.referral[0] ? info.referral : info.referral_raw,
            c->o.allow_loopback, next, sizeof(next), why, sizeof(why))) {
      l->r.no_server = 1;
      snprintf(l->r.no_server_why, sizeof(l->r.no_server_why),
               "IANA names no WHOIS server for the TLD");
      lookup_done(l);
      return;
    }
    snprintf(l->host, sizeof(l->host), "%s", next);
    snprintf(l->query, sizeof(l->query), "%s\r\n", l->r.domain);
    snprintf(l->role, sizeof(l->role), "registry");
    l->retries = 0;
    lookup_ask(l);
    return;
  }

  if (!l->r.have_info) {
    l->r.info = info;
    l->r.have_info = 1;
  } else {
    dv_whois_info_merge(&l->r.info, &info);
  }
  if (info.throttled || info.not_found) {
    lookup_done(l);
    return;
  }
  /* the thin-registry referral */
  if (!info.referral_raw[0]) {
    lookup_done(l);
    return;
  }
  snprintf(l->r.ref_value, sizeof(l->r.ref_value), "%s", info.referral_raw);
  if (!dv_whois_referral_accept(
          info.referral[0] ? info.referral : info.referral_raw,
          c->o.allow_loopback, next, sizeof(next), why, sizeof(why))) {
    l->r.ref_kind = DV_WREF_IGNORED;
    snprintf(l->r.ref_reason, sizeof(l->r.ref_reason), "%s", why);
    lookup_done(l);
    return;
  }
  if (!strcasecmp(next, l->host)) {
    l->r.ref_kind = DV_WREF_SELF;
    lookup_done(l);
    return;
  }
  if (host_visited(l, next)) {
    l->r.ref_kind = DV_WREF_LOOP;
    snprintf(l->r.ref_reason, sizeof(l->r.ref_reason),
             "already asked in this lookup");
    lookup_done(l);
    return;
  }
  {
    int followed = 0;
    for (size_t i = 0; i < l->r.nhops; i++)
      if (!strcmp(l->r.hops[i].role, "registrar"))
        followed++;
    if (followed >= c->o.max_hops) {
      l->r.ref_kind = DV_WREF_HOP_LIMIT;
      snprintf(l->r.ref_reason, sizeof(l->r.ref_reason),
               "%d referrals followed already", followed);
      lookup_done(l);
      return;
    }
  }
  l->r.ref_kind = DV_WREF_FOLLOWED;
  snprintf(l->r.referral_followed, sizeof(l->r.referral_followed), "%s", next);
  snprintf(l->host, sizeof(l->host), "%s", next);
  snprintf(l->query, sizeof(l->query), "%s\r\n", l->r.domain);
  snprintf(l->role, sizeof(l->role), "registrar");
  l->retries = 0;
  lookup_ask(l);
}

/* Ask l->host, politely: wait for a token and for any backoff. */
static void lookup_ask(dv_wlookup *l)
{
  dv_whois_client *c = l->c;
  dv_wserver_state *st;
  int64_t now = dv_loop_now_ms(), wait = 0;

  if (c->cancelled) {
    l->r.cancelled = 1;
    lookup_done(l);
    return;
  }
  st = server_state(c, l->host);
  if (!st) {
    lookup_done(l);
    return;
  }
  if (st->backoff_until > now) {
    wait = st->backoff_until - now;
    if (wait + c->o.total_ms > dv_loop_deadline_left_ms(c->loop)) {
      /* the backoff outlasts the run: say so instead of hammering */
      dv_whois_hop *h = lookup_hop(l);
      if (h) {
        h->skipped = 1;
        h->status = DV_WFETCH_CANCELLED;
        h->throttled = 1;
        h->retries = l->retries;
      }
      l->r.backoff_skipped = 1;
      l->r.backoff_ms = st->backoff_ms;
      snprintf(l->r.backoff_why, sizeof(l->r.backoff_why), "throttled");
      if (!l->r.have_info) {
        dv_whois_info_init(&l->r.info, "whois");
        l->r.info.throttled = 1;
        l->r.have_info = 1;
      } else {
        l->r.info.throttled = 1;
      }
      lookup_done(l);
      return;
    }
  } else {
    wait = dv_bucket_take_raw(&st->tokens, &st->last_ms, now, c->o.rate_per_min,
                              c->o.burst);
    if (wait > 0 && wait + c->o.total_ms > dv_loop_deadline_left_ms(c->loop)) {
      /* the next free slot for this server comes too late: do not wait
       * for it (and do not exceed the rate either) */
      dv_whois_hop *h = lookup_hop(l);
      if (h) {
        h->skipped = 1;
        h->status = DV_WFETCH_CANCELLED;
      }
      l->r.backoff_skipped = 1;
      l->r.backoff_ms = wait;
      snprintf(l->r.backoff_why, sizeof(l->r.backoff_why), "rate limit");
      if (!l->r.have_info)
        l->r.failed = 1;
      lookup_done(l);
      return;
    }
    if (wait == 0) {
      if (c->o.verbose)
        dv_trace("dvcheck: whois: asking %s (%s) about %s", l->host, l->role,
                 l->r.domain);
      if (dv_whois_fetch(c, l->host, 43, l->query, lookup_fetched, l) < 0)
        lookup_done(l);
      return;
    }
  }
  if (wait > dv_loop_deadline_left_ms(c->loop))
    wait = dv_loop_deadline_left_ms(c->loop);
  if (c->o.verbose)
    dv_trace("dvcheck: whois: waiting %lld ms for %s (rate limit)",
             (long long)wait, l->host);
  l->waiting = 1;
  dv_loop_timer_arm(c->loop, &l->t_wait, wait, lookup_wait_fired, l);
}

int dv_whois_lookup(dv_whois_client *c, const char *domain, dv_wlookup_cb cb,
                    void *arg)
{
  dv_wlookup *l = calloc(1, sizeof(*l));
  const dv_whois_server *srv;
  const char *tld;

  if (!l)
    return -1;
  l->c = c;
  l->cb = cb;
  l->arg = arg;
  snprintf(l->r.domain, sizeof(l->r.domain), "%s", domain);
  l->next = c->lookups;
  c->lookups = l;
  dv_loop_ref(c->loop);
  dv_whois_info_init(&l->r.info, "whois");
  if (c->cancelled) {
    l->r.cancelled = 1;
    lookup_done(l);
    return 0;
  }
  srv = c->servers ? dv_whois_server_for(c->servers, domain) : NULL;
  if (!srv) {
    l->r.no_server = 1;
    snprintf(l->r.no_server_why, sizeof(l->r.no_server_why),
             "no entry in the server table");
    lookup_done(l);
    return 0;
  }
  if (srv->kind == DV_WSERVER_WEB) {
    snprintf(l->r.info.web_only, sizeof(l->r.info.web_only), "%s",
             srv->web_url);
    l->r.have_info = 1;
    lookup_done(l);
    return 0;
  }
  if (srv->kind == DV_WSERVER_NONE) {
    l->r.no_server = 1;
    snprintf(l->r.no_server_why, sizeof(l->r.no_server_why),
             "the registry publishes no WHOIS");
    lookup_done(l);
    return 0;
  }
  snprintf(l->host, sizeof(l->host), "%s", srv->host);
  if (!strcmp(srv->suffix, ".")) {
    /* not in the table: ask IANA which server serves the TLD */
    tld = strrchr(domain, '.');
    tld = tld ? tld + 1 : domain;
    l->iana = 1;
    snprintf(l->role, sizeof(l->role), "iana");
    snprintf(l->query, sizeof(l->query), "%s\r\n", tld);
  } else {
    snprintf(l->role, sizeof(l->role), "registry");
    if (dv_whois_server_query(srv, domain, l->query, sizeof(l->query)) !=
        DV_WHOIS_OK) {
      l->r.failed = 1;
      lookup_done(l);
      return 0;
    }
  }
  lookup_ask(l);
  return 0;
}

/* ---- the client -------------------------------------------------------- */

static void client_cancel(void *arg)
{
  dv_whois_client *c = arg;
  dv_wfetch *f, *fn;
  dv_wlookup *l;
  c->cancelled = 1;
  for (f = c->fetches; f; f = fn) {
    fn = f->next;
    fetch_finish(f, DV_WFETCH_CANCELLED);
  }
  for (l = c->lookups; l; l = l->next)
    if (l->waiting) {
      l->r.cancelled = 1;
      lookup_done(l);
    }
}

dv_whois_client *dv_whois_client_new(dv_loop *loop, dv_resolver *res,
                                     const dv_whois_servers *servers,
                                     const dv_whois_patterns *pat,
                                     const dv_whois_client_opts *o)
{
  dv_whois_client *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->loop = loop;
  c->res = res;
  c->servers = servers;
  c->pat = pat;
  if (o)
    c->o = *o;
  else
    dv_whois_client_opts_init(&c->o);
  if (c->o.max_hops > DV_WHOIS_MAX_HOPS_LIMIT)
    c->o.max_hops = DV_WHOIS_MAX_HOPS_LIMIT;
  if (c->o.max_hops < 0)
    c->o.max_hops = 0;
  if (!c->o.max_reply)
    c->o.max_reply = 1u << 20;
  if (dv_loop_on_deadline(loop, client_cancel, c) != DV_LOOP_OK) {
    free(c);
    return NULL;
  }
  return c;
}

void dv_whois_client_free(dv_whois_client *c)
{
  dv_wserver_state *s, *sn;
  if (!c)
    return;
  /* anything still active was abandoned by the loop (deadline) */
  while (c->fetches) {
    dv_wfetch *f = c->fetches;
    c->fetches = f->next;
    fetch_close(f);
    f->finished = 1;
    dv_loop_timer_disarm(c->loop, &f->t_step);
    dv_loop_timer_disarm(c->loop, &f->t_total);
    dv_loop_timer_disarm(c->loop, &f->t_done);
    if (!f->dns_pending) {
      free(f->query);
      dv_buf_free(&f->reply);
      free(f);
    } else {
      f->delivered = 1; /* the resolver's callback frees it */
    }
  }
  while (c->lookups) {
    dv_wlookup *l = c->lookups;
    c->lookups = l->next;
    dv_loop_timer_disarm(c->loop, &l->t_wait);
    dv_loop_timer_disarm(c->loop, &l->t_done);
    free(l);
  }
  for (s = c->states; s; s = sn) {
    sn = s->next;
    free(s);
  }
  free(c);
}

unsigned long dv_whois_client_sent(const dv_whois_client *c)
{
  return c ? c->sent : 0;
}
