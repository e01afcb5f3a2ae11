/* dvcheck -- the --probe part of email, cert and check (tool_probe.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "base/text.h"
#include "src/report.h"
#include "src/tool_operate.h"
#include "src/tool_msgs.h"
#include "src/tool_probe.h"

/* -vv: the dialogue on stderr, the server's bytes escaped */
static void probe_trace(void *arg, dv_smtp_dir d, const char *data, size_t len)
{
  const dv_probe_session *s = arg;
  char shown[DV_SMTP_TEXT_MAX * 4 + 64];
  dv_text_escape(data, len, shown, sizeof(shown));
  fputs("smtp ", stderr);
  dv_text_fput(stderr, s->host, strlen(s->host));
  fprintf(stderr, " %s ",
          d == DV_SMTP_DIR_SENT   ? ">"
          : d == DV_SMTP_DIR_RECV ? "<"
                                  : "*");
  fputs(shown, stderr);
  fputc('\n', stderr);
}

static void probe_cancel(void *arg)
{
  dv_tool_probe *tp = arg;
  dv_probe_ctx_cancel(&tp->ctx);
}

int dv_tool_probe_init(dv_tool_probe *tp, const dv_cfg *cfg, dv_loop *loop)
{
  memset(tp, 0, sizeof(*tp));
  if (!cfg->probe) {
    if (cfg->smtp_timeout_s > 0 || cfg->mail_from || cfg->nconnect_tos) {
      dv_error("--smtp-timeout, --mail-from and --connect-to work only with "
               "--probe");
      return -1;
    }
    return 0;
  }
  tp->ct = calloc(cfg->nconnect_tos ? cfg->nconnect_tos : 1, sizeof(*tp->ct));
  if (!tp->ct) {
    dv_error("out of memory");
    return -1;
  }
  for (size_t i = 0; i < cfg->nconnect_tos; i++) {
    dv_connect_to_status st =
        dv_connect_to_parse(cfg->connect_tos[i], &tp->ct[i]);
    if (st != DV_CONNECT_TO_OK) {
      char shown[300];
      dv_text_escape(cfg->connect_tos[i], strlen(cfg->connect_tos[i]), shown,
                     sizeof(shown));
      dv_error("--connect-to '%s': %s", shown, dv_connect_to_status_str(st));
      return -1;
    }
  }
  tp->o.step_ms = (int64_t)(cfg->smtp_timeout_s * 1000);
  tp->o.mail_from = cfg->mail_from;
  tp->o.connect_to = tp->ct;
  tp->o.nconnect_to = cfg->nconnect_tos;
  tp->o.ca_file = getenv("DVCHECK_CA_BUNDLE");
  if (tp->o.ca_file && !tp->o.ca_file[0])
    tp->o.ca_file = NULL;
  tp->o.trace = cfg->verbose >= 2 ? probe_trace : NULL;
  dv_probe_ctx_init(&tp->ctx, loop, &tp->o);
  if (dv_loop_on_deadline(loop, probe_cancel, tp) != DV_LOOP_OK) {
    dv_error("out of memory");
    return -1;
  }
  tp->started = 1;
  return 0;
}

dv_loop_status dv_tool_probe_run(dv_tool_probe *tp, dv_loop *loop)
{
  (void)tp;
  return dv_loop_run(loop);
}

void dv_tool_probe_free(dv_tool_probe *tp)
{
  free(tp->ct);
  tp->ct = NULL;
}

static void reply_short(const dv_smtp_reply *r, char *out, size_t len)
{
  /* the first line of the text, escaped, at most 48 characters shown */
  size_t n = 0, a = 0;
  char shown[200];
  /* Postfix repeats the address first ("<a@b>: Recipient address
   * rejected: ..."): the table shows it already */
  if (r->textlen > 2 && r->text[0] == '<') {
    const char *e = memchr(r->text, '>', r->textlen);
    if (e && (size_t)(e - r->text) + 3 <= r->textlen && e[1] == ':' &&
        e[2] == ' ')
      a = (size_t)(e - r->text) + 3;
  }
  while (a + n < r->textlen && r->text[a + n] != '\n' && n < 48)
    n++;
  dv_text_escape(r->text + a, n, shown, sizeof(shown));
  snprintf(out, len, "%s%s", shown, a + n < r->textlen ? "..." : "");
}

void dv_tool_probe_text(FILE *out, const dv_probe *p, int indent)
{
  const dv_probe_session *s = dv_probe_decisive(p);
  fprintf(out, "%*sSMTP probe of ", indent, "");
  dv_text_fput(out, p->domain, strlen(p->domain));
  if (!s) {
    fputs(": not run (the run's deadline passed)\n", out);
    return;
  }
  fputs(":\n", out);
  for (size_t i = 0; i < p->nsess; i++) {
    const dv_probe_session *x = &p->sess[i];
    char tls[200];
    if (!x->done)
      continue;
    if (x->res.tls.state == DV_SMTP_TLS_OK)
      snprintf(tls, sizeof(tls), "%s%s%s%s", x->res.tls.protocol,
               x->res.tls.expired ? ", certificate expired" : "",
               !x->res.tls.name_ok ? ", certificate name mismatch" : "",
               !x->res.tls.chain_ok ? ", certificate untrusted" : "");
    else
      snprintf(tls, sizeof(tls), "STARTTLS %s",
               dv_smtp_tls_state_str(x->res.tls.state));
    fprintf(out, "%*s  MX %d ", indent, "", x->pref);
    dv_text_fput(out, x->host, strlen(x->host));
    fputs(" (", out);
    dv_text_fput(out, x->connect_addr, strlen(x->connect_addr));
    fprintf(out, "): %s at %s", dv_smtp_status_str(x->res.status), x->res.step);
    if (x->res.esmtp) {
      fputs("; ", out);
      dv_text_fput(out, tls, strlen(tls));
      if (x->res.pipelining)
        fputs("; PIPELINING", out);
    }
    fputc('\n', out);
  }
  if (p->answered < 0)
    return;
  fprintf(out, "%*s  %-44s %-5s %-8s %s\n", indent, "", "address", "reply",
          "enhanced", "result");
  for (size_t i = 0; i < DV_PROBE_NRCPT && i < s->res.nrcpt_done; i++) {
    const dv_smtp_reply *r = &s->res.rcpt[i];
    char ec[16], why[300];
    dv_smtp_enhanced_str(r, ec, sizeof(ec));
    reply_short(r, why, sizeof(why));
    fprintf(out, "%*s  ", indent, "");
    dv_text_fput(out, p->rcpt[i], strlen(p->rcpt[i]));
    fprintf(out, "%*s %-5d %-8s %s%s (",
            (int)(strlen(p->rcpt[i]) < 44 ? 44 - strlen(p->rcpt[i]) : 0), "",
            r->code, ec[0] ? ec : "-", dv_smtp_rclass_str(dv_smtp_classify(r)),
            i == 5 ? ", random" : "");
    fputs(why, out);
    fputs(")\n", out);
  }
}

static json_t *reply_json(const dv_smtp_reply *r)
{
  char ec[16], shown[DV_SMTP_TEXT_MAX * 4 + 8];
  dv_smtp_enhanced_str(r, ec, sizeof(ec));
  dv_text_escape(r->text, r->textlen, shown, sizeof(shown));
  return json_pack("{s:i, s:o, s:o, s:s}", "code", r->code, "enhanced",
                   ec[0] ? json_string(ec) : json_null(), "text",
                   dv_json_str(shown), "class",
                   dv_smtp_rclass_str(dv_smtp_classify(r)));
}

json_t *dv_tool_probe_json(const dv_probe *p)
{
  const dv_probe_session *s = dv_probe_decisive(p);
  json_t *addrs = json_array(), *sess = json_array(), *o;
  if (!addrs || !sess) {
    json_decref(addrs);
    json_decref(sess);
    return NULL;
  }
  for (size_t i = 0;
       s && p->answered >= 0 && i < DV_PROBE_NRCPT && i < s->res.nrcpt_done;
       i++) {
    json_t *a =
        json_pack("{s:o, s:b, s:o, s:o}", "address", dv_json_str(p->rcpt[i]),
                  "random", i == 5, "reply", reply_json(&s->res.rcpt[i]), "mx",
                  dv_json_str(s->host));
    dv_json_push(&addrs, a);
  }
  for (size_t i = 0; sess && i < p->nsess; i++) {
    const dv_probe_session *x = &p->sess[i];
    const dv_smtp_tls_info *t = &x->res.tls;
    json_t *js, *tls;
    if (!x->done)
      continue;
    tls = json_pack("{s:s, s:o, s:b, s:b, s:b, s:o}", "state",
                    dv_smtp_tls_state_str(t->state), "protocol",
                    t->protocol[0] ? json_string(t->protocol) : json_null(),
                    "chain_ok", t->chain_ok, "name_ok", t->name_ok, "expired",
                    t->expired, "error",
                    t->error[0] ? dv_json_str(t->error) : json_null());
    js = json_pack(
        "{s:o, s:i, s:o, s:o, s:i, s:s, s:s, s:o, s:b, s:b, s:o, "
        "s:b, s:b, s:I}",
        "mx", dv_json_str(x->host), "preference", x->pref, "address",
        dv_json_str(x->addr), "connected_to", dv_json_str(x->connect_addr),
        "port", x->connect_port, "status", dv_smtp_status_str(x->res.status),
        "step", x->res.step, "greeting",
        x->res.greeting.code ? reply_json(&x->res.greeting) : json_null(),
        "esmtp", x->res.esmtp, "pipelining", x->res.pipelining, "tls",
        tls ? tls : json_null(), "quit_sent", x->res.quit_sent, "data_sent", 0,
        "elapsed_ms", (json_int_t)x->res.elapsed_ms);
    if (js && x->res.mail_done)
      json_object_set_new(js, "mail", reply_json(&x->res.mail));
    dv_json_push(&sess, js);
  }
  o = json_pack("{s:o, s:o, s:o, s:o}", "validation_domain",
                dv_json_str(p->domain), "answered_by",
                s && p->answered >= 0 ? dv_json_str(s->host) : json_null(),
                "addresses", addrs ? addrs : json_array(), "sessions",
                sess ? sess : json_array());
  return o;
}
