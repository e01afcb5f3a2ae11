/* dvcheck -- the AWS shared configuration files (~/.aws/config and
 * ~/.aws/credentials), read the way botocore (and so the AWS CLI) reads them.
 *
 * botocore parses both files with Python's configparser.RawConfigParser and
 * this parser follows its rules, so that a file means the same to dvcheck as
 * to `aws`:
 *   - "[name]" headers (the name is everything up to the LAST ']' on the
 *     line; text after it is ignored); a repeated section is an error;
 *   - "key = value" or "key: value" (the first '=' or ':' splits); keys are
 *     lower-cased, values are trimmed; a repeated key is an error; no inline
 *     comments ("key = a # b" has the value "a # b");
 *   - lines whose first non-blank character is '#' or ';' are comments;
 *   - a line indented deeper than its key line continues the value; a value
 *     that starts with a line break ("s3 =" followed by indented "k = v"
 *     lines) is a nested sub-section;
 *   - "[DEFAULT]" holds values every section inherits;
 *   - lines end in LF, CRLF or CR; the text must be UTF-8 (a BOM is not
 *     skipped -- botocore rejects it too).
 * Files above DV_AWSCFG_MAX_BYTES, with NUL bytes, or not UTF-8 are refused
 * with a clear message. A path that is not a regular file counts as absent
 * (as in botocore, which checks os.path.isfile()).
 *
 * Values may be secrets (aws_secret_access_key): dv_awscfg_free() wipes
 * every string (dv_secret_free) before freeing it.
 */
#ifndef DV_AWS_CONFIG_H
#define DV_AWS_CONFIG_H

#include <stddef.h>

#define DV_AWSCFG_MAX_BYTES (1024 * 1024)

typedef enum {
  DV_AWSCFG_OK = 0,
  DV_AWSCFG_NOT_FOUND,   /* no such file, or not a regular file */
  DV_AWSCFG_E_READ,      /* open/read failed (permissions, I/O) */
  DV_AWSCFG_E_TOO_BIG,   /* above DV_AWSCFG_MAX_BYTES */
  DV_AWSCFG_E_BINARY,    /* NUL bytes */
  DV_AWSCFG_E_ENCODING,  /* not UTF-8 */
  DV_AWSCFG_E_SYNTAX,    /* a line that is no header, key or comment */
  DV_AWSCFG_E_DUPLICATE, /* a section or key given twice */
  DV_AWSCFG_E_NOMEM
} dv_awscfg_status;

typedef struct {
  char *key;
  char *value;
} dv_awscfg_pair;

typedef struct {
  char *key;   /* lower-cased */
  char *value; /* joined value; for a nested entry the raw text */
  int nested;  /* 1: value was a sub-section, parsed into sub[] */
  dv_awscfg_pair *sub;
  size_t nsub;
} dv_awscfg_entry;

typedef struct {
  char *name; /* as written between the brackets */
  dv_awscfg_entry *entries;
  size_t nentries;
  size_t cap;
} dv_awscfg_section;

typedef struct {
  dv_awscfg_section *sections;
  size_t nsections;
  size_t cap;
  dv_awscfg_section defaults; /* [DEFAULT] */
} dv_awscfg_file;

/* Parse text (len bytes). On error out is released and err holds
 * "line N: reason" (never a value: values may be secrets). */
dv_awscfg_status dv_awscfg_parse(const char *text, size_t len,
                                 dv_awscfg_file *out, char *err, size_t errlen);

/* Read and parse path ("~/" is expanded with $HOME). NOT_FOUND leaves an
 * empty file in out. err holds "PATH: reason" on any other error. */
dv_awscfg_status dv_awscfg_load(const char *path, dv_awscfg_file *out,
                                char *err, size_t errlen);

void dv_awscfg_free(dv_awscfg_file *f);

/* The section called name (not [DEFAULT]); NULL if absent. */
const dv_awscfg_section *dv_awscfg_section_find(const dv_awscfg_file *f,
                                                const char *name);

/* A plain (non-nested) value of key in section s, falling back to
 * [DEFAULT] like configparser; NULL if absent. key is lower-case. */
const char *dv_awscfg_get(const dv_awscfg_file *f, const dv_awscfg_section *s,
                          const char *key);

/* The nested entry key of section s (with [DEFAULT] fallback), then its
 * sub-key; NULL if absent. */
const char *dv_awscfg_sub_get(const dv_awscfg_file *f,
                              const dv_awscfg_section *s, const char *key,
                              const char *subkey);

/* The profile a config-file section name stands for, as botocore's
 * build_profile_map decides: "default" -> "default"; a name starting with
 * "profile" that splits (shell-like, quotes allowed) into exactly two words
 * -> the second word ("profile dev" -> "dev", "profile \"a b\"" -> "a b");
 * anything else -> not a profile (-1). With a prefix other than
 * "profile" the same applies to "services NAME" (prefix "services"). */
int dv_awscfg_section_prefixed(const char *section, const char *prefix,
                               char *name, size_t namelen);

/* Split a command line the way Python's shlex.split() does (POSIX mode, no
 * comments): space, tab, CR and LF separate words; '...' is literal;
 * inside "..." only \\ and \" are escapes; a backslash outside quotes
 * escapes the next character. Returns a NULL-terminated malloc'd argv (one
 * block; free() it) and sets *argc, or NULL on an unbalanced quote / trailing
 * backslash
 * (*argc = -1) or out of memory (*argc = -2). */
char **dv_shlex_split(const char *s, int *argc);

#endif
