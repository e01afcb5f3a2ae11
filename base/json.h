/* dvcheck -- reading values out of jansson documents from untrusted peers
 * (ACM, STS, RDAP, credential endpoints): absent or mistyped members read
 * as empty, and numbers that stand for times are range-checked before they
 * become a time_t (a hostile 1e300 must not be undefined behaviour). */
#ifndef DV_BASE_JSON_H
#define DV_BASE_JSON_H

#include <jansson.h>
#include <time.h>

/* The latest time dvcheck accepts from a peer: 9999-12-31T23:59:59Z. */
#define DV_JSON_TIME_MAX 253402300799.0

/* o[k] as a string; "" when o is not an object, k is absent or not a
 * string. Never NULL. */
const char *dv_json_get_str(const json_t *o, const char *k);

/* o[k] as epoch seconds (a JSON number, as the AWS JSON protocols send
 * timestamps): 0 and *t set when it is a number in [0, DV_JSON_TIME_MAX];
 * -1 otherwise (absent, not a number, NaN, out of range). */
int dv_json_get_time(const json_t *o, const char *k, time_t *t);

/* o[k] as a number of seconds from now (may be negative): 0 and *left set
 * when o[k] is a time dv_json_get_time accepts; -1 otherwise. */
int dv_json_get_left(const json_t *o, const char *k, time_t now, double *left);

/* A jansson parse error's reason for a message: its text without
 * jansson's " near '...'" (that quotes the input: a credential_process's
 * secret, or terminal escapes from a hostile file), escaped. The caller
 * adds e->line / e->column. Returns out. */
char *dv_json_error_reason(const json_error_t *e, char *out, size_t outlen);

/* A JSON string that never fails on odd bytes (not UTF-8): they are
 * escaped first (base/text.h). NULL only when memory runs out. */
json_t *dv_json_str(const char *s);

#endif
