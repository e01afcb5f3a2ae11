/* dvcheck -- a streaming JSON writer: values appended to a dv_buf as they
 * are produced, without building a jansson tree first. The bytes are the
 * ones jansson's json_dumps() writes for the same tree with JSON_INDENT(n)
 * (or JSON_COMPACT) and JSON_ENSURE_ASCII -- members in the order written,
 * the same separators, indentation and string escapes -- so a document can
 * be part streamed, part dumped by jansson (a nested json_t written with
 * dv_jsonw_json) and read as one. Strings follow dv_json_str: text that is
 * not UTF-8 is escaped with the project's rule (base/text.h) first.
 *
 *   dv_jsonw w;
 *   dv_jsonw_init(&w, &buf, 2, 0);
 *   dv_jsonw_obj(&w);
 *   dv_jsonw_key(&w, "name"); dv_jsonw_str(&w, name);
 *   dv_jsonw_key(&w, "ok");   dv_jsonw_bool(&w, 1);
 *   dv_jsonw_end(&w);
 *   if (w.nomem) ...
 */
#ifndef DV_BASE_JSONW_H
#define DV_BASE_JSONW_H

#include <jansson.h>

#include "base/buf.h"

#define DV_JSONW_MAX_DEPTH 32

typedef struct {
  dv_buf *b;
  int indent; /* spaces per level (JSON_INDENT); 0: JSON_COMPACT */
  int base;   /* depth of the first value (it is nested that deep in a
                 document written around it) */
  int level;  /* containers open */
  unsigned char members[DV_JSONW_MAX_DEPTH]; /* the container has some */
  unsigned char in_obj[DV_JSONW_MAX_DEPTH];  /* it is an object */
  int after_key;                             /* a key waits for its value */
  int nomem;                                 /* an append failed */
} dv_jsonw;

/* Write into b (appended to what it holds); indent as above; base: the
 * depth of the value written first (0 for a whole document). */
void dv_jsonw_init(dv_jsonw *w, dv_buf *b, int indent, int base);

/* Open an object / array; dv_jsonw_end closes the innermost one. */
void dv_jsonw_obj(dv_jsonw *w);
void dv_jsonw_arr(dv_jsonw *w);
void dv_jsonw_end(dv_jsonw *w);

/* An object member's key; the next value written is its value. */
void dv_jsonw_key(dv_jsonw *w, const char *k);

void dv_jsonw_str(dv_jsonw *w, const char *s);
void dv_jsonw_int(dv_jsonw *w, long long v);
void dv_jsonw_bool(dv_jsonw *w, int v);
void dv_jsonw_null(dv_jsonw *w);
/* A jansson value, dumped by jansson with the writer's format and placed
 * at the current depth; NULL writes null (as jansson does for a failed
 * member). */
void dv_jsonw_json(dv_jsonw *w, const json_t *v);

#endif
