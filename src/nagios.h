/* dvcheck -- Nagios plug-in conventions (the monitoring-plugins development
 * guidelines): threshold ranges, the state from a value and -w/-c, and the
 * output -- one status line "DV STATE - summary | perfdata", then optional
 * long output. Pure functions and a small output builder; no I/O except
 * dv_nagios_print(). */
#ifndef DV_NAGIOS_H
#define DV_NAGIOS_H

#include <stdio.h>

typedef enum {
  DV_NAGIOS_OK = 0,
  DV_NAGIOS_WARNING = 1,
  DV_NAGIOS_CRITICAL = 2,
  DV_NAGIOS_UNKNOWN = 3
} dv_nagios_state;

const char *dv_nagios_state_str(dv_nagios_state st);
/* The worse of two states for a service (CRITICAL > WARNING > UNKNOWN >
 * OK, as the guidelines order them for aggregation). */
dv_nagios_state dv_nagios_state_worst(dv_nagios_state a, dv_nagios_state b);

/* A threshold range: "10" (0..10), "10:" (10..inf), "~:10" (-inf..10),
 * "10:20", "@10:20" (alert inside). Alert when the value lies outside
 * [start, end], or inside it with '@'. Bounds are inclusive. */
typedef struct {
  int set;       /* a range was given */
  int inside;    /* '@' */
  int start_inf; /* start is -infinity ("~") */
  int end_inf;   /* end is +infinity (nothing after ':') */
  double start, end;
  char text[48]; /* as given (validated), for perfdata */
} dv_nagios_range;

/* Parse s; returns 0, or -1 with a reason in why. */
int dv_nagios_range_parse(const char *s, dv_nagios_range *r, char *why,
                          size_t whylen);
/* 1 if v raises an alert under r (never when r is not set). */
int dv_nagios_range_alert(const dv_nagios_range *r, double v);
/* CRITICAL if c alerts, else WARNING if w alerts, else OK. */
dv_nagios_state dv_nagios_state_of(double v, const dv_nagios_range *w,
                                   const dv_nagios_range *c);

/* The plug-in output being built. */
typedef struct {
  dv_nagios_state state;
  char summary[512];
  char perf[1024]; /* space-separated perfdata items */
  char *longtext;  /* lines after the first, '\n'-separated */
  size_t longlen;
  int nomem;
} dv_nagios_out;

void dv_nagios_out_init(dv_nagios_out *o);
void dv_nagios_out_free(dv_nagios_out *o);
/* Set the summary (printf); '|' and control characters are replaced so the
 * status line stays one line and the perfdata stays parseable. */
void dv_nagios_summary(dv_nagios_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append one long-output line (sanitised the same way). */
void dv_nagios_long(dv_nagios_out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append 'label'=value[UOM];warn;crit;min;max. w/c may be NULL or unset;
 * min/max are printed when has_min/has_max. Returns 0, -1 if it does not
 * fit. */
int dv_nagios_perf_add(dv_nagios_out *o, const char *label, double value,
                       const char *uom, const dv_nagios_range *w,
                       const dv_nagios_range *c, int has_min, double min,
                       int has_max, double max);
/* Format a perfdata label: quoted when it holds anything beyond
 * [A-Za-z0-9_.-], with ' doubled and '=' replaced. */
void dv_nagios_label(const char *label, char *out, size_t outlen);
/* A number as perfdata wants it: no exponent, at most 3 decimals. */
void dv_nagios_number(double v, char *out, size_t outlen);

/* The whole output: "DV STATE - summary[ | perf]\n[long...\n]". Returns a
 * malloc'd string, or NULL. */
char *dv_nagios_render(const dv_nagios_out *o);
/* Print it (a fixed UNKNOWN line if rendering fails); returns the exit
 * status (the state). */
int dv_nagios_print(FILE *out, const dv_nagios_out *o);

#endif
