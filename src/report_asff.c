/* dvcheck -- AWS Security Finding Format output. See report_asff.h.
 *
 * Field rules from the ASFF reference: the 12 attributes BatchImportFindings
 * requires (SchemaVersion, Id, ProductArn, GeneratorId, AwsAccountId, Types,
 * CreatedAt, UpdatedAt, Severity, Title, Description, Resources), Title at
 * most 256 and Description at most 1024 characters, Types in the
 * "namespace/category/classifier" form, timestamps in RFC 3339. A finding a
 * customer imports itself uses the account's default product ARN:
 * arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/timefmt.h"
#include "base/json.h"
#include "src/report_asff.h"

const char *dv_asff_severity_label(dv_severity sev)
{
  switch (sev) {
  case DV_SEV_INFO:
    return "INFORMATIONAL";
  case DV_SEV_WARNING:
    return "MEDIUM";
  case DV_SEV_ERROR:
    return "HIGH";
  case DV_SEV_FATAL:
  default:
    return "CRITICAL";
  }
}

/* A string truncated to at most max bytes on a UTF-8 boundary. */
static json_t *asff_str(const char *s, size_t max)
{
  char buf[1100];
  size_t n = strlen(s ? s : "");
  if (n > max && max < sizeof(buf)) {
    n = max;
    /* do not cut a UTF-8 sequence: s[n] (n < strlen(s)) is the first byte
     * left out; step back while it continues a sequence */
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
      n--;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return json_stringn(buf, n);
  }
  return json_string(s ? s : "");
}

/* ACM gives timestamps as epoch seconds (JSON numbers); ASFF wants strings. */
static int asff_copy_time(json_t *dst, const char *key, const json_t *src)
{
  char ts[40];
  time_t t;
  if (dv_json_get_time(src, key, &t) < 0)
    return 0; /* absent, or not a time we accept: left out */
  dv_time_iso(t, DV_TIME_MILLIS, ts, sizeof(ts));
  return json_object_set_new(dst, key, json_string(ts));
}

static int asff_copy_str(json_t *dst, const char *key, const json_t *src)
{
  const json_t *v = json_object_get(src, key);
  if (!json_is_string(v))
    return 0;
  return json_object_set_new(dst, key, json_string(json_string_value(v)));
}

static int asff_copy_strlist(json_t *dst, const char *key, const json_t *src)
{
  const json_t *v = json_object_get(src, key);
  json_t *arr;
  size_t i;
  const json_t *it;
  if (!json_is_array(v))
    return 0;
  arr = json_array();
  if (!arr)
    return -1;
  json_array_foreach(v, i, it) {
    if (json_is_string(it))
      json_array_append_new(arr, json_string(json_string_value(it)));
    else if (json_is_object(it) && json_is_string(json_object_get(it, "Arn")))
      json_array_append_new(
          arr, json_string(json_string_value(json_object_get(it, "Arn"))));
  }
  return json_object_set_new(dst, key, arr);
}

static json_t *asff_details(const json_t *cert)
{
  json_t *d = json_object();
  static const char *const strs[] = {"DomainName",
                                     "Status",
                                     "Type",
                                     "KeyAlgorithm",
                                     "RenewalEligibility",
                                     "FailureReason",
                                     "Serial",
                                     "Issuer",
                                     "Subject",
                                     "SignatureAlgorithm",
                                     "CertificateAuthorityArn"};
  static const char *const times[] = {"NotAfter", "NotBefore", "CreatedAt",
                                      "IssuedAt", "ImportedAt"};
  size_t i;
  int rc = 0;
  if (!d)
    return NULL;
  for (i = 0; i < sizeof(strs) / sizeof(strs[0]); i++)
    rc |= asff_copy_str(d, strs[i], cert);
  for (i = 0; i < sizeof(times) / sizeof(times[0]); i++)
    rc |= asff_copy_time(d, times[i], cert);
  rc |= asff_copy_strlist(d, "SubjectAlternativeNames", cert);
  rc |= asff_copy_strlist(d, "InUseBy", cert);
  if (rc) {
    json_decref(d);
    return NULL;
  }
  return d;
}

json_t *dv_asff_finding(const dv_asff_input *in)
{
  json_t *f = NULL, *res = NULL, *r = NULL, *details = NULL, *acm = NULL;
  char product[256], id[512], gen[128], ts[40], desc[1100];
  const char *part = in->partition && *in->partition ? in->partition : "aws";

  snprintf(product, sizeof(product),
           "arn:%s:securityhub:%s:%s:product/%s/default", part, in->region,
           in->account, in->account);
  snprintf(id, sizeof(id), "%s/dvcheck/%s", in->arn, in->code);
  snprintf(gen, sizeof(gen), "dvcheck/%s", in->code);
  dv_time_iso(in->now, DV_TIME_MILLIS, ts, sizeof(ts));
  if (in->remediation && *in->remediation)
    snprintf(desc, sizeof(desc), "%s Fix: %s", in->description,
             in->remediation);
  else
    snprintf(desc, sizeof(desc), "%s", in->description);

  f = json_object();
  res = json_array();
  r = json_object();
  details = json_object();
  acm = in->cert ? asff_details(in->cert) : json_object();
  if (!f || !res || !r || !details || !acm)
    goto fail;
  if (json_object_set_new(details, "AwsCertificateManagerCertificate", acm)) {
    acm = NULL;
    goto fail;
  }
  acm = NULL;
  if (json_object_set_new(r, "Type",
                          json_string("AwsCertificateManagerCertificate")) ||
      json_object_set_new(r, "Id", json_string(in->arn)) ||
      json_object_set_new(r, "Partition", json_string(part)) ||
      json_object_set_new(r, "Region", json_string(in->region)) ||
      json_object_set_new(r, "Details", details)) {
    details = NULL;
    goto fail;
  }
  details = NULL;
  if (json_array_append_new(res, r)) {
    r = NULL;
    goto fail;
  }
  r = NULL;
  if (json_object_set_new(f, "Resources", res)) {
    res = NULL;
    goto fail;
  }
  res = NULL; /* owned by f now */
  if (json_object_set_new(f, "SchemaVersion", json_string("2018-10-08")) ||
      json_object_set_new(f, "Id", json_string(id)) ||
      json_object_set_new(f, "ProductArn", json_string(product)) ||
      json_object_set_new(f, "GeneratorId", json_string(gen)) ||
      json_object_set_new(f, "AwsAccountId", json_string(in->account)) ||
      json_object_set_new(
          f, "Types",
          json_pack("[s]", "Software and Configuration Checks/AWS Security "
                           "Best Practices")) ||
      json_object_set_new(f, "CreatedAt", json_string(ts)) ||
      json_object_set_new(f, "UpdatedAt", json_string(ts)) ||
      json_object_set_new(
          f, "Severity",
          json_pack("{s:s}", "Label", dv_asff_severity_label(in->severity))) ||
      json_object_set_new(f, "Title", asff_str(in->title, 256)) ||
      json_object_set_new(f, "Description", asff_str(desc, 1024)))
    goto fail;
  return f;
fail:
  json_decref(f);
  json_decref(res);
  json_decref(r);
  json_decref(details);
  json_decref(acm);
  return NULL;
}
