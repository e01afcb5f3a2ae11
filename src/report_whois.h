/* dvcheck -- rendering the WHOIS/RDAP contact checks (check/check_whois.h). */
#ifndef DV_REPORT_WHOIS_H
#define DV_REPORT_WHOIS_H

#include <stdio.h>

#include "check/check_whois.h"

/* The contacts and the servers asked, one per line, indented. */
void dv_whois_check_text_body(FILE *out, const dv_whois_check *c, int indent);

#endif
