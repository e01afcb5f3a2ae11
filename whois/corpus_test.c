/* dvcheck -- run the WHOIS/RDAP analysis over the shared reference corpus.
 *
 *   corpus_test CORPUS_DIR [DATA_DIR]
 *
 * CORPUS_DIR is the directory holding whois/ and rdap/ (see its README.md);
 * DATA_DIR holds patterns.conf, servers.conf and rdap_bootstrap_fallback.json
 * (default: the directory this source file lives in).
 *
 * Scoring (whois/expected.jsonl): a role of kind "email" is right when the
 * same address is extracted (case-insensitive); a role of any other kind
 * (web_form, masked, absent) is right when no address is extracted; null
 * kinds are not scored. "throttled" is compared when it is true/false.
 * Targets: >= 99% of e-mail roles, >= 99% of other roles, 0 throttle
 * errors. Exit 0 when met, 1 when not, 77 when the corpus is missing.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <jansson.h>

#include "whois/rdap_bootstrap.h"
#include "whois/whois_int.h"
#include "whois/whois_parse.h"
#include "whois/whois_servers.h"

#define MAX_FILE (16u * 1024u * 1024u)

static const char *const roles[3] = {"registrant", "admin", "tech"};

struct totals {
  unsigned email_ok, email_n, other_ok, other_n;
  unsigned thr_ok, thr_n, ref_ok, ref_n, rdap_ok, rdap_n, srv_missing;
};

static void data_dir_default(char *buf, size_t len)
{
  const char *f = __FILE__, *slash = strrchr(f, '/');
  if (slash)
    snprintf(buf, len, "%.*s", (int)(slash - f), f);
  else
    snprintf(buf, len, ".");
}

static const dv_contact *role_contact(const dv_whois_info *in, int r)
{
  return r == 0 ? &in->registrant : r == 1 ? &in->admin : &in->tech;
}

/* TLD of the response: from "domain", else the "name" ("hk_git.hk"). */
static const char *tld_of(json_t *rec, char *buf, size_t len)
{
  const char *d = json_string_value(json_object_get(rec, "domain"));
  const char *dot;
  if (!d)
    return NULL;
  dot = strrchr(d, '.');
  snprintf(buf, len, "%s", dot ? dot + 1 : d);
  return buf;
}

static int run_whois(const char *corpus, const dv_whois_patterns *pat,
                     const dv_whois_servers *srv, struct totals *t)
{
  char path[4096], tldbuf[64];
  FILE *fp;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  int rc = 0;

  snprintf(path, sizeof(path), "%s/whois/expected.jsonl", corpus);
  fp = fopen(path, "r");
  if (!fp) {
    fprintf(stderr, "cannot open %s\n", path);
    return -1;
  }
  while ((n = getline(&line, &cap, fp)) > 0) {
    json_error_t jerr;
    json_t *rec = json_loadb(line, (size_t)n, 0, &jerr), *kinds, *contacts;
    const char *id, *name, *server, *tld;
    char *buf = NULL;
    size_t blen = 0;
    dv_whois_info info;
    dv_whois_status st;
    int r;

    if (!rec) {
      fprintf(stderr, "expected.jsonl: %s\n", jerr.text);
      rc = -1;
      break;
    }
    id = json_string_value(json_object_get(rec, "id"));
    name = json_string_value(json_object_get(rec, "name"));
    server = json_string_value(json_object_get(rec, "server"));
    kinds = json_object_get(rec, "kinds");
    contacts = json_object_get(rec, "contacts");
    snprintf(path, sizeof(path), "%s/whois/%s.txt", corpus, id ? id : "?");
    if (!id || dv_whois_read_file(path, MAX_FILE, &buf, &blen)) {
      printf("FAIL %s: cannot read %s\n", id ? id : "?", path);
      json_decref(rec);
      rc = -1;
      continue;
    }
    st = dv_whois_parse_text(pat, buf, blen, server, &info);
    free(buf);
    if (st)
      printf("FAIL %s %s: parse error %s\n", id, name, dv_whois_status_str(st));

    for (r = 0; r < 3; r++) {
      const char *kind = json_string_value(json_object_get(kinds, roles[r]));
      const char *want = json_string_value(json_object_get(contacts, roles[r]));
      const dv_contact *c = role_contact(&info, r);
      int ok;
      if (!kind)
        continue;
      if (!strcmp(kind, "email")) {
        t->email_n++;
        ok = want && !strcasecmp(c->email, want);
        t->email_ok += (unsigned)ok;
      } else {
        t->other_n++;
        ok = !c->email[0];
        t->other_ok += (unsigned)ok;
      }
      if (!ok)
        printf("FAIL %s %s %s: want %s \"%s\" got %s email=\"%s\" "
               "raw=\"%.80s\"\n",
               id, name, roles[r], kind, want ? want : "",
               dv_contact_status_str(c->status), c->email, c->raw);
    }
    {
      json_t *thr = json_object_get(rec, "throttled");
      if (!json_is_boolean(thr) && info.throttled)
        printf("INFO %s %s: throttled (not asserted by the corpus)\n", id,
               name);
      if (json_is_boolean(thr)) {
        t->thr_n++;
        if (json_is_true(thr) == !!info.throttled)
          t->thr_ok++;
        else
          printf("FAIL %s %s throttled: want %d got %d\n", id, name,
                 json_is_true(thr), info.throttled);
      }
    }
    {
      const char *ref = json_string_value(json_object_get(rec, "referral"));
      if (ref) {
        char norm[256];
        t->ref_n++;
        if (dv_whois_referral_normalize(ref, norm, sizeof(norm)) &&
            !strcmp(norm, info.referral))
          t->ref_ok++;
        else
          printf("INFO %s %s referral: want \"%s\" got \"%s\"\n", id, name, ref,
                 info.referral);
      }
    }
    if (name && strstr(name, "status_available") && !info.not_found)
      printf("INFO %s %s: not_found not detected\n", id, name);
    if (name && strstr(name, "status_registered") && info.not_found)
      printf("INFO %s %s: registered but not_found set\n", id, name);
    if (info.not_found &&
        (info.registrant.email[0] || info.admin.email[0] || info.tech.email[0]))
      printf("INFO %s %s: not_found but contacts found\n", id, name);
    if (info.captcha)
      printf("INFO %s %s: captcha\n", id, name);
    if (info.web_only[0])
      printf("INFO %s %s: web_only %s\n", id, name, info.web_only);
    tld = tld_of(rec, tldbuf, sizeof(tldbuf));
    if (tld && srv) {
      const dv_whois_server *e = dv_whois_server_for(srv, tld);
      if (!e || !strcmp(e->suffix, ".")) {
        printf("FAIL servers.conf has no entry for .%s (%s)\n", tld, id);
        t->srv_missing++;
      }
    }
    json_decref(rec);
  }
  free(line);
  fclose(fp);
  return rc;
}

static int run_rdap(const char *corpus, const dv_whois_patterns *pat,
                    struct totals *t)
{
  char dir[4096], path[4600];
  DIR *d;
  struct dirent *de;

  snprintf(dir, sizeof(dir), "%s/rdap", corpus);
  d = opendir(dir);
  if (!d) {
    printf("SKIP no %s\n", dir);
    return 0;
  }
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    char *buf = NULL;
    size_t blen = 0;
    dv_whois_info info;
    dv_whois_status st;
    int r;
    if (l < 6 || strcmp(de->d_name + l - 5, ".json") ||
        strstr(de->d_name, "bootstrap"))
      continue;
    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
    if (dv_whois_read_file(path, MAX_FILE, &buf, &blen))
      continue;
    t->rdap_n++;
    if (dv_whois_detect_format(buf, blen) != DV_FORMAT_RDAP) {
      printf("FAIL rdap %s: not detected as RDAP\n", de->d_name);
      free(buf);
      continue;
    }
    st = dv_whois_parse_any(pat, buf, blen, NULL, &info);
    free(buf);
    if (st || strcmp(info.source, "rdap")) {
      printf("FAIL rdap %s: %s\n", de->d_name, dv_whois_status_str(st));
      continue;
    }
    t->rdap_ok++;
    printf("RDAP %-28s", de->d_name);
    for (r = 0; r < 3; r++) {
      const dv_contact *c = role_contact(&info, r);
      printf(" %s=%s%s%s", roles[r], dv_contact_status_str(c->status),
             c->email[0] ? ":" : "", c->email);
    }
    printf(" referral=%s\n", info.referral[0] ? info.referral : "-");
  }
  closedir(d);
  return 0;
}

static int check_bootstrap(const char *path, const char *what)
{
  static const char *const names[] = {"example.com",   "www.example.net",
                                      "example.org",   "amazon.xyz",
                                      "bbc.co.uk",     "xn--p1ai",
                                      "example.de",    "EXAMPLE.COM.",
                                      "no-such.tld-x", NULL};
  dv_rdap_bootstrap *b = NULL;
  char err[256], url[512];
  size_t i;
  dv_whois_status st = dv_rdap_bootstrap_load(path, &b, err, sizeof(err));
  if (st) {
    printf("FAIL bootstrap %s: %s\n", what, err);
    return 1;
  }
  printf("BOOT %s: %zu entries\n", what, dv_rdap_bootstrap_count(b));
  for (i = 0; names[i]; i++) {
    st = dv_rdap_bootstrap_domain_url(b, names[i], url, sizeof(url));
    printf("BOOT   %-16s -> %s\n", names[i],
           st ? dv_whois_status_str(st) : url);
  }
  dv_rdap_bootstrap_free(b);
  return 0;
}

int main(int argc, char **argv)
{
  char data[4096], path[4600], err[512];
  dv_whois_patterns *pat = NULL;
  dv_whois_servers *srv = NULL;
  struct totals t;
  struct stat sb;
  double ep, op;
  int ok, rc = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR [DATA_DIR]\n", argv[0]);
    return 2;
  }
  snprintf(path, sizeof(path), "%s/whois/expected.jsonl", argv[1]);
  if (stat(argv[1], &sb) || stat(path, &sb)) {
    printf("corpus not found at %s, skipping\n", argv[1]);
    return 77;
  }
  if (argc > 2)
    snprintf(data, sizeof(data), "%s", argv[2]);
  else
    data_dir_default(data, sizeof(data));
  snprintf(path, sizeof(path), "%s/patterns.conf", data);
  if (dv_whois_patterns_load(path, &pat, err, sizeof(err))) {
    fprintf(stderr, "patterns: %s\n", err);
    return 1;
  }
  snprintf(path, sizeof(path), "%s/servers.conf", data);
  if (dv_whois_servers_load(path, &srv, err, sizeof(err))) {
    fprintf(stderr, "servers: %s\n", err);
    goto out;
  }
  memset(&t, 0, sizeof(t));
  if (run_whois(argv[1], pat, srv, &t) < 0)
    goto out;
  run_rdap(argv[1], pat, &t);
  snprintf(path, sizeof(path), "%s/rdap/iana-dns-bootstrap.json", argv[1]);
  if (!stat(path, &sb) && check_bootstrap(path, "iana"))
    t.rdap_n++;
  snprintf(path, sizeof(path), "%s/rdap_bootstrap_fallback.json", data);
  if (check_bootstrap(path, "fallback"))
    t.rdap_n++;

  ep = t.email_n ? 100.0 * t.email_ok / t.email_n : 100.0;
  op = t.other_n ? 100.0 * t.other_ok / t.other_n : 100.0;
  printf("\nemail roles right: %u/%u = %.2f%%\n", t.email_ok, t.email_n, ep);
  printf("other roles right: %u/%u = %.2f%%\n", t.other_ok, t.other_n, op);
  printf("throttle errors:   %u (of %u asserted)\n", t.thr_n - t.thr_ok,
         t.thr_n);
  printf("referrals right:   %u/%u (informational)\n", t.ref_ok, t.ref_n);
  printf("rdap parsed:       %u/%u\n", t.rdap_ok, t.rdap_n);
  printf("servers missing:   %u\n", t.srv_missing);
  ok = ep >= 99.0 && op >= 99.0 && t.thr_ok == t.thr_n &&
       t.rdap_ok == t.rdap_n && !t.srv_missing;
  printf("%s\n", ok ? "PASS"
                    : "FAIL (targets: email >= 99%, other >= 99%, "
                      "0 throttle errors)");
  rc = ok ? 0 : 1;
out:
  dv_whois_servers_free(srv);
  dv_whois_patterns_free(pat);
  return rc;
}
