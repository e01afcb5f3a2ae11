/* dvcheck -- c-ares resolver on the dv_loop. See resolver.h.
 *
 * c-ares 1.18 (Debian 12) is the floor: sockets come from the socket-state
 * callback, I/O is handed over with ares_process_fd(), and timeouts come from
 * ares_timeout(). No ares_fds()/select().
 */
#include "config.h"

#include <ares.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/resolver.h"

typedef struct dv_waiter {
  dv_dns_cb cb;
  void *arg;
  struct dv_waiter *next;
} dv_waiter;

typedef struct dv_qentry {
  struct dv_resolver *r;
  char *name;
  uint16_t type;
  int done;
  dv_dns_answer ans;
  int64_t started_ms;
  dv_waiter *waiters; /* callbacks still to run */
  struct dv_qentry *next;
  struct dv_qentry *ready_next; /* on the delivery queue */
  int queued;
  int traced;
  struct dv_qentry *pending_next; /* waiting for an in-flight slot */
} dv_qentry;

/* At most this many queries on the wire at once (per resolver): a burst of
 * hundreds of UDP queries loses packets, and c-ares then waits a whole
 * retry timeout. Queries beyond the cap wait in FIFO order. */
#define RESOLVER_DEFAULT_MAX_INFLIGHT 64

struct dv_resolver {
  dv_loop *loop;
  ares_channel ch;
  dv_resolver_opts opts;
  dv_timer timer;   /* c-ares' own timeouts */
  dv_timer deliver; /* runs callbacks of finished entries */
  dv_qentry *entries;
  dv_qentry *ready;
  unsigned long inflight;
  unsigned long max_inflight;
  unsigned long sent;
  unsigned long answered; /* replies the server sent (any RCODE) */
  int nomem;              /* a socket could not be watched (see sock_state) */
  dv_qentry *pending, *pending_tail;
  int cancelled; /* deadline passed or closing: no new network queries */
};

static const char *const dns_status_str[] = {
    [DV_DNS_OK] = "ok",
    [DV_DNS_NODATA] = "no data (NODATA)",
    [DV_DNS_NXDOMAIN] = "name does not exist (NXDOMAIN)",
    [DV_DNS_SERVFAIL] = "server failure (SERVFAIL)",
    [DV_DNS_REFUSED] = "refused (REFUSED)",
    [DV_DNS_TIMEOUT] = "timed out",
    [DV_DNS_UNREACHABLE] = "server unreachable",
    [DV_DNS_BADRESP] = "malformed answer",
    [DV_DNS_CANCELLED] = "cancelled (run deadline)",
    [DV_DNS_ERROR] = "lookup error",
};

const char *dv_dns_status_str(dv_dns_status st)
{
  if ((size_t)st < sizeof(dns_status_str) / sizeof(dns_status_str[0]))
    return dns_status_str[st];
  return "unknown";
}

static const char *const resolver_status_str[] = {
    [DV_RESOLVER_OK] = "ok",
    [DV_RESOLVER_NOMEM] = "out of memory",
    [DV_RESOLVER_BADSERVER] = "invalid resolver address",
    [DV_RESOLVER_INIT] = "cannot initialise the DNS resolver",
};

const char *dv_resolver_status_str(dv_resolver_status st)
{
  if ((size_t)st < sizeof(resolver_status_str) / sizeof(resolver_status_str[0]))
    return resolver_status_str[st];
  return "unknown";
}

void dv_resolver_opts_init(dv_resolver_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->timeout_ms = 2000;
  o->tries = 2;
  o->recurse = 1;
}

static void resolver_timer_update(dv_resolver *r);

static void resolver_io(void *arg, int fd, short revents)
{
  dv_resolver *r = arg;
  ares_socket_t rfd = ARES_SOCKET_BAD, wfd = ARES_SOCKET_BAD;
  if (revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL))
    rfd = fd;
  if (revents & POLLOUT)
    wfd = fd;
  ares_process_fd(r->ch, rfd, wfd);
  resolver_timer_update(r);
}

static void resolver_sock_state(void *data, ares_socket_t fd, int readable,
                                int writable)
{
  dv_resolver *r = data;
  short ev = (short)((readable ? POLLIN : 0) | (writable ? POLLOUT : 0));
  /* On NOMEM the socket is not watched; c-ares' timeout then ends the
   * query, so nothing hangs -- and the answer is an error, not a timeout
   * (tests/resource-faults.sh: a lost watch made a zone probe "time out"
   * and dvcheck dns gave a verdict, exit 2, on what it never asked). */
  if (dv_loop_io_set(r->loop, fd, ev, resolver_io, r) != DV_LOOP_OK)
    r->nomem = 1;
}

static void resolver_timeout(void *arg)
{
  dv_resolver *r = arg;
  ares_process_fd(r->ch, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  resolver_timer_update(r);
}

static void resolver_timer_update(dv_resolver *r)
{
  struct timeval tv, *tvp;
  if (!r->inflight) {
    dv_loop_timer_disarm(r->loop, &r->timer);
    return;
  }
  tvp = ares_timeout(r->ch, NULL, &tv);
  if (!tvp) {
    dv_loop_timer_disarm(r->loop, &r->timer);
    return;
  }
  dv_loop_timer_arm(r->loop, &r->timer,
                    (int64_t)tvp->tv_sec * 1000 + tvp->tv_usec / 1000 + 1,
                    resolver_timeout, r);
}

static void resolver_deliver(void *arg)
{
  dv_resolver *r = arg;
  while (r->ready) {
    dv_qentry *e = r->ready;
    r->ready = e->ready_next;
    e->queued = 0;
    if (r->opts.trace && !e->traced) {
      e->traced = 1;
      r->opts.trace(r->opts.trace_arg, &e->ans);
    }
    while (e->waiters) {
      dv_waiter *w = e->waiters;
      e->waiters = w->next;
      w->cb(w->arg, &e->ans);
      free(w);
      dv_loop_unref(r->loop);
    }
  }
}

static void resolver_queue(dv_resolver *r, dv_qentry *e)
{
  if (e->queued)
    return;
  e->queued = 1;
  e->ready_next = r->ready;
  r->ready = e;
  dv_loop_timer_arm(r->loop, &r->deliver, 0, resolver_deliver, r);
}

static int answer_has_type(const dv_dns_msg *m, const char *qname,
                           uint16_t type)
{
  char final[DV_DNS_NAME_MAX];
  size_t i;
  if (dv_dns_msg_cname_chain(m, qname, final, sizeof(final), 16) < 0)
    return 0;
  if (type == DV_T_CNAME) /* asking for the CNAME itself */
    snprintf(final, sizeof(final), "%s", qname);
  for (i = 0; i < m->nrr; i++)
    if (m->rr[i].section == DV_SEC_ANSWER && m->rr[i].type == type &&
        dv_dns_name_eq(m->rr[i].name, final))
      return 1;
  return 0;
}

static dv_dns_status classify(dv_qentry *e)
{
  const dv_dns_msg *m = &e->ans.msg;
  switch (m->rcode) {
  case 0:
    return answer_has_type(m, e->name, e->type) ? DV_DNS_OK : DV_DNS_NODATA;
  case 2:
    return DV_DNS_SERVFAIL;
  case 3:
    return DV_DNS_NXDOMAIN;
  case 5:
    return DV_DNS_REFUSED;
  default:
    return DV_DNS_ERROR;
  }
}

static void resolver_pending_drain(dv_resolver *r);

static void resolver_answer(void *arg, int status, int timeouts,
                            unsigned char *abuf, int alen)
{
  dv_qentry *e = arg;
  dv_resolver *r = e->r;
  (void)timeouts;

  e->done = 1;
  e->ans.rtt_ms = dv_loop_now_ms() - e->started_ms;
  if (status != ARES_ETIMEOUT && status != ARES_ECONNREFUSED &&
      status != ARES_ECANCELLED && status != ARES_EDESTRUCTION)
    r->answered++;
  if (r->inflight)
    r->inflight--;
  resolver_pending_drain(r);
  if (status == ARES_SUCCESS && abuf && alen > 0) {
    if (dv_dns_msg_parse(abuf, (size_t)alen, &e->ans.msg) != DV_DNS_MSG_OK) {
      e->ans.status = DV_DNS_BADRESP;
    } else {
      e->ans.have_msg = 1;
      e->ans.status = classify(e);
    }
  } else {
    switch (status) {
    case ARES_ENODATA:
      e->ans.status = DV_DNS_NODATA;
      break;
    case ARES_ENOTFOUND:
      e->ans.status = DV_DNS_NXDOMAIN;
      break;
    case ARES_ESERVFAIL:
      e->ans.status = DV_DNS_SERVFAIL;
      break;
    case ARES_EREFUSED:
      e->ans.status = DV_DNS_REFUSED;
      break;
    case ARES_ETIMEOUT:
      e->ans.status = DV_DNS_TIMEOUT;
      break;
    case ARES_ECONNREFUSED:
      e->ans.status = DV_DNS_UNREACHABLE;
      break;
    case ARES_EBADRESP:
    case ARES_EFORMERR:
      e->ans.status = DV_DNS_BADRESP;
      break;
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION:
      e->ans.status = DV_DNS_CANCELLED;
      break;
    default:
      e->ans.status = DV_DNS_ERROR;
      break;
    }
  }
  if (r->nomem && e->ans.status == DV_DNS_TIMEOUT)
    e->ans.status = DV_DNS_ERROR;
  resolver_queue(r, e);
}

/* Build a query in wire format. Names are plain LDH/underscore names (the
 * callers normalise them); anything else is refused. */
static int build_query(const dv_resolver *r, const char *name, uint16_t type,
                       unsigned char *buf, size_t cap, size_t *len)
{
  size_t o = 12, nlen = strlen(name);
  const char *p = name, *end = name + nlen;
  uint16_t flags = 0;

  if (nlen && name[nlen - 1] == '.')
    end--;
  memset(buf, 0, 12);
  if (r->opts.recurse)
    flags |= 0x0100;
  if (r->opts.checking_disabled)
    flags |= 0x0010;
  buf[2] = (unsigned char)(flags >> 8);
  buf[3] = (unsigned char)(flags & 0xFF);
  buf[5] = 1; /* QDCOUNT */
  while (p < end) {
    const char *dot = memchr(p, '.', (size_t)(end - p));
    size_t l = dot ? (size_t)(dot - p) : (size_t)(end - p);
    if (l == 0 || l > 63 || o + 1 + l >= cap)
      return -1;
    for (size_t i = 0; i < l; i++) {
      unsigned char c = (unsigned char)p[i];
      if (c <= ' ' || c >= 127 || c == '\\')
        return -1;
    }
    buf[o++] = (unsigned char)l;
    memcpy(buf + o, p, l);
    o += l;
    p += l + (dot ? 1 : 0);
  }
  if (o - 12 > 254 || o + 5 + 11 > cap)
    return -1;
  buf[o++] = 0;
  buf[o++] = (unsigned char)(type >> 8);
  buf[o++] = (unsigned char)(type & 0xFF);
  buf[o++] = 0;
  buf[o++] = 1; /* IN */
  /* EDNS0 OPT record: 1232-byte payload (DNS flag day 2020), DO if asked. */
  buf[11] = 1; /* ARCOUNT */
  buf[o++] = 0;
  buf[o++] = 0;
  buf[o++] = 41;
  buf[o++] = 1232 >> 8;
  buf[o++] = 1232 & 0xFF;
  buf[o++] = 0;
  buf[o++] = 0;
  buf[o++] = r->opts.dnssec_ok ? 0x80 : 0;
  buf[o++] = 0;
  buf[o++] = 0;
  buf[o++] = 0;
  *len = o;
  return 0;
}

static void resolver_answer(void *arg, int status, int timeouts,
                            unsigned char *abuf, int alen);

#ifdef DV_DEBUGBUILD
/* DVCHECK_TEST_DNS_TIMEOUT=SUFFIX (debug builds): questions for names
 * ending in SUFFIX time out at once, as if the server never answered them,
 * while every other question goes out: a timeout from a resolver that does
 * answer (MX_LOOKUP_TIMEOUT, not DNS_RESOLVER_FAILED). */
static int resolver_test_timeout(const char *name)
{
  const char *sfx = getenv("DVCHECK_TEST_DNS_TIMEOUT");
  size_t n = strlen(name), m = sfx ? strlen(sfx) : 0;
  return m && n >= m && strcasecmp(name + n - m, sfx) == 0;
}
#endif

/* Put e on the wire (or fail it). */
static void resolver_send(dv_resolver *r, dv_qentry *e)
{
  unsigned char q[512];
  size_t qlen;
#ifdef DV_DEBUGBUILD
  if (!r->cancelled && resolver_test_timeout(e->name)) {
    e->done = 1;
    e->ans.status = DV_DNS_TIMEOUT;
    resolver_queue(r, e);
    return;
  }
#endif
  if (r->cancelled ||
      build_query(r, e->name, e->type, q, sizeof(q), &qlen) < 0) {
    e->done = 1;
    e->ans.status = r->cancelled ? DV_DNS_CANCELLED : DV_DNS_ERROR;
    resolver_queue(r, e);
    return;
  }
  e->started_ms = dv_loop_now_ms();
  r->inflight++;
  r->sent++;
  ares_send(r->ch, q, (int)qlen, resolver_answer, e);
  resolver_timer_update(r);
}

/* Send waiting queries while there is room (or fail them when cancelled). */
static void resolver_pending_drain(dv_resolver *r)
{
  while (r->pending && (r->cancelled || r->inflight < r->max_inflight)) {
    dv_qentry *e = r->pending;
    r->pending = e->pending_next;
    if (!r->pending)
      r->pending_tail = NULL;
    e->pending_next = NULL;
    resolver_send(r, e);
  }
}

static void resolver_cancel(void *arg)
{
  dv_resolver *r = arg;
  r->cancelled = 1;
  ares_cancel(r->ch);
  resolver_pending_drain(r);
}

dv_resolver_status dv_resolver_new(dv_loop *loop, const dv_resolver_opts *o,
                                   dv_resolver **out)
{
  struct ares_options ao;
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
             ARES_OPT_FLAGS;
  dv_resolver *r = calloc(1, sizeof(*r));
  dv_resolver_status st = DV_RESOLVER_OK;

  if (!r)
    return DV_RESOLVER_NOMEM;
  r->loop = loop;
  r->opts = *o;
  r->max_inflight = o->max_inflight > 0 ? (unsigned long)o->max_inflight
                                        : RESOLVER_DEFAULT_MAX_INFLIGHT;
  memset(&ao, 0, sizeof(ao));
  ao.sock_state_cb = resolver_sock_state;
  ao.sock_state_cb_data = r;
  ao.timeout = o->timeout_ms > 0 ? o->timeout_ms : 2000;
  ao.tries = o->tries > 0 ? o->tries : 2;
  /* Without NOCHECKRESP c-ares hides SERVFAIL/REFUSED answers behind
   * retries; with it, we see exactly what the server said. */
  ao.flags = ARES_FLAG_NOCHECKRESP;
  if (ares_init_options(&r->ch, &ao, mask) != ARES_SUCCESS) {
    free(r);
    return DV_RESOLVER_INIT;
  }
  if (o->servers &&
      ares_set_servers_ports_csv(r->ch, o->servers) != ARES_SUCCESS) {
    st = DV_RESOLVER_BADSERVER;
    goto fail;
  }
  if (dv_loop_on_deadline(loop, resolver_cancel, r) != DV_LOOP_OK) {
    st = DV_RESOLVER_NOMEM;
    goto fail;
  }
  *out = r;
  return DV_RESOLVER_OK;
fail:
  ares_destroy(r->ch);
  free(r);
  return st;
}

void dv_resolver_free(dv_resolver *r)
{
  dv_qentry *e, *next;
  if (!r)
    return;
  r->cancelled = 1;
  ares_cancel(r->ch); /* outstanding callbacks run with ECANCELLED */
  resolver_pending_drain(r);
  resolver_deliver(r);
  ares_destroy(r->ch);
  dv_loop_timer_disarm(r->loop, &r->timer);
  dv_loop_timer_disarm(r->loop, &r->deliver);
  for (e = r->entries; e; e = next) {
    next = e->next;
    dv_dns_msg_free(&e->ans.msg);
    free(e->name);
    free(e);
  }
  free(r);
}

unsigned long dv_resolver_answered(const dv_resolver *r)
{
  return r ? r->answered : 0;
}

unsigned long dv_resolver_sent(const dv_resolver *r)
{
  return r->sent;
}

dv_resolver_status dv_resolver_query(dv_resolver *r, const char *name,
                                     uint16_t type, dv_dns_cb cb, void *arg)
{
  dv_qentry *e;
  dv_waiter *w = calloc(1, sizeof(*w));

  if (!w)
    return DV_RESOLVER_NOMEM;
  w->cb = cb;
  w->arg = arg;
  dv_loop_ref(r->loop);
  for (e = r->entries; e; e = e->next) {
    if (e->type == type && dv_dns_name_eq(e->name, name)) {
      w->next = e->waiters;
      e->waiters = w;
      if (e->done)
        resolver_queue(r, e);
      return DV_RESOLVER_OK;
    }
  }
  e = calloc(1, sizeof(*e));
  if (!e || !(e->name = strdup(name))) {
    free(e);
    free(w);
    dv_loop_unref(r->loop);
    return DV_RESOLVER_NOMEM;
  }
  e->r = r;
  e->type = type;
  e->ans.qname = e->name;
  e->ans.qtype = type;
  e->waiters = w;
  e->next = r->entries;
  r->entries = e;
  e->started_ms = dv_loop_now_ms();
  if (r->inflight >= r->max_inflight && !r->cancelled) {
    if (r->pending_tail)
      r->pending_tail->pending_next = e;
    else
      r->pending = e;
    r->pending_tail = e;
    return DV_RESOLVER_OK;
  }
  resolver_send(r, e);
  return DV_RESOLVER_OK;
}
