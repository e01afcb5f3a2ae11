/* dvcheck -- the command layer's own messages: errors on stderr, and check
 * mode's one-line UNKNOWN. Untrusted text in them is escaped (base/text.h). */
#ifndef DV_TOOL_MSGS_H
#define DV_TOOL_MSGS_H

/* Print "dvcheck: error: ..." on stderr (the message is made safe). */
void dv_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print "DV UNKNOWN - msg" (check mode's only error form); returns 3. */
int dv_check_unknown(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

#endif
