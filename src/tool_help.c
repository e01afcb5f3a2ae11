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

#include "src/tool_help.h"
#include "src/tool_operate.h"

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
     "verdict per name: the validation domain to use, or the fix.",
     dv_cmd_email},
    {"dns",
     "[NAME] --cname RECORD_NAME=RECORD_VALUE... | --records FILE | --acme "
     "NAME [--expect VALUE] | --persist NAME",
     "is ACM's validation CNAME in place at every authoritative server",
     "Checks each validation record ACM gave (from --cname, the CSV the ACM "
     "console exports, or `aws acm describe-certificate` JSON): the zone and "
     "its delegated name servers, the record at every one of them directly "
     "(lame, unreachable, stale servers), the recursive resolver's view "
     "(negative caching, private views), the classic mistakes (doubled zone "
     "suffix, missing underscore, value with the zone appended, TXT instead "
     "of CNAME, CNAME plus other data, long CNAME chains, a record in the "
     "wrong zone), DNSSEC, and CAA for the certificate name. NAME (the "
     "certificate name) is needed only when it is not the record name "
     "without its first label. --acme NAME checks ACME's dns-01 record "
     "instead (TXT at _acme-challenge.NAME) at the resolver and every "
     "authoritative server: stale or disagreeing servers (a multi-perspective "
     "validation failure), the doubled-label mistake (guarded against "
     "wildcards), a CNAME delegation to another zone (acme-dns) followed and "
     "checked there, the values; --expect VALUE names the value the ACME "
     "client wants. --persist NAME checks dns-persist-01 (BR 3.2.2.4.22): "
     "the _validation-persist.NAME TXT records' issuer against --ca, "
     "accounturi (against --acme-account), persistUntil (passed, or less "
     "than 30 days away), their grammar, at every server.",
     dv_cmd_dns},
    {"preflight", "[--ca NAME|--ca-domain DOMAIN] NAME...",
     "before requesting: which validation method will work for each name",
     "For each NAME: can DNS validation work (zone served by its name "
     "servers, CAA allows the CA, DNSSEC not broken), can e-mail validation "
     "work (the e-mail checks; only for a CA that offers it, and reported "
     "with its end date: BR 3.2.2.4.4, ballot SC-090), which names share a "
     "record (*.example.com and example.com), and the method and validation "
     "domain to choose. --ca picks the CA (default amazon; the table is "
     "check/cas.conf, `--ca list` prints it).",
     dv_cmd_preflight},
    {"whois", "NAME... | --input FILE [--domain NAME] [--server HOST]",
     "WHOIS/RDAP contacts ACM mailed before 2024 (legacy; no public CA may "
     "use them since 2025-07-15): masked, proxied, throttled?",
     "Looks up the registrable domain of each NAME (once per domain, however "
     "many names share it): RDAP first (IANA bootstrap, the registry, then "
     "the registrar's RDAP server from the `related` link), port-43 WHOIS as "
     "the fallback and for TLDs without RDAP (the server table, IANA's "
     "refer: for unknown TLDs, the thin registry's \"Registrar WHOIS "
     "Server:\" referral). Each server gets at most --whois-rate queries a "
     "minute; a throttled reply makes dvcheck back off, not retry in a loop. "
     "With --input FILE, analyses a reply saved elsewhere instead -- WHOIS "
     "text or RDAP JSON, detected automatically; \"-\" reads standard input; "
     "no network. An empty FILE (0 bytes, or blanks only) is read as an "
     "empty reply -- some servers send nothing for a name they do not know "
     "-- and reported as \"no data\" (WHOIS_EMPTY_REPLY, exit 1), not as an "
     "input error; a registry that closes without a word live gets the "
     "same verdict. "
     "Reports the registrant, admin and tech contacts as email, proxy (a "
     "privacy relay), redacted, web_form or absent, and whether the reply "
     "was throttled (a refusal notice, or a short reply without data that "
     "words a refusal), asks for a CAPTCHA or points to a web-only registry. "
     "ACM mailed these contacts only until mid-2024. The RDAP bootstrap is "
     "cached in $XDG_CACHE_HOME/dvcheck/rdap-dns.json (default "
     "~/.cache/dvcheck), refreshed from data.iana.org when its max age has "
     "passed (DVCHECK_RDAP_BOOTSTRAP_URL names a mirror to fetch it from "
     "instead). DVCHECK_WHOIS_ALLOW_LOOPBACK=1 (test labs only) lets WHOIS "
     "referrals name 127.0.0.0/8 or ::1.",
     dv_cmd_whois},
    {"cert",
     "ARN [--resend [--domain D] [--validation-domain V] [--dry-run] "
     "[--yes]]",
     "one ACM certificate: ACM's view of each name next to what the world "
     "shows",
     "Calls ACM's DescribeCertificate for ARN and shows, for every name of "
     "the certificate and of a pending renewal, ACM's view (validation "
     "method, ValidationStatus, ValidationDomain, the addresses ACM mailed, "
     "the CNAME ACM expects) next to the world's: the e-mail checks on the "
     "ValidationDomain or the DNS checks on the CNAME, and says which side is "
     "wrong. Explains the certificate status, failure reason and renewal "
     "status. With --resend, asks ACM to send the validation e-mail again -- "
     "only for e-mail-validated names that are pending validation, within "
     "ACM's 72-hour window; it shows the addresses first and asks for "
     "confirmation on a terminal (--yes skips the question, and is required "
     "without a terminal). Credentials, region, endpoint and CA bundle are "
     "found as the AWS CLI finds them (see --profile): the region from the "
     "ARN first.",
     dv_cmd_cert},
    {"certs", "[--region R] [--status S[,S...]]",
     "list the ACM certificates of a region (every page, every key type)",
     "Calls ACM's ListCertificates over all pages, asking for every key type "
     "(by default ACM lists only RSA_2048 certificates), optionally only "
     "those with the given statuses (PENDING_VALIDATION, ISSUED, INACTIVE, "
     "EXPIRED, VALIDATION_TIMED_OUT, REVOKED, FAILED), and prints a table.",
     dv_cmd_certs},
    {"explain", "[CODE]",
     "print a finding's catalogue entry (all codes without CODE)",
     "Prints the severity, title, remediation and reference of a finding code "
     "such as MX_NULL. Without CODE, lists every code.",
     dv_cmd_explain},
    {"endpoint", "HOST[:PORT] [--expect-pem FILE | --arn ARN]",
     "which certificate a TLS endpoint serves, and is it trusted and current",
     "Connects to HOST (a name, resolved like every lookup, or an IP "
     "address; IPv6 as [ADDR]:PORT; port 443 by default), does a TLS "
     "handshake with SNI and reports the served certificate: subject, SANs, "
     "issuer, serial, SHA-256 fingerprint, validity and days to expiry. The "
     "chain is verified against the system's trust store (or the bundle in "
     "DVCHECK_CA_BUNDLE) and the name or address against the certificate. "
     "Findings: expired, expiring within 45 days, not yet valid, untrusted "
     "chain, name mismatch, handshake, connect and resolve failures, "
     "timeouts. With --expect-pem, whether the endpoint serves that very "
     "certificate (\"the load balancer still serves the old certificate\"); "
     "with --arn, the same for the ACM certificate (GetCertificate; a "
     "certificate ACM has not issued yet is an ACM_API_ERROR with "
     "RequestInProgressException, other API failures exit 3).",
     dv_cmd_endpoint},
    {"check",
     "--host HOST[:PORT] | --domain NAME | --arn ARN [-w RANGE] "
     "[-c RANGE] [-t SECONDS]",
     "Nagios/Icinga plug-in mode (also run as check_dv)",
     "Follows the monitoring-plugins guidelines: one status line \"DV "
     "OK|WARNING|CRITICAL|UNKNOWN - summary | perfdata\", details on the "
     "following lines, exit status 0/1/2/3. --host checks the endpoint's "
     "certificate (as `dvcheck endpoint`): -w/-c are ranges for the days to "
     "expiry (default -w 30: -c 14:, i.e. warn below 30 days, critical "
     "below 14; with L the maximum certificate lifetime in force on the run's "
     "date, BR 6.3.2 ballot SC-081, the defaults are min(30, L/3) and "
     "min(14, L/6): 15 and 7 from 2029-03-15); an expired, untrusted or "
     "wrong-name certificate or an "
     "unreachable endpoint is CRITICAL; a certificate other than "
     "--expect-pem is WARNING. --domain checks whether validation can work "
     "now (as `dvcheck preflight`): OK when DNS validation can work, "
     "WARNING when only e-mail validation can, CRITICAL when neither can; "
     "-w/-c, if given, are ranges for the number of methods that can work "
     "(0-2). --arn checks an ACM certificate (DescribeCertificate): "
     "PENDING_VALIDATION and INACTIVE are WARNING; FAILED, "
     "VALIDATION_TIMED_OUT, REVOKED and EXPIRED are CRITICAL; a renewal "
     "PENDING_VALIDATION is WARNING, a FAILED one CRITICAL; -w/-c are ranges "
     "for the days to expiry (default -w 30: -c 14:); within 45 days of "
     "expiry, a certificate ACM will not renew by itself (imported, not in "
     "use, renewal by e-mail approval) is at least WARNING. Perfdata "
     "days_left, pending_names (names still PENDING_VALIDATION), time; the "
     "long output lists the names, reasons and findings. --host with --arn "
     "compares the served certificate with ACM's (GetCertificate): another "
     "certificate is WARNING, as with --expect-pem. ACM errors (no "
     "credentials, unknown ARN, access denied, throttling, clock skew, a "
     "certificate not issued yet) are UNKNOWN. Ranges: N (0..N), N: (at "
     "least N), ~:N (at most N), N:M, and @N:M (alert inside). Bad usage and "
     "internal errors give one UNKNOWN line; the whole check never runs "
     "longer than -t.",
     dv_cmd_check},
    {"expiry",
     "[--region R|R1,R2|all] [--days N] [--format text|json|jsonl|asff]",
     "ACM certificates expiring within N days, and what blocks their renewal",
     "Lists every certificate of the region(s) (ListCertificates, every page "
     "and key type) and reports those that expire within N days (default "
     "45, when ACM's own DaysToExpiry events start): IMPORTED ones (ACM never "
     "renews them), ones not in use (ACM renews only certificates in use), "
     "e-mail-validated ones (renewal needs someone to approve a mail), "
     "DNS-validated ones with the DNS checks on the validation CNAMEs that "
     "renewal needs, failed renewals and expired ones. --region all asks "
     "every commercial region and skips those not enabled for the account. "
     "DescribeCertificate calls are paced well under ACM's request quota. "
     "The listing is read page by page and only the certificates expiring "
     "within N days are kept; only AMAZON_ISSUED ones in use and not yet "
     "expired are described (the summary does not say how they validate or "
     "how their renewal goes), every other verdict comes from the summary. "
     "The report is sorted by days left, then ARN, over the whole run; "
     "memory holds the expiring certificates' verdicts and ACM's fields "
     "(a few KB each) and the DNS checks of at most 64 certificates at "
     "once. --format jsonl writes one JSON object per certificate as soon "
     "as its verdict is known, one per account-region once it is done and a "
     "summary line last, in memory bounded whatever the number of accounts "
     "and certificates. --format asff prints a Security Hub "
     "BatchImportFindings request body "
     "(one finding per certificate): aws securityhub batch-import-findings "
     "--cli-input-json file://FILE. Exit status: 2 when a certificate will "
     "expire without renewal, 1 for warnings, 0 when ACM will renew "
     "everything in the window.",
     dv_cmd_expiry},
    {"audit", "[--region R|R1,R2|all] [--days N] [--format text|json|jsonl]",
     "every ACM certificate of the account; the problem ones diagnosed",
     "Lists every certificate of the region(s) and diagnoses, as `dvcheck "
     "cert` does, each one that needs attention: PENDING_VALIDATION, "
     "VALIDATION_TIMED_OUT, FAILED, expired while in use, expiring within N "
     "days (default 45), and AMAZON_ISSUED certificates within 60 days of "
     "expiry -- ACM's managed-renewal window -- so that a renewal stuck in "
     "PENDING_VALIDATION or FAILED shows. The diagnoses run concurrently "
     "with one shared DNS cache; DescribeCertificate calls are paced per "
     "region well under ACM's request quota; IMPORTED certificates are "
     "diagnosed from their ListCertificates summary, which holds all ACM "
     "has on them, without a DescribeCertificate. The listing is read page "
     "by page; only the certificates picked are kept. A progress bar goes "
     "to standard error on a terminal; the output is a summary table, worst "
     "first, then the diagnosis of every certificate that is not fine. "
     "Memory: at most 64 diagnoses are in progress at once, and each is "
     "reduced to its report (a few hundred bytes to a few KB) as soon as it "
     "is complete; the sorted outputs (text, json, markdown, openmetrics, "
     "html: one table for the whole run, worst first) hold these reports "
     "until the end. --format jsonl writes one JSON object per certificate "
     "the moment its diagnosis is complete, one per account-region once it "
     "is done and a summary line last: memory bounded whatever the number "
     "of accounts and certificates, for pipelines and very large "
     "organisations.",
     dv_cmd_audit},
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
    {DV_OPT_TIMEOUT, "timeout", 't', "SECONDS", NULL,
     "deadline for the whole run (default 20)",
     "Deadline for the whole run, 0.1 to 3600 seconds (default 20). Work not "
     "finished by then is reported as RUN_DEADLINE and the exit status is 3. "
     "SIGINT or SIGTERM ends the run the same way (RUN_INTERRUPTED; check "
     "mode: one DV UNKNOWN line); a second signal kills at once."},
    {DV_OPT_MAX_INFLIGHT, "max-inflight", 0, "N", NULL,
     "at most N DNS queries in flight per resolver (default 128)",
     "Ceiling of the adaptive window of DNS queries in flight, per "
     "resolver, 1 to 65535 (default 128). The window starts at 16, grows "
     "while answers come back and halves on timeouts or bursts of SERVFAIL "
     "(like TCP's AIMD). With several --resolver, queries go to the one "
     "with the most room; one that stops answering is skipped (and tried "
     "again now and then), and a query that timed out is retried on "
     "another while the --timeout deadline leaves time. -v prints the "
     "counters."},
    {DV_OPT_VERBOSE, "verbose", 'v', NULL, NULL,
     "more detail on stderr (repeat for DNS traces)",
     "Print progress and statistics on standard error; -vv also traces every "
     "DNS question and answer. Secrets are never printed."},
    {DV_OPT_NO_COLOR, "no-color", 0, NULL, NULL,
     "no colour (also when NO_COLOR is set; colour only on a terminal)", NULL},
    {DV_OPT_HELP, "help", 'h', NULL, NULL,
     "show help (for a command: "
     "dvcheck COMMAND --help)",
     NULL},
    {DV_OPT_VERSION, "version", 'V', NULL, NULL,
     "show the version and the libraries in use", NULL},
    {DV_OPT_FILE, "file", 'f', "FILE", "email",
     "read names from FILE, one per line (- for standard input)",
     "Read further names from FILE, one per line; empty lines and lines "
     "starting with # are ignored. \"-\" reads standard input. Any number "
     "of names: they are read as the checks go, at most 512 are checked at "
     "once (32 with --probe or --contacts), and each result is written as "
     "soon as it and every name before it are complete -- in input order, "
     "through a window of 4096 names -- then forgotten, so memory does not "
     "grow with the input. A line may be up to 4096 bytes. A regular file "
     "(or standard input redirected from one) is read twice: first every "
     "name is checked, and any bad line stops the run before any lookup, "
     "as a bad NAME argument does. A pipe or terminal is read once: a bad "
     "line is reported on standard error, skipped, and makes the exit "
     "status 3. When the --timeout deadline passes, the names being checked "
     "are written with verdict UNKNOWN, the names not yet started are not "
     "written, and one RUN_DEADLINE finding about the run says how many "
     "were not started and after which line to resume."},
    {DV_OPT_CNAME, "cname", 0, "RECORD_NAME=RECORD_VALUE", "dns",
     "a validation record as ACM shows it (repeatable)", NULL},
    {DV_OPT_CA, "ca", 0, "NAME", "dns preflight email check",
     "the CA to check for (default amazon; --ca list shows the table)",
     "The public CA the checks are for: its CAA issuer domain names and the "
     "validation methods it offers come from check/cas.conf (amazon, "
     "letsencrypt, google, digicert, sectigo, zerossl, globalsign, sslcom, "
     "buypass, harica, godaddy). Default amazon. `--ca list` prints the "
     "table and exits."},
    {DV_OPT_CA_DOMAIN, "ca-domain", 0, "DOMAIN", "dns preflight email check",
     "a CA not in the table, by its CAA issuer domain name",
     "Check CAA for the CA whose issuer domain name (RFC 8659) is DOMAIN, "
     "e.g. --ca-domain pki.example.net. Its validation methods are unknown, "
     "so no method is ruled out."},
    {DV_OPT_ACME_ACCOUNT, "acme-account", 0, "URI", "dns preflight check",
     "your ACME account URL (CAA accounturi, dns-persist-01)",
     "The ACME account URL (as the CA's new-account endpoint returns it) "
     "that CAA accounturi parameters (RFC 8657) and dns-persist-01 records "
     "are compared with. Without it, such restrictions are explained, not "
     "evaluated."},
    {DV_OPT_ACME, "acme", 0, "NAME", "dns",
     "check ACME dns-01: TXT at _acme-challenge.NAME", NULL},
    {DV_OPT_EXPECT, "expect", 0, "VALUE", "dns",
     "with --acme: the TXT value the ACME client wants", NULL},
    {DV_OPT_PERSIST, "persist", 0, "NAME", "dns",
     "check dns-persist-01: TXT at _validation-persist.NAME", NULL},
    {DV_OPT_RECORDS, "records", 0, "FILE", "dns",
     "records from the ACM console's CSV or describe-certificate JSON",
     "Read the validation records from FILE: the CSV the ACM console exports "
     "(columns Domain Name, Record Name, Record Type, Record Value) or the "
     "JSON printed by `aws acm describe-certificate` "
     "(Certificate.DomainValidationOptions[].ResourceRecord). \"-\" reads "
     "standard input; the format is detected."},
    {DV_OPT_INPUT, "input", 0, "FILE", "whois",
     "a saved WHOIS or RDAP reply to analyse (- for standard input)", NULL},
    {DV_OPT_DOMAIN, "domain", 0, "NAME", "whois",
     "the domain the reply is about (for the report)", NULL},
    {DV_OPT_SERVER, "server", 0, "HOST", "whois",
     "the server that sent the reply (helps recognise web-only registries)",
     NULL},
    {DV_OPT_WHOIS_SERVERS, "whois-servers", 0, "FILE", "whois email",
     "WHOIS server table to use instead of the shipped servers.conf",
     "Use FILE (the format of the shipped servers.conf: SUFFIX TARGET "
     "[QUERY]) instead of the built-in WHOIS server table, e.g. to point "
     "dvcheck at test servers given as IP literals."},
    {DV_OPT_RDAP_BOOTSTRAP, "rdap-bootstrap", 0, "FILE|none", "whois email",
     "RDAP bootstrap (IANA dns.json format); none: port-43 WHOIS only",
     "Read the RDAP bootstrap (RFC 9224 dns.json) from FILE instead of the "
     "cache / data.iana.org / the built-in table; \"none\" turns RDAP off."},
    {DV_OPT_WHOIS_RATE, "whois-rate", 0, "N", "whois email",
     "queries a minute per WHOIS server (default 20, at most 600)",
     "At most N queries a minute to one WHOIS server (token bucket, bursts "
     "of 2), 0.1 to 600, default 20. After a throttled reply dvcheck waits "
     "two query intervals (at least 1 s, doubling, at most 60 s) and asks "
     "once more only if that fits in the run's deadline."},
    {DV_OPT_WHOIS_TIMEOUT, "whois-timeout", 0, "SECONDS", "whois email",
     "time for one WHOIS/RDAP reply (default 10)",
     "Time for one WHOIS or RDAP server to answer completely, 0.1 to 600 "
     "seconds (default 10; connecting and each pause between bytes get at "
     "most 5 s of it)."},
    {DV_OPT_ACM_LEGACY, "acm-legacy", 0, NULL, "email",
     "pre-2024 rule: WHOIS contacts count as validation recipients",
     "Apply ACM's rule from before mid-2024: look up the registrable "
     "domain's WHOIS/RDAP contacts, and count their real (or proxy) "
     "addresses as validation recipients, so they can rescue a name whose "
     "domains receive no mail."},
    {DV_OPT_PROBE, "probe", 0, NULL, "email cert check",
     "also ask the MX whether the five addresses exist (SMTP, never DATA)",
     "Opt-in: connect to the validation domain's MX hosts on port 25 and "
     "ask whether admin@, administrator@, hostmaster@, postmaster@ and "
     "webmaster@ exist. What is sent: EHLO (HELO if refused), STARTTLS when "
     "offered, MAIL FROM:<> (the null sender, or --mail-from), one RCPT TO "
     "for each of the five addresses plus one random address that cannot "
     "exist (a server that accepts it accepts everything), RSET and QUIT. "
     "DATA is never sent, so no mail is ever delivered. The MX hosts are "
     "tried in preference order (equal preferences in random order), the "
     "next one only when a host cannot be reached, times out or refuses at "
     "the greeting; one session per host and name, at most 2 at once per MX "
     "host and 8 in the whole run, each reply within --smtp-timeout. "
     "Replies are classified by their basic and enhanced status codes (RFC "
     "5321, RFC 3463): accepted, cannot verify (252), greylisted or other "
     "temporary failures (4xx: ACM's sender retries, so a warning), mailbox "
     "unknown, policy refusal. A probe that no MX answers from your "
     "network is inconclusive, not a failure: outbound port 25 is often "
     "blocked, and probing from addresses on blocklists gets refused. The "
     "STARTTLS certificate is checked (validity, chain, name) and reported, "
     "never fatal. Without --probe no SMTP connection is ever made. Probe "
     "only domains you are responsible for: repeated probes can get your "
     "address blocklisted."},
    {DV_OPT_SMTP_TIMEOUT, "smtp-timeout", 0, "SECONDS", "email cert check",
     "time for each SMTP step of --probe (default 10)",
     "Time for the connection and for each reply of the --probe dialogue, "
     "0.1 to 300 seconds (default 10; RFC 5321 4.5.3.2 lets servers take "
     "minutes, but a server that slow is reported, not waited for). The "
     "run's --timeout still bounds everything."},
    {DV_OPT_MAIL_FROM, "mail-from", 0, "ADDR", "email cert check",
     "sender for --probe instead of the null sender <>",
     "The envelope sender of the --probe dialogue (MAIL FROM:<ADDR>). "
     "Default: the null sender <>, which every server must accept (RFC 5321 "
     "4.5.5) and which no bounce can be sent to; some servers refuse it, "
     "then give an address of yours here."},
    {DV_OPT_CONNECT_TO, "connect-to", 0, "HOST:PORT:CONNECT-HOST:CONNECT-PORT",
     "email cert check",
     "--probe: connect to CONNECT-HOST:CONNECT-PORT for HOST:PORT "
     "(repeatable)",
     "curl's convention: the probe of MX host HOST (port 25) goes to "
     "CONNECT-HOST (an IP address, [ADDR] for IPv6) port CONNECT-PORT "
     "instead, e.g. through an SSH tunnel when outbound port 25 is blocked "
     "(--connect-to mx.example.com:25:127.0.0.1:2525). An empty HOST or "
     "PORT matches every host or port; the first matching option wins. "
     "Certificate names are still checked against HOST."},
    {DV_OPT_CONTACTS, "contacts", 0, NULL, "email",
     "also show the WHOIS/RDAP contacts (not used by ACM since 2024)",
     "Look up and show the registrable domain's WHOIS/RDAP contacts as a "
     "section marked \"not used by ACM since 2024\". Off by default so that "
     "`dvcheck email` stays a fast DNS-only check."},
    {DV_OPT_EXPECT_PEM, "expect-pem", 0, "FILE", "endpoint check",
     "the certificate (PEM) the endpoint should serve (check: with --host)",
     "Compare the served leaf certificate with the first certificate in "
     "FILE (SHA-256 fingerprint): ENDPOINT_CERT_EXPECTED or "
     "ENDPOINT_CERT_NOT_EXPECTED."},
    {DV_OPT_CHECK_HOST, "host", 0, "HOST[:PORT]", "check",
     "check the certificate a TLS endpoint serves", NULL},
    {DV_OPT_CHECK_DOMAIN, "domain", 0, "NAME", "check",
     "check that DNS or e-mail validation can work for NAME", NULL},
    {DV_OPT_CHECK_ARN, "arn", 0, "ARN", "check endpoint",
     "an ACM certificate (check: its state; with --host / endpoint: is it "
     "served)",
     "check --arn ARN: DescribeCertificate; the certificate's status, its "
     "renewal and the days to expiry (see `check`). check --host HOST --arn "
     "ARN and endpoint HOST --arn ARN: GetCertificate, then whether the "
     "endpoint serves that very certificate (SHA-256 fingerprint, as "
     "--expect-pem): ENDPOINT_CERT_EXPECTED or ENDPOINT_CERT_NOT_EXPECTED "
     "(\"the load balancer still serves the old certificate\"). The region "
     "is the ARN's; credentials and endpoint as for every ACM call."},
    {DV_OPT_WARNING, "warning", 'w', "RANGE", "check",
     "warning range (--host, --arn: days to expiry, default 30:)", NULL},
    {DV_OPT_CRITICAL, "critical", 'c', "RANGE", "check",
     "critical range (--host, --arn: days to expiry, default 14:)", NULL},
    /* AWS: the AWS CLI's global options, resolved as the CLI does */
    {DV_OPT_PROFILE, "profile", 0, "NAME", NULL,
     "AWS profile for ACM calls (default: AWS_PROFILE, else \"default\")",
     "Use this profile of ~/.aws/config and ~/.aws/credentials (or "
     "AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE). As with the AWS CLI, an "
     "explicit --profile ignores AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY. "
     "Credentials come, first match wins, from the environment, the "
     "credentials file, credential_process, the config file, the container "
     "credential endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/_FULL_URI) "
     "and EC2 instance metadata (IMDSv2; AWS_EC2_METADATA_DISABLED=true turns "
     "it off). Profiles that need STS or SSO (role_arn, sso_*) are not "
     "supported."},
    {DV_OPT_REGION, "region", 0, "REGION", NULL,
     "AWS region (default: the ARN's, AWS_REGION, AWS_DEFAULT_REGION, profile)",
     "The AWS region for ACM calls when no certificate ARN gives one. "
     "Otherwise the AWS CLI's order applies: AWS_REGION, AWS_DEFAULT_REGION, "
     "the profile's region. expiry and audit also take a list "
     "(us-east-1,eu-west-1) or \"all\" (every commercial region; those not "
     "enabled for the account are skipped)."},
    {DV_OPT_ENDPOINT_URL, "endpoint-url", 0, "URL", NULL,
     "send ACM calls to URL instead of https://acm.REGION.amazonaws.com",
     "Send ACM API calls to URL. Without it: AWS_ENDPOINT_URL_ACM, "
     "AWS_ENDPOINT_URL, the profile's services section or endpoint_url "
     "(unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), else "
     "https://acm.REGION.amazonaws.com (amazonaws.com.cn in China). "
     "AWS_CA_BUNDLE or the profile's ca_bundle names the CA certificates to "
     "trust."},
    {DV_OPT_DAYS, "days", 0, "N", "expiry audit",
     "the expiry window in days (default 45; min(45, L/3) for the lifetime "
     "L in force)",
     NULL},
    {DV_OPT_FORMAT, "format", 0, "FORMAT", NULL,
     "output format: text (default), json, or one listed under FORMATS",
     "Output format: text (the default), json (the same as --json), or "
     "another format of the command (see FORMATS; a format the command does "
     "not have is an error)."},
    {DV_OPT_OUTPUT, "output", 'o', "FILE", NULL,
     "write the output to FILE atomically (temporary file, then rename)",
     "Write standard output to FILE instead: to a temporary file in FILE's "
     "directory, renamed over FILE when the run ends, so a reader (such as "
     "node_exporter's textfile collector) never sees half a file. A run "
     "that wrote nothing (a usage error) leaves FILE as it was."},
    {DV_OPT_ORG, "org", 0, NULL, "expiry audit",
     "every ACTIVE account of the AWS Organization, through a role in each",
     "Cover every account of the AWS Organization: Organizations "
     "ListAccounts (all pages; accounts that are not ACTIVE are reported and "
     "skipped), then STS AssumeRole of --role-name in each (the management "
     "account itself uses the caller's credentials); every account and "
     "region is audited concurrently, each within its own ACM request "
     "quota. An account whose role cannot be assumed is a finding "
     "(ORG_ASSUME_ROLE_FAILED); the run goes on."},
    {DV_OPT_ROLE_NAME, "role-name", 0, "NAME", "expiry audit",
     "with --org: the role to assume (default OrganizationAccountAccessRole)",
     NULL},
    {DV_OPT_ACCOUNTS, "accounts", 0, "ID[,ID...]", "expiry audit",
     "with --org: these accounts instead of ListAccounts", NULL},
    {DV_OPT_ACCOUNTS_FILE, "accounts-file", 0, "FILE", "expiry audit",
     "with --org: account ids from FILE (one a line, # comments)", NULL},
    {DV_OPT_EXCLUDE, "exclude", 0, "ID[,ID...]", "expiry audit",
     "with --org: skip these accounts", NULL},
    {DV_OPT_RESEND, "resend", 0, NULL, "cert",
     "resend the validation e-mail (pending e-mail validation only)", NULL},
    {DV_OPT_CERT_DOMAIN, "domain", 0, "NAME", "cert",
     "with --resend: only this name of the certificate", NULL},
    {DV_OPT_VALIDATION_DOMAIN, "validation-domain", 0, "NAME", "cert",
     "with --resend: mail this domain (the name or a superdomain)", NULL},
    {DV_OPT_DRY_RUN, "dry-run", 0, NULL, "cert",
     "with --resend: show who would be mailed, send nothing", NULL},
    {DV_OPT_YES, "yes", 0, NULL, "cert",
     "with --resend: do not ask for confirmation", NULL},
    {DV_OPT_STATUS, "status", 0, "STATUS[,STATUS...]", "certs",
     "only certificates with these statuses", NULL},
};
const size_t dv_noptions = sizeof(dv_options) / sizeof(dv_options[0]);

const char dv_exit_doc[] =
    "0  nothing wrong\n"
    "1  warnings only\n"
    "2  failures found (a name cannot be validated as things are)\n"
    "3  could not complete: bad usage or input, internal error, or the "
    "deadline passed before a verdict\n";

const dv_format_info dv_formats[] = {
    {DV_FORMAT_TEXT, "text", NULL, "human-readable text (the default)"},
    {DV_FORMAT_JSON, "json", NULL,
     "one JSON document (doc/json-output.md); the same as --json"},
    {DV_FORMAT_JSONL, "jsonl", "email audit expiry",
     "one JSON object per line: each result as soon as it is complete, then "
     "a summary line (doc/json-output.md)"},
    {DV_FORMAT_ASFF, "asff", "expiry",
     "AWS Security Hub findings (BatchImportFindings request body)"},
    {DV_FORMAT_OPENMETRICS, "openmetrics",
     "expiry audit check email dns preflight",
     "metrics for Prometheus / node_exporter's textfile collector "
     "(doc/metrics.md); write them with --output"},
    {DV_FORMAT_MARKDOWN, "markdown",
     "email dns preflight cert endpoint whois expiry audit",
     "a ticket-ready summary: verdict, names, findings with fixes"},
    {DV_FORMAT_HTML, "html", "audit expiry",
     "one self-contained HTML page: sortable table, expiry timeline (SVG) "
     "with ACM's renewal windows, findings with fixes; strict CSP"},
    {DV_FORMAT_DOT, "dot", "dns",
     "Graphviz graph of the delegation, each server's answer and the CNAME "
     "chain (dvcheck dns ... --format dot | dot -Tsvg)"},
};
const size_t dv_nformats = sizeof(dv_formats) / sizeof(dv_formats[0]);

/* 1 if the space-separated word list has word */
static int words_have(const char *p, const char *word)
{
  size_t n = word ? strlen(word) : 0;
  if (!p || !n)
    return 0;
  while (*p) {
    size_t w = strcspn(p, " ");
    if (w == n && strncmp(p, word, n) == 0)
      return 1;
    p += w;
    p += strspn(p, " ");
  }
  return 0;
}

const dv_format_info *dv_format_find(const char *name)
{
  for (size_t i = 0; i < dv_nformats; i++)
    if (strcmp(dv_formats[i].name, name) == 0)
      return &dv_formats[i];
  return NULL;
}

int dv_format_for(const dv_format_info *f, const char *cmd)
{
  return !f->commands || words_have(f->commands, cmd);
}

int dv_option_for(const dv_option *o, const char *cmd)
{
  return words_have(o->command, cmd);
}

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
    fprintf(out, "Usage: dvcheck [options] %s %s\n\n%s.\n\nOptions:\n", c->name,
            c->synopsis, c->summary);
    for (size_t i = 0; i < dv_noptions; i++)
      if (dv_option_for(&dv_options[i], c->name))
        help_option(out, &dv_options[i]);
  } else {
    fprintf(out,
            "Usage: dvcheck [options] COMMAND [args]\n\n"
            "Diagnoses why a TLS certificate's domain validation fails (AWS "
            "Certificate Manager first).\n\nCommands:\n");
    for (size_t i = 0; i < dv_ncommands; i++)
      fprintf(out, "  %-10s %s\n", dv_commands[i].name, dv_commands[i].summary);
    fprintf(out, "\nOptions:\n");
  }
  for (size_t i = 0; i < dv_noptions; i++)
    if (!dv_options[i].command)
      help_option(out, &dv_options[i]);
  fprintf(out, "\nFormats (--format):\n");
  for (size_t i = 0; i < dv_nformats; i++)
    if (!c || dv_format_for(&dv_formats[i], c->name))
      fprintf(out, "  %-12s %s%s%s%s\n", dv_formats[i].name, dv_formats[i].help,
              !c && dv_formats[i].commands ? " (" : "",
              !c && dv_formats[i].commands ? dv_formats[i].commands : "",
              !c && dv_formats[i].commands ? ")" : "");
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
#ifdef DV_DEBUGBUILD
  /* tests/scenarios.py looks for this line (cases with "needs: debug") */
  fprintf(out, "debug build: test hooks (DVCHECK_TEST_CLOCK_OFFSET)\n");
#endif
}
