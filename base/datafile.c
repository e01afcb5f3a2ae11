/* dvcheck -- shipped data files. See datafile.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "base/datafile.h"

int dv_data_path(const char *file, char *out, size_t outlen)
{
  const char *env = getenv("DVCHECK_DATADIR");
  const char *dirs[3] = {env, DV_PKGDATADIR, DV_SRCDATADIR};
  struct stat sb;
  for (int i = 0; i < 3; i++) {
    if (!dirs[i] || !*dirs[i])
      continue;
    snprintf(out, outlen, "%s/%s", dirs[i], file);
    if (stat(out, &sb) == 0)
      return 0;
    if (i == 0)
      return -1; /* an explicit DVCHECK_DATADIR must hold the file */
  }
  return -1;
}
