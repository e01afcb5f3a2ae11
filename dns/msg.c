/* dvcheck -- bounded DNS message parser. See msg.h. */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/msg.h"

#define DV_DNS_MAX_RRS  4096
#define DV_DNS_MAX_PTRS 64

static uint16_t get16(const unsigned char *p)
{
  return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const unsigned char *p)
{
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

static int name_char_plain(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '*';
}

dv_dns_msg_status dv_dns_name_read(const unsigned char *buf, size_t len,
                                   size_t *off, char *out, size_t outlen)
{
  size_t pos = *off, o = 0, wire = 0;
  size_t end = 0; /* where the name ends in the original position */
  int jumped = 0, ptrs = 0;

  if (outlen < 2)
    return DV_DNS_MSG_BADNAME;
  for (;;) {
    unsigned char l;
    if (pos >= len)
      return DV_DNS_MSG_SHORT;
    l = buf[pos];
    if ((l & 0xC0) == 0xC0) {
      size_t target;
      if (pos + 1 >= len)
        return DV_DNS_MSG_SHORT;
      if (++ptrs > DV_DNS_MAX_PTRS)
        return DV_DNS_MSG_BADNAME;
      target = ((size_t)(l & 0x3F) << 8) | buf[pos + 1];
      if (!jumped)
        end = pos + 2;
      jumped = 1;
      if (target >= len)
        return DV_DNS_MSG_BADNAME;
      pos = target;
      continue;
    }
    if (l & 0xC0)
      return DV_DNS_MSG_BADNAME; /* extended label types are obsolete */
    if (l == 0) {
      if (!jumped)
        end = pos + 1;
      break;
    }
    if (pos + 1 + l > len)
      return DV_DNS_MSG_SHORT;
    wire += (size_t)l + 1;
    if (wire > 255)
      return DV_DNS_MSG_BADNAME;
    for (size_t i = 0; i < l; i++) {
      unsigned char c = buf[pos + 1 + i];
      if (name_char_plain(c)) {
        if (o + 2 > outlen)
          return DV_DNS_MSG_BADNAME;
        out[o++] = (char)c;
      } else {
        if (o + 5 > outlen)
          return DV_DNS_MSG_BADNAME;
        snprintf(out + o, 5, "\\%03u", c);
        o += 4;
      }
    }
    if (o + 2 > outlen)
      return DV_DNS_MSG_BADNAME;
    out[o++] = '.';
    pos += 1 + (size_t)l;
  }
  if (o == 0)
    out[o++] = '.';
  out[o] = '\0';
  *off = end;
  return DV_DNS_MSG_OK;
}

int dv_dns_name_eq(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if (la > 1 && a[la - 1] == '.')
    la--;
  if (lb > 1 && b[lb - 1] == '.')
    lb--;
  return la == lb && strncasecmp(a, b, la) == 0;
}

void dv_dns_msg_free(dv_dns_msg *msg)
{
  if (!msg)
    return;
  free(msg->buf);
  free(msg->rr);
  free(msg->names);
  memset(msg, 0, sizeof(*msg));
}

dv_dns_msg_status dv_dns_msg_parse(const unsigned char *buf, size_t len,
                                   dv_dns_msg *m)
{
  size_t off = 12, total, names_len = 0, names_cap = 0;
  unsigned qd, sec;
  dv_dns_msg_status st;

  memset(m, 0, sizeof(*m));
  if (len < 12)
    return DV_DNS_MSG_SHORT;
  m->buf = malloc(len);
  if (!m->buf)
    return DV_DNS_MSG_NOMEM;
  memcpy(m->buf, buf, len);
  m->len = len;
  m->id = get16(buf);
  m->flags = get16(buf + 2);
  m->qr = (m->flags >> 15) & 1;
  m->aa = (m->flags >> 10) & 1;
  m->tc = (m->flags >> 9) & 1;
  m->rd = (m->flags >> 8) & 1;
  m->ra = (m->flags >> 7) & 1;
  m->ad = (m->flags >> 5) & 1;
  m->cd = (m->flags >> 4) & 1;
  m->rcode = m->flags & 0xF;
  qd = get16(buf + 4);
  m->count[0] = get16(buf + 6);
  m->count[1] = get16(buf + 8);
  m->count[2] = get16(buf + 10);
  total = m->count[0] + m->count[1] + m->count[2];
  if (total > DV_DNS_MAX_RRS || qd > 1) {
    st = DV_DNS_MSG_TOOMANY;
    goto fail;
  }
  if (qd == 1) {
    st = dv_dns_name_read(buf, len, &off, m->qname, sizeof(m->qname));
    if (st != DV_DNS_MSG_OK)
      goto fail;
    if (off + 4 > len) {
      st = DV_DNS_MSG_SHORT;
      goto fail;
    }
    m->qtype = get16(buf + off);
    off += 4;
  }
  if (total) {
    m->rr = calloc(total, sizeof(dv_dns_rr));
    if (!m->rr) {
      st = DV_DNS_MSG_NOMEM;
      goto fail;
    }
  }
  for (sec = 0; sec < 3; sec++) {
    for (size_t i = 0; i < m->count[sec]; i++) {
      dv_dns_rr *rr = &m->rr[m->nrr];
      char name[DV_DNS_NAME_MAX];
      size_t nl;
      st = dv_dns_name_read(buf, len, &off, name, sizeof(name));
      if (st != DV_DNS_MSG_OK)
        goto fail;
      nl = strlen(name) + 1;
      if (names_len + nl > names_cap) {
        size_t cap = names_cap ? names_cap : 256;
        char *p;
        while (cap < names_len + nl)
          cap *= 2;
        p = realloc(m->names, cap);
        if (!p) {
          st = DV_DNS_MSG_NOMEM;
          goto fail;
        }
        m->names = p;
        names_cap = cap;
      }
      memcpy(m->names + names_len, name, nl);
      rr->name_off = names_len;
      names_len += nl;
      if (off + 10 > len) {
        st = DV_DNS_MSG_SHORT;
        goto fail;
      }
      rr->type = get16(buf + off);
      rr->rclass = get16(buf + off + 2);
      rr->ttl = get32(buf + off + 4);
      rr->rdlen = get16(buf + off + 8);
      rr->rdoff = off + 10;
      rr->section = (int)sec;
      off += 10;
      if (off + rr->rdlen > len) {
        st = DV_DNS_MSG_SHORT;
        goto fail;
      }
      off += rr->rdlen;
      m->nrr++;
    }
  }
  for (size_t i = 0; i < m->nrr; i++) /* the arena no longer moves */
    m->rr[i].name = m->names + m->rr[i].name_off;
  return DV_DNS_MSG_OK;
fail:
  dv_dns_msg_free(m);
  return st;
}

/* Read a name that must lie entirely inside the record's RDATA. */
static int rdata_name(const dv_dns_msg *m, const dv_dns_rr *rr, size_t *off,
                      char *out, size_t outlen)
{
  size_t start = *off;
  if (start >= rr->rdoff + rr->rdlen)
    return -1;
  if (dv_dns_name_read(m->buf, m->len, off, out, outlen) != DV_DNS_MSG_OK)
    return -1;
  return *off <= rr->rdoff + rr->rdlen ? 0 : -1;
}

int dv_dns_rr_mx(const dv_dns_msg *m, const dv_dns_rr *rr, uint16_t *pref,
                 char *host, size_t hostlen)
{
  size_t off = rr->rdoff + 2;
  if (rr->type != DV_T_MX || rr->rdlen < 3)
    return -1;
  *pref = get16(m->buf + rr->rdoff);
  if (rdata_name(m, rr, &off, host, hostlen) < 0)
    return -1;
  return off == rr->rdoff + rr->rdlen ? 0 : -1;
}

int dv_dns_rr_target(const dv_dns_msg *m, const dv_dns_rr *rr, char *out,
                     size_t outlen)
{
  size_t off = rr->rdoff;
  if (rr->rdlen < 1 || rdata_name(m, rr, &off, out, outlen) < 0)
    return -1;
  return off == rr->rdoff + rr->rdlen ? 0 : -1;
}

int dv_dns_rr_addr(const dv_dns_msg *m, const dv_dns_rr *rr, char *out,
                   size_t outlen)
{
  if (rr->type == DV_T_A && rr->rdlen == 4)
    return inet_ntop(AF_INET, m->buf + rr->rdoff, out, (socklen_t)outlen) ? 0
                                                                          : -1;
  if (rr->type == DV_T_AAAA && rr->rdlen == 16)
    return inet_ntop(AF_INET6, m->buf + rr->rdoff, out, (socklen_t)outlen) ? 0
                                                                           : -1;
  return -1;
}

int dv_dns_rr_soa(const dv_dns_msg *m, const dv_dns_rr *rr, char *mname,
                  size_t mlen, uint32_t *minimum)
{
  char rname[DV_DNS_NAME_MAX];
  size_t off = rr->rdoff;
  if (rr->type != DV_T_SOA)
    return -1;
  if (rdata_name(m, rr, &off, mname, mlen) < 0 ||
      rdata_name(m, rr, &off, rname, sizeof(rname)) < 0)
    return -1;
  if (off + 20 != rr->rdoff + rr->rdlen)
    return -1;
  *minimum = get32(m->buf + off + 16);
  return 0;
}

/* snprintf(out, outlen, "%s", s) without the format machinery (this runs
 * for every answer of every name: a tenth of a big run's instructions). */
static void copy_str(char *out, size_t outlen, const char *s)
{
  size_t n;
  if (!outlen)
    return;
  n = strnlen(s, outlen - 1);
  memcpy(out, s, n);
  out[n] = '\0';
}

int dv_dns_msg_cname_chain(const dv_dns_msg *m, const char *qname, char *out,
                           size_t outlen, int max_hops)
{
  char cur[DV_DNS_NAME_MAX];
  int hops = 0;

  copy_str(cur, sizeof(cur), qname);
  for (;;) {
    size_t i;
    int found = 0;
    for (i = 0; i < m->nrr; i++) {
      const dv_dns_rr *rr = &m->rr[i];
      char target[DV_DNS_NAME_MAX];
      if (rr->section != DV_SEC_ANSWER || rr->type != DV_T_CNAME ||
          !dv_dns_name_eq(rr->name, cur))
        continue;
      if (dv_dns_rr_target(m, rr, target, sizeof(target)) < 0)
        return -1;
      if (++hops > max_hops)
        return -1;
      copy_str(cur, sizeof(cur), target);
      found = 1;
      break;
    }
    if (!found)
      break;
  }
  copy_str(out, outlen, cur);
  return hops;
}

const char *dv_dns_type_str(uint16_t type)
{
  switch (type) {
  case DV_T_A:
    return "A";
  case DV_T_NS:
    return "NS";
  case DV_T_CNAME:
    return "CNAME";
  case DV_T_SOA:
    return "SOA";
  case DV_T_MX:
    return "MX";
  case DV_T_TXT:
    return "TXT";
  case DV_T_AAAA:
    return "AAAA";
  case DV_T_DS:
    return "DS";
  case DV_T_RRSIG:
    return "RRSIG";
  case DV_T_DNSKEY:
    return "DNSKEY";
  case DV_T_CAA:
    return "CAA";
  default:
    return "TYPE?";
  }
}
