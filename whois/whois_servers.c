/* dvcheck -- WHOIS server table loader and lookup. */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "whois/whois_int.h"
#include "whois/whois_servers.h"

#define DV_SERVERS_FILE_MAX (1024u * 1024u)
#define DV_SERVERS_MAX_NAME 253

struct dv_whois_servers {
  dv_whois_server *v;
  size_t n, cap;
  char **strs; /* every string owned by the table */
  size_t nstrs, capstrs;
};

static void set_err(char *err, size_t errlen, const char *name, unsigned line,
                    const char *msg)
{
  if (!err || !errlen)
    return;
  if (line)
    snprintf(err, errlen, "%s:%u: %s", name ? name : "?", line, msg);
  else
    snprintf(err, errlen, "%s: %s", name ? name : "?", msg);
}

void dv_whois_servers_free(dv_whois_servers *s)
{
  size_t i;
  if (!s)
    return;
  for (i = 0; i < s->nstrs; i++)
    free(s->strs[i]);
  free(s->strs);
  free(s->v);
  free(s);
}

size_t dv_whois_servers_count(const dv_whois_servers *s)
{
  return s ? s->n : 0;
}

static char *own(dv_whois_servers *s, const char *p, size_t n)
{
  char *d;
  if (s->nstrs == s->capstrs) {
    size_t nc = s->capstrs ? s->capstrs * 2 : 64;
    char **ns = realloc(s->strs, nc * sizeof(*ns));
    if (!ns)
      return NULL;
    s->strs = ns;
    s->capstrs = nc;
  }
  d = malloc(n + 1);
  if (!d)
    return NULL;
  memcpy(d, p, n);
  d[n] = '\0';
  s->strs[s->nstrs++] = d;
  return d;
}

static int srv_cmp(const void *a, const void *b)
{
  return strcmp(((const dv_whois_server *)a)->suffix,
                ((const dv_whois_server *)b)->suffix);
}

static int valid_suffix(const char *p, size_t n)
{
  size_t i;
  if (n == 1 && p[0] == '.')
    return 1;
  if (!n || p[0] == '.' || p[n - 1] == '.')
    return 0;
  for (i = 0; i < n; i++)
    if (!(islower((unsigned char)p[i]) || isdigit((unsigned char)p[i]) ||
          p[i] == '-' || (p[i] == '.' && p[i - 1] != '.')))
      return 0;
  return 1;
}

static int valid_host(const char *p, size_t n)
{
  size_t i;
  if (!n || !memchr(p, '.', n))
    return 0;
  for (i = 0; i < n; i++)
    if (!(isalnum((unsigned char)p[i]) || p[i] == '-' || p[i] == '.'))
      return 0;
  return 1;
}

/* one line: SUFFIX TARGET [QUERY...] */
static dv_whois_status parse_line(dv_whois_servers *s, const char *line,
                                  const char *name, unsigned lineno, char *err,
                                  size_t errlen)
{
  const char *p = line, *suf, *tgt, *q;
  size_t sl, tl, ql;
  dv_whois_server e;

  memset(&e, 0, sizeof(e));
  suf = p;
  sl = strcspn(p, " \t");
  p += sl;
  p += strspn(p, " \t");
  tgt = p;
  tl = strcspn(p, " \t");
  p += tl;
  p += strspn(p, " \t");
  q = p;
  ql = strlen(q);
  if (!valid_suffix(suf, sl)) {
    set_err(err, errlen, name, lineno, "bad suffix (lower-case LDH labels)");
    return DV_WHOIS_ESYNTAX;
  }
  if (!tl) {
    set_err(err, errlen, name, lineno, "missing server");
    return DV_WHOIS_ESYNTAX;
  }
  if (tl == 4 && !memcmp(tgt, "none", 4)) {
    e.kind = DV_WSERVER_NONE;
  } else if (tl > 4 && !memcmp(tgt, "web:", 4)) {
    e.kind = DV_WSERVER_WEB;
    if (strncmp(tgt + 4, "https://", 8) && strncmp(tgt + 4, "http://", 7)) {
      set_err(err, errlen, name, lineno, "web: needs an http(s) URL");
      return DV_WHOIS_ESYNTAX;
    }
    e.web_url = own(s, tgt + 4, tl - 4);
    if (!e.web_url)
      return DV_WHOIS_ENOMEM;
  } else {
    e.kind = DV_WSERVER_HOST;
    if (!valid_host(tgt, tl)) {
      set_err(err, errlen, name, lineno, "bad server host name");
      return DV_WHOIS_ESYNTAX;
    }
    e.host = own(s, tgt, tl);
    if (!e.host)
      return DV_WHOIS_ENOMEM;
  }
  if (ql) {
    const char *ph = strstr(q, "{}");
    if (e.kind != DV_WSERVER_HOST || !ph || strstr(ph + 2, "{}") ||
        strpbrk(q, "%\r\n")) {
      set_err(err, errlen, name, lineno,
              "query template needs exactly one {} (host entries only)");
      return DV_WHOIS_ESYNTAX;
    }
    e.query = own(s, q, ql);
  } else
    e.query = own(s, "{}", 2);
  e.suffix = own(s, suf, sl);
  if (!e.query || !e.suffix)
    return DV_WHOIS_ENOMEM;
  if (s->n == s->cap) {
    size_t nc = s->cap ? s->cap * 2 : 128;
    dv_whois_server *nv = realloc(s->v, nc * sizeof(*nv));
    if (!nv)
      return DV_WHOIS_ENOMEM;
    s->v = nv;
    s->cap = nc;
  }
  s->v[s->n++] = e;
  return DV_WHOIS_OK;
}

dv_whois_status dv_whois_servers_parse(const char *buf, size_t len,
                                       const char *name, dv_whois_servers **out,
                                       char *err, size_t errlen)
{
  dv_whois_servers *s = NULL;
  char *copy = NULL, *line, *next;
  unsigned lineno = 0;
  size_t i;
  dv_whois_status st = DV_WHOIS_OK;

  if (err && errlen)
    err[0] = '\0';
  if (!out || (!buf && len))
    return DV_WHOIS_EINVAL;
  *out = NULL;
  if (len && memchr(buf, '\0', len)) {
    set_err(err, errlen, name, 0, "NUL byte in file");
    return DV_WHOIS_ESYNTAX;
  }
  s = calloc(1, sizeof(*s));
  copy = malloc(len + 1);
  if (!s || !copy) {
    st = DV_WHOIS_ENOMEM;
    goto out;
  }
  if (len)
    memcpy(copy, buf, len);
  copy[len] = '\0';
  for (line = copy; line; line = next) {
    size_t l;
    char *hash;
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    lineno++;
    hash = strchr(line, '#');
    if (hash)
      *hash = '\0';
    l = strlen(line);
    while (l &&
           (line[l - 1] == '\r' || line[l - 1] == ' ' || line[l - 1] == '\t'))
      line[--l] = '\0';
    line += strspn(line, " \t");
    if (!*line)
      continue;
    st = parse_line(s, line, name, lineno, err, errlen);
    if (st)
      goto out;
  }
  if (s->n)
    qsort(s->v, s->n, sizeof(*s->v), srv_cmp);
  for (i = 1; i < s->n; i++) {
    if (!strcmp(s->v[i - 1].suffix, s->v[i].suffix)) {
      char msg[300];
      snprintf(msg, sizeof(msg), "duplicate entry for \"%s\"", s->v[i].suffix);
      set_err(err, errlen, name, 0, msg);
      st = DV_WHOIS_ESYNTAX;
      goto out;
    }
  }
  *out = s;
  s = NULL;
out:
  if (st == DV_WHOIS_ENOMEM)
    set_err(err, errlen, name, lineno, "out of memory");
  free(copy);
  dv_whois_servers_free(s);
  return st;
}

dv_whois_status dv_whois_servers_load(const char *path, dv_whois_servers **out,
                                      char *err, size_t errlen)
{
  char *buf = NULL;
  size_t len = 0;
  dv_whois_status st;

  if (!path || !out)
    return DV_WHOIS_EINVAL;
  *out = NULL;
  st = dv_whois_read_file(path, DV_SERVERS_FILE_MAX, &buf, &len);
  if (st) {
    set_err(err, errlen, path, 0, "cannot read file (missing or too large)");
    return st;
  }
  st = dv_whois_servers_parse(buf, len, path, out, err, errlen);
  free(buf);
  return st;
}

static const dv_whois_server *find(const dv_whois_servers *s, const char *sfx)
{
  dv_whois_server key;
  memset(&key, 0, sizeof(key));
  key.suffix = sfx;
  if (!s->n)
    return NULL;
  return bsearch(&key, s->v, s->n, sizeof(*s->v), srv_cmp);
}

const dv_whois_server *dv_whois_server_for(const dv_whois_servers *s,
                                           const char *name)
{
  char n[DV_SERVERS_MAX_NAME + 2];
  size_t len, i;
  const char *p;
  const dv_whois_server *e;
  char *ace = NULL;

  if (!s || !name)
    return NULL;
  for (p = name; *p && !((unsigned char)*p & 0x80); p++)
    ;
  if (*p) { /* U-labels: look up the A-label form */
    if (idn2_to_ascii_8z(name, &ace, IDN2_NONTRANSITIONAL) != IDN2_OK)
      return NULL;
    name = ace;
  }
  len = strlen(name);
  if (len && name[len - 1] == '.')
    len--;
  if (len && name[0] == '.') {
    name++;
    len--;
  }
  if (!len || len > DV_SERVERS_MAX_NAME) {
    idn2_free(ace);
    return NULL;
  }
  for (i = 0; i < len; i++)
    n[i] = (char)tolower((unsigned char)name[i]);
  n[len] = '\0';
  idn2_free(ace);
  for (p = n; p; p = strchr(p, '.') ? strchr(p, '.') + 1 : NULL) {
    e = find(s, p);
    if (e)
      return e;
  }
  return find(s, ".");
}

dv_whois_status dv_whois_server_query(const dv_whois_server *srv,
                                      const char *domain, char *buf,
                                      size_t buflen)
{
  const char *ph;
  size_t i, dl, pre, post;

  if (!srv || !domain || !buf || !buflen || srv->kind != DV_WSERVER_HOST)
    return DV_WHOIS_EINVAL;
  buf[0] = '\0';
  dl = strlen(domain);
  if (!dl || dl > DV_SERVERS_MAX_NAME + 1)
    return DV_WHOIS_EINVAL;
  for (i = 0; i < dl; i++) {
    unsigned char c = (unsigned char)domain[i];
    if (!(isalnum(c) || c == '-' || c == '.' || c == '_'))
      return DV_WHOIS_EINVAL;
  }
  if (domain[0] == '-')
    return DV_WHOIS_EINVAL; /* would read as a query flag */
  ph = strstr(srv->query, "{}");
  if (!ph)
    return DV_WHOIS_EINVAL;
  pre = (size_t)(ph - srv->query);
  post = strlen(ph + 2);
  if (pre + dl + post + 3 > buflen)
    return DV_WHOIS_EINVAL;
  memcpy(buf, srv->query, pre);
  memcpy(buf + pre, domain, dl);
  memcpy(buf + pre + dl, ph + 2, post);
  memcpy(buf + pre + dl + post, "\r\n", 3);
  return DV_WHOIS_OK;
}
