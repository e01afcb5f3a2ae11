/* dvcheck -- reading names given on the command line or in a file. */
#ifndef DV_TOOL_INPUT_H
#define DV_TOOL_INPUT_H

#include <stddef.h>

#define DV_INPUT_MAX_BYTES (4u << 20) /* slurped files (records, WHOIS) */
#define DV_INPUT_LINE_MAX  4096       /* one line of a names file (-f) */

typedef struct {
  char *text; /* the raw bytes of one input item (may contain NULs) */
  size_t len;
  char where[64]; /* "argument 2" or "line 17" for messages */
} dv_input_item;

typedef struct {
  dv_input_item *v;
  size_t n, cap;
} dv_input_list;

typedef enum {
  DV_INPUT_OK = 0,
  DV_INPUT_NOMEM,
  DV_INPUT_OPEN,     /* cannot open/read the file */
  DV_INPUT_TOO_BIG,  /* over DV_INPUT_MAX_BYTES */
  DV_INPUT_TOO_LONG, /* a line over DV_INPUT_LINE_MAX (skipped) */
  DV_INPUT_EOF,      /* no more lines */
  DV_INPUT_AGAIN     /* no complete line yet (would block) */
} dv_input_status;

const char *dv_input_status_str(dv_input_status st);
dv_input_status dv_input_add(dv_input_list *l, const char *s, size_t len,
                             const char *where);
/* Read all of FILE ("-" = stdin), at most max bytes, into a NUL-terminated
 * buffer the caller frees. errmsg gets strerror() detail on DV_INPUT_OPEN. */
dv_input_status dv_input_slurp(const char *path, size_t max, char **out,
                               size_t *outlen, char *errmsg, size_t errlen);
void dv_input_free(dv_input_list *l);

/* A names file (-f FILE, "-" = stdin) read incrementally, one line at a
 * time, in a fixed buffer: any number of lines in bounded memory. Blank
 * lines and #-comments are skipped; leading/trailing blanks and a CR are
 * trimmed. Nothing here blocks when asked not to: a pipe or terminal is
 * polled before each read. */
typedef struct {
  int fd;
  int own_fd;          /* opened here (not stdin) */
  int regular;         /* a regular file: it can be read twice (rewind) */
  long long start_pos; /* its offset when opened */
  int eof;
  int skipping; /* inside an over-long line: drop bytes until '\n' */
  char *buf;
  size_t off, len;   /* unread bytes are buf[off, len) */
  size_t lineno;     /* of the line returned last */
  const char *label; /* "file" or "stdin", for "file line 7" */
} dv_input_stream;

/* Open path ("-" = standard input). errmsg gets strerror() detail on
 * DV_INPUT_OPEN. */
dv_input_status dv_input_stream_open(dv_input_stream *s, const char *path,
                                     char *errmsg, size_t errlen);
/* The next name line: text and len point into the stream's buffer (valid
 * until the next call), *lineno is its line number. Returns DV_INPUT_OK,
 * DV_INPUT_EOF, DV_INPUT_TOO_LONG (that line, number in *lineno, is
 * dropped; call again for the next), DV_INPUT_AGAIN (nowait and no whole
 * line is available without blocking), DV_INPUT_OPEN (read error, errmsg)
 * or DV_INPUT_NOMEM. */
dv_input_status dv_input_stream_next(dv_input_stream *s, int nowait,
                                     const char **text, size_t *len,
                                     size_t *lineno, char *errmsg,
                                     size_t errlen);
/* Back to the first line (regular files only; -1 otherwise). */
int dv_input_stream_rewind(dv_input_stream *s);
void dv_input_stream_close(dv_input_stream *s);

#endif
