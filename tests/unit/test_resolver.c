/* Unit tests: the resolver's cache (hash table: collisions, case, LRU
 * eviction, coalescing), its adaptive window and several upstreams (one a
 * blackhole), against small UDP DNS servers on 127.0.0.1 that run on the
 * same dv_loop. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/loop.h"
#include "dns/resolver.h"
#include "unit.h"

/* ---- a tiny authoritative server on the loop ---------------------------- */

typedef struct {
  int fd;
  int port;
  int blackhole;      /* read queries, never answer */
  unsigned long seen; /* queries received */
} fake_srv;

/* Answer: qname "sf..." -> SERVFAIL; type A -> one A record 192.0.2.L
 * (L = strlen of the name asked, no trailing dot); other types -> NOERROR, no
 * data. */
static void srv_io(void *arg, int fd, short revents)
{
  fake_srv *s = arg;
  unsigned char q[512], a[600];
  (void)revents;
  for (;;) {
    struct sockaddr_in from;
    socklen_t fl = sizeof(from);
    ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
    size_t o = 12, qend;
    uint16_t type;
    int sf;
    if (n < 0)
      return;
    if (n < 17)
      continue;
    s->seen++;
    if (s->blackhole)
      continue;
    while (o < (size_t)n && q[o])
      o += 1 + q[o];
    if (o + 5 > (size_t)n)
      continue;
    type = (uint16_t)(q[o + 1] << 8 | q[o + 2]);
    qend = o + 5;
    sf = q[12] >= 2 && q[13] == 's' && q[14] == 'f';
    memcpy(a, q, qend);
    a[2] = 0x81;                                 /* QR, RD */
    a[3] = (unsigned char)(0x80 | (sf ? 2 : 0)); /* RA, rcode */
    a[6] = a[7] = a[8] = a[9] = a[10] = a[11] = 0;
    o = qend;
    if (!sf && type == DV_T_A) {
      const unsigned char rr[] = {
          0xC0, 12, 0, 1, 0,   1, 0, 0,
          1,    44, 0, 4, 192, 0, 2, (unsigned char)(qend - 17)};
      memcpy(a + o, rr, sizeof(rr));
      o += sizeof(rr);
      a[7] = 1;
    }
    (void)sendto(fd, a, o, 0, (struct sockaddr *)&from, fl);
  }
}

static void srv_start(fake_srv *s, dv_loop *l, int blackhole)
{
  struct sockaddr_in sa;
  socklen_t sl = sizeof(sa);
  memset(s, 0, sizeof(*s));
  s->blackhole = blackhole;
  s->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  ck_assert_int_ge(s->fd, 0);
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ck_assert_int_eq(bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
  ck_assert_int_eq(getsockname(s->fd, (struct sockaddr *)&sa, &sl), 0);
  s->port = ntohs(sa.sin_port);
  ck_assert_int_eq(dv_loop_io_set(l, s->fd, POLLIN, srv_io, s), DV_LOOP_OK);
}

static void srv_stop(fake_srv *s, dv_loop *l)
{
  dv_loop_io_set(l, s->fd, 0, NULL, NULL);
  close(s->fd);
}

/* ---- askers ------------------------------------------------------------- */

typedef struct {
  char name[64]; /* as asked */
  int calls;
  dv_dns_status st;
  int last_octet;
  int qname_ok; /* the answer was for this name (case-insensitive) */
} asker;

static void on_answer(void *arg, const dv_dns_answer *a)
{
  asker *k = arg;
  k->calls++;
  k->st = a->status;
  k->qname_ok = dv_dns_name_eq(a->qname, k->name);
  k->last_octet = -1;
  if (a->status == DV_DNS_OK && a->have_msg) {
    for (size_t i = 0; i < a->msg.nrr; i++)
      if (a->msg.rr[i].type == DV_T_A && a->msg.rr[i].rdlen == 4)
        k->last_octet = a->msg.buf[a->msg.rr[i].rdoff + 3];
  }
}

static void ask(dv_resolver *r, asker *k, uint16_t type)
{
  ck_assert_int_eq(dv_resolver_query(r, k->name, type, on_answer, k),
                   DV_RESOLVER_OK);
}

static dv_resolver *mk(dv_loop *l, const char *servers, int hash_bits,
                       size_t entries, size_t bytes, int max_inflight,
                       int timeout_ms, int tries)
{
  dv_resolver_opts o;
  dv_resolver *r = NULL;
  dv_resolver_opts_init(&o);
  o.servers = servers;
  o.test_hash_bits = hash_bits;
  o.cache_entries = entries;
  o.cache_bytes = bytes;
  o.max_inflight = max_inflight;
  if (timeout_ms)
    o.timeout_ms = timeout_ms;
  if (tries)
    o.tries = tries;
  ck_assert_int_eq(dv_resolver_new(l, &o, &r), DV_RESOLVER_OK);
  return r;
}

/* ---- tests -------------------------------------------------------------- */

START_TEST(t_coalesce_case)
{
  dv_loop *l = dv_loop_new();
  fake_srv s;
  char csv[64];
  asker k[5] = {{"Foo.Example", 0, 0, 0, 0},
                {"foo.example.", 0, 0, 0, 0},
                {"FOO.EXAMPLE", 0, 0, 0, 0},
                {"foo.EXAMPLE", 0, 0, 0, 0},
                {"foo.example", 0, 0, 0, 0}};
  dv_resolver *r;
  dv_resolver_stats st;
  srv_start(&s, l, 0);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d", s.port);
  r = mk(l, csv, 0, 0, 0, 0, 0, 0);
  ask(r, &k[0], DV_T_A);
  ask(r, &k[1], DV_T_A);
  ask(r, &k[2], DV_T_A);
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  for (int i = 0; i < 3; i++) {
    ck_assert_int_eq(k[i].calls, 1);
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
    ck_assert(k[i].qname_ok);
    ck_assert_int_eq(k[i].last_octet, 12); /* 3foo7example0 */
  }
  ck_assert_uint_eq(s.seen, 1);
  /* answered: from the cache, in any case; another type is another
   * question */
  ask(r, &k[3], DV_T_A);
  ask(r, &k[4], DV_T_AAAA);
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  ck_assert_int_eq(k[3].st, DV_DNS_OK);
  ck_assert_int_eq(k[3].last_octet, 12);
  ck_assert_int_eq(k[4].st, DV_DNS_NODATA);
  ck_assert_uint_eq(s.seen, 2);
  dv_resolver_stats_get(r, &st);
  ck_assert_uint_eq(st.queries, 5);
  ck_assert_uint_eq(st.coalesced, 2);
  ck_assert_uint_eq(st.cache_hits, 1);
  ck_assert_uint_eq(st.sent, 2);
  ck_assert_uint_eq(dv_resolver_sent(r), 2);
  dv_resolver_free(r);
  srv_stop(&s, l);
  dv_loop_free(l);
}
END_TEST

/* Two hash bits: every chain holds ~75 entries; answers must still go to
 * the right askers, and every name must be found again. */
START_TEST(t_collisions)
{
  enum { N = 300 };
  dv_loop *l = dv_loop_new();
  fake_srv s;
  char csv[64];
  asker *k = calloc(2 * N, sizeof(*k));
  dv_resolver *r;
  dv_resolver_stats st;
  ck_assert_ptr_nonnull(k);
  srv_start(&s, l, 0);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d", s.port);
  r = mk(l, csv, 2, 0, 0, 0, 0, 0);
  for (int i = 0; i < N; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "h%d.%s.example", i,
             i % 2 ? "x" : "yy");
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  for (int i = 0; i < N; i++) {
    ck_assert_int_eq(k[i].calls, 1);
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
    ck_assert(k[i].qname_ok);
    ck_assert_int_eq(k[i].last_octet, (int)strlen(k[i].name) + 1);
  }
  ck_assert_uint_eq(s.seen, N);
  for (int i = 0; i < N; i++) {
    snprintf(k[N + i].name, sizeof(k[N + i].name), "H%d.%s.EXAMPLE.", i,
             i % 2 ? "X" : "YY");
    ask(r, &k[N + i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  for (int i = N; i < 2 * N; i++) {
    ck_assert_int_eq(k[i].calls, 1);
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
    ck_assert(k[i].qname_ok);
  }
  ck_assert_uint_eq(s.seen, N);
  dv_resolver_stats_get(r, &st);
  ck_assert_uint_eq(st.cache_hits, N);
  ck_assert_uint_eq(st.cached, N);
  dv_resolver_free(r);
  srv_stop(&s, l);
  dv_loop_free(l);
  free(k);
}
END_TEST

/* An entry budget of 16: after 100 answers 16 stay, the rest are evicted;
 * asking all again finds exactly those 16. A byte budget bounds too. */
START_TEST(t_eviction)
{
  enum { N = 100 };
  dv_loop *l = dv_loop_new();
  fake_srv s;
  char csv[64];
  asker *k = calloc(2 * N, sizeof(*k));
  dv_resolver *r;
  dv_resolver_stats st;
  ck_assert_ptr_nonnull(k);
  srv_start(&s, l, 0);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d", s.port);
  r = mk(l, csv, 0, 16, 0, 0, 0, 0);
  for (int i = 0; i < N; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "e%d.example", i);
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  dv_resolver_stats_get(r, &st);
  ck_assert_uint_eq(st.cached, 16);
  ck_assert_uint_eq(st.evictions, N - 16);
  for (int i = 0; i < N; i++) {
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
    memcpy(k[N + i].name, k[i].name, sizeof(k[i].name));
    ask(r, &k[N + i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  for (int i = N; i < 2 * N; i++) {
    ck_assert_int_eq(k[i].calls, 1);
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
    ck_assert_int_eq(k[i].last_octet, (int)strlen(k[i].name) + 1);
  }
  dv_resolver_stats_get(r, &st);
  ck_assert_uint_eq(st.cache_hits, 16);
  ck_assert_uint_eq(s.seen, 2 * N - 16);
  ck_assert_uint_le(st.cached, 16);
  dv_resolver_free(r);

  /* bytes: 8 KiB holds far fewer than 100 answers */
  r = mk(l, csv, 0, 0, 8192, 0, 0, 0);
  for (int i = 0; i < N; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "b%d.example", i);
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  dv_resolver_stats_get(r, &st);
  ck_assert_uint_le(st.cached_bytes, 8192);
  ck_assert_uint_gt(st.evictions, 0);
  ck_assert_uint_gt(st.cached, 0);
  for (int i = 0; i < N; i++)
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
  dv_resolver_free(r);
  srv_stop(&s, l);
  dv_loop_free(l);
  free(k);
}
END_TEST

/* A callback that asks again (the chain walk does) while the budget is
 * tiny: the entry being delivered is never evicted under it. */
static dv_resolver *chain_r;
static int chain_left;
static void on_chain(void *arg, const dv_dns_answer *a)
{
  asker *k = arg;
  k->calls++;
  k->st = a->status;
  if (chain_left-- > 0) {
    snprintf(k->name, sizeof(k->name), "c%d.example", chain_left);
    ck_assert_int_eq(dv_resolver_query(chain_r, k->name, DV_T_A, on_chain, k),
                     DV_RESOLVER_OK);
    /* the answer must still be readable after asking */
    ck_assert(a->qname[0] == 'c');
    ck_assert_int_eq(a->status, DV_DNS_OK);
  }
}

START_TEST(t_evict_in_callback)
{
  dv_loop *l = dv_loop_new();
  fake_srv s;
  char csv[64];
  asker k = {"c99.example", 0, 0, 0, 0};
  srv_start(&s, l, 0);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d", s.port);
  chain_r = mk(l, csv, 0, 1, 0, 0, 0, 0);
  chain_left = 20;
  ck_assert_int_eq(dv_resolver_query(chain_r, k.name, DV_T_A, on_chain, &k),
                   DV_RESOLVER_OK);
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  ck_assert_int_eq(k.calls, 21);
  dv_resolver_free(chain_r);
  srv_stop(&s, l);
  dv_loop_free(l);
}
END_TEST

/* --max-inflight 1: one query on the wire at a time, all answered. */
START_TEST(t_window_one)
{
  enum { N = 50 };
  dv_loop *l = dv_loop_new();
  fake_srv s;
  char csv[64];
  asker k[N];
  dv_resolver *r;
  dv_resolver_upstream_stats us;
  memset(k, 0, sizeof(k));
  srv_start(&s, l, 0);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d", s.port);
  r = mk(l, csv, 0, 0, 0, 1, 0, 0);
  for (int i = 0; i < N; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "w%d.example", i);
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  for (int i = 0; i < N; i++)
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
  ck_assert_int_eq(dv_resolver_upstream_get(r, 0, &us), 0);
  ck_assert_uint_eq(us.peak_inflight, 1);
  ck_assert_uint_eq(us.window, 1);
  ck_assert_uint_eq(us.sent, N);
  ck_assert_int_eq(dv_resolver_upstream_get(r, 1, &us), -1);
  dv_resolver_free(r);
  srv_stop(&s, l);
  dv_loop_free(l);
}
END_TEST

/* The window grows while answers come back (slow start from 16) and is
 * halved by a burst of SERVFAIL. */
START_TEST(t_window_aimd)
{
  enum { N = 400 };
  dv_loop *l = dv_loop_new();
  fake_srv s;
  char csv[64];
  asker *k = calloc(N, sizeof(*k));
  dv_resolver *r;
  dv_resolver_upstream_stats us;
  unsigned grown;
  ck_assert_ptr_nonnull(k);
  srv_start(&s, l, 0);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d", s.port);
  r = mk(l, csv, 0, 0, 0, 100, 0, 0);
  for (int i = 0; i < N; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "g%d.example", i);
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  ck_assert_int_eq(dv_resolver_upstream_get(r, 0, &us), 0);
  ck_assert_uint_gt(us.window, DV_RESOLVER_INITIAL_WINDOW);
  ck_assert_uint_le(us.peak_window, 100); /* the ceiling */
  ck_assert_uint_le(us.peak_inflight, 100);
  grown = us.window;
  for (int i = 0; i < 40; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "sf%d.example", i);
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  for (int i = 0; i < 40; i++)
    ck_assert_int_eq(k[i].st, DV_DNS_SERVFAIL);
  ck_assert_int_eq(dv_resolver_upstream_get(r, 0, &us), 0);
  ck_assert_uint_eq(us.servfails, 40);
  ck_assert_uint_le(us.window, grown / 2);
  dv_resolver_free(r);
  srv_stop(&s, l);
  dv_loop_free(l);
  free(k);
}
END_TEST

/* Two upstreams, one never answers: every question is answered (retried on
 * the good one), the blackhole is skipped after a few timeouts. */
START_TEST(t_blackhole)
{
  enum { N = 200 };
  dv_loop *l = dv_loop_new();
  fake_srv good, hole;
  char csv[96];
  asker *k = calloc(N, sizeof(*k));
  dv_resolver *r;
  dv_resolver_upstream_stats ug, uh;
  dv_resolver_stats st;
  ck_assert_ptr_nonnull(k);
  srv_start(&hole, l, 1);
  srv_start(&good, l, 0);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d,127.0.0.1:%d", hole.port, good.port);
  r = mk(l, csv, 0, 0, 0, 0, 1000, 2);
  dv_loop_deadline_set(l, 10000);
  for (int i = 0; i < N; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "bh%d.example", i);
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  for (int i = 0; i < N; i++) {
    ck_assert_int_eq(k[i].calls, 1);
    ck_assert_int_eq(k[i].st, DV_DNS_OK);
  }
  dv_resolver_stats_get(r, &st);
  ck_assert_uint_eq(st.nupstreams, 2);
  ck_assert_int_eq(dv_resolver_upstream_get(r, 0, &uh), 0);
  ck_assert_int_eq(dv_resolver_upstream_get(r, 1, &ug), 0);
  ck_assert_uint_ge(uh.deaths, 1);
  ck_assert_uint_eq(uh.answered, 0);
  ck_assert_uint_le(uh.sent, 2 * DV_RESOLVER_INITIAL_WINDOW);
  ck_assert_uint_eq(ug.answered, N);
  ck_assert_uint_eq(st.retries, uh.sent);
  dv_resolver_free(r);
  srv_stop(&good, l);
  srv_stop(&hole, l);
  dv_loop_free(l);
  free(k);
}
END_TEST

/* Only a blackhole, a 500 ms deadline, 300 ms tries, 5 tries allowed: the
 * run ends at the deadline, every asker hears once (timed out or
 * cancelled), and no question got more than the 2 tries that fit. */
START_TEST(t_deadline)
{
  enum { N = 20 };
  dv_loop *l = dv_loop_new();
  fake_srv hole;
  char csv[64];
  asker k[N];
  dv_resolver *r;
  dv_resolver_stats st;
  int64_t t0;
  memset(k, 0, sizeof(k));
  srv_start(&hole, l, 1);
  snprintf(csv, sizeof(csv), "127.0.0.1:%d", hole.port);
  r = mk(l, csv, 0, 0, 0, 0, 300, 5);
  dv_loop_deadline_set(l, 500);
  t0 = dv_loop_now_ms();
  for (int i = 0; i < N; i++) {
    snprintf(k[i].name, sizeof(k[i].name), "d%d.example", i);
    ask(r, &k[i], DV_T_A);
  }
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_DEADLINE);
  ck_assert_int_lt(dv_loop_now_ms() - t0, 900);
  for (int i = 0; i < N; i++) {
    ck_assert_int_eq(k[i].calls, 1);
    ck_assert(k[i].st == DV_DNS_CANCELLED || k[i].st == DV_DNS_TIMEOUT);
  }
  dv_resolver_stats_get(r, &st);
  ck_assert_uint_le(st.sent, 2 * N);
  dv_resolver_free(r);
  srv_stop(&hole, l);
  dv_loop_free(l);
}
END_TEST

Suite *suite_resolver(void)
{
  Suite *s = suite_create("resolver");
  TCase *tc = tcase_create("resolver");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, t_coalesce_case);
  tcase_add_test(tc, t_collisions);
  tcase_add_test(tc, t_eviction);
  tcase_add_test(tc, t_evict_in_callback);
  tcase_add_test(tc, t_window_one);
  tcase_add_test(tc, t_window_aimd);
  tcase_add_test(tc, t_blackhole);
  tcase_add_test(tc, t_deadline);
  suite_add_tcase(s, tc);
  return s;
}
