/* dvcheck -- the --probe part of email, cert and check: options from the
 * command line, running the probes of a set of validation domains on the
 * loop, and rendering them (text table, JSON, -vv dialogue). */
#ifndef DV_TOOL_PROBE_H
#define DV_TOOL_PROBE_H

#include <jansson.h>
#include <stdio.h>

#include "base/loop.h"
#include "check/check_smtp.h"
#include "src/tool_cfg.h"

typedef struct {
  dv_connect_to *ct;
  dv_probe_opts o;
  dv_probe_ctx ctx;
  int started;
} dv_tool_probe;

/* Check the --probe options (0), or print an error and return -1:
 * --smtp-timeout/--mail-from/--connect-to need --probe, bad --connect-to. */
int dv_tool_probe_init(dv_tool_probe *tp, const dv_cfg *cfg, dv_loop *loop);
/* Run the queued probes (dv_probe_start on tp->ctx) on the loop; returns
 * the loop status. */
dv_loop_status dv_tool_probe_run(dv_tool_probe *tp, dv_loop *loop);
void dv_tool_probe_free(dv_tool_probe *tp);

/* The per-address table ("address  reply  enhanced  result  MX"). */
void dv_tool_probe_text(FILE *out, const dv_probe *p, int indent);
/* {"validation_domain":..,"addresses":[...],"sessions":[...]} */
json_t *dv_tool_probe_json(const dv_probe *p);

#endif
