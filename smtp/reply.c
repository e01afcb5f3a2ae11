/* dvcheck -- SMTP reply parser and classifier (RFC 5321 4.2, RFC 3463). */
#include "smtp/smtp.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void dv_smtp_parser_init(dv_smtp_parser *p)
{
  memset(p, 0, sizeof(*p));
}

const char *dv_smtp_parse_status_str(dv_smtp_parse_status st)
{
  switch (st) {
  case DV_SMTP_PARSE_MORE:
    return "incomplete";
  case DV_SMTP_PARSE_REPLY:
    return "reply";
  case DV_SMTP_PARSE_BAD:
    return "not an SMTP reply";
  case DV_SMTP_PARSE_TOO_LONG:
    return "reply line too long";
  case DV_SMTP_PARSE_TOO_MANY:
    return "too many reply lines";
  case DV_SMTP_PARSE_MIXED:
    return "reply lines with different codes";
  }
  return "?";
}

static int num3(const char *s, size_t len, size_t *pos, int *out)
{
  size_t i = *pos, n = 0;
  int v = 0;
  while (i < len && n < 3 && s[i] >= '0' && s[i] <= '9') {
    v = v * 10 + (s[i] - '0');
    i++;
    n++;
  }
  if (n == 0 || (i < len && s[i] >= '0' && s[i] <= '9'))
    return -1;
  *pos = i;
  *out = v;
  return 0;
}

size_t dv_smtp_enhanced_parse(const char *text, size_t len, int *cls, int *subj,
                              int *det)
{
  size_t i = 0;
  int c, s, d;
  if (len < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') ||
      text[1] != '.')
    return 0;
  c = text[0] - '0';
  i = 2;
  if (num3(text, len, &i, &s) < 0 || i >= len || text[i] != '.')
    return 0;
  i++;
  if (num3(text, len, &i, &d) < 0)
    return 0;
  if (i < len && text[i] != ' ')
    return 0;
  *cls = c;
  *subj = s;
  *det = d;
  return i < len ? i + 1 : i;
}

static void text_add(dv_smtp_reply *r, const char *s, size_t n)
{
  size_t room;
  if (r->nlines > 1) {
    if (r->textlen + 1 < sizeof(r->text))
      r->text[r->textlen++] = '\n';
    else
      r->truncated = 1;
  }
  room = sizeof(r->text) - 1 - r->textlen;
  if (n > room) {
    n = room;
    r->truncated = 1;
  }
  memcpy(r->text + r->textlen, s, n);
  r->textlen += n;
  r->text[r->textlen] = '\0';
}

/* One complete line (without CR LF). */
static dv_smtp_parse_status parse_line(dv_smtp_parser *p, dv_smtp_reply *out)
{
  const char *l = p->line;
  size_t n = p->linelen;
  int code, last;
  if (n < 3 || !isdigit((unsigned char)l[0]) || l[0] < '1' || l[0] > '5' ||
      !isdigit((unsigned char)l[1]) || !isdigit((unsigned char)l[2]))
    return DV_SMTP_PARSE_BAD;
  if (n > 3 && l[3] != ' ' && l[3] != '-')
    return DV_SMTP_PARSE_BAD;
  code = (l[0] - '0') * 100 + (l[1] - '0') * 10 + (l[2] - '0');
  last = n == 3 || l[3] == ' ';
  if (!p->in_reply) {
    memset(&p->cur, 0, sizeof(p->cur));
    p->cur.code = code;
    p->in_reply = 1;
  } else if (code != p->cur.code) {
    p->in_reply = 0;
    return DV_SMTP_PARSE_MIXED;
  }
  if (++p->cur.nlines > DV_SMTP_LINES_MAX) {
    p->in_reply = 0;
    return DV_SMTP_PARSE_TOO_MANY;
  }
  if (n > 4) {
    const char *t = l + 4;
    size_t tl = n - 4, skip = 0;
    int c, s, d;
    /* the enhanced code is taken from the first line that has one */
    skip = dv_smtp_enhanced_parse(t, tl, &c, &s, &d);
    if (skip && c == code / 100) {
      if (!p->cur.ecls) {
        p->cur.ecls = c;
        p->cur.esubj = s;
        p->cur.edet = d;
      }
      if (p->cur.nlines == 1) { /* keep the text without the code */
        t += skip;
        tl -= skip;
      }
    }
    text_add(&p->cur, t, tl);
  } else if (p->cur.nlines > 1) {
    text_add(&p->cur, "", 0);
  }
  if (!last)
    return DV_SMTP_PARSE_MORE;
  p->in_reply = 0;
  *out = p->cur;
  return DV_SMTP_PARSE_REPLY;
}

dv_smtp_parse_status dv_smtp_parse(dv_smtp_parser *p, const char *buf,
                                   size_t len, size_t *used, dv_smtp_reply *out)
{
  size_t i = *used;
  while (i < len) {
    char ch = buf[i++];
    dv_smtp_parse_status st;
    if (ch != '\n') {
      if (p->linelen >= DV_SMTP_LINE_MAX) {
        *used = i;
        p->linelen = 0;
        p->in_reply = 0;
        return DV_SMTP_PARSE_TOO_LONG;
      }
      p->line[p->linelen++] = ch;
      continue;
    }
    /* a bare LF ends a line too (lenient); drop the CR of CR LF */
    if (p->linelen && p->line[p->linelen - 1] == '\r')
      p->linelen--;
    p->line[p->linelen] = '\0';
    st = parse_line(p, out);
    p->linelen = 0;
    if (st != DV_SMTP_PARSE_MORE) {
      *used = i;
      return st;
    }
  }
  *used = i;
  return DV_SMTP_PARSE_MORE;
}

/* ---- classification ------------------------------------------------------ */

/* Greylisting as real servers word it: postgrey ("Greylisted, see
 * http://postgrey.schweikert.ch/..."), Exim/greylistd ("greylisted"),
 * milter-greylist ("Greylisting in action"), Microsoft/Gmail-style
 * "4.7.1 ... try again later" deferrals of an unknown sender/client, and
 * RFC 6647's own wording ("temporarily deferred"). Matched without case. */
static const char *const grey_words[] = {"greylist",  "graylist",  "grey list",
                                         "gray list", "grey-list", "gray-list",
                                         NULL};
static const char *const grey_retry_words[] = {"try again later",
                                               "please retry", "try later",
                                               "temporarily deferred", NULL};

static int has_word(const dv_smtp_reply *r, const char *const *words)
{
  for (size_t w = 0; words[w]; w++) {
    size_t wl = strlen(words[w]);
    for (size_t i = 0; i + wl <= r->textlen; i++)
      if (strncasecmp(r->text + i, words[w], wl) == 0)
        return 1;
  }
  return 0;
}

int dv_smtp_is_greylisting(const dv_smtp_reply *r)
{
  if (r->code < 400 || r->code > 499)
    return 0;
  if (has_word(r, grey_words))
    return 1;
  /* 4.7.1/4.7.0 "try again later" without another reason: greylisting
   * (RFC 6647 4.2 recommends 4.7.1 for it) */
  return r->ecls == 4 && r->esubj == 7 && (r->edet == 1 || r->edet == 0) &&
         has_word(r, grey_retry_words);
}

dv_smtp_rclass dv_smtp_classify(const dv_smtp_reply *r)
{
  int c = r->code;
  if (c == 250)
    return DV_SMTP_RC_ACCEPTED;
  if (c == 251)
    return DV_SMTP_RC_FORWARDED;
  if (c == 252)
    return DV_SMTP_RC_CANNOT_VERIFY;
  if (c >= 400 && c <= 499)
    return dv_smtp_is_greylisting(r) ? DV_SMTP_RC_GREYLISTED
                                     : DV_SMTP_RC_TEMPORARY;
  if (c < 500 || c > 599)
    return DV_SMTP_RC_OTHER;
  /* RFC 3463: the enhanced code says more than the basic code */
  if (r->ecls == 5) {
    if (r->esubj == 1 && r->edet != 8 && r->edet != 7)
      return DV_SMTP_RC_MAILBOX_UNKNOWN; /* x.1.8/x.1.7: sender's side */
    if (r->esubj == 2 && (r->edet == 1 || r->edet == 0))
      return DV_SMTP_RC_MAILBOX_UNKNOWN; /* disabled, not accepting */
    if (r->esubj == 2 && r->edet == 2)
      return DV_SMTP_RC_MAILBOX_FULL;
    if (r->esubj == 7)
      return DV_SMTP_RC_POLICY;
    return DV_SMTP_RC_REFUSED;
  }
  switch (c) { /* RFC 5321 4.2.2/4.2.3 */
  case 550:    /* mailbox unavailable */
  case 551:    /* user not local */
  case 553:    /* mailbox name not allowed */
    return DV_SMTP_RC_MAILBOX_UNKNOWN;
  case 552:
    return DV_SMTP_RC_MAILBOX_FULL;
  case 554: /* transaction failed: policy, blocklists */
    return DV_SMTP_RC_POLICY;
  }
  return DV_SMTP_RC_REFUSED;
}

const char *dv_smtp_rclass_str(dv_smtp_rclass c)
{
  static const char *const s[DV_SMTP_RC__COUNT] = {
      "accepted",  "forwarded",       "cannot verify", "greylisted",
      "temporary", "mailbox unknown", "mailbox full",  "policy refusal",
      "refused",   "unexpected reply"};
  return (unsigned)c < DV_SMTP_RC__COUNT ? s[c] : "?";
}

const char *dv_smtp_enhanced_str(const dv_smtp_reply *r, char *buf, size_t len)
{
  if (!r->ecls)
    snprintf(buf, len, "%s", "");
  else
    snprintf(buf, len, "%d.%d.%d", r->ecls, r->esubj, r->edet);
  return buf;
}
