/* dvcheck -- WHOIS/RDAP contact checks as text (dvcheck whois, email
 * --contacts). See report_whois.h. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "src/report_whois.h"

void dv_whois_check_text_body(FILE *out, const dv_whois_check *c, int indent)
{
  const dv_whois_info *w = &c->info;
  const dv_contact *roles[3] = {&w->registrant, &w->admin, &w->tech};
  if (c->have_info && w->empty) {
    fprintf(out, "%*scontacts    unknown (empty reply: no data)\n", indent, "");
  } else if (c->have_info) {
    for (int i = 0; i < 3; i++) {
      fprintf(out, "%*s%-11s %-9s ", indent, "", dv_whois_role_names[i],
              dv_contact_status_str(roles[i]->status));
      dv_text_fput(
          out, roles[i]->email[0] ? roles[i]->email : roles[i]->raw,
          strlen(roles[i]->email[0] ? roles[i]->email : roles[i]->raw));
      fputc('\n', out);
    }
  } else {
    fprintf(out, "%*scontacts    unknown (no usable answer)\n", indent, "");
  }
  for (size_t i = 0; c->rdap_asked && i < c->rdap.nhops; i++) {
    char why[128];
    const dv_rdap_hop *h = &c->rdap.hops[i];
    fprintf(out, "%*sasked       rdap  %-9s ", indent, "", h->role);
    dv_text_fput(out, h->url, strlen(h->url));
    fprintf(out, "  %s\n",
            dv_rdap_hop_problem(h, why, sizeof(why)) ? why
            : h->not_found                           ? "not found"
                                                     : "ok");
  }
  for (size_t i = 0; c->whois_asked && i < c->wl.nhops; i++) {
    const dv_whois_hop *h = &c->wl.hops[i];
    fprintf(out, "%*sasked       whois %-9s ", indent, "", h->role);
    dv_text_fput(out, h->host, strlen(h->host));
    fprintf(out, "  %s%s%s\n",
            h->skipped ? "not asked" : dv_wfetch_status_str(h->status),
            h->throttled ? ", throttled" : "",
            h->truncated ? ", truncated" : "");
  }
}
