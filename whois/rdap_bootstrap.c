/* dvcheck -- RDAP bootstrap (RFC 9224) parsing and lookup. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "base/json.h"
#include "whois/rdap_bootstrap.h"
#include "whois/whois_int.h"

#define DV_BOOTSTRAP_MAX_NAME 253
#define DV_BOOTSTRAP_FILE_MAX (16u * 1024u * 1024u)

struct entry {
  char *suffix; /* lower case, no leading/trailing dot */
  char *url;    /* ends with '/' */
};

struct dv_rdap_bootstrap {
  struct entry *v;
  size_t n, cap;
};

static void set_err(char *err, size_t errlen, const char *msg)
{
  if (err && errlen)
    snprintf(err, errlen, "%s", msg);
}

void dv_rdap_bootstrap_free(dv_rdap_bootstrap *b)
{
  size_t i;
  if (!b)
    return;
  for (i = 0; i < b->n; i++) {
    free(b->v[i].suffix);
    free(b->v[i].url);
  }
  free(b->v);
  free(b);
}

size_t dv_rdap_bootstrap_count(const dv_rdap_bootstrap *b)
{
  return b ? b->n : 0;
}

static int entry_cmp(const void *a, const void *b)
{
  return strcmp(((const struct entry *)a)->suffix,
                ((const struct entry *)b)->suffix);
}

/* Lower-case NAME without trailing dot into DST; 0 if not a plain name. */
static int norm_name(const char *name, char *dst, size_t dstlen)
{
  size_t n, i;
  if (!name)
    return 0;
  n = strlen(name);
  if (n && name[n - 1] == '.')
    n--;
  if (!n || n >= dstlen || n > DV_BOOTSTRAP_MAX_NAME)
    return 0;
  for (i = 0; i < n; i++) {
    unsigned char c = (unsigned char)name[i];
    if (!(isalnum(c) || c == '-' || c == '.' || c == '_'))
      return 0;
    if (c == '.' && (i == 0 || name[i - 1] == '.'))
      return 0;
    dst[i] = (char)tolower(c);
  }
  dst[n] = '\0';
  return 1;
}

static dv_whois_status add_entry(dv_rdap_bootstrap *b, const char *suffix,
                                 const char *url)
{
  char norm[DV_BOOTSTRAP_MAX_NAME + 2];
  size_t ul;
  struct entry *e;

  if (!norm_name(suffix, norm, sizeof(norm)))
    return DV_WHOIS_OK; /* ignore entries we cannot use */
  if (b->n == b->cap) {
    size_t nc = b->cap ? b->cap * 2 : 64;
    struct entry *nv = realloc(b->v, nc * sizeof(*nv));
    if (!nv)
      return DV_WHOIS_ENOMEM;
    b->v = nv;
    b->cap = nc;
  }
  e = &b->v[b->n];
  ul = strlen(url);
  e->suffix = strdup(norm);
  e->url = malloc(ul + 2);
  if (!e->suffix || !e->url) {
    free(e->suffix);
    free(e->url);
    return DV_WHOIS_ENOMEM;
  }
  memcpy(e->url, url, ul + 1);
  if (!ul || url[ul - 1] != '/') {
    e->url[ul] = '/';
    e->url[ul + 1] = '\0';
  }
  b->n++;
  return DV_WHOIS_OK;
}

/* Pick the URL of one service: first https, else first http. */
static const char *pick_url(json_t *urls)
{
  size_t i;
  json_t *u;
  const char *http = NULL;
  json_array_foreach(urls, i, u) {
    const char *s = json_string_value(u);
    if (!s)
      continue;
    if (!strncmp(s, "https://", 8))
      return s;
    if (!http && !strncmp(s, "http://", 7))
      http = s;
  }
  return http;
}

dv_whois_status dv_rdap_bootstrap_parse(const char *buf, size_t len,
                                        dv_rdap_bootstrap **out, char *err,
                                        size_t errlen)
{
  json_t *root = NULL, *services, *svc, *names, *nm;
  json_error_t jerr;
  dv_rdap_bootstrap *b = NULL;
  dv_whois_status st = DV_WHOIS_OK;
  size_t i, j, k;

  if (err && errlen)
    err[0] = '\0';
  if (!out || (!buf && len)) {
    set_err(err, errlen, "invalid argument");
    return DV_WHOIS_EINVAL;
  }
  *out = NULL;
  root = json_loadb(buf ? buf : "", len, 0, &jerr);
  if (!root) {
    if (err && errlen) {
      char why[200];
      snprintf(err, errlen, "line %d: %s", jerr.line,
               dv_json_error_reason(&jerr, why, sizeof(why)));
    }
    st = DV_WHOIS_EFORMAT;
    goto out;
  }
  services = json_object_get(root, "services");
  if (!json_is_array(services)) {
    set_err(err, errlen, "no \"services\" array");
    st = DV_WHOIS_EFORMAT;
    goto out;
  }
  b = calloc(1, sizeof(*b));
  if (!b) {
    st = DV_WHOIS_ENOMEM;
    goto out;
  }
  json_array_foreach(services, i, svc) {
    const char *url;
    if (!json_is_array(svc) || json_array_size(svc) < 2)
      continue;
    names = json_array_get(svc, 0);
    url = pick_url(json_array_get(svc, 1));
    if (!url || !json_is_array(names))
      continue;
    json_array_foreach(names, j, nm) {
      const char *s = json_string_value(nm);
      if (!s)
        continue;
      st = add_entry(b, s, url);
      if (st)
        goto out;
    }
  }
  if (b->n)
    qsort(b->v, b->n, sizeof(*b->v), entry_cmp);
  /* drop duplicate suffixes, first (after sort: arbitrary but stable) wins */
  for (i = k = 0; i < b->n; i++) {
    if (k && !strcmp(b->v[k - 1].suffix, b->v[i].suffix)) {
      free(b->v[i].suffix);
      free(b->v[i].url);
      continue;
    }
    b->v[k++] = b->v[i];
  }
  b->n = k;
  *out = b;
  b = NULL;
out:
  if (st == DV_WHOIS_ENOMEM)
    set_err(err, errlen, "out of memory");
  dv_rdap_bootstrap_free(b);
  json_decref(root);
  return st;
}

dv_whois_status dv_rdap_bootstrap_load(const char *path,
                                       dv_rdap_bootstrap **out, char *err,
                                       size_t errlen)
{
  char *txt = NULL;
  size_t len = 0;
  dv_whois_status st;

  if (!path || !out) {
    set_err(err, errlen, "invalid argument");
    return DV_WHOIS_EINVAL;
  }
  *out = NULL;
  st = dv_whois_read_file(path, DV_BOOTSTRAP_FILE_MAX, &txt, &len);
  if (st) {
    if (err && errlen)
      snprintf(err, errlen, "%s: %s", path, dv_whois_status_str(st));
    return st;
  }
  st = dv_rdap_bootstrap_parse(txt, len, out, err, errlen);
  free(txt);
  return st;
}

static const struct entry *find_suffix(const dv_rdap_bootstrap *b,
                                       const char *suffix)
{
  struct entry key;
  key.suffix = (char *)(uintptr_t)suffix;
  key.url = NULL;
  if (!b->n)
    return NULL;
  return bsearch(&key, b->v, b->n, sizeof(*b->v), entry_cmp);
}

const char *dv_rdap_bootstrap_base(const dv_rdap_bootstrap *b,
                                   const char *domain, const char **matched)
{
  char name[DV_BOOTSTRAP_MAX_NAME + 2];
  const char *s;
  const struct entry *e;

  if (matched)
    *matched = NULL;
  if (!b || !norm_name(domain, name, sizeof(name)))
    return NULL;
  /* longest first: the whole name, then drop one label at a time */
  for (s = name; s; s = strchr(s, '.') ? strchr(s, '.') + 1 : NULL) {
    e = find_suffix(b, s);
    if (e) {
      if (matched)
        *matched = e->suffix;
      return e->url;
    }
  }
  return NULL;
}

dv_whois_status dv_rdap_bootstrap_domain_url(const dv_rdap_bootstrap *b,
                                             const char *domain, char *url,
                                             size_t urllen)
{
  char name[DV_BOOTSTRAP_MAX_NAME + 2];
  const char *base;
  int n;

  if (!b || !url || !urllen || !norm_name(domain, name, sizeof(name)))
    return DV_WHOIS_EINVAL;
  url[0] = '\0';
  base = dv_rdap_bootstrap_base(b, name, NULL);
  if (!base)
    return DV_WHOIS_ENOTFOUND;
  n = snprintf(url, urllen, "%sdomain/%s", base, name);
  if (n < 0 || (size_t)n >= urllen) {
    url[0] = '\0';
    return DV_WHOIS_EINVAL;
  }
  return DV_WHOIS_OK;
}
