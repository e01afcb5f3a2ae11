/* dvcheck -- --format openmetrics: a command's results as metrics in the
 * Prometheus text exposition format (0.0.4), for node_exporter's textfile
 * collector (write the file with --output). Only gauges, no timestamps,
 * every family contiguous with # HELP and # TYPE, and a closing "# EOF",
 * so the same text also parses as OpenMetrics. Label values are bounded:
 * names checked, certificate ARNs, regions, catalogue codes, severities
 * and states -- never a finding's text. Every metric is in doc/metrics.md. */
#ifndef DV_REPORT_METRICS_H
#define DV_REPORT_METRICS_H

#include <jansson.h>
#include <stdio.h>
#include <time.h>

#include "src/nagios.h"

/* The JSON envelope of a command (report.h: dv_report_envelope) as
 * metrics. duration_s: the run so far; now: the time the run ended.
 * Returns 0, or -1 when memory ran out or writing failed. */
int dv_metrics_print(FILE *out, const json_t *doc, double duration_s,
                     time_t now);

/* `check` (Nagios mode): the plug-in's state, its perfdata and the findings
 * of its long output, for target (the --host, --domain or --arn value).
 * Returns the exit status (the state), or DV_EXIT_UNKNOWN on failure. */
int dv_metrics_check_print(FILE *out, const char *target,
                           const dv_nagios_out *o, double duration_s,
                           time_t now);

#endif
