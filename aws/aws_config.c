/* dvcheck -- the AWS shared configuration files (see aws_config.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aws/aws_config.h"
#include "base/buf.h"
#include "base/names.h"
#include "base/secret.h"
#include "base/text.h"

/* ---- small helpers ------------------------------------------------------- */

/* Python's str.strip() whitespace, ASCII part. */
static int is_ws(unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f' || (c >= 0x1c && c <= 0x1f);
}

static char *mem_dup(const char *p, size_t n)
{
  char *s = malloc(n + 1);
  if (!s)
    return NULL;
  memcpy(s, p, n);
  s[n] = '\0';
  return s;
}

/* Trim [*b, *e) in place (pointers). */
static void trim(const char **b, const char **e)
{
  while (*b < *e && is_ws((unsigned char)**b))
    (*b)++;
  while (*e > *b && is_ws((unsigned char)(*e)[-1]))
    (*e)--;
}

/* ---- the in-memory model ------------------------------------------------- */

static void entry_free(dv_awscfg_entry *e)
{
  dv_secret_free(e->key);
  dv_secret_free(e->value);
  for (size_t i = 0; i < e->nsub; i++) {
    dv_secret_free(e->sub[i].key);
    dv_secret_free(e->sub[i].value);
  }
  free(e->sub);
  memset(e, 0, sizeof(*e));
}

static void section_free(dv_awscfg_section *s)
{
  for (size_t i = 0; i < s->nentries; i++)
    entry_free(&s->entries[i]);
  free(s->entries);
  free(s->name);
  memset(s, 0, sizeof(*s));
}

void dv_awscfg_free(dv_awscfg_file *f)
{
  if (!f)
    return;
  for (size_t i = 0; i < f->nsections; i++)
    section_free(&f->sections[i]);
  free(f->sections);
  section_free(&f->defaults);
  memset(f, 0, sizeof(*f));
}

static dv_awscfg_entry *section_entry(const dv_awscfg_section *s,
                                      const char *key)
{
  for (size_t i = 0; i < s->nentries; i++)
    if (strcmp(s->entries[i].key, key) == 0)
      return &s->entries[i];
  return NULL;
}

const dv_awscfg_section *dv_awscfg_section_find(const dv_awscfg_file *f,
                                                const char *name)
{
  if (!f || !name)
    return NULL;
  for (size_t i = 0; i < f->nsections; i++)
    if (strcmp(f->sections[i].name, name) == 0)
      return &f->sections[i];
  return NULL;
}

static const dv_awscfg_entry *
lookup(const dv_awscfg_file *f, const dv_awscfg_section *s, const char *key)
{
  const dv_awscfg_entry *e;
  if (!s || !key)
    return NULL;
  e = section_entry(s, key);
  if (!e && f)
    e = section_entry(&f->defaults, key);
  return e;
}

const char *dv_awscfg_get(const dv_awscfg_file *f, const dv_awscfg_section *s,
                          const char *key)
{
  const dv_awscfg_entry *e = lookup(f, s, key);
  return e && !e->nested ? e->value : NULL;
}

const char *dv_awscfg_sub_get(const dv_awscfg_file *f,
                              const dv_awscfg_section *s, const char *key,
                              const char *subkey)
{
  const dv_awscfg_entry *e = lookup(f, s, key);
  const char *v = NULL;
  if (!e || !e->nested)
    return NULL;
  for (size_t i = 0; i < e->nsub; i++) /* the last one wins, like a dict */
    if (strcmp(e->sub[i].key, subkey) == 0)
      v = e->sub[i].value;
  return v;
}

/* ---- parser -------------------------------------------------------------- */

/* A value under construction (a secret buffer): its lines, joined with
 * '\n'. */
static int vb_add(dv_buf *v, const char *p, size_t n, int newline)
{
  if (dv_buf_reserve(v, n + (newline ? 1 : 0)) != DV_BUF_OK)
    return -1;
  if (newline)
    (void)dv_buf_appendc(v, '\n'); /* reserved above: cannot fail */
  (void)dv_buf_append(v, p, n);
  return 0;
}

typedef struct {
  dv_awscfg_file *f;
  dv_awscfg_section *cur; /* the section being filled */
  dv_awscfg_entry *opt;   /* the key whose value may continue */
  dv_buf val;             /* that key's value (DV_BUF_SECRET) */
  size_t indent;          /* indentation of the key line */
  char *err;
  size_t errlen;
} parser;

/* A key or section name for an error message: escaped (the file may hold
 * terminal escapes), at most 60 bytes of it. */
static const char *shown_name(const char *s, char *out, size_t outlen)
{
  size_t n = strlen(s);
  return dv_text_escape(s, n > 60 ? 60 : n, out, outlen);
}

static int parse_nested(dv_awscfg_entry *e)
{
  /* botocore _parse_nested(): every non-blank line is "k = v" */
  const char *p = e->value;
  size_t n = 0;
  for (const char *q = p; *q; q++)
    n += *q == '\n';
  e->sub = calloc(n + 1, sizeof(*e->sub));
  if (!e->sub)
    return -2;
  for (;;) {
    const char *end = strchr(p, '\n'), *b = p, *le, *eq;
    if (!end)
      end = p + strlen(p);
    le = end;
    trim(&b, &le);
    if (b < le) {
      const char *kb = b, *ke, *vb2, *ve = le;
      eq = memchr(b, '=', (size_t)(le - b));
      if (!eq)
        return -1;
      ke = eq;
      vb2 = eq + 1;
      trim(&kb, &ke);
      trim(&vb2, &ve);
      e->sub[e->nsub].key = mem_dup(kb, (size_t)(ke - kb));
      e->sub[e->nsub].value = mem_dup(vb2, (size_t)(ve - vb2));
      e->nsub++;
      if (!e->sub[e->nsub - 1].key || !e->sub[e->nsub - 1].value)
        return -2;
    }
    if (!*end)
      break;
    p = end + 1;
  }
  e->nested = 1;
  return 0;
}

/* Finish the value of the current key: join, rstrip, nested parse. */
static dv_awscfg_status finish_value(parser *ps, unsigned long lineno)
{
  dv_awscfg_entry *e = ps->opt;
  size_t n = ps->val.len;
  int r;
  if (!e)
    return DV_AWSCFG_OK;
  ps->opt = NULL;
  while (n > 0 && is_ws((unsigned char)ps->val.p[n - 1]))
    n--;
  e->value = mem_dup(ps->val.p ? ps->val.p : "", n);
  dv_buf_clear(&ps->val);
  if (!e->value)
    return DV_AWSCFG_E_NOMEM;
  if (e->value[0] != '\n')
    return DV_AWSCFG_OK;
  r = parse_nested(e);
  if (r == -2)
    return DV_AWSCFG_E_NOMEM;
  if (r < 0) {
    char k[256];
    snprintf(ps->err, ps->errlen,
             "line %lu: the sub-section '%s' has a line without '='", lineno,
             shown_name(e->key, k, sizeof(k)));
    return DV_AWSCFG_E_SYNTAX;
  }
  return DV_AWSCFG_OK;
}

static dv_awscfg_status add_section(parser *ps, const char *name, size_t n,
                                    unsigned long lineno)
{
  dv_awscfg_file *f = ps->f;
  char *nm = mem_dup(name, n);
  if (!nm)
    return DV_AWSCFG_E_NOMEM;
  if (strcmp(nm, "DEFAULT") == 0) {
    free(nm);
    ps->cur = &f->defaults;
    return DV_AWSCFG_OK;
  }
  if (dv_awscfg_section_find(f, nm)) {
    char sn[256];
    snprintf(ps->err, ps->errlen,
             "line %lu: section [%s] appears twice (the AWS CLI refuses "
             "this too)",
             lineno, shown_name(nm, sn, sizeof(sn)));
    free(nm);
    return DV_AWSCFG_E_DUPLICATE;
  }
  if (f->nsections == f->cap) {
    size_t ncap = f->cap ? f->cap * 2 : 8;
    dv_awscfg_section *ns = realloc(f->sections, ncap * sizeof(*ns));
    if (!ns) {
      free(nm);
      return DV_AWSCFG_E_NOMEM;
    }
    f->sections = ns;
    f->cap = ncap;
  }
  memset(&f->sections[f->nsections], 0, sizeof(f->sections[0]));
  f->sections[f->nsections].name = nm;
  ps->cur = &f->sections[f->nsections++];
  return DV_AWSCFG_OK;
}

static dv_awscfg_status add_option(parser *ps, const char *kb, const char *ke,
                                   const char *vb, const char *ve,
                                   unsigned long lineno)
{
  dv_awscfg_section *s = ps->cur;
  char *key = mem_dup(kb, (size_t)(ke - kb));
  if (!key)
    return DV_AWSCFG_E_NOMEM;
  for (char *q = key; *q; q++)
    if (*q >= 'A' && *q <= 'Z')
      *q = (char)(*q - 'A' + 'a');
  if (section_entry(s, key)) {
    char k[256], sn[256];
    snprintf(ps->err, ps->errlen,
             "line %lu: key '%s' appears twice in section [%s]", lineno,
             shown_name(key, k, sizeof(k)),
             shown_name(s->name ? s->name : "DEFAULT", sn, sizeof(sn)));
    free(key);
    return DV_AWSCFG_E_DUPLICATE;
  }
  if (s->nentries == s->cap) {
    size_t ncap = s->cap ? s->cap * 2 : 8;
    dv_awscfg_entry *ne = realloc(s->entries, ncap * sizeof(*ne));
    if (!ne) {
      free(key);
      return DV_AWSCFG_E_NOMEM;
    }
    s->entries = ne;
    s->cap = ncap;
  }
  memset(&s->entries[s->nentries], 0, sizeof(s->entries[0]));
  s->entries[s->nentries].key = key;
  ps->opt = &s->entries[s->nentries++];
  dv_buf_clear(&ps->val);
  if (vb_add(&ps->val, vb, (size_t)(ve - vb), 0) < 0)
    return DV_AWSCFG_E_NOMEM;
  return DV_AWSCFG_OK;
}

static dv_awscfg_status parse_line(parser *ps, const char *line, size_t n,
                                   unsigned long lineno)
{
  const char *b = line, *e = line + n;
  size_t indent;
  trim(&b, &e);
  if (b == e) {
    /* blank: part of a multi-line value (trailing ones are stripped) */
    if (ps->opt && vb_add(&ps->val, "", 0, 1) < 0)
      return DV_AWSCFG_E_NOMEM;
    return DV_AWSCFG_OK;
  }
  if (*b == '#' || *b == ';')
    return DV_AWSCFG_OK; /* comment, also inside a multi-line value */
  indent = (size_t)(b - line);
  if (ps->opt && indent > ps->indent)
    return vb_add(&ps->val, b, (size_t)(e - b), 1) < 0 ? DV_AWSCFG_E_NOMEM
                                                       : DV_AWSCFG_OK;
  ps->indent = indent;
  if (*b == '[') {
    const char *close = NULL;
    for (const char *q = b + 1; q < e; q++)
      if (*q == ']')
        close = q;
    if (close && close > b + 1) {
      dv_awscfg_status st = finish_value(ps, lineno);
      if (st != DV_AWSCFG_OK)
        return st;
      return add_section(ps, b + 1, (size_t)(close - b - 1), lineno);
    }
  }
  if (!ps->cur) {
    snprintf(ps->err, ps->errlen,
             "line %lu: text before the first [section] header%s", lineno,
             lineno == 1 && (unsigned char)b[0] == 0xef
                 ? " (the file starts with a UTF-8 byte order mark; save it "
                   "without one)"
                 : "");
    return DV_AWSCFG_E_SYNTAX;
  }
  {
    const char *d = b, *kb = b, *ke, *vb, *ve = e;
    dv_awscfg_status st;
    while (d < e && *d != '=' && *d != ':')
      d++;
    if (d == e) {
      snprintf(ps->err, ps->errlen,
               "line %lu: expected 'key = value', a [section] header or a "
               "comment",
               lineno);
      return DV_AWSCFG_E_SYNTAX;
    }
    ke = d;
    trim(&kb, &ke);
    if (kb == ke) {
      snprintf(ps->err, ps->errlen, "line %lu: a value without a key", lineno);
      return DV_AWSCFG_E_SYNTAX;
    }
    vb = d + 1;
    trim(&vb, &ve);
    st = finish_value(ps, lineno);
    if (st != DV_AWSCFG_OK)
      return st;
    return add_option(ps, kb, ke, vb, ve, lineno);
  }
}

dv_awscfg_status dv_awscfg_parse(const char *text, size_t len,
                                 dv_awscfg_file *out, char *err, size_t errlen)
{
  parser ps;
  dv_awscfg_status st = DV_AWSCFG_OK;
  unsigned long lineno = 0;
  size_t i = 0;

  memset(out, 0, sizeof(*out));
  memset(&ps, 0, sizeof(ps));
  dv_buf_init(&ps.val, 0, DV_BUF_SECRET);
  ps.f = out;
  ps.err = err;
  ps.errlen = errlen;
  if (errlen)
    err[0] = '\0';
  if (len > DV_AWSCFG_MAX_BYTES) {
    snprintf(err, errlen, "larger than %d bytes: not a configuration file",
             DV_AWSCFG_MAX_BYTES);
    return DV_AWSCFG_E_TOO_BIG;
  }
  if (len && memchr(text, '\0', len)) {
    snprintf(err, errlen, "contains NUL bytes: a binary file, not text");
    return DV_AWSCFG_E_BINARY;
  }
  if (!dv_utf8_valid((const unsigned char *)text, len)) {
    snprintf(err, errlen, "not valid UTF-8 text");
    return DV_AWSCFG_E_ENCODING;
  }
  while (i < len && st == DV_AWSCFG_OK) {
    size_t j = i;
    while (j < len && text[j] != '\n' && text[j] != '\r')
      j++;
    lineno++;
    st = parse_line(&ps, text + i, j - i, lineno);
    if (j < len && text[j] == '\r' && j + 1 < len && text[j + 1] == '\n')
      j++;
    i = j + 1;
  }
  if (st == DV_AWSCFG_OK)
    st = finish_value(&ps, lineno);
  dv_buf_free(&ps.val);
  if (st != DV_AWSCFG_OK) {
    if (st == DV_AWSCFG_E_NOMEM)
      snprintf(err, errlen, "out of memory");
    dv_awscfg_free(out);
  }
  return st;
}

static char *expand_home(const char *path)
{
  const char *home;
  char *r;
  size_t n;
  if (path[0] != '~' || (path[1] != '/' && path[1] != '\0'))
    return strdup(path);
  home = getenv("HOME");
  if (!home || !*home)
    return strdup(path);
  n = strlen(home) + strlen(path);
  r = malloc(n + 1);
  if (r)
    snprintf(r, n + 1, "%s%s", home, path + 1);
  return r;
}

dv_awscfg_status dv_awscfg_load(const char *path, dv_awscfg_file *out,
                                char *err, size_t errlen)
{
  char *full = NULL, *buf = NULL, perr[400];
  struct stat sb;
  int fd = -1;
  size_t len = 0;
  dv_awscfg_status st;

  memset(out, 0, sizeof(*out));
  if (errlen)
    err[0] = '\0';
  full = expand_home(path);
  if (!full) {
    snprintf(err, errlen, "out of memory");
    return DV_AWSCFG_E_NOMEM;
  }
  if (stat(full, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    st = DV_AWSCFG_NOT_FOUND;
    goto out;
  }
  fd = open(full, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    snprintf(err, errlen, "%.300s: cannot open: %s", full, strerror(errno));
    st = DV_AWSCFG_E_READ;
    goto out;
  }
  if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    st = DV_AWSCFG_NOT_FOUND;
    goto out;
  }
  if (sb.st_size > DV_AWSCFG_MAX_BYTES) {
    snprintf(err, errlen,
             "%.300s: larger than %d bytes: not a configuration file", full,
             DV_AWSCFG_MAX_BYTES);
    st = DV_AWSCFG_E_TOO_BIG;
    goto out;
  }
  buf = malloc(DV_AWSCFG_MAX_BYTES + 1);
  if (!buf) {
    snprintf(err, errlen, "out of memory");
    st = DV_AWSCFG_E_NOMEM;
    goto out;
  }
  for (;;) {
    ssize_t r = read(fd, buf + len, DV_AWSCFG_MAX_BYTES + 1 - len);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      snprintf(err, errlen, "%.300s: read error: %s", full, strerror(errno));
      st = DV_AWSCFG_E_READ;
      goto out;
    }
    if (r == 0)
      break;
    len += (size_t)r;
    if (len > DV_AWSCFG_MAX_BYTES)
      break; /* grew while we read it */
  }
  st = dv_awscfg_parse(buf, len, out, perr, sizeof(perr));
  if (st != DV_AWSCFG_OK)
    snprintf(err, errlen, "%.300s: %s", full, perr);
out:
  if (fd >= 0)
    close(fd);
  dv_secret_free_n(buf, len);
  free(full);
  return st;
}

/* ---- shell-like splitting and section names ------------------------------ */

char **dv_shlex_split(const char *s, int *argc)
{
  size_t n = strlen(s), words = 0;
  char **argv, *out, *o;
  const char *p = s;
  int in_word = 0;

  /* worst case: every character its own word */
  argv = malloc((n / 2 + 2) * sizeof(char *) + n * 2 + 2);
  if (!argv) {
    *argc = -2;
    return NULL;
  }
  out = (char *)(argv + n / 2 + 2);
  o = out;
  while (*p) {
    char c = *p;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      if (in_word) {
        *o++ = '\0';
        in_word = 0;
      }
      p++;
      continue;
    }
    if (!in_word) {
      argv[words++] = o;
      in_word = 1;
    }
    if (c == '\\') {
      if (!p[1])
        goto bad;
      *o++ = p[1];
      p += 2;
    } else if (c == '\'') {
      const char *q = strchr(p + 1, '\'');
      if (!q)
        goto bad;
      memcpy(o, p + 1, (size_t)(q - p - 1));
      o += q - p - 1;
      p = q + 1;
    } else if (c == '"') {
      p++;
      for (;;) {
        if (!*p)
          goto bad;
        if (*p == '"')
          break;
        if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
          *o++ = p[1];
          p += 2;
          continue;
        }
        if (*p == '\\' && !p[1])
          goto bad;
        *o++ = *p++;
      }
      p++;
    } else {
      *o++ = c;
      p++;
    }
  }
  if (in_word)
    *o++ = '\0';
  argv[words] = NULL;
  *argc = (int)words;
  return argv;
bad:
  free(argv);
  *argc = -1;
  return NULL;
}

int dv_awscfg_section_prefixed(const char *section, const char *prefix,
                               char *name, size_t namelen)
{
  int argc;
  char **argv;
  int r = -1;
  if (strcmp(prefix, "profile") == 0 && strcmp(section, "default") == 0) {
    snprintf(name, namelen, "default");
    return 0;
  }
  if (strncmp(section, prefix, strlen(prefix)) != 0)
    return -1;
  argv = dv_shlex_split(section, &argc);
  if (!argv)
    return -1;
  if (argc == 2 && strlen(argv[1]) < namelen) {
    snprintf(name, namelen, "%s", argv[1]);
    r = 0;
  }
  free(argv);
  return r;
}
