/* dvcheck -- reading names given on the command line or in a file. */
#ifndef DV_TOOL_INPUT_H
#define DV_TOOL_INPUT_H

#include <stddef.h>

#define DV_INPUT_MAX_BYTES (4u << 20) /* 4 MiB of names is plenty */
#define DV_INPUT_MAX_NAMES 10000

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
  DV_INPUT_OPEN,    /* cannot open/read the file */
  DV_INPUT_TOO_BIG, /* over DV_INPUT_MAX_BYTES */
  DV_INPUT_TOO_MANY /* over DV_INPUT_MAX_NAMES */
} dv_input_status;

const char *dv_input_status_str(dv_input_status st);
dv_input_status dv_input_add(dv_input_list *l, const char *s, size_t len,
                             const char *where);
/* Read all of FILE ("-" = stdin), at most max bytes, into a NUL-terminated
 * buffer the caller frees. errmsg gets strerror() detail on DV_INPUT_OPEN. */
dv_input_status dv_input_slurp(const char *path, size_t max, char **out,
                               size_t *outlen, char *errmsg, size_t errlen);
/* Read FILE ("-" = stdin) one name per line; blank lines and #-comments are
 * skipped. errmsg gets strerror() detail on DV_INPUT_OPEN. */
dv_input_status dv_input_read_file(dv_input_list *l, const char *path,
                                   char *errmsg, size_t errlen);
void dv_input_free(dv_input_list *l);

#endif
