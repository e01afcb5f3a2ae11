/* libFuzzer target: the command line (src/tool_getparam.c) and the
 * structured option values behind it -- the input is an argv, words
 * separated by NUL bytes, parsed by dv_getparam (--resolver ADDR[:PORT],
 * --timeout, ranges, regions, ...); then every --connect-to
 * HOST:PORT:CONNECT-HOST:CONNECT-PORT (check/check_smtp.c, as
 * src/tool_probe.c parses them), every argument as a name (src/tool_input.c)
 * and as an ACM ARN, and --resolver on each word. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "aws/acm_client.h"
#include "aws/aws_creds.h"
#include "check/check_smtp.h"
#include "src/tool_cfg.h"
#include "src/tool_getparam.h"
#include "src/tool_input.h"

#define MAXARGS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char *buf = fuzz_cstr(data, size);
  char *argv[MAXARGS + 2];
  int argc = 0;
  dv_cfg cfg, cfg2;
  dv_input_list in;
  char msg[512];
  size_t i = 0;

  argv[argc++] = "dvcheck";
  while (i <= size && argc < MAXARGS + 1) {
    argv[argc++] = buf + i;
    i += strlen(buf + i) + 1;
  }
  argv[argc] = NULL;

  memset(&in, 0, sizeof(in));
  memset(&cfg2, 0, sizeof(cfg2));
  if (dv_getparam(argc, argv, &cfg, msg, sizeof(msg)) != DV_PARAM_OK)
    fuzz_printable(msg); /* printed as it is: the input escaped */
  else {
    for (size_t k = 0; k < cfg.nconnect_tos; k++) {
      dv_connect_to ct;
      (void)dv_connect_to_status_str(
          dv_connect_to_parse(cfg.connect_tos[k], &ct));
    }
    for (size_t k = 0; k < cfg.nargs; k++) {
      dv_acm_arn arn;
      (void)dv_input_add(&in, cfg.args[k], strlen(cfg.args[k]), "argument");
      (void)dv_acm_arn_parse(cfg.args[k], &arn, msg, sizeof(msg));
    }
  }
  for (int k = 1; k < argc; k++) {
    dv_connect_to ct;
    (void)dv_connect_to_parse(argv[k], &ct);
    msg[0] = '\0';
    if (dv_resolver_arg_add(&cfg2, argv[k], msg, sizeof(msg)) < 0)
      fuzz_printable(msg);
    (void)dv_aws_region_valid(argv[k]);
    (void)dv_acm_region_valid(argv[k], "aws");
  }
  dv_input_free(&in);
  dv_cfg_free(&cfg);
  free(buf);
  return 0;
}
