/* The one sanitizer for text bound for a terminal. Every string that comes
 * from the agent, the policy or a file passes through here before it is
 * printed or drawn: control characters, escape sequences, DEL, C1 controls
 * and bidi controls are shown visibly ("\x1b", "<U+202E>"), invalid UTF-8
 * as U+FFFD, so nothing can retitle, clear or forge the person's screen. */
#ifndef CAPCTL_SAFE_H
#define CAPCTL_SAFE_H

#include <stddef.h>
#include <stdio.h>

/* What a field may keep as it is. */
#define SAFE_NEWLINE 1u /* '\n' stays a line break */
#define SAFE_TAB 2u     /* '\t' stays a tab */

/* s (len bytes) made safe; heap, the caller frees it. */
char *safe_text(const char *s, size_t len, unsigned allow);
/* The same for a NUL-terminated string; NULL reads as "". */
char *safe_str(const char *s, unsigned allow);
/* Writes s made safe to f. */
void safe_fputs(const char *s, unsigned allow, FILE *f);

#endif
