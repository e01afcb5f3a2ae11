/* dvcheck unit test runner. */
#include "config.h"

#include <stdlib.h>

#include "unit.h"

int main(void)
{
  SRunner *sr = srunner_create(suite_names());
  int failed;
  srunner_add_suite(sr, suite_dnsmsg());
  srunner_add_suite(sr, suite_email());
  srunner_add_suite(sr, suite_loop());
  srunner_add_suite(sr, suite_getparam());
  srunner_add_suite(sr, suite_sigv4());
  srunner_add_suite(sr, suite_caa());
  srunner_add_suite(sr, suite_awsconfig());
  srunner_add_suite(sr, suite_acm());
  srunner_add_suite(sr, suite_asff());
  srunner_add_suite(sr, suite_reportfmt());
  srunner_add_suite(sr, suite_formats());
  srunner_add_suite(sr, suite_expiry());
  srunner_add_suite(sr, suite_ratelimit());
  srunner_add_suite(sr, suite_nagios());
  srunner_add_suite(sr, suite_certdiag());
  srunner_add_suite(sr, suite_checkdns());
  srunner_add_suite(sr, suite_endpoint());
  srunner_add_suite(sr, suite_base());
  srunner_add_suite(sr, suite_smtp());
  srunner_add_suite(sr, suite_buf());
  srunner_add_suite(sr, suite_resolver());
  srunner_run_all(sr, CK_ENV);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
