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
/* Print "DV UNKNOWN - msg" (check mode's only error form); returns 3. */
int dv_check_unknown(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* Find a data file (patterns.conf, ...): DVCHECK_DATADIR, the installed
 * pkgdatadir, or the source tree. Returns 0 and the path, or -1. */
int dv_data_path(const char *file, char *out, size_t outlen);

/* Print "dvcheck: error: ..." on stderr (the message is made safe). */
void dv_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
