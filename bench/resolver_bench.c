/* Benchmark of the DNS layer alone (on demand: make bench/resolver_bench):
 * N names under the lab's wildcard MX zone, each asked MX, then the MX
 * host's A and AAAA (cache hits after the first) and the zone's MX (the
 * candidate walk), by a caller that keeps at most P names in progress, as
 * a streaming command would. Prints names/s, queries, the resolver's
 * counters and the peak RSS.
 *   bench/resolver_bench [--max-inflight N] RESOLVERS NAMES [IN_PROGRESS]
 * e.g. bench/resolver_bench 127.53.0.53 100000 2000; RB_RUN=N: the names
 * of run N again (warm resolver). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/loop.h"
#include "dns/resolver.h"

static dv_resolver *res;
static unsigned long next_name, total, done_names, answers, failed;
static unsigned run_id;

typedef struct {
  int pending;
} name_job;

static void start_next(void);

static void on_answer(void *arg, const dv_dns_answer *a)
{
  name_job *j = arg;
  answers++;
  if (a->status != DV_DNS_OK && a->status != DV_DNS_NODATA)
    failed++;
  if (--j->pending == 0) {
    free(j);
    done_names++;
    start_next();
  }
}

static void start_next(void)
{
  char name[128];
  name_job *j;
  if (next_name >= total)
    return;
  j = calloc(1, sizeof(*j));
  if (!j)
    return;
  snprintf(name, sizeof(name), "rb%u-%lu.bulk.test", run_id, next_name++);
  j->pending = 4;
  dv_resolver_query(res, name, DV_T_MX, on_answer, j);
  dv_resolver_query(res, "bulk.test", DV_T_MX, on_answer, j);
  dv_resolver_query(res, "mx.bulk.test", DV_T_A, on_answer, j);
  dv_resolver_query(res, "mx.bulk.test", DV_T_AAAA, on_answer, j);
}

int main(int argc, char **argv)
{
  dv_loop *loop;
  dv_resolver_opts o;
  dv_resolver_stats st;
  struct rusage ru;
  unsigned long inprog;
  int64_t t0, ms;
  int a = 1;

  dv_resolver_opts_init(&o);
  if (argc > 2 && strcmp(argv[1], "--max-inflight") == 0) {
    o.max_inflight = atoi(argv[2]);
    a = 3;
  }
  if (argc - a < 2) {
    fprintf(stderr,
            "usage: %s [--max-inflight N] RESOLVERS NAMES "
            "[IN_PROGRESS]\n",
            argv[0]);
    return 2;
  }
  o.servers = argv[a];
  o.stats_trace = 1;
  total = strtoul(argv[a + 1], NULL, 10);
  inprog = argc - a > 2 ? strtoul(argv[a + 2], NULL, 10) : 2000;
  /* RB_RUN=N repeats a run's names (a warm resolver) */
  run_id = getenv("RB_RUN") ? (unsigned)atoi(getenv("RB_RUN"))
                            : (unsigned)time(NULL) % 100000;
  loop = dv_loop_new();
  if (!loop || dv_resolver_new(loop, &o, &res) != DV_RESOLVER_OK) {
    fprintf(stderr, "cannot set up the resolver\n");
    return 1;
  }
  dv_loop_deadline_set(loop, 600000);
  t0 = dv_loop_now_ms();
  for (unsigned long i = 0; i < inprog; i++)
    start_next();
  dv_loop_run(loop);
  ms = dv_loop_now_ms() - t0;
  dv_resolver_stats_get(res, &st);
  getrusage(RUSAGE_SELF, &ru);
  printf("%lu names in %lld ms: %.0f names/s; %lu answers (%lu not "
         "ok/nodata), %lu queries sent; cache peak %zu entries / %zu KiB, "
         "%lu evicted; CPU %.2f s; peak RSS %ld KB\n",
         done_names, (long long)ms, ms ? done_names * 1000.0 / ms : 0.0,
         answers, failed, st.sent, st.peak_cached, st.peak_bytes / 1024,
         st.evictions,
         ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
             (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
         ru.ru_maxrss);
  dv_resolver_free(res);
  dv_loop_free(loop);
  return failed ? 1 : 0;
}
