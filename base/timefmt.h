/* dvcheck -- times as text. */
#ifndef DV_BASE_TIMEFMT_H
#define DV_BASE_TIMEFMT_H

#include <stddef.h>
#include <time.h>

/* t as ISO 8601 UTC, "2026-12-01T22:48:58Z" (DV_TIME_SECONDS), with
 * milliseconds "2026-12-01T22:48:58.000Z" (DV_TIME_MILLIS, as Security Hub
 * wants), or the date alone "2026-12-01" (DV_TIME_DATE). Writes "?" when t
 * cannot be shown. Returns buf. */
typedef enum { DV_TIME_SECONDS, DV_TIME_MILLIS, DV_TIME_DATE } dv_time_form;
char *dv_time_iso(time_t t, dv_time_form form, char *buf, size_t len);

/* The same for a broken-down UTC time (from OpenSSL's ASN1_TIME_to_tm). */
char *dv_time_iso_tm(const struct tm *tm, dv_time_form form, char *buf,
                     size_t len);

#endif
