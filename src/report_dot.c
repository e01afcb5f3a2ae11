/* dvcheck -- the DNS graph in Graphviz DOT. See report_dot.h. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/text.h"
#include "src/report_dot.h"

/* ---- escaping ------------------------------------------------------------ */

/* One character of a quoted DOT string: '"' and '\\' backslashed. */
static void dot_put(FILE *out, char c)
{
  if (c == '"' || c == '\\')
    fputc('\\', out);
  fputc(c, out);
}

void dv_dot_escape(FILE *out, const char *s, size_t len)
{
  if (s)
    dv_text_fput_with(out, s, len, dot_put);
}

static void qs(FILE *out, const char *s)
{
  if (s)
    dv_dot_escape(out, s, strlen(s));
}

/* ---- the graph ------------------------------------------------------------
 */

#define RED   "color=\"#cf222e\", fontcolor=\"#cf222e\", penwidth=2"
#define GREEN "color=\"#1a7f37\", fontcolor=\"#1a7f37\""
#define BLUE  "color=\"#0969da\", fontcolor=\"#0969da\""
#define RES   "color=\"#8250df\", fontcolor=\"#8250df\", style=dashed"

#define NODE_BAD  "style=filled, fillcolor=\"#ffebe9\", color=\"#cf222e\""
#define NODE_GOOD "style=filled, fillcolor=\"#dafbe1\", color=\"#1a7f37\""

typedef struct {
  char *name; /* a DNS name or "TXT:" value, per record prefix */
  char id[48];
} dot_node;

typedef struct {
  FILE *out;
  dot_node *v;
  size_t n, cap;
  unsigned seq;
  int nomem;
} dot_graph;

/* The node for a name (a CNAME target, a TXT value) in the record's
 * cluster: made (as an ellipse, or with attrs) at its first use. */
static const char *name_node(dot_graph *g, const char *prefix, const char *kind,
                             const char *name, const char *attrs)
{
  size_t klen = strlen(prefix) + strlen(kind) + strlen(name) + 3;
  char *key = malloc(klen);
  dot_node *nd;
  if (!key) {
    g->nomem = 1;
    return "oom";
  }
  snprintf(key, klen, "%s|%s|%s", prefix, kind, name);
  for (size_t i = 0; i < g->n; i++)
    if (strcasecmp(g->v[i].name, key) == 0) {
      free(key);
      return g->v[i].id;
    }
  if (g->n == g->cap) {
    size_t nc = g->cap ? 2 * g->cap : 16;
    dot_node *nv = realloc(g->v, nc * sizeof(*nv));
    if (!nv) {
      free(key);
      g->nomem = 1;
      return "oom";
    }
    g->v = nv;
    g->cap = nc;
  }
  nd = &g->v[g->n++];
  nd->name = key;
  snprintf(nd->id, sizeof(nd->id), "%s_n%u", prefix, g->seq++);
  fprintf(g->out, "    \"%s\" [label=\"%s", nd->id, kind);
  qs(g->out, name);
  fprintf(g->out, "\"%s%s];\n", attrs ? ", " : "", attrs ? attrs : "");
  return nd->id;
}

static int state_good(const char *st)
{
  return strcmp(st, "correct") == 0 || strcmp(st, "has_txt") == 0 ||
         strcmp(st, "ok") == 0;
}

static int state_answered(const char *st)
{
  return state_good(st) || strcmp(st, "wrong_value") == 0 ||
         strcmp(st, "missing") == 0 || strcmp(st, "delegated") == 0;
}

static void edge(dot_graph *g, const char *a, const char *b, const char *label,
                 const char *label_untrusted, const char *attrs)
{
  fprintf(g->out, "  \"%s\" -> \"%s\" [label=\"%s", a, b, label);
  qs(g->out, label_untrusted);
  fprintf(g->out, "\"%s%s];\n", attrs ? ", " : "", attrs ? attrs : "");
}

static void put_record(dot_graph *g, const dv_dns_record *r, const char *prefix)
{
  FILE *out = g->out;
  int txt = r->kind != DV_REC_ACM_CNAME;
  char zid[64] = "", prev[64] = "", rn[64], exp[64] = "", res[64], none[64];
  char child[64] = "";
  size_t ngood = 0;

  snprintf(rn, sizeof(rn), "%s_rn", prefix);
  snprintf(res, sizeof(res), "%s_res", prefix);
  snprintf(none, sizeof(none), "%s_none", prefix);
  /* the delegated target first: its nodes must be declared in its own
   * cluster before this one's edges name them */
  if (r->child) {
    snprintf(child, sizeof(child), "%sc", prefix);
    put_record(g, r->child, child);
  }

  fprintf(out, "  subgraph \"cluster_%s\" {\n    label=\"%s ", prefix,
          r->depth ? "delegated to" : "record");
  qs(out, r->rname);
  if (!r->depth && r->cert_name[0]) {
    fputs(" (for ", out);
    qs(out, r->cert_name);
    fputc(')', out);
  }
  fputs("\";\n    style=rounded; color=\"#8c959f\";\n", out);

  /* the delegation path: every probed owner with its own NS RRset, from
   * the top down */
  for (size_t k = r->nzprobe; k-- > 0;) {
    const dv_zone_probe *z = &r->zprobe[k];
    char id[64];
    if (!z->has_ns)
      continue;
    snprintf(id, sizeof(id), "%s_z%zu", prefix, k);
    fprintf(out, "    \"%s\" [shape=folder, label=\"zone ", id);
    qs(out, z->name);
    fputs("\\nNS:", out);
    for (size_t j = 0; j < z->nns && j < 4; j++) {
      fputc(' ', out);
      qs(out, z->ns[j]);
    }
    if (z->nns > 4)
      fputs(" ...", out);
    fprintf(out, "\"%s];\n",
            (int)k == r->zone_idx
                ? ", penwidth=2, style=filled, fillcolor=\"#ddf4ff\""
                : "");
    if (prev[0])
      fprintf(out, "    \"%s\" -> \"%s\" [label=\"delegates\", style=bold];\n",
              prev, id);
    snprintf(prev, sizeof(prev), "%s", id);
    if ((int)k == r->zone_idx)
      snprintf(zid, sizeof(zid), "%s", id);
  }
  if (!zid[0]) {
    snprintf(zid, sizeof(zid), "%s_nozone", prefix);
    fprintf(out,
            "    \"%s\" [shape=folder, " NODE_BAD ", label=\"no zone "
            "found",
            zid);
    if (r->nzprobe) {
      fputs("\\nNS lookup of ", out);
      qs(out, r->zprobe[r->nzprobe - 1].name);
      fprintf(out, ": %s", dv_dns_status_str(r->zprobe[r->nzprobe - 1].status));
    }
    fputs("\"];\n", out);
  }

  /* the record name, the expected value */
  fprintf(out, "    \"%s\" [shape=note, label=\"", rn);
  qs(out, r->rname);
  fprintf(out, "\\n(%s record name)\"];\n",
          r->kind == DV_REC_ACME_TXT      ? "dns-01 TXT"
          : r->kind == DV_REC_PERSIST_TXT ? "dns-persist-01 TXT"
                                          : "validation CNAME");
  fprintf(out, "    \"%s\" -> \"%s\" [style=dotted, arrowhead=none];\n", zid,
          rn);
  if (r->rvalue[0]) {
    const char *kind = txt ? "expected TXT " : "expected CNAME ";
    snprintf(exp, sizeof(exp), "%s",
             name_node(g, prefix, kind, r->rvalue, "shape=doubleoctagon"));
  }

  /* each authoritative server and its answer */
  for (size_t i = 0; i < r->nauth; i++) {
    const dv_auth_answer *s = &r->auth[i];
    const char *st = dv_auth_state_word(s, r);
    char sid[64];
    snprintf(sid, sizeof(sid), "%s_s%zu", prefix, i);
    fprintf(out, "    \"%s\" [shape=box, label=\"", sid);
    qs(out, s->ns);
    fputs("\\n", out);
    qs(out, s->addr[0] ? s->addr : "no address");
    if (s->soa_ok)
      fprintf(out, "\\nserial %u", s->serial);
    fprintf(out, "\\n%s\"%s%s];\n", st, state_good(st) ? ", " NODE_GOOD : "",
            state_good(st) || strcmp(st, "delegated") == 0 ? ""
                                                           : ", " NODE_BAD);
    if (strcmp(st, "lame") == 0) {
      char why[80];
      snprintf(why, sizeof(why), "NS (lame: %s%s)",
               dv_dns_status_str(s->cname_st),
               s->aa ? "" : ", not authoritative");
      edge(g, zid, sid, why, NULL, RED);
      continue;
    }
    if (!state_answered(st)) {
      char why[80];
      snprintf(why, sizeof(why), "NS (%s: %s)", st,
               s->addr[0] ? dv_dns_status_str(s->cname_st) : "no address");
      edge(g, zid, sid, why, NULL, RED ", style=dashed");
      continue;
    }
    edge(g, zid, sid, "NS", NULL, NULL);
    ngood += state_good(st);
    if (s->cname[0]) {
      const char *to;
      int right = !txt && strcasecmp(s->cname, r->rvalue) == 0;
      if (right)
        to = exp;
      else if (child[0] && strcasecmp(s->cname, r->child->rname) == 0)
        to = "";
      else
        to = name_node(g, prefix, "", s->cname, NULL);
      if (!*to) {
        char cid[80];
        snprintf(cid, sizeof(cid), "%s_rn", child);
        edge(g, sid, cid, "CNAME (delegation)", NULL, BLUE);
      } else {
        edge(g, sid, to, "CNAME", NULL, right ? GREEN : txt ? BLUE : RED);
      }
    } else if (txt && s->ntxt) {
      for (size_t k = 0; k < s->ntxt; k++) {
        int right = r->rvalue[0] && strcmp(s->txtv[k], r->rvalue) == 0;
        const char *to =
            right ? exp : name_node(g, prefix, "TXT ", s->txtv[k], NULL);
        edge(g, sid, to, "TXT", NULL,
             state_good(st) && (right || !r->rvalue[0]) ? GREEN : RED);
      }
    } else {
      char lab[64];
      snprintf(lab, sizeof(lab), "nothing (%s)",
               dv_dns_status_str(s->cname_st));
      fprintf(out,
              "    \"%s\" [shape=octagon, " NODE_BAD ", label=\"no "
              "%s at ",
              none, txt ? "TXT" : "CNAME");
      qs(out, r->rname);
      fputs("\"];\n", out);
      edge(g, sid, none, lab, NULL, RED);
    }
  }
  if (r->nauth == 0 && r->zone[0]) {
    fprintf(out,
            "    \"%s_nosrv\" [shape=box, " NODE_BAD ", label=\"no "
            "name server address\"];\n",
            prefix);
    fprintf(out, "  \"%s\" -> \"%s_nosrv\" [label=\"NS\", " RED "];\n", zid,
            prefix);
  }

  /* the recursive resolver's view */
  fprintf(out,
          "    \"%s\" [shape=ellipse, style=dashed, color=\"#8250df\", "
          "label=\"recursive resolver\"];\n",
          res);
  if (!txt) {
    const char *last = rn;
    char lab[64];
    int ok = r->nchain && strcasecmp(r->chain[r->nchain - 1], r->rvalue) == 0;
    snprintf(lab, sizeof(lab), "CNAME? %s", dv_dns_status_str(r->rec_st));
    edge(g, res, rn, lab, NULL,
         r->rec_cname[0] ? RES : RES ", penwidth=2, color=\"#cf222e\"");
    for (size_t k = 0; k < r->nchain; k++) {
      const char *to = strcasecmp(r->chain[k], r->rvalue) == 0
                           ? exp
                           : name_node(g, prefix, "", r->chain[k], NULL);
      char hop[40];
      snprintf(hop, sizeof(hop), "CNAME hop %zu", k + 1);
      edge(g, last, to, hop, NULL,
           k + 1 == r->nchain && !ok ? RED ", style=dashed" : RES);
      last = to;
    }
    if (r->nchain && !ok) {
      fprintf(out,
              "    \"%s_end\" [shape=octagon, " NODE_BAD ", label=\"the "
              "chain ends here: %s\\n(not the expected value)\"];\n",
              prefix, dv_dns_status_str(r->chain_st));
      fprintf(out, "  \"%s\" -> \"%s_end\" [" RED "];\n", last, prefix);
    }
  } else {
    char lab[64];
    snprintf(lab, sizeof(lab), "TXT? %s", dv_dns_status_str(r->rec_txt_st));
    edge(g, res, rn, lab, NULL,
         r->rec_ntxt ? RES : RES ", penwidth=2, color=\"#cf222e\"");
    for (size_t k = 0; k < r->rec_ntxt; k++) {
      int right = r->rvalue[0] && strcmp(r->rec_txtv[k], r->rvalue) == 0;
      const char *to =
          right ? exp : name_node(g, prefix, "TXT ", r->rec_txtv[k], NULL);
      edge(g, res, to, "TXT (resolver)", NULL, RES);
    }
  }
  if (exp[0] && !ngood && r->nauth)
    fprintf(out, "    \"%s\" [" NODE_BAD "];\n", exp);
  else if (exp[0] && ngood)
    fprintf(out, "    \"%s\" [" NODE_GOOD "];\n", exp);
  fputs("  }\n", out);

  if (r->child)
    fprintf(out,
            "  \"%s\" -> \"%s_rn\" [label=\"CNAME (delegation)\", " BLUE
            ", style=bold];\n",
            rn, child);
}

int dv_report_dot(FILE *out, const dv_dns_record *recs, size_t n)
{
  dot_graph g;
  int rc = 0;
  memset(&g, 0, sizeof(g));
  g.out = out;
  fputs("digraph \"dvcheck\" {\n"
        "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=11, "
        "labelloc=t, label=\"dvcheck dns: delegation, authoritative answers "
        "and CNAME chain\"];\n"
        "  node [fontname=\"Helvetica\", fontsize=10];\n"
        "  edge [fontname=\"Helvetica\", fontsize=9];\n",
        out);
  for (size_t i = 0; i < n; i++) {
    char prefix[32];
    if (recs[i].shared_with >= 0)
      continue;
    snprintf(prefix, sizeof(prefix), "r%zu", i);
    put_record(&g, &recs[i], prefix);
  }
  fputs("}\n", out);
  for (size_t i = 0; i < g.n; i++)
    free(g.v[i].name);
  free(g.v);
  if (g.nomem)
    rc = -1;
  if (fflush(out) != 0 || ferror(out))
    rc = -1;
  return rc;
}
