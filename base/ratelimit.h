/* dvcheck -- token bucket for client-side rate limits (WHOIS servers, the
 * ACM API quotas). Pure: the caller keeps the state and arms a dv_loop
 * timer for the returned delay. */
#ifndef DV_RATELIMIT_H
#define DV_RATELIMIT_H

#include <stdint.h>

typedef struct {
  double tokens;   /* start with the burst: dv_bucket_init */
  int64_t last_ms; /* monotonic ms of the last refill */
  double rate_per_min;
  double burst;
} dv_bucket;

void dv_bucket_init(dv_bucket *b, double rate_per_min, double burst,
                    int64_t now_ms);

/* Refill TOKENS (at most BURST) at RATE per minute for the ms since
 * *LAST_MS (updated to NOW_MS). Takes a token and returns 0 when one is
 * available, else the ms until one will be (INT64_MAX for rate 0). */
int64_t dv_bucket_take_raw(double *tokens, int64_t *last_ms, int64_t now_ms,
                           double rate_per_min, double burst);
int64_t dv_bucket_take(dv_bucket *b, int64_t now_ms);

#endif
