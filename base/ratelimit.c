/* dvcheck -- token bucket. See ratelimit.h. */
#include "config.h"

#include "base/ratelimit.h"

void dv_bucket_init(dv_bucket *b, double rate_per_min, double burst,
                    int64_t now_ms)
{
  b->rate_per_min = rate_per_min;
  b->burst = burst < 1 ? 1 : burst;
  b->tokens = b->burst;
  b->last_ms = now_ms;
}

int64_t dv_bucket_take_raw(double *tokens, int64_t *last_ms, int64_t now_ms,
                           double rate_per_min, double burst)
{
  double per_ms = rate_per_min / 60000.0;
  if (burst < 1)
    burst = 1;
  if (now_ms > *last_ms) {
    *tokens += (double)(now_ms - *last_ms) * per_ms;
    if (*tokens > burst)
      *tokens = burst;
  }
  *last_ms = now_ms;
  if (*tokens >= 1.0) {
    *tokens -= 1.0;
    return 0;
  }
  if (per_ms <= 0)
    return INT64_MAX;
  return (int64_t)((1.0 - *tokens) / per_ms) + 1;
}

int64_t dv_bucket_take(dv_bucket *b, int64_t now_ms)
{
  return dv_bucket_take_raw(&b->tokens, &b->last_ms, now_ms, b->rate_per_min,
                            b->burst);
}
