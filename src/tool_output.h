/* dvcheck -- --output FILE: standard output goes to a temporary file in
 * FILE's directory, renamed over FILE when the run ends (atomic for readers
 * such as node_exporter's textfile collector). */
#ifndef DV_TOOL_OUTPUT_H
#define DV_TOOL_OUTPUT_H

typedef enum {
  DV_OUTPUT_OK = 0,
  DV_OUTPUT_NOMEM,
  DV_OUTPUT_CREATE, /* the temporary file could not be made */
  DV_OUTPUT_WRITE,  /* writing, syncing or renaming failed */
  DV_OUTPUT_EMPTY   /* nothing was written: FILE left as it was */
} dv_output_status;

const char *dv_output_status_str(dv_output_status st);

typedef struct {
  char *path;   /* FILE */
  char *tmp;    /* FILE's directory/.FILE.XXXXXX */
  int saved_fd; /* the original standard output */
} dv_output;

/* Point standard output at a new temporary file beside path. On error,
 * err holds the system's reason. */
dv_output_status dv_output_begin(dv_output *o, const char *path, char *err,
                                 size_t errlen);
/* Flush, sync and rename the temporary file over path (unless nothing was
 * written: then it is removed), and give standard output back. */
dv_output_status dv_output_end(dv_output *o, char *err, size_t errlen);

#endif
