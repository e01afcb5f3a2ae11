/* dvcheck -- --format openmetrics. See report_metrics.h and doc/metrics.md.
 *
 * Samples are collected per family first (a command's results come in
 * result order, the exposition wants each family in one block), then
 * printed family by family. A label set seen twice in one family (the same
 * name given twice) keeps its first sample. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/json.h"
#include "base/text.h"
#include "check/findings.h"
#include "src/report_metrics.h"
#include "src/tool_cfg.h"

/* Every family, in output order. The help texts never depend on the
 * command: node_exporter merges families across files and refuses two
 * help texts for one name. */
#define MX_FAMILIES(X)                                                         \
  X(BUILD_INFO, "dvcheck_build_info",                                          \
    "The dvcheck version that wrote these metrics (always 1).")                \
  X(RUN_TIMESTAMP, "dvcheck_run_timestamp_seconds",                            \
    "When the dvcheck run ended, in seconds since the epoch.")                 \
  X(RUN_DURATION, "dvcheck_run_duration_seconds",                              \
    "How long the dvcheck run took.")                                          \
  X(RUN_EXIT_CODE, "dvcheck_run_exit_code",                                    \
    "The exit status of the run: 0 ok, 1 warning, 2 failure, 3 unknown.")      \
  X(RUN_SUCCESS, "dvcheck_run_success",                                        \
    "1 if the run completed (exit status 0, 1 or 2), 0 if it could not "       \
    "(exit status 3: usage, deadline, API or resolver failure).")              \
  X(RESULTS, "dvcheck_results",                                                \
    "Results the run produced (names, records, certificates).")                \
  X(RESULT_STATUS, "dvcheck_result_status",                                    \
    "The verdict for each name or certificate: 1 for its status "              \
    "(ok, warning, failure, unknown), 0 for the others.")                      \
  X(FINDINGS, "dvcheck_findings",                                              \
    "Findings per name or certificate, by catalogue code and severity.")       \
  X(EMAIL_DELIVERABLE, "dvcheck_email_deliverable",                            \
    "1 if a validation domain of the name can receive ACM's mail, else 0.")    \
  X(EMAIL_VALIDATION_DOMAIN_INFO, "dvcheck_email_validation_domain_info",      \
    "The ValidationDomain to give ACM for the name (always 1).")               \
  X(DNS_SERVERS, "dvcheck_dns_servers",                                        \
    "Authoritative servers of the record's zone by what they answer.")         \
  X(PREFLIGHT_METHOD, "dvcheck_preflight_method",                              \
    "The validation method that will work for the name: 1 for it "             \
    "(dns, email, none, unknown), 0 for the others.")                          \
  X(ACM_CERT_INFO, "dvcheck_acm_certificate_info",                             \
    "An ACM certificate's type, status, validation method, renewal status "    \
    "and dvcheck verdict code (always 1).")                                    \
  X(ACM_CERT_NOT_AFTER, "dvcheck_acm_certificate_not_after_timestamp_seconds", \
    "When the ACM certificate expires, in seconds since the epoch.")           \
  X(ACM_CERT_EXPIRY, "dvcheck_acm_certificate_expiry_seconds",                 \
    "Seconds from the end of the run until the ACM certificate expires "       \
    "(negative: expired).")                                                    \
  X(ACM_VALIDATION_INFO, "dvcheck_acm_validation_info",                        \
    "Per name of an ACM certificate (issuance or renewal): ACM's "             \
    "validation status and what dvcheck found in DNS or mail (always 1).")     \
  X(ACM_REGION_STATE, "dvcheck_acm_region_state",                              \
    "Whether a region could be listed: 1 for its state (listed, "              \
    "not_enabled, error, unfinished), 0 for the others.")                      \
  X(ACM_REGION_CERTS, "dvcheck_acm_region_certificates",                       \
    "Certificates ListCertificates returned for the region.")                  \
  X(ACM_REGION_SELECTED, "dvcheck_acm_region_selected_certificates",           \
    "Certificates of the region within the window (expiry) or picked for a "   \
    "diagnosis (audit).")                                                      \
  X(CHECK_STATUS, "dvcheck_check_status",                                      \
    "The check's Nagios state: 1 for it (ok, warning, critical, unknown), "    \
    "0 for the others.")                                                       \
  X(CHECK_EXPIRY, "dvcheck_check_certificate_expiry_seconds",                  \
    "Whole days left until the checked certificate expires, in seconds.")      \
  X(CHECK_METHODS, "dvcheck_check_validation_methods",                         \
    "Validation methods that work for the checked domain (0 to 2).")           \
  X(CHECK_PENDING, "dvcheck_check_pending_names",                              \
    "Names of the checked ACM certificate still pending validation.")

typedef enum {
#define MX_X(id, name, help) MX_##id,
  MX_FAMILIES(MX_X)
#undef MX_X
      MX__COUNT
} mx_family;

static const struct {
  const char *name, *help;
} mx_fam[] = {
#define MX_X(id, name, help) {name, help},
    MX_FAMILIES(MX_X)
#undef MX_X
};

typedef struct {
  dv_buf fam[MX__COUNT]; /* sample lines of each family */
  dv_buf line;
  const char *command;
  time_t now;
  int nomem;
} mx_set;

/* A label value: base/text's rule first (printable ASCII, never a control
 * character), then the exposition format's escapes for \ and ". */
static void mx_label_value(dv_buf *b, const char *v)
{
  char esc[1024];
  dv_text_escape(v, strlen(v), esc, sizeof(esc));
  for (const char *p = esc; *p; p++) {
    if (*p == '\\' || *p == '"')
      dv_buf_appendc(b, '\\');
    dv_buf_appendc(b, *p);
  }
}

/* One sample: family, value, then label name/value pairs up to NULL.
 * Labels with a NULL value are left out. */
static void mx_add(mx_set *s, mx_family f, double value, ...)
{
  dv_buf *b = &s->line;
  va_list ap;
  const char *k;
  int n = 0;
  char num[64];

  dv_buf_clear(b);
  dv_buf_appends(b, mx_fam[f].name);
  va_start(ap, value);
  while ((k = va_arg(ap, const char *)) != NULL) {
    const char *v = va_arg(ap, const char *);
    if (!v)
      continue;
    dv_buf_appends(b, n++ ? "," : "{");
    dv_buf_appendf(b, "%s=\"", k);
    mx_label_value(b, v);
    dv_buf_appendc(b, '"');
  }
  va_end(ap);
  if (n)
    dv_buf_appendc(b, '}');
  if (!b->p) {
    s->nomem = 1;
    return;
  }
  /* the same series twice: keep the first */
  {
    const char *h = s->fam[f].p;
    size_t l = b->len;
    while (h && (h = strstr(h, b->p)) != NULL) {
      if ((h == s->fam[f].p || h[-1] == '\n') && h[l] == ' ')
        return;
      h += l;
    }
  }
  if (value == (double)(long long)value && value > -1e15 && value < 1e15)
    snprintf(num, sizeof(num), "%lld", (long long)value);
  else
    snprintf(num, sizeof(num), "%.6f", value);
  if (dv_buf_appendf(&s->fam[f], "%s %s\n", b->p, num) != DV_BUF_OK)
    s->nomem = 1;
}

/* A state set: one sample per state, 1 for the current one. */
static void mx_stateset(mx_set *s, mx_family f, const char *const *states,
                        const char *cur, const char *k1, const char *v1,
                        const char *k2, const char *v2)
{
  for (size_t i = 0; states[i]; i++)
    mx_add(s, f, cur && strcmp(cur, states[i]) == 0, "command", s->command, k1,
           v1, k2 ? k2 : "-", v2, "state", states[i], (const char *)NULL);
}

static int mx_print(FILE *out, mx_set *s)
{
  for (size_t i = 0; i < MX__COUNT; i++) {
    if (!s->fam[i].len)
      continue;
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", mx_fam[i].name,
            mx_fam[i].help, mx_fam[i].name);
    fwrite(s->fam[i].p, 1, s->fam[i].len, out);
  }
  fputs("# EOF\n", out);
  return ferror(out) ? -1 : 0;
}

static void mx_free(mx_set *s)
{
  for (size_t i = 0; i < MX__COUNT; i++)
    dv_buf_free(&s->fam[i]);
  dv_buf_free(&s->line);
}

static void mx_run(mx_set *s, int exit_code, double duration_s)
{
  mx_add(s, MX_BUILD_INFO, 1, "version", PACKAGE_VERSION, (const char *)NULL);
  mx_add(s, MX_RUN_TIMESTAMP, (double)s->now, "command", s->command,
         (const char *)NULL);
  mx_add(s, MX_RUN_DURATION, duration_s, "command", s->command,
         (const char *)NULL);
  mx_add(s, MX_RUN_EXIT_CODE, exit_code, "command", s->command,
         (const char *)NULL);
  mx_add(s, MX_RUN_SUCCESS, exit_code >= 0 && exit_code < DV_EXIT_UNKNOWN,
         "command", s->command, (const char *)NULL);
}

/* Findings counted by (code, severity) for one name. */
static void mx_findings(mx_set *s, const char *name, const json_t *fl)
{
  size_t n = json_array_size(fl);
  unsigned char *seen = calloc(n ? n : 1, 1);
  if (!seen) {
    s->nomem = 1;
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const char *code = dv_json_get_str(json_array_get(fl, i), "code");
    const char *sev = dv_json_get_str(json_array_get(fl, i), "severity");
    size_t count = 0;
    if (seen[i] || !dv_catalogue_find(code))
      continue; /* codes are the catalogue's: a bounded set */
    for (size_t j = i; j < n; j++)
      if (strcmp(code, dv_json_get_str(json_array_get(fl, j), "code")) == 0) {
        seen[j] = 1;
        count++;
      }
    mx_add(s, MX_FINDINGS, (double)count, "command", s->command, "name", name,
           "code", code, "severity", sev, (const char *)NULL);
  }
  free(seen);
}

/* RFC 3339 UTC ("2026-11-22T10:00:00.000Z", "...:00Z") to epoch seconds. */
static int mx_time(const char *ts, time_t *t)
{
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  if (!ts || sscanf(ts, "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon,
                    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *t = timegm(&tm);
  return *t == (time_t)-1 ? -1 : 0;
}

static const char *const verdict_states[] = {"ok", "warning", "failure",
                                             "unknown", NULL};

static const char *opt_str(const json_t *o, const char *k)
{
  const json_t *v = json_object_get(o, k);
  return json_is_string(v) ? json_string_value(v) : "";
}

/* The name a result is about: the name checked, or the certificate's ARN. */
static const char *mx_result_name(const json_t *r)
{
  static const char *const keys[] = {"arn",    "name",   "target", "input",
                                     "domain", "region", NULL};
  for (size_t i = 0; keys[i]; i++) {
    const json_t *v = json_object_get(r, keys[i]);
    if (json_is_string(v) && json_string_length(v))
      return json_string_value(v);
  }
  /* a run that failed before its first name: what the finding is about */
  return opt_str(json_array_get(json_object_get(r, "findings"), 0), "subject");
}

/* expiry and audit: one ACM certificate. */
static void mx_acm_cert(mx_set *s, const json_t *r)
{
  const char *arn = opt_str(r, "arn"), *acct = opt_str(r, "account");
  const char *region = opt_str(r, "region");
  const char *domain = json_object_get(r, "domain_name")
                           ? opt_str(r, "domain_name")
                           : opt_str(r, "domain");
  const json_t *ren = json_object_get(r, "renewal");
  const char *validation = opt_str(r, "validation");
  const json_t *vals = json_object_get(r, "validations");
  time_t na;
  size_t i;

  /* audit results carry the methods per name: one word when they agree */
  if (!*validation && json_array_size(vals)) {
    validation = opt_str(json_array_get(vals, 0), "method");
    for (i = 1; i < json_array_size(vals); i++)
      if (strcmp(validation, opt_str(json_array_get(vals, i), "method")))
        validation = "mixed";
  }
  mx_add(s, MX_ACM_CERT_INFO, 1, "command", s->command, "account", acct,
         "region", region, "arn", arn, "domain", domain, "type",
         opt_str(r, "type"), "status", opt_str(r, "status"), "validation",
         validation, "renewal_status", opt_str(ren, "status"), "verdict_code",
         json_is_string(json_object_get(r, "severity")) ? opt_str(r, "verdict")
                                                        : "",
         (const char *)NULL);
  if (mx_time(opt_str(r, "not_after"), &na) == 0) {
    mx_add(s, MX_ACM_CERT_NOT_AFTER, (double)na, "command", s->command,
           "account", acct, "region", region, "arn", arn, "domain", domain,
           (const char *)NULL);
    mx_add(s, MX_ACM_CERT_EXPIRY, difftime(na, s->now), "command", s->command,
           "account", acct, "region", region, "arn", arn, "domain", domain,
           (const char *)NULL);
  }
  for (i = 0; i < json_array_size(vals); i++) {
    const json_t *v = json_array_get(vals, i);
    mx_add(s, MX_ACM_VALIDATION_INFO, 1, "command", s->command, "arn", arn,
           "domain", opt_str(v, "domain"), "phase", opt_str(v, "phase"),
           "method", opt_str(v, "method"), "validation_status",
           opt_str(v, "validation_status"), "world_state",
           opt_str(json_object_get(v, "world"), "state"), (const char *)NULL);
  }
}

static void mx_region(mx_set *s, const json_t *r)
{
  static const char *const states[] = {"listed", "not_enabled", "error",
                                       "unfinished", NULL};
  const char *acct = opt_str(r, "account"), *region = opt_str(r, "region");
  mx_stateset(s, MX_ACM_REGION_STATE, states, opt_str(r, "state"), "account",
              acct, "region", region);
  mx_add(s, MX_ACM_REGION_CERTS,
         (double)json_integer_value(json_object_get(r, "listed")), "command",
         s->command, "account", acct, "region", region, (const char *)NULL);
  mx_add(s, MX_ACM_REGION_SELECTED,
         (double)json_integer_value(json_object_get(r, "expiring")), "command",
         s->command, "account", acct, "region", region, (const char *)NULL);
}

static void mx_result(mx_set *s, const json_t *r, size_t *nresults)
{
  const char *kind = opt_str(r, "kind"), *name = mx_result_name(r);
  const char *verdict = opt_str(r, "verdict");
  const json_t *fl = json_object_get(r, "findings");

  if (strcmp(kind, "region") == 0) {
    mx_region(s, r);
    mx_findings(s, name, fl);
    return;
  }
  if (strcmp(kind, "account") == 0 || strcmp(kind, "organization") == 0) {
    mx_findings(s, *name ? name : opt_str(r, "account"), fl);
    return;
  }
  (*nresults)++;
  /* expiry's certificates carry the worst severity and an EXPIRY_* code */
  if (strcmp(kind, "certificate") == 0) {
    const char *sev = opt_str(r, "severity");
    verdict = strcmp(sev, "fatal") == 0 || strcmp(sev, "error") == 0 ? "failure"
              : strcmp(sev, "warning") == 0                          ? "warning"
                                                                     : "ok";
  }
  mx_stateset(s, MX_RESULT_STATUS, verdict_states, verdict, "name", name, NULL,
              NULL);
  mx_findings(s, name, fl);
  if (strcmp(s->command, "email") == 0) {
    const char *vd = opt_str(r, "validation_domain");
    mx_add(s, MX_EMAIL_DELIVERABLE, *vd != '\0', "command", s->command, "name",
           name, (const char *)NULL);
    if (*vd)
      mx_add(s, MX_EMAIL_VALIDATION_DOMAIN_INFO, 1, "command", s->command,
             "name", name, "validation_domain", vd, (const char *)NULL);
  } else if (strcmp(s->command, "dns") == 0) {
    static const char *const states[] = {"correct", "wrong_value", "missing",
                                         "lame",    "unreachable", "no_address",
                                         "has_txt", "delegated",   NULL};
    const json_t *sv = json_object_get(r, "servers");
    if (json_is_array(sv))
      for (size_t k = 0; states[k]; k++) {
        size_t c = 0;
        for (size_t j = 0; j < json_array_size(sv); j++)
          c += strcmp(opt_str(json_array_get(sv, j), "state"), states[k]) == 0;
        mx_add(s, MX_DNS_SERVERS, (double)c, "command", s->command, "name",
               name, "state", states[k], (const char *)NULL);
      }
  } else if (strcmp(s->command, "preflight") == 0) {
    static const char *const methods[] = {"dns", "email", "none", "unknown",
                                          NULL};
    mx_stateset(s, MX_PREFLIGHT_METHOD, methods, opt_str(r, "method"), "name",
                name, NULL, NULL);
  } else if (strcmp(s->command, "expiry") == 0 ||
             strcmp(s->command, "audit") == 0 ||
             strcmp(s->command, "cert") == 0) {
    if (*opt_str(r, "arn"))
      mx_acm_cert(s, r);
  }
}

int dv_metrics_print(FILE *out, const json_t *doc, double duration_s,
                     time_t now)
{
  mx_set s;
  const json_t *res = json_object_get(doc, "results");
  size_t nresults = 0;
  int rc;

  memset(&s, 0, sizeof(s));
  s.command = opt_str(doc, "command");
  s.now = now;
  mx_run(&s, (int)json_integer_value(json_object_get(doc, "exit_code")),
         duration_s);
  for (size_t i = 0; i < json_array_size(res); i++)
    mx_result(&s, json_array_get(res, i), &nresults);
  mx_add(&s, MX_RESULTS, (double)nresults, "command", s.command,
         (const char *)NULL);
  rc = s.nomem ? -1 : mx_print(out, &s);
  mx_free(&s);
  return rc;
}

/* ---- check (Nagios mode) ------------------------------------------------ */

/* One perfdata item "label=value[uom];w;c;min;max": label and value. */
static const char *mx_perf_next(const char *p, char *label, size_t llen,
                                double *value)
{
  const char *eq;
  size_t n;
  while (*p == ' ')
    p++;
  if (!*p)
    return NULL;
  eq = strchr(p, '=');
  if (!eq)
    return NULL;
  n = (size_t)(eq - p);
  if (n >= 2 && *p == '\'' && eq[-1] == '\'') { /* quoted label */
    p++;
    n -= 2;
  }
  snprintf(label, llen, "%.*s", (int)n, p);
  *value = strtod(eq + 1, NULL);
  p = eq + 1;
  while (*p && *p != ' ')
    p++;
  return p;
}

int dv_metrics_check_print(FILE *out, const char *target,
                           const dv_nagios_out *o, double duration_s,
                           time_t now)
{
  static const char *const states[] = {"ok", "warning", "critical", "unknown",
                                       NULL};
  mx_set s;
  const char *p = o->perf, *cur;
  char label[64];
  double v;
  int rc;

  memset(&s, 0, sizeof(s));
  s.command = "check";
  s.now = now;
  mx_run(&s, (int)o->state, duration_s);
  cur = states[o->state <= DV_NAGIOS_UNKNOWN ? o->state : DV_NAGIOS_UNKNOWN];
  mx_stateset(&s, MX_CHECK_STATUS, states, cur, "target", target, NULL, NULL);
  while ((p = mx_perf_next(p, label, sizeof(label), &v)) != NULL) {
    if (strcmp(label, "days") == 0 || strcmp(label, "days_left") == 0)
      mx_add(&s, MX_CHECK_EXPIRY, v * 86400.0, "target", target,
             (const char *)NULL);
    else if (strcmp(label, "methods") == 0)
      mx_add(&s, MX_CHECK_METHODS, v, "target", target, (const char *)NULL);
    else if (strcmp(label, "pending_names") == 0)
      mx_add(&s, MX_CHECK_PENDING, v, "target", target, (const char *)NULL);
  }
  /* the long output has one line per finding: "severity CODE subject: ..." */
  if (o->longtext) {
    const char *l = o->longtext;
    while (*l) {
      size_t len = strcspn(l, "\n");
      char sev[16], code[80];
      if (sscanf(l, "%15s %79s", sev, code) == 2) {
        const dv_catalogue_entry *e = dv_catalogue_find(code);
        if (e && strcmp(dv_severity_str(e->severity), sev) == 0) {
          /* count this code's lines */
          size_t count = 0;
          const char *m = o->longtext;
          int first = 1;
          while (*m) {
            size_t ml = strcspn(m, "\n");
            char s2[16], c2[80];
            if (sscanf(m, "%15s %79s", s2, c2) == 2 && strcmp(c2, code) == 0) {
              if (m < l)
                first = 0;
              count++;
            }
            m += ml + (m[ml] == '\n');
          }
          if (first)
            mx_add(&s, MX_FINDINGS, (double)count, "command", "check", "name",
                   target, "code", e->id, "severity", sev, (const char *)NULL);
        }
      }
      l += len + (l[len] == '\n');
    }
  }
  rc = s.nomem ? -1 : mx_print(out, &s);
  mx_free(&s);
  return rc < 0 ? DV_EXIT_UNKNOWN : (int)o->state;
}
