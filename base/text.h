/* dvcheck -- untrusted text: the one escaping rule, and UTF-8.
 *
 * Everything dvcheck shows that it did not write itself (DNS data, WHOIS,
 * RDAP and ACM replies, server greetings, file contents, command-line
 * input) goes through dv_text_escape or dv_text_fput before it reaches a
 * terminal, a log or a report. The rule: the bytes 0x20..0x7E except the
 * backslash are shown as they are; every other byte, and the backslash, as
 * \xHH (upper-case hex). The result is printable ASCII that can never
 * drive a terminal, and it reads back unambiguously. Output formats with
 * their own quoting (JSON, Markdown, HTML) escape again for their syntax. */
#ifndef DV_BASE_TEXT_H
#define DV_BASE_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Escape len bytes of in into out (NUL-terminated; cut at a whole escape
 * when out is full). Returns out. */
char *dv_text_escape(const char *in, size_t len, char *out, size_t outlen);

/* The same rule, written to a stream (no length limit). */
void dv_text_fput(FILE *out, const char *s, size_t len);

/* The same rule, each resulting character handed to put, which quotes it
 * for an output format (DOT, HTML, Markdown) as it writes it to out. */
void dv_text_fput_with(FILE *out, const char *s, size_t len,
                       void (*put)(FILE *out, char c));

/* The entity for one of the five HTML/XML metacharacters & < > " ' (NULL
 * for any other character): the one table of the HTML page and the
 * Markdown ticket. */
const char *dv_text_html_entity(char c);

/* Bytes of one valid UTF-8 sequence at s (at most len bytes), or 0 when it
 * is not one (strict: no overlongs, no surrogates, at most U+10FFFF). */
size_t dv_utf8_seq(const unsigned char *s, size_t len);

/* 1 if the n bytes at s are valid UTF-8 (as dv_utf8_seq), else 0. */
int dv_utf8_valid(const unsigned char *s, size_t n);

#endif
