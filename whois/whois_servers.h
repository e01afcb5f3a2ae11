/* dvcheck -- WHOIS server table (data file whois/servers.conf).
 *
 * Maps a domain suffix (a TLD such as "de", or a registry second level
 * such as "co.za") to the port-43 server that answers for it, to a web-only
 * lookup page, or to "none" (no public WHOIS). Some servers want a special
 * query string; the table carries it as a template with "{}" standing for
 * the domain. The file format is documented at the top of servers.conf.
 */
#ifndef DV_WHOIS_SERVERS_H
#define DV_WHOIS_SERVERS_H

#include <stddef.h>

#include "whois/whois_parse.h"

typedef enum {
  DV_WSERVER_HOST = 0, /* host is a port-43 server */
  DV_WSERVER_WEB,      /* web_url is the only lookup */
  DV_WSERVER_NONE      /* the registry publishes no WHOIS */
} dv_whois_server_kind;

typedef struct {
  const char *suffix; /* "com", "co.za"; "." is the fallback entry */
  dv_whois_server_kind kind;
  const char *host;    /* DV_WSERVER_HOST, else NULL */
  const char *query;   /* template with "{}", default "{}" */
  const char *web_url; /* DV_WSERVER_WEB, else NULL */
} dv_whois_server;

typedef struct dv_whois_servers dv_whois_servers;

dv_whois_status dv_whois_servers_load(const char *path, dv_whois_servers **out,
                                      char *err, size_t errlen);
dv_whois_status dv_whois_servers_parse(const char *buf, size_t len,
                                       const char *name, dv_whois_servers **out,
                                       char *err, size_t errlen);
void dv_whois_servers_free(dv_whois_servers *s);
size_t dv_whois_servers_count(const dv_whois_servers *s);

/* Entry for NAME (a TLD or a full domain, trailing dot allowed; U-labels
 * are converted to A-labels with libidn2): longest
 * suffix match on whole labels; falls back to the "." entry if the file
 * has one. NULL when nothing matches. The result lives as long as S. */
const dv_whois_server *dv_whois_server_for(const dv_whois_servers *s,
                                           const char *name);

/* Expand SRV's query template for DOMAIN and append CR LF. Returns
 * DV_WHOIS_EINVAL when SRV is not a host entry, DOMAIN contains bytes
 * outside LDH / '.' (no injection of extra query flags or lines), or BUF
 * is too small. */
dv_whois_status dv_whois_server_query(const dv_whois_server *srv,
                                      const char *domain, char *buf,
                                      size_t buflen);

#endif /* DV_WHOIS_SERVERS_H */
