/* dvcheck -- entry point: parse, dispatch, clean up. */
#include "config.h"

#include <ares.h>
#include <curl/curl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/loop.h"
#include "base/names.h"
#include "base/oom.h"
#include "src/report.h"
#include "src/tool_getparam.h"
#include "src/tool_help.h"
#include "src/tool_operate.h"
#include "src/tool_msgs.h"
#include "src/tool_output.h"

/* Nagios mode: invoked as check_dv (argv[0]), or the `check` command. In
 * it, every error is one "DV UNKNOWN - ..." line on stdout. */
static int main_check_mode(int argc, char **argv, char ***nargv)
{
  const char *base = argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;
  base = base ? base + 1 : argc > 0 && argv[0] ? argv[0] : "";
  *nargv = NULL;
  if (strcmp(base, "check_dv") == 0) {
    char **n = calloc((size_t)argc + 2, sizeof(char *));
    if (!n)
      return -1;
    n[0] = argv[0];
    n[1] = (char *)"check";
    for (int i = 1; i < argc; i++)
      n[i + 1] = argv[i];
    *nargv = n;
    return 1;
  }
  /* decided after parsing: the command is "check" (or, if parsing failed
   * before a command was seen, "check" is among the arguments) */
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "check") == 0)
      return 1;
  return 0;
}

int main(int argc, char **argv)
{
  dv_cfg cfg;
  char msg[512];
  int rc = DV_EXIT_UNKNOWN, check_mode;
  char **nargv;
  dv_param_status st;

  signal(SIGPIPE, SIG_IGN);
  /* SIGINT/SIGTERM end the run like the deadline (RUN_INTERRUPTED) */
  (void)dv_loop_signals_catch(); /* if it fails, signals kill as before */
  check_mode = main_check_mode(argc, argv, &nargv);
  if (check_mode < 0) {
    fputs("DV UNKNOWN - out of memory\n", stdout);
    return DV_EXIT_UNKNOWN;
  }
  if (nargv) {
    argv = nargv;
    argc++;
  }
  st = dv_getparam(argc, argv, &cfg, msg, sizeof(msg));
  if (!nargv)
    check_mode = (cfg.command && strcmp(cfg.command, "check") == 0) ||
                 (!cfg.command && check_mode);
  if (check_mode && st != DV_PARAM_OK && st != DV_PARAM_HELP &&
      st != DV_PARAM_VERSION) {
    rc = dv_check_unknown("%s", msg[0] ? msg : dv_param_status_str(st));
    dv_cfg_free(&cfg);
    free(nargv);
    return rc;
  }
  switch (st) {
  case DV_PARAM_OK:
    break;
  case DV_PARAM_HELP:
    dv_help_print(stdout, cfg.command);
    dv_cfg_free(&cfg);
    free(nargv);
    return DV_EXIT_OK;
  case DV_PARAM_VERSION:
    dv_version_print(stdout);
    dv_cfg_free(&cfg);
    free(nargv);
    return DV_EXIT_OK;
  default:
    dv_error("%s", msg[0] ? msg : dv_param_status_str(st));
    fprintf(stderr, "Try 'dvcheck --help'.\n");
    dv_cfg_free(&cfg);
    free(nargv);
    return DV_EXIT_UNKNOWN;
  }
  dv_report_color_init(&cfg);
  dv_report_output_init(&cfg);
  if (ares_library_init(ARES_LIB_INIT_ALL) != ARES_SUCCESS ||
      curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    if (check_mode)
      dv_check_unknown("cannot initialise the network libraries");
    else
      dv_error("cannot initialise the network libraries");
    dv_cfg_free(&cfg);
    free(nargv);
    return DV_EXIT_UNKNOWN;
  }
  {
    const dv_command *c = dv_command_find(cfg.command);
    dv_output out = {0};
    dv_output_status ost = DV_OUTPUT_OK;
    char oerr[256];
    if (cfg.output_file)
      ost = dv_output_begin(&out, cfg.output_file, oerr, sizeof(oerr));
    if (ost != DV_OUTPUT_OK) {
      if (check_mode)
        rc = dv_check_unknown("--output %s: %s%s%s", cfg.output_file,
                              dv_output_status_str(ost), oerr[0] ? ": " : "",
                              oerr);
      else
        dv_error("--output %s: %s%s%s", cfg.output_file,
                 dv_output_status_str(ost), oerr[0] ? ": " : "", oerr);
    } else if (c) /* dv_getparam accepts only commands of the table */
      rc = c->run(&cfg);
    if (fflush(stdout) != 0 && rc != DV_EXIT_UNKNOWN)
      rc = DV_EXIT_UNKNOWN;
    /* an allocation failure a lower layer absorbed (a DNS answer that
     * could not be kept reads as a failed lookup): no verdict. Check mode
     * said so in its one line (nagios.c). */
    if (dv_oom_seen() && rc != DV_EXIT_UNKNOWN) {
      if (!check_mode)
        dv_error("out of memory during the checks: the results are "
                 "incomplete");
      rc = DV_EXIT_UNKNOWN;
    }
    if (ost == DV_OUTPUT_OK && cfg.output_file) {
      ost = dv_output_end(&out, oerr, sizeof(oerr));
      if (ost == DV_OUTPUT_WRITE) {
        dv_error("--output %s: %s%s%s", cfg.output_file,
                 dv_output_status_str(ost), oerr[0] ? ": " : "", oerr);
        rc = DV_EXIT_UNKNOWN;
      } else if (ost == DV_OUTPUT_EMPTY && cfg.verbose)
        dv_error("--output %s: %s", cfg.output_file, dv_output_status_str(ost));
    }
  }
  dv_names_cleanup();
  curl_global_cleanup();
  ares_library_cleanup();
  dv_cfg_free(&cfg);
  free(nargv);
  return rc;
}
