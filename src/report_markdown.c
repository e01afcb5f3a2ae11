/* dvcheck -- --format markdown. See report_markdown.h.
 *
 * Layout: a heading with the command and the verdict, one line of facts,
 * a table with one row per name (or certificate), then per name with a
 * warning or worse a section listing each finding -- its code, severity,
 * title, evidence, fix and reference -- worst first; information last, in
 * one line. Untrusted text never begins a line (no block syntax can start)
 * and goes through dv_md_fput (no inline syntax can start). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/text.h"
#include "check/findings.h"
#include "src/report_markdown.h"

static void md_char(FILE *out, char c)
{
  const char *ent = c == '\'' ? NULL : dv_text_html_entity(c);
  if (ent) {
    fputs(ent, out);
    return;
  }
  switch (c) {
  case '|':
    fputs("&#124;", out); /* a table cell delimiter even inside code */
    break;
  case '~':
    fputs("&#126;", out); /* strikethrough, fenced code */
    break;
  case '\\':
  case '`':
  case '*':
  case '_':
  case '[':
  case ']':
    fputc('\\', out);
    fputc(c, out);
    break;
  default:
    fputc(c, out);
  }
}

void dv_md_fput(FILE *out, const char *s, int trusted)
{
  size_t len = s ? strlen(s) : 0, i = 0;
  while (i < len) {
    unsigned char c = (unsigned char)s[i];
    if (trusted && c >= 0x80) {
      size_t n = dv_utf8_seq((const unsigned char *)s + i, len - i);
      if (n) {
        fwrite(s + i, 1, n, out);
        i += n;
        continue;
      }
    }
    if (trusted && (c == '\n' || c == '\t')) {
      fputc(' ', out);
      i++;
      continue;
    }
    /* base/text's rule for one byte, then Markdown's for the result */
    dv_text_fput_with(out, s + i, 1, md_char);
    i++;
  }
}

static const char *opt_str(const json_t *o, const char *k)
{
  const json_t *v = json_object_get(o, k);
  return json_is_string(v) ? json_string_value(v) : "";
}

static int sev_rank(const char *sev)
{
  static const char *const r[] = {"info", "warning", "error", "fatal"};
  for (int i = 0; i < 4; i++)
    if (strcmp(sev, r[i]) == 0)
      return i;
  return 0;
}

/* What the row is about. */
static const char *md_subject(const json_t *r)
{
  static const char *const keys[] = {"name",  "target", "domain_name", "domain",
                                     "input", "arn",    NULL};
  for (size_t i = 0; keys[i]; i++)
    if (*opt_str(r, keys[i]))
      return opt_str(r, keys[i]);
  if (*opt_str(r, "kind")) /* a region or an account: md_detail names it */
    return "";
  /* a run that failed before its first name: what the finding is about */
  return opt_str(json_array_get(json_object_get(r, "findings"), 0), "subject");
}

/* ok / warning / failure / unknown for a result. */
static const char *md_verdict(const json_t *r)
{
  const char *v = opt_str(r, "verdict");
  if (*opt_str(r, "severity")) { /* expiry: verdict is the EXPIRY_ code */
    int s = sev_rank(opt_str(r, "severity"));
    return s >= 2 ? "failure" : s == 1 ? "warning" : "ok";
  }
  if (!*v) { /* regions, accounts: from their findings */
    const json_t *fl = json_object_get(r, "findings");
    int w = -1;
    for (size_t i = 0; i < json_array_size(fl); i++) {
      int s = sev_rank(opt_str(json_array_get(fl, i), "severity"));
      w = s > w ? s : w;
    }
    return w >= 2 ? "failure" : w == 1 ? "warning" : "ok";
  }
  return v;
}

/* The worst finding of a result, or NULL. */
static const json_t *md_worst(const json_t *fl)
{
  const json_t *best = NULL;
  for (size_t i = 0; i < json_array_size(fl); i++) {
    const json_t *f = json_array_get(fl, i);
    if (!best ||
        sev_rank(opt_str(f, "severity")) > sev_rank(opt_str(best, "severity")))
      best = f;
  }
  return best;
}

/* The table's Detail cell: what matters most for the command. */
static void md_detail(FILE *out, const char *cmd, const json_t *r)
{
  const char *kind = opt_str(r, "kind");
  const json_t *cert = json_object_get(r, "certificate");
  if (strcmp(kind, "region") == 0 || strcmp(kind, "account") == 0) {
    fputs(kind, out);
    fputs(" ", out);
    dv_md_fput(out,
               *opt_str(r, "region") ? opt_str(r, "region")
                                     : opt_str(r, "account"),
               0);
    if (*opt_str(r, "state") || *opt_str(r, "status")) {
      fputs(": ", out);
      dv_md_fput(
          out,
          *opt_str(r, "state") ? opt_str(r, "state") : opt_str(r, "status"), 0);
    }
    return;
  }
  if (strcmp(cmd, "email") == 0) {
    if (*opt_str(r, "validation_domain")) {
      fputs("ValidationDomain: ", out);
      dv_md_fput(out, opt_str(r, "validation_domain"), 0);
    } else
      fputs("no validation domain receives mail", out);
  } else if (strcmp(cmd, "dns") == 0) {
    fputs("record: ", out);
    dv_md_fput(out, opt_str(r, "record_name"), 0);
  } else if (strcmp(cmd, "preflight") == 0) {
    fputs("method: ", out);
    dv_md_fput(out, opt_str(r, "method"), 0);
  } else if (json_is_object(cert)) {
    fprintf(out, "%lld day(s) left, expires ",
            (long long)json_integer_value(json_object_get(cert, "days_left")));
    dv_md_fput(out, opt_str(cert, "not_after"), 0);
  } else if (strcmp(kind, "certificate") == 0) { /* expiry */
    dv_md_fput(out, opt_str(r, "region"), 0);
    fprintf(out, ", %lld day(s) left, ",
            (long long)json_integer_value(json_object_get(r, "days_left")));
    dv_md_fput(out, opt_str(r, "type"), 0);
    fputs(", ", out);
    dv_md_fput(out,
               *opt_str(r, "validation") ? opt_str(r, "validation")
                                         : "no validation",
               0);
  } else if (*opt_str(r, "arn")) { /* cert, audit */
    if (*opt_str(r, "status")) {
      dv_md_fput(out, opt_str(r, "status"), 0);
      fputs(", ", out);
    }
    dv_md_fput(out, opt_str(r, "arn"), 0);
  }
}

static void md_finding(FILE *out, const json_t *f)
{
  const char *code = opt_str(f, "code");
  const dv_catalogue_entry *e = dv_catalogue_find(code);
  const json_t *ev = json_object_get(f, "evidence");
  const char *k;
  const json_t *v;
  int first = 1;

  fputs("- **", out);
  dv_md_fput(out, opt_str(f, "severity"), 1);
  fputs("** ", out);
  if (e) /* the catalogue's id: letters, digits and _ -- a safe code span */
    fprintf(out, "`%s`", e->id);
  else
    dv_md_fput(out, code, 0);
  fputs(" — ", out);
  dv_md_fput(out, opt_str(f, "subject"), 0);
  fputs(": ", out);
  dv_md_fput(out, e ? e->title : opt_str(f, "message"), 1);
  fputs("\n", out);
  json_object_foreach((json_t *)ev, k, v) {
    fputs(first ? "  - Evidence: " : "; ", out);
    dv_md_fput(out, k, 0);
    fputs(" = ", out);
    dv_md_fput(out, json_is_string(v) ? json_string_value(v) : "", 0);
    first = 0;
  }
  if (!first)
    fputs("\n", out);
  if (e && e->severity >= DV_SEV_WARNING) {
    fputs("  - Fix: ", out);
    dv_md_fput(out, e->fix, 1);
    fputs("\n  - Reference: ", out);
    dv_md_fput(out, e->reference, 1);
    fputs("\n", out);
  }
}

static void md_result_section(FILE *out, const json_t *r)
{
  const json_t *fl = json_object_get(r, "findings");
  size_t n = json_array_size(fl), ninfo = 0;
  const char *subj = md_subject(r);

  fputs("\n### ", out);
  if (*subj)
    dv_md_fput(out, subj, 0);
  else
    md_detail(out, "", r);
  fputs(": ", out);
  dv_md_fput(out, md_verdict(r), 0);
  fputs("\n\n", out);
  if (*opt_str(r, "arn") && strcmp(subj, opt_str(r, "arn")) != 0) {
    fputs("Certificate: ", out);
    dv_md_fput(out, opt_str(r, "arn"), 0);
    fputs("\n\n", out);
  }
  for (int sev = 3; sev >= 1; sev--)
    for (size_t i = 0; i < n; i++) {
      const json_t *f = json_array_get(fl, i);
      if (sev_rank(opt_str(f, "severity")) == sev)
        md_finding(out, f);
    }
  for (size_t i = 0; i < n; i++) {
    const json_t *f = json_array_get(fl, i);
    const dv_catalogue_entry *e = dv_catalogue_find(opt_str(f, "code"));
    if (sev_rank(opt_str(f, "severity")) != 0 || !e)
      continue;
    fputs(ninfo++ ? ", " : "\nInformation: ", out);
    fprintf(out, "`%s` (", e->id);
    dv_md_fput(out, opt_str(f, "subject"), 0);
    fputs(")", out);
  }
  if (ninfo)
    fputs("\n", out);
}

int dv_markdown_print(FILE *out, const json_t *doc)
{
  const char *cmd = opt_str(doc, "command");
  const char *status = opt_str(doc, "status");
  const json_t *res = json_object_get(doc, "results");
  size_t n = json_array_size(res), nbad = 0, i;

  for (i = 0; i < n; i++) {
    const char *v = md_verdict(json_array_get(res, i));
    nbad += strcmp(v, "ok") != 0;
  }
  fputs("## dvcheck ", out);
  dv_md_fput(out, cmd, 0);
  fputs(": ", out);
  for (const char *p = status; *p; p++)
    fputc(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, out);
  fprintf(out,
          "\n\n**Verdict:** %s (exit status %lld); %zu result(s), %zu "
          "not ok",
          status,
          (long long)json_integer_value(json_object_get(doc, "exit_code")), n,
          nbad);
  if (json_is_true(json_object_get(doc, "deadline_hit")))
    fputs("; the --timeout deadline cut the run short", out);
  fputs(". dvcheck ", out);
  dv_md_fput(out, opt_str(doc, "version"), 0);
  fputs(".\n\n", out);
  if (n) {
    fputs("| Name | Verdict | Detail | Worst finding |\n"
          "| --- | --- | --- | --- |\n",
          out);
    for (i = 0; i < n; i++) {
      const json_t *r = json_array_get(res, i);
      const json_t *w = md_worst(json_object_get(r, "findings"));
      const dv_catalogue_entry *e =
          w ? dv_catalogue_find(opt_str(w, "code")) : NULL;
      fputs("| ", out);
      if (*md_subject(r))
        dv_md_fput(out, md_subject(r), 0);
      else if (*opt_str(r, "kind")) { /* a region, an account */
        dv_md_fput(out, opt_str(r, "kind"), 0);
        fputs(" ", out);
        dv_md_fput(out,
                   *opt_str(r, "region") ? opt_str(r, "region")
                                         : opt_str(r, "account"),
                   0);
      }
      fputs(" | ", out);
      dv_md_fput(out, md_verdict(r), 0);
      fputs(" | ", out);
      md_detail(out, cmd, r);
      fputs(" | ", out);
      if (e)
        fprintf(out, "`%s` (%s)", e->id, dv_severity_str(e->severity));
      else
        fputs("none", out);
      fputs(" |\n", out);
    }
  } else
    fputs("No results.\n", out);
  for (i = 0; i < n; i++) {
    const json_t *r = json_array_get(res, i);
    const json_t *w = md_worst(json_object_get(r, "findings"));
    if (w && sev_rank(opt_str(w, "severity")) >= 1)
      md_result_section(out, r);
  }
  return ferror(out) ? -1 : 0;
}
