/* libFuzzer target: HTTP response headers (base/http.c) -- the input is
 * a header block as libcurl hands it over, line by line (status lines
 * included); then the headers the clients read: Retry-After (RDAP,
 * whois/rdap_client.c), Date (ACM's clock-skew measure, aws/acm_client.c),
 * x-amzn-ErrorType / x-amzn-RequestId (ACM and SSO errors). */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "aws/acm_client.h"
#include "base/http.h"
#include "whois/rdap_client.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_http_resp r;
  dv_acm_error e;
  size_t total = 0, off = 0;
  const char *v;
  time_t t;

  memset(&r, 0, sizeof(r));
  while (off < size) {
    const uint8_t *nl = memchr(data + off, '\n', size - off);
    size_t n = nl ? (size_t)(nl - (data + off)) + 1 : size - off;
    /* libcurl's buffer is not NUL-terminated: give exactly n bytes */
    char *line = malloc(n ? n : 1);
    if (!line)
      abort();
    memcpy(line, data + off, n);
    off += n;
    if (dv_http_header_line(&r, &total, line, n) < 0) {
      free(line);
      break;
    }
    free(line);
  }
  if ((v = dv_http_resp_header(&r, "Retry-After")))
    (void)dv_rdap_retry_after(v, 1767225600L);
  if ((v = dv_http_resp_header(&r, "Date")))
    (void)dv_http_date_parse(v, &t);
  (void)dv_acm_error_parse(400, "", 0,
                           dv_http_resp_header(&r, "x-amzn-ErrorType"),
                           dv_http_resp_header(&r, "x-amzn-RequestId"), &e);
  (void)dv_acm_retry_classify(DV_HTTP_OK, 400, e.code);
  dv_http_resp_headers_free(&r);
  return 0;
}
