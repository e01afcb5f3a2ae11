/* dvcheck -- the one poll() event loop that owns all I/O.
 *
 * Modules register file descriptors (c-ares sockets, libcurl sockets, raw
 * WHOIS/SMTP TCP sockets) and timers; dv_loop_run() polls until no module
 * holds a reference any more, or the run's deadline passes. Nothing blocks.
 */
#ifndef DV_LOOP_H
#define DV_LOOP_H

#include <stdint.h>

typedef struct dv_loop dv_loop;

typedef enum {
  DV_LOOP_OK = 0,   /* all work finished */
  DV_LOOP_DEADLINE, /* the run's deadline passed with work outstanding */
  DV_LOOP_NOMEM,
  DV_LOOP_EPOLL,      /* poll() itself failed */
  DV_LOOP_INTERRUPTED /* SIGINT/SIGTERM: work cancelled as at the deadline */
} dv_loop_status;

/* The run was cut short -- the deadline passed or a signal arrived -- and
 * the outstanding work was cancelled (it reported itself as cancelled). */
static inline int dv_loop_cut(dv_loop_status st)
{
  return st == DV_LOOP_DEADLINE || st == DV_LOOP_INTERRUPTED;
}

/* Called with the poll() revents of fd (POLLIN/POLLOUT/POLLERR/POLLHUP). */
typedef void (*dv_io_cb)(void *arg, int fd, short revents);
typedef void (*dv_timer_cb)(void *arg);

/* A timer is owned by its module; the loop only links it. */
typedef struct dv_timer {
  int64_t due_ms; /* monotonic; 0 = not armed */
  dv_timer_cb cb;
  void *arg;
  struct dv_timer *next;
} dv_timer;

dv_loop *dv_loop_new(void);
void dv_loop_free(dv_loop *loop);

/* Milliseconds on the monotonic clock. */
int64_t dv_loop_now_ms(void);

/* Set, change or (events == 0) remove interest in fd. */
dv_loop_status dv_loop_io_set(dv_loop *loop, int fd, short events, dv_io_cb cb,
                              void *arg);

/* Arm (or re-arm) a timer to fire after delay_ms; disarm removes it. */
void dv_loop_timer_arm(dv_loop *loop, dv_timer *t, int64_t delay_ms,
                       dv_timer_cb cb, void *arg);
void dv_loop_timer_disarm(dv_loop *loop, dv_timer *t);

/* Outstanding work: the loop runs while the count is above zero. */
void dv_loop_ref(dv_loop *loop);
void dv_loop_unref(dv_loop *loop);

/* The absolute deadline for the whole run, in ms from now. */
void dv_loop_deadline_set(dv_loop *loop, int64_t ms_from_now);
int64_t dv_loop_deadline_left_ms(const dv_loop *loop);

/* Called once when the deadline passes, so modules can cancel their work
 * (their callbacks then run with a "cancelled" status). */
typedef void (*dv_cancel_cb)(void *arg);
dv_loop_status dv_loop_on_deadline(dv_loop *loop, dv_cancel_cb cb, void *arg);

dv_loop_status dv_loop_run(dv_loop *loop);

/* SIGINT/SIGTERM stop the run cleanly: the handler only writes a byte to a
 * self-pipe that every dv_loop_run() polls; the loop then cancels its work
 * as at the deadline and returns DV_LOOP_INTERRUPTED (so does every later
 * run). A second signal kills the process (the handler is reset).
 * Call once, at start-up; returns -1 (errno set) if it could not. */
int dv_loop_signals_catch(void);
/* The signal that interrupted the run, or 0. */
int dv_loop_interrupted(void);

const char *dv_loop_status_str(dv_loop_status st);

#endif
