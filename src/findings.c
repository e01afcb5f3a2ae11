/* dvcheck -- the findings catalogue. Each row: code, severity (from the X
 * list in findings.h), title, remediation, reference. Keep titles short and
 * fixes concrete: they are printed under every problem and in the docs. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "findings.h"

#define ACM_EMAIL "https://docs.aws.amazon.com/acm/latest/userguide/email-validation.html"
#define ACM_TROUBLE "https://docs.aws.amazon.com/acm/latest/userguide/troubleshooting-validation.html"
#define ACM_DNS "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html"

typedef struct {
  const char *title, *fix, *reference;
} dv_catalogue_text;

static const dv_catalogue_text catalogue_text[DV_F__COUNT] = {
  [DV_F_NAME_WILDCARD_MAIL] = {
    "Wildcard name: ACM mails the domain below \"*.\"",
    "Nothing to fix. Validation e-mail for *.example.com goes to the five "
    "addresses of example.com (or of a superdomain you choose).",
    ACM_EMAIL},
  [DV_F_NAME_WWW_MAIL] = {
    "\"www.\" removed: ACM mails the domain below it",
    "Nothing to fix. Validation e-mail for www.example.com goes to the five "
    "addresses of example.com.",
    ACM_EMAIL},
  [DV_F_NAME_IDN] = {
    "Internationalised name: ACM and DNS use its A-label (xn--) form",
    "Nothing to fix. Use the A-label form shown when you compare with ACM's "
    "console or API output.",
    "RFC 5891; Unicode UTS #46"},
  [DV_F_DOMAIN_NXDOMAIN] = {
    "The domain does not exist in DNS (NXDOMAIN)",
    "Create the name (for mail: an MX record) at your DNS provider, or choose "
    "a superdomain that exists as the validation domain.",
    "RFC 8020; RFC 1035 §4.1.1"},
  [DV_F_MX_OK] = {
    "Mail for the domain is routed to a reachable MX host",
    "Nothing to fix in DNS. If mail still does not arrive, check that the "
    "mail server accepts the five addresses (admin, administrator, "
    "hostmaster, postmaster, webmaster) and is not filtering the message as "
    "spam.",
    ACM_TROUBLE},
  [DV_F_MX_NAME_IS_CNAME] = {
    "The domain is an alias (CNAME): its mail routing is the target's",
    "Mail to this domain follows the CNAME, so the target's MX decides where "
    "it goes -- often a CDN or load-balancer name with no mail at all. Pick "
    "a superdomain as the validation domain, or use DNS validation.",
    "RFC 5321 §5.1; RFC 1034 §3.6.2"},
  [DV_F_MX_NULL] = {
    "Null MX (\"0 .\"): the domain states that it accepts no mail",
    "Remove the null MX and publish a real MX record if the domain should "
    "receive ACM's e-mail, or choose a superdomain that receives mail, or "
    "use DNS validation (a new certificate request).",
    "RFC 7505"},
  [DV_F_MX_MISSING] = {
    "No MX record and no address: mail to the domain cannot be delivered",
    "Add an MX record pointing at a mail server that accepts mail for the "
    "five addresses, choose a superdomain that has one, or use DNS "
    "validation (a new certificate request).",
    ACM_EMAIL},
  [DV_F_MX_IMPLICIT] = {
    "No MX record, only an address record (implicit MX)",
    "Publish an explicit MX record: ACM requires the validation domain to "
    "have a working MX record, and most hosts behind a plain A/AAAA record "
    "run no mail server.",
    "RFC 5321 §5.1; " ACM_EMAIL},
  [DV_F_MX_LOOKUP_SERVFAIL] = {
    "The MX lookup failed with SERVFAIL",
    "Fix the zone's name servers (lame or unreachable servers, expired or "
    "broken DNSSEC signatures); a mail sender gets the same failure and "
    "cannot deliver.",
    "RFC 1035 §4.1.1; RFC 4035 §5.5"},
  [DV_F_MX_LOOKUP_TIMEOUT] = {
    "The MX lookup timed out",
    "Check that the zone's name servers answer (firewalls, dead servers). "
    "Re-run with a longer --timeout to rule out a slow network here.",
    "RFC 1035 §4.2"},
  [DV_F_MX_TARGET_CNAME] = {
    "An MX host name is an alias (CNAME)",
    "Point the MX record at the canonical host name (the CNAME's target). "
    "Many mail senders follow the alias anyway, but the standard forbids it "
    "and some refuse.",
    "RFC 2181 §10.3; RFC 5321 §5.1"},
  [DV_F_MX_TARGET_IP_LITERAL] = {
    "An MX record names an IP address instead of a host name",
    "An MX target must be a host name with an A/AAAA record: create e.g. "
    "mail.example.com with the address and point the MX record at it.",
    "RFC 5321 §5.1; RFC 1035 §3.3.9"},
  [DV_F_MX_TARGET_DOUBLED_SUFFIX] = {
    "An MX host name repeats the zone name (missing trailing dot)",
    "The record was entered without a trailing dot, so the zone name was "
    "appended twice (mail.example.com.example.com). Enter the target as "
    "\"mail.example.com.\" with the final dot.",
    "RFC 1035 §5.1"},
  [DV_F_MX_TARGET_NO_ADDRESS] = {
    "An MX host has no address record (A/AAAA)",
    "Give the MX host an A or AAAA record, or point the MX record at a host "
    "that has one.",
    "RFC 5321 §5.1"},
  [DV_F_MX_TARGET_UNROUTABLE] = {
    "An MX host resolves only to non-public addresses",
    "Loopback, private (RFC 1918), link-local and similar addresses cannot "
    "be reached by ACM's mail sender; publish the mail server's public "
    "address.",
    "RFC 6890; RFC 1918"},
  [DV_F_MX_TARGET_LOOKUP_FAILED] = {
    "The address lookup for an MX host failed",
    "Fix the name servers of the MX host's zone; senders that cannot resolve "
    "the host defer and eventually give up.",
    "RFC 5321 §5.1"},
  [DV_F_MX_NO_USABLE_TARGET] = {
    "None of the MX hosts can receive mail",
    "Fix the MX records (see the problems listed with them) so that at "
    "least one points at a host with a public address, or choose another "
    "validation domain.",
    "RFC 5321 §5.1; " ACM_TROUBLE},
  [DV_F_EMAIL_OK] = {
    "ACM's validation e-mail can be routed for this name",
    "Nothing to fix in DNS. Make sure someone reads one of the five "
    "addresses of the validation domain shown.",
    ACM_EMAIL},
  [DV_F_EMAIL_USE_SUPERDOMAIN] = {
    "The name cannot receive mail, but a superdomain can",
    "Request (or re-request) the certificate with ValidationDomain set to "
    "the superdomain shown (console: choose it; CLI: "
    "--domain-validation-options DomainName=NAME,ValidationDomain=DOMAIN), "
    "or add an MX record for the name itself.",
    "https://docs.aws.amazon.com/acm/latest/APIReference/API_DomainValidationOption.html"},
  [DV_F_EMAIL_NO_ROUTE] = {
    "No validation domain for this name can receive mail",
    "E-mail validation cannot succeed as things are. Either publish an MX "
    "record for the name or one of its superdomains (up to the registrable "
    "domain), or request a new certificate with DNS validation.",
    ACM_EMAIL "; " ACM_DNS},
  [DV_F_DNS_RECORD_NAME_TOO_LONG] = {
    "The name is too long for a DNS validation record",
    "ACM's record name is \"_\" + 32 characters + \".\" + the name, which "
    "must fit in 253 characters: names longer than 219 characters can only "
    "be validated by e-mail. Shorten the name or use e-mail validation.",
    "RFC 1035 §2.3.4; " ACM_DNS},
  [DV_F_DNS_RECORD_SHARED] = {
    "This name shares its validation record with another name",
    "Nothing to fix: ACM gives *.example.com and example.com the same "
    "CNAME, so one record validates both.",
    ACM_DNS},
  [DV_F_DNS_CNAME_OK] = {
    "The validation CNAME is correct at every authoritative server",
    "Nothing to fix in DNS. ACM re-checks pending validations every few "
    "minutes; keep the record in place for renewals.",
    ACM_DNS},
  [DV_F_DNS_CNAME_MISSING] = {
    "No authoritative server has the validation CNAME",
    "Create the CNAME exactly as ACM shows it, in the zone named in the "
    "evidence, at the DNS provider that runs the listed name servers (the "
    "ones the registry delegates to). A record added at another provider, "
    "in another hosted zone of the same name, or in a parent zone is not "
    "seen.",
    ACM_DNS},
  [DV_F_DNS_CNAME_MISSING_ON_SOME] = {
    "Some authoritative servers lack the validation CNAME",
    "The listed servers serve an older copy of the zone (a stale secondary "
    "or a change that has not propagated). Compare the SOA serials shown; "
    "fix zone transfers (NOTIFY/IXFR/AXFR) or update the provider that "
    "runs those servers.",
    "RFC 1996; RFC 5936; " ACM_DNS},
  [DV_F_DNS_CNAME_WRONG_VALUE] = {
    "The validation CNAME points somewhere else",
    "Replace the record's value with the one ACM shows (compare them with "
    "the difference given); a value from an older certificate request or "
    "another name is a common slip.",
    ACM_DNS},
  [DV_F_DNS_CNAME_VALUE_ZONE_APPENDED] = {
    "The CNAME value has the zone name appended (missing trailing dot)",
    "The value was entered without its final dot, so the zone name was "
    "appended. Enter it as ACM shows it, ending in \"acm-validations.aws.\" "
    "with the trailing dot (or without the zone, as your provider expects).",
    "RFC 1035 §5.1; " ACM_TROUBLE},
  [DV_F_DNS_CNAME_DOUBLED_SUFFIX] = {
    "The CNAME exists under a doubled zone name (_x.example.com.example.com)",
    "Your DNS console appends the zone name to what you type: enter only the "
    "part before the zone (e.g. \"_x\" or \"_x.www\"), or the full name with a "
    "trailing dot.",
    ACM_TROUBLE},
  [DV_F_DNS_CNAME_NO_UNDERSCORE] = {
    "The CNAME was created without its leading underscore",
    "Rename the record to start with \"_\" exactly as ACM shows it; some "
    "consoles strip or reject the underscore -- use their raw/advanced "
    "editor.",
    ACM_TROUBLE},
  [DV_F_DNS_TXT_INSTEAD_OF_CNAME] = {
    "A TXT record was created where ACM expects a CNAME",
    "Delete the TXT record and create a CNAME with the same name and ACM's "
    "value. ACM's DNS validation uses CNAME records only.",
    ACM_DNS},
  [DV_F_DNS_CNAME_AND_OTHER_DATA] = {
    "The record name has a CNAME and other data (forbidden)",
    "A name with a CNAME may have no other records. Remove the other "
    "records at this name; resolvers may otherwise return either.",
    "RFC 1034 §3.6.2; RFC 2181 §10.1"},
  [DV_F_DNS_CNAME_CHAIN] = {
    "The record reaches ACM's value only through a chain of CNAMEs",
    "Point the record directly at ACM's value if you can; every extra alias "
    "is another place to break.",
    "RFC 1034 §3.6.2; " ACM_DNS},
  [DV_F_DNS_CNAME_CHAIN_TOO_LONG] = {
    "The CNAME chain is longer than 5 aliases",
    "Point the record directly at ACM's value. Resolvers and validators "
    "give up on long chains.",
    "RFC 1034 §3.6.2; " ACM_TROUBLE},
  [DV_F_DNS_CNAME_ONLY_PRIVATE_VIEW] = {
    "Only the local resolver shows the record; the public servers do not",
    "The record exists in a private or split-horizon view (an internal DNS "
    "server, a private hosted zone). ACM checks the public authoritative "
    "servers: create the record in the public zone.",
    ACM_TROUBLE},
  [DV_F_DNS_RECORD_IN_CHILD_ZONE] = {
    "The record name lies in a delegated subzone",
    "The zone shown is delegated from its parent: the record must be created "
    "in that subzone (at the provider serving it), not in the parent zone.",
    "RFC 1034 §4.2.1"},
  [DV_F_DNS_NEGATIVE_CACHED] = {
    "The resolver still says the record does not exist",
    "The authoritative servers have the record, but the resolver cached an "
    "earlier 'no such name'. Wait for the negative-cache time shown (then "
    "ACM sees it too) or flush your resolver's cache.",
    "RFC 2308 §5"},
  [DV_F_DNS_SERVER_LAME] = {
    "A delegated name server does not serve the zone (lame delegation)",
    "Remove the server from the delegation at the registrar, or configure "
    "the zone on it. Resolvers that pick it get no or wrong answers.",
    "RFC 1912 §2.8; RFC 8499"},
  [DV_F_DNS_SERVER_UNREACHABLE] = {
    "A delegated name server did not answer",
    "Check the server (firewall, down, wrong address in the delegation). "
    "ACM's resolvers may pick it and fail.",
    "RFC 1035 §4.2"},
  [DV_F_DNS_NO_AUTHORITATIVE_ANSWER] = {
    "No name server of the zone answered authoritatively",
    "Every delegated server is lame or unreachable: fix the delegation at "
    "the registrar or the servers themselves; validation cannot succeed.",
    "RFC 1034 §4.2"},
  [DV_F_DNSSEC_SECURE] = {
    "The zone is DNSSEC-signed and validates",
    "Nothing to fix.", "RFC 4035"},
  [DV_F_DNSSEC_INSECURE] = {
    "The zone is not DNSSEC-signed (insecure)",
    "Nothing to fix for validation.", "RFC 4035 §4.3"},
  [DV_F_DNSSEC_BOGUS] = {
    "DNSSEC validation fails for the zone (bogus): validating resolvers "
    "return SERVFAIL",
    "Re-sign the zone (expired or broken signatures) or fix the DS record at "
    "the registrar so it matches the zone's keys. ACM's resolvers validate, "
    "so they cannot see the record.",
    "RFC 4035 §5.5"},
  [DV_F_CAA_NONE] = {
    "No CAA records: any CA may issue",
    "Nothing to fix.", "RFC 8659 §3"},
  [DV_F_CAA_ALLOWS_AMAZON] = {
    "CAA allows Amazon to issue",
    "Nothing to fix.",
    "RFC 8659 §4; https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html"},
  [DV_F_CAA_FORBIDS_AMAZON] = {
    "CAA does not allow Amazon to issue (ACM: CAA_ERROR)",
    "Add a CAA record at the name shown: 0 issue \"amazon.com\" (for "
    "wildcards also 0 issuewild \"amazon.com\" if issuewild is used). Any "
    "of amazon.com, amazontrust.com, awstrust.com, amazonaws.com works.",
    "RFC 8659 §4.2; https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html"},
  [DV_F_CAA_FORBIDS_ALL] = {
    "CAA forbids every CA (issue \";\")",
    "Replace the empty issue property with 0 issue \"amazon.com\" if you want "
    "ACM certificates for this name.",
    "RFC 8659 §4.2"},
  [DV_F_CAA_CRITICAL_UNKNOWN_TAG] = {
    "CAA has an unknown property marked critical: no CA may issue",
    "Remove the critical flag (128) from the unknown property, or remove the "
    "property.",
    "RFC 8659 §4.1"},
  [DV_F_CAA_LOOKUP_FAILED] = {
    "A CAA lookup failed: CAs must not issue (ACM: CAA_ERROR)",
    "Fix the name servers of the zone in the evidence so that CAA queries "
    "get an answer (NOERROR, even with no records); some servers mishandle "
    "unknown types.",
    "RFC 8659 §3; https://docs.aws.amazon.com/acm/latest/userguide/troubleshooting-caa.html"},
  [DV_F_PREFLIGHT_USE_DNS] = {
    "Request with DNS validation",
    "The zone is reachable, CAA allows Amazon and DNSSEC is not broken: "
    "choose DNS validation and create the CNAME ACM shows. It also renews "
    "without anyone clicking a mail.",
    ACM_DNS},
  [DV_F_PREFLIGHT_USE_EMAIL] = {
    "Only e-mail validation can work for this name",
    "DNS validation would fail (see the findings); e-mail validation can "
    "reach the validation domain shown. Fix DNS to get automatic renewals.",
    ACM_EMAIL},
  [DV_F_PREFLIGHT_NO_METHOD] = {
    "Neither DNS nor e-mail validation can work as things are",
    "Fix the problems listed before requesting the certificate. CAA applies "
    "to every validation method; DNS validation needs the zone's servers to "
    "answer; e-mail validation needs an MX.",
    ACM_DNS "; " ACM_EMAIL},
  [DV_F_WHOIS_CONTACT_EMAIL] = {
    "A WHOIS contact has a real e-mail address",
    "Before mid-2024 ACM also mailed this address; certificates requested "
    "then may list it in ValidationEmails. New requests use only the five "
    "addresses of the validation domain.",
    "https://docs.aws.amazon.com/acm/latest/userguide/email-validation.html"},
  [DV_F_WHOIS_CONTACT_PROXY] = {
    "A WHOIS contact is a privacy-proxy relay address",
    "Mail to the relay is forwarded -- or filtered -- by the privacy "
    "service. If an old certificate's validation mail went there, check "
    "the forwarding settings at the registrar.",
    "ICANN RAA 2013, Specification on Privacy and Proxy Registrations"},
  [DV_F_WHOIS_NO_CONTACT_EMAIL] = {
    "No WHOIS contact e-mail is published (redacted, web form or absent)",
    "Normal since GDPR. ACM's e-mail validation cannot use WHOIS contacts "
    "here; it relies on the five addresses of the validation domain.",
    "ICANN Registration Data Policy; RFC 9537"},
  [DV_F_WHOIS_THROTTLED] = {
    "The WHOIS/RDAP server throttled the lookup",
    "The reply is a rate-limit notice, not registration data. Wait and "
    "retry later, from another network, or use the registry's RDAP "
    "service.",
    "RFC 3912; RFC 9110 §15.5.20 (429) via RFC 7480"},
  [DV_F_WHOIS_CAPTCHA] = {
    "The registry answers only after a CAPTCHA",
    "Automated lookups cannot get the contacts; look them up in the "
    "registry's web interface.",
    "RFC 3912"},
  [DV_F_WHOIS_WEB_ONLY] = {
    "The registry publishes registration data on a web page only",
    "Use the registry's web lookup shown in the evidence.",
    "RFC 3912"},
  [DV_F_WHOIS_NOT_FOUND] = {
    "The registry has no such domain",
    "Check the spelling and the registrable domain; an unregistered domain "
    "cannot be validated at all.",
    "RFC 3912; RFC 9083 §6"},
  [DV_F_WHOIS_LOOKUP_FAILED] = {
    "No WHOIS or RDAP server gave a usable answer",
    "The evidence lists each server asked and what went wrong (timeout, "
    "reset, refused, malformed answer). Retry later or with a longer "
    "--whois-timeout; the contacts are unknown, not absent.",
    "RFC 3912; RFC 7480"},
  [DV_F_WHOIS_SERVER_FAILED] = {
    "A server further down the referral chain did not answer usefully",
    "The registry answered but the registrar's server (named in the "
    "referral or RDAP `related` link) timed out, reset the connection or "
    "sent garbage: the contacts shown are the registry's only. Retry later.",
    "RFC 3912; RFC 9083 §4.2"},
  [DV_F_WHOIS_RDAP_FALLBACK] = {
    "RDAP gave no usable answer: the port-43 WHOIS reply was used",
    "Nothing to fix. The evidence says why RDAP failed (network error, "
    "malformed JSON, throttled).",
    "ICANN gTLD RDAP profile (port 43 optional since 28 Jan 2025)"},
  [DV_F_WHOIS_NO_SERVER] = {
    "The registry publishes neither RDAP nor port-43 WHOIS",
    "Look the contacts up at the registrar or the registry's web site; "
    "automated lookups are not possible for this TLD.",
    "IANA root zone database; RFC 9224"},
  [DV_F_WHOIS_REFERRAL_IGNORED] = {
    "A WHOIS referral was not followed (empty, URL, IP literal, private or "
    "loopback)",
    "Nothing to fix for validation. The registry's \"Registrar WHOIS "
    "Server:\" value is not a usable host name, so only the registry's "
    "record is shown; ask the registrar directly if you need its record.",
    "RFC 3912; ICANN RAA 2013 Registration Data Directory Service Specification"},
  [DV_F_WHOIS_REFERRAL_LOOP] = {
    "WHOIS/RDAP referrals loop or go on too long: stopped",
    "The referral chain names a server already asked, or more servers than "
    "dvcheck follows; the data shown is from the servers asked before.",
    "RFC 3912; RFC 9083 §4.2"},
  [DV_F_WHOIS_REPLY_TRUNCATED] = {
    "The WHOIS reply was larger than 1 MiB: the rest was not read",
    "Real replies are a few KiB; a huge one is a misbehaving server. Only "
    "the first 1 MiB was analysed.",
    "RFC 3912"},
  [DV_F_WHOIS_BACKOFF] = {
    "dvcheck did not ask a WHOIS server again: it throttled this run",
    "The server rate-limited an earlier query and its backoff outlasts the "
    "run's deadline, so dvcheck did not hammer it. Retry later or lower "
    "--whois-rate.",
    "RFC 3912"},
  [DV_F_EMAIL_LEGACY_CONTACT_ROUTE] = {
    "Only a WHOIS contact can receive the validation mail (pre-2024 rule)",
    "No candidate domain receives mail, but the WHOIS contact shown in the "
    "evidence could under ACM's rule before mid-2024 (--acm-legacy). "
    "Current ACM requests do not mail WHOIS contacts: fix the MX or use "
    "DNS validation.",
    "https://docs.aws.amazon.com/acm/latest/userguide/email-validation.html"},
  [DV_F_DNS_RESOLVER_FAILED] = {
    "The recursive resolver could not be used (refused, unreachable or "
    "malformed answer)",
    "This is about the resolver dvcheck asked, not about the domain: check "
    "the address given with --resolver (or /etc/resolv.conf), that it "
    "allows recursion for this host, and re-run. No verdict is given.",
    "RFC 1035 §4.1.1; dvcheck(1) --resolver"},
  [DV_F_RUN_DEADLINE] = {
    "The run's deadline passed before every check finished",
    "Re-run with a longer --timeout, or check fewer names at once; results "
    "for unfinished checks are missing.",
    "dvcheck(1) --timeout"},
};

static dv_catalogue_entry catalogue[DV_F__COUNT];
static int catalogue_ready;

static void catalogue_init(void)
{
  static const struct {
    const char *id;
    dv_severity sev;
  } rows[DV_F__COUNT] = {
#define DV_X(name, sev) {#name, DV_SEV_##sev},
      DV_FINDING_CODES(DV_X)
#undef DV_X
  };
  for (size_t i = 0; i < DV_F__COUNT; i++) {
    catalogue[i].code = (dv_code)i;
    catalogue[i].id = rows[i].id;
    catalogue[i].severity = rows[i].sev;
    catalogue[i].title = catalogue_text[i].title;
    catalogue[i].fix = catalogue_text[i].fix;
    catalogue[i].reference = catalogue_text[i].reference;
  }
  catalogue_ready = 1;
}

const dv_catalogue_entry *dv_catalogue_get(dv_code code)
{
  if (!catalogue_ready)
    catalogue_init();
  if ((size_t)code >= DV_F__COUNT)
    return NULL;
  return &catalogue[code];
}

const dv_catalogue_entry *dv_catalogue_find(const char *id)
{
  for (size_t i = 0; i < DV_F__COUNT; i++) {
    const dv_catalogue_entry *e = dv_catalogue_get((dv_code)i);
    if (strcasecmp(e->id, id) == 0)
      return e;
  }
  return NULL;
}

size_t dv_catalogue_count(void)
{
  return DV_F__COUNT;
}

const char *dv_severity_str(dv_severity sev)
{
  static const char *const names[] = {"info", "warning", "error", "fatal"};
  return (size_t)sev < 4 ? names[sev] : "unknown";
}

dv_finding *dv_findings_add(dv_findings *list, dv_code code,
                            const char *subject)
{
  dv_finding *f;
  if (list->n == list->cap) {
    size_t ncap = list->cap ? list->cap * 2 : 8;
    dv_finding *n = realloc(list->v, ncap * sizeof(*n));
    if (!n) {
      list->nomem = 1;
      return NULL;
    }
    list->v = n;
    list->cap = ncap;
  }
  f = &list->v[list->n];
  memset(f, 0, sizeof(*f));
  f->code = code;
  f->subject = strdup(subject ? subject : "");
  if (!f->subject) {
    list->nomem = 1;
    return NULL;
  }
  list->n++;
  return f;
}

void dv_finding_ev(dv_findings *list, dv_finding *f, const char *key,
                   const char *fmt, ...)
{
  va_list ap;
  char *val = NULL, *k;
  dv_evidence *n;
  int len;

  if (!f)
    return;
  va_start(ap, fmt);
  len = vasprintf(&val, fmt, ap);
  va_end(ap);
  if (len < 0) {
    list->nomem = 1;
    return;
  }
  k = strdup(key);
  n = realloc(f->ev, (f->nev + 1) * sizeof(*n));
  if (!k || !n) {
    free(k);
    free(val);
    if (n)
      f->ev = n;
    list->nomem = 1;
    return;
  }
  f->ev = n;
  f->ev[f->nev].key = k;
  f->ev[f->nev].value = val;
  f->nev++;
}

void dv_findings_append(dv_findings *dst, const dv_findings *src)
{
  for (size_t i = 0; i < src->n; i++) {
    const dv_finding *s = &src->v[i];
    dv_finding *f = dv_findings_add(dst, s->code, s->subject);
    for (size_t j = 0; f && j < s->nev; j++)
      dv_finding_ev(dst, f, s->ev[j].key, "%s", s->ev[j].value);
  }
}

int dv_findings_has(const dv_findings *list, dv_code code)
{
  for (size_t i = 0; i < list->n; i++)
    if (list->v[i].code == code)
      return 1;
  return 0;
}

dv_severity dv_findings_max(const dv_findings *list, int *any)
{
  dv_severity max = DV_SEV_INFO;
  *any = list->n > 0;
  for (size_t i = 0; i < list->n; i++) {
    dv_severity s = dv_catalogue_get(list->v[i].code)->severity;
    if (s > max)
      max = s;
  }
  return max;
}

void dv_findings_fold(const dv_findings *list, int *any_all,
                      dv_severity *worst_all)
{
  int any;
  dv_severity w = dv_findings_max(list, &any);
  if (any && w > *worst_all)
    *worst_all = w;
  *any_all |= any;
}

void dv_findings_free(dv_findings *list)
{
  for (size_t i = 0; i < list->n; i++) {
    for (size_t j = 0; j < list->v[i].nev; j++) {
      free(list->v[i].ev[j].key);
      free(list->v[i].ev[j].value);
    }
    free(list->v[i].ev);
    free(list->v[i].subject);
  }
  free(list->v);
  memset(list, 0, sizeof(*list));
}
