/* dvcheck -- live WHOIS/RDAP contacts. See check_whois.h. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/text.h"
#include "check/check_whois.h"
#include "base/datafile.h"
#include "base/json.h"
#include "base/trace.h"

#define DV_IANA_BOOTSTRAP_URL "https://data.iana.org/rdap/dns.json"

/* IANA's URL, or DVCHECK_RDAP_BOOTSTRAP_URL (a mirror; the test lab). */
static const char *bootstrap_url(void)
{
  const char *u = getenv("DVCHECK_RDAP_BOOTSTRAP_URL");
  return u && strncmp(u, "https://", 8) == 0 ? u : DV_IANA_BOOTSTRAP_URL;
}
#define DV_BOOT_DEFAULT_AGE (24 * 3600)
#define DV_BOOT_MAX         (8u << 20)

const char *const dv_whois_role_names[3] = {"registrant", "admin", "tech"};

/* ---- the RDAP bootstrap cache (XDG) ------------------------------------ */

static int cache_path(char *out, size_t len)
{
  const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  int n;
  if (x && x[0] == '/')
    n = snprintf(out, len, "%s/dvcheck/rdap-dns.json", x);
  else if (home && home[0] == '/')
    n = snprintf(out, len, "%s/.cache/dvcheck/rdap-dns.json", home);
  else
    return -1;
  return n > 0 && (size_t)n < len ? 0 : -1;
}

/* Seconds the cached copy stays fresh: PATH.expires (epoch seconds written
 * with the download), else mtime + 24 h. 1 = fresh, 0 = stale/absent. */
static int cache_fresh(const char *path)
{
  char side[4200], buf[64];
  struct stat sb;
  FILE *f;
  long long exp = 0;
  if (stat(path, &sb) != 0)
    return 0;
  snprintf(side, sizeof(side), "%s.expires", path);
  f = fopen(side, "r");
  if (f) {
    if (fgets(buf, sizeof(buf), f))
      exp = strtoll(buf, NULL, 10);
    fclose(f);
  }
  if (exp <= 0)
    exp = (long long)sb.st_mtime + DV_BOOT_DEFAULT_AGE;
  return (long long)time(NULL) < exp;
}

/* max-age from Cache-Control, else Expires, else the default. */
static long long boot_max_age(const dv_http_resp *resp)
{
  const char *cc = dv_http_resp_header(resp, "Cache-Control");
  const char *ex = dv_http_resp_header(resp, "Expires");
  if (cc) {
    const char *m = strstr(cc, "max-age=");
    if (m) {
      long long v = strtoll(m + 8, NULL, 10);
      if (v > 0 && v < 30LL * 86400)
        return v;
    }
  }
  if (ex) {
    long v = dv_rdap_retry_after(ex, (long)time(NULL));
    if (v > 0 && v < 30L * 86400)
      return v;
  }
  return DV_BOOT_DEFAULT_AGE;
}

static void mkdirs(const char *path)
{
  char d[4096];
  snprintf(d, sizeof(d), "%s", path);
  for (char *p = d + 1; *p; p++)
    if (*p == '/') {
      *p = '\0';
      (void)mkdir(d, 0700);
      *p = '/';
    }
}

static void cache_write(const char *path, const char *buf, size_t len,
                        long long max_age)
{
  char tmp[4200], side[4200];
  FILE *f;
  mkdirs(path);
  snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
  f = fopen(tmp, "w");
  if (!f)
    return;
  if (fwrite(buf, 1, len, f) != len || fclose(f) != 0 || rename(tmp, path)) {
    unlink(tmp);
    return;
  }
  snprintf(side, sizeof(side), "%s.expires", path);
  f = fopen(side, "w");
  if (f) {
    fprintf(f, "%lld\n", (long long)time(NULL) + max_age);
    fclose(f);
  }
}

static int boot_load_builtin(dv_whois_ctx *x)
{
  char path[4096];
  if (dv_data_path("rdap_bootstrap_fallback.json", path, sizeof(path)) < 0 ||
      dv_rdap_bootstrap_load(path, &x->boot, NULL, 0) != DV_WHOIS_OK)
    return -1;
  x->boot_source = "builtin";
  return 0;
}

static void check_go(dv_whois_ctx *x, dv_whois_check *c);

static void boot_fetched(void *arg, const dv_http_resp *resp)
{
  dv_whois_ctx *x = arg;
  x->boot_fetching = 0;
  if (resp->status == DV_HTTP_OK && resp->code == 200 &&
      dv_rdap_bootstrap_parse(resp->body, resp->body_len, &x->boot, NULL, 0) ==
          DV_WHOIS_OK) {
    x->boot_source = "iana";
    cache_write(x->cache_path, resp->body, resp->body_len, boot_max_age(resp));
  } else if (resp->status != DV_HTTP_CANCELLED &&
             dv_rdap_bootstrap_load(x->cache_path, &x->boot, NULL, 0) ==
                 DV_WHOIS_OK) {
    x->boot_source = "cache (stale)";
  } else {
    (void)boot_load_builtin(x);
  }
  if (x->verbose)
    dv_trace("dvcheck: rdap bootstrap: %s", x->boot_source);
  if (x->boot && !x->rc) {
    dv_rdap_client_opts ro;
    dv_rdap_client_opts_init(&ro);
    ro.verbose = x->verbose;
    x->rc = dv_rdap_client_new(x->http, x->boot, x->pat, &ro);
  }
  for (size_t i = 0; i < x->nqueue; i++)
    check_go(x, x->queue[i]);
  x->nqueue = 0;
}

/* ---- context ----------------------------------------------------------- */

int dv_whois_ctx_init(dv_whois_ctx *x, const dv_whois_opts *o, dv_loop *loop,
                      dv_resolver *res, char *err, size_t errlen)
{
  char path[4096], e[512];
  dv_whois_client_opts wo;
  dv_rdap_client_opts ro;
  const char *allow = getenv("DVCHECK_WHOIS_ALLOW_LOOPBACK");
  double total_ms = o->timeout_s > 0 ? o->timeout_s * 1000 : 10000;

  memset(x, 0, sizeof(*x));
  x->loop = loop;
  x->verbose = o->verbose;
  x->boot_source = "none";
  if (dv_data_path("patterns.conf", path, sizeof(path)) < 0) {
    snprintf(err, errlen, "cannot find patterns.conf (set DVCHECK_DATADIR)");
    return -1;
  }
  if (dv_whois_patterns_load(path, &x->pat, e, sizeof(e)) != DV_WHOIS_OK) {
    snprintf(err, errlen, "%s", e);
    return -1;
  }
  if (o->servers_file)
    snprintf(path, sizeof(path), "%s", o->servers_file);
  else if (dv_data_path("servers.conf", path, sizeof(path)) < 0) {
    snprintf(err, errlen, "cannot find servers.conf (set DVCHECK_DATADIR)");
    return -1;
  }
  if (dv_whois_servers_load(path, &x->servers, e, sizeof(e)) != DV_WHOIS_OK) {
    snprintf(err, errlen, "%s", e[0] ? e : "cannot read the server table");
    return -1;
  }
  if (o->rdap_bootstrap && strcmp(o->rdap_bootstrap, "none") == 0) {
    x->boot_source = "none";
  } else if (o->rdap_bootstrap) {
    if (dv_rdap_bootstrap_load(o->rdap_bootstrap, &x->boot, e, sizeof(e)) !=
        DV_WHOIS_OK) {
      snprintf(err, errlen, "--rdap-bootstrap %s: %s", o->rdap_bootstrap,
               e[0] ? e : "cannot read it");
      return -1;
    }
    x->boot_source = "file";
  } else if (cache_path(x->cache_path, sizeof(x->cache_path)) == 0 &&
             cache_fresh(x->cache_path) &&
             dv_rdap_bootstrap_load(x->cache_path, &x->boot, NULL, 0) ==
                 DV_WHOIS_OK) {
    x->boot_source = "cache";
  } else if (x->cache_path[0]) {
    x->boot_fetching = 1; /* started by the first check */
  } else if (boot_load_builtin(x) < 0) {
    x->boot_source = "none";
  }
  if (x->boot || x->boot_fetching) {
    x->http = dv_http_new(loop, o->verbose >= 2);
    if (!x->http) {
      snprintf(err, errlen, "cannot initialise HTTP");
      return -1;
    }
  }
  if (x->boot) {
    dv_rdap_client_opts_init(&ro);
    ro.timeout_ms = (long)total_ms;
    ro.verbose = o->verbose;
    x->rc = dv_rdap_client_new(x->http, x->boot, x->pat, &ro);
    if (!x->rc) {
      snprintf(err, errlen, "out of memory");
      return -1;
    }
  }
  dv_whois_client_opts_init(&wo);
  wo.total_ms = (int64_t)total_ms;
  if (wo.connect_ms > wo.total_ms)
    wo.connect_ms = wo.total_ms;
  if (wo.idle_ms > wo.total_ms)
    wo.idle_ms = wo.total_ms;
  if (o->rate_per_min > 0)
    wo.rate_per_min = o->rate_per_min;
  wo.allow_loopback = allow && strcmp(allow, "1") == 0;
  wo.verbose = o->verbose;
  x->wc = dv_whois_client_new(loop, res, x->servers, x->pat, &wo);
  if (!x->wc) {
    snprintf(err, errlen, "out of memory");
    return -1;
  }
  return 0;
}

void dv_whois_ctx_free(dv_whois_ctx *x)
{
  dv_whois_client_free(x->wc);
  dv_rdap_client_free(x->rc);
  dv_http_free(x->http);
  dv_rdap_bootstrap_free(x->boot);
  dv_whois_servers_free(x->servers);
  dv_whois_patterns_free(x->pat);
  free(x->queue);
  memset(x, 0, sizeof(*x));
}

/* ---- one registrable domain -------------------------------------------- */

int dv_whois_check_init(dv_whois_check *c, const char *domain)
{
  memset(c, 0, sizeof(*c));
  snprintf(c->domain, sizeof(c->domain), "%s", domain);
  return 0;
}

int dv_whois_check_add_name(dv_whois_check *c, const char *name)
{
  char **n = realloc(c->names, (c->nnames + 1) * sizeof(*n));
  if (!n)
    return -1;
  c->names = n;
  n[c->nnames] = strdup(name);
  if (!n[c->nnames])
    return -1;
  c->nnames++;
  return 0;
}

void dv_whois_check_free(dv_whois_check *c)
{
  for (size_t i = 0; i < c->nnames; i++)
    free(c->names[i]);
  free(c->names);
  dv_findings_free(&c->findings);
  memset(c, 0, sizeof(*c));
}

static void whois_done(void *arg, const dv_whois_lookup_result *r)
{
  dv_whois_check *c = arg;
  c->wl = *r;
  c->done = 1;
}

static void start_whois(dv_whois_check *c)
{
  c->whois_asked = 1;
  if (dv_whois_lookup(c->ctx->wc, c->domain, whois_done, c) < 0)
    c->ctx->nomem = 1;
}

static void rdap_done(void *arg, const dv_rdap_lookup_result *r)
{
  dv_whois_check *c = arg;
  c->rdap = *r;
  if (r->cancelled || (r->have_info && !r->info.throttled)) {
    c->done = 1;
    return;
  }
  start_whois(c); /* no RDAP for the TLD, RDAP failed or throttled */
}

static void check_go(dv_whois_ctx *x, dv_whois_check *c)
{
  if (x->rc) {
    c->rdap_asked = 1;
    if (dv_rdap_lookup(x->rc, x->loop, c->domain, rdap_done, c) < 0)
      x->nomem = 1;
  } else {
    start_whois(c);
  }
}

void dv_whois_check_start(dv_whois_ctx *x, dv_whois_check *c)
{
  c->ctx = x;
  if (x->boot_fetching) {
    if (x->nqueue == x->capqueue) {
      size_t nc = x->capqueue ? x->capqueue * 2 : 8;
      dv_whois_check **q = realloc(x->queue, nc * sizeof(*q));
      if (!q) {
        x->nomem = 1;
        return;
      }
      x->queue = q;
      x->capqueue = nc;
    }
    x->queue[x->nqueue++] = c;
    if (x->nqueue == 1) {
      dv_http_req req;
      memset(&req, 0, sizeof(req));
      req.url = bootstrap_url();
      req.timeout_ms = 8000;
      req.max_body = DV_BOOT_MAX;
      req.trace_label = "rdap-bootstrap";
      if (x->verbose)
        dv_trace("dvcheck: rdap bootstrap: fetching %s", bootstrap_url());
      if (dv_http_request(x->http, &req, boot_fetched, x) != DV_HTTP_OK) {
        dv_http_resp fake;
        memset(&fake, 0, sizeof(fake));
        fake.status = DV_HTTP_ERROR;
        boot_fetched(x, &fake);
      }
    }
    return;
  }
  check_go(x, c);
}

/* ---- findings ---------------------------------------------------------- */

void dv_whois_info_findings(dv_findings *fl, const dv_whois_info *w,
                            const char *subject)
{
  const dv_contact *roles[3] = {&w->registrant, &w->admin, &w->tech};
  dv_finding *f;
  int emails = 0;

  if (w->empty) { /* no data at all: nothing else to say */
    f = dv_findings_add(fl, DV_F_WHOIS_EMPTY_REPLY, subject);
    dv_finding_ev(fl, f, "source", "%s", w->source);
    return;
  }
  if (w->throttled) {
    f = dv_findings_add(fl, DV_F_WHOIS_THROTTLED, subject);
    dv_finding_ev(fl, f, "source", "%s", w->source);
  }
  if (w->captcha)
    dv_findings_add(fl, DV_F_WHOIS_CAPTCHA, subject);
  if (w->web_only[0]) {
    f = dv_findings_add(fl, DV_F_WHOIS_WEB_ONLY, subject);
    dv_finding_ev(fl, f, "url", "%s", w->web_only);
  }
  if (w->not_found && !w->throttled)
    dv_findings_add(fl, DV_F_WHOIS_NOT_FOUND, subject);
  if (w->throttled || w->not_found)
    return;
  for (int i = 0; i < 3; i++) {
    if (roles[i]->status == DV_CONTACT_EMAIL ||
        roles[i]->status == DV_CONTACT_PROXY) {
      emails++;
      f = dv_findings_add(fl,
                          roles[i]->status == DV_CONTACT_PROXY
                              ? DV_F_WHOIS_CONTACT_PROXY
                              : DV_F_WHOIS_CONTACT_EMAIL,
                          subject);
      dv_finding_ev(fl, f, "role", "%s", dv_whois_role_names[i]);
      dv_finding_ev(fl, f, "email", "%s", roles[i]->email);
    }
  }
  if (!emails) {
    f = dv_findings_add(fl, DV_F_WHOIS_NO_CONTACT_EMAIL, subject);
    for (int i = 0; i < 3; i++)
      dv_finding_ev(fl, f, dv_whois_role_names[i], "%s",
                    dv_contact_status_str(roles[i]->status));
  }
}

const char *dv_rdap_hop_problem(const dv_rdap_hop *h, char *buf, size_t len)
{
  if (h->status != DV_HTTP_OK)
    snprintf(buf, len, "%s", dv_http_status_str(h->status));
  else if (h->malformed)
    snprintf(buf, len, "malformed RDAP JSON");
  else if (h->throttled)
    snprintf(buf, len, "HTTP 429 (throttled)");
  else if (h->code != 200 && h->code != 404)
    snprintf(buf, len, "HTTP %ld", h->code);
  else
    return NULL;
  return buf;
}

void dv_whois_check_finish(dv_whois_check *c)
{
  dv_findings *fl = &c->findings;
  const char *s = c->domain;
  const dv_rdap_lookup_result *r = &c->rdap;
  const dv_whois_lookup_result *w = &c->wl;
  int rdap_ok = c->rdap_asked && r->have_info && !r->info.throttled;
  int whois_ok = c->whois_asked && w->have_info && !w->failed;
  dv_finding *f;
  char why[128];

  if (rdap_ok) {
    c->info = r->info;
    c->have_info = 1;
  } else if (whois_ok) {
    c->info = w->info;
    c->have_info = 1;
    if (c->rdap_asked && !r->no_service && !r->cancelled) {
      f = dv_findings_add(fl, DV_F_WHOIS_RDAP_FALLBACK, s);
      if (r->nhops)
        dv_finding_ev(fl, f, "rdap", "%s: %s", r->hops[0].url,
                      dv_rdap_hop_problem(&r->hops[0], why, sizeof(why))
                          ? why
                          : "no usable answer");
    }
  } else if (c->rdap_asked && r->have_info) {
    c->info = r->info; /* throttled, and port 43 did not help */
    c->have_info = 1;
  }

  if (c->whois_asked && w->backoff_skipped) {
    const dv_whois_hop *h = w->nhops ? &w->hops[w->nhops - 1] : NULL;
    f = dv_findings_add(fl, DV_F_WHOIS_BACKOFF, s);
    dv_finding_ev(fl, f, "server", "%s", h ? h->host : "?");
    dv_finding_ev(fl, f, "reason", "%s", w->backoff_why);
    dv_finding_ev(fl, f, "wait_s", "%.1f", (double)w->backoff_ms / 1000.0);
  }
  if (!c->have_info) {
    if ((!c->rdap_asked || r->no_service) && c->whois_asked && w->no_server) {
      f = dv_findings_add(fl, DV_F_WHOIS_NO_SERVER, s);
      dv_finding_ev(fl, f, "whois", "%s", w->no_server_why);
      dv_finding_ev(fl, f, "rdap", "%s",
                    c->rdap_asked ? "no service in the bootstrap" : "not used");
      return;
    }
    if (r->cancelled || w->cancelled) {
      c->incomplete = 1;
      return;
    }
    c->incomplete = 1;
    if (c->whois_asked && w->backoff_skipped)
      return;
    f = dv_findings_add(fl, DV_F_WHOIS_LOOKUP_FAILED, s);
    for (size_t i = 0; i < r->nhops; i++)
      dv_finding_ev(fl, f, "rdap", "%s: %s", r->hops[i].url,
                    dv_rdap_hop_problem(&r->hops[i], why, sizeof(why)) ? why
                                                                       : "ok");
    for (size_t i = 0; i < w->nhops; i++)
      dv_finding_ev(fl, f, "whois", "%s: %s", w->hops[i].host,
                    dv_wfetch_status_str(w->hops[i].status));
    return;
  }
  dv_whois_info_findings(fl, &c->info, s);
  /* what happened along the way */
  if (rdap_ok) {
    for (size_t i = 1; i < r->nhops; i++)
      if (dv_rdap_hop_problem(&r->hops[i], why, sizeof(why)) &&
          !r->hops[i].throttled) {
        f = dv_findings_add(fl, DV_F_WHOIS_SERVER_FAILED, s);
        dv_finding_ev(fl, f, "server", "%s", r->hops[i].url);
        dv_finding_ev(fl, f, "reason", "%s", why);
      }
    if (r->loop) {
      f = dv_findings_add(fl, DV_F_WHOIS_REFERRAL_LOOP, s);
      dv_finding_ev(fl, f, "link", "%s", r->loop_url);
      dv_finding_ev(fl, f, "reason", "%s", r->loop_why);
    }
    return;
  }
  if (!c->whois_asked)
    return;
  for (size_t i = 0; i < w->nhops; i++) {
    const dv_whois_hop *h = &w->hops[i];
    if (h->truncated) {
      f = dv_findings_add(fl, DV_F_WHOIS_REPLY_TRUNCATED, s);
      dv_finding_ev(fl, f, "server", "%s", h->host);
      dv_finding_ev(fl, f, "bytes_read", "%zu", h->bytes);
    }
    if (i > 0 && h->status != DV_WFETCH_OK && !h->skipped) {
      f = dv_findings_add(fl, DV_F_WHOIS_SERVER_FAILED, s);
      dv_finding_ev(fl, f, "server", "%s", h->host);
      dv_finding_ev(fl, f, "reason", "%s", dv_wfetch_status_str(h->status));
    }
  }
  if (w->ref_kind == DV_WREF_IGNORED) {
    f = dv_findings_add(fl, DV_F_WHOIS_REFERRAL_IGNORED, s);
    dv_finding_ev(fl, f, "referral", "%s", w->ref_value);
    dv_finding_ev(fl, f, "reason", "%s", w->ref_reason);
  } else if (w->ref_kind == DV_WREF_LOOP || w->ref_kind == DV_WREF_HOP_LIMIT) {
    f = dv_findings_add(fl, DV_F_WHOIS_REFERRAL_LOOP, s);
    dv_finding_ev(fl, f, "referral", "%s", w->ref_value);
    dv_finding_ev(fl, f, "reason", "%s", w->ref_reason);
  }
}

/* ---- output ------------------------------------------------------------ */

static json_t *contact_json(const dv_contact *c)
{
  return json_pack("{s:s, s:o, s:o}", "status",
                   dv_contact_status_str(c->status), "email",
                   c->email[0] ? dv_json_str(c->email) : json_null(), "raw",
                   c->raw[0] ? dv_json_str(c->raw) : json_null());
}

json_t *dv_whois_contacts_json(const dv_whois_info *w)
{
  return json_pack("{s:o, s:o, s:o}", "registrant",
                   contact_json(&w->registrant), "admin",
                   contact_json(&w->admin), "tech", contact_json(&w->tech));
}

json_t *dv_whois_check_json(const dv_whois_check *c)
{
  json_t *servers = json_array(), *names = json_array(), *o;
  const dv_whois_info *w = &c->info;
  const char *referral = NULL;

  for (size_t i = 0; names && i < c->nnames; i++)
    json_array_append_new(names, dv_json_str(c->names[i]));
  for (size_t i = 0; servers && c->rdap_asked && i < c->rdap.nhops; i++) {
    const dv_rdap_hop *h = &c->rdap.hops[i];
    char why[128];
    json_t *j = json_pack(
        "{s:s, s:s, s:o, s:s, s:i, s:b, s:b}", "source", "rdap", "role",
        h->role, "url", dv_json_str(h->url), "status",
        dv_rdap_hop_problem(h, why, sizeof(why)) ? why : "ok", "http_code",
        (int)h->code, "throttled", h->throttled, "not_found", h->not_found);
    if (j && h->retry_after_s >= 0)
      json_object_set_new(j, "retry_after_s",
                          json_integer((json_int_t)h->retry_after_s));
    if (j)
      json_array_append_new(servers, j);
  }
  for (size_t i = 0; servers && c->whois_asked && i < c->wl.nhops; i++) {
    const dv_whois_hop *h = &c->wl.hops[i];
    json_t *j = json_pack(
        "{s:s, s:s, s:o, s:o, s:s, s:I, s:b, s:b, s:b, s:b, s:i}", "source",
        "whois", "role", h->role, "host", dv_json_str(h->host), "address",
        h->addr[0] ? dv_json_str(h->addr) : json_null(), "status",
        h->skipped ? "not asked" : dv_wfetch_status_str(h->status), "bytes",
        (json_int_t)h->bytes, "truncated", h->truncated, "throttled",
        h->throttled, "not_found", h->not_found, "skipped", h->skipped,
        "retries", h->retries);
    if (j)
      json_array_append_new(servers, j);
  }
  if (c->have_info && !strcmp(w->source, "rdap") && c->rdap.related_followed[0])
    referral = c->rdap.related_followed;
  else if (c->have_info && c->wl.referral_followed[0])
    referral = c->wl.referral_followed;
  o = json_pack(
      "{s:o, s:o, s:o, s:o, s:b, s:b, s:o, s:b, s:b, s:o, s:o, s:s}", "domain",
      dv_json_str(c->domain), "names", names ? names : json_array(), "source",
      c->have_info ? json_string(w->source) : json_null(), "contacts",
      dv_whois_contacts_json(w), "throttled", c->have_info && w->throttled,
      "captcha", c->have_info && w->captcha, "web_only",
      c->have_info && w->web_only[0] ? dv_json_str(w->web_only) : json_null(),
      "not_found", c->have_info && w->not_found, "truncated",
      c->have_info && w->truncated, "servers", servers ? servers : json_array(),
      "referral", referral ? dv_json_str(referral) : json_null(),
      "rdap_bootstrap", c->ctx ? c->ctx->boot_source : "none");
  if (o)
    json_object_set_new(o, "empty", json_boolean(c->have_info && w->empty));
  if (o)
    json_object_set_new(o, "findings", dv_findings_json(&c->findings));
  return o;
}
