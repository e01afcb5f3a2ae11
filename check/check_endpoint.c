/* dvcheck -- live TLS endpoint check. See check_endpoint.h. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/text.h"
#include "base/timefmt.h"
#include "check/check_dns.h"
#include "check/check_endpoint.h"
#include "base/names.h"

static const char *const ep_status_str[] = {
    [DV_EP_PENDING] = "pending",
    [DV_EP_DONE] = "done",
    [DV_EP_RESOLVE] = "resolve failed",
    [DV_EP_CONNECT] = "connect failed",
    [DV_EP_TIMEOUT] = "timeout",
    [DV_EP_TLS] = "TLS handshake failed",
    [DV_EP_CANCELLED] = "cancelled (run deadline)",
    [DV_EP_NOMEM] = "out of memory",
};

const char *dv_ep_status_str(dv_ep_status st)
{
  if ((size_t)st < sizeof(ep_status_str) / sizeof(ep_status_str[0]))
    return ep_status_str[st];
  return "unknown";
}

/* ---- certificate details ------------------------------------------------ */

static void hex_colon(const unsigned char *b, size_t n, int upper, char *out,
                      size_t outlen)
{
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  size_t o = 0;
  if (!outlen)
    return;
  for (size_t i = 0; i < n && o + 4 <= outlen; i++) {
    if (i)
      out[o++] = ':';
    out[o++] = digits[b[i] >> 4];
    out[o++] = digits[b[i] & 15];
  }
  out[o] = '\0';
}

static void name_str(const X509_NAME *n, char *out, size_t outlen)
{
  BIO *b = BIO_new(BIO_s_mem());
  int len;
  out[0] = '\0';
  if (!b)
    return;
  if (X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >=
      0) {
    len = BIO_read(b, out, (int)outlen - 1);
    out[len > 0 ? len : 0] = '\0';
  }
  BIO_free(b);
}

static void time_str(const ASN1_TIME *t, char *out, size_t outlen)
{
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  dv_time_iso_tm(t && ASN1_TIME_to_tm(t, &tm) == 1 ? &tm : NULL,
                 DV_TIME_SECONDS, out, outlen);
}

static void sans_str(X509 *x, char *out, size_t outlen)
{
  GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
  size_t o = 0;
  out[0] = '\0';
  if (!gens)
    return;
  for (int i = 0; i < sk_GENERAL_NAME_num(gens); i++) {
    const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
    char item[300] = "";
    if (g->type == GEN_DNS) {
      const unsigned char *d = ASN1_STRING_get0_data(g->d.dNSName);
      int l = ASN1_STRING_length(g->d.dNSName);
      snprintf(item, sizeof(item), "DNS:%.*s", l > 255 ? 255 : l,
               (const char *)d);
    } else if (g->type == GEN_IPADD) {
      const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
      int l = ASN1_STRING_length(g->d.iPAddress);
      char a[INET6_ADDRSTRLEN] = "?";
      if (l == 4)
        inet_ntop(AF_INET, d, a, sizeof(a));
      else if (l == 16)
        inet_ntop(AF_INET6, d, a, sizeof(a));
      snprintf(item, sizeof(item), "IP:%s", a);
    } else {
      continue;
    }
    /* a NUL inside a dNSName would cut it short: fine for display */
    if (o + strlen(item) + 6 >= outlen) {
      snprintf(out + o, outlen - o, "%s...", o ? ", " : "");
      break;
    }
    o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? ", " : "", item);
  }
  GENERAL_NAMES_free(gens);
}

static int cert_info_fill(X509 *x, dv_cert_info *ci)
{
  unsigned int mdlen = 0;
  const ASN1_INTEGER *sn;
  BIGNUM *bn = NULL;
  int day = 0, sec = 0;
  memset(ci, 0, sizeof(*ci));
  if (X509_digest(x, EVP_sha256(), ci->sha256, &mdlen) != 1 || mdlen != 32)
    return -1;
  hex_colon(ci->sha256, 32, 1, ci->fingerprint, sizeof(ci->fingerprint));
  sn = X509_get0_serialNumber(x);
  if (sn && (bn = ASN1_INTEGER_to_BN(sn, NULL)) != NULL) {
    unsigned char b[64];
    int n = BN_num_bytes(bn);
    if (n > 0 && n <= (int)sizeof(b)) {
      BN_bn2bin(bn, b);
      hex_colon(b, (size_t)n, 0, ci->serial, sizeof(ci->serial));
    } else {
      snprintf(ci->serial, sizeof(ci->serial), "00");
    }
    BN_free(bn);
  }
  name_str(X509_get_subject_name(x), ci->subject, sizeof(ci->subject));
  name_str(X509_get_issuer_name(x), ci->issuer, sizeof(ci->issuer));
  sans_str(x, ci->sans, sizeof(ci->sans));
  time_str(X509_get0_notBefore(x), ci->not_before, sizeof(ci->not_before));
  time_str(X509_get0_notAfter(x), ci->not_after, sizeof(ci->not_after));
  if (ASN1_TIME_diff(&day, &sec, NULL, X509_get0_notAfter(x)) == 1)
    ci->days_left = day + sec / 86400.0;
  return 0;
}

int dv_cert_info_from_pem(const char *pem, size_t len, dv_cert_info *out,
                          char *why, size_t whylen)
{
  BIO *b;
  X509 *x;
  int rc = -1;
  if (len > (1u << 20)) {
    snprintf(why, whylen, "larger than 1 MiB");
    return -1;
  }
  b = BIO_new_mem_buf(pem, (int)len);
  if (!b) {
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  x = PEM_read_bio_X509(b, NULL, NULL, NULL);
  if (!x)
    snprintf(why, whylen, "no PEM certificate (-----BEGIN CERTIFICATE-----)");
  else if (cert_info_fill(x, out) < 0)
    snprintf(why, whylen, "cannot digest the certificate");
  else
    rc = 0;
  X509_free(x);
  BIO_free(b);
  ERR_clear_error();
  return rc;
}

int dv_cert_info_from_pem_file(const char *path, dv_cert_info *out, char *why,
                               size_t whylen)
{
  FILE *f = fopen(path, "rb");
  char *buf = NULL;
  size_t n = 0;
  int rc = -1;
  if (!f) {
    snprintf(why, whylen, "cannot open: %s", strerror(errno));
    return -1;
  }
  buf = malloc((1u << 20) + 1);
  if (!buf) {
    snprintf(why, whylen, "out of memory");
    goto out;
  }
  n = fread(buf, 1, (1u << 20) + 1, f);
  if (ferror(f)) {
    snprintf(why, whylen, "cannot read: %s", strerror(errno));
    goto out;
  }
  rc = dv_cert_info_from_pem(buf, n, out, why, whylen);
out:
  free(buf);
  fclose(f);
  return rc;
}

/* ---- target parsing ------------------------------------------------------ */

int dv_endpoint_target_parse(const char *arg, char *host, size_t hostlen,
                             uint16_t *port, int *is_ip, char *why,
                             size_t whylen)
{
  char h[300];
  const char *pstr = NULL;
  unsigned char buf[16];
  size_t l = strlen(arg);

  *port = 443;
  *is_ip = 0;
  if (l == 0 || l >= sizeof(h)) {
    snprintf(why, whylen, l ? "too long" : "empty");
    return -1;
  }
  if (arg[0] == '[') {
    const char *end = strchr(arg, ']');
    if (!end || end == arg + 1) {
      snprintf(why, whylen, "expected [IPv6]:PORT");
      return -1;
    }
    memcpy(h, arg + 1, (size_t)(end - arg - 1));
    h[end - arg - 1] = '\0';
    if (end[1] == ':')
      pstr = end + 2;
    else if (end[1]) {
      snprintf(why, whylen, "expected [IPv6]:PORT");
      return -1;
    }
    if (inet_pton(AF_INET6, h, buf) != 1) {
      snprintf(why, whylen, "not an IPv6 address inside [...]");
      return -1;
    }
    *is_ip = 1;
  } else if (strchr(arg, ':') != strrchr(arg, ':')) {
    if (inet_pton(AF_INET6, arg, buf) != 1) {
      snprintf(why, whylen, "not an IPv6 address (write [IPv6]:PORT)");
      return -1;
    }
    snprintf(h, sizeof(h), "%s", arg);
    *is_ip = 1;
  } else {
    const char *colon = strchr(arg, ':');
    size_t hl = colon ? (size_t)(colon - arg) : l;
    memcpy(h, arg, hl);
    h[hl] = '\0';
    if (colon)
      pstr = colon + 1;
    if (inet_pton(AF_INET, h, buf) == 1)
      *is_ip = 1;
  }
  if (pstr) {
    char *end;
    long p;
    errno = 0;
    p = strtol(pstr, &end, 10);
    if (!*pstr || *end || errno || p < 1 || p > 65535 || *pstr == '+' ||
        *pstr == '-' || *pstr == ' ') {
      snprintf(why, whylen, "port must be 1-65535");
      return -1;
    }
    *port = (uint16_t)p;
  }
  if (*is_ip) {
    if (strlen(h) >= hostlen) {
      snprintf(why, whylen, "too long");
      return -1;
    }
    snprintf(host, hostlen, "%s", h);
    return 0;
  }
  {
    char inner[128];
    if (strchr(h, '*')) {
      snprintf(why, whylen, "a host name cannot contain '*'");
      return -1;
    }
    for (const char *p = h; *p; p++)
      if ((unsigned char)*p < 0x21 || (unsigned char)*p >= 0x7f) {
        snprintf(why, whylen,
                 "not a host name (ASCII letters, digits, '-', '.'; use "
                 "the xn-- form for internationalised names)");
        return -1;
      }
    if (dv_dns_name_normalise(h, host, hostlen, inner, sizeof(inner)) < 0) {
      snprintf(why, whylen, "not a host name: %s", inner);
      return -1;
    }
    if (!strchr(host, '.') && strcmp(host, "localhost") != 0) {
      snprintf(why, whylen, "not a fully qualified host name");
      return -1;
    }
  }
  return 0;
}

/* ---- the check on the loop ----------------------------------------------- */

void dv_endpoint_init(dv_endpoint *e, const char *host, uint16_t port,
                      int is_ip)
{
  memset(e, 0, sizeof(*e));
  snprintf(e->host, sizeof(e->host), "%s", host);
  e->port = port;
  e->is_ip = is_ip;
  e->fd = -1;
  if (strchr(host, ':'))
    snprintf(e->target, sizeof(e->target), "[%s]:%u", host, port);
  else
    snprintf(e->target, sizeof(e->target), "%s:%u", host, port);
  snprintf(e->phase, sizeof(e->phase), "start");
}

void dv_endpoint_expect(dv_endpoint *e, const dv_cert_info *expected,
                        const char *source)
{
  e->expected = *expected;
  e->have_expected = 1;
  snprintf(e->expected_source, sizeof(e->expected_source), "%s",
           source ? source : "");
}

static void ep_close(dv_endpoint *e)
{
  if (e->ssl) {
    SSL_free(e->ssl);
    e->ssl = NULL;
  }
  if (e->fd >= 0) {
    dv_loop_io_set(e->loop, e->fd, 0, NULL, NULL);
    close(e->fd);
    e->fd = -1;
  }
  if (e->loop)
    dv_loop_timer_disarm(e->loop, &e->timer);
}

static void ep_end(dv_endpoint *e, dv_ep_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ep_end(dv_endpoint *e, dv_ep_status st, const char *fmt, ...)
{
  if (e->finished)
    return;
  e->finished = 1;
  e->status = st;
  if (fmt) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->error, sizeof(e->error), fmt, ap);
    va_end(ap);
  }
  e->elapsed_ms = dv_loop_now_ms() - e->t0;
  ep_close(e);
  if (e->refd) {
    e->refd = 0;
    dv_loop_unref(e->loop);
  }
}

static void ep_cancel(void *arg);

static void ep_timeout(void *arg)
{
  dv_endpoint *e = arg;
  if (strcmp(e->phase, "resolve") == 0) {
    /* the resolver, not the endpoint, is silent: no verdict */
    ep_cancel(e);
    return;
  }
  ep_end(e, DV_EP_TIMEOUT, "no %s within %lld ms", e->phase,
         (long long)e->timeout_ms);
}

static void ep_cancel(void *arg)
{
  dv_endpoint *e = arg;
  if (!e->finished) {
    e->incomplete = 1;
    ep_end(e, DV_EP_CANCELLED, "the run's deadline passed during %s", e->phase);
  }
}

static int ep_verify_cb(int ok, X509_STORE_CTX *x)
{
  SSL *ssl =
      X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx());
  dv_endpoint *e = ssl ? SSL_get_app_data(ssl) : NULL;
  if (ok || !e)
    return 1;
  dv_endpoint_verify_error(e, X509_STORE_CTX_get_error(x),
                           X509_STORE_CTX_get_error_depth(x));
  return 1; /* go on: every error becomes a finding, not a failure */
}

void dv_endpoint_verify_error(dv_endpoint *e, int err, int depth)
{
  switch (err) {
  case X509_V_ERR_HOSTNAME_MISMATCH:
  case X509_V_ERR_IP_ADDRESS_MISMATCH:
    e->name_mismatch = 1;
    break;
  case X509_V_ERR_CERT_HAS_EXPIRED:
    if (depth == 0) {
      e->expired = 1;
      break;
    }
    goto chain;
  case X509_V_ERR_CERT_NOT_YET_VALID:
    if (depth == 0) {
      e->not_yet_valid = 1;
      break;
    }
    goto chain;
  default:
  chain:
    if (!e->chain_err) {
      e->chain_err = err;
      e->chain_err_depth = depth;
      snprintf(e->chain_err_str, sizeof(e->chain_err_str), "%s",
               X509_verify_cert_error_string(err));
    }
  }
}

static void ep_handshake(dv_endpoint *e);

static void ep_io(void *arg, int fd, short revents)
{
  dv_endpoint *e = arg;
  (void)fd;
  (void)revents;
  if (e->finished)
    return;
  if (strcmp(e->phase, "connect") == 0) {
    int err = 0;
    socklen_t el = sizeof(err);
    if (getsockopt(e->fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0)
      err = errno;
    if (err) {
      ep_end(e, DV_EP_CONNECT, "%s: %s", e->addr, strerror(err));
      return;
    }
    snprintf(e->phase, sizeof(e->phase), "handshake");
  }
  ep_handshake(e);
}

static void ep_ssl_error(dv_endpoint *e, int sslerr)
{
  unsigned long le = ERR_get_error();
  char buf[200];
  if (le) {
    ERR_error_string_n(le, buf, sizeof(buf));
    ep_end(e, DV_EP_TLS, "%s", buf);
  } else if (sslerr == SSL_ERROR_SYSCALL && errno) {
    ep_end(e, DV_EP_TLS, "%s", strerror(errno));
  } else if (sslerr == SSL_ERROR_SYSCALL || sslerr == SSL_ERROR_ZERO_RETURN) {
    ep_end(e, DV_EP_TLS,
           "the server closed the connection during the "
           "handshake");
  } else {
    ep_end(e, DV_EP_TLS, "TLS error %d", sslerr);
  }
  ERR_clear_error();
}

static void ep_collect(dv_endpoint *e)
{
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
  X509 *leaf = SSL_get1_peer_certificate(e->ssl);
#else
  X509 *leaf = SSL_get_peer_certificate(e->ssl);
#endif
  STACK_OF(X509) *chain = SSL_get_peer_cert_chain(e->ssl);
  const SSL_CIPHER *c = SSL_get_current_cipher(e->ssl);
  snprintf(e->tls_version, sizeof(e->tls_version), "%s",
           SSL_get_version(e->ssl));
  snprintf(e->cipher, sizeof(e->cipher), "%s",
           c ? SSL_CIPHER_get_name(c) : "?");
  e->chain_len = chain ? sk_X509_num(chain) : 0;
  if (!leaf) {
    ep_end(e, DV_EP_TLS, "the server sent no certificate");
    return;
  }
  if (cert_info_fill(leaf, &e->cert) == 0)
    e->have_cert = 1;
  X509_free(leaf);
  if (!e->have_cert) {
    ep_end(e, DV_EP_NOMEM, "cannot read the certificate");
    return;
  }
  /* a close_notify, best effort (never waits) */
  SSL_shutdown(e->ssl);
  ERR_clear_error();
  ep_end(e, DV_EP_DONE, NULL);
}

static void ep_handshake(dv_endpoint *e)
{
  int r, err;
  if (!e->ssl) {
    X509_VERIFY_PARAM *vp;
    e->ssl = SSL_new(e->ssl_ctx);
    if (!e->ssl || SSL_set_fd(e->ssl, e->fd) != 1) {
      ep_end(e, DV_EP_NOMEM, "cannot create the TLS session");
      return;
    }
    SSL_set_app_data(e->ssl, e);
    SSL_set_verify(e->ssl, SSL_VERIFY_PEER, ep_verify_cb);
    vp = SSL_get0_param(e->ssl);
    X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (e->is_ip) {
      if (X509_VERIFY_PARAM_set1_ip_asc(vp, e->host) != 1) {
        ep_end(e, DV_EP_NOMEM, "cannot set the address to verify");
        return;
      }
    } else if (SSL_set_tlsext_host_name(e->ssl, e->host) != 1 ||
               X509_VERIFY_PARAM_set1_host(vp, e->host, 0) != 1) {
      ep_end(e, DV_EP_NOMEM, "cannot set the name to verify");
      return;
    }
  }
  ERR_clear_error();
  errno = 0;
  r = SSL_connect(e->ssl);
  if (r == 1) {
    ep_collect(e);
    return;
  }
  err = SSL_get_error(e->ssl, r);
  if (err == SSL_ERROR_WANT_READ) {
    if (dv_loop_io_set(e->loop, e->fd, POLLIN, ep_io, e) != DV_LOOP_OK)
      ep_end(e, DV_EP_NOMEM, "out of memory");
  } else if (err == SSL_ERROR_WANT_WRITE) {
    if (dv_loop_io_set(e->loop, e->fd, POLLOUT, ep_io, e) != DV_LOOP_OK)
      ep_end(e, DV_EP_NOMEM, "out of memory");
  } else {
    ep_ssl_error(e, err);
  }
}

static void ep_connect(dv_endpoint *e, const char *addr)
{
  struct sockaddr_storage ss;
  socklen_t sl;
  int fam;
  memset(&ss, 0, sizeof(ss));
  snprintf(e->addr, sizeof(e->addr), "%s", addr);
  if (strchr(addr, ':')) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
    s6->sin6_family = fam = AF_INET6;
    s6->sin6_port = htons(e->port);
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1) {
      ep_end(e, DV_EP_CONNECT, "bad address %s", addr);
      return;
    }
    sl = sizeof(*s6);
  } else {
    struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
    s4->sin_family = fam = AF_INET;
    s4->sin_port = htons(e->port);
    if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) {
      ep_end(e, DV_EP_CONNECT, "bad address %s", addr);
      return;
    }
    sl = sizeof(*s4);
  }
  snprintf(e->phase, sizeof(e->phase), "connect");
  e->fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (e->fd < 0) {
    ep_end(e, DV_EP_CONNECT, "socket: %s", strerror(errno));
    return;
  }
  if (connect(e->fd, (struct sockaddr *)&ss, sl) == 0) {
    snprintf(e->phase, sizeof(e->phase), "handshake");
    ep_handshake(e);
    return;
  }
  if (errno != EINPROGRESS) {
    ep_end(e, DV_EP_CONNECT, "%s: %s", addr, strerror(errno));
    return;
  }
  if (dv_loop_io_set(e->loop, e->fd, POLLOUT, ep_io, e) != DV_LOOP_OK)
    ep_end(e, DV_EP_NOMEM, "out of memory");
}

static void ep_dns(void *arg, const dv_dns_answer *a)
{
  dv_endpoint *e = arg;
  uint16_t want = e->aaaa_tried ? DV_T_AAAA : DV_T_A;
  if (e->finished)
    return;
  e->dns_status = a->status;
  if (a->status == DV_DNS_OK && a->have_msg) {
    for (size_t i = 0; i < a->msg.nrr; i++) {
      const dv_dns_rr *rr = &a->msg.rr[i];
      char addr[64];
      if (rr->section == DV_SEC_ANSWER && rr->type == want &&
          dv_dns_rr_addr(&a->msg, rr, addr, sizeof(addr)) == 0) {
        ep_connect(e, addr);
        return;
      }
    }
  }
  if (a->status == DV_DNS_CANCELLED) {
    ep_cancel(e);
    return;
  }
  if (!e->aaaa_tried &&
      (a->status == DV_DNS_OK || a->status == DV_DNS_NODATA)) {
    e->aaaa_tried = 1;
    if (dv_resolver_query(e->res, e->host, DV_T_AAAA, ep_dns, e) !=
        DV_RESOLVER_OK)
      ep_end(e, DV_EP_NOMEM, "out of memory");
    return;
  }
  ep_end(e, DV_EP_RESOLVE, "%s: %s", e->host,
         a->status == DV_DNS_OK || a->status == DV_DNS_NODATA
             ? "no address (A/AAAA) record"
             : dv_dns_status_str(a->status));
}

int dv_endpoint_start(dv_endpoint *e, dv_loop *loop, dv_resolver *res,
                      int64_t timeout_ms, const char *cafile, char *why,
                      size_t whylen)
{
  SSL_CTX *ctx;
  e->loop = loop;
  e->res = res;
  e->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000;
  e->t0 = dv_loop_now_ms();
  if (!cafile) {
    cafile = getenv("DVCHECK_CA_BUNDLE");
    if (cafile && !*cafile)
      cafile = NULL;
  }
  ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx) {
    snprintf(why, whylen, "cannot create a TLS context");
    return -1;
  }
  e->ssl_ctx = ctx;
  if (cafile) {
    if (SSL_CTX_load_verify_locations(ctx, cafile, NULL) != 1) {
      snprintf(why, whylen, "cannot load CA bundle %.200s (DVCHECK_CA_BUNDLE)",
               cafile);
      ERR_clear_error();
      return -1;
    }
    snprintf(e->ca_source, sizeof(e->ca_source), "%s", cafile);
  } else {
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
      snprintf(why, whylen, "cannot load the system's CA store");
      ERR_clear_error();
      return -1;
    }
    snprintf(e->ca_source, sizeof(e->ca_source), "system store");
  }
  if (dv_loop_on_deadline(loop, ep_cancel, e) != DV_LOOP_OK) {
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  {
    /* end a little before the run's deadline (measured now: loading the CA
     * store can take a while), so a silent endpoint is reported as
     * ENDPOINT_TIMEOUT rather than as no verdict */
    int64_t left = dv_loop_deadline_left_ms(loop), m;
    if (left != INT64_MAX) {
      m = left / 5 < 500 ? left / 5 : 500;
      if (e->timeout_ms > left - m)
        e->timeout_ms = left - m > 1 ? left - m : 1;
    }
  }
  dv_loop_ref(loop);
  e->refd = 1;
  dv_loop_timer_arm(loop, &e->timer, e->timeout_ms, ep_timeout, e);
  if (e->is_ip) {
    ep_connect(e, e->host);
  } else {
    snprintf(e->phase, sizeof(e->phase), "resolve");
    if (!res) {
      ep_end(e, DV_EP_RESOLVE, "no resolver");
    } else if (dv_resolver_query(res, e->host, DV_T_A, ep_dns, e) !=
               DV_RESOLVER_OK) {
      ep_end(e, DV_EP_NOMEM, "out of memory");
    }
  }
  return 0;
}

/* ---- findings ------------------------------------------------------------ */

static void ev_cert(dv_endpoint *e, dv_finding *f)
{
  dv_finding_ev(&e->findings, f, "not_after", "%s", e->cert.not_after);
  dv_finding_ev(&e->findings, f, "days_left", "%.1f", e->cert.days_left);
}

void dv_endpoint_finish(dv_endpoint *e, double warn_days)
{
  dv_findings *fl = &e->findings;
  dv_finding *f;
  const char *s = e->target;
  int bad = 0;

  switch (e->status) {
  case DV_EP_PENDING:
  case DV_EP_CANCELLED:
    e->incomplete = 1;
    f = dv_findings_add(fl, DV_F_RUN_DEADLINE, s);
    dv_finding_ev(fl, f, "phase", "%s", e->phase);
    return;
  case DV_EP_NOMEM:
    fl->nomem = 1;
    e->incomplete = 1;
    return;
  case DV_EP_RESOLVE:
    f = dv_findings_add(fl, DV_F_ENDPOINT_RESOLVE_FAILED, s);
    dv_finding_ev(fl, f, "host", "%s", e->host);
    dv_finding_ev(fl, f, "dns", "%s", dv_dns_status_str(e->dns_status));
    return;
  case DV_EP_CONNECT:
    f = dv_findings_add(fl, DV_F_ENDPOINT_CONNECT_FAILED, s);
    dv_finding_ev(fl, f, "error", "%s", e->error);
    return;
  case DV_EP_TIMEOUT:
    f = dv_findings_add(fl, DV_F_ENDPOINT_TIMEOUT, s);
    dv_finding_ev(fl, f, "phase", "%s", e->phase);
    if (e->addr[0])
      dv_finding_ev(fl, f, "address", "%s", e->addr);
    dv_finding_ev(fl, f, "after_ms", "%lld", (long long)e->timeout_ms);
    return;
  case DV_EP_TLS:
    f = dv_findings_add(fl, DV_F_ENDPOINT_HANDSHAKE_FAILED, s);
    dv_finding_ev(fl, f, "address", "%s", e->addr);
    dv_finding_ev(fl, f, "error", "%s", e->error);
    return;
  case DV_EP_DONE:
    break;
  }
  if (e->expired) {
    f = dv_findings_add(fl, DV_F_ENDPOINT_CERT_EXPIRED, s);
    ev_cert(e, f);
    bad = 1;
  }
  if (e->not_yet_valid) {
    f = dv_findings_add(fl, DV_F_ENDPOINT_CERT_NOT_YET_VALID, s);
    dv_finding_ev(fl, f, "not_before", "%s", e->cert.not_before);
    bad = 1;
  }
  if (e->chain_err) {
    f = dv_findings_add(fl, DV_F_ENDPOINT_CHAIN_UNTRUSTED, s);
    dv_finding_ev(fl, f, "error", "%s", e->chain_err_str);
    dv_finding_ev(fl, f, "depth", "%d", e->chain_err_depth);
    dv_finding_ev(fl, f, "issuer", "%s", e->cert.issuer);
    dv_finding_ev(fl, f, "chain_sent", "%d certificate(s)", e->chain_len);
    dv_finding_ev(fl, f, "trust_store", "%s", e->ca_source);
    bad = 1;
  }
  if (e->name_mismatch) {
    f = dv_findings_add(fl, DV_F_ENDPOINT_NAME_MISMATCH, s);
    dv_finding_ev(fl, f, "name", "%s", e->host);
    dv_finding_ev(fl, f, "sans", "%s",
                  e->cert.sans[0] ? e->cert.sans : "(none)");
    bad = 1;
  }
  if (!e->expired && !e->not_yet_valid && warn_days > 0 &&
      e->cert.days_left < warn_days) {
    f = dv_findings_add(fl, DV_F_ENDPOINT_CERT_EXPIRING, s);
    ev_cert(e, f);
    dv_finding_ev(fl, f, "warn_below_days", "%g", warn_days);
  }
  if (!bad) {
    f = dv_findings_add(fl, DV_F_ENDPOINT_OK, s);
    ev_cert(e, f);
    dv_finding_ev(fl, f, "issuer", "%s", e->cert.issuer);
  }
  if (e->have_expected) {
    if (memcmp(e->expected.sha256, e->cert.sha256, 32) == 0) {
      f = dv_findings_add(fl, DV_F_ENDPOINT_CERT_EXPECTED, s);
      dv_finding_ev(fl, f, "expected", "%s", e->expected_source);
      dv_finding_ev(fl, f, "sha256", "%s", e->cert.fingerprint);
    } else {
      f = dv_findings_add(fl, DV_F_ENDPOINT_CERT_NOT_EXPECTED, s);
      dv_finding_ev(fl, f, "expected", "%s", e->expected_source);
      dv_finding_ev(fl, f, "served_serial", "%s", e->cert.serial);
      dv_finding_ev(fl, f, "served_not_after", "%s", e->cert.not_after);
      dv_finding_ev(fl, f, "served_sha256", "%s", e->cert.fingerprint);
      dv_finding_ev(fl, f, "expected_serial", "%s", e->expected.serial);
      dv_finding_ev(fl, f, "expected_not_after", "%s", e->expected.not_after);
      dv_finding_ev(fl, f, "expected_sha256", "%s", e->expected.fingerprint);
      if (e->expected.days_left > e->cert.days_left)
        dv_finding_ev(fl, f, "note", "%s",
                      "the served certificate expires earlier than the "
                      "expected one: it is probably the old one");
    }
  }
}

void dv_endpoint_free(dv_endpoint *e)
{
  if (e->loop && !e->finished)
    ep_end(e, DV_EP_CANCELLED, NULL);
  ep_close(e);
  if (e->ssl_ctx) {
    SSL_CTX_free(e->ssl_ctx);
    e->ssl_ctx = NULL;
  }
  dv_findings_free(&e->findings);
}

/* ---- one check, start to finish ------------------------------------------ */

/* The target as the user gave it: parsed, or DV_EP_RUN_USAGE. */
static dv_ep_run_status ep_target(const char *target, char *host,
                                  size_t hostlen, uint16_t *port, int *is_ip,
                                  char *why, size_t whylen)
{
  char inner[200], shown[120];
  if (dv_endpoint_target_parse(target, host, hostlen, port, is_ip, inner,
                               sizeof(inner)) == 0)
    return DV_EP_RUN_OK;
  snprintf(why, whylen, "endpoint '%s': %s",
           dv_text_escape(target, strlen(target), shown, sizeof(shown)), inner);
  return DV_EP_RUN_USAGE;
}

dv_ep_run_status dv_endpoint_run(dv_endpoint *e, const char *target,
                                 const char *expect_pem, const char *resolvers,
                                 double timeout_s, double warn_days, char *why,
                                 size_t whylen)
{
  char host[256], inner[200], shown[300];
  uint16_t port;
  int is_ip;
  dv_cert_info exp;
  dv_ep_run_status rc;

  memset(e, 0, sizeof(*e));
  e->fd = -1;
  rc = ep_target(target, host, sizeof(host), &port, &is_ip, why, whylen);
  if (rc != DV_EP_RUN_OK || !expect_pem)
    return rc != DV_EP_RUN_OK
               ? rc
               : dv_endpoint_run_cert(e, target, NULL, NULL, resolvers,
                                      timeout_s, warn_days, why, whylen);
  if (dv_cert_info_from_pem_file(expect_pem, &exp, inner, sizeof(inner)) < 0) {
    snprintf(
        why, whylen, "--expect-pem %s: %s",
        dv_text_escape(expect_pem, strlen(expect_pem), shown, sizeof(shown)),
        inner);
    return DV_EP_RUN_USAGE;
  }
  return dv_endpoint_run_cert(e, target, &exp, expect_pem, resolvers, timeout_s,
                              warn_days, why, whylen);
}

dv_ep_run_status dv_endpoint_run_cert(dv_endpoint *e, const char *target,
                                      const dv_cert_info *expected,
                                      const char *source, const char *resolvers,
                                      double timeout_s, double warn_days,
                                      char *why, size_t whylen)
{
  char host[256];
  uint16_t port;
  int is_ip;
  dv_loop *loop = NULL;
  dv_resolver *res = NULL;
  dv_ep_run_status rc;
  dv_loop_status ls;
  int64_t total_ms = (int64_t)(timeout_s * 1000);

  memset(e, 0, sizeof(*e));
  e->fd = -1;
  rc = ep_target(target, host, sizeof(host), &port, &is_ip, why, whylen);
  if (rc != DV_EP_RUN_OK)
    return rc;
  rc = DV_EP_RUN_INTERNAL;
  dv_endpoint_init(e, host, port, is_ip);
  if (expected)
    dv_endpoint_expect(e, expected, source ? source : "");
  loop = dv_loop_new();
  if (!loop) {
    snprintf(why, whylen, "out of memory");
    goto out;
  }
  dv_loop_deadline_set(loop, total_ms);
  if (!is_ip) {
    dv_resolver_opts o;
    dv_resolver_opts_init(&o);
    o.servers = resolvers && *resolvers ? resolvers : NULL;
    if (dv_resolver_new(loop, &o, &res) != DV_RESOLVER_OK) {
      snprintf(why, whylen, "cannot set up the DNS resolver");
      goto out;
    }
  }
  if (dv_endpoint_start(e, loop, res, total_ms, NULL, why, whylen) < 0)
    goto out;
  ls = dv_loop_run(loop);
  if (ls != DV_LOOP_OK && !dv_loop_cut(ls)) {
    snprintf(why, whylen, "event loop: %s", dv_loop_status_str(ls));
    goto out;
  }
  if (!e->finished)
    ep_cancel(e);
  dv_endpoint_finish(e, warn_days);
  if (e->findings.nomem) {
    snprintf(why, whylen, "out of memory");
    goto out;
  }
  rc = DV_EP_RUN_OK;
out:
  if (e->loop) {
    ep_close(e);
    e->loop = NULL;
  }
  dv_resolver_free(res);
  dv_loop_free(loop);
  return rc;
}
