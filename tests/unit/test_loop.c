/* Unit tests: the event loop's timers, refs and deadline. */
#include "config.h"

#include <unistd.h>

#include "base/loop.h"
#include "unit.h"

static int fired;

static void on_timer(void *arg)
{
  dv_loop *l = arg;
  fired++;
  dv_loop_unref(l);
}

START_TEST(t_timer)
{
  dv_loop *l = dv_loop_new();
  dv_timer t = {0};
  fired = 0;
  dv_loop_ref(l);
  dv_loop_timer_arm(l, &t, 10, on_timer, l);
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  ck_assert_int_eq(fired, 1);
  dv_loop_free(l);
}
END_TEST

static int cancelled;
static void on_cancel(void *arg)
{
  (void)arg;
  cancelled++;
}

START_TEST(t_deadline)
{
  dv_loop *l = dv_loop_new();
  int64_t t0 = dv_loop_now_ms();
  cancelled = 0;
  dv_loop_ref(l); /* work that never finishes */
  dv_loop_deadline_set(l, 50);
  dv_loop_on_deadline(l, on_cancel, NULL);
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_DEADLINE);
  ck_assert_int_eq(cancelled, 1);
  ck_assert_int_lt(dv_loop_now_ms() - t0, 2000);
  dv_loop_free(l);
}
END_TEST

static void on_read(void *arg, int fd, short ev)
{
  dv_loop *l = arg;
  char c;
  (void)ev;
  ck_assert_int_eq(read(fd, &c, 1), 1);
  dv_loop_io_set(l, fd, 0, NULL, NULL);
  dv_loop_unref(l);
}

START_TEST(t_io)
{
  dv_loop *l = dv_loop_new();
  int p[2];
  ck_assert_int_eq(pipe(p), 0);
  ck_assert_int_eq(write(p[1], "x", 1), 1);
  dv_loop_ref(l);
  dv_loop_io_set(l, p[0], 1 /* POLLIN */, on_read, l);
  ck_assert_int_eq(dv_loop_run(l), DV_LOOP_OK);
  close(p[0]);
  close(p[1]);
  dv_loop_free(l);
}
END_TEST

Suite *suite_loop(void)
{
  Suite *s = suite_create("loop");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, t_timer);
  tcase_add_test(tc, t_deadline);
  tcase_add_test(tc, t_io);
  suite_add_tcase(s, tc);
  return s;
}
