/* Unit tests: the HTML page's and the DOT graph's escaping of untrusted
 * text, and the page's Content-Security-Policy hashes matching its inline
 * style and script byte for byte. */
#include "config.h"

#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/report_dot.h"
#include "src/report_html.h"
#include "unit.h"

/* What fn writes for s, as a malloc'd string. */
static char *capture(void (*fn)(FILE *, const char *, size_t), const char *s,
                     size_t len)
{
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  ck_assert_ptr_nonnull(f);
  fn(f, s, len);
  fclose(f);
  return buf;
}

START_TEST(html_escape_hostile)
{
  static const char in[] = "<script>a=\"b\"&'c'</script>\x1b[31m\xe2\x80\xae\\";
  char *out = capture(dv_html_escape, in, sizeof(in) - 1);
  ck_assert_str_eq(out, "&lt;script&gt;a=&quot;b&quot;&amp;&#39;c&#39;&lt;/"
                        "script&gt;\\x1B[31m\\xE2\\x80\\xAE\\x5C");
  free(out);
  /* a NUL inside the length is a byte like any other */
  out = capture(dv_html_escape, "a\0b", 3);
  ck_assert_str_eq(out, "a\\x00b");
  free(out);
}
END_TEST

START_TEST(dot_escape_hostile)
{
  static const char in[] = "a\"];b\\N\n{ x -> y }";
  char *out = capture(dv_dot_escape, in, sizeof(in) - 1);
  /* no bare quote can end the string, no backslash can start an escString
   * sequence such as \N or \l */
  ck_assert_str_eq(out, "a\\\"];b\\\\x5CN\\\\x0A{ x -> y }");
  for (const char *p = out; *p; p++)
    if (*p == '"')
      ck_assert_msg(p > out && p[-1] == '\\', "bare quote in %s", out);
  free(out);
}
END_TEST

/* The text between open and close in page. */
static char *between(const char *page, const char *open, const char *close)
{
  const char *a = strstr(page, open), *b;
  ck_assert_ptr_nonnull(a);
  a += strlen(open);
  b = strstr(a, close);
  ck_assert_ptr_nonnull(b);
  return strndup(a, (size_t)(b - a));
}

static void assert_hashed(const char *page, const char *body)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  unsigned char b64[128];
  char want[160];
  ck_assert(EVP_Digest(body, strlen(body), md, &mdlen, EVP_sha256(), NULL));
  EVP_EncodeBlock(b64, md, (int)mdlen);
  snprintf(want, sizeof(want), "'sha256-%s'", (const char *)b64);
  ck_assert_msg(strstr(page, want) != NULL, "CSP lacks %s", want);
}

START_TEST(html_page_csp_and_hostile_cert)
{
  json_t *cert = json_pack("{s:s, s:s, s:s, s:i, s:i}", "Status", "ISSUED",
                           "Type", "IMPORTED", "DomainName", "x", "NotBefore",
                           1764547200, "NotAfter", 1767225600);
  dv_findings fl = {0};
  dv_finding *f = dv_findings_add(&fl, DV_F_EXPIRY_IMPORTED, "<b>x</b>");
  dv_html_cert c = {.region = "us-east-1",
                    .arn = "arn:aws:acm:us-east-1:1:certificate/\"><i>",
                    .domain = "<script>alert(1)</script>.example",
                    .cert = cert,
                    .verdict = DV_F__COUNT,
                    .findings = &fl};
  dv_html_report r = {.command = "audit",
                      .now = 1765000000,
                      .days = 45,
                      .exit_code = 2,
                      .listed = 1,
                      .nunits = 1,
                      .certs = &c,
                      .ncerts = 1};
  char *page = NULL, *css, *js, *meta;
  size_t n = 0;
  FILE *out = open_memstream(&page, &n);
  dv_finding_ev(&fl, f, "why", "%s", "</dd><script>x()</script>");
  ck_assert_int_eq(dv_report_html(out, &r), 0);
  fclose(out);
  css = between(page, "<style>", "</style>");
  js = between(page, "<script>", "</script>");
  meta = between(page, "Content-Security-Policy\" content=\"", "\"");
  assert_hashed(meta, css);
  assert_hashed(meta, js);
  ck_assert_ptr_null(strstr(meta, "unsafe-inline"));
  ck_assert_ptr_nonnull(strstr(meta, "default-src 'none'"));
  /* one script element (the page's), the hostile text as entities */
  ck_assert_ptr_null(strstr(strstr(page, "<script>") + 1, "<script>"));
  ck_assert_ptr_nonnull(strstr(page, "&lt;script&gt;alert(1)&lt;/script&gt;"));
  ck_assert_ptr_nonnull(strstr(page, "&lt;/dd&gt;&lt;script&gt;x()"));
  ck_assert_ptr_null(strstr(page, "<i>"));
  ck_assert_ptr_null(strstr(page, "<b>x"));
  /* the renewal window is drawn only for AMAZON_ISSUED */
  ck_assert_ptr_null(strstr(page, "class=\"renew\""));
  free(css);
  free(js);
  free(meta);
  free(page);
  dv_findings_free(&fl);
  json_decref(cert);
}
END_TEST

START_TEST(dot_graph_hostile_answer)
{
  dv_dns_record *r = calloc(1, sizeof(*r));
  char *g = NULL;
  size_t n = 0;
  FILE *out;
  ck_assert_ptr_nonnull(r);
  dv_dns_record_init(r, "example.test", "_x.example.test", "v.example.test");
  snprintf(r->zone, sizeof(r->zone), "example.test");
  ck_assert_int_eq(dv_dns_record_alloc(r, 2, 1), 0);
  snprintf(r->zprobe[0].name, sizeof(r->zprobe[0].name), "_x.example.test");
  snprintf(r->zprobe[1].name, sizeof(r->zprobe[1].name), "example.test");
  r->zprobe[1].has_ns = 1;
  r->zprobe[1].nns = 1;
  r->zprobe[1].ns[0] = dv_dns_record_str(r, "ns\"1];", 64);
  r->zone_idx = 1;
  r->auth[0].ns = r->zprobe[1].ns[0];
  snprintf(r->auth[0].addr, sizeof(r->auth[0].addr), "192.0.2.1");
  r->auth[0].aa = 1;
  r->auth[0].cname_st = DV_DNS_OK;
  r->auth[0].cname = dv_dns_record_str(r, "a\"] x -> y [\\", 64);
  out = open_memstream(&g, &n);
  ck_assert_int_eq(dv_report_dot(out, r, 1), 0);
  fclose(out);
  ck_assert_ptr_nonnull(strstr(g, "label=\"a\\\"] x -> y [\\\\x5C\""));
  ck_assert_ptr_nonnull(strstr(g, "NS: ns\\\"1];"));
  /* a wrong value at a server: its edge is red */
  ck_assert_ptr_nonnull(strstr(g, "[label=\"CNAME\", color=\"#cf222e\""));
  free(g);
  dv_dns_record_free(r);
  free(r);
}
END_TEST

Suite *suite_reportfmt(void)
{
  Suite *s = suite_create("reportfmt");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, html_escape_hostile);
  tcase_add_test(tc, dot_escape_hostile);
  tcase_add_test(tc, html_page_csp_and_hostile_cert);
  tcase_add_test(tc, dot_graph_hostile_answer);
  suite_add_tcase(s, tc);
  return s;
}
