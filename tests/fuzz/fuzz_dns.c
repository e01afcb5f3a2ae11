/* libFuzzer target: DNS messages (dns/msg.c) -- the wire parser, every RDATA
 * decoder, CNAME chains, and the CAA record parser on top (check/check_caa.c).
 * The input is one DNS message as a server would send it. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "check/check_caa.h"
#include "dns/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_dns_msg m;
  char name[DV_DNS_NAME_MAX], out[DV_DNS_NAME_MAX];
  size_t off = 12;

  /* a name read at the question's offset, as the resolver does */
  (void)dv_dns_name_read(data, size, &off, name, sizeof(name));
  memset(&m, 0, sizeof(m));
  if (dv_dns_msg_parse(data, size, &m) != DV_DNS_MSG_OK) {
    dv_dns_msg_free(&m);
    return 0;
  }
  fuzz_printable(m.qname);
  for (size_t i = 0; i < m.nrr; i++) {
    const dv_dns_rr *rr = &m.rr[i];
    fuzz_printable(rr->name);
    uint16_t pref;
    uint32_t minimum;
    dv_caa_rr caa;
    (void)dv_dns_type_str(rr->type);
    (void)dv_dns_name_eq(rr->name, m.qname);
    switch (rr->type) {
    case DV_T_MX:
      if (dv_dns_rr_mx(&m, rr, &pref, out, sizeof(out)) == 0)
        fuzz_printable(out);
      break;
    case DV_T_CNAME:
    case DV_T_NS:
      if (dv_dns_rr_target(&m, rr, out, sizeof(out)) == 0)
        fuzz_printable(out);
      break;
    case DV_T_A:
    case DV_T_AAAA:
      (void)dv_dns_rr_addr(&m, rr, out, sizeof(out));
      break;
    case DV_T_SOA:
      (void)dv_dns_rr_soa(&m, rr, out, sizeof(out), &minimum);
      break;
    case DV_T_CAA:
      dv_caa_rr_parse(&m, rr, &caa);
      fuzz_printable(caa.value);
      break;
    default:
      /* every decoder must refuse a record of another type cleanly */
      (void)dv_dns_rr_mx(&m, rr, &pref, out, sizeof(out));
      (void)dv_dns_rr_target(&m, rr, out, sizeof(out));
      (void)dv_dns_rr_addr(&m, rr, out, sizeof(out));
      (void)dv_dns_rr_soa(&m, rr, out, sizeof(out), &minimum);
      break;
    }
  }
  (void)dv_dns_msg_cname_chain(&m, m.qname, out, sizeof(out), 8);
  (void)dv_dns_msg_cname_chain(&m, m.qname, out, 16, 64); /* small buffer */
  dv_dns_msg_free(&m);
  return 0;
}
