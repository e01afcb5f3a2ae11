/* dvcheck -- validation records from the command line (--cname RN=RV), the
 * CSV the ACM console exports, or `aws acm describe-certificate` JSON. */
#ifndef DV_TOOL_RECORDS_H
#define DV_TOOL_RECORDS_H

#include <stddef.h>

#include "base/names.h"

typedef struct {
  char cert_name[DV_NAME_LEN]; /* "" if unknown */
  char rname[DV_NAME_LEN];
  char rvalue[DV_NAME_LEN];
} dv_record_in;

typedef struct {
  dv_record_in *v;
  size_t n, cap;
} dv_record_list;

typedef enum {
  DV_RECORDS_OK = 0,
  DV_RECORDS_NOMEM,
  DV_RECORDS_OPEN,
  DV_RECORDS_TOO_BIG,
  DV_RECORDS_SYNTAX, /* detail says where and why */
  DV_RECORDS_EMPTY
} dv_records_status;

const char *dv_records_status_str(dv_records_status st);
/* "RECORD_NAME=RECORD_VALUE" */
dv_records_status dv_records_add_arg(dv_record_list *l, const char *cert,
                                     const char *arg, char *detail,
                                     size_t dlen);
/* CSV or JSON, auto-detected; "-" = stdin. */
dv_records_status dv_records_read_file(dv_record_list *l, const char *path,
                                       char *detail, size_t dlen);
/* The same from memory: buf holds len bytes and a NUL after them; it is
 * modified (the CSV is split in place). */
dv_records_status dv_records_parse(dv_record_list *l, char *buf, size_t len,
                                   char *detail, size_t dlen);
void dv_records_free(dv_record_list *l);

#endif
