/* dvcheck -- live TLS endpoint check: which certificate does HOST:PORT
 * serve, is it trusted, valid for the name, how long until it expires, and
 * is it the certificate we expect (e.g. the one ACM holds)?
 *
 * Everything runs on the dv_loop: the name is resolved with the project's
 * c-ares resolver (or taken as an IP literal), the TCP connect and the
 * OpenSSL handshake are non-blocking (SSL_ERROR_WANT_READ/WRITE become poll
 * interest), and one timer bounds the whole check. The handshake never
 * fails on verification: every verification error is recorded and becomes
 * a finding, so an expired or untrusted certificate is still described.
 */
#ifndef DV_CHECK_ENDPOINT_H
#define DV_CHECK_ENDPOINT_H

#include <stdint.h>
#include <time.h>

#include "dns/resolver.h"
#include "check/findings.h"
#include "base/loop.h"

/* ENDPOINT_CERT_EXPIRING below this many days (ACM's DaysToExpiry events
 * start at 45 days). */
#define DV_ENDPOINT_WARN_DAYS 45

typedef enum {
  DV_EP_PENDING = 0, /* not started or still running */
  DV_EP_DONE,        /* the handshake completed: cert holds the leaf */
  DV_EP_RESOLVE,     /* the host name did not resolve to an address */
  DV_EP_CONNECT,     /* TCP connect failed (refused, unreachable) */
  DV_EP_TIMEOUT,     /* the check's own timeout passed (see phase) */
  DV_EP_TLS,         /* the TLS handshake failed */
  DV_EP_CANCELLED,   /* the run's deadline passed */
  DV_EP_NOMEM
} dv_ep_status;

const char *dv_ep_status_str(dv_ep_status st);

/* What a certificate says, in the forms people compare: ACM's serial
 * ("0a:1b:..."), OpenSSL's SHA-256 fingerprint ("AB:CD:..."). */
typedef struct {
  unsigned char sha256[32];
  char fingerprint[96]; /* SHA-256, upper-case hex, ':'-separated */
  char serial[140];     /* lower-case hex bytes, ':'-separated */
  char subject[512];    /* RFC 2253 */
  char issuer[512];
  char sans[1024];     /* "DNS:a, IP:b", truncated with "..." */
  char not_before[32]; /* ISO 8601 UTC */
  char not_after[32];
  double days_left; /* from now to notAfter (negative: expired) */
} dv_cert_info;

/* Read the first certificate of a PEM text or file (the comparison hook's
 * input: `--expect-pem FILE`, later ACM GetCertificate's Certificate).
 * Returns 0, or -1 with a reason in why. */
int dv_cert_info_from_pem(const char *pem, size_t len, dv_cert_info *out,
                          char *why, size_t whylen);
int dv_cert_info_from_pem_file(const char *path, dv_cert_info *out, char *why,
                               size_t whylen);

/* "HOST", "HOST:PORT", "[IPv6]", "[IPv6]:PORT" or a bare IPv6 address
 * (port 443). host gets the name (lower case, no trailing dot) or the
 * address. Returns 0, or -1 with a reason in why. */
int dv_endpoint_target_parse(const char *arg, char *host, size_t hostlen,
                             uint16_t *port, int *is_ip, char *why,
                             size_t whylen);

typedef struct dv_endpoint {
  char host[256];
  uint16_t port;
  int is_ip;
  char target[300]; /* "host:port" / "[v6]:port", for display */
  char addr[46];    /* the address connected to */
  /* the comparison hook: set with dv_endpoint_expect() */
  int have_expected;
  dv_cert_info expected;
  char expected_source[256]; /* e.g. the file, or an ACM ARN */
  /* results */
  dv_ep_status status;
  char phase[16]; /* resolve, connect, handshake: where it stopped */
  char error[256];
  dv_dns_status dns_status;
  int have_cert;
  dv_cert_info cert;
  int chain_len;
  int name_mismatch;
  int expired, not_yet_valid;
  long chain_err; /* first chain error other than expiry/name, 0 none */
  int chain_err_depth;
  char chain_err_str[160];
  char tls_version[16];
  char cipher[64];
  char ca_source[300]; /* the CA file used, or "system store" */
  int64_t elapsed_ms;
  dv_findings findings;
  int incomplete; /* no verdict: the run's deadline cancelled it */
  /* private */
  dv_loop *loop;
  dv_resolver *res;
  dv_timer timer;
  int fd, refd, finished, aaaa_tried;
  void *ssl_ctx, *ssl;
  int64_t t0, timeout_ms;
} dv_endpoint;

/* Prepare a check of host:port (from dv_endpoint_target_parse). */
void dv_endpoint_init(dv_endpoint *e, const char *host, uint16_t port,
                      int is_ip);
/* The comparison hook: the certificate the endpoint should serve. */
void dv_endpoint_expect(dv_endpoint *e, const dv_cert_info *expected,
                        const char *source);
/* Start on loop; res resolves host names (may be NULL for IP literals).
 * cafile: a CA bundle; NULL = DVCHECK_CA_BUNDLE, else the system store.
 * Returns 0, or -1 (why set) if it could not even start (CA file). */
int dv_endpoint_start(dv_endpoint *e, dv_loop *loop, dv_resolver *res,
                      int64_t timeout_ms, const char *cafile, char *why,
                      size_t whylen);
/* After the loop: the findings. warn_days: ENDPOINT_CERT_EXPIRING below it
 * (0: never). */
void dv_endpoint_finish(dv_endpoint *e, double warn_days);
/* Record one certificate verification error (OpenSSL's X509_V_ERR_*, at
 * chain depth; the handshake's verify callback calls it): the leaf's
 * expiry and validity start, a name mismatch, or else the first chain
 * error. Exposed for unit tests. */
void dv_endpoint_verify_error(dv_endpoint *e, int err, int depth);
void dv_endpoint_free(dv_endpoint *e);

typedef enum {
  DV_EP_RUN_OK = 0,  /* the check ran; look at e->status / findings */
  DV_EP_RUN_USAGE,   /* bad target or --expect-pem file (why says) */
  DV_EP_RUN_INTERNAL /* resolver, CA store, memory, event loop (why) */
} dv_ep_run_status;

/* One endpoint check, start to finish, on its own loop: parse target,
 * read expect_pem (NULL = none), resolve with resolvers (c-ares csv, NULL
 * = system), run within timeout_s, compute the findings (warn_days as in
 * dv_endpoint_finish). e must be freed with dv_endpoint_free whatever the
 * result. */
dv_ep_run_status dv_endpoint_run(dv_endpoint *e, const char *target,
                                 const char *expect_pem, const char *resolvers,
                                 double timeout_s, double warn_days, char *why,
                                 size_t whylen);
/* The same with the expected certificate already read (NULL: none);
 * source names it in findings and output (a file, an ACM ARN). */
dv_ep_run_status dv_endpoint_run_cert(dv_endpoint *e, const char *target,
                                      const dv_cert_info *expected,
                                      const char *source, const char *resolvers,
                                      double timeout_s, double warn_days,
                                      char *why, size_t whylen);

#endif
