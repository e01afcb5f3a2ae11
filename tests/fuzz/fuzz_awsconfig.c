/* libFuzzer target: the AWS shared files (aws/aws_config.c) -- the
 * configparser-style INI reader, the lookups the credential chain makes,
 * profile section names, and the shlex split of credential_process. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "aws/aws_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char *const keys[] = {"aws_access_key_id",
                                     "aws_secret_access_key",
                                     "region",
                                     "credential_process",
                                     "role_arn",
                                     "source_profile",
                                     "sso_session",
                                     "endpoint_url",
                                     "services"};
  dv_awscfg_file f;
  char err[256], name[256];
  const char *cp;

  memset(&f, 0, sizeof(f));
  err[0] = '\0';
  if (dv_awscfg_parse((const char *)data, size, &f, err, sizeof(err)) !=
      DV_AWSCFG_OK) {
    fuzz_printable(err); /* "line N: reason", never a value */
    return 0;
  }
  for (size_t i = 0; i <= f.nsections; i++) {
    const dv_awscfg_section *s = i < f.nsections ? &f.sections[i] : NULL;
    if (s) {
      (void)dv_awscfg_section_prefixed(s->name, "profile", name, sizeof(name));
      (void)dv_awscfg_section_prefixed(s->name, "services", name, 8);
      (void)dv_awscfg_section_find(&f, s->name);
    }
    for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
      (void)dv_awscfg_get(&f, s, keys[k]);
    (void)dv_awscfg_sub_get(&f, s, "acm", "endpoint_url");
    (void)dv_awscfg_sub_get(&f, s, "s3", "max_concurrent_requests");
    if (s && s->nentries)
      (void)dv_awscfg_sub_get(&f, s, s->entries[0].key,
                              s->entries[0].nested && s->entries[0].nsub
                                  ? s->entries[0].sub[0].key
                                  : "x");
    if ((cp = dv_awscfg_get(&f, s, "credential_process"))) {
      int argc;
      char **argv = dv_shlex_split(cp, &argc);
      free(argv);
    }
  }
  dv_awscfg_free(&f);
  {
    char *s = fuzz_cstr_nul(data, size);
    int argc;
    char **argv = dv_shlex_split(s, &argc);
    free(argv);
    (void)dv_awscfg_section_prefixed(s, "profile", name, sizeof(name));
    free(s);
  }
  return 0;
}
