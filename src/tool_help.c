/* dvcheck -- commands and options: the single source for --help and the man
 * page. */
#include "config.h"

#include <ares.h>
#include <curl/curlver.h>
#include <idn2.h>
#include <jansson.h>
#include <libpsl.h>
#include <openssl/opensslv.h>
#include <string.h>

#include "tool_help.h"

const dv_command dv_commands[] = {
  {"email", "[-f FILE] NAME...",
   "can ACM's validation e-mail reach anyone for NAME, and if not, why",
   "For each NAME (a certificate name such as example.com, www.example.com "
   "or *.example.com) checks the candidate validation domains -- the name "
   "with ACM's leading \"*.\"/\"www.\" removed, and each superdomain up to "
   "the registrable domain -- for a working MX: null MX, missing MX, MX "
   "hosts that are aliases, IP literals or have no public address, lookup "
   "failures. It lists the five addresses ACM mails (admin@, "
   "administrator@, hostmaster@, postmaster@, webmaster@) and gives a "
   "verdict per name: the validation domain to use, or the fix."},
  {"explain", "[CODE]",
   "print a finding's catalogue entry (all codes without CODE)",
   "Prints the severity, title, remediation and reference of a finding code "
   "such as MX_NULL. Without CODE, lists every code."},
};
const size_t dv_ncommands = sizeof(dv_commands) / sizeof(dv_commands[0]);

const dv_option dv_options[] = {
  {DV_OPT_JSON, "json", 0, NULL, NULL,
   "machine-readable output (JSON, see doc/json-output.md)", NULL},
  {DV_OPT_RESOLVER, "resolver", 0, "ADDR[:PORT]", NULL,
   "recursive resolver to use (repeatable; default: the system's)",
   "Use this recursive resolver instead of the ones in /etc/resolv.conf. "
   "ADDR is an IPv4 or IPv6 address; write IPv6 with a port as "
   "[ADDR]:PORT. Repeat the option for several resolvers (at most 8)."},
  {DV_OPT_TIMEOUT, "timeout", 0, "SECONDS", NULL,
   "deadline for the whole run (default 20)",
   "Deadline for the whole run, 0.1 to 3600 seconds (default 20). Work not "
   "finished by then is reported as RUN_DEADLINE and the exit status is 3."},
  {DV_OPT_VERBOSE, "verbose", 'v', NULL, NULL,
   "more detail on stderr (repeat for DNS traces)",
   "Print progress and statistics on standard error; -vv also traces every "
   "DNS question and answer. Secrets are never printed."},
  {DV_OPT_NO_COLOR, "no-color", 0, NULL, NULL,
   "no colour (also when NO_COLOR is set; colour only on a terminal)", NULL},
  {DV_OPT_HELP, "help", 'h', NULL, NULL, "show help (for a command: "
   "dvcheck COMMAND --help)", NULL},
  {DV_OPT_VERSION, "version", 'V', NULL, NULL,
   "show the version and the libraries in use", NULL},
  {DV_OPT_FILE, "file", 'f', "FILE", "email",
   "read names from FILE, one per line (- for standard input)",
   "Read further names from FILE, one per line; empty lines and lines "
   "starting with # are ignored. \"-\" reads standard input."},
};
const size_t dv_noptions = sizeof(dv_options) / sizeof(dv_options[0]);

const char dv_exit_doc[] =
    "0  nothing wrong\n"
    "1  warnings only\n"
    "2  failures found (a name cannot be validated as things are)\n"
    "3  could not complete: bad usage or input, internal error, or the "
    "deadline passed before a verdict\n";

const dv_command *dv_command_find(const char *name)
{
  for (size_t i = 0; i < dv_ncommands; i++)
    if (strcmp(dv_commands[i].name, name) == 0)
      return &dv_commands[i];
  return NULL;
}

static void help_option(FILE *out, const dv_option *o)
{
  char left[64];
  if (o->sname)
    snprintf(left, sizeof(left), "-%c, --%s%s%s", o->sname, o->lname,
             o->arg ? " " : "", o->arg ? o->arg : "");
  else
    snprintf(left, sizeof(left), "    --%s%s%s", o->lname, o->arg ? " " : "",
             o->arg ? o->arg : "");
  fprintf(out, "  %-26s %s\n", left, o->help);
}

void dv_help_print(FILE *out, const char *command)
{
  const dv_command *c = command ? dv_command_find(command) : NULL;
  if (c) {
    fprintf(out, "Usage: dvcheck [options] %s %s\n\n%s.\n\nOptions:\n",
            c->name, c->synopsis, c->summary);
    for (size_t i = 0; i < dv_noptions; i++)
      if (dv_options[i].command && strcmp(dv_options[i].command, c->name) == 0)
        help_option(out, &dv_options[i]);
  } else {
    fprintf(out,
            "Usage: dvcheck [options] COMMAND [args]\n\n"
            "Diagnoses why a TLS certificate's domain validation fails (AWS "
            "Certificate Manager first).\n\nCommands:\n");
    for (size_t i = 0; i < dv_ncommands; i++)
      fprintf(out, "  %-10s %s\n", dv_commands[i].name,
              dv_commands[i].summary);
    fprintf(out, "\nOptions:\n");
  }
  for (size_t i = 0; i < dv_noptions; i++)
    if (!dv_options[i].command)
      help_option(out, &dv_options[i]);
  fprintf(out, "\nExit status:\n%s", dv_exit_doc);
  fprintf(out, "\nSee dvcheck(1) and 'dvcheck explain CODE'.\n");
}

void dv_version_print(FILE *out)
{
  fprintf(out, "dvcheck %s\n", PACKAGE_VERSION);
  fprintf(out,
          "libraries: c-ares %s, libcurl %s, %s, jansson %s, libidn2 %s, "
          "libpsl %s\n",
          ares_version(NULL), LIBCURL_VERSION, OPENSSL_VERSION_TEXT,
          JANSSON_VERSION, idn2_check_version(NULL), psl_get_version());
}
