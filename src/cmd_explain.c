/* dvcheck -- `dvcheck explain [CODE]`: the catalogue, on demand. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "base/text.h"
#include "check/findings.h"
#include "base/names.h"
#include "src/report.h"
#include "src/tool_operate.h"
#include "src/tool_msgs.h"

static json_t *entry_json(const dv_catalogue_entry *e)
{
  return json_pack("{s:s, s:s, s:s, s:s, s:s}", "code", e->id, "severity",
                   dv_severity_str(e->severity), "title", e->title, "fix",
                   e->fix, "reference", e->reference);
}

int dv_cmd_explain(dv_cfg *cfg)
{
  if (cfg->nargs > 1) {
    dv_error("explain takes one CODE");
    return DV_EXIT_UNKNOWN;
  }
  if (cfg->nargs == 1) {
    const dv_catalogue_entry *e = dv_catalogue_find(cfg->args[0]);
    if (!e) {
      char shown[128];
      dv_error("unknown finding code '%s' (list them all with 'dvcheck "
               "explain')",
               dv_text_escape(cfg->args[0], strlen(cfg->args[0]), shown,
                              sizeof(shown)));
      return DV_EXIT_UNKNOWN;
    }
    if (cfg->json) {
      json_t *j = entry_json(e);
      if (!j)
        return DV_EXIT_UNKNOWN;
      dv_report_json_print(stdout, j);
      json_decref(j);
      return DV_EXIT_OK;
    }
    printf("%s (%s)\n", e->id, dv_severity_str(e->severity));
    dv_report_wrap(stdout, 2, 78, e->title);
    printf("\nFix:\n");
    dv_report_wrap(stdout, 2, 78, e->fix);
    printf("\nReference:\n  %s\n", e->reference);
    return DV_EXIT_OK;
  }
  if (cfg->json) {
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < dv_catalogue_count(); i++)
      json_array_append_new(arr, entry_json(dv_catalogue_get((dv_code)i)));
    if (!arr)
      return DV_EXIT_UNKNOWN;
    dv_report_json_print(stdout, arr);
    json_decref(arr);
    return DV_EXIT_OK;
  }
  for (size_t i = 0; i < dv_catalogue_count(); i++) {
    const dv_catalogue_entry *e = dv_catalogue_get((dv_code)i);
    printf("%-28s %-8s %s\n", e->id, dv_severity_str(e->severity), e->title);
  }
  return DV_EXIT_OK;
}
