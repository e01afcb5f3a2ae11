/* dvcheck -- `dvcheck dns ... --format dot`: the delegation and CNAME chain
 * of validation records as one Graphviz graph (`| dot -Tsvg > g.svg`).
 *
 * Per record (a cluster): the zones above the record name that have their
 * own NS RRset, parent to child (the delegation path check_dns.c walked),
 * the record's zone with each authoritative server (name and address),
 * what each server answered at the record name (the CNAME target, the TXT
 * values, nothing, or no answer at all: lame, unreachable), the expected
 * value, and the recursive resolver's view: its CNAME chain hop by hop. A
 * delegated _acme-challenge CNAME target is drawn the same way, linked
 * from the record. Where it breaks is red: a lame or unreachable server, a
 * server without the record or with another value, a resolver answer that
 * is not the expected value, a chain that ends elsewhere.
 *
 * Node identifiers are generated ("r0_s1"); every name and value from DNS
 * is a quoted label escaped by dv_dot_escape: base/text's rule first
 * (bytes outside printable ASCII and the backslash become \xHH), then '"'
 * and '\\' get a backslash, so no input can end a string or start a DOT
 * escape sequence. */
#ifndef DV_REPORT_DOT_H
#define DV_REPORT_DOT_H

#include <stdio.h>

#include "check/check_dns.h"

/* The graph of n records (records sharing another's name, shared_with >=
 * 0, are drawn once). 0, or -1 when memory ran out or writing failed. */
int dv_report_dot(FILE *out, const dv_dns_record *recs, size_t n);

/* DOT's escaping of untrusted text inside a quoted string (see above). */
void dv_dot_escape(FILE *out, const char *s, size_t len);

#endif
