/* dvcheck -- a strict, bounded DNS message parser (RFC 1035 §4).
 *
 * c-ares 1.18 parses only a few record types and hides header bits; the
 * checks need the rcode, AA/TC/AD bits, every section and CNAME chains, so
 * this module walks the wire format itself. Names come out in presentation
 * format with every byte outside [A-Za-z0-9-_*] (and '.' inside a label)
 * escaped as \DDD, so hostile data can never reach a terminal raw.
 */
#ifndef DV_DNS_MSG_H
#define DV_DNS_MSG_H

#include <stddef.h>
#include <stdint.h>

#define DV_DNS_NAME_MAX 1024 /* presentation form incl. \DDD escapes */

enum {
  DV_T_A = 1,
  DV_T_NS = 2,
  DV_T_CNAME = 5,
  DV_T_SOA = 6,
  DV_T_MX = 15,
  DV_T_TXT = 16,
  DV_T_AAAA = 28,
  DV_T_DS = 43,
  DV_T_RRSIG = 46,
  DV_T_DNSKEY = 48,
  DV_T_CAA = 257
};

enum { DV_SEC_ANSWER = 0, DV_SEC_AUTHORITY = 1, DV_SEC_ADDITIONAL = 2 };

typedef enum {
  DV_DNS_MSG_OK = 0,
  DV_DNS_MSG_SHORT,   /* truncated header or record */
  DV_DNS_MSG_BADNAME, /* pointer loop, bad label type, name too long */
  DV_DNS_MSG_TOOMANY, /* more records than we are willing to hold */
  DV_DNS_MSG_NOMEM
} dv_dns_msg_status;

typedef struct {
  const char *name; /* presentation form, in the message's name arena */
  size_t name_off;  /* its offset there */
  uint16_t type;
  uint16_t rclass;
  uint32_t ttl;
  uint16_t rdlen;
  size_t rdoff; /* offset of RDATA in the message */
  int section;
} dv_dns_rr;

typedef struct {
  unsigned char *buf; /* owned copy of the wire message */
  size_t len;
  uint16_t id;
  uint16_t flags;
  int rcode;
  int qr, aa, tc, rd, ra, ad, cd;
  char qname[DV_DNS_NAME_MAX];
  uint16_t qtype;
  dv_dns_rr *rr;
  size_t nrr;
  char *names;     /* the records' owner names, NUL-separated (a few bytes
                    * each, not DV_DNS_NAME_MAX: answers are parsed by the
                    * thousand) */
  size_t count[3]; /* per section */
} dv_dns_msg;

dv_dns_msg_status dv_dns_msg_parse(const unsigned char *buf, size_t len,
                                   dv_dns_msg *out);
void dv_dns_msg_free(dv_dns_msg *msg);

/* Decode a (possibly compressed) name at offset *off of the message; on
 * success *off points just past it. */
dv_dns_msg_status dv_dns_name_read(const unsigned char *buf, size_t len,
                                   size_t *off, char *out, size_t outlen);

/* Compare two presentation names, ASCII case-insensitive, ignoring one
 * trailing dot on either side. */
int dv_dns_name_eq(const char *a, const char *b);

/* RDATA decoders: return 0 on success, -1 if the RDATA is malformed. */
int dv_dns_rr_mx(const dv_dns_msg *m, const dv_dns_rr *rr, uint16_t *pref,
                 char *host, size_t hostlen);
int dv_dns_rr_target(const dv_dns_msg *m, const dv_dns_rr *rr, char *out,
                     size_t outlen); /* CNAME, NS */
int dv_dns_rr_addr(const dv_dns_msg *m, const dv_dns_rr *rr, char *out,
                   size_t outlen); /* A, AAAA -> text */
int dv_dns_rr_soa(const dv_dns_msg *m, const dv_dns_rr *rr, char *mname,
                  size_t mlen, uint32_t *minimum);

/* Follow the CNAME chain for qname in the answer section. Writes the final
 * owner name to out; returns the number of CNAME hops followed, or -1 on a
 * loop or a chain longer than max_hops. */
int dv_dns_msg_cname_chain(const dv_dns_msg *m, const char *qname, char *out,
                           size_t outlen, int max_hops);

const char *dv_dns_type_str(uint16_t type);

#endif
