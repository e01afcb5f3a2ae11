/* dvcheck unit tests: one Check runner, one suite per module. */
#ifndef DV_UNIT_H
#define DV_UNIT_H
#include <check.h>
Suite *suite_names(void);
Suite *suite_dnsmsg(void);
Suite *suite_email(void);
Suite *suite_loop(void);
Suite *suite_getparam(void);
Suite *suite_sigv4(void);
Suite *suite_caa(void);
Suite *suite_awsconfig(void);
Suite *suite_acm(void);
Suite *suite_asff(void);
Suite *suite_reportfmt(void);
Suite *suite_expiry(void);
Suite *suite_ratelimit(void);
Suite *suite_nagios(void);
Suite *suite_certdiag(void);
Suite *suite_checkdns(void);
Suite *suite_endpoint(void);
Suite *suite_base(void);
Suite *suite_smtp(void);
Suite *suite_buf(void);
Suite *suite_formats(void);
Suite *suite_resolver(void);
#endif
