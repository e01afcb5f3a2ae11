/* dvcheck -- the parsed command line, shared by every command. */
#ifndef DV_TOOL_CFG_H
#define DV_TOOL_CFG_H

#include <stddef.h>

enum {
  DV_EXIT_OK = 0,      /* nothing wrong */
  DV_EXIT_WARNING = 1, /* warnings */
  DV_EXIT_FAILURE = 2, /* failures found */
  DV_EXIT_UNKNOWN = 3  /* could not complete: usage, internal, deadline */
};

#define DV_MAX_RESOLVERS 8

/* --format (and --json = --format json). Which command accepts which
 * format is data: dv_formats[] in tool_help.c. */
typedef enum {
  DV_FORMAT_TEXT = 0,
  DV_FORMAT_JSON,
  DV_FORMAT_JSONL,       /* one result object per line */
  DV_FORMAT_ASFF,        /* Security Hub BatchImportFindings body */
  DV_FORMAT_OPENMETRICS, /* Prometheus / OpenMetrics text exposition */
  DV_FORMAT_MARKDOWN,    /* ticket-ready summary */
  DV_FORMAT_HTML,        /* self-contained report page */
  DV_FORMAT_DOT          /* Graphviz graph */
} dv_format;

typedef struct {
  int json;
  int verbose;
  int color; /* resolved: 1 = emit ANSI colour */
  int no_color;
  double timeout_s;
  int timeout_given;   /* --timeout was on the command line */
  char resolvers[512]; /* c-ares csv, "" = system */
  size_t nresolvers;
  int max_inflight; /* --max-inflight: DNS window ceiling (0 = default) */
  const char *command;
  /* command arguments (positional) and command options */
  char **args;
  size_t nargs;
  const char *names_file; /* email -f */
  const char **cnames;    /* dns --cname RN=RV (repeatable) */
  size_t ncnames;
  const char *records_file; /* dns --records FILE */
  const char *whois_input;  /* whois --input FILE */
  const char *whois_domain; /* whois --domain NAME */
  const char *whois_server; /* whois --server HOST */
  /* live WHOIS/RDAP (whois NAME..., email --contacts / --acm-legacy) */
  const char *whois_servers_file; /* --whois-servers FILE */
  const char *rdap_bootstrap;     /* --rdap-bootstrap FILE|none */
  double whois_rate;              /* --whois-rate per minute (0 = default) */
  double whois_timeout_s;         /* --whois-timeout (0 = default) */
  int acm_legacy;                 /* email --acm-legacy */
  int contacts;                   /* email --contacts */
  /* SMTP mailbox probe (email/cert/check --probe) */
  int probe;                /* --probe */
  double smtp_timeout_s;    /* --smtp-timeout (0 = default) */
  const char *mail_from;    /* --mail-from ADDR (NULL = null sender) */
  const char **connect_tos; /* --connect-to H:P:CH:CP (repeatable) */
  size_t nconnect_tos;
  /* ACM: cert, certs (--region/--endpoint-url: same fields as the
   * credential-chain branch) */
  const char *aws_region;        /* --region */
  const char *aws_endpoint_url;  /* --endpoint-url */
  int resend, dry_run, yes;      /* cert --resend --dry-run --yes */
  const char *resend_domain;     /* cert --domain */
  const char *validation_domain; /* cert --validation-domain */
  const char *cert_status;       /* certs --status S[,S...] */
  /* endpoint, check */
  const char *expect_pem;   /* --expect-pem FILE */
  const char *warning;      /* check -w RANGE */
  const char *critical;     /* check -c RANGE */
  const char *check_host;   /* check --host HOST[:PORT] */
  const char *check_domain; /* check --domain NAME */
  const char *check_arn;    /* check --arn ARN */
  /* expiry, audit */
  long expiry_days;        /* --days N (0 = default) */
  dv_format format;        /* --format (DV_FORMAT_TEXT by default) */
  const char *output_file; /* --output FILE: written atomically */
  const char *aws_profile; /* --profile NAME */
  /* any public CA (check/cas.conf) */
  const char *ca;           /* --ca NAME (NULL = amazon) */
  const char *ca_domain;    /* --ca-domain DOMAIN */
  const char *acme_account; /* --acme-account URI */
  const char *acme_name;    /* dns --acme NAME */
  const char *expect;       /* dns --expect VALUE */
  const char *persist_name; /* dns --persist NAME */
  /* expiry, audit --org */
  int org;              /* --org */
  const char *org_role; /* --role-name (NULL = OrganizationAccountAccessRole) */
  const char *org_accounts;      /* --accounts ID,ID */
  const char *org_accounts_file; /* --accounts-file F */
  const char *org_exclude;       /* --exclude ID,ID */
} dv_cfg;

#endif
