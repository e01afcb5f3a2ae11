/* dvcheck -- --format markdown: a ticket-ready summary of a command's
 * results (the verdict, a table of the names, each finding with its fix and
 * reference), safe to paste: no text from outside can become Markdown
 * syntax or HTML. */
#ifndef DV_REPORT_MARKDOWN_H
#define DV_REPORT_MARKDOWN_H

#include <jansson.h>
#include <stdio.h>

/* Write s as Markdown text. The one rule for Markdown, on top of
 * base/text's: base/text's escaping first (printable ASCII; other bytes
 * and the backslash as \xHH), then & < > " | ~ as HTML character
 * references (no element, entity or table cell can start) and
 * \ ` * _ [ ] with a backslash (no code span, emphasis, link or image).
 * With trusted set (the catalogue's own text), valid UTF-8 is kept as it
 * is instead of the first step; the second applies all the same. */
void dv_md_fput(FILE *out, const char *s, int trusted);

/* The JSON envelope of a command (report.h) as Markdown. Returns 0, or -1
 * when writing failed. */
int dv_markdown_print(FILE *out, const json_t *doc);

#endif
