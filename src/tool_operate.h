/* dvcheck -- the commands. Each returns the process exit status. */
#ifndef DV_TOOL_OPERATE_H
#define DV_TOOL_OPERATE_H

#include "src/tool_cfg.h"

int dv_cmd_email(dv_cfg *cfg);
int dv_cmd_explain(dv_cfg *cfg);
int dv_cmd_dns(dv_cfg *cfg);
int dv_cmd_preflight(dv_cfg *cfg);
int dv_cmd_whois(dv_cfg *cfg);
int dv_cmd_cert(dv_cfg *cfg);
int dv_cmd_certs(dv_cfg *cfg);
int dv_cmd_endpoint(dv_cfg *cfg);
int dv_cmd_check(dv_cfg *cfg);
int dv_cmd_expiry(dv_cfg *cfg);
int dv_cmd_audit(dv_cfg *cfg);

#endif
