/* dvcheck -- poll() event loop. See loop.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "base/loop.h"

typedef struct {
  int fd;
  short events;
  dv_io_cb cb;
  void *arg;
} dv_watch;

typedef struct {
  dv_cancel_cb cb;
  void *arg;
} dv_canceller;

struct dv_loop {
  dv_watch *watch;
  size_t nwatch, capwatch;
  dv_timer *timers; /* unsorted singly linked list; counts are small */
  long refs;
  int64_t deadline_ms; /* 0 = none */
  dv_canceller *cancel;
  size_t ncancel, capcancel;
  int deadline_hit;
};

static const char *const loop_status_str[] = {
    [DV_LOOP_OK] = "ok",
    [DV_LOOP_DEADLINE] = "deadline reached",
    [DV_LOOP_NOMEM] = "out of memory",
    [DV_LOOP_EPOLL] = "poll() failed",
    [DV_LOOP_INTERRUPTED] = "interrupted by a signal",
};

/* Process-wide, as signals are: the first SIGINT/SIGTERM and the self-pipe
 * that wakes poll() (see dv_loop_signals_catch). */
static volatile sig_atomic_t loop_sig;
static int loop_sigpipe[2] = {-1, -1};

static void loop_on_signal(int sig)
{
  int saved = errno;
  if (!loop_sig)
    loop_sig = sig;
  if (loop_sigpipe[1] >= 0) {
    ssize_t w = write(loop_sigpipe[1], "", 1);
    (void)w; /* a full pipe already wakes the loop */
  }
  errno = saved;
}

#ifdef DV_DEBUGBUILD
/* DVCHECK_TEST_SIGTERM_MS=N (debug builds): a SIGTERM N ms after start-up,
 * so scenario tests can interrupt a run (RUN_INTERRUPTED). */
static void loop_test_alarm(int sig)
{
  (void)sig;
  raise(SIGTERM);
}

static void loop_test_signal_arm(void)
{
  const char *v = getenv("DVCHECK_TEST_SIGTERM_MS");
  long ms = v ? strtol(v, NULL, 10) : 0;
  struct itimerval it;
  if (ms <= 0)
    return;
  memset(&it, 0, sizeof(it));
  it.it_value.tv_sec = ms / 1000;
  it.it_value.tv_usec = (ms % 1000) * 1000;
  signal(SIGALRM, loop_test_alarm);
  setitimer(ITIMER_REAL, &it, NULL);
}
#endif

int dv_loop_signals_catch(void)
{
  struct sigaction sa;
  if (loop_sigpipe[0] < 0) {
    if (pipe(loop_sigpipe) < 0)
      return -1;
    for (int i = 0; i < 2; i++) {
      fcntl(loop_sigpipe[i], F_SETFL,
            fcntl(loop_sigpipe[i], F_GETFL) | O_NONBLOCK);
      fcntl(loop_sigpipe[i], F_SETFD, FD_CLOEXEC);
    }
  }
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = loop_on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND; /* a second signal kills, as users expect */
  if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
    return -1;
#ifdef DV_DEBUGBUILD
  loop_test_signal_arm();
#endif
  return 0;
}

int dv_loop_interrupted(void)
{
  return loop_sig;
}

static void loop_sigpipe_drain(void)
{
  char b[64];
  while (loop_sigpipe[0] >= 0 && read(loop_sigpipe[0], b, sizeof(b)) > 0)
    ;
}

const char *dv_loop_status_str(dv_loop_status st)
{
  if ((size_t)st < sizeof(loop_status_str) / sizeof(loop_status_str[0]))
    return loop_status_str[st];
  return "unknown loop status";
}

int64_t dv_loop_now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

dv_loop *dv_loop_new(void)
{
  return calloc(1, sizeof(dv_loop));
}

void dv_loop_free(dv_loop *loop)
{
  if (!loop)
    return;
  free(loop->watch);
  free(loop->cancel);
  free(loop);
}

dv_loop_status dv_loop_io_set(dv_loop *loop, int fd, short events, dv_io_cb cb,
                              void *arg)
{
  size_t i;
  for (i = 0; i < loop->nwatch; i++)
    if (loop->watch[i].fd == fd)
      break;
  if (events == 0) {
    if (i < loop->nwatch) {
      loop->watch[i] = loop->watch[loop->nwatch - 1];
      loop->nwatch--;
    }
    return DV_LOOP_OK;
  }
  if (i == loop->nwatch) {
    if (loop->nwatch == loop->capwatch) {
      size_t ncap = loop->capwatch ? loop->capwatch * 2 : 16;
      dv_watch *n = realloc(loop->watch, ncap * sizeof(*n));
      if (!n)
        return DV_LOOP_NOMEM;
      loop->watch = n;
      loop->capwatch = ncap;
    }
    loop->nwatch++;
  }
  loop->watch[i].fd = fd;
  loop->watch[i].events = events;
  loop->watch[i].cb = cb;
  loop->watch[i].arg = arg;
  return DV_LOOP_OK;
}

void dv_loop_timer_disarm(dv_loop *loop, dv_timer *t)
{
  dv_timer **pp;
  for (pp = &loop->timers; *pp; pp = &(*pp)->next) {
    if (*pp == t) {
      *pp = t->next;
      break;
    }
  }
  t->next = NULL;
  t->due_ms = 0;
}

void dv_loop_timer_arm(dv_loop *loop, dv_timer *t, int64_t delay_ms,
                       dv_timer_cb cb, void *arg)
{
  dv_loop_timer_disarm(loop, t);
  if (delay_ms < 0)
    delay_ms = 0;
  t->due_ms = dv_loop_now_ms() + delay_ms;
  if (t->due_ms == 0)
    t->due_ms = 1;
  t->cb = cb;
  t->arg = arg;
  t->next = loop->timers;
  loop->timers = t;
}

void dv_loop_ref(dv_loop *loop)
{
  loop->refs++;
}

void dv_loop_unref(dv_loop *loop)
{
  if (loop->refs > 0)
    loop->refs--;
}

void dv_loop_deadline_set(dv_loop *loop, int64_t ms_from_now)
{
  loop->deadline_ms = dv_loop_now_ms() + (ms_from_now > 0 ? ms_from_now : 0);
}

int64_t dv_loop_deadline_left_ms(const dv_loop *loop)
{
  int64_t left;
  if (!loop->deadline_ms)
    return INT64_MAX;
  left = loop->deadline_ms - dv_loop_now_ms();
  return left > 0 ? left : 0;
}

dv_loop_status dv_loop_on_deadline(dv_loop *loop, dv_cancel_cb cb, void *arg)
{
  if (loop->ncancel == loop->capcancel) {
    size_t ncap = loop->capcancel ? loop->capcancel * 2 : 4;
    dv_canceller *n = realloc(loop->cancel, ncap * sizeof(*n));
    if (!n)
      return DV_LOOP_NOMEM;
    loop->cancel = n;
    loop->capcancel = ncap;
  }
  loop->cancel[loop->ncancel].cb = cb;
  loop->cancel[loop->ncancel].arg = arg;
  loop->ncancel++;
  return DV_LOOP_OK;
}

/* Fire every timer that is due; a callback may arm or disarm timers. */
static void loop_timers_fire(dv_loop *loop, int64_t now)
{
  int fired;
  do {
    dv_timer *t;
    fired = 0;
    for (t = loop->timers; t; t = t->next) {
      if (t->due_ms <= now) {
        dv_loop_timer_disarm(loop, t);
        t->cb(t->arg);
        fired = 1;
        break; /* the list may have changed */
      }
    }
  } while (fired);
}

static int loop_poll_timeout(const dv_loop *loop, int64_t now)
{
  int64_t next = INT64_MAX;
  const dv_timer *t;
  for (t = loop->timers; t; t = t->next)
    if (t->due_ms < next)
      next = t->due_ms;
  if (loop->deadline_ms && loop->deadline_ms < next)
    next = loop->deadline_ms;
  if (next == INT64_MAX)
    return 1000; /* nothing scheduled: wake up now and then anyway */
  if (next <= now)
    return 0;
  return next - now > 60000 ? 60000 : (int)(next - now);
}

static void loop_deadline_fire(dv_loop *loop)
{
  size_t i;
  loop->deadline_hit = 1;
  for (i = 0; i < loop->ncancel; i++)
    loop->cancel[i].cb(loop->cancel[i].arg);
}

dv_loop_status dv_loop_run(dv_loop *loop)
{
  struct pollfd *pfd = NULL;
  size_t cap = 0;
  dv_loop_status st = DV_LOOP_OK;

  while (loop->refs > 0) {
    size_t i, n = loop->nwatch;
    int64_t now = dv_loop_now_ms();
    int rc;

    if ((loop->deadline_ms && now >= loop->deadline_ms) || loop_sig) {
      if (!loop->deadline_hit)
        loop_deadline_fire(loop);
      /* Let cancelled work report itself (zero-delay delivery timers), but
       * never wait: whatever is still outstanding is abandoned. */
      for (int round = 0; round < 64 && loop->refs > 0; round++)
        loop_timers_fire(loop, dv_loop_now_ms());
      loop->refs = 0;
      st = loop_sig ? DV_LOOP_INTERRUPTED : DV_LOOP_DEADLINE;
      break;
    }
    /* one slot more for the signal self-pipe */
    if (n + 1 > cap) {
      struct pollfd *np = realloc(pfd, (n + 1) * sizeof(*np));
      if (!np) {
        st = DV_LOOP_NOMEM;
        break;
      }
      pfd = np;
      cap = n + 1;
    }
    for (i = 0; i < n; i++) {
      pfd[i].fd = loop->watch[i].fd;
      pfd[i].events = loop->watch[i].events;
      pfd[i].revents = 0;
    }
    pfd[n].fd = loop_sigpipe[0]; /* -1 (ignored by poll) if not caught */
    pfd[n].events = POLLIN;
    pfd[n].revents = 0;
    rc = poll(pfd, n + 1, loop_poll_timeout(loop, now));
    if (rc < 0 && errno != EINTR) {
      st = DV_LOOP_EPOLL;
      break;
    }
    if (rc > 0 && pfd[n].revents) {
      loop_sigpipe_drain();
      continue; /* loop_sig is set: the top of the loop cancels */
    }
    for (i = 0; rc > 0 && i < n; i++) {
      size_t j;
      if (!pfd[i].revents)
        continue;
      /* A callback may have removed or replaced this watch: look it up. */
      for (j = 0; j < loop->nwatch; j++) {
        if (loop->watch[j].fd == pfd[i].fd) {
          loop->watch[j].cb(loop->watch[j].arg, pfd[i].fd, pfd[i].revents);
          break;
        }
      }
    }
    loop_timers_fire(loop, dv_loop_now_ms());
  }
  if (st == DV_LOOP_OK && loop->deadline_hit)
    st = loop_sig ? DV_LOOP_INTERRUPTED : DV_LOOP_DEADLINE;
  free(pfd);
  return st;
}
