/* dvcheck -- the checks' option structs from the command line, and the
 * ACM commands' session set-up (a failure to open one is reported on
 * stderr, and as the JSON envelope with --json). */
#ifndef DV_TOOL_CHECKS_H
#define DV_TOOL_CHECKS_H

#include "check/acm_org.h"
#include "check/acm_session.h"
#include "check/check_whois.h"
#include "dns/resolver.h"
#include "src/tool_cfg.h"

/* The WHOIS/RDAP contact checks' options. */
void dv_tool_whois_opts(const dv_cfg *cfg, dv_whois_opts *o);

/* The DNS options of the command line (--resolver, --max-inflight, -v
 * counters) into resolver options (after dv_resolver_opts_init). */
void dv_tool_resolver_opts(const dv_cfg *cfg, dv_resolver_opts *o);

/* The session options the command line gives. */
void dv_tool_acm_opts(const dv_cfg *cfg, dv_acm_session_opts *o);

/* Report a session that could not be opened; returns the exit status. */
int dv_tool_acm_fail(const dv_cfg *cfg, const char *command, const char *why);

/* Open the session for command: 0 when ready; -1 when it failed -- then it
 * has been reported and *rc is the exit status to end with. */
int dv_tool_acm_open(dv_acm_session *s, const dv_cfg *cfg, const char *command,
                     int *rc);

/* The --region list of a whole-account command (expiry, audit). */
int dv_tool_acm_regions(const dv_cfg *cfg, const char **out, size_t *n,
                        int *all, char *why, size_t whylen);

/* Run the session's loop (dv_acm_session_run); a loop failure is reported.
 * 0 done, 1 the deadline passed, -1 failure. */
int dv_tool_acm_run(dv_acm_session *s);

/* One account-region of a whole-account command (expiry, audit): a region
 * of the caller's account (acct NULL), or with --org of a member account. */
typedef struct {
  const dv_org_account *acct;
  const char *region;
} dv_acm_unit;

/* The account-regions expiry/audit cover: each region of the caller's
 * account, or with --org each region of every member account whose role
 * could be assumed (the organisation is collected into org; *org_on set).
 * 0 and a malloc'd array in *units, or -1 (reported). */
int dv_tool_acm_units(dv_acm_session *s, const dv_cfg *cfg,
                      const char *const *regions, size_t nregions, dv_org *org,
                      int *org_on, dv_acm_unit **units, size_t *nunits);

/* Open the ACM client and pacing of one account-region into r (with the
 * member account's credentials for --org). 0, or -1 (reported). */
int dv_tool_acm_unit_open(dv_acm_session *s, const dv_acm_unit *u,
                          dv_acm_region *r);

#endif
