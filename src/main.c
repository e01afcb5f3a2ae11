/* dvcheck -- entry point: parse, dispatch, clean up. */
#include "config.h"

#include <ares.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "report.h"
#include "tool_getparam.h"
#include "tool_help.h"
#include "tool_operate.h"

int main(int argc, char **argv)
{
  dv_cfg cfg;
  char msg[512];
  int rc = DV_EXIT_UNKNOWN;
  dv_param_status st;

  signal(SIGPIPE, SIG_IGN);
  st = dv_getparam(argc, argv, &cfg, msg, sizeof(msg));
  switch (st) {
  case DV_PARAM_OK:
    break;
  case DV_PARAM_HELP:
    dv_help_print(stdout, cfg.command);
    dv_cfg_free(&cfg);
    return DV_EXIT_OK;
  case DV_PARAM_VERSION:
    dv_version_print(stdout);
    dv_cfg_free(&cfg);
    return DV_EXIT_OK;
  default:
    dv_error("%s", msg[0] ? msg : dv_param_status_str(st));
    fprintf(stderr, "Try 'dvcheck --help'.\n");
    dv_cfg_free(&cfg);
    return DV_EXIT_UNKNOWN;
  }
  dv_report_color_init(&cfg);
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS ||
      curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    dv_error("cannot initialise the network libraries");
    dv_cfg_free(&cfg);
    return DV_EXIT_UNKNOWN;
  }
  if (strcmp(cfg.command, "email") == 0)
    rc = dv_cmd_email(&cfg);
  else if (strcmp(cfg.command, "dns") == 0)
    rc = dv_cmd_dns(&cfg);
  else if (strcmp(cfg.command, "preflight") == 0)
    rc = dv_cmd_preflight(&cfg);
  else if (strcmp(cfg.command, "whois") == 0)
    rc = dv_cmd_whois(&cfg);
  else if (strcmp(cfg.command, "explain") == 0)
    rc = dv_cmd_explain(&cfg);
  else if (strcmp(cfg.command, "cert") == 0)
    rc = dv_cmd_cert(&cfg);
  else if (strcmp(cfg.command, "certs") == 0)
    rc = dv_cmd_certs(&cfg);
  if (fflush(stdout) != 0 && rc != DV_EXIT_UNKNOWN)
    rc = DV_EXIT_UNKNOWN;
  dv_names_cleanup();
  curl_global_cleanup();
  ares_library_cleanup();
  dv_cfg_free(&cfg);
  return rc;
}
