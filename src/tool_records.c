/* dvcheck -- validation record input. See tool_records.h. */
#include "config.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/text.h"
#include "check/check_dns.h"
#include "src/tool_input.h"
#include "src/tool_records.h"

const char *dv_records_status_str(dv_records_status st)
{
  switch (st) {
  case DV_RECORDS_OK:
    return "ok";
  case DV_RECORDS_NOMEM:
    return "out of memory";
  case DV_RECORDS_OPEN:
    return "cannot read the file";
  case DV_RECORDS_TOO_BIG:
    return "file too large (over 4 MiB)";
  case DV_RECORDS_SYNTAX:
    return "malformed records";
  case DV_RECORDS_EMPTY:
    return "no validation records found";
  }
  return "unknown";
}

static dv_records_status add(dv_record_list *l, const char *cert,
                             const char *rn, const char *rv, const char *where,
                             char *detail, size_t dlen)
{
  dv_record_in *r;
  char why[128], shown[160];
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 8;
    dv_record_in *n;
    if (ncap > 1000) {
      snprintf(detail, dlen, "%s: more than 1000 records", where);
      return DV_RECORDS_SYNTAX;
    }
    n = realloc(l->v, ncap * sizeof(*n));
    if (!n)
      return DV_RECORDS_NOMEM;
    l->v = n;
    l->cap = ncap;
  }
  r = &l->v[l->n];
  memset(r, 0, sizeof(*r));
  if (dv_dns_name_normalise(rn, r->rname, sizeof(r->rname), why, sizeof(why)) <
      0) {
    snprintf(detail, dlen, "%s: record name \"%s\": %s", where,
             dv_text_escape(rn, strlen(rn), shown, 60), why);
    return DV_RECORDS_SYNTAX;
  }
  if (dv_dns_name_normalise(rv, r->rvalue, sizeof(r->rvalue), why,
                            sizeof(why)) < 0) {
    snprintf(detail, dlen, "%s: record value \"%s\": %s", where,
             dv_text_escape(rv, strlen(rv), shown, 60), why);
    return DV_RECORDS_SYNTAX;
  }
  if (r->rname[0] == '*' || r->rvalue[0] == '*') {
    snprintf(detail, dlen, "%s: a record name or value cannot be a wildcard",
             where);
    return DV_RECORDS_SYNTAX;
  }
  if (cert && *cert) {
    dv_name n;
    dv_name_status st = dv_name_parse(cert, strlen(cert), &n, why, sizeof(why));
    if (st != DV_NAME_OK) {
      snprintf(detail, dlen, "%s: domain name \"%s\": %s%s%s", where,
               dv_text_escape(cert, strlen(cert), shown, 60),
               dv_name_status_str(st), why[0] ? ": " : "", why);
      return DV_RECORDS_SYNTAX;
    }
    snprintf(r->cert_name, sizeof(r->cert_name), "%s", n.ascii);
  } else {
    /* ACM's record name is "_<token>.<name>": the name is the rest */
    const char *dot = strchr(r->rname, '.');
    snprintf(r->cert_name, sizeof(r->cert_name), "%s", dot ? dot + 1 : "");
  }
  l->n++;
  return DV_RECORDS_OK;
}

dv_records_status dv_records_add_arg(dv_record_list *l, const char *cert,
                                     const char *arg, char *detail, size_t dlen)
{
  const char *eq = strchr(arg, '=');
  char rn[DV_NAME_LEN + 8];
  if (!eq || eq == arg || !eq[1] || (size_t)(eq - arg) >= sizeof(rn)) {
    snprintf(detail, dlen,
             "--cname wants RECORD_NAME=RECORD_VALUE, as ACM shows them");
    return DV_RECORDS_SYNTAX;
  }
  memcpy(rn, arg, (size_t)(eq - arg));
  rn[eq - arg] = '\0';
  return add(l, cert, rn, eq + 1, "--cname", detail, dlen);
}

/* Split one CSV line (RFC 4180 quoting) into at most max fields. */
static int csv_fields(char *line, char **f, int max)
{
  int n = 0;
  char *p = line;
  while (n < max) {
    char *out = p;
    f[n++] = p;
    if (*p == '"') {
      p++;
      for (;;) {
        if (!*p)
          return -1; /* unterminated quote */
        if (*p == '"' && p[1] == '"') {
          *out++ = '"';
          p += 2;
        } else if (*p == '"') {
          p++;
          break;
        } else {
          *out++ = *p++;
        }
      }
      if (*p && *p != ',')
        return -1;
    } else {
      while (*p && *p != ',')
        *out++ = *p++;
    }
    if (!*p) {
      *out = '\0';
      return n;
    }
    *out = '\0';
    p++;
  }
  return -1;
}

static dv_records_status parse_csv(dv_record_list *l, char *buf, char *detail,
                                   size_t dlen)
{
  char *line, *save = NULL;
  int lineno = 0, idx[4] = {-1, -1, -1, -1}, header = 0;
  static const char *const cols[4] = {"Domain Name", "Record Name",
                                      "Record Type", "Record Value"};
  for (line = strtok_r(buf, "\n", &save); line;
       line = strtok_r(NULL, "\n", &save)) {
    char *f[16], where[48];
    int n;
    size_t ll = strlen(line);
    lineno++;
    if (ll && line[ll - 1] == '\r')
      line[--ll] = '\0';
    if (!ll)
      continue;
    n = csv_fields(line, f, 16);
    if (n < 0) {
      snprintf(detail, dlen, "CSV line %d: bad quoting or too many columns",
               lineno);
      return DV_RECORDS_SYNTAX;
    }
    if (!header) {
      for (int i = 0; i < n; i++) {
        const char *h = f[i];
        if (lineno == 1 && (unsigned char)h[0] == 0xEF &&
            (unsigned char)h[1] == 0xBB && (unsigned char)h[2] == 0xBF)
          h += 3; /* UTF-8 BOM */
        for (int c = 0; c < 4; c++)
          if (strcasecmp(h, cols[c]) == 0)
            idx[c] = i;
      }
      if (idx[1] < 0 || idx[2] < 0 || idx[3] < 0) {
        snprintf(detail, dlen,
                 "CSV line %d: expected the ACM console's header \"Domain "
                 "Name,Record Name,Record Type,Record Value\"",
                 lineno);
        return DV_RECORDS_SYNTAX;
      }
      header = 1;
      continue;
    }
    snprintf(where, sizeof(where), "CSV line %d", lineno);
    if (n <= idx[1] || n <= idx[2] || n <= idx[3] ||
        (idx[0] >= 0 && n <= idx[0])) {
      snprintf(detail, dlen, "%s: too few columns", where);
      return DV_RECORDS_SYNTAX;
    }
    if (strcasecmp(f[idx[2]], "CNAME") != 0) {
      snprintf(detail, dlen, "%s: record type must be CNAME", where);
      return DV_RECORDS_SYNTAX;
    }
    {
      dv_records_status st = add(l, idx[0] >= 0 ? f[idx[0]] : NULL, f[idx[1]],
                                 f[idx[3]], where, detail, dlen);
      if (st != DV_RECORDS_OK)
        return st;
    }
  }
  if (!header) {
    snprintf(detail, dlen, "empty CSV");
    return DV_RECORDS_SYNTAX;
  }
  return l->n ? DV_RECORDS_OK : DV_RECORDS_EMPTY;
}

static dv_records_status parse_json(dv_record_list *l, const char *buf,
                                    size_t len, char *detail, size_t dlen)
{
  json_error_t err;
  json_t *doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err), *cert,
         *dvos, *o;
  size_t i;
  dv_records_status st = DV_RECORDS_OK;

  if (!doc) {
    char why[200];
    snprintf(detail, dlen, "JSON line %d column %d: %.120s", err.line,
             err.column, dv_json_error_reason(&err, why, sizeof(why)));
    return DV_RECORDS_SYNTAX;
  }
  cert = json_object_get(doc, "Certificate");
  dvos = json_object_get(cert ? cert : doc, "DomainValidationOptions");
  if (!json_is_array(dvos)) {
    snprintf(detail, dlen,
             "JSON: no Certificate.DomainValidationOptions "
             "array (expected `aws acm describe-certificate` "
             "output)");
    st = DV_RECORDS_SYNTAX;
    goto out;
  }
  json_array_foreach(dvos, i, o) {
    json_t *rr = json_object_get(o, "ResourceRecord");
    const char *dn = json_string_value(json_object_get(o, "DomainName"));
    const char *rn = json_string_value(json_object_get(rr, "Name"));
    const char *rt = json_string_value(json_object_get(rr, "Type"));
    const char *rv = json_string_value(json_object_get(rr, "Value"));
    char where[64];
    if (!json_is_object(o)) {
      snprintf(detail, dlen,
               "JSON: DomainValidationOptions[%zu] is not an "
               "object",
               i);
      st = DV_RECORDS_SYNTAX;
      goto out;
    }
    if (!rr)
      continue; /* e-mail validated, or record not yet generated */
    snprintf(where, sizeof(where), "JSON DomainValidationOptions[%zu]", i);
    if (!rn || !rv || (rt && strcmp(rt, "CNAME") != 0)) {
      snprintf(detail, dlen,
               "%s: ResourceRecord needs Name, Type CNAME and "
               "Value strings",
               where);
      st = DV_RECORDS_SYNTAX;
      goto out;
    }
    st = add(l, dn, rn, rv, where, detail, dlen);
    if (st != DV_RECORDS_OK)
      goto out;
  }
  if (!l->n)
    st = DV_RECORDS_EMPTY;
out:
  json_decref(doc);
  return st;
}

dv_records_status dv_records_parse(dv_record_list *l, char *buf, size_t len,
                                   char *detail, size_t dlen)
{
  size_t i = 0;
  if (memchr(buf, '\0', len)) {
    snprintf(detail, dlen, "the file contains NUL bytes (not CSV or JSON)");
    return DV_RECORDS_SYNTAX;
  }
  while (i < len &&
         (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
    i++;
  if (i < len && (buf[i] == '{' || buf[i] == '['))
    return parse_json(l, buf, len, detail, dlen);
  return parse_csv(l, buf, detail, dlen);
}

dv_records_status dv_records_read_file(dv_record_list *l, const char *path,
                                       char *detail, size_t dlen)
{
  char *buf = NULL;
  size_t len = 0;
  dv_records_status st;

  switch (dv_input_slurp(path, DV_INPUT_MAX_BYTES, &buf, &len, detail, dlen)) {
  case DV_INPUT_OK:
    break;
  case DV_INPUT_OPEN:
    return DV_RECORDS_OPEN;
  case DV_INPUT_TOO_BIG:
    return DV_RECORDS_TOO_BIG;
  default:
    return DV_RECORDS_NOMEM;
  }
  st = dv_records_parse(l, buf, len, detail, dlen);
  free(buf);
  return st;
}

void dv_records_free(dv_record_list *l)
{
  free(l->v);
  memset(l, 0, sizeof(*l));
}
