/* dvcheck -- AWS credentials, region and endpoint (see aws_creds.h).
 *
 * References: botocore/credentials.py (create_credential_resolver and the
 * providers), botocore/utils.py (IMDSFetcher, ContainerMetadataFetcher),
 * botocore/configloader.py, awscli/clidriver.py (the region chain) and the
 * AWS CLI user guide ("Configuration and credential file settings",
 * "Sourcing credentials with an external process", "Service-specific
 * endpoints").
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "base/timefmt.h"
#include "aws/aws_cache.h"
#include "aws/aws_config.h"
#include "aws/aws_creds.h"
#include "aws/aws_sts.h"
#include "base/buf.h"
#include "base/json.h"
#include "base/secret.h"
#include "base/trace.h"

extern char **environ;

#define DEFAULT_PROCESS_TIMEOUT_MS 30000
#define PROCESS_MAX_STDOUT         (256 * 1024)
#define PROCESS_MAX_STDERR         (16 * 1024)
#define CONTAINER_HOST             "169.254.170.2"
#define CONTAINER_TIMEOUT_MS       2000
#define CONTAINER_ATTEMPTS         3
#define CONTAINER_SLEEP_MS         1000
#define IMDS_BASE_URL              "http://169.254.169.254/"
#define IMDS_BASE_URL_V6           "http://[fd00:ec2::254]/"
#define IMDS_TOKEN_TTL             "21600"
#define IMDS_CREDS_PATH            "latest/meta-data/iam/security-credentials/"
#define META_MAX_BODY              (64 * 1024)

static const char *const creds_status_str[] = {
    [DV_AWS_CREDS_OK] = "ok",
    [DV_AWS_CREDS_NONE] = "no credentials found",
    [DV_AWS_CREDS_E_PROFILE_NOT_FOUND] = "profile not found",
    [DV_AWS_CREDS_E_CONFIG] = "bad AWS configuration file",
    [DV_AWS_CREDS_E_PARTIAL] = "partial credentials",
    [DV_AWS_CREDS_E_PROCESS] = "credential_process failed",
    [DV_AWS_CREDS_E_CONTAINER] = "container credentials failed",
    [DV_AWS_CREDS_E_EXPIRED] = "credentials expired",
    [DV_AWS_CREDS_E_UNSUPPORTED] = "credential source not supported",
    [DV_AWS_CREDS_E_LOOP] = "source_profile loop",
    [DV_AWS_CREDS_E_STS] = "role credentials refused",
    [DV_AWS_CREDS_E_SSO_LOGIN] = "SSO login needed",
    [DV_AWS_CREDS_E_MFA] = "MFA code needed",
    [DV_AWS_CREDS_E_SOURCE] = "credential_source found no credentials",
    [DV_AWS_CREDS_E_CANCELLED] = "cancelled",
    [DV_AWS_CREDS_E_NOMEM] = "out of memory",
};

const char *dv_aws_creds_status_str(dv_aws_creds_status st)
{
  if ((size_t)st < sizeof(creds_status_str) / sizeof(creds_status_str[0]))
    return creds_status_str[st];
  return "unknown";
}

static const char *const source_str[] = {
    [DV_AWS_SRC_NONE] = "none",
    [DV_AWS_SRC_ENV] = "env",
    [DV_AWS_SRC_SHARED_CREDENTIALS] = "shared-credentials-file",
    [DV_AWS_SRC_PROCESS] = "custom-process",
    [DV_AWS_SRC_CONFIG] = "config-file",
    [DV_AWS_SRC_CONTAINER] = "container-role",
    [DV_AWS_SRC_IMDS] = "iam-role",
    [DV_AWS_SRC_ASSUME_ROLE] = "assume-role",
    [DV_AWS_SRC_WEB_IDENTITY] = "assume-role-with-web-identity",
    [DV_AWS_SRC_SSO] = "sso",
};

const char *dv_aws_source_str(dv_aws_source src)
{
  if ((size_t)src < sizeof(source_str) / sizeof(source_str[0]))
    return source_str[src];
  return "unknown";
}

static const char *const cfg_status_str[] = {
    [DV_AWS_CFG_OK] = "ok",
    [DV_AWS_CFG_NONE] = "not configured",
    [DV_AWS_CFG_E_PROFILE_NOT_FOUND] = "profile not found",
    [DV_AWS_CFG_E_CONFIG] = "bad AWS configuration file",
    [DV_AWS_CFG_E_BAD_REGION] = "invalid region name",
    [DV_AWS_CFG_E_BAD_URL] = "invalid endpoint URL",
    [DV_AWS_CFG_E_NOMEM] = "out of memory",
};

const char *dv_aws_cfg_status_str(dv_aws_cfg_status st)
{
  if ((size_t)st < sizeof(cfg_status_str) / sizeof(cfg_status_str[0]))
    return cfg_status_str[st];
  return "unknown";
}

/* ---- small helpers ------------------------------------------------------- */

/* A printable, bounded copy of untrusted text for error messages. */
static void shown(const char *s, size_t n, char *out, size_t outlen)
{
  size_t o = 0;
  for (size_t i = 0; i < n && s[i] && o + 5 < outlen; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x20 && c < 0x7f)
      out[o++] = (char)c;
    else
      o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
  }
  if (outlen)
    out[o < outlen ? o : outlen - 1] = '\0';
}

static const char *env_nonempty(const char *name)
{
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

static int str_true(const char *v)
{
  return v && strcasecmp(v, "true") == 0;
}

/* ISO 8601 / RFC 3339 UTC time: YYYY-MM-DDTHH:MM:SS[.frac](Z|+hh:mm|-hh:mm)
 * (also a space instead of T, and no zone = UTC). */
int dv_aws_time_parse(const char *s, time_t *out)
{
  struct tm tm;
  int y, mo, d, h, mi, se, n = 0;
  long off = 0;
  const char *p;
  time_t t;
  memset(&tm, 0, sizeof(tm));
  if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10)
    return -1;
  p = s + 10;
  if (*p != 'T' && *p != 't' && *p != ' ')
    return -1;
  p++;
  n = 0;
  if (sscanf(p, "%2d:%2d:%2d%n", &h, &mi, &se, &n) != 3 || n != 8)
    return -1;
  p += 8;
  if (*p == '.') {
    p++;
    if (!isdigit((unsigned char)*p))
      return -1;
    while (isdigit((unsigned char)*p))
      p++;
  }
  if (*p == 'Z' || *p == 'z')
    p++;
  else if (strcmp(p, "UTC") == 0) /* the AWS CLI v1's SSO cache */
    p += 3;
  else if (*p == '+' || *p == '-') {
    int oh, om;
    n = 0;
    if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5)
      return -1;
    off = (oh * 3600L + om * 60L) * (*p == '+' ? 1 : -1);
    p += 6;
  }
  if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      se > 60)
    return -1;
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  t = timegm(&tm);
  if (t == (time_t)-1)
    return -1;
  *out = t - off;
  return 0;
}

/* ---- the shared files and the profile ------------------------------------ */

typedef struct {
  char profile[256];
  int explicit_profile; /* named by --profile or the environment */
  int from_option;      /* --profile: skip the environment's keys */
  dv_awscfg_file config, creds;
  const dv_awscfg_section *cfg_sec;  /* [profile P] / [default] in config */
  const dv_awscfg_section *cred_sec; /* [P] in credentials */
  char config_path[PATH_MAX];
  char creds_path[PATH_MAX];
} shared;

static void shared_free(shared *sh)
{
  dv_awscfg_free(&sh->config);
  dv_awscfg_free(&sh->creds);
  sh->cfg_sec = sh->cred_sec = NULL;
}

/* The section of config for profile name (the last one wins, as in
 * botocore's dict). */
static const dv_awscfg_section *
config_profile(const dv_awscfg_file *f, const char *prefix, const char *name)
{
  const dv_awscfg_section *found = NULL;
  char nm[256];
  for (size_t i = 0; i < f->nsections; i++)
    if (dv_awscfg_section_prefixed(f->sections[i].name, prefix, nm,
                                   sizeof(nm)) == 0 &&
        strcmp(nm, name) == 0)
      found = &f->sections[i];
  return found;
}

/* Load both files. Returns 0, or -1 (config error, err set), -2 (nomem). */
static int shared_load(const dv_aws_opts *o, shared *sh, char *err,
                       size_t errlen)
{
  const char *p;
  dv_awscfg_status st;
  char e[600];

  memset(sh, 0, sizeof(*sh));
  if (o && o->profile) {
    p = o->profile;
    sh->explicit_profile = sh->from_option = 1;
  } else if ((p = env_nonempty("AWS_DEFAULT_PROFILE")) ||
             (p = env_nonempty("AWS_PROFILE"))) {
    sh->explicit_profile = 1;
  } else
    p = "default";
  snprintf(sh->profile, sizeof(sh->profile), "%s", p);
  p = env_nonempty("AWS_CONFIG_FILE");
  snprintf(sh->config_path, sizeof(sh->config_path), "%s",
           p ? p : "~/.aws/config");
  p = env_nonempty("AWS_SHARED_CREDENTIALS_FILE");
  snprintf(sh->creds_path, sizeof(sh->creds_path), "%s",
           p ? p : "~/.aws/credentials");

  st = dv_awscfg_load(sh->config_path, &sh->config, e, sizeof(e));
  if (st == DV_AWSCFG_E_NOMEM)
    return -2;
  if (st != DV_AWSCFG_OK && st != DV_AWSCFG_NOT_FOUND) {
    snprintf(err, errlen, "AWS config file %s", e);
    return -1;
  }
  st = dv_awscfg_load(sh->creds_path, &sh->creds, e, sizeof(e));
  if (st == DV_AWSCFG_E_NOMEM) {
    shared_free(sh);
    return -2;
  }
  if (st != DV_AWSCFG_OK && st != DV_AWSCFG_NOT_FOUND) {
    snprintf(err, errlen, "AWS credentials file %s", e);
    shared_free(sh);
    return -1;
  }
  sh->cfg_sec = config_profile(&sh->config, "profile", sh->profile);
  sh->cred_sec = dv_awscfg_section_find(&sh->creds, sh->profile);
  return 0;
}

static int shared_profile_missing(const shared *sh, char *err, size_t errlen)
{
  char s[300];
  if (!sh->explicit_profile || sh->cfg_sec || sh->cred_sec)
    return 0;
  shown(sh->profile, strlen(sh->profile), s, sizeof(s));
  snprintf(err, errlen,
           "the config profile (%.100s) could not be found in %.150s or %.150s",
           s, sh->config_path, sh->creds_path);
  return 1;
}

/* The profile's merged view: the credentials file's keys override. */
static const char *shared_get(const shared *sh, const char *key)
{
  const char *v = NULL;
  if (sh->cred_sec)
    v = dv_awscfg_get(&sh->creds, sh->cred_sec, key);
  if (!v && sh->cfg_sec)
    v = dv_awscfg_get(&sh->config, sh->cfg_sec, key);
  return v;
}

/* ---- region -------------------------------------------------------------- */

int dv_aws_region_valid(const char *r)
{
  size_t n = r ? strlen(r) : 0;
  int digits_only = 1;
  if (n < 1 || n > 63 || r[0] == '-' || r[n - 1] == '-')
    return 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)r[i];
    if (!isalnum(c) && c != '-')
      return 0;
    if (!isdigit(c))
      digits_only = 0;
  }
  return !digits_only;
}

static dv_aws_cfg_status cfg_from_load(int r)
{
  return r == -2 ? DV_AWS_CFG_E_NOMEM : DV_AWS_CFG_E_CONFIG;
}

dv_aws_cfg_status dv_aws_region_resolve(const dv_aws_opts *o,
                                        const char *arn_region, char *region,
                                        size_t regionlen, const char **source,
                                        char *err, size_t errlen)
{
  const char *v = NULL, *src = NULL;
  dv_aws_cfg_status st = DV_AWS_CFG_OK;
  shared sh;
  int loaded = 0;
  char s[200];

  if (errlen)
    err[0] = '\0';
  if (regionlen)
    region[0] = '\0';
  if (arn_region && *arn_region) {
    v = arn_region;
    src = "arn";
  } else if (o && o->region && *o->region) {
    v = o->region;
    src = "--region";
  } else if ((v = env_nonempty("AWS_REGION"))) {
    src = "AWS_REGION";
  } else if ((v = env_nonempty("AWS_DEFAULT_REGION"))) {
    src = "AWS_DEFAULT_REGION";
  } else {
    int r = shared_load(o, &sh, err, errlen);
    if (r < 0)
      return cfg_from_load(r);
    loaded = 1;
    if (shared_profile_missing(&sh, err, errlen)) {
      st = DV_AWS_CFG_E_PROFILE_NOT_FOUND;
      goto out;
    }
    v = shared_get(&sh, "region");
    if (v && !*v)
      v = NULL;
    src = "profile";
  }
  if (!v) {
    st = DV_AWS_CFG_NONE;
    snprintf(err, errlen,
             "no region: give --region, set AWS_REGION or add region to the "
             "profile");
    goto out;
  }
  if (!dv_aws_region_valid(v)) {
    shown(v, strlen(v), s, sizeof(s));
    snprintf(err, errlen,
             "invalid region '%s' (from %s): expected a name like us-east-1", s,
             src);
    st = DV_AWS_CFG_E_BAD_REGION;
    goto out;
  }
  if (strlen(v) >= regionlen) {
    st = DV_AWS_CFG_E_BAD_REGION;
    goto out;
  }
  snprintf(region, regionlen, "%s", v);
  if (source)
    *source = src;
out:
  if (loaded)
    shared_free(&sh);
  return st;
}

/* ---- endpoint ------------------------------------------------------------ */

/* botocore's partitions: a prefix, then \w+-\d+ up to the end. */
static const struct {
  const char *prefix;
  const char *suffix;
} partitions[] = {
    {"us-isob-", "sc2s.sgov.gov"},
    {"us-iso-", "c2s.ic.gov"},
    {"us-gov-", "amazonaws.com"},
    {"cn-", "amazonaws.com.cn"},
};

static int partition_tail(const char *p)
{
  const char *q = p;
  while (isalnum((unsigned char)*q) || *q == '_')
    q++;
  if (q == p || *q != '-')
    return 0;
  p = ++q;
  while (isdigit((unsigned char)*q))
    q++;
  return q > p && *q == '\0';
}

const char *dv_aws_region_dns_suffix(const char *region)
{
  for (size_t i = 0; i < sizeof(partitions) / sizeof(partitions[0]); i++) {
    size_t n = strlen(partitions[i].prefix);
    if (strncmp(region, partitions[i].prefix, n) == 0 &&
        partition_tail(region + n))
      return partitions[i].suffix;
  }
  return "amazonaws.com";
}

static int url_valid(const char *u)
{
  const char *h;
  if (strncmp(u, "https://", 8) == 0)
    h = u + 8;
  else if (strncmp(u, "http://", 7) == 0)
    h = u + 7;
  else
    return 0;
  if (!*h || *h == '/' || *h == ':' || *h == '?' || *h == '#')
    return 0;
  for (const char *p = u; *p; p++)
    if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
      return 0;
  return 1;
}

dv_aws_cfg_status dv_aws_endpoint_resolve(const dv_aws_opts *o,
                                          const char *service,
                                          const char *region, char *url,
                                          size_t urllen, const char **source,
                                          char *err, size_t errlen)
{
  char envname[64], s[300];
  const char *v = NULL, *src = NULL;
  dv_aws_cfg_status st = DV_AWS_CFG_OK;
  shared sh;
  int loaded = 0, ignore;
  size_t i;

  if (errlen)
    err[0] = '\0';
  if (urllen)
    url[0] = '\0';
  if (o && o->endpoint_url && *o->endpoint_url) {
    v = o->endpoint_url;
    src = "--endpoint-url";
    goto found;
  }
  {
    int r = shared_load(o, &sh, err, errlen);
    if (r < 0)
      return cfg_from_load(r);
    loaded = 1;
  }
  ignore = str_true(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"));
  if (!getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"))
    ignore = str_true(shared_get(&sh, "ignore_configured_endpoint_urls"));
  if (!ignore) {
    snprintf(envname, sizeof(envname), "AWS_ENDPOINT_URL_");
    for (i = 0; service[i] && strlen(envname) + 1 < sizeof(envname); i++) {
      char c =
          service[i] == '-' ? '_' : (char)toupper((unsigned char)service[i]);
      size_t n = strlen(envname);
      envname[n] = c;
      envname[n + 1] = '\0';
    }
    if ((v = env_nonempty(envname))) {
      src = "AWS_ENDPOINT_URL_<SERVICE>";
      goto found;
    }
    if ((v = env_nonempty("AWS_ENDPOINT_URL"))) {
      src = "AWS_ENDPOINT_URL";
      goto found;
    }
    if (sh.explicit_profile && !sh.cfg_sec && !sh.cred_sec) {
      shared_profile_missing(&sh, err, errlen);
      st = DV_AWS_CFG_E_PROFILE_NOT_FOUND;
      goto out;
    }
    {
      const char *svc = shared_get(&sh, "services");
      if (svc) {
        const dv_awscfg_section *ss =
            config_profile(&sh.config, "services", svc);
        if (!ss) {
          shown(svc, strlen(svc), s, sizeof(s));
          snprintf(err, errlen,
                   "the profile uses services = %s, but the config file has "
                   "no [services %s] section",
                   s, s);
          st = DV_AWS_CFG_E_CONFIG;
          goto out;
        }
        v = dv_awscfg_sub_get(&sh.config, ss, service, "endpoint_url");
        if (v && *v) {
          src = "services-section";
          goto found;
        }
      }
    }
    if ((v = shared_get(&sh, "endpoint_url")) && *v) {
      src = "profile";
      goto found;
    }
  }
  if (!region || !*region) {
    st = DV_AWS_CFG_NONE;
    snprintf(err, errlen, "no region, so no endpoint");
    goto out;
  }
  if (!dv_aws_region_valid(region)) {
    shown(region, strlen(region), s, sizeof(s));
    snprintf(err, errlen, "invalid region '%s'", s);
    st = DV_AWS_CFG_E_BAD_REGION;
    goto out;
  }
  if ((size_t)snprintf(url, urllen, "https://%s.%s.%s", service, region,
                       dv_aws_region_dns_suffix(region)) >= urllen) {
    st = DV_AWS_CFG_E_BAD_URL;
    url[0] = '\0';
  }
  if (source)
    *source = "default";
  goto out;
found:
  if (!url_valid(v)) {
    shown(v, strlen(v), s, sizeof(s));
    snprintf(err, errlen,
             "invalid endpoint URL '%s' (from %s): expected "
             "https://host[:port][/path]",
             s, src);
    st = DV_AWS_CFG_E_BAD_URL;
    goto out;
  }
  if (strlen(v) >= urllen) {
    st = DV_AWS_CFG_E_BAD_URL;
    snprintf(err, errlen, "endpoint URL too long");
    goto out;
  }
  snprintf(url, urllen, "%s", v);
  if (source)
    *source = src;
out:
  if (loaded)
    shared_free(&sh);
  return st;
}

dv_aws_cfg_status dv_aws_ca_bundle(const dv_aws_opts *o, char *path,
                                   size_t pathlen, char *err, size_t errlen)
{
  const char *v = env_nonempty("AWS_CA_BUNDLE");
  shared sh;
  int loaded = 0;
  dv_aws_cfg_status st = DV_AWS_CFG_OK;
  if (errlen)
    err[0] = '\0';
  if (pathlen)
    path[0] = '\0';
  if (!v) {
    int r = shared_load(o, &sh, err, errlen);
    if (r < 0)
      return cfg_from_load(r);
    loaded = 1;
    v = shared_get(&sh, "ca_bundle");
  }
  if (v && *v) {
    /* as given: botocore expands nothing here either */
    if ((size_t)snprintf(path, pathlen, "%s", v) >= pathlen) {
      path[0] = '\0';
      snprintf(err, errlen, "CA bundle path too long");
      st = DV_AWS_CFG_E_CONFIG;
    }
  } else
    st = DV_AWS_CFG_NONE;
  if (loaded)
    shared_free(&sh);
  return st;
}

/* ---- the credential chain ------------------------------------------------ */

typedef enum {
  STEP_START,
  STEP_PROCESS,
  STEP_CONFIG,
  STEP_CONTAINER,
  STEP_IMDS,
  STEP_DONE
} step;

typedef enum { IMDS_TOKEN, IMDS_ROLE, IMDS_CREDS } imds_phase;

#define MAX_CHAIN   16
#define STAGE_TOP   0
#define STAGE_BASE  1
#define TOKEN_MAX   (64 * 1024)
#define MFA_TIMEOUT 120000

/* One role of an assume-role chain (strings point into the shared files). */
typedef struct {
  char profile[256];
  const char *role_arn;
  const char *session_name; /* NULL: generated, not part of the cache key */
  const char *external_id;
  const char *serial;
  long duration; /* -1: not configured */
} role_link;

typedef struct {
  dv_buf b; /* capped; stdout's is a secret buffer */
  int over; /* more output than the cap (or no memory): stopped reading */
  int fd;
  int eof;
} pipebuf;

typedef struct {
  dv_loop *loop;
  dv_http *http;
  dv_aws_creds_cb cb;
  void *arg;
  int verbose;
  long process_timeout_ms;
  char *container_host;
  char *profile_opt; /* --profile */
  shared sh;
  int have_shared;
  dv_aws_creds *res;
  dv_timer timer;
  step next;
  /* credential_process */
  pid_t pid;
  int exited, wstatus, timed_out;
  pipebuf out, err;
  int64_t proc_deadline;
  /* container / IMDS */
  char *url;
  char *auth; /* "Authorization: ..." SECRET */
  int attempt, attempts;
  long timeout_ms;
  imds_phase phase;
  char *imds_base;
  char *imds_token; /* SECRET-ish: a session token for IMDS */
  char *role;
  char last_error[256];
  /* assume role, web identity, SSO */
  char *region_opt; /* --region */
  int no_prompt;
  int no_cache_read;
  int stage; /* STAGE_TOP, or STAGE_BASE: a chain's source */
  role_link links[MAX_CHAIN];
  int nlinks, cur;
  const char *cred_source; /* credential_source of the chain's last link */
  char base_profile[256];
  char *src_akid, *src_secret, *src_token; /* SECRET: the chain's source */
  char top_profile[256];
  int sts_calls;
  char sts_url[1024], sts_region[64], ca[4096];
  int endpoints_done;
  /* MFA prompt */
  int tty_fd, tio_set;
  struct termios tio;
  char mfa[16];
  size_t mfa_len;
  /* web identity */
  char *wi_token; /* SECRET */
  char wi_role[512], wi_session[128], wi_key[41];
  int wi_session_set;
  /* SSO */
  char sso_account[64], sso_role[256], sso_start[1024], sso_region[64];
  char sso_session[256], sso_key[41], sso_token_path[PATH_MAX];
  json_t *sso_tok; /* the token cache document: SECRET fields */
} resolver;

static void resolver_continue(void *arg);
static void run_step(resolver *r);
static void mfa_close(resolver *r);
static void sso_tok_free(resolver *r);
static void base_done(resolver *r, dv_aws_creds_status st);

void dv_aws_creds_free(dv_aws_creds *c)
{
  if (!c)
    return;
  free(c->profile);
  free(c->access_key_id);
  dv_secret_free(c->secret_access_key);
  dv_secret_free(c->session_token);
  free(c->expiration);
  dv_secret_free_n(c, sizeof(*c));
}

static void resolver_free(resolver *r)
{
  if (r->have_shared)
    shared_free(&r->sh);
  free(r->container_host);
  free(r->profile_opt);
  dv_buf_free(&r->out.b);
  dv_buf_free(&r->err.b);
  free(r->url);
  dv_secret_free(r->auth);
  free(r->imds_base);
  dv_secret_free(r->imds_token);
  free(r->role);
  free(r->region_opt);
  dv_secret_free(r->src_akid);
  dv_secret_free(r->src_secret);
  dv_secret_free(r->src_token);
  dv_secret_free(r->wi_token);
  mfa_close(r);
  dv_secret_wipe(r->mfa, sizeof(r->mfa));
  sso_tok_free(r);
  dv_aws_creds_free(r->res);
  free(r);
}

/* Report and free. */
static void report(resolver *r, dv_aws_creds_status st)
{
  dv_aws_creds *c = r->res;
  dv_loop *loop = r->loop;
  r->res = NULL;
  c->status = st;
  if (st != DV_AWS_CREDS_OK) {
    dv_secret_free(c->secret_access_key);
    dv_secret_free(c->session_token);
    c->secret_access_key = c->session_token = NULL;
    if (!c->error[0])
      snprintf(c->error, sizeof(c->error), "%s", dv_aws_creds_status_str(st));
  }
  if (r->verbose) {
    if (st == DV_AWS_CREDS_OK)
      dv_trace("aws: credentials from %s (profile %s, key id %s%s)",
               dv_aws_source_str(c->source), c->profile ? c->profile : "-",
               c->access_key_id ? c->access_key_id : "-",
               c->session_token ? ", session token" : "");
    else
      dv_trace("aws: credentials: %s", c->error);
  }
  dv_loop_timer_disarm(loop, &r->timer);
  c->sts_calls = r->sts_calls;
  r->cb(r->arg, c);
  resolver_free(r);
  dv_loop_unref(loop);
}

/* A provider is done: report, or -- while finding the source of a role
 * chain -- go on with the chain. */
static void finish(resolver *r, dv_aws_creds_status st)
{
  if (r->stage == STAGE_BASE) {
    base_done(r, st);
    return;
  }
  report(r, st);
}

static int set_creds(resolver *r, dv_aws_source src, const char *akid,
                     const char *secret, const char *token,
                     const char *expiration)
{
  dv_aws_creds *c = r->res;
  c->source = src;
  c->access_key_id = strdup(akid);
  c->secret_access_key = strdup(secret);
  if (!c->access_key_id || !c->secret_access_key)
    return -1;
  if (token && *token && !(c->session_token = strdup(token)))
    return -1;
  if (expiration && *expiration) {
    if (!(c->expiration = strdup(expiration)))
      return -1;
  }
  return 0;
}

/* Expiration: parse and refuse expired credentials (botocore refreshes
 * once, then raises). Returns the status to finish with. */
static dv_aws_creds_status check_expiry(resolver *r)
{
  dv_aws_creds *c = r->res;
  char s[120];
  if (!c->expiration)
    return DV_AWS_CREDS_OK;
  if (dv_aws_time_parse(c->expiration, &c->expires) < 0) {
    shown(c->expiration, strlen(c->expiration), s, sizeof(s));
    snprintf(c->error, sizeof(c->error),
             "%s: the expiration time '%s' is not an ISO 8601 time",
             dv_aws_source_str(c->source), s);
    return c->source == DV_AWS_SRC_PROCESS     ? DV_AWS_CREDS_E_PROCESS
           : c->source == DV_AWS_SRC_CONTAINER ? DV_AWS_CREDS_E_CONTAINER
                                               : DV_AWS_CREDS_E_EXPIRED;
  }
  if (c->expires <= time(NULL)) {
    snprintf(c->error, sizeof(c->error),
             "the credentials from %s expired at %s",
             dv_aws_source_str(c->source), c->expiration);
    return DV_AWS_CREDS_E_EXPIRED;
  }
  return DV_AWS_CREDS_OK;
}

/* Static keys from a file section (botocore: the key id present decides;
 * a missing secret is a partial-credentials error). 1 = found. */
static int static_keys(resolver *r, const dv_awscfg_file *f,
                       const dv_awscfg_section *s, dv_aws_source src,
                       const char *path, dv_aws_creds_status *st)
{
  const char *akid, *secret, *token;
  if (!s || !(akid = dv_awscfg_get(f, s, "aws_access_key_id")))
    return 0;
  secret = dv_awscfg_get(f, s, "aws_secret_access_key");
  if (!secret) {
    snprintf(r->res->error, sizeof(r->res->error),
             "partial credentials in %s: aws_access_key_id without "
             "aws_secret_access_key",
             path);
    *st = DV_AWS_CREDS_E_PARTIAL;
    return 1;
  }
  token = dv_awscfg_get(f, s, "aws_security_token");
  if (!token)
    token = dv_awscfg_get(f, s, "aws_session_token");
  *st = set_creds(r, src, akid, secret, token, NULL) < 0 ? DV_AWS_CREDS_E_NOMEM
                                                         : DV_AWS_CREDS_OK;
  return 1;
}

/* ---- credential_process ---- */

static void proc_check_done(resolver *r);

static void pipe_read(void *arg, int fd, short revents)
{
  resolver *r = arg;
  pipebuf *b = fd == r->out.fd ? &r->out : &r->err;
  char tmp[4096];
  (void)revents;
  for (;;) {
    ssize_t n = read(fd, tmp, sizeof(tmp));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      break;
    if (n <= 0) {
      b->eof = 1;
      break;
    }
    if (dv_buf_append(&b->b, tmp, (size_t)n) != DV_BUF_OK) {
      /* too much output (or no memory for it): stop reading, the check
       * below reports it */
      b->over = 1;
      b->eof = 1;
      break;
    }
  }
  dv_secret_wipe(tmp, sizeof(tmp));
  if (b->eof) {
    dv_loop_io_set(r->loop, fd, 0, NULL, NULL);
    close(fd);
    b->fd = -1;
    proc_check_done(r);
  }
}

static void proc_kill(resolver *r)
{
  if (r->pid > 0 && !r->exited)
    kill(-r->pid, SIGKILL);
}

static void proc_close_pipes(resolver *r)
{
  if (r->out.fd >= 0) {
    dv_loop_io_set(r->loop, r->out.fd, 0, NULL, NULL);
    close(r->out.fd);
    r->out.fd = -1;
  }
  if (r->err.fd >= 0) {
    dv_loop_io_set(r->loop, r->err.fd, 0, NULL, NULL);
    close(r->err.fd);
    r->err.fd = -1;
  }
}

static void proc_result(resolver *r);

/* Timer: reap the child, enforce the timeout. */
static void proc_tick(void *arg)
{
  resolver *r = arg;
  if (!r->exited) {
    pid_t w = waitpid(r->pid, &r->wstatus, WNOHANG);
    if (w == r->pid || (w < 0 && errno == ECHILD))
      r->exited = 1;
  }
  if (!r->timed_out && dv_loop_now_ms() >= r->proc_deadline &&
      (!r->exited || r->out.fd >= 0 || r->err.fd >= 0)) {
    r->timed_out = 1;
    proc_kill(r);
    kill(-r->pid, SIGKILL); /* grandchildren holding the pipes */
    proc_close_pipes(r);
  }
  if (r->exited && r->out.fd < 0 && r->err.fd < 0) {
    proc_result(r);
    return;
  }
  dv_loop_timer_arm(r->loop, &r->timer, r->timed_out ? 5 : 20, proc_tick, r);
}

static void proc_check_done(resolver *r)
{
  if (r->out.fd < 0 && r->err.fd < 0)
    dv_loop_timer_arm(r->loop, &r->timer, 0, proc_tick, r);
}

static const char *json_str_field(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);
  return json_is_string(v) ? json_string_value(v) : NULL;
}

static void json_wipe_field(json_t *o, const char *k)
{
  json_t *v = json_object_get(o, k);
  if (json_is_string(v))
    dv_secret_wipe((char *)json_string_value(v), json_string_length(v));
}

static void proc_result(resolver *r)
{
  dv_aws_creds *c = r->res;
  json_t *doc = NULL, *ver;
  json_error_t je;
  char jmsg[200];
  dv_aws_creds_status st = DV_AWS_CREDS_E_PROCESS;
  const char *akid, *secret, *token, *exp;
  char s[300];

  if (r->timed_out) {
    snprintf(c->error, sizeof(c->error),
             "credential_process did not finish within %ld ms (killed)",
             r->process_timeout_ms);
    goto out;
  }
  if (WIFSIGNALED(r->wstatus) ||
      (WIFEXITED(r->wstatus) && WEXITSTATUS(r->wstatus) != 0)) {
    shown(r->err.b.p ? r->err.b.p : "", r->err.b.len > 200 ? 200 : r->err.b.len,
          s, sizeof(s));
    if (WIFSIGNALED(r->wstatus))
      snprintf(c->error, sizeof(c->error),
               "credential_process was killed by signal %d%s%s",
               WTERMSIG(r->wstatus), s[0] ? ": " : "", s);
    else if (WEXITSTATUS(r->wstatus) == 127 && r->out.b.len == 0 &&
             !r->out.over)
      snprintf(c->error, sizeof(c->error),
               "credential_process could not be run (exit 127)%s%s",
               s[0] ? ": " : "", s);
    else
      snprintf(c->error, sizeof(c->error),
               "credential_process exited with status %d%s%s",
               WEXITSTATUS(r->wstatus), s[0] ? ": " : "", s);
    goto out;
  }
  if (r->out.over) {
    snprintf(c->error, sizeof(c->error),
             "credential_process wrote more than %d bytes", PROCESS_MAX_STDOUT);
    goto out;
  }
  doc = json_loadb(r->out.b.p ? r->out.b.p : "", r->out.b.len, JSON_DECODE_ANY,
                   &je);
  if (!doc || !json_is_object(doc)) {
    snprintf(c->error, sizeof(c->error),
             "credential_process output is not a JSON object%s%s",
             doc ? "" : ": ",
             doc ? "" : dv_json_error_reason(&je, jmsg, sizeof(jmsg)));
    goto out;
  }
  ver = json_object_get(doc, "Version");
  if (!(json_is_integer(ver) && json_integer_value(ver) == 1) &&
      !(json_is_real(ver) && json_real_value(ver) == 1.0)) {
    snprintf(c->error, sizeof(c->error),
             "credential_process output has an unsupported Version "
             "(supported: 1)");
    goto out;
  }
  akid = json_str_field(doc, "AccessKeyId");
  secret = json_str_field(doc, "SecretAccessKey");
  token = json_str_field(doc, "SessionToken");
  exp = json_str_field(doc, "Expiration");
  if (!akid || !secret) {
    snprintf(c->error, sizeof(c->error), "credential_process output lacks %s",
             !akid ? "AccessKeyId" : "SecretAccessKey");
    goto out;
  }
  if (set_creds(r, DV_AWS_SRC_PROCESS, akid, secret, token, exp) < 0) {
    st = DV_AWS_CREDS_E_NOMEM;
    goto out;
  }
  st = check_expiry(r);
out:
  if (doc) {
    json_wipe_field(doc, "SecretAccessKey");
    json_wipe_field(doc, "SessionToken");
    json_decref(doc);
  }
  finish(r, st);
}

static void proc_start(resolver *r, const char *cmd)
{
  dv_aws_creds *c = r->res;
  int argc, po[2] = {-1, -1}, pe[2] = {-1, -1}, rc;
  char **argv = dv_shlex_split(cmd, &argc);
  posix_spawn_file_actions_t fa;
  posix_spawnattr_t at;
  int fa_ok = 0, at_ok = 0;
  int64_t left;

  if (!argv || argc == 0) {
    snprintf(c->error, sizeof(c->error), "credential_process: %s",
             argv         ? "empty command"
             : argc == -1 ? "unbalanced quotes or a trailing backslash"
                          : "out of memory");
    free(argv);
    finish(r, argc == -2 ? DV_AWS_CREDS_E_NOMEM : DV_AWS_CREDS_E_PROCESS);
    return;
  }
  if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0)
    goto sys_fail;
  if (posix_spawn_file_actions_init(&fa) != 0)
    goto sys_fail;
  fa_ok = 1;
  if (posix_spawnattr_init(&at) != 0)
    goto sys_fail;
  at_ok = 1;
  if (posix_spawn_file_actions_adddup2(&fa, po[1], 1) != 0 ||
      posix_spawn_file_actions_adddup2(&fa, pe[1], 2) != 0 ||
      posix_spawnattr_setpgroup(&at, 0) != 0 ||
      posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP) != 0)
    goto sys_fail;
  rc = posix_spawnp(&r->pid, argv[0], &fa, &at, argv, environ);
  if (rc != 0) {
    char s[200];
    shown(argv[0], strlen(argv[0]), s, sizeof(s));
    snprintf(c->error, sizeof(c->error),
             "credential_process: cannot run '%s': %s", s, strerror(rc));
    r->pid = 0;
    goto fail;
  }
  close(po[1]);
  close(pe[1]);
  po[1] = pe[1] = -1;
  r->out.fd = po[0];
  r->err.fd = pe[0];
  dv_buf_init(&r->out.b, PROCESS_MAX_STDOUT, DV_BUF_SECRET);
  dv_buf_init(&r->err.b, PROCESS_MAX_STDERR, 0);
  fcntl(po[0], F_SETFL, fcntl(po[0], F_GETFL) | O_NONBLOCK);
  fcntl(pe[0], F_SETFL, fcntl(pe[0], F_GETFL) | O_NONBLOCK);
  left = dv_loop_deadline_left_ms(r->loop);
  if (left >= 0 && left < r->process_timeout_ms)
    r->process_timeout_ms = left > 100 ? left - 50 : 50;
  r->proc_deadline = dv_loop_now_ms() + r->process_timeout_ms;
  if (dv_loop_io_set(r->loop, po[0], POLLIN, pipe_read, r) != DV_LOOP_OK ||
      dv_loop_io_set(r->loop, pe[0], POLLIN, pipe_read, r) != DV_LOOP_OK) {
    r->timed_out = 0;
    proc_kill(r);
  }
  dv_loop_timer_arm(r->loop, &r->timer, 20, proc_tick, r);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  free(argv);
  if (r->verbose)
    dv_trace("aws: running credential_process (pid %ld)", (long)r->pid);
  return;
sys_fail:
  snprintf(c->error, sizeof(c->error), "credential_process: %s",
           strerror(errno));
fail:
  if (fa_ok)
    posix_spawn_file_actions_destroy(&fa);
  if (at_ok)
    posix_spawnattr_destroy(&at);
  for (int i = 0; i < 2; i++) {
    if (po[i] >= 0)
      close(po[i]);
    if (pe[i] >= 0)
      close(pe[i]);
  }
  free(argv);
  finish(r, DV_AWS_CREDS_E_PROCESS);
}

/* ---- container credentials ---- */

static int host_allowed(const char *url)
{
  const char *h, *e;
  char host[256];
  unsigned char a[16];
  size_t n;
  if (strncmp(url, "https://", 8) == 0)
    return 1;
  if (strncmp(url, "http://", 7) != 0)
    return 0;
  h = url + 7;
  e = h + strcspn(h, "/?#");
  for (const char *at = h; at < e; at++) /* user info */
    if (*at == '@')
      h = at + 1;
  if (*h == '[') {
    const char *close = memchr(h, ']', (size_t)(e - h));
    if (!close)
      return 0;
    h++;
    n = (size_t)(close - h);
  } else {
    const char *colon = memchr(h, ':', (size_t)(e - h));
    n = (size_t)((colon ? colon : e) - h);
  }
  if (n == 0 || n >= sizeof(host))
    return 0;
  memcpy(host, h, n);
  host[n] = '\0';
  for (char *p = host; *p; p++)
    *p = (char)tolower((unsigned char)*p);
  if (inet_pton(AF_INET, host, a) == 1)
    return a[0] == 127 || strcmp(host, "169.254.170.2") == 0 ||
           strcmp(host, "169.254.170.23") == 0;
  if (inet_pton(AF_INET6, host, a) == 1) {
    static const unsigned char lo[16] = {[15] = 1};
    static const unsigned char ec2[16] = {0xfd, 0, 0x0e, 0xc2, [15] = 0x23};
    return memcmp(a, lo, 16) == 0 || memcmp(a, ec2, 16) == 0;
  }
  return strcmp(host, "localhost") == 0;
}

static void http_send(resolver *r, const char *method, const char *url,
                      const char *const *headers, dv_http_cb cb);
static void container_resp(void *arg, const dv_http_resp *resp);

static void container_attempt(void *arg)
{
  resolver *r = arg;
  const char *hdrs[3] = {"Accept: application/json", r->auth, NULL};
  http_send(r, "GET", r->url, hdrs, container_resp);
}

static void container_retry(resolver *r)
{
  if (++r->attempt >= CONTAINER_ATTEMPTS) {
    snprintf(r->res->error, sizeof(r->res->error),
             "container credentials: %s (after %d attempts)", r->last_error,
             CONTAINER_ATTEMPTS);
    finish(r, DV_AWS_CREDS_E_CONTAINER);
    return;
  }
  dv_loop_timer_arm(r->loop, &r->timer, CONTAINER_SLEEP_MS, container_attempt,
                    r);
}

static void container_resp(void *arg, const dv_http_resp *resp)
{
  resolver *r = arg;
  json_t *doc;
  const char *akid, *secret, *token, *exp;
  dv_aws_creds_status st;

  if (resp->status == DV_HTTP_CANCELLED) {
    finish(r, DV_AWS_CREDS_E_CANCELLED);
    return;
  }
  if (resp->status != DV_HTTP_OK) {
    snprintf(r->last_error, sizeof(r->last_error), "%s: %.200s",
             dv_http_status_str(resp->status), resp->error);
    container_retry(r);
    return;
  }
  if (resp->code != 200) {
    snprintf(r->last_error, sizeof(r->last_error),
             "HTTP status %ld from the endpoint", resp->code);
    container_retry(r);
    return;
  }
  doc = json_loadb(resp->body ? resp->body : "", resp->body_len, 0, NULL);
  if (!doc || !json_is_object(doc)) {
    json_decref(doc);
    snprintf(r->last_error, sizeof(r->last_error),
             "the endpoint's answer is not JSON");
    container_retry(r);
    return;
  }
  akid = json_str_field(doc, "AccessKeyId");
  secret = json_str_field(doc, "SecretAccessKey");
  token = json_str_field(doc, "Token");
  exp = json_str_field(doc, "Expiration");
  if (!akid || !secret || !token || !exp) {
    snprintf(r->res->error, sizeof(r->res->error),
             "container credentials: the answer lacks %s",
             !akid     ? "AccessKeyId"
             : !secret ? "SecretAccessKey"
             : !token  ? "Token"
                       : "Expiration");
    st = DV_AWS_CREDS_E_CONTAINER;
  } else if (set_creds(r, DV_AWS_SRC_CONTAINER, akid, secret, token, exp) < 0)
    st = DV_AWS_CREDS_E_NOMEM;
  else
    st = check_expiry(r);
  json_wipe_field(doc, "SecretAccessKey");
  json_wipe_field(doc, "Token");
  json_decref(doc);
  finish(r, st);
}

/* Reads the token file (botocore >= 1.31: it wins over the variable). */
static int container_token(resolver *r, char **tok)
{
  const char *path = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  const char *v = getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  *tok = NULL;
  if (path && *path) {
    char buf[8192];
    ssize_t n;
    size_t len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
      snprintf(r->res->error, sizeof(r->res->error),
               "container credentials: cannot read "
               "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %.300s: %s",
               path, strerror(errno));
      return -1;
    }
    while ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
      len += (size_t)n;
      if (len >= sizeof(buf) - 1)
        break;
    }
    close(fd);
    buf[len] = '\0';
    while (len > 0 && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
                       buf[len - 1] == ' ' || buf[len - 1] == '\t'))
      buf[--len] = '\0';
    *tok = strdup(buf);
    dv_secret_wipe(buf, sizeof(buf));
  } else if (v) {
    *tok = strdup(v);
  } else
    return 0;
  if (!*tok)
    return -2;
  if (strpbrk(*tok, "\r\n")) {
    snprintf(r->res->error, sizeof(r->res->error),
             "container credentials: the authorization token contains a "
             "line break (not a legal header value)");
    dv_secret_free(*tok);
    *tok = NULL;
    return -1;
  }
  return 0;
}

static void container_start(resolver *r)
{
  const char *rel = getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  const char *full = getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  char *tok = NULL, s[300];
  int t;
  size_t n;

  if (rel) {
    n = strlen(rel) + 64 + (r->container_host ? strlen(r->container_host) : 0);
    r->url = malloc(n);
    if (!r->url) {
      finish(r, DV_AWS_CREDS_E_NOMEM);
      return;
    }
    snprintf(r->url, n, "http://%s%s",
             r->container_host ? r->container_host : CONTAINER_HOST, rel);
  } else {
    if (!host_allowed(full)) {
      shown(full, strlen(full), s, sizeof(s));
      snprintf(r->res->error, sizeof(r->res->error),
               "AWS_CONTAINER_CREDENTIALS_FULL_URI %s is not allowed: it must "
               "be https, a loopback address, 169.254.170.2, 169.254.170.23, "
               "fd00:ec2::23 or localhost",
               s);
      finish(r, DV_AWS_CREDS_E_CONTAINER);
      return;
    }
    if (!(r->url = strdup(full))) {
      finish(r, DV_AWS_CREDS_E_NOMEM);
      return;
    }
  }
  t = container_token(r, &tok);
  if (t < 0) {
    finish(r, t == -2 ? DV_AWS_CREDS_E_NOMEM : DV_AWS_CREDS_E_CONTAINER);
    return;
  }
  if (tok) {
    n = strlen(tok) + 32;
    r->auth = malloc(n);
    if (!r->auth) {
      dv_secret_free(tok);
      finish(r, DV_AWS_CREDS_E_NOMEM);
      return;
    }
    snprintf(r->auth, n, "Authorization: %s", tok);
    dv_secret_free(tok);
  }
  if (!r->http) {
    snprintf(r->res->error, sizeof(r->res->error),
             "container credentials: no HTTP client");
    finish(r, DV_AWS_CREDS_E_CONTAINER);
    return;
  }
  r->attempt = 0;
  r->timeout_ms = CONTAINER_TIMEOUT_MS;
  container_attempt(r);
}

/* ---- EC2 instance metadata (IMDSv2, IMDSv1 fallback) ---- */

static void imds_resp(void *arg, const dv_http_resp *resp);

static void imds_request(resolver *r)
{
  char url[2048], tokhdr[1200];
  const char *hdrs[3] = {NULL, NULL, NULL};
  const char *sep = r->imds_base[strlen(r->imds_base) - 1] == '/' ? "" : "/";
  switch (r->phase) {
  case IMDS_TOKEN:
    snprintf(url, sizeof(url), "%s%slatest/api/token", r->imds_base, sep);
    hdrs[0] = "x-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL;
    http_send(r, "PUT", url, hdrs, imds_resp);
    return;
  case IMDS_ROLE:
    snprintf(url, sizeof(url), "%s%s" IMDS_CREDS_PATH, r->imds_base, sep);
    break;
  case IMDS_CREDS:
    snprintf(url, sizeof(url), "%s%s" IMDS_CREDS_PATH "%s", r->imds_base, sep,
             r->role);
    break;
  }
  if (r->imds_token) {
    snprintf(tokhdr, sizeof(tokhdr), "x-aws-ec2-metadata-token: %s",
             r->imds_token);
    hdrs[0] = tokhdr;
  }
  http_send(r, "GET", url, hdrs, imds_resp);
  dv_secret_wipe(tokhdr, sizeof(tokhdr));
}

static void imds_none(resolver *r, const char *why)
{
  snprintf(r->res->error, sizeof(r->res->error),
           "no credentials found (environment, shared files, "
           "credential_process, container, instance metadata: %s)",
           why);
  finish(r, DV_AWS_CREDS_NONE);
}

static void imds_next_attempt(resolver *r, const char *why)
{
  if (++r->attempt < r->attempts) {
    imds_request(r);
    return;
  }
  if (r->phase == IMDS_TOKEN) { /* no token: try IMDSv1 */
    r->phase = IMDS_ROLE;
    r->attempt = 0;
    imds_request(r);
    return;
  }
  imds_none(r, why);
}

static int body_printable(const dv_http_resp *resp)
{
  if (!resp->body || resp->body_len == 0)
    return 0;
  for (size_t i = 0; i < resp->body_len; i++)
    if ((unsigned char)resp->body[i] < 0x20 ||
        (unsigned char)resp->body[i] >= 0x7f)
      return 0;
  return 1;
}

static void imds_resp(void *arg, const dv_http_resp *resp)
{
  resolver *r = arg;
  char why[200];
  if (resp->status == DV_HTTP_CANCELLED) {
    finish(r, DV_AWS_CREDS_E_CANCELLED);
    return;
  }
  if (resp->status != DV_HTTP_OK) {
    snprintf(why, sizeof(why), "%s", dv_http_status_str(resp->status));
    if (r->phase == IMDS_TOKEN && resp->status == DV_HTTP_TIMEOUT) {
      r->phase = IMDS_ROLE; /* botocore: a token timeout means IMDSv1 */
      r->attempt = 0;
      imds_request(r);
      return;
    }
    imds_next_attempt(r, why);
    return;
  }
  snprintf(why, sizeof(why), "HTTP %ld", resp->code);
  switch (r->phase) {
  case IMDS_TOKEN:
    if (resp->code == 200 && body_printable(resp) && resp->body_len < 1000) {
      r->imds_token = strdup(resp->body);
      if (!r->imds_token) {
        finish(r, DV_AWS_CREDS_E_NOMEM);
        return;
      }
    } else if (resp->code == 400) {
      imds_none(r, "the token request was refused (HTTP 400)");
      return;
    } else if (resp->code != 200 && resp->code != 403 && resp->code != 404 &&
               resp->code != 405) {
      imds_next_attempt(r, why);
      return;
    }
    r->phase = IMDS_ROLE;
    r->attempt = 0;
    imds_request(r);
    return;
  case IMDS_ROLE:
    if (resp->code != 200 || !body_printable(resp) || resp->body_len > 512) {
      imds_next_attempt(r, resp->code == 200 ? "no usable role name" : why);
      return;
    }
    r->role = strdup(resp->body);
    if (!r->role) {
      finish(r, DV_AWS_CREDS_E_NOMEM);
      return;
    }
    r->phase = IMDS_CREDS;
    r->attempt = 0;
    imds_request(r);
    return;
  case IMDS_CREDS: {
    json_t *doc;
    const char *akid, *secret, *token, *exp;
    dv_aws_creds_status st;
    if (resp->code != 200 || !resp->body_len) {
      imds_next_attempt(r, why);
      return;
    }
    doc = json_loadb(resp->body, resp->body_len, JSON_DECODE_ANY, NULL);
    if (!doc) {
      imds_next_attempt(r, "the credentials are not JSON");
      return;
    }
    akid = json_str_field(doc, "AccessKeyId");
    secret = json_str_field(doc, "SecretAccessKey");
    token = json_str_field(doc, "Token");
    exp = json_str_field(doc, "Expiration");
    if (!json_is_object(doc) || !akid || !secret || !token || !exp) {
      json_decref(doc);
      imds_none(r, "the role's credentials lack a field");
      return;
    }
    if (set_creds(r, DV_AWS_SRC_IMDS, akid, secret, token, exp) < 0)
      st = DV_AWS_CREDS_E_NOMEM;
    else {
      time_t t;
      st = DV_AWS_CREDS_OK;
      if (dv_aws_time_parse(exp, &t) == 0) /* botocore only logs a bad one */
        r->res->expires = t;
    }
    json_wipe_field(doc, "SecretAccessKey");
    json_wipe_field(doc, "Token");
    json_decref(doc);
    finish(r, st);
    return;
  }
  }
}

static void imds_start(resolver *r)
{
  const char *ep = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  const char *mode = env_nonempty("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
  const char *tmo = env_nonempty("AWS_METADATA_SERVICE_TIMEOUT");
  const char *att = env_nonempty("AWS_METADATA_SERVICE_NUM_ATTEMPTS");
  char *end;
  long v;

  if (str_true(getenv("AWS_EC2_METADATA_DISABLED"))) {
    imds_none(r, "disabled by AWS_EC2_METADATA_DISABLED");
    return;
  }
  if (!r->http) {
    imds_none(r, "no HTTP client");
    return;
  }
  if (!ep)
    ep = shared_get(&r->sh, "ec2_metadata_service_endpoint");
  if (!mode)
    mode = shared_get(&r->sh, "ec2_metadata_service_endpoint_mode");
  if (!tmo)
    tmo = shared_get(&r->sh, "metadata_service_timeout");
  if (!att)
    att = shared_get(&r->sh, "metadata_service_num_attempts");
  if (!ep || !*ep)
    ep = mode && strcasecmp(mode, "ipv6") == 0 ? IMDS_BASE_URL_V6
                                               : IMDS_BASE_URL;
  if (!url_valid(ep)) {
    char s[300];
    shown(ep, strlen(ep), s, sizeof(s));
    snprintf(r->res->error, sizeof(r->res->error),
             "invalid EC2 metadata endpoint '%s'", s);
    finish(r, DV_AWS_CREDS_E_CONFIG);
    return;
  }
  r->timeout_ms = 1000;
  if (tmo) {
    v = strtol(tmo, &end, 10);
    if (!*end && v > 0 && v <= 60)
      r->timeout_ms = v * 1000;
  }
  r->attempts = 1;
  if (att) {
    v = strtol(att, &end, 10);
    if (!*end && v > 0 && v <= 10)
      r->attempts = (int)v;
  }
  if (!(r->imds_base = strdup(ep))) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return;
  }
  r->phase = IMDS_TOKEN;
  r->attempt = 0;
  imds_request(r);
}

static void http_send(resolver *r, const char *method, const char *url,
                      const char *const *headers, dv_http_cb cb)
{
  dv_http_req req;
  dv_http_status st;
  memset(&req, 0, sizeof(req));
  req.method = method;
  req.url = url;
  req.headers = headers;
  req.timeout_ms = r->timeout_ms;
  req.connect_timeout_ms = r->timeout_ms;
  req.max_body = META_MAX_BODY;
  req.no_proxy = 1;
  req.trace_label = r->next == STEP_IMDS ? "imds" : "container";
  st = dv_http_request(r->http, &req, cb, r);
  if (st != DV_HTTP_OK) {
    /* report through the same path as a failed response */
    dv_http_resp resp;
    memset(&resp, 0, sizeof(resp));
    resp.status = st;
    resp.url = url;
    snprintf(resp.error, sizeof(resp.error), "%s", dv_http_status_str(st));
    if (st == DV_HTTP_NOMEM) {
      finish(r, DV_AWS_CREDS_E_NOMEM);
      return;
    }
    cb(r, &resp);
  }
}

/* ---- the chain ---- */

/* ---- assume role, web identity, IAM Identity Center ---- */

static void sts_cb_assume(void *arg, const dv_sts_result *res);
static void container_start(resolver *r);
static void imds_start(resolver *r);
static void proc_start(resolver *r, const char *cmd);

/* Point the merged view at profile name (the chain walks profiles). */
static void use_profile(resolver *r, const char *name)
{
  r->sh.cfg_sec = config_profile(&r->sh.config, "profile", name);
  r->sh.cred_sec = dv_awscfg_section_find(&r->sh.creds, name);
}

static int profile_exists(resolver *r, const char *name)
{
  return config_profile(&r->sh.config, "profile", name) ||
         dv_awscfg_section_find(&r->sh.creds, name);
}

static int has_static(resolver *r)
{
  return shared_get(&r->sh, "aws_access_key_id") ||
         shared_get(&r->sh, "aws_secret_access_key");
}

static int has_role(resolver *r)
{
  return shared_get(&r->sh, "role_arn") &&
         !shared_get(&r->sh, "web_identity_token_file");
}

static void fail_msg(resolver *r, dv_aws_creds_status st, const char *msg)
{
  snprintf(r->res->error, sizeof(r->res->error), "%s", msg);
  finish(r, st);
}

int dv_aws_service_endpoint(const dv_aws_opts *o, const char *key,
                            const char *region, char *url, size_t urllen,
                            char *err, size_t errlen)
{
  dv_aws_opts lo;
  const char *src = NULL;
  dv_aws_cfg_status st;
  memset(&lo, 0, sizeof(lo));
  if (o) {
    lo.profile = o->profile;
    lo.region = o->region;
  }
  st = dv_aws_endpoint_resolve(&lo, key, region && *region ? region : NULL, url,
                               urllen, &src, err, errlen);
  if (st == DV_AWS_CFG_OK && src && strcmp(src, "default") == 0) {
    const char *host = strcmp(key, "sso") == 0        ? "portal.sso"
                       : strcmp(key, "sso_oidc") == 0 ? "oidc"
                                                      : key;
    snprintf(url, urllen, "https://%s.%s.%s", host, region,
             dv_aws_region_dns_suffix(region));
  }
  return st == DV_AWS_CFG_OK ? 0 : st == DV_AWS_CFG_NONE ? 1 : -1;
}

static int service_endpoint(resolver *r, const char *key, const char *region,
                            char *url, size_t urllen, char *err, size_t errlen)
{
  dv_aws_opts lo;
  memset(&lo, 0, sizeof(lo));
  lo.profile = r->profile_opt;
  lo.region = r->region_opt;
  return dv_aws_service_endpoint(&lo, key, region, url, urllen, err, errlen);
}

/* STS endpoint, signing region and the CA bundle, once per resolution. */
static int endpoints_init(resolver *r)
{
  dv_aws_opts lo;
  char err[600];
  const char *src;
  int e;
  if (r->endpoints_done)
    return 0;
  memset(&lo, 0, sizeof(lo));
  lo.profile = r->profile_opt;
  lo.region = r->region_opt;
  if (dv_aws_region_resolve(&lo, NULL, r->sts_region, sizeof(r->sts_region),
                            &src, err, sizeof(err)) != DV_AWS_CFG_OK)
    r->sts_region[0] = '\0';
  e = service_endpoint(r, "sts", r->sts_region, r->sts_url, sizeof(r->sts_url),
                       err, sizeof(err));
  if (e < 0) {
    snprintf(r->res->error, sizeof(r->res->error), "STS endpoint: %.400s", err);
    return -1;
  }
  if (e == 1) /* no region: the global endpoint, as botocore */
    snprintf(r->sts_url, sizeof(r->sts_url), "https://sts.amazonaws.com");
  if (!r->sts_region[0])
    snprintf(r->sts_region, sizeof(r->sts_region), "us-east-1");
  if (dv_aws_ca_bundle(&lo, r->ca, sizeof(r->ca), err, sizeof(err)) !=
      DV_AWS_CFG_OK)
    r->ca[0] = '\0';
  r->endpoints_done = 1;
  return 0;
}

static void sts_opts(resolver *r, dv_sts_opts *o, const char *url,
                     const char *region)
{
  memset(o, 0, sizeof(*o));
  o->endpoint = url;
  o->region = region;
  o->cainfo = r->ca[0] ? r->ca : NULL;
  o->access_key_id = r->src_akid;
  o->secret_access_key = r->src_secret;
  o->session_token = r->src_token;
}

static void sts_failed(resolver *r, const char *what, const dv_sts_result *res)
{
  dv_aws_creds_status st = DV_AWS_CREDS_E_STS;
  if (res->status == DV_STS_CANCELLED)
    st = DV_AWS_CREDS_E_CANCELLED;
  if (res->status == DV_STS_API_ERROR) {
    snprintf(r->res->api_code, sizeof(r->res->api_code), "%.60s", res->code);
    snprintf(r->res->error, sizeof(r->res->error), "%.200s: %.60s%s%.200s",
             what, res->code, res->message[0] ? ": " : "", res->message);
  } else
    snprintf(r->res->error, sizeof(r->res->error), "%.200s: %.40s%s%.200s",
             what, dv_sts_status_str(res->status), res->detail[0] ? ": " : "",
             res->detail);
  finish(r, st);
}

/* Credentials from the CLI cache into r->res. */
static int use_cached(resolver *r, const char *key, dv_aws_source src)
{
  dv_aws_cached_creds cc;
  int rc;
  if (r->no_cache_read ||
      dv_aws_cache_load(key, DV_AWS_CACHE_MIN_LEFT, &cc) != 1)
    return 0;
  rc = set_creds(r, src, cc.access_key_id, cc.secret_access_key,
                 cc.session_token, cc.expiration);
  r->res->expires = cc.expires;
  r->res->from_cache = 1;
  dv_aws_cached_creds_clear(&cc);
  if (r->verbose)
    dv_trace("aws: %s credentials from the AWS CLI cache (%s.json)",
             dv_aws_source_str(src), key);
  return rc < 0 ? -1 : 1;
}

static void session_name(char *out, size_t n)
{
  snprintf(out, n, "dvcheck-session-%ld", (long)time(NULL));
}

/* ---- the role chain ---- */

static dv_aws_creds_status build_chain(resolver *r)
{
  const char *visited[MAX_CHAIN + 1];
  size_t nv = 0;
  char prof[256];
  snprintf(prof, sizeof(prof), "%s", r->top_profile);
  visited[nv++] = r->links[0].profile; /* filled below */
  for (;;) {
    role_link *l;
    const char *sp, *cs, *d;
    char *end;
    if (r->nlinks >= MAX_CHAIN) {
      snprintf(r->res->error, sizeof(r->res->error),
               "the role chain from profile %.100s is longer than %d profiles",
               r->top_profile, MAX_CHAIN);
      return DV_AWS_CREDS_E_LOOP;
    }
    use_profile(r, prof);
    l = &r->links[r->nlinks++];
    snprintf(l->profile, sizeof(l->profile), "%s", prof);
    if (r->nlinks == 1)
      visited[0] = l->profile;
    l->role_arn = shared_get(&r->sh, "role_arn");
    l->session_name = shared_get(&r->sh, "role_session_name");
    l->external_id = shared_get(&r->sh, "external_id");
    l->serial = shared_get(&r->sh, "mfa_serial");
    l->duration = -1;
    if ((d = shared_get(&r->sh, "duration_seconds"))) {
      long v = strtol(d, &end, 10);
      if (*d && !*end) /* botocore: int() or ignored */
        l->duration = v;
    }
    sp = shared_get(&r->sh, "source_profile");
    cs = shared_get(&r->sh, "credential_source");
    if (sp && cs) {
      snprintf(r->res->error, sizeof(r->res->error),
               "The profile \"%.100s\" contains both source_profile and "
               "credential_source.",
               prof);
      return DV_AWS_CREDS_E_CONFIG;
    }
    if (!sp && !cs) {
      snprintf(r->res->error, sizeof(r->res->error),
               "partial credentials: profile %.100s has role_arn but neither "
               "source_profile nor credential_source",
               prof);
      return DV_AWS_CREDS_E_PARTIAL;
    }
    if (cs) {
      if (strcmp(cs, "Environment") && strcmp(cs, "Ec2InstanceMetadata") &&
          strcmp(cs, "EcsContainer")) {
        char s[120];
        shown(cs, strlen(cs), s, sizeof(s));
        snprintf(
            r->res->error, sizeof(r->res->error),
            "The credential source \"%s\" referenced in profile \"%.100s\" "
            "is not valid (Environment, Ec2InstanceMetadata, "
            "EcsContainer).",
            s, prof);
        return DV_AWS_CREDS_E_CONFIG;
      }
      r->cred_source = cs;
      return DV_AWS_CREDS_OK;
    }
    if (!profile_exists(r, sp)) {
      char s[120];
      shown(sp, strlen(sp), s, sizeof(s));
      snprintf(r->res->error, sizeof(r->res->error),
               "The source_profile \"%s\" referenced in the profile "
               "\"%.100s\" does not exist.",
               s, prof);
      return DV_AWS_CREDS_E_CONFIG;
    }
    for (size_t i = 0; i < nv; i++) {
      if (strcmp(visited[i], sp) != 0)
        continue;
      use_profile(r, sp);
      if (strcmp(sp, prof) != 0 || !has_static(r)) {
        char list[300] = "";
        for (size_t k = 0; k < nv; k++)
          snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                   k ? ", " : "", visited[k]);
        snprintf(r->res->error, sizeof(r->res->error),
                 "Infinite loop in credential configuration detected: "
                 "profile %.100s is visited again (visited: %.300s)",
                 sp, list);
        return DV_AWS_CREDS_E_LOOP;
      }
      /* a profile naming itself: its own static keys are the source */
      snprintf(r->base_profile, sizeof(r->base_profile), "%s", sp);
      return DV_AWS_CREDS_OK;
    }
    visited[nv++] = sp;
    use_profile(r, sp);
    if (has_static(r) || !has_role(r)) {
      snprintf(r->base_profile, sizeof(r->base_profile), "%s", sp);
      return DV_AWS_CREDS_OK;
    }
    snprintf(prof, sizeof(prof), "%s", sp);
  }
}

static void assume_next(resolver *r);

static void mfa_close(resolver *r)
{
  if (r->tty_fd > 0) {
    dv_loop_io_set(r->loop, r->tty_fd, 0, NULL, NULL);
    if (r->tio_set)
      tcsetattr(r->tty_fd, TCSANOW, &r->tio);
    if (write(r->tty_fd, "\n", 1) < 0) {
      /* nothing to do */
    }
    close(r->tty_fd);
  }
  r->tty_fd = 0;
  r->tio_set = 0;
}

static void mfa_timeout(void *arg)
{
  resolver *r = arg;
  mfa_close(r);
  fail_msg(r, DV_AWS_CREDS_E_MFA, "no MFA code was entered in time");
}

static void mfa_read(void *arg, int fd, short revents)
{
  resolver *r = arg;
  char ch;
  (void)revents;
  for (;;) {
    ssize_t n = read(fd, &ch, 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return;
    if (n <= 0 || ch == '\n' || ch == '\r') {
      dv_loop_timer_disarm(r->loop, &r->timer);
      mfa_close(r);
      r->mfa[r->mfa_len] = '\0';
      if (!r->mfa_len) {
        fail_msg(r, DV_AWS_CREDS_E_MFA, "no MFA code was entered");
        return;
      }
      assume_next(r);
      return;
    }
    if (r->mfa_len + 1 < sizeof(r->mfa))
      r->mfa[r->mfa_len++] = ch;
  }
}

static void mfa_ask(resolver *r, const role_link *l)
{
  char prompt[400], s[300];
  struct termios t;
  if (r->no_prompt || !isatty(STDIN_FILENO) ||
      (r->tty_fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
    r->tty_fd = 0;
    shown(l->serial, strlen(l->serial), s, sizeof(s));
    snprintf(r->res->error, sizeof(r->res->error),
             "profile %.50s: role %.90s needs an MFA code (mfa_serial %.90s) "
             "and %s; run any aws command with --profile %.50s on a terminal "
             "first: dvcheck reuses the AWS CLI's cached credentials",
             l->profile, l->role_arn, s,
             r->no_prompt ? "this mode never asks" : "there is no terminal",
             r->top_profile);
    finish(r, DV_AWS_CREDS_E_MFA);
    return;
  }
  if (tcgetattr(r->tty_fd, &r->tio) == 0) {
    t = r->tio;
    t.c_lflag &= (tcflag_t) ~(ECHO | ECHONL);
    if (tcsetattr(r->tty_fd, TCSANOW, &t) == 0)
      r->tio_set = 1;
  }
  shown(l->serial, strlen(l->serial), s, sizeof(s));
  snprintf(prompt, sizeof(prompt), "Enter MFA code for %s: ", s);
  if (write(r->tty_fd, prompt, strlen(prompt)) < 0) {
    /* the read below will fail or time out */
  }
  fcntl(r->tty_fd, F_SETFL, fcntl(r->tty_fd, F_GETFL) | O_NONBLOCK);
  r->mfa_len = 0;
  dv_loop_io_set(r->loop, r->tty_fd, POLLIN, mfa_read, r);
  dv_loop_timer_arm(r->loop, &r->timer, MFA_TIMEOUT, mfa_timeout, r);
}

static void move_src(resolver *r, char *akid, char *secret, char *token)
{
  dv_secret_free(r->src_akid);
  dv_secret_free(r->src_secret);
  dv_secret_free(r->src_token);
  r->src_akid = akid;
  r->src_secret = secret;
  r->src_token = token;
}

static void chain_done(resolver *r, const char *expiration, time_t expires)
{
  const role_link *l = &r->links[0];
  if (set_creds(r, DV_AWS_SRC_ASSUME_ROLE, r->src_akid, r->src_secret,
                r->src_token, expiration) < 0) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return;
  }
  r->res->expires = expires;
  snprintf(r->res->role_arn, sizeof(r->res->role_arn), "%s", l->role_arn);
  finish(r, DV_AWS_CREDS_OK);
}

static void assume_next(resolver *r)
{
  role_link *l = &r->links[r->cur];
  char key[41], sname[64];
  dv_sts_opts o;
  dv_sts_assume_args a;
  dv_aws_cached_creds cc;

  if (dv_aws_cache_key_role(l->role_arn, l->session_name, l->external_id,
                            l->serial, l->duration, key) < 0) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return;
  }
  if (!r->no_cache_read &&
      dv_aws_cache_load(key, DV_AWS_CACHE_MIN_LEFT, &cc) == 1) {
    if (r->verbose)
      dv_trace("aws: role %s (profile %s) from the AWS CLI cache", l->role_arn,
               l->profile);
    move_src(r, cc.access_key_id, cc.secret_access_key, cc.session_token);
    cc.access_key_id = cc.secret_access_key = cc.session_token = NULL;
    if (r->cur == 0) {
      r->res->from_cache = 1;
      chain_done(r, cc.expiration, cc.expires);
      dv_aws_cached_creds_clear(&cc);
      return;
    }
    dv_aws_cached_creds_clear(&cc);
    r->cur--;
    assume_next(r);
    return;
  }
  if (l->serial && !r->mfa_len) {
    mfa_ask(r, l);
    return;
  }
  sts_opts(r, &o, r->sts_url, r->sts_region);
  memset(&a, 0, sizeof(a));
  a.role_arn = l->role_arn;
  if (l->session_name)
    a.session_name = l->session_name;
  else {
    session_name(sname, sizeof(sname));
    a.session_name = sname;
  }
  a.external_id = l->external_id;
  a.serial = l->serial;
  a.token_code = l->serial ? r->mfa : NULL;
  a.duration_seconds = l->duration > 0 ? l->duration : 0;
  if (r->verbose)
    dv_trace("aws: AssumeRole %s (profile %s) at %s", l->role_arn, l->profile,
             r->sts_url);
  if (dv_sts_assume_role(r->loop, r->http, &o, &a, sts_cb_assume, r) < 0) {
    fail_msg(r, DV_AWS_CREDS_E_STS, "cannot start the STS AssumeRole call");
    return;
  }
}

static void sts_cb_assume(void *arg, const dv_sts_result *res)
{
  resolver *r = arg;
  role_link *l = &r->links[r->cur];
  char key[41], what[400];
  char *a, *s, *t;
  r->sts_calls++;
  dv_secret_wipe(r->mfa, sizeof(r->mfa));
  r->mfa_len = 0;
  if (res->status != DV_STS_OK) {
    snprintf(what, sizeof(what), "profile %.100s: AssumeRole %.200s",
             l->profile, l->role_arn);
    sts_failed(r, what, res);
    return;
  }
  if (dv_aws_cache_key_role(l->role_arn, l->session_name, l->external_id,
                            l->serial, l->duration, key) == 0 &&
      dv_aws_cache_store(key, NULL, res->access_key_id, res->secret_access_key,
                         res->session_token, res->expiration,
                         res->assumed_arn) < 0 &&
      r->verbose)
    dv_trace("aws: could not write the AWS CLI cache: %s", strerror(errno));
  a = strdup(res->access_key_id);
  s = strdup(res->secret_access_key);
  t = strdup(res->session_token);
  move_src(r, a, s, t);
  if (!a || !s || !t) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return;
  }
  if (r->cur == 0) {
    chain_done(r, res->expiration, res->expires);
    return;
  }
  r->cur--;
  assume_next(r);
}

/* The source of the chain was found (or not). */
static void base_done(resolver *r, dv_aws_creds_status st)
{
  dv_aws_creds *c = r->res;
  r->stage = STAGE_TOP;
  if (st == DV_AWS_CREDS_NONE) {
    if (r->cred_source) {
      snprintf(c->error, sizeof(c->error),
               "No credentials found in credential_source %.40s referenced "
               "in profile %.100s",
               r->cred_source, r->links[r->nlinks - 1].profile);
      st = DV_AWS_CREDS_E_SOURCE;
    } else {
      snprintf(c->error, sizeof(c->error),
               "The source profile \"%.100s\" must have credentials.",
               r->base_profile);
      st = DV_AWS_CREDS_E_CONFIG;
    }
  }
  if (st != DV_AWS_CREDS_OK) {
    report(r, st);
    return;
  }
  move_src(r, c->access_key_id, c->secret_access_key, c->session_token);
  c->access_key_id = c->secret_access_key = c->session_token = NULL;
  free(c->expiration);
  c->expiration = NULL;
  c->expires = 0;
  c->source = DV_AWS_SRC_NONE;
  c->error[0] = '\0';
  if (r->verbose)
    dv_trace("aws: role chain source: %s",
             r->cred_source ? r->cred_source : r->base_profile);
  assume_next(r);
}

static int own_providers(resolver *r, int allow_env);

/* The source profile's own providers, without the environment. */
static void base_profile_start(resolver *r)
{
  const char *v;
  dv_aws_creds_status st;
  use_profile(r, r->base_profile);
  if (own_providers(r, 0))
    return;
  if (static_keys(r, &r->sh.creds, r->sh.cred_sec,
                  DV_AWS_SRC_SHARED_CREDENTIALS, r->sh.creds_path, &st)) {
    finish(r, st);
    return;
  }
  if ((v = shared_get(&r->sh, "credential_process"))) {
    r->next = STEP_CONFIG;
    proc_start(r, v);
    return;
  }
  if (static_keys(r, &r->sh.config, r->sh.cfg_sec, DV_AWS_SRC_CONFIG,
                  r->sh.config_path, &st)) {
    finish(r, st);
    return;
  }
  finish(r, DV_AWS_CREDS_NONE);
}

static void role_chain_start(resolver *r)
{
  dv_aws_creds_status st = build_chain(r);
  char key[41];
  const role_link *l0 = &r->links[0];
  if (st != DV_AWS_CREDS_OK) {
    report(r, st);
    return;
  }
  if (endpoints_init(r) < 0) {
    report(r, DV_AWS_CREDS_E_CONFIG);
    return;
  }
  /* what botocore checks before its cache: the source exists */
  if (r->cred_source && strcmp(r->cred_source, "Environment") == 0 &&
      (!env_nonempty("AWS_ACCESS_KEY_ID") ||
       !env_nonempty("AWS_SECRET_ACCESS_KEY"))) {
    r->stage = STAGE_BASE;
    finish(r, DV_AWS_CREDS_NONE);
    return;
  }
  if (r->cred_source && strcmp(r->cred_source, "EcsContainer") == 0 &&
      !getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") &&
      !getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    r->stage = STAGE_BASE;
    finish(r, DV_AWS_CREDS_NONE);
    return;
  }
  if (!r->cred_source) {
    use_profile(r, r->base_profile);
    if (!has_static(r) && !shared_get(&r->sh, "credential_process") &&
        !shared_get(&r->sh, "web_identity_token_file") &&
        !shared_get(&r->sh, "sso_account_id") &&
        !shared_get(&r->sh, "sso_role_name") &&
        !shared_get(&r->sh, "login_session")) {
      r->stage = STAGE_BASE;
      finish(r, DV_AWS_CREDS_NONE);
      return;
    }
  }
  /* the CLI cache of the top role first: no source needed then */
  if (dv_aws_cache_key_role(l0->role_arn, l0->session_name, l0->external_id,
                            l0->serial, l0->duration, key) == 0) {
    int u = use_cached(r, key, DV_AWS_SRC_ASSUME_ROLE);
    if (u != 0) {
      snprintf(r->res->role_arn, sizeof(r->res->role_arn), "%s", l0->role_arn);
      report(r, u < 0 ? DV_AWS_CREDS_E_NOMEM : DV_AWS_CREDS_OK);
      return;
    }
  }
  r->cur = r->nlinks - 1;
  r->stage = STAGE_BASE;
  if (r->cred_source) {
    if (strcmp(r->cred_source, "Environment") == 0) {
      const char *k = env_nonempty("AWS_ACCESS_KEY_ID");
      const char *sec = env_nonempty("AWS_SECRET_ACCESS_KEY");
      const char *tok = env_nonempty("AWS_SESSION_TOKEN");
      if (!tok)
        tok = env_nonempty("AWS_SECURITY_TOKEN");
      if (!k || !sec) {
        finish(r, DV_AWS_CREDS_NONE);
        return;
      }
      finish(r, set_creds(r, DV_AWS_SRC_ENV, k, sec, tok, NULL) < 0
                    ? DV_AWS_CREDS_E_NOMEM
                    : DV_AWS_CREDS_OK);
    } else if (strcmp(r->cred_source, "EcsContainer") == 0) {
      if (!getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") &&
          !getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
        finish(r, DV_AWS_CREDS_NONE);
        return;
      }
      r->next = STEP_CONTAINER;
      container_start(r);
    } else {
      r->next = STEP_IMDS;
      imds_start(r);
    }
    return;
  }
  base_profile_start(r);
}

/* ---- web identity ---- */

static void sts_cb_web(void *arg, const dv_sts_result *res)
{
  resolver *r = arg;
  char what[700];
  r->sts_calls++;
  dv_secret_free(r->wi_token);
  r->wi_token = NULL;
  if (res->status != DV_STS_OK) {
    snprintf(what, sizeof(what), "AssumeRoleWithWebIdentity %.200s",
             r->wi_role);
    sts_failed(r, what, res);
    return;
  }
  if (dv_aws_cache_store(r->wi_key, NULL, res->access_key_id,
                         res->secret_access_key, res->session_token,
                         res->expiration, res->assumed_arn) < 0 &&
      r->verbose)
    dv_trace("aws: could not write the AWS CLI cache: %s", strerror(errno));
  if (set_creds(r, DV_AWS_SRC_WEB_IDENTITY, res->access_key_id,
                res->secret_access_key, res->session_token,
                res->expiration) < 0) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return;
  }
  r->res->expires = res->expires;
  snprintf(r->res->role_arn, sizeof(r->res->role_arn), "%s", r->wi_role);
  finish(r, DV_AWS_CREDS_OK);
}

static int web_identity_start(resolver *r, int allow_env)
{
  const char *path = NULL, *role = NULL, *sess = NULL;
  dv_sts_opts o;
  dv_sts_assume_args a;
  size_t len = 0;
  char *tok;
  int u;
  if (allow_env)
    path = getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (!path)
    path = shared_get(&r->sh, "web_identity_token_file");
  if (!path || !*path)
    return 0;
  if (allow_env)
    role = getenv("AWS_ROLE_ARN");
  if (!role)
    role = shared_get(&r->sh, "role_arn");
  if (allow_env)
    sess = getenv("AWS_ROLE_SESSION_NAME");
  if (!sess)
    sess = shared_get(&r->sh, "role_session_name");
  if (!role || !*role) {
    fail_msg(r, DV_AWS_CREDS_E_CONFIG,
             "web identity is configured (web_identity_token_file or "
             "AWS_WEB_IDENTITY_TOKEN_FILE) but no role ARN (role_arn or "
             "AWS_ROLE_ARN)");
    return 1;
  }
  snprintf(r->wi_role, sizeof(r->wi_role), "%s", role);
  r->wi_session_set = sess != NULL;
  if (sess)
    snprintf(r->wi_session, sizeof(r->wi_session), "%s", sess);
  else
    session_name(r->wi_session, sizeof(r->wi_session));
  if (endpoints_init(r) < 0) {
    finish(r, DV_AWS_CREDS_E_CONFIG);
    return 1;
  }
  if (dv_aws_cache_key_role(role, sess, NULL, NULL, -1, r->wi_key) < 0) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return 1;
  }
  u = use_cached(r, r->wi_key, DV_AWS_SRC_WEB_IDENTITY);
  if (u != 0) {
    snprintf(r->res->role_arn, sizeof(r->res->role_arn), "%s", role);
    finish(r, u < 0 ? DV_AWS_CREDS_E_NOMEM : DV_AWS_CREDS_OK);
    return 1;
  }
  /* read for every call: the token rotates (EKS, CI) */
  tok = dv_aws_file_read(path, &len);
  if (!tok) {
    char s[300];
    shown(path, strlen(path), s, sizeof(s));
    snprintf(r->res->error, sizeof(r->res->error),
             "cannot read the web identity token file %s: %s", s,
             errno == EINVAL ? "not a regular file or too big"
                             : strerror(errno));
    finish(r, DV_AWS_CREDS_E_CONFIG);
    return 1;
  }
  if (strlen(tok) != len) {
    dv_secret_free(tok);
    fail_msg(r, DV_AWS_CREDS_E_CONFIG,
             "the web identity token file holds NUL bytes");
    return 1;
  }
  r->wi_token = tok;
  sts_opts(r, &o, r->sts_url, r->sts_region);
  memset(&a, 0, sizeof(a));
  a.role_arn = r->wi_role;
  a.session_name = r->wi_session;
  a.web_identity = r->wi_token;
  if (r->verbose)
    dv_trace("aws: AssumeRoleWithWebIdentity %s at %s", r->wi_role, r->sts_url);
  if (dv_sts_assume_role(r->loop, r->http, &o, &a, sts_cb_web, r) < 0)
    fail_msg(r, DV_AWS_CREDS_E_STS,
             "cannot start the STS AssumeRoleWithWebIdentity call");
  return 1;
}

/* ---- IAM Identity Center ---- */

static void sso_tok_free(resolver *r)
{
  if (!r->sso_tok)
    return;
  static const char *const secret_keys[] = {"accessToken", "refreshToken",
                                            "clientSecret"};
  for (size_t i = 0; i < 3; i++)
    json_wipe_field(r->sso_tok, secret_keys[i]);
  json_decref(r->sso_tok);
  r->sso_tok = NULL;
}

static void sso_login_needed(resolver *r, const char *why)
{
  snprintf(r->res->error, sizeof(r->res->error),
           "IAM Identity Center: %.300s; run: aws sso login --profile %.100s",
           why, r->top_profile);
  finish(r, DV_AWS_CREDS_E_SSO_LOGIN);
}

static void sso_cb_role(void *arg, const dv_sts_result *res)
{
  resolver *r = arg;
  char what[400];
  r->sts_calls++;
  if (res->status == DV_STS_API_ERROR &&
      strcmp(res->code, "UnauthorizedException") == 0) {
    sso_login_needed(r, "the SSO session has expired or is otherwise invalid");
    return;
  }
  if (res->status != DV_STS_OK) {
    snprintf(what, sizeof(what), "SSO GetRoleCredentials %.60s/%.200s",
             r->sso_account, r->sso_role);
    sts_failed(r, what, res);
    return;
  }
  if (dv_aws_cache_store(r->sso_key, "sso", res->access_key_id,
                         res->secret_access_key, res->session_token,
                         res->expiration, NULL) < 0 &&
      r->verbose)
    dv_trace("aws: could not write the AWS CLI cache: %s", strerror(errno));
  if (set_creds(r, DV_AWS_SRC_SSO, res->access_key_id, res->secret_access_key,
                res->session_token, res->expiration) < 0) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return;
  }
  r->res->expires = res->expires;
  finish(r, DV_AWS_CREDS_OK);
}

static void sso_get_role(resolver *r, const char *access_token)
{
  char url[1024], err[600];
  dv_sts_opts o;
  if (service_endpoint(r, "sso", r->sso_region, url, sizeof(url), err,
                       sizeof(err)) != 0) {
    snprintf(r->res->error, sizeof(r->res->error), "SSO endpoint: %.400s", err);
    finish(r, DV_AWS_CREDS_E_CONFIG);
    return;
  }
  sts_opts(r, &o, url, r->sso_region);
  if (r->verbose)
    dv_trace("aws: SSO GetRoleCredentials %s/%s at %s", r->sso_account,
             r->sso_role, url);
  if (dv_sso_get_role_credentials(r->loop, r->http, &o, r->sso_account,
                                  r->sso_role, access_token, sso_cb_role,
                                  r) < 0)
    fail_msg(r, DV_AWS_CREDS_E_STS, "cannot start the SSO call");
}

static const char *tok_str(resolver *r, const char *k)
{
  return json_string_value(json_object_get(r->sso_tok, k));
}

static void sso_cb_token(void *arg, const dv_sts_result *res)
{
  resolver *r = arg;
  time_t exp = 0, now = time(NULL);
  r->sts_calls++;
  if (res->status == DV_STS_OK) {
    char when[40];
    time_t t = now + res->expires_in;
    json_t *nt;
    dv_time_iso(t, DV_TIME_SECONDS, when, sizeof(when));
    nt = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s?}", "startUrl",
                   r->sso_start, "region", r->sso_region, "accessToken",
                   res->access_token, "expiresAt", when, "clientId",
                   tok_str(r, "clientId"), "clientSecret",
                   tok_str(r, "clientSecret"), "registrationExpiresAt",
                   tok_str(r, "registrationExpiresAt"));
    if (nt && res->refresh_token)
      json_object_set_new(nt, "refreshToken", json_string(res->refresh_token));
    if (nt) {
      char *text = json_dumps(nt, JSON_INDENT(2));
      if (!text ||
          dv_aws_file_write_atomic(r->sso_token_path, text, strlen(text)) < 0) {
        if (r->verbose)
          dv_trace("aws: could not update the SSO token cache");
      }
      if (text) {
        dv_secret_wipe(text, strlen(text));
        free(text);
      }
      sso_tok_free(r);
      r->sso_tok = nt;
    }
    if (r->verbose)
      dv_trace("aws: SSO token refreshed (CreateToken)");
    sso_get_role(r, res->access_token);
    return;
  }
  /* botocore: a failed refresh leaves the old token in use */
  if (r->verbose)
    dv_trace("aws: SSO token refresh failed: %s %s",
             dv_sts_status_str(res->status), res->code);
  if (dv_aws_time_parse(tok_str(r, "expiresAt"), &exp) < 0 || exp <= now) {
    sso_login_needed(r, "the cached SSO token has expired and could not be "
                        "refreshed");
    return;
  }
  sso_get_role(r, tok_str(r, "accessToken"));
}

static int sso_start(resolver *r)
{
  const char *acct = shared_get(&r->sh, "sso_account_id");
  const char *role = shared_get(&r->sh, "sso_role_name");
  const char *sess = shared_get(&r->sh, "sso_session");
  const char *start = shared_get(&r->sh, "sso_start_url");
  const char *region = shared_get(&r->sh, "sso_region");
  char missing[200] = "", hash[41], why[300];
  char *text;
  size_t len;
  time_t exp, now = time(NULL);
  int u;

  if (!acct && !role)
    return 0;
  if (sess) {
    const dv_awscfg_section *ss =
        config_profile(&r->sh.config, "sso-session", sess);
    const char *ks, *kr;
    if (!ss) {
      char s[200];
      shown(sess, strlen(sess), s, sizeof(s));
      snprintf(r->res->error, sizeof(r->res->error),
               "The specified sso-session does not exist: \"%s\"", s);
      finish(r, DV_AWS_CREDS_E_CONFIG);
      return 1;
    }
    ks = dv_awscfg_get(&r->sh.config, ss, "sso_start_url");
    kr = dv_awscfg_get(&r->sh.config, ss, "sso_region");
    if ((ks && start && strcmp(ks, start)) ||
        (kr && region && strcmp(kr, region))) {
      fail_msg(r, DV_AWS_CREDS_E_CONFIG,
               "sso_start_url or sso_region differ between the profile and "
               "its sso-session section");
      return 1;
    }
    if (ks)
      start = ks;
    if (kr)
      region = kr;
  }
#define NEED(v, n)                                                             \
  if (!(v))                                                                    \
  snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),       \
           "%s%s", missing[0] ? ", " : "", n)
  NEED(role, "sso_role_name");
  NEED(acct, "sso_account_id");
  NEED(start, "sso_start_url");
  NEED(region, "sso_region");
#undef NEED
  if (missing[0]) {
    snprintf(r->res->error, sizeof(r->res->error),
             "The profile \"%.100s\" is configured to use SSO but is missing "
             "required configuration: %s",
             r->sh.profile, missing);
    finish(r, DV_AWS_CREDS_E_CONFIG);
    return 1;
  }
  if (!dv_aws_region_valid(region)) {
    fail_msg(r, DV_AWS_CREDS_E_CONFIG, "sso_region is not a region name");
    return 1;
  }
  snprintf(r->sso_account, sizeof(r->sso_account), "%s", acct);
  snprintf(r->sso_role, sizeof(r->sso_role), "%s", role);
  snprintf(r->sso_start, sizeof(r->sso_start), "%s", start);
  snprintf(r->sso_region, sizeof(r->sso_region), "%s", region);
  snprintf(r->sso_session, sizeof(r->sso_session), "%s", sess ? sess : "");
  if (endpoints_init(r) < 0) {
    finish(r, DV_AWS_CREDS_E_CONFIG);
    return 1;
  }
  if (dv_aws_cache_key_sso(acct, role, sess, start, r->sso_key) < 0) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return 1;
  }
  u = use_cached(r, r->sso_key, DV_AWS_SRC_SSO);
  if (u != 0) {
    finish(r, u < 0 ? DV_AWS_CREDS_E_NOMEM : DV_AWS_CREDS_OK);
    return 1;
  }
  if (dv_aws_sha1_hex(sess ? sess : start, hash) < 0 ||
      dv_aws_cache_path("sso", hash, r->sso_token_path,
                        sizeof(r->sso_token_path)) < 0) {
    finish(r, DV_AWS_CREDS_E_NOMEM);
    return 1;
  }
  text = dv_aws_file_read(r->sso_token_path, &len);
  if (!text) {
    snprintf(why, sizeof(why), "no cached SSO token for %s %.150s",
             sess ? "sso-session" : "start URL", sess ? sess : start);
    sso_login_needed(r, why);
    return 1;
  }
  r->sso_tok = json_loadb(text, len, 0, NULL);
  dv_secret_wipe(text, len);
  free(text);
  if (!json_is_object(r->sso_tok) || !tok_str(r, "accessToken") ||
      !tok_str(r, "expiresAt") ||
      dv_aws_time_parse(tok_str(r, "expiresAt"), &exp) < 0) {
    sso_login_needed(r, "the cached SSO token is invalid");
    return 1;
  }
  if (sess && exp - now < 15 * 60) {
    time_t reg = 0;
    const char *rt = tok_str(r, "refreshToken");
    const char *ci = tok_str(r, "clientId");
    const char *cs = tok_str(r, "clientSecret");
    const char *re = tok_str(r, "registrationExpiresAt");
    if (rt && ci && cs && re && dv_aws_time_parse(re, &reg) == 0 && reg > now) {
      char url[1024], err[600];
      dv_sts_opts o;
      if (service_endpoint(r, "sso_oidc", r->sso_region, url, sizeof(url), err,
                           sizeof(err)) != 0) {
        snprintf(r->res->error, sizeof(r->res->error),
                 "SSO OIDC endpoint: %.400s", err);
        finish(r, DV_AWS_CREDS_E_CONFIG);
        return 1;
      }
      sts_opts(r, &o, url, r->sso_region);
      if (r->verbose)
        dv_trace("aws: refreshing the SSO token (CreateToken at %s)", url);
      if (dv_ssooidc_create_token(r->loop, r->http, &o, ci, cs, rt,
                                  sso_cb_token, r) < 0)
        fail_msg(r, DV_AWS_CREDS_E_STS, "cannot start the SSO OIDC call");
      return 1;
    }
  }
  if (exp <= now) {
    snprintf(why, sizeof(why), "the cached SSO token expired at %.40s%s",
             tok_str(r, "expiresAt"), sess ? " and cannot be refreshed" : "");
    sso_login_needed(r, why);
    return 1;
  }
  sso_get_role(r, tok_str(r, "accessToken"));
  return 1;
}

/* login_session, web identity, SSO: 1 when one of them took over. */
static int own_providers(resolver *r, int allow_env)
{
  if (shared_get(&r->sh, "login_session")) {
    snprintf(r->res->error, sizeof(r->res->error),
             "profile %.100s uses login_session (`aws login`), which dvcheck "
             "does not support; export temporary keys (`aws configure "
             "export-credentials --profile %.100s --format env`) or use "
             "credential_process",
             r->sh.profile, r->sh.profile);
    finish(r, DV_AWS_CREDS_E_UNSUPPORTED);
    return 1;
  }
  if (web_identity_start(r, allow_env))
    return 1;
  return sso_start(r);
}

static void run_step(resolver *r)
{
  dv_aws_creds *c = r->res;
  dv_aws_creds_status st;
  const char *v;
  char err[900];
  int lr;

  switch (r->next) {
  case STEP_START: {
    dv_aws_opts lo;
    memset(&lo, 0, sizeof(lo));
    lo.profile = r->profile_opt;
    lr = shared_load(&lo, &r->sh, err, sizeof(err));
  }
    if (lr < 0) {
      snprintf(c->error, sizeof(c->error), "%.500s", err);
      finish(r, lr == -2 ? DV_AWS_CREDS_E_NOMEM : DV_AWS_CREDS_E_CONFIG);
      return;
    }
    r->have_shared = 1;
    if (!(c->profile = strdup(r->sh.profile))) {
      finish(r, DV_AWS_CREDS_E_NOMEM);
      return;
    }
    if (shared_profile_missing(&r->sh, c->error, sizeof(c->error))) {
      finish(r, DV_AWS_CREDS_E_PROFILE_NOT_FOUND);
      return;
    }
    /* 1. the environment, unless --profile */
    if (!r->sh.from_option && (v = env_nonempty("AWS_ACCESS_KEY_ID"))) {
      const char *sec = env_nonempty("AWS_SECRET_ACCESS_KEY");
      const char *tok = env_nonempty("AWS_SECURITY_TOKEN");
      if (!sec) {
        snprintf(c->error, sizeof(c->error),
                 "partial credentials in the environment: AWS_ACCESS_KEY_ID "
                 "without AWS_SECRET_ACCESS_KEY");
        finish(r, DV_AWS_CREDS_E_PARTIAL);
        return;
      }
      if (!tok)
        tok = env_nonempty("AWS_SESSION_TOKEN");
      if (set_creds(r, DV_AWS_SRC_ENV, v, sec, tok,
                    env_nonempty("AWS_CREDENTIAL_EXPIRATION")) < 0) {
        finish(r, DV_AWS_CREDS_E_NOMEM);
        return;
      }
      finish(r, check_expiry(r));
      return;
    }
    snprintf(r->top_profile, sizeof(r->top_profile), "%s", r->sh.profile);
    /* 2. assume role */
    if (has_role(r)) {
      role_chain_start(r);
      return;
    }
    /* 2a/2b. login_session (refused), web identity, IAM Identity Center */
    if (own_providers(r, !r->sh.from_option))
      return;
    /* 3. the credentials file */
    if (static_keys(r, &r->sh.creds, r->sh.cred_sec,
                    DV_AWS_SRC_SHARED_CREDENTIALS, r->sh.creds_path, &st)) {
      finish(r, st);
      return;
    }
    /* 4. credential_process */
    if ((v = shared_get(&r->sh, "credential_process"))) {
      r->next = STEP_CONFIG;
      proc_start(r, v);
      return;
    }
    r->next = STEP_CONFIG;
    /* fall through */
  case STEP_CONFIG:
  case STEP_PROCESS:
    /* 5. the config file */
    if (static_keys(r, &r->sh.config, r->sh.cfg_sec, DV_AWS_SRC_CONFIG,
                    r->sh.config_path, &st)) {
      finish(r, st);
      return;
    }
    r->next = STEP_CONTAINER;
    /* fall through */
  case STEP_CONTAINER:
    /* 6. container credentials */
    if (getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
        getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
      container_start(r);
      return;
    }
    r->next = STEP_IMDS;
    /* fall through */
  case STEP_IMDS:
    /* 7. EC2 instance metadata */
    imds_start(r);
    return;
  case STEP_DONE:
    break;
  }
}

static void resolver_continue(void *arg)
{
  run_step(arg);
}

/* A resolver with its answer's destination and no child process yet;
 * NULL when memory runs out. */
static resolver *resolver_new(dv_loop *loop, dv_aws_creds_cb cb, void *arg)
{
  resolver *r = calloc(1, sizeof(*r));
  if (!r)
    return NULL;
  r->res = calloc(1, sizeof(*r->res));
  if (!r->res) {
    free(r);
    return NULL;
  }
  r->loop = loop;
  r->cb = cb;
  r->arg = arg;
  r->out.fd = r->err.fd = -1;
  return r;
}

int dv_aws_creds_reply_parse(dv_loop *loop, dv_aws_reply_kind kind,
                             const char *body, size_t len, dv_aws_creds_cb cb,
                             void *arg)
{
  dv_http_resp resp;
  resolver *r = resolver_new(loop, cb, arg);
  if (!r)
    return -1;
  dv_buf_init(&r->out.b, PROCESS_MAX_STDOUT, DV_BUF_SECRET);
  dv_buf_init(&r->err.b, PROCESS_MAX_STDERR, 0);
  dv_loop_ref(loop);
  memset(&resp, 0, sizeof(resp));
  resp.status = DV_HTTP_OK;
  resp.code = 200;
  resp.body = (char *)body;
  resp.body_len = len;
  switch (kind) {
  case DV_AWS_REPLY_PROCESS: /* exited 0 with body on stdout */
    if (len > PROCESS_MAX_STDOUT || dv_buf_append(&r->out.b, body, len) != 0)
      r->out.over = 1;
    proc_result(r);
    break;
  case DV_AWS_REPLY_CONTAINER: /* the last attempt */
    r->attempt = CONTAINER_ATTEMPTS - 1;
    container_resp(r, &resp);
    break;
  case DV_AWS_REPLY_IMDS: /* the role's credentials, one attempt */
    r->phase = IMDS_CREDS;
    r->attempts = 1;
    imds_resp(r, &resp);
    break;
  }
  return 0;
}

int dv_aws_creds_resolve(dv_loop *loop, dv_http *http, const dv_aws_opts *o,
                         dv_aws_creds_cb cb, void *arg)
{
  resolver *r = resolver_new(loop, cb, arg);
  if (!r)
    return -1;
  r->http = http;
  r->verbose = o ? o->verbose : 0;
  r->process_timeout_ms = o && o->process_timeout_ms > 0
                              ? o->process_timeout_ms
                              : DEFAULT_PROCESS_TIMEOUT_MS;
  if (o && o->container_host &&
      !(r->container_host = strdup(o->container_host)))
    goto nomem;
  if (o && o->profile && !(r->profile_opt = strdup(o->profile)))
    goto nomem;
  if (o && o->region && !(r->region_opt = strdup(o->region)))
    goto nomem;
  r->no_prompt = o ? o->no_prompt : 0;
  r->no_cache_read = o ? o->no_cache_read : 0;
  r->next = STEP_START;
  dv_loop_ref(loop);
  dv_loop_timer_arm(loop, &r->timer, 0, resolver_continue, r);
  return 0;
nomem:
  resolver_free(r);
  return -1;
}
