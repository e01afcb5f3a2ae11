/* dvcheck -- --output FILE, written atomically (see tool_output.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/tool_output.h"

static const char *const output_status_str[] = {
    [DV_OUTPUT_OK] = "ok",
    [DV_OUTPUT_NOMEM] = "out of memory",
    [DV_OUTPUT_CREATE] = "cannot create the temporary output file",
    [DV_OUTPUT_WRITE] = "cannot write the output file",
    [DV_OUTPUT_EMPTY] = "nothing written; the output file is unchanged",
};

const char *dv_output_status_str(dv_output_status st)
{
  if ((unsigned)st < sizeof(output_status_str) / sizeof(output_status_str[0]))
    return output_status_str[st];
  return "unknown output status";
}

dv_output_status dv_output_begin(dv_output *o, const char *path, char *err,
                                 size_t errlen)
{
  const char *slash = strrchr(path, '/');
  size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
  size_t n = strlen(path) + 16;
  int fd = -1;
  dv_output_status st = DV_OUTPUT_NOMEM;

  memset(o, 0, sizeof(*o));
  o->saved_fd = -1;
  err[0] = '\0';
  o->path = strdup(path);
  o->tmp = malloc(n);
  if (!o->path || !o->tmp)
    goto fail;
  /* FILE's directory, then ".NAME.XXXXXX": same file system, so rename is
   * atomic; the leading dot keeps globs such as *.prom from matching it */
  snprintf(o->tmp, n, "%.*s.%s.XXXXXX", (int)dirlen, path, path + dirlen);
  st = DV_OUTPUT_CREATE;
  fd = mkstemp(o->tmp);
  if (fd < 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    free(o->tmp);
    o->tmp = NULL;
    goto fail;
  }
  /* mkstemp makes 0600; the output is an ordinary file */
  {
    mode_t um = umask(0);
    umask(um);
    if (fchmod(fd, 0666 & ~um) < 0) {
      snprintf(err, errlen, "%s", strerror(errno));
      goto fail;
    }
  }
  fflush(stdout);
  o->saved_fd = dup(STDOUT_FILENO);
  if (o->saved_fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    goto fail;
  }
  close(fd);
  return DV_OUTPUT_OK;
fail:
  if (fd >= 0)
    close(fd);
  if (o->tmp)
    unlink(o->tmp);
  if (o->saved_fd >= 0)
    close(o->saved_fd);
  o->saved_fd = -1;
  free(o->tmp);
  free(o->path);
  o->tmp = o->path = NULL;
  return st;
}

dv_output_status dv_output_end(dv_output *o, char *err, size_t errlen)
{
  dv_output_status st = DV_OUTPUT_OK;
  struct stat sb;
  int bad = 0;

  err[0] = '\0';
  if (!o->tmp)
    return DV_OUTPUT_OK;
  if (fflush(stdout) != 0 || ferror(stdout))
    bad = errno ? errno : EIO;
  if (!bad && fsync(STDOUT_FILENO) < 0)
    bad = errno;
  if (!bad && fstat(STDOUT_FILENO, &sb) < 0)
    bad = errno;
  if (o->saved_fd >= 0) {
    dup2(o->saved_fd, STDOUT_FILENO);
    close(o->saved_fd);
    o->saved_fd = -1;
  }
  if (bad) {
    snprintf(err, errlen, "%s", strerror(bad));
    unlink(o->tmp);
    st = DV_OUTPUT_WRITE;
  } else if (sb.st_size == 0) {
    unlink(o->tmp);
    st = DV_OUTPUT_EMPTY;
  } else if (rename(o->tmp, o->path) < 0) {
    snprintf(err, errlen, "%s", strerror(errno));
    unlink(o->tmp);
    st = DV_OUTPUT_WRITE;
  }
  free(o->tmp);
  free(o->path);
  o->tmp = o->path = NULL;
  return st;
}
