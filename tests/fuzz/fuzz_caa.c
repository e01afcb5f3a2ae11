/* libFuzzer target: CAA record values (check/check_caa.c) -- RFC 8659 4.2
 * issue-value grammar with RFC 8657 parameters, and the evaluation of a
 * relevant RRset for Amazon and for a CA with an ACME account and method;
 * also a dns-persist-01 TXT value (check/check_dns.c). Input: a flags byte,
 * then records separated by NUL bytes, each "tag value". */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "check/check_caa.h"
#include "check/check_dns.h"

static const char *const le[] = {"letsencrypt.org"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_caa_rr rr[8];
  size_t n = 0, i = 1;
  dv_caa_issue is;
  dv_caa_eval ev;
  dv_code code;
  char why[600];
  const dv_caa_policy acme = {
      "Let's Encrypt",
      le,
      1,
      0,
      "https://acme-v02.api.letsencrypt.org/acme/acct/1",
      "dns-01"};
  const dv_persist_policy pp = {
      le, 1, "Let's Encrypt",
      "https://acme-v02.api.letsencrypt.org/acme/acct/1", 1767225600LL};
  uint8_t flags;

  if (size < 1)
    return 0;
  flags = data[0];
  while (i < size && n < 8) {
    const uint8_t *z = memchr(data + i, 0, size - i);
    size_t len = z ? (size_t)(z - (data + i)) : size - i;
    const uint8_t *sp = memchr(data + i, ' ', len);
    size_t tl = sp ? (size_t)(sp - (data + i)) : len;
    size_t vl = sp ? len - tl - 1 : 0;
    dv_caa_rr *r = &rr[n++];
    memset(r, 0, sizeof(*r));
    r->flags = (uint8_t)(flags & (n == 1 ? 0xff : 0x80));
    for (size_t k = 0; k < tl && k + 1 < sizeof(r->tag); k++)
      r->tag[k] = (char)data[i + k];
    r->rawlen = vl < sizeof(r->raw) ? vl : sizeof(r->raw);
    if (r->rawlen)
      memcpy(r->raw, sp + 1, r->rawlen);
    for (size_t k = 0; k < r->rawlen && k + 1 < sizeof(r->value); k++)
      r->value[k] = r->raw[k] >= 0x20 && r->raw[k] < 0x7f ? r->raw[k] : '?';
    (void)dv_caa_issue_parse(r->raw, r->rawlen, &is, why, sizeof(why));
    (void)dv_caa_issue_param(&is, "accounturi");
    (void)dv_caa_issue_param(&is, "validationmethods");
    i += len + 1;
  }
  (void)dv_caa_evaluate_policy(NULL, rr, n, flags & 1, &ev);
  (void)dv_caa_evaluate_policy(&acme, rr, n, flags & 2, &ev);
  (void)dv_caa_evaluate(rr, n, 0, &code, why, sizeof(why));
  {
    char *s = fuzz_cstr_nul(data + 1, size - 1);
    (void)dv_persist_evaluate(&pp, s, why, sizeof(why));
    free(s);
  }
  return 0;
}
