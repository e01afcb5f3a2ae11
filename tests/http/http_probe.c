/* Test driver for base/http.c: runs every URL concurrently on one dv_loop
 * and prints one line per response (URL order):
 *   N status=NAME code=CODE bytes=LEN sha=FIRST16HEX [hdr=VALUE]
 * Options: --deadline MS --timeout MS --max BYTES --method M --data STR
 *          --header "Name: v" (repeatable) --show-header NAME --body */
#include "config.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/http.h"
#include "base/loop.h"

typedef struct {
  int idx;
  int done;
  dv_http_status st;
  long code;
  size_t len;
  char hdr[256];
  char *body;
} probe_res;

static const char *show_header;

static void on_done(void *arg, const dv_http_resp *r)
{
  probe_res *p = arg;
  const char *v;
  p->done++;
  p->st = r->status;
  p->code = r->code;
  p->len = r->body_len;
  v = show_header ? dv_http_resp_header(r, show_header) : NULL;
  snprintf(p->hdr, sizeof(p->hdr), "%s", v ? v : "-");
  if (r->body) {
    p->body = malloc(r->body_len + 1);
    if (p->body) {
      memcpy(p->body, r->body, r->body_len);
      p->body[r->body_len] = '\0';
    }
  }
}

int main(int argc, char **argv)
{
  dv_loop *loop;
  dv_http *h;
  dv_http_req req;
  const char *headers[16];
  size_t nh = 0;
  long deadline = 0;
  int i, nurls = 0, print_body = 0, rc = 0;
  probe_res *res;
  const char *urls[256];

  memset(&req, 0, sizeof(req));
  for (i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--deadline") == 0 && i + 1 < argc)
      deadline = atol(argv[++i]);
    else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
      req.timeout_ms = atol(argv[++i]);
    else if (strcmp(argv[i], "--max") == 0 && i + 1 < argc)
      req.max_body = (size_t)atol(argv[++i]);
    else if (strcmp(argv[i], "--method") == 0 && i + 1 < argc)
      req.method = argv[++i];
    else if (strcmp(argv[i], "--data") == 0 && i + 1 < argc) {
      req.body = argv[++i];
      req.body_len = strlen(req.body);
    } else if (strcmp(argv[i], "--header") == 0 && i + 1 < argc && nh < 15)
      headers[nh++] = argv[++i];
    else if (strcmp(argv[i], "--show-header") == 0 && i + 1 < argc)
      show_header = argv[++i];
    else if (strcmp(argv[i], "--body") == 0)
      print_body = 1;
    else if (nurls < 256)
      urls[nurls++] = argv[i];
  }
  headers[nh] = NULL;
  req.headers = headers;
  req.trace_label = "probe";
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
    return 3;
  loop = dv_loop_new();
  h = loop ? dv_http_new(loop, getenv("PROBE_TRACE") ? 2 : 0) : NULL;
  res = calloc((size_t)nurls + 1, sizeof(*res));
  if (!h || !res)
    return 3;
  if (deadline > 0)
    dv_loop_deadline_set(loop, deadline);
  for (i = 0; i < nurls; i++) {
    dv_http_status st;
    req.url = urls[i];
    res[i].idx = i;
    st = dv_http_request(h, &req, on_done, &res[i]);
    if (st != DV_HTTP_OK) {
      res[i].done = 1;
      res[i].st = st;
    }
  }
  dv_loop_run(loop);
  for (i = 0; i < nurls; i++) {
    printf("%d status=%s code=%ld bytes=%zu hdr=%s calls=%d\n", i,
           res[i].st == DV_HTTP_OK ? "ok" : dv_http_status_str(res[i].st),
           res[i].code, res[i].len, res[i].hdr, res[i].done);
    if (print_body && res[i].body)
      printf("%s\n", res[i].body);
    if (res[i].done != 1)
      rc = 1;
    free(res[i].body);
  }
  free(res);
  dv_http_free(h);
  dv_loop_free(loop);
  curl_global_cleanup();
  return rc;
}
