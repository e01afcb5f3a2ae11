/* dvcheck -- absorbed allocation failures. See oom.h. */
#include "config.h"

#include "base/oom.h"

static volatile int oom_seen;

void dv_oom_note(void)
{
  oom_seen = 1;
}

int dv_oom_seen(void)
{
  return oom_seen;
}
