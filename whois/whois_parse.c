/* dvcheck -- offline WHOIS text analysis driven by a pattern file.
 *
 * How a reply is read (the rules themselves live in patterns.conf):
 *
 *  1. The first DV_WHOIS_MAX_INPUT bytes are copied and cleaned: CR/CRLF
 *     become LF, terminal escape sequences are removed, NUL and other
 *     control bytes become spaces. The copy is split into lines.
 *  2. "field" rules: one line carries a role's e-mail ("Admin Email: x").
 *     "record" rules: like fields, but only inside the paragraph that holds
 *     the domain object ("domain_object" rule), e.g. a bare "e-mail:" there.
 *  3. "handle" + "object" rules: the domain record names a contact handle
 *     ("tech-c: AB123") and a separate paragraph defines it ("nic-hdl:
 *     AB123" ... "e-mail: x"). Used for roles step 2 did not settle.
 *  4. "block" rules: a header line opens a contact block ("Technical
 *     Contact:", "[Tech-C]") whose following lines hold the address; the
 *     block ends at a blank line after its first content line (unless the
 *     line after it is indented deeper than the header), at the next
 *     header, or after DV_BLOCK_MAX_LINES lines. Used for roles still open.
 *  5. Each value found is classified: not_contact, web_form, redacted,
 *     address (+ proxy), in that order.
 *  6. Whole-response flags: not_found, captcha, web_only, referral, and
 *     throttle -- a throttle phrase only counts when the reply carries no
 *     registration data (no contact found, no "domain_data" line), so terms
 *     of use that talk about "excessive querying" never trip it. A short
 *     reply (a few lines, no data, not "not found") that contains a
 *     "throttle_hint" word is throttled too: the structural signal for
 *     notices worded in ways no rule knows. A reply with no non-blank line
 *     at all is "empty" (no data) -- neither throttled nor not found.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <pcre2.h>

#include "base/text.h"
#include "whois/whois_int.h"
#include "whois/whois_parse.h"

#define DV_BLOCK_MAX_LINES 60
/* A "short reply" for the structural throttle signal: at most this many
 * non-blank lines and bytes (a notice, not a record with terms of use). */
#define DV_SHORT_REPLY_LINES 4
#define DV_SHORT_REPLY_BYTES 320
#define DV_HANDLES_PER_ROLE  4
#define DV_PATTERN_FILE_MAX  (1024u * 1024u)
#define DV_MATCH_LIMIT       200000u
#define DV_DEPTH_LIMIT       5000u
/* Zeroed slack after every buffer handed to pcre2_match(): the JIT's
 * vector loads may read a little past the subject's end. */
#define DV_SUBJECT_PAD 64u

typedef enum {
  PC_FIELD = 0,
  PC_RECORD,
  PC_DOMAIN_OBJECT,
  PC_BLOCK,
  PC_BLOCK_EMAIL,
  PC_HANDLE,
  PC_OBJECT,
  PC_ADDRESS,
  PC_PROXY,
  PC_REDACTED,
  PC_WEB_FORM,
  PC_NOT_CONTACT,
  PC_THROTTLE,
  PC_THROTTLE_HINT,
  PC_DOMAIN_DATA,
  PC_CAPTCHA,
  PC_WEB_ONLY,
  PC_NOT_FOUND,
  PC_REFERRAL,
  PC__COUNT
} pat_class;

/* role: 0 = class takes no role, 1 = registrant/admin/tech, 2 = also other */
static const struct {
  const char *name;
  int role;
} class_tab[PC__COUNT] = {
    {"field", 1},    {"record", 1},        {"domain_object", 0},
    {"block", 2},    {"block_email", 0},   {"handle", 1},
    {"object", 0},   {"address", 0},       {"proxy", 0},
    {"redacted", 0}, {"web_form", 0},      {"not_contact", 0},
    {"throttle", 0}, {"throttle_hint", 0}, {"domain_data", 0},
    {"captcha", 0},  {"web_only", 0},      {"not_found", 0},
    {"referral", 0},
};

static const char *const role_names[DV_WROLE__COUNT] = {"registrant", "admin",
                                                        "tech", "other"};

struct pat {
  pcre2_code *re;
  int role;
};

struct patlist {
  struct pat *v;
  size_t n, cap;
};

struct dv_whois_patterns {
  struct patlist cls[PC__COUNT];
  pcre2_match_context *mctx;
};

static const char *const status_names[DV_WHOIS__COUNT] = {
    "ok",
    "invalid argument",
    "out of memory",
    "cannot read file",
    "syntax error in data file",
    "bad regular expression",
    "malformed response",
    "not found",
};

const char *dv_whois_status_str(dv_whois_status st)
{
  if ((unsigned)st >= DV_WHOIS__COUNT)
    return "unknown status";
  return status_names[st];
}

static const char *const contact_names[DV_CONTACT__COUNT] = {
    "absent", "email", "proxy", "redacted", "web_form"};

const char *dv_contact_status_str(dv_contact_status st)
{
  if ((unsigned)st >= DV_CONTACT__COUNT)
    return "unknown";
  return contact_names[st];
}

/* ------------------------------------------------------------------ */
/* small string helpers                                                */

static void copy_str(char *dst, size_t dstlen, const char *src)
{
  size_t n;
  if (!dstlen)
    return;
  n = strlen(src);
  if (n >= dstlen)
    n = dstlen - 1;
  memcpy(dst, src, n);
  dst[n] = '\0';
}

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

static int is_blank_byte(unsigned char c)
{
  return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *len)
{
  while (*len && (is_blank_byte((unsigned char)**s) || **s == '\n')) {
    (*s)++;
    (*len)--;
  }
  while (*len && (is_blank_byte((unsigned char)(*s)[*len - 1]) ||
                  (*s)[*len - 1] == '\n'))
    (*len)--;
}

/* Length of the terminal escape sequence starting at S[0] == ESC (or a C1
 * CSI/OSC byte), at most LEN. */
static size_t escape_len(const unsigned char *s, size_t len)
{
  size_t i;
  int osc;
  if (len < 2)
    return len;
  if (s[1] == '[') { /* CSI: params/intermediates then a final byte */
    for (i = 2; i < len; i++)
      if (s[i] >= 0x40 && s[i] <= 0x7e)
        return i + 1;
    return len;
  }
  osc = s[1] == ']' || s[1] == 'P' || s[1] == '_' || s[1] == '^' || s[1] == 'X';
  if (osc) { /* string: up to BEL or ESC \ */
    for (i = 2; i < len; i++) {
      if (s[i] == 0x07)
        return i + 1;
      if (s[i] == 0x1b && i + 1 < len && s[i + 1] == '\\')
        return i + 2;
    }
    return len;
  }
  if (s[1] >= 0x20 && s[1] <= 0x2f) /* ESC intermediate final */
    return len > 2 ? 3 : len;
  return 2;
}

void dv_whois_value_clean(char *dst, size_t dstlen, const char *src, size_t len)
{
  const unsigned char *s = (const unsigned char *)src;
  size_t i = 0, o = 0, n;
  int pending_space = 0;

  if (!dstlen)
    return;
  while (i < len) {
    unsigned char c = s[i];
    if (c == 0x1b) {
      i += escape_len(s + i, len - i);
      continue;
    }
    if (c < 0x20 || c == 0x7f) {
      pending_space = o > 0;
      i++;
      continue;
    }
    if (c == ' ') {
      pending_space = o > 0;
      i++;
      continue;
    }
    n = dv_utf8_seq(s + i, len - i);
    if (n == 2 && c == 0xc2 && s[i + 1] < 0xa0) { /* C1 control (CSI...) */
      i += 2;
      continue;
    }
    /* U+2028/2029 line/paragraph separators, U+202A..202E and U+2066..2069
     * bidi overrides: they reorder or break what a terminal shows */
    if (n == 3 && c == 0xe2 &&
        ((s[i + 1] == 0x80 && s[i + 2] >= 0xa8 && s[i + 2] <= 0xae) ||
         (s[i + 1] == 0x81 && s[i + 2] >= 0xa6 && s[i + 2] <= 0xa9))) {
      pending_space = o > 0;
      i += 3;
      continue;
    }
    if (pending_space) {
      if (o + 1 >= dstlen)
        break;
      dst[o++] = ' ';
      pending_space = 0;
    }
    if (!n) { /* invalid byte */
      if (o + 1 >= dstlen)
        break;
      dst[o++] = '?';
      i++;
      continue;
    }
    if (o + n >= dstlen)
      break;
    memcpy(dst + o, s + i, n);
    o += n;
    i += n;
  }
  dst[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* pattern file                                                        */

void dv_whois_patterns_free(dv_whois_patterns *p)
{
  size_t c, i;
  if (!p)
    return;
  for (c = 0; c < PC__COUNT; c++) {
    for (i = 0; i < p->cls[c].n; i++)
      pcre2_code_free(p->cls[c].v[i].re);
    free(p->cls[c].v);
  }
  pcre2_match_context_free(p->mctx);
  free(p);
}

static dv_whois_status patlist_add(struct patlist *l, pcre2_code *re, int role)
{
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 8;
    struct pat *nv = realloc(l->v, ncap * sizeof(*nv));
    if (!nv)
      return DV_WHOIS_ENOMEM;
    l->v = nv;
    l->cap = ncap;
  }
  l->v[l->n].re = re;
  l->v[l->n].role = role;
  l->n++;
  return DV_WHOIS_OK;
}

/* One data line: CLASS [ROLE] REGEX. LINE is NUL-terminated, trimmed. */
static dv_whois_status parse_pattern_line(dv_whois_patterns *p, char *line,
                                          const char *name, unsigned lineno,
                                          char *err, size_t errlen)
{
  char *word = line, *rest;
  size_t wl;
  int cls = -1, role = -1, i, ecode;
  PCRE2_SIZE eoff;
  pcre2_code *re;
  dv_whois_status st;
  char msg[256], emsg[160];

  wl = strcspn(word, " \t");
  rest = word + wl;
  for (i = 0; i < PC__COUNT; i++)
    if (strlen(class_tab[i].name) == wl &&
        !strncmp(word, class_tab[i].name, wl))
      cls = i;
  if (cls < 0) {
    snprintf(msg, sizeof(msg), "unknown class \"%.*s\"", (int)wl, word);
    set_err(err, errlen, name, lineno, msg);
    return DV_WHOIS_ESYNTAX;
  }
  rest += strspn(rest, " \t");
  if (class_tab[cls].role) {
    word = rest;
    wl = strcspn(word, " \t");
    rest = word + wl;
    for (i = 0; i < DV_WROLE__COUNT; i++)
      if (strlen(role_names[i]) == wl && !strncmp(word, role_names[i], wl))
        role = i;
    if (role < 0 || (role == DV_WROLE_OTHER && class_tab[cls].role != 2)) {
      snprintf(msg, sizeof(msg), "bad role \"%.*s\" for %s", (int)wl, word,
               class_tab[cls].name);
      set_err(err, errlen, name, lineno, msg);
      return DV_WHOIS_ESYNTAX;
    }
    rest += strspn(rest, " \t");
  }
  if (!*rest) {
    set_err(err, errlen, name, lineno, "missing regular expression");
    return DV_WHOIS_ESYNTAX;
  }
  re = pcre2_compile((PCRE2_SPTR)rest, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS,
                     &ecode, &eoff, NULL);
  if (!re) {
    pcre2_get_error_message(ecode, (PCRE2_UCHAR *)emsg, sizeof(emsg));
    snprintf(msg, sizeof(msg), "regex error at offset %u: %s", (unsigned)eoff,
             emsg);
    set_err(err, errlen, name, lineno, msg);
    return DV_WHOIS_EPATTERN;
  }
#ifdef DV_WHOIS_JIT
  /* Off by default: Debian's libpcre2 (10.42) JIT compiler crashes when an
   * allocation inside it fails (tests/resource-faults.sh, failmalloc
   * whois --input: SIGSEGV under pcre2_jit_compile), and the interpreter
   * parses the whole WHOIS corpus (376 replies) in about the same time. */
  (void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
#endif
  st = patlist_add(&p->cls[cls], re, role);
  if (st) {
    pcre2_code_free(re);
    set_err(err, errlen, name, lineno, "out of memory");
  }
  return st;
}

dv_whois_status dv_whois_patterns_parse(const char *buf, size_t len,
                                        const char *name,
                                        dv_whois_patterns **out, char *err,
                                        size_t errlen)
{
  dv_whois_patterns *p = NULL;
  dv_whois_status st = DV_WHOIS_OK;
  char *copy = NULL, *line, *next;
  unsigned lineno = 0;

  if (err && errlen)
    err[0] = '\0';
  if (!out || (!buf && len)) {
    set_err(err, errlen, name, 0, "invalid argument");
    return DV_WHOIS_EINVAL;
  }
  *out = NULL;
  if (memchr(buf, '\0', len)) {
    set_err(err, errlen, name, 0, "NUL byte in pattern file");
    return DV_WHOIS_ESYNTAX;
  }
  copy = malloc(len + 1);
  p = calloc(1, sizeof(*p));
  if (!copy || !p) {
    st = DV_WHOIS_ENOMEM;
    set_err(err, errlen, name, 0, "out of memory");
    goto out;
  }
  if (len)
    memcpy(copy, buf, len);
  copy[len] = '\0';
  p->mctx = pcre2_match_context_create(NULL);
  if (!p->mctx) {
    st = DV_WHOIS_ENOMEM;
    set_err(err, errlen, name, 0, "out of memory");
    goto out;
  }
  pcre2_set_match_limit(p->mctx, DV_MATCH_LIMIT);
  pcre2_set_depth_limit(p->mctx, DV_DEPTH_LIMIT);

  for (line = copy; line; line = next) {
    size_t l;
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    lineno++;
    l = strlen(line);
    while (l &&
           (line[l - 1] == '\r' || is_blank_byte((unsigned char)line[l - 1])))
      line[--l] = '\0';
    line += strspn(line, " \t");
    if (!*line || *line == '#')
      continue;
    st = parse_pattern_line(p, line, name, lineno, err, errlen);
    if (st)
      goto out;
  }
  if (!p->cls[PC_ADDRESS].n) {
    st = DV_WHOIS_ESYNTAX;
    set_err(err, errlen, name, 0, "no \"address\" pattern defined");
    goto out;
  }
  *out = p;
  p = NULL;
out:
  free(copy);
  dv_whois_patterns_free(p);
  return st;
}

dv_whois_status dv_whois_read_file(const char *path, size_t max, char **buf,
                                   size_t *len)
{
  FILE *fp;
  char *b = NULL;
  size_t n = 0, cap = 0, got;
  dv_whois_status st = DV_WHOIS_OK;

  if (!path || !buf || !len)
    return DV_WHOIS_EINVAL;
  *buf = NULL;
  *len = 0;
  fp = fopen(path, "rb");
  if (!fp)
    return DV_WHOIS_EIO;
  for (;;) {
    if (cap - n < 2) {
      char *nb;
      size_t ncap = cap ? cap * 2 : 16384;
      if (cap > max + 1) {
        st = DV_WHOIS_EIO;
        goto out;
      }
      nb = realloc(b, ncap);
      if (!nb) {
        st = DV_WHOIS_ENOMEM;
        goto out;
      }
      b = nb;
      cap = ncap;
    }
    got = fread(b + n, 1, cap - n - 1, fp);
    n += got;
    if (!got)
      break;
  }
  if (ferror(fp) || n > max) {
    st = DV_WHOIS_EIO;
    goto out;
  }
  b[n] = '\0';
  *buf = b;
  *len = n;
  b = NULL;
out:
  free(b);
  fclose(fp);
  return st;
}

dv_whois_status dv_whois_patterns_load(const char *path,
                                       dv_whois_patterns **out, char *err,
                                       size_t errlen)
{
  char *buf = NULL;
  size_t len = 0;
  dv_whois_status st;

  if (err && errlen)
    err[0] = '\0';
  if (!path || !out) {
    set_err(err, errlen, path, 0, "invalid argument");
    return DV_WHOIS_EINVAL;
  }
  *out = NULL;
  st = dv_whois_read_file(path, DV_PATTERN_FILE_MAX, &buf, &len);
  if (st) {
    set_err(err, errlen, path, 0,
            st == DV_WHOIS_EIO ? "cannot read file (missing or too large)"
                               : dv_whois_status_str(st));
    return st;
  }
  st = dv_whois_patterns_parse(buf, len, path, out, err, errlen);
  free(buf);
  return st;
}

/* ------------------------------------------------------------------ */
/* matching                                                            */

/* Match one pattern against S/LEN. On a match returns 1 and, if CAP is
 * non-NULL, points it at group 1 when that group took part, else at the
 * whole match. Match-limit errors count as "no match". */
static int pat_match(const dv_whois_patterns *p, const struct pat *pt,
                     const char *s, size_t len, pcre2_match_data *md,
                     const char **cap, size_t *caplen)
{
  int rc;
  PCRE2_SIZE *ov;
  rc = pcre2_match(pt->re, (PCRE2_SPTR)s, len, 0, 0, md, p->mctx);
  if (rc < 0)
    return 0;
  if (cap) {
    ov = pcre2_get_ovector_pointer(md);
    if (rc >= 2 && ov[2] != PCRE2_UNSET) {
      *cap = s + ov[2];
      *caplen = ov[3] - ov[2];
    } else {
      *cap = s + ov[0];
      *caplen = ov[1] - ov[0];
    }
  }
  return 1;
}

/* First pattern of class CLS matching; returns its index or -1. */
static long class_match(const dv_whois_patterns *p, pat_class cls,
                        const char *s, size_t len, pcre2_match_data *md,
                        const char **cap, size_t *caplen)
{
  size_t i;
  for (i = 0; i < p->cls[cls].n; i++)
    if (pat_match(p, &p->cls[cls].v[i], s, len, md, cap, caplen))
      return (long)i;
  return -1;
}

void dv_whois_info_init(dv_whois_info *out, const char *source)
{
  memset(out, 0, sizeof(*out));
  copy_str(out->source, sizeof(out->source), source);
}

dv_contact *dv_whois_info_role(dv_whois_info *info, dv_whois_role role)
{
  switch (role) {
  case DV_WROLE_REGISTRANT:
    return &info->registrant;
  case DV_WROLE_ADMIN:
    return &info->admin;
  case DV_WROLE_TECH:
    return &info->tech;
  case DV_WROLE_OTHER:
  case DV_WROLE__COUNT:
  default:
    return NULL;
  }
}

int dv_whois_text_is_redacted(const dv_whois_patterns *p, const char *s,
                              size_t len)
{
  pcre2_match_data *md;
  char *copy;
  int r = 0;
  if (!p || !s)
    return 0;
  if (len > 4096)
    len = 4096;
  copy = calloc(1, len + DV_SUBJECT_PAD);
  md = pcre2_match_data_create(16, NULL);
  if (copy && md) {
    memcpy(copy, s, len);
    r = class_match(p, PC_REDACTED, copy, len, md, NULL, NULL) >= 0;
  }
  free(copy);
  pcre2_match_data_free(md);
  return r;
}

dv_whois_status dv_whois_contact_classify(const dv_whois_patterns *p,
                                          const char *val, size_t len,
                                          dv_contact *c)
{
  pcre2_match_data *md = NULL;
  const char *cap;
  size_t caplen;
  char *clean = NULL;
  size_t cl;
  dv_whois_status st = DV_WHOIS_OK;

  c->status = DV_CONTACT_ABSENT;
  c->email[0] = '\0';
  c->raw[0] = '\0';
  if (!val)
    return DV_WHOIS_OK;
  trim(&val, &len);
  /* Classify the cleaned text so escapes/controls cannot hide or forge. */
  clean = calloc(1, sizeof(c->raw) * 2 + DV_SUBJECT_PAD);
  md = pcre2_match_data_create(16, NULL);
  if (!clean || !md) {
    st = DV_WHOIS_ENOMEM;
    goto out;
  }
  dv_whois_value_clean(clean, sizeof(c->raw) * 2, val, len);
  copy_str(c->raw, sizeof(c->raw), clean);
  cl = strlen(clean);
  if (!cl)
    goto out;
  if (class_match(p, PC_NOT_CONTACT, clean, cl, md, NULL, NULL) >= 0) {
    c->status = DV_CONTACT_REDACTED;
    goto out;
  }
  if (class_match(p, PC_WEB_FORM, clean, cl, md, NULL, NULL) >= 0) {
    c->status = DV_CONTACT_WEB_FORM;
    goto out;
  }
  if (class_match(p, PC_REDACTED, clean, cl, md, NULL, NULL) >= 0) {
    c->status = DV_CONTACT_REDACTED;
    goto out;
  }
  if (class_match(p, PC_ADDRESS, clean, cl, md, &cap, &caplen) >= 0 && caplen &&
      caplen < sizeof(c->email)) {
    memcpy(c->email, cap, caplen);
    c->email[caplen] = '\0';
    memset(clean, 0, sizeof(c->raw) * 2 + DV_SUBJECT_PAD);
    memcpy(clean, c->email, caplen);
    if (class_match(p, PC_PROXY, clean, caplen, md, NULL, NULL) >= 0)
      c->status = DV_CONTACT_PROXY;
    else
      c->status = DV_CONTACT_EMAIL;
    goto out;
  }
  /* Free text that is neither an address nor a known marker: keep it in
   * raw for the engineer, but there is nothing ACM could mail. */
out:
  free(clean);
  pcre2_match_data_free(md);
  return st;
}

/* ------------------------------------------------------------------ */
/* referral validation                                                 */

static int is_ip_literal(const char *h)
{
  size_t i, dots = 0;
  int digits_only = 1;
  if (strchr(h, ':') || h[0] == '[')
    return 1; /* IPv6 (or host:port we did not strip) */
  for (i = 0; h[i]; i++) {
    if (h[i] == '.')
      dots++;
    else if (!isdigit((unsigned char)h[i]))
      digits_only = 0;
  }
  return digits_only && dots <= 3;
}

int dv_whois_referral_normalize(const char *in, char *out, size_t outlen)
{
  static const char *const schemes[] = {"whois://", "rwhois://", "http://",
                                        "https://"};
  char host[256];
  const char *s;
  size_t len, i;

  if (!in || !out || !outlen)
    return 0;
  out[0] = '\0';
  s = in;
  len = strlen(s);
  trim(&s, &len);
  for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
    size_t sl = strlen(schemes[i]);
    if (len >= sl && !strncasecmp(s, schemes[i], sl)) {
      s += sl;
      len -= sl;
      break;
    }
  }
  if (len && s[len - 1] == '/')
    len--;
  /* an explicit port 43 is just the WHOIS default */
  if (len > 3 && !memcmp(s + len - 3, ":43", 3))
    len -= 3;
  if (len && s[len - 1] == '.')
    len--;
  if (!len || len >= sizeof(host) || len >= outlen)
    return 0;
  for (i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (!(isalnum(c) || c == '-' || c == '.' || c == ':'))
      return 0; /* path, query, spaces, userinfo, non-ASCII ... */
    host[i] = (char)tolower(c);
  }
  host[len] = '\0';
  if (!strchr(host, '.') || host[0] == '.' || host[0] == '-' ||
      strstr(host, ".."))
    return 0;
  if (is_ip_literal(host))
    return 0;
  if (!strcmp(host, "localhost") || !strncmp(host, "localhost.", 10) ||
      (len > 10 && !strcmp(host + len - 10, ".localhost")))
    return 0;
  memcpy(out, host, len + 1);
  return 1;
}

/* ------------------------------------------------------------------ */
/* text parsing                                                        */

struct line {
  char *s;
  size_t len;
  int blank;
  int header; /* block role + 1, or 0 */
  int field;  /* line matched a field rule */
  int handle; /* line matched a handle rule (a reference, not a definition) */
};

struct object {
  char *handle;
  char *value; /* e-mail field text, or NULL when the object has none */
};

struct parse {
  const dv_whois_patterns *p;
  pcre2_match_data *md;
  dv_whois_info *out;
  char *work;
  struct line *lines;
  size_t nlines;
  struct object *objs;
  size_t nobjs, capobjs;
  char *handles[3][DV_HANDLES_PER_ROLE];
  int found[3]; /* 0 nothing, 1 contact seen without value, 2 value set */
  int domain_data;
  int throttle_hit;
  int throttle_hint; /* a soft refusal word ("limit", "denied" ...) */
  size_t text_lines; /* non-blank lines */
  size_t text_bytes; /* bytes on them, leading/trailing blanks excluded */
};

/* Clean a copy of BUF into P->work and split it into lines. */
static dv_whois_status split_lines(struct parse *ps, const char *buf,
                                   size_t len)
{
  const unsigned char *s = (const unsigned char *)buf;
  size_t i, o = 0, n, cap, l;
  char *w;

  ps->work = calloc(1, len + DV_SUBJECT_PAD);
  if (!ps->work)
    return DV_WHOIS_ENOMEM;
  w = ps->work;
  for (i = 0; i < len;) {
    unsigned char c = s[i];
    if (c == 0x1b) {
      i += escape_len(s + i, len - i);
      continue;
    }
    if (c == '\r') {
      w[o++] = '\n';
      i += (i + 1 < len && s[i + 1] == '\n') ? 2 : 1;
      continue;
    }
    if (c == 0xc2 && i + 1 < len && s[i + 1] >= 0x80 && s[i + 1] < 0xa0) {
      w[o++] = ' '; /* C1 control in UTF-8 form */
      i += 2;
      continue;
    }
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
      c = ' ';
    w[o++] = (char)c;
    i++;
  }
  w[o] = '\0';

  n = 1;
  for (i = 0; i < o; i++)
    if (w[i] == '\n')
      n++;
  cap = n;
  ps->lines = calloc(cap, sizeof(*ps->lines));
  if (!ps->lines)
    return DV_WHOIS_ENOMEM;
  n = 0;
  for (i = 0; i <= o; i = i + l + 1) {
    char *e = memchr(w + i, '\n', o - i);
    l = e ? (size_t)(e - (w + i)) : o - i;
    w[i + l] = '\0';
    ps->lines[n].s = w + i;
    ps->lines[n].len = l;
    ps->lines[n].blank = strspn(w + i, " \t") == l;
    n++;
    if (!e)
      break;
  }
  ps->nlines = n;
  return DV_WHOIS_OK;
}

static dv_whois_status set_role(struct parse *ps, int role, const char *val,
                                size_t len)
{
  dv_whois_status st;
  dv_contact *c = dv_whois_info_role(ps->out, (dv_whois_role)role);
  if (!c || ps->found[role] >= 2)
    return DV_WHOIS_OK;
  trim(&val, &len);
  if (!len) {
    ps->found[role] = 1;
    return DV_WHOIS_OK;
  }
  st = dv_whois_contact_classify(ps->p, val, len, c);
  if (st)
    return st;
  ps->found[role] = 2;
  return DV_WHOIS_OK;
}

/* Pass 1: fields, handles, block headers and whole-response flags. */
static dv_whois_status scan_lines(struct parse *ps)
{
  const dv_whois_patterns *p = ps->p;
  size_t i, j;
  const char *cap;
  size_t caplen;
  long k;
  dv_whois_status st;

  for (i = 0; i < ps->nlines; i++) {
    struct line *ln = &ps->lines[i];
    if (ln->blank)
      continue;
    k = class_match(p, PC_FIELD, ln->s, ln->len, ps->md, &cap, &caplen);
    if (k >= 0) {
      ln->field = 1;
      st = set_role(ps, p->cls[PC_FIELD].v[k].role, cap, caplen);
      if (st)
        return st;
    }
    for (j = 0; j < p->cls[PC_HANDLE].n; j++) {
      const struct pat *pt = &p->cls[PC_HANDLE].v[j];
      if (pat_match(p, pt, ln->s, ln->len, ps->md, &cap, &caplen)) {
        size_t h;
        ln->handle = 1;
        trim(&cap, &caplen);
        if (!caplen)
          break;
        for (h = 0; h < DV_HANDLES_PER_ROLE; h++) {
          if (!ps->handles[pt->role][h]) {
            ps->handles[pt->role][h] = strndup(cap, caplen);
            if (!ps->handles[pt->role][h])
              return DV_WHOIS_ENOMEM;
            break;
          }
        }
        break;
      }
    }
    if (!ln->field) {
      k = class_match(p, PC_BLOCK, ln->s, ln->len, ps->md, NULL, NULL);
      if (k >= 0)
        ln->header = p->cls[PC_BLOCK].v[k].role + 1;
    }
    if (!ps->domain_data &&
        class_match(p, PC_DOMAIN_DATA, ln->s, ln->len, ps->md, NULL, NULL) >= 0)
      ps->domain_data = 1;
    {
      const char *t = ln->s;
      size_t tl = ln->len;
      trim(&t, &tl);
      ps->text_lines++;
      ps->text_bytes += tl;
    }
    if (!ps->throttle_hit &&
        class_match(p, PC_THROTTLE, ln->s, ln->len, ps->md, NULL, NULL) >= 0)
      ps->throttle_hit = 1;
    if (!ps->throttle_hint && class_match(p, PC_THROTTLE_HINT, ln->s, ln->len,
                                          ps->md, NULL, NULL) >= 0)
      ps->throttle_hint = 1;
    if (!ps->out->captcha &&
        class_match(p, PC_CAPTCHA, ln->s, ln->len, ps->md, NULL, NULL) >= 0)
      ps->out->captcha = 1;
    if (!ps->out->not_found &&
        class_match(p, PC_NOT_FOUND, ln->s, ln->len, ps->md, NULL, NULL) >= 0)
      ps->out->not_found = 1;
    if (!ps->out->web_only[0] && class_match(p, PC_WEB_ONLY, ln->s, ln->len,
                                             ps->md, &cap, &caplen) >= 0) {
      dv_whois_value_clean(ps->out->web_only, sizeof(ps->out->web_only), cap,
                           caplen);
      if (!ps->out->web_only[0])
        copy_str(ps->out->web_only, sizeof(ps->out->web_only), "(web)");
    }
    if (!ps->out->referral[0] && class_match(p, PC_REFERRAL, ln->s, ln->len,
                                             ps->md, &cap, &caplen) >= 0) {
      char tmp[256];
      dv_whois_value_clean(tmp, sizeof(tmp), cap, caplen);
      if (!ps->out->referral_raw[0])
        copy_str(ps->out->referral_raw, sizeof(ps->out->referral_raw), tmp);
      (void)dv_whois_referral_normalize(tmp, ps->out->referral,
                                        sizeof(ps->out->referral));
    }
  }
  return DV_WHOIS_OK;
}

/* Find the e-mail value in lines [a, b) with block_email rules, rule order
 * first (a labelled "e-mail:" beats a bare address further up). */
static int find_block_email(struct parse *ps, size_t a, size_t b,
                            const char **cap, size_t *caplen)
{
  const dv_whois_patterns *p = ps->p;
  size_t r, i;
  for (r = 0; r < p->cls[PC_BLOCK_EMAIL].n; r++)
    for (i = a; i < b; i++)
      if (!ps->lines[i].blank &&
          pat_match(p, &p->cls[PC_BLOCK_EMAIL].v[r], ps->lines[i].s,
                    ps->lines[i].len, ps->md, cap, caplen))
        return 1;
  return 0;
}

/* Pass 1b: "record" rules inside the paragraph of the domain object. */
static dv_whois_status scan_record(struct parse *ps)
{
  const dv_whois_patterns *p = ps->p;
  size_t i, a, b;
  const char *cap;
  size_t caplen;
  long k;
  dv_whois_status st;

  if (!p->cls[PC_RECORD].n || !p->cls[PC_DOMAIN_OBJECT].n)
    return DV_WHOIS_OK;
  for (i = 0; i < ps->nlines; i++)
    if (!ps->lines[i].blank &&
        class_match(p, PC_DOMAIN_OBJECT, ps->lines[i].s, ps->lines[i].len,
                    ps->md, NULL, NULL) >= 0)
      break;
  if (i == ps->nlines)
    return DV_WHOIS_OK;
  for (a = i; a > 0 && !ps->lines[a - 1].blank; a--)
    ;
  for (b = i; b < ps->nlines && !ps->lines[b].blank; b++)
    ;
  for (i = a; i < b; i++) {
    if (ps->lines[i].field)
      continue;
    /* every role's rules: one line may name the holder for two roles
     * (TCI's "administrator" is the domain's holder) */
    for (k = 0; k < (long)p->cls[PC_RECORD].n; k++) {
      const struct pat *pt = &p->cls[PC_RECORD].v[k];
      if (ps->found[pt->role] >= 2 ||
          !pat_match(p, pt, ps->lines[i].s, ps->lines[i].len, ps->md, &cap,
                     &caplen))
        continue;
      st = set_role(ps, pt->role, cap, caplen);
      if (st)
        return st;
    }
  }
  return DV_WHOIS_OK;
}

/* The label of a "key: value" line, lower-cased, without leaders ("NORID
 * Handle.....: X" -> "norid handle"), into KEY; "" when there is no colon. */
static void line_key(const struct line *ln, char *key, size_t keylen)
{
  const char *s = ln->s, *colon = memchr(ln->s, ':', ln->len);
  size_t n = 0, l;
  key[0] = '\0';
  if (!colon || !keylen)
    return;
  s += strspn(s, " \t");
  l = (size_t)(colon - s);
  while (l && (s[l - 1] == '.' || is_blank_byte((unsigned char)s[l - 1])))
    l--;
  for (size_t i = 0; i < l && n + 1 < keylen; i++)
    key[n++] = (char)tolower((unsigned char)s[i]);
  key[n] = '\0';
}

/* Record the object HANDLE (CAP/CAPLEN) defined by lines [a, b). */
static dv_whois_status add_object(struct parse *ps, const char *cap,
                                  size_t caplen, size_t a, size_t b)
{
  struct object *o;
  const char *ecap;
  size_t ecaplen;
  if (ps->nobjs == ps->capobjs) {
    size_t nc = ps->capobjs ? ps->capobjs * 2 : 16;
    struct object *no = realloc(ps->objs, nc * sizeof(*no));
    if (!no)
      return DV_WHOIS_ENOMEM;
    ps->objs = no;
    ps->capobjs = nc;
  }
  o = &ps->objs[ps->nobjs];
  o->handle = strndup(cap, caplen);
  o->value = NULL;
  if (!o->handle)
    return DV_WHOIS_ENOMEM;
  ps->nobjs++;
  if (find_block_email(ps, a, b, &ecap, &ecaplen)) {
    o->value = strndup(ecap, ecaplen);
    if (!o->value)
      return DV_WHOIS_ENOMEM;
  }
  return DV_WHOIS_OK;
}

/* Pass 2: paragraphs that define contact handles. A paragraph (lines
 * between blank lines) whose object lines all differ in label is one
 * object, wherever in it the lines stand (RIPE puts nic-hdl: last, AFNIC
 * first), and each of them names it. A paragraph
 * whose object lines repeat one label ("contact-handle: A" ... "contact-
 * handle: B" with no blank line between) holds one object per such line,
 * each running to the next. Lines that name a role's handle (handle rules)
 * are references, never definitions. */
static dv_whois_status scan_objects(struct parse *ps)
{
  const dv_whois_patterns *p = ps->p;
  size_t a = 0, b, i, first, nsame, prev;
  const char *cap;
  size_t caplen;
  char key0[64], key[64];
  dv_whois_status st;

  if (!p->cls[PC_OBJECT].n)
    return DV_WHOIS_OK;
  while (a < ps->nlines) {
    if (ps->lines[a].blank) {
      a++;
      continue;
    }
    for (b = a; b < ps->nlines && !ps->lines[b].blank; b++)
      ;
    /* the first object line, and how many lines share its label */
    first = b;
    nsame = 0;
    for (i = a; i < b; i++) {
      if (ps->lines[i].handle ||
          class_match(p, PC_OBJECT, ps->lines[i].s, ps->lines[i].len, ps->md,
                      NULL, NULL) < 0)
        continue;
      line_key(&ps->lines[i], key, sizeof(key));
      if (first == b) {
        first = i;
        memcpy(key0, key, sizeof(key0));
        nsame = 1;
      } else if (!strcmp(key, key0))
        nsame++;
    }
    if (first == b) {
      a = b;
      continue;
    }
    if (nsame <= 1) {
      /* one object: each object line names it ("contact: X" and "nic-hdl:
       * Y" in one paragraph are aliases of the same contact) */
      for (i = first; i < b; i++) {
        if (ps->lines[i].handle ||
            class_match(p, PC_OBJECT, ps->lines[i].s, ps->lines[i].len, ps->md,
                        &cap, &caplen) < 0)
          continue;
        trim(&cap, &caplen);
        if (caplen && (st = add_object(ps, cap, caplen, a, b)) != DV_WHOIS_OK)
          return st;
      }
      a = b;
      continue;
    }
    prev = b; /* the object line whose object is open */
    for (i = first; i <= b; i++) {
      int boundary = i == b;
      if (!boundary && i > first && nsame > 1 && !ps->lines[i].handle &&
          class_match(p, PC_OBJECT, ps->lines[i].s, ps->lines[i].len, ps->md,
                      NULL, NULL) >= 0) {
        line_key(&ps->lines[i], key, sizeof(key));
        boundary = !strcmp(key, key0);
      }
      if (i == first) {
        prev = i;
        continue;
      }
      if (!boundary)
        continue;
      /* close the object opened at PREV: its lines run from the paragraph
       * start (first object only) to this boundary */
      if (class_match(p, PC_OBJECT, ps->lines[prev].s, ps->lines[prev].len,
                      ps->md, &cap, &caplen) >= 0) {
        trim(&cap, &caplen);
        if (caplen) {
          st = add_object(ps, cap, caplen, prev == first ? a : prev, i);
          if (st)
            return st;
        }
      }
      prev = i;
    }
    a = b;
  }
  return DV_WHOIS_OK;
}

static dv_whois_status resolve_handles(struct parse *ps)
{
  int r;
  size_t h, o;
  dv_whois_status st;
  for (r = 0; r < 3; r++) {
    if (ps->found[r] >= 2)
      continue;
    for (h = 0; h < DV_HANDLES_PER_ROLE && ps->handles[r][h]; h++) {
      int seen = 0;
      /* a handle may be defined more than once (a stub, then the full
       * object): the first definition that carries an e-mail wins */
      for (o = 0; o < ps->nobjs; o++) {
        if (strcasecmp(ps->objs[o].handle, ps->handles[r][h]))
          continue;
        seen = 1;
        if (ps->objs[o].value) {
          st = set_role(ps, r, ps->objs[o].value, strlen(ps->objs[o].value));
          if (st)
            return st;
          break;
        }
      }
      if (seen && !ps->found[r])
        ps->found[r] = 1;
      if (ps->found[r] >= 2)
        break;
    }
  }
  return DV_WHOIS_OK;
}

static size_t indent_of(const struct line *ln)
{
  return strspn(ln->s, " \t");
}

/* Pass 3: contact blocks opened by a header line. */
static dv_whois_status scan_blocks(struct parse *ps)
{
  size_t i, k, end;
  const char *cap;
  size_t caplen;
  dv_whois_status st;

  for (i = 0; i < ps->nlines; i++) {
    int role, content = 0;
    size_t hind;
    if (!ps->lines[i].header)
      continue;
    role = ps->lines[i].header - 1;
    hind = indent_of(&ps->lines[i]);
    for (k = i + 1; k < ps->nlines && k - i <= DV_BLOCK_MAX_LINES; k++) {
      /* a header ends the block -- unless it is a bare word ("Admin", no
       * colon or bracket) indented deeper than this header: then it is a
       * line of the contact's data (a name) */
      if (ps->lines[k].header &&
          (indent_of(&ps->lines[k]) <= hind ||
           memchr(ps->lines[k].s, ':', ps->lines[k].len) ||
           memchr(ps->lines[k].s, '[', ps->lines[k].len)))
        break;
      ps->lines[k].header = 0; /* content, not a block of its own */
      if (ps->lines[k].blank) {
        /* One blank line inside an indented block does not end it when
         * the block goes on at a deeper indent than its header. */
        if (content &&
            !(k + 1 < ps->nlines && !ps->lines[k + 1].blank &&
              !ps->lines[k + 1].header && indent_of(&ps->lines[k + 1]) > hind))
          break;
        if (!content && k - i > 2) /* header, then a gap: nothing here */
          break;
        continue;
      }
      content = 1;
    }
    end = k;
    if (role == DV_WROLE_OTHER || ps->found[role] >= 2)
      continue;
    if (find_block_email(ps, i + 1, end, &cap, &caplen)) {
      st = set_role(ps, role, cap, caplen);
      if (st)
        return st;
    } else if (content && !ps->found[role])
      ps->found[role] = 1;
  }
  return DV_WHOIS_OK;
}

static void parse_release(struct parse *ps)
{
  size_t i, r;
  for (i = 0; i < ps->nobjs; i++) {
    free(ps->objs[i].handle);
    free(ps->objs[i].value);
  }
  free(ps->objs);
  for (r = 0; r < 3; r++)
    for (i = 0; i < DV_HANDLES_PER_ROLE; i++)
      free(ps->handles[r][i]);
  free(ps->lines);
  free(ps->work);
  pcre2_match_data_free(ps->md);
}

dv_whois_status dv_whois_parse_text(const dv_whois_patterns *p, const char *buf,
                                    size_t len, const char *server,
                                    dv_whois_info *out)
{
  struct parse ps;
  dv_whois_status st;

  if (!out)
    return DV_WHOIS_EINVAL;
  dv_whois_info_init(out, "whois");
  if (!p || (!buf && len))
    return DV_WHOIS_EINVAL;
  memset(&ps, 0, sizeof(ps));
  ps.p = p;
  ps.out = out;
  if (len > DV_WHOIS_MAX_INPUT) {
    len = DV_WHOIS_MAX_INPUT;
    out->truncated = 1;
  }
  ps.md = pcre2_match_data_create(16, NULL);
  if (!ps.md) {
    st = DV_WHOIS_ENOMEM;
    goto out;
  }
  st = split_lines(&ps, buf ? buf : "", len);
  if (st)
    goto out;
  st = scan_lines(&ps);
  if (st)
    goto out;
  st = scan_record(&ps);
  if (st)
    goto out;
  st = scan_objects(&ps);
  if (st)
    goto out;
  st = resolve_handles(&ps);
  if (st)
    goto out;
  st = scan_blocks(&ps);
  if (st)
    goto out;

  if (!ps.text_lines) {
    out->empty = 1; /* nothing but blanks: "no data", not an answer */
  } else if (!ps.domain_data && ps.found[0] < 2 && ps.found[1] < 2 &&
             ps.found[2] < 2) {
    /* A refusal notice counts only in a reply without registration data.
     * Structural signal: a reply of a few short lines that carries no
     * registration data, is neither "not found", a referral, a CAPTCHA nor
     * a web-only pointer, and words a refusal ("limit", "denied", "try
     * again" ...) is a throttle notice in a wording no rule knows yet. */
    if (ps.throttle_hit)
      out->throttled = 1;
    else if (ps.throttle_hint && ps.text_lines <= DV_SHORT_REPLY_LINES &&
             ps.text_bytes <= DV_SHORT_REPLY_BYTES && !out->not_found &&
             !out->captcha && !out->web_only[0] && !out->referral_raw[0] &&
             !ps.found[0] && !ps.found[1] && !ps.found[2])
      out->throttled = 1;
  }
  if (!out->web_only[0] && server &&
      (!strncasecmp(server, "http://", 7) ||
       !strncasecmp(server, "https://", 8)))
    dv_whois_value_clean(out->web_only, sizeof(out->web_only), server,
                         strlen(server));
out:
  parse_release(&ps);
  if (st) {
    dv_whois_info_init(out, "whois");
  }
  return st;
}

dv_whois_format dv_whois_detect_format(const char *buf, size_t len)
{
  size_t i = 0, n;
  if (!buf)
    return DV_FORMAT_UNKNOWN;
  /* UTF-8 BOM */
  if (len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3))
    i = 3;
  while (i < len &&
         (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
    i++;
  if (i == len)
    return DV_FORMAT_UNKNOWN;
  if (buf[i] == '{') {
    static const char *const keys[] = {"\"objectClassName\"",
                                       "\"rdapConformance\"", "\"errorCode\"",
                                       "\"ldhName\""};
    size_t k;
    n = len - i;
    if (n > 65536)
      n = 65536;
    for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
      size_t kl = strlen(keys[k]), j;
      for (j = i; j + kl <= i + n; j++)
        if (!memcmp(buf + j, keys[k], kl))
          return DV_FORMAT_RDAP;
    }
  }
  return DV_FORMAT_WHOIS;
}

dv_whois_status dv_whois_parse_any(const dv_whois_patterns *p, const char *buf,
                                   size_t len, const char *server,
                                   dv_whois_info *out)
{
  if (dv_whois_detect_format(buf, len) == DV_FORMAT_RDAP)
    return dv_rdap_parse_json(p, buf, len, out);
  return dv_whois_parse_text(p, buf, len, server, out);
}
