/* libFuzzer target: credential documents (aws/aws_creds.c) -- a
 * credential_process's stdout (JSON "Version": 1), the container endpoint's
 * and IMDS's credentials JSON, each through the chain's own reply handler
 * (expiration checks included), and the ISO 8601 time parser. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "aws/aws_creds.h"
#include "base/loop.h"

static dv_loop *loop;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  (void)argc;
  (void)argv;
  if (!(loop = dv_loop_new()))
    abort();
  return 0;
}

static void done(void *arg, dv_aws_creds *c)
{
  int *called = arg;
  (*called)++;
  /* what a caller reads of it */
  if (c->status == DV_AWS_CREDS_OK && !c->access_key_id)
    abort();
  (void)dv_aws_creds_status_str(c->status);
  (void)dv_aws_source_str(c->source);
  fuzz_printable(c->error);
  dv_aws_creds_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const dv_aws_reply_kind kinds[] = {
      DV_AWS_REPLY_PROCESS, DV_AWS_REPLY_CONTAINER, DV_AWS_REPLY_IMDS};
  char *body = fuzz_cstr(data, size); /* bodies arrive NUL-terminated */
  time_t t;

  for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
    int called = 0;
    if (dv_aws_creds_reply_parse(loop, kinds[i], body, size, done, &called) < 0)
      abort();
    if (called != 1) /* the callback runs exactly once */
      abort();
  }
  free(body);
  body = fuzz_cstr_nul(data, size);
  (void)dv_aws_time_parse(body, &t);
  free(body);
  return 0;
}
