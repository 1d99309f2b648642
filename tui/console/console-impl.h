/* The console's insides, shared by console.c (the loop, painting, the
 * model's updates) and calls.c (the requests for actions and dialogs).
 * Nothing else includes this. */
#ifndef CAPCTL_CONSOLE_IMPL_H
#define CAPCTL_CONSOLE_IMPL_H

#include "console/console.h"
#include "contract.h"

/* The words for an answer that was no good: the agent's refusal (its
 * message, else its name), or the decoder's sentence made a sentence for
 * the status line (in f, which it changes). Borrowed from f. */
const char *console_failure(enum contract_result r, struct contract_fault *f);
/* After a change the agent accepted (reply is no error), reads every
 * property again. */
void console_reread(struct console *c, DBusMessage *reply);
/* Selects the exemption ui.ex_select_id names, once it is listed. */
void console_select_pending(struct console *c);

#endif
