/* dvcheck -- the parsed command line, shared by every command. */
#ifndef DV_TOOL_CFG_H
#define DV_TOOL_CFG_H

#include <stddef.h>

enum {
  DV_EXIT_OK = 0,       /* nothing wrong */
  DV_EXIT_WARNING = 1,  /* warnings */
  DV_EXIT_FAILURE = 2,  /* failures found */
  DV_EXIT_UNKNOWN = 3   /* could not complete: usage, internal, deadline */
};

#define DV_MAX_RESOLVERS 8

typedef struct {
  int json;
  int verbose;
  int color; /* resolved: 1 = emit ANSI colour */
  int no_color;
  double timeout_s;
  char resolvers[512]; /* c-ares csv, "" = system */
  size_t nresolvers;
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
  /* endpoint, check */
  const char *expect_pem;   /* --expect-pem FILE */
  const char *warning;      /* check -w RANGE */
  const char *critical;     /* check -c RANGE */
  const char *check_host;   /* check --host HOST[:PORT] */
  const char *check_domain; /* check --domain NAME */
  const char *check_arn;    /* check --arn ARN */
  /* AWS: the AWS CLI's global options (aws_creds.h) */
  const char *aws_profile;      /* --profile NAME */
  const char *aws_region;       /* --region R */
  const char *aws_endpoint_url; /* --endpoint-url URL */
} dv_cfg;

#endif
