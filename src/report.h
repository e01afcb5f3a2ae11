/* dvcheck -- output shared by every command: colour, safe printing of
 * untrusted text, findings in text and JSON, the JSON envelope, exit codes. */
#ifndef DV_REPORT_H
#define DV_REPORT_H

#include <jansson.h>
#include <stdio.h>

#include "base/json.h"
#include "check/findings.h"
#include "src/tool_cfg.h"

#define DV_JSON_SCHEMA_VERSION 1

/* Decide colour: --no-color, NO_COLOR, and a terminal on stdout. */
void dv_report_color_init(dv_cfg *cfg);

/* Word-wrap text at width, each line prefixed by indent spaces. */
void dv_report_wrap(FILE *out, int indent, int width, const char *text);

/* A coloured severity label (padded to 7). */
void dv_report_sev(FILE *out, const dv_cfg *cfg, dv_severity sev);
/* The verdict label for a whole subject: OK/WARNING/ERROR/FATAL. */
void dv_report_verdict(FILE *out, const dv_cfg *cfg, int any, dv_severity sev);

/* Every finding with its evidence, fix and reference, as text. */
void dv_report_findings_text(FILE *out, const dv_cfg *cfg,
                             const dv_findings *fl);

/* Exit status from the worst severity seen (and whether the run finished). */
int dv_report_exit_code(int any, dv_severity worst, int incomplete);
const char *dv_report_status_word(int exit_code);

/* The versioned envelope: {"schema":1,"tool":"dvcheck",...}. Steals results
 * and returns the document (NULL on allocation failure). */
json_t *dv_report_envelope(const char *command, int exit_code, int deadline_hit,
                           json_t *results);
/* Append item to *arr; on failure drop the whole array (*arr = NULL), so
 * callers can push in a loop and check once. */
void dv_json_push(json_t **arr, json_t *item);
/* Remember --format and when the run started: dv_report_json_emit renders
 * the JSON document as JSON, OpenMetrics (report_metrics.h) or Markdown
 * (report_markdown.h). Called once by main before the command runs. */
void dv_report_output_init(const dv_cfg *cfg);
/* Seconds since dv_report_output_init. */
double dv_report_elapsed_s(void);
/* Wrap results (stolen; NULL means an allocation failed earlier) in the
 * envelope and print it to stdout. Returns exit_code, or DV_EXIT_UNKNOWN
 * after reporting an allocation failure. */
int dv_report_json_emit(const char *command, int exit_code, int deadline_hit,
                        json_t *results);
/* For a command that streams its results (each written as soon as it is
 * complete) but was asked for a format rendered from the whole document
 * (openmetrics: families must be contiguous; markdown: the verdict comes
 * first): hand each result object here (stolen), then call
 * dv_report_collect_end, which emits them as dv_report_json_emit does. */
void dv_report_collect(json_t *result);
int dv_report_collect_end(const char *command, int exit_code, int deadline_hit);
/* Dump a JSON document to out; returns 0 or -1. */
int dv_report_json_print(FILE *out, json_t *doc);
/* --format json written piece by piece, byte for byte what
 * dv_report_json_emit prints (the envelope, then the results): the head
 * (the exit status must be known), each result (index 0 first), then the
 * tail after n results. For commands whose results are held compactly and
 * written one by one (audit, expiry), never built into one document. */
void dv_report_json_head(FILE *out, const char *command, int exit_code,
                         int deadline_hit);
int dv_report_json_item(FILE *out, size_t index, const json_t *result);
int dv_report_json_tail(FILE *out, size_t n);
/* --format jsonl: one object on one line; 0 or -1. The closing line of a
 * run: the envelope's fields and summary (stolen). */
int dv_report_jsonl_put(FILE *out, const json_t *o);
int dv_report_jsonl_end(FILE *out, const char *command, int exit_code,
                        int deadline_hit, json_t *summary);

/* -vv: one line per DNS answer on stderr (a dv_resolver trace hook). */
struct dv_dns_answer;
void dv_report_dns_trace(void *arg, const struct dv_dns_answer *a);

#endif
