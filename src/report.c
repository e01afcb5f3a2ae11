/* dvcheck -- shared output. See report.h. */
#include "config.h"

#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "base/text.h"
#include "dns/resolver.h"
#include "base/names.h"
#include "src/report.h"
#include "src/report_markdown.h"
#include "src/report_metrics.h"

#define C_RESET   "\033[0m"
#define C_BOLD    "\033[1m"
#define C_RED     "\033[31m"
#define C_YELLOW  "\033[33m"
#define C_GREEN   "\033[32m"
#define C_BLUE    "\033[34m"
#define C_MAGENTA "\033[35m"

void dv_report_color_init(dv_cfg *cfg)
{
  const char *nc = getenv("NO_COLOR");
  cfg->color =
      !cfg->no_color && !(nc && nc[0]) && !cfg->json && isatty(STDOUT_FILENO);
}

void dv_report_wrap(FILE *out, int indent, int width, const char *text)
{
  const char *p = text;
  while (*p) {
    int col = indent;
    const char *line_end = p, *q = p;
    /* take words while they fit */
    while (*q) {
      const char *w = q;
      while (*w && *w != ' ')
        w++;
      if (col + (w - q) > width && line_end != p)
        break;
      col += (int)(w - q) + 1;
      line_end = w;
      q = w;
      while (*q == ' ')
        q++;
      if (col > width)
        break;
    }
    fprintf(out, "%*s", indent, "");
    for (const char *c = p; c < line_end;) {
      /* runs of what is kept (catalogue text is ours: UTF-8 such as §
       * too), control bytes dropped */
      const char *run = c;
      while (c < line_end && ((unsigned char)*c >= 0x80 ||
                              ((unsigned char)*c >= 0x20 && *c != 0x7F)))
        c++;
      if (c > run)
        fwrite(run, 1, (size_t)(c - run), out);
      if (c < line_end)
        c++;
    }
    fputc('\n', out);
    p = q;
  }
}

static const char *sev_color(dv_severity sev)
{
  switch (sev) {
  case DV_SEV_INFO:
    return C_BLUE;
  case DV_SEV_WARNING:
    return C_YELLOW;
  case DV_SEV_ERROR:
    return C_RED;
  default:
    return C_BOLD C_MAGENTA;
  }
}

void dv_report_sev(FILE *out, const dv_cfg *cfg, dv_severity sev)
{
  if (cfg->color)
    fprintf(out, "%s%-7s%s", sev_color(sev), dv_severity_str(sev), C_RESET);
  else
    fprintf(out, "%-7s", dv_severity_str(sev));
}

void dv_report_verdict(FILE *out, const dv_cfg *cfg, int any, dv_severity sev)
{
  const char *word = "OK", *col = C_GREEN;
  if (any && sev == DV_SEV_WARNING)
    word = "WARNING", col = C_YELLOW;
  else if (any && sev == DV_SEV_ERROR)
    word = "ERROR", col = C_RED;
  else if (any && sev == DV_SEV_FATAL)
    word = "FATAL", col = C_BOLD C_MAGENTA;
  if (cfg->color)
    fprintf(out, "%s%s%s%s", C_BOLD, col, word, C_RESET);
  else
    fputs(word, out);
}

void dv_report_findings_text(FILE *out, const dv_cfg *cfg,
                             const dv_findings *fl)
{
  /* Problems first (worst first), then information. */
  for (int sev = DV_SEV_FATAL; sev >= DV_SEV_INFO; sev--) {
    for (size_t i = 0; i < fl->n; i++) {
      const dv_finding *f = &fl->v[i];
      const dv_catalogue_entry *e = dv_catalogue_get(f->code);
      if ((int)e->severity != sev)
        continue;
      fputs("  ", out);
      dv_report_sev(out, cfg, e->severity);
      fprintf(out, " %s  ", e->id);
      dv_text_fput(out, f->subject, strlen(f->subject));
      fputc('\n', out);
      dv_report_wrap(out, 12, 78, e->title);
      for (size_t j = 0; j < f->nev; j++) {
        fprintf(out, "%12s", "");
        dv_text_fput(out, f->ev[j].key, strlen(f->ev[j].key));
        fputs(": ", out);
        dv_text_fput(out, f->ev[j].value, strlen(f->ev[j].value));
        fputc('\n', out);
      }
      if (e->severity >= DV_SEV_WARNING || cfg->verbose) {
        fprintf(out, "%12sfix:\n", "");
        dv_report_wrap(out, 14, 78, e->fix);
        fprintf(out, "%12sref: %s\n", "", e->reference);
      }
    }
  }
}

int dv_report_exit_code(int any, dv_severity worst, int incomplete)
{
  if (incomplete)
    return DV_EXIT_UNKNOWN;
  if (!any || worst == DV_SEV_INFO)
    return DV_EXIT_OK;
  if (worst == DV_SEV_WARNING)
    return DV_EXIT_WARNING;
  return DV_EXIT_FAILURE;
}

const char *dv_report_status_word(int exit_code)
{
  switch (exit_code) {
  case DV_EXIT_OK:
    return "ok";
  case DV_EXIT_WARNING:
    return "warning";
  case DV_EXIT_FAILURE:
    return "failure";
  default:
    return "unknown";
  }
}

json_t *dv_report_envelope(const char *command, int exit_code, int deadline_hit,
                           json_t *results)
{
  return json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:b, s:o}", "schema",
                   DV_JSON_SCHEMA_VERSION, "tool", "dvcheck", "version",
                   PACKAGE_VERSION, "command", command, "status",
                   dv_report_status_word(exit_code), "exit_code", exit_code,
                   "deadline_hit", deadline_hit, "results", results);
}

void dv_json_push(json_t **arr, json_t *item)
{
  if (!*arr) {
    json_decref(item);
    return;
  }
  if (!item || json_array_append_new(*arr, item) < 0) {
    json_decref(*arr);
    *arr = NULL;
  }
}

/* --format and the start of the run, for the formats built from the JSON
 * document (dv_report_output_init) */
static dv_format report_format = DV_FORMAT_JSON;
static struct timespec report_t0;

void dv_report_output_init(const dv_cfg *cfg)
{
  report_format = cfg->format;
  clock_gettime(CLOCK_MONOTONIC, &report_t0);
}

double dv_report_elapsed_s(void)
{
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)(t.tv_sec - report_t0.tv_sec) +
         (double)(t.tv_nsec - report_t0.tv_nsec) / 1e9;
}

static json_t *report_collected; /* dv_report_collect */
static int report_collect_failed;

void dv_report_collect(json_t *result)
{
  if (!report_collected && !report_collect_failed)
    report_collected = json_array();
  dv_json_push(&report_collected, result); /* NULL: memory ran out */
  if (!report_collected)
    report_collect_failed = 1;
}

int dv_report_collect_end(const char *command, int exit_code, int deadline_hit)
{
  json_t *arr = report_collect_failed ? NULL
                : report_collected    ? report_collected
                                      : json_array();
  report_collected = NULL;
  report_collect_failed = 0;
  return dv_report_json_emit(command, exit_code, deadline_hit, arr);
}

int dv_report_json_emit(const char *command, int exit_code, int deadline_hit,
                        json_t *results)
{
  int wr;
  json_t *doc =
      results ? dv_report_envelope(command, exit_code, deadline_hit, results)
              : NULL;
  if (!doc) {
    fputs("dvcheck: error: out of memory building JSON\n", stderr);
    return DV_EXIT_UNKNOWN;
  }
  if (report_format == DV_FORMAT_OPENMETRICS)
    wr = dv_metrics_print(stdout, doc, dv_report_elapsed_s(), time(NULL));
  else if (report_format == DV_FORMAT_MARKDOWN)
    wr = dv_markdown_print(stdout, doc);
  else
    wr = dv_report_json_print(stdout, doc);
  json_decref(doc);
  if (wr < 0 && report_format != DV_FORMAT_JSON) {
    fputs("dvcheck: error: cannot write the output\n", stderr);
    return DV_EXIT_UNKNOWN;
  }
  return exit_code;
}

int dv_report_json_print(FILE *out, json_t *doc)
{
  int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_ENSURE_ASCII);
  fputc('\n', out);
  return rc;
}

/* s (a json_dumps with JSON_INDENT(2)) with every line after the first
 * indented by ind more spaces: a nested value as jansson writes it. */
static void json_put_indented(FILE *out, const char *s, int ind)
{
  for (; *s; s++) {
    fputc(*s, out);
    if (*s == '\n')
      fprintf(out, "%*s", ind, "");
  }
}

void dv_report_json_head(FILE *out, const char *command, int exit_code,
                         int deadline_hit)
{
  /* dv_report_envelope's members, in its order */
  fprintf(out,
          "{\n  \"schema\": %d,\n  \"tool\": \"dvcheck\",\n  \"version\": "
          "\"%s\",\n  \"command\": \"%s\",\n  \"status\": \"%s\",\n  "
          "\"exit_code\": %d,\n  \"deadline_hit\": %s,\n  \"results\": [",
          DV_JSON_SCHEMA_VERSION, PACKAGE_VERSION, command,
          dv_report_status_word(exit_code), exit_code,
          deadline_hit ? "true" : "false");
}

int dv_report_json_item(FILE *out, size_t index, const json_t *result)
{
  char *s =
      result ? json_dumps(result, JSON_INDENT(2) | JSON_ENSURE_ASCII) : NULL;
  if (!s)
    return -1;
  fputs(index ? ",\n    " : "\n    ", out);
  json_put_indented(out, s, 4);
  free(s);
  return 0;
}

int dv_report_json_tail(FILE *out, size_t n)
{
  fputs(n ? "\n  ]\n}\n" : "]\n}\n", out);
  return ferror(out) ? -1 : 0;
}

int dv_report_jsonl_put(FILE *out, const json_t *o)
{
  char *t = o ? json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII) : NULL;
  if (!t)
    return -1;
  fputs(t, out);
  fputc('\n', out);
  free(t);
  return ferror(out) ? -1 : 0;
}

int dv_report_jsonl_end(FILE *out, const char *command, int exit_code,
                        int deadline_hit, json_t *summary)
{
  json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:i, s:b, s:o}", "schema",
                        DV_JSON_SCHEMA_VERSION, "tool", "dvcheck", "version",
                        PACKAGE_VERSION, "command", command, "status",
                        dv_report_status_word(exit_code), "exit_code",
                        exit_code, "deadline_hit", deadline_hit, "summary",
                        summary ? summary : json_null());
  int rc = dv_report_jsonl_put(out, o);
  json_decref(o);
  return rc;
}

void dv_report_dns_trace(void *arg, const struct dv_dns_answer *a)
{
  (void)arg;
  fprintf(stderr, "dns: ");
  dv_text_fput(stderr, a->qname, strlen(a->qname));
  fprintf(stderr, " %s -> %s (%lld ms)\n", dv_dns_type_str(a->qtype),
          dv_dns_status_str(a->status), (long long)a->rtt_ms);
}
