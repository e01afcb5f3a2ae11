/* libFuzzer target: SMTP replies (smtp/reply.c) -- the input is what a
 * server sends, fed to the streaming parser in chunks (the first byte sets
 * the chunk size, so replies split across reads are covered); every reply
 * is classified (basic and RFC 3463 enhanced code, greylisting) and read
 * for EHLO keywords, as the session does. */
#include "config.h"

#include "tests/fuzz/fuzz.h"

#include "smtp/smtp.h"

static void look(const dv_smtp_reply *r)
{
  char buf[32];
  int c, s, d;
  if (r->textlen >= DV_SMTP_TEXT_MAX || r->text[r->textlen] != '\0')
    abort(); /* the parser promises these */
  (void)dv_smtp_rclass_str(dv_smtp_classify(r));
  (void)dv_smtp_is_greylisting(r);
  (void)dv_smtp_ehlo_has(r, "PIPELINING");
  (void)dv_smtp_ehlo_has(r, "STARTTLS");
  (void)dv_smtp_enhanced_str(r, buf, sizeof(buf));
  (void)dv_smtp_enhanced_str(r, buf, 4);
  (void)dv_smtp_enhanced_parse(r->text, r->textlen, &c, &s, &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  dv_smtp_parser p;
  dv_smtp_reply r;
  size_t chunk, off;
  const char *buf;
  int c, s, d;

  if (size < 1)
    return 0;
  chunk = (size_t)(data[0] % 64) + 1;
  buf = (const char *)data + 1;
  size--;
  (void)dv_smtp_enhanced_parse(buf, size, &c, &s, &d);
  dv_smtp_parser_init(&p);
  for (off = 0; off < size; off += chunk) {
    size_t len = size - off < chunk ? size - off : chunk, used = 0;
    while (used < len) {
      dv_smtp_parse_status st = dv_smtp_parse(&p, buf + off, len, &used, &r);
      (void)dv_smtp_parse_status_str(st);
      if (st == DV_SMTP_PARSE_REPLY)
        look(&r);
      else if (st != DV_SMTP_PARSE_MORE)
        dv_smtp_parser_init(&p); /* the session gives up; go on anyway */
    }
  }
  return 0;
}
