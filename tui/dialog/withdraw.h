/* w: whether to withdraw a pending or approved request, saying what
 * follows; the agent's refusal shows in place. */
#ifndef CAPCTL_DIALOG_WITHDRAW_H
#define CAPCTL_DIALOG_WITHDRAW_H

#include "dialog/dialog.h"

extern const struct dialog_ops dialog_withdraw;

/* Asks about e; a request that cannot be withdrawn gets a message
 * instead (and any dialog closes). Returns CONSOLE_* flags. */
unsigned dialog_withdraw_open(struct console *c, const struct model_exemption *e);

#endif
