/* dvcheck -- live RDAP domain lookups. See rdap_client.h. */
#include "config.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "base/trace.h"
#include "whois/rdap_client.h"
#include "whois/whois_client.h"
#include "whois/whois_int.h"

struct dv_rdap_client {
  dv_http *http;
  const dv_rdap_bootstrap *boot;
  const dv_whois_patterns *pat;
  dv_rdap_client_opts o;
};

typedef struct {
  dv_rdap_client *c;
  dv_loop *loop;
  dv_rdap_lookup_result r;
  char url[512];
  char role[12];
  dv_timer t_done;
  dv_rdap_cb cb;
  void *arg;
} dv_rlookup;

void dv_rdap_client_opts_init(dv_rdap_client_opts *o)
{
  memset(o, 0, sizeof(*o));
  o->timeout_ms = 8000;
  o->max_body = 2u << 20;
  o->max_hops = 1;
}

dv_rdap_client *dv_rdap_client_new(dv_http *http, const dv_rdap_bootstrap *boot,
                                   const dv_whois_patterns *pat,
                                   const dv_rdap_client_opts *o)
{
  dv_rdap_client *c = calloc(1, sizeof(*c));
  if (!c)
    return NULL;
  c->http = http;
  c->boot = boot;
  c->pat = pat;
  if (o)
    c->o = *o;
  else
    dv_rdap_client_opts_init(&c->o);
  if (c->o.max_hops > DV_RDAP_MAX_HOPS - 1)
    c->o.max_hops = DV_RDAP_MAX_HOPS - 1;
  if (c->o.max_hops < 0)
    c->o.max_hops = 0;
  return c;
}

void dv_rdap_client_free(dv_rdap_client *c)
{
  free(c);
}

int dv_rdap_related_link(const char *buf, size_t len, char *out, size_t outlen)
{
  json_t *root, *links, *l;
  size_t i;
  int found = 0;

  out[0] = '\0';
  root = json_loadb(buf, len, 0, NULL);
  if (!root)
    return 0;
  links = json_object_get(root, "links");
  json_array_foreach(links, i, l) {
    const char *rel = json_string_value(json_object_get(l, "rel"));
    const char *type = json_string_value(json_object_get(l, "type"));
    const char *href = json_string_value(json_object_get(l, "href"));
    size_t hl;
    if (!rel || !href || strcasecmp(rel, "related") != 0)
      continue;
    if (!type || strncasecmp(type, "application/rdap+json", 21) != 0)
      continue;
    if (strncasecmp(href, "https://", 8) != 0 &&
        strncasecmp(href, "http://", 7) != 0)
      continue;
    hl = strlen(href);
    if (hl >= outlen)
      continue;
    for (size_t k = 0; k < hl; k++)
      if ((unsigned char)href[k] <= 0x20 || (unsigned char)href[k] >= 0x7f)
        goto next;
    memcpy(out, href, hl + 1);
    found = 1;
    break;
  next:;
  }
  json_decref(root);
  return found;
}

long dv_rdap_retry_after(const char *v, long now_epoch)
{
  struct tm tm;
  char *end;
  long s;
  if (!v)
    return -1;
  while (*v == ' ')
    v++;
  if (isdigit((unsigned char)*v)) {
    s = strtol(v, &end, 10);
    while (*end == ' ')
      end++;
    return *end || s < 0 ? -1 : s;
  }
  memset(&tm, 0, sizeof(tm));
  end = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end)
    return -1;
  s = (long)timegm(&tm) - now_epoch;
  return s < 0 ? 0 : s;
}

static void rl_deliver(void *arg)
{
  dv_rlookup *l = arg;
  dv_loop_unref(l->loop);
  l->cb(l->arg, &l->r);
  free(l);
}

static void rl_done(dv_rlookup *l)
{
  dv_loop_timer_arm(l->loop, &l->t_done, 0, rl_deliver, l);
}

static int rl_visited(const dv_rlookup *l, const char *url)
{
  for (size_t i = 0; i < l->r.nhops; i++)
    if (!strcasecmp(l->r.hops[i].url, url))
      return 1;
  return 0;
}

static void rl_get(dv_rlookup *l);

static void rl_answer(void *arg, const dv_http_resp *resp)
{
  dv_rlookup *l = arg;
  dv_rdap_hop *h;
  dv_whois_info info;
  char next[512];
  int registry = l->r.nhops == 0;

  if (resp->status == DV_HTTP_CANCELLED) {
    l->r.cancelled = 1;
    rl_done(l);
    return;
  }
  h = &l->r.hops[l->r.nhops++];
  memset(h, 0, sizeof(*h));
  snprintf(h->url, sizeof(h->url), "%s", l->url);
  snprintf(h->role, sizeof(h->role), "%s", l->role);
  h->status = resp->status;
  h->code = resp->code;
  h->bytes = resp->body_len;
  h->elapsed_ms = resp->elapsed_ms;
  h->retry_after_s = -1;
  if (l->c->o.verbose)
    dv_trace("dvcheck: rdap %s: %s, HTTP %ld, %zu bytes", l->role,
             dv_http_status_str(resp->status), resp->code, resp->body_len);
  if (resp->status != DV_HTTP_OK) {
    if (registry)
      l->r.failed = 1;
    rl_done(l);
    return;
  }
  dv_whois_info_init(&info, "rdap");
  if (resp->code == 429) {
    h->throttled = 1;
    h->retry_after_s = dv_rdap_retry_after(
        dv_http_resp_header(resp, "Retry-After"), (long)time(NULL));
    info.throttled = 1;
  } else if (resp->code == 404) {
    h->not_found = 1;
    info.not_found = 1;
  } else if (resp->code == 200) {
    if (dv_rdap_parse_json(l->c->pat, resp->body, resp->body_len, &info) !=
        DV_WHOIS_OK) {
      h->malformed = 1;
      if (registry)
        l->r.failed = 1;
      rl_done(l);
      return;
    }
  } else {
    if (registry)
      l->r.failed = 1;
    rl_done(l);
    return;
  }
  if (registry) {
    l->r.info = info;
    l->r.have_info = 1;
  } else if (!info.not_found && !info.throttled) {
    dv_whois_info_merge(&l->r.info, &info);
  } else {
    l->r.info.throttled |= info.throttled;
  }
  if (resp->code != 200) {
    rl_done(l);
    return;
  }
  if (!dv_rdap_related_link(resp->body, resp->body_len, next, sizeof(next)) ||
      !strcasecmp(next, l->url)) {
    rl_done(l);
    return;
  }
  if (rl_visited(l, next)) {
    l->r.loop = 1;
    snprintf(l->r.loop_url, sizeof(l->r.loop_url), "%s", next);
    snprintf(l->r.loop_why, sizeof(l->r.loop_why), "already asked");
    rl_done(l);
    return;
  }
  if ((int)l->r.nhops > l->c->o.max_hops) {
    l->r.loop = 1;
    snprintf(l->r.loop_url, sizeof(l->r.loop_url), "%s", next);
    snprintf(l->r.loop_why, sizeof(l->r.loop_why), "hop limit");
    rl_done(l);
    return;
  }
  snprintf(l->r.related_followed, sizeof(l->r.related_followed), "%s", next);
  snprintf(l->url, sizeof(l->url), "%s", next);
  snprintf(l->role, sizeof(l->role), "registrar");
  rl_get(l);
}

static void rl_get(dv_rlookup *l)
{
  static const char *const hdrs[] = {
      "Accept: application/rdap+json, application/json", NULL};
  dv_http_req req;
  dv_http_status st;

  memset(&req, 0, sizeof(req));
  req.url = l->url;
  req.headers = hdrs;
  req.timeout_ms = l->c->o.timeout_ms;
  req.max_body = l->c->o.max_body;
  req.trace_label = "rdap";
  st = dv_http_request(l->c->http, &req, rl_answer, l);
  if (st != DV_HTTP_OK) {
    dv_rdap_hop *h = &l->r.hops[l->r.nhops++];
    memset(h, 0, sizeof(*h));
    snprintf(h->url, sizeof(h->url), "%s", l->url);
    snprintf(h->role, sizeof(h->role), "%s", l->role);
    h->status = st;
    h->retry_after_s = -1;
    if (l->r.nhops == 1)
      l->r.failed = 1;
    rl_done(l);
  }
}

int dv_rdap_lookup(dv_rdap_client *c, dv_loop *loop, const char *domain,
                   dv_rdap_cb cb, void *arg)
{
  dv_rlookup *l = calloc(1, sizeof(*l));
  if (!l)
    return -1;
  l->c = c;
  l->loop = loop;
  l->cb = cb;
  l->arg = arg;
  snprintf(l->r.domain, sizeof(l->r.domain), "%s", domain);
  dv_whois_info_init(&l->r.info, "rdap");
  dv_loop_ref(loop);
  snprintf(l->role, sizeof(l->role), "registry");
  if (!c->boot || !c->http ||
      dv_rdap_bootstrap_domain_url(c->boot, domain, l->url, sizeof(l->url)) !=
          DV_WHOIS_OK) {
    l->r.no_service = 1;
    rl_done(l);
    return 0;
  }
  rl_get(l);
  return 0;
}
