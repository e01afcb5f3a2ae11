/* dvcheck -- the accounts of an AWS Organization (see acm_org.h).
 *
 * References: Organizations ListAccounts (botocore model organizations
 * 2016-11-28: MaxResults 1..20, NextToken), STS AssumeRole; the account
 * loops of Prowler, Steampipe and cloud-custodian's c7n-org.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/secret.h"
#include "aws/aws_cache.h"
#include "aws/aws_sts.h"
#include "base/names.h"
#include "base/text.h"
#include "check/acm_org.h"

typedef struct {
  dv_acm_session *s;
  dv_org *org;
  dv_acm *client;
  size_t next; /* next account to assume */
  int inflight;
  char role[80];
  char partition[16];
  char sts_url[1024];
  char sts_region[64];
  int failed; /* out of memory */
} collector;

static void wipe_free(char *p)
{
  if (p) {
    dv_secret_wipe(p, strlen(p));
    free(p);
  }
}

static dv_org_account *org_add(dv_org *org, const char *id)
{
  dv_org_account *nv, *a;
  for (size_t i = 0; i < org->n; i++)
    if (strcmp(org->v[i].id, id) == 0)
      return &org->v[i];
  if (org->n >= DV_ORG_MAX_ACCOUNTS)
    return NULL;
  nv = realloc(org->v, (org->n + 1) * sizeof(*nv));
  if (!nv)
    return NULL;
  org->v = nv;
  a = &org->v[org->n++];
  memset(a, 0, sizeof(*a));
  snprintf(a->id, sizeof(a->id), "%s", id);
  snprintf(a->status, sizeof(a->status), "ACTIVE");
  a->active = 1;
  return a;
}

static int account_id_valid(const char *s, size_t n)
{
  if (n != 12)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!isdigit((unsigned char)s[i]))
      return 0;
  return 1;
}

/* "ID,ID" or the lines of a file into org (or the exclusion mark). */
int dv_org_list_add(dv_org *org, const char *text, int exclude, char *why,
                    size_t whylen, const char *what)
{
  const char *p = text;
  while (*p) {
    size_t n;
    char id[13];
    while (*p == ',' || *p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
      p++;
    if (*p == '#') {
      p += strcspn(p, "\n");
      continue;
    }
    if (!*p)
      break;
    n = strcspn(p, ", \t\r\n#");
    if (!account_id_valid(p, n)) {
      char shown[60];
      dv_text_escape(p, n > 40 ? 40 : n, shown, sizeof(shown));
      snprintf(why, whylen, "%s: '%s' is not a 12-digit account id", what,
               shown);
      return -1;
    }
    memcpy(id, p, 12);
    id[12] = '\0';
    if (exclude) {
      for (size_t i = 0; i < org->n; i++)
        if (strcmp(org->v[i].id, id) == 0)
          org->v[i].active = -1; /* dropped below */
    } else if (!org_add(org, id)) {
      snprintf(why, whylen, "too many accounts (or out of memory)");
      return -1;
    }
    p += n;
  }
  return 0;
}

/* ---- ListAccounts ---- */

static void on_page(void *arg, const dv_acm_result *res);

static int list_page(collector *c, const char *next)
{
  json_t *body = next ? json_pack("{s:s}", "NextToken", next) : json_object();
  return dv_acm_call(c->client, "ListAccounts", body, on_page, c);
}

int dv_org_page_add(dv_org *org, const json_t *page, const char **next)
{
  const json_t *list, *it;
  size_t i;
  list = json_object_get(page, "Accounts");
  json_array_foreach(list, i, it) {
    const char *id = json_string_value(json_object_get(it, "Id"));
    const char *name = json_string_value(json_object_get(it, "Name"));
    const char *st = json_string_value(json_object_get(it, "Status"));
    const char *arn = json_string_value(json_object_get(it, "Arn"));
    dv_org_account *a;
    if (!id || !account_id_valid(id, strlen(id)))
      continue;
    if (!(a = org_add(org, id)))
      return -1;
    if (name)
      dv_text_escape(name, strlen(name), a->name, sizeof(a->name));
    if (st)
      dv_text_escape(st, strlen(st), a->status, sizeof(a->status));
    a->active = st && strcmp(st, "ACTIVE") == 0;
    /* arn:aws:organizations::MASTER:account/o-.../ID */
    if (arn && !org->master[0] && strncmp(arn, "arn:", 4) == 0) {
      const char *p = arn;
      for (int k = 0; k < 4 && p; k++) {
        p = strchr(p, ':');
        if (p)
          p++;
      }
      if (p && account_id_valid(p, strcspn(p, ":")))
        snprintf(org->master, sizeof(org->master), "%.12s", p);
    }
  }
  *next = json_string_value(json_object_get(page, "NextToken"));
  return 0;
}

static void on_page(void *arg, const dv_acm_result *res)
{
  collector *c = arg;
  dv_org *org = c->org;
  const char *next;
  org->pages++;
  if (res->status != DV_ACM_OK) {
    dv_acm_result_finding(&org->findings, "organization", "ListAccounts", res);
    if (org->findings.n)
      org->findings.v[org->findings.n - 1].code = DV_F_ORG_LIST_FAILED;
    return;
  }
  if (dv_org_page_add(org, res->json, &next) < 0) {
    c->failed = 1;
    return;
  }
  if (next && *next && org->pages < 1000) {
    if (list_page(c, next) < 0)
      c->failed = 1;
  }
}

/* ---- AssumeRole ---- */

static void assume_more(collector *c);

typedef struct {
  collector *c;
  dv_org_account *a;
  char key[41];
} assume_ctx;

static void on_assumed(void *arg, const dv_sts_result *res)
{
  assume_ctx *x = arg;
  collector *c = x->c;
  dv_org_account *a = x->a;
  c->inflight--;
  c->org->sts_calls++;
  if (res->status == DV_STS_OK) {
    a->akid = strdup(res->access_key_id);
    a->secret = strdup(res->secret_access_key);
    a->token = strdup(res->session_token);
    if (!a->akid || !a->secret || !a->token)
      c->failed = 1;
    else
      a->ready = 1;
    dv_aws_cache_store(x->key, NULL, res->access_key_id, res->secret_access_key,
                       res->session_token, res->expiration, res->assumed_arn);
  } else {
    dv_finding *f =
        dv_findings_add(&a->findings, DV_F_ORG_ASSUME_ROLE_FAILED, a->id);
    dv_finding_ev(&a->findings, f, "role", "%s", c->role);
    if (res->status == DV_STS_API_ERROR) {
      dv_finding_ev(&a->findings, f, "error", "%s", res->code);
      if (res->message[0])
        dv_finding_ev(&a->findings, f, "message", "%s", res->message);
      if (res->request_id[0])
        dv_finding_ev(&a->findings, f, "request_id", "%s", res->request_id);
    } else
      dv_finding_ev(&a->findings, f, "error", "%s%s%s",
                    dv_sts_status_str(res->status), res->detail[0] ? ": " : "",
                    res->detail);
  }
  free(x);
  assume_more(c);
}

static void assume_more(collector *c)
{
  dv_acm_session *s = c->s;
  while (c->inflight < DV_ORG_ASSUME_INFLIGHT && c->next < c->org->n) {
    dv_org_account *a = &c->org->v[c->next++];
    char arn[200];
    dv_sts_opts o;
    dv_sts_assume_args args;
    dv_aws_cached_creds cc;
    assume_ctx *x;
    if (a->active != 1 || a->self)
      continue;
    snprintf(arn, sizeof(arn), "arn:%s:iam::%s:role/%s", c->partition, a->id,
             c->role);
    x = calloc(1, sizeof(*x));
    if (!x ||
        dv_aws_cache_key_role(arn, "dvcheck-org", NULL, NULL, -1, x->key) < 0) {
      free(x);
      c->failed = 1;
      return;
    }
    if (dv_aws_cache_load(x->key, DV_AWS_CACHE_MIN_LEFT, &cc) == 1) {
      a->akid = cc.access_key_id;
      a->secret = cc.secret_access_key;
      a->token = cc.session_token;
      cc.access_key_id = cc.secret_access_key = cc.session_token = NULL;
      dv_aws_cached_creds_clear(&cc);
      a->ready = a->from_cache = 1;
      free(x);
      continue;
    }
    x->c = c;
    x->a = a;
    memset(&o, 0, sizeof(o));
    o.endpoint = c->sts_url;
    o.region = c->sts_region;
    o.cainfo = s->cainfo[0] ? s->cainfo : NULL;
    o.access_key_id = s->access_key_id;
    o.secret_access_key = s->secret_access_key;
    o.session_token = s->session_token;
    memset(&args, 0, sizeof(args));
    args.role_arn = arn;
    args.session_name = "dvcheck-org";
    if (dv_sts_assume_role(s->loop, s->http, &o, &args, on_assumed, x) < 0) {
      free(x);
      c->failed = 1;
      return;
    }
    c->inflight++;
  }
}

int dv_org_collect(dv_acm_session *s, const dv_org_opts *o, dv_org *org,
                   char *why, size_t whylen)
{
  collector c;
  char err[600], region[64];
  const char *src;
  int64_t t0;
  memset(org, 0, sizeof(*org));
  memset(&c, 0, sizeof(c));
  c.s = s;
  c.org = org;
  snprintf(c.role, sizeof(c.role), "%s",
           o->role ? o->role : DV_ORG_DEFAULT_ROLE);
  if (dv_aws_region_resolve(&s->aws, NULL, region, sizeof(region), &src, err,
                            sizeof(err)) != DV_AWS_CFG_OK)
    region[0] = '\0';
  snprintf(c.partition, sizeof(c.partition), "%s",
           strncmp(region, "cn-", 3) == 0       ? "aws-cn"
           : strncmp(region, "us-gov-", 7) == 0 ? "aws-us-gov"
                                                : "aws");
  /* the accounts */
  t0 = dv_loop_now_ms();
  if (o->accounts || o->accounts_file) {
    if (o->accounts &&
        dv_org_list_add(org, o->accounts, 0, why, whylen, "--accounts") < 0)
      return -1;
    if (o->accounts_file) {
      size_t len;
      char *text = dv_aws_file_read(o->accounts_file, &len);
      int r;
      if (!text) {
        snprintf(why, whylen, "--accounts-file %.300s: %s", o->accounts_file,
                 errno == EINVAL ? "not a regular file or too big"
                                 : strerror(errno));
        return -1;
      }
      r = dv_org_list_add(org, text, 0, why, whylen, o->accounts_file);
      free(text);
      if (r < 0)
        return -1;
    }
  } else {
    char url[1024];
    int e = dv_aws_service_endpoint(
        &s->aws, "organizations",
        strncmp(c.partition, "aws-cn", 6) == 0 ? "cn-northwest-1" : "us-east-1",
        url, sizeof(url), err, sizeof(err));
    if (e != 0) {
      snprintf(why, whylen, "Organizations endpoint: %.400s", err);
      return -1;
    }
    c.client = dv_acm_session_client_as(
        s,
        strncmp(c.partition, "aws-cn", 6) == 0 ? "cn-northwest-1" : "us-east-1",
        s->access_key_id, s->secret_access_key, s->session_token,
        "organizations", "AWSOrganizationsV20161128", url, sizeof(url), why,
        whylen);
    if (!c.client || list_page(&c, NULL) < 0) {
      if (!*why)
        snprintf(why, whylen, "out of memory");
      return -1;
    }
    if (dv_acm_session_run(s, NULL) < 0) {
      snprintf(why, whylen, "event loop failure");
      return -1;
    }
  }
  org->list_ms = (long)(dv_loop_now_ms() - t0);
  if (c.failed) {
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  if (o->exclude &&
      dv_org_list_add(org, o->exclude, 1, why, whylen, "--exclude") < 0)
    return -1;
  for (size_t i = 0; i < org->n; i++) {
    dv_org_account *a = &org->v[i];
    if (a->active == -1) {
      a->active = 0;
      snprintf(a->status, sizeof(a->status), "EXCLUDED");
      continue;
    }
    if (!a->active) {
      dv_finding *f =
          dv_findings_add(&a->findings, DV_F_ORG_ACCOUNT_INACTIVE, a->id);
      dv_finding_ev(&a->findings, f, "status", "%s", a->status);
      if (a->name[0])
        dv_finding_ev(&a->findings, f, "name", "%s", a->name);
      continue;
    }
    if (org->master[0] && strcmp(a->id, org->master) == 0) {
      a->self = a->ready = 1;
    }
  }
  /* the roles */
  t0 = dv_loop_now_ms();
  if (dv_aws_service_endpoint(&s->aws, "sts", region, c.sts_url,
                              sizeof(c.sts_url), err, sizeof(err)) != 0)
    snprintf(c.sts_url, sizeof(c.sts_url), "https://sts.amazonaws.com");
  snprintf(c.sts_region, sizeof(c.sts_region), "%s",
           region[0] ? region : "us-east-1");
  assume_more(&c);
  if (dv_acm_session_run(s, NULL) < 0) {
    snprintf(why, whylen, "event loop failure");
    return -1;
  }
  org->assume_ms = (long)(dv_loop_now_ms() - t0);
  if (c.failed) {
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  for (size_t i = 0; i < org->n; i++) {
    dv_org_account *a = &org->v[i];
    if (a->active == 1 && !a->ready && !a->findings.n) {
      dv_finding *f = dv_findings_add(&a->findings, DV_F_RUN_DEADLINE, a->id);
      dv_finding_ev(&a->findings, f, "detail", "role not assumed yet");
    }
  }
  return 0;
}

void dv_org_account_creds(const dv_acm_session *s, const dv_org_account *a,
                          const char **akid, const char **secret,
                          const char **token)
{
  if (a->self) {
    *akid = s->access_key_id;
    *secret = s->secret_access_key;
    *token = s->session_token;
  } else {
    *akid = a->akid;
    *secret = a->secret;
    *token = a->token;
  }
}

json_t *dv_org_account_json(const dv_org_account *a)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o}", "kind", "account",
                   "account", a->id, "name", a->name, "status", a->status,
                   "audited", a->ready, "findings",
                   dv_findings_json(&a->findings));
}

void dv_org_free(dv_org *org)
{
  for (size_t i = 0; i < org->n; i++) {
    dv_org_account *a = &org->v[i];
    free(a->akid);
    wipe_free(a->secret);
    wipe_free(a->token);
    dv_findings_free(&a->findings);
  }
  free(org->v);
  dv_findings_free(&org->findings);
  memset(org, 0, sizeof(*org));
}
