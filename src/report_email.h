/* dvcheck -- how `dvcheck email` writes its results: one renderer per
 * output format, called once per name as soon as that name's result is
 * complete (in input order), so any number of names streams through in
 * bounded memory. A renderer for another format is one more row of
 * dv_email_renderers[] in cmd_email.c. */
#ifndef DV_REPORT_EMAIL_H
#define DV_REPORT_EMAIL_H

#include <stdio.h>

#include "base/buf.h"
#include "check/check_email.h"
#include "check/check_smtp.h"
#include "check/check_whois.h"
#include "src/tool_cfg.h"

/* What the end of the output says about the whole run. */
typedef struct {
  size_t results;     /* results written */
  size_t unknown;     /* of them: no verdict (deadline, resolver failure) */
  size_t not_started; /* names never looked up (the deadline came first) */
  int total_known;    /* the input was counted first (a regular file) */
  size_t total;       /* then: every name of the input */
  size_t bad_input;   /* lines that were not names (streamed input) */
  int deadline_hit;
  int exit_code;
  const dv_findings *findings; /* about the run (RUN_DEADLINE), may be empty */
} dv_email_summary;

/* One name's result, with its WHOIS/RDAP contacts (NULL unless --contacts
 * or --acm-legacy) and SMTP probe (NULL unless --probe found something to
 * probe). index is the result's position in the output (0 = first). */
typedef int (*dv_email_render_fn)(FILE *out, const dv_cfg *cfg, size_t index,
                                  const dv_email_result *r,
                                  const dv_whois_check *wc,
                                  const dv_probe *probe);

/* The same, appending the bytes to b (the stream writes them, or keeps
 * them until the name's turn): the fast path, no stdio per value. */
typedef int (*dv_email_render_buf_fn)(dv_buf *b, const dv_cfg *cfg,
                                      size_t index, const dv_email_result *r,
                                      const dv_whois_check *wc,
                                      const dv_probe *probe);

typedef struct {
  dv_format format;
  int (*begin)(FILE *out, const dv_cfg *cfg); /* may be NULL */
  dv_email_render_fn result;                  /* one of these two */
  dv_email_render_buf_fn result_buf;          /* (the other NULL) */
  int (*end)(FILE *out, const dv_cfg *cfg, const dv_email_summary *s);
} dv_email_renderer;

/* text, json, jsonl (cmd_email.c); dv_cmd_email picks cfg->format's row. */
extern const dv_email_renderer dv_email_renderers[];
extern const size_t dv_email_nrenderers;

#endif
