/* dvcheck -- the HTML report page. See report_html.h. */
#include "config.h"

#include <math.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/text.h"
#include "base/timefmt.h"
#include "check/acm_expiry.h"
#include "src/report.h"
#include "src/report_html.h"
#include "src/tool_msgs.h"

/* ---- the one escaping function ------------------------------------------ */

/* One character, the five HTML metacharacters as entities. */
static void html_put(FILE *out, char c)
{
  const char *ent = dv_text_html_entity(c);
  if (ent)
    fputs(ent, out);
  else
    fputc(c, out);
}

/* The five HTML metacharacters as entities; the rest as it is. */
static void html_entities(FILE *out, const char *p)
{
  for (; *p; p++)
    html_put(out, *p);
}

void dv_html_escape(FILE *out, const char *s, size_t len)
{
  /* base/text's rule: printable ASCII but '\\' as is, all else \xHH; then
   * the entities */
  if (s)
    dv_text_fput_with(out, s, len, html_put);
}

/* Untrusted text (names, ARNs, ACM's and servers' text, evidence). */
static void esc(FILE *out, const char *s)
{
  if (s)
    dv_html_escape(out, s, strlen(s));
}

/* dvcheck's own text (the findings catalogue; its UTF-8, such as the
 * section sign, kept). */
static void own(FILE *out, const char *s)
{
  if (s)
    html_entities(out, s);
}

/* ---- the inline style and script (hashed for the CSP) ------------------- */

static const char page_css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,"
    "sans-serif;margin:1.5em;color:#1b1f23;background:#fff;line-height:1.4}"
    "h1{font-size:1.5em;margin:0 0 .2em}h2{font-size:1.2em;margin:1.6em 0 "
    ".5em;border-bottom:1px solid #d0d7de}h3{font-size:1.05em;margin:0 0 "
    ".4em;word-break:break-all}"
    ".meta{color:#57606a;margin:.2em 0}"
    "code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;"
    "font-size:.92em}"
    ".counts span{display:inline-block;margin-right:1em}"
    "table{border-collapse:collapse;width:100%;font-size:.92em}"
    "th,td{border:1px solid #d0d7de;padding:.25em .5em;text-align:left;"
    "vertical-align:top}"
    "td.dom{word-break:break-all}"
    "th{background:#f6f8fa;cursor:pointer;user-select:none;white-space:"
    "nowrap}"
    "th:focus{outline:2px solid #0969da}"
    "th[aria-sort=ascending]::after{content:' \\25B2'}"
    "th[aria-sort=descending]::after{content:' \\25BC'}"
    "td.num{text-align:right}"
    ".sev{font-weight:600;padding:0 .3em;border-radius:3px}"
    ".sev-fatal{background:#82071e;color:#fff}"
    ".sev-error{background:#cf222e;color:#fff}"
    ".sev-warning{background:#bf8700;color:#fff}"
    ".sev-info{background:#ddf4ff;color:#0a3069}"
    ".sev-none{background:#dafbe1;color:#116329}"
    "svg{width:100%;height:auto;border:1px solid #d0d7de;background:#fff}"
    "svg text{font-size:11px;fill:#1b1f23;font-family:ui-monospace,Menlo,"
    "Consolas,monospace}"
    "svg .axis{stroke:#8c959f;stroke-width:1}"
    "svg .grid{stroke:#eaeef2;stroke-width:1}"
    "svg .today{stroke:#0969da;stroke-width:2;stroke-dasharray:4 3}"
    "svg text.todayl{fill:#0969da;font-weight:600}"
    "svg .life{fill:#8c959f}"
    "svg .life.l-fatal{fill:#82071e}svg .life.l-error{fill:#cf222e}"
    "svg .life.l-warning{fill:#d4a72c}svg .life.l-info{fill:#54aeff}"
    "svg .life.l-none{fill:#4ac26b}"
    "tr.l-fatal td,tr.l-error td{background:#fff5f5}"
    "tr.l-warning td{background:#fff8e1}"
    "svg .renew{fill:none;stroke:#1b1f23;stroke-width:1.5;stroke-dasharray:"
    "2 2}"
    "svg .end{stroke:#1b1f23;stroke-width:2}"
    ".legend span{margin-right:1.2em}"
    ".cert{border:1px solid #d0d7de;border-radius:6px;padding:.7em 1em;"
    "margin:.8em 0}"
    ".cert dl{display:grid;grid-template-columns:max-content 1fr;gap:.1em "
    "1em;margin:.3em 0 .6em}"
    ".cert dt{color:#57606a}.cert dd{margin:0;word-break:break-all}"
    ".finding{border-left:4px solid #8c959f;padding:.2em .7em;margin:.5em 0}"
    ".finding.l-fatal,.finding.l-error{border-color:#cf222e}"
    ".finding.l-warning{border-color:#bf8700}"
    ".finding.l-info{border-color:#54aeff}"
    ".finding p{margin:.2em 0}.finding .ev{margin:.2em 0 .2em 1em;"
    "font-size:.92em}"
    ".fix,.ref{font-size:.92em}.ref{color:#57606a}"
    "footer{margin-top:2em;color:#57606a;font-size:.85em}"
    "@media print{body{margin:0;font-size:10pt}th{cursor:auto}"
    "th::after{content:''!important}a{color:inherit;text-decoration:none}"
    ".cert,.finding,tr,svg{break-inside:avoid}h2{break-after:avoid}"
    ".sev{border:1px solid #000}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/* Click (or Enter/Space on) a header to sort by that column; again to
 * reverse. Cells carry their sort key in data-v. */
static const char page_js[] =
    "(function(){'use strict';"
    "var t=document.getElementById('certs');if(!t||!t.tHead)return;"
    "var hs=t.tHead.rows[0].cells;"
    "function key(r,c){var d=r.cells[c];var v=d.getAttribute('data-v');"
    "return v===null?d.textContent:v;}"
    "function sortBy(h,c){var b=t.tBodies[0];"
    "var rows=Array.prototype.slice.call(b.rows);"
    "var num=h.getAttribute('data-type')==='num';"
    "var dir=h.getAttribute('aria-sort')==='ascending'?-1:1;"
    "rows.forEach(function(r,i){r.__i=i;});"
    "rows.sort(function(x,y){var a=key(x,c),z=key(y,c);"
    "var o=num?parseFloat(a)-parseFloat(z):a.localeCompare(z);"
    "return o?o*dir:x.__i-y.__i;});"
    "for(var k=0;k<hs.length;k++)hs[k].removeAttribute('aria-sort');"
    "h.setAttribute('aria-sort',dir>0?'ascending':'descending');"
    "rows.forEach(function(r){b.appendChild(r);});}"
    "Array.prototype.forEach.call(hs,function(h,c){h.tabIndex=0;"
    "h.addEventListener('click',function(){sortBy(h,c);});"
    "h.addEventListener('keydown',function(e){if(e.key==='Enter'||"
    "e.key===' '){e.preventDefault();sortBy(h,c);}});});"
    "})();";

/* 'sha256-BASE64' of s, for the Content-Security-Policy. */
static int csp_hash(const char *s, char *out, size_t outlen)
{
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  if (!EVP_Digest(s, strlen(s), md, &mdlen, EVP_sha256(), NULL))
    return -1;
  EVP_EncodeBlock(b64, md, (int)mdlen);
  snprintf(out, outlen, "'sha256-%s'", (const char *)b64);
  return 0;
}

/* ---- per-certificate facts ---------------------------------------------- */

typedef struct {
  const dv_html_cert *c;
  size_t idx; /* id in the page: c<idx> */
  int have_end, have_start;
  time_t not_after, not_before;
  long days_left;   /* whole days; negative: expired */
  int sev;          /* worst severity, -1 = no finding */
  dv_code main;     /* the finding shown in the table */
  const char *type; /* AMAZON_ISSUED, IMPORTED, PRIVATE */
  const char *status;
} row;

static const char *sev_class(int sev)
{
  static const char *const n[] = {"sev-info", "sev-warning", "sev-error",
                                  "sev-fatal"};
  return sev >= 0 && sev <= 3 ? n[sev] : "sev-none";
}

/* Row, bar and block tints (the badges use sev_class). */
static const char *lvl_class(int sev)
{
  static const char *const n[] = {"l-info", "l-warning", "l-error", "l-fatal"};
  return sev >= 0 && sev <= 3 ? n[sev] : "l-none";
}

static const char *sev_word(int sev)
{
  return sev >= 0 ? dv_severity_str((dv_severity)sev) : "ok";
}

static void row_init(row *r, const dv_html_cert *c, size_t idx, time_t now)
{
  int any;
  memset(r, 0, sizeof(*r));
  r->c = c;
  r->idx = idx;
  r->type = dv_json_get_str(c->cert, "Type");
  r->status = c->status ? c->status : dv_json_get_str(c->cert, "Status");
  r->have_end = dv_json_get_time(c->cert, "NotAfter", &r->not_after) == 0;
  r->have_start = dv_json_get_time(c->cert, "NotBefore", &r->not_before) == 0;
  if (r->have_end) {
    double left = difftime(r->not_after, now);
    r->days_left =
        left > 0 ? (long)floor(left / 86400.0) : -(long)floor(-left / 86400.0);
  }
  r->sev = -1;
  r->main = DV_F__COUNT;
  if (c->findings) {
    dv_severity w = dv_findings_max(c->findings, &any);
    if (any)
      r->sev = (int)w;
    for (size_t i = 0; i < c->findings->n; i++)
      if (dv_catalogue_get(c->findings->v[i].code)->severity == w) {
        r->main = c->findings->v[i].code;
        /* the more specific finding, not the status line */
        if (strncmp(dv_catalogue_get(r->main)->id, "ACM_STATUS_", 11) != 0)
          break;
      }
  }
  if (c->verdict != DV_F__COUNT)
    r->main = c->verdict;
}

/* Worst first: severity, then the sooner expiry, then the ARN. */
static int row_cmp(const void *a, const void *b)
{
  const row *x = a, *y = b;
  long dx = x->have_end ? x->days_left : 1000000L;
  long dy = y->have_end ? y->days_left : 1000000L;
  int c;
  if (x->sev != y->sev)
    return x->sev > y->sev ? -1 : 1;
  if (dx != dy)
    return dx < dy ? -1 : 1;
  c = strcmp(x->c->arn ? x->c->arn : "", y->c->arn ? y->c->arn : "");
  return c;
}

static void put_date(FILE *out, time_t t)
{
  char buf[40];
  fputs(dv_time_iso(t, DV_TIME_DATE, buf, sizeof(buf)), out);
}

static void put_sev(FILE *out, int sev)
{
  fprintf(out, "<span class=\"sev %s\">%s</span>", sev_class(sev),
          sev_word(sev));
}

/* ---- the table ---------------------------------------------------------- */

static void put_table(FILE *out, const dv_html_report *r, const row *rows,
                      size_t n)
{
  fputs("<table id=\"certs\">\n<thead><tr>"
        "<th data-type=\"num\" aria-sort=\"ascending\" title=\"worst first\">"
        "#</th>",
        out);
  if (r->org)
    fputs("<th>Account</th>", out);
  fputs("<th>Region</th><th>Domain</th><th>Status</th><th>Type</th>"
        "<th data-type=\"num\">Expires</th>"
        "<th data-type=\"num\">Days left</th>"
        "<th data-type=\"num\">Severity</th><th>Finding</th></tr></thead>\n"
        "<tbody>\n",
        out);
  for (size_t i = 0; i < n; i++) {
    const row *w = &rows[i];
    const dv_html_cert *c = w->c;
    fprintf(out, "<tr class=\"%s\"><td class=\"num\" data-v=\"%zu\">%zu</td>",
            lvl_class(w->sev), i + 1, i + 1);
    if (r->org) {
      fputs("<td class=\"mono\">", out);
      esc(out, c->account ? c->account : "-");
      if (c->account_name && *c->account_name) {
        fputs("<br>", out);
        esc(out, c->account_name);
      }
      fputs("</td>", out);
    }
    fputs("<td>", out);
    esc(out, c->region);
    fprintf(out, "</td><td class=\"dom\"><a href=\"#c%zu\">", w->idx);
    esc(out, c->domain && *c->domain ? c->domain : "(no name)");
    fputs("</a></td><td>", out);
    esc(out, w->status);
    fputs("</td><td>", out);
    esc(out, w->type);
    if (w->have_end) {
      fprintf(out, "</td><td data-v=\"%lld\">", (long long)w->not_after);
      put_date(out, w->not_after);
      fprintf(out, "</td><td class=\"num\" data-v=\"%ld\">%ld</td>",
              w->days_left, w->days_left);
    } else {
      fputs("</td><td data-v=\"1e15\">-</td>"
            "<td class=\"num\" data-v=\"1e9\">-</td>",
            out);
    }
    /* the severity's sort key is its rank (-1 = no finding) */
    fprintf(out, "<td data-v=\"%d\">", w->sev);
    put_sev(out, w->sev);
    fputs("</td><td>", out);
    if (w->main != DV_F__COUNT) {
      fputs("<code>", out);
      own(out, dv_catalogue_get(w->main)->id);
      fputs("</code>", out);
    } else {
      fputs("-", out);
    }
    fputs("</td></tr>\n", out);
  }
  fputs("</tbody>\n</table>\n", out);
}

/* ---- the timeline (inline SVG) ------------------------------------------ */

#define TL_W      1000
#define TL_LABEL  300 /* left column: names */
#define TL_RIGHT  20
#define TL_TOP    34
#define TL_ROW    20
#define TL_BOTTOM 12

static int tl_cmp(const void *a, const void *b)
{
  const row *x = *(const row *const *)a, *y = *(const row *const *)b;
  if (x->have_end != y->have_end)
    return x->have_end ? -1 : 1;
  if (x->have_end && x->not_after != y->not_after)
    return x->not_after < y->not_after ? -1 : 1;
  return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static double tl_x(time_t t, time_t lo, time_t hi)
{
  double f = difftime(t, lo) / difftime(hi, lo);
  if (f < 0)
    f = 0;
  if (f > 1)
    f = 1;
  return TL_LABEL + f * (TL_W - TL_LABEL - TL_RIGHT);
}

static int put_timeline(FILE *out, const dv_html_report *r, const row *rows,
                        size_t n)
{
  const row **v = calloc(n ? n : 1, sizeof(*v));
  time_t lo = r->now - 30 * 86400, hi = r->now + (r->days + 15) * 86400;
  static const long steps[] = {7, 14, 30, 61, 91, 182, 365, 730};
  long step = steps[0];
  int height = TL_TOP + (int)(n ? n : 1) * TL_ROW + TL_BOTTOM;
  const long renew_days = DV_EXPIRY_RENEWAL_DAYS;

  if (!v)
    return -1;
  for (size_t i = 0; i < n; i++) {
    v[i] = &rows[i];
    if (!rows[i].have_end)
      continue;
    if (rows[i].not_after - 7 * 86400 < lo)
      lo = rows[i].not_after - 7 * 86400;
    if (rows[i].not_after + 14 * 86400 > hi)
      hi = rows[i].not_after + 14 * 86400;
  }
  /* keep far-off expiries from squeezing the next months */
  if (lo < r->now - 400L * 86400)
    lo = r->now - 400L * 86400;
  if (hi > r->now + 420L * 86400)
    hi = r->now + 420L * 86400;
  qsort(v, n, sizeof(*v), tl_cmp);
  for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
    step = steps[i];
    if (difftime(hi, lo) / (step * 86400.0) <= 10)
      break;
  }
  fprintf(out,
          "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" "
          "viewBox=\"0 0 %d %d\" role=\"img\" "
          "aria-label=\"expiry timeline\">\n",
          TL_W, height);
  /* grid and axis: ticks every step days from lo */
  for (time_t t = lo; t <= hi; t += step * 86400) {
    double x = tl_x(t, lo, hi);
    fprintf(out,
            "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
            "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">",
            x, TL_TOP - 6, x, height - TL_BOTTOM, x, TL_TOP - 10);
    put_date(out, t);
    fputs("</text>\n", out);
  }
  fprintf(out,
          "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>\n",
          TL_LABEL, TL_TOP - 4, TL_W - TL_RIGHT, TL_TOP - 4);
  for (size_t i = 0; i < n; i++) {
    const row *w = v[i];
    const dv_html_cert *c = w->c;
    int y = TL_TOP + (int)i * TL_ROW;
    char name[48], full[400];
    /* --org: the account first; cut long names before escaping (never
     * inside an escape) */
    snprintf(full, sizeof(full), "%s%s%s", c->account ? c->account : "",
             c->account ? " " : "", c->domain ? c->domain : "");
    if (strlen(full) > 40)
      snprintf(name, sizeof(name), "%.37s...", full);
    else
      snprintf(name, sizeof(name), "%s", full);
    fprintf(out, "<g class=\"row\" data-cert=\"c%zu\"><title>", w->idx);
    esc(out, c->domain);
    if (w->have_end) {
      fputs(" - expires ", out);
      put_date(out, w->not_after);
      fprintf(out, " (%ld day(s))", w->days_left);
    } else {
      fputs(" - not issued, no expiry date", out);
    }
    fputs("</title>", out);
    fprintf(out, "<text x=\"4\" y=\"%d\">", y + 13);
    esc(out, name);
    fputs("</text>", out);
    if (w->have_end) {
      time_t start = w->have_start ? w->not_before : lo;
      double x0 = tl_x(start, lo, hi), x1 = tl_x(w->not_after, lo, hi);
      fprintf(out,
              "<rect class=\"life %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
              "height=\"10\"/>",
              lvl_class(w->sev), x0, y + 4, x1 - x0 > 1 ? x1 - x0 : 1);
      fprintf(out,
              "<line class=\"end\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
              "y2=\"%d\"/>",
              x1, y + 1, x1, y + 17);
      /* ACM's managed renewal window: from 60 days before NotAfter */
      if (strcmp(w->type, "AMAZON_ISSUED") == 0) {
        double xr = tl_x(w->not_after - renew_days * 86400, lo, hi);
        fprintf(out,
                "<rect class=\"renew\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" "
                "height=\"14\"><title>ACM managed renewal window: ",
                xr, y + 2, x1 - xr > 1 ? x1 - xr : 1);
        put_date(out, w->not_after - renew_days * 86400);
        fputs(" to ", out);
        put_date(out, w->not_after);
        fputs("</title></rect>", out);
      }
    } else {
      fprintf(out, "<text x=\"%d\" y=\"%d\">(not issued: no expiry)</text>",
              TL_LABEL + 4, y + 13);
    }
    fputs("</g>\n", out);
  }
  {
    double xt = tl_x(r->now, lo, hi);
    fprintf(out,
            "<line class=\"today\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
            "y2=\"%d\"/><text class=\"todayl\" x=\"%.1f\" y=\"%d\">today "
            "",
            xt, TL_TOP - 4, xt, height - TL_BOTTOM + 6, xt + 3, height - 2);
    put_date(out, r->now);
    fputs("</text>\n</svg>\n", out);
  }
  fprintf(out,
          "<p class=\"legend\"><span>bar: validity (NotBefore to "
          "NotAfter), coloured by the worst finding</span><span>dashed "
          "box: ACM's managed renewal window (%ld days before expiry, "
          "AMAZON_ISSUED only)</span><span>dashed blue line: "
          "today</span></p>\n",
          renew_days);
  free(v);
  return 0;
}

/* ---- details ------------------------------------------------------------ */

static void put_findings(FILE *out, const dv_findings *fl)
{
  /* worst first, catalogue order within a severity */
  for (int sev = DV_SEV_FATAL; sev >= DV_SEV_INFO; sev--)
    for (size_t i = 0; i < fl->n; i++) {
      const dv_finding *f = &fl->v[i];
      const dv_catalogue_entry *e = dv_catalogue_get(f->code);
      if ((int)e->severity != sev)
        continue;
      fprintf(out, "<div class=\"finding %s\"><p>", lvl_class(sev));
      put_sev(out, sev);
      fputs(" <code>", out);
      own(out, e->id);
      fputs("</code> ", out);
      esc(out, f->subject);
      fputs("</p><p><strong>", out);
      own(out, e->title);
      fputs("</strong></p>", out);
      if (f->nev) {
        fputs("<dl class=\"ev\">", out);
        for (size_t k = 0; k < f->nev; k++) {
          fputs("<dt>", out);
          esc(out, f->ev[k].key);
          fputs("</dt><dd class=\"mono\">", out);
          esc(out, f->ev[k].value);
          fputs("</dd>", out);
        }
        fputs("</dl>", out);
      }
      if (e->fix && *e->fix) {
        fputs("<p class=\"fix\"><strong>Fix:</strong> ", out);
        own(out, e->fix);
        fputs("</p>", out);
      }
      if (e->reference && *e->reference) {
        fputs("<p class=\"ref\">Reference: ", out);
        own(out, e->reference);
        fputs("</p>", out);
      }
      fputs("</div>\n", out);
    }
}

static void dl_item(FILE *out, const char *k, const char *v)
{
  if (!v || !*v)
    return;
  fputs("<dt>", out);
  esc(out, k);
  fputs("</dt><dd>", out);
  esc(out, v);
  fputs("</dd>", out);
}

static void put_cert(FILE *out, const row *w)
{
  const dv_html_cert *c = w->c;
  const json_t *rs = json_object_get(c->cert, "RenewalSummary");
  const json_t *inuse = json_object_get(c->cert, "InUseBy");
  const json_t *sans = json_object_get(c->cert, "SubjectAlternativeNames");
  char buf[64];
  fprintf(out, "<section class=\"cert\" id=\"c%zu\"><h3>", w->idx);
  put_sev(out, w->sev);
  fputs(" ", out);
  esc(out, c->domain && *c->domain ? c->domain : "(no name)");
  fputs("</h3><dl>", out);
  dl_item(out, "ARN", c->arn);
  if (c->account) {
    dl_item(out, "Account", c->account);
    dl_item(out, "Account name", c->account_name);
  }
  dl_item(out, "Region", c->region);
  if (json_array_size(sans) > 1) {
    size_t k;
    const json_t *it;
    fputs("<dt>Names</dt><dd>", out);
    json_array_foreach(sans, k, it) {
      fputs(k ? ", " : "", out);
      if (json_is_string(it))
        dv_html_escape(out, json_string_value(it), json_string_length(it));
    }
    fputs("</dd>", out);
  }
  dl_item(out, "Status", w->status);
  dl_item(out, "Type", w->type);
  if (w->have_start)
    dl_item(out, "Not before",
            dv_time_iso(w->not_before, DV_TIME_SECONDS, buf, sizeof(buf)));
  if (w->have_end) {
    dl_item(out, "Not after",
            dv_time_iso(w->not_after, DV_TIME_SECONDS, buf, sizeof(buf)));
    snprintf(buf, sizeof(buf), "%ld", w->days_left);
    dl_item(out, w->days_left >= 0 ? "Days left" : "Days since expiry",
            w->days_left >= 0 ? buf : buf + 1);
  }
  dl_item(out, "Renewal eligibility",
          dv_json_get_str(c->cert, "RenewalEligibility"));
  if (json_is_object(rs))
    dl_item(out, "Renewal status", dv_json_get_str(rs, "RenewalStatus"));
  if (json_is_array(inuse)) {
    snprintf(buf, sizeof(buf), "%zu resource(s)", json_array_size(inuse));
    dl_item(out, "In use by", buf);
  }
  dl_item(out, "Listed because", c->note);
  fputs("</dl>\n", out);
  if (c->findings && c->findings->n)
    put_findings(out, c->findings);
  else
    fputs("<p>No findings.</p>\n", out);
  fputs("</section>\n", out);
}

/* ---- the page ----------------------------------------------------------- */

int dv_report_html(FILE *out, const dv_html_report *r)
{
  row *rows = calloc(r->ncerts ? r->ncerts : 1, sizeof(*rows));
  char css_h[128], js_h[128], date[40];
  size_t nsev[5] = {0};
  int rc = 0;

  if (!rows || csp_hash(page_css, css_h, sizeof(css_h)) < 0 ||
      csp_hash(page_js, js_h, sizeof(js_h)) < 0) {
    free(rows);
    return -1;
  }
  for (size_t i = 0; i < r->ncerts; i++) {
    row_init(&rows[i], &r->certs[i], i + 1, r->now);
    nsev[rows[i].sev + 1]++;
  }
  qsort(rows, r->ncerts, sizeof(*rows), row_cmp);
  dv_time_iso(r->now, DV_TIME_SECONDS, date, sizeof(date));

  fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta "
        "charset=\"utf-8\">\n",
        out);
  fprintf(out,
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
          "'none'; style-src %s; script-src %s; img-src 'none'; "
          "base-uri 'none'; form-action 'none'\">\n",
          css_h, js_h);
  fputs("<meta name=\"viewport\" content=\"width=device-width, "
        "initial-scale=1\">\n<meta name=\"generator\" "
        "content=\"dvcheck " PACKAGE_VERSION "\">\n",
        out);
  fprintf(out, "<title>dvcheck %s: ACM certificates, %s</title>\n", r->command,
          date);
  fprintf(out, "<style>%s</style>\n</head>\n<body>\n", page_css);
  fprintf(out, "<header><h1>ACM certificates: dvcheck %s</h1>\n", r->command);
  fprintf(out,
          "<p class=\"meta\">%s UTC &middot; %zu certificate(s) listed in "
          "%zu %s, %zu shown (%s) &middot; verdict ",
          date, r->listed, r->nunits,
          r->org ? "account-region(s)" : "region(s)", r->ncerts,
          strcmp(r->command, "expiry") == 0 ? "expiring within the window"
                                            : "those needing attention");
  {
    int sev = r->exit_code == DV_EXIT_OK        ? -1
              : r->exit_code == DV_EXIT_WARNING ? DV_SEV_WARNING
                                                : DV_SEV_ERROR;
    fprintf(out, "<span class=\"sev %s\">%s</span> (exit %d)</p>\n",
            sev_class(sev), dv_report_status_word(r->exit_code), r->exit_code);
  }
  fprintf(out,
          "<p class=\"counts\"><span>%zu fatal</span><span>%zu "
          "error</span><span>%zu warning</span><span>%zu info</span>"
          "<span>%zu without findings</span> &middot; window %ld "
          "days</p>\n</header>\n",
          nsev[4], nsev[3], nsev[2], nsev[1], nsev[0], r->days);

  fputs("<main>\n<h2>Certificates, worst first</h2>\n", out);
  if (r->ncerts) {
    put_table(out, r, rows, r->ncerts);
    fputs("<h2>Expiry timeline</h2>\n", out);
    if (put_timeline(out, r, rows, r->ncerts) < 0)
      rc = -1;
    fputs("<h2>Details</h2>\n", out);
    for (size_t i = 0; i < r->ncerts; i++)
      put_cert(out, &rows[i]);
  } else {
    fputs("<p>No certificate needs attention.</p>\n", out);
  }
  {
    int head = 0;
    for (size_t g = 0; g < r->ngroups; g++) {
      if (!r->groups[g].findings || !r->groups[g].findings->n)
        continue;
      if (!head)
        fputs("<h2>Other findings</h2>\n", out);
      head = 1;
      fputs("<section class=\"cert\"><h3>", out);
      esc(out, r->groups[g].label);
      fputs("</h3>\n", out);
      put_findings(out, r->groups[g].findings);
      fputs("</section>\n", out);
    }
  }
  fputs("</main>\n<footer>Generated by dvcheck " PACKAGE_VERSION
        ". Every name and text from ACM, DNS or the accounts is shown "
        "escaped: bytes outside printable ASCII appear as \\xHH.</footer>\n",
        out);
  fprintf(out, "<script>%s</script>\n</body>\n</html>\n", page_js);
  free(rows);
  if (fflush(out) != 0 || ferror(out))
    rc = -1;
  return rc;
}

int dv_report_html_acm(FILE *out, dv_html_report *r, const dv_org *org,
                       const dv_html_unit *units, size_t nunits)
{
  size_t ng = 0, max = nunits + (org ? org->n + 1 : 0) + 1;
  dv_html_group *g = calloc(max, sizeof(*g));
  char(*lab)[200] = calloc(max, sizeof(*lab));
  int rc = -1;
  if (!g || !lab)
    goto out;
  if (org) {
    g[ng].label = "organisation";
    g[ng++].findings = &org->findings;
    for (size_t i = 0; i < org->n; i++) {
      const dv_org_account *a = &org->v[i];
      snprintf(lab[ng], sizeof(lab[ng]), "account %s%s%s%s (%s)", a->id,
               a->name[0] ? " (" : "", a->name, a->name[0] ? ")" : "",
               a->status);
      g[ng].label = lab[ng];
      g[ng++].findings = &a->findings;
    }
  }
  for (size_t i = 0; i < nunits; i++) {
    const dv_org_account *a = units[i].acct;
    snprintf(lab[ng], sizeof(lab[ng]), "%s%s%s %s", a ? "account " : "",
             a ? a->id : "", a ? ", region" : "region", units[i].region->name);
    g[ng].label = lab[ng];
    g[ng++].findings = &units[i].region->findings;
  }
  r->groups = g;
  r->ngroups = ng;
  r->org = org != NULL;
  r->nunits = nunits;
  rc = dv_report_html(out, r);
  r->groups = NULL;
  r->ngroups = 0;
out:
  free(g);
  free(lab);
  return rc;
}

int dv_report_html_run(FILE *out, const char *command, time_t now, long days,
                       size_t listed, int exit_code, const dv_html_cert *certs,
                       size_t ncerts, const dv_org *org,
                       const dv_html_unit *units, size_t nunits)
{
  dv_html_report rep;
  int r = -1;
  if (certs && units) {
    memset(&rep, 0, sizeof(rep));
    rep.command = command;
    rep.now = now;
    rep.days = days;
    rep.exit_code = exit_code;
    rep.listed = listed;
    rep.certs = certs;
    rep.ncerts = ncerts;
    r = dv_report_html_acm(out, &rep, org, units, nunits);
  }
  if (r < 0) {
    dv_error("cannot write the HTML report");
    return DV_EXIT_UNKNOWN;
  }
  return exit_code;
}
