/* dvcheck -- expiry classification. See acm_expiry.h. */
#include "config.h"

#include <math.h>
#include <string.h>

#include "base/timefmt.h"
#include "base/json.h"
#include "check/acm_expiry.h"

/* The validation method of every name: "DNS", "EMAIL", "HTTP", "mixed",
 * or NULL when the detail has no DomainValidationOptions. */
static const char *expiry_method(const json_t *cert)
{
  const json_t *dvos = json_object_get(cert, "DomainValidationOptions");
  const json_t *it;
  const char *m = NULL;
  size_t i;
  if (!json_is_array(dvos) || json_array_size(dvos) == 0)
    return NULL;
  json_array_foreach(dvos, i, it) {
    const char *vm = dv_json_get_str(it, "ValidationMethod");
    if (!*vm)
      continue;
    if (!m)
      m = strcmp(vm, "DNS") == 0     ? "DNS"
          : strcmp(vm, "EMAIL") == 0 ? "EMAIL"
          : strcmp(vm, "HTTP") == 0  ? "HTTP"
                                     : "mixed";
    else if (strcmp(m, vm) != 0)
      m = "mixed";
  }
  return m;
}

int dv_expiry_classify(const json_t *cert, time_t now, long days,
                       dv_expiry_verdict *out)
{
  const char *type = dv_json_get_str(cert, "Type");
  const char *elig = dv_json_get_str(cert, "RenewalEligibility");
  const json_t *rs = json_object_get(cert, "RenewalSummary");
  const char *rstatus =
      json_is_object(rs) ? dv_json_get_str(rs, "RenewalStatus") : "";
  int is_detail = json_object_get(cert, "DomainValidationOptions") != NULL ||
                  json_object_get(cert, "Serial") != NULL;
  double left_s;

  memset(out, 0, sizeof(*out));
  if (dv_json_get_left(cert, "NotAfter", now, &left_s) < 0)
    return -1;
  /* whole days: left (rounded down), or since expiry (rounded down) */
  out->days_left = left_s > 0 ? (long)floor(left_s / 86400.0)
                              : -(long)floor(-left_s / 86400.0);
  out->expiring = left_s < (double)days * 86400.0;
  out->method = expiry_method(cert);
  if (!out->expiring)
    return 0;
  if (left_s <= 0) {
    out->code = DV_F_EXPIRY_EXPIRED;
    return 0;
  }
  if (strcmp(type, "IMPORTED") == 0) {
    out->code = DV_F_EXPIRY_IMPORTED;
    return 0;
  }
  if (strcmp(type, "PRIVATE") == 0) {
    out->code = strcmp(elig, "INELIGIBLE") == 0 ? DV_F_EXPIRY_NOT_IN_USE
                                                : DV_F_EXPIRY_PRIVATE;
    return 0;
  }
  /* AMAZON_ISSUED */
  if (strcmp(elig, "INELIGIBLE") == 0) {
    out->code = DV_F_EXPIRY_NOT_IN_USE;
    return 0;
  }
  if (!is_detail) {
    out->need_describe = 1;
    out->code = DV_F_EXPIRY_RENEWAL_PENDING;
    return 0;
  }
  if (strcmp(rstatus, "FAILED") == 0) {
    out->code = DV_F_EXPIRY_RENEWAL_FAILED;
    return 0;
  }
  if (out->method && strcmp(out->method, "DNS") == 0) {
    out->need_dns_check = 1;
    out->code = DV_F_EXPIRY_DNS_RENEWAL; /* refined by the CNAME check */
    return 0;
  }
  if (out->method && (strcmp(out->method, "EMAIL") == 0 ||
                      strcmp(out->method, "mixed") == 0)) {
    out->need_dns_check = strcmp(out->method, "mixed") == 0;
    out->code = DV_F_EXPIRY_EMAIL_RENEWAL;
    return 0;
  }
  out->code = DV_F_EXPIRY_RENEWAL_PENDING;
  return 0;
}

char *dv_expiry_not_after(const json_t *cert, char *buf, size_t len)
{
  time_t t;
  if (dv_json_get_time(cert, "NotAfter", &t) < 0) {
    snprintf(buf, len, "?");
    return buf;
  }
  return dv_time_iso(t, DV_TIME_MILLIS, buf, len);
}
