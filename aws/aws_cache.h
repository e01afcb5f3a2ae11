/* dvcheck -- the AWS CLI's credential caches, shared with it:
 *
 *   ~/.aws/cli/cache/<key>.json  assumed-role, web-identity and SSO role
 *       credentials (awscli/customizations/assumerole.py and sso: botocore's
 *       JSONFileCache). Keys as botocore derives them:
 *         assume role / web identity: sha1(json.dumps(args, sort_keys=True))
 *           of {RoleArn, RoleSessionName (when configured), ExternalId,
 *           SerialNumber, DurationSeconds (an integer)} -- Python's default
 *           separators ", " and ": ", ASCII-escaped;
 *         SSO: sha1(json.dumps({accountId, roleName, sessionName|startUrl},
 *           sort_keys=True, separators=(",", ":"))).
 *       Reused while at least DV_AWS_CACHE_MIN_LEFT seconds remain
 *       (botocore's 15-minute expiry window).
 *   ~/.aws/sso/cache/<sha1(sso_session name or start URL)>.json  the
 *       IAM Identity Center token `aws sso login` writes.
 *
 * Files are written 0600, atomically (a temporary file in the same
 * directory, then rename), directories 0700. Reads are bounded
 * (DV_AWS_CACHE_MAX_BYTES) and refuse anything but a regular file.
 */
#ifndef DV_AWS_CACHE_H
#define DV_AWS_CACHE_H

#include <stddef.h>
#include <time.h>

#define DV_AWS_CACHE_MIN_LEFT  (15 * 60)
#define DV_AWS_CACHE_MAX_BYTES (64 * 1024)

/* key: 40 hex digits + NUL. duration < 0: not configured. Returns 0 or -1. */
int dv_aws_cache_key_role(const char *role_arn, const char *session_name,
                          const char *external_id, const char *serial,
                          long duration, char key[41]);
int dv_aws_cache_key_sso(const char *account_id, const char *role_name,
                         const char *session_name, const char *start_url,
                         char key[41]);
/* sha1 hex of s (the SSO token cache's file name) */
int dv_aws_sha1_hex(const char *s, char out[41]);

/* The path of a cache file: dir "cli" or "sso" under ~/.aws/, key.json. */
int dv_aws_cache_path(const char *dir, const char *key, char *path,
                      size_t pathlen);

/* Read a whole small file (regular, <= DV_AWS_CACHE_MAX_BYTES). Returns a
 * malloc'd NUL-terminated buffer (wipe it: may hold secrets) or NULL with
 * errno (ENOENT: absent). */
char *dv_aws_file_read(const char *path, size_t *len);

/* Write data to path atomically with mode 0600, creating the parent
 * directory (0700) when missing. 0 or -1 (errno). */
int dv_aws_file_write_atomic(const char *path, const char *data, size_t len);

typedef struct {
  char *access_key_id;
  char *secret_access_key; /* SECRET */
  char *session_token;     /* SECRET */
  char *expiration;
  time_t expires;
} dv_aws_cached_creds;

/* Credentials from ~/.aws/cli/cache/<key>.json when they have at least
 * min_left seconds left: 1 (out filled), 0 (absent/stale/unreadable). */
int dv_aws_cache_load(const char *key, long min_left, dv_aws_cached_creds *out);

/* Store credentials (AssumeRole* or SSO shape: provider_type "sso" or
 * NULL). 0 or -1. */
int dv_aws_cache_store(const char *key, const char *provider_type,
                       const char *akid, const char *secret, const char *token,
                       const char *expiration, const char *assumed_arn);

void dv_aws_cached_creds_clear(dv_aws_cached_creds *c);

#endif
