/* dvcheck -- input lists. See tool_input.h. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/tool_input.h"

const char *dv_input_status_str(dv_input_status st)
{
  switch (st) {
  case DV_INPUT_OK:
    return "ok";
  case DV_INPUT_NOMEM:
    return "out of memory";
  case DV_INPUT_OPEN:
    return "cannot read the file";
  case DV_INPUT_TOO_BIG:
    return "file too large (over 4 MiB)";
  case DV_INPUT_TOO_LONG:
    return "line too long (over 4096 bytes)";
  case DV_INPUT_EOF:
    return "end of input";
  case DV_INPUT_AGAIN:
    return "no input yet";
  }
  return "unknown";
}

dv_input_status dv_input_add(dv_input_list *l, const char *s, size_t len,
                             const char *where)
{
  dv_input_item *it;
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 16;
    dv_input_item *n = realloc(l->v, ncap * sizeof(*n));
    if (!n)
      return DV_INPUT_NOMEM;
    l->v = n;
    l->cap = ncap;
  }
  it = &l->v[l->n];
  it->text = malloc(len + 1);
  if (!it->text)
    return DV_INPUT_NOMEM;
  memcpy(it->text, s, len);
  it->text[len] = '\0';
  it->len = len;
  snprintf(it->where, sizeof(it->where), "%s", where);
  l->n++;
  return DV_INPUT_OK;
}

dv_input_status dv_input_slurp(const char *path, size_t max, char **out,
                               size_t *outlen, char *errmsg, size_t errlen)
{
  FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  char *buf = NULL;
  size_t len = 0, cap = 0;
  dv_input_status st = DV_INPUT_OK;

  if (!f) {
    snprintf(errmsg, errlen, "%s", strerror(errno));
    return DV_INPUT_OPEN;
  }
  for (;;) {
    size_t got;
    if (len == cap) {
      size_t ncap = cap ? cap * 2 : 65536;
      char *n;
      if (cap > max) {
        st = DV_INPUT_TOO_BIG;
        goto out;
      }
      n = realloc(buf, ncap + 1);
      if (!n) {
        st = DV_INPUT_NOMEM;
        goto out;
      }
      buf = n;
      cap = ncap;
    }
    got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) {
        snprintf(errmsg, errlen, "%s", strerror(errno));
        st = DV_INPUT_OPEN;
        goto out;
      }
      break;
    }
  }
  if (len > max) {
    st = DV_INPUT_TOO_BIG;
    goto out;
  }
  buf[len] = '\0';
  *out = buf;
  *outlen = len;
  buf = NULL;
out:
  free(buf);
  if (f != stdin)
    fclose(f);
  return st;
}

void dv_input_free(dv_input_list *l)
{
  for (size_t i = 0; i < l->n; i++)
    free(l->v[i].text);
  free(l->v);
  memset(l, 0, sizeof(*l));
}

/* The stream's buffer: a whole line of DV_INPUT_LINE_MAX bytes always fits
 * after compaction, and reads are large enough to be cheap. */
#define STREAM_BUF (64u * 1024u)

dv_input_status dv_input_stream_open(dv_input_stream *s, const char *path,
                                     char *errmsg, size_t errlen)
{
  struct stat st;
  memset(s, 0, sizeof(*s));
  s->fd = -1;
  if (strcmp(path, "-") == 0) {
    s->fd = STDIN_FILENO;
    s->label = "stdin";
  } else {
    s->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (s->fd < 0) {
      snprintf(errmsg, errlen, "%s", strerror(errno));
      return DV_INPUT_OPEN;
    }
    s->own_fd = 1;
    s->label = "file";
  }
  if (fstat(s->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(errmsg, errlen, "%s", strerror(EISDIR));
    dv_input_stream_close(s);
    return DV_INPUT_OPEN;
  }
  s->regular = fstat(s->fd, &st) == 0 && S_ISREG(st.st_mode) &&
               (s->start_pos = (long long)lseek(s->fd, 0, SEEK_CUR)) >= 0;
  s->buf = malloc(STREAM_BUF);
  if (!s->buf) {
    dv_input_stream_close(s);
    return DV_INPUT_NOMEM;
  }
  return DV_INPUT_OK;
}

/* Read once into the buffer (after compacting it). 1 = got bytes or EOF,
 * 0 = would block, -1 = error. */
static int stream_fill(dv_input_stream *s, int nowait, char *errmsg,
                       size_t errlen)
{
  ssize_t got;
  if (s->off) {
    memmove(s->buf, s->buf + s->off, s->len - s->off);
    s->len -= s->off;
    s->off = 0;
  }
  if (s->len == STREAM_BUF) /* only while skipping an over-long line */
    s->len = 0;
  if (nowait && !s->regular) {
    struct pollfd p = {.fd = s->fd, .events = POLLIN};
    if (poll(&p, 1, 0) == 0)
      return 0;
  }
  do
    got = read(s->fd, s->buf + s->len, STREAM_BUF - s->len);
  while (got < 0 && errno == EINTR);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return 0;
    snprintf(errmsg, errlen, "%s", strerror(errno));
    return -1;
  }
  if (got == 0)
    s->eof = 1;
  s->len += (size_t)got;
  return 1;
}

dv_input_status dv_input_stream_next(dv_input_stream *s, int nowait,
                                     const char **text, size_t *len,
                                     size_t *lineno, char *errmsg,
                                     size_t errlen)
{
  for (;;) {
    char *start = s->buf + s->off;
    size_t avail = s->len - s->off;
    char *nl = memchr(start, '\n', avail);
    size_t b, e;
    if (!nl && !s->eof) {
      if (avail > DV_INPUT_LINE_MAX && !s->skipping) {
        /* report the long line once, then drop it up to its newline */
        s->skipping = 1;
        s->lineno++;
        *lineno = s->lineno;
        s->off = s->len;
        return DV_INPUT_TOO_LONG;
      }
      if (s->skipping)
        s->off = s->len;
      switch (stream_fill(s, nowait, errmsg, errlen)) {
      case 0:
        return DV_INPUT_AGAIN;
      case -1:
        return DV_INPUT_OPEN;
      default:
        continue;
      }
    }
    if (!nl && avail == 0)
      return DV_INPUT_EOF;
    /* a whole line: start[0, e) (the last one may lack its newline) */
    e = nl ? (size_t)(nl - start) : avail;
    s->off += nl ? e + 1 : e;
    if (s->skipping) {
      s->skipping = 0;
      continue;
    }
    s->lineno++;
    if (e > DV_INPUT_LINE_MAX) {
      *lineno = s->lineno;
      return DV_INPUT_TOO_LONG;
    }
    b = 0;
    while (b < e && (start[b] == ' ' || start[b] == '\t'))
      b++;
    while (e > b && (start[e - 1] == '\r' || start[e - 1] == ' ' ||
                     start[e - 1] == '\t'))
      e--;
    if (e == b || start[b] == '#')
      continue;
    *text = start + b;
    *len = e - b;
    *lineno = s->lineno;
    return DV_INPUT_OK;
  }
}

int dv_input_stream_rewind(dv_input_stream *s)
{
  if (!s->regular ||
      lseek(s->fd, (off_t)s->start_pos, SEEK_SET) != (off_t)s->start_pos)
    return -1;
  s->off = s->len = 0;
  s->eof = s->skipping = 0;
  s->lineno = 0;
  return 0;
}

void dv_input_stream_close(dv_input_stream *s)
{
  if (s->own_fd && s->fd >= 0)
    close(s->fd);
  free(s->buf);
  memset(s, 0, sizeof(*s));
  s->fd = -1;
}
