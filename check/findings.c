/* dvcheck -- the findings catalogue. Each row: code, severity (from the X
 * list in findings.h), title, remediation, reference. Keep titles short and
 * fixes concrete: they are printed under every problem and in the docs. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/json.h"
#include "base/loop.h"
#include "check/findings.h"

#define ACM_EMAIL                                                              \
  "https://docs.aws.amazon.com/acm/latest/userguide/email-validation.html"
#define ACM_TROUBLE                                                            \
  "https://docs.aws.amazon.com/acm/latest/userguide/"                          \
  "troubleshooting-validation.html"
#define ACM_DNS                                                                \
  "https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html"
/* ACM client (cert, certs) */
#define ACM_RENEW                                                              \
  "https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html"
#define ACM_FAILED                                                             \
  "https://docs.aws.amazon.com/acm/latest/userguide/"                          \
  "troubleshooting-failed.html"
#define ACM_API_CERT                                                           \
  "https://docs.aws.amazon.com/acm/latest/APIReference/"                       \
  "API_CertificateDetail.html"
#define ACM_CAA                                                                \
  "https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html"
#define ACM_PCA                                                                \
  "https://docs.aws.amazon.com/privateca/latest/userguide/"                    \
  "PcaTsIssueCerts.html"
#define ACM_SLR "https://docs.aws.amazon.com/acm/latest/userguide/acm-slr.html"
#define ACM_RESEND                                                             \
  "https://docs.aws.amazon.com/acm/latest/APIReference/"                       \
  "API_ResendValidationEmail.html"
#define ACM_ERRORS                                                             \
  "https://docs.aws.amazon.com/acm/latest/APIReference/CommonErrors.html"
#define ACM_RETRY                                                              \
  "https://docs.aws.amazon.com/sdkref/latest/guide/"                           \
  "feature-retry-behavior.html"
#define ACM_CREDS                                                              \
  "https://docs.aws.amazon.com/cli/latest/userguide/"                          \
  "cli-configure-envvars.html"

typedef struct {
  const char *title, *fix, *reference;
} dv_catalogue_text;

static const dv_catalogue_text catalogue_text[DV_F__COUNT] = {
    [DV_F_NAME_WILDCARD_MAIL] =
        {"Wildcard name: ACM mails the domain below \"*.\"",
         "Nothing to fix. Validation e-mail for *.example.com goes to the five "
         "addresses of example.com (or of a superdomain you choose).",
         ACM_EMAIL},
    [DV_F_NAME_WWW_MAIL] = {"\"www.\" removed: ACM mails the domain below it",
                            "Nothing to fix. Validation e-mail for "
                            "www.example.com goes to the five "
                            "addresses of example.com.",
                            ACM_EMAIL},
    [DV_F_NAME_IDN] =
        {"Internationalised name: ACM and DNS use its A-label (xn--) form",
         "Nothing to fix. Use the A-label form shown when you compare with "
         "ACM's "
         "console or API output.",
         "RFC 5891; Unicode UTS #46"},
    [DV_F_DOMAIN_NXDOMAIN] =
        {"The domain does not exist in DNS (NXDOMAIN)",
         "Create the name (for mail: an MX record) at your DNS provider, or "
         "choose "
         "a superdomain that exists as the validation domain.",
         "RFC 8020; RFC 1035 §4.1.1"},
    [DV_F_MX_OK] =
        {"Mail for the domain is routed to a reachable MX host",
         "Nothing to fix in DNS. If mail still does not arrive, check that the "
         "mail server accepts the five addresses (admin, administrator, "
         "hostmaster, postmaster, webmaster) and is not filtering the message "
         "as "
         "spam.",
         ACM_TROUBLE},
    [DV_F_MX_NAME_IS_CNAME] =
        {"The domain is an alias (CNAME): its mail routing is the target's",
         "Mail to this domain follows the CNAME, so the target's MX decides "
         "where "
         "it goes -- often a CDN or load-balancer name with no mail at all. "
         "Pick "
         "a superdomain as the validation domain, or use DNS validation.",
         "RFC 5321 §5.1; RFC 1034 §3.6.2"},
    [DV_F_MX_NULL] =
        {"Null MX (\"0 .\"): the domain states that it accepts no mail",
         "Remove the null MX and publish a real MX record if the domain should "
         "receive ACM's e-mail, or choose a superdomain that receives mail, or "
         "use DNS validation (a new certificate request).",
         "RFC 7505"},
    [DV_F_MX_MISSING] =
        {"No MX record and no address: mail to the domain cannot be delivered",
         "Add an MX record pointing at a mail server that accepts mail for the "
         "five addresses, choose a superdomain that has one, or use DNS "
         "validation (a new certificate request).",
         ACM_EMAIL},
    [DV_F_MX_IMPLICIT] =
        {"No MX record, only an address record (implicit MX)",
         "Publish an explicit MX record: ACM requires the validation domain to "
         "have a working MX record, and most hosts behind a plain A/AAAA "
         "record "
         "run no mail server.",
         "RFC 5321 §5.1; " ACM_EMAIL},
    [DV_F_MX_LOOKUP_SERVFAIL] =
        {"The MX lookup failed with SERVFAIL",
         "Fix the zone's name servers (lame or unreachable servers, expired or "
         "broken DNSSEC signatures); a mail sender gets the same failure and "
         "cannot deliver.",
         "RFC 1035 §4.1.1; RFC 4035 §5.5"},
    [DV_F_MX_LOOKUP_TIMEOUT] =
        {"The MX lookup timed out",
         "Check that the zone's name servers answer (firewalls, dead servers). "
         "Re-run with a longer --timeout to rule out a slow network here.",
         "RFC 1035 §4.2"},
    [DV_F_MX_TARGET_CNAME] =
        {"An MX host name is an alias (CNAME)",
         "Point the MX record at the canonical host name (the CNAME's target). "
         "Many mail senders follow the alias anyway, but the standard forbids "
         "it "
         "and some refuse.",
         "RFC 2181 §10.3; RFC 5321 §5.1"},
    [DV_F_MX_TARGET_IP_LITERAL] =
        {"An MX record names an IP address instead of a host name",
         "An MX target must be a host name with an A/AAAA record: create e.g. "
         "mail.example.com with the address and point the MX record at it.",
         "RFC 5321 §5.1; RFC 1035 §3.3.9"},
    [DV_F_MX_TARGET_DOUBLED_SUFFIX] =
        {"An MX host name repeats the zone name (missing trailing dot)",
         "The record was entered without a trailing dot, so the zone name was "
         "appended twice (mail.example.com.example.com). Enter the target as "
         "\"mail.example.com.\" with the final dot.",
         "RFC 1035 §5.1"},
    [DV_F_MX_TARGET_NO_ADDRESS] = {"An MX host has no address record (A/AAAA)",
                                   "Give the MX host an A or AAAA record, or "
                                   "point the MX record at a host "
                                   "that has one.",
                                   "RFC 5321 §5.1"},
    [DV_F_MX_TARGET_UNROUTABLE] =
        {"An MX host resolves only to non-public addresses",
         "Loopback, private (RFC 1918), link-local and similar addresses "
         "cannot "
         "be reached by ACM's mail sender; publish the mail server's public "
         "address.",
         "RFC 6890; RFC 1918"},
    [DV_F_MX_TARGET_LOOKUP_FAILED] =
        {"The address lookup for an MX host failed",
         "Fix the name servers of the MX host's zone; senders that cannot "
         "resolve "
         "the host defer and eventually give up.",
         "RFC 5321 §5.1"},
    [DV_F_MX_NO_USABLE_TARGET] =
        {"None of the MX hosts can receive mail",
         "Fix the MX records (see the problems listed with them) so that at "
         "least one points at a host with a public address, or choose another "
         "validation domain.",
         "RFC 5321 §5.1; " ACM_TROUBLE},
    [DV_F_EMAIL_OK] =
        {"ACM's validation e-mail can be routed for this name",
         "Nothing to fix in DNS. Make sure someone reads one of the five "
         "addresses of the validation domain shown.",
         ACM_EMAIL},
    [DV_F_EMAIL_USE_SUPERDOMAIN] =
        {"The name cannot receive mail, but a superdomain can",
         "Request (or re-request) the certificate with ValidationDomain set to "
         "the superdomain shown (console: choose it; CLI: "
         "--domain-validation-options "
         "DomainName=NAME,ValidationDomain=DOMAIN), "
         "or add an MX record for the name itself.",
         "https://docs.aws.amazon.com/acm/latest/APIReference/"
         "API_DomainValidationOption.html"},
    [DV_F_EMAIL_NO_ROUTE] =
        {"No validation domain for this name can receive mail",
         "E-mail validation cannot succeed as things are. Either publish an MX "
         "record for the name or one of its superdomains (up to the "
         "registrable "
         "domain), or request a new certificate with DNS validation.",
         ACM_EMAIL "; " ACM_DNS},
    [DV_F_DNS_RECORD_NAME_TOO_LONG] =
        {"The name is too long for a DNS validation record",
         "ACM's record name is \"_\" + 32 characters + \".\" + the name, which "
         "must fit in 253 characters: names longer than 219 characters can "
         "only "
         "be validated by e-mail. Shorten the name or use e-mail validation.",
         "RFC 1035 §2.3.4; " ACM_DNS},
    [DV_F_DNS_RECORD_SHARED] =
        {"This name shares its validation record with another name",
         "Nothing to fix: ACM gives *.example.com and example.com the same "
         "CNAME, so one record validates both.",
         ACM_DNS},
    [DV_F_DNS_CNAME_OK] =
        {"The validation CNAME is correct at every authoritative server",
         "Nothing to fix in DNS. ACM re-checks pending validations every few "
         "minutes; keep the record in place for renewals.",
         ACM_DNS},
    [DV_F_DNS_CNAME_MISSING] =
        {"No authoritative server has the validation CNAME",
         "Create the CNAME exactly as ACM shows it, in the zone named in the "
         "evidence, at the DNS provider that runs the listed name servers (the "
         "ones the registry delegates to). A record added at another provider, "
         "in another hosted zone of the same name, or in a parent zone is not "
         "seen.",
         ACM_DNS},
    [DV_F_DNS_CNAME_MISSING_ON_SOME] =
        {"Some authoritative servers lack the validation CNAME: "
         "multi-perspective validation (MPIC) is likely to fail",
         "The listed servers serve an older copy of the zone (a stale "
         "secondary "
         "or a change that has not propagated). CAs validate from several "
         "network perspectives, each of which may ask a different server. "
         "Compare the SOA serials shown; "
         "fix zone transfers (NOTIFY/IXFR/AXFR) or update the provider that "
         "runs those servers.",
         "BR 3.2.2.9 (ballot SC-067); RFC 1996; RFC 5936; " ACM_DNS},
    [DV_F_DNS_CNAME_WRONG_VALUE] =
        {"The validation CNAME points somewhere else",
         "Replace the record's value with the one ACM shows (compare them with "
         "the difference given); a value from an older certificate request or "
         "another name is a common slip.",
         ACM_DNS},
    [DV_F_DNS_CNAME_VALUE_ZONE_APPENDED] =
        {"The CNAME value has the zone name appended (missing trailing dot)",
         "The value was entered without its final dot, so the zone name was "
         "appended. Enter it as ACM shows it, ending in "
         "\"acm-validations.aws.\" "
         "with the trailing dot (or without the zone, as your provider "
         "expects).",
         "RFC 1035 §5.1; " ACM_TROUBLE},
    [DV_F_DNS_CNAME_DOUBLED_SUFFIX] = {"The CNAME exists under a doubled zone "
                                       "name (_x.example.com.example.com)",
                                       "Your DNS console appends the zone name "
                                       "to what you type: enter only the "
                                       "part before the zone (e.g. \"_x\" or "
                                       "\"_x.www\"), or the full name with a "
                                       "trailing dot.",
                                       ACM_TROUBLE},
    [DV_F_DNS_CNAME_NO_UNDERSCORE] =
        {"The CNAME was created without its leading underscore",
         "Rename the record to start with \"_\" exactly as ACM shows it; some "
         "consoles strip or reject the underscore -- use their raw/advanced "
         "editor.",
         ACM_TROUBLE},
    [DV_F_DNS_TXT_INSTEAD_OF_CNAME] =
        {"A TXT record was created where ACM expects a CNAME",
         "Delete the TXT record and create a CNAME with the same name and "
         "ACM's "
         "value. ACM's DNS validation uses CNAME records only.",
         ACM_DNS},
    [DV_F_DNS_CNAME_AND_OTHER_DATA] =
        {"The record name has a CNAME and other data (forbidden)",
         "A name with a CNAME may have no other records. Remove the other "
         "records at this name; resolvers may otherwise return either.",
         "RFC 1034 §3.6.2; RFC 2181 §10.1"},
    [DV_F_DNS_CNAME_CHAIN] =
        {"The record reaches ACM's value only through a chain of CNAMEs",
         "Point the record directly at ACM's value if you can; every extra "
         "alias "
         "is another place to break.",
         "RFC 1034 §3.6.2; " ACM_DNS},
    [DV_F_DNS_CNAME_CHAIN_TOO_LONG] =
        {"The CNAME chain is longer than 5 aliases",
         "Point the record directly at ACM's value. Resolvers and validators "
         "give up on long chains.",
         "RFC 1034 §3.6.2; " ACM_TROUBLE},
    [DV_F_DNS_CNAME_ONLY_PRIVATE_VIEW] =
        {"Only the local resolver shows the record; the public servers do not",
         "The record exists in a private or split-horizon view (an internal "
         "DNS "
         "server, a private hosted zone). ACM checks the public authoritative "
         "servers: create the record in the public zone.",
         ACM_TROUBLE},
    [DV_F_DNS_RECORD_IN_CHILD_ZONE] =
        {"The record name lies in a delegated subzone",
         "The zone shown is delegated from its parent: the record must be "
         "created "
         "in that subzone (at the provider serving it), not in the parent "
         "zone.",
         "RFC 1034 §4.2.1"},
    [DV_F_DNS_NEGATIVE_CACHED] =
        {"The resolver still says the record does not exist",
         "The authoritative servers have the record, but the resolver cached "
         "an "
         "earlier 'no such name'. Wait for the negative-cache time shown (then "
         "ACM sees it too) or flush your resolver's cache.",
         "RFC 2308 §5"},
    [DV_F_DNS_SERVER_LAME] =
        {"A delegated name server does not serve the zone (lame delegation)",
         "Remove the server from the delegation at the registrar, or configure "
         "the zone on it. Resolvers that pick it get no or wrong answers.",
         "RFC 1912 §2.8; RFC 8499"},
    [DV_F_DNS_SERVER_UNREACHABLE] =
        {"A delegated name server did not answer",
         "Check the server (firewall, down, wrong address in the delegation). "
         "ACM's resolvers may pick it and fail.",
         "RFC 1035 §4.2"},
    [DV_F_DNS_NO_AUTHORITATIVE_ANSWER] =
        {"No name server of the zone answered authoritatively",
         "Every delegated server is lame or unreachable: fix the delegation at "
         "the registrar or the servers themselves; validation cannot succeed.",
         "RFC 1034 §4.2"},
    [DV_F_DNSSEC_SECURE] = {"The zone is DNSSEC-signed and validates",
                            "Nothing to fix.", "RFC 4035"},
    [DV_F_DNSSEC_INSECURE] = {"The zone is not DNSSEC-signed (insecure)",
                              "Nothing to fix for validation.",
                              "RFC 4035 §4.3"},
    [DV_F_DNSSEC_BOGUS] =
        {"DNSSEC validation fails for the zone (bogus): validating resolvers "
         "return SERVFAIL",
         "Re-sign the zone (expired or broken signatures) or fix the DS record "
         "at "
         "the registrar so it matches the zone's keys. ACM's resolvers "
         "validate, "
         "so they cannot see the record; since 2026-03-15 every public CA "
         "validates DNSSEC on every validation and CAA lookup.",
         "RFC 4035 §5.5; BR 3.2.2.4 and 3.2.2.8.1 (ballot SC-085)"},
    [DV_F_CAA_NONE] = {"No CAA records: any CA may issue", "Nothing to fix.",
                       "RFC 8659 §3"},
    [DV_F_CAA_ALLOWS_AMAZON] =
        {"CAA allows Amazon to issue", "Nothing to fix.",
         "RFC 8659 §4; "
         "https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html"},
    [DV_F_CAA_FORBIDS_AMAZON] =
        {"CAA does not allow Amazon to issue (ACM: CAA_ERROR)",
         "Add a CAA record at the name shown: 0 issue \"amazon.com\" (for "
         "wildcards also 0 issuewild \"amazon.com\" if issuewild is used). Any "
         "of amazon.com, amazontrust.com, awstrust.com, amazonaws.com works.",
         "RFC 8659 §4.2; "
         "https://docs.aws.amazon.com/acm/latest/userguide/setup-caa.html"},
    [DV_F_CAA_FORBIDS_ALL] = {"CAA forbids every CA (issue \";\")",
                              "Replace the empty issue property with 0 issue "
                              "\"amazon.com\" if you want "
                              "ACM certificates for this name.",
                              "RFC 8659 §4.2"},
    [DV_F_CAA_CRITICAL_UNKNOWN_TAG] =
        {"CAA has an unknown property marked critical: no CA may issue",
         "Remove the critical flag (128) from the unknown property, or remove "
         "the "
         "property.",
         "RFC 8659 §4.1"},
    [DV_F_CAA_LOOKUP_FAILED] =
        {"A CAA lookup failed: CAs must not issue (ACM: CAA_ERROR)",
         "Fix the name servers of the zone in the evidence so that CAA queries "
         "get an answer (NOERROR, even with no records); some servers "
         "mishandle "
         "unknown types.",
         "RFC 8659 §3; "
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "troubleshooting-caa.html"},
    /* ---- any CA, RFC 8659/8657, ACME dns-01, dns-persist-01 and the
     * CA/B Forum's dated rules (issue 14; data: check/cas.conf) ---- */
    [DV_F_CAA_DNSSEC_FAILED] =
        {"A CAA lookup fails DNSSEC validation: no CA may issue",
         "The resolver answers SERVFAIL but the servers answer with CD=1: "
         "the zone's signatures or its DS record are broken. Re-sign the "
         "zone or fix the DS at the registrar. Since 2026-03-15 every CA "
         "validates DNSSEC on CAA lookups and must not issue after such an "
         "error.",
         "BR 3.2.2.8.1 (ballot SC-085, effective 2026-03-15); RFC 4035 §5.5"},
    [DV_F_CAA_ALLOWS_CA] = {"CAA allows the chosen CA to issue",
                            "Nothing to fix.",
                            "RFC 8659 §4.2; BR 3.2.2.8; check/cas.conf"},
    [DV_F_CAA_FORBIDS_CA] =
        {"CAA does not allow the chosen CA to issue",
         "Add a CAA record at the name shown with one of the CA's issuer "
         "domain names (see `ca` in the evidence and check/cas.conf), e.g. "
         "0 issue \"letsencrypt.org\"; for wildcards also issuewild if "
         "issuewild is used.",
         "RFC 8659 §4.2-4.3; BR 3.2.2.8"},
    [DV_F_CAA_MALFORMED] =
        {"A CAA issue/issuewild value does not match RFC 8659's grammar: it "
         "counts as an empty issuer (no CA)",
         "Rewrite the value as ISSUER[; tag=value[; tag=value]]: tags are "
         "letters, digits and inner hyphens (no underscore), values have no "
         "spaces or semicolons, the issuer has no final dot. Until then the "
         "record authorises nobody.",
         "RFC 8659 §4.2 (\"MUST be treated the same as one specifying an "
         "empty issuer-domain-name\")"},
    [DV_F_CAA_ACCOUNT_MISMATCH] =
        {"CAA allows the CA only for other ACME accounts (accounturi)",
         "Use the ACME account named in the record, or add a CAA record with "
         "your account's URL: 0 issue \"CA; accounturi=YOUR-ACCOUNT-URL\".",
         "RFC 8657 §3"},
    [DV_F_CAA_METHOD_NOT_ALLOWED] =
        {"CAA allows the CA only with other validation methods "
         "(validationmethods)",
         "Validate with a method the record lists, or add the method being "
         "checked to its validationmethods parameter.",
         "RFC 8657 §4"},
    [DV_F_CAA_PARAMS_RESTRICT] =
        {"CAA allows the CA only for some ACME accounts or methods",
         "Nothing to fix if your ACME account and method are the ones "
         "listed; give --acme-account URI to have it checked.",
         "RFC 8657 §3-4"},
    [DV_F_CA_METHOD_NOT_OFFERED] =
        {"The chosen CA does not offer this validation method",
         "Pick a method the CA offers (listed in the evidence, from "
         "check/cas.conf) or a CA that offers this one.",
         "BR 3.2.2.4; check/cas.conf"},
    [DV_F_EMAIL_METHOD_DISCOURAGED] =
        {"E-mail validation to the constructed addresses is being retired "
         "(SHOULD NOT since 2026-03-15, MUST NOT from 2028-03-15)",
         "Move to DNS validation (a CNAME or TXT record) before 2028-03-15: "
         "from then on no CA may issue or renew on an e-mail approval, and "
         "earlier e-mail validations cannot be reused.",
         "BR 3.2.2.4.4 (ballot SC-090)"},
    [DV_F_EMAIL_METHOD_RETIRED] =
        {"E-mail validation to the constructed addresses is retired (MUST "
         "NOT since 2028-03-15)",
         "Use DNS validation: no CA may issue on an e-mail approval.",
         "BR 3.2.2.4.4 (ballot SC-090)"},
    [DV_F_ACME_TXT_OK] =
        {"The _acme-challenge TXT record is in place at every authoritative "
         "server",
         "Nothing to fix.", "RFC 8555 §8.4; BR 3.2.2.4.7"},
    [DV_F_ACME_TXT_MISSING] =
        {"No _acme-challenge TXT record at the authoritative servers",
         "Create the TXT record your ACME client asks for at "
         "_acme-challenge.NAME (without a leading \"*.\") in the zone shown, "
         "or check that the client's DNS plug-in writes to this zone.",
         "RFC 8555 §8.4"},
    [DV_F_ACME_TXT_MISSING_ON_SOME] =
        {"Some authoritative servers lack the _acme-challenge TXT: "
         "multi-perspective validation (MPIC) is likely to fail",
         "CAs query from several network perspectives and each must see the "
         "same value; fix zone transfers (compare the serials) or wait until "
         "every server has the record before asking the CA to validate.",
         "BR 3.2.2.9 (ballot SC-067; quorum enforced since 2025-09-15); "
         "BR 3.2.2.4.7; RFC 1996"},
    [DV_F_ACME_TXT_WRONG_VALUE] =
        {"The _acme-challenge TXT holds other values than expected",
         "Publish the value your ACME client shows (--expect); an old value "
         "from an earlier order is a common slip. Several TXT records at "
         "the name are fine.",
         "RFC 8555 §8.4"},
    [DV_F_ACME_SERVERS_DISAGREE] =
        {"The authoritative servers publish different _acme-challenge "
         "values: multi-perspective validation (MPIC) is likely to fail",
         "Every network perspective must observe the same challenge value; "
         "make the servers serve one copy of the zone (compare serials; a "
         "provider API that updated one server only is a common cause).",
         "BR 3.2.2.9 and 3.2.2.4.7 (\"MUST observe the same challenge "
         "information\"; ballot SC-067)"},
    [DV_F_ACME_TXT_DOUBLED_LABEL] =
        {"The TXT record was created as _acme-challenge.NAME.NAME (zone "
         "suffix doubled)",
         "The DNS console appended the zone to a full name: delete the "
         "record and create it as \"_acme-challenge\" (relative) or with a "
         "final dot.",
         "RFC 1035 §5.1; RFC 8555 §8.4"},
    [DV_F_ACME_TXT_FROM_WILDCARD] =
        {"The _acme-challenge TXT answer is synthesised from a wildcard",
         "A wildcard TXT record (*.ZONE) answers for the challenge name; "
         "create the real _acme-challenge TXT record.",
         "RFC 4592; RFC 8555 §8.4"},
    [DV_F_ACME_DELEGATED] =
        {"_acme-challenge is delegated by CNAME to another zone (acme-dns "
         "style); the TXT was checked there",
         "Nothing to fix if the target zone's findings are clean.",
         "RFC 8555 §8.4; BR 3.2.2.4.7"},
    [DV_F_ACME_DELEGATION_BROKEN] =
        {"_acme-challenge is a CNAME to a name without the TXT record",
         "Register the name at the delegation service again (acme-dns) or "
         "point the CNAME at the name the service gave you.",
         "RFC 8555 §8.4"},
    [DV_F_PERSIST_OK] =
        {"A usable dns-persist-01 record (_validation-persist TXT) names "
         "the CA and an account",
         "Nothing to fix.", "BR 3.2.2.4.22 (ballot SC-088)"},
    [DV_F_PERSIST_MISSING] =
        {"No _validation-persist TXT record",
         "Publish _validation-persist.NAME TXT \"ISSUER; "
         "accounturi=ACCOUNT-URL\" (optionally ; persistUntil=UNIX-TIME).",
         "BR 3.2.2.4.22 (ballot SC-088)"},
    [DV_F_PERSIST_MISSING_ON_SOME] =
        {"Some authoritative servers lack the _validation-persist record: "
         "multi-perspective validation (MPIC) is likely to fail",
         "Every perspective must observe the record with the same "
         "accounturi; fix zone transfers or the provider's servers.",
         "BR 3.2.2.4.22 and 3.2.2.9 (ballots SC-088, SC-067)"},
    [DV_F_PERSIST_WRONG_ISSUER] =
        {"The _validation-persist records name other CAs only",
         "Add a record whose issuer domain name is one of the chosen CA's "
         "(see check/cas.conf); records for other CAs may stay.",
         "BR 3.2.2.4.22 item 2"},
    [DV_F_PERSIST_NO_ACCOUNTURI] =
        {"The _validation-persist record for the CA has no accounturi",
         "Add ; accounturi=YOUR-ACCOUNT-URL: the parameter is required.",
         "BR 3.2.2.4.22 item 3; RFC 8657 §3"},
    [DV_F_PERSIST_ACCOUNT_MISMATCH] =
        {"The _validation-persist record names another account",
         "Use the account in the record, or publish a record with yours "
         "(--acme-account).",
         "BR 3.2.2.4.22 item 3"},
    [DV_F_PERSIST_EXPIRED] =
        {"The _validation-persist record's persistUntil has passed",
         "Raise persistUntil or remove it: after that time the CA MUST NOT "
         "use the record.",
         "BR 3.2.2.4.22 item 4"},
    [DV_F_PERSIST_EXPIRES_SOON] =
        {"The _validation-persist record's persistUntil is less than 30 "
         "days away",
         "Raise persistUntil before it passes, or renewals will fail.",
         "BR 3.2.2.4.22 item 4"},
    [DV_F_PERSIST_MALFORMED] =
        {"A _validation-persist record does not parse (RFC 8659 issue-value "
         "grammar, or persistUntil not a whole number)",
         "Rewrite it as ISSUER; accounturi=URL[; persistUntil=SECONDS]: a "
         "CA cannot use a record that does not match the grammar.",
         "BR 3.2.2.4.22 items 1 and 4; RFC 8659 §4.2"},
    [DV_F_PREFLIGHT_USE_DNS] =
        {"Request with DNS validation",
         "The zone is reachable, CAA allows Amazon and DNSSEC is not broken: "
         "choose DNS validation and create the CNAME ACM shows. It also renews "
         "without anyone clicking a mail.",
         ACM_DNS},
    [DV_F_PREFLIGHT_USE_EMAIL] =
        {"Only e-mail validation can work for this name",
         "DNS validation would fail (see the findings); e-mail validation can "
         "reach the validation domain shown. Fix DNS to get automatic "
         "renewals.",
         ACM_EMAIL},
    [DV_F_PREFLIGHT_NO_METHOD] =
        {"Neither DNS nor e-mail validation can work as things are",
         "Fix the problems listed before requesting the certificate. CAA "
         "applies "
         "to every validation method; DNS validation needs the zone's servers "
         "to "
         "answer; e-mail validation needs an MX.",
         ACM_DNS "; " ACM_EMAIL},
    [DV_F_WHOIS_CONTACT_EMAIL] =
        {"A WHOIS contact has a real e-mail address (ACM's pre-2024 legacy "
         "only)",
         "Before mid-2024 ACM also mailed this address; certificates requested "
         "then may list it in ValidationEmails. New requests use only the five "
         "addresses of the validation domain; no public CA may use WHOIS "
         "contacts since 2025-07-15.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "email-validation.html; BR 3.2.2.4.2 (ballot SC-080)"},
    [DV_F_WHOIS_CONTACT_PROXY] =
        {"A WHOIS contact is a privacy-proxy relay address",
         "Mail to the relay is forwarded -- or filtered -- by the privacy "
         "service. If an old certificate's validation mail went there, check "
         "the forwarding settings at the registrar.",
         "ICANN RAA 2013, Specification on Privacy and Proxy Registrations"},
    [DV_F_WHOIS_NO_CONTACT_EMAIL] =
        {"No WHOIS contact e-mail is published (redacted, web form or absent)",
         "Normal since GDPR. ACM's e-mail validation cannot use WHOIS contacts "
         "here; it relies on the five addresses of the validation domain.",
         "ICANN Registration Data Policy; RFC 9537"},
    [DV_F_WHOIS_THROTTLED] =
        {"The WHOIS/RDAP server throttled the lookup",
         "The reply is a rate-limit notice, not registration data. Wait and "
         "retry later, from another network, or use the registry's RDAP "
         "service.",
         "RFC 3912; RFC 9110 §15.5.20 (429) via RFC 7480"},
    [DV_F_WHOIS_CAPTCHA] =
        {"The registry answers only after a CAPTCHA",
         "Automated lookups cannot get the contacts; look them up in the "
         "registry's web interface.",
         "RFC 3912"},
    [DV_F_WHOIS_WEB_ONLY] =
        {"The registry publishes registration data on a web page only",
         "Use the registry's web lookup shown in the evidence.", "RFC 3912"},
    [DV_F_WHOIS_NOT_FOUND] = {"The registry has no such domain",
                              "Check the spelling and the registrable domain; "
                              "an unregistered domain "
                              "cannot be validated at all.",
                              "RFC 3912; RFC 9083 §6"},
    [DV_F_WHOIS_LOOKUP_FAILED] =
        {"No WHOIS or RDAP server gave a usable answer",
         "The evidence lists each server asked and what went wrong (timeout, "
         "reset, refused, malformed answer). Retry later or with a longer "
         "--whois-timeout; the contacts are unknown, not absent.",
         "RFC 3912; RFC 7480"},
    [DV_F_WHOIS_SERVER_FAILED] =
        {"A server further down the referral chain did not answer usefully",
         "The registry answered but the registrar's server (named in the "
         "referral or RDAP `related` link) timed out, reset the connection or "
         "sent garbage: the contacts shown are the registry's only. Retry "
         "later.",
         "RFC 3912; RFC 9083 §4.2"},
    [DV_F_WHOIS_RDAP_FALLBACK] =
        {"RDAP gave no usable answer: the port-43 WHOIS reply was used",
         "Nothing to fix. The evidence says why RDAP failed (network error, "
         "malformed JSON, throttled).",
         "ICANN gTLD RDAP profile (port 43 optional since 28 Jan 2025)"},
    [DV_F_WHOIS_NO_SERVER] =
        {"The registry publishes neither RDAP nor port-43 WHOIS",
         "Look the contacts up at the registrar or the registry's web site; "
         "automated lookups are not possible for this TLD.",
         "IANA root zone database; RFC 9224"},
    [DV_F_WHOIS_REFERRAL_IGNORED] =
        {"A WHOIS referral was not followed (empty, URL, IP literal, private "
         "or "
         "loopback)",
         "Nothing to fix for validation. The registry's \"Registrar WHOIS "
         "Server:\" value is not a usable host name, so only the registry's "
         "record is shown; ask the registrar directly if you need its record.",
         "RFC 3912; ICANN RAA 2013 Registration Data Directory Service "
         "Specification"},
    [DV_F_WHOIS_REFERRAL_LOOP] =
        {"WHOIS/RDAP referrals loop or go on too long: stopped",
         "The referral chain names a server already asked, or more servers "
         "than "
         "dvcheck follows; the data shown is from the servers asked before.",
         "RFC 3912; RFC 9083 §4.2"},
    [DV_F_WHOIS_REPLY_TRUNCATED] =
        {"The WHOIS reply was larger than 1 MiB: the rest was not read",
         "Real replies are a few KiB; a huge one is a misbehaving server. Only "
         "the first 1 MiB was analysed.",
         "RFC 3912"},
    [DV_F_WHOIS_EMPTY_REPLY] =
        {"The WHOIS server answered with nothing: no data",
         "Some registries and registrars close the connection without a word "
         "for a name they do not know (often an unregistered one), so the "
         "contacts are unknown, not absent or private. Check the name and its "
         "registrable domain, and ask the registry's RDAP service or web "
         "lookup. For a saved reply (--input), make sure the lookup that "
         "wrote the file did not fail (a failing whois client reports on "
         "standard error and leaves the file empty).",
         "RFC 3912"},
    [DV_F_WHOIS_BACKOFF] =
        {"dvcheck did not ask a WHOIS server again: it throttled this run",
         "The server rate-limited an earlier query and its backoff outlasts "
         "the "
         "run's deadline, so dvcheck did not hammer it. Retry later or lower "
         "--whois-rate.",
         "RFC 3912"},
    [DV_F_EMAIL_LEGACY_CONTACT_ROUTE] =
        {"Only a WHOIS contact can receive the validation mail (pre-2024 rule)",
         "No candidate domain receives mail, but the WHOIS contact shown in "
         "the "
         "evidence could under ACM's rule before mid-2024 (--acm-legacy). "
         "Current ACM requests do not mail WHOIS contacts: fix the MX or use "
         "DNS validation.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "email-validation.html"},
    /* SMTP mailbox probe (email --probe, check/check_smtp.c) */
    [DV_F_SMTP_PROBE_OK] =
        {"The MX accepts the five addresses and refuses a made-up one",
         "Nothing to fix on the mail server: the mailboxes exist. If the "
         "validation e-mail still does not arrive, look at spam folders and "
         "at filters for no-reply@certificates.amazon.com.",
         "RFC 5321 §3.3, §4.2; " ACM_EMAIL},
    [DV_F_SMTP_MAILBOXES_ALL_UNKNOWN] =
        {"None of the five addresses exists: nobody can receive ACM's mail",
         "Create one of admin@, administrator@, hostmaster@, postmaster@ or "
         "webmaster@ at the validation domain (an alias to a real mailbox is "
         "enough; postmaster@ is required by RFC 5321 §4.5.1 anyway), or use "
         "DNS validation.",
         "RFC 5321 §4.5.1; RFC 3463 (X.1.1); " ACM_EMAIL},
    [DV_F_SMTP_MAILBOXES_SOME_UNKNOWN] =
        {"Some of the five addresses do not exist",
         "Nothing is blocked: ACM's mail reaches the addresses that exist. "
         "Make sure someone reads them, or create the missing ones as aliases.",
         "RFC 3463 (X.1.1); " ACM_EMAIL},
    [DV_F_SMTP_ACCEPTS_ANY_ADDRESS] =
        {"The MX accepts every address: the probe cannot tell whether anyone "
         "reads these mailboxes",
         "The server (a catch-all, or one that checks recipients only after "
         "accepting the mail) says yes to a random address too. Ask the mail "
         "administrator where mail to admin@ etc. really goes.",
         "RFC 5321 §3.5.3; " ACM_EMAIL},
    [DV_F_SMTP_CANNOT_VERIFY] =
        {"The MX will not say whether the addresses exist (252)",
         "The server accepts the address without checking it. Ask the mail "
         "administrator whether the five addresses exist.",
         "RFC 5321 §3.5.3, §4.2.2"},
    [DV_F_SMTP_GREYLISTED] =
        {"The MX greylists unknown senders: ACM's mail will be delayed",
         "Not a failure: ACM's sending servers retry, so the mail arrives "
         "after the greylisting delay. Whitelist Amazon's senders if the "
         "delay matters.",
         "RFC 6647; RFC 5321 §4.2.1"},
    [DV_F_SMTP_TEMPORARY_FAILURE] =
        {"The MX answered with a temporary failure (4xx)",
         "Not a failure yet: senders retry 4xx replies. If it persists, the "
         "mail server has a problem (lookup failures, full disk): tell its "
         "administrator.",
         "RFC 5321 §4.2.1; RFC 3463"},
    [DV_F_SMTP_POLICY_REFUSED] =
        {"The MX refuses mail for these addresses by policy (5.7.x)",
         "The server does not accept mail for this domain (\"relay access "
         "denied\": the MX is not configured for it) or blocks by policy. Fix "
         "the mail server's domain list, or point the MX at the server that "
         "handles this domain.",
         "RFC 3463 (X.7.1); RFC 5321 §4.2.2"},
    [DV_F_SMTP_SENDER_REFUSED] =
        {"The MX refused the probe's sender: the mailboxes were not tested",
         "Many servers refuse the null sender <> (which RFC 5321 §4.5.5 says "
         "they must accept). Run again with --mail-from set to an address of "
         "yours. ACM's own mail has a real sender and is not affected.",
         "RFC 5321 §4.5.5, §6.1"},
    [DV_F_SMTP_NO_SERVER] =
        {"Nothing listens on port 25 at any MX host: the MX runs no mail "
         "server",
         "Every MX host refused the connection. Start the mail service, open "
         "port 25 to the Internet, or point the MX at a host that receives "
         "mail.",
         "RFC 5321 §4.5.4.1, §5.1"},
    [DV_F_SMTP_INCONCLUSIVE] =
        {"Probe inconclusive from this network",
         "No MX host answered the probe (timeouts, a refusal at the greeting, "
         "or a broken dialogue). That is often not the domain's fault: "
         "outbound port 25 is blocked in many clouds and ISPs, and "
         "blocklists refuse residential or cloud addresses. Run the probe "
         "from a host that may send mail, or through a tunnel with "
         "--connect-to.",
         "RFC 5321 §3.1, §4.5.3.2"},
    [DV_F_SMTP_MX_FALLBACK] =
        {"A backup MX answered: a preferred MX host failed",
         "Mail still arrives through the backup, later. Check the preferred "
         "MX host named in the evidence.",
         "RFC 5321 §5.1"},
    [DV_F_SMTP_NO_STARTTLS] =
        {"The MX does not offer STARTTLS",
         "Nothing blocks ACM's mail, but it travels unencrypted. Enable "
         "STARTTLS on the mail server.",
         "RFC 3207"},
    [DV_F_SMTP_TLS_FAILED] =
        {"The STARTTLS handshake failed (the probe continued without TLS)",
         "Senders that require TLS cannot deliver. Check the server's TLS "
         "configuration (protocols, certificate, key).",
         "RFC 3207 §4.1"},
    [DV_F_SMTP_TLS_CERT_INVALID] =
        {"The MX's STARTTLS certificate is expired, untrusted or for another "
         "name",
         "Opportunistic TLS still works, so ACM's mail is not blocked; "
         "senders that verify certificates (DANE, MTA-STS) are. Install a "
         "current certificate that names the MX host.",
         "RFC 3207; RFC 8461 §4.2"},
    [DV_F_ENDPOINT_OK] =
        {"The endpoint serves a trusted certificate that is valid for the name",
         "Nothing to fix. The evidence shows when the served certificate "
         "expires; ACM renews its certificates from 60 days before expiry and "
         "deploys them to integrated services (ELB, CloudFront, API Gateway).",
         "RFC 5280 §6; RFC 6125 §6"},
    [DV_F_ENDPOINT_CERT_EXPECTED] =
        {"The endpoint serves the expected certificate",
         "Nothing to fix: the served leaf certificate has the same SHA-256 "
         "fingerprint as the expected one.",
         "RFC 5280 §4.1"},
    [DV_F_ENDPOINT_CERT_NOT_EXPECTED] =
        {"The endpoint serves a different certificate than expected (often: "
         "the "
         "load balancer still serves the old one)",
         "Attach the expected certificate to the listener, distribution or "
         "custom domain that serves this name (ELB: modify the listener's "
         "default certificate or its certificate list; CloudFront: the "
         "distribution's viewer certificate; API Gateway: the custom domain "
         "name), and check every region and every node behind the name.",
         "https://docs.aws.amazon.com/acm/latest/userguide/acm-services.html"},
    [DV_F_ENDPOINT_CERT_EXPIRING] =
        {"The served certificate expires soon",
         "Renew or replace the certificate and deploy it to the endpoint. For "
         "an ACM certificate, find out why managed renewal has not happened "
         "(dvcheck dns / email for its validation records); an imported "
         "certificate is never renewed by ACM: re-import a new one.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "managed-renewal.html"},
    [DV_F_ENDPOINT_CERT_EXPIRED] =
        {"The served certificate has expired",
         "Clients refuse the connection. Deploy a valid certificate to the "
         "endpoint now; if ACM holds a renewed certificate, the endpoint is "
         "still serving the old one.",
         "RFC 5280 §4.1.2.5"},
    [DV_F_ENDPOINT_CERT_NOT_YET_VALID] =
        {"The served certificate is not valid yet (notBefore is in the future)",
         "Check the clock of this host and of the server; a certificate issued "
         "with a future start date is refused until then.",
         "RFC 5280 §4.1.2.5"},
    [DV_F_ENDPOINT_CHAIN_UNTRUSTED] =
        {"The served certificate chain does not verify against the trust store",
         "Serve the full chain (leaf and intermediates) from a CA that clients "
         "trust. A self-signed or private-CA certificate is refused by public "
         "clients; with a private CA give its bundle in DVCHECK_CA_BUNDLE.",
         "RFC 5280 §6; RFC 8446 §4.4.2"},
    [DV_F_ENDPOINT_NAME_MISMATCH] =
        {"The served certificate is not valid for the name (or address) asked",
         "Serve a certificate whose subject alternative names cover the name "
         "clients use (for several names on one listener: SNI with a "
         "certificate per name, or one certificate covering all of them).",
         "RFC 6125 §6; RFC 2818 §3.1"},
    [DV_F_ENDPOINT_HANDSHAKE_FAILED] =
        {"The TLS handshake failed",
         "The port does not speak TLS, or the server and client share no "
         "protocol version or cipher, or the server rejected the SNI name. "
         "Check the listener's protocol (HTTPS/TLS, not HTTP/TCP) and its "
         "security policy.",
         "RFC 8446 §4.1"},
    [DV_F_ENDPOINT_CONNECT_FAILED] =
        {"The TCP connection to the endpoint failed",
         "Nothing listens on that address and port, or a firewall rejects the "
         "connection: check the listener, security groups and network ACLs.",
         "RFC 9293 §3.5"},
    [DV_F_ENDPOINT_TIMEOUT] =
        {"The endpoint did not answer in time",
         "The connection or the handshake stalled (packets dropped by a "
         "firewall, an overloaded or hung server). Check reachability from "
         "this host, or raise --timeout.",
         "RFC 9293 §3.8.3"},
    [DV_F_ENDPOINT_RESOLVE_FAILED] =
        {"The endpoint's host name does not resolve to an address",
         "Check the name's A/AAAA (or alias) record at its DNS provider, or "
         "give "
         "the address directly.",
         "RFC 1034 §4.3.2"},
    [DV_F_EXPIRY_EXPIRED] = {"The certificate has expired",
                             "Clients reject it now. For an AMAZON_ISSUED "
                             "certificate request a new "
                             "one (an expired certificate is not renewed) and "
                             "attach it where the old "
                             "one is used (InUseBy); for an IMPORTED one "
                             "import a renewed certificate "
                             "into the same ARN.",
                             "https://docs.aws.amazon.com/acm/latest/userguide/"
                             "managed-renewal.html"},
    [DV_F_EXPIRY_IMPORTED] =
        {"Imported certificate expires soon: ACM never renews imported "
         "certificates",
         "Get a renewed certificate from its issuer and re-import it into the "
         "same ARN (aws acm import-certificate --certificate-arn ...), so "
         "every "
         "service using it picks it up; or replace it with an ACM-issued "
         "certificate that renews itself.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "import-reimport.html"},
    [DV_F_EXPIRY_NOT_IN_USE] =
        {"Not renewed: ACM renews only certificates that are in use "
         "(RenewalEligibility INELIGIBLE)",
         "Associate the certificate with a load balancer, CloudFront "
         "distribution, API Gateway or other integrated service before it "
         "expires, or let it lapse if it is no longer needed.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "managed-renewal.html"},
    [DV_F_EXPIRY_PRIVATE] =
        {"Private certificate expires soon; ACM renews it through its private "
         "CA",
         "Nothing to do if the private CA is active and the certificate is in "
         "use; check the CA's state and permissions if renewal does not "
         "happen.",
         "https://docs.aws.amazon.com/privateca/latest/userguide/"
         "PcaRenewCert.html"},
    [DV_F_EXPIRY_RENEWAL_FAILED] =
        {"Managed renewal failed (RenewalSummary FAILED)",
         "Read RenewalStatusReason (dvcheck cert ARN explains it), fix the "
         "cause "
         "-- usually validation no longer works for some name -- then request "
         "a "
         "new certificate if the old one cannot renew in time.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "troubleshooting-renewal.html"},
    [DV_F_EXPIRY_EMAIL_RENEWAL] =
        {"E-mail-validated: renewal needs someone to approve a validation mail",
         "Make sure someone reads the validation addresses of each domain and "
         "approves ACM's renewal mail (sent from 45 days before expiry), or "
         "replace the certificate with a DNS-validated one that renews without "
         "anyone. E-mail validation to the constructed addresses SHOULD NOT "
         "be used since 2026-03-15 and MUST NOT from 2028-03-15 (BR 3.2.2.4.4, "
         "ballot SC-090): renewals after that date need DNS validation.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "email-renewal-validation.html; BR 3.2.2.4.4 (SC-090)"},
    [DV_F_EXPIRY_DNS_RENEWAL] =
        {"DNS-validated and the validation CNAMEs are in place: ACM will renew",
         "Nothing to fix; keep the CNAME records.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "dns-renewal-validation.html"},
    [DV_F_EXPIRY_DNS_CNAME_MISSING] =
        {"DNS-validated, but a validation CNAME is gone: renewal will fail",
         "Put the CNAME records back (dvcheck cert ARN shows them and where "
         "they "
         "are missing); ACM renews automatically once it sees them.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "dns-renewal-validation.html"},
    [DV_F_EXPIRY_RENEWAL_PENDING] =
        {"Expires soon; ACM's managed renewal has not finished yet",
         "Usually nothing to do: ACM renews eligible certificates from 60 days "
         "before expiry. Run dvcheck cert ARN to see whether validation can "
         "succeed.",
         "https://docs.aws.amazon.com/acm/latest/userguide/"
         "managed-renewal.html"},
    /* ---- ACM: certificate status, failure reasons, renewal, API ---------- */
    [DV_F_ACM_STATUS_PENDING_VALIDATION] =
        {"ACM is waiting for domain validation",
         "Complete validation for every name still PENDING_VALIDATION (listed "
         "with ACM's view and the world's view): publish the CNAME ACM "
         "expects, "
         "or have someone at one of the mailed addresses approve the e-mail. "
         "ACM "
         "gives up after 72 hours (VALIDATION_TIMED_OUT).",
         ACM_TROUBLE},
    [DV_F_ACM_STATUS_ISSUED] = {"The certificate is issued",
                                "Nothing to fix. For renewal, keep the "
                                "validation CNAME published (DNS) "
                                "or the validation mailboxes working (e-mail).",
                                ACM_RENEW},
    [DV_F_ACM_STATUS_INACTIVE] =
        {"The certificate is inactive",
         "An inactive certificate cannot be used or renewed. Request a new "
         "certificate for the same names (and remove this one when nothing "
         "uses "
         "it).",
         ACM_API_CERT},
    [DV_F_ACM_STATUS_EXPIRED] =
        {"The certificate has expired",
         "ACM did not renew it (imported, not in use, or validation for the "
         "renewal failed). Request a new certificate, validate it, and attach "
         "it "
         "to the services that use the old one.",
         ACM_RENEW},
    [DV_F_ACM_STATUS_VALIDATION_TIMED_OUT] =
        {"Validation was not completed within 72 hours",
         "This request cannot be validated any more. Fix what blocked "
         "validation "
         "(see the names below), then request a new certificate; with DNS "
         "validation, create the CNAME before or right after the request.",
         ACM_TROUBLE},
    [DV_F_ACM_STATUS_REVOKED] = {"The certificate was revoked",
                                 "A revoked certificate cannot be used again. "
                                 "Request a new certificate "
                                 "and replace it wherever it is deployed.",
                                 ACM_API_CERT},
    [DV_F_ACM_STATUS_FAILED] =
        {"The certificate request failed",
         "See the failure reason below; fix its cause, then request a new "
         "certificate (a failed request cannot be retried).",
         ACM_FAILED},
    [DV_F_ACM_FAILURE_NO_AVAILABLE_CONTACTS] =
        {"Failure: ACM found no address to send the validation e-mail to",
         "The validation domain cannot receive mail (see the MX findings): "
         "publish an MX record for it, choose a superdomain that receives mail "
         "as ValidationDomain, or request the certificate with DNS validation.",
         ACM_FAILED},
    [DV_F_ACM_FAILURE_ADDITIONAL_VERIFICATION_REQUIRED] =
        {"Failure: Amazon needs more information before issuing",
         "ACM flags some names (e.g. ones resembling well-known brands) for "
         "manual review. Open a case with AWS Support (Account and billing) "
         "asking to verify the request; no DNS change helps.",
         ACM_FAILED},
    [DV_F_ACM_FAILURE_DOMAIN_NOT_ALLOWED] =
        {"Failure: one or more names are not allowed",
         "ACM refuses names such as amazonaws.com subdomains or names on its "
         "block list. Remove the name from the request (use your own domain), "
         "or contact AWS Support if you believe it is wrong.",
         ACM_FAILED},
    [DV_F_ACM_FAILURE_INVALID_PUBLIC_DOMAIN] =
        {"Failure: a name is not a valid public domain",
         "Check spelling and that the top-level domain exists in the public "
         "DNS "
         "(internal names such as .local or .corp cannot get public "
         "certificates); request again with valid names.",
         ACM_FAILED},
    [DV_F_ACM_FAILURE_DOMAIN_VALIDATION_DENIED] =
        {"Failure: validation was denied",
         "A recipient of the validation e-mail (or the domain owner) rejected "
         "the request, or ACM was not permitted to validate. Confirm the names "
         "with the domain owner, then request a new certificate.",
         ACM_FAILED},
    [DV_F_ACM_FAILURE_CAA_ERROR] =
        {"Failure: CAA records forbid Amazon to issue",
         "Add a CAA record allowing amazon.com (0 issue \"amazon.com\", and "
         "issuewild for wildcards) at the name or its closest ancestor with "
         "CAA; "
         "the CAA findings below show what the world has. Then request again.",
         "RFC 8659; " ACM_CAA},
    [DV_F_ACM_FAILURE_PCA_LIMIT_EXCEEDED] =
        {"Failure: the private CA reached its certificate limit",
         "Raise the AWS Private CA quota (Service Quotas) or use another CA, "
         "then request again.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_INVALID_ARN] =
        {"Failure: the private CA ARN is invalid",
         "Request again with the ARN of an existing AWS Private CA in this "
         "account and region (aws acm-pca list-certificate-authorities).",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_INVALID_STATE] =
        {"Failure: the private CA is not active",
         "The CA is disabled, pending, expired or deleted. Activate it (or "
         "restore it) in AWS Private CA, then request again.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_REQUEST_FAILED] =
        {"Failure: the private CA rejected the request",
         "Check the CA's status and audit report in AWS Private CA; retry the "
         "request, or contact AWS Support with the certificate ARN.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_NAME_CONSTRAINTS_VALIDATION] =
        {"Failure: a name violates the private CA's name constraints",
         "Request only names the CA's NameConstraints extension permits, or "
         "issue from a CA without that constraint.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_RESOURCE_NOT_FOUND] =
        {"Failure: the private CA does not exist",
         "The CA was deleted or is in another account or region. Request again "
         "with an existing CA.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_INVALID_ARGS] =
        {"Failure: the private CA rejected the request's parameters",
         "Check the key algorithm and names against what the CA accepts, then "
         "request again.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_INVALID_DURATION] =
        {"Failure: the validity asked for exceeds the private CA's",
         "A certificate cannot outlive its CA: renew or replace the CA "
         "certificate, or request a shorter validity.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_PCA_ACCESS_DENIED] =
        {"Failure: ACM may not use the private CA",
         "Grant ACM access to the CA (a resource policy or AWS RAM share for a "
         "cross-account CA, and acm-pca:IssueCertificate permissions), then "
         "request again.",
         ACM_PCA},
    [DV_F_ACM_FAILURE_SLR_NOT_FOUND] =
        {"Failure: ACM's service-linked role is missing",
         "Create it (aws iam create-service-linked-role --aws-service-name "
         "acm.amazonaws.com) or let ACM create it by requesting again with a "
         "principal that may call iam:CreateServiceLinkedRole.",
         ACM_SLR},
    [DV_F_ACM_FAILURE_OTHER] =
        {"Failure: ACM gives no specific reason (OTHER)",
         "Check the names (typos, names you do not control, CAA), request "
         "again; if it fails again, contact AWS Support with the certificate "
         "ARN.",
         ACM_FAILED},
    [DV_F_ACM_RENEWAL_PENDING_AUTO_RENEWAL] =
        {"Managed renewal is in progress and needs nothing from you yet",
         "Nothing to fix. ACM is renewing automatically; keep the validation "
         "CNAMEs (DNS) or mailboxes (e-mail) in place.",
         ACM_RENEW},
    [DV_F_ACM_RENEWAL_PENDING_VALIDATION] =
        {"Renewal is waiting for domain validation",
         "ACM could not revalidate every name on its own: restore the CNAMEs "
         "ACM lists for the renewal, or approve the renewal e-mail (resend it "
         "with dvcheck cert ARN --resend). If it is not done before expiry, "
         "the "
         "certificate expires.",
         ACM_RENEW},
    [DV_F_ACM_RENEWAL_SUCCESS] = {"The last managed renewal succeeded",
                                  "Nothing to fix.", ACM_RENEW},
    [DV_F_ACM_RENEWAL_FAILED] =
        {"Managed renewal failed",
         "See the renewal's failure reason and the names below. Fix the cause "
         "and request a new certificate before this one expires; attach it "
         "where "
         "the old one is used.",
         ACM_RENEW},
    [DV_F_ACM_NAME_VALIDATED] =
        {"ACM validated the name, and the world still agrees",
         "Nothing to fix.", ACM_DNS},
    [DV_F_ACM_NAME_VALIDATED_WORLD_CHANGED] =
        {"ACM validated the name, but the world no longer shows what validated "
         "it",
         "The next renewal will need it again: restore the validation CNAME "
         "(DNS) or the mail route to the validation domain (e-mail), as the "
         "findings for this name show.",
         ACM_RENEW},
    [DV_F_ACM_NAME_PENDING_WORLD_BLOCKS] =
        {"The world is wrong: what ACM needs is not in place",
         "ACM is right to wait. Fix the problem the world shows for this name "
         "(the DNS or mail findings next to it); ACM retries on its own while "
         "the request is pending.",
         ACM_TROUBLE},
    [DV_F_ACM_NAME_PENDING_DNS_READY] =
        {"The world is right: the CNAME is in place, but ACM still says "
         "pending",
         "ACM checks periodically and may take up to a few hours after the "
         "record appears. If it stays pending for longer, make sure the record "
         "is visible from the public Internet (no split-horizon view) and that "
         "CAA allows Amazon.",
         ACM_DNS},
    [DV_F_ACM_NAME_PENDING_EMAIL_UNANSWERED] =
        {"Mail to the validation domain can be delivered; nobody approved yet",
         "Ask the people behind the mailed addresses to look for the mail from "
         "no-reply@certificates.amazon.com (also in spam) and click Approve; "
         "resend it within 72 hours with dvcheck cert ARN --resend.",
         ACM_EMAIL},
    [DV_F_ACM_NAME_FAILED] =
        {"ACM marked validation of this name as FAILED",
         "Fix the cause (the certificate's failure reason and the world's view "
         "of this name), then request a new certificate.",
         ACM_TROUBLE},
    [DV_F_ACM_NAME_NO_RECORD_YET] =
        {"DNS validation, but ACM has not published the CNAME for this name "
         "yet",
         "ACM generates the record shortly after the request; run the check "
         "again in a minute. If it never appears, the request is probably "
         "stuck: "
         "request again.",
         ACM_DNS},
    [DV_F_ACM_NAME_HTTP_VALIDATION] =
        {"HTTP validation (CloudFront-managed): not checked here",
         "Nothing to check with DNS or mail: ACM validates these names through "
         "the HTTP redirect CloudFront serves.",
         ACM_API_CERT},
    [DV_F_ACM_EMAILS_WHOIS_CONTACTS] =
        {"ACM also mailed WHOIS contacts: the rule before mid-2024",
         "Requests made since mid-2024 are mailed only at the five addresses "
         "of "
         "the validation domain (admin, administrator, hostmaster, postmaster, "
         "webmaster); the WHOIS contacts listed here reflect the old rule. "
         "Make "
         "sure one of the five works before you rely on a renewal.",
         ACM_EMAIL},
    [DV_F_ACM_EMAILS_UNEXPECTED] =
        {"ACM's address list lacks some or all of the five standard addresses",
         "An empty list means ACM found nobody to mail (the validation domain "
         "has no working MX: fix it, or use DNS validation). Otherwise compare "
         "ValidationEmails with admin@, administrator@, hostmaster@, "
         "postmaster@ "
         "and webmaster@ the ValidationDomain; if ACM mailed a different "
         "domain "
         "than you expected, resend with --validation-domain.",
         ACM_EMAIL},
    [DV_F_ACM_RESEND_SENT] =
        {"ACM accepted the request to resend the validation e-mail",
         "Watch the listed mailboxes (and spam folders) for the mail from "
         "no-reply@certificates.amazon.com and approve it.",
         ACM_RESEND},
    [DV_F_ACM_RESEND_DRY_RUN] =
        {"Dry run: the validation e-mail would be resent (nothing was sent)",
         "Run again without --dry-run to send it.", ACM_RESEND},
    [DV_F_ACM_RESEND_NOT_EMAIL] =
        {"Cannot resend: the name is validated by DNS (or HTTP), not e-mail",
         "There is no e-mail to resend. Create the CNAME record ACM lists for "
         "the name (dvcheck checks it above); ACM validates on its own once it "
         "sees it. HTTP-validated names are validated through CloudFront.",
         ACM_DNS},
    [DV_F_ACM_RESEND_NOT_PENDING] =
        {"Cannot resend: nothing is pending e-mail validation",
         "ACM resends only for a certificate (or renewal) in "
         "PENDING_VALIDATION. "
         "For a failed or timed-out request, request a new certificate.",
         ACM_RESEND},
    [DV_F_ACM_RESEND_WINDOW_CLOSED] =
        {"Cannot resend: more than 72 hours since the request",
         "ACM resends only within 72 hours of the request (or of the last "
         "resend). Request a new certificate -- consider DNS validation -- and "
         "delete this one.",
         ACM_RESEND},
    [DV_F_ACM_RESEND_BAD_TARGET] =
        {"Cannot resend: --domain or --validation-domain does not fit the "
         "certificate",
         "--domain must be one of the certificate's names pending e-mail "
         "validation; --validation-domain must be that name (without *.) or a "
         "superdomain of it.",
         ACM_RESEND},
    [DV_F_ACM_RESEND_REJECTED] =
        {"ACM refused to resend the validation e-mail",
         "See ACM's error: InvalidStateException means the certificate is not "
         "pending e-mail validation (or the 72 hours passed); "
         "InvalidDomainValidationOptionsException means the domain or "
         "validation "
         "domain is not one ACM accepts for this certificate.",
         ACM_RESEND},
    [DV_F_ACM_API_NOT_FOUND] = {"ACM has no such certificate",
                                "Check the ARN, the account your credentials "
                                "belong to, and the region "
                                "(the ARN's region is used).",
                                ACM_API_CERT},
    [DV_F_ACM_API_ACCESS_DENIED] =
        {"ACM refused the credentials or the permission",
         "Check that the access key is valid and active, the session token not "
         "expired, and the policy allows acm:DescribeCertificate, "
         "acm:ListCertificates and (for --resend) acm:ResendValidationEmail.",
         ACM_ERRORS},
    [DV_F_ACM_API_ERROR] =
        {"ACM returned an error",
         "See the error code and message; the request ID helps AWS Support.",
         ACM_ERRORS},
    [DV_F_ACM_API_THROTTLED] =
        {"ACM kept throttling the requests (after retries)",
         "Another tool is using the account's ACM request quota: retry later, "
         "lower the request rate of automation, or ask for a higher quota.",
         ACM_RETRY},
    [DV_F_ACM_API_UNREACHABLE] =
        {"The ACM endpoint could not be reached",
         "Check network access to the endpoint (proxies, firewalls, VPC "
         "endpoints), the endpoint URL, and AWS_CA_BUNDLE if TLS verification "
         "failed.",
         ACM_ERRORS},
    [DV_F_ACM_CLOCK_SKEW] =
        {"This machine's clock is wrong: ACM rejected the signature's time",
         "Synchronise the clock (chrony, systemd-timesyncd or ntpd); AWS "
         "accepts requests only within 5 minutes of its own time.",
         ACM_ERRORS},
    [DV_F_ACM_CREDENTIALS_MISSING] =
        {"No AWS credentials were found",
         "Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and "
         "AWS_SESSION_TOKEN "
         "for temporary credentials) for an identity allowed to read ACM.",
         ACM_CREDS},
    [DV_F_ORG_LIST_FAILED] =
        {"The organisation's accounts could not be listed",
         "Run with the management account's (or a delegated administrator's) "
         "credentials, allowed organizations:ListAccounts; or name the "
         "accounts with --accounts / --accounts-file.",
         "https://docs.aws.amazon.com/organizations/latest/APIReference/"
         "API_ListAccounts.html"},
    [DV_F_ORG_ACCOUNT_INACTIVE] =
        {"An account of the organisation is not ACTIVE and was not audited",
         "A SUSPENDED or PENDING_CLOSURE account cannot be used; its "
         "certificates stop renewing with it. Nothing to do unless the "
         "account should be active.",
         "https://docs.aws.amazon.com/organizations/latest/APIReference/"
         "API_Account.html"},
    [DV_F_ORG_ASSUME_ROLE_FAILED] =
        {"The audit role could not be assumed in an account",
         "Create the role (--role-name, default OrganizationAccountAccessRole) "
         "in the account with a trust policy that allows the caller, or "
         "exclude the account (--exclude).",
         "https://docs.aws.amazon.com/organizations/latest/userguide/"
         "orgs_manage_accounts_access.html"},
    [DV_F_DNS_RESOLVER_FAILED] =
        {"The recursive resolver could not be used (refused, unreachable, "
         "malformed answer, or no answer at all)",
         "This is about the resolver dvcheck asked, not about the domain: "
         "check "
         "the address given with --resolver (or /etc/resolv.conf), that it "
         "allows recursion for this host, and re-run. No verdict is given.",
         "RFC 1035 §4.1.1; dvcheck(1) --resolver"},
    [DV_F_RUN_DEADLINE] =
        {"The run's deadline passed before every check finished",
         "Re-run with a longer --timeout, or check fewer names at once; "
         "results "
         "for unfinished checks are missing.",
         "dvcheck(1) --timeout"},
    [DV_F_RUN_INTERRUPTED] =
        {"The run was interrupted (SIGINT or SIGTERM) before every check "
         "finished",
         "Nothing is wrong with the names: the checks that had not finished "
         "when the signal arrived were stopped and give no verdict (they are "
         "listed with this code). Re-run them without interrupting.",
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
  /* A signal cuts the run short through the deadline's cancel path: the
   * cancelled work then says "interrupted", not "deadline". */
  if (code == DV_F_RUN_DEADLINE && dv_loop_interrupted())
    code = DV_F_RUN_INTERRUPTED;
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
    if (list->v[i].code == code ||
        (code == DV_F_RUN_DEADLINE && list->v[i].code == DV_F_RUN_INTERRUPTED))
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

json_t *dv_findings_json(const dv_findings *fl)
{
  json_t *arr = json_array();
  if (!arr)
    return NULL;
  for (size_t i = 0; i < fl->n; i++) {
    const dv_finding *f = &fl->v[i];
    const dv_catalogue_entry *e = dv_catalogue_get(f->code);
    json_t *ev = json_object(), *o;
    for (size_t j = 0; ev && j < f->nev; j++)
      json_object_set_new(ev, f->ev[j].key, dv_json_str(f->ev[j].value));
    o = json_pack("{s:s, s:s, s:o, s:s, s:o}", "code", e->id, "severity",
                  dv_severity_str(e->severity), "subject",
                  dv_json_str(f->subject), "message", e->title, "evidence",
                  ev ? ev : json_object());
    if (!o || json_array_append_new(arr, o) < 0) {
      json_decref(arr);
      return NULL;
    }
  }
  return arr;
}
