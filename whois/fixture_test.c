/* dvcheck -- fixture tests for the WHOIS/RDAP analysis.
 *
 *   fixture_test [DATA_DIR]
 *
 * DATA_DIR holds patterns.conf, servers.conf, rdap_bootstrap_fallback.json
 * and fixtures/ (default: the directory this source file lives in). Runs
 * every line of fixtures/expected.conf (format at its top), then unit checks
 * of the loaders, the referral validator, the server table and the RDAP
 * bootstrap. Prints "FAIL ..." lines and a summary; exit 0 when all pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "whois/rdap_bootstrap.h"
#include "whois/whois_int.h"
#include "whois/whois_parse.h"
#include "whois/whois_servers.h"

#define MAX_FIXTURE (64u * 1024u * 1024u)

static unsigned n_ok, n_fail;

#define CHECK(cond, ...)                                                       \
  do {                                                                         \
    if (cond)                                                                  \
      n_ok++;                                                                  \
    else {                                                                     \
      n_fail++;                                                                \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                              \
      printf(__VA_ARGS__);                                                     \
      printf("\n");                                                            \
    }                                                                          \
  } while (0)

static void data_dir_default(char *buf, size_t len)
{
  const char *f = __FILE__, *slash = strrchr(f, '/');
  if (slash)
    snprintf(buf, len, "%.*s", (int)(slash - f), f);
  else
    snprintf(buf, len, ".");
}

/* printable: valid UTF-8, no C0/DEL/C1 controls */
static int printable(const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (*p < 0x20 || *p == 0x7f)
      return 0;
    if (*p < 0x80) {
      p++;
      continue;
    }
    if (*p >= 0xc2 && *p <= 0xdf) {
      if ((p[1] & 0xc0) != 0x80 || (*p == 0xc2 && p[1] < 0xa0))
        return 0;
      p += 2;
    } else if (*p >= 0xe0 && *p <= 0xef) {
      if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80)
        return 0;
      if (*p == 0xe2 && ((p[1] == 0x80 && p[2] >= 0xa8 && p[2] <= 0xae) ||
                         (p[1] == 0x81 && p[2] >= 0xa6 && p[2] <= 0xa9)))
        return 0; /* separators / bidi overrides */
      p += 3;
    } else if (*p >= 0xf0 && *p <= 0xf4) {
      if ((p[1] & 0xc0) != 0x80 || (p[2] & 0xc0) != 0x80 ||
          (p[3] & 0xc0) != 0x80)
        return 0;
      p += 4;
    } else
      return 0;
  }
  return 1;
}

/* ------------------------------------------------------------------ */
/* generated inputs                                                    */

static char *gen_input(const char *name, size_t *len)
{
  size_t n, i;
  char *b = NULL;

  if (!strcmp(name, "@big10mb")) {
    static const char head[] = "Domain Name: big.example\n"
                               "Creation Date: 2020-01-01T00:00:00Z\n"
                               "Registrant Email: big@big.example\n";
    static const char fill[] = "% filler: too many requests quota exceeded "
                               "lorem ipsum dolor sit amet\n";
    n = 10u * 1024u * 1024u;
    b = malloc(n);
    if (!b)
      return NULL;
    memcpy(b, head, sizeof(head) - 1);
    for (i = sizeof(head) - 1; i < n; i++)
      b[i] = fill[(i - (sizeof(head) - 1)) % (sizeof(fill) - 1)];
  } else if (!strcmp(name, "@nul_flood")) {
    n = 1024u * 1024u;
    b = calloc(1, n);
  } else if (!strcmp(name, "@one_long_line")) {
    static const char head[] = "Registrant Email: ";
    n = 1024u * 1024u;
    b = malloc(n);
    if (!b)
      return NULL;
    memcpy(b, head, sizeof(head) - 1);
    memset(b + sizeof(head) - 1, 'x', n - (sizeof(head) - 1));
  } else if (!strcmp(name, "@regex_bomb")) {
    /* long dotted local parts without a valid domain: stresses the
     * address rule's backtracking */
    static const char head[] = "Registrant Email: ";
    n = 256u * 1024u;
    b = malloc(n);
    if (!b)
      return NULL;
    memcpy(b, head, sizeof(head) - 1);
    for (i = sizeof(head) - 1; i < n; i++)
      b[i] = (i % 2) ? '.' : 'a';
    b[n - 1] = '@';
  } else if (!strcmp(name, "@rdap_deep")) {
    static const char head[] = "{\"objectClassName\":\"domain\",\"entities\":";
    size_t depth = 100000;
    n = sizeof(head) - 1 + 2 * depth + 1;
    b = malloc(n);
    if (!b)
      return NULL;
    memcpy(b, head, sizeof(head) - 1);
    memset(b + sizeof(head) - 1, '[', depth);
    memset(b + sizeof(head) - 1 + depth, ']', depth);
    b[n - 1] = '}';
  } else
    return NULL;
  if (b)
    *len = n;
  return b;
}

/* ------------------------------------------------------------------ */
/* expectation checks                                                  */

static const dv_contact *role_contact(const dv_whois_info *in, const char *role)
{
  if (!strcmp(role, "registrant"))
    return &in->registrant;
  if (!strcmp(role, "admin"))
    return &in->admin;
  if (!strcmp(role, "tech"))
    return &in->tech;
  return NULL;
}

static void unescape(char *s)
{
  char *o = s;
  while (*s) {
    if (!strncmp(s, "%20", 3)) {
      *o++ = ' ';
      s += 3;
    } else
      *o++ = *s++;
  }
  *o = '\0';
}

static void check_kv(const char *fx, const char *key, char *val,
                     dv_whois_status st, dv_whois_format fmt,
                     const dv_whois_info *in)
{
  const dv_contact *c;
  if (!strcmp(key, "rc")) {
    const char *want = !strcmp(val, "ok") ? "ok" : "malformed response";
    CHECK(!strcmp(dv_whois_status_str(st), want), "%s: rc %s, got %s", fx, val,
          dv_whois_status_str(st));
  } else if (!strcmp(key, "format")) {
    const char *got = fmt == DV_FORMAT_RDAP    ? "rdap"
                      : fmt == DV_FORMAT_WHOIS ? "whois"
                                               : "unknown";
    CHECK(!strcmp(got, val), "%s: format %s, got %s", fx, val, got);
  } else if ((c = role_contact(in, key))) {
    char *colon = strchr(val, ':');
    const char *email = colon ? colon + 1 : "";
    if (colon)
      *colon = '\0';
    CHECK(!strcmp(dv_contact_status_str(c->status), val) &&
              !strcasecmp(c->email, email),
          "%s: %s want %s:%s got %s:%s (raw \"%.60s\")", fx, key, val, email,
          dv_contact_status_str(c->status), c->email, c->raw);
  } else if (!strncmp(key, "raw.", 4) && (c = role_contact(in, key + 4))) {
    unescape(val);
    CHECK(strstr(c->raw, val) != NULL, "%s: %s want ~\"%s\" got \"%s\"", fx,
          key, val, c->raw);
  } else if (!strcmp(key, "throttled") || !strcmp(key, "captcha") ||
             !strcmp(key, "not_found") || !strcmp(key, "truncated") ||
             !strcmp(key, "empty")) {
    int got = !strcmp(key, "throttled")   ? in->throttled
              : !strcmp(key, "captcha")   ? in->captcha
              : !strcmp(key, "not_found") ? in->not_found
              : !strcmp(key, "empty")     ? in->empty
                                          : in->truncated;
    CHECK(got == atoi(val), "%s: %s want %s got %d", fx, key, val, got);
  } else if (!strcmp(key, "referral") || !strcmp(key, "web_only")) {
    const char *got = !strcmp(key, "referral") ? in->referral : in->web_only;
    const char *want = !strcmp(val, "-") ? "" : val;
    CHECK(!strcmp(got, want), "%s: %s want \"%s\" got \"%s\"", fx, key, want,
          got);
  } else
    CHECK(0, "%s: unknown key %s", fx, key);
}

static void run_fixture(const dv_whois_patterns *pat, const char *dir,
                        char *line)
{
  char *name, *tok, *save = NULL, path[4096];
  char *buf = NULL;
  size_t len = 0;
  dv_whois_info info;
  dv_whois_status st;
  dv_whois_format fmt;
  clock_t t0;
  double secs;
  int r, rc_given = 0;

  name = strtok_r(line, " \t\r\n", &save);
  if (!name)
    return;
  if (name[0] == '@') {
    buf = gen_input(name, &len);
    CHECK(buf != NULL, "%s: cannot generate", name);
    if (!buf)
      return;
  } else {
    snprintf(path, sizeof(path), "%s/fixtures/%s", dir, name);
    if (dv_whois_read_file(path, MAX_FIXTURE, &buf, &len)) {
      CHECK(0, "%s: cannot read %s", name, path);
      return;
    }
  }
  t0 = clock();
  fmt = dv_whois_detect_format(buf, len);
  st = dv_whois_parse_any(pat, buf, len, NULL, &info);
  secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
  CHECK(secs < 60.0, "%s: took %.2fs", name, secs);
  free(buf);

  for (r = 0; r < 3; r++) {
    const dv_contact *c = r == 0   ? &info.registrant
                          : r == 1 ? &info.admin
                                   : &info.tech;
    CHECK(printable(c->email) && printable(c->raw),
          "%s: role %d output not printable", name, r);
    CHECK(!c->email[0] ||
              (c->status == DV_CONTACT_EMAIL || c->status == DV_CONTACT_PROXY),
          "%s: role %d has an address but status %s", name, r,
          dv_contact_status_str(c->status));
    CHECK(!strchr(c->email, ' ') && !strchr(c->email, '\x1b'),
          "%s: role %d email has junk", name, r);
  }
  CHECK(printable(info.referral) && printable(info.web_only),
        "%s: flags not printable", name);

  while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
    char *eq = strchr(tok, '=');
    if (!eq) {
      CHECK(0, "%s: bad expectation \"%s\"", name, tok);
      continue;
    }
    *eq = '\0';
    if (!strcmp(tok, "rc"))
      rc_given = 1;
    check_kv(name, tok, eq + 1, st, fmt, &info);
  }
  if (!rc_given)
    CHECK(st == DV_WHOIS_OK, "%s: parse failed: %s", name,
          dv_whois_status_str(st));
}

/* ------------------------------------------------------------------ */
/* unit checks                                                         */

static void unit_patterns(void)
{
  dv_whois_patterns *p = NULL;
  char err[256];
  dv_whois_status st;

  st = dv_whois_patterns_parse("bogus x\n", 8, "t", &p, err, sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX && !p && strstr(err, "t:1:"),
        "unknown class: %d %s", st, err);
  st = dv_whois_patterns_parse("address x\nfield registrant (\n", 29, "t", &p,
                               err, sizeof(err));
  CHECK(st == DV_WHOIS_EPATTERN && !p && strstr(err, "t:2:"),
        "bad regex: %d %s", st, err);
  st = dv_whois_patterns_parse("field nobody x\n", 15, "t", &p, err,
                               sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX, "bad role: %d %s", st, err);
  st =
      dv_whois_patterns_parse("field other x\n", 14, "t", &p, err, sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX, "other not allowed for field: %d", st);
  st = dv_whois_patterns_parse("# only comments\n", 16, "t", &p, err,
                               sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX && strstr(err, "address"),
        "address required: %d %s", st, err);
  st = dv_whois_patterns_parse("address a\0b\n", 12, "t", &p, err, sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX, "NUL in file: %d", st);
  st = dv_whois_patterns_load("/nonexistent/patterns.conf", &p, err,
                              sizeof(err));
  CHECK(st == DV_WHOIS_EIO && !p, "missing file: %d", st);
  st = dv_whois_patterns_parse("address \\S+@\\S+\n", 16, "t", &p, err,
                               sizeof(err));
  CHECK(st == DV_WHOIS_OK && p, "minimal file: %d %s", st, err);
  dv_whois_patterns_free(p);
  dv_whois_patterns_free(NULL);
  CHECK(!strcmp(dv_contact_status_str(DV_CONTACT_WEB_FORM), "web_form") &&
            !strcmp(dv_contact_status_str(DV_CONTACT_ABSENT), "absent") &&
            !strcmp(dv_contact_status_str((dv_contact_status)99), "unknown"),
        "contact status strings");
  CHECK(!strcmp(dv_whois_status_str(DV_WHOIS_OK), "ok") &&
            !strcmp(dv_whois_status_str((dv_whois_status)99), "unknown status"),
        "status strings");
}

static void unit_referral(void)
{
  static const struct {
    const char *in, *out;
  } t[] = {
      {"whois.markmonitor.com", "whois.markmonitor.com"},
      {"WHOIS.GoDaddy.com.", "whois.godaddy.com"},
      {"whois://whois.example.net", "whois.example.net"},
      {"rwhois://rwhois.example.net:43/", "rwhois.example.net"},
      {"https://whois.example.net/", "whois.example.net"},
      {"http://www.example.net/whois", NULL},
      {"https://dns.pl/en/whois", NULL},
      {"", NULL},
      {"   ", NULL},
      {"127.0.0.1", NULL},
      {"192.0.2.43", NULL},
      {"[::1]", NULL},
      {"2001:db8::1", NULL},
      {"localhost", NULL},
      {"whois.localhost", NULL},
      {"nodots", NULL},
      {"who is.example", NULL},
      {"user@whois.example.net", NULL},
      {"whois.example.net:4343", NULL},
  };
  size_t i;
  char out[256];
  for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
    int ok = dv_whois_referral_normalize(t[i].in, out, sizeof(out));
    CHECK(t[i].out ? (ok && !strcmp(out, t[i].out)) : (!ok && !out[0]),
          "referral \"%s\" -> %d \"%s\"", t[i].in, ok, out);
  }
}

static void unit_servers(const char *dir)
{
  dv_whois_servers *s = NULL;
  const dv_whois_server *e;
  char path[4096], err[256], q[512];
  dv_whois_status st;
  static const char *const must[] = {
      "com", "net", "org", "info", "biz", "io", "co", "de", "uk", "cn", "ru",
      "br",  "fr",  "it",  "nl",   "eu",  "au", "ca", "jp", "in", "pl", "es",
      "ch",  "se",  "xyz", "top",  "us",  "me", "tv", "cc", NULL};
  size_t i;

  snprintf(path, sizeof(path), "%s/servers.conf", dir);
  st = dv_whois_servers_load(path, &s, err, sizeof(err));
  CHECK(st == DV_WHOIS_OK, "servers.conf: %s", err);
  if (st)
    return;
  CHECK(dv_whois_servers_count(s) >= 100, "servers.conf has %zu entries",
        dv_whois_servers_count(s));
  for (i = 0; must[i]; i++) {
    e = dv_whois_server_for(s, must[i]);
    CHECK(e && strcmp(e->suffix, "."), "no server entry for %s", must[i]);
  }
  e = dv_whois_server_for(s, "www.Example.DE.");
  CHECK(e && e->kind == DV_WSERVER_HOST && !strcmp(e->host, "whois.denic.de"),
        "de lookup");
  st = dv_whois_server_query(e, "example.de", q, sizeof(q));
  CHECK(!st && !strcmp(q, "-T dn,ace example.de\r\n"), "denic query \"%s\"", q);
  st = dv_whois_server_query(e, "-V example.de", q, sizeof(q));
  CHECK(st == DV_WHOIS_EINVAL, "query injection rejected");
  st = dv_whois_server_query(e, "a.de\r\nhelp", q, sizeof(q));
  CHECK(st == DV_WHOIS_EINVAL, "CRLF injection rejected");
  st = dv_whois_server_query(e, "example.de", q, 8);
  CHECK(st == DV_WHOIS_EINVAL, "small buffer rejected");
  e = dv_whois_server_for(s, "example.com");
  st = dv_whois_server_query(e, "example.com", q, sizeof(q));
  CHECK(!st && !strcmp(q, "domain example.com\r\n"), "verisign query \"%s\"",
        q);
  e = dv_whois_server_for(s, "example.jp");
  st = dv_whois_server_query(e, "example.jp", q, sizeof(q));
  CHECK(!st && !strcmp(q, "example.jp/e\r\n"), "jprs query \"%s\"", q);
  e = dv_whois_server_for(s, "shop.example.co.za");
  CHECK(e && !strcmp(e->suffix, "co.za"), "co.za longest suffix");
  e = dv_whois_server_for(s, "example.za");
  CHECK(e && e->kind == DV_WSERVER_NONE, "za none");
  e = dv_whois_server_for(s, "example.gr");
  CHECK(e && e->kind == DV_WSERVER_WEB && e->web_url &&
            !strncmp(e->web_url, "https://", 8),
        "gr web-only");
  st = dv_whois_server_query(e, "example.gr", q, sizeof(q));
  CHECK(st == DV_WHOIS_EINVAL, "web entry has no query");
  e = dv_whois_server_for(s, "пример.рф");
  CHECK(e && !strcmp(e->suffix, "xn--p1ai"), "IDN TLD via libidn2");
  e = dv_whois_server_for(s, "example.no-such-tld");
  CHECK(e && !strcmp(e->suffix, ".") && !strcmp(e->host, "whois.iana.org"),
        "fallback to IANA");
  dv_whois_servers_free(s);

  s = NULL;
  st = dv_whois_servers_parse("com a.example\ncom b.example\n", 28, "t", &s,
                              err, sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX && !s, "duplicate suffix rejected: %s", err);
  st = dv_whois_servers_parse("com whois.x.example %s\n", 23, "t", &s, err,
                              sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX, "template without {} rejected");
  st = dv_whois_servers_parse("Com whois.x.example\n", 20, "t", &s, err,
                              sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX, "upper-case suffix rejected");
  st = dv_whois_servers_parse("com web:ftp://x\n", 16, "t", &s, err,
                              sizeof(err));
  CHECK(st == DV_WHOIS_ESYNTAX, "web: without http rejected");
}

static void unit_bootstrap(const char *dir)
{
  static const char doc[] =
      "{\"version\":\"1.0\",\"services\":["
      "[[\"uk\"],[\"http://plain.example/\",\"https://rdap.uk.example/\"]],"
      "[[\"co.uk\",\"ORG.UK\"],[\"https://rdap.co-uk.example\"]],"
      "[[\"bad name!\"],[\"https://x.example/\"]],"
      "[[\"xx\"],[\"ftp://nope.example/\"]],"
      "\"junk\", [[1,2],[3]]]}";
  dv_rdap_bootstrap *b = NULL;
  char err[256], url[256], path[4096];
  const char *m, *base;
  dv_whois_status st;

  st = dv_rdap_bootstrap_parse(doc, sizeof(doc) - 1, &b, err, sizeof(err));
  CHECK(!st && b, "bootstrap parse: %s", err);
  if (!b)
    return;
  base = dv_rdap_bootstrap_base(b, "www.bbc.co.uk", &m);
  CHECK(base && !strcmp(base, "https://rdap.co-uk.example/") && m &&
            !strcmp(m, "co.uk"),
        "longest suffix co.uk -> %s", base ? base : "(null)");
  base = dv_rdap_bootstrap_base(b, "example.uk", NULL);
  CHECK(base && !strcmp(base, "https://rdap.uk.example/"), "https preferred");
  base = dv_rdap_bootstrap_base(b, "x.org.uk", NULL);
  CHECK(base && !strcmp(base, "https://rdap.co-uk.example/"),
        "entries lower-cased");
  CHECK(!dv_rdap_bootstrap_base(b, "example.xx", NULL), "ftp ignored");
  CHECK(!dv_rdap_bootstrap_base(b, "notuk", NULL), "whole labels only");
  st = dv_rdap_bootstrap_domain_url(b, "Shop.Example.CO.UK.", url, sizeof(url));
  CHECK(!st && !strcmp(url,
                       "https://rdap.co-uk.example/domain/shop.example.co.uk"),
        "domain url %s", url);
  st = dv_rdap_bootstrap_domain_url(b, "a/../b.uk", url, sizeof(url));
  CHECK(st == DV_WHOIS_EINVAL, "path injection rejected");
  st = dv_rdap_bootstrap_domain_url(b, "example.com", url, sizeof(url));
  CHECK(st == DV_WHOIS_ENOTFOUND, "no service");
  dv_rdap_bootstrap_free(b);

  b = NULL;
  st = dv_rdap_bootstrap_parse("{\"services\":", 12, &b, err, sizeof(err));
  CHECK(st == DV_WHOIS_EFORMAT && !b, "bad json: %s", err);
  st = dv_rdap_bootstrap_parse("[]", 2, &b, err, sizeof(err));
  CHECK(st == DV_WHOIS_EFORMAT && !b, "no services");

  snprintf(path, sizeof(path), "%s/rdap_bootstrap_fallback.json", dir);
  st = dv_rdap_bootstrap_load(path, &b, err, sizeof(err));
  CHECK(!st && b && dv_rdap_bootstrap_count(b) >= 20, "fallback: %s", err);
  if (b) {
    st = dv_rdap_bootstrap_domain_url(b, "example.com", url, sizeof(url));
    CHECK(!st && !strcmp(url, "https://rdap.verisign.com/com/v1/domain/"
                              "example.com"),
          "fallback com: %s", url);
    st = dv_rdap_bootstrap_domain_url(b, "example.net", url, sizeof(url));
    CHECK(!st && !strcmp(url, "https://rdap.verisign.com/net/v1/domain/"
                              "example.net"),
          "fallback net: %s", url);
  }
  dv_rdap_bootstrap_free(b);
}

static void unit_detect(void)
{
  CHECK(dv_whois_detect_format(NULL, 0) == DV_FORMAT_UNKNOWN, "NULL");
  CHECK(dv_whois_detect_format(" \r\n", 3) == DV_FORMAT_UNKNOWN, "blank");
  CHECK(dv_whois_detect_format("\xef\xbb\xbf {\"rdapConformance\":[]}", 26) ==
            DV_FORMAT_RDAP,
        "BOM + rdap");
  CHECK(dv_whois_detect_format("{ not rdap }", 12) == DV_FORMAT_WHOIS,
        "brace text is whois");
  CHECK(dv_whois_detect_format("Domain Name: x", 14) == DV_FORMAT_WHOIS,
        "whois");
}

int main(int argc, char **argv)
{
  char dir[1024], path[1200], err[512];
  char *exp = NULL, *line, *next;
  size_t len = 0;
  dv_whois_patterns *pat = NULL;
  dv_whois_info info;

  if (argc > 1)
    snprintf(dir, sizeof(dir), "%s", argv[1]);
  else
    data_dir_default(dir, sizeof(dir));
  snprintf(path, sizeof(path), "%s/patterns.conf", dir);
  if (dv_whois_patterns_load(path, &pat, err, sizeof(err))) {
    fprintf(stderr, "patterns: %s\n", err);
    return 1;
  }
  snprintf(path, sizeof(path), "%s/fixtures/expected.conf", dir);
  if (dv_whois_read_file(path, 1024u * 1024u, &exp, &len)) {
    fprintf(stderr, "cannot read %s\n", path);
    dv_whois_patterns_free(pat);
    return 1;
  }
  for (line = exp; line; line = next) {
    next = strchr(line, '\n');
    if (next)
      *next++ = '\0';
    line += strspn(line, " \t");
    if (!*line || *line == '#')
      continue;
    run_fixture(pat, dir, line);
  }
  free(exp);

  CHECK(dv_whois_parse_text(NULL, "x", 1, NULL, &info) == DV_WHOIS_EINVAL,
        "NULL patterns");
  CHECK(dv_whois_parse_text(pat, NULL, 5, NULL, &info) == DV_WHOIS_EINVAL,
        "NULL buffer");
  CHECK(dv_whois_parse_text(pat, NULL, 0, NULL, &info) == DV_WHOIS_OK &&
            !strcmp(info.source, "whois"),
        "empty buffer");
  CHECK(dv_whois_parse_text(pat, "Domain: x\n", 10, "https://web.example/w",
                            &info) == DV_WHOIS_OK &&
            !strcmp(info.web_only, "https://web.example/w"),
        "URL-shaped server is web-only");
  unit_patterns();
  unit_referral();
  unit_servers(dir);
  unit_bootstrap(dir);
  unit_detect();
  dv_whois_patterns_free(pat);

  printf("%u checks passed, %u failed\n", n_ok, n_fail);
  return n_fail ? 1 : 0;
}
