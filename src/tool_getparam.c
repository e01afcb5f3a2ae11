/* dvcheck -- command-line parsing over the option table in tool_help.c. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "aws/aws_creds.h"
#include "base/names.h"
#include "check/ca_table.h"
#include "src/tool_getparam.h"
#include "src/tool_help.h"

static const char *const param_status_str[] = {
    [DV_PARAM_OK] = "ok",
    [DV_PARAM_HELP] = "help",
    [DV_PARAM_VERSION] = "version",
    [DV_PARAM_UNKNOWN_OPTION] = "unknown option",
    [DV_PARAM_MISSING_ARG] = "option needs an argument",
    [DV_PARAM_BAD_ARG] = "bad option argument",
    [DV_PARAM_NO_COMMAND] = "no command given",
    [DV_PARAM_UNKNOWN_COMMAND] = "unknown command",
    [DV_PARAM_NOMEM] = "out of memory",
};

const char *dv_param_status_str(dv_param_status st)
{
  if ((size_t)st < sizeof(param_status_str) / sizeof(param_status_str[0]))
    return param_status_str[st];
  return "unknown";
}

int dv_resolver_arg_add(dv_cfg *cfg, const char *arg, char *msg, size_t msglen)
{
  char host[128], shown[200], entry[160];
  const char *port = NULL;
  unsigned char buf[16];
  long p = 53;
  int v6 = 0;

  dv_text_escape(arg, strlen(arg), shown, sizeof(shown));
  if (cfg->nresolvers >= DV_MAX_RESOLVERS) {
    snprintf(msg, msglen, "at most %d --resolver options", DV_MAX_RESOLVERS);
    return -1;
  }
  if (strlen(arg) >= sizeof(host))
    goto bad;
  if (arg[0] == '[') {
    const char *end = strchr(arg, ']');
    if (!end)
      goto bad;
    memcpy(host, arg + 1, (size_t)(end - arg - 1));
    host[end - arg - 1] = '\0';
    if (end[1] == ':')
      port = end + 2;
    else if (end[1])
      goto bad;
    v6 = 1;
  } else if (strchr(arg, ':') != strrchr(arg, ':')) {
    snprintf(host, sizeof(host), "%s", arg); /* bare IPv6 */
    v6 = 1;
  } else {
    const char *colon = strchr(arg, ':');
    size_t hl = colon ? (size_t)(colon - arg) : strlen(arg);
    memcpy(host, arg, hl);
    host[hl] = '\0';
    if (colon)
      port = colon + 1;
  }
  if (v6 ? inet_pton(AF_INET6, host, buf) != 1
         : inet_pton(AF_INET, host, buf) != 1) {
    snprintf(msg, msglen,
             "--resolver '%s': not an IP address (give ADDR, ADDR:PORT or "
             "[IPv6]:PORT; host names are not accepted)",
             shown);
    return -1;
  }
  if (port) {
    char *end;
    errno = 0;
    p = strtol(port, &end, 10);
    if (!*port || *end || errno || p < 1 || p > 65535) {
      snprintf(msg, msglen, "--resolver '%s': port must be 1-65535", shown);
      return -1;
    }
  }
  snprintf(entry, sizeof(entry), v6 ? "[%s]:%ld" : "%s:%ld", host, p);
  if (strlen(cfg->resolvers) + strlen(entry) + 2 > sizeof(cfg->resolvers))
    goto bad;
  if (cfg->resolvers[0])
    strcat(cfg->resolvers, ",");
  strcat(cfg->resolvers, entry);
  cfg->nresolvers++;
  return 0;
bad:
  snprintf(msg, msglen, "--resolver '%s': expected ADDR[:PORT]", shown);
  return -1;
}

/* --region: a region, a comma-separated list of regions, or "all" (the
 * commands that take one region reject the last two themselves). */
static int dv_region_arg_valid(const char *val)
{
  char buf[64];
  const char *p = val;
  if (strcmp(val, "all") == 0)
    return 1;
  if (!*val || strlen(val) > 1024)
    return 0;
  while (*p) {
    size_t n = strcspn(p, ",");
    if (n == 0 || n >= sizeof(buf))
      return 0;
    memcpy(buf, p, n);
    buf[n] = '\0';
    if (!dv_aws_region_valid(buf))
      return 0;
    p += n;
    if (*p == ',' && !*++p)
      return 0;
  }
  return 1;
}

static int parse_timeout(const char *arg, double *out)
{
  char *end;
  double v;
  errno = 0;
  v = strtod(arg, &end);
  if (!*arg || *end || errno || !isfinite(v) || v < 0.1 || v > 3600)
    return -1;
  *out = v;
  return 0;
}

static int option_allowed(const dv_cfg *cfg, const dv_option *o)
{
  return !o->command || dv_option_for(o, cfg->command);
}

/* An option name may appear once per command (--domain of whois and of
 * check): prefer the row allowed here, else any row (for the message). */
static const dv_option *find_long(const dv_cfg *cfg, const char *name,
                                  size_t len)
{
  const dv_option *any = NULL;
  for (size_t i = 0; i < dv_noptions; i++)
    if (strlen(dv_options[i].lname) == len &&
        strncmp(dv_options[i].lname, name, len) == 0) {
      if (option_allowed(cfg, &dv_options[i]))
        return &dv_options[i];
      if (!any)
        any = &dv_options[i];
    }
  return any;
}

static const dv_option *find_short(const dv_cfg *cfg, char c)
{
  const dv_option *any = NULL;
  for (size_t i = 0; i < dv_noptions; i++)
    if (dv_options[i].sname == c) {
      if (option_allowed(cfg, &dv_options[i]))
        return &dv_options[i];
      if (!any)
        any = &dv_options[i];
    }
  return any;
}

static dv_param_status apply(dv_cfg *cfg, const dv_option *o, const char *val,
                             char *msg, size_t msglen)
{
  char shown[128];
  switch (o->id) {
  case DV_OPT_JSON:
    cfg->json = 1;
    cfg->format = DV_FORMAT_JSON;
    break;
  case DV_OPT_VERBOSE:
    cfg->verbose++;
    break;
  case DV_OPT_NO_COLOR:
    cfg->no_color = 1;
    break;
  case DV_OPT_HELP:
    return DV_PARAM_HELP;
  case DV_OPT_VERSION:
    return DV_PARAM_VERSION;
  case DV_OPT_RESOLVER:
    if (dv_resolver_arg_add(cfg, val, msg, msglen) < 0)
      return DV_PARAM_BAD_ARG;
    break;
  case DV_OPT_TIMEOUT:
    cfg->timeout_given = 1;
    if (parse_timeout(val, &cfg->timeout_s) < 0) {
      snprintf(msg, msglen, "--timeout '%s': give seconds between 0.1 and 3600",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    break;
  case DV_OPT_MAX_INFLIGHT: {
    char *end;
    long v;
    errno = 0;
    v = strtol(val, &end, 10);
    if (!*val || *end || errno || v < 1 || v > 65535) {
      snprintf(msg, msglen,
               "--max-inflight '%s': give a number from 1 to 65535",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->max_inflight = (int)v;
    break;
  }
  case DV_OPT_FILE:
    cfg->names_file = val;
    break;
  case DV_OPT_CNAME:
    cfg->cnames[cfg->ncnames++] = val;
    break;
  case DV_OPT_PROBE:
    cfg->probe = 1;
    break;
  case DV_OPT_CONNECT_TO:
    cfg->connect_tos[cfg->nconnect_tos++] = val;
    break;
  case DV_OPT_MAIL_FROM:
    if (strpbrk(val, "<> \t\r\n\"") || strlen(val) > 254 ||
        (val[0] &&
         (!strchr(val, '@') || val[0] == '@' || val[strlen(val) - 1] == '@'))) {
      snprintf(msg, msglen,
               "--mail-from '%s': give an address like probe@example.com",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->mail_from = val;
    break;
  case DV_OPT_SMTP_TIMEOUT: {
    char *end;
    double v;
    errno = 0;
    v = strtod(val, &end);
    if (!*val || *end || errno || !isfinite(v) || v < 0.1 || v > 300) {
      snprintf(msg, msglen,
               "--smtp-timeout '%s': give seconds between 0.1 "
               "and 300",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->smtp_timeout_s = v;
    break;
  }
  case DV_OPT_RECORDS:
    cfg->records_file = val;
    break;
  case DV_OPT_INPUT:
    cfg->whois_input = val;
    break;
  case DV_OPT_DOMAIN:
    cfg->whois_domain = val;
    break;
  case DV_OPT_SERVER:
    cfg->whois_server = val;
    break;
  case DV_OPT_WHOIS_SERVERS:
    cfg->whois_servers_file = val;
    break;
  case DV_OPT_RDAP_BOOTSTRAP:
    cfg->rdap_bootstrap = val;
    break;
  case DV_OPT_WHOIS_RATE:
  case DV_OPT_WHOIS_TIMEOUT: {
    char *end;
    double v, hi = 600;
    errno = 0;
    v = strtod(val, &end);
    if (!*val || *end || errno || !isfinite(v) || v < 0.1 || v > hi) {
      snprintf(msg, msglen, "--%s '%s': give a number between 0.1 and %g",
               o->lname, dv_text_escape(val, strlen(val), shown, sizeof(shown)),
               hi);
      return DV_PARAM_BAD_ARG;
    }
    if (o->id == DV_OPT_WHOIS_RATE)
      cfg->whois_rate = v;
    else
      cfg->whois_timeout_s = v;
    break;
  }
  case DV_OPT_ACM_LEGACY:
    cfg->acm_legacy = 1;
    break;
  case DV_OPT_CONTACTS:
    cfg->contacts = 1;
    break;
  case DV_OPT_RESEND:
    cfg->resend = 1;
    break;
  case DV_OPT_CERT_DOMAIN:
    cfg->resend_domain = val;
    break;
  case DV_OPT_VALIDATION_DOMAIN:
    cfg->validation_domain = val;
    break;
  case DV_OPT_DRY_RUN:
    cfg->dry_run = 1;
    break;
  case DV_OPT_YES:
    cfg->yes = 1;
    break;
  case DV_OPT_STATUS:
    cfg->cert_status = val;
    break;
  case DV_OPT_EXPECT_PEM:
    cfg->expect_pem = val;
    break;
  case DV_OPT_WARNING:
    cfg->warning = val;
    break;
  case DV_OPT_CRITICAL:
    cfg->critical = val;
    break;
  case DV_OPT_CHECK_HOST:
    cfg->check_host = val;
    break;
  case DV_OPT_CHECK_DOMAIN:
    cfg->check_domain = val;
    break;
  case DV_OPT_CHECK_ARN:
    cfg->check_arn = val;
    break;
  case DV_OPT_DAYS: {
    char *end;
    long v;
    errno = 0;
    v = strtol(val, &end, 10);
    if (!*val || *end || errno || v < 1 || v > 3650) {
      snprintf(msg, msglen, "--days '%s': give whole days, 1 to 3650",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->expiry_days = v;
    break;
  }
  case DV_OPT_ORG:
    cfg->org = 1;
    break;
  case DV_OPT_ROLE_NAME:
    if (!*val || strlen(val) > 64 ||
        strspn(val, "abcdefghijklmnopqrstuvwxyz"
                    "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789+=,.@_-") != strlen(val)) {
      snprintf(msg, msglen, "--role-name '%s': not an IAM role name",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->org_role = val;
    break;
  case DV_OPT_ACCOUNTS:
  case DV_OPT_EXCLUDE:
    if (!*val || strspn(val, "0123456789,") != strlen(val)) {
      snprintf(msg, msglen,
               "--%s '%s': give 12-digit account ids, "
               "comma-separated",
               o->lname,
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    if (o->id == DV_OPT_ACCOUNTS)
      cfg->org_accounts = val;
    else
      cfg->org_exclude = val;
    break;
  case DV_OPT_ACCOUNTS_FILE:
    cfg->org_accounts_file = val;
    break;
  case DV_OPT_FORMAT: {
    const dv_format_info *f = dv_format_find(val);
    if (!f) {
      char names[256] = "";
      for (size_t k = 0; k < dv_nformats; k++) {
        size_t used = strlen(names);
        snprintf(names + used, sizeof(names) - used, "%s%s", k ? ", " : "",
                 dv_formats[k].name);
      }
      snprintf(msg, msglen, "--format '%s': not a format; give one of %s",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)), names);
      return DV_PARAM_BAD_ARG;
    }
    cfg->format = f->id;
    /* openmetrics and markdown are rendered from the JSON document */
    cfg->json = f->id == DV_FORMAT_JSON || f->id == DV_FORMAT_OPENMETRICS ||
                f->id == DV_FORMAT_MARKDOWN;
    break;
  }
  case DV_OPT_OUTPUT:
    if (!*val) {
      snprintf(msg, msglen, "--output: give a file name");
      return DV_PARAM_BAD_ARG;
    }
    cfg->output_file = val;
    break;
  case DV_OPT_PROFILE:
    cfg->aws_profile = val;
    break;
  case DV_OPT_REGION:
    if (!dv_region_arg_valid(val)) {
      snprintf(msg, msglen,
               "--region '%s': not a region name (like us-east-1), a list "
               "(us-east-1,eu-west-1) or all",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->aws_region = val;
    break;
  case DV_OPT_ENDPOINT_URL:
    if (strncmp(val, "https://", 8) != 0 && strncmp(val, "http://", 7) != 0) {
      snprintf(msg, msglen,
               "--endpoint-url '%s': give a URL (https://host[:port])",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->aws_endpoint_url = val;
    break;
  case DV_OPT_CA:
    if (strcmp(val, "list") != 0 && !dv_ca_name_valid(val)) {
      snprintf(msg, msglen,
               "--ca '%s': give a CA name from the table (--ca list)",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->ca = val;
    break;
  case DV_OPT_CA_DOMAIN: {
    dv_ca tmp;
    if (dv_ca_from_domain(&tmp, val) < 0) {
      snprintf(msg, msglen,
               "--ca-domain '%s': not an issuer domain name (RFC 8659: "
               "letters, digits, inner hyphens, dots; no final dot)",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->ca_domain = val;
    break;
  }
  case DV_OPT_ACME_ACCOUNT: {
    size_t n = strlen(val);
    int ok = n > 0 && n < 256 && strchr(val, ':') != NULL;
    for (size_t i = 0; ok && i < n; i++)
      ok = (unsigned char)val[i] >= 0x21 && (unsigned char)val[i] <= 0x7E &&
           val[i] != ';';
    if (!ok) {
      snprintf(msg, msglen,
               "--acme-account '%s': give the account URL (a URI without "
               "spaces or \";\", e.g. https://acme.example/acct/123)",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->acme_account = val;
    break;
  }
  case DV_OPT_EXPECT: {
    size_t n = strlen(val);
    int ok = n > 0 && n < 256;
    for (size_t i = 0; ok && i < n; i++)
      ok = (unsigned char)val[i] >= 0x20 && (unsigned char)val[i] <= 0x7E;
    if (!ok) {
      snprintf(msg, msglen,
               "--expect '%s': give the TXT value (printable ASCII, 1-255 "
               "characters)",
               dv_text_escape(val, strlen(val), shown, sizeof(shown)));
      return DV_PARAM_BAD_ARG;
    }
    cfg->expect = val;
    break;
  }
  case DV_OPT_ACME:
    cfg->acme_name = val;
    break;
  case DV_OPT_PERSIST:
    cfg->persist_name = val;
    break;
  }
  return DV_PARAM_OK;
}

dv_param_status dv_getparam(int argc, char **argv, dv_cfg *cfg, char *msg,
                            size_t msglen)
{
  int only_args = 0;
  dv_param_status st;
  char shown[128];

  memset(cfg, 0, sizeof(*cfg));
  cfg->timeout_s = 20;
  cfg->args = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
  cfg->cnames = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
  cfg->connect_tos = calloc((size_t)(argc > 0 ? argc : 1), sizeof(char *));
  if (!cfg->args || !cfg->cnames || !cfg->connect_tos)
    return DV_PARAM_NOMEM;
  msg[0] = '\0';
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (only_args || a[0] != '-' || a[1] == '\0') {
      if (!cfg->command) {
        if (!dv_command_find(a)) {
          snprintf(msg, msglen, "unknown command '%s'",
                   dv_text_escape(a, strlen(a), shown, sizeof(shown)));
          return DV_PARAM_UNKNOWN_COMMAND;
        }
        cfg->command = a;
      } else {
        cfg->args[cfg->nargs++] = argv[i];
      }
      continue;
    }
    if (strcmp(a, "--") == 0) {
      only_args = 1;
      continue;
    }
    if (a[1] == '-') {
      const char *name = a + 2, *eq = strchr(name, '=');
      size_t len = eq ? (size_t)(eq - name) : strlen(name);
      const dv_option *o = find_long(cfg, name, len);
      const char *val = NULL;
      if (!o || !option_allowed(cfg, o)) {
        snprintf(msg, msglen, "unknown option '%s'%s",
                 dv_text_escape(a, eq ? (size_t)(eq - a) : strlen(a), shown,
                                sizeof(shown)),
                 o ? " for this command" : "");
        return DV_PARAM_UNKNOWN_OPTION;
      }
      if (o->arg) {
        if (eq)
          val = eq + 1;
        else if (i + 1 < argc)
          val = argv[++i];
        else {
          snprintf(msg, msglen, "--%s needs an argument (%s)", o->lname,
                   o->arg);
          return DV_PARAM_MISSING_ARG;
        }
      } else if (eq) {
        snprintf(msg, msglen, "--%s takes no argument", o->lname);
        return DV_PARAM_BAD_ARG;
      }
      st = apply(cfg, o, val, msg, msglen);
      if (st != DV_PARAM_OK)
        return st;
      continue;
    }
    /* bundled short options: -vv, -fFILE, -f FILE */
    for (const char *p = a + 1; *p; p++) {
      const dv_option *o = find_short(cfg, *p);
      const char *val = NULL;
      if (!o || !option_allowed(cfg, o)) {
        char c[8];
        snprintf(msg, msglen, "unknown option '-%s'",
                 dv_text_escape(p, 1, c, sizeof(c)));
        return DV_PARAM_UNKNOWN_OPTION;
      }
      if (o->arg) {
        if (p[1])
          val = p + 1;
        else if (i + 1 < argc)
          val = argv[++i];
        else {
          snprintf(msg, msglen, "-%c needs an argument (%s)", o->sname, o->arg);
          return DV_PARAM_MISSING_ARG;
        }
      }
      st = apply(cfg, o, val, msg, msglen);
      if (st != DV_PARAM_OK)
        return st;
      if (val)
        break;
    }
  }
  if (!cfg->command) {
    snprintf(msg, msglen, "no command given");
    return DV_PARAM_NO_COMMAND;
  }
  for (size_t k = 0; k < dv_nformats; k++)
    if (dv_formats[k].id == cfg->format &&
        !dv_format_for(&dv_formats[k], cfg->command)) {
      snprintf(msg, msglen, "--format %s: not a format of '%s' (%s has it)",
               dv_formats[k].name, cfg->command, dv_formats[k].commands);
      return DV_PARAM_BAD_ARG;
    }
  return DV_PARAM_OK;
}

void dv_cfg_free(dv_cfg *cfg)
{
  free(cfg->args);
  free(cfg->cnames);
  free(cfg->connect_tos);
  cfg->connect_tos = NULL;
  cfg->args = NULL;
  cfg->cnames = NULL;
}
