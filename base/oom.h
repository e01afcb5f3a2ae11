/* dvcheck -- allocation failures that a lower layer absorbed (a DNS answer
 * that could not be kept reads as a failed lookup) are noted here, so the
 * command layer can make the run's verdict "unknown" (exit 3) instead of
 * reporting what the missing memory made up. */
#ifndef DV_BASE_OOM_H
#define DV_BASE_OOM_H

/* An allocation failed and was turned into an error of the operation. */
void dv_oom_note(void);
/* 1 once dv_oom_note was called in this process. */
int dv_oom_seen(void);

#endif
