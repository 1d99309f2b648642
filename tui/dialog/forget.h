/* f: how far back to forget (a length picked or typed, 1 s to 24 h), then
 * the question; the agent's answer shows in place. */
#ifndef CAPCTL_DIALOG_FORGET_H
#define CAPCTL_DIALOG_FORGET_H

#include "dialog/dialog.h"

#define DIALOG_FORGET_MAX_SECONDS 86400 /* Forget's range in the contract */

extern const struct dialog_ops dialog_forget;

/* Opens it on 15 minutes. */
void dialog_forget_open(struct console *c);

#endif
