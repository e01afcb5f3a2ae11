/* dvcheck -- the commands. Each returns the process exit status. */
#ifndef DV_TOOL_OPERATE_H
#define DV_TOOL_OPERATE_H

#include "tool_cfg.h"

int dv_cmd_email(dv_cfg *cfg);
int dv_cmd_explain(dv_cfg *cfg);

/* Print "dvcheck: error: ..." on stderr (the message is made safe). */
void dv_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
