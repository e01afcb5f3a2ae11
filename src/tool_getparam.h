/* dvcheck -- command-line parsing. */
#ifndef DV_TOOL_GETPARAM_H
#define DV_TOOL_GETPARAM_H

#include "src/tool_cfg.h"

typedef enum {
  DV_PARAM_OK = 0,
  DV_PARAM_HELP,    /* --help given: print help, exit 0 */
  DV_PARAM_VERSION, /* --version given */
  DV_PARAM_UNKNOWN_OPTION,
  DV_PARAM_MISSING_ARG,
  DV_PARAM_BAD_ARG,
  DV_PARAM_NO_COMMAND,
  DV_PARAM_UNKNOWN_COMMAND,
  DV_PARAM_NOMEM
} dv_param_status;

const char *dv_param_status_str(dv_param_status st);

/* Parse argv into cfg. On error, msg gets a one-line explanation. Options
 * may stand before or after the command; "--" ends option parsing. */
dv_param_status dv_getparam(int argc, char **argv, dv_cfg *cfg, char *msg,
                            size_t msglen);
void dv_cfg_free(dv_cfg *cfg);

/* Validate "ADDR[:PORT]" and append it in c-ares csv form. */
int dv_resolver_arg_add(dv_cfg *cfg, const char *arg, char *msg, size_t msglen);

#endif
