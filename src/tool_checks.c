/* dvcheck -- check options and ACM sessions for the commands. See
 * tool_checks.h. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report.h"
#include "src/tool_checks.h"
#include "src/tool_msgs.h"

void dv_tool_whois_opts(const dv_cfg *cfg, dv_whois_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->timeout_s = cfg->whois_timeout_s;
  o->verbose = cfg->verbose;
  o->servers_file = cfg->whois_servers_file;
  o->rdap_bootstrap = cfg->rdap_bootstrap;
  o->rate_per_min = cfg->whois_rate;
}

void dv_tool_acm_opts(const dv_cfg *cfg, dv_acm_session_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->profile = cfg->aws_profile;
  o->region = cfg->aws_region;
  o->endpoint_url = cfg->aws_endpoint_url;
  o->verbose = cfg->verbose;
  o->timeout_s = cfg->timeout_s;
}

int dv_tool_acm_fail(const dv_cfg *cfg, const char *command, const char *why)
{
  dv_findings fl = {0};
  dv_finding *f;
  json_t *arr;
  int rc;
  dv_error("%s", why);
  if (!cfg->json)
    return DV_EXIT_UNKNOWN;
  arr = json_array();
  f = dv_findings_add(&fl, DV_F_ACM_CREDENTIALS_MISSING, "credentials");
  dv_finding_ev(&fl, f, "detail", "%s", why);
  dv_json_push(&arr, json_pack("{s:s, s:o}", "verdict", "unknown", "findings",
                               dv_findings_json(&fl)));
  rc = dv_report_json_emit(command, DV_EXIT_UNKNOWN, 0, arr);
  dv_findings_free(&fl);
  return rc;
}

int dv_tool_acm_open(dv_acm_session *s, const dv_cfg *cfg, const char *command,
                     int *rc)
{
  dv_acm_session_opts o;
  char why[600];
  dv_tool_acm_opts(cfg, &o);
  if (dv_acm_session_open(s, &o, why, sizeof(why)) != DV_ACM_SESSION_OK) {
    *rc = dv_tool_acm_fail(cfg, command, why);
    return -1;
  }
  if (cfg->verbose)
    fprintf(stderr, "dvcheck: AWS credentials from %s (profile %s)\n",
            s->creds_source, s->creds->profile ? s->creds->profile : "-");
  return 0;
}

int dv_tool_acm_regions(const dv_cfg *cfg, const char **out, size_t *n,
                        int *all, char *why, size_t whylen)
{
  return dv_acm_regions_parse(cfg->aws_region, cfg->aws_profile, out, n, all,
                              why, whylen);
}

int dv_tool_acm_run(dv_acm_session *s)
{
  dv_loop_status ls = DV_LOOP_OK;
  int r = dv_acm_session_run(s, &ls);
  if (r < 0)
    dv_error("event loop: %s", dv_loop_status_str(ls));
  return r;
}

int dv_tool_acm_units(dv_acm_session *s, const dv_cfg *cfg,
                      const char *const *regions, size_t nregions, dv_org *org,
                      int *org_on, dv_acm_unit **units, size_t *nunits)
{
  char why[600];
  size_t n = nregions, k = 0, i, j, naccts = 1;
  *units = NULL;
  *nunits = 0;
  if (cfg->org) {
    dv_org_opts oo = {cfg->org_role, cfg->org_accounts, cfg->org_accounts_file,
                      cfg->org_exclude};
    if (dv_org_collect(s, &oo, org, why, sizeof(why)) < 0) {
      dv_error("%s", why);
      return -1;
    }
    *org_on = 1;
    naccts = org->n;
    n = 0;
    for (i = 0; i < org->n; i++)
      n += org->v[i].ready ? nregions : 0;
  }
  *units = calloc(n ? n : 1, sizeof(**units));
  if (!*units) {
    dv_error("out of memory");
    return -1;
  }
  for (i = 0; i < naccts; i++) {
    const dv_org_account *a = cfg->org ? &org->v[i] : NULL;
    if (a && !a->ready)
      continue;
    for (j = 0; j < nregions; j++) {
      (*units)[k].acct = a;
      (*units)[k++].region = regions[j];
    }
  }
  *nunits = k;
  return 0;
}

int dv_tool_acm_unit_open(dv_acm_session *s, const dv_acm_unit *u,
                          dv_acm_region *r)
{
  char why[600];
  int rc;
  if (u->acct) {
    const char *ak, *sk, *tk;
    dv_org_account_creds(s, u->acct, &ak, &sk, &tk);
    rc = dv_acm_region_open_as(s, r, u->region, ak, sk, tk, why, sizeof(why));
  } else {
    rc = dv_acm_region_open(s, r, u->region, why, sizeof(why));
  }
  if (rc < 0)
    dv_error("%s", why);
  return rc;
}

void dv_tool_resolver_opts(const dv_cfg *cfg, dv_resolver_opts *o)
{
  o->servers = cfg->resolvers[0] ? cfg->resolvers : NULL;
  o->max_inflight = cfg->max_inflight;
  o->stats_trace = cfg->verbose >= 1;
}
